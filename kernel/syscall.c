/* SPDX-License-Identifier: MIT */
/* The system call table and dispatcher; SYSCALL MSR set-up. */
#include "kernel/cpu.h"
#include "kernel/uapi/unistd.h"
#include "proc/proc.h"

extern const struct syscall_entry __syscalls_start[], __syscalls_end[];
extern void syscall_entry(void);

static syscall_fn table[NR_SYSCALLS];

static const char *const syscall_names[NR_SYSCALLS] = {
#define NAME(nr, name) [nr] = #name,
	SYSCALL_NAMES(NAME)
#undef NAME
};

/* Each unimplemented (program, syscall) pair is logged once. */
static struct {
	char comm[16];
	uint32_t nr;
} reported[64];
static unsigned nreported;
static struct spinlock reported_lock = SPINLOCK_INIT("enosys log");

static long sys_ni(uint64_t nr)
{
	const char *name = nr < NR_SYSCALLS && syscall_names[nr] ?
				   syscall_names[nr] : "?";
	bool irq = spin_lock_irqsave(&reported_lock), seen = false;

	for (unsigned i = 0; i < nreported; i++)
		if (reported[i].nr == nr &&
		    !strcmp(reported[i].comm, current->comm))
			seen = true;
	if (!seen && nreported < ARRAY_SIZE(reported)) {
		strlcpy(reported[nreported].comm, current->comm, 16);
		reported[nreported++].nr = (uint32_t)nr;
	}
	spin_unlock_irqrestore(&reported_lock, irq);
	if (!seen)
		pr_debug("%s[%d]: unimplemented syscall %llu (%s)\n",
			current->comm, current->tid, (unsigned long long)nr,
			name);
	return -ENOSYS;
}

/* Called from syscall_entry with interrupts on; returns with them off. */
void syscall_dispatch(struct trap_frame *tf)
{
	uint64_t nr = tf->error;
	long ret;

	if (nr < NR_SYSCALLS && table[nr])
		ret = table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8,
				tf->r9);
	else
		ret = sys_ni(nr);
	tf->rax = (uint64_t)ret;
	cli();
	exit_to_user(tf);
}

void syscall_init(void)
{
	for (const struct syscall_entry *e = __syscalls_start;
	     e < __syscalls_end; e++) {
		ASSERT(e->nr < NR_SYSCALLS && !table[e->nr]);
		table[e->nr] = e->fn;
	}
	/* STAR: SYSCALL loads CS from bits 47:32 (SS = +8); SYSRET loads
	 * CS from bits 63:48 + 16 and SS from + 8 (SDM Vol. 3A §5.8.8). */
	wrmsr(MSR_STAR, ((uint64_t)(GDT_USER32_CS & ~3) << 48) |
				((uint64_t)GDT_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	/* Masked on entry, as Linux does: TF, IF, DF, IOPL, AC, NT. */
	wrmsr(MSR_SFMASK, 0x47700);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	pr_info("syscall: %ld system calls implemented\n",
		(long)(__syscalls_end - __syscalls_start));
}
