/* Unit tests for daemon/hb/hb_haresources.c (heartbeat.md §2.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_haresources.h"

static int parse(struct hb_haresources *h, struct hb_diag *d, const char *text)
{
	hb_diag_init(d);
	return hb_haresources_parse(h, text, strlen(text), "haresources", d);
}

static void expect_error(const char *text, const char *msg)
{
	struct hb_haresources h;
	struct hb_diag d;

	assert_int_equal(parse(&h, &d, text), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR), msg);
	hb_haresources_free(&h);
	hb_diag_free(&d);
}

static void assert_res(const struct hb_resource *r, const char *spec, const char *name,
		       size_t nargs, ...)
{
	va_list ap;

	assert_string_equal(r->spec, spec);
	assert_string_equal(r->name, name);
	assert_int_equal(r->nargs, nargs);
	va_start(ap, nargs);
	for (size_t i = 0; i < nargs; i++)
		assert_string_equal(r->args[i], va_arg(ap, const char *));
	va_end(ap);
}

/* The examples of heartbeat.md §2.1. */
static void test_doc_examples(void **state)
{
	struct hb_haresources h;
	struct hb_diag d;

	(void)state;
	assert_int_equal(parse(&h, &d,
		"alice 10.0.0.1 drbddisk::r0 Filesystem::/dev/drbd0::/data::ext3 apache\n"
		"nodea IPaddr2::192.168.1.10/24/eth0 Filesystem::/dev/drbd0::/drbd::ext3 mysql\n"), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(h.ngroups, 2);
	assert_string_equal(h.groups[0].node, "alice");
	assert_int_equal(h.groups[0].line, 1);
	assert_int_equal(h.groups[0].nres, 4);
	assert_res(&h.groups[0].res[0], "10.0.0.1", "IPaddr", 1, "10.0.0.1");
	assert_true(h.groups[0].res[0].implicit_ip);
	assert_res(&h.groups[0].res[1], "drbddisk::r0", "drbddisk", 1, "r0");
	assert_res(&h.groups[0].res[2], "Filesystem::/dev/drbd0::/data::ext3", "Filesystem", 3,
		   "/dev/drbd0", "/data", "ext3");
	assert_res(&h.groups[0].res[3], "apache", "apache", 0);
	assert_false(h.groups[0].res[3].implicit_ip);
	assert_res(&h.groups[1].res[0], "IPaddr2::192.168.1.10/24/eth0", "IPaddr2", 1,
		   "192.168.1.10/24/eth0");
	assert_false(h.groups[1].res[0].implicit_ip);
	/* the group key is the first resource as written */
	assert_ptr_equal(hb_haresources_find(&h, "10.0.0.1"), &h.groups[0]);
	assert_ptr_equal(hb_haresources_find(&h, "IPaddr2::192.168.1.10/24/eth0"), &h.groups[1]);
	assert_null(hb_haresources_find(&h, "apache"));
	hb_haresources_free(&h);
	hb_diag_free(&d);
}

/* The §11 measurements' file: the key appears as ipaddr=hbdummy::r1 on the wire. */
static void test_measured_file(void **state)
{
	struct hb_haresources h;
	struct hb_diag d;
	char *nodes[] = { "nodea", "nodeb" };

	(void)state;
	assert_int_equal(parse(&h, &d, "nodea hbdummy::r1 hbdummy::r2\n"), 0);
	assert_non_null(hb_haresources_find(&h, "hbdummy::r1"));
	assert_int_equal(hb_haresources_check_nodes(&h, nodes, 2, "haresources", &d), 0);
	assert_int_equal(hb_haresources_check_nodes(&h, nodes + 1, 1, "haresources", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR),
			    "haresources:1: Bad nodename in haresources [nodea]");
	hb_haresources_free(&h);
	hb_diag_free(&d);
}

static void test_continuations_comments_blanks(void **state)
{
	struct hb_haresources h;
	struct hb_diag d;

	(void)state;
	assert_int_equal(parse(&h, &d,
		"# the group of the paper\n"
		"\n"
		"   \t\n"
		"ALICE\tduetdisk::r0 \\\n"
		"      Filesystem::/dev/drbd0::/drbd::ext4\\\n"
		"      10.0.0.100   # the service address\n"
		"bob   web::a\\\n"
		"b\r\n"), 0);
	assert_int_equal(h.ngroups, 2);
	assert_string_equal(h.groups[0].node, "alice");
	assert_int_equal(h.groups[0].line, 4);
	assert_int_equal(h.groups[0].nres, 3);
	assert_res(&h.groups[0].res[1], "Filesystem::/dev/drbd0::/drbd::ext4", "Filesystem", 3,
		   "/dev/drbd0", "/drbd", "ext4");
	assert_res(&h.groups[0].res[2], "10.0.0.100", "IPaddr", 1, "10.0.0.100");
	/* a continuation joins without a blank, as ResourceManager's sed does */
	assert_int_equal(h.groups[1].line, 7);
	assert_res(&h.groups[1].res[0], "web::ab", "web", 1, "ab");
	/* a comment on a continued line is noted */
	assert_int_equal(d.nerr, 0);
	assert_int_equal(d.nwarn, 1);
	assert_string_equal(d.v[0].text, "haresources:6: comment in a continued line: "
			    "Heartbeat 3.0.6 would read it as resources");
	hb_haresources_free(&h);
	hb_diag_free(&d);

	/* a file ending in a continuation, without a newline */
	assert_int_equal(parse(&h, &d, "alice a \\"), 0);
	assert_int_equal(h.ngroups, 1);
	assert_int_equal(h.groups[0].nres, 1);
	hb_haresources_free(&h);
	hb_diag_free(&d);

	assert_int_equal(parse(&h, &d, ""), 0);
	assert_int_equal(h.ngroups, 0);
	hb_haresources_free(&h);
	hb_diag_free(&d);
}

static void test_ip_forms(void **state)
{
	struct hb_haresources h;
	struct hb_diag d;
	struct hb_ipaddr_arg a;

	(void)state;
	assert_true(hb_resource_looks_like_ip("10.0.0.5"));
	assert_true(hb_resource_looks_like_ip("10.0.0.5/24/eth0/10.0.0.255"));
	assert_true(hb_resource_looks_like_ip("1a.2.3.4"));	/* the shell pattern is loose */
	assert_false(hb_resource_looks_like_ip("10.0.0"));
	assert_false(hb_resource_looks_like_ip("IPaddr::10.0.0.5"));
	assert_false(hb_resource_looks_like_ip("a.1.2.3"));
	assert_false(hb_resource_looks_like_ip("1..2.3"));
	assert_false(hb_resource_looks_like_ip("1.2.3."));

	assert_int_equal(parse(&h, &d, "alice 10.0.0.5/24/eth0/10.0.0.255 10.0.0.6::x\n"), 0);
	assert_res(&h.groups[0].res[0], "10.0.0.5/24/eth0/10.0.0.255", "IPaddr", 1,
		   "10.0.0.5/24/eth0/10.0.0.255");
	assert_res(&h.groups[0].res[1], "10.0.0.6::x", "IPaddr", 2, "10.0.0.6", "x");
	hb_haresources_free(&h);
	hb_diag_free(&d);

	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.5", &a), 0);
	assert_string_equal(a.ip, "10.0.0.5");
	assert_string_equal(a.netmask, "");
	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.5/24/eth0:1/10.0.0.255", &a), 0);
	assert_string_equal(a.netmask, "24");
	assert_string_equal(a.nic, "eth0");
	assert_string_equal(a.label, "1");
	assert_string_equal(a.broadcast, "10.0.0.255");
	/* a numeric third part is the broadcast address */
	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.5/255.255.255.0/10.0.0.255", &a), 0);
	assert_string_equal(a.netmask, "255.255.255.0");
	assert_string_equal(a.nic, "");
	assert_string_equal(a.broadcast, "10.0.0.255");
	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.5/24/eth0", &a), 0);
	assert_string_equal(a.nic, "eth0");
	assert_string_equal(a.broadcast, "");
	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.256", &a), -1);
	assert_int_equal(hb_ipaddr_arg_parse("host", &a), -1);
	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.5/24/10.0.0.255/x", &a), -1);
	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.5/24/eth0/10.0.0.255/x", &a), -1);
	assert_int_equal(hb_ipaddr_arg_parse("10.0.0.5/24/averyveryverylongname0", &a), -1);
}

static void test_errors(void **state)
{
	struct hb_haresources h;
	struct hb_diag d;

	(void)state;
	expect_error("alice\n", "haresources:1: resource group for node [alice] has no resources");
	expect_error("alice a\nbob a b\n",
		     "haresources:2: group key [a] already used at line 1 (the first resource "
		     "of a line must be unique)");
	expect_error("alice ::x\n", "haresources:1: resource [::x] has no script name");
	expect_error("alice ../../bin/sh::x\n",
		     "haresources:1: invalid resource script name [../../bin/sh] in [../../bin/sh::x]");
	expect_error("alice ..\n", "haresources:1: invalid resource script name [..] in [..]");

	/* empty arguments are dropped with a warning */
	assert_int_equal(parse(&h, &d, "alice Filesystem::::/dev/x:: web::\n"), 0);
	assert_res(&h.groups[0].res[0], "Filesystem::::/dev/x::", "Filesystem", 1, "/dev/x");
	assert_res(&h.groups[0].res[1], "web::", "web", 0);
	assert_int_equal(d.nwarn, 2);
	assert_string_equal(d.v[0].text,
			    "haresources:1: empty argument in resource [Filesystem::::/dev/x::] ignored");
	hb_haresources_free(&h);
	hb_diag_free(&d);

	/* a single ':' stays in the argument */
	assert_int_equal(parse(&h, &d, "alice IPaddr2::10.0.0.1/24/eth0:0\n"), 0);
	assert_res(&h.groups[0].res[0], "IPaddr2::10.0.0.1/24/eth0:0", "IPaddr2", 1, "10.0.0.1/24/eth0:0");
	hb_haresources_free(&h);
	hb_diag_free(&d);

	static const char nul[] = "alice a\0b\nbob c\n";

	hb_diag_init(&d);
	assert_int_equal(hb_haresources_parse(&h, nul, sizeof(nul) - 1, "haresources", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR), "haresources:1: NUL byte in line");
	assert_int_equal(h.ngroups, 2);
	hb_haresources_free(&h);
	hb_diag_free(&d);

	char *big = malloc(70000);

	memset(big, 'x', 70000);
	memcpy(big, "alice ", 6);
	hb_diag_init(&d);
	assert_int_equal(hb_haresources_parse(&h, big, 70000, "haresources", &d), -1);
	assert_string_equal(hb_diag_first(&d, HB_SEV_ERR),
			    "haresources:1: line too long (more than 65536 bytes)");
	hb_haresources_free(&h);
	hb_diag_free(&d);
	free(big);
}

#ifndef HB_TOP_SRCDIR
#define HB_TOP_SRCDIR "."
#endif

static void test_shipped_sample(void **state)
{
	struct hb_haresources h;
	struct hb_diag d;
	char path[1024], buf[4096];
	char *nodes[] = { "alice", "bob" };
	size_t len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/ha.d/haresources", HB_TOP_SRCDIR);
	assert_non_null(f = fopen(path, "rb"));
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	hb_diag_init(&d);
	assert_int_equal(hb_haresources_parse(&h, buf, len, "haresources", &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(h.ngroups, 1);
	assert_string_equal(h.groups[0].node, "alice");
	assert_int_equal(h.groups[0].nres, 4);
	assert_res(&h.groups[0].res[0], "duetdisk::r0", "duetdisk", 1, "r0");
	assert_res(&h.groups[0].res[1], "Filesystem::/dev/drbd0::/drbd::ext4", "Filesystem", 3,
		   "/dev/drbd0", "/drbd", "ext4");
	assert_res(&h.groups[0].res[2], "10.0.0.100", "IPaddr", 1, "10.0.0.100");
	assert_int_equal(hb_haresources_check_nodes(&h, nodes, 2, "haresources", &d), 0);
	hb_haresources_free(&h);
	hb_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_examples),
		cmocka_unit_test(test_measured_file),
		cmocka_unit_test(test_continuations_comments_blanks),
		cmocka_unit_test(test_ip_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_shipped_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
