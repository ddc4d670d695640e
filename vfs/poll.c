/* SPDX-License-Identifier: MIT */
/* poll, ppoll, select and pselect6, on the files' poll operations. */
#include "vfs/vfs.h"

/* One wait-queue registration of a sleeping poller. */
struct poll_entry {
	struct waiter w;
	struct wait_queue *wq;
	struct poll_entry *next;
};

struct poll_wqueues {
	struct poll_table pt;
	struct poll_entry *entries;
	struct task *task;
	volatile bool triggered;
	int error;
};

static void pollwake(struct waiter *w)
{
	struct poll_wqueues *pwq = w->private;

	pwq->triggered = true;
	task_wake_state(pwq->task, TASK_INTERRUPTIBLE);
}

static void queue_poll(struct poll_table *pt, struct wait_queue *wq)
{
	struct poll_wqueues *pwq = container_of(pt, struct poll_wqueues, pt);
	struct poll_entry *e = kzalloc(sizeof(*e));
	bool irq;

	if (!e) {
		pwq->error = -ENOMEM;
		return;
	}
	waiter_init(&e->w);
	e->w.func = pollwake;
	e->w.private = pwq;
	e->wq = wq;
	e->next = pwq->entries;
	pwq->entries = e;
	irq = spin_lock_irqsave(&wq->lock);
	list_add_tail(&e->w.link, &wq->waiters);
	spin_unlock_irqrestore(&wq->lock, irq);
}

static void poll_cleanup(struct poll_wqueues *pwq)
{
	while (pwq->entries) {
		struct poll_entry *e = pwq->entries;
		bool irq = spin_lock_irqsave(&e->wq->lock);

		list_del(&e->w.link);
		spin_unlock_irqrestore(&e->wq->lock, irq);
		pwq->entries = e->next;
		kfree(e);
	}
}

/* What a file without a poll op reports: always ready (poll(2)). */
#define DEFAULT_MASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

static unsigned file_poll(int fd, struct poll_table *pt)
{
	struct file *f = fd_get(fd);
	unsigned mask;

	if (!f)
		return POLLNVAL;
	mask = f->ops && f->ops->poll ? f->ops->poll(f, pt) : DEFAULT_MASK;
	file_put(f);
	return mask;
}

/* The poll loop shared by all four calls: check(ctx, pt) looks at every
 * descriptor and returns how many are ready (or -errno). */
static int do_poll_loop(int (*check)(void *ctx, struct poll_table *pt),
			void *ctx, uint64_t deadline, bool no_wait)
{
	struct poll_wqueues pwq = { .pt = { queue_poll }, .task = current };
	struct poll_table *pt = no_wait ? NULL : &pwq.pt;
	int ret;

	for (;;) {
		ret = check(ctx, pt);
		pt = NULL; /* register on the wait queues only once */
		if (ret || no_wait || pwq.error)
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTNOHAND;
			break;
		}
		if (deadline && time_ns() >= deadline)
			break;
		current->state = TASK_INTERRUPTIBLE;
		if (!pwq.triggered && !signal_pending(current))
			schedule_deadline(deadline);
		current->state = TASK_RUNNING;
		pwq.triggered = false;
	}
	poll_cleanup(&pwq);
	return ret ? ret : pwq.error;
}

struct poll_ctx {
	struct linux_pollfd *fds;
	unsigned n;
};

static int poll_check(void *arg, struct poll_table *pt)
{
	struct poll_ctx *c = arg;
	int ready = 0;

	for (unsigned i = 0; i < c->n; i++) {
		struct linux_pollfd *p = &c->fds[i];
		unsigned mask;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		mask = file_poll(p->fd, pt);
		/* POLLERR, POLLHUP and POLLNVAL are reported unasked. */
		mask &= (unsigned)(uint16_t)p->events | POLLERR | POLLHUP |
			POLLNVAL;
		p->revents = (int16_t)mask;
		if (mask)
			ready++;
	}
	return ready;
}

static uint64_t deadline_from_ns(int64_t ns)
{
	uint64_t d;

	if (ns < 0)
		return 0;
	d = time_ns() + (uint64_t)ns;
	return d ? d : 1;
}

static long do_poll(uaddr_t ufds, unsigned n, int64_t timeout_ns)
{
	struct poll_ctx c = { NULL, n };
	long ret;

	if (n > current->proc->rlim[RLIMIT_NOFILE].rlim_cur)
		return -EINVAL;
	c.fds = kmalloc(MAX(n, 1u) * sizeof(*c.fds));
	if (!c.fds)
		return -ENOMEM;
	if (copy_from_user(c.fds, ufds, n * sizeof(*c.fds))) {
		kfree(c.fds);
		return -EFAULT;
	}
	ret = do_poll_loop(poll_check, &c, deadline_from_ns(timeout_ns),
			   timeout_ns == 0);
	if (ret >= 0 && copy_to_user(ufds, c.fds, n * sizeof(*c.fds)))
		ret = -EFAULT;
	kfree(c.fds);
	return ret;
}

static long sys_poll(uaddr_t ufds, unsigned n, int timeout_ms)
{
	return do_poll(ufds, n,
		       timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}
SYSCALL_REGISTER(poll, sys_poll);

/* ppoll and pselect6 swap the signal mask for the duration; a signal
 * that interrupts keeps the old mask until its handler has run. */
int poll_set_temp_mask(uaddr_t umask, size_t size)
{
	sigset_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	current->saved_blocked = current->blocked;
	current->restore_blocked = true;
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return 0;
}

void poll_end_temp_mask(long ret)
{
	if (current->restore_blocked && ret != -ERESTARTNOHAND) {
		current->blocked = current->saved_blocked;
		current->restore_blocked = false;
	}
}

static int64_t timeout_ns_from_ts(uaddr_t uts, int *err)
{
	struct linux_timespec ts;

	*err = 0;
	if (!uts)
		return -1;
	if (copy_from_user(&ts, uts, sizeof(ts))) {
		*err = -EFAULT;
		return 0;
	}
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) {
		*err = -EINVAL;
		return 0;
	}
	if (ts.tv_sec > INT64_MAX / (int64_t)NSEC_PER_SEC - 1)
		return -1;
	return ts.tv_sec * (int64_t)NSEC_PER_SEC + ts.tv_nsec;
}

static long sys_ppoll(uaddr_t ufds, unsigned n, uaddr_t uts, uaddr_t umask,
		      size_t size)
{
	int err;
	int64_t timeout = timeout_ns_from_ts(uts, &err);
	long ret;

	if (err)
		return err;
	err = poll_set_temp_mask(umask, size);
	if (err)
		return err;
	ret = do_poll(ufds, n, timeout);
	poll_end_temp_mask(ret);
	return ret;
}
SYSCALL_REGISTER(ppoll, sys_ppoll);

/* ---- select ---- */

struct select_ctx {
	int nfds;
	uint64_t *in[3];  /* read, write, except sets as given */
	uint64_t *out[3]; /* results */
	int bad;
};

#define SEL_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SEL_EX (POLLPRI)

static int select_check(void *arg, struct poll_table *pt)
{
	struct select_ctx *c = arg;
	static const unsigned want[3] = { SEL_IN, SEL_OUT, SEL_EX };
	int ready = 0;

	for (int fd = 0; fd < c->nfds; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		bool any = false;
		unsigned mask;

		for (int k = 0; k < 3; k++)
			any |= c->in[k] && (c->in[k][fd / 64] & bit);
		if (!any)
			continue;
		mask = file_poll(fd, pt);
		if (mask & POLLNVAL) {
			c->bad = -EBADF;
			return -EBADF;
		}
		for (int k = 0; k < 3; k++) {
			if (c->in[k] && (c->in[k][fd / 64] & bit) &&
			    (mask & want[k])) {
				c->out[k][fd / 64] |= bit;
				ready++;
			}
		}
	}
	return ready;
}

static long do_select(int nfds, uaddr_t ufds[3], int64_t timeout_ns)
{
	struct select_ctx c = { .nfds = nfds };
	size_t bytes = ALIGN_UP((size_t)nfds, 64) / 8;
	long ret = -ENOMEM;

	if (nfds < 0)
		return -EINVAL;
	if ((uint64_t)nfds > current->proc->rlim[RLIMIT_NOFILE].rlim_cur)
		nfds = c.nfds =
			(int)current->proc->rlim[RLIMIT_NOFILE].rlim_cur;
	for (int k = 0; k < 3; k++) {
		if (!ufds[k])
			continue;
		c.in[k] = kzalloc(bytes + 8);
		c.out[k] = kzalloc(bytes + 8);
		if (!c.in[k] || !c.out[k])
			goto out;
		/* The kernel reads exactly the bytes nfds bits need. */
		if (copy_from_user(c.in[k], ufds[k], ALIGN_UP(nfds, 8) / 8)) {
			ret = -EFAULT;
			goto out;
		}
	}
	ret = do_poll_loop(select_check, &c, deadline_from_ns(timeout_ns),
			   timeout_ns == 0);
	for (int k = 0; k < 3 && ret >= 0; k++)
		if (ufds[k] &&
		    copy_to_user(ufds[k], c.out[k], ALIGN_UP(nfds, 8) / 8))
			ret = -EFAULT;
out:
	for (int k = 0; k < 3; k++) {
		kfree(c.in[k]);
		kfree(c.out[k]);
	}
	return ret;
}

static long sys_select(int nfds, uaddr_t r, uaddr_t w, uaddr_t e, uaddr_t utv)
{
	struct linux_timeval tv;
	uaddr_t sets[3] = { r, w, e };
	int64_t timeout = -1;
	uint64_t start = time_ns();
	long ret;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EINVAL;
		timeout = tv.tv_sec * (int64_t)NSEC_PER_SEC + tv.tv_usec * 1000;
	}
	ret = do_select(nfds, sets, timeout);
	/* Linux updates the timeval with the time not slept. */
	if (utv && timeout > 0) {
		int64_t left = timeout - (int64_t)(time_ns() - start);
		if (left < 0)
			left = 0;
		tv.tv_sec = left / (int64_t)NSEC_PER_SEC;
		tv.tv_usec = left % (int64_t)NSEC_PER_SEC / 1000;
		copy_to_user(utv, &tv, sizeof(tv));
	}
	return ret;
}
SYSCALL_REGISTER(select, sys_select);

static long sys_pselect6(int nfds, uaddr_t r, uaddr_t w, uaddr_t e, uaddr_t uts,
			 uaddr_t usig)
{
	uaddr_t sets[3] = { r, w, e };
	struct {
		uint64_t ss;
		uint64_t len;
	} sig = { 0, 0 };
	int err;
	int64_t timeout = timeout_ns_from_ts(uts, &err);
	long ret;

	if (err)
		return err;
	if (usig && copy_from_user(&sig, usig, sizeof(sig)))
		return -EFAULT;
	err = poll_set_temp_mask(sig.ss, sig.len);
	if (err)
		return err;
	ret = do_select(nfds, sets, timeout);
	poll_end_temp_mask(ret);
	return ret;
}
SYSCALL_REGISTER(pselect6, sys_pselect6);
