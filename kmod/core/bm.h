/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the dirty ("out of sync") bitmap, one bit per 4 KiB block
 * (drbd.md §3.7). A set bit means the block may differ from the peer and
 * must be resynced.
 *
 * The bits live in the caller's array of u64 words (bit b is bit b % 64
 * of word b / 64). The number of set bits is kept up to date, so "oos:"
 * costs nothing. Every change also marks the 4 KiB page of the on-disk
 * bitmap it falls into as dirty, so the glue writes back only changed
 * pages. On disk a page is 512 little-endian u64 words, lowest block in
 * the least significant bit; bits past the end of the device are zero.
 *
 * Sector ranges: setting marks every block the range touches (a partial
 * block may have changed); clearing clears only blocks the range covers
 * entirely (a partial resync does not make a block clean). The last block
 * of a device whose size is not a multiple of 4 KiB counts as covered
 * when the range reaches the end of the device.
 */
#ifndef DUET_CORE_BM_H
#define DUET_CORE_BM_H

#include "types.h"

struct duet_counters;

#define DUET_BM_SECT_SHIFT	3	/* 8 sectors = 4 KiB per bit */
#define DUET_BM_PAGE_SIZE	4096
#define DUET_BM_PAGE_WORDS	(DUET_BM_PAGE_SIZE / 8)
#define DUET_BM_PAGE_BITS_SHIFT	15	/* 32768 bits per page */
#define DUET_BM_NONE		(~(u64)0)

struct duet_bm {
	u64 *words;		/* caller's, duet_bm_words(nr_bits) */
	u64 *dirty;		/* caller's, one bit per bitmap page */
	u64 nr_sect;		/* device size in sectors */
	u64 nr_bits;		/* blocks */
	u64 nr_words;
	u64 nr_pages;		/* 4 KiB pages of the on-disk bitmap */
	u64 weight;		/* set bits */
	struct duet_counters *ctr;	/* "bm:" of /proc, may be NULL */
};

/* Sizes of the caller's arrays. */
u64 duet_bm_bits(u64 nr_sect);
u64 duet_bm_words(u64 nr_bits);
u64 duet_bm_pages(u64 nr_bits);
u64 duet_bm_dirty_words(u64 nr_pages);

/*
 * A clear bitmap for a device of @nr_sect sectors over @words
 * (@nr_words >= duet_bm_words()) and @dirty (@nr_dirty >=
 * duet_bm_dirty_words()). Returns 0, or -1 when an array is too small.
 */
int duet_bm_init(struct duet_bm *bm, u64 *words, u64 nr_words, u64 *dirty,
		 u64 nr_dirty, u64 nr_sect, struct duet_counters *ctr);

/* Bits [first, last], inclusive, clamped to the device; how many changed */
u64 duet_bm_set_bits(struct duet_bm *bm, u64 first, u64 last);
u64 duet_bm_clear_bits(struct duet_bm *bm, u64 first, u64 last);
/* Sector ranges, with the partial-block rules above. */
u64 duet_bm_set_range(struct duet_bm *bm, u64 sector, u64 nr_sect);
u64 duet_bm_clear_range(struct duet_bm *bm, u64 sector, u64 nr_sect);
void duet_bm_set_all(struct duet_bm *bm);
void duet_bm_clear_all(struct duet_bm *bm);

bool duet_bm_test(const struct duet_bm *bm, u64 bit);
/* Set bits in [first, last]. */
u64 duet_bm_weight_range(const struct duet_bm *bm, u64 first, u64 last);

static inline u64 duet_bm_weight(const struct duet_bm *bm)
{
	return bm->weight;
}

/* "oos:" of /proc: out-of-sync KiB */
static inline u64 duet_bm_oos_kib(const struct duet_bm *bm)
{
	return bm->weight << 2;
}

/* First set (or clear) bit at or after @from; DUET_BM_NONE if none. */
u64 duet_bm_find_next(const struct duet_bm *bm, u64 from);
u64 duet_bm_find_next_zero(const struct duet_bm *bm, u64 from);

/* ---- on-disk pages ---------------------------------------------------- */

static inline u64 duet_bm_bit_page(u64 bit)
{
	return bit >> DUET_BM_PAGE_BITS_SHIFT;
}

bool duet_bm_page_dirty(const struct duet_bm *bm, u64 page);
/* First dirty page at or after @from; DUET_BM_NONE if none. */
u64 duet_bm_next_dirty_page(const struct duet_bm *bm, u64 from);
void duet_bm_mark_all_dirty(struct duet_bm *bm);
/*
 * Encode page @page into @buf (4096 bytes). Returns 0, or -1 when the
 * page does not exist. The page stays dirty until duet_bm_page_written().
 */
int duet_bm_encode_page(const struct duet_bm *bm, u64 page, u8 *buf);
/* The encoded page reached the disk: clean it and count a write-out. */
void duet_bm_page_written(struct duet_bm *bm, u64 page);
/*
 * Write-back of a page while its bits may go on changing (the glue writes
 * outside its lock): duet_bm_page_begin_write() encodes @page into @buf
 * and marks it clean, so a change made during the write dirties it again;
 * duet_bm_page_end_write() counts the write-out ("bm:") when @ok, or marks
 * the page dirty again after a failed write. begin returns 0, or -1 when
 * the page does not exist (end then does nothing).
 */
int duet_bm_page_begin_write(struct duet_bm *bm, u64 page, u8 *buf);
void duet_bm_page_end_write(struct duet_bm *bm, u64 page, bool ok);
/*
 * Load page @page from @buf (as read from disk; the page becomes clean).
 * Bits past the end of the device are dropped. Returns how many such bits
 * were set (0 for a well-formed page), or -1 when the page does not exist.
 */
s64 duet_bm_decode_page(struct duet_bm *bm, u64 page, const u8 *buf);
/*
 * OR an encoded page (the peer's bitmap) into ours; changed pages become
 * dirty. Returns the number of bits newly set, or -1 for a bad page.
 */
s64 duet_bm_merge_page(struct duet_bm *bm, u64 page, const u8 *buf);

/* ---- activity-log extents (4 MiB, al.h) ------------------------------ */

#define DUET_BM_EXTENT_BITS_SHIFT	10	/* 1024 bits per 4 MiB extent */

/* The bitmap page that holds the bits of extent @e (32 extents a page). */
static inline u64 duet_bm_extent_page(u32 e)
{
	return ((u64)e << DUET_BM_EXTENT_BITS_SHIFT) >> DUET_BM_PAGE_BITS_SHIFT;
}

/*
 * Set every bit of the extents @ext[0 .. n) (clamped to the device), as
 * after a crash of a Primary for the extents its activity log held hot.
 * Returns how many bits changed.
 */
u64 duet_bm_set_extents(struct duet_bm *bm, const u32 *ext, u32 n);

#endif /* DUET_CORE_BM_H */
