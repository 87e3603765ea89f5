/*
 * Unit tests for daemon/hb/hb_conf*.c: ha.cf (heartbeat.md §1), including
 * the accepted/refused timings measured against Heartbeat 3.0.6 (§11.2)
 * and the exact "file:line: message" of every error path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_conf.h"

/* media, node and logging lines every test config needs */
#define BASE "node alice\nnode bob\nucast eth1 10.78.0.2\nlogfacility local0\nauto_failback on\n"
#define BASE_LINES 5
#define LONG100 "0123456789012345678901234567890123456789012345678901234567890123456789" \
		"012345678901234567890123456789"

static int parse(struct hb_conf *c, struct hb_diag *d, const char *text)
{
	hb_diag_init(d);
	return hb_conf_parse(c, text, strlen(text), "ha.cf", d);
}

static void dump(const struct hb_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("  %s %s\n", d->v[i].sev == HB_SEV_ERR ? "E" : "W", d->v[i].text);
}

/* Accepted with no diagnostics at all. */
static void expect_clean(const char *text, struct hb_conf *c)
{
	struct hb_diag d;
	int rc = parse(c, &d, text);

	if (rc != 0 || d.n) {
		dump(&d);
		fail_msg("expected a clean parse");
	}
	hb_diag_free(&d);
}

/* Refused; the first error is msg. */
static void expect_error(const char *text, const char *msg)
{
	struct hb_conf c;
	struct hb_diag d;

	if (parse(&c, &d, text) != -1) {
		dump(&d);
		fail_msg("expected an error: %s", msg);
	}
	if (strcmp(hb_diag_first(&d, HB_SEV_ERR), msg) != 0) {
		dump(&d);
		fail_msg("expected %s", msg);
	}
	hb_conf_free(&c);
	hb_diag_free(&d);
}

/* Accepted; the first warning is msg. */
static void expect_warning(const char *text, const char *msg)
{
	struct hb_conf c;
	struct hb_diag d;

	if (parse(&c, &d, text) != 0 || !hb_diag_first(&d, HB_SEV_WARN) ||
	    strcmp(hb_diag_first(&d, HB_SEV_WARN), msg) != 0) {
		dump(&d);
		fail_msg("expected the warning %s", msg);
	}
	hb_conf_free(&c);
	hb_diag_free(&d);
}

/* The ha.cf of the measurements in heartbeat.md §11. */
static void test_measured_config(void **state)
{
	static const char cf[] =
		"# heartbeat.md section 11\n"
		"keepalive 200ms\n"
		"deadtime 1\n"
		"warntime 500ms\n"
		"initdead 2\n"
		"udpport 694\n"
		"ucast hb0 10.99.0.1\n"
		"ucast hb0 10.99.0.2\n"
		"auto_failback on\n"
		"crm off\n"
		"node nodea\n"
		"node nodeb\n"
		"logfile /var/log/ha-log\n";
	struct hb_conf c;
	struct hb_diag d;

	(void)state;
	assert_int_equal(parse(&c, &d, cf), 0);
	assert_int_equal(c.keepalive_ms, 200);
	assert_int_equal(c.deadtime_ms, 1000);
	assert_int_equal(c.warntime_ms, 500);
	assert_int_equal(c.initdead_ms, 2000);
	assert_int_equal(c.deadping_ms, 1000);
	assert_int_equal(c.udpport, 694);
	assert_int_equal(c.auto_failback, HB_FAILBACK_ON);
	assert_int_equal(c.nmedia, 2);
	assert_int_equal(c.media[0].kind, HB_MEDIA_UCAST);
	assert_string_equal(c.media[0].ifname, "hb0");
	assert_string_equal(c.media[0].addr, "10.99.0.1");
	assert_int_equal(c.media[0].port, 694);
	assert_int_equal(c.media[0].line, 7);
	assert_string_equal(c.media[1].addr, "10.99.0.2");
	assert_int_equal(c.nnodes, 2);
	assert_string_equal(c.nodes[0], "nodea");
	assert_int_equal(hb_conf_ttl(&c), 3);
	/* §11.2: accepted, warns "Initial dead time [2000 ms] may be too small!" */
	assert_int_equal(d.nerr, 0);
	assert_int_equal(d.nwarn, 1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_WARN),
			    "ha.cf:5: Initial dead time [2000 ms] may be too small! "
			    "It should be >= deadtime and >= 10 seconds");
	/* values as written, for HA_<name> and hbparameter */
	assert_string_equal(hb_conf_param(&c, "keepalive"), "200ms");
	assert_string_equal(hb_conf_param(&c, "deadtime"), "1");
	assert_string_equal(hb_conf_param(&c, "udpport"), "694");
	assert_string_equal(hb_conf_param(&c, "auto_failback"), "on");
	assert_string_equal(hb_conf_param(&c, "pacemaker"), "off");
	assert_string_equal(hb_conf_param(&c, "deadping"), "1000ms");
	assert_string_equal(hb_conf_param(&c, "compression"), "zlib");
	assert_null(hb_conf_param(&c, "node"));
	assert_int_equal(hb_conf_check_local(&c, "NodeA", "ha.cf", &d), 0);
	assert_int_equal(hb_conf_check_local(&c, "nodec", "ha.cf", &d), -1);
	assert_string_equal(d.v[d.n - 1].text,
			    "ha.cf:13: Current node [nodec] not in configuration! By default, "
			    "cluster nodes are named by `uname -n` and must be declared with a "
			    "'node' directive in the ha.cf file.");
	hb_conf_free(&c);
	hb_diag_free(&d);
}

/* heartbeat.md §11.2, row by row. */
static void test_measured_timing_rules(void **state)
{
	struct hb_conf c;
	struct hb_diag d;

	(void)state;
	expect_error(BASE "keepalive 200ms\ndeadtime 400ms\nwarntime 300ms\ninitdead 2\n",
		     "ha.cf:7: Dead time [400] is too small compared to keeplive [200]");

	assert_int_equal(parse(&c, &d, BASE "keepalive 200ms\ndeadtime 401ms\nwarntime 300ms\ninitdead 2\n"), 0);
	assert_int_equal(c.deadtime_ms, 401);
	hb_conf_free(&c);
	hb_diag_free(&d);

	assert_int_equal(parse(&c, &d, BASE "keepalive 50ms\ndeadtime 150ms\nwarntime 100ms\ninitdead 150ms\n"), 0);
	assert_int_equal(d.nerr, 0);
	assert_int_equal(d.nwarn, 1);	/* initdead < 10 s */
	hb_conf_free(&c);
	hb_diag_free(&d);

	expect_error(BASE "keepalive 200ms\ndeadtime 1\nwarntime 500ms\ninitdead 800ms\n",
		     "ha.cf:9: Initial dead time [800] is smaller than deadtime [1000]");

	/* warntime > deadtime is not checked */
	assert_int_equal(parse(&c, &d, BASE "keepalive 200ms\ndeadtime 1\nwarntime 2\ninitdead 2\n"), 0);
	assert_int_equal(c.warntime_ms, 2000);
	hb_conf_free(&c);
	hb_diag_free(&d);

	/* the dead time check with the default deadtime points at keepalive */
	expect_error(BASE "keepalive 15\n",
		     "ha.cf:6: Dead time [30000] is too small compared to keeplive [15000]");
	expect_error(BASE "keepalive 200ms\ndeadtime 1\ndeadping 400ms\n",
		     "ha.cf:8: Ping dead time [400] is too small compared to keeplive [200]");
}

static void test_defaults(void **state)
{
	struct hb_conf c;
	struct hb_diag d;

	(void)state;
	assert_int_equal(parse(&c, &d, "node Alice\nbcast eth0\n"), 0);
	assert_int_equal(c.keepalive_ms, 1000);
	assert_int_equal(c.deadtime_ms, 30000);
	assert_int_equal(c.warntime_ms, 15000);
	assert_int_equal(c.initdead_ms, 30000);
	assert_int_equal(c.deadping_ms, 30000);
	assert_int_equal(c.udpport, 694);
	assert_int_equal(c.baud, 19200);
	assert_int_equal(c.auto_failback, HB_FAILBACK_LEGACY);
	assert_true(c.use_logd);
	assert_true(c.realtime);
	assert_int_equal(c.rtprio, -1);
	assert_int_equal(c.hopfudge, 1);
	assert_int_equal(c.max_rexmit_delay_ms, 250);
	assert_int_equal(c.memreserve_kb, 6500);
	assert_int_equal(c.conn_logd_ms, 60000);
	assert_int_equal(c.log_facility, -1);
	assert_string_equal(c.cluster, "linux-ha");
	assert_string_equal(c.nodes[0], "alice");
	assert_int_equal(c.media[0].kind, HB_MEDIA_BCAST);
	assert_string_equal(c.media[0].ifname, "eth0");
	assert_int_equal(c.media[0].port, 694);
	assert_string_equal(hb_conf_param(&c, "keepalive"), "1000ms");
	assert_string_equal(hb_conf_param(&c, "deadtime"), "30000ms");
	assert_string_equal(hb_conf_param(&c, "warntime"), "15000ms");
	assert_string_equal(hb_conf_param(&c, "initdead"), "30000ms");
	assert_string_equal(hb_conf_param(&c, "use_logd"), "yes");
	assert_string_equal(hb_conf_param(&c, "auto_failback"), "legacy");
	assert_string_equal(hb_conf_param(&c, "udpport"), "694");
	assert_null(hb_conf_param(&c, "logfile"));
	/* only warning: the legacy failback */
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].text, "ha.cf:2: Deprecated 'legacy' auto_failback option "
			    "selected. Please convert to 'auto_failback on'.");
	hb_conf_free(&c);
	hb_diag_free(&d);

	/* initdead defaults: deadtime > 10 s -> deadtime; < 6 s -> 12 s; else 2x */
	expect_clean(BASE "deadtime 20\n", &c);
	assert_int_equal(c.initdead_ms, 20000);
	hb_conf_free(&c);
	expect_clean(BASE "deadtime 5\n", &c);
	assert_int_equal(c.initdead_ms, 12000);
	hb_conf_free(&c);
	expect_clean(BASE "deadtime 8\n", &c);
	assert_int_equal(c.initdead_ms, 16000);
	assert_int_equal(c.warntime_ms, 4000);
	hb_conf_free(&c);
	/* syslog only: logfile and debugfile become /dev/null */
	expect_clean(BASE, &c);
	assert_int_equal(c.log_facility, 16 << 3);
	assert_string_equal(hb_conf_param(&c, "logfile"), "/dev/null");
	assert_string_equal(hb_conf_param(&c, "debugfile"), "/dev/null");
	assert_null(c.logfile);
	hb_conf_free(&c);
}

static void test_time_syntax(void **state)
{
	static const struct {
		const char *in;
		long ms;	/* -1: refused */
	} v[] = {
		{ "2", 2000 }, { "1.5", 1500 }, { "0.001", 1 }, { ".5", 500 }, { "1.", 1000 },
		{ "200ms", 200 }, { "200MS", 200 }, { "200msec", 200 }, { "1000000us", 1000 },
		{ "1000usec", 1 }, { "499us", 0 }, { "500us", 1 }, { "501us", 1 }, { "1499us", 1 },
		{ "1500us", 2 }, { "2s", 2000 }, { "2sec", 2000 }, { "0", 0 }, { "0.0004", 0 },
		{ "0.0005", 1 }, { "2147483", 2147483000 },
		{ "", -1 }, { ".", -1 }, { "ms", -1 }, { "1.2.3", -1 }, { "2 ms", -1 },
		{ "2m", -1 }, { "2msx", -1 }, { "-1", -1 }, { "+1", -1 }, { "0x10", -1 },
		{ "2147484", -1 }, { "99999999999", -1 }, { "1e3", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint32_t ms = 12345;
		int rc = hb_conf_parse_time(v[i].in, &ms);

		if (v[i].ms < 0) {
			if (rc != -1)
				fail_msg("[%s] accepted as %u", v[i].in, ms);
		} else if (rc != 0 || ms != (uint32_t)v[i].ms) {
			fail_msg("[%s] -> rc %d, %u ms; want %ld", v[i].in, rc, ms, v[i].ms);
		}
	}
}

static void test_value_errors(void **state)
{
	(void)state;
	expect_error(BASE "keepalive 2x\n", "ha.cf:6: Invalid keepalive time [2x]");
	expect_error(BASE "keepalive 0\n", "ha.cf:6: Invalid keepalive time [0]");
	expect_error(BASE "deadtime fast\n", "ha.cf:6: Invalid deadtime time [fast]");
	expect_error(BASE "initdead -1\n", "ha.cf:6: Invalid initdead time [-1]");
	expect_error(BASE "deadping x\n", "ha.cf:6: Invalid deadping time [x]");
	expect_error(BASE "warntime 0\n", "ha.cf:6: Warn time [0] is invalid.");
	expect_error(BASE "warntime 1h\n", "ha.cf:6: Warn time [1h] is invalid.");
	expect_error(BASE "hopfudge 256\n", "ha.cf:6: Invalid hopfudge [256] (expected 0 to 255)");
	expect_error(BASE "debug x\n", "ha.cf:6: Invalid debug level [x] (expected 0 to 255)");
	expect_error(BASE "memreserve 0\n", "ha.cf:6: Invalid memreserve [0] (expected 1 to 1048576)");
	expect_error(BASE "auto_failback maybe\n",
		     "ha.cf:6: Invalid auto_failback value [maybe] (expected on, off or legacy)");
	expect_error(BASE "nice_failback perhaps\n", "ha.cf:6: Invalid nice_failback value [perhaps]");
	expect_error(BASE "realtime sometimes\n",
		     "ha.cf:6: Invalid boolean value [sometimes] (expected on or off)");
	expect_error(BASE "rtprio 0\n", "ha.cf:6: Illegal realtime priority [0]");
	expect_error(BASE "rtprio 100\n", "ha.cf:6: Illegal realtime priority [100]");
	expect_error(BASE "hbgenmethod random\n", "ha.cf:6: Illegal hb generation method [random]");
	expect_error(BASE "msgfmt xml\n", "ha.cf:6: Invalid msgfmt [xml] (expected classic or netstring)");
	expect_error(BASE "logfacility local9\n", "ha.cf:6: Log facility(local9) not valid");
	expect_error(BASE "autojoin some\n", "ha.cf:6: Invalid autojoin directive [some]");
	expect_error(BASE "uuidfrom ether\n", "ha.cf:6: Invalid uuidfrom directive [ether]");
	expect_error(BASE "compression lzma\n", "ha.cf:6: Invalid compression [lzma] (expected zlib or bz2)");
	expect_error(BASE "compression_threshold 0\n", "ha.cf:6: compress_threshhold(0) invalid");
	expect_error(BASE "max_rexmit_delay 0\n", "ha.cf:6: Invalid max_rexmit_delay time(0)");
	expect_error(BASE "conn_logd_time never\n", "ha.cf:6: Invalid conn_logd_time time [never]");
	expect_error(BASE "env NOEQUALS\n", "ha.cf:6: invalid nvpair(NOEQUALS)");
	expect_error(BASE "env =x\n", "ha.cf:6: invalid nvpair(=x)");
	expect_error(BASE "watchdog /dev/watchdog\nwatchdog /dev/watchdog1\n",
		     "ha.cf:7: Watchdog device multiply specified.");
	expect_error(BASE "udpport 0\n", "ha.cf:6: invalid port [0] specified.");
	expect_error(BASE "udpport 65536\n", "ha.cf:6: invalid port [65536] specified.");
	expect_error(BASE "udpport ha\n", "ha.cf:6: invalid port [ha] specified.");
	expect_error(BASE "baud 12345\n", "ha.cf:6: invalid baudrate [12345] specified.");
	expect_error(BASE "baud 19200\nbaud 38400\n", "ha.cf:7: Baudrate multiply specified.");
	expect_error(BASE "node " "0123456789012345678901234567890123456789012345678901234567890123456789"
		     "012345678901234567890123456789\n",
		     "ha.cf:6: node name [01234567890123456789012345678901234567890123456789"
		     "01234567890123456789012345678901234567890123456789] is too long (more than 99 characters)");
}

static void test_structure_errors(void **state)
{
	(void)state;
	expect_error(BASE "frobnicate 1\n", "ha.cf:6: Illegal directive [frobnicate]");
	expect_error(BASE "Keepalive 1\n", "ha.cf:6: Illegal directive [Keepalive]");
	expect_error("node alice\nlogfile /tmp/x\nauto_failback on\n",
		     "ha.cf:3: No heartbeat media defined");
	expect_error("bcast eth0\nlogfile /tmp/x\nauto_failback on\n", "ha.cf:3: no nodes defined");
	expect_error("", "ha.cf:0: No heartbeat media defined");
	expect_error(BASE "node carol\n",
		     "ha.cf:6: not supported by duet: 3 cluster nodes (duet is a two-node product)");
	expect_error(BASE "use_logd off\nlogfacility none\n",
		     "ha.cf:6: No log entry found in ha.cf and use_logd is set to off");
	expect_error(BASE "autojoin any\n",
		     "ha.cf:6: R1 style resource management conflicts with autojoin set; "
		     "not supported by duet: autojoin any (dynamic membership)");
	static const char nul[] = BASE "keep\0alive 1\n";
	struct hb_conf c;
	struct hb_diag d;

	hb_diag_init(&d);
	assert_int_equal(hb_conf_parse(&c, nul, sizeof(nul) - 1, "ha.cf", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR), "ha.cf:6: NUL byte in line");
	hb_conf_free(&c);
	hb_diag_free(&d);

	char *big = malloc(5000);

	memset(big, 'x', 5000);
	memcpy(big, "cluster ", 8);
	hb_diag_init(&d);
	assert_int_equal(hb_conf_parse(&c, big, 5000, "ha.cf", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR), "ha.cf:1: line too long (more than 4096 bytes)");
	hb_conf_free(&c);
	hb_diag_free(&d);
	free(big);
}

static void test_pacemaker_refused(void **state)
{
	struct hb_conf c;

	(void)state;
	static const char *const on[] = { "on", "yes", "true", "1", "respawn", "minimal",
					  "manual", "ccm-only", "valgrind", "Yes" };
	char text[256], msg[256];

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		snprintf(text, sizeof(text), BASE "crm %s\n", on[i]);
		snprintf(msg, sizeof(msg), "ha.cf:6: not supported by duet: pacemaker/crm mode [%s]; "
			 "duet runs haresources groups itself (use 'crm off', or run Pacemaker "
			 "with duet's OCF agent)", on[i]);
		expect_error(text, msg);
		snprintf(text, sizeof(text), BASE "pacemaker %s\n", on[i]);
		expect_error(text, msg);
	}
	expect_error(BASE "crm sometimes\n", "ha.cf:6: Invalid pacemaker/crm value [sometimes]");
	expect_error(BASE "crm off\npacemaker off\n", "ha.cf:7: pacemaker/crm directive used multiple times!");
	expect_error(BASE "crm off\ncrm_daemon_dir /usr/lib/pacemaker\n",
		     "ha.cf:7: If you specify /usr/lib/pacemaker, it must come before the pacemaker directive");
	expect_clean(BASE "crm_daemon_dir /usr/lib/pacemaker\ncrmd_spawns_pengine yes\ncrm no\n", &c);
	assert_string_equal(hb_conf_param(&c, "pacemaker"), "no");
	hb_conf_free(&c);
}

static void test_media(void **state)
{
	struct hb_conf c;

	(void)state;
	expect_clean("node alice\nlogfile /l\nauto_failback off\n"
		     "udpport 700\n"
		     "bcast eth0 eth1, eth2\n"
		     "mcast eth3 239.1.2.3 694 1 0\n"
		     "mcast6 eth4 ff02::1:2 694 64 1\n"
		     "ucast6 eth5 fe80::1%eth5\n"
		     "baud 115200\n"
		     "serial /dev/ttyS1 /dev/ttyS2\n", &c);
	assert_int_equal(c.nmedia, 8);
	assert_int_equal(c.media[0].kind, HB_MEDIA_BCAST);
	assert_string_equal(c.media[2].ifname, "eth2");
	assert_int_equal(c.media[2].port, 700);
	assert_int_equal(c.media[3].kind, HB_MEDIA_MCAST);
	assert_string_equal(c.media[3].addr, "239.1.2.3");
	assert_int_equal(c.media[3].port, 694);
	assert_int_equal(c.media[3].ttl, 1);
	assert_false(c.media[3].loop);
	assert_int_equal(c.media[4].kind, HB_MEDIA_MCAST6);
	assert_int_equal(c.media[4].ttl, 64);
	assert_true(c.media[4].loop);
	assert_int_equal(c.media[5].kind, HB_MEDIA_UCAST6);
	assert_string_equal(c.media[5].addr, "fe80::1%eth5");
	assert_int_equal(c.media[6].kind, HB_MEDIA_SERIAL);
	assert_string_equal(c.media[6].dev, "/dev/ttyS1");
	assert_int_equal(c.media[6].baud, 115200);
	assert_int_equal(c.media[7].line, 10);
	assert_string_equal(hb_media_kind_str(c.media[7].kind), "serial");
	hb_conf_free(&c);

	/* "udp" is an old spelling of bcast */
	expect_warning(BASE "udp eth2\n", "ha.cf:6: directive 'udp' replaced by 'bcast'");

	/* order: udpport and baud affect only the media lines after them */
	struct hb_diag d;

	assert_int_equal(parse(&c, &d, BASE "udpport 700\nucast eth2 10.78.0.3\nserial /dev/ttyS0\nbaud 38400\n"), 0);
	assert_int_equal(c.media[0].port, 694);
	assert_int_equal(c.media[1].port, 700);
	assert_int_equal(c.media[2].baud, 19200);
	assert_int_equal(c.baud, 38400);
	assert_int_equal(d.nwarn, 2);
	assert_string_equal(d.v[0].text, "ha.cf:6: udpport setting must precede media statements");
	assert_string_equal(d.v[1].text, "ha.cf:9: baudrate setting must precede media statements");
	hb_conf_free(&c);
	hb_diag_free(&d);

	expect_error(BASE "ucast eth1\n", "ha.cf:6: ucast: [eth1] missing target IP address/hostname");
	expect_error(BASE "ucast eth1234567890123 10.0.0.1\n",
		     "ha.cf:6: ucast: invalid interface name [eth1234567890123]");
	expect_warning(BASE "ucast eth1 10.0.0.1 10.0.0.2\n",
		       "ha.cf:6: ucast: extra words after [10.0.0.1] ignored");
	expect_error(BASE "ucast6 eth1 10.0.0.1\n", "ha.cf:6: ucast6: bad IPv6 address [10.0.0.1]");
	expect_error(BASE "bcast a/b\n", "ha.cf:6: bcast: invalid interface name [a/b]");
	expect_error(BASE "mcast eth0\n", "ha.cf:6: mcast [eth0] missing mcast address");
	expect_error(BASE "mcast eth0 10.0.0.1 694 1 0\n", "ha.cf:6: mcast [eth0] bad addr [10.0.0.1]");
	expect_error(BASE "mcast eth0 225.0.0.1\n", "ha.cf:6: mcast [eth0] missing port");
	expect_error(BASE "mcast eth0 225.0.0.1 0 1 0\n", "ha.cf:6: mcast [eth0] bad port [0]");
	expect_error(BASE "mcast eth0 225.0.0.1 694\n", "ha.cf:6: mcast [eth0] missing ttl");
	expect_error(BASE "mcast eth0 225.0.0.1 694 5 0\n", "ha.cf:6: mcast [eth0] bad ttl [5]");
	expect_error(BASE "mcast eth0 225.0.0.1 694 1\n", "ha.cf:6: mcast [eth0] missing loop");
	expect_error(BASE "mcast eth0 225.0.0.1 694 1 2\n", "ha.cf:6: mcast [eth0] bad loop [2]");
	expect_error(BASE "mcast6 eth0 fe80::1 694 1 0\n", "ha.cf:6: mcast6 [eth0] bad addr [fe80::1]");
	expect_error(BASE "mcast6 eth0 ff02::1 694\n", "ha.cf:6: mcast6 [eth0] missing hops");
	expect_warning(BASE "mcast eth0 225.0.0.1 694 1 0 extra\n",
		       "ha.cf:6: mcast: extra words after the loop value ignored");
	expect_error(BASE "serial ttyS0\n", "ha.cf:6: Serial port not full pathname [ttyS0] in config file");
	expect_warning(BASE "ucast\n", "ha.cf:6: directive [ucast] has no value; ignored");
}

static void test_too_many_media(void **state)
{
	char *text = malloc(64 * 20 + 256);
	size_t off = (size_t)sprintf(text, BASE);

	(void)state;
	for (int i = 0; i < 64; i++)
		off += (size_t)sprintf(text + off, "bcast e%d\n", i);
	expect_error(text, "ha.cf:69: Too many media specified (> 64)");
	free(text);
}

static void test_nodes_and_pings(void **state)
{
	struct hb_conf c;

	(void)state;
	expect_warning("node ALICE,bob\tAlice\nbcast eth0\nlogfile /l\nauto_failback on\n",
		       "ha.cf:1: node [alice] listed more than once");
	expect_clean("node ALICE bob\nbcast eth0\nlogfile /l\nauto_failback on\n"
		     "ping 10.0.0.254\nping_group Group1 10.0.0.253 10.0.0.252\n"
		     "ping6 fe80::1\n", &c);
	assert_int_equal(c.nnodes, 2);
	assert_string_equal(c.nodes[0], "alice");
	assert_int_equal(hb_conf_node_index(&c, "Bob"), 1);
	assert_int_equal(hb_conf_node_index(&c, "carol"), -1);
	assert_int_equal(c.npings, 3);
	assert_string_equal(c.pings[0].name, "10.0.0.254");
	assert_false(c.pings[0].group);
	assert_string_equal(c.pings[1].name, "group1");
	assert_true(c.pings[1].group);
	assert_int_equal(c.pings[1].naddrs, 2);
	assert_string_equal(c.pings[1].addrs[1], "10.0.0.252");
	assert_true(c.pings[2].v6);
	/* ping nodes count in the ttl Heartbeat sends */
	assert_int_equal(hb_conf_ttl(&c), 1 + 2 + 3);
	hb_conf_free(&c);

	expect_error(BASE "ping 10.0.0.1\nping 10.0.0.1\n",
		     "ha.cf:7: ping node [10.0.0.1] defined more than once");
	expect_error(BASE "ping_group g\n", "ha.cf:6: ping_group [g] has no addresses");
	expect_error(BASE "ping " LONG100 "\n", "ha.cf:6: ping node name [" LONG100 "] is too long");
	expect_error(BASE "ping_group " LONG100 " 10.0.0.1\n",
		     "ha.cf:6: ping_group name [" LONG100 "] is too long");
}

static void test_whole_line_directives(void **state)
{
	struct hb_conf c;

	(void)state;
	expect_clean(BASE
		     "respawn hacluster /usr/libexec/heartbeat/ipfail -d\n"
		     "failfast root /usr/sbin/watch-it\n"
		     "apiauth ipfail uid=hacluster\n"
		     "apiauth ccm gid=haclient uid=root,hacluster\n"
		     "stonith baytech /etc/ha.d/conf/stonith.baytech\n"
		     "stonith_host *     baytech 10.0.0.3 mylogin mysecretpassword\n"
		     "stonith_host Ken3  rps10 /dev/ttyS1 kathy 0\n"
		     "env FOO=bar\n"
		     "cluster duet\nwatchdog /dev/watchdog\n", &c);
	assert_int_equal(c.nrespawns, 2);
	assert_string_equal(c.respawns[0].user, "hacluster");
	assert_string_equal(c.respawns[0].command, "/usr/libexec/heartbeat/ipfail -d");
	assert_string_equal(c.respawns[0].path, "/usr/libexec/heartbeat/ipfail");
	assert_false(c.respawns[0].failfast);
	assert_true(c.respawns[1].failfast);
	assert_int_equal(c.napiauths, 2);
	assert_string_equal(c.apiauths[0].client, "ipfail");
	assert_string_equal(c.apiauths[0].uids, "hacluster");
	assert_null(c.apiauths[0].gids);
	assert_string_equal(c.apiauths[1].gids, "haclient");
	assert_string_equal(c.apiauths[1].uids, "root,hacluster");
	assert_int_equal(c.nstoniths, 3);
	assert_false(c.stoniths[0].per_host);
	assert_string_equal(c.stoniths[0].type, "baytech");
	assert_string_equal(c.stoniths[0].params, "/etc/ha.d/conf/stonith.baytech");
	assert_string_equal(c.stoniths[1].host, "*");
	assert_string_equal(c.stoniths[1].params, "10.0.0.3 mylogin mysecretpassword");
	assert_string_equal(c.stoniths[2].host, "ken3");
	assert_string_equal(c.stoniths[2].type, "rps10");
	assert_int_equal(c.nenv, 1);
	assert_string_equal(c.env[0], "FOO=bar");
	assert_string_equal(c.cluster, "duet");
	assert_string_equal(c.watchdog, "/dev/watchdog");
	hb_conf_free(&c);

	expect_error(BASE "respawn hacluster ipfail\n",
		     "ha.cf:6: Client child command [ipfail] is not full pathname");
	expect_error(BASE "respawn hacluster\n", "ha.cf:6: Client child command [] is not full pathname");
	expect_error(BASE "apiauth ipfail\n", "ha.cf:6: Invalid apiauth directive [ipfail]: "
		     "syntax is apiauth client [uid=uidlist] [gid=gidlist]");
	expect_error(BASE "apiauth ipfail uid=a uid=b\n",
		     "ha.cf:6: Invalid apiauth directive [ipfail uid=a uid=b]: Duplicate uid list in apiauth");
	expect_error(BASE "apiauth ipfail gid=a gid=b\n",
		     "ha.cf:6: Invalid apiauth directive [ipfail gid=a gid=b]: Duplicate gid list in apiauth");
	expect_error(BASE "apiauth ipfail user=a\n",
		     "ha.cf:6: Invalid apiauth directive [ipfail user=a]: Missing uid or gid in apiauth");
	expect_error(BASE "apiauth x uid=a\napiauth x gid=b\n",
		     "ha.cf:7: Duplicate apiauth directive for API client x: [x gid=b]");
	expect_error(BASE "stonith_host ken3\n", "ha.cf:6: No Stonith type given");
	expect_error(BASE "stonith_host " LONG100 " null\n", "ha.cf:6: Stonith hostname too long");
	expect_error(BASE "respawn " LONG100 " /bin/true\n",
		     "ha.cf:6: UID specified for client child is too long");
}

static void test_lexical(void **state)
{
	struct hb_conf c;

	(void)state;
	/* comments anywhere, CRLF, commas and tabs between values, leading blanks */
	expect_clean("  # comment\r\n\tnode\talice , bob # the two\r\n"
		     "ucast eth1 10.78.0.2 # peer\r\n"
		     "keepalive 500ms#half a second\n"
		     "deadtime 5\rjunk after a CR is dropped, as Heartbeat does\n"
		     "logfile /var/log/ha-log\nauto_failback on\n\n", &c);
	assert_int_equal(c.nnodes, 2);
	assert_string_equal(c.nodes[1], "bob");
	assert_int_equal(c.keepalive_ms, 500);
	assert_int_equal(c.deadtime_ms, 5000);
	assert_string_equal(c.media[0].addr, "10.78.0.2");
	assert_string_equal(c.logfile, "/var/log/ha-log");
	assert_int_equal(c.nlines, 8);
	hb_conf_free(&c);

	expect_warning(BASE "keepalive 1 2\n",
		       "ha.cf:6: directive [keepalive] has more than one value; the last one [2] is used");
	expect_warning(BASE "keepalive\n", "ha.cf:6: directive [keepalive] has no value; ignored");
}

static void test_failback_and_logging(void **state)
{
	struct hb_conf c;
	struct hb_diag d;

	(void)state;
	/* nice_failback as 3.0.6 really reads it (heartbeat.md §1.2) */
	assert_int_equal(parse(&c, &d, "node a\nbcast e\nlogfile /l\nnice_failback on\n"), 0);
	assert_int_equal(c.auto_failback, HB_FAILBACK_LEGACY);
	assert_string_equal(d.v[0].text, "ha.cf:4: nice_failback flag is obsolete.. Use auto_failback "
			    "{on, off, legacy} instead. nice_failback on has been strictly interpreted "
			    "as 'auto_failback legacy'");
	hb_conf_free(&c);
	hb_diag_free(&d);
	assert_int_equal(parse(&c, &d, "node a\nbcast e\nlogfile /l\nauto_failback on\nnice_failback on\n"), 0);
	assert_int_equal(c.auto_failback, HB_FAILBACK_OFF);
	assert_string_equal(hb_conf_param(&c, "auto_failback"), "off");
	assert_int_equal(d.nwarn, 1);
	assert_string_equal(d.v[0].text, "ha.cf:5: nice_failback flag is obsolete.. Use auto_failback "
			    "{on, off, legacy} instead. 'nice_failback on' has been changed to "
			    "'auto_failback off'");
	hb_conf_free(&c);
	hb_diag_free(&d);

	expect_warning("node a\nbcast e\nlogfile /l\nauto_failback legacy\n",
		       "ha.cf:4: Deprecated 'legacy' auto_failback option selected. "
		       "Please convert to 'auto_failback on'.");
	expect_clean(BASE "auto_failback OFF\n", &c);
	assert_int_equal(c.auto_failback, HB_FAILBACK_OFF);
	assert_string_equal(hb_failback_str(c.auto_failback), "off");
	hb_conf_free(&c);

	/* logging */
	expect_clean(BASE "use_logd yes\ndebugfile /var/log/ha-debug\nlogfacility none\n", &c);
	assert_true(c.use_logd);
	assert_int_equal(c.log_facility, -1);
	assert_string_equal(c.debugfile, "/var/log/ha-debug");
	hb_conf_free(&c);

	/* everything else Heartbeat accepts */
	expect_clean(BASE "debug 3\nrealtime off\nrtprio 5\nmemreserve 1000\nhbgenmethod time\n"
		     "hopfudge 2\nmax_rexmit_delay 500\nmsgfmt netstring\ncompression bz2\n"
		     "compression_threshold 4\ntraditional_compression yes\nuuidfrom nodename\n"
		     "coredumps false\ncoreroot /var/lib/heartbeat/cores\nconn_logd_time 10\n"
		     "use_apphbd no\nlog_badpack n\nsyslogmsgfmt y\nrecord_config_changes 0\n"
		     "record_pengine_inputs 1\nenable_config_writes off\nquorum_server q1\n"
		     "autojoin none\nenv A=b=c\n", &c);
	assert_int_equal(c.debug, 3);
	assert_false(c.realtime);
	assert_int_equal(c.rtprio, 5);
	assert_int_equal(c.memreserve_kb, 1000);
	assert_true(c.hbgen_time);
	assert_int_equal(c.hopfudge, 2);
	assert_int_equal(c.max_rexmit_delay_ms, 500);
	assert_true(c.msgfmt_netstring);
	assert_string_equal(c.compression, "bz2");
	assert_int_equal(c.compression_threshold_kb, 4);
	assert_true(c.traditional_compression);
	assert_true(c.uuid_from_name);
	assert_false(c.coredumps);
	assert_string_equal(c.coreroot, "/var/lib/heartbeat/cores");
	assert_int_equal(c.conn_logd_ms, 10000);
	assert_string_equal(c.env[0], "A=b=c");
	assert_string_equal(hb_conf_param(&c, "quorum_server"), "q1");
	hb_conf_free(&c);
}

#ifndef HB_TOP_SRCDIR
#define HB_TOP_SRCDIR "."
#endif

static char *slurp(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf = malloc(65536);

	snprintf(path, sizeof(path), "%s/%s", HB_TOP_SRCDIR, rel);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

/* The sample ha.cf shipped in ha.d/ is clean. */
static void test_shipped_sample(void **state)
{
	struct hb_conf c;
	struct hb_diag d;
	size_t len;
	char *buf = slurp("ha.d/ha.cf", &len);

	(void)state;
	hb_diag_init(&d);
	if (hb_conf_parse(&c, buf, len, "ha.d/ha.cf", &d) != 0 || d.n) {
		dump(&d);
		fail_msg("ha.d/ha.cf is not clean");
	}
	assert_int_equal(c.nnodes, 2);
	assert_string_equal(c.nodes[0], "alice");
	assert_string_equal(c.nodes[1], "bob");
	assert_int_equal(c.nmedia, 3);
	assert_int_equal(c.media[0].kind, HB_MEDIA_UCAST);
	assert_string_equal(c.media[0].addr, "10.78.0.1");
	assert_string_equal(c.media[1].addr, "10.78.0.2");
	assert_int_equal(c.media[2].kind, HB_MEDIA_SERIAL);
	assert_string_equal(c.media[2].dev, "/dev/ttyS1");
	assert_int_equal(c.auto_failback, HB_FAILBACK_OFF);
	assert_int_equal(hb_conf_check_local(&c, "alice", "ha.d/ha.cf", &d), 0);
	assert_int_equal(hb_conf_check_local(&c, "bob", "ha.d/ha.cf", &d), 0);
	hb_conf_free(&c);
	hb_diag_free(&d);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_measured_config),
		cmocka_unit_test(test_measured_timing_rules),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_time_syntax),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_structure_errors),
		cmocka_unit_test(test_pacemaker_refused),
		cmocka_unit_test(test_media),
		cmocka_unit_test(test_too_many_media),
		cmocka_unit_test(test_nodes_and_pings),
		cmocka_unit_test(test_whole_line_directives),
		cmocka_unit_test(test_lexical),
		cmocka_unit_test(test_failback_and_logging),
		cmocka_unit_test(test_shipped_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
