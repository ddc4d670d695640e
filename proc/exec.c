/* SPDX-License-Identifier: MIT */
/*
 * execve: gathering the arguments, interpreter scripts (#!), the point of
 * no return where the old program is discarded, and the new program's
 * registers. Mapping the ELF and building the stack is in elf_load.c.
 */
#include "kernel/uapi/unistd.h"
#include "mm/mm.h"
#include "proc/exec.h"
#include "proc/proc_internal.h"

#define MAX_ARG_STRLEN (32 * PAGE_SIZE) /* Linux: per string */
#define MAX_ARG_STRINGS 0x7fffffff
#define BINPRM_MAX_RECURSION 4

/* Arguments come either from user memory (execve) or from the kernel
 * (starting init). */
struct arg_src {
	uaddr_t user;
	const char *const *kernel;
};

static int fetch_ptr(const struct arg_src *src, size_t i, uaddr_t *uptr,
		     const char **kptr)
{
	/* Both are set on every path: the caller tells the end of the
	 * vector by both being zero. */
	*uptr = 0;
	if (src->kernel) {
		*kptr = src->kernel[i];
		return 0;
	}
	*kptr = NULL;
	if (!src->user)
		return 0;
	return get_user(*uptr, src->user + i * sizeof(uint64_t));
}

/* Appends a string to the argument block, growing it as needed. */
static int block_append(struct exec_args *a, const char *s, size_t len)
{
	if (a->used + len + 1 > a->limit)
		return -E2BIG;
	while (a->used + len + 1 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		char *buf = vmalloc(cap);

		if (!buf)
			return -ENOMEM;
		memcpy(buf, a->buf, a->used);
		vfree(a->buf);
		a->buf = buf;
		a->cap = cap;
	}
	memcpy(a->buf + a->used, s, len);
	a->buf[a->used + len] = '\0';
	a->used += len + 1;
	return 0;
}

/* Copies a NULL-terminated vector of strings; returns the count. */
static long copy_strings(struct exec_args *a, const struct arg_src *src)
{
	char *tmp = kmalloc(MAX_ARG_STRLEN);
	long n = 0, err = 0;

	if (!tmp)
		return -ENOMEM;
	for (;; n++) {
		const char *k;
		uaddr_t u;
		long len;

		err = fetch_ptr(src, n, &u, &k);
		if (err || (!k && !u))
			break;
		if (k) {
			len = strnlen(k, MAX_ARG_STRLEN);
			memcpy(tmp, k, len);
		} else {
			len = strncpy_from_user(tmp, u, MAX_ARG_STRLEN);
		}
		if (len < 0) {
			err = len == -ENAMETOOLONG ? -E2BIG : len;
			break;
		}
		err = block_append(a, tmp, len);
		if (err)
			break;
	}
	kfree(tmp);
	return err ? err : n;
}

void exec_args_free(struct exec_args *a)
{
	vfree(a->buf);
	a->buf = NULL;
}

/* The i-th string of the block. */
const char *exec_arg(const struct exec_args *a, size_t i)
{
	const char *s = a->buf;

	while (i--)
		s += strlen(s) + 1;
	return s;
}

/*
 * #! scripts (binfmt_script): the interpreter runs with the optional
 * argument, then the script's path, then the original argv[1..]. Rebuilds
 * the argument block accordingly.
 */
static int parse_shebang(struct exec_args *a, const char *head, size_t n,
			 char *interp, size_t interp_size)
{
	char line[256], *p = line, *name, *arg = NULL;
	struct exec_args b = { .limit = a->limit };
	size_t len = 0;
	int err;

	while (2 + len < n && len + 1 < sizeof(line) && head[2 + len] != '\n')
		len++;
	memcpy(line, head + 2, len);
	line[len] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -ENOEXEC;
	name = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		/* Everything after the name, trailing blanks cut, is one
		 * argument (as on Linux). */
		if (*p) {
			char *end = p + strlen(p);
			while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
				*--end = '\0';
			arg = p;
		}
	}
	strlcpy(interp, name, interp_size);
	err = block_append(&b, name, strlen(name));
	if (!err && arg)
		err = block_append(&b, arg, strlen(arg));
	if (!err)
		err = block_append(&b, a->path, strlen(a->path));
	/* The original argv[0] gives way to the script path. */
	for (size_t i = a->argc ? 1 : 0; !err && i < a->argc + a->envc; i++) {
		const char *s = exec_arg(a, i);
		err = block_append(&b, s, strlen(s));
	}
	if (err) {
		exec_args_free(&b);
		return err;
	}
	b.argc = (arg ? 3 : 2) + (a->argc ? a->argc - 1 : 0);
	b.envc = a->envc;
	strlcpy(b.path, interp, sizeof(b.path));
	strlcpy(b.filename, a->filename, sizeof(b.filename));
	exec_args_free(a);
	*a = b;
	return 0;
}

/* Opens the program, follows #! up to 4 levels, and reads the ELF
 * headers (and the interpreter's). */
static int prepare(struct exec_args *a, struct exec_image *img)
{
	for (int depth = 0;; depth++) {
		char interp[256];
		int err;

		img->file = vfs_open_exec(a->path);
		if (IS_ERR(img->file)) {
			err = PTR_ERR(img->file);
			img->file = NULL;
			return err;
		}
		img->head_len =
			kernel_read(img->file, img->head, sizeof(img->head), 0);
		if (img->head_len < 0)
			return (int)img->head_len;
		if (img->head_len < 2 || img->head[0] != '#' ||
		    img->head[1] != '!')
			return elf_prepare(img);
		if (depth >= BINPRM_MAX_RECURSION)
			return -ELOOP;
		err = parse_shebang(a, img->head, img->head_len, interp,
				    sizeof(interp));
		if (err)
			return err;
		file_put(img->file);
		img->file = NULL;
	}
}

/* Ends every other thread of the process; the caller becomes the only
 * one, with the process's pid (Linux: de_thread). */
static void become_single_thread(void)
{
	struct task *t = current, *other;
	struct process *p = t->proc;
	bool irq = spin_lock_irqsave(&t->sighand->lock);

	if (p->nr_threads == 1 && p->leader == t) {
		spin_unlock_irqrestore(&t->sighand->lock, irq);
		return;
	}
	list_for_each_entry(other, &p->threads, thread_link) if (other != t)
		signal_send_task(other, SIGKILL, NULL);
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	while (READ_ONCE(p->nr_threads) > 1)
		schedule_deadline(time_ns() + NSEC_PER_SEC / HZ);
	exec_take_leadership(t);
}

/* Past this point the old program is gone; failures kill the process. */
static int flush_old_exec(struct exec_args *a, struct exec_image *img)
{
	struct task *t = current;
	struct mm *old = t->mm, *mm = mm_alloc();

	if (!mm)
		return -ENOMEM;
	become_single_thread();
	t->mm = mm;
	write_cr3(mm->pml4);
	this_cpu()->loaded_pml4 = mm->pml4;
	/* The vforking parent's memory is no longer in use by us. */
	vfork_release(t);
	if (old)
		mm_put(old);
	exec_unshare(t);
	if (t->files)
		files_close_on_exec(t->files);
	sighand_reset_for_exec(t->sighand);
	t->altstack = (struct linux_stack){ .ss_flags = SS_DISABLE };
	t->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	t->clear_child_tid = 0;
	t->robust_list = 0;
	if (t->fpu)
		fpu_init_state(t->fpu);
	else if (task_alloc_fpu(t))
		return -ENOMEM;
	fpu_restore(t->fpu);
	exec_set_comm(t, a->filename);
	if (t->proc->exe)
		file_put(t->proc->exe);
	t->proc->exe = file_get(img->file);
	t->proc->exec_done = true;
	return 0;
}

static void start_registers(struct trap_frame *tf, uint64_t rip, uint64_t rsp)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = rip;
	tf->rsp = rsp;
	tf->cs = 0x33;
	tf->ss = 0x2b;
	tf->rflags = RFLAGS_IF;
}

int do_execve(const char *path, const struct arg_src *argv,
	      const struct arg_src *envp)
{
	struct exec_args a = { .limit = 2 * 1024 * 1024 };
	struct exec_image img = { 0 };
	uint64_t entry, sp;
	long n;
	int err;

	strlcpy(a.path, path, sizeof(a.path));
	strlcpy(a.filename, path, sizeof(a.filename));
	n = copy_strings(&a, argv);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	a.argc = n;
	n = copy_strings(&a, envp);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	a.envc = n;
	err = prepare(&a, &img);
	if (err)
		goto out;

	err = flush_old_exec(&a, &img);
	if (!err)
		err = elf_map_program(&img, &a, &entry, &sp);
	if (err) {
		pr_warn("execve of %s failed after the point of no return "
			"(%d)\n",
			a.path, err);
		exec_image_release(&img);
		exec_args_free(&a);
		process_exit(SIGSEGV);
	}
	start_registers(current->user_regs, entry, sp);
out:
	exec_image_release(&img);
	exec_args_free(&a);
	return err;
}

static long sys_execve(uaddr_t upath, uaddr_t uargv, uaddr_t uenvp)
{
	struct arg_src argv = { uargv, NULL }, envp = { uenvp, NULL };
	char *path = kmalloc(PATH_MAX);
	long len;
	int err;

	if (!path)
		return -ENOMEM;
	len = strncpy_from_user(path, upath, PATH_MAX);
	if (len < 0)
		err = (int)len;
	else if (len == 0)
		err = -ENOENT;
	else
		err = do_execve(path, &argv, &envp);
	kfree(path);
	return err;
}
SYSCALL_REGISTER(execve, sys_execve);

int kernel_execve(const char *path, const char *const argv[],
		  const char *const envp[])
{
	struct arg_src a = { 0, argv }, e = { 0, envp };

	return do_execve(path, &a, &e);
}
