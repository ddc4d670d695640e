/* SPDX-License-Identifier: MIT */
/*
 * The guest test framework: each TEST() runs in its own child process
 * with a time limit and reports "case PROGRAM/NAME: PASS|FAIL". The same
 * static binary runs on Linux, which is how expectations are checked.
 */
#ifndef STRIX_SYS_T_H
#define STRIX_SYS_T_H

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define T_MAX 128
#define T_TIMEOUT 20

struct t_case {
	const char *name;
	void (*fn)(void);
};
extern struct t_case t_cases[T_MAX];
extern int t_ncases;

#define TEST(nm)                                                     \
	static void t_##nm(void);                                    \
	__attribute__((constructor)) static void t_reg_##nm(void)    \
	{                                                            \
		if (t_ncases < T_MAX)                                \
			t_cases[t_ncases++] =                        \
				(struct t_case){ #nm, t_##nm };      \
	}                                                            \
	static void t_##nm(void)

/* A failed check ends the case: the child exits with status 1. */
#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			printf("    %s:%d: CHECK(%s) failed, errno %d (%s)\n", \
			       __FILE__, __LINE__, #cond, errno,          \
			       strerror(errno));                          \
			fflush(stdout);                                   \
			_exit(1);                                         \
		}                                                         \
	} while (0)

/* The call must fail with exactly this errno. */
#define CHECK_ERR(call, err)                                              \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(call);                                   \
		if (r_ != -1 || errno != (err)) {                         \
			printf("    %s:%d: %s returned %ld errno %d (%s), " \
			       "expected -1 errno %d (%s)\n",             \
			       __FILE__, __LINE__, #call, r_, errno,      \
			       strerror(errno), (err), strerror(err));    \
			fflush(stdout);                                   \
			_exit(1);                                         \
		}                                                         \
	} while (0)

#define CHECK_EQ(a, b)                                                    \
	do {                                                              \
		long long a_ = (long long)(a), b_ = (long long)(b);       \
		if (a_ != b_) {                                           \
			printf("    %s:%d: %s == %s failed: %lld != %lld\n", \
			       __FILE__, __LINE__, #a, #b, a_, b_);        \
			fflush(stdout);                                   \
			_exit(1);                                         \
		}                                                         \
	} while (0)


#endif
