/* SPDX-License-Identifier: MIT */
/* The interrupt descriptor table (Intel SDM Vol. 3A §6.14.1). */
#include "kernel/cpu.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "idt gate");

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3 0x60

extern const uint64_t trap_vectors[256];
static struct idt_gate idt[256] __aligned(16);

static void set_gate(unsigned v, unsigned ist, unsigned dpl)
{
	uint64_t addr = trap_vectors[v];

	idt[v] = (struct idt_gate){
		.offset_lo = addr & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT | (dpl ? GATE_DPL3 : 0),
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_hi = addr >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0, 0);
	set_gate(2, IST_NMI, 0);
	set_gate(8, IST_DOUBLE_FAULT, 0);
	set_gate(18, IST_MACHINE_CHECK, 0);
	/* int3 and into may be used by user programs, as on Linux. */
	set_gate(3, 0, 3);
	set_gate(4, 0, 3);
	idt_load();
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}
