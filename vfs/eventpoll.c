/* SPDX-License-Identifier: MIT */
/*
 * epoll(7): an interest list of (file, fd) pairs and a ready list fed by
 * callbacks on the files' wait queues, so epoll_wait costs what is ready,
 * not what is watched. Level-triggered items go back on the ready list
 * after being reported; EPOLLET and EPOLLONESHOT ones do not.
 *
 * Locks, outermost first: epmutex (closing a watched file or an epoll
 * file), ep->mtx (the interest list; held while epoll_wait looks at
 * files), then ep->lock (the ready list; taken by wake-up callbacks in
 * any context, under the woken queue's lock).
 */
#include "kernel/uapi/fcntl.h"
#include "vfs/vfs.h"

#define EPOLLIN 0x001
#define EPOLLOUT 0x004
#define EPOLLERR 0x008
#define EPOLLHUP 0x010
#define EPOLLRDHUP 0x2000
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLWAKEUP (1U << 29)
#define EPOLLONESHOT (1U << 30)
#define EPOLLET (1U << 31)
/* Reported whether asked for or not (epoll_ctl(2)). */
#define EP_ALWAYS (EPOLLERR | EPOLLHUP)
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EP_MAX_EVENTS (INT32_MAX / 12)

/* struct epoll_event is packed on x86-64: 12 bytes. */
struct linux_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct eventpoll {
	struct mutex mtx;
	struct spinlock lock;
	struct list_head items;	     /* every epitem, under mtx */
	struct list_head rdlist;     /* ready epitems, under lock */
	struct wait_queue wait;	     /* epoll_wait sleepers */
	struct wait_queue poll_wait; /* pollers of the epoll file itself */
};

/* One registration on one of the file's wait queues. */
struct ep_hook {
	struct waiter w;
	struct wait_queue *wq;
	struct ep_hook *next;
};

struct epitem {
	struct list_head ep_link;   /* in ep->items */
	struct list_head rd_link;   /* in ep->rdlist while on_rdlist */
	struct list_head file_link; /* in file->ep_links, under links_lock */
	bool on_rdlist;
	struct eventpoll *ep;
	/* Not referenced: the file's last close removes the item first. */
	struct file *file;
	int fd;
	uint32_t events; /* what was asked, with EPOLLET/ONESHOT */
	uint64_t data;
	struct ep_hook *hooks;
	struct poll_table pt; /* for the first poll: registers hooks */
	int error;
};

static struct mutex epmutex = MUTEX_INIT(epmutex);
static struct spinlock links_lock = SPINLOCK_INIT("ep_links");
static const struct file_ops eventpoll_ops;

static void make_ready(struct epitem *epi)
{
	struct eventpoll *ep = epi->ep;
	bool irq = spin_lock_irqsave(&ep->lock);

	if (!epi->on_rdlist) {
		list_add_tail(&epi->rd_link, &ep->rdlist);
		epi->on_rdlist = true;
	}
	spin_unlock_irqrestore(&ep->lock, irq);
}

/* A watched file's wait queue was woken: the item may be ready. */
static void ep_callback(struct waiter *w)
{
	struct epitem *epi = w->private;

	if (!(epi->events & ~EP_PRIVATE_BITS))
		return; /* disarmed by EPOLLONESHOT */
	make_ready(epi);
	wake_up(&epi->ep->wait);
	wake_up(&epi->ep->poll_wait);
}

static void ep_queue(struct poll_table *pt, struct wait_queue *wq)
{
	struct epitem *epi = container_of(pt, struct epitem, pt);
	struct ep_hook *h = kzalloc(sizeof(*h));
	bool irq;

	if (!h) {
		epi->error = -ENOMEM;
		return;
	}
	waiter_init(&h->w);
	h->w.task = NULL;
	h->w.func = ep_callback;
	h->w.private = epi;
	h->wq = wq;
	h->next = epi->hooks;
	epi->hooks = h;
	irq = spin_lock_irqsave(&wq->lock);
	list_add_tail(&h->w.link, &wq->waiters);
	spin_unlock_irqrestore(&wq->lock, irq);
}

static unsigned file_events(struct file *f, struct poll_table *pt)
{
	return f->ops->poll(f, pt);
}

/* Takes epi out of everything and frees it; ep->mtx held. */
static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	bool irq;

	while (epi->hooks) {
		struct ep_hook *h = epi->hooks;

		irq = spin_lock_irqsave(&h->wq->lock);
		list_del(&h->w.link);
		spin_unlock_irqrestore(&h->wq->lock, irq);
		epi->hooks = h->next;
		kfree(h);
	}
	irq = spin_lock_irqsave(&ep->lock);
	if (epi->on_rdlist)
		list_del(&epi->rd_link);
	spin_unlock_irqrestore(&ep->lock, irq);
	irq = spin_lock_irqsave(&links_lock);
	list_del(&epi->file_link);
	spin_unlock_irqrestore(&links_lock, irq);
	list_del(&epi->ep_link);
	kfree(epi);
}

static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
	struct epitem *epi;

	list_for_each_entry(epi, &ep->items,
			    ep_link) if (epi->file == f &&
					 epi->fd == fd) return epi;
	return NULL;
}

void eventpoll_release(struct file *f)
{
	mutex_lock(&epmutex);
	for (;;) {
		struct epitem *epi = NULL;
		struct eventpoll *ep;
		bool irq = spin_lock_irqsave(&links_lock);

		if (!list_empty(&f->ep_links))
			epi = list_first_entry(&f->ep_links, struct epitem,
					       file_link);
		spin_unlock_irqrestore(&links_lock, irq);
		if (!epi)
			break;
		ep = epi->ep;
		mutex_lock(&ep->mtx);
		ep_remove(ep, epi);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&epmutex);
}

/* ---- the epoll file ---- */

static unsigned eventpoll_poll(struct file *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->private;
	bool irq;
	unsigned mask;

	poll_wait(pt, &ep->poll_wait);
	irq = spin_lock_irqsave(&ep->lock);
	mask = list_empty(&ep->rdlist) ? 0 : POLLIN | POLLRDNORM;
	spin_unlock_irqrestore(&ep->lock, irq);
	return mask;
}

static void eventpoll_free(struct inode *inode, struct file *f)
{
	struct eventpoll *ep = f->private;

	(void)inode;
	mutex_lock(&epmutex);
	mutex_lock(&ep->mtx);
	while (!list_empty(&ep->items))
		ep_remove(ep,
			  list_first_entry(&ep->items, struct epitem, ep_link));
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epmutex);
	kfree(ep);
}

static const struct file_ops eventpoll_ops = {
	.poll = eventpoll_poll,
	.release = eventpoll_free,
	.anon_name = "[eventpoll]",
};

static long sys_epoll_create1(int flags)
{
	struct eventpoll *ep;
	int fd;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	mutex_init(&ep->mtx);
	ep->lock = (struct spinlock)SPINLOCK_INIT("eventpoll");
	list_init(&ep->items);
	list_init(&ep->rdlist);
	wq_init(&ep->wait);
	wq_init(&ep->poll_wait);
	fd = anon_inode_fd(&eventpoll_ops, O_RDWR | (flags & O_CLOEXEC), ep);
	if (fd < 0)
		kfree(ep);
	return fd;
}
SYSCALL_REGISTER(epoll_create1, sys_epoll_create1);

static long sys_epoll_create(int size)
{
	return size <= 0 ? -EINVAL : sys_epoll_create1(0);
}
SYSCALL_REGISTER(epoll_create, sys_epoll_create);

/* ---- epoll_ctl ---- */

static int ep_insert(struct eventpoll *ep, struct file *f, int fd,
		     const struct linux_epoll_event *ev)
{
	struct epitem *epi = kzalloc(sizeof(*epi));
	unsigned ready;
	bool irq;

	if (!epi)
		return -ENOMEM;
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->events = ev->events | EP_ALWAYS;
	epi->data = ev->data;
	epi->pt.queue = ep_queue;
	list_init(&epi->rd_link);
	list_add_tail(&epi->ep_link, &ep->items);
	irq = spin_lock_irqsave(&links_lock);
	list_add_tail(&epi->file_link, &f->ep_links);
	spin_unlock_irqrestore(&links_lock, irq);
	ready = file_events(f, &epi->pt);
	if (epi->error) {
		int err = epi->error;

		ep_remove(ep, epi);
		return err;
	}
	if (ready & epi->events) {
		make_ready(epi);
		wake_up(&ep->wait);
		wake_up(&ep->poll_wait);
	}
	return 0;
}

static long sys_epoll_ctl(int epfd, int op, int fd, uaddr_t uevent)
{
	struct linux_epoll_event ev = { 0 };
	struct file *epf, *f;
	struct eventpoll *ep;
	struct epitem *epi;
	long err;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uevent, sizeof(ev)))
		return -EFAULT;
	epf = fd_get(epfd);
	if (!epf)
		return -EBADF;
	f = fd_get(fd);
	if (!f) {
		file_put(epf);
		return -EBADF;
	}
	err = -EPERM; /* regular files and directories are always ready */
	if (!f->ops || !f->ops->poll)
		goto out;
	err = -EINVAL;
	if (epf->ops != &eventpoll_ops || f == epf)
		goto out;
	/* Nesting epoll sets is not done; Linux allows up to 4 levels. */
	if (f->ops == &eventpoll_ops) {
		err = -EINVAL;
		goto out;
	}
	if ((ev.events & EPOLLEXCLUSIVE) && op == EPOLL_CTL_MOD)
		goto out;
	ep = epf->private;
	mutex_lock(&ep->mtx);
	epi = ep_find(ep, f, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		err = epi ? -EEXIST : ep_insert(ep, f, fd, &ev);
		break;
	case EPOLL_CTL_DEL:
		err = epi ? 0 : -ENOENT;
		if (epi)
			ep_remove(ep, epi);
		break;
	case EPOLL_CTL_MOD:
		err = epi ? 0 : -ENOENT;
		if (!epi)
			break;
		epi->events = ev.events | EP_ALWAYS;
		epi->data = ev.data;
		if (file_events(f, NULL) & epi->events) {
			make_ready(epi);
			wake_up(&ep->wait);
			wake_up(&ep->poll_wait);
		}
		break;
	default:
		err = -EINVAL;
	}
	mutex_unlock(&ep->mtx);
out:
	/* After ep->mtx: a last reference here takes epmutex. */
	file_put(f);
	file_put(epf);
	return err;
}
SYSCALL_REGISTER(epoll_ctl, sys_epoll_ctl);

/* ---- epoll_wait ---- */

/*
 * Reports up to max ready items into out. Each item on the ready list is
 * polled again: only what is true now is reported. ep->mtx held.
 */
static int ep_collect(struct eventpoll *ep, struct linux_epoll_event *out,
		      int max)
{
	struct list_head todo;
	int n = 0;
	bool irq = spin_lock_irqsave(&ep->lock);

	list_init(&todo);
	/* Take the whole list; what is not reported goes back. */
	while (!list_empty(&ep->rdlist)) {
		struct epitem *epi =
			list_first_entry(&ep->rdlist, struct epitem, rd_link);
		list_del(&epi->rd_link);
		list_add_tail(&epi->rd_link, &todo);
	}
	spin_unlock_irqrestore(&ep->lock, irq);

	while (!list_empty(&todo)) {
		struct epitem *epi =
			list_first_entry(&todo, struct epitem, rd_link);
		unsigned mask;

		list_del(&epi->rd_link);
		irq = spin_lock_irqsave(&ep->lock);
		epi->on_rdlist = false;
		spin_unlock_irqrestore(&ep->lock, irq);
		if (n == max) {
			make_ready(epi); /* next time */
			continue;
		}
		mask = file_events(epi->file, NULL) & epi->events &
		       ~EP_PRIVATE_BITS;
		if (!mask)
			continue;
		out[n].events = mask;
		out[n].data = epi->data;
		n++;
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
		else if (!(epi->events & EPOLLET))
			make_ready(epi); /* level-triggered: look again */
	}
	return n;
}

static long do_epoll_wait(int epfd, uaddr_t uevents, int max,
			  int64_t timeout_ns)
{
	struct linux_epoll_event *out;
	struct eventpoll *ep;
	struct file *epf;
	uint64_t deadline = 0;
	long n;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	epf = fd_get(epfd);
	if (!epf)
		return -EBADF;
	if (epf->ops != &eventpoll_ops) {
		file_put(epf);
		return -EINVAL;
	}
	ep = epf->private;
	max = MIN(max, 1024);
	out = kmalloc((size_t)max * sizeof(*out));
	if (!out) {
		file_put(epf);
		return -ENOMEM;
	}
	if (timeout_ns > 0)
		deadline = time_ns() + (uint64_t)timeout_ns;
	for (;;) {
		bool irq;
		int err;

		mutex_lock(&ep->mtx);
		n = ep_collect(ep, out, max);
		mutex_unlock(&ep->mtx);
		if (n || timeout_ns == 0)
			break;
		if (signal_pending(current)) {
			n = -EINTR;
			break;
		}
		err = wait_event_interruptible_deadline(&ep->wait, ({
			irq = spin_lock_irqsave(&ep->lock);
			bool any = !list_empty(&ep->rdlist);
			spin_unlock_irqrestore(&ep->lock, irq);
			any;
		}),
							deadline);
		if (err == -ETIMEDOUT) {
			n = 0;
			break;
		}
		if (err) {
			n = -EINTR; /* epoll_wait is never restarted */
			break;
		}
	}
	if (n > 0 && copy_to_user(uevents, out, (size_t)n * sizeof(*out)))
		n = -EFAULT;
	kfree(out);
	file_put(epf);
	return n;
}

static long sys_epoll_wait(int epfd, uaddr_t uevents, int max, int timeout)
{
	return do_epoll_wait(epfd, uevents, max,
			     timeout < 0 ? -1 : (int64_t)timeout * 1000000);
}
SYSCALL_REGISTER(epoll_wait, sys_epoll_wait);

static long sys_epoll_pwait(int epfd, uaddr_t uevents, int max, int timeout,
			    uaddr_t umask, size_t size)
{
	long ret;
	int err = poll_set_temp_mask(umask, size);

	if (err)
		return err;
	ret = sys_epoll_wait(epfd, uevents, max, timeout);
	/* -EINTR with a handler to run: keep the temporary mask until it
	 * has (as ppoll does with -ERESTARTNOHAND). */
	poll_end_temp_mask(ret == -EINTR ? -ERESTARTNOHAND : ret);
	return ret;
}
SYSCALL_REGISTER(epoll_pwait, sys_epoll_pwait);
