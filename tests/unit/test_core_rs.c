/*
 * Unit tests for kmod/core/rs.c: the resync window (ids, generations,
 * stale and forged acks, a full window, dirty marking with its edge
 * cases, clear), the progress lines of /proc/duet against text derived
 * from drbd.md §7.3-7.4 (bar, rounding, K/M, comma grouping, zero speed,
 * pause, stall) and the figures, and the rate controller driven by a
 * simulated link: a fixed rate over a minute, the fill target, the
 * c-max-rate ceiling, the c-min-rate brake and the delay target.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/rs.h"

static uint64_t mk_id(uint32_t gen, uint32_t slot)
{
	return (uint64_t)gen << 32 | slot;
}

/* ---- window ------------------------------------------------------------ */

static void test_win_add_ack(void **state)
{
	struct duet_rs_win w;
	uint64_t id[3], id2;
	bool clear;

	(void)state;
	memset(&w, 0xa5, sizeof(w));	/* init must clear */
	duet_rs_win_init(&w);
	assert_int_equal(w.gen, 1);
	assert_int_equal(w.inflight, 0);
	assert_int_equal(duet_rs_win_add(&w, 0, 4096, &id[0]), 0);
	assert_int_equal(duet_rs_win_add(&w, 8, 65536, &id[1]), 0);
	assert_int_equal(duet_rs_win_add(&w, 1000, 1000, &id[2]), 0);
	assert_int_equal(id[0], mk_id(1, 0));
	assert_int_equal(id[1], mk_id(2, 1));
	assert_int_equal(id[2], mk_id(3, 2));
	assert_int_equal(duet_rs_id_slot(id[2]), 2);
	assert_int_equal(duet_rs_id_gen(id[2]), 3);
	assert_int_equal(w.inflight, 3);
	/* 1000 bytes cover 2 sectors */
	assert_int_equal(w.inflight_sect, 8 + 128 + 2);

	/* forged and mismatching acks change nothing */
	clear = false;
	assert_int_equal(duet_rs_win_ack(&w, mk_id(2, 64), 8, 65536, &clear),
			 DUET_RS_E_ID);
	assert_int_equal(duet_rs_win_ack(&w, mk_id(0, 1), 8, 65536, &clear),
			 DUET_RS_E_ID);
	assert_int_equal(duet_rs_win_ack(&w, mk_id(2, 3), 8, 65536, &clear),
			 DUET_RS_E_ID);	/* free slot */
	assert_int_equal(duet_rs_win_ack(&w, mk_id(7, 1), 8, 65536, &clear),
			 DUET_RS_E_STALE);
	assert_int_equal(duet_rs_win_ack(&w, id[1], 16, 65536, &clear),
			 DUET_RS_E_MISMATCH);
	assert_int_equal(duet_rs_win_ack(&w, id[1], 8, 32768, &clear),
			 DUET_RS_E_MISMATCH);
	assert_false(clear);
	assert_int_equal(w.inflight, 3);
	assert_int_equal(w.inflight_sect, 138);

	assert_int_equal(duet_rs_win_ack(&w, id[1], 8, 65536, &clear), 0);
	assert_true(clear);
	assert_int_equal(w.inflight, 2);
	assert_int_equal(w.inflight_sect, 10);
	/* a duplicate ack names nothing in flight */
	assert_int_equal(duet_rs_win_ack(&w, id[1], 8, 65536, &clear),
			 DUET_RS_E_ID);

	/* the freed slot is reused with a new generation */
	assert_int_equal(duet_rs_win_add(&w, 500, 512, &id2), 0);
	assert_int_equal(id2, mk_id(4, 1));
	assert_int_equal(duet_rs_win_ack(&w, id[1], 8, 65536, &clear),
			 DUET_RS_E_STALE);
	assert_int_equal(duet_rs_win_ack(&w, id2, 500, 512, NULL), 0);
	assert_int_equal(duet_rs_win_ack(&w, id[0], 0, 4096, &clear), 0);
	assert_int_equal(duet_rs_win_ack(&w, id[2], 1000, 1000, &clear), 0);
	assert_int_equal(w.inflight, 0);
	assert_int_equal(w.inflight_sect, 0);
}

static void test_win_strerror(void **state)
{
	(void)state;
	assert_string_equal(duet_rs_strerror(0), "success");
	assert_string_equal(duet_rs_strerror(DUET_RS_E_FULL),
			    "every resync slot is in use");
	assert_string_equal(duet_rs_strerror(DUET_RS_E_ID),
			    "acknowledgement names no resync range in flight");
	assert_string_equal(duet_rs_strerror(DUET_RS_E_STALE),
			    "acknowledgement of an earlier resync range");
	assert_non_null(strstr(duet_rs_strerror(DUET_RS_E_MISMATCH),
			       "sector and size"));
	assert_string_equal(duet_rs_strerror(-5), "unknown resync error");
	assert_string_equal(duet_rs_strerror(1), "unknown resync error");
}

static void test_win_full(void **state)
{
	struct duet_rs_win w;
	uint64_t id[DUET_RS_SLOTS], extra = 0x1234;
	uint32_t i;

	(void)state;
	duet_rs_win_init(&w);
	for (i = 0; i < DUET_RS_SLOTS; i++) {
		assert_int_equal(duet_rs_win_add(&w, i * 8, 4096, &id[i]), 0);
		assert_int_equal(duet_rs_id_slot(id[i]), i);
	}
	assert_true(duet_rs_win_full(&w));
	assert_int_equal(duet_rs_win_add(&w, 9999, 4096, &extra), -1);
	assert_int_equal(extra, 0x1234);
	assert_int_equal(w.inflight, DUET_RS_SLOTS);
	assert_int_equal(w.inflight_sect, 8 * DUET_RS_SLOTS);
	assert_int_equal(duet_rs_win_ack(&w, id[37], 37 * 8, 4096, NULL), 0);
	assert_false(duet_rs_win_full(&w));
	assert_int_equal(duet_rs_win_add(&w, 9999, 4096, &extra), 0);
	assert_int_equal(extra, mk_id(DUET_RS_SLOTS + 1, 37));
	assert_int_equal(duet_rs_win_add(&w, 9999, 4096, &extra), -1);
}

static void test_win_gen_wrap(void **state)
{
	struct duet_rs_win w;
	uint64_t id;

	(void)state;
	duet_rs_win_init(&w);
	w.gen = 0xffffffffu;
	assert_int_equal(duet_rs_win_add(&w, 0, 512, &id), 0);
	assert_int_equal(id, mk_id(0xffffffffu, 0));
	assert_int_equal(w.gen, 1);	/* never 0 */
	assert_int_equal(duet_rs_win_add(&w, 8, 512, &id), 0);
	assert_int_equal(id, mk_id(1, 1));
}

static void test_win_dirty(void **state)
{
	struct duet_rs_win w;
	uint64_t a, b, c, d;
	bool clear;

	(void)state;
	duet_rs_win_init(&w);
	assert_int_equal(duet_rs_win_app_write(&w, 0, 1 << 20), 0);
	/* a: sectors [100, 108) */
	assert_int_equal(duet_rs_win_add(&w, 100, 4096, &a), 0);

	/* touching on either side is not overlapping */
	assert_int_equal(duet_rs_win_app_write(&w, 92, 4096), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 108, 4096), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 99, 512), 0);
	/* 513 bytes at 98: sectors 98 and 99 only */
	assert_int_equal(duet_rs_win_app_write(&w, 98, 513), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 100, 0), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 104, 0), 0);
	assert_false(w.slot[0].dirty);
	assert_int_equal(duet_rs_win_ack(&w, a, 100, 4096, &clear), 0);
	assert_true(clear);

	/* the first and the last sector overlap */
	assert_int_equal(duet_rs_win_add(&w, 100, 4096, &a), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 99, 1024), 1);
	assert_int_equal(duet_rs_win_ack(&w, a, 100, 4096, &clear), 0);
	assert_false(clear);
	assert_int_equal(duet_rs_win_add(&w, 100, 4096, &a), 0);
	assert_false(w.slot[0].dirty);	/* the reused slot starts clean */
	assert_int_equal(duet_rs_win_app_write(&w, 107, 512), 1);
	assert_int_equal(duet_rs_win_ack(&w, a, 100, 4096, &clear), 0);
	assert_false(clear);
	/* 513 bytes at 98 reach sector 100 when the range does */
	assert_int_equal(duet_rs_win_add(&w, 100, 4096, &a), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 99, 513), 1);
	assert_int_equal(duet_rs_win_ack(&w, a, 100, 4096, &clear), 0);
	assert_false(clear);

	/* several ranges: inside, covering, twice */
	assert_int_equal(duet_rs_win_add(&w, 0, 8192, &a), 0);	/* [0, 16) */
	assert_int_equal(duet_rs_win_add(&w, 16, 8192, &b), 0);	/* [16, 32) */
	assert_int_equal(duet_rs_win_add(&w, 64, 512, &c), 0);	/* [64, 65) */
	assert_int_equal(duet_rs_win_add(&w, 1000, 0, &d), 0);	/* empty */
	assert_int_equal(duet_rs_win_app_write(&w, 15, 1024), 2);
	assert_int_equal(duet_rs_win_app_write(&w, 15, 1024), 2);
	assert_int_equal(duet_rs_win_app_write(&w, 0, 1 << 20), 3);
	assert_int_equal(duet_rs_win_ack(&w, d, 1000, 0, &clear), 0);
	assert_true(clear);
	assert_int_equal(duet_rs_win_ack(&w, c, 64, 512, &clear), 0);
	assert_false(clear);
	assert_int_equal(duet_rs_win_add(&w, 64, 512, &c), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 20, 512), 1);
	assert_int_equal(duet_rs_win_ack(&w, c, 64, 512, &clear), 0);
	assert_true(clear);
	assert_int_equal(duet_rs_win_ack(&w, a, 0, 8192, &clear), 0);
	assert_false(clear);
	assert_int_equal(duet_rs_win_ack(&w, b, 16, 8192, &clear), 0);
	assert_false(clear);

	/* the end of the sector space does not wrap */
	assert_int_equal(duet_rs_win_add(&w, ~(uint64_t)0 - 7, 4096, &a), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 0, 4096), 0);
	assert_int_equal(duet_rs_win_app_write(&w, ~(uint64_t)0 - 15, 4096),
			 0);
	assert_int_equal(duet_rs_win_app_write(&w, ~(uint64_t)0, 512), 1);
	assert_int_equal(duet_rs_win_ack(&w, a, ~(uint64_t)0 - 7, 4096, &clear),
			 0);
	assert_false(clear);
}

static void test_win_clear(void **state)
{
	struct duet_rs_win w;
	uint64_t id[5], id2;
	uint32_t i;
	bool clear;

	(void)state;
	duet_rs_win_init(&w);
	assert_int_equal(duet_rs_win_clear(&w), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(duet_rs_win_add(&w, i * 100, 4096, &id[i]), 0);
	assert_int_equal(duet_rs_win_app_write(&w, 200, 512), 1);
	assert_int_equal(duet_rs_win_clear(&w), 5);
	assert_int_equal(w.inflight, 0);
	assert_int_equal(w.inflight_sect, 0);
	for (i = 0; i < DUET_RS_SLOTS; i++) {
		assert_false(w.slot[i].used);
		assert_false(w.slot[i].dirty);
	}
	for (i = 0; i < 5; i++)
		assert_int_equal(duet_rs_win_ack(&w, id[i], i * 100, 4096,
						 &clear), DUET_RS_E_ID);
	assert_int_equal(duet_rs_win_app_write(&w, 0, 1 << 20), 0);
	/* generations go on: an old ack does not match the new range */
	assert_int_equal(duet_rs_win_add(&w, 0, 4096, &id2), 0);
	assert_int_equal(id2, mk_id(6, 0));
	assert_int_equal(duet_rs_win_ack(&w, id[0], 0, 4096, &clear),
			 DUET_RS_E_STALE);
	assert_int_equal(duet_rs_win_ack(&w, id2, 0, 4096, &clear), 0);
	assert_true(clear);
	assert_int_equal(duet_rs_win_clear(&w), 0);
}

/* ---- progress ---------------------------------------------------------- */

static char out[512];

static const char *fmt(const struct duet_rs_prog *p, uint64_t left,
		       uint64_t now)
{
	size_t n = duet_rs_prog_format(p, left, now, out, sizeof(out));

	assert_int_equal(n, strlen(out));
	return out;
}

/* The second line of the last fmt(). */
static const char *line2(void)
{
	const char *nl = strchr(out, '\n');

	assert_non_null(nl);
	return nl + 1;
}

/* Marks every second from @t0 to @t1 at @v bits a second, ending at @left. */
static void steady(struct duet_rs_prog *p, uint64_t t0, uint64_t t1,
		   uint64_t v, uint64_t left)
{
	uint64_t t;

	for (t = t0; t <= t1; t += 1000)
		duet_rs_prog_mark(p, left + v * (t1 - t) / 1000, t);
}

/* drbd.md §7.4, the 8.4.11 SyncSource: "[==>....] sync'ed: 18.6% (...)M" */
static void test_prog_drbd_84_example(void **state)
{
	struct duet_rs_prog p;
	uint64_t total = 952288ull * 256 + 100, left = 776076ull * 256 + 17;
	uint64_t t = 4500000;

	(void)state;
	duet_rs_prog_start(&p, total, 0);
	/* 10120 bits/s = 40,480 KiB/s over the last 7 s */
	steady(&p, t - 7000, t, 10120, left);
	assert_string_equal(fmt(&p, left, t),
			    "\t[==>.................] sync'ed: 18.6% "
			    "(776076/952288)M\n"
			    "\tfinish: 5:27:11 speed: 40,480 (40,098) K/sec\n");
	duet_rs_prog_want(&p, 40960);
	fmt(&p, left, t);
	assert_string_equal(line2(), "\tfinish: 5:27:11 speed: 40,480 "
			    "(40,098) want: 40,960 K/sec\n");
}

/* The example of the brief, derived the same way (§7.3's layout). */
static void test_prog_kib_example(void **state)
{
	struct duet_rs_prog p;
	struct duet_rs_figures f;

	(void)state;
	duet_rs_prog_start(&p, 256816 / 4, 0);
	steady(&p, 1216, 8216, 2560, 176200 / 4);
	assert_string_equal(fmt(&p, 176200 / 4, 8216),
			    "\t[=====>..............] sync'ed: 31.4% "
			    "(176200/256816)K\n"
			    "\tfinish: 0:00:17 speed: 10,240 (9,812) K/sec\n");
	duet_rs_prog_figures(&p, 176200 / 4, 8216, &f);
	assert_int_equal(f.permille, 314);
	assert_int_equal(f.total_kib, 256816);
	assert_int_equal(f.left_kib, 176200);
	assert_int_equal(f.speed_kib, 10240);
	assert_int_equal(f.avg_kib, 9812);
	assert_int_equal(f.eta_s, 17);

	/* a verify says so */
	p.verify = true;
	fmt(&p, 176200 / 4, 8216);
	assert_int_equal(strncmp(out, "\t[=====>..............] verified: 31.4% "
				 "(176200/256816)K\n", 57), 0);
}

struct bar_case {
	uint64_t total, left;
	const char *line;
};

static void test_prog_bar_rounding(void **state)
{
	static const struct bar_case cases[] = {
		{ 1000, 1000, "\t[>...................] sync'ed:  0.0% (4000/4000)K\n" },
		{ 1000, 999, "\t[>...................] sync'ed:  0.1% (3996/4000)K\n" },
		{ 1000, 951, "\t[>...................] sync'ed:  4.9% (3804/4000)K\n" },
		{ 1000, 950, "\t[>...................] sync'ed:  5.0% (3800/4000)K\n" },
		{ 1000, 901, "\t[>...................] sync'ed:  9.9% (3604/4000)K\n" },
		{ 1000, 900, "\t[=>..................] sync'ed: 10.0% (3600/4000)K\n" },
		{ 1000, 1, "\t[==================>.] sync'ed: 99.9% (4/4000)K\n" },
		{ 1000, 0, "\t[===================>] sync'ed:100.0% (0/4000)K\n" },
		/* rounded up: 33.33 % done is 33.4 %, 66.67 % is 66.7 % */
		{ 3, 2, "\t[=====>..............] sync'ed: 33.4% (8/12)K\n" },
		{ 3, 1, "\t[============>.......] sync'ed: 66.7% (4/12)K\n" },
		/* K up to 2^20 bits (4 GiB), then M rounded down */
		{ 1 << 20, 1 << 20, "\t[>...................] sync'ed:  0.0% (4194304/4194304)K\n" },
		{ (1 << 20) + 1, 255, "\t[===================>] sync'ed:100.0% (0/4096)M\n" },
		{ (1 << 20) + 1, 256, "\t[===================>] sync'ed:100.0% (1/4096)M\n" },
		/* more left than the total (bits set but not added): 0 % */
		{ 10, 11, "\t[>...................] sync'ed:  0.0% (44/40)K\n" },
		{ 0, 0, "\t[===================>] sync'ed:100.0% (0/0)K\n" },
	};
	struct duet_rs_prog p;
	size_t i, n;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		duet_rs_prog_start(&p, cases[i].total, 0);
		fmt(&p, cases[i].left, 0);
		n = strlen(cases[i].line);
		if (strncmp(out, cases[i].line, n))
			fail_msg("case %zu: got \"%s\"", i, out);
		/* the bar is 20 characters in every case */
		assert_int_equal(strchr(out, ']') - strchr(out, '[') - 1, 20);
	}
}

struct speed_case {
	uint64_t db;
	const char *line2;
};

static void test_prog_speed_grouping(void **state)
{
	/* db bits in 4 s: db KiB/s; 900 * db left: one hour */
	static const struct speed_case cases[] = {
		{ 1, "\tfinish: 1:00:00 speed: 1 (1) K/sec\n" },
		{ 999, "\tfinish: 1:00:00 speed: 999 (999) K/sec\n" },
		{ 1000, "\tfinish: 1:00:00 speed: 1,000 (1,000) K/sec\n" },
		{ 999999, "\tfinish: 1:00:00 speed: 999,999 (999,999) K/sec\n" },
		{ 1000000, "\tfinish: 1:00:00 speed: 1,000,000 (1,000,000) K/sec\n" },
		{ 1234567890, "\tfinish: 1:00:00 speed: 1,234,567,890 (1,234,567,890) K/sec\n" },
	};
	struct duet_rs_prog p;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t db = cases[i].db;

		duet_rs_prog_start(&p, db * 901, 0);
		fmt(&p, db * 900, 4000);
		assert_string_equal(line2(), cases[i].line2);
	}

	/* hours are not padded nor limited; minutes and seconds are */
	duet_rs_prog_start(&p, 1000 + 3, 0);
	fmt(&p, 1000, 4000);	/* 3 KiB/s, 4000 KiB left */
	assert_string_equal(line2(), "\tfinish: 0:22:13 speed: 3 (3) K/sec\n");
	duet_rs_prog_start(&p, 100000000 + 1, 0);
	fmt(&p, 100000000, 4000);
	assert_string_equal(line2(),
			    "\tfinish: 111111:06:40 speed: 1 (1) K/sec\n");
}

static void test_prog_zero_speed(void **state)
{
	struct duet_rs_prog p;
	struct duet_rs_figures f;

	(void)state;
	/* just started, nothing done: no speed, no finish time */
	duet_rs_prog_start(&p, 5000, 1000);
	assert_string_equal(fmt(&p, 5000, 1000),
			    "\t[>...................] sync'ed:  0.0% (20000/20000)K\n"
			    "\tfinish: --:--:-- speed: 0 (0) K/sec\n");
	duet_rs_prog_mark(&p, 5000, 3000);
	fmt(&p, 5000, 9000);
	assert_string_equal(line2(), "\tfinish: --:--:-- speed: 0 (0) K/sec\n");
	duet_rs_prog_figures(&p, 5000, 9000, &f);
	assert_int_equal(f.speed_kib, 0);
	assert_int_equal(f.avg_kib, 0);
	assert_int_equal(f.eta_s, 0);
	assert_int_equal(f.permille, 0);

	/* progress, then none for the whole window: the current speed is
	 * 0 and the finish time comes from the average
	 */
	duet_rs_prog_start(&p, 5000, 0);
	duet_rs_prog_mark(&p, 3000, 1000);	/* 2000 bits in 1 s */
	steady(&p, 2000, 10000, 0, 3000);
	fmt(&p, 3000, 10000);
	/* average 2000 bits in 10 s: 800 KiB/s; 12000 KiB left: 15 s */
	assert_string_equal(line2(), "\tfinish: 0:00:15 speed: 0 (800) K/sec\n");
	duet_rs_prog_figures(&p, 3000, 10000, &f);
	assert_int_equal(f.speed_kib, 0);
	assert_int_equal(f.avg_kib, 800);
	assert_int_equal(f.eta_s, 15);

	/* done: finish 0:00:00 */
	fmt(&p, 0, 10000);
	assert_memory_equal(line2(), "\tfinish: 0:00:00 ", 17);
}

static void test_prog_marks(void **state)
{
	struct duet_rs_prog p;
	struct duet_rs_figures f;

	(void)state;
	duet_rs_prog_start(&p, 100000, 0);
	/* marks closer than a second are not kept */
	duet_rs_prog_mark(&p, 99000, 500);
	assert_int_equal(p.marks, 1);
	duet_rs_prog_mark(&p, 99000, 1000);
	assert_int_equal(p.marks, 2);
	duet_rs_prog_mark(&p, 98000, 1999);
	assert_int_equal(p.marks, 2);
	/* at 1000 bits/s to 20 s, then 4000 bits/s to 30 s */
	steady(&p, 2000, 20000, 1000, 80000);
	steady(&p, 21000, 30000, 4000, 40000);
	assert_int_equal(p.marks, DUET_RS_MARKS);
	duet_rs_prog_figures(&p, 40000, 30000, &f);
	/* the last 7 s only: 4000 bits/s = 16000 KiB/s */
	assert_int_equal(f.speed_kib, 16000);
	/* 60000 bits in 30 s = 8000 KiB/s */
	assert_int_equal(f.avg_kib, 8000);
	assert_int_equal(f.eta_s, 40000 * 4 / 16000);
	/* between marks the window reaches to now */
	duet_rs_prog_figures(&p, 39000, 30500, &f);
	assert_int_equal(f.speed_kib, 29000 * 4000 / 7500);
}

static void test_prog_pause(void **state)
{
	struct duet_rs_prog p;
	struct duet_rs_figures f;

	(void)state;
	duet_rs_prog_start(&p, 10000, 0);
	steady(&p, 1000, 10000, 400, 6000);
	duet_rs_prog_pause(&p, 10000);
	duet_rs_prog_pause(&p, 20000);	/* already paused: no change */
	duet_rs_prog_mark(&p, 6000, 30000);	/* ignored */
	duet_rs_prog_figures(&p, 6000, 40000, &f);
	assert_int_equal(f.speed_kib, 0);
	/* 4000 bits in 10 s of running */
	assert_int_equal(f.avg_kib, 1600);
	/* paused for longer than the stall limit: not "stalled" */
	fmt(&p, 6000, 10000 + DUET_RS_STALLED_MS + 1000);
	assert_null(strstr(out, "stalled"));
	duet_rs_prog_resume(&p, 6000, 70000);
	duet_rs_prog_resume(&p, 6000, 75000);	/* not paused: no change */
	assert_int_equal(p.paused_ms, 60000);
	duet_rs_prog_figures(&p, 4000, 80000, &f);
	/* 2000 bits since the resume 10 s ago; 6000 in 20 s of running */
	assert_int_equal(f.speed_kib, 800);
	assert_int_equal(f.avg_kib, 1200);
	assert_int_equal(f.eta_s, 20);
}

static void test_prog_stalled(void **state)
{
	struct duet_rs_prog p;
	uint64_t t;

	(void)state;
	duet_rs_prog_start(&p, 1000, 0);
	duet_rs_prog_mark(&p, 900, 1000);
	for (t = 2000; t <= 181000; t += 1000)
		duet_rs_prog_mark(&p, 900, t);
	fmt(&p, 900, 181000);
	assert_null(strstr(out, "stalled"));
	fmt(&p, 900, 181001);
	/* 100 bits in 181.001 s: 2 KiB/s; 3600 KiB left */
	assert_string_equal(line2(), "\tfinish: 0:30:00 speed: 0 (2) K/sec "
			    "(stalled)\n");
	/* any progress ends it */
	fmt(&p, 899, 181001);
	assert_null(strstr(out, "stalled"));
	duet_rs_prog_mark(&p, 899, 182000);
	fmt(&p, 899, 300000);
	assert_null(strstr(out, "stalled"));
}

static void test_prog_add(void **state)
{
	struct duet_rs_prog p;
	struct duet_rs_figures f;

	(void)state;
	duet_rs_prog_start(&p, 1000, 0);
	duet_rs_prog_mark(&p, 600, 4000);
	duet_rs_prog_add(&p, 500);
	assert_int_equal(p.total_bits, 1500);
	duet_rs_prog_figures(&p, 700, 8000, &f);
	/* 800 of 1500 done; the start mark moved up with the new bits */
	assert_int_equal(f.permille, 1000 - 700 * 1000 / 1500);
	assert_int_equal(f.speed_kib, 800 * 4000 / 8000);
	assert_int_equal(f.avg_kib, 800 * 4000 / 8000);
	assert_int_equal(f.total_kib, 6000);
	assert_int_equal(f.left_kib, 2800);
}

static void test_prog_figures_clamp(void **state)
{
	struct duet_rs_prog p;
	struct duet_rs_figures f;

	(void)state;
	/* 2^40 bits in one second: more KiB/s than a u32 holds */
	duet_rs_prog_start(&p, (1ull << 40) + 1, 0);
	duet_rs_prog_figures(&p, 1, 1000, &f);
	assert_int_equal(f.speed_kib, 0xffffffffu);
	assert_int_equal(f.avg_kib, 0xffffffffu);
	assert_int_equal(f.permille, 1000);
	/* 1 KiB/s with 2^34 KiB left: more seconds than a u32 holds */
	duet_rs_prog_start(&p, (1ull << 32) + 1, 0);
	duet_rs_prog_figures(&p, 1ull << 32, 4000, &f);
	assert_int_equal(f.speed_kib, 1);
	assert_int_equal(f.eta_s, 0xffffffffu);
}

static void test_prog_format_bounded(void **state)
{
	struct duet_rs_prog p;
	char small[10];
	size_t full, n;

	(void)state;
	duet_rs_prog_start(&p, 64204, 0);
	full = duet_rs_prog_format(&p, 44050, 8216, out, sizeof(out));
	assert_int_equal(full, strlen(out));
	memset(small, 'x', sizeof(small));
	n = duet_rs_prog_format(&p, 44050, 8216, small, sizeof(small));
	assert_int_equal(n, full);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, out, sizeof(small) - 1);
	assert_int_equal(duet_rs_prog_format(&p, 44050, 8216, NULL, 0), full);
}

/* ---- rate control ------------------------------------------------------ */

static void test_ctl_conf_eff(void **state)
{
	struct duet_rs_ctl_conf zero = { 0 }, e, c;

	(void)state;
	duet_rs_ctl_conf_eff(&zero, &e);
	assert_int_equal(e.resync_rate, DUET_RS_DEF_RESYNC_RATE);
	assert_int_equal(e.c_plan_ahead, DUET_RS_DEF_PLAN_AHEAD);
	assert_int_equal(e.c_delay_target, DUET_RS_DEF_DELAY_TARGET);
	assert_int_equal(e.c_fill_target, DUET_RS_DEF_FILL_TARGET);
	assert_int_equal(e.c_max_rate, DUET_RS_DEF_MAX_RATE);
	assert_int_equal(e.c_min_rate, DUET_RS_DEF_MIN_RATE);
	memset(&e, 0, sizeof(e));
	duet_rs_ctl_conf_eff(NULL, &e);
	assert_int_equal(e.c_fill_target, DUET_RS_DEF_FILL_TARGET);
	assert_int_equal(e.c_max_rate, 1048576);

	/* single zeros: rate and ceiling take defaults, min-rate stays off,
	 * plan-ahead 0 stays fixed rate
	 */
	c = (struct duet_rs_ctl_conf){ .c_min_rate = 0, .c_delay_target = 10 };
	duet_rs_ctl_conf_eff(&c, &e);
	assert_int_equal(e.resync_rate, DUET_RS_DEF_RESYNC_RATE);
	assert_int_equal(e.c_plan_ahead, 0);
	assert_int_equal(e.c_max_rate, DUET_RS_DEF_MAX_RATE);
	assert_int_equal(e.c_min_rate, 0);
	assert_int_equal(e.c_fill_target, 0);
	/* dynamic, fill-target 0: delay-target kept; both 0: fill default */
	c = (struct duet_rs_ctl_conf){ .c_plan_ahead = 20, .c_delay_target = 5,
				       .resync_rate = 250 };
	duet_rs_ctl_conf_eff(&c, &e);
	assert_int_equal(e.c_fill_target, 0);
	assert_int_equal(e.c_delay_target, 5);
	assert_int_equal(e.resync_rate, 250);
	c.c_delay_target = 0;
	duet_rs_ctl_conf_eff(&c, &e);
	assert_int_equal(e.c_fill_target, DUET_RS_DEF_FILL_TARGET);
}

/* Sum of budgets over @secs with in-flight drained before every call. */
static uint64_t fixed_run(const struct duet_rs_ctl_conf *conf,
			  uint64_t tick_ms, uint64_t secs,
			  struct duet_rs_ctl *ctl)
{
	uint64_t t, sum = 0;
	uint32_t b;

	duet_rs_ctl_init(ctl, 0);
	for (t = 0; t < secs * 1000; t += tick_ms) {
		b = duet_rs_ctl_budget(ctl, conf, t, 0, 0);
		assert_int_equal(b % DUET_RS_UNIT_SECT, 0);
		sum += b;
	}
	return sum;
}

static void assert_near(uint64_t got, uint64_t want, unsigned int pct)
{
	uint64_t d = got > want ? got - want : want - got;

	if (d * 100 > want * pct)
		fail_msg("got %llu, want %llu +- %u %%",
			 (unsigned long long)got, (unsigned long long)want,
			 pct);
}

static void test_ctl_fixed_rate(void **state)
{
	struct duet_rs_ctl_conf c = { .resync_rate = 250 };
	struct duet_rs_ctl ctl;
	uint64_t sum, t;

	(void)state;
	/* 250 KiB/s for a minute: 30000 sectors, 100 ms ticks */
	sum = fixed_run(&c, 100, 60, &ctl);
	assert_near(sum, 30000, 5);
	assert_near(duet_rs_ctl_rate_kib(&ctl), 250, 5);
	assert_near(duet_rs_ctl_want_kib(&ctl), 250, 5);
	/* 10 ms ticks */
	sum = fixed_run(&c, 10, 60, &ctl);
	assert_near(sum, 30000, 5);
	/* 110 MiB/s, 37 ms ticks */
	c.resync_rate = 112640;
	sum = fixed_run(&c, 37, 60, &ctl);
	assert_near(sum, 112640ull * 2 * 60, 5);
	/* dynamic-mode options do not change a fixed rate */
	c = (struct duet_rs_ctl_conf){ .resync_rate = 250, .c_fill_target = 1,
				       .c_max_rate = 1 };
	sum = fixed_run(&c, 100, 60, &ctl);
	assert_near(sum, 30000, 5);

	/* nothing acked: no more than 0.5 s of the rate in flight */
	c = (struct duet_rs_ctl_conf){ .resync_rate = 1000 };
	duet_rs_ctl_init(&ctl, 0);
	sum = 0;
	for (t = 0; t < 60000; t += 100)
		sum += duet_rs_ctl_budget(&ctl, &c, t, sum, 0);
	assert_int_equal(sum, 1000);	/* 1000 KiB/s * 0.5 s */
	/* all acked at last: the minute saved up no more than 0.2 s */
	assert_int_equal(duet_rs_ctl_budget(&ctl, &c, t, 0, 0), 400);
	assert_int_equal(duet_rs_ctl_budget(&ctl, &c, t + 100, 0, 0), 200);
	/* the same after a gap between calls */
	assert_int_equal(duet_rs_ctl_budget(&ctl, &c, t + 60000, 0, 0), 400);
}

static void test_ctl_return(void **state)
{
	struct duet_rs_ctl_conf c = { .resync_rate = 1000 };
	struct duet_rs_ctl ctl;
	uint32_t b, b2;

	(void)state;
	duet_rs_ctl_init(&ctl, 0);
	/* the first call grants one step's worth at once */
	b = duet_rs_ctl_budget(&ctl, &c, 0, 0, 0);
	assert_int_equal(b, 200);
	assert_int_equal(duet_rs_ctl_budget(&ctl, &c, 0, 0, 0), 0);
	duet_rs_ctl_return(&ctl, 120);
	assert_int_equal(ctl.last_grant, 80);
	b2 = duet_rs_ctl_budget(&ctl, &c, 0, 80, 0);
	assert_int_equal(b2, 120);
	duet_rs_ctl_return(&ctl, 5000);	/* more than granted: all of it */
	assert_int_equal(ctl.last_grant, 0);
}

static void test_ctl_zero_conf(void **state)
{
	struct duet_rs_ctl_conf zero = { 0 };
	struct duet_rs_ctl ctl;
	uint64_t sum, t;

	(void)state;
	/* an all-zero conf runs the defaults: not stalled, at once */
	duet_rs_ctl_init(&ctl, 5000);
	assert_true(duet_rs_ctl_budget(&ctl, &zero, 5000, 0, 0) > 0);
	duet_rs_ctl_init(&ctl, 5000);
	assert_true(duet_rs_ctl_budget(&ctl, NULL, 5000, 0, 0) > 0);
	/* drained every 10 ms for 10 s: far more than DRBD's 250 KiB/s */
	duet_rs_ctl_init(&ctl, 0);
	sum = 0;
	for (t = 0; t < 10000; t += 10)
		sum += duet_rs_ctl_budget(&ctl, &zero, t, 0, 0);
	assert_true(sum > 250ull * 2 * 10 * 100);
	/* and a zero rate with plan-ahead 0 is not a stop either */
	assert_true(fixed_run(&(struct duet_rs_ctl_conf){ .c_max_rate = 5 },
			      100, 10, &ctl) > 0);
}

/*
 * A link of @bw sectors a second and a round trip of @rtt_us: requests
 * of up to 256 sectors go out one after the other and are acked
 * rtt_us after their last byte left.
 */
#define LQ	65536

struct link {
	uint64_t bw, rtt_us, busy_us, inflight, acked;
	uint64_t done_us[LQ];
	uint32_t sect[LQ];
	uint32_t head, tail;
};

static void link_init(struct link *l, uint64_t bw, uint64_t rtt_us)
{
	memset(l, 0, sizeof(*l));
	l->bw = bw;
	l->rtt_us = rtt_us;
}

static void link_send(struct link *l, uint64_t now_us, uint64_t sect)
{
	while (sect) {
		uint32_t n = sect > 256 ? 256 : (uint32_t)sect;
		uint64_t start = l->busy_us > now_us ? l->busy_us : now_us;

		assert_true(l->tail - l->head < LQ);
		l->busy_us = start + n * 1000000ull / l->bw;
		l->done_us[l->tail % LQ] = l->busy_us + l->rtt_us;
		l->sect[l->tail % LQ] = n;
		l->tail++;
		l->inflight += n;
		sect -= n;
	}
}

static void link_run(struct link *l, uint64_t now_us)
{
	while (l->head != l->tail && l->done_us[l->head % LQ] <= now_us) {
		l->inflight -= l->sect[l->head % LQ];
		l->acked += l->sect[l->head % LQ];
		l->head++;
	}
}

struct sim {
	uint64_t acked;		/* in the measured part */
	uint64_t inflight_sum, samples, inflight_max;
};

/*
 * Drive @ctl over @l from @t0 to @t1 ms in 10 ms ticks, with 8 sectors
 * of application I/O every @app_ms (0: none); measure from @m0 on.
 */
static void sim_run(struct duet_rs_ctl *ctl, const struct duet_rs_ctl_conf *c,
		    struct link *l, uint64_t t0, uint64_t t1, uint64_t m0,
		    uint64_t app_ms, struct sim *s)
{
	uint64_t t, acked0 = 0;

	memset(s, 0, sizeof(*s));
	for (t = t0; t < t1; t += 10) {
		uint32_t b;

		link_run(l, t * 1000);
		if (t == m0)
			acked0 = l->acked;
		b = duet_rs_ctl_budget(ctl, c, t, l->inflight,
				       app_ms && t % app_ms == 0 ? 8 : 0);
		assert_int_equal(b % DUET_RS_UNIT_SECT, 0);
		link_send(l, t * 1000, b);
		if (t >= m0) {
			s->inflight_sum += l->inflight;
			s->samples++;
			if (l->inflight > s->inflight_max)
				s->inflight_max = l->inflight;
		}
	}
	s->acked = l->acked - acked0;
}

static struct link lnk;

/* A new link and a new resync over it, run from 0 to @t1 ms. */
static void sim_new(struct duet_rs_ctl *ctl, const struct duet_rs_ctl_conf *c,
		    uint64_t bw, uint64_t rtt_us, uint64_t t1, uint64_t m0,
		    uint64_t app_ms, struct sim *s)
{
	link_init(&lnk, bw, rtt_us);
	duet_rs_ctl_init(ctl, 0);
	sim_run(ctl, c, &lnk, 0, t1, m0, app_ms, s);
}

static void test_ctl_fill_target(void **state)
{
	struct duet_rs_ctl_conf c = { .resync_rate = 250, .c_plan_ahead = 20,
				      .c_delay_target = 10,
				      .c_fill_target = 2048,
				      .c_max_rate = 1048576 };
	struct duet_rs_ctl ctl;
	struct sim s;

	(void)state;
	/* 1 GiB/s, 5 ms: 2048 sectors in flight carry ~100 MiB/s */
	sim_new(&ctl, &c, 2097152, 5000, 60000, 20000, 0, &s);
	assert_near(s.inflight_sum / s.samples, 2048, 5);
	assert_true(s.inflight_max <= 2048);
	/* every tick's 2048 sectors come back within the tick */
	assert_near(s.acked, 2048ull * 100 * 40, 5);
	assert_near(duet_rs_ctl_rate_kib(&ctl), 102400, 5);

	/* a slow link (10 MiB/s, 1 ms): the fill target queues, the
	 * link is full
	 */
	c.c_fill_target = 4096;
	sim_new(&ctl, &c, 20480, 1000, 60000, 20000, 0, &s);
	assert_near(s.inflight_sum / s.samples, 4096, 5);
	assert_near(s.acked, 20480ull * 40, 5);

	/* the level ramps up over plan-ahead from one step of resync-rate */
	sim_new(&ctl, &c, 2097152, 5000, 10, 0, 0, &s);
	assert_int_equal(s.inflight_max, 48);	/* 250 KiB/s * 0.1 s */
	sim_run(&ctl, &c, &lnk, 10, 2000, 1990, 0, &s);
	/* after one time constant: 63 % of the way */
	assert_near(s.inflight_max, 48 + (4096 - 48) * 632 / 1000, 5);
}

static void test_ctl_max_rate(void **state)
{
	struct duet_rs_ctl_conf c = { .resync_rate = 250, .c_plan_ahead = 20,
				      .c_delay_target = 10,
				      .c_fill_target = 16384,
				      .c_max_rate = 51200 };
	struct duet_rs_ctl ctl;
	struct sim s;

	(void)state;
	/* 8 MiB in flight would carry ~800 MiB/s: held to 50 MiB/s */
	sim_new(&ctl, &c, 2097152, 5000, 60000, 20000, 0, &s);
	assert_near(s.acked, 102400ull * 40, 5);
	assert_true(s.inflight_max < 16384);
	assert_near(duet_rs_ctl_rate_kib(&ctl), 51200, 5);
	assert_near(duet_rs_ctl_want_kib(&ctl), 51200, 5);
	assert_false(duet_rs_ctl_braking(&ctl));
}

static void test_ctl_min_rate_brake(void **state)
{
	struct duet_rs_ctl_conf c = { .resync_rate = 250, .c_plan_ahead = 20,
				      .c_delay_target = 10,
				      .c_fill_target = 16384,
				      .c_max_rate = 51200,
				      .c_min_rate = 10240 };
	struct duet_rs_ctl ctl;
	struct sim s;

	(void)state;
	/* application I/O every tick: held to 10 MiB/s */
	sim_new(&ctl, &c, 2097152, 5000, 30000, 10000, 10, &s);
	assert_near(s.acked, 20480ull * 20, 5);
	assert_true(duet_rs_ctl_braking(&ctl));
	/* it stops: back to c-max-rate */
	sim_run(&ctl, &c, &lnk, 30000, 60000, 40000, 0, &s);
	assert_near(s.acked, 102400ull * 20, 5);
	assert_false(duet_rs_ctl_braking(&ctl));

	/* application I/O every 100 ms (each 10th tick) holds it too */
	sim_new(&ctl, &c, 2097152, 5000, 30000, 10000, 100, &s);
	assert_near(s.acked, 20480ull * 20, 5);
	/* every 200 ms: held half of the time */
	sim_new(&ctl, &c, 2097152, 5000, 30000, 10000, 200, &s);
	assert_near(s.acked, (20480ull + 102400) / 2 * 20, 10);

	/* c-min-rate 0: no brake */
	c.c_min_rate = 0;
	sim_new(&ctl, &c, 2097152, 5000, 60000, 20000, 10, &s);
	assert_near(s.acked, 102400ull * 40, 5);
	assert_false(duet_rs_ctl_braking(&ctl));

	/* a resync slower than c-min-rate is not touched: 64 sectors a
	 * 10 ms tick are 3200 KiB/s
	 */
	c.c_min_rate = 10240;
	c.c_fill_target = 64;
	sim_new(&ctl, &c, 2097152, 5000, 60000, 20000, 10, &s);
	assert_near(s.acked, 6400ull * 40, 2);

	/* the brake applies to a fixed rate too */
	c = (struct duet_rs_ctl_conf){ .resync_rate = 51200,
				       .c_min_rate = 10240 };
	sim_new(&ctl, &c, 2097152, 5000, 30000, 10000, 10, &s);
	assert_near(s.acked, 20480ull * 20, 5);
	sim_run(&ctl, &c, &lnk, 30000, 60000, 40000, 0, &s);
	assert_near(s.acked, 102400ull * 20, 5);
}

static void test_ctl_delay_target(void **state)
{
	struct duet_rs_ctl_conf c = { .resync_rate = 250, .c_plan_ahead = 20,
				      .c_delay_target = 1,
				      .c_fill_target = 0,
				      .c_max_rate = 1048576 };
	struct duet_rs_ctl ctl;
	struct sim s;

	(void)state;
	/* 20 MiB/s, 2 ms: the link fills, 0.1 s of it in flight */
	sim_new(&ctl, &c, 40960, 2000, 60000, 30000, 0, &s);
	assert_near(s.acked, 40960ull * 30, 5);
	assert_near(s.inflight_sum / s.samples, 4096, 15);
	/* 0.5 s: five times as much queued, same speed */
	c.c_delay_target = 5;
	sim_new(&ctl, &c, 40960, 2000, 60000, 30000, 0, &s);
	assert_near(s.acked, 40960ull * 30, 5);
	assert_near(s.inflight_sum / s.samples, 20480, 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_win_add_ack),
		cmocka_unit_test(test_win_strerror),
		cmocka_unit_test(test_win_full),
		cmocka_unit_test(test_win_gen_wrap),
		cmocka_unit_test(test_win_dirty),
		cmocka_unit_test(test_win_clear),
		cmocka_unit_test(test_prog_drbd_84_example),
		cmocka_unit_test(test_prog_kib_example),
		cmocka_unit_test(test_prog_bar_rounding),
		cmocka_unit_test(test_prog_speed_grouping),
		cmocka_unit_test(test_prog_zero_speed),
		cmocka_unit_test(test_prog_marks),
		cmocka_unit_test(test_prog_pause),
		cmocka_unit_test(test_prog_stalled),
		cmocka_unit_test(test_prog_add),
		cmocka_unit_test(test_prog_figures_clamp),
		cmocka_unit_test(test_prog_format_bounded),
		cmocka_unit_test(test_ctl_conf_eff),
		cmocka_unit_test(test_ctl_fixed_rate),
		cmocka_unit_test(test_ctl_return),
		cmocka_unit_test(test_ctl_zero_conf),
		cmocka_unit_test(test_ctl_fill_target),
		cmocka_unit_test(test_ctl_max_rate),
		cmocka_unit_test(test_ctl_min_rate_brake),
		cmocka_unit_test(test_ctl_delay_target),
	};

	return cmocka_run_group_tests_name("core_rs", tests, NULL, NULL);
}
