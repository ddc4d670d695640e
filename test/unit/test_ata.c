/* SPDX-License-Identifier: MIT */
/* The ATA driver's pure logic: IDENTIFY decoding, LBA28/LBA48 command
 * choice and PRD tables split at 64 KiB boundaries. */
#include <string.h>

#include "dev/ata.h"
#include "test/unit/unit.h"

/* Puts s into IDENTIFY words as ATA strings are stored. */
static void put_string(uint16_t *w, const char *s, unsigned words)
{
	char buf[80];

	memset(buf, ' ', sizeof(buf));
	memcpy(buf, s, strlen(s));
	for (unsigned i = 0; i < words; i++)
		w[i] = (uint16_t)((uint8_t)buf[2 * i] << 8 |
				  (uint8_t)buf[2 * i + 1]);
}

/* What QEMU's ide-hd says for a 64 MiB disk, reduced to what we read. */
static void qemu_disk(uint16_t *id, uint64_t sectors)
{
	memset(id, 0, 512);
	id[0] = 0x0040;
	put_string(&id[27], "QEMU HARDDISK", 20);
	id[49] = (1 << 9) | (1 << 8) | (1 << 11);
	id[60] = (uint16_t)MIN(sectors, 0x0fffffffu);
	id[61] = (uint16_t)(MIN(sectors, 0x0fffffffu) >> 16);
	id[83] = 0x4000 | (1 << 10) | (1 << 12) | (1 << 13);
	id[100] = (uint16_t)sectors;
	id[101] = (uint16_t)(sectors >> 16);
	id[102] = (uint16_t)(sectors >> 32);
	id[103] = (uint16_t)(sectors >> 48);
}

TEST(ata_ident_qemu_disk)
{
	uint16_t id[256];
	struct ata_ident a;

	qemu_disk(id, 131072);
	ata_ident_parse(id, &a);
	CHECK(!strcmp(a.model, "QEMU HARDDISK"));
	CHECK_EQ(a.sectors, 131072);
	CHECK(!a.atapi && a.lba && a.dma && a.lba48);
	CHECK(a.flush && a.flush_ext && !a.big_sectors && !a.removable);
}

TEST(ata_ident_lba48_count)
{
	uint16_t id[256];
	struct ata_ident a;

	/* 1 TiB: past 28 bits, so words 60-61 say 0x0fffffff. */
	qemu_disk(id, 1ull << 31);
	ata_ident_parse(id, &a);
	CHECK_EQ(a.sectors, 1ull << 31);
	/* Word 83 not valid (bits 15:14 not 01b): no LBA48, words 60-61. */
	id[83] = 0xc400;
	ata_ident_parse(id, &a);
	CHECK(!a.lba48 && !a.flush);
	CHECK_EQ(a.sectors, 0x0fffffff);
}

TEST(ata_ident_lba28_only)
{
	uint16_t id[256];
	struct ata_ident a;

	qemu_disk(id, 20000);
	id[83] = 0x4000 | (1 << 12);
	id[100] = id[101] = 0;
	ata_ident_parse(id, &a);
	CHECK(!a.lba48 && a.flush && !a.flush_ext);
	CHECK_EQ(a.sectors, 20000);
	/* Neither LBA nor 48-bit: CHS only, no size we use. */
	id[49] = 0;
	ata_ident_parse(id, &a);
	CHECK_EQ(a.sectors, 0);
	CHECK(!a.lba && !a.dma);
}

TEST(ata_ident_atapi_and_model)
{
	uint16_t id[256];
	struct ata_ident a;

	memset(id, 0, sizeof(id));
	id[0] = 0x85c0; /* ATAPI, CD-ROM, removable */
	put_string(&id[27], "QEMU DVD-ROM", 20);
	ata_ident_parse(id, &a);
	CHECK(a.atapi && a.removable);
	CHECK(!strcmp(a.model, "QEMU DVD-ROM"));
	/* A full 40-character model keeps all 40; junk becomes '?'. */
	put_string(&id[27], "ABCDEFGHIJ0123456789abcdefghij012345678\x01", 20);
	ata_ident_parse(id, &a);
	CHECK_EQ(strlen(a.model), 40);
	CHECK(a.model[39] == '?' && a.model[0] == 'A');
}

TEST(ata_ident_big_sectors)
{
	uint16_t id[256];
	struct ata_ident a;

	qemu_disk(id, 4096);
	id[106] = 0x4000 | (1 << 12);
	id[117] = 2048; /* 4096-byte logical sectors */
	ata_ident_parse(id, &a);
	CHECK(a.big_sectors);
	id[117] = 256;
	ata_ident_parse(id, &a);
	CHECK(!a.big_sectors);
}

TEST(ata_plan_lba28)
{
	struct ata_cmd c;

	CHECK_EQ(ata_cmd_plan(&c, false, true, true, 0, 8), 8);
	CHECK(!c.lba48 && c.opcode == ATA_CMD_READ_DMA && c.dma && !c.write);
	CHECK_EQ(ata_cmd_plan(&c, true, false, true, 1000, 256), 256);
	CHECK(!c.lba48 && c.opcode == ATA_CMD_WRITE_PIO && c.write);
	/* The last LBA28 range: ends just below 2^28. */
	CHECK_EQ(ata_cmd_plan(&c, false, false, true, (1 << 28) - 2, 1), 1);
	CHECK(!c.lba48 && c.opcode == ATA_CMD_READ_PIO);
}

TEST(ata_plan_lba48)
{
	struct ata_cmd c;

	/* More than 256 sectors: one EXT command of up to 2048. */
	CHECK_EQ(ata_cmd_plan(&c, false, true, true, 0, 257), 257);
	CHECK(c.lba48 && c.opcode == ATA_CMD_READ_DMA_EXT);
	CHECK_EQ(ata_cmd_plan(&c, true, true, true, 0, 100000), 2048);
	CHECK(c.lba48 && c.opcode == ATA_CMD_WRITE_DMA_EXT);
	/* Reaching 2^28: EXT. */
	CHECK_EQ(ata_cmd_plan(&c, false, false, true, (1 << 28) - 1, 1), 1);
	CHECK(c.lba48 && c.opcode == ATA_CMD_READ_PIO_EXT);
	CHECK_EQ(ata_cmd_plan(&c, true, false, true, 1ull << 40, 3), 3);
	CHECK(c.lba48 && c.opcode == ATA_CMD_WRITE_PIO_EXT);
	CHECK_EQ(c.lba, 1ull << 40);
	CHECK_EQ(ata_cmd_plan(&c, false, false, true, 1ull << 48, 1), -EIO);
}

TEST(ata_plan_no_lba48)
{
	struct ata_cmd c;

	/* Without 48-bit addressing: pieces of 256, never reaching 2^28. */
	CHECK_EQ(ata_cmd_plan(&c, false, true, false, 0, 1000), 256);
	CHECK(!c.lba48 && c.opcode == ATA_CMD_READ_DMA);
	CHECK_EQ(ata_cmd_plan(&c, false, true, false, (1 << 28) - 10, 100), 9);
	CHECK_EQ(ata_cmd_plan(&c, false, true, false, (1 << 28) - 1, 1), -EIO);
	CHECK_EQ(ata_cmd_plan(&c, false, true, false, 0, 0), -EINVAL);
}

TEST(ata_prd_simple)
{
	struct ata_prd prd[16];
	struct blk_seg seg[2] = { { 0x100000, 4096 }, { 0x200000, 8192 } };

	CHECK_EQ(ata_prd_build(prd, 16, seg, 2, 0, 12288), 2);
	CHECK_EQ(prd[0].addr, 0x100000);
	CHECK_EQ(prd[0].flags_len, 4096);
	CHECK_EQ(prd[1].addr, 0x200000);
	CHECK_EQ(prd[1].flags_len, ATA_PRD_EOT | 8192);
	/* From an offset into the second segment, part of it. */
	CHECK_EQ(ata_prd_build(prd, 16, seg, 2, 4096 + 512, 1024), 1);
	CHECK_EQ(prd[0].addr, 0x200200);
	CHECK_EQ(prd[0].flags_len, ATA_PRD_EOT | 1024);
}

TEST(ata_prd_64k)
{
	struct ata_prd prd[16];
	/* 192 KiB starting 4 KiB before a 64 KiB boundary. */
	struct blk_seg seg[1] = { { 0x30000 - 0x1000, 0x30000 } };

	CHECK_EQ(ata_prd_build(prd, 16, seg, 1, 0, 0x30000), 4);
	CHECK_EQ(prd[0].addr, 0x2f000);
	CHECK_EQ(prd[0].flags_len, 0x1000);
	/* A whole aligned 64 KiB region is written with count 0. */
	CHECK_EQ(prd[1].addr, 0x30000);
	CHECK_EQ(prd[1].flags_len, 0);
	CHECK_EQ(prd[2].addr, 0x40000);
	CHECK_EQ(prd[2].flags_len, 0);
	CHECK_EQ(prd[3].addr, 0x50000);
	CHECK_EQ(prd[3].flags_len, ATA_PRD_EOT | 0xf000);
	/* No region crosses a 64 KiB boundary, and together they cover
	 * every byte. */
	for (int i = 0; i < 4; i++) {
		uint32_t len = prd[i].flags_len & 0xffff;

		len = len ? len : 0x10000;
		CHECK_EQ(prd[i].addr >> 16, (prd[i].addr + len - 1) >> 16);
	}
}

TEST(ata_prd_refused)
{
	struct ata_prd prd[4];
	struct blk_seg high[1] = { { 0xfffff000, 0x2000 } };
	struct blk_seg odd[1] = { { 0x1001, 512 } };
	struct blk_seg many[1] = { { 0, 0x50000 } };

	/* Crossing 4 GiB: no 32-bit address for it. */
	CHECK_EQ(ata_prd_build(prd, 4, high, 1, 0, 0x2000), -EINVAL);
	CHECK_EQ(ata_prd_build(prd, 4, high, 1, 0, 0x1000), 1);
	CHECK_EQ(ata_prd_build(prd, 4, odd, 1, 0, 512), -EINVAL);
	/* Five 64 KiB regions do not fit four entries. */
	CHECK_EQ(ata_prd_build(prd, 4, many, 1, 0, 0x50000), -EINVAL);
	CHECK_EQ(ata_prd_build(prd, 4, many, 1, 0x10000, 0x40000), 4);
	/* Past the segments' end. */
	CHECK_EQ(ata_prd_build(prd, 4, many, 1, 0x4f000, 0x2000), -EINVAL);
	CHECK_EQ(ata_prd_build(prd, 4, many, 1, 0, 0), -EINVAL);
}
