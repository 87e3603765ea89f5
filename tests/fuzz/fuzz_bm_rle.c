/*
 * Fuzz target for the bitmap exchange codec (kmod/core/bm_rle.c).
 *
 * Input: bitmap size in bits (4 bytes, little-endian, taken modulo
 * 2^18 + 1), start bit (4 bytes, modulo size + 2, so that starts past the
 * end are tried), one byte that picks a prefill of the receiving bitmap
 * and a chunk size for re-encoding, then the chunk.
 *
 * Checks besides "no crash, no sanitizer report": a refused chunk leaves
 * the bitmap as it was; an accepted one covers at least one bit and no
 * bit past the end, and the set-bit count and "newly set" agree with the
 * bits. Then the chunk's bits (decoded alone into a clear bitmap) are
 * sent again as chunks of the chosen size by the encoder and must come
 * out identical (decode -> encode -> decode).
 *
 * Seeds: tests/fuzz/corpus/bm_rle/ (regenerate with
 * DUET_WRITE_BM_RLE_CORPUS=tests/fuzz/corpus/bm_rle
 * tests/unit/test_core_bm_rle).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmod/core/bm.h"
#include "kmod/core/bm_rle.h"
#include "kmod/core/bytes.h"
#include "kmod/core/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

#define MAX_BITS	(1u << 18)	/* 8 on-disk pages; runs of 3-byte numbers */
#define WORDS		(MAX_BITS / 64 + 1)

static uint64_t w_rx[WORDS], w_one[WORDS], w_out[WORDS], w_copy[WORDS];
static uint64_t d_rx[2], d_one[2], d_out[2];

static void bm_new(struct duet_bm *bm, uint64_t *w, uint64_t *d, uint64_t bits)
{
	CHECK(duet_bm_init(bm, w, WORDS, d, 2, bits * 8, NULL) == 0);
}

/* Send @src from @start on in chunks of @cap bytes into a clear bitmap */
static void resend(const struct duet_bm *src, uint64_t start, uint32_t cap)
{
	static uint8_t buf[DUET_WIRE_MAX_BM];
	struct duet_bm out;
	uint64_t pos = start, n, got, newly, sum = 0;
	uint32_t len;

	bm_new(&out, w_out, d_out, src->nr_bits);
	while (pos < src->nr_bits) {
		n = duet_bm_rle_encode(src, pos, buf, cap, &len);
		CHECK(n > 0 && n <= src->nr_bits - pos);
		CHECK(len >= 2 && len <= cap);
		CHECK(duet_bm_rle_decode(&out, pos, buf, len, &got, &newly) == 0);
		CHECK(got == n);
		sum += newly;
		pos += n;
	}
	CHECK(sum == duet_bm_weight(src));
	CHECK(memcmp(out.words, src->words, src->nr_words * 8) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct duet_bm rx, one;
	uint64_t nbits, start, bits, newly, before, b;
	uint32_t len, cap;
	const uint8_t *chunk;
	int err;

	if (size < 9)
		return 0;
	nbits = duet_get_le32(data) % (MAX_BITS + 1);
	start = duet_get_le32(data + 4) % (nbits + 2);
	chunk = data + 9;
	len = (uint32_t)(size - 9);
	cap = DUET_BM_RLE_MIN_CAP +
	      (data[8] & 0x80 ? data[8] & 0x7f : DUET_WIRE_MAX_BM -
	       DUET_BM_RLE_MIN_CAP);

	/* into a bitmap that has some bits set already */
	bm_new(&rx, w_rx, d_rx, nbits);
	if (nbits && (data[8] & 1)) {
		b = (uint64_t)data[8] * 2654435761u % nbits;
		duet_bm_set_bits(&rx, b, b + data[8]);
	}
	before = duet_bm_weight(&rx);
	memcpy(w_copy, w_rx, rx.nr_words * 8);
	err = duet_bm_rle_decode(&rx, start, chunk, len, &bits, &newly);
	(void)duet_bm_rle_strerror(err);
	if (err) {
		CHECK(err < 0 && err >= DUET_BM_RLE_E_LAST);
		CHECK(bits == 0 && newly == 0);
		CHECK(duet_bm_weight(&rx) == before);
		CHECK(memcmp(w_copy, w_rx, rx.nr_words * 8) == 0);
		return 0;
	}
	CHECK(bits >= 1 && start + bits <= nbits);
	CHECK(duet_bm_weight(&rx) == before + newly);
	CHECK(duet_bm_weight(&rx) == duet_bm_weight_range(&rx, 0, ~0ULL));

	/* the chunk alone: bits only where it said */
	bm_new(&one, w_one, d_one, nbits);
	CHECK(duet_bm_rle_decode(&one, start, chunk, len, &bits, &newly) == 0);
	CHECK(newly == duet_bm_weight(&one));
	b = duet_bm_find_next(&one, 0);
	CHECK(b == DUET_BM_NONE || b >= start);
	CHECK(duet_bm_find_next(&one, start + bits) == DUET_BM_NONE);
	/* every bit of it is in rx too */
	for (b = 0; b < one.nr_words; b++)
		CHECK(!(w_one[b] & ~w_rx[b]));

	resend(&one, start, cap);
	return 0;
}
