/* SPDX-License-Identifier: MIT */
/* What execve changes about the task itself: leadership of its thread
 * group, private files and signal handlers, its name. */
#include "proc/exec.h"
#include "proc/proc_internal.h"

void exec_take_leadership(struct task *t)
{
	struct process *p = t->proc;
	struct task *old = p->leader;
	bool irq;

	if (old == t)
		return;
	/* Linux (de_thread): the exec'ing thread assumes the pid; the
	 * old leader, already dead, is released. */
	irq = spin_lock_irqsave(&tasklist_lock);
	tid_free(t->tid);
	tid_free(old->tid);
	t->tid = p->pid;
	task_claim_tid(t);
	list_del(&old->thread_link);
	p->leader = t;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	task_release_dead(old);
}

void exec_unshare(struct task *t)
{
	if (t->files) {
		struct files_struct *f = files_dup(t->files);
		if (!IS_ERR_OR_NULL(f)) {
			files_put(t->files);
			t->files = f;
		}
	}
	if (t->sighand->refcount > 1) {
		struct sighand *sh = sighand_dup(t->sighand);
		if (sh) {
			sighand_put(t->sighand);
			t->sighand = sh;
		}
	}
}

void exec_set_comm(struct task *t, const char *filename)
{
	const char *base = strrchr(filename, '/');

	strlcpy(t->comm, base ? base + 1 : filename, sizeof(t->comm));
}
