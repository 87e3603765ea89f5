/*
 * Unit tests for firewall/fw_render.c: the text of every backend for
 * hand-built plans, the rule lines "status" compares, and nft listing
 * normalisation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "firewall/fw_render.h"

static void add(struct fw_plan *p, enum fw_proto proto, uint16_t port,
		const char *src, const char *dst, const char *iface,
		const char *what)
{
	struct fw_accept a;

	memset(&a, 0, sizeof(a));
	a.proto = proto;
	a.port = port;
	assert_int_equal(fw_net_parse(src, &a.src, NULL), 0);
	if (dst) {
		a.has_dst = true;
		assert_int_equal(fw_net_parse(dst, &a.dst, NULL), 0);
	}
	if (iface)
		snprintf(a.iface, sizeof(a.iface), "%s", iface);
	snprintf(a.what, sizeof(a.what), "%s", what);
	assert_int_equal(fw_plan_accept(p, &a), 1);
}

/* alice: r0 on 7788 (peer bob, v4), r1 on 7789 (peer bob, v6), heartbeat
 * ucast to bob, bcast on eth1 with the subnet, mcast group on eth2 */
static void paper_plan(struct fw_plan *p)
{
	fw_plan_init(p);
	fw_plan_set_node(p, "alice");
	fw_plan_add_source(p, "/etc/duet.conf");
	fw_plan_add_source(p, "/etc/ha.d/ha.cf");
	fw_plan_warn(p, "/etc/ha.d/ha.cf:7: bcast eth1: no address of peer bob is known there");
	/* heartbeat first: ports render sorted, TCP first */
	add(p, FW_UDP, 694, "10.99.1.2", NULL, NULL, "ucast eth0: bob (ha.cf:5)");
	add(p, FW_UDP, 694, "10.99.2.0/24", NULL, "eth1", "bcast eth1: subnet (ha.cf:7)");
	add(p, FW_UDP, 694, "10.99.3.2", "225.0.0.1", NULL, "mcast eth2 (ha.cf:8)");
	fw_plan_guard(p, FW_TCP, 7789, "replication r1 (duet.conf:20)");
	add(p, FW_TCP, 7789, "fd00::2", NULL, NULL, "r1: peer bob (duet.conf:24)");
	add(p, FW_TCP, 7788, "10.99.1.2", NULL, NULL, "r0: peer bob (duet.conf:12)");
}

static char *render(const struct fw_plan *p, enum fw_backend be)
{
	struct fw_buf b;

	fw_buf_init(&b);
	assert_int_equal(fw_render(p, be, &b), 0);
	return b.s;
}

static void test_iptables_rules(void **state)
{
	struct fw_plan p;
	struct fw_buf b;

	(void)state;
	paper_plan(&p);
	fw_buf_init(&b);
	assert_int_equal(fw_render_iptables_rules(&p, FW_IPV4, &b), 0);
	assert_string_equal(fw_buf_str(&b),
		"-A DUET-IN -s 10.99.1.2/32 -p tcp -m tcp --dport 7788 -j ACCEPT\n"
		"-A DUET-IN -p tcp -m tcp --dport 7788 -j DROP\n"
		"-A DUET-IN -p tcp -m tcp --dport 7789 -j DROP\n"
		"-A DUET-IN -s 10.99.1.2/32 -p udp -m udp --dport 694 -j ACCEPT\n"
		"-A DUET-IN -s 10.99.2.0/24 -i eth1 -p udp -m udp --dport 694 -j ACCEPT\n"
		"-A DUET-IN -s 10.99.3.2/32 -d 225.0.0.1/32 -p udp -m udp --dport 694 -j ACCEPT\n"
		"-A DUET-IN -p udp -m udp --dport 694 -j DROP\n");
	fw_buf_reset(&b);
	assert_int_equal(fw_render_iptables_rules(&p, FW_IPV6, &b), 0);
	assert_string_equal(fw_buf_str(&b),
		"-A DUET-IN -p tcp -m tcp --dport 7788 -j DROP\n"
		"-A DUET-IN -s fd00::2/128 -p tcp -m tcp --dport 7789 -j ACCEPT\n"
		"-A DUET-IN -p tcp -m tcp --dport 7789 -j DROP\n"
		"-A DUET-IN -p udp -m udp --dport 694 -j DROP\n");
	fw_buf_free(&b);
	fw_plan_free(&p);
}

static void test_iptables_file(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	paper_plan(&p);
	s = render(&p, FW_BE_IPTABLES);
	assert_non_null(strstr(s, "# duet-firewall: IPv4 rules (iptables-restore) for node alice\n"));
	assert_non_null(strstr(s, "# computed from /etc/duet.conf, /etc/ha.d/ha.cf\n"));
	assert_non_null(strstr(s, "# warning: /etc/ha.d/ha.cf:7: bcast eth1: no address"));
	assert_non_null(strstr(s, "#   iptables -C INPUT -j DUET-IN || iptables -I INPUT 1 -j DUET-IN\n"));
	/* the chain line comes right after *filter and COMMIT ends it */
	assert_non_null(strstr(s, "\n*filter\n:DUET-IN - [0:0]\n# tcp 7788: r0: peer bob (duet.conf:12)\n"
				  "#   accept r0: peer bob (duet.conf:12)\n"
				  "-A DUET-IN -s 10.99.1.2/32 -p tcp -m tcp --dport 7788 -j ACCEPT\n"));
	assert_non_null(strstr(s, "# tcp 7789: replication r1 (duet.conf:20)\n"));
	assert_int_equal(strcmp(s + strlen(s) - strlen("-j DROP\nCOMMIT\n"), "-j DROP\nCOMMIT\n"), 0);
	/* nothing but comments, the table, the chain, rules and COMMIT */
	for (char *line = s; *line; line = strchr(line, '\n') + 1) {
		if (!(line[0] == '#' || strncmp(line, "*filter\n", 8) == 0 ||
		      strncmp(line, ":DUET-IN - [0:0]\n", 17) == 0 ||
		      strncmp(line, "-A DUET-IN ", 11) == 0 ||
		      strncmp(line, "COMMIT\n", 7) == 0))
			fail_msg("unexpected line: %.60s", line);
	}
	free(s);
	s = render(&p, FW_BE_IP6TABLES);
	assert_non_null(strstr(s, "IPv6 rules (ip6tables-restore)"));
	assert_non_null(strstr(s, "ip6tables-restore --noflush < FILE"));
	assert_non_null(strstr(s, "-A DUET-IN -s fd00::2/128 -p tcp -m tcp --dport 7789 -j ACCEPT\n"));
	assert_null(strstr(s, "10.99.1.2"));
	free(s);
	fw_plan_free(&p);
}

static void test_no_peer_of_family(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	fw_plan_init(&p);
	add(&p, FW_TCP, 7788, "10.0.0.2", NULL, NULL, "r0");
	s = render(&p, FW_BE_IP6TABLES);
	assert_non_null(strstr(s, "# No peer address of this family"));
	assert_non_null(strstr(s, "-A DUET-IN -p tcp -m tcp --dport 7788 -j DROP\n"));
	assert_null(strstr(s, "ACCEPT"));
	assert_non_null(strstr(s, "for node (unknown)"));
	free(s);
	fw_plan_free(&p);
}

static void test_nft(void **state)
{
	struct fw_plan p;
	struct fw_buf b;
	char *s;

	(void)state;
	paper_plan(&p);
	fw_buf_init(&b);
	assert_int_equal(fw_render_nft_chain(&p, &b), 0);
	assert_string_equal(fw_buf_str(&b),
		"type filter hook input priority filter - 10; policy accept;\n"
		"ip saddr 10.99.1.2 tcp dport 7788 accept comment \"r0: peer bob (duet.conf:12)\"\n"
		"tcp dport 7788 counter drop comment \"r0: peer bob (duet.conf:12)\"\n"
		"ip6 saddr fd00::2 tcp dport 7789 accept comment \"r1: peer bob (duet.conf:24)\"\n"
		"tcp dport 7789 counter drop comment \"replication r1 (duet.conf:20)\"\n"
		"ip saddr 10.99.1.2 udp dport 694 accept comment \"ucast eth0: bob (ha.cf:5)\"\n"
		"iifname \"eth1\" ip saddr 10.99.2.0/24 udp dport 694 accept comment \"bcast eth1: subnet (ha.cf:7)\"\n"
		"ip saddr 10.99.3.2 ip daddr 225.0.0.1 udp dport 694 accept comment \"mcast eth2 (ha.cf:8)\"\n"
		"udp dport 694 counter drop comment \"ucast eth0: bob (ha.cf:5)\"\n");
	s = render(&p, FW_BE_NFT);
	assert_non_null(strstr(s, "# duet-firewall: nftables rules (nft -f) for node alice\n"));
	assert_non_null(strstr(s, "\ntable inet duet\ndelete table inet duet\ntable inet duet {\n"
				  "\tchain input {\n"
				  "\t\ttype filter hook input priority filter - 10; policy accept;\n"));
	assert_non_null(strstr(s, "\t\tudp dport 694 counter drop comment \"ucast eth0: bob (ha.cf:5)\"\n\t}\n}\n"));
	/* the rendered file normalises to the chain lines */
	fw_buf_reset(&b);
	assert_int_equal(fw_nft_normalize(s, &b), 0);
	{
		struct fw_buf want;

		fw_buf_init(&want);
		fw_render_nft_chain(&p, &want);
		assert_string_equal(fw_buf_str(&b), fw_buf_str(&want));
		fw_buf_free(&want);
	}
	free(s);
	fw_buf_free(&b);
	fw_plan_free(&p);
}

static void test_nft_comment_sanitised(void **state)
{
	struct fw_plan p;
	struct fw_buf b;
	char what[FW_WHAT_MAX];

	(void)state;
	fw_plan_init(&p);
	add(&p, FW_TCP, 7788, "10.0.0.2", NULL, NULL, "r\"0\\ \x01z");
	fw_buf_init(&b);
	fw_render_nft_chain(&p, &b);
	assert_non_null(strstr(fw_buf_str(&b), "accept comment \"r_0_ _z\"\n"));
	fw_buf_free(&b);
	fw_plan_free(&p);
	/* long explanations are cut to 100 bytes */
	fw_plan_init(&p);
	memset(what, 'x', sizeof(what) - 1);
	what[sizeof(what) - 1] = '\0';
	add(&p, FW_TCP, 7788, "10.0.0.2", NULL, NULL, what);
	fw_buf_init(&b);
	fw_render_nft_chain(&p, &b);
	{
		const char *c = strstr(fw_buf_str(&b), "comment \"");
		assert_non_null(c);
		assert_int_equal(strcspn(c + 9, "\""), 100);
	}
	fw_buf_free(&b);
	fw_plan_free(&p);
}

static void test_nft_normalize_listing(void **state)
{
	static const char listing[] =
		"table inet duet {\n"
		"\tchain input {\n"
		"\t\ttype filter hook input priority filter - 10; policy accept;\n"
		"\t\tip saddr 10.99.1.2 tcp dport 7788 accept\n"
		"\t\ttcp dport 7788 counter packets 12 bytes 720 drop comment \"x\"\n"
		"\t\tudp dport 694 counter packets 0 bytes 0 drop   \n"
		"\t}\n"
		"\tchain other {\n"
		"\t\ttcp dport 1 drop\n"
		"\t}\n"
		"}\n";
	struct fw_buf b;

	(void)state;
	fw_buf_init(&b);
	assert_int_equal(fw_nft_normalize(listing, &b), 0);
	assert_string_equal(fw_buf_str(&b),
		"type filter hook input priority filter - 10; policy accept;\n"
		"ip saddr 10.99.1.2 tcp dport 7788 accept\n"
		"tcp dport 7788 counter drop comment \"x\"\n"
		"udp dport 694 counter drop\n");
	fw_buf_reset(&b);
	assert_int_equal(fw_nft_normalize("", &b), 0);
	assert_string_equal(fw_buf_str(&b), "");
	fw_buf_free(&b);
}

static void test_firewalld(void **state)
{
	struct fw_plan p;
	struct fw_buf b;
	char *s;

	(void)state;
	paper_plan(&p);
	fw_buf_init(&b);
	assert_int_equal(fw_render_rich_rules(&p, &b), 0);
	assert_string_equal(fw_buf_str(&b),
		"rule priority=\"-1001\" family=\"ipv4\" source address=\"10.99.1.2\" port port=\"7788\" protocol=\"tcp\" accept\n"
		"rule priority=\"-1000\" port port=\"7788\" protocol=\"tcp\" drop\n"
		"rule priority=\"-1001\" family=\"ipv6\" source address=\"fd00::2\" port port=\"7789\" protocol=\"tcp\" accept\n"
		"rule priority=\"-1000\" port port=\"7789\" protocol=\"tcp\" drop\n"
		"rule priority=\"-1001\" family=\"ipv4\" source address=\"10.99.1.2\" port port=\"694\" protocol=\"udp\" accept\n"
		"rule priority=\"-1001\" family=\"ipv4\" source address=\"10.99.2.0/24\" port port=\"694\" protocol=\"udp\" accept\n"
		"rule priority=\"-1001\" family=\"ipv4\" source address=\"10.99.3.2\" destination address=\"225.0.0.1\" port port=\"694\" protocol=\"udp\" accept\n"
		"rule priority=\"-1000\" port port=\"694\" protocol=\"udp\" drop\n");
	s = render(&p, FW_BE_FIREWALLD);
	assert_non_null(strstr(s, "# duet-firewall: firewalld rich rules for node alice\n"));
	assert_non_null(strstr(s, "#   (firewalld rich rules have no input interface; the zone decides: eth1)\n"));
	/* every non-comment line is one of the rich rules */
	for (char *line = s; *line; line = strchr(line, '\n') + 1) {
		size_t n = strcspn(line, "\n");
		char one[512];

		if (line[0] == '#')
			continue;
		snprintf(one, sizeof(one), "%.*s\n", (int)n, line);
		assert_non_null(strstr(fw_buf_str(&b), one));
	}
	free(s);
	fw_buf_free(&b);
	fw_plan_free(&p);
}

static void test_empty_plan(void **state)
{
	struct fw_plan p;
	char *s;

	(void)state;
	fw_plan_init(&p);
	s = render(&p, FW_BE_IPTABLES);
	assert_non_null(strstr(s, "*filter\n:DUET-IN - [0:0]\nCOMMIT\n"));
	free(s);
	s = render(&p, FW_BE_NFT);
	assert_non_null(strstr(s, "policy accept;\n\t}\n}\n"));
	free(s);
	fw_plan_free(&p);
}

static void test_oom_plan_refused(void **state)
{
	struct fw_plan p;
	struct fw_buf b;

	(void)state;
	fw_plan_init(&p);
	p.oom = true;
	fw_buf_init(&b);
	assert_int_equal(fw_render(&p, FW_BE_NFT, &b), -1);
	assert_int_equal(fw_render(&p, (enum fw_backend)99, &b), -1);
	fw_buf_free(&b);
	fw_plan_init(&p);
	fw_plan_error(&p, "duet.conf:3: no peer");
	assert_int_equal(fw_render(&p, FW_BE_IPTABLES, &b), -1);
	fw_plan_free(&p);
	fw_buf_free(&b);
}

static void test_backend_names(void **state)
{
	enum fw_backend be;
	unsigned i;

	(void)state;
	for (i = 0; i < FW_BE_NR; i++) {
		assert_int_equal(fw_backend_parse(fw_backend_name((enum fw_backend)i), &be), 0);
		assert_int_equal(be, i);
	}
	assert_int_equal(fw_backend_parse("nftables", &be), 0);
	assert_int_equal(be, FW_BE_NFT);
	assert_int_equal(fw_backend_parse("ipchains", &be), -1);
	assert_string_equal(fw_backend_name((enum fw_backend)42), "?");
}

static void test_buf(void **state)
{
	struct fw_buf b;
	char big[2000];

	(void)state;
	fw_buf_init(&b);
	assert_string_equal(fw_buf_str(&b), "");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fw_buf_printf(&b, "%s-%d", big, 7);
	assert_int_equal(b.len, sizeof(big) - 1 + 2);
	assert_string_equal(b.s + sizeof(big) - 1, "-7");
	fw_buf_reset(&b);
	fw_buf_puts(&b, "x");
	assert_string_equal(fw_buf_str(&b), "x");
	fw_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iptables_rules),
		cmocka_unit_test(test_iptables_file),
		cmocka_unit_test(test_no_peer_of_family),
		cmocka_unit_test(test_nft),
		cmocka_unit_test(test_nft_comment_sanitised),
		cmocka_unit_test(test_nft_normalize_listing),
		cmocka_unit_test(test_firewalld),
		cmocka_unit_test(test_empty_plan),
		cmocka_unit_test(test_oom_plan_refused),
		cmocka_unit_test(test_backend_names),
		cmocka_unit_test(test_buf),
	};

	return cmocka_run_group_tests_name("fw_render", tests, NULL, NULL);
}
