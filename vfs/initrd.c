/* SPDX-License-Identifier: MIT */
/* Unpacking the initrd (a newc cpio) into the root tmpfs, keeping modes,
 * owners, modification times, device numbers and hard links. */
#include "vfs/cpio.h"
#include "vfs/tmpfs.h"
#include "vfs/vfs.h"

/* The kernel makes directories the archive does not list (as Linux's
 * init/initramfs.c would refuse; we are kinder): parents of a name. */
static void make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		vfs_mkdir(path, 0755);
		*p = '/';
	}
}

static void set_attrs(const char *path, const struct cpio_entry *e)
{
	struct path p;
	struct iattr a = {
		.valid = ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_MTIME,
		.mode = e->mode & 07777,
		.uid = e->uid,
		.gid = e->gid,
		.mtime = { e->mtime, 0 },
	};

	if (path_lookup_at(AT_FDCWD, path, 0, &p))
		return;
	if (S_ISLNK(e->mode))
		a.valid &= ~ATTR_MODE;
	tmpfs_setattr(p.dentry, &a);
	path_put(&p);
}

/* Hard links: the first name of an (ino, nlink > 1) file is kept. */
struct seen_link {
	uint32_t ino, dev;
	char *path;
	struct seen_link *next;
};

static const char *find_link(struct seen_link *s, const struct cpio_entry *e)
{
	for (; s; s = s->next)
		if (s->ino == e->ino &&
		    s->dev == (e->devmajor << 16 | e->devminor))
			return s->path;
	return NULL;
}

static int write_file(const char *path, const struct cpio_entry *e)
{
	struct file *f = vfs_open(path, O_CREAT | O_WRONLY | O_TRUNC,
				  (int)(e->mode & 07777));
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = e->size ? kernel_write(f, e->data, e->size, 0) : 0;
	file_put(f);
	return n < 0 ? (int)n : (size_t)n == e->size ? 0 : -EIO;
}

static int unpack_one(char *path, const struct cpio_entry *e,
		      struct seen_link **links)
{
	uint32_t type = e->mode & S_IFMT;
	const char *first;
	char *target;
	int err;

	make_parents(path);
	switch (type) {
	case S_IFDIR:
		err = vfs_mkdir(path, e->mode & 07777);
		if (err == -EEXIST)
			err = 0;
		break;
	case S_IFREG:
		first = e->nlink > 1 ? find_link(*links, e) : NULL;
		if (first)
			return vfs_link(first, path);
		err = write_file(path, e);
		if (!err && e->nlink > 1) {
			struct seen_link *s = kmalloc(sizeof(*s));
			if (s) {
				s->ino = e->ino;
				s->dev = e->devmajor << 16 | e->devminor;
				s->path = kmalloc(strlen(path) + 1);
				if (s->path)
					strlcpy(s->path, path,
						strlen(path) + 1);
				s->next = *links;
				*links = s;
			}
		}
		break;
	case S_IFLNK:
		target = kmalloc(e->size + 1);
		if (!target)
			return -ENOMEM;
		memcpy(target, e->data, e->size);
		target[e->size] = '\0';
		err = vfs_symlink(target, path);
		kfree(target);
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		err = vfs_mknod(path, e->mode,
				MKDEV(e->rdevmajor, e->rdevminor));
		break;
	default:
		return -EINVAL;
	}
	if (!err)
		set_attrs(path, e);
	return err;
}

int initrd_unpack(const void *cpio, size_t len)
{
	struct seen_link *links = NULL;
	struct cpio_entry e;
	size_t off = 0, count = 0;
	uint32_t saved_umask = current->fs->umask;
	char *path = kmalloc(PATH_MAX + 2);
	int r, failed = 0;

	if (!path)
		return -ENOMEM;
	current->fs->umask = 0;
	while ((r = cpio_next(cpio, len, &off, &e)) > 0) {
		const char *name = e.name;
		size_t n = e.namelen;

		/* "./a/b", "/a/b" and "a/b" all mean /a/b; "." is the root. */
		while (n > 0) {
			if (*name == '/') {
				name++;
				n--;
			} else if (n >= 2 && name[0] == '.' && name[1] == '/') {
				name += 2;
				n -= 2;
			} else {
				break;
			}
		}
		if (!n || (n == 1 && *name == '.') || n > PATH_MAX - 1)
			continue;
		path[0] = '/';
		memcpy(path + 1, name, n);
		path[n + 1] = '\0';
		if (unpack_one(path, &e, &links))
			failed++;
		count++;
	}
	current->fs->umask = saved_umask;
	while (links) {
		struct seen_link *next = links->next;
		kfree(links->path);
		kfree(links);
		links = next;
	}
	kfree(path);
	pr_info("initrd: %zu entries unpacked (%zu KiB)%s\n", count, len / 1024,
		failed ? ", some failed" : "");
	if (failed)
		pr_warn("initrd: %d entries could not be created\n", failed);
	return r < 0 ? r : 0;
}
