/* SPDX-License-Identifier: MIT */
/*
 * Kernel timers on the time_ns() clock, kept in a list sorted by expiry
 * and run from the timer tick, so their resolution is one tick (1/HZ).
 */
#include "proc/proc.h"

static LIST_HEAD(timers);
static struct spinlock timers_lock = SPINLOCK_INIT("ktimers");
/* The timer each CPU's tick is running now, under timers_lock: what
 * ktimer_cancel_sync() waits for before its caller frees the timer. */
static struct ktimer *running[MAX_CPUS];

void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *), void *data)
{
	t->fn = fn;
	t->data = data;
	t->armed = false;
	list_init(&t->link);
}

void ktimer_arm(struct ktimer *t, uint64_t expires)
{
	struct ktimer *pos;
	bool irq = spin_lock_irqsave(&timers_lock);

	if (t->armed)
		list_del(&t->link);
	t->expires = expires;
	t->armed = true;
	list_for_each_entry(pos, &timers,
			    link) if (pos->expires > expires) break;
	list_add_tail(&t->link, &pos->link);
	spin_unlock_irqrestore(&timers_lock, irq);
}

bool ktimer_cancel(struct ktimer *t)
{
	bool irq = spin_lock_irqsave(&timers_lock), was = t->armed;

	if (was) {
		list_del(&t->link);
		t->armed = false;
	}
	spin_unlock_irqrestore(&timers_lock, irq);
	return was;
}

/* From the timer interrupt: runs every timer that is due. */
void ktimer_tick(struct trap_frame *tf)
{
	uint64_t now = time_ns();

	(void)tf;
	spin_lock(&timers_lock);
	while (!list_empty(&timers)) {
		struct ktimer *t =
			list_first_entry(&timers, struct ktimer, link);

		if (t->expires > now)
			break;
		list_del(&t->link);
		t->armed = false;
		running[this_cpu()->id] = t;
		spin_unlock(&timers_lock);
		t->fn(t);
		spin_lock(&timers_lock);
		running[this_cpu()->id] = NULL;
	}
	spin_unlock(&timers_lock);
}

void ktimer_cancel_sync(struct ktimer *t)
{
	for (;;) {
		bool irq = spin_lock_irqsave(&timers_lock), busy = false;

		if (t->armed) {
			list_del(&t->link);
			t->armed = false;
		}
		for (unsigned i = 0; i < MAX_CPUS; i++)
			busy |= running[i] == t;
		spin_unlock_irqrestore(&timers_lock, irq);
		if (!busy)
			return;
		/* Its callback runs on another CPU and may re-arm it. */
		cpu_relax();
	}
}
