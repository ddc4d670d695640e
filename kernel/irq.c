/* SPDX-License-Identifier: MIT */
/* Interrupt vectors 32-255: a handler table and end-of-interrupt. */
#include "kernel/cpu.h"

static struct {
	irq_handler_t fn;
	void *arg;
	bool eoi_last; /* level-triggered: EOI once the source is quiet */
} handlers[256];
static struct spinlock handlers_lock = SPINLOCK_INIT("irq handlers");

int irq_set_vector_handler(unsigned vector, irq_handler_t fn, void *arg)
{
	bool irq;
	int ret = 0;

	if (vector < 32 || vector > 255)
		return -EINVAL;
	irq = spin_lock_irqsave(&handlers_lock);
	if (handlers[vector].fn) {
		ret = -EBUSY;
	} else {
		handlers[vector].arg = arg;
		handlers[vector].fn = fn;
	}
	spin_unlock_irqrestore(&handlers_lock, irq);
	return ret;
}

int irq_alloc_vector(irq_handler_t fn, void *arg)
{
	for (unsigned v = 0x30; v < 0xe0; v++)
		if (irq_set_vector_handler(v, fn, arg) == 0)
			return (int)v;
	return -EBUSY;
}

void irq_dispatch(struct trap_frame *tf)
{
	unsigned v = tf->vector;

	this_cpu()->irq_count++;
	/* A spurious interrupt is not in service: no EOI (SDM §11.9). */
	if (v == VECTOR_SPURIOUS)
		return;
	/* A level-triggered line still asserted at the EOI is delivered
	 * again, so those handlers (which only wake tasks) run first. */
	if (handlers[v].eoi_last) {
		handlers[v].fn(tf, handlers[v].arg);
		lapic_eoi();
		return;
	}
	/* Acknowledge first, as Linux does: a handler may switch tasks. */
	lapic_eoi();
	if (handlers[v].fn)
		handlers[v].fn(tf, handlers[v].arg);
}

void irq_set_eoi_last(unsigned vector)
{
	if (vector >= 32 && vector <= 255)
		handlers[vector].eoi_last = true;
}
