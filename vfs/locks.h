/* SPDX-License-Identifier: MIT */
/* Private to vfs/: advisory file locks (flock and fcntl record locks). */
#ifndef STRIX_VFS_LOCKS_H
#define STRIX_VFS_LOCKS_H

#include "vfs/vfs.h"

/* fcntl F_GETLK/F_SETLK/F_SETLKW and the OFD variants. */
long fcntl_lock(struct file *f, int cmd, uaddr_t arg);
/* A file's last close drops its flock and OFD locks. */
void locks_release_file(struct file *f);
/* Any close by a process drops its POSIX locks on the inode (POSIX). */
void locks_release_posix(struct inode *i, int pid);

#endif
