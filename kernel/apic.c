/* SPDX-License-Identifier: MIT */
/*
 * Interrupt controllers: the 8259 PICs remapped and masked, the local
 * APIC (Intel SDM Vol. 3A ch. 11), and the I/O APIC routing ISA
 * interrupts (82093AA datasheet §3.2) as the MADT's overrides say.
 */
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "mm/mm.h"

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define SVR_ENABLE (1u << 8)

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDTBL 0x10
#define RED_MASKED (1u << 16)
#define RED_LEVEL (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static unsigned ioapic_pins;
static struct spinlock ioapic_lock = SPINLOCK_INIT("ioapic");

uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

void lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

void lapic_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
}

/* Remaps the PICs to vectors 0x20-0x2f so a spurious IRQ 7 or 15 lands
 * on a harmless vector, then masks every line (we use the I/O APIC). */
static void pic_disable(void)
{
	outb(0x20, 0x11); /* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20); /* ICW2: vector base */
	outb(0xa1, 0x28);
	outb(0x21, 0x04); /* ICW3: slave on IRQ 2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01); /* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void lapic_init(void)
{
	uint64_t phys = acpi.lapic_phys ? acpi.lapic_phys : 0xfee00000;

	pic_disable();
	lapic = ioremap(phys, PAGE_SIZE, PTE_CACHE_UC);
	if (!lapic)
		panic("cannot map the local APIC");
	/* Enabled through the APIC base MSR (bit 11) and the SVR. */
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	this_cpu()->apic_id = lapic_read(LAPIC_ID) >> 24;
}

static uint32_t ioapic_read(unsigned reg)
{
	ioapic[IOREGSEL / 4] = reg;
	return ioapic[IOWIN / 4];
}

static void ioapic_write(unsigned reg, uint32_t v)
{
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
}

void ioapic_init(void)
{
	if (!acpi.ioapic_phys) {
		pr_warn("apic: no I/O APIC; device interrupts are off\n");
		return;
	}
	ioapic = ioremap(acpi.ioapic_phys, PAGE_SIZE, PTE_CACHE_UC);
	if (!ioapic)
		panic("cannot map the I/O APIC");
	ioapic_pins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	for (unsigned i = 0; i < ioapic_pins; i++) {
		ioapic_write(IOAPIC_REDTBL + 2 * i, RED_MASKED);
		ioapic_write(IOAPIC_REDTBL + 2 * i + 1, 0);
	}
}

/* The GSI and flags for an ISA IRQ: identity unless overridden. ISA
 * lines are edge-triggered and active high by default (MPS §5). */
static void isa_route(unsigned irq, uint32_t *gsi, bool *level, bool *low)
{
	*gsi = irq;
	*level = false;
	*low = false;
	for (unsigned i = 0; i < acpi.nisos; i++) {
		const struct acpi_iso *o = &acpi.isos[i];
		if (o->isa_irq != irq)
			continue;
		*gsi = o->gsi;
		*low = (o->flags & 3) == 3;
		*level = ((o->flags >> 2) & 3) == 3;
	}
}

int irq_request_isa(unsigned isa_irq, irq_handler_t fn, void *arg)
{
	unsigned vector = IRQ_VECTOR_BASE + isa_irq, pin;
	uint32_t gsi, low;
	bool level, active_low, irq;
	int err;

	if (isa_irq > 15)
		return -EINVAL;
	if (!ioapic)
		return -ENODEV;
	isa_route(isa_irq, &gsi, &level, &active_low);
	if (gsi < acpi.ioapic_gsi_base ||
	    gsi - acpi.ioapic_gsi_base >= ioapic_pins)
		return -ENODEV;
	pin = gsi - acpi.ioapic_gsi_base;
	err = irq_set_vector_handler(vector, fn, arg);
	if (err)
		return err;
	low = vector | (level ? RED_LEVEL : 0) |
	      (active_low ? RED_ACTIVE_LOW : 0);
	irq = spin_lock_irqsave(&ioapic_lock);
	/* Fixed delivery, physical destination: this CPU's APIC. */
	ioapic_write(IOAPIC_REDTBL + 2 * pin + 1, this_cpu()->apic_id << 24);
	ioapic_write(IOAPIC_REDTBL + 2 * pin, low);
	spin_unlock_irqrestore(&ioapic_lock, irq);
	return 0;
}

int irq_request_gsi(unsigned gsi, bool level, bool active_low, irq_handler_t fn,
		    void *arg)
{
	unsigned pin;
	uint32_t low;
	int vector;
	bool irq;

	if (!ioapic)
		return -ENODEV;
	if (gsi < acpi.ioapic_gsi_base ||
	    gsi - acpi.ioapic_gsi_base >= ioapic_pins)
		return -ENODEV;
	pin = gsi - acpi.ioapic_gsi_base;
	vector = irq_alloc_vector(fn, arg);
	if (vector < 0)
		return vector;
	if (level)
		irq_set_eoi_last((unsigned)vector);
	low = (uint32_t)vector | (level ? RED_LEVEL : 0) |
	      (active_low ? RED_ACTIVE_LOW : 0);
	irq = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(IOAPIC_REDTBL + 2 * pin + 1, this_cpu()->apic_id << 24);
	ioapic_write(IOAPIC_REDTBL + 2 * pin, low);
	spin_unlock_irqrestore(&ioapic_lock, irq);
	return vector;
}
