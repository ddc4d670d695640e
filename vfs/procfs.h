/* SPDX-License-Identifier: MIT */
/* Private to procfs: the tree of entries and the text generators. */
#ifndef STRIX_VFS_PROCFS_H
#define STRIX_VFS_PROCFS_H

#include "vfs/vfs.h"

#define PROC_SUPER_MAGIC 0x9fa0

/* Output accumulates here; generators append with proc_printf. */
struct proc_buf {
	char *buf;
	size_t size, len;
};
void proc_printf(struct proc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void proc_write_bytes(struct proc_buf *b, const void *data, size_t n);

enum proc_kind {
	PK_DIR,	    /* a static directory (children in the table) */
	PK_FILE,    /* generated text */
	PK_LINK,    /* a symlink computed by a function */
	PK_PIDS,    /* the root: static entries plus one dir per process */
	PK_PID_DIR, /* /proc/PID and /proc/PID/task/TID */
	PK_TASKS,   /* /proc/PID/task */
	PK_FDS,	    /* /proc/PID/fd */
	PK_FDINFOS, /* /proc/PID/fdinfo */
	PK_FD_LINK, /* /proc/PID/fd/N */
	PK_FDINFO,  /* /proc/PID/fdinfo/N */
};

struct proc_ctx {
	int pid; /* the process (tgid), 0 for system-wide entries */
	int tid; /* the thread for task/TID entries, else pid */
	int fd;
};

struct proc_entry {
	const char *name;
	enum proc_kind kind;
	uint32_t mode;
	/* PK_FILE: fills b; 0 or -errno. */
	int (*show)(const struct proc_ctx *c, struct proc_buf *b);
	/* PK_FILE, optional: a write of the whole new value. */
	int (*store)(const struct proc_ctx *c, const char *data, size_t n);
	/* PK_LINK: the target into buf; length or -errno. */
	int (*link)(const struct proc_ctx *c, char *buf, size_t size);
	const struct proc_entry *children; /* PK_DIR, ended by name NULL */
};

/* Table rows, with designated initializers. */
#define PROC_FILE(n, m, fn)                                             \
	{                                                               \
		.name = (n), .kind = PK_FILE, .mode = (m), .show = (fn) \
	}
#define PROC_FILE_RW(n, m, fn, st)                                       \
	{                                                                \
		.name = (n), .kind = PK_FILE, .mode = (m), .show = (fn), \
		.store = (st)                                            \
	}
#define PROC_LINK(n, fn)                                   \
	{                                                  \
		.name = (n), .kind = PK_LINK, .link = (fn) \
	}
#define PROC_DIR(n, c)                                       \
	{                                                    \
		.name = (n), .kind = PK_DIR, .children = (c) \
	}
#define PROC_DYN(n, k)                   \
	{                                \
		.name = (n), .kind = (k) \
	}
#define PROC_END             \
	{                    \
		.name = NULL \
	}

/* /proc/net/unix (vfs/af_unix_ops.c), in Linux's format. */
int unix_proc_show(const struct proc_ctx *c, struct proc_buf *b);

/* The tables (procfs_sys.c, procfs_pid.c). */
extern const struct proc_entry proc_root_entries[];
extern const struct proc_entry proc_pid_entries[];

/* Looks up a process or thread by number with a reference to what the
 * generators need; NULL if gone. tasklist_lock is taken inside. */
struct process *proc_get_process(int pid);
void proc_put_process(struct process *p);

/* "0\n", and a store that accepts and ignores what is written: for
 * settings Strix has no use for (oom_score_adj, overcommit_memory). */
int proc_show_zero(const struct proc_ctx *c, struct proc_buf *b);
int proc_store_ignore(const struct proc_ctx *c, const char *d, size_t n);

#endif
