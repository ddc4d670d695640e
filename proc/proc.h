/* SPDX-License-Identifier: MIT */
/*
 * Processes and threads: tasks, the scheduler, wait queues and sleeping
 * locks, timers, signals, credentials. Follows Linux's split: a struct task
 * per thread; a struct process per thread group (Linux's signal_struct);
 * refcounted mm, files, fs and sighand that clone() may share.
 */
#ifndef STRIX_PROC_H
#define STRIX_PROC_H

#include "kernel/kernel.h"
#include "kernel/lib/list.h"
#include "kernel/uapi/misc.h"
#include "kernel/uapi/signal.h"

struct mm;
struct files_struct;
struct fs_struct;
struct file;
struct tty;
struct task;

/* ---- wait queues (proc/waitq.c) ---- */

struct wait_queue {
	struct spinlock lock;
	struct list_head waiters;
};

/* One sleeper's entry; lives on the sleeper's stack. */
struct waiter {
	struct list_head link;
	struct task *task;
	/* Called by wake_up() instead of waking task, if set (poll/epoll). */
	void (*func)(struct waiter *w);
	void *private;
};

#define WAIT_QUEUE_INIT(name)                                          \
	{                                                              \
		SPINLOCK_INIT("waitq"), LIST_HEAD_INIT((name).waiters) \
	}
void wq_init(struct wait_queue *wq);
/* Queues w (if not queued) and sets current's state; then the caller
 * checks its condition and calls schedule() if it still has to wait. */
void prepare_to_wait(struct wait_queue *wq, struct waiter *w, int state);
/* Dequeues w and makes current runnable again. */
void finish_wait(struct wait_queue *wq, struct waiter *w);
/* Wakes every waiter (or calls its func). Safe from interrupts. */
void wake_up(struct wait_queue *wq);
/* Wakes at most one task waiter, oldest first. */
void wake_up_one(struct wait_queue *wq);
void waiter_init(struct waiter *w);

/*
 * Sleeps until cond holds or a signal arrives: 0, or -ERESTARTSYS when a
 * signal is pending (the syscall layer turns that into -EINTR or a
 * restart as SA_RESTART says).
 */
#define wait_event_interruptible(wq, cond)                               \
	({                                                               \
		int __ret = 0;                                           \
		struct waiter __w;                                       \
		waiter_init(&__w);                                       \
		for (;;) {                                               \
			prepare_to_wait((wq), &__w, TASK_INTERRUPTIBLE); \
			if (cond)                                        \
				break;                                   \
			if (signal_pending(current)) {                   \
				__ret = -ERESTARTSYS;                    \
				break;                                   \
			}                                                \
			schedule();                                      \
		}                                                        \
		finish_wait((wq), &__w);                                 \
		__ret;                                                   \
	})

/* As above, giving up at deadline (time_ns() clock; 0 means never):
 * 0, -ETIMEDOUT or -ERESTARTSYS. */
#define wait_event_interruptible_deadline(wq, cond, deadline)            \
	({                                                               \
		int __ret = 0;                                           \
		struct waiter __w;                                       \
		waiter_init(&__w);                                       \
		for (;;) {                                               \
			prepare_to_wait((wq), &__w, TASK_INTERRUPTIBLE); \
			if (cond)                                        \
				break;                                   \
			if (signal_pending(current)) {                   \
				__ret = -ERESTARTSYS;                    \
				break;                                   \
			}                                                \
			if ((deadline) && time_ns() >= (deadline)) {     \
				__ret = -ETIMEDOUT;                      \
				break;                                   \
			}                                                \
			schedule_deadline(deadline);                     \
		}                                                        \
		finish_wait((wq), &__w);                                 \
		__ret;                                                   \
	})

/* Sleeps, ignoring signals, until cond holds. */
#define wait_event(wq, cond)                                               \
	do {                                                               \
		struct waiter __w;                                         \
		waiter_init(&__w);                                         \
		for (;;) {                                                 \
			prepare_to_wait((wq), &__w, TASK_UNINTERRUPTIBLE); \
			if (cond)                                          \
				break;                                     \
			schedule();                                        \
		}                                                          \
		finish_wait((wq), &__w);                                   \
	} while (0)

/* A one-shot event a task can wait for (vfork). */
struct completion {
	struct wait_queue wq;
	bool done;
};
static inline void completion_init(struct completion *c)
{
	wq_init(&c->wq);
	c->done = false;
}
static inline void complete(struct completion *c)
{
	WRITE_ONCE(c->done, true);
	wake_up(&c->wq);
}

/* ---- sleeping locks (proc/waitq.c) ---- */

struct mutex {
	struct spinlock lock;
	struct task *owner;
	struct wait_queue wq;
};
#define MUTEX_INIT(name)                                                 \
	{                                                                \
		SPINLOCK_INIT("mutex"), NULL, WAIT_QUEUE_INIT((name).wq) \
	}
void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
/* 0, or -EINTR if a signal arrived first. */
int mutex_lock_interruptible(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);

/* ---- timers on the time_ns() clock (proc/timer.c) ---- */

struct ktimer {
	uint64_t expires;	      /* time_ns() at which fn runs */
	void (*fn)(struct ktimer *t); /* runs in the timer interrupt */
	void *data;
	struct list_head link;
	bool armed;
};
void ktimer_init(struct ktimer *t, void (*fn)(struct ktimer *), void *data);
/* (Re)arms t to fire at expires. */
void ktimer_arm(struct ktimer *t, uint64_t expires);
/* Disarms t; returns whether it was armed. */
bool ktimer_cancel(struct ktimer *t);
/* Disarms t and waits until its callback is not running on any CPU:
 * before t's memory is freed. Not from t's own callback. */
void ktimer_cancel_sync(struct ktimer *t);

/* ---- credentials ---- */

#define NGROUPS_MAX 65536
#define CRED_GROUPS 32 /* supplementary groups we keep */

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	uint32_t ngroups;
	uint32_t groups[CRED_GROUPS];
};

/* Is the caller privileged (euid 0; we have no capabilities yet)? */
bool capable(void);
bool cred_in_group(const struct cred *c, uint32_t gid);

/* For /proc: idle time, load averages (11-bit fixed point), runnable. */
extern uint64_t cpu_idle_ns;
void sched_loadavg(uint64_t out[3]);
unsigned sched_nr_running(void);

/* ---- signals (proc/signal.c) ---- */

struct sigqueue {
	struct list_head link;
	struct linux_siginfo info;
};

struct sigpending {
	sigset_t set;
	struct list_head queue; /* struct sigqueue, in arrival order */
};

struct sighand {
	int refcount;
	struct spinlock lock;
	struct linux_sigaction action[NSIG];
	/* signalfd readers and pollers: woken whenever a signal is queued
	 * for a process sharing these handlers. */
	struct wait_queue signalfd_wait;
};

/* ---- tasks and processes (proc/task.c) ---- */

enum task_state {
	TASK_RUNNING = 0,
	TASK_INTERRUPTIBLE = 1,
	TASK_UNINTERRUPTIBLE = 2,
	TASK_STOPPED = 4,
	TASK_DEAD = 8,
};

/* Per thread. */
struct task {
	int tid;
	volatile int state;
	char comm[16];
	struct process *proc;

	/* Scheduling (proc/sched.c) */
	struct list_head run_link;
	bool on_rq;
	int nice;
	uint64_t vruntime;    /* weighted ns of CPU time */
	uint64_t exec_start;  /* time_ns() of the last vruntime update */
	uint64_t slice_start; /* time_ns() when last put on a CPU */
	unsigned cpu;
	struct ktimer sleep_timer; /* schedule_deadline() */

	/* Kernel stack and saved context */
	void *kstack;		      /* lowest address; KSTACK_SIZE bytes */
	uint64_t saved_rsp;	      /* while switched out */
	struct trap_frame *user_regs; /* top of kstack: user state */
	void *fpu;		      /* XSAVE/FXSAVE area, 64-byte aligned */
	uint64_t fs_base, gs_base;

	/* Shared with other tasks according to clone() flags */
	struct mm *mm; /* NULL for kernel threads */
	struct files_struct *files;
	struct fs_struct *fs;
	struct sighand *sighand;

	/* Signals */
	sigset_t blocked;
	sigset_t saved_blocked; /* restored after sigsuspend/ppoll */
	bool restore_blocked;
	struct sigpending pending;
	struct linux_stack altstack;

	/* restart_syscall(2): how to resume an interrupted sleep */
	struct {
		long (*fn)(void);
		uint64_t deadline;
		uaddr_t rem;
	} restart;

	uaddr_t set_child_tid, clear_child_tid;
	uaddr_t robust_list;
	uint64_t robust_list_len;
	struct list_head thread_link;  /* in proc->threads */
	struct completion *vfork_done; /* the vforking parent waits on it */
	int exit_code;

	/* Accounting */
	uint64_t utime_ns, stime_ns, start_ns;
	uint64_t nvcsw, nivcsw, minflt, majflt;
	uint64_t entered_kernel_ns;
};

/* Per thread group: what POSIX calls a process. */
struct process {
	int pid; /* = the leader's tid */
	int refcount;
	struct task *leader;
	struct list_head threads;
	int nr_threads; /* not yet exited */

	struct process *parent;
	struct list_head children;
	struct list_head sibling;     /* in parent->children */
	struct wait_queue child_wait; /* wait4() sleeps here */

	int pgid, sid;
	struct tty *ctty;

	struct cred cred;
	struct linux_rlimit rlim[RLIM_NLIMITS];
	struct sigpending shared_pending;

	/* Exit and job control, for wait4() */
	bool exiting;	 /* exit_group or fatal signal under way */
	bool zombie;	 /* all threads gone, not reaped */
	int exit_status; /* wait status (W* encoding) */
	int exit_signal; /* sent to the parent at exit (SIGCHLD) */
	bool stopped;
	int stop_signal;
	bool report_stop;     /* WUNTRACED has not seen this stop */
	bool report_continue; /* WCONTINUED has not seen this continue */
	int group_stop_count; /* threads still to stop */

	struct ktimer real_timer; /* ITIMER_REAL / alarm() */
	uint64_t real_interval_ns;
	/* ITIMER_VIRTUAL and ITIMER_PROF, counted down by the tick */
	uint64_t virt_value_ns, virt_interval_ns;
	uint64_t prof_value_ns, prof_interval_ns;

	uint64_t utime_ns, stime_ns;   /* threads that have exited */
	uint64_t cutime_ns, cstime_ns; /* reaped children */
	uint64_t start_ns;
	struct file *exe; /* the executable, for /proc/PID/exe */
	bool exec_done;	  /* has called execve (setpgid's EACCES) */
	uaddr_t arg_start, arg_end, env_start, env_end;
	struct cgroup *cgroup; /* referenced; kept by a zombie */
	bool in_cgroup;	       /* counted in its groups' populated */
};

/* ---- control groups, v2 (proc/cgroup.c) ---- */

struct cgroup {
	char name[256];
	struct cgroup *parent; /* NULL for the root */
	struct list_head children, sibling;
	int refcount;	    /* the tree, child groups, processes, inodes */
	uint64_t id;	    /* stable: the file system's inode numbers */
	int populated;	    /* live processes in it and its descendants */
	int nr_descendants; /* live descendant groups */
	int max_depth, max_descendants;
	bool dead; /* removed (rmdir) */
};
extern struct cgroup cgroup_root;

void cgroup_get(struct cgroup *cg);
void cgroup_put(struct cgroup *cg);
/* fork: the child joins the parent's group. */
void cgroup_fork(struct process *child, struct process *parent);
/* The process has exited: it no longer populates its group. */
void cgroup_exit(struct process *p);
/* The process is freed: drops its reference. */
void cgroup_release(struct process *p);
/* A new child group, referenced for the caller; ERR_PTR(-EEXIST,
 * -EAGAIN past a limit, -ENOENT if parent was removed, -ENOMEM). */
struct cgroup *cgroup_mkdir(struct cgroup *parent, const char *name);
/* Removes an empty group: 0, -EBUSY (processes or children), -ENOENT. */
int cgroup_rmdir(struct cgroup *cg);
/* The child called name, or the nth child; referenced, or NULL. */
struct cgroup *cgroup_child(struct cgroup *parent, const char *name);
struct cgroup *cgroup_nth_child(struct cgroup *parent, int64_t n);
/* Moves process pid (0: the caller's) into cg: 0, -ESRCH, -ENOENT. */
int cgroup_attach(struct cgroup *cg, int pid);
bool cgroup_populated(struct cgroup *cg);
int cgroup_nr_descendants(struct cgroup *cg);
/* "/a/b" from the root; its length or -ENAMETOOLONG. */
int cgroup_path(struct cgroup *cg, char *buf, size_t size);
/* Calls fn with each live process's pid in cg (and its descendants if
 * recursive), under tasklist_lock: fn must not sleep or take it. */
void cgroup_for_each_pid(struct cgroup *cg, bool recursive,
			 void (*fn)(int pid, void *arg), void *arg);
/* cgroup_path of p's group (/proc/PID/cgroup). */
int cgroup_path_of(struct process *p, char *buf, size_t size);
/* SIGKILL to every process in cg and its descendants (cgroup.kill). */
void cgroup_kill(struct cgroup *cg);

#define current (this_cpu()->curr)

#define PID_MAX 32768

/* The task with this tid, or NULL. Caller holds tasklist_lock. */
struct task *task_by_tid(int tid);
struct process *process_by_pid(int pid);
extern struct spinlock tasklist_lock;
/* Drops a reference to a process (the last frees it). */
void process_put(struct process *p);
/* Calls fn for every task; tasklist_lock held by the caller. */
void for_each_task(void (*fn)(struct task *t, void *ctx), void *ctx);
/* Is process group pgid orphaned (POSIX XBD 3.265)? */
bool pgrp_is_orphaned(int pgid);

/*
 * Starts a kernel thread running fn(arg); it exits when fn returns.
 * Returns the task or NULL.
 */
struct task *kthread_start(const char *name, int (*fn)(void *), void *arg);

/* The timer tick's work: scheduler accounting, kernel timers. */
void sched_tick(struct trap_frame *tf);
void ktimer_tick(struct trap_frame *tf);

/* Starts pid 1 (proc/init.c): init= or /sbin/init and the fallbacks. */
void proc_start_init(void);

/* ---- the scheduler (proc/sched.c) ---- */

void sched_init(void);
/* Gives up the CPU; if current->state is not TASK_RUNNING the task stays
 * off the run queue until woken. */
void schedule(void);
/* schedule(), but also wake at deadline (time_ns()); 0 = no deadline. */
void schedule_deadline(uint64_t deadline);
/* Makes t runnable if it was sleeping (interruptibly, or at all if
 * any_state); returns whether it did. Safe from interrupts. */
bool task_wake(struct task *t);
bool task_wake_state(struct task *t, int states);
/* Enters the idle loop on this CPU as its idle task; never returns. */
__noreturn void sched_idle_loop(void);
/* Starts running tasks: the caller becomes this CPU's idle task. */
__noreturn void sched_start(void);

/* For /proc: idle time, load averages (11-bit fixed point), runnable. */
extern uint64_t cpu_idle_ns;
void sched_loadavg(uint64_t out[3]);
unsigned sched_nr_running(void);

/* ---- signals (proc/signal.c) ---- */

/* Is a signal deliverable to t (pending and not blocked)? */
bool signal_pending(struct task *t);
/* Sends sig to one thread / to a process (any thread may take it).
 * info may be NULL (SI_KERNEL). 0 or -errno. */
int signal_send_task(struct task *t, int sig, const struct linux_siginfo *info);
int signal_send_process(struct process *p, int sig,
			const struct linux_siginfo *info);
/* Sends sig to every process in process group pgid. */
int signal_send_pgrp(int pgid, int sig, const struct linux_siginfo *info);
/* An exception in user code (vector in tf; err and addr from a page
 * fault) becomes the signal Linux would send. */
void signal_from_trap(struct trap_frame *tf, int err, uint64_t addr);
/* Changes current's signal mask as sigprocmask(2) (SIG_BLOCK, ...);
 * SIGKILL and SIGSTOP stay unblocked. 0 or -EINVAL. */
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
/* On the way back to user mode: delivers pending signals by building
 * frames or taking default actions. Interrupts on. */
void signal_deliver(struct trap_frame *tf);

/* ---- leaving the kernel (proc/sched.c) ---- */

/* Runs before every return to user mode: reschedules, delivers signals.
 * Called with interrupts off; returns with them off. */
void exit_to_user(struct trap_frame *tf);

/* ---- exit (proc/exit.c) ---- */

/* Ends the calling thread with the given wait status; never returns. */
__noreturn void task_exit(int status);
/* Ends every thread of the calling process (exit_group, fatal signals). */
__noreturn void process_exit(int status);

/* ---- system-wide settings (proc/sys.c) ---- */

/* Sets the UTS host name from kernel memory (/proc/sys/kernel/hostname). */
long sys_sethostname_kernel(const char *name, size_t len);
/* Ctrl+Alt+Del: reset, or SIGINT to init once init turned that off. */
void ctrl_alt_del(void);

#endif
