/* SPDX-License-Identifier: MIT */
/* The ATA driver's pure logic: IDENTIFY decoding, command choice, PRDs. */
#include "dev/ata.h"

/* ATA strings hold two characters a word, the first in the high byte
 * (ATA8-ACS, "ATA string convention"). */
static void ident_string(char *out, const uint16_t *w, unsigned words)
{
	unsigned n = 0;

	for (unsigned i = 0; i < words; i++) {
		out[n++] = (char)(w[i] >> 8);
		out[n++] = (char)(w[i] & 0xff);
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		n--;
	out[n] = '\0';
	for (unsigned i = 0; i < n; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '?';
}

/* Words 82-84 and 85-87 are valid when bits 15:14 read 01b. */
static bool word_valid(uint16_t w)
{
	return (w & 0xc000) == 0x4000;
}

void ata_ident_parse(const uint16_t id[256], struct ata_ident *out)
{
	uint16_t w83 = word_valid(id[83]) ? id[83] : 0;

	memset(out, 0, sizeof(*out));
	ident_string(out->model, &id[27], 20);
	/* Word 0: bit 15 clear for ATA devices, 10b in 15:14 for ATAPI. */
	out->atapi = (id[0] & 0xc000) == 0x8000;
	out->removable = id[0] & 0x80;
	out->lba = id[49] & (1 << 9);
	out->dma = id[49] & (1 << 8);
	out->lba48 = w83 & (1 << 10);
	out->flush = w83 & (1 << 12);
	out->flush_ext = w83 & (1 << 13);
	/* Word 106: valid when 15:14 are 01b; bit 12 says the logical
	 * sector is longer than 256 words (size in words 117-118). */
	if ((id[106] & 0xc000) == 0x4000 && (id[106] & (1 << 12)))
		out->big_sectors = ((uint32_t)id[118] << 16 | id[117]) != 256;
	if (out->lba48)
		out->sectors = (uint64_t)id[103] << 48 |
			       (uint64_t)id[102] << 32 |
			       (uint64_t)id[101] << 16 | id[100];
	/* Devices without 48-bit addressing, and old ones that leave
	 * words 100-103 zero: the 28-bit count in words 60-61. */
	if (!out->sectors && out->lba)
		out->sectors = (uint32_t)id[61] << 16 | id[60];
}

int ata_cmd_plan(struct ata_cmd *c, bool write, bool dma, bool lba48_ok,
		 uint64_t lba, uint64_t left)
{
	static const uint8_t ops[2][2][2] = {
		/* [lba48][dma][write] */
		{ { ATA_CMD_READ_PIO, ATA_CMD_WRITE_PIO },
		  { ATA_CMD_READ_DMA, ATA_CMD_WRITE_DMA } },
		{ { ATA_CMD_READ_PIO_EXT, ATA_CMD_WRITE_PIO_EXT },
		  { ATA_CMD_READ_DMA_EXT, ATA_CMD_WRITE_DMA_EXT } },
	};
	const uint64_t lba28_end = 1ull << 28;
	uint64_t n;

	if (!left)
		return -EINVAL;
	/* As Linux's lba_28_ok(): the whole range strictly below 2^28. */
	if (lba + left < lba28_end && left <= ATA_MAX_SECTORS_LBA28) {
		c->lba48 = false;
		n = left;
	} else if (lba48_ok) {
		if (lba >= 1ull << 48 || lba + left > 1ull << 48)
			return -EIO;
		c->lba48 = true;
		n = MIN(left, (uint64_t)ATA_MAX_SECTORS_LBA48);
	} else if (lba < lba28_end - 1) {
		c->lba48 = false;
		n = MIN(left, (uint64_t)ATA_MAX_SECTORS_LBA28);
		n = MIN(n, lba28_end - 1 - lba);
	} else {
		return -EIO;
	}
	c->dma = dma;
	c->write = write;
	c->lba = lba;
	c->count = (uint32_t)n;
	c->opcode = ops[c->lba48][dma][write];
	return (int)n;
}

/* Appends one region; false when the table is full. */
static bool prd_add(struct ata_prd *prd, unsigned max, unsigned *n,
		    uint64_t addr, uint32_t len)
{
	if (*n >= max)
		return false;
	prd[*n].addr = (uint32_t)addr;
	prd[*n].flags_len = len & 0xffff; /* 65536 is written as 0 */
	(*n)++;
	return true;
}

int ata_prd_build(struct ata_prd *prd, unsigned max, const struct blk_seg *seg,
		  unsigned nseg, uint64_t off, uint64_t len)
{
	unsigned n = 0, i = 0;

	if (!len)
		return -EINVAL;
	/* Skip the segments before off. */
	while (i < nseg && off >= seg[i].len)
		off -= seg[i++].len;
	for (; i < nseg && len; i++, off = 0) {
		uint64_t addr = seg[i].phys + off;
		uint64_t part = MIN(len, (uint64_t)seg[i].len - off);

		if ((addr & 1) || (part & 1) || addr + part > 1ull << 32)
			return -EINVAL;
		len -= part;
		while (part) {
			/* Up to the next 64 KiB boundary (SFF-8038i, Physical Region Descriptor). */
			uint64_t room = 0x10000 - (addr & 0xffff);
			uint64_t chunk = MIN(part, room);

			if (!prd_add(prd, max, &n, addr, (uint32_t)chunk))
				return -EINVAL;
			addr += chunk;
			part -= chunk;
		}
	}
	if (len || !n)
		return -EINVAL;
	prd[n - 1].flags_len |= ATA_PRD_EOT;
	return (int)n;
}
