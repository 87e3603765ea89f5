/*
 * Unit tests for kmod/core/md.c: the meta-data superblock codec (round
 * trips, every corrupted byte, truncation, each validation error) and the
 * layout calculator for internal, indexed and flexible meta data.
 *
 * With DUET_WRITE_MD_CORPUS=DIR set, the test also writes seed inputs for
 * tests/fuzz/fuzz_md (valid superblocks and activity-log blocks) to DIR.
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
#include "kmod/core/md.h"

#define GIB_SECT ((uint64_t)1 << 21)
#define MIB_SECT ((uint64_t)1 << 11)

static void make_sb(struct duet_md_sb *sb, int32_t index, uint64_t backing,
		    uint64_t mddev)
{
	struct duet_md_layout l;

	assert_int_equal(duet_md_layout(index, backing, mddev, 0, &l), 0);
	duet_md_init_sb(sb, &l, DUET_AL_DEFAULT_EXTENTS, 3, 0x1122334455667788ULL);
	sb->uuid[DUET_UI_CURRENT] = 0xdeadbeefcafe0001ULL;
	sb->uuid[DUET_UI_BITMAP] = 0x1000000000000002ULL;
	sb->uuid[DUET_UI_HISTORY0] = 0x2000000000000004ULL;
	sb->uuid[DUET_UI_HISTORY1] = 0x3000000000000008ULL;
	sb->flags = DUET_MDF_CONSISTENT | DUET_MDF_UP_TO_DATE | DUET_MDF_PRIMARY;
}

/* re-seal a block after poking a field, so only the semantic check fails */
static void reseal(uint8_t *b)
{
	uint32_t crc;

	memset(b + 12, 0, 4);
	crc = duet_crc32c(0, b, 4096);
	b[12] = crc;
	b[13] = crc >> 8;
	b[14] = crc >> 16;
	b[15] = crc >> 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static void assert_sb_equal(const struct duet_md_sb *a,
			    const struct duet_md_sb *b)
{
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->bm_bytes_per_bit, b->bm_bytes_per_bit);
	assert_int_equal(a->la_size_sect, b->la_size_sect);
	assert_int_equal(a->md_size_sect, b->md_size_sect);
	assert_int_equal(a->md_offset_sect, b->md_offset_sect);
	assert_int_equal(a->al_offset, b->al_offset);
	assert_int_equal(a->al_size_sect, b->al_size_sect);
	assert_int_equal(a->al_extents, b->al_extents);
	assert_int_equal(a->bm_offset, b->bm_offset);
	assert_int_equal(a->bm_size_sect, b->bm_size_sect);
	assert_int_equal(a->md_index, b->md_index);
	assert_int_equal(a->minor, b->minor);
	for (int i = 0; i < DUET_UI_NR; i++)
		assert_int_equal(a->uuid[i], b->uuid[i]);
	assert_int_equal(a->device_uuid, b->device_uuid);
}

/* ---- layout ----------------------------------------------------------- */

static void test_layout_internal(void **state)
{
	struct duet_md_layout l;
	char msg[256];

	(void)state;
	/* 1 GiB backing: 64 bitmap sectors, 640 AL sectors, 8 superblock */
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, GIB_SECT, 0, 0, &l), 0);
	assert_int_equal(l.bm_size_sect, 64);
	assert_int_equal(l.al_size_sect, 640);
	assert_int_equal(l.md_size_sect, 712);
	assert_int_equal(l.md_offset_sect, GIB_SECT - 8);
	assert_int_equal(l.al_offset, -640);
	assert_int_equal(l.bm_offset, -704);
	assert_int_equal(l.data_sect, GIB_SECT - 712);
	/* data, bitmap, AL and superblock tile the device exactly */
	assert_int_equal(l.data_sect + l.bm_size_sect + l.al_size_sect + 8, GIB_SECT);

	/* an odd size: the tail below 4 KiB is padding */
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, GIB_SECT + 5, 0, 0, &l), 0);
	assert_int_equal(l.md_offset_sect, GIB_SECT - 8);

	/* smallest device that works, and one 4 KiB less */
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, 664, 0, 0, &l), 0);
	assert_int_equal(l.data_sect, 8);
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, 663, 0, 0, &l),
			 DUET_MD_E_TOO_SMALL);
	assert_int_equal(l.needed_sect, 664);
	duet_md_layout_explain(DUET_MD_E_TOO_SMALL, &l, msg, sizeof(msg));
	assert_string_equal(msg,
		"backing device too small: internal meta data needs at least 332 KiB (664 sectors), the device has 332 KiB (663 sectors)");

	/* 1 TiB: 32 MiB of bitmap */
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, 1024 * GIB_SECT, 0, 0, &l), 0);
	assert_int_equal(l.bm_size_sect, 32 * MIB_SECT);

	/* another AL ring size */
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, GIB_SECT, 0, 8, &l), 0);
	assert_int_equal(l.al_size_sect, 64);
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, GIB_SECT, 0, 3, &l),
			 DUET_MD_E_AL);
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_INTERNAL, GIB_SECT, 0, 1025, &l),
			 DUET_MD_E_AL);
}

static void test_layout_indexed(void **state)
{
	struct duet_md_layout l;
	char msg[256];

	(void)state;
	/* the brief's example: /dev/hda[5] is at 640 MiB, needs 768 MiB */
	assert_int_equal(duet_md_layout(5, GIB_SECT, 768 * MIB_SECT, 0, &l), 0);
	assert_int_equal(l.md_offset_sect, 640 * MIB_SECT);
	assert_int_equal(l.md_size_sect, 128 * MIB_SECT);
	assert_int_equal(l.al_offset, 8);
	assert_int_equal(l.bm_offset, 648);
	assert_int_equal(l.bm_size_sect, 128 * MIB_SECT - 648);
	assert_int_equal(l.data_sect, GIB_SECT);
	assert_int_equal(duet_md_layout(5, GIB_SECT, 768 * MIB_SECT - 1, 0, &l),
			 DUET_MD_E_TOO_SMALL);
	assert_int_equal(l.needed_sect, 768 * MIB_SECT);
	duet_md_layout_explain(DUET_MD_E_TOO_SMALL, &l, msg, sizeof(msg));
	assert_string_equal(msg,
		"meta-data device too small: meta-disk index 5 needs at least 768 MiB (1572864 sectors), the device has 768 MiB (1572863 sectors)");
	assert_int_equal(duet_md_layout(5, GIB_SECT, 512 * MIB_SECT, 0, &l),
			 DUET_MD_E_TOO_SMALL);
	duet_md_layout_explain(DUET_MD_E_TOO_SMALL, &l, msg, sizeof(msg));
	assert_string_equal(msg,
		"meta-data device too small: meta-disk index 5 needs at least 768 MiB (1572864 sectors), the device has 512 MiB (1048576 sectors)");

	/* slot N needs (N + 1) x 128 MiB, for every N */
	for (int32_t n = 0; n < 300; n++) {
		uint64_t need = (uint64_t)(n + 1) * 128 * MIB_SECT;

		assert_int_equal(duet_md_layout(n, GIB_SECT, need, 0, &l), 0);
		assert_int_equal(l.md_offset_sect, (uint64_t)n * 128 * MIB_SECT);
		assert_int_equal(duet_md_layout(n, GIB_SECT, need - 1, 0, &l),
				 DUET_MD_E_TOO_SMALL);
		assert_int_equal(l.needed_sect, need);
	}
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_MAX, GIB_SECT, 65536 * 128 * MIB_SECT, 0, &l), 0);

	/* the slot's bitmap covers just under 4 TiB */
	assert_int_equal(duet_md_layout(0, GIB_SECT, 128 * MIB_SECT, 0, &l), 0);
	assert_int_equal(l.max_data_sect, (128 * MIB_SECT - 648) << 15);
	assert_true(l.max_data_sect < 4096 * GIB_SECT);
	assert_true(l.max_data_sect > 3990 * GIB_SECT);
	assert_int_equal(duet_md_layout(0, l.max_data_sect, 128 * MIB_SECT, 0, &l), 0);
	assert_int_equal(duet_md_layout(0, 4096 * GIB_SECT, 128 * MIB_SECT, 0, &l),
			 DUET_MD_E_TOO_BIG);
	duet_md_layout_explain(DUET_MD_E_TOO_BIG, &l, msg, sizeof(msg));
	assert_non_null(strstr(msg, "a 128 MiB slot covers at most 4183936 MiB"));
	assert_non_null(strstr(msg, "use flexible external or internal meta data"));

	assert_int_equal(duet_md_layout(-3, GIB_SECT, GIB_SECT, 0, &l), DUET_MD_E_INDEX);
	assert_int_equal(duet_md_layout(65536, GIB_SECT, ~0ULL, 0, &l), DUET_MD_E_INDEX);
	assert_int_equal(duet_md_layout(0, 4, 128 * MIB_SECT, 0, &l), DUET_MD_E_TOO_SMALL);
}

static void test_layout_flexible(void **state)
{
	struct duet_md_layout l;
	char msg[256];

	(void)state;
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_FLEXIBLE, 100 * GIB_SECT, GIB_SECT, 0, &l), 0);
	assert_int_equal(l.md_offset_sect, 0);
	assert_int_equal(l.al_offset, 8);
	assert_int_equal(l.bm_offset, 648);
	assert_int_equal(l.bm_size_sect, 100 * 64);
	assert_int_equal(l.md_size_sect, 8 + 640 + 6400);
	assert_int_equal(l.data_sect, 100 * GIB_SECT);
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_FLEXIBLE, 100 * GIB_SECT, 7047, 0, &l),
			 DUET_MD_E_TOO_SMALL);
	assert_int_equal(l.needed_sect, 7048);
	duet_md_layout_explain(DUET_MD_E_TOO_SMALL, &l, msg, sizeof(msg));
	assert_string_equal(msg,
		"meta-data device too small: flexible external meta data needs at least 4 MiB (7048 sectors), the device has 4 MiB (7047 sectors)");
	assert_int_equal(duet_md_layout(DUET_MD_INDEX_FLEXIBLE, 100 * GIB_SECT, 7048, 0, &l), 0);
	duet_md_layout_explain(DUET_MD_E_INDEX, &l, msg, sizeof(msg));
	assert_string_equal(msg, duet_md_strerror(DUET_MD_E_INDEX));
}

static void test_bm_sect(void **state)
{
	(void)state;
	assert_int_equal(duet_md_bm_sect(0), 0);
	assert_int_equal(duet_md_bm_sect(1), 8);
	assert_int_equal(duet_md_bm_sect(1 << 18), 8);
	assert_int_equal(duet_md_bm_sect((1 << 18) + 1), 16);
	/* 32 KiB of bitmap per GiB */
	assert_int_equal(duet_md_bm_sect(GIB_SECT) * 512, 32768);
}

/* ---- codec ------------------------------------------------------------ */

static void test_round_trip(void **state)
{
	static const struct { int32_t index; uint64_t backing, mddev; } p[] = {
		{ DUET_MD_INDEX_INTERNAL, GIB_SECT, 0 },
		{ DUET_MD_INDEX_INTERNAL, 3 * GIB_SECT + 12345, 0 },
		{ DUET_MD_INDEX_FLEXIBLE, 500 * GIB_SECT, GIB_SECT },
		{ 0, GIB_SECT, 128 * MIB_SECT },
		{ 7, 2 * GIB_SECT, 1024 * MIB_SECT },
	};
	uint8_t block[4096], again[4096];
	struct duet_md_sb sb, out;

	(void)state;
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		make_sb(&sb, p[i].index, p[i].backing, p[i].mddev);
		assert_int_equal(duet_md_encode(&sb, block), 0);
		assert_memory_equal(block, "DUETMETA", 8);
		memset(&out, 0xa5, sizeof(out));
		assert_int_equal(duet_md_decode(block, sizeof(block), &out), 0);
		assert_sb_equal(&sb, &out);
		assert_int_equal(out.version_minor, 0);
		assert_int_equal(duet_md_encode(&out, again), 0);
		assert_memory_equal(block, again, sizeof(block));
		/* a longer buffer is fine: only the first 4 KiB count */
		{
			uint8_t big[5000];

			memcpy(big, block, 4096);
			memset(big + 4096, 0x77, sizeof(big) - 4096);
			assert_int_equal(duet_md_decode(big, sizeof(big), &out), 0);
		}
	}
}

/* the fields sit where md.h says, little-endian */
static void test_byte_layout(void **state)
{
	uint8_t b[4096];
	struct duet_md_sb sb;

	(void)state;
	make_sb(&sb, DUET_MD_INDEX_INTERNAL, GIB_SECT, 0);
	assert_int_equal(duet_md_encode(&sb, b), 0);
	assert_int_equal(b[8], 1);
	assert_int_equal(b[9], 0);
	assert_int_equal(b[16], DUET_MDF_CONSISTENT | DUET_MDF_UP_TO_DATE | DUET_MDF_PRIMARY);
	assert_int_equal(b[20] | b[21] << 8, 4096);
	assert_int_equal(b[24] | b[25] << 8 | b[26] << 16, (GIB_SECT - 712) & 0xffffff);
	assert_int_equal(b[48], (uint8_t)-640);
	assert_int_equal(b[55], 0xff);		/* negative offset */
	assert_int_equal(b[60] | b[61] << 8, 1237);
	assert_int_equal(b[80], 0xff);		/* index -1 */
	assert_int_equal(b[84], 3);
	assert_int_equal(b[88], 0x01);
	assert_int_equal(b[95], 0xde);
	assert_int_equal(b[120], 0x88);
	for (int i = 128; i < 4096; i++)
		assert_int_equal(b[i], 0);
}

static void test_every_byte_flipped(void **state)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff, 0x5a };
	uint8_t good[4096], b[4096];
	struct duet_md_sb sb, out;
	int rejected = 0;

	(void)state;
	make_sb(&sb, 2, GIB_SECT, 512 * MIB_SECT);
	assert_int_equal(duet_md_encode(&sb, good), 0);
	for (int i = 0; i < 4096; i++)
		for (size_t m = 0; m < sizeof(masks); m++) {
			int err;

			memcpy(b, good, sizeof(b));
			b[i] ^= masks[m];
			err = duet_md_decode(b, sizeof(b), &out);
			if (err == 0)
				fail_msg("byte %d ^ %#x accepted", i, masks[m]);
			if (i < 8)
				assert_true(err == DUET_MD_E_MAGIC ||
					    err == DUET_MD_E_FOREIGN);
			else if (i == 8 || i == 9)
				assert_int_equal(err, DUET_MD_E_VERSION);
			else
				assert_int_equal(err, DUET_MD_E_CHECKSUM);
			rejected++;
		}
	assert_int_equal(rejected, 4096 * 4);
}

static void test_truncated(void **state)
{
	uint8_t b[4096];
	struct duet_md_sb sb, out;

	(void)state;
	make_sb(&sb, DUET_MD_INDEX_INTERNAL, GIB_SECT, 0);
	assert_int_equal(duet_md_encode(&sb, b), 0);
	for (size_t len = 0; len < 4096; len++) {
		/* a heap copy of exactly len bytes: ASan catches overreads */
		uint8_t *t = malloc(len ? len : 1);

		memcpy(t, b, len);
		assert_int_equal(duet_md_decode(t, len, &out), DUET_MD_E_SHORT);
		free(t);
	}
	assert_int_equal(duet_md_decode(NULL, 4096, &out), DUET_MD_E_SHORT);
}

static void test_not_ours(void **state)
{
	uint8_t b[4096];
	struct duet_md_sb out;

	(void)state;
	memset(b, 0, sizeof(b));
	assert_int_equal(duet_md_decode(b, sizeof(b), &out), DUET_MD_E_BLANK);
	/* DRBD 8.4 meta data: magic 0x8374026b big-endian at byte 60 */
	b[60] = 0x83; b[61] = 0x74; b[62] = 0x02; b[63] = 0x6b;
	assert_int_equal(duet_md_decode(b, sizeof(b), &out), DUET_MD_E_FOREIGN);
	b[63] = 0x6c;	/* 8.4 "unclean" */
	assert_int_equal(duet_md_decode(b, sizeof(b), &out), DUET_MD_E_FOREIGN);
	b[63] = 0x6a;	/* 0.7: not recognised as such, just not ours */
	assert_int_equal(duet_md_decode(b, sizeof(b), &out), DUET_MD_E_MAGIC);
	memset(b, 0xff, sizeof(b));
	assert_int_equal(duet_md_decode(b, sizeof(b), &out), DUET_MD_E_MAGIC);
}

struct poke {
	const char *name;
	int off;
	int width;		/* 4 or 8 bytes, 0: the flags word as is */
	uint64_t value;
	int err;
};

static void test_semantic_errors(void **state)
{
	static const struct poke pokes[] = {
		{ "version 2", 8, 2, 2, DUET_MD_E_VERSION },
		{ "unknown flag", 16, 4, 0x200, DUET_MD_E_FLAGS },
		{ "UpToDate without Consistent", 16, 4, DUET_MDF_UP_TO_DATE, DUET_MD_E_FLAGS },
		{ "Outdated and UpToDate", 16, 4,
		  DUET_MDF_CONSISTENT | DUET_MDF_UP_TO_DATE | DUET_MDF_OUTDATED, DUET_MD_E_FLAGS },
		{ "Consistent alone", 16, 4, DUET_MDF_CONSISTENT, DUET_MD_E_FLAGS },
		{ "512 bytes per bit", 20, 4, 512, DUET_MD_E_GEOMETRY },
		{ "data bigger than bitmap", 24, 8, 1ULL << 40, DUET_MD_E_BITMAP },
		{ "huge data size", 24, 8, 1ULL << 60, DUET_MD_E_LAYOUT },
		{ "md area smaller than its parts", 32, 8, 100, DUET_MD_E_LAYOUT },
		{ "superblock not where the layout says", 40, 8, 1234, DUET_MD_E_LAYOUT },
		{ "AL overlapping the bitmap", 48, 8, 16, DUET_MD_E_LAYOUT },
		{ "AL overlapping the superblock", 48, 8, 0, DUET_MD_E_LAYOUT },
		{ "AL size not whole blocks", 56, 4, 641, DUET_MD_E_AL },
		{ "AL too small for al-extents", 56, 4, 16, DUET_MD_E_AL },
		{ "al-extents 6", 60, 4, 6, DUET_MD_E_AL },
		{ "al-extents 65535", 60, 4, 65535, DUET_MD_E_AL },
		{ "bitmap beyond the slot", 64, 8, 128 * MIB_SECT, DUET_MD_E_LAYOUT },
		{ "bitmap size odd", 72, 8, 12, DUET_MD_E_BITMAP },
		{ "index -3", 80, 4, (uint32_t)-3, DUET_MD_E_INDEX },
		{ "index 65536", 80, 4, 65536, DUET_MD_E_INDEX },
		{ "index says internal", 80, 4, (uint32_t)-1, DUET_MD_E_LAYOUT },
		{ "reserved byte", 200, 4, 1, DUET_MD_E_RESERVED },
		{ "last reserved byte", 4092, 4, 1u << 24, DUET_MD_E_RESERVED },
	};
	uint8_t good[4096], b[4096];
	struct duet_md_sb sb, out;

	(void)state;
	/* an indexed slot: slot 2 of a 512 MiB meta-data device */
	make_sb(&sb, 2, GIB_SECT, 512 * MIB_SECT);
	assert_int_equal(duet_md_encode(&sb, good), 0);
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		const struct poke *p = &pokes[i];
		int err;

		memcpy(b, good, sizeof(b));
		if (p->width == 2) {
			b[p->off] = p->value;
			b[p->off + 1] = p->value >> 8;
		} else if (p->width == 4) {
			put32(b + p->off, (uint32_t)p->value);
		} else {
			put64(b + p->off, p->value);
		}
		reseal(b);
		err = duet_md_decode(b, sizeof(b), &out);
		if (err != p->err)
			fail_msg("%s: got %d (%s), want %d", p->name, err,
				 duet_md_strerror(err), p->err);
	}
	/* a newer minor version may use the reserved area */
	memcpy(b, good, sizeof(b));
	b[10] = 1;
	b[300] = 0x42;
	reseal(b);
	assert_int_equal(duet_md_decode(b, sizeof(b), &out), 0);
	assert_int_equal(out.version_minor, 1);

	/* internal: the data must end where the meta data begins */
	make_sb(&sb, DUET_MD_INDEX_INTERNAL, GIB_SECT, 0);
	sb.la_size_sect += 8;
	assert_int_equal(duet_md_encode(&sb, b), DUET_MD_E_LAYOUT);
	sb.la_size_sect -= 8;
	sb.md_offset_sect = 100;	/* meta data would start before sector 0 */
	assert_int_equal(duet_md_encode(&sb, b), DUET_MD_E_LAYOUT);
	/* flexible lives at sector 0 */
	make_sb(&sb, DUET_MD_INDEX_FLEXIBLE, GIB_SECT, GIB_SECT);
	sb.md_offset_sect = 8;
	assert_int_equal(duet_md_encode(&sb, b), DUET_MD_E_LAYOUT);

	/* encode refuses what decode would refuse, and writes nothing */
	make_sb(&sb, DUET_MD_INDEX_INTERNAL, GIB_SECT, 0);
	sb.al_extents = 3;
	memset(b, 0x33, sizeof(b));
	assert_int_equal(duet_md_encode(&sb, b), DUET_MD_E_AL);
	assert_int_equal(b[0], 0x33);
	assert_int_equal(b[4095], 0x33);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int e = DUET_MD_E_LAST; e < 0; e++) {
		assert_null(strstr(duet_md_strerror(e), "unknown meta-data error"));
		for (int f = DUET_MD_E_LAST; f < e; f++)
			assert_string_not_equal(duet_md_strerror(e), duet_md_strerror(f));
	}
	assert_string_equal(duet_md_strerror(0), "OK");
	assert_string_equal(duet_md_strerror(-99), "unknown meta-data error");
	assert_string_equal(duet_md_strerror(5), "unknown meta-data error");
}

/* ---- flags and disk states -------------------------------------------- */

static void test_flags(void **state)
{
	struct duet_state s;
	uint32_t f;

	(void)state;
	assert_int_equal(duet_md_disk_state(0, DUET_FENCING_DONT_CARE), DUET_D_INCONSISTENT);
	assert_int_equal(duet_md_disk_state(DUET_MDF_CONSISTENT | DUET_MDF_OUTDATED,
					    DUET_FENCING_DONT_CARE), DUET_D_OUTDATED);
	assert_int_equal(duet_md_disk_state(DUET_MDF_CONSISTENT | DUET_MDF_UP_TO_DATE,
					    DUET_FENCING_RESOURCE_ONLY), DUET_D_CONSISTENT);
	assert_int_equal(duet_md_disk_state(DUET_MDF_CONSISTENT | DUET_MDF_UP_TO_DATE,
					    DUET_FENCING_DONT_CARE), DUET_D_UP_TO_DATE);
	assert_int_equal(duet_md_disk_state(DUET_MDF_CONSISTENT | DUET_MDF_UP_TO_DATE |
					    DUET_MDF_PEER_OUTDATED,
					    DUET_FENCING_RESOURCE_AND_STONITH),
			 DUET_D_UP_TO_DATE);

	/* every disk state with data survives a write and an attach */
	for (int d = DUET_D_INCONSISTENT; d <= DUET_D_UP_TO_DATE; d++) {
		int want = d;

		if (d == DUET_D_UNKNOWN)
			continue;
		duet_state_init(&s);
		s.disk = d;
		f = duet_md_flags_for_state(DUET_MDF_CLEAN, &s);
		assert_true(f & DUET_MDF_CLEAN);
		if (d == DUET_D_UP_TO_DATE)
			want = DUET_D_CONSISTENT;	/* currency unknown */
		assert_int_equal(duet_md_disk_state(f, DUET_FENCING_RESOURCE_ONLY), want);
	}

	duet_state_init(&s);
	s.role = DUET_ROLE_PRIMARY;
	s.conn = DUET_C_CONNECTED;
	s.disk = DUET_D_UP_TO_DATE;
	s.pdsk = DUET_D_OUTDATED;
	f = duet_md_flags_for_state(0, &s);
	assert_true(f & DUET_MDF_PRIMARY);
	assert_true(f & DUET_MDF_CONNECTED);
	assert_true(f & DUET_MDF_PEER_OUTDATED);
	assert_true(duet_md_crashed_primary(f));
	assert_false(duet_md_crashed_primary(f | DUET_MDF_CLEAN));
	/* detached: the disk bits are kept */
	s.disk = DUET_D_DISKLESS;
	s.role = DUET_ROLE_SECONDARY;
	f = duet_md_flags_for_state(f, &s);
	assert_false(f & DUET_MDF_PRIMARY);
	assert_true(f & DUET_MDF_UP_TO_DATE);
}

/* ---- seed corpus for tests/fuzz/fuzz_md ------------------------------- */

static int write_file(const char *dir, const char *name, const void *p,
		      size_t n)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Not a test: DUET_WRITE_MD_CORPUS=DIR regenerates the fuzz seeds. */
static int write_corpus(const char *dir)
{
	static struct duet_al_slot slots[DUET_AL_DEFAULT_EXTENTS];
	static uint32_t hash[2048];
	static uint8_t ring[8 * 4096];
	static const struct { const char *name; int32_t index; uint64_t b, m; } sbs[] = {
		{ "sb-internal", DUET_MD_INDEX_INTERNAL, GIB_SECT, 0 },
		{ "sb-indexed", 5, GIB_SECT, 768 * MIB_SECT },
		{ "sb-flexible", DUET_MD_INDEX_FLEXIBLE, 100 * GIB_SECT, GIB_SECT },
	};
	uint8_t b[4096];
	struct duet_md_layout l;
	struct duet_md_sb sb;
	struct duet_al al;
	struct duet_al_tx_info info;
	int err = 0;

	for (size_t i = 0; i < sizeof(sbs) / sizeof(sbs[0]); i++) {
		if (duet_md_layout(sbs[i].index, sbs[i].b, sbs[i].m, 0, &l))
			return 1;
		duet_md_init_sb(&sb, &l, DUET_AL_DEFAULT_EXTENTS, 0, 0x1122334455667788ULL);
		if (duet_md_encode(&sb, b))
			return 1;
		err |= write_file(dir, sbs[i].name, b, sizeof(b));
	}
	/* an activity log: init, then five updates, in an 8-block ring */
	if (duet_al_init(&al, slots, DUET_AL_DEFAULT_EXTENTS, hash, 2048, 8, 1,
			 0x1122334455667788ULL, NULL))
		return 1;
	for (int i = 0; i < 6; i++) {
		if (i)
			duet_al_begin_io(&al, (uint64_t)i * 3 << 13, 8);
		if (duet_al_tx_prepare(&al, b, &info) != 1)
			return 1;
		memcpy(ring + info.ring_index * 4096, b, 4096);
		duet_al_tx_done(&al, true);
		if (i == 0)
			err |= write_file(dir, "al-init", b, sizeof(b));
		if (i == 5)
			err |= write_file(dir, "al-update", b, sizeof(b));
	}
	err |= write_file(dir, "al-ring8", ring, sizeof(ring));
	memset(ring + 6 * 4096 + 100, 0xee, 2000);	/* torn newest block */
	err |= write_file(dir, "al-ring8-torn", ring, sizeof(ring));
	memset(b, 0, sizeof(b));
	err |= write_file(dir, "zero-block", b, sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i * 131 + 7);
	err |= write_file(dir, "garbage", b, sizeof(b));
	err |= write_file(dir, "short", "DUETMETA\1", 9);
	return err ? 1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_internal),
		cmocka_unit_test(test_layout_indexed),
		cmocka_unit_test(test_layout_flexible),
		cmocka_unit_test(test_bm_sect),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_byte_layout),
		cmocka_unit_test(test_every_byte_flipped),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_semantic_errors),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_flags),
	};

	if (getenv("DUET_WRITE_MD_CORPUS"))
		return write_corpus(getenv("DUET_WRITE_MD_CORPUS"));
	return cmocka_run_group_tests_name("core_md", tests, NULL, NULL);
}
