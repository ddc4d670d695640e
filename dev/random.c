/* SPDX-License-Identifier: MIT */
/*
 * The kernel's random numbers: a ChaCha20 keystream whose key is seeded
 * from RDSEED/RDRAND when the CPU has them and from TSC jitter, and is
 * replaced after every request ("fast key erasure"), so earlier output
 * cannot be recovered. Serves getrandom(2), AT_RANDOM and /dev/[u]random.
 */
#include "dev/chacha20.h"
#include "dev/dev.h"
#include "vfs/vfs.h"

static struct {
	struct spinlock lock;
	uint32_t key[8];
	uint32_t nonce[3];
	bool seeded;
} rng = { .lock = SPINLOCK_INIT("random") };

static bool cpu_rdrand(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}

static bool has_rdrand(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return c & (1u << 30);
}

/* Mixes entropy into the key: the old key keys a block over the input. */
static void mix(const void *data, size_t n)
{
	uint8_t block[64];
	const uint8_t *p = data;

	for (size_t i = 0; i < n; i++)
		((uint8_t *)rng.key)[i % 32] ^= p[i];
	chacha20_block(rng.key, 0xffffffff, rng.nonce, block);
	memcpy(rng.key, block, 32);
	memset(block, 0, sizeof(block));
}

static void seed(void)
{
	uint64_t v[8];
	bool rdrand = has_rdrand();

	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 8; i++) {
			uint64_t r = 0;
			if (!rdrand || !cpu_rdrand(&r))
				r = 0;
			/* TSC jitter around port I/O adds what RDRAND
			 * cannot (and stands in where it is missing). */
			outb(0x80, 0);
			v[i] = r ^ rdtsc() * 0x9e3779b97f4a7c15ULL;
		}
		mix(v, sizeof(v));
	}
	rng.seeded = true;
}

int random_get_bytes(void *buf, size_t n)
{
	uint8_t block[64], *out = buf;
	uint32_t counter = 0;
	bool irq = spin_lock_irqsave(&rng.lock);

	if (!rng.seeded)
		seed();
	/* A fresh nonce per request; key erasure afterwards. */
	rng.nonce[0]++;
	rng.nonce[1] ^= (uint32_t)rdtsc();
	while (n > 0) {
		size_t k = MIN(n, sizeof(block));

		chacha20_block(rng.key, ++counter, rng.nonce, block);
		memcpy(out, block, k);
		out += k;
		n -= k;
	}
	chacha20_block(rng.key, 0, rng.nonce, block);
	memcpy(rng.key, block, 32);
	memset(block, 0, sizeof(block));
	spin_unlock_irqrestore(&rng.lock, irq);
	return 0;
}

static ssize_t random_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	uint8_t chunk[256];
	size_t done = 0;

	(void)f;
	(void)pos;
	while (done < b->len) {
		size_t k = MIN(b->len - done, sizeof(chunk));

		random_get_bytes(chunk, k);
		if (iobuf_put(b, done, chunk, k))
			return done ? (ssize_t)done : -EFAULT;
		done += k;
		if (signal_pending(current))
			break;
	}
	memset(chunk, 0, sizeof(chunk));
	return done;
}

/* Writes mix in what the user gives (as Linux's random_write). */
static ssize_t random_write(struct file *f, const struct iobuf *b,
			    uint64_t *pos)
{
	uint8_t chunk[64];
	size_t done = 0;

	(void)f;
	(void)pos;
	while (done < b->len) {
		size_t k = MIN(b->len - done, sizeof(chunk));
		bool irq;

		if (iobuf_get(b, done, chunk, k))
			return done ? (ssize_t)done : -EFAULT;
		irq = spin_lock_irqsave(&rng.lock);
		mix(chunk, k);
		spin_unlock_irqrestore(&rng.lock, irq);
		done += k;
	}
	return done;
}

static unsigned random_poll(struct file *f, struct poll_table *pt)
{
	(void)f;
	(void)pt;
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

static const struct file_ops random_ops = {
	.read = random_read,
	.write = random_write,
	.poll = random_poll,
};

void random_dev_init(void)
{
	if (chrdev_register(1, 8, 2, "random", &random_ops) ||
	    devtmpfs_create("random", S_IFCHR | 0666, MKDEV(1, 8)) ||
	    devtmpfs_create("urandom", S_IFCHR | 0666, MKDEV(1, 9)))
		pr_warn("dev: cannot create /dev/random\n");
}
