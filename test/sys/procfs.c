/* SPDX-License-Identifier: MIT */
/* /proc as ps, top, free and the shells read it. */
#include "t.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* The whole of a /proc file, NUL-terminated. */
static char *slurp(const char *path)
{
	static char buf[65536];
	long n, got = 0;
	int fd = open(path, O_RDONLY);

	CHECK(fd >= 0);
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	CHECK(n == 0);
	close(fd);
	buf[got] = 0;
	return buf;
}

TEST(self_links)
{
	char buf[PATH_MAX], want[32];
	long n;

	n = readlink("/proc/self", buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n] = 0;
	snprintf(want, sizeof(want), "%d", getpid());
	CHECK(!strcmp(buf, want));
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	CHECK(n > 0);
	buf[n] = 0;
	CHECK(strstr(buf, "procfs") != NULL);
	CHECK_EQ(chdir("/"), 0);
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	CHECK_EQ(n, 1);
	n = readlink("/proc/self/fd/1", buf, sizeof(buf) - 1);
	CHECK(n > 0);
	CHECK_ERR(readlink("/proc/self/fd/999", buf, sizeof(buf)), ENOENT);
}

TEST(stat_line)
{
	char *s = slurp("/proc/self/stat"), state, comm[64];
	int pid, ppid, pgrp, sid;
	char *rp = strrchr(s, ')');

	CHECK(rp != NULL);
	CHECK_EQ(sscanf(s, "%d (%63[^)])", &pid, comm), 2);
	CHECK_EQ(pid, getpid());
	CHECK(!strcmp(comm, "procfs"));
	CHECK_EQ(sscanf(rp + 2, "%c %d %d %d", &state, &ppid, &pgrp, &sid), 4);
	CHECK_EQ(state, 'R');
	CHECK_EQ(ppid, getppid());
	CHECK_EQ(pgrp, getpgrp());
	CHECK_EQ(sid, getsid(0));
	/* 52 fields in all, as Linux 5.x and later print. */
	int fields = 2;
	for (char *p = rp + 1; *p; p++)
		if (*p == ' ')
			fields++;
	CHECK_EQ(fields, 52);
}

TEST(status_fields)
{
	char *s = slurp("/proc/self/status"), want[64];

	CHECK(!strncmp(s, "Name:\tprocfs\n", 13));
	snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
	CHECK(strstr(s, want) != NULL);
	snprintf(want, sizeof(want), "\nPPid:\t%d\n", getppid());
	CHECK(strstr(s, want) != NULL);
	CHECK(strstr(s, "\nUid:\t0\t0\t0\t0\n") != NULL);
	CHECK(strstr(s, "\nState:\tR (running)\n") != NULL);
	CHECK(strstr(s, "\nVmRSS:") != NULL);
	CHECK(strstr(s, "\nThreads:\t1\n") != NULL);
	CHECK(strstr(s, "\nSigBlk:\t") != NULL);
}

TEST(cmdline_and_environ)
{
	char *s;
	int p[2], status;
	pid_t pid;
	char path[64];

	CHECK_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "sleep", "5", NULL };
		char *envp[] = { "A=1", "B=two", NULL };

		execve("/bin/sleep", argv, envp);
		_exit(127);
	}
	usleep(200000);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	s = slurp(path);
	CHECK(!memcmp(s,
		      "sleep\0"
		      "5\0",
		      8));
	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	s = slurp(path);
	CHECK(!memcmp(s, "A=1\0B=two\0", 10));
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	s = slurp(path);
	CHECK(strstr(s, "(sleep) S ") != NULL);
	kill(pid, SIGKILL);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
}

TEST(maps_show_mappings)
{
	char *s, want[64];
	void *m =
		mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED);
	s = slurp("/proc/self/maps");
	snprintf(want, sizeof(want), "%lx-%lx r--p 00000000 00:00 0",
		 (unsigned long)m, (unsigned long)m + 8192);
	CHECK(strstr(s, want) != NULL);
	CHECK(strstr(s, "[stack]\n") != NULL);
	CHECK(strstr(s, "r-xp") != NULL);
	CHECK(strstr(s, "/test/bin/procfs") || strstr(s, "/procfs\n"));
}

TEST(system_files)
{
	char *s;
	double up, idle;
	double l1, l5, l15;
	int run, total, last;

	s = slurp("/proc/uptime");
	CHECK_EQ(sscanf(s, "%lf %lf", &up, &idle), 2);
	CHECK(up > 0);
	s = slurp("/proc/loadavg");
	CHECK_EQ(sscanf(s, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &total,
			&last),
		 6);
	CHECK(run >= 1 && total >= run);
	s = slurp("/proc/meminfo");
	CHECK(!strncmp(s, "MemTotal:", 9));
	CHECK(strstr(s, "\nMemFree:") && strstr(s, "\nMemAvailable:"));
	s = slurp("/proc/stat");
	CHECK(!strncmp(s, "cpu ", 4));
	CHECK(strstr(s, "\nbtime ") != NULL);
	s = slurp("/proc/mounts");
	CHECK(strstr(s, " /proc proc ") != NULL);
	s = slurp("/proc/filesystems");
	CHECK(strstr(s, "nodev\tproc\n") != NULL);
	s = slurp("/proc/sys/kernel/ostype");
	CHECK(!strcmp(s, "Linux\n"));
	s = slurp("/proc/cpuinfo");
	CHECK(!strncmp(s, "processor\t: 0\n", 14));
}

TEST(pid_directories_listed)
{
	char buf[32];
	int fd, found = 0;
	long n;
	char dents[8192];

	snprintf(buf, sizeof(buf), "%d", getpid());
	fd = open("/proc", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	while ((n = syscall(SYS_getdents64, fd, dents, sizeof(dents))) > 0)
		for (long off = 0; off < n;) {
			unsigned short reclen;

			memcpy(&reclen, dents + off + 16, 2);
			if (!strcmp(dents + off + 19, buf))
				found = 1;
			off += reclen;
		}
	CHECK(found);
	CHECK_ERR(open("/proc/99999999/stat", O_RDONLY), ENOENT);
}
