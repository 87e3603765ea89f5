/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the replication wire protocol, encoding, decoding and
 * validation (kmod/PROTOCOL.md is the specification; this header and
 * that file must agree).
 *
 * Every packet is a 16-byte big-endian header followed by a payload:
 *
 *    0  4  magic 0x44554554 ("DUET")
 *    4  2  type (DUET_P_*)
 *    6  2  volume number (0 for single-volume resources)
 *    8  4  payload length in bytes
 *   12  4  reserved, zero
 *
 * Nothing read from the network is trusted: the header decoder checks the
 * magic, the reserved word, that the type is known, that it belongs to
 * the socket it arrived on and that the length is within the type's
 * bounds; the payload decoder checks every field (ranges, padding, sizes
 * that must agree with the length). Data bytes are not part of what the
 * decoder sees: for DUET_P_DATA and DUET_P_RS_DATA it decodes the fixed
 * part and says how many data bytes follow; the glue reads them into
 * pages of its own.
 *
 * Payload layouts (offsets in bytes, integers big-endian; "pad" bytes
 * are zero and checked; PROTOCOL.md has the same tables):
 *
 *   HELLO 24            0 version_min u32, 4 version_max u32, 8 kind u32,
 *                       12 features u32, 16 session u64
 *   AUTH_CHALLENGE 32   the challenge bytes
 *   AUTH_RESPONSE 1-64  the response bytes
 *   PARAMS, PARAMS_UPDATE 48
 *                       0 protocol u8, 1-3 after_sb_0p/1p/2p u8,
 *                       4 rr_conflict u8, 5 pad[3], 8 flags u32,
 *                       12 pad u32, 16 integrity_alg[32]
 *   SIZES 32            0 backing_sect u64, 8 user_sect u64,
 *                       16 current_sect u64, 24 max_bio_bytes u32,
 *                       28 flags u32
 *   UUIDS 48            0 uuid[4] u64, 32 bits_set u64, 40 flags u32,
 *                       44 pad u32
 *   STATE 8             0 state u32, 4 pad u32
 *   STATE_CHG_REQ 8     0 mask u32, 4 val u32
 *   STATE_CHG_REPLY 8   0 retcode s32, 4 pad u32
 *   SYNC_UUID 8         0 uuid u64
 *   DATA, RS_DATA 32 + digest + data
 *                       0 sector u64, 8 id u64, 16 size u32, 20 flags u32,
 *                       24 epoch u32, 28 seq u32, 32 digest, data
 *   BARRIER, BARRIER_ACK 8
 *                       0 epoch u32, 4 set_size u32
 *   block packets 24    0 sector u64, 8 id u64, 16 size u32, 20 seq u32
 *                       (RS_REQUEST, OUT_OF_SYNC, OV_REQUEST, OV_RESULT
 *                       and the five acks)
 *   OV_REPLY 24 + digest  a block, then the verify digest
 *   BITMAP 1-4096       one chunk (bm_rle.h)
 *   PING, PING_ACK 0
 */
#ifndef DUET_CORE_WIRE_H
#define DUET_CORE_WIRE_H

#include "types.h"

#define DUET_WIRE_MAGIC		0x44554554u	/* "DUET" */
#define DUET_WIRE_HDR_LEN	16
#define DUET_WIRE_VERSION_MIN	1
#define DUET_WIRE_VERSION_MAX	1

/* Largest data payload of one DATA/RS_DATA packet (and one write). */
#define DUET_WIRE_MAX_DATA	(1u << 20)
/* Largest digest (data-integrity-alg, cram-hmac-alg response). */
#define DUET_WIRE_MAX_DIGEST	64
#define DUET_WIRE_CHALLENGE_LEN	32
#define DUET_WIRE_ALG_LEN	32	/* algorithm names, NUL padded */
/* Largest bitmap chunk (run-length coded or plain). */
#define DUET_WIRE_MAX_BM	4096
/*
 * Sector numbers and sizes in sectors stay below 2^48 (128 PiB, the
 * limit of the meta data too), so that sector + size never wraps.
 */
#define DUET_WIRE_MAX_SECT	((u64)1 << 48)
/* Volumes per resource in version 1: only volume 0. */
#define DUET_WIRE_VOLUMES	1
/* HELLO features this version offers (none yet; the peer's are ANDed). */
#define DUET_WIRE_FEATURES	0u

/*
 * Value bounds of the uapi enums PARAMS carries (kmod/uapi/duet_genl.h,
 * which the core cannot include; test_core_wire checks they agree):
 * enum duet_protocol is 1..3 (A, B, C), enum duet_after_sb ends with
 * DUET_ASB_VIOLENTLY (10), enum duet_rr_conflict with DUET_RR_VIOLENTLY.
 */
#define DUET_WIRE_PROTO_MIN	1
#define DUET_WIRE_PROTO_MAX	3
#define DUET_WIRE_ASB_MAX	10
#define DUET_WIRE_RR_MAX	2
/* Bits of the duet_state_pack() word (sm.h): 17 field bits, 6 flags. */
#define DUET_WIRE_STATE_BITS	((1u << 23) - 1)

/* Payload sizes (the fixed part for DATA, RS_DATA and OV_REPLY). */
#define DUET_WIRE_HELLO_LEN	24
#define DUET_WIRE_PARAMS_LEN	48
#define DUET_WIRE_SIZES_LEN	32
#define DUET_WIRE_UUIDS_LEN	48
#define DUET_WIRE_WORD_LEN	8	/* STATE, STATE_CHG_*, SYNC_UUID */
#define DUET_WIRE_DATA_LEN	32
#define DUET_WIRE_BARRIER_LEN	8
#define DUET_WIRE_BLOCK_LEN	24
/*
 * A buffer this large holds any packet's header and its payload except
 * the data bytes and bitmap chunks.
 */
#define DUET_WIRE_CTRL_MAX	128

/* Which socket a packet travels on. */
enum duet_wire_sock {
	DUET_SOCK_DATA = 1,
	DUET_SOCK_META = 2,
};

/* Packet types. */
enum duet_wire_type {
	/* connection set-up (data socket, except HELLO: both) */
	DUET_P_HELLO = 0x01,		/* first packet on every socket */
	DUET_P_AUTH_CHALLENGE = 0x02,
	DUET_P_AUTH_RESPONSE = 0x03,
	DUET_P_PARAMS = 0x04,		/* protocol, policies, algorithms */
	DUET_P_SIZES = 0x05,
	DUET_P_UUIDS = 0x06,
	DUET_P_STATE = 0x07,
	DUET_P_STATE_CHG_REQ = 0x08,	/* cluster-wide state change */
	DUET_P_SYNC_UUID = 0x09,	/* the bitmap UUID of a resync */
	DUET_P_PARAMS_UPDATE = 0x0a,	/* net-options on a live link */
	/* data socket */
	DUET_P_DATA = 0x10,		/* a replicated write */
	DUET_P_BARRIER = 0x11,		/* closes an epoch */
	DUET_P_BITMAP = 0x12,		/* run-length coded bitmap chunk */
	DUET_P_RS_REQUEST = 0x13,	/* SyncTarget asks for a block */
	DUET_P_RS_DATA = 0x14,		/* SyncSource's answer */
	DUET_P_OUT_OF_SYNC = 0x15,	/* mark a range, no data */
	DUET_P_OV_REQUEST = 0x16,	/* online verify: digest wanted */
	DUET_P_OV_REPLY = 0x17,		/* online verify: the digest */
	/* meta socket */
	DUET_P_PING = 0x20,
	DUET_P_PING_ACK = 0x21,
	DUET_P_RECV_ACK = 0x22,		/* protocol B */
	DUET_P_WRITE_ACK = 0x23,	/* protocol C */
	DUET_P_NEG_ACK = 0x24,		/* the write failed on the peer */
	DUET_P_RS_WRITE_ACK = 0x25,	/* resync block written */
	DUET_P_NEG_RS_ACK = 0x26,	/* resync block failed */
	DUET_P_BARRIER_ACK = 0x27,
	DUET_P_STATE_CHG_REPLY = 0x28,
	DUET_P_OV_RESULT = 0x29,	/* online verify: in sync or not */
};

/* HELLO: what a socket is for. */
enum duet_wire_hello_kind {
	DUET_HELLO_DATA = 1,	/* the data socket of a session */
	DUET_HELLO_META = 2,	/* the meta socket of a session */
	DUET_HELLO_KNOCK = 3,	/* "connect to me now", then closed */
};

/* DATA / RS_DATA flags */
#define DUET_DP_FUA		0x01
#define DUET_DP_FLUSH		0x02	/* preflush */
#define DUET_DP_DISCARD		0x04	/* no data bytes follow */
#define DUET_DP_ZEROES		0x08	/* write zeroes: no data bytes */
#define DUET_DP_RECV_ACK	0x10	/* answer with RECV_ACK (B) */
#define DUET_DP_WRITE_ACK	0x20	/* answer with WRITE_ACK (C) */
#define DUET_DP_KNOWN		0x3f

/* PARAMS flags */
#define DUET_PF_TWO_PRIMARIES	0x01
#define DUET_PF_DISCARD_MY_DATA	0x02
#define DUET_PF_ALWAYS_ASBP	0x04
#define DUET_PF_KNOWN		0x07

/* UUIDS flags */
#define DUET_UF_DISCARD_MY_DATA	0x01
#define DUET_UF_CRASHED_PRIMARY	0x02
#define DUET_UF_INCONSISTENT	0x04	/* disk was Inconsistent */
#define DUET_UF_SKIP_INITIAL_SYNC 0x08
#define DUET_UF_KNOWN		0x0f

struct duet_wire_hdr {
	u16 type;
	u16 volume;
	u32 len;	/* payload bytes */
};

struct duet_wire_hello {
	u32 version_min;
	u32 version_max;
	u32 kind;		/* enum duet_wire_hello_kind */
	u32 features;		/* offered; the agreed set is the AND */
	u64 session;		/* pairs a data socket with its meta socket */
};

struct duet_wire_auth {
	u32 len;
	u8 bytes[DUET_WIRE_MAX_DIGEST];	/* challenge or response */
};

struct duet_wire_params {
	u8 protocol;		/* 1 A, 2 B, 3 C (uapi enum duet_protocol) */
	u8 after_sb_0p;		/* uapi enum duet_after_sb */
	u8 after_sb_1p;
	u8 after_sb_2p;
	u8 rr_conflict;		/* uapi enum duet_rr_conflict */
	u32 flags;		/* DUET_PF_* */
	char integrity_alg[DUET_WIRE_ALG_LEN];	/* "" = none; NUL ended */
};

struct duet_wire_sizes {
	u64 backing_sect;	/* usable size of the backing disk */
	u64 user_sect;		/* the configured "size", 0 = all */
	u64 current_sect;	/* size of the device now, 0 = none */
	u32 max_bio_bytes;	/* largest write the sender accepts */
	u32 flags;		/* zero */
};

struct duet_wire_uuids {
	u64 uuid[4];		/* current, bitmap, history 0, history 1 */
	u64 bits_set;		/* out-of-sync blocks in the bitmap */
	u32 flags;		/* DUET_UF_* */
};

/* DATA and RS_DATA (the fixed part; digest and data follow) */
struct duet_wire_data {
	u64 sector;
	u64 id;			/* opaque to the receiver, echoed in acks */
	u32 size;		/* bytes of the write, a multiple of 512 */
	u32 flags;		/* DUET_DP_* */
	u32 epoch;		/* the epoch this write belongs to */
	u32 seq;		/* per-connection write counter */
};

/* Acks, RS_REQUEST, OUT_OF_SYNC, OV_REQUEST, OV_RESULT */
struct duet_wire_block {
	u64 sector;
	u64 id;
	u32 size;
	u32 seq;		/* OV_RESULT: 1 in sync, 0 not */
};

struct duet_wire_barrier {
	u32 epoch;
	u32 set_size;		/* writes in the epoch (sent; acked) */
};

struct duet_wire_state_chg {
	u32 mask;		/* STATE_CHG_REQ: bits of the state word */
	u32 val;
	s32 retcode;		/* STATE_CHG_REPLY: enum duet_sm_rv */
};

struct duet_wire_bitmap {
	const u8 *bytes;	/* points into the decoded payload */
	u32 len;
};

/* One decoded packet (data bytes excluded). */
struct duet_wire_pkt {
	struct duet_wire_hdr hdr;
	union {
		struct duet_wire_hello hello;
		struct duet_wire_auth auth;
		struct duet_wire_params params;
		struct duet_wire_sizes sizes;
		struct duet_wire_uuids uuids;
		u32 state;		/* STATE: duet_state_pack() word */
		u64 sync_uuid;
		struct duet_wire_data data;
		struct duet_wire_block block;
		struct duet_wire_barrier barrier;
		struct duet_wire_state_chg chg;
		struct duet_wire_bitmap bitmap;
	} u;
	u32 data_len;		/* DATA/RS_DATA: data bytes that follow */
	u32 digest_len;		/* DATA/RS_DATA/OV_REPLY: digest bytes */
	/*
	 * decode: DATA/RS_DATA/OV_REPLY: the digest_len digest bytes, in
	 * the decoded payload (NULL when digest_len is 0); encode ignores it.
	 * OV_REPLY identifies its block in u.block.
	 */
	const u8 *digest;
};

/* Errors (0 is success). */
enum duet_wire_err {
	DUET_WIRE_OK = 0,
	DUET_WIRE_E_MAGIC = -1,		/* not a duet packet */
	DUET_WIRE_E_DRBD = -2,		/* a DRBD packet: stock drbd.ko */
	DUET_WIRE_E_RESERVED = -3,	/* reserved bits or padding set */
	DUET_WIRE_E_TYPE = -4,		/* unknown packet type */
	DUET_WIRE_E_SOCK = -5,		/* type not allowed on this socket */
	DUET_WIRE_E_LEN = -6,		/* length outside the type's bounds */
	DUET_WIRE_E_FIELD = -7,		/* a field out of range */
	DUET_WIRE_E_VERSION = -8,	/* no common protocol version */
	DUET_WIRE_E_LAST = -8
};

const char *duet_wire_strerror(int err);
/* "DATA", "BARRIER_ACK", ... ; "?" for unknown types. */
const char *duet_wire_type_str(u16 type);

/*
 * Decode the 16 bytes at @buf received on socket @sock into @h.
 * Returns 0 or an error; DUET_WIRE_E_DRBD when the bytes are a DRBD
 * header (any of its three magics).
 */
int duet_wire_hdr_decode(const u8 *buf, enum duet_wire_sock sock,
			 struct duet_wire_hdr *h);

/*
 * Payload bytes the glue must read before calling duet_wire_decode():
 * the whole payload for every type except DATA and RS_DATA, whose fixed
 * part plus @digest_len bytes of digest are read (the data bytes follow).
 * Only valid for a header duet_wire_hdr_decode() accepted.
 */
u32 duet_wire_head_len(const struct duet_wire_hdr *h, u32 digest_len);

/*
 * Decode and validate the payload @p (exactly duet_wire_head_len() bytes)
 * of the packet with header @h. @digest_len is the negotiated
 * data-integrity digest size (0: none) for DATA and RS_DATA and the
 * verify digest size for OV_REPLY. On success @pkt holds the header and
 * the fields; pointers in it point into @p.
 */
int duet_wire_decode(const struct duet_wire_hdr *h, const u8 *p,
		     u32 digest_len, struct duet_wire_pkt *pkt);

/*
 * Encode @pkt (type in pkt->hdr.type, volume in pkt->hdr.volume) into
 * @buf: the header and the payload, except the digest and data bytes of
 * DATA/RS_DATA (the header's length counts them: pkt->digest_len plus
 * the data bytes the flags imply), the digest of OV_REPLY (likewise
 * counted) and the bytes of a bitmap chunk, which the caller sends after. @cap is the size of @buf. Returns the number
 * of bytes written, or 0 when @pkt would not decode (a field out of
 * range) or @cap is too small: nothing invalid ever goes on the wire.
 */
u32 duet_wire_encode(const struct duet_wire_pkt *pkt, u8 *buf, u32 cap);

/*
 * Versions: the highest version both ranges contain, or
 * DUET_WIRE_E_VERSION when they do not overlap (or a range is empty).
 */
int duet_wire_version_agree(u32 my_min, u32 my_max, u32 peer_min,
			    u32 peer_max);

/*
 * Whether the peer's PARAMS fit ours: NULL when they do, else the reason
 * to log before disconnecting. The split-brain policies must be
 * compatible as duet_uuid_policies_compatible() (uuid.h) says.
 */
const char *duet_wire_params_mismatch(const struct duet_wire_params *mine,
				      const struct duet_wire_params *peer);

/* ---- who connects --------------------------------------------------- */

/* A configured address: family as AF_INET/AF_INET6, bytes as on the wire */
struct duet_wire_addr {
	u16 family;
	u16 port;		/* host order */
	u8 ip[16];		/* 4 bytes used for AF_INET */
};

#define DUET_WIRE_AF_INET	2	/* AF_INET, the same on every Linux */
#define DUET_WIRE_AF_INET6	10	/* AF_INET6 */

/*
 * Order of configured addresses: family, then the IP bytes, then the
 * port. The node whose address is greater initiates the connection
 * (PROTOCOL.md "Connection set-up"). <0, 0, >0 like memcmp.
 */
int duet_wire_addr_cmp(const struct duet_wire_addr *a,
		       const struct duet_wire_addr *b);

/* ---- what may arrive when ------------------------------------------- */

/*
 * Phases of a connection as the receiver sees them. A packet not
 * expected in the current phase is a protocol error.
 */
enum duet_wire_phase {
	DUET_PH_HELLO = 0,	/* nothing received yet */
	DUET_PH_AUTH,		/* challenge/response exchange */
	DUET_PH_PARAMS,		/* PARAMS expected */
	DUET_PH_REPORT,		/* SIZES, UUIDS, STATE */
	DUET_PH_BITMAP,		/* bitmap exchange */
	DUET_PH_LIVE,		/* connected: replication, resync */
};

bool duet_wire_expected(enum duet_wire_phase ph, u16 type);

#endif /* DUET_CORE_WIRE_H */
