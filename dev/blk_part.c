/* SPDX-License-Identifier: MIT */
/* Partition tables: GPT (UEFI 2.10 §5.2-5.3) behind a protective MBR, and
 * the MBR with extended/logical partitions, numbered as Linux does. */
#include "dev/blk_part.h"

#define MBR_SIG_OFF 510
#define MBR_PART_OFF 446
#define MBR_TYPE_GPT 0xee
#define GPT_HEADER_MIN 92
#define GPT_ENTRY_SIZE 128
#define GPT_MAX_ENTRIES 16384
#define MAX_LOGICAL 128 /* bounds a looping EBR chain */
#define GPT_BAD (-1000) /* not an errno: the table is invalid */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

uint32_t blk_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* Adds a partition unless its number is beyond what out[] holds. */
static void add(struct blk_part_info *out, unsigned max, unsigned *n,
		unsigned partno, uint64_t start, uint64_t sectors)
{
	if (partno > max || *n >= max)
		return;
	out[*n] = (struct blk_part_info){ partno, start, sectors };
	(*n)++;
}

/* ---- GPT ---- */

struct gpt_hdr {
	uint64_t my_lba, alt_lba, first_usable, last_usable, entries_lba;
	uint32_t nentries, entries_crc;
};

/* The header at lba, checked as Linux's is_gpt_valid() does (UEFI
 * §5.3.2 "GPT Header"): signature, size, CRC, MyLBA, usable range and
 * entry size. false if any check fails. */
static bool gpt_header(const uint8_t *s, uint64_t lba, uint64_t disk_sectors,
		       struct gpt_hdr *h)
{
	uint8_t copy[512];
	uint32_t size = get32(s + 12);

	if (memcmp(s, "EFI PART", 8) || size < GPT_HEADER_MIN || size > 512)
		return false;
	memcpy(copy, s, size);
	memset(copy + 16, 0, 4); /* HeaderCRC32 is computed as zero */
	if (blk_crc32(0, copy, size) != get32(s + 16))
		return false;
	h->my_lba = get64(s + 24);
	h->alt_lba = get64(s + 32);
	h->first_usable = get64(s + 40);
	h->last_usable = get64(s + 48);
	h->entries_lba = get64(s + 72);
	h->nentries = get32(s + 80);
	h->entries_crc = get32(s + 88);
	if (h->my_lba != lba || h->last_usable >= disk_sectors ||
	    h->first_usable > h->last_usable)
		return false;
	if (get32(s + 84) != GPT_ENTRY_SIZE || h->nentries == 0 ||
	    h->nentries > GPT_MAX_ENTRIES)
		return false;
	return h->entries_lba < disk_sectors &&
	       h->entries_lba + (uint64_t)h->nentries * GPT_ENTRY_SIZE / 512 <=
		       disk_sectors;
}

/* Reads the entry array, checks its CRC and collects the used entries
 * into out[], *count of them: 0, GPT_BAD for a bad CRC, or a read
 * error. */
static int gpt_entries(blk_part_read_fn read, void *ctx,
		       const struct gpt_hdr *h, uint64_t disk_sectors,
		       struct blk_part_info *out, unsigned max, unsigned *count)
{
	static const uint8_t zero[16];
	uint8_t s[512];
	uint32_t crc = 0;
	unsigned n = 0;
	uint32_t per = 512 / GPT_ENTRY_SIZE;
	uint32_t nsec = (h->nentries + per - 1) / per;

	for (uint32_t i = 0; i < nsec; i++) {
		int err = read(ctx, h->entries_lba + i, s);

		if (err)
			return err;
		for (uint32_t k = 0; k < per; k++) {
			uint32_t idx = i * per + k;
			const uint8_t *e = s + k * GPT_ENTRY_SIZE;
			uint64_t first = get64(e + 32), last = get64(e + 40);

			if (idx >= h->nentries)
				break;
			crc = blk_crc32(crc, e, GPT_ENTRY_SIZE);
			/* Linux's is_pte_valid(): a type GUID, within the
			 * disk (not necessarily the usable range). */
			if (!memcmp(e, zero, 16) || first > last ||
			    last >= disk_sectors)
				continue;
			add(out, max, &n, idx + 1, first, last - first + 1);
		}
	}
	*count = n;
	return crc == h->entries_crc ? 0 : GPT_BAD;
}

/* Tries the header at lba and its entries: the count, GPT_BAD if either
 * is invalid, or a read error. */
static int gpt_try(blk_part_read_fn read, void *ctx, uint64_t lba,
		   uint64_t disk_sectors, struct blk_part_info *out,
		   unsigned max)
{
	uint8_t s[512];
	struct gpt_hdr h;
	unsigned n = 0;
	int err = read(ctx, lba, s);

	if (err)
		return err;
	if (!gpt_header(s, lba, disk_sectors, &h))
		return GPT_BAD;
	err = gpt_entries(read, ctx, &h, disk_sectors, out, max, &n);
	return err ? err : (int)n;
}

/* ---- MBR ---- */

static bool is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* Walks the EBR chain of the extended partition at ext (Linux's
 * parse_extended): each EBR's data entries are logicals 5, 6, ...
 * relative to that EBR; its extended entry links to the next EBR,
 * relative to ext. */
static int mbr_logicals(blk_part_read_fn read, void *ctx, uint64_t ext,
			uint64_t disk_sectors, struct blk_part_info *out,
			unsigned max, unsigned *n)
{
	uint8_t s[512];
	uint64_t ebr = ext;
	unsigned partno = 5;

	for (int hop = 0; hop < MAX_LOGICAL; hop++) {
		uint64_t next = 0;
		int err;

		if (ebr >= disk_sectors)
			return 0;
		err = read(ctx, ebr, s);
		if (err)
			return err;
		if (get16(s + MBR_SIG_OFF) != 0xaa55)
			return 0;
		for (int i = 0; i < 4; i++) {
			const uint8_t *e = s + MBR_PART_OFF + 16 * i;
			uint32_t start = get32(e + 8), size = get32(e + 12);

			if (!e[4] || !size)
				continue;
			if (is_extended(e[4])) {
				if (!next)
					next = ext + start;
				continue;
			}
			add(out, max, n, partno++, ebr + start, size);
		}
		if (!next || next == ebr)
			return 0;
		ebr = next;
	}
	return 0;
}

/* The MBR in s (UEFI §5.2.1 "Legacy MBR"); boot indicators other than
 * 0 and 0x80 mean it is not a partition table (a FAT boot sector). */
static int mbr_parse(blk_part_read_fn read, void *ctx, const uint8_t *s,
		     uint64_t disk_sectors, struct blk_part_info *out,
		     unsigned max)
{
	unsigned n = 0;

	for (int i = 0; i < 4; i++) {
		uint8_t boot = s[MBR_PART_OFF + 16 * i];

		if (boot != 0 && boot != 0x80)
			return 0;
	}
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s + MBR_PART_OFF + 16 * i;
		uint32_t start = get32(e + 8), size = get32(e + 12);

		if (!e[4] || !size)
			continue;
		if (!is_extended(e[4])) {
			add(out, max, &n, i + 1, start, size);
			continue;
		}
		/* Linux exposes the extended partition itself as two
		 * sectors (one 1 KiB block in /proc/partitions) so nothing
		 * formats it by mistake. */
		add(out, max, &n, i + 1, start, MIN(size, 2u));
	}
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s + MBR_PART_OFF + 16 * i;

		if (e[4] && get32(e + 12) && is_extended(e[4])) {
			int err = mbr_logicals(read, ctx, get32(e + 8),
					       disk_sectors, out, max, &n);
			if (err)
				return err;
			break; /* one extended partition, as Linux */
		}
	}
	return (int)n;
}

static bool mbr_protective(const uint8_t *s)
{
	for (int i = 0; i < 4; i++) {
		const uint8_t *e = s + MBR_PART_OFF + 16 * i;

		if (e[4] == MBR_TYPE_GPT && get32(e + 8) == 1)
			return true;
	}
	return false;
}

int blk_part_parse(blk_part_read_fn read, void *ctx, uint64_t disk_sectors,
		   struct blk_part_info *out, unsigned max,
		   enum blk_part_kind *kind)
{
	uint8_t s[512];
	int n, err;

	*kind = BLK_PART_NONE;
	if (disk_sectors < 2)
		return 0;
	err = read(ctx, 0, s);
	if (err)
		return err;
	if (get16(s + MBR_SIG_OFF) != 0xaa55)
		return 0;
	if (!mbr_protective(s)) {
		n = mbr_parse(read, ctx, s, disk_sectors, out, max);
		if (n > 0)
			*kind = BLK_PART_MBR;
		return n;
	}
	n = gpt_try(read, ctx, 1, disk_sectors, out, max);
	if (n == GPT_BAD)
		n = gpt_try(read, ctx, disk_sectors - 1, disk_sectors, out,
			    max);
	if (n == GPT_BAD)
		return 0;
	if (n >= 0)
		*kind = BLK_PART_GPT;
	return n;
}
