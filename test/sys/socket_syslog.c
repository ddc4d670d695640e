/* SPDX-License-Identifier: MIT */
/*
 * BusyBox syslogd listening on /dev/log (SOCK_DGRAM) and logger writing
 * to it, in a chroot of their own so that the host's /dev/log is left
 * alone when this runs on Linux.
 */
#include "sock.h"

#include <sys/wait.h>
#include <stdbool.h>
#include <time.h>

static char root[64];

static void copy_file(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	CHECK(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	CHECK(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK_EQ(write(out, buf, n), n);
	CHECK_EQ(n, 0);
	close(in);
	close(out);
}

/* Runs busybox with args inside the chroot; returns the pid. */
static pid_t run(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		if (chroot(root) || chdir("/"))
			_exit(126);
		execv("/bin/busybox", argv);
		_exit(127);
	}
	CHECK(pid > 0);
	return pid;
}

static bool file_has(const char *path, const char *text)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, text) != NULL;
}

static void wait_for(bool (*cond)(void), int seconds)
{
	for (int i = 0; i < seconds * 20 && !cond(); i++)
		usleep(50000);
	CHECK(cond());
}

static char path_log[128], path_msgs[128];

static bool log_ready(void)
{
	struct stat st;

	return stat(path_log, &st) == 0 && S_ISSOCK(st.st_mode);
}

static bool logged(void)
{
	return file_has(path_msgs, "hello-from-logger");
}

TEST(busybox_syslogd_and_logger)
{
	char *syslogd[] = { "syslogd", "-n", "-O", "/var/log/messages", NULL };
	char *logger[] = { "logger", "-t", "strix", "hello-from-logger", NULL };
	char dir[128];
	pid_t d, l;
	int status;

	if (getuid() != 0)
		return;
	mkdir("/tmp", 01777);
	strcpy(root, "/tmp/syslog.XXXXXX");
	CHECK(mkdtemp(root) != NULL);
	const char *dirs[] = { "bin", "dev", "var", "var/log", "tmp" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", root, dirs[i]);
		CHECK_EQ(mkdir(dir, 0755), 0);
	}
	snprintf(dir, sizeof(dir), "%s/bin/busybox", root);
	copy_file("/bin/busybox", dir);
	snprintf(path_log, sizeof(path_log), "%s/dev/log", root);
	snprintf(path_msgs, sizeof(path_msgs), "%s/var/log/messages", root);
	d = run(syslogd);
	wait_for(log_ready, 8);
	l = run(logger);
	CHECK_EQ(waitpid(l, &status, 0), l);
	CHECK_EQ(status, 0);
	wait_for(logged, 8);
	CHECK(file_has(path_msgs, "strix"));
	kill(d, SIGTERM);
	CHECK_EQ(waitpid(d, &status, 0), d);
}
