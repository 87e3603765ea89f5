/*
 * Unit tests for kmod/core/bm_rle.c, the bitmap exchange codec: round
 * trips of random bitmaps over many sizes and densities (all clear, all
 * set, alternating bits, a last partial word, runs longer than a chunk),
 * with large and small chunks; the choice between runs and plain; the
 * compression of a sparse bitmap; OR semantics; every malformed form the
 * decoder must refuse, with its near miss accepted.
 *
 * With DUET_WRITE_BM_RLE_CORPUS=DIR set, the test also writes seed inputs
 * for tests/fuzz/fuzz_bm_rle to DIR (the input format is described in
 * tests/fuzz/fuzz_bm_rle.c).
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
#include "kmod/core/bm_rle.h"
#include "kmod/core/wire.h"

/* A bitmap of @bits bits (4 KiB blocks) on the heap. */
struct rbm {
	struct duet_bm bm;
	uint64_t *w;
	uint64_t *d;
};

static void rbm_new(struct rbm *r, uint64_t bits)
{
	uint64_t nw = duet_bm_words(bits) + 1;
	uint64_t nd = duet_bm_dirty_words(duet_bm_pages(bits)) + 1;

	r->w = calloc(nw, sizeof(uint64_t));
	r->d = calloc(nd, sizeof(uint64_t));
	assert_non_null(r->w);
	assert_non_null(r->d);
	assert_int_equal(duet_bm_init(&r->bm, r->w, nw, r->d, nd, bits * 8,
				      NULL), 0);
	assert_int_equal(r->bm.nr_bits, bits);
}

static void rbm_del(struct rbm *r)
{
	free(r->w);
	free(r->d);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

enum pattern { P_CLEAR, P_SET, P_ALT, P_DENSITY, P_RUNS };

/* Fill @r: @per_mille of the bits set at random, or a pattern. */
static void rbm_fill(struct rbm *r, enum pattern p, unsigned int per_mille)
{
	uint64_t b, n = r->bm.nr_bits, len;

	duet_bm_clear_all(&r->bm);
	switch (p) {
	case P_CLEAR:
		break;
	case P_SET:
		duet_bm_set_all(&r->bm);
		break;
	case P_ALT:
		for (b = 1; b < n; b += 2)
			duet_bm_set_bits(&r->bm, b, b);
		break;
	case P_DENSITY:
		for (b = 0; b < n; b++)
			if (rng() % 1000 < per_mille)
				duet_bm_set_bits(&r->bm, b, b);
		break;
	case P_RUNS:
		/* runs of random length up to 2^(per_mille % 20) */
		for (b = rng() % 64; b < n; b += len + 1 + rng() % (len + 1)) {
			len = rng() % ((uint64_t)1 << (per_mille % 20));
			duet_bm_set_bits(&r->bm, b, b + len);
		}
		break;
	}
}

static void assert_bm_equal(const struct rbm *a, const struct rbm *b)
{
	assert_int_equal(a->bm.nr_bits, b->bm.nr_bits);
	assert_int_equal(duet_bm_weight(&a->bm), duet_bm_weight(&b->bm));
	assert_memory_equal(a->w, b->w, duet_bm_words(a->bm.nr_bits) * 8);
}

/*
 * Send @src as chunks of at most @cap bytes into a clear bitmap: it must
 * come out equal. Returns the bytes sent; *@chunks the chunks.
 */
static uint64_t transfer(const struct rbm *src, uint32_t cap, uint64_t *chunks)
{
	static uint8_t buf[DUET_WIRE_MAX_BM];
	struct rbm dst;
	uint64_t pos = 0, n, got, newly, sent = 0, weight = 0;
	uint32_t len;

	rbm_new(&dst, src->bm.nr_bits);
	*chunks = 0;
	while (pos < src->bm.nr_bits) {
		n = duet_bm_rle_encode(&src->bm, pos, buf, cap, &len);
		assert_true(n > 0);
		assert_true(len >= 2 && len <= cap);
		assert_true(n <= src->bm.nr_bits - pos);
		assert_int_equal(duet_bm_rle_decode(&dst.bm, pos, buf, len, &got,
						    &newly), 0);
		assert_int_equal(got, n);
		weight += newly;
		pos += n;
		sent += len;
		++*chunks;
	}
	assert_int_equal(weight, duet_bm_weight(&src->bm));
	assert_bm_equal(src, &dst);
	/* past the end: nothing */
	assert_int_equal(duet_bm_rle_encode(&src->bm, pos, buf, cap, &len), 0);
	assert_int_equal(len, 0);
	rbm_del(&dst);
	return sent;
}

static void test_round_trip(void **state)
{
	static const uint64_t sizes[] = {
		1, 2, 7, 8, 9, 63, 64, 65, 127, 128, 129, 1000, 4095, 32760,
		32761, 32768, 32769, 100003, 262144, 300001,
	};
	static const unsigned int dens[] = { 1, 10, 100, 300, 500, 700, 990, 999 };
	static const uint32_t caps[] = { DUET_WIRE_MAX_BM, 100, 17,
					 DUET_BM_RLE_MIN_CAP };
	struct rbm r;
	uint64_t chunks;

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		rbm_new(&r, sizes[s]);
		for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
			/* small chunks on small bitmaps only: keep it quick */
			if (caps[c] < 1000 && sizes[s] > 40000)
				continue;
			rbm_fill(&r, P_CLEAR, 0);
			transfer(&r, caps[c], &chunks);
			rbm_fill(&r, P_SET, 0);
			transfer(&r, caps[c], &chunks);
			rbm_fill(&r, P_ALT, 0);
			transfer(&r, caps[c], &chunks);
			for (size_t d = 0; d < sizeof(dens) / sizeof(dens[0]); d++) {
				rbm_fill(&r, P_DENSITY, dens[d]);
				transfer(&r, caps[c], &chunks);
			}
			for (unsigned int k = 0; k < 20; k += 3) {
				rbm_fill(&r, P_RUNS, k);
				transfer(&r, caps[c], &chunks);
			}
		}
		rbm_del(&r);
	}
}

/* The last partial word, bit by bit, and a chunk starting at every bit. */
static void test_last_word(void **state)
{
	static uint8_t buf[64];
	struct rbm r, dst;
	uint64_t got, newly;
	uint32_t len;

	(void)state;
	for (uint64_t bits = 120; bits <= 130; bits++) {
		rbm_new(&r, bits);
		rbm_new(&dst, bits);
		for (uint64_t b = 0; b < bits; b++) {
			rbm_fill(&r, P_CLEAR, 0);
			duet_bm_set_bits(&r.bm, b, bits - 1);
			for (uint64_t start = 0; start < bits; start++) {
				uint64_t n = duet_bm_rle_encode(&r.bm, start, buf,
								sizeof(buf), &len);

				assert_int_equal(n, bits - start);
				duet_bm_clear_all(&dst.bm);
				assert_int_equal(duet_bm_rle_decode(&dst.bm, start,
								    buf, len, &got,
								    &newly), 0);
				assert_int_equal(got, n);
				assert_int_equal(newly, bits - (b > start ? b : start));
				assert_int_equal(duet_bm_weight(&dst.bm), newly);
				assert_true(b < start || duet_bm_test(&dst.bm, b));
				assert_true(start == 0 ||
					    !duet_bm_test(&dst.bm, start - 1));
			}
		}
		rbm_del(&r);
		rbm_del(&dst);
	}
}

/* 36 KiB dirty in three places of a 256 MiB device: a few dozen bytes */
static void test_sparse_ratio(void **state)
{
	static uint8_t buf[DUET_WIRE_MAX_BM];
	struct rbm r;
	uint64_t chunks, sent;
	uint32_t len;

	(void)state;
	rbm_new(&r, (256ULL << 20) / 4096);
	duet_bm_set_bits(&r.bm, 100, 102);
	duet_bm_set_bits(&r.bm, 30001, 30003);
	duet_bm_set_bits(&r.bm, 65533, 65535);	/* the very end */
	assert_int_equal(duet_bm_weight(&r.bm) * 4, 36);
	assert_int_equal(duet_bm_rle_encode(&r.bm, 0, buf, sizeof(buf), &len),
			 65536);
	assert_int_equal(buf[0], DUET_BM_RLE_RUNS);
	/* 6 runs: 1 + 1 + 1 + 3 + 1 + 3 + 1 bytes */
	assert_int_equal(len, 11);
	sent = transfer(&r, DUET_WIRE_MAX_BM, &chunks);
	assert_int_equal(chunks, 1);
	assert_true(sent <= 32);
	rbm_del(&r);

	/* the same on a 64 GiB device (16 Mi bits): still one small chunk */
	rbm_new(&r, (64ULL << 30) / 4096);
	duet_bm_set_bits(&r.bm, 5, 7);
	duet_bm_set_bits(&r.bm, 8000000, 8000002);
	duet_bm_set_bits(&r.bm, 16000000, 16000002);
	sent = transfer(&r, DUET_WIRE_MAX_BM, &chunks);
	assert_int_equal(chunks, 1);
	assert_true(sent <= 32);
	/* all clear, all set: three bytes or four */
	rbm_fill(&r, P_CLEAR, 0);
	assert_int_equal(duet_bm_rle_encode(&r.bm, 0, buf, sizeof(buf), &len),
			 r.bm.nr_bits);
	assert_int_equal(len, 5);	/* 2^24 takes 4 LEB128 bytes */
	rbm_fill(&r, P_SET, 0);
	assert_int_equal(duet_bm_rle_encode(&r.bm, 0, buf, sizeof(buf), &len),
			 r.bm.nr_bits);
	assert_int_equal(len, 6);
	assert_int_equal(buf[1], 0);	/* empty first clear run */
	rbm_del(&r);
}

/* Dense random bits go plain: a full chunk covers 8 bits a byte. */
static void test_plain_choice(void **state)
{
	static uint8_t buf[DUET_WIRE_MAX_BM];
	struct rbm r;
	uint64_t chunks, sent;
	uint32_t len;

	(void)state;
	rbm_new(&r, 100000);
	rbm_fill(&r, P_DENSITY, 500);
	assert_int_equal(duet_bm_rle_encode(&r.bm, 0, buf, sizeof(buf), &len),
			 (DUET_WIRE_MAX_BM - 1) * 8);
	assert_int_equal(buf[0], DUET_BM_RLE_PLAIN);
	assert_int_equal(len, DUET_WIRE_MAX_BM);
	sent = transfer(&r, DUET_WIRE_MAX_BM, &chunks);
	/* never worse than plain: one code byte a chunk */
	assert_true(sent <= (100000 + 7) / 8 + chunks);
	assert_int_equal(chunks, 4);
	/* alternating bits: one byte a run, plain wins */
	rbm_fill(&r, P_ALT, 0);
	duet_bm_rle_encode(&r.bm, 0, buf, sizeof(buf), &len);
	assert_int_equal(buf[0], DUET_BM_RLE_PLAIN);
	/* the tail: 100000 - 3 * 32760 = 1720 bits = 215 bytes + 1 */
	assert_int_equal(duet_bm_rle_encode(&r.bm, 3 * 32760, buf, sizeof(buf),
					    &len), 1720);
	assert_int_equal(len, 216);
	/* a smaller cap than the minimum: nothing */
	assert_int_equal(duet_bm_rle_encode(&r.bm, 0, buf,
					    DUET_BM_RLE_MIN_CAP - 1, &len), 0);
	assert_int_equal(len, 0);
	rbm_del(&r);
}

/* A chunk is ORed in: bits already set stay set and are not counted. */
static void test_or_merge(void **state)
{
	static uint8_t buf[DUET_WIRE_MAX_BM];
	struct rbm a, b;
	uint64_t got, newly, wa, wb;
	uint32_t len;

	(void)state;
	rbm_new(&a, 5000);
	rbm_new(&b, 5000);
	for (int i = 0; i < 2; i++) {
		rbm_fill(&a, P_DENSITY, i ? 500 : 20);
		rbm_fill(&b, P_DENSITY, 20);
		wa = duet_bm_weight(&a.bm);
		wb = duet_bm_weight(&b.bm);
		assert_int_equal(duet_bm_rle_encode(&a.bm, 0, buf, sizeof(buf),
						    &len), 5000);
		assert_int_equal(buf[0], i ? DUET_BM_RLE_PLAIN : DUET_BM_RLE_RUNS);
		assert_int_equal(duet_bm_rle_decode(&b.bm, 0, buf, len, &got,
						    &newly), 0);
		assert_int_equal(duet_bm_weight(&b.bm), wb + newly);
		for (uint64_t k = 0; k < 5000; k++)
			if (duet_bm_test(&a.bm, k))
				assert_true(duet_bm_test(&b.bm, k));
		assert_true(duet_bm_weight(&b.bm) >= wa);
		/* the same chunk again sets nothing new */
		assert_int_equal(duet_bm_rle_decode(&b.bm, 0, buf, len, &got,
						    &newly), 0);
		assert_int_equal(newly, 0);
		/* newly_set may be NULL */
		assert_int_equal(duet_bm_rle_decode(&b.bm, 0, buf, len, &got,
						    NULL), 0);
	}
	rbm_del(&a);
	rbm_del(&b);
}

/* Decode @bytes into a 100-bit bitmap at @start; the bitmap must be
 * unchanged when it fails. */
static int dec(uint64_t start, const uint8_t *bytes, uint32_t len,
	       uint64_t *bits)
{
	struct rbm r;
	uint64_t newly = 99, w0;
	int err;

	rbm_new(&r, 100);
	duet_bm_set_bits(&r.bm, 50, 50);
	w0 = r.w[0];
	err = duet_bm_rle_decode(&r.bm, start, bytes, len, bits, &newly);
	if (err) {
		assert_int_equal(*bits, 0);
		assert_int_equal(newly, 0);
		assert_int_equal(duet_bm_weight(&r.bm), 1);
		assert_int_equal(r.w[0], w0);
		assert_int_equal(r.w[1], 0);
	}
	rbm_del(&r);
	return err;
}

#define DEC(start, bits, ...) \
	dec(start, (const uint8_t[]){ __VA_ARGS__ }, \
	    sizeof((const uint8_t[]){ __VA_ARGS__ }), bits)

static void test_malformed(void **state)
{
	uint64_t bits;
	uint8_t ten[12];

	(void)state;
	/* empty, unknown code */
	assert_int_equal(dec(0, (const uint8_t *)"", 0, &bits),
			 DUET_BM_RLE_E_EMPTY);
	assert_int_equal(DEC(0, &bits, 0x02, 0x05), DUET_BM_RLE_E_CODE);
	assert_int_equal(DEC(0, &bits, 0x81, 0x05), DUET_BM_RLE_E_CODE);
	/* runs: no run, only an empty first run */
	assert_int_equal(DEC(0, &bits, 0x01), DUET_BM_RLE_E_EMPTY);
	assert_int_equal(DEC(0, &bits, 0x01, 0x00), DUET_BM_RLE_E_EMPTY);
	assert_int_equal(DEC(0, &bits, 0x01, 0x00, 0x01), 0);
	assert_int_equal(bits, 1);
	/* truncated */
	assert_int_equal(DEC(0, &bits, 0x01, 0x80), DUET_BM_RLE_E_TRUNCATED);
	assert_int_equal(DEC(0, &bits, 0x01, 0x05, 0xff), DUET_BM_RLE_E_TRUNCATED);
	assert_int_equal(DEC(0, &bits, 0x01, 0x05, 0x7f), DUET_BM_RLE_E_PAST_END);
	assert_int_equal(DEC(0, &bits, 0x01, 0x05, 0x5f), 0);
	assert_int_equal(bits, 100);
	/* overlong: a redundant zero group */
	assert_int_equal(DEC(0, &bits, 0x01, 0x80, 0x00), DUET_BM_RLE_E_OVERLONG);
	assert_int_equal(DEC(0, &bits, 0x01, 0x85, 0x00), DUET_BM_RLE_E_OVERLONG);
	assert_int_equal(DEC(0, &bits, 0x01, 0x85, 0x80, 0x00),
			 DUET_BM_RLE_E_OVERLONG);
	/* ... and its near miss: 0x85 0x00 would be 5; 0xe4 0x00 is 100 */
	assert_int_equal(DEC(0, &bits, 0x01, 0xe4, 0x00), DUET_BM_RLE_E_OVERLONG);
	assert_int_equal(DEC(0, &bits, 0x01, 0x64), 0);
	/* 2 bytes: 0x80 0x01 = 128: valid form, past the end */
	assert_int_equal(DEC(0, &bits, 0x01, 0x80, 0x01), DUET_BM_RLE_E_PAST_END);
	/* ten bytes: the tenth may be 1 (bit 63), not 2 or a continuation */
	ten[0] = 0x01;
	memset(ten + 1, 0x80, 9);
	ten[10] = 0x01;
	assert_int_equal(dec(0, ten, 11, &bits), DUET_BM_RLE_E_PAST_END);
	ten[10] = 0x02;
	assert_int_equal(dec(0, ten, 11, &bits), DUET_BM_RLE_E_OVERLONG);
	ten[10] = 0x81;
	ten[11] = 0x00;
	assert_int_equal(dec(0, ten, 12, &bits), DUET_BM_RLE_E_OVERLONG);
	/* zero-length runs after the first */
	assert_int_equal(DEC(0, &bits, 0x01, 0x05, 0x00), DUET_BM_RLE_E_ZERO_RUN);
	assert_int_equal(DEC(0, &bits, 0x01, 0x00, 0x05, 0x00),
			 DUET_BM_RLE_E_ZERO_RUN);
	assert_int_equal(DEC(0, &bits, 0x01, 0x00, 0x05, 0x01), 0);
	assert_int_equal(bits, 6);
	/* past the end: 100 bits; at 90, 10 are left */
	assert_int_equal(DEC(0, &bits, 0x01, 0x65), DUET_BM_RLE_E_PAST_END);
	assert_int_equal(DEC(90, &bits, 0x01, 0x0b), DUET_BM_RLE_E_PAST_END);
	assert_int_equal(DEC(90, &bits, 0x01, 0x05, 0x06), DUET_BM_RLE_E_PAST_END);
	assert_int_equal(DEC(90, &bits, 0x01, 0x05, 0x05), 0);
	assert_int_equal(bits, 10);
	assert_int_equal(DEC(101, &bits, 0x01, 0x00, 0x01), DUET_BM_RLE_E_PAST_END);
	assert_int_equal(DEC(100, &bits, 0x01, 0x00), DUET_BM_RLE_E_EMPTY);
	/* trailing bytes after the end */
	assert_int_equal(DEC(90, &bits, 0x01, 0x0a, 0x01), DUET_BM_RLE_E_TRAILING);
	assert_int_equal(DEC(90, &bits, 0x01, 0x05, 0x05, 0x00),
			 DUET_BM_RLE_E_TRAILING);
	assert_int_equal(DEC(90, &bits, 0x01, 0x0a), 0);
	/* a failing chunk that would have set bits first leaves none */
	assert_int_equal(DEC(0, &bits, 0x01, 0x00, 0x20, 0x10, 0x00),
			 DUET_BM_RLE_E_ZERO_RUN);

	/* plain */
	assert_int_equal(DEC(0, &bits, 0x00), DUET_BM_RLE_E_EMPTY);
	assert_int_equal(DEC(0, &bits, 0x00, 0xff), 0);
	assert_int_equal(bits, 8);
	/* 10 bits left at 90: two bytes, the second padded with zeros */
	assert_int_equal(DEC(90, &bits, 0x00, 0xff, 0x03), 0);
	assert_int_equal(bits, 10);
	assert_int_equal(DEC(90, &bits, 0x00, 0xff, 0x07), DUET_BM_RLE_E_PAST_END);
	assert_int_equal(DEC(90, &bits, 0x00, 0xff, 0x83), DUET_BM_RLE_E_PAST_END);
	assert_int_equal(DEC(90, &bits, 0x00, 0xff, 0x03, 0x00),
			 DUET_BM_RLE_E_TRAILING);
	/* exactly to the end on a byte boundary: 8 bits at 92 */
	assert_int_equal(DEC(92, &bits, 0x00, 0xff), 0);
	assert_int_equal(DEC(92, &bits, 0x00, 0xff, 0x00), DUET_BM_RLE_E_TRAILING);
	assert_int_equal(DEC(100, &bits, 0x00, 0x00), DUET_BM_RLE_E_TRAILING);
	assert_int_equal(DEC(101, &bits, 0x00, 0x00), DUET_BM_RLE_E_PAST_END);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int e = 0; e >= DUET_BM_RLE_E_LAST; e--)
		assert_null(strstr(duet_bm_rle_strerror(e), "unknown bitmap"));
	assert_string_equal(duet_bm_rle_strerror(DUET_BM_RLE_E_LAST - 1),
			    "unknown bitmap chunk error");
	assert_string_equal(duet_bm_rle_strerror(1), "unknown bitmap chunk error");
}

/* ---- seed corpus for tests/fuzz/fuzz_bm_rle --------------------------- */

static int write_seed(const char *dir, const char *name, uint32_t nbits,
		      uint32_t start, uint8_t fill, const uint8_t *chunk,
		      uint32_t len)
{
	char path[4096];
	uint8_t head[9];
	FILE *f;
	int ok;

	for (int i = 0; i < 4; i++) {
		head[i] = (uint8_t)(nbits >> (8 * i));
		head[4 + i] = (uint8_t)(start >> (8 * i));
	}
	head[8] = fill;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(head, 1, sizeof(head), f) == sizeof(head) &&
	     fwrite(chunk, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Not a test: DUET_WRITE_BM_RLE_CORPUS=DIR regenerates the fuzz seeds. */
static int write_corpus(const char *dir)
{
	static uint8_t buf[DUET_WIRE_MAX_BM];
	static const struct {
		const char *name;
		uint32_t bits, start;
		enum pattern p;
		unsigned int arg;
	} seeds[] = {
		{ "runs-sparse", 65536, 0, P_DENSITY, 1 },
		{ "runs-long", 200000, 1000, P_RUNS, 14 },
		{ "runs-all-set", 4000, 0, P_SET, 0 },
		{ "runs-all-clear", 70000, 3, P_CLEAR, 0 },
		{ "plain-dense", 40000, 0, P_DENSITY, 500 },
		{ "plain-alternating", 1000, 7, P_ALT, 0 },
		{ "plain-tail", 131, 0, P_DENSITY, 400 },
	};
	struct rbm r;
	uint32_t len;
	int err = 0;

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		rbm_new(&r, seeds[i].bits);
		rbm_fill(&r, seeds[i].p, seeds[i].arg);
		if (!duet_bm_rle_encode(&r.bm, seeds[i].start, buf, sizeof(buf),
					&len))
			return 1;
		err |= write_seed(dir, seeds[i].name, seeds[i].bits,
				  seeds[i].start, (uint8_t)i, buf, len);
		rbm_del(&r);
	}
	err |= write_seed(dir, "bad-overlong", 100, 0, 0,
			  (const uint8_t *)"\x01\x85\x80\x00", 4);
	err |= write_seed(dir, "bad-zero-run", 100, 0, 0,
			  (const uint8_t *)"\x01\x05\x00", 3);
	err |= write_seed(dir, "bad-trailing", 100, 90, 0,
			  (const uint8_t *)"\x00\xff\x03\x00", 4);
	return err ? 1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_last_word),
		cmocka_unit_test(test_sparse_ratio),
		cmocka_unit_test(test_plain_choice),
		cmocka_unit_test(test_or_merge),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_strerror),
	};

	if (getenv("DUET_WRITE_BM_RLE_CORPUS"))
		return write_corpus(getenv("DUET_WRITE_BM_RLE_CORPUS"));
	return cmocka_run_group_tests_name("core_bm_rle", tests, NULL, NULL);
}
