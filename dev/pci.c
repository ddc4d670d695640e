/* SPDX-License-Identifier: MIT */
/* PCI enumeration: a depth-first scan from bus 0 through PCI-to-PCI
 * bridges, the list of functions found, its lookups, the boot listing. */
#include "dev/pci_cfg.h"
#include "kernel/acpi.h"
#include "kernel/kernel.h"
#include "mm/mm.h"

/* Bridges nest no deeper than this; each level costs stack. */
#define MAX_BRIDGE_DEPTH 32

/* Built once by pci_init and never changed afterwards, so readers need
 * no lock. */
static struct pci_dev *pci_list, **pci_tail = &pci_list;
static uint8_t bus_seen[256 / 8];
static struct spinlock probe_lock = SPINLOCK_INIT("pci_probe");
static bool use_ecam;

static void scan_bus(uint8_t bus, unsigned depth);

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
 * Decoding is off meanwhile so the half-written BARs claim no addresses,
 * and interrupts are off so nothing on this CPU touches the device
 * (the boot framebuffer may be one of them). Host bridges keep decoding,
 * as on Linux: some stop forwarding RAM or ECAM accesses otherwise.
 */
static void probe_bars(struct pci_dev *d)
{
	unsigned n = bar_count(d->header_type);
	uint32_t val[PCI_NUM_BARS], probe[PCI_NUM_BARS];
	uint16_t cmd, off_bits = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
	bool irq;

	if (d->class == 0x06 && d->subclass == 0x00)
		off_bits = 0;
	irq = spin_lock_irqsave(&probe_lock);
	cmd = pci_read16(d, PCI_COMMAND);
	if (cmd & off_bits)
		pci_write16(d, PCI_COMMAND, cmd & ~off_bits);
	for (unsigned i = 0; i < n; i++) {
		uint16_t off = PCI_BAR0 + 4 * i;

		val[i] = pci_read32(d, off);
		pci_write32(d, off, ~0u);
		probe[i] = pci_read32(d, off);
		pci_write32(d, off, val[i]);
	}
	if (cmd & off_bits)
		pci_write16(d, PCI_COMMAND, cmd);
	spin_unlock_irqrestore(&probe_lock, irq);

	for (unsigned i = 0; i < n;) {
		/* A 64-bit BAR in the last slot has no upper half: its
		 * upper address bits are taken as 0. */
		bool pair = pci_bar_is_64(val[i]) && i + 1 < n;

		i += pci_bar_decode(&d->bar[i], val[i], probe[i],
				    pair ? val[i + 1] : 0,
				    pair ? probe[i + 1] : 0);
	}
}

static void log_function(const struct pci_dev *d)
{
	static const char *const kind[] = { "none", "io", "mem32", "mem64" };

	char bus[16] = "";

	if (d->header_type == PCI_HEADER_BRIDGE)
		ksnprintf(bus, sizeof(bus), " [bus %02x]", d->secondary_bus);
	printk(KERN_INFO "pci 0000:%02x:%02x.%x [%02x%02x]: %04x:%04x "
			 "(rev %02x) %s%s\n",
	       d->bus, d->dev, d->fn, d->class, d->subclass, d->vendor,
	       d->device, d->revision,
	       pci_class_name(d->class, d->subclass, d->prog_if), bus);
	for (unsigned i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (b->type == PCI_BAR_NONE)
			continue;
		pr_debug("pci 0000:%02x:%02x.%x BAR%u: %s%s %#llx size %#llx\n",
			 d->bus, d->dev, d->fn, i, kind[b->type],
			 b->prefetchable ? " pref" : "",
			 (unsigned long long)b->base,
			 (unsigned long long)b->size);
	}
}

/* Reads the function's header into a new list entry; NULL without
 * memory (the function is then left out). */
static struct pci_dev *add_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev *d = kzalloc(sizeof(*d));
	uint32_t id, cls;

	if (!d) {
		pr_err("pci %02x:%02x.%x: out of memory\n", bus, dev, fn);
		return NULL;
	}
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	id = pci_read32(d, PCI_VENDOR_ID);
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	cls = pci_read32(d, PCI_REVISION_ID);
	d->revision = cls & 0xff;
	d->prog_if = cls >> 8 & 0xff;
	d->subclass = cls >> 16 & 0xff;
	d->class = cls >> 24;
	d->header_type = pci_read8(d, PCI_HEADER_TYPE) & ~PCI_HEADER_MULTIFUNC;
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	if (d->header_type == PCI_HEADER_NORMAL) {
		d->subsys_vendor = pci_read16(d, PCI_SUBSYS_VENDOR_ID);
		d->subsys_id = pci_read16(d, PCI_SUBSYS_ID);
	} else if (d->header_type == PCI_HEADER_BRIDGE) {
		d->secondary_bus = pci_read8(d, PCI_SECONDARY_BUS);
	}
	probe_bars(d);
	*pci_tail = d;
	pci_tail = &d->next;
	log_function(d);
	return d;
}

/*
 * Follows a bridge to the secondary bus firmware gave it; bus numbers
 * are not assigned here. A secondary bus of 0 (unconfigured) or not above
 * the bridge's own bus (which would loop) is skipped.
 */
static void scan_bridge(const struct pci_dev *d, unsigned depth)
{
	uint8_t sec = d->secondary_bus;

	if (sec == 0 || sec <= d->bus) {
		pr_warn("pci 0000:%02x:%02x.%x: bridge to bus %02x not "
			"followed\n",
			d->bus, d->dev, d->fn, sec);
		return;
	}
	if (depth >= MAX_BRIDGE_DEPTH) {
		pr_warn("pci: bridges nested too deep at bus %02x\n", sec);
		return;
	}
	scan_bus(sec, depth + 1);
}

/* No function answers with vendor 0xffff (a master abort reads all
 * ones, PCI 3.0 §6.2.1); 0 is never assigned either. */
static bool function_present(uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint16_t v = pci_cfg_read(PCI_VIA_AUTO, bus, dev, fn, 0, 2);

	return v != 0xffff && v != 0;
}

/* Functions 1-7 exist only if function 0 does and says it is a
 * multi-function device (header type bit 7, PCI 3.0 §6.2.1). */
static void scan_slot(uint8_t bus, uint8_t dev, unsigned depth)
{
	unsigned nfn = 1;

	for (unsigned fn = 0; fn < nfn; fn++) {
		struct pci_dev *d;

		if (!function_present(bus, dev, fn)) {
			if (fn == 0)
				return;
			continue;
		}
		if (fn == 0 && (pci_cfg_read(PCI_VIA_AUTO, bus, dev, 0,
					     PCI_HEADER_TYPE, 1) &
				PCI_HEADER_MULTIFUNC))
			nfn = 8;
		d = add_function(bus, dev, fn);
		if (d && d->header_type == PCI_HEADER_BRIDGE)
			scan_bridge(d, depth);
	}
}

static void scan_bus(uint8_t bus, unsigned depth)
{
	if (bus_seen[bus / 8] & (1u << (bus % 8))) {
		pr_warn("pci: bus %02x reached twice\n", bus);
		return;
	}
	bus_seen[bus / 8] |= 1u << (bus % 8);
	if (use_ecam && !pci_cfg_has_ecam(bus))
		pr_warn("pci: bus %02x is outside the MCFG range, using "
			"port I/O\n",
			bus);
	for (uint8_t dev = 0; dev < 32; dev++)
		scan_slot(bus, dev, depth);
}

void pci_init(void)
{
	const char *opt = cmdline_get("pci");
	unsigned n = 0;

	if (opt && !strcmp(opt, "nommconf"))
		pci_cfg_disable_ecam();
	use_ecam = acpi.mcfg_base && !(opt && !strcmp(opt, "nommconf"));
	if (use_ecam)
		pr_info("pci: ECAM at %#llx for buses %02x-%02x\n",
			(unsigned long long)acpi.mcfg_base, acpi.mcfg_bus_start,
			acpi.mcfg_bus_end);
	else
		pr_info("pci: %s, configuration mechanism #1\n",
			acpi.mcfg_base ? "pci=nommconf" : "no MCFG");
	scan_bus(0, 0);
	for (struct pci_dev *d = pci_list; d; d = d->next)
		n++;
	pr_info("pci: %u functions\n", n);
}

struct pci_dev *pci_first(void)
{
	return pci_list;
}

struct pci_dev *pci_find_class(uint8_t class, uint16_t subclass,
			       struct pci_dev *prev)
{
	for (struct pci_dev *d = prev ? prev->next : pci_list; d; d = d->next)
		if (d->class == class &&
		    (subclass == PCI_ANY_SUBCLASS || d->subclass == subclass))
			return d;
	return NULL;
}

struct pci_dev *pci_find_slot(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (struct pci_dev *d = pci_list; d; d = d->next)
		if (d->bus == bus && d->dev == dev && d->fn == fn)
			return d;
	return NULL;
}
