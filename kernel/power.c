/* SPDX-License-Identifier: MIT */
/* Power off through ACPI S5 and reboot through the FADT reset register,
 * the 8042 and a triple fault (ACPI 6.5 §7.4.2 and §4.8.3.6). */
#include "kernel/acpi.h"
#include "mm/mm.h"

#define SLP_EN (1u << 13)
#define SCI_EN 1u

/* ACPI mode (SCI_EN) must be on for PM1 control writes to mean
 * anything; firmware usually leaves it on (§4.8.2.1). */
static void acpi_enable_mode(void)
{
	if (!acpi.pm1a_cnt || (inw(acpi.pm1a_cnt) & SCI_EN))
		return;
	if (!acpi.smi_cmd || !acpi.acpi_enable)
		return;
	outb((uint16_t)acpi.smi_cmd, acpi.acpi_enable);
	for (int i = 0; i < 300 && !(inw(acpi.pm1a_cnt) & SCI_EN); i++)
		time_delay_us(10000);
}

void power_off(void)
{
	cli();
	if (acpi.s5_valid && acpi.pm1a_cnt) {
		acpi_enable_mode();
		outw(acpi.pm1a_cnt, (uint16_t)(acpi.slp_typa << 10 | SLP_EN));
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt,
			     (uint16_t)(acpi.slp_typb << 10 | SLP_EN));
		time_delay_us(100000);
	}
	/* Still here: in QEMU, isa-debug-exit (if present) ends it. */
	printk(KERN_EMERG "power off failed; halting\n");
	qemu_debug_exit(0);
	for (;;)
		hlt();
}

static void reset_register(void)
{
	const struct acpi_gas *g = &acpi.reset_reg;

	if (!acpi.reset_supported || !g->address)
		return;
	if (g->space == ACPI_SPACE_IO)
		outb((uint16_t)g->address, acpi.reset_value);
	else if (g->space == ACPI_SPACE_MEMORY)
		*(volatile uint8_t *)phys_to_virt(g->address) =
			acpi.reset_value;
	time_delay_us(100000);
}

void power_reboot(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed none = { 0, 0 };

	cli();
	reset_register();
	/* The 8042 keyboard controller's reset line (command 0xfe). */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		;
	outb(0x64, 0xfe);
	time_delay_us(100000);
	/* A triple fault: an empty IDT, then any exception. */
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		hlt();
}
