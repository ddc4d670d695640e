/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry: one stub per vector pushes an error code
 * (when the CPU did not) and the vector, then the common path saves the
 * registers as a struct trap_frame and calls trap_dispatch().
 */
#include "kernel/regs.inc"

/* Vectors for which the CPU pushes an error code (SDM Vol. 3A §6.15). */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		      (v) == 21 || (v) == 29 || (v) == 30)
/* Vectors that run on an IST stack and may interrupt the kernel at any
 * instruction, even between SYSCALL and SWAPGS. */
#define PARANOID(v) ((v) == 2 || (v) == 8 || (v) == 18)

	.section .text
.macro vector_stub v
	.balign 16
vector_\v:
	.if HAS_ERROR(\v) == 0
	pushq $0
	.endif
	pushq $\v
	.if PARANOID(\v)
	jmp trap_paranoid
	.else
	jmp trap_common
	.endif
.endm

.altmacro
.macro all_stubs from, to
	vector_stub \from
	.if \to-\from
	all_stubs %(\from+1), \to
	.endif
.endm
	all_stubs 0, 63
	all_stubs 64, 127
	all_stubs 128, 191
	all_stubs 192, 255

.macro stub_address v
	.quad vector_\v
.endm
.macro all_addresses from, to
	stub_address \from
	.if \to-\from
	all_addresses %(\from+1), \to
	.endif
.endm
	.section .rodata
	.balign 8
	.global trap_vectors
trap_vectors:
	all_addresses 0, 63
	all_addresses 64, 127
	all_addresses 128, 191
	all_addresses 192, 255
	.section .text

/* The common path: SWAPGS when we came from user mode. */
	.global trap_common
trap_common:
	cld
	testb $3, 24(%rsp)		/* CS of the interrupted context */
	jz 1f
	swapgs
1:	SAVE_REGS
	mov %rsp, %rdi
	call trap_dispatch
	.global trap_return
trap_return:
	RESTORE_REGS
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	add $16, %rsp			/* vector and error code */
	iretq

/*
 * NMI, double fault and machine check: GS cannot be judged from CS, so
 * read the GS base and swap only if it is not a kernel address; %r12
 * (callee-saved) remembers whether to swap back.
 */
trap_paranoid:
	cld
	SAVE_REGS
	xor %r12d, %r12d
	mov $MSR_GS_BASE_NUM, %ecx
	rdmsr
	test %edx, %edx
	js 1f				/* kernel GS already */
	swapgs
	mov $1, %r12d
1:	mov %rsp, %rdi
	call trap_dispatch
	test %r12d, %r12d
	jz 2f
	swapgs
2:	RESTORE_REGS
	add $16, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits
