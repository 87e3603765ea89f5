/* Unit tests for the drbd.conf parser (daemon/dconf/parse.c, lex.c). */
#include "tests/unit/dconf_test.h"

#include <fnmatch.h>

#include "kmod/uapi/duet_genl.h"

static const struct dconf_host *host(const struct dconf_resource *r, const char *name)
{
	for (size_t i = 0; i < r->nhosts; i++)
		if (strcmp(r->hosts[i].name, name) == 0)
			return &r->hosts[i];
	return NULL;
}

/* The paper's figure 3 parses as is, with the odd meta-disk /dev/hda[5]. */
static void test_paper_figure3(void **state)
{
	struct dconf_config *cfg = parse_as("drbd.conf", PAPER_FIG3, "sslab1");
	const struct dconf_resource *r;
	const struct dconf_host *h1, *h2;

	(void)state;
	assert_no_diags(cfg);
	assert_int_equal(cfg->nres, 1);
	r = &cfg->res[0];
	assert_string_equal(r->name, "r0");
	assert_int_equal(r->nhosts, 2);
	h1 = host(r, "sslab1");
	h2 = host(r, "sslab2");
	assert_non_null(h1);
	assert_non_null(h2);
	assert_int_equal(h1->nvols, 1);
	assert_string_equal(h1->vols[0].device, "/dev/drbd0");
	assert_int_equal(h1->vols[0].minor, 0);
	assert_string_equal(h1->vols[0].disk, "/dev/hdc6");
	assert_int_equal(h1->vols[0].md_kind, DCONF_MD_INDEXED);
	assert_string_equal(h1->vols[0].meta_disk, "/dev/hdc5");
	assert_int_equal(h1->vols[0].meta_index, 0);
	assert_string_equal(h1->addr.ip, "192.168.0.10");
	assert_int_equal(h1->addr.port, 7788);
	assert_int_equal(h2->vols[0].md_kind, DCONF_MD_INDEXED);
	assert_string_equal(h2->vols[0].meta_disk, "/dev/hda");
	assert_int_equal(h2->vols[0].meta_index, 5);
	assert_string_equal(h2->vols[0].disk, "/dev/hda6");
	/* protocol C from common, usage-count from global */
	assert_int_equal(dconf_res_num(cfg, r, DCONF_O_PROTOCOL), DUET_PROT_C);
	assert_int_equal(dconf_res_opt(cfg, r, DCONF_O_PROTOCOL)->loc.line, 5);
	assert_int_equal(dconf_res_num(cfg, NULL, DCONF_O_USAGE_COUNT), 1);
	/* the local host is sslab1 */
	assert_ptr_equal(dconf_local_host(r), h1);
	assert_ptr_equal(dconf_peer_host(r), h2);
	dconf_config_free(cfg);
}

/* Volume statements at resource level apply to both hosts; "[0]" spaced. */
static void test_vm_bed_conf(void **state)
{
	struct dconf_config *cfg = parse_as("drbd.conf", VM_BED_CONF, "bob");
	const struct dconf_resource *r;

	(void)state;
	assert_no_diags(cfg);
	r = &cfg->res[0];
	for (size_t i = 0; i < 2; i++) {
		const struct dconf_volume *v = &r->hosts[i].vols[0];

		assert_int_equal(r->hosts[i].nvols, 1);
		assert_string_equal(v->device, "/dev/drbd0");
		assert_string_equal(v->disk, "/dev/vda");
		assert_string_equal(v->meta_disk, "/dev/vdb");
		assert_int_equal(v->meta_index, 0);
		assert_int_equal(v->md_loc.line, 7);
	}
	assert_string_equal(dconf_local_host(r)->name, "bob");
	assert_int_equal(dconf_res_opt(cfg, r, DCONF_O_PROTOCOL)->loc.line, 4);
	dconf_config_free(cfg);
}

static void test_meta_disk_forms(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource a {\n"
		" on x { device /dev/drbd1; disk /dev/sda1; meta-disk internal; address 10.0.0.1:7000; }\n"
		" on y { device /dev/drbd1; disk /dev/sda1; meta-disk /dev/sdb; address 10.0.0.2:7000; }\n"
		"}\n"
		"resource b {\n"
		" on x { device /dev/drbd2; disk /dev/sda2; meta-disk /dev/sdc [3]; address 10.0.0.1:7001; }\n"
		" on y { device /dev/drbd2; disk /dev/sda2; flexible-meta-disk /dev/sdd; address 10.0.0.2:7001; }\n"
		"}\n", "x");
	const struct dconf_resource *a, *b;

	(void)state;
	assert_no_diags(cfg);
	a = dconf_find_resource(cfg, "a");
	b = dconf_find_resource(cfg, "b");
	assert_int_equal(a->hosts[0].vols[0].md_kind, DCONF_MD_INTERNAL);
	assert_null(a->hosts[0].vols[0].meta_disk);
	assert_int_equal(a->hosts[1].vols[0].md_kind, DCONF_MD_FLEXIBLE);
	assert_string_equal(a->hosts[1].vols[0].meta_disk, "/dev/sdb");
	assert_int_equal(b->hosts[0].vols[0].md_kind, DCONF_MD_INDEXED);
	assert_int_equal(b->hosts[0].vols[0].meta_index, 3);
	assert_int_equal(b->hosts[1].vols[0].md_kind, DCONF_MD_FLEXIBLE);
	dconf_config_free(cfg);
}

static void test_device_forms(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource a {\n"
		" on x { device /dev/duet7; disk /dev/a; meta-disk internal; address 10.0.0.1:7000; }\n"
		" on y { device /dev/mirror minor 9; disk /dev/a; meta-disk internal; address 10.0.0.2:7000; }\n"
		"}\n"
		"resource b {\n"
		" on x { device minor 12; disk /dev/b; meta-disk internal; address 10.0.0.1:7001; }\n"
		" on y { device minor 12; disk /dev/b; meta-disk internal; address 10.0.0.2:7001; }\n"
		"}\n", "x");

	(void)state;
	assert_no_diags(cfg);
	assert_int_equal(cfg->res[0].hosts[0].vols[0].minor, 7);
	assert_string_equal(cfg->res[0].hosts[1].vols[0].device, "/dev/mirror");
	assert_int_equal(cfg->res[0].hosts[1].vols[0].minor, 9);
	assert_null(cfg->res[1].hosts[0].vols[0].device);
	assert_int_equal(cfg->res[1].hosts[0].vols[0].minor, 12);
	dconf_config_free(cfg);
}

static void test_addresses(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource a {\n"
		" on x { device minor 1; disk /dev/a; meta-disk internal; address ipv6 [fd00::1]:7788; }\n"
		" on y { device minor 1; disk /dev/a; meta-disk internal; address ipv6 [FD00:0::2]:7788; }\n"
		"}\n"
		"resource b {\n"
		" on x { device minor 2; disk /dev/b; meta-disk internal; address ipv4 10.1.2.3:1; }\n"
		" on y { device minor 2; disk /dev/b; meta-disk internal; address \"10.1.2.4:65535\"; }\n"
		"}\n", "y");
	const struct dconf_host *h;

	(void)state;
	assert_no_diags(cfg);
	h = &cfg->res[0].hosts[1];
	assert_int_equal(h->addr.af, DCONF_AF_IPV6);
	assert_string_equal(h->addr.ip, "fd00::2");	/* canonical */
	assert_int_equal(h->addr.bin[0], 0xfd);
	assert_int_equal(h->addr.bin[15], 2);
	h = &cfg->res[1].hosts[0];
	assert_int_equal(h->addr.af, DCONF_AF_IPV4);
	assert_memory_equal(h->addr.bin, "\x0a\x01\x02\x03", 4);
	assert_int_equal(cfg->res[1].hosts[1].addr.port, 65535);
	dconf_config_free(cfg);
}

static void test_bad_addresses(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource a {\n"
		" on x { address 10.0.0.1; }\n"
		"}\n", NULL);

	(void)state;
	assert_diag(cfg, "t.conf:2: address '10.0.0.1' has no port: write ADDRESS:PORT (e.g. 10.0.0.1:7788)");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf",
		"resource a {\n"
		" on x { address 10.0.0.300:7788; }\n"
		" on y { address fd00::1:7788; }\n"
		" on z { address sdp 10.0.0.1:7788; }\n"
		" on w { address 10.0.0.1:0; }\n"
		" on v { address ipv6 10.0.0.1:70; }\n"
		" on u { address ipv4 [10.0.0.1]:70; }\n"
		" on t { address [10.0.0.1]:70; }\n"
		"}\n", NULL);
	assert_diag(cfg, "t.conf:2: '10.0.0.300' is not an IPv4 address");
	assert_diag(cfg, "t.conf:3: IPv6 addresses are written in brackets: ipv6 [ADDRESS]:PORT");
	assert_diag(cfg, "t.conf:4: address family 'sdp' is not supported by duet (use ipv4 or ipv6)");
	assert_diag(cfg, "t.conf:5: bad port '0': expected 1..65535");
	assert_diag(cfg, "t.conf:6: IPv6 addresses are written in brackets: ipv6 [ADDRESS]:PORT");
	assert_diag(cfg, "t.conf:7: brackets are for IPv6 addresses; write 'ipv6 [10.0.0.1]:PORT' or an IPv4 address");
	assert_diag(cfg, "t.conf:8: '10.0.0.1' is not an IPv6 address");
	dconf_config_free(cfg);
}

/* common -> resource inheritance; the resource wins. */
static void test_inheritance(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"common {\n"
		"  net { ping-int 7; timeout 30; }\n"
		"  disk { resync-rate 10M; }\n"
		"}\n"
		"resource r {\n"
		"  net { timeout 40; }\n"
		"  on x { device minor 1; disk /dev/a; meta-disk internal; address 10.0.0.1:7000; }\n"
		"  on y { device minor 1; disk /dev/a; meta-disk internal; address 10.0.0.2:7000; }\n"
		"}\n", "x");
	const struct dconf_resource *r;

	(void)state;
	assert_no_diags(cfg);
	r = &cfg->res[0];
	assert_int_equal(dconf_res_num(cfg, r, DCONF_O_PING_INT), 7);
	assert_int_equal(dconf_res_opt(cfg, r, DCONF_O_PING_INT)->loc.line, 2);
	assert_int_equal(dconf_res_num(cfg, r, DCONF_O_TIMEOUT), 40);
	assert_int_equal(dconf_res_opt(cfg, r, DCONF_O_TIMEOUT)->loc.line, 6);
	assert_int_equal(dconf_res_num(cfg, r, DCONF_O_RESYNC_RATE), 10240);	/* KiB/s */
	assert_int_equal(dconf_res_num(cfg, r, DCONF_O_CONNECT_INT), 10);	/* default */
	assert_null(dconf_res_opt(cfg, r, DCONF_O_CONNECT_INT));
	assert_int_equal(dconf_res_num(cfg, r, DCONF_O_PROTOCOL), DUET_PROT_C);
	dconf_config_free(cfg);
}

/* protocol at resource level, in net, in common: all the same option. */
static void test_protocol_places(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r { protocol A; net { protocol B; } }\n", NULL);

	(void)state;
	assert_diag(cfg, "t.conf:1: 'protocol' is set twice (first at t.conf:1)");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "common { net { protocol B; } }\nresource r { }\n", NULL);
	assert_no_diags(cfg);
	assert_int_equal(dconf_res_num(cfg, &cfg->res[0], DCONF_O_PROTOCOL), DUET_PROT_B);
	dconf_config_free(cfg);
}

static void test_values(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"common {\n"
		"  net { sndbuf-size 512k; allow-two-primaries; always-asbp no; "
		"after-sb-1pri discard-secondary; cram-hmac-alg \"sha256\"; shared-secret \"a b\\\"c\"; }\n"
		"  disk { on-io-error pass_on; c-fill-target 1M; size 2G; no-disk-flushes; }\n"
		"  startup { wfc-timeout 120; become-primary-on both; }\n"
		"  handlers { fence-peer \"/usr/lib/duet/fence-peer.sh\"; outdate-peer /bin/true; }\n"
		"  options { cpu-mask 3,ff; }\n"
		"}\n", NULL);
	const struct dconf_optset *c = &cfg->common;

	(void)state;
	assert_diag(cfg, "t.conf:5: 'fence-peer' is set twice (first at t.conf:5)");
	assert_int_equal(c->v[DCONF_O_SNDBUF_SIZE].num, 512 * 1024);
	assert_int_equal(c->v[DCONF_O_ALLOW_TWO_PRIMARIES].num, 1);
	assert_int_equal(c->v[DCONF_O_ALWAYS_ASBP].num, 0);
	assert_true(c->v[DCONF_O_ALWAYS_ASBP].set);
	assert_int_equal(c->v[DCONF_O_AFTER_SB_1PRI].num, DUET_ASB_DISCARD_SECONDARY);
	assert_string_equal(c->v[DCONF_O_SHARED_SECRET].str, "a b\"c");
	assert_int_equal(c->v[DCONF_O_ON_IO_ERROR].num, DUET_IOERR_PASS_ON);
	assert_int_equal(c->v[DCONF_O_C_FILL_TARGET].num, 2048);	/* sectors */
	assert_int_equal(c->v[DCONF_O_SIZE].num, 4194304);
	assert_int_equal(c->v[DCONF_O_DISK_FLUSHES].num, 0);		/* 8.3 spelling */
	assert_string_equal(c->v[DCONF_O_BECOME_PRIMARY_ON].str, "both");
	assert_string_equal(c->v[DCONF_O_CPU_MASK].str, "3,ff");
	assert_string_equal(c->v[DCONF_O_H_FENCE_PEER].str, "/usr/lib/duet/fence-peer.sh");
	dconf_config_free(cfg);
}

/* DRBD 8.3's syncer section maps onto the 8.4 options. */
static void test_syncer_section(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"common { syncer { rate 33M; al-extents 257; after r1; verify-alg md5; } }\n",
		NULL);

	(void)state;
	assert_no_diags(cfg);
	assert_int_equal(cfg->common.v[DCONF_O_RESYNC_RATE].num, 33 * 1024);
	assert_int_equal(cfg->common.v[DCONF_O_AL_EXTENTS].num, 257);
	assert_string_equal(cfg->common.v[DCONF_O_RESYNC_AFTER].str, "r1");
	assert_string_equal(cfg->common.v[DCONF_O_VERIFY_ALG].str, "md5");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "common { syncer { resync-rate 3M; } }\n", NULL);
	assert_diag(cfg, "t.conf:1: 'resync-rate' is DRBD 8.4 syntax: write it in the disk section (a syncer section takes the 8.3 names)");
	dconf_config_free(cfg);
}

static void test_volumes(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r {\n"
		"  volume 0 { device minor 1; disk /dev/a; meta-disk internal; }\n"
		"  on x { address 10.0.0.1:7000; volume 1 { device minor 2; disk /dev/b; meta-disk internal; } }\n"
		"  on y { address 10.0.0.2:7000; volume 1 { device minor 2; disk /dev/c; meta-disk internal; } }\n"
		"}\n", "y");
	const struct dconf_host *y;

	(void)state;
	assert_no_diags(cfg);
	y = dconf_local_host(&cfg->res[0]);
	assert_int_equal(y->nvols, 2);
	assert_int_equal(y->vols[0].vnr, 1);
	assert_string_equal(y->vols[0].disk, "/dev/c");
	assert_int_equal(y->vols[1].vnr, 0);
	assert_string_equal(y->vols[1].disk, "/dev/a");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf",
		"resource r {\n"
		"  on x { device minor 1;\n"
		"    volume 0 { disk /dev/a; } }\n"
		"}\n", NULL);
	assert_diag(cfg, "t.conf:3: volume 0 is defined twice (first at t.conf:2)");
	dconf_config_free(cfg);
}

/* Disk options per host and per volume: volume, host, resource, common. */
static void test_host_volume_options(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"common { disk { resync-rate 1M; al-extents 500; } }\n"
		"resource r {\n"
		"  disk { al-extents 300; }\n"
		"  volume 1 { disk { c-max-rate 2G; } }\n"
		"  on x { address 10.0.0.1:7000; disk { resync-rate 5M; }\n"
		"    volume 0 { device minor 0; disk /dev/a; meta-disk internal; }\n"
		"    volume 1 { device minor 1; disk /dev/b; meta-disk internal; disk { c-max-rate 1G; } } }\n"
		"  on y { address 10.0.0.2:7000;\n"
		"    volume 0 { device minor 0; disk /dev/a; meta-disk internal; }\n"
		"    volume 1 { device minor 1; disk /dev/b; meta-disk internal; } }\n"
		"}\n", "x");
	const struct dconf_resource *r;
	const struct dconf_host *x, *y;

	(void)state;
	assert_no_diags(cfg);
	r = &cfg->res[0];
	x = dconf_local_host(r);
	y = dconf_peer_host(r);
	assert_int_equal(dconf_vol_num(cfg, r, x, &x->vols[0], DCONF_O_RESYNC_RATE), 5120);
	assert_int_equal(dconf_vol_num(cfg, r, y, &y->vols[0], DCONF_O_RESYNC_RATE), 1024);
	assert_int_equal(dconf_vol_num(cfg, r, x, &x->vols[0], DCONF_O_AL_EXTENTS), 300);
	assert_int_equal(dconf_vol_num(cfg, r, x, &x->vols[1], DCONF_O_C_MAX_RATE), 1024 * 1024);
	assert_int_equal(dconf_vol_num(cfg, r, y, &y->vols[1], DCONF_O_C_MAX_RATE), 2048 * 1024);
	assert_int_equal(dconf_vol_num(cfg, r, y, &y->vols[0], DCONF_O_C_MAX_RATE), 1048576);
	assert_int_equal(dconf_vol_opt(cfg, r, x, &x->vols[0], DCONF_O_RESYNC_RATE)->loc.line, 5);
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r { on x { net { timeout 5; } disk { protocol C; } } }\n", NULL);
	assert_diag(cfg, "t.conf:1: a 'net' section belongs in the resource or in common; a host section takes only disk options");
	assert_diag(cfg, "t.conf:1: 'protocol' is not valid in the disk section: it belongs in the net section");
	dconf_config_free(cfg);
}

/* Unknown keywords, with the nearest valid one, and where they belong. */
static void test_unknown_keywords(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"globl { }\n"
		"common { net { ping-timout 5; } }\n"
		"resource r {\n"
		"  disk { protocol C; }\n"
		"  on x { adress 10.0.0.1:7000; }\n"
		"  frobnicate 3;\n"
		"  ping-int 3;\n"
		"}\n", NULL);

	(void)state;
	assert_diag(cfg, "t.conf:1: unknown keyword 'globl' at the top level; did you mean 'global'?");
	assert_diag(cfg, "t.conf:2: unknown keyword 'ping-timout' in the net section; did you mean 'ping-timeout'?");
	assert_diag(cfg, "t.conf:4: 'protocol' is not valid in the disk section: it belongs in the net section");
	assert_diag(cfg, "t.conf:5: unknown keyword 'adress' in an 'on' section; did you mean 'address'?");
	assert_diag(cfg, "t.conf:6: unknown keyword 'frobnicate' in a resource");
	assert_diag(cfg, "t.conf:7: 'ping-int' is not valid in a resource: it belongs in the net section");
	assert_int_equal(cfg->nerrors, 6);
	dconf_config_free(cfg);
}

static void test_bad_values(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"global { usage-count maybe; minor-count 0; }\n"
		"common {\n"
		"  net { protocol D; max-buffers 16; sndbuf-size 11M; ping-int 2x; tcp-cork perhaps; }\n"
		"  disk { fencing sometimes; resync-rate 0; al-extents 1.5; }\n"
		"  net { shared-secret \"0123456789012345678901234567890123456789012345678901234567890123456789\"; }\n"
		"  options { cpu-mask zz; }\n"
		"}\n", NULL);

	(void)state;
	assert_diag(cfg, "t.conf:1: bad value for 'usage-count': 'maybe' is not one of: yes, no, ask");
	assert_diag(cfg, "t.conf:1: bad value for 'minor-count': 0 is out of range 1..255");
	assert_diag(cfg, "t.conf:3: bad value for 'protocol': 'D' is not one of: A, B, C");
	assert_diag(cfg, "t.conf:3: bad value for 'max-buffers': 16 is out of range 32..131072");
	assert_diag(cfg, "t.conf:3: bad value for 'sndbuf-size': 11M is out of range 0..10M (bytes)");
	assert_diag(cfg, "t.conf:3: bad value for 'ping-int': '2x' is not a number");
	assert_diag(cfg, "t.conf:3: bad value for 'tcp-cork': expected yes or no, not 'perhaps'");
	assert_diag(cfg, "t.conf:4: bad value for 'fencing': 'sometimes' is not one of: dont-care, resource-only, resource-and-stonith");
	assert_diag(cfg, "t.conf:4: bad value for 'resync-rate': 0 is out of range 1..4G (KiB/s)");
	assert_diag(cfg, "t.conf:4: bad value for 'al-extents': '1.5' is not a number");
	assert_diag(cfg, "t.conf:5: bad value for 'shared-secret': value is 70 characters long, at most 64 allowed");
	assert_diag(cfg, "t.conf:6: bad value for 'cpu-mask': 'zz' is not a hexadecimal CPU mask");
	dconf_config_free(cfg);
}

/* Structure errors name the line where the problem is. */
static void test_missing_semicolon(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r0 {\n"
		"  protocol C\n"
		"  on alice {\n", NULL);

	(void)state;
	assert_diag(cfg, "t.conf:2: missing ';' after 'C' (found 'on')");
	assert_int_equal(cfg->nerrors, 1);
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r0 {\n  on a {\n    disk /dev/x\n  }\n}\n", NULL);
	assert_diag(cfg, "t.conf:3: missing ';' after '/dev/x' (found '}')");
	dconf_config_free(cfg);
}

static void test_missing_brace(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r0 {\n"
		"  on alice {\n"
		"    device /dev/drbd0;\n"
		"\n"
		"  on bob {\n"
		"  }\n"
		"}\n", NULL);

	(void)state;
	assert_diag(cfg, "t.conf:5: missing '}' before 'on': 'on alice' (line 2) is not closed");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r0 {\n  net {\n    timeout 60;\n", NULL);
	assert_diag(cfg, "t.conf:2: 'net' section is not closed: missing '}' before the end of the file");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r0 {\n  net { }\n", NULL);
	assert_diag(cfg, "t.conf:1: resource 'r0' is not closed: missing '}' before the end of the file");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r0 {\n  net { timeout 1; }\nresource r1 { }\n", NULL);
	assert_diag(cfg, "t.conf:3: missing '}' before 'resource': resource 'r0' (line 1) is not closed");
	dconf_config_free(cfg);
}

static void test_duplicates(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"global { }\nglobal { }\ncommon { }\ncommon { }\n"
		"resource r { }\nresource r { }\n"
		"resource s { on a { } on a { } }\n", NULL);

	(void)state;
	assert_diag(cfg, "t.conf:2: second 'global' section (first at t.conf:1)");
	assert_diag(cfg, "t.conf:4: second 'common' section (first at t.conf:3)");
	assert_diag(cfg, "t.conf:6: resource 'r' is defined twice (first at t.conf:5)");
	assert_diag(cfg, "t.conf:7: host 'a' appears twice in resource 's' (first at t.conf:7)");
	dconf_config_free(cfg);
}

static void test_names(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource all { }\nresource \"a b\" { }\nresource r { on \"x;y\" { } }\n"
		"resource s { on a { device /dev/foo; disk relative; meta-disk internal[1]; } }\n",
		NULL);

	(void)state;
	assert_diag(cfg, "t.conf:1: 'all' cannot be a resource name: it means every resource on the command line");
	assert_diag(cfg, "t.conf:2: 'a b' is not a valid resource name (letters, digits, and / _ . -; at most 63)");
	assert_diag(cfg, "t.conf:3: 'x;y' is not a valid host name");
	assert_diag(cfg, "t.conf:4: cannot tell the minor number of '/dev/foo': write 'device /dev/foo minor N;'");
	assert_diag(cfg, "t.conf:4: disk 'relative' is not an absolute device path");
	assert_diag(cfg, "t.conf:4: 'meta-disk internal' takes no index");
	dconf_config_free(cfg);
}

static void test_lexical(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"# comment { } ;\n"
		"resource r { # comment\n"
		"  skip { anything \"}\" goes { nested } here; }\n"
		"  handlers { split-brain \"echo \\\"hi\\\" \\\\ there # not a comment\"; }\n"
		"}\n"
		"skip resource old { on x { } }\n", NULL);

	(void)state;
	assert_no_diags(cfg);
	assert_int_equal(cfg->nres, 1);
	assert_string_equal(cfg->res[0].opts.v[DCONF_O_H_SPLIT_BRAIN].str,
			    "echo \"hi\" \\ there # not a comment");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r {\n handlers { split-brain \"oops; }\n}\n", NULL);
	assert_diag(cfg, "t.conf:2: unterminated string: missing '\"' before the end of the line");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r {\n\n \x01 }\n", NULL);
	assert_diag(cfg, "t.conf:3: unexpected character 0x01");
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "resource r { handlers { split-brain \"a\tb\x02\"; } }", NULL);
	assert_diag(cfg, "t.conf:1: control character 0x02 inside a string");
	dconf_config_free(cfg);
}

/* A NUL byte is an error at its line, not the end of the text. */
static void test_nul_byte(void **state)
{
	static const char text[] = "resource r {\n\0 }\n";
	struct dconf_config *cfg = dconf_config_new();
	struct dconf_source src = { "t.conf", "t.conf", text, sizeof(text) - 1 };

	(void)state;
	dconf_parse(cfg, &src, NULL);
	assert_diag(cfg, "t.conf:2: unexpected character 0x00");
	dconf_config_free(cfg);
}

/* ---- includes through an in-memory file system ------------------------ */

struct memfile {
	const char *name, *text;
};

static const struct memfile *files;

static int mem_open(void *ctx, const char *pattern, const char *from,
		    struct dconf_source **srcs, size_t *n, char *err, size_t errlen)
{
	(void)ctx;
	(void)from;
	*srcs = calloc(8, sizeof(**srcs));
	*n = 0;
	for (const struct memfile *f = files; f->name; f++) {
		if (fnmatch(pattern, f->name, FNM_PATHNAME) == 0) {
			struct dconf_source *s = &(*srcs)[(*n)++];

			s->name = f->name;
			s->id = f->name;
			s->buf = f->text;
			s->len = strlen(f->text);
		}
	}
	if (*n == 0 && !strchr(pattern, '*')) {
		snprintf(err, errlen, "cannot read %s: No such file or directory", pattern);
		free(*srcs);
		return -1;
	}
	return 0;
}

static void mem_release(void *ctx, struct dconf_source *srcs, size_t n)
{
	(void)ctx;
	(void)n;
	free(srcs);
}

static struct dconf_config *parse_files(const struct memfile *fs)
{
	struct dconf_include_ops ops = { mem_open, mem_release, NULL };
	struct dconf_config *cfg = dconf_config_new();
	struct dconf_source src = { fs[0].name, fs[0].name, fs[0].text, strlen(fs[0].text) };

	files = fs;
	dconf_parse(cfg, &src, &ops);
	return cfg;
}

static void test_include(void **state)
{
	static const struct memfile fs[] = {
		{ "duet.conf", "include \"duet.d/global_common.conf\";\ninclude \"duet.d/*.res\";\n" },
		{ "duet.d/global_common.conf", "global { usage-count no; }\ncommon { protocol B; }\n" },
		{ "duet.d/a.res", "resource a { }\n" },
		{ "duet.d/b.res", "\n\nresource b { net { timout 3; } }\n" },
		{ NULL, NULL },
	};
	struct dconf_config *cfg = parse_files(fs);

	(void)state;
	assert_int_equal(cfg->nres, 2);
	assert_string_equal(cfg->res[1].name, "b");
	assert_string_equal(cfg->res[1].loc.file, "duet.d/b.res");
	assert_int_equal(cfg->res[1].loc.line, 3);
	assert_diag(cfg, "duet.d/b.res:3: unknown keyword 'timout' in the net section; did you mean 'timeout'?");
	assert_int_equal(dconf_res_num(cfg, &cfg->res[0], DCONF_O_PROTOCOL), DUET_PROT_B);
	dconf_config_free(cfg);
}

static void test_include_loop(void **state)
{
	static const struct memfile fs[] = {
		{ "a.conf", "resource a { }\ninclude \"b.conf\";\n" },
		{ "b.conf", "\ninclude \"a.conf\";\nresource b { }\n" },
		{ NULL, NULL },
	};
	static const struct memfile missing[] = {
		{ "a.conf", "include \"nope.conf\";\ninclude \"none.d/*\";\n" },
		{ NULL, NULL },
	};
	struct dconf_config *cfg = parse_files(fs);

	(void)state;
	assert_diag(cfg, "b.conf:2: include loop: a.conf is already being read");
	assert_int_equal(cfg->nres, 2);
	dconf_config_free(cfg);
	cfg = parse_files(missing);
	assert_diag(cfg, "a.conf:1: include \"nope.conf\": cannot read nope.conf: No such file or directory");
	assert_int_equal(cfg->nerrors, 1);	/* an empty glob is fine */
	dconf_config_free(cfg);
	cfg = parse_as("t.conf", "include \"x\";\n", NULL);
	assert_diag(cfg, "t.conf:1: 'include' is not available when parsing from memory");
	dconf_config_free(cfg);
}

/* Many errors: parsing goes on, then stops after DCONF_MAX_ERRORS. */
static void test_error_limit(void **state)
{
	char text[4096] = "common { net {\n";
	struct dconf_config *cfg;

	(void)state;
	for (int i = 0; i < 40; i++)
		strcat(text, "pingint 1;\n");
	strcat(text, "} }\n");
	cfg = parse_as("t.conf", text, NULL);
	assert_int_equal(cfg->ndiags, DCONF_MAX_ERRORS);
	assert_true(cfg->truncated);
	assert_diag_has(cfg, "too many errors");
	dconf_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paper_figure3),
		cmocka_unit_test(test_vm_bed_conf),
		cmocka_unit_test(test_meta_disk_forms),
		cmocka_unit_test(test_device_forms),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_inheritance),
		cmocka_unit_test(test_protocol_places),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_syncer_section),
		cmocka_unit_test(test_volumes),
		cmocka_unit_test(test_host_volume_options),
		cmocka_unit_test(test_unknown_keywords),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_missing_semicolon),
		cmocka_unit_test(test_missing_brace),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lexical),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_loop),
		cmocka_unit_test(test_error_limit),
	};

	return cmocka_run_group_tests_name("dconf_parse", tests, NULL, NULL);
}
