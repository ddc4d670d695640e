/* SPDX-License-Identifier: MIT */
/*
 * The vDSO's kernel side: the embedded image (built from kernel/vdso/),
 * checked at boot and copied into pages every process maps as [vdso],
 * the [vvar] page below it that the clocks are published on, and
 * mapping both at exec (arch/x86/entry/vdso/vma.c in Linux).
 */
#include "dev/dev.h"
#include "kernel/uapi/elf.h"
#include "kernel/uapi/misc.h"
#include "kernel/vdso/vvar.h"
#include "kernel/x86.h"
#include "mm/mm.h"

#ifndef VDSO_IMAGE
#error "VDSO_IMAGE: the path of the built vDSO (see GNUmakefile)"
#endif

__asm__(".pushsection .rodata\n"
	".balign 4096\n"
	"vdso_image_start:\n"
	".incbin \"" VDSO_IMAGE "\"\n"
	"vdso_image_end:\n"
	".popsection\n");
extern const char vdso_image_start[], vdso_image_end[];

#define VDSO_MAX_PAGES 4
#define PMD_SIZE (2ULL << 20)

static struct page *vdso_text[VDSO_MAX_PAGES];
static unsigned vdso_npages;
static struct page *vvar;
static struct vdso_data *vdata; /* vvar's kernel address */
static bool map_at_exec = true; /* vdso=0 turns it off */

/* What glibc and musl look up (arch/x86/entry/vdso/vdso.lds.S). */
static const char *const exports[] = {
	"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time",
	"__vdso_getcpu",	"__vdso_clock_getres",
};

/* Loader-free and exporting what it must (kernel/lib/vdso_image.c; the
 * build checks the same with readelf, kernel/vdso/check.sh). */
static bool image_ok(const char *img, size_t len)
{
	if (vdso_image_check(img, len))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(exports); i++) {
		uint64_t at = vdso_image_sym(img, len, exports[i]);

		if (!at || at >= len)
			return false;
	}
	return true;
}

/* The CPU can tell user space its number (kernel/cpu.c sets IA32_TSC_AUX
 * and the GDT's cpu-node entry for each CPU). */
static uint32_t getcpu_mode(void)
{
	uint32_t a, b, c, d;

	cpuid(7, 0, &a, &b, &c, &d);
	/* CPUID.(EAX=7,ECX=0):ECX bit 22, RDPID (SDM Vol. 2B, RDPID). */
	if (c & (1u << 22))
		return VDSO_GETCPU_RDPID;
	return VDSO_GETCPU_LSL;
}

static void vvar_init(void)
{
	uint64_t base, mult;

	time_tsc_params(&base, &mult);
	vdata = page_address(vvar);
	vdata->tsc_base = base;
	vdata->tsc_mult = mult;
	vdata->coarse_res_ns = NSEC_PER_SEC / HZ;
	vdata->getcpu_mode = getcpu_mode();
	/* User RDTSC faults when CR4.TSD is set; then, and before the TSC
	 * is calibrated, the clocks are the kernel's to read. */
	if (mult && !(read_cr4() & CR4_TSD))
		vdata->clock_mode = VDSO_CLOCK_TSC;
	else
		vdata->clock_mode = VDSO_CLOCK_SYSCALL;
}

void vdso_init(void)
{
	size_t len = vdso_image_end - vdso_image_start;
	const char *opt = cmdline_get("vdso");

	/* As Linux's vdso=0: not mapped at exec, yet arch_prctl can. */
	if (opt && !strcmp(opt, "0"))
		map_at_exec = false;
	if (!image_ok(vdso_image_start, len) ||
	    len > VDSO_MAX_PAGES * PAGE_SIZE)
		panic("vdso: the embedded image is not a loader-free ELF");
	vdso_npages = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE;
	for (unsigned i = 0; i < vdso_npages; i++) {
		size_t off = i * PAGE_SIZE;

		vdso_text[i] = page_alloc(0, PAGE_ZERO);
		if (!vdso_text[i])
			panic("vdso: out of memory");
		memcpy(page_address(vdso_text[i]), vdso_image_start + off,
		       MIN(PAGE_SIZE, len - off));
	}
	vvar = page_alloc(0, PAGE_ZERO);
	if (!vvar)
		panic("vdso: out of memory");
	vvar_init();
	pr_info("vdso: %zu bytes%s, clocks %s, getcpu by %s\n", len,
		map_at_exec ? "" : " (not mapped at exec: vdso=0)",
		vdata->clock_mode == VDSO_CLOCK_TSC ? "from the TSC" :
						      "by syscall",
		vdata->getcpu_mode == VDSO_GETCPU_RDPID ? "RDPID" : "LSL");
}

void vdso_publish(int64_t realtime_offset_ns, uint64_t coarse_ns)
{
	struct vdso_data *vd = vdata;

	if (!vd)
		return;
	/* x86 keeps stores in order: compiler barriers suffice around the
	 * odd (writing) and even (done) sequence numbers. */
	WRITE_ONCE(vd->seq, vd->seq + 1);
	barrier();
	WRITE_ONCE(vd->realtime_offset_ns, realtime_offset_ns);
	WRITE_ONCE(vd->coarse_ns, coarse_ns);
	barrier();
	WRITE_ONCE(vd->seq, vd->seq + 1);
}

struct page *vdso_page(uint32_t vma_flags, uint64_t index)
{
	struct page *p = NULL;

	if ((vma_flags & VMA_VVAR) && index < VDSO_VVAR_PAGES)
		p = vvar;
	else if ((vma_flags & VMA_VDSO) && index < vdso_npages)
		p = vdso_text[index];
	if (p)
		page_get(p);
	return p;
}

/* Linux's vdso_addr(): a random page between the stack top and the next
 * 2 MiB boundary past it; 0 when there is no room there. */
static uint64_t choose_addr(struct mm *mm, uint64_t len)
{
	uint64_t start = ALIGN_UP(mm->stack_top, PAGE_SIZE), end, r = 0;

	end = ALIGN_DOWN(start + len + PMD_SIZE - 1, PMD_SIZE);
	end = MIN(end, (uint64_t)USER_ADDR_END);
	if (end < start + len)
		return 0;
	end -= len;
	if (!cmdline_get("norandmaps"))
		random_get_bytes(&r, sizeof(r));
	return start + r % ((end - start) / PAGE_SIZE + 1) * PAGE_SIZE;
}

/* [vvar] at addr, [vdso] right above it. mm->lock held. */
static int map_at(struct mm *mm, uint64_t addr)
{
	uint64_t vvar_len = VDSO_VVAR_PAGES * PAGE_SIZE;
	int err;

	err = vma_map(mm, addr, vvar_len, PROT_READ, VMA_VVAR, NULL, NULL, 0);
	if (!err)
		err = vma_map(mm, addr + vvar_len, vdso_npages * PAGE_SIZE,
			      PROT_READ | PROT_EXEC, VMA_VDSO, NULL, NULL, 0);
	return err;
}

static uint64_t total_len(void)
{
	return (VDSO_VVAR_PAGES + vdso_npages) * PAGE_SIZE;
}

int vdso_map(struct mm *mm)
{
	uint64_t addr;

	if (!vdata || !map_at_exec)
		return 0;
	addr = choose_addr(mm, total_len());
	if (!addr)
		addr = vma_free_range(mm, total_len());
	if (!addr)
		return -ENOMEM;
	return map_at(mm, addr);
}

/* Nothing mapped in [addr, addr + len), which is inside user space. */
static bool range_free(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct vma *v;

	if (addr < 0x10000 || !user_range_ok(addr, len))
		return false;
	list_for_each_entry(v, &mm->vmas, link)
	{
		if (v->start < addr + len && v->end > addr)
			return false;
	}
	return true;
}

long vdso_arch_map(struct mm *mm, uint64_t hint)
{
	uint64_t addr = ALIGN_UP(hint, PAGE_SIZE);
	struct vma *v;
	long ret = -EEXIST;

	if (!vdata)
		return -ENODEV;
	mutex_lock(&mm->lock);
	list_for_each_entry(v, &mm->vmas, link)
	{
		if (v->flags & VMA_SPECIAL)
			goto out;
	}
	/* The hint is only a hint, as for mmap without MAP_FIXED. */
	if (!range_free(mm, addr, total_len()))
		addr = vma_free_range(mm, total_len());
	ret = addr ? map_at(mm, addr) : -ENOMEM;
	if (!ret)
		ret = vdso_npages * PAGE_SIZE; /* Linux: the image's size */
out:
	mutex_unlock(&mm->lock);
	return ret;
}

uint64_t vdso_base(struct mm *mm)
{
	uint64_t base = 0;
	struct vma *v;

	mutex_lock(&mm->lock);
	list_for_each_entry(v, &mm->vmas, link)
	{
		if ((v->flags & VMA_VDSO) && v->pgoff == 0) {
			base = v->start;
			break;
		}
	}
	mutex_unlock(&mm->lock);
	return base;
}
