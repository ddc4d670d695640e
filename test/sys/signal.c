/* SPDX-License-Identifier: MIT */
/* Signals: handlers and frames, masks, restarts, default actions. */
#include "t.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t got, got_sig, got_code, got_pid;

static void handler(int sig)
{
	got++;
	got_sig = sig;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got++;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
}

TEST(handler_runs_and_returns)
{
	struct sigaction sa = { .sa_handler = handler };

	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(got, 1);
	CHECK_EQ(got_sig, SIGUSR1);
}

TEST(siginfo_from_kill)
{
	struct sigaction sa = { .sa_sigaction = info_handler,
				.sa_flags = SA_SIGINFO };

	CHECK_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
	CHECK_EQ(kill(getpid(), SIGUSR2), 0);
	CHECK_EQ(got, 1);
	CHECK_EQ(got_code, SI_USER);
	CHECK_EQ(got_pid, getpid());
}

/* Registers must survive a handler that clobbers them, including the
 * SSE registers (the FPU state in the frame). */
static void clobber(int sig)
{
	(void)sig;
	__asm__ volatile("xor %%eax, %%eax; pxor %%xmm0, %%xmm0;"
			 "pxor %%xmm7, %%xmm7" ::
				 : "eax", "xmm0", "xmm7");
	got++;
}

TEST(registers_and_sse_survive_handlers)
{
	struct sigaction sa = { .sa_handler = clobber };
	volatile double d = 1.5;
	double r;

	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	__asm__ volatile("movsd %1, %%xmm7\n\t"
			 "mov %2, %%eax\n\t"
			 "syscall\n\t"
			 "movsd %%xmm7, %0"
			 : "=m"(r)
			 : "m"(d), "i"(SYS_getpid)
			 : "rax", "rcx", "r11", "xmm7", "memory");
	raise(SIGUSR1);
	__asm__ volatile("movsd %1, %%xmm7\n\t" : "=m"(r) : "m"(d) : "xmm7");
	/* xmm7 loaded before the signal keeps its value after it */
	__asm__ volatile("movsd %1, %%xmm7\n\t"
			 "push %%rdi\n\t"
			 "mov %2, %%edi\n\t"
			 "call raise\n\t"
			 "pop %%rdi\n\t"
			 "movsd %%xmm7, %0"
			 : "=m"(r)
			 : "m"(d), "i"(SIGUSR1)
			 : "rax", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11",
			   "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
			   "xmm6", "memory");
	(void)r;
	CHECK_EQ(got, 2);
}

TEST(mask_blocks_and_pending_delivers_on_unblock)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t set, pending, old;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	raise(SIGUSR1);
	CHECK_EQ(got, 0);
	CHECK_EQ(sigpending(&pending), 0);
	CHECK(sigismember(&pending, SIGUSR1));
	CHECK_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	CHECK_EQ(got, 1);
	CHECK_ERR(sigprocmask(99, &set, NULL), EINVAL);
}

TEST(kill_and_stop_cannot_be_caught)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t set, cur;

	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	sigfillset(&set);
	CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
	CHECK_EQ(sigprocmask(SIG_SETMASK, NULL, &cur), 0);
	CHECK(!sigismember(&cur, SIGKILL));
	CHECK(!sigismember(&cur, SIGSTOP));
	CHECK_ERR(sigaction(0, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(65, &sa, NULL), EINVAL);
}

TEST(default_actions)
{
	int status;
	pid_t pid;

	/* SIGCHLD and SIGWINCH are ignored by default. */
	CHECK_EQ(raise(SIGWINCH), 0);
	CHECK_EQ(raise(SIGCHLD), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		raise(SIGSEGV);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

TEST(eintr_without_sa_restart)
{
	struct sigaction sa = { .sa_handler = handler };
	int fd[2];
	char c;

	CHECK_EQ(pipe(fd), 0);
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	alarm(1);
	CHECK_ERR(read(fd[0], &c, 1), EINTR);
	CHECK_EQ(got, 1);
}

TEST(sa_restart_restarts_read)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };
	int fd[2], status;
	char c = 0;
	pid_t pid;

	CHECK_EQ(pipe(fd), 0);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	pid_t parent = getpid();
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		usleep(200000);
		kill(parent, SIGUSR1);
		usleep(200000);
		write(fd[1], "k", 1);
		_exit(0);
	}
	CHECK_EQ(read(fd[0], &c, 1), 1);
	CHECK_EQ(c, 'k');
	CHECK_EQ(got, 1);
	waitpid(pid, &status, 0);
}

TEST(sigsuspend_waits_and_restores_mask)
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t block, wait_mask, now;

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	raise(SIGUSR1); /* pending, blocked */
	sigemptyset(&wait_mask);
	CHECK_ERR(sigsuspend(&wait_mask), EINTR);
	CHECK_EQ(got, 1);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1));
}

static char altstack[65536];
static volatile uintptr_t handler_sp;

static void stack_handler(int sig)
{
	volatile int here;

	(void)sig;
	handler_sp = (uintptr_t)&here;
}

TEST(sigaltstack_is_used)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) }, old;
	struct sigaction sa = { .sa_handler = stack_handler,
				.sa_flags = SA_ONSTACK };

	CHECK_EQ(sigaltstack(&ss, &old), 0);
	CHECK_EQ(old.ss_flags, SS_DISABLE);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	CHECK(handler_sp >= (uintptr_t)altstack &&
	      handler_sp < (uintptr_t)altstack + sizeof(altstack));
	ss.ss_size = 100;
	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM);
}

TEST(sigchld_on_child_exit)
{
	struct sigaction sa = { .sa_sigaction = info_handler,
				.sa_flags = SA_SIGINFO };
	int status;
	pid_t pid;

	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(3);
	while (!got)
		usleep(1000);
	CHECK_EQ(got_sig, SIGCHLD);
	CHECK_EQ(got_code, CLD_EXITED);
	CHECK_EQ(got_pid, pid);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
}

TEST(sigpipe_on_write_to_closed_pipe)
{
	int fd[2], status;
	pid_t pid;

	CHECK_EQ(pipe(fd), 0);
	/* The read end goes before the fork: a child that ran first would
	 * otherwise write while the parent still held it. */
	close(fd[0]);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		write(fd[1], "x", 1);
		_exit(0);
	}
	close(fd[1]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	signal(SIGPIPE, SIG_IGN);
	CHECK_EQ(pipe(fd), 0);
	close(fd[0]);
	CHECK_ERR(write(fd[1], "x", 1), EPIPE);
}

TEST(faults_become_signals)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		__asm__ volatile("xor %%edx, %%edx; divl %0"
				 :
				 : "r"(0), "a"(1)
				 : "edx");
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGFPE);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		__asm__ volatile("ud2");
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		__asm__ volatile("hlt"); /* privileged: #GP */
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

TEST(tgkill_targets_a_thread)
{
	struct sigaction sa = { .sa_handler = handler };

	sigaction(SIGUSR1, &sa, NULL);
	CHECK_EQ(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1),
		 0);
	CHECK_EQ(got, 1);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), 99999, SIGUSR1), ESRCH);
	CHECK_ERR(syscall(SYS_tgkill, 0, syscall(SYS_gettid), SIGUSR1), EINVAL);
	CHECK_ERR(kill(getpid(), 99), EINVAL);
	CHECK_EQ(kill(getpid(), 0), 0);
}

TEST(kill_process_group)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	usleep(50000);
	CHECK_EQ(kill(-pid, SIGTERM), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	CHECK_ERR(kill(-pid, SIGTERM), ESRCH);
}

TEST(sigtimedwait_takes_a_blocked_signal)
{
	sigset_t set;
	siginfo_t si;
	struct timespec ts = { 0, 100000000 };

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK_ERR(sigtimedwait(&set, &si, &ts), EAGAIN);
	raise(SIGUSR2);
	CHECK_EQ(sigtimedwait(&set, &si, &ts), SIGUSR2);
	CHECK_EQ(si.si_signo, SIGUSR2);
}

TEST(itimer_real_fires_repeatedly)
{
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } }, left;

	sigaction(SIGALRM, &sa, NULL);
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	while (got < 3)
		pause();
	CHECK_EQ(getitimer(ITIMER_REAL, &left), 0);
	CHECK_EQ(left.it_interval.tv_usec, 50000);
	memset(&it, 0, sizeof(it));
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	CHECK_EQ(alarm(0), 0);
}
