/* SPDX-License-Identifier: MIT */
/* Self-test of the framebuffer console on the real framebuffer: a flood
 * of lines, read back as screen text, with the time it took. */
#include "dev/dev.h"
#include "dev/fbcon.h"

#define LINES 2000

#define FAIL(...)                         \
	do {                              \
		pr_err("  " __VA_ARGS__); \
		return 1;                 \
	} while (0)

static uint64_t elapsed_us(uint64_t t0)
{
	return (time_ns() - t0) / 1000;
}

static const char sync_line[] = "fbcon self-test: synchronous scroll\r\n";
/* Colours for the screendump test to find (test/harness/suites.py). */
static const char colours[] = "\x1b[1;31mFBCON-RED\x1b[0m "
			      "\x1b[32;44mFBCON-GREEN-ON-BLUE\x1b[0m "
			      "\x1b[7mFBCON-REVERSE\x1b[0m\r\n";

SELFTEST(fbcon)
{
	char buf[256], want[64];
	unsigned cols, rows;
	uint64_t t0, flood_us, sync_us;
	size_t n;

	if (!fbcon_active()) {
		pr_info("  fbcon: no framebuffer; nothing to test\n");
		return 0;
	}
	fbcon_size(&cols, &rows);
	t0 = time_ns();
	for (int i = 0; i < LINES; i++) {
		n = (size_t)ksnprintf(buf, sizeof(buf),
				      "fbcon self-test line %d of %d\n", i,
				      LINES);
		fbcon_write(buf, n - 1);
		fbcon_write("\r\n", 2);
	}
	fbcon_sync();
	flood_us = elapsed_us(t0);

	/* The last rows hold the last lines, the cursor row is empty. */
	for (unsigned k = 1; k < rows && k <= 20; k++) {
		ksnprintf(want, sizeof(want), "fbcon self-test line %u of %d",
			  LINES - k, LINES);
		fbcon_row_text(rows - 1 - k, buf, sizeof(buf));
		if (strcmp(buf, want) != 0)
			FAIL("row %u is '%s', expected '%s'\n", rows - 1 - k,
			     buf, want);
	}
	if (fbcon_row_text(rows - 1, buf, sizeof(buf)) != 0)
		FAIL("the cursor row is '%s', expected empty\n", buf);

	/* The worst case the deferral avoids: a full redraw per line. */
	t0 = time_ns();
	for (int i = 0; i < 50; i++) {
		fbcon_write(sync_line, strlen(sync_line));
		fbcon_sync();
	}
	sync_us = elapsed_us(t0);

	fbcon_write(colours, strlen(colours));
	fbcon_sync();
	pr_info("  fbcon: %ux%u cells; %d lines in %llu ms (%llu us/line); "
		"a synchronous scroll takes %llu us\n",
		cols, rows, LINES, (unsigned long long)(flood_us / 1000),
		(unsigned long long)(flood_us / LINES),
		(unsigned long long)(sync_us / 50));
	return 0;
}
