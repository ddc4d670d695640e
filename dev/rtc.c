/* SPDX-License-Identifier: MIT */
/* The CMOS real-time clock (MC146818A), read once at boot for the wall
 * clock: BCD or binary, 12- or 24-hour, per status register B. */
#include "dev/dev.h"
#include "kernel/acpi.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

struct rtc_time {
	unsigned sec, min, hour, day, mon, year, century;
};

static void read_raw(struct rtc_time *t)
{
	/* Wait out an update in progress (status A bit 7). */
	for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
		;
	t->sec = cmos(0x00);
	t->min = cmos(0x02);
	t->hour = cmos(0x04);
	t->day = cmos(0x07);
	t->mon = cmos(0x08);
	t->year = cmos(0x09);
	t->century = acpi.century_reg ? cmos(acpi.century_reg) : 0;
}

static unsigned bcd(unsigned v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

/* Days since 1970-01-01 (the civil-from-days inverse, proleptic
 * Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int64_t rtc_read_unix_time(void)
{
	struct rtc_time a, b;
	uint8_t status_b;
	bool pm;
	int64_t year;

	/* Read until two reads agree, so no update tore the values. */
	do {
		read_raw(&a);
		read_raw(&b);
	} while (memcmp(&a, &b, sizeof(a)));
	status_b = cmos(0x0b);
	pm = a.hour & 0x80;
	a.hour &= 0x7f;
	if (!(status_b & 0x04)) { /* BCD */
		a.sec = bcd(a.sec);
		a.min = bcd(a.min);
		a.hour = bcd(a.hour);
		a.day = bcd(a.day);
		a.mon = bcd(a.mon);
		a.year = bcd(a.year);
		a.century = bcd(a.century);
	}
	if (!(status_b & 0x02)) { /* 12-hour clock */
		a.hour %= 12;
		if (pm)
			a.hour += 12;
	}
	year = a.century ? a.century * 100 + a.year : 2000 + a.year;
	if (a.mon < 1 || a.mon > 12 || a.day < 1 || a.day > 31)
		return 0;
	return days_from_civil(year, a.mon, a.day) * 86400 + a.hour * 3600 +
	       a.min * 60 + a.sec;
}
