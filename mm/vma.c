/* SPDX-License-Identifier: MIT */
/*
 * User address spaces: the sorted list of mappings (VMAs) of a struct mm,
 * splitting and merging them, and the page-table work mapping changes
 * need. Never hold mm->lock across copy_*_user: a fault would take it.
 */
#include "kernel/uapi/misc.h"
#include "mm/mm.h"
#include "vfs/vfs.h"
#include "proc/proc.h"

struct mm *mm_alloc(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	uint64_t *pml4, *kpml4;

	if (!mm)
		return NULL;
	mm->pml4 = page_alloc_phys();
	if (!mm->pml4) {
		kfree(mm);
		return NULL;
	}
	pml4 = phys_to_virt(mm->pml4);
	kpml4 = phys_to_virt(kernel_pml4_phys);
	/* The kernel half is shared: its PDPTs were made at boot. */
	for (int i = 256; i < 512; i++)
		pml4[i] = kpml4[i];
	mm->refcount = 1;
	mutex_init(&mm->lock);
	list_init(&mm->vmas);
	return mm;
}

void mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->refcount, 1, __ATOMIC_RELAXED);
}

/* Flushes va from this CPU's TLB if mm's tables are the loaded ones. */
static void flush_if_loaded(struct mm *mm, uint64_t va)
{
	if (this_cpu()->loaded_pml4 == mm->pml4)
		tlb_flush_page(va);
}

static void zap_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	struct mm *mm = ctx;

	page_put(phys_to_page(*pte & PTE_ADDR));
	*pte = 0;
	flush_if_loaded(mm, va);
}

void vma_zap(struct mm *mm, uint64_t addr, uint64_t len)
{
	pt_walk_range(mm->pml4, addr, addr + len, zap_pte, mm);
}

static void vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	if (v->shmem)
		shmem_put(v->shmem);
	kfree(v);
}

/* Frees the page-table pages below a table at the given level. */
static void free_tables(uint64_t table, int level)
{
	uint64_t *t = phys_to_virt(table);

	if (level > 1)
		for (int i = 0; i < 512; i++)
			if (t[i] & PTE_P)
				free_tables(t[i] & PTE_ADDR, level - 1);
	page_free_phys(table);
}

void mm_put(struct mm *mm)
{
	struct vma *v, *n;
	uint64_t *pml4;

	if (__atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	ASSERT(this_cpu()->loaded_pml4 != mm->pml4);
	list_for_each_entry_safe(v, n, &mm->vmas, link)
	{
		vma_zap(mm, v->start, v->end - v->start);
		list_del(&v->link);
		vma_free(v);
	}
	pml4 = phys_to_virt(mm->pml4);
	for (int i = 0; i < 256; i++)
		if (pml4[i] & PTE_P)
			free_tables(pml4[i] & PTE_ADDR, 3);
	page_free_phys(mm->pml4);
	kfree(mm);
}

struct vma *vma_find(struct mm *mm, uint64_t addr)
{
	struct vma *v = mm->last_found;

	if (v && addr >= v->start && addr < v->end)
		return v;
	list_for_each_entry(v, &mm->vmas, link)
	{
		if (addr < v->start)
			break;
		if (addr < v->end) {
			mm->last_found = v;
			return v;
		}
	}
	return NULL;
}

/* Splits v at addr (inside it); v keeps the lower part. */
static int vma_split(struct vma *v, uint64_t addr)
{
	struct vma *hi = kmalloc(sizeof(*hi));

	if (!hi)
		return -ENOMEM;
	*hi = *v;
	hi->start = addr;
	hi->pgoff = v->pgoff + (addr - v->start) / PAGE_SIZE;
	if (hi->file)
		file_get(hi->file);
	if (hi->shmem)
		shmem_get(hi->shmem);
	v->end = addr;
	list_add(&hi->link, &v->link);
	return 0;
}

/* Splits so that addr falls on a VMA boundary. */
static int split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = vma_find(mm, addr);

	if (!v || v->start == addr)
		return 0;
	return vma_split(v, addr);
}

int vma_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	struct vma *v, *n;

	if (split_at(mm, addr) || split_at(mm, end))
		return -ENOMEM;
	mm->last_found = NULL;
	list_for_each_entry_safe(v, n, &mm->vmas, link)
	{
		if (v->end <= addr)
			continue;
		if (v->start >= end)
			break;
		vma_zap(mm, v->start, v->end - v->start);
		mm->vm_pages -= (v->end - v->start) / PAGE_SIZE;
		list_del(&v->link);
		vma_free(v);
	}
	return 0;
}

/* Two private anonymous neighbours with equal attributes become one. */
static bool can_merge(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && !a->file && !b->file && !a->shmem &&
	       !b->shmem && a->prot == b->prot && a->flags == b->flags &&
	       !(a->flags & VMA_SPECIAL);
}

static void try_merge(struct mm *mm, struct vma *v)
{
	struct vma *prev = list_entry(v->link.prev, struct vma, link);
	struct vma *next = list_entry(v->link.next, struct vma, link);

	if (&next->link != &mm->vmas && can_merge(v, next)) {
		v->end = next->end;
		list_del(&next->link);
		vma_free(next);
	}
	if (&prev->link != &mm->vmas && can_merge(prev, v)) {
		prev->end = v->end;
		list_del(&v->link);
		vma_free(v);
	}
	mm->last_found = NULL;
}

int vma_map(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot,
	    uint32_t flags, struct file *file, struct shmem *shmem,
	    uint64_t pgoff)
{
	struct vma *v = kzalloc(sizeof(*v)), *pos;
	int err;

	if (!v)
		return -ENOMEM;
	err = vma_unmap(mm, addr, len);
	if (err) {
		kfree(v);
		return err;
	}
	v->start = addr;
	v->end = addr + len;
	v->prot = prot;
	v->flags = flags;
	v->file = file ? file_get(file) : NULL;
	if (shmem)
		shmem_get(shmem);
	v->shmem = shmem;
	v->pgoff = pgoff;
	list_for_each_entry(pos, &mm->vmas, link) if (pos->start > addr) break;
	list_add_tail(&v->link, &pos->link);
	mm->vm_pages += len / PAGE_SIZE;
	try_merge(mm, v);
	return 0;
}

/* The PTE permission bits a page gets in v. A private mapping may write
 * a page directly only if the page is anonymous and nobody else holds it;
 * otherwise the first write copies it (PTE_COW). */
uint64_t vma_pte_flags(const struct vma *v, const struct page *p)
{
	uint64_t f = PTE_P | PTE_U;

	if (v->prot == PROT_NONE)
		return PTE_PROTNONE | PTE_U | PTE_NX;
	if (!(v->prot & PROT_EXEC))
		f |= PTE_NX;
	if (!(v->prot & PROT_WRITE))
		return f;
	if ((v->flags & VMA_SHARED) ||
	    ((p->flags & PG_ANON) && p->refcount == 1))
		return f | PTE_W;
	return f | PTE_COW;
}

struct reprotect {
	struct mm *mm;
	struct vma *vma;
};

static void reprotect_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	struct reprotect *r = ctx;
	struct page *p = phys_to_page(*pte & PTE_ADDR);

	*pte = (*pte & PTE_ADDR) | vma_pte_flags(r->vma, p);
	flush_if_loaded(r->mm, va);
}

int vma_protect(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot)
{
	uint64_t end = addr + len, at = addr;
	struct vma *v;

	/* mprotect(2): ENOMEM if any part of the range is unmapped. */
	while (at < end) {
		v = vma_find(mm, at);
		if (!v)
			return -ENOMEM;
		/* [vvar] may only be read (Linux maps it without
		 * VM_MAYWRITE and VM_MAYEXEC). */
		if ((v->flags & VMA_VVAR) && (prot & (PROT_WRITE | PROT_EXEC)))
			return -EACCES;
		at = v->end;
	}
	if (split_at(mm, addr) || split_at(mm, end))
		return -ENOMEM;
	for (at = addr; at < end;) {
		struct reprotect r = { mm, vma_find(mm, at) };

		r.vma->prot = prot;
		pt_walk_range(mm->pml4, r.vma->start, r.vma->end, reprotect_pte,
			      &r);
		at = r.vma->end;
		try_merge(mm, r.vma);
	}
	return 0;
}

uint64_t vma_free_range(struct mm *mm, uint64_t len)
{
	uint64_t top = mm->mmap_base;
	struct vma *v;

	/* Walk down from the highest mapping below mmap_base, looking for a
	 * gap of len bytes. */
	list_for_each_entry_reverse(v, &mm->vmas, link)
	{
		if (v->start >= top)
			continue;
		if (v->end <= top && top - v->end >= len)
			return top - len;
		top = MIN(top, v->start);
	}
	/* Linux's default mmap_min_addr keeps the first 64 KiB unmapped. */
	if (top >= len && top - len >= 0x10000)
		return top - len;
	return 0;
}

struct dup_ctx {
	struct mm *parent, *child;
	struct vma *vma;
	int err;
};

static void dup_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	struct dup_ctx *d = ctx;
	struct page *p = phys_to_page(*pte & PTE_ADDR);
	uint64_t entry = *pte, *cpte;

	if (d->err)
		return;
	if (!(d->vma->flags & VMA_SHARED) && (entry & (PTE_W | PTE_COW))) {
		entry = (entry & ~PTE_W) | PTE_COW;
		*pte = entry;
		flush_if_loaded(d->parent, va);
	}
	cpte = pt_walk(d->child->pml4, va, true);
	if (!cpte) {
		d->err = -ENOMEM;
		return;
	}
	page_get(p);
	*cpte = entry;
}

struct mm *mm_dup(struct mm *mm)
{
	struct mm *child = mm_alloc();
	struct dup_ctx d = { mm, child, NULL, 0 };
	struct vma *v;

	if (!child)
		return NULL;
	mutex_lock(&mm->lock);
	list_for_each_entry(v, &mm->vmas, link)
	{
		struct vma *c = kmalloc(sizeof(*c));

		if (!c) {
			d.err = -ENOMEM;
			break;
		}
		*c = *v;
		if (c->file)
			file_get(c->file);
		if (c->shmem)
			shmem_get(c->shmem);
		list_add_tail(&c->link, &child->vmas);
		d.vma = v;
		pt_walk_range(mm->pml4, v->start, v->end, dup_pte, &d);
		if (d.err)
			break;
	}
	child->brk_start = mm->brk_start;
	child->brk = mm->brk;
	child->mmap_base = mm->mmap_base;
	child->stack_top = mm->stack_top;
	child->vm_pages = mm->vm_pages;
	mutex_unlock(&mm->lock);
	if (d.err) {
		mm_put(child);
		return NULL;
	}
	return child;
}

struct move_ctx {
	struct mm *mm;
	uint64_t from, to;
	int err;
};

static void move_pte(uint64_t va, uint64_t *pte, void *ctx)
{
	struct move_ctx *m = ctx;
	uint64_t *dst;

	if (m->err)
		return;
	dst = pt_walk(m->mm->pml4, va - m->from + m->to, true);
	if (!dst) {
		m->err = -ENOMEM;
		return;
	}
	*dst = *pte;
	*pte = 0;
	flush_if_loaded(m->mm, va);
}

/* Maps [at, at + len) like v continues there (the extension of a grown
 * mapping, or its new home), with the object offset to match src. */
static int map_like(struct mm *mm, const struct vma *v, uint64_t src,
		    uint64_t at, uint64_t len)
{
	return vma_map(mm, at, len, v->prot, v->flags, v->file, v->shmem,
		       v->pgoff + (src - v->start) / PAGE_SIZE);
}

/* Moves [old, old + old_len) to new, growing to new_len. */
static long move_mapping(struct mm *mm, struct vma *v, uint64_t old,
			 uint64_t old_len, uint64_t new, uint64_t new_len)
{
	struct vma copy = *v;
	struct move_ctx m = { mm, old, new, 0 };
	int err;

	if (copy.file)
		file_get(copy.file);
	if (copy.shmem)
		shmem_get(copy.shmem);
	err = map_like(mm, &copy, old, new, new_len);
	if (!err) {
		pt_walk_range(mm->pml4, old, old + old_len, move_pte, &m);
		err = m.err;
	}
	if (!err)
		err = vma_unmap(mm, old, old_len);
	if (copy.file)
		file_put(copy.file);
	if (copy.shmem)
		shmem_put(copy.shmem);
	return err ? err : (long)new;
}

static bool is_free(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct vma *v;

	if (addr + len > USER_ADDR_END || addr + len < addr)
		return false;
	list_for_each_entry(v, &mm->vmas, link) if (v->start < addr + len &&
						    v->end > addr) return false;
	return true;
}

long vma_remap(struct mm *mm, struct vma *v, uint64_t old, uint64_t old_len,
	       uint64_t new_len, int flags, uint64_t new_addr)
{
	if (!old_len)
		return -EINVAL;
	/* [vvar] and [vdso] move only whole, never resized (Linux's
	 * special mappings; vdso_mremap()). */
	if ((v->flags & VMA_SPECIAL) &&
	    (old != v->start || old_len != v->end - v->start ||
	     new_len != old_len))
		return -EINVAL;
	if (flags & MREMAP_FIXED) {
		if (new_addr % PAGE_SIZE || !user_range_ok(new_addr, new_len))
			return -EINVAL;
		if (new_addr < old + old_len && old < new_addr + new_len)
			return -EINVAL;
		if (vma_unmap(mm, new_addr, new_len))
			return -ENOMEM;
		if (new_len < old_len) {
			vma_unmap(mm, old + new_len, old_len - new_len);
			old_len = new_len;
		}
		return move_mapping(mm, vma_find(mm, old), old, old_len,
				    new_addr, new_len);
	}
	if (new_len <= old_len) {
		vma_unmap(mm, old + new_len, old_len - new_len);
		return (long)old;
	}
	/* Grow in place when the space after is free. */
	if (old + old_len == v->end &&
	    is_free(mm, old + old_len, new_len - old_len)) {
		int err = map_like(mm, v, old + old_len, old + old_len,
				   new_len - old_len);
		return err ? err : (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	new_addr = vma_free_range(mm, new_len);
	if (!new_addr)
		return -ENOMEM;
	return move_mapping(mm, v, old, old_len, new_addr, new_len);
}

/* Reads another address space's memory (for /proc/PID/cmdline and
 * environ): present pages only, through the direct map. Returns the
 * bytes copied. */
size_t mm_read_foreign(struct mm *mm, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	mutex_lock(&mm->lock);
	while (done < len) {
		uint64_t va = addr + done;
		uint64_t *pte = va < USER_ADDR_END ?
					pt_walk(mm->pml4,
						ALIGN_DOWN(va, PAGE_SIZE),
						false) :
					NULL;
		size_t k = MIN(len - done, PAGE_SIZE - va % PAGE_SIZE);

		if (!pte || !(*pte & PTE_P))
			break;
		memcpy((char *)buf + done,
		       (char *)phys_to_virt(*pte & PTE_ADDR) + va % PAGE_SIZE,
		       k);
		done += k;
	}
	mutex_unlock(&mm->lock);
	return done;
}
