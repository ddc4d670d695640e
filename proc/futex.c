/* SPDX-License-Identifier: MIT */
/*
 * Futexes (futex(2)): wait queues keyed by a user address. A private
 * futex is known by (mm, address); a shared one by the physical address
 * behind it, so processes sharing the memory meet. Buckets are sleeping
 * locks, since reading the futex word may fault.
 */
#include "mm/mm.h"
#include "proc/proc_internal.h"

#define FUTEX_BUCKETS 256

struct futex_key {
	uint64_t a, b; /* (mm, uaddr) or (0, physical address) */
};

struct futex_waiter {
	struct list_head link;
	struct futex_key key;
	struct task *task;
	uint32_t bitset;
	bool woken; /* for a PI waiter: the lock was handed to it */
	bool pi;    /* waits in FUTEX_LOCK_PI; only an unlock wakes it */
};

static struct futex_bucket {
	struct mutex lock;
	struct list_head waiters;
} buckets[FUTEX_BUCKETS];

static bool buckets_ready;

static void buckets_init(void)
{
	for (int i = 0; i < FUTEX_BUCKETS; i++) {
		mutex_init(&buckets[i].lock);
		list_init(&buckets[i].waiters);
	}
	buckets_ready = true;
}

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->a ^ (k->b >> 2)) * 0x9e3779b97f4a7c15ULL;

	if (!buckets_ready)
		buckets_init();
	return &buckets[h >> 56];
}

static bool key_eq(const struct futex_key *x, const struct futex_key *y)
{
	return x->a == y->a && x->b == y->b;
}

/* Computes the key; a shared futex in shared memory is keyed by the
 * physical address, faulting the page in first. */
static int get_key(uaddr_t uaddr, bool private, struct futex_key *k)
{
	struct mm *mm = current->mm;
	struct vma *v;
	uint64_t *pte;
	bool shared;

	if (uaddr % 4 || !user_range_ok(uaddr, 4))
		return -EINVAL;
	k->a = (uint64_t)mm;
	k->b = uaddr;
	if (private)
		return 0;
	mutex_lock(&mm->lock);
	v = vma_find(mm, uaddr);
	shared = v && (v->flags & VMA_SHARED);
	mutex_unlock(&mm->lock);
	if (!shared)
		return 0;
	if (vmm_populate(uaddr, 4, false))
		return -EFAULT;
	mutex_lock(&mm->lock);
	pte = pt_walk(mm->pml4, ALIGN_DOWN(uaddr, PAGE_SIZE), false);
	if (pte && (*pte & PTE_P)) {
		k->a = 0;
		k->b = (*pte & PTE_ADDR) + uaddr % PAGE_SIZE;
	}
	mutex_unlock(&mm->lock);
	return 0;
}

/* Sleeps, with w queued on b and current->state already set (both done
 * under b's lock, so no wake is missed), until a wake, a signal (then
 * on_signal) or the deadline. Dequeues w unless a waker did. */
static int futex_sleep(struct futex_bucket *b, struct futex_waiter *w,
		       uint64_t deadline, int on_signal)
{
	int err = 0;

	while (!READ_ONCE(w->woken)) {
		if (signal_pending(current)) {
			err = on_signal;
			break;
		}
		if (deadline && time_ns() >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		schedule_deadline(deadline);
		current->state = TASK_INTERRUPTIBLE;
	}
	current->state = TASK_RUNNING;
	mutex_lock(&b->lock);
	if (w->woken)
		err = 0; /* woken (a PI waiter: made the owner) after all */
	else
		list_del(&w->link);
	mutex_unlock(&b->lock);
	return err;
}

static int futex_wait(uaddr_t uaddr, bool private, uint32_t val,
		      uint64_t deadline, uint32_t bitset)
{
	struct futex_waiter w = { .task = current, .bitset = bitset };
	struct futex_bucket *b;
	uint32_t cur;
	int err;

	if (!bitset)
		return -EINVAL;
	err = get_key(uaddr, private, &w.key);
	if (err)
		return err;
	b = bucket_of(&w.key);
	mutex_lock(&b->lock);
	if (get_user(cur, uaddr)) {
		mutex_unlock(&b->lock);
		return -EFAULT;
	}
	if (cur != val) {
		mutex_unlock(&b->lock);
		return -EAGAIN;
	}
	list_add_tail(&w.link, &b->waiters);
	/* Our state is set before the lock is dropped: a wake that comes
	 * after finds us on the list and makes us runnable. */
	current->state = TASK_INTERRUPTIBLE;
	mutex_unlock(&b->lock);
	return futex_sleep(b, &w, deadline, -ERESTARTSYS);
}

/* Wakes up to n waiters with key (and a matching bitset). Bucket locked. */
static int wake_locked(struct futex_bucket *b, const struct futex_key *k, int n,
		       uint32_t bitset)
{
	struct futex_waiter *w, *next;
	int woken = 0;

	list_for_each_entry_safe(w, next, &b->waiters, link)
	{
		if (woken >= n)
			break;
		if (!key_eq(&w->key, k) || !(w->bitset & bitset) || w->pi)
			continue;
		list_del(&w->link);
		WRITE_ONCE(w->woken, true);
		task_wake_state(w->task, TASK_INTERRUPTIBLE);
		woken++;
	}
	return woken;
}

static int do_wake(uaddr_t uaddr, bool private, int n, uint32_t bitset)
{
	struct futex_key k;
	struct futex_bucket *b;
	int err = get_key(uaddr, private, &k), woken;

	if (err)
		return err;
	if (!bitset)
		return -EINVAL;
	b = bucket_of(&k);
	mutex_lock(&b->lock);
	woken = wake_locked(b, &k, n, bitset);
	mutex_unlock(&b->lock);
	return woken;
}

int futex_wake(uaddr_t uaddr, int n)
{
	return do_wake(uaddr, false, n, FUTEX_BITSET_MATCH_ANY);
}

/* Wakes n waiters on uaddr and moves up to n2 more to uaddr2; with cmp,
 * only if *uaddr still holds val3 (FUTEX_CMP_REQUEUE). */
static int futex_requeue(uaddr_t uaddr, uaddr_t uaddr2, bool private, int n,
			 int n2, bool cmp, uint32_t val3)
{
	struct futex_key k1, k2;
	struct futex_bucket *b1, *b2;
	struct futex_waiter *w, *next;
	uint32_t cur;
	int err, done = 0;

	if (n < 0 || n2 < 0)
		return -EINVAL;
	err = get_key(uaddr, private, &k1);
	if (!err)
		err = get_key(uaddr2, private, &k2);
	if (err)
		return err;
	b1 = bucket_of(&k1);
	b2 = bucket_of(&k2);
	/* Lock in address order so two requeues cannot deadlock. */
	mutex_lock(b1 < b2 ? &b1->lock : &b2->lock);
	if (b1 != b2)
		mutex_lock(b1 < b2 ? &b2->lock : &b1->lock);
	if (cmp && (get_user(cur, uaddr) ? (err = -EFAULT) : cur != val3)) {
		if (!err)
			err = -EAGAIN;
		goto out;
	}
	done = wake_locked(b1, &k1, n, FUTEX_BITSET_MATCH_ANY);
	list_for_each_entry_safe(w, next, &b1->waiters, link)
	{
		if (n2 <= 0)
			break;
		if (!key_eq(&w->key, &k1))
			continue;
		list_del(&w->link);
		w->key = k2;
		list_add_tail(&w->link, &b2->waiters);
		n2--;
		done++;
	}
out:
	if (b1 != b2)
		mutex_unlock(b1 < b2 ? &b2->lock : &b1->lock);
	mutex_unlock(b1 < b2 ? &b1->lock : &b2->lock);
	return err ? err : done;
}

/* FUTEX_WAKE_OP: *uaddr2 = *uaddr2 OP oparg atomically, wake n on uaddr,
 * and n2 on uaddr2 if the old value passes CMP cmparg (futex(2)). */
static int futex_wake_op(uaddr_t uaddr, uaddr_t uaddr2, bool private, int n,
			 int n2, uint32_t val3)
{
	int op = (val3 >> 28) & 7, cmp = (val3 >> 24) & 15;
	uint32_t oparg = (val3 >> 12) & 0xfff, cmparg = val3 & 0xfff;
	uint32_t old, new, seen;
	bool hit;
	int woken, err;

	if (val3 & (8u << 28)) /* FUTEX_OP_OPARG_SHIFT */
		oparg = 1u << (oparg & 31);
	if (get_user(old, uaddr2))
		return -EFAULT;
	for (;;) {
		switch (op) {
		case 0:
			new = oparg;
			break; /* SET */
		case 1:
			new = old + oparg;
			break; /* ADD */
		case 2:
			new = old | oparg;
			break; /* OR */
		case 3:
			new = old & ~oparg;
			break; /* ANDN */
		case 4:
			new = old ^ oparg;
			break; /* XOR */
		default:
			return -ENOSYS;
		}
		if (cmpxchg_user_u32(uaddr2, old, new, &seen))
			return -EFAULT;
		if (seen == old)
			break;
		old = seen;
	}
	switch (cmp) {
	case 0:
		hit = old == cmparg;
		break;
	case 1:
		hit = old != cmparg;
		break;
	case 2:
		hit = (int32_t)old < (int32_t)cmparg;
		break;
	case 3:
		hit = (int32_t)old <= (int32_t)cmparg;
		break;
	case 4:
		hit = (int32_t)old > (int32_t)cmparg;
		break;
	case 5:
		hit = (int32_t)old >= (int32_t)cmparg;
		break;
	default:
		return -ENOSYS;
	}
	woken = do_wake(uaddr, private, n, FUTEX_BITSET_MATCH_ANY);
	if (woken < 0)
		return woken;
	if (hit) {
		err = do_wake(uaddr2, private, n2, FUTEX_BITSET_MATCH_ANY);
		if (err < 0)
			return err;
		woken += err;
	}
	return woken;
}

/* ---- priority-inheritance futexes (futex(2) "Priority-inheritance
 * futexes"): the word holds the owner's TID, FUTEX_WAITERS when someone
 * sleeps in the kernel, and FUTEX_OWNER_DIED. Ownership passes directly
 * from the unlocker to the first waiter. Strix's scheduler has no
 * real-time priorities, so there is no priority to lend: the protocol,
 * its errors and its hand-over are what glibc's PI mutexes rely on. ---- */

/* The first PI waiter on k, or NULL. Bucket locked. */
static struct futex_waiter *pi_first(struct futex_bucket *b,
				     const struct futex_key *k)
{
	struct futex_waiter *w;

	list_for_each_entry(w, &b->waiters,
			    link) if (w->pi && key_eq(&w->key, k)) return w;
	return NULL;
}

/* Hands the lock at uaddr to the first waiter, or frees it (died: its
 * owner exited, so FUTEX_OWNER_DIED is set). Bucket locked. 0 or
 * -EFAULT, or -EAGAIN if the word changed under us. */
static int pi_hand_over(struct futex_bucket *b, const struct futex_key *k,
			uaddr_t uaddr, uint32_t old, uint32_t died)
{
	struct futex_waiter *w = pi_first(b, k);
	uint32_t new = died, seen;

	if (w)
		new |= FUTEX_WAITERS | (uint32_t)w->task->tid;
	if (cmpxchg_user_u32(uaddr, old, new, &seen))
		return -EFAULT;
	if (seen != old)
		return -EAGAIN;
	if (w) {
		list_del(&w->link);
		WRITE_ONCE(w->woken, true);
		task_wake_state(w->task, TASK_INTERRUPTIBLE);
	}
	return 0;
}

/* One attempt to take the lock or to mark it contended. 1: taken; 0:
 * held by another, FUTEX_WAITERS now set; else a negative errno. */
static int pi_try(uaddr_t uaddr, bool set_waiters)
{
	uint32_t old, new, seen, tid = (uint32_t)current->tid;
	struct task *owner;
	bool irq;

	if (get_user(old, uaddr))
		return -EFAULT;
	for (;;) {
		if ((old & FUTEX_TID_MASK) == tid)
			return -EDEADLK;
		if (old & FUTEX_TID_MASK) {
			/* The owner must exist (futex(2): ESRCH). */
			irq = spin_lock_irqsave(&tasklist_lock);
			owner = task_by_tid((int)(old & FUTEX_TID_MASK));
			spin_unlock_irqrestore(&tasklist_lock, irq);
			if (!owner)
				return -ESRCH;
			if (!set_waiters)
				return -EAGAIN;
			new = old | FUTEX_WAITERS;
		} else {
			new = (old & FUTEX_OWNER_DIED) | tid;
		}
		if (cmpxchg_user_u32(uaddr, old, new, &seen))
			return -EFAULT;
		if (seen == old)
			return (old & FUTEX_TID_MASK) ? 0 : 1;
		old = seen;
	}
}

static int futex_lock_pi(uaddr_t uaddr, bool private, uint64_t deadline,
			 bool trylock)
{
	struct futex_waiter w = { .task = current, .pi = true };
	struct futex_bucket *b;
	int err = get_key(uaddr, private, &w.key);

	if (err)
		return err;
	b = bucket_of(&w.key);
	mutex_lock(&b->lock);
	err = pi_try(uaddr, !trylock);
	if (err != 0) {
		mutex_unlock(&b->lock);
		return err == 1 ? 0 : err;
	}
	list_add_tail(&w.link, &b->waiters);
	current->state = TASK_INTERRUPTIBLE;
	mutex_unlock(&b->lock);
	/* A signal restarts the lock transparently, as Linux's. */
	return futex_sleep(b, &w, deadline, -ERESTARTNOINTR);
}

static int futex_unlock_pi(uaddr_t uaddr, bool private)
{
	struct futex_key k;
	struct futex_bucket *b;
	uint32_t old;
	int err = get_key(uaddr, private, &k);

	if (err)
		return err;
	b = bucket_of(&k);
	mutex_lock(&b->lock);
	do {
		if (get_user(old, uaddr)) {
			err = -EFAULT;
			break;
		}
		if ((old & FUTEX_TID_MASK) != (uint32_t)current->tid) {
			err = -EPERM;
			break;
		}
		err = pi_hand_over(b, &k, uaddr, old, 0);
	} while (err == -EAGAIN);
	mutex_unlock(&b->lock);
	return err;
}

/* The deadline on the time_ns() clock for a timeout argument. */
static int futex_deadline(int cmd, int op, uaddr_t utime, uint64_t *deadline)
{
	struct linux_timespec ts;
	uint64_t ns;

	*deadline = 0;
	if (!utime)
		return 0;
	if (copy_from_user(&ts, utime, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	ns = (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	if (cmd == FUTEX_WAIT) { /* relative */
		*deadline = time_ns() + ns;
	} else if (op & FUTEX_CLOCK_REALTIME) { /* absolute, wall clock */
		uint64_t now = time_realtime_ns();
		*deadline = time_ns() + (ns > now ? ns - now : 0);
	} else {
		*deadline = ns;
	}
	if (!*deadline)
		*deadline = 1;
	return 0;
}

static long sys_futex(uaddr_t uaddr, int op, uint32_t val, uaddr_t utime,
		      uaddr_t uaddr2, uint32_t val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG;
	uint64_t deadline;
	int err;

	/* FUTEX_CLOCK_REALTIME only makes sense for the absolute waits. */
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET &&
	    cmd != FUTEX_WAIT && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = futex_deadline(cmd, op, utime, &deadline);
		if (err)
			return err;
		return futex_wait(uaddr, private, val, deadline,
				  cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY :
						      val3);
	case FUTEX_WAKE:
		return do_wake(uaddr, private, (int)val,
			       FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return do_wake(uaddr, private, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val,
				     (int)utime, false, 0);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, private, (int)val,
				     (int)utime, true, val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, uaddr2, private, (int)val,
				     (int)utime, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		/* LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's
		 * on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME says so. */
		err = futex_deadline(
			FUTEX_WAIT_BITSET,
			cmd == FUTEX_LOCK_PI ? op | FUTEX_CLOCK_REALTIME : op,
			utime, &deadline);
		return err ? err :
			     futex_lock_pi(uaddr, private, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(uaddr, private, 0, true);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(uaddr, private);
	}
	/* FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI (condition variables
	 * over PI mutexes; glibc's condvars no longer use them). */
	return -ENOSYS;
}
SYSCALL_REGISTER(futex, sys_futex);

/* ---- robust futex lists (Documentation/locking/robust-futex-ABI) ---- */

struct robust_list_head {
	uint64_t next;	  /* struct robust_list * */
	int64_t offset;	  /* from a list entry to its futex word */
	uint64_t pending; /* entry being locked or unlocked */
};

static long sys_set_robust_list(uaddr_t head, size_t len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = head;
	current->robust_list_len = len;
	return 0;
}
SYSCALL_REGISTER(set_robust_list, sys_set_robust_list);

static long sys_get_robust_list(int pid, uaddr_t uhead, uaddr_t ulen)
{
	struct task *t = current;
	uint64_t head, len = sizeof(struct robust_list_head);
	bool irq;

	if (pid) {
		irq = spin_lock_irqsave(&tasklist_lock);
		t = task_by_tid(pid);
		head = t ? t->robust_list : 0;
		spin_unlock_irqrestore(&tasklist_lock, irq);
		if (!t)
			return -ESRCH;
	} else {
		head = t->robust_list;
	}
	if (put_user(head, uhead) || put_user(len, ulen))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(get_robust_list, sys_get_robust_list);

/* A PI futex the dying thread held goes to its first waiter, with
 * FUTEX_OWNER_DIED set (or is left free and marked). */
static void robust_release_pi(struct task *t, uaddr_t word)
{
	struct futex_key k;
	struct futex_bucket *b;
	uint32_t old;
	int err;

	if (get_key(word, false, &k))
		return;
	b = bucket_of(&k);
	mutex_lock(&b->lock);
	do {
		if (get_user(old, word) ||
		    (old & FUTEX_TID_MASK) != (uint32_t)t->tid)
			break;
		err = pi_hand_over(b, &k, word, old, FUTEX_OWNER_DIED);
	} while (err == -EAGAIN);
	mutex_unlock(&b->lock);
}

/* Marks a futex the dying thread held: OWNER_DIED, and wake a waiter. */
static void robust_release(struct task *t, uaddr_t word, bool pi)
{
	uint32_t old, seen;

	if (pi) {
		robust_release_pi(t, word);
		return;
	}
	if (get_user(old, word))
		return;
	for (;;) {
		uint32_t new;

		if ((old & FUTEX_TID_MASK) != (uint32_t)t->tid)
			return;
		new = (old & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (cmpxchg_user_u32(word, old, new, &seen))
			return;
		if (seen == old)
			break;
		old = seen;
	}
	if (old & FUTEX_WAITERS)
		futex_wake(word, 1);
}

void robust_list_exit(struct task *t)
{
	struct robust_list_head head;
	uint64_t entry;
	int limit = 2048; /* ROBUST_LIST_LIMIT */

	if (!t->robust_list || !t->mm ||
	    copy_from_user(&head, t->robust_list, sizeof(head)))
		return;
	entry = head.next;
	while (entry != t->robust_list && limit-- > 0) {
		uint64_t next;

		/* The low bit marks a PI futex; the entry is aligned. */
		if (get_user(next, entry & ~1ULL))
			return;
		if (entry != head.pending)
			robust_release(t, (entry & ~1ULL) + head.offset,
				       entry & 1);
		entry = next;
	}
	if (head.pending)
		robust_release(t, (head.pending & ~1ULL) + head.offset,
			       head.pending & 1);
}
