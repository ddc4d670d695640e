/* SPDX-License-Identifier: MIT */
/* kvsnprintf against the host C library's snprintf. */
#include <string.h>

#include "kernel/lib/lib.h"
#include "test/unit/unit.h"

/* The edge cases are deliberate: compare them, do not warn about them. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

#define SAME(...)                                                          \
	do {                                                               \
		char k_[128], h_[128];                                     \
		int kn_ = ksnprintf(k_, sizeof(k_), __VA_ARGS__);          \
		int hn_ = snprintf(h_, sizeof(h_), __VA_ARGS__);           \
		if (kn_ != hn_ || strcmp(k_, h_)) {                        \
			char m_[400];                                      \
			snprintf(m_, sizeof(m_), "%s: kernel \"%s\" (%d), " \
				 "libc \"%s\" (%d)", #__VA_ARGS__, k_, kn_, \
				 h_, hn_);                                 \
			unit_fail(__FILE__, __LINE__, m_);                 \
		}                                                          \
	} while (0)

TEST(printf_integers)
{
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d", -2147483647 - 1);
	SAME("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%ld %lu %zu %zd", -5L, 5UL, (size_t)77, (ssize_t)-77);
	SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	SAME("%x %X %o", 0xdeadbeef, 0xdeadbeef, 0755);
	SAME("%#x %#X %#o %#o", 0xab, 0xab, 8, 0);
	SAME("%#x", 0);
}

TEST(printf_width_precision_flags)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%+5d] [%-+5d] [%05d]", -42, -42, -42);
	SAME("[%.3d] [%8.3d] [%-8.3d] [%08.3d]", 7, 7, 7, 7);
	SAME("[%.0d] [%.0x] [%5.0d]", 0, 0, 0);
	SAME("[%*d] [%-*d] [%.*d]", 6, 1, 6, 1, 4, 1);
	SAME("[%*d]", -6, 1);
	SAME("[%016llx] [%#018llx]", 0x1234ULL, 0x1234ULL);
	SAME("[%5s] [%-5s] [%.2s] [%5.1s]", "ab", "ab", "abc", "xyz");
	SAME("[%c] [%3c] [%-3c]", 'a', 'b', 'c');
	SAME("100%% [%s]", "");
}

TEST(printf_pointer_and_null)
{
	char buf[64];

	ksnprintf(buf, sizeof(buf), "%p", (void *)0xffff800000001000);
	CHECK(!strcmp(buf, "0xffff800000001000"));
	ksnprintf(buf, sizeof(buf), "%s", (char *)NULL);
	CHECK(!strcmp(buf, "(null)"));
}

TEST(printf_truncation)
{
	char buf[8];
	int n = ksnprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);

	CHECK_EQ(n, 12);
	CHECK(!strcmp(buf, "abcdef-"));
	n = ksnprintf(buf, 1, "xyz");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], 0);
	n = ksnprintf(NULL, 0, "%d", 123456);
	CHECK_EQ(n, 6);
}

TEST(kstrtou64_parses_bases_and_rejects_junk)
{
	uint64_t v = 0;

	CHECK_EQ(kstrtou64("1234", &v), 0);
	CHECK_EQ(v, 1234);
	CHECK_EQ(kstrtou64("0x1F", &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(kstrtou64("0755", &v), 0);
	CHECK_EQ(v, 0755);
	CHECK_EQ(kstrtou64("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(kstrtou64("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(kstrtou64("18446744073709551616", &v), -34 /* ERANGE */);
	CHECK_EQ(kstrtou64("12a", &v), -22 /* EINVAL */);
	CHECK_EQ(kstrtou64("", &v), -22);
	CHECK_EQ(kstrtou64("0x", &v), -22);
	CHECK_EQ(kstrtou64("09", &v), -22);
}

TEST(strlcpy_truncates_and_terminates)
{
	char buf[4];

	CHECK_EQ(strlcpy(buf, "hello", sizeof(buf)), 5);
	CHECK(!strcmp(buf, "hel"));
	CHECK_EQ(strlcpy(buf, "hi", sizeof(buf)), 2);
	CHECK(!strcmp(buf, "hi"));
}
