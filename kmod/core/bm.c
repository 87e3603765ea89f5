// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: dirty bitmap (see bm.h).
 */
#include "bm.h"
#include "bytes.h"
#include "req.h"

#define WORD_SHIFT	6
#define ALL_ONES	(~(u64)0)

static unsigned int duet_popcount64(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned int)((x * 0x0101010101010101ULL) >> 56);
}

/* index of the lowest set bit; @x != 0 */
static unsigned int duet_ctz64(u64 x)
{
	return duet_popcount64((x & (0 - x)) - 1);
}

u64 duet_bm_bits(u64 nr_sect)
{
	return (nr_sect >> DUET_BM_SECT_SHIFT) +
	       !!(nr_sect & ((1 << DUET_BM_SECT_SHIFT) - 1));
}

u64 duet_bm_words(u64 nr_bits)
{
	return (nr_bits >> WORD_SHIFT) + !!(nr_bits & 63);
}

u64 duet_bm_pages(u64 nr_bits)
{
	return (nr_bits >> DUET_BM_PAGE_BITS_SHIFT) +
	       !!(nr_bits & ((1 << DUET_BM_PAGE_BITS_SHIFT) - 1));
}

u64 duet_bm_dirty_words(u64 nr_pages)
{
	return duet_bm_words(nr_pages);
}

int duet_bm_init(struct duet_bm *bm, u64 *words, u64 nr_words, u64 *dirty,
		 u64 nr_dirty, u64 nr_sect, struct duet_counters *ctr)
{
	u64 i;

	memset(bm, 0, sizeof(*bm));
	bm->nr_sect = nr_sect;
	bm->nr_bits = duet_bm_bits(nr_sect);
	bm->nr_words = duet_bm_words(bm->nr_bits);
	bm->nr_pages = duet_bm_pages(bm->nr_bits);
	if ((bm->nr_words && (!words || nr_words < bm->nr_words)) ||
	    (bm->nr_pages &&
	     (!dirty || nr_dirty < duet_bm_dirty_words(bm->nr_pages))))
		return -1;
	bm->words = words;
	bm->dirty = dirty;
	bm->ctr = ctr;
	for (i = 0; i < bm->nr_words; i++)
		words[i] = 0;
	for (i = 0; i < duet_bm_dirty_words(bm->nr_pages); i++)
		dirty[i] = 0;
	return 0;
}

static void duet_bm_dirty_word(struct duet_bm *bm, u64 w)
{
	u64 page = w >> 9;	/* 512 words per page */

	bm->dirty[page >> WORD_SHIFT] |= (u64)1 << (page & 63);
}

/* Mask of bits [lo, hi] within one word, 0 <= lo <= hi <= 63. */
static u64 duet_bm_mask(unsigned int lo, unsigned int hi)
{
	u64 m = ALL_ONES << lo;

	if (hi < 63)
		m &= ALL_ONES >> (63 - hi);
	return m;
}

static u64 duet_bm_change(struct duet_bm *bm, u64 first, u64 last, bool set)
{
	u64 w, fw, lw, m, old, changed = 0;
	unsigned int n;

	if (!bm->nr_bits || first > last || first >= bm->nr_bits)
		return 0;
	if (last >= bm->nr_bits)
		last = bm->nr_bits - 1;
	fw = first >> WORD_SHIFT;
	lw = last >> WORD_SHIFT;
	for (w = fw; w <= lw; w++) {
		m = duet_bm_mask(w == fw ? first & 63 : 0,
				 w == lw ? last & 63 : 63);
		old = bm->words[w];
		if (set)
			bm->words[w] = old | m;
		else
			bm->words[w] = old & ~m;
		n = duet_popcount64(old ^ bm->words[w]);
		if (n) {
			changed += n;
			duet_bm_dirty_word(bm, w);
		}
	}
	if (set)
		bm->weight += changed;
	else
		bm->weight -= changed;
	return changed;
}

u64 duet_bm_set_bits(struct duet_bm *bm, u64 first, u64 last)
{
	return duet_bm_change(bm, first, last, true);
}

u64 duet_bm_clear_bits(struct duet_bm *bm, u64 first, u64 last)
{
	return duet_bm_change(bm, first, last, false);
}

u64 duet_bm_set_range(struct duet_bm *bm, u64 sector, u64 nr_sect)
{
	u64 end;

	if (!nr_sect || sector >= bm->nr_sect)
		return 0;
	end = nr_sect > bm->nr_sect - sector ? bm->nr_sect : sector + nr_sect;
	return duet_bm_set_bits(bm, sector >> DUET_BM_SECT_SHIFT,
				(end - 1) >> DUET_BM_SECT_SHIFT);
}

u64 duet_bm_clear_range(struct duet_bm *bm, u64 sector, u64 nr_sect)
{
	u64 end, first, stop;

	if (!nr_sect || sector >= bm->nr_sect)
		return 0;
	end = nr_sect > bm->nr_sect - sector ? bm->nr_sect : sector + nr_sect;
	/* first block starting at or after @sector */
	first = (sector >> DUET_BM_SECT_SHIFT) +
		!!(sector & ((1 << DUET_BM_SECT_SHIFT) - 1));
	/* blocks below @stop end at or before @end */
	if (end == bm->nr_sect)
		stop = bm->nr_bits;
	else
		stop = end >> DUET_BM_SECT_SHIFT;
	if (first >= stop)
		return 0;
	return duet_bm_clear_bits(bm, first, stop - 1);
}

void duet_bm_set_all(struct duet_bm *bm)
{
	if (bm->nr_bits)
		duet_bm_set_bits(bm, 0, bm->nr_bits - 1);
}

void duet_bm_clear_all(struct duet_bm *bm)
{
	if (bm->nr_bits)
		duet_bm_clear_bits(bm, 0, bm->nr_bits - 1);
}

bool duet_bm_test(const struct duet_bm *bm, u64 bit)
{
	if (bit >= bm->nr_bits)
		return false;
	return (bm->words[bit >> WORD_SHIFT] >> (bit & 63)) & 1;
}

u64 duet_bm_weight_range(const struct duet_bm *bm, u64 first, u64 last)
{
	u64 w, fw, lw, n = 0;

	if (!bm->nr_bits || first > last || first >= bm->nr_bits)
		return 0;
	if (last >= bm->nr_bits)
		last = bm->nr_bits - 1;
	fw = first >> WORD_SHIFT;
	lw = last >> WORD_SHIFT;
	for (w = fw; w <= lw; w++)
		n += duet_popcount64(bm->words[w] &
				     duet_bm_mask(w == fw ? first & 63 : 0,
						  w == lw ? last & 63 : 63));
	return n;
}

static u64 duet_bm_find(const struct duet_bm *bm, u64 from, bool want_set)
{
	u64 w, x, bit;

	if (from >= bm->nr_bits)
		return DUET_BM_NONE;
	w = from >> WORD_SHIFT;
	x = want_set ? bm->words[w] : ~bm->words[w];
	x &= ALL_ONES << (from & 63);
	for (;;) {
		if (x) {
			bit = (w << WORD_SHIFT) + duet_ctz64(x);
			return bit < bm->nr_bits ? bit : DUET_BM_NONE;
		}
		if (++w >= bm->nr_words)
			return DUET_BM_NONE;
		x = want_set ? bm->words[w] : ~bm->words[w];
	}
}

u64 duet_bm_find_next(const struct duet_bm *bm, u64 from)
{
	return duet_bm_find(bm, from, true);
}

u64 duet_bm_find_next_zero(const struct duet_bm *bm, u64 from)
{
	return duet_bm_find(bm, from, false);
}

/* ---- on-disk pages ---------------------------------------------------- */

bool duet_bm_page_dirty(const struct duet_bm *bm, u64 page)
{
	if (page >= bm->nr_pages)
		return false;
	return (bm->dirty[page >> WORD_SHIFT] >> (page & 63)) & 1;
}

u64 duet_bm_next_dirty_page(const struct duet_bm *bm, u64 from)
{
	u64 w, x, page;

	if (from >= bm->nr_pages)
		return DUET_BM_NONE;
	w = from >> WORD_SHIFT;
	x = bm->dirty[w] & (ALL_ONES << (from & 63));
	for (;;) {
		if (x) {
			page = (w << WORD_SHIFT) + duet_ctz64(x);
			return page < bm->nr_pages ? page : DUET_BM_NONE;
		}
		if (++w >= duet_bm_dirty_words(bm->nr_pages))
			return DUET_BM_NONE;
		x = bm->dirty[w];
	}
}

void duet_bm_mark_all_dirty(struct duet_bm *bm)
{
	u64 p;

	for (p = 0; p < bm->nr_pages; p++)
		bm->dirty[p >> WORD_SHIFT] |= (u64)1 << (p & 63);
}

int duet_bm_encode_page(const struct duet_bm *bm, u64 page, u8 *buf)
{
	u64 i, w;

	if (page >= bm->nr_pages)
		return -1;
	for (i = 0; i < DUET_BM_PAGE_WORDS; i++) {
		w = page * DUET_BM_PAGE_WORDS + i;
		duet_put_le64(buf + 8 * i, w < bm->nr_words ? bm->words[w] : 0);
	}
	return 0;
}

void duet_bm_page_written(struct duet_bm *bm, u64 page)
{
	if (page >= bm->nr_pages)
		return;
	bm->dirty[page >> WORD_SHIFT] &= ~((u64)1 << (page & 63));
	duet_ctr_bm_written(bm->ctr);
}

int duet_bm_page_begin_write(struct duet_bm *bm, u64 page, u8 *buf)
{
	if (duet_bm_encode_page(bm, page, buf))
		return -1;
	bm->dirty[page >> WORD_SHIFT] &= ~((u64)1 << (page & 63));
	return 0;
}

void duet_bm_page_end_write(struct duet_bm *bm, u64 page, bool ok)
{
	if (page >= bm->nr_pages)
		return;
	if (ok)
		duet_ctr_bm_written(bm->ctr);
	else
		bm->dirty[page >> WORD_SHIFT] |= (u64)1 << (page & 63);
}

u64 duet_bm_set_extents(struct duet_bm *bm, const u32 *ext, u32 n)
{
	u64 first, changed = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		first = (u64)ext[i] << DUET_BM_EXTENT_BITS_SHIFT;
		if (first >= bm->nr_bits)
			continue;
		changed += duet_bm_set_bits(bm, first, first +
					    (1 << DUET_BM_EXTENT_BITS_SHIFT) - 1);
	}
	return changed;
}

/* Bits of word @w that belong to the device. */
static u64 duet_bm_valid_mask(const struct duet_bm *bm, u64 w)
{
	u64 first = w << WORD_SHIFT;

	if (first >= bm->nr_bits)
		return 0;
	if (bm->nr_bits - first >= 64)
		return ALL_ONES;
	return ALL_ONES >> (64 - (bm->nr_bits - first));
}

static s64 duet_bm_load(struct duet_bm *bm, u64 page, const u8 *buf,
			bool merge)
{
	u64 i, w, v, m, old;
	s64 surplus = 0, changed = 0;

	if (page >= bm->nr_pages)
		return -1;
	for (i = 0; i < DUET_BM_PAGE_WORDS; i++) {
		w = page * DUET_BM_PAGE_WORDS + i;
		v = duet_get_le64(buf + 8 * i);
		m = duet_bm_valid_mask(bm, w);
		surplus += duet_popcount64(v & ~m);
		if (w >= bm->nr_words)
			continue;
		old = bm->words[w];
		v &= m;
		bm->words[w] = merge ? old | v : v;
		bm->weight -= duet_popcount64(old);
		bm->weight += duet_popcount64(bm->words[w]);
		changed += duet_popcount64(old ^ bm->words[w]);
	}
	if (merge) {
		if (changed)
			bm->dirty[page >> WORD_SHIFT] |= (u64)1 << (page & 63);
		return changed;
	}
	bm->dirty[page >> WORD_SHIFT] &= ~((u64)1 << (page & 63));
	return surplus;
}

s64 duet_bm_decode_page(struct duet_bm *bm, u64 page, const u8 *buf)
{
	return duet_bm_load(bm, page, buf, false);
}

s64 duet_bm_merge_page(struct duet_bm *bm, u64 page, const u8 *buf)
{
	return duet_bm_load(bm, page, buf, true);
}
