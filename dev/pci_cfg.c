/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space access: PCIe ECAM (PCI Express Base 3.0 §7.2.2)
 * for the buses the MCFG covers, mapped uncached one bus (1 MiB) at a
 * time on first use, and configuration mechanism #1 (PCI 3.0 §3.2.2.3.2,
 * ports 0xCF8/0xCFC) for everything else.
 */
#include "dev/pci_cfg.h"
#include "kernel/acpi.h"
#include "kernel/kernel.h"
#include "mm/mm.h"

#define ECAM_BUS_SIZE (1u << 20)
#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA 0xcfc
#define CONFIG_ENABLE 0x80000000u

static volatile uint8_t *ecam_bus[256];
/* Mechanism #1 is two accesses to shared ports: they must not interleave. */
static struct spinlock port_lock = SPINLOCK_INIT("pci_port");
static struct spinlock map_lock = SPINLOCK_INIT("pci_ecam");
static bool ecam_disabled;

bool pci_cfg_has_ecam(uint8_t bus)
{
	return acpi.mcfg_base && !ecam_disabled && bus >= acpi.mcfg_bus_start &&
	       bus <= acpi.mcfg_bus_end;
}

void pci_cfg_disable_ecam(void)
{
	ecam_disabled = true;
}

/*
 * The bus's ECAM window, mapped on first use, or NULL. The MCFG base
 * address is that of bus 0 even when the range starts later (PCI Firmware
 * Spec 3.0 §4.1.2), so the bus offset is counted from it.
 */
static volatile uint8_t *ecam_window(uint8_t bus)
{
	volatile uint8_t *w = __atomic_load_n(&ecam_bus[bus], __ATOMIC_ACQUIRE);
	void *va;
	bool irq;

	if (!pci_cfg_has_ecam(bus))
		return NULL;
	if (w)
		return w;
	va = ioremap(acpi.mcfg_base + (uint64_t)bus * ECAM_BUS_SIZE,
		     ECAM_BUS_SIZE, PTE_CACHE_UC);
	if (!va)
		return NULL;
	irq = spin_lock_irqsave(&map_lock);
	if (!ecam_bus[bus]) {
		__atomic_store_n(&ecam_bus[bus], va, __ATOMIC_RELEASE);
		va = NULL;
	}
	w = ecam_bus[bus];
	spin_unlock_irqrestore(&map_lock, irq);
	if (va) /* another CPU mapped it first */
		iounmap(va);
	return w;
}

static volatile void *ecam_addr(uint8_t bus, uint8_t dev, uint8_t fn,
				uint16_t off)
{
	volatile uint8_t *w = ecam_window(bus);

	if (!w || off >= 4096)
		return NULL;
	return w + ((uint32_t)dev << 15 | (uint32_t)fn << 12 | off);
}

static uint32_t ecam_read(volatile void *p, unsigned width)
{
	/* One access of the register's width: ECAM does not promise that
	 * wider or split accesses work (PCIe 3.0 §7.2.2). */
	switch (width) {
	case 1:
		return *(volatile uint8_t *)p;
	case 2:
		return *(volatile uint16_t *)p;
	default:
		return *(volatile uint32_t *)p;
	}
}

static void ecam_write(volatile void *p, unsigned width, uint32_t v)
{
	switch (width) {
	case 1:
		*(volatile uint8_t *)p = v;
		break;
	case 2:
		*(volatile uint16_t *)p = v;
		break;
	default:
		*(volatile uint32_t *)p = v;
	}
}

static uint32_t port_address(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return CONFIG_ENABLE | (uint32_t)bus << 16 |
	       (uint32_t)(dev & 31) << 11 | (uint32_t)(fn & 7) << 8 |
	       (off & 0xfc);
}

static uint32_t port_read(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
			  unsigned width)
{
	uint16_t port = CONFIG_DATA + (off & 3);
	uint32_t v;
	bool irq;

	if (off >= 256)
		return width == 4 ? ~0u : (1u << (8 * width)) - 1;
	irq = spin_lock_irqsave(&port_lock);
	outl(CONFIG_ADDRESS, port_address(bus, dev, fn, off));
	v = width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
	spin_unlock_irqrestore(&port_lock, irq);
	return v;
}

static void port_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
		       unsigned width, uint32_t v)
{
	uint16_t port = CONFIG_DATA + (off & 3);
	bool irq;

	if (off >= 256)
		return;
	irq = spin_lock_irqsave(&port_lock);
	outl(CONFIG_ADDRESS, port_address(bus, dev, fn, off));
	if (width == 1)
		outb(port, v);
	else if (width == 2)
		outw(port, v);
	else
		outl(port, v);
	spin_unlock_irqrestore(&port_lock, irq);
}

uint32_t pci_cfg_read(enum pci_cfg_via via, uint8_t bus, uint8_t dev,
		      uint8_t fn, uint16_t off, unsigned width)
{
	volatile void *p = NULL;

	if (via != PCI_VIA_PORT)
		p = ecam_addr(bus, dev, fn, off);
	if (p)
		return ecam_read(p, width);
	if (via == PCI_VIA_ECAM)
		return width == 4 ? ~0u : (1u << (8 * width)) - 1;
	return port_read(bus, dev, fn, off, width);
}

void pci_cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off,
		   unsigned width, uint32_t v)
{
	volatile void *p = ecam_addr(bus, dev, fn, off);

	if (p)
		ecam_write(p, width, v);
	else
		port_write(bus, dev, fn, off, width, v);
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	return pci_cfg_read(PCI_VIA_AUTO, d->bus, d->dev, d->fn, off, 1);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	return pci_cfg_read(PCI_VIA_AUTO, d->bus, d->dev, d->fn, off & ~1, 2);
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	return pci_cfg_read(PCI_VIA_AUTO, d->bus, d->dev, d->fn, off & ~3, 4);
}

void pci_write8(const struct pci_dev *d, uint16_t off, uint8_t v)
{
	pci_cfg_write(d->bus, d->dev, d->fn, off, 1, v);
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	pci_cfg_write(d->bus, d->dev, d->fn, off & ~1, 2, v);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	pci_cfg_write(d->bus, d->dev, d->fn, off & ~3, 4, v);
}
