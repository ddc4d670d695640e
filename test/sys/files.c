/* SPDX-License-Identifier: MIT */
/* Files: open flags, I/O, seeking, stat, directories, links, renames,
 * permissions, fd tables. Each case works in its own fresh directory. */
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

/* A new empty directory to work in; the case's cwd becomes it. */
static void enter_tmpdir(void)
{
	char dir[] = "/tmp/files.XXXXXX";

	mkdir("/tmp", 01777);
	CHECK(mkdtemp(dir) != NULL);
	CHECK_EQ(chdir(dir), 0);
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, text, strlen(text)), (long)strlen(text));
	CHECK_EQ(close(fd), 0);
}

TEST(create_write_read)
{
	char buf[64] = { 0 };
	int fd;

	enter_tmpdir();
	fd = open("a", O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "hello world", 11), 11);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);
	CHECK_EQ(lseek(fd, 6, SEEK_SET), 6);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 5);
	CHECK(!memcmp(buf, "world", 5));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	CHECK_ERR(open("a", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("a/b", O_RDONLY), ENOTDIR);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_EQ(lseek(fd, -3, SEEK_END), 8);
	CHECK_ERR(write(open("a", O_RDONLY), "x", 1), EBADF);
	CHECK_EQ(close(fd), 0);
	CHECK_ERR(close(fd), EBADF);
}

TEST(append_and_truncate)
{
	struct stat st;
	char buf[16];
	int fd;

	enter_tmpdir();
	put("f", "abc");
	fd = open("f", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "def", 3), 3); /* O_APPEND ignores the offset */
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 6);
	CHECK_EQ(ftruncate(fd, 2), 0);
	CHECK_EQ(stat("f", &st), 0);
	CHECK_EQ(st.st_size, 2);
	CHECK_EQ(truncate("f", 10000), 0); /* the new tail reads as zeros */
	close(fd);
	fd = open("f", O_RDONLY);
	CHECK_EQ(pread(fd, buf, 4, 2), 4);
	CHECK(!memcmp(buf, "\0\0\0\0", 4));
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0); /* pread keeps the offset */
	CHECK_ERR(ftruncate(fd, 0), EINVAL); /* not open for writing */
	CHECK_ERR(truncate("f", -1), EINVAL);
	close(fd);
	fd = open("f", O_WRONLY | O_TRUNC);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
}

TEST(sparse_and_large_offsets)
{
	struct stat st;
	char c = 0;
	int fd;

	enter_tmpdir();
	fd = open("s", O_RDWR | O_CREAT, 0644);
	CHECK_EQ(pwrite(fd, "z", 1, 1 << 20), 1);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, (1 << 20) + 1);
	CHECK_EQ(pread(fd, &c, 1, 12345), 1);
	CHECK_EQ(c, 0);
	CHECK_EQ(lseek(fd, 0, SEEK_END), (1 << 20) + 1);
	CHECK_ERR(pread(fd, &c, 1, -1), EINVAL);
}

TEST(readv_writev)
{
	char a[3], b[5];
	struct iovec w[] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	struct iovec r[] = { { a, 3 }, { b, 5 } };
	int fd;

	enter_tmpdir();
	fd = open("v", O_RDWR | O_CREAT, 0644);
	CHECK_EQ(writev(fd, w, 3), 8);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(readv(fd, r, 2), 8);
	CHECK(!memcmp(a, "abc", 3) && !memcmp(b, "defgh", 5));
	CHECK_ERR(readv(fd, r, -1), EINVAL);
	CHECK_EQ(preadv(fd, r, 1, 5), 3);
	CHECK(!memcmp(a, "fgh", 3));
}

TEST(stat_fields)
{
	struct stat st, st2;
	struct timespec times[2] = { { 1000000000, 5 }, { 1200000000, 7 } };

	enter_tmpdir();
	put("f", "12345");
	CHECK_EQ(stat("f", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0644 & ~022);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_EQ(st.st_size, 5);
	CHECK_EQ(st.st_uid, getuid());
	CHECK(st.st_blksize > 0);
	CHECK_EQ(utimensat(AT_FDCWD, "f", times, 0), 0);
	CHECK_EQ(stat("f", &st2), 0);
	CHECK_EQ(st2.st_atim.tv_sec, 1000000000);
	CHECK_EQ(st2.st_mtim.tv_sec, 1200000000);
	CHECK_EQ(st2.st_mtim.tv_nsec, 7);
	CHECK(st2.st_ctim.tv_sec >= st.st_ctim.tv_sec);
	CHECK_EQ(st2.st_ino, st.st_ino);
	CHECK_EQ(stat(".", &st), 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(mkdir("sub", 0755), 0);
	CHECK_EQ(stat(".", &st), 0);
	CHECK_EQ(st.st_nlink, 3); /* sub's ".." */
}

/* musl 1.2.3 has no statx() or renameat2(): the raw calls, with the
 * leading fields of Linux's struct statx. */
struct t_statx {
	unsigned stx_mask, stx_blksize;
	unsigned long long stx_attributes;
	unsigned stx_nlink, stx_uid, stx_gid;
	unsigned short stx_mode, pad;
	unsigned long long stx_ino, stx_size;
	char rest[256 - 48];
};
#define T_STATX_BASIC_STATS 0x7ffU
#define T_RENAME_NOREPLACE 1
#define T_RENAME_EXCHANGE 2
#define statx(d, p, f, m, b) syscall(SYS_statx, d, p, f, m, b)
#define renameat2(a, b, c, d, f) syscall(SYS_renameat2, a, b, c, d, f)

TEST(statx_matches_stat)
{
	struct t_statx sx;
	struct stat st;

	enter_tmpdir();
	put("f", "abcdef");
	CHECK_EQ(statx(AT_FDCWD, "f", 0, T_STATX_BASIC_STATS, &sx), 0);
	CHECK_EQ(stat("f", &st), 0);
	CHECK_EQ(sx.stx_size, 6);
	CHECK_EQ(sx.stx_ino, st.st_ino);
	CHECK_EQ(sx.stx_mode, st.st_mode);
	CHECK((sx.stx_mask & T_STATX_BASIC_STATS) == T_STATX_BASIC_STATS);
	CHECK_ERR(statx(AT_FDCWD, "f", 0x12345678, T_STATX_BASIC_STATS, &sx),
		  EINVAL);
}

TEST(directories)
{
	char names[8][32];
	int n = 0, dots = 0;
	struct dirent *de;
	DIR *d;

	enter_tmpdir();
	CHECK_EQ(mkdir("d", 0755), 0);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	put("d/x", "1");
	put("d/y", "2");
	CHECK_EQ(mkdir("d/z", 0700), 0);
	d = opendir("d");
	CHECK(d != NULL);
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) {
			dots++;
			CHECK_EQ(de->d_type, DT_DIR);
			continue;
		}
		CHECK(n < 8);
		strcpy(names[n++], de->d_name);
		CHECK_EQ(de->d_type, strcmp(de->d_name, "z") ? DT_REG : DT_DIR);
	}
	closedir(d);
	CHECK_EQ(dots, 2);
	CHECK_EQ(n, 3);
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK_ERR(unlink("d/z"), EISDIR);
	CHECK_ERR(rmdir("d/x"), ENOTDIR);
	CHECK_ERR(rmdir("."), EINVAL);
	CHECK_EQ(unlink("d/x"), 0);
	CHECK_EQ(unlink("d/y"), 0);
	CHECK_EQ(rmdir("d/z"), 0);
	CHECK_EQ(rmdir("d"), 0);
	CHECK_ERR(opendir("d") ? 0 : -1, ENOENT);
	CHECK_ERR(open(".", O_WRONLY), EISDIR);
	CHECK_ERR(open("nodir/x", O_CREAT | O_WRONLY, 0644), ENOENT);
}

TEST(getdents_small_buffer)
{
	char buf[4096];
	long n, total = 0;
	int fd;

	enter_tmpdir();
	for (int i = 0; i < 50; i++) {
		char name[32];

		snprintf(name, sizeof(name), "file-with-a-long-name-%02d", i);
		put(name, "x");
	}
	fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, 8), EINVAL);
	/* A buffer that holds a few entries at a time sees all 52. */
	while ((n = syscall(SYS_getdents64, fd, buf, 100)) > 0)
		for (long off = 0; off < n;) {
			unsigned short reclen;

			memcpy(&reclen, buf + off + 16, 2);
			CHECK(reclen > 0 && reclen % 8 == 0);
			off += reclen;
			total++;
		}
	CHECK_EQ(n, 0);
	CHECK_EQ(total, 52);
	CHECK_ERR(syscall(SYS_getdents64,
			  open("file-with-a-long-name-00", O_RDONLY), buf,
			  sizeof(buf)),
		  ENOTDIR);
}

TEST(links_and_symlinks)
{
	char buf[PATH_MAX];
	struct stat st;

	enter_tmpdir();
	put("f", "data");
	CHECK_EQ(link("f", "g"), 0);
	CHECK_EQ(stat("g", &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_ERR(link("f", "g"), EEXIST);
	CHECK_EQ(mkdir("d", 0755), 0);
	CHECK_ERR(link("d", "d2"), EPERM);
	CHECK_EQ(symlink("f", "s"), 0);
	CHECK_EQ(symlink("nowhere", "dangling"), 0);
	CHECK_EQ(readlink("s", buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'f');
	CHECK_EQ(readlink("s", buf, 0 + 1), 1);
	CHECK_ERR(readlink("f", buf, sizeof(buf)), EINVAL);
	CHECK_EQ(lstat("s", &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_size, 1);
	CHECK_EQ(stat("s", &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_ERR(stat("dangling", &st), ENOENT);
	CHECK_EQ(lstat("dangling", &st), 0);
	CHECK_ERR(open("s", O_RDONLY | O_NOFOLLOW), ELOOP);
	CHECK_EQ(symlink("loop2", "loop1"), 0);
	CHECK_EQ(symlink("loop1", "loop2"), 0);
	CHECK_ERR(open("loop1", O_RDONLY), ELOOP);
	CHECK_EQ(symlink("d", "sd"), 0);
	put("sd/inside", "x");
	CHECK_EQ(stat("d/inside", &st), 0);
	CHECK_EQ(unlink("f"), 0);
	CHECK_EQ(stat("g", &st), 0);
	CHECK_EQ(st.st_nlink, 1);
	CHECK_ERR(stat("s", &st), ENOENT);
}

TEST(symlink_chain_limit)
{
	char from[16], to[16];
	int fd;

	enter_tmpdir();
	put("t", "end");
	/* l0 -> t, l1 -> l0, ...: 40 links resolve, 41 do not (ELOOP). */
	for (int i = 0; i <= 40; i++) {
		snprintf(to, sizeof(to), i ? "l%d" : "t", i - 1);
		snprintf(from, sizeof(from), "l%d", i);
		CHECK_EQ(symlink(to, from), 0);
	}
	fd = open("l39", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
	CHECK_ERR(open("l40", O_RDONLY), ELOOP);
}

TEST(rename_rules)
{
	struct stat st;
	char buf[8] = { 0 };
	int fd;

	enter_tmpdir();
	put("a", "A");
	put("b", "B");
	CHECK_EQ(rename("a", "b"), 0); /* replaces b */
	CHECK_ERR(stat("a", &st), ENOENT);
	fd = open("b", O_RDONLY);
	CHECK_EQ(read(fd, buf, 8), 1);
	CHECK_EQ(buf[0], 'A');
	CHECK_EQ(mkdir("d", 0755), 0);
	CHECK_EQ(mkdir("e", 0755), 0);
	put("e/x", "1");
	CHECK_ERR(rename("d", "e"), ENOTEMPTY);
	CHECK_ERR(rename("b", "d"), EISDIR);
	CHECK_ERR(rename("d", "b"), ENOTDIR);
	CHECK_ERR(rename("d", "d/sub"), EINVAL);
	CHECK_EQ(rename("e", "d"), 0); /* over an empty directory */
	CHECK_EQ(stat("d/x", &st), 0);
	CHECK_EQ(rename("b", "d/b"), 0);
	CHECK_EQ(stat("d/b", &st), 0);
	CHECK_EQ(rename("d/b", "d/b"), 0);
	put("c", "C");
	CHECK_ERR(renameat2(AT_FDCWD, "c", AT_FDCWD, "d/b", T_RENAME_NOREPLACE),
		  EEXIST);
	CHECK_EQ(renameat2(AT_FDCWD, "c", AT_FDCWD, "d/b", T_RENAME_EXCHANGE),
		 0);
	fd = open("c", O_RDONLY);
	CHECK_EQ(read(fd, buf, 8), 1);
	CHECK_EQ(buf[0], 'A');
}

TEST(open_unlinked_file_stays)
{
	char buf[8] = { 0 };
	int fd;

	enter_tmpdir();
	put("f", "kept");
	fd = open("f", O_RDONLY);
	CHECK_EQ(unlink("f"), 0);
	CHECK_EQ(read(fd, buf, 8), 4);
	CHECK(!memcmp(buf, "kept", 4));
}

TEST(dup_and_cloexec)
{
	int fd, fd2, flags;

	enter_tmpdir();
	put("f", "0123456789");
	fd = open("f", O_RDONLY | O_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	fd2 = dup(fd);
	CHECK_EQ(fcntl(fd2, F_GETFD), 0); /* dup clears close-on-exec */
	CHECK_EQ(lseek(fd, 4, SEEK_SET), 4);
	CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 4); /* shared offset */
	CHECK_EQ(dup2(fd, 50), 50);
	CHECK_EQ(dup2(50, 50), 50);
	CHECK_ERR(dup3(50, 50, 0), EINVAL);
	CHECK_EQ(dup3(fd, 51, O_CLOEXEC), 51);
	CHECK_EQ(fcntl(51, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_DUPFD, 60), 60);
	CHECK_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 60), 61);
	CHECK_EQ(fcntl(61, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK_ERR(dup(9999), EBADF);
	flags = fcntl(fd, F_GETFL);
	CHECK_EQ(flags & O_ACCMODE, O_RDONLY);
	CHECK_EQ(fcntl(fd, F_SETFL, flags | O_NONBLOCK | O_APPEND), 0);
	CHECK((fcntl(fd2, F_GETFL) & (O_NONBLOCK | O_APPEND)) ==
	      (O_NONBLOCK | O_APPEND));
}

/* After exec, close-on-exec descriptors are gone and others stay. */
TEST(cloexec_across_exec)
{
	int keep = open("/dev/null", O_RDONLY);
	int drop = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char cmd[128];
	int status;
	pid_t pid;

	CHECK(keep >= 0 && drop >= 0);
	snprintf(cmd, sizeof(cmd),
		 "test -e /proc/self/fd/%d && ! test -e "
		 "/proc/self/fd/%d",
		 keep, drop);
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

TEST(lowest_free_fd)
{
	int a, b;

	a = open("/dev/null", O_RDONLY);
	b = open("/dev/null", O_RDONLY);
	CHECK_EQ(b, a + 1);
	close(a);
	CHECK_EQ(open("/dev/null", O_RDONLY), a);
	CHECK_EQ(close(0), 0);
	CHECK_EQ(open("/dev/null", O_RDONLY), 0);
}

TEST(umask_and_modes)
{
	struct stat st;

	enter_tmpdir();
	CHECK_EQ(umask(077), 022);
	CHECK_EQ(umask(077), 077);
	put("f", "");
	CHECK_EQ(stat("f", &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(chmod("f", 04755), 0);
	CHECK_EQ(stat("f", &st), 0);
	CHECK_EQ(st.st_mode & 07777, 04755);
	CHECK_EQ(mkdir("d", 0777), 0);
	CHECK_EQ(stat("d", &st), 0);
	CHECK_EQ(st.st_mode & 0777, 0700);
	CHECK_EQ(mknod("fifo", S_IFIFO | 0666, 0), 0);
	CHECK_EQ(stat("fifo", &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_ERR(chmod("missing", 0644), ENOENT);
}

/* An unprivileged user meets the permission bits. */
TEST(permissions_as_user)
{
	struct stat st;
	int fd;

	enter_tmpdir();
	put("secret", "s");
	CHECK_EQ(chmod("secret", 0600), 0);
	put("public", "p");
	CHECK_EQ(chmod("public", 0644), 0);
	CHECK_EQ(mkdir("locked", 0700), 0);
	CHECK_EQ(chmod(".", 0755), 0);
	CHECK_EQ(setgid(1000), 0);
	CHECK_EQ(setuid(1000), 0);
	CHECK_ERR(open("secret", O_RDONLY), EACCES);
	fd = open("public", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(open("public", O_WRONLY), EACCES);
	CHECK_ERR(open("new", O_CREAT | O_WRONLY, 0644), EACCES);
	CHECK_ERR(unlink("public"), EACCES);
	CHECK_ERR(stat("locked/x", &st), EACCES);
	CHECK_ERR(chmod("public", 0666), EPERM);
	CHECK_ERR(chown("public", 1000, 1000), EPERM);
	CHECK_EQ(access("public", R_OK), 0);
	CHECK_ERR(access("public", W_OK), EACCES);
	CHECK_ERR(access("secret", R_OK), EACCES);
	CHECK_EQ(access("secret", F_OK), 0);
}

TEST(chown_as_root)
{
	struct stat st;

	enter_tmpdir();
	put("f", "");
	CHECK_EQ(chmod("f", 06755), 0);
	CHECK_EQ(chown("f", 12, 34), 0);
	CHECK_EQ(stat("f", &st), 0);
	CHECK_EQ(st.st_uid, 12);
	CHECK_EQ(st.st_gid, 34);
	/* chown clears set-user-ID and set-group-ID on an executable. */
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_EQ(chown("f", -1, -1), 0);
	CHECK_EQ(lchown("f", 0, -1), 0);
	CHECK_EQ(stat("f", &st), 0);
	CHECK_EQ(st.st_uid, 0);
	CHECK_EQ(st.st_gid, 34);
}

TEST(at_functions_and_cwd)
{
	char buf[PATH_MAX], cwd[PATH_MAX];
	struct stat st;
	int dfd;

	enter_tmpdir();
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_EQ(mkdir("d", 0755), 0);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK_EQ(mkdirat(dfd, "sub", 0755), 0);
	CHECK_EQ(close(openat(dfd, "sub/f", O_CREAT | O_WRONLY, 0644)), 0);
	CHECK_EQ(fstatat(dfd, "sub/f", &st, 0), 0);
	CHECK_EQ(faccessat(dfd, "sub/f", R_OK, 0), 0);
	CHECK_EQ(symlinkat("sub/f", dfd, "ln"), 0);
	CHECK_EQ(readlinkat(dfd, "ln", buf, sizeof(buf)), 5);
	CHECK_EQ(fstatat(dfd, "ln", &st, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(unlinkat(dfd, "ln", 0), 0);
	CHECK_ERR(unlinkat(dfd, "sub", 0), EISDIR);
	CHECK_EQ(unlinkat(dfd, "sub/f", 0), 0);
	CHECK_EQ(unlinkat(dfd, "sub", AT_REMOVEDIR), 0);
	CHECK_EQ(fchdir(dfd), 0);
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK(!strncmp(buf, cwd, strlen(cwd)));
	CHECK(!strcmp(buf + strlen(cwd), "/d"));
	CHECK_EQ(chdir(".."), 0);
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK(!strcmp(buf, cwd));
	CHECK_EQ(chdir("/.."), 0);
	CHECK(getcwd(buf, sizeof(buf)) != NULL);
	CHECK(!strcmp(buf, "/"));
	CHECK_ERR(getcwd(buf, 1) ? 0 : -1, ERANGE);
	CHECK_ERR(openat(9999, "x", O_RDONLY), EBADF);
	CHECK_ERR(openat(open("/dev/null", O_RDONLY), "x", O_RDONLY), ENOTDIR);
}

TEST(dev_nodes)
{
	char buf[16];
	int fd;

	fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "x", 1), 1);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 1, sizeof(buf));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 16);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(buf[i], 0);
	fd = open("/dev/full", O_WRONLY);
	CHECK_ERR(write(fd, "x", 1), ENOSPC);
	fd = open("/dev/urandom", O_RDONLY);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 16);
}

TEST(bad_arguments)
{
	char big[PATH_MAX + 10];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK_ERR(open(big, O_RDONLY), ENAMETOOLONG);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(read(-1, big, 1), EBADF);
	CHECK_ERR(lseek(open("/proc/self/exe", O_RDONLY), 0, 12345), EINVAL);
	CHECK_ERR(fcntl(open("/dev/null", O_RDONLY), 12345), EINVAL);
}
