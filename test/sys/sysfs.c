/* SPDX-License-Identifier: MIT */
/* /sys as lspci and init systems read it. */
#include "t.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>

static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

TEST(top_level_directories)
{
	static const char *const dirs[] = {
		"/sys/bus/pci/devices", "/sys/class",	  "/sys/block",
		"/sys/devices",		"/sys/fs/cgroup", "/sys/kernel"
	};
	struct statfs sf;
	struct stat st;

	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (stat(dirs[i], &st) || !S_ISDIR(st.st_mode)) {
			printf("    %s is not a directory\n", dirs[i]);
			CHECK(0);
		}
	}
	CHECK_EQ(statfs("/sys/class", &sf), 0);
	CHECK_EQ(sf.f_type, 0x62656572); /* SYSFS_MAGIC */
	CHECK_ERR(stat("/sys/no-such-thing", &st), ENOENT);
}

/* Every PCI function has its ids in Linux's formats. */
TEST(pci_device_attributes)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int n = 0;

	CHECK(d != NULL);
	while ((e = readdir(d))) {
		char path[300], buf[64];
		unsigned dom, bus, dev, fn, v;

		if (e->d_name[0] == '.')
			continue;
		CHECK_EQ(sscanf(e->d_name, "%4x:%2x:%2x.%1x", &dom, &bus, &dev,
				&fn),
			 4);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 e->d_name);
		CHECK_EQ(read_text(path, buf, sizeof(buf)), 7);
		CHECK_EQ(sscanf(buf, "0x%4x\n", &v), 1);
		CHECK(v != 0xffff && v != 0);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class",
			 e->d_name);
		CHECK_EQ(read_text(path, buf, sizeof(buf)), 9);
		CHECK(!strncmp(buf, "0x", 2));
		n++;
	}
	closedir(d);
	CHECK(n > 0);
}
