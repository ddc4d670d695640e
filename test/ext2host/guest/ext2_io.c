/* SPDX-License-Identifier: MIT */
/*
 * ext2_io DIR: file I/O on a mounted ext2 directory, run in the guest by
 * the ext2 suite (static musl; copied onto the test image): pread/pwrite
 * across block boundaries, O_APPEND, holes, ftruncate, fsync, mmap
 * (private and shared; a shared mapping and read/write see each other),
 * statfs. Prints "ext2_io NAME PASS|FAIL" per case.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

static int failed;

static void report(const char *name, int ok)
{
	printf("ext2_io %s %s\n", name, ok ? "PASS" : "FAIL");
	if (!ok) {
		printf("  errno %d (%s)\n", errno, strerror(errno));
		failed = 1;
	}
}

static void fill(char *b, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(seed + i * 7 + i / 251);
}

static int io_cases(const char *path)
{
	static char a[20000], b[20000];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct stat st;

	if (fd < 0)
		return 0;
	fill(a, sizeof(a), 1);
	/* Unaligned pieces across 1K and 4K block boundaries. */
	report("pwrite-unaligned",
	       pwrite(fd, a, 3000, 1000) == 3000 &&
		       pwrite(fd, a + 3000, 17000, 4000) == 17000);
	memset(b, 1, sizeof(b));
	report("pread-back",
	       pread(fd, b, 20000, 1000) == 20000 && !memcmp(a, b, 20000));
	report("hole-before",
	       pread(fd, b, 1000, 0) == 1000 && b[0] == 0 && b[999] == 0);
	/* A hole in the middle of the file. */
	report("hole-write", pwrite(fd, "x", 1, 100000) == 1);
	report("hole-read",
	       pread(fd, b, 100, 50000) == 100 && b[0] == 0 && b[99] == 0);
	report("size", fstat(fd, &st) == 0 && st.st_size == 100001);
	report("ftruncate-shrink", ftruncate(fd, 2500) == 0 &&
					   fstat(fd, &st) == 0 &&
					   st.st_size == 2500);
	report("ftruncate-extend", ftruncate(fd, 9000) == 0 &&
					   pread(fd, b, 9000, 0) == 9000 &&
					   !memcmp(b + 1000, a, 1500) &&
					   b[2500] == 0 && b[8999] == 0);
	report("fsync", fsync(fd) == 0 && fdatasync(fd) == 0);
	close(fd);
	fd = open(path, O_WRONLY | O_APPEND);
	report("append", fd >= 0 && write(fd, "END", 3) == 3 &&
				 stat(path, &st) == 0 && st.st_size == 9003);
	close(fd);
	return 1;
}

static void mmap_cases(const char *path)
{
	int fd = open(path, O_RDWR);
	char *p, buf[16];
	struct statfs sf;

	p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	report("mmap-private", p != MAP_FAILED &&
				       pread(fd, buf, 16, 1000) == 16 &&
				       !memcmp(p + 1000, buf, 16));
	if (p != MAP_FAILED)
		munmap(p, 8192);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p != MAP_FAILED) {
		p[0] = 'Q'; /* a private change stays private */
		report("mmap-private-write",
		       pread(fd, buf, 1, 0) == 1 && buf[0] != 'Q');
		munmap(p, 4096);
	} else {
		report("mmap-private-write", 0);
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	report("mmap-shared-read", p != MAP_FAILED);
	if (p != MAP_FAILED)
		munmap(p, 4096);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	report("mmap-shared-write", p != MAP_FAILED);
	if (p != MAP_FAILED) {
		memcpy(p + 4094, "SHARED", 6); /* across two pages */
		report("mmap-shared-to-read",
		       pread(fd, buf, 6, 4094) == 6 &&
			       !memcmp(buf, "SHARED", 6));
		report("write-to-mmap-shared",
		       pwrite(fd, "WRITTEN", 7, 300) == 7 &&
			       !memcmp(p + 300, "WRITTEN", 7));
		report("msync",
		       msync(p, 8192, MS_SYNC) == 0 || errno == ENOSYS);
		munmap(p, 8192);
	}
	close(fd);
	report("statfs", statfs(path, &sf) == 0 && sf.f_type == 0xEF53 &&
				 sf.f_bfree > 0 && sf.f_files > 0);
}

int main(int argc, char **argv)
{
	char path[512];

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/io.bin", argv[1]);
	if (!io_cases(path)) {
		report("open", 0);
		return 1;
	}
	mmap_cases(path);
	report("unlink", unlink(path) == 0 && access(path, F_OK) < 0);
	/* Left for the suite to check after a remount: a change made only
	 * through a shared mapping, never synced. */
	snprintf(path, sizeof(path), "%s/mapped.txt", argv[1]);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char dots[5000];
	memset(dots, '.', sizeof(dots));
	char *m = MAP_FAILED;
	if (fd >= 0 && write(fd, dots, sizeof(dots)) == sizeof(dots))
		m = mmap(NULL, 5000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	report("mapped-file", m != MAP_FAILED);
	if (m != MAP_FAILED) {
		memcpy(m + 4090, "MAPPED-DATA", 11);
		munmap(m, 5000);
	}
	close(fd);
	return failed;
}
