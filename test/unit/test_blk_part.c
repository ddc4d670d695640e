/* SPDX-License-Identifier: MIT */
/* The partition table parser (dev/blk_part.c): GPT with its CRCs and the
 * backup header, protective MBRs, MBR primaries and extended chains. */
#include <stdio.h>
#include <string.h>

#include "dev/blk_part.h"
#include "test/unit/unit.h"

#define DISK 2048 /* sectors */
#define NENT 128

static uint8_t img[DISK * 512];
static long fail_sector = -1;
static unsigned reads;

static int rd(void *ctx, uint64_t sector, void *buf)
{
	(void)ctx;
	reads++;
	if (sector >= DISK || (long)sector == fail_sector)
		return -5;
	memcpy(buf, img + sector * 512, 512);
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void mbr_entry(uint64_t sector, int slot, uint8_t type, uint32_t start,
		      uint32_t size)
{
	uint8_t *e = img + sector * 512 + 446 + 16 * slot;

	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, size);
	img[sector * 512 + 510] = 0x55;
	img[sector * 512 + 511] = 0xaa;
}

/* One GPT entry (index i, first..last) in the array at lba. */
static void gpt_entry(uint64_t lba, int i, uint64_t first, uint64_t last)
{
	uint8_t *e = img + lba * 512 + i * 128;

	memset(e, 0xaf, 16); /* any non-zero type GUID */
	e[16] = (uint8_t)i;
	put64(e + 32, first);
	put64(e + 40, last);
}

/* A header at my with entries at ent; the CRCs computed. */
static void gpt_header(uint64_t my, uint64_t alt, uint64_t ent)
{
	uint8_t *h = img + my * 512;

	memset(h, 0, 512);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x10000);
	put32(h + 12, 92);
	put64(h + 24, my);
	put64(h + 32, alt);
	put64(h + 40, 34);
	put64(h + 48, DISK - 34);
	put64(h + 72, ent);
	put32(h + 80, NENT);
	put32(h + 84, 128);
	put32(h + 88, blk_crc32(0, img + ent * 512, NENT * 128));
	put32(h + 16, blk_crc32(0, h, 92));
}

/* Primary: entries 0 and 2; backup: only entry 1 (to tell them apart). */
static void build_gpt(void)
{
	memset(img, 0, sizeof(img));
	mbr_entry(0, 0, 0xee, 1, DISK - 1);
	gpt_entry(2, 0, 40, 999);
	gpt_entry(2, 2, 1000, 1999);
	gpt_header(1, DISK - 1, 2);
	gpt_entry(DISK - 33, 1, 100, 199);
	gpt_header(DISK - 1, 1, DISK - 33);
}

static int parse(struct blk_part_info *p, enum blk_part_kind *kind)
{
	reads = 0;
	return blk_part_parse(rd, NULL, DISK, p, 15, kind);
}

TEST(blk_crc32_check_value)
{
	CHECK_EQ(blk_crc32(0, "123456789", 9), 0xcbf43926u);
	/* Incremental use gives the same value. */
	CHECK_EQ(blk_crc32(blk_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

TEST(blk_gpt_primary)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_gpt();
	CHECK_EQ(parse(p, &kind), 2);
	CHECK_EQ(kind, BLK_PART_GPT);
	CHECK_EQ(p[0].partno, 1);
	CHECK_EQ(p[0].start, 40);
	CHECK_EQ(p[0].sectors, 960);
	CHECK_EQ(p[1].partno, 3); /* numbered by entry index, as Linux */
	CHECK_EQ(p[1].start, 1000);
	CHECK_EQ(p[1].sectors, 1000);
}

TEST(blk_gpt_bad_header_crc_uses_backup)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_gpt();
	img[512 + 40] ^= 1; /* FirstUsableLBA changes: the CRC fails */
	CHECK_EQ(parse(p, &kind), 1);
	CHECK_EQ(kind, BLK_PART_GPT);
	CHECK_EQ(p[0].partno, 2);
	CHECK_EQ(p[0].start, 100);
}

TEST(blk_gpt_bad_entries_crc_uses_backup)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_gpt();
	img[2 * 512 + 5 * 128 + 3] = 1; /* an unused entry changes */
	CHECK_EQ(parse(p, &kind), 1);
	CHECK_EQ(p[0].partno, 2);
}

TEST(blk_gpt_both_bad)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_gpt();
	img[512] = 'X';
	img[(DISK - 1) * 512 + 16] ^= 0xff; /* backup header CRC */
	CHECK_EQ(parse(p, &kind), 0);
	CHECK_EQ(kind, BLK_PART_NONE);
}

TEST(blk_gpt_header_checks)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	/* MyLBA must be where the header was read. */
	build_gpt();
	put64(img + 512 + 24, 7);
	put32(img + 512 + 16, 0);
	put32(img + 512 + 16, blk_crc32(0, img + 512, 92));
	CHECK_EQ(parse(p, &kind), 1); /* the backup */
	/* As Linux, an entry only has to be on the disk (sdX5 here), not in
	 * the usable range; one past the end or reversed is skipped. */
	build_gpt();
	gpt_entry(2, 4, 10, 20);
	gpt_entry(2, 5, 100, DISK);
	gpt_entry(2, 6, 300, 200);
	gpt_header(1, DISK - 1, 2);
	CHECK_EQ(parse(p, &kind), 3);
	CHECK_EQ(p[2].partno, 5);
	/* A last usable LBA beyond the disk makes the header invalid. */
	build_gpt();
	put64(img + 512 + 48, DISK + 5);
	put32(img + 512 + 16, 0);
	put32(img + 512 + 16, blk_crc32(0, img + 512, 92));
	CHECK_EQ(parse(p, &kind), 1);
}

TEST(blk_gpt_needs_protective_mbr)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_gpt();
	img[510] = 0; /* no MBR signature at all */
	CHECK_EQ(parse(p, &kind), 0);
	CHECK_EQ(reads, 1);
}

TEST(blk_gpt_read_error)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_gpt();
	fail_sector = 3;
	CHECK_EQ(parse(p, &kind), -5);
	fail_sector = -1;
}

/* Primary 1, extended 2 with logicals 5 and 6, primary 4. */
static void build_mbr(void)
{
	memset(img, 0, sizeof(img));
	mbr_entry(0, 0, 0x83, 63, 100);
	mbr_entry(0, 1, 0x05, 200, 800);
	mbr_entry(0, 3, 0x0c, 1500, 500);
	mbr_entry(200, 0, 0x83, 63, 100);  /* sda5 at 263 */
	mbr_entry(200, 1, 0x05, 300, 200); /* next EBR at 200 + 300 */
	mbr_entry(500, 0, 0x83, 63, 50);   /* sda6 at 563 */
}

TEST(blk_mbr_extended_chain)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_mbr();
	CHECK_EQ(parse(p, &kind), 5);
	CHECK_EQ(kind, BLK_PART_MBR);
	CHECK_EQ(p[0].partno, 1);
	CHECK_EQ(p[0].start, 63);
	CHECK_EQ(p[0].sectors, 100);
	CHECK_EQ(p[1].partno, 2);
	CHECK_EQ(p[1].start, 200);
	CHECK_EQ(p[1].sectors, 2); /* the extended one: two sectors */
	CHECK_EQ(p[2].partno, 4);
	CHECK_EQ(p[3].partno, 5);
	CHECK_EQ(p[3].start, 263);
	CHECK_EQ(p[3].sectors, 100);
	CHECK_EQ(p[4].partno, 6);
	CHECK_EQ(p[4].start, 563);
	CHECK_EQ(p[4].sectors, 50);
}

TEST(blk_mbr_chain_loops_end)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;
	int n;

	build_mbr();
	mbr_entry(500, 1, 0x05, 0, 300); /* back to the first EBR */
	n = parse(p, &kind);
	CHECK_EQ(n, 14); /* 1, 2, 4 and logicals 5..15, then it stops */
	CHECK_EQ(p[13].partno, 15);
	build_mbr();
	mbr_entry(200, 1, 0x05, 0, 300); /* an EBR linking to itself */
	CHECK_EQ(parse(p, &kind), 4);
}

TEST(blk_mbr_not_a_table)
{
	struct blk_part_info p[15];
	enum blk_part_kind kind;

	build_mbr();
	img[446] = 0x12; /* boot indicator: a FAT boot sector, say */
	CHECK_EQ(parse(p, &kind), 0);
	CHECK_EQ(kind, BLK_PART_NONE);
	memset(img, 0, 512);
	CHECK_EQ(parse(p, &kind), 0);
}
