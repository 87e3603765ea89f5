/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: a tiny bounded text writer. The kernel's snprintf and libc's
 * differ in corner cases, and the core must render /proc text identically
 * in both builds, so it formats with these few primitives instead.
 *
 * The writer never writes past @size bytes and always leaves the buffer
 * NUL-terminated (when size > 0). Like snprintf it keeps counting when the
 * buffer is full: duet_fmt_len() is the length the full text would have,
 * and duet_fmt_overflowed() tells that it was cut.
 */
#ifndef DUET_CORE_FMT_H
#define DUET_CORE_FMT_H

#include "types.h"

struct duet_fmt {
	char *buf;	/* caller's buffer */
	size_t size;	/* its size in bytes, including the NUL */
	size_t len;	/* length of the whole text so far, cut or not */
};

void duet_fmt_init(struct duet_fmt *f, char *buf, size_t size);
void duet_fmt_putc(struct duet_fmt *f, char c);
void duet_fmt_puts(struct duet_fmt *f, const char *s);
/* @c repeated @n times */
void duet_fmt_fill(struct duet_fmt *f, char c, size_t n);
/* decimal, at least @width characters, padded on the left with spaces */
void duet_fmt_u64w(struct duet_fmt *f, u64 v, unsigned int width);
void duet_fmt_u64(struct duet_fmt *f, u64 v);
void duet_fmt_s64(struct duet_fmt *f, s64 v);
/* decimal with a comma every three digits, as in "40,480" */
void duet_fmt_u64_grouped(struct duet_fmt *f, u64 v);
/* lower-case hex, exactly @digits digits (1..16) */
void duet_fmt_hex(struct duet_fmt *f, u64 v, unsigned int digits);

static inline size_t duet_fmt_len(const struct duet_fmt *f)
{
	return f->len;
}

static inline bool duet_fmt_overflowed(const struct duet_fmt *f)
{
	return f->len >= f->size;
}

/*
 * Quotient and remainder of a division by 10 without a 64-bit divide
 * instruction (32-bit kernels have none; the core must not call libgcc).
 */
u64 duet_div10(u64 n, unsigned int *rem);

#endif /* DUET_CORE_FMT_H */
