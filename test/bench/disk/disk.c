/* SPDX-License-Identifier: MIT */
/*
 * The disk benchmark: on the ext2 file system of the extra AHCI disk
 * bench.py attaches, sequential write (write(2) in 1 MiB chunks + fsync),
 * sequential read after umount + mount (cold caches), and creating,
 * stat-ing and unlinking many small files. Runs unchanged on Strix and on
 * Linux; on Linux it first loads the AHCI/SCSI/ext4 modules the Linux-only
 * initrd carries in /lib/modules/bench (listed in dependency order).
 *
 * QEMU's icount does not model the disk: while the guest waits for it,
 * sleep=off moves virtual time on to the guest's next timer, and how many
 * such waits a transfer takes depends on how fast the host completes the
 * I/O. So the throughputs vary between runs, and so do the small-file
 * figures when a write-back falls into them: each is the best of ROUNDS.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../bench.h"

#define MOD_DIR "/lib/modules/bench"
#define MNT "/mnt"
#define CHUNK (1 << 20)
#define FILE_MB 32
#define ROUNDS 3
#define NFILES 1000
#define SMALL_SIZE 100
#define EXT2_MAGIC 0xEF53

/* Loads the modules MOD_DIR/order names, one file a line, in order. No
 * such file (Strix, whose drivers are built in): nothing to do. */
static void load_modules(void)
{
	char line[128], path[256];
	FILE *order = fopen(MOD_DIR "/order", "r");

	if (!order)
		return;
	while (fgets(line, sizeof(line), order)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		snprintf(path, sizeof(path), MOD_DIR "/%s", line);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 ||
		    (syscall(SYS_finit_module, fd, "", 0) && errno != EEXIST))
			printf("disk: load %s: %s\n", line, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	fclose(order);
}

/* /dev/NAME, made from /sys/block/NAME/dev if /dev lacks it (Linux's
 * initramfs has no devtmpfs mounted). false if there is no such disk. */
static bool dev_node(const char *name, char *path, size_t size)
{
	char sys[64], num[32];
	unsigned maj, min;
	struct stat st;
	FILE *f;

	snprintf(path, size, "/dev/%s", name);
	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode))
		return true;
	snprintf(sys, sizeof(sys), "/sys/block/%s/dev", name);
	f = fopen(sys, "r");
	if (!f)
		return false;
	bool ok = fgets(num, sizeof(num), f) &&
		  sscanf(num, "%u:%u", &maj, &min) == 2;
	fclose(f);
	return ok && mknod(path, S_IFBLK | 0600, makedev(maj, min)) == 0;
}

/* Whether the device at path starts with an ext2 superblock (ext2 docs:
 * at byte 1024, s_magic at offset 56 of it). */
static bool is_ext2(const char *path)
{
	uint8_t sb[1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = pread(fd, sb, sizeof(sb), 1024) == sizeof(sb) &&
	     (sb[56] | sb[57] << 8) == EXT2_MAGIC;
	close(fd);
	return ok;
}

/* The whole disk holding the bench file system: the first of sda..sdd
 * with an ext2 superblock, waiting up to 30 s for the disks to appear
 * (Linux probes AHCI ports and scans SCSI asynchronously). */
static bool find_disk(char *path, size_t size)
{
	static const char *const names[] = { "sdb", "sda", "sdc", "sdd" };

	for (int tries = 0; tries < 300; tries++) {
		for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (dev_node(names[i], path, size) && is_ext2(path))
				return true;
		usleep(100000);
	}
	return false;
}

static int fail(const char *what)
{
	printf("disk: %s: %s\n", what, strerror(errno));
	return 1;
}

/* fail() for a file still open: closes it so the umount can go on. */
static int fail_close(int fd, const char *what)
{
	fail(what);
	close(fd);
	return 1;
}

/* Writes FILE_MB MiB in CHUNK writes and fsyncs; *mbs: MB/s (10^6
 * bytes a second). */
static int seq_write(char *buf, double *mbs)
{
	int fd = open(MNT "/big", O_CREAT | O_TRUNC | O_WRONLY, 0644);
	double t;

	if (fd < 0)
		return fail("create " MNT "/big");
	t = bench_now_us();
	for (int i = 0; i < FILE_MB; i++) {
		memset(buf, 'a' + i % 26, 64);
		if (write(fd, buf, CHUNK) != CHUNK)
			return fail_close(fd, "write");
	}
	if (fsync(fd))
		return fail_close(fd, "fsync");
	t = bench_now_us() - t;
	close(fd);
	*mbs = (double)FILE_MB * CHUNK / t;
	return 0;
}

/* Reads the file back in CHUNK reads, checking each chunk's marks, and
 * removes it; *mbs: MB/s. */
static int seq_read(char *buf, double *mbs)
{
	int fd = open(MNT "/big", O_RDONLY);
	double t;
	int i;

	if (fd < 0)
		return fail("open " MNT "/big");
	t = bench_now_us();
	for (i = 0; read(fd, buf, CHUNK) == CHUNK; i++)
		if (buf[0] != 'a' + i % 26 || buf[CHUNK - 1] != 0x5a) {
			printf("disk: chunk %d reads back wrong\n", i);
			close(fd);
			return 1;
		}
	t = bench_now_us() - t;
	close(fd);
	if (i != FILE_MB) {
		printf("disk: read %d of %d chunks\n", i, FILE_MB);
		return 1;
	}
	*mbs = (double)FILE_MB * CHUNK / t;
	return unlink(MNT "/big") ? fail("unlink " MNT "/big") : 0;
}

/* Creates (open + write + close) NFILES files in a fresh directory;
 * t[0..2]: µs per file to create, stat and unlink them. */
static int small_files(double *t)
{
	char name[64], data[SMALL_SIZE];
	struct stat st;
	double t0;
	int i;

	memset(data, 'x', sizeof(data));
	if (mkdir(MNT "/small", 0755))
		return fail("mkdir " MNT "/small");
	sync(); /* nothing left for a write-back to do meanwhile */
	t0 = bench_now_us();
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), MNT "/small/f%04d", i);
		int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
			return fail("create a small file");
		close(fd);
	}
	t[0] = (bench_now_us() - t0) / NFILES;
	t0 = bench_now_us();
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), MNT "/small/f%04d", i);
		if (stat(name, &st) || st.st_size != SMALL_SIZE)
			return fail("stat a small file");
	}
	t[1] = (bench_now_us() - t0) / NFILES;
	t0 = bench_now_us();
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), MNT "/small/f%04d", i);
		if (unlink(name))
			return fail("unlink a small file");
	}
	t[2] = (bench_now_us() - t0) / NFILES;
	return rmdir(MNT "/small") ? fail("rmdir") : 0;
}

/* ROUNDS of small_files(), reporting the best time of each phase: a
 * periodic write-back of the metadata (Strix's flusher, Linux's
 * writeback) may fall into one round, and waits for the disk. */
static int small_rounds(void)
{
	static const char *const names[3] = { "disk_create", "disk_stat",
					      "disk_unlink" };
	double t[3], best[3] = { 1e30, 1e30, 1e30 };

	for (int round = 0; round < ROUNDS; round++) {
		if (small_files(t))
			return 1;
		for (int k = 0; k < 3; k++)
			best[k] = t[k] < best[k] ? t[k] : best[k];
	}
	for (int k = 0; k < 3; k++)
		bench_report(names[k], best[k], "us");
	return 0;
}

/* ROUNDS of: write the file, umount + mount (which drops the file's
 * pages and the disk's buffers, so the read comes from the disk), read
 * it. Reports the best of each. */
static int sequential(const char *dev, char *buf)
{
	double w, r, best_w = 0, best_r = 0;

	for (int round = 0; round < ROUNDS; round++) {
		if (seq_write(buf, &w))
			return 1;
		if (umount(MNT) || mount(dev, MNT, "ext2", 0, NULL))
			return fail("remount");
		if (seq_read(buf, &r))
			return 1;
		best_w = w > best_w ? w : best_w;
		best_r = r > best_r ? r : best_r;
	}
	bench_report("disk_seq_write", best_w, "MB/s");
	bench_report("disk_seq_read", best_r, "MB/s");
	return 0;
}

static int run(const char *dev, char *buf)
{
	int err;

	if (mount(dev, MNT, "ext2", 0, NULL))
		return fail("mount");
	err = sequential(dev, buf);
	err = err ?: small_rounds();
	if (umount(MNT))
		return fail("umount");
	return err;
}

int main(void)
{
	char dev[64];
	char *buf = malloc(CHUNK);

	if (!buf)
		return fail("malloc");
	memset(buf, 0x5a, CHUNK);
	load_modules();
	if (!find_disk(dev, sizeof(dev))) {
		printf("disk: no disk with an ext2 file system\n");
		return 1;
	}
	mkdir(MNT, 0755);
	return run(dev, buf);
}
