/*
 * Unit tests for the normalised dump (daemon/dconf/dump.c): the exact
 * text for the paper's configuration, and dump -> parse -> dump being a
 * fixed point for a set of configurations covering every construct.
 */
#include "tests/unit/dconf_test.h"

static const char paper_dump[] =
	"global {\n"
	"\tusage-count yes;\n"
	"}\n"
	"\n"
	"resource r0 {\n"
	"\tnet {\n"
	"\t\tprotocol C;\n"
	"\t}\n"
	"\ton sslab1 {\n"
	"\t\tdevice /dev/drbd0 minor 0;\n"
	"\t\tdisk /dev/hdc6;\n"
	"\t\tmeta-disk /dev/hdc5[0];\n"
	"\t\taddress ipv4 192.168.0.10:7788;\n"
	"\t}\n"
	"\ton sslab2 {\n"
	"\t\tdevice /dev/drbd0 minor 0;\n"
	"\t\tdisk /dev/hda6;\n"
	"\t\tmeta-disk /dev/hda[5];\n"
	"\t\taddress ipv4 192.168.0.11:7788;\n"
	"\t}\n"
	"}\n";

static void test_paper_dump(void **state)
{
	struct dconf_config *cfg = parse_as("drbd.conf", PAPER_FIG3, "sslab2");
	char *d = dconf_dump(cfg, 0);

	(void)state;
	assert_string_equal(d, paper_dump);
	free(d);
	dconf_config_free(cfg);
}

/* Each of these must dump to a text that parses back to the same dump. */
static const char *const configs[] = {
	PAPER_FIG3,
	VM_BED_CONF,
	/* every kind of value, quoting, sizes with suffixes */
	"global { usage-count ask; minor-count 64; disable-ip-verification; }\n"
	"common {\n"
	"  net { protocol A; sndbuf-size 512K; rcvbuf-size 1048576; timeout 90;\n"
	"        cram-hmac-alg sha256; shared-secret \"s3cr\\\"et \\\\ x\";\n"
	"        after-sb-0pri discard-zero-changes; after-sb-1pri discard-secondary;\n"
	"        after-sb-2pri disconnect; congestion-fill 2G; on-congestion pull-ahead; }\n"
	"  disk { resync-rate 100M; c-max-rate 4194304; c-min-rate 0; size 100G; c-fill-target 128K;\n"
	"         no-disk-barrier; disk-flushes no; fencing resource-only; read-balancing 1M-striping; }\n"
	"  startup { wfc-timeout 30; degr-wfc-timeout 10; become-primary-on both; }\n"
	"  handlers { fence-peer \"/usr/lib/duet/fence-peer.sh --timeout 5\";\n"
	"             split-brain \"echo 'split brain on $DUET_RESOURCE' | mail -s x root\"; }\n"
	"  options { cpu-mask 0f; on-no-data-accessible suspend-io; }\n"
	"}\n"
	"resource \"data.1\" {\n"
	"  device minor 3; disk \"/dev/disk/by-id/wwn 1\"; meta-disk internal;\n"
	"  on alice { address ipv6 [fd00:0:0::1]:7790; }\n"
	"  on bob { address ipv6 [fd00::2]:7790; }\n"
	"}\n",
	/* volumes, flexible meta-data, 8.3 syncer, resync-after */
	"resource a {\n"
	"  syncer { rate 10M; after b; }\n"
	"  on x { address 10.0.0.1:7000;\n"
	"    volume 2 { device /dev/duet12; disk /dev/sdc; flexible-meta-disk /dev/sdd; }\n"
	"    volume 0 { device /dev/duet10; disk /dev/sda; meta-disk /dev/sdb [7]; } }\n"
	"  on y { address 10.0.0.2:7000;\n"
	"    volume 0 { device /dev/duet10; disk /dev/sda; meta-disk /dev/sdb[7]; }\n"
	"    volume 2 { device /dev/duet12; disk /dev/sdc; meta-disk /dev/sdd; } }\n"
	"}\n"
	"resource b {\n"
	"  on x { device minor 20; disk /dev/sde; meta-disk internal; address 10.0.0.1:7001; }\n"
	"  on y { device minor 20; disk /dev/sde; meta-disk internal; address 10.0.0.2:7001; }\n"
	"}\n",
	/* disk options per host and per volume */
	"common { disk { resync-rate 1M; } }\n"
	"resource r { volume 1 { disk { c-max-rate 2G; } }\n"
	"  on x { address 10.0.0.1:7000; disk { resync-rate 5M; }\n"
	"    volume 0 { device minor 0; disk /dev/a; meta-disk internal; disk { al-extents 99; } }\n"
	"    volume 1 { device minor 1; disk /dev/b; meta-disk internal; } }\n"
	"  on y { address 10.0.0.2:7000; device minor 0; disk /dev/a; meta-disk internal;\n"
	"    volume 1 { device minor 1; disk /dev/b; meta-disk internal; } } }\n",
	/* floating hosts, skip, comments */
	"# a comment\nskip { resource old { } }\n"
	"resource f { device minor 1; disk /dev/a; meta-disk internal;\n"
	"  floating 10.0.0.1:7000 { } floating ipv4 10.0.0.2:7000 { } }\n",
};

static char *dump_of(const char *text, unsigned flags, unsigned *errors)
{
	struct dconf_config *cfg = parse_as("in.conf", text, NULL);
	char *d;

	*errors = cfg->nerrors;
	d = dconf_dump(cfg, flags);
	if (cfg->nerrors) {
		char *t = diag_text(cfg);

		print_error("parse errors:\n%s\nin:\n%s\n", t, text);
		free(t);
	}
	dconf_config_free(cfg);
	return d;
}

static void fixed_point(unsigned flags)
{
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		unsigned e1, e2, e3;
		char *d1 = dump_of(configs[i], flags, &e1);
		char *d2 = dump_of(d1, flags, &e2);
		char *d3 = dump_of(d2, 0, &e3);

		assert_int_equal(e1, 0);
		assert_int_equal(e2, 0);
		assert_int_equal(e3, 0);
		if (flags == 0)
			assert_string_equal(d1, d2);
		else	/* origins differ; the plain dump of it must not */
			assert_non_null(strstr(d2, "# in.conf:"));
		free(d1);
		free(d2);
		free(d3);
	}
}

static void test_fixed_point(void **state)
{
	(void)state;
	fixed_point(0);
}

static void test_fixed_point_verbose(void **state)
{
	(void)state;
	fixed_point(DCONF_DUMP_DEFAULTS | DCONF_DUMP_ORIGINS);
}

/* With defaults: dump -v, parse, dump gives every option explicitly. */
static void test_defaults_explicit(void **state)
{
	unsigned e;
	char *d1 = dump_of(VM_BED_CONF, DCONF_DUMP_DEFAULTS, &e);
	char *d2 = dump_of(d1, 0, &e);

	(void)state;
	assert_string_equal(d1, d2);
	assert_non_null(strstr(d2, "\t\tping-timeout 5;\n"));
	assert_non_null(strstr(d2, "\t\tc-max-rate 1G;\n"));
	assert_non_null(strstr(d2, "\tusage-count no;\n"));
	free(d1);
	free(d2);
}

static void test_canonical_forms(void **state)
{
	unsigned e;
	char *d = dump_of(configs[3], 0, &e);

	(void)state;
	/* 8.3 spellings come out in 8.4 form, volumes sorted */
	assert_non_null(strstr(d, "\tdisk {\n\t\tresync-rate 10M;\n\t\tresync-after b;\n\t}\n"));
	assert_non_null(strstr(d, "\t\tvolume 0 {\n\t\t\tdevice /dev/duet10 minor 10;\n"
				  "\t\t\tdisk /dev/sda;\n\t\t\tmeta-disk /dev/sdb[7];\n\t\t}\n"
				  "\t\tvolume 2 {\n"));
	assert_non_null(strstr(d, "\t\t\tmeta-disk /dev/sdd;\n"));
	assert_non_null(strstr(d, "\t\tdevice minor 20;\n"));
	free(d);
	d = dump_of(configs[2], 0, &e);
	assert_non_null(strstr(d, "resource data.1 {\n"));
	assert_non_null(strstr(d, "\t\tdisk \"/dev/disk/by-id/wwn 1\";\n"));
	assert_non_null(strstr(d, "\t\taddress ipv6 [fd00::1]:7790;\n"));
	assert_non_null(strstr(d, "\t\tshared-secret \"s3cr\\\"et \\\\ x\";\n"));
	assert_non_null(strstr(d, "\t\tsndbuf-size 512K;\n\t\trcvbuf-size 1M;\n"));
	assert_non_null(strstr(d, "\t\tc-fill-target 256;\n"));	/* sectors */
	assert_non_null(strstr(d, "\t\tdisk-barrier no;\n\t\tdisk-flushes no;\n"));
	assert_non_null(strstr(d, "\t\tcongestion-fill 2G;\n"));
	free(d);
}

static void test_origins(void **state)
{
	unsigned e;
	char *d = dump_of(PAPER_FIG3, DCONF_DUMP_ORIGINS | DCONF_DUMP_DEFAULTS, &e);

	(void)state;
	assert_non_null(strstr(d, "\t\tprotocol C; # in.conf:5\n"));
	assert_non_null(strstr(d, "\t\tping-int 1; # default\n"));
	assert_non_null(strstr(d, "\t\tmeta-disk /dev/hda[5]; # in.conf:18\n"));
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paper_dump),
		cmocka_unit_test(test_fixed_point),
		cmocka_unit_test(test_fixed_point_verbose),
		cmocka_unit_test(test_defaults_explicit),
		cmocka_unit_test(test_canonical_forms),
		cmocka_unit_test(test_origins),
	};

	return cmocka_run_group_tests_name("dconf_dump", tests, NULL, NULL);
}
