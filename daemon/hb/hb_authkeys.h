/*
 * hb_authkeys: parser for Heartbeat's /etc/ha.d/authkeys (heartbeat.md §3.1).
 *
 *	auth N			key number used to sign what we send
 *	N sha1|md5 SECRET	keys accepted on input (N = 0..15)
 *	N crc			no secret; integrity only
 *
 * Pure: the caller reads the file (and checks its mode with
 * hb_authkeys_mode_error()). Secrets are wiped by hb_authkeys_free().
 */
#ifndef DUET_HB_AUTHKEYS_H
#define DUET_HB_AUTHKEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/hb/hb_diag.h"

#define HB_AUTH_MAXKEYS		16	/* Heartbeat's MAXAUTH */
#define HB_AUTH_SECRET_MAX	1024

enum hb_auth_method {
	HB_AUTH_NONE = 0,	/* slot unused */
	HB_AUTH_CRC,
	HB_AUTH_MD5,
	HB_AUTH_SHA1,
};

struct hb_authkey {
	enum hb_auth_method method;
	char *secret;		/* NULL for crc */
	size_t secret_len;
	unsigned line;
	void *pre;		/* keyed HMAC state from hb_auth_prepare, or NULL */
	size_t pre_len;
};

struct hb_authkeys {
	struct hb_authkey keys[HB_AUTH_MAXKEYS];
	int active;		/* the "auth N" key, -1 if none */
	unsigned active_line;
};

/* 0 when the file is usable, -1 on errors (see d). Free it either way. */
int hb_authkeys_parse(struct hb_authkeys *k, const char *buf, size_t len,
		      const char *file, struct hb_diag *d);
void hb_authkeys_free(struct hb_authkeys *k);

/* Key n if configured, else NULL. */
const struct hb_authkey *hb_authkeys_get(const struct hb_authkeys *k, int n);

/*
 * Heartbeat refuses a key file that group or others may read. Returns
 * NULL for an acceptable st_mode, else writes "Bad permissions on keyfile
 * [path], 600 recommended." into buf and returns buf.
 */
const char *hb_authkeys_mode_error(unsigned st_mode, const char *path,
				   char *buf, size_t cap);

const char *hb_auth_method_str(enum hb_auth_method m);
/* "sha1" -> HB_AUTH_SHA1 (case matters, as in Heartbeat); NONE if unknown */
enum hb_auth_method hb_auth_method_from_str(const char *s);

#endif
