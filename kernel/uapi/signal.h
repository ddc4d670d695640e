/* SPDX-License-Identifier: MIT */
/* Signals: numbers, sigaction, siginfo and the x86-64 signal frame
 * (arch/x86/include/uapi/asm/{signal,sigcontext,ucontext}.h). */
#ifndef STRIX_UAPI_SIGNAL_H
#define STRIX_UAPI_SIGNAL_H

#include <stdint.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
#define SIGRTMIN 32
#define SIGRTMAX 64
#define NSIG 64

typedef uint64_t sigset_t; /* the kernel's sigset: bit (sig - 1) */
#define SIGMASK(sig) (1ULL << ((sig) - 1))

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_ERR (-1)

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* What rt_sigaction(2) passes on x86-64 (struct kernel_sigaction). */
struct linux_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	sigset_t mask;
};

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define MINSIGSTKSZ 2048

struct linux_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t __pad;
	uint64_t ss_size;
};

/* siginfo_t: 128 bytes; the union's members as Linux lays them out. */
struct linux_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t __pad0;
	union {
		struct { /* kill, sigqueue, timers, SIGCHLD */
			int32_t pid;
			uint32_t uid;
			union {
				struct {
					int32_t status;
					int32_t __pad;
					int64_t utime;
					int64_t stime;
				} chld;
				uint64_t value; /* sigval */
			};
		} proc;
		struct { /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			uint64_t addr;
		} fault;
		struct {
			int32_t tid;
			int32_t overrun;
			uint64_t value;
		} timer;
		struct {
			int64_t band;
			int32_t fd;
		} poll;
		uint8_t __pad[128 - 16];
	};
};
_Static_assert(sizeof(struct linux_siginfo) == 128, "siginfo");

/* si_code values */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_MESGQ (-3)
#define SI_ASYNCIO (-4)
#define SI_SIGIO (-5)
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRALN 1
#define BUS_ADRERR 2
#define ILL_ILLOPC 1
#define ILL_PRVOPC 5
#define FPE_INTDIV 1
#define FPE_INTOVF 2
#define FPE_FLTDIV 3
#define FPE_FLTOVF 4
#define FPE_FLTUND 5
#define FPE_FLTRES 6
#define FPE_FLTINV 7
#define TRAP_BRKPT 1
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* struct sigcontext, x86-64 */
struct linux_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	uint64_t eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user pointer to the FXSAVE/XSAVE image */
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct linux_sigcontext) == 256, "sigcontext");

struct linux_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct linux_stack uc_stack;
	struct linux_sigcontext uc_mcontext;
	sigset_t uc_sigmask;
};

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4

#endif
