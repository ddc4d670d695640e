/* SPDX-License-Identifier: MIT */
/* Runs every registered host unit test; each reports "unit NAME: PASS|FAIL". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/unit/unit.h"

#define MAX_TESTS 512

static struct {
	const char *name;
	void (*fn)(void);
} tests[MAX_TESTS];
static int ntests;
static bool current_failed;

void unit_register(const char *name, void (*fn)(void))
{
	if (ntests < MAX_TESTS)
		tests[ntests++] = (typeof(tests[0])){ name, fn };
}

void unit_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
	current_failed = true;
}

/* The kernel code under test calls these. */
char *mm_host_phys_base;

char *unit_phys_arena(uint64_t npages)
{
	free(mm_host_phys_base);
	mm_host_phys_base = aligned_alloc(4096, npages * 4096);
	memset(mm_host_phys_base, 0, npages * 4096);
	return mm_host_phys_base;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (fmt[0] == '\001' && fmt[1])
		fmt += 2;
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "  kernel panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		current_failed = false;
		tests[i].fn();
		printf("unit %s: %s\n", tests[i].name,
		       current_failed ? "FAIL" : "PASS");
		fflush(stdout);
		if (current_failed)
			failed++;
		else
			passed++;
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
