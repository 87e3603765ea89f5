/*
 * hb_beat: our heartbeat kept as wire images between one message and the
 * next. A status message changes little from one keepalive to the next:
 * seq, ts and ld take new values of the same length, and the inner auth
 * field and the outer signature are computed again. hb_beat_build takes a
 * signed message (as hb_auth_encode would send it) and keeps its three
 * images and where those values sit in them; hb_beat_update writes new
 * values there and signs again, with no rendering and no allocation. The
 * bytes are those hb_auth_encode would give for the message with the new
 * values (tests/unit/test_hb_beat.c checks it); a value of another length
 * is refused and the caller builds the images again. Pure computation.
 */
#ifndef DUET_HB_BEAT_H
#define DUET_HB_BEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/hb/hb_authkeys.h"
#include "daemon/hb/hb_msg.h"

#define HB_BEAT_MAX 1024	/* bytes of an image; a status message takes ~310 */

/* the string fields hb_beat_update rewrites, by the first field so named */
enum hb_beat_var { HB_BEAT_SEQ, HB_BEAT_TS, HB_BEAT_LD, HB_BEAT_NVAR };

struct hb_beat_img {
	uint8_t b[HB_BEAT_MAX];
	size_t len;
	size_t var[HB_BEAT_NVAR];	/* offsets of the values */
	size_t auth;			/* offset of the auth value (not in text) */
};

struct hb_beat {
	bool valid;
	bool classic;			/* cl is kept (there are serial media) */
	struct hb_beat_img text;	/* classic text of the fields but auth: what auth signs */
	struct hb_beat_img ns;		/* netstring wire, outer signature included */
	struct hb_beat_img cl;		/* classic wire, ">>>\n".."<<<\n" */
	size_t vlen[HB_BEAT_NVAR];
	size_t alen;			/* length of the auth value */
	size_t ns_body;			/* bytes "###\n".."%%%\n" the outer signature signs */
	size_t ns_sig, ns_siglen;	/* the outer signature's text "N hex" */
};

/*
 * Keeps the images of m, a message signed with hb_auth_sign_fields under
 * ks (netstring always, classic too when `classic`). HB_OK; HB_E_FIELD if
 * m lacks a string seq, ts, ld or auth field; HB_E_TOOBIG if an image
 * would pass HB_BEAT_MAX; another hb_err from the encoders. b is invalid
 * after a failure.
 */
int hb_beat_build(struct hb_beat *b, const struct hb_msg *m, const struct hb_authkeys *ks,
		  bool classic);

/*
 * Writes val[HB_BEAT_SEQ..LD] (strings) into the images and signs them
 * again under ks (the keys b was built with). HB_OK; HB_E_VALUE when a
 * value or a signature has another length than the one in the images (b
 * is then invalid: build again); HB_E_FIELD on an invalid b.
 */
int hb_beat_update(struct hb_beat *b, const char *const val[HB_BEAT_NVAR],
		   const struct hb_authkeys *ks);

#endif
