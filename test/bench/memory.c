/* SPDX-License-Identifier: MIT */
/* Memory: the cost of a page fault on fresh anonymous memory, and tmpfs
 * file write then read throughput. */
#include "bench.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	static char buf[65536];
	long pages = 8192, size = 32L << 20;
	double t;
	char *p;
	int fd;

	p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	t = bench_now_us();
	for (long i = 0; i < pages; i++)
		p[i * 4096] = 1;
	bench_report("page_fault", (bench_now_us() - t) / pages, "us");
	munmap(p, pages * 4096);

	fd = open("/tmp/bench-data", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	memset(buf, 'x', sizeof(buf));
	t = bench_now_us();
	for (long done = 0; done < size; done += sizeof(buf))
		write(fd, buf, sizeof(buf));
	bench_report("tmpfs_write", size / (bench_now_us() - t), "MB/s");
	lseek(fd, 0, SEEK_SET);
	t = bench_now_us();
	for (long done = 0; done < size; done += sizeof(buf))
		read(fd, buf, sizeof(buf));
	bench_report("tmpfs_read", size / (bench_now_us() - t), "MB/s");
	close(fd);
	unlink("/tmp/bench-data");
	return 0;
}
