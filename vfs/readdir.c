/* SPDX-License-Identifier: MIT */
/* getdents64(2) and the older getdents(2). */
#include "vfs/vfs.h"

bool dir_emit_dots(struct file *f, struct dir_context *ctx)
{
	struct dentry *d = f->path.dentry;

	if (ctx->pos == 0) {
		if (!ctx->fill(ctx, ".", 1, f->inode->ino, DT_DIR))
			return false;
		ctx->pos++;
	}
	if (ctx->pos == 1) {
		uint64_t up = d && d->parent && d->parent->inode ?
				      d->parent->inode->ino :
				      f->inode->ino;
		if (!ctx->fill(ctx, "..", 2, up, DT_DIR))
			return false;
		ctx->pos++;
	}
	return true;
}

struct getdents_ctx {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	bool old_format; /* struct linux_dirent: d_type in the last byte */
	bool overflow;
};

static bool fill(struct dir_context *ctx, const char *name, size_t len,
		 uint64_t ino, unsigned type)
{
	struct getdents_ctx *g = container_of(ctx, struct getdents_ctx, ctx);
	size_t head = g->old_format ? 18 : 19; /* offsetof(d_name) */
	size_t reclen = ALIGN_UP(head + len + (g->old_format ? 2 : 1), 8);
	char *rec = g->buf + g->used;
	uint16_t r16 = (uint16_t)reclen;
	int64_t off = ctx->pos + 1;

	if (g->used + reclen > g->size) {
		g->overflow = true;
		return false;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &off, 8);
	memcpy(rec + 16, &r16, 2);
	if (g->old_format) {
		memcpy(rec + 18, name, len);
		rec[reclen - 1] = (char)type;
	} else {
		rec[18] = (char)type;
		memcpy(rec + 19, name, len);
	}
	g->used += reclen;
	return true;
}

static long do_getdents(int fd, uaddr_t ubuf, unsigned count, bool old)
{
	struct getdents_ctx g = { .ctx = { .fill = fill }, .old_format = old };
	struct file *f = fd_get(fd);
	long ret;

	if (!f)
		return -EBADF;
	if (!f->ops || !f->ops->iterate) {
		file_put(f);
		return -ENOTDIR;
	}
	g.size = MIN(count, 65536u);
	g.buf = kmalloc(g.size ? g.size : 1);
	if (!g.buf) {
		file_put(f);
		return -ENOMEM;
	}
	mutex_lock(&f->pos_lock);
	g.ctx.pos = (int64_t)f->pos;
	ret = f->ops->iterate(f, &g.ctx);
	if (!ret && !g.used && g.overflow)
		ret = -EINVAL; /* not even one entry fits (getdents(2)) */
	if (!ret && g.used && copy_to_user(ubuf, g.buf, g.used))
		ret = -EFAULT;
	if (!ret) {
		f->pos = (uint64_t)g.ctx.pos;
		ret = (long)g.used;
	}
	mutex_unlock(&f->pos_lock);
	if (ret >= 0)
		inode_touch(f->inode, true, false, false);
	kfree(g.buf);
	file_put(f);
	return ret;
}

static long sys_getdents64(int fd, uaddr_t buf, unsigned count)
{
	return do_getdents(fd, buf, count, false);
}
SYSCALL_REGISTER(getdents64, sys_getdents64);

static long sys_getdents(int fd, uaddr_t buf, unsigned count)
{
	return do_getdents(fd, buf, count, true);
}
SYSCALL_REGISTER(getdents, sys_getdents);
