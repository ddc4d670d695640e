/* SPDX-License-Identifier: MIT */
/*
 * timerfd_create(2): a timer whose expirations are read from a file.
 * Deadlines are kept on the time_ns() clock; a CLOCK_REALTIME deadline
 * is converted when it is set (a later step of the wall clock does not
 * move it, unlike Linux).
 */
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/time.h"
#include "vfs/vfs.h"

#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define TFD_CLOEXEC O_CLOEXEC
#define TFD_NONBLOCK O_NONBLOCK

struct timerfd {
	struct spinlock lock;
	struct ktimer timer;
	int clock;
	uint64_t deadline; /* time_ns() of the next expiry; 0: disarmed */
	uint64_t interval; /* 0: one-shot */
	uint64_t ticks;	   /* expirations not read yet */
	struct wait_queue wait;
};

static void timerfd_fired(struct ktimer *kt)
{
	struct timerfd *t = kt->data;
	uint64_t now = time_ns();
	bool irq = spin_lock_irqsave(&t->lock);

	if (t->deadline && t->deadline <= now) {
		if (t->interval) {
			uint64_t missed = (now - t->deadline) / t->interval;

			t->ticks += 1 + missed;
			t->deadline += (1 + missed) * t->interval;
			ktimer_arm(&t->timer, t->deadline);
		} else {
			t->ticks++;
			t->deadline = 0;
		}
	}
	spin_unlock_irqrestore(&t->lock, irq);
	wake_up(&t->wait);
}

static ssize_t timerfd_read(struct file *f, const struct iobuf *b,
			    uint64_t *pos)
{
	struct timerfd *t = f->private;
	uint64_t ticks;
	bool irq;
	int err;

	(void)pos;
	if (b->len < 8)
		return -EINVAL;
	for (;;) {
		irq = spin_lock_irqsave(&t->lock);
		ticks = t->ticks;
		t->ticks = 0;
		spin_unlock_irqrestore(&t->lock, irq);
		if (ticks)
			break;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(&t->wait, t->ticks != 0);
		if (err)
			return err;
	}
	return iobuf_put(b, 0, &ticks, 8) ? -EFAULT : 8;
}

static unsigned timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->private;

	poll_wait(pt, &t->wait);
	return __atomic_load_n(&t->ticks, __ATOMIC_RELAXED) ?
		       POLLIN | POLLRDNORM :
		       0;
}

static void timerfd_release(struct inode *inode, struct file *f)
{
	struct timerfd *t = f->private;

	(void)inode;
	ktimer_cancel_sync(&t->timer); /* its callback may be running */
	kfree(t);
}

static const struct file_ops timerfd_ops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
	.anon_name = "[timerfd]",
};

static long sys_timerfd_create(int clock, int flags)
{
	struct timerfd *t;
	int fd;

	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC &&
	    clock != CLOCK_BOOTTIME)
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->lock = (struct spinlock)SPINLOCK_INIT("timerfd");
	t->clock = clock;
	ktimer_init(&t->timer, timerfd_fired, t);
	wq_init(&t->wait);
	fd = anon_inode_fd(&timerfd_ops,
			   O_RDWR | (flags & (TFD_CLOEXEC | TFD_NONBLOCK)), t);
	if (fd < 0)
		kfree(t);
	return fd;
}
SYSCALL_REGISTER(timerfd_create, sys_timerfd_create);

static struct timerfd *timerfd_get(int fd, struct file **fp)
{
	struct file *f = fd_get(fd);

	if (!f)
		return ERR_PTR(-EBADF);
	if (f->ops != &timerfd_ops) {
		file_put(f);
		return ERR_PTR(-EINVAL);
	}
	*fp = f;
	return f->private;
}

static void ns_to_ts(uint64_t ns, struct linux_timespec *ts)
{
	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
}

/* The current setting, as timerfd_gettime reports it; lock held. */
static void current_setting(struct timerfd *t, struct linux_itimerspec *cur)
{
	uint64_t now = time_ns();

	memset(cur, 0, sizeof(*cur));
	ns_to_ts(t->interval, &cur->it_interval);
	if (t->deadline)
		ns_to_ts(t->deadline > now ? t->deadline - now : 1,
			 &cur->it_value);
}

static bool its_valid(const struct linux_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 &&
	       ts->tv_nsec < (int64_t)NSEC_PER_SEC;
}

static long sys_timerfd_settime(int fd, int flags, uaddr_t unew, uaddr_t uold)
{
	struct linux_itimerspec new, old;
	struct timerfd *t;
	struct file *f;
	uint64_t value, now;
	bool irq;

	if (flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (!its_valid(&new.it_value) || !its_valid(&new.it_interval))
		return -EINVAL;
	t = timerfd_get(fd, &f);
	if (IS_ERR(t))
		return PTR_ERR(t);
	value = (uint64_t) new.it_value.tv_sec *NSEC_PER_SEC +
		(uint64_t) new.it_value.tv_nsec;
	now = time_ns();
	ktimer_cancel(&t->timer);
	irq = spin_lock_irqsave(&t->lock);
	current_setting(t, &old);
	t->ticks = 0;
	t->interval = (uint64_t) new.it_interval.tv_sec *NSEC_PER_SEC +
		      (uint64_t) new.it_interval.tv_nsec;
	if (!value) {
		t->deadline = 0;
	} else if (flags & TFD_TIMER_ABSTIME) {
		uint64_t clock_now =
			t->clock == CLOCK_REALTIME ? time_realtime_ns() : now;

		/* A time already past expires at once. */
		t->deadline = value > clock_now ? now + (value - clock_now) :
						  now;
	} else {
		t->deadline = now + value;
	}
	if (t->deadline)
		ktimer_arm(&t->timer, t->deadline);
	spin_unlock_irqrestore(&t->lock, irq);
	file_put(f);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(timerfd_settime, sys_timerfd_settime);

static long sys_timerfd_gettime(int fd, uaddr_t ucur)
{
	struct linux_itimerspec cur;
	struct timerfd *t;
	struct file *f;
	bool irq;

	t = timerfd_get(fd, &f);
	if (IS_ERR(t))
		return PTR_ERR(t);
	irq = spin_lock_irqsave(&t->lock);
	current_setting(t, &cur);
	spin_unlock_irqrestore(&t->lock, irq);
	file_put(f);
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
SYSCALL_REGISTER(timerfd_gettime, sys_timerfd_gettime);
