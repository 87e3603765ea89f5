/*
 * Fuzz target: the Heartbeat message decoder and the signature checks
 * (daemon/hb/hb_msg.c, hb_auth.c). Whatever decodes must re-encode, and
 * the re-encoding must decode to the same fields; nothing may crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hb/hb_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hb_authkeys keys;
static int keys_loaded;

static void load_keys(void)
{
	/* the capture's key, and one of each other method */
	static const char text[] =
		"auth 1\n1 sha1 AnchorSecret42\n2 md5 OtherSecret\n3 crc\n";
	struct hb_diag d;

	hb_diag_init(&d);
	if (hb_authkeys_parse(&keys, text, sizeof(text) - 1, "authkeys", &d) != 0)
		abort();
	hb_diag_free(&d);
	keys_loaded = 1;
}

static void same_fields(const struct hb_msg *a, const struct hb_msg *b)
{
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		if (a->f[i].type != b->f[i].type || a->f[i].vlen != b->f[i].vlen ||
		    strcmp(a->f[i].name, b->f[i].name) != 0 ||
		    memcmp(a->f[i].value, b->f[i].value, a->f[i].vlen) != 0)
			abort();
	}
}

static void roundtrip(const struct hb_msg *m, int classic)
{
	long n = classic ? hb_msg_classic(m, HB_CLASSIC_MARKERS, NULL, 0)
			 : hb_msg_netstring(m, NULL, 0);
	struct hb_msg r;
	struct hb_wire w;
	uint8_t *buf;

	if (n < 0)
		return;	/* e.g. too big once base64-encoded */
	if (!(buf = malloc((size_t)n)))
		return;
	if ((classic ? hb_msg_classic(m, HB_CLASSIC_MARKERS, buf, (size_t)n)
		     : hb_msg_netstring(m, buf, (size_t)n)) != n)
		abort();
	if (hb_msg_decode(&r, buf, (size_t)n, &w) != HB_OK)
		abort();
	same_fields(m, &r);
	hb_msg_free(&r);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_msg m;
	struct hb_wire w;
	struct hb_hdr h;
	int rc;

	if (!keys_loaded)
		load_keys();
	rc = hb_msg_decode(&m, data, size, &w);
	if (rc != HB_OK) {
		if (m.n != 0 || rc >= 0 || rc <= -HB_E_COUNT)
			abort();
		return 0;
	}
	(void)hb_auth_verify(&keys, data, size, &m, &w);
	(void)hb_auth_verify_fields(&keys, &m);
	(void)hb_msg_hdr(&m, &h);
	roundtrip(&m, 0);
	roundtrip(&m, 1);

	/* signing what came in must give something that verifies */
	if (hb_auth_sign_fields(&m, &keys) == HB_OK) {
		long n = hb_auth_encode(&m, HB_FMT_NETSTRING, &keys, NULL, 0);
		uint8_t *buf;

		if (n > 0 && (buf = malloc((size_t)n))) {
			struct hb_msg r;

			if (hb_auth_encode(&m, HB_FMT_NETSTRING, &keys, buf, (size_t)n) != n ||
			    hb_auth_decode(&keys, buf, (size_t)n, &r, &w) != HB_OK ||
			    hb_auth_verify_fields(&keys, &r) != HB_OK)
				abort();
			hb_msg_free(&r);
			free(buf);
		}
	}
	hb_msg_free(&m);
	return 0;
}
