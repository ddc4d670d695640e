/* SPDX-License-Identifier: MIT */
/* Helpers shared by the socket tests (test/sys/socket*.c). */
#ifndef STRIX_SYS_SOCK_H
#define STRIX_SYS_SOCK_H

#include "t.h"

#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* A fresh directory for socket files; the cwd moves there. */
static inline void sock_tmpdir(void)
{
	char dir[64];

	mkdir("/tmp", 01777);
	strcpy(dir, "/tmp/sock.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	CHECK_EQ(chdir(dir), 0);
}

/* A sockaddr_un for name (a leading '@' makes it abstract); its length. */
static inline socklen_t sock_addr(struct sockaddr_un *a, const char *name)
{
	size_t n = strlen(name);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, name, n);
	if (name[0] == '@') {
		a->sun_path[0] = 0;
		return offsetof(struct sockaddr_un, sun_path) + n;
	}
	return offsetof(struct sockaddr_un, sun_path) + n + 1;
}

/* A socket of type bound to name and listening (stream/seqpacket). */
static inline int sock_listen(int type, const char *name)
{
	struct sockaddr_un a;
	socklen_t len = sock_addr(&a, name);
	int fd = socket(AF_UNIX, type, 0);

	CHECK(fd >= 0);
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, len), 0);
	if (type != SOCK_DGRAM)
		CHECK_EQ(listen(fd, 5), 0);
	return fd;
}

static inline int sock_connect(int type, const char *name)
{
	struct sockaddr_un a;
	socklen_t len = sock_addr(&a, name);
	int fd = socket(AF_UNIX, type, 0);

	CHECK(fd >= 0);
	CHECK_EQ(connect(fd, (struct sockaddr *)&a, len), 0);
	return fd;
}

static inline short sock_poll1(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };

	CHECK(poll(&p, 1, 0) >= 0);
	return p.revents;
}

#endif
