/* SPDX-License-Identifier: MIT */
/* A dynamic glibc program: the interpreter, the auxiliary vector a
 * loader needs, a PIE at a random base, and a process whose main thread
 * leaves before the others. Built with the host's gcc against Debian's
 * glibc; its libraries come from the same Debian packages as OpenRC's. */
#include "../t.h"

#include <elf.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <time.h>

static int maps_have(const char *what)
{
	static char buf[16384];
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n = 0, r;

	if (fd < 0)
		return 0;
	while (n < (ssize_t)sizeof(buf) - 1 &&
	       (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n] = 0;
	return strstr(buf, what) != NULL;
}

TEST(interpreter_and_libc_mapped)
{
	CHECK(maps_have("/ld-linux-x86-64.so.2"));
	CHECK(maps_have("/libc.so.6"));
}

TEST(auxv_for_the_loader)
{
	const Elf64_Ehdr *ld = (const Elf64_Ehdr *)getauxval(AT_BASE);
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);

	CHECK(ld != NULL);
	CHECK(memcmp(ld->e_ident, ELFMAG, SELFMAG) == 0);
	CHECK_EQ(ld->e_type, ET_DYN);
	CHECK(ph != NULL);
	CHECK_EQ(getauxval(AT_PHENT), sizeof(Elf64_Phdr));
	CHECK(getauxval(AT_PHNUM) > 0);
	CHECK_EQ(getauxval(AT_PAGESZ), 4096);
	CHECK(getauxval(AT_ENTRY) != 0);
	CHECK(getauxval(AT_RANDOM) != 0);
	CHECK(getauxval(AT_EXECFN) != 0);
	/* The entry point is in this PIE, not in the interpreter. */
	CHECK(getauxval(AT_ENTRY) != ld->e_entry + (unsigned long)ld);
}

/* Two runs of the same PIE load it at different addresses (ASLR). */
TEST(pie_base_is_randomised)
{
	unsigned long seen[4];

	for (int i = 0; i < 4; i++) {
		int p[2];
		CHECK_EQ(pipe(p), 0);
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			char arg[32];
			snprintf(arg, sizeof(arg), "--base=%d", p[1]);
			execl("/proc/self/exe", "dynamic", arg, (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		CHECK_EQ(read(p[0], &seen[i], sizeof(seen[i])),
			 (ssize_t)sizeof(seen[i]));
		close(p[0]);
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		CHECK(seen[i] % 4096 == 0);
	}
	CHECK(seen[0] != seen[1] || seen[1] != seen[2] || seen[2] != seen[3]);
}

static void *finish_later(void *arg)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	exit((int)(long)arg);
}

/* pthread_exit in main: the process lives on until its last thread
 * ends, and that thread's exit status is the process's. */
TEST(main_thread_exits_first)
{
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, finish_later, (void *)7L))
			_exit(1);
		pthread_exit(NULL);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 7);
}

/* glibc maps libraries with file-backed MAP_PRIVATE mappings: the text
 * of libc is the file's bytes. */
TEST(library_text_is_the_file)
{
	int fd = open("/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY);
	CHECK(fd >= 0);
	unsigned char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(memcmp(m, ELFMAG, SELFMAG) == 0);
	unsigned char hdr[64];
	CHECK_EQ(pread(fd, hdr, sizeof(hdr), 0), 64);
	CHECK(memcmp(m, hdr, sizeof(hdr)) == 0);
	munmap(m, 4096);
	close(fd);
}

/* Run with --base=FD (by pie_base_is_randomised): writes where this PIE
 * was loaded to FD and exits. */
__attribute__((constructor)) static void report_base(void)
{
	extern char __executable_start[];
	int fd;
	FILE *f = fopen("/proc/self/cmdline", "r");
	char cmd[64] = { 0 };
	if (!f)
		return;
	size_t n = fread(cmd, 1, sizeof(cmd) - 1, f);
	fclose(f);
	const char *arg = memchr(cmd, 0, n);
	if (!arg || sscanf(arg + 1, "--base=%d", &fd) != 1)
		return;
	unsigned long base = (unsigned long)__executable_start;
	(void)!write(fd, &base, sizeof(base));
	_exit(0);
}
