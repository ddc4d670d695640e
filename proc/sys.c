/* SPDX-License-Identifier: MIT */
/* System-wide calls: uname and host names, prctl, arch_prctl, reboot,
 * getrandom, personality. */
#include "dev/dev.h"
#include "dev/blk.h"
#include "proc/proc_internal.h"

#define UTS_RELEASE "6.1.0-strix"
#define UTS_VERSION "#1 SMP PREEMPT_DYNAMIC Strix"

static char hostname[65] = "(none)";
static char domainname[65] = "(none)";
static struct spinlock uts_lock = SPINLOCK_INIT("uts");

static long sys_uname(uaddr_t ubuf)
{
	struct linux_utsname u;
	bool irq;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname));
	strlcpy(u.release, UTS_RELEASE, sizeof(u.release));
	strlcpy(u.version, UTS_VERSION, sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	irq = spin_lock_irqsave(&uts_lock);
	strlcpy(u.nodename, hostname, sizeof(u.nodename));
	strlcpy(u.domainname, domainname, sizeof(u.domainname));
	spin_unlock_irqrestore(&uts_lock, irq);
	return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}
SYSCALL_REGISTER(uname, sys_uname);

static long set_name(char *dst, uaddr_t uname, int len)
{
	char buf[65];
	bool irq;

	if (!capable())
		return -EPERM;
	if (len < 0 || len > 64)
		return -EINVAL;
	if (copy_from_user(buf, uname, len))
		return -EFAULT;
	buf[len] = '\0';
	irq = spin_lock_irqsave(&uts_lock);
	memcpy(dst, buf, len + 1);
	spin_unlock_irqrestore(&uts_lock, irq);
	return 0;
}

long sys_sethostname_kernel(const char *name, size_t len)
{
	bool irq;

	if (!capable())
		return -EPERM;
	if (len > 64)
		return -EINVAL;
	irq = spin_lock_irqsave(&uts_lock);
	memcpy(hostname, name, len);
	hostname[len] = '\0';
	spin_unlock_irqrestore(&uts_lock, irq);
	return 0;
}

static long sys_sethostname(uaddr_t uname, int len)
{
	return set_name(hostname, uname, len);
}
SYSCALL_REGISTER(sethostname, sys_sethostname);

static long sys_setdomainname(uaddr_t uname, int len)
{
	return set_name(domainname, uname, len);
}
SYSCALL_REGISTER(setdomainname, sys_setdomainname);

size_t uts_hostname(char *buf, size_t size)
{
	bool irq = spin_lock_irqsave(&uts_lock);
	size_t n = strlcpy(buf, hostname, size);

	spin_unlock_irqrestore(&uts_lock, irq);
	return n;
}

static long sys_arch_prctl(int code, uint64_t addr)
{
	struct task *t = current;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= USER_ADDR_END)
			return -EPERM;
		if (code == ARCH_SET_FS) {
			t->fs_base = addr;
			wrmsr(MSR_FS_BASE, addr);
		} else {
			/* The user GS base sits in KERNEL_GS_BASE while we
			 * are in the kernel (SWAPGS exchanges them). */
			t->gs_base = addr;
			wrmsr(MSR_KERNEL_GS_BASE, addr);
		}
		return 0;
	case ARCH_GET_FS:
		return put_user(t->fs_base, addr) ? -EFAULT : 0;
	case ARCH_GET_GS:
		return put_user(t->gs_base, addr) ? -EFAULT : 0;
	case ARCH_GET_CPUID:
		return 1; /* CPUID is not faulting */
	case ARCH_SET_CPUID:
		return addr ? 0 : -ENODEV;
	case ARCH_MAP_VDSO_64:
		return vdso_arch_map(t->mm, addr);
	}
	return -EINVAL;
}
SYSCALL_REGISTER(arch_prctl, sys_arch_prctl);

#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE 3
#define PR_SET_DUMPABLE 4
#define PR_GET_KEEPCAPS 7
#define PR_SET_KEEPCAPS 8
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define PR_CAPBSET_READ 23
#define PR_GET_SECUREBITS 27
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define CAP_LAST_CAP 40

static long sys_prctl(int option, uint64_t a2, uint64_t a3, uint64_t a4,
		      uint64_t a5)
{
	struct task *t = current;
	char name[16];

	(void)a4;
	(void)a5;
	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, a2, sizeof(name)) == -EFAULT)
			return -EFAULT;
		name[15] = '\0';
		strlcpy(t->comm, name, sizeof(t->comm));
		return 0;
	case PR_GET_NAME:
		memset(name, 0, sizeof(name));
		strlcpy(name, t->comm, sizeof(name));
		return copy_to_user(a2, name, sizeof(name)) ? -EFAULT : 0;
	case PR_GET_DUMPABLE:
		return 1;
	case PR_SET_DUMPABLE:
		return a2 <= 1 ? 0 : -EINVAL;
	case PR_GET_KEEPCAPS:
	case PR_GET_SECUREBITS:
	case PR_GET_NO_NEW_PRIVS:
	case PR_GET_PDEATHSIG:
		return option == PR_GET_PDEATHSIG ? put_user(0, a2) : 0;
	case PR_CAPBSET_READ:
		/* Root holds every capability in the bounding set. */
		return a2 <= CAP_LAST_CAP ? 1 : -EINVAL;
	case PR_CAP_AMBIENT:
		return a2 == PR_CAP_AMBIENT_IS_SET ? 0 : -EINVAL;
	}
	/* Everything else (pdeathsig, subreapers, no_new_privs, seccomp...)
	 * is not implemented yet. */
	(void)a3;
	return -EINVAL;
}
SYSCALL_REGISTER(prctl, sys_prctl);

static long sys_personality(uint64_t persona)
{
	/* Only PER_LINUX (0) exists here; 0xffffffff queries. */
	if (persona == 0xffffffff || persona == 0)
		return 0;
	return -EINVAL;
}
SYSCALL_REGISTER(personality, sys_personality);

static long sys_getrandom(uaddr_t ubuf, size_t len, unsigned flags)
{
	uint8_t chunk[256];
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
		return -EINVAL;
	/* Linux returns at most 32 MiB - 1 per call. */
	len = MIN(len, (size_t)0x1ffffff);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));

		random_get_bytes(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (done < len && signal_pending(current))
			break;
	}
	memset(chunk, 0, sizeof(chunk));
	return done;
}
SYSCALL_REGISTER(getrandom, sys_getrandom);

#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_MAGIC2A 85072278
#define LINUX_REBOOT_MAGIC2B 369367448
#define LINUX_REBOOT_MAGIC2C 537993216
#define LINUX_REBOOT_CMD_RESTART 0x01234567
#define LINUX_REBOOT_CMD_HALT 0xcdef0123
#define LINUX_REBOOT_CMD_CAD_ON 0x89abcdef
#define LINUX_REBOOT_CMD_CAD_OFF 0x00000000
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedc

bool reboot_cad_enabled = true;

/* reboot(2): the magic numbers, then what to do. The caller is expected
 * to have stopped services and synced; tmpfs has nothing to flush. */
static long sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd,
		       uaddr_t arg)
{
	(void)arg;
	if (!capable())
		return -EPERM;
	if (magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	/* As Linux's device_shutdown: the disks write their volatile caches
	 * out (what is still dirty in memory is the caller's to sync). */
	if (cmd == LINUX_REBOOT_CMD_RESTART || cmd == LINUX_REBOOT_CMD_HALT ||
	    cmd == LINUX_REBOOT_CMD_POWER_OFF)
		blk_flush_all();
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		reboot_cad_enabled = cmd == LINUX_REBOOT_CMD_CAD_ON;
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
		printk(KERN_NOTICE "reboot: Restarting system\n");
		power_reboot();
	case LINUX_REBOOT_CMD_HALT:
		printk(KERN_NOTICE "reboot: System halted\n");
		for (;;) {
			cli();
			hlt();
		}
	case LINUX_REBOOT_CMD_POWER_OFF:
		printk(KERN_NOTICE "reboot: Power down\n");
		power_off();
	}
	return -EINVAL;
}
SYSCALL_REGISTER(reboot, sys_reboot);

/* Ctrl+Alt+Del on the keyboard (Linux's ctrl_alt_del()): a hard reset
 * until init says otherwise with reboot(LINUX_REBOOT_CMD_CAD_OFF), then
 * SIGINT to init, which decides. Any context; tmpfs has nothing to sync. */
void ctrl_alt_del(void)
{
	struct process *init;
	bool irq;

	if (reboot_cad_enabled) {
		printk(KERN_NOTICE "reboot: Ctrl-Alt-Del, restarting\n");
		power_reboot();
	}
	irq = spin_lock_irqsave(&tasklist_lock);
	init = process_by_pid(1);
	if (init)
		signal_send_process(init, SIGINT, NULL);
	spin_unlock_irqrestore(&tasklist_lock, irq);
}
