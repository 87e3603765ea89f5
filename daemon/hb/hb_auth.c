/*
 * hb_auth: signing and checking Heartbeat messages. HMACs come from
 * nettle; the crc method is computed here as heartbeat.md §3.2 describes.
 * Differences from 3.0.6, on purpose: the outer signature is checked with
 * the key it names (3.0.6 uses the method of that key but the secret of
 * its own signing key, which only matters while keys roll over), and the
 * digest comparison takes constant time.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/sha1.h>

#include "daemon/hb/hb_auth.h"
#include "daemon/hb/hb_str.h"

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

int hb_auth_digest(const struct hb_authkey *k, const void *data, size_t len,
		   char hex[HB_AUTH_HEX_MAX])
{
	uint8_t d[SHA1_DIGEST_SIZE];

	switch (k->method) {
	case HB_AUTH_SHA1: {
		struct hmac_sha1_ctx ctx;

		hmac_sha1_set_key(&ctx, k->secret_len, (const uint8_t *)k->secret);
		hmac_sha1_update(&ctx, len, data);
		hmac_sha1_digest(&ctx, SHA1_DIGEST_SIZE, d);
		explicit_bzero(&ctx, sizeof(ctx));
		to_hex(d, SHA1_DIGEST_SIZE, hex);
		return HB_OK;
	}
	case HB_AUTH_MD5: {
		struct hmac_md5_ctx ctx;

		hmac_md5_set_key(&ctx, k->secret_len, (const uint8_t *)k->secret);
		hmac_md5_update(&ctx, len, data);
		hmac_md5_digest(&ctx, MD5_DIGEST_SIZE, d);
		explicit_bzero(&ctx, sizeof(ctx));
		to_hex(d, MD5_DIGEST_SIZE, hex);
		return HB_OK;
	}
	case HB_AUTH_CRC:
		snprintf(hex, HB_AUTH_HEX_MAX, "%lx",
			 (unsigned long)hb_auth_crc32(data, len));
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
	char hex[HB_AUTH_HEX_MAX];
	int rc;

	if (!k)
		return HB_E_KEY;
	if ((rc = hb_auth_digest(k, data, len, hex)) != HB_OK)
		return rc;
	if ((size_t)snprintf(out, cap, "%d %s", n, hex) >= cap)
		return HB_E_TOOBIG;
	return HB_OK;
}

/* The classic text of the fields other than auth, in a fresh buffer. */
static int render_unsigned(const struct hb_msg *m, char **out, size_t *len)
{
	long n = hb_msg_classic(m, HB_CLASSIC_NOAUTH, NULL, 0);
	char *buf;

	if (n < 0)
		return (int)n;
	if (!(buf = malloc((size_t)n + 1)))
		return HB_E_NOMEM;
	hb_msg_classic(m, HB_CLASSIC_NOAUTH, buf, (size_t)n);
	*out = buf;
	*len = (size_t)n;
	return HB_OK;
}

int hb_auth_sign_fields(struct hb_msg *m, const struct hb_authkeys *ks)
{
	char sig[HB_MSG_SIG_MAX + 1];
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
				free(m->f[i].name);
				free(m->f[i].value);
				continue;
			}
			seen = true;
		}
		m->f[j++] = m->f[i];
	}
	m->n = j;

	if ((rc = render_unsigned(m, &text, &len)) != HB_OK)
		return rc;
	rc = hb_auth_sign_text(ks, ks->active, text, len, sig, sizeof(sig));
	free(text);
	if (rc != HB_OK)
		return rc;
	return hb_msg_set_str(m, "auth", sig);
}

long hb_auth_encode(const struct hb_msg *m, enum hb_fmt fmt,
		    const struct hb_authkeys *ks, void *buf, size_t cap)
{
	char sig[HB_MSG_SIG_MAX + 1], head[16];
	long body;
	uint8_t *tmp;
	int rc, hl;

	if (fmt == HB_FMT_CLASSIC)
		return hb_msg_classic(m, HB_CLASSIC_MARKERS, buf, cap);

	if ((body = hb_msg_netstring(m, NULL, 0)) < 0)
		return body;
	if (!(tmp = malloc((size_t)body)))
		return HB_E_NOMEM;
	hb_msg_netstring(m, tmp, (size_t)body);
	rc = hb_auth_sign_text(ks, ks->active, tmp, (size_t)body, sig, sizeof(sig));
	if (rc != HB_OK) {
		free(tmp);
		return rc;
	}
	hl = snprintf(head, sizeof(head), "%zu:", strlen(sig));

	size_t total = (size_t)body + (size_t)hl + strlen(sig) + 1;

	if (total > HB_MSG_MAX_WIRE) {
		free(tmp);
		return HB_E_TOOBIG;
	}
	if (total <= cap) {
		uint8_t *o = buf;

		memcpy(o, tmp, (size_t)body);
		o += body;
		memcpy(o, head, (size_t)hl);
		o += hl;
		memcpy(o, sig, strlen(sig));
		o += strlen(sig);
		*o = ',';
	}
	free(tmp);
	return (long)total;
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
	char *text;
	size_t len;
	int rc;

	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->f[i].name, "auth") == 0)
			auth = &m->f[i];
	if (!auth)
		return HB_E_NOAUTH;
	if (auth->type != HB_FT_STRING)
		return HB_E_BADAUTH;
	if ((rc = render_unsigned(m, &text, &len)) != HB_OK)
		return rc;
	rc = hb_auth_check_text(ks, (const char *)auth->value, text, len);
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
