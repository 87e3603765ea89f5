/*
 * Tests for daemon/duetd/dd_rsc.c with real shell scripts in a temporary
 * resource.d: order of starts and stops, status skipping, failures, stop
 * retries, timeouts, stdout/stderr handling, environment, busy groups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "daemon/duetd/dd_rsc.h"

static const char SCRIPT[] =
	"#!/bin/sh\n"
	"n=$1; op=$2; d=$DD_TEST_DIR\n"
	"echo \"$n $op${HA_extra:+ $HA_extra}\" >> $d/log\n"
	"case $op in\n"
	"start)\n"
	"  [ -f $d/sleep.$n ] && sleep 10\n"
	"  if [ -f $d/failstart.$n ]; then echo \"cannot start $n\" >&2; exit 1; fi\n"
	"  touch $d/run.$n ;;\n"
	"stop)\n"
	"  if [ -f $d/stuck.$n ]; then echo \"$n will not stop\" >&2; exit 1; fi\n"
	"  if [ -f $d/liar.$n ]; then rm -f $d/run.$n; exit 1; fi\n"
	"  if [ -f $d/failstop.$n ]; then c=$(cat $d/failstop.$n)\n"
	"    if [ \"$c\" -gt 0 ]; then echo $((c-1)) > $d/failstop.$n; exit 1; fi; fi\n"
	"  rm -f $d/run.$n ;;\n"
	"status)\n"
	"  if [ -f $d/run.$n ]; then echo \"$n is running\"; else echo \"$n is not running\"; fi ;;\n"
	"esac\n"
	"exit 0\n";

static const char HARES[] =
	"alice dummy::a1 dummy::a2 dummy::a3\n"
	"bob dummy::b1 nosuchscript\n";

static char dir[256], rdir[300];
static struct hb_haresources HR;
static GMainContext *ctx;
static struct dd_rsc *D;
static GString *logbuf;
static int ndone;
static size_t done_group;
static enum hb_rsc_op done_op;
static bool done_ok;

static void on_done(size_t group, enum hb_rsc_op op, bool ok, void *arg)
{
	(void)arg;
	ndone++;
	done_group = group;
	done_op = op;
	done_ok = ok;
}

static void on_log(int prio, const char *text, void *arg)
{
	(void)arg;
	g_string_append_printf(logbuf, "%d %s\n", prio, text);
	if (getenv("DD_RSC_VERBOSE"))
		printf("LOG %d %s\n", prio, text);
}

static void put(const char *name, const char *text)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_true(g_file_set_contents(p, text, -1, NULL));
}

static bool has(const char *name)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static char *slurp(const char *name)
{
	char p[400], *s = NULL;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (!g_file_get_contents(p, &s, NULL, NULL))
		return g_strdup("");
	return s;
}

static void make(unsigned timeout_ms)
{
	char envdir[400];
	char *env[] = { envdir, NULL };	/* dd_rsc adds a PATH */
	struct dd_rsc_cfg cfg = {
		.ctx = ctx, .hr = &HR,
		.dirs = { .resource_d = rdir, .init_d = "/nonexistent/init.d",
			  .ocf_root = "/nonexistent/ocf" },
		.env = env, .timeout_ms = timeout_ms, .stop_retries = 3,
		.stop_retry_ms = 20, .done = on_done, .log = on_log,
	};

	snprintf(envdir, sizeof(envdir), "DD_TEST_DIR=%s", dir);
	D = dd_rsc_new(&cfg);
	assert_non_null(D);
}

static int setup(void **state)
{
	struct hb_diag d;
	char p[400];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/dd_rsc.XXXXXX", g_get_tmp_dir());
	assert_non_null(g_mkdtemp(dir));
	snprintf(rdir, sizeof(rdir), "%s/resource.d", dir);
	assert_int_equal(g_mkdir(rdir, 0755), 0);
	snprintf(p, sizeof(p), "%s/dummy", rdir);
	assert_true(g_file_set_contents(p, SCRIPT, -1, NULL));
	assert_int_equal(chmod(p, 0755), 0);
	memset(&HR, 0, sizeof(HR));
	hb_diag_init(&d);
	assert_int_equal(hb_haresources_parse(&HR, HARES, strlen(HARES), "haresources", &d), 0);
	hb_diag_free(&d);
	ctx = g_main_context_new();
	logbuf = g_string_new(NULL);
	ndone = 0;
	make(5000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dd_rsc_free(D);
	D = NULL;
	g_main_context_unref(ctx);
	g_string_free(logbuf, TRUE);
	hb_haresources_free(&HR);
	/* remove the temporary tree */
	GDir *gd;
	const char *n;
	char p[600];

	if ((gd = g_dir_open(rdir, 0, NULL))) {
		while ((n = g_dir_read_name(gd))) {
			snprintf(p, sizeof(p), "%s/%s", rdir, n);
			g_unlink(p);
		}
		g_dir_close(gd);
	}
	g_rmdir(rdir);
	if ((gd = g_dir_open(dir, 0, NULL))) {
		while ((n = g_dir_read_name(gd))) {
			snprintf(p, sizeof(p), "%s/%s", dir, n);
			g_unlink(p);
		}
		g_dir_close(gd);
	}
	g_rmdir(dir);
	return 0;
}

/* Runs the loop until n completions (or 15 s). */
static void wait_done(int n)
{
	gint64 end = g_get_monotonic_time() + 15 * G_USEC_PER_SEC;

	while (ndone < n && g_get_monotonic_time() < end)
		g_main_context_iteration(ctx, TRUE);
	assert_int_equal(ndone, n);
}

static void test_start_stop_order(void **state)
{
	(void)state;
	assert_int_equal(dd_rsc_start_group(D, 0, NULL), 0);
	assert_true(dd_rsc_busy(D, 0));
	assert_int_equal(dd_rsc_start_group(D, 0, NULL), -EBUSY);
	assert_int_equal(dd_rsc_stop_group(D, 0, NULL), -EBUSY);
	assert_int_equal(dd_rsc_start_group(D, 7, NULL), -EINVAL);
	assert_int_equal(ndone, 0);	/* never from inside the call */
	wait_done(1);
	assert_true(done_ok);
	assert_int_equal(done_group, 0);
	assert_int_equal(done_op, HB_RSC_OP_START);
	assert_false(dd_rsc_busy(D, 0));
	assert_true(has("run.a1") && has("run.a2") && has("run.a3"));
	char *log = slurp("log");

	assert_string_equal(log, "a1 status\na1 start\na2 status\na2 start\na3 status\na3 start\n");
	g_free(log);
	assert_non_null(strstr(logbuf->str, "Running "));
	assert_non_null(strstr(logbuf->str, "/resource.d/dummy a1 start"));

	put("log", "");
	char *extra[] = { "HA_extra=x1", NULL };

	assert_int_equal(dd_rsc_stop_group(D, 0, extra), 0);
	wait_done(2);
	assert_true(done_ok);
	assert_int_equal(done_op, HB_RSC_OP_STOP);
	assert_false(has("run.a1") || has("run.a2") || has("run.a3"));
	log = slurp("log");
	assert_string_equal(log, "a3 stop x1\na2 stop x1\na1 stop x1\n");
	g_free(log);
}

static void test_skip_running(void **state)
{
	(void)state;
	put("run.a2", "");
	assert_int_equal(dd_rsc_start_group(D, 0, NULL), 0);
	wait_done(1);
	assert_true(done_ok);
	char *log = slurp("log");

	assert_string_equal(log, "a1 status\na1 start\na2 status\na3 status\na3 start\n");
	g_free(log);
}

static void test_start_failure(void **state)
{
	(void)state;
	put("failstart.a2", "");
	assert_int_equal(dd_rsc_start_group(D, 0, NULL), 0);
	wait_done(1);
	assert_false(done_ok);
	assert_true(has("run.a1"));
	assert_false(has("run.a3"));
	char *log = slurp("log");

	assert_null(strstr(log, "a3"));
	g_free(log);
	assert_non_null(strstr(logbuf->str, "cannot start a2"));	/* stderr logged */
	assert_non_null(strstr(logbuf->str, "Giving up resources due to failure of dummy::a2"));
}

static void test_stop_retries(void **state)
{
	(void)state;
	put("run.a1", "");
	put("run.a2", "");
	put("run.a3", "");
	put("failstop.a2", "2");
	assert_int_equal(dd_rsc_stop_group(D, 0, NULL), 0);
	wait_done(1);
	assert_true(done_ok);
	char *log = slurp("log");

	assert_string_equal(log, "a3 stop\na2 stop\na2 stop\na2 stop\na1 stop\n");
	g_free(log);
	assert_non_null(strstr(logbuf->str, "retry 1 of 2"));
}

static void test_stop_failure(void **state)
{
	(void)state;
	put("run.a1", "");
	put("run.a2", "");
	put("stuck.a2", "");
	assert_int_equal(dd_rsc_stop_group(D, 0, NULL), 0);
	wait_done(1);
	assert_false(done_ok);
	assert_true(has("run.a1"));	/* not stopped under a running a2 */
	char *log = slurp("log");

	assert_string_equal(log, "a3 stop\na2 stop\na2 stop\na2 stop\na2 status\n");
	g_free(log);
	assert_non_null(strstr(logbuf->str, "Resource STOP failure"));
}

/* a stop that exits 1 but did stop: only a warning */
static void test_stop_not_lsb(void **state)
{
	(void)state;
	put("run.a1", "");
	put("liar.a1", "");
	assert_int_equal(dd_rsc_stop_group(D, 0, NULL), 0);
	wait_done(1);
	assert_true(done_ok);
	assert_non_null(strstr(logbuf->str, "not LSB compliant"));
}

static void test_timeout(void **state)
{
	(void)state;
	dd_rsc_free(D);
	make(300);
	put("sleep.a1", "");
	gint64 t0 = g_get_monotonic_time();

	assert_int_equal(dd_rsc_start_group(D, 0, NULL), 0);
	wait_done(1);
	assert_false(done_ok);
	assert_true(g_get_monotonic_time() - t0 < 5 * G_USEC_PER_SEC);
	assert_non_null(strstr(logbuf->str, "timed out"));
}

/* a missing script: start fails, stop has nothing to do */
static void test_missing_script(void **state)
{
	(void)state;
	assert_int_equal(dd_rsc_start_group(D, 1, NULL), 0);
	wait_done(1);
	assert_false(done_ok);
	assert_true(has("run.b1"));
	assert_non_null(strstr(logbuf->str, "no script nosuchscript"));
	assert_int_equal(dd_rsc_stop_group(D, 1, NULL), 0);
	wait_done(2);
	assert_true(done_ok);
	assert_false(has("run.b1"));
}

/* two groups at once, and freeing with a script still running */
static void test_parallel_and_free(void **state)
{
	(void)state;
	assert_int_equal(dd_rsc_start_group(D, 0, NULL), 0);
	put("run.b1", "");
	assert_int_equal(dd_rsc_stop_group(D, 1, NULL), 0);
	wait_done(2);
	assert_false(has("run.b1"));
	dd_rsc_free(D);
	make(5000);
	put("sleep.a1", "");
	char p[400];

	snprintf(p, sizeof(p), "%s/run.a1", dir);
	unlink(p);
	assert_int_equal(dd_rsc_start_group(D, 0, NULL), 0);
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(ctx, FALSE);
	dd_rsc_free(D);	/* kills the sleeping script */
	D = NULL;
	assert_int_equal(ndone, 2);
	make(5000);
}

/* hb_rsc's actions carried out by dd_rsc, one node alone: the glue's loop */
static struct hb_rsc RSC;
static struct hb_rsc_actq AQ;
static int nexit, nsend;

static void carry_out(void)
{
	for (size_t i = 0; i < AQ.n; i++) {
		struct hb_rsc_act *a = &AQ.v[i];

		switch (a->type) {
		case HB_RSC_ACT_START_GROUP:
			assert_int_equal(dd_rsc_start_group(D, a->group, NULL), 0);
			break;
		case HB_RSC_ACT_STOP_GROUP:
			assert_int_equal(dd_rsc_stop_group(D, a->group, NULL), 0);
			break;
		case HB_RSC_ACT_EXIT:
			nexit++;
			break;
		case HB_RSC_ACT_SEND:
			nsend++;
			break;
		case HB_RSC_ACT_LOG:
			on_log(a->prio, a->text, NULL);
			break;
		}
	}
	hb_rsc_actq_reset(&AQ);
}

static void glue_done(size_t group, enum hb_rsc_op op, bool ok, void *arg)
{
	(void)arg;
	ndone++;
	hb_rsc_group_done(&RSC, (uint64_t)(g_get_monotonic_time() / 1000), group, op, ok, &AQ);
	carry_out();
}

static void test_with_hb_rsc(void **state)
{
	char envdir[400];
	char *env[] = { envdir, NULL };
	struct dd_rsc_cfg cfg = {
		.ctx = ctx, .hr = &HR, .dirs = { .resource_d = rdir,
		.init_d = "/nonexistent", .ocf_root = "/nonexistent" },
		.env = env, .timeout_ms = 5000, .stop_retries = 2, .stop_retry_ms = 10,
		.done = glue_done, .log = on_log,
	};
	struct hb_rsc_cfg rc = {
		.local = "alice", .peer = "bob", .failback = HB_FAILBACK_ON, .hr = &HR,
	};

	(void)state;
	dd_rsc_free(D);
	snprintf(envdir, sizeof(envdir), "DD_TEST_DIR=%s", dir);
	D = dd_rsc_new(&cfg);
	assert_non_null(D);
	assert_int_equal(hb_rsc_init(&RSC, &rc), 0);
	hb_rsc_actq_init(&AQ);
	nexit = nsend = 0;
	put("failstart.b1", "");
	hb_rsc_comm_up(&RSC, 0, &AQ);	/* bob never heard: alone */
	carry_out();
	/* alice's group starts; bob's fails (and its missing script) and is stopped again */
	gint64 end = g_get_monotonic_time() + 15 * G_USEC_PER_SEC;

	while ((hb_rsc_in_transition(&RSC) || dd_rsc_busy(D, 0) || dd_rsc_busy(D, 1)) &&
	       g_get_monotonic_time() < end)
		g_main_context_iteration(ctx, TRUE);
	assert_true(has("run.a1") && has("run.a2") && has("run.a3"));
	assert_false(has("run.b1"));
	struct hb_rsc_gstatus st;

	hb_rsc_group_status(&RSC, 0, &st);
	assert_int_equal(st.state, HB_G_RUNNING);
	hb_rsc_group_status(&RSC, 1, &st);
	assert_int_equal(st.state, HB_G_FAILED);
	assert_int_equal(st.owner, HB_OWNER_NONE);
	/* SIGTERM */
	hb_rsc_shutdown(&RSC, 1, &AQ);
	carry_out();
	while (!nexit && g_get_monotonic_time() < end)
		g_main_context_iteration(ctx, TRUE);
	assert_int_equal(nexit, 1);
	assert_false(has("run.a1") || has("run.a2") || has("run.a3"));
	char *log = slurp("log");

	assert_non_null(strstr(log, "a3 stop\na2 stop\na1 stop\n"));
	g_free(log);
	assert_true(nsend >= 4);	/* starting, stonith, resource shutdown, shutdone */
	hb_rsc_free(&RSC);
	hb_rsc_actq_free(&AQ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_stop_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skip_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_not_lsb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parallel_and_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_with_hb_rsc, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
