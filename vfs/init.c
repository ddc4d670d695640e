/* SPDX-License-Identifier: MIT */
/* Bringing the file system up: the types, the root tmpfs, devtmpfs. */
#include "vfs/vfs.h"

extern struct fs_type tmpfs_type, devtmpfs_type, procfs_type, devpts_type,
	sysfs_type, cgroup2_type, vfat_type;
int vfs_mount_root(const char *type, const char *opts);
void pipe_init(void);
void devtmpfs_links(void);
void ext2_register(void);

void vfs_init(void)
{
	struct super_block *dev;
	int err;

	fs_type_register(&tmpfs_type);
	fs_type_register(&devtmpfs_type);
	fs_type_register(&procfs_type);
	fs_type_register(&devpts_type);
	fs_type_register(&sysfs_type);
	fs_type_register(&cgroup2_type);
	ext2_register();
	fs_type_register(&vfat_type);
	pipe_init();
	err = vfs_mount_root("tmpfs", "mode=755");
	if (err)
		panic("vfs: cannot mount the root tmpfs (%d)", err);
	/* The devtmpfs instance exists from the start so drivers can make
	 * their nodes; it is mounted on /dev once the root is populated. */
	dev = devtmpfs_type.mount(&devtmpfs_type, "devtmpfs", 0, "");
	if (IS_ERR(dev))
		panic("vfs: cannot create devtmpfs (%ld)", PTR_ERR(dev));
	devtmpfs_links();
}

/* In pid 1, after the initrd is unpacked: /dev, like Linux's
 * CONFIG_DEVTMPFS_MOUNT. */
void vfs_mount_dev(void)
{
	int err = vfs_mkdir("/dev", 0755);

	if (err && err != -EEXIST)
		pr_warn("vfs: cannot create /dev (%d)\n", err);
	err = vfs_mount("devtmpfs", "/dev", "devtmpfs", 0, "");
	if (err)
		pr_warn("vfs: cannot mount devtmpfs on /dev (%d)\n", err);
}
