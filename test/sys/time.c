/* SPDX-License-Identifier: MIT */
/* Time: clocks, sleeping, times, getrusage. */
#include "t.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>

static long long ns(struct timespec ts)
{
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

TEST(monotonic_clock_advances)
{
	struct timespec a, b;

	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	CHECK(ns(b) >= ns(a));
	CHECK_ERR(syscall(SYS_clock_gettime, 12345, &a), EINVAL);
}

TEST(realtime_is_plausible)
{
	struct timeval tv;
	struct timespec ts;

	CHECK_EQ(gettimeofday(&tv, NULL), 0);
	CHECK(tv.tv_sec > 1577836800); /* after 2020 */
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
	CHECK(ts.tv_sec - tv.tv_sec >= 0 && ts.tv_sec - tv.tv_sec < 5);
	CHECK(time(NULL) >= tv.tv_sec);
}

TEST(nanosleep_sleeps_long_enough)
{
	struct timespec a, b, req = { 0, 100000000 };

	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_EQ(nanosleep(&req, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(ns(b) - ns(a) >= 100000000);
	CHECK(ns(b) - ns(a) < 2000000000);
	req.tv_nsec = 1000000000;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
	req.tv_nsec = -1;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL);
}

TEST(clock_nanosleep_absolute)
{
	struct timespec t, after;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += 50000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &after);
	CHECK(ns(after) >= ns(t));
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST(interrupted_sleep_reports_remaining)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timespec req = { 5, 0 }, rem = { 0, 0 };

	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	CHECK_ERR(nanosleep(&req, &rem), EINTR);
	CHECK(rem.tv_sec >= 3 && rem.tv_sec <= 4);
}

TEST(cpu_time_accumulates)
{
	struct timespec a, b;
	struct rusage ru;
	struct tms t;
	volatile unsigned long spin = 0;

	CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a), 0);
	for (long i = 0; i < 300000000 && spin < 1; i++) {
		struct timespec now;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
		if (ns(now) - ns(a) > 200000000)
			break;
	}
	CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b), 0);
	CHECK(ns(b) - ns(a) >= 150000000);
	CHECK_EQ(getrusage(RUSAGE_SELF, &ru), 0);
	CHECK(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
		      ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec >=
	      150000);
	CHECK(times(&t) != (clock_t)-1);
	CHECK(t.tms_utime + t.tms_stime >= 15);
	CHECK_ERR(getrusage(5, &ru), EINVAL);
}

TEST(clock_getres)
{
	struct timespec res;

	CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000);
	CHECK_ERR(clock_getres(999, &res), EINVAL);
}
