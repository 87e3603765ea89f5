/*
 * hb_auth: signing and checking Heartbeat messages. HMACs come from
 * nettle; the crc method is computed here as heartbeat.md §3.2 describes.
 * Differences from 3.0.6, on purpose: the outer signature is checked with
 * the key it names (3.0.6 uses the method of that key but the secret of
 * its own signing key, which only matters while keys roll over), and the
 * digest comparison takes constant time.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>

#include "daemon/hb/hb_auth.h"
#include "daemon/hb/hb_str.h"

/* classic renderings of this size are signed from the stack */
#define RENDER_FIX 2048

uint32_t hb_auth_crc32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0;

	for (size_t i = 0; i < len; i++) {
		crc ^= (uint32_t)p[i] << 24;
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
	}
	return ~crc;
}

static void to_hex(const uint8_t *d, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * n] = '\0';
}

int hb_auth_prepare(struct hb_authkey *k)
{
	size_t size;
	void *c;

	if (k->pre || !k->secret)
		return HB_OK;
	if (k->method == HB_AUTH_SHA1)
		size = sizeof(struct hmac_sha1_ctx);
	else if (k->method == HB_AUTH_MD5)
		size = sizeof(struct hmac_md5_ctx);
	else
		return HB_OK;	/* crc: nothing to key */
	if (!(c = malloc(size)))
		return HB_E_NOMEM;
	if (k->method == HB_AUTH_SHA1)
		hmac_sha1_set_key(c, k->secret_len, (const uint8_t *)k->secret);
	else
		hmac_md5_set_key(c, k->secret_len, (const uint8_t *)k->secret);
	k->pre = c;
	k->pre_len = size;
	return HB_OK;
}

int hb_auth_digest(const struct hb_authkey *k, const void *data, size_t len,
		   char hex[HB_AUTH_HEX_MAX])
{
	uint8_t d[SHA1_DIGEST_SIZE];

	switch (k->method) {
	case HB_AUTH_SHA1: {
		struct hmac_sha1_ctx ctx;

		/* a copy of the keyed state saves two compressions a message */
		if (k->pre)
			memcpy(&ctx, k->pre, sizeof(ctx));
		else
			hmac_sha1_set_key(&ctx, k->secret_len, (const uint8_t *)k->secret);
		hmac_sha1_update(&ctx, len, data);
		hmac_sha1_digest(&ctx, SHA1_DIGEST_SIZE, d);
		explicit_bzero(&ctx, sizeof(ctx));
		to_hex(d, SHA1_DIGEST_SIZE, hex);
		return HB_OK;
	}
	case HB_AUTH_MD5: {
		struct hmac_md5_ctx ctx;

		if (k->pre)
			memcpy(&ctx, k->pre, sizeof(ctx));
		else
			hmac_md5_set_key(&ctx, k->secret_len, (const uint8_t *)k->secret);
		hmac_md5_update(&ctx, len, data);
		hmac_md5_digest(&ctx, MD5_DIGEST_SIZE, d);
		explicit_bzero(&ctx, sizeof(ctx));
		to_hex(d, MD5_DIGEST_SIZE, hex);
		return HB_OK;
	}
	case HB_AUTH_CRC:
		hb_fmt_u64(hex, hb_auth_crc32(data, len), 16);
		return HB_OK;
	case HB_AUTH_NONE:
		break;
	}
	return HB_E_KEY;
}

int hb_auth_sign_text(const struct hb_authkeys *ks, int n, const void *data,
		      size_t len, char *out, size_t cap)
{
	const struct hb_authkey *k = hb_authkeys_get(ks, n);
	char hex[HB_AUTH_HEX_MAX], num[HB_FMT_U64_MAX];
	size_t nl, hl;
	int rc;

	if (!k)
		return HB_E_KEY;
	if ((rc = hb_auth_digest(k, data, len, hex)) != HB_OK)
		return rc;
	nl = hb_fmt_u64(num, (uint64_t)n, 10);
	hl = strlen(hex);
	if (nl + 1 + hl >= cap)
		return HB_E_TOOBIG;
	memcpy(out, num, nl);
	out[nl] = ' ';
	memcpy(out + nl + 1, hex, hl + 1);
	return HB_OK;
}

/*
 * The classic text of the fields other than auth: in fix (cap bytes)
 * when it fits, as for any heartbeat, else in a fresh buffer that the
 * caller frees when it is not fix.
 */
static int render_unsigned(const struct hb_msg *m, char *fix, size_t cap,
			   char **out, size_t *len)
{
	long n = hb_msg_classic(m, HB_CLASSIC_NOAUTH, fix, cap);
	char *buf;

	if (n < 0)
		return (int)n;
	*len = (size_t)n;
	if ((size_t)n <= cap) {
		*out = fix;
		return HB_OK;
	}
	if (!(buf = malloc((size_t)n + 1)))
		return HB_E_NOMEM;
	hb_msg_classic(m, HB_CLASSIC_NOAUTH, buf, (size_t)n);
	*out = buf;
	return HB_OK;
}

int hb_auth_sign_fields(struct hb_msg *m, const struct hb_authkeys *ks)
{
	char sig[HB_MSG_SIG_MAX + 1], fix[RENDER_FIX];
	char *text;
	size_t len, j = 0;
	bool seen = false;
	int rc;

	/*
	 * Keep only the first auth field: set_str() below rewrites that one,
	 * while a receiver checks the last one (as Heartbeat does).
	 */
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->f[i].name, "auth") == 0) {
			if (seen) {
				hb_field_free(&m->f[i]);
				continue;
			}
			seen = true;
		}
		m->f[j++] = m->f[i];
	}
	m->n = j;

	if ((rc = render_unsigned(m, fix, sizeof(fix), &text, &len)) != HB_OK)
		return rc;
	rc = hb_auth_sign_text(ks, ks->active, text, len, sig, sizeof(sig));
	if (text != fix)
		free(text);
	if (rc != HB_OK)
		return rc;
	return hb_msg_set_str(m, "auth", sig);
}

/* Appends the signature netstring "len:N hex," after body bytes in buf. */
static long sign_tail(const struct hb_authkeys *ks, uint8_t *buf, size_t body,
		      size_t cap, const void *signed_text)
{
	char sig[HB_MSG_SIG_MAX + 1], head[24];
	size_t sl, hl, total;
	int rc;

	rc = hb_auth_sign_text(ks, ks->active, signed_text, body, sig, sizeof(sig));
	if (rc != HB_OK)
		return rc;
	sl = strlen(sig);
	hl = hb_fmt_u64(head, sl, 10);
	head[hl++] = ':';
	total = body + hl + sl + 1;
	if (total > HB_MSG_MAX_WIRE)
		return HB_E_TOOBIG;
	if (total <= cap) {
		memcpy(buf + body, head, hl);
		memcpy(buf + body + hl, sig, sl);
		buf[total - 1] = ',';
	}
	return (long)total;
}

long hb_auth_encode(const struct hb_msg *m, enum hb_fmt fmt,
		    const struct hb_authkeys *ks, void *buf, size_t cap)
{
	long body, total;
	uint8_t *tmp;

	if (fmt == HB_FMT_CLASSIC)
		return hb_msg_classic(m, HB_CLASSIC_MARKERS, buf, cap);

	/* the usual case: encoded in place, signed there, one pass */
	if ((body = hb_msg_netstring(m, buf, cap)) < 0)
		return body;
	if ((size_t)body <= cap)
		return sign_tail(ks, buf, (size_t)body, cap, buf);

	/* sizing (cap too small): the body is signed from a copy */
	if (!(tmp = malloc((size_t)body)))
		return HB_E_NOMEM;
	hb_msg_netstring(m, tmp, (size_t)body);
	total = sign_tail(ks, tmp, (size_t)body, 0, tmp);
	free(tmp);
	return total;
}

int hb_auth_check_text(const struct hb_authkeys *ks, const char *sig,
		       const void *data, size_t len)
{
	const struct hb_authkey *k;
	char hex[HB_AUTH_HEX_MAX];
	const char *p = sig, *h;
	int n = 0, digits = 0, rc;
	size_t hl;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 2)
			return HB_E_BADAUTH;
		n = n * 10 + (*p - '0');
	}
	if (digits == 0 || *p != ' ')
		return HB_E_BADAUTH;
	h = p + 1;
	hl = strlen(h);
	if (hl == 0 || hl >= HB_AUTH_HEX_MAX)
		return HB_E_BADAUTH;
	for (size_t i = 0; i < hl; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return HB_E_BADAUTH;
	if (!(k = hb_authkeys_get(ks, n)))
		return HB_E_KEY;
	if ((rc = hb_auth_digest(k, data, len, hex)) != HB_OK)
		return rc;
	if (strlen(hex) != hl || !hb_memeq_ct(hex, h, hl))
		return HB_E_SIG;
	return HB_OK;
}

int hb_auth_verify_fields(const struct hb_authkeys *ks, const struct hb_msg *m)
{
	const struct hb_field *auth = NULL;
	char fix[RENDER_FIX], *text;
	size_t len;
	int rc;

	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->f[i].name, "auth") == 0)
			auth = &m->f[i];
	if (!auth)
		return HB_E_NOAUTH;
	if (auth->type != HB_FT_STRING)
		return HB_E_BADAUTH;
	if ((rc = render_unsigned(m, fix, sizeof(fix), &text, &len)) != HB_OK)
		return rc;
	rc = hb_auth_check_text(ks, (const char *)auth->value, text, len);
	if (text != fix)
		free(text);
	return rc;
}

int hb_auth_verify(const struct hb_authkeys *ks, const void *buf, size_t len,
		   const struct hb_msg *m, const struct hb_wire *w)
{
	if (w->fmt == HB_FMT_CLASSIC)
		return hb_auth_verify_fields(ks, m);
	if (!w->has_sig)
		return HB_E_NOAUTH;
	if (w->body_len > len)
		return HB_E_FORMAT;
	return hb_auth_check_text(ks, w->sig, buf, w->body_len);
}

int hb_auth_decode(const struct hb_authkeys *ks, const void *buf, size_t len,
		   struct hb_msg *m, struct hb_wire *w)
{
	int rc = hb_msg_decode(m, buf, len, w);

	if (rc != HB_OK)
		return rc;
	if ((rc = hb_auth_verify(ks, buf, len, m, w)) != HB_OK)
		hb_msg_free(m);
	return rc;
}
