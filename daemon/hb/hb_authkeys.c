/*
 * hb_authkeys: the authkeys file. Heartbeat's rules (heartbeat.md §3.1):
 * key numbers 0-15, sha1/md5 need a secret, crc takes none, the "auth"
 * line picks the signing key. Differences, each with a warning: Heartbeat
 * only honours "auth N" when it precedes key N's line (otherwise "Auth Key
 * [N] not found"); duet takes either order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hb/hb_auth.h"
#include "daemon/hb/hb_authkeys.h"
#include "daemon/hb/hb_str.h"

#define HB_AUTHKEYS_MAX_LINE	4096

const char *hb_auth_method_str(enum hb_auth_method m)
{
	switch (m) {
	case HB_AUTH_CRC: return "crc";
	case HB_AUTH_MD5: return "md5";
	case HB_AUTH_SHA1: return "sha1";
	case HB_AUTH_NONE: break;
	}
	return "none";
}

enum hb_auth_method hb_auth_method_from_str(const char *s)
{
	if (strcmp(s, "sha1") == 0)
		return HB_AUTH_SHA1;
	if (strcmp(s, "md5") == 0)
		return HB_AUTH_MD5;
	if (strcmp(s, "crc") == 0)
		return HB_AUTH_CRC;
	return HB_AUTH_NONE;
}

static void wipe_key(struct hb_authkey *key)
{
	if (key->secret) {
		explicit_bzero(key->secret, key->secret_len);
		free(key->secret);
	}
	if (key->pre) {
		explicit_bzero(key->pre, key->pre_len);
		free(key->pre);
	}
	memset(key, 0, sizeof(*key));
}

void hb_authkeys_free(struct hb_authkeys *k)
{
	for (int i = 0; i < HB_AUTH_MAXKEYS; i++)
		wipe_key(&k->keys[i]);
	k->active = -1;
}

const struct hb_authkey *hb_authkeys_get(const struct hb_authkeys *k, int n)
{
	if (n < 0 || n >= HB_AUTH_MAXKEYS || k->keys[n].method == HB_AUTH_NONE)
		return NULL;
	return &k->keys[n];
}

const char *hb_authkeys_mode_error(unsigned st_mode, const char *path,
				   char *buf, size_t cap)
{
	if (!(st_mode & 0044))	/* S_IRGRP | S_IROTH */
		return NULL;
	snprintf(buf, cap, "Bad permissions on keyfile [%s], 600 recommended.", path);
	return buf;
}

/* A decimal key number as Heartbeat's %d would read it (we want 0-99 max). */
static int parse_num(const char *s, size_t len, int *out)
{
	unsigned long v;
	char tmp[8];

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (hb_parse_ulong(tmp, 9999999, &v) != 0)
		return -1;
	*out = (int)v;
	return 0;
}

static void do_line(struct hb_authkeys *k, char *s, const char *file,
		    unsigned line, struct hb_diag *d, int *want, unsigned *want_line)
{
	const char *w[4];
	size_t wl[4], n = 0;
	const char *p;
	char *cp;
	int num;

	/* Heartbeat: a line is a comment only if '#' is its first word */
	if ((cp = strpbrk(s, "\r\n")))
		*cp = '\0';
	p = s + strspn(s, HB_WHITESPACE);
	if (*p == '#' || *p == '\0')
		return;

	while (n < 4) {
		p += strspn(p, HB_WHITESPACE);
		if (!*p)
			break;
		w[n] = p;
		wl[n] = strcspn(p, HB_WHITESPACE);
		p += wl[n];
		n++;
	}

	if (wl[0] == 4 && strncmp(w[0], "auth", 4) == 0) {
		if (n < 2 || parse_num(w[1], wl[1], &num) != 0) {
			hb_diag_add(d, HB_SEV_ERR, file, line, "Invalid auth line [%s]", s);
			return;
		}
		if (n > 2)
			hb_diag_add(d, HB_SEV_WARN, file, line,
				    "extra words after [auth %d] ignored", num);
		if (*want >= 0)
			hb_diag_add(d, HB_SEV_WARN, file, line,
				    "auth directive given more than once; the last one [%d] is used", num);
		*want = num;
		*want_line = line;
		if (num >= 0 && num < HB_AUTH_MAXKEYS && k->keys[num].method != HB_AUTH_NONE)
			hb_diag_add(d, HB_SEV_WARN, file, line,
				    "auth %d comes after the definition of key %d; Heartbeat 3.0.6 "
				    "would refuse this file (\"Auth Key [%d] not found\"): put the "
				    "auth line first", num, num, num);
		return;
	}

	if (parse_num(w[0], wl[0], &num) != 0 || n < 2) {
		hb_diag_add(d, HB_SEV_ERR, file, line, "Auth line [%s] is invalid.", s);
		return;
	}
	if (num < 0 || num >= HB_AUTH_MAXKEYS) {
		hb_diag_add(d, HB_SEV_ERR, file, line, "Invalid authnum [%d] (0 to %d)",
			    num, HB_AUTH_MAXKEYS - 1);
		return;
	}

	char method[16];
	enum hb_auth_method m = HB_AUTH_NONE;

	if (wl[1] < sizeof(method)) {
		memcpy(method, w[1], wl[1]);
		method[wl[1]] = '\0';
		m = hb_auth_method_from_str(method);
	}
	if (m == HB_AUTH_NONE) {
		hb_diag_add(d, HB_SEV_ERR, file, line, "Invalid authtype [%.*s]",
			    (int)wl[1], w[1]);
		return;
	}
	if (m == HB_AUTH_CRC && n > 2) {
		hb_diag_add(d, HB_SEV_ERR, file, line, "Auth method [crc] doesn't use a key");
		return;
	}
	if (m != HB_AUTH_CRC && n < 3) {
		hb_diag_add(d, HB_SEV_ERR, file, line, "Auth method [%s] requires a key",
			    method);
		return;
	}
	if (m != HB_AUTH_CRC && wl[2] > HB_AUTH_SECRET_MAX) {
		hb_diag_add(d, HB_SEV_ERR, file, line, "Auth key [%d] is too long (more than %d bytes)",
			    num, HB_AUTH_SECRET_MAX);
		return;
	}
	if (n > 3)
		hb_diag_add(d, HB_SEV_WARN, file, line,
			    "key %d: words after the secret are ignored (a secret cannot contain spaces)",
			    num);
	if (k->keys[num].method != HB_AUTH_NONE)
		hb_diag_add(d, HB_SEV_WARN, file, line,
			    "Auth key [%d] defined more than once; the last definition is used", num);
	if (m == HB_AUTH_CRC)
		hb_diag_add(d, HB_SEV_WARN, file, line,
			    "Auth method [crc] only detects damaged packets: anyone on the "
			    "network can forge them; use sha1");

	struct hb_authkey nk = { .method = m, .line = line };

	if (m != HB_AUTH_CRC) {
		if (!(nk.secret = hb_strndup(w[2], wl[2]))) {
			hb_diag_add(d, HB_SEV_ERR, file, line, "Out of memory for authkey");
			return;
		}
		nk.secret_len = wl[2];
		/* without it hb_auth_digest keys the HMAC on every message */
		if (hb_auth_prepare(&nk) != HB_OK) {
			hb_diag_add(d, HB_SEV_ERR, file, line, "Out of memory for authkey");
			wipe_key(&nk);
			return;
		}
	}
	wipe_key(&k->keys[num]);
	k->keys[num] = nk;
}

int hb_authkeys_parse(struct hb_authkeys *k, const char *buf, size_t len,
		      const char *file, struct hb_diag *d)
{
	struct hb_lines it;
	const char *line;
	size_t llen, nerr0 = d->nerr;
	int want = -1;
	unsigned want_line = 0;

	memset(k, 0, sizeof(*k));
	k->active = -1;

	hb_lines_init(&it, buf, len);
	while (hb_lines_next(&it, &line, &llen)) {
		char *s;

		if (memchr(line, '\0', llen)) {
			hb_diag_add(d, HB_SEV_ERR, file, it.lineno, "NUL byte in line");
			continue;
		}
		if (llen > HB_AUTHKEYS_MAX_LINE) {
			hb_diag_add(d, HB_SEV_ERR, file, it.lineno,
				    "line too long (more than %d bytes)", HB_AUTHKEYS_MAX_LINE);
			continue;
		}
		if (!(s = hb_strndup(line, llen))) {
			hb_diag_add(d, HB_SEV_ERR, file, it.lineno, "out of memory");
			continue;
		}
		do_line(k, s, file, it.lineno, d, &want, &want_line);
		explicit_bzero(s, llen);
		free(s);
	}

	if (want < 0) {
		hb_diag_add(d, HB_SEV_ERR, file, it.lineno,
			    "Missing auth directive in keyfile [%s]", file);
	} else if (!hb_authkeys_get(k, want)) {
		hb_diag_add(d, HB_SEV_ERR, file, want_line,
			    "Auth Key [%d] not found in keyfile [%s]", want, file);
	} else {
		k->active = want;
		k->active_line = want_line;
	}
	return d->nerr > nerr0 ? -1 : 0;
}
