/* SPDX-License-Identifier: MIT */
/* AF_UNIX stream sockets: ping-pong latency between two processes, and
 * bandwidth, to set beside pipes.c. */
#include "bench.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int sv[2], status, n = 20000;
	static char buf[65536];
	long total = 64L << 20;
	double t;
	char c = 'x';
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 1;
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++) {
			read(sv[1], &c, 1);
			write(sv[1], &c, 1);
		}
		_exit(0);
	}
	t = bench_now_us();
	for (int i = 0; i < n; i++) {
		write(sv[0], &c, 1);
		read(sv[0], &c, 1);
	}
	/* One round trip is two one-byte messages. */
	bench_report("unix_stream_pingpong", (bench_now_us() - t) / n, "us");
	waitpid(pid, &status, 0);

	pid = fork();
	if (pid == 0) {
		long left = total;
		while (left > 0) {
			ssize_t r = read(sv[1], buf, sizeof(buf));
			if (r <= 0)
				break;
			left -= r;
		}
		_exit(0);
	}
	t = bench_now_us();
	for (long done = 0; done < total; done += sizeof(buf))
		write(sv[0], buf, sizeof(buf));
	waitpid(pid, &status, 0);
	bench_report("unix_stream_bandwidth", total / (bench_now_us() - t),
		     "MB/s");
	return 0;
}
