/*
 * Unit tests for kmod/core/uuid.c: generation UUIDs and the sync decision
 * on connect. Every rule of the table in uuid.h is hit and narrowly
 * missed, always evaluated from both nodes (the peer must reach the
 * mirror-image verdict); every after-sb policy for 0, 1 and 2 Primaries,
 * the disk-state override, discard-my-data, rr-conflict; and the
 * reconnect scenarios of drbd.md §4.6 played end to end with the tuple
 * operations, each ending in a resync after which both nodes hold the
 * same tuple and a further connect needs no sync.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/uuid.h"
#include "kmod/uapi/duet_genl.h"

/* the core's policy values are the netlink values */
_Static_assert(DUET_UUID_ASB_DISCONNECT == (int)DUET_ASB_DISCONNECT, "asb");
_Static_assert(DUET_UUID_ASB_DISCARD_YOUNGER_PRI ==
	       (int)DUET_ASB_DISCARD_YOUNGER_PRI, "asb");
_Static_assert(DUET_UUID_ASB_DISCARD_OLDER_PRI ==
	       (int)DUET_ASB_DISCARD_OLDER_PRI, "asb");
_Static_assert(DUET_UUID_ASB_DISCARD_ZERO_CHG ==
	       (int)DUET_ASB_DISCARD_ZERO_CHG, "asb");
_Static_assert(DUET_UUID_ASB_DISCARD_LEAST_CHG ==
	       (int)DUET_ASB_DISCARD_LEAST_CHG, "asb");
_Static_assert(DUET_UUID_ASB_DISCARD_LOCAL == (int)DUET_ASB_DISCARD_LOCAL,
	       "asb");
_Static_assert(DUET_UUID_ASB_DISCARD_REMOTE == (int)DUET_ASB_DISCARD_REMOTE,
	       "asb");
_Static_assert(DUET_UUID_ASB_CONSENSUS == (int)DUET_ASB_CONSENSUS, "asb");
_Static_assert(DUET_UUID_ASB_DISCARD_SECONDARY ==
	       (int)DUET_ASB_DISCARD_SECONDARY, "asb");
_Static_assert(DUET_UUID_ASB_CALL_HELPER == (int)DUET_ASB_CALL_HELPER, "asb");
_Static_assert(DUET_UUID_ASB_VIOLENTLY == (int)DUET_ASB_VIOLENTLY, "asb");
_Static_assert(DUET_UUID_RR_DISCONNECT == (int)DUET_RR_DISCONNECT, "rr");
_Static_assert(DUET_UUID_RR_CALL_HELPER == (int)DUET_RR_CALL_HELPER, "rr");
_Static_assert(DUET_UUID_RR_VIOLENTLY == (int)DUET_RR_VIOLENTLY, "rr");

#define JC	DUET_UUID_JUST_CREATED
#define STEP	DUET_UUID_SYNC_STEP
#define PB	DUET_UUID_PRIMARY_BIT

/* generations used in the tables; bit 0 clear */
#define GA	0x5F0A1B2C3D4E5F60ULL
#define GB	0x1111222233334444ULL
#define GC	0x2222333344445554ULL
#define GD	0x3333444455556666ULL
#define GE	0x4444555566667776ULL
#define GF	0x6666777788889998ULL
#define GX	0x7777888899990000ULL
#define GY	0x0123456789ABCDEEULL

static struct duet_uuid_node node4(uint64_t c, uint64_t b, uint64_t h0,
				   uint64_t h1)
{
	struct duet_uuid_node n;

	memset(&n, 0, sizeof(n));
	n.uuid[DUET_UI_CURRENT] = c;
	n.uuid[DUET_UI_BITMAP] = b;
	n.uuid[DUET_UI_HISTORY0] = h0;
	n.uuid[DUET_UI_HISTORY1] = h1;
	n.disk = DUET_D_UP_TO_DATE;
	return n;
}

static void assert_tuple(const uint64_t *u, uint64_t c, uint64_t b,
			 uint64_t h0, uint64_t h1)
{
	assert_int_equal(u[DUET_UI_CURRENT], c);
	assert_int_equal(u[DUET_UI_BITMAP], b);
	assert_int_equal(u[DUET_UI_HISTORY0], h0);
	assert_int_equal(u[DUET_UI_HISTORY1], h1);
}

/*
 * Compare @a against @b (a holds the tie-breaker when @tie) and the other
 * way round; check the verdict and rule of @a and that @b's are their
 * mirror images, including the fixes.
 */
static struct duet_uuid_cmp check_rule(const struct duet_uuid_node *a,
				       const struct duet_uuid_node *b,
				       bool tie, unsigned int rule,
				       enum duet_uuid_verdict v)
{
	struct duet_uuid_cmp ca, cb;

	duet_uuid_compare(a, b, tie, &ca);
	duet_uuid_compare(b, a, !tie, &cb);
	assert_int_equal(ca.rule, rule);
	assert_int_equal(ca.verdict, v);
	assert_int_equal(cb.rule, duet_uuid_rule_mirror(rule));
	assert_int_equal(cb.verdict, duet_uuid_verdict_mirror(v));
	assert_int_equal(ca.self_fix, cb.peer_fix);
	assert_int_equal(ca.peer_fix, cb.self_fix);
	assert_int_equal(ca.common, cb.common);
	assert_int_equal(ca.self_current, cb.peer_current);
	assert_int_equal(ca.self_current,
			 duet_uuid_id(a->uuid[DUET_UI_CURRENT]));
	return ca;
}

/* ---- tuple operations ------------------------------------------------- */

static void test_init_and_primary_bit(void **state)
{
	uint64_t u[DUET_UI_NR] = { 1, 2, 3, 4 };

	(void)state;
	duet_uuid_init(u);
	assert_tuple(u, JC, 0, 0, 0);
	assert_true(duet_uuid_is_empty(0));
	assert_true(duet_uuid_is_empty(JC));
	assert_true(duet_uuid_is_empty(JC | PB));
	assert_true(duet_uuid_is_empty(PB));
	assert_false(duet_uuid_is_empty(GA));
	assert_int_equal(duet_uuid_id(GA | PB), GA);

	u[DUET_UI_CURRENT] = GA;
	duet_uuid_set_primary(u, true);
	assert_int_equal(u[DUET_UI_CURRENT], GA | PB);
	duet_uuid_set_primary(u, true);
	assert_int_equal(u[DUET_UI_CURRENT], GA | PB);
	duet_uuid_set_primary(u, false);
	assert_int_equal(u[DUET_UI_CURRENT], GA);
	assert_tuple(u, GA, 0, 0, 0);
}

static void test_new_current(void **state)
{
	uint64_t u[DUET_UI_NR] = { GA | PB, 0, GC, GD };

	(void)state;
	/* the usual case: current (with its primary bit) to the bitmap */
	assert_int_equal(duet_uuid_new_current(u, GB | PB, true),
			 DUET_UUID_NC_MOVED);
	assert_tuple(u, GB | PB, GA | PB, GC, GD);

	/* bitmap already set: it stays, the old current goes to history */
	assert_int_equal(duet_uuid_new_current(u, GE, false),
			 DUET_UUID_NC_BITMAP_KEPT);
	assert_tuple(u, GE, GA | PB, GB | PB, GC);

	/* unusable random values change nothing */
	assert_int_equal(duet_uuid_new_current(u, 0, true), DUET_UUID_E_RANDOM);
	assert_int_equal(duet_uuid_new_current(u, JC, true),
			 DUET_UUID_E_RANDOM);
	assert_int_equal(duet_uuid_new_current(u, JC | PB, true),
			 DUET_UUID_E_RANDOM);
	assert_int_equal(duet_uuid_new_current(u, GC | PB, true),
			 DUET_UUID_E_RANDOM);
	assert_int_equal(duet_uuid_new_current(u, GE, true),
			 DUET_UUID_E_RANDOM);
	assert_tuple(u, GE, GA | PB, GB | PB, GC);

	/* just created: nothing to count against, the bitmap stays 0 */
	duet_uuid_init(u);
	assert_int_equal(duet_uuid_new_current(u, GF | PB, true),
			 DUET_UUID_NC_FRESH);
	assert_tuple(u, GF | PB, 0, 0, 0);
	/* a current of 0 counts as empty too */
	u[DUET_UI_CURRENT] = 0;
	assert_int_equal(duet_uuid_new_current(u, GA, false),
			 DUET_UUID_NC_FRESH);
	assert_tuple(u, GA, 0, 0, 0);
}

static void test_resync_start_end(void **state)
{
	uint64_t s[DUET_UI_NR] = { GA | PB, GB | PB, GC, GD };
	uint64_t t[DUET_UI_NR] = { GB, 0, GC, GD };
	uint64_t at_connect[DUET_UI_NR];
	uint64_t sync = 0;

	(void)state;
	memcpy(at_connect, s, sizeof(s));
	/* old bitmap set: sync UUID is old + STEP, old goes to history */
	assert_int_equal(duet_uuid_resync_start_source(s, GE, &sync), 0);
	assert_int_equal(sync, GB + STEP);
	assert_tuple(s, GA | PB, GB + STEP, GB | PB, GC);
	duet_uuid_resync_start_target(t, sync);
	assert_tuple(t, GB + STEP, 0, GC, GD);
	duet_uuid_resync_end_source(s);
	assert_tuple(s, GA | PB, 0, GB + STEP, GB | PB);
	duet_uuid_resync_end_target(t, at_connect);
	/* same tuple; bit 0 of the current is the target's own */
	assert_tuple(t, GA, 0, GB + STEP, GB | PB);
	/* ending again changes nothing */
	duet_uuid_resync_end_source(s);
	assert_tuple(s, GA | PB, 0, GB + STEP, GB | PB);

	/* old bitmap 0: the random value, bit 0 masked; no history push */
	s[DUET_UI_BITMAP] = 0;
	s[DUET_UI_HISTORY0] = GC;
	s[DUET_UI_HISTORY1] = GD;
	memcpy(at_connect, s, sizeof(s));
	t[DUET_UI_CURRENT] = GA | PB;	/* a crashed Primary ... */
	assert_int_equal(duet_uuid_resync_start_source(s, GF | PB, &sync), 0);
	assert_int_equal(sync, GF);
	assert_tuple(s, GA | PB, GF, GC, GD);
	duet_uuid_resync_start_target(t, sync | PB);
	/* ... is no longer Primary in the new generation */
	assert_tuple(t, GF, 0, GB + STEP, GB | PB);
	/* a Primary target (rr-conflict violently) sets its bit again */
	duet_uuid_set_primary(t, true);
	duet_uuid_resync_end_source(s);
	duet_uuid_resync_end_target(t, at_connect);
	assert_tuple(s, GA | PB, 0, GF, GC);
	assert_tuple(t, GA | PB, 0, GF, GC);

	/* random needed and unusable: nothing changes */
	sync = 77;
	assert_int_equal(duet_uuid_resync_start_source(s, GF, &sync),
			 DUET_UUID_E_RANDOM);
	assert_int_equal(duet_uuid_resync_start_source(s, JC, &sync),
			 DUET_UUID_E_RANDOM);
	assert_int_equal(sync, 77);
	assert_tuple(s, GA | PB, 0, GF, GC);

	/* old + STEP collides with the tuple: the random value instead */
	s[DUET_UI_BITMAP] = GB;
	s[DUET_UI_HISTORY1] = GB + STEP;
	assert_int_equal(duet_uuid_resync_start_source(s, GE, &sync), 0);
	assert_int_equal(sync, GE);
	assert_tuple(s, GA | PB, GE, GB, GF);
}

static void test_skip_initial_sync(void **state)
{
	uint64_t a[DUET_UI_NR], b[DUET_UI_NR];

	(void)state;
	duet_uuid_init(a);
	duet_uuid_init(b);
	assert_true(duet_uuid_just_created(a));
	a[DUET_UI_CURRENT] |= PB;	/* bit 0 is not part of it */
	assert_true(duet_uuid_just_created(a));
	a[DUET_UI_CURRENT] = JC;
	assert_int_equal(duet_uuid_skip_initial_sync(a, 0), DUET_UUID_E_RANDOM);
	assert_int_equal(duet_uuid_skip_initial_sync(a, JC | PB),
			 DUET_UUID_E_RANDOM);
	assert_tuple(a, JC, 0, 0, 0);
	assert_int_equal(duet_uuid_skip_initial_sync(a, GA | PB), 0);
	assert_tuple(a, GA, 0, 0, 0);
	assert_false(duet_uuid_just_created(a));
	/* only on just-created meta data */
	assert_int_equal(duet_uuid_skip_initial_sync(a, GB),
			 DUET_UUID_E_NOT_NEW);
	assert_tuple(a, GA, 0, 0, 0);
	assert_int_equal(duet_uuid_adopt_skip(b, a[DUET_UI_CURRENT]), 0);
	assert_tuple(b, GA, 0, 0, 0);
	b[DUET_UI_CURRENT] = JC;
	b[DUET_UI_HISTORY1] = GC;
	assert_false(duet_uuid_just_created(b));
	assert_int_equal(duet_uuid_adopt_skip(b, GA), DUET_UUID_E_NOT_NEW);
	assert_tuple(b, JC, 0, 0, GC);
}

static void test_apply_fix(void **state)
{
	uint64_t u[DUET_UI_NR] = { GA, GB + STEP, GB, GC };

	(void)state;
	duet_uuid_apply_fix(u, DUET_UUID_FIX_NONE);
	assert_tuple(u, GA, GB + STEP, GB, GC);
	duet_uuid_apply_fix(u, DUET_UUID_FIX_UNDO_SYNC_START);
	assert_tuple(u, GA, GB, GC, 0);
	duet_uuid_apply_fix(u, DUET_UUID_FIX_FINISH_RESYNC);
	assert_tuple(u, GA, 0, GB, GC);
}

static void test_format(void **state)
{
	uint64_t u[DUET_UI_NR] = { GA | PB, 0, 0xABCDEF0123456789ULL, 4 };
	char buf[80], small[10];

	(void)state;
	assert_int_equal(duet_uuid_format(u, buf, sizeof(buf)),
			 DUET_UUID_FORMAT_LEN);
	assert_string_equal(buf,
			    "5F0A1B2C3D4E5F61:0000000000000000:ABCDEF0123456789:0000000000000004");
	/* bounded like snprintf */
	memset(small, 'x', sizeof(small));
	assert_int_equal(duet_uuid_format(u, small, sizeof(small)), 67);
	assert_string_equal(small, "5F0A1B2C3");
	assert_int_equal(duet_uuid_format(u, NULL, 0), 67);
}

/* ---- the rules, each hit and narrowly missed -------------------------- */

static void test_rule_10(void **state)
{
	struct duet_uuid_node a = node4(JC, 0, 0, 0), b = node4(JC, 0, 0, 0);

	(void)state;
	check_rule(&a, &b, true, 10, DUET_UUID_V_NO_SYNC);
	/* 0 and a just-created UUID with the primary bit are empty too */
	a.uuid[DUET_UI_CURRENT] = 0;
	b.uuid[DUET_UI_CURRENT] = JC | PB;
	check_rule(&a, &b, false, 10, DUET_UUID_V_NO_SYNC);
	/* near miss: one side has data -> 20/30 */
	b.uuid[DUET_UI_CURRENT] = GA;
	check_rule(&a, &b, true, 20, DUET_UUID_V_FULL_TARGET);
}

static void test_rule_20_30(void **state)
{
	struct duet_uuid_node a = node4(JC, 0, 0, 0);
	struct duet_uuid_node b = node4(GA | PB, GB, GC, GD);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&a, &b, true, 20, DUET_UUID_V_FULL_TARGET);
	assert_int_equal(c.peer_current, GA);
	c = check_rule(&b, &a, true, 30, DUET_UUID_V_FULL_SOURCE);
	assert_int_equal(c.self_current, GA);
	/* history on the empty side does not matter */
	a.uuid[DUET_UI_HISTORY0] = GA;
	check_rule(&a, &b, false, 20, DUET_UUID_V_FULL_TARGET);
	/* near miss: the same generation on both -> 40 */
	a = node4(GA, 0, 0, 0);
	b = node4(GA, 0, 0, 0);
	check_rule(&a, &b, true, 40, DUET_UUID_V_NO_SYNC);
}

static void test_rule_34_35(void **state)
{
	/* source missed the end; target recorded it */
	struct duet_uuid_node s = node4(GA | PB, GB + STEP, GB, GC);
	struct duet_uuid_node t = node4(GA, 0, GB + STEP, GB);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&s, &t, true, 34, DUET_UUID_V_BITMAP_SOURCE);
	assert_int_equal(c.self_fix, DUET_UUID_FIX_FINISH_RESYNC);
	assert_int_equal(c.peer_fix, DUET_UUID_FIX_NONE);
	assert_int_equal(c.common, GA);
	c = check_rule(&t, &s, false, 35, DUET_UUID_V_BITMAP_TARGET);
	assert_int_equal(c.peer_fix, DUET_UUID_FIX_FINISH_RESYNC);
	/* the fix makes the tuples equal */
	duet_uuid_apply_fix(s.uuid, DUET_UUID_FIX_FINISH_RESYNC);
	assert_tuple(s.uuid, GA | PB, 0, GB + STEP, GB);
	/* near miss: the target's older history differs -> 36/37 */
	s = node4(GA | PB, GB + STEP, GB, GC);
	t.uuid[DUET_UI_HISTORY1] = GD;
	c = check_rule(&s, &t, true, 36, DUET_UUID_V_BITMAP_SOURCE);
	assert_int_equal(c.self_fix, DUET_UUID_FIX_NONE);
	check_rule(&t, &s, true, 37, DUET_UUID_V_BITMAP_TARGET);
}

static void test_rule_36_37(void **state)
{
	/* the source started a resync, the target never stored the UUID */
	struct duet_uuid_node s = node4(GA, GE, GC, GD);
	struct duet_uuid_node t = node4(GA, 0, GC, GD);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&s, &t, false, 36, DUET_UUID_V_BITMAP_SOURCE);
	assert_int_equal(c.self_fix, DUET_UUID_FIX_NONE);
	assert_int_equal(c.peer_fix, DUET_UUID_FIX_NONE);
	check_rule(&t, &s, true, 37, DUET_UUID_V_BITMAP_TARGET);
	/* bit 0 of the bitmap UUID alone is no bitmap UUID: -> 40 */
	s.uuid[DUET_UI_BITMAP] = PB;
	check_rule(&s, &t, true, 40, DUET_UUID_V_NO_SYNC);
}

static void test_rule_40(void **state)
{
	struct duet_uuid_node a = node4(GA | PB, 0, GB, 0);
	struct duet_uuid_node b = node4(GA, 0, GB, 0);
	struct duet_uuid_cmp c;

	(void)state;
	/* a hiccup: nothing to do */
	c = check_rule(&a, &b, true, 40, DUET_UUID_V_NO_SYNC);
	assert_int_equal(c.common, GA);
	/* both bitmaps set and equal currents: still 40 */
	a.uuid[DUET_UI_BITMAP] = GC;
	b.uuid[DUET_UI_BITMAP] = GD;
	check_rule(&a, &b, true, 40, DUET_UUID_V_NO_SYNC);
	a.uuid[DUET_UI_BITMAP] = 0;
	b.uuid[DUET_UI_BITMAP] = 0;
	/* the crashed Primary is source, whoever holds the tie-breaker */
	a.crashed_primary = true;
	check_rule(&a, &b, false, 40, DUET_UUID_V_BITMAP_SOURCE);
	check_rule(&a, &b, true, 40, DUET_UUID_V_BITMAP_SOURCE);
	/* both crashed: the tie-breaker holder is source */
	b.crashed_primary = true;
	check_rule(&a, &b, true, 40, DUET_UUID_V_BITMAP_SOURCE);
	check_rule(&a, &b, false, 40, DUET_UUID_V_BITMAP_TARGET);
	/* near miss: a node is Primary now -> 41 */
	a.crashed_primary = false;
	b.crashed_primary = false;
	b.primary = true;
	check_rule(&a, &b, true, 41, DUET_UUID_V_BITMAP_TARGET);
}

static void test_rule_41(void **state)
{
	struct duet_uuid_node a = node4(GA | PB, 0, GB, 0);
	struct duet_uuid_node b = node4(GA, 0, GB, 0);
	struct duet_uuid_cmp c;

	(void)state;
	a.primary = true;
	/* the Primary is source, even against a crashed Secondary */
	b.crashed_primary = true;
	check_rule(&a, &b, false, 41, DUET_UUID_V_BITMAP_SOURCE);
	/* both Primary: a split brain on the shared generation */
	b.primary = true;
	c = check_rule(&a, &b, true, 41, DUET_UUID_V_SPLIT_BRAIN);
	assert_int_equal(c.common, GA);
	/* near miss: the currents differ -> the later rules */
	b.uuid[DUET_UI_CURRENT] = GC;
	b.uuid[DUET_UI_BITMAP] = GA;
	check_rule(&a, &b, true, 50, DUET_UUID_V_BITMAP_TARGET);
}

static void test_rule_50_70(void **state)
{
	/* the returning node: its current is the survivor's bitmap UUID */
	struct duet_uuid_node r = node4(GA, 0, GC, GD);
	struct duet_uuid_node s = node4(GB | PB, GA | PB, GC, GD);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&r, &s, true, 50, DUET_UUID_V_BITMAP_TARGET);
	assert_int_equal(c.common, GA);
	c = check_rule(&s, &r, true, 70, DUET_UUID_V_BITMAP_SOURCE);
	assert_int_equal(c.common, GA);
	assert_int_equal(c.self_fix, DUET_UUID_FIX_NONE);
	/* near miss: the survivor's bitmap moved on, GA only in history */
	s.uuid[DUET_UI_BITMAP] = GE;
	s.uuid[DUET_UI_HISTORY0] = GA;
	check_rule(&r, &s, true, 60, DUET_UUID_V_FULL_TARGET);
	check_rule(&s, &r, true, 80, DUET_UUID_V_FULL_SOURCE);
}

static void test_rule_51_71(void **state)
{
	/* the source started (bitmap GA -> GA + STEP), the target missed it */
	struct duet_uuid_node t = node4(GA, 0, GC, GD);
	struct duet_uuid_node s = node4(GB | PB, GA + STEP, GA | PB, GC);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&t, &s, true, 51, DUET_UUID_V_BITMAP_TARGET);
	assert_int_equal(c.peer_fix, DUET_UUID_FIX_UNDO_SYNC_START);
	assert_int_equal(c.self_fix, DUET_UUID_FIX_NONE);
	assert_int_equal(c.common, GA);
	c = check_rule(&s, &t, false, 71, DUET_UUID_V_BITMAP_SOURCE);
	assert_int_equal(c.self_fix, DUET_UUID_FIX_UNDO_SYNC_START);
	/* after the fix it is the plain rule 50/70 case */
	duet_uuid_apply_fix(s.uuid, c.self_fix);
	assert_tuple(s.uuid, GB | PB, GA | PB, GC, 0);
	check_rule(&t, &s, true, 50, DUET_UUID_V_BITMAP_TARGET);
	/* near miss: the bitmap UUID is not history0 + STEP -> 60/80 */
	s = node4(GB | PB, GE, GA, GC);
	c = check_rule(&t, &s, true, 60, DUET_UUID_V_FULL_TARGET);
	assert_int_equal(c.peer_fix, DUET_UUID_FIX_NONE);
	check_rule(&s, &t, true, 80, DUET_UUID_V_FULL_SOURCE);
}

static void test_rule_60_80(void **state)
{
	struct duet_uuid_node a = node4(GA, 0, GX, 0);
	struct duet_uuid_node b = node4(GB, GC, GE, GA | PB);
	struct duet_uuid_cmp c;

	(void)state;
	/* in history1 */
	c = check_rule(&a, &b, true, 60, DUET_UUID_V_FULL_TARGET);
	assert_int_equal(c.common, GA);
	c = check_rule(&b, &a, true, 80, DUET_UUID_V_FULL_SOURCE);
	assert_int_equal(c.common, GA);
	/* in history0 */
	b.uuid[DUET_UI_HISTORY0] = GA;
	b.uuid[DUET_UI_HISTORY1] = GE;
	check_rule(&a, &b, false, 60, DUET_UUID_V_FULL_TARGET);
	/* near miss: GA nowhere in b any more -> no relation left */
	b.uuid[DUET_UI_HISTORY0] = GD;
	check_rule(&a, &b, true, 110, DUET_UUID_V_UNRELATED);
}

static void test_rule_90(void **state)
{
	/* both moved on from GA; the bitmaps differ in bit 0 only */
	struct duet_uuid_node a = node4(GB | PB, GA | PB, GC, GD);
	struct duet_uuid_node b = node4(GE | PB, GA, GC, GD);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&a, &b, true, 90, DUET_UUID_V_SPLIT_BRAIN);
	assert_int_equal(c.common, GA);
	assert_int_equal(c.self_fix, DUET_UUID_FIX_NONE);
	assert_int_equal(c.peer_fix, DUET_UUID_FIX_NONE);
	/* near miss: the bitmaps differ, the history is shared -> 100 */
	b.uuid[DUET_UI_BITMAP] = GF;
	c = check_rule(&a, &b, true, 100,
		       DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR);
	assert_int_equal(c.common, GC);
	/* equal bitmaps that are just created do not count */
	a = node4(GB, JC, 0, 0);
	b = node4(GE, JC, 0, 0);
	check_rule(&a, &b, true, 110, DUET_UUID_V_UNRELATED);
}

static void test_rule_100(void **state)
{
	struct duet_uuid_node a = node4(GB, GE, GX, GC);
	struct duet_uuid_node b = node4(GD, GF, GY, GC | PB);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&a, &b, true, 100,
		       DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR);
	assert_int_equal(c.common, GC);
	/* my bitmap UUID in the peer's history counts as well */
	a = node4(GB, GX, 0, 0);
	b = node4(GD, 0, GX, 0);
	c = check_rule(&a, &b, false, 100,
		       DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR);
	assert_int_equal(c.common, GX);
	/* near miss: only zeros and just-created UUIDs in common -> 110 */
	a = node4(GB, 0, JC, 0);
	b = node4(GD, 0, JC | PB, 0);
	check_rule(&a, &b, true, 110, DUET_UUID_V_UNRELATED);
}

static void test_rule_110(void **state)
{
	struct duet_uuid_node a = node4(GA, GB, GC, GD);
	struct duet_uuid_node b = node4(GE, GF, GX, GY);
	struct duet_uuid_cmp c;

	(void)state;
	c = check_rule(&a, &b, true, 110, DUET_UUID_V_UNRELATED);
	assert_int_equal(c.common, 0);
	assert_int_equal(c.self_current, GA);
	assert_int_equal(c.peer_current, GE);
}

/* Contradicting tuples never give both nodes the same direction. */
static void test_rule_pairs_contradiction(void **state)
{
	/* each node's bitmap UUID is the other's current */
	struct duet_uuid_node a = node4(GA, GB, GC, 0);
	struct duet_uuid_node b = node4(GB, GA, GC, 0);
	struct duet_uuid_cmp c;

	(void)state;
	/* 50 and 70 both hold: the pair is skipped; history GC -> 100 */
	c = check_rule(&a, &b, true, 100,
		       DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR);
	assert_int_equal(c.common, GC);
	/* each went on from the other's current: 60 and 80 both hold,
	 * and nothing else relates them */
	a = node4(GA, 0, GB, 0);
	b = node4(GB, 0, GA, 0);
	check_rule(&a, &b, true, 110, DUET_UUID_V_UNRELATED);
	/* no mirror rule holds on its own for the pair: 50 alone wins */
	a = node4(GA, GX, GB, 0);
	b = node4(GB, GA, 0, 0);
	check_rule(&a, &b, true, 50, DUET_UUID_V_BITMAP_TARGET);
}

static void test_mirror_tables(void **state)
{
	static const unsigned int rules[] = {
		10, 20, 30, 34, 35, 36, 37, 40, 41, 50, 51, 60, 70, 71, 80,
		90, 100, 110
	};
	unsigned int i;
	int v;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		assert_int_equal(duet_uuid_rule_mirror(
				 duet_uuid_rule_mirror(rules[i])), rules[i]);
	assert_int_equal(duet_uuid_rule_mirror(50), 70);
	assert_int_equal(duet_uuid_rule_mirror(90), 90);
	for (v = 0; v < DUET_UUID_V_NR; v++)
		assert_int_equal(duet_uuid_verdict_mirror(
				 duet_uuid_verdict_mirror(v)), v);
	assert_int_equal(duet_uuid_verdict_mirror(DUET_UUID_V_FULL_SOURCE),
			 DUET_UUID_V_FULL_TARGET);
	assert_int_equal(duet_uuid_verdict_mirror(DUET_UUID_V_SPLIT_BRAIN),
			 DUET_UUID_V_SPLIT_BRAIN);
}

/* ---- resolve ---------------------------------------------------------- */

static enum duet_uuid_act act_mirror(enum duet_uuid_act a)
{
	if (a == DUET_UUID_A_WF_BITMAP_S)
		return DUET_UUID_A_WF_BITMAP_T;
	if (a == DUET_UUID_A_WF_BITMAP_T)
		return DUET_UUID_A_WF_BITMAP_S;
	return a;
}

static enum duet_uuid_reason reason_mirror(enum duet_uuid_reason r)
{
	switch (r) {
	case DUET_UUID_R_SELF_INCONSISTENT:
		return DUET_UUID_R_PEER_INCONSISTENT;
	case DUET_UUID_R_PEER_INCONSISTENT:
		return DUET_UUID_R_SELF_INCONSISTENT;
	case DUET_UUID_R_RR_CONFLICT:
		return DUET_UUID_R_PEER_RR_CONFLICT;
	case DUET_UUID_R_PEER_RR_CONFLICT:
		return DUET_UUID_R_RR_CONFLICT;
	default:
		return r;
	}
}

static enum duet_uuid_side side_mirror(enum duet_uuid_side s)
{
	if (s == DUET_UUID_SIDE_SELF)
		return DUET_UUID_SIDE_PEER;
	if (s == DUET_UUID_SIDE_PEER)
		return DUET_UUID_SIDE_SELF;
	return s;
}

static struct duet_uuid_policy pol_of(enum duet_uuid_asb p0,
				      enum duet_uuid_asb p1,
				      enum duet_uuid_asb p2,
				      enum duet_uuid_rr rr)
{
	struct duet_uuid_policy p;

	duet_uuid_policy_default(&p);
	p.after_sb_0pri = p0;
	p.after_sb_1pri = p1;
	p.after_sb_2pri = p2;
	p.rr_conflict = rr;
	return p;
}

static enum duet_uuid_asb asb_swap(enum duet_uuid_asb p)
{
	if (p == DUET_UUID_ASB_DISCARD_LOCAL)
		return DUET_UUID_ASB_DISCARD_REMOTE;
	if (p == DUET_UUID_ASB_DISCARD_REMOTE)
		return DUET_UUID_ASB_DISCARD_LOCAL;
	return p;
}

/* discard-local on one node is discard-remote on the other */
static struct duet_uuid_policy pol_peer(const struct duet_uuid_policy *p)
{
	struct duet_uuid_policy q = *p;

	q.after_sb_0pri = asb_swap(p->after_sb_0pri);
	q.after_sb_1pri = asb_swap(p->after_sb_1pri);
	q.after_sb_2pri = asb_swap(p->after_sb_2pri);
	assert_true(duet_uuid_policies_compatible(p, &q));
	return q;
}

/*
 * Both nodes decide; the peer's action must be the mirror image of
 * this node's. Returns this node's action; the peer's in *@peer_act.
 */
static struct duet_uuid_action decide2(const struct duet_uuid_node *a,
				       const struct duet_uuid_node *b,
				       const struct duet_uuid_policy *pol,
				       bool tie,
				       struct duet_uuid_action *peer_act)
{
	struct duet_uuid_policy pb = pol_peer(pol);
	struct duet_uuid_cmp ca, cb;
	struct duet_uuid_action xa, xb;

	duet_uuid_compare(a, b, tie, &ca);
	duet_uuid_compare(b, a, !tie, &cb);
	duet_uuid_resolve(a, b, &ca, pol, tie, &xa);
	duet_uuid_resolve(b, a, &cb, &pb, !tie, &xb);
	assert_int_equal(xb.act, act_mirror(xa.act));
	assert_int_equal(xb.full_sync, xa.full_sync);
	assert_int_equal(xb.reason, reason_mirror(xa.reason));
	assert_int_equal(xb.how, xa.how);
	assert_int_equal(xb.split_brain, xa.split_brain);
	assert_int_equal(xb.loser, side_mirror(xa.loser));
	assert_int_equal(xb.demote_self, xa.peer_demotes);
	assert_int_equal(xb.peer_demotes, xa.demote_self);
	assert_int_equal(xb.rr_violently, xa.rr_violently);
	assert_int_equal(xb.asb_decided, asb_swap(xa.asb_decided));
	if (peer_act)
		*peer_act = xb;
	return xa;
}

/*
 * A split brain after a network split (rule 90): a was Primary when it
 * began (its bitmap UUID has bit 0), b was promoted afterwards.
 */
static void sb_pair(struct duet_uuid_node *a, struct duet_uuid_node *b,
		    uint64_t wa, uint64_t wb, bool pa, bool pb)
{
	*a = node4(GB | PB, GA | PB, GC, 0);
	*b = node4(GE | PB, GA, GC, 0);
	a->bm_weight = wa;
	b->bm_weight = wb;
	a->primary = pa;
	b->primary = pb;
}

static void assert_unresolved(const struct duet_uuid_action *x)
{
	assert_int_equal(x->act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x->reason, DUET_UUID_R_SPLIT_BRAIN);
	assert_true(x->split_brain);
	assert_int_equal(x->handlers, DUET_UUID_H_INITIAL_SPLIT_BRAIN |
			 DUET_UUID_H_SPLIT_BRAIN);
	assert_false(x->full_sync);
	assert_int_equal(x->loser, DUET_UUID_SIDE_NONE);
}

/* A resolved split brain: who lost, how, and the direction. */
static void assert_resolved(const struct duet_uuid_action *x,
			    enum duet_uuid_side loser, enum duet_uuid_how how,
			    bool full)
{
	assert_int_equal(x->act, loser == DUET_UUID_SIDE_SELF ?
			 DUET_UUID_A_WF_BITMAP_T : DUET_UUID_A_WF_BITMAP_S);
	assert_int_equal(x->reason, DUET_UUID_R_NONE);
	assert_int_equal(x->loser, loser);
	assert_int_equal(x->how, how);
	assert_int_equal(x->full_sync, full);
	assert_true(x->split_brain);
	assert_int_equal(x->handlers, DUET_UUID_H_INITIAL_SPLIT_BRAIN);
}

static void test_asb_0pri(void **state)
{
	struct duet_uuid_node a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x;

	(void)state;
	/* disconnect (the default) */
	sb_pair(&a, &b, 3, 5, false, false);
	duet_uuid_policy_default(&p);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);
	assert_true(x.asb_tried);
	assert_int_equal(x.primaries, 0);
	assert_int_equal(x.asb_policy, DUET_UUID_ASB_DISCONNECT);

	/* discard-younger-primary: b was promoted after the split */
	p = pol_of(DUET_UUID_ASB_DISCARD_YOUNGER_PRI, 0, 0, 0);
	x = decide2(&a, &b, &p, false, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_YOUNGER_PRI);
	/* discard-older-primary: a was Primary at the split */
	p = pol_of(DUET_UUID_ASB_DISCARD_OLDER_PRI, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_OLDER_PRI);
	/* undecided (both bits): discard-least-changes decides */
	b.uuid[DUET_UI_BITMAP] |= PB;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_policy, DUET_UUID_ASB_DISCARD_OLDER_PRI);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_LEAST_CHG);
	/* undecided (neither bit), more changes on a: b loses */
	a.uuid[DUET_UI_BITMAP] &= ~PB;
	b.uuid[DUET_UI_BITMAP] &= ~PB;
	a.bm_weight = 50;
	p = pol_of(DUET_UUID_ASB_DISCARD_YOUNGER_PRI, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_LEAST_CHG);

	/* discard-zero-changes */
	p = pol_of(DUET_UUID_ASB_DISCARD_ZERO_CHG, 0, 0, 0);
	sb_pair(&a, &b, 0, 7, false, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	sb_pair(&a, &b, 7, 0, false, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	/* neither wrote: the tie-breaker holder wins */
	sb_pair(&a, &b, 0, 0, false, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	x = decide2(&a, &b, &p, false, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	/* both wrote: no decision */
	sb_pair(&a, &b, 1, 1, false, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);
	assert_int_equal(x.asb_policy, DUET_UUID_ASB_DISCARD_ZERO_CHG);

	/* discard-least-changes */
	p = pol_of(DUET_UUID_ASB_DISCARD_LEAST_CHG, 0, 0, 0);
	sb_pair(&a, &b, 2, 9, false, false);
	x = decide2(&a, &b, &p, false, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	sb_pair(&a, &b, 9, 2, false, false);
	x = decide2(&a, &b, &p, false, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	sb_pair(&a, &b, 4, 4, false, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);

	/* discard-local / discard-remote (the peer has the opposite) */
	p = pol_of(DUET_UUID_ASB_DISCARD_LOCAL, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_LOCAL);
	p = pol_of(DUET_UUID_ASB_DISCARD_REMOTE, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);

	/* a 1pri-only value in the 0pri row counts as disconnect */
	p = pol_of(DUET_UUID_ASB_DISCARD_SECONDARY, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);
}

static void test_asb_1pri(void **state)
{
	struct duet_uuid_node a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	(void)state;
	/* a is Primary, b Secondary */
	sb_pair(&a, &b, 5, 0, true, false);
	p = pol_of(DUET_UUID_ASB_DISCARD_ZERO_CHG, DUET_UUID_ASB_DISCONNECT,
		   0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);
	assert_int_equal(x.primaries, 1);
	assert_int_equal(x.asb_policy, DUET_UUID_ASB_DISCONNECT);

	/* consensus: the 0pri verdict discards the Secondary: accepted */
	p.after_sb_1pri = DUET_UUID_ASB_CONSENSUS;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_policy, DUET_UUID_ASB_CONSENSUS);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_ZERO_CHG);
	/* ... it would discard the Primary: refused */
	sb_pair(&a, &b, 0, 5, true, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);

	/* discard-secondary, whatever the changes */
	p.after_sb_1pri = DUET_UUID_ASB_DISCARD_SECONDARY;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_SECONDARY);
	sb_pair(&a, &b, 0, 5, false, true);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);

	/* call-pri-lost-after-sb: the Primary loses and must demote */
	p = pol_of(DUET_UUID_ASB_DISCARD_LEAST_CHG,
		   DUET_UUID_ASB_CALL_HELPER, 0, 0);
	sb_pair(&a, &b, 1, 5, true, false);
	x = decide2(&a, &b, &p, true, &y);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_true(x.demote_self);
	assert_false(x.rr_violently);
	assert_true(y.peer_demotes);
	/* the demotion failed: StandAlone and the handler */
	duet_uuid_demote_failed(&x);
	assert_int_equal(x.act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x.reason, DUET_UUID_R_PRI_LOST_AFTER_SB);
	assert_true(x.handlers & DUET_UUID_H_PRI_LOST_AFTER_SB);
	assert_false(x.demote_self);
	/* on the winner nothing to demote: no change */
	duet_uuid_demote_failed(&y);
	assert_int_equal(y.act, DUET_UUID_A_WF_BITMAP_S);
	/* the Secondary loses: no demotion */
	sb_pair(&a, &b, 9, 5, true, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	assert_false(x.demote_self);
	assert_false(x.peer_demotes);

	/* violently-as0p: the Primary loses; rr-conflict decides */
	p = pol_of(DUET_UUID_ASB_DISCARD_LEAST_CHG, DUET_UUID_ASB_VIOLENTLY,
		   0, DUET_UUID_RR_DISCONNECT);
	sb_pair(&a, &b, 1, 5, true, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x.reason, DUET_UUID_R_RR_CONFLICT);
	assert_int_equal(x.loser, DUET_UUID_SIDE_SELF);
	p.rr_conflict = DUET_UUID_RR_VIOLENTLY;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_true(x.rr_violently);
	assert_false(x.demote_self);

	/* a 0pri-only value in the 1pri row counts as disconnect */
	p = pol_of(DUET_UUID_ASB_DISCARD_LEAST_CHG,
		   DUET_UUID_ASB_DISCARD_LOCAL, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);
	assert_int_equal(x.asb_policy, DUET_UUID_ASB_DISCARD_LOCAL);
}

static void test_asb_2pri(void **state)
{
	struct duet_uuid_node a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	(void)state;
	sb_pair(&a, &b, 0, 5, true, true);
	p = pol_of(DUET_UUID_ASB_DISCARD_ZERO_CHG, DUET_UUID_ASB_CONSENSUS,
		   DUET_UUID_ASB_DISCONNECT, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);
	assert_int_equal(x.primaries, 2);

	/* violently-as0p: a wrote nothing and loses; rr-conflict then */
	p.after_sb_2pri = DUET_UUID_ASB_VIOLENTLY;
	x = decide2(&a, &b, &p, true, &y);
	assert_int_equal(x.act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x.reason, DUET_UUID_R_RR_CONFLICT);
	assert_int_equal(y.reason, DUET_UUID_R_PEER_RR_CONFLICT);
	p.rr_conflict = DUET_UUID_RR_VIOLENTLY;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_true(x.rr_violently);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_ZERO_CHG);

	/* call-pri-lost-after-sb: the loser demotes, no rr-conflict */
	p = pol_of(DUET_UUID_ASB_DISCARD_ZERO_CHG, 0,
		   DUET_UUID_ASB_CALL_HELPER, DUET_UUID_RR_DISCONNECT);
	x = decide2(&a, &b, &p, true, &y);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_true(x.demote_self);
	assert_true(y.peer_demotes);
	/* undecided 0pri: nothing to demote, unresolved */
	sb_pair(&a, &b, 3, 5, true, true);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);
	assert_false(x.demote_self);

	/* invalid in the 2pri row */
	p.after_sb_2pri = DUET_UUID_ASB_DISCARD_SECONDARY;
	sb_pair(&a, &b, 0, 5, true, true);
	x = decide2(&a, &b, &p, true, NULL);
	assert_unresolved(&x);

	/* rule 41 with both Primary is a split brain the 2pri row handles */
	a = node4(GA | PB, 0, GC, 0);
	b = node4(GA | PB, 0, GC, 0);
	a.primary = b.primary = true;
	a.bm_weight = 8;
	p = pol_of(DUET_UUID_ASB_DISCARD_LEAST_CHG, 0,
		   DUET_UUID_ASB_VIOLENTLY, DUET_UUID_RR_VIOLENTLY);
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 41);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
}

static void test_always_asbp(void **state)
{
	/* split brain without a usable ancestor (rule 100) */
	struct duet_uuid_node a = node4(GB, GE, GC, 0);
	struct duet_uuid_node b = node4(GD, GF, GC, 0);
	struct duet_uuid_policy p;
	struct duet_uuid_action x;

	(void)state;
	a.bm_weight = 1;
	b.bm_weight = 2;
	p = pol_of(DUET_UUID_ASB_DISCARD_LEAST_CHG, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 100);
	assert_unresolved(&x);
	assert_false(x.asb_tried);
	/* always-asbp: the policy decides, and the sync is a full one */
	p.always_asbp = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, true);
	assert_true(x.asb_tried);
}

static void test_discard_my_data(void **state)
{
	struct duet_uuid_node a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x;

	(void)state;
	duet_uuid_policy_default(&p);
	sb_pair(&a, &b, 5, 5, false, false);
	a.discard_my_data = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF,
			DUET_UUID_HOW_DISCARD_MY_DATA, false);
	assert_false(x.asb_tried);
	/* the explicit flag beats an automatic policy */
	p = pol_of(DUET_UUID_ASB_DISCARD_REMOTE, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_SELF,
			DUET_UUID_HOW_DISCARD_MY_DATA, false);
	/* on the peer */
	a.discard_my_data = false;
	b.discard_my_data = true;
	x = decide2(&a, &b, &p, false, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER,
			DUET_UUID_HOW_DISCARD_MY_DATA, false);
	/* on both: refused */
	a.discard_my_data = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x.reason, DUET_UUID_R_BOTH_DISCARD);
	assert_int_equal(x.handlers, DUET_UUID_H_INITIAL_SPLIT_BRAIN |
			 DUET_UUID_H_SPLIT_BRAIN);
	/* without a usable ancestor: a full sync */
	a = node4(GB, GE, GC, 0);
	b = node4(GD, GF, GC, 0);
	b.discard_my_data = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_resolved(&x, DUET_UUID_SIDE_PEER,
			DUET_UUID_HOW_DISCARD_MY_DATA, true);
	/* no split brain: the flag changes nothing */
	a = node4(GB | PB, GA, 0, 0);
	b = node4(GA, 0, 0, 0);
	a.discard_my_data = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 70);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_S);
	assert_int_equal(x.how, DUET_UUID_HOW_UUIDS);
	assert_false(x.split_brain);
	assert_int_equal(x.handlers, 0);
}

static void test_disk_states(void **state)
{
	struct duet_uuid_node a = node4(GB, GA, 0, 0);	/* rule 70 */
	struct duet_uuid_node b = node4(GA, 0, 0, 0);
	struct duet_uuid_policy p;
	struct duet_uuid_action x;

	(void)state;
	duet_uuid_policy_default(&p);
	/* the UUIDs say source, but this disk is Inconsistent */
	a.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_int_equal(x.how, DUET_UUID_HOW_DISK_STATES);
	assert_false(x.full_sync);
	/* the verdict already agrees (rule 50): the UUIDs decided */
	b = node4(GC, GB, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 50);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_int_equal(x.how, DUET_UUID_HOW_UUIDS);
	b = node4(GA, 0, 0, 0);
	/* a full-sync verdict stays full (rule 80) */
	a = node4(GB, GE, GA, 0);
	a.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 80);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_true(x.full_sync);
	/* split brain with an ancestor: bitmap; the loser is named */
	a = node4(GB, GA, 0, 0);
	b = node4(GE, GA, 0, 0);
	b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 90);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_DISK_STATES,
			false);
	/* split brain without ancestor: full */
	a = node4(GB, GE, GC, 0);
	b = node4(GD, GF, GC, 0);
	b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 100);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_DISK_STATES,
			true);
	/* no sync by the UUIDs, but an Outdated peer beats Inconsistent */
	a = node4(GA, 0, 0, 0);
	b = node4(GA, 0, 0, 0);
	a.disk = DUET_D_INCONSISTENT;
	b.disk = DUET_D_OUTDATED;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 40);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_int_equal(x.how, DUET_UUID_HOW_DISK_STATES);
	assert_false(x.full_sync);
	/* both Inconsistent: no override, no sync */
	b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_CONNECTED);
	assert_int_equal(x.how, DUET_UUID_HOW_UUIDS);
	/* near miss: Outdated against UpToDate is no override */
	a = node4(GB, GA, 0, 0);
	b = node4(GA, 0, 0, 0);
	a.disk = DUET_D_OUTDATED;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_S);
	assert_int_equal(x.how, DUET_UUID_HOW_UUIDS);
	/* unrelated data is dropped before any disk state counts */
	a = node4(GB, 0, 0, 0);
	b = node4(GD, 0, 0, 0);
	b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x.reason, DUET_UUID_R_UNRELATED);
	assert_int_equal(x.handlers, 0);
}

static void test_source_inconsistent(void **state)
{
	struct duet_uuid_node a = node4(GB, GA, 0, 0);	/* rule 70 */
	struct duet_uuid_node b = node4(GA, 0, 0, 0);
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	(void)state;
	duet_uuid_policy_default(&p);
	a.disk = DUET_D_INCONSISTENT;
	b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, &y);
	assert_int_equal(x.act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x.reason, DUET_UUID_R_SELF_INCONSISTENT);
	assert_int_equal(y.reason, DUET_UUID_R_PEER_INCONSISTENT);
	/* a node without data facing an Inconsistent one (rule 20) */
	a = node4(JC, 0, 0, 0);
	a.disk = DUET_D_INCONSISTENT;
	b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 20);
	assert_int_equal(x.reason, DUET_UUID_R_PEER_INCONSISTENT);
	/* a Diskless would-be source is refused as well */
	b.disk = DUET_D_DISKLESS;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.reason, DUET_UUID_R_PEER_INCONSISTENT);
	/* near miss: the peer has consistent data -> full sync */
	b.disk = DUET_D_CONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_true(x.full_sync);
}

static void test_rr_conflict(void **state)
{
	/* rule 50: a is target, but a is Primary with good data */
	struct duet_uuid_node a = node4(GA | PB, 0, 0, 0);
	struct duet_uuid_node b = node4(GB, GA, 0, 0);
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	(void)state;
	a.primary = true;
	duet_uuid_policy_default(&p);
	x = decide2(&a, &b, &p, true, &y);
	assert_int_equal(x.act, DUET_UUID_A_STANDALONE);
	assert_int_equal(x.reason, DUET_UUID_R_RR_CONFLICT);
	assert_int_equal(x.handlers, 0);
	assert_int_equal(y.reason, DUET_UUID_R_PEER_RR_CONFLICT);
	assert_int_equal(y.handlers, 0);
	/* call-pri-lost: the same, and the Primary runs its handler */
	p.rr_conflict = DUET_UUID_RR_CALL_HELPER;
	x = decide2(&a, &b, &p, true, &y);
	assert_int_equal(x.reason, DUET_UUID_R_RR_CONFLICT);
	assert_int_equal(x.handlers, DUET_UUID_H_PRI_LOST);
	assert_int_equal(y.handlers, 0);
	/* violently: synced into the Primary */
	p.rr_conflict = DUET_UUID_RR_VIOLENTLY;
	x = decide2(&a, &b, &p, true, &y);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_true(x.rr_violently);
	assert_true(y.rr_violently);
	/* Consistent counts as good data too */
	p.rr_conflict = DUET_UUID_RR_DISCONNECT;
	a.disk = DUET_D_CONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.reason, DUET_UUID_R_RR_CONFLICT);
	/* near misses: Outdated data, or not Primary */
	a.disk = DUET_D_OUTDATED;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_false(x.rr_violently);
	a.disk = DUET_D_UP_TO_DATE;
	a.primary = false;
	x = decide2(&a, &b, &p, true, NULL);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_int_equal(x.reason, DUET_UUID_R_NONE);
}

static void test_policy_tables(void **state)
{
	static const char *const names[] = {
		"disconnect", "discard-younger-primary",
		"discard-older-primary", "discard-zero-changes",
		"discard-least-changes", "discard-local", "discard-remote",
		"consensus", "discard-secondary", "call-pri-lost-after-sb",
		"violently-as0p",
	};
	struct duet_uuid_policy a, b;
	int i;

	(void)state;
	for (i = 0; i < DUET_UUID_ASB_NR; i++)
		assert_string_equal(duet_uuid_asb_str(i), names[i]);
	assert_string_equal(duet_uuid_asb_str(DUET_UUID_ASB_NR),
			    "unknown after-sb policy");
	assert_string_equal(duet_uuid_rr_str(DUET_UUID_RR_DISCONNECT),
			    "disconnect");
	assert_string_equal(duet_uuid_rr_str(DUET_UUID_RR_CALL_HELPER),
			    "call-pri-lost");
	assert_string_equal(duet_uuid_rr_str(DUET_UUID_RR_VIOLENTLY),
			    "violently");
	assert_string_equal(duet_uuid_rr_str(DUET_UUID_RR_NR),
			    "unknown rr-conflict policy");

	/* the rows of drbd.conf(5) */
	for (i = 0; i < DUET_UUID_ASB_NR; i++) {
		assert_int_equal(duet_uuid_asb_valid(0, i), i <= 6);
		assert_int_equal(duet_uuid_asb_valid(1, i), i == 0 || i >= 7);
		assert_int_equal(duet_uuid_asb_valid(2, i),
				 i == 0 || i == 9 || i == 10);
		assert_false(duet_uuid_asb_valid(3, i));
	}
	assert_false(duet_uuid_asb_valid(0, DUET_UUID_ASB_NR));

	duet_uuid_policy_default(&a);
	assert_int_equal(a.after_sb_0pri, DUET_UUID_ASB_DISCONNECT);
	assert_int_equal(a.after_sb_1pri, DUET_UUID_ASB_DISCONNECT);
	assert_int_equal(a.after_sb_2pri, DUET_UUID_ASB_DISCONNECT);
	assert_int_equal(a.rr_conflict, DUET_UUID_RR_DISCONNECT);
	assert_false(a.always_asbp);
	b = a;
	assert_true(duet_uuid_policies_compatible(&a, &b));
	a.after_sb_0pri = DUET_UUID_ASB_DISCARD_LOCAL;
	assert_false(duet_uuid_policies_compatible(&a, &b));
	b.after_sb_0pri = DUET_UUID_ASB_DISCARD_LOCAL;
	assert_false(duet_uuid_policies_compatible(&a, &b));
	b.after_sb_0pri = DUET_UUID_ASB_DISCARD_REMOTE;
	assert_true(duet_uuid_policies_compatible(&a, &b));
	b.rr_conflict = DUET_UUID_RR_VIOLENTLY;
	assert_false(duet_uuid_policies_compatible(&a, &b));
	b.rr_conflict = a.rr_conflict;
	b.always_asbp = true;
	assert_false(duet_uuid_policies_compatible(&a, &b));
	b.always_asbp = false;
	b.after_sb_1pri = DUET_UUID_ASB_CONSENSUS;
	assert_false(duet_uuid_policies_compatible(&a, &b));
}

/* ---- text ------------------------------------------------------------- */

static const char *say(const struct duet_uuid_action *x)
{
	static char buf[512];
	size_t n = duet_uuid_action_str(x, buf, sizeof(buf));

	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_text(void **state)
{
	struct duet_uuid_node a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;
	char small[16];
	int i;

	(void)state;
	duet_uuid_policy_default(&p);
	sb_pair(&a, &b, 3, 5, false, false);
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "split brain detected, both nodes changed data since 0x5F0A1B2C3D4E5F60 (rule 90); "
			    "dropping connection (after-sb-0pri disconnect); "
			    "resolve it by connecting the node whose changes are to be lost with --discard-my-data");
	/* bounded like snprintf */
	assert_int_equal(duet_uuid_action_str(&x, small, sizeof(small)),
			 strlen(say(&x)));
	assert_string_equal(small, "split brain det");

	p = pol_of(DUET_UUID_ASB_DISCARD_YOUNGER_PRI, 0, 0, 0);
	x = decide2(&a, &b, &p, true, &y);
	assert_string_equal(say(&x),
			    "split brain detected, both nodes changed data since 0x5F0A1B2C3D4E5F60 (rule 90); "
			    "resolved by after-sb-0pri discard-younger-primary: "
			    "the peer (20 KiB changed) loses its changes, "
			    "becoming SyncSource, incremental resync from the bitmap");
	assert_string_equal(say(&y),
			    "split brain detected, both nodes changed data since 0x5F0A1B2C3D4E5F60 (rule 90); "
			    "resolved by after-sb-0pri discard-younger-primary: "
			    "this node (20 KiB changed) loses its changes, "
			    "becoming SyncTarget, incremental resync from the bitmap");
	/* a fallback is named */
	b.uuid[DUET_UI_BITMAP] |= PB;
	x = decide2(&a, &b, &p, true, NULL);
	assert_non_null(strstr(say(&x),
			       "resolved by after-sb-0pri discard-younger-primary (decided by discard-least-changes): this node (12 KiB changed) loses"));

	p = pol_of(DUET_UUID_ASB_DISCARD_ZERO_CHG, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_non_null(strstr(say(&x),
			       "; dropping connection (after-sb-0pri discard-zero-changes: no decision); "));

	a.discard_my_data = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_non_null(strstr(say(&x),
			       "; resolved by discard-my-data on this node: this node (12 KiB changed) loses its changes, becoming SyncTarget"));
	b.discard_my_data = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_non_null(strstr(say(&x),
			       "; both nodes were connected with --discard-my-data, refusing to choose; dropping connection"));

	/* plain rules */
	a = node4(GA, 0, 0, 0);
	b = node4(GB | PB, GA | PB, 0, 0);
	duet_uuid_policy_default(&p);
	x = decide2(&a, &b, &p, true, &y);
	assert_string_equal(say(&x),
			    "becoming SyncTarget, incremental resync from the bitmap: "
			    "the peer's bitmap counts its changes since this node's generation 0x5F0A1B2C3D4E5F60 (rule 50)");
	assert_string_equal(say(&y),
			    "becoming SyncSource, incremental resync from the bitmap: "
			    "this node's bitmap counts its changes since the peer's generation 0x5F0A1B2C3D4E5F60 (rule 70)");
	a = node4(JC, 0, 0, 0);
	b = node4(JC, 0, 0, 0);
	a.disk = b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "no resync needed: both nodes have just-created meta data (rule 10); "
			    "the initial sync starts when one node is made Primary with --force");
	b = node4(GB, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "becoming SyncTarget, full sync: this node has no data yet, the peer has generation 0x1111222233334444 (rule 20)");
	a = node4(GA, 0, 0, 0);
	b = node4(GA, 0, 0, 0);
	b.crashed_primary = true;
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "becoming SyncTarget, incremental resync from the bitmap: "
			    "the peer crashed as Primary in generation 0x5F0A1B2C3D4E5F60 (rule 40)");
	b.crashed_primary = false;
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "no resync needed: both nodes hold generation 0x5F0A1B2C3D4E5F60 (rule 40)");
	a = node4(GA, 0, 0, 0);
	b = node4(GD, 0, 0, 0);
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "unrelated data: this node's generation 0x5F0A1B2C3D4E5F60 and the peer's "
			    "0x3333444455556666 share no history; dropping connection");
	/* rr-conflict */
	a = node4(GA | PB, 0, 0, 0);
	b = node4(GB, GA, 0, 0);
	a.primary = true;
	p.rr_conflict = DUET_UUID_RR_CALL_HELPER;
	x = decide2(&a, &b, &p, true, &y);
	assert_string_equal(say(&x),
			    "this node should become SyncTarget (rule 50), but it is Primary with UpToDate data; "
			    "dropping connection (rr-conflict call-pri-lost: running the pri-lost handler)");
	assert_string_equal(say(&y),
			    "the peer should become SyncTarget (rule 70), but it is Primary with UpToDate data; "
			    "dropping connection (rr-conflict call-pri-lost)");
	p.rr_conflict = DUET_UUID_RR_VIOLENTLY;
	x = decide2(&a, &b, &p, true, NULL);
	assert_non_null(strstr(say(&x),
			       "; rr-conflict violently: this node's data changes under its Primary: "));
	/* an Inconsistent would-be source */
	a = node4(GB, GA, 0, 0);
	b = node4(GA, 0, 0, 0);
	a.disk = b.disk = DUET_D_INCONSISTENT;
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "this node should become SyncSource (rule 70), but its disk is Inconsistent; dropping connection");
	/* disk states */
	b.disk = DUET_D_UP_TO_DATE;
	x = decide2(&a, &b, &p, true, NULL);
	assert_string_equal(say(&x),
			    "becoming SyncTarget, incremental resync from the bitmap: "
			    "this node's disk is Inconsistent (the UUIDs said bitmap resync as source, rule 70)");

	/* every code has a name */
	for (i = 0; i < DUET_UUID_V_NR; i++)
		assert_string_not_equal(duet_uuid_verdict_str(i),
					"unknown verdict");
	assert_string_equal(duet_uuid_verdict_str(DUET_UUID_V_NR),
			    "unknown verdict");
	for (i = 0; i < DUET_UUID_R_NR; i++)
		assert_string_not_equal(duet_uuid_reason_str(i),
					"unknown reason");
	assert_string_equal(duet_uuid_reason_str(DUET_UUID_R_NR),
			    "unknown reason");
}

/* ---- drbd.md §4.6, end to end ----------------------------------------- */

struct sim {
	struct duet_uuid_node n;
	uint64_t peer[DUET_UI_NR];	/* the peer's tuple from the handshake */
};

static uint64_t rnd_state = 0x9E3779B97F4A7C15ULL;

/* splitmix64: a deterministic stream of "random" UUIDs */
static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void sim_create(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	duet_uuid_init(s->n.uuid);
	s->n.disk = DUET_D_INCONSISTENT;
}

/* Promote while disconnected (or primary --force): a new generation. */
static void sim_promote_alone(struct sim *s)
{
	int rv = duet_uuid_new_current(s->n.uuid, rnd(), true);

	assert_true(rv >= 0);
	s->n.primary = true;
	s->n.disk = DUET_D_UP_TO_DATE;
}

/* A Primary loses its peer: a new generation, the bitmap tracks writes */
static void sim_lose_peer(struct sim *s)
{
	assert_true(s->n.primary);
	assert_int_equal(duet_uuid_new_current(s->n.uuid, rnd(), true),
			 DUET_UUID_NC_MOVED);
}

static void sim_crash(struct sim *s, uint64_t al_bits)
{
	s->n.crashed_primary = s->n.primary;
	s->n.primary = false;
	s->n.bm_weight += al_bits;
}

static void sim_demote(struct sim *s)
{
	s->n.primary = false;
	duet_uuid_set_primary(s->n.uuid, false);
}

/*
 * The handshake on both nodes: mirror-image actions, the fixes applied
 * (each node to its own tuple and to its copy of the peer's, and both
 * copies must agree with the real tuples afterwards).
 */
static struct duet_uuid_action sim_connect(struct sim *a, struct sim *b,
					   const struct duet_uuid_policy *pol,
					   bool tie, struct duet_uuid_action *bx)
{
	struct duet_uuid_cmp ca, cb;
	struct duet_uuid_action xa;

	duet_uuid_compare(&a->n, &b->n, tie, &ca);
	duet_uuid_compare(&b->n, &a->n, !tie, &cb);
	xa = decide2(&a->n, &b->n, pol, tie, bx);
	memcpy(a->peer, b->n.uuid, sizeof(a->peer));
	memcpy(b->peer, a->n.uuid, sizeof(b->peer));
	duet_uuid_apply_fix(a->n.uuid, ca.self_fix);
	duet_uuid_apply_fix(a->peer, ca.peer_fix);
	duet_uuid_apply_fix(b->n.uuid, cb.self_fix);
	duet_uuid_apply_fix(b->peer, cb.peer_fix);
	assert_memory_equal(a->peer, b->n.uuid, sizeof(a->peer));
	assert_memory_equal(b->peer, a->n.uuid, sizeof(b->peer));
	return xa;
}

/* A whole resync from @src to @tgt; both end with the same tuple. */
static void sim_resync(struct sim *src, struct sim *tgt)
{
	uint64_t sync;
	int i;

	assert_int_equal(duet_uuid_resync_start_source(src->n.uuid, rnd(),
						       &sync), 0);
	duet_uuid_resync_start_target(tgt->n.uuid, sync);
	assert_int_equal(tgt->n.uuid[DUET_UI_CURRENT], sync);
	tgt->n.disk = DUET_D_INCONSISTENT;
	duet_uuid_resync_end_source(src->n.uuid);
	duet_uuid_resync_end_target(tgt->n.uuid, tgt->peer);
	assert_int_equal(duet_uuid_id(src->n.uuid[DUET_UI_CURRENT]),
			 duet_uuid_id(tgt->n.uuid[DUET_UI_CURRENT]));
	for (i = DUET_UI_BITMAP; i < DUET_UI_NR; i++)
		assert_int_equal(src->n.uuid[i], tgt->n.uuid[i]);
	assert_int_equal(src->n.uuid[DUET_UI_BITMAP], 0);
	assert_int_equal(src->n.uuid[DUET_UI_HISTORY0], sync);
	tgt->n.disk = DUET_D_UP_TO_DATE;
	src->n.crashed_primary = tgt->n.crashed_primary = false;
	src->n.bm_weight = tgt->n.bm_weight = 0;
	src->n.discard_my_data = tgt->n.discard_my_data = false;
}

/* Connect and carry out what the handshake decided. */
static struct duet_uuid_action sim_run(struct sim *a, struct sim *b,
				       const struct duet_uuid_policy *pol,
				       bool tie)
{
	struct duet_uuid_action x = sim_connect(a, b, pol, tie, NULL);

	if (x.act == DUET_UUID_A_WF_BITMAP_S)
		sim_resync(a, b);
	else if (x.act == DUET_UUID_A_WF_BITMAP_T)
		sim_resync(b, a);
	return x;
}

/* After a resync a further connect needs nothing (or, with a Primary, a
 * resync of its empty bitmap by rule 41). */
static void sim_in_sync(struct sim *a, struct sim *b)
{
	struct duet_uuid_policy p;
	struct duet_uuid_action x;

	duet_uuid_policy_default(&p);
	x = sim_connect(a, b, &p, true, NULL);
	assert_int_equal(x.cmp.self_current, x.cmp.peer_current);
	if (!a->n.primary && !b->n.primary) {
		assert_int_equal(x.cmp.rule, 40);
		assert_int_equal(x.act, DUET_UUID_A_CONNECTED);
	} else {
		assert_int_equal(x.cmp.rule, 41);
		assert_int_equal(x.act, a->n.primary ?
				 DUET_UUID_A_WF_BITMAP_S :
				 DUET_UUID_A_WF_BITMAP_T);
		assert_false(x.full_sync);
	}
}

/* create-md on both, primary --force on a, the initial full sync */
static void sim_initial(struct sim *a, struct sim *b)
{
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	duet_uuid_policy_default(&p);
	sim_create(a);
	sim_create(b);
	x = sim_connect(a, b, &p, true, &y);
	assert_int_equal(x.cmp.rule, 10);
	assert_int_equal(x.act, DUET_UUID_A_CONNECTED);
	sim_promote_alone(a);	/* primary --force */
	assert_int_equal(a->n.uuid[DUET_UI_BITMAP], 0);
	x = sim_run(a, b, &p, false);
	assert_int_equal(x.cmp.rule, 30);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_S);
	assert_true(x.full_sync);
	sim_in_sync(a, b);
}

static void test_scenario_initial_sync(void **state)
{
	struct sim a, b;

	(void)state;
	sim_initial(&a, &b);
	assert_int_equal(a.n.uuid[DUET_UI_CURRENT] & PB, PB);
	assert_int_equal(b.n.uuid[DUET_UI_CURRENT] & PB, 0);
}

static void test_scenario_clear_bitmap(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x;

	(void)state;
	duet_uuid_policy_default(&p);
	sim_create(&a);
	sim_create(&b);
	assert_int_equal(duet_uuid_skip_initial_sync(a.n.uuid, rnd()), 0);
	/* before the peer adopted it: a full sync would follow */
	a.n.disk = DUET_D_UP_TO_DATE;
	x = sim_connect(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 30);
	assert_true(x.full_sync);
	/* the peer takes the UUID: no sync at all */
	assert_int_equal(duet_uuid_adopt_skip(b.n.uuid,
					      a.n.uuid[DUET_UI_CURRENT]), 0);
	b.n.disk = DUET_D_UP_TO_DATE;
	x = sim_connect(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 40);
	assert_int_equal(x.act, DUET_UUID_A_CONNECTED);
	assert_false(x.full_sync);
	/* and the generation goes on normally from there */
	a.n.primary = true;
	sim_lose_peer(&a);
	x = sim_run(&a, &b, &p, true);
	assert_int_equal(x.cmp.rule, 70);
	sim_in_sync(&a, &b);
}

static void test_scenario_secondary_returns(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	(void)state;
	duet_uuid_policy_default(&p);
	sim_initial(&a, &b);
	/* b goes down; a (Primary) makes a new generation and writes */
	sim_lose_peer(&a);
	a.n.bm_weight = 100;
	b.n.disk = DUET_D_CONSISTENT;
	x = sim_connect(&b, &a, &p, false, &y);
	assert_int_equal(x.cmp.rule, 50);
	assert_int_equal(y.cmp.rule, 70);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_int_equal(y.act, DUET_UUID_A_WF_BITMAP_S);
	assert_false(x.full_sync);
	sim_resync(&a, &b);
	sim_in_sync(&a, &b);
	/* and again, with the tie-breaker on the other node */
	sim_lose_peer(&a);
	x = sim_run(&b, &a, &p, true);
	assert_int_equal(x.cmp.rule, 50);
	sim_in_sync(&b, &a);
}

static void test_scenario_primary_crash_failover(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	(void)state;
	duet_uuid_policy_default(&p);
	sim_initial(&a, &b);
	/* a crashes as Primary; its hot AL extents go into its bitmap */
	sim_crash(&a, 4096);
	assert_int_equal(a.n.uuid[DUET_UI_CURRENT] & PB, PB);
	/* b takes over */
	sim_promote_alone(&b);
	b.n.bm_weight = 30;
	/* a comes back as Secondary: a is target, incremental */
	x = sim_connect(&a, &b, &p, true, &y);
	assert_int_equal(x.cmp.rule, 50);
	assert_int_equal(y.cmp.rule, 70);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_int_equal(y.act, DUET_UUID_A_WF_BITMAP_S);
	assert_false(x.full_sync);
	assert_false(x.split_brain);
	sim_resync(&b, &a);
	/* a is Secondary now: its current UUID has no primary bit */
	assert_int_equal(a.n.uuid[DUET_UI_CURRENT] & PB, 0);
	sim_in_sync(&a, &b);
}

static void test_scenario_primary_crash_no_promotion(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;
	bool tie;

	(void)state;
	duet_uuid_policy_default(&p);
	for (tie = false; ; tie = true) {
		sim_initial(&a, &b);
		sim_crash(&a, 64);
		/* b just waited; a comes back: rule 40, a is source */
		x = sim_connect(&a, &b, &p, tie, &y);
		assert_int_equal(x.cmp.rule, 40);
		assert_int_equal(y.cmp.rule, 40);
		assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_S);
		assert_int_equal(y.act, DUET_UUID_A_WF_BITMAP_T);
		assert_false(x.full_sync);
		sim_resync(&a, &b);
		sim_in_sync(&a, &b);
		if (tie)
			break;
	}
}

static void test_scenario_network_split(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;

	(void)state;
	duet_uuid_policy_default(&p);
	sim_initial(&a, &b);
	/* the link breaks; a goes on writing, b is fenced (Outdated) */
	sim_lose_peer(&a);
	a.n.bm_weight = 12;
	b.n.disk = DUET_D_OUTDATED;
	x = sim_connect(&a, &b, &p, true, &y);
	assert_int_equal(x.cmp.rule, 70);
	assert_int_equal(y.cmp.rule, 50);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_S);
	assert_false(x.full_sync);
	sim_resync(&a, &b);
	sim_in_sync(&a, &b);
}

/* Both sides promoted during a split: rule 90. */
static void sim_split_brain(struct sim *a, struct sim *b, uint64_t *parent)
{
	sim_initial(a, b);
	*parent = duet_uuid_id(a->n.uuid[DUET_UI_CURRENT]);
	sim_lose_peer(a);
	a->n.bm_weight = 30;
	sim_promote_alone(b);
	b->n.bm_weight = 10;
}

static void test_scenario_split_brain_manual(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;
	uint64_t parent;
	char want[256];

	(void)state;
	duet_uuid_policy_default(&p);
	sim_split_brain(&a, &b, &parent);
	x = sim_connect(&a, &b, &p, true, &y);
	assert_int_equal(x.cmp.rule, 90);
	assert_int_equal(y.cmp.rule, 90);
	assert_int_equal(x.cmp.common, parent);
	assert_unresolved(&x);
	assert_unresolved(&y);
	snprintf(want, sizeof(want),
		 "split brain detected, both nodes changed data since 0x%016llX (rule 90); dropping connection (after-sb-2pri disconnect)",
		 (unsigned long long)parent);
	assert_non_null(strstr(say(&x), want));
	/* b: secondary, connect --discard-my-data; a: connect */
	sim_demote(&b);
	b.n.discard_my_data = true;
	x = sim_connect(&b, &a, &p, false, &y);
	assert_int_equal(x.cmp.rule, 90);
	assert_resolved(&x, DUET_UUID_SIDE_SELF,
			DUET_UUID_HOW_DISCARD_MY_DATA, false);
	assert_resolved(&y, DUET_UUID_SIDE_PEER,
			DUET_UUID_HOW_DISCARD_MY_DATA, false);
	sim_resync(&a, &b);
	/* the sync UUID came from a's bitmap UUID, the split's parent */
	assert_int_equal(a.n.uuid[DUET_UI_HISTORY0], parent + STEP);
	sim_in_sync(&a, &b);
}

static void test_scenario_split_brain_policies(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x;
	uint64_t parent;

	(void)state;
	/* the "safe-ish" set: 0pri zero-changes, 1pri discard-secondary */
	p = pol_of(DUET_UUID_ASB_DISCARD_ZERO_CHG,
		   DUET_UUID_ASB_DISCARD_SECONDARY, DUET_UUID_ASB_DISCONNECT,
		   DUET_UUID_RR_DISCONNECT);
	sim_split_brain(&a, &b, &parent);
	x = sim_connect(&a, &b, &p, true, NULL);
	assert_unresolved(&x);	/* two Primaries: 2pri disconnect */
	sim_demote(&b);
	x = sim_run(&b, &a, &p, true);
	assert_resolved(&x, DUET_UUID_SIDE_SELF, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_SECONDARY);
	sim_in_sync(&a, &b);

	/* nobody Primary any more: discard-younger-primary picks b */
	p = pol_of(DUET_UUID_ASB_DISCARD_YOUNGER_PRI, 0, 0, 0);
	sim_split_brain(&a, &b, &parent);
	sim_demote(&a);
	sim_demote(&b);
	x = sim_run(&a, &b, &p, false);
	assert_resolved(&x, DUET_UUID_SIDE_PEER, DUET_UUID_HOW_AFTER_SB, false);
	assert_int_equal(x.asb_decided, DUET_UUID_ASB_DISCARD_YOUNGER_PRI);
	sim_in_sync(&a, &b);
}

/* More generations passed on one side after the split: rule 100. */
static void test_scenario_split_brain_deeper(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x;
	uint64_t parent;

	(void)state;
	duet_uuid_policy_default(&p);
	sim_split_brain(&a, &b, &parent);
	/* b resyncs with a third, just-created disk it is then swapped
	 * against: its bitmap UUID goes to history */
	duet_uuid_resync_end_source(b.n.uuid);
	x = sim_connect(&a, &b, &p, true, NULL);
	assert_int_equal(x.cmp.rule, 100);
	assert_int_equal(x.cmp.common, parent);
	assert_unresolved(&x);
	sim_demote(&b);
	b.n.discard_my_data = true;
	x = sim_run(&b, &a, &p, true);
	assert_resolved(&x, DUET_UUID_SIDE_SELF,
			DUET_UUID_HOW_DISCARD_MY_DATA, true);
	sim_in_sync(&a, &b);
}

/* Resyncs cut short: lost sync UUID, lost end, Primary loses target. */
static void test_scenario_interrupted_resync(void **state)
{
	struct sim a, b;
	struct duet_uuid_policy p;
	struct duet_uuid_action x, y;
	uint64_t sync;

	(void)state;
	duet_uuid_policy_default(&p);

	/* the target never stored the sync UUID: 51 / 71 */
	sim_initial(&a, &b);
	sim_lose_peer(&a);
	sim_connect(&a, &b, &p, true, NULL);
	assert_int_equal(duet_uuid_resync_start_source(a.n.uuid, rnd(),
						       &sync), 0);
	sim_demote(&a);	/* and a is no longer Primary when it returns */
	x = sim_connect(&b, &a, &p, true, &y);
	assert_int_equal(x.cmp.rule, 51);
	assert_int_equal(y.cmp.rule, 71);
	assert_int_equal(x.cmp.peer_fix, DUET_UUID_FIX_UNDO_SYNC_START);
	assert_int_equal(y.cmp.self_fix, DUET_UUID_FIX_UNDO_SYNC_START);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	sim_resync(&a, &b);
	sim_in_sync(&a, &b);

	/* the source missed the end the target recorded: 34 / 35 */
	a.n.primary = true;
	duet_uuid_set_primary(a.n.uuid, true);
	sim_lose_peer(&a);
	sim_connect(&a, &b, &p, true, NULL);
	assert_int_equal(duet_uuid_resync_start_source(a.n.uuid, rnd(),
						       &sync), 0);
	duet_uuid_resync_start_target(b.n.uuid, sync);
	duet_uuid_resync_end_target(b.n.uuid, b.peer);
	x = sim_connect(&a, &b, &p, true, &y);
	assert_int_equal(x.cmp.rule, 34);
	assert_int_equal(y.cmp.rule, 35);
	assert_int_equal(a.n.uuid[DUET_UI_BITMAP], 0);	/* fix applied */
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_S);
	sim_resync(&a, &b);
	sim_in_sync(&a, &b);

	/* the Primary source loses the target mid-resync */
	sim_lose_peer(&a);
	sim_connect(&a, &b, &p, true, NULL);
	assert_int_equal(duet_uuid_resync_start_source(a.n.uuid, rnd(),
						       &sync), 0);
	duet_uuid_resync_start_target(b.n.uuid, sync);
	b.n.disk = DUET_D_INCONSISTENT;
	assert_int_equal(duet_uuid_new_current(a.n.uuid, rnd(), true),
			 DUET_UUID_NC_BITMAP_KEPT);
	assert_int_equal(a.n.uuid[DUET_UI_BITMAP], sync);
	/* the resync resumes from the bitmap */
	x = sim_run(&b, &a, &p, true);
	assert_int_equal(x.cmp.rule, 50);
	assert_int_equal(x.act, DUET_UUID_A_WF_BITMAP_T);
	assert_false(x.full_sync);
	sim_in_sync(&a, &b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_primary_bit),
		cmocka_unit_test(test_new_current),
		cmocka_unit_test(test_resync_start_end),
		cmocka_unit_test(test_skip_initial_sync),
		cmocka_unit_test(test_apply_fix),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_rule_10),
		cmocka_unit_test(test_rule_20_30),
		cmocka_unit_test(test_rule_34_35),
		cmocka_unit_test(test_rule_36_37),
		cmocka_unit_test(test_rule_40),
		cmocka_unit_test(test_rule_41),
		cmocka_unit_test(test_rule_50_70),
		cmocka_unit_test(test_rule_51_71),
		cmocka_unit_test(test_rule_60_80),
		cmocka_unit_test(test_rule_90),
		cmocka_unit_test(test_rule_100),
		cmocka_unit_test(test_rule_110),
		cmocka_unit_test(test_rule_pairs_contradiction),
		cmocka_unit_test(test_mirror_tables),
		cmocka_unit_test(test_asb_0pri),
		cmocka_unit_test(test_asb_1pri),
		cmocka_unit_test(test_asb_2pri),
		cmocka_unit_test(test_always_asbp),
		cmocka_unit_test(test_discard_my_data),
		cmocka_unit_test(test_disk_states),
		cmocka_unit_test(test_source_inconsistent),
		cmocka_unit_test(test_rr_conflict),
		cmocka_unit_test(test_policy_tables),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_scenario_initial_sync),
		cmocka_unit_test(test_scenario_clear_bitmap),
		cmocka_unit_test(test_scenario_secondary_returns),
		cmocka_unit_test(test_scenario_primary_crash_failover),
		cmocka_unit_test(test_scenario_primary_crash_no_promotion),
		cmocka_unit_test(test_scenario_network_split),
		cmocka_unit_test(test_scenario_split_brain_manual),
		cmocka_unit_test(test_scenario_split_brain_policies),
		cmocka_unit_test(test_scenario_split_brain_deeper),
		cmocka_unit_test(test_scenario_interrupted_resync),
	};

	return cmocka_run_group_tests_name("core_uuid", tests, NULL, NULL);
}
