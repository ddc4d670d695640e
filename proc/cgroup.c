/* SPDX-License-Identifier: MIT */
/*
 * Control groups, version 2 (Documentation/admin-guide/cgroup-v2.rst):
 * the hierarchy and which process is in which group. No controller is
 * built, so cgroup.controllers is empty; what remains is what service
 * managers use: grouping, cgroup.procs, cgroup.events' "populated",
 * cgroup.kill and the depth and descendant limits. vfs/cgroupfs.c shows
 * the tree as the cgroup2 file system.
 */
#include "proc/proc_internal.h"

struct cgroup cgroup_root = {
	.name = "",
	.parent = NULL,
	.children = LIST_HEAD_INIT(cgroup_root.children),
	.sibling = LIST_HEAD_INIT(cgroup_root.sibling),
	.refcount = 1,
	.id = 1,
	.max_depth = INT32_MAX,
	.max_descendants = INT32_MAX,
};
/* The tree, the counts and every process's cgroup pointer. */
static struct spinlock cgroup_lock = SPINLOCK_INIT("cgroup");
static uint64_t next_id = 2;

static void cgroup_get_locked(struct cgroup *cg)
{
	cg->refcount++;
}

void cgroup_put(struct cgroup *cg)
{
	bool irq = spin_lock_irqsave(&cgroup_lock);
	bool last = --cg->refcount == 0;

	spin_unlock_irqrestore(&cgroup_lock, irq);
	if (last) {
		if (cg->parent)
			cgroup_put(cg->parent);
		kfree(cg);
	}
}

void cgroup_get(struct cgroup *cg)
{
	bool irq = spin_lock_irqsave(&cgroup_lock);

	cgroup_get_locked(cg);
	spin_unlock_irqrestore(&cgroup_lock, irq);
}

void cgroup_fork(struct process *child, struct process *parent)
{
	bool irq = spin_lock_irqsave(&cgroup_lock);
	struct cgroup *cg = parent->cgroup ? parent->cgroup : &cgroup_root;

	cgroup_get_locked(cg);
	child->cgroup = cg;
	child->in_cgroup = true;
	for (; cg; cg = cg->parent)
		cg->populated++;
	spin_unlock_irqrestore(&cgroup_lock, irq);
}

/* At exit the process stops counting (a zombie does not keep its group
 * populated), but /proc/PID/cgroup still names the group. */
void cgroup_exit(struct process *p)
{
	bool irq = spin_lock_irqsave(&cgroup_lock);

	if (p->in_cgroup) {
		p->in_cgroup = false;
		for (struct cgroup *cg = p->cgroup; cg; cg = cg->parent)
			cg->populated--;
	}
	spin_unlock_irqrestore(&cgroup_lock, irq);
}

void cgroup_release(struct process *p)
{
	cgroup_exit(p);
	if (p->cgroup)
		cgroup_put(p->cgroup);
	p->cgroup = NULL;
}

struct cgroup *cgroup_mkdir(struct cgroup *parent, const char *name)
{
	struct cgroup *cg = kzalloc(sizeof(*cg)), *c;
	bool irq;
	int depth = 1;

	if (!cg)
		return ERR_PTR(-ENOMEM);
	strlcpy(cg->name, name, sizeof(cg->name));
	list_init(&cg->children);
	list_init(&cg->sibling);
	cg->refcount = 1; /* the tree's */
	cg->max_depth = cg->max_descendants = INT32_MAX;
	irq = spin_lock_irqsave(&cgroup_lock);
	if (parent->dead)
		goto fail_enoent;
	list_for_each_entry(c, &parent->children,
			    sibling) if (!strcmp(c->name, name))
	{
		spin_unlock_irqrestore(&cgroup_lock, irq);
		kfree(cg);
		return ERR_PTR(-EEXIST);
	}
	/* Every ancestor's limits count this new descendant (cgroup-v2.rst
	 * "cgroup.max.depth", "cgroup.max.descendants"): -EAGAIN past one. */
	for (c = parent; c; c = c->parent, depth++)
		if (depth > c->max_depth ||
		    c->nr_descendants >= c->max_descendants) {
			spin_unlock_irqrestore(&cgroup_lock, irq);
			kfree(cg);
			return ERR_PTR(-EAGAIN);
		}
	for (c = parent; c; c = c->parent)
		c->nr_descendants++;
	cg->id = next_id++;
	cg->parent = parent;
	cgroup_get_locked(parent);
	list_add_tail(&cg->sibling, &parent->children);
	cgroup_get_locked(cg); /* the caller's */
	spin_unlock_irqrestore(&cgroup_lock, irq);
	return cg;
fail_enoent:
	spin_unlock_irqrestore(&cgroup_lock, irq);
	kfree(cg);
	return ERR_PTR(-ENOENT);
}

int cgroup_rmdir(struct cgroup *cg)
{
	bool irq = spin_lock_irqsave(&cgroup_lock);

	if (cg == &cgroup_root || cg->dead) {
		spin_unlock_irqrestore(&cgroup_lock, irq);
		return cg == &cgroup_root ? -EBUSY : -ENOENT;
	}
	/* A group with processes or child groups stays (cgroup-v2.rst
	 * "Creating, Removing and Deleting"). */
	if (cg->populated || !list_empty(&cg->children)) {
		spin_unlock_irqrestore(&cgroup_lock, irq);
		return -EBUSY;
	}
	cg->dead = true;
	list_del(&cg->sibling);
	for (struct cgroup *c = cg->parent; c; c = c->parent)
		c->nr_descendants--;
	spin_unlock_irqrestore(&cgroup_lock, irq);
	cgroup_put(cg); /* the tree's reference */
	return 0;
}

struct cgroup *cgroup_child(struct cgroup *parent, const char *name)
{
	struct cgroup *c, *found = NULL;
	bool irq = spin_lock_irqsave(&cgroup_lock);

	list_for_each_entry(c, &parent->children,
			    sibling) if (!strcmp(c->name, name))
	{
		cgroup_get_locked(c);
		found = c;
		break;
	}
	spin_unlock_irqrestore(&cgroup_lock, irq);
	return found;
}

struct cgroup *cgroup_nth_child(struct cgroup *parent, int64_t n)
{
	struct cgroup *c, *found = NULL;
	bool irq = spin_lock_irqsave(&cgroup_lock);

	list_for_each_entry(c, &parent->children, sibling) if (n-- == 0)
	{
		cgroup_get_locked(c);
		found = c;
		break;
	}
	spin_unlock_irqrestore(&cgroup_lock, irq);
	return found;
}

/* Moves process p (all its threads: cgroup v2 groups processes) into cg. */
static void move_process(struct process *p, struct cgroup *cg)
{
	struct cgroup *old = p->cgroup, *c;

	if (old == cg)
		return;
	if (p->in_cgroup) {
		for (c = old; c; c = c->parent)
			c->populated--;
		for (c = cg; c; c = c->parent)
			c->populated++;
	}
	cgroup_get_locked(cg);
	p->cgroup = cg;
	old->refcount--; /* never the last: the tree or cg's subtree holds it */
}

int cgroup_attach(struct cgroup *cg, int pid)
{
	struct process *p;
	bool irq = spin_lock_irqsave(&tasklist_lock);
	int err = 0;

	p = pid ? process_by_pid(pid) : current->proc;
	if (!p || p->zombie || !p->in_cgroup) {
		err = -ESRCH;
	} else {
		spin_lock(&cgroup_lock);
		if (cg->dead)
			err = -ENOENT;
		else
			move_process(p, cg);
		spin_unlock(&cgroup_lock);
	}
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return err;
}

bool cgroup_populated(struct cgroup *cg)
{
	return __atomic_load_n(&cg->populated, __ATOMIC_RELAXED) > 0;
}

int cgroup_nr_descendants(struct cgroup *cg)
{
	return __atomic_load_n(&cg->nr_descendants, __ATOMIC_RELAXED);
}

int cgroup_path(struct cgroup *cg, char *buf, size_t size)
{
	char tmp[256];
	size_t len = 0;
	bool irq = spin_lock_irqsave(&cgroup_lock);

	/* Build the path backwards, from the group up to the root. */
	tmp[sizeof(tmp) - 1] = 0;
	for (struct cgroup *c = cg; c && c->parent; c = c->parent) {
		size_t n = strlen(c->name);
		if (len + n + 1 >= sizeof(tmp) - 1) {
			spin_unlock_irqrestore(&cgroup_lock, irq);
			return -ENAMETOOLONG;
		}
		len += n + 1;
		memcpy(tmp + sizeof(tmp) - 1 - len + 1, c->name, n);
		tmp[sizeof(tmp) - 1 - len] = '/';
	}
	spin_unlock_irqrestore(&cgroup_lock, irq);
	if (!len)
		return (int)strlcpy(buf, "/", size);
	return (int)strlcpy(buf, tmp + sizeof(tmp) - 1 - len, size);
}

struct pids_ctx {
	struct cgroup *cg;
	void (*fn)(int pid, void *arg);
	void *arg;
	bool recursive;
};

static bool in_subtree(struct cgroup *c, struct cgroup *top)
{
	for (; c; c = c->parent)
		if (c == top)
			return true;
	return false;
}

static void visit_task(struct task *t, void *arg)
{
	struct pids_ctx *ctx = arg;
	struct process *p = t->proc;

	if (p->leader != t || !p->in_cgroup)
		return;
	if (ctx->recursive ? in_subtree(p->cgroup, ctx->cg) :
			     p->cgroup == ctx->cg)
		ctx->fn(p->pid, ctx->arg);
}

void cgroup_for_each_pid(struct cgroup *cg, bool recursive,
			 void (*fn)(int pid, void *arg), void *arg)
{
	struct pids_ctx ctx = { cg, fn, arg, recursive };
	bool irq = spin_lock_irqsave(&tasklist_lock);

	for_each_task(visit_task, &ctx);
	spin_unlock_irqrestore(&tasklist_lock, irq);
}

static void kill_in_subtree(struct task *t, void *arg)
{
	struct process *p = t->proc;

	if (p->leader == t && p->in_cgroup && in_subtree(p->cgroup, arg))
		signal_send_process(p, SIGKILL, NULL);
}

void cgroup_kill(struct cgroup *cg)
{
	bool irq = spin_lock_irqsave(&tasklist_lock);

	for_each_task(kill_in_subtree, cg);
	spin_unlock_irqrestore(&tasklist_lock, irq);
}

int cgroup_path_of(struct process *p, char *buf, size_t size)
{
	bool irq = spin_lock_irqsave(&cgroup_lock);
	struct cgroup *cg = p->cgroup ? p->cgroup : &cgroup_root;
	int n;

	cgroup_get_locked(cg);
	spin_unlock_irqrestore(&cgroup_lock, irq);
	n = cgroup_path(cg, buf, size);
	cgroup_put(cg);
	return n;
}
