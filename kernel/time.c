/* SPDX-License-Identifier: MIT */
/*
 * Time: the TSC as the clock (calibrated against the HPET, else the ACPI
 * PM timer, else the PIT), and the local APIC timer ticking at HZ.
 */
#include "kernel/acpi.h"
#include "kernel/cpu.h"
#include "mm/mm.h"

#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define DIV_BY_16 0x3
#define CALIBRATE_NS (20 * 1000 * 1000ULL)

volatile uint64_t jiffies;
uint64_t tsc_hz;
uint64_t lapic_timer_hz; /* after the divide-by-16 */
static uint64_t tsc_at_boot;
static uint64_t tsc_ns_mult; /* (NSEC_PER_SEC << 32) / tsc_hz */
static void (*tick_handlers[8])(struct trap_frame *tf);
static const char *ref_name = "none";

uint32_t lapic_read(unsigned reg);
void lapic_write(unsigned reg, uint32_t v);

void time_early_init(void)
{
	tsc_at_boot = rdtsc();
}

uint64_t time_ns(void)
{
	uint64_t d;

	if (!tsc_ns_mult)
		return 0;
	d = rdtsc() - tsc_at_boot;
	/* A 128-bit multiply by a 32.32 fixed-point ns-per-tick; no
	 * division on this path. */
	return (uint64_t)(((__uint128_t)d * tsc_ns_mult) >> 32);
}

void time_tsc_params(uint64_t *base, uint64_t *mult)
{
	*base = tsc_at_boot;
	*mult = tsc_ns_mult;
}

void time_delay_us(uint64_t us)
{
	uint64_t end;

	if (!tsc_hz) {
		/* Uncalibrated: port 0x80 writes take about a microsecond. */
		while (us--)
			outb(0x80, 0);
		return;
	}
	end = rdtsc() + us * tsc_hz / 1000000;
	while (rdtsc() < end)
		cpu_relax();
}

/* ---- reference clocks for calibration ---- */

static volatile uint64_t *hpet;
static uint64_t hpet_period_fs;
static uint32_t pm_last;
static uint64_t pm_ticks;

/* HPET spec 1.0a §2.3: capabilities at 0x0, config at 0x10, the main
 * counter at 0xf0; the period in femtoseconds is the top half of caps. */
static bool hpet_start(void)
{
	if (!acpi.hpet_phys)
		return false;
	hpet = ioremap(acpi.hpet_phys, PAGE_SIZE, PTE_CACHE_UC);
	if (!hpet)
		return false;
	hpet_period_fs = hpet[0] >> 32;
	if (!hpet_period_fs || hpet_period_fs > 100000000) /* > 100 ns */
		return false;
	hpet[0x10 / 8] |= 1; /* ENABLE_CNF */
	return true;
}

/* The ACPI PM timer runs at 3.579545 MHz, 24 or 32 bits (ACPI 6.5
 * §4.8.3.3); deltas are accumulated across wrap-arounds. */
static uint64_t pm_now_ns(void)
{
	uint32_t v = inl(acpi.pm_timer_port);
	uint32_t mask = acpi.pm_timer_32bit ? 0xffffffff : 0xffffff;

	pm_ticks += (v - pm_last) & mask;
	pm_last = v;
	return pm_ticks * 1000000000ULL / 3579545;
}

static uint64_t ref_now_ns(void)
{
	if (hpet) {
		uint64_t c = hpet[0xf0 / 8];
		/* fs to ns without a 128-bit division */
		return c / 1000000 * hpet_period_fs +
		       c % 1000000 * hpet_period_fs / 1000000;
	}
	return pm_now_ns();
}

/* PIT channel 2 as a last resort: one 20 ms one-shot (i8254 mode 0). */
static void calibrate_with_pit(void)
{
	uint16_t count = 1193182 / 50;
	uint64_t t0;
	uint32_t l0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);			/* ch2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = rdtsc();
	l0 = lapic_read(LAPIC_TIMER_CUR);
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	tsc_hz = (rdtsc() - t0) * 50;
	lapic_timer_hz = (uint64_t)(l0 - lapic_read(LAPIC_TIMER_CUR)) * 50;
	ref_name = "PIT";
}

static void calibrate(void)
{
	uint64_t r0, r1, t0, t1;
	uint32_t l0, l1;
	bool have_ref = hpet_start();

	if (have_ref)
		ref_name = "HPET";
	else if (acpi.pm_timer_port) {
		ref_name = "ACPI PM timer";
		have_ref = true;
		pm_last = inl(acpi.pm_timer_port);
	}
	lapic_write(LAPIC_TIMER_DIV, DIV_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	if (!have_ref) {
		calibrate_with_pit();
		return;
	}
	r0 = ref_now_ns();
	t0 = rdtsc();
	l0 = lapic_read(LAPIC_TIMER_CUR);
	do {
		r1 = ref_now_ns();
	} while (r1 - r0 < CALIBRATE_NS);
	t1 = rdtsc();
	l1 = lapic_read(LAPIC_TIMER_CUR);
	/* 20 ms of even a 10 GHz TSC times 1e9 fits in 64 bits. */
	tsc_hz = (t1 - t0) * NSEC_PER_SEC / (r1 - r0);
	lapic_timer_hz = (uint64_t)l0 - l1;
	lapic_timer_hz = lapic_timer_hz * NSEC_PER_SEC / (r1 - r0);
}

static void timer_interrupt(struct trap_frame *tf, void *arg)
{
	(void)arg;
	jiffies++;
	for (size_t i = 0; i < ARRAY_SIZE(tick_handlers); i++)
		if (tick_handlers[i])
			tick_handlers[i](tf);
}

void timer_add_tick_handler(void (*fn)(struct trap_frame *tf))
{
	for (size_t i = 0; i < ARRAY_SIZE(tick_handlers); i++) {
		if (!tick_handlers[i]) {
			tick_handlers[i] = fn;
			return;
		}
	}
	panic("too many tick handlers");
}

void timer_init(void)
{
	uint32_t a, b, c, d;

	calibrate();
	if (!tsc_hz || !lapic_timer_hz)
		panic("timer calibration failed (%s)", ref_name);
	tsc_ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
	cpuid(0x80000007, 0, &a, &b, &c, &d);
	if (!(d & (1u << 8)))
		pr_info("time: the TSC is not invariant; it is still the "
			"clock\n");
	irq_set_vector_handler(VECTOR_LAPIC_TIMER, timer_interrupt, NULL);
	lapic_write(LAPIC_TIMER_DIV, DIV_BY_16);
	lapic_write(LAPIC_LVT_TIMER, VECTOR_LAPIC_TIMER | LVT_PERIODIC);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_timer_hz / HZ));
	pr_info("time: TSC %llu.%03llu MHz, LAPIC timer %llu.%03llu MHz, "
		"tick %u Hz, calibrated against the %s\n",
		(unsigned long long)(tsc_hz / 1000000),
		(unsigned long long)(tsc_hz / 1000 % 1000),
		(unsigned long long)(lapic_timer_hz * 16 / 1000000),
		(unsigned long long)(lapic_timer_hz * 16 / 1000 % 1000), HZ,
		ref_name);
}
