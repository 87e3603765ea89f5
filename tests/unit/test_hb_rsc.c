/*
 * Unit tests for daemon/hb/hb_rsc.c: two instances (alice, bob) driven
 * against each other by a small simulator: messages go through the real
 * netstring codec, group starts and stops take 20 ms of simulated time and
 * can be made to fail, node death is reported after the dead time. After
 * every step the simulator checks that no group can be running on both
 * nodes (from the moment a start is issued until a stop succeeded).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "daemon/hb/hb_rsc.h"

#define NG		2
#define DEADTIME	1000
#define OPTIME		20
#define MAXMSG		512
#define MAXSENT		512
#define LOGSZ		65536

static const char HARES[] =
	"alice 10.0.0.100 hbdummy::a1 hbdummy::a2\n"
	"bob hbdummy::b1\n";

struct simmsg {
	int to;
	uint64_t at;
	struct hb_msg m;
};

struct node {
	const char *name;
	struct hb_rsc r;
	bool up;		/* process running */
	bool exited, restart;
	bool ran[NG];		/* group possibly running here */
	bool op_active[NG];
	enum hb_rsc_op op[NG];
	uint64_t op_at[NG];
	bool op_ok[NG];
	int fail_start[NG], fail_stop[NG];
	uint64_t next_tick;
	char log[LOGSZ];
	size_t loglen;
};

struct sched {
	uint64_t at;
	int kind;		/* 1 peer_dead, 2 peer_up, 3 comm_up */
	int node;
};

static struct sim {
	uint64_t now;
	struct hb_haresources hr;
	enum hb_failback fb;
	bool have_ping;
	struct node n[2];
	bool link;
	bool check_both;
	struct simmsg q[MAXMSG];
	size_t nq;
	char *sent[MAXSENT];
	int sent_by[MAXSENT];
	size_t nsent;
	struct sched ev[64];
	size_t nev;
} S;

static struct hb_rsc_actq Q;

static void process(int i);

static void node_init(int i)
{
	struct node *n = &S.n[i];
	struct hb_rsc_cfg cfg = {
		.local = n->name, .peer = S.n[1 - i].name, .failback = S.fb,
		.have_ping = S.have_ping, .hr = &S.hr,
	};

	assert_int_equal(hb_rsc_init(&n->r, &cfg), 0);
	n->up = true;
	n->exited = n->restart = false;
	n->next_tick = 0;
	memset(n->ran, 0, sizeof(n->ran));
	memset(n->op_active, 0, sizeof(n->op_active));
}

static void sim_setup(enum hb_failback fb, bool have_ping)
{
	struct hb_diag d;

	memset(&S, 0, sizeof(S));
	hb_diag_init(&d);
	assert_int_equal(hb_haresources_parse(&S.hr, HARES, strlen(HARES), "haresources", &d), 0);
	hb_diag_free(&d);
	assert_int_equal(S.hr.ngroups, NG);
	S.fb = fb;
	S.have_ping = have_ping;
	S.n[0].name = "alice";
	S.n[1].name = "bob";
	S.link = true;
	S.check_both = true;
	node_init(0);
	node_init(1);
	hb_rsc_actq_init(&Q);
}

static int sim_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 2; i++)
		hb_rsc_free(&S.n[i].r);
	for (size_t i = 0; i < S.nq; i++)
		hb_msg_free(&S.q[i].m);
	for (size_t i = 0; i < S.nsent; i++)
		free(S.sent[i]);
	hb_haresources_free(&S.hr);
	hb_rsc_actq_free(&Q);
	return 0;
}

static void schedule(uint64_t at, int kind, int node)
{
	assert_true(S.nev < 64);
	S.ev[S.nev++] = (struct sched){ at, kind, node };
}

/* "t=resource rsc_hold=none ..." */
static char *msg_text(const struct hb_msg *m)
{
	char *s = calloc(1, 1024);
	size_t len = 0;

	assert_non_null(s);
	for (size_t i = 0; i < m->n; i++)
		len += (size_t)snprintf(s + len, 1024 - len, "%s%s=%s", i ? " " : "",
					m->f[i].name, (const char *)m->f[i].value);
	return s;
}

static void check_both(void)
{
	if (!S.check_both)
		return;
	for (int g = 0; g < NG; g++)
		if (S.n[0].ran[g] && S.n[1].ran[g])
			fail_msg("t=%llu: group %d may run on both nodes",
				 (unsigned long long)S.now, g);
}

static void do_send(int i, struct hb_msg *m)
{
	uint8_t buf[4096];
	struct hb_wire w;
	long len;
	struct simmsg *sm;

	assert_int_equal(hb_msg_set_str(m, "src", S.n[i].name), HB_OK);
	assert_true(S.nsent < MAXSENT);
	S.sent_by[S.nsent] = i;
	S.sent[S.nsent++] = msg_text(m);
	if (getenv("HB_RSC_VERBOSE"))
		printf("%6llu %s SEND %s\n", (unsigned long long)S.now, S.n[i].name,
		       S.sent[S.nsent - 1]);
	if (!S.link || !S.n[1 - i].up)
		return;
	len = hb_msg_netstring(m, buf, sizeof(buf));
	assert_true(len > 0 && (size_t)len <= sizeof(buf));
	assert_true(S.nq < MAXMSG);
	sm = &S.q[S.nq++];
	sm->to = 1 - i;
	sm->at = S.now + 1;
	hb_msg_init(&sm->m);
	assert_int_equal(hb_msg_decode(&sm->m, buf, (size_t)len, &w), HB_OK);
}

static void process(int i)
{
	struct node *n = &S.n[i];

	for (size_t k = 0; k < Q.n; k++) {
		struct hb_rsc_act *a = &Q.v[k];
		size_t g = a->group;

		switch (a->type) {
		case HB_RSC_ACT_SEND:
			do_send(i, &a->msg);
			break;
		case HB_RSC_ACT_START_GROUP:
		case HB_RSC_ACT_STOP_GROUP:
			assert_true(g < NG);
			assert_false(n->op_active[g]);
			n->op_active[g] = true;
			n->op_at[g] = S.now + OPTIME;
			if (a->type == HB_RSC_ACT_START_GROUP) {
				n->op[g] = HB_RSC_OP_START;
				n->ran[g] = true;
				n->op_ok[g] = n->fail_start[g] <= 0;
				if (n->fail_start[g] > 0)
					n->fail_start[g]--;
			} else {
				n->op[g] = HB_RSC_OP_STOP;
				n->op_ok[g] = n->fail_stop[g] <= 0;
				if (n->fail_stop[g] > 0)
					n->fail_stop[g]--;
			}
			if (getenv("HB_RSC_VERBOSE"))
				printf("%6llu %s %s group %zu\n", (unsigned long long)S.now,
				       n->name, a->type == HB_RSC_ACT_START_GROUP ? "START" : "STOP", g);
			check_both();
			break;
		case HB_RSC_ACT_EXIT:
			n->exited = true;
			n->restart = a->restart;
			break;
		case HB_RSC_ACT_LOG: {
			int w = snprintf(n->log + n->loglen, LOGSZ - n->loglen, "%s\n", a->text);

			if (w > 0 && n->loglen + (size_t)w < LOGSZ)
				n->loglen += (size_t)w;
			if (getenv("HB_RSC_VERBOSE"))
				printf("%6llu %s LOG %d %s\n", (unsigned long long)S.now,
				       n->name, a->prio, a->text);
			break;
		}
		}
	}
	hb_rsc_actq_reset(&Q);
	n->next_tick = 0;	/* ask tick() again */
}

/* The node process ends: it sends nothing more, the peer notices. */
static void node_gone(int i)
{
	struct node *n = &S.n[i];

	n->up = false;
	memset(n->ran, 0, sizeof(n->ran));	/* crashed or stopped: nothing runs */
	memset(n->op_active, 0, sizeof(n->op_active));
	if (S.n[1 - i].up && !S.n[1 - i].exited)
		schedule(S.now + DEADTIME, 1, 1 - i);
}

static void step(void)
{
	/* messages */
	for (size_t k = 0; k < S.nq;) {
		struct simmsg *sm = &S.q[k];

		if (sm->at > S.now) {
			k++;
			continue;
		}
		struct simmsg m = *sm;

		memmove(&S.q[k], &S.q[k + 1], (S.nq - k - 1) * sizeof(S.q[0]));
		S.nq--;
		if (S.link && S.n[m.to].up && !S.n[m.to].exited) {
			struct hb_hdr h;

			assert_int_equal(hb_msg_hdr(&m.m, &h), HB_OK);
			hb_rsc_rx(&S.n[m.to].r, S.now, &m.m, &h, &Q);
			process(m.to);
		}
		hb_msg_free(&m.m);
	}
	/* group operations */
	for (int i = 0; i < 2; i++) {
		struct node *n = &S.n[i];

		for (int g = 0; g < NG; g++) {
			if (!n->op_active[g] || n->op_at[g] > S.now)
				continue;
			n->op_active[g] = false;
			if (n->op[g] == HB_RSC_OP_STOP && n->op_ok[g])
				n->ran[g] = false;
			hb_rsc_group_done(&n->r, S.now, (size_t)g, n->op[g], n->op_ok[g], &Q);
			process(i);
		}
	}
	/* scheduled events */
	for (size_t k = 0; k < S.nev;) {
		struct sched e = S.ev[k];

		if (e.at > S.now) {
			k++;
			continue;
		}
		S.ev[k] = S.ev[--S.nev];
		struct node *n = &S.n[e.node];

		if (!n->up || n->exited)
			continue;
		if (e.kind == 1)
			hb_rsc_peer_dead(&n->r, S.now, &Q);
		else if (e.kind == 2)
			hb_rsc_peer_up(&n->r, S.now, &Q);
		else
			hb_rsc_comm_up(&n->r, S.now, &Q);
		process(e.node);
	}
	/* timers */
	for (int i = 0; i < 2; i++) {
		struct node *n = &S.n[i];

		if (!n->up || n->exited || n->next_tick > S.now)
			continue;
		n->next_tick = hb_rsc_tick(&n->r, S.now, &Q);
		uint64_t nt = n->next_tick;

		process(i);
		n->next_tick = nt;
		if (n->next_tick <= S.now)
			fail_msg("tick returned a deadline in the past");
	}
	/* exits */
	for (int i = 0; i < 2; i++) {
		if (S.n[i].up && S.n[i].exited)
			node_gone(i);
	}
	check_both();
}

static void run(uint64_t ms)
{
	uint64_t end = S.now + ms;

	while (S.now < end) {
		step();
		S.now++;
	}
	step();
}

/* Both nodes start at once; comm up after 1 s. */
static void start_both(void)
{
	hb_rsc_peer_up(&S.n[0].r, S.now, &Q);
	process(0);
	hb_rsc_peer_up(&S.n[1].r, S.now, &Q);
	process(1);
	schedule(S.now + 1000, 3, 0);
	schedule(S.now + 1005, 3, 1);
}

static void start_alone(int i)
{
	S.n[1 - i].up = false;
	schedule(S.now + 2000, 3, i);	/* initdead: the peer is dead */
}

/* a node (re)starts: fresh state, heard by the other after 200 ms */
static void node_boot(int i)
{
	hb_rsc_free(&S.n[i].r);
	node_init(i);
	if (S.link && S.n[1 - i].up) {
		schedule(S.now + 200, 2, 1 - i);
		hb_rsc_peer_up(&S.n[i].r, S.now, &Q);
		process(i);
		schedule(S.now + 1000, 3, i);
	} else {
		schedule(S.now + 2000, 3, i);
	}
}

static void kill_node(int i)
{
	S.n[i].exited = true;
	node_gone(i);
}

static bool runs(int i, int g)
{
	return S.n[i].r.g[g].state == HB_G_RUNNING && S.n[i].ran[g];
}

static bool stopped(int i, int g)
{
	return !S.n[i].ran[g] && S.n[i].r.g[g].state != HB_G_RUNNING;
}

static int count_sent(int by, const char *pat)
{
	int c = 0;

	for (size_t i = 0; i < S.nsent; i++)
		if ((by < 0 || S.sent_by[i] == by) && strstr(S.sent[i], pat))
			c++;
	return c;
}

/* index of the first message from `by` matching pat after index from */
static long find_sent(int by, const char *pat, long from)
{
	for (size_t i = (size_t)(from + 1); i < S.nsent; i++)
		if ((by < 0 || S.sent_by[i] == by) && strstr(S.sent[i], pat))
			return (long)i;
	return -1;
}

static bool logged(int i, const char *pat)
{
	S.n[i].log[S.n[i].loglen] = 0;
	return strstr(S.n[i].log, pat) != NULL;
}

/* ---- startup ---------------------------------------------------------- */

static void test_alone_after_initdead(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_ON, false);
	start_alone(0);
	run(1500);
	assert_false(runs(0, 0));
	run(1000);
	assert_true(runs(0, 0));
	assert_true(runs(0, 1));
	assert_int_equal(hb_rsc_state(&S.n[0].r), HB_RSC_STABLE);
	assert_int_equal(count_sent(0, "t=starting"), 1);
	assert_int_equal(count_sent(0, "t=stonith node=bob result=n_stnth"), 1);
	assert_int_equal(count_sent(0, "t=resource rsc_hold=foreign info=mach_down"), 1);
	assert_true(logged(0, "No STONITH device configured"));
	struct hb_rsc_gstatus st;

	hb_rsc_group_status(&S.n[0].r, 1, &st);
	assert_string_equal(st.key, "hbdummy::b1");
	assert_string_equal(st.preferred, "bob");
	assert_int_equal(st.owner, HB_OWNER_LOCAL);
	assert_int_equal(st.state, HB_G_RUNNING);
}

static void test_both_start_nice(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_ON, false);
	start_both();
	run(1500);
	assert_int_equal(count_sent(0, "t=starting"), 1);
	assert_int_equal(count_sent(1, "t=starting"), 1);
	assert_int_equal(count_sent(0, "t=resource rsc_hold=none rtype=full isstable=0"), 1);
	assert_int_equal(hb_rsc_state(&S.n[0].r), HB_RSC_RSCRCVD);
	run(9000);	/* t = 10.5 s: the RQSTDELAY has not expired yet */
	assert_false(S.n[0].ran[0]);
	assert_false(S.n[1].ran[1]);
	run(1500);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	assert_true(stopped(1, 0));
	assert_true(stopped(0, 1));
	assert_int_equal(hb_rsc_state(&S.n[0].r), HB_RSC_STABLE);
	assert_int_equal(hb_rsc_state(&S.n[1].r), HB_RSC_STABLE);
	assert_true(count_sent(0, "t=resource rsc_hold=local rtype=full isstable=1 info=req_our_resources()") == 1);
	assert_int_equal(count_sent(0, "t=ip-request-resp dest=alice ipaddr=10.0.0.100 weown=yes ok=OK"), 1);
	/* nothing moves afterwards */
	run(30000);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	struct hb_rsc_gstatus st;

	hb_rsc_group_status(&S.n[0].r, 1, &st);
	assert_int_equal(st.owner, HB_OWNER_PEER);
	assert_false(hb_rsc_in_transition(&S.n[0].r));
}

/* bob is up and stable when alice starts: alice gets her group at once */
static void test_join_stable_peer(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_OFF, false);
	start_alone(1);
	run(3000);
	assert_true(runs(1, 0));
	assert_true(runs(1, 1));
	/* alice boots; auto_failback off: her group stays on bob */
	S.n[0].up = true;
	node_boot(0);
	run(3000);
	assert_true(runs(1, 0));
	assert_true(stopped(0, 0));
	assert_int_equal(hb_rsc_state(&S.n[0].r), HB_RSC_STABLE);
	assert_int_equal(count_sent(1, "t=resource rsc_hold=all rtype=full isstable=1"), 1);
	run(20000);
	assert_true(runs(1, 0));
	assert_false(hb_rsc_in_transition(&S.n[0].r));
}

static void test_auto_failback_on_return(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_ON, false);
	start_alone(1);
	run(3000);
	assert_true(runs(1, 0));
	S.n[0].up = true;
	node_boot(0);
	run(3000);
	/* bob gave alice's group back through a standby of "foreign" */
	assert_true(runs(0, 0));
	assert_true(stopped(1, 0));
	assert_true(runs(1, 1));
	long me = find_sent(1, "t=ask_resources rsc_hold=foreign info=me", -1);
	long other = find_sent(0, "t=ask_resources rsc_hold=foreign info=other", me);
	long sb = find_sent(1, "info=standby", other);
	long done1 = find_sent(1, "t=ask_resources rsc_hold=foreign info=done", sb);
	long done2 = find_sent(0, "t=ask_resources rsc_hold=foreign info=done", done1);

	assert_true(me >= 0 && other > me && sb > other && done1 > sb && done2 > done1);
	assert_true(strstr(S.sent[sb], "rsc_hold=local rtype=full isstable=0") != NULL);
	run(30000);
	assert_true(runs(0, 0));
}

static void test_legacy_startup(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_LEGACY, false);
	start_both();
	run(1500);
	assert_int_equal(count_sent(-1, "t=starting"), 0);
	assert_int_equal(count_sent(0, "t=ip-request ipaddr=10.0.0.100"), 1);
	assert_int_equal(count_sent(1, "t=ip-request ipaddr=hbdummy::b1"), 1);
	assert_int_equal(count_sent(1, "t=ip-request-resp dest=alice ipaddr=10.0.0.100 weown=no ok=OK"), 1);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	/* standby is not for legacy */
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), -ENOTSUP);
	process(0);
	assert_int_equal(hb_rsc_takeover(&S.n[0].r, S.now, HB_RSET_ALL, &Q), -ENOTSUP);
	process(0);
	assert_non_null(strstr(hb_rsc_why(&S.n[0].r), "nice_failback"));
}

/* legacy: alice holds bob's group; bob returns and asks for it */
static void test_legacy_ip_request_moves_group(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_LEGACY, false);
	start_alone(0);
	run(3000);
	assert_true(runs(0, 1));
	S.n[1].up = true;
	node_boot(1);
	run(2000);
	assert_true(runs(1, 1));
	assert_true(stopped(0, 1));
	assert_true(runs(0, 0));
	assert_int_equal(count_sent(0, "t=ip-request-resp dest=bob ipaddr=hbdummy::b1 weown=yes ok=OK"), 1);
}

/* ---- peer death -------------------------------------------------------- */

static void stable_pair(enum hb_failback fb, bool ping)
{
	sim_setup(fb, ping);
	if (ping) {
		hb_rsc_ping(&S.n[0].r, 0, true, &Q);
		process(0);
		hb_rsc_ping(&S.n[1].r, 0, true, &Q);
		process(1);
	}
	start_both();
	run(12000);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
}

static void test_peer_death_takeover(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_ON, false);
	uint64_t t0 = S.now;

	kill_node(1);
	run(DEADTIME - 10);
	assert_false(S.n[0].ran[1]);
	run(100);
	assert_true(runs(0, 1));
	assert_true(runs(0, 0));
	assert_true(S.now - t0 < DEADTIME + 100);
	long st = find_sent(0, "t=stonith node=bob result=n_stnth", -1);
	long md = find_sent(0, "t=resource rsc_hold=foreign info=mach_down", st);

	assert_true(st >= 0 && md > st);
	assert_true(logged(0, "Resources being acquired from bob."));
	struct hb_rsc_gstatus gs;

	hb_rsc_group_status(&S.n[0].r, 1, &gs);
	assert_int_equal(gs.owner, HB_OWNER_LOCAL);
	/* standby is impossible now */
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), -EHOSTDOWN);
	process(0);
}

/* auto_failback off: bob comes back, his group stays with alice */
static void test_no_failback_when_off(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	kill_node(1);
	run(2000);
	assert_true(runs(0, 1));
	S.n[1].up = true;
	node_boot(1);
	run(15000);
	assert_true(runs(0, 1));
	assert_true(stopped(1, 1));
	/* until bob takes it over */
	assert_int_equal(hb_rsc_takeover(&S.n[1].r, S.now, HB_RSET_LOCAL, &Q), 0);
	process(1);
	run(1000);
	assert_true(runs(1, 1));
	assert_true(stopped(0, 1));
	assert_true(runs(0, 0));
	assert_int_equal(count_sent(1, "t=hb_takeover rsc_hold=local"), 1);
	assert_int_equal(count_sent(0, "t=ask_resources rsc_hold=foreign info=me"), 1);
}

/* ---- standby / takeover ------------------------------------------------ */

static void test_standby_all(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	size_t base = S.nsent;

	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), 0);
	process(0);
	assert_true(hb_rsc_in_transition(&S.n[0].r));
	/* a second request while in flux is refused */
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_LOCAL, &Q), -EBUSY);
	process(0);
	run(500);
	assert_true(runs(1, 0));
	assert_true(runs(1, 1));
	assert_true(stopped(0, 0));
	assert_true(hb_rsc_in_standby(&S.n[0].r));
	assert_false(hb_rsc_in_transition(&S.n[0].r));
	assert_false(hb_rsc_in_transition(&S.n[1].r));
	/* the observed 3.0.6 sequence */
	long a = find_sent(0, "t=ask_resources rsc_hold=all info=me", (long)base - 1);
	long b = find_sent(1, "t=ask_resources rsc_hold=all info=other", a);
	long c = find_sent(0, "t=resource rsc_hold=none rtype=full isstable=0 info=standby", b);
	long d = find_sent(0, "t=ask_resources rsc_hold=all info=done", c);
	long e = find_sent(1, "t=ask_resources rsc_hold=all info=done", d);
	long f = find_sent(1, "t=resource rsc_hold=all rtype=full isstable=1", e);
	long g = find_sent(0, "t=resource rsc_hold=none rtype=full isstable=1", e);

	assert_true(a >= 0 && b > a && c > b && d > c && e > d && f > e && g > e);
	struct hb_rsc_gstatus gs;

	hb_rsc_group_status(&S.n[0].r, 0, &gs);
	assert_int_equal(gs.owner, HB_OWNER_PEER);
	assert_true(logged(1, "alice wants to go standby [all]"));
	run(30000);
	assert_true(runs(1, 0));
}

static void test_standby_local_then_foreign_both_roles(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	/* alice gives her own group to bob */
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_LOCAL, &Q), 0);
	process(0);
	run(500);
	assert_true(runs(1, 0));
	assert_true(runs(1, 1));
	assert_int_equal(count_sent(1, "t=ask_resources rsc_hold=local info=other"), 1);
	/* bob now gives his foreign group (alice's) back: roles swapped */
	assert_int_equal(hb_rsc_standby(&S.n[1].r, S.now, HB_RSET_FOREIGN, &Q), 0);
	process(1);
	run(500);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	assert_int_equal(count_sent(0, "t=ask_resources rsc_hold=foreign info=other"), 1);
	/* bob gives his own: alice has both */
	assert_int_equal(hb_rsc_standby(&S.n[1].r, S.now, HB_RSET_LOCAL, &Q), 0);
	process(1);
	run(500);
	assert_true(runs(0, 0));
	assert_true(runs(0, 1));
	assert_true(stopped(1, 1));
	assert_true(hb_rsc_in_standby(&S.n[1].r));
}

static void test_takeover_all(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	assert_int_equal(hb_rsc_takeover(&S.n[1].r, S.now, HB_RSET_ALL, &Q), 0);
	process(1);
	/* in flux: a second one is refused */
	assert_int_equal(hb_rsc_takeover(&S.n[1].r, S.now, HB_RSET_ALL, &Q), -EBUSY);
	process(1);
	run(500);
	assert_true(runs(1, 0));
	assert_true(runs(1, 1));
	assert_true(stopped(0, 0));
	assert_int_equal(count_sent(1, "t=hb_takeover rsc_hold=all"), 1);
	assert_int_equal(count_sent(0, "t=ask_resources rsc_hold=all info=me"), 1);
	/* the reply window has closed: allowed again */
	assert_int_equal(hb_rsc_takeover(&S.n[0].r, S.now, HB_RSET_LOCAL, &Q), 0);
	process(0);
	run(500);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
}

/* the responder dies while the initiator stops its set: it all comes back */
static void test_responder_dies_during_standby(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), 0);
	process(0);
	run(4);
	assert_int_equal(S.n[0].r.sb, HB_SB_GIVING);
	kill_node(1);
	run(DEADTIME + 200);
	assert_true(runs(0, 0));
	assert_true(runs(0, 1));
	assert_int_equal(S.n[0].r.sb, HB_SB_NOT);
	assert_false(hb_rsc_in_transition(&S.n[0].r));
}

/* the initiator dies in the middle: the responder takes everything */
static void test_initiator_dies_during_standby(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_LOCAL, &Q), 0);
	process(0);
	run(4);
	assert_int_equal(S.n[1].r.sb, HB_SB_OTHER);
	kill_node(0);
	run(DEADTIME + 200);
	assert_true(runs(1, 0));
	assert_true(runs(1, 1));
	assert_int_equal(S.n[1].r.sb, HB_SB_NOT);
	/* and requests during startup are refused */
	S.n[0].up = true;
	node_boot(0);
	run(500);
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), -EBUSY);
	process(0);
	assert_non_null(strstr(hb_rsc_why(&S.n[0].r), "not stable"));
	run(5000);
	assert_true(runs(1, 0));	/* auto_failback off: it stays */
	assert_int_equal(hb_rsc_state(&S.n[0].r), HB_RSC_STABLE);
}

static void test_standby_no_reply(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	S.link = false;	/* messages are lost, but nobody is declared dead */
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), 0);
	process(0);
	run(9000);
	assert_int_equal(S.n[0].r.sb, HB_SB_ME);
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), -EBUSY);
	process(0);
	run(1500);
	assert_int_equal(S.n[0].r.sb, HB_SB_NOT);
	assert_true(logged(0, "No reply to standby request. Standby request cancelled."));
	assert_true(runs(0, 0));
	S.link = true;
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), 0);
	process(0);
	run(500);
	assert_true(runs(1, 0));
}

/* both ask at the same moment: neither goes, both time out */
static void test_standby_collision(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), 0);
	process(0);
	assert_int_equal(hb_rsc_standby(&S.n[1].r, S.now, HB_RSET_ALL, &Q), 0);
	process(1);
	run(11000);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	assert_int_equal(count_sent(-1, "info=other"), 0);
}

static void test_fifo_standby(void **state)
{
	struct hb_msg m;
	struct hb_hdr h;

	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	hb_msg_init(&m);
	hb_msg_add_str(&m, "t", "ask_resources");
	hb_msg_add_str(&m, "rsc_hold", "foreign");
	hb_msg_add_str(&m, "info", "me");
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_true(hb_rsc_rx_fifo(&S.n[1].r, S.now, &m, &h, &Q));
	process(1);
	hb_msg_free(&m);
	hb_msg_init(&m);
	hb_msg_add_str(&m, "t", "mach_down");
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	assert_false(hb_rsc_rx_fifo(&S.n[1].r, S.now, &m, &h, &Q));
	hb_msg_free(&m);
	run(500);
	assert_int_equal(count_sent(1, "t=ask_resources rsc_hold=foreign info=me"), 1);
	/* bob held nothing foreign: nothing moved, the handshake completed */
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	assert_int_equal(count_sent(0, "t=ask_resources rsc_hold=foreign info=done"), 1);
}

/* ---- shutdown ---------------------------------------------------------- */

static void test_shutdown_handoff(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_ON, false);
	uint64_t t0 = S.now;

	hb_rsc_shutdown(&S.n[0].r, S.now, &Q);
	process(0);
	run(200);
	assert_true(S.n[0].exited);
	assert_false(S.n[0].restart);
	assert_true(runs(1, 0));
	assert_true(runs(1, 1));
	assert_true(S.now - t0 < DEADTIME / 2);	/* no dead time waited */
	long a = find_sent(0, "t=resource rsc_hold=none rtype=full isstable=0 info=shutdown", -1);
	long b = find_sent(0, "t=shutdone st=dead", a);

	assert_true(a >= 0 && b > a);
	assert_true(logged(1, "Received shutdown notice from 'alice'."));
	/* the later death is not a new failure */
	run(2000);
	assert_int_equal(count_sent(1, "t=stonith"), 0);
	assert_true(runs(1, 0));
}

static void test_shutdown_delayed_in_transition(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	assert_int_equal(hb_rsc_standby(&S.n[1].r, S.now, HB_RSET_LOCAL, &Q), 0);
	process(1);
	run(3);		/* bob is stopping his group */
	assert_int_equal(S.n[1].r.g[1].state, HB_G_STOPPING);
	hb_rsc_shutdown(&S.n[1].r, S.now, &Q);
	process(1);
	assert_true(logged(1, "Shutdown delayed until current resource activity finishes."));
	run(500);
	assert_true(S.n[1].exited);
	assert_true(runs(0, 0));
	assert_true(runs(0, 1));
}

/* ---- failures ---------------------------------------------------------- */

static void test_failed_start_offered_to_peer(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_OFF, false);
	S.n[0].fail_start[0] = 1;
	start_both();
	run(12000);
	/* alice's start failed: stopped again, failed */
	assert_int_equal(S.n[0].r.g[0].state, HB_G_FAILED);
	assert_false(S.n[0].ran[0]);
	assert_false(S.n[1].ran[0]);
	struct hb_rsc_gstatus gs;

	hb_rsc_group_status(&S.n[0].r, 0, &gs);
	assert_int_equal(gs.state, HB_G_FAILED);
	assert_int_equal(gs.owner, HB_OWNER_NONE);
	assert_true(logged(0, "Giving up resources due to failure of group 10.0.0.100"));
	run(31000);
	/* offered to bob by a standby of alice's local set */
	assert_true(runs(1, 0));
	assert_true(runs(1, 1));
	assert_int_equal(count_sent(0, "t=ask_resources rsc_hold=local info=me"), 1);
}

/* auto_failback on does not bounce a group that failed at home */
static void test_failed_start_no_bounce(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_ON, false);
	S.n[0].fail_start[0] = 1;
	start_both();
	run(45000);
	assert_true(runs(1, 0));
	run(120000);
	assert_true(runs(1, 0));
	assert_int_equal(count_sent(-1, "t=ask_resources rsc_hold=local info=me"), 1);
	assert_int_equal(count_sent(-1, "t=ask_resources rsc_hold=foreign info=me"), 0);
	/* bob dies: alice tries her group once more, and it works now */
	kill_node(1);
	run(1500);
	assert_true(runs(0, 0));
	assert_true(runs(0, 1));
}

static void test_failed_start_alone_stays_failed(void **state)
{
	(void)state;
	sim_setup(HB_FAILBACK_ON, false);
	S.n[0].fail_start[1] = 1;
	start_alone(0);
	run(40000);
	assert_true(runs(0, 0));
	assert_int_equal(S.n[0].r.g[1].state, HB_G_FAILED);
	assert_false(S.n[0].ran[1]);
	assert_int_equal(count_sent(0, "t=ask_resources"), 0);
}

/* a stop that fails in a standby: the group stays here, unmanaged */
static void test_failed_stop_in_standby(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	S.n[0].fail_stop[0] = 1;
	assert_int_equal(hb_rsc_standby(&S.n[0].r, S.now, HB_RSET_ALL, &Q), 0);
	process(0);
	run(1000);
	assert_true(S.n[0].ran[0]);
	assert_false(S.n[1].ran[0]);
	assert_true(S.n[0].r.g[0].unmanaged);
	assert_int_equal(count_sent(0, "info=done"), 0);
	assert_int_equal(count_sent(0, "info=standby_failed"), 1);
	assert_false(hb_rsc_in_transition(&S.n[1].r));
	struct hb_rsc_gstatus gs;

	hb_rsc_group_status(&S.n[0].r, 0, &gs);
	assert_int_equal(gs.owner, HB_OWNER_LOCAL);
	assert_int_equal(gs.state, HB_G_FAILED);
	assert_true(gs.unmanaged);
	/* shutdown does not hand it over either */
	S.n[0].fail_stop[0] = 1;
	hb_rsc_shutdown(&S.n[0].r, S.now, &Q);
	process(0);
	run(3000);
	assert_false(S.n[0].exited);
	assert_int_equal(count_sent(0, "t=shutdone"), 0);
	assert_false(S.n[1].ran[0]);
	assert_true(logged(0, "could not be stopped"));
	/* the operator fixed it: shutting down again works */
	hb_rsc_shutdown(&S.n[0].r, S.now, &Q);
	process(0);
	run(200);
	assert_true(S.n[0].exited);
	assert_true(runs(1, 0));
}

/* the peer dies while our unmanaged group may still run: it stays ours */
static void test_failed_stop_then_peer_death(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	S.n[1].fail_stop[1] = 1;
	assert_int_equal(hb_rsc_standby(&S.n[1].r, S.now, HB_RSET_LOCAL, &Q), 0);
	process(1);
	run(500);
	assert_true(S.n[1].r.g[1].unmanaged);
	assert_false(S.n[0].ran[1]);
	/* partition-free death of alice: bob takes alice's group; his stays unmanaged */
	kill_node(0);
	run(1500);
	assert_true(runs(1, 0));
	assert_true(S.n[1].r.g[1].unmanaged);
}

/* ---- split brain rule -------------------------------------------------- */

static void test_ping_split_brain_rule(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_ON, true);
	/* bob dies and the ping node is unreachable too */
	hb_rsc_ping(&S.n[0].r, S.now, false, &Q);
	process(0);
	kill_node(1);
	run(3000);
	assert_false(S.n[0].ran[1]);
	assert_true(runs(0, 0));
	assert_true(logged(0, "ping nodes are unreachable too"));
	assert_int_equal(count_sent(0, "t=stonith node=bob"), 1);
	/* the ping node is reachable again, bob is still dead: take over
	 * once it has answered a ping sent since bob's death */
	hb_rsc_ping(&S.n[0].r, S.now, true, &Q);
	process(0);
	run(100);
	assert_false(S.n[0].ran[1]);
	hb_rsc_ping_answer(&S.n[0].r, S.now, &Q);
	process(0);
	run(100);
	assert_true(runs(0, 1));
	assert_true(logged(0, "still dead: taking over"));
	assert_int_equal(count_sent(0, "t=resource rsc_hold=foreign info=mach_down"), 1);
}

/*
 * Cut off from everything at once, a node can declare the peer dead while
 * the ping nodes still count as reachable (their last answer came after
 * the peer's last heartbeat): only an answer to a ping sent after the
 * death lets it take over, and an answer from before does not count.
 */
static void test_ping_needs_answer_after_death(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_ON, true);
	hb_rsc_ping(&S.n[0].r, S.now, true, &Q);
	hb_rsc_ping_answer(&S.n[0].r, S.now, &Q);
	process(0);
	kill_node(1);
	run(3000);
	assert_false(S.n[0].ran[1]);
	assert_true(runs(0, 0));
	assert_true(S.n[0].r.takeover_pending);
	assert_true(logged(0, "once a ping node answers a ping sent now"));
	hb_rsc_ping_answer(&S.n[0].r, S.now, &Q);
	process(0);
	run(100);
	assert_true(runs(0, 1));
	assert_false(S.n[0].r.takeover_pending);
	assert_int_equal(count_sent(0, "t=resource rsc_hold=foreign info=mach_down"), 1);
}

static void test_ping_rule_peer_back(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_ON, true);
	hb_rsc_ping(&S.n[0].r, S.now, false, &Q);
	process(0);
	/* bob only looks dead (alice's side cut off) */
	S.link = false;
	schedule(S.now + DEADTIME, 1, 0);
	run(2000);
	assert_false(S.n[0].ran[1]);
	S.link = true;
	hb_rsc_peer_up(&S.n[0].r, S.now, &Q);
	process(0);
	hb_rsc_ping(&S.n[0].r, S.now, true, &Q);
	process(0);
	run(1000);
	assert_false(S.n[0].ran[1]);
	assert_true(runs(1, 1));
	assert_true(logged(0, "no takeover of its resources"));
}

static void test_no_ping_configured_takes(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_ON, false);
	hb_rsc_ping(&S.n[0].r, S.now, false, &Q);	/* ignored without ping nodes */
	process(0);
	kill_node(1);
	run(1500);
	assert_true(runs(0, 1));
}

/* ---- bad input ------------------------------------------------------- */

static void inject(int to, const char *src, ...)
{
	struct hb_msg m;
	struct hb_hdr h;
	const char *name, *value;
	va_list ap;

	hb_msg_init(&m);
	va_start(ap, src);
	while ((name = va_arg(ap, const char *))) {
		value = va_arg(ap, const char *);
		assert_int_equal(hb_msg_add_str(&m, name, value), HB_OK);
	}
	va_end(ap);
	if (src)
		hb_msg_add_str(&m, "src", src);
	assert_int_equal(hb_msg_hdr(&m, &h), HB_OK);
	hb_rsc_rx(&S.n[to].r, S.now, &m, &h, &Q);
	process(to);
	hb_msg_free(&m);
}

static void test_wrong_node_and_out_of_order(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_OFF, false);
	size_t base = S.nsent;

	inject(0, "mallory", "t", "shutdone", NULL);
	inject(0, "mallory", "t", "ask_resources", "rsc_hold", "all", "info", "done", NULL);
	inject(0, "alice", "t", "ip-request", "ipaddr", "10.0.0.100", NULL);
	inject(0, NULL, "t", "hb_takeover", "rsc_hold", "all", NULL);
	inject(0, "bob", "t", "ask_resources", "rsc_hold", "all", "info", "done", NULL);
	inject(0, "bob", "t", "ask_resources", "rsc_hold", "all", "info", "other", NULL);
	inject(0, "bob", "t", "ask_resources", "rsc_hold", "everything", "info", "me", NULL);
	inject(0, "bob", "t", "resource", "rsc_hold", "bogus", "rtype", "full", NULL);
	inject(0, "bob", "t", "ip-request-resp", "dest", "bob", "ipaddr", "hbdummy::b1",
	       "weown", "yes", "ok", "OK", NULL);
	inject(0, "bob", "t", "ip-request-resp", "dest", "alice", "ipaddr", "nosuch",
	       "weown", "yes", "ok", "OK", NULL);
	inject(0, "bob", "t", "ip-request", "ipaddr", "nosuch", NULL);
	inject(0, "bob", "t", "hb_takeover", "rsc_hold", "nonsense", NULL);
	inject(0, "bob", "t", "status", "st", "dead", NULL);
	run(2000);
	assert_int_equal(S.nsent, base);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	assert_false(S.n[0].ran[1]);
	assert_int_equal(hb_rsc_state(&S.n[0].r), HB_RSC_STABLE);
	assert_true(hb_rsc_in_transition(&S.n[0].r) == false);
	/* a resource message that is not "full" is ORed in */
	inject(0, "bob", "t", "resource", "rsc_hold", "foreign", "info", "mach_down", NULL);
	assert_int_equal(S.n[0].r.other_holds, HB_RSET_ALL);
	inject(0, "bob", "t", "resource", "rsc_hold", "local", "rtype", "full", "isstable", "1", NULL);
	assert_int_equal(S.n[0].r.other_holds, HB_RSET_LOCAL);
}

/* ---- partition --------------------------------------------------------- */

static void test_partition_heal(void **state)
{
	(void)state;
	stable_pair(HB_FAILBACK_ON, false);
	S.check_both = false;	/* a real split brain: both run everything */
	S.link = false;
	schedule(S.now + DEADTIME, 1, 0);
	schedule(S.now + DEADTIME, 1, 1);
	run(2000);
	assert_true(runs(0, 1));
	assert_true(runs(1, 0));
	S.link = true;
	hb_rsc_peer_partition(&S.n[0].r, S.now, &Q);
	process(0);
	hb_rsc_peer_partition(&S.n[1].r, S.now, &Q);
	process(1);
	assert_true(logged(0, "returning after partition"));
	run(100);
	assert_true(S.n[0].exited && S.n[0].restart);
	assert_true(S.n[1].exited && S.n[1].restart);
	assert_int_equal(count_sent(0, "t=shutdone"), 1);
	for (int g = 0; g < NG; g++) {
		assert_false(S.n[0].ran[g]);
		assert_false(S.n[1].ran[g]);
	}
	/* both re-exec: a normal start decides again */
	S.check_both = true;
	S.n[0].up = S.n[1].up = true;
	S.nev = 0;
	hb_rsc_free(&S.n[0].r);
	hb_rsc_free(&S.n[1].r);
	node_init(0);
	node_init(1);
	start_both();
	run(12000);
	assert_true(runs(0, 0));
	assert_true(runs(1, 1));
	assert_true(stopped(0, 1));
	assert_true(stopped(1, 0));
}

/* ---- small pieces ------------------------------------------------------ */

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(hb_rset_mirror(HB_RSET_LOCAL), HB_RSET_FOREIGN);
	assert_int_equal(hb_rset_mirror(HB_RSET_FOREIGN), HB_RSET_LOCAL);
	assert_int_equal(hb_rset_mirror(HB_RSET_ALL), HB_RSET_ALL);
	assert_int_equal(hb_rset_mirror(HB_RSET_NONE), HB_RSET_NONE);
	assert_int_equal(hb_rset_parse("Foreign"), HB_RSET_FOREIGN);
	assert_int_equal(hb_rset_parse("failback"), -1);
	assert_int_equal(hb_rset_parse(NULL), -1);
	assert_string_equal(hb_rsc_state_str(HB_RSC_BOTHSTARTING), "bothstarting");
	assert_string_equal(hb_rsc_gstate_str(HB_G_STOPPING), "stopping");
	assert_string_equal(hb_rsc_owner_str(HB_OWNER_PEER), "peer");
	assert_string_equal(hb_rset_str(HB_RSET_ALL), "all");
}

static void test_init_rejects(void **state)
{
	struct hb_rsc r;
	struct hb_haresources hr = { 0 };
	struct hb_rsc_cfg cfg = { .local = "", .hr = &hr };

	(void)state;
	assert_int_equal(hb_rsc_init(&r, &cfg), -1);
	cfg.local = "alice";
	cfg.hr = NULL;
	assert_int_equal(hb_rsc_init(&r, &cfg), -1);
	cfg.hr = &hr;
	assert_int_equal(hb_rsc_init(&r, &cfg), 0);
	/* no groups, no peer: comm up makes it stable at once */
	hb_rsc_actq_init(&Q);
	hb_rsc_comm_up(&r, 0, &Q);
	assert_int_equal(hb_rsc_state(&r), HB_RSC_STABLE);
	assert_int_equal(hb_rsc_tick(&r, 1, &Q), UINT64_MAX);
	hb_rsc_actq_free(&Q);
	hb_rsc_free(&r);
}

#define T(f) cmocka_unit_test_teardown(f, sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_alone_after_initdead),
		T(test_both_start_nice),
		T(test_join_stable_peer),
		T(test_auto_failback_on_return),
		T(test_legacy_startup),
		T(test_legacy_ip_request_moves_group),
		T(test_peer_death_takeover),
		T(test_no_failback_when_off),
		T(test_standby_all),
		T(test_standby_local_then_foreign_both_roles),
		T(test_takeover_all),
		T(test_responder_dies_during_standby),
		T(test_initiator_dies_during_standby),
		T(test_standby_no_reply),
		T(test_standby_collision),
		T(test_fifo_standby),
		T(test_shutdown_handoff),
		T(test_shutdown_delayed_in_transition),
		T(test_failed_start_offered_to_peer),
		T(test_failed_start_no_bounce),
		T(test_failed_start_alone_stays_failed),
		T(test_failed_stop_in_standby),
		T(test_failed_stop_then_peer_death),
		T(test_ping_split_brain_rule),
		T(test_ping_needs_answer_after_death),
		T(test_ping_rule_peer_back),
		T(test_no_ping_configured_takes),
		T(test_wrong_node_and_out_of_order),
		T(test_partition_heal),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_init_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
