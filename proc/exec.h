/* SPDX-License-Identifier: MIT */
/* Private to exec.c and elf_load.c: a program being started. */
#ifndef STRIX_PROC_EXEC_H
#define STRIX_PROC_EXEC_H

#include "kernel/uapi/elf.h"
#include "kernel/uapi/misc.h"
#include "proc/proc.h"

/* argv then envp strings, NUL-separated, in one vmalloc'd block. */
struct exec_args {
	char *buf;
	size_t used, cap, limit;
	size_t argc, envc;
	char path[256];	    /* the file being executed now */
	char filename[256]; /* what execve was given: comm, AT_EXECFN */
};

struct exec_image {
	struct file *file;
	char head[256]; /* the first bytes of the file */
	ssize_t head_len;
	struct elf64_ehdr eh;
	struct elf64_phdr *phdrs;
	struct file *interp; /* PT_INTERP's file, if any */
	struct elf64_ehdr interp_eh;
	struct elf64_phdr *interp_phdrs;
	bool exec_stack;
};

const char *exec_arg(const struct exec_args *a, size_t i);
void exec_args_free(struct exec_args *a);

/* elf_load.c */
/* Checks the ELF headers in img->head, reads the program headers and
 * opens the interpreter. 0 or -ENOEXEC, -EIO, ... */
int elf_prepare(struct exec_image *img);
/* Maps the program and its interpreter into the current (new) mm and
 * builds the stack; returns the entry point and stack pointer. */
int elf_map_program(struct exec_image *img, const struct exec_args *a,
		    uint64_t *entry, uint64_t *sp);
void exec_image_release(struct exec_image *img);

/* exec_task.c */
/* The exec'ing thread takes the process leader's place and pid. */
void exec_take_leadership(struct task *t);
/* Stops sharing files and signal handlers with other processes. */
void exec_unshare(struct task *t);
void exec_set_comm(struct task *t, const char *filename);

#endif
