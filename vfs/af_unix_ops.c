/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX readiness (Linux's unix_poll and unix_dgram_poll), ioctls, the
 * options the family answers, and its proto_ops table.
 */
#include "mm/mm.h"
#include "vfs/af_unix.h"
#include "vfs/procfs.h"

/* ---- readiness (Linux's unix_poll and unix_dgram_poll) ---- */

static bool writable(const struct unix_sock *u)
{
	return u->state != US_LISTEN && (u->wmem << 2) <= (size_t)u->sndbuf;
}

static unsigned stream_poll(struct unix_sock *u)
{
	unsigned mask = 0;

	if (u->err)
		mask |= POLLERR;
	if (u->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (u->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (!list_empty(&u->rxq) || !list_empty(&u->acceptq))
		mask |= POLLIN | POLLRDNORM;
	if (u->state == US_CLOSE)
		mask |= POLLHUP;
	if (writable(u))
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return mask;
}

static unsigned dgram_poll(struct unix_sock *u)
{
	struct unix_sock *other = u->peer;
	unsigned mask = 0;

	if (u->err)
		mask |= POLLERR;
	if (u->shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (!list_empty(&u->rxq))
		mask |= POLLIN | POLLRDNORM;
	if (u->type == SOCK_SEQPACKET && u->state == US_CLOSE)
		mask |= POLLHUP;
	if (!writable(u))
		return mask;
	if (other && other->peer != u && other->rx_count > UNIX_MAX_DGRAM_QLEN)
		return mask;
	return mask | POLLOUT | POLLWRNORM | POLLWRBAND;
}

static unsigned unix_poll(struct socket *s, struct poll_table *pt)
{
	struct unix_sock *u = unix_sk(s);
	unsigned mask;

	poll_wait(pt, &u->wq);
	mutex_lock(&unix_mutex);
	mask = s->type == SOCK_STREAM ? stream_poll(u) : dgram_poll(u);
	mutex_unlock(&unix_mutex);
	return mask;
}

/* ---- ioctl and options ---- */

static long unix_ioctl(struct socket *s, unsigned cmd, uaddr_t arg)
{
	struct unix_sock *u = unix_sk(s);
	struct unix_skb *skb;
	long n = 0;

	if (cmd != SIOCINQ && cmd != SIOCOUTQ)
		return -ENOTTY;
	mutex_lock(&unix_mutex);
	if (cmd == SIOCOUTQ) {
		n = (long)u->wmem;
	} else if (u->state == US_LISTEN) {
		n = -EINVAL;
	} else if (u->type == SOCK_DGRAM) {
		if (!list_empty(&u->rxq))
			n = (long)list_first_entry(&u->rxq, struct unix_skb,
						   link)
				    ->len;
	} else {
		list_for_each_entry(skb, &u->rxq, link)
			n += (long)(skb->len - skb->off);
	}
	mutex_unlock(&unix_mutex);
	if (n < 0)
		return n;
	return put_user((int)n, arg) ? -EFAULT : 0;
}

static int unix_getsockopt(struct socket *s, int name, void *val, int len)
{
	struct unix_sock *u = unix_sk(s);
	int v;

	(void)len;
	mutex_lock(&unix_mutex);
	switch (name) {
	case SO_PEERCRED:
		memcpy(val, &u->peercred, sizeof(u->peercred));
		mutex_unlock(&unix_mutex);
		return sizeof(u->peercred);
	case SO_ERROR:
		v = u->err;
		u->err = 0;
		break;
	case SO_ACCEPTCONN:
		v = u->state == US_LISTEN;
		break;
	default:
		mutex_unlock(&unix_mutex);
		return -ENOPROTOOPT;
	}
	mutex_unlock(&unix_mutex);
	memcpy(val, &v, sizeof(v));
	return sizeof(v);
}

static void unix_opt_changed(struct socket *s)
{
	struct unix_sock *u = unix_sk(s);

	mutex_lock(&unix_mutex);
	u->passcred = s->passcred;
	u->sndbuf = s->sndbuf;
	mutex_unlock(&unix_mutex);
	wake_up(&u->wq);
}

static ssize_t unix_sendmsg(struct socket *s, struct sock_msg *m, bool nb)
{
	if (s->type == SOCK_STREAM)
		return unix_stream_sendmsg(s, m, nb);
	return unix_dgram_sendmsg(s, m, nb);
}

static ssize_t unix_recvmsg(struct socket *s, struct sock_msg *m, bool nb)
{
	if (s->type == SOCK_STREAM)
		return unix_stream_recvmsg(s, m, nb);
	return unix_dgram_recvmsg(s, m, nb);
}

const struct proto_ops unix_ops = {
	.family = AF_UNIX,
	.create = unix_create,
	.release = unix_release,
	.bind = unix_bind,
	.connect = unix_connect,
	.socketpair = unix_socketpair,
	.accept = unix_accept,
	.getname = unix_getname,
	.poll = unix_poll,
	.ioctl = unix_ioctl,
	.listen = unix_listen,
	.shutdown = unix_shutdown,
	.sendmsg = unix_sendmsg,
	.recvmsg = unix_recvmsg,
	.getsockopt = unix_getsockopt,
	.opt_changed = unix_opt_changed,
};

/* ---- /proc/net/unix (Linux's unix_seq_show) ---- */

#define SO_ACCEPTCON_FLAG (1 << 16)
enum { SS_UNCONNECTED = 1, SS_CONNECTING, SS_CONNECTED, SS_DISCONNECTING };

static void show_name(struct proc_buf *b, const struct unix_addr *a)
{
	int i = 0,
	    len = a->len - (int)offsetof(struct linux_sockaddr_un, sun_path);
	const char *p = a->sun.sun_path;

	proc_printf(b, " ");
	if (p[0]) {
		len--;
	} else {
		proc_printf(b, "@");
		i++;
	}
	for (; i < len; i++)
		proc_printf(b, "%c", p[i] ? p[i] : '@');
}

int unix_proc_show(const struct proc_ctx *c, struct proc_buf *b)
{
	struct unix_sock *u;
	int st;

	(void)c;
	proc_printf(b, "Num       RefCount Protocol Flags    Type St Inode "
		       "Path\n");
	mutex_lock(&unix_mutex);
	list_for_each_entry(u, &unix_all, all_link)
	{
		if (u->sock)
			st = u->state == US_ESTABLISHED ? SS_CONNECTED :
							  SS_UNCONNECTED;
		else
			st = u->state == US_ESTABLISHED ? SS_CONNECTING :
							  SS_DISCONNECTING;
		proc_printf(b, "%016x: %08X %08X %08X %04X %02X %5llu", 0,
			    u->refcount, 0,
			    u->state == US_LISTEN ? SO_ACCEPTCON_FLAG : 0,
			    u->type, st, (unsigned long long)u->ino);
		if (u->addr)
			show_name(b, u->addr);
		proc_printf(b, "\n");
	}
	mutex_unlock(&unix_mutex);
	return 0;
}
