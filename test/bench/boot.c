/* SPDX-License-Identifier: MIT */
/* How long after kernel entry user space began: CLOCK_BOOTTIME counts from
 * the kernel's start on both Strix and Linux. The runner (init) stamps
 * its start in /tmp/init-start-us, read here. */
#include "bench.h"

#include <stdlib.h>

int main(void)
{
	FILE *f = fopen("/tmp/init-start-us", "r");
	double us;

	if (!f || fscanf(f, "%lf", &us) != 1)
		return 1;
	bench_report("kernel_to_init", us / 1000, "ms");
	return 0;
}
