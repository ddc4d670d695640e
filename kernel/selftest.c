/* SPDX-License-Identifier: MIT */
/* Running the kernel's self-tests (SELFTEST() in kernel.h). */
#include "kernel/kernel.h"

extern const struct selftest __selftests_start[], __selftests_end[];

/* Is name in the comma-separated list? */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(list, "all"))
		return true;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (comma ? 1 : 0);
	}
	return false;
}

int selftest_run_all(const char *which)
{
	int failed = 0, ran = 0;

	for (const struct selftest *t = __selftests_start; t < __selftests_end;
	     t++) {
		int r;

		if (!listed(which, t->name))
			continue;
		pr_info("selftest %s: running\n", t->name);
		r = t->run();
		pr_info("selftest %s: %s\n", t->name, r ? "FAIL" : "PASS");
		failed += r != 0;
		ran++;
	}
	pr_info("selftests: %d run, %d failed\n", ran, failed);
	return failed;
}
