/* Unit tests for option values, sizes and suggestions (options.c, suggest.c). */
#include "tests/unit/dconf_test.h"

#include "daemon/dconf/suggest.h"
#include "kmod/uapi/duet_genl.h"

static void test_sizes(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(dconf_parse_size("0", DCONF_U_BYTES, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(dconf_parse_size("128k", DCONF_U_BYTES, &v), 0);
	assert_int_equal(v, 131072);
	assert_int_equal(dconf_parse_size("10M", DCONF_U_KIB, &v), 0);
	assert_int_equal(v, 10240);
	assert_int_equal(dconf_parse_size("250", DCONF_U_KIB, &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(dconf_parse_size("1G", DCONF_U_SECTORS, &v), 0);
	assert_int_equal(v, 2097152);
	assert_int_equal(dconf_parse_size("77s", DCONF_U_SECTORS, &v), 0);
	assert_int_equal(v, 77);
	assert_int_equal(dconf_parse_size("2T", DCONF_U_BYTES, &v), 0);
	assert_int_equal(v, 2LL << 40);
	/* not numbers, or a suffix where none is allowed */
	assert_int_equal(dconf_parse_size("", DCONF_U_BYTES, &v), -1);
	assert_int_equal(dconf_parse_size("-1", DCONF_U_BYTES, &v), -1);
	assert_int_equal(dconf_parse_size("1.5M", DCONF_U_BYTES, &v), -1);
	assert_int_equal(dconf_parse_size("10MB", DCONF_U_BYTES, &v), -1);
	assert_int_equal(dconf_parse_size("5s", DCONF_U_BYTES, &v), -1);
	assert_int_equal(dconf_parse_size("5K", DCONF_U_NONE, &v), -1);
	assert_int_equal(dconf_parse_size("99999999999999999999", DCONF_U_NONE, &v), -1);
	assert_int_equal(dconf_parse_size("9999999999T", DCONF_U_BYTES, &v), -1);
}

static void test_format(void **state)
{
	char b[32];

	(void)state;
	dconf_format_size(131072, DCONF_U_BYTES, b, sizeof(b));
	assert_string_equal(b, "128K");
	dconf_format_size(1000, DCONF_U_BYTES, b, sizeof(b));
	assert_string_equal(b, "1000");
	dconf_format_size(250, DCONF_U_KIB, b, sizeof(b));
	assert_string_equal(b, "250");
	dconf_format_size(102400, DCONF_U_KIB, b, sizeof(b));
	assert_string_equal(b, "100M");
	dconf_format_size(4194304, DCONF_U_KIB, b, sizeof(b));
	assert_string_equal(b, "4G");
	dconf_format_size(100, DCONF_U_SECTORS, b, sizeof(b));
	assert_string_equal(b, "100");	/* not "50K" */
	dconf_format_size(2048, DCONF_U_SECTORS, b, sizeof(b));
	assert_string_equal(b, "1M");
	dconf_format_size(0, DCONF_U_BYTES, b, sizeof(b));
	assert_string_equal(b, "0");
	dconf_format_size(2048, DCONF_U_NONE, b, sizeof(b));
	assert_string_equal(b, "2048");
}

/* What is formatted parses back to the same number, for every unit. */
static void test_format_roundtrip(void **state)
{
	static const int64_t vals[] = {
		0, 1, 2, 511, 512, 1023, 1024, 1536, 2048, 4096, 1048576, 1048577,
		3LL << 30, 5LL << 40, 123456789,
	};
	static const enum dconf_unit units[] = {
		DCONF_U_NONE, DCONF_U_BYTES, DCONF_U_KIB, DCONF_U_SECTORS,
	};
	char b[32];
	int64_t back;

	(void)state;
	for (size_t u = 0; u < 4; u++)
		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			dconf_format_size(vals[i], units[u], b, sizeof(b));
			assert_int_equal(dconf_parse_size(b, units[u], &back), 0);
			assert_int_equal(back, vals[i]);
		}
}

static void test_defaults_in_range(void **state)
{
	(void)state;
	for (int i = 0; i < DCONF_O_NR; i++) {
		const struct dconf_optdef *d = &dconf_optdefs[i];

		assert_non_null(d->name);
		assert_non_null(d->help);
		assert_int_equal(dconf_opt_lookup(d->sec, d->name), i);
		if (d->type == DCONF_T_INT) {
			assert_true(d->def >= d->min);
			assert_true(d->def <= d->max);
		}
		if (d->type == DCONF_T_ENUM || d->type == DCONF_T_BOOL)
			assert_non_null(dconf_enum_name((enum dconf_opt)i, d->def));
		if (d->sec == DCONF_SEC_NET || d->sec == DCONF_SEC_DISK ||
		    d->sec == DCONF_SEC_OPTIONS)
			assert_true(d->nl_set != 0);
	}
	/* the defaults of drbd.md §6.3, but the resync's: duet fills the link */
	assert_int_equal(dconf_optdefs[DCONF_O_PROTOCOL].def, DUET_PROT_C);
	assert_int_equal(dconf_optdefs[DCONF_O_TIMEOUT].def, 60);
	assert_int_equal(dconf_optdefs[DCONF_O_PING_TIMEOUT].def, 5);
	assert_int_equal(dconf_optdefs[DCONF_O_KO_COUNT].def, 7);
	assert_int_equal(dconf_optdefs[DCONF_O_MAX_BUFFERS].def, 2048);
	assert_int_equal(dconf_optdefs[DCONF_O_AL_EXTENTS].def, 1237);
	assert_int_equal(dconf_optdefs[DCONF_O_RESYNC_RATE].def, 32768);
	assert_int_equal(dconf_optdefs[DCONF_O_C_FILL_TARGET].def, 8192);
	assert_int_equal(dconf_optdefs[DCONF_O_C_MAX_RATE].def, 1048576);
	assert_int_equal(dconf_optdefs[DCONF_O_C_MIN_RATE].def, 4096);
	assert_int_equal(dconf_optdefs[DCONF_O_ON_IO_ERROR].def, DUET_IOERR_DETACH);
	assert_int_equal(dconf_optdefs[DCONF_O_DISK_FLUSHES].def, 1);
	assert_int_equal(dconf_optdefs[DCONF_O_DISK_BARRIER].def, 0);
}

static void test_opt_parse(void **state)
{
	char err[256];
	int64_t v;

	(void)state;
	assert_int_equal(dconf_opt_parse(DCONF_O_AFTER_SB_0PRI, "discard-least-changes",
					 &v, err, sizeof(err)), 0);
	assert_int_equal(v, DUET_ASB_DISCARD_LEAST_CHG);
	assert_int_equal(dconf_opt_parse(DCONF_O_AFTER_SB_2PRI, "consensus", &v, err,
					 sizeof(err)), -1);
	assert_string_equal(err, "'consensus' is not one of: disconnect, call-pri-lost-after-sb, violently-as0p");
	assert_int_equal(dconf_opt_parse(DCONF_O_PING_INT, "121", &v, err, sizeof(err)), -1);
	assert_string_equal(err, "121 is out of range 1..120");
	assert_int_equal(dconf_opt_parse(DCONF_O_RESYNC_AFTER, "r/1.x-y_z", &v, err,
					 sizeof(err)), 0);
	assert_int_equal(dconf_opt_parse(DCONF_O_BECOME_PRIMARY_ON, "a b", &v, err,
					 sizeof(err)), -1);
}

static void test_aliases(void **state)
{
	bool neg;

	(void)state;
	assert_int_equal(dconf_opt_alias(DCONF_SEC_DISK, true, "rate", &neg), DCONF_O_RESYNC_RATE);
	assert_false(neg);
	assert_int_equal(dconf_opt_alias(DCONF_SEC_DISK, false, "no-md-flushes", &neg),
			 DCONF_O_MD_FLUSHES);
	assert_true(neg);
	assert_int_equal(dconf_opt_alias(DCONF_SEC_DISK, false, "rate", &neg), -1);
	assert_int_equal(dconf_opt_alias(DCONF_SEC_HANDLERS, false, "outdate-peer", &neg),
			 DCONF_O_H_FENCE_PEER);
}

static void test_suggest(void **state)
{
	static const char *const words[] = {
		"ping-int", "ping-timeout", "timeout", "connect-int", "protocol", NULL
	};
	static const char *const top[] = { "global", "common", "resource", "on", NULL };

	(void)state;
	assert_int_equal(dconf_edit_distance("abc", "abc", 10), 0);
	assert_int_equal(dconf_edit_distance("abc", "acb", 10), 1);	/* transposition */
	assert_int_equal(dconf_edit_distance("", "abc", 10), 3);
	assert_int_equal(dconf_edit_distance("kitten", "sitting", 10), 3);
	assert_int_equal(dconf_edit_distance("kitten", "sitting", 2), 2);	/* capped */
	assert_string_equal(dconf_suggest("ping-timout", words), "ping-timeout");
	assert_string_equal(dconf_suggest("protcol", words), "protocol");
	assert_string_equal(dconf_suggest("timout", words), "timeout");
	assert_string_equal(dconf_suggest("resorce", top), "resource");
	assert_null(dconf_suggest("frobnicate", words));
	assert_null(dconf_suggest("xy", top));	/* 2 edits from "on": too far */
	assert_string_equal(dconf_suggest("om", top), "on");
}

/* Every option and every older spelling is in duet.conf(5). */
static void test_documented(void **state)
{
	char *man, *p, *q;
	size_t len;
	const char *names[DCONF_O_NR + 1];

	(void)state;
	man = dconf_read_file(DUET_SRCDIR "/daemon/duet.conf.5", &len);
	assert_non_null(man);
	for (p = q = man; *p; p++)	/* drop roff's backslashes: "meta\-disk" */
		if (*p != '\\')
			*q++ = *p;
	*q = '\0';
	for (int i = 0; i < DCONF_O_NR; i++)
		if (!strstr(man, dconf_optdefs[i].name))
			fail_msg("option %s is not in duet.conf.5", dconf_optdefs[i].name);
	dconf_syncer_option_names(names, DCONF_O_NR + 1);
	for (size_t i = 0; names[i]; i++)
		assert_non_null(strstr(man, names[i]));
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_defaults_in_range),
		cmocka_unit_test(test_opt_parse),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_documented),
	};

	return cmocka_run_group_tests_name("dconf_options", tests, NULL, NULL);
}
