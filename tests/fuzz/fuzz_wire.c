/*
 * Fuzz target for the wire protocol decoders of kmod/core/wire.c.
 *
 * Input: one control byte, then bytes as they would arrive on a socket.
 * Bit 0 of the control byte picks the socket (0 data, 1 meta), the other
 * seven bits the negotiated digest length (0..127, so lengths above
 * DUET_WIRE_MAX_DIGEST are tried too). The rest is read as a stream of
 * packets, the way the glue reads it: a 16-byte header, then
 * duet_wire_head_len() bytes for duet_wire_decode(), then the rest of the
 * payload (data bytes) skipped; the stream ends at the first refused
 * header or when bytes run out.
 *
 * Besides "no crash, no sanitizer report": a decoded packet must encode
 * again to exactly the bytes it came from (decode -> encode -> decode is
 * stable), the lengths it reports must add up, and the helpers must hold
 * their promises (an agreed version lies in both ranges); a violation
 * aborts.
 *
 * Seeds: tests/fuzz/corpus/wire/ (regenerate the valid ones with
 * DUET_WRITE_WIRE_CORPUS=tests/fuzz/corpus/wire tests/unit/test_core_wire).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmod/core/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void check_helpers(const struct duet_wire_pkt *pkt)
{
	const struct duet_wire_hello *h = &pkt->u.hello;
	int v;

	for (int ph = DUET_PH_HELLO; ph <= DUET_PH_LIVE; ph++)
		(void)duet_wire_expected(ph, pkt->hdr.type);
	CHECK(strcmp(duet_wire_type_str(pkt->hdr.type), "?") != 0);
	if (pkt->hdr.type == DUET_P_HELLO) {
		CHECK(h->version_min >= 1 && h->version_min <= h->version_max);
		v = duet_wire_version_agree(DUET_WIRE_VERSION_MIN,
					    DUET_WIRE_VERSION_MAX,
					    h->version_min, h->version_max);
		if (v > 0)
			CHECK((uint32_t)v >= h->version_min &&
			      (uint32_t)v <= h->version_max &&
			      v >= DUET_WIRE_VERSION_MIN &&
			      v <= DUET_WIRE_VERSION_MAX);
		else
			CHECK(v == DUET_WIRE_E_VERSION);
	}
	if (pkt->hdr.type == DUET_P_PARAMS ||
	    pkt->hdr.type == DUET_P_PARAMS_UPDATE) {
		CHECK(memchr(pkt->u.params.integrity_alg, 0,
			     DUET_WIRE_ALG_LEN) != NULL);
		(void)duet_wire_params_mismatch(&pkt->u.params,
						&pkt->u.params);
	}
}

/*
 * @pkt was decoded from @raw (header + @head bytes): it encodes to the
 * same bytes, and those decode to the same packet.
 */
static void check_stable(const struct duet_wire_pkt *pkt, const uint8_t *raw,
			 uint32_t head, uint32_t digest_len,
			 enum duet_wire_sock sock)
{
	static uint8_t buf[DUET_WIRE_HDR_LEN + DUET_WIRE_MAX_BM];
	struct duet_wire_pkt again;
	struct duet_wire_hdr h;
	uint32_t n, extra = 0;

	n = duet_wire_encode(pkt, buf, sizeof(buf));
	CHECK(n >= DUET_WIRE_HDR_LEN && n <= DUET_WIRE_HDR_LEN + head);
	CHECK(n <= DUET_WIRE_CTRL_MAX);
	/* what the caller appends: digest or chunk, from the same bytes */
	if (pkt->hdr.type == DUET_P_BITMAP)
		extra = pkt->u.bitmap.len;
	else if (pkt->digest_len)
		extra = pkt->digest_len;
	CHECK(n + extra == DUET_WIRE_HDR_LEN + head);
	memcpy(buf + n, raw + n, extra);
	CHECK(memcmp(buf, raw, n + extra) == 0);

	CHECK(duet_wire_hdr_decode(buf, sock, &h) == 0);
	CHECK(h.type == pkt->hdr.type && h.len == pkt->hdr.len);
	CHECK(duet_wire_head_len(&h, digest_len) == head);
	CHECK(duet_wire_decode(&h, buf + DUET_WIRE_HDR_LEN, digest_len,
			       &again) == 0);
	CHECK(again.data_len == pkt->data_len);
	CHECK(again.digest_len == pkt->digest_len);
	if (pkt->hdr.type != DUET_P_BITMAP)
		CHECK(memcmp(&again.u, &pkt->u, sizeof(again.u)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum duet_wire_sock sock;
	struct duet_wire_pkt pkt;
	struct duet_wire_hdr h;
	uint32_t digest_len, head;
	size_t off = 1;
	int err;

	if (size < 1)
		return 0;
	sock = data[0] & 1 ? DUET_SOCK_META : DUET_SOCK_DATA;
	digest_len = data[0] >> 1;
	while (size - off >= DUET_WIRE_HDR_LEN) {
		err = duet_wire_hdr_decode(data + off, sock, &h);
		(void)duet_wire_strerror(err);
		if (err)
			break;
		CHECK(h.volume == 0);
		head = duet_wire_head_len(&h, digest_len);
		CHECK(head <= h.len);
		if (size - off - DUET_WIRE_HDR_LEN < head)
			break;
		err = duet_wire_decode(&h, data + off + DUET_WIRE_HDR_LEN,
				       digest_len, &pkt);
		(void)duet_wire_strerror(err);
		if (!err) {
			CHECK(pkt.data_len <= DUET_WIRE_MAX_DATA);
			CHECK(pkt.digest_len <= DUET_WIRE_MAX_DIGEST);
			if (h.type == DUET_P_DATA || h.type == DUET_P_RS_DATA)
				CHECK(h.len == DUET_WIRE_DATA_LEN + digest_len +
				      pkt.data_len);
			else
				CHECK(head == h.len);
			check_helpers(&pkt);
			check_stable(&pkt, data + off, head, digest_len, sock);
		}
		if (size - off - DUET_WIRE_HDR_LEN < h.len)
			break;
		off += DUET_WIRE_HDR_LEN + h.len;
	}
	return 0;
}
