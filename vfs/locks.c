/* SPDX-License-Identifier: MIT */
/*
 * Advisory locks: flock(2) on whole files, owned by the open file; and
 * fcntl(2) record locks on byte ranges, owned by the process (POSIX) or
 * by the open file (OFD locks). Conflicts are between different owners:
 * a write lock conflicts with any lock, a read lock with a write lock.
 */
#include "vfs/locks.h"

struct file_lock {
	struct list_head link; /* in inode->locks */
	bool flock;	       /* flock() rather than fcntl() */
	short type;	       /* F_RDLCK or F_WRLCK */
	const void *owner;     /* struct file* or the process */
	int pid;	       /* for F_GETLK; 0 for OFD locks */
	uint64_t start, end;   /* inclusive; end UINT64_MAX: to EOF */
};

static struct mutex locks_mutex = MUTEX_INIT(locks_mutex);
static struct wait_queue locks_wq = WAIT_QUEUE_INIT(locks_wq);

/* struct flock, x86-64 layout. */
struct linux_flock {
	int16_t l_type, l_whence;
	int32_t pad0;
	int64_t l_start, l_len;
	int32_t l_pid, pad1;
};

static bool conflicts(const struct file_lock *a, const struct file_lock *b)
{
	if (a->owner == b->owner || a->flock != b->flock)
		return false;
	if (a->type != F_WRLCK && b->type != F_WRLCK)
		return false;
	return a->start <= b->end && b->start <= a->end;
}

static struct file_lock *find_conflict(struct inode *i,
				       const struct file_lock *want)
{
	struct file_lock *l;

	list_for_each_entry(l, &i->locks,
			    link) if (conflicts(l, want)) return l;
	return NULL;
}

/* Removes the owner's locks in [start, end], splitting partial overlaps.
 * Returns -ENOMEM if a split could not be made (nothing is changed). */
static int remove_range(struct inode *i, const void *owner, bool flock,
			uint64_t start, uint64_t end)
{
	struct file_lock *l, *n;

	list_for_each_entry_safe(l, n, &i->locks, link)
	{
		if (l->owner != owner || l->flock != flock || l->end < start ||
		    l->start > end)
			continue;
		if (l->start < start && l->end > end) {
			struct file_lock *tail = kmalloc(sizeof(*tail));
			if (!tail)
				return -ENOMEM;
			*tail = *l;
			tail->start = end + 1;
			list_add(&tail->link, &l->link);
			l->end = start - 1;
		} else if (l->start < start) {
			l->end = start - 1;
		} else if (l->end > end) {
			l->start = end + 1;
		} else {
			list_del(&l->link);
			kfree(l);
		}
	}
	return 0;
}

/* Sets (or with F_UNLCK removes) a lock, waiting if asked. */
static int set_lock(struct inode *i, struct file_lock *want, bool wait)
{
	struct file_lock *copy;
	int err;

	for (;;) {
		mutex_lock(&locks_mutex);
		if (want->type == F_UNLCK || !find_conflict(i, want))
			break;
		mutex_unlock(&locks_mutex);
		if (!wait)
			return -EAGAIN;
		err = wait_event_interruptible(&locks_wq,
					       !find_conflict(i, want));
		if (err)
			return -EINTR;
	}
	err = remove_range(i, want->owner, want->flock, want->start, want->end);
	if (!err && want->type != F_UNLCK) {
		copy = kmalloc(sizeof(*copy));
		if (copy) {
			*copy = *want;
			list_add_tail(&copy->link, &i->locks);
		} else {
			err = -ENOLCK;
		}
	}
	mutex_unlock(&locks_mutex);
	wake_up(&locks_wq);
	return err;
}

static long sys_flock(int fd, int op)
{
	struct file *f = fd_get(fd);
	struct file_lock want = { .flock = true,
				  .start = 0,
				  .end = UINT64_MAX };
	int cmd = op & ~LOCK_NB;
	long err;

	if (!f)
		return -EBADF;
	want.owner = f;
	want.pid = current->proc->pid;
	if (cmd == LOCK_SH)
		want.type = F_RDLCK;
	else if (cmd == LOCK_EX)
		want.type = F_WRLCK;
	else if (cmd == LOCK_UN)
		want.type = F_UNLCK;
	else {
		file_put(f);
		return -EINVAL;
	}
	/* A conversion drops the old lock first, as Linux does. */
	if (want.type != F_UNLCK) {
		mutex_lock(&locks_mutex);
		remove_range(f->inode, f, true, 0, UINT64_MAX);
		mutex_unlock(&locks_mutex);
	}
	err = set_lock(f->inode, &want, !(op & LOCK_NB));
	file_put(f);
	return err == -EAGAIN ? -EWOULDBLOCK : err;
}
SYSCALL_REGISTER(flock, sys_flock);

/* The byte range of a struct flock (fcntl(2), "Advisory record
 * locking"). */
static int flock_range(struct file *f, const struct linux_flock *fl,
		       uint64_t *start, uint64_t *end)
{
	int64_t base, s;

	switch (fl->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)f->inode->size;
		break;
	default:
		return -EINVAL;
	}
	s = base + fl->l_start;
	if (fl->l_len < 0) {
		s += fl->l_len;
		if (s < 0)
			return -EINVAL;
		*start = (uint64_t)s;
		*end = (uint64_t)(base + fl->l_start - 1);
		return 0;
	}
	if (s < 0)
		return -EINVAL;
	*start = (uint64_t)s;
	*end = fl->l_len ? (uint64_t)(s + fl->l_len - 1) : UINT64_MAX;
	return 0;
}

long fcntl_lock(struct file *f, int cmd, uaddr_t arg)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK ||
		   cmd == F_OFD_SETLKW;
	struct file_lock want = { 0 }, *l;
	struct linux_flock fl;
	unsigned acc = f->flags & O_ACCMODE;
	int err;

	if (copy_from_user(&fl, arg, sizeof(fl)))
		return -EFAULT;
	if (ofd && fl.l_pid)
		return -EINVAL;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK &&
	    fl.l_type != F_UNLCK)
		return -EINVAL;
	err = flock_range(f, &fl, &want.start, &want.end);
	if (err)
		return err;
	want.type = fl.l_type;
	want.owner = ofd ? (const void *)f : (const void *)current->proc;
	want.pid = ofd ? -1 : current->proc->pid;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		mutex_lock(&locks_mutex);
		l = find_conflict(f->inode, &want);
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_UNLCK;
		if (l) {
			fl.l_type = l->type;
			fl.l_start = (int64_t)l->start;
			fl.l_len = l->end == UINT64_MAX ?
					   0 :
					   (int64_t)(l->end - l->start + 1);
			fl.l_pid = l->pid;
		}
		mutex_unlock(&locks_mutex);
		return copy_to_user(arg, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	/* A read lock needs the file open for reading, a write lock for
	 * writing (EBADF). */
	if ((want.type == F_RDLCK && acc == O_WRONLY) ||
	    (want.type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	return set_lock(f->inode, &want,
			cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

void locks_release_file(struct file *f)
{
	struct inode *i = f->inode;

	if (!i || list_empty(&i->locks))
		return;
	mutex_lock(&locks_mutex);
	remove_range(i, f, true, 0, UINT64_MAX);
	remove_range(i, f, false, 0, UINT64_MAX);
	mutex_unlock(&locks_mutex);
	wake_up(&locks_wq);
}

void locks_release_posix(struct inode *i, int pid)
{
	struct process *p = current->proc;

	(void)pid;
	if (list_empty(&i->locks))
		return;
	mutex_lock(&locks_mutex);
	remove_range(i, p, false, 0, UINT64_MAX);
	mutex_unlock(&locks_mutex);
	wake_up(&locks_wq);
}
