/* SPDX-License-Identifier: MIT */
/*
 * PCI: configuration space, the enumerated functions, BARs, capabilities
 * and MSI. Register offsets follow the PCI Local Bus Specification 3.0
 * ch. 6. Host-includable: the decoding helpers are unit-tested.
 */
#ifndef STRIX_DEV_PCI_H
#define STRIX_DEV_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Configuration header, common part (PCI 3.0 §6.1). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_PROG_IF 0x09
#define PCI_SUBCLASS 0x0a
#define PCI_CLASS 0x0b
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
/* Type 0 header. */
#define PCI_SUBSYS_VENDOR_ID 0x2c
#define PCI_SUBSYS_ID 0x2e
/* Type 1 (PCI-to-PCI bridge) header. */
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a

#define PCI_HEADER_MULTIFUNC 0x80
#define PCI_HEADER_NORMAL 0
#define PCI_HEADER_BRIDGE 1
#define PCI_HEADER_CARDBUS 2

/* Command register bits (PCI 3.0 §6.2.2). */
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
/* Status register: a capability list is present (PCI 3.0 §6.2.3). */
#define PCI_STATUS_CAP_LIST 0x0010

/* Capability IDs (PCI 3.0 appendix H). */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

#define PCI_NUM_BARS 6
#define PCI_ANY_SUBCLASS 0xffff

enum pci_bar_type {
	PCI_BAR_NONE, /* unimplemented (or the upper half of a 64-bit BAR) */
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,
};

struct pci_bar {
	uint64_t base; /* bus address, flag bits masked off */
	uint64_t size; /* 0 when unimplemented */
	enum pci_bar_type type;
	bool prefetchable;
};

struct pci_dev {
	struct pci_dev *next; /* the device list, in scan order */
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, prog_if, revision;
	uint8_t header_type;		   /* without PCI_HEADER_MULTIFUNC */
	uint16_t subsys_vendor, subsys_id; /* 0 for bridges */
	uint8_t irq_line, irq_pin;
	uint8_t secondary_bus; /* bridges only */
	struct pci_bar bar[PCI_NUM_BARS];
};

/* ---- pure helpers (dev/pci_decode.c) ---- */

/* Is this BAR value the low half of a 64-bit memory BAR? */
bool pci_bar_is_64(uint32_t val);
/*
 * Decodes a BAR from its value and what read back after writing all ones
 * (PCI 3.0 §6.2.5.1); for a 64-bit BAR, val_hi/probe_hi are the next
 * register's. Returns the number of BAR registers used: 2 for a 64-bit
 * BAR, else 1.
 */
unsigned pci_bar_decode(struct pci_bar *bar, uint32_t val, uint32_t probe,
			uint32_t val_hi, uint32_t probe_hi);
/* A short name for a class code, e.g. "AHCI SATA"; never NULL. */
const char *pci_class_name(uint8_t class, uint8_t subclass, uint8_t prog_if);

/* ---- the subsystem (dev/pci.c) ---- */

/* Enumerates every bus reachable from bus 0 and logs each function. */
void pci_init(void);

/*
 * Configuration space of a function. Offsets past 255 need ECAM; without
 * it reads return all ones and writes are dropped. The first access to a
 * bus maps its ECAM window (may allocate); pci_init touches every bus it
 * scans, so later accesses to those buses work with interrupts off.
 */
uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
void pci_write8(const struct pci_dev *d, uint16_t off, uint8_t v);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);

/* The first device (in scan order), or NULL. */
struct pci_dev *pci_first(void);
/* The next device after prev (NULL: from the start) with this class and
 * subclass (PCI_ANY_SUBCLASS matches any); NULL when there is none. */
struct pci_dev *pci_find_class(uint8_t class, uint16_t subclass,
			       struct pci_dev *prev);
/* The function at bus:dev.fn, or NULL. */
struct pci_dev *pci_find_slot(uint8_t bus, uint8_t dev, uint8_t fn);

void pci_enable_bus_master(struct pci_dev *d);
void pci_enable_mem(struct pci_dev *d);
void pci_enable_io(struct pci_dev *d);

/* Offset of the first capability with this ID, or 0 if there is none. */
uint8_t pci_find_capability(const struct pci_dev *d, uint8_t cap_id);

/*
 * Programs and enables MSI with one message: fixed delivery, edge, to
 * vector on the local APIC apic_id (physical destination), and turns
 * INTx off. 0, -ENODEV without an MSI capability, -EINVAL for a vector
 * below 32 (those are exceptions).
 */
int pci_enable_msi(struct pci_dev *d, uint8_t vector, uint8_t apic_id);

#endif
