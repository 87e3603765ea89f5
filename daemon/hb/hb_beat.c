/*
 * hb_beat: see hb_beat.h. The images come from the codec's own encoders
 * (hb_msg_netstring_at, hb_msg_classic_at), which also tell where each
 * value starts, so the layout is written down in one place only.
 */
#include <string.h>

#include "daemon/hb/hb_auth.h"
#include "daemon/hb/hb_beat.h"

static const char *const var_names[HB_BEAT_NVAR] = { "seq", "ts", "ld" };

/* the index of the first field named `name`, a string, or -1 */
static long field_index(const struct hb_msg *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->f[i].name, name) == 0)
			return m->f[i].type == HB_FT_STRING ? (long)i : -1;
	return -1;
}

/* an image of m by enc: copies the offsets of the fields in idx[] */
static int image(struct hb_beat_img *img, long len, const size_t *voff,
		 const long idx[HB_BEAT_NVAR], long ai)
{
	if (len < 0)
		return (int)len;
	if ((size_t)len > sizeof(img->b))
		return HB_E_TOOBIG;
	img->len = (size_t)len;
	for (int v = 0; v < HB_BEAT_NVAR; v++)
		img->var[v] = voff[idx[v]];
	img->auth = voff[ai];
	return HB_OK;
}

int hb_beat_build(struct hb_beat *b, const struct hb_msg *m, const struct hb_authkeys *ks,
		  bool classic)
{
	size_t voff[HB_MSG_MAX_FIELDS];
	long idx[HB_BEAT_NVAR], ai, len;
	int rc;

	b->valid = false;
	b->classic = classic;
	if (m->n > HB_MSG_MAX_FIELDS)
		return HB_E_TOOBIG;
	for (int v = 0; v < HB_BEAT_NVAR; v++) {
		if ((idx[v] = field_index(m, var_names[v])) < 0)
			return HB_E_FIELD;
		b->vlen[v] = m->f[idx[v]].vlen;
	}
	if ((ai = field_index(m, "auth")) < 0)
		return HB_E_FIELD;
	b->alen = m->f[ai].vlen;

	len = hb_msg_classic_at(m, HB_CLASSIC_NOAUTH, b->text.b, sizeof(b->text.b), voff);
	if ((rc = image(&b->text, len, voff, idx, ai)) != HB_OK)
		return rc;
	if (classic) {
		len = hb_msg_classic_at(m, HB_CLASSIC_MARKERS, b->cl.b, sizeof(b->cl.b), voff);
		if ((rc = image(&b->cl, len, voff, idx, ai)) != HB_OK)
			return rc;
	}
	len = hb_msg_netstring_at(m, b->ns.b, sizeof(b->ns.b), voff);
	if ((rc = image(&b->ns, len, voff, idx, ai)) != HB_OK)
		return rc;
	b->ns_body = b->ns.len;
	/* the signature netstring, as hb_auth_encode appends it */
	len = hb_auth_encode(m, HB_FMT_NETSTRING, ks, b->ns.b, sizeof(b->ns.b));
	if (len < 0)
		return (int)len;
	if ((size_t)len > sizeof(b->ns.b))
		return HB_E_TOOBIG;
	b->ns.len = (size_t)len;
	b->ns_sig = (const uint8_t *)memchr(b->ns.b + b->ns_body, ':', b->ns.len - b->ns_body) -
		    b->ns.b + 1;
	b->ns_siglen = b->ns.len - 1 - b->ns_sig;
	b->valid = true;
	return HB_OK;
}

static void put_var(struct hb_beat_img *img, int v, const char *val, size_t len)
{
	memcpy(img->b + img->var[v], val, len);
}

int hb_beat_update(struct hb_beat *b, const char *const val[HB_BEAT_NVAR],
		   const struct hb_authkeys *ks)
{
	char sig[HB_MSG_SIG_MAX + 1];
	int rc;

	if (!b->valid)
		return HB_E_FIELD;
	for (int v = 0; v < HB_BEAT_NVAR; v++)
		if (strlen(val[v]) != b->vlen[v] || memchr(val[v], '\n', b->vlen[v]))
			goto relayout;
	for (int v = 0; v < HB_BEAT_NVAR; v++) {
		put_var(&b->text, v, val[v], b->vlen[v]);
		put_var(&b->ns, v, val[v], b->vlen[v]);
		if (b->classic)
			put_var(&b->cl, v, val[v], b->vlen[v]);
	}
	/* the inner auth field, over the classic text of the other fields */
	rc = hb_auth_sign_text(ks, ks->active, b->text.b, b->text.len, sig, sizeof(sig));
	if (rc != HB_OK) {
		b->valid = false;
		return rc;
	}
	if (strlen(sig) != b->alen)
		goto relayout;
	memcpy(b->ns.b + b->ns.auth, sig, b->alen);
	if (b->classic)
		memcpy(b->cl.b + b->cl.auth, sig, b->alen);
	/* the outer signature, over the netstring body */
	rc = hb_auth_sign_text(ks, ks->active, b->ns.b, b->ns_body, sig, sizeof(sig));
	if (rc != HB_OK) {
		b->valid = false;
		return rc;
	}
	if (strlen(sig) != b->ns_siglen)
		goto relayout;
	memcpy(b->ns.b + b->ns_sig, sig, b->ns_siglen);
	return HB_OK;
relayout:
	b->valid = false;
	return HB_E_VALUE;
}
