/* SPDX-License-Identifier: MIT */
/*
 * Loading ELF programs (static, static-PIE and dynamic with PT_INTERP)
 * and laying out the initial stack exactly as Linux does (fs/binfmt_elf.c
 * create_elf_tables; the x86-64 psABI §3.4.1).
 */
#include "dev/dev.h"
#include "kernel/uapi/misc.h"
#include "mm/mm.h"
#include "proc/exec.h"
#include "proc/proc_internal.h"

/* arch/x86/include/asm/elf.h: 2/3 of the 47-bit space, page aligned. */
#define ELF_ET_DYN_BASE 0x555555554000ULL
#define STACK_TOP USER_ADDR_END
#define STACK_INITIAL (128 * 1024)
#define STACK_RND_BITS 22  /* pages: up to 16 GiB, as Linux */
#define MMAP_RND_BITS 28   /* pages: up to 1 TiB, Linux's default */
#define BRK_RND_PAGES 8192 /* 32 MiB */
#define MMAP_GAP_MIN (128ULL << 20)

/* A random number of pages below 2^bits, or 0 with norandmaps. */
static uint64_t rnd_pages(unsigned bits)
{
	uint64_t r = 0;

	if (cmdline_get("norandmaps"))
		return 0;
	random_get_bytes(&r, sizeof(r));
	return (r & ((1ULL << bits) - 1)) * PAGE_SIZE;
}

static int read_phdrs(struct file *f, const struct elf64_ehdr *eh,
		      struct elf64_phdr **out)
{
	size_t size = (size_t)eh->e_phnum * sizeof(struct elf64_phdr);
	struct elf64_phdr *ph;
	uint64_t lo, hi;
	ssize_t n;

	ph = kmalloc(size);
	if (!ph)
		return -ENOMEM;
	n = kernel_read(f, ph, size, eh->e_phoff);
	if (n != (ssize_t)size ||
	    elf_phdrs_span(ph, eh->e_phnum, vfs_file_size(f), &lo, &hi)) {
		kfree(ph);
		return n < 0 ? (int)n : -ENOEXEC;
	}
	*out = ph;
	return 0;
}

static int open_interp(struct exec_image *img, const struct elf64_phdr *ph)
{
	char *path;
	char head[sizeof(struct elf64_ehdr)];
	ssize_t n;
	int err;

	if (ph->p_filesz < 2 || ph->p_filesz > PATH_MAX)
		return -ENOEXEC;
	path = kmalloc(ph->p_filesz);
	if (!path)
		return -ENOMEM;
	n = kernel_read(img->file, path, ph->p_filesz, ph->p_offset);
	err = n != (ssize_t)ph->p_filesz || path[ph->p_filesz - 1] ? -ENOEXEC :
								     0;
	if (!err) {
		img->interp = vfs_open_exec(path);
		if (IS_ERR(img->interp)) {
			err = PTR_ERR(img->interp);
			img->interp = NULL;
		}
	}
	kfree(path);
	if (err)
		return err;
	n = kernel_read(img->interp, head, sizeof(head), 0);
	if (n != sizeof(head))
		return n < 0 ? (int)n : -ELIBBAD;
	memcpy(&img->interp_eh, head, sizeof(head));
	if (elf_check_ehdr(&img->interp_eh))
		return -ELIBBAD;
	return read_phdrs(img->interp, &img->interp_eh, &img->interp_phdrs);
}

int elf_prepare(struct exec_image *img)
{
	int err;

	if (img->head_len < (ssize_t)sizeof(img->eh))
		return -ENOEXEC;
	memcpy(&img->eh, img->head, sizeof(img->eh));
	if (elf_check_ehdr(&img->eh))
		return -ENOEXEC;
	err = read_phdrs(img->file, &img->eh, &img->phdrs);
	if (err)
		return err;
	for (unsigned i = 0; i < img->eh.e_phnum; i++) {
		const struct elf64_phdr *ph = &img->phdrs[i];

		if (ph->p_type == PT_GNU_STACK)
			img->exec_stack = ph->p_flags & PF_X;
		if (ph->p_type == PT_INTERP && !img->interp) {
			err = open_interp(img, ph);
			if (err)
				return err;
		}
	}
	return 0;
}

void exec_image_release(struct exec_image *img)
{
	if (img->file)
		file_put(img->file);
	if (img->interp)
		file_put(img->interp);
	kfree(img->phdrs);
	kfree(img->interp_phdrs);
	memset(img, 0, sizeof(*img));
}

static uint32_t segment_prot(uint32_t flags)
{
	return ((flags & PF_R) ? PROT_READ : 0) |
	       ((flags & PF_W) ? PROT_WRITE : 0) |
	       ((flags & PF_X) ? PROT_EXEC : 0);
}

struct loaded {
	uint64_t bias;
	uint64_t end;	     /* highest mapped address, page aligned */
	uint64_t phdr_addr;  /* where the program headers are in memory */
	uint64_t bss[16][2]; /* [start, end) to zero after mapping */
	unsigned nbss;
};

/* Maps every PT_LOAD of one ELF at bias. mm->lock held. */
static int map_segments(struct mm *mm, struct file *f,
			const struct elf64_ehdr *eh,
			const struct elf64_phdr *phdrs, struct loaded *l)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = &phdrs[i];
		uint64_t start = l->bias + ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE);
		uint64_t file_end = l->bias + ph->p_vaddr + ph->p_filesz;
		uint64_t mem_end = ALIGN_UP(l->bias + ph->p_vaddr + ph->p_memsz,
					    PAGE_SIZE);
		uint64_t mapped = ALIGN_UP(file_end, PAGE_SIZE);
		uint32_t prot = segment_prot(ph->p_flags);
		int err;

		if (ph->p_type == PT_PHDR)
			l->phdr_addr = l->bias + ph->p_vaddr;
		if (ph->p_type != PT_LOAD)
			continue;
		if (mem_end > USER_ADDR_END || start < 0x10000)
			return -EINVAL;
		if (!l->phdr_addr && eh->e_phoff >= ph->p_offset &&
		    eh->e_phoff < ph->p_offset + ph->p_filesz)
			l->phdr_addr = l->bias + ph->p_vaddr +
				       (eh->e_phoff - ph->p_offset);
		if (ph->p_filesz) {
			err = vma_map(mm, start, mapped - start, prot, 0, f,
				      NULL,
				      ALIGN_DOWN(ph->p_offset, PAGE_SIZE) /
					      PAGE_SIZE);
			if (err)
				return err;
		} else {
			mapped = start;
		}
		if (mem_end > mapped) {
			err = vma_map(mm, mapped, mem_end - mapped, prot, 0,
				      NULL, NULL, 0);
			if (err)
				return err;
		}
		/* The rest of the last file page is .bss: zero it. */
		if (ph->p_memsz > ph->p_filesz && file_end < mapped &&
		    (prot & PROT_WRITE) && l->nbss < ARRAY_SIZE(l->bss)) {
			l->bss[l->nbss][0] = file_end;
			l->bss[l->nbss++][1] = mapped;
		}
		l->end = MAX(l->end, mem_end);
	}
	return 0;
}

/* Where an ET_DYN image goes: PIE programs near ELF_ET_DYN_BASE, the
 * interpreter wherever mmap would put it; aligned to the largest p_align
 * (Linux 5.10+). 0 for ET_EXEC. */
static uint64_t choose_bias(struct mm *mm, const struct elf64_ehdr *eh,
			    const struct elf64_phdr *phdrs, bool is_interp)
{
	uint64_t lo, hi, align = PAGE_SIZE, base;

	if (eh->e_type != ET_DYN)
		return 0;
	elf_phdrs_span(phdrs, eh->e_phnum, UINT64_MAX, &lo, &hi);
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (phdrs[i].p_type == PT_LOAD && phdrs[i].p_align > align &&
		    phdrs[i].p_align <= (1ULL << 30) &&
		    !(phdrs[i].p_align & (phdrs[i].p_align - 1)))
			align = phdrs[i].p_align;
	if (is_interp)
		base = vma_free_range(mm, hi - lo + align);
	else
		base = ELF_ET_DYN_BASE + rnd_pages(MMAP_RND_BITS);
	return ALIGN_UP(base, align) - lo;
}

static int build_stack(struct mm *mm, const struct exec_args *a,
		       const struct exec_image *img, const struct loaded *prog,
		       const struct loaded *interp, uint64_t *sp_out);

int elf_map_program(struct exec_image *img, const struct exec_args *a,
		    uint64_t *entry, uint64_t *sp)
{
	struct mm *mm = current->mm;
	struct loaded prog = { 0 }, interp = { 0 };
	uint64_t stack_prot = PROT_READ | PROT_WRITE;
	int err;

	mm->stack_top = STACK_TOP - rnd_pages(STACK_RND_BITS);
	mm->mmap_base = ALIGN_DOWN(mm->stack_top - MMAP_GAP_MIN, PAGE_SIZE) -
			rnd_pages(MMAP_RND_BITS);
	mutex_lock(&mm->lock);
	prog.bias = choose_bias(mm, &img->eh, img->phdrs, false);
	err = map_segments(mm, img->file, &img->eh, img->phdrs, &prog);
	if (!err && img->interp) {
		interp.bias = choose_bias(mm, &img->interp_eh,
					  img->interp_phdrs, true);
		err = map_segments(mm, img->interp, &img->interp_eh,
				   img->interp_phdrs, &interp);
	}
	if (img->exec_stack)
		stack_prot |= PROT_EXEC;
	if (!err)
		err = vma_map(mm, mm->stack_top - STACK_INITIAL, STACK_INITIAL,
			      stack_prot, VMA_GROWSDOWN, NULL, NULL, 0);
	if (!err)
		err = vdso_map(mm);
	mm->brk_start = mm->brk = prog.end + rnd_pages(13);
	mutex_unlock(&mm->lock);
	if (err)
		return err;
	/* Zeroing may fault (copy-on-write of the file page): no lock. */
	for (unsigned i = 0; i < prog.nbss; i++)
		clear_user(prog.bss[i][0], prog.bss[i][1] - prog.bss[i][0]);
	for (unsigned i = 0; i < interp.nbss; i++)
		clear_user(interp.bss[i][0],
			   interp.bss[i][1] - interp.bss[i][0]);
	*entry = img->interp ? interp.bias + img->interp_eh.e_entry :
			       prog.bias + img->eh.e_entry;
	return build_stack(mm, a, img, &prog, img->interp ? &interp : NULL, sp);
}

static uint64_t cpu_hwcap(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d;
}

/* Fills the auxiliary vector; returns the number of entries used. */
static unsigned fill_auxv(uint64_t *v, const struct exec_image *img,
			  const struct loaded *prog,
			  const struct loaded *interp, uint64_t execfn,
			  uint64_t random, uint64_t platform)
{
	const struct cred *c = &current->proc->cred;
	uint64_t vdso = vdso_base(current->mm);
	unsigned n = 0;

#define AUX(type, val)                    \
	do {                              \
		v[n++] = (type);          \
		v[n++] = (uint64_t)(val); \
	} while (0)
	/* Linux's ARCH_DLINFO comes first: the vDSO, when there is one. */
	if (vdso)
		AUX(AT_SYSINFO_EHDR, vdso);
	AUX(AT_HWCAP, cpu_hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, 100); /* USER_HZ */
	AUX(AT_PHDR, prog->phdr_addr);
	AUX(AT_PHENT, sizeof(struct elf64_phdr));
	AUX(AT_PHNUM, img->eh.e_phnum);
	AUX(AT_BASE, interp ? interp->bias : 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, prog->bias + img->eh.e_entry);
	AUX(AT_UID, c->uid);
	AUX(AT_EUID, c->euid);
	AUX(AT_GID, c->gid);
	AUX(AT_EGID, c->egid);
	AUX(AT_SECURE, c->uid != c->euid || c->gid != c->egid);
	AUX(AT_RANDOM, random);
	AUX(AT_HWCAP2, 0);
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_MINSIGSTKSZ, MAX(2048, ALIGN_UP(fpu_state_size + 4 + 512, 64)));
	AUX(AT_NULL, 0);
#undef AUX
	return n;
}

#define AUXV_WORDS 42

static int build_stack(struct mm *mm, const struct exec_args *a,
		       const struct exec_image *img, const struct loaded *prog,
		       const struct loaded *interp, uint64_t *sp_out)
{
	size_t nwords = 1 + a->argc + 1 + a->envc + 1 + AUXV_WORDS, w = 0;
	uint64_t p = mm->stack_top, execfn, strings, platform, random, sp;
	uint64_t argv_end;
	uint8_t rnd[16];
	uint64_t *table;
	const char *s = a->buf;
	int err = 0;

	p -= strlen(a->filename) + 1;
	execfn = p;
	p -= a->used;
	strings = p;
	p -= sizeof("x86_64");
	platform = p;
	p = ALIGN_DOWN(p - sizeof(rnd), 16);
	random = p;
	sp = ALIGN_DOWN(p - nwords * 8, 16);
	if (mm->stack_top - sp > current->proc->rlim[RLIMIT_STACK].rlim_cur / 4)
		return -E2BIG;
	random_get_bytes(rnd, sizeof(rnd));
	table = vmalloc(nwords * 8);
	if (!table)
		return -ENOMEM;
	table[w++] = a->argc;
	for (size_t i = 0; i < a->argc; i++) {
		table[w++] = strings + (s - a->buf);
		s += strlen(s) + 1;
	}
	table[w++] = 0; /* the end of argv */
	argv_end = strings + (s - a->buf);
	for (size_t i = 0; i < a->envc; i++) {
		table[w++] = strings + (s - a->buf);
		s += strlen(s) + 1;
	}
	table[w++] = 0; /* the end of envp */
	w += fill_auxv(&table[w], img, prog, interp, execfn, random, platform);
	if (copy_to_user(execfn, a->filename, strlen(a->filename) + 1) ||
	    copy_to_user(strings, a->buf, a->used) ||
	    copy_to_user(platform, "x86_64", sizeof("x86_64")) ||
	    copy_to_user(random, rnd, sizeof(rnd)) ||
	    copy_to_user(sp, table, w * 8)) {
		pr_warn("exec: cannot write the stack of %s: sp %#llx top "
			"%#llx\n",
			a->filename, (unsigned long long)sp,
			(unsigned long long)mm->stack_top);
		err = -EFAULT;
	}
	vfree(table);
	current->proc->arg_start = strings;
	current->proc->arg_end = argv_end;
	current->proc->env_start = argv_end;
	current->proc->env_end = strings + a->used;
	*sp_out = sp;
	return err;
}
