/* SPDX-License-Identifier: MIT */
/* Memory: brk, the mmap family, copy-on-write, faults as signals. */
#include "t.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static sigjmp_buf jump;
static volatile void *fault_addr;
static volatile int fault_sig, fault_code;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(jump, 1);
}

/* Touches addr (reading or writing); returns the signal it raised. */
static int probe(volatile char *addr, int write)
{
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	fault_sig = 0;
	if (sigsetjmp(jump, 1) == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
	}
	return fault_sig;
}

/* musl's sbrk() refuses to move the break, so talk to brk directly. */
TEST(brk_grows_and_shrinks)
{
	char *start = (char *)syscall(SYS_brk, 0), *p;

	CHECK(start != NULL);
	p = (char *)syscall(SYS_brk, start + (1 << 20));
	CHECK(p == start + (1 << 20));
	memset(start, 0xab, 1 << 20);
	CHECK((unsigned char)start[(1 << 20) - 1] == 0xab);
	CHECK((char *)syscall(SYS_brk, start) == start);
	CHECK_EQ(probe(start + 4096 * 4, 0), SIGSEGV);
	/* A failed brk returns the current break, not an error. */
	CHECK((char *)syscall(SYS_brk, (char *)1) == start);
}

TEST(mmap_anonymous_is_zeroed_and_writable)
{
	size_t len = 8 * 4096;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK(((uintptr_t)p & 4095) == 0);
	for (size_t i = 0; i < len; i++)
		CHECK(p[i] == 0);
	memset(p, 7, len);
	CHECK(p[len - 1] == 7);
	CHECK_EQ(munmap(p, len), 0);
	CHECK_EQ(probe((char *)p, 0), SIGSEGV);
	CHECK(fault_addr == p);
	CHECK_EQ(fault_code, SEGV_MAPERR);
}

TEST(mmap_argument_errors)
{
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	      MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED);
	CHECK_EQ(errno, EBADF);
	CHECK(mmap((void *)0x10001000, 4096, PROT_READ,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 1) == MAP_FAILED);
	CHECK_EQ(errno, EINVAL);
	CHECK_ERR(munmap((void *)0x1001, 4096), EINVAL);
}

TEST(mmap_fixed_replaces)
{
	char *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

	CHECK(p != MAP_FAILED);
	memset(p, 1, 3 * 4096);
	q = mmap(p + 4096, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + 4096);
	CHECK(p[0] == 1 && p[4096] == 0 && p[8192] == 1);
	q = mmap(p, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
					     MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == MAP_FAILED && errno == EEXIST);
	munmap(p, 3 * 4096);
}

TEST(mprotect_changes_access)
{
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	p[0] = 5;
	CHECK_EQ(mprotect(p, 4096, PROT_READ), 0);
	CHECK_EQ(probe(p, 1), SIGSEGV);
	CHECK_EQ(fault_code, SEGV_ACCERR);
	CHECK_EQ(probe(p, 0), 0);
	CHECK_EQ(probe(p + 4096, 1), 0);
	CHECK_EQ(mprotect(p, 4096, PROT_NONE), 0);
	CHECK_EQ(probe(p, 0), SIGSEGV);
	CHECK_EQ(mprotect(p, 4096, PROT_READ | PROT_WRITE), 0);
	CHECK(p[0] == 5);
	munmap(p, 2 * 4096);
	CHECK_ERR(mprotect(p, 4096, PROT_READ), ENOMEM);
	/* musl rounds the address down; the kernel must refuse it. */
	CHECK_ERR(syscall(SYS_mprotect, p + 1, 4096, PROT_READ), EINVAL);
}

TEST(fork_is_copy_on_write)
{
	int status;
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	strcpy(p, "parent");
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (strcmp(p, "parent"))
			_exit(2);
		strcpy(p, "child");
		_exit(strcmp(p, "child") ? 3 : 0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	CHECK(!strcmp(p, "parent"));
}

TEST(shared_anonymous_survives_fork)
{
	int status;
	volatile int *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	*p = 1;
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		*p = 42;
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(*p, 42);
}

TEST(private_file_mapping)
{
	char path[] = "/tmp/mapXXXXXX";
	int fd = mkstemp(path);
	char buf[8192];

	CHECK(fd >= 0);
	memset(buf, 'a', sizeof(buf));
	buf[4096] = 'b';
	CHECK_EQ(write(fd, buf, 5000), 5000);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p[0] == 'a' && p[4096] == 'b' && p[4999] == 'a');
	CHECK(p[5000] == 0 && p[8191] == 0);
	p[0] = 'z';
	CHECK_EQ(pread(fd, buf, 1, 0), 1);
	CHECK(buf[0] == 'a'); /* private writes do not reach the file */
	char *q = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	CHECK(q != MAP_FAILED && q[0] == 'b');
	close(fd);
	CHECK(p[1] == 'a'); /* the mapping outlives the descriptor */
	unlink(path);
	munmap(p, 8192);
	munmap(q, 4096);
}

TEST(shared_file_mapping_writes_through)
{
	char path[] = "/tmp/shmXXXXXX";
	int fd = mkstemp(path);
	char c;

	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, 4096), 0);
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	p[100] = 'x';
	CHECK_EQ(pread(fd, &c, 1, 100), 1);
	CHECK_EQ(c, 'x');
	CHECK_EQ(pwrite(fd, "y", 1, 200), 1);
	CHECK_EQ(p[200], 'y');
	CHECK_EQ(msync(p, 4096, MS_SYNC), 0);
	munmap(p, 4096);
	close(fd);
	unlink(path);
}

TEST(mapping_past_eof_raises_sigbus)
{
	char path[] = "/tmp/busXXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "x", 1), 1);
	char *p = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK_EQ(probe(p, 0), 0);
	CHECK_EQ(probe(p + 4096, 0), SIGBUS);
	close(fd);
	unlink(path);
}

TEST(mremap_grows_and_moves)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;

	CHECK(p != MAP_FAILED);
	strcpy(p, "keep me");
	/* Block growth in place so it has to move (over our own second
	 * page: whatever lies above a fresh mapping is not ours). */
	char *block = mmap(p + 4096, 4096, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(block == p + 4096);
	q = mremap(p, 4096, 1 << 20, 0);
	CHECK(q == MAP_FAILED && errno == ENOMEM);
	q = mremap(p, 4096, 1 << 20, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p);
	CHECK(!strcmp(q, "keep me"));
	q[(1 << 20) - 1] = 1;
	CHECK_EQ(probe(p, 0), SIGSEGV);
	q = mremap(q, 1 << 20, 4096, 0);
	CHECK(q != MAP_FAILED);
	CHECK(!strcmp(q, "keep me"));
}

TEST(madvise_dontneed_zeroes_private_anonymous)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	p[10] = 9;
	CHECK_EQ(madvise(p, 4096, MADV_DONTNEED), 0);
	CHECK_EQ(p[10], 0);
	CHECK_ERR(madvise(p, 4096, 12345), EINVAL);
}

TEST(null_and_kernel_addresses_fault)
{
	CHECK_EQ(probe((char *)0, 0), SIGSEGV);
	CHECK(fault_addr == NULL);
	CHECK_EQ(probe((char *)0xffffffff80000000ULL, 0), SIGSEGV);
	CHECK_EQ(probe((char *)0xffff800000001000ULL, 1), SIGSEGV);
}

TEST(stack_grows_down)
{
	/* Deep recursion well past the initial stack mapping. */
	volatile char big[1 << 20];

	big[0] = 1;
	big[sizeof(big) - 1] = 2;
	CHECK(big[0] + big[sizeof(big) - 1] == 3);
}

TEST(many_mappings)
{
	void *maps[200];

	for (int i = 0; i < 200; i++) {
		maps[i] = mmap(NULL, 4096 * (1 + i % 3),
			       PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(maps[i] != MAP_FAILED);
		*(int *)maps[i] = i;
	}
	for (int i = 0; i < 200; i += 2)
		CHECK_EQ(munmap(maps[i], 4096 * (1 + i % 3)), 0);
	for (int i = 1; i < 200; i += 2)
		CHECK_EQ(*(int *)maps[i], i);
}
