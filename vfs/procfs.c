/* SPDX-License-Identifier: MIT */
/*
 * procfs (proc(5)): a file system of generated entries. Inodes and
 * dentries are made on lookup and dropped when unused; a file's text is
 * generated when it is opened and read from that snapshot.
 */
#include "vfs/procfs.h"

struct proc_node {
	const struct proc_entry *e; /* NULL for the dynamic kinds */
	enum proc_kind kind;
	struct proc_ctx ctx;
};

static const struct inode_ops proc_dir_iops, proc_link_iops, proc_file_iops;
static const struct file_ops proc_dir_fops, proc_file_fops;

void proc_write_bytes(struct proc_buf *b, const void *data, size_t n)
{
	if (b->len < b->size)
		memcpy(b->buf + b->len, data, MIN(n, b->size - b->len));
	b->len += n;
}

void proc_printf(struct proc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(b->len < b->size ? b->buf + b->len : NULL,
		       b->len < b->size ? b->size - b->len : 0, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

struct process *proc_get_process(int pid)
{
	bool irq = spin_lock_irqsave(&tasklist_lock);
	struct process *p = process_by_pid(pid);

	if (p)
		__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return p;
}

void proc_put_process(struct process *p)
{
	if (p)
		process_put(p);
}

static bool pid_alive(int pid)
{
	struct process *p = proc_get_process(pid);
	bool alive = p != NULL;

	proc_put_process(p);
	return alive;
}

static struct inode *make_inode(struct super_block *sb, enum proc_kind kind,
				const struct proc_entry *e,
				const struct proc_ctx *ctx, uint32_t mode)
{
	struct inode *i = inode_alloc(sb, mode);
	struct proc_node *n = kzalloc(sizeof(*n));
	struct process *p;

	if (!i || !n) {
		kfree(n);
		if (i)
			kfree(i);
		return NULL;
	}
	n->e = e;
	n->kind = kind;
	n->ctx = *ctx;
	i->private = n;
	i->uid = i->gid = 0;
	/* Per-process entries belong to the process's owner (proc(5)). */
	if (ctx->pid && (p = proc_get_process(ctx->pid))) {
		i->uid = p->cred.euid;
		i->gid = p->cred.egid;
		proc_put_process(p);
	}
	switch (mode & S_IFMT) {
	case S_IFDIR:
		i->iops = &proc_dir_iops;
		i->fops = &proc_dir_fops;
		i->nlink = 2;
		break;
	case S_IFLNK:
		i->iops = &proc_link_iops;
		break;
	default:
		i->iops = &proc_file_iops;
		i->fops = &proc_file_fops;
	}
	return i;
}

static bool parse_num(const char *s, int *out)
{
	uint64_t v;

	if (!*s || (s[0] == '0' && s[1]) || kstrtou64(s, &v) || v > INT32_MAX)
		return false;
	*out = (int)v;
	return true;
}

static const struct proc_entry *find(const struct proc_entry *t,
				     const char *name)
{
	for (; t && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static uint32_t entry_mode(const struct proc_entry *e)
{
	switch (e->kind) {
	case PK_LINK:
		return S_IFLNK | 0777;
	case PK_FILE:
		return S_IFREG | (e->mode ? e->mode : 0444);
	default:
		return S_IFDIR | 0555;
	}
}

static bool fd_open_in(int pid, int fd)
{
	struct process *p = proc_get_process(pid);
	struct files_struct *fs;
	bool open = false;

	if (!p)
		return false;
	fs = p->leader->files;
	if (fs && fd >= 0 && (unsigned)fd < fs->max && fs->fd[fd])
		open = true;
	proc_put_process(p);
	return open;
}

static bool tid_in(int pid, int tid)
{
	bool irq = spin_lock_irqsave(&tasklist_lock);
	struct task *t = task_by_tid(tid);
	bool in = t && t->proc->pid == pid && t->state != TASK_DEAD;

	spin_unlock_irqrestore(&tasklist_lock, irq);
	return in;
}

/* The child called name of a directory node, made into d's inode. */
static int proc_lookup(struct inode *dir, struct dentry *d)
{
	struct proc_node *n = dir->private;
	struct proc_ctx c = n->ctx;
	const struct proc_entry *e = NULL;
	enum proc_kind kind = PK_FILE;
	uint32_t mode = 0;
	int num;

	switch (n->kind) {
	case PK_PIDS:
		if (parse_num(d->name, &num)) {
			if (!pid_alive(num))
				return 0;
			c = (struct proc_ctx){ num, num, 0 };
			kind = PK_PID_DIR;
			mode = S_IFDIR | 0555;
			break;
		}
		e = find(proc_root_entries, d->name);
		break;
	case PK_DIR:
		e = find(n->e->children, d->name);
		break;
	case PK_PID_DIR:
		e = find(proc_pid_entries, d->name);
		break;
	case PK_TASKS:
		if (!parse_num(d->name, &num) || !tid_in(c.pid, num))
			return 0;
		c.tid = num;
		kind = PK_PID_DIR;
		mode = S_IFDIR | 0555;
		break;
	case PK_FDS:
	case PK_FDINFOS:
		if (!parse_num(d->name, &num) || !fd_open_in(c.pid, num))
			return 0;
		c.fd = num;
		kind = n->kind == PK_FDS ? PK_FD_LINK : PK_FDINFO;
		mode = n->kind == PK_FDS ? S_IFLNK | 0700 : S_IFREG | 0400;
		break;
	default:
		return -ENOTDIR;
	}
	if (e) {
		kind = e->kind;
		mode = entry_mode(e);
	} else if (!mode) {
		return 0; /* no such entry: a negative dentry */
	}
	d->inode = make_inode(dir->sb, kind, e, &c, mode);
	return d->inode ? 0 : -ENOMEM;
}

/* ---- directories ---- */

struct collect {
	int *ids;
	unsigned n, cap;
	int pid; /* threads of this process, or 0: every process */
};

static void collect_id(struct task *t, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap || t->state == TASK_DEAD)
		return;
	if (c->pid ? t->proc->pid == c->pid :
		     (t->proc->leader == t && !t->proc->zombie &&
		      t->proc->parent))
		c->ids[c->n++] = c->pid ? t->tid : t->proc->pid;
	else if (!c->pid && t->proc->leader == t && t->proc->pid == 1)
		c->ids[c->n++] = 1;
}

static int emit_static(struct dir_context *ctx, const struct proc_entry *t,
		       int64_t base)
{
	int64_t i = 0;

	for (; t && t->name; t++, i++) {
		if (base + i < ctx->pos)
			continue;
		if (!ctx->fill(ctx, t->name, strlen(t->name), 1,
			       (entry_mode(t) & S_IFMT) >> 12))
			return 1;
		ctx->pos++;
	}
	return 0;
}

static int64_t table_len(const struct proc_entry *t)
{
	int64_t n = 0;

	for (; t && t->name; t++)
		n++;
	return n;
}

static int emit_ids(struct dir_context *ctx, int pid, int64_t base)
{
	struct collect c = { kmalloc(PID_MAX * sizeof(int)), 0, PID_MAX, pid };
	bool irq;

	if (!c.ids)
		return -ENOMEM;
	irq = spin_lock_irqsave(&tasklist_lock);
	for_each_task(collect_id, &c);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	for (unsigned i = 0; i < c.n; i++) {
		char name[12];
		int len;

		if (base + i < ctx->pos)
			continue;
		len = ksnprintf(name, sizeof(name), "%d", c.ids[i]);
		if (!ctx->fill(ctx, name, len, 1, DT_DIR))
			break;
		ctx->pos++;
	}
	kfree(c.ids);
	return 0;
}

static int emit_fds(struct dir_context *ctx, int pid, bool links, int64_t base)
{
	struct process *p = proc_get_process(pid);
	struct files_struct *fs;
	int64_t index = 0;

	if (!p)
		return -ENOENT;
	fs = p->leader->files;
	for (unsigned fd = 0; fs && fd < fs->max; fd++) {
		char name[12];
		int len;

		if (!fs->fd[fd])
			continue;
		if (base + index++ < ctx->pos)
			continue;
		len = ksnprintf(name, sizeof(name), "%u", fd);
		if (!ctx->fill(ctx, name, len, 1, links ? DT_LNK : DT_REG))
			break;
		ctx->pos++;
	}
	proc_put_process(p);
	return 0;
}

static int proc_iterate(struct file *f, struct dir_context *ctx)
{
	struct proc_node *n = f->inode->private;

	if (!dir_emit_dots(f, ctx))
		return 0;
	switch (n->kind) {
	case PK_PIDS:
		if (emit_static(ctx, proc_root_entries, 2))
			return 0;
		return emit_ids(ctx, 0, 2 + table_len(proc_root_entries));
	case PK_DIR:
		emit_static(ctx, n->e->children, 2);
		return 0;
	case PK_PID_DIR:
		emit_static(ctx, proc_pid_entries, 2);
		return 0;
	case PK_TASKS:
		return emit_ids(ctx, n->ctx.pid, 2);
	case PK_FDS:
	case PK_FDINFOS:
		return emit_fds(ctx, n->ctx.pid, n->kind == PK_FDS, 2);
	default:
		return -ENOTDIR;
	}
}

static int64_t proc_dir_llseek(struct file *f, int64_t off, int whence)
{
	(void)f;
	return whence == SEEK_SET && off >= 0 ? off : -EINVAL;
}

static const struct inode_ops proc_dir_iops = { .lookup = proc_lookup };
static const struct file_ops proc_dir_fops = {
	.iterate = proc_iterate,
	.llseek = proc_dir_llseek,
};

/* ---- links ---- */

int proc_fd_link(const struct proc_ctx *c, char *buf, size_t size);

static ssize_t proc_readlink(struct dentry *d, char *buf, size_t size)
{
	struct proc_node *n = d->inode->private;

	if (n->kind == PK_FD_LINK)
		return proc_fd_link(&n->ctx, buf, size);
	return n->e->link(&n->ctx, buf, size);
}

static const struct inode_ops proc_link_iops = { .readlink = proc_readlink };

/* ---- files: the text is generated at open ---- */

struct proc_file {
	struct proc_buf b;
};

int proc_fdinfo(const struct proc_ctx *c, struct proc_buf *b);

static int generate(struct proc_node *n, struct proc_buf *b)
{
	if (n->kind == PK_FDINFO)
		return proc_fdinfo(&n->ctx, b);
	return n->e->show ? n->e->show(&n->ctx, b) : 0;
}

static int proc_open(struct inode *i, struct file *f)
{
	struct proc_node *n = i->private;
	struct proc_file *pf = kzalloc(sizeof(*pf));
	size_t size = 4096;
	int err;

	if (!pf)
		return -ENOMEM;
	/* Generate, and again with room for all of it if it did not fit. */
	for (;;) {
		pf->b = (struct proc_buf){ vmalloc(size), size, 0 };
		if (!pf->b.buf) {
			kfree(pf);
			return -ENOMEM;
		}
		err = generate(n, &pf->b);
		if (err || pf->b.len <= size)
			break;
		size = ALIGN_UP(pf->b.len + 1024, 4096);
		vfree(pf->b.buf);
	}
	if (err) {
		vfree(pf->b.buf);
		kfree(pf);
		return err;
	}
	f->private = pf;
	return 0;
}

static void proc_release(struct inode *i, struct file *f)
{
	struct proc_file *pf = f->private;

	(void)i;
	if (pf) {
		vfree(pf->b.buf);
		kfree(pf);
	}
}

static ssize_t proc_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct proc_file *pf = f->private;
	size_t n;

	if (*pos >= pf->b.len)
		return 0;
	n = MIN(b->len, pf->b.len - *pos);
	if (iobuf_put(b, 0, pf->b.buf + *pos, n))
		return -EFAULT;
	*pos += n;
	return n;
}

static ssize_t proc_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct proc_node *n = f->inode->private;
	char buf[512];
	size_t len = MIN(b->len, sizeof(buf) - 1);
	int err;

	(void)pos;
	if (!n->e || !n->e->store)
		return -EIO;
	if (iobuf_get(b, 0, buf, len))
		return -EFAULT;
	buf[len] = '\0';
	err = n->e->store(&n->ctx, buf, len);
	return err ? err : (ssize_t)b->len;
}

static int64_t proc_llseek(struct file *f, int64_t off, int whence)
{
	struct proc_file *pf = f->private;
	int64_t base = whence == SEEK_SET ? 0 :
		       whence == SEEK_CUR ? (int64_t)f->pos :
		       whence == SEEK_END ? (int64_t)pf->b.len :
					    -1;

	if (base < 0 || base + off < 0)
		return -EINVAL;
	return base + off;
}

static const struct inode_ops proc_file_iops = { 0 };
static const struct file_ops proc_file_fops = {
	.open = proc_open,
	.release = proc_release,
	.read = proc_read,
	.write = proc_write,
	.llseek = proc_llseek,
};

int proc_show_zero(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "0\n");
	return 0;
}

int proc_store_ignore(const struct proc_ctx *c, const char *d, size_t n)
{
	(void)c;
	(void)d;
	(void)n;
	return 0;
}

/* ---- the file system ---- */

static void proc_destroy_inode(struct inode *i)
{
	kfree(i->private);
}

static const struct super_ops proc_super_ops = {
	.destroy_inode = proc_destroy_inode,
	.statfs = simple_statfs,
	.drop_dentry = always_drop_dentry,
};

static struct super_block *proc_mount(struct fs_type *type, const char *dev,
				      unsigned flags, const char *opts)
{
	struct super_block *sb =
		super_alloc(type, &proc_super_ops, PROC_SUPER_MAGIC);
	struct proc_ctx none = { 0, 0, 0 };
	struct inode *root;

	(void)dev;
	(void)flags;
	(void)opts;
	if (!sb)
		return ERR_PTR(-ENOMEM);
	root = make_inode(sb, PK_PIDS, NULL, &none, S_IFDIR | 0555);
	return super_set_root(sb, root);
}

struct fs_type procfs_type = { .name = "proc",
			       .mount = proc_mount,
			       .nodev = true };
