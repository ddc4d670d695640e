/* SPDX-License-Identifier: MIT */
/*
 * ext2 directories: linked lists of entries in each block [Poirier §4.1],
 * checked before use. Hash-indexed directories (dir_index) are read as
 * linear ones (their index blocks look like empty entries), and a change
 * to one drops its EXT2_INDEX_FL, as Linux's ext2 does.
 */
#include "vfs/ext2.h"

static uint64_t dir_blocks(struct inode *dir)
{
	return dir->size >> EXT2_SB(dir->sb)->g.block_bits;
}

/* Block n of dir, checked; NULL for a hole. */
static struct buf *dir_block(struct inode *dir, uint64_t n)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint32_t blk;
	unsigned bad;
	struct buf *b;
	int err = ext2_bmap(dir, n, false, &blk, NULL);

	if (err)
		return ERR_PTR(err);
	if (!blk)
		return NULL;
	b = bread(s->dev, blk, s->g.block_size);
	if (IS_ERR(b))
		return b;
	if (ext2_dir_block_check(b->data, s->g.block_size,
				 s->raw.s_inodes_count, s->filetype, &bad)) {
		ext2_error(s, __func__,
			   "directory %llu block %llu: bad entry at offset %u",
			   (unsigned long long)dir->ino, (unsigned long long)n,
			   bad);
		brelse(b);
		return ERR_PTR(-EUCLEAN);
	}
	return b;
}

/* The block holding name, referenced, with the entry's offset and the
 * previous one's; ERR_PTR(-ENOENT) if there is none. */
static struct buf *find_entry(struct inode *dir, const char *name, size_t len,
			      unsigned *off, unsigned *prev)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint64_t n = dir_blocks(dir);

	for (uint64_t k = 0; k < n; k++) {
		struct buf *b = dir_block(dir, k);

		if (IS_ERR_OR_NULL(b)) {
			if (b)
				return b;
			continue;
		}
		if (!ext2_dirent_find(b->data, s->g.block_size, name, len,
				      s->filetype, off, prev))
			return b;
		brelse(b);
	}
	return ERR_PTR(-ENOENT);
}

int ext2_dir_find(struct inode *dir, const char *name, size_t len,
		  uint32_t *ino)
{
	unsigned off, prev;
	struct buf *b = find_entry(dir, name, len, &off, &prev);

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	*ino = ((struct ext2_dirent *)((char *)b->data + off))->inode;
	brelse(b);
	return 0;
}

int ext2_lookup(struct inode *dir, struct dentry *d)
{
	struct inode *i;
	uint32_t ino = 0;
	int err;

	if (strlen(d->name) > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	err = ext2_dir_find(dir, d->name, strlen(d->name), &ino);
	if (err == -ENOENT)
		return 0; /* stays negative */
	if (err)
		return err;
	i = ext2_iget(dir->sb, ino);
	if (IS_ERR(i))
		return (int)PTR_ERR(i);
	dentry_instantiate(d, i);
	return 0;
}

static uint8_t ftype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

/* The directory changed: times, and an index no longer up to date. */
static int dir_changed(struct inode *dir)
{
	inode_touch(dir, false, true, true);
	EI(dir)->flags &= ~EXT2_INDEX_FL;
	return ext2_write_inode(dir);
}

/* A new last block of dir holding just the entry. */
static int append_block(struct inode *dir, const char *name, size_t len,
			uint32_t ino, uint8_t type)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint64_t n = dir_blocks(dir);
	struct ext2_dirent *de;
	uint32_t blk;
	struct buf *b;
	int err = ext2_bmap(dir, n, true, &blk, NULL);

	if (err)
		return err;
	b = bget(s->dev, blk, s->g.block_size);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memset(b->data, 0, s->g.block_size);
	de = b->data;
	de->rec_len = (uint16_t)s->g.block_size;
	ext2_dirent_insert(b->data, 0, ino, name, (unsigned)len, type,
			   s->filetype);
	bdirty(b);
	brelse(b);
	dir->size += s->g.block_size;
	return 0;
}

int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint64_t n = dir_blocks(dir);
	int err;

	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (uint64_t k = 0; k < n; k++) {
		struct buf *b = dir_block(dir, k);
		int off;

		if (IS_ERR_OR_NULL(b)) {
			if (b)
				return (int)PTR_ERR(b);
			continue;
		}
		off = ext2_dirent_space(b->data, s->g.block_size, (unsigned)len,
					s->filetype);
		if (off >= 0) {
			ext2_dirent_insert(b->data, (unsigned)off, ino, name,
					   (unsigned)len, ftype(mode),
					   s->filetype);
			bdirty(b);
			brelse(b);
			return dir_changed(dir);
		}
		brelse(b);
	}
	err = append_block(dir, name, len, ino, ftype(mode));
	return err ? err : dir_changed(dir);
}

int ext2_dir_remove(struct inode *dir, const char *name, size_t len)
{
	unsigned off, prev;
	struct buf *b = find_entry(dir, name, len, &off, &prev);

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	ext2_dirent_remove(b->data, off, prev);
	bdirty(b);
	brelse(b);
	return dir_changed(dir);
}

int ext2_dir_set(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	unsigned off, prev;
	struct buf *b = find_entry(dir, name, len, &off, &prev);
	struct ext2_dirent *de;

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	de = (struct ext2_dirent *)((char *)b->data + off);
	de->inode = ino;
	if (s->filetype)
		de->file_type = ftype(mode);
	bdirty(b);
	brelse(b);
	return dir_changed(dir);
}

static bool is_dot_name(const struct ext2_dirent *de, bool filetype)
{
	unsigned len = ext2_dirent_name_len(de, filetype);

	return (len == 1 && de->name[0] == '.') ||
	       (len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

int ext2_dir_is_empty(struct inode *dir)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint64_t n = dir_blocks(dir);

	for (uint64_t k = 0; k < n; k++) {
		struct buf *b = dir_block(dir, k);
		bool empty = true;

		if (IS_ERR_OR_NULL(b)) {
			if (b)
				return (int)PTR_ERR(b);
			continue;
		}
		for (unsigned o = 0; o < s->g.block_size;) {
			const struct ext2_dirent *de =
				(const void *)((char *)b->data + o);

			if (de->inode && !is_dot_name(de, s->filetype))
				empty = false;
			o += de->rec_len;
		}
		brelse(b);
		if (!empty)
			return 0;
	}
	return 1;
}

int ext2_dir_make(struct inode *dir, uint32_t parent)
{
	struct ext2_sb *s = EXT2_SB(dir->sb);
	uint32_t blk;
	struct buf *b;
	int err = ext2_bmap(dir, 0, true, &blk, NULL);

	if (err)
		return err;
	b = bget(s->dev, blk, s->g.block_size);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	ext2_dir_init_block(b->data, s->g.block_size, (uint32_t)dir->ino,
			    parent, s->filetype);
	bdirty(b);
	brelse(b);
	dir->size = s->g.block_size;
	return ext2_write_inode(dir);
}

static const unsigned char ft_to_dt[] = { 0, 8, 4, 2, 6, 1, 12, 10 };

/* Emits the live entries of one block from offset pos on; false when the
 * caller's buffer is full. ctx->pos is a byte offset in the directory. */
static bool emit_block(struct ext2_sb *s, const uint8_t *data, uint64_t base,
		       struct dir_context *ctx)
{
	unsigned from = (unsigned)(ctx->pos - (int64_t)base);

	for (unsigned o = 0; o < s->g.block_size;) {
		const struct ext2_dirent *de = (const void *)(data + o);
		unsigned type = s->filetype && de->file_type < 8 ?
					ft_to_dt[de->file_type] :
					0;

		if (o >= from && de->inode) {
			ctx->pos = (int64_t)(base + o);
			if (!ctx->fill(ctx, de->name,
				       ext2_dirent_name_len(de, s->filetype),
				       de->inode, type))
				return false;
		}
		o += de->rec_len;
		if (o > from)
			ctx->pos = (int64_t)(base + o);
	}
	return true;
}

static int ext2_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct ext2_sb *s = EXT2_SB(dir->sb);
	int err = 0;

	mutex_lock(&dir->lock);
	while (ctx->pos >= 0 && (uint64_t)ctx->pos < dir->size) {
		uint64_t n = (uint64_t)ctx->pos >> s->g.block_bits;
		struct buf *b = dir_block(dir, n);
		bool more;

		if (IS_ERR(b)) {
			err = (int)PTR_ERR(b);
			break;
		}
		if (!b) {
			ctx->pos = (int64_t)((n + 1) << s->g.block_bits);
			continue;
		}
		more = emit_block(s, b->data, n << s->g.block_bits, ctx);
		brelse(b);
		if (!more)
			break;
	}
	mutex_unlock(&dir->lock);
	return err;
}

static int64_t dir_llseek(struct file *f, int64_t off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		return off;
	if (whence == SEEK_CUR && (int64_t)f->pos + off >= 0)
		return (int64_t)f->pos + off;
	return -EINVAL;
}

static int dir_fsync(struct file *f)
{
	struct ext2_sb *s = EXT2_SB(f->inode->sb);

	ext2_write_inode(f->inode);
	return blk_sync(s->dev);
}

const struct file_ops ext2_dir_fops = {
	.iterate = ext2_iterate,
	.llseek = dir_llseek,
	.fsync = dir_fsync,
};
