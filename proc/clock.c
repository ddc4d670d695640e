/* SPDX-License-Identifier: MIT */
/* CLOCK_REALTIME: the monotonic clock plus an offset set from the RTC
 * at boot and by settimeofday/clock_settime; the coarse clocks, advanced
 * by the tick; and the vDSO's copy of both. */
#include "kernel/kernel.h"

/* Orders updates, so the vvar page sees them in the order made. */
static struct spinlock clock_lock = SPINLOCK_INIT("clock");
static int64_t realtime_offset_ns;
static uint64_t coarse_ns; /* time_ns() at the last tick */

uint64_t time_realtime_ns(void)
{
	return time_ns() + READ_ONCE(realtime_offset_ns);
}

uint64_t time_coarse_ns(void)
{
	return READ_ONCE(coarse_ns);
}

uint64_t time_realtime_coarse_ns(void)
{
	return READ_ONCE(coarse_ns) + READ_ONCE(realtime_offset_ns);
}

void time_set_realtime_ns(uint64_t ns)
{
	bool irq = spin_lock_irqsave(&clock_lock);

	WRITE_ONCE(realtime_offset_ns, (int64_t)(ns - time_ns()));
	vdso_publish(realtime_offset_ns, coarse_ns);
	spin_unlock_irqrestore(&clock_lock, irq);
}

void time_tick(struct trap_frame *tf)
{
	bool irq = spin_lock_irqsave(&clock_lock);

	(void)tf;
	WRITE_ONCE(coarse_ns, time_ns());
	vdso_publish(realtime_offset_ns, coarse_ns);
	spin_unlock_irqrestore(&clock_lock, irq);
}
