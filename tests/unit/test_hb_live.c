/*
 * Unit tests for daemon/hb/hb_live.c: liveness, sequence tracking, ACKs
 * and retransmission requests, driven by a simulated clock (ms).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hb/hb_live.h"

static struct hb_live L;
static struct hb_live_evq Q;

/* alice watches bob over two media; keepalive 200 ms, deadtime 1 s */
static void setup_live(uint32_t initdead)
{
	struct hb_live_cfg cfg = {
		.deadtime_ms = 1000, .warntime_ms = 500, .initdead_ms = initdead,
		.max_rexmit_delay_ms = 250, .nmedia = 2, .seed = 12345,
	};
	char *nodes[] = { "bob" };

	assert_int_equal(hb_live_init(&L, &cfg, nodes, 1, 0), 0);
	memset(&Q, 0, sizeof(Q));
}

static struct hb_hdr status(uint64_t seq, uint64_t hg)
{
	struct hb_hdr h;

	memset(&h, 0, sizeof(h));
	h.t = "status";
	h.st = "active";
	h.src = "bob";
	h.has_seq = true;
	h.seq = seq;
	h.has_hg = true;
	h.hg = hg;
	h.has_dt = true;
	h.dt = 1000;
	h.protocol = 1;
	h.ttl = 3;
	return h;
}

static struct hb_hdr msg(const char *t, uint64_t seq, uint64_t hg)
{
	struct hb_hdr h = status(seq, hg);

	h.t = t;
	h.st = NULL;
	h.has_dt = false;
	h.protocol = -1;
	if (hb_type_is_noseq(t))
		h.has_seq = false;
	return h;
}

static enum hb_live_verdict rx(uint64_t now, int medium, struct hb_hdr h)
{
	return hb_live_rx(&L, now, 0, medium, &h, true, &Q);
}

/* Number of queued events of a type; the last one's payload in *a, *b. */
static size_t count(enum hb_live_ev_type t, uint64_t *a, uint64_t *b)
{
	size_t n = 0;

	for (size_t i = 0; i < Q.n; i++) {
		if (Q.ev[i].type != t)
			continue;
		n++;
		if (a)
			*a = Q.ev[i].a;
		if (b)
			*b = Q.ev[i].b;
	}
	return n;
}

static void clear(void)
{
	Q.n = 0;
}

/* The ack trigger bob got from the seed, so ACK tests need no guessing. */
static unsigned trigger(void)
{
	return L.nodes[0].ack_trigger;
}

static void test_initdead_and_comm_up(void **state)
{
	uint64_t next, a;

	(void)state;
	setup_live(2000);
	next = hb_live_tick(&L, 0, &Q);
	assert_int_equal(next, 2001);
	assert_int_equal(Q.n, 0);
	hb_live_tick(&L, 2000, &Q);
	assert_int_equal(Q.n, 0);
	/* nobody heard by initdead: bob is dead, comm is up */
	next = hb_live_tick(&L, 2001, &Q);
	assert_int_equal(count(HB_LIVE_EV_NODE_DEAD, &a, NULL), 1);
	assert_int_equal(a, 2001);
	assert_int_equal(count(HB_LIVE_EV_COMM_UP, NULL, NULL), 1);
	assert_int_equal(Q.ev[Q.n - 1].node, -1);
	assert_int_equal(next, UINT64_MAX);
	assert_int_equal(L.nodes[0].state, HB_LIVE_DEAD);
	clear();
	hb_live_tick(&L, 5000, &Q);
	assert_int_equal(Q.n, 0);	/* once only */
}

static void test_comm_up_when_heard(void **state)
{
	uint64_t b;

	(void)state;
	setup_live(12000);
	assert_int_equal(rx(100, 0, status(1, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_NODE_UP, NULL, &b), 1);
	assert_int_equal(b, 0);
	assert_int_equal(count(HB_LIVE_EV_LINK_UP, NULL, NULL), 1);
	assert_int_equal(Q.ev[1].medium, 0);
	clear();
	assert_int_equal(hb_live_tick(&L, 150, &Q), 100 + 1000 + 1);
	assert_int_equal(count(HB_LIVE_EV_COMM_UP, NULL, NULL), 1);
	assert_true(L.comm_up);
	assert_string_equal(L.nodes[0].status, "active");
	/* medium 1 has not been heard yet */
	assert_false(hb_live_all_up(&L));
	rx(160, 1, status(1, 7));
	assert_true(hb_live_all_up(&L));
}

/* Dead after deadtime with every medium silent, not before; links die on their own. */
static void test_dead_only_when_all_media_silent(void **state)
{
	uint64_t t, a;
	uint64_t seq = 1;

	(void)state;
	setup_live(12000);
	/* both media carry every heartbeat for 2 s */
	for (t = 0; t <= 2000; t += 200, seq++) {
		rx(t, 0, status(seq, 7));
		rx(t + 1, 1, status(seq, 7));
		hb_live_tick(&L, t + 1, &Q);
		/* (not before comm up, at initdead or when all are heard) */
		assert_true(hb_live_all_up(&L) == L.comm_up);
	}
	assert_true(hb_live_all_up(&L));
	clear();
	/* medium 0 breaks at t=2000: only medium 1 goes on */
	for (t = 2200; t <= 5000; t += 200, seq++) {
		assert_int_equal(rx(t, 1, status(seq, 7)), HB_LIVE_ACCEPT);
		hb_live_tick(&L, t, &Q);
	}
	assert_int_equal(count(HB_LIVE_EV_LINK_DEAD, &a, NULL), 1);
	assert_int_equal(Q.ev[0].medium, 0);
	assert_int_equal(count(HB_LIVE_EV_NODE_DEAD, NULL, NULL), 0);
	assert_false(L.nodes[0].links[0].up);
	assert_true(L.nodes[0].links[1].up);
	/* a dead link: its return must be noticed at once */
	assert_false(hb_live_all_up(&L));
	clear();
	/* medium 0 comes back */
	rx(5001, 0, status(seq - 1, 7));	/* a duplicate still counts for the link */
	assert_int_equal(count(HB_LIVE_EV_LINK_UP, NULL, NULL), 1);
	assert_true(hb_live_all_up(&L));
	clear();
	/* now everything stops: medium 1 last heard at 5000, medium 0 at 5001 */
	assert_int_equal(hb_live_tick(&L, 5500, &Q), 5000 + 1000 + 1);
	assert_int_equal(Q.n, 0);
	hb_live_tick(&L, 6001, &Q);
	assert_int_equal(count(HB_LIVE_EV_LINK_DEAD, NULL, NULL), 1);
	assert_int_equal(Q.ev[0].medium, 1);
	assert_int_equal(count(HB_LIVE_EV_NODE_DEAD, NULL, NULL), 0);
	hb_live_tick(&L, 6002, &Q);
	assert_int_equal(count(HB_LIVE_EV_NODE_DEAD, &a, NULL), 1);
	assert_int_equal(a, 1001);
	assert_int_equal(count(HB_LIVE_EV_LINK_DEAD, NULL, NULL), 2);
	assert_string_equal(L.nodes[0].status, "dead");
	assert_false(hb_live_all_up(&L));
}

/* The peer's advertised dt is the dead time used for it. */
static void test_peer_deadtime(void **state)
{
	struct hb_hdr h;

	(void)state;
	setup_live(12000);
	h = status(1, 7);
	h.dt = 3000;	/* bb8, sent during the first seconds after start */
	rx(0, 0, h);
	assert_int_equal(L.nodes[0].dead_ms, 3000);
	clear();
	hb_live_tick(&L, 2500, &Q);
	assert_int_equal(count(HB_LIVE_EV_NODE_DEAD, NULL, NULL), 0);
	assert_int_equal(hb_live_tick(&L, 2600, &Q), 3001);
	hb_live_tick(&L, 3001, &Q);
	assert_int_equal(count(HB_LIVE_EV_NODE_DEAD, NULL, NULL), 1);
	/* dt=0 or absurd values are ignored */
	setup_live(12000);
	h.dt = 0;
	rx(0, 0, h);
	assert_int_equal(L.nodes[0].dead_ms, 1000);
}

static void test_late_heartbeat(void **state)
{
	uint64_t a;

	(void)state;
	setup_live(12000);
	rx(0, 0, status(1, 7));
	rx(200, 0, status(2, 7));
	rx(700, 0, status(3, 7));	/* 500: not late */
	assert_int_equal(count(HB_LIVE_EV_LATE, NULL, NULL), 0);
	rx(1201, 0, status(4, 7));	/* 501 > warntime */
	assert_int_equal(count(HB_LIVE_EV_LATE, &a, NULL), 1);
	assert_int_equal(a, 501);
	/* non-status traffic keeps the node alive but is not a heartbeat */
	clear();
	rx(1300, 0, msg("resource", 5, 7));
	rx(1800, 0, status(6, 7));	/* 599 after the last status */
	assert_int_equal(count(HB_LIVE_EV_LATE, &a, NULL), 1);
	assert_int_equal(a, 599);
}

static void test_duplicates_and_order(void **state)
{
	(void)state;
	setup_live(12000);
	assert_int_equal(rx(0, 0, status(5, 7)), HB_LIVE_ACCEPT);	/* any first seq */
	assert_int_equal(rx(1, 1, status(5, 7)), HB_LIVE_DUPLICATE);
	assert_int_equal(rx(2, 0, msg("resource", 6, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(rx(3, 1, msg("resource", 6, 7)), HB_LIVE_DUPLICATE);
	assert_int_equal(rx(4, 1, msg("resource", 4, 7)), HB_LIVE_OLD);
	assert_int_equal(rx(5, 1, msg("resource", 0, 7)), HB_LIVE_BAD);
	struct hb_hdr h = msg("resource", 7, 7);

	h.has_seq = false;
	assert_int_equal(rx(6, 1, h), HB_LIVE_BAD);
	/* NS_ types are outside the sequence */
	assert_int_equal(rx(7, 0, msg("NS_ackmsg", 0, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(L.nodes[0].last_seq, 6);
	/* not for us: still tracked */
	h = msg("ip-request-resp", 7, 7);
	assert_int_equal(hb_live_rx(&L, 8, 0, 0, &h, false, &Q), HB_LIVE_NOT_FOR_US);
	assert_int_equal(L.nodes[0].last_seq, 7);
	assert_int_equal(hb_live_rx(&L, 9, 0, 0, &h, false, &Q), HB_LIVE_DUPLICATE);
	/* unknown node index */
	assert_int_equal(hb_live_rx(&L, 9, 3, 0, &h, true, &Q), HB_LIVE_BAD);
	assert_int_equal(hb_live_node(&L, "BOB"), 0);
	assert_int_equal(hb_live_node(&L, "carol"), -1);
}

static void test_generations(void **state)
{
	uint64_t a, b;

	(void)state;
	setup_live(12000);
	rx(0, 0, status(10, 7));
	rx(200, 0, status(11, 7));
	/* an older generation is a replay: dropped, and does not keep bob alive */
	clear();
	assert_int_equal(rx(300, 0, status(12, 6)), HB_LIVE_REPLAY);
	assert_int_equal(Q.n, 0);
	assert_int_equal(L.nodes[0].last_ms, 200);
	/* a higher one is a restart: tracking starts over at its seq */
	assert_int_equal(rx(400, 0, status(1, 8)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_RESTART, &a, &b), 1);
	assert_int_equal(a, 7);
	assert_int_equal(b, 8);
	assert_int_equal(rx(600, 0, status(2, 8)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_LOST, NULL, NULL), 0);
}

/* Same generation from a node declared dead: "returning after partition". */
static void test_partition_heal(void **state)
{
	uint64_t b;

	(void)state;
	setup_live(12000);
	rx(0, 0, status(1, 7));
	hb_live_tick(&L, 1001, &Q);
	assert_int_equal(L.nodes[0].state, HB_LIVE_DEAD);
	clear();
	assert_int_equal(rx(3000, 0, status(15, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 1);
	assert_int_equal(count(HB_LIVE_EV_NODE_UP, NULL, &b), 1);
	assert_int_equal(b, 1);	/* it had been dead */
	/* what it sent while cut off is not asked for again */
	assert_int_equal(count(HB_LIVE_EV_LOST, NULL, NULL), 0);
	assert_int_equal(L.nodes[0].nmissing, 0);
	assert_int_equal(rx(3200, 0, status(16, 7)), HB_LIVE_ACCEPT);
	/* another message first: the partition is told on the first status */
	setup_live(12000);
	rx(0, 0, status(1, 7));
	hb_live_tick(&L, 1001, &Q);
	clear();
	assert_int_equal(rx(3000, 0, msg("ip-request", 15, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 0);
	assert_int_equal(count(HB_LIVE_EV_NODE_UP, NULL, NULL), 1);
	assert_int_equal(rx(3100, 0, msg("ip-request", 16, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 0);
	assert_int_equal(rx(3200, 0, status(17, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 1);
	assert_int_equal(count(HB_LIVE_EV_LOST, NULL, NULL), 0);
	clear();
	assert_int_equal(rx(3400, 0, status(18, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 0);	/* once */
	/*
	 * an acknowledgement (no seq) first: it does not bring the node
	 * back (Heartbeat changes a node's status on status messages), so
	 * the status after it is still the return from the partition, and
	 * its sequence gap is not taken for losses
	 */
	setup_live(12000);
	rx(0, 0, status(1, 7));
	hb_live_tick(&L, 1001, &Q);
	clear();
	assert_int_equal(rx(3000, 0, msg("NS_ackmsg", 0, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(rx(3010, 0, msg("NS_rexmit", 0, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(L.nodes[0].state, HB_LIVE_DEAD);
	assert_int_equal(Q.n, 0);
	assert_int_equal(rx(3100, 0, status(15, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 1);
	assert_int_equal(count(HB_LIVE_EV_NODE_UP, NULL, &b), 1);
	assert_int_equal(b, 1);
	assert_int_equal(count(HB_LIVE_EV_LOST, NULL, NULL), 0);
	assert_int_equal(L.nodes[0].nmissing, 0);
	/* nor does a restarted node's first acknowledgement make a partition */
	setup_live(12000);
	rx(0, 0, status(1, 7));
	hb_live_tick(&L, 1001, &Q);
	clear();
	rx(3000, 0, msg("NS_ackmsg", 0, 8));
	rx(3100, 0, status(1, 8));
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 0);
	assert_int_equal(count(HB_LIVE_EV_RESTART, NULL, NULL), 1);
	/* a restart after death is not a partition */
	setup_live(12000);
	rx(0, 0, status(1, 7));
	hb_live_tick(&L, 1001, &Q);
	clear();
	rx(3000, 0, status(1, 8));
	assert_int_equal(count(HB_LIVE_EV_PARTITION, NULL, NULL), 0);
	assert_int_equal(count(HB_LIVE_EV_RESTART, NULL, NULL), 1);
}

static void test_gap_rexmit_and_recovery(void **state)
{
	uint64_t a, b, next;

	(void)state;
	setup_live(12000);
	rx(0, 0, status(1, 7));
	rx(10, 0, msg("resource", 2, 7));
	clear();
	/* 3, 4, 5 lost (or late on the other medium) */
	assert_int_equal(rx(20, 0, msg("resource", 6, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_LOST, &a, &b), 1);
	assert_int_equal(a, 3);
	assert_int_equal(b, 5);
	assert_int_equal(L.nodes[0].nmissing, 3);
	/* the request waits a random 50..250 ms */
	next = hb_live_tick(&L, 20, &Q);
	assert_true(next >= 70 && next <= 270);
	assert_int_equal(count(HB_LIVE_EV_SEND_REXMIT, NULL, NULL), 0);
	/* 4 arrives in the meantime */
	assert_int_equal(rx(30, 1, msg("resource", 4, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(rx(31, 0, msg("resource", 4, 7)), HB_LIVE_OLD);
	clear();
	hb_live_tick(&L, next, &Q);
	/* one request per run of missing numbers */
	assert_int_equal(count(HB_LIVE_EV_SEND_REXMIT, NULL, NULL), 2);
	assert_int_equal(Q.ev[0].a, 3);
	assert_int_equal(Q.ev[0].b, 3);
	assert_int_equal(Q.ev[1].a, 5);
	assert_int_equal(Q.ev[1].b, 5);
	/* asked again every max_rexmit_delay */
	assert_int_equal(hb_live_tick(&L, next + 1, &Q), next + 250);
	clear();
	hb_live_tick(&L, next + 250, &Q);
	assert_int_equal(count(HB_LIVE_EV_SEND_REXMIT, NULL, NULL), 2);
	clear();
	/* 3 is retransmitted, 5 is NAKed: nothing missing any more */
	assert_int_equal(rx(next + 260, 0, msg("resource", 3, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_RECOVERED, NULL, NULL), 0);
	hb_live_nak(&L, 0, 5, &Q);
	assert_int_equal(count(HB_LIVE_EV_RECOVERED, NULL, NULL), 1);
	hb_live_nak(&L, 0, 5, &Q);
	hb_live_nak(&L, 7, 5, &Q);
	assert_int_equal(count(HB_LIVE_EV_RECOVERED, NULL, NULL), 1);
	clear();
	hb_live_tick(&L, next + 1000, &Q);
	assert_int_equal(count(HB_LIVE_EV_SEND_REXMIT, NULL, NULL), 0);
}

/* A gap filled by the late copy itself: recovered, no request sent. */
static void test_gap_filled_in_time(void **state)
{
	(void)state;
	setup_live(12000);
	rx(0, 0, status(1, 7));
	rx(10, 0, msg("resource", 3, 7));
	assert_int_equal(L.nodes[0].nmissing, 1);
	clear();
	assert_int_equal(rx(11, 1, msg("resource", 2, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_RECOVERED, NULL, NULL), 1);
	assert_int_equal(L.nodes[0].nmissing, 0);
	clear();
	hb_live_tick(&L, 1000, &Q);
	assert_int_equal(count(HB_LIVE_EV_SEND_REXMIT, NULL, NULL), 0);
}

static void test_big_gap_resets(void **state)
{
	uint64_t a;

	(void)state;
	setup_live(12000);
	rx(0, 0, status(1, 7));
	clear();
	assert_int_equal(rx(10, 0, msg("resource", 253, 7)), HB_LIVE_ACCEPT);	/* 251 lost */
	assert_int_equal(count(HB_LIVE_EV_LOST_MANY, &a, NULL), 1);
	assert_int_equal(a, 251);
	assert_int_equal(L.nodes[0].nmissing, 0);
	assert_int_equal(rx(20, 0, msg("resource", 254, 7)), HB_LIVE_ACCEPT);
	/* a gap of exactly 250 is still tracked */
	clear();
	rx(30, 0, msg("resource", 505, 7));
	assert_int_equal(count(HB_LIVE_EV_LOST, NULL, NULL), 1);
	assert_int_equal(L.nodes[0].nmissing, 250);
	rx(40, 0, msg("resource", 756, 7));
	assert_int_equal(L.nodes[0].nmissing, HB_LIVE_MAX_MISSING);
	/* more missing than the table holds: the oldest are forgotten */
	rx(50, 0, msg("resource", 1007, 7));
	assert_int_equal(L.nodes[0].nmissing, HB_LIVE_MAX_MISSING);
	for (size_t i = 0; i < L.nodes[0].nmissing; i++)
		assert_true(L.nodes[0].missing[i] >= 506);
	/* the tick coalesces 500 numbers into a few requests */
	clear();
	hb_live_tick(&L, 1000, &Q);
	assert_int_equal(count(HB_LIVE_EV_SEND_REXMIT, NULL, NULL), 2);
	assert_int_equal(Q.ev[0].a, 506);
	assert_int_equal(Q.ev[0].b, 755);
	assert_int_equal(Q.ev[1].a, 757);
	assert_int_equal(Q.ev[1].b, 1006);
}

static void test_acks(void **state)
{
	uint64_t a;
	unsigned acks = 0;

	(void)state;
	setup_live(12000);
	/* every 10th message of a protocol=1 peer, at its trigger */
	for (uint64_t s = 1; s <= 40; s++) {
		clear();
		rx(s * 10, 0, status(s, 7));
		if (count(HB_LIVE_EV_SEND_ACK, &a, NULL)) {
			acks++;
			assert_int_equal(a % 10, trigger());
			assert_int_equal(a, s);
		}
	}
	assert_int_equal(acks, 4);
	/* no ACK while something is missing */
	clear();
	uint64_t s = 41;

	while (s % 10 != trigger())
		s++;
	rx(500, 0, status(s + 1, 7));	/* s lost: s+1 arrives */
	rx(501, 0, status(s + 10, 7));
	assert_int_equal(count(HB_LIVE_EV_SEND_ACK, NULL, NULL), 0);
	/* a peer that never said protocol=1 gets no ACKs */
	setup_live(12000);
	for (uint64_t k = 1; k <= 20; k++) {
		struct hb_hdr h = status(k, 7);

		h.protocol = -1;
		rx(k, 0, h);
	}
	assert_int_equal(count(HB_LIVE_EV_SEND_ACK, NULL, NULL), 0);
}

static void test_event_queue_overflow(void **state)
{
	(void)state;
	setup_live(12000);
	Q.n = HB_LIVE_EVQ - 1;
	rx(0, 0, status(1, 7));	/* node-up and link-up: one does not fit */
	assert_int_equal(Q.n, HB_LIVE_EVQ);
	assert_int_equal(Q.dropped, 1);
	/* events can be ignored altogether */
	struct hb_hdr h = status(2, 7);

	assert_int_equal(hb_live_rx(&L, 10, 0, 1, &h, true, NULL), HB_LIVE_ACCEPT);
	/* medium 0 was last heard at 0 */
	assert_int_equal(hb_live_tick(&L, 20, NULL), 0 + 1000 + 1);
}

/* shutdone: dead at once, both links down; a restart brings it back */
static void test_leave(void **state)
{
	uint64_t a = 99;

	(void)state;
	setup_live(3000);
	assert_int_equal(rx(100, 0, status(1, 7)), HB_LIVE_ACCEPT);
	assert_int_equal(rx(110, 1, status(1, 7)), HB_LIVE_DUPLICATE);
	clear();
	hb_live_leave(&L, 0, 300, &Q);
	assert_int_equal(count(HB_LIVE_EV_NODE_DEAD, &a, NULL), 1);
	assert_int_equal(a, 0);
	assert_int_equal(count(HB_LIVE_EV_LINK_DEAD, NULL, NULL), 2);
	assert_int_equal(L.nodes[0].state, HB_LIVE_DEAD);
	assert_string_equal(L.nodes[0].status, "dead");
	clear();
	hb_live_leave(&L, 0, 310, &Q);		/* already gone: nothing more */
	hb_live_leave(&L, 5, 310, &Q);		/* no such node */
	assert_int_equal(Q.n, 0);
	/* it restarts with a higher generation */
	assert_int_equal(rx(2000, 0, status(1, 8)), HB_LIVE_ACCEPT);
	assert_int_equal(count(HB_LIVE_EV_NODE_UP, NULL, &a), 1);
	assert_int_equal(a, 1);
	assert_int_equal(L.nodes[0].state, HB_LIVE_ALIVE);
}

static void test_init_limits_and_names(void **state)
{
	struct hb_live_cfg cfg = { .deadtime_ms = 1000, .nmedia = HB_LIVE_MAX_MEDIA + 1 };
	char *nodes[HB_LIVE_MAX_NODES + 1];
	char longname[120];

	(void)state;
	for (int i = 0; i <= HB_LIVE_MAX_NODES; i++)
		nodes[i] = "n";
	assert_int_equal(hb_live_init(&L, &cfg, nodes, 1, 0), -1);
	cfg.nmedia = 1;
	assert_int_equal(hb_live_init(&L, &cfg, nodes, HB_LIVE_MAX_NODES + 1, 0), -1);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	nodes[0] = longname;
	assert_int_equal(hb_live_init(&L, &cfg, nodes, 1, 0), -1);
	for (int t = HB_LIVE_EV_NODE_UP; t <= HB_LIVE_EV_COMM_UP; t++)
		assert_string_not_equal(hb_live_ev_str((enum hb_live_ev_type)t), "?");
	for (int v = HB_LIVE_ACCEPT; v <= HB_LIVE_BAD; v++)
		assert_string_not_equal(hb_live_verdict_str((enum hb_live_verdict)v), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initdead_and_comm_up),
		cmocka_unit_test(test_comm_up_when_heard),
		cmocka_unit_test(test_dead_only_when_all_media_silent),
		cmocka_unit_test(test_peer_deadtime),
		cmocka_unit_test(test_late_heartbeat),
		cmocka_unit_test(test_duplicates_and_order),
		cmocka_unit_test(test_generations),
		cmocka_unit_test(test_partition_heal),
		cmocka_unit_test(test_gap_rexmit_and_recovery),
		cmocka_unit_test(test_gap_filled_in_time),
		cmocka_unit_test(test_big_gap_resets),
		cmocka_unit_test(test_acks),
		cmocka_unit_test(test_event_queue_overflow),
		cmocka_unit_test(test_leave),
		cmocka_unit_test(test_init_limits_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
