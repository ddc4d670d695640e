/* SPDX-License-Identifier: MIT */
/*
 * User FPU/SSE/AVX state: XSAVE when the CPU has it (SDM Vol. 1 ch. 13),
 * else FXSAVE. The kernel itself never touches these registers
 * (-mgeneral-regs-only), so state is saved and restored eagerly at task
 * switches and only for tasks that run user code.
 */
#include "kernel/kernel.h"

#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)

bool fpu_use_xsave;
uint64_t fpu_xfeatures;
size_t fpu_state_size = 512;
static uint8_t init_state[4096] __aligned(64);

static void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv"
			 :
			 : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_save(void *area)
{
	if (fpu_use_xsave)
		__asm__ volatile("xsave64 (%0)"
				 :
				 : "r"(area), "a"((uint32_t)fpu_xfeatures),
				   "d"((uint32_t)(fpu_xfeatures >> 32))
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_restore(const void *area)
{
	if (fpu_use_xsave)
		__asm__ volatile("xrstor64 (%0)"
				 :
				 : "r"(area), "a"((uint32_t)fpu_xfeatures),
				   "d"((uint32_t)(fpu_xfeatures >> 32))
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* The state a new program starts with: FNINIT, MXCSR 0x1f80, AVX clear
 * (x86-64 psABI §3.4.1 and what Linux's fpstate_init gives). */
void fpu_init_state(void *area)
{
	memcpy(area, init_state, fpu_state_size);
}

void fpu_init(void)
{
	uint32_t a, b, c, d;
	uint32_t mxcsr = 0x1f80;

	cpuid(1, 0, &a, &b, &c, &d);
	if (c & (1u << 26)) { /* XSAVE */
		cpuid(0xd, 0, &a, &b, &c, &d);
		fpu_xfeatures = (((uint64_t)d << 32) | a) &
				(XCR0_X87 | XCR0_SSE | XCR0_AVX);
		write_cr4(read_cr4() | CR4_OSXSAVE);
		xsetbv(0, fpu_xfeatures);
		/* EBX now gives the size for the enabled features. */
		cpuid(0xd, 0, &a, &b, &c, &d);
		if (b <= sizeof(init_state)) {
			fpu_state_size = b;
			fpu_use_xsave = true;
		}
	}
	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
	memset(init_state, 0, sizeof(init_state));
	fpu_save(init_state);
	pr_info("fpu: %s, %zu bytes of state, features %#llx\n",
		fpu_use_xsave ? "xsave" : "fxsave", fpu_state_size,
		(unsigned long long)fpu_xfeatures);
}
