/* SPDX-License-Identifier: MIT */
/* The line discipline: editing, echo, signals, modes, output flags. */
#include <string.h>

#include "dev/n_tty.h"
#include "test/unit/unit.h"

static char out[16384];
static size_t out_len;
static int sigs[8], nsigs;
static int flow_changes;
static bool flow_stopped;

static void cap_output(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (out_len + n >= sizeof(out))
		out_len = 0; /* long random runs: keep only recent output */
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = 0;
}

static void cap_signal(void *ctx, int sig)
{
	(void)ctx;
	if (nsigs < 8)
		sigs[nsigs] = sig;
	nsigs++;
}

static void cap_flow(void *ctx, bool stopped)
{
	(void)ctx;
	flow_changes++;
	flow_stopped = stopped;
}

static const struct n_tty_ops ops = { cap_output, cap_signal, cap_flow };
static struct linux_termios tio;
static struct n_tty n;

static void setup(void)
{
	n_tty_std_termios(&tio);
	n_tty_init(&n, &tio, &ops, NULL);
	out_len = 0;
	out[0] = 0;
	nsigs = 0;
	flow_changes = 0;
}

static void type(const char *s)
{
	while (*s)
		n_tty_receive(&n, (unsigned char)*s++);
}

static const char *readall(void)
{
	static char buf[512];
	size_t k = n_tty_read(&n, buf, sizeof(buf) - 1);

	buf[k] = 0;
	return buf;
}

TEST(ntty_canonical_lines_and_echo)
{
	setup();
	type("ls");
	CHECK_EQ(n_tty_readable(&n), 0);
	CHECK(!strcmp(out, "ls"));
	type("\r"); /* ICRNL */
	CHECK(!strcmp(out, "ls\r\n")); /* ONLCR on the echoed newline */
	CHECK(!strcmp(readall(), "ls\n"));
	CHECK_EQ(n_tty_readable(&n), 0);
}

TEST(ntty_one_line_per_read)
{
	setup();
	type("a\nbc\n");
	CHECK(!strcmp(readall(), "a\n"));
	CHECK(!strcmp(readall(), "bc\n"));
}

TEST(ntty_partial_reads_keep_the_rest)
{
	char b[3];

	setup();
	type("hello\n");
	CHECK_EQ(n_tty_read(&n, b, 2), 2);
	CHECK(!memcmp(b, "he", 2));
	CHECK(!strcmp(readall(), "llo\n"));
}

TEST(ntty_erase_and_echoe)
{
	setup();
	type("abx\177c\n");
	CHECK(!strcmp(readall(), "abc\n"));
	CHECK(!strcmp(out, "abx\b \bc\r\n"));
	/* Erasing past the start of the line does nothing. */
	setup();
	type("\177\177q\n");
	CHECK(!strcmp(readall(), "q\n"));
}

TEST(ntty_erase_control_char_shown_as_caret)
{
	setup();
	type("a\001\177\n");
	CHECK(!strcmp(readall(), "a\n"));
	CHECK(!strcmp(out, "a^A\b \b\b \b\r\n"));
}

TEST(ntty_erase_tab_moves_back_to_its_start)
{
	setup();
	type("ab\t\177x\n");
	CHECK(!strcmp(readall(), "abx\n"));
	CHECK(!strcmp(out, "ab\t\b\b\b\b\b\bx\r\n"));
}

TEST(ntty_kill_and_word_erase)
{
	setup();
	type("some text\025new\n"); /* ^U kills the line */
	CHECK(!strcmp(readall(), "new\n"));
	setup();
	type("one two  \027three\n"); /* ^W erases "two  " */
	CHECK(!strcmp(readall(), "one three\n"));
}

TEST(ntty_kill_without_echoke_echoes_and_newlines)
{
	setup();
	tio.c_lflag &= ~ECHOKE;
	type("abc\025");
	CHECK(!strcmp(out, "abc^U\r\n"));
	type("d\n");
	CHECK(!strcmp(readall(), "d\n"));
}

TEST(ntty_eof_ends_line_or_reads_zero)
{
	setup();
	type("abc\004");
	CHECK(!strcmp(readall(), "abc"));
	CHECK_EQ(n_tty_readable(&n), 1); /* the marker itself */
	CHECK(!strcmp(readall(), ""));
	CHECK_EQ(n_tty_readable(&n), 0);
	type("\004");
	CHECK_EQ(n_tty_readable(&n), 1);
	CHECK(!strcmp(readall(), "")); /* EOF: a read of 0 */
	CHECK(strstr(out, "^D") == NULL); /* EOF is not echoed */
}

TEST(ntty_signal_characters)
{
	setup();
	type("junk\003");
	CHECK_EQ(nsigs, 1);
	CHECK_EQ(sigs[0], SIGINT);
	CHECK(!strcmp(out, "junk^C"));
	type("\n");
	CHECK(!strcmp(readall(), "\n")); /* "junk" was flushed */
	type("\034\032");
	CHECK_EQ(sigs[1], SIGQUIT);
	CHECK_EQ(sigs[2], SIGTSTP);
	setup();
	tio.c_lflag &= ~ISIG;
	type("\003\n");
	CHECK_EQ(nsigs, 0);
	CHECK(!strcmp(readall(), "\003\n"));
}

TEST(ntty_noflsh_keeps_input)
{
	setup();
	tio.c_lflag |= NOFLSH;
	type("keep\003\n");
	CHECK(!strcmp(readall(), "keep\n"));
}

TEST(ntty_literal_next)
{
	setup();
	type("\026\003\026\177\n");
	CHECK_EQ(nsigs, 0);
	CHECK(!strcmp(readall(), "\003\177\n"));
}

TEST(ntty_raw_mode_delivers_each_byte)
{
	struct linux_termios old = tio;

	setup();
	old = tio;
	tio.c_lflag &= ~(ICANON | ECHO);
	n_tty_termios_changed(&n, &old);
	type("x\177\025");
	CHECK_EQ(n_tty_readable(&n), 3);
	CHECK(!strcmp(readall(), "x\177\025"));
	CHECK_EQ(out_len, 0);
}

TEST(ntty_switching_to_canonical_makes_pending_input_a_line)
{
	struct linux_termios old;

	setup();
	old = tio;
	tio.c_lflag &= ~ICANON;
	n_tty_termios_changed(&n, &old);
	type("ab");
	old = tio;
	tio.c_lflag |= ICANON;
	n_tty_termios_changed(&n, &old);
	CHECK_EQ(n_tty_readable(&n), 2);
	CHECK(!strcmp(readall(), "ab"));
	type("cd\n");
	CHECK(!strcmp(readall(), "cd\n"));
}

TEST(ntty_cr_nl_mapping)
{
	setup();
	tio.c_iflag = IGNCR;
	type("a\rb\n");
	CHECK(!strcmp(readall(), "ab\n"));
	setup();
	tio.c_iflag = INLCR;
	tio.c_lflag &= ~ICANON;
	type("\n");
	CHECK(!strcmp(readall(), "\r"));
	setup();
	tio.c_iflag = 0;
	tio.c_lflag &= ~ICANON;
	type("\r");
	CHECK(!strcmp(readall(), "\r"));
}

TEST(ntty_flow_control)
{
	setup();
	type("\023");
	CHECK(n.stopped && flow_stopped && flow_changes == 1);
	type("a"); /* without IXANY, ordinary input does not restart */
	CHECK(n.stopped);
	type("\021");
	CHECK(!n.stopped && !flow_stopped);
	tio.c_iflag |= IXANY;
	type("\023b");
	CHECK(!n.stopped);
	type("\n");
	CHECK(!strcmp(readall(), "ab\n"));
}

TEST(ntty_output_processing)
{
	setup();
	n_tty_write(&n, "a\nb", 3);
	CHECK(!strcmp(out, "a\r\nb"));
	setup();
	tio.c_oflag = OPOST | ONLCR | XTABS;
	n_tty_write(&n, "ab\tc", 4);
	CHECK(!strcmp(out, "ab      c"));
	setup();
	tio.c_oflag = OPOST | OCRNL;
	n_tty_write(&n, "x\r", 2);
	CHECK(!strcmp(out, "x\n"));
	setup();
	tio.c_oflag = OPOST | ONOCR;
	n_tty_write(&n, "\rx\r", 3);
	CHECK(!strcmp(out, "x\r"));
	setup();
	tio.c_oflag = 0;
	n_tty_write(&n, "a\nb", 3);
	CHECK(!strcmp(out, "a\nb"));
}

TEST(ntty_echonl_without_echo)
{
	setup();
	tio.c_lflag &= ~ECHO;
	tio.c_lflag |= ECHONL;
	type("secret\n");
	CHECK(!strcmp(out, "\r\n"));
	CHECK(!strcmp(readall(), "secret\n"));
}

TEST(ntty_full_buffer_keeps_room_for_newline)
{
	setup();
	tio.c_lflag &= ~ECHO;
	for (int i = 0; i < N_TTY_BUF + 100; i++)
		n_tty_receive(&n, 'x');
	CHECK_EQ(n_tty_readable(&n), 0);
	type("\n");
	CHECK(n_tty_readable(&n) == N_TTY_BUF);
}

TEST(ntty_random_input_keeps_invariants)
{
	uint64_t seed = 3;
	char buf[64];

	setup();
	for (int i = 0; i < 200000; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		unsigned char c = (unsigned char)(seed >> 56);
		if ((seed >> 20) % 97 == 0) {
			struct linux_termios old = tio;
			tio.c_lflag ^= (seed >> 30) & (ICANON | ECHO | ISIG);
			n_tty_termios_changed(&n, &old);
		}
		n_tty_receive(&n, c);
		if ((seed >> 40) % 7 == 0)
			n_tty_read(&n, buf, (seed >> 10) % sizeof(buf));
		CHECK(n.tail <= n.canon_head && n.canon_head <= n.head);
		CHECK(n.head - n.tail <= N_TTY_BUF);
		if (out_len > 3000)
			out_len = 0;
	}
}
