/* SPDX-License-Identifier: MIT */
/* Private to kernel/: descriptor tables and per-CPU set-up. */
#ifndef STRIX_KERNEL_CPU_H
#define STRIX_KERNEL_CPU_H

#include "kernel/kernel.h"

/* Segment selectors, in Linux's order so user space sees the same values
 * (arch/x86/include/asm/segment.h): SYSCALL and SYSRET derive CS and SS
 * from STAR, which needs kernel code, kernel data and, 16 bytes after the
 * 32-bit user code, user data then user code. */
#define GDT_KERNEL_CS 0x10
#define GDT_KERNEL_DS 0x18
#define GDT_USER32_CS 0x23
#define GDT_USER_DS 0x2b
#define GDT_USER_CS 0x33
#define GDT_TSS 0x40
/* A data segment whose limit is this CPU's (node << 12) | number, for
 * the vDSO's getcpu (LSL), Linux's GDT_ENTRY_CPUNODE. */
#define GDT_CPUNODE 0x78
#define GDT_ENTRIES 16

/* Intel SDM Vol. 3A §8.7, 64-bit task-state segment. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss) == 104, "tss layout");

/* IST slots (1-based in the IDT gate). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE 16384

struct cpu_tables {
	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss tss __aligned(16);
};

/* Loads a GDT with a TSS whose IST stacks are ist_stacks[0..2]. */
void gdt_init_cpu(struct cpu_tables *t, const uint64_t ist_tops[3]);
/* Tells user space (the vDSO's getcpu) which CPU this is: the GDT's
 * cpu-node entry and IA32_TSC_AUX (for RDPID/RDTSCP). Each CPU calls it
 * once, on its own tables. */
void gdt_set_cpunode(struct cpu_tables *t, unsigned cpu, unsigned node);
void idt_init(void);
void idt_load(void);
/* The BSP's per-CPU block, GS base and descriptor tables. */
void cpu_init_bsp(void);
/* CR0/CR4/EFER features: NX, WP, SMEP, SMAP, UMIP, PGE, FSGSBASE. */
void cpu_enable_features(void);

/* Exception-table fixups for faults at known kernel instructions. */
struct extable_entry {
	uint64_t insn;
	uint64_t fixup;
};

#endif
