// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: the replication wire protocol codec (see wire.h; the
 * specification is kmod/PROTOCOL.md).
 *
 * Decoding is two steps: parse the payload bytes into the packet struct
 * (checking the padding on the way), then run the same field checks the
 * encoder runs before it writes anything. So whatever the encoder
 * accepts decodes, and whatever the decoder accepts encodes again to the
 * same bytes.
 */
#include "wire.h"
#include "bm_rle.h"
#include "bytes.h"
#include "sm.h"
#include "uuid.h"

/* DRBD's header magics (drbd.md §5.1): h80 and h100 as u32, h95 as u16 */
#define DRBD_MAGIC_H80		0x83740267u
#define DRBD_MAGIC_H95		0x835au
#define DRBD_MAGIC_H100		0x8620ec20u

/* header fields */
#define HDR_MAGIC	0
#define HDR_TYPE	4
#define HDR_VOLUME	6
#define HDR_LEN		8
#define HDR_RESERVED	12

#define SECT_SHIFT	9
#define SECT_SIZE	(1u << SECT_SHIFT)
/* smallest "largest write" a peer may announce in SIZES */
#define MIN_MAX_BIO	4096u

/* ---- the type table ---------------------------------------------------- */

#define SOCK_D		(1u << DUET_SOCK_DATA)
#define SOCK_M		(1u << DUET_SOCK_META)
#define PH(x)		(1u << DUET_PH_##x)
/* the phases after set-up, in which pings keep the link alive */
#define PH_AFTER_PARAMS	(PH(REPORT) | PH(BITMAP) | PH(LIVE))

#define DATA_MAX_LEN	(DUET_WIRE_DATA_LEN + DUET_WIRE_MAX_DIGEST + \
			 DUET_WIRE_MAX_DATA)

struct duet_wire_type_info {
	const char *name;
	u8 sock;		/* SOCK_* it may travel on */
	u8 phases;		/* PH() it may arrive in */
	u32 min_len;		/* payload bounds */
	u32 max_len;
	u32 fixed;		/* fixed part of the payload */
};

#define T(type, s, ph, lo, hi, fix) \
	[DUET_P_##type] = { #type, s, ph, lo, hi, fix }
#define T_FIXED(type, s, ph, len)	T(type, s, ph, len, len, len)
#define T_BLOCK(type, s, ph)	T_FIXED(type, s, ph, DUET_WIRE_BLOCK_LEN)

static const struct duet_wire_type_info duet_wire_types[] = {
	T_FIXED(HELLO, SOCK_D | SOCK_M, PH(HELLO), DUET_WIRE_HELLO_LEN),
	T_FIXED(AUTH_CHALLENGE, SOCK_D, PH(AUTH), DUET_WIRE_CHALLENGE_LEN),
	T(AUTH_RESPONSE, SOCK_D, PH(AUTH), 1, DUET_WIRE_MAX_DIGEST, 0),
	T_FIXED(PARAMS, SOCK_D, PH(PARAMS), DUET_WIRE_PARAMS_LEN),
	T_FIXED(SIZES, SOCK_D, PH(REPORT) | PH(LIVE), DUET_WIRE_SIZES_LEN),
	T_FIXED(UUIDS, SOCK_D, PH(REPORT) | PH(LIVE), DUET_WIRE_UUIDS_LEN),
	T_FIXED(STATE, SOCK_D, PH_AFTER_PARAMS, DUET_WIRE_WORD_LEN),
	T_FIXED(STATE_CHG_REQ, SOCK_D, PH(LIVE), DUET_WIRE_WORD_LEN),
	T_FIXED(SYNC_UUID, SOCK_D, PH(BITMAP), DUET_WIRE_WORD_LEN),
	T_FIXED(PARAMS_UPDATE, SOCK_D, PH(LIVE), DUET_WIRE_PARAMS_LEN),
	T(DATA, SOCK_D, PH(LIVE), DUET_WIRE_DATA_LEN, DATA_MAX_LEN,
	  DUET_WIRE_DATA_LEN),
	T_FIXED(BARRIER, SOCK_D, PH(BITMAP) | PH(LIVE), DUET_WIRE_BARRIER_LEN),
	T(BITMAP, SOCK_D, PH(BITMAP), 1, DUET_WIRE_MAX_BM, 0),
	T_BLOCK(RS_REQUEST, SOCK_D, PH(LIVE)),
	T(RS_DATA, SOCK_D, PH(LIVE), DUET_WIRE_DATA_LEN, DATA_MAX_LEN,
	  DUET_WIRE_DATA_LEN),
	T_BLOCK(OUT_OF_SYNC, SOCK_D, PH(BITMAP) | PH(LIVE)),
	T_BLOCK(OV_REQUEST, SOCK_D, PH(LIVE)),
	T(OV_REPLY, SOCK_D, PH(LIVE), DUET_WIRE_BLOCK_LEN + 1,
	  DUET_WIRE_BLOCK_LEN + DUET_WIRE_MAX_DIGEST, DUET_WIRE_BLOCK_LEN),
	T_FIXED(PING, SOCK_M, PH_AFTER_PARAMS, 0),
	T_FIXED(PING_ACK, SOCK_M, PH_AFTER_PARAMS, 0),
	T_BLOCK(RECV_ACK, SOCK_M, PH(BITMAP) | PH(LIVE)),
	T_BLOCK(WRITE_ACK, SOCK_M, PH(BITMAP) | PH(LIVE)),
	T_BLOCK(NEG_ACK, SOCK_M, PH(BITMAP) | PH(LIVE)),
	T_BLOCK(RS_WRITE_ACK, SOCK_M, PH(LIVE)),
	T_BLOCK(NEG_RS_ACK, SOCK_M, PH(LIVE)),
	T_FIXED(BARRIER_ACK, SOCK_M, PH(BITMAP) | PH(LIVE),
		DUET_WIRE_BARRIER_LEN),
	T_FIXED(STATE_CHG_REPLY, SOCK_M, PH(BITMAP) | PH(LIVE),
		DUET_WIRE_WORD_LEN),
	T_BLOCK(OV_RESULT, SOCK_M, PH(LIVE)),
};

static const struct duet_wire_type_info *duet_wire_type(u16 type)
{
	if (type >= ARRAY_SIZE(duet_wire_types) || !duet_wire_types[type].name)
		return NULL;
	return &duet_wire_types[type];
}

const char *duet_wire_type_str(u16 type)
{
	const struct duet_wire_type_info *t = duet_wire_type(type);

	return t ? t->name : "?";
}

static const char *const duet_wire_errors[] = {
	[0] = "OK",
	[-DUET_WIRE_E_MAGIC] = "not a duet packet (bad magic)",
	[-DUET_WIRE_E_DRBD] =
		"the peer speaks DRBD's protocol (stock drbd.ko?), not duet's",
	[-DUET_WIRE_E_RESERVED] =
		"reserved bits, unknown flags or padding set",
	[-DUET_WIRE_E_TYPE] = "unknown packet type",
	[-DUET_WIRE_E_SOCK] = "packet type not allowed on this socket",
	[-DUET_WIRE_E_LEN] = "packet length out of bounds for its type",
	[-DUET_WIRE_E_FIELD] = "a packet field is out of range",
	[-DUET_WIRE_E_VERSION] = "incompatible protocol versions",
};

const char *duet_wire_strerror(int err)
{
	if (err <= 0 && err >= DUET_WIRE_E_LAST)
		return duet_wire_errors[-err];
	return "unknown wire protocol error";
}

/* ---- header ----------------------------------------------------------- */

static bool duet_wire_sock_ok(const struct duet_wire_type_info *t,
			      enum duet_wire_sock sock)
{
	return (sock == DUET_SOCK_DATA || sock == DUET_SOCK_META) &&
	       (t->sock & (1u << sock));
}

int duet_wire_hdr_decode(const u8 *buf, enum duet_wire_sock sock,
			 struct duet_wire_hdr *h)
{
	const struct duet_wire_type_info *t;
	u32 magic = duet_get_be32(buf + HDR_MAGIC);
	u32 len;
	u16 type;

	if (magic != DUET_WIRE_MAGIC) {
		if (magic == DRBD_MAGIC_H80 || magic == DRBD_MAGIC_H100 ||
		    duet_get_be16(buf) == DRBD_MAGIC_H95)
			return DUET_WIRE_E_DRBD;
		return DUET_WIRE_E_MAGIC;
	}
	if (duet_get_be32(buf + HDR_RESERVED))
		return DUET_WIRE_E_RESERVED;
	type = duet_get_be16(buf + HDR_TYPE);
	t = duet_wire_type(type);
	if (!t)
		return DUET_WIRE_E_TYPE;
	if (!duet_wire_sock_ok(t, sock))
		return DUET_WIRE_E_SOCK;
	len = duet_get_be32(buf + HDR_LEN);
	if (len < t->min_len || len > t->max_len)
		return DUET_WIRE_E_LEN;
	if (duet_get_be16(buf + HDR_VOLUME) >= DUET_WIRE_VOLUMES)
		return DUET_WIRE_E_FIELD;
	h->type = type;
	h->volume = duet_get_be16(buf + HDR_VOLUME);
	h->len = len;
	return DUET_WIRE_OK;
}

static bool duet_wire_has_data(u16 type)
{
	return type == DUET_P_DATA || type == DUET_P_RS_DATA;
}

u32 duet_wire_head_len(const struct duet_wire_hdr *h, u32 digest_len)
{
	u32 n;

	if (!duet_wire_has_data(h->type))
		return h->len;
	if (digest_len > DUET_WIRE_MAX_DIGEST)
		digest_len = DUET_WIRE_MAX_DIGEST;
	n = DUET_WIRE_DATA_LEN + digest_len;
	return n < h->len ? n : h->len;
}

/* ---- field checks (encode and decode) ---------------------------------- */

static int duet_wire_check_hello(const struct duet_wire_hello *h)
{
	if (!h->version_min || h->version_min > h->version_max)
		return DUET_WIRE_E_FIELD;
	switch (h->kind) {
	case DUET_HELLO_DATA:
	case DUET_HELLO_META:
		/* a session is random and never 0 */
		return h->session ? DUET_WIRE_OK : DUET_WIRE_E_FIELD;
	case DUET_HELLO_KNOCK:
		return h->session ? DUET_WIRE_E_FIELD : DUET_WIRE_OK;
	}
	return DUET_WIRE_E_FIELD;
}

/* [a-z0-9()_-] */
static bool duet_wire_alg_char(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '(' || c == ')' || c == '-' || c == '_';
}

/* Length of a valid algorithm name, or -1 (no NUL, a bad character). */
static int duet_wire_alg_len(const char *a)
{
	int i;

	for (i = 0; i < DUET_WIRE_ALG_LEN; i++) {
		if (!a[i])
			return i;
		if (!duet_wire_alg_char((u8)a[i]))
			return -1;
	}
	return -1;
}

static int duet_wire_check_params(const struct duet_wire_params *pr)
{
	if (pr->protocol < DUET_WIRE_PROTO_MIN ||
	    pr->protocol > DUET_WIRE_PROTO_MAX ||
	    pr->after_sb_0p > DUET_WIRE_ASB_MAX ||
	    pr->after_sb_1p > DUET_WIRE_ASB_MAX ||
	    pr->after_sb_2p > DUET_WIRE_ASB_MAX ||
	    pr->rr_conflict > DUET_WIRE_RR_MAX)
		return DUET_WIRE_E_FIELD;
	if (pr->flags & ~(u32)DUET_PF_KNOWN)
		return DUET_WIRE_E_RESERVED;
	if (duet_wire_alg_len(pr->integrity_alg) < 0)
		return DUET_WIRE_E_FIELD;
	return DUET_WIRE_OK;
}

static int duet_wire_check_sizes(const struct duet_wire_sizes *s)
{
	if (s->flags)
		return DUET_WIRE_E_RESERVED;
	if (s->backing_sect > DUET_WIRE_MAX_SECT ||
	    s->user_sect > DUET_WIRE_MAX_SECT ||
	    s->current_sect > DUET_WIRE_MAX_SECT ||
	    s->max_bio_bytes < MIN_MAX_BIO ||
	    s->max_bio_bytes > DUET_WIRE_MAX_DATA ||
	    s->max_bio_bytes % SECT_SIZE)
		return DUET_WIRE_E_FIELD;
	return DUET_WIRE_OK;
}

static int duet_wire_check_uuids(const struct duet_wire_uuids *u)
{
	if (u->flags & ~(u32)DUET_UF_KNOWN)
		return DUET_WIRE_E_RESERVED;
	/* one bit per 4 KiB of the largest device */
	if (u->bits_set > DUET_WIRE_MAX_SECT >> 3)
		return DUET_WIRE_E_FIELD;
	return DUET_WIRE_OK;
}

static int duet_wire_check_state(u32 word)
{
	struct duet_state s;

	if (word & ~DUET_WIRE_STATE_BITS)
		return DUET_WIRE_E_RESERVED;
	return duet_state_unpack(word, &s) == DUET_SS_SUCCESS ?
		DUET_WIRE_OK : DUET_WIRE_E_FIELD;
}

static int duet_wire_check_chg(u16 type, const struct duet_wire_state_chg *c)
{
	if (type == DUET_P_STATE_CHG_REPLY)
		return c->retcode >= DUET_SS_LAST && c->retcode != 0 &&
		       c->retcode <= DUET_SS_NOTHING_TO_DO ?
			DUET_WIRE_OK : DUET_WIRE_E_FIELD;
	if ((c->mask | c->val) & ~DUET_WIRE_STATE_BITS)
		return DUET_WIRE_E_RESERVED;
	if (!c->mask || (c->val & ~c->mask))
		return DUET_WIRE_E_FIELD;
	return DUET_WIRE_OK;
}

/* A range of @size bytes at @sector: 512 .. MAX_DATA, whole sectors. */
static bool duet_wire_range_ok(u64 sector, u32 size)
{
	return size >= SECT_SIZE && size <= DUET_WIRE_MAX_DATA &&
	       !(size % SECT_SIZE) &&
	       sector <= DUET_WIRE_MAX_SECT - (size >> SECT_SHIFT);
}

/* DATA and RS_DATA: *@len gets the payload length the fields imply. */
static int duet_wire_check_data(u16 type, const struct duet_wire_data *d,
				u32 digest_len, u32 *len)
{
	u32 f = d->flags;

	if (f & ~(u32)DUET_DP_KNOWN)
		return DUET_WIRE_E_RESERVED;
	if (type == DUET_P_RS_DATA &&
	    ((f & ~(u32)(DUET_DP_DISCARD | DUET_DP_ZEROES)) || d->epoch))
		return DUET_WIRE_E_FIELD;
	if ((f & DUET_DP_DISCARD) && (f & DUET_DP_ZEROES))
		return DUET_WIRE_E_FIELD;
	if ((f & DUET_DP_RECV_ACK) && (f & DUET_DP_WRITE_ACK))
		return DUET_WIRE_E_FIELD;
	if (!duet_wire_range_ok(d->sector, d->size) ||
	    digest_len > DUET_WIRE_MAX_DIGEST)
		return DUET_WIRE_E_FIELD;
	*len = DUET_WIRE_DATA_LEN + digest_len;
	if (!(f & (DUET_DP_DISCARD | DUET_DP_ZEROES)))
		*len += d->size;
	return DUET_WIRE_OK;
}

static int duet_wire_check_block(u16 type, const struct duet_wire_block *b)
{
	if (!duet_wire_range_ok(b->sector, b->size))
		return DUET_WIRE_E_FIELD;
	if (type == DUET_P_OV_RESULT && b->seq > 1)
		return DUET_WIRE_E_FIELD;
	return DUET_WIRE_OK;
}

static bool duet_wire_is_block(u16 type)
{
	switch (type) {
	case DUET_P_RS_REQUEST:
	case DUET_P_OUT_OF_SYNC:
	case DUET_P_OV_REQUEST:
	case DUET_P_OV_REPLY:
	case DUET_P_RECV_ACK:
	case DUET_P_WRITE_ACK:
	case DUET_P_NEG_ACK:
	case DUET_P_RS_WRITE_ACK:
	case DUET_P_NEG_RS_ACK:
	case DUET_P_OV_RESULT:
		return true;
	}
	return false;
}

/*
 * Check the fields of @pkt, whose type is known. *@len gets the payload
 * length they imply, *@head the bytes the encoder writes after the header.
 */
static int duet_wire_check(const struct duet_wire_pkt *pkt, u32 digest_len,
			   const struct duet_wire_type_info *t, u32 *len,
			   u32 *head)
{
	u16 type = pkt->hdr.type;
	int err = DUET_WIRE_OK;

	*len = t->fixed;
	*head = t->fixed;
	if (duet_wire_is_block(type)) {
		err = duet_wire_check_block(type, &pkt->u.block);
		if (!err && type == DUET_P_OV_REPLY) {
			if (!digest_len || digest_len > DUET_WIRE_MAX_DIGEST)
				return DUET_WIRE_E_FIELD;
			*len += digest_len;
		}
		return err;
	}
	switch (type) {
	case DUET_P_HELLO:
		return duet_wire_check_hello(&pkt->u.hello);
	case DUET_P_AUTH_CHALLENGE:
	case DUET_P_AUTH_RESPONSE:
		if (pkt->u.auth.len < t->min_len ||
		    pkt->u.auth.len > t->max_len)
			return DUET_WIRE_E_FIELD;
		*len = pkt->u.auth.len;
		*head = *len;
		return DUET_WIRE_OK;
	case DUET_P_PARAMS:
	case DUET_P_PARAMS_UPDATE:
		return duet_wire_check_params(&pkt->u.params);
	case DUET_P_SIZES:
		return duet_wire_check_sizes(&pkt->u.sizes);
	case DUET_P_UUIDS:
		return duet_wire_check_uuids(&pkt->u.uuids);
	case DUET_P_STATE:
		return duet_wire_check_state(pkt->u.state);
	case DUET_P_STATE_CHG_REQ:
	case DUET_P_STATE_CHG_REPLY:
		return duet_wire_check_chg(type, &pkt->u.chg);
	case DUET_P_SYNC_UUID:
		return pkt->u.sync_uuid ? DUET_WIRE_OK : DUET_WIRE_E_FIELD;
	case DUET_P_DATA:
	case DUET_P_RS_DATA:
		return duet_wire_check_data(type, &pkt->u.data, digest_len,
					    len);
	case DUET_P_BITMAP:
		if (!pkt->u.bitmap.bytes || pkt->u.bitmap.len < t->min_len ||
		    pkt->u.bitmap.len > t->max_len)
			return DUET_WIRE_E_FIELD;
		if (pkt->u.bitmap.bytes[0] != DUET_BM_RLE_PLAIN &&
		    pkt->u.bitmap.bytes[0] != DUET_BM_RLE_RUNS)
			return DUET_WIRE_E_FIELD;
		*len = pkt->u.bitmap.len;
		return DUET_WIRE_OK;
	}
	/* BARRIER, BARRIER_ACK, PING, PING_ACK: nothing to check */
	return err;
}

/* ---- decode ------------------------------------------------------------ */

static void duet_wire_get_block(const u8 *p, struct duet_wire_block *b)
{
	b->sector = duet_get_be64(p);
	b->id = duet_get_be64(p + 8);
	b->size = duet_get_be32(p + 16);
	b->seq = duet_get_be32(p + 20);
}

static int duet_wire_get_params(const u8 *p, struct duet_wire_params *pr)
{
	int n;

	if (!duet_all_zero(p + 5, 3) || duet_get_be32(p + 12))
		return DUET_WIRE_E_RESERVED;
	pr->protocol = p[0];
	pr->after_sb_0p = p[1];
	pr->after_sb_1p = p[2];
	pr->after_sb_2p = p[3];
	pr->rr_conflict = p[4];
	pr->flags = duet_get_be32(p + 8);
	memcpy(pr->integrity_alg, p + 16, DUET_WIRE_ALG_LEN);
	/* NUL padded: nothing after the name */
	n = duet_wire_alg_len(pr->integrity_alg);
	if (n >= 0 && !duet_all_zero(p + 16 + n, DUET_WIRE_ALG_LEN - n))
		return DUET_WIRE_E_RESERVED;
	return DUET_WIRE_OK;
}

/* Parse the payload into @pkt: padding checked, fields not yet. */
static int duet_wire_parse(const u8 *p, u32 plen, struct duet_wire_pkt *pkt)
{
	struct duet_wire_hello *hello = &pkt->u.hello;
	struct duet_wire_sizes *sizes = &pkt->u.sizes;
	struct duet_wire_uuids *uuids = &pkt->u.uuids;
	struct duet_wire_data *d = &pkt->u.data;
	u16 type = pkt->hdr.type;
	int i;

	if (duet_wire_is_block(type)) {
		duet_wire_get_block(p, &pkt->u.block);
		return DUET_WIRE_OK;
	}
	switch (type) {
	case DUET_P_HELLO:
		hello->version_min = duet_get_be32(p);
		hello->version_max = duet_get_be32(p + 4);
		hello->kind = duet_get_be32(p + 8);
		hello->features = duet_get_be32(p + 12);
		hello->session = duet_get_be64(p + 16);
		break;
	case DUET_P_AUTH_CHALLENGE:
	case DUET_P_AUTH_RESPONSE:
		pkt->u.auth.len = plen;
		memcpy(pkt->u.auth.bytes, p, plen);
		break;
	case DUET_P_PARAMS:
	case DUET_P_PARAMS_UPDATE:
		return duet_wire_get_params(p, &pkt->u.params);
	case DUET_P_SIZES:
		sizes->backing_sect = duet_get_be64(p);
		sizes->user_sect = duet_get_be64(p + 8);
		sizes->current_sect = duet_get_be64(p + 16);
		sizes->max_bio_bytes = duet_get_be32(p + 24);
		sizes->flags = duet_get_be32(p + 28);
		break;
	case DUET_P_UUIDS:
		for (i = 0; i < 4; i++)
			uuids->uuid[i] = duet_get_be64(p + 8 * i);
		uuids->bits_set = duet_get_be64(p + 32);
		uuids->flags = duet_get_be32(p + 40);
		return duet_get_be32(p + 44) ? DUET_WIRE_E_RESERVED :
					       DUET_WIRE_OK;
	case DUET_P_STATE:
		pkt->u.state = duet_get_be32(p);
		return duet_get_be32(p + 4) ? DUET_WIRE_E_RESERVED :
					      DUET_WIRE_OK;
	case DUET_P_STATE_CHG_REQ:
		pkt->u.chg.mask = duet_get_be32(p);
		pkt->u.chg.val = duet_get_be32(p + 4);
		break;
	case DUET_P_STATE_CHG_REPLY:
		pkt->u.chg.retcode = (s32)duet_get_be32(p);
		return duet_get_be32(p + 4) ? DUET_WIRE_E_RESERVED :
					      DUET_WIRE_OK;
	case DUET_P_SYNC_UUID:
		pkt->u.sync_uuid = duet_get_be64(p);
		break;
	case DUET_P_DATA:
	case DUET_P_RS_DATA:
		d->sector = duet_get_be64(p);
		d->id = duet_get_be64(p + 8);
		d->size = duet_get_be32(p + 16);
		d->flags = duet_get_be32(p + 20);
		d->epoch = duet_get_be32(p + 24);
		d->seq = duet_get_be32(p + 28);
		break;
	case DUET_P_BARRIER:
	case DUET_P_BARRIER_ACK:
		pkt->u.barrier.epoch = duet_get_be32(p);
		pkt->u.barrier.set_size = duet_get_be32(p + 4);
		break;
	case DUET_P_BITMAP:
		pkt->u.bitmap.bytes = p;
		pkt->u.bitmap.len = plen;
		break;
	}
	return DUET_WIRE_OK;
}

int duet_wire_decode(const struct duet_wire_hdr *h, const u8 *p,
		     u32 digest_len, struct duet_wire_pkt *pkt)
{
	const struct duet_wire_type_info *t = duet_wire_type(h->type);
	u32 len, head;
	int err;

	if (!t)
		return DUET_WIRE_E_TYPE;
	if (h->len < t->min_len || h->len > t->max_len)
		return DUET_WIRE_E_LEN;
	if (h->volume >= DUET_WIRE_VOLUMES)
		return DUET_WIRE_E_FIELD;
	memset(pkt, 0, sizeof(*pkt));
	pkt->hdr = *h;
	err = duet_wire_parse(p, h->len, pkt);
	if (err)
		return err;
	err = duet_wire_check(pkt, digest_len, t, &len, &head);
	if (err)
		return err;
	if (len != h->len)
		return DUET_WIRE_E_LEN;
	if (duet_wire_has_data(h->type)) {
		pkt->digest_len = digest_len;
		pkt->data_len = len - DUET_WIRE_DATA_LEN - digest_len;
	} else if (h->type == DUET_P_OV_REPLY) {
		pkt->digest_len = digest_len;
	}
	if (pkt->digest_len)
		pkt->digest = p + t->fixed;
	return DUET_WIRE_OK;
}

/* ---- encode ------------------------------------------------------------ */

static void duet_wire_put_block(u8 *p, const struct duet_wire_block *b)
{
	duet_put_be64(p, b->sector);
	duet_put_be64(p + 8, b->id);
	duet_put_be32(p + 16, b->size);
	duet_put_be32(p + 20, b->seq);
}

static void duet_wire_put_params(u8 *p, const struct duet_wire_params *pr)
{
	p[0] = pr->protocol;
	p[1] = pr->after_sb_0p;
	p[2] = pr->after_sb_1p;
	p[3] = pr->after_sb_2p;
	p[4] = pr->rr_conflict;
	duet_put_be32(p + 8, pr->flags);
	/* the name, NUL padded whatever follows its NUL in @pr */
	memcpy(p + 16, pr->integrity_alg,
	       duet_wire_alg_len(pr->integrity_alg));
}

/* Write the fixed payload of @pkt (checked) at @p, zeroed by the caller */
static void duet_wire_put(u8 *p, const struct duet_wire_pkt *pkt)
{
	const struct duet_wire_data *d = &pkt->u.data;
	const struct duet_wire_hello *hello = &pkt->u.hello;
	const struct duet_wire_sizes *sizes = &pkt->u.sizes;
	u16 type = pkt->hdr.type;
	int i;

	if (duet_wire_is_block(type)) {
		duet_wire_put_block(p, &pkt->u.block);
		return;
	}
	switch (type) {
	case DUET_P_HELLO:
		duet_put_be32(p, hello->version_min);
		duet_put_be32(p + 4, hello->version_max);
		duet_put_be32(p + 8, hello->kind);
		duet_put_be32(p + 12, hello->features);
		duet_put_be64(p + 16, hello->session);
		break;
	case DUET_P_AUTH_CHALLENGE:
	case DUET_P_AUTH_RESPONSE:
		memcpy(p, pkt->u.auth.bytes, pkt->u.auth.len);
		break;
	case DUET_P_PARAMS:
	case DUET_P_PARAMS_UPDATE:
		duet_wire_put_params(p, &pkt->u.params);
		break;
	case DUET_P_SIZES:
		duet_put_be64(p, sizes->backing_sect);
		duet_put_be64(p + 8, sizes->user_sect);
		duet_put_be64(p + 16, sizes->current_sect);
		duet_put_be32(p + 24, sizes->max_bio_bytes);
		break;
	case DUET_P_UUIDS:
		for (i = 0; i < 4; i++)
			duet_put_be64(p + 8 * i, pkt->u.uuids.uuid[i]);
		duet_put_be64(p + 32, pkt->u.uuids.bits_set);
		duet_put_be32(p + 40, pkt->u.uuids.flags);
		break;
	case DUET_P_STATE:
		duet_put_be32(p, pkt->u.state);
		break;
	case DUET_P_STATE_CHG_REQ:
		duet_put_be32(p, pkt->u.chg.mask);
		duet_put_be32(p + 4, pkt->u.chg.val);
		break;
	case DUET_P_STATE_CHG_REPLY:
		duet_put_be32(p, (u32)pkt->u.chg.retcode);
		break;
	case DUET_P_SYNC_UUID:
		duet_put_be64(p, pkt->u.sync_uuid);
		break;
	case DUET_P_DATA:
	case DUET_P_RS_DATA:
		duet_put_be64(p, d->sector);
		duet_put_be64(p + 8, d->id);
		duet_put_be32(p + 16, d->size);
		duet_put_be32(p + 20, d->flags);
		duet_put_be32(p + 24, d->epoch);
		duet_put_be32(p + 28, d->seq);
		break;
	case DUET_P_BARRIER:
	case DUET_P_BARRIER_ACK:
		duet_put_be32(p, pkt->u.barrier.epoch);
		duet_put_be32(p + 4, pkt->u.barrier.set_size);
		break;
	}
}

u32 duet_wire_encode(const struct duet_wire_pkt *pkt, u8 *buf, u32 cap)
{
	const struct duet_wire_type_info *t = duet_wire_type(pkt->hdr.type);
	u32 len, head;

	if (!t || pkt->hdr.volume >= DUET_WIRE_VOLUMES)
		return 0;
	if (duet_wire_check(pkt, pkt->digest_len, t, &len, &head))
		return 0;
	if (len < t->min_len || len > t->max_len ||
	    cap < DUET_WIRE_HDR_LEN + head)
		return 0;
	memset(buf, 0, DUET_WIRE_HDR_LEN + head);
	duet_put_be32(buf + HDR_MAGIC, DUET_WIRE_MAGIC);
	duet_put_be16(buf + HDR_TYPE, pkt->hdr.type);
	duet_put_be16(buf + HDR_VOLUME, pkt->hdr.volume);
	duet_put_be32(buf + HDR_LEN, len);
	duet_wire_put(buf + DUET_WIRE_HDR_LEN, pkt);
	return DUET_WIRE_HDR_LEN + head;
}

/* ---- negotiation -------------------------------------------------------- */

int duet_wire_version_agree(u32 my_min, u32 my_max, u32 peer_min,
			    u32 peer_max)
{
	u32 lo, hi;

	if (!my_min || !peer_min || my_min > my_max || peer_min > peer_max)
		return DUET_WIRE_E_VERSION;
	lo = my_min > peer_min ? my_min : peer_min;
	hi = my_max < peer_max ? my_max : peer_max;
	if (lo > hi || hi > 0x7fffffffu)
		return DUET_WIRE_E_VERSION;
	return (int)hi;
}

/* The split-brain policies of PARAMS, as the sync decision takes them */
static void duet_wire_policy(const struct duet_wire_params *pr,
			     struct duet_uuid_policy *p)
{
	p->after_sb_0pri = (enum duet_uuid_asb)pr->after_sb_0p;
	p->after_sb_1pri = (enum duet_uuid_asb)pr->after_sb_1p;
	p->after_sb_2pri = (enum duet_uuid_asb)pr->after_sb_2p;
	p->rr_conflict = (enum duet_uuid_rr)pr->rr_conflict;
	p->always_asbp = pr->flags & DUET_PF_ALWAYS_ASBP;
}

const char *duet_wire_params_mismatch(const struct duet_wire_params *mine,
				      const struct duet_wire_params *peer)
{
	struct duet_uuid_policy a, b;

	if (mine->protocol != peer->protocol)
		return "incompatible replication protocols (protocol A/B/C differ)";
	/* both nodes must reach mirror-image split-brain decisions */
	duet_wire_policy(mine, &a);
	duet_wire_policy(peer, &b);
	if (!duet_uuid_policies_compatible(&a, &b))
		return "incompatible split-brain policies (after-sb-0pri/1pri/2pri, rr-conflict and always-asbp must agree; discard-local goes with discard-remote)";
	if ((mine->flags ^ peer->flags) & DUET_PF_TWO_PRIMARIES)
		return "incompatible allow-two-primaries settings";
	if (mine->flags & peer->flags & DUET_PF_DISCARD_MY_DATA)
		return "both sides have discard-my-data set";
	if (strncmp(mine->integrity_alg, peer->integrity_alg,
		    DUET_WIRE_ALG_LEN))
		return "incompatible data-integrity-alg settings";
	return NULL;
}

int duet_wire_addr_cmp(const struct duet_wire_addr *a,
		       const struct duet_wire_addr *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->ip, b->ip, a->family == DUET_WIRE_AF_INET ? 4 : 16);
	if (c)
		return c < 0 ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

/* ---- phases ------------------------------------------------------------ */

bool duet_wire_expected(enum duet_wire_phase ph, u16 type)
{
	const struct duet_wire_type_info *t = duet_wire_type(type);

	return t && (unsigned int)ph <= DUET_PH_LIVE &&
	       (t->phases & (1u << ph));
}
