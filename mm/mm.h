/* SPDX-License-Identifier: MIT */
/*
 * Memory management: physical pages (buddy allocator over struct page),
 * kmalloc, kernel page tables, the kernel's virtual areas (stacks, ioremap).
 */
#ifndef STRIX_MM_H
#define STRIX_MM_H

#include "kernel/kernel.h"
#include "kernel/lib/list.h"
#include "proc/proc.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define KERNEL_SPACE_START 0xffff800000000000ULL
#define USER_SPACE_END 0x0000800000000000ULL
/* Kernel virtual allocations: stacks with guard pages, ioremap. */
#define VMALLOC_START 0xffffc00000000000ULL
#define VMALLOC_END 0xffffc80000000000ULL

/* ---- physical addresses and the direct map ---- */

#ifdef STRIX_HOST
/* Host unit tests back "physical memory" with an ordinary buffer. */
extern char *mm_host_phys_base;
static inline void *phys_to_virt(uint64_t p)
{
	return mm_host_phys_base + p;
}
static inline uint64_t virt_to_phys(const void *v)
{
	return (uint64_t)((const char *)v - mm_host_phys_base);
}
#else
static inline void *phys_to_virt(uint64_t p)
{
	return (void *)(p + DIRECT_MAP_BASE);
}
/* Only for direct-map and kernel-image addresses. */
static inline uint64_t virt_to_phys(const void *v)
{
	uint64_t a = (uint64_t)v;
	extern uint64_t kernel_phys_base;

	if (a >= KERNEL_VIRT_BASE)
		return a - KERNEL_VIRT_BASE + kernel_phys_base;
	return a - DIRECT_MAP_BASE;
}
#endif

/* ---- struct page and the buddy allocator (page_alloc.c) ---- */

#define MAX_ORDER 10 /* largest block: 2^10 pages, 4 MiB */

enum page_flags {
	PG_RESERVED = 1 << 0, /* never allocatable (firmware, holes) */
	PG_BUDDY = 1 << 1,    /* heads a free block in a buddy list */
	PG_SLAB = 1 << 2,     /* holds kmalloc objects */
	PG_LARGE = 1 << 3,    /* heads a multi-page kmalloc block */
	PG_ANON = 1 << 4,     /* private to the mappings that reference it */
};

struct kmem_cache;
/* One per physical page frame, indexed by page frame number. */
struct page {
	uint32_t flags;
	int32_t refcount; /* users of an allocated page */
	uint8_t order;	  /* block order when PG_BUDDY or PG_LARGE */
	uint8_t pad[3];
	uint32_t slab_inuse;
	struct {
		struct page *next, *prev;
	} list; /* buddy free list, a cache's partial slabs */
	union {
		struct {
			void *freelist;
			struct kmem_cache *cache;
		} slab;
		struct {
			void *private; /* owner's use: page cache, tables */
			uint64_t index;
		};
	};
};
_Static_assert(sizeof(struct page) == 48, "struct page grew");

extern struct page *mem_map;
extern uint64_t max_pfn;

static inline uint64_t page_to_pfn(const struct page *p)
{
	return (uint64_t)(p - mem_map);
}
static inline struct page *pfn_to_page(uint64_t pfn)
{
	return &mem_map[pfn];
}
static inline uint64_t page_to_phys(const struct page *p)
{
	return page_to_pfn(p) << PAGE_SHIFT;
}
static inline struct page *phys_to_page(uint64_t phys)
{
	return pfn_to_page(phys >> PAGE_SHIFT);
}
static inline void *page_address(const struct page *p)
{
	return phys_to_virt(page_to_phys(p));
}
static inline struct page *virt_to_page(const void *v)
{
	return phys_to_page(virt_to_phys(v));
}

#define PAGE_ZERO 0x1 /* zero the block before returning it */

/*
 * Sets up the allocator for frames [0, npages) described by map (an array
 * of npages struct page, every one starting reserved). Frames become
 * allocatable through page_free_range().
 */
void page_alloc_init(struct page *map, uint64_t npages);
/* Makes [start_pfn, end_pfn) free, in the largest aligned blocks. */
void page_free_range(uint64_t start_pfn, uint64_t end_pfn);
/* A block of 2^order pages with refcount 1, or NULL when memory is out. */
struct page *page_alloc(unsigned order, unsigned flags);
void page_free(struct page *p, unsigned order);
/* Drops one reference to an order-0 page; frees it when none remain. */
void page_put(struct page *p);
static inline void page_get(struct page *p)
{
	__atomic_add_fetch(&p->refcount, 1, __ATOMIC_RELAXED);
}
uint64_t page_free_count(void);
uint64_t page_total_count(void);

/* Convenience: one zeroed page, by physical address (0 when out). */
uint64_t page_alloc_phys(void);
void page_free_phys(uint64_t phys);

/* ---- kmalloc (slab.c) ---- */

#define KMALLOC_MAX (1UL << (MAX_ORDER + PAGE_SHIFT))

/* Empties the caches; called once the page allocator is up. */
void kmalloc_init(void);
/* Memory for size bytes (8-byte aligned; page-aligned above 2 KiB), or
 * NULL. kmalloc(0) returns NULL. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
/* Frees what kmalloc returned; kfree(NULL) does nothing. */
void kfree(const void *p);
/* The usable size of an allocation. */
size_t ksize(const void *p);

/* ---- page tables (paging.c) ---- */

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7) /* huge page in a PDPT or PD entry */
#define PTE_G (1ULL << 8)
#define PTE_COW (1ULL << 9) /* software bit: copy on write */
/* Software bit: a PROT_NONE page, kept mapped but not present, as
 * Linux's _PAGE_PROTNONE; range walks still see it. */
#define PTE_PROTNONE (1ULL << 10)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

/* Cache types through PAT (we program PAT entry 1 as write-combining). */
#define PTE_CACHE_WB 0
#define PTE_CACHE_WC PTE_PWT
#define PTE_CACHE_UC (PTE_PCD | PTE_PWT)

/* The kernel's PML4; its upper half is shared by every address space. */
extern uint64_t kernel_pml4_phys;

/*
 * Builds the kernel's page tables (direct map of RAM, kernel image with
 * W^X), enables NX/WP/PGE and switches to them.
 */
void paging_init(void);
/*
 * The PTE for va under the PML4 at pml4_phys, allocating intermediate
 * tables (with user access when va is below USER_SPACE_END) if alloc;
 * NULL if absent or out of memory. Never crosses a huge page.
 */
uint64_t *pt_walk(uint64_t pml4_phys, uint64_t va, bool alloc);
/* Maps one 4 KiB page; -ENOMEM if a table cannot be allocated. */
int pt_map(uint64_t pml4_phys, uint64_t va, uint64_t pa, uint64_t flags);
/* Clears the PTE for va and returns its old value (0 if none). */
uint64_t pt_unmap(uint64_t pml4_phys, uint64_t va);
/* Calls fn for every present 4 KiB PTE mapping an address in [start, end)
 * (below USER_SPACE_END), skipping absent tables quickly. */
typedef void (*pt_range_fn)(uint64_t va, uint64_t *pte, void *ctx);
void pt_walk_range(uint64_t pml4_phys, uint64_t start, uint64_t end,
		   pt_range_fn fn, void *ctx);
/* Invalidates va in this CPU's TLB. */
void tlb_flush_page(uint64_t va);
void tlb_flush_all(void);

/* ---- kernel virtual areas (vmalloc.c) ---- */

#define KSTACK_SIZE (16 * 1024)

/* Maps [phys, phys + size) uncached (or with the given PTE_CACHE_*). */
void *ioremap(uint64_t phys, size_t size, uint64_t cache);
void iounmap(void *va);
/* A kernel stack with an unmapped guard page below it; returns its
 * lowest address (the top is + KSTACK_SIZE), or NULL. */
void *kstack_alloc(void);
void kstack_free(void *stack);
/* size bytes of virtually contiguous, zeroed kernel memory, or NULL. */
void *vmalloc(size_t size);
void vfree(void *va);

/* ---- the physical memory map (pmm.c) ---- */

/* Builds mem_map from the boot memory map and frees usable RAM. */
void pmm_init(void);
/* Frees the stub's loader memory and early page tables, once the kernel
 * runs on its own page tables, stack and descriptor tables. */
void pmm_reclaim_boot_memory(void);
/* Returns the initrd's memory once it has been unpacked. */
void pmm_free_initrd(void);
/* A zeroed page below 1 MiB kept aside at boot (for the SMP trampoline). */
uint64_t pmm_low_page(void);

/* ---- user address spaces (vma.c, fault.c, mmap.c) ---- */

struct file;
struct shmem;

/* vma->flags */
#define VMA_SHARED 0x1	  /* MAP_SHARED: writes reach the object */
#define VMA_GROWSDOWN 0x2 /* the stack: faults just below extend it */
#define VMA_HEAP 0x4	  /* the brk area */
#define VMA_VVAR 0x8	  /* [vvar]: the kernel's page for the vDSO */
#define VMA_VDSO 0x10	  /* [vdso]: the vDSO's code (kernel/vdso.c) */
#define VMA_SPECIAL (VMA_VVAR | VMA_VDSO)

/* One mapping: [start, end), page aligned, in mm->vmas by address. */
struct vma {
	uint64_t start, end;
	uint32_t prot;	     /* PROT_READ | PROT_WRITE | PROT_EXEC */
	uint32_t flags;	     /* VMA_* */
	struct file *file;   /* file mapping, or NULL */
	struct shmem *shmem; /* MAP_SHARED | MAP_ANONYMOUS */
	uint64_t pgoff;	     /* page index in file/shmem of start */
	struct list_head link;
};

struct mm {
	int refcount;
	uint64_t pml4;	   /* physical address of the PML4 */
	struct mutex lock; /* VMAs and page tables */
	struct list_head vmas;
	struct vma *last_found;
	uint64_t brk_start, brk;
	uint64_t mmap_base; /* top-down mmap allocations start below */
	uint64_t stack_top;
	uint64_t vm_pages; /* pages of mapped address space */
};

static inline uint64_t mm_pml4(const struct mm *mm)
{
	return mm->pml4;
}

/* A new address space with only the kernel half mapped, or NULL. */
struct mm *mm_alloc(void);
/* fork: a copy of mm with private pages shared copy-on-write. */
struct mm *mm_dup(struct mm *mm);
void mm_get(struct mm *mm);
/* Drops a reference; the last one frees the mappings and tables. The
 * caller must not be running on these page tables. */
void mm_put(struct mm *mm);

/* The VMA containing addr, or NULL. mm->lock held. */
struct vma *vma_find(struct mm *mm, uint64_t addr);
/*
 * Maps [addr, addr + len) (page aligned, inside user space, replacing any
 * mapping there): anonymous if file and shmem are NULL. Takes its own
 * references on file/shmem. mm->lock held. 0 or -ENOMEM.
 */
int vma_map(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot,
	    uint32_t flags, struct file *file, struct shmem *shmem,
	    uint64_t pgoff);
/* Removes every mapping in [addr, addr + len). mm->lock held. */
int vma_unmap(struct mm *mm, uint64_t addr, uint64_t len);
/* Changes protection of [addr, addr + len); -ENOMEM if any page in the
 * range is unmapped (as mprotect(2)). mm->lock held. */
int vma_protect(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot);
/* A free, page-aligned range of len bytes, searched top-down below
 * mm->mmap_base; 0 if none. mm->lock held. */
uint64_t vma_free_range(struct mm *mm, uint64_t len);
/* The PTE permission bits page p gets when mapped in v. */
uint64_t vma_pte_flags(const struct vma *v, const struct page *p);
/* Unmaps the pages of [addr, addr + len) without removing the VMAs
 * (madvise MADV_DONTNEED). mm->lock held. */
void vma_zap(struct mm *mm, uint64_t addr, uint64_t len);

/* mremap(2) of [old, old + old_len) inside v: shrink, grow in place, or
 * move (MREMAP_MAYMOVE, MREMAP_FIXED to new_addr). The new address or
 * -errno. mm->lock held. */
long vma_remap(struct mm *mm, struct vma *v, uint64_t old, uint64_t old_len,
	       uint64_t new_len, int flags, uint64_t new_addr);

/* Copies up to len bytes at addr in mm (present pages only); returns
 * how many. For /proc, which reads other processes' arguments. */
size_t mm_read_foreign(struct mm *mm, uint64_t addr, void *buf, size_t len);

/* Shared anonymous memory objects (shmem.c). */
struct shmem *shmem_alloc(uint64_t npages);
void shmem_get(struct shmem *s);
void shmem_put(struct shmem *s);
/* The page at index (allocated zeroed on first use), referenced; NULL
 * when out of memory. */
struct page *shmem_page(struct shmem *s, uint64_t index);

/* ---- page faults (fault.c) ---- */

/* Resolves a page fault at addr; 0 if resolved, else a negative errno and
 * the caller decides between a signal and a panic. */
int vmm_handle_page_fault(struct trap_frame *tf, uint64_t addr);
/* Makes [addr, addr + len) of the current mm present (for MAP_POPULATE
 * and the ELF loader). 0 or -EFAULT/-ENOMEM. */
int vmm_populate(uint64_t addr, uint64_t len, bool write);

#endif
