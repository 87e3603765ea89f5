/*
 * Fuzz target for the meta-data decoders of kmod/core: the superblock
 * (md.c), activity-log transaction blocks and the crash replay of a whole
 * log ring (al.c), bitmap pages (bm.c) and the layout calculator.
 *
 * Every input is tried as each of them: as one superblock and one
 * transaction, block by block, as a ring of all its 4 KiB blocks, and its
 * first bytes as layout parameters. Random bytes almost never carry a
 * valid CRC-32C, so each block is also tried "resealed" (its checksum
 * field recomputed): that lets the fuzzer reach the field validation and
 * the replay logic behind the checksum. Besides "no crash, no sanitizer
 * report", decoded results must re-encode to the same bytes and replayed
 * hot sets must be sorted and within range; a violation aborts.
 *
 * Seeds: tests/fuzz/corpus/md/ (regenerate the valid ones with
 * DUET_WRITE_MD_CORPUS=tests/fuzz/corpus/md tests/unit/test_core_md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmod/core/al.h"
#include "kmod/core/bm.h"
#include "kmod/core/bytes.h"
#include "kmod/core/crc32c.h"
#include "kmod/core/md.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void fuzz_superblock(const uint8_t *p, size_t n)
{
	struct duet_md_sb sb;
	uint8_t again[DUET_MD_BLOCK_SIZE];

	if (duet_md_decode(p, n, &sb) != DUET_MD_OK)
		return;
	CHECK(duet_md_validate(&sb) == DUET_MD_OK);
	CHECK(duet_md_encode(&sb, again) == DUET_MD_OK);
	if (sb.version_minor == 0)
		CHECK(memcmp(again, p, sizeof(again)) == 0);
	(void)duet_md_disk_state(sb.flags, DUET_FENCING_RESOURCE_ONLY);
	(void)duet_md_crashed_primary(sb.flags);
}

static void fuzz_tx(const uint8_t *p, size_t n)
{
	struct duet_al_tx_hdr h;
	uint32_t slot, e, sum = 0;

	if (duet_al_tx_decode(p, n, &h) != DUET_AL_OK)
		return;
	CHECK(h.n_updates <= DUET_AL_TX_UPDATES);
	CHECK(h.n_context <= DUET_AL_TX_CONTEXT && h.n_context <= h.al_extents);
	for (unsigned int i = 0; i < h.n_updates; i++) {
		duet_al_tx_update(p, i, &slot, &e);
		CHECK(slot < h.al_extents);
		sum += e;
	}
	for (unsigned int i = 0; i < h.n_context; i++)
		sum += duet_al_tx_context(p, i);
	(void)sum;
}

static void fuzz_ring(const uint8_t *p, size_t n)
{
	static uint32_t work[DUET_AL_MAX_EXTENTS];
	struct duet_al_recovery r;
	uint32_t ring = (uint32_t)(n / DUET_AL_TX_SIZE), i;
	uint64_t log_id = 0;

	if (ring < DUET_AL_RING_TX_MIN)
		return;
	if (ring > DUET_AL_RING_TX_MAX)
		ring = DUET_AL_RING_TX_MAX;
	/* the log id of the first transaction-like block, so rings match */
	for (i = 0; i < ring; i++)
		if (memcmp(p + (size_t)i * DUET_AL_TX_SIZE, "DUAL", 4) == 0) {
			log_id = duet_get_le64(p + (size_t)i * DUET_AL_TX_SIZE + 16);
			break;
		}
	if (duet_al_recover(p, n, ring, log_id, work, DUET_AL_MAX_EXTENTS,
			    &r) != DUET_AL_OK)
		return;
	CHECK(r.nr_hot <= r.al_extents);
	CHECK(r.next_seq == r.newest_seq + 1);
	CHECK(r.nr_replayed >= 1 && r.nr_replayed <= ring);
	for (uint32_t i = 0; i < r.nr_hot; i++) {
		CHECK(work[i] < DUET_AL_EXTENT_LIMIT);
		CHECK(i == 0 || work[i - 1] < work[i]);
	}
}

static void fuzz_layout(const uint8_t *p, size_t n)
{
	struct duet_md_layout l;
	struct duet_md_sb sb, back;
	uint8_t block[DUET_MD_BLOCK_SIZE];
	char msg[64];
	int32_t index;
	uint64_t backing, mddev;
	uint32_t ring;
	int err;

	if (n < 24)
		return;
	index = (int32_t)duet_get_le32(p);
	/* keep the interesting indices likely */
	if (p[23] & 1)
		index = (int32_t)(p[0] % 8) - 2;
	backing = duet_get_le64(p + 4) >> (p[22] % 64);
	mddev = duet_get_le64(p + 12) >> (p[21] % 64);
	ring = p[20] & 0x80 ? 0 : duet_get_le16(p + 20) & 0x7ff;
	err = duet_md_layout(index, backing, mddev, ring, &l);
	duet_md_layout_explain(err, &l, msg, sizeof(msg));
	if (err)
		return;
	CHECK(l.data_sect >= 8);
	CHECK(l.data_sect <= backing);
	/* a layout the calculator accepts makes a valid superblock */
	duet_md_init_sb(&sb, &l, DUET_AL_DEFAULT_EXTENTS, 0, duet_get_le64(p));
	CHECK(duet_md_encode(&sb, block) == DUET_MD_OK);
	CHECK(duet_md_decode(block, sizeof(block), &back) == DUET_MD_OK);
	CHECK(back.la_size_sect == l.data_sect);
}

static void fuzz_bitmap_page(const uint8_t *p, size_t n)
{
	static uint64_t words[3 * DUET_BM_PAGE_WORDS], dirty[1];
	struct duet_bm bm;
	uint8_t out[DUET_BM_PAGE_SIZE];
	uint64_t nr_sect;
	int64_t surplus;

	if (n < DUET_BM_PAGE_SIZE + 2)
		return;
	/* a device ending somewhere in the third page */
	nr_sect = ((uint64_t)2 << 18) + 1 + duet_get_le16(p + DUET_BM_PAGE_SIZE);
	CHECK(duet_bm_init(&bm, words, 3 * DUET_BM_PAGE_WORDS, dirty, 1, nr_sect,
			   NULL) == 0);
	surplus = duet_bm_decode_page(&bm, 2, p);
	CHECK(surplus >= 0);
	CHECK(duet_bm_encode_page(&bm, 2, out) == 0);
	CHECK(duet_bm_weight(&bm) == duet_bm_weight_range(&bm, 0, ~0ULL));
	if (surplus == 0)
		CHECK(memcmp(out, p, sizeof(out)) == 0);
	CHECK(duet_bm_merge_page(&bm, 1, p) >= 0);
}

/* Recompute the CRC-32C field at @crc_off of a 4 KiB block. */
static void reseal(uint8_t *b, size_t crc_off)
{
	memset(b + crc_off, 0, 4);
	duet_put_le32(b + crc_off, duet_crc32c(0, b, DUET_MD_BLOCK_SIZE));
}

#define RESEAL_MAX (16 * DUET_MD_BLOCK_SIZE)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t copy[RESEAL_MAX];
	size_t off, n;

	fuzz_superblock(data, size);
	fuzz_tx(data, size);
	for (off = DUET_MD_BLOCK_SIZE; off + DUET_MD_BLOCK_SIZE <= size;
	     off += DUET_MD_BLOCK_SIZE) {
		fuzz_superblock(data + off, size - off);
		fuzz_tx(data + off, size - off);
	}
	fuzz_ring(data, size);
	fuzz_layout(data, size);
	fuzz_bitmap_page(data, size);

	/* the same behind valid checksums */
	n = size < RESEAL_MAX ? size : RESEAL_MAX;
	n -= n % DUET_MD_BLOCK_SIZE;
	if (!n)
		return 0;
	memcpy(copy, data, n);
	reseal(copy, 12);
	fuzz_superblock(copy, n);
	for (off = 0; off < n; off += DUET_MD_BLOCK_SIZE) {
		memcpy(copy + off, data + off, DUET_MD_BLOCK_SIZE);
		reseal(copy + off, 24);
		fuzz_tx(copy + off, DUET_MD_BLOCK_SIZE);
	}
	fuzz_ring(copy, n);
	return 0;
}
