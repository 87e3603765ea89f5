/*
 * Unit tests for daemon/hb/hb_script.c: script lookup order, argv,
 * OCF_RESKEY_* of the agents 3.0.6's wrappers know, the HA_* environment
 * and ResourceManager's judgement of status output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_script.h"

static const struct hb_script_dirs DIRS = {
	.resource_d = "/t/rd", .init_d = "/t/init", .ocf_root = "/t/ocf",
};

/* the files that "exist", NULL-terminated */
static bool exists(const char *path, void *arg)
{
	for (const char *const *f = arg; *f; f++)
		if (strcmp(*f, path) == 0)
			return true;
	return false;
}

static struct hb_haresources HR;

static const struct hb_resource *res(const char *line, size_t i)
{
	struct hb_diag d;

	hb_haresources_free(&HR);
	memset(&HR, 0, sizeof(HR));
	hb_diag_init(&d);
	assert_int_equal(hb_haresources_parse(&HR, line, strlen(line), "haresources", &d), 0);
	hb_diag_free(&d);
	assert_true(i < HR.groups[0].nres);
	return &HR.groups[0].res[i];
}

static int teardown(void **state)
{
	(void)state;
	hb_haresources_free(&HR);
	memset(&HR, 0, sizeof(HR));
	return 0;
}

static const char *env(const struct hb_script_cmd *c, const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; c->envp[i]; i++)
		if (strncmp(c->envp[i], name, nl) == 0 && c->envp[i][nl] == '=')
			return c->envp[i] + nl + 1;
	return NULL;
}

static void test_lookup_order(void **state)
{
	const char *both[] = { "/t/rd/drbddisk", "/t/init/drbddisk", NULL };
	const char *init[] = { "/t/init/apache2", "/t/ocf/resource.d/heartbeat/apache2", NULL };
	struct hb_script_cmd c;
	char err[200];

	(void)state;
	assert_int_equal(hb_script_build(res("alice drbddisk::r0", 0), HB_SCRIPT_START,
					 &DIRS, exists, both, NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, HB_SCRIPT_HA);
	assert_string_equal(c.path, "/t/rd/drbddisk");
	assert_int_equal(c.argc, 3);
	assert_string_equal(c.argv[0], "/t/rd/drbddisk");
	assert_string_equal(c.argv[1], "r0");
	assert_string_equal(c.argv[2], "start");
	assert_null(c.argv[3]);
	hb_script_cmd_free(&c);

	assert_int_equal(hb_script_build(res("alice apache2", 0), HB_SCRIPT_STATUS,
					 &DIRS, exists, init, NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, HB_SCRIPT_INIT);
	assert_string_equal(c.path, "/t/init/apache2");
	assert_string_equal(c.argv[1], "status");
	assert_int_equal(c.argc, 2);
	hb_script_cmd_free(&c);

	const char *none[] = { NULL };

	assert_int_equal(hb_script_build(res("alice missing::x", 0), HB_SCRIPT_STOP,
					 &DIRS, exists, none, NULL, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no script missing"));
	assert_null(c.argv);
	/* a name with a slash never becomes a path */
	struct hb_resource evil = { .spec = "../../bin/sh", .name = "../../bin/sh" };

	assert_int_equal(hb_script_build(&evil, HB_SCRIPT_STOP,
					 &DIRS, exists, none, NULL, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad script name"));
}

static void test_bare_ip_and_wrapper(void **state)
{
	const char *rd[] = { "/t/rd/IPaddr", NULL };
	struct hb_script_cmd c;
	char err[200];

	(void)state;
	assert_int_equal(hb_script_build(res("alice 10.0.0.5/24/eth0 x", 0), HB_SCRIPT_STOP,
					 &DIRS, exists, rd, NULL, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, HB_SCRIPT_HA);
	assert_string_equal(c.argv[0], "/t/rd/IPaddr");
	assert_string_equal(c.argv[1], "10.0.0.5/24/eth0");
	assert_string_equal(c.argv[2], "stop");
	assert_null(env(&c, "OCF_RESKEY_ip"));	/* the wrapper does that */
	hb_script_cmd_free(&c);
}

static void test_ocf_ipaddr2(void **state)
{
	const char *ocf[] = { "/t/ocf/resource.d/heartbeat/IPaddr2", NULL };
	char *base[] = { "PATH=/usr/bin", "OCF_ROOT=/wrong", NULL };
	struct hb_script_cmd c;
	char err[200];

	(void)state;
	assert_int_equal(hb_script_build(res("alice IPaddr2::10.1.2.3/24/eth1:web/10.1.2.255", 0),
					 HB_SCRIPT_STATUS, &DIRS, exists, ocf, base, &c,
					 err, sizeof(err)), 0);
	assert_int_equal(c.kind, HB_SCRIPT_OCF);
	assert_int_equal(c.argc, 2);
	assert_string_equal(c.argv[1], "monitor");
	assert_string_equal(env(&c, "PATH"), "/usr/bin");
	assert_string_equal(env(&c, "OCF_ROOT"), "/t/ocf");
	assert_string_equal(env(&c, "OCF_RESKEY_ip"), "10.1.2.3");
	assert_string_equal(env(&c, "OCF_RESKEY_cidr_netmask"), "24");
	assert_string_equal(env(&c, "OCF_RESKEY_nic"), "eth1");
	assert_string_equal(env(&c, "OCF_RESKEY_iflabel"), "web");
	assert_string_equal(env(&c, "OCF_RESKEY_broadcast"), "10.1.2.255");
	assert_string_equal(env(&c, "OCF_RA_VERSION_MAJOR"), "1");
	assert_string_equal(env(&c, "OCF_RA_VERSION_MINOR"), "0");
	assert_string_equal(env(&c, "OCF_TYPE"), "IPaddr2");
	assert_string_equal(env(&c, "OCF_RESOURCE_INSTANCE"),
			    "IPaddr2_10.1.2.3/24/eth1:web/10.1.2.255");
	hb_script_cmd_free(&c);

	/* a bare IP with no IPaddr wrapper but the agent: same keys */
	const char *ocf1[] = { "/t/ocf/resource.d/heartbeat/IPaddr", NULL };

	assert_int_equal(hb_script_build(res("alice 10.9.9.9", 0), HB_SCRIPT_START, &DIRS,
					 exists, ocf1, NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(c.argv[1], "start");
	assert_string_equal(env(&c, "OCF_RESKEY_ip"), "10.9.9.9");
	assert_null(env(&c, "OCF_RESKEY_nic"));
	hb_script_cmd_free(&c);
}

static void test_ocf_filesystem_and_others(void **state)
{
	const char *ocf[] = { "/t/ocf/resource.d/heartbeat/Filesystem",
			      "/t/ocf/resource.d/heartbeat/apache", NULL };
	struct hb_script_cmd c;
	char err[200];

	(void)state;
	assert_int_equal(hb_script_build(res("alice Filesystem::/dev/drbd0::/drbd::ext4::noatime", 0),
					 HB_SCRIPT_STOP, &DIRS, exists, ocf, NULL, &c,
					 err, sizeof(err)), 0);
	assert_string_equal(c.argv[1], "stop");
	assert_string_equal(env(&c, "OCF_RESKEY_device"), "/dev/drbd0");
	assert_string_equal(env(&c, "OCF_RESKEY_directory"), "/drbd");
	assert_string_equal(env(&c, "OCF_RESKEY_fstype"), "ext4");
	assert_string_equal(env(&c, "OCF_RESKEY_options"), "noatime");
	hb_script_cmd_free(&c);

	assert_int_equal(hb_script_build(res("alice Filesystem::/dev/drbd0", 0),
					 HB_SCRIPT_STOP, &DIRS, exists, ocf, NULL, &c,
					 err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Filesystem takes"));

	assert_int_equal(hb_script_build(res("alice apache", 0), HB_SCRIPT_START, &DIRS,
					 exists, ocf, NULL, &c, err, sizeof(err)), 0);
	assert_string_equal(env(&c, "OCF_RESOURCE_INSTANCE"), "apache");
	hb_script_cmd_free(&c);
	assert_int_equal(hb_script_build(res("alice apache::/etc/apache.conf", 0), HB_SCRIPT_START,
					 &DIRS, exists, ocf, NULL, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "positional"));
}

static void test_env_build(void **state)
{
	static const char CF[] = "node alice bob\nkeepalive 200ms\ndeadtime 1\n"
				 "auto_failback on\nlogfile /var/log/ha-log\nucast eth0 10.0.0.2\n";
	struct hb_conf conf;
	struct hb_diag d;
	struct hb_msg m;
	char *extra[] = { "PATH=/sbin:/bin", "HA_CURHOST=overridden", NULL };
	struct hb_script_dirs dirs = { .resource_d = "/x/rd" };
	struct hb_script_envcfg ec = {
		.conf = &conf, .curhost = "alice", .nice_failback = true,
		.dontask = true, .ostatus = "dead", .msg = &m, .dirs = &dirs,
		.extra = extra,
	};
	struct hb_script_cmd c;

	(void)state;
	hb_diag_init(&d);
	assert_int_equal(hb_conf_parse(&conf, CF, strlen(CF), "ha.cf", &d), 0);
	hb_diag_free(&d);
	hb_msg_init(&m);
	hb_msg_add_str(&m, "t", "status");
	hb_msg_add_str(&m, "st", "dead");
	hb_msg_add_str(&m, "src", "bob");
	hb_msg_add_bin(&m, "srcuuid", "\x01\x02", 2);

	char **e = hb_script_env_build(&ec);

	assert_non_null(e);
	c.envp = e;
	assert_string_equal(env(&c, "PATH"), "/sbin:/bin");
	assert_string_equal(env(&c, "HA_CURHOST"), "alice");
	assert_string_equal(env(&c, "HA_keepalive"), "200ms");
	assert_string_equal(env(&c, "HA_auto_failback"), "on");
	assert_string_equal(env(&c, "HA_LOGFILE"), "/var/log/ha-log");
	assert_string_equal(env(&c, "HA_LOGD"), "no");
	assert_string_equal(env(&c, "HA_RESOURCEDIR"), "/x/rd");
	assert_string_equal(env(&c, "HA_DIR"), "/etc/ha.d");
	assert_string_equal(env(&c, "HA_FIFO"), "/var/lib/heartbeat/fifo");
	assert_string_equal(env(&c, "HA_DATEFMT"), "%Y/%m/%d_%T\t");
	assert_string_equal(env(&c, "HA_NICEFAILBACK"), "yes");
	assert_string_equal(env(&c, "HA_DONTASK"), "yes");
	assert_string_equal(env(&c, "HA_OSTATUS"), "dead");
	assert_string_equal(env(&c, "OCF_ROOT"), "/usr/lib/ocf");
	assert_string_equal(env(&c, "OCF_AGENTS"), "/usr/lib/ocf/resource.d/heartbeat/");
	assert_string_equal(env(&c, "HA_t"), "status");
	assert_string_equal(env(&c, "HA_st"), "dead");
	assert_string_equal(env(&c, "HA_src"), "bob");
	assert_null(env(&c, "HA_srcuuid"));	/* binary fields are left out */

	/* and it goes into a command */
	const char *rd[] = { "/x/rd/hbdummy", NULL };
	struct hb_script_cmd c2;
	char err[100];

	assert_int_equal(hb_script_build(res("alice hbdummy::r1", 0), HB_SCRIPT_START, &dirs,
					 exists, rd, e, &c2, err, sizeof(err)), 0);
	assert_string_equal(env(&c2, "HA_CURHOST"), "alice");
	size_t ne = 0;

	while (e[ne])
		ne++;
	assert_int_equal(c2.envc, ne);
	hb_script_cmd_free(&c2);
	hb_script_strv_free(e);
	hb_msg_free(&m);
	hb_conf_free(&conf);

	/* nothing at all */
	struct hb_script_envcfg empty = { 0 };

	e = hb_script_env_build(&empty);
	assert_non_null(e);
	c.envp = e;
	assert_null(env(&c, "HA_CURHOST"));
	assert_null(env(&c, "HA_NICEFAILBACK"));
	assert_non_null(env(&c, "HA_DIR"));
	hb_script_strv_free(e);
}

static enum hb_script_status judge(const char *out)
{
	return hb_script_judge(HB_SCRIPT_HA, 0, out, strlen(out));
}

static void test_judge(void **state)
{
	(void)state;
	assert_int_equal(judge("hbdummy r1 is running\n"), HB_STATUS_RUNNING);
	assert_int_equal(judge("Running\n"), HB_STATUS_RUNNING);
	assert_int_equal(judge("INFO: Running OK\n"), HB_STATUS_RUNNING);
	assert_int_equal(judge("OK"), HB_STATUS_RUNNING);
	assert_int_equal(judge("r1 is not running\n"), HB_STATUS_NOT_RUNNING);
	assert_int_equal(judge("NOT RUNNING"), HB_STATUS_NOT_RUNNING);
	assert_int_equal(judge("Not Running, but OK"), HB_STATUS_NOT_RUNNING);
	assert_int_equal(judge("INFO: Resource is stopped\n"), HB_STATUS_NOT_RUNNING);
	assert_int_equal(judge("apache2 is stopped"), HB_STATUS_NOT_RUNNING);
	assert_int_equal(judge(""), HB_STATUS_NOT_RUNNING);
	assert_int_equal(judge("ok"), HB_STATUS_NOT_RUNNING);	/* "OK" only */
	assert_int_equal(judge("notrunning"), HB_STATUS_RUNNING);	/* no space: "running" wins */
	/* the exit code is ignored */
	assert_int_equal(hb_script_judge(HB_SCRIPT_INIT, 3, "is running", 10), HB_STATUS_RUNNING);
	assert_int_equal(hb_script_judge(HB_SCRIPT_INIT, 0, "stopped", 7), HB_STATUS_NOT_RUNNING);
	assert_int_equal(hb_script_judge(HB_SCRIPT_HA, 0, NULL, 0), HB_STATUS_NOT_RUNNING);
	/* only the given length counts */
	assert_int_equal(hb_script_judge(HB_SCRIPT_HA, 0, "running", 3), HB_STATUS_NOT_RUNNING);
	/* OCF: the exit code only */
	assert_int_equal(hb_script_judge(HB_SCRIPT_OCF, 0, "", 0), HB_STATUS_RUNNING);
	assert_int_equal(hb_script_judge(HB_SCRIPT_OCF, 7, "running", 7), HB_STATUS_NOT_RUNNING);
	assert_int_equal(hb_script_judge(HB_SCRIPT_OCF, 1, "OK", 2), HB_STATUS_ERROR);
	assert_string_equal(hb_script_op_str(HB_SCRIPT_STATUS), "status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_lookup_order, teardown),
		cmocka_unit_test_teardown(test_bare_ip_and_wrapper, teardown),
		cmocka_unit_test_teardown(test_ocf_ipaddr2, teardown),
		cmocka_unit_test_teardown(test_ocf_filesystem_and_others, teardown),
		cmocka_unit_test_teardown(test_env_build, teardown),
		cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
