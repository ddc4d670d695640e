/* SPDX-License-Identifier: MIT */
/* The vvar page: what the kernel (kernel/vdso.c) publishes for the vDSO's
 * clocks and getcpu (kernel/vdso/vclock.c). Shared by both sides. */
#ifndef STRIX_VDSO_VVAR_H
#define STRIX_VDSO_VVAR_H

#include <stdint.h>

/* vdso_data.clock_mode: how the high-resolution clocks are read. */
#define VDSO_CLOCK_SYSCALL 0 /* not from user space: ask the kernel */
#define VDSO_CLOCK_TSC 1     /* RDTSC with the kernel's own multiplier */

/* vdso_data.getcpu_mode, as Linux's vdso_read_cpunode(). */
#define VDSO_GETCPU_SYSCALL 0
#define VDSO_GETCPU_RDPID 1 /* IA32_TSC_AUX holds (node << 12) | cpu */
#define VDSO_GETCPU_LSL 2   /* the limit of GDT entry 15 holds the same */

/* GDT entry 15 with RPL 3, Linux's __CPUNODE_SEG. */
#define VDSO_CPUNODE_SEG (15 * 8 + 3)
#define VDSO_CPUNODE_BITS 12

/* The vvar page sits one page below the vDSO's ELF header. */
#define VDSO_VVAR_PAGES 1

/*
 * Readers retry while seq is odd or changed (a seqcount); the kernel
 * makes seq odd, writes, then makes it even again. Time math is exactly
 * kernel/time.c's time_ns():
 *   CLOCK_MONOTONIC = ((rdtsc() - tsc_base) * tsc_mult) >> 32
 *   CLOCK_REALTIME  = CLOCK_MONOTONIC + realtime_offset_ns
 */
struct vdso_data {
	uint32_t seq;
	uint32_t clock_mode;
	uint64_t tsc_base;
	uint64_t tsc_mult; /* 32.32 fixed-point ns per TSC tick */
	int64_t realtime_offset_ns;
	int64_t tai_offset_ns; /* CLOCK_TAI - CLOCK_REALTIME */
	uint64_t coarse_ns;    /* CLOCK_MONOTONIC at the last tick */
	uint32_t getcpu_mode;
	uint32_t coarse_res_ns; /* the tick: resolution of *_COARSE */
};

#endif
