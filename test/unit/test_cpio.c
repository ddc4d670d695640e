/* SPDX-License-Identifier: MIT */
/* The newc cpio parser (cpio(5)): entries, padding, the trailer, and
 * archives that are cut short or lie about their sizes. */
#include <stdio.h>
#include <string.h>

#include "test/unit/unit.h"
#include "vfs/cpio.h"

#define EINVAL_ 22

static char arc[4096];
static size_t arc_len;

static void pad4(void)
{
	while (arc_len % 4)
		arc[arc_len++] = 0;
}

/* Appends one newc entry; namesize counts the NUL. */
static void add(const char *name, unsigned mode, const char *data, size_t size)
{
	arc_len += (size_t)sprintf(arc + arc_len,
				   "070701%08X%08X%08X%08X%08X%08X%08zX"
				   "%08X%08X%08X%08X%08zX%08X",
				   7u, mode, 1000u, 100u, 1u, 1234567u, size,
				   8u, 1u, 0u, 0u, strlen(name) + 1, 0u);
	memcpy(arc + arc_len, name, strlen(name) + 1);
	arc_len += strlen(name) + 1;
	pad4();
	memcpy(arc + arc_len, data, size);
	arc_len += size;
	pad4();
}

static void build(void)
{
	arc_len = 0;
	add("dir", 040755, "", 0);
	add("dir/file", 0100644, "hello", 5);
	add("link", 0120777, "dir/file", 8);
	add("TRAILER!!!", 0, "", 0);
}

TEST(cpio_entries_and_trailer)
{
	struct cpio_entry e;
	size_t off = 0;

	build();
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), 1);
	CHECK(e.namelen == 3 && !memcmp(e.name, "dir", 3));
	CHECK_EQ(e.mode, 040755);
	CHECK_EQ(e.uid, 1000);
	CHECK_EQ(e.gid, 100);
	CHECK_EQ(e.mtime, 1234567);
	CHECK_EQ(e.size, 0);
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), 1);
	CHECK(e.namelen == 8 && !memcmp(e.name, "dir/file", 8));
	CHECK_EQ(e.size, 5);
	CHECK(!memcmp(e.data, "hello", 5));
	CHECK_EQ(e.devmajor, 8);
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), 1);
	CHECK_EQ(e.mode, 0120777);
	CHECK(!memcmp(e.data, "dir/file", 8));
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), 0); /* the trailer */
}

TEST(cpio_end_without_trailer)
{
	struct cpio_entry e;
	size_t off = 0;

	arc_len = 0;
	add("only", 0100600, "x", 1);
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), 1);
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), 0);
}

TEST(cpio_truncated_and_corrupt)
{
	struct cpio_entry e;
	size_t off;

	build();
	/* Every cut inside the first two entries is refused, never read
	 * past. */
	for (size_t cut = 1; cut < 120 + 12 + 5; cut++) {
		int r = 1;

		off = 0;
		while (r == 1)
			r = cpio_next(arc, cut, &off, &e);
		CHECK(r == -EINVAL_ || r == 0);
		CHECK(off <= cut);
	}
	build();
	memcpy(arc, "070707", 6); /* the old binary-ish magic */
	off = 0;
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), -EINVAL_);
	build();
	arc[6 + 8 * 6] = 'Z'; /* not a hex digit in filesize */
	off = 0;
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), -EINVAL_);
	build();
	/* A file size larger than the archive. */
	memcpy(arc + 6 + 8 * 6, "7FFFFFFF", 8);
	off = 0;
	CHECK_EQ(cpio_next(arc, arc_len, &off, &e), -EINVAL_);
}
