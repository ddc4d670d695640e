/* SPDX-License-Identifier: MIT */
/*
 * Legacy ATA (PATA/IDE): the taskfile and bus-master registers, and the
 * pure logic of the driver (IDENTIFY decoding, command choice, PRD
 * tables), host-includable so it is unit-tested.
 */
#ifndef STRIX_DEV_ATA_H
#define STRIX_DEV_ATA_H

#include "dev/blk.h"

/* Command block registers, offsets from the channel's command base
 * (ATA8-APT, the parallel transport's register addressing). */
#define ATA_REG_DATA 0
#define ATA_REG_ERROR 1	  /* read */
#define ATA_REG_FEATURE 1 /* write */
#define ATA_REG_NSECT 2
#define ATA_REG_LBAL 3
#define ATA_REG_LBAM 4
#define ATA_REG_LBAH 5
#define ATA_REG_DEVICE 6
#define ATA_REG_STATUS 7 /* read */
#define ATA_REG_CMD 7	 /* write */
/* Control block: alternate status (read) / device control (write). */
#define ATA_REG_ALTSTATUS 0
#define ATA_REG_CTL 0

/* Status bits (ATA8-ACS "Status field", ATA8-APT). */
#define ATA_ERR 0x01
#define ATA_DRQ 0x08
#define ATA_DF 0x20
#define ATA_DRDY 0x40
#define ATA_BSY 0x80
/* Device control bits (ATA8-APT Device Control register). */
#define ATA_NIEN 0x02
#define ATA_SRST 0x04
#define ATA_HOB 0x80
/* Device register: LBA addressing, device 1 (slave) select. */
#define ATA_DEV_LBA 0x40
#define ATA_DEV_SLAVE 0x10
#define ATA_DEV_OBS 0xa0 /* bits 7 and 5, set for old devices */

/* Commands (ATA8-ACS clause 7, by name). */
#define ATA_CMD_READ_PIO 0x20
#define ATA_CMD_READ_PIO_EXT 0x24
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_PIO 0x30
#define ATA_CMD_WRITE_PIO_EXT 0x34
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_READ_DMA 0xc8
#define ATA_CMD_WRITE_DMA 0xca
#define ATA_CMD_IDENTIFY_PACKET 0xa1
#define ATA_CMD_IDENTIFY 0xec
#define ATA_CMD_FLUSH 0xe7
#define ATA_CMD_FLUSH_EXT 0xea

/* Signatures in LBA high:mid after a reset (ATA8-ACS, "Signature and
 * persistence": ATA, ATAPI; and what SATA devices behind bridges show). */
#define ATA_SIG_ATA 0x0000
#define ATA_SIG_ATAPI 0xeb14
#define ATA_SIG_SATA 0xc33c
#define ATA_SIG_SATAPI 0x9669

/* Bus master IDE registers, per channel (SFF-8038i: channel 1 at +8). */
#define BM_CMD 0
#define BM_STATUS 2
#define BM_PRDT 4
#define BM_CMD_START 0x01
#define BM_CMD_READ 0x08 /* bus master writes memory: a disk read */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERR 0x02
#define BM_ST_IRQ 0x04
#define BM_ST_DMA_CAP 0x60 /* drive 0/1 DMA capable, kept as they are */
#define BM_ST_SIMPLEX 0x80 /* one channel at a time may use DMA */

/* Physical Region Descriptor (SFF-8038i): a 32-bit even address, a byte
 * count in bits 15:0 (0 means 64 KiB) and EOT in bit 31. */
struct ata_prd {
	uint32_t addr;
	uint32_t flags_len;
};
_Static_assert(sizeof(struct ata_prd) == 8, "PRD layout");
#define ATA_PRD_EOT 0x80000000u
/* One 4 KiB page of PRDs: the table must not cross a 4 KiB boundary. */
#define ATA_PRD_MAX (4096 / sizeof(struct ata_prd))

/* What IDENTIFY (PACKET) DEVICE said, decoded (ATA8-ACS, IDENTIFY DEVICE
 * data). */
struct ata_ident {
	char model[41];	  /* words 27-46, byte-swapped, trimmed */
	uint64_t sectors; /* user-addressable 512-byte sectors */
	bool atapi;	  /* word 0 bits 15:14 = 10b */
	bool removable;	  /* word 0 bit 7 */
	bool lba;	  /* word 49 bit 9 */
	bool dma;	  /* word 49 bit 8 */
	bool lba48;	  /* word 83 bit 10 */
	bool flush;	  /* word 83 bit 12 */
	bool flush_ext;	  /* word 83 bit 13 */
	bool big_sectors; /* word 106: logical sectors longer than 512 bytes */
};

/* Decodes a 256-word IDENTIFY block (little-endian words as read from
 * the data register). */
void ata_ident_parse(const uint16_t id[256], struct ata_ident *out);

/* One taskfile command of a request. */
struct ata_cmd {
	uint8_t opcode;
	bool lba48;
	bool dma;
	bool write; /* data goes to the device */
	uint64_t lba;
	uint32_t count; /* sectors, 0 for non-data commands */
};

/* The largest command we issue: 2048 sectors (1 MiB) keep any request's
 * PRD table far below ATA_PRD_MAX (16 64 KiB pieces + one per segment
 * and boundary). */
#define ATA_MAX_SECTORS_LBA48 2048
#define ATA_MAX_SECTORS_LBA28 256

/*
 * Chooses the next command of a transfer of left sectors at lba: LBA28
 * when the whole rest fits (below sector 2^28, at most 256 sectors), else
 * LBA48 if the device has it, else LBA28 in pieces of 256 as long as the
 * start is addressable (ATA8-ACS: the 48-bit Address feature set; READ/
 * WRITE SECTORS (EXT) and READ/WRITE DMA (EXT)).
 * Returns the sectors the command covers (> 0), or -EIO when the device
 * cannot address lba.
 */
int ata_cmd_plan(struct ata_cmd *c, bool write, bool dma, bool lba48_ok,
		 uint64_t lba, uint64_t left);

/*
 * Fills prd with the regions for len bytes that start off bytes into the
 * request's segments: each region at most 64 KiB and within one 64 KiB
 * block, the last marked EOT (SFF-8038i, Physical Region Descriptor).
 * Returns the number of entries, or -EINVAL when some byte lies at or
 * above 4 GiB or at an odd address, the segments end before off + len, or
 * more than max entries would be needed (the caller then uses PIO).
 */
int ata_prd_build(struct ata_prd *prd, unsigned max, const struct blk_seg *seg,
		  unsigned nseg, uint64_t off, uint64_t len);

#endif
