/* SPDX-License-Identifier: MIT */
/* Wait queues and the sleeping mutex built on them. */
#include "proc/proc.h"

void wq_init(struct wait_queue *wq)
{
	wq->lock = (struct spinlock)SPINLOCK_INIT("waitq");
	list_init(&wq->waiters);
}

void waiter_init(struct waiter *w)
{
	list_init(&w->link);
	w->task = current;
	w->func = NULL;
	w->private = NULL;
}

/*
 * The state is set under the queue lock, before the caller re-checks its
 * condition: a wake_up() that comes after the check finds the task on the
 * queue and makes it runnable, so schedule() will not lose it.
 */
void prepare_to_wait(struct wait_queue *wq, struct waiter *w, int state)
{
	bool irq = spin_lock_irqsave(&wq->lock);

	if (list_empty(&w->link))
		list_add_tail(&w->link, &wq->waiters);
	current->state = state;
	spin_unlock_irqrestore(&wq->lock, irq);
}

void finish_wait(struct wait_queue *wq, struct waiter *w)
{
	bool irq;

	current->state = TASK_RUNNING;
	irq = spin_lock_irqsave(&wq->lock);
	list_del(&w->link);
	spin_unlock_irqrestore(&wq->lock, irq);
}

static void wake_waiter(struct waiter *w)
{
	if (w->func)
		w->func(w);
	else
		task_wake_state(w->task, TASK_INTERRUPTIBLE |
						 TASK_UNINTERRUPTIBLE);
}

void wake_up(struct wait_queue *wq)
{
	struct waiter *w, *n;
	bool irq = spin_lock_irqsave(&wq->lock);

	list_for_each_entry_safe(w, n, &wq->waiters, link)
		wake_waiter(w);
	spin_unlock_irqrestore(&wq->lock, irq);
}

void wake_up_one(struct wait_queue *wq)
{
	struct waiter *w;
	bool irq = spin_lock_irqsave(&wq->lock);

	list_for_each_entry(w, &wq->waiters, link) {
		if (w->func) {
			w->func(w);
			continue;
		}
		if (task_wake_state(w->task, TASK_INTERRUPTIBLE |
						     TASK_UNINTERRUPTIBLE))
			break;
	}
	spin_unlock_irqrestore(&wq->lock, irq);
}

/* ---- mutex ---- */

void mutex_init(struct mutex *m)
{
	m->lock = (struct spinlock)SPINLOCK_INIT("mutex");
	m->owner = NULL;
	wq_init(&m->wq);
}

bool mutex_trylock(struct mutex *m)
{
	bool irq = spin_lock_irqsave(&m->lock), got = false;

	if (!m->owner) {
		m->owner = current;
		got = true;
	}
	spin_unlock_irqrestore(&m->lock, irq);
	return got;
}

void mutex_lock(struct mutex *m)
{
	ASSERT(m->owner != current || !current);
	wait_event(&m->wq, mutex_trylock(m));
}

int mutex_lock_interruptible(struct mutex *m)
{
	ASSERT(m->owner != current || !current);
	if (wait_event_interruptible(&m->wq, mutex_trylock(m)))
		return -EINTR;
	return 0;
}

void mutex_unlock(struct mutex *m)
{
	bool irq = spin_lock_irqsave(&m->lock);

	ASSERT(m->owner == current);
	m->owner = NULL;
	spin_unlock_irqrestore(&m->lock, irq);
	wake_up_one(&m->wq);
}
