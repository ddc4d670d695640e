/* SPDX-License-Identifier: MIT */
/*
 * File operations a FAT volume must get right, in the directory $FAT_DIR
 * (the fat suite runs this on vfat mounts). Without it the directory is
 * /tmp and only what every Linux file system does is checked, so Linux
 * itself vouches for the expectations; with it, vfat's own answers too
 * (EPERM for links, EINVAL for names FAT cannot hold, 2-second times,
 * case-insensitive names, ENODEV for writable shared mappings).
 */
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>

static int on_fat(void)
{
	return getenv("FAT_DIR") != NULL;
}

/* A fresh name in the directory under test. */
static const char *path(const char *name)
{
	static char buf[4][512];
	static int k;
	const char *dir = on_fat() ? getenv("FAT_DIR") : "/tmp";

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/fatfs-%d %s", dir, (int)getpid(),
		 name);
	return buf[k];
}

static void fill(char *b, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(i * 7 + seed + i / 511);
}

TEST(pread_pwrite_across_clusters)
{
	static char a[40000], b[40000];
	int fd = open(path("rw"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	fill(a, sizeof(a), 1);
	CHECK_EQ(pwrite(fd, a, sizeof(a), 0), sizeof(a));
	CHECK_EQ(pwrite(fd, "XYZ", 3, 4095), 3);
	a[4095] = 'X', a[4096] = 'Y', a[4097] = 'Z';
	CHECK_EQ(pread(fd, b, sizeof(b), 0), sizeof(b));
	CHECK(!memcmp(a, b, sizeof(a)));
	/* Past the end: the gap reads as zeros. */
	CHECK_EQ(pwrite(fd, "end", 3, 100000), 3);
	CHECK_EQ(pread(fd, b, 1000, 50000), 1000);
	for (int i = 0; i < 1000; i++)
		CHECK_EQ(b[i], 0);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 100003);
	CHECK_EQ(fsync(fd), 0);
	close(fd);
	unlink(path("rw"));
}

TEST(append_and_truncate)
{
	char b[64];
	int fd = open(path("ap"), O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "hello", 5), 5);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, " world", 6), 6);
	CHECK_EQ(pread(fd, b, sizeof(b), 0), 11);
	CHECK(!memcmp(b, "hello world", 11));
	CHECK_EQ(ftruncate(fd, 3), 0);
	CHECK_EQ(ftruncate(fd, 8000), 0);
	CHECK_EQ(pread(fd, b, 8, 0), 8);
	CHECK(!memcmp(b, "hel\0\0\0\0\0", 8));
	CHECK_EQ(ftruncate(fd, 0), 0);
	CHECK_EQ(pread(fd, b, 8, 0), 0);
	close(fd);
	unlink(path("ap"));
}

TEST(unlinked_while_open)
{
	char b[8];
	struct stat st;
	int fd = open(path("ul"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "data", 4), 4);
	CHECK_EQ(unlink(path("ul")), 0);
	CHECK_ERR(open(path("ul"), O_RDONLY), ENOENT);
	CHECK_EQ(write(fd, "more", 4), 4);
	CHECK_EQ(pread(fd, b, 8, 0), 8);
	CHECK(!memcmp(b, "datamore", 8));
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_nlink, 0);
	close(fd);
}

TEST(rename_over_open_file)
{
	char b[8];
	int fd, old = open(path("victim"), O_RDWR | O_CREAT | O_TRUNC, 0644);

	CHECK(old >= 0);
	CHECK_EQ(write(old, "old", 3), 3);
	fd = open(path("new"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK_EQ(write(fd, "new", 3), 3);
	close(fd);
	CHECK_EQ(rename(path("new"), path("victim")), 0);
	CHECK_ERR(open(path("new"), O_RDONLY), ENOENT);
	CHECK_EQ(pread(old, b, 3, 0), 3); /* the replaced file lives on */
	CHECK(!memcmp(b, "old", 3));
	fd = open(path("victim"), O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(read(fd, b, 3), 3);
	CHECK(!memcmp(b, "new", 3));
	close(fd);
	close(old);
	unlink(path("victim"));
}

TEST(mmap_private_and_shared)
{
	static char a[10000];
	int fd = open(path("mm"), O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	CHECK(fd >= 0);
	fill(a, sizeof(a), 3);
	CHECK_EQ(write(fd, a, sizeof(a)), sizeof(a));
	p = mmap(NULL, sizeof(a), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(!memcmp(p, a, sizeof(a)));
	p[5000] = ~a[5000]; /* private: the file keeps its byte */
	CHECK_EQ(pread(fd, a + 5000, 1, 5000), 1);
	CHECK(p[5000] != a[5000]);
	munmap(p, sizeof(a));
	p = mmap(NULL, sizeof(a), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (on_fat()) { /* no page cache to share (fat_file.c) */
		CHECK(p == MAP_FAILED && errno == ENODEV);
	} else {
		CHECK(p != MAP_FAILED);
		munmap(p, sizeof(a));
	}
	p = mmap(NULL, sizeof(a), PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(!memcmp(p, a, sizeof(a)));
	munmap(p, sizeof(a));
	close(fd);
	unlink(path("mm"));
}

static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

TEST(readdir_sees_each_name_once)
{
	char prefix[64], name[128];
	const char *dir = on_fat() ? getenv("FAT_DIR") : "/tmp";

	snprintf(prefix, sizeof(prefix), "fatfs-%d many ", (int)getpid());
	for (int i = 0; i < 120; i++) {
		snprintf(name, sizeof(name), "%s/%s%03d with a long tail", dir,
			 prefix, i);
		int fd = open(name, O_CREAT | O_WRONLY, 0644);
		CHECK(fd >= 0);
		close(fd);
	}
	CHECK_EQ(count_entries(dir, prefix), 120);
	for (int i = 0; i < 120; i += 2) {
		snprintf(name, sizeof(name), "%s/%s%03d with a long tail", dir,
			 prefix, i);
		CHECK_EQ(unlink(name), 0);
	}
	CHECK_EQ(count_entries(dir, prefix), 60);
	for (int i = 1; i < 120; i += 2) {
		snprintf(name, sizeof(name), "%s/%s%03d with a long tail", dir,
			 prefix, i);
		CHECK_EQ(unlink(name), 0);
	}
	CHECK_EQ(count_entries(dir, prefix), 0);
}

TEST(vfat_semantics)
{
	struct stat a, b;
	struct statfs sf;
	struct timespec t[2] = { { 1000000001, 0 }, { 1000000001, 0 } };
	int fd;

	if (!on_fat())
		return; /* vfat's own answers only */
	CHECK_EQ(statfs(getenv("FAT_DIR"), &sf), 0);
	CHECK_EQ(sf.f_type, 0x4d44); /* MSDOS_SUPER_MAGIC */
	fd = open(path("MiXeD.txt"), O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_EQ(stat(path("MiXeD.txt"), &a), 0);
	CHECK_EQ(stat(path("mixed.TXT"), &b), 0);
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_ERR(link(path("MiXeD.txt"), path("hard")), EPERM);
	CHECK_ERR(symlink("x", path("sym")), EPERM);
	CHECK_ERR(mkfifo(path("fifo"), 0644), EPERM);
	CHECK_ERR(open(path("a:b"), O_CREAT | O_WRONLY, 0644), EINVAL);
	CHECK_ERR(mkdir(path("q?"), 0755), EINVAL);
	/* DOS times hold 2 seconds. */
	CHECK_EQ(utimensat(AT_FDCWD, path("MiXeD.txt"), t, 0), 0);
	CHECK_EQ(stat(path("MiXeD.txt"), &a), 0);
	CHECK_EQ(a.st_mtime, 1000000000);
	CHECK_EQ(unlink(path("mixed.txt")), 0);
	CHECK_ERR(stat(path("MiXeD.txt"), &a), ENOENT);
}
