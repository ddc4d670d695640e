/* SPDX-License-Identifier: MIT */
/*
 * Page faults on user addresses: demand paging of anonymous, shared and
 * file mappings, copy-on-write, and growing the stack. What cannot be
 * resolved is reported as an errno the trap code turns into a signal
 * (-EFAULT: SEGV_MAPERR, -EACCES: SEGV_ACCERR, -ENXIO: SIGBUS).
 */
#include "kernel/uapi/misc.h"
#include "mm/mm.h"
#include "vfs/vfs.h"
#include "proc/proc.h"

/* x86 page-fault error code bits (SDM Vol. 3A §4.7). */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_RSVD 0x8
#define PF_INSTR 0x10

/* All-zero page mapped read-only for reads of untouched anonymous memory;
 * a write copies it like any copy-on-write page. */
static struct page *zero_page;

static struct page *get_zero_page(void)
{
	if (!zero_page) {
		zero_page = page_alloc(0, PAGE_ZERO);
		if (!zero_page)
			return NULL;
	}
	page_get(zero_page);
	return zero_page;
}

static void set_pte(struct mm *mm, uint64_t *pte, uint64_t va, struct page *p,
		    const struct vma *v)
{
	*pte = page_to_phys(p) | vma_pte_flags(v, p);
	if (this_cpu()->loaded_pml4 == mm->pml4)
		tlb_flush_page(va);
}

/* A private copy of src, marked anonymous; NULL when out of memory. */
static struct page *copy_page(struct page *src)
{
	struct page *p = page_alloc(0, 0);

	if (!p)
		return NULL;
	memcpy(page_address(p), page_address(src), PAGE_SIZE);
	p->flags |= PG_ANON;
	return p;
}

static int cow_break(struct mm *mm, struct vma *v, uint64_t *pte, uint64_t va)
{
	struct page *old = phys_to_page(*pte & PTE_ADDR), *p;

	/* Last user of an anonymous page: take it over in place. */
	if ((old->flags & PG_ANON) && old->refcount == 1) {
		set_pte(mm, pte, va, old, v);
		return 0;
	}
	p = copy_page(old);
	if (!p)
		return -ENOMEM;
	set_pte(mm, pte, va, p, v);
	page_put(old);
	current->minflt++;
	return 0;
}

static int fault_file(struct mm *mm, struct vma *v, uint64_t *pte, uint64_t va,
		      bool write)
{
	uint64_t index = v->pgoff + (va - v->start) / PAGE_SIZE;
	struct page *p, *copy;
	int err;

	/* Pages wholly past the end of the file raise SIGBUS (mmap(2)). */
	if (index >= ALIGN_UP(vfs_file_size(v->file), PAGE_SIZE) / PAGE_SIZE)
		return -ENXIO;
	err = vfs_file_page(v->file, index, &p);
	if (err)
		return err == -ENOMEM ? -ENOMEM : -ENXIO;
	if (write && !(v->flags & VMA_SHARED)) {
		copy = copy_page(p);
		page_put(p);
		if (!copy)
			return -ENOMEM;
		p = copy;
	}
	set_pte(mm, pte, va, p, v);
	return 0;
}

static int fault_in(struct mm *mm, struct vma *v, uint64_t *pte, uint64_t va,
		    bool write)
{
	struct page *p;

	current->minflt++;
	/* The vDSO's pages, shared by every process; beyond them, SIGBUS
	 * (as Linux's special mappings). */
	if (v->flags & VMA_SPECIAL) {
		p = vdso_page(v->flags, v->pgoff + (va - v->start) / PAGE_SIZE);
		if (!p)
			return -ENXIO;
		set_pte(mm, pte, va, p, v);
		return 0;
	}
	if (v->file)
		return fault_file(mm, v, pte, va, write);
	if (v->shmem)
		p = shmem_page(v->shmem,
			       v->pgoff + (va - v->start) / PAGE_SIZE);
	else if (!write)
		p = get_zero_page();
	else if ((p = page_alloc(0, PAGE_ZERO)))
		p->flags |= PG_ANON;
	if (!p)
		return -ENOMEM;
	set_pte(mm, pte, va, p, v);
	return 0;
}

/* The stack VMA just above addr, extended down to cover it, if the stack
 * rlimit allows and it would not run into the mapping below. */
static struct vma *grow_stack(struct mm *mm, uint64_t addr)
{
	struct vma *v, *below = NULL;
	uint64_t limit = current->proc->rlim[RLIMIT_STACK].rlim_cur;

	list_for_each_entry(v, &mm->vmas, link)
	{
		if (v->start > addr)
			break;
		below = v;
	}
	if (&v->link == &mm->vmas || !(v->flags & VMA_GROWSDOWN))
		return NULL;
	addr = ALIGN_DOWN(addr, PAGE_SIZE);
	if (v->end - addr > limit)
		return NULL;
	/* Linux keeps a gap of stack_guard_gap (256 pages) below stacks. */
	if (below && below->end + 256 * PAGE_SIZE > addr)
		return NULL;
	mm->vm_pages += (v->start - addr) / PAGE_SIZE;
	v->start = addr;
	v->pgoff = 0;
	return v;
}

/* Resolves one fault with mm->lock held. */
static int handle_fault(struct mm *mm, uint64_t addr, bool write, bool exec)
{
	struct vma *v = vma_find(mm, addr);
	uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE), *pte;

	if (!v && !(v = grow_stack(mm, addr)))
		return -EFAULT;
	/* On x86 any mapping that can be written or executed can be read. */
	if ((write && !(v->prot & PROT_WRITE)) ||
	    (exec && !(v->prot & PROT_EXEC)) || v->prot == PROT_NONE)
		return -EACCES;
	pte = pt_walk(mm->pml4, va, true);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & PTE_P))
		return fault_in(mm, v, pte, va, write);
	if (write && (*pte & PTE_COW))
		return cow_break(mm, v, pte, va);
	/* Already resolved (another thread faulted it in meanwhile), or a
	 * stale TLB entry: flush and retry the access. */
	tlb_flush_page(va);
	return 0;
}

int vmm_handle_page_fault(struct trap_frame *tf, uint64_t addr)
{
	struct task *t = current;
	struct mm *mm = t ? t->mm : NULL;
	int err;

	if (addr >= USER_ADDR_END || !mm || (tf->error & PF_RSVD))
		return -EFAULT;
	/* From kernel mode, only the user-copy routines may touch user
	 * memory; anything else is a kernel bug for the caller to report. */
	if (!trap_from_user(tf) && !extable_lookup(tf->rip))
		return -EFAULT;
	/* Resolving may sleep on the mm lock or for memory. */
	if (tf->rflags & RFLAGS_IF)
		sti();
	mutex_lock(&mm->lock);
	err = handle_fault(mm, addr, tf->error & PF_WRITE,
			   tf->error & PF_INSTR);
	mutex_unlock(&mm->lock);
	cli();
	return err;
}

int vmm_populate(uint64_t addr, uint64_t len, bool write)
{
	struct mm *mm = current->mm;
	int err = 0;

	mutex_lock(&mm->lock);
	for (uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE); va < addr + len && !err;
	     va += PAGE_SIZE) {
		uint64_t *pte = pt_walk(mm->pml4, va, false);

		if (pte && (*pte & PTE_P) && (!write || (*pte & PTE_W)))
			continue;
		err = handle_fault(mm, va, write, false);
	}
	mutex_unlock(&mm->lock);
	return err;
}
