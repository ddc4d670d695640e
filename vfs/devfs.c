/* SPDX-License-Identifier: MIT */
/* Character devices by number, and devtmpfs: a tmpfs at /dev in which
 * drivers create their nodes. */
#include "vfs/vfs.h"

struct chrdev {
	unsigned major, minor, count;
	const char *name;
	const struct file_ops *ops;
};

static struct chrdev chrdevs[64];
static unsigned nchrdevs;
static struct path devtmpfs_root;

int chrdev_register(unsigned major, unsigned minor, unsigned count,
		    const char *name, const struct file_ops *ops)
{
	if (nchrdevs == ARRAY_SIZE(chrdevs))
		return -ENOSPC;
	for (unsigned i = 0; i < nchrdevs; i++)
		if (chrdevs[i].major == major &&
		    minor < chrdevs[i].minor + chrdevs[i].count &&
		    chrdevs[i].minor < minor + count)
			return -EBUSY;
	chrdevs[nchrdevs++] = (struct chrdev){ major, minor, count, name, ops };
	return 0;
}

const struct file_ops *chrdev_find(uint64_t rdev)
{
	unsigned major = MAJOR(rdev), minor = MINOR(rdev);

	for (unsigned i = 0; i < nchrdevs; i++)
		if (chrdevs[i].major == major && minor >= chrdevs[i].minor &&
		    minor < chrdevs[i].minor + chrdevs[i].count)
			return chrdevs[i].ops;
	return NULL;
}

/* /proc/devices: "Character devices:" then "major name". */
size_t chrdevs_show(char *buf, size_t size)
{
	size_t n = ksnprintf(buf, size, "Character devices:\n");

	for (unsigned i = 0; i < nchrdevs; i++) {
		bool dup = false;
		for (unsigned j = 0; j < i; j++)
			dup |= chrdevs[j].major == chrdevs[i].major;
		if (!dup)
			n += ksnprintf(buf + n, n < size ? size - n : 0,
				       "%3u %s\n", chrdevs[i].major,
				       chrdevs[i].name);
	}
	return MIN(n, size);
}

/* Makes one directory or node under dir (which is locked by us). */
static int make_child(struct dentry *dir, const char *name, size_t len,
		      uint32_t mode, uint64_t rdev, struct dentry **out)
{
	struct inode *di = dir->inode;
	struct dentry *d;
	int err = 0;

	mutex_lock(&di->lock);
	d = dentry_lookup(dir, name, len);
	if (IS_ERR(d)) {
		mutex_unlock(&di->lock);
		return PTR_ERR(d);
	}
	if (!d->inode)
		err = S_ISDIR(mode) ? di->iops->mkdir(di, d, mode & 07777) :
				      di->iops->mknod(di, d, mode, rdev);
	mutex_unlock(&di->lock);
	if (!err && d->inode) {
		d->inode->uid = 0;
		d->inode->gid = 0;
	}
	if (err || !out)
		dput(d);
	else
		*out = d;
	return err;
}

int devtmpfs_create(const char *name, uint32_t mode, uint64_t rdev)
{
	struct dentry *dir;
	const char *p = name;
	int err = 0;

	if (!devtmpfs_root.dentry)
		return -ENODEV;
	dir = dget(devtmpfs_root.dentry);
	for (;;) {
		const char *slash = strchr(p, '/');
		struct dentry *next;

		if (!slash)
			break;
		err = make_child(dir, p, slash - p, S_IFDIR | 0755, 0, &next);
		dput(dir);
		if (err)
			return err;
		dir = next;
		p = slash + 1;
	}
	err = make_child(dir, p, strlen(p), mode, rdev, NULL);
	dput(dir);
	return err;
}

/* devtmpfs mounts again and again show the same instance (as Linux). */
static struct super_block *devtmpfs_sb;
struct super_block *tmpfs_mount_sb(struct fs_type *type, uint32_t root_mode,
				   const char *opts);

static struct super_block *devtmpfs_mount(struct fs_type *type, const char *dev,
					  unsigned flags, const char *opts)
{
	(void)dev;
	(void)flags;
	(void)opts;
	if (!devtmpfs_sb) {
		devtmpfs_sb = tmpfs_mount_sb(type, 0755, "");
		if (IS_ERR(devtmpfs_sb)) {
			struct super_block *e = devtmpfs_sb;
			devtmpfs_sb = NULL;
			return e;
		}
		devtmpfs_root.dentry = devtmpfs_sb->root;
	}
	__atomic_add_fetch(&devtmpfs_sb->refcount, 1, __ATOMIC_RELAXED);
	return devtmpfs_sb;
}

struct fs_type devtmpfs_type = { .name = "devtmpfs",
				 .mount = devtmpfs_mount,
				 .nodev = true };

/* The standard links udev would make (Documentation/admin-guide/
 * devices.rst, "Compulsory links"). */
void devtmpfs_links(void)
{
	static const struct {
		const char *name, *target;
	} links[] = {
		{ "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
		{ "core", "/proc/kcore" },
	};
	struct inode *di = devtmpfs_root.dentry->inode;

	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		struct dentry *d;

		mutex_lock(&di->lock);
		d = dentry_lookup(devtmpfs_root.dentry, links[i].name,
				  strlen(links[i].name));
		if (!IS_ERR(d) && !d->inode)
			di->iops->symlink(di, d, links[i].target);
		mutex_unlock(&di->lock);
		if (!IS_ERR(d))
			dput(d);
	}
	devtmpfs_create("pts", S_IFDIR | 0755, 0);
	devtmpfs_create("shm", S_IFDIR | 01777, 0);
}
