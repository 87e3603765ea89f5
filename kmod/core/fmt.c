// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: bounded text writer (see fmt.h).
 */
#include "fmt.h"

void duet_fmt_init(struct duet_fmt *f, char *buf, size_t size)
{
	f->buf = buf;
	f->size = buf ? size : 0;
	f->len = 0;
	if (f->size)
		buf[0] = '\0';
}

void duet_fmt_putc(struct duet_fmt *f, char c)
{
	if (f->len + 1 < f->size) {
		f->buf[f->len] = c;
		f->buf[f->len + 1] = '\0';
	}
	f->len++;
}

void duet_fmt_puts(struct duet_fmt *f, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		duet_fmt_putc(f, *s++);
}

void duet_fmt_fill(struct duet_fmt *f, char c, size_t n)
{
	while (n--)
		duet_fmt_putc(f, c);
}

u64 duet_div10(u64 n, unsigned int *rem)
{
	u64 q, r;

	/* q ~= n * 0.8, then / 8: an estimate that is low by at most 1 */
	q = (n >> 1) + (n >> 2);
	q += q >> 4;
	q += q >> 8;
	q += q >> 16;
	q += q >> 32;
	q >>= 3;
	r = n - ((q << 3) + (q << 1));
	while (r > 9) {
		q++;
		r -= 10;
	}
	if (rem)
		*rem = (unsigned int)r;
	return q;
}

/* Digits of @v, least significant first; returns how many. */
static unsigned int duet_fmt_digits(u64 v, char *d)
{
	unsigned int n = 0, r;

	do {
		v = duet_div10(v, &r);
		d[n++] = (char)('0' + r);
	} while (v);
	return n;
}

void duet_fmt_u64w(struct duet_fmt *f, u64 v, unsigned int width)
{
	char d[20];
	unsigned int n = duet_fmt_digits(v, d);

	if (width > n)
		duet_fmt_fill(f, ' ', width - n);
	while (n)
		duet_fmt_putc(f, d[--n]);
}

void duet_fmt_u64(struct duet_fmt *f, u64 v)
{
	duet_fmt_u64w(f, v, 0);
}

void duet_fmt_s64(struct duet_fmt *f, s64 v)
{
	if (v < 0) {
		duet_fmt_putc(f, '-');
		/* negate in unsigned arithmetic: S64_MIN has no positive twin */
		duet_fmt_u64(f, (u64)0 - (u64)v);
	} else {
		duet_fmt_u64(f, (u64)v);
	}
}

void duet_fmt_u64_grouped(struct duet_fmt *f, u64 v)
{
	char d[20];
	unsigned int n = duet_fmt_digits(v, d);

	while (n) {
		duet_fmt_putc(f, d[--n]);
		if (n && n % 3 == 0)
			duet_fmt_putc(f, ',');
	}
}

void duet_fmt_hex(struct duet_fmt *f, u64 v, unsigned int digits)
{
	static const char hex[] = "0123456789abcdef";

	if (digits < 1)
		digits = 1;
	if (digits > 16)
		digits = 16;
	while (digits--)
		duet_fmt_putc(f, hex[(v >> (digits * 4)) & 0xf]);
}
