/* SPDX-License-Identifier: MIT */
/* Pseudo-terminals: /dev/ptmx, devpts, the line discipline through a
 * pty, controlling terminals, SIGWINCH and hang-ups. */
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>

/* A new pair: master fd returned, slave opened into *slave. */
static int open_pair(int *slave, char *name, size_t size)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	CHECK(m >= 0);
	CHECK_EQ(grantpt(m), 0);
	CHECK_EQ(unlockpt(m), 0);
	CHECK_EQ(ptsname_r(m, name, size), 0);
	*slave = open(name, O_RDWR | O_NOCTTY);
	CHECK(*slave >= 0);
	return m;
}

/* Reads from fd until want has arrived or a second passes. */
static void expect_read(int fd, const char *want)
{
	char buf[256];
	size_t n = 0, len = strlen(want);
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	while (n < len && poll(&pf, 1, 1000) == 1) {
		long r = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (r <= 0)
			break;
		n += r;
	}
	buf[n] = 0;
	if (n != len || memcmp(buf, want, len)) {
		printf("    read \"%s\" (%zu bytes), want %zu bytes\n", buf, n,
		       len);
		CHECK(!"unexpected pty data");
	}
}

TEST(pair_and_canonical_io)
{
	char name[64], buf[64];
	int s, m = open_pair(&s, name, sizeof(name));
	int n = -1;

	CHECK(!strncmp(name, "/dev/pts/", 9));
	CHECK_EQ(ioctl(m, TIOCGPTN, &n), 0);
	CHECK_EQ(atoi(name + 9), n);
	CHECK(isatty(s) && isatty(m));
	CHECK_EQ(write(m, "hello\n", 6), 6);
	expect_read(m, "hello\r\n"); /* the echo, with ONLCR */
	CHECK_EQ(read(s, buf, sizeof(buf)), 6);
	CHECK(!memcmp(buf, "hello\n", 6));
	CHECK_EQ(write(s, "out\n", 4), 4);
	expect_read(m, "out\r\n");
	/* Erase and kill characters edit the line before the reader. */
	CHECK_EQ(write(m, "abX\177c\025xyz\n", 10), 10);
	CHECK_EQ(read(s, buf, sizeof(buf)), 4);
	CHECK(!memcmp(buf, "xyz\n", 4));
}

TEST(locked_until_unlockpt)
{
	char name[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY), lock = 0;

	CHECK(m >= 0);
	CHECK_EQ(ptsname_r(m, name, sizeof(name)), 0);
	CHECK_EQ(ioctl(m, TIOCGPTLCK, &lock), 0);
	CHECK_EQ(lock, 1);
	CHECK_ERR(open(name, O_RDWR | O_NOCTTY), EIO);
	CHECK_EQ(unlockpt(m), 0);
	CHECK(open(name, O_RDWR | O_NOCTTY) >= 0);
	close(m);
	CHECK_ERR(open(name, O_RDWR | O_NOCTTY), ENOENT);
}

TEST(devpts_nodes)
{
	char name[64], want[64];
	struct stat st;
	int s, m = open_pair(&s, name, sizeof(name)), found = 0;
	struct dirent *e;
	DIR *d;

	CHECK_EQ(stat(name, &st), 0);
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 136);
	CHECK_EQ(st.st_uid, getuid());
	CHECK_EQ(fstat(s, &st), 0);
	CHECK_EQ(major(st.st_rdev), 136);
	d = opendir("/dev/pts");
	CHECK(d != NULL);
	snprintf(want, sizeof(want), "%s", name + 9);
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, want))
			found = 1;
	closedir(d);
	CHECK(found);
	(void)m;
}

TEST(raw_mode)
{
	char name[64], buf[8];
	struct termios t;
	int s, m = open_pair(&s, name, sizeof(name));
	struct pollfd pf = { .fd = m, .events = POLLIN };

	CHECK_EQ(tcgetattr(s, &t), 0);
	cfmakeraw(&t);
	CHECK_EQ(tcsetattr(s, TCSANOW, &t), 0);
	CHECK_EQ(write(m, "q", 1), 1);
	CHECK_EQ(read(s, buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'q');
	CHECK_EQ(poll(&pf, 1, 50), 0); /* no echo */
	CHECK_EQ(write(s, "a\nb", 3), 3);
	expect_read(m, "a\nb"); /* no output processing */
	/* The master sees the same termios. */
	CHECK_EQ(tcgetattr(m, &t), 0);
	CHECK(!(t.c_lflag & ICANON));
}

TEST(nonblocking_master)
{
	char name[64], buf[8];
	int s, m = open_pair(&s, name, sizeof(name));
	int n = -1;

	CHECK_EQ(fcntl(m, F_SETFL, O_NONBLOCK), 0);
	CHECK_ERR(read(m, buf, sizeof(buf)), EAGAIN);
	CHECK_EQ(write(s, "xy", 2), 2);
	/* Linux hands slave output to the master from a work queue: wait
	 * until it is there. */
	{
		struct pollfd pf = { .fd = m, .events = POLLIN };

		CHECK_EQ(poll(&pf, 1, 1000), 1);
	}
	CHECK_EQ(ioctl(m, FIONREAD, &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(read(m, buf, sizeof(buf)), 2);
}

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	(void)sig;
	winch = 1;
}

/* A session leader takes the slave as its controlling terminal; ^C from
 * the master interrupts it and a resize sends SIGWINCH. */
TEST(controlling_terminal_signals)
{
	char name[64];
	int s, m = open_pair(&s, name, sizeof(name)), status, p[2];
	struct winsize ws = { .ws_row = 33, .ws_col = 99 };
	char c;
	pid_t pid;

	CHECK_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		struct winsize got;
		int fd;

		sigset_t block, old;

		alarm(10); /* never outlive the case */
		setsid();
		fd = open(name, O_RDWR); /* becomes the controlling tty */
		signal(SIGWINCH, on_winch);
		/* Blocked until sigsuspend: no lost wake-up between the
		 * check and the wait. */
		sigemptyset(&block);
		sigaddset(&block, SIGWINCH);
		sigprocmask(SIG_BLOCK, &block, &old);
		if (fd < 0 || tcgetpgrp(fd) != getpid())
			_exit(2);
		write(p[1], "r", 1);
		while (!winch)
			sigsuspend(&old);
		if (ioctl(fd, TIOCGWINSZ, &got) || got.ws_row != 33 ||
		    got.ws_col != 99)
			_exit(3);
		write(p[1], "w", 1);
		for (;;)
			pause(); /* until ^C */
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(ioctl(m, TIOCSWINSZ, &ws), 0);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'w');
	CHECK_EQ(write(m, "\003", 1), 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), SIGINT);
}

TEST(hangups)
{
	char name[64], buf[8];
	int s, m = open_pair(&s, name, sizeof(name));
	struct pollfd pf = { .fd = m, .events = POLLIN };

	/* The last slave close: the master's reads fail with EIO. */
	CHECK_EQ(close(s), 0);
	CHECK_EQ(poll(&pf, 1, 0), 1);
	CHECK(pf.revents & POLLHUP);
	CHECK_ERR(read(m, buf, sizeof(buf)), EIO);
	/* The master's close: the slave reads end of file, writes EIO. */
	s = open(name, O_RDWR | O_NOCTTY);
	CHECK(s >= 0);
	CHECK_EQ(close(m), 0);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
	CHECK_ERR(write(s, "x", 1), EIO);
}

/* BusyBox sh on a pty, driven as a person would. */
TEST(shell_on_pty)
{
	char name[64];
	int s, m = open_pair(&s, name, sizeof(name)), status;
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		close(m);
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		execl("/bin/busybox", "sh", (char *)NULL);
		_exit(127);
	}
	close(s);
	CHECK_EQ(write(m, "PS1=; echo $((6*7))\n", 20), 20);
	{
		char buf[512];
		size_t n = 0;
		struct pollfd pf = { .fd = m, .events = POLLIN };

		while (!memmem(buf, n, "42\r\n", 4) && n < sizeof(buf) - 1 &&
		       poll(&pf, 1, 2000) == 1) {
			long r = read(m, buf + n, sizeof(buf) - 1 - n);

			if (r <= 0)
				break;
			n += r;
		}
		CHECK(memmem(buf, n, "42\r\n", 4) != NULL);
	}
	CHECK_EQ(write(m, "exit 5\n", 7), 7);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 5);
}

/* A session on the slave: a background group that reads gets SIGTTIN, one
 * that writes with TOSTOP gets SIGTTOU; ^Z stops the foreground group and
 * wait reports it; ^D ends a read. */
TEST(job_control_on_pty)
{
	char name[64];
	int s, m = open_pair(&s, name, sizeof(name)), p[2], status;
	pid_t leader;
	char c;

	CHECK_EQ(pipe(p), 0);
	leader = fork();
	if (leader == 0) {
		pid_t bg, fg;
		int fd, st;
		struct termios t;

		alarm(10);
		setsid();
		fd = open(name, O_RDWR);
		if (fd < 0)
			_exit(2);
		/* A background group reading: SIGTTIN stops it. */
		bg = fork();
		if (bg == 0) {
			setpgid(0, 0);
			read(fd, &c, 1);
			_exit(0);
		}
		setpgid(bg, bg);
		if (waitpid(bg, &st, WUNTRACED) != bg || !WIFSTOPPED(st) ||
		    WSTOPSIG(st) != SIGTTIN)
			_exit(3);
		kill(bg, SIGKILL);
		waitpid(bg, &st, 0);
		/* TOSTOP: a background write stops with SIGTTOU. */
		tcgetattr(fd, &t);
		t.c_lflag |= TOSTOP;
		tcsetattr(fd, TCSANOW, &t);
		bg = fork();
		if (bg == 0) {
			setpgid(0, 0);
			write(fd, "x", 1);
			_exit(0);
		}
		setpgid(bg, bg);
		if (waitpid(bg, &st, WUNTRACED) != bg || !WIFSTOPPED(st) ||
		    WSTOPSIG(st) != SIGTTOU)
			_exit(4);
		kill(bg, SIGKILL);
		waitpid(bg, &st, 0);
		/* A foreground child: ^Z from the master stops it. */
		fg = fork();
		if (fg == 0) {
			setpgid(0, 0);
			while (tcgetpgrp(fd) != getpid())
				usleep(1000); /* the leader gives it the tty */
			write(p[1], "f", 1);
			for (;;)
				pause();
		}
		setpgid(fg, fg);
		tcsetpgrp(fd, fg);
		if (waitpid(fg, &st, WUNTRACED) != fg || !WIFSTOPPED(st) ||
		    WSTOPSIG(st) != SIGTSTP)
			_exit(5);
		/* Taking the terminal back from the background: SIGTTOU
		 * must be ignored for that, as shells do. */
		signal(SIGTTOU, SIG_IGN);
		tcsetpgrp(fd, getpgrp());
		kill(fg, SIGKILL);
		waitpid(fg, &st, 0);
		/* ^D at the start of a line: read returns 0. */
		write(p[1], "d", 1);
		_exit(read(fd, &c, 1) == 0 ? 0 : 6);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		waitpid(leader, &status, 0);
		printf("    the session leader ended early: status %#x\n",
		       status);
		CHECK(0);
	}
	CHECK_EQ(c, 'f');
	usleep(100000);
	CHECK_EQ(write(m, "\032", 1), 1); /* ^Z */
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'd');
	usleep(100000);
	CHECK_EQ(write(m, "\004", 1), 1); /* ^D */
	CHECK_EQ(waitpid(leader, &status, 0), leader);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

/* ECHOCTL shows control characters as ^X; ISIG ones still signal. */
TEST(echoctl)
{
	char name[64];
	int s, m = open_pair(&s, name, sizeof(name));

	CHECK_EQ(write(m, "a\001b\n", 4), 4);
	expect_read(m, "a^Ab\r\n");
	(void)s;
}

/* epoll watches both ends: the master sees slave output, the slave sees a
 * completed input line. */
TEST(epoll_on_pty)
{
	char name[64], buf[16];
	int s, m = open_pair(&s, name, sizeof(name)), ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, out;

	ev.data.fd = m;
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev), 0);
	ev.data.fd = s;
	CHECK_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev), 0);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
	CHECK_EQ(write(s, "out", 3), 3);
	CHECK_EQ(epoll_wait(ep, &out, 1, 1000), 1);
	CHECK_EQ(out.data.fd, m);
	CHECK_EQ(read(m, buf, sizeof(buf)), 3);
	/* A partial line is not readable in canonical mode; its echo is. */
	CHECK_EQ(write(m, "ab", 2), 2);
	expect_read(m, "ab");
	CHECK_EQ(epoll_wait(ep, &out, 1, 100), 0);
	CHECK_EQ(write(m, "\n", 1), 1);
	expect_read(m, "\r\n");
	CHECK_EQ(epoll_wait(ep, &out, 1, 1000), 1);
	CHECK_EQ(out.data.fd, s);
}
