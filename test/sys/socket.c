/* SPDX-License-Identifier: MIT */
/* AF_UNIX stream sockets and the generic socket calls, as on Linux. */
#include "sock.h"

#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>

TEST(create_and_fstat)
{
	struct stat st;
	int fd, v;
	socklen_t len = sizeof(v);
	char link[64], want[64];

	CHECK_ERR(socket(46, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(-1, SOCK_STREAM, 0), EAFNOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, 11, 0), EINVAL);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM | 0x100, 0), EINVAL);
	CHECK_ERR(socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
	CHECK_ERR(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	CHECK(fd >= 0);
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0777);
	snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	{
		char got[64] = { 0 };
		CHECK(readlink(link, got, sizeof(got)) > 0);
		CHECK(!strcmp(got, want));
	}
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	CHECK_EQ(v, SOCK_STREAM);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len), 0);
	CHECK_EQ(v, AF_UNIX);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len), 0);
	CHECK_EQ(v, 0);
	close(fd);
	/* SOCK_RAW is a datagram socket on AF_UNIX. */
	fd = socket(AF_UNIX, SOCK_RAW, 0);
	CHECK(fd >= 0);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	CHECK_EQ(v, SOCK_DGRAM);
	/* Not a socket. */
	{
		int p[2];

		CHECK_EQ(pipe(p), 0);
		CHECK_ERR(listen(p[0], 1), ENOTSOCK);
	}
	CHECK_ERR(listen(999, 1), EBADF);
}

TEST(socketpair_stream_io)
{
	char buf[64];
	int sv[2];
	struct iovec iov[2] = { { "ab", 2 }, { "cde", 3 } };

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "hello", 5), 5);
	CHECK_EQ(send(sv[0], " world", 6, 0), 6);
	/* Streams have no boundaries. */
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 11);
	CHECK(!memcmp(buf, "hello world", 11));
	CHECK_EQ(writev(sv[1], iov, 2), 5);
	CHECK_EQ(recv(sv[0], buf, 2, MSG_PEEK), 2);
	CHECK_EQ(recv(sv[0], buf, 3, 0), 3);
	CHECK(!memcmp(buf, "abc", 3));
	CHECK_EQ(read(sv[0], buf, 10), 2);
	CHECK(!memcmp(buf, "de", 2));
	CHECK_ERR(recv(sv[0], buf, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_ERR(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, 8L), EFAULT);
	CHECK_ERR(socketpair(46, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
}

TEST(peek_across_writes_and_waitall)
{
	char buf[16];
	int sv[2];
	pid_t pid;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "12", 2), 2);
	CHECK_EQ(write(sv[0], "345", 3), 3);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 5);
	CHECK_EQ(recv(sv[1], buf, 1, 0), 1);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_PEEK), 4);
	CHECK(!memcmp(buf, "2345", 4));
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		write(sv[0], "67", 2);
		usleep(50000);
		write(sv[0], "89", 2);
		_exit(0);
	}
	CHECK_EQ(recv(sv[1], buf, 8, MSG_WAITALL), 8);
	CHECK(!memcmp(buf, "23456789", 8));
	waitpid(pid, NULL, 0);
}

TEST(bind_path_connect_accept)
{
	struct sockaddr_un a, got;
	socklen_t len = sizeof(got);
	struct stat st;
	char buf[16];
	int l, c, s;

	sock_tmpdir();
	umask(022);
	l = sock_listen(SOCK_STREAM, "srv");
	CHECK_EQ(stat("srv", &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0755);
	CHECK_ERR(open("srv", O_RDWR), ENXIO);
	CHECK_ERR(open("srv", O_RDONLY), ENXIO);
	c = open("srv", O_PATH);
	CHECK(c >= 0);
	close(c);
	CHECK_EQ(getsockname(l, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 4);
	CHECK(!strcmp(got.sun_path, "srv"));
	/* The name is taken, even by another socket. */
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(c, (struct sockaddr *)&a, sock_addr(&a, "srv")),
		  EADDRINUSE);
	CHECK_ERR(bind(l, (struct sockaddr *)&a, sock_addr(&a, "other")),
		  EINVAL);
	CHECK_ERR(bind(c, (struct sockaddr *)&a, sock_addr(&a, "no/dir")),
		  ENOENT);
	CHECK_EQ(connect(c, (struct sockaddr *)&a, sock_addr(&a, "srv")), 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sock_addr(&a, "srv")),
		  EISCONN);
	len = sizeof(got);
	s = accept(l, (struct sockaddr *)&got, &len);
	CHECK(s >= 0);
	/* The connector is unbound: only the family comes back. */
	CHECK_EQ(len, sizeof(sa_family_t));
	CHECK_EQ(got.sun_family, AF_UNIX);
	len = sizeof(got);
	CHECK_EQ(getsockname(s, (struct sockaddr *)&got, &len), 0);
	CHECK(!strcmp(got.sun_path, "srv"));
	len = sizeof(got);
	CHECK_EQ(getpeername(c, (struct sockaddr *)&got, &len), 0);
	CHECK(!strcmp(got.sun_path, "srv"));
	CHECK_ERR(getpeername(l, (struct sockaddr *)&got, &len), ENOTCONN);
	CHECK_EQ(write(c, "ping", 4), 4);
	CHECK_EQ(read(s, buf, sizeof(buf)), 4);
	CHECK_EQ(write(s, "pong", 4), 4);
	CHECK_EQ(read(c, buf, sizeof(buf)), 4);
	CHECK(!memcmp(buf, "pong", 4));
	/* The node stays after close; a new bind needs it unlinked. */
	close(l);
	CHECK_EQ(stat("srv", &st), 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sock_addr(&a, "srv")),
		  ECONNREFUSED);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sock_addr(&a, "none")),
		  ENOENT);
	CHECK_EQ(close(open("plain", O_CREAT | O_WRONLY, 0666)), 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&a, sock_addr(&a, "plain")),
		  ECONNREFUSED);
	CHECK_EQ(unlink("srv"), 0);
	l = sock_listen(SOCK_STREAM, "srv");
	CHECK(l >= 0);
}

TEST(bad_addresses)
{
	struct sockaddr_un a;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	socklen_t len;

	sock_tmpdir();
	len = sock_addr(&a, "x");
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, 1), EINVAL);
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, sizeof(a) + 1), EINVAL);
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, -1), EINVAL);
	CHECK_ERR(bind(fd, (struct sockaddr *)8, len), EFAULT);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, 2), EINVAL);
	CHECK_ERR(connect(fd, (struct sockaddr *)8, len), EFAULT);
	a.sun_family = AF_INET;
	CHECK_ERR(bind(fd, (struct sockaddr *)&a, len), EINVAL);
	CHECK_ERR(connect(fd, (struct sockaddr *)&a, len), EINVAL);
	CHECK_ERR(getsockname(fd, (struct sockaddr *)&a, (socklen_t *)8),
		  EFAULT);
	len = -1;
	CHECK_ERR(getsockname(fd, (struct sockaddr *)&a, &len), EINVAL);
	CHECK_ERR(listen(fd, 1), EINVAL); /* unbound */
	CHECK_ERR(accept(fd, NULL, NULL), EINVAL);
	CHECK_ERR(accept4(fd, NULL, NULL, 0x10), EINVAL);
	CHECK_ERR(shutdown(fd, 3), EINVAL);
	CHECK_ERR(write(fd, "x", 1), ENOTCONN);
	CHECK_ERR(read(fd, &a, 1), EINVAL);
	CHECK_ERR(send(fd, (void *)8, 1, 0), ENOTCONN);
}

TEST(full_path_name)
{
	struct sockaddr_un a, got;
	socklen_t len = sizeof(got);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	sock_tmpdir();
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memset(a.sun_path, 'n', sizeof(a.sun_path));
	/* 108 name bytes without a NUL: Linux takes all of them. */
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(getsockname(fd, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, sizeof(a) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	a.sun_path[100] = 0;
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	len = sizeof(got);
	CHECK_EQ(getsockname(fd, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 101);
}

TEST(abstract_and_autobind)
{
	struct sockaddr_un a, got;
	socklen_t len = sizeof(got);
	int l, c, s, d;

	l = sock_listen(SOCK_STREAM, "@strix-test-abstract");
	len = sizeof(got);
	CHECK_EQ(getsockname(l, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, sock_addr(&a, "@strix-test-abstract"));
	CHECK(!memcmp(&got, &a, len));
	d = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(d, (struct sockaddr *)&a, len), EADDRINUSE);
	c = sock_connect(SOCK_STREAM, "@strix-test-abstract");
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK_EQ(write(c, "x", 1), 1);
	CHECK_EQ(read(s, &a, 1), 1);
	close(l);
	close(s);
	CHECK_ERR(connect(d, (struct sockaddr *)&a,
			  sock_addr(&a, "@strix-test-abstract")),
		  ECONNREFUSED);
	/* Autobind: bind with only the family picks "\0xxxxx". */
	len = sizeof(got);
	CHECK_EQ(getsockname(d, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, sizeof(sa_family_t));
	CHECK_EQ(bind(d, (struct sockaddr *)&a, sizeof(sa_family_t)), 0);
	len = sizeof(got);
	CHECK_EQ(getsockname(d, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
	CHECK_EQ(got.sun_path[0], 0);
	/* Again: nothing changes. */
	CHECK_EQ(bind(d, (struct sockaddr *)&a, sizeof(sa_family_t)), 0);
	/* Short getsockname buffers get the start; the length is whole. */
	len = 3;
	memset(&got, 0x55, sizeof(got));
	CHECK_EQ(getsockname(d, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
	CHECK_EQ((unsigned char)got.sun_path[1], 0x55);
}

TEST(type_mismatch_and_listen_rules)
{
	struct sockaddr_un a;
	int l, d;

	sock_tmpdir();
	l = sock_listen(SOCK_STREAM, "type");
	d = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK_ERR(connect(d, (struct sockaddr *)&a, sock_addr(&a, "type")),
		  EPROTOTYPE);
	/* Abstract names are per type: not found, and free to bind. */
	close(sock_listen(SOCK_STREAM, "@strix-test-type"));
	l = sock_listen(SOCK_STREAM, "@strix-test-type");
	CHECK_ERR(connect(d, (struct sockaddr *)&a,
			  sock_addr(&a, "@strix-test-type")),
		  ECONNREFUSED);
	CHECK_EQ(bind(d, (struct sockaddr *)&a,
		      sock_addr(&a, "@strix-test-type")),
		 0);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(bind(d, (struct sockaddr *)&a, sizeof(sa_family_t)), 0);
	CHECK_ERR(listen(d, 1), EOPNOTSUPP);
	CHECK_ERR(accept(d, NULL, NULL), EOPNOTSUPP);
	/* listen again only changes the backlog. */
	CHECK_EQ(listen(l, 1), 0);
	{
		int v;
		socklen_t len = sizeof(v);

		CHECK_EQ(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
		CHECK_EQ(v, 1);
		CHECK_EQ(getsockopt(d, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
		CHECK_EQ(v, 0);
	}
}

TEST(backlog_and_nonblocking_connect)
{
	struct sockaddr_un a;
	socklen_t alen = sock_addr(&a, "@strix-test-backlog");
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c[4], n;

	CHECK_EQ(bind(l, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(listen(l, 1), 0);
	/* Linux queues backlog + 1 connections. */
	for (n = 0; n < 4; n++) {
		c[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(c[n], (struct sockaddr *)&a, alen) < 0)
			break;
	}
	CHECK_EQ(n, 2);
	CHECK_EQ(errno, EAGAIN);
	CHECK(sock_poll1(l, POLLIN) & POLLIN);
	CHECK(accept(l, NULL, NULL) >= 0);
	CHECK_EQ(connect(c[n], (struct sockaddr *)&a, alen), 0);
	/* Accept without a connection waiting. */
	CHECK(accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) >= 0);
	CHECK(accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC) >= 0);
	fcntl(l, F_SETFL, O_NONBLOCK);
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	n = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	CHECK_EQ(n, -1);
}

TEST(blocking_connect_waits_for_room)
{
	struct sockaddr_un a;
	socklen_t alen = sock_addr(&a, "@strix-test-block");
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c1, c2, c3;
	pid_t pid;

	CHECK_EQ(bind(l, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(listen(l, 0), 0);
	c1 = sock_connect(SOCK_STREAM, "@strix-test-block");
	pid = fork();
	if (pid == 0) {
		usleep(100000);
		accept(l, NULL, NULL);
		_exit(0);
	}
	c2 = sock_connect(SOCK_STREAM, "@strix-test-block");
	CHECK(c2 >= 0);
	waitpid(pid, NULL, 0);
	/* A send timeout bounds the wait. */
	c3 = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct timeval tv = { 0, 50000 };

		CHECK_EQ(setsockopt(c3, SOL_SOCKET, SO_SNDTIMEO, &tv,
				    sizeof(tv)),
			 0);
	}
	CHECK_ERR(connect(c3, (struct sockaddr *)&a, alen), EAGAIN);
	(void)c1;
}

static volatile sig_atomic_t got_sig;

static void on_sig(int sig)
{
	got_sig = sig;
}

TEST(epipe_sigpipe_and_nosignal)
{
	int sv[2], status;
	char buf[8];
	pid_t pid;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "last", 4), 4);
	close(sv[0]);
	/* Data already sent is still read, then EOF. */
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 4);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	signal(SIGPIPE, on_sig);
	CHECK_ERR(write(sv[1], "x", 1), EPIPE);
	CHECK_EQ(got_sig, SIGPIPE);
	got_sig = 0;
	CHECK_ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_EQ(got_sig, 0);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(sv[1], "x", 1);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
}

TEST(econnreset_when_peer_closes_with_unread_data)
{
	int sv[2], v;
	socklen_t len = sizeof(v);
	char buf[8];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[1], "unread", 6), 6);
	CHECK_EQ(write(sv[0], "ab", 2), 2);
	close(sv[0]);
	CHECK_EQ(sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLRDHUP | POLLHUP | POLLERR);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 2);
	CHECK_ERR(read(sv[1], buf, sizeof(buf)), ECONNRESET);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	CHECK_EQ(getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &v, &len), 0);
	CHECK_EQ(v, 0);
}

TEST(shutdown_semantics)
{
	int sv[2];
	char buf[8];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP), POLLOUT);
	CHECK_EQ(shutdown(sv[0], SHUT_WR), 0);
	CHECK_EQ(sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLRDHUP);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	CHECK_EQ(send(sv[0], "x", 1, MSG_NOSIGNAL), -1);
	CHECK_EQ(errno, EPIPE);
	/* The other direction still works. */
	CHECK_EQ(write(sv[1], "yz", 2), 2);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 2);
	CHECK_EQ(shutdown(sv[0], SHUT_RD), 0);
	CHECK_EQ(sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
	CHECK_EQ(sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	CHECK_EQ(send(sv[1], "x", 1, MSG_NOSIGNAL), -1);
	CHECK_EQ(errno, EPIPE);
}

TEST(poll_masks)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), sv[2], l;
	char buf[8];

	/* An unconnected stream socket: Linux says POLLOUT | POLLHUP. */
	CHECK_EQ(sock_poll1(fd, POLLIN | POLLOUT), POLLOUT | POLLHUP);
	l = sock_listen(SOCK_STREAM, "@strix-test-poll");
	CHECK_EQ(sock_poll1(l, POLLIN | POLLOUT), 0);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "a", 1), 1);
	CHECK_EQ(sock_poll1(sv[1], POLLIN | POLLOUT), POLLIN | POLLOUT);
	CHECK_EQ(sock_poll1(sv[1], POLLRDNORM | POLLWRNORM | POLLWRBAND),
		 POLLRDNORM | POLLWRNORM | POLLWRBAND);
	CHECK_EQ(read(sv[1], buf, 1), 1);
	close(sv[0]);
	CHECK_EQ(sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
}

TEST(nonblocking_fill_and_drain)
{
	static char buf[1 << 16];
	int sv[2], v;
	long total = 0, n;
	socklen_t len = sizeof(v);

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
	CHECK(v > 4096);
	while ((n = write(sv[0], buf, sizeof(buf))) > 0)
		total += n;
	CHECK_EQ(errno, EAGAIN);
	CHECK(total >= v / 2);
	CHECK_EQ(sock_poll1(sv[0], POLLOUT), 0);
	CHECK_EQ(ioctl(sv[1], FIONREAD, &v), 0);
	CHECK_EQ(v, total);
	while ((n = read(sv[1], buf, sizeof(buf))) > 0)
		total -= n;
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(total, 0);
	CHECK_EQ(sock_poll1(sv[0], POLLOUT), POLLOUT);
}

TEST(blocking_writer_and_reader_across_fork)
{
	static char buf[300000];
	int sv[2], status;
	long total = 0, n;
	pid_t pid;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		_exit(write(sv[0], buf, sizeof(buf)) == sizeof(buf) ? 0 : 1);
	}
	close(sv[0]);
	static char in[sizeof(buf)];
	while ((n = read(sv[1], in + total, sizeof(in) - total)) > 0)
		total += n;
	CHECK_EQ(total, sizeof(buf));
	CHECK(!memcmp(in, buf, sizeof(buf)));
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
}

TEST(signal_interrupts_and_restarts)
{
	struct sigaction sa = { 0 };
	int sv[2];
	char buf[4];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sa.sa_handler = on_sig;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(50000, 0);
	CHECK_ERR(read(sv[0], buf, 1), EINTR);
	/* With SA_RESTART the read resumes and gets later data. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	if (fork() == 0) {
		usleep(150000);
		write(sv[1], "r", 1);
		_exit(0);
	}
	ualarm(50000, 0);
	CHECK_EQ(read(sv[0], buf, 1), 1);
	CHECK_EQ(buf[0], 'r');
	/* A receive timeout turns the restart into EINTR (Linux). */
	{
		struct timeval tv = { 2, 0 };

		CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
				    sizeof(tv)),
			 0);
	}
	ualarm(50000, 0);
	CHECK_ERR(read(sv[0], buf, 1), EINTR);
}

TEST(rcvtimeo)
{
	struct timeval tv = { 0, 100000 }, got;
	socklen_t len = sizeof(got);
	struct timespec t0, t1;
	int sv[2];
	char c;
	long ms;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
		 0);
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len), 0);
	CHECK_EQ(len, sizeof(got));
	CHECK_EQ(got.tv_sec, 0);
	CHECK_EQ(got.tv_usec, 100000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_ERR(read(sv[0], &c, 1), EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 90);
	tv.tv_usec = 1000000;
	CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)),
		  EDOM);
	CHECK_ERR(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 4), EINVAL);
}

TEST(socket_options)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), v;
	socklen_t len = sizeof(v);
	char small[2];

	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
	CHECK_EQ(v, 212992);
	v = 10000;
	CHECK_EQ(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
	CHECK_EQ(v, 20000);
	v = 1;
	CHECK_EQ(setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
	CHECK_EQ(v, 4608);
	v = 1;
	CHECK_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
	CHECK_EQ(v, 2304);
	v = 1;
	CHECK_EQ(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), 0);
	CHECK_EQ(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)), 0);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &len), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)), 0);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, &len), 0);
	CHECK_EQ(v, 1);
	CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, 2), EINVAL);
	CHECK_ERR(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, (void *)8, 4),
		  EFAULT);
	CHECK_ERR(setsockopt(fd, SOL_SOCKET, 9999, &v, sizeof(v)), ENOPROTOOPT);
	CHECK_ERR(getsockopt(fd, SOL_SOCKET, 9999, &v, &len), ENOPROTOOPT);
	CHECK_ERR(setsockopt(fd, 6 /* TCP */, 1, &v, sizeof(v)), EOPNOTSUPP);
	CHECK_ERR(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, (socklen_t *)8),
		  EFAULT);
	len = -1;
	CHECK_ERR(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), EINVAL);
	/* A short buffer gets the first bytes. */
	len = 2;
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_TYPE, small, &len), 0);
	CHECK_EQ(len, 2);
	CHECK_EQ(small[0], SOCK_STREAM);
	len = sizeof(v);
	CHECK_EQ(getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len), 0);
	CHECK_EQ(v, 0);
}

TEST(peercred)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	int sv[2], l, c, s;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
	CHECK_EQ(len, sizeof(uc));
	CHECK_EQ(uc.pid, getpid());
	CHECK_EQ(uc.uid, geteuid());
	CHECK_EQ(uc.gid, getegid());
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
	CHECK_EQ(uc.pid, 0);
	CHECK_EQ((int)uc.uid, -1);
	CHECK_EQ((int)uc.gid, -1);
	/* Across fork: each side sees the other's process. */
	l = sock_listen(SOCK_STREAM, "@strix-test-peercred");
	if (fork() == 0) {
		c = sock_connect(SOCK_STREAM, "@strix-test-peercred");
		CHECK_EQ(getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
		_exit(uc.pid == getppid() ? 0 : 1);
	}
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
	CHECK(uc.pid != getpid() && uc.pid > 0);
	{
		int status;

		CHECK_EQ(waitpid(uc.pid, &status, 0), uc.pid);
		CHECK_EQ(status, 0);
	}
}
