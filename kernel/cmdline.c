/* SPDX-License-Identifier: MIT */
/* The kernel command line, split once into key=value words. */
#include "kernel/kernel.h"

#define MAX_WORDS 64

static char buf[BOOT_CMDLINE_MAX];
static struct {
	const char *key;
	const char *value; /* "" for a bare word */
} words[MAX_WORDS];
static unsigned nwords;
static bool parsed;

/* Splits at spaces; double quotes group spaces into a word, as in Linux's
 * next_arg() (lib/cmdline.c). */
static void parse(void)
{
	char *p = buf;

	strlcpy(buf, boot_info.cmdline, sizeof(buf));
	while (*p && nwords < MAX_WORDS) {
		char *w, *out, *eq = NULL;
		bool quoted = false;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w = out = p;
		for (; *p && (quoted || *p != ' '); p++) {
			if (*p == '"') {
				quoted = !quoted;
				continue;
			}
			if (*p == '=' && !eq)
				eq = out;
			*out++ = *p;
		}
		if (*p)
			p++;
		*out = '\0';
		if (eq)
			*eq = '\0';
		words[nwords].key = w;
		words[nwords].value = eq ? eq + 1 : "";
		nwords++;
	}
	parsed = true;
}

const char *cmdline_get(const char *key)
{
	if (!parsed)
		parse();
	for (unsigned i = nwords; i-- > 0;)
		if (!strcmp(words[i].key, key))
			return words[i].value;
	return NULL;
}

uint64_t cmdline_get_u64(const char *key, uint64_t def)
{
	const char *v = cmdline_get(key);
	uint64_t n;

	if (!v || kstrtou64(v, &n))
		return def;
	return n;
}
