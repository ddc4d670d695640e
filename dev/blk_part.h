/* SPDX-License-Identifier: MIT */
/* Private to the block layer: the partition table parser (GPT, MBR), pure
 * code over a read callback so host unit tests can drive it. */
#ifndef STRIX_DEV_BLK_PART_H
#define STRIX_DEV_BLK_PART_H

#include "kernel/lib/lib.h"

/* One partition as Linux numbers it: GPT entry index + 1; MBR slots 1-4,
 * logical partitions 5 and up in chain order. */
struct blk_part_info {
	unsigned partno;
	uint64_t start;	  /* first sector on the disk */
	uint64_t sectors; /* length in 512-byte sectors */
};

/* Reads one 512-byte sector into buf: 0 or a negative errno. */
typedef int (*blk_part_read_fn)(void *ctx, uint64_t sector, void *buf);

enum blk_part_kind { BLK_PART_NONE, BLK_PART_GPT, BLK_PART_MBR };

/*
 * Parses the table of a disk of disk_sectors sectors: GPT (with the
 * backup header if the primary is bad) when the MBR is protective, else
 * the MBR with its extended chain. Fills out[] (at most max entries, in
 * partition-number order) and *kind; returns the count, or a negative
 * errno if the disk could not be read. Partitions are not clipped to the
 * disk (the caller decides).
 */
int blk_part_parse(blk_part_read_fn read, void *ctx, uint64_t disk_sectors,
		   struct blk_part_info *out, unsigned max,
		   enum blk_part_kind *kind);

/* The CRC-32 of GPT (IEEE 802.3, reflected, as UEFI 2.x §5.3.2 uses). */
uint32_t blk_crc32(uint32_t crc, const void *data, size_t len);

#endif
