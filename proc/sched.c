/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: one run queue per CPU, fair in the manner of Linux's CFS.
 * Each task's vruntime advances with the CPU time it uses, scaled by its
 * nice weight; the runnable task with the smallest vruntime runs next. The
 * running task is not on the queue. The kernel is not preemptible: a task
 * gives up the CPU in schedule(), or on its way back to user mode when the
 * tick or a wake-up asked for it.
 */
#include "mm/mm.h"
#include "proc/proc_internal.h"

#define SCHED_SLICE_NS (6 * 1000 * 1000ULL)
#define SCHED_LATENCY_NS (24 * 1000 * 1000ULL)
#define WAKEUP_GRANULARITY_NS (1 * 1000 * 1000ULL)
#define NICE_0_WEIGHT 1024

struct runqueue {
	struct spinlock lock;
	struct list_head tasks;
	unsigned nr;
	uint64_t min_vruntime;
};

static struct runqueue runqueues[MAX_CPUS];
uint64_t cpu_idle_ns;	     /* time the idle task ran: /proc/stat, uptime */
static uint64_t load_avg[3]; /* fixed point, 11 bits (Linux's FSHIFT) */
static struct task boot_idle_task;

/* Linux's sched_prio_to_weight: each nice step is about 10% of CPU. */
static const uint32_t nice_weight[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548,  7620,  6100,  4904,  3906,  3121,  2501,	 1991,	1586,  1277,
	1024,  820,   655,   526,   423,   335,	  272,	 215,	172,   137,
	110,   87,    70,    56,    45,	   36,	  29,	 23,	18,    15,
};

void switch_to(uint64_t *save_rsp, uint64_t load_rsp);

static struct runqueue *this_rq(void)
{
	return &runqueues[this_cpu()->id];
}

/* Charges the running task for the time since its last update. */
static void update_curr(struct runqueue *rq, struct task *t)
{
	uint64_t now = time_ns(), delta = now - t->exec_start;

	t->exec_start = now;
	if (t == this_cpu()->idle) {
		cpu_idle_ns += delta;
		return;
	}
	t->vruntime += delta * NICE_0_WEIGHT / nice_weight[t->nice + 20];
	if (t->vruntime > rq->min_vruntime && rq->nr == 0)
		rq->min_vruntime = t->vruntime;
}

static void enqueue(struct runqueue *rq, struct task *t)
{
	ASSERT(!t->on_rq);
	list_add_tail(&t->run_link, &rq->tasks);
	t->on_rq = true;
	rq->nr++;
}

static void dequeue(struct runqueue *rq, struct task *t)
{
	list_del(&t->run_link);
	t->on_rq = false;
	rq->nr--;
}

/* The runnable task with the least vruntime, taken off the queue. */
static struct task *pick_next(struct runqueue *rq)
{
	struct task *t, *best = NULL;

	list_for_each_entry(
		t, &rq->tasks,
		run_link) if (!best || (int64_t)(t->vruntime - best->vruntime) <
					       0) best = t;
	if (!best)
		return NULL;
	dequeue(rq, best);
	if ((int64_t)(best->vruntime - rq->min_vruntime) > 0)
		rq->min_vruntime = best->vruntime;
	return best;
}

/* Loads what the next task needs in the CPU: its kernel stack for traps
 * and syscalls, its page tables, FS base and FPU state. */
static void switch_cpu_state(struct cpu *c, struct task *prev,
			     struct task *next)
{
	uint64_t top = (uint64_t)next->kstack + KSTACK_SIZE;

	if (prev->fpu)
		fpu_save(prev->fpu);
	if (next->mm) {
		uint64_t pml4 = mm_pml4(next->mm);
		if (c->loaded_pml4 != pml4) {
			write_cr3(pml4);
			c->loaded_pml4 = pml4;
		}
		if (prev->fs_base != next->fs_base || !prev->mm)
			wrmsr(MSR_FS_BASE, next->fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	}
	if (next->kstack) {
		c->kernel_rsp = top;
		tss_set_rsp0(top);
	}
}

/* Runs in the next task right after the switch (or at its first run):
 * drops the run-queue lock taken by whoever switched to it. */
void sched_finish_switch(void)
{
	struct task *t = current;

	if (t->fpu)
		fpu_restore(t->fpu);
	spin_unlock(&this_rq()->lock);
	sti();
}

void schedule(void)
{
	struct cpu *c = this_cpu();
	struct runqueue *rq = this_rq();
	struct task *prev = c->curr, *next;
	bool irq;

	if (prev->state != TASK_DEAD)
		reap_dead_tasks();
	irq = spin_lock_irqsave(&rq->lock);

	c->need_resched = false;
	update_curr(rq, prev);
	if (prev != c->idle && prev->state == TASK_RUNNING)
		enqueue(rq, prev);
	next = pick_next(rq);
	if (!next)
		next = c->idle;
	if (next == prev) {
		spin_unlock_irqrestore(&rq->lock, irq);
		return;
	}
	if (prev->state == TASK_RUNNING)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	next->exec_start = next->slice_start = time_ns();
	switch_cpu_state(c, prev, next);
	c->curr = next;
	switch_to(&prev->saved_rsp, next->saved_rsp);
	/* Back in prev, switched to by a later schedule(). */
	if (current->fpu)
		fpu_restore(current->fpu);
	spin_unlock_irqrestore(&this_rq()->lock, irq);
}

static void wake_deadline(struct ktimer *t)
{
	task_wake_state(t->data, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
}

void schedule_deadline(uint64_t deadline)
{
	struct task *t = current;

	if (!deadline) {
		schedule();
		return;
	}
	ktimer_init(&t->sleep_timer, wake_deadline, t);
	ktimer_arm(&t->sleep_timer, deadline);
	schedule();
	/* The timer lives in the task, which may be freed after it exits. */
	ktimer_cancel_sync(&t->sleep_timer);
}

bool task_wake_state(struct task *t, int states)
{
	struct runqueue *rq = &runqueues[t->cpu];
	struct cpu *c = &cpus[t->cpu];
	bool irq = spin_lock_irqsave(&rq->lock);
	struct task *curr = c->curr;

	if (!(t->state & states)) {
		spin_unlock_irqrestore(&rq->lock, irq);
		return false;
	}
	t->state = TASK_RUNNING;
	if (t != curr && !t->on_rq) {
		/* A sleeper keeps at most half a latency period of credit,
		 * so it runs soon but cannot hog the CPU (CFS's placement). */
		uint64_t floor = rq->min_vruntime - SCHED_LATENCY_NS / 2;
		if ((int64_t)(t->vruntime - floor) < 0)
			t->vruntime = floor;
		enqueue(rq, t);
		if (curr == c->idle || (int64_t)(curr->vruntime - t->vruntime) >
					       (int64_t)WAKEUP_GRANULARITY_NS)
			c->need_resched = true;
	}
	spin_unlock_irqrestore(&rq->lock, irq);
	return true;
}

bool task_wake(struct task *t)
{
	return task_wake_state(t, TASK_INTERRUPTIBLE);
}

/* Puts a task created by fork/clone/kthread on this CPU's queue. */
void sched_new_task(struct task *t, struct task *parent)
{
	struct runqueue *rq = this_rq();
	bool irq = spin_lock_irqsave(&rq->lock);

	t->cpu = this_cpu()->id;
	t->vruntime = parent ? MAX(parent->vruntime, rq->min_vruntime) :
			       rq->min_vruntime;
	t->state = TASK_RUNNING;
	enqueue(rq, t);
	spin_unlock_irqrestore(&rq->lock, irq);
}

/* The load averages over 1, 5 and 15 minutes, updated every 5 seconds
 * from the number of runnable tasks (Linux's calc_load, EXP_1/5/15). */
static void calc_load(struct runqueue *rq, struct task *curr)
{
	static const uint64_t exp[3] = { 1884, 2014, 2037 };
	static uint64_t next;
	uint64_t active;

	if (jiffies < next)
		return;
	next = jiffies + 5 * HZ;
	active = (uint64_t)(rq->nr + (curr != this_cpu()->idle)) << 11;
	for (int i = 0; i < 3; i++)
		load_avg[i] =
			(load_avg[i] * exp[i] + active * (2048 - exp[i])) >> 11;
}

void sched_loadavg(uint64_t out[3])
{
	memcpy(out, load_avg, sizeof(load_avg));
}

unsigned sched_nr_running(void)
{
	return this_rq()->nr + (this_cpu()->curr != this_cpu()->idle);
}

/* The timer tick: account the tick and ask for a switch when the slice is
 * used up and someone else is waiting. */
void sched_tick(struct trap_frame *tf)
{
	struct cpu *c = this_cpu();
	struct task *t = c->curr;
	struct runqueue *rq = this_rq();

	calc_load(rq, t);
	if (!t || t == c->idle)
		return;
	if (trap_from_user(tf))
		t->utime_ns += NSEC_PER_SEC / HZ;
	else
		t->stime_ns += NSEC_PER_SEC / HZ;
	itimer_tick(t, trap_from_user(tf));
	spin_lock(&rq->lock);
	update_curr(rq, t);
	if (rq->nr > 0 && time_ns() - t->slice_start >= SCHED_SLICE_NS)
		c->need_resched = true;
	spin_unlock(&rq->lock);
}

void exit_to_user(struct trap_frame *tf)
{
	for (;;) {
		struct task *t = current;

		if (this_cpu()->need_resched) {
			sti();
			schedule();
			cli();
			continue;
		}
		if (signal_pending(t) || t->restore_blocked) {
			sti();
			signal_deliver(tf);
			cli();
			if (!signal_pending(current))
				break;
			continue;
		}
		break;
	}
}

__noreturn void sched_idle_loop(void)
{
	struct cpu *c = this_cpu();

	for (;;) {
		cli();
		if (this_rq()->nr > 0 || c->need_resched) {
			sti();
			schedule();
			continue;
		}
		/* sti takes effect after the next instruction, so an
		 * interrupt cannot slip in between the check and the hlt. */
		__asm__ volatile("sti; hlt" : : : "memory");
	}
}

/* The boot context becomes CPU 0's idle task, so that `current` is valid
 * from here on and kernel_main can sleep in mutexes. */
void sched_init(void)
{
	struct cpu *c = this_cpu();
	extern char boot_stack_bottom[];

	for (unsigned i = 0; i < MAX_CPUS; i++) {
		runqueues[i].lock = (struct spinlock)SPINLOCK_INIT("rq");
		list_init(&runqueues[i].tasks);
	}
	boot_idle_task.tid = 0;
	boot_idle_task.state = TASK_RUNNING;
	strlcpy(boot_idle_task.comm, "swapper/0", sizeof(boot_idle_task.comm));
	boot_idle_task.kstack = boot_stack_bottom;
	boot_idle_task.nice = 0;
	list_init(&boot_idle_task.run_link);
	c->idle = &boot_idle_task;
	c->curr = &boot_idle_task;
	c->loaded_pml4 = read_cr3();
}

__noreturn void sched_start(void)
{
	schedule();
	sched_idle_loop();
}
