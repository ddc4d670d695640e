/* SPDX-License-Identifier: MIT */
/* Private to kernel/: what the ACPI tables told us (ACPI 6.5 ch. 5). */
#ifndef STRIX_KERNEL_ACPI_H
#define STRIX_KERNEL_ACPI_H

#include "kernel/kernel.h"

/* Generic Address Structure (ACPI 6.5 §5.2.3.2). */
struct acpi_gas {
	uint8_t space; /* 0 system memory, 1 system I/O */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "gas");

#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1

struct acpi_iso { /* an ISA interrupt source override */
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags; /* MPS INTI flags: polarity 1:0, trigger 3:2 */
};

struct acpi_info {
	unsigned ncpus;
	uint32_t apic_ids[MAX_CPUS];
	uint64_t lapic_phys;
	uint64_t ioapic_phys;
	uint32_t ioapic_gsi_base;
	struct acpi_iso isos[16];
	unsigned nisos;
	uint64_t hpet_phys;	/* 0 if there is no HPET */
	uint16_t pm_timer_port; /* 0 if there is none */
	bool pm_timer_32bit;
	uint16_t pm1a_cnt, pm1b_cnt;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	bool s5_valid;
	uint8_t slp_typa, slp_typb;
	bool reset_supported;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint8_t century_reg; /* CMOS index, 0 if none */
	uint16_t boot_arch;  /* IAPC_BOOT_ARCH: bit 1 = 8042 present */
	uint64_t mcfg_base;  /* PCIe ECAM for segment 0, 0 if none */
	uint8_t mcfg_bus_start, mcfg_bus_end;
	bool present;
};

extern struct acpi_info acpi;

/* Parses RSDP, XSDT/RSDT, MADT, FADT (with DSDT's \_S5), HPET, MCFG. */
void acpi_init(void);

/* Pure helpers, unit-tested on the host. */
bool acpi_checksum_ok(const void *table, size_t len);
/* Finds \_S5's package in AML and reads SLP_TYPa/b; false if absent. */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b);

#endif
