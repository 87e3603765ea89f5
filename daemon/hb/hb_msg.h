/*
 * hb_msg: Heartbeat 3 cluster messages (heartbeat.md §4.2-4.3) as ordered
 * (name, type, value) fields, and their two wire encodings:
 *
 *   netstring	"###\n" { len ":(" type ")" name "=" value "," } "%%%\n"
 *		followed, on the wire, by the signature netstring len ":N hex,"
 *   classic	">>>\n" { ["(" type ")"] name "=" value "\n" } "<<<\n"
 *
 * Decoding is strict and bounded; every failure has its own code so the
 * daemon glue can count and rate-limit them. Signatures are hb_auth's
 * business; this file only frames them.
 */
#ifndef DUET_HB_MSG_H
#define DUET_HB_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB_MSG_MAX_WIRE		(256 * 1024)	/* Heartbeat's MAXMSG */
#define HB_MSG_MAX_FIELDS	256
#define HB_MSG_MAX_NAME		256
#define HB_MSG_SIG_MAX		95	/* "N hexdigest" of the outer signature */
#define HB_UUID_LEN		16

/* Field types, numbered as on the wire. */
enum hb_ftype {
	HB_FT_STRING = 0,
	HB_FT_BINARY = 1,
	HB_FT_STRUCT = 2,	/* nested message: refused (HB_E_TYPE) */
	HB_FT_LIST = 3,		/* packed "len:str,len:str," */
	HB_FT_COMPRESS = 4,	/* refused (HB_E_TYPE) */
	HB_FT_UNCOMPRESS = 5,	/* refused (HB_E_TYPE) */
};

enum hb_fmt {
	HB_FMT_NETSTRING,
	HB_FMT_CLASSIC,
};

/* Results of the codec and of hb_auth; HB_OK is 0, errors are negative. */
enum hb_err {
	HB_OK = 0,
	HB_E_NOMEM = -1,
	HB_E_TOOBIG = -2,	/* over HB_MSG_MAX_WIRE / _FIELDS / _NAME */
	HB_E_TRUNCATED = -3,	/* the input stops inside a message */
	HB_E_FORMAT = -4,	/* not a Heartbeat message (markers, netstring framing) */
	HB_E_FIELD = -5,	/* a malformed field */
	HB_E_TYPE = -6,		/* a field type duet does not take */
	HB_E_TRAILING = -7,	/* bytes after the message */
	HB_E_NOAUTH = -8,	/* no signature */
	HB_E_BADAUTH = -9,	/* a signature that is not "N hexdigits" */
	HB_E_KEY = -10,		/* signed with a key number we do not have */
	HB_E_SIG = -11,		/* the signature does not match */
	HB_E_NOFIELD = -12,	/* accessor: no such field */
	HB_E_VALUE = -13,	/* accessor: the value does not parse */
};
#define HB_E_COUNT 14		/* number of codes, HB_OK included */

const char *hb_strerror(int err);

struct hb_field {
	enum hb_ftype type;
	char *name;		/* one allocation with value: hb_field_free */
	size_t nlen;
	uint8_t *value;		/* vlen bytes, plus a NUL not counted */
	size_t vlen;
	size_t vcap;		/* room for a value (hb_msg_set rewrites in place) */
};

/* Frees a field's name and value (for code that edits m->f directly). */
void hb_field_free(struct hb_field *f);

struct hb_msg {
	struct hb_field *f;
	size_t n, cap;
};

/* What decoding learned about the framing. */
struct hb_wire {
	enum hb_fmt fmt;
	size_t body_len;	/* bytes "###\n".."%%%\n" (what the outer signature signs) */
	bool has_sig;		/* netstring: a signature netstring followed */
	char sig[HB_MSG_SIG_MAX + 1];	/* its text "N hex", NUL-terminated */
	size_t wire_len;	/* bytes consumed, trailing NUL included */
};

void hb_msg_init(struct hb_msg *m);
void hb_msg_free(struct hb_msg *m);

/*
 * Decodes one message filling the whole buffer (a datagram or a serial
 * frame; one trailing NUL is allowed). On error m is left empty.
 */
int hb_msg_decode(struct hb_msg *m, const void *buf, size_t len, struct hb_wire *w);

/*
 * Encoders return the length of the full encoding, or a negative hb_err.
 * They never write past cap, and buf holds the encoding only when the
 * result is at most cap (call with cap 0 to size a buffer).
 */
/* "###\n" ... "%%%\n": the netstring body, without signature. */
long hb_msg_netstring(const struct hb_msg *m, void *buf, size_t cap);

#define HB_CLASSIC_MARKERS	1u	/* ">>>\n" and "<<<\n" around the fields */
#define HB_CLASSIC_NOAUTH	2u	/* leave out "auth" fields (what gets signed) */
long hb_msg_classic(const struct hb_msg *m, unsigned flags, void *buf, size_t cap);

/*
 * The same, also telling where each field's value starts in buf: voff has
 * m->n entries; voff[i] is field i's offset (SIZE_MAX for a field the
 * classic form leaves out or does not write as it is: an auth field with
 * HB_CLASSIC_NOAUTH, a binary value in base64). See hb_beat.h.
 */
long hb_msg_netstring_at(const struct hb_msg *m, void *buf, size_t cap, size_t *voff);
long hb_msg_classic_at(const struct hb_msg *m, unsigned flags, void *buf, size_t cap,
		       size_t *voff);

/* Building. Names and values are checked as the decoder checks them. */
int hb_msg_add(struct hb_msg *m, enum hb_ftype t, const char *name,
	       const void *value, size_t vlen);
int hb_msg_add_str(struct hb_msg *m, const char *name, const char *value);
int hb_msg_add_bin(struct hb_msg *m, const char *name, const void *v, size_t n);
int hb_msg_add_hex(struct hb_msg *m, const char *name, uint64_t v);	/* %lx */
int hb_msg_add_dec(struct hb_msg *m, const char *name, uint64_t v);	/* %lu */
/* Heartbeat's ha_msg_mod(): replaces the first field so named, else appends. */
int hb_msg_set_str(struct hb_msg *m, const char *name, const char *value);
/* ha_msg_mod() for any type: replaces the first field so named, or appends. */
int hb_msg_set(struct hb_msg *m, enum hb_ftype t, const char *name,
	       const void *value, size_t vlen);
/* Removes every field so named; returns how many. */
size_t hb_msg_remove(struct hb_msg *m, const char *name);

/* Access. The first field of a name wins, as in Heartbeat. */
const struct hb_field *hb_msg_find(const struct hb_msg *m, const char *name);
const char *hb_msg_str(const struct hb_msg *m, const char *name);	/* string fields */
int hb_msg_hex(const struct hb_msg *m, const char *name, uint64_t *v);
int hb_msg_dec(const struct hb_msg *m, const char *name, uint64_t *v);
int hb_msg_uuid(const struct hb_msg *m, const char *name, uint8_t uuid[HB_UUID_LEN]);

/*
 * The fields of heartbeat.md §4.3, parsed as 3.0.6 prints them: seq, hg,
 * ts, dt, ackseq in hex; ttl, protocol in decimal; firstseq/lastseq in
 * decimal in NS_rexmit and hex in NS_nak_rexmit; srcuuid/destuuid 16
 * binary bytes. Strings point into m. Returns HB_OK, or HB_E_VALUE with
 * bad naming the field that does not parse. An absent field is not an
 * error (has_* false, pointers NULL, ints -1).
 */
struct hb_hdr {
	const char *t, *st, *src, *dest, *ld, *auth, *info;
	const char *rsc_hold, *rtype, *node, *result, *ipaddr;
	bool has_seq, has_hg, has_ts, has_dt, has_ackseq;
	bool has_firstseq, has_lastseq;
	uint64_t seq, hg, ts, dt, ackseq, firstseq, lastseq;
	int ttl, protocol;
	bool has_srcuuid, has_destuuid;
	uint8_t srcuuid[HB_UUID_LEN], destuuid[HB_UUID_LEN];
	const char *bad;
};

int hb_msg_hdr(const struct hb_msg *m, struct hb_hdr *h);

/*
 * The fields Heartbeat adds to every cluster message it sends (3.0.6's
 * add_control_msg_fields, heartbeat.md §4.3): destuuid when the message
 * has a dest, then src, srcuuid, seq, hg, ts, ld, ttl, each replacing a
 * field of that name or appended. "NS_" types get no seq and no ld, and
 * keep fields they already have. Sign (hb_auth_sign_fields) afterwards.
 */
struct hb_ctl {
	const char *src;		/* our node name */
	const uint8_t *srcuuid;		/* HB_UUID_LEN bytes, NULL to omit */
	const uint8_t *destuuid;	/* the dest node's uuid, NULL to omit */
	uint64_t seq;			/* our next sequence number */
	uint64_t hg;			/* our generation */
	uint64_t ts;			/* time(NULL) */
	const char *ld;			/* first line of /proc/loadavg */
	unsigned ttl;			/* hopfudge + node count */
};

int hb_msg_add_control(struct hb_msg *m, const struct hb_ctl *c);

/* Message types Heartbeat sends outside the sequence scheme ("NS_"). */
bool hb_type_is_noseq(const char *t);

#endif
