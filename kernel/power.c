/* SPDX-License-Identifier: MIT */
/* Power off and reboot. ACPI sleep states come with the ACPI tables. */
#include "kernel/kernel.h"

void power_off(void)
{
	printk(KERN_EMERG "power off: no ACPI support yet; halting\n");
	for (;;) {
		cli();
		hlt();
	}
}

void power_reboot(void)
{
	/* The 8042 keyboard controller's reset line (command 0xfe). */
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		;
	outb(0x64, 0xfe);
	time_delay_us(100000);
	/* A triple fault: load an empty IDT and trap. */
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		hlt();
}

void lapic_eoi(void)
{
}
