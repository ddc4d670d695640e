/* SPDX-License-Identifier: MIT */
/* Bad pointers to system calls return EFAULT; the kernel survives. */
#include "t.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

/* Addresses no program may use: unmapped, kernel, non-canonical, NULL. */
static void *const bad[] = {
	(void *)0, (void *)1, (void *)0x1000,
	(void *)0xffff800000000000ULL, (void *)0xffffffff80000000ULL,
	(void *)0x0000800000000000ULL, (void *)0x7ffffffff000ULL,
	(void *)0xdeadbeef000ULL, (void *)-1L,
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

/* /dev/null never reads the buffer, so write to a pipe instead. */
TEST(read_write_with_bad_buffers)
{
	int fd = open("/dev/zero", O_RDONLY), p[2];

	CHECK(fd >= 0);
	CHECK_EQ(pipe(p), 0);
	for (size_t i = 0; i < NBAD; i++) {
		CHECK_ERR(read(fd, bad[i], 16), EFAULT);
		CHECK_ERR(write(p[1], bad[i], 16), EFAULT);
	}
}

TEST(paths_with_bad_pointers)
{
	struct stat st;

	/* Raw calls: libc wrappers may touch the buffers themselves. */
	(void)st;
	for (size_t i = 0; i < NBAD; i++) {
		CHECK_ERR(syscall(SYS_open, bad[i], O_RDONLY), EFAULT);
		CHECK_ERR(syscall(SYS_stat, bad[i], &st), EFAULT);
		CHECK_ERR(syscall(SYS_stat, "/", bad[i]), EFAULT);
		CHECK_ERR(syscall(SYS_chdir, bad[i]), EFAULT);
		CHECK_ERR(syscall(SYS_execve, bad[i], NULL, NULL), EFAULT);
	}
}

TEST(structures_with_bad_pointers)
{
	for (size_t i = 0; i < NBAD; i++) {
		CHECK_ERR(syscall(SYS_uname, bad[i]), EFAULT);
		CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, bad[i]),
			  EFAULT);
		/* NULL is "no such argument" for these three */
		if (bad[i])
			CHECK_ERR(syscall(SYS_gettimeofday, bad[i], NULL),
				  EFAULT);
		CHECK_ERR(syscall(SYS_getrlimit, RLIMIT_NOFILE, bad[i]),
			  EFAULT);
		CHECK_ERR(syscall(SYS_pipe, bad[i]), EFAULT);
		CHECK_ERR(syscall(SYS_nanosleep, bad[i], NULL), EFAULT);
		if (bad[i])
			CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, bad[i],
					  NULL, 8),
				  EFAULT);
		if (bad[i])
			CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK,
					  bad[i], NULL, 8),
				  EFAULT);
		CHECK_ERR(syscall(SYS_wait4, -1, bad[i], WNOHANG, NULL),
			  ECHILD); /* no child: the pointer is never used */
		CHECK_ERR(syscall(SYS_getrandom, bad[i], 16, 0), EFAULT);
		CHECK_ERR(syscall(SYS_sysinfo, bad[i]), EFAULT);
		CHECK_ERR(syscall(SYS_getcwd, bad[i], 100), EFAULT);
	}
}

TEST(iovecs_with_bad_pointers)
{
	int fd = open("/dev/null", O_WRONLY);
	struct iovec iov[2] = { { "ok", 2 }, { NULL, 4 } };

	CHECK(fd >= 0);
	for (size_t i = 0; i < NBAD; i++) {
		CHECK_ERR(writev(fd, bad[i], 1), EFAULT);
		iov[1].iov_base = bad[i];
		/* Linux writes nothing when any iovec is bad up front? It
		 * copies what it can; /dev/null never touches the data. */
	}
	CHECK_ERR(writev(fd, iov, -1), EINVAL);
}

TEST(buffer_straddling_the_end_of_a_mapping)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/zero", O_RDONLY);

	CHECK(p != MAP_FAILED && fd >= 0);
	CHECK_EQ(munmap(p + 4096, 4096), 0);
	/* Half the buffer is valid: Linux copies that much for /dev/zero
	 * and returns the short count or EFAULT. */
	long n = read(fd, p + 4096 - 100, 200);
	CHECK(n == 100 || (n == -1 && errno == EFAULT));
	CHECK_ERR(syscall(SYS_uname, p + 4096 - 100), EFAULT);
}

TEST(readonly_memory_is_not_writable_by_the_kernel)
{
	char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	int fd = open("/dev/zero", O_RDONLY);

	CHECK(p != MAP_FAILED && fd >= 0);
	CHECK_ERR(read(fd, p, 16), EFAULT);
	CHECK_ERR(syscall(SYS_uname, p), EFAULT);
	CHECK_ERR(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p), EFAULT);
}

TEST(huge_lengths)
{
	int fd = open("/dev/zero", O_RDONLY), p[2];
	char buf[16];

	CHECK(fd >= 0);
	CHECK_EQ(pipe(p), 0);
	CHECK_ERR(write(p[1], buf, (size_t)-1 >> 1), EFAULT);
	CHECK_ERR(read(fd, (void *)0x7ffffffff000ULL, 1), EFAULT);
}
