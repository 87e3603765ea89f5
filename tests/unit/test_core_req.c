/*
 * Unit tests for kmod/core/req.c and status.c: request bookkeeping, the
 * /proc counters it maintains, and the /proc/duet device lines checked
 * against literal /proc/drbd 8.4 output (drbd.md §7.4 and the stock DRBD
 * runs in qemu-bed-stock-drbd.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/req.h"
#include "kmod/core/status.h"

#define KIB(k) ((uint32_t)(k) * 1024)

static void check_ctr(const struct duet_counters *c, uint32_t lo, uint32_t pe,
		      uint32_t ua, uint32_t ap)
{
	assert_int_equal(c->local, lo);
	assert_int_equal(c->pending, pe);
	assert_int_equal(c->unacked, ua);
	assert_int_equal(c->app, ap);
	assert_int_equal(c->underflows, 0);
}

static void test_init(void **state)
{
	struct duet_req r;

	(void)state;
	assert_int_equal(duet_req_init(&r, 8, KIB(4), DUET_WRITE, DUET_REQ_FUA), 0);
	assert_int_equal(r.sector, 8);
	assert_int_equal(r.size, 4096);
	assert_int_equal(r.dir, DUET_WRITE);
	assert_int_equal(r.flags, DUET_REQ_FUA);
	assert_int_equal(r.state, 0);
	assert_int_equal(duet_req_init(&r, 0, 0, DUET_WRITE, DUET_REQ_FLUSH), 0);
	assert_int_equal(duet_req_init(&r, 0, 513, DUET_WRITE, 0), -1);
	assert_int_equal(duet_req_init(&r, ~0ULL, 1024, DUET_WRITE, 0), -1);
	assert_int_equal(duet_req_init(&r, 0, 512, DUET_READ, DUET_REQ_FUA), -1);
	assert_int_equal(duet_req_init(&r, 0, 512, DUET_WRITE, 0x8), -1);
	assert_int_equal(duet_req_init(&r, 0, 512, 2, 0), -1);
}

static void test_protocol_c_write(void **state)
{
	struct duet_counters c;
	struct duet_req r;

	(void)state;
	duet_ctr_init(&c);
	assert_int_equal(c.epochs, 1);
	assert_int_equal(c.wo, 'f');
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	assert_int_equal(duet_req_start(&c, &r, true, true, 'C'), 0);
	check_ctr(&c, 1, 1, 0, 1);
	assert_int_equal(duet_req_net_sent(&c, &r), 0);
	assert_int_equal(c.send_sect, 8);
	assert_int_equal(duet_req_net_sent(&c, &r), DUET_REQ_ACT_BAD);
	assert_int_equal(duet_req_local_done(&c, &r, true), 0);
	check_ctr(&c, 0, 1, 0, 1);
	assert_int_equal(c.writ_sect, 8);
	/* a receive ack is not what protocol C waits for */
	assert_int_equal(duet_req_net_ack(&c, &r, DUET_ACK_RECV), 0);
	check_ctr(&c, 0, 1, 0, 1);
	assert_int_equal(duet_req_net_ack(&c, &r, DUET_ACK_WRITE),
			 DUET_REQ_ACT_COMPLETE);
	check_ctr(&c, 0, 0, 0, 0);
	assert_true(r.state & DUET_RQ_COMPLETED);
	assert_int_equal(duet_req_net_ack(&c, &r, DUET_ACK_WRITE), DUET_REQ_ACT_BAD);
	assert_int_equal(duet_req_local_done(&c, &r, true), DUET_REQ_ACT_BAD);
	/* on the peer's disk: a broken connection loses nothing */
	assert_int_equal(duet_req_conn_lost(&c, &r), 0);
	check_ctr(&c, 0, 0, 0, 0);
}

static void test_protocols_a_b(void **state)
{
	struct duet_counters c;
	struct duet_req r;

	(void)state;
	duet_ctr_init(&c);
	/* B: the receive ack completes */
	duet_req_init(&r, 0, KIB(8), DUET_WRITE, 0);
	duet_req_start(&c, &r, true, true, 'B');
	assert_int_equal(duet_req_net_sent(&c, &r), 0);
	assert_int_equal(duet_req_net_ack(&c, &r, DUET_ACK_RECV), 0);
	check_ctr(&c, 1, 0, 0, 1);
	assert_int_equal(duet_req_local_done(&c, &r, true), DUET_REQ_ACT_COMPLETE);
	check_ctr(&c, 0, 0, 0, 0);
	/* not yet on the peer's disk: lost with the connection */
	assert_int_equal(duet_req_conn_lost(&c, &r), DUET_REQ_ACT_OOS);

	/* A: the send buffer completes it */
	duet_req_init(&r, 16, KIB(4), DUET_WRITE, 0);
	duet_req_start(&c, &r, true, true, 'A');
	assert_int_equal(duet_req_local_done(&c, &r, true), 0);
	assert_int_equal(duet_req_net_sent(&c, &r), DUET_REQ_ACT_COMPLETE);
	check_ctr(&c, 0, 0, 0, 0);
	/* an explicitly requested write ack (resync) is accepted, no effect */
	assert_int_equal(duet_req_net_ack(&c, &r, DUET_ACK_WRITE), 0);
	assert_int_equal(duet_req_conn_lost(&c, &r), 0);
	assert_int_equal(c.send_sect, 24);
	assert_int_equal(c.writ_sect, 24);
}

static void test_failures(void **state)
{
	struct duet_counters c;
	struct duet_req r;

	(void)state;
	duet_ctr_init(&c);
	/* disconnected Primary: the write is marked out of sync at once */
	duet_req_init(&r, 0, KIB(32), DUET_WRITE, 0);
	assert_int_equal(duet_req_start(&c, &r, true, false, 'C'), DUET_REQ_ACT_OOS);
	assert_int_equal(duet_req_local_done(&c, &r, true), DUET_REQ_ACT_COMPLETE);
	assert_int_equal(duet_req_conn_lost(&c, &r), 0);

	/* local failure, peer fine: success, our copy out of sync */
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	duet_req_start(&c, &r, true, true, 'C');
	assert_int_equal(duet_req_local_done(&c, &r, false), DUET_REQ_ACT_OOS);
	duet_req_net_sent(&c, &r);
	assert_int_equal(duet_req_net_ack(&c, &r, DUET_ACK_WRITE), DUET_REQ_ACT_COMPLETE);

	/* peer nack: success from the local copy, out of sync */
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	duet_req_start(&c, &r, true, true, 'C');
	duet_req_net_sent(&c, &r);
	assert_int_equal(duet_req_net_failed(&c, &r), DUET_REQ_ACT_OOS);
	assert_int_equal(duet_req_net_failed(&c, &r), DUET_REQ_ACT_BAD);
	assert_int_equal(duet_req_local_done(&c, &r, true), DUET_REQ_ACT_COMPLETE);

	/* both failed: an error upward */
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	duet_req_start(&c, &r, true, true, 'C');
	assert_int_equal(duet_req_local_done(&c, &r, false), DUET_REQ_ACT_OOS);
	assert_int_equal(duet_req_conn_lost(&c, &r),
			 DUET_REQ_ACT_OOS | DUET_REQ_ACT_COMPLETE | DUET_REQ_ACT_ERROR);
	check_ctr(&c, 0, 0, 0, 0);

	/* a write going nowhere */
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	assert_int_equal(duet_req_start(&c, &r, false, false, 'C'),
			 DUET_REQ_ACT_COMPLETE | DUET_REQ_ACT_ERROR);
	check_ctr(&c, 0, 0, 0, 0);

	/* a flush has no range to mark */
	duet_req_init(&r, 0, 0, DUET_WRITE, DUET_REQ_FLUSH);
	assert_int_equal(duet_req_start(&c, &r, true, false, 'C'), 0);
	assert_int_equal(duet_req_local_done(&c, &r, false),
			 DUET_REQ_ACT_COMPLETE | DUET_REQ_ACT_ERROR);
}

static void test_reads(void **state)
{
	struct duet_counters c;
	struct duet_req r;

	(void)state;
	duet_ctr_init(&c);
	duet_req_init(&r, 0, KIB(64), DUET_READ, 0);
	assert_int_equal(duet_req_start(&c, &r, true, false, 0), 0);
	assert_int_equal(duet_req_local_done(&c, &r, true), DUET_REQ_ACT_COMPLETE);
	assert_int_equal(c.read_sect, 128);
	/* a diskless Primary reads from the peer */
	duet_req_init(&r, 0, KIB(4), DUET_READ, 0);
	assert_int_equal(duet_req_start(&c, &r, false, true, 'C'), 0);
	assert_int_equal(duet_req_net_sent(&c, &r), 0);
	assert_int_equal(c.send_sect, 0);		/* a request, no data */
	assert_int_equal(duet_req_net_ack(&c, &r, DUET_ACK_WRITE), DUET_REQ_ACT_BAD);
	assert_int_equal(duet_req_net_data(&c, &r), DUET_REQ_ACT_COMPLETE);
	assert_int_equal(c.recv_sect, 8);
	check_ctr(&c, 0, 0, 0, 0);
	/* the connection breaks before the reply: an error, nothing to mark */
	duet_req_init(&r, 0, KIB(4), DUET_READ, 0);
	duet_req_start(&c, &r, false, true, 'C');
	assert_int_equal(duet_req_conn_lost(&c, &r),
			 DUET_REQ_ACT_COMPLETE | DUET_REQ_ACT_ERROR);
	assert_int_equal(duet_req_net_data(&c, &r), DUET_REQ_ACT_BAD);
	check_ctr(&c, 0, 0, 0, 0);
}

static void test_peer_requests(void **state)
{
	struct duet_counters c;
	struct duet_req r, q;
	unsigned int act;

	(void)state;
	duet_ctr_init(&c);
	/* protocol C: write ack after the local write */
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	assert_int_equal(duet_peer_write_received(&c, &r, 'C'), 0);
	check_ctr(&c, 1, 0, 1, 0);
	assert_int_equal(c.recv_sect, 8);
	act = duet_peer_write_done(&c, &r, true);
	assert_int_equal(act, DUET_REQ_ACT_SEND_WRITE_ACK);
	check_ctr(&c, 0, 0, 1, 0);
	duet_peer_answer_sent(&c, &r, act);
	check_ctr(&c, 0, 0, 0, 0);
	assert_int_equal(c.writ_sect, 8);
	assert_int_equal(duet_peer_write_done(&c, &r, true), DUET_REQ_ACT_BAD);
	/* failure: a negative ack */
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	duet_peer_write_received(&c, &r, 'C');
	assert_int_equal(duet_peer_write_done(&c, &r, false), DUET_REQ_ACT_SEND_NEG_ACK);
	duet_peer_answer_sent(&c, &r, DUET_REQ_ACT_SEND_NEG_ACK);
	assert_int_equal(c.writ_sect, 8);

	/* protocol B: the receive ack goes out at once */
	duet_req_init(&r, 0, KIB(4), DUET_WRITE, 0);
	assert_int_equal(duet_peer_write_received(&c, &r, 'B'), DUET_REQ_ACT_SEND_RECV_ACK);
	check_ctr(&c, 1, 0, 1, 0);
	duet_peer_answer_sent(&c, &r, DUET_REQ_ACT_SEND_RECV_ACK);
	check_ctr(&c, 1, 0, 0, 0);
	assert_int_equal(duet_peer_write_done(&c, &r, true), 0);
	/* protocol A: nothing owed */
	duet_req_init(&q, 0, KIB(4), DUET_WRITE, 0);
	assert_int_equal(duet_peer_write_received(&c, &q, 'A'), 0);
	check_ctr(&c, 1, 0, 0, 0);
	assert_int_equal(duet_peer_write_done(&c, &q, true), 0);
	check_ctr(&c, 0, 0, 0, 0);

	/* a read for the peer (diskless peer or resync) */
	duet_req_init(&r, 0, KIB(16), DUET_READ, 0);
	assert_int_equal(duet_peer_read_received(&c, &r), 0);
	check_ctr(&c, 1, 0, 1, 0);
	act = duet_peer_read_done(&c, &r, true);
	assert_int_equal(act, DUET_REQ_ACT_SEND_DATA);
	assert_int_equal(c.read_sect, 32);
	duet_peer_answer_sent(&c, &r, act);
	check_ctr(&c, 0, 0, 0, 0);
	assert_int_equal(c.send_sect, 32);
	duet_req_init(&r, 0, KIB(16), DUET_READ, 0);
	duet_peer_read_received(&c, &r);
	assert_int_equal(duet_peer_read_done(&c, &r, false), DUET_REQ_ACT_SEND_NEG_ACK);
	assert_int_equal(duet_peer_read_done(&c, &r, false), DUET_REQ_ACT_BAD);
	duet_peer_answer_sent(&c, &r, DUET_REQ_ACT_SEND_NEG_ACK);
	check_ctr(&c, 0, 0, 0, 0);

	/* an answer nobody owed: counted as a bookkeeping error, no wrap */
	duet_peer_answer_sent(&c, &r, DUET_REQ_ACT_SEND_NEG_ACK);
	assert_int_equal(c.unacked, 0);
	assert_int_equal(c.underflows, 1);
	duet_ctr_epoch_closed(&c);
	duet_ctr_epoch_closed(&c);
	assert_int_equal(c.epochs, 0);
	assert_int_equal(c.underflows, 2);
	duet_ctr_epoch_opened(&c);
	assert_int_equal(c.epochs, 1);
	duet_ctr_al_written(&c);
	duet_ctr_bm_written(&c);
	duet_ctr_al_written(NULL);
	duet_ctr_bm_written(NULL);
	assert_int_equal(c.al_writes, 1);
	assert_int_equal(c.bm_writes, 1);
}

/* ---- /proc lines ------------------------------------------------------ */

struct proc_case {
	const char *text;	/* expected, both lines */
	enum duet_role role, peer;
	enum duet_conn conn;
	enum duet_disk disk, pdsk;
	char proto;
	uint64_t ns, nr, dw, dr, al, bm;	/* KiB / counts */
	uint32_t lo, pe, ua, ap, ep;
	char wo;
	uint64_t oos;
};

static const struct proc_case proc_cases[] = {
	/* qemu-bed-stock-drbd.md a): after up, before primary --force */
	{ " 0: cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent C r-----\n"
	  "    ns:0 nr:0 dw:0 dr:0 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:261888\n",
	  DUET_ROLE_SECONDARY, DUET_ROLE_SECONDARY, DUET_C_CONNECTED,
	  DUET_D_INCONSISTENT, DUET_D_INCONSISTENT, 'C',
	  0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 1, 'f', 261888 },
	/* initial sync in progress, requests in flight */
	{ " 0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n"
	  "    ns:87172 nr:0 dw:0 dr:87360 al:8 bm:0 lo:0 pe:3 ua:1 ap:0 ep:1 wo:f oos:175872\n",
	  DUET_ROLE_PRIMARY, DUET_ROLE_SECONDARY, DUET_C_SYNC_SOURCE,
	  DUET_D_UP_TO_DATE, DUET_D_INCONSISTENT, 'C',
	  87172, 0, 0, 87360, 8, 0, 0, 3, 1, 0, 1, 'f', 175872 },
	/* c) bob after writing 32 MiB while alice is down */
	{ " 0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----\n"
	  "    ns:0 nr:262499 dw:582090 dr:139 al:21 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:32820\n",
	  DUET_ROLE_PRIMARY, DUET_ROLE_UNKNOWN, DUET_C_WF_CONNECTION,
	  DUET_D_UP_TO_DATE, DUET_D_UNKNOWN, 'C',
	  0, 262499, 582090, 139, 21, 0, 0, 0, 0, 0, 1, 'f', 32820 },
	/* d) alice rejoining as SyncTarget */
	{ " 0: cs:SyncTarget ro:Secondary/Primary ds:Inconsistent/UpToDate C r-----\n"
	  "    ns:0 nr:46592 dw:46592 dr:0 al:0 bm:0 lo:1 pe:2 ua:0 ap:0 ep:1 wo:f oos:215296\n",
	  DUET_ROLE_SECONDARY, DUET_ROLE_PRIMARY, DUET_C_SYNC_TARGET,
	  DUET_D_INCONSISTENT, DUET_D_UP_TO_DATE, 'C',
	  0, 46592, 46592, 0, 0, 0, 1, 2, 0, 0, 1, 'f', 215296 },
	/* drbd.md §7.4, 8.3.11: a stale (Outdated) peer while disconnected */
	{ " 0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/Outdated C r-----\n"
	  "    ns:4 nr:12 dw:16 dr:937 al:0 bm:2 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n",
	  DUET_ROLE_PRIMARY, DUET_ROLE_UNKNOWN, DUET_C_WF_CONNECTION,
	  DUET_D_UP_TO_DATE, DUET_D_OUTDATED, 'C',
	  4, 12, 16, 937, 0, 2, 0, 0, 0, 0, 1, 'f', 0 },
	/* drbd.md §7.4, 8.4.0 with barriers */
	{ " 0: cs:Connected ro:Secondary/Secondary ds:UpToDate/UpToDate C r-----\n"
	  "    ns:0 nr:0 dw:0 dr:656 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:0\n",
	  DUET_ROLE_SECONDARY, DUET_ROLE_SECONDARY, DUET_C_CONNECTED,
	  DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE, 'C',
	  0, 0, 0, 656, 0, 0, 0, 0, 0, 0, 1, 'b', 0 },
	/* drbd.md §7.4, 8.4.11: large counters */
	{ " 0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n"
	  "    ns:180441216 nr:0 dw:0 dr:180441216 al:16 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:794704668\n",
	  DUET_ROLE_PRIMARY, DUET_ROLE_SECONDARY, DUET_C_SYNC_SOURCE,
	  DUET_D_UP_TO_DATE, DUET_D_INCONSISTENT, 'C',
	  180441216, 0, 0, 180441216, 16, 0, 0, 0, 0, 0, 1, 'f', 794704668 },
	/* StandAlone: no net configuration, no protocol letter */
	{ " 0: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown   r-----\n"
	  "    ns:0 nr:0 dw:4 dr:0 al:1 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:4\n",
	  DUET_ROLE_PRIMARY, DUET_ROLE_UNKNOWN, DUET_C_STANDALONE,
	  DUET_D_UP_TO_DATE, DUET_D_UNKNOWN, 'C',
	  0, 0, 4, 0, 1, 0, 0, 0, 0, 0, 1, 'f', 4 },
	{ " 0: cs:StandAlone ro:Secondary/Unknown ds:Diskless/DUnknown   r-----\n"
	  "    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n",
	  DUET_ROLE_SECONDARY, DUET_ROLE_UNKNOWN, DUET_C_STANDALONE,
	  DUET_D_DISKLESS, DUET_D_UNKNOWN, 0,
	  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'f', 0 },
	/* protocol A */
	{ " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate A r-----\n"
	  "    ns:128 nr:0 dw:128 dr:0 al:2 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n",
	  DUET_ROLE_PRIMARY, DUET_ROLE_SECONDARY, DUET_C_CONNECTED,
	  DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE, 'A',
	  128, 0, 128, 0, 2, 0, 0, 0, 0, 0, 1, 'f', 0 },
};

static size_t format(const struct proc_case *pc, unsigned int minor, char *buf,
		     size_t size)
{
	struct duet_state s;
	struct duet_counters c;
	struct duet_dev_status d;

	duet_state_init(&s);
	s.role = pc->role;
	s.peer = pc->peer;
	s.conn = pc->conn;
	s.disk = pc->disk;
	s.pdsk = pc->pdsk;
	duet_ctr_init(&c);
	c.send_sect = pc->ns * 2;
	c.recv_sect = pc->nr * 2;
	c.writ_sect = pc->dw * 2;
	c.read_sect = pc->dr * 2;
	c.al_writes = pc->al;
	c.bm_writes = pc->bm;
	c.local = pc->lo;
	c.pending = pc->pe;
	c.unacked = pc->ua;
	c.app = pc->ap;
	c.epochs = pc->ep;
	c.wo = pc->wo;
	memset(&d, 0, sizeof(d));
	d.minor = minor;
	d.configured = true;
	d.st = &s;
	d.protocol = pc->proto;
	d.ctr = &c;
	d.oos_kib = pc->oos;
	return duet_status_format_dev(&d, buf, size);
}

static void test_proc_literal(void **state)
{
	char buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(proc_cases) / sizeof(proc_cases[0]); i++) {
		size_t n = format(&proc_cases[i], 0, buf, sizeof(buf));

		assert_string_equal(buf, proc_cases[i].text);
		assert_int_equal(n, strlen(proc_cases[i].text));
	}
}

static void test_proc_flags_and_minors(void **state)
{
	struct duet_state s;
	struct duet_counters c;
	struct duet_dev_status d;
	char buf[512], flags[7];

	(void)state;
	duet_state_init(&s);
	s.role = DUET_ROLE_PRIMARY;
	s.peer = DUET_ROLE_SECONDARY;
	s.conn = DUET_C_PAUSED_SYNC_S;
	s.disk = DUET_D_UP_TO_DATE;
	s.pdsk = DUET_D_INCONSISTENT;
	s.aftr_isp = true;
	duet_ctr_init(&c);
	memset(&d, 0, sizeof(d));
	d.minor = 12;
	d.configured = true;
	d.st = &s;
	d.protocol = 'C';
	d.ctr = &c;
	duet_status_format_dev(&d, buf, sizeof(buf));
	/* DRBD's letter order (drbd.md §7.2): 'a' second; two-digit minor */
	assert_string_equal(buf,
		"12: cs:PausedSyncS ro:Primary/Secondary ds:UpToDate/Inconsistent C ra----\n"
		"    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n");
	duet_status_flags(&d, flags);
	assert_string_equal(flags, "ra----");
	s.aftr_isp = false;
	s.peer_isp = true;
	s.user_isp = true;
	s.susp_fen = true;
	d.blocked = 'n';
	d.al_suspended = true;
	duet_status_flags(&d, flags);
	assert_string_equal(flags, "s-pun" "s");
	s.susp_fen = false;
	s.susp = true;
	duet_status_flags(&d, flags);
	assert_int_equal(flags[0], 's');

	/* an unconfigured minor */
	d.configured = false;
	d.minor = 1;
	assert_int_equal(duet_status_format_dev(&d, buf, sizeof(buf)), 20);
	assert_string_equal(buf, " 1: cs:Unconfigured\n");
	d.configured = true;
	d.minor = 123;
	d.st = NULL;
	duet_status_format_dev(&d, buf, sizeof(buf));
	assert_string_equal(buf, "123: cs:Unconfigured\n");
	/* an invalid protocol letter prints as blank */
	d.st = &s;
	d.protocol = 'Z';
	s.susp = false;
	s.peer_isp = s.user_isp = false;
	d.blocked = 0;
	d.al_suspended = false;
	duet_status_format_dev(&d, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ds:UpToDate/Inconsistent   r-----\n"));
}

/* every buffer size: bounded, terminated, a prefix, full length back */
static void test_proc_bounded(void **state)
{
	char full[512], buf[600];
	size_t n;

	(void)state;
	n = format(&proc_cases[1], 0, full, sizeof(full));
	for (size_t size = 0; size <= n + 2; size++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(format(&proc_cases[1], 0, size ? buf : NULL, size), n);
		if (size == 0) {
			assert_int_equal(buf[0], 'X');
			continue;
		}
		/* never past size, always terminated, a prefix of the text */
		assert_int_equal(buf[size], 'X');
		assert_int_equal(strlen(buf), size - 1 < n ? size - 1 : n);
		assert_memory_equal(buf, full, strlen(buf));
	}
}

/* drive the counters through the request API to a known /proc line */
static void test_proc_from_requests(void **state)
{
	struct duet_state s;
	struct duet_counters c;
	struct duet_dev_status d;
	struct duet_req r[4];
	char buf[512];

	(void)state;
	duet_ctr_init(&c);
	for (int i = 0; i < 4; i++) {
		duet_req_init(&r[i], (uint64_t)i * 8, KIB(4), DUET_WRITE, 0);
		duet_req_start(&c, &r[i], true, true, 'C');
		duet_req_net_sent(&c, &r[i]);
	}
	duet_req_local_done(&c, &r[0], true);
	duet_req_net_ack(&c, &r[0], DUET_ACK_WRITE);
	duet_req_local_done(&c, &r[1], true);
	duet_ctr_al_written(&c);
	duet_state_init(&s);
	s.role = DUET_ROLE_PRIMARY;
	s.peer = DUET_ROLE_SECONDARY;
	s.conn = DUET_C_CONNECTED;
	s.disk = DUET_D_UP_TO_DATE;
	s.pdsk = DUET_D_UP_TO_DATE;
	memset(&d, 0, sizeof(d));
	d.configured = true;
	d.st = &s;
	d.protocol = 'C';
	d.ctr = &c;
	duet_status_format_dev(&d, buf, sizeof(buf));
	assert_string_equal(buf,
		" 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
		"    ns:16 nr:0 dw:8 dr:0 al:1 bm:0 lo:2 pe:3 ua:0 ap:3 ep:1 wo:f oos:0\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_protocol_c_write),
		cmocka_unit_test(test_protocols_a_b),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_peer_requests),
		cmocka_unit_test(test_proc_literal),
		cmocka_unit_test(test_proc_flags_and_minors),
		cmocka_unit_test(test_proc_bounded),
		cmocka_unit_test(test_proc_from_requests),
	};

	return cmocka_run_group_tests_name("core_req", tests, NULL, NULL);
}
