/* SPDX-License-Identifier: MIT */
/* AF_UNIX stream sockets, continued: epoll, listeners going away,
 * permissions, /proc/net/unix, writers that wait, SO_PASSCRED. */
#include "sock.h"

#include <sys/epoll.h>

static volatile sig_atomic_t got_sig;

static void on_sig(int sig)
{
	got_sig = sig;
}

TEST(epoll_readiness)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP },
			   out[2];
	int ep = epoll_create1(0), sv[2], l, c;
	char buf[4];
	pid_t pid;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ev.data.fd = sv[1];
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev), 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 1);
	CHECK_EQ(out[0].events, EPOLLOUT);
	if ((pid = fork()) == 0) {
		usleep(50000);
		write(sv[0], "e", 1);
		_exit(0);
	}
	ev.events = EPOLLIN;
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, sv[1], &ev), 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 5000), 1);
	CHECK_EQ(out[0].events, EPOLLIN);
	CHECK_EQ(read(sv[1], buf, 1), 1);
	waitpid(pid, NULL, 0);
	/* A listening socket becomes readable on a connection. */
	l = sock_listen(SOCK_STREAM, "@strix-test-epoll");
	ev.events = EPOLLIN;
	ev.data.fd = l;
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev), 0);
	CHECK_EQ(epoll_wait(ep, out, 2, 0), 0);
	c = sock_connect(SOCK_STREAM, "@strix-test-epoll");
	CHECK_EQ(epoll_wait(ep, out, 2, 1000), 1);
	CHECK_EQ(out[0].data.fd, l);
	/* The peer closing wakes the waiter with EPOLLHUP. */
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.fd = sv[1];
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_MOD, sv[1], &ev), 0);
	close(sv[0]);
	CHECK_EQ(epoll_wait(ep, out, 2, 1000), 2);
	(void)c;
}

TEST(listener_close_resets_queued)
{
	int l, c;
	char buf[4];

	l = sock_listen(SOCK_STREAM, "@strix-test-lclose");
	c = sock_connect(SOCK_STREAM, "@strix-test-lclose");
	CHECK_EQ(write(c, "q", 1), 1);
	close(l);
	CHECK_ERR(read(c, buf, 1), ECONNRESET);
	CHECK_EQ(read(c, buf, 1), 0);
	CHECK_EQ(send(c, "x", 1, MSG_NOSIGNAL), -1);
	CHECK_EQ(errno, EPIPE);
}

TEST(connect_needs_write_permission)
{
	struct sockaddr_un a;
	int l, c;

	if (getuid() != 0)
		return;
	sock_tmpdir();
	l = sock_listen(SOCK_STREAM, "perm");
	CHECK_EQ(chmod("perm", 0555), 0);
	if (fork() == 0) {
		CHECK_EQ(setuid(1000), 0);
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		CHECK_ERR(connect(c, (struct sockaddr *)&a,
				  sock_addr(&a, "perm")),
			  EACCES);
		_exit(0);
	}
	{
		int status;

		wait(&status);
		CHECK_EQ(status, 0);
	}
	(void)l;
}

/* The line of /proc/net/unix that ends with name: 1 if found. */
static int proc_net_unix(const char *name, unsigned *flags, unsigned *type,
			 unsigned *st, unsigned long *ino)
{
	char line[512];
	FILE *f = fopen("/proc/net/unix", "r");
	int found = 0;

	CHECK(f != NULL);
	CHECK(fgets(line, sizeof(line), f) != NULL);
	CHECK(!strcmp(line, "Num       RefCount Protocol Flags    Type St "
			    "Inode Path\n"));
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line), k = strlen(name);
		char *end;

		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		end = line + n - k;
		if (n <= k || strcmp(end, name) || end[-1] != ' ')
			continue;
		CHECK_EQ(sscanf(line, "%*s %*x %*x %x %x %x %lu", flags, type,
				st, ino),
			 4);
		found = 1;
	}
	fclose(f);
	return found;
}

TEST(proc_net_unix)
{
	unsigned flags, type, st;
	unsigned long ino;
	struct stat sb;
	int l, d;

	l = sock_listen(SOCK_STREAM, "@strix-test-procnet");
	CHECK_EQ(fstat(l, &sb), 0);
	CHECK(proc_net_unix("@strix-test-procnet", &flags, &type, &st, &ino));
	CHECK_EQ(flags, 0x10000);
	CHECK_EQ(type, SOCK_STREAM);
	CHECK_EQ(st, 1);
	CHECK_EQ(ino, sb.st_ino);
	d = sock_listen(SOCK_DGRAM, "@strix-test-procnet\001x");
	(void)d;
	/* NUL bytes in abstract names print as '@'. */
	{
		struct sockaddr_un a;
		socklen_t len = sock_addr(&a, "@strix-test-procnet2xy");
		int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);

		a.sun_path[19] = 0;
		CHECK_EQ(bind(s, (struct sockaddr *)&a, len), 0);
		CHECK(proc_net_unix("@strix-test-procnet@xy", &flags, &type,
				    &st, &ino));
		CHECK_EQ(type, SOCK_SEQPACKET);
		CHECK_EQ(flags, 0);
	}
	close(l);
	CHECK(!proc_net_unix("@strix-test-procnet", &flags, &type, &st, &ino));
}

/* A writer waiting for room when the reader closes with data unread gets
 * ECONNRESET, and no SIGPIPE. */
TEST(blocked_writer_sees_reset)
{
	static char buf[65536];
	int sv[2], status;
	pid_t pid;

	signal(SIGPIPE, on_sig);
	got_sig = 0;
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	while (write(sv[0], buf, sizeof(buf)) > 0)
		;
	CHECK_EQ(fcntl(sv[0], F_SETFL, 0), 0);
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		errno = 0;
		if (write(sv[0], "x", 1) != -1 || errno != ECONNRESET)
			_exit(1);
		_exit(got_sig ? 2 : 0);
	}
	close(sv[0]);
	usleep(100000);
	close(sv[1]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
}

TEST(passcred_autobinds_on_connect_and_sndtimeo)
{
	struct sockaddr_un got;
	struct timeval tv = { 0, 50000 };
	static char buf[65536];
	socklen_t len = sizeof(got);
	int l, c, s, on = 1;

	l = sock_listen(SOCK_STREAM, "@strix-test-autoconn");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(setsockopt(c, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)), 0);
	CHECK_EQ(connect(c, (struct sockaddr *)&got,
			 sock_addr(&got, "@strix-test-autoconn")),
		 0);
	s = accept(l, (struct sockaddr *)&got, &len);
	CHECK(s >= 0);
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
	/* A send timeout ends a write that waits for room. */
	CHECK_EQ(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
	for (;;) {
		ssize_t n = write(c, buf, sizeof(buf));

		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
	}
}
