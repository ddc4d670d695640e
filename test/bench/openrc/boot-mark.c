/* SPDX-License-Identifier: MIT */
/* The time from power-on to here, for make bench: run by the bench-boot
 * service as OpenRC's default runlevel completes. Under QEMU's -icount the
 * TSC counts virtual nanoseconds from the machine's reset (QEMU's
 * cpu_get_ticks follows icount), so it measures firmware, kernel and
 * OpenRC together, the same way on Strix and on Linux. */
#include "../bench.h"

#include <stdint.h>

int main(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	bench_report("poweron_to_openrc_default",
		     (double)((uint64_t)hi << 32 | lo) / 1e6, "ms");
	return 0;
}
