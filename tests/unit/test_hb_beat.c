/*
 * Unit tests for daemon/hb/hb_beat.c: the kept heartbeat images. For every
 * key kind and many successive values, hb_beat_update gives the bytes
 * the codec gives for the same message (hb_msg_set_str, hb_auth_sign_fields,
 * hb_auth_encode, classic with markers), and a value of another length
 * is refused so the caller builds again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_auth.h"
#include "daemon/hb/hb_beat.h"
#include "tests/unit/hb_test_keys.h"

static const uint8_t uuid[16] = { 0x12, 0x0a, 0x2c, 0x00, 0xff, 0x10, 0x41, 0x42,
				  0x43, 0x0a, 0x0d, 0x2c, 0x3d, 0x00, 0x01, 0x99 };

/* a status message as duetd builds it, with the given values */
static void status_msg(struct hb_msg *m, const struct hb_authkeys *ks, const char *seq,
		       const char *ts, const char *ld)
{
	assert_int_equal(hb_msg_set_str(m, "t", "status"), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "st", "active"), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "dt", "3e8"), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "protocol", "1"), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "src", "nodea"), HB_OK);
	assert_int_equal(hb_msg_set(m, HB_FT_BINARY, "srcuuid", uuid, sizeof(uuid)), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "seq", seq), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "hg", "6a3f1c02"), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "ts", ts), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "ld", ld), HB_OK);
	assert_int_equal(hb_msg_set_str(m, "ttl", "3"), HB_OK);
	assert_int_equal(hb_auth_sign_fields(m, ks), HB_OK);
}

/* the codec's bytes for the values, compared with b's images */
static void assert_same(const struct hb_beat *b, const struct hb_authkeys *ks,
			const char *seq, const char *ts, const char *ld)
{
	uint8_t ns[HB_BEAT_MAX], cl[HB_BEAT_MAX];
	struct hb_msg m;
	long nl, cll;

	hb_msg_init(&m);
	status_msg(&m, ks, seq, ts, ld);
	nl = hb_auth_encode(&m, HB_FMT_NETSTRING, ks, ns, sizeof(ns));
	cll = hb_auth_encode(&m, HB_FMT_CLASSIC, ks, cl, sizeof(cl));
	assert_true(nl > 0 && cll > 0);
	assert_int_equal((size_t)nl, b->ns.len);
	assert_memory_equal(ns, b->ns.b, (size_t)nl);
	assert_int_equal((size_t)cll, b->cl.len);
	assert_memory_equal(cl, b->cl.b, (size_t)cll);
	/* and what we send verifies as a peer checks it */
	{
		struct hb_msg back;
		struct hb_wire w;

		assert_int_equal(hb_auth_decode(ks, b->ns.b, b->ns.len, &back, &w), HB_OK);
		assert_string_equal(hb_msg_str(&back, "seq"), seq);
		hb_msg_free(&back);
		assert_int_equal(hb_auth_decode(ks, b->cl.b, b->cl.len, &back, &w), HB_OK);
		assert_string_equal(hb_msg_str(&back, "ts"), ts);
		hb_msg_free(&back);
	}
	hb_msg_free(&m);
}

static void run_keys(const char *keys)
{
	struct hb_authkeys ks;
	struct hb_beat *b = calloc(1, sizeof(*b));
	struct hb_msg m;
	char seq[24], ts[24];
	const char *lds[] = { "0.00 0.01 0.05 1/99 123", "1.25 0.50 0.05 2/99 124" };

	assert_non_null(b);
	hb_test_load_keys(&ks, keys);
	hb_msg_init(&m);
	status_msg(&m, &ks, "100", "6a3f1c02", lds[0]);
	assert_int_equal(hb_beat_build(b, &m, &ks, true), HB_OK);
	assert_same(b, &ks, "100", "6a3f1c02", lds[0]);
	/* same lengths: rewritten and signed in place */
	for (unsigned i = 0x101; i < 0x400; i += 7) {
		const char *val[HB_BEAT_NVAR];

		snprintf(seq, sizeof(seq), "%x", i);
		snprintf(ts, sizeof(ts), "%x", 0x6a3f1c02u + i / 5);
		val[HB_BEAT_SEQ] = seq;
		val[HB_BEAT_TS] = ts;
		val[HB_BEAT_LD] = lds[i & 1];
		assert_int_equal(hb_beat_update(b, val, &ks), HB_OK);
		assert_same(b, &ks, seq, ts, lds[i & 1]);
	}
	/* another length: refused, b invalid until built again */
	{
		const char *val[HB_BEAT_NVAR] = { "1000", ts, lds[0] };

		assert_int_equal(hb_beat_update(b, val, &ks), HB_E_VALUE);
		assert_false(b->valid);
		assert_int_equal(hb_beat_update(b, val, &ks), HB_E_FIELD);
		hb_msg_free(&m);
		hb_msg_init(&m);
		status_msg(&m, &ks, "1000", ts, lds[0]);
		assert_int_equal(hb_beat_build(b, &m, &ks, true), HB_OK);
		assert_same(b, &ks, "1000", ts, lds[0]);
		val[HB_BEAT_LD] = "0.5 0.5 0.5 1/1 1";
		assert_int_equal(hb_beat_update(b, val, &ks), HB_E_VALUE);
	}
	hb_msg_free(&m);
	hb_authkeys_free(&ks);
	free(b);
}

static void test_sha1(void **state)
{
	(void)state;
	run_keys("auth 1\n1 sha1 AnchorSecret42\n");
}

static void test_md5_long_key(void **state)
{
	(void)state;
	run_keys("auth 3\n3 md5 a-key-longer-than-one-block-of-the-hash-function-0123456789abcdef\n");
}

/* crc's %lx signature changes length with the data: refused or equal, never wrong */
static void test_crc(void **state)
{
	struct hb_authkeys ks;
	struct hb_beat *b = calloc(1, sizeof(*b));
	struct hb_msg m;
	char seq[24];
	unsigned ok = 0, relayout = 0;

	(void)state;
	assert_non_null(b);
	hb_test_load_keys(&ks, "auth 2\n2 crc\n");
	for (unsigned i = 0x100; i < 0x300; i++) {
		const char *val[HB_BEAT_NVAR] = { seq, "6a3f1c02", "0.00 0.01 0.05 1/99 123" };
		int rc;

		snprintf(seq, sizeof(seq), "%x", i);
		if (!b->valid) {
			hb_msg_init(&m);
			status_msg(&m, &ks, seq, val[1], val[2]);
			assert_int_equal(hb_beat_build(b, &m, &ks, false), HB_OK);
			hb_msg_free(&m);
		}
		rc = hb_beat_update(b, val, &ks);
		if (rc == HB_E_VALUE) {
			relayout++;
			continue;
		}
		assert_int_equal(rc, HB_OK);
		ok++;
		{
			uint8_t ns[HB_BEAT_MAX];
			long nl;

			hb_msg_init(&m);
			status_msg(&m, &ks, seq, val[1], val[2]);
			nl = hb_auth_encode(&m, HB_FMT_NETSTRING, &ks, ns, sizeof(ns));
			assert_int_equal((size_t)nl, b->ns.len);
			assert_memory_equal(ns, b->ns.b, (size_t)nl);
			hb_msg_free(&m);
		}
	}
	/* most crc values have 8 hex digits, some fewer */
	assert_true(ok > 100);
	assert_true(relayout > 0);
	hb_authkeys_free(&ks);
	free(b);
}

/* a message without the fields the images need is refused */
static void test_build_needs_fields(void **state)
{
	struct hb_authkeys ks;
	struct hb_beat *b = calloc(1, sizeof(*b));
	struct hb_msg m;

	(void)state;
	assert_non_null(b);
	hb_test_load_keys(&ks, "auth 1\n1 sha1 k\n");
	hb_msg_init(&m);
	assert_int_equal(hb_msg_set_str(&m, "t", "status"), HB_OK);
	assert_int_equal(hb_msg_set_str(&m, "seq", "1"), HB_OK);
	assert_int_equal(hb_msg_set_str(&m, "ts", "1"), HB_OK);
	assert_int_equal(hb_auth_sign_fields(&m, &ks), HB_OK);
	assert_int_equal(hb_beat_build(b, &m, &ks, false), HB_E_FIELD);
	assert_false(b->valid);
	/* ld as a binary field is not a string to rewrite */
	assert_int_equal(hb_msg_set(&m, HB_FT_BINARY, "ld", "x", 1), HB_OK);
	assert_int_equal(hb_auth_sign_fields(&m, &ks), HB_OK);
	assert_int_equal(hb_beat_build(b, &m, &ks, false), HB_E_FIELD);
	hb_msg_free(&m);
	hb_authkeys_free(&ks);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1),
		cmocka_unit_test(test_md5_long_key),
		cmocka_unit_test(test_crc),
		cmocka_unit_test(test_build_needs_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
