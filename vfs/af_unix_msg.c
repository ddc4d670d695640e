/* SPDX-License-Identifier: MIT */
/*
 * AF_UNIX messages: byte streams (SOCK_STREAM) and datagrams (SOCK_DGRAM,
 * SOCK_SEQPACKET) queued as buffers on the receiver, with send-buffer
 * accounting, blocking, peeking and truncation as Linux's af_unix.c.
 */
#include "mm/mm.h"
#include "vfs/af_unix.h"

static struct unix_skb *skb_alloc(size_t len)
{
	struct unix_skb *skb = kmalloc(sizeof(*skb) + len);

	if (!skb)
		return NULL;
	memset(skb, 0, sizeof(*skb)); /* the data is written over */
	skb->len = len;
	return skb;
}

static void skb_free(struct unix_skb *skb)
{
	unix_scm_destroy(&skb->scm);
	unix_addr_put(skb->addr);
	unix_sock_put(skb->sender);
	kfree(skb);
}

void unix_skb_free_list(struct list_head *list)
{
	struct unix_skb *skb, *tmp;

	list_for_each_entry_safe(skb, tmp, list, link)
	{
		list_del(&skb->link);
		skb_free(skb);
	}
}

/* Queues skb from u on other; unix_mutex held. */
static void skb_queue(struct unix_sock *u, struct unix_sock *other,
		      struct unix_skb *skb)
{
	skb->truesize = skb->len + UNIX_SKB_OVERHEAD;
	unix_sock_get(u);
	skb->sender = u;
	u->wmem += skb->truesize;
	if (u->addr) {
		skb->addr = u->addr;
		__atomic_add_fetch(&u->addr->refcount, 1, __ATOMIC_RELAXED);
	}
	list_add_tail(&skb->link, &other->rxq);
	other->rx_bytes += skb->len;
	other->rx_count++;
}

/* Takes skb off u's queue, giving its sender the room back; unix_mutex
 * held. The caller frees it after unlocking. */
static void skb_unlink(struct unix_sock *u, struct unix_skb *skb)
{
	struct unix_sock *s = skb->sender;
	bool was_full = (s->wmem << 2) > (size_t)s->sndbuf;

	list_del(&skb->link);
	u->rx_bytes -= skb->len;
	u->rx_count--;
	s->wmem -= skb->truesize;
	/* Only a sender that was not writable can be waiting for this (a
	 * reader sleeping on the same queue would wake for nothing). */
	if (was_full)
		wake_up(&s->wq);
	if (u->type != SOCK_STREAM) /* datagram senders wait for room */
		wake_up(&u->wq);
}

/* Empties u's queue into list; unix_mutex held. */
void unix_rxq_drain(struct unix_sock *u, struct list_head *list)
{
	while (!list_empty(&u->rxq)) {
		struct unix_skb *skb =
			list_first_entry(&u->rxq, struct unix_skb, link);

		skb_unlink(u, skb);
		list_add_tail(&skb->link, list);
	}
}

static bool wmem_ready(struct unix_sock *u)
{
	return READ_ONCE(u->wmem) < (size_t)READ_ONCE(u->sndbuf) ||
	       (READ_ONCE(u->shutdown) & SEND_SHUTDOWN) || READ_ONCE(u->err);
}

/* Waits for send-buffer room (Linux's sock_alloc_send_pskb): 0, -EPIPE
 * after shutdown, a pending error, -EAGAIN or a signal's errno. */
static int wait_wmem(struct socket *s, bool nb, uint64_t deadline)
{
	struct unix_sock *u = unix_sk(s);
	int err;

	/* The common case without the lock; the sender rechecks the peer
	 * under it when queueing. */
	if (!READ_ONCE(u->err) && !(READ_ONCE(u->shutdown) & SEND_SHUTDOWN) &&
	    READ_ONCE(u->wmem) < (size_t)READ_ONCE(u->sndbuf))
		return 0;
	for (;;) {
		mutex_lock(&unix_mutex);
		if (u->err) {
			err = -u->err;
			u->err = 0;
		} else if (u->shutdown & SEND_SHUTDOWN) {
			err = -EPIPE;
		} else if (u->wmem < (size_t)u->sndbuf) {
			err = 0;
		} else {
			err = -EAGAIN;
		}
		mutex_unlock(&unix_mutex);
		if (err != -EAGAIN || nb)
			return err;
		err = wait_event_interruptible_deadline(&u->wq, wmem_ready(u),
							deadline);
		if (err)
			return sock_wait_errno(err, s->sndtimeo_ns);
	}
}

/* A buffer of size bytes from the message, or ERR_PTR. */
static struct unix_skb *skb_from_msg(struct sock_msg *m, size_t size)
{
	struct unix_skb *skb = skb_alloc(size);

	if (!skb)
		return ERR_PTR(-ENOMEM);
	if (msg_iter_from(&m->it, skb->data, size)) {
		kfree(skb);
		return ERR_PTR(-EFAULT);
	}
	return skb;
}

/* ---- streams ---- */

/* Linux sends at most sndbuf / 2 - 64 bytes per buffer; ours also stay
 * within 64 KiB so that no large physically contiguous block is needed. */
static size_t stream_chunk(const struct unix_sock *u)
{
	return MIN((size_t)(u->sndbuf / 2 - 64),
		   (size_t)65536 - sizeof(struct unix_skb));
}

/* Sends one buffer of a stream write: 0, or -EPIPE if the peer is gone. */
static int stream_send_one(struct unix_sock *u, struct unix_skb *skb)
{
	struct unix_sock *other;

	mutex_lock(&unix_mutex);
	other = u->peer;
	if (!other || other->dead || (other->shutdown & RCV_SHUTDOWN)) {
		mutex_unlock(&unix_mutex);
		return -EPIPE;
	}
	skb_queue(u, other, skb);
	mutex_unlock(&unix_mutex);
	wake_up(&other->wq);
	return 0;
}

ssize_t unix_stream_sendmsg(struct socket *s, struct sock_msg *m, bool nb)
{
	struct unix_sock *u = unix_sk(s);
	uint64_t deadline = sock_deadline(s->sndtimeo_ns);
	size_t len = m->it.left, sent = 0;
	struct unix_scm scm;
	int err = unix_scm_send(m, &scm);
	bool sigpipe = false; /* SIGPIPE-worthy (Linux's pipe_err) */

	if (err)
		return err;
	if (m->flags & MSG_OOB)
		err = -EOPNOTSUPP;
	else if (m->namelen)
		err = READ_ONCE(u->state) == US_ESTABLISHED ? -EISCONN :
							      -EOPNOTSUPP;
	else if (!READ_ONCE(u->peer))
		err = -ENOTCONN;
	else if (READ_ONCE(u->shutdown) & SEND_SHUTDOWN)
		sigpipe = true;
	if (sigpipe)
		err = -EPIPE;
	while (!err && sent < len) {
		size_t size = MIN(len - sent, stream_chunk(u));
		struct unix_skb *skb;

		err = wait_wmem(s, nb, deadline);
		if (err)
			break;
		skb = skb_from_msg(m, size);
		if (IS_ERR(skb)) {
			err = PTR_ERR(skb);
			break;
		}
		skb->scm = scm; /* the fds go with the first buffer */
		scm.nfds = 0;
		scm.fds = NULL;
		err = stream_send_one(u, skb);
		if (err) {
			sigpipe = true;
			scm = skb->scm;
			skb->scm.nfds = 0;
			skb->scm.fds = NULL;
			kfree(skb);
			break;
		}
		sent += size;
	}
	unix_scm_destroy(&scm);
	/* EPIPE from waiting for room (shut down meanwhile) sends none. */
	if (sigpipe && !sent && !(m->flags & MSG_NOSIGNAL))
		signal_send_task(current, SIGPIPE, NULL);
	return sent ? (ssize_t)sent : err;
}

static bool stream_readable(struct unix_sock *u)
{
	return !list_empty(&u->rxq) || READ_ONCE(u->err) ||
	       (READ_ONCE(u->shutdown) & RCV_SHUTDOWN);
}

static bool same_cred(const struct linux_ucred *a, const struct linux_ucred *b)
{
	return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

/* State of one stream read, carried across buffers. */
struct stream_read {
	size_t copied, target;
	bool check_creds;
	struct unix_scm scm;   /* creds of the data, fds taken */
	struct unix_skb *last; /* MSG_PEEK: the buffer peeked last */
	struct list_head done; /* buffers to free */
};

/* Copies from one buffer; true if the read must stop after it. */
static bool stream_take(struct unix_sock *u, struct unix_skb *skb,
			struct sock_msg *m, struct stream_read *r, int *err)
{
	bool peek = m->flags & MSG_PEEK;
	size_t chunk = MIN(skb->len - skb->off, m->it.left);

	if (!r->copied && skb->addr) {
		memcpy(m->name, &skb->addr->sun, (size_t)skb->addr->len);
		m->namelen = skb->addr->len;
	}
	if (msg_iter_to(&m->it, skb->data + skb->off, chunk)) {
		*err = -EFAULT;
		return true;
	}
	r->copied += chunk;
	if (peek) {
		r->last = skb;
		if (!skb->scm.nfds)
			return false;
		r->scm.fds = kmalloc(skb->scm.nfds * sizeof(struct file *));
		if (r->scm.fds) {
			r->scm.nfds = skb->scm.nfds;
			for (int i = 0; i < skb->scm.nfds; i++)
				r->scm.fds[i] = file_get(skb->scm.fds[i]);
		}
		return true;
	}
	skb->off += chunk;
	if (skb->scm.nfds) {
		r->scm.nfds = skb->scm.nfds;
		r->scm.fds = skb->scm.fds;
		skb->scm.nfds = 0;
		skb->scm.fds = NULL;
	}
	if (skb->off < skb->len)
		return true;
	skb_unlink(u, skb);
	list_add_tail(&skb->link, &r->done);
	return r->scm.nfds != 0;
}

/* The next buffer to read; unix_mutex held. */
static struct unix_skb *stream_next(struct unix_sock *u, struct stream_read *r,
				    bool peek)
{
	struct list_head *n = peek && r->last ? r->last->link.next :
						u->rxq.next;

	return n == &u->rxq ? NULL : list_entry(n, struct unix_skb, link);
}

/* No buffer to read: 1 to stop, 0 after waiting, or -errno. */
static int stream_wait(struct socket *s, struct stream_read *r, bool nb,
		       bool peek, uint64_t deadline)
{
	struct unix_sock *u = unix_sk(s);
	int err;

	if (r->copied >= r->target || (peek && r->last))
		return 1;
	if (u->err) {
		err = -u->err;
		u->err = 0;
		return err;
	}
	if (u->shutdown & RCV_SHUTDOWN)
		return 1;
	if (nb)
		return -EAGAIN;
	mutex_unlock(&unix_mutex);
	err = wait_event_interruptible_deadline(&u->wq, stream_readable(u),
						deadline);
	mutex_lock(&unix_mutex);
	return err ? sock_wait_errno(err, s->rcvtimeo_ns) : 0;
}

ssize_t unix_stream_recvmsg(struct socket *s, struct sock_msg *m, bool nb)
{
	struct unix_sock *u = unix_sk(s);
	uint64_t deadline = sock_deadline(s->rcvtimeo_ns);
	bool peek = m->flags & MSG_PEEK;
	struct stream_read r = { 0 };
	struct unix_skb *skb;
	int err = 0, w;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (READ_ONCE(u->state) != US_ESTABLISHED)
		return -EINVAL;
	r.target = (m->flags & MSG_WAITALL) ? m->it.left : 1;
	r.target = r.target ? r.target : 1;
	list_init(&r.done);
	mutex_lock(&unix_mutex);
	while (m->it.left || !r.copied) {
		skb = stream_next(u, &r, peek);
		if (!skb) {
			w = stream_wait(s, &r, nb, peek, deadline);
			if (w < 0)
				err = w;
			if (w)
				break;
			continue;
		}
		if (r.check_creds && !same_cred(&r.scm.cred, &skb->scm.cred))
			break;
		if (!r.check_creds && s->passcred) {
			r.scm.cred = skb->scm.cred;
			r.check_creds = true;
		}
		if (stream_take(u, skb, m, &r, &err) || !m->it.left)
			break;
	}
	mutex_unlock(&unix_mutex);
	unix_skb_free_list(&r.done);
	if (r.copied || r.scm.nfds)
		unix_scm_recv(m, &r.scm, s->passcred);
	else
		unix_scm_destroy(&r.scm);
	return r.copied ? (ssize_t)r.copied : err;
}

/* ---- datagrams and sequenced packets ---- */

static bool dgram_room(struct unix_sock *u, struct unix_sock *other)
{
	return READ_ONCE(other->rx_count) <= UNIX_MAX_DGRAM_QLEN ||
	       READ_ONCE(other->dead) || READ_ONCE(other->peer) == u;
}

/* The receiver of a datagram: the named socket or the peer. */
static struct unix_sock *dgram_target(struct unix_sock *u, struct sock_msg *m)
{
	struct unix_sock *other;

	if (m->namelen)
		return unix_find((void *)m->name, m->namelen, u->type);
	mutex_lock(&unix_mutex);
	other = u->peer;
	if (other)
		unix_sock_get(other);
	mutex_unlock(&unix_mutex);
	return other ? other : ERR_PTR(-ENOTCONN);
}

/* One try at queueing skb on other: 0, 1 to look the name up again,
 * -EAGAIN when its queue is full, or -errno. unix_mutex held. */
static int dgram_try(struct unix_sock *u, struct unix_sock *other,
		     struct unix_skb *skb, struct unix_sock **drop)
{
	if (other->peer && other->peer != u)
		return -EPERM;
	if (other->dead) {
		if (u->type == SOCK_SEQPACKET)
			return -EPIPE;
		if (u->peer != other)
			return 1;
		*drop = other; /* the peer's reference */
		list_del(&u->conn_link);
		list_init(&u->conn_link);
		u->peer = NULL;
		u->state = US_CLOSE;
		return -ECONNREFUSED;
	}
	if (other->shutdown & RCV_SHUTDOWN)
		return -EPIPE;
	if (other->peer != u && other->rx_count > UNIX_MAX_DGRAM_QLEN)
		return -EAGAIN;
	skb_queue(u, other, skb);
	return 0;
}

/* Delivers skb (owned until it is queued) to its receiver. */
static int dgram_deliver(struct socket *s, struct sock_msg *m,
			 struct unix_skb *skb, bool nb, uint64_t deadline)
{
	struct unix_sock *u = unix_sk(s), *other = NULL, *drop = NULL;
	int err;

	for (;;) {
		if (!other) {
			other = dgram_target(u, m);
			if (IS_ERR(other))
				return PTR_ERR(other);
		}
		mutex_lock(&unix_mutex);
		err = dgram_try(u, other, skb, &drop);
		mutex_unlock(&unix_mutex);
		unix_sock_put(drop);
		drop = NULL;
		if (err == 1) {
			unix_sock_put(other);
			other = NULL;
			continue;
		}
		if (err != -EAGAIN || nb)
			break;
		err = wait_event_interruptible_deadline(
			&other->wq, dgram_room(u, other), deadline);
		if (err) {
			err = sock_wait_errno(err, s->sndtimeo_ns);
			break;
		}
	}
	if (!err)
		wake_up(&other->wq);
	unix_sock_put(other);
	return err;
}

ssize_t unix_dgram_sendmsg(struct socket *s, struct sock_msg *m, bool nb)
{
	struct unix_sock *u = unix_sk(s);
	uint64_t deadline = sock_deadline(s->sndtimeo_ns);
	size_t len = m->it.left;
	struct unix_skb *skb;
	struct unix_scm scm;
	int err;

	if (s->type == SOCK_SEQPACKET) {
		if (READ_ONCE(u->state) != US_ESTABLISHED)
			return -ENOTCONN;
		m->namelen = 0;
	}
	err = unix_scm_send(m, &scm);
	if (err)
		return err;
	if (m->flags & MSG_OOB)
		err = -EOPNOTSUPP;
	else if (m->namelen)
		err = unix_validate_addr(m->name, m->namelen);
	else if (!READ_ONCE(u->peer))
		err = -ENOTCONN;
	if (!err && s->passcred) {
		mutex_lock(&unix_mutex);
		err = unix_autobind_locked(u);
		mutex_unlock(&unix_mutex);
	}
	if (!err && len > (size_t)u->sndbuf - 32)
		err = -EMSGSIZE;
	if (!err)
		err = wait_wmem(s, nb, deadline);
	skb = err ? NULL : skb_from_msg(m, len);
	if (IS_ERR(skb))
		err = PTR_ERR(skb);
	if (err) {
		unix_scm_destroy(&scm);
		return err;
	}
	skb->scm = scm;
	err = dgram_deliver(s, m, skb, nb, deadline);
	if (err) {
		skb_free(skb);
		return err;
	}
	return (ssize_t)len;
}

static bool dgram_readable(struct unix_sock *u)
{
	return !list_empty(&u->rxq) || READ_ONCE(u->err) ||
	       (READ_ONCE(u->shutdown) & RCV_SHUTDOWN);
}

/* The next datagram (unlinked unless MSG_PEEK), or ERR_PTR; NULL at
 * end of file. Takes unix_mutex; holds it on success. */
static struct unix_skb *dgram_next(struct socket *s, bool nb, bool peek)
{
	struct unix_sock *u = unix_sk(s);
	uint64_t deadline = sock_deadline(s->rcvtimeo_ns);
	struct unix_skb *skb;
	int err;

	for (;;) {
		mutex_lock(&unix_mutex);
		if (u->err) {
			err = -u->err;
			u->err = 0;
			break;
		}
		if (!list_empty(&u->rxq)) {
			skb = list_first_entry(&u->rxq, struct unix_skb, link);
			if (!peek) {
				skb_unlink(u, skb);
				unix_wake_senders(u);
			}
			return skb;
		}
		err = (u->shutdown & RCV_SHUTDOWN) && !nb ? 0 : -EAGAIN;
		if (err == -EAGAIN && u->type == SOCK_SEQPACKET &&
		    (u->shutdown & RCV_SHUTDOWN))
			err = 0;
		if (err != -EAGAIN || nb)
			break;
		mutex_unlock(&unix_mutex);
		err = wait_event_interruptible_deadline(
			&u->wq, dgram_readable(u), deadline);
		if (err)
			return ERR_PTR(sock_wait_errno(err, s->rcvtimeo_ns));
	}
	mutex_unlock(&unix_mutex);
	return err ? ERR_PTR(err) : NULL;
}

/* Takes the datagram's fds (or copies of them, when peeking). */
static void dgram_scm(struct unix_skb *skb, struct unix_scm *scm, bool peek)
{
	scm->cred = skb->scm.cred;
	if (!skb->scm.nfds)
		return;
	if (!peek) {
		scm->nfds = skb->scm.nfds;
		scm->fds = skb->scm.fds;
		skb->scm.nfds = 0;
		skb->scm.fds = NULL;
		return;
	}
	scm->fds = kmalloc(skb->scm.nfds * sizeof(struct file *));
	if (!scm->fds)
		return;
	scm->nfds = skb->scm.nfds;
	for (int i = 0; i < scm->nfds; i++)
		scm->fds[i] = file_get(skb->scm.fds[i]);
}

ssize_t unix_dgram_recvmsg(struct socket *s, struct sock_msg *m, bool nb)
{
	struct unix_sock *u = unix_sk(s);
	bool peek = m->flags & MSG_PEEK;
	struct unix_scm scm = { 0 };
	struct unix_skb *skb;
	size_t size = m->it.left;
	ssize_t r;

	if (m->flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (s->type == SOCK_SEQPACKET && READ_ONCE(u->state) != US_ESTABLISHED)
		return -ENOTCONN;
	skb = dgram_next(s, nb, peek);
	if (IS_ERR_OR_NULL(skb))
		return skb ? PTR_ERR(skb) : 0;
	if (skb->addr) {
		memcpy(m->name, &skb->addr->sun, (size_t)skb->addr->len);
		m->namelen = skb->addr->len;
	}
	if (size > skb->len)
		size = skb->len;
	else if (size < skb->len)
		m->out_flags |= MSG_TRUNC;
	r = (m->flags & MSG_TRUNC) ? (ssize_t)skb->len : (ssize_t)size;
	if (msg_iter_to(&m->it, skb->data, size))
		r = -EFAULT;
	else
		dgram_scm(skb, &scm, peek);
	mutex_unlock(&unix_mutex);
	if (!peek)
		skb_free(skb);
	if (r >= 0)
		unix_scm_recv(m, &scm, s->passcred);
	return r;
}
