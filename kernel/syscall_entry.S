/* SPDX-License-Identifier: MIT */
/*
 * SYSCALL entry (SDM Vol. 2B, SYSCALL; Linux's entry_SYSCALL_64): the CPU
 * left the user RIP in %rcx and RFLAGS in %r11 and masked IF/DF/TF/AC. We
 * switch to the task's kernel stack, build a struct trap_frame like an
 * interrupt would, and return with SYSRET when the frame allows it.
 */
#include "kernel/regs.inc"

#define USER_DS 0x2b
#define USER_CS 0x33
#define VECTOR_SYSCALL 0x100
/* Offsets in struct trap_frame */
#define TF_R11 (6 * 8)
#define TF_RCX (11 * 8)
#define TF_RIP (17 * 8)
#define TF_RFLAGS (19 * 8)
#define TF_RSP (20 * 8)
#define RFLAGS_TF_RF 0x10100
#define USER_ADDR_END 0x00007ffffffff000

	.text
	.global syscall_entry
syscall_entry:
	swapgs
	mov %rsp, %gs:16		/* cpu->user_rsp */
	mov %gs:8, %rsp			/* cpu->kernel_rsp */
	pushq $USER_DS
	pushq %gs:16
	pushq %r11
	pushq $USER_CS
	pushq %rcx
	pushq %rax			/* error slot: the syscall number */
	pushq $VECTOR_SYSCALL
	SAVE_REGS
	sti
	mov %rsp, %rdi
	call syscall_dispatch		/* returns with interrupts off */

	/* SYSRET reloads RIP from RCX and RFLAGS from R11, so it can only
	 * be used when the frame still holds what SYSCALL left there, and
	 * never to a non-canonical RIP (which would fault in ring 0). */
	mov TF_RCX(%rsp), %rcx
	cmp TF_RIP(%rsp), %rcx
	jne 1f
	mov TF_R11(%rsp), %r11
	cmp TF_RFLAGS(%rsp), %r11
	jne 1f
	test $RFLAGS_TF_RF, %r11
	jnz 1f
	movabs $USER_ADDR_END, %rax
	cmp %rax, %rcx
	jae 1f
	RESTORE_REGS
	mov TF_RSP - 15 * 8(%rsp), %rsp	/* user RSP, past the popped regs */
	swapgs
	sysretq
1:	jmp trap_return

	.section .note.GNU-stack, "", @progbits
