// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: bitmap exchange codec (see bm_rle.h).
 */
#include "bm_rle.h"

static const char *const duet_bm_rle_errors[] = {
	[0] = "OK",
	[-DUET_BM_RLE_E_EMPTY] = "bitmap chunk covers no bit",
	[-DUET_BM_RLE_E_CODE] = "bitmap chunk has an unknown encoding",
	[-DUET_BM_RLE_E_TRUNCATED] = "bitmap chunk ends inside a run length",
	[-DUET_BM_RLE_E_OVERLONG] =
		"bitmap chunk has an overlong run length",
	[-DUET_BM_RLE_E_ZERO_RUN] = "bitmap chunk has an empty run",
	[-DUET_BM_RLE_E_PAST_END] =
		"bitmap chunk goes past the end of the bitmap",
	[-DUET_BM_RLE_E_TRAILING] =
		"bitmap chunk has bytes after the end of the bitmap",
};

const char *duet_bm_rle_strerror(int err)
{
	if (err <= 0 && err >= DUET_BM_RLE_E_LAST)
		return duet_bm_rle_errors[-err];
	return "unknown bitmap chunk error";
}

/* ---- LEB128 ----------------------------------------------------------- */

static u32 duet_varint_len(u64 v)
{
	u32 n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static u32 duet_varint_put(u8 *p, u64 v)
{
	u32 n = 0;

	while (v >= 0x80) {
		p[n++] = (u8)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (u8)v;
	return n;
}

/* One number from [*pp, end); on success *pp moves past it. */
static int duet_varint_get(const u8 **pp, const u8 *end, u64 *v)
{
	const u8 *p = *pp;
	u64 x = 0;
	u32 i;
	u8 b;

	for (i = 0; ; i++) {
		if (p == end)
			return DUET_BM_RLE_E_TRUNCATED;
		b = *p++;
		/* the tenth byte holds bit 63 alone and ends the number */
		if (i == DUET_BM_RLE_VARINT_MAX - 1 && b > 1)
			return DUET_BM_RLE_E_OVERLONG;
		x |= (u64)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	/* a last byte of 0 after others adds nothing: not the shortest form */
	if (i && !b)
		return DUET_BM_RLE_E_OVERLONG;
	*pp = p;
	*v = x;
	return DUET_BM_RLE_OK;
}

/* ---- encoding ---------------------------------------------------------- */

/* Runs from @start on into @buf until it is full: bits covered. */
static u64 duet_rle_runs(const struct duet_bm *bm, u64 start, u8 *buf,
			 u32 cap, u32 *len)
{
	u64 pos = start, next;
	bool set = false;
	u32 n = 1;

	buf[0] = DUET_BM_RLE_RUNS;
	while (pos < bm->nr_bits) {
		next = set ? duet_bm_find_next_zero(bm, pos) :
			     duet_bm_find_next(bm, pos);
		if (next > bm->nr_bits)
			next = bm->nr_bits;
		if (duet_varint_len(next - pos) > cap - n)
			break;
		n += duet_varint_put(buf + n, next - pos);
		pos = next;
		set = !set;
	}
	*len = n;
	return pos - start;
}

/* The 8 bits from @bit on (bits past the end of the bitmap are zero). */
static u8 duet_rle_byte(const struct duet_bm *bm, u64 bit)
{
	u64 w = bit >> 6;
	u32 sh = bit & 63;
	u64 v = bm->words[w] >> sh;

	if (sh > 56 && w + 1 < bm->nr_words)
		v |= bm->words[w + 1] << (64 - sh);
	return (u8)v;
}

static void duet_rle_plain(const struct duet_bm *bm, u64 start, u64 nbits,
			   u8 *buf)
{
	u64 i, nbytes = (nbits + 7) >> 3;

	buf[0] = DUET_BM_RLE_PLAIN;
	for (i = 0; i < nbytes; i++)
		buf[1 + i] = duet_rle_byte(bm, start + (i << 3));
	if (nbits & 7)
		buf[nbytes] &= (u8)((1u << (nbits & 7)) - 1);
}

u64 duet_bm_rle_encode(const struct duet_bm *bm, u64 start, u8 *buf, u32 cap,
		       u32 *len)
{
	u64 left, plain_bits, rle_bits;
	u32 plain_len, rle_len;

	*len = 0;
	if (start >= bm->nr_bits || cap < DUET_BM_RLE_MIN_CAP)
		return 0;
	left = bm->nr_bits - start;
	plain_bits = (u64)(cap - 1) << 3;
	if (plain_bits > left)
		plain_bits = left;
	plain_len = 1 + (u32)((plain_bits + 7) >> 3);
	rle_bits = duet_rle_runs(bm, start, buf, cap, &rle_len);
	if (rle_bits > plain_bits ||
	    (rle_bits == plain_bits && rle_len <= plain_len)) {
		*len = rle_len;
		return rle_bits;
	}
	duet_rle_plain(bm, start, plain_bits, buf);
	*len = plain_len;
	return plain_bits;
}

/* ---- decoding ---------------------------------------------------------- */

/*
 * Walk the runs of [p, end) from @start on: validate only, or (@apply)
 * set the bits of the set runs, the chunk being known valid.
 */
static int duet_rle_walk(struct duet_bm *bm, u64 start, const u8 *p,
			 const u8 *end, bool apply, u64 *bits, u64 *newly)
{
	u64 pos = start, run;
	bool set = false, first = true;
	int err;

	while (p < end) {
		if (pos == bm->nr_bits && !first)
			return DUET_BM_RLE_E_TRAILING;
		err = duet_varint_get(&p, end, &run);
		if (err)
			return err;
		if (!run && !first)
			return DUET_BM_RLE_E_ZERO_RUN;
		if (run > bm->nr_bits - pos)
			return DUET_BM_RLE_E_PAST_END;
		if (apply && set && run)
			*newly += duet_bm_set_bits(bm, pos, pos + run - 1);
		pos += run;
		set = !set;
		first = false;
	}
	if (pos == start)
		return DUET_BM_RLE_E_EMPTY;
	*bits = pos - start;
	return DUET_BM_RLE_OK;
}

static int duet_plain_check(const struct duet_bm *bm, u64 start,
			    const u8 *body, u32 n, u64 *bits)
{
	u64 left = bm->nr_bits - start;
	u32 tail;

	if (!n)
		return DUET_BM_RLE_E_EMPTY;
	if ((u64)(n - 1) << 3 >= left)
		return DUET_BM_RLE_E_TRAILING;
	if ((u64)n << 3 > left) {
		/* the last byte holds the last bits and zero padding */
		tail = (u32)(left & 7);
		if (body[n - 1] >> tail)
			return DUET_BM_RLE_E_PAST_END;
		*bits = left;
	} else {
		*bits = (u64)n << 3;
	}
	return DUET_BM_RLE_OK;
}

static u64 duet_plain_apply(struct duet_bm *bm, u64 start, const u8 *body,
			    u64 nbits)
{
	u64 i, run = 0, newly = 0;

	for (i = 0; i <= nbits; i++) {
		if (i < nbits && (body[i >> 3] >> (i & 7)) & 1) {
			run++;
			continue;
		}
		if (run)
			newly += duet_bm_set_bits(bm, start + i - run,
						  start + i - 1);
		run = 0;
	}
	return newly;
}

int duet_bm_rle_decode(struct duet_bm *bm, u64 start, const u8 *buf, u32 len,
		       u64 *bits, u64 *newly_set)
{
	u64 n = 0, newly = 0;
	int err;

	*bits = 0;
	if (newly_set)
		*newly_set = 0;
	if (!len)
		return DUET_BM_RLE_E_EMPTY;
	if (start > bm->nr_bits)
		return DUET_BM_RLE_E_PAST_END;
	switch (buf[0]) {
	case DUET_BM_RLE_PLAIN:
		err = duet_plain_check(bm, start, buf + 1, len - 1, &n);
		if (err)
			return err;
		newly = duet_plain_apply(bm, start, buf + 1, n);
		break;
	case DUET_BM_RLE_RUNS:
		err = duet_rle_walk(bm, start, buf + 1, buf + len, false, &n,
				    &newly);
		if (err)
			return err;
		duet_rle_walk(bm, start, buf + 1, buf + len, true, &n, &newly);
		break;
	default:
		return DUET_BM_RLE_E_CODE;
	}
	*bits = n;
	if (newly_set)
		*newly_set = newly;
	return DUET_BM_RLE_OK;
}
