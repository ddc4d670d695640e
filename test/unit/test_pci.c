/* SPDX-License-Identifier: MIT */
/* PCI BAR decoding from probe values and the class-name table. */
#include <string.h>

#include "dev/pci.h"
#include "test/unit/unit.h"

TEST(pci_bar_mem32)
{
	struct pci_bar b;

	/* ICH9 AHCI ABAR: 4 KiB, non-prefetchable. */
	CHECK_EQ(pci_bar_decode(&b, 0xfebd1000, 0xfffff000, 0, 0), 1);
	CHECK_EQ(b.type, PCI_BAR_MEM32);
	CHECK_EQ(b.base, 0xfebd1000);
	CHECK_EQ(b.size, 0x1000);
	CHECK(!b.prefetchable);
	CHECK(!pci_bar_is_64(0xfebd1000));
}

TEST(pci_bar_mem32_prefetch)
{
	struct pci_bar b;

	/* A 16 MiB prefetchable framebuffer; flag bits read back too. */
	CHECK_EQ(pci_bar_decode(&b, 0xc0000008, 0xff000008, 0, 0), 1);
	CHECK_EQ(b.type, PCI_BAR_MEM32);
	CHECK_EQ(b.base, 0xc0000000);
	CHECK_EQ(b.size, 16 << 20);
	CHECK(b.prefetchable);
}

TEST(pci_bar_mem64)
{
	struct pci_bar b;

	/* 64-bit prefetchable, 16 KiB, above 4 GiB. */
	CHECK(pci_bar_is_64(0x0000000c));
	CHECK_EQ(pci_bar_decode(&b, 0x0000000c, 0xffffc00c, 0x00000008,
				0xffffffff),
		 2);
	CHECK_EQ(b.type, PCI_BAR_MEM64);
	CHECK_EQ(b.base, 0x800000000ULL);
	CHECK_EQ(b.size, 0x4000);
	CHECK(b.prefetchable);
}

TEST(pci_bar_mem64_huge)
{
	struct pci_bar b;

	/* 8 GiB: every low address bit reads back 0, the size is in the
	 * upper half. */
	CHECK_EQ(pci_bar_decode(&b, 0x0000000c, 0x0000000c, 0x00000040,
				0xfffffffe),
		 2);
	CHECK_EQ(b.type, PCI_BAR_MEM64);
	CHECK_EQ(b.base, 0x4000000000ULL);
	CHECK_EQ(b.size, 0x200000000ULL);
}

TEST(pci_bar_mem64_low_only)
{
	struct pci_bar b;

	/* A 64-bit BAR whose upper half is hardwired to 0. */
	CHECK_EQ(pci_bar_decode(&b, 0xfe000004, 0xfff00004, 0, 0), 2);
	CHECK_EQ(b.type, PCI_BAR_MEM64);
	CHECK_EQ(b.base, 0xfe000000);
	CHECK_EQ(b.size, 1 << 20);
	CHECK(!b.prefetchable);
}

TEST(pci_bar_io)
{
	struct pci_bar b;

	/* 32 bytes at 0xc040; upper 16 bits hardwired to 0 as most do. */
	CHECK(!pci_bar_is_64(0xc041));
	CHECK_EQ(pci_bar_decode(&b, 0x0000c041, 0x0000ffe1, 0, 0), 1);
	CHECK_EQ(b.type, PCI_BAR_IO);
	CHECK_EQ(b.base, 0xc040);
	CHECK_EQ(b.size, 32);
	/* The same with all 32 bits writable. */
	CHECK_EQ(pci_bar_decode(&b, 0x0000c041, 0xffffffe1, 0, 0), 1);
	CHECK_EQ(b.size, 32);
	/* 4 bytes: only bits 1:0 are flags for I/O. */
	CHECK_EQ(pci_bar_decode(&b, 0x00000605, 0xfffffffd, 0, 0), 1);
	CHECK_EQ(b.base, 0x604);
	CHECK_EQ(b.size, 4);
	CHECK(!b.prefetchable);
}

TEST(pci_bar_unimplemented)
{
	struct pci_bar b;

	CHECK_EQ(pci_bar_decode(&b, 0, 0, 0, 0), 1);
	CHECK_EQ(b.type, PCI_BAR_NONE);
	CHECK_EQ(b.size, 0);
	/* Flag bits hardwired but no address bits writable. */
	CHECK_EQ(pci_bar_decode(&b, 0x8, 0x8, 0, 0), 1);
	CHECK_EQ(b.type, PCI_BAR_NONE);
	CHECK(!b.prefetchable);
	CHECK_EQ(pci_bar_decode(&b, 0x1, 0x1, 0, 0), 1);
	CHECK_EQ(b.type, PCI_BAR_NONE);
	/* A 64-bit BAR with nothing writable still uses two slots. */
	CHECK_EQ(pci_bar_decode(&b, 0x4, 0x4, 0, 0), 2);
	CHECK_EQ(b.type, PCI_BAR_NONE);
	CHECK_EQ(b.size, 0);
}

TEST(pci_class_names)
{
	CHECK(!strcmp(pci_class_name(0x01, 0x06, 0x01), "AHCI SATA"));
	CHECK(!strcmp(pci_class_name(0x01, 0x06, 0x00), "SATA"));
	CHECK(!strcmp(pci_class_name(0x06, 0x00, 0x00), "Host bridge"));
	CHECK(!strcmp(pci_class_name(0x06, 0x01, 0x00), "ISA bridge"));
	CHECK(!strcmp(pci_class_name(0x06, 0x04, 0x00), "PCI bridge"));
	CHECK(!strcmp(pci_class_name(0x06, 0x42, 0x00), "Bridge"));
	CHECK(!strcmp(pci_class_name(0x0c, 0x03, 0x30), "USB xHCI"));
	CHECK(!strcmp(pci_class_name(0x0c, 0x05, 0x00), "SMBus"));
	CHECK(!strcmp(pci_class_name(0x03, 0x00, 0x00), "VGA"));
	CHECK(!strcmp(pci_class_name(0xff, 0x00, 0x00), "Unknown"));
}
