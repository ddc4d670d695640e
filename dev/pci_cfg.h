/* SPDX-License-Identifier: MIT */
/* Private to dev/pci*.c and the PCI self-test: configuration space by
 * bus, device and function, through either access mechanism. */
#ifndef STRIX_DEV_PCI_CFG_H
#define STRIX_DEV_PCI_CFG_H

#include "dev/pci.h"

enum pci_cfg_via {
	PCI_VIA_AUTO, /* ECAM when it covers the bus, else port I/O */
	PCI_VIA_ECAM, /* all ones when ECAM does not cover the bus */
	PCI_VIA_PORT, /* all ones past offset 255 */
};

/* width is 1, 2 or 4 and off must be aligned to it. */
uint32_t pci_cfg_read(enum pci_cfg_via via, uint8_t bus, uint8_t dev,
		      uint8_t fn, uint16_t off, unsigned width);
void pci_cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
		   unsigned width, uint32_t v);
/* Does ECAM cover this bus? */
bool pci_cfg_has_ecam(uint8_t bus);
/* Use mechanism #1 only (pci=nommconf, as on Linux); before any access. */
void pci_cfg_disable_ecam(void);

#endif
