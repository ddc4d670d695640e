/* SPDX-License-Identifier: MIT */
/*
 * Messages on sockets: sendto, recvfrom, sendmsg, recvmsg, sendmmsg,
 * recvmmsg, read/write/readv/writev on socket files, the iovec iterator
 * and control-message output (Linux's net/socket.c, net/core/scm.c).
 */
#include "mm/mm.h"
#include "vfs/socket.h"

#define MAX_RW_COUNT 0x7ffff000UL
#define OPTMEM_MAX 131072 /* net.core.optmem_max */

/* ---- the iterator ---- */

static int iter_copy(struct msg_iter *it, void *kbuf, size_t n, bool to_user)
{
	char *k = kbuf;

	while (n > 0 && it->idx < it->cnt) {
		struct linux_iovec *v = &it->iov[it->idx];
		size_t k_n = MIN(n, v->iov_len - it->off);
		uint64_t at = v->iov_base + it->off;
		int err = 0;

		if (it->kernel && to_user)
			memcpy((void *)at, k, k_n);
		else if (it->kernel)
			memcpy(k, (void *)at, k_n);
		else if (to_user)
			err = copy_to_user(at, k, k_n);
		else
			err = copy_from_user(k, at, k_n);
		if (err)
			return -EFAULT;
		k += k_n;
		n -= k_n;
		it->off += k_n;
		it->left -= k_n;
		if (it->off == v->iov_len) {
			it->idx++;
			it->off = 0;
		}
	}
	return 0;
}

int msg_iter_from(struct msg_iter *it, void *dst, size_t n)
{
	return iter_copy(it, dst, n, false);
}

int msg_iter_to(struct msg_iter *it, const void *src, size_t n)
{
	return iter_copy(it, (void *)src, n, true);
}

int sock_iter_init(struct msg_iter *it, struct linux_iovec *iov, int cnt)
{
	uint64_t total = 0;

	for (int i = 0; i < cnt; i++) {
		if ((int64_t)iov[i].iov_len < 0)
			return -EINVAL;
		if (!user_range_ok(iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
		/* Linux shortens the transfer to MAX_RW_COUNT. */
		iov[i].iov_len = MIN(iov[i].iov_len, MAX_RW_COUNT - total);
		total += iov[i].iov_len;
	}
	*it = (struct msg_iter){ iov, cnt, 0, 0, total, false };
	while (it->idx < cnt && !iov[it->idx].iov_len)
		it->idx++;
	return 0;
}

/* ---- control messages out (Linux's put_cmsg) ---- */

int sock_put_cmsg(struct sock_msg *m, int level, int type, const void *data,
		  size_t len)
{
	struct linux_cmsghdr h = { CMSG_LEN_K(len), level, type };
	size_t cmlen = h.cmsg_len;

	if (!m->uctl || m->uctl_len < sizeof(h)) {
		m->out_flags |= MSG_CTRUNC;
		return 0;
	}
	if (m->uctl_len < cmlen) {
		m->out_flags |= MSG_CTRUNC;
		cmlen = m->uctl_len;
	}
	h.cmsg_len = cmlen;
	if (copy_to_user(m->uctl, &h, sizeof(h)) ||
	    copy_to_user(m->uctl + sizeof(h), data, cmlen - sizeof(h)))
		return -EFAULT;
	cmlen = MIN(CMSG_SPACE_K(len), m->uctl_len);
	m->uctl += cmlen;
	m->uctl_len -= cmlen;
	return 0;
}

/* ---- decoding ---- */

/* The socket at fd with a file reference, or NULL with *err. */
static struct socket *msg_sock(int fd, struct file **fp, int *err)
{
	struct file *f = fd_get(fd);
	struct socket *s = f ? sock_from_file(f) : NULL;

	if (!s) {
		*err = f ? -ENOTSOCK : -EBADF;
		file_put(f);
		return NULL;
	}
	*fp = f;
	return s;
}

/* Copies in a user_msghdr and what it points to (the iovecs; for a send,
 * the name and control data). *iovp is the caller's to free, and m->ctl. */
static int msghdr_in(uaddr_t umsg, struct sock_msg *m,
		     struct linux_iovec **iovp, bool send,
		     struct linux_msghdr *h)
{
	struct linux_iovec *iov = NULL;
	int err;

	if (copy_from_user(h, umsg, sizeof(*h)))
		return -EFAULT;
	if (h->msg_iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	if (h->msg_namelen < 0)
		return -EINVAL;
	if (!h->msg_name)
		h->msg_namelen = 0;
	if (send) {
		m->namelen = MIN(h->msg_namelen, SOCKADDR_STORAGE_SIZE);
		err = sock_addr_from_user(m->name, h->msg_name, m->namelen);
		if (err)
			return err;
	}
	if (h->msg_iovlen) {
		iov = kmalloc(h->msg_iovlen * sizeof(*iov));
		if (!iov)
			return -ENOMEM;
		if (copy_from_user(iov, h->msg_iov,
				   h->msg_iovlen * sizeof(*iov))) {
			kfree(iov);
			return -EFAULT;
		}
	}
	*iovp = iov;
	err = sock_iter_init(&m->it, iov, (int)h->msg_iovlen);
	if (err)
		return err;
	if (!send) {
		m->uctl = h->msg_control;
		m->uctl_len = h->msg_controllen;
		return 0;
	}
	if (h->msg_controllen > INT32_MAX)
		return -ENOBUFS;
	if (!h->msg_controllen)
		return 0;
	if (h->msg_controllen > OPTMEM_MAX)
		return -ENOBUFS;
	m->ctl = kmalloc(h->msg_controllen);
	if (!m->ctl)
		return -ENOMEM;
	m->ctl_len = h->msg_controllen;
	if (copy_from_user(m->ctl, h->msg_control, m->ctl_len))
		return -EFAULT;
	return 0;
}

static bool nonblocking(struct file *f, unsigned flags)
{
	return (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

/* ---- send ---- */

static long do_sendmsg(struct socket *s, struct file *f, uaddr_t umsg,
		       unsigned flags)
{
	struct sock_msg *m = kzalloc(sizeof(*m));
	struct linux_iovec *iov = NULL;
	struct linux_msghdr h;
	long r;

	if (!m)
		return -ENOMEM;
	r = msghdr_in(umsg, m, &iov, true, &h);
	if (!r) {
		m->flags = flags;
		r = s->ops->sendmsg(s, m, nonblocking(f, flags));
	}
	kfree(m->ctl);
	kfree(iov);
	kfree(m);
	return r;
}

static long sys_sendmsg(int fd, uaddr_t umsg, unsigned flags)
{
	struct file *f;
	int err;
	struct socket *s = msg_sock(fd, &f, &err);
	long r;

	if (!s)
		return err;
	r = do_sendmsg(s, f, umsg, flags);
	file_put(f);
	return r;
}
SYSCALL_REGISTER(sendmsg, sys_sendmsg);

static long sys_sendto(int fd, uaddr_t buf, size_t len, unsigned flags,
		       uaddr_t uaddr, int alen)
{
	struct linux_iovec iov = { buf, MIN(len, MAX_RW_COUNT) };
	struct sock_msg *m;
	struct socket *s;
	struct file *f;
	int err;
	long r;

	if (!user_range_ok(buf, iov.iov_len))
		return -EFAULT;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->it = (struct msg_iter){ &iov, 1, 0, 0, iov.iov_len, false };
	m->flags = flags;
	r = 0;
	if (uaddr) {
		r = sock_addr_from_user(m->name, uaddr, alen);
		m->namelen = alen;
	}
	s = r ? NULL : msg_sock(fd, &f, &err);
	if (!r && !s)
		r = err;
	if (s) {
		r = s->ops->sendmsg(s, m, nonblocking(f, flags));
		file_put(f);
	}
	kfree(m);
	return r;
}
SYSCALL_REGISTER(sendto, sys_sendto);

/* ---- receive ---- */

/* Writes back a recvmsg's name, control length and flags. */
static int msghdr_out(uaddr_t umsg, const struct linux_msghdr *h,
		      const struct sock_msg *m)
{
	uint64_t ctl_used = h->msg_controllen - m->uctl_len;
	int err;

	if (h->msg_name) {
		err = sock_addr_to_user(m->name, m->namelen, h->msg_name,
					umsg + offsetof(struct linux_msghdr,
							msg_namelen));
		if (err)
			return err;
	}
	if (put_user(m->out_flags,
		     umsg + offsetof(struct linux_msghdr, msg_flags)))
		return -EFAULT;
	if (h->msg_control &&
	    put_user(ctl_used,
		     umsg + offsetof(struct linux_msghdr, msg_controllen)))
		return -EFAULT;
	return 0;
}

static long do_recvmsg(struct socket *s, struct file *f, uaddr_t umsg,
		       unsigned flags)
{
	struct sock_msg *m = kzalloc(sizeof(*m));
	struct linux_iovec *iov = NULL;
	struct linux_msghdr h;
	long r;
	int err;

	if (!m)
		return -ENOMEM;
	r = msghdr_in(umsg, m, &iov, false, &h);
	if (!r) {
		m->flags = flags;
		m->out_flags = flags & MSG_CMSG_CLOEXEC;
		r = s->ops->recvmsg(s, m, nonblocking(f, flags));
	}
	if (r >= 0) {
		err = msghdr_out(umsg, &h, m);
		if (err)
			r = err;
	}
	kfree(iov);
	kfree(m);
	return r;
}

static long sys_recvmsg(int fd, uaddr_t umsg, unsigned flags)
{
	struct file *f;
	int err;
	struct socket *s = msg_sock(fd, &f, &err);
	long r;

	if (!s)
		return err;
	r = do_recvmsg(s, f, umsg, flags);
	file_put(f);
	return r;
}
SYSCALL_REGISTER(recvmsg, sys_recvmsg);

static long sys_recvfrom(int fd, uaddr_t buf, size_t len, unsigned flags,
			 uaddr_t uaddr, uaddr_t ulen)
{
	struct linux_iovec iov = { buf, MIN(len, MAX_RW_COUNT) };
	struct sock_msg *m;
	struct socket *s;
	struct file *f;
	int err;
	long r;

	if (!user_range_ok(buf, iov.iov_len))
		return -EFAULT;
	s = msg_sock(fd, &f, &err);
	if (!s)
		return err;
	m = kzalloc(sizeof(*m));
	if (!m) {
		file_put(f);
		return -ENOMEM;
	}
	m->it = (struct msg_iter){ &iov, 1, 0, 0, iov.iov_len, false };
	m->flags = flags;
	r = s->ops->recvmsg(s, m, nonblocking(f, flags));
	file_put(f);
	if (r >= 0 && uaddr) {
		err = sock_addr_to_user(m->name, m->namelen, uaddr, ulen);
		if (err)
			r = err;
	}
	kfree(m);
	return r;
}
SYSCALL_REGISTER(recvfrom, sys_recvfrom);

/* sendmmsg(2): as many messages as go, each one's length in msg_len. */
static long sys_sendmmsg(int fd, uaddr_t uvec, unsigned vlen, unsigned flags)
{
	struct file *f;
	int err;
	struct socket *s = msg_sock(fd, &f, &err);
	unsigned done = 0;
	long r = 0;

	if (!s)
		return err;
	vlen = MIN(vlen, UIO_MAXIOV);
	for (; done < vlen; done++) {
		uaddr_t um = uvec + done * sizeof(struct linux_mmsghdr);

		r = do_sendmsg(s, f, um, flags);
		if (r < 0)
			break;
		if (put_user((uint32_t)r,
			     um + offsetof(struct linux_mmsghdr, msg_len))) {
			r = -EFAULT;
			break;
		}
	}
	file_put(f);
	return done ? (long)done : r;
}
SYSCALL_REGISTER(sendmmsg, sys_sendmmsg);

#define MSG_WAITFORONE 0x10000

/* recvmmsg's timeout (Linux checks it after each datagram): 0 (none),
 * the deadline, or -errno. */
static int64_t mmsg_deadline(uaddr_t utmo)
{
	struct linux_timespec ts;

	if (!utmo)
		return 0;
	if (copy_from_user(&ts, utmo, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	return (int64_t)(time_ns() + (uint64_t)ts.tv_sec * 1000000000ull +
			 (uint64_t)ts.tv_nsec);
}

/* recvmmsg(2): up to vlen messages; MSG_WAITFORONE stops waiting after
 * the first. An error after some messages is not reported. */
static long sys_recvmmsg(int fd, uaddr_t uvec, unsigned vlen, unsigned flags,
			 uaddr_t utmo)
{
	int64_t deadline = mmsg_deadline(utmo);
	struct file *f;
	struct socket *s;
	unsigned done = 0;
	long r = 0;
	int err;

	if (deadline < 0)
		return deadline;
	s = msg_sock(fd, &f, &err);
	if (!s)
		return err;
	vlen = MIN(vlen, UIO_MAXIOV);
	for (; done < vlen; done++) {
		uaddr_t um = uvec + done * sizeof(struct linux_mmsghdr);

		r = do_recvmsg(s, f, um, flags);
		if (r < 0)
			break;
		if (put_user((uint32_t)r,
			     um + offsetof(struct linux_mmsghdr, msg_len))) {
			r = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (deadline && time_ns() >= (uint64_t)deadline) {
			done++;
			break;
		}
	}
	file_put(f);
	if (utmo && done) {
		uint64_t now = time_ns(),
			 left = (uint64_t)deadline > now ?
					(uint64_t)deadline - now :
					0;
		struct linux_timespec ts = { (int64_t)(left / 1000000000ull),
					     (int64_t)(left % 1000000000ull) };

		if (copy_to_user(utmo, &ts, sizeof(ts)))
			return -EFAULT;
	}
	return done ? (long)done : r;
}
SYSCALL_REGISTER(recvmmsg, sys_recvmmsg);

/* ---- read(2) and write(2) on sockets ---- */

ssize_t sock_rw_iter(struct file *f, struct msg_iter *it, bool write)
{
	struct socket *s = sock_from_file(f);
	struct sock_msg m;

	/* On the stack: read and write are the hot path. */
	memset(&m, 0, offsetof(struct sock_msg, name));
	m.namelen = 0;
	m.ctl = NULL;
	m.ctl_len = 0;
	m.uctl = 0;
	m.uctl_len = 0;
	m.flags = m.out_flags = 0;
	m.it = *it;
	return write ? s->ops->sendmsg(s, &m, f->flags & O_NONBLOCK) :
		       s->ops->recvmsg(s, &m, f->flags & O_NONBLOCK);
}
