/* SPDX-License-Identifier: MIT */
/*
 * The vDSO's code: clock_gettime, gettimeofday, time, clock_getres and
 * getcpu in user space, from the vvar page; anything it cannot answer goes
 * to the real system call, so results and errno are the kernel's.
 * Built -fPIC into a loader-free shared object (kernel/vdso/vdso.lds).
 */
#include "kernel/uapi/time.h"
#include "kernel/vdso/vvar.h"

#define NR_gettimeofday 96
#define NR_time 201
#define NR_clock_gettime 228
#define NR_clock_getres 229
#define NR_getcpu 309
#define NSEC_PER_SEC 1000000000ULL

/* Defined by the linker script, one page below the ELF header. */
extern const volatile struct vdso_data vvar_page
	__attribute__((visibility("hidden")));

static long syscall2(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b)
			 : "rcx", "r11", "memory");
	return ret;
}

static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	/* The same plain RDTSC as kernel/x86.h's, so both agree. */
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t mono_ns(const volatile struct vdso_data *vd)
{
	uint64_t d = rdtsc() - vd->tsc_base;

	return (uint64_t)(((__uint128_t)d * vd->tsc_mult) >> 32);
}

/* One consistent reading of clock (under the seqcount): true and *ns, or
 * false when only the kernel can answer. */
static int read_clock(int clock, uint64_t *ns)
{
	const volatile struct vdso_data *vd = &vvar_page;
	uint32_t seq;
	uint64_t v;

	for (;;) {
		seq = vd->seq;
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		__asm__ volatile("" ::: "memory");
		switch (clock) {
		case CLOCK_REALTIME_COARSE:
			v = vd->coarse_ns + vd->realtime_offset_ns;
			break;
		case CLOCK_MONOTONIC_COARSE:
			v = vd->coarse_ns;
			break;
		case CLOCK_REALTIME:
		case CLOCK_TAI:
		case CLOCK_MONOTONIC:
		case CLOCK_MONOTONIC_RAW:
		case CLOCK_BOOTTIME:
			if (vd->clock_mode != VDSO_CLOCK_TSC)
				return 0;
			v = mono_ns(vd);
			if (clock == CLOCK_REALTIME || clock == CLOCK_TAI)
				v += vd->realtime_offset_ns;
			if (clock == CLOCK_TAI)
				v += vd->tai_offset_ns;
			break;
		default:
			return 0;
		}
		__asm__ volatile("" ::: "memory");
		if (vd->seq == seq)
			break;
	}
	*ns = v;
	return 1;
}

int __vdso_clock_gettime(int clock, struct linux_timespec *ts)
{
	uint64_t ns;

	if (!read_clock(clock, &ns))
		return syscall2(NR_clock_gettime, clock, (long)ts);
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}
int clock_gettime(int, struct linux_timespec *)
	__attribute__((weak, alias("__vdso_clock_gettime")));

int __vdso_gettimeofday(struct linux_timeval *tv, struct linux_timezone *tz)
{
	uint64_t ns;

	if (!read_clock(CLOCK_REALTIME, &ns))
		return syscall2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = ns % NSEC_PER_SEC / 1000;
	}
	/* The kernel keeps no time zone: it reports zeros too. */
	if (tz) {
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}
int gettimeofday(struct linux_timeval *, struct linux_timezone *)
	__attribute__((weak, alias("__vdso_gettimeofday")));

long __vdso_time(long *t)
{
	uint64_t ns;
	long s;

	if (!read_clock(CLOCK_REALTIME, &ns))
		return syscall2(NR_time, (long)t, 0);
	s = (long)(ns / NSEC_PER_SEC);
	if (t)
		*t = s;
	return s;
}
long time(long *) __attribute__((weak, alias("__vdso_time")));

int __vdso_clock_getres(int clock, struct linux_timespec *res)
{
	long ns;

	switch (clock) {
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		ns = vvar_page.coarse_res_ns;
		break;
	case CLOCK_REALTIME:
	case CLOCK_TAI:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		if (vvar_page.clock_mode != VDSO_CLOCK_TSC)
			return syscall2(NR_clock_getres, clock, (long)res);
		ns = 1;
		break;
	default:
		return syscall2(NR_clock_getres, clock, (long)res);
	}
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = ns;
	}
	return 0;
}
int clock_getres(int, struct linux_timespec *)
	__attribute__((weak, alias("__vdso_clock_getres")));

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	unsigned long p;

	switch (vvar_page.getcpu_mode) {
	case VDSO_GETCPU_RDPID:
		__asm__ volatile("rdpid %0" : "=r"(p));
		break;
	case VDSO_GETCPU_LSL:
		__asm__ volatile("lsl %1, %k0"
				 : "=r"(p)
				 : "r"((unsigned)VDSO_CPUNODE_SEG));
		break;
	default:
		return syscall3(NR_getcpu, (long)cpu, (long)node, (long)unused);
	}
	if (cpu)
		*cpu = p & ((1u << VDSO_CPUNODE_BITS) - 1);
	if (node)
		*node = p >> VDSO_CPUNODE_BITS;
	return 0;
}
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_"
								       "getcp"
								       "u")));

/* Linux's vDSO note: the "Linux" owner with LINUX_VERSION_CODE of the
 * release uname(2) reports (6.1.0). */
__asm__(".pushsection .note.Linux, \"a\", @note\n"
	".balign 4\n"
	".long 6, 4, 0\n"
	".asciz \"Linux\"\n"
	".balign 4\n"
	".long 0x060100\n"
	".popsection\n");
