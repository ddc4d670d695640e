/* SPDX-License-Identifier: MIT */
/* Processes: fork, exec, wait status encoding, ids, vfork, orphans. */
#include "t.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

TEST(fork_returns_child_pid_and_zero)
{
	int status;
	pid_t parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		if (getppid() != parent)
			_exit(2);
		_exit(7);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 7);
}

TEST(wait_status_encodes_signals)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), SIGTERM);
	CHECK(!WCOREDUMP(status));
	CHECK_EQ(status, SIGTERM);
}

TEST(wait_for_stopped_and_continued)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK_EQ(kill(pid, SIGSTOP), 0);
	CHECK_EQ(waitpid(pid, &status, WUNTRACED), pid);
	CHECK(WIFSTOPPED(status));
	CHECK_EQ(WSTOPSIG(status), SIGSTOP);
	CHECK_EQ(status, 0x137f);
	CHECK_EQ(kill(pid, SIGCONT), 0);
	CHECK_EQ(waitpid(pid, &status, WCONTINUED), pid);
	CHECK(WIFCONTINUED(status));
	CHECK_EQ(status, 0xffff);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST(wait_errors)
{
	int status;

	CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD);
	CHECK_ERR(waitpid(-1, &status, 0x100), EINVAL);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(200000);
		_exit(3);
	}
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_ERR(waitpid(pid, &status, 0), ECHILD);
}

TEST(waitid_reports_siginfo)
{
	siginfo_t si;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0)
		_exit(42);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(waitid(P_PID, pid, &si, WEXITED), 0);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_status, 42);
	CHECK_ERR(waitid(P_ALL, 0, &si, 0), EINVAL);
}

TEST(exec_runs_a_program_with_args_and_env)
{
	int status, fd[2];
	char buf[64] = { 0 };
	pid_t pid;

	CHECK_EQ(pipe(fd), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "sh", "-c", "echo $0 $1 $FOO", "x", "y", NULL };
		char *envp[] = { "FOO=bar", NULL };
		dup2(fd[1], 1);
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	close(fd[1]);
	CHECK(read(fd[0], buf, sizeof(buf) - 1) > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(!strcmp(buf, "x y bar\n"));
}

TEST(exec_errors)
{
	char *argv[] = { "x", NULL };

	CHECK_ERR(execve("/nonexistent", argv, NULL), ENOENT);
	CHECK_ERR(execve("/", argv, NULL), EACCES);
	int fd = open("/tmp/notexec", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "hello", 5), 5);
	close(fd);
	CHECK_ERR(execve("/tmp/notexec", argv, NULL), EACCES);
	CHECK_EQ(chmod("/tmp/notexec", 0755), 0);
	CHECK_ERR(execve("/tmp/notexec", argv, NULL), ENOEXEC);
	unlink("/tmp/notexec");
}

TEST(exec_shebang_script)
{
	int status, fd[2];
	char buf[128] = { 0 };
	pid_t pid;
	int f = open("/tmp/script.sh", O_CREAT | O_WRONLY | O_TRUNC, 0755);

	CHECK(f >= 0);
	const char *s = "#!/bin/sh -e\necho script \"$0\" \"$1\"\n";
	CHECK_EQ(write(f, s, strlen(s)), (long)strlen(s));
	close(f);
	CHECK_EQ(pipe(fd), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = { "script.sh", "arg1", NULL };
		dup2(fd[1], 1);
		execv("/tmp/script.sh", argv);
		_exit(127);
	}
	close(fd[1]);
	CHECK(read(fd[0], buf, sizeof(buf) - 1) > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(!strcmp(buf, "script /tmp/script.sh arg1\n"));
	unlink("/tmp/script.sh");
}

TEST(vfork_shares_memory_until_exit)
{
	volatile int shared = 0;
	int status;
	pid_t pid = vfork();

	CHECK(pid >= 0);
	if (pid == 0) {
		shared = 1;
		_exit(5);
	}
	CHECK_EQ(shared, 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(WEXITSTATUS(status), 5);
}

TEST(fork_copies_memory)
{
	volatile int value = 1;
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		value = 2;
		_exit(value);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(WEXITSTATUS(status), 2);
	CHECK_EQ(value, 1);
}

TEST(orphans_are_adopted_by_init)
{
	int fd[2], status;
	pid_t pid, grandchild_parent = 0;

	CHECK_EQ(pipe(fd), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (fork() == 0) {
			/* Wait for our parent to exit, then report. */
			while (getppid() != 1)
				usleep(10000);
			pid_t pp = getppid();
			write(fd[1], &pp, sizeof(pp));
			_exit(0);
		}
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(read(fd[0], &grandchild_parent, sizeof(grandchild_parent)),
		 (long)sizeof(pid_t));
	CHECK_EQ(grandchild_parent, 1);
}

TEST(ids_and_uname)
{
	struct utsname u;

	CHECK_EQ(getpid(), syscall(SYS_gettid));
	CHECK(getppid() > 0);
	CHECK_EQ(uname(&u), 0);
	CHECK(!strcmp(u.sysname, "Linux"));
	CHECK(!strcmp(u.machine, "x86_64"));
	CHECK_EQ(getuid(), geteuid());
}

TEST(setuid_drops_privilege)
{
	int status;
	pid_t pid;

	if (getuid() != 0)
		return; /* needs root, as in the guest */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(2);
		if (getuid() != 1000 || geteuid() != 1000)
			_exit(3);
		if (setuid(0) == 0 || errno != EPERM)
			_exit(4);
		if (open("/etc/shadow-test-nonexist", O_CREAT | O_WRONLY,
			 0600) >= 0 ||
		    errno != EACCES)
			_exit(5);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
}

TEST(rlimits)
{
	struct rlimit r;

	CHECK_EQ(getrlimit(RLIMIT_NOFILE, &r), 0);
	CHECK(r.rlim_cur > 0 && r.rlim_cur <= r.rlim_max);
	r.rlim_cur = 64;
	CHECK_EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
	CHECK_EQ(getrlimit(RLIMIT_NOFILE, &r), 0);
	CHECK_EQ(r.rlim_cur, 64);
	r.rlim_cur = r.rlim_max + 1;
	CHECK_ERR(setrlimit(RLIMIT_NOFILE, &r), EINVAL);
	CHECK_ERR(getrlimit(99, &r), EINVAL);
}

TEST(process_groups_and_sessions)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		pid_t me = getpid();
		if (setsid() != me || getsid(0) != me || getpgrp() != me)
			_exit(2);
		if (setsid() != -1 || errno != EPERM)
			_exit(3);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	CHECK_EQ(setpgid(0, 0), 0);
	CHECK_EQ(getpgrp(), getpid());
	CHECK_ERR(setpgid(-1, 0), EINVAL);
}

TEST(fork_many_children)
{
	pid_t pids[50];

	for (int i = 0; i < 50; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(i);
	}
	for (int i = 0; i < 50; i++) {
		int status;
		CHECK_EQ(waitpid(pids[i], &status, 0), pids[i]);
		CHECK_EQ(WEXITSTATUS(status), i);
	}
}

/* A pipeline's later members join the group after its leader exited but
 * before it was reaped: a zombie still holds its group. */
TEST(zombie_keeps_process_group)
{
	int status;
	pid_t a, b;

	a = fork();
	if (a == 0) {
		setpgid(0, 0);
		_exit(0);
	}
	CHECK(a > 0);
	usleep(100000); /* a is a zombie now */
	b = fork();
	if (b == 0)
		_exit(setpgid(0, a) == 0 ? 0 : 1);
	CHECK_EQ(waitpid(b, &status, 0), b);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_EQ(waitpid(a, &status, 0), a);
}
