/* SPDX-License-Identifier: MIT */
/* Pipes and FIFOs with Linux's semantics; poll and select on them. */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

TEST(eof_after_writers_close)
{
	char buf[8];
	int p[2];

	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_EQ(close(p[1]), 0);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 3);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	CHECK_ERR(write(p[0], "x", 1), EBADF);
}

static volatile sig_atomic_t got_sigpipe;

static void on_sigpipe(int sig)
{
	(void)sig;
	got_sigpipe = 1;
}

TEST(epipe_and_sigpipe)
{
	int p[2], status;
	pid_t pid;

	CHECK_EQ(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, on_sigpipe);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK(got_sigpipe);
	/* By default SIGPIPE kills the writer. */
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
}

TEST(capacity_and_nonblock)
{
	static char buf[1 << 17];
	long total = 0, n;
	int p[2];

	CHECK_EQ(pipe2(p, O_NONBLOCK), 0);
	CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 65536);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	while ((n = write(p[1], buf, 4096)) > 0)
		total += n;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(total, 65536);
	/* With room for fewer than PIPE_BUF bytes, a small write waits
	 * whole; a large one writes what fits. */
	CHECK_EQ(read(p[0], buf, 100), 100);
	CHECK_ERR(write(p[1], buf, 200), EAGAIN);
	CHECK_EQ(read(p[0], buf, 8000), 8000);
	n = write(p[1], buf, 20000); /* Linux counts whole pages */
	CHECK(n >= 4096 && n <= 8100);
	CHECK_EQ(fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
	CHECK_EQ(fcntl(p[1], F_GETPIPE_SZ), 1 << 20);
}

/* Writes of at most PIPE_BUF bytes from several writers never mix. */
TEST(pipe_buf_atomicity)
{
	char buf[PIPE_BUF];
	int p[2], counts[4] = { 0 };
	long n;

	CHECK_EQ(pipe(p), 0);
	for (int w = 0; w < 4; w++) {
		if (fork() == 0) {
			close(p[0]);
			memset(buf, 'a' + w, sizeof(buf));
			for (int i = 0; i < 64; i++)
				if (write(p[1], buf, PIPE_BUF) != PIPE_BUF)
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	for (;;) {
		long got = 0;

		while (got < PIPE_BUF &&
		       (n = read(p[0], buf + got, PIPE_BUF - got)) > 0)
			got += n;
		if (got == 0)
			break;
		CHECK_EQ(got, PIPE_BUF);
		for (int i = 1; i < PIPE_BUF; i++)
			CHECK_EQ(buf[i], buf[0]);
		counts[buf[0] - 'a']++;
	}
	for (int w = 0; w < 4; w++) {
		int status;

		CHECK_EQ(counts[w], 64);
		CHECK(wait(&status) > 0);
		CHECK_EQ(status, 0);
	}
}

TEST(blocking_reader_wakes)
{
	char buf[16];
	int p[2];

	CHECK_EQ(pipe(p), 0);
	if (fork() == 0) {
		usleep(50000);
		write(p[1], "late", 4);
		_exit(0);
	}
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 4);
	CHECK(!memcmp(buf, "late", 4));
}

TEST(poll_readiness)
{
	struct pollfd pf[2];
	int p[2];

	CHECK_EQ(pipe(p), 0);
	pf[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(poll(pf, 2, 0), 1);
	CHECK_EQ(pf[0].revents, 0);
	CHECK_EQ(pf[1].revents, POLLOUT);
	write(p[1], "x", 1);
	CHECK_EQ(poll(pf, 2, 0), 2);
	CHECK_EQ(pf[0].revents, POLLIN);
	close(p[1]);
	CHECK_EQ(poll(pf, 1, 0), 1);
	CHECK_EQ(pf[0].revents, POLLIN | POLLHUP);
	pf[0].fd = 9999;
	CHECK_EQ(poll(pf, 1, 0), 1);
	CHECK_EQ(pf[0].revents, POLLNVAL);
	pf[0].fd = -1;
	CHECK_EQ(poll(pf, 1, 10), 0);
}

TEST(poll_sleeps_until_data)
{
	struct pollfd pf;
	struct timespec a, b;
	int p[2];

	CHECK_EQ(pipe(p), 0);
	pf = (struct pollfd){ .fd = p[0], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK_EQ(poll(&pf, 1, 100), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK((b.tv_sec - a.tv_sec) * 1000 +
		      (b.tv_nsec - a.tv_nsec) / 1000000 >=
	      99);
	if (fork() == 0) {
		usleep(30000);
		write(p[1], "y", 1);
		_exit(0);
	}
	CHECK_EQ(poll(&pf, 1, 5000), 1);
	CHECK_EQ(pf.revents, POLLIN);
}

TEST(select_on_pipes)
{
	struct timeval tv = { 0, 20000 };
	fd_set r, w;
	int p[2];

	CHECK_EQ(pipe(p), 0);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_EQ(select(p[0] + 1, &r, NULL, NULL, &tv), 0);
	CHECK(!FD_ISSET(p[0], &r));
	write(p[1], "z", 1);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	tv = (struct timeval){ 1, 0 };
	CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 2);
	CHECK(FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
	close(p[0]);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_ERR(select(p[0] + 1, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
}

TEST(fifo_open_rendezvous)
{
	char dir[] = "/tmp/fifo.XXXXXX", path[64], buf[8];
	int r, w;

	mkdir("/tmp", 01777);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/f", dir);
	CHECK_EQ(mkfifo(path, 0600), 0);
	/* O_NONBLOCK: a reader opens at once, a writer without a reader
	 * gets ENXIO. */
	CHECK_ERR(open(path, O_WRONLY | O_NONBLOCK), ENXIO);
	r = open(path, O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0);
	w = open(path, O_WRONLY | O_NONBLOCK);
	CHECK(w >= 0);
	CHECK_EQ(write(w, "fifo", 4), 4);
	CHECK_EQ(read(r, buf, sizeof(buf)), 4);
	close(w);
	CHECK_EQ(read(r, buf, sizeof(buf)), 0);
	close(r);
	/* A blocking open waits for the other end. */
	if (fork() == 0) {
		int fd = open(path, O_WRONLY);

		write(fd, "hi", 2);
		_exit(0);
	}
	r = open(path, O_RDONLY);
	CHECK(r >= 0);
	CHECK_EQ(read(r, buf, sizeof(buf)), 2);
}

TEST(pipe_stat_and_lseek)
{
	struct stat st;
	int p[2];

	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(fstat(p[0], &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	/* glibc's fstat is fstatat(fd, "", AT_EMPTY_PATH). */
	memset(&st, 0, sizeof(st));
	CHECK_EQ(syscall(SYS_newfstatat, p[1], "", &st, AT_EMPTY_PATH), 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_ERR(syscall(SYS_newfstatat, p[1], "x", &st, 0), ENOTDIR);
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(pread(p[0], &st, 1, 0), ESPIPE);
	CHECK_ERR(pipe2(p, 0x12345), EINVAL);
	CHECK_EQ(pipe2(p, O_CLOEXEC), 0);
	CHECK_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC);
}
