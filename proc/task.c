/* SPDX-License-Identifier: MIT */
/*
 * Task and process objects: allocation, the pid table, kernel threads, and
 * the stack a new task first runs on.
 */
#include "mm/mm.h"
#include "proc/proc_internal.h"

struct spinlock tasklist_lock = SPINLOCK_INIT("tasklist");
static struct task *tid_table[PID_MAX];
static int last_pid;

void task_first_run(void);
void task_enter_user(struct trap_frame *tf);

struct task *task_by_tid(int tid)
{
	if (tid <= 0 || tid >= PID_MAX)
		return NULL;
	return tid_table[tid];
}

struct process *process_by_pid(int pid)
{
	struct task *t = task_by_tid(pid);

	return t && t->proc->pid == pid ? t->proc : NULL;
}

/* How many processes have each id as process group or session: Linux
 * does not hand out an id again while such users remain. */
static uint16_t group_refs[PID_MAX];

static bool id_in_use(int id)
{
	return tid_table[id] || group_refs[id];
}

/* Moves p to process group pgid and session sid, keeping group_refs.
 * tasklist_lock held. */
void process_set_groups(struct process *p, int pgid, int sid)
{
	if (p->pgid > 0)
		group_refs[p->pgid]--;
	if (p->sid > 0)
		group_refs[p->sid]--;
	p->pgid = pgid;
	p->sid = sid;
	if (pgid > 0)
		group_refs[pgid]++;
	if (sid > 0)
		group_refs[sid]++;
}

/* Assigns t the next free id and enters it in the table. tasklist_lock
 * held. -EAGAIN when every id is taken. */
int tid_alloc(struct task *t)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int id = last_pid + 1 >= PID_MAX ? 1 : last_pid + 1;

		last_pid = id;
		if (!id_in_use(id)) {
			tid_table[id] = t;
			t->tid = id;
			return 0;
		}
	}
	return -EAGAIN;
}

void task_claim_tid(struct task *t)
{
	tid_table[t->tid] = t;
}

void tid_free(int tid)
{
	if (tid > 0 && tid < PID_MAX)
		tid_table[tid] = NULL;
}

/* Calls fn for every task; tasklist_lock held by the caller. */
void for_each_task(void (*fn)(struct task *t, void *ctx), void *ctx)
{
	for (int i = 1; i < PID_MAX; i++)
		if (tid_table[i])
			fn(tid_table[i], ctx);
}

struct task *task_alloc(void)
{
	struct task *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->kstack = kstack_alloc();
	if (!t->kstack) {
		kfree(t);
		return NULL;
	}
	t->user_regs =
		(struct trap_frame *)((char *)t->kstack + KSTACK_SIZE) - 1;
	list_init(&t->run_link);
	list_init(&t->thread_link);
	list_init(&t->pending.queue);
	ktimer_init(&t->sleep_timer, NULL, t);
	t->altstack.ss_flags = SS_DISABLE;
	t->start_ns = time_ns();
	return t;
}

/* An FPU area in the state a fresh program starts with. */
int task_alloc_fpu(struct task *t)
{
	size_t size = 64;

	/* kmalloc aligns power-of-two sizes to themselves: 64 suffices. */
	while (size < fpu_state_size)
		size *= 2;
	t->fpu = kmalloc(size);
	if (!t->fpu)
		return -ENOMEM;
	fpu_init_state(t->fpu);
	return 0;
}

/* Frees what task_alloc and the task's life gathered; it has run its last
 * instruction on its kernel stack. */
void task_free(struct task *t)
{
	struct sigqueue *q, *n;

	list_for_each_entry_safe(q, n, &t->pending.queue, link) kfree(q);
	kfree(t->fpu);
	kstack_free(t->kstack);
	kfree(t);
}

struct process *process_alloc(void)
{
	struct process *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->refcount = 1;
	list_init(&p->threads);
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->shared_pending.queue);
	wq_init(&p->child_wait);
	p->exit_signal = SIGCHLD;
	p->start_ns = time_ns();
	return p;
}

void process_put(struct process *p)
{
	if (__atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	if (p->exe)
		file_put(p->exe);
	cgroup_release(p);
	kfree(p);
}

/*
 * Lays out t's kernel stack so that the first switch to it "returns" into
 * task_first_run, which calls fn(arg) (switch.S).
 */
void task_prepare_stack(struct task *t, void (*fn)(void *), void *arg)
{
	uint64_t *sp = (uint64_t *)t->user_regs;

	*--sp = (uint64_t)task_first_run; /* switch_to's return address */
	*--sp = 0;			  /* rbp */
	*--sp = 0;			  /* rbx */
	*--sp = (uint64_t)fn;		  /* r12 */
	*--sp = (uint64_t)arg;		  /* r13 */
	*--sp = 0;			  /* r14 */
	*--sp = 0;			  /* r15 */
	t->saved_rsp = (uint64_t)sp;
}

/* The first run of a task created by fork/clone: straight to user mode. */
void task_return_to_user(void *unused)
{
	struct task *t = current;

	(void)unused;
	/* CLONE_CHILD_SETTID: the child stores its tid in its own memory. */
	if (t->set_child_tid)
		put_user((int32_t)t->tid, t->set_child_tid);
	cli();
	exit_to_user(current->user_regs);
	task_enter_user(current->user_regs);
}

struct kthread_start {
	int (*fn)(void *);
	void *arg;
};

static void kthread_main(void *arg)
{
	struct kthread_start ks = *(struct kthread_start *)arg;

	kfree(arg);
	task_exit(ks.fn(ks.arg) << 8);
}

struct task *kthread_start(const char *name, int (*fn)(void *), void *arg)
{
	struct task *t = task_alloc();
	struct process *p = process_alloc();
	struct kthread_start *ks = kmalloc(sizeof(*ks));
	bool irq;

	if (!t || !p || !ks)
		goto fail;
	ks->fn = fn;
	ks->arg = arg;
	irq = spin_lock_irqsave(&tasklist_lock);
	if (tid_alloc(t)) {
		spin_unlock_irqrestore(&tasklist_lock, irq);
		goto fail;
	}
	spin_unlock_irqrestore(&tasklist_lock, irq);
	strlcpy(t->comm, name, sizeof(t->comm));
	p->pid = t->tid;
	p->leader = t;
	p->nr_threads = 1;
	p->cred = (struct cred){ 0 };
	process_init_rlimits(p);
	list_add_tail(&t->thread_link, &p->threads);
	t->proc = p;
	t->sighand = sighand_alloc();
	if (!t->sighand)
		goto fail_unlist;
	task_prepare_stack(t, kthread_main, ks);
	sched_new_task(t, current);
	return t;
fail_unlist:
	irq = spin_lock_irqsave(&tasklist_lock);
	tid_free(t->tid);
	spin_unlock_irqrestore(&tasklist_lock, irq);
fail:
	kfree(ks);
	if (p)
		kfree(p);
	if (t)
		task_free(t);
	return NULL;
}
