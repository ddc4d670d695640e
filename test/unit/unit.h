/* SPDX-License-Identifier: MIT */
/* A small host test framework: TEST() registers, CHECK() reports. */
#ifndef STRIX_UNIT_H
#define STRIX_UNIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void unit_register(const char *name, void (*fn)(void));
/* Records a failure of the running test; CHECK returns from it. */
void unit_fail(const char *file, int line, const char *what);

#define TEST(name)                                                  \
	static void test_##name(void);                              \
	__attribute__((constructor)) static void reg_##name(void)   \
	{                                                           \
		unit_register(#name, test_##name);                  \
	}                                                           \
	static void test_##name(void)

#define CHECK(cond)                                                 \
	do {                                                        \
		if (!(cond)) {                                      \
			unit_fail(__FILE__, __LINE__, #cond);       \
			return;                                     \
		}                                                   \
	} while (0)

#define CHECK_EQ(a, b)                                                   \
	do {                                                             \
		long long va_ = (long long)(a), vb_ = (long long)(b);    \
		if (va_ != vb_) {                                        \
			char m_[256];                                    \
			snprintf(m_, sizeof(m_), "%s == %s (%lld != %lld)", \
				 #a, #b, va_, vb_);                      \
			unit_fail(__FILE__, __LINE__, m_);               \
			return;                                          \
		}                                                        \
	} while (0)

/* Host "physical memory" for the mm tests: npages zeroed pages at
 * physical address 0; returns the base. */
char *unit_phys_arena(uint64_t npages);

#endif
