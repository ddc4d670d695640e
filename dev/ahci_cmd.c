/* SPDX-License-Identifier: MIT */
/* AHCI commands: command slots and PRDTs, issue through PxCI, completion
 * in the interrupt handler, and error recovery in a thread (AHCI 1.3.1
 * §5.5, §6.2.2). */
#include "dev/ahci.h"
#include "mm/mm.h"

#define RECOVERY_TIMEOUT_MS 500

/* Fills slot's command table and header: a Register H2D FIS (SATA 3.x
 * §10.5.5) for an LBA48 command, and a PRD per piece of the segments
 * (§4.2.3.3: at most 4 MiB each, an even byte count, word aligned). */
static int build_cmd(struct ahci_port *p, unsigned slot, uint8_t cmd,
		     uint64_t lba, uint32_t count, const struct blk_seg *seg,
		     unsigned nseg, bool write)
{
	uint8_t *ct = p->ct[slot];
	struct ahci_prd *prd = (struct ahci_prd *)(ct + CT_PRDT);
	struct ahci_cmd_hdr *h = &p->clb[slot];
	uint64_t ct_phys = virt_to_phys(ct);
	unsigned n = 0;

	memset(ct, 0, CT_PRDT);
	ct[0] = FIS_TYPE_REG_H2D;
	ct[1] = 0x80; /* C: a command */
	ct[2] = cmd;
	for (int i = 0; i < 3; i++) {
		ct[4 + i] = (uint8_t)(lba >> (8 * i));
		ct[8 + i] = (uint8_t)(lba >> (24 + 8 * i));
	}
	ct[7] = 0x40; /* device: LBA mode */
	ct[12] = (uint8_t)count;
	ct[13] = (uint8_t)(count >> 8);
	for (unsigned i = 0; i < nseg; i++) {
		uint64_t phys = seg[i].phys;
		uint32_t left = seg[i].len;

		if ((phys & 1) || (left & 1))
			return -EINVAL;
		if (!(p->hba->cap & CAP_S64A) && phys + left > (1ULL << 32))
			return -EINVAL;
		while (left) {
			uint32_t k = MIN(left, PRD_MAX_BYTES);

			if (n == CT_MAX_PRDS)
				return -EINVAL;
			prd[n++] = (struct ahci_prd){ (uint32_t)phys,
						      (uint32_t)(phys >> 32), 0,
						      k - 1 };
			phys += k;
			left -= k;
		}
	}
	h->flags = 5 | (write ? HDR_WRITE : 0); /* CFL: 5 dwords */
	h->prdtl = (uint16_t)n;
	h->prdbc = 0;
	h->ctba = (uint32_t)ct_phys;
	h->ctbau = (uint32_t)(ct_phys >> 32);
	return 0;
}

static bool slot_free(struct ahci_port *p)
{
	uint32_t all = p->nslots == 32 ? ~0u : (1u << p->nslots) - 1;

	return (READ_ONCE(p->claimed) & all) != all || READ_ONCE(p->dead);
}

/* A free command slot for the caller, sleeping until one is; -EIO if
 * the port is dead. */
static int claim_slot(struct ahci_port *p)
{
	for (;;) {
		bool irq = spin_lock_irqsave(&p->lock);
		uint32_t all = p->nslots == 32 ? ~0u : (1u << p->nslots) - 1;
		uint32_t free = ~p->claimed & all;

		if (p->dead) {
			spin_unlock_irqrestore(&p->lock, irq);
			return -EIO;
		}
		if (free) {
			unsigned slot = (unsigned)__builtin_ctz(free);

			p->claimed |= 1u << slot;
			spin_unlock_irqrestore(&p->lock, irq);
			return (int)slot;
		}
		spin_unlock_irqrestore(&p->lock, irq);
		wait_event(&p->slot_wq, slot_free(p));
	}
}

static void release_slot(struct ahci_port *p, unsigned slot)
{
	bool irq = spin_lock_irqsave(&p->lock);

	p->claimed &= ~(1u << slot);
	spin_unlock_irqrestore(&p->lock, irq);
	wake_up(&p->slot_wq);
}

/* Hands slot to the HBA (§5.5.1 step 7: set the PxCI bit), or leaves it
 * for the error handler to issue when it restarts the port. */
static void issue(struct ahci_port *p, unsigned slot, struct blk_request *r)
{
	bool irq = spin_lock_irqsave(&p->lock);

	p->req[slot] = r;
	__sync_synchronize(); /* the command table before PxCI */
	if (p->eh_pending) {
		p->deferred |= 1u << slot;
	} else {
		p->issued |= 1u << slot;
		port_write(p, PX_CI, 1u << slot);
	}
	spin_unlock_irqrestore(&p->lock, irq);
}

static uint8_t command_for(const struct blk_request *r)
{
	switch (r->op) {
	case BLK_READ:
		return ATA_READ_DMA_EXT;
	case BLK_WRITE:
		return ATA_WRITE_DMA_EXT;
	default:
		return ATA_FLUSH_CACHE_EXT;
	}
}

int ahci_submit(struct blkdev *d, struct blk_request *r)
{
	struct ahci_port *p = d->driver;
	int slot, err;

	/* LBA48 counts: 0 means 65536 sectors (ATA8-ACS §7.25). */
	if (r->count > 65536)
		return -EINVAL;
	slot = claim_slot(p);
	if (slot < 0)
		return slot;
	err = build_cmd(p, (unsigned)slot, command_for(r),
			r->op == BLK_FLUSH ? 0 : r->sector, r->count & 0xffff,
			r->seg, r->nseg, r->op == BLK_WRITE);
	if (err) {
		release_slot(p, (unsigned)slot);
		return err;
	}
	issue(p, (unsigned)slot, r);
	return 0;
}

/* ---- internal commands (IDENTIFY) ---- */

struct internal {
	volatile bool done;
};
static struct wait_queue internal_wq = WAIT_QUEUE_INIT(internal_wq);

static void internal_done(struct blk_request *r)
{
	struct internal *in = r->private;

	WRITE_ONCE(in->done, true);
	wake_up(&internal_wq);
}

int ahci_exec_internal(struct ahci_port *p, uint8_t cmd, void *buf, size_t len,
		       uint64_t timeout_ns)
{
	/* Both stay allocated if the command never completes. */
	struct blk_request *r = kzalloc(sizeof(*r));
	struct internal *in = kzalloc(sizeof(*in));
	struct blk_seg seg = { virt_to_phys(buf), (uint32_t)len };
	uint64_t deadline = time_ns() + timeout_ns;
	int slot, err;

	if (!r || !in) {
		kfree(r);
		kfree(in);
		return -ENOMEM;
	}
	r->done = internal_done;
	r->private = in;
	slot = claim_slot(p);
	err = slot < 0 ?
		      slot :
		      build_cmd(p, (unsigned)slot, cmd, 0, 0, &seg, 1, false);
	if (err) {
		if (slot >= 0)
			release_slot(p, (unsigned)slot);
		goto out;
	}
	issue(p, (unsigned)slot, r);
	while (!READ_ONCE(in->done) && time_ns() < deadline)
		wait_event_interruptible_deadline(
			&internal_wq, READ_ONCE(in->done), deadline);
	if (!READ_ONCE(in->done))
		return -ETIMEDOUT; /* r and in leak: the HBA may still own them */
	err = r->error;
out:
	kfree(r);
	kfree(in);
	return err;
}

/* ---- completion ---- */

/* Completes the commands whose PxCI bits the HBA cleared (§5.5.3). */
static void complete_done(struct ahci_port *p)
{
	struct blk_request *done[32];
	unsigned n = 0;
	bool irq = spin_lock_irqsave(&p->lock);
	uint32_t finished = p->issued & ~port_read(p, PX_CI);

	p->issued &= ~finished;
	p->claimed &= ~finished;
	while (finished) {
		unsigned slot = (unsigned)__builtin_ctz(finished);

		finished &= finished - 1;
		done[n++] = p->req[slot];
		p->req[slot] = NULL;
	}
	spin_unlock_irqrestore(&p->lock, irq);
	for (unsigned i = 0; i < n; i++)
		blk_complete(done[i], 0);
	if (n)
		wake_up(&p->slot_wq);
}

static void port_intr(struct ahci_port *p)
{
	uint32_t pis = port_read(p, PX_IS);

	port_write(p, PX_IS, pis); /* write 1 to clear (§3.3.5) */
	if (pis & (PIS_PCS | PIS_PRCS))
		port_write(p, PX_SERR, ~0u); /* DIAG.X/N hold PCS/PRCS */
	if (pis & PIS_ERRORS) {
		bool irq = spin_lock_irqsave(&p->lock);

		/* The port is halted (§6.2.2.1); the thread recovers it. */
		p->eh_pending = true;
		p->eh_is = pis;
		port_write(p, PX_IE, 0);
		spin_unlock_irqrestore(&p->lock, irq);
		wake_up(&p->hba->eh_wq);
		return;
	}
	complete_done(p);
}

/* The HBA's interrupt (MSI or INTx): each port with IS set, then IS
 * (§10.7.2: PxIS before IS). */
void ahci_irq(struct trap_frame *tf, void *arg)
{
	struct ahci_hba *h = arg;
	uint32_t is = hba_read(h, HBA_IS);

	(void)tf;
	for (uint32_t bits = is; bits; bits &= bits - 1) {
		unsigned i = (unsigned)__builtin_ctz(bits);

		if (h->ports[i])
			port_intr(h->ports[i]);
		else
			*(volatile uint32_t *)(h->abar + PORT_BASE(i) + PX_IS) =
				~0u;
	}
	hba_write(h, HBA_IS, is);
}

/* ---- error recovery (§6.2.2.1, non-queued commands) ---- */

static unsigned count_bits(uint32_t v)
{
	unsigned n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* §6.2.2.1: stop the port (PxCMD.ST, which clears PxCI), clear PxSERR
 * and PxIS, reset the device if it stays busy, start again. */
static int restart_port(struct ahci_port *p)
{
	int err = ahci_port_stop(p);

	port_write(p, PX_SERR, ~0u);
	port_write(p, PX_IS, ~0u);
	if (err || (port_read(p, PX_TFD) & (TFD_BSY | TFD_DRQ)))
		err = ahci_port_comreset(p);
	return err ? err : ahci_port_start(p);
}

/* Restarts p after an error: the command in PxCMD.CCS failed; commands
 * whose PxCI bits are clear had finished; the others are issued again.
 * A port that cannot be restarted fails everything with -EIO. */
static void recover(struct ahci_port *p)
{
	uint32_t tfd = port_read(p, PX_TFD), serr = port_read(p, PX_SERR);
	unsigned ccs = CMD_CCS(port_read(p, PX_CMD));
	struct blk_request *ok[32], *bad[33];
	unsigned nok = 0, nbad = 0;
	uint32_t out, finished, failed, rest;
	bool irq;
	int err;

	irq = spin_lock_irqsave(&p->lock);
	out = p->issued & port_read(p, PX_CI);
	finished = p->issued & ~out;
	failed = (out & (1u << ccs)) ? 1u << ccs : out & -out;
	rest = out & ~failed;
	spin_unlock_irqrestore(&p->lock, irq);

	err = restart_port(p);

	irq = spin_lock_irqsave(&p->lock);
	if (err) {
		p->dead = true;
		failed |= rest | p->deferred;
		rest = p->deferred = 0;
	}
	for (uint32_t b = finished | failed; b; b &= b - 1) {
		unsigned slot = (unsigned)__builtin_ctz(b);

		if (finished & (1u << slot))
			ok[nok++] = p->req[slot];
		else
			bad[nbad++] = p->req[slot];
		p->req[slot] = NULL;
	}
	p->claimed &= ~(finished | failed);
	for (uint32_t b = rest; b; b &= b - 1)
		p->clb[__builtin_ctz(b)].prdbc = 0;
	p->issued = rest | p->deferred;
	p->deferred = 0;
	p->eh_pending = false;
	if (!err) {
		port_write(p, PX_IE, PIE_DEFAULT);
		if (p->issued)
			port_write(p, PX_CI, p->issued);
	}
	spin_unlock_irqrestore(&p->lock, irq);

	pr_err("ata%u: error: PxIS 0x%x, status 0x%x error 0x%x, SError 0x%x; "
	       "%u command(s) failed, %u reissued%s\n",
	       p->ata_id, p->eh_is, tfd & 0xff, (tfd >> 8) & 0xff, serr, nbad,
	       count_bits(rest), err ? "; port disabled" : "");
	for (unsigned i = 0; i < nok; i++)
		blk_complete(ok[i], 0);
	for (unsigned i = 0; i < nbad; i++)
		blk_complete(bad[i], -EIO);
	wake_up(&p->slot_wq);
}

static bool eh_wanted(struct ahci_hba *h)
{
	for (unsigned i = 0; i < 32; i++)
		if (h->ports[i] && READ_ONCE(h->ports[i]->eh_pending))
			return true;
	return false;
}

int ahci_eh_thread(void *arg)
{
	struct ahci_hba *h = arg;

	for (;;) {
		wait_event_interruptible(&h->eh_wq, eh_wanted(h));
		for (unsigned i = 0; i < 32; i++)
			if (h->ports[i] && READ_ONCE(h->ports[i]->eh_pending))
				recover(h->ports[i]);
	}
	return 0;
}
