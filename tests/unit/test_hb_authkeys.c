/* Unit tests for daemon/hb/hb_authkeys.c: the authkeys file (heartbeat.md §3.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_authkeys.h"

static int parse(struct hb_authkeys *k, struct hb_diag *d, const char *text)
{
	hb_diag_init(d);
	return hb_authkeys_parse(k, text, strlen(text), "authkeys", d);
}

/* Refused, and the first error has exactly this text. */
static void expect_error(const char *text, const char *msg)
{
	struct hb_authkeys k;
	struct hb_diag d;

	assert_int_equal(parse(&k, &d, text), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR), msg);
	hb_authkeys_free(&k);
	hb_diag_free(&d);
}

static void test_doc_example(void **state)
{
	struct hb_authkeys k;
	struct hb_diag d;
	const struct hb_authkey *key;

	(void)state;
	/* heartbeat.md §3.1, crc key number 3 */
	assert_int_equal(parse(&k, &d, "auth 1\n1 sha1 SomeSecret\n2 md5  OtherSecret\n3 crc\n"), 0);
	assert_int_equal(k.active, 1);
	assert_int_equal(k.active_line, 1);
	key = hb_authkeys_get(&k, 1);
	assert_non_null(key);
	assert_int_equal(key->method, HB_AUTH_SHA1);
	assert_string_equal(key->secret, "SomeSecret");
	assert_int_equal(key->secret_len, 10);
	assert_int_equal(key->line, 2);
	key = hb_authkeys_get(&k, 2);
	assert_int_equal(key->method, HB_AUTH_MD5);
	assert_string_equal(key->secret, "OtherSecret");
	key = hb_authkeys_get(&k, 3);
	assert_int_equal(key->method, HB_AUTH_CRC);
	assert_null(key->secret);
	assert_null(hb_authkeys_get(&k, 0));
	assert_null(hb_authkeys_get(&k, 16));
	assert_null(hb_authkeys_get(&k, -1));
	/* crc is accepted, with a warning */
	assert_int_equal(d.nerr, 0);
	assert_int_equal(d.nwarn, 1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_WARN),
			    "authkeys:4: Auth method [crc] only detects damaged packets: "
			    "anyone on the network can forge them; use sha1");
	hb_authkeys_free(&k);
	assert_null(k.keys[1].secret);
	assert_int_equal(k.active, -1);
	hb_diag_free(&d);
}

static void test_comments_and_blanks(void **state)
{
	struct hb_authkeys k;
	struct hb_diag d;

	(void)state;
	assert_int_equal(parse(&k, &d, "# keys\n\n   \n\t# more\r\nauth 15\r\n15 sha1 s3cr#t\n"), 0);
	assert_int_equal(k.active, 15);
	/* '#' inside a secret is part of it: only a leading '#' makes a comment */
	assert_string_equal(hb_authkeys_get(&k, 15)->secret, "s3cr#t");
	assert_int_equal(d.n, 0);
	hb_authkeys_free(&k);
	hb_diag_free(&d);

	/* no trailing newline, key 0 */
	assert_int_equal(parse(&k, &d, "auth 0\n0 md5 x"), 0);
	assert_int_equal(k.active, 0);
	hb_authkeys_free(&k);
	hb_diag_free(&d);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "authkeys:0: Missing auth directive in keyfile [authkeys]");
	expect_error("1 sha1 x\n", "authkeys:1: Missing auth directive in keyfile [authkeys]");
	expect_error("auth 2\n1 sha1 x\n", "authkeys:1: Auth Key [2] not found in keyfile [authkeys]");
	expect_error("auth\n1 sha1 x\n", "authkeys:1: Invalid auth line [auth]");
	expect_error("auth one\nauth 1\n1 sha1 x\n", "authkeys:1: Invalid auth line [auth one]");
	expect_error("auth 1\n1 sha256 x\n", "authkeys:2: Invalid authtype [sha256]");
	expect_error("auth 1\n1 SHA1 x\n", "authkeys:2: Invalid authtype [SHA1]");
	expect_error("auth 1\n1 sha1\n", "authkeys:2: Auth method [sha1] requires a key");
	expect_error("auth 1\n1 md5\n", "authkeys:2: Auth method [md5] requires a key");
	expect_error("auth 1\n1 sha1 x\n2 crc secret\n",
		     "authkeys:3: Auth method [crc] doesn't use a key");
	expect_error("auth 1\n1 sha1 x\n16 sha1 y\n", "authkeys:3: Invalid authnum [16] (0 to 15)");
	expect_error("auth 1\n1 sha1 x\none sha1 y\n", "authkeys:3: Auth line [one sha1 y] is invalid.");
	expect_error("auth 1\n1 sha1 x\n2\n", "authkeys:3: Auth line [2] is invalid.");
	expect_error("auth 1\n1 sha1 x\n-1 sha1 y\n", "authkeys:3: Auth line [-1 sha1 y] is invalid.");
}

static void test_nul_and_long_lines(void **state)
{
	static const char nul[] = "auth 1\n1 sha1 a\0b\n";
	char big[5000];
	struct hb_authkeys k;
	struct hb_diag d;

	(void)state;
	hb_diag_init(&d);
	assert_int_equal(hb_authkeys_parse(&k, nul, sizeof(nul) - 1, "authkeys", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR), "authkeys:2: NUL byte in line");
	hb_authkeys_free(&k);
	hb_diag_free(&d);

	memset(big, 'a', sizeof(big));
	memcpy(big, "auth 1\n1 sha1 ", 14);
	hb_diag_init(&d);
	assert_int_equal(hb_authkeys_parse(&k, big, sizeof(big), "authkeys", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR),
			    "authkeys:2: line too long (more than 4096 bytes)");
	hb_authkeys_free(&k);
	hb_diag_free(&d);

	memset(big, 'a', sizeof(big));
	memcpy(big, "auth 1\n1 sha1 ", 14);
	big[14 + 1100] = '\n';
	hb_diag_init(&d);
	assert_int_equal(hb_authkeys_parse(&k, big, 14 + 1101, "authkeys", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR),
			    "authkeys:2: Auth key [1] is too long (more than 1024 bytes)");
	hb_authkeys_free(&k);
	hb_diag_free(&d);
}

static void test_warnings(void **state)
{
	struct hb_authkeys k;
	struct hb_diag d;

	(void)state;
	/* key before auth: Heartbeat 3.0.6 refuses this, we take it and warn */
	assert_int_equal(parse(&k, &d, "1 sha1 x\nauth 1\n"), 0);
	assert_int_equal(k.active, 1);
	assert_int_equal(d.nwarn, 1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_WARN),
			    "authkeys:2: auth 1 comes after the definition of key 1; Heartbeat "
			    "3.0.6 would refuse this file (\"Auth Key [1] not found\"): put the "
			    "auth line first");
	hb_authkeys_free(&k);
	hb_diag_free(&d);

	assert_int_equal(parse(&k, &d, "auth 1\n1 sha1 x\n1 md5 y\n"), 0);
	assert_int_equal(hb_authkeys_get(&k, 1)->method, HB_AUTH_MD5);
	assert_string_equal(hb_diag_first(&d, HB_SEV_WARN),
			    "authkeys:3: Auth key [1] defined more than once; the last definition is used");
	hb_authkeys_free(&k);
	hb_diag_free(&d);

	assert_int_equal(parse(&k, &d, "auth 1\nauth 2\n1 sha1 x\n2 sha1 y\n"), 0);
	assert_int_equal(k.active, 2);
	assert_string_equal(hb_diag_first(&d, HB_SEV_WARN),
			    "authkeys:2: auth directive given more than once; the last one [2] is used");
	hb_authkeys_free(&k);
	hb_diag_free(&d);

	assert_int_equal(parse(&k, &d, "auth 1 2\n1 sha1 x y\n"), 0);
	assert_int_equal(d.nwarn, 2);
	assert_string_equal(d.v[0].text, "authkeys:1: extra words after [auth 1] ignored");
	assert_string_equal(d.v[1].text, "authkeys:2: key 1: words after the secret are "
			    "ignored (a secret cannot contain spaces)");
	assert_string_equal(hb_authkeys_get(&k, 1)->secret, "x");
	hb_authkeys_free(&k);
	hb_diag_free(&d);
}

static void test_mode(void **state)
{
	char buf[128];

	(void)state;
	assert_null(hb_authkeys_mode_error(0100600, "/etc/ha.d/authkeys", buf, sizeof(buf)));
	assert_null(hb_authkeys_mode_error(0100400, "/etc/ha.d/authkeys", buf, sizeof(buf)));
	assert_null(hb_authkeys_mode_error(0100700, "/etc/ha.d/authkeys", buf, sizeof(buf)));
	assert_null(hb_authkeys_mode_error(0100622, "/etc/ha.d/authkeys", buf, sizeof(buf)));
	/* §11.2: 644, 640 and 604 were all refused */
	static const unsigned bad[] = { 0100644, 0100640, 0100604, 0100444 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(hb_authkeys_mode_error(bad[i], "/etc/ha.d//authkeys",
							   buf, sizeof(buf)),
				    "Bad permissions on keyfile [/etc/ha.d//authkeys], 600 recommended.");
}

static void test_method_names(void **state)
{
	(void)state;
	assert_string_equal(hb_auth_method_str(HB_AUTH_SHA1), "sha1");
	assert_string_equal(hb_auth_method_str(HB_AUTH_MD5), "md5");
	assert_string_equal(hb_auth_method_str(HB_AUTH_CRC), "crc");
	assert_string_equal(hb_auth_method_str(HB_AUTH_NONE), "none");
	assert_int_equal(hb_auth_method_from_str("md5"), HB_AUTH_MD5);
	assert_int_equal(hb_auth_method_from_str("MD5"), HB_AUTH_NONE);
}

#ifndef HB_TOP_SRCDIR
#define HB_TOP_SRCDIR "."
#endif

/* The sample authkeys shipped in ha.d/ parses cleanly. */
static void test_shipped_sample(void **state)
{
	struct hb_authkeys k;
	struct hb_diag d;
	char path[1024], buf[4096];
	size_t len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/ha.d/authkeys", HB_TOP_SRCDIR);
	assert_non_null(f = fopen(path, "rb"));
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	hb_diag_init(&d);
	assert_int_equal(hb_authkeys_parse(&k, buf, len, "authkeys", &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(k.active, 1);
	assert_int_equal(hb_authkeys_get(&k, 1)->method, HB_AUTH_SHA1);
	hb_authkeys_free(&k);
	hb_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_comments_and_blanks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_method_names),
		cmocka_unit_test(test_shipped_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
