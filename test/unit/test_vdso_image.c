/* SPDX-License-Identifier: MIT */
/* The vDSO image checks, on the image the build made and on broken
 * copies of it. */
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"
#include "test/unit/unit.h"

#ifndef VDSO_SO
#error "VDSO_SO: the built vDSO (see GNUmakefile)"
#endif

static char *image;
static size_t image_len;

static bool load(void)
{
	FILE *f = fopen(VDSO_SO, "rb");
	long n;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	free(image);
	image = malloc(n);
	image_len = fread(image, 1, n, f);
	fclose(f);
	return image_len == (size_t)n;
}

static struct elf64_phdr *phdr_of(uint32_t type)
{
	const struct elf64_ehdr *eh = (const void *)image;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr *ph =
			(void *)(image + eh->e_phoff + i * sizeof(*ph));
		if (ph->p_type == type)
			return ph;
	}
	return NULL;
}

/* The dynamic entry with this tag, or NULL. */
static uint64_t *dyn_entry(int64_t tag)
{
	struct elf64_phdr *ph = phdr_of(PT_DYNAMIC);
	uint64_t *d = (void *)(image + ph->p_offset);

	for (size_t i = 0; d[2 * i]; i++)
		if ((int64_t)d[2 * i] == tag)
			return &d[2 * i];
	return NULL;
}

TEST(vdso_image_built_is_accepted)
{
	const char *names[] = { "__vdso_clock_gettime", "__vdso_gettimeofday",
				"__vdso_time",		"__vdso_getcpu",
				"__vdso_clock_getres",	"clock_gettime" };

	CHECK(load());
	CHECK_EQ(vdso_image_check(image, image_len), 0);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		uint64_t at = vdso_image_sym(image, image_len, names[i]);

		CHECK(at > 0 && at < image_len);
	}
	CHECK_EQ(vdso_image_sym(image, image_len, "clock_gettime"),
		 vdso_image_sym(image, image_len, "__vdso_clock_gettime"));
	CHECK_EQ(vdso_image_sym(image, image_len, "__vdso_nothing"), 0);
	CHECK_EQ(vdso_image_sym(image, image_len, "LINUX_2.6"), 0);
}

TEST(vdso_image_broken_copies_are_refused)
{
	struct elf64_ehdr *eh;

	CHECK(load());
	eh = (void *)image;
	eh->e_type = ET_EXEC;
	CHECK_EQ(vdso_image_check(image, image_len), -ENOEXEC);

	CHECK(load());
	phdr_of(PT_LOAD)->p_flags |= PF_W;
	CHECK_EQ(vdso_image_check(image, image_len), -ENOEXEC);

	CHECK(load());
	phdr_of(PT_LOAD)->p_vaddr = 0x1000;
	CHECK_EQ(vdso_image_check(image, image_len), -ENOEXEC);

	CHECK(load());
	phdr_of(PT_NOTE)->p_type = PT_LOAD; /* a second PT_LOAD */
	CHECK_EQ(vdso_image_check(image, image_len), -ENOEXEC);

	CHECK(load());
	CHECK(dyn_entry(16)); /* DT_SYMBOLIC, harmless, becomes DT_RELA */
	dyn_entry(16)[0] = 7;
	CHECK_EQ(vdso_image_check(image, image_len), -ENOEXEC);
	CHECK_EQ(vdso_image_sym(image, image_len, "__vdso_time"), 0);

	CHECK(load());
	dyn_entry(4)[0] = 0x6ffffeff; /* DT_HASH gone (an unknown tag) */
	CHECK_EQ(vdso_image_check(image, image_len), -ENOEXEC);

	CHECK(load());
	dyn_entry(5)[1] = image_len; /* DT_STRTAB past the end */
	CHECK_EQ(vdso_image_check(image, image_len), -ENOEXEC);

	CHECK(load());
	CHECK_EQ(vdso_image_check(image, 100), -ENOEXEC);
	CHECK_EQ(vdso_image_check(image, phdr_of(PT_DYNAMIC)->p_offset + 8),
		 -ENOEXEC);
}

TEST(vdso_image_hostile_hash_table)
{
	uint32_t *hash;

	CHECK(load());
	hash = (void *)(image + dyn_entry(4)[1]);
	hash[1] = 0x40000000; /* nchain: a symbol table far past the end */
	CHECK_EQ(vdso_image_sym(image, image_len, "__vdso_time"), 0);
	CHECK(load());
	hash = (void *)(image + dyn_entry(4)[1]);
	/* Every bucket starts at symbol 1; every chain loops on itself. */
	for (uint32_t i = 0; i < hash[0]; i++)
		hash[2 + i] = 1;
	for (uint32_t i = 0; i < hash[1]; i++)
		hash[2 + hash[0] + i] = i;
	CHECK_EQ(vdso_image_sym(image, image_len, "__vdso_nothing"), 0);
}
