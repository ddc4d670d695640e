/* SPDX-License-Identifier: MIT */
/* Turning a PCI function on: command register bits, the capability list
 * and MSI. */
#include "dev/pci.h"
#include "kernel/kernel.h"

/* MSI capability layout (PCI 3.0 §6.8.1). */
#define MSI_CTRL 0x02
#define MSI_CTRL_ENABLE 0x0001
#define MSI_CTRL_MME_MASK 0x0070 /* Multiple Message Enable */
#define MSI_CTRL_64BIT 0x0080
#define MSI_CTRL_MASKABLE 0x0100
#define MSI_ADDR_LO 0x04
#define MSI_ADDR_HI 0x08 /* 64-bit capable only */
#define MSI_DATA_32 0x08
#define MSI_DATA_64 0x0c
#define MSI_MASK_32 0x0c
#define MSI_MASK_64 0x10

/* Intel SDM vol. 3 §11.11.1: the message address selects the local APIC
 * (bits 19:12, physical destination mode with RH = DM = 0). */
#define MSI_ADDR_BASE 0xfee00000u

/* Capabilities are dword aligned in the 192 bytes past the header: a
 * walk of more than 48 entries is a loop. */
#define MAX_CAPS 48

static void set_command(struct pci_dev *d, uint16_t bits)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	if ((cmd & bits) != bits)
		pci_write16(d, PCI_COMMAND, cmd | bits);
}

void pci_enable_bus_master(struct pci_dev *d)
{
	set_command(d, PCI_COMMAND_MASTER);
}

void pci_enable_mem(struct pci_dev *d)
{
	set_command(d, PCI_COMMAND_MEMORY);
}

void pci_enable_io(struct pci_dev *d)
{
	set_command(d, PCI_COMMAND_IO);
}

/* PCI 3.0 §6.7: the list starts at the pointer at 0x34 (0x14 on CardBus
 * bridges) when the status register says there is one; the bottom two
 * bits of every pointer are reserved. */
uint8_t pci_find_capability(const struct pci_dev *d, uint8_t cap_id)
{
	uint8_t ptr;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = pci_read8(d, d->header_type == PCI_HEADER_CARDBUS ? 0x14 :
								  PCI_CAP_PTR);
	for (unsigned i = 0; i < MAX_CAPS; i++) {
		ptr &= 0xfc;
		if (ptr < 0x40) /* inside the header: end or garbage */
			return 0;
		if (pci_read8(d, ptr) == cap_id)
			return ptr;
		ptr = pci_read8(d, ptr + 1);
	}
	return 0;
}

int pci_enable_msi(struct pci_dev *d, uint8_t vector, uint8_t apic_id)
{
	uint8_t cap = pci_find_capability(d, PCI_CAP_ID_MSI);
	uint16_t ctrl;
	bool is64;

	if (!cap)
		return -ENODEV;
	/* Vectors 0-31 are exceptions; 0-15 are illegal in MSI data
	 * (Intel SDM vol. 3 §11.11.2). */
	if (vector < 32)
		return -EINVAL;
	ctrl = pci_read16(d, cap + MSI_CTRL);
	is64 = ctrl & MSI_CTRL_64BIT;
	/* Off while the address and data change; one message only. */
	ctrl &= ~(MSI_CTRL_ENABLE | MSI_CTRL_MME_MASK);
	pci_write16(d, cap + MSI_CTRL, ctrl);
	pci_write32(d, cap + MSI_ADDR_LO,
		    MSI_ADDR_BASE | (uint32_t)apic_id << 12);
	if (is64)
		pci_write32(d, cap + MSI_ADDR_HI, 0);
	/* Data: the vector, fixed delivery mode (bits 10:8 = 0), edge
	 * (bit 15 = 0), SDM vol. 3 §11.11.2. */
	pci_write16(d, cap + (is64 ? MSI_DATA_64 : MSI_DATA_32), vector);
	if (ctrl & MSI_CTRL_MASKABLE)
		pci_write32(d, cap + (is64 ? MSI_MASK_64 : MSI_MASK_32), 0);
	/* With MSI on a function may not use INTx (§6.8.1); say so in the
	 * command register too, as some devices want. */
	set_command(d, PCI_COMMAND_INTX_DISABLE);
	pci_write16(d, cap + MSI_CTRL, ctrl | MSI_CTRL_ENABLE);
	return 0;
}
