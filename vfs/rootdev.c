/* SPDX-License-Identifier: MIT */
/* root=: the root file system from a disk instead of the initrd, as
 * Linux's prepare_namespace() does it: mounted at /root, moved onto "/"
 * and made init's root and working directory. */
#include "dev/blk.h"
#include "vfs/vfs.h"

/* Waits for the named block device (root=/dev/sdXN or sdXN): rootwait
 * waits as long as it takes, as Linux's; without it, one look. */
static struct blkdev *find_root_device(const char *name)
{
	const char *bare = strncmp(name, "/dev/", 5) ? name : name + 5;
	bool wait = cmdline_get("rootwait") != NULL, said = false;
	struct blkdev *d;

	while (!(d = blk_get_by_name(bare)) && wait) {
		if (!said)
			pr_info("Waiting for root device %s...\n", name);
		said = true;
		current->state = TASK_UNINTERRUPTIBLE;
		schedule_deadline(time_ns() + 100 * 1000 * 1000);
		current->state = TASK_RUNNING;
	}
	return d;
}

/* Mounts with each type of rootfstype=a,b (or every disk type). */
static int mount_root(const char *dev, unsigned flags, const char **type)
{
	const char *types = cmdline_get("rootfstype");
	const char *opts = cmdline_get("rootflags");
	char name[32];
	int err = -ENODEV;

	if (!opts)
		opts = "";
	if (!types || !*types)
		return vfs_mount_any(dev, "/root", flags, opts, type);
	while (*types) {
		const char *comma = strchr(types, ',');
		size_t n = comma ? (size_t)(comma - types) : strlen(types);
		if (n < sizeof(name)) {
			memcpy(name, types, n);
			name[n] = 0;
			err = vfs_mount(dev, "/root", name, flags, opts);
			if (!err) {
				*type = fs_type_find(name)->name;
				return 0;
			}
		}
		types += n + (types[n] == ',');
	}
	return err;
}

void vfs_mount_root_device(void)
{
	const char *name = cmdline_get("root"), *type = "?";
	/* Read-only unless "rw", as Linux (root_mountflags). */
	unsigned flags = cmdline_get("rw") ? 0 : MS_RDONLY;
	struct blkdev *d;
	struct path p;
	char dev[48];
	int err;

	if (!name || !*name)
		return;
	d = find_root_device(name);
	if (!d)
		panic("VFS: Cannot open root device \"%s\": no such disk",
		      name);
	ksnprintf(dev, sizeof(dev), "/dev/%s", d->name);
	vfs_mkdir("/root", 0700);
	err = mount_root(dev, flags, &type);
	if (err)
		panic("VFS: Unable to mount root fs on %s (error %d)", dev,
		      err);
	/* Keep hold of the new mount while it moves onto "/". */
	err = path_lookup_at(AT_FDCWD, "/root", LOOKUP_FOLLOW, &p);
	if (!err)
		err = vfs_mount("/root", "/", NULL, MS_MOVE, NULL);
	if (err)
		panic("VFS: cannot make %s the root (error %d)", dev, err);
	vfs_set_root(&p);
	path_put(&p);
	/* The disk's /dev gets devtmpfs, as the initrd's had it. */
	vfs_mount_dev();
	pr_info("VFS: Mounted root (%s filesystem)%s on device %u:%u.\n", type,
		flags & MS_RDONLY ? " readonly" : "",
		(unsigned)MAJOR(d->devnum), (unsigned)MINOR(d->devnum));
}
