/* SPDX-License-Identifier: MIT */
/* The kernel ELF, embedded whole; KERNEL_ELF is set by the GNUmakefile. */
	.section .rodata.kernel_elf, "a"
	.balign 4096
	.global strix_kernel_elf, strix_kernel_elf_end
strix_kernel_elf:
	.incbin KERNEL_ELF
strix_kernel_elf_end:
	.section .note.GNU-stack, "", @progbits
