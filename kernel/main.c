/* SPDX-License-Identifier: MIT */
/* kernel_main: bring-up order from the stub's hand-off to the first task. */
#include "dev/dev.h"
#include "dev/pci.h"
#include "dev/tty.h"
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "vfs/vfs.h"

struct boot_info boot_info;
struct boot_mem_range boot_mmap[1024];
unsigned boot_mmap_count;

/*
 * Copies what the stub handed over into the kernel image, so the loader's
 * memory can be reused. The stub's direct map is live; nothing else is.
 */
static bool copy_boot_info(uint64_t bi_phys)
{
	const struct boot_info *bi = (const void *)(DIRECT_MAP_BASE + bi_phys);
	const struct boot_mem_range *map;
	size_t n;

	if (bi->magic != BOOT_INFO_MAGIC || bi->version != BOOT_INFO_VERSION)
		return false;
	memcpy(&boot_info, bi, MIN((size_t)bi->size, sizeof(boot_info)));
	boot_info.cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
	map = (const void *)(DIRECT_MAP_BASE + bi->mmap_phys);
	n = MIN((size_t)bi->mmap_count, ARRAY_SIZE(boot_mmap));
	memcpy(boot_mmap, map, n * sizeof(*map));
	boot_mmap_count = n;
	/* UEFI does not promise a sorted map; everything after wants one. */
	for (size_t i = 1; i < n; i++) {
		struct boot_mem_range r = boot_mmap[i];
		size_t j = i;

		for (; j > 0 && boot_mmap[j - 1].base > r.base; j--)
			boot_mmap[j] = boot_mmap[j - 1];
		boot_mmap[j] = r;
	}
	return true;
}

static void banner(void)
{
	printk(KERN_NOTICE "Strix x86_64, built " __DATE__ " " __TIME__ "\n");
	printk(KERN_NOTICE "Command line: %s\n", boot_info.cmdline);
	printk(KERN_NOTICE "Memory: %llu MiB usable\n",
	       (unsigned long long)(page_total_count() >> 8));
	printk(KERN_NOTICE "CPUs: %u (from the MADT), timer %u Hz, TSC %llu "
			   "MHz\n",
	       acpi.ncpus, HZ, (unsigned long long)(tsc_hz / 1000000));
	if (boot_info.fb.base)
		printk(KERN_NOTICE "Framebuffer: %ux%u, %u bytes per line\n",
		       boot_info.fb.width, boot_info.fb.height,
		       boot_info.fb.pitch);
	else
		printk(KERN_NOTICE "Framebuffer: none (serial console only)\n");
}

__noreturn void kernel_main(uint64_t bi_phys)
{
	bool ok;

	time_early_init();
	cpu_init_bsp();
	ok = copy_boot_info(bi_phys);
	serial_init();
	if (!ok)
		panic("boot_info from the stub has the wrong magic or version");

	pmm_init();
	paging_init();
	/* The screen as early as it can be: kmalloc works since pmm_init,
	 * ioremap and write-combining (PAT) need paging_init. */
	fbcon_init();
	pmm_reclaim_boot_memory();
	cpu_enable_features();
	fpu_init();
	sched_init();
	acpi_init();
	lapic_init();
	ioapic_init();
	timer_init();
	vdso_init();
	timer_add_tick_handler(time_tick);
	timer_add_tick_handler(sched_tick);
	timer_add_tick_handler(ktimer_tick);
	time_set_realtime_ns((uint64_t)rtc_read_unix_time() * NSEC_PER_SEC);
	sti();
	syscall_init();
	banner();
	pci_init(); /* needs the MCFG and ioremap; before self-tests */
	kbd_init(); /* needs interrupts for its IRQ; absence is fine */

	if (cmdline_get("crashtest")) {
		extern void crashtest_run(const char *kind);
		crashtest_run(cmdline_get("crashtest"));
	}
	if (cmdline_get("selftest")) {
		selftest_run_all(cmdline_get("selftest"));
		power_off(); /* the harness reads the results from the log */
	}
	vfs_init();
	dev_init();
	console_ttys_init();
	pty_init();
	proc_start_init();
	sched_start();
}
