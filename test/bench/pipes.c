/* SPDX-License-Identifier: MIT */
/* Pipes: ping-pong latency between two processes, and bandwidth. */
#include "bench.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int a[2], b[2], status, n = 20000;
	static char buf[65536];
	long total = 64L << 20;
	double t;
	char c = 'x';
	pid_t pid;

	if (pipe(a) || pipe(b))
		return 1;
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			read(a[0], &c, 1);
			write(b[1], &c, 1);
		}
		_exit(0);
	}
	t = bench_now_us();
	for (int i = 0; i < n; i++) {
		write(a[1], &c, 1);
		read(b[0], &c, 1);
	}
	/* One round trip is two one-byte messages. */
	bench_report("pipe_pingpong", (bench_now_us() - t) / n, "us");
	waitpid(pid, &status, 0);

	pid = fork();
	if (pid == 0) {
		long left = total;
		while (left > 0) {
			ssize_t r = read(a[0], buf, sizeof(buf));
			if (r <= 0)
				break;
			left -= r;
		}
		_exit(0);
	}
	t = bench_now_us();
	for (long done = 0; done < total; done += sizeof(buf))
		write(a[1], buf, sizeof(buf));
	waitpid(pid, &status, 0);
	bench_report("pipe_bandwidth", total / (bench_now_us() - t), "MB/s");
	return 0;
}
