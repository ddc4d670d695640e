/* SPDX-License-Identifier: MIT */
/* AF_UNIX datagram and sequenced-packet sockets, as on Linux. */
#include "sock.h"

#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

TEST(boundaries_and_truncation)
{
	struct iovec iov[2] = { { "ab", 2 }, { "cd", 2 } };
	struct msghdr mh = { 0 };
	char buf[16];
	int sv[2], n;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "one", 3), 3);
	CHECK_EQ(write(sv[0], "three", 5), 5);
	CHECK_EQ(writev(sv[0], iov, 2), 4); /* one datagram */
	CHECK_EQ(send(sv[0], "", 0, 0), 0);
	CHECK_EQ(send(sv[0], "truncated", 9, 0), 9);
	CHECK_EQ(send(sv[0], "peek", 4, 0), 4);
	CHECK_EQ(ioctl(sv[1], FIONREAD, &n), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 3);
	CHECK_EQ(recv(sv[1], buf, 2, 0), 2); /* the rest is dropped */
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 4);
	CHECK(!memcmp(buf, "abcd", 4));
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);
	/* MSG_TRUNC: the real length, and the flag in msg_flags. */
	iov[0].iov_base = buf;
	iov[0].iov_len = 4;
	mh.msg_iov = iov;
	mh.msg_iovlen = 1;
	CHECK_EQ(recvmsg(sv[1], &mh, MSG_TRUNC | MSG_PEEK), 9);
	CHECK(mh.msg_flags & MSG_TRUNC);
	CHECK_EQ(recvmsg(sv[1], &mh, 0), 4);
	CHECK(mh.msg_flags & MSG_TRUNC);
	CHECK(!memcmp(buf, "trun", 4));
	iov[0].iov_len = sizeof(buf);
	CHECK_EQ(recvmsg(sv[1], &mh, 0), 4);
	CHECK_EQ(mh.msg_flags, 0);
	CHECK_ERR(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
}

TEST(sendto_path_and_recvfrom)
{
	struct sockaddr_un a, from;
	socklen_t flen = sizeof(from);
	char buf[16];
	int r, s, t;

	sock_tmpdir();
	r = sock_listen(SOCK_DGRAM, "log");
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	/* Unbound sender: no address comes with the datagram. */
	CHECK_EQ(sendto(s, "hi", 2, 0, (struct sockaddr *)&a,
			sock_addr(&a, "log")),
		 2);
	CHECK_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			  &flen),
		 2);
	CHECK_EQ(flen, 0);
	t = sock_listen(SOCK_DGRAM, "client");
	CHECK_EQ(sendto(t, "yo", 2, 0, (struct sockaddr *)&a,
			sock_addr(&a, "log")),
		 2);
	flen = sizeof(from);
	CHECK_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			  &flen),
		 2);
	CHECK_EQ(flen, sock_addr(&a, "client"));
	CHECK(!strcmp(from.sun_path, "client"));
	/* Replying to the address. */
	CHECK_EQ(sendto(r, "back", 4, 0, (struct sockaddr *)&from, flen), 4);
	CHECK_EQ(recv(t, buf, sizeof(buf), 0), 4);
	CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&a,
			 sock_addr(&a, "nothere")),
		  ENOENT);
	CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&a,
			 sock_addr(&a, "@strix-none")),
		  ECONNREFUSED);
	CHECK_ERR(send(s, "x", 1, 0), ENOTCONN);
	CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&a, 200), EINVAL);
	CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)8, 10), EFAULT);
	CHECK_ERR(sendto(s, (void *)8, 1, 0, (struct sockaddr *)&a,
			 sock_addr(&a, "log")),
		  EFAULT);
	CHECK_ERR(recvfrom(r, buf, sizeof(buf), MSG_DONTWAIT,
			   (struct sockaddr *)&from, &flen),
		  EAGAIN);
	/* A stream socket's name is not for datagrams. */
	CHECK(sock_listen(SOCK_STREAM, "stream") >= 0);
	CHECK_ERR(sendto(s, "x", 1, 0, (struct sockaddr *)&a,
			 sock_addr(&a, "stream")),
		  EPROTOTYPE);
}

TEST(connected_peer_gone)
{
	struct sockaddr_un a;
	socklen_t alen = sock_addr(&a, "@strix-test-dgpeer");
	int r, s, o;

	r = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(bind(r, (struct sockaddr *)&a, alen), 0);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(connect(s, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(send(s, "a", 1, 0), 1);
	/* A socket connected elsewhere takes nothing from others. */
	o = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(bind(o, (struct sockaddr *)&a, sizeof(sa_family_t)), 0);
	CHECK_EQ(connect(r, (struct sockaddr *)&a, 0) == -1, 1);
	close(r);
	CHECK_ERR(send(s, "b", 1, 0), ECONNREFUSED);
	CHECK_ERR(send(s, "b", 1, 0), ENOTCONN);
	/* Disconnect with AF_UNSPEC. */
	r = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(bind(r, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(connect(s, (struct sockaddr *)&a, alen), 0);
	a.sun_family = AF_UNSPEC;
	CHECK_EQ(connect(s, (struct sockaddr *)&a, sizeof(sa_family_t)), 0);
	CHECK_ERR(send(s, "b", 1, 0), ENOTCONN);
	(void)o;
}

TEST(connected_elsewhere_is_eperm)
{
	struct sockaddr_un a, b;
	socklen_t alen = sock_addr(&a, "@strix-test-eperm-a");
	socklen_t blen = sock_addr(&b, "@strix-test-eperm-b");
	int x = socket(AF_UNIX, SOCK_DGRAM, 0);
	int y = socket(AF_UNIX, SOCK_DGRAM, 0);
	int z = socket(AF_UNIX, SOCK_DGRAM, 0);

	CHECK_EQ(bind(x, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(bind(y, (struct sockaddr *)&b, blen), 0);
	CHECK_EQ(connect(x, (struct sockaddr *)&b, blen), 0);
	CHECK_ERR(sendto(z, "x", 1, 0, (struct sockaddr *)&a, alen), EPERM);
	CHECK_ERR(connect(z, (struct sockaddr *)&a, alen), EPERM);
	CHECK_EQ(sendto(y, "x", 1, 0, (struct sockaddr *)&a, alen), 1);
}

TEST(queue_limit_and_poll)
{
	struct sockaddr_un a;
	socklen_t alen = sock_addr(&a, "@strix-test-qlen");
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s, n;
	char buf[8];

	CHECK_EQ(bind(r, (struct sockaddr *)&a, alen), 0);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	CHECK_EQ(connect(s, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(sock_poll1(s, POLLIN | POLLOUT), POLLOUT);
	CHECK_EQ(sock_poll1(r, POLLIN | POLLOUT), POLLOUT);
	for (n = 0; n < 100; n++)
		if (send(s, "d", 1, 0) < 0)
			break;
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(n, 11); /* net.unix.max_dgram_qlen + 1 */
	CHECK_EQ(sock_poll1(s, POLLIN | POLLOUT), 0);
	CHECK_EQ(sock_poll1(r, POLLIN | POLLOUT), POLLIN | POLLOUT);
	CHECK_EQ(recv(r, buf, sizeof(buf), 0), 1);
	CHECK_EQ(recv(r, buf, sizeof(buf), 0), 1);
	CHECK_EQ(sock_poll1(s, POLLOUT), POLLOUT);
	CHECK_EQ(send(s, "d", 1, 0), 1);
}

TEST(blocking_sender_waits_for_reader)
{
	struct sockaddr_un a;
	socklen_t alen = sock_addr(&a, "@strix-test-dgblock");
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s, n;
	char buf[8];
	pid_t pid;

	CHECK_EQ(bind(r, (struct sockaddr *)&a, alen), 0);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(connect(s, (struct sockaddr *)&a, alen), 0);
	pid = fork();
	if (pid == 0) {
		for (n = 0; n < 30; n++)
			if (send(s, "d", 1, 0) != 1)
				_exit(1);
		_exit(0);
	}
	for (n = 0; n < 30; n++)
		CHECK_EQ(recv(r, buf, sizeof(buf), 0), 1);
	CHECK_EQ(waitpid(pid, &n, 0), pid);
	CHECK_EQ(n, 0);
}

TEST(dgram_shutdown_and_sizes)
{
	int sv[2], v = 4096;
	static char big[300000];
	char buf[4];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_ERR(send(sv[0], big, sizeof(big), 0), EMSGSIZE);
	/* The largest datagram the default buffer takes. */
	big[212959] = 'z';
	CHECK_EQ(send(sv[0], big, 212992 - 32, 0), 212992 - 32);
	CHECK_EQ(recv(sv[1], big, sizeof(big), 0), 212992 - 32);
	CHECK_EQ(big[212959], 'z');
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	CHECK_ERR(send(sv[0], big, 8192, 0), EMSGSIZE);
	CHECK_EQ(send(sv[0], big, 8000, 0), 8000);
	CHECK_EQ(shutdown(sv[1], SHUT_RD), 0);
	CHECK_EQ(sock_poll1(sv[1], POLLIN | POLLRDHUP), POLLIN | POLLRDHUP);
	CHECK_EQ(recv(sv[1], big, sizeof(big), 0), 8000);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);
	CHECK_ERR(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK_ERR(send(sv[0], "x", 1, 0), EPIPE);
	CHECK_EQ(shutdown(sv[0], SHUT_WR), 0);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
}

TEST(seqpacket)
{
	struct msghdr mh = { 0 };
	struct iovec iov;
	char buf[16];
	int l, c, s;

	l = sock_listen(SOCK_SEQPACKET, "@strix-test-seqpacket");
	s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK_ERR(send(s, "x", 1, 0), ENOTCONN);
	CHECK_ERR(recv(s, buf, 1, 0), ENOTCONN);
	CHECK_EQ(sock_poll1(s, POLLIN | POLLOUT), POLLOUT | POLLHUP);
	c = sock_connect(SOCK_SEQPACKET, "@strix-test-seqpacket");
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK_EQ(send(c, "first", 5, 0), 5);
	CHECK_EQ(send(c, "second", 6, 0), 6);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 5);
	iov.iov_base = buf;
	iov.iov_len = 3;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	CHECK_EQ(recvmsg(s, &mh, 0), 3);
	CHECK(mh.msg_flags & MSG_TRUNC);
	CHECK_EQ(sock_poll1(s, POLLIN | POLLOUT), POLLOUT);
	close(c);
	CHECK_EQ(sock_poll1(s, POLLIN | POLLOUT | POLLRDHUP),
		 POLLIN | POLLOUT | POLLRDHUP | POLLHUP);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0);
	CHECK_EQ(recv(s, buf, sizeof(buf), MSG_DONTWAIT), 0);
	CHECK_ERR(send(s, "x", 1, MSG_NOSIGNAL), EPIPE);
}

TEST(bad_msghdr)
{
	struct msghdr mh = { 0 };
	struct iovec iov = { "x", 1 };
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], 8L, 0), EFAULT);
	CHECK_ERR(syscall(SYS_recvmsg, sv[0], 8L, 0), EFAULT);
	mh.msg_iov = (void *)8;
	mh.msg_iovlen = 1;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &mh, 0), EFAULT);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 2000;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &mh, 0), EMSGSIZE);
	mh.msg_iovlen = 1;
	iov.iov_len = (size_t)-1;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &mh, 0), EINVAL);
	iov.iov_len = 1;
	mh.msg_control = (void *)8;
	mh.msg_controllen = 32;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &mh, 0), EFAULT);
	mh.msg_control = NULL;
	mh.msg_controllen = 0;
	mh.msg_name = &iov;
	mh.msg_namelen = -1;
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], &mh, 0), EINVAL);
	CHECK_ERR(sendto(sv[0], "x", 1, 0, (void *)&iov, (socklen_t)-1),
		  EINVAL);
	{
		int p[2];

		CHECK_EQ(pipe(p), 0);
		CHECK_ERR(syscall(SYS_sendmsg, p[0], &mh, 0), ENOTSOCK);
	}
	CHECK_ERR(recv(sv[1], (void *)8, 1, MSG_DONTWAIT), EAGAIN);
	CHECK_EQ(send(sv[0], "x", 1, 0), 1);
	CHECK_ERR(recv(sv[1], (void *)8, 1, 0), EFAULT);
}

TEST(sendmmsg)
{
	struct mmsghdr mm[3];
	struct iovec iov[3] = { { "a", 1 }, { "bb", 2 }, { "ccc", 3 } };
	char buf[8];
	int sv[2];

	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 3; i++) {
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(sendmmsg(sv[0], mm, 3, 0), 3);
	CHECK_EQ(mm[2].msg_len, 3);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 1);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 2);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), 0), 3);
}

TEST(recvmmsg)
{
	struct mmsghdr mm[4];
	struct iovec iov[4];
	char buf[4][8];
	int sv[2];

	memset(mm, 0, sizeof(mm));
	for (int i = 0; i < 4; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(send(sv[0], "a", 1, 0), 1);
	CHECK_EQ(send(sv[0], "bcd", 3, 0), 3);
	CHECK_EQ(recvmmsg(sv[1], mm, 4, MSG_WAITFORONE, NULL), 2);
	CHECK_EQ(mm[0].msg_len, 1);
	CHECK_EQ(mm[1].msg_len, 3);
	CHECK(!memcmp(buf[1], "bcd", 3));
	CHECK_ERR(recvmmsg(sv[1], mm, 4, MSG_DONTWAIT, NULL), EAGAIN);
	{
		struct timespec ts = { 0, 2000000000 };

		CHECK_ERR(recvmmsg(sv[1], mm, 4, 0, &ts), EINVAL);
		CHECK_ERR(recvmmsg(sv[1], mm, 4, 0, (struct timespec *)8),
			  EFAULT);
	}
}

static volatile sig_atomic_t got_sig;

static void on_sig(int sig)
{
	got_sig = sig;
}

/* Datagram and sequenced-packet sends fail with EPIPE but, unlike
 * streams, raise no SIGPIPE. */
TEST(no_sigpipe_on_packets)
{
	int sv[2];

	signal(SIGPIPE, on_sig);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	close(sv[0]);
	CHECK_ERR(send(sv[1], "x", 1, 0), EPIPE);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	CHECK_EQ(shutdown(sv[1], SHUT_WR), 0);
	CHECK_ERR(send(sv[1], "x", 1, 0), EPIPE);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(shutdown(sv[1], SHUT_WR), 0);
	CHECK_ERR(send(sv[1], "x", 1, 0), EPIPE);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	close(sv[0]);
	CHECK_ERR(send(sv[1], "x", 1, 0), ECONNREFUSED);
	CHECK_EQ(got_sig, 0);
	/* A stream's zero-length send after shutdown still signals. */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(send(sv[1], "x", 0, 0), 0);
	CHECK_EQ(shutdown(sv[1], SHUT_RDWR), 0);
	CHECK_ERR(send(sv[1], "x", 0, 0), EPIPE);
	CHECK_EQ(got_sig, SIGPIPE);
	CHECK_EQ(shutdown(socket(AF_UNIX, SOCK_STREAM, 0), SHUT_RDWR), 0);
}

/* Every pointer argument of the socket calls, bad: EFAULT, as Linux. */
TEST(bad_pointers_everywhere)
{
	static const unsigned long bad[] = {
		1,
		0x1000,
		0xffff800000000000UL,
		0xffffffff80000000UL,
		0x0000800000000000UL,
		0xdeadbeef000UL,
		-1UL,
	};
	int sv[2], fd = socket(AF_UNIX, SOCK_DGRAM, 0), v;
	socklen_t len = sizeof(v);

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "k", 1), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned long b = bad[i];

		CHECK_ERR(syscall(SYS_bind, fd, b, 20), EFAULT);
		CHECK_ERR(syscall(SYS_connect, fd, b, 20), EFAULT);
		CHECK_ERR(syscall(SYS_getsockname, fd, b, &len), EFAULT);
		len = sizeof(v);
		CHECK_ERR(syscall(SYS_getsockname, fd, &v, b), EFAULT);
		CHECK_ERR(syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_TYPE, b,
				  &len),
			  EFAULT);
		CHECK_ERR(syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_TYPE, &v,
				  b),
			  EFAULT);
		CHECK_ERR(syscall(SYS_setsockopt, fd, SOL_SOCKET, SO_PASSCRED,
				  b, 4),
			  EFAULT);
		CHECK_ERR(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, b),
			  EFAULT);
		CHECK_ERR(syscall(SYS_sendto, sv[0], b, 4, 0, 0, 0), EFAULT);
		CHECK_ERR(syscall(SYS_recvfrom, sv[1], b, 4, 0, 0, 0), EFAULT);
		CHECK_ERR(syscall(SYS_sendmsg, sv[0], b, 0), EFAULT);
		CHECK_ERR(syscall(SYS_recvmsg, sv[1], b, 0), EFAULT);
		CHECK_ERR(syscall(SYS_sendmmsg, sv[0], b, 1, 0), EFAULT);
		CHECK_ERR(syscall(SYS_recvmmsg, sv[1], b, 1, 0, 0), EFAULT);
	}
	/* The byte is still there after all the failed receives. */
	CHECK_EQ(read(sv[1], &v, 4), 1);
}
