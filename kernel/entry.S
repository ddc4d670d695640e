/* SPDX-License-Identifier: MIT */
/*
 * _start: the first kernel instruction. The stub jumps here with the
 * boot_info's physical address in %rdi, on its own page tables and stack,
 * interrupts off. We move to the kernel's boot stack and call kernel_main.
 */
	.section .text.entry, "ax"
	.global _start
_start:
	cli
	cld
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp		/* ends backtraces */
	call kernel_main
1:	hlt
	jmp 1b

	.section .bss
	.balign 4096
	.global boot_stack_bottom
boot_stack_bottom:
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
