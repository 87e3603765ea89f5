/*
 * Unit tests for firewall/fw_config.c: the plan from duet.conf and ha.cf,
 * read with duet's own parsers (daemon/dconf, daemon/hb), with this
 * machine's addresses and the resolver supplied by the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "firewall/fw_config.h"
#include "firewall/fw_render.h"

/* alice: eth0 10.99.7.1/24 + fd00:99:7::1/64, eth1 10.99.8.1/24, eth2 none */
static struct fw_ifaddr ifs[4];
static char dir[64], conf_path[128], hacf_path[128];

static void ifaddr(struct fw_ifaddr *f, const char *ifname, const char *addr,
		   unsigned prefix)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->ifname, sizeof(f->ifname), "%s", ifname);
	assert_int_equal(fw_net_parse(addr, &f->addr, NULL), 0);
	f->prefix = prefix;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_fw_config.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(conf_path, sizeof(conf_path), "%s/duet.conf", dir);
	snprintf(hacf_path, sizeof(hacf_path), "%s/ha.cf", dir);
	ifaddr(&ifs[0], "lo", "127.0.0.1", 8);
	ifaddr(&ifs[1], "eth0", "10.99.7.1", 24);
	ifaddr(&ifs[2], "eth0", "fd00:99:7::1", 64);
	ifaddr(&ifs[3], "eth1", "10.99.8.1", 24);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(conf_path);
	unlink(hacf_path);
	rmdir(dir);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int fake_resolve(void *ctx, const char *name, struct fw_net *out, size_t max)
{
	(void)ctx;
	if (max < 2)
		return -1;
	if (strcmp(name, "bob") == 0) {
		fw_net_parse("10.99.7.2", &out[0], NULL);
		fw_net_parse("fd00:99:7::2", &out[1], NULL);
		return 2;
	}
	return -1;
}

#define RES(name, minor, a_addr, b_addr) \
	"resource " name " {\n" \
	"\ton alice { device /dev/drbd" minor "; disk /dev/vdb" minor "; address " a_addr "; meta-disk internal; }\n" \
	"\ton bob { device /dev/drbd" minor "; disk /dev/vdb" minor "; address " b_addr "; meta-disk internal; }\n" \
	"}\n"

static const char std_conf[] =
	"# two resources\n"
	RES("r0", "0", "10.99.7.1:7788", "10.99.7.2:7788")
	RES("r1", "1", "ipv6 [fd00:99:7::1]:7789", "ipv6 [fd00:99:7::2]:7789");

static const char std_hacf[] =
	"keepalive 200ms\n"
	"deadtime 1\n"
	"udpport 694\n"
	"ucast eth0 10.99.7.2\n"
	"ucast eth0 10.99.7.1\n"
	"ucast6 eth0 fd00:99:7::2\n"
	"node alice bob\n";

/* Builds the plan for CONF and HACF as node HOST; returns fw_config_plan's value. */
static int plan_for(struct fw_plan *p, const char *conf, const char *hacf,
		    const char *host)
{
	struct fw_config_in in = {
		.duet_conf = conf_path, .ha_cf = hacf_path, .hostname = host,
		.ifs = ifs, .nifs = 4, .resolve = fake_resolve,
	};

	write_file(conf_path, conf);
	write_file(hacf_path, hacf);
	fw_plan_init(p);
	return fw_config_plan(&in, p);
}

static char *ipt(const struct fw_plan *p, enum fw_family fam)
{
	struct fw_buf b;

	fw_buf_init(&b);
	assert_int_equal(fw_render_iptables_rules(p, fam, &b), 0);
	return b.s ? b.s : strdup("");
}

/* An error of P contains WANT (and the error list is printed when not). */
static void has_error(const struct fw_plan *p, const char *want)
{
	size_t i;

	for (i = 0; i < p->nerrors; i++)
		if (strstr(p->errors[i], want))
			return;
	for (i = 0; i < p->nerrors; i++)
		print_message("error: %s\n", p->errors[i]);
	fail_msg("no error contains '%s'", want);
}

static void has_warning(const struct fw_plan *p, const char *want)
{
	size_t i;

	for (i = 0; i < p->nwarnings; i++)
		if (strstr(p->warnings[i], want))
			return;
	for (i = 0; i < p->nwarnings; i++)
		print_message("warning: %s\n", p->warnings[i]);
	fail_msg("no warning contains '%s'", want);
}

static void test_standard(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	assert_int_equal(plan_for(&p, std_conf, std_hacf, "alice"), 0);
	assert_int_equal(p.nerrors, 0);
	assert_int_equal(p.nwarnings, 0);
	assert_string_equal(p.node, "alice");
	assert_int_equal(p.nsources, 2);
	s = ipt(&p, FW_IPV4);
	assert_string_equal(s,
		"-A DUET-IN -s 10.99.7.2/32 -p tcp -m tcp --dport 7788 -j ACCEPT\n"
		"-A DUET-IN -p tcp -m tcp --dport 7788 -j DROP\n"
		"-A DUET-IN -p tcp -m tcp --dport 7789 -j DROP\n"
		"-A DUET-IN -s 10.99.7.2/32 -p udp -m udp --dport 694 -j ACCEPT\n"
		"-A DUET-IN -p udp -m udp --dport 694 -j DROP\n");
	free(s);
	s = ipt(&p, FW_IPV6);
	assert_string_equal(s,
		"-A DUET-IN -p tcp -m tcp --dport 7788 -j DROP\n"
		"-A DUET-IN -s fd00:99:7::2/128 -p tcp -m tcp --dport 7789 -j ACCEPT\n"
		"-A DUET-IN -p tcp -m tcp --dport 7789 -j DROP\n"
		"-A DUET-IN -s fd00:99:7::2/128 -p udp -m udp --dport 694 -j ACCEPT\n"
		"-A DUET-IN -p udp -m udp --dport 694 -j DROP\n");
	free(s);
	/* comments say where each rule comes from */
	assert_non_null(strstr(p.acc[0].what, "resource r0: peer bob ("));
	assert_non_null(strstr(p.acc[0].what, "duet.conf:4)"));
	assert_non_null(strstr(fw_plan_find_port(&p, FW_TCP, 7788)->what,
			       "replication, resource r0 ("));
	fw_plan_free(&p);
}

/* bob's view of the same files: the rules mirror alice's */
static void test_other_node(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	/* bob's own address is not local in this test: both ucast lines count */
	assert_int_equal(plan_for(&p, std_conf, std_hacf, "bob"), 0);
	s = ipt(&p, FW_IPV4);
	assert_non_null(strstr(s, "-A DUET-IN -s 10.99.7.1/32 -p tcp -m tcp --dport 7788 -j ACCEPT\n"));
	assert_null(strstr(s, "-s 10.99.7.2/32 -p tcp"));
	free(s);
	fw_plan_free(&p);
}

static void test_hostname_case(void **state)
{
	struct fw_plan p;

	(void)state;
	/* ha.cf node names are compared in lower case, duet.conf's exactly */
	assert_int_equal(plan_for(&p, std_conf, "ucast eth0 10.99.7.2\nnode ALICE bob\n", "alice"), 0);
	fw_plan_free(&p);
}

static void test_bcast_known_peer(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	assert_int_equal(plan_for(&p, std_conf, "bcast eth0\nnode alice bob\n", "alice"), 0);
	assert_int_equal(p.nwarnings, 0);
	s = ipt(&p, FW_IPV4);
	assert_non_null(strstr(s, "-A DUET-IN -s 10.99.7.2/32 -p udp -m udp --dport 694 -j ACCEPT\n"));
	free(s);
	fw_plan_free(&p);
}

static void test_bcast_subnet(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	assert_int_equal(plan_for(&p, std_conf, "udpport 1694\nbcast eth1\nnode alice bob\n", "alice"), 0);
	assert_int_equal(p.nwarnings, 1);
	has_warning(&p, "ha.cf:2: bcast eth1: no address of the peer is known on eth1");
	has_warning(&p, "from the whole subnet 10.99.8.0/24");
	s = ipt(&p, FW_IPV4);
	assert_non_null(strstr(s, "-A DUET-IN -s 10.99.8.0/24 -i eth1 -p udp -m udp --dport 1694 -j ACCEPT\n"));
	assert_non_null(strstr(s, "-A DUET-IN -p udp -m udp --dport 1694 -j DROP\n"));
	free(s);
	fw_plan_free(&p);
}

static void test_bcast_no_address(void **state)
{
	struct fw_plan p;

	(void)state;
	assert_int_equal(plan_for(&p, std_conf, "bcast eth2\nnode alice bob\n", "alice"), -1);
	has_error(&p, "ha.cf:1: bcast eth2: no address of the peer is known on eth2 and eth2 has no IPv4 address");
	fw_plan_free(&p);
}

static void test_mcast(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	assert_int_equal(plan_for(&p, std_conf,
				  "mcast eth0 225.0.0.1 1694 1 0\n"
				  "mcast6 eth0 ff02::1:2 1695 1 0\n"
				  "node alice bob\n", "alice"), 0);
	s = ipt(&p, FW_IPV4);
	assert_non_null(strstr(s, "-A DUET-IN -s 10.99.7.2/32 -d 225.0.0.1/32 -p udp -m udp --dport 1694 -j ACCEPT\n"));
	free(s);
	s = ipt(&p, FW_IPV6);
	assert_non_null(strstr(s, "-A DUET-IN -s fd00:99:7::2/128 -d ff02::1:2/128 -p udp -m udp --dport 1695 -j ACCEPT\n"));
	free(s);
	fw_plan_free(&p);
}

static void test_ucast_name(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	assert_int_equal(plan_for(&p, std_conf, "ucast eth0 bob\nnode alice bob\n", "alice"), 0);
	s = ipt(&p, FW_IPV4);
	assert_non_null(strstr(s, "-s 10.99.7.2/32 -p udp -m udp --dport 694 -j ACCEPT\n"));
	free(s);
	/* ucast is IPv4: the name's IPv6 address is not used */
	s = ipt(&p, FW_IPV6);
	assert_null(strstr(s, "--dport 694 -j ACCEPT"));
	free(s);
	fw_plan_free(&p);
	assert_int_equal(plan_for(&p, std_conf, "udpport 694\nucast eth0 nosuchhost\nnode alice bob\n", "alice"), -1);
	has_error(&p, "ha.cf:2: ucast eth0: 'nosuchhost' is not an address and does not resolve");
	fw_plan_free(&p);
}

static void test_port_clash(void **state)
{
	struct fw_plan p;

	(void)state;
	assert_int_equal(plan_for(&p,
		RES("r0", "0", "10.99.7.1:7788", "10.99.7.2:7788")
		RES("r1", "1", "10.99.8.1:7788", "10.99.8.2:7788"),
		std_hacf, "alice"), -1);
	has_error(&p, "duet.conf:6: resource 'r1' uses port 7788, which resource 'r0' uses already");
	has_error(&p, "duet.conf:2); every resource needs its own port");
	fw_plan_free(&p);
}

static void test_no_peer(void **state)
{
	struct fw_plan p;

	(void)state;
	assert_int_equal(plan_for(&p,
		"resource r0 {\n"
		"\ton alice { device /dev/drbd0; disk /dev/vdb; address 10.99.7.1:7788; meta-disk internal; }\n"
		"}\n", std_hacf, "alice"), -1);
	has_error(&p, "duet.conf:1: resource 'r0' has 1 host section");
	fw_plan_free(&p);
	/* no resource at all */
	assert_int_equal(plan_for(&p, "global { usage-count no; }\n", std_hacf, "alice"), -1);
	has_error(&p, "duet.conf: no resource, so no peer to let in");
	fw_plan_free(&p);
	/* this node is not in the file */
	assert_int_equal(plan_for(&p, std_conf, std_hacf, "carol"), -1);
	has_error(&p, "resource 'r0' has no 'on' section for this host ('carol')");
	has_error(&p, "Current node [carol] not in configuration!");
	fw_plan_free(&p);
}

static void test_bad_address(void **state)
{
	struct fw_plan p;

	(void)state;
	assert_int_equal(plan_for(&p,
		RES("r0", "0", "10.99.7.1:7788", "10.99.7.300:7788"),
		std_hacf, "alice"), -1);
	has_error(&p, "duet.conf:3: ");
	fw_plan_free(&p);
	assert_int_equal(plan_for(&p, std_conf, "ucast6 eth0 fd00::zz\nnode alice bob\n", "alice"), -1);
	has_error(&p, "ha.cf:1: ucast6: bad IPv6 address [fd00::zz]");
	fw_plan_free(&p);
}

static void test_missing_files(void **state)
{
	struct fw_config_in in = {
		.duet_conf = "/nonexistent/duet.conf", .ha_cf = "/nonexistent/ha.cf",
		.hostname = "alice", .ifs = ifs, .nifs = 4,
	};
	struct fw_plan p;

	(void)state;
	fw_plan_init(&p);
	assert_int_equal(fw_config_plan(&in, &p), -1);
	has_error(&p, "/nonexistent/duet.conf");
	has_error(&p, "/nonexistent/ha.cf: cannot read: No such file or directory");
	fw_plan_free(&p);
}

static void test_floating(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	assert_int_equal(plan_for(&p,
		"resource r0 {\n"
		"\tdevice /dev/drbd0; disk /dev/vdb; meta-disk internal;\n"
		"\tfloating 10.99.7.1:7790 { }\n"
		"\tfloating 10.99.7.2:7790 { }\n"
		"}\n", std_hacf, "whatever"), -1);
	/* the floating address is local, but ha.cf needs this node's name */
	has_error(&p, "Current node [whatever] not in configuration!");
	assert_int_equal(p.nerrors, 1);
	fw_plan_free(&p);
	if (plan_for(&p,
		"resource r0 {\n"
		"\tdevice /dev/drbd0; disk /dev/vdb; meta-disk internal;\n"
		"\tfloating 10.99.7.1:7790 { }\n"
		"\tfloating 10.99.7.2:7790 { }\n"
		"}\n", std_hacf, "alice") != 0)
		has_error(&p, "(no error expected)");
	s = ipt(&p, FW_IPV4);
	assert_non_null(strstr(s, "-A DUET-IN -s 10.99.7.2/32 -p tcp -m tcp --dport 7790 -j ACCEPT\n"));
	free(s);
	fw_plan_free(&p);
}

static void test_serial_only(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	assert_int_equal(plan_for(&p, std_conf, "serial /dev/ttyS0\nnode alice bob\n", "alice"), 0);
	s = ipt(&p, FW_IPV4);
	assert_null(strstr(s, "udp"));
	free(s);
	fw_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard),
		cmocka_unit_test(test_other_node),
		cmocka_unit_test(test_hostname_case),
		cmocka_unit_test(test_bcast_known_peer),
		cmocka_unit_test(test_bcast_subnet),
		cmocka_unit_test(test_bcast_no_address),
		cmocka_unit_test(test_mcast),
		cmocka_unit_test(test_ucast_name),
		cmocka_unit_test(test_port_clash),
		cmocka_unit_test(test_no_peer),
		cmocka_unit_test(test_bad_address),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_floating),
		cmocka_unit_test(test_serial_only),
	};

	return cmocka_run_group_tests_name("fw_config", tests, setup, teardown);
}
