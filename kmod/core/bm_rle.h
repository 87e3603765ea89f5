/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the bitmap exchange codec. Before a resync both nodes send
 * their dirty bitmap (bm.h) as a sequence of chunks, each the payload of
 * one DUET_P_BITMAP packet of at most DUET_WIRE_MAX_BM bytes; the
 * receiver ORs each chunk into its own bitmap at the bit where the
 * previous chunk ended (PROTOCOL.md "Bitmap exchange").
 *
 * A chunk is one encoding byte and a body:
 *
 *   0x00 plain: bit i of the chunk is bit i % 8 of body byte i / 8
 *        (least significant first); it covers 8 * body bytes bits, or
 *        up to the end of the bitmap, whose padding bits are zero.
 *   0x01 runs: run lengths of alternating clear and set bits, the first
 *        run clear, each an unsigned LEB128 number (7 bits a byte, least
 *        significant group first, high bit = more bytes follow, shortest
 *        form only, at most 10 bytes and 64 bits). Only the first run
 *        may be 0 (the chunk starts on a set bit). The chunk covers the
 *        sum of its runs.
 *
 * The encoder sends runs when they cover more bits than a plain chunk of
 * the same size limit would, or as many in fewer bytes; else plain. So a
 * sparse bitmap costs a few bytes per dirty region and a dense random one
 * never more than one bit per bit (plus the encoding byte). The decoder refuses anything but this form (see enum
 * duet_bm_rle_err) and changes the bitmap only when the whole chunk is
 * valid.
 */
#ifndef DUET_CORE_BM_RLE_H
#define DUET_CORE_BM_RLE_H

#include "types.h"
#include "bm.h"

#define DUET_BM_RLE_PLAIN	0x00
#define DUET_BM_RLE_RUNS	0x01
/* Longest LEB128 number (64 bits). */
#define DUET_BM_RLE_VARINT_MAX	10
/* Smallest buffer duet_bm_rle_encode() accepts. */
#define DUET_BM_RLE_MIN_CAP	16

enum duet_bm_rle_err {
	DUET_BM_RLE_OK = 0,
	DUET_BM_RLE_E_EMPTY = -1,	/* the chunk covers no bit */
	DUET_BM_RLE_E_CODE = -2,	/* unknown encoding byte */
	DUET_BM_RLE_E_TRUNCATED = -3,	/* a run length cut short */
	DUET_BM_RLE_E_OVERLONG = -4,	/* not the shortest form, > 64 bits */
	DUET_BM_RLE_E_ZERO_RUN = -5,	/* a 0 run other than the first */
	DUET_BM_RLE_E_PAST_END = -6,	/* a run or set bit past the end */
	DUET_BM_RLE_E_TRAILING = -7,	/* bytes after the end of the bitmap */
	DUET_BM_RLE_E_LAST = -7
};

const char *duet_bm_rle_strerror(int err);

/*
 * Encode the bits of @bm from bit @start on into one chunk in @buf of at
 * most @cap bytes (DUET_BM_RLE_MIN_CAP <= @cap; more than
 * DUET_WIRE_MAX_BM is not used). Returns the number of bits the chunk
 * covers, *@len its size; 0 (and *@len 0) when @start is at or past the
 * end of the bitmap or @cap is too small.
 */
u64 duet_bm_rle_encode(const struct duet_bm *bm, u64 start, u8 *buf, u32 cap,
		       u32 *len);

/*
 * OR the chunk @buf of @len bytes into @bm from bit @start on. Returns 0
 * with *@bits the number of bits the chunk covered and *@newly_set (may
 * be NULL) the number of bits that became set, or an error, in which case
 * @bm is unchanged.
 */
int duet_bm_rle_decode(struct duet_bm *bm, u64 start, const u8 *buf, u32 len,
		       u64 *bits, u64 *newly_set);

#endif /* DUET_CORE_BM_RLE_H */
