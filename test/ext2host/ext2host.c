/* SPDX-License-Identifier: MIT */
/*
 * ext2host: the kernel's ext2 driver on the host, over an image file,
 * driven by commands on stdin (one per line; each answers "ok", "err N"
 * or its output). test/ext2host/run.py builds images with mke2fs, drives
 * this, and checks the result with e2fsck and debugfs. Built with ASan
 * and UBSan, so an out-of-range access on a corrupt image fails loudly.
 */

#define _GNU_SOURCE
#include "test/ext2host/host.h"
#include "test/ext2host/host_io.h"

static struct super_block *sb;

static struct dentry *mkd(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = calloc(1, sizeof(*d));

	d->name = strndup(name, len);
	d->parent = parent;
	d->sb = sb;
	d->refcount = 1;
	return d;
}

/* Frees d and its parents up to the root (each holds its inode). */
static void release(struct dentry *d)
{
	while (d && d != sb->root) {
		struct dentry *p = d->parent;

		inode_put(d->inode);
		free(d->name);
		free(d);
		d = p;
	}
}

/* The dentry path names (maybe negative), with its chain of parents. */
static int walk(const char *path, struct dentry **out)
{
	struct dentry *d = sb->root;

	while (*path == '/')
		path++;
	while (*path) {
		const char *end = strchrnul(path, '/');
		struct dentry *c;
		int err;

		if (!d->inode || !S_ISDIR(d->inode->mode)) {
			int err = d->inode ? -ENOTDIR : -ENOENT;
			release(d);
			return err;
		}
		c = mkd(d, path, (size_t)(end - path));
		err = d->inode->iops->lookup(d->inode, c);
		if (err) {
			release(c);
			return err;
		}
		d = c;
		path = end;
		while (*path == '/')
			path++;
	}
	*out = d;
	return 0;
}

static int need(struct dentry *d, bool positive)
{
	if (positive && !d->inode)
		return -ENOENT;
	if (!positive && d->inode)
		return -EEXIST;
	if (!positive && d == sb->root)
		return -EBUSY;
	return 0;
}

static int cmd_mount(char **a, int n)
{
	struct fs_type *t = n > 1 ? fs_type_find(a[1]) : NULL;
	bool ro = n > 3 && !strcmp(a[3], "ro");
	unsigned long long size;
	int fd;

	if (!t || n < 3)
		return -ENODEV;
	fd = host_open(a[2], !ro, &size);
	if (fd < 0)
		return -ENOENT;
	host_attach(fd, size, ro);
	sb = t->mount(t, "/dev/img", ro ? MS_RDONLY : 0, "");
	if (IS_ERR(sb)) {
		int err = (int)PTR_ERR(sb);
		sb = NULL;
		host_close(fd);
		return err;
	}
	return 0;
}

static int cmd_umount(void)
{
	if (!sb)
		return -EINVAL;
	sb->ops->put_super(sb);
	sb = NULL;
	return host_live_refs || host_live_inodes || host_live_pages ? -EBUSY :
								       0;
}

static struct file file_of(struct dentry *d, unsigned flags)
{
	return (struct file){ .inode = d->inode,
			      .ops = d->inode->fops,
			      .flags = flags,
			      .path = { NULL, d } };
}

/* put HOSTFILE PATH [CHUNK]: create or truncate, then write. */
static int cmd_put(char **a, int n)
{
	size_t chunk = n > 3 ? strtoul(a[3], NULL, 0) : 65536;
	struct dentry *d;
	char *buf;
	uint64_t pos = 0;
	FILE *in = fopen(a[1], "rb");
	int err = in ? walk(a[2], &d) : -ENOENT;

	if (err) {
		if (in)
			fclose(in);
		return err;
	}
	if (!d->inode) {
		err = d->parent->inode->iops->create(d->parent->inode, d, 0644);
	} else {
		struct iattr at = { .valid = ATTR_SIZE, .size = 0 };
		err = d->inode->iops->setattr(d, &at);
	}
	buf = malloc(chunk);
	while (!err) {
		size_t got = fread(buf, 1, chunk, in);
		struct iobuf b = { .kbuf = buf, .len = got };
		struct file f = file_of(d, O_WRONLY);
		ssize_t w;

		if (!got)
			break;
		w = f.ops->write(&f, &b, &pos);
		if (w < 0)
			err = (int)w;
		else if ((size_t)w != got)
			err = -ENOSPC;
	}
	free(buf);
	fclose(in);
	release(d);
	return err;
}

static int cmd_get(char **a)
{
	struct dentry *d;
	char buf[70000];
	uint64_t pos = 0;
	FILE *out;
	int err = walk(a[1], &d);

	if (err || (err = need(d, true))) {
		release(d);
		return err;
	}
	out = fopen(a[2], "wb");
	for (;;) {
		struct iobuf b = { .kbuf = buf, .len = sizeof(buf) };
		struct file f = file_of(d, O_RDONLY);
		ssize_t r = f.ops->read(&f, &b, &pos);

		if (r <= 0) {
			err = (int)r;
			break;
		}
		fwrite(buf, 1, (size_t)r, out);
	}
	fclose(out);
	release(d);
	return err;
}

/* Runs an op on (dir, negative dentry for path). */
static int on_new(const char *path,
		  int (*fn)(struct inode *, struct dentry *, void *), void *arg)
{
	struct dentry *d;
	int err = walk(path, &d);

	if (err)
		return err;
	err = need(d, false);
	if (!err)
		err = fn(d->parent->inode, d, arg);
	release(d);
	return err;
}

static int do_mkdir(struct inode *dir, struct dentry *d, void *arg)
{
	return dir->iops->mkdir(dir, d, *(uint32_t *)arg);
}

static int do_symlink(struct inode *dir, struct dentry *d, void *arg)
{
	return dir->iops->symlink(dir, d, arg);
}

static int do_mknod(struct inode *dir, struct dentry *d, void *arg)
{
	char **a = arg;
	uint32_t type = a[2][0] == 'c' ? S_IFCHR :
			a[2][0] == 'b' ? S_IFBLK :
					 S_IFIFO;
	uint64_t dev = MKDEV(strtoul(a[3], NULL, 0), strtoul(a[4], NULL, 0));

	return dir->iops->mknod(dir, d, type | 0644, dev);
}

static int cmd_remove(const char *path, bool dir)
{
	struct dentry *d;
	int err = walk(path, &d);
	struct inode *di;

	if (err)
		return err;
	err = need(d, true);
	di = d->parent->inode;
	if (!err && dir != S_ISDIR(d->inode->mode))
		err = dir ? -ENOTDIR : -EISDIR;
	if (!err)
		err = dir ? di->iops->rmdir(di, d) : di->iops->unlink(di, d);
	release(d);
	return err;
}

static int cmd_link(const char *from, const char *to)
{
	struct dentry *o, *d;
	int err = walk(from, &o);

	if (err)
		return err;
	err = need(o, true);
	if (!err && !(err = walk(to, &d))) {
		err = need(d, false);
		if (!err)
			err = d->parent->inode->iops->link(o, d->parent->inode,
							   d);
		release(d);
	}
	release(o);
	return err;
}

static int cmd_rename(const char *from, const char *to)
{
	struct dentry *o, *d, *op, *dp;
	int err = walk(from, &o);

	if (err)
		return err;
	err = need(o, true);
	if (err || (err = walk(to, &d))) {
		release(o);
		return err;
	}
	op = o->parent;
	dp = d->parent;
	if (d != sb->root && o->inode != d->inode)
		err = op->inode->iops->rename(op->inode, o, dp->inode, d, 0);
	/* o may have moved under dp: free it on its own. */
	o->parent = NULL;
	inode_put(o->inode);
	free(o->name);
	free(o);
	release(op);
	release(d);
	return err;
}

static int cmd_readlink(const char *path)
{
	struct dentry *d;
	char buf[4096];
	ssize_t r;
	int err = walk(path, &d);

	if (err || (err = need(d, true))) {
		release(d);
		return err;
	}
	r = d->inode->iops->readlink ?
		    d->inode->iops->readlink(d, buf, sizeof(buf)) :
		    -EINVAL;
	if (r >= 0)
		printf("%.*s\n", (int)r, buf);
	release(d);
	return r < 0 ? (int)r : 0;
}

static int cmd_setattr(char **a, int n)
{
	struct dentry *d;
	struct iattr at = { 0 };
	int err = walk(a[1], &d);

	if (err || (err = need(d, true))) {
		release(d);
		return err;
	}
	if (!strcmp(a[0], "truncate")) {
		at.valid = ATTR_SIZE;
		at.size = strtoull(a[2], NULL, 0);
	} else if (!strcmp(a[0], "chmod")) {
		at.valid = ATTR_MODE;
		at.mode = (uint32_t)strtoul(a[2], NULL, 8);
	} else if (n > 3) {
		at.valid = ATTR_UID | ATTR_GID;
		at.uid = (uint32_t)strtoul(a[2], NULL, 0);
		at.gid = (uint32_t)strtoul(a[3], NULL, 0);
	}
	err = d->inode->iops->setattr(d, &at);
	release(d);
	return err;
}

static int cmd_stat(const char *path)
{
	struct dentry *d;
	struct inode *i;
	int err = walk(path, &d);

	if (err || (err = need(d, true))) {
		release(d);
		return err;
	}
	i = d->inode;
	printf("mode=%o nlink=%u size=%llu uid=%u gid=%u rdev=%u:%u\n", i->mode,
	       i->nlink, (unsigned long long)i->size, i->uid, i->gid,
	       MAJOR(i->rdev), MINOR(i->rdev));
	release(d);
	return 0;
}

static bool print_entry(struct dir_context *ctx, const char *name, size_t len,
			uint64_t ino, unsigned type)
{
	(void)ctx;
	printf("%.*s %llu %u\n", (int)len, name, (unsigned long long)ino, type);
	return true;
}

static int cmd_ls(const char *path)
{
	struct dentry *d;
	struct dir_context ctx = { .fill = print_entry };
	int err = walk(path, &d);

	if (err || (err = need(d, true)) ||
	    (err = S_ISDIR(d->inode->mode) ? 0 : -ENOTDIR)) {
		release(d);
		return err;
	}
	struct file f = file_of(d, O_RDONLY);
	err = f.ops->iterate(&f, &ctx);
	release(d);
	return err;
}

static int cmd_statfs(void)
{
	struct statfs_info st = { 0 };
	int err = sb->ops->statfs(sb, &st);

	printf("bsize=%llu blocks=%llu bfree=%llu files=%llu ffree=%llu\n",
	       (unsigned long long)st.bsize, (unsigned long long)st.blocks,
	       (unsigned long long)st.bfree, (unsigned long long)st.files,
	       (unsigned long long)st.ffree);
	return err;
}

/* mapwrite PATH OFF TEXT: changes a page as a MAP_SHARED mapping would
 * (through get_page, behind the file system's back). */
static int cmd_mapwrite(char **a)
{
	uint64_t off = strtoull(a[2], NULL, 0);
	struct dentry *d;
	struct page *p;
	int err = walk(a[1], &d);

	if (err || (err = need(d, true))) {
		release(d);
		return err;
	}
	struct file f = file_of(d, O_RDWR);
	err = f.ops->get_page(&f, off / PAGE_SIZE, &p);
	if (!err) {
		memcpy((char *)page_address(p) + off % PAGE_SIZE, a[3],
		       strlen(a[3]));
		page_put(p); /* "munmap" */
	}
	release(d);
	return err;
}

static int run(char **a, int n)
{
	const char *c = a[0];
	uint32_t mode = n > 2 ? (uint32_t)strtoul(a[2], NULL, 8) : 0755;

	if (!strcmp(c, "mount"))
		return cmd_mount(a, n);
	if (!sb)
		return -EINVAL;
	if (!strcmp(c, "umount"))
		return cmd_umount();
	if (!strcmp(c, "remount"))
		return sb->ops->remount(sb, !strcmp(a[1], "ro") ? MS_RDONLY : 0,
					"");
	if (!strcmp(c, "sync"))
		return sb->ops->sync_fs(sb);
	if (!strcmp(c, "statfs"))
		return cmd_statfs();
	if (n < 2)
		return -EINVAL;
	/* The VFS's mount_want_write. */
	if ((sb->flags & MS_RDONLY) && strcmp(c, "get") && strcmp(c, "ls") &&
	    strcmp(c, "stat") && strcmp(c, "readlink"))
		return -EROFS;
	if (!strcmp(c, "put") && n > 2)
		return cmd_put(a, n);
	if (!strcmp(c, "get") && n > 2)
		return cmd_get(a);
	if (!strcmp(c, "mkdir"))
		return on_new(a[1], do_mkdir, &mode);
	if (!strcmp(c, "symlink") && n > 2)
		return on_new(a[2], do_symlink, a[1]);
	if (!strcmp(c, "mknod") && n > 4)
		return on_new(a[1], do_mknod, a);
	if (!strcmp(c, "rm") || !strcmp(c, "rmdir"))
		return cmd_remove(a[1], c[2] == 'd');
	if (!strcmp(c, "ln") && n > 2)
		return cmd_link(a[1], a[2]);
	if (!strcmp(c, "mv") && n > 2)
		return cmd_rename(a[1], a[2]);
	if (!strcmp(c, "readlink"))
		return cmd_readlink(a[1]);
	if (!strcmp(c, "mapwrite") && n > 3)
		return cmd_mapwrite(a);
	if (!strcmp(c, "stat"))
		return cmd_stat(a[1]);
	if (!strcmp(c, "ls"))
		return cmd_ls(a[1]);
	if ((!strcmp(c, "truncate") || !strcmp(c, "chmod") ||
	     !strcmp(c, "chown")) &&
	    n > 2)
		return cmd_setattr(a, n);
	return -ENOSYS;
}

int main(void)
{
	char line[8192];
	void ext2_register(void);

	host_init();
	ext2_register();
	while (fgets(line, sizeof(line), stdin)) {
		char *a[8];
		int n = 0, err;

		for (char *t = strtok(line, " \t\n"); t && n < 8;
		     t = strtok(NULL, " \t\n"))
			a[n++] = t;
		if (!n)
			continue;
		err = run(a, n);
		if (err)
			printf("err %d\n", err);
		else
			printf("ok\n");
		fflush(stdout);
	}
	return 0;
}
