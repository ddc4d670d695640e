/* SPDX-License-Identifier: MIT */
/* The AHCI SATA driver (AHCI 1.3.1): finding and resetting the HBA, bringing
 * up its ports, identifying the devices and registering the disks. */
#include "dev/ahci.h"
#include "dev/dev.h"
#include "mm/mm.h"

#define ABAR_MIN_SIZE 0x1100 /* registers of 32 ports */
#define BOH_TIMEOUT_MS 2025  /* §10.6.3: 25 ms, plus 2 s if BIOS busy */
#define RESET_TIMEOUT_MS 1000
#define STOP_TIMEOUT_MS 500
#define LINK_TIMEOUT_MS 1000
#define READY_TIMEOUT_MS 5000
#define IDENTIFY_TIMEOUT_NS (5 * NSEC_PER_SEC)

static unsigned next_ata_id = 1;

/* Polls until (*reg & mask) == want, at most ms milliseconds (init and
 * recovery only). */
static bool poll32(volatile uint8_t *base, unsigned reg, uint32_t mask,
		   uint32_t want, unsigned ms)
{
	for (unsigned i = 0; i <= ms * 10; i++) {
		if ((*(volatile uint32_t *)(base + reg) & mask) == want)
			return true;
		time_delay_us(100);
	}
	return false;
}

/* §10.1.2: clear ST and wait for CR, then clear FRE and wait for FR. */
int ahci_port_stop(struct ahci_port *p)
{
	uint32_t cmd = port_read(p, PX_CMD);

	if (cmd & (CMD_ST | CMD_CR)) {
		port_write(p, PX_CMD, cmd & ~CMD_ST);
		if (!poll32(p->regs, PX_CMD, CMD_CR, 0, STOP_TIMEOUT_MS))
			return -EIO;
	}
	cmd = port_read(p, PX_CMD);
	if (cmd & (CMD_FRE | CMD_FR)) {
		port_write(p, PX_CMD, cmd & ~CMD_FRE);
		if (!poll32(p->regs, PX_CMD, CMD_FR, 0, STOP_TIMEOUT_MS))
			return -EIO;
	}
	return 0;
}

/* §10.3.1: FRE first; ST only once the device is not busy (PxTFD BSY and
 * DRQ clear). */
int ahci_port_start(struct ahci_port *p)
{
	port_write(p, PX_CMD, port_read(p, PX_CMD) | CMD_FRE);
	if (!poll32(p->regs, PX_TFD, TFD_BSY | TFD_DRQ, 0, READY_TIMEOUT_MS))
		return -EIO;
	port_write(p, PX_CMD, port_read(p, PX_CMD) | CMD_ST);
	return 0;
}

/* §10.4.2: COMRESET through PxSCTL.DET with ST clear; partial and slumber
 * power states stay off (IPM = 3). 0 once a device is present again. */
int ahci_port_comreset(struct ahci_port *p)
{
	port_write(p, PX_CMD, port_read(p, PX_CMD) & ~CMD_ST);
	poll32(p->regs, PX_CMD, CMD_CR, 0, STOP_TIMEOUT_MS);
	port_write(p, PX_SCTL, 0x301);
	time_delay_us(1000); /* at least 1 ms */
	port_write(p, PX_SCTL, 0x300);
	if (!poll32(p->regs, PX_SSTS, 0xf, DET_PRESENT, LINK_TIMEOUT_MS))
		return -ENODEV;
	port_write(p, PX_SERR, ~0u);
	return 0;
}

/* ---- the HBA ---- */

/* §10.6.3: takes the HBA from the firmware if it supports the hand-off. */
static void bios_handoff(struct ahci_hba *h)
{
	if (!(hba_read(h, HBA_CAP2) & CAP2_BOH))
		return;
	hba_write(h, HBA_BOHC, hba_read(h, HBA_BOHC) | BOHC_OOS);
	if (!poll32(h->abar, HBA_BOHC, BOHC_BOS, 0, 25) ||
	    (hba_read(h, HBA_BOHC) & BOHC_BB))
		poll32(h->abar, HBA_BOHC, BOHC_BOS | BOHC_BB, 0,
		       BOH_TIMEOUT_MS);
}

/* §10.4.3: AHCI mode, then GHC.HR until the HBA clears it. */
static int hba_reset(struct ahci_hba *h)
{
	hba_write(h, HBA_GHC, GHC_AE);
	hba_write(h, HBA_GHC, GHC_AE | GHC_HR);
	if (!poll32(h->abar, HBA_GHC, GHC_HR, 0, RESET_TIMEOUT_MS))
		return -EIO;
	hba_write(h, HBA_GHC, GHC_AE);
	return 0;
}

/* The GSI of a function's INTx pin. Without an ACPI _PRT parser this
 * knows the q35/ICH9 chipset: functions in slots 25-31 of bus 0 route
 * INTA-INTD to PIRQA-D (the defaults of the ICH9's "Device N Interrupt
 * Route" registers, D25IR-D31IR, as QEMU's q35 _PRT also says), and the
 * IOAPIC receives PIRQA-H on GSIs 16-23. Elsewhere the interrupt line
 * register the firmware filled is used (an ISA IRQ behind the PIC, also
 * an IOAPIC input). */
static unsigned intx_gsi(const struct pci_dev *d)
{
	struct pci_dev *lpc = pci_find_slot(0, 0x1f, 0);

	if (d->irq_line >= 16 || d->bus != 0 || d->dev < 25 || !lpc ||
	    lpc->vendor != 0x8086 || lpc->device != 0x2918)
		return d->irq_line;
	return 16 + (unsigned)(d->irq_pin - 1);
}

/* MSI when the function has it (and pci=nomsi is not given), else INTx
 * through the IOAPIC, level-triggered and active low as PCI interrupts
 * are. */
static int hba_irq(struct ahci_hba *h)
{
	struct pci_dev *d = h->pci;
	int v;

	const char *pci = cmdline_get("pci");

	/* pci=nomsi, as Linux: INTx even where MSI exists. */
	if (pci_find_capability(d, PCI_CAP_ID_MSI) &&
	    !(pci && !strcmp(pci, "nomsi"))) {
		v = irq_alloc_vector(ahci_irq, h);
		if (v < 0)
			return v;
		h->msi = true;
		h->gsi = -1;
		h->vector = (unsigned)v;
		return pci_enable_msi(d, (uint8_t)v,
				      (uint8_t)this_cpu()->apic_id);
	}
	if (!d->irq_pin || d->irq_line == 0xff)
		return -ENODEV;
	h->gsi = (int)intx_gsi(d);
	v = irq_request_gsi((unsigned)h->gsi, true, true, ahci_irq, h);
	if (v < 0)
		return v;
	h->vector = (unsigned)v;
	return 0;
}

/* ---- ports ---- */

/* The command list and received-FIS area in one page (1 KiB and 256-byte
 * alignment, §4.2.1) and a page per command table (128-byte aligned). */
static int port_alloc(struct ahci_port *p)
{
	uint64_t phys = page_alloc_phys();

	if (!phys)
		return -ENOMEM;
	p->clb = phys_to_virt(phys);
	p->fis = (char *)p->clb + 1024;
	for (unsigned i = 0; i < p->nslots; i++) {
		uint64_t t = page_alloc_phys();

		if (!t)
			return -ENOMEM;
		p->ct[i] = phys_to_virt(t);
	}
	if (!(p->hba->cap & CAP_S64A) && phys >= (1ULL << 32))
		return -ENOMEM; /* a 32-bit HBA; memory above 4 GiB */
	return 0;
}

static const char *const link_speed[] = { "?", "1.5", "3.0", "6.0" };

/* §10.1.2 steps 3-6 for one port: stopped, memory programmed, errors
 * cleared, FIS receive on, link up. true if a device is there. */
static bool port_setup(struct ahci_port *p)
{
	uint64_t clb = virt_to_phys(p->clb), fb = virt_to_phys(p->fis);
	uint32_t ssts;

	if (ahci_port_stop(p))
		ahci_port_comreset(p);
	port_write(p, PX_CLB, (uint32_t)clb);
	port_write(p, PX_CLBU, (uint32_t)(clb >> 32));
	port_write(p, PX_FB, (uint32_t)fb);
	port_write(p, PX_FBU, (uint32_t)(fb >> 32));
	port_write(p, PX_SERR, ~0u);
	port_write(p, PX_IS, ~0u);
	port_write(p, PX_CMD,
		   port_read(p, PX_CMD) | CMD_SUD | CMD_POD | CMD_FRE |
			   CMD_ICC_ACTIVE);
	if (!poll32(p->regs, PX_SSTS, 0xf, DET_PRESENT, 20) &&
	    SSTS_DET(port_read(p, PX_SSTS)) != 0)
		ahci_port_comreset(p);
	ssts = port_read(p, PX_SSTS);
	if (SSTS_DET(ssts) != DET_PRESENT || SSTS_IPM(ssts) != IPM_ACTIVE) {
		pr_info("ata%u: SATA link down (SStatus %x SControl %x)\n",
			p->ata_id, ssts, port_read(p, PX_SCTL));
		return false;
	}
	pr_info("ata%u: SATA link up %s Gbps (SStatus %x SControl %x)\n",
		p->ata_id, link_speed[MIN(SSTS_SPD(ssts), 3u)], ssts,
		port_read(p, PX_SCTL));
	port_write(p, PX_SERR, ~0u);
	if (ahci_port_start(p)) {
		pr_warn("ata%u: device not ready (status 0x%x)\n", p->ata_id,
			port_read(p, PX_TFD) & 0xff);
		return false;
	}
	port_write(p, PX_IE, PIE_DEFAULT);
	return true;
}

/* IDENTIFY's string words (byte pairs swapped), trailing spaces cut. */
static void id_string(const uint16_t *id, unsigned first, unsigned words,
		      char *out)
{
	size_t n = 0;

	for (unsigned i = 0; i < words; i++) {
		out[n++] = (char)(id[first + i] >> 8);
		out[n++] = (char)(id[first + i] & 0xff);
	}
	while (n && (out[n - 1] == ' ' || !out[n - 1]))
		n--;
	out[n] = '\0';
}

static const struct blkdev_ops ahci_ops = { .submit = ahci_submit };

/* ATA8-ACS §7.16 IDENTIFY DEVICE: LBA48 (word 83 bit 10) capacity in
 * words 100-103, logical sector size in words 106 and 117-118. */
static void port_add_disk(struct ahci_port *p, const uint16_t *id)
{
	struct blkdev *d = &p->disk;
	uint64_t sectors = 0;
	uint32_t lss = SECTOR_SIZE;
	int err;

	id_string(id, 27, 20, d->model);
	if (id[83] & (1u << 10))
		for (int i = 3; i >= 0; i--)
			sectors = sectors << 16 | id[100 + i];
	if ((id[106] & 0xc000) == 0x4000 && (id[106] & (1u << 12)))
		lss = ((uint32_t)id[117] | (uint32_t)id[118] << 16) * 2;
	pr_info("ata%u.00: ATA: %s, %llu sectors, %s\n", p->ata_id, d->model,
		(unsigned long long)sectors, sectors ? "LBA48" : "no LBA48");
	if (!sectors || lss != SECTOR_SIZE) {
		pr_warn("ata%u.00: not supported (%s, %u-byte sectors)\n",
			p->ata_id, sectors ? "LBA48" : "no LBA48", lss);
		return;
	}
	d->sectors = sectors;
	d->ops = &ahci_ops;
	d->driver = p;
	d->flags = (id[0] & (1u << 7)) ? BLKDEV_REMOVABLE : 0;
	err = blk_register_disk(d);
	if (err)
		pr_warn("ata%u.00: cannot register the disk (%d)\n", p->ata_id,
			err);
}

/* The device's signature says what it is (§3.3.9): a disk is identified
 * and registered; an ATAPI device is identified and logged. */
static void port_identify(struct ahci_port *p)
{
	uint32_t sig = port_read(p, PX_SIG);
	bool atapi = sig == SIG_ATAPI;
	uint16_t *id = kzalloc(512);
	int err;

	if (!id)
		return;
	if (sig != SIG_ATA && !atapi) {
		pr_info("ata%u: unknown device (signature 0x%08x)\n", p->ata_id,
			sig);
		goto out;
	}
	err = ahci_exec_internal(p, atapi ? ATA_IDENTIFY_PACKET : ATA_IDENTIFY,
				 id, 512, IDENTIFY_TIMEOUT_NS);
	if (err) {
		pr_err("ata%u.00: IDENTIFY failed (%d)%s\n", p->ata_id, err,
		       err == -ETIMEDOUT ? ": no interrupt from the HBA" : "");
		if (err == -ETIMEDOUT) {
			port_write(p, PX_IE, 0);
			ahci_port_stop(p);
			p->dead = true;
			id = NULL; /* the HBA may still write it */
		}
		goto out;
	}
	if (atapi) {
		char model[41];

		id_string(id, 27, 20, model);
		pr_info("ata%u.00: ATAPI: %s (CD-ROM, not a disk)\n", p->ata_id,
			model);
		goto out;
	}
	port_add_disk(p, id);
out:
	kfree(id);
}

static struct ahci_port *port_new(struct ahci_hba *h, unsigned no)
{
	struct ahci_port *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->hba = h;
	p->no = no;
	p->ata_id = next_ata_id + no;
	p->regs = h->abar + PORT_BASE(no);
	p->nslots = CAP_NCS(h->cap);
	p->lock = (struct spinlock)SPINLOCK_INIT("ahci port");
	wq_init(&p->slot_wq);
	if (port_alloc(p)) {
		pr_err("ata%u: out of memory\n", p->ata_id);
		return NULL; /* what port_alloc took stays: boot-time only */
	}
	return p;
}

/* Brings up every implemented port, then identifies the devices with
 * interrupts on. */
static void hba_ports(struct ahci_hba *h)
{
	uint32_t pi = hba_read(h, HBA_PI);
	bool up[32] = { false };

	for (unsigned i = 0; i < 32; i++) {
		if (!(pi & (1u << i)))
			continue;
		h->ports[i] = port_new(h, i);
		if (h->ports[i])
			up[i] = port_setup(h->ports[i]);
	}
	hba_write(h, HBA_IS, ~0u);
	hba_write(h, HBA_GHC, GHC_AE | GHC_IE);
	for (unsigned i = 0; i < 32; i++)
		if (up[i])
			port_identify(h->ports[i]);
	next_ata_id += 32 - (unsigned)__builtin_clz(pi | 1);
}

static void hba_probe(struct pci_dev *d)
{
	struct pci_bar *bar = &d->bar[5];
	struct ahci_hba *h;
	uint32_t vs;
	int err;

	if (bar->type != PCI_BAR_MEM32 && bar->type != PCI_BAR_MEM64)
		return;
	h = kzalloc(sizeof(*h));
	if (!h)
		return;
	h->pci = d;
	wq_init(&h->eh_wq);
	h->abar = ioremap(bar->base, MAX(bar->size, (uint64_t)ABAR_MIN_SIZE),
			  PTE_CACHE_UC);
	if (!h->abar) {
		kfree(h);
		return;
	}
	pci_enable_mem(d);
	pci_enable_bus_master(d);
	bios_handoff(h);
	if (hba_reset(h)) {
		pr_err("ahci: the HBA did not finish its reset\n");
		return;
	}
	h->cap = hba_read(h, HBA_CAP);
	vs = hba_read(h, HBA_VS);
	err = hba_irq(h);
	pr_info("ahci 0000:%02x:%02x.%x: AHCI %04x.%04x %u slots %u ports "
		"0x%x impl, %s%s\n",
		d->bus, d->dev, d->fn, vs >> 16, vs & 0xffff, CAP_NCS(h->cap),
		CAP_NP(h->cap), hba_read(h, HBA_PI), h->msi ? "MSI" : "INTx",
		(h->cap & CAP_S64A) ? ", 64-bit" : "");
	if (!err && h->msi)
		pr_info("ahci: MSI on vector 0x%x\n", h->vector);
	else if (!err)
		pr_info("ahci: INTx on GSI %d (level, active low), vector "
			"0x%x\n",
			h->gsi, h->vector);
	if (err) {
		pr_err("ahci: no interrupt (%d)\n", err);
		return;
	}
	if (!kthread_start("ahci_eh", ahci_eh_thread, h))
		pr_warn("ahci: no error handler thread\n");
	hba_ports(h);
}

/* Probes every AHCI controller (class 01:06:01). Process context. */
void ahci_init(void)
{
	struct pci_dev *d = NULL;

	while ((d = pci_find_class(0x01, 0x06, d)))
		if (d->prog_if == 0x01)
			hba_probe(d);
}
