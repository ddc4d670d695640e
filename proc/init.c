/* SPDX-License-Identifier: MIT */
/* Starting user space: pid 1, with the console as its standard streams,
 * running init= or the first of the usual places that works. */
#include "dev/blk.h"
#include "dev/dev.h"
#include "dev/tty.h"
#include "kernel/uapi/fcntl.h"
#include "mm/mm.h"
#include "proc/proc_internal.h"

static const char *const fallback_inits[] = {
	"/sbin/init",
	"/etc/init",
	"/bin/init",
	"/bin/sh",
};

/* fds 0, 1 and 2 on /dev/console, as Linux's console_on_rootfs(). */
static void open_console(void)
{
	struct file *f = vfs_open("/dev/console", O_RDWR | O_NOCTTY, 0);

	if (IS_ERR(f)) {
		pr_warn("init: cannot open /dev/console (%ld)\n", PTR_ERR(f));
		return;
	}
	if (fd_install(f, 0) == 0) {
		sys_dup2_kernel(0, 1);
		sys_dup2_kernel(0, 2);
	}
}

static int try_init(const char *path)
{
	const char *argv[] = { path, NULL };
	const char *envp[] = { "HOME=/", "TERM=linux", NULL };
	int err = kernel_execve(path, argv, envp);

	if (err)
		pr_info("init: %s: error %d\n", path, err);
	return err;
}

static int init_main(void *unused)
{
	struct task *t = current;
	const char *want = cmdline_get("init");

	(void)unused;
	t->fs = fs_alloc_root();
	t->files = files_alloc();
	/* Init starts in the root control group; its children inherit. */
	cgroup_fork(t->proc, t->proc);
	if (IS_ERR_OR_NULL(t->fs) || IS_ERR_OR_NULL(t->files))
		panic("init: out of memory");
	/* Disks, as Linux's do_basic_setup() in kernel_init: in process
	 * context, since probing sleeps on interrupts. */
	blk_init();
	ahci_init();
	ata_init();
	/* Unpacked here, as root in a process, like Linux's populate_rootfs
	 * in kernel_init. */
	if (boot_info.initrd_size) {
		int err = initrd_unpack(phys_to_virt(boot_info.initrd_phys),
					boot_info.initrd_size);
		if (err)
			pr_err("initrd: unpacking failed (%d)\n", err);
		pmm_free_initrd();
	} else {
		pr_warn("initrd: none was loaded\n");
	}
	vfs_mount_dev();
	/* root=/dev/sdXN: the disk becomes the root (vfs/rootdev.c). */
	vfs_mount_root_device();
	open_console();
	if (want && *want) {
		if (try_init(want) == 0)
			goto run;
		panic("Requested init %s failed", want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(fallback_inits); i++)
		if (try_init(fallback_inits[i]) == 0)
			goto run;
	panic("No working init found. Try passing init= option to kernel.");
run:
	pr_info("init: running %s as pid %d\n", t->comm, t->proc->pid);
	task_return_to_user(NULL);
	return 0;
}

/* The first kernel thread: it gets pid 1 and becomes init. */
void proc_start_init(void)
{
	struct task *t = kthread_start("init", init_main, NULL);

	if (!t || t->tid != 1)
		panic("cannot start init");
}
