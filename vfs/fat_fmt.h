/* SPDX-License-Identifier: MIT */
/*
 * FAT on-disk formats and the pure logic over them (Microsoft, "FAT:
 * General Overview of On-Disk Format", v1.03, cited as fatgen103):
 * boot sector/BPB validation, FAT entries, DOS times and names. Builds on
 * the host too, for the unit tests.
 */
#ifndef STRIX_VFS_FAT_FMT_H
#define STRIX_VFS_FAT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Little-endian fields at any alignment. */
static inline uint16_t fat_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t fat_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline void fat_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void fat_put32(uint8_t *p, uint32_t v)
{
	fat_put16(p, (uint16_t)v);
	fat_put16(p + 2, (uint16_t)(v >> 16));
}

/* ---- the volume's geometry, from the BPB ---- */

struct fat_geom {
	unsigned type;	       /* 12, 16 or 32 */
	uint32_t bps;	       /* BPB_BytsPerSec */
	uint32_t spc;	       /* BPB_SecPerClus */
	uint32_t cluster_size; /* bytes */
	uint32_t rsvd;	       /* BPB_RsvdSecCnt: the first FAT's sector */
	uint32_t nfats;
	uint32_t fat_sectors; /* per FAT */
	uint32_t root_ents;   /* FAT12/16 fixed root directory */
	uint32_t root_start;  /* its first sector */
	uint32_t root_sectors;
	uint32_t data_start; /* first sector of cluster 2 */
	uint32_t total_sectors;
	uint32_t nclusters;    /* CountofClusters; valid: 2..nclusters+1 */
	uint32_t alloc_max;    /* the last cluster inside the device */
	uint32_t root_cluster; /* FAT32 BPB_RootClus */
	uint32_t fsinfo;       /* FAT32 FSInfo sector, 0 if none */
	unsigned active_fat;   /* FAT32 BPB_ExtFlags bits 0-3 */
	bool mirror;	       /* every FAT copy is written */
};

/* Checks every BPB field before it is used (fatgen103 "Boot Sector and
 * BPB") and fills g, the FAT type decided by the cluster count alone
 * ("FAT Type Determination"). sec is the first sector (len bytes, at
 * least 512); dev_bytes the device's size. 0, or -EINVAL with *why set
 * to a reason for the log. A volume reaching past the end of the device
 * is accepted (as Linux does) with alloc_max below nclusters + 1 and
 * *why saying so; only its data area must start inside. */
int fat_parse_bpb(const uint8_t *sec, size_t len, uint64_t dev_bytes,
		  struct fat_geom *g, const char **why);

/* ---- FAT entries ---- */

#define FAT_FREE 0u
#define FAT_BAD 0x0ffffff7u
#define FAT_EOC 0x0fffffffu

/* Byte offset of cluster n's entry within a FAT. */
static inline uint32_t fat_entry_offset(unsigned type, uint32_t n)
{
	return type == 12 ? n + n / 2 : type == 16 ? n * 2 : n * 4;
}
/* The entry of cluster n at p (2 bytes for FAT12/16, 4 for FAT32),
 * normalised: FAT_FREE, a cluster number, FAT_BAD or FAT_EOC (any
 * end-of-chain value). The FAT32 top 4 bits are ignored. */
uint32_t fat_entry_decode(unsigned type, uint32_t n, const uint8_t *p);
/* Stores v (a cluster, FAT_FREE, FAT_BAD or FAT_EOC) as n's entry at p,
 * keeping the other entry's nibble (FAT12) and the reserved top 4 bits
 * (FAT32, fatgen103 "FAT Data Structure"). */
void fat_entry_encode(unsigned type, uint32_t n, uint8_t *p, uint32_t v);
/* FAT[1]'s clean-shutdown bit (FAT16 0x8000, FAT32 0x08000000; none on
 * FAT12): 0 if the type has none. */
uint32_t fat_clean_bit(unsigned type);

/* ---- directory entries (fatgen103 "FAT Directory Structure") ---- */

#define FAT_DIRENT_SIZE 32
#define FAT_ATTR_RO 0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_ATTR_ARCHIVE 0x20
#define FAT_ATTR_LFN 0x0f
#define FAT_LFN_LAST 0x40
#define FAT_LFN_CHARS 13
#define FAT_LFN_MAX 255
#define FAT_DELETED 0xe5
/* DIR_NTRes: Windows NT's lower-case flags for the base and extension. */
#define FAT_NT_LOWER_BASE 0x08
#define FAT_NT_LOWER_EXT 0x10

/* Field offsets within an entry. */
enum {
	DE_NAME = 0,
	DE_ATTR = 11,
	DE_NTRES = 12,
	DE_CTIME_CS = 13,
	DE_CTIME = 14,
	DE_CDATE = 16,
	DE_ADATE = 18,
	DE_HI = 20,
	DE_MTIME = 22,
	DE_MDATE = 24,
	DE_LO = 26,
	DE_SIZE = 28,
	LDE_ORD = 0,
	LDE_CHKSUM = 13,
};

/* The short name's checksum every LFN entry carries (fatgen103 "FAT Long
 * Directory Entries", ChkSum()). */
uint8_t fat_lfn_checksum(const uint8_t name[11]);
/* Fills the 13 characters of long-entry ord (1-based) of name (len
 * UTF-16 units) into entry e, with the order byte, attribute and
 * checksum; the name ends with 0x0000 then 0xFFFF padding. */
void fat_lfn_pack(uint8_t *e, const uint16_t *name, size_t len, unsigned ord,
		  bool last, uint8_t sum);
/* Copies long entry e's 13 characters to out. */
void fat_lfn_unpack(const uint8_t *e, uint16_t out[FAT_LFN_CHARS]);
/* Number of long entries a name of len units needs. */
static inline unsigned fat_lfn_slots(size_t len)
{
	return (unsigned)((len + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS);
}

/* ---- names ---- */

/* UTF-8 (len bytes) to UTF-16 (surrogate pairs for planes 1-16): the
 * number of units, or -EINVAL for malformed UTF-8, -ENAMETOOLONG past
 * max units. */
int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t max);
/* UTF-16 to UTF-8 (lone surrogates become U+FFFD); the length written
 * (out holds size bytes, NUL-terminated), or -ENAMETOOLONG. */
int fat_utf16_to_utf8(const uint16_t *s, size_t len, char *out, size_t size);
/* Is name (UTF-16) acceptable as a long name? Strips trailing dots as
 * Linux's vfat does by shortening *len; false for illegal characters
 * (fatgen103 "File and Directory Name Restrictions"), an empty name,
 * "." and "..", or more than 255 units. */
bool fat_long_name_ok(const uint16_t *name, size_t *len);
/* If name is exactly a valid upper-case 8.3 name ("README.TXT"), its
 * 11-byte form in out and true (no long entries are needed). */
bool fat_name_is_short(const uint16_t *name, size_t len, uint8_t out[11]);
/* The short name's display form ("README.TXT"; lower case where DIR_NTRes
 * says), as UTF-16 into out (12 units); its length. Bytes >= 0x80 are
 * taken as Latin-1. */
size_t fat_short_to_utf16(const uint8_t name[11], uint8_t ntres,
			  uint16_t out[12]);
/* Generates the short name for a long name (fatgen103 "Basis-Name
 * Generation Algorithm" and "Numeric-Tail Generation Algorithm"):
 * exists(ctx, name11) says whether a candidate collides. 0, or -EEXIST
 * when every tail ~1..~999999 is taken. */
int fat_gen_short(const uint16_t *name, size_t len,
		  bool (*exists)(void *ctx, const uint8_t name[11]), void *ctx,
		  uint8_t out[11]);
/* Compares two UTF-16 names, ignoring ASCII case (as Linux's vfat with
 * the utf8 option). */
bool fat_name_eq(const uint16_t *a, size_t alen, const uint16_t *b,
		 size_t blen);

/* ---- DOS dates and times (fatgen103 "Date and Time Formats") ---- */

/* Seconds since 1970 (UTC: the volume's local time is taken as UTC, as
 * Linux's tz=UTC) from a date, time and 10 ms count (0-199). */
int64_t fat_time_to_unix(uint16_t date, uint16_t time, uint8_t cs);
/* The reverse, clamped to 1980-01-01 .. 2107-12-31 23:59:58; *cs (if
 * given) gets the 10 ms units beyond the 2-second time from ns. */
void fat_time_from_unix(int64_t secs, uint32_t ns, uint16_t *date,
			uint16_t *time, uint8_t *cs);

#endif
