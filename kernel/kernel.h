/* SPDX-License-Identifier: MIT */
/*
 * The kernel core's public interface: logging, panic, the command line,
 * locks, per-CPU data, traps and interrupts, time, power and self-tests.
 */
#ifndef STRIX_KERNEL_H
#define STRIX_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/boot_info.h"
#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/unistd.h"
#include "kernel/x86.h"

#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ volatile("" : : : "memory")

/* ---- error pointers: a pointer return is NULL or an encoded errno ---- */

static inline void *ERR_PTR(long err)
{
	return (void *)err;
}
static inline long PTR_ERR(const void *p)
{
	return (long)p;
}
static inline bool IS_ERR(const void *p)
{
	return (uint64_t)p >= (uint64_t)-4095;
}
static inline bool IS_ERR_OR_NULL(const void *p)
{
	return !p || IS_ERR(p);
}

/* ---- user memory (kernel/uaccess.c) ---- */

/* A user-space address: an integer, never dereferenced directly. */
typedef uint64_t uaddr_t;
/* The end of user space (Linux's TASK_SIZE_MAX: one page below the
 * canonical hole, so SYSRET never returns to a non-canonical address). */
#define USER_ADDR_END 0x00007ffffffff000ULL

static inline bool user_range_ok(uaddr_t addr, size_t n)
{
	return addr <= USER_ADDR_END && n <= USER_ADDR_END - addr;
}
/* Copy between kernel and user memory: 0, or -EFAULT when any byte is
 * outside user space or unmapped (page faults are resolved first, so
 * copy-on-write and demand paging happen as for the program itself). */
int copy_from_user(void *dst, uaddr_t src, size_t n);
int copy_to_user(uaddr_t dst, const void *src, size_t n);
int clear_user(uaddr_t dst, size_t n);
/* Copies a NUL-terminated string of at most size-1 characters: returns
 * its length, -EFAULT, or -ENAMETOOLONG when no NUL is within size. */
long strncpy_from_user(char *dst, uaddr_t src, size_t size);
/* Atomically replaces the aligned word at uaddr with new if it holds old;
 * *found gets what it held. 0 or -EFAULT. */
int cmpxchg_user_u32(uaddr_t uaddr, uint32_t old, uint32_t new,
		     uint32_t *found);
#define get_user(kvar, uaddr) copy_from_user(&(kvar), (uaddr), sizeof(kvar))
#define put_user(kval, uaddr)                             \
	({                                                \
		__typeof__(kval) __v = (kval);            \
		copy_to_user((uaddr), &__v, sizeof(__v)); \
	})

/* ---- system calls (kernel/syscall.c) ---- */

/* Fills the syscall table and programs the SYSCALL MSRs. */
void syscall_init(void);
typedef long (*syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
			   uint64_t);
struct syscall_entry {
	unsigned nr;
	syscall_fn fn;
};
/*
 * Registers handler for Linux system call __NR_name (kernel/uapi/unistd.h).
 * Handlers take their arguments with natural types (int, size_t, uaddr_t,
 * ...; at most six, all passed in registers) and return a value or a
 * negative errno. Unregistered numbers return -ENOSYS.
 */
#define SYSCALL_REGISTER(name, handler)                                     \
	static const struct syscall_entry __syscall_##name                  \
		__attribute__((used, section(".syscalls"), aligned(8))) = { \
			__NR_##name, (syscall_fn)(void (*)(void))(handler)  \
		}

/* ---- The kernel log (kernel/log.c) ---- */

/* Levels as in Linux: a "\001<digit>" prefix on the format. */
#define KERN_EMERG "\0010"
#define KERN_ALERT "\0011"
#define KERN_CRIT "\0012"
#define KERN_ERR "\0013"
#define KERN_WARNING "\0014"
#define KERN_NOTICE "\0015"
#define KERN_INFO "\0016"
#define KERN_DEBUG "\0017"

/*
 * Formats a message into the log ring and every registered console; each
 * line gets "[seconds.micros] " since kernel entry. Safe from any context,
 * including interrupts. Returns the number of characters formatted.
 */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
#define pr_err(...) printk(KERN_ERR __VA_ARGS__)
#define pr_warn(...) printk(KERN_WARNING __VA_ARGS__)
#define pr_info(...) printk(KERN_INFO __VA_ARGS__)
#define pr_debug(...) printk(KERN_DEBUG __VA_ARGS__)

/* A place log text goes. write() is called with the log lock held and
 * interrupts off; it must not sleep or print. */
struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t n);
	struct console *next;
};
/* Adds a console; it first receives the whole log so far. */
void console_register(struct console *con);
/* Copies up to n bytes of the log ring's tail into buf; returns the count. */
size_t log_read_tail(char *buf, size_t n);

/* The fixup address for a fault at a user-access instruction, or 0. */
uint64_t extable_lookup(uint64_t rip);

/* ---- panic and assertions (kernel/panic.c) ---- */

struct trap_frame;
/* Prints the message, the registers (if a frame) and a backtrace, then
 * halts, powers QEMU off or reboots as panic= on the command line says. */
__noreturn void panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
__noreturn void panic_with_frame(const struct trap_frame *tf, const char *fmt,
				 ...) __attribute__((format(printf, 2, 3)));
/* Prints a backtrace starting at the given frame pointer. */
void backtrace_print(uint64_t rip, uint64_t rbp);
/* The name of the kernel function containing addr, and addr's offset in
 * it; NULL when unknown. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
/* Leaves QEMU through isa-debug-exit (exit status (code << 1) | 1), if the
 * device is there; returns otherwise. */
void qemu_debug_exit(uint8_t code);

#define ASSERT(cond)                                                           \
	do {                                                                   \
		if (unlikely(!(cond)))                                         \
			panic("assertion failed: %s (%s:%d)", #cond, __FILE__, \
			      __LINE__);                                       \
	} while (0)
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

/* ---- boot information and the command line (kernel/main.c, cmdline.c) ---- */

/* A copy of what the stub handed over; the memory map is copied too. */
extern struct boot_info boot_info;
extern struct boot_mem_range boot_mmap[];
extern unsigned boot_mmap_count;

/* The value of key=value on the command line, "" for a bare key, or NULL
 * when the key is absent. Keys repeat: the last one wins, as in Linux. */
const char *cmdline_get(const char *key);
/* The value parsed as a number, or def when absent or malformed. */
uint64_t cmdline_get_u64(const char *key, uint64_t def);

/* ---- spinlocks (kernel/spinlock.h is all inline) ---- */

struct spinlock {
	volatile uint32_t locked;
	const char *name;
};
#define SPINLOCK_INIT(n) \
	{                \
		0, n     \
	}

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(l->locked))
			cpu_relax();
}
static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}
static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}
/* Takes the lock with interrupts off; returns whether they were on. */
static inline bool spin_lock_irqsave(struct spinlock *l)
{
	bool on = irq_save();
	spin_lock(l);
	return on;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, bool on)
{
	spin_unlock(l);
	irq_restore(on);
}

/* ---- per-CPU data, reached through GS (kernel/cpu.c) ---- */

#define MAX_CPUS 64

struct task;
struct tss;
struct cpu {
	struct cpu *self;    /* %gs:0, so this_cpu() is one load */
	uint64_t kernel_rsp; /* %gs:8, loaded by the syscall entry */
	uint64_t user_rsp;   /* %gs:16, saved by the syscall entry */
	unsigned id;	     /* index in cpus[] */
	uint32_t apic_id;
	struct task *curr; /* the running task: `current` */
	struct task *idle;
	uint64_t loaded_pml4; /* CR3 as last written */
	struct tss *tss;
	uint64_t irq_count;
	bool need_resched;
};
_Static_assert(offsetof(struct cpu, kernel_rsp) == 8, "asm offset");
_Static_assert(offsetof(struct cpu, user_rsp) == 16, "asm offset");

extern struct cpu cpus[MAX_CPUS];
extern unsigned cpu_count;
/* The stack the CPU loads on an interrupt from user mode (TSS.RSP0). */
void tss_set_rsp0(uint64_t rsp0);

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* ---- traps and interrupts (kernel/trap.c, kernel/irq.c) ---- */

/* Registers as the entry stubs save them; the layout of Linux's pt_regs. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, rbp, rbx;
	uint64_t r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	uint64_t vector; /* the vector, or VECTOR_SYSCALL */
	uint64_t error;	 /* error code; for syscalls the number (orig_rax) */
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame layout");

static inline bool trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) == 3;
}

/* Interrupt vectors: exceptions below 32, ISA IRQs from IRQ_VECTOR_BASE. */
#define IRQ_VECTOR_BASE 0x20
#define VECTOR_SYSCALL 0x100 /* not a vector: marks a syscall frame */
#define VECTOR_LAPIC_TIMER 0xec
#define VECTOR_RESCHEDULE 0xfd
#define VECTOR_SPURIOUS 0xff

typedef void (*irq_handler_t)(struct trap_frame *tf, void *arg);
/* Installs fn for a vector (>= 32); returns -EBUSY if one is there. */
int irq_set_vector_handler(unsigned vector, irq_handler_t fn, void *arg);
/*
 * Routes ISA IRQ isa_irq (0-15, after the MADT's interrupt source
 * overrides) through the IOAPIC to this CPU and calls fn for it.
 */
int irq_request_isa(unsigned isa_irq, irq_handler_t fn, void *arg);
/* Installs fn on a free vector between 0x30 and 0xdf (MSI, PCI INTx):
 * the vector, or -EBUSY when none is left. */
int irq_alloc_vector(irq_handler_t fn, void *arg);
/* Routes GSI gsi (a PCI interrupt: on q35 PIRQs are GSIs 16-23, level
 * triggered and active low) through the IOAPIC to this CPU on a new
 * vector calling fn: the vector, or a negative errno. */
int irq_request_gsi(unsigned gsi, bool level, bool active_low, irq_handler_t fn,
		    void *arg);
/* The vector's handler runs before the EOI (level-triggered sources; the
 * handler must not switch tasks). */
void irq_set_eoi_last(unsigned vector);
/* Signals end of interrupt to the local APIC. */
void lapic_eoi(void);

/* ---- time (kernel/time.c) ---- */

#define HZ 250
#define NSEC_PER_SEC 1000000000ULL
/* Nanoseconds since kernel entry, from the TSC; 0 until calibrated. */
uint64_t time_ns(void);
/* Wall-clock nanoseconds since the Unix epoch (CLOCK_REALTIME). */
uint64_t time_realtime_ns(void);
/* Steps the wall clock so that time_realtime_ns() returns ns now. */
void time_set_realtime_ns(uint64_t ns);
/* CLOCK_MONOTONIC_COARSE and CLOCK_REALTIME_COARSE: the clocks as they
 * were at the last tick (proc/clock.c). */
uint64_t time_coarse_ns(void);
uint64_t time_realtime_coarse_ns(void);
/* The tick's timekeeping: the coarse clocks and the vDSO's copy. */
void time_tick(struct trap_frame *tf);
/* time_ns()'s parameters: ns = ((rdtsc() - *base) * *mult) >> 32; *mult
 * is 0 until the TSC is calibrated. */
void time_tsc_params(uint64_t *base, uint64_t *mult);
/* Busy-waits at least us microseconds. */
void time_delay_us(uint64_t us);
/* Starts the clock: the TSC at kernel entry (first thing). */
void time_early_init(void);
/* Calibrates the TSC and LAPIC timer and starts the tick at HZ. */
void timer_init(void);
/* Calls fn on every tick, in the interrupt (the scheduler, timers). */
void timer_add_tick_handler(void (*fn)(struct trap_frame *tf));
/* ACPI tables and interrupt controllers (kernel/acpi.c, apic.c). */
void acpi_init(void);
void lapic_init(void);
void ioapic_init(void);
/* Timer interrupts since the timer started. */
extern volatile uint64_t jiffies;
extern uint64_t tsc_hz;

/* ---- the vDSO (kernel/vdso.c, kernel/vdso/) ---- */

struct mm;
struct page;
/* Checks the embedded vDSO image and sets up its pages and the vvar page;
 * after timer_init. With vdso=0 on the command line exec maps none. */
void vdso_init(void);
/* Publishes the wall-clock offset and the last tick's CLOCK_MONOTONIC to
 * the vvar page (under its seqcount). Callers serialise (proc/clock.c). */
void vdso_publish(int64_t realtime_offset_ns, uint64_t coarse_ns);
/* Maps [vvar] and [vdso] into mm at a random address (mm->lock held); 0
 * (also when the vDSO is off) or -ENOMEM. */
int vdso_map(struct mm *mm);
/* arch_prctl(ARCH_MAP_VDSO_64): maps the vDSO into mm (near hint) unless
 * it has one; the vDSO's size, -EEXIST or -ENOMEM. */
long vdso_arch_map(struct mm *mm, uint64_t hint);
/* Where mm's vDSO ELF header is, or 0 (for AT_SYSINFO_EHDR). */
uint64_t vdso_base(struct mm *mm);
/* The page at index of a VMA_VVAR or VMA_VDSO mapping, referenced; NULL
 * beyond its end. */
struct page *vdso_page(uint32_t vma_flags, uint64_t index);

/* ---- user FPU state (kernel/fpu.c) ---- */

extern size_t fpu_state_size; /* bytes; areas must be 64-byte aligned */
extern bool fpu_use_xsave;
extern uint64_t fpu_xfeatures;
void fpu_init(void);
void fpu_save(void *area);
void fpu_restore(const void *area);
void fpu_init_state(void *area);

/* ---- power (kernel/power.c) ---- */

__noreturn void power_off(void);
__noreturn void power_reboot(void);

/* ---- self-tests, run when the command line says selftest=... ---- */

struct selftest {
	const char *name;
	/* Returns 0 on success; prints its own diagnostics on failure. */
	int (*run)(void);
};
#define SELFTEST(nm)                                                  \
	static int selftest_##nm(void);                               \
	static const struct selftest selftest_desc_##nm               \
		__attribute__((used, section(".selftests"),           \
			       aligned(8))) = { #nm, selftest_##nm }; \
	static int selftest_##nm(void)
/* Runs the self-tests whose names are listed in selftest= ("all" for all)
 * and reports "selftest NAME: PASS|FAIL" on the log; returns failures. */
int selftest_run_all(const char *which);

/* Sections the linker script provides. */
extern const char __kernel_start[], __text_start[], __text_end[],
	__rodata_start[], __rodata_end[], __data_start[], __bss_end[],
	__kernel_end[];

#endif
