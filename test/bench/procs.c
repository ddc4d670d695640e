/* SPDX-License-Identifier: MIT */
/* Process creation: fork+exit+wait and fork+exec+wait. */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	double t;
	int n, status;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return 0; /* the exec'd program: does nothing */
	n = 500;
	t = bench_now_us();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, &status, 0);
	}
	bench_report("fork_exit_wait", (bench_now_us() - t) / n, "us");

	n = 200;
	t = bench_now_us();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *args[] = { argv[0], "child", NULL };
			execv("/proc/self/exe", args);
			execv(argv[0], args);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("bench: exec failed\n");
			return 1;
		}
	}
	bench_report("fork_exec_wait", (bench_now_us() - t) / n, "us");
	return 0;
}
