/* SPDX-License-Identifier: MIT */
/* System-wide /proc entries: memory, CPUs, load, uptime, the kernel's
 * version and command line, and /proc/sys. */
#include "dev/dev.h"
#include "dev/blk.h"
#include "vfs/procfs.h"

size_t fs_types_show(char *buf, size_t size);
size_t chrdevs_show(char *buf, size_t size);
size_t uts_hostname(char *buf, size_t size);
extern unsigned cpu_count;

static int link_self(const struct proc_ctx *c, char *buf, size_t size)
{
	(void)c;
	return ksnprintf(buf, size, "%d", current->proc->pid);
}

static int link_thread_self(const struct proc_ctx *c, char *buf, size_t size)
{
	(void)c;
	return ksnprintf(buf, size, "%d/task/%d", current->proc->pid,
			 current->tid);
}

static int link_mounts(const struct proc_ctx *c, char *buf, size_t size)
{
	(void)c;
	return ksnprintf(buf, size, "self/mounts");
}

static int show_cmdline(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "%s\n", boot_info.cmdline);
	return 0;
}

static int show_version(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "Linux version 6.1.0-strix (strix@strix) (gcc) #1 SMP "
		       "PREEMPT_DYNAMIC Strix\n");
	return 0;
}

static int show_uptime(const struct proc_ctx *c, struct proc_buf *b)
{
	uint64_t up = time_ns(), idle = cpu_idle_ns;

	(void)c;
	proc_printf(b, "%llu.%02llu %llu.%02llu\n",
		    (unsigned long long)(up / NSEC_PER_SEC),
		    (unsigned long long)(up % NSEC_PER_SEC / 10000000),
		    (unsigned long long)(idle / NSEC_PER_SEC),
		    (unsigned long long)(idle % NSEC_PER_SEC / 10000000));
	return 0;
}

struct count {
	unsigned tasks;
	int last;
};

static void count_task(struct task *t, void *ctx)
{
	struct count *c = ctx;

	c->tasks++;
	if (t->tid > c->last)
		c->last = t->tid;
}

static int show_loadavg(const struct proc_ctx *c, struct proc_buf *b)
{
	struct count n = { 0, 0 };
	uint64_t l[3];
	bool irq = spin_lock_irqsave(&tasklist_lock);

	(void)c;
	for_each_task(count_task, &n);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	sched_loadavg(l);
	for (int i = 0; i < 3; i++)
		proc_printf(b, "%llu.%02llu ", (unsigned long long)(l[i] >> 11),
			    (unsigned long long)((l[i] & 2047) * 100 / 2048));
	proc_printf(b, "%u/%u %d\n", sched_nr_running(), n.tasks, n.last);
	return 0;
}

static int show_meminfo(const struct proc_ctx *c, struct proc_buf *b)
{
	unsigned long long total = page_total_count() * 4,
			   free = page_free_count() * 4;

	(void)c;
	proc_printf(b,
		    "MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
		    "MemAvailable:   %8llu kB\nBuffers:               0 kB\n"
		    "Cached:                0 kB\nSwapCached:            0 kB\n"
		    "SwapTotal:             0 kB\nSwapFree:              0 kB\n"
		    "Shmem:                 0 kB\n",
		    total, free, free);
	return 0;
}

static int show_stat(const struct proc_ctx *c, struct proc_buf *b)
{
	uint64_t up = time_ns(), idle = cpu_idle_ns;
	unsigned long long busy = (up > idle ? up - idle : 0) /
				  (NSEC_PER_SEC / 100),
			   idl = idle / (NSEC_PER_SEC / 100);
	struct count n = { 0, 0 };
	bool irq = spin_lock_irqsave(&tasklist_lock);

	(void)c;
	for_each_task(count_task, &n);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	/* Busy time is not split into user and system per CPU yet. */
	proc_printf(b, "cpu  %llu 0 0 %llu 0 0 0 0 0 0\n", busy, idl);
	proc_printf(b, "cpu0 %llu 0 0 %llu 0 0 0 0 0 0\n", busy, idl);
	proc_printf(
		b,
		"intr 0\nctxt 0\nbtime %llu\nprocesses %d\n"
		"procs_running %u\nprocs_blocked 0\n",
		(unsigned long long)((time_realtime_ns() - up) / NSEC_PER_SEC),
		n.last, sched_nr_running());
	return 0;
}

static void cpu_brand(char brand[49])
{
	uint32_t *w = (uint32_t *)brand;

	for (uint32_t i = 0; i < 3; i++)
		cpuid(0x80000002 + i, 0, &w[4 * i], &w[4 * i + 1],
		      &w[4 * i + 2], &w[4 * i + 3]);
	brand[48] = '\0';
}

static int show_cpuinfo(const struct proc_ctx *c, struct proc_buf *b)
{
	static const char *const edx_flags[32] = {
		"fpu", "vme",  "de",   "pse",	"tsc", "msr",	  "pae",
		"mce", "cx8",  "apic", NULL,	"sep", "mtrr",	  "pge",
		"mca", "cmov", "pat",  "pse36", NULL,  "clflush", NULL,
		NULL,  NULL,   "mmx",  "fxsr",	"sse", "sse2",	  "ss",
		"ht",  NULL,   NULL,   NULL,
	};
	static const char *const ecx_flags[32] = {
		"pni",	  "pclmulqdq",	NULL,	  NULL,	    NULL,    NULL,
		NULL,	  NULL,		NULL,	  "ssse3",  NULL,    NULL,
		"fma",	  "cx16",	NULL,	  NULL,	    NULL,    "pcid",
		NULL,	  "sse4_1",	"sse4_2", "x2apic", "movbe", "popcnt",
		NULL,	  "aes",	"xsave",  NULL,	    "avx",   "f16c",
		"rdrand", "hypervisor",
	};
	uint32_t a, bx, cx, d, vendor[4] = { 0 };
	char brand[49];

	(void)c;
	cpuid(0, 0, &a, &vendor[0], &vendor[2], &vendor[1]);
	cpu_brand(brand);
	cpuid(1, 0, &a, &bx, &cx, &d);
	proc_printf(b,
		    "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\n"
		    "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n"
		    "cpu MHz\t\t: %llu.%03llu\ncache size\t: 512 KB\n"
		    "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n"
		    "cpu cores\t: 1\napicid\t\t: 0\nfpu\t\t: yes\n"
		    "fpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n"
		    "flags\t\t:",
		    (char *)vendor, (a >> 8) & 0xf, (a >> 4) & 0xf, brand,
		    a & 0xf, (unsigned long long)(tsc_hz / 1000000),
		    (unsigned long long)(tsc_hz / 1000 % 1000), a);
	for (int i = 0; i < 32; i++)
		if ((d & (1u << i)) && edx_flags[i])
			proc_printf(b, " %s", edx_flags[i]);
	for (int i = 0; i < 32; i++)
		if ((cx & (1u << i)) && ecx_flags[i])
			proc_printf(b, " %s", ecx_flags[i]);
	proc_printf(b,
		    " syscall nx lm\nbogomips\t: %llu.00\n"
		    "clflush size\t: 64\naddress sizes\t: 48 bits physical, "
		    "48 bits virtual\n\n",
		    (unsigned long long)(tsc_hz / 500000));
	return 0;
}

static int show_text(struct proc_buf *b, size_t (*fn)(char *, size_t))
{
	b->len += fn(b->buf + b->len, b->size - b->len);
	return 0;
}

static int show_filesystems(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	return show_text(b, fs_types_show);
}

static int show_devices(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	show_text(b, chrdevs_show);
	proc_printf(b, "\nBlock devices:\n%3u sd\n", SCSI_DISK_MAJOR);
	return 0;
}

static int show_partitions(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	return show_text(b, blk_partitions_show);
}

static int show_empty_swaps(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	return 0;
}

static int show_cgroups(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "#subsys_name\thierarchy\tnum_cgroups\tenabled\n");
	return 0;
}

/* ---- /proc/sys ---- */

static int show_hostname(const struct proc_ctx *c, struct proc_buf *b)
{
	char name[65];

	(void)c;
	uts_hostname(name, sizeof(name));
	proc_printf(b, "%s\n", name);
	return 0;
}

static int store_hostname(const struct proc_ctx *c, const char *d, size_t n)
{
	(void)c;
	if (n && d[n - 1] == '\n')
		n--;
	return (int)sys_sethostname_kernel(d, n);
}

static int show_osrelease(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "6.1.0-strix\n");
	return 0;
}

static int show_ostype(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "Linux\n");
	return 0;
}

static int show_pid_max(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "%d\n", PID_MAX);
	return 0;
}

static int show_cap_last(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "40\n");
	return 0;
}

static int show_uuid(const struct proc_ctx *c, struct proc_buf *b)
{
	uint8_t r[16];

	(void)c;
	random_get_bytes(r, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40; /* version 4 */
	r[8] = (r[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	proc_printf(b,
		    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		    "%02x%02x%02x%02x%02x%02x\n",
		    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
		    r[10], r[11], r[12], r[13], r[14], r[15]);
	return 0;
}

static int show_pipe_max(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "1048576\n");
	return 0;
}

static int show_file_max(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	proc_printf(b, "9223372036854775807\n");
	return 0;
}

static const struct proc_entry random_entries[] = {
	PROC_FILE("boot_id", 0444, show_uuid),
	PROC_FILE("uuid", 0444, show_uuid),
	PROC_END,
};

static const struct proc_entry kernel_entries[] = {
	PROC_FILE("cap_last_cap", 0444, show_cap_last),
	PROC_FILE_RW("hostname", 0644, show_hostname, store_hostname),
	PROC_FILE("osrelease", 0444, show_osrelease),
	PROC_FILE("ostype", 0444, show_ostype),
	PROC_FILE_RW("pid_max", 0644, show_pid_max, proc_store_ignore),
	PROC_FILE_RW("printk", 0644, proc_show_zero, proc_store_ignore),
	PROC_DIR("random", random_entries),
	PROC_END,
};

static const struct proc_entry fs_entries[] = {
	PROC_FILE_RW("file-max", 0644, show_file_max, proc_store_ignore),
	PROC_FILE_RW("pipe-max-size", 0644, show_pipe_max, proc_store_ignore),
	PROC_END,
};

static const struct proc_entry vm_entries[] = {
	PROC_FILE_RW("overcommit_memory", 0644, proc_show_zero,
		     proc_store_ignore),
	PROC_END,
};

static const struct proc_entry sys_entries[] = {
	PROC_DIR("fs", fs_entries),
	PROC_DIR("kernel", kernel_entries),
	PROC_DIR("vm", vm_entries),
	PROC_END,
};

static const struct proc_entry net_entries[] = {
	PROC_FILE("unix", 0444, unix_proc_show),
	PROC_END,
};

const struct proc_entry proc_root_entries[] = {
	PROC_FILE("cgroups", 0444, show_cgroups),
	PROC_FILE("cmdline", 0444, show_cmdline),
	PROC_FILE("cpuinfo", 0444, show_cpuinfo),
	PROC_FILE("devices", 0444, show_devices),
	PROC_FILE("filesystems", 0444, show_filesystems),
	PROC_FILE("loadavg", 0444, show_loadavg),
	PROC_FILE("meminfo", 0444, show_meminfo),
	PROC_FILE("partitions", 0444, show_partitions),
	PROC_LINK("mounts", link_mounts),
	PROC_DIR("net", net_entries),
	PROC_LINK("self", link_self),
	PROC_FILE("stat", 0444, show_stat),
	PROC_FILE("swaps", 0444, show_empty_swaps),
	PROC_DIR("sys", sys_entries),
	PROC_LINK("thread-self", link_thread_self),
	PROC_FILE("uptime", 0444, show_uptime),
	PROC_FILE("version", 0444, show_version),
	PROC_END,
};
