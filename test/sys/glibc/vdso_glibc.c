/* SPDX-License-Identifier: MIT */
/*
 * A dynamic glibc program (the build host's glibc, Debian 12's 2.36, put
 * into the test initrd): ld.so must accept the vDSO as linux-vdso.so.1
 * and glibc's clock functions must use it, without entering the kernel.
 */
#include "../t.h"

#include <link.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

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

static int seen_vdso;

static int each_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);

	(void)size;
	(void)arg;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && ph->p_offset == 0 &&
		    info->dlpi_addr + ph->p_vaddr == base)
			seen_vdso = !strcmp(info->dlpi_name, "linux-vdso.so.1");
	}
	return 0;
}

TEST(ld_so_loads_the_vdso)
{
	CHECK(getauxval(AT_SYSINFO_EHDR));
	dl_iterate_phdr(each_object, NULL);
	CHECK(seen_vdso);
}

TEST(clocks_agree_with_syscalls)
{
	static const clockid_t clocks[] = {
		CLOCK_REALTIME, CLOCK_MONOTONIC,       CLOCK_MONOTONIC_RAW,
		CLOCK_BOOTTIME, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE,
	};
	struct timespec ts;
	struct timeval tv;
	long long a, b, c;

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		a = sys_ns(clocks[i]);
		CHECK_EQ(clock_gettime(clocks[i], &ts), 0);
		c = sys_ns(clocks[i]);
		b = ns(ts);
		CHECK(a <= b && b <= c);
	}
	a = sys_ns(CLOCK_REALTIME) / 1000;
	CHECK_EQ(gettimeofday(&tv, NULL), 0);
	c = sys_ns(CLOCK_REALTIME) / 1000;
	b = tv.tv_sec * 1000000LL + tv.tv_usec;
	CHECK(a <= b && b <= c);
	a = syscall(SYS_time, NULL);
	b = time(NULL);
	CHECK(a <= b && b <= syscall(SYS_time, NULL));
	CHECK_ERR(clock_gettime(12345, &ts), EINVAL);
	CHECK_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts), 0);
}

/* glibc's sched_getcpu (rseq's cpu_id, else the vDSO's getcpu) names the
 * CPU the process is pinned to. */
TEST(sched_getcpu_agrees_with_syscall)
{
	unsigned cpu = ~0u;
	cpu_set_t set;

	CHECK_EQ(syscall(SYS_getcpu, &cpu, NULL, NULL), 0);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	CHECK_EQ(sched_setaffinity(0, sizeof(set), &set), 0);
	CHECK_EQ(syscall(SYS_getcpu, &cpu, NULL, NULL), 0);
	CHECK_EQ(sched_getcpu(), cpu);
}

static double loop_ns(int n, int use_syscall)
{
	struct timespec a, b, ts;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		if (use_syscall)
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
		else
			clock_gettime(CLOCK_MONOTONIC, &ts);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(ns(b) - ns(a)) / n;
}

/* glibc's clock_gettime does not enter the kernel: far cheaper than the
 * system call (VDSO_BENCH=N in the environment: N calls, and a report). */
TEST(clock_gettime_stays_in_user_space)
{
	const char *env = getenv("VDSO_BENCH");
	int n = env ? atoi(env) : 20000;
	double vdso = loop_ns(n, 0), sys = loop_ns(n, 1);

	printf("    %d calls: clock_gettime %.0f ns each, syscall %.0f ns "
	       "each\n",
	       n, vdso, sys);
	CHECK(vdso * 2 < sys);
}
