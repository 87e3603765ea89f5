/*
 * Unit tests for daemon/hb/hb_msg.c: the Heartbeat message codec, against
 * the datagrams and serial frames captured from real Heartbeat 3.0.6
 * (tests/unit/hb_wire_samples.h), and every error path of the decoder.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_base64.h"
#include "daemon/hb/hb_msg.h"
#include "daemon/hb/hb_str.h"
#include "tests/unit/hb_wire_samples.h"

static const struct hb_wire_sample *sample(const char *name)
{
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++)
		if (strcmp(hb_wire_samples[i].name, name) == 0)
			return &hb_wire_samples[i];
	fail_msg("no sample %s", name);
	return NULL;
}

static int decode(struct hb_msg *m, const char *s, struct hb_wire *w)
{
	return hb_msg_decode(m, s, strlen(s), w);
}

/* Every captured message decodes, in the right format. */
static void test_decode_all_samples(void **state)
{
	(void)state;
	assert_int_equal(HB_WIRE_NSAMPLES, 20);
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];
		struct hb_msg m;
		struct hb_wire w;
		int rc = hb_msg_decode(&m, s->data, s->len, &w);

		if (rc != HB_OK)
			fail_msg("%s: %s", s->name, hb_strerror(rc));
		assert_int_equal(w.fmt, s->classic ? HB_FMT_CLASSIC : HB_FMT_NETSTRING);
		assert_int_equal(w.wire_len, s->len);
		assert_true(m.n >= 8);
		if (!s->classic) {
			assert_true(w.has_sig);
			assert_int_equal(strlen(w.sig), 42);
			assert_int_equal(w.body_len + 3 + 42 + 1, s->len);
		} else {
			assert_false(w.has_sig);
			assert_int_equal(w.body_len, s->len);
		}
		hb_msg_free(&m);
	}
}

/* The fields of status/init, as the samples file lists them. */
static void test_decode_status_init_fields(void **state)
{
	const struct hb_wire_sample *s = sample("status/init");
	static const char *const names[] = {
		"t", "st", "dt", "protocol", "src", "srcuuid", "seq", "hg", "ts",
		"ld", "ttl", "auth",
	};
	static const uint8_t uuid[16] = {
		0x97, 0xe4, '}', 'p', 0x80, 0xf8, 'I', '3',
		0xa5, 0x1a, 'I', '&', 'E', 0xb2, 0x12, '@',
	};
	struct hb_msg m;
	struct hb_wire w;
	struct hb_hdr h;

	(void)state;
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	assert_int_equal(m.n, 12);
	for (size_t i = 0; i < 12; i++)
		assert_string_equal(m.f[i].name, names[i]);
	assert_int_equal(m.f[5].type, HB_FT_BINARY);
	assert_int_equal(m.f[5].vlen, 16);
	assert_memory_equal(m.f[5].value, uuid, 16);
	assert_string_equal(hb_msg_str(&m, "ld"), "0.50 0.49 0.36 5/111 18");
	assert_string_equal(hb_msg_str(&m, "auth"),
			    "1 288b15345c2be523f0cb99b71468fc1f95e39f4c");
	assert_string_equal(w.sig, "1 f22f9843b318fb343e8cb21d53dc9f4efebf67bc");

	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_string_equal(h.t, "status");
	assert_string_equal(h.st, "init");
	assert_string_equal(h.src, "nodeb");
	assert_true(h.has_dt);
	assert_int_equal(h.dt, 3000);	/* bb8: deadtime + 2 s at start */
	assert_true(h.has_seq);
	assert_int_equal(h.seq, 1);
	assert_int_equal(h.hg, 0x6b06677e);
	assert_int_equal(h.ts, 0x6b06677d);
	assert_int_equal(h.ttl, 3);
	assert_int_equal(h.protocol, 1);
	assert_true(h.has_srcuuid);
	assert_memory_equal(h.srcuuid, uuid, 16);
	assert_false(h.has_destuuid);
	assert_null(h.dest);
	assert_false(h.has_ackseq);
	hb_msg_free(&m);
}

static void test_hdr_other_samples(void **state)
{
	struct hb_msg m;
	struct hb_wire w;
	struct hb_hdr h;
	const struct hb_wire_sample *s;

	(void)state;
	s = sample("NS_ackmsg");
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_string_equal(h.t, "NS_ackmsg");
	assert_true(hb_type_is_noseq(h.t));
	assert_string_equal(h.dest, "nodeb");
	assert_true(h.has_ackseq);
	assert_int_equal(h.ackseq, 3);
	assert_false(h.has_seq);	/* NS_ messages carry no seq */
	assert_true(h.has_destuuid);
	assert_int_equal(h.protocol, -1);
	hb_msg_free(&m);

	s = sample("resource");
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_int_equal(h.seq, 0x10);
	assert_string_equal(h.rsc_hold, "none");
	assert_string_equal(h.rtype, "full");
	assert_string_equal(hb_msg_str(&m, "isstable"), "0");
	hb_msg_free(&m);

	s = sample("repnodes");
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	assert_string_equal(hb_msg_str(&m, "nodelist"), "nodea nodeb ");
	assert_string_equal(hb_msg_str(&m, "delnodelist"), " ");
	assert_string_equal(m.f[0].name, "dest");	/* order as sent */
	hb_msg_free(&m);

	s = sample("ip-request-resp");
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_string_equal(h.ipaddr, "hbdummy::r1");
	assert_string_equal(hb_msg_str(&m, "weown"), "yes");
	assert_int_equal(h.seq, 0x46);
	hb_msg_free(&m);

	s = sample("stonith");
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_string_equal(h.node, "nodea");
	assert_string_equal(h.result, "n_stnth");
	hb_msg_free(&m);

	s = sample("serial/1");
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_int_equal(h.dt, 7000);	/* 1b58 */
	assert_true(h.has_srcuuid);
	assert_int_equal(m.f[5].type, HB_FT_BINARY);
	hb_msg_free(&m);
}

/* Decode, re-encode: the netstring body and the classic frame come back byte for byte. */
static void test_reencode_byte_for_byte(void **state)
{
	(void)state;
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];
		struct hb_msg m;
		struct hb_wire w;
		char buf[1024];
		long n;

		assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
		if (s->classic) {
			n = hb_msg_classic(&m, HB_CLASSIC_MARKERS, buf, sizeof(buf));
			assert_int_equal(n, (long)s->len);
		} else {
			n = hb_msg_netstring(&m, buf, sizeof(buf));
			assert_int_equal(n, (long)w.body_len);
		}
		if (memcmp(buf, s->data, (size_t)n) != 0)
			fail_msg("%s does not re-encode byte for byte", s->name);
		hb_msg_free(&m);
	}
}

/* Netstring in, classic out and back: the two encodings carry the same fields. */
static void test_cross_format(void **state)
{
	const struct hb_wire_sample *s = sample("status/active");
	struct hb_msg m, m2;
	struct hb_wire w;
	char cl[1024], ns[1024];
	long n, n2;

	(void)state;
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	n = hb_msg_classic(&m, HB_CLASSIC_MARKERS, cl, sizeof(cl));
	assert_true(n > 0);
	assert_non_null(memmem(cl, (size_t)n, "(1)srcuuid=l+R9cID4STOlGkkmRbISQA==\n", 36));
	assert_int_equal(hb_msg_decode(&m2, cl, (size_t)n, &w), HB_OK);
	assert_int_equal(w.fmt, HB_FMT_CLASSIC);
	n2 = hb_msg_netstring(&m2, ns, sizeof(ns));
	assert_int_equal(memcmp(ns, s->data, (size_t)n2), 0);
	hb_msg_free(&m);
	hb_msg_free(&m2);
}

/* Encoders report the size and write nothing when the buffer is short. */
static void test_encode_sizing(void **state)
{
	const struct hb_wire_sample *s = sample("starting");
	struct hb_msg m;
	struct hb_wire w;
	char small[10], big[1024];
	long need;

	(void)state;
	assert_int_equal(hb_msg_decode(&m, s->data, s->len, &w), HB_OK);
	need = hb_msg_netstring(&m, NULL, 0);
	assert_int_equal(need, (long)w.body_len);
	memset(small, 'Z', sizeof(small));
	assert_int_equal(hb_msg_netstring(&m, small, 3), need);
	assert_int_equal(small[3], 'Z');
	assert_int_equal(hb_msg_netstring(&m, big, (size_t)need), need);
	need = hb_msg_classic(&m, HB_CLASSIC_NOAUTH, NULL, 0);
	assert_true(need > 0);
	assert_int_equal(hb_msg_classic(&m, HB_CLASSIC_NOAUTH, big, sizeof(big)), need);
	assert_null(memmem(big, (size_t)need, "auth=", 5));
	hb_msg_free(&m);
}

/* Every prefix of every sample is refused (or, cut right after "%%%\n", unsigned). */
static void test_truncation_every_length(void **state)
{
	(void)state;
	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		const struct hb_wire_sample *s = &hb_wire_samples[i];

		for (size_t len = 0; len < s->len; len++) {
			struct hb_msg m;
			struct hb_wire w;
			char *copy = malloc(len ? len : 1);
			int rc;

			memcpy(copy, s->data, len);	/* exact-size buffer for ASan */
			rc = hb_msg_decode(&m, copy, len, &w);
			free(copy);
			if (rc == HB_OK) {
				/* only the unsigned body is a complete message */
				assert_false(s->classic);
				assert_int_equal(len, w.body_len);
				assert_false(w.has_sig);
				hb_msg_free(&m);
				continue;
			}
			if (rc != HB_E_TRUNCATED)
				fail_msg("%s cut at %zu: %s", s->name, len, hb_strerror(rc));
			assert_int_equal(m.n, 0);
		}
	}
}

static void expect(const char *in, int rc)
{
	struct hb_msg m;
	struct hb_wire w;
	int got = decode(&m, in, &w);

	if (got != rc)
		fail_msg("[%s]: got %s, want %s", in, hb_strerror(got), hb_strerror(rc));
	if (got == HB_OK)
		hb_msg_free(&m);
	else
		assert_int_equal(m.n, 0);
}

static void test_decode_errors(void **state)
{
	(void)state;
	/* framing */
	expect("", HB_E_TRUNCATED);
	expect("##", HB_E_TRUNCATED);
	expect(">>", HB_E_TRUNCATED);
	expect("#x", HB_E_FORMAT);
	expect("GET / HTTP/1.0\r\n", HB_E_FORMAT);
	expect("###\n", HB_E_TRUNCATED);
	expect("###\n%%", HB_E_TRUNCATED);
	expect("###\n%%%\n", HB_OK);
	expect("###\n12", HB_E_TRUNCATED);
	expect("###\nx:(0)t=a,%%%\n", HB_E_FORMAT);
	expect("###\n7;(0)t=a,%%%\n", HB_E_FORMAT);
	expect("###\n7:(0)t=ab%%%\n", HB_E_FORMAT);
	expect("###\n06:(0)t=a,%%%\n", HB_E_FORMAT);	/* leading zero */
	expect("###\n12345678:(0)t=a,%%%\n", HB_E_FORMAT);
	expect("###\n99:(0)t=a,%%%\n", HB_E_TRUNCATED);
	expect("###\n6:(0)t=a,%%%\nX", HB_E_FORMAT);
	expect("###\n6:(0)t=a,%%%\n3:1 a,X", HB_E_TRAILING);
	expect("###\n6:(0)t=a,%%%\n3:1 a,", HB_OK);
	/* fields */
	expect("###\n3:abc,%%%\n", HB_E_FIELD);
	expect("###\n6:[0)t=a,%%%\n", HB_E_FIELD);
	expect("###\n6:(x)t=a,%%%\n", HB_E_FIELD);
	expect("###\n6:(9)t=a,%%%\n", HB_E_FIELD);
	expect("###\n6:(2)t=a,%%%\n", HB_E_TYPE);
	expect("###\n6:(4)t=a,%%%\n", HB_E_TYPE);
	expect("###\n6:(5)t=a,%%%\n", HB_E_TYPE);
	expect("###\n5:(0)ta,%%%\n", HB_E_FIELD);	/* no '=' */
	expect("###\n5:(0)=a,%%%\n", HB_E_FIELD);	/* empty name */
	expect("###\n5:(0)t=,%%%\n", HB_E_FIELD);	/* empty value */
	expect("###\n8:(0)t\tx=a,%%%\n", HB_E_FIELD);
	expect("###\n8:(0)t=a\nb,%%%\n", HB_E_FIELD);	/* newline in a string */
	expect("###\n5:(1)t=,%%%\n", HB_E_FIELD);	/* empty binary */
	expect("###\n11:(3)l=3:abc,,%%%\n", HB_OK);
	expect("###\n11:(3)l=3:ab,c,%%%\n", HB_E_FIELD);
	expect("###\n11:(3)l=03:ab,,%%%\n", HB_E_FIELD);
	expect("###\n8:(3)l=0:,,%%%\n", HB_E_FIELD);
	expect("###\n15:(3)l=12345678:a,,%%%\n", HB_E_FIELD);	/* absurd element length */
	expect("###\n10:(3)l=3:abc,%%%\n", HB_E_FIELD);	/* no final comma */
	expect("###\n9:(3)l=3:ab,%%%\n", HB_E_FIELD);		/* element runs past the end */
	expect("###\n11:(3)l=3:a\nb,,%%%\n", HB_E_FIELD);	/* newline in an element */
	expect("###\n7:(3)l=3a,,%%%\n", HB_E_FIELD);		/* no ':' */
	/* classic */
	expect(">>>\n", HB_E_TRUNCATED);
	expect(">>>\nt=a\n", HB_E_TRUNCATED);
	expect(">>>\nt=a", HB_E_TRUNCATED);
	expect(">>>\nt=a\n<<", HB_E_TRUNCATED);
	expect(">>>\nt=a\n<<<\n", HB_OK);
	expect(">>>\n\n\nt=a\n\n<<<\n", HB_OK);	/* blank lines skipped */
	expect(">>>\nt=a\n<<<\nX", HB_E_TRAILING);
	expect(">>>\n(0)t=a\n<<<\n", HB_E_FIELD);	/* Heartbeat refuses (0) */
	expect(">>>\n(1)u=l+R9cID4STOlGkkmRbISQA==\n<<<\n", HB_OK);
	expect(">>>\n(1)u=l+R9cID4STOlGkkmRbISQA=\n<<<\n", HB_E_FIELD);
	expect(">>>\n(1)u=l+R9cID4STOlGkkmRbISQ%==\n<<<\n", HB_E_FIELD);
	expect(">>>\n(1)u=\n<<<\n", HB_E_FIELD);
	expect(">>>\n(2)s=x\n<<<\n", HB_E_TYPE);
	expect(">>>\n(1t=a\n<<<\n", HB_E_FIELD);
	expect(">>>\nta\n<<<\n", HB_E_FIELD);
	expect(">>>\nt=\n<<<\n", HB_E_FIELD);
}

static void test_decode_nul_handling(void **state)
{
	struct hb_msg m;
	struct hb_wire w;
	static const char cl[] = ">>>\nt=a\n<<<\n";	/* sizeof includes the NUL */
	static const char nul_in_value[] = ">>>\nt=a\0b\n<<<\n";
	static const char nul_in_ns[] = "###\n8:(0)t=a\0b,%%%\n";
	static const char two_nuls[] = ">>>\nt=a\n<<<\n\0";	/* and the implicit one */
	static const char ns_nul[] = "###\n6:(0)t=a,%%%\n3:1 a,";

	(void)state;
	assert_int_equal(hb_msg_decode(&m, cl, sizeof(cl), &w), HB_OK);
	assert_int_equal(w.wire_len, sizeof(cl));
	hb_msg_free(&m);
	assert_int_equal(hb_msg_decode(&m, nul_in_value, sizeof(nul_in_value) - 1, &w), HB_E_FIELD);
	assert_int_equal(hb_msg_decode(&m, nul_in_ns, sizeof(nul_in_ns) - 1, &w), HB_E_FIELD);
	assert_int_equal(hb_msg_decode(&m, two_nuls, sizeof(two_nuls), &w), HB_E_TRAILING);
	/* a netstring datagram may carry a NUL after the signature, or after %%%\n */
	assert_int_equal(hb_msg_decode(&m, ns_nul, sizeof(ns_nul), &w), HB_OK);
	assert_true(w.has_sig);
	assert_string_equal(w.sig, "1 a");
	hb_msg_free(&m);
	assert_int_equal(hb_msg_decode(&m, "###\n6:(0)t=a,%%%\n", 18, &w), HB_OK);
	assert_false(w.has_sig);
	assert_int_equal(w.body_len, 17);
	hb_msg_free(&m);
}

static void test_size_limits(void **state)
{
	struct hb_msg m;
	struct hb_wire w;
	size_t big = HB_MSG_MAX_WIRE + 1;
	char *buf = malloc(big);
	size_t off;

	(void)state;
	memset(buf, 'a', big);
	memcpy(buf, "###\n", 4);
	assert_int_equal(hb_msg_decode(&m, buf, big, &w), HB_E_TOOBIG);

	/* too many fields */
	off = 0;
	off += (size_t)sprintf(buf + off, "###\n");
	for (int i = 0; i <= HB_MSG_MAX_FIELDS; i++)
		off += (size_t)sprintf(buf + off, "6:(0)x=1,");
	off += (size_t)sprintf(buf + off, "%%%%%%\n");
	assert_int_equal(hb_msg_decode(&m, buf, off, &w), HB_E_TOOBIG);

	/* a name over HB_MSG_MAX_NAME */
	off = (size_t)sprintf(buf, "###\n%d:(0)", 3 + HB_MSG_MAX_NAME + 1 + 2);
	memset(buf + off, 'n', HB_MSG_MAX_NAME + 1);
	off += HB_MSG_MAX_NAME + 1;
	off += (size_t)sprintf(buf + off, "=1,%%%%%%\n");
	assert_int_equal(hb_msg_decode(&m, buf, off, &w), HB_E_TOOBIG);

	/* a signature too long to be one */
	off = (size_t)sprintf(buf, "###\n6:(0)t=a,%%%%%%\n%d:", HB_MSG_SIG_MAX + 1);
	memset(buf + off, '1', HB_MSG_SIG_MAX + 1);
	off += HB_MSG_SIG_MAX + 1;
	buf[off++] = ',';
	assert_int_equal(hb_msg_decode(&m, buf, off, &w), HB_E_BADAUTH);
	free(buf);
}

static void test_build_and_access(void **state)
{
	static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t u[16];
	struct hb_msg m;
	uint64_t v;
	char buf[512];
	long n;

	(void)state;
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "t", "status"), HB_OK);
	assert_int_equal(hb_msg_add_hex(&m, "dt", 1000), HB_OK);
	assert_int_equal(hb_msg_add_dec(&m, "protocol", 1), HB_OK);
	assert_int_equal(hb_msg_add_bin(&m, "srcuuid", uuid, 16), HB_OK);
	assert_int_equal(hb_msg_add_hex(&m, "seq", 0x1234abcdULL), HB_OK);
	assert_string_equal(hb_msg_str(&m, "dt"), "3e8");
	assert_string_equal(hb_msg_str(&m, "seq"), "1234abcd");
	assert_null(hb_msg_str(&m, "srcuuid"));	/* not a string */
	assert_int_equal(hb_msg_hex(&m, "seq", &v), HB_OK);
	assert_int_equal(v, 0x1234abcdULL);
	assert_int_equal(hb_msg_dec(&m, "protocol", &v), HB_OK);
	assert_int_equal(v, 1);
	assert_int_equal(hb_msg_uuid(&m, "srcuuid", u), HB_OK);
	assert_memory_equal(u, uuid, 16);
	assert_int_equal(hb_msg_uuid(&m, "t", u), HB_E_VALUE);
	assert_int_equal(hb_msg_uuid(&m, "nope", u), HB_E_NOFIELD);
	assert_int_equal(hb_msg_hex(&m, "t", &v), HB_E_VALUE);
	assert_int_equal(hb_msg_dec(&m, "nope", &v), HB_E_NOFIELD);

	/* bad names and values are refused */
	assert_int_equal(hb_msg_add_str(&m, "", "x"), HB_E_FIELD);
	assert_int_equal(hb_msg_add_str(&m, "a=b", "x"), HB_E_FIELD);
	assert_int_equal(hb_msg_add_str(&m, "(1)x", "x"), HB_E_FIELD);
	assert_int_equal(hb_msg_add_str(&m, "a b", "x"), HB_E_FIELD);
	assert_int_equal(hb_msg_add_str(&m, "a", ""), HB_E_FIELD);
	assert_int_equal(hb_msg_add_str(&m, "a", "x\ny"), HB_E_FIELD);
	assert_int_equal(hb_msg_add(&m, HB_FT_STRUCT, "s", "x", 1), HB_E_TYPE);
	assert_int_equal(hb_msg_add(&m, HB_FT_LIST, "l", "3:abc,4:defg,", 13), HB_OK);
	assert_int_equal(hb_msg_add(&m, HB_FT_LIST, "l2", "3:abc", 5), HB_E_FIELD);

	/* set replaces in place (ha_msg_mod), or appends */
	assert_int_equal(hb_msg_set_str(&m, "t", "NS_ackmsg"), HB_OK);
	assert_string_equal(m.f[0].name, "t");
	assert_string_equal(hb_msg_str(&m, "t"), "NS_ackmsg");
	assert_int_equal(hb_msg_set_str(&m, "dest", "alice"), HB_OK);
	assert_string_equal(m.f[m.n - 1].name, "dest");
	assert_int_equal(hb_msg_remove(&m, "dest"), 1);
	assert_null(hb_msg_find(&m, "dest"));

	n = hb_msg_netstring(&m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_memory_equal(buf, "###\n14:(0)t=NS_ackmsg,9:(0)dt=3e8,13:(0)protocol=1,27:(1)srcuuid=",
			    strlen("###\n14:(0)t=NS_ackmsg,9:(0)dt=3e8,13:(0)protocol=1,27:(1)srcuuid="));
	n = hb_msg_classic(&m, HB_CLASSIC_MARKERS, buf, sizeof(buf));
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, ">>>\nt=NS_ackmsg\ndt=3e8\nprotocol=1\n"
			    "(1)srcuuid=AQIDBAUGBwgJCgsMDQ4PEA==\nseq=1234abcd\n"
			    "(3)l=3:abc,4:defg,\n<<<\n");
	hb_msg_free(&m);
}

static void test_hdr_bad_values(void **state)
{
	struct hb_msg m;
	struct hb_hdr h;

	(void)state;
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "t", "status"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "seq", "12g"), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_E_VALUE);
	assert_string_equal(h.bad, "seq");
	hb_msg_free(&m);

	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "ttl", "300"), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_E_VALUE);
	assert_string_equal(h.bad, "ttl");
	hb_msg_free(&m);

	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "hg", "11112222333344445"), HB_OK);	/* 17 digits */
	assert_int_equal(hb_msg_hdr(&m, &h), HB_E_VALUE);
	hb_msg_free(&m);

	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_bin(&m, "srcuuid", "short", 5), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_E_VALUE);
	assert_string_equal(h.bad, "srcuuid");
	hb_msg_free(&m);

	/* firstseq: decimal in NS_rexmit, hex in NS_nak_rexmit */
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "t", "NS_rexmit"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "firstseq", "10"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "lastseq", "12"), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_int_equal(h.firstseq, 10);
	assert_int_equal(h.lastseq, 12);
	assert_int_equal(hb_msg_set_str(&m, "t", "NS_nak_rexmit"), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_int_equal(h.firstseq, 0x10);
	assert_int_equal(hb_msg_set_str(&m, "t", "NS_rexmit"), HB_OK);
	assert_int_equal(hb_msg_set_str(&m, "firstseq", "a"), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_E_VALUE);
	assert_string_equal(h.bad, "firstseq");
	hb_msg_free(&m);
}

/* hb_msg_hdr reads the first field of a name, as hb_msg_find does. */
static void test_hdr_first_field_wins(void **state)
{
	static const uint8_t u1[16] = { 1 }, u2[16] = { 2 };
	struct hb_msg m;
	struct hb_hdr h;
	uint8_t u[16];

	(void)state;
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "st", "active"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "t", "status"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "seq", "1f"), HB_OK);
	assert_int_equal(hb_msg_add_bin(&m, "srcuuid", u1, 16), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "t", "NS_ackmsg"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "seq", "zz"), HB_OK);	/* not read */
	assert_int_equal(hb_msg_add_bin(&m, "srcuuid", u2, 16), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "ttl", "4"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "s", "x"), HB_OK);	/* prefixes of names */
	assert_int_equal(hb_msg_add_str(&m, "sequence", "x"), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_string_equal(h.t, "status");
	assert_string_equal(h.st, "active");
	assert_true(h.has_seq);
	assert_int_equal(h.seq, 0x1f);
	assert_true(h.has_srcuuid);
	assert_memory_equal(h.srcuuid, u1, 16);
	assert_int_equal(h.ttl, 4);
	assert_int_equal(h.protocol, -1);
	assert_false(h.has_hg);
	assert_null(h.src);
	assert_string_equal(hb_msg_str(&m, "t"), "status");
	assert_int_equal(hb_msg_uuid(&m, "srcuuid", u), HB_OK);
	assert_memory_equal(u, u1, 16);
	/* a binary t is not a string: absent for the header */
	assert_int_equal(hb_msg_set(&m, HB_FT_BINARY, "t", "ab", 2), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_null(h.t);
	/* set replaces the first of a name, remove takes all */
	assert_int_equal(hb_msg_set_str(&m, "seq", "20"), HB_OK);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_int_equal(h.seq, 0x20);
	assert_int_equal(hb_msg_remove(&m, "seq"), 2);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_false(h.has_seq);
	hb_msg_free(&m);
}

/*
 * hb_msg_set rewrites a value in place while it fits (a kept heartbeat
 * allocates nothing), moves it when it grows, copes with a value taken
 * from the field itself, and the message encodes as one built afresh.
 */
static void test_set_in_place(void **state)
{
	static const char longv[] = "a value longer than the room short values get";
	struct hb_msg m, fresh;
	const uint8_t *at;
	char a[512], b[512];
	long na, nb;

	(void)state;
	hb_msg_init(&m);
	assert_int_equal(hb_msg_add_str(&m, "t", "status"), HB_OK);
	assert_int_equal(hb_msg_add_str(&m, "seq", "1"), HB_OK);
	at = hb_msg_find(&m, "seq")->value;
	for (uint64_t v = 2; v < 5000; v += 997) {
		char hex[HB_FMT_U64_MAX];

		hb_fmt_u64(hex, v, 16);
		assert_int_equal(hb_msg_set_str(&m, "seq", hex), HB_OK);
		assert_ptr_equal(hb_msg_find(&m, "seq")->value, at);
		assert_string_equal(hb_msg_str(&m, "seq"), hex);
	}
	assert_int_equal(hb_msg_set_str(&m, "seq", longv), HB_OK);
	assert_string_equal(hb_msg_str(&m, "seq"), longv);
	assert_int_equal(hb_msg_find(&m, "seq")->vlen, strlen(longv));
	/* from itself: the tail of its own value */
	at = hb_msg_find(&m, "seq")->value;
	assert_int_equal(hb_msg_set(&m, HB_FT_STRING, "seq", at + 2, strlen(longv) - 2), HB_OK);
	assert_string_equal(hb_msg_str(&m, "seq"), longv + 2);
	assert_int_equal(hb_msg_set(&m, HB_FT_BINARY, "seq", "\0\1\2", 3), HB_OK);
	assert_int_equal(hb_msg_find(&m, "seq")->type, HB_FT_BINARY);
	assert_null(hb_msg_str(&m, "seq"));
	assert_int_equal(hb_msg_set_str(&m, "seq", "2a"), HB_OK);
	assert_int_equal(hb_msg_set_str(&m, "t", "st"), HB_OK);
	/* a refused value leaves the field as it was */
	assert_int_equal(hb_msg_set_str(&m, "t", "two\nlines"), HB_E_FIELD);
	assert_string_equal(hb_msg_str(&m, "t"), "st");
	assert_int_equal(hb_msg_set_str(&m, "t", "status"), HB_OK);

	hb_msg_init(&fresh);
	assert_int_equal(hb_msg_add_str(&fresh, "t", "status"), HB_OK);
	assert_int_equal(hb_msg_add_str(&fresh, "seq", "2a"), HB_OK);
	na = hb_msg_netstring(&m, a, sizeof(a));
	nb = hb_msg_netstring(&fresh, b, sizeof(b));
	assert_true(na > 0);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, (size_t)na);
	hb_msg_free(&fresh);
	hb_msg_free(&m);
}

/* Numbers as printf's %lu and %lx print them. */
static void test_fmt_u64(void **state)
{
	static const uint64_t vals[] = {
		0, 1, 9, 10, 15, 16, 255, 4096, 0x6b06677e, 999999999999ull,
		UINT64_MAX - 1, UINT64_MAX,
	};
	char got[HB_FMT_U64_MAX], want[32];

	(void)state;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		snprintf(want, sizeof(want), "%" PRIu64, vals[i]);
		assert_int_equal(hb_fmt_u64(got, vals[i], 10), strlen(want));
		assert_string_equal(got, want);
		snprintf(want, sizeof(want), "%" PRIx64, vals[i]);
		assert_int_equal(hb_fmt_u64(got, vals[i], 16), strlen(want));
		assert_string_equal(got, want);
	}
	/* any other base is decimal, never a loop without end */
	assert_int_equal(hb_fmt_u64(got, 1234, 0), 4);
	assert_string_equal(got, "1234");
	assert_int_equal(hb_fmt_u64(got, 1234, 1), 4);
}

static void test_base64(void **state)
{
	static const struct {
		const char *bin, *txt;
	} v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char txt[16];
	uint8_t bin[16];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].bin);

		assert_int_equal(hb_b64_enclen(n), strlen(v[i].txt));
		hb_b64_encode((const uint8_t *)v[i].bin, n, txt);
		assert_memory_equal(txt, v[i].txt, strlen(v[i].txt));
		assert_int_equal(hb_b64_decode(v[i].txt, strlen(v[i].txt), bin), (long)n);
		assert_memory_equal(bin, v[i].bin, n);
	}
	assert_int_equal(hb_b64_decode("Zg=", 3, bin), -1);
	assert_int_equal(hb_b64_decode("Zh==", 4, bin), -1);	/* stray bits */
	assert_int_equal(hb_b64_decode("Zm9=", 4, bin), -1);
	assert_int_equal(hb_b64_decode("Z===", 4, bin), -1);
	assert_int_equal(hb_b64_decode("Zg==Zg==", 8, bin), -1);
	assert_int_equal(hb_b64_decode("Zm 9", 4, bin), -1);
	assert_int_equal(hb_b64_decode("Zm=v", 4, bin), -1);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int e = 0; e > -HB_E_COUNT; e--)
		assert_string_not_equal(hb_strerror(e), "unknown error");
	assert_string_equal(hb_strerror(-99), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_all_samples),
		cmocka_unit_test(test_decode_status_init_fields),
		cmocka_unit_test(test_hdr_other_samples),
		cmocka_unit_test(test_reencode_byte_for_byte),
		cmocka_unit_test(test_cross_format),
		cmocka_unit_test(test_encode_sizing),
		cmocka_unit_test(test_truncation_every_length),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_decode_nul_handling),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_build_and_access),
		cmocka_unit_test(test_hdr_bad_values),
		cmocka_unit_test(test_hdr_first_field_wins),
		cmocka_unit_test(test_fmt_u64),
		cmocka_unit_test(test_set_in_place),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
