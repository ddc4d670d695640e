/* SPDX-License-Identifier: MIT */
/* kvsnprintf: the kernel's one formatter, used by printk and the stub. */
#include "kernel/lib/lib.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* what the output would be, even past size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width;
	int precision; /* -1: none */
};

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t n;
	int pad;

	if (!s)
		s = "(null)";
	n = sp->precision >= 0 ? strnlen(s, (size_t)sp->precision) : strlen(s);
	pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!sp->left)
		put_repeat(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

/* Prints v in the given base with sign, prefix, precision and padding. */
static void put_num(struct out *o, const struct spec *sp, uint64_t v,
		    bool negative, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, pad, prefix_len;
	const char *prefix = "";

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (negative)
		prefix = "-";
	else if (sp->plus)
		prefix = "+";
	else if (sp->space)
		prefix = " ";
	if (sp->alt && base == 16 && n > 0)
		prefix = upper ? "0X" : "0x";
	if (sp->alt && base == 8 && (sp->precision <= n))
		zeros = 1; /* "%#o" always shows a leading 0 */
	else
		zeros = 0;

	/* C11 7.21.6.1: precision is the minimum digit count; with no
	 * precision a zero prints as "0", with precision 0 as nothing. */
	if (sp->precision >= 0)
		zeros = sp->precision > n ? sp->precision - n : zeros;
	else if (n == 0)
		zeros = 1;
	prefix_len = (int)strlen(prefix);
	pad = sp->width - (n + zeros + prefix_len);
	if (pad < 0)
		pad = 0;
	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!sp->left)
		put_repeat(o, ' ', pad);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	put_repeat(o, '0', zeros);
	while (n > 0)
		put(o, tmp[--n]);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->precision = sp->precision * 10 + (*f++ - '0');
	}
	return f;
}

/* Length modifier: returns the argument size in bytes (0 = int). */
static const char *parse_length(const char *f, int *size)
{
	*size = 0;
	if (f[0] == 'h' && f[1] == 'h') {
		*size = 1;
		return f + 2;
	}
	if (f[0] == 'l' && f[1] == 'l') {
		*size = 8;
		return f + 2;
	}
	switch (*f) {
	case 'h':
		*size = 2;
		return f + 1;
	case 'l':
	case 'z':
	case 't':
	case 'j':
		*size = 8;
		return f + 1;
	}
	return f;
}

static uint64_t arg_unsigned(va_list *ap, int size)
{
	switch (size) {
	case 1:
		return (unsigned char)va_arg(*ap, unsigned);
	case 2:
		return (unsigned short)va_arg(*ap, unsigned);
	case 8:
		return va_arg(*ap, uint64_t);
	}
	return va_arg(*ap, unsigned);
}

static int64_t arg_signed(va_list *ap, int size)
{
	switch (size) {
	case 1:
		return (signed char)va_arg(*ap, int);
	case 2:
		return (short)va_arg(*ap, int);
	case 8:
		return va_arg(*ap, int64_t);
	}
	return va_arg(*ap, int);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list ap;
	int len;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &ap);
		f = parse_length(f, &len);
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&ap, len);
			put_num(&o, &sp, v < 0 ? -(uint64_t)v : (uint64_t)v,
				v < 0, 10, false);
			break;
		}
		case 'u':
			put_num(&o, &sp, arg_unsigned(&ap, len), false, 10,
				false);
			break;
		case 'x':
		case 'X':
			put_num(&o, &sp, arg_unsigned(&ap, len), false, 16,
				*f == 'X');
			break;
		case 'o':
			put_num(&o, &sp, arg_unsigned(&ap, len), false, 8,
				false);
			break;
		case 'p':
			sp.alt = true;
			put_num(&o, &sp, (uintptr_t)va_arg(ap, void *), false,
				16, false);
			break;
		case 's':
			put_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };
			sp.precision = 1;
			if (c[0] == 0) { /* still counts one character */
				put_repeat(&o, ' ', sp.left ? 0 : sp.width - 1);
				put(&o, 0);
				put_repeat(&o, ' ', sp.left ? sp.width - 1 : 0);
				break;
			}
			put_str(&o, &sp, c);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--; /* a lone '%' at the end: stop */
			break;
		default: /* unknown conversion: print it as it was written */
			put(&o, '%');
			put(&o, *f);
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
