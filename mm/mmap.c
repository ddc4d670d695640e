/* SPDX-License-Identifier: MIT */
/* The memory system calls: brk, mmap, munmap, mprotect, mremap, madvise,
 * msync, mincore and the mlock family (mmap(2) and friends). */
#include "kernel/uapi/misc.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

/* Every page of [addr, addr + len) is mapped. mm->lock held. */
static bool range_mapped(struct mm *mm, uint64_t addr, uint64_t len)
{
	for (uint64_t at = addr; at < addr + len;) {
		struct vma *v = vma_find(mm, at);
		if (!v)
			return false;
		at = v->end;
	}
	return true;
}

static bool range_free(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct vma *v;

	list_for_each_entry(v, &mm->vmas, link) if (v->start < addr + len &&
						    v->end > addr) return false;
	return true;
}

static long sys_brk(uint64_t want)
{
	struct mm *mm = current->mm;
	uint64_t old, new_end, old_end;
	long ret;

	mutex_lock(&mm->lock);
	old = mm->brk;
	ret = old;
	if (want < mm->brk_start)
		goto out;
	if (want - mm->brk_start > current->proc->rlim[RLIMIT_DATA].rlim_cur)
		goto out;
	new_end = ALIGN_UP(want, PAGE_SIZE);
	old_end = ALIGN_UP(old, PAGE_SIZE);
	if (new_end > old_end) {
		if (new_end > USER_ADDR_END ||
		    !range_free(mm, old_end, new_end - old_end) ||
		    vma_map(mm, old_end, new_end - old_end,
			    PROT_READ | PROT_WRITE, VMA_HEAP, NULL, NULL, 0))
			goto out;
	} else if (new_end < old_end) {
		vma_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = want;
	ret = want;
out:
	mutex_unlock(&mm->lock);
	return ret;
}
SYSCALL_REGISTER(brk, sys_brk);

#define MAP_KNOWN                                                           \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN | \
	 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE |      \
	 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |            \
	 MAP_FIXED_NOREPLACE)

/* Picks the address: the hint if it is free, else top-down. 0 if none. */
static uint64_t place(struct mm *mm, uint64_t hint, uint64_t len, int flags)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		return hint;
	hint = ALIGN_DOWN(hint, PAGE_SIZE);
	if (hint >= 0x10000 && hint + len <= USER_ADDR_END &&
	    hint + len > hint && range_free(mm, hint, len))
		return hint;
	if (flags & MAP_32BIT) { /* the first 2 GiB, for old JITs */
		for (uint64_t a = 0x40000000; a + len <= 0x80000000;
		     a += PAGE_SIZE * 16)
			if (range_free(mm, a, len))
				return a;
		return 0;
	}
	return vma_free_range(mm, len);
}

static long do_mmap(uint64_t addr, uint64_t len, int prot, int flags,
		    struct file *file, uint64_t off)
{
	struct mm *mm = current->mm;
	struct shmem *shmem = NULL;
	uint32_t vflags = 0;
	long ret;

	if ((flags & MAP_TYPE) == MAP_SHARED ||
	    (flags & MAP_TYPE) == MAP_SHARED_VALIDATE)
		vflags |= VMA_SHARED;
	if (flags & MAP_GROWSDOWN)
		vflags |= VMA_GROWSDOWN;
	if ((vflags & VMA_SHARED) && !file) {
		shmem = shmem_alloc(len / PAGE_SIZE);
		if (!shmem)
			return -ENOMEM;
	}
	mutex_lock(&mm->lock);
	addr = place(mm, addr, len, flags);
	if (!addr) {
		ret = -ENOMEM;
	} else if ((flags & MAP_FIXED_NOREPLACE) &&
		   !range_free(mm, addr, len)) {
		ret = -EEXIST;
	} else {
		ret = vma_map(mm, addr, len,
			      prot & (PROT_READ | PROT_WRITE | PROT_EXEC),
			      vflags, file, shmem, off / PAGE_SIZE);
		if (!ret)
			ret = (long)addr;
	}
	mutex_unlock(&mm->lock);
	if (shmem)
		shmem_put(shmem); /* the VMA holds its own reference */
	if (ret > 0 && (flags & MAP_POPULATE))
		vmm_populate(addr, len, prot & PROT_WRITE);
	return ret;
}

static long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd,
		     uint64_t off)
{
	int type = flags & MAP_TYPE;
	struct file *file = NULL;
	long ret;

	if (type != MAP_SHARED && type != MAP_PRIVATE &&
	    type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return -EOPNOTSUPP;
	if (!len || off % PAGE_SIZE)
		return -EINVAL;
	if (len > USER_ADDR_END)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (off + len < off)
		return -EOVERFLOW;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    (addr % PAGE_SIZE || !user_range_ok(addr, len) || addr < 0x10000))
		return (addr % PAGE_SIZE) ? -EINVAL : -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN |
		     PROT_GROWSUP))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fd_get(fd);
		if (!file)
			return -EBADF;
		ret = vfs_mmap_check(file, prot, type != MAP_PRIVATE);
		if (ret) {
			file_put(file);
			return ret;
		}
	}
	ret = do_mmap(addr, len, prot, flags, file, off);
	if (file)
		file_put(file);
	return ret;
}
SYSCALL_REGISTER(mmap, sys_mmap);

static long sys_munmap(uint64_t addr, uint64_t len)
{
	struct mm *mm = current->mm;
	long ret;

	if (addr % PAGE_SIZE || !len || !user_range_ok(addr, len))
		return -EINVAL;
	mutex_lock(&mm->lock);
	ret = vma_unmap(mm, addr, ALIGN_UP(len, PAGE_SIZE));
	mutex_unlock(&mm->lock);
	return ret;
}
SYSCALL_REGISTER(munmap, sys_munmap);

static long sys_mprotect(uint64_t addr, uint64_t len, int prot)
{
	struct mm *mm = current->mm;
	long ret;

	if (addr % PAGE_SIZE)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN |
		     PROT_GROWSUP))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!user_range_ok(addr, len))
		return -ENOMEM;
	if (!len)
		return 0;
	mutex_lock(&mm->lock);
	ret = vma_protect(mm, addr, len,
			  prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
	mutex_unlock(&mm->lock);
	return ret;
}
SYSCALL_REGISTER(mprotect, sys_mprotect);

static long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len,
		       int flags, uint64_t new_addr)
{
	struct mm *mm = current->mm;
	struct vma *v;
	long ret;

	if (old % PAGE_SIZE || !new_len ||
	    (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL; /* not supported */
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!user_range_ok(old, old_len) || !user_range_ok(old, new_len))
		return -EFAULT;
	mutex_lock(&mm->lock);
	v = vma_find(mm, old);
	/* The old range must lie within one mapping (mremap(2): EFAULT). */
	if (!v || old + (old_len ? old_len : PAGE_SIZE) > v->end) {
		ret = -EFAULT;
		goto out;
	}
	ret = vma_remap(mm, v, old, old_len, new_len, flags, new_addr);
out:
	mutex_unlock(&mm->lock);
	return ret;
}
SYSCALL_REGISTER(mremap, sys_mremap);

static long sys_madvise(uint64_t addr, uint64_t len, int advice)
{
	struct mm *mm = current->mm;
	long ret = 0;

	if (addr % PAGE_SIZE)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!user_range_ok(addr, len))
		return -EINVAL;
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_FREE:
		break;
	default:
		return -EINVAL;
	}
	mutex_lock(&mm->lock);
	if (!range_mapped(mm, addr, len))
		ret = -ENOMEM;
	else if (advice == MADV_DONTNEED || advice == MADV_FREE)
		vma_zap(mm, addr, len); /* anonymous memory reads as zero */
	mutex_unlock(&mm->lock);
	return ret;
}
SYSCALL_REGISTER(madvise, sys_madvise);

/* Shared mappings write straight into the page cache, which is memory. */
static long sys_msync(uint64_t addr, uint64_t len, int flags)
{
	struct mm *mm = current->mm;
	long ret = 0;

	if (addr % PAGE_SIZE ||
	    (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	mutex_lock(&mm->lock);
	if (!range_mapped(mm, addr, len))
		ret = -ENOMEM;
	mutex_unlock(&mm->lock);
	return ret;
}
SYSCALL_REGISTER(msync, sys_msync);

static long sys_mincore(uint64_t addr, uint64_t len, uaddr_t uvec)
{
	struct mm *mm = current->mm;
	uint64_t pages = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE;

	if (addr % PAGE_SIZE || !user_range_ok(addr, len))
		return -EINVAL;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t *pte;
		uint8_t in;

		mutex_lock(&mm->lock);
		if (!vma_find(mm, addr + i * PAGE_SIZE)) {
			mutex_unlock(&mm->lock);
			return -ENOMEM;
		}
		pte = pt_walk(mm->pml4, addr + i * PAGE_SIZE, false);
		in = pte && (*pte & PTE_P);
		mutex_unlock(&mm->lock);
		if (put_user(in, uvec + i))
			return -EFAULT;
	}
	return 0;
}
SYSCALL_REGISTER(mincore, sys_mincore);

/* Nothing is ever paged out, so every page is as good as locked. */
static long sys_mlock(uint64_t addr, uint64_t len)
{
	(void)addr;
	(void)len;
	return 0;
}
SYSCALL_REGISTER(mlock, sys_mlock);
SYSCALL_REGISTER(munlock, sys_mlock);

static long sys_mlockall(int flags)
{
	return flags & ~7 ? -EINVAL : 0;
}
SYSCALL_REGISTER(mlockall, sys_mlockall);

static long sys_munlockall(void)
{
	return 0;
}
SYSCALL_REGISTER(munlockall, sys_munlockall);
