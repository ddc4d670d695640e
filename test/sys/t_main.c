/* SPDX-License-Identifier: MIT */
/* main() for every guest test program: runs the cases in children. */
#include "t.h"

#include <libgen.h>

struct t_case t_cases[T_MAX];
int t_ncases;

static int run_case(const char *prog, const struct t_case *c)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("case %s/%s: FAIL (fork: %s)\n", prog, c->name,
		       strerror(errno));
		return 1;
	}
	if (pid == 0) {
		alarm(T_TIMEOUT);
		c->fn();
		fflush(stdout);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("case %s/%s: PASS\n", prog, c->name);
		return 0;
	}
	if (WIFSIGNALED(status))
		printf("case %s/%s: FAIL (killed by signal %d%s)\n", prog,
		       c->name, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? ", timeout" : "");
	else
		printf("case %s/%s: FAIL (exit %d)\n", prog, c->name,
		       WEXITSTATUS(status));
	return 1;
}

int main(int argc, char **argv)
{
	const char *prog = basename(argv[0]);
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < t_ncases; i++) {
		if (argc > 1 && strcmp(argv[1], t_cases[i].name))
			continue;
		failed += run_case(prog, &t_cases[i]);
	}
	return failed ? 1 : 0;
}
