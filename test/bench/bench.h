/* SPDX-License-Identifier: MIT */
/* Shared by the benchmark programs: a clock and one reporting format,
 * "bench NAME: VALUE UNIT", which the harness collects. */
#ifndef STRIX_BENCH_H
#define STRIX_BENCH_H

#define _GNU_SOURCE
#include <stdio.h>
#include <time.h>

static inline double bench_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static inline void bench_report(const char *name, double value,
				const char *unit)
{
	printf("bench %s: %.3f %s\n", name, value, unit);
	fflush(stdout);
}

#endif
