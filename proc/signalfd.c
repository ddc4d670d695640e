/* SPDX-License-Identifier: MIT */
/*
 * signalfd(2): blocked signals read from a file instead of delivered to a
 * handler. Reads take signals pending for the reading thread or its
 * process, as sigwaitinfo would.
 */
#include "kernel/uapi/fcntl.h"
#include "proc/proc_internal.h"
#include "vfs/vfs.h"

#define SFD_CLOEXEC O_CLOEXEC
#define SFD_NONBLOCK O_NONBLOCK

struct signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno;
	int32_t ssi_code;
	uint32_t ssi_pid;
	uint32_t ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid;
	uint32_t ssi_band;
	uint32_t ssi_overrun;
	uint32_t ssi_trapno;
	int32_t ssi_status;
	int32_t ssi_int;
	uint64_t ssi_ptr;
	uint64_t ssi_utime;
	uint64_t ssi_stime;
	uint64_t ssi_addr;
	uint16_t ssi_addr_lsb;
	uint16_t __pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t __pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo");

struct signalfd {
	sigset_t mask;
};

static sigset_t pending_in(struct task *t, sigset_t mask)
{
	return (t->pending.set | t->proc->shared_pending.set) & mask;
}

/* siginfo's union member by signal and code, as Linux's
 * signalfd_copyinfo() picks it. */
static void to_ssi(const struct linux_siginfo *in, struct signalfd_siginfo *o)
{
	int sig = in->si_signo, code = in->si_code;

	memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)sig;
	o->ssi_errno = in->si_errno;
	o->ssi_code = code;
	if (code == SI_TIMER) {
		o->ssi_tid = (uint32_t)in->timer.tid;
		o->ssi_overrun = (uint32_t)in->timer.overrun;
		o->ssi_ptr = in->timer.value;
		o->ssi_int = (int32_t)in->timer.value;
	} else if (code > 0 && code != SI_KERNEL &&
		   (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		    sig == SIGFPE || sig == SIGTRAP)) {
		o->ssi_addr = in->fault.addr;
	} else if (code > 0 && code != SI_KERNEL && sig == SIGCHLD) {
		o->ssi_pid = (uint32_t)in->proc.pid;
		o->ssi_uid = in->proc.uid;
		o->ssi_status = in->proc.chld.status;
		o->ssi_utime = (uint64_t)in->proc.chld.utime;
		o->ssi_stime = (uint64_t)in->proc.chld.stime;
	} else if (code > 0 && code != SI_KERNEL && sig == SIGIO) {
		o->ssi_band = (uint32_t)in->poll.band;
		o->ssi_fd = in->poll.fd;
	} else {
		o->ssi_pid = (uint32_t)in->proc.pid;
		o->ssi_uid = in->proc.uid;
		o->ssi_ptr = in->proc.value;
		o->ssi_int = (int32_t)in->proc.value;
	}
}

static ssize_t signalfd_read(struct file *f, const struct iobuf *b,
			     uint64_t *pos)
{
	struct signalfd *s = f->private;
	struct sighand *sh = current->sighand;
	size_t done = 0;

	(void)pos;
	if (b->len < sizeof(struct signalfd_siginfo))
		return -EINVAL;
	while (done + sizeof(struct signalfd_siginfo) <= b->len) {
		struct signalfd_siginfo ssi;
		struct linux_siginfo info;
		sigset_t mask = __atomic_load_n(&s->mask, __ATOMIC_RELAXED);
		bool irq = spin_lock_irqsave(&sh->lock);
		int sig = sig_dequeue(current, mask, &info);

		spin_unlock_irqrestore(&sh->lock, irq);
		if (!sig) {
			int err;

			if (done)
				break;
			if (f->flags & O_NONBLOCK)
				return -EAGAIN;
			err = wait_event_interruptible(
				&sh->signalfd_wait,
				pending_in(current, s->mask) != 0);
			if (err)
				return err;
			continue;
		}
		to_ssi(&info, &ssi);
		if (iobuf_put(b, done, &ssi, sizeof(ssi)))
			return done ? (ssize_t)done : -EFAULT;
		done += sizeof(ssi);
	}
	return (ssize_t)done;
}

static unsigned signalfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd *s = f->private;

	poll_wait(pt, &current->sighand->signalfd_wait);
	return pending_in(current, s->mask) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_release(struct inode *inode, struct file *f)
{
	(void)inode;
	kfree(f->private);
}

static const struct file_ops signalfd_ops = {
	.read = signalfd_read,
	.poll = signalfd_poll,
	.release = signalfd_release,
	.anon_name = "[signalfd]",
};

static long sys_signalfd4(int fd, uaddr_t umask, size_t size, int flags)
{
	struct signalfd *s;
	sigset_t mask;
	struct file *f;

	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK) || size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
	if (fd != -1) {
		f = fd_get(fd);
		if (!f)
			return -EBADF;
		if (f->ops != &signalfd_ops) {
			file_put(f);
			return -EINVAL;
		}
		s = f->private;
		__atomic_store_n(&s->mask, mask, __ATOMIC_RELAXED);
		file_put(f);
		wake_up(&current->sighand->signalfd_wait);
		return fd;
	}
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	fd = anon_inode_fd(&signalfd_ops,
			   O_RDWR | (flags & (SFD_CLOEXEC | SFD_NONBLOCK)), s);
	if (fd < 0)
		kfree(s);
	return fd;
}
SYSCALL_REGISTER(signalfd4, sys_signalfd4);

static long sys_signalfd(int fd, uaddr_t umask, size_t size)
{
	return sys_signalfd4(fd, umask, size, 0);
}
SYSCALL_REGISTER(signalfd, sys_signalfd);
