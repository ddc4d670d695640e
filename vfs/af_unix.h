/* SPDX-License-Identifier: MIT */
/* AF_UNIX's private state (unix(7)): sockets, their queued buffers and
 * names. All of it is guarded by unix_mutex. */
#ifndef STRIX_VFS_AF_UNIX_H
#define STRIX_VFS_AF_UNIX_H

#include "vfs/socket.h"

#define RCV_SHUTDOWN 1
#define SEND_SHUTDOWN 2
#define SHUTDOWN_MASK 3
#define UNIX_MAX_DGRAM_QLEN 10 /* net.unix.max_dgram_qlen */
#define UNIX_SKB_OVERHEAD 512  /* charged per buffer, as skb truesize */

enum unix_state { US_CLOSE, US_LISTEN, US_ESTABLISHED };

/* A bound name: abstract or a path (sun_path as given, NUL-ended). */
struct unix_addr {
	int refcount;
	int len; /* bytes of sun that count, family included */
	struct linux_sockaddr_un sun;
	char nul; /* a path's name may use all of sun_path */
};

/* Files passed with SCM_RIGHTS and the sender's credentials. */
struct unix_scm {
	struct linux_ucred cred;
	int nfds;
	struct file **fds;
};

/* One queued message (Linux's sk_buff): stream data or a datagram. */
struct unix_skb {
	struct list_head link;
	size_t len, off;	  /* off: bytes already read (stream) */
	size_t truesize;	  /* charged to sender->wmem */
	struct unix_sock *sender; /* reference */
	struct unix_addr *addr;	  /* the sender's name, reference */
	struct unix_scm scm;
	char data[];
};

struct unix_sock {
	int refcount;
	struct socket *sock; /* NULL: an embryo, or released */
	int type;
	enum unix_state state;
	bool dead;
	int shutdown; /* RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;      /* SO_ERROR */
	bool passcred;
	int sndbuf;
	uint64_t ino;
	struct unix_sock *peer;	     /* reference */
	struct list_head conn_list;  /* dgram sockets whose peer we are */
	struct list_head conn_link;  /* in peer->conn_list */
	struct unix_addr *addr;	     /* reference, or NULL */
	struct path path;	     /* the socket node of a path name */
	struct list_head bound_link; /* unix_bound, while named */
	struct list_head all_link;   /* unix_all, for /proc/net/unix */
	struct list_head rxq;	     /* struct unix_skb */
	size_t rx_bytes;
	unsigned rx_count;
	size_t wmem;		      /* truesize of our buffers still queued */
	struct list_head acceptq;     /* embryos (listener) */
	struct list_head accept_link; /* in the listener's acceptq */
	unsigned accept_len;
	int backlog;
	struct wait_queue wq; /* readers, writers, pollers, connectors */
	struct linux_ucred peercred;
};

extern struct mutex unix_mutex;
/* Every live socket, embryos too, for /proc/net/unix. */
extern struct list_head unix_all;

static inline struct unix_sock *unix_sk(struct socket *s)
{
	return s->sk;
}

void unix_sock_get(struct unix_sock *u);
void unix_sock_put(struct unix_sock *u);
void unix_addr_put(struct unix_addr *a);
struct linux_ucred unix_current_cred(bool effective);
/* Finds the socket named addr (len bytes) of type: referenced, or
 * ERR_PTR (ENOENT, EACCES, ECONNREFUSED, EPROTOTYPE...). Takes and
 * releases unix_mutex. */
struct unix_sock *unix_find(const struct linux_sockaddr_un *addr, int len,
			    int type);
/* Validates a destination address (Linux's unix_validate_addr). */
int unix_validate_addr(const void *addr, int len);
/* Binds an unbound socket to an abstract autobind name; unix_mutex held. */
int unix_autobind_locked(struct unix_sock *u);

/* af_unix.c: the proto_ops entries af_unix_ops.c's table points to. */
int unix_create(struct socket *s, int protocol);
void unix_release(struct socket *s);
int unix_bind(struct socket *s, const void *addr, int len);
int unix_connect(struct socket *s, const void *addr, int len, bool nonblock);
int unix_socketpair(struct socket *a, struct socket *b);
int unix_accept(struct socket *s, struct socket *ns, bool nonblock);
int unix_getname(struct socket *s, void *addr, bool peer);
int unix_listen(struct socket *s, int backlog);
int unix_shutdown(struct socket *s, int how);

/* Wakes the dgram sockets that send to u (their POLLOUT may change);
 * unix_mutex held. */
void unix_wake_senders(struct unix_sock *u);

/* af_unix_msg.c */
/* Empties u's queue into list, giving senders their room back;
 * unix_mutex held. */
void unix_rxq_drain(struct unix_sock *u, struct list_head *list);
ssize_t unix_stream_sendmsg(struct socket *s, struct sock_msg *m, bool nb);
ssize_t unix_stream_recvmsg(struct socket *s, struct sock_msg *m, bool nb);
ssize_t unix_dgram_sendmsg(struct socket *s, struct sock_msg *m, bool nb);
ssize_t unix_dgram_recvmsg(struct socket *s, struct sock_msg *m, bool nb);
/* Frees buffers unlinked from a queue (fds and all); no lock held. */
void unix_skb_free_list(struct list_head *list);

/* af_unix_scm.c */
/* Decodes m's control data: fds referenced and credentials checked.
 * 0 or -errno (nothing then held). */
int unix_scm_send(struct sock_msg *m, struct unix_scm *scm);
void unix_scm_destroy(struct unix_scm *scm);
/* Hands scm to a receiver: SCM_CREDENTIALS if passcred, then the fds
 * (installed; those that do not fit are closed). Takes over the fds. */
int unix_scm_recv(struct sock_msg *m, struct unix_scm *scm, bool passcred);

#endif
