/* SPDX-License-Identifier: MIT */
/* The list of PCI functions: filled by the bus walk (pci_scan.c) at boot,
 * logged like lspci -nn, and looked up by drivers. */
#include "dev/pci_cfg.h"
#include "dev/pci_scan.h"
#include "kernel/acpi.h"
#include "kernel/kernel.h"
#include "mm/mm.h"

/* Built once by pci_init and never changed afterwards, so readers need
 * no lock. */
static struct pci_dev *pci_list, **pci_tail = &pci_list;
static struct spinlock probe_lock = SPINLOCK_INIT("pci_probe");
static bool use_ecam;

static uint32_t cfg_read(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
			 uint16_t off, unsigned width)
{
	return pci_cfg_read(PCI_VIA_AUTO, bus, dev, fn, off, width);
}

static void cfg_write(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
		      uint16_t off, unsigned width, uint32_t v)
{
	pci_cfg_write(bus, dev, fn, off, width, v);
}

/* Interrupts stay off while a function's BARs hold all ones, so nothing
 * on this CPU touches it meanwhile (the boot framebuffer may be one). */
static bool probe_begin(void *ctx)
{
	return spin_lock_irqsave(&probe_lock);
}

static void probe_end(void *ctx, bool state)
{
	spin_unlock_irqrestore(&probe_lock, state);
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

/* Copies a function the scan found onto the list and logs it. */
static bool found(void *ctx, const struct pci_dev *d)
{
	struct pci_dev *copy = kzalloc(sizeof(*copy));

	log_function(d);
	if (!copy) {
		pr_err("pci 0000:%02x:%02x.%x: out of memory, left out\n",
		       d->bus, d->dev, d->fn);
		return false;
	}
	*copy = *d;
	copy->next = NULL;
	*pci_tail = copy;
	pci_tail = &copy->next;
	if (d->header_type == PCI_HEADER_BRIDGE && use_ecam &&
	    d->secondary_bus && !pci_cfg_has_ecam(d->secondary_bus))
		pr_warn("pci: bus %02x is outside the MCFG range, using "
			"port I/O\n",
			d->secondary_bus);
	return true;
}

static const struct pci_scan_ops scan_ops = {
	.read = cfg_read,
	.write = cfg_write,
	.probe_begin = probe_begin,
	.probe_end = probe_end,
	.found = found,
};

void pci_init(void)
{
	const char *opt = cmdline_get("pci");
	unsigned n;

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
	n = pci_scan(&scan_ops, NULL);
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
