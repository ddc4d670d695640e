/* SPDX-License-Identifier: MIT */
/*
 * FAT directories: walking the slots of the fixed root or a cluster
 * chain, assembling long names (fatgen103 "FAT Long Directory Entries"),
 * adding entries with their long entries and a generated short name,
 * removing them, and readdir. Callers hold fs->lock.
 */
#include "vfs/fat.h"

/* fatgen103 "FAT Directory Structure": at most 65536 entries. */
#define DIR_MAX_SLOTS 65536

/* A position in a directory: the cluster reached and the sector held. */
struct dwalk {
	struct fat_sb *fs;
	uint32_t start; /* 0: the FAT12/16 fixed root */
	bool broken;	/* a directory without a valid first cluster */
	uint32_t clus, clus_idx;
	struct buf *b;
	uint64_t sector;
	int err; /* of the last dw_entry: -ENOENT past the end */
};

static void dw_init(struct dwalk *w, struct inode *dir)
{
	memset(w, 0, sizeof(*w));
	w->fs = FS(dir->sb);
	w->start = FI(dir)->start;
	/* Only the root may lack a cluster; any other start must be one. */
	w->broken = FI(dir)->de_pos ?
			    !fat_clus_ok(w->fs, w->start) :
			    (w->start && !fat_clus_ok(w->fs, w->start));
}

static void dw_done(struct dwalk *w)
{
	if (w->b)
		brelse(w->b);
	w->b = NULL;
}

/* The sector holding slot: 0, -ENOENT past the end, -EIO. */
static int slot_sector(struct dwalk *w, uint32_t slot, uint64_t *sector)
{
	struct fat_sb *fs = w->fs;
	uint32_t per_sec = fs->g.bps / FAT_DIRENT_SIZE;
	uint32_t per_clus = fs->g.cluster_size / FAT_DIRENT_SIZE, idx;
	int err;

	if (w->broken)
		return -EIO;
	if (slot >= DIR_MAX_SLOTS)
		return -ENOENT;
	if (!w->start) {
		if (slot >= fs->g.root_ents)
			return -ENOENT;
		*sector = fs->g.root_start + slot / per_sec;
		return 0;
	}
	idx = slot / per_clus;
	if (!w->clus || idx < w->clus_idx) {
		w->clus = w->start;
		w->clus_idx = 0;
	}
	while (w->clus_idx < idx) {
		uint32_t next;
		err = fat_next(fs, w->clus, &next);
		if (err)
			return err;
		if (next == FAT_EOC)
			return -ENOENT;
		w->clus = next;
		w->clus_idx++;
	}
	*sector = fat_clus_sector(fs, w->clus) + (slot % per_clus) / per_sec;
	return 0;
}

/* The 32 bytes of slot, inside the walker's buffer; NULL with w->err. */
static uint8_t *dw_entry(struct dwalk *w, uint32_t slot)
{
	uint64_t sector;

	w->err = slot_sector(w, slot, &sector);
	if (w->err)
		return NULL;
	if (!w->b || w->sector != sector) {
		dw_done(w);
		w->b = bread(w->fs->dev, sector, w->fs->g.bps);
		if (IS_ERR(w->b)) {
			w->err = (int)PTR_ERR(w->b);
			w->b = NULL;
			return NULL;
		}
		w->sector = sector;
	}
	return (uint8_t *)w->b->data +
	       (slot % (w->fs->g.bps / FAT_DIRENT_SIZE)) * FAT_DIRENT_SIZE;
}

static uint64_t dw_pos(struct dwalk *w, const uint8_t *e)
{
	return w->sector * w->fs->g.bps + (uint64_t)(e - (uint8_t *)w->b->data);
}

/* Long-name assembly across slots (fatgen103: entries in reverse order,
 * the last one flagged 0x40, each with the short name's checksum). */
struct lfn_state {
	bool have;
	unsigned expect, total;
	uint8_t sum;
	uint32_t first;
	uint16_t name[20 * FAT_LFN_CHARS];
};

static void lfn_feed(struct lfn_state *l, const uint8_t *e, uint32_t slot)
{
	unsigned ord = e[LDE_ORD] & 0x3f;

	if (ord < 1 || ord > 20) {
		l->have = false; /* not a valid sequence number */
	} else if (e[LDE_ORD] & FAT_LFN_LAST) {
		l->have = true;
		l->total = ord;
		l->sum = e[LDE_CHKSUM];
		l->first = slot;
	} else if (!l->have || ord != l->expect || e[LDE_CHKSUM] != l->sum) {
		l->have = false;
	}
	if (!l->have)
		return;
	fat_lfn_unpack(e, l->name + (ord - 1) * FAT_LFN_CHARS);
	l->expect = ord - 1;
}

/* Fills s from the short entry e, with the long name if one led to it. */
static void make_slot(struct lfn_state *l, const uint8_t *e, uint32_t slot,
		      uint64_t pos, struct fat_slot *s)
{
	memcpy(s->de, e, FAT_DIRENT_SIZE);
	s->slot = slot;
	s->pos = pos;
	s->len = 0;
	if (l->have && l->expect == 0 && fat_lfn_checksum(e) == l->sum) {
		size_t n = l->total * FAT_LFN_CHARS, k = 0;
		while (k < n && k < FAT_LFN_MAX && l->name[k])
			k++;
		memcpy(s->name, l->name, k * sizeof(uint16_t));
		s->len = k;
		s->first = l->first;
	}
	if (!s->len) {
		s->len = fat_short_to_utf16(e, e[DE_NTRES], s->name);
		s->first = slot;
	}
	l->have = false;
}

struct fat_diter {
	struct dwalk w;
	struct lfn_state l;
	uint32_t at;
};

struct fat_diter *fat_diter_open(struct inode *dir, uint32_t at)
{
	struct fat_diter *it = kmalloc(sizeof(*it));

	if (!it)
		return NULL;
	dw_init(&it->w, dir);
	it->l.have = false;
	it->at = at;
	return it;
}

uint32_t fat_diter_pos(struct fat_diter *it)
{
	return it->at;
}

void fat_diter_close(struct fat_diter *it)
{
	if (!it)
		return;
	dw_done(&it->w);
	kfree(it);
}

int fat_diter_next(struct fat_diter *it, struct fat_slot *s)
{
	struct lfn_state *l = &it->l;

	for (;; it->at++) {
		uint8_t *e = dw_entry(&it->w, it->at);
		if (!e)
			return it->w.err;
		if (e[0] == 0)
			return -ENOENT; /* the end of the directory */
		if (e[0] == FAT_DELETED) {
			l->have = false;
		} else if (e[DE_ATTR] == FAT_ATTR_LFN) {
			lfn_feed(l, e, it->at);
		} else if ((e[DE_ATTR] & FAT_ATTR_VOLUME) || e[0] == '.') {
			l->have = false; /* labels, "." and ".." */
		} else {
			make_slot(l, e, it->at, dw_pos(&it->w, e), s);
			it->at++;
			return 0;
		}
	}
}

int fat_dir_find(struct inode *dir, const uint16_t *name, size_t len,
		 struct fat_slot *s)
{
	struct fat_diter *it = fat_diter_open(dir, 0);
	uint16_t sn[12];
	int err;

	if (!it)
		return -ENOMEM;
	while (!(err = fat_diter_next(it, s))) {
		size_t n;
		if (fat_name_eq(name, len, s->name, s->len))
			break;
		n = fat_short_to_utf16(s->de, 0, sn);
		if (fat_name_eq(name, len, sn, n))
			break;
	}
	fat_diter_close(it);
	return err;
}

/* ---- adding entries ---- */

/* The short names in a directory, hashed, for the numeric-tail search. */
struct names {
	uint8_t (*name)[11];
	uint32_t *tab; /* index + 1, 0 empty */
	uint32_t n, cap, tabsize;
};

static uint32_t name_hash(const uint8_t *n)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 11; i++)
		h = (h ^ n[i]) * 16777619u;
	return h;
}

static bool names_has(void *ctx, const uint8_t name[11])
{
	struct names *t = ctx;

	if (!t->tabsize)
		return false;
	for (uint32_t h = name_hash(name);; h++) {
		uint32_t k = t->tab[h & (t->tabsize - 1)];
		if (!k)
			return false;
		if (!memcmp(t->name[k - 1], name, 11))
			return true;
	}
}

static int names_add(struct names *t, const uint8_t *name)
{
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 64;
		void *p = kmalloc(cap * 11);
		if (!p)
			return -ENOMEM;
		if (t->n)
			memcpy(p, t->name, t->n * 11);
		kfree(t->name);
		t->name = p;
		t->cap = cap;
	}
	memcpy(t->name[t->n++], name, 11);
	return 0;
}

static int names_index(struct names *t)
{
	t->tabsize = 16;
	while (t->tabsize < t->n * 2)
		t->tabsize *= 2;
	t->tab = kzalloc(t->tabsize * sizeof(uint32_t));
	if (!t->tab)
		return -ENOMEM;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t h = name_hash(t->name[i]);
		while (t->tab[h & (t->tabsize - 1)])
			h++;
		t->tab[h & (t->tabsize - 1)] = i + 1;
	}
	return 0;
}

/* One pass: every short name into t, and the first run of need free
 * slots into *found (or where a run reaching the end starts, with
 * *found_len slots of it). *end is the number of slots. */
static int scan_for_add(struct dwalk *w, unsigned need, struct names *t,
			uint32_t *found, uint32_t *run_len, uint32_t *end)
{
	uint32_t run = 0, run_start = 0, slot;
	bool ended = false;
	int err;

	*found = UINT32_MAX;
	for (slot = 0;; slot++) {
		uint8_t *e = dw_entry(w, slot);
		if (!e) {
			if (w->err != -ENOENT)
				return w->err;
			break;
		}
		if (ended || e[0] == 0 || e[0] == FAT_DELETED) {
			ended = ended || e[0] == 0;
			if (!run++)
				run_start = slot;
			if (run >= need && *found == UINT32_MAX)
				*found = run_start;
			continue;
		}
		run = 0;
		if (e[DE_ATTR] != FAT_ATTR_LFN && (err = names_add(t, e)))
			return err;
	}
	*end = slot;
	if (*found == UINT32_MAX) {
		*found = run ? run_start : slot;
		*run_len = run;
	} else {
		*run_len = need;
	}
	return 0;
}

/* Appends a zeroed cluster to the directory (not the fixed root). */
static int dir_grow(struct dwalk *w, struct inode *dir)
{
	struct fat_sb *fs = w->fs;
	uint32_t last = w->start, next, c;
	int err;

	if (!w->start)
		return -ENOSPC; /* the FAT12/16 root has a fixed size */
	for (uint32_t guard = 0; guard < fs->g.nclusters; guard++) {
		err = fat_next(fs, last, &next);
		if (err)
			return err;
		if (next == FAT_EOC)
			break;
		last = next;
	}
	err = fat_alloc(fs, last, &c);
	if (!err)
		err = fat_zero_cluster(fs, c);
	if (!err)
		dir->size += fs->g.cluster_size;
	w->clus = 0; /* the chain changed: walk again */
	return err;
}

static int write_entries(struct dwalk *w, uint32_t at, const uint16_t *name,
			 size_t len, unsigned nlfn, const uint8_t *de,
			 struct fat_slot *s)
{
	uint8_t sum = fat_lfn_checksum(de);

	for (unsigned i = 0; i <= nlfn; i++) {
		uint8_t *e = dw_entry(w, at + i);
		if (!e)
			return w->err == -ENOENT ? -EIO : w->err;
		if (i < nlfn)
			fat_lfn_pack(e, name, len, nlfn - i, i == 0, sum);
		else
			memcpy(e, de, FAT_DIRENT_SIZE);
		bdirty(w->b);
		if (i == nlfn)
			s->pos = dw_pos(w, e);
	}
	memcpy(s->de, de, FAT_DIRENT_SIZE);
	s->first = at;
	s->slot = at + nlfn;
	memcpy(s->name, name, len * sizeof(uint16_t));
	s->len = len;
	return 0;
}

int fat_dir_add(struct inode *dir, const uint16_t *name, size_t len,
		const uint8_t *de_in, struct fat_slot *s)
{
	struct names t = { 0 };
	uint8_t de[FAT_DIRENT_SIZE], sn[11];
	uint32_t at = 0, run = 0, end = 0;
	unsigned nlfn;
	struct dwalk w;
	int err;

	memcpy(de, de_in, sizeof(de));
	nlfn = fat_name_is_short(name, len, sn) ? 0 : fat_lfn_slots(len);
	dw_init(&w, dir);
	err = scan_for_add(&w, nlfn + 1, &t, &at, &run, &end);
	if (!err && nlfn) {
		err = names_index(&t);
		if (!err)
			err = fat_gen_short(name, len, names_has, &t, sn);
	} else if (!err && names_has(&t, sn)) {
		err = -EEXIST;
	}
	while (!err && run < nlfn + 1) {
		if (end + w.fs->g.cluster_size / 32 > DIR_MAX_SLOTS) {
			err = -ENOSPC;
			break;
		}
		err = dir_grow(&w, dir);
		run += w.fs->g.cluster_size / FAT_DIRENT_SIZE;
		end += w.fs->g.cluster_size / FAT_DIRENT_SIZE;
	}
	if (!err) {
		memcpy(de + DE_NAME, sn, 11);
		err = write_entries(&w, at, name, len, nlfn, de, s);
	}
	dw_done(&w);
	kfree(t.name);
	kfree(t.tab);
	return err;
}

int fat_dir_remove(struct inode *dir, const struct fat_slot *s)
{
	struct dwalk w;
	int err = 0;

	dw_init(&w, dir);
	for (uint32_t slot = s->first; slot <= s->slot; slot++) {
		uint8_t *e = dw_entry(&w, slot);
		if (!e) {
			err = w.err == -ENOENT ? -EIO : w.err;
			break;
		}
		e[0] = FAT_DELETED;
		bdirty(w.b);
	}
	dw_done(&w);
	return err;
}

static int de_io(struct fat_sb *fs, uint64_t pos, uint8_t *de, bool write)
{
	struct buf *b = bread(fs->dev, pos / fs->g.bps, fs->g.bps);
	uint8_t *p;

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	p = (uint8_t *)b->data + pos % fs->g.bps;
	if (write) {
		memcpy(p, de, FAT_DIRENT_SIZE);
		bdirty(b);
	} else {
		memcpy(de, p, FAT_DIRENT_SIZE);
	}
	brelse(b);
	return 0;
}

int fat_de_read(struct fat_sb *fs, uint64_t pos, uint8_t *de)
{
	return de_io(fs, pos, de, false);
}

int fat_de_write(struct fat_sb *fs, uint64_t pos, const uint8_t *de)
{
	return de_io(fs, pos, (uint8_t *)de, true);
}

/* Counts the entries (dirs_only: the subdirectories), up to max. */
static int count_entries(struct inode *dir, bool dirs_only, int max)
{
	struct fat_slot *s = kmalloc(sizeof(*s));
	struct fat_diter *it = fat_diter_open(dir, 0);
	int n = 0, err = -ENOMEM;

	while (s && it && n < max && !(err = fat_diter_next(it, s)))
		n += !dirs_only || (s->de[DE_ATTR] & FAT_ATTR_DIR);
	fat_diter_close(it);
	kfree(s);
	return err == -ENOENT || n == max ? n : err;
}

int fat_dir_empty(struct inode *dir)
{
	int n = count_entries(dir, false, 1);

	return n < 0 ? n : n == 0;
}

int fat_dir_subdirs(struct inode *dir)
{
	return count_entries(dir, true, DIR_MAX_SLOTS);
}

/* ---- readdir ---- */

/* The inode number an entry at pos shows: that of its live inode, else
 * the position's (see pick_ino). */
static uint64_t entry_ino(struct fat_sb *fs, uint64_t pos)
{
	struct fat_inode *fi;

	list_for_each_entry(fi, &fs->inodes,
			    link) if (fi->de_pos == pos &&
				      !fi->unlinked) return fi->vfs->ino;
	return pos / FAT_DIRENT_SIZE;
}

/* Positions: 0 ".", 1 "..", then 2 + the slot to read from. */
static int emit_entries(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct fat_sb *fs = FS(dir->sb);
	struct fat_slot *s = kmalloc(sizeof(*s));
	char *name = kmalloc(FAT_LFN_MAX * 3 + 1);
	struct fat_diter *it;
	int err = -ENOMEM;

	mutex_lock(&fs->lock);
	it = fat_diter_open(dir, (uint32_t)(ctx->pos - 2));
	while (s && name && it && !(err = fat_diter_next(it, s))) {
		int n = fat_utf16_to_utf8(s->name, s->len, name,
					  FAT_LFN_MAX * 3 + 1);
		unsigned type = (s->de[DE_ATTR] & FAT_ATTR_DIR) ? DT_DIR :
								  DT_REG;
		if (n < 0)
			continue;
		ctx->pos = (int64_t)s->slot + 2; /* d_off: the next slot */
		if (!ctx->fill(ctx, name, (size_t)n, entry_ino(fs, s->pos),
			       type)) {
			ctx->pos = (int64_t)s->first + 2; /* again next time */
			break;
		}
		ctx->pos = (int64_t)fat_diter_pos(it) + 2;
	}
	fat_diter_close(it);
	mutex_unlock(&fs->lock);
	kfree(s);
	kfree(name);
	return err == -ENOENT ? 0 : err;
}

static int fat_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *d = f->path.dentry;

	if (!d->inode || FI(d->inode)->unlinked)
		return 0; /* removed while open: empty, as Linux */
	if (!dir_emit_dots(f, ctx))
		return 0;
	if (ctx->pos - 2 >= DIR_MAX_SLOTS)
		return 0;
	return emit_entries(f, ctx);
}

static int64_t fat_dir_llseek(struct file *f, int64_t off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		return off;
	if (whence == SEEK_CUR && (int64_t)f->pos + off >= 0)
		return (int64_t)f->pos + off;
	return -EINVAL;
}

static int fat_dir_fsync(struct file *f)
{
	return fat_fsync_inode(f->inode);
}

const struct file_ops fat_dir_fops = {
	.iterate = fat_iterate,
	.llseek = fat_dir_llseek,
	.fsync = fat_dir_fsync,
};
