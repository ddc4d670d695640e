/* SPDX-License-Identifier: MIT */
/* FAT's pure logic (vfs/fat_fmt.c, vfs/fat_name.c): BPB validation and
 * the FAT type, FAT entries, LFN checksums and packing, names, times. */
#include <string.h>

#include "test/unit/unit.h"
#include "vfs/fat_fmt.h"

static uint8_t bs[512];

/* A boot sector as mkfs.fat makes it; type 32 or 16. */
static void make_bpb(unsigned type, uint32_t total, uint32_t fatsz)
{
	memset(bs, 0, sizeof(bs));
	bs[0] = 0xeb;
	bs[1] = 0x58;
	bs[2] = 0x90;
	fat_put16(bs + 11, 512);
	bs[13] = type == 32 ? 1 : 4;
	fat_put16(bs + 14, type == 32 ? 32 : 4);
	bs[16] = 2;
	fat_put16(bs + 17, type == 32 ? 0 : 512);
	bs[21] = 0xf8;
	if (type == 32) {
		fat_put32(bs + 32, total);
		fat_put32(bs + 36, fatsz);
		fat_put32(bs + 44, 2);
		fat_put16(bs + 48, 1);
		fat_put16(bs + 50, 6);
	} else {
		fat_put32(bs + 32, total);
		fat_put16(bs + 22, (uint16_t)fatsz);
	}
	bs[510] = 0x55;
	bs[511] = 0xaa;
}

TEST(fat_bpb_fat32)
{
	struct fat_geom g;
	const char *why;

	/* 64 MiB, 512-byte clusters: mkfs.fat -F 32 -s 1 */
	make_bpb(32, 131072, 1009);
	CHECK_EQ(fat_parse_bpb(bs, 512, 131072 * 512ull, &g, &why), 0);
	CHECK_EQ(g.type, 32);
	CHECK_EQ(g.data_start, 32 + 2 * 1009);
	CHECK_EQ(g.nclusters, 131072 - 32 - 2018);
	CHECK_EQ(g.root_cluster, 2);
	CHECK_EQ(g.fsinfo, 1);
	CHECK(g.mirror);
	CHECK_EQ(g.alloc_max, g.nclusters + 1);
	CHECK(!*why);
	/* The device ends before the data area: refused. */
	CHECK_EQ(fat_parse_bpb(bs, 512, 1000 * 512ull, &g, &why), -22);
	/* It ends 33 sectors early (a partition shorter than its FAT, as
	 * efi/mkesp.sh makes): mounted, those clusters left alone. */
	CHECK_EQ(fat_parse_bpb(bs, 512, (131072 - 33) * 512ull, &g, &why), 0);
	CHECK_EQ(g.alloc_max, g.nclusters + 1 - 33);
	CHECK(*why);
}

TEST(fat_bpb_fat16_and_type_by_cluster_count)
{
	struct fat_geom g;
	const char *why;

	/* 4 sectors a cluster, 32 fixed root sectors. */
	make_bpb(16, 65536, 64);
	CHECK_EQ(fat_parse_bpb(bs, 512, 65536 * 512ull, &g, &why), 0);
	CHECK_EQ(g.type, 16);
	CHECK_EQ(g.root_start, 4 + 128);
	CHECK_EQ(g.root_sectors, 32);
	CHECK_EQ(g.data_start, 4 + 128 + 32);
	CHECK_EQ(g.nclusters, (65536 - 164) / 4);
	/* The count alone decides (fatgen103): 4084 clusters is FAT12,
	 * 4085 FAT16, 65524 FAT16, 65525 FAT32. */
	make_bpb(16, 164 + 4084 * 4, 64);
	CHECK_EQ(fat_parse_bpb(bs, 512, 1ull << 30, &g, &why), 0);
	CHECK_EQ(g.type, 12);
	make_bpb(16, 164 + 4085 * 4 + 3, 64);
	CHECK_EQ(fat_parse_bpb(bs, 512, 1ull << 30, &g, &why), 0);
	CHECK_EQ(g.type, 16);
	CHECK_EQ(g.nclusters, 4085);
	bs[13] = 1; /* 1-sector clusters: 65524 of them */
	fat_put16(bs + 22, 256);
	fat_put16(bs + 19, 0);
	fat_put32(bs + 32, 4 + 512 + 32 + 65524);
	CHECK_EQ(fat_parse_bpb(bs, 512, 1ull << 30, &g, &why), 0);
	CHECK_EQ(g.type, 16);
	fat_put32(bs + 32, 4 + 512 + 32 + 65525);
	/* Now FAT32 by count, but with a fixed root: refused. */
	CHECK_EQ(fat_parse_bpb(bs, 512, 1ull << 30, &g, &why), -22);
}

TEST(fat_bpb_rejects_corruption)
{
	struct fat_geom g;
	const char *why;
	static const struct {
		unsigned off;
		uint8_t v;
	} bad[] = {
		{ 510, 0 },		 /* signature */
		{ 0, 0 },		 /* jump */
		{ 12, 3 },		 /* BytsPerSec 0x300 */
		{ 13, 3 },		 /* SecPerClus not a power of two */
		{ 13, 0 },    { 14, 0 }, /* RsvdSecCnt 0 (with 15) */
		{ 16, 0 },		 /* NumFATs */
		{ 21, 0x12 },		 /* Media */
		{ 44, 0 },		 /* RootClus 0 */
		{ 42, 1 },		 /* FSVer */
		{ 36, 0 },		 /* FATSz32 too small (with 37) */
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_bpb(32, 131072, 1009);
		bs[bad[i].off] = bad[i].v;
		if (bad[i].off == 14)
			bs[15] = 0;
		if (bad[i].off == 36)
			bs[37] = 0;
		CHECK_EQ(fat_parse_bpb(bs, 512, 1ull << 30, &g, &why), -22);
		CHECK(why && *why);
	}
	make_bpb(32, 131072, 1009);
	CHECK_EQ(fat_parse_bpb(bs, 100, 1ull << 30, &g, &why), -22);
	/* Total sectors fewer than the metadata. */
	make_bpb(32, 2000, 1009);
	CHECK_EQ(fat_parse_bpb(bs, 512, 1ull << 30, &g, &why), -22);
}

TEST(fat_entries_12_16_32)
{
	uint8_t f[8] = { 0 };

	/* FAT12: clusters 2 (even) and 3 (odd) share byte 4. */
	fat_entry_encode(12, 2, f + fat_entry_offset(12, 2), 0xabc);
	fat_entry_encode(12, 3, f + fat_entry_offset(12, 3), 0x123);
	CHECK_EQ(fat_entry_offset(12, 3), 4);
	CHECK_EQ(f[3], 0xbc);
	CHECK_EQ(f[4], 0x3a);
	CHECK_EQ(f[5], 0x12);
	CHECK_EQ(fat_entry_decode(12, 2, f + 3), 0xabc);
	CHECK_EQ(fat_entry_decode(12, 3, f + 4), 0x123);
	fat_entry_encode(12, 3, f + 4, FAT_EOC);
	CHECK_EQ(fat_entry_decode(12, 3, f + 4), FAT_EOC);
	CHECK_EQ(fat_entry_decode(12, 2, f + 3), 0xabc);
	fat_entry_encode(12, 2, f + 3, FAT_BAD);
	CHECK_EQ(fat_entry_decode(12, 2, f + 3), FAT_BAD);
	/* FAT16 */
	fat_entry_encode(16, 1, f, FAT_EOC);
	CHECK_EQ(fat_le16(f), 0xffff);
	fat_put16(f, 0xfff8);
	CHECK_EQ(fat_entry_decode(16, 1, f), FAT_EOC);
	fat_put16(f, 0x1234);
	CHECK_EQ(fat_entry_decode(16, 1, f), 0x1234);
	/* FAT32 keeps the reserved top nibble. */
	fat_put32(f, 0xa0000000);
	fat_entry_encode(32, 5, f, 0x00123456);
	CHECK_EQ(fat_le32(f), 0xa0123456);
	CHECK_EQ(fat_entry_decode(32, 5, f), 0x123456);
	fat_put32(f, 0xfffffff8);
	CHECK_EQ(fat_entry_decode(32, 5, f), FAT_EOC);
	CHECK_EQ(fat_clean_bit(16), 0x8000);
	CHECK_EQ(fat_clean_bit(32), 0x08000000);
	CHECK_EQ(fat_clean_bit(12), 0);
}

TEST(fat_lfn_checksum_and_pack)
{
	const uint8_t sn[11] = { 'L', 'O', 'N', 'G', 'F', 'I',
				 '~', '1', 'T', 'X', 'T' };
	uint16_t name[20], out[13];
	uint8_t e[32];
	uint8_t sum = 0;

	/* Computed by hand with fatgen103's ChkSum(). */
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sn[i]);
	CHECK_EQ(fat_lfn_checksum(sn), sum);
	CHECK_EQ(fat_lfn_checksum((const uint8_t *)"FOO     BAR"), 0x53);
	for (int i = 0; i < 15; i++)
		name[i] = (uint16_t)('a' + i);
	CHECK_EQ(fat_lfn_slots(15), 2);
	CHECK_EQ(fat_lfn_slots(13), 1);
	fat_lfn_pack(e, name, 15, 2, true, 0x42);
	CHECK_EQ(e[0], 0x42);
	CHECK_EQ(e[11], 0x0f);
	CHECK_EQ(e[13], 0x42);
	fat_lfn_unpack(e, out);
	CHECK_EQ(out[0], 'n');
	CHECK_EQ(out[1], 'o');
	CHECK_EQ(out[2], 0);
	CHECK_EQ(out[3], 0xffff);
	CHECK_EQ(out[12], 0xffff);
	fat_lfn_pack(e, name, 15, 1, false, 0x42);
	CHECK_EQ(e[0], 1);
	CHECK_EQ(fat_le16(e + 1), 'a');
	CHECK_EQ(fat_le16(e + 30), 'm');
}

TEST(fat_utf8_utf16)
{
	uint16_t u[16];
	char s[32];

	/* é (2 bytes), € (3), 😀 (4: a surrogate pair) */
	const char *in = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	CHECK_EQ(fat_utf8_to_utf16(in, strlen(in), u, 16), 5);
	CHECK_EQ(u[1], 0xe9);
	CHECK_EQ(u[2], 0x20ac);
	CHECK_EQ(u[3], 0xd83d);
	CHECK_EQ(u[4], 0xde00);
	CHECK_EQ(fat_utf16_to_utf8(u, 5, s, sizeof(s)), (int)strlen(in));
	CHECK(!strcmp(s, in));
	CHECK_EQ(fat_utf8_to_utf16("\xc0\x80", 2, u, 16), -22); /* overlong */
	CHECK_EQ(fat_utf8_to_utf16("\xed\xa0\x80", 3, u, 16), -22);
	CHECK_EQ(fat_utf8_to_utf16("\xe2\x82", 2, u, 16), -22);
	CHECK_EQ(fat_utf8_to_utf16("abc", 3, u, 2), -36);
	u[0] = 0xd800; /* a lone surrogate: U+FFFD */
	CHECK_EQ(fat_utf16_to_utf8(u, 1, s, sizeof(s)), 3);
	CHECK(!strcmp(s, "\xef\xbf\xbd"));
	CHECK_EQ(fat_utf16_to_utf8(u, 1, s, 3), -36);
}

static size_t u16(const char *s, uint16_t *out)
{
	return (size_t)fat_utf8_to_utf16(s, strlen(s), out, 300);
}

TEST(fat_long_name_rules)
{
	uint16_t u[300];
	size_t n;

	n = u16("ok name+[1].txt", u);
	CHECK(fat_long_name_ok(u, &n));
	n = u16("a:b", u);
	CHECK(!fat_long_name_ok(u, &n));
	n = u16("a*b", u);
	CHECK(!fat_long_name_ok(u, &n));
	n = u16("..", u);
	CHECK(!fat_long_name_ok(u, &n));
	n = u16("foo...", u);
	CHECK(fat_long_name_ok(u, &n));
	CHECK_EQ(n, 3);
	for (n = 0; n < 256; n++)
		u[n] = 'x';
	CHECK(!fat_long_name_ok(u, &n));
	n = 255;
	CHECK(fat_long_name_ok(u, &n));
}

struct names {
	uint8_t taken[8][11];
	int n;
};

static bool taken(void *ctx, const uint8_t name[11])
{
	struct names *t = ctx;

	for (int i = 0; i < t->n; i++)
		if (!memcmp(t->taken[i], name, 11))
			return true;
	return false;
}

static bool gen_is(const char *longname, struct names *t, const char *want)
{
	uint16_t u[300];
	uint8_t out[11];
	size_t n = u16(longname, u);

	if (fat_gen_short(u, n, taken, t, out))
		return false;
	if (memcmp(out, want, 11)) {
		fprintf(stderr, "  %s -> '%.11s', want '%s'\n", longname, out,
			want);
		return false;
	}
	if (t->n < 8)
		memcpy(t->taken[t->n++], out, 11);
	return true;
}

TEST(fat_short_name_generation)
{
	struct names t = { .n = 0 };
	uint16_t u[32], d[12];
	uint8_t sn[11];

	/* fatgen103's own examples and the tail rules. */
	CHECK(gen_is("README.TXT", &t, "README  TXT"));
	CHECK(gen_is("readme.txt", &t, "README~1TXT")); /* collision */
	CHECK(gen_is("foo.txt", &t, "FOO     TXT"));
	CHECK(gen_is("The quick brown.fox", &t, "THEQUI~1FOX"));
	CHECK(gen_is("The quick brown.fox", &t, "THEQUI~2FOX"));
	CHECK(gen_is("a+b.c", &t, "A_B~1   C  ")); /* lossy */
	CHECK(gen_is(".bashrc", &t, "BASHRC~1   "));
	CHECK(gen_is("Long File Name.json", &t, "LONGFI~1JSO"));
	t.n = 0;
	CHECK(gen_is("x.tar.gz", &t, "X~1     GZ "));
	/* ~10 takes one more character of the base. */
	t.n = 0;
	for (unsigned i = 1; i <= 8; i++) {
		char want[24];
		snprintf(want, sizeof(want), "LONGNA~%u   ", i % 10);
		CHECK(gen_is("longname_x", &t, want));
	}
	CHECK(fat_name_is_short(u, u16("A.B", u), sn));
	CHECK(!memcmp(sn, "A       B  ", 11));
	CHECK(!fat_name_is_short(u, u16("a.b", u), sn));
	CHECK(!fat_name_is_short(u, u16("ABCDEFGHI", u), sn));
	CHECK(!fat_name_is_short(u, u16("A.BCDE", u), sn));
	CHECK(!fat_name_is_short(u, u16("A.B.C", u), sn));
	CHECK(!fat_name_is_short(u, u16("A B", u), sn));
	CHECK_EQ(fat_short_to_utf16((const uint8_t *)"README  TXT", 0, d), 10);
	CHECK(d[6] == '.' && d[9] == 'T');
	CHECK_EQ(fat_short_to_utf16((const uint8_t *)"README  TXT",
				    FAT_NT_LOWER_BASE, d),
		 10);
	CHECK(d[0] == 'r' && d[9] == 'T');
	CHECK_EQ(fat_short_to_utf16((const uint8_t *)"NOEXT      ", 0, d), 5);
	CHECK(fat_name_eq(u, u16("Mixed.Case", u), d,
			  (size_t)fat_utf8_to_utf16("mIXED.cASE", 10, d, 12)));
}

TEST(fat_dos_times)
{
	uint16_t date, time;
	uint8_t cs;

	/* 2026-12-03 11:56:31.25 UTC */
	fat_time_from_unix(1796299000 - 1796299000 % 86400 + 43000, 250000000,
			   &date, &time, &cs);
	CHECK_EQ(date >> 9, 2026 - 1980);
	CHECK_EQ((date >> 5) & 15, 12);
	CHECK_EQ(date & 31, 3);
	CHECK_EQ(time >> 11, 11);
	CHECK_EQ((time >> 5) & 63, 56);
	CHECK_EQ(time & 31, 20); /* 40 seconds / 2 */
	CHECK_EQ(cs, 25);
	CHECK_EQ(fat_time_to_unix(date, time, cs),
		 1796299000 - 1796299000 % 86400 + 43000);
	/* Odd seconds live in the 10 ms count. */
	fat_time_from_unix(315532801, 0, &date, &time, &cs);
	CHECK_EQ(cs, 100);
	CHECK_EQ(fat_time_to_unix(date, time, cs), 315532801);
	CHECK_EQ(fat_time_to_unix(date, time, 0), 315532800);
	/* Clamped to the representable range. */
	fat_time_from_unix(0, 0, &date, &time, &cs);
	CHECK_EQ(date, (0 << 9) | (1 << 5) | 1);
	CHECK_EQ(time, 0);
	fat_time_from_unix(5000000000LL, 0, &date, &time, &cs);
	CHECK_EQ(date >> 9, 127);
	CHECK_EQ(fat_time_to_unix(0x21, 0, 0), 315532800);
	CHECK_EQ(fat_time_to_unix((10 << 9) | (2 << 5) | 29, 0, 0),
		 636249600); /* 1990-02-29 is not a date: 1990-03-01 */
}
