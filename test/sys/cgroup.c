/* SPDX-License-Identifier: MIT */
/* cgroup2 (Documentation/admin-guide/cgroup-v2.rst): a fresh mount shows
 * the hierarchy; groups are made and removed with mkdir and rmdir;
 * processes move by writing their pid to cgroup.procs and leave at
 * exit; cgroup.events, cgroup.kill and the limits. */
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char root[64], group[128];

/* Mounts cgroup2 on a new directory and names a test group under it. */
static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/cg.%d", getpid());
	CHECK(mkdir(root, 0755) == 0 || errno == EEXIST);
	CHECK_EQ(mount("none", root, "cgroup2", 0, NULL), 0);
	snprintf(group, sizeof(group), "%s/strix-test.%d", root, getpid());
}

static void teardown(void)
{
	rmdir(group);
	umount(root);
	rmdir(root);
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	int fd, r;

	/* As a shell's "printf 0 > file" opens it. */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	r = (int)write(fd, text, strlen(text));
	close(fd);
	return r < 0 ? -1 : 0;
}

static char *read_file(const char *dir, const char *name)
{
	static char buf[4096];
	char path[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = 0;
	return buf;
}

/* A child that waits on a pipe until the test closes it. */
static pid_t sleeper(int *release)
{
	int p[2];
	pid_t pid;
	char c;

	CHECK_EQ(pipe(p), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		(void)!read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	*release = p[1];
	return pid;
}

static int pid_listed(const char *text, pid_t pid)
{
	char want[16];
	const char *s = text;

	snprintf(want, sizeof(want), "%d\n", pid);
	for (; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL)
		if (!strncmp(s, want, strlen(want)))
			return 1;
	return 0;
}

TEST(mount_shows_interface_files)
{
	setup();
	CHECK(read_file(root, "cgroup.procs") != NULL);
	CHECK(read_file(root, "cgroup.controllers") != NULL);
	CHECK(read_file(root, "cgroup.subtree_control") != NULL);
	CHECK(strstr(read_file(root, "cgroup.stat"), "nr_descendants ") !=
	      NULL);
	/* The root has no cgroup.events or cgroup.kill. */
	CHECK(read_file(root, "cgroup.events") == NULL && errno == ENOENT);
	CHECK(strstr(read_file("/proc/self", "cgroup"), "0::/") != NULL);
	teardown();
}

TEST(mkdir_makes_a_group_with_its_files)
{
	setup();
	CHECK_EQ(mkdir(group, 0755), 0);
	CHECK_ERR(mkdir(group, 0755), EEXIST);
	CHECK_EQ(strcmp(read_file(group, "cgroup.type"), "domain\n"), 0);
	CHECK_EQ(strcmp(read_file(group, "cgroup.procs"), ""), 0);
	CHECK(strstr(read_file(group, "cgroup.events"), "populated 0\n"));
	CHECK_EQ(strcmp(read_file(group, "cgroup.max.depth"), "max\n"), 0);
	DIR *d = opendir(root);
	struct dirent *e;
	int found = 0;
	CHECK(d != NULL);
	while ((e = readdir(d)))
		found |= !strcmp(e->d_name, strrchr(group, '/') + 1) &&
			 e->d_type == DT_DIR;
	closedir(d);
	CHECK(found);
	CHECK_EQ(rmdir(group), 0);
	CHECK_ERR(rmdir(group), ENOENT);
	teardown();
}

TEST(procs_move_and_leave_at_exit)
{
	int release, st;
	char pidtext[16], path[256];

	setup();
	CHECK_EQ(mkdir(group, 0755), 0);
	pid_t pid = sleeper(&release);
	snprintf(pidtext, sizeof(pidtext), "%d\n", pid);
	CHECK_EQ(write_file(group, "cgroup.procs", pidtext), 0);
	CHECK(pid_listed(read_file(group, "cgroup.procs"), pid));
	CHECK(!pid_listed(read_file(root, "cgroup.procs"), pid));
	CHECK(strstr(read_file(group, "cgroup.events"), "populated 1\n"));
	snprintf(path, sizeof(path), "/proc/%d", pid);
	CHECK(strstr(read_file(path, "cgroup"), strrchr(group, '/')) != NULL);
	/* A populated group cannot be removed. */
	CHECK_ERR(rmdir(group), EBUSY);
	close(release);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(strstr(read_file(group, "cgroup.events"), "populated 0\n"));
	CHECK_EQ(rmdir(group), 0);
	teardown();
}

TEST(children_inherit_the_group)
{
	int st;

	setup();
	CHECK_EQ(mkdir(group, 0755), 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* "0" is the writer itself. */
		if (write_file(group, "cgroup.procs", "0"))
			_exit(2);
		pid_t grandchild = fork();
		if (grandchild == 0) {
			char *t = read_file("/proc/self", "cgroup");
			_exit(t && strstr(t, strrchr(group, '/')) ? 0 : 3);
		}
		waitpid(grandchild, &st, 0);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 4);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
	CHECK_EQ(rmdir(group), 0);
	teardown();
}

TEST(kill_ends_every_process)
{
	int release, st;
	char pidtext[16];

	setup();
	CHECK_EQ(mkdir(group, 0755), 0);
	pid_t pid = sleeper(&release);
	snprintf(pidtext, sizeof(pidtext), "%d", pid);
	CHECK_EQ(write_file(group, "cgroup.procs", pidtext), 0);
	CHECK_EQ(write_file(group, "cgroup.kill", "1"), 0);
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGKILL);
	close(release);
	CHECK_EQ(rmdir(group), 0);
	teardown();
}

TEST(bad_writes_are_refused)
{
	char sub[192];

	setup();
	CHECK_EQ(mkdir(group, 0755), 0);
	CHECK_ERR(write_file(group, "cgroup.procs", "abc"), EINVAL);
	CHECK_ERR(write_file(group, "cgroup.procs", "99999999"), ESRCH);
	CHECK_ERR(write_file(group, "cgroup.subtree_control", "+nosuch"),
		  EINVAL);
	CHECK_ERR(write_file(group, "cgroup.kill", "2"), ERANGE);
	/* No more descendants than cgroup.max.descendants allows. */
	CHECK_EQ(write_file(group, "cgroup.max.descendants", "0"), 0);
	snprintf(sub, sizeof(sub), "%s/sub", group);
	CHECK_ERR(mkdir(sub, 0755), EAGAIN);
	CHECK_EQ(write_file(group, "cgroup.max.descendants", "max"), 0);
	CHECK_EQ(mkdir(sub, 0755), 0);
	CHECK_ERR(rmdir(group), EBUSY);
	CHECK_EQ(rmdir(sub), 0);
	CHECK_EQ(rmdir(group), 0);
	teardown();
}
