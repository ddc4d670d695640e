/* SPDX-License-Identifier: MIT */
/* Switching kernel stacks between tasks, and the first run of a task. */

/*
 * void switch_to(uint64_t *save_rsp, uint64_t load_rsp)
 * Saves the callee-saved registers on the current stack, stores the stack
 * pointer in *save_rsp, and resumes the task whose stack is load_rsp. It
 * returns when some later switch_to resumes the saved stack.
 */
	.text
	.global switch_to
switch_to:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/*
 * Where a new task's first switch_to "returns" to. task_prepare_stack()
 * leaves the function to run in %r12 and its argument in %r13. For a
 * user task the function is task_return_to_user, which ends in iretq.
 */
	.global task_first_run
task_first_run:
	call sched_finish_switch
	mov %r13, %rdi
	call *%r12
	ud2			/* the function never returns */

/* Resumes user mode from the trap frame at %rdi (the task's user_regs). */
	.global task_enter_user
task_enter_user:
	mov %rdi, %rsp
	jmp trap_return

	.section .note.GNU-stack, "", @progbits
