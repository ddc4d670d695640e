/* SPDX-License-Identifier: MIT */
/* The socket layer's private interface: struct socket, the per-family
 * operations (Linux's proto_ops) and the message iterator families use. */
#ifndef STRIX_VFS_SOCKET_H
#define STRIX_VFS_SOCKET_H

#include "kernel/uapi/socket.h"
#include "vfs/vfs.h"

struct socket;

/* Data of a send or receive: user (or kernel) iovecs and a cursor. */
struct msg_iter {
	struct linux_iovec *iov;
	int cnt, idx;
	size_t off;  /* into iov[idx] */
	size_t left; /* bytes still to move */
	bool kernel; /* iov_base are kernel pointers */
};
/* Copies n bytes out of / into the iterator and advances it: 0 or
 * -EFAULT (the iterator then stands where the fault was). */
int msg_iter_from(struct msg_iter *it, void *dst, size_t n);
int msg_iter_to(struct msg_iter *it, const void *src, size_t n);

/* One sendmsg or recvmsg, decoded. */
struct sock_msg {
	struct msg_iter it;
	/* sendmsg: the destination (namelen 0: none). recvmsg: the source
	 * the family fills (namelen 0: none). */
	char name[SOCKADDR_STORAGE_SIZE];
	int namelen;
	/* sendmsg: the control data, copied in (ctl_len bytes). */
	void *ctl;
	size_t ctl_len;
	/* recvmsg: the user's control buffer, advanced as cmsgs are put. */
	uaddr_t uctl;
	size_t uctl_len;
	unsigned flags;	    /* MSG_* of the call */
	unsigned out_flags; /* recvmsg's msg_flags */
};
/* Appends a control message to a recvmsg's buffer as Linux's put_cmsg:
 * truncated with MSG_CTRUNC if it does not fit. 0 or -EFAULT. */
int sock_put_cmsg(struct sock_msg *m, int level, int type, const void *data,
		  size_t len);

struct proto_ops {
	int family;
	/* Fills s->sk for a new socket (s->type set); 0 or -errno. */
	int (*create)(struct socket *s, int protocol);
	/* The socket's file is closing: drop s->sk. */
	void (*release)(struct socket *s);
	int (*bind)(struct socket *s, const void *addr, int len);
	int (*connect)(struct socket *s, const void *addr, int len,
		       bool nonblock);
	int (*socketpair)(struct socket *a, struct socket *b);
	/* Fills newsock (allocated, without sk) with the next connection. */
	int (*accept)(struct socket *s, struct socket *newsock, bool nonblock);
	/* Writes the local or peer address to addr (SOCKADDR_STORAGE_SIZE
	 * bytes): its length or -errno. */
	int (*getname)(struct socket *s, void *addr, bool peer);
	unsigned (*poll)(struct socket *s, struct poll_table *pt);
	long (*ioctl)(struct socket *s, unsigned cmd, uaddr_t arg);
	int (*listen)(struct socket *s, int backlog);
	int (*shutdown)(struct socket *s, int how);
	ssize_t (*sendmsg)(struct socket *s, struct sock_msg *m, bool nonblock);
	ssize_t (*recvmsg)(struct socket *s, struct sock_msg *m, bool nonblock);
	/* The SOL_SOCKET options the family answers itself (SO_PEERCRED...):
	 * a length written to val, or -ENOPROTOOPT to let the generic layer
	 * answer. */
	int (*getsockopt)(struct socket *s, int name, void *val, int len);
	/* A SO_SNDBUF/SO_PASSCRED change was made (wake sleepers). */
	void (*opt_changed)(struct socket *s);
};

struct socket {
	int family, type, protocol;
	const struct proto_ops *ops;
	void *sk;	   /* the family's state */
	struct file *file; /* not a reference: the file owns us */
	/* SOL_SOCKET state kept by the generic layer. */
	uint64_t rcvtimeo_ns, sndtimeo_ns; /* 0: wait forever */
	int sndbuf, rcvbuf;
	bool passcred, reuseaddr, keepalive, broadcast, dontroute, oobinline;
	int priority;
	struct linux_linger linger;
};

/* The socket of an open file, or NULL if it is not one. */
struct socket *sock_from_file(struct file *f);
/* A socket of family/type on a new socket inode, with its file;
 * nonblock/cloexec per flags. ERR_PTR on failure. The family's create()
 * has not run (family code fills sk). */
struct socket *sock_alloc_file(const struct proto_ops *ops, int type,
			       unsigned flags);
/* Drops a socket made by sock_alloc_file that was never installed. */
void sock_free_file(struct socket *s);
/* A deadline on the time_ns() clock for a wait with this timeout
 * (0: none), or nonblock. */
uint64_t sock_deadline(uint64_t timeo_ns);
/* The errno of an interrupted or timed-out socket wait, as Linux's
 * sock_intr_errno and EAGAIN on timeout. */
int sock_wait_errno(int err, uint64_t timeo_ns);

/* Linux's move_addr_to_kernel and move_addr_to_user: 0 or -errno. */
int sock_addr_from_user(void *kaddr, uaddr_t uaddr, int len);
int sock_addr_to_user(const void *kaddr, int klen, uaddr_t uaddr, uaddr_t ulen);
/* Checks and totals iovecs as Linux's import_iovec: 0 or -errno. */
int sock_iter_init(struct msg_iter *it, struct linux_iovec *iov, int cnt);

/* Read/write through the socket layer (read(2), readv(2) on sockets). */
ssize_t sock_rw_iter(struct file *f, struct msg_iter *it, bool write);

extern const struct proto_ops unix_ops;

#endif
