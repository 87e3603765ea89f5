/*
 * hb_msg: the message model and the netstring/classic codecs. The
 * encoding is what cluster-glue 1.0.12 produces (heartbeat.md §4.2,
 * checked against the captured datagrams of heartbeat-wire-samples.txt):
 * netstring lengths in decimal without leading zeros, the type always
 * written as "(T)" in netstring form and only for non-strings in classic
 * form, binary values raw in netstring form and base64 in classic form.
 * Written from the description, not from Heartbeat's code.
 */
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
	for (size_t i = 0; i < m->n; i++)
		hb_field_free(&m->f[i]);
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

#define FIELD_MIN_VCAP 24

/*
 * Fills f with copies of name and value in one block: the name, a NUL,
 * the value, a NUL (so f->name is what hb_field_free releases).
 */
static int field_fill(struct hb_field *f, enum hb_ftype t, const char *name,
		      size_t nlen, const void *value, size_t vlen)
{
	/* short values get room to grow: seq, ts and the like change each time */
	size_t vcap = vlen < FIELD_MIN_VCAP ? FIELD_MIN_VCAP : vlen;
	char *blk = malloc(nlen + 1 + vcap + 1);

	if (!blk)
		return HB_E_NOMEM;
	memcpy(blk, name, nlen);
	blk[nlen] = '\0';
	if (vlen)
		memcpy(blk + nlen + 1, value, vlen);
	blk[nlen + 1 + vlen] = '\0';
	f->type = t;
	f->name = blk;
	f->nlen = nlen;
	f->value = (uint8_t *)blk + nlen + 1;
	f->vlen = vlen;
	f->vcap = vcap;
	return HB_OK;
}

/* f is called name (nlen bytes)? The length first: most names differ there. */
static bool named(const struct hb_field *f, const char *name, size_t nlen)
{
	return f->nlen == nlen && memcmp(f->name, name, nlen) == 0;
}

void hb_field_free(struct hb_field *f)
{
	free(f->name);
	f->name = NULL;
	f->value = NULL;
}

/* Appends a field, taking copies. Assumes name/value were checked. */
static int append(struct hb_msg *m, enum hb_ftype t, const char *name,
		  size_t nlen, const void *value, size_t vlen)
{
	struct hb_field *f;
	int rc;

	if (m->n >= HB_MSG_MAX_FIELDS)
		return HB_E_TOOBIG;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;

		if (!(f = realloc(m->f, cap * sizeof(*f))))
			return HB_E_NOMEM;
		m->f = f;
		m->cap = cap;
	}
	if ((rc = field_fill(&m->f[m->n], t, name, nlen, value, vlen)) != HB_OK)
		return rc;
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
	return hb_msg_netstring_at(m, buf, cap, NULL);
}

long hb_msg_netstring_at(const struct hb_msg *m, void *buf, size_t cap, size_t *voff)
{
	struct out o = { buf, cap, 0 };

	put(&o, NS_START, MARK_LEN);
	for (size_t i = 0; i < m->n; i++) {
		const struct hb_field *f = &m->f[i];
		char head[HB_FMT_U64_MAX + 4];
		size_t hl;

		if (f->type > HB_FT_UNCOMPRESS)
			return HB_E_TYPE;
		hl = hb_fmt_u64(head, 3 + f->nlen + 1 + f->vlen, 10);
		head[hl++] = ':';
		head[hl++] = '(';
		head[hl++] = (char)('0' + (int)f->type);
		head[hl++] = ')';
		put(&o, head, hl);
		put(&o, f->name, f->nlen);
		put(&o, "=", 1);
		if (voff)
			voff[i] = o.len;
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
	return hb_msg_classic_at(m, flags, buf, cap, NULL);
}

long hb_msg_classic_at(const struct hb_msg *m, unsigned flags, void *buf, size_t cap,
		       size_t *voff)
{
	struct out o = { buf, cap, 0 };

	if (flags & HB_CLASSIC_MARKERS)
		put(&o, CL_START, MARK_LEN);
	for (size_t i = 0; i < m->n; i++) {
		const struct hb_field *f = &m->f[i];

		if (voff)
			voff[i] = SIZE_MAX;
		if ((flags & HB_CLASSIC_NOAUTH) && named(f, "auth", 4))
			continue;
		switch (f->type) {
		case HB_FT_STRING:
			if (memchr(f->value, '\n', f->vlen))
				return HB_E_FIELD;
			put(&o, f->name, f->nlen);
			put(&o, "=", 1);
			if (voff)
				voff[i] = o.len;
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
	char tmp[HB_FMT_U64_MAX];

	hb_fmt_u64(tmp, v, 16);
	return hb_msg_add_str(m, name, tmp);
}

int hb_msg_add_dec(struct hb_msg *m, const char *name, uint64_t v)
{
	char tmp[HB_FMT_U64_MAX];

	hb_fmt_u64(tmp, v, 10);
	return hb_msg_add_str(m, name, tmp);
}

int hb_msg_set(struct hb_msg *m, enum hb_ftype t, const char *name,
	       const void *value, size_t vlen)
{
	size_t nlen = strlen(name);
	int rc;

	for (size_t i = 0; i < m->n; i++) {
		struct hb_field *f = &m->f[i], nf;

		if (!named(f, name, nlen))
			continue;
		if ((rc = check_value(t, value, vlen)) != HB_OK)
			return rc;
		if (vlen <= f->vcap) {
			/* a message kept and rewritten (a heartbeat): no allocation */
			memmove(f->value, value, vlen);
			f->value[vlen] = '\0';
			f->vlen = vlen;
			f->type = t;
			return HB_OK;
		}
		if ((rc = field_fill(&nf, t, name, nlen, value, vlen)) != HB_OK)
			return rc;
		hb_field_free(f);
		*f = nf;
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
	char tmp[HB_FMT_U64_MAX];

	hb_fmt_u64(tmp, v, 16);
	return hb_msg_set_str(m, name, tmp);
}

int hb_msg_add_control(struct hb_msg *m, const struct hb_ctl *c)
{
	const char *t = hb_msg_str(m, "t");
	bool noseq = hb_type_is_noseq(t);
	char ttl[HB_FMT_U64_MAX];
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
	hb_fmt_u64(ttl, c->ttl, 10);
	if (!KEEP("ttl") && (rc = hb_msg_set_str(m, "ttl", ttl)) != HB_OK)
		return rc;
#undef KEEP
	return HB_OK;
}

size_t hb_msg_remove(struct hb_msg *m, const char *name)
{
	size_t j = 0, removed = 0, nlen = strlen(name);

	for (size_t i = 0; i < m->n; i++) {
		if (named(&m->f[i], name, nlen)) {
			hb_field_free(&m->f[i]);
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
	size_t nlen = strlen(name);

	for (size_t i = 0; i < m->n; i++)
		if (named(&m->f[i], name, nlen))
			return &m->f[i];
	return NULL;
}

static const char *field_str(const struct hb_field *f)
{
	return f && f->type == HB_FT_STRING ? (const char *)f->value : NULL;
}

static int field_hex(const struct hb_field *f, uint64_t *v)
{
	if (!f)
		return HB_E_NOFIELD;
	if (f->type != HB_FT_STRING ||
	    hb_parse_hex64((const char *)f->value, f->vlen, v) != 0)
		return HB_E_VALUE;
	return HB_OK;
}

static int field_dec(const struct hb_field *f, uint64_t *v)
{
	unsigned long n;

	if (!f)
		return HB_E_NOFIELD;
	if (f->type != HB_FT_STRING || f->vlen > 20 ||
	    hb_parse_ulong((const char *)f->value, (unsigned long)-1, &n) != 0)
		return HB_E_VALUE;
	*v = n;
	return HB_OK;
}

static int field_uuid(const struct hb_field *f, uint8_t uuid[HB_UUID_LEN])
{
	if (!f)
		return HB_E_NOFIELD;
	if (f->type != HB_FT_BINARY || f->vlen != HB_UUID_LEN)
		return HB_E_VALUE;
	memcpy(uuid, f->value, HB_UUID_LEN);
	return HB_OK;
}

const char *hb_msg_str(const struct hb_msg *m, const char *name)
{
	return field_str(hb_msg_find(m, name));
}

int hb_msg_hex(const struct hb_msg *m, const char *name, uint64_t *v)
{
	return field_hex(hb_msg_find(m, name), v);
}

int hb_msg_dec(const struct hb_msg *m, const char *name, uint64_t *v)
{
	return field_dec(hb_msg_find(m, name), v);
}

int hb_msg_uuid(const struct hb_msg *m, const char *name, uint8_t uuid[HB_UUID_LEN])
{
	return field_uuid(hb_msg_find(m, name), uuid);
}

bool hb_type_is_noseq(const char *t)
{
	return t && strncmp(t, "NS_", 3) == 0;
}

/* The fields hb_msg_hdr reads, found in one pass over the message. */
enum hdr_key {
	HK_T, HK_ST, HK_SRC, HK_DEST, HK_LD, HK_AUTH, HK_INFO, HK_RSC_HOLD,
	HK_RTYPE, HK_NODE, HK_RESULT, HK_IPADDR, HK_SEQ, HK_HG, HK_TS, HK_DT,
	HK_ACKSEQ, HK_FIRSTSEQ, HK_LASTSEQ, HK_TTL, HK_PROTOCOL, HK_SRCUUID,
	HK_DESTUUID, HK_COUNT
};

#define HK(k, s) [k] = { s, sizeof(s) - 1 }
static const struct {
	const char *name;
	size_t len;
} hdr_keys[HK_COUNT] = {
	HK(HK_T, "t"), HK(HK_ST, "st"), HK(HK_SRC, "src"), HK(HK_DEST, "dest"),
	HK(HK_LD, "ld"), HK(HK_AUTH, "auth"), HK(HK_INFO, "info"),
	HK(HK_RSC_HOLD, "rsc_hold"), HK(HK_RTYPE, "rtype"), HK(HK_NODE, "node"),
	HK(HK_RESULT, "result"), HK(HK_IPADDR, "ipaddr"), HK(HK_SEQ, "seq"),
	HK(HK_HG, "hg"), HK(HK_TS, "ts"), HK(HK_DT, "dt"),
	HK(HK_ACKSEQ, "ackseq"), HK(HK_FIRSTSEQ, "firstseq"),
	HK(HK_LASTSEQ, "lastseq"), HK(HK_TTL, "ttl"),
	HK(HK_PROTOCOL, "protocol"), HK(HK_SRCUUID, "srcuuid"),
	HK(HK_DESTUUID, "destuuid"),
};
#undef HK

/* A parse result of field k: absent is fine, a bad value names the field. */
static int hdr_rc(int rc, enum hdr_key k, bool *has, const char **bad)
{
	if (rc == HB_E_NOFIELD)
		return HB_OK;
	if (rc != HB_OK) {
		if (!*bad)
			*bad = hdr_keys[k].name;
		return HB_E_VALUE;
	}
	if (has)
		*has = true;
	return HB_OK;
}

static int hdr_num(const struct hb_field **fs, enum hdr_key k, bool hex,
		   uint64_t *v, bool *has, const char **bad)
{
	return hdr_rc(hex ? field_hex(fs[k], v) : field_dec(fs[k], v), k, has, bad);
}

static int hdr_int(const struct hb_field **fs, enum hdr_key k, int max, int *v,
		   const char **bad)
{
	uint64_t n;
	int rc = field_dec(fs[k], &n);

	*v = -1;
	if (rc == HB_OK && n > (uint64_t)max)
		rc = HB_E_VALUE;
	if (rc == HB_OK)
		*v = (int)n;
	return hdr_rc(rc, k, NULL, bad);
}

int hb_msg_hdr(const struct hb_msg *m, struct hb_hdr *h)
{
	const struct hb_field *fs[HK_COUNT] = { NULL };
	int rc = HB_OK;
	bool rexmit;

	/* the first field of a name wins, as in hb_msg_find */
	for (size_t i = 0; i < m->n; i++)
		for (int k = 0; k < HK_COUNT; k++)
			if (named(&m->f[i], hdr_keys[k].name, hdr_keys[k].len)) {
				if (!fs[k])
					fs[k] = &m->f[i];
				break;
			}

	memset(h, 0, sizeof(*h));
	h->t = field_str(fs[HK_T]);
	h->st = field_str(fs[HK_ST]);
	h->src = field_str(fs[HK_SRC]);
	h->dest = field_str(fs[HK_DEST]);
	h->ld = field_str(fs[HK_LD]);
	h->auth = field_str(fs[HK_AUTH]);
	h->info = field_str(fs[HK_INFO]);
	h->rsc_hold = field_str(fs[HK_RSC_HOLD]);
	h->rtype = field_str(fs[HK_RTYPE]);
	h->node = field_str(fs[HK_NODE]);
	h->result = field_str(fs[HK_RESULT]);
	h->ipaddr = field_str(fs[HK_IPADDR]);

	rc |= hdr_num(fs, HK_SEQ, true, &h->seq, &h->has_seq, &h->bad);
	rc |= hdr_num(fs, HK_HG, true, &h->hg, &h->has_hg, &h->bad);
	rc |= hdr_num(fs, HK_TS, true, &h->ts, &h->has_ts, &h->bad);
	rc |= hdr_num(fs, HK_DT, true, &h->dt, &h->has_dt, &h->bad);
	rc |= hdr_num(fs, HK_ACKSEQ, true, &h->ackseq, &h->has_ackseq, &h->bad);
	/* NS_rexmit asks in decimal; NS_nak_rexmit answers in hex */
	rexmit = h->t && strcmp(h->t, "NS_rexmit") == 0;
	rc |= hdr_num(fs, HK_FIRSTSEQ, !rexmit, &h->firstseq, &h->has_firstseq, &h->bad);
	rc |= hdr_num(fs, HK_LASTSEQ, !rexmit, &h->lastseq, &h->has_lastseq, &h->bad);
	rc |= hdr_int(fs, HK_TTL, 255, &h->ttl, &h->bad);
	rc |= hdr_int(fs, HK_PROTOCOL, 1000, &h->protocol, &h->bad);
	rc |= hdr_rc(field_uuid(fs[HK_SRCUUID], h->srcuuid), HK_SRCUUID,
		     &h->has_srcuuid, &h->bad);
	rc |= hdr_rc(field_uuid(fs[HK_DESTUUID], h->destuuid), HK_DESTUUID,
		     &h->has_destuuid, &h->bad);
	return rc ? HB_E_VALUE : HB_OK;
}
