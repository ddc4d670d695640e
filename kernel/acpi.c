/* SPDX-License-Identifier: MIT */
/*
 * Reading the ACPI tables the firmware left (ACPI 6.5 ch. 5): RSDP, XSDT
 * (or RSDT), MADT for CPUs and interrupt routing, FADT for power and the
 * PM timer, the DSDT's \_S5, HPET and MCFG. Anything missing or corrupt
 * is logged and the kernel falls back (one CPU, no power-off, PIT-free
 * PM-timer-less timing).
 */
#include "kernel/acpi.h"
#include "mm/mm.h"

struct acpi_info acpi;

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __packed;
_Static_assert(sizeof(struct sdt_header) == 36, "sdt header");

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum, reserved[3];
} __packed;

static bool is_ram(uint64_t phys, uint64_t len)
{
	for (unsigned i = 0; i < boot_mmap_count; i++) {
		const struct boot_mem_range *r = &boot_mmap[i];
		bool ram = r->type == BOOT_MEM_USABLE ||
			   r->type == BOOT_MEM_BOOT_SERVICES ||
			   r->type == BOOT_MEM_LOADER ||
			   r->type == BOOT_MEM_ACPI_RECLAIM ||
			   r->type == BOOT_MEM_ACPI_NVS;
		if (ram && phys >= r->base && phys + len <= r->base + r->size)
			return true;
	}
	return false;
}

/* Tables live in RAM (direct-mapped) or in reserved memory (mapped
 * cached here; they are never unmapped). */
static void *map(uint64_t phys, uint64_t len)
{
	if (is_ram(phys, len))
		return phys_to_virt(phys);
	return ioremap(phys, len, PTE_CACHE_WB);
}

/* A whole table at phys, if its header and checksum are sound. */
static struct sdt_header *map_table(uint64_t phys)
{
	struct sdt_header *h = map(phys, sizeof(*h));

	if (!h || h->length < sizeof(*h) || h->length > (16 << 20))
		return NULL;
	h = map(phys, h->length);
	if (!h || !acpi_checksum_ok(h, h->length)) {
		pr_warn("acpi: table at %#llx has a bad checksum\n",
			(unsigned long long)phys);
		return NULL;
	}
	return h;
}

static void parse_madt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h + 44,
		      *end = (const uint8_t *)h + h->length;

	acpi.lapic_phys = *(const uint32_t *)((const uint8_t *)h + 36);
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		uint32_t flags;

		switch (p[0]) {
		case 0: /* Processor Local APIC (§5.2.12.2) */
			flags = *(const uint32_t *)(p + 4);
			if ((flags & 3) && acpi.ncpus < MAX_CPUS)
				acpi.apic_ids[acpi.ncpus++] = p[3];
			break;
		case 9: /* Processor Local x2APIC (§5.2.12.12) */
			flags = *(const uint32_t *)(p + 8);
			if ((flags & 3) && acpi.ncpus < MAX_CPUS)
				acpi.apic_ids[acpi.ncpus++] =
					*(const uint32_t *)(p + 4);
			break;
		case 1: /* I/O APIC (§5.2.12.3): the first one serves ISA */
			if (!acpi.ioapic_phys) {
				acpi.ioapic_phys = *(const uint32_t *)(p + 4);
				acpi.ioapic_gsi_base =
					*(const uint32_t *)(p + 8);
			}
			break;
		case 2: /* Interrupt Source Override (§5.2.12.5) */
			if (p[2] == 0 && acpi.nisos < ARRAY_SIZE(acpi.isos))
				acpi.isos[acpi.nisos++] = (struct acpi_iso){
					p[3], *(const uint32_t *)(p + 4),
					*(const uint16_t *)(p + 8)
				};
			break;
		case 5: /* Local APIC Address Override (§5.2.12.8) */
			acpi.lapic_phys = *(const uint64_t *)(p + 4);
			break;
		}
		p += p[1];
	}
}

static uint64_t gas_or(const uint8_t *fadt, size_t len, size_t x_off,
		       size_t off32)
{
	if (len >= x_off + 12) {
		const struct acpi_gas *g = (const void *)(fadt + x_off);
		if (g->address)
			return g->address;
	}
	return *(const uint32_t *)(fadt + off32);
}

static void parse_dsdt(uint64_t phys)
{
	struct sdt_header *h = map_table(phys);

	if (!h)
		return;
	acpi.s5_valid = acpi_find_s5((const uint8_t *)h + sizeof(*h),
				     h->length - sizeof(*h), &acpi.slp_typa,
				     &acpi.slp_typb);
}

/* FADT (§5.2.9), with the 64-bit X_ fields preferred when present. */
static void parse_fadt(const struct sdt_header *h)
{
	const uint8_t *f = (const uint8_t *)h;
	size_t len = h->length;
	uint32_t flags = len >= 116 ? *(const uint32_t *)(f + 112) : 0;
	uint64_t dsdt;

	acpi.smi_cmd = *(const uint32_t *)(f + 48);
	acpi.acpi_enable = f[52];
	acpi.pm1a_cnt = (uint16_t)gas_or(f, len, 172, 64);
	acpi.pm1b_cnt = (uint16_t)gas_or(f, len, 184, 68);
	acpi.pm_timer_port = (uint16_t)gas_or(f, len, 208, 76);
	if (f[91] < 4) /* PM_TMR_LEN must be 4 */
		acpi.pm_timer_port = 0;
	acpi.pm_timer_32bit = flags & (1u << 8); /* TMR_VAL_EXT */
	acpi.century_reg = len > 108 ? f[108] : 0;
	acpi.boot_arch = len > 110 ? *(const uint16_t *)(f + 109) : 0;
	if (len >= 129 && (flags & (1u << 10))) { /* RESET_REG_SUP */
		acpi.reset_supported = true;
		memcpy(&acpi.reset_reg, f + 116, sizeof(acpi.reset_reg));
		acpi.reset_value = f[128];
	}
	dsdt = len >= 148 ? *(const uint64_t *)(f + 140) : 0;
	if (!dsdt)
		dsdt = *(const uint32_t *)(f + 40);
	if (dsdt)
		parse_dsdt(dsdt);
}

static void parse_table(struct sdt_header *h)
{
	if (!memcmp(h->signature, "APIC", 4))
		parse_madt(h);
	else if (!memcmp(h->signature, "FACP", 4))
		parse_fadt(h);
	else if (!memcmp(h->signature, "HPET", 4) && h->length >= 56)
		acpi.hpet_phys =
			((const struct acpi_gas *)((uint8_t *)h + 40))->address;
	else if (!memcmp(h->signature, "MCFG", 4) && h->length >= 60) {
		/* the first allocation (§ PCI Firmware spec 4.1.2) */
		const uint8_t *a = (const uint8_t *)h + 44;
		acpi.mcfg_base = *(const uint64_t *)a;
		acpi.mcfg_bus_start = a[10];
		acpi.mcfg_bus_end = a[11];
	}
}

void acpi_init(void)
{
	struct rsdp *rsdp;
	struct sdt_header *root;
	bool xsdt;
	size_t n;

	acpi.ncpus = 0;
	if (!boot_info.rsdp_phys) {
		pr_warn("acpi: no RSDP; one CPU, no ACPI power-off\n");
		return;
	}
	rsdp = map(boot_info.rsdp_phys, sizeof(*rsdp));
	if (!rsdp || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    !acpi_checksum_ok(rsdp, 20)) {
		pr_warn("acpi: the RSDP is invalid\n");
		return;
	}
	xsdt = rsdp->revision >= 2 && rsdp->xsdt &&
	       acpi_checksum_ok(rsdp, MIN(rsdp->length, 36u));
	root = map_table(xsdt ? rsdp->xsdt : rsdp->rsdt);
	if (!root) {
		pr_warn("acpi: no usable XSDT/RSDT\n");
		return;
	}
	n = (root->length - sizeof(*root)) / (xsdt ? 8 : 4);
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)root + sizeof(*root) +
				   i * (xsdt ? 8 : 4);
		uint64_t phys = xsdt ? *(const uint64_t *)e :
				       *(const uint32_t *)e;
		struct sdt_header *h = map_table(phys);

		if (h)
			parse_table(h);
	}
	acpi.present = true;
	if (!acpi.ncpus) {
		acpi.ncpus = 1;
		acpi.apic_ids[0] = 0;
	}
	pr_info("acpi: %u CPU%s, IOAPIC %#llx, HPET %#llx, PM timer %#x, "
		"S5 %s, MCFG %#llx\n",
		acpi.ncpus, acpi.ncpus == 1 ? "" : "s",
		(unsigned long long)acpi.ioapic_phys,
		(unsigned long long)acpi.hpet_phys, acpi.pm_timer_port,
		acpi.s5_valid ? "found" : "missing",
		(unsigned long long)acpi.mcfg_base);
}
