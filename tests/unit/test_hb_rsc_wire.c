/*
 * Unit tests for daemon/hb/hb_rsc.c against captured Heartbeat 3.0.6
 * traffic (tests/unit/hb_wire_samples.h, from heartbeat-wire-samples.txt):
 * one hb_rsc plays nodea or nodeb of the capture, gets the other node's
 * captured messages, and what it sends must carry the same fields, in the
 * same order, as the captured node sent (control fields aside).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_rsc.h"
#include "tests/unit/hb_wire_samples.h"

static uint64_t NOW;

static const char CAPTURE_HARES[] = "nodea hbdummy::r1 hbdummy::r2\n";

static struct hb_haresources CHR;
static struct hb_rsc CR;
static struct hb_rsc_actq CQ;

static int capture_teardown(void **state)
{
	(void)state;
	hb_rsc_free(&CR);
	hb_rsc_actq_free(&CQ);
	hb_haresources_free(&CHR);
	return 0;
}

static void capture_setup(const char *local, const char *peer)
{
	struct hb_diag d;
	struct hb_rsc_cfg cfg = {
		.local = local, .peer = peer, .failback = HB_FAILBACK_ON, .hr = &CHR,
	};

	hb_diag_init(&d);
	assert_int_equal(hb_haresources_parse(&CHR, CAPTURE_HARES, strlen(CAPTURE_HARES),
					      "haresources", &d), 0);
	hb_diag_free(&d);
	assert_int_equal(hb_rsc_init(&CR, &cfg), 0);
	hb_rsc_actq_init(&CQ);
}

static void sample(const char *name, struct hb_msg *m)
{
	struct hb_wire w;

	for (size_t i = 0; i < HB_WIRE_NSAMPLES; i++) {
		if (strcmp(hb_wire_samples[i].name, name) == 0) {
			assert_int_equal(hb_msg_decode(m, hb_wire_samples[i].data,
						       hb_wire_samples[i].len, &w), HB_OK);
			return;
		}
	}
	fail_msg("no sample %s", name);
}

/* the fields of a message without those Heartbeat adds to every message */
static char *own_fields(const struct hb_msg *m)
{
	static const char *const ctl[] = {
		"src", "srcuuid", "dest", "destuuid", "seq", "hg", "ts", "ld", "ttl", "auth",
	};
	char *s = calloc(1, 1024);
	size_t len = 0;

	assert_non_null(s);
	for (size_t i = 0; i < m->n; i++) {
		bool skip = false;

		for (size_t k = 0; k < sizeof(ctl) / sizeof(ctl[0]); k++)
			if (strcmp(m->f[i].name, ctl[k]) == 0)
				skip = true;
		if (!skip)
			len += (size_t)snprintf(s + len, 1024 - len, "%s=%s ", m->f[i].name,
						(const char *)m->f[i].value);
	}
	return s;
}

static const struct hb_msg *nth_send_raw(size_t n)
{
	for (size_t k = 0; k < CQ.n; k++)
		if (CQ.v[k].type == HB_RSC_ACT_SEND && n-- == 0)
			return &CQ.v[k].msg;
	return NULL;
}

static char *nth_send(size_t n)
{
	const struct hb_msg *m = nth_send_raw(n);

	assert_non_null(m);
	return own_fields(m);
}

/* Feeds a captured message to CR. */
static void feed(const char *name)
{
	struct hb_msg m;
	struct hb_hdr h;

	sample(name, &m);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_true(hb_rsc_rx(&CR, NOW, &m, &h, &CQ));
	hb_msg_free(&m);
}

static void feed_synth(const char *src, const char *t, const char *n1, const char *v1,
		       const char *n2, const char *v2, const char *n3, const char *v3)
{
	struct hb_msg m;
	struct hb_hdr h;

	hb_msg_init(&m);
	hb_msg_add_str(&m, "t", t);
	if (n1)
		hb_msg_add_str(&m, n1, v1);
	if (n2)
		hb_msg_add_str(&m, n2, v2);
	if (n3)
		hb_msg_add_str(&m, n3, v3);
	hb_msg_add_str(&m, "src", src);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	hb_rsc_rx(&CR, NOW, &m, &h, &CQ);
	hb_msg_free(&m);
}

/*
 * Our SENDs in CQ, in order, must carry exactly the own fields of the
 * captured messages named (NULL-terminated), with nothing else sent; the
 * group operations found are returned in *start / *stop (-1 none).
 */
static void expect_sent(int *start, int *stop, ...)
{
	va_list ap;
	const char *name;
	size_t k = 0;

	if (start)
		*start = -1;
	if (stop)
		*stop = -1;
	va_start(ap, stop);
	while ((name = va_arg(ap, const char *))) {
		while (k < CQ.n && CQ.v[k].type != HB_RSC_ACT_SEND) {
			if (CQ.v[k].type == HB_RSC_ACT_START_GROUP && start)
				*start = (int)CQ.v[k].group;
			if (CQ.v[k].type == HB_RSC_ACT_STOP_GROUP && stop)
				*stop = (int)CQ.v[k].group;
			k++;
		}
		if (k == CQ.n)
			fail_msg("did not send %s", name);
		struct hb_msg m;

		sample(name, &m);
		char *want = own_fields(&m), *got = own_fields(&CQ.v[k].msg);

		if (strcmp(want, got) != 0)
			fail_msg("sent [%s], 3.0.6 sent [%s] (%s)", got, want, name);
		free(want);
		free(got);
		hb_msg_free(&m);
		k++;
	}
	va_end(ap);
	for (; k < CQ.n; k++) {
		if (CQ.v[k].type == HB_RSC_ACT_SEND) {
			char *got = own_fields(&CQ.v[k].msg);

			fail_msg("also sent [%s]", got);
		}
		if (CQ.v[k].type == HB_RSC_ACT_START_GROUP && start)
			*start = (int)CQ.v[k].group;
		if (CQ.v[k].type == HB_RSC_ACT_STOP_GROUP && stop)
			*stop = (int)CQ.v[k].group;
	}
	hb_rsc_actq_reset(&CQ);
}

/* We are nodea: what we send is what the captured nodea sent. */
static void test_capture_as_nodea(void **state)
{
	int start, stop;

	(void)state;
	NOW = 0;
	capture_setup("nodea", "nodeb");
	hb_rsc_peer_up(&CR, 0, &CQ);
	hb_rsc_comm_up(&CR, 1000, &CQ);
	expect_sent(NULL, NULL, "starting", NULL);
	NOW = 1200;
	feed("starting");	/* nodeb's */
	expect_sent(NULL, NULL, "resource", NULL);
	assert_int_equal(hb_rsc_state(&CR), HB_RSC_BOTHSTARTING);
	assert_true(hb_rsc_tick(&CR, 1300, &CQ) == 11000);
	hb_rsc_actq_reset(&CQ);
	hb_rsc_tick(&CR, 11000, &CQ);
	expect_sent(&start, NULL, "ip-request-resp", NULL);
	assert_int_equal(start, 0);
	hb_rsc_group_done(&CR, 11050, 0, HB_RSC_OP_START, true, &CQ);
	hb_rsc_actq_reset(&CQ);	/* resource ... isstable=1 info=req_our_resources() */
	feed_synth("nodeb", "resource", "rsc_hold", "none", "rtype", "full", "isstable", "1");
	expect_sent(NULL, NULL, NULL);
	/* hb_standby all */
	assert_int_equal(hb_rsc_standby(&CR, 14000, HB_RSET_ALL, &CQ), 0);
	expect_sent(NULL, NULL, "ask_resources/me", NULL);
	feed("ask_resources/other");	/* nodeb's */
	expect_sent(NULL, &stop, "resource/standby", NULL);
	assert_int_equal(stop, 0);
	hb_rsc_group_done(&CR, 14050, 0, HB_RSC_OP_STOP, true, &CQ);
	expect_sent(NULL, NULL, "ask_resources/done", NULL);
	assert_true(hb_rsc_in_standby(&CR));
	/* hb_takeover all on nodea */
	feed_synth("nodeb", "ask_resources", "rsc_hold", "all", "info", "done", NULL, NULL);
	hb_rsc_actq_reset(&CQ);
	feed_synth("nodeb", "resource", "rsc_hold", "all", "rtype", "full", "isstable", "1");
	hb_rsc_actq_reset(&CQ);
	assert_int_equal(hb_rsc_takeover(&CR, 18000, HB_RSET_ALL, &CQ), 0);
	expect_sent(NULL, NULL, "hb_takeover", NULL);
}

/* We are nodeb: answers and takeovers as the captured nodeb's. */
static void test_capture_as_nodeb(void **state)
{
	int start, stop;

	(void)state;
	NOW = 0;
	capture_setup("nodeb", "nodea");
	hb_rsc_peer_up(&CR, 0, &CQ);
	hb_rsc_comm_up(&CR, 1000, &CQ);
	expect_sent(NULL, NULL, "starting", NULL);
	NOW = 1400;
	feed("resource");	/* nodea's answer: none, full, isstable=0 */
	expect_sent(NULL, NULL, NULL);
	assert_int_equal(hb_rsc_state(&CR), HB_RSC_RSCRCVD);
	NOW = 11600;
	feed_synth("nodea", "resource", "rsc_hold", "local", "rtype", "full", "isstable", "1");
	hb_rsc_actq_reset(&CQ);
	assert_int_equal(hb_rsc_state(&CR), HB_RSC_STABLE);
	/* hb_standby all on nodea */
	feed("ask_resources/me");
	expect_sent(NULL, NULL, "ask_resources/other", NULL);
	feed("resource/standby");
	expect_sent(NULL, NULL, NULL);
	feed("ask_resources/done");
	expect_sent(&start, NULL, NULL);
	assert_int_equal(start, 0);
	hb_rsc_group_done(&CR, NOW + 20, 0, HB_RSC_OP_START, true, &CQ);
	char *a = nth_send(0), *b = nth_send(1);

	assert_null(nth_send_raw(2));
	assert_string_equal(a, "t=ask_resources rsc_hold=all info=done ");
	assert_string_equal(b, "t=resource rsc_hold=foreign rtype=full isstable=1 ");
	free(a);
	free(b);
	hb_rsc_actq_reset(&CQ);
	feed_synth("nodea", "resource", "rsc_hold", "none", "rtype", "full", "isstable", "1");
	expect_sent(NULL, NULL, NULL);
	/* hb_takeover all from nodea: we run hb_standby all */
	feed("hb_takeover");
	a = nth_send(0);
	assert_null(nth_send_raw(1));
	assert_string_equal(a, "t=ask_resources rsc_hold=all info=me ");
	free(a);
	hb_rsc_actq_reset(&CQ);
	feed_synth("nodea", "ask_resources", "rsc_hold", "all", "info", "other", NULL, NULL);
	expect_sent(NULL, &stop, "resource/standby", NULL);
	assert_int_equal(stop, 0);
	hb_rsc_group_done(&CR, NOW + 20, 0, HB_RSC_OP_STOP, true, &CQ);
	expect_sent(NULL, NULL, "ask_resources/done", NULL);
	feed_synth("nodea", "ask_resources", "rsc_hold", "all", "info", "done", NULL, NULL);
	hb_rsc_actq_reset(&CQ);
	feed_synth("nodea", "resource", "rsc_hold", "all", "rtype", "full", "isstable", "1");
	hb_rsc_actq_reset(&CQ);
	/* kill -9 of nodea */
	hb_rsc_peer_dead(&CR, NOW + 1000, &CQ);
	expect_sent(&start, NULL, "stonith", NULL);
	assert_int_equal(start, 0);
	hb_rsc_group_done(&CR, NOW + 1100, 0, HB_RSC_OP_START, true, &CQ);
	expect_sent(NULL, NULL, "resource/mach_down", NULL);
	/* graceful stop of nodeb */
	hb_rsc_shutdown(&CR, NOW + 4000, &CQ);
	expect_sent(NULL, &stop, "resource/shutdown", NULL);
	assert_int_equal(stop, 0);
	hb_rsc_group_done(&CR, NOW + 4100, 0, HB_RSC_OP_STOP, true, &CQ);
	expect_sent(NULL, NULL, "shutdone", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_capture_as_nodea, capture_teardown),
		cmocka_unit_test_teardown(test_capture_as_nodeb, capture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
