/* SPDX-License-Identifier: MIT */
/* Private to the AHCI driver: registers and structures of AHCI 1.3.1 and
 * the driver's per-HBA and per-port state. */
#ifndef STRIX_DEV_AHCI_H
#define STRIX_DEV_AHCI_H

#include "dev/blk.h"
#include "dev/pci.h"
#include "proc/proc.h"

/* Generic host control (§3.1). */
#define HBA_CAP 0x00
#define HBA_GHC 0x04
#define HBA_IS 0x08
#define HBA_PI 0x0c
#define HBA_VS 0x10
#define HBA_CAP2 0x24
#define HBA_BOHC 0x28

#define CAP_NP(c) (((c)&0x1f) + 1)
#define CAP_NCS(c) ((((c) >> 8) & 0x1f) + 1)
#define CAP_SCLO (1u << 24)
#define CAP_SSS (1u << 27)
#define CAP_S64A (1u << 31)
#define CAP2_BOH (1u << 0)
#define GHC_HR (1u << 0)
#define GHC_IE (1u << 1)
#define GHC_AE (1u << 31)
#define BOHC_BOS (1u << 0)
#define BOHC_OOS (1u << 1)
#define BOHC_BB (1u << 4)

/* Port registers (§3.3), at 0x100 + port * 0x80. */
#define PORT_BASE(n) (0x100 + (n)*0x80)
#define PX_CLB 0x00
#define PX_CLBU 0x04
#define PX_FB 0x08
#define PX_FBU 0x0c
#define PX_IS 0x10
#define PX_IE 0x14
#define PX_CMD 0x18
#define PX_TFD 0x20
#define PX_SIG 0x24
#define PX_SSTS 0x28
#define PX_SCTL 0x2c
#define PX_SERR 0x30
#define PX_SACT 0x34
#define PX_CI 0x38

#define CMD_ST (1u << 0)
#define CMD_SUD (1u << 1)
#define CMD_POD (1u << 2)
#define CMD_CLO (1u << 3)
#define CMD_FRE (1u << 4)
#define CMD_CCS(c) (((c) >> 8) & 0x1f)
#define CMD_FR (1u << 14)
#define CMD_CR (1u << 15)
#define CMD_ICC_ACTIVE (1u << 28)

/* PxIS / PxIE (§3.3.5). */
#define PIS_DHRS (1u << 0)
#define PIS_PSS (1u << 1)
#define PIS_DSS (1u << 2)
#define PIS_SDBS (1u << 3)
#define PIS_UFS (1u << 4)
#define PIS_DPS (1u << 5)
#define PIS_PCS (1u << 6)
#define PIS_PRCS (1u << 22)
#define PIS_OFS (1u << 24)
#define PIS_INFS (1u << 26)
#define PIS_IFS (1u << 27)
#define PIS_HBDS (1u << 28)
#define PIS_HBFS (1u << 29)
#define PIS_TFES (1u << 30)
#define PIS_ERRORS                                                       \
	(PIS_TFES | PIS_HBFS | PIS_HBDS | PIS_IFS | PIS_INFS | PIS_OFS | \
	 PIS_UFS)
#define PIE_DEFAULT                                                       \
	(PIS_ERRORS | PIS_DHRS | PIS_PSS | PIS_DSS | PIS_SDBS | PIS_DPS | \
	 PIS_PCS | PIS_PRCS)

#define TFD_ERR 0x01
#define TFD_DRQ 0x08
#define TFD_BSY 0x80
#define SSTS_DET(s) ((s)&0xf)
#define SSTS_SPD(s) (((s) >> 4) & 0xf)
#define SSTS_IPM(s) (((s) >> 8) & 0xf)
#define DET_PRESENT 3
#define IPM_ACTIVE 1

/* Device signatures in PxSIG (§3.3.9; SATA 3.x §11.3). */
#define SIG_ATA 0x00000101
#define SIG_ATAPI 0xeb140101

/* Command header (§4.2.2): one of 32 in the 1 KiB command list. */
struct ahci_cmd_hdr {
	uint16_t flags; /* CFL 4:0, A 5, W 6, P 7, R 8, B 9, C 10 */
	uint16_t prdtl;
	volatile uint32_t prdbc;
	uint32_t ctba, ctbau;
	uint32_t reserved[4];
};
_Static_assert(sizeof(struct ahci_cmd_hdr) == 32, "AHCI §4.2.2");
#define HDR_ATAPI (1u << 5)
#define HDR_WRITE (1u << 6)

/* Physical region descriptor (§4.2.3.3). */
struct ahci_prd {
	uint32_t dba, dbau, reserved;
	uint32_t dbc; /* byte count - 1 (bit 0 set: even counts), I 31 */
};
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI §4.2.3.3");
#define PRD_MAX_BYTES (4u << 20)

/* Command table (§4.2.3): one page per slot, so up to 248 PRDs. */
#define CT_CFIS 0x00
#define CT_ACMD 0x40
#define CT_PRDT 0x80
#define CT_MAX_PRDS ((4096 - CT_PRDT) / 16)

/* ATA commands (ATA8-ACS). */
#define ATA_READ_DMA_EXT 0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_FLUSH_CACHE_EXT 0xea
#define ATA_IDENTIFY 0xec
#define ATA_IDENTIFY_PACKET 0xa1
#define FIS_TYPE_REG_H2D 0x27

struct ahci_hba;

struct ahci_port {
	struct ahci_hba *hba;
	unsigned no, ata_id; /* port index; Linux's "ataN" number */
	volatile uint8_t *regs;
	struct ahci_cmd_hdr *clb; /* command list, 1 KiB aligned */
	void *fis;		  /* received FIS area, 256 bytes */
	void *ct[32];		  /* command tables */
	unsigned nslots;
	struct spinlock lock;
	uint32_t claimed;  /* slots given to a command */
	uint32_t issued;   /* slots written to PxCI */
	uint32_t deferred; /* claimed during recovery: issued at restart */
	uint32_t eh_is;	   /* PxIS of the error */
	struct blk_request *req[32];
	struct wait_queue slot_wq; /* sleepers for a free slot */
	bool eh_pending;	   /* an error waits for the EH thread */
	bool dead;		   /* recovery failed: commands fail */
	struct blkdev disk;
};

struct ahci_hba {
	struct pci_dev *pci;
	volatile uint8_t *abar;
	uint32_t cap;
	unsigned nports;
	struct ahci_port *ports[32];
	struct wait_queue eh_wq; /* the error handler thread sleeps here */
	bool msi;
	int gsi;	 /* INTx: the GSI, else -1 */
	unsigned vector; /* the CPU's vector for it */
};

/* ahci_cmd.c: commands on a started port. */
int ahci_submit(struct blkdev *d, struct blk_request *r);
/* Runs one internal command (IDENTIFY) with a data-in buffer of len
 * bytes at buf (direct map), sleeping at most timeout_ns: 0, -EIO,
 * -ETIMEDOUT. */
int ahci_exec_internal(struct ahci_port *p, uint8_t cmd, void *buf, size_t len,
		       uint64_t timeout_ns);
void ahci_irq(struct trap_frame *tf, void *arg);
int ahci_eh_thread(void *arg);
/* ahci.c: stopping and starting a port's DMA engine (§10.1.2). */
int ahci_port_stop(struct ahci_port *p);
int ahci_port_start(struct ahci_port *p);
int ahci_port_comreset(struct ahci_port *p);

static inline uint32_t hba_read(struct ahci_hba *h, unsigned reg)
{
	return *(volatile uint32_t *)(h->abar + reg);
}
static inline void hba_write(struct ahci_hba *h, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(h->abar + reg) = v;
}
static inline uint32_t port_read(struct ahci_port *p, unsigned reg)
{
	return *(volatile uint32_t *)(p->regs + reg);
}
static inline void port_write(struct ahci_port *p, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(p->regs + reg) = v;
}

#endif
