/* SPDX-License-Identifier: MIT */
/* File system types, super blocks, the mount tree, mount(2), umount2(2)
 * and the text of /proc/mounts. */
#include "vfs/vfs.h"

struct mount *root_mount;
LIST_HEAD(mount_list);
static struct spinlock mount_lock = SPINLOCK_INIT("mounts");
static struct fs_type *fs_types;
static int next_mount_id = 1;
static unsigned next_anon_dev = 1;

void fs_type_register(struct fs_type *t)
{
	t->next = fs_types;
	fs_types = t;
}

struct fs_type *fs_type_find(const char *name)
{
	for (struct fs_type *t = fs_types; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* /proc/filesystems */
size_t fs_types_show(char *buf, size_t size)
{
	size_t n = 0;

	for (struct fs_type *t = fs_types; t; t = t->next)
		n += ksnprintf(buf + n, n < size ? size - n : 0, "%s\t%s\n",
			       t->nodev ? "nodev" : "", t->name);
	return MIN(n, size);
}

int simple_statfs(struct super_block *sb, struct statfs_info *st)
{
	(void)sb;
	st->bsize = 4096;
	st->namelen = NAME_MAX;
	return 0;
}

bool always_drop_dentry(struct dentry *d)
{
	(void)d;
	return true;
}

struct super_block *super_set_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = root ? dentry_alloc(NULL, "/", 1) : NULL;

	if (!d) {
		if (root)
			inode_put(root);
		kfree(sb);
		return ERR_PTR(-ENOMEM);
	}
	d->sb = sb;
	d->inode = root;
	sb->root = d;
	return sb;
}

struct super_block *super_alloc(struct fs_type *type,
				const struct super_ops *ops, uint64_t magic)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->type = type;
	sb->ops = ops;
	sb->magic = magic;
	sb->refcount = 1;
	/* Anonymous devices are major 0, as Linux's get_anon_bdev. */
	sb->dev = MKDEV(0, __atomic_fetch_add(&next_anon_dev, 1,
					      __ATOMIC_RELAXED));
	return sb;
}

void mount_get(struct mount *m)
{
	__atomic_add_fetch(&m->refcount, 1, __ATOMIC_RELAXED);
}

/* Each mount holds a reference on its super block; the last one going
 * lets the file system write back and mark the volume clean. */
static void super_put(struct super_block *sb)
{
	if (__atomic_sub_fetch(&sb->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (sb->ops && sb->ops->put_super)
		sb->ops->put_super(sb);
}

void mount_put(struct mount *m)
{
	struct super_block *sb;

	if (__atomic_sub_fetch(&m->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	/* A detached mount, now unused. The super block stays (its
	 * dentries may still be cached); tmpfs memory is freed with its
	 * inodes as they go. */
	sb = m->sb;
	dput(m->root);
	kfree(m->source);
	kfree(m);
	super_put(sb);
}

struct mount *mount_lookup(struct mount *mnt, struct dentry *d)
{
	struct mount *m, *found = NULL;
	bool irq;

	if (!d->mounted)
		return NULL;
	irq = spin_lock_irqsave(&mount_lock);
	list_for_each_entry(m, &mount_list,
			    link) if (m->parent == mnt && m->mountpoint == d)
		found = m; /* the last one is on top */
	spin_unlock_irqrestore(&mount_lock, irq);
	return found;
}

int mount_want_write(const struct path *p)
{
	if ((p->mnt->flags & MS_RDONLY) || (p->dentry->sb->flags & MS_RDONLY))
		return -EROFS;
	return 0;
}

static struct mount *mount_new(struct super_block *sb, struct dentry *root,
			       const char *source, unsigned flags)
{
	struct mount *m = kzalloc(sizeof(*m));

	if (!m)
		return NULL;
	m->source = kmalloc(strlen(source) + 1);
	if (!m->source) {
		kfree(m);
		return NULL;
	}
	strlcpy(m->source, source, strlen(source) + 1);
	m->sb = sb;
	m->root = dget(root);
	m->refcount = 1; /* the tree's */
	m->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
			    MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
	m->id = __atomic_fetch_add(&next_mount_id, 1, __ATOMIC_RELAXED);
	return m;
}

/* Attaches m on top of (parent, mountpoint). */
static void attach(struct mount *m, struct mount *parent,
		   struct dentry *mountpoint)
{
	bool irq = spin_lock_irqsave(&mount_lock);

	m->parent = parent ? parent : m;
	if (parent) { /* the root mount sits on nothing */
		m->mountpoint = dget(mountpoint);
		mount_get(parent);
		mountpoint->mounted++;
	}
	list_add_tail(&m->link, &mount_list);
	spin_unlock_irqrestore(&mount_lock, irq);
}

/* Mounts the root file system: done once at boot. */
int vfs_mount_root(const char *type, const char *opts)
{
	struct fs_type *t = fs_type_find(type);
	struct super_block *sb;

	if (!t)
		return -ENODEV;
	sb = t->mount(t, "rootfs", 0, opts);
	if (IS_ERR(sb))
		return PTR_ERR(sb);
	root_mount = mount_new(sb, sb->root, "rootfs", 0);
	if (!root_mount)
		return -ENOMEM;
	attach(root_mount, NULL, NULL);
	return 0;
}

/* Takes m off its mount point (mount_lock held): the tree's references
 * to the old parent and mount point are handed to the caller in *old. */
static void detach_locked(struct mount *m, struct path *old)
{
	old->mnt = m->parent;
	old->dentry = m->mountpoint;
	m->mountpoint->mounted--;
	m->parent = m;
	m->mountpoint = NULL;
}

/* Puts m on (parent, mountpoint), mount_lock held; takes references. */
static void attach_locked(struct mount *m, struct mount *parent,
			  struct dentry *mountpoint)
{
	m->parent = parent;
	m->mountpoint = dget(mountpoint);
	mount_get(parent);
	mountpoint->mounted++;
}

/* Is mount m at or below mount top (following parents)? */
static bool mount_under(struct mount *m, struct mount *top)
{
	for (;; m = m->parent) {
		if (m == top)
			return true;
		if (m->parent == m)
			return false;
	}
}

/* Is d at or below dentry top, within one file system? */
static bool dentry_is_under(struct dentry *d, struct dentry *top)
{
	for (;; d = d->parent) {
		if (d == top)
			return true;
		if (d->parent == d)
			return false;
	}
}

/* mount --move: the mount whose root is source goes to at. */
static int do_move(const struct path *at, const char *source)
{
	struct path src, old;
	struct mount *m;
	bool irq;
	int err = path_lookup_at(AT_FDCWD, source, LOOKUP_FOLLOW, &src);

	if (err)
		return err;
	m = src.mnt;
	if (src.dentry != m->root || m == root_mount || m->parent == m)
		err = -EINVAL;
	else if (!S_ISDIR(at->dentry->inode->mode))
		err = -ENOTDIR;
	else if (mount_under(at->mnt, m))
		err = -ELOOP; /* into itself */
	if (err) {
		path_put(&src);
		return err;
	}
	irq = spin_lock_irqsave(&mount_lock);
	detach_locked(m, &old);
	attach_locked(m, at->mnt, at->dentry);
	/* Last in the list: on top of anything already at the target. */
	list_del(&m->link);
	list_add_tail(&m->link, &mount_list);
	spin_unlock_irqrestore(&mount_lock, irq);
	path_put(&old);
	path_put(&src);
	return 0;
}

static int do_new_mount(const struct path *at, const char *source,
			const char *type, unsigned flags, const char *opts)
{
	struct fs_type *t = fs_type_find(type);
	struct super_block *sb;
	struct mount *m;

	if (!t)
		return -ENODEV;
	sb = t->mount(t, source, flags, opts);
	if (IS_ERR(sb))
		return PTR_ERR(sb);
	if (flags & MS_RDONLY)
		sb->flags |= MS_RDONLY;
	m = mount_new(sb, sb->root, source, flags);
	if (!m)
		return -ENOMEM;
	attach(m, at->mnt, at->dentry);
	return 0;
}

static int do_bind(const struct path *at, const char *source, unsigned flags)
{
	struct path src;
	struct mount *m;
	int err = path_lookup_at(AT_FDCWD, source, LOOKUP_FOLLOW, &src);

	if (err)
		return err;
	m = mount_new(src.mnt->sb, src.dentry, src.mnt->source,
		      flags | (src.mnt->flags & ~MS_RDONLY));
	path_put(&src);
	if (!m)
		return -ENOMEM;
	__atomic_add_fetch(&m->sb->refcount, 1, __ATOMIC_RELAXED);
	attach(m, at->mnt, at->dentry);
	return 0;
}

/* mount -o remount: the mount must be the one at target. */
static int do_remount(const struct path *at, unsigned flags, const char *opts)
{
	struct mount *m = at->mnt;
	int err = 0;

	if (at->dentry != m->root)
		return -EINVAL;
	if (flags & MS_BIND) { /* per-mount flags only */
		m->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV |
				    MS_NOEXEC | MS_NOATIME | MS_RELATIME);
		return 0;
	}
	if (m->sb->ops && m->sb->ops->remount)
		err = m->sb->ops->remount(m->sb, flags, opts);
	if (err)
		return err;
	if (flags & MS_RDONLY)
		m->sb->flags |= MS_RDONLY;
	else
		m->sb->flags &= ~MS_RDONLY;
	m->flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
			    MS_NOATIME | MS_RELATIME);
	return 0;
}

int vfs_mount(const char *source, const char *target, const char *type,
	      unsigned flags, const char *opts)
{
	struct path at;
	int err;

	/* The old magic in the top half means nothing now (mount(2)). */
	if ((flags & 0xffff0000) == 0xc0ed0000)
		flags &= 0xffff;
	err = path_lookup_at(AT_FDCWD, target, LOOKUP_FOLLOW, &at);
	if (err)
		return err;
	if (flags & MS_REMOUNT)
		err = do_remount(&at, flags, opts);
	else if (flags & MS_BIND)
		err = do_bind(&at, source, flags);
	else if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | 1 << 17))
		err = 0; /* every mount is private: nothing propagates */
	else if (flags & MS_MOVE)
		err = source ? do_move(&at, source) : -EINVAL;
	else if (!S_ISDIR(at.dentry->inode->mode))
		err = -ENOTDIR;
	else
		err = do_new_mount(&at, source ? source : "none",
				   type ? type : "", flags, opts);
	path_put(&at);
	return err;
}

int vfs_mount_any(const char *source, const char *target, unsigned flags,
		  const char *opts, const char **type_out)
{
	int err = -ENODEV;

	for (struct fs_type *t = fs_types; t; t = t->next) {
		if (t->nodev)
			continue;
		err = vfs_mount(source, target, t->name, flags, opts);
		if (!err) {
			*type_out = t->name;
			return 0;
		}
	}
	return err;
}

static long sys_mount(uaddr_t usource, uaddr_t utarget, uaddr_t utype,
		      unsigned long flags, uaddr_t udata)
{
	char *source = NULL, *target, *type = NULL, *data = NULL;
	int err = 0;

	if (!capable())
		return -EPERM;
	target = path_from_user(utarget, &err);
	if (!target)
		return err;
	if (usource && !(source = path_from_user(usource, &err)))
		goto out;
	if (utype && !(type = path_from_user(utype, &err)))
		goto out;
	if (udata) {
		data = kzalloc(4096);
		if (!data) {
			err = -ENOMEM;
			goto out;
		}
		/* Options are text; a short read at the end of memory is
		 * fine as long as the string ended. */
		if (strncpy_from_user(data, udata, 4096) < 0 &&
		    copy_from_user(data, udata, 1)) {
			err = -EFAULT;
			goto out;
		}
		data[4096 - 1] = '\0';
	}
	err = vfs_mount(source, target, type, flags, data ? data : "");
out:
	kfree(source);
	kfree(target);
	kfree(type);
	kfree(data);
	return err;
}
SYSCALL_REGISTER(mount, sys_mount);

static bool has_children(struct mount *m)
{
	struct mount *c;

	list_for_each_entry(c, &mount_list,
			    link) if (c->parent == m && c != m) return true;
	return false;
}

static int do_umount(struct path *p, int flags)
{
	struct mount *m = p->mnt;
	bool irq;

	if (p->dentry != m->root)
		return -EINVAL;
	if (m == root_mount || m->parent == m)
		return -EBUSY;
	irq = spin_lock_irqsave(&mount_lock);
	/* Busy: references beyond the tree's and our lookup's, or mounts
	 * on top (umount(2)). MNT_DETACH unmounts anyway; the mount goes
	 * when its last user does. */
	if (!(flags & MNT_DETACH) && (m->refcount > 2 || has_children(m))) {
		spin_unlock_irqrestore(&mount_lock, irq);
		return -EBUSY;
	}
	list_del(&m->link);
	m->mountpoint->mounted--;
	spin_unlock_irqrestore(&mount_lock, irq);
	dput(m->mountpoint);
	mount_put(m->parent);
	m->parent = m;
	m->mountpoint = NULL;
	mount_put(m); /* the tree's reference */
	return 0;
}

static long sys_umount2(uaddr_t utarget, int flags)
{
	struct path p;
	char *target;
	int err = 0;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if (!capable())
		return -EPERM;
	target = path_from_user(utarget, &err);
	if (!target)
		return err;
	err = path_lookup_at(AT_FDCWD, target,
			     (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, &p);
	kfree(target);
	if (err)
		return err;
	err = do_umount(&p, flags);
	path_put(&p);
	return err;
}
SYSCALL_REGISTER(umount2, sys_umount2);

static size_t show_flags(char *buf, size_t size, unsigned f)
{
	return ksnprintf(buf, size, "%s%s%s%s%s", f & MS_RDONLY ? "ro" : "rw",
			 f & MS_NOSUID ? ",nosuid" : "",
			 f & MS_NODEV ? ",nodev" : "",
			 f & MS_NOEXEC ? ",noexec" : "",
			 f & MS_NOATIME ? ",noatime" : ",relatime");
}

/* One line of /proc/mounts (fstab format) or of mountinfo (proc(5)). */
static size_t show_mount(struct mount *m, char *buf, size_t size,
			 bool mountinfo)
{
	char where[256], opts[128] = "";
	struct path p = { m->parent, m->mountpoint };
	size_t n;

	if (m->parent == m)
		strlcpy(where, "/", sizeof(where));
	else if (path_name(&p, where, sizeof(where)) < 0)
		return 0;
	if (m->sb->ops && m->sb->ops->show_options)
		m->sb->ops->show_options(m->sb, opts, sizeof(opts));
	if (!mountinfo) {
		n = ksnprintf(buf, size, "%s %s %s ", m->source, where,
			      m->sb->type->name);
		n += show_flags(buf + n, n < size ? size - n : 0,
				m->flags | (m->sb->flags & MS_RDONLY));
		n += ksnprintf(buf + n, n < size ? size - n : 0, "%s 0 0\n",
			       opts);
		return n;
	}
	n = ksnprintf(buf, size, "%d %d %u:%u / %s ", m->id, m->parent->id,
		      MAJOR(m->sb->dev), MINOR(m->sb->dev), where);
	n += show_flags(buf + n, n < size ? size - n : 0, m->flags);
	n += ksnprintf(buf + n, n < size ? size - n : 0, " - %s %s %s%s\n",
		       m->sb->type->name, m->source,
		       m->sb->flags & MS_RDONLY ? "ro" : "rw", opts);
	return n;
}

ssize_t mounts_show(char *buf, size_t size, bool mountinfo)
{
	struct mount *m;
	size_t n = 0;
	bool irq = spin_lock_irqsave(&mount_lock);

	list_for_each_entry(m, &mount_list, link)
	{
		size_t k = show_mount(m, buf + n, size - n, mountinfo);
		if (n + k >= size)
			break;
		n += k;
	}
	spin_unlock_irqrestore(&mount_lock, irq);
	return n;
}

/* A task whose root or cwd was old gets new (pivot_root(2)). The old
 * root stays referenced by the tree, so the puts here never free. */
struct pivot_refs {
	struct path old, new;
};

static void repoint(struct path *p, const struct pivot_refs *r)
{
	if (p->mnt == r->old.mnt && p->dentry == r->old.dentry) {
		path_get(&r->new);
		path_put(p);
		*p = r->new;
	}
}

static void repoint_task(struct task *t, void *arg)
{
	struct fs_struct *fs = t->fs;
	bool irq;

	if (!fs)
		return;
	irq = spin_lock_irqsave(&fs->lock);
	repoint(&fs->root, arg);
	repoint(&fs->cwd, arg);
	spin_unlock_irqrestore(&fs->lock, irq);
}

/*
 * pivot_root(2): the mount at new_root becomes the root mount and the old
 * root is moved to put_old, which must be at or under new_root. Tasks
 * whose root or cwd was the old root now have the new one.
 */
static int do_pivot_root(struct path *new, struct path *put_old)
{
	struct mount *n = new->mnt, *old_root = root_mount;
	struct path root = current->fs->root, was;
	struct pivot_refs refs;
	bool irq;

	if (!S_ISDIR(new->dentry->inode->mode) ||
	    !S_ISDIR(put_old->dentry->inode->mode))
		return -ENOTDIR;
	/* The checks in Linux's order: neither may be on the root mount
	 * (EBUSY); the caller's root and new_root must be mount roots and
	 * put_old reachable from new_root (EINVAL). Unlike Linux's rootfs,
	 * Strix's first root mount may be pivoted away from. */
	if (n == old_root || put_old->mnt == old_root)
		return -EBUSY;
	if (root.mnt != old_root || root.dentry != old_root->root ||
	    new->dentry != n->root || n->parent == n ||
	    !mount_under(put_old->mnt, n) ||
	    (put_old->mnt == n && !dentry_is_under(put_old->dentry, n->root)))
		return -EINVAL;
	refs.old = (struct path){ old_root, old_root->root };
	refs.new = (struct path){ n, n->root };
	path_get(&refs.old);
	irq = spin_lock_irqsave(&mount_lock);
	detach_locked(n, &was);
	attach_locked(old_root, put_old->mnt, put_old->dentry);
	root_mount = n;
	/* The root mount is listed first in /proc/mounts. */
	list_del(&n->link);
	list_add(&n->link, &mount_list);
	spin_unlock_irqrestore(&mount_lock, irq);
	path_put(&was);
	irq = spin_lock_irqsave(&tasklist_lock);
	for_each_task(repoint_task, &refs);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	path_put(&refs.old);
	return 0;
}

static long sys_pivot_root(uaddr_t unew, uaddr_t uold)
{
	struct path new, old;
	char *name;
	int err = 0;

	if (!capable())
		return -EPERM;
	if (!(name = path_from_user(unew, &err)))
		return err;
	err = path_lookup_at(AT_FDCWD, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
			     &new);
	kfree(name);
	if (err)
		return err;
	if (!(name = path_from_user(uold, &err))) {
		path_put(&new);
		return err;
	}
	err = path_lookup_at(AT_FDCWD, name, LOOKUP_FOLLOW | LOOKUP_DIRECTORY,
			     &old);
	kfree(name);
	if (!err) {
		err = do_pivot_root(&new, &old);
		path_put(&old);
	}
	path_put(&new);
	return err;
}
SYSCALL_REGISTER(pivot_root, sys_pivot_root);

int vfs_sync_supers(void)
{
	struct mount *m, **v;
	size_t n = 0, max = 0;
	int err = 0;
	bool irq = spin_lock_irqsave(&mount_lock);

	list_for_each_entry(m, &mount_list, link) max++;
	spin_unlock_irqrestore(&mount_lock, irq);
	v = kmalloc(MAX(max, 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	irq = spin_lock_irqsave(&mount_lock);
	list_for_each_entry(m, &mount_list, link)
	{
		if (n == max)
			break;
		if (m->sb->ops && m->sb->ops->sync_fs) {
			mount_get(m);
			v[n++] = m;
		}
	}
	spin_unlock_irqrestore(&mount_lock, irq);
	for (size_t i = 0; i < n; i++) {
		int e = v[i]->sb->ops->sync_fs(v[i]->sb);

		if (e && !err)
			err = e;
		mount_put(v[i]);
	}
	kfree(v);
	return err;
}
