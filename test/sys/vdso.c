/* SPDX-License-Identifier: MIT */
/*
 * The vDSO: found through AT_SYSINFO_EHDR and resolved here as a loader
 * would (SysV hash, symbol versions); its clocks against the syscalls,
 * its errors, its mappings in /proc/self/maps, across fork and exec.
 */
#include "t.h"

#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef long (*time_fn)(long *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

struct vdso {
	uintptr_t base, bias;
	const Elf64_Sym *sym;
	const char *str;
	const Elf32_Word *hash;
	const Elf64_Half *versym;
	const Elf64_Verdef *verdef;
};

static struct vdso vd;

static const Elf64_Dyn *find_dynamic(const Elf64_Ehdr *eh)
{
	const Elf64_Phdr *ph = (const void *)(vd.base + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	int loads = 0;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !loads++)
			vd.bias = vd.base + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)ph[i].p_vaddr;
	}
	CHECK(loads >= 1 && dyn);
	return (const void *)(vd.bias + (uintptr_t)dyn);
}

/* Parses the vDSO's ELF header and dynamic section (once). */
static void vdso_open(void)
{
	const Elf64_Ehdr *eh;
	const Elf64_Dyn *d;

	if (vd.base)
		return;
	vd.base = getauxval(AT_SYSINFO_EHDR);
	CHECK(vd.base);
	eh = (const void *)vd.base;
	CHECK(!memcmp(eh->e_ident, ELFMAG, SELFMAG));
	CHECK_EQ(eh->e_ident[EI_CLASS], ELFCLASS64);
	CHECK_EQ(eh->e_type, ET_DYN);
	for (d = find_dynamic(eh); d->d_tag != DT_NULL; d++) {
		uintptr_t p = vd.bias + d->d_un.d_ptr;

		if (d->d_tag == DT_SYMTAB)
			vd.sym = (const void *)p;
		else if (d->d_tag == DT_STRTAB)
			vd.str = (const void *)p;
		else if (d->d_tag == DT_HASH)
			vd.hash = (const void *)p;
		else if (d->d_tag == DT_VERSYM)
			vd.versym = (const void *)p;
		else if (d->d_tag == DT_VERDEF)
			vd.verdef = (const void *)p;
	}
	CHECK(vd.sym && vd.str && vd.hash && vd.versym && vd.verdef);
}

/* The name of version index ndx, from the version definitions. */
static const char *version_name(unsigned ndx)
{
	const Elf64_Verdef *v = vd.verdef;

	for (;;) {
		if ((v->vd_ndx & 0x7fff) == ndx) {
			const Elf64_Verdaux *a =
				(const void *)((const char *)v + v->vd_aux);
			return vd.str + a->vda_name;
		}
		if (!v->vd_next)
			return NULL;
		v = (const void *)((const char *)v + v->vd_next);
	}
}

/* The System V ABI's ELF hash (gABI "Hash Table"). */
static uint32_t elf_hash(const char *name)
{
	uint32_t h = 0, g;

	for (; *name; name++) {
		h = (h << 4) + (unsigned char)*name;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

/* Looks name@version up through the hash table, as musl and ld.so do. */
static void *vdso_sym(const char *name, const char *version)
{
	uint32_t nbucket;
	const uint32_t *bucket, *chain;

	vdso_open();
	nbucket = vd.hash[0];
	bucket = &vd.hash[2];
	chain = &bucket[nbucket];
	for (uint32_t i = bucket[elf_hash(name) % nbucket]; i; i = chain[i]) {
		const Elf64_Sym *s = &vd.sym[i];
		const char *v = version_name(vd.versym[i] & 0x7fff);

		if (strcmp(vd.str + s->st_name, name) ||
		    s->st_shndx == SHN_UNDEF)
			continue;
		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC)
			continue;
		if (ELF64_ST_BIND(s->st_info) != STB_GLOBAL &&
		    ELF64_ST_BIND(s->st_info) != STB_WEAK)
			continue;
		if (!v || strcmp(v, version))
			continue;
		return (void *)(vd.bias + s->st_value);
	}
	return NULL;
}

static cgt_fn vdso_cgt(void)
{
	cgt_fn f = (cgt_fn)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");

	CHECK(f);
	return f;
}

static long long ns(struct timespec ts)
{
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long sys_ns(clockid_t c)
{
	struct timespec ts;

	CHECK_EQ(syscall(SYS_clock_gettime, c, &ts), 0);
	return ns(ts);
}

TEST(symbols_have_linux_2_6_versions)
{
	static const char *const names[] = {
		"__vdso_clock_gettime", "clock_gettime", "__vdso_gettimeofday",
		"gettimeofday",		"__vdso_time",	 "time",
		"__vdso_getcpu",	"getcpu",	 "__vdso_clock_getres",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!vdso_sym(names[i], "LINUX_2.6"))
			printf("    %s@LINUX_2.6 missing\n", names[i]);
		CHECK(vdso_sym(names[i], "LINUX_2.6"));
		CHECK(!vdso_sym(names[i], "LINUX_2.5"));
	}
	CHECK(!vdso_sym("__vdso_no_such_function", "LINUX_2.6"));
	/* The weak alias is the same code. */
	CHECK(vdso_sym("clock_gettime", "LINUX_2.6") ==
	      vdso_sym("__vdso_clock_gettime", "LINUX_2.6"));
}

/* syscall <= vDSO <= syscall, on the same clock, for every clock the
 * vDSO answers itself, and close together. */
TEST(clock_gettime_agrees_with_syscall)
{
	static const clockid_t clocks[] = {
		CLOCK_REALTIME,		CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW,
		CLOCK_BOOTTIME,		CLOCK_TAI,	 CLOCK_REALTIME_COARSE,
		CLOCK_MONOTONIC_COARSE,
	};
	cgt_fn f = vdso_cgt();

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec ts;
		long long a, b, c;

		a = sys_ns(clocks[i]);
		CHECK_EQ(f(clocks[i], &ts), 0);
		c = sys_ns(clocks[i]);
		b = ns(ts);
		if (a > b || b > c)
			printf("    clock %d: %lld %lld %lld\n", clocks[i], a,
			       b, c);
		CHECK(a <= b && b <= c);
		CHECK(c - a < 100000000); /* 100 ms, even under emulation */
		CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	}
}

TEST(monotonic_over_many_calls)
{
	cgt_fn f = vdso_cgt();
	struct timespec ts;
	long long last = 0, now;

	for (int i = 0; i < 100000; i++) {
		if (i % 1000 == 0)
			now = sys_ns(CLOCK_MONOTONIC);
		else {
			CHECK_EQ(f(CLOCK_MONOTONIC, &ts), 0);
			now = ns(ts);
		}
		if (now < last)
			printf("    call %d: %lld < %lld\n", i, now, last);
		CHECK(now >= last);
		last = now;
	}
}

TEST(coarse_clocks_trail_the_fine_ones)
{
	cgt_fn f = vdso_cgt();
	struct timespec coarse, fine, res;
	long long tick;

	CHECK_EQ(clock_getres(CLOCK_MONOTONIC_COARSE, &res), 0);
	tick = ns(res);
	CHECK(tick > 1 && tick <= 100000000);
	CHECK_EQ(f(CLOCK_MONOTONIC_COARSE, &coarse), 0);
	CHECK_EQ(f(CLOCK_MONOTONIC, &fine), 0);
	CHECK(ns(coarse) <= ns(fine));
	CHECK(ns(fine) - ns(coarse) < 100000000);
}

TEST(gettimeofday_and_time_agree)
{
	gtod_fn g = (gtod_fn)vdso_sym("__vdso_gettimeofday", "LINUX_2.6");
	time_fn t = (time_fn)vdso_sym("__vdso_time", "LINUX_2.6");
	struct timeval tv;
	struct {
		int minuteswest, dsttime;
	} tz = { -1, -1 };
	long long a, b, c;
	long s0, s1, s2, out = 0;

	CHECK(g && t);
	a = sys_ns(CLOCK_REALTIME) / 1000;
	CHECK_EQ(g(&tv, &tz), 0);
	c = sys_ns(CLOCK_REALTIME) / 1000;
	b = tv.tv_sec * 1000000LL + tv.tv_usec;
	CHECK(a <= b && b <= c);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(tz.minuteswest != -1 && tz.dsttime != -1);
	CHECK_EQ(g(NULL, NULL), 0);
	/* time(2) may be the coarse clock (Linux's is): compare with the
	 * time syscall, which is the same clock. */
	s0 = syscall(SYS_time, NULL);
	s1 = t(&out);
	s2 = syscall(SYS_time, NULL);
	CHECK(s0 <= s1 && s1 <= s2);
	CHECK_EQ(out, s1);
	CHECK(t(NULL) >= s1);
}

static void check_same_error(cgt_fn f, clockid_t c)
{
	struct timespec ts;
	long r = f(c, &ts), s;

	errno = 0;
	s = syscall(SYS_clock_gettime, c, &ts);
	printf("    clock %d: vdso %ld, syscall %ld errno %d\n", c, r, s,
	       errno);
	/* The vDSO returns the raw syscall result, -errno on failure. */
	CHECK(s == 0 ? r == 0 : r == -errno);
}

TEST(invalid_clocks_fail_as_the_syscall)
{
	cgt_fn f = vdso_cgt();
	int (*res)(clockid_t, struct timespec *) =
		vdso_sym("__vdso_clock_getres", "LINUX_2.6");
	struct timespec ts;

	CHECK_EQ(f(12345, &ts), -EINVAL);
	CHECK_EQ(f(-1, &ts), -EINVAL);
	CHECK_EQ(f(16, &ts), -EINVAL);
	check_same_error(f, 10); /* unused id */
	check_same_error(f, 12345);
	check_same_error(f, 0x7fffffff);
	/* Dynamic CPU-time clocks: this thread, this process by pid
	 * (clock_getcpuclockid(3)'s encoding). */
	check_same_error(f, -2);
	check_same_error(f, (~getpid() << 3) | 2);
	CHECK(res);
	CHECK_EQ(res(12345, &ts), -EINVAL);
	/* libc's clock_gettime goes through the vDSO and sets errno. */
	CHECK_ERR(clock_gettime(12345, &ts), EINVAL);
	CHECK_ERR(clock_getres(-1, &ts), EINVAL);
}

TEST(clock_getres_agrees_with_syscall)
{
	int (*res)(clockid_t, struct timespec *) =
		vdso_sym("__vdso_clock_getres", "LINUX_2.6");
	static const clockid_t clocks[] = { 0, 1, 2, 3, 4, 5, 6, 7, 11 };

	CHECK(res);
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		struct timespec a = { -1, -1 }, b = { -2, -2 };
		long s = syscall(SYS_clock_getres, clocks[i], &b);

		CHECK_EQ(res(clocks[i], &a), s ? -errno : 0);
		CHECK_EQ(a.tv_sec, b.tv_sec);
		CHECK_EQ(a.tv_nsec, b.tv_nsec);
		CHECK_EQ(res(clocks[i], NULL), s ? -errno : 0);
	}
}

TEST(cpu_time_clocks_work)
{
	cgt_fn f = vdso_cgt();
	struct timespec a, b;
	volatile unsigned long spin = 0;

	CHECK_EQ(f(CLOCK_PROCESS_CPUTIME_ID, &a), 0);
	b = a;
	while (spin < 20000000 && ns(b) - ns(a) < 20000000) {
		for (int i = 0; i < 100000; i++)
			spin++;
		CHECK_EQ(f(CLOCK_PROCESS_CPUTIME_ID, &b), 0);
	}
	CHECK(ns(b) > ns(a));
	CHECK_EQ(f(CLOCK_THREAD_CPUTIME_ID, &a), 0);
	CHECK(ns(a) > 0);
	CHECK(ns(a) <= sys_ns(CLOCK_THREAD_CPUTIME_ID));
}

TEST(getcpu_agrees_with_syscall)
{
	getcpu_fn g = (getcpu_fn)vdso_sym("__vdso_getcpu", "LINUX_2.6");
	unsigned cpu = ~0u, node = ~0u, scpu, snode;
	cpu_set_t set;

	CHECK(g);
	/* Pinned, so both must name the same CPU. */
	CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (CPU_ISSET(i, &set)) {
			CPU_ZERO(&set);
			CPU_SET(i, &set);
			break;
		}
	}
	CHECK_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
	CHECK_EQ(g(&cpu, &node, NULL), 0);
	CHECK_EQ(syscall(SYS_getcpu, &scpu, &snode, NULL), 0);
	CHECK_EQ(cpu, scpu);
	CHECK_EQ(node, snode);
	CHECK(CPU_ISSET(cpu, &set));
	CHECK_EQ(g(NULL, NULL, NULL), 0);
	CHECK_EQ(sched_getcpu(), (int)cpu);
}

/* The [name] mapping of /proc/self/maps whose name starts with prefix:
 * its range and permissions. */
static int find_map(const char *prefix, uintptr_t *lo, uintptr_t *hi,
		    char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int found = 0;

	CHECK(f);
	while (fgets(line, sizeof(line), f)) {
		const char *name = strchr(line, '[');
		unsigned long a, b;

		if (!name || strncmp(name, prefix, strlen(prefix)))
			continue;
		CHECK(sscanf(line, "%lx-%lx %4s", &a, &b, perms) == 3);
		*lo = a;
		*hi = b;
		found = 1;
		break;
	}
	fclose(f);
	return found;
}

TEST(maps_show_vdso_and_vvar)
{
	uintptr_t lo, hi;
	char perms[5];

	CHECK(find_map("[vdso]", &lo, &hi, perms));
	CHECK_EQ(lo, getauxval(AT_SYSINFO_EHDR));
	CHECK(!strcmp(perms, "r-xp"));
	CHECK(find_map("[vvar", &lo, &hi, perms));
	CHECK(!strcmp(perms, "r--p"));
}

static int killed_by_segv(void (*fn)(uintptr_t), uintptr_t arg)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void poke(uintptr_t addr)
{
	*(volatile char *)addr = 1;
}

static void peek(uintptr_t addr)
{
	(void)*(volatile char *)addr;
}

TEST(vdso_and_vvar_are_not_writable)
{
	uintptr_t lo, hi;
	char perms[5];

	CHECK(killed_by_segv(poke, getauxval(AT_SYSINFO_EHDR)));
	CHECK(find_map("[vvar]", &lo, &hi, perms));
	CHECK(killed_by_segv(poke, lo));
	/* [vvar] can never become writable or executable. */
	CHECK_ERR(mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE),
		  EACCES);
	CHECK_ERR(mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC), EACCES);
}

TEST(fork_keeps_the_vdso)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	cgt_fn f = vdso_cgt();
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts;
		uintptr_t lo, hi;
		char perms[5];

		if (f(CLOCK_MONOTONIC, &ts) ||
		    !find_map("[vdso]", &lo, &hi, perms) || lo != base)
			_exit(3);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Run from the constructor below in a program exec'd by exec_maps_a_
 * fresh_vdso: it must have its own working vDSO. */
static void exec_child_check(void)
{
	struct timespec ts;
	uintptr_t lo, hi;
	char perms[5];

	if (!getauxval(AT_SYSINFO_EHDR) || vdso_cgt()(CLOCK_REALTIME, &ts) ||
	    !find_map("[vdso]", &lo, &hi, perms) ||
	    lo != getauxval(AT_SYSINFO_EHDR))
		_exit(3);
	_exit(42);
}

__attribute__((constructor)) static void exec_child(void)
{
	if (getenv("VDSO_EXEC_CHILD"))
		exec_child_check();
}

TEST(exec_maps_a_fresh_vdso)
{
	char self[256], *argv[] = { self, NULL };
	char *envp[] = { "VDSO_EXEC_CHILD=1", NULL };
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;
	pid_t pid;

	CHECK(n > 0);
	self[n] = 0;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execve(self, argv, envp);
		_exit(127);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 42);
}

TEST(munmap_removes_it)
{
	uintptr_t lo, hi;
	char perms[5];

	CHECK(find_map("[vdso]", &lo, &hi, perms));
	CHECK_EQ(munmap((void *)lo, hi - lo), 0);
	CHECK(!find_map("[vdso]", &lo, &hi, perms));
	CHECK(killed_by_segv(peek, lo));
}

static double elapsed(struct timespec a, struct timespec b)
{
	return (ns(b) - ns(a)) / 1e9;
}

/* libc's clock_gettime must not enter the kernel: much cheaper than the
 * system call. */
TEST(libc_clock_gettime_is_fast)
{
	struct timespec a, b, ts;
	double via_libc, via_syscall;
	int n = 20000;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_MONOTONIC, &b);
	via_libc = elapsed(a, b);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	clock_gettime(CLOCK_MONOTONIC, &b);
	via_syscall = elapsed(a, b);
	printf("    %d calls: libc %.0f ns each, syscall %.0f ns each\n", n,
	       via_libc / n * 1e9, via_syscall / n * 1e9);
	CHECK(via_libc * 2 < via_syscall);
}

/* Stepping the wall clock reaches the vDSO at once. Only on Strix: the
 * host's clock is not ours to step. */
TEST(settime_reaches_the_vdso)
{
	struct utsname u;
	struct timespec now, ts;
	cgt_fn f = vdso_cgt();
	long long a, b, c;

	CHECK_EQ(uname(&u), 0);
	if (!strstr(u.release, "strix") || geteuid() != 0)
		return;
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &now), 0);
	now.tv_sec += 100000;
	CHECK_EQ(clock_settime(CLOCK_REALTIME, &now), 0);
	a = sys_ns(CLOCK_REALTIME);
	CHECK_EQ(f(CLOCK_REALTIME, &ts), 0);
	c = sys_ns(CLOCK_REALTIME);
	b = ns(ts);
	now.tv_sec -= 100000;
	CHECK_EQ(clock_settime(CLOCK_REALTIME, &now), 0);
	CHECK(a <= b && b <= c);
	CHECK(ts.tv_sec >= now.tv_sec + 100000 - 1);
}

struct special_map {
	uintptr_t lo, hi;
};

/* Every [vvar*] and [vdso] mapping, in address order; how many. */
static int special_maps(struct special_map *m, int max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	CHECK(f);
	while (fgets(line, sizeof(line), f) && n < max) {
		unsigned long a, b;

		if (!strstr(line, "[vvar") && !strstr(line, "[vdso]"))
			continue;
		CHECK(sscanf(line, "%lx-%lx", &a, &b) == 2);
		m[n].lo = a;
		m[n++].hi = b;
	}
	fclose(f);
	return n;
}

/* mremap may move the whole set (CRIU does): the code still finds its
 * data at the same distance and keeps working. */
TEST(mremap_moves_it_whole)
{
	struct special_map m[8];
	int n = special_maps(m, 8);
	uintptr_t span, to;
	cgt_fn f = vdso_cgt();
	struct timespec ts;
	void *area;

	CHECK(n >= 2);
	span = m[n - 1].hi - m[0].lo;
	area = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(area != MAP_FAILED);
	to = (uintptr_t)area;
	for (int i = 0; i < n; i++)
		CHECK(mremap((void *)m[i].lo, m[i].hi - m[i].lo,
			     m[i].hi - m[i].lo, MREMAP_MAYMOVE | MREMAP_FIXED,
			     (void *)(to + m[i].lo - m[0].lo)) != MAP_FAILED);
	/* The code moved by as much as the first mapping did. */
	f = (cgt_fn)((uintptr_t)f + (to - m[0].lo));
	CHECK_EQ(f(CLOCK_MONOTONIC, &ts), 0);
	CHECK(ns(ts) > 0);
	CHECK(special_maps(m, 8) == n && m[0].lo == to);
}

/* arch_prctl(ARCH_MAP_VDSO_64) (CRIU's): only where there is none. */
TEST(arch_prctl_maps_it_again)
{
	struct special_map m[8];
	int n = special_maps(m, 8);
	uintptr_t lo, hi;
	char perms[5];
	struct timespec ts;
	cgt_fn f = vdso_cgt();
	long size;

	CHECK_ERR(syscall(SYS_arch_prctl, 0x2003, 0), EEXIST);
	for (int i = 0; i < n; i++)
		CHECK_EQ(munmap((void *)m[i].lo, m[i].hi - m[i].lo), 0);
	CHECK_EQ(special_maps(m, 8), 0);
	size = syscall(SYS_arch_prctl, 0x2003, 0);
	CHECK(size > 0 && size % 4096 == 0);
	CHECK(find_map("[vdso]", &lo, &hi, perms));
	CHECK_EQ(hi - lo, size);
	f = (cgt_fn)((uintptr_t)f - getauxval(AT_SYSINFO_EHDR) + lo);
	CHECK_EQ(f(CLOCK_MONOTONIC, &ts), 0);
	CHECK(ns(ts) > 0);
	CHECK_ERR(syscall(SYS_arch_prctl, 0x2003, 0), EEXIST);
}
