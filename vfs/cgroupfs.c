/* SPDX-License-Identifier: MIT */
/*
 * The cgroup2 file system: one directory per control group (proc/cgroup.c)
 * with its interface files, as Documentation/admin-guide/cgroup-v2.rst
 * describes them. mkdir makes a group, rmdir removes an empty one, and
 * writing a pid to cgroup.procs moves that process. Every mount shows the
 * same hierarchy. No controllers exist, so cgroup.controllers is empty.
 */
#include "vfs/vfs.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

enum cg_file {
	CF_CONTROLLERS,
	CF_SUBTREE_CONTROL,
	CF_PROCS,
	CF_THREADS,
	CF_STAT,
	CF_MAX_DEPTH,
	CF_MAX_DESCENDANTS,
	CF_TYPE, /* from here on: not in the root */
	CF_EVENTS,
	CF_KILL,
	CF_COUNT,
};
#define CF_ROOT_COUNT CF_TYPE

static const struct {
	const char *name;
	uint32_t mode;
} cg_files[CF_COUNT] = {
	[CF_CONTROLLERS] = { "cgroup.controllers", 0444 },
	[CF_SUBTREE_CONTROL] = { "cgroup.subtree_control", 0644 },
	[CF_PROCS] = { "cgroup.procs", 0644 },
	[CF_THREADS] = { "cgroup.threads", 0644 },
	[CF_STAT] = { "cgroup.stat", 0444 },
	[CF_MAX_DEPTH] = { "cgroup.max.depth", 0644 },
	[CF_MAX_DESCENDANTS] = { "cgroup.max.descendants", 0644 },
	[CF_TYPE] = { "cgroup.type", 0644 },
	[CF_EVENTS] = { "cgroup.events", 0444 },
	[CF_KILL] = { "cgroup.kill", 0200 },
};

/* An inode: a group's directory (file < 0) or one of its files. */
struct cg_node {
	struct cgroup *cg; /* referenced */
	int file;
};

static const struct inode_ops cg_dir_iops;
static const struct file_ops cg_dir_fops, cg_file_fops;

static unsigned nfiles(const struct cgroup *cg)
{
	return cg == &cgroup_root ? CF_ROOT_COUNT : CF_COUNT;
}

/* Inode numbers from the group's id: stable across lookups and mounts. */
static struct inode *make_inode(struct super_block *sb, struct cgroup *cg,
				int file)
{
	bool dir = file < 0;
	struct inode *i = inode_alloc(sb, dir ? S_IFDIR | 0755 :
						S_IFREG | cg_files[file].mode);
	struct cg_node *n = kmalloc(sizeof(*n));

	if (!i || !n) {
		kfree(n);
		if (i)
			inode_put(i);
		return NULL;
	}
	cgroup_get(cg);
	n->cg = cg;
	n->file = file;
	i->private = n;
	i->ino = cg->id * 16 + (uint64_t)(file + 1);
	i->uid = i->gid = 0;
	if (dir) {
		i->iops = &cg_dir_iops;
		i->fops = &cg_dir_fops;
		i->nlink = 2;
	} else {
		i->fops = &cg_file_fops;
	}
	return i;
}

static struct cg_node *node(struct inode *i)
{
	return i->private;
}

static int cg_lookup(struct inode *dir, struct dentry *d)
{
	struct cgroup *cg = node(dir)->cg, *child;
	struct inode *i = NULL;

	for (unsigned f = 0; f < nfiles(cg); f++)
		if (!strcmp(cg_files[f].name, d->name))
			i = make_inode(dir->sb, cg, (int)f);
	if (!i && (child = cgroup_child(cg, d->name))) {
		i = make_inode(dir->sb, child, -1);
		cgroup_put(child);
	} else if (!i) {
		return 0; /* negative */
	}
	if (!i)
		return -ENOMEM;
	dentry_instantiate(d, i);
	return 0;
}

static int cg_mkdir(struct inode *dir, struct dentry *d, uint32_t mode)
{
	struct cgroup *cg;
	struct inode *i;

	(void)mode;
	for (unsigned f = 0; f < CF_COUNT; f++)
		if (!strcmp(cg_files[f].name, d->name))
			return -EEXIST;
	cg = cgroup_mkdir(node(dir)->cg, d->name);
	if (IS_ERR(cg))
		return (int)PTR_ERR(cg);
	i = make_inode(dir->sb, cg, -1);
	cgroup_put(cg);
	if (!i) {
		cgroup_rmdir(cg);
		return -ENOMEM;
	}
	dentry_instantiate(d, i);
	return 0;
}

static int cg_rmdir(struct inode *dir, struct dentry *d)
{
	(void)dir;
	return cgroup_rmdir(node(d->inode)->cg);
}

/* Positions: 0 ".", 1 "..", then the files, then the child groups. */
static int cg_iterate(struct file *f, struct dir_context *ctx)
{
	struct cgroup *cg = node(f->inode)->cg, *child;
	int64_t nf = nfiles(cg);

	if (!dir_emit_dots(f, ctx))
		return 0;
	for (; ctx->pos - 2 < nf; ctx->pos++) {
		const char *name = cg_files[ctx->pos - 2].name;
		if (!ctx->fill(ctx, name, strlen(name),
			       cg->id * 16 + (uint64_t)(ctx->pos - 1), DT_REG))
			return 0;
	}
	while ((child = cgroup_nth_child(cg, ctx->pos - 2 - nf))) {
		bool more = ctx->fill(ctx, child->name, strlen(child->name),
				      child->id * 16, DT_DIR);
		cgroup_put(child);
		if (!more)
			return 0;
		ctx->pos++;
	}
	return 0;
}

static int64_t cg_dir_llseek(struct file *f, int64_t off, int whence)
{
	(void)f;
	return whence == SEEK_SET && off >= 0 ? off : -EINVAL;
}

/* ---- the interface files: generated at open, parsed at write ---- */

struct cg_text {
	char *buf;
	size_t size, len;
};

static void add_pid(int pid, void *arg)
{
	struct cg_text *t = arg;

	if (t->len < t->size)
		t->len += (size_t)ksnprintf(t->buf + t->len, t->size - t->len,
					    "%d\n", pid);
}

static void show_limit(struct cg_text *t, int value)
{
	if (value == INT32_MAX)
		t->len = (size_t)ksnprintf(t->buf, t->size, "max\n");
	else
		t->len = (size_t)ksnprintf(t->buf, t->size, "%d\n", value);
}

static void generate(struct cgroup *cg, int file, struct cg_text *t)
{
	t->len = 0;
	switch (file) {
	case CF_PROCS:
	case CF_THREADS: /* no threaded groups: the same processes */
		cgroup_for_each_pid(cg, false, add_pid, t);
		t->len = MIN(t->len, t->size);
		break;
	case CF_STAT:
		t->len = (size_t)ksnprintf(t->buf, t->size,
					   "nr_descendants "
					   "%d\nnr_dying_descendants 0\n",
					   cgroup_nr_descendants(cg));
		break;
	case CF_MAX_DEPTH:
		show_limit(t, cg->max_depth);
		break;
	case CF_MAX_DESCENDANTS:
		show_limit(t, cg->max_descendants);
		break;
	case CF_TYPE:
		t->len = (size_t)ksnprintf(t->buf, t->size, "domain\n");
		break;
	case CF_EVENTS:
		t->len = (size_t)ksnprintf(t->buf, t->size,
					   "populated %d\nfrozen 0\n",
					   cgroup_populated(cg) ? 1 : 0);
		break;
	case CF_CONTROLLERS:
	case CF_SUBTREE_CONTROL:
		t->len = (size_t)ksnprintf(t->buf, t->size, "\n");
		break;
	default: /* cgroup.kill is write-only */
		break;
	}
}

#define CG_TEXT_SIZE 16384

static int cg_open(struct inode *i, struct file *f)
{
	struct cg_text *t = kzalloc(sizeof(*t));

	if (!t || !(t->buf = kmalloc(CG_TEXT_SIZE))) {
		kfree(t);
		return -ENOMEM;
	}
	t->size = CG_TEXT_SIZE;
	if ((f->flags & O_ACCMODE) != O_WRONLY)
		generate(node(i)->cg, node(i)->file, t);
	f->private = t;
	return 0;
}

static void cg_release(struct inode *i, struct file *f)
{
	struct cg_text *t = f->private;

	(void)i;
	kfree(t->buf);
	kfree(t);
}

static ssize_t cg_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct cg_text *t = f->private;
	size_t k;

	if (*pos >= t->len)
		return 0;
	k = MIN(b->len, t->len - (size_t)*pos);
	if (iobuf_put(b, 0, t->buf + *pos, k))
		return -EFAULT;
	*pos += k;
	return (ssize_t)k;
}

/* A decimal number or "max" (for the limits), surrounded by blanks. */
static int parse_value(const char *s, bool allow_max, int *out)
{
	long v = 0;
	bool digits = false;

	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	if (allow_max && !strncmp(s, "max", 3)) {
		*out = INT32_MAX;
		s += 3;
	} else {
		for (; *s >= '0' && *s <= '9'; s++, digits = true)
			if ((v = v * 10 + (*s - '0')) > INT32_MAX)
				return -ERANGE;
		if (!digits)
			return -EINVAL;
		*out = (int)v;
	}
	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	return *s ? -EINVAL : 0;
}

static int store(struct cgroup *cg, int file, const char *s)
{
	int v, err;

	switch (file) {
	case CF_PROCS:
	case CF_THREADS:
		err = parse_value(s, false, &v);
		return err ? err : cgroup_attach(cg, v);
	case CF_MAX_DEPTH:
	case CF_MAX_DESCENDANTS:
		if ((err = parse_value(s, true, &v)))
			return err;
		if (file == CF_MAX_DEPTH)
			cg->max_depth = v;
		else
			cg->max_descendants = v;
		return 0;
	case CF_KILL:
		if ((err = parse_value(s, false, &v)) || v != 1)
			return err ? err : -ERANGE;
		cgroup_kill(cg);
		return 0;
	case CF_SUBTREE_CONTROL:
		/* Only an empty list is valid: there are no controllers to
		 * enable ("+memory" names one that does not exist). */
		for (; *s; s++)
			if (*s != ' ' && *s != '\n' && *s != '\t')
				return -EINVAL;
		return 0;
	case CF_TYPE:
		/* Groups stay "domain": threaded groups are not supported. */
		if (!strcmp(s, "domain") || !strcmp(s, "domain\n"))
			return 0;
		return !strncmp(s, "threaded", 8) ? -EOPNOTSUPP : -EINVAL;
	default:
		return -EINVAL;
	}
}

static ssize_t cg_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	char buf[64];
	int err;

	(void)pos;
	if (b->len >= sizeof(buf))
		return -EINVAL;
	if (iobuf_get(b, 0, buf, b->len))
		return -EFAULT;
	buf[b->len] = 0;
	err = store(node(f->inode)->cg, node(f->inode)->file, buf);
	return err ? err : (ssize_t)b->len;
}

static const struct inode_ops cg_dir_iops = {
	.lookup = cg_lookup,
	.mkdir = cg_mkdir,
	.rmdir = cg_rmdir,
};
static const struct file_ops cg_dir_fops = {
	.iterate = cg_iterate,
	.llseek = cg_dir_llseek,
};
static const struct file_ops cg_file_fops = {
	.open = cg_open,
	.release = cg_release,
	.read = cg_read,
	.write = cg_write,
};

static void cg_destroy_inode(struct inode *i)
{
	struct cg_node *n = i->private;

	if (n) {
		cgroup_put(n->cg);
		kfree(n);
	}
}

static const struct super_ops cg_super_ops = {
	.destroy_inode = cg_destroy_inode,
	.statfs = simple_statfs,
	.drop_dentry = always_drop_dentry,
};

static struct super_block *cg_mount(struct fs_type *type, const char *dev,
				    unsigned flags, const char *opts)
{
	struct super_block *sb =
		super_alloc(type, &cg_super_ops, CGROUP2_SUPER_MAGIC);

	(void)dev;
	(void)flags;
	(void)opts; /* nsdelegate, memory_recursiveprot: nothing to change */
	if (!sb)
		return ERR_PTR(-ENOMEM);
	return super_set_root(sb, make_inode(sb, &cgroup_root, -1));
}

struct fs_type cgroup2_type = { .name = "cgroup2",
				.mount = cg_mount,
				.nodev = true };
