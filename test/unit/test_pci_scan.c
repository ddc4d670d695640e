/* SPDX-License-Identifier: MIT */
/* The PCI bus walk over a made-up configuration space: bridges,
 * multi-function devices, absent functions, BAR probing etiquette. */
#include <string.h>

#include "dev/pci_scan.h"
#include "test/unit/unit.h"

#define MAX_FNS 64

static struct fake_fn {
	uint8_t bus, dev, fn;
	uint8_t cfg[256];
	uint32_t bar_rw[6]; /* writable bits of each BAR */
} fns[MAX_FNS];
static int nfns;
static bool in_probe;
static int bad_probes; /* all-ones written outside the rules */
static struct pci_dev seen[MAX_FNS];
static int nseen;

static struct fake_fn *lookup(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (int i = 0; i < nfns; i++)
		if (fns[i].bus == bus && fns[i].dev == dev && fns[i].fn == fn)
			return &fns[i];
	return NULL;
}

static uint32_t get(const uint8_t *p, unsigned width)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void put(uint8_t *p, unsigned width, uint32_t v)
{
	for (unsigned i = 0; i < width; i++)
		p[i] = v >> (8 * i);
}

static uint32_t fake_read(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
			  uint16_t off, unsigned width)
{
	struct fake_fn *f = lookup(bus, dev, fn);

	(void)ctx;
	if (!f)
		return width == 4 ? ~0u : (1u << (8 * width)) - 1;
	return get(&f->cfg[off], width);
}

static void fake_write(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
		       uint16_t off, unsigned width, uint32_t v)
{
	struct fake_fn *f = lookup(bus, dev, fn);
	unsigned nbars = (f && (f->cfg[PCI_HEADER_TYPE] & 0x7f)) ? 2 : 6;

	(void)ctx;
	if (!f)
		return;
	if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * nbars && width == 4) {
		unsigned i = (off - PCI_BAR0) / 4;
		uint32_t old = get(&f->cfg[off], 4);

		/* Decoding off while a BAR holds all ones; host bridges
		 * are exempt (see probe_bars). */
		bool host = f->cfg[PCI_CLASS] == 6 && f->cfg[PCI_SUBCLASS] == 0;
		bool decoding = get(&f->cfg[PCI_COMMAND], 2) & 3;

		if (v == ~0u && (!in_probe || (decoding && !host)))
			bad_probes++;
		put(&f->cfg[off], 4,
		    (v & f->bar_rw[i]) | (old & ~f->bar_rw[i]));
		return;
	}
	put(&f->cfg[off], width, v);
}

static bool fake_begin(void *ctx)
{
	(void)ctx;
	in_probe = true;
	return true;
}

static void fake_end(void *ctx, bool state)
{
	(void)ctx;
	(void)state;
	in_probe = false;
}

static bool fake_found(void *ctx, const struct pci_dev *d)
{
	(void)ctx;
	if (nseen < MAX_FNS)
		seen[nseen++] = *d;
	return true;
}

static const struct pci_scan_ops ops = { fake_read, fake_write, fake_begin,
					 fake_end, fake_found };

static void reset(void)
{
	memset(fns, 0, sizeof(fns));
	nfns = nseen = bad_probes = 0;
	in_probe = false;
}

static struct fake_fn *add(uint8_t bus, uint8_t dev, uint8_t fn,
			   uint16_t vendor, uint32_t class_rev, uint8_t htype)
{
	struct fake_fn *f = &fns[nfns++];

	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	put(&f->cfg[PCI_VENDOR_ID], 2, vendor);
	put(&f->cfg[PCI_DEVICE_ID], 2, 0x1000 + nfns);
	put(&f->cfg[PCI_REVISION_ID], 4, class_rev);
	f->cfg[PCI_HEADER_TYPE] = htype;
	put(&f->cfg[PCI_COMMAND], 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	return f;
}

static struct fake_fn *add_bridge(uint8_t bus, uint8_t dev, uint8_t sec)
{
	struct fake_fn *f = add(bus, dev, 0, 0x8086, 0x06040000, 1);

	f->cfg[PCI_PRIMARY_BUS] = bus;
	f->cfg[PCI_SECONDARY_BUS] = sec;
	f->cfg[PCI_SUBORDINATE_BUS] = sec;
	return f;
}

static void set_bar(struct fake_fn *f, unsigned i, uint32_t val, uint32_t rw)
{
	put(&f->cfg[PCI_BAR0 + 4 * i], 4, val);
	f->bar_rw[i] = rw;
}

static const struct pci_dev *seen_at(uint8_t bus, uint8_t dev, uint8_t fn)
{
	for (int i = 0; i < nseen; i++)
		if (seen[i].bus == bus && seen[i].dev == dev &&
		    seen[i].fn == fn)
			return &seen[i];
	return NULL;
}

TEST(pci_scan_q35_like)
{
	struct fake_fn *f;
	const struct pci_dev *d;

	reset();
	add(0, 0, 0, 0x8086, 0x06000000, 0);
	f = add(0, 1, 0, 0x1234, 0x03000002, 0);
	set_bar(f, 0, 0xc0000008, 0xff000000); /* 16 MiB prefetchable */
	set_bar(f, 2, 0x0000000c, 0xffffc000); /* 64-bit, 16 KiB, */
	set_bar(f, 3, 0x00000001, 0xffffffff); /* at 0x1_0000_0000 */
	set_bar(f, 4, 0x0000c041, 0x0000ffe0); /* 32 I/O ports */
	add_bridge(0, 0x1c, 1);
	add(1, 0, 0, 0x1af4, 0x02000001, 0);
	add(0, 0x1f, 0, 0x8086, 0x06010002, 0x80);
	add(0, 0x1f, 2, 0x8086, 0x01060102, 0);
	add(0, 0x1f, 3, 0x8086, 0x0c050002, 0);

	CHECK_EQ(pci_scan(&ops, NULL), 7);
	CHECK_EQ(nseen, 7);
	CHECK_EQ(bad_probes, 0);
	/* Depth first: the bridge's bus comes right after the bridge. */
	CHECK(seen[2].dev == 0x1c && seen[3].bus == 1 && seen[4].dev == 0x1f);
	d = seen_at(0, 1, 0);
	CHECK(d);
	CHECK_EQ(d->class, 0x03);
	CHECK_EQ(d->revision, 0x02);
	CHECK_EQ(d->bar[0].type, PCI_BAR_MEM32);
	CHECK_EQ(d->bar[0].size, 16 << 20);
	CHECK(d->bar[0].prefetchable);
	CHECK_EQ(d->bar[1].type, PCI_BAR_NONE);
	CHECK_EQ(d->bar[2].type, PCI_BAR_MEM64);
	CHECK_EQ(d->bar[2].base, 0x100000000ULL);
	CHECK_EQ(d->bar[2].size, 0x4000);
	CHECK_EQ(d->bar[3].type, PCI_BAR_NONE); /* the upper half */
	CHECK_EQ(d->bar[4].type, PCI_BAR_IO);
	CHECK_EQ(d->bar[4].size, 32);
	/* The probe put the BARs and the command register back. */
	f = lookup(0, 1, 0);
	CHECK_EQ(get(&f->cfg[PCI_BAR0], 4), 0xc0000008);
	CHECK_EQ(get(&f->cfg[PCI_BAR0 + 12], 4), 1);
	CHECK_EQ(get(&f->cfg[PCI_COMMAND], 2), 3);
	d = seen_at(0, 0x1f, 2);
	CHECK(d && d->class == 0x01 && d->subclass == 0x06 &&
	      d->prog_if == 0x01);
	CHECK(!seen_at(0, 0x1f, 1));
	d = seen_at(0, 0x1c, 0);
	CHECK(d && d->header_type == PCI_HEADER_BRIDGE &&
	      d->secondary_bus == 1);
}

TEST(pci_scan_single_function_aliases)
{
	reset();
	/* Header type bit 7 clear: functions 1-7 are not looked at, even if
	 * the device answers them (some decode fn loosely). */
	add(0, 3, 0, 0x8086, 0x02000000, 0);
	add(0, 3, 1, 0x8086, 0x02000000, 0);
	/* Function 0 absent: the slot is empty whatever else answers. */
	add(0, 4, 1, 0x8086, 0x02000000, 0);
	/* Vendor 0 is no device either. */
	add(0, 5, 0, 0x0000, 0x02000000, 0);
	CHECK_EQ(pci_scan(&ops, NULL), 1);
	CHECK(seen_at(0, 3, 0));
}

TEST(pci_scan_bad_bridges)
{
	reset();
	add_bridge(0, 1, 0); /* unconfigured: secondary 0 */
	add_bridge(0, 2, 3);
	add_bridge(3, 0, 3);		     /* points at its own bus */
	add_bridge(3, 1, 2);		     /* points backwards */
	add(2, 0, 0, 0x8086, 0x02000000, 0); /* reachable only backwards */
	add(3, 5, 0, 0x8086, 0x02000000, 0);
	CHECK_EQ(pci_scan(&ops, NULL), 5);
	CHECK(!seen_at(2, 0, 0));
	CHECK(seen_at(3, 5, 0));
}

TEST(pci_scan_bus_reached_twice)
{
	reset();
	/* Two bridges claim bus 5: its devices are listed once. */
	add_bridge(0, 1, 5);
	add_bridge(0, 2, 5);
	add(5, 0, 0, 0x8086, 0x02000000, 0);
	CHECK_EQ(pci_scan(&ops, NULL), 3);
}

TEST(pci_scan_depth_limit)
{
	reset();
	/* A chain of 40 bridges: the walk stops at the depth limit. */
	for (int b = 0; b < 40; b++)
		add_bridge(b, 0, b + 1);
	CHECK_EQ(pci_scan(&ops, NULL), PCI_MAX_BRIDGE_DEPTH + 1);
}

TEST(pci_scan_bar_probe_reads_zero)
{
	const struct pci_dev *d;

	reset();
	/* BARs that hold an address but ignore the all-ones write. */
	struct fake_fn *f = add(0, 0, 0, 0x8086, 0x01800000, 0);

	for (int i = 0; i < 6; i++)
		set_bar(f, i, 0, 0);
	CHECK_EQ(pci_scan(&ops, NULL), 1);
	d = seen_at(0, 0, 0);
	for (int i = 0; i < 6; i++)
		CHECK_EQ(d->bar[i].type, PCI_BAR_NONE);
}
