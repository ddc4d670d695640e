/* SPDX-License-Identifier: MIT */
/*
 * /test/runner: init for the guest test suite. Runs every program in
 * /test/bin (or the ones named on the command line) one after another with
 * a time limit, reaps orphans as init must, reports each program's exit
 * and powers the machine off.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BIN_DIR "/test/bin"
#define PROGRAM_TIMEOUT 180

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs one program; as pid 1 it also collects any orphan that dies. */
static void run(const char *name)
{
	char path[256];
	double start = now();
	int status;
	pid_t pid, got;

	snprintf(path, sizeof(path), BIN_DIR "/%s", name);
	printf("program %s: start\n", name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { path, NULL };
		char *envp[] = { "PATH=/bin:/sbin:/usr/bin", "HOME=/",
				 "TERM=vt100", NULL };
		execve(path, argv, envp);
		printf("program %s: exec failed: %s\n", name, strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		printf("program %s: fork failed: %s\n", name, strerror(errno));
		return;
	}
	for (;;) {
		got = waitpid(-1, &status, 0);
		if (got == pid)
			break;
		if (got < 0 && errno == ECHILD)
			return;
		if (got < 0 && errno == EINTR &&
		    now() - start > PROGRAM_TIMEOUT) {
			printf("program %s: timeout, killing\n", name);
			kill(pid, SIGKILL);
		}
	}
	if (WIFEXITED(status))
		printf("program %s: exit %d (%.1fs)\n", name,
		       WEXITSTATUS(status), now() - start);
	else
		printf("program %s: signal %d (%.1fs)\n", name,
		       WTERMSIG(status), now() - start);
	fflush(stdout);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* When user space began, for the kernel_to_init benchmark: CLOCK_BOOTTIME
 * counts from kernel start on Strix and on Linux alike. */
static void record_start(void)
{
	struct timespec ts;
	FILE *f;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	f = fopen("/tmp/init-start-us", "w");
	if (f) {
		fprintf(f, "%.0f\n", ts.tv_sec * 1e6 + ts.tv_nsec / 1e3);
		fclose(f);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	char *names[256];
	int n = 0;
	DIR *d;

	/* What any init does first: the tests read /proc. */
	mkdir("/proc", 0555);
	if (mount("proc", "/proc", "proc", 0, NULL) && errno != EBUSY)
		printf("runner: mount /proc: %s\n", strerror(errno));
	mkdir("/sys", 0555);
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) && errno != EBUSY)
		printf("runner: mount /sys: %s\n", strerror(errno));
	mkdir("/dev/pts", 0755);
	if (mount("devpts", "/dev/pts", "devpts", 0, "gid=5,mode=620") &&
	    errno != EBUSY)
		printf("runner: mount /dev/pts: %s\n", strerror(errno));
	mkdir("/tmp", 01777);
	record_start();
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGALRM, &sa, NULL);
	/* A periodic alarm interrupts waitpid so timeouts are noticed. */
	struct itimerval it = { { 5, 0 }, { 5, 0 } };
	setitimer(ITIMER_REAL, &it, NULL);
	printf("runner: pid %d\n", getpid());
	if (argc > 1) {
		for (int i = 1; i < argc && n < 256; i++)
			names[n++] = argv[i];
	} else if ((d = opendir(BIN_DIR))) {
		struct dirent *e;
		while ((e = readdir(d)) && n < 256)
			if (e->d_name[0] != '.')
				names[n++] = strdup(e->d_name);
		closedir(d);
		qsort(names, n, sizeof(names[0]), cmp);
	} else {
		printf("runner: cannot open " BIN_DIR ": %s\n",
		       strerror(errno));
	}
	for (int i = 0; i < n; i++)
		run(names[i]);
	printf("runner: done\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	printf("runner: reboot failed: %s\n", strerror(errno));
	for (;;)
		pause();
}
