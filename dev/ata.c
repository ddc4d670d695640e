/* SPDX-License-Identifier: MIT */
/*
 * Legacy ATA (PATA/IDE) controllers, PCI class 01:01: finding them and
 * their channels, detecting and identifying the devices, and registering
 * the disks with the block layer. The I/O path is in ata_io.c.
 */
#include "dev/ata_impl.h"
#include "dev/dev.h"
#include "dev/pci.h"
#include "mm/mm.h"

/* Programming interface bits of class 01:01 (PCI IDE Controller
 * Specification 1.0, programming interface byte): a channel in native
 * mode, the bus master. */
#define PROGIF_NATIVE(ch) (1u << (2 * (ch)))
#define PROGIF_BUSMASTER 0x80

#define PROBE_BUSY_MS 5000 /* after reset, while probing */
#define PROBE_CMD_MS 2000  /* IDENTIFY */

struct ata_ctrl {
	struct pci_dev *pci;
	struct ata_channel ch[2];
	bool native[2];
	bool simplex; /* only the primary channel gets DMA */
};

bool ata_dma_enabled = true;
static unsigned nchannels; /* ataN numbers, as Linux's libata counts */
static bool legacy_ports_taken;

static uint8_t altstatus(struct ata_channel *ch)
{
	return inb(ch->ctl + ATA_REG_ALTSTATUS);
}

/* Selects unit, then waits the 400 ns until status is valid. */
static void probe_select(struct ata_channel *ch, unsigned unit)
{
	outb(ch->cmd + ATA_REG_DEVICE, ATA_DEV_OBS | unit << 4);
	for (int i = 0; i < 4; i++)
		altstatus(ch);
}

/* Polls until BSY clears: the status, -ENODEV for a floating bus (all
 * ones), -ETIMEDOUT. Probing only; requests never poll. */
static int wait_not_busy(struct ata_channel *ch, unsigned ms)
{
	uint64_t deadline = time_ns() + (uint64_t)ms * 1000000;

	for (;;) {
		uint8_t st = altstatus(ch);

		if (st == 0xff)
			return -ENODEV;
		if (!(st & ATA_BSY))
			return st;
		if (time_ns() > deadline)
			return -ETIMEDOUT;
		time_delay_us(100);
	}
}

/* Is a device there to hold register values? A missing one reads back
 * what the bus floats to, or zeros (Linux's ata_devchk does the same). */
static bool devchk(struct ata_channel *ch, unsigned unit)
{
	uint16_t p = ch->cmd;

	probe_select(ch, unit);
	outb(p + ATA_REG_NSECT, 0x55);
	outb(p + ATA_REG_LBAL, 0xaa);
	outb(p + ATA_REG_NSECT, 0xaa);
	outb(p + ATA_REG_LBAL, 0x55);
	outb(p + ATA_REG_NSECT, 0x55);
	outb(p + ATA_REG_LBAL, 0xaa);
	return inb(p + ATA_REG_NSECT) == 0x55 && inb(p + ATA_REG_LBAL) == 0xaa;
}

/* Soft reset with interrupts off at the device (nIEN), then waits for
 * each present device to leave BSY (ATA8-APT, SRST protocol). */
static void probe_reset(struct ata_channel *ch, const bool present[2])
{
	outb(ch->ctl + ATA_REG_CTL, ATA_NIEN | ATA_SRST);
	time_delay_us(10);
	outb(ch->ctl + ATA_REG_CTL, ATA_NIEN);
	time_delay_us(2000);
	for (unsigned unit = 0; unit < 2; unit++) {
		if (!present[unit])
			continue;
		probe_select(ch, unit);
		if (wait_not_busy(ch, PROBE_BUSY_MS) == -ETIMEDOUT)
			pr_warn("ata%u.%02u: busy after reset\n", ch->port,
				unit);
	}
}

/* The signature a device leaves after reset: ATA or ATAPI (SATA's own
 * signatures, seen behind bridges, count as the same), or -ENODEV. */
static int classify(struct ata_channel *ch, unsigned unit)
{
	uint8_t st;
	uint16_t sig;

	probe_select(ch, unit);
	st = altstatus(ch);
	if (st == 0xff)
		return -ENODEV;
	sig = inb(ch->cmd + ATA_REG_LBAH) << 8 | inb(ch->cmd + ATA_REG_LBAM);
	/* ATAPI devices clear DRDY after a reset, ATA ones set it: an "ATA"
	 * signature with status 0 is an absent device reading zeros (as
	 * Linux's ata_sff_dev_classify decides too). */
	if (sig == ATA_SIG_ATA || sig == ATA_SIG_SATA)
		return st ? 0 : -ENODEV;
	if (sig == ATA_SIG_ATAPI || sig == ATA_SIG_SATAPI)
		return 1;
	return -ENODEV;
}

/* IDENTIFY (PACKET) DEVICE by polled PIO data-in: 0 or -EIO. */
static int identify(struct ata_channel *ch, unsigned unit, uint8_t cmd,
		    uint16_t *id)
{
	int st;

	probe_select(ch, unit);
	if (wait_not_busy(ch, PROBE_BUSY_MS) < 0)
		return -EIO;
	outb(ch->cmd + ATA_REG_CMD, cmd);
	for (int i = 0; i < 4; i++)
		altstatus(ch);
	st = wait_not_busy(ch, PROBE_CMD_MS);
	if (st < 0 || (st & (ATA_ERR | ATA_DF)) || !(st & ATA_DRQ)) {
		inb(ch->cmd + ATA_REG_STATUS);
		return -EIO;
	}
	for (int i = 0; i < 256; i++)
		id[i] = inw(ch->cmd + ATA_REG_DATA);
	inb(ch->cmd + ATA_REG_STATUS); /* clears INTRQ */
	return 0;
}

/* An ATA disk: its blkdev, registered once the channel's interrupt is
 * installed (registration reads the partition table). */
static struct ata_dev *make_disk(struct ata_channel *ch, unsigned unit,
				 const struct ata_ident *a)
{
	unsigned port = ch->port;
	struct ata_dev *dev;

	if (!a->lba || !a->sectors || a->big_sectors) {
		pr_warn("ata%u.%02u: '%s': %s, not used\n", port, unit,
			a->model,
			a->big_sectors ? "sectors over 512 bytes" : "no LBA");
		return NULL;
	}
	dev = kzalloc(sizeof(*dev));
	if (!dev)
		return NULL;
	dev->ch = ch;
	dev->unit = unit;
	dev->lba48 = a->lba48;
	dev->dma = a->dma && ch->bm && ata_dma_enabled;
	dev->flush = a->flush;
	dev->flush_ext = a->flush_ext && a->lba48;
	dev->bd.sectors = a->sectors;
	dev->bd.ops = &ata_blk_ops;
	dev->bd.driver = dev;
	if (a->removable)
		dev->bd.flags |= BLKDEV_REMOVABLE;
	strlcpy(dev->bd.model, a->model, sizeof(dev->bd.model));
	pr_info("ata%u.%02u: ATA disk '%s', %llu sectors (%llu MiB), %s, %s\n",
		port, unit, a->model, (unsigned long long)a->sectors,
		(unsigned long long)(a->sectors >> 11),
		a->lba48 ? "LBA48" : "LBA28", dev->dma ? "DMA" : "PIO");
	return dev;
}

/* Identifies what classify() found at unit. */
static void probe_unit(struct ata_channel *ch, unsigned unit, int kind)
{
	uint16_t *id = kmalloc(512);
	struct ata_ident a;

	if (!id)
		return;
	if (identify(ch, unit,
		     kind ? ATA_CMD_IDENTIFY_PACKET : ATA_CMD_IDENTIFY,
		     id) < 0) {
		pr_warn("ata%u.%02u: IDENTIFY failed\n", ch->port, unit);
		goto out;
	}
	ata_ident_parse(id, &a);
	if (kind) {
		/* Word 0 bits 12:8: the SCSI peripheral type, 5 = CD/DVD. */
		pr_info("ata%u.%02u: ATAPI %s '%s' (not supported yet)\n",
			ch->port, unit,
			((id[0] >> 8) & 0x1f) == 5 ? "CD-ROM" : "device",
			a.model);
		goto out;
	}
	ch->dev[unit] = make_disk(ch, unit, &a);
out:
	kfree(id);
}

/* Finds the devices on a channel. */
static void probe_channel(struct ata_channel *ch)
{
	bool present[2];

	/* Nothing drives the bus: status floats to all ones. */
	probe_select(ch, 0);
	if (altstatus(ch) == 0xff) {
		probe_select(ch, 1);
		if (altstatus(ch) == 0xff)
			return;
	}
	present[0] = devchk(ch, 0);
	present[1] = devchk(ch, 1);
	if (!present[0] && !present[1])
		return;
	probe_reset(ch, present);
	for (unsigned unit = 0; unit < 2; unit++) {
		int kind = present[unit] ? classify(ch, unit) : -ENODEV;

		if (kind >= 0)
			probe_unit(ch, unit, kind);
	}
}

/* Native-mode channels share the controller's PCI interrupt. */
static void ata_irq_native(struct trap_frame *tf, void *arg)
{
	struct ata_ctrl *c = arg;

	for (unsigned i = 0; i < 2; i++)
		if (c->native[i] && c->ch[i].cmd)
			ata_irq(tf, &c->ch[i]);
}

/* Ports of channel i: BARs 0-3 in native mode (the control block is at
 * offset 2 of its 4-port BAR), the ISA addresses in compatibility mode;
 * the bus master's 8 registers per channel from BAR4 (SFF-8038i, bus
 * master IDE registers). */
static bool channel_ports(struct ata_ctrl *c, unsigned i)
{
	struct pci_dev *p = c->pci;
	struct ata_channel *ch = &c->ch[i];
	const struct pci_bar *cmd = &p->bar[2 * i], *ctl = &p->bar[2 * i + 1];

	if (c->native[i]) {
		if (cmd->type != PCI_BAR_IO || ctl->type != PCI_BAR_IO ||
		    !cmd->base || !ctl->base)
			return false;
		ch->cmd = (uint16_t)cmd->base;
		ch->ctl = (uint16_t)ctl->base + 2;
	} else {
		ch->cmd = i ? 0x170 : 0x1f0;
		ch->ctl = i ? 0x376 : 0x3f6;
	}
	/* A simplex controller DMAs on one channel at a time; with both
	 * channels busy at once, DMA stays with the first (as Linux's
	 * ATA_HOST_SIMPLEX handling does). */
	if (p->bar[4].type == PCI_BAR_IO && p->bar[4].base &&
	    !(i == 1 && c->simplex))
		ch->bm = (uint16_t)p->bar[4].base + 8 * i;
	ch->index = i;
	return true;
}

/* Takes the channel's interrupt: IRQ 14/15 in compatibility mode, the
 * PCI line in native mode (one handler for both channels). */
static int channel_irq(struct ata_ctrl *c, unsigned i)
{
	static const unsigned legacy_irq[2] = { 14, 15 };
	int err;

	if (!c->native[i])
		return irq_request_isa(legacy_irq[i], ata_irq, &c->ch[i]);
	/* The second native channel shares the first one's handler. */
	if (i == 1 && c->native[0] && c->ch[0].cmd)
		return 0;
	if (!c->pci->irq_line || c->pci->irq_line >= 16)
		return -ENODEV;
	/* PCI INTx arrives on the ISA IRQ the firmware routed it to; the
	 * MADT overrides make it level-triggered (ACPI 6.5 §5.2.12.5), so
	 * the EOI waits until the handler has quieted the devices. */
	err = irq_request_isa(c->pci->irq_line, ata_irq_native, c);
	if (!err)
		irq_set_eoi_last(IRQ_VECTOR_BASE + c->pci->irq_line);
	return err;
}

/* Registers the disks of a channel whose interrupt is installed. */
static void register_disks(struct ata_channel *ch)
{
	for (unsigned unit = 0; unit < 2; unit++) {
		struct ata_dev *dev = ch->dev[unit];
		int err;

		if (!dev)
			continue;
		if (dev->dma && ch->bm)
			outb(ch->bm + BM_STATUS,
			     inb(ch->bm + BM_STATUS) | (0x20 << unit));
		err = blk_register_disk(&dev->bd);
		if (err)
			pr_err("ata: registering a disk failed (%d)\n", err);
	}
}

/* Brings up channel i of controller c. */
static void setup_channel(struct ata_ctrl *c, unsigned i)
{
	struct ata_channel *ch = &c->ch[i];
	unsigned port = ch->port = ++nchannels;
	int err;

	if (!channel_ports(c, i)) {
		pr_warn("ata%u: native mode without I/O BARs\n", port);
		ch->cmd = 0;
		return;
	}
	if (ata_channel_io_init(ch))
		pr_warn("ata%u: no PRD table; PIO only\n", port);
	pr_info("ata%u: %s mode, cmd %#x ctl %#x bmdma %#x\n", port,
		c->native[i] ? "native" : "compatibility", ch->cmd, ch->ctl,
		ch->bm);
	probe_channel(ch);
	if (!ch->dev[0] && !ch->dev[1])
		return;
	err = channel_irq(c, i);
	if (err) {
		pr_err("ata%u: no interrupt (%d); channel not used\n", port,
		       err);
		kfree(ch->dev[0]);
		kfree(ch->dev[1]);
		ch->dev[0] = ch->dev[1] = NULL;
		return;
	}
	inb(ch->cmd + ATA_REG_STATUS);
	outb(ch->ctl + ATA_REG_CTL, 0); /* nIEN off: interrupts on */
	register_disks(ch);
}

static void probe_controller(struct pci_dev *p)
{
	struct ata_ctrl *c = kzalloc(sizeof(*c));

	if (!c)
		return;
	c->pci = p;
	pci_enable_io(p);
	if (p->bar[4].type == PCI_BAR_IO && p->bar[4].base) {
		pci_enable_bus_master(p);
		c->simplex = inb((uint16_t)p->bar[4].base + BM_STATUS) &
			     BM_ST_SIMPLEX;
	}
	for (unsigned i = 0; i < 2; i++) {
		c->native[i] = p->prog_if & PROGIF_NATIVE(i);
		/* Only one controller can decode the ISA addresses. */
		if (!c->native[i] && legacy_ports_taken)
			continue;
		setup_channel(c, i);
	}
	if (!c->native[0] || !c->native[1])
		legacy_ports_taken = true;
}

void ata_init(void)
{
	struct pci_dev *p = NULL;

	ata_dma_enabled = cmdline_get_u64("ata.dma", 1) != 0;
	while ((p = pci_find_class(0x01, 0x01, p))) {
		pr_info("ata: IDE controller %02x:%02x.%x %04x:%04x prog-if "
			"%02x%s\n",
			p->bus, p->dev, p->fn, p->vendor, p->device, p->prog_if,
			ata_dma_enabled ? "" : " (ata.dma=0)");
		probe_controller(p);
	}
}
