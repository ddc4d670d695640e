/* SPDX-License-Identifier: MIT */
/* Self-tests of time: the tick advances at HZ, the clock is monotonic and
 * agrees with the tick, delays last as long as asked, and timers fire. */
#include "kernel/kernel.h"
#include "proc/proc.h"

#define FAIL(...)                         \
	do {                              \
		pr_err("  " __VA_ARGS__); \
		return 1;                 \
	} while (0)

SELFTEST(timer_advances)
{
	uint64_t t0 = time_ns(), j0 = jiffies, ticks, last = t0, now;

	/* 200 ms with interrupts on: the tick must keep up with the clock
	 * (a busy host may delay some ticks; half is the floor). */
	while ((now = time_ns()) - t0 < 200000000ULL) {
		if (now < last)
			FAIL("time_ns went back: %llu after %llu\n",
			     (unsigned long long)now, (unsigned long long)last);
		last = now;
		cpu_relax();
	}
	ticks = jiffies - j0;
	if (ticks < HZ / 5 / 2 || ticks > HZ / 5 * 2)
		FAIL("%llu ticks in 200 ms at HZ=%u\n",
		     (unsigned long long)ticks, HZ);
	pr_info("  %llu ticks in 200 ms (HZ=%u)\n", (unsigned long long)ticks,
		HZ);
	return 0;
}

SELFTEST(delay_is_long_enough)
{
	uint64_t t0 = time_ns(), took;

	time_delay_us(10000);
	took = time_ns() - t0;
	if (took < 10000000ULL || took > 1000000000ULL)
		FAIL("time_delay_us(10000) took %llu ns\n",
		     (unsigned long long)took);
	return 0;
}

static volatile uint64_t fired_at;

static void on_timer(struct ktimer *t)
{
	(void)t;
	fired_at = time_ns();
}

SELFTEST(ktimer_fires_on_time)
{
	struct ktimer t;
	uint64_t due = time_ns() + 30000000ULL, start = time_ns();

	fired_at = 0;
	ktimer_init(&t, on_timer, NULL);
	ktimer_arm(&t, due);
	while (!fired_at && time_ns() - start < 2000000000ULL)
		cpu_relax();
	if (!fired_at)
		FAIL("a 30 ms timer did not fire in 2 s\n");
	if (fired_at < due)
		FAIL("the timer fired %llu ns early\n",
		     (unsigned long long)(due - fired_at));
	/* A cancelled timer stays quiet. */
	fired_at = 0;
	ktimer_arm(&t, time_ns() + 10000000ULL);
	if (!ktimer_cancel(&t))
		FAIL("ktimer_cancel of an armed timer returned false\n");
	time_delay_us(30000);
	if (fired_at)
		FAIL("a cancelled timer fired\n");
	return 0;
}
