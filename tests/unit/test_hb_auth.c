/*
 * Unit tests for daemon/hb/hb_auth.c: Heartbeat signatures. Every captured
 * 3.0.6 message verifies (inner auth field and outer netstring signature)
 * with the capture's key, re-signing reproduces the datagram byte for
 * byte, and wrong keys, flipped bytes and truncations are refused.
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
#include "tests/unit/hb_wire_samples.h"
#include "tests/unit/hb_test_keys.h"

/* The key of the capture: "auth 1" / "1 sha1 AnchorSecret42". */
static const char capture_keys[] = "auth 1\n1 sha1 AnchorSecret42\n";

static void test_samples_verify(void **state)
{
	struct hb_authkeys ks;

	(void)state;
	hb_test_load_keys(&ks, capture_keys);
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];
		struct hb_msg m;
		struct hb_wire w;
		int rc;

		rc = hb_auth_decode(&ks, s->data, s->len, &m, &w);
		if (rc != HB_OK)
			fail_msg("%s: %s", s->name, hb_strerror(rc));
		/* the inner field verifies too, on netstring input as well */
		assert_int_equal(hb_auth_verify_fields(&ks, &m), HB_OK);
		hb_msg_free(&m);
	}
	hb_authkeys_free(&ks);
}

/* Decode, sign again, encode: identical datagrams. */
static void test_samples_resign_byte_for_byte(void **state)
{
	struct hb_authkeys ks;

	(void)state;
	hb_test_load_keys(&ks, capture_keys);
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];
		struct hb_msg m;
		struct hb_wire w;
		char buf[1024];
		const char *old_auth;
		char saved[64];
		long n;

		assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
		old_auth = hb_msg_str(&m, "auth");
		assert_non_null(old_auth);
		snprintf(saved, sizeof(saved), "%s", old_auth);
		/* spoil the inner signature, then recompute it */
		assert_int_equal(hb_msg_set_str(&m, "auth", "1 0"), HB_OK);
		assert_int_equal(hb_auth_sign_fields(&m, &ks), HB_OK);
		assert_string_equal(hb_msg_str(&m, "auth"), saved);
		n = hb_auth_encode(&m, s->classic ? HB_FMT_CLASSIC : HB_FMT_NETSTRING,
				   &ks, buf, sizeof(buf));
		assert_int_equal(n, (long)s->len);
		if (memcmp(buf, s->data, s->len) != 0)
			fail_msg("%s: re-signed datagram differs", s->name);
		hb_msg_free(&m);
	}
	hb_authkeys_free(&ks);
}

/*
 * Rebuild every captured message from its own fields only (t, st, dt,
 * rsc_hold, ...): hb_msg_add_control() must append Heartbeat's control
 * fields in 3.0.6's places and spelling, so that signing and encoding
 * give the captured bytes.
 */
static void test_rebuild_samples_from_scratch(void **state)
{
	static const char *const control[] = {
		"src", "srcuuid", "destuuid", "seq", "hg", "ts", "ld", "ttl", "auth",
	};
	struct hb_authkeys ks;

	(void)state;
	hb_test_load_keys(&ks, capture_keys);
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];
		uint8_t srcuuid[16], destuuid[16];
		struct hb_msg m, b;
		struct hb_wire w;
		struct hb_hdr h;
		struct hb_ctl ctl;
		char buf[1024];
		long n;

		assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
		assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
		hb_msg_init(&b);
		for (size_t f = 0; f < m.n; f++) {
			size_t c;

			for (c = 0; c < sizeof(control) / sizeof(control[0]); c++)
				if (strcmp(m.f[f].name, control[c]) == 0)
					break;
			if (c == sizeof(control) / sizeof(control[0]))
				assert_int_equal(hb_msg_add(&b, m.f[f].type, m.f[f].name,
							    m.f[f].value, m.f[f].vlen), HB_OK);
		}
		memset(&ctl, 0, sizeof(ctl));
		ctl.src = h.src;
		if (hb_msg_uuid(&m, "srcuuid", srcuuid) == HB_OK)
			ctl.srcuuid = srcuuid;
		if (hb_msg_uuid(&m, "destuuid", destuuid) == HB_OK)
			ctl.destuuid = destuuid;
		ctl.seq = h.seq;
		ctl.hg = h.hg;
		ctl.ts = h.ts;
		ctl.ld = h.ld;
		ctl.ttl = (unsigned)h.ttl;
		assert_int_equal(hb_msg_add_control(&b, &ctl), HB_OK);
		assert_int_equal(hb_auth_sign_fields(&b, &ks), HB_OK);
		n = hb_auth_encode(&b, s->classic ? HB_FMT_CLASSIC : HB_FMT_NETSTRING,
				   &ks, buf, sizeof(buf));
		assert_int_equal(n, (long)s->len);
		if (memcmp(buf, s->data, s->len) != 0)
			fail_msg("%s: rebuilt message differs", s->name);
		hb_msg_free(&b);
		hb_msg_free(&m);
	}
	hb_authkeys_free(&ks);
}

/* The control fields on a message that has some already. */
static void test_control_fields_rules(void **state)
{
	static const uint8_t u1[16] = { 1 }, u2[16] = { 2 };
	struct hb_ctl ctl = {
		.src = "alice", .srcuuid = u1, .destuuid = u2, .seq = 0x2a,
		.hg = 0x6b06677e, .ts = 0x6b06677d, .ld = "0.00 0.01 0.05 1/100 42", .ttl = 3,
	};
	struct hb_msg m;

	(void)state;
	/* no type: refused */
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_control(&m, &ctl), HB_E_FIELD);
	/* NS_ types keep their own fields and get no seq/ld */
	assert_int_equal(hb_msg_add_str(&m, "t", "NS_ackmsg"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "ttl", "9"), HB_OK);
	assert_int_equal(hb_msg_add_control(&m, &ctl), HB_OK);
	assert_null(hb_msg_find(&m, "seq"));
	assert_null(hb_msg_find(&m, "ld"));
	assert_null(hb_msg_find(&m, "destuuid"));	/* no dest */
	assert_string_equal(hb_msg_str(&m, "ttl"), "9");
	assert_string_equal(hb_msg_str(&m, "src"), "alice");
	hb_msg_free(&m);
	/* others: every field replaced in place, the rest appended */
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "t", "resource"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "seq", "1"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "dest", "bob"), HB_OK);
	assert_int_equal(hb_msg_add_control(&m, &ctl), HB_OK);
	assert_string_equal(m.f[1].name, "seq");
	assert_string_equal(hb_msg_str(&m, "seq"), "2a");
	assert_string_equal(m.f[3].name, "destuuid");
	assert_string_equal(m.f[4].name, "src");
	assert_string_equal(hb_msg_str(&m, "hg"), "6b06677e");
	assert_string_equal(hb_msg_str(&m, "ttl"), "3");
	assert_int_equal(m.n, 10);
	hb_msg_free(&m);
}

static void test_wrong_key(void **state)
{
	static const char *const others[] = {
		"auth 1\n1 sha1 AnchorSecret43\n",	/* other secret */
		"auth 1\n1 md5 AnchorSecret42\n",	/* other method */
		"auth 2\n2 sha1 AnchorSecret42\n",	/* other key number */
		"auth 1\n1 crc\n",
	};
	static const int want[] = { HB_E_SIG, HB_E_SIG, HB_E_KEY, HB_E_SIG };

	(void)state;
	for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
		struct hb_authkeys ks;

		hb_test_load_keys(&ks, others[k]);
		for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
			const struct hb_wire_sample *s = &hb_wire_samples[i];
			struct hb_msg m;
			struct hb_wire w;

			assert_int_equal(hb_auth_decode(&ks, s->data, s->len, &m, &w), want[k]);
			assert_int_equal(m.n, 0);
		}
		hb_authkeys_free(&ks);
	}
}

/* Rollover: a receiver holding the old and the new key accepts both. */
static void test_several_keys(void **state)
{
	struct hb_authkeys ks;

	(void)state;
	hb_test_load_keys(&ks, "auth 3\n3 md5 NewOne\n1 sha1 AnchorSecret42\n");
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		struct hb_msg m;
		struct hb_wire w;

		assert_int_equal(hb_auth_decode(&ks, hb_wire_samples[i].data,
						hb_wire_samples[i].len, &m, &w), HB_OK);
		hb_msg_free(&m);
	}
	hb_authkeys_free(&ks);
}

/* Any single flipped bit anywhere is refused, by the decoder or the check. */
static void test_flipped_bits(void **state)
{
	struct hb_authkeys ks;

	(void)state;
	hb_test_load_keys(&ks, capture_keys);
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];
		char *buf = malloc(s->len);

		for (size_t pos = 0; pos < s->len; pos++) {
			for (int bit = 0; bit < 8; bit += 3) {
				struct hb_msg m;
				struct hb_wire w;
				int rc;

				memcpy(buf, s->data, s->len);
				buf[pos] ^= (char)(1 << bit);
				rc = hb_auth_decode(&ks, buf, s->len, &m, &w);
				if (rc == HB_OK)
					fail_msg("%s: flipping bit %d of byte %zu went unnoticed",
						 s->name, bit, pos);
				assert_int_equal(m.n, 0);
			}
		}
		free(buf);
	}
	hb_authkeys_free(&ks);
}

/* Every truncation of every sample is refused. */
static void test_truncation_every_length(void **state)
{
	struct hb_authkeys ks;

	(void)state;
	hb_test_load_keys(&ks, capture_keys);
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];

		for (size_t len = 0; len < s->len; len++) {
			struct hb_msg m;
			struct hb_wire w;
			char *buf = malloc(len ? len : 1);
			int rc;

			memcpy(buf, s->data, len);
			rc = hb_auth_decode(&ks, buf, len, &m, &w);
			free(buf);
			if (rc != HB_E_TRUNCATED && rc != HB_E_NOAUTH)
				fail_msg("%s cut at %zu: %s", s->name, len, hb_strerror(rc));
		}
	}
	hb_authkeys_free(&ks);
}

static void test_signature_text_errors(void **state)
{
	static const char body[] = "###\n6:(0)t=a,%%%\n";
	struct hb_authkeys ks;
	char sig[96], buf[256];
	struct hb_msg m;
	struct hb_wire w;

	(void)state;
	hb_test_load_keys(&ks, capture_keys);
	assert_int_equal(hb_auth_sign_text(&ks, 1, body, strlen(body), sig, sizeof(sig)), HB_OK);
	assert_int_equal(hb_auth_check_text(&ks, sig, body, strlen(body)), HB_OK);
	assert_int_equal(hb_auth_check_text(&ks, "", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, "1", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, "1 ", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, " 1 ab", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, "1  ab", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, "123 ab", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, "1 AB", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, "1 xyz", body, strlen(body)), HB_E_BADAUTH);
	assert_int_equal(hb_auth_check_text(&ks, "1 ab", body, strlen(body)), HB_E_SIG);
	assert_int_equal(hb_auth_check_text(&ks, "16 ab", body, strlen(body)), HB_E_KEY);
	assert_int_equal(hb_auth_check_text(&ks, "0 ab", body, strlen(body)), HB_E_KEY);
	assert_int_equal(hb_auth_sign_text(&ks, 2, body, 3, sig, sizeof(sig)), HB_E_KEY);
	assert_int_equal(hb_auth_sign_text(&ks, 1, body, 3, sig, 5), HB_E_TOOBIG);

	/* unsigned netstring and classic messages */
	assert_int_equal(hb_auth_decode(&ks, body, strlen(body), &m, &w), HB_E_NOAUTH);
	assert_int_equal(hb_auth_decode(&ks, ">>>\nt=a\n<<<\n", 12, &m, &w), HB_E_NOAUTH);
	snprintf(buf, sizeof(buf), "%s4:1 ab,", body);
	assert_int_equal(hb_auth_decode(&ks, buf, strlen(buf), &m, &w), HB_E_SIG);
	snprintf(buf, sizeof(buf), "%s2:1x,", body);
	assert_int_equal(hb_auth_decode(&ks, buf, strlen(buf), &m, &w), HB_E_BADAUTH);
	/* a binary auth field is not a signature */
	assert_int_equal(hb_auth_decode(&ks, ">>>\nt=a\n(1)auth=YWJj\n<<<\n", 26, &m, &w),
			 HB_E_BADAUTH);
	hb_authkeys_free(&ks);
}

/* Known answers for each method (computed independently from RFC 2104 / CRC-32/CKSUM). */
static void test_methods_known_answers(void **state)
{
	static const char text[] = "t=status\nst=active\n";
	struct hb_authkey k = { 0 };
	char hex[HB_AUTH_HEX_MAX];
	char longkey[101];

	(void)state;
	k.method = HB_AUTH_SHA1;
	k.secret = "SomeSecret";
	k.secret_len = strlen(k.secret);
	assert_int_equal(hb_auth_digest(&k, text, strlen(text), hex), HB_OK);
	assert_string_equal(hex, "cb809e384ada92ba9cf1e3fcef17a3d8d25586ac");

	memset(longkey, 'K', 100);
	longkey[100] = '\0';
	k.secret = longkey;	/* longer than a block: hashed first */
	k.secret_len = 100;
	assert_int_equal(hb_auth_digest(&k, text, strlen(text), hex), HB_OK);
	assert_string_equal(hex, "644f332d248d9511ca427b1151063667182d8007");

	k.method = HB_AUTH_MD5;
	k.secret = "OtherSecret";
	k.secret_len = strlen(k.secret);
	assert_int_equal(hb_auth_digest(&k, text, strlen(text), hex), HB_OK);
	assert_string_equal(hex, "aceaec12fb4b7e3822edc13c9c54038d");

	k.method = HB_AUTH_CRC;
	k.secret = NULL;
	k.secret_len = 0;
	assert_int_equal(hb_auth_crc32("123456789", 9), 0x765e7680u);
	assert_int_equal(hb_auth_crc32("", 0), 0xffffffffu);
	assert_int_equal(hb_auth_digest(&k, text, strlen(text), hex), HB_OK);
	assert_string_equal(hex, "b7e1ed97");
	/* printed with %lx: no leading zeros */
	assert_int_equal(hb_auth_digest(&k, "t=status\nseq=194\n", 17, hex), HB_OK);
	assert_string_equal(hex, "bd9710");

	k.method = HB_AUTH_NONE;
	assert_int_equal(hb_auth_digest(&k, text, 3, hex), HB_E_KEY);
}

/*
 * A key prepared once (hb_authkeys_parse does it) gives the digests of a
 * key set up for every message; crc has nothing to prepare.
 */
static void test_prepared_keys(void **state)
{
	static const char text[] = "t=status\nst=active\n";
	static const struct {
		enum hb_auth_method method;
		size_t keylen;
	} cases[] = {
		{ HB_AUTH_SHA1, 10 }, { HB_AUTH_SHA1, 100 }, { HB_AUTH_MD5, 11 },
		{ HB_AUTH_MD5, 80 },
	};
	char secret[101], plain[HB_AUTH_HEX_MAX], pre[HB_AUTH_HEX_MAX];
	struct hb_authkeys ks;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hb_authkey k = { .method = cases[i].method };

		memset(secret, 'a' + (int)i, cases[i].keylen);
		k.secret = secret;
		k.secret_len = cases[i].keylen;
		assert_int_equal(hb_auth_digest(&k, text, strlen(text), plain), HB_OK);
		assert_int_equal(hb_auth_prepare(&k), HB_OK);
		assert_non_null(k.pre);
		assert_true(k.pre_len > 0);
		/* twice: the prepared state is copied, not used up */
		for (int j = 0; j < 2; j++) {
			assert_int_equal(hb_auth_digest(&k, text, strlen(text), pre), HB_OK);
			assert_string_equal(pre, plain);
		}
		assert_int_equal(hb_auth_digest(&k, text, 3, pre), HB_OK);
		assert_string_not_equal(pre, plain);
		free(k.pre);
	}

	hb_test_load_keys(&ks, "auth 2\n1 sha1 SomeSecret\n2 md5 OtherSecret\n3 crc\n");
	assert_non_null(ks.keys[1].pre);
	assert_non_null(ks.keys[2].pre);
	assert_null(ks.keys[3].pre);
	/* the known answers of test_methods_known_answers, through the file */
	assert_int_equal(hb_auth_digest(&ks.keys[1], text, strlen(text), pre), HB_OK);
	assert_string_equal(pre, "cb809e384ada92ba9cf1e3fcef17a3d8d25586ac");
	assert_int_equal(hb_auth_digest(&ks.keys[2], text, strlen(text), pre), HB_OK);
	assert_string_equal(pre, "aceaec12fb4b7e3822edc13c9c54038d");
	hb_authkeys_free(&ks);
	assert_null(ks.keys[1].pre);
}

/*
 * hb_auth_encode gives the same length whatever cap it is given (none,
 * too small for the body, enough for the body but not the signature,
 * exact), and writes the message only when it fits; a message larger
 * than the stack buffers (2 KiB) signs, encodes and verifies the same way.
 */
static void test_encode_every_cap(void **state)
{
	struct hb_authkeys ks;
	char big[3000];

	(void)state;
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hb_test_load_keys(&ks, "auth 1\n1 sha1 SomeSecret\n");
	for (int large = 0; large < 2; large++) {
		struct hb_msg m, r;
		struct hb_wire w;
		char *ref, *buf;
		long n, body;

		hb_msg_init(&m);
		assert_int_equal(hb_msg_add_str(&m, "t", "status"), HB_OK);
		assert_int_equal(hb_msg_add_str(&m, "info", large ? big : "short"), HB_OK);
		assert_int_equal(hb_auth_sign_fields(&m, &ks), HB_OK);
		assert_int_equal(hb_auth_verify_fields(&ks, &m), HB_OK);
		n = hb_auth_encode(&m, HB_FMT_NETSTRING, &ks, NULL, 0);
		assert_true(n > 0);
		body = hb_msg_netstring(&m, NULL, 0);
		assert_true(body > 0 && body < n);
		ref = malloc((size_t)n);
		buf = malloc((size_t)n);
		assert_non_null(ref);
		assert_non_null(buf);
		assert_int_equal(hb_auth_encode(&m, HB_FMT_NETSTRING, &ks, ref, (size_t)n), n);
		assert_int_equal(hb_auth_decode(&ks, ref, (size_t)n, &r, &w), HB_OK);
		assert_string_equal(hb_msg_str(&r, "info"), large ? big : "short");
		hb_msg_free(&r);
		for (long cap = 0; cap <= n; cap += cap < body - 2 ? (large ? 97 : 7) : 1) {
			/* every cap from body - 2 on, sparser below */
			memset(buf, '#', (size_t)n);
			assert_int_equal(hb_auth_encode(&m, HB_FMT_NETSTRING, &ks, buf,
							(size_t)cap), n);
			if (cap == n)
				assert_memory_equal(buf, ref, (size_t)n);
			/* nothing is written past cap */
			for (long i = cap; i < n; i++)
				if (buf[i] != '#')
					fail_msg("cap %ld of %ld: byte %ld written", cap, n, i);
		}
		free(ref);
		free(buf);
		hb_msg_free(&m);
	}
	hb_authkeys_free(&ks);
}

/* A status message built by us, signed with each method, in both formats. */
static void test_sign_and_verify_each_method(void **state)
{
	static const char *const keyfiles[] = {
		"auth 1\n1 sha1 SomeSecret\n",
		"auth 2\n2 md5 OtherSecret\n",
		"auth 3\n3 crc\n",
	};
	static const uint8_t uuid[16] = { 0x10, 0x20, 0x30 };

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		for (int fmt = 0; fmt < 2; fmt++) {
			struct hb_authkeys ks;
			struct hb_msg m, r;
			struct hb_wire w;
			char buf[1024];
			long n;

			hb_test_load_keys(&ks, keyfiles[k]);
			hb_msg_init(&m);
			assert_int_equal(hb_msg_add_str(&m, "t", "status"), HB_OK);
			assert_int_equal(hb_msg_add_str(&m, "st", "active"), HB_OK);
			assert_int_equal(hb_msg_add_hex(&m, "dt", 1000), HB_OK);
			assert_int_equal(hb_msg_add_str(&m, "protocol", "1"), HB_OK);
			assert_int_equal(hb_msg_add_str(&m, "src", "alice"), HB_OK);
			assert_int_equal(hb_msg_add_bin(&m, "srcuuid", uuid, 16), HB_OK);
			assert_int_equal(hb_msg_add_hex(&m, "seq", 42), HB_OK);
			assert_int_equal(hb_auth_sign_fields(&m, &ks), HB_OK);
			assert_int_equal(hb_msg_find(&m, "auth") - m.f, 7);	/* appended */
			n = hb_auth_encode(&m, fmt ? HB_FMT_CLASSIC : HB_FMT_NETSTRING,
					   &ks, buf, sizeof(buf));
			assert_true(n > 0);
			assert_int_equal(hb_auth_decode(&ks, buf, (size_t)n, &r, &w), HB_OK);
			assert_int_equal(r.n, 8);
			assert_string_equal(hb_msg_str(&r, "src"), "alice");
			/* a signed field changed after signing is noticed */
			assert_int_equal(hb_msg_set_str(&m, "st", "dead"), HB_OK);
			assert_int_equal(hb_auth_verify_fields(&ks, &m), HB_E_SIG);
			hb_msg_free(&r);
			hb_msg_free(&m);
			hb_authkeys_free(&ks);
		}
	}
}

/* The classic rendering that gets signed skips every auth field, wherever it is. */
static void test_auth_field_anywhere(void **state)
{
	struct hb_authkeys ks;
	struct hb_msg m;
	char sig[96];
	static const char unsigned_text[] = "t=x\nsrc=alice\n";

	(void)state;
	hb_test_load_keys(&ks, "auth 1\n1 sha1 k\n");
	assert_int_equal(hb_auth_sign_text(&ks, 1, unsigned_text, strlen(unsigned_text),
					   sig, sizeof(sig)), HB_OK);
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "t", "x"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "auth", "1 00"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "src", "alice"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "auth", sig), HB_OK);	/* the last one counts */
	assert_int_equal(hb_auth_verify_fields(&ks, &m), HB_OK);
	/* signing keeps one auth field, in the place of the first (fuzzer finding) */
	assert_int_equal(hb_msg_set_str(&m, "src", "bob"), HB_OK);
	assert_int_equal(hb_auth_sign_fields(&m, &ks), HB_OK);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.f[1].name, "auth");
	assert_int_equal(hb_auth_verify_fields(&ks, &m), HB_OK);
	hb_msg_free(&m);
	hb_authkeys_free(&ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples_verify),
		cmocka_unit_test(test_samples_resign_byte_for_byte),
		cmocka_unit_test(test_rebuild_samples_from_scratch),
		cmocka_unit_test(test_control_fields_rules),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_several_keys),
		cmocka_unit_test(test_flipped_bits),
		cmocka_unit_test(test_truncation_every_length),
		cmocka_unit_test(test_signature_text_errors),
		cmocka_unit_test(test_methods_known_answers),
		cmocka_unit_test(test_sign_and_verify_each_method),
		cmocka_unit_test(test_auth_field_anywhere),
		cmocka_unit_test(test_prepared_keys),
		cmocka_unit_test(test_encode_every_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
