/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 signal frame, laid out as Linux does (arch/x86/kernel/
 * signal.c): struct rt_sigframe on the user stack with the FPU state
 * above it, and rt_sigreturn to undo it.
 */
#include "kernel/uapi/unistd.h"
#include "mm/mm.h"
#include "proc/proc_internal.h"

struct rt_sigframe {
	uint64_t pretcode; /* sa_restorer: the handler returns there */
	struct linux_ucontext uc;
	struct linux_siginfo info;
	/* the FPU state follows, 64-byte aligned */
};

/* struct _fpx_sw_bytes, in the FXSAVE area's software-reserved bytes
 * (offset 464), marks an XSAVE image (arch/x86/include/uapi/asm/
 * sigcontext.h). */
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define FXSAVE_SIZE 512
#define SW_BYTES_OFFSET 464
#define MXCSR_OFFSET 24
#define XSTATE_BV_OFFSET 512

struct fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

/* RFLAGS bits a handler may change through its frame: CF PF AF ZF SF TF
 * DF OF RF AC (Linux's FIX_EFLAGS). */
#define FIX_EFLAGS 0x50dd5UL
#define USER_CS 0x33
#define USER_DS 0x2b

static size_t fp_frame_size(void)
{
	return fpu_state_size + (fpu_use_xsave ? 4 : 0);
}

bool on_altstack(const struct task *t, uint64_t sp)
{
	return t->altstack.ss_flags != SS_DISABLE &&
	       sp - t->altstack.ss_sp <= t->altstack.ss_size;
}

int altstack_set(struct task *t, const struct linux_stack *ss)
{
	int mode = ss->ss_flags & ~(int)SS_AUTODISARM;

	/* sigaltstack(2): no changes while running on the stack. */
	if (on_altstack(t, t->user_regs->rsp))
		return -EPERM;
	if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		t->altstack = (struct linux_stack){ .ss_flags = SS_DISABLE };
		return 0;
	}
	if (ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	t->altstack.ss_sp = ss->ss_sp;
	t->altstack.ss_size = ss->ss_size;
	/* SS_ONSTACK is accepted as a synonym of 0, for old programs. */
	t->altstack.ss_flags = ss->ss_flags & SS_AUTODISARM;
	return 0;
}

/* Writes the live FPU state to user memory at fp. */
static int save_fpu(struct task *t, uaddr_t fp)
{
	uint8_t *buf = t->fpu;
	uint32_t magic2 = FP_XSTATE_MAGIC2;

	fpu_save(buf);
	if (fpu_use_xsave) {
		struct fpx_sw_bytes sw = {
			.magic1 = FP_XSTATE_MAGIC1,
			.extended_size = (uint32_t)fp_frame_size(),
			.xfeatures = fpu_xfeatures,
			.xstate_size = (uint32_t)fpu_state_size,
		};
		memcpy(buf + SW_BYTES_OFFSET, &sw, sizeof(sw));
	}
	if (copy_to_user(fp, buf, fpu_state_size))
		return -EFAULT;
	if (fpu_use_xsave &&
	    copy_to_user(fp + fpu_state_size, &magic2, sizeof(magic2)))
		return -EFAULT;
	return 0;
}

static void fill_sigcontext(struct linux_sigcontext *sc,
			    const struct trap_frame *tf, sigset_t mask,
			    uaddr_t fp)
{
	sc->r8 = tf->r8;
	sc->r9 = tf->r9;
	sc->r10 = tf->r10;
	sc->r11 = tf->r11;
	sc->r12 = tf->r12;
	sc->r13 = tf->r13;
	sc->r14 = tf->r14;
	sc->r15 = tf->r15;
	sc->rdi = tf->rdi;
	sc->rsi = tf->rsi;
	sc->rbp = tf->rbp;
	sc->rbx = tf->rbx;
	sc->rdx = tf->rdx;
	sc->rax = tf->rax;
	sc->rcx = tf->rcx;
	sc->rsp = tf->rsp;
	sc->rip = tf->rip;
	sc->eflags = tf->rflags;
	sc->cs = USER_CS;
	sc->ss = USER_DS;
	if (tf->vector < 32) {
		sc->trapno = tf->vector;
		sc->err = tf->error;
		if (tf->vector == 14)
			sc->cr2 = read_cr2();
	}
	sc->oldmask = mask;
	sc->fpstate = fp;
}

int signal_frame_setup(struct trap_frame *tf, int sig,
		       const struct linux_siginfo *info,
		       const struct linux_sigaction *act, sigset_t saved_mask)
{
	struct task *t = current;
	struct rt_sigframe f;
	uint64_t sp = tf->rsp;
	uaddr_t fp, frame;

	if (!(act->flags & SA_RESTORER))
		return -EFAULT; /* x86-64 has no default return trampoline */
	memset(&f, 0, sizeof(f));
	f.uc.uc_stack.ss_sp = t->altstack.ss_sp;
	f.uc.uc_stack.ss_size = t->altstack.ss_size;
	f.uc.uc_stack.ss_flags = t->altstack.ss_flags;
	if (on_altstack(t, sp)) {
		f.uc.uc_stack.ss_flags = SS_ONSTACK;
	} else if ((act->flags & SA_ONSTACK) &&
		   t->altstack.ss_flags != SS_DISABLE) {
		sp = t->altstack.ss_sp + t->altstack.ss_size;
		if (t->altstack.ss_flags & SS_AUTODISARM)
			t->altstack = (struct linux_stack){ .ss_flags =
								    SS_DISABLE };
	} else {
		sp -= 128; /* the psABI red zone below the interrupted rsp */
	}
	fp = ALIGN_DOWN(sp - fp_frame_size(), 64);
	frame = ALIGN_DOWN(fp - sizeof(f), 16) - 8;

	f.pretcode = act->restorer;
	f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS |
			(fpu_use_xsave ? UC_FP_XSTATE : 0);
	fill_sigcontext(&f.uc.uc_mcontext, tf, saved_mask, fp);
	f.uc.uc_sigmask = saved_mask;
	f.info = *info;
	if (save_fpu(t, fp) || copy_to_user(frame, &f, sizeof(f)))
		return -EFAULT;

	/* The handler starts with clean FPU state, as on Linux. */
	fpu_init_state(t->fpu);
	fpu_restore(t->fpu);
	tf->rdi = sig;
	tf->rsi = frame + offsetof(struct rt_sigframe, info);
	tf->rdx = frame + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rsp = frame;
	tf->rip = act->handler;
	tf->rflags &= ~(RFLAGS_DF | (1UL << 8) /* TF */ | (1UL << 16) /* RF */);
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	return 0;
}

/* Loads FPU state from a user frame, sanitised so XRSTOR cannot fault:
 * the header's reserved bytes cleared, features limited to ours, MXCSR's
 * reserved bits cleared (SDM Vol. 1 §13.8.1). */
static int restore_fpu(struct task *t, uaddr_t fp)
{
	uint8_t *buf = t->fpu;
	struct fpx_sw_bytes sw;
	uint32_t mxcsr;
	bool xstate;

	if (copy_from_user(buf, fp, FXSAVE_SIZE))
		return -EFAULT;
	memcpy(&sw, buf + SW_BYTES_OFFSET, sizeof(sw));
	xstate = fpu_use_xsave && sw.magic1 == FP_XSTATE_MAGIC1 &&
		 sw.xstate_size == fpu_state_size;
	if (fpu_use_xsave) {
		uint64_t bv = fpu_xfeatures & 3; /* x87 and SSE from legacy */

		memset(buf + FXSAVE_SIZE, 0, fpu_state_size - FXSAVE_SIZE);
		if (xstate) {
			if (copy_from_user(buf + FXSAVE_SIZE, fp + FXSAVE_SIZE,
					   fpu_state_size - FXSAVE_SIZE))
				return -EFAULT;
			memcpy(&bv, buf + XSTATE_BV_OFFSET, sizeof(bv));
			bv &= fpu_xfeatures;
			memset(buf + XSTATE_BV_OFFSET, 0, 64);
		}
		memcpy(buf + XSTATE_BV_OFFSET, &bv, sizeof(bv));
	}
	memcpy(&mxcsr, buf + MXCSR_OFFSET, sizeof(mxcsr));
	mxcsr &= 0xffff;
	memcpy(buf + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	fpu_restore(buf);
	return 0;
}

static long sys_rt_sigreturn(void)
{
	struct task *t = current;
	struct trap_frame *tf = t->user_regs;
	struct linux_sigcontext *sc;
	struct rt_sigframe f;
	bool irq;

	/* The handler's return popped pretcode: the frame is 8 below. */
	if (copy_from_user(&f, tf->rsp - 8, sizeof(f)))
		goto bad;
	sc = &f.uc.uc_mcontext;
	tf->r8 = sc->r8;
	tf->r9 = sc->r9;
	tf->r10 = sc->r10;
	tf->r11 = sc->r11;
	tf->r12 = sc->r12;
	tf->r13 = sc->r13;
	tf->r14 = sc->r14;
	tf->r15 = sc->r15;
	tf->rdi = sc->rdi;
	tf->rsi = sc->rsi;
	tf->rbp = sc->rbp;
	tf->rbx = sc->rbx;
	tf->rdx = sc->rdx;
	tf->rax = sc->rax;
	tf->rcx = sc->rcx;
	tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->rflags = (tf->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS) |
		     RFLAGS_IF;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->vector = 0; /* no longer a syscall: never restart it */
	if (sc->fpstate && restore_fpu(t, sc->fpstate))
		goto bad;
	irq = spin_lock_irqsave(&t->sighand->lock);
	t->blocked = f.uc.uc_sigmask & ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	/* sigaltstack state comes back too, errors ignored (as Linux). */
	altstack_set(t, &f.uc.uc_stack);
	return (long)tf->rax;
bad:
	signal_send_task(t, SIGSEGV, NULL);
	return (long)tf->rax;
}
SYSCALL_REGISTER(rt_sigreturn, sys_rt_sigreturn);
