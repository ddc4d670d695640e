/* SPDX-License-Identifier: MIT */
/* Ancillary data on AF_UNIX sockets: SCM_RIGHTS and SCM_CREDENTIALS. */
#include "sock.h"

#include <sys/syscall.h>
#include <sys/uio.h>

/* Sends data with n fds (and creds if given). */
static ssize_t send_fds(int s, const char *data, const int *fds, int n,
			const struct ucred *uc, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8) +
			 CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = 0;
	c = (struct cmsghdr *)u.buf;
	if (n) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
		mh.msg_controllen += CMSG_SPACE(sizeof(int) * n);
		c = (struct cmsghdr *)(u.buf + mh.msg_controllen);
	}
	if (uc) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_CREDENTIALS;
		c->cmsg_len = CMSG_LEN(sizeof(*uc));
		memcpy(CMSG_DATA(c), uc, sizeof(*uc));
		mh.msg_controllen += CMSG_SPACE(sizeof(*uc));
	}
	if (!mh.msg_controllen)
		mh.msg_control = NULL;
	return sendmsg(s, &mh, flags);
}

struct rcv {
	ssize_t n;
	int flags;
	int nfds, fds[8];
	int has_cred;
	struct ucred cred;
	size_t controllen;
};

static struct rcv recv_fds(int s, char *buf, size_t len, size_t ctl, int flags)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, len };
	struct msghdr mh = { 0 };
	struct rcv r = { 0 };
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl ? u.buf : NULL;
	mh.msg_controllen = ctl;
	r.n = recvmsg(s, &mh, flags);
	r.flags = mh.msg_flags;
	r.controllen = mh.msg_controllen;
	if (r.n < 0)
		return r;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_type == SCM_RIGHTS) {
			r.nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(r.fds, CMSG_DATA(c), r.nfds * sizeof(int));
		} else if (c->cmsg_type == SCM_CREDENTIALS) {
			r.has_cred = 1;
			memcpy(&r.cred, CMSG_DATA(c), sizeof(r.cred));
		}
	}
	return r;
}

TEST(pass_pipe_across_fork)
{
	int sv[2], p[2], status;
	char buf[16];
	struct rcv r;
	pid_t pid;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	if (pid == 0) {
		CHECK_EQ(pipe(p), 0);
		CHECK_EQ(send_fds(sv[1], "fd", &p[1], 1, NULL, 0), 2);
		close(p[1]);
		CHECK_EQ(read(p[0], buf, sizeof(buf)), 5);
		_exit(memcmp(buf, "hello", 5) ? 1 : 0);
	}
	r = recv_fds(sv[0], buf, sizeof(buf), 64, MSG_CMSG_CLOEXEC);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.nfds, 1);
	CHECK_EQ(r.flags, MSG_CMSG_CLOEXEC); /* Linux leaves it there */
	CHECK_EQ(r.controllen, CMSG_SPACE(sizeof(int)));
	CHECK_EQ(fcntl(r.fds[0], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(write(r.fds[0], "hello", 5), 5);
	close(r.fds[0]);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
}

TEST(pass_several_and_ctrunc)
{
	int sv[2], fds[3], i;
	char buf[16];
	struct rcv r;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	for (i = 0; i < 3; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	CHECK_EQ(send_fds(sv[0], "3", fds, 3, NULL, 0), 1);
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.nfds, 3);
	CHECK_EQ(fcntl(r.fds[0], F_GETFD), 0);
	for (i = 0; i < 3; i++) {
		struct stat a, b;

		CHECK_EQ(fstat(r.fds[i], &a), 0);
		CHECK_EQ(fstat(fds[i], &b), 0);
		CHECK_EQ(a.st_ino, b.st_ino);
	}
	/* Room for one: the others are closed, MSG_CTRUNC says so. */
	CHECK_EQ(send_fds(sv[0], "3", fds, 3, NULL, 0), 1);
	r = recv_fds(sv[1], buf, sizeof(buf), CMSG_LEN(sizeof(int)), 0);
	CHECK_EQ(r.nfds, 1);
	CHECK(r.flags & MSG_CTRUNC);
	/* No control buffer at all. */
	CHECK_EQ(send_fds(sv[0], "3", fds, 3, NULL, 0), 1);
	r = recv_fds(sv[1], buf, sizeof(buf), 0, 0);
	CHECK_EQ(r.n, 1);
	CHECK(r.flags & MSG_CTRUNC);
	/* read() drops them too. */
	CHECK_EQ(send_fds(sv[0], "3", fds, 3, NULL, 0), 1);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 1);
	/* Peeking gives copies; the real receive gets them again. */
	CHECK_EQ(send_fds(sv[0], "p", fds, 1, NULL, 0), 1);
	r = recv_fds(sv[1], buf, sizeof(buf), 64, MSG_PEEK);
	CHECK_EQ(r.nfds, 1);
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.nfds, 1);
}

TEST(bad_rights)
{
	int sv[2], bad = 999, fd = open("/dev/null", O_RDONLY);
	int many[254];
	struct msghdr mh = { 0 };
	struct iovec iov = { "x", 1 };
	char ctl[CMSG_SPACE(sizeof(many))];
	struct cmsghdr *c = (struct cmsghdr *)ctl;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_ERR(send_fds(sv[0], "x", &bad, 1, NULL, 0), EBADF);
	for (int i = 0; i < 254; i++)
		many[i] = fd;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = ctl;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(many));
	memcpy(CMSG_DATA(c), many, sizeof(many));
	/* A cmsg_len past the buffer, or an unknown type. */
	c->cmsg_len = CMSG_LEN(sizeof(int));
	mh.msg_controllen = CMSG_LEN(2);
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EINVAL);
	mh.msg_controllen = CMSG_SPACE(sizeof(int));
	c->cmsg_type = 77;
	CHECK_ERR(sendmsg(sv[0], &mh, 0), EINVAL);
	/* Other levels are ignored; a too-small buffer is no cmsg. */
	c->cmsg_level = 6;
	CHECK_EQ(sendmsg(sv[0], &mh, 0), 1);
	mh.msg_controllen = 8;
	CHECK_EQ(sendmsg(sv[0], &mh, 0), 1);
	{
		/* The kernel's msghdr has a 64-bit msg_controllen. */
		struct {
			void *name;
			int namelen;
			void *iov;
			size_t iovlen;
			void *ctl;
			size_t ctllen;
			int flags;
		} km = { NULL, 0, &iov, 1, ctl, 1UL << 32, 0 };

		CHECK_ERR(syscall(SYS_sendmsg, sv[0], &km, 0), ENOBUFS);
	}
}

/* Closing sockets with fds in flight drops the references: the pipe's
 * reader sees EOF once the only writer was in a closed socket's queue. */
TEST(in_flight_dropped_on_close)
{
	int sv[2], p[2], inner[2];
	char c;

	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(send_fds(sv[0], "w", &p[1], 1, NULL, 0), 1);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	CHECK_EQ(read(p[0], &c, 1), 0);
	/* A socket in flight inside another socket's queue. */
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, inner), 0);
	CHECK_EQ(send_fds(inner[0], "w", &p[1], 1, NULL, 0), 1);
	CHECK_EQ(send_fds(sv[0], "s", &inner[1], 1, NULL, 0), 1);
	close(p[1]);
	close(inner[0]);
	close(inner[1]);
	close(sv[0]);
	close(sv[1]);
	CHECK_EQ(read(p[0], &c, 1), 0);
	/* A socket sent to itself is a cycle: it must not crash. */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(send_fds(sv[0], "c", &sv[1], 1, NULL, 0), 1);
	close(sv[0]);
	close(sv[1]);
}

TEST(stream_read_stops_at_fds)
{
	int sv[2], fd = open("/dev/null", O_RDONLY);
	char buf[16];
	struct rcv r;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "ab", 2), 2);
	CHECK_EQ(send_fds(sv[0], "cd", &fd, 1, NULL, 0), 2);
	CHECK_EQ(write(sv[0], "ef", 2), 2);
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.n, 4);
	CHECK_EQ(r.nfds, 1);
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.nfds, 0);
}

TEST(credentials)
{
	struct ucred me = { getpid(), getuid(), getgid() }, other = me;
	int sv[2], on = 1;
	char buf[16];
	struct rcv r;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	/* Without SO_PASSCRED nothing is delivered. */
	CHECK_EQ(send_fds(sv[0], "a", NULL, 0, &me, 0), 1);
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.has_cred, 0);
	CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)),
		 0);
	/* With it, credentials come even when none were sent. */
	CHECK_EQ(send(sv[0], "b", 1, 0), 1);
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.has_cred, 1);
	CHECK_EQ(r.cred.pid, getpid());
	CHECK_EQ(r.cred.uid, getuid());
	CHECK_EQ(r.cred.gid, getgid());
	/* Too small a buffer: MSG_CTRUNC. */
	CHECK_EQ(send(sv[0], "b", 1, 0), 1);
	r = recv_fds(sv[1], buf, sizeof(buf), sizeof(struct cmsghdr) + 4, 0);
	CHECK(r.flags & MSG_CTRUNC);
	/* Root may claim another process; a wrong-length cmsg is EINVAL. */
	other.pid = getppid();
	if (getuid() == 0) {
		CHECK_EQ(send_fds(sv[0], "c", NULL, 0, &other, 0), 1);
		r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
		CHECK_EQ(r.cred.pid, getppid());
		other.pid = 0x7ffffff0;
		CHECK_ERR(send_fds(sv[0], "c", NULL, 0, &other, 0), ESRCH);
		other.pid = getpid();
		other.uid = -1;
		CHECK_ERR(send_fds(sv[0], "c", NULL, 0, &other, 0), EINVAL);
	}
	/* An ordinary user may only send its own. */
	if (getuid() == 0 && fork() == 0) {
		CHECK_EQ(setgid(1000), 0);
		CHECK_EQ(setuid(1000), 0);
		me = (struct ucred){ getpid(), 1000, 1000 };
		CHECK_EQ(send_fds(sv[0], "d", NULL, 0, &me, 0), 1);
		other = me;
		other.pid = getppid();
		CHECK_ERR(send_fds(sv[0], "d", NULL, 0, &other, 0), EPERM);
		other = me;
		other.uid = 0;
		CHECK_ERR(send_fds(sv[0], "d", NULL, 0, &other, 0), EPERM);
		_exit(0);
	}
	if (getuid() == 0) {
		int status;

		wait(&status);
		CHECK_EQ(status, 0);
		r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
		CHECK_EQ(r.cred.uid, 1000);
		CHECK_EQ(r.cred.gid, 1000);
	}
}

TEST(passcred_autobinds)
{
	struct sockaddr_un a, got;
	socklen_t alen = sock_addr(&a, "@strix-test-passcred"), len;
	int r = socket(AF_UNIX, SOCK_DGRAM, 0), s, on = 1;
	char buf[4];

	CHECK_EQ(bind(r, (struct sockaddr *)&a, alen), 0);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)), 0);
	CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr *)&a, alen), 1);
	len = sizeof(got);
	CHECK_EQ(getsockname(s, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
	len = sizeof(got);
	CHECK_EQ(recvfrom(r, buf, sizeof(buf), 0, (struct sockaddr *)&got,
			  &len),
		 1);
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
	/* Without SO_PASSCRED no name is made. */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(sendto(s, "x", 1, 0, (struct sockaddr *)&a, alen), 1);
	len = sizeof(got);
	CHECK_EQ(getsockname(s, (struct sockaddr *)&got, &len), 0);
	CHECK_EQ(len, sizeof(sa_family_t));
}

TEST(stream_creds_split_reads)
{
	int sv[2], on = 1;
	char buf[16];
	struct rcv r;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)),
		 0);
	CHECK_EQ(write(sv[0], "ab", 2), 2);
	if (fork() == 0) {
		write(sv[0], "cd", 2);
		_exit(0);
	}
	wait(NULL);
	/* Data from different senders is not merged in one read. */
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.cred.pid, getpid());
	r = recv_fds(sv[1], buf, sizeof(buf), 64, 0);
	CHECK_EQ(r.n, 2);
	CHECK(r.cred.pid != getpid());
}

/* Several processes create, connect, pass and close sockets at once
 * while a server comes and goes: nothing may crash or hang. */
TEST(churn)
{
	struct sockaddr_un a;
	socklen_t alen = sock_addr(&a, "@strix-test-churn");
	int status, ok = 1;
	pid_t kids[4];

	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		if (kids[k])
			continue;
		for (int i = 0; i < 150; i++) {
			int sv[2], d = socket(AF_UNIX, SOCK_DGRAM, 0);
			char buf[8];

			if (k == 0 && i % 10 == 0) {
				int srv = socket(AF_UNIX, SOCK_DGRAM, 0);

				bind(srv, (struct sockaddr *)&a, alen);
				usleep(1000);
				close(srv);
			}
			sendto(d, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&a,
			       alen);
			if (socketpair(AF_UNIX,
				       i % 2 ? SOCK_STREAM : SOCK_SEQPACKET, 0,
				       sv))
				_exit(1);
			send_fds(sv[0], "f", &d, 1, NULL, MSG_DONTWAIT);
			send_fds(sv[1], "g", &d, 1, NULL, MSG_DONTWAIT);
			if (i % 3 == 0)
				recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
			close(d);
			close(sv[i % 2]);
			close(sv[1 - i % 2]);
		}
		_exit(0);
	}
	for (int k = 0; k < 4; k++) {
		CHECK_EQ(waitpid(kids[k], &status, 0), kids[k]);
		ok &= status == 0;
	}
	CHECK(ok);
}
