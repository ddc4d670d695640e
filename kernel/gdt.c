/* SPDX-License-Identifier: MIT */
/* The GDT and TSS of each CPU (Intel SDM Vol. 3A §3.4.5, §8.2.3). */
#include "kernel/cpu.h"

/* Flat 64-bit descriptors: access byte and flags, base and limit ignored. */
#define SEG(access, flags) \
	(((uint64_t)(access) << 40) | ((uint64_t)(flags) << 52) | 0xffff)
#define ACC_P 0x80
#define ACC_DPL3 0x60
#define ACC_S 0x10
#define ACC_CODE 0x0a /* execute/read */
#define ACC_DATA 0x02 /* read/write */
#define FLG_L 0x2     /* 64-bit code */
#define FLG_DB 0x4    /* 32-bit */
#define FLG_G 0x8

void gdt_init_cpu(struct cpu_tables *t, const uint64_t ist_tops[3])
{
	uint64_t tss = (uint64_t)&t->tss;
	uint64_t limit = sizeof(t->tss) - 1;
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed gdtr = { sizeof(t->gdt) - 1, (uint64_t)t->gdt };

	memset(t, 0, sizeof(*t));
	t->gdt[GDT_KERNEL_CS / 8] =
		SEG(ACC_P | ACC_S | ACC_CODE, FLG_L | FLG_G);
	t->gdt[GDT_KERNEL_DS / 8] =
		SEG(ACC_P | ACC_S | ACC_DATA, FLG_DB | FLG_G);
	t->gdt[GDT_USER32_CS / 8] =
		SEG(ACC_P | ACC_DPL3 | ACC_S | ACC_CODE, FLG_DB | FLG_G);
	t->gdt[GDT_USER_DS / 8] =
		SEG(ACC_P | ACC_DPL3 | ACC_S | ACC_DATA, FLG_DB | FLG_G);
	t->gdt[GDT_USER_CS / 8] =
		SEG(ACC_P | ACC_DPL3 | ACC_S | ACC_CODE, FLG_L | FLG_G);
	/* The 16-byte system descriptor for an available 64-bit TSS (type 9). */
	t->gdt[GDT_TSS / 8] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
			      (0x89ULL << 40) | ((tss >> 24 & 0xff) << 56);
	t->gdt[GDT_TSS / 8 + 1] = tss >> 32;

	for (int i = 0; i < 3; i++)
		t->tss.ist[i] = ist_tops[i];
	t->tss.iomap_base = sizeof(t->tss); /* no I/O permission bitmap */

	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "xor %%eax, %%eax\n\t"
			 "mov %%eax, %%fs\n\t"
			 "mov %%eax, %%gs\n\t"
			 /* reload CS with a far return */
			 "pushq %2\n\t"
			 "lea 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(gdtr), "r"((uint64_t)GDT_KERNEL_DS),
			   "i"(GDT_KERNEL_CS), "r"((uint16_t)GDT_TSS)
			 : "rax", "memory");
}

void gdt_set_cpunode(struct cpu_tables *t, unsigned cpu, unsigned node)
{
	uint64_t v = ((uint64_t)node << 12) | (cpu & 0xfff);
	uint32_t a, b, c, d;

	/* Byte-granular limit = v (bits 15:0 and 51:48), read-only data,
	 * accessed (so the CPU never writes it), DPL 3 so LSL works from
	 * user mode (SDM Vol. 2A, LSL). */
	t->gdt[GDT_CPUNODE / 8] =
		(v & 0xffff) | ((v >> 16 & 0xf) << 48) |
		((uint64_t)(ACC_P | ACC_DPL3 | ACC_S | 0x1) << 40);
	/* IA32_TSC_AUX exists with RDTSCP (CPUID.80000001H:EDX[27]) or
	 * RDPID (CPUID.(EAX=7,ECX=0):ECX[22]). */
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (d & (1u << 27)) {
		wrmsr(MSR_TSC_AUX, v);
		return;
	}
	cpuid(7, 0, &a, &b, &c, &d);
	if (c & (1u << 22))
		wrmsr(MSR_TSC_AUX, v);
}

void tss_set_rsp0(uint64_t rsp0)
{
	this_cpu()->tss->rsp[0] = rsp0;
}
