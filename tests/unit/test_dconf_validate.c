/* Unit tests for the whole-configuration checks (daemon/dconf/validate.c). */
#include "tests/unit/dconf_test.h"

#include <arpa/inet.h>

#define HOSTS(dev, disk, md, port) \
	"  on alice { device " dev "; disk " disk "; meta-disk " md "; address 10.0.0.1:" port "; }\n" \
	"  on bob { device " dev "; disk " disk "; meta-disk " md "; address 10.0.0.2:" port "; }\n"

static void test_valid(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r0 {\n" HOSTS("/dev/drbd0", "/dev/vda", "/dev/vdb[0]", "7788") "}\n"
		"resource r1 {\n" HOSTS("/dev/drbd1", "/dev/vdc", "/dev/vdb[1]", "7789") "}\n",
		"alice");

	(void)state;
	assert_no_diags(cfg);
	assert_int_equal(cfg->res[0].local, 0);
	assert_int_equal(cfg->res[0].peer, 1);
	dconf_config_free(cfg);
	cfg = parse_as("t.conf",
		"resource r0 {\n" HOSTS("/dev/drbd0", "/dev/vda", "/dev/vdb[0]", "7788") "}\n",
		"bob");
	assert_no_diags(cfg);
	assert_int_equal(cfg->res[0].local, 1);
	assert_int_equal(cfg->res[0].peer, 0);
	dconf_config_free(cfg);
}

static void test_not_this_host(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf", PAPER_FIG3, "carol");

	(void)state;
	assert_diag(cfg, "t.conf:7: resource 'r0' has no 'on' section for this host ('carol'); its hosts are 'sslab1' and 'sslab2'");
	assert_int_equal(cfg->nerrors, 1);
	dconf_config_free(cfg);
}

static void test_host_count(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource one {\n"
		"  on alice { device minor 0; disk /dev/a; meta-disk internal; address 10.0.0.1:7000; }\n"
		"}\n"
		"resource three {\n"
		"  device minor 1; disk /dev/b; meta-disk internal;\n"
		"  on alice { address 10.0.0.1:7001; }\n"
		"  on bob { address 10.0.0.2:7001; }\n"
		"  on carol { address 10.0.0.3:7001; }\n"
		"}\n", "alice");

	(void)state;
	assert_diag(cfg, "t.conf:1: resource 'one' has 1 host section; duet replicates between exactly two hosts");
	assert_diag(cfg, "t.conf:8: resource 'three': a third host 'carol'; duet replicates between exactly two hosts");
	dconf_config_free(cfg);
}

static void test_incomplete_hosts(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r {\n"
		"  on alice { device minor 0; address 10.0.0.1:7000; }\n"
		"  on bob { device minor 0; disk /dev/a; meta-disk internal;\n"
		"    volume 1 { device minor 1; disk /dev/b; meta-disk internal; } }\n"
		"}\n"
		"resource s {\n"
		"  on alice { address 10.0.0.1:7001; device minor 3; disk /dev/c; meta-disk internal; }\n"
		"  on bob { }\n"
		"}\n", "alice");

	(void)state;
	assert_diag(cfg, "t.conf:2: resource 'r', host 'alice', volume 0: no 'disk'");
	assert_diag(cfg, "t.conf:2: resource 'r', host 'alice', volume 0: no 'meta-disk'");
	assert_diag(cfg, "t.conf:3: resource 'r', host 'bob': no 'address'");
	assert_diag(cfg, "t.conf:4: resource 'r': volume 1 is defined for host 'bob' but not for 'alice'");
	assert_diag(cfg, "t.conf:8: resource 's', host 'bob': no 'address'");
	assert_diag(cfg, "t.conf:8: resource 's', host 'bob': no 'device', 'disk' and 'meta-disk'");
	dconf_config_free(cfg);
}

static void test_unique_minor_device_disk(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r0 {\n" HOSTS("/dev/drbd0", "/dev/vda", "/dev/vdb[0]", "7788") "}\n"
		"resource r1 {\n" HOSTS("/dev/drbd0", "/dev/vda", "/dev/vdb[0]", "7788") "}\n",
		"alice");

	(void)state;
	assert_diag(cfg, "t.conf:6: minor 0 is used twice on host 'alice': resource 'r1' volume 0 and resource 'r0' volume 0 (t.conf:2)");
	assert_diag(cfg, "t.conf:6: device /dev/drbd0 is used twice on host 'alice': resource 'r1' volume 0 and resource 'r0' volume 0 (t.conf:2)");
	assert_diag(cfg, "t.conf:6: disk /dev/vda is used twice on host 'alice': resource 'r1' volume 0 and resource 'r0' volume 0 (t.conf:2)");
	assert_diag(cfg, "t.conf:6: meta-data area /dev/vdb[0] is used twice on host 'alice': resource 'r1' volume 0 and resource 'r0' volume 0 (t.conf:2)");
	assert_diag(cfg, "t.conf:6: address 10.0.0.1:7788 is used twice: resource 'r1' host 'alice' and resource 'r0' host 'alice' (t.conf:2)");
	assert_diag(cfg, "t.conf:7: minor 0 is used twice on host 'bob': resource 'r1' volume 0 and resource 'r0' volume 0 (t.conf:3)");
	dconf_config_free(cfg);
}

/* /dev/drbd0 and "device minor 0" are the same minor. */
static void test_minor_aliases(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r0 {\n" HOSTS("/dev/drbd0", "/dev/vda", "internal", "7788") "}\n"
		"resource r1 {\n" HOSTS("minor 0", "/dev/vdc", "internal", "7789") "}\n",
		"alice");

	(void)state;
	assert_diag_has(cfg, "minor 0 is used twice on host 'alice'");
	dconf_config_free(cfg);
}

/* An indexed meta device is no backing disk; slots of one device are fine. */
static void test_meta_device_conflicts(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r0 {\n" HOSTS("/dev/drbd0", "/dev/vda", "/dev/vdc[0]", "7788") "}\n"
		"resource r1 {\n" HOSTS("/dev/drbd1", "/dev/vdc", "internal", "7789") "}\n"
		"resource r2 {\n" HOSTS("/dev/drbd2", "/dev/vdd", "/dev/vde", "7790") "}\n"
		"resource r3 {\n" HOSTS("/dev/drbd3", "/dev/vdf", "/dev/vde", "7791") "}\n",
		"alice");

	(void)state;
	assert_diag(cfg, "t.conf:2: meta-disk /dev/vdc of resource 'r0' volume 0 on host 'alice' is also used whole by resource 'r1' volume 0 (t.conf:6)");
	assert_diag(cfg, "t.conf:14: disk /dev/vde is used twice on host 'alice': resource 'r3' volume 0 and resource 'r2' volume 0 (t.conf:10)");
	dconf_config_free(cfg);
}

static void test_same_address_in_pair(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r {\n"
		"  device minor 0; disk /dev/a; meta-disk internal;\n"
		"  on alice { address 127.0.0.1:7000; }\n"
		"  on bob { address 127.0.0.1:7000; }\n"
		"}\n", "alice");

	(void)state;
	assert_diag(cfg, "t.conf:4: address 127.0.0.1:7000 is used twice: resource 'r' host 'bob' and resource 'r' host 'alice' (t.conf:3)");
	dconf_config_free(cfg);
}

static void test_address_families(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r {\n"
		"  device minor 0; disk /dev/a; meta-disk internal;\n"
		"  on alice { address 10.0.0.1:7000; }\n"
		"  on bob { address ipv6 [fd00::2]:7000; }\n"
		"}\n", "alice");

	(void)state;
	assert_diag(cfg, "t.conf:4: resource 'r': host 'bob' has an IPv6 address but 'alice' an IPv4 one");
	dconf_config_free(cfg);
}

static void test_option_checks(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"common {\n"
		"  net { cram-hmac-alg sha1; protocol A; allow-two-primaries yes; }\n"
		"  disk { fencing resource-only; }\n"
		"}\n"
		"resource r0 {\n"
		"  disk { resync-after r9; }\n"
		"  startup { become-primary-on carol; }\n"
		HOSTS("/dev/drbd0", "/dev/vda", "internal", "7788")
		"}\n"
		"resource r1 {\n"
		"  disk { resync-after r1; }\n"
		"  net { shared-secret x; cram-hmac-alg sha256; }\n"
		HOSTS("/dev/drbd1", "/dev/vdb", "internal", "7789")
		"}\n", "alice");

	(void)state;
	assert_diag(cfg, "t.conf:2: common: cram-hmac-alg needs a shared-secret");
	assert_diag(cfg, "t.conf:2: common: allow-two-primaries needs protocol C");
	assert_diag(cfg, "t.conf:3: warning: common: fencing resource-only without a fence-peer handler: a node that loses its peer cannot be promoted");
	assert_diag(cfg, "t.conf:6: resource 'r0': resync-after names 'r9', which is not defined");
	assert_diag(cfg, "t.conf:7: resource 'r0': become-primary-on 'carol' is neither one of its hosts nor 'both'");
	assert_diag(cfg, "t.conf:12: resource 'r1': resync-after names the resource itself");
	/* the common problems are reported once, not once per resource */
	assert_int_equal(cfg->nerrors, 5);
	dconf_config_free(cfg);
}

static bool local_addr(void *ctx, const struct dconf_addr *a)
{
	(void)ctx;
	return a->af == DCONF_AF_IPV4 && memcmp(a->bin, "\x0a\x00\x00\x02", 4) == 0;
}

static void test_floating(void **state)
{
	struct dconf_config *cfg = dconf_config_new();
	struct dconf_local l = { .hostname = "whatever", .is_local_addr = local_addr };

	(void)state;
	dconf_parse_string(cfg, "t.conf",
		"resource r {\n"
		"  device minor 0; disk /dev/a; meta-disk internal;\n"
		"  floating 10.0.0.1:7000 { }\n"
		"  floating ipv4 10.0.0.2:7000 { }\n"
		"}\n");
	dconf_validate(cfg, &l);
	assert_no_diags(cfg);
	assert_string_equal(dconf_local_host(&cfg->res[0])->name, "10.0.0.2:7000");
	assert_true(dconf_local_host(&cfg->res[0])->floating);
	dconf_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_not_this_host),
		cmocka_unit_test(test_host_count),
		cmocka_unit_test(test_incomplete_hosts),
		cmocka_unit_test(test_unique_minor_device_disk),
		cmocka_unit_test(test_minor_aliases),
		cmocka_unit_test(test_meta_device_conflicts),
		cmocka_unit_test(test_same_address_in_pair),
		cmocka_unit_test(test_address_families),
		cmocka_unit_test(test_option_checks),
		cmocka_unit_test(test_floating),
	};

	return cmocka_run_group_tests_name("dconf_validate", tests, NULL, NULL);
}
