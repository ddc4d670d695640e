/* SPDX-License-Identifier: MIT */
/*
 * crashtest=KIND: deliberate kernel faults, so the test suite can check the
 * panic path (registers, symbolized backtrace, isa-debug-exit).
 */
#include "kernel/kernel.h"
#include "mm/mm.h"

void crashtest_run(const char *kind);

static __attribute__((noinline)) void crashtest_pagefault(void)
{
	volatile uint64_t *bad = (volatile uint64_t *)0xdead000;

	*bad = 1;
}

/* Deep enough recursion hits the guard page below the stack; the CPU then
 * cannot push the page fault frame and raises a double fault, which runs
 * on its own IST stack. */
static __attribute__((noinline)) uint64_t crashtest_recurse(uint64_t n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	if (n == UINT64_MAX) /* never: keeps the compiler from objecting */
		return 0;
	return crashtest_recurse(n + 1) + pad[0];
}

static void crashtest_stack(void)
{
	char *stack = kstack_alloc();

	if (!stack)
		panic("crashtest: no stack");
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%edi, %%edi\n\t"
			 "call *%1"
			 :
			 : "r"(stack + KSTACK_SIZE), "r"(crashtest_recurse)
			 : "memory");
}

void crashtest_run(const char *kind)
{
	pr_info("crashtest: %s\n", kind);
	if (!strcmp(kind, "pagefault"))
		crashtest_pagefault();
	else if (!strcmp(kind, "stack"))
		crashtest_stack();
	pr_err("crashtest: unknown kind '%s' (pagefault, stack)\n", kind);
}
