/* SPDX-License-Identifier: MIT */
/* The memory character devices of major 1 (null(4), zero(4), full(4))
 * and dev_init(), which registers the simple devices. */
#include "dev/dev.h"
#include "vfs/vfs.h"

static ssize_t null_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	(void)f;
	(void)b;
	(void)pos;
	return 0;
}

static ssize_t null_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	(void)f;
	(void)pos;
	return (ssize_t)b->len;
}

static ssize_t zero_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	(void)f;
	(void)pos;
	return iobuf_zero(b, 0, b->len) ? -EFAULT : (ssize_t)b->len;
}

static ssize_t full_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	(void)f;
	(void)b;
	(void)pos;
	return -ENOSPC;
}

/* Seeking these succeeds and means nothing (as Linux's null_lseek). */
static int64_t null_llseek(struct file *f, int64_t off, int whence)
{
	(void)f;
	(void)off;
	(void)whence;
	return 0;
}

/* /dev/zero maps as anonymous memory: a fresh zero page per fault. */
static int zero_get_page(struct file *f, uint64_t index, struct page **out)
{
	struct page *p = page_alloc(0, PAGE_ZERO);

	(void)f;
	(void)index;
	if (!p)
		return -ENOMEM;
	p->flags |= PG_ANON;
	*out = p;
	return 0;
}

static const struct file_ops null_ops = {
	.read = null_read,
	.write = null_write,
	.llseek = null_llseek,
};

static const struct file_ops zero_ops = {
	.read = zero_read,
	.write = null_write,
	.llseek = null_llseek,
	.get_page = zero_get_page,
};

static const struct file_ops full_ops = {
	.read = zero_read,
	.write = full_write,
	.llseek = null_llseek,
};

void random_dev_init(void);

static void mem_dev(const char *name, unsigned minor,
		    const struct file_ops *ops)
{
	if (chrdev_register(1, minor, 1, name, ops) ||
	    devtmpfs_create(name, S_IFCHR | 0666, MKDEV(1, minor)))
		pr_warn("dev: cannot create /dev/%s\n", name);
}

void dev_init(void)
{
	mem_dev("null", 3, &null_ops);
	mem_dev("zero", 5, &zero_ops);
	mem_dev("full", 7, &full_ops);
	random_dev_init();
}
