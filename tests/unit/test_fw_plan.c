/* Unit tests for firewall/fw_plan.c: addresses, networks, the plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "firewall/fw_plan.h"

static struct fw_net net(const char *s)
{
	struct fw_net n;

	assert_int_equal(fw_net_parse(s, &n, NULL), 0);
	return n;
}

static void fmt_is(const char *in, bool always, const char *want)
{
	char buf[FW_NET_STRLEN];
	struct fw_net n = net(in);

	fw_net_format(&n, always, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_parse_ipv4(void **state)
{
	struct fw_net n;

	(void)state;
	n = net("10.99.1.2");
	assert_int_equal(n.family, FW_IPV4);
	assert_int_equal(n.prefix, 32);
	assert_true(fw_net_is_host(&n));
	fmt_is("10.99.1.2", false, "10.99.1.2");
	fmt_is("10.99.1.2", true, "10.99.1.2/32");
	/* host bits of a network are cleared */
	fmt_is("10.99.1.7/24", false, "10.99.1.0/24");
	fmt_is("10.99.1.7/0", false, "0.0.0.0/0");
	fmt_is("192.168.0.10/31", false, "192.168.0.10/31");
}

static void test_parse_ipv6(void **state)
{
	char zone[FW_IFNAME_MAX + 1];
	struct fw_net n;

	(void)state;
	n = net("fd00::2");
	assert_int_equal(n.family, FW_IPV6);
	assert_int_equal(n.prefix, 128);
	fmt_is("fd00::2", true, "fd00::2/128");
	fmt_is("[fd00::1]", false, "fd00::1");
	fmt_is("FD00:0:0::1", false, "fd00::1");
	fmt_is("fd00:1:2:3:4:5:6:7/64", false, "fd00:1:2:3::/64");
	fmt_is("fd00::1/127", false, "fd00::/127");
	assert_int_equal(fw_net_parse("fe80::1%eth0", &n, zone), 0);
	assert_string_equal(zone, "eth0");
	fmt_is("fe80::1%eth0", false, "fe80::1");
	assert_int_equal(fw_net_parse("fd00::1", &n, zone), 0);
	assert_string_equal(zone, "");
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "10.0.0", "10.0.0.256", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/a",
		"fd00::1/129", "fd00:::1", "[fd00::1", "fd00::1]", "bob", "10.0.0.1%eth0",
		"10.0.0.1:7788", "fe80::1%", "fe80::1%averyveryverylongname", "1.2.3.4/-1",
		"[]",
	};
	struct fw_net n;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (fw_net_parse(bad[i], &n, NULL) == 0)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(fw_net_parse(NULL, &n, NULL), -1);
}

static void test_contains(void **state)
{
	struct fw_net a = net("10.99.1.0/24"), b = net("10.99.1.200"),
		      c = net("10.99.2.1"), d = net("fd00::/64"),
		      e = net("fd00::5"), f = net("10.99.0.0/16");

	(void)state;
	assert_true(fw_net_contains(&a, &b));
	assert_false(fw_net_contains(&a, &c));
	assert_true(fw_net_contains(&d, &e));
	assert_false(fw_net_contains(&a, &e));	/* family */
	assert_true(fw_net_contains(&f, &a));
	assert_false(fw_net_contains(&a, &f));	/* wider than the net */
	assert_true(fw_net_contains(&b, &b));
}

static void test_multicast(void **state)
{
	struct fw_net a = net("225.0.0.1"), b = net("ff02::1:2"), c = net("10.0.0.1"),
		      d = net("fd00::1"), e = net("239.255.255.255"), f = net("240.0.0.1");

	(void)state;
	assert_true(fw_net_is_multicast(&a));
	assert_true(fw_net_is_multicast(&b));
	assert_true(fw_net_is_multicast(&e));
	assert_false(fw_net_is_multicast(&c));
	assert_false(fw_net_is_multicast(&d));
	assert_false(fw_net_is_multicast(&f));
}

static void test_from_bytes(void **state)
{
	static const uint8_t v4[4] = { 10, 1, 2, 3 };
	static const uint8_t v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 };
	char buf[FW_NET_STRLEN];
	struct fw_net n;

	(void)state;
	assert_int_equal(fw_net_from_bytes(&n, FW_IPV4, v4, 16), 0);
	fw_net_format(&n, false, buf, sizeof(buf));
	assert_string_equal(buf, "10.1.0.0/16");
	assert_int_equal(fw_net_from_bytes(&n, FW_IPV6, v6, 128), 0);
	fw_net_format(&n, false, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::9");
	assert_int_equal(fw_net_from_bytes(&n, FW_IPV4, v4, 33), -1);
	assert_int_equal(fw_net_from_bytes(&n, (enum fw_family)5, v4, 1), -1);
}

static struct fw_accept acc(enum fw_proto proto, uint16_t port, const char *src,
			    const char *what)
{
	struct fw_accept a;

	memset(&a, 0, sizeof(a));
	a.proto = proto;
	a.port = port;
	a.src = net(src);
	snprintf(a.what, sizeof(a.what), "%s", what);
	return a;
}

static void test_guard_and_accept(void **state)
{
	struct fw_plan p;
	struct fw_accept a;
	const struct fw_port *fp;

	(void)state;
	fw_plan_init(&p);
	assert_int_equal(fw_plan_guard(&p, FW_TCP, 7788, "replication r0"), 1);
	assert_int_equal(fw_plan_guard(&p, FW_TCP, 7788, "again"), 0);
	assert_int_equal(fw_plan_guard(&p, FW_TCP, 0, "zero"), -1);
	fp = fw_plan_find_port(&p, FW_TCP, 7788);
	assert_non_null(fp);
	assert_string_equal(fp->what, "replication r0");
	assert_null(fw_plan_find_port(&p, FW_UDP, 7788));

	a = acc(FW_TCP, 7788, "10.99.1.2", "r0: peer bob");
	assert_int_equal(fw_plan_accept(&p, &a), 1);
	assert_int_equal(fw_plan_accept(&p, &a), 0);	/* duplicate */
	assert_int_equal(p.nacc, 1);
	/* an accept guards its port */
	a = acc(FW_UDP, 694, "10.99.1.2", "ucast eth0");
	assert_int_equal(fw_plan_accept(&p, &a), 1);
	fp = fw_plan_find_port(&p, FW_UDP, 694);
	assert_non_null(fp);
	assert_string_equal(fp->what, "ucast eth0");
	/* the same source with an interface is another rule */
	snprintf(a.iface, sizeof(a.iface), "eth0");
	assert_int_equal(fw_plan_accept(&p, &a), 1);
	/* a network is normalised before the duplicate check */
	a = acc(FW_UDP, 694, "10.99.1.0/24", "bcast");
	assert_int_equal(fw_plan_accept(&p, &a), 1);
	a = acc(FW_UDP, 694, "10.99.1.9/24", "bcast again");
	assert_int_equal(fw_plan_accept(&p, &a), 0);
	/* destination of another family */
	a = acc(FW_UDP, 694, "10.99.1.2", "mcast");
	a.has_dst = true;
	a.dst = net("ff02::1");
	assert_int_equal(fw_plan_accept(&p, &a), -1);
	a.port = 0;
	assert_int_equal(fw_plan_accept(&p, &a), -1);
	a = acc(FW_TCP, 7788, "fd00::2", "r0 v6");
	assert_int_equal(fw_plan_accept(&p, &a), 1);
	assert_int_equal(fw_plan_count_family(&p, FW_IPV4), 4);
	assert_int_equal(fw_plan_count_family(&p, FW_IPV6), 1);
	assert_false(p.oom);
	fw_plan_free(&p);
}

static void test_port_order(void **state)
{
	struct fw_plan p;
	size_t idx[5];

	(void)state;
	fw_plan_init(&p);
	fw_plan_guard(&p, FW_UDP, 694, "hb");
	fw_plan_guard(&p, FW_TCP, 7790, "r2");
	fw_plan_guard(&p, FW_UDP, 80, "x");
	fw_plan_guard(&p, FW_TCP, 7788, "r0");
	fw_plan_guard(&p, FW_TCP, 7789, "r1");
	fw_plan_port_order(&p, idx);
	assert_int_equal(p.ports[idx[0]].port, 7788);
	assert_int_equal(p.ports[idx[1]].port, 7789);
	assert_int_equal(p.ports[idx[2]].port, 7790);
	assert_int_equal(p.ports[idx[3]].port, 80);
	assert_int_equal(p.ports[idx[4]].port, 694);
	fw_plan_free(&p);
}

static void test_warnings_sources(void **state)
{
	struct fw_plan p;

	(void)state;
	fw_plan_init(&p);
	fw_plan_set_node(&p, "alice");
	assert_string_equal(p.node, "alice");
	assert_int_equal(fw_plan_add_source(&p, "/etc/duet.conf"), 0);
	assert_int_equal(fw_plan_warn(&p, "%s:%u: beware", "ha.cf", 3u), 0);
	assert_int_equal(p.nsources, 1);
	assert_int_equal(p.nwarnings, 1);
	assert_string_equal(p.warnings[0], "ha.cf:3: beware");
	assert_int_equal(fw_plan_error(&p, "%s:%u: no peer", "duet.conf", 0u), 0);
	assert_int_equal(p.nerrors, 1);
	assert_string_equal(p.errors[0], "duet.conf:0: no peer");
	fw_plan_free(&p);
	assert_int_equal(p.nwarnings, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_ipv6),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_multicast),
		cmocka_unit_test(test_from_bytes),
		cmocka_unit_test(test_guard_and_accept),
		cmocka_unit_test(test_port_order),
		cmocka_unit_test(test_warnings_sources),
	};

	return cmocka_run_group_tests_name("fw_plan", tests, NULL, NULL);
}
