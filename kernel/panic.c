/* SPDX-License-Identifier: MIT */
/* panic(): registers, a symbolized backtrace, then the panic= action. */
#include "dev/dev.h"
#include "kernel/cpu.h"
#include "mm/mm.h"

extern bool log_panicking;
static volatile int panic_depth;

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	const struct elf64_sym *syms;
	const char *strs;
	size_t n;
	const struct elf64_sym *best = NULL;

	if (!boot_info.symtab_phys || !boot_info.strtab_size)
		return NULL;
	syms = phys_to_virt(boot_info.symtab_phys);
	strs = phys_to_virt(boot_info.strtab_phys);
	n = boot_info.symtab_size / sizeof(*syms);
	/* The closest function symbol at or below addr that contains it
	 * (or has no size, as hand-written assembly symbols do). */
	for (size_t i = 0; i < n; i++) {
		const struct elf64_sym *s = &syms[i];

		if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || addr < s->st_value)
			continue;
		if (s->st_size && addr >= s->st_value + s->st_size)
			continue;
		if (!best || s->st_value > best->st_value)
			best = s;
	}
	if (!best || best->st_name >= boot_info.strtab_size)
		return NULL;
	*offset = addr - best->st_value;
	return strs + best->st_name;
}

static void print_address(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		printk(KERN_EMERG "  [<%016llx>] %s+%#llx\n",
		       (unsigned long long)addr, name, (unsigned long long)off);
	else
		printk(KERN_EMERG "  [<%016llx>] ?\n",
		       (unsigned long long)addr);
}

/* Frame pointers are kept (-fno-omit-frame-pointer): [rbp] is the caller's
 * rbp and [rbp+8] the return address. Stop at anything implausible. */
void backtrace_print(uint64_t rip, uint64_t rbp)
{
	printk(KERN_EMERG "Call trace:\n");
	if (rip)
		print_address(rip);
	for (int depth = 0; depth < 32; depth++) {
		uint64_t next, ret;

		if (rbp < KERNEL_SPACE_START || rbp % 8 ||
		    rbp > UINT64_MAX - 16)
			break;
		next = ((uint64_t *)rbp)[0];
		ret = ((uint64_t *)rbp)[1];
		if (ret < KERNEL_VIRT_BASE)
			break;
		print_address(ret);
		if (next <= rbp)
			break;
		rbp = next;
	}
}

static void dump_frame(const struct trap_frame *tf)
{
	printk(KERN_EMERG "RIP: %04llx:%016llx RFLAGS: %08llx vector %llu "
			  "error %#llx\n",
	       (unsigned long long)tf->cs, (unsigned long long)tf->rip,
	       (unsigned long long)tf->rflags, (unsigned long long)tf->vector,
	       (unsigned long long)tf->error);
	printk(KERN_EMERG "RSP: %04llx:%016llx CR2: %016llx CR3: %016llx\n",
	       (unsigned long long)tf->ss, (unsigned long long)tf->rsp,
	       (unsigned long long)read_cr2(), (unsigned long long)read_cr3());
	printk(KERN_EMERG "RAX: %016llx RBX: %016llx RCX: %016llx\n",
	       (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	       (unsigned long long)tf->rcx);
	printk(KERN_EMERG "RDX: %016llx RSI: %016llx RDI: %016llx\n",
	       (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
	       (unsigned long long)tf->rdi);
	printk(KERN_EMERG "RBP: %016llx R08: %016llx R09: %016llx\n",
	       (unsigned long long)tf->rbp, (unsigned long long)tf->r8,
	       (unsigned long long)tf->r9);
	printk(KERN_EMERG "R10: %016llx R11: %016llx R12: %016llx\n",
	       (unsigned long long)tf->r10, (unsigned long long)tf->r11,
	       (unsigned long long)tf->r12);
	printk(KERN_EMERG "R13: %016llx R14: %016llx R15: %016llx\n",
	       (unsigned long long)tf->r13, (unsigned long long)tf->r14,
	       (unsigned long long)tf->r15);
}

void qemu_debug_exit(uint8_t code)
{
	/* -device isa-debug-exit,iobase=0xf4,iosize=0x04 */
	outb(0xf4, code);
}

static __noreturn void panic_action(void)
{
	const char *action = cmdline_get("panic");

	if (action && !strcmp(action, "exit"))
		qemu_debug_exit(1); /* QEMU exits with status 3 */
	if (action && !strcmp(action, "reboot"))
		power_reboot();
	printk(KERN_EMERG "System halted.\n");
	for (;;) {
		cli();
		hlt();
	}
}

static __noreturn void vpanic(const struct trap_frame *tf, const char *fmt,
			      va_list ap)
{
	char msg[256];

	cli();
	if (__atomic_fetch_add(&panic_depth, 1, __ATOMIC_SEQ_CST) > 0) {
		/* A fault while panicking: say so on serial and stop. */
		serial_write_raw("\nnested panic\n", 14);
		qemu_debug_exit(1);
		for (;;)
			hlt();
	}
	log_panicking = true;
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	printk(KERN_EMERG "\nKernel panic: %s\n", msg);
	if (tf) {
		dump_frame(tf);
		backtrace_print(tf->rip, tf->rbp);
	} else {
		backtrace_print(0, (uint64_t)__builtin_frame_address(0));
	}
	printk(KERN_EMERG "---[ end Kernel panic: %s ]---\n", msg);
	panic_action();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(NULL, fmt, ap);
}

void panic_with_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(tf, fmt, ap);
}
