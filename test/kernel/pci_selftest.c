/* SPDX-License-Identifier: MIT */
/* Self-tests of PCI enumeration against what QEMU's q35 machine has. */
#include "dev/pci_cfg.h"
#include "kernel/acpi.h"
#include "kernel/kernel.h"

#define FAIL(...)                         \
	do {                              \
		pr_err("  " __VA_ARGS__); \
		return 1;                 \
	} while (0)

/* The fixed q35 functions: MCH host bridge, ICH9 LPC and AHCI. */
SELFTEST(pci_q35_devices)
{
	struct pci_dev *host = pci_find_slot(0, 0, 0);
	struct pci_dev *lpc = pci_find_slot(0, 0x1f, 0);
	struct pci_dev *ahci = pci_find_class(0x01, 0x06, NULL);
	const struct pci_bar *abar;

	if (!host || host->vendor != 0x8086 || host->device != 0x29c0)
		FAIL("no 8086:29c0 host bridge at 00:00.0\n");
	if (host->class != 0x06 || host->subclass != 0x00)
		FAIL("00:00.0 class %02x%02x\n", host->class, host->subclass);
	if (!lpc || lpc->vendor != 0x8086 || lpc->class != 0x06 ||
	    lpc->subclass != 0x01)
		FAIL("no ICH9 LPC (ISA bridge) at 00:1f.0\n");
	if (!ahci)
		FAIL("no SATA controller (class 01.06)\n");
	if (ahci->vendor != 0x8086 || ahci->device != 0x2922 ||
	    ahci->prog_if != 0x01)
		FAIL("SATA controller %04x:%04x prog-if %02x\n", ahci->vendor,
		     ahci->device, ahci->prog_if);
	abar = &ahci->bar[5];
	if (abar->type != PCI_BAR_MEM32 || !abar->base || abar->size < 0x1000)
		FAIL("AHCI BAR5 type %d base %#llx size %#llx\n", abar->type,
		     (unsigned long long)abar->base,
		     (unsigned long long)abar->size);
	/* The size probe must have put the address back. */
	if ((pci_read32(ahci, PCI_BAR0 + 5 * 4) & ~0xfu) != abar->base)
		FAIL("AHCI BAR5 reads %#x after probing\n",
		     pci_read32(ahci, PCI_BAR0 + 5 * 4));
	return 0;
}

/* Does the register read the same through ECAM and mechanism #1? */
static bool same_both_ways(const struct pci_dev *d, uint16_t off,
			   unsigned width)
{
	uint32_t e =
		pci_cfg_read(PCI_VIA_ECAM, d->bus, d->dev, d->fn, off, width);
	uint32_t p =
		pci_cfg_read(PCI_VIA_PORT, d->bus, d->dev, d->fn, off, width);

	if (e != p)
		pr_err("  %02x:%02x.%x reg %#x/%u: ECAM %#x, port %#x\n",
		       d->bus, d->dev, d->fn, off, width, e, p);
	return e == p;
}

/* ECAM and mechanism #1 must see the same registers on every function,
 * in dwords and in narrower reads. */
SELFTEST(pci_ecam_vs_port)
{
	static const struct {
		uint16_t off;
		unsigned width;
	} regs[] = {
		{ PCI_VENDOR_ID, 4 },
		{ PCI_REVISION_ID, 4 },
		{ 0x0c, 4 },
		{ PCI_BAR0 + 5 * 4, 4 },
		{ PCI_SUBSYS_VENDOR_ID, 4 },
		{ PCI_INTERRUPT_LINE, 4 },
		{ PCI_CLASS, 1 },
		{ PCI_DEVICE_ID, 2 },
	};
	unsigned compared = 0;

	if (!acpi.mcfg_base)
		FAIL("no MCFG (q35 has one)\n");
	if (!pci_cfg_has_ecam(0)) {
		pr_info("  ECAM turned off by pci=nommconf: nothing to "
			"compare\n");
		return 0;
	}
	for (struct pci_dev *d = pci_first(); d; d = d->next) {
		for (unsigned i = 0; i < ARRAY_SIZE(regs); i++) {
			if (!same_both_ways(d, regs[i].off, regs[i].width))
				return 1;
			compared++;
		}
	}
	/* An empty slot reads all ones both ways. */
	if (pci_cfg_read(PCI_VIA_PORT, 0, 0x1e, 7, 0, 4) != ~0u ||
	    pci_cfg_read(PCI_VIA_ECAM, 0, 0x1e, 7, 0, 4) != ~0u)
		FAIL("00:1e.7 is not empty\n");
	if (compared < 3 * ARRAY_SIZE(regs))
		FAIL("only %u registers compared\n", compared);
	return 0;
}

/* The capability walk ends, and MSI programming round-trips on a
 * function that has it (q35's AHCI does; its INTx is left alone until
 * the driver asks, so MSI is turned off again). */
SELFTEST(pci_capabilities)
{
	struct pci_dev *host = pci_find_slot(0, 0, 0);
	struct pci_dev *ahci = pci_find_class(0x01, 0x06, NULL);
	uint8_t cap;
	uint16_t ctrl, cmd;
	uint32_t addr;

	if (!host || !ahci)
		FAIL("q35 devices missing\n");
	if (pci_enable_msi(host, 0x40, 0) != -ENODEV)
		FAIL("MSI on the host bridge did not fail with ENODEV\n");
	cap = pci_find_capability(ahci, PCI_CAP_ID_MSI);
	if (!cap)
		FAIL("AHCI has no MSI capability\n");
	if (pci_read8(ahci, cap) != PCI_CAP_ID_MSI)
		FAIL("capability at %#x is not MSI\n", cap);
	if (pci_enable_msi(ahci, 5, 0) != -EINVAL)
		FAIL("vector 5 accepted\n");
	cmd = pci_read16(ahci, PCI_COMMAND);
	if (pci_enable_msi(ahci, 0x41, 1))
		FAIL("pci_enable_msi failed\n");
	ctrl = pci_read16(ahci, cap + 2);
	addr = pci_read32(ahci, cap + 4);
	if (!(ctrl & 1) || addr != 0xfee01000 ||
	    pci_read16(ahci, cap + ((ctrl & 0x80) ? 0xc : 8)) != 0x41)
		FAIL("MSI ctrl %#x addr %#x\n", ctrl, addr);
	pci_write16(ahci, cap + 2, ctrl & ~1);
	pci_write16(ahci, PCI_COMMAND, cmd);
	return 0;
}

/* Each function off bus 0 sits on some bridge's secondary bus, and what
 * the list holds still matches configuration space. Holds with or
 * without bridges present. */
SELFTEST(pci_bridges_followed)
{
	for (struct pci_dev *d = pci_first(); d; d = d->next) {
		bool found = d->bus == 0;

		for (struct pci_dev *b = pci_first(); b && !found; b = b->next)
			found = b->header_type == PCI_HEADER_BRIDGE &&
				b->secondary_bus == d->bus;
		if (!found)
			FAIL("%02x:%02x.%x is on no bridge's bus\n", d->bus,
			     d->dev, d->fn);
		if (d->header_type == PCI_HEADER_BRIDGE &&
		    pci_read8(d, PCI_SECONDARY_BUS) != d->secondary_bus)
			FAIL("%02x:%02x.%x secondary bus changed\n", d->bus,
			     d->dev, d->fn);
		if (pci_read16(d, PCI_VENDOR_ID) != d->vendor)
			FAIL("%02x:%02x.%x vendor changed\n", d->bus, d->dev,
			     d->fn);
	}
	return 0;
}

/* A bus outside the MCFG's range is reached through mechanism #1: make
 * the range start at bus 1 for a moment and read the host bridge. */
SELFTEST(pci_outside_mcfg_range)
{
	struct pci_dev *host = pci_find_slot(0, 0, 0);
	uint8_t start = acpi.mcfg_bus_start;
	uint32_t id, via_ecam;
	bool has_ecam;

	if (!host || !acpi.mcfg_base || start != 0)
		FAIL("needs q35's MCFG starting at bus 0\n");
	acpi.mcfg_bus_start = 1;
	has_ecam = pci_cfg_has_ecam(0);
	id = pci_read32(host, PCI_VENDOR_ID);
	via_ecam = pci_cfg_read(PCI_VIA_ECAM, 0, 0, 0, PCI_VENDOR_ID, 4);
	acpi.mcfg_bus_start = start;
	if (has_ecam)
		FAIL("bus 0 still counted as ECAM\n");
	if (id != 0x29c08086)
		FAIL("host bridge id %#x through the fallback\n", id);
	if (via_ecam != ~0u)
		FAIL("ECAM read outside the range gave %#x\n", via_ecam);
	return 0;
}
