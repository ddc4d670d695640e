/* SPDX-License-Identifier: MIT */
/* Helpers file systems share (Linux's fs/libfs.c and setattr_copy); also
 * built into the host test of ext2 (test/ext2host). */
#include "vfs/vfs.h"

/* lseek on a file whose size is inode->size, for file systems that do not
 * report holes (SEEK_DATA is the offset, SEEK_HOLE the end). */
int64_t generic_file_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)f->inode->size;
		break;
	case SEEK_DATA: /* holes are not reported: all data */
	case SEEK_HOLE:
		if (off < 0 || (uint64_t)off >= f->inode->size)
			return -ENXIO;
		return whence == SEEK_DATA ? off : (int64_t)f->inode->size;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, off, &base))
		return -EOVERFLOW;
	if (base < 0)
		return -EINVAL;
	return base;
}

/* After the file system has dealt with ATTR_SIZE. */
void setattr_copy(struct inode *i, const struct iattr *a)
{
	if (a->valid & ATTR_MODE)
		i->mode = (i->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & ATTR_UID)
		i->uid = a->uid;
	if (a->valid & ATTR_GID)
		i->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		i->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		i->mtime = a->mtime;
	i->ctime = current_time();
}
