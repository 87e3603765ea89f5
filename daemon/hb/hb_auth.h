/*
 * hb_auth: Heartbeat's message signatures (heartbeat.md §3.2).
 *
 *   sha1	HMAC-SHA1 with the secret, 40 lower-case hex digits
 *   md5	HMAC-MD5, 32 hex digits
 *   crc	CRC-32 (MSB first, poly 0x04C11DB7, init 0, final complement,
 *		no length), printed as %lx
 *
 * A signature reads "N hexdigest" (N the key number). Heartbeat 3.0.6 puts
 * two on the UDP wire: the inner field auth=, over the classic text of the
 * other fields, and the outer netstring after "%%%\n", over the bytes
 * "###\n".."%%%\n". A receiver checks the outer one on netstring input and
 * the inner one on classic input. Pure computation (nettle).
 */
#ifndef DUET_HB_AUTH_H
#define DUET_HB_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/hb/hb_authkeys.h"
#include "daemon/hb/hb_msg.h"

#define HB_AUTH_HEX_MAX	41	/* 40 hex digits of SHA-1 and a NUL */

/*
 * Keys the HMAC of k once (sha1, md5; nothing for crc), so that
 * hb_auth_digest copies that state instead of hashing the secret for every
 * message; hb_authkeys_parse does it for each key it reads. HB_OK or
 * HB_E_NOMEM.
 */
int hb_auth_prepare(struct hb_authkey *k);

/* The digest of data under a key, as lower-case hex. HB_OK or an hb_err. */
int hb_auth_digest(const struct hb_authkey *k, const void *data, size_t len,
		   char hex[HB_AUTH_HEX_MAX]);

/* The signature text "N hex" of data under key n of ks. */
int hb_auth_sign_text(const struct hb_authkeys *ks, int n, const void *data,
		      size_t len, char *out, size_t cap);

/*
 * Sets the inner "auth" field (in place, or appended) to the signature of
 * the message's other fields under the active key.
 */
int hb_auth_sign_fields(struct hb_msg *m, const struct hb_authkeys *ks);

/*
 * A message as 3.0.6 sends it. Netstring: the body and the outer signature
 * under the active key. Classic: ">>>\n".."<<<\n" (no NUL; the caller adds
 * one for a datagram). Call hb_auth_sign_fields() first. Returns the length
 * (as hb_msg_netstring: buf holds the message only when that is <= cap)
 * or a negative hb_err.
 */
long hb_auth_encode(const struct hb_msg *m, enum hb_fmt fmt,
		    const struct hb_authkeys *ks, void *buf, size_t cap);

/*
 * Checks a decoded message against what came on the wire: the outer
 * signature for netstring input, the inner auth field for classic input.
 * HB_OK, HB_E_NOAUTH, HB_E_BADAUTH, HB_E_KEY or HB_E_SIG.
 */
int hb_auth_verify(const struct hb_authkeys *ks, const void *buf, size_t len,
		   const struct hb_msg *m, const struct hb_wire *w);

/* Checks only the inner auth field (the last one, as Heartbeat). */
int hb_auth_verify_fields(const struct hb_authkeys *ks, const struct hb_msg *m);

/* Checks a signature text "N hex" over data. */
int hb_auth_check_text(const struct hb_authkeys *ks, const char *sig,
		       const void *data, size_t len);

/* hb_msg_decode() then hb_auth_verify(); on failure m is left empty. */
int hb_auth_decode(const struct hb_authkeys *ks, const void *buf, size_t len,
		   struct hb_msg *m, struct hb_wire *w);

/* Heartbeat's crc: CRC-32/MSB, poly 0x04C11DB7, init 0, ~ at the end. */
uint32_t hb_auth_crc32(const void *data, size_t len);

#endif
