/* SPDX-License-Identifier: MIT */
/* Exceptions: fixups for kernel faults at known places, else panic. */
#include "kernel/cpu.h"
#include "mm/mm.h"
#include "proc/proc.h"

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range exceeded",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor segment overrun",
	"invalid TSS",
	"segment not present",
	"stack-segment fault",
	"general protection",
	"page fault",
	"reserved (15)",
	"x87 floating-point error",
	"alignment check",
	"machine check",
	"SIMD floating-point error",
	"virtualization exception",
	"control protection",
	"reserved (22)",
	"reserved (23)",
	"reserved (24)",
	"reserved (25)",
	"reserved (26)",
	"reserved (27)",
	"hypervisor injection",
	"VMM communication",
	"security exception",
	"reserved (31)",
};

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

uint64_t extable_lookup(uint64_t rip)
{
	for (const struct extable_entry *e = __ex_table_start;
	     e < __ex_table_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}

/* Page faults are resolved if they can be; what remains becomes a signal
 * for user code, a fixup for the user-copy routines, or a panic. */
static void exception(struct trap_frame *tf)
{
	uint64_t fixup, addr = 0;
	int err = 0;

	if (tf->vector == 14) {
		addr = read_cr2();
		err = vmm_handle_page_fault(tf, addr);
		if (!err)
			return;
	}
	if (trap_from_user(tf)) {
		signal_from_trap(tf, err, addr);
		return;
	}
	fixup = extable_lookup(tf->rip);
	if (fixup) {
		/* A user copy that faulted on the user side is the caller's
		 * bad pointer; anything else is worth a line in the log. */
		if (tf->vector != 14 || addr >= USER_ADDR_END)
			pr_warn("trap: user copy at %#llx fixed up: vector "
				"%llu "
				"address %#llx error %#llx (err %d)\n",
				(unsigned long long)tf->rip,
				(unsigned long long)tf->vector,
				(unsigned long long)addr,
				(unsigned long long)tf->error, err);
		tf->rip = fixup;
		return;
	}
	/* A fault pushing onto a stack's guard page cannot be delivered on
	 * that stack and becomes a double fault (on its own IST stack). */
	if (tf->vector == 8 && read_cr2() >= VMALLOC_START &&
	    read_cr2() < VMALLOC_END && tf->rsp - read_cr2() <= PAGE_SIZE)
		panic_with_frame(tf,
				 "kernel stack overflow (double fault) at "
				 "%#llx",
				 (unsigned long long)read_cr2());
	if (tf->vector == 14)
		panic_with_frame(tf, "%s at %#llx (error %#llx)",
				 exception_names[14], (unsigned long long)addr,
				 (unsigned long long)tf->error);
	panic_with_frame(tf, "%s (error %#llx)", exception_names[tf->vector],
			 (unsigned long long)tf->error);
}

void irq_dispatch(struct trap_frame *tf);

/* Called from trap_entry.S for every vector, interrupts off. On the way
 * back to user mode, reschedule and deliver signals as needed. */
void trap_dispatch(struct trap_frame *tf)
{
	if (tf->vector < 32)
		exception(tf);
	else
		irq_dispatch(tf);
	/* Not from NMI or machine-check handlers: they run on IST stacks,
	 * where switching tasks would be fatal. */
	if (trap_from_user(tf) && current && tf->vector != 2 &&
	    tf->vector != 8 && tf->vector != 18)
		exit_to_user(tf);
}
