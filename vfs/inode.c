/* SPDX-License-Identifier: MIT */
/* Inodes: allocation and references, permissions, attributes. */
#include "vfs/vfs.h"

struct linux_timespec current_time(void)
{
	uint64_t ns = time_realtime_ns();

	return (struct linux_timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

struct inode *inode_alloc(struct super_block *sb, uint32_t mode)
{
	struct inode *i = kzalloc(sizeof(*i));

	if (!i)
		return NULL;
	i->sb = sb;
	i->ino = __atomic_add_fetch(&sb->next_ino, 1, __ATOMIC_RELAXED);
	i->mode = mode;
	i->nlink = 1;
	i->refcount = 1;
	i->atime = i->mtime = i->ctime = current_time();
	mutex_init(&i->lock);
	list_init(&i->locks);
	if (current && current->proc) {
		i->uid = current->proc->cred.fsuid;
		i->gid = current->proc->cred.fsgid;
	}
	return i;
}

void inode_get(struct inode *i)
{
	__atomic_add_fetch(&i->refcount, 1, __ATOMIC_RELAXED);
}

void inode_put(struct inode *i)
{
	if (!i || __atomic_sub_fetch(&i->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (i->sb->ops && i->sb->ops->destroy_inode)
		i->sb->ops->destroy_inode(i);
	kfree(i);
}

/* POSIX XBD 4.5, file access permissions: owner, then group (or any
 * supplementary group), then others; root passes read and write checks
 * and execute if anybody may execute (or it is a directory). */
int inode_permission(struct inode *i, int mask)
{
	const struct cred *c = &current->proc->cred;
	uint32_t mode = i->mode, bits;

	if (c->fsuid == 0) {
		if (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & 0111))
			return 0;
		return -EACCES;
	}
	if (c->fsuid == i->uid)
		bits = mode >> 6;
	else if (cred_in_group(c, i->gid))
		bits = mode >> 3;
	else
		bits = mode;
	return ((bits & 7) & mask) == (unsigned)mask ? 0 : -EACCES;
}

void inode_touch(struct inode *i, bool atime, bool mtime, bool ctime)
{
	struct linux_timespec now = current_time();

	if (atime)
		i->atime = now;
	if (mtime)
		i->mtime = now;
	if (ctime)
		i->ctime = now;
}

void inode_stat(struct inode *i, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = i->sb->dev;
	st->st_ino = i->ino;
	st->st_nlink = i->nlink;
	st->st_mode = i->mode;
	st->st_uid = i->uid;
	st->st_gid = i->gid;
	st->st_rdev = i->rdev;
	st->st_size = (int64_t)i->size;
	st->st_blksize = 4096;
	st->st_blocks =
		(int64_t)(i->blocks ? i->blocks : ALIGN_UP(i->size, 512) / 512);
	st->st_atime_sec = i->atime.tv_sec;
	st->st_atime_nsec = i->atime.tv_nsec;
	st->st_mtime_sec = i->mtime.tv_sec;
	st->st_mtime_nsec = i->mtime.tv_nsec;
	st->st_ctime_sec = i->ctime.tv_sec;
	st->st_ctime_nsec = i->ctime.tv_nsec;
}
