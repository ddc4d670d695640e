/* SPDX-License-Identifier: MIT */
/*
 * FAT structures without I/O: BPB validation and the FAT type, FAT entry
 * encoding, long-entry packing and checksums, DOS times (fatgen103).
 * Pure: the host unit tests use it directly.
 */
#include "vfs/fat_fmt.h"

#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/* BPB_Media: 0xF0 or 0xF8..0xFF (fatgen103 "BPB_Media"). */
static bool media_ok(uint8_t m)
{
	return m == 0xf0 || m >= 0xf8;
}

/* The fields every FAT type shares. */
static int parse_common(const uint8_t *s, struct fat_geom *g, const char **why)
{
	if (fat_le16(s + 510) != 0xaa55)
		return *why = "no 0x55AA signature", -EINVAL;
	if (s[0] != 0xeb && s[0] != 0xe9)
		return *why = "BS_jmpBoot is not a jump", -EINVAL;
	g->bps = fat_le16(s + 11);
	if (g->bps < 512 || g->bps > 4096 || !pow2(g->bps))
		return *why = "bad BPB_BytsPerSec", -EINVAL;
	g->spc = s[13];
	if (!pow2(g->spc) || g->spc > 128)
		return *why = "bad BPB_SecPerClus", -EINVAL;
	g->cluster_size = g->bps * g->spc;
	/* fatgen103 allows at most 32 KiB; 64 KiB as Linux accepts. */
	if (g->cluster_size > 65536)
		return *why = "cluster larger than 64 KiB", -EINVAL;
	g->rsvd = fat_le16(s + 14);
	if (!g->rsvd)
		return *why = "BPB_RsvdSecCnt is 0", -EINVAL;
	g->nfats = s[16];
	if (!g->nfats)
		return *why = "BPB_NumFATs is 0", -EINVAL;
	if (!media_ok(s[21]))
		return *why = "bad BPB_Media", -EINVAL;
	g->root_ents = fat_le16(s + 17);
	g->total_sectors = fat_le16(s + 19) ? fat_le16(s + 19) :
					      fat_le32(s + 32);
	g->fat_sectors = fat_le16(s + 22) ? fat_le16(s + 22) : fat_le32(s + 36);
	if (!g->total_sectors)
		return *why = "no sector count", -EINVAL;
	if (!g->fat_sectors)
		return *why = "FAT size is 0", -EINVAL;
	return 0;
}

/* The layout and the cluster count (fatgen103 "FAT Type
 * Determination": the count alone decides the type). */
static int layout(struct fat_geom *g, const char **why)
{
	uint64_t meta, data;

	g->root_sectors = (g->root_ents * 32 + g->bps - 1) / g->bps;
	meta = (uint64_t)g->rsvd + (uint64_t)g->nfats * g->fat_sectors;
	g->root_start = (uint32_t)MIN(meta, UINT32_MAX);
	meta += g->root_sectors;
	if (meta >= g->total_sectors)
		return *why = "no room for data after the FATs", -EINVAL;
	g->data_start = (uint32_t)meta;
	data = g->total_sectors - meta;
	g->nclusters = (uint32_t)(data / g->spc);
	if (g->nclusters < 4085)
		g->type = 12;
	else if (g->nclusters < 65525)
		g->type = 16;
	else
		g->type = 32;
	if (g->nclusters < 1)
		return *why = "no data clusters", -EINVAL;
	/* Cluster numbers from 0x0FFFFFF7 up are special. */
	if (g->nclusters > 0x0ffffff5u - 1)
		return *why = "too many clusters", -EINVAL;
	/* Every cluster needs an entry in the FAT. */
	if ((uint64_t)g->fat_sectors * g->bps <
	    fat_entry_offset(g->type, g->nclusters + 1) +
		    (g->type == 32 ? 4 : 2))
		return *why = "FAT too small for the clusters", -EINVAL;
	return 0;
}

static int parse_fat32(const uint8_t *s, struct fat_geom *g, const char **why)
{
	uint16_t ext = fat_le16(s + 40), fsinfo = fat_le16(s + 48);

	if (g->root_ents || fat_le16(s + 22))
		return *why = "FAT32 with a fixed root or BPB_FATSz16", -EINVAL;
	if (fat_le16(s + 42) != 0)
		return *why = "unknown BPB_FSVer", -EINVAL;
	g->root_cluster = fat_le32(s + 44);
	if (g->root_cluster < 2 || g->root_cluster > g->nclusters + 1)
		return *why = "BPB_RootClus out of range", -EINVAL;
	/* BPB_ExtFlags bit 7: only the FAT in bits 0-3 is active. */
	g->mirror = !(ext & 0x80);
	g->active_fat = g->mirror ? 0 : (ext & 0xf);
	if (g->active_fat >= g->nfats)
		return *why = "active FAT beyond BPB_NumFATs", -EINVAL;
	g->fsinfo = (fsinfo && fsinfo < g->rsvd) ? fsinfo : 0;
	return 0;
}

int fat_parse_bpb(const uint8_t *sec, size_t len, uint64_t dev_bytes,
		  struct fat_geom *g, const char **why)
{
	int err;

	memset(g, 0, sizeof(*g));
	*why = "";
	if (len < 512)
		return *why = "short boot sector", -EINVAL;
	err = parse_common(sec, g, why);
	if (!err)
		err = layout(g, why);
	if (err)
		return err;
	g->alloc_max = g->nclusters + 1;
	if ((uint64_t)g->total_sectors * g->bps > dev_bytes) {
		uint64_t secs = dev_bytes / g->bps;
		if (secs < (uint64_t)g->data_start + g->spc)
			return *why = "data area beyond the device", -EINVAL;
		g->alloc_max = (uint32_t)MIN(
			(secs - g->data_start) / g->spc + 1, g->alloc_max);
		*why = "volume larger than the device: the clusters past its "
		       "end are not used";
	}
	if (g->type == 32)
		return parse_fat32(sec, g, why);
	g->mirror = true;
	if (!g->root_ents)
		return *why = "FAT12/16 without root entries", -EINVAL;
	if (!fat_le16(sec + 22))
		return *why = "FAT12/16 without BPB_FATSz16", -EINVAL;
	return 0;
}

/* ---- FAT entries (fatgen103 "FAT Data Structure") ---- */

uint32_t fat_entry_decode(unsigned type, uint32_t n, const uint8_t *p)
{
	uint32_t v;

	if (type == 12) {
		v = fat_le16(p);
		v = (n & 1) ? v >> 4 : v & 0xfff;
		return v >= 0xff8 ? FAT_EOC : v == 0xff7 ? FAT_BAD : v;
	}
	if (type == 16) {
		v = fat_le16(p);
		return v >= 0xfff8 ? FAT_EOC : v == 0xfff7 ? FAT_BAD : v;
	}
	v = fat_le32(p) & 0x0fffffff;
	return v >= 0x0ffffff8 ? FAT_EOC : v;
}

void fat_entry_encode(unsigned type, uint32_t n, uint8_t *p, uint32_t v)
{
	uint16_t w;

	if (type == 12) {
		v &= 0xfff;
		w = fat_le16(p);
		w = (n & 1) ? (uint16_t)((w & 0x000f) | v << 4) :
			      (uint16_t)((w & 0xf000) | v);
		fat_put16(p, w);
	} else if (type == 16) {
		fat_put16(p, (uint16_t)v);
	} else {
		fat_put32(p, (fat_le32(p) & 0xf0000000) | (v & 0x0fffffff));
	}
}

uint32_t fat_clean_bit(unsigned type)
{
	return type == 16 ? 0x8000 : type == 32 ? 0x08000000 : 0;
}

/* ---- long entries (fatgen103 "FAT Long Directory Entries") ---- */

uint8_t fat_lfn_checksum(const uint8_t name[11])
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) ? 0x80 : 0) + (sum >> 1) + name[i]);
	return sum;
}

/* Where the 13 characters sit: LDIR_Name1 (5), Name2 (6), Name3 (2). */
static const uint8_t lfn_off[FAT_LFN_CHARS] = { 1,  3,	5,  7,	9,  14, 16,
						18, 20, 22, 24, 28, 30 };

void fat_lfn_pack(uint8_t *e, const uint16_t *name, size_t len, unsigned ord,
		  bool last, uint8_t sum)
{
	size_t base = (size_t)(ord - 1) * FAT_LFN_CHARS;

	memset(e, 0, FAT_DIRENT_SIZE);
	e[LDE_ORD] = (uint8_t)(ord | (last ? FAT_LFN_LAST : 0));
	e[DE_ATTR] = FAT_ATTR_LFN;
	e[LDE_CHKSUM] = sum;
	for (size_t i = 0; i < FAT_LFN_CHARS; i++) {
		size_t k = base + i;
		uint16_t c = k < len ? name[k] : k == len ? 0 : 0xffff;
		fat_put16(e + lfn_off[i], c);
	}
}

void fat_lfn_unpack(const uint8_t *e, uint16_t out[FAT_LFN_CHARS])
{
	for (size_t i = 0; i < FAT_LFN_CHARS; i++)
		out[i] = fat_le16(e + lfn_off[i]);
}

/* ---- dates and times (fatgen103 "Date and Time Formats") ---- */

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t fat_time_to_unix(uint16_t date, uint16_t time, uint8_t cs)
{
	unsigned day = date & 31, mon = (date >> 5) & 15;
	int year = 1980 + (date >> 9);
	int64_t t;

	/* A zero or out-of-range field (an unset date) reads as the
	 * nearest valid one, as Linux does with day 0 and month 0. */
	mon = mon < 1 ? 1 : mon > 12 ? 12 : mon;
	day = day < 1 ? 1 : day;
	t = days_from_civil(year, mon, day) * 86400;
	t += (time >> 11) * 3600 + ((time >> 5) & 63) * 60 + (time & 31) * 2;
	return t + (cs >= 100 && cs < 200 ? 1 : 0);
}

void fat_time_from_unix(int64_t secs, uint32_t ns, uint16_t *date,
			uint16_t *time, uint8_t *cs)
{
	const int64_t lo = 315532800;	 /* 1980-01-01 */
	const int64_t hi = 4354819198LL; /* 2107-12-31 23:59:58 */
	int64_t days, rem;
	unsigned m, d;
	int y;

	if (secs < lo) {
		secs = lo;
		ns = 0;
	} else if (secs > hi + 1) {
		secs = hi;
		ns = 0;
	}
	days = secs / 86400;
	rem = secs % 86400;
	civil_from_days(days, &y, &m, &d);
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	*time = (uint16_t)((rem / 3600) << 11 | ((rem / 60) % 60) << 5 |
			   (rem % 60) / 2);
	if (cs)
		*cs = (uint8_t)((rem % 2) * 100 + ns / 10000000);
}
