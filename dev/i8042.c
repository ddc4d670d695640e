/* SPDX-License-Identifier: MIT */
/*
 * The i8042 keyboard controller and the PS/2 keyboard behind it: polled
 * set-up, then IRQ 1 decodes scancodes (dev/keymap.c) into a byte ring
 * and hands bytes and actions to the receiver.
 *
 * References: IBM Personal System/2 Hardware Interface Technical
 * Reference, "Keyboard/Auxiliary Device Controller" (the 0x60/0x64
 * ports, status bits, controller commands 0x20/0x60/0xA7/0xAA/0xAB/0xAD/
 * 0xAE) and "Keyboard" (commands 0xED set LEDs, 0xF4 enable, 0xFF reset;
 * replies 0xFA ACK, 0xFE resend, 0xAA self-test passed).
 */
#include "dev/dev.h"
#include "dev/i8042.h"
#include "dev/keymap.h"
#include "kernel/acpi.h"

#define I8042_DATA 0x60
#define I8042_STATUS 0x64 /* read */
#define I8042_CMD 0x64	  /* write */

#define STS_OBF 0x01 /* output buffer full: a byte for us at 0x60 */
#define STS_IBF 0x02 /* input buffer full: the controller is busy */
#define STS_AUX 0x20 /* the byte came from the auxiliary (mouse) port */

#define CTL_READ_CONFIG 0x20
#define CTL_WRITE_CONFIG 0x60
#define CTL_DISABLE_AUX 0xa7
#define CTL_SELFTEST 0xaa
#define CTL_TEST_KBD 0xab
#define CTL_DISABLE_KBD 0xad
#define CTL_ENABLE_KBD 0xae

#define CFG_KBD_INT 0x01
#define CFG_AUX_INT 0x02
#define CFG_KBD_CLOCK_OFF 0x10
#define CFG_TRANSLATE 0x40 /* set 2 from the keyboard becomes set 1 */

#define KBD_SET_LEDS 0xed
#define KBD_ENABLE 0xf4
#define KBD_RESET 0xff
#define KBD_ACK 0xfa
#define KBD_RESEND 0xfe
#define KBD_BAT_OK 0xaa
#define SELFTEST_OK 0x55

#define FADT_8042 0x02 /* IAPC_BOOT_ARCH (ACPI 6.5 §5.2.9.3) */

#define RING_SIZE 1024 /* a power of two */
#define MAX_BATCH 16   /* bytes taken per interrupt */

static struct spinlock kbd_lock = SPINLOCK_INIT("kbd");
/* Everything below is under kbd_lock. */
static struct keymap keymap;
static char ring[RING_SIZE];
static unsigned ring_head, ring_tail; /* free-running */
static struct kbd_receiver receiver;
static bool have_receiver;

/* LED updates after init: 0xED, ACK, value, ACK, driven by IRQ 1. */
enum led_state { LED_IDLE, LED_WAIT_CMD_ACK, LED_WAIT_VALUE_ACK };
static struct {
	enum led_state state;
	uint8_t shown;	 /* what the keyboard shows */
	uint8_t pending; /* the value being sent */
	uint8_t last;	 /* the byte last written, for RESEND */
	int resends;
	int attempts; /* 0xED commands sent for this value */
	uint64_t since;
} led;

/* A keyboard that keeps ACKing 0xED but never takes the value must not
 * turn into an endless command/ACK interrupt loop. */
#define LED_MAX_ATTEMPTS 3

static bool present;
static int selftest_reply = -1;

/* ---- polled controller access, for set-up only ---- */

static bool wait_status(uint8_t mask, bool set, unsigned ms)
{
	uint64_t end = time_ns() + (uint64_t)ms * 1000000;

	while (!!(inb(I8042_STATUS) & mask) != set) {
		if (time_ns() > end)
			return false;
		time_delay_us(10);
	}
	return true;
}

static int ctl_write(uint16_t port, uint8_t v)
{
	if (!wait_status(STS_IBF, false, 20))
		return -ETIMEDOUT;
	outb(port, v);
	return 0;
}

/* The next byte from the controller within ms, or -ETIMEDOUT. */
static int ctl_read(unsigned ms)
{
	if (!wait_status(STS_OBF, true, ms))
		return -ETIMEDOUT;
	return inb(I8042_DATA);
}

static void ctl_flush(void)
{
	for (int i = 0; i < 64 && (inb(I8042_STATUS) & STS_OBF); i++) {
		(void)inb(I8042_DATA);
		time_delay_us(50);
	}
}

/* A controller command with a one-byte reply: the reply or -errno. */
static int ctl_query(uint8_t cmd)
{
	int err = ctl_write(I8042_CMD, cmd);

	return err ? err : ctl_read(100);
}

static int ctl_set_config(uint8_t cfg)
{
	int err = ctl_write(I8042_CMD, CTL_WRITE_CONFIG);

	return err ? err : ctl_write(I8042_DATA, cfg);
}

/* A keyboard command byte, retried on RESEND: 0 once ACKed. */
static int kbd_command(uint8_t b)
{
	for (int tries = 0; tries < 3; tries++) {
		int r, err = ctl_write(I8042_DATA, b);

		if (err)
			return err;
		r = ctl_read(100);
		if (r == KBD_ACK)
			return 0;
		if (r != KBD_RESEND)
			return r < 0 ? r : -EIO;
	}
	return -EIO;
}

/*
 * Disables both ports, flushes, turns interrupts off and translation on,
 * runs the controller self-test and the keyboard port test, and enables
 * the keyboard port. *cfg gets the configuration byte to finish with.
 */
static int controller_init(uint8_t *cfg)
{
	int r;

	if (ctl_write(I8042_CMD, CTL_DISABLE_KBD) ||
	    ctl_write(I8042_CMD, CTL_DISABLE_AUX))
		return -ENODEV;
	ctl_flush();
	r = ctl_query(CTL_READ_CONFIG);
	if (r < 0)
		return -ENODEV;
	*cfg = (uint8_t)((r & ~(CFG_KBD_INT | CFG_AUX_INT)) | CFG_TRANSLATE);
	if (ctl_set_config(*cfg))
		return -ENODEV;
	selftest_reply = ctl_query(CTL_SELFTEST);
	if (selftest_reply != SELFTEST_OK) {
		pr_warn("kbd: i8042 self-test answered %d\n", selftest_reply);
		return -ENODEV;
	}
	/* The self-test may reset the controller: write the byte again. */
	if (ctl_set_config(*cfg))
		return -ENODEV;
	r = ctl_query(CTL_TEST_KBD);
	if (r != 0) {
		pr_warn("kbd: keyboard port test answered %d\n", r);
		return -ENODEV;
	}
	return ctl_write(I8042_CMD, CTL_ENABLE_KBD) ? -ENODEV : 0;
}

/* Resets the keyboard (waiting for its power-on self-test), enables
 * scanning and sets the LEDs, all polled. */
static int keyboard_init(void)
{
	int r = kbd_command(KBD_RESET);

	if (r)
		return r;
	r = ctl_read(1000);
	if (r != KBD_BAT_OK) {
		pr_warn("kbd: keyboard reset answered %d\n", r);
		return -EIO;
	}
	r = kbd_command(KBD_ENABLE);
	if (!r)
		r = kbd_command(KBD_SET_LEDS);
	if (!r)
		r = kbd_command(keymap.leds);
	led.shown = keymap.leds;
	return r;
}

/* ---- the LED state machine, under kbd_lock in the interrupt ---- */

/* Writes a byte to the keyboard if the controller takes it now. */
static bool send_nowait(uint8_t b)
{
	for (int i = 0; i < 100; i++) {
		if (!(inb(I8042_STATUS) & STS_IBF)) {
			outb(I8042_DATA, b);
			led.last = b;
			return true;
		}
	}
	return false;
}

/* Consumes b if it answers an LED command in flight. */
static bool led_reply(uint8_t b)
{
	if (led.state == LED_IDLE || (b != KBD_ACK && b != KBD_RESEND))
		return false;
	if (b == KBD_RESEND) {
		if (++led.resends > 3 || !send_nowait(led.last))
			led.state = LED_IDLE;
		return true;
	}
	led.resends = 0;
	if (led.state == LED_WAIT_CMD_ACK && send_nowait(led.pending)) {
		led.state = LED_WAIT_VALUE_ACK;
	} else {
		if (led.state == LED_WAIT_VALUE_ACK) {
			led.shown = led.pending;
			led.attempts = 0;
		}
		led.state = LED_IDLE;
	}
	return true;
}

/* Starts an update if the locks changed and nothing is in flight; gives
 * up on a keyboard that stopped answering. */
static void led_update(void)
{
	if (led.state != LED_IDLE && time_ns() - led.since > 500000000ULL)
		led.state = LED_IDLE;
	if (!present || led.state != LED_IDLE || keymap.leds == led.shown)
		return;
	if (keymap.leds != led.pending)
		led.attempts = 0;
	else if (led.attempts >= LED_MAX_ATTEMPTS)
		return; /* gave up on this value; a new one tries again */
	led.pending = keymap.leds;
	led.resends = 0;
	led.attempts++;
	if (send_nowait(KBD_SET_LEDS)) {
		led.state = LED_WAIT_CMD_ACK;
		led.since = time_ns();
	}
}

/* ---- the byte ring ---- */

static void ring_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ring_head - ring_tail == RING_SIZE)
			ring_tail++; /* full: the oldest byte goes */
		ring[ring_head++ % RING_SIZE] = s[i];
	}
}

static size_t ring_get(char *buf, size_t n)
{
	size_t got = 0;

	while (got < n && ring_tail != ring_head)
		buf[got++] = ring[ring_tail++ % RING_SIZE];
	return got;
}

/* ---- delivery, outside the lock ---- */

static const char *const action_names[] = {
	[KBD_NONE] = "none",
	[KBD_CONSOLE] = "console",
	[KBD_CONSOLE_PREV] = "console-prev",
	[KBD_CONSOLE_NEXT] = "console-next",
	[KBD_SCROLL_BACK] = "scroll-back",
	[KBD_SCROLL_FORWARD] = "scroll-forward",
	[KBD_HOLD] = "hold",
	[KBD_BREAK] = "break",
	[KBD_REBOOT] = "reboot",
};

/* "kbd: ^[[A": what was typed, control bytes in caret notation. */
static void log_bytes(const char *s, size_t n)
{
	char line[8 * 4 + 1];
	size_t len = 0;

	for (size_t i = 0; i < n && len + 4 < sizeof(line); i++) {
		uint8_t c = (uint8_t)s[i];

		if (c < 0x20 || c == 0x7f) {
			line[len++] = '^';
			line[len++] = (char)(c ^ 0x40);
		} else if (c >= 0x80) {
			len += (size_t)ksnprintf(line + len, 5, "\\x%02x", c);
		} else {
			line[len++] = (char)c;
		}
	}
	line[len] = 0;
	printk(KERN_INFO "kbd: %s\n", line);
}

static void log_event(const struct keymap_event *ev)
{
	if (ev->len)
		log_bytes(ev->buf, ev->len);
	if (ev->action == KBD_CONSOLE)
		printk(KERN_INFO "kbd: <console %u>\n", ev->arg);
	else if (ev->action != KBD_NONE)
		printk(KERN_INFO "kbd: <%s>\n", action_names[ev->action]);
	if (ev->action == KBD_REBOOT) {
		printk(KERN_NOTICE "kbd: Ctrl+Alt+Del: rebooting\n");
		power_reboot();
	}
}

static void deliver(const struct keymap_event *evs, size_t nev)
{
	struct kbd_receiver r;
	char buf[MAX_BATCH * sizeof(evs->buf)];
	size_t n;
	bool on, have;

	on = spin_lock_irqsave(&kbd_lock);
	r = receiver;
	have = have_receiver;
	n = have ? ring_get(buf, sizeof(buf)) : 0;
	spin_unlock_irqrestore(&kbd_lock, on);
	if (!have) {
		for (size_t i = 0; i < nev; i++)
			log_event(&evs[i]);
		return;
	}
	if (n && r.input)
		r.input(r.arg, buf, n);
	for (size_t i = 0; i < nev; i++)
		if (evs[i].action != KBD_NONE && r.action)
			r.action(r.arg, evs[i].action, evs[i].arg);
}

/* Decodes up to MAX_BATCH bytes from the keyboard, then delivers. */
static void process(const uint8_t *bytes, size_t n)
{
	struct keymap_event evs[MAX_BATCH];
	size_t nev = 0;
	bool on;

	on = spin_lock_irqsave(&kbd_lock);
	for (size_t i = 0; i < n && nev < MAX_BATCH; i++) {
		if (led_reply(bytes[i]))
			continue;
		if (keymap_scancode(&keymap, bytes[i], &evs[nev])) {
			ring_put(evs[nev].buf, evs[nev].len);
			nev++;
		}
	}
	led_update();
	spin_unlock_irqrestore(&kbd_lock, on);
	if (nev)
		deliver(evs, nev);
}

static void kbd_irq(struct trap_frame *tf, void *arg)
{
	uint8_t bytes[MAX_BATCH];
	size_t n = 0;
	uint8_t st;

	(void)tf;
	(void)arg;
	while (n < MAX_BATCH && ((st = inb(I8042_STATUS)) & STS_OBF)) {
		uint8_t b = inb(I8042_DATA);

		if (!(st & STS_AUX)) /* the mouse port stays disabled */
			bytes[n++] = b;
	}
	process(bytes, n);
}

/* ---- the interface ---- */

void kbd_inject(const uint8_t *sc, size_t n)
{
	while (n) {
		size_t k = n < MAX_BATCH ? n : MAX_BATCH;

		process(sc, k);
		sc += k;
		n -= k;
	}
}

void kbd_set_receiver(const struct kbd_receiver *r)
{
	bool on = spin_lock_irqsave(&kbd_lock);

	have_receiver = r != NULL;
	if (r)
		receiver = *r;
	spin_unlock_irqrestore(&kbd_lock, on);
	if (r)
		deliver(NULL, 0);
}

size_t kbd_read(char *buf, size_t n)
{
	bool on = spin_lock_irqsave(&kbd_lock);
	size_t got = ring_get(buf, n);

	spin_unlock_irqrestore(&kbd_lock, on);
	return got;
}

void kbd_set_modes(bool app_cursor, bool app_keypad)
{
	bool on = spin_lock_irqsave(&kbd_lock);

	keymap.app_cursor = app_cursor;
	keymap.app_keypad = app_keypad;
	spin_unlock_irqrestore(&kbd_lock, on);
}

uint8_t kbd_leds_shown(bool *busy)
{
	bool on = spin_lock_irqsave(&kbd_lock);
	uint8_t shown = led.shown;

	*busy = led.state != LED_IDLE || keymap.leds != led.shown;
	spin_unlock_irqrestore(&kbd_lock, on);
	return shown;
}

int i8042_selftest_reply(void)
{
	return selftest_reply;
}

bool kbd_present(void)
{
	return present;
}

/*
 * Firmware that knows says whether there is an 8042. ACPI 1.0 FADTs
 * have a reserved zero where IAPC_BOOT_ARCH is now, so a zero field
 * proves nothing and the status port probe decides.
 */
static bool firmware_denies_8042(void)
{
	return acpi.present && acpi.boot_arch && !(acpi.boot_arch & FADT_8042);
}

int kbd_init(void)
{
	uint8_t cfg;
	int err;

	keymap_init(&keymap);
	if (firmware_denies_8042() || inb(I8042_STATUS) == 0xff) {
		pr_info("kbd: no i8042 controller\n");
		return -ENODEV;
	}
	err = controller_init(&cfg);
	if (!err)
		err = keyboard_init();
	if (err) {
		pr_info("kbd: no keyboard (%d)\n", err);
		return -ENODEV;
	}
	err = irq_request_isa(1, kbd_irq, NULL);
	if (err) {
		pr_warn("kbd: cannot route IRQ 1 (%d)\n", err);
		return -ENODEV;
	}
	present = true;
	cfg = (uint8_t)((cfg | CFG_KBD_INT) & ~CFG_KBD_CLOCK_OFF);
	if (ctl_set_config(cfg)) {
		pr_warn("kbd: cannot enable the keyboard interrupt\n");
		return -ENODEV;
	}
	pr_info("kbd: i8042 self-test %#x, PS/2 keyboard on IRQ 1\n",
		selftest_reply);
	return 0;
}
