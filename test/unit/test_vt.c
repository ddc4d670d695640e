/* SPDX-License-Identifier: MIT */
/* The terminal core: printing, wrap, motion, erase, colours, scrolling,
 * UTF-8 and malformed input, against Linux's console behaviour. */
#include <stdlib.h>
#include <string.h>

#include "dev/vt.h"
#include "test/unit/unit.h"

#define COLS 10
#define ROWS 5

static struct vt_cell cells[COLS * ROWS];
static struct vt vt;
static int bells, damages;

static void on_damage(struct vt *v, const struct vt_rect *r)
{
	(void)v;
	if (r->x0 < r->x1 && r->x1 <= COLS && r->y0 < r->y1 && r->y1 <= ROWS)
		damages++;
	else
		damages = -1000000; /* out of range: fails the checks below */
}

static void on_bell(struct vt *v)
{
	(void)v;
	bells++;
}

static char replies[64];

static void on_reply(struct vt *v, const char *s, size_t n)
{
	size_t have = strlen(replies);

	(void)v;
	if (have + n < sizeof(replies))
		memcpy(replies + have, s, n);
}

static const struct vt_ops ops = { .damage = on_damage,
				   .bell = on_bell,
				   .reply = on_reply };

static void setup(void)
{
	vt_init(&vt, cells, COLS, ROWS, &ops, NULL);
	bells = damages = 0;
	memset(replies, 0, sizeof(replies));
}

static void put(const char *s)
{
	vt_write(&vt, s, strlen(s));
}

/* Row y as ASCII, '#' for anything else, trailing blanks dropped. */
static const char *row(unsigned y)
{
	static char buf[COLS + 1];
	int end = 0;

	for (unsigned x = 0; x < COLS; x++) {
		uint32_t cp = vt_cell(&vt, x, y)->cp;

		buf[x] = cp >= 0x20 && cp < 0x7f ? (char)cp : '#';
		if (cp != ' ')
			end = x + 1;
	}
	buf[end] = 0;
	return buf;
}

#define CHECK_ROW(y, s) CHECK(strcmp(row(y), s) == 0)
#define CHECK_CUR(cx, cy)               \
	do {                            \
		CHECK_EQ(vt.cur.x, cx); \
		CHECK_EQ(vt.cur.y, cy); \
	} while (0)

TEST(vt_print_cr_lf)
{
	setup();
	put("ab\r\ncd");
	CHECK_ROW(0, "ab");
	CHECK_ROW(1, "cd");
	CHECK_CUR(2, 1);
	CHECK(damages > 0);
}

TEST(vt_deferred_wrap)
{
	setup();
	put("0123456789");
	CHECK_CUR(9, 0); /* Linux keeps the cursor on the last column */
	CHECK(vt.wrap_pending);
	put("\r\n");
	CHECK_CUR(0, 1);
	CHECK_ROW(1, "");
	put("abcdefghijk");
	CHECK_ROW(1, "abcdefghij");
	CHECK_ROW(2, "k");
	CHECK_CUR(1, 2);
	/* Motion cancels the pending wrap. */
	setup();
	put("0123456789\x1b[D"
	    "X");
	CHECK_ROW(0, "01234567X9");
	CHECK_CUR(9, 0);
}

TEST(vt_autowrap_off)
{
	setup();
	put("\x1b[?7l"
	    "0123456789AB");
	CHECK_ROW(0, "012345678B");
	CHECK_ROW(1, "");
	put("\x1b[?7h"
	    "\rxxxxxxxxxxY");
	CHECK_ROW(1, "Y");
}

TEST(vt_cursor_motion)
{
	setup();
	put("\x1b[3;4H");
	CHECK_CUR(3, 2);
	put("\x1b[A");
	CHECK_CUR(3, 1);
	put("\x1b[99A");
	CHECK_CUR(3, 0);
	put("\x1b[2B\x1b[0C");
	CHECK_CUR(4, 2);
	put("\x1b[100C");
	CHECK_CUR(9, 2);
	put("\x1b[3D");
	CHECK_CUR(6, 2);
	put("\x1b[E");
	CHECK_CUR(0, 3);
	put("\x1b[5G\x1b[2F");
	CHECK_CUR(0, 1);
	put("\x1b[7`\x1b[4d");
	CHECK_CUR(6, 3);
	put("\x1b[2;2f");
	CHECK_CUR(1, 1);
	put("\x1b[H");
	CHECK_CUR(0, 0);
	put("\x1b[;5H");
	CHECK_CUR(4, 0);
	put("\x1b[99;99H");
	CHECK_CUR(9, 4);
}

static void fill(void)
{
	put("\x1b[H");
	for (int i = 0; i < COLS * ROWS - 1; i++)
		put("x");
}

TEST(vt_erase_display_and_line)
{
	setup();
	fill();
	put("\x1b[3;5H\x1b[J");
	CHECK_ROW(1, "xxxxxxxxxx");
	CHECK_ROW(2, "xxxx");
	CHECK_ROW(3, "");
	fill();
	put("\x1b[3;5H\x1b[1J");
	CHECK_ROW(1, "");
	CHECK_ROW(2, "     xxxxx");
	CHECK_ROW(3, "xxxxxxxxxx");
	put("\x1b[2J");
	for (int y = 0; y < ROWS; y++)
		CHECK_ROW(y, "");
	CHECK_CUR(4, 2); /* ED does not move the cursor */
	fill();
	put("\x1b[2;4H\x1b[K\x1b[3;4H\x1b[1K\x1b[4;4H\x1b[2K\x1b[5;3H\x1b[4X");
	CHECK_ROW(1, "xxx");
	CHECK_ROW(2, "    xxxxxx");
	CHECK_ROW(3, "");
	CHECK_ROW(4, "xx    xxx");
	put("\x1b[5;9H\x1b[99X");
	CHECK_ROW(4, "xx    xx");
}

static struct vt_cell *at(unsigned x, unsigned y)
{
	return vt_cell(&vt, x, y);
}

TEST(vt_sgr_colours)
{
	setup();
	put("a\x1b[31mb\x1b[1mc\x1b[0;91md\x1b[0;44me\x1b[7mf\x1b[0;4mg"
	    "\x1b[24;2mh\x1b[22;5mi\x1b[25;104mj");
	CHECK_EQ(at(0, 0)->fg, 7); /* grey on black */
	CHECK_EQ(at(0, 0)->bg, 0);
	CHECK_EQ(at(1, 0)->fg, 1);
	CHECK_EQ(at(2, 0)->fg, 9); /* bold brightens */
	CHECK_EQ(at(3, 0)->fg, 9); /* 91 is bold red, as in Linux */
	CHECK(at(3, 0)->attr & VT_ATTR_BOLD);
	CHECK_EQ(at(4, 0)->bg, 4);
	CHECK_EQ(at(5, 0)->fg, 4); /* reverse swaps */
	CHECK_EQ(at(5, 0)->bg, 7);
	CHECK_EQ(at(6, 0)->fg, 6); /* underline: ulcolor, cyan */
	CHECK_EQ(at(7, 0)->fg, 8); /* half-bright: dark grey */
	CHECK_EQ(at(8, 0)->bg, 8); /* blink: bright background */
	CHECK_EQ(at(9, 0)->bg, 4); /* 104: Linux keeps it normal */
	CHECK_EQ(at(9, 0)->fg, 7);
	put("\r\n\x1b[32;45mA\x1b[39mB\x1b[49mC\x1b[1;7;27;22mD\x1b[97mE"
	    "\x1b[0;1;30mF");
	CHECK_EQ(at(0, 1)->fg, 2);
	CHECK_EQ(at(0, 1)->bg, 5);
	CHECK_EQ(at(1, 1)->fg, 7);
	CHECK_EQ(at(2, 1)->bg, 0);
	CHECK_EQ(at(3, 1)->fg, 7);
	CHECK_EQ(at(3, 1)->attr, 0);
	CHECK_EQ(at(4, 1)->fg, 15);
	CHECK_EQ(at(5, 1)->fg, 8);
	/* Erasing uses the current background, not reverse or bold. */
	put("\x1b[0;1;7;33;41m\x1b[2K");
	CHECK_EQ(at(0, 1)->bg, 1);
	CHECK_EQ(at(0, 1)->fg, 3);
	/* 38;5;N is unsupported: none of it may be read as attributes. */
	put("\x1b[0m\x1b[38;5;1mZ");
	CHECK_EQ(at(vt.cur.x - 1, 1)->fg, 7);
	CHECK_EQ(at(vt.cur.x - 1, 1)->attr, 0);
}

TEST(vt_scroll_and_region)
{
	setup();
	put("0\r\n1\r\n2\r\n3\r\n4\r\n5\r\n6");
	CHECK_ROW(0, "2");
	CHECK_ROW(4, "6");
	CHECK_CUR(1, 4);
	/* Rows 2-4 (1-based) scroll; 1 and 5 stay. */
	put("\x1b[2;4r");
	CHECK_CUR(0, 0);
	CHECK_EQ(vt.top, 1);
	CHECK_EQ(vt.bottom, 4);
	put("\x1b[4;1Ha\n\nb");
	CHECK_ROW(0, "2");
	CHECK_ROW(1, "a");
	CHECK_ROW(2, "");
	CHECK_ROW(3, " b");
	CHECK_ROW(4, "6");
	/* ESC M at the top of the region scrolls it down; ESC D, ESC E. */
	put("\x1b[2;1H\x1bM");
	CHECK_ROW(1, "");
	CHECK_ROW(2, "a");
	CHECK_ROW(3, "");
	CHECK_ROW(4, "6");
	put("\x1b[4;3H\x1b"
	    "D");
	CHECK_CUR(2, 3);
	CHECK_ROW(1, "a");
	put("\x1b"
	    "E");
	CHECK_CUR(0, 3);
	CHECK_ROW(1, "");
	/* Below the region, LF stops at the last row without scrolling. */
	put("\x1b[5;1H\n\n");
	CHECK_CUR(0, 4);
	CHECK_ROW(4, "6");
	/* Invalid regions are ignored. */
	put("\x1b[4;2r\x1b[1;9r");
	CHECK_EQ(vt.top, 1);
	CHECK_EQ(vt.bottom, 4);
	put("\x1b[r");
	CHECK_EQ(vt.top, 0);
	CHECK_EQ(vt.bottom, ROWS);
}

TEST(vt_utf8)
{
	setup();
	put("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	CHECK_EQ(at(0, 0)->cp, 0xe9);
	CHECK_EQ(at(1, 0)->cp, 0x20ac);
	CHECK_EQ(at(2, 0)->cp, 0x1f600);
	CHECK_CUR(3, 0);
	setup();
	/* Overlong, stray continuation, truncated + ASCII, surrogate, too
	 * large, invalid byte, C0 in the middle. */
	put("\xc0\xaf|\xe0\x80\xaf|\xe2\x82"
	    "A|\xed\xa0\x80|\xf4\x90\x80\x80|"
	    "\xff|\xc3\r");
	CHECK_EQ(at(0, 0)->cp, 0xfffd);
	CHECK_EQ(at(1, 0)->cp, 0xfffd);
	CHECK_EQ(at(2, 0)->cp, '|');
	CHECK_EQ(at(3, 0)->cp, 0xfffd); /* E0 80 AF: overlong, one U+FFFD */
	CHECK_EQ(at(4, 0)->cp, '|');
	CHECK_EQ(at(5, 0)->cp, 0xfffd);
	CHECK_EQ(at(6, 0)->cp, 'A');
	CHECK_EQ(at(7, 0)->cp, '|');
	CHECK_EQ(at(8, 0)->cp, 0xfffd);
	CHECK_EQ(at(9, 0)->cp, '|');
	CHECK_EQ(at(0, 1)->cp, 0xfffd);
	CHECK_EQ(at(1, 1)->cp, '|');
	CHECK_EQ(at(2, 1)->cp, 0xfffd);
	CHECK_EQ(at(3, 1)->cp, '|');
	CHECK_EQ(at(4, 1)->cp, 0xfffd);
	CHECK_CUR(0, 1); /* the CR still acted */
}

TEST(vt_malformed_sequences)
{
	setup();
	put("\x1b[1:2mA");  /* sub-parameters: dropped */
	put("\x1b[3?HB");   /* misplaced marker */
	put("\x1b[?5;3HC"); /* private CUP: not ours */
	put("\x1b[2 qD");   /* unknown intermediate */
	put("\x1b]0;title\x07"
	    "E");		  /* OSC to BEL */
	put("\x1b]2;t\x1b\\F");	  /* OSC to ST */
	put("\x1bPq#0;2\x1b\\G"); /* DCS */
	put("\x1b[12\x18H");	  /* CAN aborts */
	put("\x1b[5yI");	  /* unknown final */
	put("\x1b(BJ");		  /* charset: ignored */
	CHECK_ROW(0, "ABCDEFGHIJ");
	CHECK_EQ(at(0, 0)->fg, 7);
	setup();
	put("\x1b[99999999999999999999B");
	CHECK_CUR(0, 4);
	/* 2^32 + 1 must saturate, not wrap around to 1. */
	put("\x1b[H\x1b[4294967297B");
	CHECK_CUR(0, 4);
	put("\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20;31m");
	put("x");
	CHECK_EQ(at(0, 4)->cp, 'x');
	put("\x1b[\x80"
	    "A"); /* a high byte ends the sequence */
	CHECK_EQ(at(1, 4)->cp, 'A');
	put("\x1b[2\rJ"); /* a C0 control acts inside CSI */
	CHECK_CUR(0, 4);
	CHECK_ROW(4, "");
}

TEST(vt_save_restore_reset)
{
	setup();
	put("\x1b[2;3H\x1b[31m\x1b"
	    "7\x1b[H\x1b[0mX\x1b"
	    "8Y");
	CHECK_EQ(at(2, 1)->cp, 'Y');
	CHECK_EQ(at(2, 1)->fg, 1);
	CHECK_EQ(at(0, 0)->fg, 7);
	put("\x1b[4;5H\x1b[s\x1b[H\x1b[uZ");
	CHECK_EQ(at(4, 3)->cp, 'Z');
	put("\x1b[?25l\x1b[?7l\x1b[2;3r\x1b[44m\x1b"
	    "c");
	CHECK(vt.cursor_visible);
	CHECK(vt.autowrap);
	CHECK_EQ(vt.bottom, ROWS);
	CHECK_CUR(0, 0);
	for (int y = 0; y < ROWS; y++)
		CHECK_ROW(y, "");
	CHECK_EQ(at(3, 3)->bg, 0);
}

TEST(vt_controls)
{
	setup();
	put("\bab\b\bc\tX\t\t\tY\a\x7f");
	CHECK_ROW(0, "cb      XY");
	CHECK_EQ(bells, 1);
	put("\x0b");
	CHECK_CUR(9, 1);
	put("\x0c\r");
	CHECK_CUR(0, 2);
	put("\x1b[?25l");
	CHECK(!vt.cursor_visible);
	put("\x1b[?25h");
	CHECK(vt.cursor_visible);
}

TEST(vt_fuzz)
{
	static const char alphabet[] = "\x1b[];?0123456789mHJKrABCDsu78cM\r\n"
				       "\t\b\x07\xc3\xa9\xe2\x82\x80\xff\x18P"
				       "\\";
	unsigned seed = 1;

	setup();
	for (int round = 0; round < 20000; round++) {
		char buf[64];
		size_t n = 1 + rand_r(&seed) % sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = rand_r(&seed) % 3 ?
					 alphabet[rand_r(&seed) %
						  (sizeof(alphabet) - 1)] :
					 (char)rand_r(&seed);
		vt_write(&vt, buf, n);
		CHECK(vt.cur.x < COLS && vt.cur.y < ROWS);
		CHECK(vt.top < vt.bottom && vt.bottom <= ROWS);
		CHECK(damages >= 0);
	}
	for (int i = 0; i < COLS * ROWS; i++)
		CHECK(cells[i].cp <= 0x10ffff && cells[i].fg < 16 &&
		      cells[i].bg < 16);
}

/* Insert and delete characters and lines, as vi and top use them. */
TEST(vt_insert_delete)
{
	setup();
	put("abcdef\033[1;3H"); /* cursor on 'c' */
	put("\033[2@");
	CHECK_ROW(0, "ab  cdef");
	CHECK_CUR(2, 0);
	put("\033[3P");
	CHECK_ROW(0, "abdef");
	put("\033[H\033[2J1\r\n2\r\n3\r\n4\r\n5");
	put("\033[2;1H\033[L"); /* insert a line at row 2 */
	CHECK_ROW(0, "1");
	CHECK_ROW(1, "");
	CHECK_ROW(2, "2");
	CHECK_ROW(4, "4");
	put("\033[2M"); /* delete two lines at row 2 */
	CHECK_ROW(1, "3");
	CHECK_ROW(2, "4");
	CHECK_ROW(3, "");
	/* Within a scroll region only the region moves. */
	put("\033[H\033[2JA\r\nB\r\nC\r\nD\r\nE\033[2;4r\033[3;1H\033[L");
	CHECK_ROW(0, "A");
	CHECK_ROW(1, "B");
	CHECK_ROW(2, "");
	CHECK_ROW(3, "C");
	CHECK_ROW(4, "E");
	put("\033[S"); /* scroll the region up */
	CHECK_ROW(1, "");
	CHECK_ROW(2, "C");
	CHECK_ROW(4, "E");
	put("\033[r\033[20P\033[20@"); /* counts beyond the row: clamped */
	CHECK(damages >= 0);
}

TEST(vt_reports)
{
	setup();
	put("\033[3;5H\033[6n");
	CHECK(strcmp(replies, "\033[3;5R") == 0);
	memset(replies, 0, sizeof(replies));
	put("\033[5n\033[c");
	CHECK(strcmp(replies, "\033[0n\033[?6c") == 0);
}

/* ESC ( 0 selects line drawing for G0; SO/SI switch to G1 and back. */
TEST(vt_line_drawing)
{
	setup();
	put("\033(0lqk\033(Bq");
	CHECK_EQ(vt_cell(&vt, 0, 0)->cp, 0x250c);
	CHECK_EQ(vt_cell(&vt, 1, 0)->cp, 0x2500);
	CHECK_EQ(vt_cell(&vt, 2, 0)->cp, 0x2510);
	CHECK_EQ(vt_cell(&vt, 3, 0)->cp, 'q');
	put("\033)0\016x\017x");
	CHECK_EQ(vt_cell(&vt, 4, 0)->cp, 0x2502);
	CHECK_EQ(vt_cell(&vt, 5, 0)->cp, 'x');
	put("\033(0\033cq"); /* RIS goes back to text */
	CHECK_EQ(vt_cell(&vt, 0, 0)->cp, 'q');
}
