/* SPDX-License-Identifier: MIT */
/*
 * ATA I/O: a queue of block requests per channel, one taskfile command at
 * a time, moved by bus-master DMA (SFF-8038i) or PIO, finished from the
 * channel's interrupt; a timeout resets the channel and fails the request.
 */
#include "dev/ata_impl.h"
#include "mm/mm.h"

#define ATA_CMD_TIMEOUT_NS (20 * NSEC_PER_SEC)
#define ATA_FLUSH_TIMEOUT_NS (30 * NSEC_PER_SEC)
/* Devices clear BSY within 31 s of a reset (ATA8-APT, SRST protocol). */
#define ATA_RESET_TIMEOUT_NS (31 * NSEC_PER_SEC)
#define ATA_RESET_POLL_NS (10 * 1000 * 1000ull)
/* Waiting for DRQ before the first sector of a PIO write. */
#define ATA_DRQ_WAIT_US 20000
#define ATA_DMA_MAX_ERRORS 3

static inline void ata_insw(uint16_t port, void *buf, size_t n)
{
	__asm__ volatile("rep insw"
			 : "+D"(buf), "+c"(n)
			 : "d"(port)
			 : "memory");
}

static inline void ata_outsw(uint16_t port, const void *buf, size_t n)
{
	__asm__ volatile("rep outsw"
			 : "+S"(buf), "+c"(n)
			 : "d"(port)
			 : "memory");
}

static struct ata_dev *req_dev(struct blk_request *r)
{
	struct blkdev *d = r->dev->parent ? r->dev->parent : r->dev;

	return d->driver;
}

static struct blk_request *cur_req(struct ata_channel *ch)
{
	return list_first_entry(&ch->queue, struct blk_request, link);
}

/* Moves r from the queue to done, to be completed once the lock is
 * dropped (its done() may submit again). */
static void finish_request(struct ata_channel *ch, struct blk_request *r,
			   int err, struct list_head *done)
{
	list_del(&r->link);
	r->error = err;
	list_add_tail(&r->link, done);
	ch->done = 0;
	ch->force_pio = false;
}

static void complete_list(struct list_head *done)
{
	while (!list_empty(done)) {
		struct blk_request *r =
			list_first_entry(done, struct blk_request, link);

		list_del(&r->link);
		blk_complete(r, r->error);
	}
}

/* Soft reset of both devices (ATA8-APT, SRST): SRST for at least 5 us,
 * then the timer polls BSY from 2 ms on. Channel lock held. */
static void channel_reset(struct ata_channel *ch)
{
	if (ch->bm)
		outb(ch->bm + BM_CMD, 0);
	outb(ch->ctl + ATA_REG_CTL, ATA_NIEN | ATA_SRST);
	time_delay_us(10);
	outb(ch->ctl + ATA_REG_CTL, ATA_NIEN);
	ch->selected = -1;
	ch->state = ATA_RESET;
	ch->reset_deadline = time_ns() + ATA_RESET_TIMEOUT_NS;
	ktimer_arm(&ch->timer, time_ns() + 2 * 1000 * 1000);
}

/* Selects unit and waits the 400 ns before its status is valid (four
 * alternate status reads, ATA8-APT); then BSY and DRQ must be clear. */
static bool select_unit(struct ata_channel *ch, unsigned unit, uint8_t devreg)
{
	uint8_t st;

	outb(ch->cmd + ATA_REG_DEVICE, devreg);
	if ((int)unit != ch->selected)
		for (int i = 0; i < 4; i++)
			inb(ch->ctl + ATA_REG_ALTSTATUS);
	ch->selected = (int)unit;
	st = inb(ch->ctl + ATA_REG_ALTSTATUS);
	return !(st & (ATA_BSY | ATA_DRQ));
}

/* Writes the taskfile of c (ATA8-ACS: 48-bit commands take each
 * register twice, the high-order byte first) and the command. */
static void write_taskfile(struct ata_channel *ch, const struct ata_cmd *c)
{
	uint16_t p = ch->cmd;
	uint32_t n = c->count;

	if (c->lba48) {
		outb(p + ATA_REG_FEATURE, 0);
		outb(p + ATA_REG_NSECT, (uint8_t)(n >> 8));
		outb(p + ATA_REG_LBAL, (uint8_t)(c->lba >> 24));
		outb(p + ATA_REG_LBAM, (uint8_t)(c->lba >> 32));
		outb(p + ATA_REG_LBAH, (uint8_t)(c->lba >> 40));
	}
	outb(p + ATA_REG_FEATURE, 0);
	outb(p + ATA_REG_NSECT, (uint8_t)n); /* 256 (65536) is written as 0 */
	outb(p + ATA_REG_LBAL, (uint8_t)c->lba);
	outb(p + ATA_REG_LBAM, (uint8_t)(c->lba >> 8));
	outb(p + ATA_REG_LBAH, (uint8_t)(c->lba >> 16));
	outb(p + ATA_REG_CMD, c->opcode);
}

/* Points the PIO cursor at byte off of r's segments. */
static void pio_seek(struct ata_channel *ch, struct blk_request *r,
		     uint64_t off)
{
	unsigned i = 0;

	while (i < r->nseg && off >= r->seg[i].len)
		off -= r->seg[i++].len;
	ch->seg = i;
	ch->seg_off = (unsigned)off;
}

/* Moves one sector between the data register and r's memory. */
static void pio_sector(struct ata_channel *ch, struct blk_request *r,
		       bool write)
{
	const struct blk_seg *s = &r->seg[ch->seg];
	void *p = phys_to_virt(s->phys + ch->seg_off);

	if (write)
		ata_outsw(ch->cmd + ATA_REG_DATA, p, SECTOR_SIZE / 2);
	else
		ata_insw(ch->cmd + ATA_REG_DATA, p, SECTOR_SIZE / 2);
	ch->seg_off += SECTOR_SIZE;
	if (ch->seg_off >= s->len) {
		ch->seg++;
		ch->seg_off = 0;
	}
	ch->pio_left--;
}

/* PIO data-out: the device asks for the first sector with DRQ (ATA8-APT
 * PIO data-out protocol); later ones follow its interrupts. */
static int pio_out_first(struct ata_channel *ch, struct blk_request *r)
{
	for (unsigned us = 0; us < ATA_DRQ_WAIT_US; us += 10) {
		uint8_t st = inb(ch->ctl + ATA_REG_ALTSTATUS);

		if (!(st & ATA_BSY) && (st & (ATA_ERR | ATA_DF)))
			return -EIO;
		if (!(st & ATA_BSY) && (st & ATA_DRQ)) {
			pio_sector(ch, r, true);
			return 0;
		}
		time_delay_us(10);
	}
	return -ETIMEDOUT;
}

/* Starts a data command for the next piece of r. 0, -ENXIO before
 * touching the device, or another negative errno (the channel then
 * needs a reset). */
static int issue_rw(struct ata_channel *ch, struct blk_request *r,
		    struct ata_dev *dev)
{
	struct ata_cmd *c = &ch->cmd_now;
	bool write = r->op == BLK_WRITE;
	bool dma = dev->dma && !ch->force_pio;
	int n;

	n = ata_cmd_plan(c, write, dma, dev->lba48, r->sector + ch->done,
			 r->count - ch->done);
	if (n < 0)
		return -ENXIO; /* beyond what the device can address */
	/* Memory the bus master cannot reach (above 4 GiB): PIO. */
	if (dma && ata_prd_build(ch->prd, ATA_PRD_MAX, r->seg, r->nseg,
				 ch->done * SECTOR_SIZE,
				 (uint64_t)n * SECTOR_SIZE) < 0)
		n = ata_cmd_plan(c, write, false, dev->lba48,
				 r->sector + ch->done, r->count - ch->done);
	if (!select_unit(ch, dev->unit,
			 ATA_DEV_OBS | ATA_DEV_LBA | dev->unit << 4 |
				 (c->lba48 ? 0 : (c->lba >> 24) & 0xf)))
		return -EIO;
	if (c->dma) {
		/* SFF-8038i standard programming sequence, steps 2-4:
		 * table, direction, clear the interrupt and error bits;
		 * the command; then Start. */
		outl(ch->bm + BM_PRDT, (uint32_t)ch->prd_phys);
		outb(ch->bm + BM_CMD, write ? 0 : BM_CMD_READ);
		outb(ch->bm + BM_STATUS,
		     (inb(ch->bm + BM_STATUS) & BM_ST_DMA_CAP) | BM_ST_IRQ |
			     BM_ST_ERR);
		write_taskfile(ch, c);
		outb(ch->bm + BM_CMD, (write ? 0 : BM_CMD_READ) | BM_CMD_START);
		ch->state = ATA_DMA;
		return 0;
	}
	pio_seek(ch, r, ch->done * SECTOR_SIZE);
	ch->pio_left = c->count;
	write_taskfile(ch, c);
	ch->state = write ? ATA_PIO_OUT : ATA_PIO_IN;
	return write ? pio_out_first(ch, r) : 0;
}

/* FLUSH CACHE (EXT): 1 when the device has no cache to flush. */
static int issue_flush(struct ata_channel *ch, struct ata_dev *dev)
{
	struct ata_cmd *c = &ch->cmd_now;

	if (!dev->flush && !dev->flush_ext)
		return 1;
	memset(c, 0, sizeof(*c));
	c->opcode = dev->flush_ext ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH;
	if (!select_unit(ch, dev->unit, ATA_DEV_OBS | dev->unit << 4))
		return -EIO;
	outb(ch->cmd + ATA_REG_CMD, c->opcode);
	ch->state = ATA_NODATA;
	return 0;
}

/* Starts the first queued request (or its next piece): 0 started, 1
 * nothing to do, or a negative errno. */
static int issue(struct ata_channel *ch, struct blk_request *r)
{
	struct ata_dev *dev = req_dev(r);
	uint64_t timeout = ATA_CMD_TIMEOUT_NS;
	int err;

	ch->cur_dev = dev;
	if (r->op == BLK_FLUSH) {
		err = issue_flush(ch, dev);
		timeout = ATA_FLUSH_TIMEOUT_NS;
	} else if (r->count == ch->done) {
		err = 1;
	} else {
		err = issue_rw(ch, r, dev);
	}
	if (err == 0) {
		ch->deadline = time_ns() + timeout;
		ktimer_arm(&ch->timer, ch->deadline);
	}
	return err;
}

static void start_next(struct ata_channel *ch, struct list_head *done)
{
	while (ch->state == ATA_IDLE && !list_empty(&ch->queue)) {
		struct blk_request *r = cur_req(ch);
		int err = issue(ch, r);

		if (err == 0)
			break;
		if (err < 0) {
			pr_err("ata: %s: cannot start a command (%d)\n",
			       req_dev(r)->bd.name, err);
			ch->state = ATA_IDLE;
			if (err != -ENXIO)
				channel_reset(ch);
		}
		finish_request(ch, r, err < 0 ? -EIO : 0, done);
	}
}

/* The command in flight ended with err. A failed DMA command is retried
 * with PIO (and DMA given up after a few failures); otherwise the
 * request fails, or moves on to its next piece. Channel lock held. */
static void command_done(struct ata_channel *ch, int err, uint8_t st,
			 struct list_head *done)
{
	struct blk_request *r = cur_req(ch);
	struct ata_dev *dev = ch->cur_dev;
	bool was_dma = ch->cmd_now.dma;

	ktimer_cancel(&ch->timer);
	ch->state = ATA_IDLE;
	if (err) {
		pr_err("ata: %s: command %02x at %llu failed: status %02x "
		       "error %02x%s\n",
		       dev->bd.name, ch->cmd_now.opcode,
		       (unsigned long long)ch->cmd_now.lba, st,
		       inb(ch->cmd + ATA_REG_ERROR),
		       was_dma ? ", retrying with PIO" : "");
		if (st & (ATA_BSY | ATA_DRQ))
			channel_reset(ch);
	}
	if (err && was_dma) {
		if (++dev->dma_errors >= ATA_DMA_MAX_ERRORS && dev->dma) {
			pr_warn("ata: %s: DMA off after %u errors\n",
				dev->bd.name, dev->dma_errors);
			dev->dma = false;
		}
		ch->force_pio = true;
	} else if (err) {
		finish_request(ch, r, -EIO, done);
	} else {
		ch->done += ch->cmd_now.count;
		ch->force_pio = false;
		if (r->op == BLK_FLUSH || ch->done >= r->count)
			finish_request(ch, r, 0, done);
	}
	start_next(ch, done);
}

/* SFF-8038i standard programming sequence, steps 5-6: clear Start, then
 * read the controller's status and the device's. Returns false if the
 * interrupt is not ours. */
static bool dma_intr(struct ata_channel *ch, struct list_head *done)
{
	uint8_t bmst = inb(ch->bm + BM_STATUS), st;
	int err = 0;

	if (!(bmst & BM_ST_IRQ))
		return false;
	outb(ch->bm + BM_CMD, 0);
	st = inb(ch->cmd + ATA_REG_STATUS);
	outb(ch->bm + BM_STATUS,
	     (bmst & BM_ST_DMA_CAP) | BM_ST_IRQ | BM_ST_ERR);
	if ((bmst & BM_ST_ERR) || (st & (ATA_BSY | ATA_DRQ | ATA_ERR | ATA_DF)))
		err = -EIO;
	command_done(ch, err, st, done);
	return true;
}

/* PIO: an interrupt per DRQ block (one sector), and for data-out one
 * more after the last (ATA8-APT PIO data-in/data-out protocols). */
static void pio_intr(struct ata_channel *ch, struct list_head *done)
{
	struct blk_request *r = cur_req(ch);
	uint8_t st = inb(ch->cmd + ATA_REG_STATUS);
	bool write = ch->state == ATA_PIO_OUT;

	if (st & ATA_BSY)
		return; /* not for us (shared line), or not yet */
	if (st & (ATA_ERR | ATA_DF)) {
		command_done(ch, -EIO, st, done);
	} else if (write && !ch->pio_left) {
		command_done(ch, (st & ATA_DRQ) ? -EIO : 0, st, done);
	} else if (st & ATA_DRQ) {
		pio_sector(ch, r, write);
		if (!write && !ch->pio_left)
			command_done(ch, 0, st, done);
	} else {
		command_done(ch, -EIO, st, done);
	}
}

void ata_irq(struct trap_frame *tf, void *arg)
{
	struct ata_channel *ch = arg;
	LIST_HEAD(done);
	bool irq = spin_lock_irqsave(&ch->lock);
	uint8_t st;

	switch (ch->state) {
	case ATA_DMA:
		/* Not the bus master's interrupt: the other channel's on a
		 * shared line (native mode). */
		dma_intr(ch, &done);
		break;
	case ATA_PIO_IN:
	case ATA_PIO_OUT:
		pio_intr(ch, &done);
		break;
	case ATA_NODATA:
		st = inb(ch->cmd + ATA_REG_STATUS);
		if (!(st & ATA_BSY))
			command_done(ch, (st & (ATA_ERR | ATA_DF)) ? -EIO : 0,
				     st, &done);
		break;
	default:
		/* Nothing running: reading status acknowledges INTRQ. */
		inb(ch->cmd + ATA_REG_STATUS);
		break;
	}
	spin_unlock_irqrestore(&ch->lock, irq);
	complete_list(&done);
}

/* After a reset: polls BSY until it clears (or 31 s pass), then lets the
 * queue run again. Channel lock held. */
static void reset_poll(struct ata_channel *ch, struct list_head *done)
{
	uint8_t st = inb(ch->ctl + ATA_REG_ALTSTATUS);

	if ((st & ATA_BSY) && st != 0xff && time_ns() < ch->reset_deadline) {
		ktimer_arm(&ch->timer, time_ns() + ATA_RESET_POLL_NS);
		return;
	}
	if (st & ATA_BSY)
		pr_err("ata: channel at %#x still busy after reset\n", ch->cmd);
	outb(ch->ctl + ATA_REG_CTL, 0); /* interrupts on again */
	ch->state = ATA_IDLE;
	start_next(ch, done);
}

/* The channel's timer: a command that took too long, or reset polling. */
static void ata_timer(struct ktimer *t)
{
	struct ata_channel *ch = t->data;
	LIST_HEAD(done);
	bool irq = spin_lock_irqsave(&ch->lock);

	/* A callback that waited for the lock while its command completed
	 * finds the next command here, whose deadline is still ahead. */
	if (ch->state == ATA_RESET) {
		reset_poll(ch, &done);
	} else if (ch->state != ATA_IDLE && !list_empty(&ch->queue) &&
		   time_ns() >= ch->deadline) {
		struct blk_request *r = cur_req(ch);

		pr_err("ata: %s: command %02x timed out; resetting the "
		       "channel\n",
		       ch->cur_dev->bd.name, ch->cmd_now.opcode);
		if (ch->cmd_now.dma)
			ch->cur_dev->dma_errors++;
		channel_reset(ch);
		finish_request(ch, r, -EIO, &done);
	}
	spin_unlock_irqrestore(&ch->lock, irq);
	complete_list(&done);
}

/* Checks that r's segments hold its sectors. */
static bool request_ok(const struct blk_request *r)
{
	uint64_t bytes = 0;

	if (r->op == BLK_FLUSH)
		return true;
	if (r->op != BLK_READ && r->op != BLK_WRITE)
		return false;
	if (r->nseg > BLK_MAX_SEGS)
		return false;
	for (unsigned i = 0; i < r->nseg; i++) {
		if (!r->seg[i].len || r->seg[i].len % SECTOR_SIZE)
			return false;
		bytes += r->seg[i].len;
	}
	return bytes >= (uint64_t)r->count * SECTOR_SIZE;
}

static int ata_submit(struct blkdev *d, struct blk_request *r)
{
	struct ata_dev *dev = d->driver;
	struct ata_channel *ch = dev->ch;
	LIST_HEAD(done);
	bool irq;

	if (!request_ok(r) || req_dev(r) != dev)
		return -EINVAL;
	irq = spin_lock_irqsave(&ch->lock);
	list_add_tail(&r->link, &ch->queue);
	start_next(ch, &done);
	spin_unlock_irqrestore(&ch->lock, irq);
	complete_list(&done);
	return 0;
}

const struct blkdev_ops ata_blk_ops = {
	.submit = ata_submit,
};

int ata_channel_io_init(struct ata_channel *ch)
{
	ch->lock = (struct spinlock)SPINLOCK_INIT("ata channel");
	list_init(&ch->queue);
	ch->state = ATA_IDLE;
	ch->selected = -1;
	ktimer_init(&ch->timer, ata_timer, ch);
	if (!ch->bm)
		return 0;
	ch->prd_phys = page_alloc_phys();
	/* The PRD table pointer is 32 bits (SFF-8038i, bus master IDE registers). */
	if (!ch->prd_phys || ch->prd_phys >= 1ull << 32) {
		if (ch->prd_phys)
			page_free_phys(ch->prd_phys);
		ch->bm = 0;
		return -ENOMEM;
	}
	ch->prd = phys_to_virt(ch->prd_phys);
	return 0;
}
