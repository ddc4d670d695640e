/* SPDX-License-Identifier: MIT */
/*
 * sysfs (sysfs(5)), mounted at /sys: the top-level directories programs
 * look for, and /sys/bus/pci/devices/<address>/ with the attribute files
 * lspci and udev read. Nothing is stored: every lookup and read asks the
 * driver's tables. (On Linux the PCI entries are symbolic links into
 * /sys/devices; here they are the directories themselves.) /sys/block
 * holds a directory per disk with its partitions inside, as Linux's.
 */
#include "dev/blk.h"
#include "dev/pci.h"
#include "vfs/vfs.h"

#define SYSFS_MAGIC 0x62656572

enum sys_kind {
	SK_DIR,		/* a fixed directory with fixed children */
	SK_PCI_DEVICES, /* /sys/bus/pci/devices: one entry per function */
	SK_PCI_DEV,	/* one function's directory */
	SK_PCI_ATTR,	/* one of its attribute files */
	SK_BLOCK,	/* /sys/block: one entry per disk */
	SK_BLK_DEV,	/* a disk's or a partition's directory */
	SK_BLK_ATTR,	/* one of its attribute files */
};

struct sys_dir {
	const char *name;
	enum sys_kind kind;
	const struct sys_dir *children; /* SK_DIR, ended by a NULL name */
};

/* What an inode shows. */
struct sys_node {
	enum sys_kind kind;
	const struct sys_dir *dir; /* SK_DIR */
	struct pci_dev *pci;	   /* SK_PCI_DEV, SK_PCI_ATTR */
	unsigned attr;		   /* SK_PCI_ATTR, SK_BLK_ATTR */
	struct blkdev *blk;	   /* SK_BLK_DEV, SK_BLK_ATTR */
};

static const struct sys_dir empty[] = { { NULL } };
static const struct sys_dir pci_dirs[] = {
	{ "devices", SK_PCI_DEVICES, NULL },
	{ NULL },
};
static const struct sys_dir bus_dirs[] = {
	{ "pci", SK_DIR, pci_dirs },
	{ NULL },
};
static const struct sys_dir fs_dirs[] = {
	{ "cgroup", SK_DIR, empty },
	{ NULL },
};
static const struct sys_dir root_dirs[] = {
	{ "block", SK_BLOCK, NULL },
	{ "bus", SK_DIR, bus_dirs },
	{ "class", SK_DIR, empty },
	{ "dev", SK_DIR, empty },
	{ "devices", SK_DIR, empty },
	{ "firmware", SK_DIR, empty },
	{ "fs", SK_DIR, fs_dirs },
	{ "kernel", SK_DIR, empty },
	{ "module", SK_DIR, empty },
	{ "power", SK_DIR, empty },
	{ NULL },
};
static const struct sys_dir root = { "/", SK_DIR, root_dirs };

/* The attribute files of a PCI function, formatted as Linux's. */
static const char *const pci_attrs[] = {
	"vendor",	    "device",		"class", "revision",
	"subsystem_vendor", "subsystem_device", "irq",
};

static int pci_attr_text(const struct pci_dev *d, unsigned attr, char *buf,
			 size_t size)
{
	switch (attr) {
	case 0:
		return ksnprintf(buf, size, "0x%04x\n", d->vendor);
	case 1:
		return ksnprintf(buf, size, "0x%04x\n", d->device);
	case 2:
		return ksnprintf(buf, size, "0x%02x%02x%02x\n", d->class,
				 d->subclass, d->prog_if);
	case 3:
		return ksnprintf(buf, size, "0x%02x\n", d->revision);
	case 4:
		return ksnprintf(buf, size, "0x%04x\n", d->subsys_vendor);
	case 5:
		return ksnprintf(buf, size, "0x%04x\n", d->subsys_id);
	default:
		return ksnprintf(buf, size, "%u\n", d->irq_line);
	}
}

/* Block device attributes (Documentation/ABI/stable/sysfs-block). */
static const char *const disk_attrs[] = { "dev", "size", "ro", "removable",
					  NULL };
static const char *const part_attrs[] = { "dev",   "size",	"ro",
					  "start", "partition", NULL };

static const char *const *blk_attrs(const struct blkdev *d)
{
	return d->parent ? part_attrs : disk_attrs;
}

static int blk_attr_text(const struct blkdev *d, unsigned attr, char *buf,
			 size_t size)
{
	const char *name = blk_attrs(d)[attr];
	const struct blkdev *disk = d->parent ? d->parent : d;

	if (!strcmp(name, "dev"))
		return ksnprintf(buf, size, "%u:%u\n", MAJOR(d->devnum),
				 MINOR(d->devnum));
	if (!strcmp(name, "size"))
		return ksnprintf(buf, size, "%llu\n",
				 (unsigned long long)d->sectors);
	if (!strcmp(name, "ro"))
		return ksnprintf(buf, size, "%d\n",
				 !!(disk->flags & BLKDEV_READONLY));
	if (!strcmp(name, "removable"))
		return ksnprintf(buf, size, "%d\n",
				 !!(d->flags & BLKDEV_REMOVABLE));
	if (!strcmp(name, "start"))
		return ksnprintf(buf, size, "%llu\n",
				 (unsigned long long)d->start);
	return ksnprintf(buf, size, "%u\n", d->partno);
}

static int pci_name(const struct pci_dev *d, char *buf, size_t size)
{
	return ksnprintf(buf, size, "0000:%02x:%02x.%x", d->bus, d->dev, d->fn);
}

/* Finds name in a /sys/block directory: true and *found if it is there. */
static bool blk_lookup(const struct sys_node *n, const char *name,
		       struct sys_node *found)
{
	if (n->kind == SK_BLK_DEV) {
		const char *const *a = blk_attrs(n->blk);

		for (unsigned i = 0; a[i]; i++)
			if (!strcmp(a[i], name)) {
				*found = (struct sys_node){ SK_BLK_ATTR, NULL,
							    NULL, i, n->blk };
				return true;
			}
		if (n->blk->parent)
			return false;
	}
	for (struct blkdev *d = blk_next(NULL); d; d = blk_next(d)) {
		struct blkdev *want = n->kind == SK_BLOCK ? NULL : n->blk;

		if (d->parent == want && !strcmp(d->name, name)) {
			*found = (struct sys_node){ SK_BLK_DEV, NULL, NULL, 0,
						    d };
			return true;
		}
	}
	return false;
}

/* Lists a /sys/block directory from position *index on. false when
 * the caller's buffer is full. */
static bool blk_iterate(const struct sys_node *n, struct dir_context *ctx,
			int64_t *index)
{
	struct blkdev *parent = n->kind == SK_BLOCK ? NULL : n->blk;

	if (n->kind == SK_BLK_DEV) {
		const char *const *a = blk_attrs(n->blk);

		for (unsigned i = 0; a[i]; i++, (*index)++) {
			if (*index < ctx->pos)
				continue;
			if (!ctx->fill(ctx, a[i], strlen(a[i]), 4000 + *index,
				       DT_REG))
				return false;
			ctx->pos++;
		}
		if (n->blk->parent)
			return true;
	}
	for (struct blkdev *d = blk_next(NULL); d; d = blk_next(d)) {
		if (d->parent != parent)
			continue;
		if (*index >= ctx->pos) {
			if (!ctx->fill(ctx, d->name, strlen(d->name),
				       5000 + *index, DT_DIR))
				return false;
			ctx->pos++;
		}
		(*index)++;
	}
	return true;
}

static const struct inode_ops sys_dir_iops;
static const struct file_ops sys_dir_fops, sys_file_fops;

static struct inode *make_inode(struct super_block *sb, struct sys_node n)
{
	bool dir = n.kind != SK_PCI_ATTR && n.kind != SK_BLK_ATTR;
	struct inode *i =
		inode_alloc(sb, dir ? S_IFDIR | 0755 : S_IFREG | 0444);
	struct sys_node *priv = kmalloc(sizeof(*priv));

	if (!i || !priv) {
		kfree(priv);
		if (i)
			inode_put(i);
		return NULL;
	}
	*priv = n;
	i->private = priv;
	if (dir) {
		i->iops = &sys_dir_iops;
		i->fops = &sys_dir_fops;
		i->nlink = 2;
	} else {
		i->fops = &sys_file_fops;
		i->size = 4096; /* as Linux reports attribute files */
	}
	return i;
}

static int sys_lookup(struct inode *dir, struct dentry *d)
{
	const struct sys_node *n = dir->private;
	struct sys_node found = { SK_DIR, NULL, NULL, 0, NULL };
	bool ok = false;
	struct inode *i;
	char name[16];

	switch (n->kind) {
	case SK_DIR:
		for (const struct sys_dir *c = n->dir->children; c->name; c++)
			if (!strcmp(c->name, d->name)) {
				found = (struct sys_node){ c->kind, c, NULL, 0,
							   NULL };
				ok = true;
			}
		break;
	case SK_PCI_DEVICES:
		for (struct pci_dev *p = pci_first(); p && !ok; p = p->next) {
			pci_name(p, name, sizeof(name));
			if (!strcmp(name, d->name)) {
				found = (struct sys_node){ SK_PCI_DEV, NULL, p,
							   0, NULL };
				ok = true;
			}
		}
		break;
	case SK_PCI_DEV:
		for (unsigned a = 0; a < ARRAY_SIZE(pci_attrs) && !ok; a++)
			if (!strcmp(pci_attrs[a], d->name)) {
				found = (struct sys_node){ SK_PCI_ATTR, NULL,
							   n->pci, a, NULL };
				ok = true;
			}
		break;
	case SK_BLOCK:
	case SK_BLK_DEV:
		ok = blk_lookup(n, d->name, &found);
		break;
	default:
		return -ENOTDIR;
	}
	if (!ok)
		return 0; /* negative */
	i = make_inode(dir->sb, found);
	if (!i)
		return -ENOMEM;
	dentry_instantiate(d, i);
	return 0;
}

/* Positions: 0 ".", 1 "..", then the entries in order. */
static int sys_iterate(struct file *f, struct dir_context *ctx)
{
	const struct sys_node *n = f->inode->private;
	int64_t index = 2;
	char name[16];

	if (!dir_emit_dots(f, ctx))
		return 0;
	switch (n->kind) {
	case SK_DIR:
		for (const struct sys_dir *c = n->dir->children; c->name;
		     c++, index++)
			if (index >= ctx->pos) {
				if (!ctx->fill(ctx, c->name, strlen(c->name),
					       1000 + index, DT_DIR))
					return 0;
				ctx->pos++;
			}
		break;
	case SK_PCI_DEVICES:
		for (struct pci_dev *p = pci_first(); p; p = p->next, index++)
			if (index >= ctx->pos) {
				size_t len =
					(size_t)pci_name(p, name, sizeof(name));
				if (!ctx->fill(ctx, name, len, 2000 + index,
					       DT_DIR))
					return 0;
				ctx->pos++;
			}
		break;
	case SK_PCI_DEV:
		for (unsigned a = 0; a < ARRAY_SIZE(pci_attrs); a++, index++)
			if (index >= ctx->pos) {
				if (!ctx->fill(ctx, pci_attrs[a],
					       strlen(pci_attrs[a]),
					       3000 + index, DT_REG))
					return 0;
				ctx->pos++;
			}
		break;
	case SK_BLOCK:
	case SK_BLK_DEV:
		blk_iterate(n, ctx, &index);
		break;
	default:
		return -ENOTDIR;
	}
	return 0;
}

static int64_t sys_dir_llseek(struct file *f, int64_t off, int whence)
{
	(void)f;
	return whence == SEEK_SET && off >= 0 ? off : -EINVAL;
}

static ssize_t sys_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	const struct sys_node *n = f->inode->private;
	char text[32];
	size_t len = (size_t)(n->kind == SK_BLK_ATTR ?
				      blk_attr_text(n->blk, n->attr, text,
						    sizeof(text)) :
				      pci_attr_text(n->pci, n->attr, text,
						    sizeof(text)));
	size_t k;

	if (*pos >= len)
		return 0;
	k = MIN(b->len, len - (size_t)*pos);
	if (iobuf_put(b, 0, text + *pos, k))
		return -EFAULT;
	*pos += k;
	return (ssize_t)k;
}

static const struct inode_ops sys_dir_iops = { .lookup = sys_lookup };
static const struct file_ops sys_dir_fops = {
	.iterate = sys_iterate,
	.llseek = sys_dir_llseek,
};
static const struct file_ops sys_file_fops = { .read = sys_read };

static void sys_destroy_inode(struct inode *i)
{
	kfree(i->private);
}

static const struct super_ops sys_super_ops = {
	.destroy_inode = sys_destroy_inode,
	.statfs = simple_statfs,
	.drop_dentry = always_drop_dentry,
};

static struct super_block *sys_mount(struct fs_type *type, const char *dev,
				     unsigned flags, const char *opts)
{
	struct super_block *sb = super_alloc(type, &sys_super_ops, SYSFS_MAGIC);
	struct inode *r;

	(void)dev;
	(void)flags;
	(void)opts;
	if (!sb)
		return ERR_PTR(-ENOMEM);
	r = make_inode(sb, (struct sys_node){ SK_DIR, &root, NULL, 0, NULL });
	return super_set_root(sb, r);
}

struct fs_type sysfs_type = { .name = "sysfs",
			      .mount = sys_mount,
			      .nodev = true };
