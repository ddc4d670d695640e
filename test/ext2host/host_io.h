/* SPDX-License-Identifier: MIT */
/* Host file and CPU calls for ext2host, free of the kernel's headers. */
#ifndef STRIX_TEST_EXT2HOST_IO_H
#define STRIX_TEST_EXT2HOST_IO_H

/* An image opened for reading (and writing if rw), its size: fd or -1. */
int host_open(const char *path, int rw, unsigned long long *size);
void host_close(int fd);
long host_pread(int fd, void *buf, unsigned long n, unsigned long long off);
long host_pwrite(int fd, const void *buf, unsigned long n,
		 unsigned long long off);
/* Sets the %gs base (the kernel's per-CPU pointer). */
void host_set_gs(void *base);

/* The C library, declared by hand: its headers clash with the kernel's
 * Linux ABI headers (sigset_t, W*, O_*). */
typedef struct _IO_FILE FILE;
extern FILE *stdin, *stdout, *stderr;
void *malloc(unsigned long n);
void *calloc(unsigned long n, unsigned long size);
void free(void *p);
void abort(void) __attribute__((noreturn));
long time(long *t);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
FILE *fopen(const char *path, const char *mode);
int fclose(FILE *f);
unsigned long fread(void *p, unsigned long size, unsigned long n, FILE *f);
unsigned long fwrite(const void *p, unsigned long size, unsigned long n,
		     FILE *f);
char *fgets(char *s, int n, FILE *f);
int fputs(const char *s, FILE *f);
int fflush(FILE *f);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
