/*
 * Unit tests for kmod/core/bm.c: the dirty bitmap. Random set/clear of
 * sector ranges against a reference bool array (partial-block rules, the
 * maintained count, find-next, dirty pages), page encoding byte by byte,
 * decode and merge.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/bm.h"
#include "kmod/core/req.h"

struct tbm {
	struct duet_bm bm;
	uint64_t *words, *dirty;
	struct duet_counters ctr;
};

static void tbm_init(struct tbm *t, uint64_t nr_sect)
{
	uint64_t bits = duet_bm_bits(nr_sect);
	uint64_t nw = duet_bm_words(bits), nd = duet_bm_dirty_words(duet_bm_pages(bits));

	t->words = malloc((nw ? nw : 1) * 8);
	t->dirty = malloc((nd ? nd : 1) * 8);
	memset(t->words, 0xa5, (nw ? nw : 1) * 8);	/* init must clear */
	memset(t->dirty, 0xa5, (nd ? nd : 1) * 8);
	duet_ctr_init(&t->ctr);
	assert_int_equal(duet_bm_init(&t->bm, t->words, nw, t->dirty, nd, nr_sect,
				      &t->ctr), 0);
}

static void tbm_free(struct tbm *t)
{
	free(t->words);
	free(t->dirty);
}

static void test_sizes(void **state)
{
	struct duet_bm bm;
	uint64_t w[2], d[1];

	(void)state;
	assert_int_equal(duet_bm_bits(0), 0);
	assert_int_equal(duet_bm_bits(1), 1);
	assert_int_equal(duet_bm_bits(8), 1);
	assert_int_equal(duet_bm_bits(9), 2);
	assert_int_equal(duet_bm_words(64), 1);
	assert_int_equal(duet_bm_words(65), 2);
	assert_int_equal(duet_bm_pages(32768), 1);
	assert_int_equal(duet_bm_pages(32769), 2);
	/* 1 GiB: 262144 bits, 8 pages (32 KiB) */
	assert_int_equal(duet_bm_pages(duet_bm_bits(1 << 21)), 8);
	/* arrays too small */
	assert_int_equal(duet_bm_init(&bm, w, 1, d, 1, 65 * 8, NULL), -1);
	assert_int_equal(duet_bm_init(&bm, w, 2, d, 0, 65 * 8, NULL), -1);
	assert_int_equal(duet_bm_init(&bm, NULL, 2, d, 1, 65 * 8, NULL), -1);
	assert_int_equal(duet_bm_init(&bm, w, 2, d, 1, 65 * 8, NULL), 0);
	/* an empty device */
	assert_int_equal(duet_bm_init(&bm, NULL, 0, NULL, 0, 0, NULL), 0);
	assert_int_equal(duet_bm_set_range(&bm, 0, 8), 0);
	assert_int_equal(duet_bm_find_next(&bm, 0), DUET_BM_NONE);
	assert_int_equal(duet_bm_next_dirty_page(&bm, 0), DUET_BM_NONE);
	duet_bm_set_all(&bm);
	assert_int_equal(duet_bm_weight(&bm), 0);
}

static void test_partial_blocks(void **state)
{
	struct tbm t;

	(void)state;
	tbm_init(&t, 1000);	/* 125 blocks */
	/* one sector marks its whole block */
	assert_int_equal(duet_bm_set_range(&t.bm, 9, 1), 1);
	assert_true(duet_bm_test(&t.bm, 1));
	assert_int_equal(duet_bm_oos_kib(&t.bm), 4);
	/* clearing that sector alone does not clean the block */
	assert_int_equal(duet_bm_clear_range(&t.bm, 9, 1), 0);
	assert_int_equal(duet_bm_clear_range(&t.bm, 8, 7), 0);
	assert_int_equal(duet_bm_clear_range(&t.bm, 9, 7), 0);
	assert_int_equal(duet_bm_clear_range(&t.bm, 8, 8), 1);
	/* a write straddling two blocks marks both */
	assert_int_equal(duet_bm_set_range(&t.bm, 15, 2), 2);
	assert_true(duet_bm_test(&t.bm, 1));
	assert_true(duet_bm_test(&t.bm, 2));
	/* clearing 4..20 covers block 1 only (8..15) */
	assert_int_equal(duet_bm_clear_range(&t.bm, 4, 16), 1);
	assert_true(duet_bm_test(&t.bm, 2));
	/* past the end: clamped */
	assert_int_equal(duet_bm_set_range(&t.bm, 990, 100), 2);
	assert_int_equal(duet_bm_set_range(&t.bm, 1000, 8), 0);
	assert_int_equal(duet_bm_set_range(&t.bm, 0, 0), 0);
	assert_int_equal(duet_bm_weight(&t.bm), 3);
	assert_int_equal(duet_bm_clear_range(&t.bm, 984, 16), 2);
	tbm_free(&t);

	/* a device not a multiple of 4 KiB: the partial last block is clean
	 * once a range reaches the end of the device */
	tbm_init(&t, 1003);	/* 126 blocks, the last one 3 sectors */
	assert_int_equal(duet_bm_set_range(&t.bm, 1001, 1), 1);
	assert_true(duet_bm_test(&t.bm, 125));
	assert_int_equal(duet_bm_clear_range(&t.bm, 1000, 2), 0);
	assert_int_equal(duet_bm_clear_range(&t.bm, 1000, 3), 1);
	assert_int_equal(duet_bm_set_range(&t.bm, 0, ~0ULL), 126);
	assert_int_equal(duet_bm_clear_range(&t.bm, 0, ~0ULL), 126);
	assert_int_equal(duet_bm_set_range(&t.bm, ~0ULL - 4, 10), 0);
	tbm_free(&t);
}

/* random ranges against a reference array */
static void test_random_against_reference(void **state)
{
	static const uint64_t sizes[] = { 8, 1003, 64 * 8, 65 * 8, 32768 * 8 + 24,
					  3 * 32768 * 8 };
	uint64_t rs = 12345;

	(void)state;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		uint64_t nsect = sizes[z];
		uint64_t nbits = duet_bm_bits(nsect);
		uint64_t npages = duet_bm_pages(nbits);
		bool *ref = calloc(nbits, 1);
		bool *pdirty = calloc(npages, 1);
		uint64_t weight = 0;
		struct tbm t;

		tbm_init(&t, nsect);
		for (int i = 0; i < 20000; i++) {
			uint64_t sec, nr, changed = 0, first, stop;
			bool set;

			rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
			set = (rs >> 60) & 1;
			sec = (rs >> 20) % (nsect + 4);
			rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
			nr = (rs >> 33) % ((rs >> 62) ? 40 : nsect + 10);
			if (sec < nsect && nr) {
				uint64_t end = sec + nr > nsect ? nsect : sec + nr;

				if (set) {
					first = sec / 8;
					stop = (end + 7) / 8;
				} else {
					first = (sec + 7) / 8;
					stop = end == nsect ? nbits : end / 8;
				}
				for (uint64_t b = first; b < stop; b++)
					if (ref[b] != set) {
						ref[b] = set;
						changed++;
						pdirty[b / 32768] = true;
					}
			}
			if (set) {
				assert_int_equal(duet_bm_set_range(&t.bm, sec, nr), changed);
				weight += changed;
			} else {
				assert_int_equal(duet_bm_clear_range(&t.bm, sec, nr), changed);
				weight -= changed;
			}
			assert_int_equal(duet_bm_weight(&t.bm), weight);
			if (i % 997 == 0) {
				/* full comparison, find-next both ways, pages */
				uint64_t b = 0, n;

				for (uint64_t k = 0; k < nbits; k++)
					assert_int_equal(duet_bm_test(&t.bm, k), ref[k]);
				assert_false(duet_bm_test(&t.bm, nbits));
				for (n = duet_bm_find_next(&t.bm, 0); n != DUET_BM_NONE;
				     n = duet_bm_find_next(&t.bm, n + 1)) {
					while (b < n)
						assert_false(ref[b++]);
					assert_true(ref[b++]);
				}
				while (b < nbits)
					assert_false(ref[b++]);
				b = 0;
				for (n = duet_bm_find_next_zero(&t.bm, 0); n != DUET_BM_NONE;
				     n = duet_bm_find_next_zero(&t.bm, n + 1)) {
					while (b < n)
						assert_true(ref[b++]);
					assert_false(ref[b++]);
				}
				while (b < nbits)
					assert_true(ref[b++]);
				for (uint64_t p = 0; p < npages; p++)
					assert_int_equal(duet_bm_page_dirty(&t.bm, p), pdirty[p]);
				{
					uint64_t lo = nbits / 3, hi = nbits - 1, cnt = 0;

					for (uint64_t k = lo; k <= hi; k++)
						cnt += ref[k];
					assert_int_equal(duet_bm_weight_range(&t.bm, lo, hi), cnt);
				}
				/* write back: pages become clean */
				for (uint64_t p = duet_bm_next_dirty_page(&t.bm, 0);
				     p != DUET_BM_NONE;
				     p = duet_bm_next_dirty_page(&t.bm, p + 1)) {
					assert_true(pdirty[p]);
					duet_bm_page_written(&t.bm, p);
					pdirty[p] = false;
				}
			}
		}
		print_message("# %llu sectors: weight %llu, %llu page writes\n",
			      (unsigned long long)nsect, (unsigned long long)weight,
			      (unsigned long long)t.ctr.bm_writes);
		tbm_free(&t);
		free(ref);
		free(pdirty);
	}
}

static void test_pages(void **state)
{
	struct tbm t, u;
	uint8_t page[4096];

	(void)state;
	/* 2 pages and a bit: 65538 bits */
	tbm_init(&t, 65538 * 8 - 3);
	assert_int_equal(t.bm.nr_pages, 3);
	assert_int_equal(duet_bm_next_dirty_page(&t.bm, 0), DUET_BM_NONE);
	duet_bm_set_bits(&t.bm, 0, 0);
	duet_bm_set_bits(&t.bm, 65, 66);
	duet_bm_set_bits(&t.bm, 32768, 32768);
	duet_bm_set_bits(&t.bm, 65537, 70000);	/* clamped to the last bit */
	assert_int_equal(duet_bm_weight(&t.bm), 5);
	assert_int_equal(duet_bm_next_dirty_page(&t.bm, 0), 0);
	assert_int_equal(duet_bm_next_dirty_page(&t.bm, 1), 1);
	assert_int_equal(duet_bm_next_dirty_page(&t.bm, 3), DUET_BM_NONE);

	/* little-endian u64 words, lowest block in bit 0 */
	assert_int_equal(duet_bm_encode_page(&t.bm, 0, page), 0);
	assert_int_equal(page[0], 0x01);
	assert_int_equal(page[8], 0x06);	/* bits 65, 66 */
	for (int i = 9; i < 4096; i++)
		assert_int_equal(page[i], 0);
	assert_int_equal(duet_bm_encode_page(&t.bm, 2, page), 0);
	assert_int_equal(page[0], 0x02);	/* bit 65537 = page 2, bit 1 */
	assert_int_equal(duet_bm_encode_page(&t.bm, 3, page), -1);
	assert_true(duet_bm_page_dirty(&t.bm, 0));	/* encode keeps it dirty */
	duet_bm_page_written(&t.bm, 0);
	duet_bm_page_written(&t.bm, 9);			/* ignored */
	assert_false(duet_bm_page_dirty(&t.bm, 0));
	assert_int_equal(t.ctr.bm_writes, 1);

	/* decode into another bitmap: equal, pages clean */
	tbm_init(&u, 65538 * 8 - 3);
	for (uint64_t p = 0; p < 3; p++) {
		assert_int_equal(duet_bm_encode_page(&t.bm, p, page), 0);
		assert_int_equal(duet_bm_decode_page(&u.bm, p, page), 0);
	}
	assert_int_equal(duet_bm_weight(&u.bm), 5);
	assert_memory_equal(t.words, u.words, t.bm.nr_words * 8);
	assert_int_equal(duet_bm_next_dirty_page(&u.bm, 0), DUET_BM_NONE);
	/* bits past the device in the last page are dropped and counted */
	memset(page, 0xff, sizeof(page));
	assert_int_equal(duet_bm_decode_page(&u.bm, 2, page), 32768 - 2);
	assert_int_equal(duet_bm_weight(&u.bm), 3 + 1 + 2);
	assert_int_equal(duet_bm_decode_page(&u.bm, 3, page), -1);
	/* decoding replaces */
	memset(page, 0, sizeof(page));
	assert_int_equal(duet_bm_decode_page(&u.bm, 0, page), 0);
	assert_int_equal(duet_bm_weight(&u.bm), 3);

	/* merge: OR, changed pages dirty */
	page[1] = 0x80;		/* bit 15 */
	assert_int_equal(duet_bm_merge_page(&u.bm, 0, page), 1);
	assert_int_equal(duet_bm_merge_page(&u.bm, 0, page), 0);
	assert_true(duet_bm_test(&u.bm, 15));
	assert_true(duet_bm_page_dirty(&u.bm, 0));
	assert_false(duet_bm_page_dirty(&u.bm, 1));
	assert_int_equal(duet_bm_merge_page(&u.bm, 7, page), -1);

	duet_bm_mark_all_dirty(&u.bm);
	assert_int_equal(duet_bm_next_dirty_page(&u.bm, 1), 1);
	duet_bm_set_all(&u.bm);
	assert_int_equal(duet_bm_weight(&u.bm), 65538);
	assert_int_equal(duet_bm_oos_kib(&u.bm), 65538 * 4);
	assert_int_equal(duet_bm_find_next_zero(&u.bm, 0), DUET_BM_NONE);
	duet_bm_clear_all(&u.bm);
	assert_int_equal(duet_bm_weight(&u.bm), 0);
	assert_int_equal(duet_bm_find_next(&u.bm, 0), DUET_BM_NONE);
	assert_int_equal(duet_bm_bit_page(32767), 0);
	assert_int_equal(duet_bm_bit_page(32768), 1);
	tbm_free(&t);
	tbm_free(&u);
}

/* write-back while bits change: begin cleans, a change dirties again */
static void test_page_write_back(void **state)
{
	struct tbm t;
	uint8_t page[4096];

	(void)state;
	tbm_init(&t, 65538 * 8);
	duet_bm_set_bits(&t.bm, 3, 3);
	assert_int_equal(duet_bm_page_begin_write(&t.bm, 0, page), 0);
	assert_int_equal(page[0], 0x08);
	assert_false(duet_bm_page_dirty(&t.bm, 0));
	assert_int_equal(t.ctr.bm_writes, 0);
	/* a bit set while the page is on its way: dirty again */
	duet_bm_set_bits(&t.bm, 4, 4);
	assert_true(duet_bm_page_dirty(&t.bm, 0));
	duet_bm_page_end_write(&t.bm, 0, true);
	assert_int_equal(t.ctr.bm_writes, 1);
	assert_true(duet_bm_page_dirty(&t.bm, 0));
	/* a failed write leaves the page dirty and is not counted */
	assert_int_equal(duet_bm_page_begin_write(&t.bm, 1, page), 0);
	assert_false(duet_bm_page_dirty(&t.bm, 1));
	duet_bm_page_end_write(&t.bm, 1, false);
	assert_true(duet_bm_page_dirty(&t.bm, 1));
	assert_int_equal(t.ctr.bm_writes, 1);
	/* pages that do not exist */
	assert_int_equal(duet_bm_page_begin_write(&t.bm, 3, page), -1);
	duet_bm_page_end_write(&t.bm, 3, true);
	duet_bm_page_end_write(&t.bm, 3, false);
	assert_int_equal(t.ctr.bm_writes, 1);
	assert_int_equal(duet_bm_next_dirty_page(&t.bm, 2), DUET_BM_NONE);
	tbm_free(&t);
}

/* hot activity-log extents set dirty after a crash */
static void test_extents(void **state)
{
	struct tbm t;
	/* 10 MiB + 4 KiB: extents 0, 1 whole, 2 of 2 MiB + 4 KiB */
	uint64_t sect = (10ULL << 11) + 8;
	uint32_t ext[] = { 1, 2, 3, 99 };

	(void)state;
	tbm_init(&t, sect);
	assert_int_equal(duet_bm_extent_page(0), 0);
	assert_int_equal(duet_bm_extent_page(31), 0);
	assert_int_equal(duet_bm_extent_page(32), 1);
	assert_int_equal(duet_bm_extent_page(0xfffffffeU), 0xfffffffeULL >> 5);
	duet_bm_set_bits(&t.bm, 1024, 1024);	/* already set: not counted */
	/* extent 1: 1024 bits, extent 2 clamped to 513, 3 and 99 outside */
	assert_int_equal(duet_bm_set_extents(&t.bm, ext, 4), 1023 + 513);
	assert_int_equal(duet_bm_weight(&t.bm), 1024 + 513);
	assert_false(duet_bm_test(&t.bm, 1023));
	assert_true(duet_bm_test(&t.bm, 1024));
	assert_true(duet_bm_test(&t.bm, 2047 + 513));
	assert_int_equal(duet_bm_find_next(&t.bm, 0), 1024);
	assert_true(duet_bm_page_dirty(&t.bm, 0));
	assert_int_equal(duet_bm_set_extents(&t.bm, ext, 4), 0);
	assert_int_equal(duet_bm_set_extents(&t.bm, ext, 0), 0);
	tbm_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_partial_blocks),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_page_write_back),
		cmocka_unit_test(test_extents),
	};

	return cmocka_run_group_tests_name("core_bm", tests, NULL, NULL);
}
