/* SPDX-License-Identifier: MIT */
/* CLOCK_REALTIME: the monotonic clock plus an offset set from the RTC
 * at boot and by settimeofday/clock_settime. */
#include "kernel/kernel.h"

static int64_t realtime_offset_ns;

uint64_t time_realtime_ns(void)
{
	return time_ns() + realtime_offset_ns;
}

void time_set_realtime_ns(uint64_t ns)
{
	WRITE_ONCE(realtime_offset_ns, (int64_t)(ns - time_ns()));
}
