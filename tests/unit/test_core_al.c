/*
 * Unit tests for kmod/core/al.c: the activity log. The transaction codec
 * (every byte flipped, truncation, each validation error), the write path
 * (hits, misses, LRU eviction, starving, the 64-update limit, failed
 * transaction writes) and crash recovery: a random workload over a
 * simulated meta-data ring, crashed at random points with the last
 * transaction write torn or not, many times round the ring, through
 * several attach generations; the replayed set must equal the hot set a
 * reference model derived from the committed transactions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/al.h"
#include "kmod/core/crc32c.h"
#include "kmod/core/req.h"

#define EXT(e) ((uint64_t)(e) << DUET_AL_EXTENT_SECT_SHIFT)
#define LOG_ID 0xabcdef0123456789ULL

/* a log with its memory, on the heap */
struct tal {
	struct duet_al al;
	struct duet_al_slot *slots;
	uint32_t *hash;
	struct duet_counters ctr;
};

static void tal_init(struct tal *t, uint32_t n, uint32_t ring, uint64_t seq)
{
	uint32_t nh = duet_al_hash_size(n);

	t->slots = calloc(n, sizeof(*t->slots));
	t->hash = calloc(nh, sizeof(*t->hash));
	assert_non_null(t->slots);
	assert_non_null(t->hash);
	duet_ctr_init(&t->ctr);
	assert_int_equal(duet_al_init(&t->al, t->slots, n, t->hash, nh, ring,
				      seq, LOG_ID, &t->ctr), 0);
}

static void tal_free(struct tal *t)
{
	free(t->slots);
	free(t->hash);
}

/* Write every wanted transaction into @ring (may be NULL). */
static void flush_tx(struct tal *t, uint8_t *ring)
{
	struct duet_al_tx_info info;
	uint8_t b[4096];

	while (duet_al_tx_wanted(&t->al)) {
		assert_int_equal(duet_al_tx_prepare(&t->al, b, &info), 1);
		if (ring)
			memcpy(ring + (size_t)info.ring_index * 4096, b, 4096);
		assert_int_equal(duet_al_tx_done(&t->al, true), 0);
	}
}

static void reseal(uint8_t *b)
{
	uint32_t crc;

	memset(b + 24, 0, 4);
	crc = duet_crc32c(0, b, 4096);
	for (int i = 0; i < 4; i++)
		b[24 + i] = crc >> (8 * i);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

/* ---- codec ------------------------------------------------------------ */

static void make_update_block(uint8_t *b)
{
	struct tal t;
	struct duet_al_tx_info info;

	tal_init(&t, 1237, 80, 41);
	flush_tx(&t, NULL);
	for (int e = 0; e < 5; e++)
		assert_int_equal(duet_al_begin_io(&t.al, EXT(e * 7), 8),
				 DUET_AL_WAIT_TX);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(info.seq, 42);
	assert_int_equal(info.ring_index, 42);
	assert_int_equal(info.al_sector, 42 * 8);
	assert_int_equal(info.nr_updates, 5);
	assert_int_equal(info.nr_evicted, 0);
	tal_free(&t);
}

static void test_tx_codec(void **state)
{
	struct duet_al_tx_hdr h;
	uint8_t b[4096];
	uint32_t slot, e;

	(void)state;
	make_update_block(b);
	assert_memory_equal(b, "DUAL", 4);
	assert_int_equal(duet_al_tx_decode(b, sizeof(b), &h), 0);
	assert_int_equal(h.seq, 42);
	assert_int_equal(h.log_id, LOG_ID);
	assert_int_equal(h.type, DUET_AL_TX_UPDATE);
	assert_int_equal(h.al_extents, 1237);
	assert_int_equal(h.ctx_start, 0);
	assert_int_equal(h.n_updates, 5);
	assert_int_equal(h.n_context, DUET_AL_TX_CONTEXT);
	for (unsigned int i = 0; i < 5; i++) {
		duet_al_tx_update(b, i, &slot, &e);
		assert_int_equal(e, i * 7);
		assert_true(slot < 1237);
		assert_int_equal(duet_al_tx_context(b, slot), e);
	}
	/* accessors are bounded */
	duet_al_tx_update(b, 64, &slot, &e);
	assert_int_equal(slot, DUET_AL_NONE);
	assert_int_equal(duet_al_tx_context(b, DUET_AL_TX_CONTEXT), DUET_AL_NONE);
}

static void test_tx_every_byte_flipped(void **state)
{
	uint8_t good[4096], b[4096];
	struct duet_al_tx_hdr h;

	(void)state;
	make_update_block(good);
	for (int i = 0; i < 4096; i++)
		for (int m = 0; m < 3; m++) {
			static const uint8_t masks[] = { 0x01, 0x80, 0xff };
			int err;

			memcpy(b, good, sizeof(b));
			b[i] ^= masks[m];
			err = duet_al_tx_decode(b, sizeof(b), &h);
			if (err == 0)
				fail_msg("byte %d ^ %#x accepted", i, masks[m]);
			if (i < 4)
				assert_int_equal(err, DUET_AL_E_MAGIC);
			else if (i < 6)
				assert_int_equal(err, DUET_AL_E_VERSION);
			else
				assert_int_equal(err, DUET_AL_E_CHECKSUM);
		}
	for (size_t len = 0; len < 4096; len += 7) {
		uint8_t *t = malloc(len ? len : 1);

		memcpy(t, good, len);
		assert_int_equal(duet_al_tx_decode(t, len, &h), DUET_AL_E_SHORT);
		free(t);
	}
	memset(b, 0, sizeof(b));
	assert_int_equal(duet_al_tx_decode(b, sizeof(b), &h), DUET_AL_E_BLANK);
	assert_int_equal(duet_al_tx_decode(NULL, 4096, &h), DUET_AL_E_SHORT);
}

static void test_tx_semantic_errors(void **state)
{
	static const struct {
		const char *name;
		int off, width;
		uint32_t value;
		int err;
	} pokes[] = {
		{ "type 0", 6, 2, 0, DUET_AL_E_TYPE },
		{ "type 3", 6, 2, 3, DUET_AL_E_TYPE },
		{ "seq 0", 8, 8, 0, DUET_AL_E_SEQ },
		{ "al-extents 6", 28, 4, 6, DUET_AL_E_EXTENTS },
		{ "al-extents 65535", 28, 4, 65535, DUET_AL_E_EXTENTS },
		{ "context start past the end", 32, 4, 1237, DUET_AL_E_SLOT },
		{ "65 updates", 36, 2, 65, DUET_AL_E_COUNT },
		{ "887 context slots", 38, 2, 887, DUET_AL_E_COUNT },
		{ "update slot past the end", 40, 4, 1237, DUET_AL_E_SLOT },
		{ "update extent reserved", 44, 4, 0xfffffff5, DUET_AL_E_EXTENT },
		{ "context extent reserved", 552, 4, 0xfffffffe, DUET_AL_E_EXTENT },
		{ "unused update not zero", 40 + 8 * 5, 4, 1, DUET_AL_E_RESERVED },
	};
	uint8_t good[4096], b[4096];
	struct duet_al_tx_hdr h;

	(void)state;
	make_update_block(good);
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		int err;

		memcpy(b, good, sizeof(b));
		if (pokes[i].width == 2) {
			b[pokes[i].off] = pokes[i].value;
			b[pokes[i].off + 1] = pokes[i].value >> 8;
		} else if (pokes[i].width == 4) {
			put32(b + pokes[i].off, pokes[i].value);
		} else {
			memset(b + pokes[i].off, 0, 8);
		}
		reseal(b);
		err = duet_al_tx_decode(b, sizeof(b), &h);
		if (err != pokes[i].err)
			fail_msg("%s: got %d (%s)", pokes[i].name, err,
				 duet_al_strerror(err));
	}
	/* fewer context slots: the tail must then be zero */
	memcpy(b, good, sizeof(b));
	b[38] = 10;
	b[39] = 0;
	reseal(b);
	assert_int_equal(duet_al_tx_decode(b, sizeof(b), &h), DUET_AL_E_RESERVED);
	memset(b + 552 + 40, 0, 4096 - 552 - 40);
	reseal(b);
	assert_int_equal(duet_al_tx_decode(b, sizeof(b), &h), 0);
	assert_int_equal(h.n_context, 10);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int e = DUET_AL_E_LAST; e < 0; e++) {
		assert_null(strstr(duet_al_strerror(e), "unknown activity-log error"));
		for (int f = DUET_AL_E_LAST; f < e; f++)
			assert_string_not_equal(duet_al_strerror(e), duet_al_strerror(f));
	}
	assert_string_equal(duet_al_strerror(1), "unknown activity-log error");
	assert_int_equal(duet_al_max_extents(80), 65534);
	assert_int_equal(duet_al_max_extents(8), 886 * 7);
	assert_int_equal(duet_al_max_extents(1), 0);
}

/* ---- the write path --------------------------------------------------- */

static void test_init_errors(void **state)
{
	struct duet_al al;
	struct duet_al_slot slots[8];
	uint32_t hash[8];

	(void)state;
	assert_int_equal(duet_al_init(&al, slots, 6, hash, 8, 8, 1, 0, NULL),
			 DUET_AL_E_EXTENTS);
	assert_int_equal(duet_al_init(&al, slots, 7, hash, 8, 3, 1, 0, NULL),
			 DUET_AL_E_EXTENTS);
	assert_int_equal(duet_al_init(&al, slots, 7, hash, 4, 8, 1, 0, NULL),
			 DUET_AL_E_MEMORY);
	assert_int_equal(duet_al_init(&al, slots, 7, hash, 12, 8, 1, 0, NULL),
			 DUET_AL_E_MEMORY);
	assert_int_equal(duet_al_init(&al, NULL, 7, hash, 8, 8, 1, 0, NULL),
			 DUET_AL_E_MEMORY);
	assert_int_equal(duet_al_init(&al, slots, 7, hash, 8, 8, 1, 0, NULL), 0);
	/* 2000 extents need a ring of at least 4 blocks: 886 x 3 >= 2000 */
	assert_int_equal(duet_al_hash_size(2000), 2048);
	assert_int_equal(duet_al_hash_size(1), 1);
}

static void test_hits_and_misses(void **state)
{
	struct tal t;
	struct duet_al_tx_info info;
	uint8_t b[4096];

	(void)state;
	tal_init(&t, 7, 8, 1);
	/* before the init transaction nothing is ready */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(3), 8), DUET_AL_WAIT_TX);
	assert_false(duet_al_io_ready(&t.al, EXT(3), 8));
	assert_true(duet_al_tx_wanted(&t.al));
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(info.nr_updates, 0);	/* the init transaction */
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), DUET_AL_E_STATE);
	assert_false(duet_al_tx_wanted(&t.al));
	assert_int_equal(duet_al_tx_done(&t.al, true), 0);
	assert_false(duet_al_io_ready(&t.al, EXT(3), 8));
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(info.nr_updates, 1);
	assert_int_equal(info.seq, 2);
	assert_false(duet_al_io_ready(&t.al, EXT(3), 8));
	assert_int_equal(duet_al_tx_done(&t.al, true), 0);
	assert_true(duet_al_io_ready(&t.al, EXT(3), 8));
	assert_true(duet_al_is_hot(&t.al, 3));
	assert_false(duet_al_is_hot(&t.al, 4));
	assert_int_equal(t.ctr.al_writes, 2);
	assert_int_equal(duet_al_tx_done(&t.al, true), DUET_AL_E_STATE);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 0);

	/* a second write into the hot extent is a hit */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(3) + 100, 16), DUET_AL_GO);
	assert_int_equal(t.al.stats.hits, 1);
	assert_int_equal(t.al.stats.misses, 1);
	assert_int_equal(duet_al_complete_io(&t.al, EXT(3) + 100, 16), 0);
	assert_int_equal(duet_al_complete_io(&t.al, EXT(3), 8), 0);
	/* one completion too many */
	assert_int_equal(duet_al_complete_io(&t.al, EXT(3), 8), DUET_AL_E_STATE);
	assert_int_equal(duet_al_complete_io(&t.al, EXT(5), 8), DUET_AL_E_STATE);

	/* ranges: empty, two extents, too wide, past the extent limit */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(9), 0), DUET_AL_GO);
	assert_true(duet_al_io_ready(&t.al, EXT(9), 0));
	assert_int_equal(duet_al_begin_io(&t.al, EXT(4) - 8, 16), DUET_AL_WAIT_TX);
	flush_tx(&t, NULL);
	assert_true(duet_al_io_ready(&t.al, EXT(4) - 8, 16));
	assert_true(duet_al_is_hot(&t.al, 3));
	assert_true(duet_al_is_hot(&t.al, 4));
	assert_int_equal(duet_al_begin_io(&t.al, 0, (DUET_AL_MAX_SPAN + 1) << 13),
			 DUET_AL_E_RANGE);
	assert_int_equal(duet_al_begin_io(&t.al, EXT(0xfffffff0ULL), 8),
			 DUET_AL_E_RANGE);
	assert_int_equal(duet_al_begin_io(&t.al, ~0ULL - 3, 8), DUET_AL_E_RANGE);
	tal_free(&t);
}

static void test_lru_eviction(void **state)
{
	struct tal t;
	struct duet_al_tx_info info;
	uint8_t b[4096];
	uint32_t hot[16];

	(void)state;
	tal_init(&t, 7, 8, 1);
	flush_tx(&t, NULL);
	/* fill the 7 slots, one write each, completed */
	for (uint32_t e = 10; e < 17; e++) {
		assert_int_equal(duet_al_begin_io(&t.al, EXT(e), 8), DUET_AL_WAIT_TX);
		flush_tx(&t, NULL);
		assert_int_equal(duet_al_complete_io(&t.al, EXT(e), 8), 0);
	}
	assert_int_equal(duet_al_hot_extents(&t.al, hot, 16), 7);
	/* touch 10 again: now 11 is the least recently used */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(10), 8), DUET_AL_GO);
	assert_int_equal(duet_al_complete_io(&t.al, EXT(10), 8), 0);
	assert_int_equal(duet_al_begin_io(&t.al, EXT(20), 8), DUET_AL_WAIT_TX);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(info.nr_evicted, 1);
	assert_int_equal(info.evicted[0], 11);
	/* until the transaction is on disk, 11 is still in the on-disk set */
	assert_int_equal(duet_al_hot_extents(&t.al, hot, 16), 7);
	assert_int_equal(hot[0], 10);
	assert_int_equal(hot[1], 11);
	assert_int_equal(duet_al_tx_done(&t.al, true), 0);
	assert_false(duet_al_is_hot(&t.al, 11));
	assert_true(duet_al_is_hot(&t.al, 20));
	assert_int_equal(duet_al_hot_extents(&t.al, hot, 16), 7);
	assert_int_equal(hot[6], 20);

	/* all 7 busy: the next cold extent starves, nothing is taken */
	for (uint32_t e = 12; e < 17; e++)
		assert_int_equal(duet_al_begin_io(&t.al, EXT(e), 8), DUET_AL_GO);
	assert_int_equal(duet_al_begin_io(&t.al, EXT(10), 8), DUET_AL_GO);
	assert_int_equal(duet_al_begin_io(&t.al, EXT(30), 8), DUET_AL_BUSY);
	assert_int_equal(t.al.stats.starving, 1);
	/* a range with one hot and one cold extent starves too, and the
	 * hot one's reference is given back */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(17) - 8, 16), DUET_AL_BUSY);
	assert_int_equal(duet_al_complete_io(&t.al, EXT(16), 8), 0);
	assert_int_equal(duet_al_complete_io(&t.al, EXT(16), 8), DUET_AL_E_STATE);
	/* 16 is idle now, so 30 can have its slot */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(30), 8), DUET_AL_WAIT_TX);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(info.evicted[0], 16);
	assert_int_equal(duet_al_tx_done(&t.al, true), 0);
	tal_free(&t);
}

static void test_update_limit_and_failure(void **state)
{
	struct tal t;
	struct duet_al_tx_info info, again;
	uint8_t b[4096], b2[4096];
	struct duet_al_tx_hdr h;

	(void)state;
	tal_init(&t, 300, 8, 1);
	flush_tx(&t, NULL);
	for (uint32_t e = 0; e < 64; e++)
		assert_int_equal(duet_al_begin_io(&t.al, EXT(e), 8), DUET_AL_WAIT_TX);
	/* the 65th change would not fit into one transaction */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(64), 8), DUET_AL_BUSY);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(info.nr_updates, 64);
	/* still not while those 64 are being written */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(64), 8), DUET_AL_BUSY);
	/* the write fails: the same changes go again, same number */
	assert_int_equal(duet_al_tx_done(&t.al, false), 0);
	assert_false(duet_al_io_ready(&t.al, EXT(5), 8));
	assert_true(duet_al_tx_wanted(&t.al));
	assert_int_equal(duet_al_tx_prepare(&t.al, b2, &again), 1);
	assert_int_equal(again.seq, info.seq);
	assert_int_equal(again.nr_updates, 64);
	assert_memory_equal(b, b2, 4096);
	assert_int_equal(duet_al_tx_done(&t.al, true), 0);
	assert_true(duet_al_io_ready(&t.al, EXT(5), 8));
	assert_int_equal(t.ctr.al_writes, 2);

	/* a failure while new changes queued up: both go into the retry */
	assert_int_equal(duet_al_begin_io(&t.al, EXT(100), 8), DUET_AL_WAIT_TX);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(duet_al_begin_io(&t.al, EXT(101), 8), DUET_AL_WAIT_TX);
	assert_int_equal(duet_al_tx_done(&t.al, false), 0);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &again), 1);
	assert_int_equal(again.seq, info.seq);
	assert_int_equal(again.nr_updates, 2);
	assert_int_equal(duet_al_tx_decode(b, 4096, &h), 0);
	assert_int_equal(h.ctx_start, 0);	/* 300 slots: all in every block */
	assert_int_equal(duet_al_tx_done(&t.al, true), 0);
	assert_true(duet_al_io_ready(&t.al, EXT(101), 8));

	/* a failed init transaction is retried too */
	tal_free(&t);
	tal_init(&t, 7, 8, 9);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(duet_al_tx_done(&t.al, false), 0);
	assert_true(duet_al_tx_wanted(&t.al));
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	assert_int_equal(info.seq, 9);
	assert_int_equal(duet_al_tx_decode(b, 4096, &h), 0);
	assert_int_equal(h.type, DUET_AL_TX_INIT);
	assert_int_equal(duet_al_tx_done(&t.al, true), 0);
	assert_false(duet_al_tx_wanted(&t.al));
	tal_free(&t);
}

/* ---- crash recovery --------------------------------------------------- */

/*
 * Reference model: the slot table as the committed transactions describe
 * it, applied from every transaction ever written (not just the ring).
 */
struct model {
	uint32_t n;
	uint32_t *slot;
};

static void model_apply(struct model *m, const uint8_t *b)
{
	struct duet_al_tx_hdr h;
	uint32_t slot, e;

	assert_int_equal(duet_al_tx_decode(b, 4096, &h), 0);
	if (h.type == DUET_AL_TX_INIT)
		for (uint32_t i = 0; i < m->n; i++)
			m->slot[i] = DUET_AL_NONE;
	for (unsigned int i = 0; i < h.n_updates; i++) {
		duet_al_tx_update(b, i, &slot, &e);
		m->slot[slot] = e;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t model_set(const struct model *m, uint32_t *out)
{
	uint32_t n = 0, k = 0;

	for (uint32_t i = 0; i < m->n; i++)
		if (m->slot[i] != DUET_AL_NONE)
			out[n++] = m->slot[i];
	qsort(out, n, sizeof(*out), cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		if (!k || out[i] != out[k - 1])
			out[k++] = out[i];
	return k;
}

struct io;
static void check_started(const uint32_t *set, uint32_t n,
			  const struct io *ios, uint32_t nios, int g);

struct io {
	uint64_t sector;
	uint32_t nr;
	bool granted;	/* the write was allowed to start */
};

/* Every started write's extents are in the on-disk set (sorted). */
static void check_started(const uint32_t *set, uint32_t n,
			  const struct io *ios, uint32_t nios, int g)
{

	for (uint32_t k = 0; k < nios; k++) {
		if (!ios[k].granted)
			continue;
		for (uint64_t e = ios[k].sector >> 13;
		     e <= (ios[k].sector + ios[k].nr - 1) >> 13; e++) {
			uint32_t key = (uint32_t)e;

			if (!bsearch(&key, set, n, sizeof(*set), cmp_u32))
				fail_msg("gen %d: a write in extent %u started but the extent is not on disk",
					 g, key);
		}
	}
}

static uint64_t rnd_state;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rnd_state >> 33);
}

/*
 * One scenario: @nslots slots, @ring blocks, extents drawn from
 * [0, @universe). Runs @gens attach generations, each ending in a crash.
 */
static void add_io(struct io *ios, uint32_t *nios, uint64_t sec, uint32_t nr,
		   bool granted)
{
	ios[*nios].sector = sec;
	ios[*nios].nr = nr;
	ios[*nios].granted = granted;
	(*nios)++;
}

/*
 * One scenario: @nslots slots, @ring blocks, extents drawn from
 * [0, @universe). Runs @gens attach generations, each ending in a crash.
 * Transaction writes are asynchronous: prepared in one step, on disk in a
 * later one, so writes are checked not to start in between.
 */
static void crash_scenario(uint32_t nslots, uint32_t ring, uint32_t universe,
			   int gens, int steps, uint64_t seed)
{
	uint8_t *disk = calloc(ring, 4096);
	uint32_t *work = calloc(nslots, sizeof(uint32_t));
	uint32_t *want = calloc(nslots, sizeof(uint32_t));
	struct model m = { nslots, calloc(nslots, sizeof(uint32_t)) };
	struct io *ios = calloc(256, sizeof(*ios));
	struct duet_al_recovery r;
	uint64_t next_seq = 1;
	uint32_t nios = 0, nwant;
	unsigned long tx = 0, torn = 0, lost = 0;
	int err;

	assert_non_null(disk);
	rnd_state = seed;
	for (uint32_t i = 0; i < nslots; i++)
		m.slot[i] = DUET_AL_NONE;
	for (int g = 0; g < gens; g++) {
		struct tal t;
		uint8_t b[4096];
		struct duet_al_tx_info info;
		bool inflight = false;
		int crash_at = steps / 2 + (int)(rnd() % (uint32_t)steps);

		tal_init(&t, nslots, ring, next_seq);
		nios = 0;
		nwant = model_set(&m, want);
		for (int s = 0; s < crash_at; s++) {
			uint32_t op = rnd() % 10;

			if (op < 4 && nios < 256) {
				/* a new write of 4 KiB .. 1 MiB */
				uint32_t nr = 8 << (rnd() % 9);
				uint64_t sec = EXT(rnd() % universe) +
					       (rnd() % 1024) * 8;
				int rv = duet_al_begin_io(&t.al, sec, nr);

				assert_true(rv >= 0);
				if (rv != DUET_AL_BUSY)
					add_io(ios, &nios, sec, nr, rv == DUET_AL_GO);
			} else if (op < 6 && nios) {
				/* a write finishes (only started ones can) */
				uint32_t k = rnd() % nios;

				if (ios[k].granted) {
					assert_int_equal(duet_al_complete_io(&t.al,
						ios[k].sector, ios[k].nr), 0);
					ios[k] = ios[--nios];
				}
			} else if (op < 8 && !inflight && duet_al_tx_wanted(&t.al)) {
				assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
				inflight = true;
			} else if (inflight) {
				/* the transaction block reaches the disk */
				memcpy(disk + (size_t)info.ring_index * 4096, b, 4096);
				model_apply(&m, b);
				nwant = model_set(&m, want);
				assert_int_equal(duet_al_tx_done(&t.al, true), 0);
				inflight = false;
				tx++;
			}
			/* writes whose extents are on disk may start */
			for (uint32_t k = 0; k < nios; k++)
				if (!ios[k].granted &&
				    duet_al_io_ready(&t.al, ios[k].sector, ios[k].nr))
					ios[k].granted = true;
			/* safety: a started write's extents are on disk */
			check_started(want, nwant, ios, nios, g);
		}
		/* the log's own view of the on-disk set matches the model */
		nwant = model_set(&m, want);
		{
			uint32_t own = duet_al_hot_extents(&t.al, work, nslots);

			assert_int_equal(own, nwant);
			assert_memory_equal(work, want, nwant * sizeof(uint32_t));
		}
		/* the crash, often in the middle of a transaction write */
		for (int k = 0; k < 16 && !inflight && !duet_al_tx_wanted(&t.al) &&
		     nios < 256; k++) {
			uint64_t sec = EXT(rnd() % universe);

			if (duet_al_begin_io(&t.al, sec, 8) != DUET_AL_BUSY)
				add_io(ios, &nios, sec, 8, false);
		}
		if (!inflight && duet_al_tx_wanted(&t.al) && rnd() % 4) {
			assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
			inflight = true;
		}
		if (inflight) {
			uint8_t *blk = disk + (size_t)info.ring_index * 4096;
			/* 0: not written at all, 4096: completely */
			uint32_t cut = rnd() % 8 ? rnd() % 4097 : 0;

			memcpy(blk, b, cut);
			if (cut < 4096 && rnd() % 2)	/* a junk sector */
				memset(blk + cut, 0x5a,
				       (4096 - cut) < 512 ? 4096 - cut : 512);
			/* the unwritten tail may equal the old block's */
			if (memcmp(blk, b, 4096) == 0) {
				model_apply(&m, b);
				nwant = model_set(&m, want);
			} else if (cut) {
				torn++;
			} else {
				lost++;
			}
		}
		tal_free(&t);

		err = duet_al_recover(disk, (size_t)ring * 4096, ring, LOG_ID, work,
				      nslots, &r);
		if (err)
			fail_msg("gen %d: recovery failed: %s", g, duet_al_strerror(err));
		assert_int_equal(r.nr_hot, nwant);
		assert_memory_equal(work, want, nwant * sizeof(uint32_t));
		assert_int_equal(r.al_extents, nslots);
		next_seq = r.next_seq;
		/* on attach the glue marks these dirty; the log starts empty */
	}
	print_message("# %u slots, ring %u: %lu transactions, %d crashes, %lu torn, %lu unwritten\n",
		      nslots, ring, tx, gens, torn, lost);
	free(disk);
	free(work);
	free(want);
	free(m.slot);
	free(ios);
}

static void test_recovery_small(void **state)
{
	(void)state;
	/* few slots, many evictions, the ring wraps many times */
	crash_scenario(7, 4, 20, 200, 200, 1);
	crash_scenario(61, 8, 200, 30, 800, 2);
}

static void test_recovery_context_windows(void **state)
{
	(void)state;
	/* 2000 slots need 3 transactions of context: ring of exactly 4 */
	crash_scenario(2000, 4, 5000, 30, 2000, 3);
	/* the default 1237 in a small ring */
	crash_scenario(1237, 4, 3000, 8, 3000, 4);
}

static void test_recovery_large(void **state)
{
	(void)state;
	/* the largest al-extents with the default ring: 74 blocks of context */
	crash_scenario(65534, 80, 200000, 3, 6000, 5);
}

static void test_recovery_errors(void **state)
{
	struct tal t;
	uint8_t *disk = calloc(4, 4096);
	uint32_t work[2000];
	struct duet_al_recovery r;
	struct duet_al_tx_info info;
	uint8_t b[4096];

	(void)state;
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 2000, &r),
			 DUET_AL_E_BLANK);
	assert_int_equal(duet_al_recover(disk, 4 * 4096 - 1, 4, LOG_ID, work, 2000, &r),
			 DUET_AL_E_SHORT);
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 3, LOG_ID, work, 2000, &r),
			 DUET_AL_E_COUNT);
	memset(disk + 4096, 0x77, 100);
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 2000, &r),
			 DUET_AL_E_CORRUPT);

	/* 2000 slots, write 5 transactions (init + 4) */
	memset(disk, 0, 4 * 4096);
	tal_init(&t, 2000, 4, 1);
	for (int i = 0; i < 5; i++) {
		if (i)
			duet_al_begin_io(&t.al, EXT(i), 8);
		assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
		memcpy(disk + info.ring_index * 4096, b, 4096);
		duet_al_tx_done(&t.al, true);
	}
	tal_free(&t);
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 2000, &r), 0);
	assert_int_equal(r.nr_hot, 4);
	assert_int_equal(r.newest_seq, 5);
	assert_int_equal(r.next_seq, 6);
	assert_int_equal(r.nr_valid, 4);
	assert_int_equal(r.nr_replayed, 4);	/* every block of the ring */
	assert_int_equal(work[0], 1);
	assert_int_equal(work[3], 4);
	/* another device's log: ignored */
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID + 1, work, 2000, &r),
			 DUET_AL_E_CORRUPT);
	/* too little work memory */
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 1999, &r),
			 DUET_AL_E_MEMORY);
	/* one block lost besides the newest: 2000 slots cannot be rebuilt */
	disk[(5 % 4) * 4096 + 200] ^= 1;
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 2000, &r), 0);
	assert_int_equal(r.newest_seq, 4);
	disk[(3 % 4) * 4096 + 200] ^= 1;
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 2000, &r),
			 DUET_AL_E_INCOMPLETE);
	/* a block in the wrong place (seq 6 in block 1 of 4) is not trusted */
	memset(disk, 0, 4 * 4096);
	tal_init(&t, 7, 4, 6);
	assert_int_equal(duet_al_tx_prepare(&t.al, b, &info), 1);
	tal_free(&t);
	memcpy(disk + 1 * 4096, b, 4096);
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 2000, &r),
			 DUET_AL_E_CORRUPT);
	memcpy(disk + 2 * 4096, b, 4096);
	assert_int_equal(duet_al_recover(disk, 4 * 4096, 4, LOG_ID, work, 2000, &r), 0);
	assert_int_equal(r.nr_hot, 0);
	free(disk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_codec),
		cmocka_unit_test(test_tx_every_byte_flipped),
		cmocka_unit_test(test_tx_semantic_errors),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_hits_and_misses),
		cmocka_unit_test(test_lru_eviction),
		cmocka_unit_test(test_update_limit_and_failure),
		cmocka_unit_test(test_recovery_small),
		cmocka_unit_test(test_recovery_context_windows),
		cmocka_unit_test(test_recovery_large),
		cmocka_unit_test(test_recovery_errors),
	};

	return cmocka_run_group_tests_name("core_al", tests, NULL, NULL);
}
