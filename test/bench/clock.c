/* SPDX-License-Identifier: MIT */
/* clock_gettime through libc (the vDSO when the kernel maps one) against
 * the system call itself: 1e6 calls each. */
#include "bench.h"

#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct timespec ts;
	int n = 1000000;
	double t;

	t = bench_now_us();
	for (int i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	bench_report("clock_gettime_libc", (bench_now_us() - t) * 1000 / n,
		     "ns");
	t = bench_now_us();
	for (int i = 0; i < n; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	bench_report("clock_gettime_syscall", (bench_now_us() - t) * 1000 / n,
		     "ns");
	return 0;
}
