/* SPDX-License-Identifier: MIT */
/* The host stand-ins for the block layer and VFS that ext2host links the
 * ext2 driver against (host_stubs.c). */
#ifndef STRIX_TEST_EXT2HOST_H
#define STRIX_TEST_EXT2HOST_H

#include "vfs/ext2.h"

void host_init(void);
/* The image the next mount reads: an open file of bytes bytes. */
void host_attach(int fd, uint64_t bytes, bool ro);
struct fs_type *fs_type_find(const char *name);
extern long host_reads, host_writes, host_live_refs, host_live_inodes,
	host_live_pages;

#endif
