/* SPDX-License-Identifier: MIT */
/* Parsing "new ASCII" (newc) cpio archives, as the initrd is (cpio(5)).
 * Pure: the host unit tests use it directly. */
#ifndef STRIX_VFS_CPIO_H
#define STRIX_VFS_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
	const char *name; /* not NUL-terminated: namelen bytes */
	size_t namelen;
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	const void *data;
	size_t size;
};

/*
 * Reads the entry at *off and moves *off past it. Returns 1 for an
 * entry, 0 at the "TRAILER!!!" entry or the end of the buffer, and
 * -EINVAL if the archive is malformed or truncated.
 */
int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e);

#endif
