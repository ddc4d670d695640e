/* SPDX-License-Identifier: MIT */
/* Event loops' files: epoll, eventfd, timerfd, signalfd. */
#include "t.h"

#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

TEST(eventfd_counter)
{
	uint64_t v;
	int fd = eventfd(3, EFD_NONBLOCK);

	CHECK(fd >= 0);
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 3);
	CHECK_ERR(read(fd, &v, 8), EAGAIN);
	v = 5;
	CHECK_EQ(write(fd, &v, 8), 8);
	CHECK_EQ(write(fd, &v, 8), 8);
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 10);
	CHECK_ERR(read(fd, &v, 4), EINVAL);
	v = ~0ULL;
	CHECK_ERR(write(fd, &v, 8), EINVAL);
	v = 0xfffffffffffffffeULL;
	CHECK_EQ(write(fd, &v, 8), 8);
	v = 1;
	CHECK_ERR(write(fd, &v, 8), EAGAIN); /* would overflow */
	CHECK_ERR(eventfd(0, 0x1234), EINVAL);
}

TEST(eventfd_semaphore_and_blocking)
{
	uint64_t v;
	int fd = eventfd(2, EFD_SEMAPHORE);

	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 1);
	if (fork() == 0) {
		usleep(50000);
		v = 7;
		write(fd, &v, 8);
		_exit(0);
	}
	CHECK_EQ(read(fd, &v, 8), 8); /* blocks until the child writes */
	CHECK_EQ(v, 1);
}

TEST(anon_inode_files)
{
	char link[64], buf[64];
	struct stat st;
	int fd = eventfd(0, EFD_CLOEXEC);
	long n;

	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & S_IFMT, 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n] = 0;
	CHECK(!strcmp(buf, "anon_inode:[eventfd]"));
}

TEST(epoll_level_triggered)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, out[4];
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2];
	char c;

	CHECK(ep >= 0);
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
	CHECK_EQ(write(p[1], "ab", 2), 2);
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
	CHECK_EQ(out[0].events, EPOLLIN);
	CHECK_EQ(out[0].data.u64, 42);
	/* Still readable: reported again. */
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 0);
	close(p[1]);
	CHECK_EQ(epoll_wait(ep, out, 4, 0), 1);
	CHECK_EQ(out[0].events, EPOLLHUP);
}

TEST(epoll_edge_and_oneshot)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = 0 };
	struct epoll_event out[2];
	int ep = epoll_create(1), p[2];

	CHECK_EQ(pipe(p), 0);
	ev.data.fd = p[0];
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
	write(p[1], "x", 1);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
	CHECK_EQ(out[0].data.fd, p[0]);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0); /* no new edge */
	write(p[1], "y", 1);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
	ev.events = EPOLLIN | EPOLLONESHOT;
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0); /* disarmed */
	write(p[1], "z", 1);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0); /* rearm */
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
}

TEST(epoll_errors)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0), fd;
	char path[] = "/tmp/epoll.XXXXXX";

	mkdir("/tmp", 01777);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), EPERM);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	CHECK_ERR(epoll_ctl(fd, EPOLL_CTL_ADD, eventfd(0, 0), &ev), EINVAL);
	CHECK_ERR(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), EBADF);
	CHECK_ERR(epoll_ctl(ep, 99, eventfd(0, 0), &ev), EINVAL);
	CHECK_ERR(epoll_wait(ep, &out, 0, 0), EINVAL);
	CHECK_ERR(epoll_wait(fd, &out, 1, 0), EINVAL);
	CHECK_ERR(syscall(SYS_epoll_create, 0), EINVAL); /* musl ignores it */
	CHECK_ERR(epoll_create1(0x1234), EINVAL);
	unlink(path);
}

/* Closing the last descriptor of a file takes it out of the set. */
TEST(epoll_close_removes)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0), e = eventfd(1, 0);

	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev), 0);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 1);
	close(e);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
}

TEST(epoll_wait_sleeps_and_wakes)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep = epoll_create1(0), e = eventfd(0, 0);
	long long t0;
	uint64_t one = 1;

	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev), 0);
	t0 = now_ms();
	CHECK_EQ(epoll_wait(ep, &out, 1, 100), 0);
	CHECK(now_ms() - t0 >= 99);
	if (fork() == 0) {
		usleep(30000);
		write(e, &one, 8);
		_exit(0);
	}
	CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	CHECK_EQ(out.events, EPOLLIN);
	/* The epoll fd itself polls readable when something is ready. */
	{
		struct pollfd pf = { .fd = ep, .events = POLLIN };

		CHECK_EQ(poll(&pf, 1, 0), 1);
	}
}

TEST(timerfd_periodic)
{
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } }, cur;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	uint64_t ticks, total = 0;
	long long t0 = now_ms();

	CHECK(fd >= 0);
	CHECK_EQ(timerfd_settime(fd, 0, &its, NULL), 0);
	CHECK_EQ(timerfd_gettime(fd, &cur), 0);
	CHECK_EQ(cur.it_interval.tv_nsec, 20000000);
	CHECK(cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20000000);
	while (total < 5) {
		CHECK_EQ(read(fd, &ticks, 8), 8);
		CHECK(ticks >= 1);
		total += ticks;
	}
	CHECK(now_ms() - t0 >= 99);
	its = (struct itimerspec){ 0 };
	CHECK_EQ(timerfd_settime(fd, 0, &its, &cur), 0);
	CHECK_EQ(cur.it_interval.tv_nsec, 20000000);
	CHECK_EQ(timerfd_gettime(fd, &cur), 0);
	CHECK_EQ(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
}

TEST(timerfd_absolute_and_nonblock)
{
	struct itimerspec its = { 0 };
	struct timespec now;
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	uint64_t ticks;
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	CHECK_ERR(read(fd, &ticks, 8), EAGAIN);
	clock_gettime(CLOCK_REALTIME, &now);
	its.it_value = now;
	its.it_value.tv_nsec += 30000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	CHECK_EQ(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL), 0);
	CHECK_EQ(poll(&pf, 1, 2000), 1);
	CHECK_EQ(read(fd, &ticks, 8), 8);
	CHECK_EQ(ticks, 1);
	CHECK_ERR(read(fd, &ticks, 8), EAGAIN);
	its.it_value.tv_nsec = 1000000000;
	CHECK_ERR(timerfd_settime(fd, 0, &its, NULL), EINVAL);
	CHECK_ERR(timerfd_create(12345, 0), EINVAL);
	CHECK_ERR(timerfd_gettime(0 + eventfd(0, 0), &its), EINVAL);
}

TEST(signalfd_reads_blocked_signals)
{
	struct signalfd_siginfo si;
	sigset_t mask;
	int fd;
	pid_t pid;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGCHLD);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
	fd = signalfd(-1, &mask, SFD_NONBLOCK);
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, &si, sizeof(si)), EAGAIN);
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(read(fd, &si, sizeof(si)), sizeof(si));
	CHECK_EQ(si.ssi_signo, SIGUSR1);
	CHECK_EQ(si.ssi_code, SI_USER);
	CHECK_EQ(si.ssi_pid, getpid());
	CHECK_EQ(si.ssi_uid, getuid());
	CHECK_ERR(read(fd, &si, sizeof(si) - 1), EINVAL);
	pid = fork();
	if (pid == 0)
		_exit(7);
	{
		struct pollfd pf = { .fd = fd, .events = POLLIN };

		CHECK_EQ(poll(&pf, 1, 5000), 1);
	}
	CHECK_EQ(read(fd, &si, sizeof(si)), sizeof(si));
	CHECK_EQ(si.ssi_signo, SIGCHLD);
	CHECK_EQ(si.ssi_code, CLD_EXITED);
	CHECK_EQ(si.ssi_pid, pid);
	CHECK_EQ(si.ssi_status, 7);
	/* A new mask on the same descriptor. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	CHECK_EQ(signalfd(fd, &mask, 0), fd);
	CHECK_ERR(signalfd(eventfd(0, 0), &mask, 0), EINVAL);
	waitpid(pid, NULL, 0);
}

TEST(signalfd_in_epoll)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct signalfd_siginfo si;
	sigset_t mask;
	int fd, ep = epoll_create1(0);

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	fd = signalfd(-1, &mask, 0);
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
	if (fork() == 0) {
		usleep(30000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	CHECK_EQ(read(fd, &si, sizeof(si)), sizeof(si));
	CHECK_EQ(si.ssi_signo, SIGUSR2);
}
