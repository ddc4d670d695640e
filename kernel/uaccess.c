/* SPDX-License-Identifier: MIT */
/* copy_from_user and friends: range checks, SMAP windows, -EFAULT. */
#include "kernel/kernel.h"

extern bool cpu_has_smap;
uint64_t uaccess_copy(void *dst, const void *src, uint64_t n);
uint64_t uaccess_clear(void *dst, uint64_t n);
int64_t uaccess_strncpy(char *dst, const char *src, int64_t n);
int uaccess_cmpxchg32(uint32_t *uaddr, uint32_t old, uint32_t new,
		      uint32_t *found);

/* STAC/CLAC open and close SMAP's window for kernel access to user pages
 * (SDM Vol. 3A §4.6.1); they are undefined on CPUs without SMAP. */
static inline void user_access_begin(void)
{
	if (cpu_has_smap)
		__asm__ volatile("stac" : : : "memory");
}

static inline void user_access_end(void)
{
	if (cpu_has_smap)
		__asm__ volatile("clac" : : : "memory");
}

int copy_from_user(void *dst, uaddr_t src, size_t n)
{
	uint64_t left;

	if (!user_range_ok(src, n))
		return -EFAULT;
	user_access_begin();
	left = uaccess_copy(dst, (const void *)src, n);
	user_access_end();
	if (left) {
		/* Never leave stale kernel bytes where the copy stopped. */
		memset((char *)dst + (n - left), 0, left);
		return -EFAULT;
	}
	return 0;
}

int copy_to_user(uaddr_t dst, const void *src, size_t n)
{
	uint64_t left;

	if (!user_range_ok(dst, n))
		return -EFAULT;
	user_access_begin();
	left = uaccess_copy((void *)dst, src, n);
	user_access_end();
	return left ? -EFAULT : 0;
}

int clear_user(uaddr_t dst, size_t n)
{
	uint64_t left;

	if (!user_range_ok(dst, n))
		return -EFAULT;
	user_access_begin();
	left = uaccess_clear((void *)dst, n);
	user_access_end();
	return left ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, uaddr_t src, size_t size)
{
	int64_t n;
	size_t max;

	if (size == 0 || src >= USER_ADDR_END)
		return -EFAULT;
	/* Do not read past the end of user space. */
	max = MIN(size, (size_t)(USER_ADDR_END - src));
	user_access_begin();
	n = uaccess_strncpy(dst, (const char *)src, max);
	user_access_end();
	if (n < 0)
		return -EFAULT;
	if ((size_t)n == max)
		return max < size ? -EFAULT : -ENAMETOOLONG;
	return n;
}

int cmpxchg_user_u32(uaddr_t uaddr, uint32_t old, uint32_t new,
		     uint32_t *found)
{
	int r;

	if (uaddr % 4 || !user_range_ok(uaddr, 4))
		return -EFAULT;
	user_access_begin();
	r = uaccess_cmpxchg32((uint32_t *)uaddr, old, new, found);
	user_access_end();
	return r ? -EFAULT : 0;
}
