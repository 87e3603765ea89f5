/*
 * hb_msg: the message model and the netstring/classic codecs. The
 * encoding is what cluster-glue 1.0.12 produces (heartbeat.md §4.2,
 * checked against the captured datagrams of heartbeat-wire-samples.txt):
 * netstring lengths in decimal without leading zeros, the type always
 * written as "(T)" in netstring form and only for non-strings in classic
 * form, binary values raw in netstring form and base64 in classic form.
 * Written from the description, not from Heartbeat's code.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hb/hb_base64.h"
#include "daemon/hb/hb_msg.h"
#include "daemon/hb/hb_str.h"

static const char NS_START[] = "###\n";
static const char NS_END[] = "%%%\n";
static const char CL_START[] = ">>>\n";
static const char CL_END[] = "<<<\n";
#define MARK_LEN 4

const char *hb_strerror(int err)
{
	switch (err) {
	case HB_OK: return "ok";
	case HB_E_NOMEM: return "out of memory";
	case HB_E_TOOBIG: return "message too big";
	case HB_E_TRUNCATED: return "truncated message";
	case HB_E_FORMAT: return "not a Heartbeat message";
	case HB_E_FIELD: return "malformed field";
	case HB_E_TYPE: return "unsupported field type";
	case HB_E_TRAILING: return "garbage after the message";
	case HB_E_NOAUTH: return "no signature";
	case HB_E_BADAUTH: return "malformed signature";
	case HB_E_KEY: return "unknown key number";
	case HB_E_SIG: return "bad signature";
	case HB_E_NOFIELD: return "no such field";
	case HB_E_VALUE: return "bad field value";
	}
	return "unknown error";
}

void hb_msg_init(struct hb_msg *m)
{
	memset(m, 0, sizeof(*m));
}

void hb_msg_free(struct hb_msg *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->f[i].name);
		free(m->f[i].value);
	}
	free(m->f);
	memset(m, 0, sizeof(*m));
}

/* ---- validation shared by decoding and building ------------------------ */

/* Names: printable ASCII, no '=', not starting with '(' (a type prefix). */
static int check_name(const char *name, size_t n)
{
	if (n == 0)
		return HB_E_FIELD;
	if (n > HB_MSG_MAX_NAME)
		return HB_E_TOOBIG;
	if (name[0] == '(')
		return HB_E_FIELD;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= ' ' || c >= 0x7f || c == '=')
			return HB_E_FIELD;
	}
	return HB_OK;
}

/* A packed list "len:str,len:str," with non-empty, '\n'-free strings. */
static int check_list(const uint8_t *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = 0, digits = 0;

		while (i < n && v[i] >= '0' && v[i] <= '9') {
			if (digits == 0 && v[i] == '0')
				return HB_E_FIELD;
			len = len * 10 + (size_t)(v[i] - '0');
			if (++digits > 7)
				return HB_E_FIELD;
			i++;
		}
		if (digits == 0 || len == 0 || i >= n || v[i] != ':')
			return HB_E_FIELD;
		i++;
		if (len > n - i || n - i - len < 1 || v[i + len] != ',')
			return HB_E_FIELD;
		if (memchr(v + i, '\n', len) || memchr(v + i, '\0', len))
			return HB_E_FIELD;
		i += len + 1;
	}
	return HB_OK;
}

static int check_value(enum hb_ftype t, const uint8_t *v, size_t n)
{
	switch (t) {
	case HB_FT_STRING:
		if (n == 0 || memchr(v, '\n', n) || memchr(v, '\0', n))
			return HB_E_FIELD;
		return HB_OK;
	case HB_FT_BINARY:
		return n == 0 ? HB_E_FIELD : HB_OK;
	case HB_FT_LIST:
		return n == 0 ? HB_E_FIELD : check_list(v, n);
	case HB_FT_STRUCT:
	case HB_FT_COMPRESS:
	case HB_FT_UNCOMPRESS:
		return HB_E_TYPE;
	}
	return HB_E_FIELD;
}

static int type_of_digit(uint8_t c, enum hb_ftype *t)
{
	if (c < '0' || c > '9')
		return HB_E_FIELD;
	if (c > '5')
		return HB_E_FIELD;
	*t = (enum hb_ftype)(c - '0');
	return HB_OK;
}

/* Appends a field, taking copies. Assumes name/value were checked. */
static int append(struct hb_msg *m, enum hb_ftype t, const char *name,
		  size_t nlen, const void *value, size_t vlen)
{
	struct hb_field *f;

	if (m->n >= HB_MSG_MAX_FIELDS)
		return HB_E_TOOBIG;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;

		if (!(f = realloc(m->f, cap * sizeof(*f))))
			return HB_E_NOMEM;
		m->f = f;
		m->cap = cap;
	}
	f = &m->f[m->n];
	f->type = t;
	f->nlen = nlen;
	f->vlen = vlen;
	f->name = hb_strndup(name, nlen);
	f->value = malloc(vlen + 1);
	if (!f->name || !f->value) {
		free(f->name);
		free(f->value);
		return HB_E_NOMEM;
	}
	memcpy(f->value, value, vlen);
	f->value[vlen] = '\0';
	m->n++;
	return HB_OK;
}

/* ---- decoding ---------------------------------------------------------- */

static bool is_prefix_of(const uint8_t *p, size_t n, const char *mark)
{
	return n < MARK_LEN && memcmp(p, mark, n) == 0;
}

/*
 * One netstring "len:data," at *pp. HB_E_TRUNCATED when the input stops
 * inside it, HB_E_FORMAT when it is not a netstring.
 */
static int peel(const uint8_t **pp, const uint8_t *end, const uint8_t **data,
		size_t *dlen)
{
	const uint8_t *p = *pp;
	size_t len = 0, digits = 0;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (digits == 0 && *p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
			return HB_E_FORMAT;	/* leading zero */
		if (++digits > 7)
			return HB_E_FORMAT;
		len = len * 10 + (size_t)(*p - '0');
	}
	if (p == end)
		return HB_E_TRUNCATED;
	if (digits == 0 || *p != ':')
		return HB_E_FORMAT;
	p++;
	if ((size_t)(end - p) < len + 1)
		return HB_E_TRUNCATED;
	if (p[len] != ',')
		return HB_E_FORMAT;
	*data = p;
	*dlen = len;
	*pp = p + len + 1;
	return HB_OK;
}

static int ns_field(struct hb_msg *m, const uint8_t *d, size_t n)
{
	const uint8_t *eq;
	enum hb_ftype t;
	size_t nlen;
	int rc;

	if (n < 3 || d[0] != '(' || d[2] != ')')
		return HB_E_FIELD;
	if ((rc = type_of_digit(d[1], &t)) != HB_OK)
		return rc;
	d += 3;
	n -= 3;
	if (!(eq = memchr(d, '=', n)))
		return HB_E_FIELD;
	nlen = (size_t)(eq - d);
	if ((rc = check_name((const char *)d, nlen)) != HB_OK)
		return rc;
	if ((rc = check_value(t, eq + 1, n - nlen - 1)) != HB_OK)
		return rc;
	return append(m, t, (const char *)d, nlen, eq + 1, n - nlen - 1);
}

static int decode_netstring(struct hb_msg *m, const uint8_t *buf, size_t len,
			    struct hb_wire *w)
{
	const uint8_t *p = buf + MARK_LEN, *end = buf + len;
	const uint8_t *d;
	size_t dn;
	int rc;

	for (;;) {
		size_t left = (size_t)(end - p);

		if (left < MARK_LEN && is_prefix_of(p, left, NS_END))
			return HB_E_TRUNCATED;
		if (left >= MARK_LEN && memcmp(p, NS_END, MARK_LEN) == 0) {
			p += MARK_LEN;
			break;
		}
		if ((rc = peel(&p, end, &d, &dn)) != HB_OK)
			return rc;
		if ((rc = ns_field(m, d, dn)) != HB_OK)
			return rc;
	}
	w->body_len = (size_t)(p - buf);

	if (p < end && !(*p == '\0' && p + 1 == end)) {
		if ((rc = peel(&p, end, &d, &dn)) != HB_OK)
			return rc;
		if (dn > HB_MSG_SIG_MAX || memchr(d, '\0', dn))
			return HB_E_BADAUTH;
		memcpy(w->sig, d, dn);
		w->sig[dn] = '\0';
		w->has_sig = true;
	}
	if (p < end && *p == '\0')
		p++;
	if (p != end)
		return HB_E_TRAILING;
	w->wire_len = len;
	return HB_OK;
}

static int cl_field(struct hb_msg *m, const uint8_t *d, size_t n)
{
	enum hb_ftype t = HB_FT_STRING;
	const uint8_t *eq;
	size_t nlen, vlen;
	int rc;

	if (n > 0 && d[0] == '(') {
		if (n < 3 || d[2] != ')')
			return HB_E_FIELD;
		if ((rc = type_of_digit(d[1], &t)) != HB_OK)
			return rc;
		if (t == HB_FT_STRING)	/* Heartbeat refuses an explicit (0) */
			return HB_E_FIELD;
		d += 3;
		n -= 3;
	}
	if (!(eq = memchr(d, '=', n)))
		return HB_E_FIELD;
	nlen = (size_t)(eq - d);
	if ((rc = check_name((const char *)d, nlen)) != HB_OK)
		return rc;
	vlen = n - nlen - 1;
	if (t == HB_FT_BINARY) {
		uint8_t *bin;
		long bn;

		if (vlen == 0)
			return HB_E_FIELD;
		if (!(bin = malloc(vlen / 4 * 3 + 1)))
			return HB_E_NOMEM;
		bn = hb_b64_decode((const char *)eq + 1, vlen, bin);
		if (bn <= 0) {
			free(bin);
			return HB_E_FIELD;
		}
		rc = append(m, t, (const char *)d, nlen, bin, (size_t)bn);
		free(bin);
		return rc;
	}
	if ((rc = check_value(t, eq + 1, vlen)) != HB_OK)
		return rc;
	return append(m, t, (const char *)d, nlen, eq + 1, vlen);
}

static int decode_classic(struct hb_msg *m, const uint8_t *buf, size_t len,
			  struct hb_wire *w)
{
	const uint8_t *p = buf + MARK_LEN, *end = buf + len;
	int rc;

	for (;;) {
		const uint8_t *nl;
		size_t left;

		while (p < end && *p == '\n')
			p++;
		left = (size_t)(end - p);
		if (left < MARK_LEN && is_prefix_of(p, left, CL_END))
			return HB_E_TRUNCATED;
		if (left >= MARK_LEN && memcmp(p, CL_END, MARK_LEN) == 0) {
			p += MARK_LEN;
			break;
		}
		if (!(nl = memchr(p, '\n', left)))
			return memchr(p, '\0', left) ? HB_E_FIELD : HB_E_TRUNCATED;
		if ((rc = cl_field(m, p, (size_t)(nl - p))) != HB_OK)
			return rc;
		p = nl + 1;
	}
	w->body_len = (size_t)(p - buf);
	if (p < end && *p == '\0')
		p++;	/* classic datagrams carry the C string's NUL */
	if (p != end)
		return HB_E_TRAILING;
	w->wire_len = len;
	return HB_OK;
}

int hb_msg_decode(struct hb_msg *m, const void *buf, size_t len, struct hb_wire *w)
{
	const uint8_t *b = buf;
	int rc;

	hb_msg_init(m);
	memset(w, 0, sizeof(*w));
	if (len > HB_MSG_MAX_WIRE)
		return HB_E_TOOBIG;
	if (len < MARK_LEN) {
		if (len == 0 || is_prefix_of(b, len, NS_START) || is_prefix_of(b, len, CL_START))
			return HB_E_TRUNCATED;
		return HB_E_FORMAT;
	}
	if (memcmp(b, NS_START, MARK_LEN) == 0) {
		w->fmt = HB_FMT_NETSTRING;
		rc = decode_netstring(m, b, len, w);
	} else if (memcmp(b, CL_START, MARK_LEN) == 0) {
		w->fmt = HB_FMT_CLASSIC;
		rc = decode_classic(m, b, len, w);
	} else {
		return HB_E_FORMAT;
	}
	if (rc != HB_OK)
		hb_msg_free(m);
	return rc;
}

/* ---- encoding ---------------------------------------------------------- */

struct out {
	uint8_t *buf;
	size_t cap, len;
};

static void put(struct out *o, const void *p, size_t n)
{
	if (o->len <= o->cap && n <= o->cap - o->len)
		memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static long finish(struct out *o)
{
	if (o->len > HB_MSG_MAX_WIRE)
		return HB_E_TOOBIG;
	return (long)o->len;
}

long hb_msg_netstring(const struct hb_msg *m, void *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };

	put(&o, NS_START, MARK_LEN);
	for (size_t i = 0; i < m->n; i++) {
		const struct hb_field *f = &m->f[i];
		char head[32];

		if (f->type > HB_FT_UNCOMPRESS)
			return HB_E_TYPE;
		snprintf(head, sizeof(head), "%zu:(%d)", 3 + f->nlen + 1 + f->vlen,
			 (int)f->type);
		puts_(&o, head);
		put(&o, f->name, f->nlen);
		put(&o, "=", 1);
		put(&o, f->value, f->vlen);
		put(&o, ",", 1);
		if (o.len > HB_MSG_MAX_WIRE)
			return HB_E_TOOBIG;
	}
	put(&o, NS_END, MARK_LEN);
	return finish(&o);
}

long hb_msg_classic(const struct hb_msg *m, unsigned flags, void *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };

	if (flags & HB_CLASSIC_MARKERS)
		put(&o, CL_START, MARK_LEN);
	for (size_t i = 0; i < m->n; i++) {
		const struct hb_field *f = &m->f[i];

		if ((flags & HB_CLASSIC_NOAUTH) && strcmp(f->name, "auth") == 0)
			continue;
		switch (f->type) {
		case HB_FT_STRING:
			if (memchr(f->value, '\n', f->vlen))
				return HB_E_FIELD;
			put(&o, f->name, f->nlen);
			put(&o, "=", 1);
			put(&o, f->value, f->vlen);
			break;
		case HB_FT_BINARY: {
			size_t bl = hb_b64_enclen(f->vlen);

			puts_(&o, "(1)");
			put(&o, f->name, f->nlen);
			put(&o, "=", 1);
			if (o.len <= o.cap && bl <= o.cap - o.len)
				hb_b64_encode(f->value, f->vlen, (char *)o.buf + o.len);
			o.len += bl;
			break;
		}
		case HB_FT_LIST:
			puts_(&o, "(3)");
			put(&o, f->name, f->nlen);
			put(&o, "=", 1);
			put(&o, f->value, f->vlen);
			break;
		default:
			return HB_E_TYPE;
		}
		put(&o, "\n", 1);
		if (o.len > HB_MSG_MAX_WIRE)
			return HB_E_TOOBIG;
	}
	if (flags & HB_CLASSIC_MARKERS)
		put(&o, CL_END, MARK_LEN);
	return finish(&o);
}

/* ---- building ---------------------------------------------------------- */

int hb_msg_add(struct hb_msg *m, enum hb_ftype t, const char *name,
	       const void *value, size_t vlen)
{
	size_t nlen = strlen(name);
	int rc;

	if ((rc = check_name(name, nlen)) != HB_OK)
		return rc;
	if ((rc = check_value(t, value, vlen)) != HB_OK)
		return rc;
	return append(m, t, name, nlen, value, vlen);
}

int hb_msg_add_str(struct hb_msg *m, const char *name, const char *value)
{
	return hb_msg_add(m, HB_FT_STRING, name, value, strlen(value));
}

int hb_msg_add_bin(struct hb_msg *m, const char *name, const void *v, size_t n)
{
	return hb_msg_add(m, HB_FT_BINARY, name, v, n);
}

int hb_msg_add_hex(struct hb_msg *m, const char *name, uint64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRIx64, v);
	return hb_msg_add_str(m, name, tmp);
}

int hb_msg_add_dec(struct hb_msg *m, const char *name, uint64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	return hb_msg_add_str(m, name, tmp);
}

int hb_msg_set(struct hb_msg *m, enum hb_ftype t, const char *name,
	       const void *value, size_t vlen)
{
	int rc;

	for (size_t i = 0; i < m->n; i++) {
		struct hb_field *f = &m->f[i];
		uint8_t *nv;

		if (strcmp(f->name, name) != 0)
			continue;
		if ((rc = check_value(t, value, vlen)) != HB_OK)
			return rc;
		if (!(nv = malloc(vlen + 1)))
			return HB_E_NOMEM;
		memcpy(nv, value, vlen);
		nv[vlen] = '\0';
		free(f->value);
		f->value = nv;
		f->vlen = vlen;
		f->type = t;
		return HB_OK;
	}
	return hb_msg_add(m, t, name, value, vlen);
}

int hb_msg_set_str(struct hb_msg *m, const char *name, const char *value)
{
	return hb_msg_set(m, HB_FT_STRING, name, value, strlen(value));
}

static int set_hex(struct hb_msg *m, const char *name, uint64_t v)
{
	char tmp[24];

	snprintf(tmp, sizeof(tmp), "%" PRIx64, v);
	return hb_msg_set_str(m, name, tmp);
}

int hb_msg_add_control(struct hb_msg *m, const struct hb_ctl *c)
{
	const char *t = hb_msg_str(m, "t");
	bool noseq = hb_type_is_noseq(t);
	char ttl[12];
	int rc;

	if (!t)
		return HB_E_FIELD;	/* Heartbeat: "No type" */
#define KEEP(name) (noseq && hb_msg_find(m, name))
	if (c->destuuid && hb_msg_find(m, "dest") &&
	    (rc = hb_msg_set(m, HB_FT_BINARY, "destuuid", c->destuuid, HB_UUID_LEN)) != HB_OK)
		return rc;
	if (!KEEP("src") && (rc = hb_msg_set_str(m, "src", c->src)) != HB_OK)
		return rc;
	if (c->srcuuid && !KEEP("srcuuid") &&
	    (rc = hb_msg_set(m, HB_FT_BINARY, "srcuuid", c->srcuuid, HB_UUID_LEN)) != HB_OK)
		return rc;
	if (!noseq && (rc = set_hex(m, "seq", c->seq)) != HB_OK)
		return rc;
	if (!KEEP("hg") && (rc = set_hex(m, "hg", c->hg)) != HB_OK)
		return rc;
	if (!KEEP("ts") && (rc = set_hex(m, "ts", c->ts)) != HB_OK)
		return rc;
	if (!noseq && (rc = hb_msg_set_str(m, "ld", c->ld)) != HB_OK)
		return rc;
	snprintf(ttl, sizeof(ttl), "%u", c->ttl);
	if (!KEEP("ttl") && (rc = hb_msg_set_str(m, "ttl", ttl)) != HB_OK)
		return rc;
#undef KEEP
	return HB_OK;
}

size_t hb_msg_remove(struct hb_msg *m, const char *name)
{
	size_t j = 0, removed = 0;

	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->f[i].name, name) == 0) {
			free(m->f[i].name);
			free(m->f[i].value);
			removed++;
			continue;
		}
		m->f[j++] = m->f[i];
	}
	m->n = j;
	return removed;
}

/* ---- access ------------------------------------------------------------ */

const struct hb_field *hb_msg_find(const struct hb_msg *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->f[i].name, name) == 0)
			return &m->f[i];
	return NULL;
}

const char *hb_msg_str(const struct hb_msg *m, const char *name)
{
	const struct hb_field *f = hb_msg_find(m, name);

	return f && f->type == HB_FT_STRING ? (const char *)f->value : NULL;
}

int hb_msg_hex(const struct hb_msg *m, const char *name, uint64_t *v)
{
	const struct hb_field *f = hb_msg_find(m, name);

	if (!f)
		return HB_E_NOFIELD;
	if (f->type != HB_FT_STRING ||
	    hb_parse_hex64((const char *)f->value, f->vlen, v) != 0)
		return HB_E_VALUE;
	return HB_OK;
}

int hb_msg_dec(const struct hb_msg *m, const char *name, uint64_t *v)
{
	const struct hb_field *f = hb_msg_find(m, name);
	unsigned long n;

	if (!f)
		return HB_E_NOFIELD;
	if (f->type != HB_FT_STRING || f->vlen > 20 ||
	    hb_parse_ulong((const char *)f->value, (unsigned long)-1, &n) != 0)
		return HB_E_VALUE;
	*v = n;
	return HB_OK;
}

int hb_msg_uuid(const struct hb_msg *m, const char *name, uint8_t uuid[HB_UUID_LEN])
{
	const struct hb_field *f = hb_msg_find(m, name);

	if (!f)
		return HB_E_NOFIELD;
	if (f->type != HB_FT_BINARY || f->vlen != HB_UUID_LEN)
		return HB_E_VALUE;
	memcpy(uuid, f->value, HB_UUID_LEN);
	return HB_OK;
}

bool hb_type_is_noseq(const char *t)
{
	return t && strncmp(t, "NS_", 3) == 0;
}

static int hdr_num(const struct hb_msg *m, const char *name, bool hex,
		   uint64_t *v, bool *has, const char **bad)
{
	int rc = hex ? hb_msg_hex(m, name, v) : hb_msg_dec(m, name, v);

	if (rc == HB_E_NOFIELD)
		return HB_OK;
	if (rc != HB_OK) {
		if (!*bad)
			*bad = name;
		return rc;
	}
	*has = true;
	return HB_OK;
}

static int hdr_int(const struct hb_msg *m, const char *name, int max, int *v,
		   const char **bad)
{
	uint64_t n;
	int rc = hb_msg_dec(m, name, &n);

	*v = -1;
	if (rc == HB_E_NOFIELD)
		return HB_OK;
	if (rc != HB_OK || n > (uint64_t)max) {
		if (!*bad)
			*bad = name;
		return HB_E_VALUE;
	}
	*v = (int)n;
	return HB_OK;
}

static int hdr_uuid(const struct hb_msg *m, const char *name, uint8_t *u,
		    bool *has, const char **bad)
{
	int rc = hb_msg_uuid(m, name, u);

	if (rc == HB_E_NOFIELD)
		return HB_OK;
	if (rc != HB_OK) {
		if (!*bad)
			*bad = name;
		return rc;
	}
	*has = true;
	return HB_OK;
}

int hb_msg_hdr(const struct hb_msg *m, struct hb_hdr *h)
{
	int rc = HB_OK;
	bool rexmit;

	memset(h, 0, sizeof(*h));
	h->t = hb_msg_str(m, "t");
	h->st = hb_msg_str(m, "st");
	h->src = hb_msg_str(m, "src");
	h->dest = hb_msg_str(m, "dest");
	h->ld = hb_msg_str(m, "ld");
	h->auth = hb_msg_str(m, "auth");
	h->info = hb_msg_str(m, "info");
	h->rsc_hold = hb_msg_str(m, "rsc_hold");
	h->rtype = hb_msg_str(m, "rtype");
	h->node = hb_msg_str(m, "node");
	h->result = hb_msg_str(m, "result");
	h->ipaddr = hb_msg_str(m, "ipaddr");

	rc |= hdr_num(m, "seq", true, &h->seq, &h->has_seq, &h->bad);
	rc |= hdr_num(m, "hg", true, &h->hg, &h->has_hg, &h->bad);
	rc |= hdr_num(m, "ts", true, &h->ts, &h->has_ts, &h->bad);
	rc |= hdr_num(m, "dt", true, &h->dt, &h->has_dt, &h->bad);
	rc |= hdr_num(m, "ackseq", true, &h->ackseq, &h->has_ackseq, &h->bad);
	/* NS_rexmit asks in decimal; NS_nak_rexmit answers in hex */
	rexmit = h->t && strcmp(h->t, "NS_rexmit") == 0;
	rc |= hdr_num(m, "firstseq", !rexmit, &h->firstseq, &h->has_firstseq, &h->bad);
	rc |= hdr_num(m, "lastseq", !rexmit, &h->lastseq, &h->has_lastseq, &h->bad);
	rc |= hdr_int(m, "ttl", 255, &h->ttl, &h->bad);
	rc |= hdr_int(m, "protocol", 1000, &h->protocol, &h->bad);
	rc |= hdr_uuid(m, "srcuuid", h->srcuuid, &h->has_srcuuid, &h->bad);
	rc |= hdr_uuid(m, "destuuid", h->destuuid, &h->has_destuuid, &h->bad);
	return rc ? HB_E_VALUE : HB_OK;
}
