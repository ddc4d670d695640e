/* SPDX-License-Identifier: MIT */
/* The two bits of ACPI we read by hand: table checksums and \_S5's sleep
 * type values from AML (ACPI 6.5 §20, "ACPI Machine Language"). Pure, so
 * the host unit tests can feed it byte strings. */
#include "kernel/acpi.h"

bool acpi_checksum_ok(const void *table, size_t len)
{
	const uint8_t *p = table;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* PkgLength (§20.2.4): the top two bits of the first byte say how many
 * more bytes follow. Returns the bytes the encoding took, 0 if bad. */
static size_t pkg_length(const uint8_t *p, size_t left)
{
	size_t follow;

	if (!left)
		return 0;
	follow = p[0] >> 6;
	return follow + 1 <= left ? follow + 1 : 0;
}

/* One integer data object: ZeroOp, OneOp, or a Byte/Word/DWord prefix. */
static size_t read_int(const uint8_t *p, size_t left, uint8_t *out)
{
	if (!left)
		return 0;
	switch (p[0]) {
	case 0x00: /* ZeroOp */
	case 0x01: /* OneOp */
		*out = p[0];
		return 1;
	case 0x0a: /* BytePrefix */
		if (left < 2)
			return 0;
		*out = p[1];
		return 2;
	case 0x0b: /* WordPrefix */
		if (left < 3)
			return 0;
		*out = p[1];
		return 3;
	case 0x0c: /* DWordPrefix */
		if (left < 5)
			return 0;
		*out = p[1];
		return 5;
	}
	return 0;
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *a, uint8_t *b)
{
	for (size_t i = 1; i + 4 < len; i++) {
		const uint8_t *p;
		size_t left, n;

		if (memcmp(aml + i, "_S5_", 4))
			continue;
		/* NameOp, possibly with a root prefix: 08 _S5_ or 08 \_S5_ */
		if (!(aml[i - 1] == 0x08 ||
		      (i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == 0x08)))
			continue;
		p = aml + i + 4;
		left = len - (i + 4);
		if (!left || p[0] != 0x12) /* PackageOp */
			continue;
		p++;
		left--;
		n = pkg_length(p, left);
		if (!n || n + 1 > left)
			continue;
		p += n + 1; /* the length and NumElements */
		left -= n + 1;
		n = read_int(p, left, a);
		if (!n)
			continue;
		if (!read_int(p + n, left - n, b))
			*b = 0;
		return true;
	}
	return false;
}
