/*
 * Unit tests for kmod/core/wire.c, the replication wire protocol: the
 * header (magic, DRBD's magics, reserved word, types, sockets, length
 * bounds of every type at min-1/min/max/max+1), a round trip of every
 * packet type with boundary values, the exact bytes of two packets (the
 * layout PROTOCOL.md documents), every validation rule hit and its near
 * miss accepted, every byte of every sample packet flipped, version
 * agreement, PARAMS compatibility, the address order that picks the
 * initiator, and the phase table.
 *
 * With DUET_WRITE_WIRE_CORPUS=DIR set, the test also writes seed inputs
 * for tests/fuzz/fuzz_wire to DIR (format in tests/fuzz/fuzz_wire.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/bm_rle.h"
#include "kmod/core/sm.h"
#include "kmod/core/state.h"
#include "kmod/core/wire.h"
#include "kmod/uapi/duet_genl.h"

#define BUF 8192
#define D DUET_SOCK_DATA
#define M DUET_SOCK_META

static const uint8_t digest[DUET_WIRE_MAX_DIGEST] = {
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9,
};
static const uint8_t chunk[] = { DUET_BM_RLE_RUNS, 0x64, 0x03, 0x81, 0x01 };

/* ---- the specification, as a table ------------------------------------ */

/*
 * Every type: socket ("d", "m", "dm"), payload bounds, and the phases it
 * may arrive in (H hello, A auth, P params, R report, B bitmap, L live).
 */
static const struct spec {
	uint16_t type;
	const char *name, *sock;
	uint32_t min, max;
	const char *phases;
} specs[] = {
	{ DUET_P_HELLO, "HELLO", "dm", 24, 24, "H" },
	{ DUET_P_AUTH_CHALLENGE, "AUTH_CHALLENGE", "d", 32, 32, "A" },
	{ DUET_P_AUTH_RESPONSE, "AUTH_RESPONSE", "d", 1, 64, "A" },
	{ DUET_P_PARAMS, "PARAMS", "d", 48, 48, "P" },
	{ DUET_P_SIZES, "SIZES", "d", 32, 32, "RL" },
	{ DUET_P_UUIDS, "UUIDS", "d", 48, 48, "RL" },
	{ DUET_P_STATE, "STATE", "d", 8, 8, "RBL" },
	{ DUET_P_STATE_CHG_REQ, "STATE_CHG_REQ", "d", 8, 8, "L" },
	{ DUET_P_SYNC_UUID, "SYNC_UUID", "d", 8, 8, "B" },
	{ DUET_P_PARAMS_UPDATE, "PARAMS_UPDATE", "d", 48, 48, "L" },
	{ DUET_P_DATA, "DATA", "d", 32, 32 + 64 + (1 << 20), "L" },
	{ DUET_P_BARRIER, "BARRIER", "d", 8, 8, "BL" },
	{ DUET_P_BITMAP, "BITMAP", "d", 1, 4096, "B" },
	{ DUET_P_RS_REQUEST, "RS_REQUEST", "d", 24, 24, "L" },
	{ DUET_P_RS_DATA, "RS_DATA", "d", 32, 32 + 64 + (1 << 20), "L" },
	{ DUET_P_OUT_OF_SYNC, "OUT_OF_SYNC", "d", 24, 24, "BL" },
	{ DUET_P_OV_REQUEST, "OV_REQUEST", "d", 24, 24, "L" },
	{ DUET_P_OV_REPLY, "OV_REPLY", "d", 25, 88, "L" },
	{ DUET_P_PING, "PING", "m", 0, 0, "RBL" },
	{ DUET_P_PING_ACK, "PING_ACK", "m", 0, 0, "RBL" },
	{ DUET_P_RECV_ACK, "RECV_ACK", "m", 24, 24, "BL" },
	{ DUET_P_WRITE_ACK, "WRITE_ACK", "m", 24, 24, "BL" },
	{ DUET_P_NEG_ACK, "NEG_ACK", "m", 24, 24, "BL" },
	{ DUET_P_RS_WRITE_ACK, "RS_WRITE_ACK", "m", 24, 24, "L" },
	{ DUET_P_NEG_RS_ACK, "NEG_RS_ACK", "m", 24, 24, "L" },
	{ DUET_P_BARRIER_ACK, "BARRIER_ACK", "m", 8, 8, "BL" },
	{ DUET_P_STATE_CHG_REPLY, "STATE_CHG_REPLY", "m", 8, 8, "BL" },
	{ DUET_P_OV_RESULT, "OV_RESULT", "m", 24, 24, "L" },
};

#define NSPECS (sizeof(specs) / sizeof(specs[0]))

static const struct spec *spec_of(uint16_t type)
{
	for (size_t i = 0; i < NSPECS; i++)
		if (specs[i].type == type)
			return &specs[i];
	return NULL;
}

static enum duet_wire_sock sock_of(uint16_t type)
{
	return strchr(spec_of(type)->sock, 'd') ? D : M;
}

/* ---- samples: one valid packet of each type --------------------------- */

static uint32_t valid_state(void)
{
	struct duet_state s;

	memset(&s, 0, sizeof(s));
	s.role = DUET_ROLE_SECONDARY;
	s.peer = DUET_ROLE_PRIMARY;
	s.conn = DUET_C_CONNECTED;
	s.disk = DUET_D_UP_TO_DATE;
	s.pdsk = DUET_D_UP_TO_DATE;
	return duet_state_pack(&s);
}

/* A valid packet of @type; the digest length it goes with in *@dl. */
static void sample(uint16_t type, struct duet_wire_pkt *p, uint32_t *dl)
{
	memset(p, 0, sizeof(*p));
	p->hdr.type = type;
	*dl = 0;
	switch (type) {
	case DUET_P_HELLO:
		p->u.hello.version_min = 1;
		p->u.hello.version_max = 1;
		p->u.hello.kind = DUET_HELLO_DATA;
		p->u.hello.session = 0x0123456789abcdefULL;
		break;
	case DUET_P_AUTH_CHALLENGE:
		p->u.auth.len = DUET_WIRE_CHALLENGE_LEN;
		for (int i = 0; i < DUET_WIRE_CHALLENGE_LEN; i++)
			p->u.auth.bytes[i] = (uint8_t)(i * 7 + 1);
		break;
	case DUET_P_AUTH_RESPONSE:
		p->u.auth.len = 32;
		memset(p->u.auth.bytes, 0x5a, 32);
		break;
	case DUET_P_PARAMS:
	case DUET_P_PARAMS_UPDATE:
		p->u.params.protocol = DUET_PROT_C;
		p->u.params.after_sb_0p = DUET_ASB_DISCARD_ZERO_CHG;
		p->u.params.after_sb_1p = DUET_ASB_CONSENSUS;
		p->u.params.after_sb_2p = DUET_ASB_DISCONNECT;
		p->u.params.rr_conflict = DUET_RR_CALL_HELPER;
		p->u.params.flags = DUET_PF_ALWAYS_ASBP;
		strcpy(p->u.params.integrity_alg, "crc32c");
		break;
	case DUET_P_SIZES:
		p->u.sizes.backing_sect = 2097152;
		p->u.sizes.user_sect = 0;
		p->u.sizes.current_sect = 2096440;
		p->u.sizes.max_bio_bytes = 1 << 20;
		break;
	case DUET_P_UUIDS:
		p->u.uuids.uuid[0] = 0xdeadbeefcafe0001ULL;
		p->u.uuids.uuid[1] = 0x1000000000000002ULL;
		p->u.uuids.uuid[2] = 0x2000000000000004ULL;
		p->u.uuids.uuid[3] = 0x3000000000000008ULL;
		p->u.uuids.bits_set = 9;
		p->u.uuids.flags = DUET_UF_CRASHED_PRIMARY;
		break;
	case DUET_P_STATE:
		p->u.state = valid_state();
		break;
	case DUET_P_STATE_CHG_REQ:
		p->u.chg.mask = 0x3;
		p->u.chg.val = 0x1;
		break;
	case DUET_P_STATE_CHG_REPLY:
		p->u.chg.retcode = DUET_SS_TWO_PRIMARIES;
		break;
	case DUET_P_SYNC_UUID:
		p->u.sync_uuid = 0x4000000000000010ULL;
		break;
	case DUET_P_DATA:
		p->u.data.sector = 123456;
		p->u.data.id = 0xffff888812345678ULL;
		p->u.data.size = 4096;
		p->u.data.flags = DUET_DP_FUA | DUET_DP_WRITE_ACK;
		p->u.data.epoch = 77;
		p->u.data.seq = 1001;
		p->digest_len = 4;
		*dl = 4;
		break;
	case DUET_P_RS_DATA:
		p->u.data.sector = 8;
		p->u.data.id = 42;
		p->u.data.size = 1 << 20;
		p->u.data.seq = 3;
		break;
	case DUET_P_BARRIER:
	case DUET_P_BARRIER_ACK:
		p->u.barrier.epoch = 77;
		p->u.barrier.set_size = 12;
		break;
	case DUET_P_BITMAP:
		p->u.bitmap.bytes = chunk;
		p->u.bitmap.len = sizeof(chunk);
		break;
	case DUET_P_OV_REPLY:
		p->digest_len = 20;
		*dl = 20;
		/* fall through */
	case DUET_P_RS_REQUEST:
	case DUET_P_OUT_OF_SYNC:
	case DUET_P_OV_REQUEST:
	case DUET_P_RECV_ACK:
	case DUET_P_WRITE_ACK:
	case DUET_P_NEG_ACK:
	case DUET_P_RS_WRITE_ACK:
	case DUET_P_NEG_RS_ACK:
	case DUET_P_OV_RESULT:
		p->u.block.sector = 999 * 8;
		p->u.block.id = 0xabcdef;
		p->u.block.size = 32768;
		p->u.block.seq = type == DUET_P_OV_RESULT ? 1 : 55;
		break;
	}
}

/*
 * Encode @in, append what the caller sends after (digest, chunk), as the
 * glue does. Returns the bytes in @buf, 0 when encode refused.
 */
static uint32_t wire(const struct duet_wire_pkt *in, uint8_t *buf)
{
	uint32_t n = duet_wire_encode(in, buf, BUF);

	if (!n)
		return 0;
	if (in->hdr.type == DUET_P_BITMAP) {
		memcpy(buf + n, in->u.bitmap.bytes, in->u.bitmap.len);
		n += in->u.bitmap.len;
	} else if (in->hdr.type == DUET_P_DATA || in->hdr.type == DUET_P_RS_DATA ||
		   in->hdr.type == DUET_P_OV_REPLY) {
		memcpy(buf + n, in->digest ? in->digest : digest,
		       in->digest_len);
		n += in->digest_len;
	}
	return n;
}

/* Header and payload of @buf as received on @sock. */
static int unwire(const uint8_t *buf, enum duet_wire_sock sock, uint32_t dl,
		  struct duet_wire_pkt *out)
{
	struct duet_wire_hdr h;
	int err = duet_wire_hdr_decode(buf, sock, &h);

	if (err)
		return err;
	return duet_wire_decode(&h, buf + DUET_WIRE_HDR_LEN, dl, out);
}

/* The decoded packet equals what was encoded. */
static void assert_pkt_equal(const struct duet_wire_pkt *a,
			     const struct duet_wire_pkt *b)
{
	assert_int_equal(a->hdr.type, b->hdr.type);
	assert_int_equal(a->hdr.volume, b->hdr.volume);
	assert_int_equal(a->digest_len, b->digest_len);
	if (a->hdr.type == DUET_P_BITMAP) {
		assert_int_equal(a->u.bitmap.len, b->u.bitmap.len);
		assert_memory_equal(a->u.bitmap.bytes, b->u.bitmap.bytes,
				    a->u.bitmap.len);
		return;
	}
	if (a->hdr.type == DUET_P_AUTH_CHALLENGE ||
	    a->hdr.type == DUET_P_AUTH_RESPONSE) {
		/* bytes past len are not sent */
		assert_int_equal(a->u.auth.len, b->u.auth.len);
		assert_memory_equal(a->u.auth.bytes, b->u.auth.bytes,
				    a->u.auth.len);
		return;
	}
	assert_memory_equal(&a->u, &b->u, sizeof(a->u));
}

/* Encode and decode @p (valid): equal, and the same bytes again. */
static void round_trip(const struct duet_wire_pkt *p, uint32_t dl)
{
	static uint8_t buf[BUF], again[BUF];
	struct duet_wire_pkt out;
	uint32_t n, m;

	n = wire(p, buf);
	assert_true(n >= DUET_WIRE_HDR_LEN);
	assert_int_equal(unwire(buf, sock_of(p->hdr.type), dl, &out), 0);
	assert_pkt_equal(p, &out);
	if (out.digest_len)
		assert_memory_equal(out.digest, digest, out.digest_len);
	else
		assert_null(out.digest);
	m = wire(&out, again);
	assert_int_equal(m, n);
	assert_memory_equal(buf, again, n);
}

/* ---- header ----------------------------------------------------------- */

static void put_hdr(uint8_t *b, uint32_t magic, uint16_t type, uint16_t vol,
		    uint32_t len, uint32_t rsv)
{
	b[0] = magic >> 24, b[1] = magic >> 16, b[2] = magic >> 8, b[3] = magic;
	b[4] = type >> 8, b[5] = type;
	b[6] = vol >> 8, b[7] = vol;
	b[8] = len >> 24, b[9] = len >> 16, b[10] = len >> 8, b[11] = len;
	b[12] = rsv >> 24, b[13] = rsv >> 16, b[14] = rsv >> 8, b[15] = rsv;
}

static int hdr(uint32_t magic, uint16_t type, uint16_t vol, uint32_t len,
	       uint32_t rsv, enum duet_wire_sock sock)
{
	struct duet_wire_hdr h;
	uint8_t b[16];

	put_hdr(b, magic, type, vol, len, rsv);
	return duet_wire_hdr_decode(b, sock, &h);
}

static void test_header(void **state)
{
	struct duet_wire_hdr h;
	uint8_t b[16];
	uint32_t x = 1;

	(void)state;
	put_hdr(b, DUET_WIRE_MAGIC, DUET_P_DATA, 0, 4128, 0);
	assert_memory_equal(b, "DUET\0\x10\0\0\0\0\x10\x20\0\0\0\0", 16);
	assert_int_equal(duet_wire_hdr_decode(b, D, &h), 0);
	assert_int_equal(h.type, DUET_P_DATA);
	assert_int_equal(h.volume, 0);
	assert_int_equal(h.len, 4128);

	/* DRBD's three headers (drbd.md §5.1), with plausible contents */
	memcpy(b, "\x83\x74\x02\x67\xff\xfe\x00\x08", 8);	/* h80 handshake */
	assert_int_equal(duet_wire_hdr_decode(b, D, &h), DUET_WIRE_E_DRBD);
	memcpy(b, "\x83\x5a\x00\x00\x00\x00\x10\x00", 8);	/* h95 */
	assert_int_equal(duet_wire_hdr_decode(b, D, &h), DUET_WIRE_E_DRBD);
	memcpy(b, "\x86\x20\xec\x20\x00\x00\xff\xfe", 8);	/* h100 */
	assert_int_equal(duet_wire_hdr_decode(b, M, &h), DUET_WIRE_E_DRBD);
	/* near misses */
	assert_int_equal(hdr(0x83740268, 1, 0, 24, 0, D), DUET_WIRE_E_MAGIC);
	assert_int_equal(hdr(0x835b0000, 1, 0, 24, 0, D), DUET_WIRE_E_MAGIC);
	assert_int_equal(hdr(0x8620ec21, 1, 0, 24, 0, D), DUET_WIRE_E_MAGIC);
	assert_int_equal(hdr(0x44554555, 1, 0, 24, 0, D), DUET_WIRE_E_MAGIC);
	assert_int_equal(hdr(0x45545544, 1, 0, 24, 0, D), DUET_WIRE_E_MAGIC);

	/* random bytes: never accepted as a duet header by chance here */
	for (int i = 0; i < 100000; i++) {
		x = x * 1103515245u + 12345u;
		for (int k = 0; k < 16; k++)
			b[k] = (uint8_t)((x >> 16) ^ (uint32_t)(k * 37 + i));
		assert_true(duet_wire_hdr_decode(b, D, &h) < 0);
	}
	/* an HTTP request or an SSH banner on port 7788 */
	assert_int_equal(duet_wire_hdr_decode((const uint8_t *)"GET / HTTP/1.1\r\n",
					      D, &h), DUET_WIRE_E_MAGIC);
	assert_int_equal(duet_wire_hdr_decode((const uint8_t *)"SSH-2.0-OpenSSH_",
					      D, &h), DUET_WIRE_E_MAGIC);

	/* reserved word, each byte */
	for (int k = 0; k < 4; k++)
		assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_PING, 0, 0,
				     0x80u << (8 * k), M),
				 DUET_WIRE_E_RESERVED);
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_PING, 0, 0, 0, M), 0);

	/* volume: only 0 in version 1 */
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_PING, 1, 0, 0, M),
			 DUET_WIRE_E_FIELD);
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_PING, 0xffff, 0, 0, M),
			 DUET_WIRE_E_FIELD);

	/* sockets */
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_PING, 0, 0, 0, D),
			 DUET_WIRE_E_SOCK);
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_DATA, 0, 512 + 32, 0, M),
			 DUET_WIRE_E_SOCK);
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_HELLO, 0, 24, 0, D), 0);
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_HELLO, 0, 24, 0, M), 0);
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_HELLO, 0, 24, 0, 0),
			 DUET_WIRE_E_SOCK);
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_HELLO, 0, 24, 0, 3),
			 DUET_WIRE_E_SOCK);
}

/* Exactly the known types exist, on their sockets, within their bounds */
static void test_type_table(void **state)
{
	(void)state;
	for (uint32_t t = 0; t <= 0xffff; t++) {
		const struct spec *s = spec_of((uint16_t)t);

		if (!s) {
			assert_int_equal(hdr(DUET_WIRE_MAGIC, (uint16_t)t, 0, 8,
					     0, D), DUET_WIRE_E_TYPE);
			assert_int_equal(hdr(DUET_WIRE_MAGIC, (uint16_t)t, 0, 8,
					     0, M), DUET_WIRE_E_TYPE);
			assert_string_equal(duet_wire_type_str((uint16_t)t), "?");
			continue;
		}
		assert_string_equal(duet_wire_type_str(s->type), s->name);
		for (int k = D; k <= M; k++) {
			bool ok = strchr(s->sock, k == D ? 'd' : 'm') != NULL;
			int want = ok ? 0 : DUET_WIRE_E_SOCK;

			assert_int_equal(hdr(DUET_WIRE_MAGIC, s->type, 0, s->min,
					     0, k), want);
			assert_int_equal(hdr(DUET_WIRE_MAGIC, s->type, 0, s->max,
					     0, k), want);
			if (!ok)
				continue;
			if (s->min)
				assert_int_equal(hdr(DUET_WIRE_MAGIC, s->type, 0,
						     s->min - 1, 0, k),
						 DUET_WIRE_E_LEN);
			assert_int_equal(hdr(DUET_WIRE_MAGIC, s->type, 0,
					     s->max + 1, 0, k), DUET_WIRE_E_LEN);
			assert_int_equal(hdr(DUET_WIRE_MAGIC, s->type, 0,
					     0xffffffffu, 0, k), DUET_WIRE_E_LEN);
		}
	}
	assert_true(DUET_WIRE_HDR_LEN + 88 <= DUET_WIRE_CTRL_MAX);
	assert_true(DUET_WIRE_HDR_LEN + 32 + 64 <= DUET_WIRE_CTRL_MAX);
}

static void test_phases(void **state)
{
	static const char ph_letters[] = "HAPRBL";

	(void)state;
	for (uint32_t t = 0; t <= 0xffff; t++) {
		const struct spec *s = spec_of((uint16_t)t);

		for (int ph = DUET_PH_HELLO; ph <= DUET_PH_LIVE; ph++)
			assert_int_equal(duet_wire_expected(ph, (uint16_t)t),
					 s && strchr(s->phases, ph_letters[ph]));
		assert_false(duet_wire_expected(DUET_PH_LIVE + 1, (uint16_t)t));
		assert_false(duet_wire_expected((enum duet_wire_phase)-1,
						(uint16_t)t));
	}
	/* the handshake in order */
	assert_true(duet_wire_expected(DUET_PH_HELLO, DUET_P_HELLO));
	assert_false(duet_wire_expected(DUET_PH_HELLO, DUET_P_PARAMS));
	assert_false(duet_wire_expected(DUET_PH_AUTH, DUET_P_PARAMS));
	assert_false(duet_wire_expected(DUET_PH_PARAMS, DUET_P_AUTH_CHALLENGE));
	assert_false(duet_wire_expected(DUET_PH_LIVE, DUET_P_HELLO));
	assert_false(duet_wire_expected(DUET_PH_REPORT, DUET_P_DATA));
	assert_false(duet_wire_expected(DUET_PH_BITMAP, DUET_P_DATA));
	assert_true(duet_wire_expected(DUET_PH_BITMAP, DUET_P_OUT_OF_SYNC));
}

/* ---- round trips ------------------------------------------------------- */

static void test_round_trip_all(void **state)
{
	struct duet_wire_pkt p;
	uint32_t dl;

	(void)state;
	for (size_t i = 0; i < NSPECS; i++) {
		sample(specs[i].type, &p, &dl);
		round_trip(&p, dl);
	}
}

static void test_round_trip_bounds(void **state)
{
	struct duet_wire_pkt p;
	uint32_t dl;
	uint8_t big[DUET_WIRE_MAX_BM];

	(void)state;
	/* HELLO: all kinds, extreme versions, any features */
	sample(DUET_P_HELLO, &p, &dl);
	p.u.hello.version_max = 0xffffffffu;
	p.u.hello.features = 0xffffffffu;
	p.u.hello.session = ~0ULL;
	round_trip(&p, 0);
	p.u.hello.kind = DUET_HELLO_META;
	p.u.hello.session = 1;
	round_trip(&p, 0);
	p.u.hello.kind = DUET_HELLO_KNOCK;
	p.u.hello.session = 0;
	p.u.hello.version_min = 0xffffffffu;
	round_trip(&p, 0);
	/* AUTH_RESPONSE 1 and 64 bytes */
	sample(DUET_P_AUTH_RESPONSE, &p, &dl);
	p.u.auth.len = 1;
	round_trip(&p, 0);
	p.u.auth.len = DUET_WIRE_MAX_DIGEST;
	round_trip(&p, 0);
	/* PARAMS: the largest values, the longest name, no name */
	sample(DUET_P_PARAMS, &p, &dl);
	p.u.params.protocol = DUET_PROT_A;
	p.u.params.after_sb_0p = DUET_ASB_VIOLENTLY;
	p.u.params.after_sb_1p = DUET_ASB_VIOLENTLY;
	p.u.params.after_sb_2p = DUET_ASB_VIOLENTLY;
	p.u.params.rr_conflict = DUET_RR_VIOLENTLY;
	p.u.params.flags = DUET_PF_KNOWN;
	memset(p.u.params.integrity_alg, 'z', DUET_WIRE_ALG_LEN - 1);
	round_trip(&p, 0);
	memset(p.u.params.integrity_alg, 0, DUET_WIRE_ALG_LEN);
	round_trip(&p, 0);
	strcpy(p.u.params.integrity_alg, "hmac(sha256)-x_0");
	round_trip(&p, 0);
	/* SIZES at the limits */
	sample(DUET_P_SIZES, &p, &dl);
	p.u.sizes.backing_sect = DUET_WIRE_MAX_SECT;
	p.u.sizes.user_sect = DUET_WIRE_MAX_SECT;
	p.u.sizes.current_sect = DUET_WIRE_MAX_SECT;
	p.u.sizes.max_bio_bytes = 4096;
	round_trip(&p, 0);
	p.u.sizes.backing_sect = 0;
	p.u.sizes.current_sect = 0;
	p.u.sizes.max_bio_bytes = 4608;
	round_trip(&p, 0);
	/* UUIDS */
	sample(DUET_P_UUIDS, &p, &dl);
	p.u.uuids.flags = DUET_UF_KNOWN;
	p.u.uuids.bits_set = DUET_WIRE_MAX_SECT >> 3;
	for (int i = 0; i < 4; i++)
		p.u.uuids.uuid[i] = ~0ULL - (uint64_t)i;
	round_trip(&p, 0);
	/* STATE_CHG_REQ: every bit; STATE_CHG_REPLY at both ends */
	sample(DUET_P_STATE_CHG_REQ, &p, &dl);
	p.u.chg.mask = DUET_WIRE_STATE_BITS;
	p.u.chg.val = DUET_WIRE_STATE_BITS;
	round_trip(&p, 0);
	p.u.chg.val = 0;
	round_trip(&p, 0);
	sample(DUET_P_STATE_CHG_REPLY, &p, &dl);
	p.u.chg.retcode = DUET_SS_LAST;
	round_trip(&p, 0);
	p.u.chg.retcode = DUET_SS_NOTHING_TO_DO;
	round_trip(&p, 0);
	p.u.chg.retcode = DUET_SS_SUCCESS;
	round_trip(&p, 0);
	/* DATA: smallest and largest, the last sectors, discard, digest */
	sample(DUET_P_DATA, &p, &dl);
	p.u.data.size = 512;
	p.digest_len = 0;
	round_trip(&p, 0);
	p.u.data.size = DUET_WIRE_MAX_DATA;
	p.u.data.sector = DUET_WIRE_MAX_SECT - (DUET_WIRE_MAX_DATA >> 9);
	p.digest_len = DUET_WIRE_MAX_DIGEST;
	p.u.data.flags = DUET_DP_FLUSH | DUET_DP_FUA | DUET_DP_RECV_ACK;
	p.u.data.id = ~0ULL;
	p.u.data.epoch = ~0u;
	p.u.data.seq = ~0u;
	round_trip(&p, DUET_WIRE_MAX_DIGEST);
	p.u.data.flags = DUET_DP_DISCARD;
	round_trip(&p, DUET_WIRE_MAX_DIGEST);
	p.u.data.flags = DUET_DP_ZEROES | DUET_DP_WRITE_ACK;
	p.digest_len = 0;
	round_trip(&p, 0);
	/* RS_DATA with zeroes */
	sample(DUET_P_RS_DATA, &p, &dl);
	p.u.data.flags = DUET_DP_ZEROES;
	round_trip(&p, 0);
	/* blocks */
	sample(DUET_P_NEG_ACK, &p, &dl);
	p.u.block.size = 512;
	p.u.block.sector = DUET_WIRE_MAX_SECT - 1;
	round_trip(&p, 0);
	sample(DUET_P_OV_RESULT, &p, &dl);
	p.u.block.seq = 0;
	round_trip(&p, 0);
	/* OV_REPLY with 1 and 64 digest bytes */
	sample(DUET_P_OV_REPLY, &p, &dl);
	p.digest_len = 1;
	round_trip(&p, 1);
	p.digest_len = DUET_WIRE_MAX_DIGEST;
	round_trip(&p, DUET_WIRE_MAX_DIGEST);
	/* BITMAP: 1 byte (a code) and the largest chunk */
	sample(DUET_P_BITMAP, &p, &dl);
	p.u.bitmap.len = 1;
	round_trip(&p, 0);
	memset(big, 0xa5, sizeof(big));
	big[0] = DUET_BM_RLE_PLAIN;
	p.u.bitmap.bytes = big;
	p.u.bitmap.len = sizeof(big);
	round_trip(&p, 0);
	/* BARRIER extremes */
	sample(DUET_P_BARRIER, &p, &dl);
	p.u.barrier.epoch = ~0u;
	p.u.barrier.set_size = 0;
	round_trip(&p, 0);
}

/* The bytes of a HELLO and a DATA packet, as PROTOCOL.md lays them out */
static void test_byte_layout(void **state)
{
	static const uint8_t hello[] = {
		'D', 'U', 'E', 'T', 0, 0x01, 0, 0, 0, 0, 0, 24, 0, 0, 0, 0,
		0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	static const uint8_t data[] = {
		'D', 'U', 'E', 'T', 0, 0x10, 0, 0, 0, 0, 0x10, 0x24, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0x01, 0xe2, 0x40,
		0xff, 0xff, 0x88, 0x88, 0x12, 0x34, 0x56, 0x78,
		0, 0, 0x10, 0, 0, 0, 0, 0x21, 0, 0, 0, 77, 0, 0, 0x03, 0xe9,
	};
	static const uint8_t params[] = {
		'D', 'U', 'E', 'T', 0, 0x04, 0, 0, 0, 0, 0, 48, 0, 0, 0, 0,
		3, 3, 7, 0, 1, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0,
		'c', 'r', 'c', '3', '2', 'c', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct duet_wire_pkt p;
	uint8_t buf[BUF];
	uint32_t dl;

	(void)state;
	sample(DUET_P_HELLO, &p, &dl);
	assert_int_equal(duet_wire_encode(&p, buf, BUF), sizeof(hello));
	assert_memory_equal(buf, hello, sizeof(hello));
	/* DATA: header length 32 + 4 digest + 4096 data; 48 bytes written */
	sample(DUET_P_DATA, &p, &dl);
	assert_int_equal(duet_wire_encode(&p, buf, BUF), sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	sample(DUET_P_PARAMS, &p, &dl);
	/* garbage after the name's NUL is not sent */
	p.u.params.integrity_alg[20] = 'x';
	assert_int_equal(duet_wire_encode(&p, buf, BUF), sizeof(params));
	assert_memory_equal(buf, params, sizeof(params));
	/* the buffer must hold it all */
	assert_int_equal(duet_wire_encode(&p, buf, sizeof(params) - 1), 0);
	assert_int_equal(duet_wire_encode(&p, buf, sizeof(params)), sizeof(params));
}

/* head_len: what the glue reads before decode */
static void test_head_len(void **state)
{
	struct duet_wire_hdr h = { DUET_P_DATA, 0, 32 + 4 + 4096 };
	struct duet_wire_pkt p;
	uint8_t buf[BUF];
	uint32_t dl;

	(void)state;
	assert_int_equal(duet_wire_head_len(&h, 0), 32);
	assert_int_equal(duet_wire_head_len(&h, 4), 36);
	assert_int_equal(duet_wire_head_len(&h, 1000), 32 + 64);
	h.len = 34;	/* shorter than fixed + digest: never read past it */
	assert_int_equal(duet_wire_head_len(&h, 4), 34);
	h.type = DUET_P_RS_DATA;
	assert_int_equal(duet_wire_head_len(&h, 4), 34);
	h.type = DUET_P_OV_REPLY;
	h.len = 44;
	assert_int_equal(duet_wire_head_len(&h, 20), 44);
	h.type = DUET_P_BITMAP;
	h.len = 4096;
	assert_int_equal(duet_wire_head_len(&h, 4), 4096);

	/* DATA decode: data_len and digest */
	sample(DUET_P_DATA, &p, &dl);
	assert_true(wire(&p, buf) > 0);
	assert_int_equal(unwire(buf, D, 4, &p), 0);
	assert_int_equal(p.data_len, 4096);
	assert_int_equal(p.digest_len, 4);
	assert_ptr_equal(p.digest, buf + DUET_WIRE_HDR_LEN + 32);
	/* the same bytes with another digest size do not add up */
	assert_int_equal(unwire(buf, D, 0, &p), DUET_WIRE_E_LEN);
	assert_int_equal(unwire(buf, D, 8, &p), DUET_WIRE_E_LEN);
	assert_int_equal(unwire(buf, D, 65, &p), DUET_WIRE_E_FIELD);
	/* a discard carries no data bytes */
	sample(DUET_P_DATA, &p, &dl);
	p.u.data.flags = DUET_DP_DISCARD;
	p.u.data.size = DUET_WIRE_MAX_DATA;
	assert_int_equal(wire(&p, buf), DUET_WIRE_HDR_LEN + 32 + 4);
	assert_int_equal(unwire(buf, D, 4, &p), 0);
	assert_int_equal(p.data_len, 0);
	/* ... and one that claims data is refused */
	buf[11] = 36 + 8;
	assert_int_equal(unwire(buf, D, 4, &p), DUET_WIRE_E_LEN);
}

/* ---- validation ---------------------------------------------------------- */

/* Encode a valid sample, poke its bytes, decode: @err expected. */
static int poke(uint16_t type, uint32_t off, const void *bytes, uint32_t n)
{
	struct duet_wire_pkt p, out;
	uint8_t buf[BUF];
	uint32_t dl;

	sample(type, &p, &dl);
	assert_true(wire(&p, buf) > 0);
	memcpy(buf + DUET_WIRE_HDR_LEN + off, bytes, n);
	return unwire(buf, sock_of(type), dl, &out);
}

static int poke8(uint16_t type, uint32_t off, uint8_t v)
{
	return poke(type, off, &v, 1);
}

static int poke32(uint16_t type, uint32_t off, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	return poke(type, off, b, 4);
}

static int poke64(uint16_t type, uint32_t off, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	return poke(type, off, b, 8);
}

/* @p must encode (near miss) or not (hit). */
static void enc_ok(const struct duet_wire_pkt *p, bool ok)
{
	uint8_t buf[BUF];

	assert_int_equal(duet_wire_encode(p, buf, BUF) != 0, ok);
}

static void test_hello_rules(void **state)
{
	struct duet_wire_pkt p;
	uint32_t dl;

	(void)state;
	/* version_min 0; min > max; min == max */
	assert_int_equal(poke32(DUET_P_HELLO, 0, 0), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_HELLO, 0, 2), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_HELLO, 4, 0), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_HELLO, 4, 2), 0);
	/* kind */
	assert_int_equal(poke32(DUET_P_HELLO, 8, 0), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_HELLO, 8, 4), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_HELLO, 8, DUET_HELLO_META), 0);
	/* a KNOCK carries no session, a DATA/META HELLO one */
	assert_int_equal(poke32(DUET_P_HELLO, 8, DUET_HELLO_KNOCK),
			 DUET_WIRE_E_FIELD);
	assert_int_equal(poke64(DUET_P_HELLO, 16, 0), DUET_WIRE_E_FIELD);
	/* features: anything (ANDed with ours) */
	assert_int_equal(poke32(DUET_P_HELLO, 12, 0xffffffffu), 0);

	sample(DUET_P_HELLO, &p, &dl);
	p.u.hello.version_min = 0;
	enc_ok(&p, false);
	p.u.hello.version_min = 2;
	enc_ok(&p, false);
	p.u.hello.version_max = 2;
	enc_ok(&p, true);
	p.u.hello.session = 0;
	enc_ok(&p, false);
	p.u.hello.kind = DUET_HELLO_KNOCK;
	enc_ok(&p, true);
	p.u.hello.session = 5;
	enc_ok(&p, false);
	p.u.hello.kind = 0;
	enc_ok(&p, false);
}

static void test_auth_rules(void **state)
{
	struct duet_wire_pkt p;
	uint8_t buf[BUF];
	uint32_t dl;

	(void)state;
	sample(DUET_P_AUTH_CHALLENGE, &p, &dl);
	p.u.auth.len = DUET_WIRE_CHALLENGE_LEN - 1;
	enc_ok(&p, false);
	p.u.auth.len = DUET_WIRE_CHALLENGE_LEN + 1;
	enc_ok(&p, false);
	p.u.auth.len = DUET_WIRE_CHALLENGE_LEN;
	enc_ok(&p, true);
	sample(DUET_P_AUTH_RESPONSE, &p, &dl);
	p.u.auth.len = 0;
	enc_ok(&p, false);
	p.u.auth.len = DUET_WIRE_MAX_DIGEST + 1;
	enc_ok(&p, false);
	p.u.auth.len = 1;
	enc_ok(&p, true);
	/* the header refuses other lengths */
	assert_int_equal(hdr(DUET_WIRE_MAGIC, DUET_P_AUTH_CHALLENGE, 0, 64, 0, D),
			 DUET_WIRE_E_LEN);
	/* decode with a hand-made header outside the bounds */
	{
		struct duet_wire_hdr h = { DUET_P_AUTH_RESPONSE, 0, 65 };

		memset(buf, 0, sizeof(buf));
		assert_int_equal(duet_wire_decode(&h, buf, 0, &p), DUET_WIRE_E_LEN);
		h.len = 64;
		assert_int_equal(duet_wire_decode(&h, buf, 0, &p), 0);
		assert_int_equal(p.u.auth.len, 64);
		h.type = 0x77;
		assert_int_equal(duet_wire_decode(&h, buf, 0, &p), DUET_WIRE_E_TYPE);
		h.type = DUET_P_AUTH_RESPONSE;
		h.volume = 1;
		assert_int_equal(duet_wire_decode(&h, buf, 0, &p), DUET_WIRE_E_FIELD);
	}
}

static void test_params_rules(void **state)
{
	static const uint16_t types[] = { DUET_P_PARAMS, DUET_P_PARAMS_UPDATE };
	struct duet_wire_pkt p;
	uint32_t dl;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		uint16_t t = types[i];

		/* protocol 1..3 */
		assert_int_equal(poke8(t, 0, 0), DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 0, 4), DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 0, 1), 0);
		/* after-sb within the uapi enum, each of three */
		for (uint32_t k = 1; k <= 3; k++) {
			assert_int_equal(poke8(t, k, DUET_ASB_VIOLENTLY + 1),
					 DUET_WIRE_E_FIELD);
			assert_int_equal(poke8(t, k, 0xff), DUET_WIRE_E_FIELD);
			assert_int_equal(poke8(t, k, DUET_ASB_VIOLENTLY), 0);
		}
		assert_int_equal(poke8(t, 4, DUET_RR_VIOLENTLY + 1),
				 DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 4, DUET_RR_VIOLENTLY), 0);
		/* padding */
		for (uint32_t k = 5; k < 8; k++)
			assert_int_equal(poke8(t, k, 1), DUET_WIRE_E_RESERVED);
		for (uint32_t k = 12; k < 16; k++)
			assert_int_equal(poke8(t, k, 0x80), DUET_WIRE_E_RESERVED);
		/* flags */
		assert_int_equal(poke32(t, 8, DUET_PF_KNOWN + 1),
				 DUET_WIRE_E_RESERVED);
		assert_int_equal(poke32(t, 8, 0x80000000u), DUET_WIRE_E_RESERVED);
		assert_int_equal(poke32(t, 8, DUET_PF_KNOWN), 0);
		/* the name: characters, NUL, padding */
		assert_int_equal(poke8(t, 16, 'C'), DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 17, '.'), DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 17, ' '), DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 17, '/'), DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 17, 0x80), DUET_WIRE_E_FIELD);
		assert_int_equal(poke8(t, 17, '('), 0);
		assert_int_equal(poke8(t, 17, ')'), 0);
		assert_int_equal(poke8(t, 17, '-'), 0);
		assert_int_equal(poke8(t, 17, '_'), 0);
		assert_int_equal(poke8(t, 17, '9'), 0);
		assert_int_equal(poke8(t, 16 + 10, 'x'), DUET_WIRE_E_RESERVED);
		assert_int_equal(poke8(t, 16 + 31, 1), DUET_WIRE_E_RESERVED);
		assert_int_equal(poke8(t, 16 + 6, 'x'), 0);	/* "crc32cx" */
		{
			uint8_t name[32];

			memset(name, 'a', sizeof(name));
			assert_int_equal(poke(t, 16, name, 32), DUET_WIRE_E_FIELD);
			name[31] = 0;
			assert_int_equal(poke(t, 16, name, 32), 0);
			memset(name, 0, sizeof(name));
			assert_int_equal(poke(t, 16, name, 32), 0);
		}
	}
	sample(DUET_P_PARAMS, &p, &dl);
	p.u.params.protocol = 0;
	enc_ok(&p, false);
	p.u.params.protocol = 3;
	p.u.params.after_sb_2p = 11;
	enc_ok(&p, false);
	p.u.params.after_sb_2p = 10;
	p.u.params.rr_conflict = 3;
	enc_ok(&p, false);
	p.u.params.rr_conflict = 2;
	p.u.params.flags = 8;
	enc_ok(&p, false);
	p.u.params.flags = 7;
	memset(p.u.params.integrity_alg, 'a', DUET_WIRE_ALG_LEN);
	enc_ok(&p, false);
	p.u.params.integrity_alg[31] = 0;
	enc_ok(&p, true);
	p.u.params.integrity_alg[0] = 'A';
	enc_ok(&p, false);
}

static void test_report_rules(void **state)
{
	struct duet_wire_pkt p;
	uint32_t dl;
	struct duet_state s;

	(void)state;
	/* SIZES */
	assert_int_equal(poke32(DUET_P_SIZES, 28, 1), DUET_WIRE_E_RESERVED);
	for (uint32_t off = 0; off < 24; off += 8) {
		assert_int_equal(poke64(DUET_P_SIZES, off, DUET_WIRE_MAX_SECT + 1),
				 DUET_WIRE_E_FIELD);
		assert_int_equal(poke64(DUET_P_SIZES, off, ~0ULL),
				 DUET_WIRE_E_FIELD);
		assert_int_equal(poke64(DUET_P_SIZES, off, DUET_WIRE_MAX_SECT), 0);
	}
	assert_int_equal(poke32(DUET_P_SIZES, 24, 4096 - 512), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_SIZES, 24, 4096), 0);
	assert_int_equal(poke32(DUET_P_SIZES, 24, 4097), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_SIZES, 24, 4096 + 512), 0);
	assert_int_equal(poke32(DUET_P_SIZES, 24, DUET_WIRE_MAX_DATA + 512),
			 DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_SIZES, 24, 0), DUET_WIRE_E_FIELD);
	sample(DUET_P_SIZES, &p, &dl);
	p.u.sizes.flags = 1;
	enc_ok(&p, false);
	p.u.sizes.flags = 0;
	p.u.sizes.max_bio_bytes = 0;
	enc_ok(&p, false);

	/* UUIDS */
	assert_int_equal(poke32(DUET_P_UUIDS, 40, DUET_UF_KNOWN + 1),
			 DUET_WIRE_E_RESERVED);
	assert_int_equal(poke32(DUET_P_UUIDS, 40, DUET_UF_KNOWN), 0);
	assert_int_equal(poke32(DUET_P_UUIDS, 44, 1), DUET_WIRE_E_RESERVED);
	assert_int_equal(poke64(DUET_P_UUIDS, 32, (DUET_WIRE_MAX_SECT >> 3) + 1),
			 DUET_WIRE_E_FIELD);
	assert_int_equal(poke64(DUET_P_UUIDS, 32, DUET_WIRE_MAX_SECT >> 3), 0);
	assert_int_equal(poke64(DUET_P_UUIDS, 0, 0), 0);	/* diskless */
	sample(DUET_P_UUIDS, &p, &dl);
	p.u.uuids.flags = 0x10;
	enc_ok(&p, false);

	/* STATE: a valid word, padding, unused bits, fields out of range */
	assert_int_equal(poke32(DUET_P_STATE, 4, 1), DUET_WIRE_E_RESERVED);
	assert_int_equal(poke32(DUET_P_STATE, 0, valid_state() | 1u << 23),
			 DUET_WIRE_E_RESERVED);
	assert_int_equal(poke32(DUET_P_STATE, 0, valid_state() | 1u << 31),
			 DUET_WIRE_E_RESERVED);
	assert_int_equal(poke32(DUET_P_STATE, 0, valid_state() & ~3u),
			 DUET_WIRE_E_FIELD);	/* role unknown */
	assert_int_equal(poke32(DUET_P_STATE, 0, valid_state() | 1u << 22), 0);
	/* the bits the state word uses are exactly DUET_WIRE_STATE_BITS */
	memset(&s, 0, sizeof(s));
	s.role = DUET_ROLE_SECONDARY;
	s.peer = DUET_ROLE_SECONDARY;
	s.conn = DUET_C_NR - 1;
	s.disk = DUET_D_NR - 1;
	s.pdsk = DUET_D_NR - 1;
	s.susp = s.aftr_isp = s.peer_isp = s.user_isp = true;
	s.susp_nod = s.susp_fen = true;
	assert_int_equal(duet_state_pack(&s) & ~DUET_WIRE_STATE_BITS, 0);
	assert_true(duet_state_pack(&s) & (1u << 22));
	assert_int_equal(duet_state_unpack(1u << 23 | valid_state(), &s),
			 DUET_SS_INVALID);
	sample(DUET_P_STATE, &p, &dl);
	p.u.state = 0;
	enc_ok(&p, false);

	/* STATE_CHG_REQ */
	assert_int_equal(poke32(DUET_P_STATE_CHG_REQ, 0, 0), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REQ, 4, 0x4), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REQ, 4, 0x2), 0);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REQ, 0, 1u << 23 | 3),
			 DUET_WIRE_E_RESERVED);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REQ, 0, 1u << 22 | 3), 0);
	/* STATE_CHG_REPLY */
	assert_int_equal(poke32(DUET_P_STATE_CHG_REPLY, 0, 0), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REPLY, 0, 3), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REPLY, 0, 2), 0);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REPLY, 0,
				(uint32_t)(DUET_SS_LAST - 1)), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REPLY, 0,
				(uint32_t)DUET_SS_LAST), 0);
	assert_int_equal(poke32(DUET_P_STATE_CHG_REPLY, 4, 1),
			 DUET_WIRE_E_RESERVED);
	sample(DUET_P_STATE_CHG_REPLY, &p, &dl);
	p.u.chg.retcode = 0;
	enc_ok(&p, false);
	/* SYNC_UUID: never 0 */
	assert_int_equal(poke64(DUET_P_SYNC_UUID, 0, 0), DUET_WIRE_E_FIELD);
	assert_int_equal(poke64(DUET_P_SYNC_UUID, 0, 1), 0);
}

static void test_data_rules(void **state)
{
	struct duet_wire_pkt p;
	uint32_t dl;
	const uint16_t dt = DUET_P_DATA, rt = DUET_P_RS_DATA;

	(void)state;
	/* flags (DATA sample: FUA | WRITE_ACK) */
	assert_int_equal(poke32(dt, 20, DUET_DP_KNOWN + 1), DUET_WIRE_E_RESERVED);
	assert_int_equal(poke32(dt, 20, DUET_DP_FUA | DUET_DP_FLUSH |
				DUET_DP_RECV_ACK), 0);
	assert_int_equal(poke32(dt, 20, DUET_DP_RECV_ACK | DUET_DP_WRITE_ACK),
			 DUET_WIRE_E_FIELD);
	/* size: multiples of 512 (the length must agree: use a discard) */
	sample(dt, &p, &dl);
	p.u.data.flags = DUET_DP_DISCARD;
	enc_ok(&p, true);
	p.u.data.flags = DUET_DP_DISCARD | DUET_DP_ZEROES;
	enc_ok(&p, false);
	p.u.data.flags = DUET_DP_ZEROES;
	for (uint32_t size = 0; size <= 1024; size += 64) {
		p.u.data.size = size;
		enc_ok(&p, size == 512 || size == 1024);
	}
	p.u.data.size = DUET_WIRE_MAX_DATA;
	enc_ok(&p, true);
	p.u.data.size = DUET_WIRE_MAX_DATA + 512;
	enc_ok(&p, false);
	/* sector + size does not pass the limit (nor wrap) */
	p.u.data.size = 4096;
	p.u.data.sector = DUET_WIRE_MAX_SECT - 8;
	enc_ok(&p, true);
	p.u.data.sector = DUET_WIRE_MAX_SECT - 7;
	enc_ok(&p, false);
	p.u.data.sector = ~0ULL - 7;
	enc_ok(&p, false);
	/* the same on the wire */
	assert_int_equal(poke32(dt, 16, 4096 + 1), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(dt, 16, 0), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(dt, 16, 4096 - 512), DUET_WIRE_E_LEN);
	assert_int_equal(poke64(dt, 0, DUET_WIRE_MAX_SECT - 7), DUET_WIRE_E_FIELD);
	assert_int_equal(poke64(dt, 0, DUET_WIRE_MAX_SECT - 8), 0);
	assert_int_equal(poke64(dt, 0, ~0ULL), DUET_WIRE_E_FIELD);
	/* digest too large for the protocol */
	sample(dt, &p, &dl);
	p.digest_len = DUET_WIRE_MAX_DIGEST + 1;
	enc_ok(&p, false);
	/* RS_DATA: no write flags, no epoch */
	assert_int_equal(poke32(rt, 20, DUET_DP_FUA), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(rt, 20, DUET_DP_WRITE_ACK), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(rt, 24, 1), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(rt, 28, 0xffffffffu), 0);	/* seq: any */
	sample(rt, &p, &dl);
	p.u.data.flags = DUET_DP_DISCARD;
	enc_ok(&p, true);
	p.u.data.flags = DUET_DP_FLUSH;
	enc_ok(&p, false);
}

static void test_block_rules(void **state)
{
	struct duet_wire_pkt p;
	uint32_t dl;

	(void)state;
	for (size_t i = 0; i < NSPECS; i++) {
		uint16_t t = specs[i].type;

		if ((specs[i].min != 24 || t == DUET_P_HELLO) &&
		    t != DUET_P_OV_REPLY)
			continue;
		assert_int_equal(poke32(t, 16, 0), DUET_WIRE_E_FIELD);
		assert_int_equal(poke32(t, 16, 511), DUET_WIRE_E_FIELD);
		assert_int_equal(poke32(t, 16, 512), 0);
		assert_int_equal(poke32(t, 16, DUET_WIRE_MAX_DATA), 0);
		assert_int_equal(poke32(t, 16, DUET_WIRE_MAX_DATA + 512),
				 DUET_WIRE_E_FIELD);
		assert_int_equal(poke64(t, 0, DUET_WIRE_MAX_SECT - 64),
				 0);	/* 32 KiB: 64 sectors */
		assert_int_equal(poke64(t, 0, DUET_WIRE_MAX_SECT - 63),
				 DUET_WIRE_E_FIELD);
		sample(t, &p, &dl);
		p.u.block.size = 1000;
		enc_ok(&p, false);
	}
	/* OV_RESULT: 0 or 1 */
	assert_int_equal(poke32(DUET_P_OV_RESULT, 20, 2), DUET_WIRE_E_FIELD);
	assert_int_equal(poke32(DUET_P_OV_RESULT, 20, 0), 0);
	/* OV_REPLY: the digest length must be the negotiated one */
	sample(DUET_P_OV_REPLY, &p, &dl);
	p.digest_len = 0;
	enc_ok(&p, false);
	p.digest_len = DUET_WIRE_MAX_DIGEST + 1;
	enc_ok(&p, false);
	{
		uint8_t buf[BUF];
		struct duet_wire_pkt out;

		sample(DUET_P_OV_REPLY, &p, &dl);
		assert_true(wire(&p, buf) > 0);
		assert_int_equal(unwire(buf, D, 20, &out), 0);
		assert_int_equal(unwire(buf, D, 16, &out), DUET_WIRE_E_LEN);
		assert_int_equal(unwire(buf, D, 0, &out), DUET_WIRE_E_FIELD);
	}
	/* BITMAP: the chunk's encoding byte */
	assert_int_equal(poke8(DUET_P_BITMAP, 0, 2), DUET_WIRE_E_FIELD);
	assert_int_equal(poke8(DUET_P_BITMAP, 0, DUET_BM_RLE_PLAIN), 0);
	sample(DUET_P_BITMAP, &p, &dl);
	p.u.bitmap.bytes = NULL;
	enc_ok(&p, false);
	p.u.bitmap.bytes = chunk;
	p.u.bitmap.len = 0;
	enc_ok(&p, false);
	p.u.bitmap.len = DUET_WIRE_MAX_BM + 1;
	enc_ok(&p, false);
	/* unknown type and other volumes do not encode */
	sample(DUET_P_PING, &p, &dl);
	p.hdr.volume = 1;
	enc_ok(&p, false);
	p.hdr.volume = 0;
	enc_ok(&p, true);
	p.hdr.type = 0x30;
	enc_ok(&p, false);
}

/*
 * Every byte of every sample packet, flipped in a few ways: refused, or
 * decoded to something that encodes to exactly those bytes again.
 */
static void test_every_byte(void **state)
{
	static const uint8_t flips[] = { 0x01, 0x80, 0xff, 0x10 };
	static uint8_t buf[BUF], again[BUF];
	struct duet_wire_pkt p, out;
	uint32_t dl, n, m, accepted = 0, refused_n = 0;

	(void)state;
	for (size_t i = 0; i < NSPECS; i++) {
		sample(specs[i].type, &p, &dl);
		n = wire(&p, buf);
		assert_true(n > 0);
		for (uint32_t k = 0; k < n; k++) {
			for (size_t f = 0; f < sizeof(flips); f++) {
				struct duet_wire_hdr h;

				buf[k] ^= flips[f];
				if (duet_wire_hdr_decode(buf, sock_of(p.hdr.type),
							 &h) ||
				    duet_wire_head_len(&h, dl) + DUET_WIRE_HDR_LEN > n ||
				    duet_wire_decode(&h, buf + DUET_WIRE_HDR_LEN,
						     dl, &out)) {
					refused_n++;
					buf[k] ^= flips[f];
					continue;
				}
				accepted++;
				m = wire(&out, again);
				assert_true(m > 0);
				/* what encode writes, up to the appended part */
				assert_memory_equal(again, buf,
						    m < n ? m : n);
				buf[k] ^= flips[f];
			}
		}
	}
	assert_true(accepted > 0);
	assert_true(refused_n > 0);
}

/* ---- negotiation --------------------------------------------------------- */

static void test_version(void **state)
{
	(void)state;
	assert_int_equal(duet_wire_version_agree(1, 1, 1, 1), 1);
	assert_int_equal(duet_wire_version_agree(1, 3, 2, 5), 3);
	assert_int_equal(duet_wire_version_agree(2, 5, 1, 3), 3);
	assert_int_equal(duet_wire_version_agree(1, 9, 4, 4), 4);
	assert_int_equal(duet_wire_version_agree(1, 1, 1, 0xffffffffu), 1);
	assert_int_equal(duet_wire_version_agree(1, 1, 2, 3),
			 DUET_WIRE_E_VERSION);
	assert_int_equal(duet_wire_version_agree(2, 3, 1, 1),
			 DUET_WIRE_E_VERSION);
	/* empty ranges, version 0 */
	assert_int_equal(duet_wire_version_agree(2, 1, 1, 3),
			 DUET_WIRE_E_VERSION);
	assert_int_equal(duet_wire_version_agree(1, 3, 3, 2),
			 DUET_WIRE_E_VERSION);
	assert_int_equal(duet_wire_version_agree(0, 0, 0, 0),
			 DUET_WIRE_E_VERSION);
	assert_int_equal(duet_wire_version_agree(0, 1, 1, 1),
			 DUET_WIRE_E_VERSION);
	/* beyond int */
	assert_int_equal(duet_wire_version_agree(1, 0xffffffffu, 1, 0xffffffffu),
			 DUET_WIRE_E_VERSION);
	assert_int_equal(duet_wire_version_agree(1, 0x7fffffffu, 1, 0xffffffffu),
			 0x7fffffff);
	/* ours */
	assert_int_equal(duet_wire_version_agree(DUET_WIRE_VERSION_MIN,
						 DUET_WIRE_VERSION_MAX, 1, 1), 1);
}

#define ASB_MISMATCH "incompatible split-brain policies (after-sb-0pri/1pri/2pri, rr-conflict and always-asbp must agree; discard-local goes with discard-remote)"

static void test_params_mismatch(void **state)
{
	struct duet_wire_params a, b;
	struct duet_wire_pkt p;
	uint32_t dl;

	(void)state;
	sample(DUET_P_PARAMS, &p, &dl);
	a = p.u.params;
	b = a;
	assert_null(duet_wire_params_mismatch(&a, &b));
	/* discard-my-data on one side only is what it is for */
	b.flags |= DUET_PF_DISCARD_MY_DATA;
	assert_null(duet_wire_params_mismatch(&a, &b));
	/* protocol */
	b = a;
	b.protocol = DUET_PROT_A;
	assert_string_equal(duet_wire_params_mismatch(&a, &b),
			    "incompatible replication protocols (protocol A/B/C differ)");
	/* after-sb: equal, or discard-local against discard-remote */
	b = a;
	b.after_sb_1p = DUET_ASB_DISCONNECT;
	assert_string_equal(duet_wire_params_mismatch(&a, &b), ASB_MISMATCH);
	b = a;
	b.after_sb_2p = DUET_ASB_CALL_HELPER;
	assert_string_equal(duet_wire_params_mismatch(&a, &b), ASB_MISMATCH);
	a.after_sb_0p = DUET_ASB_DISCARD_LOCAL;
	b = a;
	assert_string_equal(duet_wire_params_mismatch(&a, &b), ASB_MISMATCH);
	b.after_sb_0p = DUET_ASB_DISCARD_REMOTE;
	assert_null(duet_wire_params_mismatch(&a, &b));
	assert_null(duet_wire_params_mismatch(&b, &a));
	b.after_sb_0p = DUET_ASB_DISCONNECT;
	assert_non_null(duet_wire_params_mismatch(&a, &b));
	assert_non_null(duet_wire_params_mismatch(&b, &a));
	a.after_sb_0p = DUET_ASB_DISCARD_REMOTE;
	b.after_sb_0p = DUET_ASB_DISCARD_REMOTE;
	assert_non_null(duet_wire_params_mismatch(&a, &b));
	/* rr-conflict and always-asbp take part in the decision: agree */
	a = p.u.params;
	b = a;
	b.rr_conflict = DUET_RR_DISCONNECT;
	assert_string_equal(duet_wire_params_mismatch(&a, &b), ASB_MISMATCH);
	b = a;
	b.flags &= ~(uint32_t)DUET_PF_ALWAYS_ASBP;
	assert_string_equal(duet_wire_params_mismatch(&a, &b), ASB_MISMATCH);
	/* two primaries */
	b = a;
	b.flags |= DUET_PF_TWO_PRIMARIES;
	assert_string_equal(duet_wire_params_mismatch(&a, &b),
			    "incompatible allow-two-primaries settings");
	a.flags |= DUET_PF_TWO_PRIMARIES;
	assert_null(duet_wire_params_mismatch(&a, &b));
	/* both discard-my-data; one is fine */
	a.flags |= DUET_PF_DISCARD_MY_DATA;
	assert_null(duet_wire_params_mismatch(&a, &b));
	b.flags |= DUET_PF_DISCARD_MY_DATA;
	assert_string_equal(duet_wire_params_mismatch(&a, &b),
			    "both sides have discard-my-data set");
	/* data-integrity-alg */
	a = p.u.params;
	b = a;
	strcpy(b.integrity_alg, "crc32");
	assert_string_equal(duet_wire_params_mismatch(&a, &b),
			    "incompatible data-integrity-alg settings");
	b.integrity_alg[0] = 0;
	assert_non_null(duet_wire_params_mismatch(&a, &b));
	a.integrity_alg[0] = 0;
	assert_null(duet_wire_params_mismatch(&a, &b));
}

static void test_addr_cmp(void **state)
{
	struct duet_wire_addr a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.family = DUET_WIRE_AF_INET;
	memcpy(a.ip, "\x0a\x00\x00\x01", 4);
	a.port = 7788;
	b = a;
	assert_int_equal(duet_wire_addr_cmp(&a, &b), 0);
	/* the IP bytes: 10.0.0.2 > 10.0.0.1, compared as bytes */
	b.ip[3] = 2;
	assert_int_equal(duet_wire_addr_cmp(&a, &b), -1);
	assert_int_equal(duet_wire_addr_cmp(&b, &a), 1);
	/* 10.0.1.0 > 10.0.0.255 */
	memcpy(a.ip, "\x0a\x00\x00\xff", 4);
	memcpy(b.ip, "\x0a\x00\x01\x00", 4);
	assert_int_equal(duet_wire_addr_cmp(&a, &b), -1);
	/* bytes after the four of IPv4 do not count */
	b = a;
	b.ip[10] = 0xff;
	assert_int_equal(duet_wire_addr_cmp(&a, &b), 0);
	/* the port, when the addresses are equal (two nodes on one host) */
	b.port = 7789;
	assert_int_equal(duet_wire_addr_cmp(&a, &b), -1);
	assert_int_equal(duet_wire_addr_cmp(&b, &a), 1);
	/* the family first: any IPv6 > any IPv4 */
	b = a;
	b.family = DUET_WIRE_AF_INET6;
	memset(b.ip, 0, 16);
	b.port = 1;
	assert_int_equal(duet_wire_addr_cmp(&a, &b), -1);
	assert_int_equal(duet_wire_addr_cmp(&b, &a), 1);
	/* IPv6 compares all 16 bytes */
	a = b;
	a.ip[15] = 1;
	assert_int_equal(duet_wire_addr_cmp(&a, &b), 1);
}

/* The constants that repeat the uapi header agree with it. */
static void test_uapi_bounds(void **state)
{
	(void)state;
	assert_int_equal(DUET_WIRE_PROTO_MIN, DUET_PROT_A);
	assert_int_equal(DUET_WIRE_PROTO_MAX, DUET_PROT_C);
	assert_int_equal(DUET_WIRE_ASB_MAX, DUET_ASB_VIOLENTLY);
	assert_int_equal(DUET_WIRE_RR_MAX, DUET_RR_VIOLENTLY);
}

static void test_strings(void **state)
{
	(void)state;
	for (int e = 0; e >= DUET_WIRE_E_LAST; e--)
		assert_null(strstr(duet_wire_strerror(e), "unknown wire"));
	assert_string_equal(duet_wire_strerror(DUET_WIRE_E_LAST - 1),
			    "unknown wire protocol error");
	assert_string_equal(duet_wire_strerror(1), "unknown wire protocol error");
	assert_non_null(strstr(duet_wire_strerror(DUET_WIRE_E_DRBD), "DRBD"));
	assert_string_equal(duet_wire_strerror(DUET_WIRE_E_VERSION),
			    "incompatible protocol versions");
}

/* ---- seed corpus for tests/fuzz/fuzz_wire ------------------------------- */

static int write_file(const char *dir, const char *name, const uint8_t *p,
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

/*
 * Not a test: DUET_WRITE_WIRE_CORPUS=DIR regenerates the fuzz seeds: one
 * file a packet type, the handshake as one stream, foreign bytes.
 */
static int write_corpus(const char *dir)
{
	static const uint16_t stream[] = {
		DUET_P_HELLO, DUET_P_AUTH_CHALLENGE, DUET_P_AUTH_RESPONSE,
		DUET_P_PARAMS, DUET_P_SIZES, DUET_P_UUIDS, DUET_P_STATE,
		DUET_P_BITMAP, DUET_P_SYNC_UUID, DUET_P_DATA, DUET_P_BARRIER,
	};
	static uint8_t buf[BUF], seed[4 * BUF];
	struct duet_wire_pkt p;
	char name[64];
	uint32_t dl, n, len = 1;
	int err = 0;

	for (size_t i = 0; i < NSPECS; i++) {
		sample(specs[i].type, &p, &dl);
		n = wire(&p, buf);
		if (!n)
			return 1;
		/* control byte: socket in bit 0, digest length above */
		seed[0] = (uint8_t)(dl << 1 | (sock_of(p.hdr.type) == M));
		memcpy(seed + 1, buf, n);
		snprintf(name, sizeof(name), "pkt-%s", specs[i].name);
		err |= write_file(dir, name, seed, n + 1);
	}
	/* the data socket's packets in order, DATA with a 4-byte digest */
	seed[0] = 4 << 1;
	for (size_t i = 0; i < sizeof(stream) / sizeof(stream[0]); i++) {
		sample(stream[i], &p, &dl);
		n = wire(&p, buf);
		memcpy(seed + len, buf, n);
		len += n;
		if (stream[i] == DUET_P_DATA) {
			memset(seed + len, 0xdd, p.u.data.size);
			len += p.u.data.size;
		}
	}
	err |= write_file(dir, "stream-handshake", seed, len);
	err |= write_file(dir, "drbd-h80",
			  (const uint8_t *)"\0\x83\x74\x02\x67\xff\xfe\0\x08", 9);
	err |= write_file(dir, "drbd-h100",
			  (const uint8_t *)"\0\x86\x20\xec\x20\0\0\xff\xfe\0\0\0\x50\0\0\0\0",
			  17);
	err |= write_file(dir, "http", (const uint8_t *)"\0GET / HTTP/1.1\r\n\r\n",
			  19);
	return err ? 1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_type_table),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_round_trip_all),
		cmocka_unit_test(test_round_trip_bounds),
		cmocka_unit_test(test_byte_layout),
		cmocka_unit_test(test_head_len),
		cmocka_unit_test(test_hello_rules),
		cmocka_unit_test(test_auth_rules),
		cmocka_unit_test(test_params_rules),
		cmocka_unit_test(test_report_rules),
		cmocka_unit_test(test_data_rules),
		cmocka_unit_test(test_block_rules),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_params_mismatch),
		cmocka_unit_test(test_addr_cmp),
		cmocka_unit_test(test_uapi_bounds),
		cmocka_unit_test(test_strings),
	};

	if (getenv("DUET_WRITE_WIRE_CORPUS"))
		return write_corpus(getenv("DUET_WRITE_WIRE_CORPUS"));
	return cmocka_run_group_tests_name("core_wire", tests, NULL, NULL);
}
