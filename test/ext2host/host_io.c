/* SPDX-License-Identifier: MIT */
/* ext2host's calls into the host C library that the kernel headers
 * would clash with (open flags, stat, arch_prctl). */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test/ext2host/host_io.h"

int host_open(const char *path, int rw, unsigned long long *size)
{
	struct stat st;
	int fd = open(path, rw ? O_RDWR : O_RDONLY);

	if (fd >= 0 && fstat(fd, &st) == 0) {
		*size = (unsigned long long)st.st_size;
		return fd;
	}
	if (fd >= 0)
		close(fd);
	return -1;
}

void host_close(int fd)
{
	close(fd);
}

long host_pread(int fd, void *buf, unsigned long n, unsigned long long off)
{
	return pread(fd, buf, n, (off_t)off);
}

long host_pwrite(int fd, const void *buf, unsigned long n,
		 unsigned long long off)
{
	return pwrite(fd, buf, n, (off_t)off);
}

void host_set_gs(void *base)
{
	syscall(SYS_arch_prctl, ARCH_SET_GS, base);
}
