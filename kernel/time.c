/* SPDX-License-Identifier: MIT */
/* Time since boot from the TSC. Calibration arrives with the timers. */
#include "kernel/kernel.h"

volatile uint64_t jiffies;
uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static uint64_t tsc_ns_mult; /* (NSEC_PER_SEC << 32) / tsc_hz */

uint64_t time_ns(void)
{
	uint64_t d;

	if (!tsc_hz)
		return 0;
	d = rdtsc() - tsc_at_boot;
	/* A 128-bit multiply by a 32.32 fixed-point ns-per-tick; no
	 * division on this path. */
	return (uint64_t)(((__uint128_t)d * tsc_ns_mult) >> 32);
}

void time_delay_us(uint64_t us)
{
	uint64_t end;

	if (!tsc_hz) {
		/* Uncalibrated: port 0x80 writes take about a microsecond. */
		while (us--)
			outb(0x80, 0);
		return;
	}
	end = rdtsc() + us * tsc_hz / 1000000;
	while (rdtsc() < end)
		cpu_relax();
}
