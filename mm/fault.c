/* SPDX-License-Identifier: MIT */
/* Page faults. Kernel-mode faults have nothing to resolve yet: user
 * address spaces arrive with processes. */
#include "mm/mm.h"

int vmm_handle_page_fault(struct trap_frame *tf, uint64_t addr)
{
	(void)tf;
	(void)addr;
	return -EFAULT;
}
