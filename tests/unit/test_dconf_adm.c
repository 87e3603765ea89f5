/*
 * Unit tests for what duetadm sends and prints: the plans per verb
 * (adm_plan.c), adjust's difference, the dry-run text (adm_req.c), the
 * schema (adm_schema.c) and the status printers (adm_status.c).
 */
#include "tests/unit/dconf_test.h"

#include <sys/socket.h>

#include "daemon/adm_plan.h"
#include "daemon/adm_status.h"
#include "kmod/core/state.h"
#include "kmod/uapi/duet_genl.h"

static const char two_vols[] =
	"common { net { protocol B; shared-secret \"hush\"; cram-hmac-alg sha1; } }\n"
	"resource r0 {\n"
	"  disk { resync-rate 40M; resync-after r1; }\n"
	"  options { cpu-mask 3; }\n"
	"  on alice { address 10.77.0.1:7788;\n"
	"    volume 1 { device /dev/drbd5; disk /dev/vdc; meta-disk internal; }\n"
	"    volume 0 { device /dev/drbd4; disk /dev/vda; meta-disk /dev/vdb[2]; } }\n"
	"  on bob { address 10.77.0.2:7788;\n"
	"    volume 0 { device /dev/drbd4; disk /dev/vda; meta-disk /dev/vdb[2]; }\n"
	"    volume 1 { device /dev/drbd5; disk /dev/vdc; meta-disk internal; } }\n"
	"}\n"
	"resource r1 {\n"
	"  on alice { device minor 9; disk /dev/vde; meta-disk /dev/vdf; address 10.77.0.1:7789; }\n"
	"  on bob { device minor 9; disk /dev/vde; meta-disk /dev/vdf; address 10.77.0.2:7789; }\n"
	"}\n";

static struct dconf_config *cfg;

static int setup(void **state)
{
	(void)state;
	cfg = parse_as("duet.conf", two_vols, "alice");
	return cfg->nerrors ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	dconf_config_free(cfg);
	return 0;
}

static int64_t num(const struct adm_msg *m, int set, int attr)
{
	const struct adm_attr *a = adm_find(adm_msg_find(m, set), attr);

	assert_non_null(a);
	return a->num;
}

static const char *str(const struct adm_msg *m, int set, int attr)
{
	const struct adm_attr *a = adm_find(adm_msg_find(m, set), attr);

	assert_non_null(a);
	return a->str;
}

static void test_up(void **state)
{
	struct adm_plan p = { 0 };
	const struct adm_attr *addr;

	(void)state;
	adm_plan_up(&p, cfg, &cfg->res[0], NULL);
	assert_int_equal(p.n, 6);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_NEW_RESOURCE);
	assert_string_equal(str(&p.msgs[0], DUET_A_CTX, DUET_CTX_A_RES_NAME), "r0");
	assert_string_equal(str(&p.msgs[0], DUET_A_RES_OPTS, DUET_RES_A_CPU_MASK), "3");
	/* minors in volume order */
	assert_int_equal(p.msgs[1].cmd, DUET_CMD_NEW_MINOR);
	assert_int_equal(num(&p.msgs[1], DUET_A_CTX, DUET_CTX_A_VOLUME), 0);
	assert_int_equal(num(&p.msgs[1], DUET_A_CTX, DUET_CTX_A_MINOR), 4);
	assert_string_equal(str(&p.msgs[1], DUET_A_DEVICE_CONF, DUET_DEV_A_PATH), "/dev/drbd4");
	assert_int_equal(num(&p.msgs[2], DUET_A_CTX, DUET_CTX_A_MINOR), 5);
	/* attach: indexed and internal meta-data */
	assert_int_equal(p.msgs[3].cmd, DUET_CMD_ATTACH);
	assert_string_equal(str(&p.msgs[3], DUET_A_DISK_CONF, DUET_DISK_A_BACKING_DEV), "/dev/vda");
	assert_string_equal(str(&p.msgs[3], DUET_A_DISK_CONF, DUET_DISK_A_META_DEV), "/dev/vdb");
	assert_int_equal(num(&p.msgs[3], DUET_A_DISK_CONF, DUET_DISK_A_META_IDX), 2);
	assert_int_equal(num(&p.msgs[3], DUET_A_DISK_CONF, DUET_DISK_A_RESYNC_RATE), 40960);
	assert_int_equal(num(&p.msgs[3], DUET_A_DISK_CONF, DUET_DISK_A_RESYNC_AFTER), 9);
	assert_int_equal(num(&p.msgs[3], DUET_A_DISK_CONF, DUET_DISK_A_AL_EXTENTS), 1237);
	assert_string_equal(str(&p.msgs[4], DUET_A_DISK_CONF, DUET_DISK_A_META_DEV), "/dev/vdc");
	assert_int_equal(num(&p.msgs[4], DUET_A_DISK_CONF, DUET_DISK_A_META_IDX),
			 DUET_MD_IDX_INTERNAL);
	/* connect: local and peer address, net options from common */
	assert_int_equal(p.msgs[5].cmd, DUET_CMD_CONNECT);
	addr = adm_find(adm_msg_find(&p.msgs[5], DUET_A_NET_CONF), DUET_NET_A_LOCAL_ADDR);
	assert_int_equal(adm_find(addr, DUET_ADDR_A_FAMILY)->num, AF_INET);
	assert_memory_equal(adm_find(addr, DUET_ADDR_A_IP)->bin, "\x0a\x4d\x00\x01", 4);
	assert_int_equal(adm_find(addr, DUET_ADDR_A_PORT)->num, 7788);
	addr = adm_find(adm_msg_find(&p.msgs[5], DUET_A_NET_CONF), DUET_NET_A_PEER_ADDR);
	assert_memory_equal(adm_find(addr, DUET_ADDR_A_IP)->bin, "\x0a\x4d\x00\x02", 4);
	assert_int_equal(num(&p.msgs[5], DUET_A_NET_CONF, DUET_NET_A_PROTOCOL), DUET_PROT_B);
	assert_string_equal(str(&p.msgs[5], DUET_A_NET_CONF, DUET_NET_A_SHARED_SECRET), "hush");
	assert_string_equal(str(&p.msgs[5], DUET_A_NET_CONF, DUET_NET_A_VERIFY_ALG), "");
	assert_null(adm_msg_find(&p.msgs[5], DUET_A_FLAGS));
	adm_plan_free(&p);
}

/* Disk options of a host or volume reach that volume's ATTACH only. */
static void test_volume_options(void **state)
{
	struct dconf_config *c2 = parse_as("t.conf",
		"resource r { disk { resync-rate 2M; }\n"
		"  on x { address 10.0.0.1:7000; disk { al-extents 100; }\n"
		"    volume 0 { device minor 0; disk /dev/a; meta-disk internal; disk { resync-rate 9M; } }\n"
		"    volume 1 { device minor 1; disk /dev/b; meta-disk internal; } }\n"
		"  on y { address 10.0.0.2:7000;\n"
		"    volume 0 { device minor 0; disk /dev/a; meta-disk internal; }\n"
		"    volume 1 { device minor 1; disk /dev/b; meta-disk internal; } } }\n", "x");
	struct adm_plan p = { 0 };

	(void)state;
	assert_int_equal(c2->nerrors, 0);
	adm_plan_attach(&p, c2, &c2->res[0]);
	assert_int_equal(p.n, 2);
	assert_int_equal(num(&p.msgs[0], DUET_A_DISK_CONF, DUET_DISK_A_RESYNC_RATE), 9216);
	assert_int_equal(num(&p.msgs[0], DUET_A_DISK_CONF, DUET_DISK_A_AL_EXTENTS), 100);
	assert_int_equal(num(&p.msgs[1], DUET_A_DISK_CONF, DUET_DISK_A_RESYNC_RATE), 2048);
	assert_int_equal(num(&p.msgs[1], DUET_A_DISK_CONF, DUET_DISK_A_AL_EXTENTS), 100);
	adm_plan_free(&p);
	dconf_config_free(c2);
}

static void test_simple_verbs(void **state)
{
	struct adm_plan p = { 0 };
	struct adm_flags force = { .force = true, .discard_my_data = true };

	(void)state;
	adm_plan_down(&p, &cfg->res[1]);
	adm_plan_primary(&p, &cfg->res[1], &force);
	adm_plan_secondary(&p, &cfg->res[1]);
	adm_plan_detach(&p, &cfg->res[0], &force);
	adm_plan_disconnect(&p, &cfg->res[1], NULL);
	adm_plan_connect(&p, cfg, &cfg->res[1], &force);
	adm_plan_get(&p, DUET_CMD_GET_STATUS, NULL);
	assert_int_equal(p.n, 8);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_DOWN);
	assert_int_equal(p.msgs[1].cmd, DUET_CMD_PRIMARY);
	assert_non_null(adm_find(adm_msg_find(&p.msgs[1], DUET_A_FLAGS), DUET_FLAG_A_FORCE));
	assert_int_equal(p.msgs[2].cmd, DUET_CMD_SECONDARY);
	assert_null(adm_msg_find(&p.msgs[2], DUET_A_FLAGS));
	assert_int_equal(p.msgs[3].cmd, DUET_CMD_DETACH);
	assert_int_equal(num(&p.msgs[3], DUET_A_CTX, DUET_CTX_A_MINOR), 4);
	assert_int_equal(num(&p.msgs[4], DUET_A_CTX, DUET_CTX_A_MINOR), 5);
	assert_int_equal(p.msgs[5].cmd, DUET_CMD_DISCONNECT);
	assert_null(adm_msg_find(&p.msgs[5], DUET_A_FLAGS));
	assert_non_null(adm_find(adm_msg_find(&p.msgs[6], DUET_A_FLAGS),
				 DUET_FLAG_A_DISCARD_MY_DATA));
	assert_int_equal(num(&p.msgs[6], DUET_A_NET_CONF, DUET_NET_A_PROTOCOL), DUET_PROT_B);
	assert_true(p.msgs[7].dump);
	assert_null(adm_msg_find(&p.msgs[7], DUET_A_CTX));
	adm_plan_free(&p);
}

/* Resync control goes per volume (minor), in volume order. */
static void test_resync_verbs(void **state)
{
	static const int cmds[] = {
		DUET_CMD_INVALIDATE, DUET_CMD_INVALIDATE_REMOTE, DUET_CMD_OUTDATE,
		DUET_CMD_PAUSE_SYNC, DUET_CMD_RESUME_SYNC, DUET_CMD_NEW_C_UUID,
	};
	struct adm_flags clear = { .clear_bitmap = true };
	struct adm_plan p = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		adm_plan_volumes(&p, cmds[i], &cfg->res[0], NULL);
		assert_int_equal(p.n, 2 * (i + 1));
		assert_int_equal(p.msgs[2 * i].cmd, cmds[i]);
		assert_int_equal(num(&p.msgs[2 * i], DUET_A_CTX, DUET_CTX_A_MINOR), 4);
		assert_int_equal(num(&p.msgs[2 * i + 1], DUET_A_CTX, DUET_CTX_A_MINOR), 5);
		assert_null(adm_find(adm_msg_find(&p.msgs[2 * i], DUET_A_CTX),
				     DUET_CTX_A_RES_NAME));
		assert_null(adm_msg_find(&p.msgs[2 * i], DUET_A_FLAGS));
	}
	adm_plan_free(&p);
	/* --clear-bitmap is a flag of NEW_C_UUID only */
	adm_plan_volumes(&p, DUET_CMD_NEW_C_UUID, &cfg->res[1], &clear);
	adm_plan_volumes(&p, DUET_CMD_INVALIDATE, &cfg->res[1], &clear);
	assert_int_equal(p.n, 2);
	assert_int_equal(num(&p.msgs[0], DUET_A_CTX, DUET_CTX_A_MINOR), 9);
	assert_non_null(adm_find(adm_msg_find(&p.msgs[0], DUET_A_FLAGS),
				 DUET_FLAG_A_CLEAR_BITMAP));
	assert_null(adm_msg_find(&p.msgs[1], DUET_A_FLAGS));
	adm_plan_free(&p);
}

/* net-options: the file's net options without addresses; peer-dead. */
static void test_net_options_peer_dead(void **state)
{
	struct adm_plan p = { 0 };
	const struct adm_attr *net;

	(void)state;
	adm_plan_net_options(&p, cfg, &cfg->res[0]);
	adm_plan_peer_dead(&p, &cfg->res[1]);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_NET_OPTS);
	assert_string_equal(str(&p.msgs[0], DUET_A_CTX, DUET_CTX_A_RES_NAME), "r0");
	net = adm_msg_find(&p.msgs[0], DUET_A_NET_CONF);
	assert_null(adm_find(net, DUET_NET_A_LOCAL_ADDR));
	assert_null(adm_find(net, DUET_NET_A_PEER_ADDR));
	assert_int_equal(num(&p.msgs[0], DUET_A_NET_CONF, DUET_NET_A_PROTOCOL), DUET_PROT_B);
	assert_int_equal(p.msgs[1].cmd, DUET_CMD_PEER_DEAD);
	assert_string_equal(str(&p.msgs[1], DUET_A_CTX, DUET_CTX_A_RES_NAME), "r1");
	assert_null(adm_msg_find(&p.msgs[1], DUET_A_NET_CONF));
	assert_non_null(strstr(p.msgs[1].comment, "bob is dead"));
	adm_plan_free(&p);
}

static void test_dry_run_text(void **state)
{
	struct adm_plan p = { 0 };
	struct dconf_sb sb = { 0 };

	(void)state;
	adm_plan_primary(&p, &cfg->res[0], &(struct adm_flags){ .force = true });
	adm_plan_connect(&p, cfg, &cfg->res[1], NULL);
	adm_plan_print(&p, &sb);
	assert_non_null(strstr(sb.buf,
		"# r0: promote (forced: local data counts as UpToDate)\n"
		"genl duet v1 PRIMARY\n"
		"  ctx.res-name = \"r0\"\n"
		"  flags.force = true\n"
		"\n"
		"# r1: connect to bob\n"
		"genl duet v1 CONNECT\n"
		"  ctx.res-name = \"r1\"\n"
		"  net-conf.local-addr.family = 2 (AF_INET)\n"
		"  net-conf.local-addr.ip = 10.77.0.1\n"
		"  net-conf.local-addr.port = 7789\n"));
	assert_non_null(strstr(sb.buf, "  net-conf.protocol = 2 (B)\n"));
	/* the secret is never printed */
	assert_non_null(strstr(sb.buf, "  net-conf.shared-secret = <secret, 4 characters>\n"));
	assert_null(strstr(sb.buf, "hush"));
	assert_non_null(strstr(sb.buf, "  net-conf.tcp-cork = 1 (yes)\n"));
	dconf_sb_free(&sb);
	adm_plan_free(&p);
}

/* ---- adjust ----------------------------------------------------------- */

/* What the kernel would report for r0 if it ran exactly the config. */
static void running_from_up(struct adm_plan *run, const struct dconf_resource *r)
{
	struct adm_plan up = { 0 };

	adm_plan_up(&up, cfg, r, NULL);
	/* one GET_CONFIG reply per minor: ctx, res opts, disk conf, net conf */
	for (size_t i = 0; i < up.n; i++) {
		const struct adm_msg *m = &up.msgs[i];
		struct adm_msg *rep;

		if (m->cmd != DUET_CMD_NEW_MINOR)
			continue;
		rep = adm_plan_add(run, DUET_CMD_GET_CONFIG, NULL);
		adm_attr_copy(adm_msg_nest(rep, DUET_A_CTX), adm_msg_find(m, DUET_A_CTX));
		adm_attr_copy(adm_msg_nest(rep, DUET_A_RES_OPTS),
			      adm_msg_find(&up.msgs[0], DUET_A_RES_OPTS));
		for (size_t k = 0; k < up.n; k++)
			if (up.msgs[k].cmd == DUET_CMD_ATTACH &&
			    adm_find(adm_msg_find(&up.msgs[k], DUET_A_CTX), DUET_CTX_A_MINOR)->num ==
			    adm_find(adm_msg_find(m, DUET_A_CTX), DUET_CTX_A_MINOR)->num)
				adm_attr_copy(adm_msg_nest(rep, DUET_A_DISK_CONF),
					      adm_msg_find(&up.msgs[k], DUET_A_DISK_CONF));
		adm_attr_copy(adm_msg_nest(rep, DUET_A_NET_CONF),
			      adm_msg_find(&up.msgs[up.n - 1], DUET_A_NET_CONF));
	}
	adm_plan_free(&up);
}

static void test_adjust_nothing_running(void **state)
{
	struct adm_plan p = { 0 };

	(void)state;
	adm_plan_adjust(&p, cfg, &cfg->res[0], NULL, 0, NULL);
	assert_int_equal(p.n, 6);	/* the same as up */
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_NEW_RESOURCE);
	adm_plan_free(&p);
}

static void test_adjust_in_sync(void **state)
{
	struct adm_plan run = { 0 }, p = { 0 };

	(void)state;
	running_from_up(&run, &cfg->res[0]);
	assert_int_equal(run.n, 2);
	adm_plan_adjust(&p, cfg, &cfg->res[0], run.msgs, run.n, NULL);
	assert_int_equal(p.n, 0);
	adm_plan_free(&run);
}

static struct adm_attr *run_nest(struct adm_plan *run, size_t i, int set)
{
	return adm_msg_nest(&run->msgs[i], set);
}

static void test_adjust_differences(void **state)
{
	struct adm_plan run = { 0 }, p = { 0 };

	(void)state;
	running_from_up(&run, &cfg->res[0]);
	/* kernel: different resync rate on volume 1, other peer port, no cpu mask */
	adm_put_num(run_nest(&run, 1, DUET_A_DISK_CONF), DUET_DISK_A_RESYNC_RATE, 250);
	adm_put_num(adm_nest(run_nest(&run, 0, DUET_A_NET_CONF), DUET_NET_A_PEER_ADDR),
		    DUET_ADDR_A_PORT, 7000);
	adm_put_num(adm_nest(run_nest(&run, 1, DUET_A_NET_CONF), DUET_NET_A_PEER_ADDR),
		    DUET_ADDR_A_PORT, 7000);
	adm_put_str(run_nest(&run, 0, DUET_A_RES_OPTS), DUET_RES_A_CPU_MASK, "");
	adm_plan_adjust(&p, cfg, &cfg->res[0], run.msgs, run.n, NULL);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_RES_OPTS);
	assert_int_equal(p.msgs[1].cmd, DUET_CMD_DISK_OPTS);
	assert_int_equal(num(&p.msgs[1], DUET_A_CTX, DUET_CTX_A_MINOR), 5);
	assert_null(adm_find(adm_msg_find(&p.msgs[1], DUET_A_DISK_CONF), DUET_DISK_A_BACKING_DEV));
	assert_int_equal(p.msgs[2].cmd, DUET_CMD_DISCONNECT);
	assert_int_equal(p.msgs[3].cmd, DUET_CMD_CONNECT);
	adm_plan_free(&p);
	adm_plan_free(&run);
}

static void test_adjust_disks(void **state)
{
	struct adm_plan run = { 0 }, p = { 0 };
	struct adm_msg *extra;

	(void)state;
	running_from_up(&run, &cfg->res[0]);
	/* volume 0 runs on another disk; volume 1 is diskless; a volume 7 the file lacks;
	 * the network options differ, the addresses do not */
	adm_put_str(run_nest(&run, 0, DUET_A_DISK_CONF), DUET_DISK_A_BACKING_DEV, "/dev/old");
	adm_msg_free(&run.msgs[1]);
	adm_msg_init(&run.msgs[1], DUET_CMD_GET_CONFIG);
	adm_put_str(run_nest(&run, 1, DUET_A_CTX), DUET_CTX_A_RES_NAME, "r0");
	adm_put_num(run_nest(&run, 1, DUET_A_CTX), DUET_CTX_A_VOLUME, 1);
	adm_put_num(run_nest(&run, 1, DUET_A_CTX), DUET_CTX_A_MINOR, 5);
	extra = adm_plan_add(&run, DUET_CMD_GET_CONFIG, NULL);
	adm_put_str(adm_msg_nest(extra, DUET_A_CTX), DUET_CTX_A_RES_NAME, "r0");
	adm_put_num(adm_msg_nest(extra, DUET_A_CTX), DUET_CTX_A_VOLUME, 7);
	adm_put_num(adm_msg_nest(extra, DUET_A_CTX), DUET_CTX_A_MINOR, 77);
	adm_put_num(run_nest(&run, 0, DUET_A_NET_CONF), DUET_NET_A_PING_INT, 3);
	adm_plan_adjust(&p, cfg, &cfg->res[0], run.msgs, run.n, NULL);
	assert_int_equal(p.n, 5);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_DEL_MINOR);	/* volume 7 */
	assert_int_equal(num(&p.msgs[0], DUET_A_CTX, DUET_CTX_A_MINOR), 77);
	assert_int_equal(p.msgs[1].cmd, DUET_CMD_DETACH);	/* wrong disk */
	assert_int_equal(p.msgs[2].cmd, DUET_CMD_ATTACH);
	assert_int_equal(num(&p.msgs[2], DUET_A_CTX, DUET_CTX_A_MINOR), 4);
	assert_int_equal(p.msgs[3].cmd, DUET_CMD_ATTACH);	/* diskless */
	assert_int_equal(num(&p.msgs[3], DUET_A_CTX, DUET_CTX_A_MINOR), 5);
	assert_int_equal(p.msgs[4].cmd, DUET_CMD_NET_OPTS);
	assert_null(adm_find(adm_msg_find(&p.msgs[4], DUET_A_NET_CONF), DUET_NET_A_LOCAL_ADDR));
	assert_int_equal(num(&p.msgs[4], DUET_A_NET_CONF, DUET_NET_A_PING_INT), 1);
	adm_plan_free(&p);
	adm_plan_free(&run);
}

/*
 * What this duet.ko answers: no NET_CONF (it keeps no network
 * configuration), one disk option changed, then a reply with a minor
 * but no volume and a disk without its meta index: no crash, only the
 * connect, the DISK_OPTS, then a re-attach.
 */
static void hide(struct adm_attr *n, int type)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i]->type == type)
			n->kids[i]->type = 1000;	/* in no attribute set */
}

static void test_adjust_module_reply(void **state)
{
	struct adm_plan run = { 0 }, p = { 0 };
	struct adm_attr *d;

	(void)state;
	running_from_up(&run, &cfg->res[0]);
	for (size_t i = 0; i < run.n; i++)
		hide(&run.msgs[i].top, DUET_A_NET_CONF);
	adm_plan_adjust(&p, cfg, &cfg->res[0], run.msgs, run.n, NULL);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_CONNECT);
	adm_plan_free(&p);

	d = run_nest(&run, 0, DUET_A_DISK_CONF);
	adm_put_num(d, DUET_DISK_A_ON_IO_ERROR,
		    (num(&run.msgs[0], DUET_A_DISK_CONF, DUET_DISK_A_ON_IO_ERROR) + 1) % 3);
	adm_plan_adjust(&p, cfg, &cfg->res[0], run.msgs, run.n, NULL);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_DISK_OPTS);
	assert_int_equal(num(&p.msgs[0], DUET_A_CTX, DUET_CTX_A_MINOR), 4);
	assert_null(adm_find(adm_msg_find(&p.msgs[0], DUET_A_DISK_CONF),
			     DUET_DISK_A_BACKING_DEV));
	adm_plan_free(&p);

	hide(d, DUET_DISK_A_META_IDX);
	hide(run_nest(&run, 1, DUET_A_CTX), DUET_CTX_A_VOLUME);
	adm_plan_adjust(&p, cfg, &cfg->res[0], run.msgs, run.n, NULL);
	assert_int_equal(p.n, 5);
	assert_int_equal(p.msgs[0].cmd, DUET_CMD_DETACH);
	assert_int_equal(p.msgs[1].cmd, DUET_CMD_ATTACH);
	assert_int_equal(p.msgs[2].cmd, DUET_CMD_NEW_MINOR);	/* no volume: unknown */
	adm_plan_free(&p);
	adm_plan_free(&run);
}

/* ---- status printers -------------------------------------------------- */

static void status_msg(struct adm_plan *s, const char *res, int vol, int minor,
		       int role, int peer, int conn, int disk, int pdisk)
{
	struct adm_msg *m = adm_plan_add(s, DUET_CMD_GET_STATUS, NULL);
	struct adm_attr *c = adm_msg_nest(m, DUET_A_CTX);
	struct adm_attr *st;

	adm_put_str(c, DUET_CTX_A_RES_NAME, res);
	adm_put_num(c, DUET_CTX_A_VOLUME, vol);
	adm_put_num(c, DUET_CTX_A_MINOR, minor);
	st = adm_msg_nest(m, DUET_A_STATE);
	adm_put_num(st, DUET_STATE_A_ROLE, role);
	adm_put_num(st, DUET_STATE_A_PEER_ROLE, peer);
	adm_put_num(st, DUET_STATE_A_CONN, conn);
	adm_put_num(st, DUET_STATE_A_DISK, disk);
	adm_put_num(st, DUET_STATE_A_PEER_DISK, pdisk);
}

static void test_status(void **state)
{
	struct adm_plan s = { 0 };
	struct dconf_sb sb = { 0 };
	struct adm_attr *st;
	const char *names[] = { "r0", "r1", "r2" };

	(void)state;
	status_msg(&s, "r0", 1, 5, DUET_ROLE_PRIMARY, DUET_ROLE_SECONDARY,
		   DUET_C_SYNC_SOURCE, DUET_D_UP_TO_DATE, DUET_D_INCONSISTENT);
	st = adm_msg_nest(&s.msgs[0], DUET_A_STATS);
	adm_put_num(st, DUET_STATS_A_RS_TOTAL, 1000);
	adm_put_num(st, DUET_STATS_A_RS_LEFT, 665);
	adm_put_num(st, DUET_STATS_A_NS, 12345);
	status_msg(&s, "r0", 0, 4, DUET_ROLE_PRIMARY, DUET_ROLE_SECONDARY,
		   DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE);
	status_msg(&s, "r1", 0, 9, DUET_ROLE_SECONDARY, DUET_ROLE_UNKNOWN,
		   DUET_C_WF_CONNECTION, DUET_D_OUTDATED, DUET_D_UNKNOWN);

	adm_print_role(&sb, s.msgs, s.n, "r0");
	adm_print_cstate(&sb, s.msgs, s.n, "r0");
	adm_print_dstate(&sb, s.msgs, s.n, "r0");
	adm_print_role(&sb, s.msgs, s.n, "r2");
	assert_string_equal(sb.buf,
		"Primary/Secondary\n"
		"Connected\nSyncSource\n"
		"UpToDate/UpToDate\nUpToDate/Inconsistent\n"
		"Unconfigured\n");
	dconf_sb_free(&sb);

	adm_print_status(&sb, s.msgs, s.n, "r0", false);
	adm_print_status(&sb, s.msgs, s.n, "r1", false);
	adm_print_status(&sb, s.msgs, s.n, "r2", false);
	assert_string_equal(sb.buf,
		"r0 role:Primary\n"
		"  volume:0 minor:4 disk:UpToDate\n"
		"  volume:1 minor:5 disk:UpToDate\n"
		"  peer role:Secondary connection:Connected\n"
		"    volume:0 replication:Established peer-disk:UpToDate\n"
		"    volume:1 replication:SyncSource peer-disk:Inconsistent done:33.5\n"
		"r1 role:Secondary\n"
		"  volume:0 minor:9 disk:Outdated\n"
		"  peer role:Unknown connection:WFConnection\n"
		"r2 role:Unconfigured\n");
	dconf_sb_free(&sb);

	adm_print_status(&sb, s.msgs, s.n, "r0", true);
	assert_non_null(strstr(sb.buf, "  volume:1 minor:5 disk:UpToDate ns:12345 nr:0 dw:0"));
	dconf_sb_free(&sb);

	adm_print_status_json(&sb, s.msgs, s.n, names, 3);
	assert_non_null(strstr(sb.buf, "{\"resources\":[{\"name\":\"r0\",\"configured\":true,"
				       "\"role\":\"Primary\",\"peer-role\":\"Secondary\",\"volumes\":["
				       "{\"volume\":0,\"minor\":4,\"connection\":\"Connected\","));
	assert_non_null(strstr(sb.buf, "\"resync\":{\"total-kib\":1000,\"left-kib\":665,\"done\":33.5,"));
	assert_non_null(strstr(sb.buf, "{\"name\":\"r2\",\"configured\":false}]}\n"));
	dconf_sb_free(&sb);

	adm_print_event(&sb, &s.msgs[2]);
	assert_string_equal(sb.buf,
		"exists resource:r1 volume:0 minor:9 role:Secondary peer-role:Unknown "
		"connection:WFConnection disk:Outdated peer-disk:DUnknown\n");
	dconf_sb_free(&sb);
	adm_plan_free(&s);
}

static void test_schema(void **state)
{
	(void)state;
	assert_string_equal(adm_cmd_name(DUET_CMD_ATTACH), "ATTACH");
	assert_string_equal(adm_cmd_name(DUET_CMD_PEER_DEAD), "PEER_DEAD");
	assert_string_equal(adm_cmd_name(DUET_CMD_NEW_C_UUID), "NEW_C_UUID");
	assert_null(adm_cmd_name(0));
	assert_null(adm_cmd_name(DUET_CMD_MAX + 1));
	assert_string_equal(adm_set_of(DUET_A_DISK_CONF)->name, "disk-conf");
	assert_null(adm_attrdef(adm_set_of(DUET_A_DISK_CONF), DUET_DISK_A_MAX + 1));
	assert_null(adm_attrdef(adm_set_of(DUET_A_DISK_CONF), 0));
	assert_string_equal(adm_retcode_str(DUET_RET_NEED_UP_TO_DATE), "need access to UpToDate data");
	assert_null(adm_retcode_str(__DUET_RET_MAX));
	/* every option that reaches the kernel names an attribute of its set */
	for (int i = 0; i < DCONF_O_NR; i++) {
		const struct dconf_optdef *d = &dconf_optdefs[i];

		if (!d->nl_set)
			continue;
		assert_non_null(adm_attrdef(adm_set_of(d->nl_set), d->nl_attr));
		assert_string_equal(adm_attrdef(adm_set_of(d->nl_set), d->nl_attr)->name,
				    d->name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up),
		cmocka_unit_test(test_volume_options),
		cmocka_unit_test(test_simple_verbs),
		cmocka_unit_test(test_resync_verbs),
		cmocka_unit_test(test_net_options_peer_dead),
		cmocka_unit_test(test_dry_run_text),
		cmocka_unit_test(test_adjust_nothing_running),
		cmocka_unit_test(test_adjust_in_sync),
		cmocka_unit_test(test_adjust_differences),
		cmocka_unit_test(test_adjust_disks),
		cmocka_unit_test(test_adjust_module_reply),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_schema),
	};

	return cmocka_run_group_tests_name("dconf_adm", tests, setup, teardown);
}
