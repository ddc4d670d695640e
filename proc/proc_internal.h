/* SPDX-License-Identifier: MIT */
/* Private to proc/: object lifetimes and helpers shared by its files. */
#ifndef STRIX_PROC_INTERNAL_H
#define STRIX_PROC_INTERNAL_H

#include "proc/proc.h"
#include "vfs/vfs.h"

/* task.c */
struct task *task_alloc(void);
int task_alloc_fpu(struct task *t);
void task_free(struct task *t);
struct process *process_alloc(void);
int tid_alloc(struct task *t);
/* Enters t under its (already chosen) tid; tasklist_lock held. */
void task_claim_tid(struct task *t);
void tid_free(int tid);
void process_set_groups(struct process *p, int pgid, int sid);
void task_prepare_stack(struct task *t, void (*fn)(void *), void *arg);
void task_return_to_user(void *unused);

/* sched.c */
void sched_new_task(struct task *t, struct task *parent);

/* time.c */
void itimer_tick(struct task *t, bool user);

/* signal.c */
enum sig_default { SIG_TERM, SIG_CORE, SIG_IGNORE, SIG_STOP, SIG_CONT };
enum sig_default sig_default_action(int sig);
bool syscall_restart_pending(const struct trap_frame *tf);
struct sighand *sighand_alloc(void);
struct sighand *sighand_dup(struct sighand *old);
void sighand_put(struct sighand *sh);
/* At execve: handlers back to SIG_DFL (ignored signals stay ignored). */
void sighand_reset_for_exec(struct sighand *sh);
/* Stops/continues: the parent's view, for wait4. */
void signal_notify_parent(struct process *p, int why, int status);
int sig_dequeue(struct task *t, sigset_t mask, struct linux_siginfo *info);

/* signal_frame.c */
bool on_altstack(const struct task *t, uint64_t sp);
int altstack_set(struct task *t, const struct linux_stack *ss);

/* exit.c */
/* Makes p's children orphans of init (pid 1); tasklist_lock held. */
void reparent_children(struct process *p);
void process_release(struct process *p);
void reap_dead_tasks(void);
void task_release_dead(struct task *t);
void vfork_release(struct task *t);

/* resource.c */
void process_init_rlimits(struct process *p);

/* futex.c */
/* Wakes up to n waiters on the futex at uaddr (in current's mm). */
int futex_wake(uaddr_t uaddr, int n);
/* Walks the exiting thread's robust futex list (set_robust_list(2)). */
void robust_list_exit(struct task *t);

/* exec.c */
int kernel_execve(const char *path, const char *const argv[],
		  const char *const envp[]);

#endif
