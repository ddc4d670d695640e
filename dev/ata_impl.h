/* SPDX-License-Identifier: MIT */
/* The ATA driver's channels and devices, shared by ata.c (probing) and
 * ata_io.c (the request queue, commands and interrupts). */
#ifndef STRIX_DEV_ATA_IMPL_H
#define STRIX_DEV_ATA_IMPL_H

#include "dev/ata.h"
#include "proc/proc.h"

struct ata_channel;

struct ata_dev {
	struct blkdev bd; /* bd.driver points back here */
	struct ata_channel *ch;
	unsigned unit; /* 0 master, 1 slave */
	bool lba48, dma, flush, flush_ext;
	unsigned dma_errors; /* DMA is given up after a few */
};

enum ata_state {
	ATA_IDLE,
	ATA_DMA,     /* a DMA command is running */
	ATA_PIO_IN,  /* a PIO data-in command: an interrupt per sector */
	ATA_PIO_OUT, /* PIO data-out: an interrupt after each sector */
	ATA_NODATA,  /* FLUSH CACHE */
	ATA_RESET,   /* after a soft reset, until BSY clears */
};

struct ata_channel {
	unsigned index; /* 0 primary, 1 secondary (per controller) */
	unsigned port;	/* N of ataN in the log, counted as Linux's libata */
	uint16_t cmd, ctl, bm; /* port bases; bm 0 without bus master */
	struct ata_dev *dev[2];
	struct spinlock lock;	/* everything below */
	struct list_head queue; /* blk_requests; the first is running */
	enum ata_state state;
	int selected; /* the unit last selected, -1 unknown */
	/* The command in flight and how far its request got. */
	struct ata_cmd cmd_now;
	struct ata_dev *cur_dev;
	uint64_t done;	       /* sectors of the request finished */
	uint32_t pio_left;     /* sectors still to move for this command */
	unsigned seg, seg_off; /* PIO position in the request's segments */
	bool force_pio;	       /* retry a failed DMA command with PIO */
	struct ata_prd *prd;   /* one page */
	uint64_t prd_phys;
	struct ktimer timer; /* command timeout, then reset polling */
	uint64_t deadline;   /* of the command in flight (time_ns()) */
	uint64_t reset_deadline;
};

/* ata_io.c */
extern const struct blkdev_ops ata_blk_ops;
/* The channel's interrupt: completes commands, starts the next. */
void ata_irq(struct trap_frame *tf, void *arg);
/* Sets the channel up for requests (queue, timer, PRD page). 0 or
 * -ENOMEM (then the channel does no DMA). */
int ata_channel_io_init(struct ata_channel *ch);
/* Whether DMA is allowed at all (ata.dma= on the command line). */
extern bool ata_dma_enabled;

#endif
