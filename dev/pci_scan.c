/* SPDX-License-Identifier: MIT */
/*
 * The PCI bus walk: a depth-first scan from bus 0 through PCI-to-PCI
 * bridges, reading each function's header and sizing its BARs. All
 * hardware access goes through struct pci_scan_ops.
 */
#include "dev/pci_scan.h"
#include "kernel/kernel.h"

struct scan {
	const struct pci_scan_ops *ops;
	void *ctx;
	uint8_t bus_seen[256 / 8];
	unsigned found;
};

static void scan_bus(struct scan *s, uint8_t bus, unsigned depth);

static uint32_t rd(struct scan *s, const struct pci_dev *d, uint16_t off,
		   unsigned width)
{
	return s->ops->read(s->ctx, d->bus, d->dev, d->fn, off, width);
}

static void wr(struct scan *s, const struct pci_dev *d, uint16_t off,
	       unsigned width, uint32_t v)
{
	s->ops->write(s->ctx, d->bus, d->dev, d->fn, off, width, v);
}

/* How many BARs the header type has (PCI 3.0 §6.1; CardBus: PC Card
 * Standard's socket registers in the one BAR). */
static unsigned bar_count(uint8_t header_type)
{
	switch (header_type) {
	case PCI_HEADER_NORMAL:
		return 6;
	case PCI_HEADER_BRIDGE:
		return 2;
	case PCI_HEADER_CARDBUS:
		return 1;
	default:
		return 0;
	}
}

/*
 * Sizes the BARs by writing all ones and reading back (PCI 3.0 §6.2.5.1).
 * Decoding is off meanwhile so the half-written BARs claim no addresses.
 * Host bridges keep decoding, as on Linux: some stop forwarding RAM or
 * ECAM accesses otherwise.
 */
static void probe_bars(struct scan *s, struct pci_dev *d)
{
	unsigned n = bar_count(d->header_type);
	uint32_t val[PCI_NUM_BARS], probe[PCI_NUM_BARS];
	uint16_t cmd, off_bits = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
	bool state;

	if (d->class == 0x06 && d->subclass == 0x00)
		off_bits = 0;
	state = s->ops->probe_begin(s->ctx);
	cmd = rd(s, d, PCI_COMMAND, 2);
	if (cmd & off_bits)
		wr(s, d, PCI_COMMAND, 2, cmd & ~off_bits);
	for (unsigned i = 0; i < n; i++) {
		uint16_t off = PCI_BAR0 + 4 * i;

		val[i] = rd(s, d, off, 4);
		wr(s, d, off, 4, ~0u);
		probe[i] = rd(s, d, off, 4);
		wr(s, d, off, 4, val[i]);
	}
	if (cmd & off_bits)
		wr(s, d, PCI_COMMAND, 2, cmd);
	s->ops->probe_end(s->ctx, state);

	for (unsigned i = 0; i < n;) {
		/* A 64-bit BAR in the last slot has no upper half: its
		 * upper address bits are taken as 0. */
		bool pair = pci_bar_is_64(val[i]) && i + 1 < n;

		i += pci_bar_decode(&d->bar[i], val[i], probe[i],
				    pair ? val[i + 1] : 0,
				    pair ? probe[i + 1] : 0);
	}
}

/* Reads the function's header (PCI 3.0 §6.1) and sizes its BARs. */
static void read_function(struct scan *s, struct pci_dev *d)
{
	uint32_t id = rd(s, d, PCI_VENDOR_ID, 4);
	uint32_t cls = rd(s, d, PCI_REVISION_ID, 4);

	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->revision = cls & 0xff;
	d->prog_if = cls >> 8 & 0xff;
	d->subclass = cls >> 16 & 0xff;
	d->class = cls >> 24;
	d->header_type = rd(s, d, PCI_HEADER_TYPE, 1) & ~PCI_HEADER_MULTIFUNC;
	d->irq_line = rd(s, d, PCI_INTERRUPT_LINE, 1);
	d->irq_pin = rd(s, d, PCI_INTERRUPT_PIN, 1);
	if (d->header_type == PCI_HEADER_NORMAL) {
		d->subsys_vendor = rd(s, d, PCI_SUBSYS_VENDOR_ID, 2);
		d->subsys_id = rd(s, d, PCI_SUBSYS_ID, 2);
	} else if (d->header_type == PCI_HEADER_BRIDGE) {
		d->secondary_bus = rd(s, d, PCI_SECONDARY_BUS, 1);
	}
	probe_bars(s, d);
}

/*
 * Follows a bridge to the secondary bus firmware gave it; bus numbers
 * are not assigned here. A secondary bus of 0 (unconfigured) or not above
 * the bridge's own bus (which would loop) is skipped.
 */
static void scan_bridge(struct scan *s, const struct pci_dev *d, unsigned depth)
{
	uint8_t sec = d->secondary_bus;

	if (sec == 0 || sec <= d->bus) {
		pr_warn("pci 0000:%02x:%02x.%x: bridge to bus %02x not "
			"followed\n",
			d->bus, d->dev, d->fn, sec);
		return;
	}
	if (depth >= PCI_MAX_BRIDGE_DEPTH) {
		pr_warn("pci: bridges nested too deep at bus %02x\n", sec);
		return;
	}
	scan_bus(s, sec, depth + 1);
}

/* No function answers with vendor 0xffff (a master abort reads all
 * ones, PCI 3.0 §6.2.1); 0 is never assigned either. */
static bool function_present(struct scan *s, uint8_t bus, uint8_t dev,
			     uint8_t fn)
{
	uint16_t v = s->ops->read(s->ctx, bus, dev, fn, PCI_VENDOR_ID, 2);

	return v != 0xffff && v != 0;
}

/* Functions 1-7 exist only if function 0 does and says it is a
 * multi-function device (header type bit 7, PCI 3.0 §6.2.1). */
static void scan_slot(struct scan *s, uint8_t bus, uint8_t dev, unsigned depth)
{
	unsigned nfn = 1;

	for (unsigned fn = 0; fn < nfn; fn++) {
		struct pci_dev d = { .bus = bus, .dev = dev, .fn = fn };

		if (!function_present(s, bus, dev, fn)) {
			if (fn == 0)
				return;
			continue;
		}
		if (fn == 0 &&
		    (rd(s, &d, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC))
			nfn = 8;
		read_function(s, &d);
		if (!s->ops->found(s->ctx, &d))
			continue;
		s->found++;
		if (d.header_type == PCI_HEADER_BRIDGE)
			scan_bridge(s, &d, depth);
	}
}

static void scan_bus(struct scan *s, uint8_t bus, unsigned depth)
{
	if (s->bus_seen[bus / 8] & (1u << (bus % 8))) {
		pr_warn("pci: bus %02x reached twice\n", bus);
		return;
	}
	s->bus_seen[bus / 8] |= 1u << (bus % 8);
	for (uint8_t dev = 0; dev < 32; dev++)
		scan_slot(s, bus, dev, depth);
}

unsigned pci_scan(const struct pci_scan_ops *ops, void *ctx)
{
	struct scan s = { .ops = ops, .ctx = ctx };

	scan_bus(&s, 0, 0);
	return s.found;
}
