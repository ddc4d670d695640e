/* SPDX-License-Identifier: MIT */
/*
 * The only instructions that touch user memory. A fault on any of them
 * that the page-fault handler cannot resolve jumps, through __ex_table, to
 * a fixup that reports how much was left undone. The C wrappers in
 * uaccess.c check ranges and open SMAP around these.
 */
.macro extable insn, fixup
	.pushsection __ex_table, "a"
	.balign 8
	.quad \insn, \fixup
	.popsection
.endm

	.text
/* uint64_t uaccess_copy(void *dst, const void *src, uint64_t n):
 * returns the number of bytes not copied. */
	.global uaccess_copy
uaccess_copy:
	mov %rdx, %rcx
	shr $3, %rcx
	and $7, %edx
1:	rep movsq
	mov %rdx, %rcx
2:	rep movsb
	xor %eax, %eax
	ret
3:	lea (%rdx, %rcx, 8), %rax
	ret
4:	mov %rcx, %rax
	ret
	extable 1b, 3b
	extable 2b, 4b

/* uint64_t uaccess_clear(void *dst, uint64_t n): bytes not cleared. */
	.global uaccess_clear
uaccess_clear:
	mov %rsi, %rcx
	xor %eax, %eax
5:	rep stosb
	mov %rcx, %rax
	ret
6:	mov %rcx, %rax
	ret
	extable 5b, 6b

/* int64_t uaccess_strncpy(char *dst, const char *src, int64_t n):
 * the string's length if a NUL came within n bytes (copied with it),
 * n if not, -1 on a fault. */
	.global uaccess_strncpy
uaccess_strncpy:
	xor %eax, %eax
7:	cmp %rdx, %rax
	jae 9f
8:	movb (%rsi, %rax), %cl
	movb %cl, (%rdi, %rax)
	test %cl, %cl
	jz 9f
	inc %rax
	jmp 7b
9:	ret
10:	mov $-1, %rax
	ret
	extable 8b, 10b

/* int uaccess_cmpxchg32(uint32_t *uaddr, uint32_t old, uint32_t new,
 *                       uint32_t *found): 0 with *found the value seen
 * (the exchange happened iff it equals old), or -1 on a fault. */
	.global uaccess_cmpxchg32
uaccess_cmpxchg32:
	mov %esi, %eax
11:	lock cmpxchg %edx, (%rdi)
	mov %eax, (%rcx)
	xor %eax, %eax
	ret
12:	mov $-1, %eax
	ret
	extable 11b, 12b

	.section .note.GNU-stack, "", @progbits
