/* SPDX-License-Identifier: MIT */
/* Micro-benchmarks of system calls: the null call, open+close, stat. */
#include "bench.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct stat st;
	double t;
	int n;

	n = 200000;
	t = bench_now_us();
	for (int i = 0; i < n; i++)
		syscall(SYS_getppid);
	bench_report("null_syscall", (bench_now_us() - t) / n, "us");

	close(open("/tmp/bench-file", O_CREAT | O_WRONLY, 0644));
	n = 20000;
	t = bench_now_us();
	for (int i = 0; i < n; i++)
		close(open("/tmp/bench-file", O_RDONLY));
	bench_report("open_close", (bench_now_us() - t) / n, "us");

	t = bench_now_us();
	for (int i = 0; i < n; i++)
		stat("/tmp/bench-file", &st);
	bench_report("stat", (bench_now_us() - t) / n, "us");
	unlink("/tmp/bench-file");
	return 0;
}
