/* SPDX-License-Identifier: MIT */
/*
 * devpts (devpts(5)), mounted at /dev/pts: one character device node per
 * live pseudo-terminal, named by its index, plus "ptmx". Nothing is
 * stored; every lookup asks the pty driver.
 */
#include "dev/dev.h"
#include "vfs/vfs.h"

#define DEVPTS_SUPER_MAGIC 0x1cd1
#define ROOT_INO 1
#define PTMX_INO 2
#define PTS_INO(n) (3 + (n))

static const struct inode_ops devpts_dir_iops;
static const struct file_ops devpts_dir_fops;

static struct inode *node(struct super_block *sb, uint64_t ino, uint32_t mode,
			  uint64_t rdev, uint32_t uid, uint32_t gid)
{
	struct inode *i = inode_alloc(sb, mode);

	if (!i)
		return NULL;
	i->ino = ino;
	i->rdev = rdev;
	i->uid = uid;
	i->gid = gid;
	return i;
}

static bool parse_index(const char *s, unsigned *out)
{
	uint64_t v;

	if (!*s || (s[0] == '0' && s[1]) || kstrtou64(s, &v) || v > 0xfffff)
		return false;
	*out = (unsigned)v;
	return true;
}

static int devpts_lookup(struct inode *dir, struct dentry *d)
{
	uint32_t uid, gid;
	struct inode *i = NULL;
	unsigned n;

	if (!strcmp(d->name, "ptmx"))
		i = node(dir->sb, PTMX_INO, S_IFCHR | 0000, MKDEV(5, 2), 0, 0);
	else if (parse_index(d->name, &n) && pty_slave_info(n, &uid, &gid))
		i = node(dir->sb, PTS_INO(n), S_IFCHR | 0620, MKDEV(136, n),
			 uid, gid);
	else
		return 0; /* negative */
	if (!i)
		return -ENOMEM;
	dentry_instantiate(d, i);
	return 0;
}

/* Positions: 0 ".", 1 "..", 2 "ptmx", 3 + n for pts n. */
static int devpts_iterate(struct file *f, struct dir_context *ctx)
{
	char name[16];
	int n;

	if (!dir_emit_dots(f, ctx))
		return 0;
	if (ctx->pos == 2) {
		if (!ctx->fill(ctx, "ptmx", 4, PTMX_INO, DT_CHR))
			return 0;
		ctx->pos++;
	}
	(void)f;
	while ((n = pty_next_index((unsigned)(ctx->pos - 3))) >= 0) {
		size_t len = (size_t)ksnprintf(name, sizeof(name), "%d", n);

		ctx->pos = 3 + n;
		if (!ctx->fill(ctx, name, len, PTS_INO(n), DT_CHR))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static int64_t devpts_dir_llseek(struct file *f, int64_t off, int whence)
{
	(void)f;
	return whence == SEEK_SET && off >= 0 ? off : -EINVAL;
}

static const struct inode_ops devpts_dir_iops = { .lookup = devpts_lookup };
static const struct file_ops devpts_dir_fops = {
	.iterate = devpts_iterate,
	.llseek = devpts_dir_llseek,
};

static bool devpts_revalidate(struct dentry *d)
{
	uint32_t uid, gid;
	unsigned n;

	if (!strcmp(d->name, "ptmx") || !parse_index(d->name, &n))
		return true;
	return pty_slave_info(n, &uid, &gid);
}

static const struct super_ops devpts_super_ops = {
	.statfs = simple_statfs,
	.drop_dentry = always_drop_dentry,
	.revalidate = devpts_revalidate,
};

/* Options (gid=, mode=, ptmxmode=, newinstance) are accepted; every mount
 * shows the one instance, with Debian's gid=5,mode=620. */
static struct super_block *devpts_mount(struct fs_type *type, const char *dev,
					unsigned flags, const char *opts)
{
	struct super_block *sb =
		super_alloc(type, &devpts_super_ops, DEVPTS_SUPER_MAGIC);
	struct inode *root;

	(void)dev;
	(void)flags;
	(void)opts;
	if (!sb)
		return ERR_PTR(-ENOMEM);
	root = node(sb, ROOT_INO, S_IFDIR | 0755, 0, 0, 0);
	if (root) {
		root->iops = &devpts_dir_iops;
		root->fops = &devpts_dir_fops;
		root->nlink = 2;
	}
	return super_set_root(sb, root);
}

struct fs_type devpts_type = { .name = "devpts",
			       .mount = devpts_mount,
			       .nodev = true };
