/* SPDX-License-Identifier: MIT */
/* mount(2) flags, bind and move mounts, umount2, /proc/mounts, and
 * pivot_root(2). On Linux each case runs in its own mount namespace
 * (unshare); Strix has one, so the cases undo what they did. */
#include "t.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static char base[64];

static void setup(void)
{
	/* Linux: a private namespace, so nothing leaks to the host. */
	if (unshare(CLONE_NEWNS) == 0)
		CHECK_EQ(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(base, sizeof(base), "/tmp/mnt.%d", getpid());
	CHECK(mkdir(base, 0755) == 0 || errno == EEXIST);
}

static int mounts_have(const char *line_start)
{
	static char buf[16384];
	int fd = open("/proc/self/mounts", O_RDONLY);
	ssize_t n = 0, r;

	CHECK(fd >= 0);
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	for (char *s = buf; s && *s;
	     s = strchr(s, '\n') ? strchr(s, '\n') + 1 : 0)
		if (!strncmp(s, line_start, strlen(line_start)))
			return 1;
	return 0;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
}

TEST(flags_show_in_proc_mounts_and_apply)
{
	char line[128], file[128];

	setup();
	CHECK_EQ(mount("strixtmp", base, "tmpfs", MS_NOSUID | MS_NODEV,
		       "mode=0700"),
		 0);
	snprintf(line, sizeof(line), "strixtmp %s tmpfs rw,nosuid,nodev,",
		 base);
	CHECK(mounts_have(line));
	snprintf(file, sizeof(file), "%s/f", base);
	touch(file);
	/* Read-only by remount: writes fail with EROFS, reads work. */
	CHECK_EQ(mount(NULL, base, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
	snprintf(line, sizeof(line), "strixtmp %s tmpfs ro,", base);
	CHECK(mounts_have(line));
	CHECK_ERR(open(file, O_WRONLY), EROFS);
	CHECK(access(file, R_OK) == 0);
	CHECK_EQ(mount(NULL, base, NULL, MS_REMOUNT, NULL), 0);
	CHECK_EQ(umount2(base, 0), 0);
	CHECK_ERR(umount2(base, 0), EINVAL);
	rmdir(base);
}

TEST(bind_and_move)
{
	char a[128], b[128], c[128], f[160];

	setup();
	snprintf(a, sizeof(a), "%s/a", base);
	snprintf(b, sizeof(b), "%s/b", base);
	snprintf(c, sizeof(c), "%s/c", base);
	CHECK_EQ(mkdir(a, 0755), 0);
	CHECK_EQ(mkdir(b, 0755), 0);
	CHECK_EQ(mkdir(c, 0755), 0);
	CHECK_EQ(mount("t", a, "tmpfs", 0, NULL), 0);
	snprintf(f, sizeof(f), "%s/seen", a);
	touch(f);
	/* A bind mount shows the same files. */
	CHECK_EQ(mount(a, b, NULL, MS_BIND, NULL), 0);
	snprintf(f, sizeof(f), "%s/seen", b);
	CHECK(access(f, F_OK) == 0);
	CHECK_EQ(umount2(b, 0), 0);
	CHECK_ERR(access(f, F_OK), ENOENT);
	/* A moved mount leaves its old place. */
	CHECK_EQ(mount(a, c, NULL, MS_MOVE, NULL), 0);
	snprintf(f, sizeof(f), "%s/seen", c);
	CHECK(access(f, F_OK) == 0);
	snprintf(f, sizeof(f), "%s/seen", a);
	CHECK_ERR(access(f, F_OK), ENOENT);
	CHECK_ERR(mount(base, c, NULL, MS_MOVE, NULL), EINVAL);
	/* Busy while something is mounted below or a file is open. */
	snprintf(f, sizeof(f), "%s/seen", c);
	int fd = open(f, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(umount2(c, 0), EBUSY);
	close(fd);
	CHECK_EQ(umount2(c, 0), 0);
	rmdir(a);
	rmdir(b);
	rmdir(c);
	rmdir(base);
}

TEST(pivot_root_and_back)
{
	char old[128], here[256];

	setup();
	CHECK_EQ(mount("newroot", base, "tmpfs", 0, NULL), 0);
	snprintf(old, sizeof(old), "%s/old", base);
	CHECK_EQ(mkdir(old, 0755), 0);
	/* put_old may not be on the root mount; new_root must be a
	 * mount's root. */
	CHECK_ERR(syscall(SYS_pivot_root, base, "/tmp"), EBUSY);
	CHECK_ERR(syscall(SYS_pivot_root, old, old), EINVAL);
	CHECK_EQ(chdir("/"), 0);
	CHECK_EQ(syscall(SYS_pivot_root, base, old), 0);
	/* The tmpfs is / now, the old root is at /old. */
	CHECK(access("/old/proc", F_OK) == 0);
	CHECK(access("/proc/self", F_OK) != 0);
	CHECK(getcwd(here, sizeof(here)) && !strcmp(here, "/"));
	/* And back: the old root is a mount at /old again. */
	snprintf(old, sizeof(old), "/old%s", base);
	CHECK_EQ(syscall(SYS_pivot_root, "/old", old), 0);
	CHECK(access("/proc/self", F_OK) == 0);
	snprintf(old, sizeof(old), "%s/old", base);
	CHECK(access(old, F_OK) == 0);
	CHECK_EQ(umount2(base, 0), 0);
	rmdir(base);
}
