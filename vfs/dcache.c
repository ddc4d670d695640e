/* SPDX-License-Identifier: MIT */
/*
 * The dentry cache: names in directories, each pointing at an inode or
 * recording that the name does not exist. For tmpfs the cache is the
 * directory itself (dentries are pinned while their inode lives).
 */
#include "vfs/vfs.h"

static struct spinlock dcache_lock = SPINLOCK_INIT("dcache");

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

struct dentry *dentry_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->name = kmalloc(len + 1);
	if (!d->name) {
		kfree(d);
		return NULL;
	}
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->hash = name_hash(name, len);
	d->refcount = 1;
	list_init(&d->children);
	list_init(&d->sibling);
	if (parent) {
		d->parent = dget(parent);
		d->sb = parent->sb;
		bool irq = spin_lock_irqsave(&dcache_lock);
		list_add_tail(&d->sibling, &parent->children);
		spin_unlock_irqrestore(&dcache_lock, irq);
	} else {
		d->parent = d;
	}
	return d;
}

struct dentry *dget(struct dentry *d)
{
	__atomic_add_fetch(&d->refcount, 1, __ATOMIC_RELAXED);
	return d;
}

/* Unused dentries stay cached unless negative on a dynamic file system
 * or the file system says so; pinned ones (tmpfs) stay while positive. */
void dput(struct dentry *d)
{
	while (d) {
		struct dentry *parent;
		bool drop, irq;

		if (__atomic_sub_fetch(&d->refcount, 1, __ATOMIC_ACQ_REL) > 0)
			return;
		drop = !d->pinned && d->parent != d && !d->mounted &&
		       (!d->inode || (d->sb->ops && d->sb->ops->drop_dentry &&
				      d->sb->ops->drop_dentry(d)));
		if (!drop)
			return;
		irq = spin_lock_irqsave(&dcache_lock);
		if (!list_empty(&d->children)) {
			spin_unlock_irqrestore(&dcache_lock, irq);
			return;
		}
		list_del(&d->sibling);
		spin_unlock_irqrestore(&dcache_lock, irq);
		parent = d->parent;
		inode_put(d->inode);
		kfree(d->name);
		kfree(d);
		d = parent;
	}
}

/* The cached child of dir called name, referenced, or NULL. */
static struct dentry *cache_find(struct dentry *dir, const char *name,
				 size_t len)
{
	uint32_t h = name_hash(name, len);
	struct dentry *d, *found = NULL;
	bool irq = spin_lock_irqsave(&dcache_lock);

	list_for_each_entry(d, &dir->children, sibling)
	{
		if (d->hash == h && !strncmp(d->name, name, len) &&
		    d->name[len] == '\0') {
			found = dget(d);
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, irq);
	return found;
}

/* Caller holds dir's inode lock. */
struct dentry *dentry_lookup(struct dentry *dir, const char *name, size_t len)
{
	struct inode *di = dir->inode;
	struct dentry *d = cache_find(dir, name, len);
	const struct super_ops *ops = dir->sb->ops;
	int err;

	if (d && d->inode && ops && ops->revalidate && !ops->revalidate(d)) {
		/* Stale (a pty that went away): out of the cache; whoever
		 * still holds it keeps it until dput. */
		bool irq = spin_lock_irqsave(&dcache_lock);

		list_del(&d->sibling);
		list_init(&d->sibling);
		spin_unlock_irqrestore(&dcache_lock, irq);
		dput(d);
		d = NULL;
	}
	if (d)
		return d;
	d = dentry_alloc(dir, name, len);
	if (!d)
		return ERR_PTR(-ENOMEM);
	if (di->iops && di->iops->lookup) {
		err = di->iops->lookup(di, d);
		if (err) {
			dput(d);
			return ERR_PTR(err);
		}
	}
	return d;
}

void dentry_instantiate(struct dentry *d, struct inode *inode)
{
	d->inode = inode;
}

/* Every child of dir, for readdir on dcache-backed directories: calls fn
 * for each positive one from index start; fn returns false to stop. */
int dentry_for_each_child(struct dentry *dir, int64_t start,
			  bool (*fn)(struct dentry *d, void *ctx), void *ctx)
{
	struct dentry *d;
	int64_t index = 0;
	bool irq = spin_lock_irqsave(&dcache_lock);

	list_for_each_entry(d, &dir->children, sibling)
	{
		if (!d->inode)
			continue;
		if (index++ < start)
			continue;
		if (!fn(d, ctx))
			break;
	}
	spin_unlock_irqrestore(&dcache_lock, irq);
	return 0;
}

/* Moves d under a new parent with a new name (rename). */
int dentry_move(struct dentry *d, struct dentry *new_parent, const char *name,
		size_t len)
{
	char *n = kmalloc(len + 1);
	struct dentry *old_parent = d->parent;
	bool irq;

	if (!n)
		return -ENOMEM;
	memcpy(n, name, len);
	n[len] = '\0';
	irq = spin_lock_irqsave(&dcache_lock);
	list_del(&d->sibling);
	list_add_tail(&d->sibling, &new_parent->children);
	kfree(d->name);
	d->name = n;
	d->hash = name_hash(name, len);
	d->parent = new_parent;
	spin_unlock_irqrestore(&dcache_lock, irq);
	dget(new_parent);
	dput(old_parent);
	return 0;
}

/* Takes d out of its directory's list: no lookup finds it again. */
void dentry_unhash(struct dentry *d)
{
	bool irq = spin_lock_irqsave(&dcache_lock);

	list_del(&d->sibling);
	spin_unlock_irqrestore(&dcache_lock, irq);
}

void path_get(const struct path *p)
{
	if (p->mnt)
		mount_get(p->mnt);
	if (p->dentry)
		dget(p->dentry);
}

void path_put(const struct path *p)
{
	if (p->dentry)
		dput(p->dentry);
	if (p->mnt)
		mount_put(p->mnt);
}

/* Builds the name backwards from p up to the caller's root, crossing
 * mounts (Linux's d_path). */
int path_name(const struct path *p, char *buf, size_t size)
{
	struct fs_struct *fs = current->fs;
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	char *end = buf + size, *s = end;
	bool irq;

	if (size < 2)
		return -ERANGE;
	*--s = '\0';
	irq = spin_lock_irqsave(&dcache_lock);
	while (!(d == fs->root.dentry && mnt == fs->root.mnt)) {
		size_t len;

		if (d == mnt->root) {
			if (mnt->parent == mnt)
				break; /* the top: outside our root */
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		len = strlen(d->name);
		if ((size_t)(s - buf) < len + 2) {
			spin_unlock_irqrestore(&dcache_lock, irq);
			return -ENAMETOOLONG;
		}
		s -= len;
		memcpy(s, d->name, len);
		*--s = '/';
		d = d->parent;
	}
	spin_unlock_irqrestore(&dcache_lock, irq);
	if (*s == '\0')
		*--s = '/';
	memmove(buf, s, end - s);
	return (int)(end - s - 1);
}
