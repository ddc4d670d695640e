/* SPDX-License-Identifier: MIT */
/*
 * Path walks (path_resolution(7)): components, "." and "..", mount
 * crossings, symbolic links (ELOOP after 40), search permission, and the
 * trailing-slash rules.
 */
#include "vfs/vfs.h"

#define MAX_LINKS 40

struct nameidata {
	struct path path; /* where the walk is; referenced */
	struct path root; /* the process root; referenced */
	int links;	  /* symlinks followed so far */
};

char *path_from_user(uaddr_t upath, int *err)
{
	char *buf = kmalloc(PATH_MAX);
	long n;

	if (!buf) {
		*err = -ENOMEM;
		return NULL;
	}
	n = strncpy_from_user(buf, upath, PATH_MAX);
	if (n < 0) {
		kfree(buf);
		*err = (int)n;
		return NULL;
	}
	return buf;
}

/* Goes down through everything mounted on the current dentry. */
static void cross_mounts(struct path *p)
{
	struct mount *m;

	while ((m = mount_lookup(p->mnt, p->dentry))) {
		struct path next = { m, m->root };
		path_get(&next);
		path_put(p);
		*p = next;
	}
}

/* "..": up one directory, never above the root, and out of mounts at
 * their roots. */
static void dotdot(struct nameidata *nd)
{
	for (;;) {
		struct path *p = &nd->path;
		struct path up;

		if (p->dentry == nd->root.dentry && p->mnt == nd->root.mnt)
			return;
		if (p->dentry != p->mnt->root) {
			up = (struct path){ p->mnt, p->dentry->parent };
			path_get(&up);
			path_put(p);
			*p = up;
			return;
		}
		if (p->mnt->parent == p->mnt)
			return; /* the very top */
		up = (struct path){ p->mnt->parent, p->mnt->mountpoint };
		path_get(&up);
		path_put(p);
		*p = up; /* and then ".." again, from the mount point */
	}
}

static int walk(struct nameidata *nd, const char *name, unsigned flags);

/* Follows the symlink at nd->path, which sits in directory dir. */
static int follow_link(struct nameidata *nd, struct path *dir)
{
	struct inode *inode = nd->path.dentry->inode;
	char *target;
	ssize_t n;
	int err;

	if (++nd->links > MAX_LINKS)
		return -ELOOP;
	if (!inode->iops || !inode->iops->readlink)
		return -EINVAL;
	target = kmalloc(PATH_MAX);
	if (!target)
		return -ENOMEM;
	n = inode->iops->readlink(nd->path.dentry, target, PATH_MAX - 1);
	if (n < 0) {
		kfree(target);
		return (int)n;
	}
	target[n] = '\0';
	path_put(&nd->path);
	/* A relative target is resolved from the link's directory. */
	nd->path = target[0] == '/' ? nd->root : *dir;
	path_get(&nd->path);
	/* The target's last component is always followed: either the link
	 * was not last, or its caller asked to follow it. */
	err = n ? walk(nd, target, LOOKUP_FOLLOW) : -ENOENT;
	kfree(target);
	return err;
}

/* One step: from directory nd->path to its child name[0..len). */
static int step(struct nameidata *nd, const char *name, size_t len, bool last,
		unsigned flags)
{
	struct inode *dir = nd->path.dentry->inode;
	struct path parent;
	struct dentry *d;
	int err;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	err = inode_permission(dir, MAY_EXEC);
	if (err)
		return err;
	if (len == 1 && name[0] == '.')
		return 0;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		dotdot(nd);
		return 0;
	}
	mutex_lock(&dir->lock);
	d = dentry_lookup(nd->path.dentry, name, len);
	mutex_unlock(&dir->lock);
	if (IS_ERR(d))
		return PTR_ERR(d);
	if (!d->inode) {
		dput(d);
		return -ENOENT;
	}
	parent = nd->path;
	nd->path.dentry = d;
	mount_get(nd->path.mnt);
	cross_mounts(&nd->path);
	if (S_ISLNK(nd->path.dentry->inode->mode) &&
	    (!last || (flags & LOOKUP_FOLLOW))) {
		err = follow_link(nd, &parent);
		path_put(&parent);
		return err;
	}
	path_put(&parent);
	return 0;
}

static int walk(struct nameidata *nd, const char *name, unsigned flags)
{
	int err;

	if (*name == '/') {
		path_put(&nd->path);
		nd->path = nd->root;
		path_get(&nd->path);
		cross_mounts(&nd->path);
	}
	for (;;) {
		const char *end;
		size_t len;
		bool last, slash;

		while (*name == '/')
			name++;
		if (!*name)
			return 0;
		end = strchr(name, '/');
		len = end ? (size_t)(end - name) : strlen(name);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		slash = end != NULL;
		while (end && *end == '/')
			end++;
		last = !end || !*end;
		/* A trailing slash means "a directory": follow links. */
		err = step(nd, name, len, last,
			   flags | (slash ? LOOKUP_FOLLOW : 0));
		if (err)
			return err;
		if (last && slash && !S_ISDIR(nd->path.dentry->inode->mode))
			return -ENOTDIR;
		if (last)
			return 0;
		name = end;
	}
}

/* Where a walk starts: the cwd, dirfd's directory, or the root. */
static int start(struct nameidata *nd, int dirfd, const char *path,
		 unsigned flags)
{
	struct fs_struct *fs = current->fs;
	bool irq = spin_lock_irqsave(&fs->lock);

	nd->root = fs->root;
	path_get(&nd->root);
	if (dirfd == AT_FDCWD || path[0] == '/') {
		nd->path = fs->cwd;
		path_get(&nd->path);
		spin_unlock_irqrestore(&fs->lock, irq);
	} else {
		struct file *f;

		spin_unlock_irqrestore(&fs->lock, irq);
		f = fd_get(dirfd);
		if (!f) {
			path_put(&nd->root);
			return -EBADF;
		}
		/* Pipes and other anonymous files have no path: nothing is
		 * under them, and an empty path names no directory entry
		 * (stat_at() serves AT_EMPTY_PATH on them itself). */
		if (!f->path.mnt) {
			file_put(f);
			path_put(&nd->root);
			return path[0] ? -ENOTDIR : -ENOENT;
		}
		nd->path = f->path;
		path_get(&nd->path);
		file_put(f);
		if (path[0] && !S_ISDIR(nd->path.dentry->inode->mode)) {
			path_put(&nd->path);
			path_put(&nd->root);
			return -ENOTDIR;
		}
	}
	nd->links = 0;
	if (!path[0] && !(flags & LOOKUP_EMPTY)) {
		path_put(&nd->path);
		path_put(&nd->root);
		return -ENOENT;
	}
	return 0;
}

int path_lookup_at(int dirfd, const char *path, unsigned flags,
		   struct path *out)
{
	struct nameidata nd;
	int err = start(&nd, dirfd, path, flags);

	if (err)
		return err;
	err = walk(&nd, path, flags);
	path_put(&nd.root);
	if (!err && (flags & LOOKUP_DIRECTORY) &&
	    !S_ISDIR(nd.path.dentry->inode->mode))
		err = -ENOTDIR;
	if (err) {
		path_put(&nd.path);
		return err;
	}
	*out = nd.path;
	return 0;
}

/*
 * Walks to the directory holding the last component. "a/b/" gives "b"
 * (the caller sees the slash in the original and insists on a
 * directory); "/" gives an empty last name; "." and ".." come back as
 * they are, for the caller to refuse.
 */
int path_parent_at(int dirfd, const char *path, struct path *parent, char *last,
		   size_t *last_len)
{
	struct nameidata nd;
	const char *end = path + strlen(path), *base;
	char *dirpart;
	size_t len;
	int err;

	while (end > path && end[-1] == '/')
		end--;
	base = end;
	while (base > path && base[-1] != '/')
		base--;
	len = (size_t)(end - base);
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	err = start(&nd, dirfd, path, 0);
	if (err)
		return err;
	dirpart = kmalloc(base - path + 1);
	if (!dirpart) {
		err = -ENOMEM;
		goto fail;
	}
	memcpy(dirpart, path, base - path);
	dirpart[base - path] = '\0';
	/* The directory part ends with a slash: links in it are followed. */
	err = walk(&nd, dirpart, LOOKUP_FOLLOW);
	kfree(dirpart);
	if (err)
		goto fail;
	if (!S_ISDIR(nd.path.dentry->inode->mode)) {
		err = -ENOTDIR;
		goto fail;
	}
	memcpy(last, base, len);
	last[len] = '\0';
	*last_len = len;
	path_put(&nd.root);
	*parent = nd.path;
	return 0;
fail:
	path_put(&nd.path);
	path_put(&nd.root);
	return err;
}
