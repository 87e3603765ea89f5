/*
 * A helper shared by the libhb unit tests: authkeys from a string, or the
 * test fails with the parser's first error. Include after <cmocka.h>.
 */
#ifndef DUET_TEST_HB_TEST_KEYS_H
#define DUET_TEST_HB_TEST_KEYS_H

#include <string.h>

#include "daemon/hb/hb_authkeys.h"
#include "daemon/hb/hb_diag.h"

static inline void hb_test_load_keys(struct hb_authkeys *ks, const char *text)
{
	struct hb_diag d;

	hb_diag_init(&d);
	if (hb_authkeys_parse(ks, text, strlen(text), "authkeys", &d) != 0)
		fail_msg("authkeys: %s", hb_diag_first(&d, HB_SEV_ERR));
	hb_diag_free(&d);
}

#endif
