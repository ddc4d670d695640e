/* SPDX-License-Identifier: MIT */
/* Pure PCI decoding: BARs from their probe values, class codes to names.
 * No hardware access, so host unit tests drive it directly. */
#include "dev/pci.h"

/* BAR flag bits (PCI 3.0 §6.2.5.1, figures 6-5 and 6-6). */
#define BAR_IO 0x1u
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_64 0x4u
#define BAR_MEM_PREFETCH 0x8u
#define BAR_IO_ADDR_MASK (~0x3u)
#define BAR_MEM_ADDR_MASK (~0xfu)

bool pci_bar_is_64(uint32_t val)
{
	return !(val & BAR_IO) && (val & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64;
}

/*
 * The size is the lowest address bit that stayed writable: "the number of
 * upper bits that a device actually returns is used to determine how much
 * address space it requires" (§6.2.5.1). Taking the lowest set bit rather
 * than ~mask + 1 also copes with I/O BARs whose upper 16 bits are
 * hardwired to 0 and with 64-bit BARs that only decode below 4 GiB.
 */
static uint64_t size_from_mask(uint64_t mask)
{
	return mask & -mask;
}

unsigned pci_bar_decode(struct pci_bar *bar, uint32_t val, uint32_t probe,
			uint32_t val_hi, uint32_t probe_hi)
{
	uint64_t mask;

	*bar = (struct pci_bar){ .type = PCI_BAR_NONE };
	if (val & BAR_IO) {
		mask = probe & BAR_IO_ADDR_MASK;
		if (!mask)
			return 1;
		bar->type = PCI_BAR_IO;
		bar->base = val & BAR_IO_ADDR_MASK;
		bar->size = size_from_mask(mask);
		return 1;
	}
	bar->prefetchable = val & BAR_MEM_PREFETCH;
	if (pci_bar_is_64(val)) {
		mask = (uint64_t)probe_hi << 32 | (probe & BAR_MEM_ADDR_MASK);
		if (mask) {
			bar->type = PCI_BAR_MEM64;
			bar->base = (uint64_t)val_hi << 32 |
				    (val & BAR_MEM_ADDR_MASK);
			bar->size = size_from_mask(mask);
		} else {
			bar->prefetchable = false;
		}
		return 2;
	}
	/* Type 00b (32-bit) or the reserved 01b/11b, decoded as 32-bit. */
	mask = probe & BAR_MEM_ADDR_MASK;
	if (!mask) {
		bar->prefetchable = false;
		return 1;
	}
	bar->type = PCI_BAR_MEM32;
	bar->base = val & BAR_MEM_ADDR_MASK;
	bar->size = size_from_mask(mask);
	return 1;
}

#define ANY 0xffff

/* Class codes from the PCI Code and ID Assignment Specification 1.x;
 * the first match wins, so specific entries come first. */
static const struct {
	uint8_t class;
	uint16_t subclass, prog_if; /* ANY matches every value */
	const char *name;
} class_names[] = {
	{ 0x00, 0x01, ANY, "VGA compatible" },
	{ 0x00, ANY, ANY, "Unclassified" },
	{ 0x01, 0x00, ANY, "SCSI" },
	{ 0x01, 0x01, ANY, "IDE" },
	{ 0x01, 0x05, ANY, "ATA" },
	{ 0x01, 0x06, 0x01, "AHCI SATA" },
	{ 0x01, 0x06, ANY, "SATA" },
	{ 0x01, 0x07, ANY, "SAS" },
	{ 0x01, 0x08, 0x02, "NVMe" },
	{ 0x01, 0x08, ANY, "Non-volatile memory" },
	{ 0x01, ANY, ANY, "Mass storage" },
	{ 0x02, 0x00, ANY, "Ethernet" },
	{ 0x02, ANY, ANY, "Network" },
	{ 0x03, 0x00, ANY, "VGA" },
	{ 0x03, ANY, ANY, "Display" },
	{ 0x04, 0x01, ANY, "Audio" },
	{ 0x04, 0x03, ANY, "HD Audio" },
	{ 0x04, ANY, ANY, "Multimedia" },
	{ 0x05, ANY, ANY, "Memory" },
	{ 0x06, 0x00, ANY, "Host bridge" },
	{ 0x06, 0x01, ANY, "ISA bridge" },
	{ 0x06, 0x04, ANY, "PCI bridge" },
	{ 0x06, 0x07, ANY, "CardBus bridge" },
	{ 0x06, ANY, ANY, "Bridge" },
	{ 0x07, 0x00, ANY, "Serial" },
	{ 0x07, ANY, ANY, "Communication" },
	{ 0x08, ANY, ANY, "System peripheral" },
	{ 0x09, ANY, ANY, "Input" },
	{ 0x0b, ANY, ANY, "Processor" },
	{ 0x0c, 0x03, 0x00, "USB UHCI" },
	{ 0x0c, 0x03, 0x10, "USB OHCI" },
	{ 0x0c, 0x03, 0x20, "USB EHCI" },
	{ 0x0c, 0x03, 0x30, "USB xHCI" },
	{ 0x0c, 0x03, ANY, "USB" },
	{ 0x0c, 0x05, ANY, "SMBus" },
	{ 0x0c, ANY, ANY, "Serial bus" },
	{ 0x0d, ANY, ANY, "Wireless" },
	{ 0x12, ANY, ANY, "Processing accelerator" },
};

const char *pci_class_name(uint8_t class, uint8_t subclass, uint8_t prog_if)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]);
	     i++) {
		if (class_names[i].class != class)
			continue;
		if (class_names[i].subclass != ANY &&
		    class_names[i].subclass != subclass)
			continue;
		if (class_names[i].prog_if != ANY &&
		    class_names[i].prog_if != prog_if)
			continue;
		return class_names[i].name;
	}
	return "Unknown";
}
