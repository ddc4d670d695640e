/* SPDX-License-Identifier: MIT */
/* Per-CPU blocks, reached through the GS base, and CPU feature set-up. */
#include "kernel/cpu.h"

struct cpu cpus[MAX_CPUS];
unsigned cpu_count = 1;

static struct cpu_tables bsp_tables;
static char bsp_ist[3][IST_STACK_SIZE] __aligned(16);

void cpu_init_bsp(void)
{
	uint64_t ist_tops[3];
	struct cpu *c = &cpus[0];

	for (int i = 0; i < 3; i++)
		ist_tops[i] = (uint64_t)bsp_ist[i] + IST_STACK_SIZE;
	gdt_init_cpu(&bsp_tables, ist_tops);
	gdt_set_cpunode(&bsp_tables, 0, 0);
	idt_init();
	c->self = c;
	c->id = 0;
	c->tss = &bsp_tables.tss;
	/* Loading the null selector into GS above cleared its base; set the
	 * base only now. User GS starts at 0 in KERNEL_GS_BASE. */
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

bool cpu_has_smap;

void cpu_enable_features(void)
{
	uint32_t a, b, c, d;
	uint64_t cr4 = read_cr4();

	cpuid(7, 0, &a, &b, &c, &d);
	/* CPUID.(EAX=7,ECX=0): EBX bit 7 SMEP, bit 20 SMAP; ECX bit 2 UMIP. */
	if (b & (1u << 7))
		cr4 |= CR4_SMEP;
	if (b & (1u << 20)) {
		cr4 |= CR4_SMAP;
		cpu_has_smap = true;
	}
	if (c & (1u << 2))
		cr4 |= CR4_UMIP;
	/* SSE for user programs: FXSAVE/FXRSTOR and #XM (SDM Vol. 3A §13.1). */
	cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	write_cr4(cr4);
	write_cr0((read_cr0() & ~(1ul << 2)) | (1ul << 1)); /* EM off, MP on */
	pr_info("cpu: SMEP %s, SMAP %s, UMIP %s\n",
		cr4 & CR4_SMEP ? "on" : "absent",
		cr4 & CR4_SMAP ? "on" : "absent",
		cr4 & CR4_UMIP ? "on" : "absent");
}
