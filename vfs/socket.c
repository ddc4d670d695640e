/* SPDX-License-Identifier: MIT */
/*
 * The socket layer (socket(7)): socket inodes and files, the per-family
 * operations tables, and the syscalls that create, name, connect and
 * configure sockets. Messages are in vfs/socket_msg.c.
 */
#include "mm/mm.h"
#include "vfs/socket.h"

#define SOCKFS_MAGIC 0x534F434B
/* Linux's net.core.{w,r}mem_default and _max, and SOCK_MIN_{SND,RCV}BUF. */
#define SOCK_DEFAULT_BUF 212992
#define SOCK_MAX_BUF 212992
#define SOCK_MIN_SNDBUF 4608
#define SOCK_MIN_RCVBUF 2304

static struct fs_type sockfs_type = { .name = "sockfs", .nodev = true };
static struct super_block *sockfs;
static struct spinlock sockfs_lock = SPINLOCK_INIT("sockfs");

/* The family's table, or NULL when it is not built in. */
static const struct proto_ops *family_ops(int family)
{
	if (family == AF_UNIX)
		return &unix_ops;
	return NULL;
}

static struct super_block *get_sockfs(void)
{
	struct super_block *sb;
	bool irq;

	if (__atomic_load_n(&sockfs, __ATOMIC_ACQUIRE))
		return sockfs;
	sb = super_alloc(&sockfs_type, NULL, SOCKFS_MAGIC);
	if (!sb)
		return NULL;
	irq = spin_lock_irqsave(&sockfs_lock);
	if (!sockfs) {
		__atomic_store_n(&sockfs, sb, __ATOMIC_RELEASE);
		sb = NULL;
	}
	spin_unlock_irqrestore(&sockfs_lock, irq);
	kfree(sb); /* lost a race */
	return sockfs;
}

/* ---- the socket file ---- */

static ssize_t sock_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct linux_iovec iov = { b->kbuf ? (uint64_t)b->kbuf : b->ubuf,
				   b->len };
	struct msg_iter it = { &iov, 1, 0, 0, b->len, b->kbuf != NULL };

	(void)pos;
	if (!b->len)
		return 0;
	return sock_rw_iter(f, &it, false);
}

static ssize_t sock_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct linux_iovec iov = { b->kbuf ? (uint64_t)b->kbuf : b->ubuf,
				   b->len };
	struct msg_iter it = { &iov, 1, 0, 0, b->len, b->kbuf != NULL };

	(void)pos;
	return sock_rw_iter(f, &it, true);
}

static unsigned sock_poll(struct file *f, struct poll_table *pt)
{
	struct socket *s = f->private;

	return s->ops->poll(s, pt);
}

static long sock_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct socket *s = f->private;

	if (!s->ops->ioctl)
		return -ENOTTY;
	return s->ops->ioctl(s, cmd, arg);
}

static void sock_release(struct inode *inode, struct file *f)
{
	struct socket *s = f->private;

	(void)inode;
	if (!s)
		return;
	if (s->sk)
		s->ops->release(s);
	kfree(s);
}

static const struct file_ops socket_file_ops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.release = sock_release,
};

struct socket *sock_from_file(struct file *f)
{
	return f->ops == &socket_file_ops ? f->private : NULL;
}

struct socket *sock_alloc_file(const struct proto_ops *ops, int type,
			       unsigned flags)
{
	struct super_block *sb = get_sockfs();
	struct socket *s = kzalloc(sizeof(*s));
	struct inode *inode = sb && s ? inode_alloc(sb, S_IFSOCK | 0777) : NULL;

	if (!inode) {
		kfree(s);
		return ERR_PTR(-ENFILE);
	}
	s->family = ops->family;
	s->type = type;
	s->ops = ops;
	s->sndbuf = s->rcvbuf = SOCK_DEFAULT_BUF;
	s->file = file_alloc_anon(inode, &socket_file_ops,
				  O_RDWR | (flags & O_NONBLOCK), s);
	inode_put(inode);
	if (!s->file) {
		kfree(s);
		return ERR_PTR(-ENFILE);
	}
	return s;
}

void sock_free_file(struct socket *s)
{
	file_put(s->file);
}

uint64_t sock_deadline(uint64_t timeo_ns)
{
	return timeo_ns ? time_ns() + timeo_ns : 0;
}

int sock_wait_errno(int err, uint64_t timeo_ns)
{
	if (err == -ETIMEDOUT)
		return -EAGAIN;
	if (err == -ERESTARTSYS && timeo_ns)
		return -EINTR;
	return err;
}

/* The socket at fd with a file reference (*fp), or NULL with *err. */
static struct socket *sock_lookup(int fd, struct file **fp, int *err)
{
	struct file *f = fd_get(fd);
	struct socket *s;

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	s = sock_from_file(f);
	if (!s) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	*fp = f;
	return s;
}

/* ---- creating sockets ---- */

/* Decodes socket(2)'s family and type: the ops or ERR_PTR. */
static const struct proto_ops *decode_socket(int family, int *type,
					     unsigned *flags)
{
	const struct proto_ops *ops;

	*flags = (unsigned)*type & ~SOCK_TYPE_MASK;
	if (*flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return ERR_PTR(-EINVAL);
	*type &= SOCK_TYPE_MASK;
	if (family < 0 || family >= AF_MAX)
		return ERR_PTR(-EAFNOSUPPORT);
	if (*type < 0 || *type >= SOCK_MAX)
		return ERR_PTR(-EINVAL);
	ops = family_ops(family);
	return ops ? ops : ERR_PTR(-EAFNOSUPPORT);
}

static struct socket *sock_create(const struct proto_ops *ops, int type,
				  int protocol, unsigned flags)
{
	struct socket *s = sock_alloc_file(ops, type, flags);
	int err;

	if (IS_ERR(s))
		return s;
	err = ops->create(s, protocol);
	if (err) {
		sock_free_file(s);
		return ERR_PTR(err);
	}
	return s;
}

static long sys_socket(int family, int type, int protocol)
{
	const struct proto_ops *ops;
	struct socket *s;
	unsigned flags;
	int fd;

	ops = decode_socket(family, &type, &flags);
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	s = sock_create(ops, type, protocol, flags);
	if (IS_ERR(s))
		return PTR_ERR(s);
	fd = fd_install(s->file, (int)(flags & SOCK_CLOEXEC));
	if (fd < 0)
		sock_free_file(s);
	return fd;
}
SYSCALL_REGISTER(socket, sys_socket);

static long sys_socketpair(int family, int type, int protocol, uaddr_t usv)
{
	const struct proto_ops *ops;
	struct socket *a, *b;
	unsigned flags;
	int fds[2], err;

	ops = decode_socket(family, &type, &flags);
	if (IS_ERR(ops))
		return PTR_ERR(ops);
	if (!ops->socketpair)
		return -EOPNOTSUPP;
	a = sock_create(ops, type, protocol, flags);
	if (IS_ERR(a))
		return PTR_ERR(a);
	b = sock_create(ops, type, protocol, flags);
	if (IS_ERR(b)) {
		sock_free_file(a);
		return PTR_ERR(b);
	}
	err = ops->socketpair(a, b);
	if (err)
		goto free_both;
	fds[0] = fd_install(a->file, (int)(flags & SOCK_CLOEXEC));
	if (fds[0] < 0) {
		err = fds[0];
		goto free_both;
	}
	fds[1] = fd_install(b->file, (int)(flags & SOCK_CLOEXEC));
	if (fds[1] < 0) {
		fd_close(fds[0]);
		sock_free_file(b);
		return fds[1];
	}
	if (copy_to_user(usv, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
free_both:
	sock_free_file(a);
	sock_free_file(b);
	return err;
}
SYSCALL_REGISTER(socketpair, sys_socketpair);

/* ---- addresses ---- */

/* Linux's move_addr_to_kernel: 0 or -errno. */
int sock_addr_from_user(void *kaddr, uaddr_t uaddr, int len)
{
	if (len < 0 || len > SOCKADDR_STORAGE_SIZE)
		return -EINVAL;
	if (len == 0)
		return 0;
	return copy_from_user(kaddr, uaddr, (size_t)len) ? -EFAULT : 0;
}

/* Linux's move_addr_to_user: copies at most *ulen bytes of the klen-byte
 * address and stores klen at ulen. */
int sock_addr_to_user(const void *kaddr, int klen, uaddr_t uaddr, uaddr_t ulen)
{
	int len;

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (len > klen)
		len = klen;
	if (len && copy_to_user(uaddr, kaddr, (size_t)len))
		return -EFAULT;
	return put_user(klen, ulen) ? -EFAULT : 0;
}

static long sys_bind(int fd, uaddr_t uaddr, int len)
{
	char addr[SOCKADDR_STORAGE_SIZE];
	struct file *f;
	struct socket *s;
	int err = sock_addr_from_user(addr, uaddr, len);

	if (err)
		return err;
	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	err = s->ops->bind ? s->ops->bind(s, addr, len) : -EOPNOTSUPP;
	file_put(f);
	return err;
}
SYSCALL_REGISTER(bind, sys_bind);

static long sys_connect(int fd, uaddr_t uaddr, int len)
{
	char addr[SOCKADDR_STORAGE_SIZE];
	struct file *f;
	struct socket *s;
	int err = sock_addr_from_user(addr, uaddr, len);

	if (err)
		return err;
	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	err = s->ops->connect(s, addr, len, f->flags & O_NONBLOCK);
	file_put(f);
	return err;
}
SYSCALL_REGISTER(connect, sys_connect);

static long sys_listen(int fd, int backlog)
{
	struct file *f;
	struct socket *s;
	int err;

	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	if ((unsigned)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	err = s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
	file_put(f);
	return err;
}
SYSCALL_REGISTER(listen, sys_listen);

static long do_accept(int fd, uaddr_t uaddr, uaddr_t ulen, int flags)
{
	char addr[SOCKADDR_STORAGE_SIZE];
	struct socket *s, *ns;
	struct file *f;
	int err, len, newfd;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	ns = sock_alloc_file(s->ops, s->type, (unsigned)flags);
	if (IS_ERR(ns)) {
		file_put(f);
		return PTR_ERR(ns);
	}
	ns->protocol = s->protocol;
	err = s->ops->accept ? s->ops->accept(s, ns, f->flags & O_NONBLOCK) :
			       -EOPNOTSUPP;
	file_put(f);
	if (err)
		goto free;
	if (uaddr) {
		len = ns->ops->getname(ns, addr, true);
		err = len < 0 ? len : sock_addr_to_user(addr, len, uaddr, ulen);
		if (err)
			goto free;
	}
	newfd = fd_install(ns->file, flags & SOCK_CLOEXEC);
	if (newfd < 0) {
		err = newfd;
		goto free;
	}
	return newfd;
free:
	sock_free_file(ns);
	return err;
}

static long sys_accept4(int fd, uaddr_t uaddr, uaddr_t ulen, int flags)
{
	return do_accept(fd, uaddr, ulen, flags);
}
SYSCALL_REGISTER(accept4, sys_accept4);

static long sys_accept(int fd, uaddr_t uaddr, uaddr_t ulen)
{
	return do_accept(fd, uaddr, ulen, 0);
}
SYSCALL_REGISTER(accept, sys_accept);

static long get_name(int fd, uaddr_t uaddr, uaddr_t ulen, bool peer)
{
	char addr[SOCKADDR_STORAGE_SIZE];
	struct file *f;
	struct socket *s;
	int err, len;

	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	memset(addr, 0, sizeof(addr));
	len = s->ops->getname(s, addr, peer);
	file_put(f);
	if (len < 0)
		return len;
	return sock_addr_to_user(addr, len, uaddr, ulen);
}

static long sys_getsockname(int fd, uaddr_t uaddr, uaddr_t ulen)
{
	return get_name(fd, uaddr, ulen, false);
}
SYSCALL_REGISTER(getsockname, sys_getsockname);

static long sys_getpeername(int fd, uaddr_t uaddr, uaddr_t ulen)
{
	return get_name(fd, uaddr, ulen, true);
}
SYSCALL_REGISTER(getpeername, sys_getpeername);

static long sys_shutdown(int fd, int how)
{
	struct file *f;
	struct socket *s;
	int err;

	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	if (how < SHUT_RD || how > SHUT_RDWR)
		err = -EINVAL;
	else
		err = s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
	file_put(f);
	return err;
}
SYSCALL_REGISTER(shutdown, sys_shutdown);

/* ---- options (socket(7)) ---- */

static int set_timeout(uint64_t *timeo, const void *val, int len)
{
	struct linux_timeval tv;

	if (len < (int)sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if (tv.tv_sec < 0) {
		*timeo = 1; /* Linux: a negative time does not wait */
		return 0;
	}
	*timeo = (uint64_t)tv.tv_sec * 1000000000ull +
		 (uint64_t)tv.tv_usec * 1000ull;
	return 0;
}

/* Sets an int option. */
static int set_int_opt(struct socket *s, int name, int v)
{
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		return 0;
	case SO_KEEPALIVE:
		s->keepalive = v != 0;
		return 0;
	case SO_BROADCAST:
		s->broadcast = v != 0;
		return 0;
	case SO_DONTROUTE:
		s->dontroute = v != 0;
		return 0;
	case SO_OOBINLINE:
		s->oobinline = v != 0;
		return 0;
	case SO_PRIORITY:
		if ((v < 0 || v > 6) && !capable())
			return -EPERM;
		s->priority = v;
		return 0;
	case SO_PASSCRED:
		s->passcred = v != 0;
		return 0;
	case SO_SNDBUFFORCE:
	case SO_SNDBUF:
		if (name == SO_SNDBUFFORCE && !capable())
			return -EPERM;
		v = MIN((unsigned)v, (unsigned)SOCK_MAX_BUF);
		s->sndbuf = MAX(v * 2, SOCK_MIN_SNDBUF);
		return 0;
	case SO_RCVBUFFORCE:
	case SO_RCVBUF:
		if (name == SO_RCVBUFFORCE && !capable())
			return -EPERM;
		v = MIN((unsigned)v, (unsigned)SOCK_MAX_BUF);
		s->rcvbuf = MAX(v * 2, SOCK_MIN_RCVBUF);
		return 0;
	}
	return -ENOPROTOOPT;
}

static int set_opt(struct socket *s, int name, const void *val, int len)
{
	int v;

	switch (name) {
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		return set_timeout(&s->rcvtimeo_ns, val, len);
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		return set_timeout(&s->sndtimeo_ns, val, len);
	case SO_LINGER:
		if (len < (int)sizeof(s->linger))
			return -EINVAL;
		memcpy(&s->linger, val, sizeof(s->linger));
		return 0;
	}
	if (len < (int)sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	return set_int_opt(s, name, v);
}

static long sys_setsockopt(int fd, int level, int name, uaddr_t uval, int len)
{
	char val[32];
	struct file *f;
	struct socket *s;
	int err;

	if (len < 0)
		return -EINVAL;
	/* No option reads more than a timeval: as Linux, copy only that. */
	memset(val, 0, sizeof(val));
	if (copy_from_user(val, uval,
			   MIN((size_t)len, sizeof(struct linux_timeval))))
		return -EFAULT;
	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	if (level != SOL_SOCKET) {
		err = -EOPNOTSUPP;
	} else {
		err = set_opt(s, name, val, len);
		if (!err && s->ops->opt_changed)
			s->ops->opt_changed(s);
	}
	file_put(f);
	return err;
}
SYSCALL_REGISTER(setsockopt, sys_setsockopt);

static int get_timeout(uint64_t timeo, void *val)
{
	struct linux_timeval tv = { 0, 0 };

	if (timeo > 1) {
		tv.tv_sec = (int64_t)(timeo / 1000000000ull);
		tv.tv_usec = (int64_t)(timeo % 1000000000ull) / 1000;
	}
	memcpy(val, &tv, sizeof(tv));
	return sizeof(tv);
}

/* The generic SOL_SOCKET options: the value's length or -ENOPROTOOPT. */
static int get_opt(struct socket *s, int name, void *val)
{
	int v;

	switch (name) {
	case SO_TYPE:
		v = s->type;
		break;
	case SO_DOMAIN:
		v = s->family;
		break;
	case SO_PROTOCOL:
		v = s->protocol;
		break;
	case SO_REUSEADDR:
		v = s->reuseaddr;
		break;
	case SO_KEEPALIVE:
		v = s->keepalive;
		break;
	case SO_BROADCAST:
		v = s->broadcast;
		break;
	case SO_DONTROUTE:
		v = s->dontroute;
		break;
	case SO_OOBINLINE:
		v = s->oobinline;
		break;
	case SO_PRIORITY:
		v = s->priority;
		break;
	case SO_PASSCRED:
		v = s->passcred;
		break;
	case SO_SNDBUF:
		v = s->sndbuf;
		break;
	case SO_RCVBUF:
		v = s->rcvbuf;
		break;
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		v = 1;
		break;
	case SO_LINGER:
		memcpy(val, &s->linger, sizeof(s->linger));
		return sizeof(s->linger);
	case SO_RCVTIMEO_OLD:
	case SO_RCVTIMEO_NEW:
		return get_timeout(s->rcvtimeo_ns, val);
	case SO_SNDTIMEO_OLD:
	case SO_SNDTIMEO_NEW:
		return get_timeout(s->sndtimeo_ns, val);
	default:
		return -ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	return sizeof(v);
}

static long sys_getsockopt(int fd, int level, int name, uaddr_t uval,
			   uaddr_t ulen)
{
	char val[32];
	struct file *f;
	struct socket *s;
	int err, len, n;

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	s = sock_lookup(fd, &f, &err);
	if (!s)
		return err;
	memset(val, 0, sizeof(val));
	if (level != SOL_SOCKET)
		n = -EOPNOTSUPP;
	else if (!s->ops->getsockopt ||
		 (n = s->ops->getsockopt(s, name, val, len)) == -ENOPROTOOPT)
		n = get_opt(s, name, val);
	file_put(f);
	if (n < 0)
		return n;
	len = MIN(len, n);
	if (copy_to_user(uval, val, (size_t)len) || put_user(len, ulen))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(getsockopt, sys_getsockopt);
