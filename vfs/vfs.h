/* SPDX-License-Identifier: MIT */
/*
 * The virtual file system: inodes, the dentry cache, mounts, open files,
 * per-process fd tables and directories, and the interfaces file systems
 * and devices implement. Ops tables use designated initializers; a
 * missing op becomes the POSIX errno in one place, vfs/ops_default.c.
 */
#ifndef STRIX_VFS_H
#define STRIX_VFS_H

#include "kernel/kernel.h"
#include "kernel/lib/list.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/misc.h"
#include "kernel/uapi/stat.h"
#include "mm/mm.h"
#include "proc/proc.h"

struct inode;
struct dentry;
struct super_block;
struct mount;
struct file;
struct page;

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

/* Where read data goes or written data comes from: user or kernel. */
struct iobuf {
	uaddr_t ubuf;
	char *kbuf; /* if set, a kernel buffer */
	size_t len;
};
/* Copies n bytes at offset off of the buffer: 0 or -EFAULT. */
int iobuf_put(const struct iobuf *b, size_t off, const void *src, size_t n);
int iobuf_get(const struct iobuf *b, size_t off, void *dst, size_t n);
int iobuf_zero(const struct iobuf *b, size_t off, size_t n);

/* getdents: fill() returns false when the caller's buffer is full. */
struct dir_context;
struct dir_context {
	bool (*fill)(struct dir_context *ctx, const char *name, size_t len,
		     uint64_t ino, unsigned type);
	int64_t pos; /* entries already returned (the file position) */
};

/* Emits "." and ".." (positions 0 and 1) if ctx is not past them; false
 * when the caller's buffer filled up (as Linux's dir_emit_dots). */
bool dir_emit_dots(struct file *f, struct dir_context *ctx);

/* Readiness for poll/select/epoll: a file's poll op reports the current
 * mask and, if pt is given, queues on its wait queues. */
struct poll_table {
	void (*queue)(struct poll_table *pt, struct wait_queue *wq);
};
static inline void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
	if (pt && pt->queue)
		pt->queue(pt, wq);
}

struct file_ops {
	ssize_t (*read)(struct file *f, const struct iobuf *b, uint64_t *pos);
	ssize_t (*write)(struct file *f, const struct iobuf *b, uint64_t *pos);
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	long (*ioctl)(struct file *f, unsigned cmd, uaddr_t arg);
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	int (*open)(struct inode *inode, struct file *f);
	void (*release)(struct inode *inode, struct file *f);
	int (*fsync)(struct file *f);
	/* mmap: a referenced page with the file's bytes at page index. */
	int (*get_page)(struct file *f, uint64_t index, struct page **out);
	/* get_page returns a private copy (no page cache): writable
	 * MAP_SHARED mappings are refused with ENODEV. */
	bool mmap_copy;
	/* Files on the shared anonymous inode: "[eventfd]", as /proc shows
	 * them ("anon_inode:[eventfd]"). */
	const char *anon_name;
};

/* Attribute changes (chmod, chown, truncate, utimes). */
struct iattr {
	unsigned valid; /* ATTR_* */
	uint32_t mode, uid, gid;
	uint64_t size;
	struct linux_timespec atime, mtime;
};
#define ATTR_MODE 0x1
#define ATTR_UID 0x2
#define ATTR_GID 0x4
#define ATTR_SIZE 0x8
#define ATTR_ATIME 0x10
#define ATTR_MTIME 0x20
#define ATTR_CTIME 0x40

struct inode_ops {
	/* Fills d (a new, negative dentry under dir) or leaves it negative.
	 * File systems whose dentries are the directory (tmpfs) leave it
	 * NULL. */
	int (*lookup)(struct inode *dir, struct dentry *d);
	int (*create)(struct inode *dir, struct dentry *d, uint32_t mode);
	int (*mkdir)(struct inode *dir, struct dentry *d, uint32_t mode);
	int (*mknod)(struct inode *dir, struct dentry *d, uint32_t mode,
		     uint64_t rdev);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *target);
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	int (*rename)(struct inode *odir, struct dentry *od, struct inode *ndir,
		      struct dentry *nd, unsigned flags);
	/* A symlink's target, into buf (size bytes); its length or -errno. */
	ssize_t (*readlink)(struct dentry *d, char *buf, size_t size);
	int (*setattr)(struct dentry *d, const struct iattr *a);
};

struct inode {
	uint64_t ino;
	uint32_t mode, uid, gid, nlink;
	uint64_t size, rdev, blocks;
	struct linux_timespec atime, mtime, ctime;
	struct super_block *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	int refcount;
	struct mutex lock;	/* contents and directory entries */
	void *private;		/* the file system's */
	struct pipe *pipe;	/* FIFOs: the pipe, while open */
	struct list_head locks; /* flock(2) holders */
};

struct dentry {
	char *name;
	uint32_t hash;
	struct dentry *parent; /* itself for a root */
	struct list_head children, sibling;
	struct inode *inode; /* NULL: negative (no such name) */
	struct super_block *sb;
	int refcount;
	int mounted; /* mounts on top of this dentry */
	bool pinned; /* kept while its inode lives (tmpfs) */
};

struct statfs_info {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree, namelen;
};

struct super_ops {
	void (*destroy_inode)(struct inode *i);
	int (*statfs)(struct super_block *sb, struct statfs_info *st);
	/* Should an unused dentry leave the cache (dynamic file systems)? */
	bool (*drop_dentry)(struct dentry *d);
	/* Is a cached positive dentry still true? false: it is unhashed
	 * and looked up again (Linux's d_revalidate). Optional. */
	bool (*revalidate)(struct dentry *d);
	/* mount -o remount: apply new options. */
	int (*remount)(struct super_block *sb, unsigned flags,
		       const char *opts);
	/* /proc/mounts: options beyond rw/ro, e.g. ",mode=755". */
	void (*show_options)(struct super_block *sb, char *buf, size_t size);
	/* sync(2) and syncfs(2): write the file system's own dirty
	 * state (super block, bitmaps, inodes) into the buffer cache or to
	 * the disk; the block layer then writes the cache back. Optional. */
	int (*sync_fs)(struct super_block *sb);
	/* The last mount of sb went (umount): write back and mark the volume
	 * clean; the file system may free sb here (ext2 does) or keep it
	 * while its inodes and dentries live (vfat). Optional: without it
	 * sb stays. */
	void (*put_super)(struct super_block *sb);
};

struct fs_type {
	const char *name;
	/* Builds a super block for a mount; ERR_PTR on failure. */
	struct super_block *(*mount)(struct fs_type *type, const char *dev,
				     unsigned flags, const char *opts);
	bool nodev; /* needs no device (/proc/filesystems "nodev") */
	struct fs_type *next;
};

struct super_block {
	struct fs_type *type;
	const struct super_ops *ops;
	struct dentry *root;
	uint64_t dev;	/* st_dev of its inodes */
	uint64_t magic; /* statfs f_type */
	unsigned flags; /* MS_RDONLY ... */
	uint64_t next_ino;
	void *private;
	int refcount; /* mounts of it (+1 for devtmpfs's own) */
};

struct mount {
	struct super_block *sb;
	struct dentry *root;	   /* what is mounted (sb root, or a bind) */
	struct mount *parent;	   /* itself for the root mount */
	struct dentry *mountpoint; /* in parent */
	unsigned flags;		   /* MS_RDONLY | MS_NOSUID | ... per mount */
	char *source;		   /* the device name for /proc/mounts */
	int id;
	int refcount;
	struct list_head link; /* all mounts, in mount order */
};

struct file {
	int refcount;
	/* epoll interest in this file (struct epitem), dropped at the last
	 * close; guarded by the epoll code. */
	struct list_head ep_links;
	struct path path;
	struct inode *inode;
	const struct file_ops *ops;
	unsigned flags; /* O_* as opened (access mode, APPEND...) */
	uint64_t pos;
	struct mutex pos_lock;
	void *private;
};

/* ---- per-process state ---- */

struct files_struct {
	int refcount;
	struct spinlock lock;
	unsigned max; /* slots in fd[] */
	struct file **fd;
	uint64_t *cloexec; /* bitmap, max bits */
};

struct fs_struct {
	int refcount;
	struct spinlock lock;
	struct path root, cwd;
	uint32_t umask;
};

struct files_struct *files_alloc(void);
struct files_struct *files_dup(struct files_struct *old);
void files_get(struct files_struct *f);
void files_put(struct files_struct *f);
void files_close_on_exec(struct files_struct *f);
struct fs_struct *fs_alloc_root(void);
struct fs_struct *fs_dup(struct fs_struct *old);
void fs_get(struct fs_struct *fs);
void fs_put(struct fs_struct *fs);

/* The open file at fd with a reference, or NULL. */
struct file *fd_get(int fd);
/* Puts f in the lowest free slot (O_CLOEXEC in flags sets close-on-exec);
 * takes over the reference. The fd or -EMFILE. */
int fd_install(struct file *f, int flags);
/* The same, at the lowest slot >= min. */
int fd_install_from(struct file *f, int flags, int min);
/* Closes fd: 0 or -EBADF. */
int fd_close(int fd);
/* Puts file at exactly fd, closing what was there (dup2). */
int fd_replace(int fd, struct file *file, int flags);
/* FD_CLOEXEC or 0, or -EBADF. */
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/* dup2 for the kernel's own use (starting init). */
int sys_dup2_kernel(int oldfd, int newfd);

/* ---- files ---- */

struct file *file_get(struct file *f);
void file_put(struct file *f);
/* A new file on path, with the inode's file ops; runs ops->open. Takes
 * references on the path. ERR_PTR on failure. */
struct file *file_open_path(const struct path *p, unsigned flags);
/* A file not in any directory (pipes, sockets, eventfd...). */
/* poll.c: ppoll/pselect6/epoll_pwait's temporary signal mask (sigset at
 * umask, size bytes; none if 0) and its restoration, unless ret says a
 * handler must run first with the temporary mask. */
int poll_set_temp_mask(uaddr_t umask, size_t size);
void poll_end_temp_mask(long ret);
/* A new file on the one anonymous inode (eventfd, epoll, timerfd,
 * signalfd) installed as a descriptor; flags O_CLOEXEC | O_NONBLOCK and
 * the access mode. The fd, or -errno (private is then not used). */
int anon_inode_fd(const struct file_ops *ops, unsigned flags, void *private);
/* eventpoll.c: the last close of f takes it out of every epoll set. */
void eventpoll_release(struct file *f);
struct file *file_alloc_anon(struct inode *inode, const struct file_ops *ops,
			     unsigned flags, void *private);
struct file *vfs_open(const char *path, int flags, int mode);
struct file *vfs_open_at(int dirfd, const char *path, int flags, uint32_t mode);
/* read/write with the checks every caller needs (access mode, EISDIR,
 * a missing op, the user range). */
ssize_t vfs_read(struct file *f, const struct iobuf *b, uint64_t *pos);
ssize_t vfs_write(struct file *f, const struct iobuf *b, uint64_t *pos);
struct file *vfs_open_exec(const char *path);
ssize_t kernel_read(struct file *f, void *buf, size_t n, uint64_t off);
ssize_t kernel_write(struct file *f, const void *buf, size_t n, uint64_t off);
int vfs_file_page(struct file *f, uint64_t index, struct page **out);
uint64_t vfs_file_size(struct file *f);
int vfs_mmap_check(struct file *f, int prot, bool shared);

/* ---- inodes and dentries ---- */

#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

struct inode *inode_alloc(struct super_block *sb, uint32_t mode);
void inode_get(struct inode *i);
void inode_put(struct inode *i);
/* May the caller access i as mask (MAY_*) says? 0 or -EACCES. */
int inode_permission(struct inode *i, int mask);
void inode_touch(struct inode *i, bool atime, bool mtime, bool ctime);
void inode_stat(struct inode *i, struct linux_stat *st);
struct linux_timespec current_time(void);

struct dentry *dentry_alloc(struct dentry *parent, const char *name,
			    size_t len);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
/* The child of dir called name, from the cache or the file system's
 * lookup; referenced, possibly negative; ERR_PTR on failure. */
struct dentry *dentry_lookup(struct dentry *dir, const char *name, size_t len);
/* Makes d positive with inode (taking the reference). */
void dentry_instantiate(struct dentry *d, struct inode *inode);
void path_get(const struct path *p);
void path_put(const struct path *p);
/* The path's name from the caller's root into buf; length or -errno. */
int path_name(const struct path *p, char *buf, size_t size);

/* ---- path walks (vfs/namei.c) ---- */

#define LOOKUP_FOLLOW 0x1    /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 0x2 /* the result must be a directory */
#define LOOKUP_EMPTY 0x4     /* "" names dirfd itself (AT_EMPTY_PATH) */

/* Resolves path relative to dirfd (AT_FDCWD: the cwd); *out referenced
 * and positive. */
int path_lookup_at(int dirfd, const char *path, unsigned flags,
		   struct path *out);
/* Resolves all but the last component: *parent referenced, the last
 * name copied to last (NAME_MAX + 1 bytes). */
int path_parent_at(int dirfd, const char *path, struct path *parent, char *last,
		   size_t *last_len);
/* Copies a path from user memory into a PATH_MAX kmalloc buffer. */
char *path_from_user(uaddr_t upath, int *err);

/* root= on the command line (with rootfstype=, rootflags=, rootwait, rw):
 * mounts that disk and makes it the caller's root, as Linux's
 * prepare_namespace; panics, as Linux, when it cannot. */
void vfs_mount_root_device(void);
/* lseek for files whose size is inode->size and that report no holes. */
int64_t generic_file_llseek(struct file *f, int64_t off, int whence);
/* Applies a's mode, owner and times to i and sets ctime (after the file
 * system has dealt with ATTR_SIZE), as Linux's setattr_copy. */
void setattr_copy(struct inode *i, const struct iattr *a);

/* Makes p the caller's root and working directory (root=, as Linux's
 * chroot(".") after moving the root mount). */
void vfs_set_root(const struct path *p);

/* The same operations for kernel-provided paths (root's view). */
int vfs_mkdir(const char *path, uint32_t mode);
int vfs_mknod(const char *path, uint32_t mode, uint64_t dev);
int vfs_symlink(const char *target, const char *path);
int vfs_link(const char *oldpath, const char *newpath);
/* bind(2) of a unix socket: creates the S_IFSOCK node path (perm less
 * the umask), relative to the cwd, and returns it referenced in *out.
 * 0 or -errno (-EEXIST if the name exists). */
int vfs_bind_socket(const char *path, uint32_t perm, struct path *out);

/* ---- mounts (vfs/mount.c) ---- */

void fs_type_register(struct fs_type *t);
/* Mounts source on target with the first disk file system type (not
 * nodev) that accepts it, as Linux's mount_block_root tries them; its
 * name in *type_out. 0 or the last type's error. */
int vfs_mount_any(const char *source, const char *target, unsigned flags,
		  const char *opts, const char **type_out);
struct fs_type *fs_type_find(const char *name);
/* For file systems that store nothing (procfs, devpts): statfs reports
 * only the block size and name length; unused dentries are dropped. */
int simple_statfs(struct super_block *sb, struct statfs_info *st);
bool always_drop_dentry(struct dentry *d);
/* Gives a new super block its root directory: sb, or ERR_PTR(-ENOMEM)
 * with sb and root (which may be NULL: its allocation failed) freed. */
struct super_block *super_set_root(struct super_block *sb, struct inode *root);
struct super_block *super_alloc(struct fs_type *type,
				const struct super_ops *ops, uint64_t magic);
/* The mount on top of (mnt, d), or NULL. */
struct mount *mount_lookup(struct mount *mnt, struct dentry *d);
/* Mounts a new instance of fs type at path. */
int vfs_mount(const char *source, const char *target, const char *type,
	      unsigned flags, const char *opts);
extern struct mount *root_mount;
extern struct list_head mount_list;
/* /proc/mounts text for every mount visible from the caller's root. */
ssize_t mounts_show(char *buf, size_t size, bool mountinfo);
void mount_get(struct mount *m);
void mount_put(struct mount *m);
/* Calls sync_fs of every mounted file system that has one: 0 or the
 * first error. */
int vfs_sync_supers(void);
/* Fails with -EROFS when p's mount or file system is read-only. */
int mount_want_write(const struct path *p);

/* ---- devices ---- */

/* Character devices by major and minor; opening a S_IFCHR inode finds
 * its driver here (ENXIO if none). */
int chrdev_register(unsigned major, unsigned minor, unsigned count,
		    const char *name, const struct file_ops *ops);
const struct file_ops *chrdev_find(uint64_t rdev);
/* Creates /dev/NAME (devtmpfs) for the device; parents are made. */
int devtmpfs_create(const char *name, uint32_t mode, uint64_t rdev);

/* ---- pipes (vfs/pipe.c) ---- */

struct pipe;
/* Opens the FIFO inode's pipe for f, blocking per POSIX open(2). */
int fifo_open(struct inode *inode, struct file *f);

/* ---- start-up ---- */

/* Registers the file system types, mounts the root tmpfs and creates
 * devtmpfs (boot context). */
void vfs_init(void);
/* Mounts devtmpfs on /dev (in pid 1, after the initrd is unpacked). */
void vfs_mount_dev(void);
/* Unpacks a newc cpio into the root. 0 or -errno (what it could unpack
 * stays). */
int initrd_unpack(const void *cpio, size_t len);

#endif
