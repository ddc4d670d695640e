/* SPDX-License-Identifier: MIT */
/* Private to dev/pci*.c: the bus walk, kept apart from the hardware so
 * host unit tests can run it over a made-up configuration space. */
#ifndef STRIX_DEV_PCI_SCAN_H
#define STRIX_DEV_PCI_SCAN_H

#include "dev/pci.h"

/* Bridges nest no deeper than this; each level costs stack. */
#define PCI_MAX_BRIDGE_DEPTH 16

struct pci_scan_ops {
	/* Configuration space; width 1, 2 or 4, off aligned to it. */
	uint32_t (*read)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
			 uint16_t off, unsigned width);
	void (*write)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
		      uint16_t off, unsigned width, uint32_t v);
	/* Bracket each function's BAR probe (the kernel turns interrupts
	 * off); begin's result is handed to end. */
	bool (*probe_begin)(void *ctx);
	void (*probe_end)(void *ctx, bool state);
	/* A function was read; d is only borrowed for the call. False
	 * drops it (and a bridge's buses behind it). */
	bool (*found)(void *ctx, const struct pci_dev *d);
};

/* Walks bus 0 and every bus behind a bridge with a sane secondary bus
 * number; returns how many functions were handed to ops->found. */
unsigned pci_scan(const struct pci_scan_ops *ops, void *ctx);

#endif
