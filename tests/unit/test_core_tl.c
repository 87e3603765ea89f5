/*
 * Unit tests for kmod/core/tl.c: the transfer log and the epochs of
 * replicated writes (drbd.md §2.1-2.2). Ids (slot and generation, stale
 * and forged ones), which acks a record awaits, NEG_ACK, epoch closing,
 * barrier ack validation, the full ring, clear, free-running counters
 * past 2^32 and the receiving side; then a randomized model: a Primary
 * adding writes, an in-order peer acking them through duet_tl_rx, and
 * connection losses, checked against a reference model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/tl.h"

#define P_A	0u
#define P_B	DUET_TL_WANT_RECV
#define P_C	DUET_TL_WANT_WRITE
#define P_BC	(DUET_TL_WANT_RECV | DUET_TL_WANT_WRITE)

#define BAD_PTR ((void *)0x5a5a)

static u32 id_slot(u64 id)
{
	return (u32)id;
}

static u32 id_gen(u64 id)
{
	return (u32)(id >> 32);
}

static u64 mk_id(u32 gen, u32 slot)
{
	return (u64)gen << 32 | slot;
}

/* Initializes over @ent filled with garbage (init must not need it clean). */
static void fresh(struct duet_tl *tl, struct duet_tl_ent *ent, u32 cap,
		  u32 first_epoch, u32 max_epoch_size)
{
	memset(ent, 0x5a, sizeof(*ent) * cap);
	assert_int_equal(duet_tl_init(tl, ent, cap, first_epoch,
				      max_epoch_size), 0);
}

static u64 add_ok(struct duet_tl *tl, u64 sector, u32 size, u32 want,
		  void *ctx, struct duet_tl_add *out)
{
	struct duet_tl_add o;

	if (!out)
		out = &o;
	assert_int_equal(duet_tl_add(tl, sector, size, want, ctx, out),
			 DUET_TL_OK);
	return out->id;
}

/* An ack that must succeed; returns the ctx it gave back. */
static void *ack_ok(struct duet_tl *tl, u64 id, u64 sector, u32 size,
		    u32 what, bool neg, bool want_failed)
{
	void *ctx = BAD_PTR;
	bool failed = !want_failed;

	assert_int_equal(duet_tl_ack(tl, id, sector, size, what, neg, &ctx,
				     &failed), DUET_TL_OK);
	assert_int_equal(failed, want_failed);
	return ctx;
}

/* An ack that must be refused with @err, leaving everything unchanged. */
static void ack_bad(struct duet_tl *tl, u64 id, u64 sector, u32 size,
		    u32 what, bool neg, int err)
{
	struct duet_tl before = *tl;
	struct duet_tl_ent *ents = malloc(sizeof(*ents) * tl->cap);
	void *ctx = BAD_PTR;
	bool failed = true;

	assert_non_null(ents);
	memcpy(ents, tl->ent, sizeof(*ents) * tl->cap);
	assert_int_equal(duet_tl_ack(tl, id, sector, size, what, neg, &ctx,
				     &failed), err);
	assert_null(ctx);
	assert_false(failed);
	assert_memory_equal(&before, tl, sizeof(before));
	assert_memory_equal(ents, tl->ent, sizeof(*ents) * tl->cap);
	free(ents);
}

/* Records handed to a callback. */
struct rec {
	unsigned int n;
	struct duet_tl_ent e[64];
};

static void rec_fn(void *arg, const struct duet_tl_ent *e)
{
	struct rec *r = arg;

	assert_true(r->n < ARRAY_SIZE(r->e));
	r->e[r->n++] = *e;
}

static void never_fn(void *arg, const struct duet_tl_ent *e)
{
	(void)arg;
	(void)e;
	fail_msg("callback called on a refused operation");
}

/* A barrier ack that must be refused with @err, changing nothing. */
static void back_bad(struct duet_tl *tl, u32 epoch, u32 set_size, int err)
{
	struct duet_tl before = *tl;
	struct duet_tl_ent *ents = malloc(sizeof(*ents) * tl->cap);

	assert_non_null(ents);
	memcpy(ents, tl->ent, sizeof(*ents) * tl->cap);
	assert_int_equal(duet_tl_barrier_ack(tl, epoch, set_size, never_fn,
					     NULL), err);
	assert_memory_equal(&before, tl, sizeof(before));
	assert_memory_equal(ents, tl->ent, sizeof(*ents) * tl->cap);
	free(ents);
}

static void test_init(void **state)
{
	static const u32 bad_caps[] = { 0, 1, 3, 5, 6, 7, 12, 15, 100,
					0x80000001u, 0xc0000000u, 0xffffffffu };
	static const u32 good_caps[] = { 2, 4, 16, 1024, 0x80000000u };
	struct duet_tl tl, saved;
	struct duet_tl_ent ent[4];

	(void)state;
	memset(&tl, 0xa5, sizeof(tl));
	memcpy(&saved, &tl, sizeof(tl));
	for (size_t i = 0; i < ARRAY_SIZE(bad_caps); i++) {
		assert_int_equal(duet_tl_init(&tl, ent, bad_caps[i], 1, 8), -1);
		assert_memory_equal(&tl, &saved, sizeof(tl));
	}
	assert_int_equal(duet_tl_init(&tl, ent, 4, 1, 0), -1);
	assert_memory_equal(&tl, &saved, sizeof(tl));

	for (size_t i = 0; i < ARRAY_SIZE(good_caps); i++) {
		memset(&tl, 0xa5, sizeof(tl));
		assert_int_equal(duet_tl_init(&tl, ent, good_caps[i], 77, 3), 0);
		assert_ptr_equal(tl.ent, ent);
		assert_int_equal(tl.cap, good_caps[i]);
		assert_int_equal(tl.head, 0);
		assert_int_equal(tl.tail, 0);
		assert_int_equal(duet_tl_count(&tl), 0);
		assert_int_equal(tl.max_epoch_size, 3);
		assert_int_equal(tl.cur_epoch, 77);
		assert_int_equal(tl.cur_writes, 0);
		assert_false(tl.cur_closed);
		assert_int_equal(tl.acked_epoch, 76);
		assert_int_not_equal(tl.gen, 0);
	}
	/* max_epoch_size 1 is the smallest; epoch 0 has acked_epoch ~0 */
	assert_int_equal(duet_tl_init(&tl, ent, 2, 0, 1), 0);
	assert_int_equal(tl.acked_epoch, UINT32_MAX);
	assert_int_equal(tl.cur_epoch, 0);
}

static void test_strerror(void **state)
{
	const char *unknown = duet_tl_strerror(1);

	(void)state;
	assert_string_equal(duet_tl_strerror(DUET_TL_OK), "success");
	assert_string_equal(duet_tl_strerror(-8), unknown);
	assert_string_equal(duet_tl_strerror(-1000), unknown);
	assert_string_equal(duet_tl_strerror(42), unknown);
	assert_int_equal(DUET_TL_E_LAST, DUET_TL_E_PENDING);
	for (int a = 0; a >= DUET_TL_E_LAST; a--) {
		assert_non_null(duet_tl_strerror(a));
		assert_string_not_equal(duet_tl_strerror(a), unknown);
		for (int b = a - 1; b >= DUET_TL_E_LAST; b--)
			assert_string_not_equal(duet_tl_strerror(a),
						duet_tl_strerror(b));
	}
	assert_string_equal(duet_tl_strerror(DUET_TL_E_FULL),
			    "transfer log full");
}

static void test_ids(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[8];
	struct duet_tl_add out;
	int ctxs[3];
	u64 id[3], nid[8];
	struct rec r = { 0 };
	u32 e;

	(void)state;
	fresh(&tl, ent, 8, 1, 100);
	for (u32 i = 0; i < 3; i++) {
		id[i] = add_ok(&tl, 100 * (i + 1), 4096, P_C, &ctxs[i], &out);
		assert_int_equal(id_slot(id[i]), i);
		assert_int_not_equal(id_gen(id[i]), 0);
		assert_int_equal(ent[i].gen, id_gen(id[i]));
		assert_int_equal(ent[i].sector, 100 * (i + 1));
		assert_int_equal(ent[i].size, 4096);
		assert_int_equal(ent[i].epoch, 1);
		assert_int_equal(ent[i].want, P_C);
		assert_false(ent[i].failed);
		assert_ptr_equal(ent[i].ctx, &ctxs[i]);
		assert_int_equal(out.epoch, 1);
		assert_false(out.barrier);
		for (u32 j = 0; j < i; j++)
			assert_int_not_equal(id_gen(id[j]), id_gen(id[i]));
	}
	assert_int_equal(duet_tl_count(&tl), 3);

	/* slot >= cap, generation 0, another generation */
	ack_bad(&tl, mk_id(id_gen(id[0]), 8), 100, 4096, P_C, false, DUET_TL_E_ID);
	ack_bad(&tl, mk_id(id_gen(id[0]), 0xffffffffu), 100, 4096, P_C, false,
		DUET_TL_E_ID);
	ack_bad(&tl, mk_id(id_gen(id[0]), 8), 100, 4096, P_C, true, DUET_TL_E_ID);
	ack_bad(&tl, mk_id(0, 0), 100, 4096, P_C, false, DUET_TL_E_ID);
	ack_bad(&tl, mk_id(0, 0), 100, 4096, P_C, true, DUET_TL_E_ID);
	ack_bad(&tl, mk_id(id_gen(id[0]) + 1000, 0), 100, 4096, P_C, false,
		DUET_TL_E_ID);
	/* another record's generation in this slot */
	ack_bad(&tl, mk_id(id_gen(id[1]), 0), 100, 4096, P_C, false, DUET_TL_E_ID);
	/* a slot outside [head, tail) whose memory matches the id */
	ent[5].gen = 4242;
	ent[5].sector = 100;
	ent[5].size = 4096;
	ent[5].want = P_C;
	ack_bad(&tl, mk_id(4242, 5), 100, 4096, P_C, false, DUET_TL_E_ID);
	ack_bad(&tl, mk_id(4242, 5), 100, 4096, P_C, true, DUET_TL_E_ID);

	/* sector or size differ: refused, the record keeps waiting */
	ack_bad(&tl, id[0], 101, 4096, P_C, false, DUET_TL_E_MISMATCH);
	ack_bad(&tl, id[0], 99, 4096, P_C, false, DUET_TL_E_MISMATCH);
	ack_bad(&tl, id[0], 100, 4096 - 512, P_C, false, DUET_TL_E_MISMATCH);
	ack_bad(&tl, id[0], 100, 0, P_C, false, DUET_TL_E_MISMATCH);
	ack_bad(&tl, id[0], 200, 4096, P_C, true, DUET_TL_E_MISMATCH);
	ack_bad(&tl, id[0], 100 | 1ULL << 40, 4096, P_C, false,
		DUET_TL_E_MISMATCH);
	assert_int_equal(ent[0].want, P_C);
	assert_false(ent[0].failed);

	for (u32 i = 0; i < 3; i++)
		assert_ptr_equal(ack_ok(&tl, id[i], 100 * (i + 1), 4096, P_C,
					false, false), &ctxs[i]);
	duet_tl_completed(&tl, 1);
	assert_true(duet_tl_close_idle(&tl, &e));
	assert_int_equal(e, 1);
	assert_int_equal(duet_tl_barrier_ack(&tl, 1, 3, rec_fn, &r), DUET_TL_OK);
	assert_int_equal(r.n, 3);

	/* the records are gone: their ids are stale (slot outside, gen 0) */
	assert_int_equal(duet_tl_count(&tl), 0);
	for (u32 i = 0; i < 3; i++) {
		ack_bad(&tl, id[i], 100 * (i + 1), 4096, P_C, false, DUET_TL_E_ID);
		ack_bad(&tl, id[i], 100 * (i + 1), 4096, P_C, true, DUET_TL_E_ID);
	}
	/* reuse every slot: slots 3..7 then 0..2 */
	for (u32 i = 0; i < 8; i++) {
		nid[i] = add_ok(&tl, 100 * (i + 1), 4096, P_C, &ctxs[0], &out);
		assert_int_equal(id_slot(nid[i]), (3 + i) % 8);
		assert_int_equal(out.epoch, 2);
	}
	assert_int_equal(duet_tl_count(&tl), 8);
	/* the old ids name slots now in [head, tail), with other gens */
	for (u32 i = 0; i < 3; i++) {
		u32 s = id_slot(id[i]);

		assert_int_not_equal(ent[s].gen, id_gen(id[i]));
		ack_bad(&tl, id[i], ent[s].sector, ent[s].size, P_C, false,
			DUET_TL_E_ID);
		ack_bad(&tl, id[i], ent[s].sector, ent[s].size, P_C, true,
			DUET_TL_E_ID);
	}
	for (u32 i = 0; i < 8; i++)
		assert_ptr_equal(ack_ok(&tl, nid[i], 100 * (i + 1), 4096, P_C,
					false, false), &ctxs[0]);
}

/*
 * The [head, tail) window, also when it wraps the array: with every
 * slot's generation forced equal, an id in the window reaches the
 * sector check (E_MISMATCH), one outside it does not (E_ID).
 */
static void test_id_window(void **state)
{
	static const struct { u32 start, n; } w[] = {
		{ 5, 2 }, { 6, 3 }, { 0, 1 }, { 7, 8 }, { 3, 0 }, { 0, 8 },
		{ 1, 7 },
	};
	struct duet_tl tl;
	struct duet_tl_ent ent[8];

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(w); k++) {
		fresh(&tl, ent, 8, 1, 1000);
		tl.head = w[k].start;
		tl.tail = w[k].start;
		for (u32 i = 0; i < w[k].n; i++)
			add_ok(&tl, 8, 512, P_C, NULL, NULL);
		assert_int_equal(duet_tl_count(&tl), w[k].n);
		for (u32 s = 0; s < 8; s++)
			ent[s].gen = 99;
		for (u32 s = 0; s < 8; s++) {
			bool in = ((s - w[k].start) & 7) < w[k].n;

			ack_bad(&tl, mk_id(99, s), 7, 512, P_C, false,
				in ? DUET_TL_E_MISMATCH : DUET_TL_E_ID);
		}
		/* generation 0 names nothing, even where memory holds 0 */
		for (u32 s = 0; s < 8; s++)
			ent[s].gen = 0;
		for (u32 s = 0; s < 8; s++)
			ack_bad(&tl, mk_id(0, s), 8, 512, P_C, false,
				DUET_TL_E_ID);
	}
}

static void test_ack_kinds(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[8];
	int c[5];
	u64 a, b, cc, bc, cb;

	(void)state;
	fresh(&tl, ent, 8, 1, 100);
	a = add_ok(&tl, 10, 512, P_A, &c[0], NULL);
	b = add_ok(&tl, 20, 512, P_B, &c[1], NULL);
	cc = add_ok(&tl, 30, 512, P_C, &c[2], NULL);
	bc = add_ok(&tl, 40, 512, P_BC, &c[3], NULL);
	cb = add_ok(&tl, 50, 512, P_BC, &c[4], NULL);
	/* protocol A keeps no ctx and awaits nothing */
	assert_null(ent[0].ctx);
	assert_int_equal(ent[0].want, 0);
	assert_int_equal(ent[3].want, P_BC);

	/* any positive ack on a protocol A record */
	ack_bad(&tl, a, 10, 512, DUET_TL_WANT_RECV, false, DUET_TL_E_UNEXPECTED);
	ack_bad(&tl, a, 10, 512, DUET_TL_WANT_WRITE, false, DUET_TL_E_UNEXPECTED);
	/* WRITE_ACK on B, RECV_ACK on C */
	ack_bad(&tl, b, 20, 512, DUET_TL_WANT_WRITE, false, DUET_TL_E_UNEXPECTED);
	ack_bad(&tl, cc, 30, 512, DUET_TL_WANT_RECV, false, DUET_TL_E_UNEXPECTED);
	/* a kind that is no kind, or both at once */
	ack_bad(&tl, cc, 30, 512, 0, false, DUET_TL_E_UNEXPECTED);
	ack_bad(&tl, bc, 40, 512, P_BC, false, DUET_TL_E_UNEXPECTED);
	ack_bad(&tl, cc, 30, 512, P_BC, false, DUET_TL_E_UNEXPECTED);
	ack_bad(&tl, cc, 30, 512, 0x4, false, DUET_TL_E_UNEXPECTED);

	assert_ptr_equal(ack_ok(&tl, b, 20, 512, DUET_TL_WANT_RECV, false,
				false), &c[1]);
	assert_int_equal(ent[1].want, 0);
	assert_null(ent[1].ctx);
	ack_bad(&tl, b, 20, 512, DUET_TL_WANT_RECV, false, DUET_TL_E_UNEXPECTED);

	assert_ptr_equal(ack_ok(&tl, cc, 30, 512, DUET_TL_WANT_WRITE, false,
				false), &c[2]);
	/* a second WRITE_ACK */
	ack_bad(&tl, cc, 30, 512, DUET_TL_WANT_WRITE, false, DUET_TL_E_UNEXPECTED);
	ack_bad(&tl, cc, 30, 512, DUET_TL_WANT_RECV, false, DUET_TL_E_UNEXPECTED);

	/* B+C wants both, in either order; ctx only with the last one */
	assert_null(ack_ok(&tl, bc, 40, 512, DUET_TL_WANT_RECV, false, false));
	assert_int_equal(ent[3].want, DUET_TL_WANT_WRITE);
	assert_ptr_equal(ent[3].ctx, &c[3]);
	ack_bad(&tl, bc, 40, 512, DUET_TL_WANT_RECV, false, DUET_TL_E_UNEXPECTED);
	assert_ptr_equal(ack_ok(&tl, bc, 40, 512, DUET_TL_WANT_WRITE, false,
				false), &c[3]);
	ack_bad(&tl, bc, 40, 512, DUET_TL_WANT_WRITE, false, DUET_TL_E_UNEXPECTED);

	assert_null(ack_ok(&tl, cb, 50, 512, DUET_TL_WANT_WRITE, false, false));
	assert_int_equal(ent[4].want, DUET_TL_WANT_RECV);
	ack_bad(&tl, cb, 50, 512, DUET_TL_WANT_WRITE, false, DUET_TL_E_UNEXPECTED);
	assert_ptr_equal(ack_ok(&tl, cb, 50, 512, DUET_TL_WANT_RECV, false,
				false), &c[4]);
	for (u32 i = 0; i < 5; i++) {
		assert_int_equal(ent[i].want, 0);
		assert_null(ent[i].ctx);
		assert_false(ent[i].failed);
	}
	/* stray bits of @want are not kept */
	add_ok(&tl, 60, 512, P_C | 0x8 | 0x100, &c[0], NULL);
	assert_int_equal(ent[5].want, P_C);
}

static void test_neg_ack(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[8];
	struct rec r = { 0 };
	int c[5];
	u64 id[5];
	u32 e;

	(void)state;
	fresh(&tl, ent, 8, 3, 100);
	id[0] = add_ok(&tl, 10, 512, P_A, &c[0], NULL);
	id[1] = add_ok(&tl, 20, 512, P_B, &c[1], NULL);
	id[2] = add_ok(&tl, 30, 512, P_C, &c[2], NULL);
	id[3] = add_ok(&tl, 40, 512, P_BC, &c[3], NULL);
	id[4] = add_ok(&tl, 50, 512, P_B, &c[4], NULL);

	/* A: accepted, failed, but no ctx (none was awaited) */
	assert_null(ack_ok(&tl, id[0], 10, 512, DUET_TL_WANT_WRITE, true, true));
	assert_true(ent[0].failed);
	/* B and C: the ctx comes back with the NEG_ACK */
	assert_ptr_equal(ack_ok(&tl, id[1], 20, 512, DUET_TL_WANT_RECV, true,
				true), &c[1]);
	assert_true(ent[1].failed);
	assert_int_equal(ent[1].want, 0);
	assert_ptr_equal(ack_ok(&tl, id[2], 30, 512, DUET_TL_WANT_WRITE, true,
				true), &c[2]);
	assert_true(ent[2].failed);
	/* B+C after its RECV_ACK: the NEG_ACK ends the wait for WRITE */
	assert_null(ack_ok(&tl, id[3], 40, 512, DUET_TL_WANT_RECV, false,
			   false));
	assert_ptr_equal(ack_ok(&tl, id[3], 40, 512, DUET_TL_WANT_WRITE, true,
				true), &c[3]);
	assert_int_equal(ent[3].want, 0);
	/* B after its RECV_ACK, then the peer fails the write: failed, no ctx */
	assert_ptr_equal(ack_ok(&tl, id[4], 50, 512, DUET_TL_WANT_RECV, false,
				false), &c[4]);
	assert_false(ent[4].failed);
	assert_null(ack_ok(&tl, id[4], 50, 512, DUET_TL_WANT_WRITE, true, true));
	assert_true(ent[4].failed);
	/* nothing positive is awaited any more after a NEG_ACK */
	ack_bad(&tl, id[2], 30, 512, DUET_TL_WANT_WRITE, false,
		DUET_TL_E_UNEXPECTED);
	ack_bad(&tl, id[1], 20, 512, DUET_TL_WANT_RECV, false,
		DUET_TL_E_UNEXPECTED);
	/* a second NEG_ACK gives no ctx a second time */
	assert_null(ack_ok(&tl, id[2], 30, 512, DUET_TL_WANT_WRITE, true, true));
	/* a NEG_ACK of another sector is refused and marks nothing */
	fresh(&tl, ent, 8, 3, 100);
	id[0] = add_ok(&tl, 10, 512, P_C, &c[0], NULL);
	ack_bad(&tl, id[0], 11, 512, DUET_TL_WANT_WRITE, true, DUET_TL_E_MISMATCH);
	assert_false(ent[0].failed);
	assert_ptr_equal(ack_ok(&tl, id[0], 10, 512, DUET_TL_WANT_WRITE, false,
				false), &c[0]);

	/* the failed flag reaches the barrier ack's callback */
	fresh(&tl, ent, 8, 3, 100);
	id[0] = add_ok(&tl, 10, 512, P_A, NULL, NULL);
	id[1] = add_ok(&tl, 20, 512, P_C, &c[1], NULL);
	assert_null(ack_ok(&tl, id[0], 10, 512, DUET_TL_WANT_WRITE, true, true));
	assert_ptr_equal(ack_ok(&tl, id[1], 20, 512, DUET_TL_WANT_WRITE, false,
				false), &c[1]);
	duet_tl_completed(&tl, 3);
	assert_true(duet_tl_close_idle(&tl, &e));
	assert_int_equal(duet_tl_barrier_ack(&tl, 3, 2, rec_fn, &r), DUET_TL_OK);
	assert_int_equal(r.n, 2);
	assert_true(r.e[0].failed);
	assert_false(r.e[1].failed);
}

static void test_epoch_closing(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[16];
	struct duet_tl_add out;
	u32 e;

	(void)state;
	fresh(&tl, ent, 16, 5, 100);
	/* a completion in an empty epoch closes nothing */
	duet_tl_completed(&tl, 5);
	assert_false(tl.cur_closed);
	add_ok(&tl, 1, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 5);
	add_ok(&tl, 2, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 5);
	/* a completion of another epoch closes nothing */
	duet_tl_completed(&tl, 4);
	duet_tl_completed(&tl, 6);
	add_ok(&tl, 3, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 5);
	/* a write of epoch 5 completes: the next add starts epoch 6 */
	duet_tl_completed(&tl, 5);
	assert_true(tl.cur_closed);
	add_ok(&tl, 4, 512, P_C, NULL, &out);
	assert_true(out.barrier);
	assert_int_equal(out.barrier_epoch, 5);
	assert_int_equal(out.epoch, 6);
	assert_int_equal(ent[3].epoch, 6);
	/* one more of epoch 5 completes: epoch 6 stays open */
	duet_tl_completed(&tl, 5);
	assert_false(tl.cur_closed);
	add_ok(&tl, 5, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 6);
	/* completions of the current epoch, twice, close it once */
	duet_tl_completed(&tl, 6);
	duet_tl_completed(&tl, 6);
	add_ok(&tl, 6, 512, P_C, NULL, &out);
	assert_true(out.barrier);
	assert_int_equal(out.barrier_epoch, 6);
	assert_int_equal(out.epoch, 7);
	add_ok(&tl, 7, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 7);
	assert_int_equal(duet_tl_count(&tl), 7);

	/* close_idle: only a closed epoch holding writes */
	assert_false(duet_tl_close_idle(&tl, &e));	/* open */
	duet_tl_completed(&tl, 7);
	e = 12345;
	assert_true(duet_tl_close_idle(&tl, &e));
	assert_int_equal(e, 7);
	assert_int_equal(tl.cur_epoch, 8);
	e = 12345;
	assert_false(duet_tl_close_idle(&tl, &e));	/* empty */
	assert_int_equal(e, 12345);
	duet_tl_completed(&tl, 8);			/* still empty */
	assert_false(duet_tl_close_idle(&tl, &e));
	/* the epoch after an idle close starts without a barrier */
	add_ok(&tl, 8, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 8);
	assert_false(duet_tl_close_idle(&tl, &e));
	/* a full epoch that no write closed is not closed by idleness */
	fresh(&tl, ent, 16, 1, 1);
	add_ok(&tl, 1, 512, P_C, NULL, &out);
	assert_false(duet_tl_close_idle(&tl, &e));
	assert_int_equal(tl.cur_epoch, 1);
	/* the first write of a fresh log carries no barrier */
	fresh(&tl, ent, 16, 1, 1);
	duet_tl_completed(&tl, 1);
	assert_false(duet_tl_close_idle(&tl, &e));
	add_ok(&tl, 1, 512, P_A, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 1);
}

static void test_max_epoch_size(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[16];
	struct duet_tl_add out;

	(void)state;
	fresh(&tl, ent, 16, 10, 3);
	for (u32 i = 0; i < 10; i++) {
		add_ok(&tl, i, 512, P_A, NULL, &out);
		assert_int_equal(out.epoch, 10 + i / 3);
		if (i && i % 3 == 0) {
			assert_true(out.barrier);
			assert_int_equal(out.barrier_epoch, 10 + i / 3 - 1);
		} else {
			assert_false(out.barrier);
		}
	}
	/* max_epoch_size 1: one write per epoch */
	fresh(&tl, ent, 16, 0, 1);
	for (u32 i = 0; i < 16; i++) {
		add_ok(&tl, i, 512, P_C, NULL, &out);
		assert_int_equal(out.epoch, i);
		assert_int_equal(out.barrier, i != 0);
		if (i)
			assert_int_equal(out.barrier_epoch, i - 1);
	}
	/* a completion in a half-full epoch closes it early */
	fresh(&tl, ent, 16, 1, 3);
	add_ok(&tl, 1, 512, P_A, NULL, &out);
	duet_tl_completed(&tl, 1);
	add_ok(&tl, 2, 512, P_A, NULL, &out);
	assert_true(out.barrier);
	assert_int_equal(out.barrier_epoch, 1);
	assert_int_equal(out.epoch, 2);
}

/* Epochs 1 (3 writes, closed) and 2 (2 writes, current) of protocol C. */
static void two_epochs(struct duet_tl *tl, struct duet_tl_ent *ent, u64 *id)
{
	struct duet_tl_add out;

	fresh(tl, ent, 8, 1, 100);
	for (u32 i = 0; i < 3; i++)
		id[i] = add_ok(tl, 1000 + i, 1024, P_C, NULL, NULL);
	duet_tl_completed(tl, 1);
	for (u32 i = 3; i < 5; i++) {
		id[i] = add_ok(tl, 1000 + i, 1024, P_C, NULL, &out);
		assert_int_equal(out.epoch, 2);
		assert_int_equal(out.barrier, i == 3);
	}
}

static void test_barrier_ack(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[8];
	struct rec r = { 0 };
	u64 id[8];
	u32 e;

	(void)state;
	fresh(&tl, ent, 8, 1, 100);
	back_bad(&tl, 1, 0, DUET_TL_E_EPOCH);		/* empty ring */
	back_bad(&tl, 0, 0, DUET_TL_E_EPOCH);

	two_epochs(&tl, ent, id);
	back_bad(&tl, 2, 2, DUET_TL_E_EPOCH);	/* not the oldest (and open) */
	back_bad(&tl, 0, 3, DUET_TL_E_EPOCH);
	back_bad(&tl, 3, 3, DUET_TL_E_EPOCH);
	back_bad(&tl, 0xffffffffu, 3, DUET_TL_E_EPOCH);
	back_bad(&tl, 1, 3, DUET_TL_E_PENDING);	/* nothing acked */
	ack_ok(&tl, id[0], 1000, 1024, DUET_TL_WANT_WRITE, false, false);
	ack_ok(&tl, id[2], 1002, 1024, DUET_TL_WANT_WRITE, false, false);
	back_bad(&tl, 1, 3, DUET_TL_E_PENDING);	/* the middle one waits */
	ack_ok(&tl, id[1], 1001, 1024, DUET_TL_WANT_WRITE, true, true);
	/* acks of epoch 2 do not make epoch 1 any less complete */
	back_bad(&tl, 1, 0, DUET_TL_E_SET_SIZE);
	back_bad(&tl, 1, 2, DUET_TL_E_SET_SIZE);
	back_bad(&tl, 1, 4, DUET_TL_E_SET_SIZE);
	back_bad(&tl, 1, 5, DUET_TL_E_SET_SIZE);	/* the whole ring */
	back_bad(&tl, 1, 0xffffffffu, DUET_TL_E_SET_SIZE);
	back_bad(&tl, 2, 2, DUET_TL_E_EPOCH);

	assert_int_equal(duet_tl_barrier_ack(&tl, 1, 3, rec_fn, &r), DUET_TL_OK);
	assert_int_equal(r.n, 3);
	for (u32 i = 0; i < 3; i++) {
		assert_int_equal(r.e[i].sector, 1000 + i);
		assert_int_equal(r.e[i].size, 1024);
		assert_int_equal(r.e[i].epoch, 1);
		assert_int_equal(r.e[i].gen, id_gen(id[i]));
		assert_int_equal(r.e[i].want, 0);
		assert_null(r.e[i].ctx);
		assert_int_equal(r.e[i].failed, i == 1);
	}
	assert_int_equal(duet_tl_count(&tl), 2);
	assert_int_equal(tl.head, 3);
	assert_int_equal(tl.acked_epoch, 1);
	back_bad(&tl, 1, 3, DUET_TL_E_EPOCH);		/* a second time */

	/* epoch 2 is acked on the peer but its barrier was never sent */
	ack_ok(&tl, id[3], 1003, 1024, DUET_TL_WANT_WRITE, false, false);
	ack_ok(&tl, id[4], 1004, 1024, DUET_TL_WANT_WRITE, false, false);
	back_bad(&tl, 2, 2, DUET_TL_E_EPOCH);
	back_bad(&tl, 2, 1, DUET_TL_E_EPOCH);
	duet_tl_completed(&tl, 2);
	back_bad(&tl, 2, 2, DUET_TL_E_EPOCH);	/* closed, barrier not sent */
	assert_true(duet_tl_close_idle(&tl, &e));
	assert_int_equal(e, 2);
	back_bad(&tl, 2, 1, DUET_TL_E_SET_SIZE);
	r.n = 0;
	assert_int_equal(duet_tl_barrier_ack(&tl, 2, 2, rec_fn, &r), DUET_TL_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.e[0].sector, 1003);
	assert_int_equal(r.e[1].sector, 1004);
	assert_int_equal(duet_tl_count(&tl), 0);
	assert_int_equal(tl.acked_epoch, 2);
	back_bad(&tl, 2, 2, DUET_TL_E_EPOCH);
	back_bad(&tl, 3, 0, DUET_TL_E_EPOCH);

	/* a NULL callback is allowed; protocol A needs no ack at all */
	fresh(&tl, ent, 8, 9, 2);
	add_ok(&tl, 1, 512, P_A, NULL, NULL);
	add_ok(&tl, 2, 512, P_A, NULL, NULL);
	add_ok(&tl, 3, 512, P_A, NULL, NULL);		/* barrier 9 */
	assert_int_equal(duet_tl_barrier_ack(&tl, 9, 2, NULL, NULL), DUET_TL_OK);
	assert_int_equal(duet_tl_count(&tl), 1);
	assert_int_equal(tl.head, 2);
}

static void test_full(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[4];
	struct duet_tl_add out;
	struct rec r = { 0 };
	u64 id[4];
	u32 e;

	(void)state;
	fresh(&tl, ent, 4, 1, 100);
	for (u32 i = 0; i < 4; i++)
		id[i] = add_ok(&tl, i, 512, P_C, NULL, NULL);
	assert_int_equal(duet_tl_count(&tl), 4);
	memset(&out, 0x77, sizeof(out));
	assert_int_equal(duet_tl_add(&tl, 9, 512, P_C, NULL, &out),
			 DUET_TL_E_FULL);
	assert_int_equal(duet_tl_count(&tl), 4);
	assert_int_equal(tl.cur_writes, 4);
	assert_int_equal(tl.tail, 4);
	/* the ring is full of the open epoch: a completion, then the idle
	 * close sends its barrier, and the barrier ack frees the ring */
	for (u32 i = 0; i < 4; i++)
		ack_ok(&tl, id[i], i, 512, DUET_TL_WANT_WRITE, false, false);
	duet_tl_completed(&tl, 1);
	assert_int_equal(duet_tl_add(&tl, 9, 512, P_C, NULL, &out),
			 DUET_TL_E_FULL);
	assert_true(tl.cur_closed);	/* a full ring keeps the barrier */
	assert_int_equal(tl.cur_epoch, 1);
	assert_true(duet_tl_close_idle(&tl, &e));
	assert_int_equal(e, 1);
	assert_int_equal(duet_tl_add(&tl, 9, 512, P_C, NULL, &out),
			 DUET_TL_E_FULL);
	assert_int_equal(duet_tl_barrier_ack(&tl, 1, 4, rec_fn, &r), DUET_TL_OK);
	assert_int_equal(r.n, 4);
	for (u32 i = 0; i < 4; i++) {
		add_ok(&tl, 10 + i, 512, P_C, NULL, &out);
		assert_int_equal(out.epoch, 2);
		assert_false(out.barrier);
	}
	assert_int_equal(duet_tl_add(&tl, 9, 512, P_C, NULL, &out),
			 DUET_TL_E_FULL);

	/* two epochs of two: acking the first frees two slots; the
	 * closed second epoch's barrier comes with the first add after */
	fresh(&tl, ent, 4, 1, 2);
	for (u32 i = 0; i < 4; i++) {
		id[i] = add_ok(&tl, i, 512, P_B, NULL, &out);
		assert_int_equal(out.barrier, i == 2);
	}
	duet_tl_completed(&tl, 2);
	assert_int_equal(duet_tl_add(&tl, 9, 512, P_B, NULL, &out),
			 DUET_TL_E_FULL);
	back_bad(&tl, 1, 2, DUET_TL_E_PENDING);
	ack_ok(&tl, id[0], 0, 512, DUET_TL_WANT_RECV, false, false);
	ack_ok(&tl, id[1], 1, 512, DUET_TL_WANT_RECV, false, false);
	assert_int_equal(duet_tl_barrier_ack(&tl, 1, 2, NULL, NULL), DUET_TL_OK);
	add_ok(&tl, 4, 512, P_B, NULL, &out);
	assert_true(out.barrier);
	assert_int_equal(out.barrier_epoch, 2);
	assert_int_equal(out.epoch, 3);
	assert_int_equal(id_slot(out.id), 0);
	add_ok(&tl, 5, 512, P_B, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(id_slot(out.id), 1);
	assert_int_equal(duet_tl_add(&tl, 6, 512, P_B, NULL, &out),
			 DUET_TL_E_FULL);
}

static void test_clear(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[16];
	struct duet_tl_add out;
	struct rec r = { 0 };
	struct duet_tl_rx rx;
	int c[6];
	u64 id[6];
	u32 e, set;

	(void)state;
	fresh(&tl, ent, 16, 1, 3);
	id[0] = add_ok(&tl, 10, 512, P_A, &c[0], NULL);	/* ctx not kept */
	id[1] = add_ok(&tl, 20, 512, P_B, &c[1], NULL);	/* awaits RECV */
	id[2] = add_ok(&tl, 30, 512, P_C, &c[2], NULL);	/* acked below */
	id[3] = add_ok(&tl, 40, 512, P_C, &c[3], &out);	/* epoch 2 */
	assert_true(out.barrier);
	id[4] = add_ok(&tl, 50, 512, P_BC, &c[4], NULL);	/* RECV only */
	id[5] = add_ok(&tl, 60, 512, P_C, &c[5], NULL);	/* NEG_ACK */
	assert_ptr_equal(ack_ok(&tl, id[2], 30, 512, DUET_TL_WANT_WRITE, false,
				false), &c[2]);
	assert_null(ack_ok(&tl, id[4], 50, 512, DUET_TL_WANT_RECV, false,
			   false));
	assert_ptr_equal(ack_ok(&tl, id[5], 60, 512, DUET_TL_WANT_WRITE, true,
				true), &c[5]);
	assert_int_equal(tl.cur_epoch, 2);

	duet_tl_clear(&tl, rec_fn, &r);
	assert_int_equal(r.n, 6);
	for (u32 i = 0; i < 6; i++) {
		assert_int_equal(r.e[i].sector, 10 * (i + 1));
		assert_int_equal(r.e[i].epoch, i < 3 ? 1 : 2);
		assert_int_equal(r.e[i].gen, id_gen(id[i]));
		assert_int_equal(r.e[i].failed, i == 5);
	}
	assert_null(r.e[0].ctx);
	assert_ptr_equal(r.e[1].ctx, &c[1]);
	assert_int_equal(r.e[1].want, P_B);
	assert_null(r.e[2].ctx);
	assert_ptr_equal(r.e[3].ctx, &c[3]);
	assert_ptr_equal(r.e[4].ctx, &c[4]);
	assert_int_equal(r.e[4].want, P_C);
	assert_null(r.e[5].ctx);
	assert_int_equal(duet_tl_count(&tl), 0);
	for (u32 i = 0; i < 6; i++) {
		assert_null(ent[i].ctx);
		ack_bad(&tl, id[i], 10 * (i + 1), 512, DUET_TL_WANT_WRITE, false,
			DUET_TL_E_ID);
		ack_bad(&tl, id[i], 10 * (i + 1), 512, DUET_TL_WANT_RECV, true,
			DUET_TL_E_ID);
	}
	back_bad(&tl, 1, 3, DUET_TL_E_EPOCH);
	back_bad(&tl, 2, 3, DUET_TL_E_EPOCH);
	/* a late completion of a cleared write closes nothing */
	duet_tl_completed(&tl, 2);
	assert_false(duet_tl_close_idle(&tl, &e));

	/* epochs go on: epoch 2 had writes, the next is 3, no barrier */
	add_ok(&tl, 70, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 3);
	assert_int_equal(id_slot(out.id), 6);
	/* the new peer's receiver starts from whatever epoch comes first */
	duet_tl_rx_init(&rx);
	assert_int_equal(duet_tl_rx_data(&rx, out.epoch), DUET_TL_OK);
	duet_tl_completed(&tl, 3);
	assert_true(duet_tl_close_idle(&tl, &e));
	assert_int_equal(e, 3);
	assert_int_equal(duet_tl_rx_barrier(&rx, e, &set), DUET_TL_OK);
	assert_int_equal(set, 1);
	ack_ok(&tl, out.id, 70, 512, DUET_TL_WANT_WRITE, false, false);
	assert_int_equal(duet_tl_barrier_ack(&tl, 3, set, NULL, NULL),
			 DUET_TL_OK);

	/* clearing an empty epoch does not skip a number; a NULL callback */
	fresh(&tl, ent, 16, 1, 3);
	add_ok(&tl, 1, 512, P_C, NULL, NULL);
	duet_tl_completed(&tl, 1);
	assert_true(duet_tl_close_idle(&tl, &e));
	assert_int_equal(tl.cur_epoch, 2);
	duet_tl_clear(&tl, NULL, NULL);
	assert_int_equal(duet_tl_count(&tl), 0);
	assert_null(ent[0].ctx);
	add_ok(&tl, 1, 512, P_C, NULL, &out);
	assert_int_equal(out.epoch, 2);
	assert_false(out.barrier);
	/* clearing an empty ring changes nothing */
	fresh(&tl, ent, 16, 5, 3);
	r.n = 0;
	duet_tl_clear(&tl, rec_fn, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(tl.cur_epoch, 5);
	/* a closed epoch is cleared too: the next add sends no barrier */
	add_ok(&tl, 1, 512, P_C, NULL, NULL);
	duet_tl_completed(&tl, 5);
	duet_tl_clear(&tl, NULL, NULL);
	add_ok(&tl, 1, 512, P_C, NULL, &out);
	assert_false(out.barrier);
	assert_int_equal(out.epoch, 6);
}

/* Rounds of three writes, a barrier and its ack, from @start on. */
static void wrap_rounds(u32 start, u32 gen, u32 first_epoch)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[8];
	struct duet_tl_add out;
	struct rec r;
	u64 id[3];
	u32 e, epoch = first_epoch;

	fresh(&tl, ent, 8, first_epoch, 100);
	tl.head = start;
	tl.tail = start;
	tl.gen = gen;
	for (u32 round = 0; round < 40; round++) {
		for (u32 i = 0; i < 3; i++) {
			u32 pos = tl.tail;

			id[i] = add_ok(&tl, round * 8 + i, 512, P_C, &r, &out);
			assert_int_equal(id_slot(id[i]), pos & 7);
			assert_int_not_equal(id_gen(id[i]), 0);
			assert_int_equal(out.epoch, epoch);
			assert_false(out.barrier);
		}
		assert_int_equal(duet_tl_count(&tl), 3);
		for (u32 i = 0; i < 3; i++)
			assert_ptr_equal(ack_ok(&tl, id[i], round * 8 + i, 512,
						DUET_TL_WANT_WRITE, false,
						false), &r);
		duet_tl_completed(&tl, epoch);
		assert_true(duet_tl_close_idle(&tl, &e));
		assert_int_equal(e, epoch);
		r.n = 0;
		assert_int_equal(duet_tl_barrier_ack(&tl, epoch, 3, rec_fn, &r),
				 DUET_TL_OK);
		assert_int_equal(r.n, 3);
		for (u32 i = 0; i < 3; i++)
			assert_int_equal(r.e[i].sector, round * 8 + i);
		assert_int_equal(tl.acked_epoch, epoch);
		assert_int_equal(duet_tl_count(&tl), 0);
		for (u32 i = 0; i < 3; i++)
			ack_bad(&tl, id[i], round * 8 + i, 512,
				DUET_TL_WANT_WRITE, true, DUET_TL_E_ID);
		epoch++;
	}
	assert_int_equal(tl.head, start + 120);
}

static void test_wrap(void **state)
{
	struct duet_tl tl;
	struct duet_tl_ent ent[8];
	struct duet_tl_add out;
	struct rec r = { 0 };
	u64 id[8];

	(void)state;
	/* head and tail, the generation and the epochs cross 2^32 */
	wrap_rounds(UINT32_MAX - 10, 1, 1);
	wrap_rounds(UINT32_MAX - 1, UINT32_MAX - 50, UINT32_MAX - 20);
	wrap_rounds(0x7ffffffdu, 7, 0);

	/* a full ring straddling 2^32 */
	fresh(&tl, ent, 8, 1, 100);
	tl.head = UINT32_MAX - 2;
	tl.tail = UINT32_MAX - 2;
	for (u32 i = 0; i < 8; i++) {
		id[i] = add_ok(&tl, i, 512, P_B, NULL, NULL);
		assert_int_equal(id_slot(id[i]), (5 + i) & 7);
	}
	assert_int_equal(tl.tail, 5);
	assert_int_equal(duet_tl_count(&tl), 8);
	assert_int_equal(duet_tl_add(&tl, 9, 512, P_B, NULL, &out),
			 DUET_TL_E_FULL);
	for (u32 i = 0; i < 8; i++)
		ack_ok(&tl, id[i], i, 512, DUET_TL_WANT_RECV, false, false);
	duet_tl_completed(&tl, 1);
	assert_int_equal(duet_tl_add(&tl, 9, 512, P_B, NULL, &out),
			 DUET_TL_E_FULL);
	assert_true(duet_tl_close_idle(&tl, &out.barrier_epoch));
	assert_int_equal(out.barrier_epoch, 1);
	assert_int_equal(duet_tl_barrier_ack(&tl, 1, 8, rec_fn, &r), DUET_TL_OK);
	assert_int_equal(r.n, 8);
	for (u32 i = 0; i < 8; i++)
		assert_int_equal(r.e[i].sector, i);
	assert_int_equal(tl.head, 5);

	/* the generation skips 0 when it wraps */
	fresh(&tl, ent, 8, 1, 100);
	tl.gen = UINT32_MAX - 1;
	for (u32 i = 0; i < 4; i++)
		id[i] = add_ok(&tl, i, 512, P_C, NULL, NULL);
	assert_int_equal(id_gen(id[0]), UINT32_MAX - 1);
	assert_int_equal(id_gen(id[1]), UINT32_MAX);
	assert_int_equal(id_gen(id[2]), 1);
	assert_int_equal(id_gen(id[3]), 2);
	for (u32 i = 0; i < 4; i++)
		ack_ok(&tl, id[i], i, 512, DUET_TL_WANT_WRITE, false, false);

	/* epochs wrap with max_epoch_size 1 */
	fresh(&tl, ent, 8, UINT32_MAX - 1, 1);
	for (u32 i = 0; i < 4; i++) {
		add_ok(&tl, i, 512, P_A, NULL, &out);
		assert_int_equal(out.epoch, UINT32_MAX - 1 + i);
		assert_int_equal(out.barrier, i != 0);
		if (i)
			assert_int_equal(out.barrier_epoch, UINT32_MAX - 2 + i);
	}
	for (u32 i = 0; i < 3; i++) {
		back_bad(&tl, UINT32_MAX - 1 + i, 2, DUET_TL_E_SET_SIZE);
		assert_int_equal(duet_tl_barrier_ack(&tl, UINT32_MAX - 1 + i, 1,
						     NULL, NULL), DUET_TL_OK);
		assert_int_equal(tl.acked_epoch, UINT32_MAX - 1 + i);
	}
	back_bad(&tl, 1, 1, DUET_TL_E_EPOCH);	/* current, never sent */
}

static void test_rx(void **state)
{
	struct duet_tl_rx rx;
	u32 set;

	(void)state;
	memset(&rx, 0xa5, sizeof(rx));
	duet_tl_rx_init(&rx);
	assert_false(rx.started);
	assert_int_equal(rx.writes, 0);
	/* a barrier before any write */
	set = 777;
	assert_int_equal(duet_tl_rx_barrier(&rx, 0, &set), DUET_TL_E_EPOCH);
	assert_int_equal(duet_tl_rx_barrier(&rx, 7, &set), DUET_TL_E_EPOCH);
	assert_int_equal(set, 777);
	/* the first DATA fixes the epoch, whatever it is */
	assert_int_equal(duet_tl_rx_data(&rx, 7), DUET_TL_OK);
	assert_true(rx.started);
	assert_int_equal(rx.epoch, 7);
	assert_int_equal(duet_tl_rx_data(&rx, 7), DUET_TL_OK);
	assert_int_equal(duet_tl_rx_data(&rx, 7), DUET_TL_OK);
	/* DATA of another epoch without the barrier */
	assert_int_equal(duet_tl_rx_data(&rx, 8), DUET_TL_E_EPOCH);
	assert_int_equal(duet_tl_rx_data(&rx, 6), DUET_TL_E_EPOCH);
	assert_int_equal(rx.writes, 3);
	/* barriers of the wrong epoch */
	assert_int_equal(duet_tl_rx_barrier(&rx, 8, &set), DUET_TL_E_EPOCH);
	assert_int_equal(duet_tl_rx_barrier(&rx, 6, &set), DUET_TL_E_EPOCH);
	assert_int_equal(set, 777);
	assert_int_equal(duet_tl_rx_barrier(&rx, 7, &set), DUET_TL_OK);
	assert_int_equal(set, 3);
	assert_int_equal(rx.epoch, 8);
	assert_int_equal(rx.writes, 0);
	/* an empty epoch's barrier, a repeated one, an old write */
	set = 777;
	assert_int_equal(duet_tl_rx_barrier(&rx, 8, &set), DUET_TL_E_EPOCH);
	assert_int_equal(duet_tl_rx_barrier(&rx, 7, &set), DUET_TL_E_EPOCH);
	assert_int_equal(duet_tl_rx_data(&rx, 7), DUET_TL_E_EPOCH);
	assert_int_equal(duet_tl_rx_data(&rx, 9), DUET_TL_E_EPOCH);
	assert_int_equal(set, 777);
	assert_int_equal(duet_tl_rx_data(&rx, 8), DUET_TL_OK);
	assert_int_equal(duet_tl_rx_barrier(&rx, 8, &set), DUET_TL_OK);
	assert_int_equal(set, 1);
	for (u32 i = 0; i < 1000; i++)
		assert_int_equal(duet_tl_rx_data(&rx, 9), DUET_TL_OK);
	assert_int_equal(duet_tl_rx_barrier(&rx, 9, &set), DUET_TL_OK);
	assert_int_equal(set, 1000);

	/* the epoch number wraps */
	duet_tl_rx_init(&rx);
	assert_int_equal(duet_tl_rx_data(&rx, UINT32_MAX), DUET_TL_OK);
	assert_int_equal(duet_tl_rx_barrier(&rx, UINT32_MAX, &set), DUET_TL_OK);
	assert_int_equal(set, 1);
	assert_int_equal(duet_tl_rx_data(&rx, UINT32_MAX), DUET_TL_E_EPOCH);
	assert_int_equal(duet_tl_rx_data(&rx, 0), DUET_TL_OK);
	assert_int_equal(duet_tl_rx_data(&rx, 0), DUET_TL_OK);
	assert_int_equal(duet_tl_rx_barrier(&rx, 0, &set), DUET_TL_OK);
	assert_int_equal(set, 2);
	/* a new connection: init again, epoch 0 is as good as any */
	duet_tl_rx_init(&rx);
	assert_int_equal(duet_tl_rx_data(&rx, 0), DUET_TL_OK);
	assert_int_equal(duet_tl_rx_barrier(&rx, 0, &set), DUET_TL_OK);
	assert_int_equal(set, 1);
}

/* ---- randomized model ----------------------------------------------- */

static uint64_t rnd_state;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rnd_state >> 33);
}

/* a after b, with wrapping epoch numbers */
static bool ep_after(u32 a, u32 b)
{
	return (int32_t)(a - b) > 0;
}

/* A write as the model sees it. */
struct mw {
	u64 id, sector;
	u32 size, want0, want, epoch;
	bool sent_net_done;	/* network part done (ctx back, or A sent) */
	bool local_done, app_done, failed;
	int ctx_returned, released, cleared;
};

enum { PK_DATA, PK_BARRIER };			/* data socket */
enum { MK_RECV, MK_WRITE, MK_NEG, MK_BACK };	/* meta socket */

struct pkt {
	int type;
	u32 w;
	u32 epoch, set_size;
};

/* An epoch on the peer: writes received, not yet on its disk. */
struct pep {
	u32 epoch, writes, outstanding;
	bool barrier;
};

struct mcfg {
	u32 cap, max_epoch_size, first_epoch, head, gen;
	u32 neg_pct, clear_permille;
	uint64_t seed;
};

struct model {
	const struct mcfg *cfg;
	struct duet_tl tl;
	struct duet_tl_ent *ent;
	struct mw *w;
	u32 nw, mhead;		/* the ring is w[mhead..nw) */
	/* the reference epoch logic */
	u32 cur_epoch, cur_writes;
	bool cur_closed;
	bool any_barrier, any_back, any_done, data_this_conn;
	u32 last_barrier, last_back, max_done_epoch, last_data_epoch;
	/* sockets */
	struct pkt *dq, *mq;
	u32 dq_head, dq_tail, mq_head, mq_tail;
	/* the peer */
	struct duet_tl_rx rx;
	u32 *pend, npend;
	struct pep *pe;
	u32 pe_head, pe_tail;
	/* writes not yet done on the local disk */
	u32 *lpend, nlpend;
	/* the current callback */
	u32 cb_epoch, cb_n;
	/* what happened */
	unsigned long full, barriers, backs, released, clears, negs, bogus,
		      closes;
};

static void m_try_complete(struct model *m, u32 k)
{
	struct mw *w = &m->w[k];

	if (!w->local_done || !w->sent_net_done || w->app_done)
		return;
	w->app_done = true;
	duet_tl_completed(&m->tl, w->epoch);
	if (w->epoch == m->cur_epoch && m->cur_writes)
		m->cur_closed = true;
	if (!m->any_done || ep_after(w->epoch, m->max_done_epoch))
		m->max_done_epoch = w->epoch;
	m->any_done = true;
	assert_int_equal(m->tl.cur_closed, m->cur_closed);
}

static void m_next_epoch(struct model *m)
{
	m->cur_epoch++;
	m->cur_writes = 0;
	m->cur_closed = false;
}

static void m_send_barrier(struct model *m, u32 epoch)
{
	/* strictly increasing, and naming the epoch of the last DATA */
	if (m->any_barrier)
		assert_true(ep_after(epoch, m->last_barrier));
	assert_true(m->data_this_conn);
	assert_int_equal(epoch, m->last_data_epoch);
	m->any_barrier = true;
	m->last_barrier = epoch;
	m->dq[m->dq_tail++] = (struct pkt){ .type = PK_BARRIER,
					    .epoch = epoch };
	m->barriers++;
}

static void m_add(struct model *m)
{
	static const u32 protos[] = { P_A, P_B, P_C, P_BC, P_C };
	u32 k = m->nw;
	struct mw *w = &m->w[k];
	struct duet_tl_add out;
	bool want_barrier;
	int ret;

	memset(w, 0, sizeof(*w));
	w->want0 = protos[rnd() % ARRAY_SIZE(protos)];
	w->want = w->want0;
	w->sector = rnd() % 100000;
	w->size = 512 * (1 + rnd() % 16);
	want_barrier = m->cur_writes && (m->cur_closed ||
					 m->cur_writes >= m->cfg->max_epoch_size);
	ret = duet_tl_add(&m->tl, w->sector, w->size, w->want0, w, &out);
	if (m->nw - m->mhead == m->cfg->cap) {
		assert_int_equal(ret, DUET_TL_E_FULL);
		assert_int_equal(duet_tl_count(&m->tl), m->cfg->cap);
		m->full++;
		return;
	}
	assert_int_equal(ret, DUET_TL_OK);
	assert_int_equal(out.barrier, want_barrier);
	if (want_barrier) {
		assert_int_equal(out.barrier_epoch, m->cur_epoch);
		m_send_barrier(m, out.barrier_epoch);
		m_next_epoch(m);
	}
	assert_int_equal(out.epoch, m->cur_epoch);
	/* write-order fidelity: after every completed write's epoch */
	if (m->any_done)
		assert_true(ep_after(out.epoch, m->max_done_epoch));
	assert_int_equal(id_slot(out.id), (m->tl.tail - 1) & (m->cfg->cap - 1));
	m->cur_writes++;
	w->id = out.id;
	w->epoch = out.epoch;
	m->nw++;
	m->dq[m->dq_tail++] = (struct pkt){ .type = PK_DATA, .w = k,
					    .epoch = out.epoch };
	m->data_this_conn = true;
	m->last_data_epoch = out.epoch;
	/* protocol A: done with the network once handed to the socket */
	if (!w->want0)
		w->sent_net_done = true;
	m->lpend[m->nlpend++] = k;
}

static void m_local_done(struct model *m)
{
	u32 i, k;

	if (!m->nlpend)
		return;
	i = rnd() % m->nlpend;
	k = m->lpend[i];
	m->lpend[i] = m->lpend[--m->nlpend];
	m->w[k].local_done = true;
	m_try_complete(m, k);
}

static void m_close_idle(struct model *m)
{
	bool want = m->cur_writes && m->cur_closed;
	u32 e = 0xdeadbeef;

	assert_int_equal(duet_tl_close_idle(&m->tl, &e), want);
	if (!want) {
		assert_int_equal(e, 0xdeadbeef);
		return;
	}
	assert_int_equal(e, m->cur_epoch);
	m_send_barrier(m, e);
	m_next_epoch(m);
	m->closes++;
}

static void m_peer_backs(struct model *m)
{
	while (m->pe_head != m->pe_tail && m->pe[m->pe_head].barrier &&
	       !m->pe[m->pe_head].outstanding) {
		struct pep *p = &m->pe[m->pe_head++];

		m->mq[m->mq_tail++] = (struct pkt){ .type = MK_BACK,
						    .epoch = p->epoch,
						    .set_size = p->writes };
	}
}

/* The peer reads one packet of the data socket, in order. */
static void m_peer_recv(struct model *m)
{
	struct pkt p;
	struct pep *e;
	u32 set = 0;

	if (m->dq_head == m->dq_tail)
		return;
	p = m->dq[m->dq_head++];
	if (p.type == PK_DATA) {
		assert_int_equal(duet_tl_rx_data(&m->rx, p.epoch), DUET_TL_OK);
		if (m->pe_head == m->pe_tail || m->pe[m->pe_tail - 1].barrier)
			m->pe[m->pe_tail++] = (struct pep){ .epoch = p.epoch };
		e = &m->pe[m->pe_tail - 1];
		assert_int_equal(e->epoch, p.epoch);
		e->writes++;
		e->outstanding++;
		m->pend[m->npend++] = p.w;
		if (m->w[p.w].want0 & DUET_TL_WANT_RECV)
			m->mq[m->mq_tail++] = (struct pkt){ .type = MK_RECV,
							    .w = p.w };
		return;
	}
	assert_int_equal(duet_tl_rx_barrier(&m->rx, p.epoch, &set), DUET_TL_OK);
	assert_int_not_equal(m->pe_head, m->pe_tail);
	e = &m->pe[m->pe_tail - 1];
	assert_int_equal(e->epoch, p.epoch);
	assert_false(e->barrier);
	assert_int_equal(set, e->writes);
	e->barrier = true;
	m_peer_backs(m);
}

/* A write the peer received reaches its disk (or fails). */
static void m_peer_write(struct model *m)
{
	u32 i, k, pi;

	if (!m->npend)
		return;
	i = rnd() % m->npend;
	k = m->pend[i];
	m->pend[i] = m->pend[--m->npend];
	for (pi = m->pe_head; pi != m->pe_tail; pi++)
		if (m->pe[pi].epoch == m->w[k].epoch)
			break;
	assert_int_not_equal(pi, m->pe_tail);
	assert_int_not_equal(m->pe[pi].outstanding, 0);
	m->pe[pi].outstanding--;
	if (rnd() % 100 < m->cfg->neg_pct)
		m->mq[m->mq_tail++] = (struct pkt){ .type = MK_NEG, .w = k };
	else if (m->w[k].want0 & DUET_TL_WANT_WRITE)
		m->mq[m->mq_tail++] = (struct pkt){ .type = MK_WRITE, .w = k };
	m_peer_backs(m);
}

static void m_release_fn(void *arg, const struct duet_tl_ent *e)
{
	struct model *m = arg;
	struct mw *w;

	assert_true(m->mhead < m->nw);
	w = &m->w[m->mhead++];
	assert_int_equal(e->sector, w->sector);
	assert_int_equal(e->size, w->size);
	assert_int_equal(e->gen, id_gen(w->id));
	assert_int_equal(e->epoch, m->cb_epoch);
	/* every ack it awaited came first */
	assert_int_equal(w->want, 0);
	assert_int_equal(e->want, 0);
	assert_null(e->ctx);
	assert_int_equal(e->failed, w->failed);
	assert_int_equal(w->released + w->cleared, 0);
	w->released++;
	m->cb_n++;
	m->released++;
}

static void m_clear_fn(void *arg, const struct duet_tl_ent *e)
{
	struct model *m = arg;
	struct mw *w;

	assert_true(m->mhead < m->nw);
	w = &m->w[m->mhead++];
	assert_int_equal(e->sector, w->sector);
	assert_int_equal(e->size, w->size);
	assert_int_equal(e->gen, id_gen(w->id));
	assert_int_equal(e->epoch, w->epoch);
	assert_int_equal(e->want, w->want);
	assert_int_equal(e->failed, w->failed);
	assert_int_equal(w->released + w->cleared, 0);
	w->cleared++;
	if (w->want) {
		assert_ptr_equal(e->ctx, w);
		w->ctx_returned++;
		w->sent_net_done = true;	/* the glue fails it over */
	} else {
		assert_null(e->ctx);
	}
	m->cb_n++;
}

/* The Primary reads one packet of the meta socket, in order. */
static void m_primary_recv(struct model *m)
{
	struct pkt p;
	struct mw *w;
	u32 what, slot;
	void *ctx = BAD_PTR, *want_ctx;
	bool failed = false;

	if (m->mq_head == m->mq_tail)
		return;
	p = m->mq[m->mq_head++];
	if (p.type == MK_BACK) {
		m->cb_epoch = p.epoch;
		m->cb_n = 0;
		assert_int_equal(duet_tl_barrier_ack(&m->tl, p.epoch, p.set_size,
						     m_release_fn, m),
				 DUET_TL_OK);
		assert_int_equal(m->cb_n, p.set_size);
		if (m->any_back)
			assert_true(ep_after(p.epoch, m->last_back));
		m->any_back = true;
		m->last_back = p.epoch;
		assert_int_equal(m->tl.acked_epoch, p.epoch);
		m->backs++;
		return;
	}
	w = &m->w[p.w];
	what = p.type == MK_RECV ? DUET_TL_WANT_RECV : DUET_TL_WANT_WRITE;
	if (p.type == MK_NEG) {
		want_ctx = w->want ? w : NULL;
		w->want = 0;
		w->failed = true;
		m->negs++;
	} else {
		assert_true(w->want & what);
		w->want &= ~what;
		want_ctx = w->want ? NULL : w;
	}
	assert_int_equal(duet_tl_ack(&m->tl, w->id, w->sector, w->size, what,
				     p.type == MK_NEG, &ctx, &failed),
			 DUET_TL_OK);
	assert_ptr_equal(ctx, want_ctx);
	assert_int_equal(failed, w->failed);
	slot = id_slot(w->id);
	assert_int_equal(m->ent[slot].want, w->want);
	assert_int_equal(m->ent[slot].failed, w->failed);
	if (ctx) {
		w->ctx_returned++;
		w->sent_net_done = true;
		m_try_complete(m, p.w);
	}
}

/* Forged or repeated acks and barrier acks: refused, nothing changes. */
static void m_bogus(struct model *m)
{
	u32 k, what, epoch, n = 0;
	struct mw *w;
	bool pending = false;

	if (!m->nw)
		return;
	m->bogus++;
	switch (rnd() % 5) {
	case 0: /* an ack kind the record does not await, or a stale id */
		k = m->nw - 1 - rnd() % (m->nw < 64 ? m->nw : 64);
		w = &m->w[k];
		what = rnd() & 1 ? DUET_TL_WANT_RECV : DUET_TL_WANT_WRITE;
		if (k < m->mhead)
			ack_bad(&m->tl, w->id, w->sector, w->size, what,
				rnd() & 1, DUET_TL_E_ID);
		else if (w->want & what)
			ack_bad(&m->tl, w->id, w->sector + 1, w->size, what,
				false, DUET_TL_E_MISMATCH);
		else
			ack_bad(&m->tl, w->id, w->sector, w->size, what, false,
				DUET_TL_E_UNEXPECTED);
		break;
	case 1: /* another generation, a slot past the ring */
		if (m->mhead == m->nw)
			break;
		w = &m->w[m->mhead + rnd() % (m->nw - m->mhead)];
		ack_bad(&m->tl, w->id ^ (1ULL << 63), w->sector, w->size,
			DUET_TL_WANT_WRITE, rnd() & 1, DUET_TL_E_ID);
		ack_bad(&m->tl, mk_id(id_gen(w->id), m->cfg->cap + rnd() % 99),
			w->sector, w->size, DUET_TL_WANT_WRITE, rnd() & 1,
			DUET_TL_E_ID);
		ack_bad(&m->tl, w->id & 0xffffffffu, w->sector, w->size,
			DUET_TL_WANT_WRITE, true, DUET_TL_E_ID);
		break;
	case 2: /* the current epoch, never sent */
		back_bad(&m->tl, m->cur_epoch, m->cur_writes, DUET_TL_E_EPOCH);
		break;
	case 3: /* an epoch that is not the oldest */
		epoch = m->mhead == m->nw ? m->cur_epoch - 1 :
			m->w[m->mhead].epoch - 1 - rnd() % 3;
		back_bad(&m->tl, epoch, 1, DUET_TL_E_EPOCH);
		if (m->mhead != m->nw)
			back_bad(&m->tl, m->w[m->mhead].epoch + 1 + rnd() % 3,
				 1, DUET_TL_E_EPOCH);
		break;
	default: /* the oldest epoch with a wrong count */
		if (m->mhead == m->nw)
			break;
		epoch = m->w[m->mhead].epoch;
		for (k = m->mhead; k < m->nw && m->w[k].epoch == epoch; k++) {
			n++;
			pending |= m->w[k].want != 0;
		}
		back_bad(&m->tl, epoch, n + 1 + rnd() % 3,
			 epoch == m->cur_epoch ? DUET_TL_E_EPOCH :
			 pending ? DUET_TL_E_PENDING : DUET_TL_E_SET_SIZE);
		back_bad(&m->tl, epoch, n - 1,
			 epoch == m->cur_epoch ? DUET_TL_E_EPOCH :
			 pending ? DUET_TL_E_PENDING : DUET_TL_E_SET_SIZE);
		break;
	}
}

static void m_clear(struct model *m)
{
	u32 from = m->mhead;

	m->cb_n = 0;
	duet_tl_clear(&m->tl, m_clear_fn, m);
	assert_int_equal(m->cb_n, m->nw - from);
	assert_int_equal(m->mhead, m->nw);
	assert_int_equal(duet_tl_count(&m->tl), 0);
	if (m->cur_writes)
		m_next_epoch(m);
	assert_int_equal(m->tl.cur_epoch, m->cur_epoch);
	/* a new connection: both sockets and the peer start over */
	m->dq_head = m->dq_tail;
	m->mq_head = m->mq_tail;
	m->npend = 0;
	m->pe_head = m->pe_tail;
	duet_tl_rx_init(&m->rx);
	m->data_this_conn = false;
	for (u32 k = from; k < m->nw; k++)
		m_try_complete(m, k);
	m->clears++;
}

static void run_model(const struct mcfg *cfg, int steps)
{
	struct model m;

	memset(&m, 0, sizeof(m));
	rnd_state = cfg->seed;
	m.cfg = cfg;
	m.ent = calloc(cfg->cap, sizeof(*m.ent));
	m.w = calloc(steps, sizeof(*m.w));
	m.dq = calloc(2 * steps + 2, sizeof(*m.dq));
	m.mq = calloc(4 * steps + 2, sizeof(*m.mq));
	m.pend = calloc(steps, sizeof(*m.pend));
	m.pe = calloc(steps + 1, sizeof(*m.pe));
	m.lpend = calloc(steps, sizeof(*m.lpend));
	assert_true(m.ent && m.w && m.dq && m.mq && m.pend && m.pe && m.lpend);
	fresh(&m.tl, m.ent, cfg->cap, cfg->first_epoch, cfg->max_epoch_size);
	m.tl.head = cfg->head;
	m.tl.tail = cfg->head;
	if (cfg->gen)
		m.tl.gen = cfg->gen;
	m.cur_epoch = cfg->first_epoch;
	duet_tl_rx_init(&m.rx);

	for (int s = 0; s < steps; s++) {
		u32 r = rnd() % 1000;

		if (r < 170)
			m_add(&m);
		else if (r < 270)
			m_local_done(&m);
		else if (r < 470)
			m_peer_recv(&m);
		else if (r < 640)
			m_peer_write(&m);
		else if (r < 870)
			m_primary_recv(&m);
		else if (r < 910)
			m_close_idle(&m);
		else if (r < 950)
			m_bogus(&m);
		else if (r < 950 + cfg->clear_permille)
			m_clear(&m);
		assert_int_equal(duet_tl_count(&m.tl), m.nw - m.mhead);
		assert_int_equal(m.tl.cur_epoch, m.cur_epoch);
		assert_int_equal(m.tl.cur_writes, m.cur_writes);
	}
	/* the end of the last connection */
	m_clear(&m);
	for (u32 k = 0; k < m.nw; k++) {
		struct mw *w = &m.w[k];

		assert_int_equal(w->released + w->cleared, 1);
		assert_int_equal(w->ctx_returned, w->want0 ? 1 : 0);
		if (w->released)
			assert_int_equal(w->want, 0);
	}
	print_message("seed %llu cap %u: %u writes, %lu released, %lu clears, %lu barriers (%lu idle), %lu acked, %lu neg, %lu full, %lu bogus\n",
		      (unsigned long long)cfg->seed, cfg->cap, m.nw, m.released,
		      m.clears, m.barriers, m.closes, m.backs, m.negs, m.full,
		      m.bogus);
	/* the run did exercise what it checks */
	assert_true(m.nw > (u32)steps / 40);
	assert_true(m.released > 0);
	assert_true(m.backs > 0);
	assert_true(m.clears > 1);
	assert_true(m.closes > 0);
	if (cfg->neg_pct)
		assert_true(m.negs > 0);
	if (cfg->cap <= 16)
		assert_true(m.full > 0);
	free(m.ent);
	free(m.w);
	free(m.dq);
	free(m.mq);
	free(m.pend);
	free(m.pe);
	free(m.lpend);
}

static void test_model(void **state)
{
	static const struct mcfg cfgs[] = {
		{ 8, 3, 1, 0, 0, 3, 3, 1 },
		{ 16, 2048, 100, 0, 0, 5, 2, 2 },
		{ 4, 1, 0, 0, 0, 10, 4, 3 },
		{ 64, 7, UINT32_MAX - 20, UINT32_MAX - 30, UINT32_MAX - 50, 3,
		  2, 4 },
		{ 2, 2, 5, 0, 0, 0, 3, 5 },
		{ 32, 4, 7, 0x7ffffff0u, 0, 1, 1, 6 },
		{ 8, 1000, 1, UINT32_MAX - 3, 0, 20, 5, 7 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cfgs); i++)
		run_model(&cfgs[i], 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_id_window),
		cmocka_unit_test(test_ack_kinds),
		cmocka_unit_test(test_neg_ack),
		cmocka_unit_test(test_epoch_closing),
		cmocka_unit_test(test_max_epoch_size),
		cmocka_unit_test(test_barrier_ack),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_rx),
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests_name("core_tl", tests, NULL, NULL);
}
