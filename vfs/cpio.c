/* SPDX-License-Identifier: MIT */
/* The newc cpio parser: 110-byte ASCII headers, name and data each
 * padded to 4 bytes (cpio(5), "New ASCII Format"). */
#include "vfs/cpio.h"

#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"

#define HEADER_LEN 110

static int hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 :
					       -1;
		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e)
{
	const char *p = (const char *)buf + *off;
	uint32_t f[13], namesize, filesize;
	size_t at = *off, name_end, data_end;

	/* Trailing zero padding after the archive is not an error. */
	while (at < len && ((const char *)buf)[at] == '\0')
		at++;
	if (at >= len)
		return 0;
	p = (const char *)buf + at;
	if (len - at < HEADER_LEN)
		return -EINVAL;
	if (memcmp(p, "070701", 6) && memcmp(p, "070702", 6))
		return -EINVAL;
	for (int i = 0; i < 13; i++)
		if (hex8(p + 6 + 8 * i, &f[i]))
			return -EINVAL;
	e->ino = f[0];
	e->mode = f[1];
	e->uid = f[2];
	e->gid = f[3];
	e->nlink = f[4];
	e->mtime = f[5];
	filesize = f[6];
	e->devmajor = f[7];
	e->devminor = f[8];
	e->rdevmajor = f[9];
	e->rdevminor = f[10];
	namesize = f[11];
	if (namesize == 0 || namesize > 4096)
		return -EINVAL;
	name_end = at + HEADER_LEN + namesize;
	if (name_end > len || p[HEADER_LEN + namesize - 1] != '\0')
		return -EINVAL;
	e->name = p + HEADER_LEN;
	e->namelen = namesize - 1;
	name_end = ALIGN_UP(name_end, 4);
	if (name_end > len || filesize > len - name_end)
		return -EINVAL;
	data_end = name_end + filesize;
	e->data = (const char *)buf + name_end;
	e->size = filesize;
	*off = ALIGN_UP(data_end, 4) < len ? ALIGN_UP(data_end, 4) : len;
	if (e->namelen == 10 && !memcmp(e->name, "TRAILER!!!", 10))
		return 0;
	return 1;
}
