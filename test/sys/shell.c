/* SPDX-License-Identifier: MIT */
/*
 * BusyBox as a user drives it: scripts through its sh with its applets.
 * Each case makes a directory of applet links (busybox --install -s) and
 * puts only that on PATH, so on the host the same BusyBox runs, not the
 * host's own tools.
 */
#include "t.h"

#include <sys/stat.h>

static char bindir[64];

static void setup(void)
{
	char cmd[128];

	mkdir("/tmp", 01777);
	strcpy(bindir, "/tmp/bb.XXXXXX");
	CHECK(mkdtemp(bindir) != NULL);
	snprintf(cmd, sizeof(cmd), "/bin/busybox --install -s %s", bindir);
	CHECK_EQ(system(cmd), 0);
	CHECK_EQ(setenv("PATH", bindir, 1), 0);
	CHECK_EQ(chdir(bindir), 0);
}

/* Runs script with sh -c; its stdout must be exactly want. */
static void expect(const char *script, const char *want)
{
	static char out[8192];
	size_t n = 0, got;
	FILE *f;
	int status;
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "/bin/busybox sh -c '%s' 2>&1", script);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	while ((got = fread(out + n, 1, sizeof(out) - 1 - n, f)) > 0)
		n += got;
	out[n] = 0;
	status = pclose(f);
	if (strcmp(out, want)) {
		printf("    script: %s\n    got:  \"%s\"\n    want: \"%s\"\n",
		       script, out, want);
		CHECK(!"output differs");
	}
	CHECK(WIFEXITED(status));
}

TEST(pipelines_sed_awk)
{
	setup();
	expect("echo hello world | sed s/h/j/ | awk \"{print \\$2, \\$1}\"",
	       "world jello\n");
	expect("printf \"b\\na\\nc\\na\\n\" | sort | uniq -c | "
	       "awk \"{print \\$1 \\$2}\"",
	       "2a\n1b\n1c\n");
	expect("seq 1 100 | awk \"{s += \\$1} END {print s}\"", "5050\n");
	expect("echo abc | tr a-z A-Z | rev", "CBA\n");
	expect("x=$(echo one two | wc -w); echo $((x * 21))", "42\n");
}

TEST(files_find_grep)
{
	setup();
	expect("mkdir -p t/a/b && touch t/a/x.c t/a/b/y.c t/z.h && "
	       "find t -name \"*.c\" | sort",
	       "t/a/b/y.c\nt/a/x.c\n");
	expect("echo foo > t/f && echo bar >> t/f && grep -n bar t/f", "2:"
								       "bar\n");
	expect("cp -r t u && rm -r t && ls u/a | sort", "b\nx.c\n");
	expect("ln -s u/f l && cat l && readlink l", "foo\nbar\nu/f\n");
	expect("mv u/f u/g && ls u | sort | tr \"\\n\" \" \"", "a g z.h ");
	expect("echo data > d && tar cf x.tar d && rm d && tar xf x.tar && "
	       "cat d",
	       "data\n");
	expect("head -c 100000 /dev/zero | gzip | gunzip | wc -c", "100000\n");
	expect("stat -c %s:%F d", "5:regular file\n");
}

TEST(background_jobs)
{
	setup();
	/* Whether ash reports "Terminated" depends on timing (on Linux
	 * too): its stderr is left out. */
	expect("exec 2>/dev/null; sleep 10 & p=$!; kill $p; wait $p; echo $?",
	       "143\n");
	expect("(sleep 0.1; echo late) & echo early; wait", "early\nlate\n");
	expect("exec 2>/dev/null; sleep 5 & kill -STOP $!; kill -CONT $!; "
	       "kill -9 $!; wait $!; echo $?",
	       "137\n");
	expect("trap \"echo got USR1\" USR1; kill -USR1 $$; echo after", "got "
									 "USR1"
									 "\naft"
									 "er"
									 "\n");
	expect("false || echo alt; true && echo yes", "alt\nyes\n");
	expect("f() { return 3; }; f; echo $?", "3\n");
}

TEST(ps_and_proc)
{
	setup();
	expect("sleep 3 & sleep 0.2; ps -o pid,comm | grep -c \"^ *$! sleep\"",
	       "1\n");
	expect("sleep 3 & p=$!; kill $p; wait; ps -o pid | grep -c \"^ *$p$\"",
	       "0\n");
	expect("cat /proc/$$/comm; true", "busybox\n");
	expect("echo $$ > p; read q < p; test $q = $$ && echo same", "same\n");
}

TEST(shell_io_redirection)
{
	setup();
	expect("exec 3> f; echo to3 >&3; exec 3>&-; cat f", "to3\n");
	expect("cat < /dev/null | wc -l", "0\n");
	expect("echo err 1>&2 2>/dev/null", "err\n");
	expect("{ echo a; echo b; } | tail -n 1", "b\n");
	expect("while read l; do echo \"<$l>\"; done <<E\nx\ny\nE\n", "<x>\n<y>"
								      "\n");
}
