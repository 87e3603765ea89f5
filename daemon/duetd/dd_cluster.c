/*
 * dd_cluster: membership and messaging glue around hb_msg, hb_auth and
 * hb_live. Packets come from dd_media / dd_serial in the GLib loop; the
 * heartbeat, the liveness deadlines that hb_live_tick asks for and the
 * ping nodes' are the pulse thread's (dd_pulse.h, under the daemon lock),
 * the resource deadlines the loop's one timer. Log lines use Heartbeat's
 * wording so existing log watchers match.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <qb/qblog.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_respawn.h"
#include "daemon/duetd/dd_sys.h"
#include "daemon/hb/hb_auth.h"
#include "daemon/hb/hb_str.h"

#define DD_DROP_LOG_MS 5000	/* at most one drop line per medium per 5 s */
#define DD_REXMIT_MAX 50	/* retransmissions per request, as Heartbeat */
#define DD_STARTUP_DT_MS 5000	/* advertise deadtime + 2 s this long */
#define DD_LOADAVG_MS 5000	/* the kernel's LOAD_FREQ */
#define DD_STARTUP_DT_EXTRA 2000

guint dd_source_fast(guint id)
{
	GSource *src = g_main_context_find_source_by_id(NULL, id);

	if (src)
		g_source_set_can_recurse(src, TRUE);
	return id;
}

uint64_t dd_now_ms(void)
{
	return (uint64_t)(g_get_monotonic_time() / 1000);
}

int64_t dd_wall_ms(void)
{
	return g_get_real_time() / 1000;
}

static const char *const drop_names[DD_DROP_COUNT] = {
	[DD_DROP_BAD_SIGNATURE] = "bad_signature",
	[DD_DROP_WRONG_KEY] = "wrong_key",
	[DD_DROP_MALFORMED] = "malformed",
	[DD_DROP_TRUNCATED] = "truncated",
	[DD_DROP_OVERSIZED] = "oversized",
	[DD_DROP_NOT_FOR_US] = "not_for_us",
	[DD_DROP_REPLAY] = "replay",
	[DD_DROP_UNKNOWN_NODE] = "unknown_node",
};

const char *dd_drop_name(enum dd_drop why)
{
	return why < DD_DROP_COUNT ? drop_names[why] : "?";
}

void dd_event(struct dd *d, int prio, const char *kind, const char *fmt, ...)
{
	char text[DD_EVENT_TEXT];
	const struct dd_event *ev;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	qb_log(prio, "%s%s", prio <= LOG_CRIT ? "CRIT: " : prio == LOG_ERR ? "ERROR: " :
	       prio == LOG_WARNING ? "WARN: " : "", text);
	ev = dd_events_add(&d->events, dd_wall_ms(), kind, text);
	dd_ipc_broadcast(d, ev);
}

void dd_cluster_drop(struct dd *d, struct dd_medium *m, enum dd_drop why,
		     const char *from, const char *detail)
{
	uint64_t now = dd_now_ms();
	uint64_t *last = m ? &m->last_drop_log_ms : &d->last_drop_log_ms;
	uint64_t *unlogged = m ? &m->drops_since_log : &d->drops_unlogged;

	d->drops[why]++;
	if (m)
		m->dropped++;
	/* not-for-us and replays are normal traffic; the rest is suspicious */
	if (why == DD_DROP_NOT_FOR_US || why == DD_DROP_REPLAY) {
		qb_log(LOG_DEBUG, "dropped packet from %s on %s: %s", from ? from : "?",
		       m ? m->name : "?", dd_drop_name(why));
		return;
	}
	if (*last && now - *last < DD_DROP_LOG_MS) {
		(*unlogged)++;
		return;
	}
	qb_log(LOG_WARNING, "WARN: dropped packet from %s on %s: %s%s%s (%" PRIu64
	       " more dropped since the last report)", from ? from : "?",
	       m ? m->spec : "?", dd_drop_name(why), detail ? ": " : "",
	       detail ? detail : "", *unlogged);
	*last = now ? now : 1;
	*unlogged = 0;
}

static enum dd_drop drop_reason(int err)
{
	switch (err) {
	case HB_E_TRUNCATED: return DD_DROP_TRUNCATED;
	case HB_E_TOOBIG: return DD_DROP_OVERSIZED;
	case HB_E_NOAUTH:
	case HB_E_BADAUTH:
	case HB_E_SIG: return DD_DROP_BAD_SIGNATURE;
	case HB_E_KEY: return DD_DROP_WRONG_KEY;
	default: return DD_DROP_MALFORMED;
	}
}

const char *dd_peer_status(const struct dd *d, size_t i)
{
	const struct hb_live_node *n = &d->live.nodes[i];

	switch (n->state) {
	case HB_LIVE_INIT: return "init";
	case HB_LIVE_DEAD: return "dead";
	default: return n->status[0] ? n->status : "up";
	}
}

/* ---- sending ----------------------------------------------------------- */

/*
 * Puts a signed message on every medium: netstring on UDP, classic on
 * serial. With seq, the netstring encoding is kept for retransmission.
 */
/*
 * m in one wire format: in buf (cap bytes) when it fits, which is one
 * encoding and one signature for the usual message, else malloc'ed (the
 * caller frees it when it is not buf); NULL (and *len < 0) on failure.
 */
static char *encode(struct dd *d, const struct hb_msg *m, enum hb_fmt fmt, char *buf,
		    size_t cap, long *len)
{
	char *big;

	*len = hb_auth_encode(m, fmt, &d->keys, buf, cap);
	if (*len <= 0)
		return NULL;
	if ((size_t)*len <= cap)
		return buf;
	big = malloc((size_t)*len);
	if (big && hb_auth_encode(m, fmt, &d->keys, big, (size_t)*len) == *len)
		return big;
	free(big);
	*len = -1;
	return NULL;
}

/* the two forms of one message on every medium (NULL: not sent there);
 * a sequenced one is kept for retransmission */
static void wire_send(struct dd *d, uint64_t seq, const void *ns, size_t nl, const void *cl,
		      size_t cll)
{
	for (size_t i = 0; i < d->nmedia; i++) {
		struct dd_medium *md = &d->media[i];

		if (md->cfg->kind == HB_MEDIA_SERIAL) {
			if (cl)
				dd_media_send(d, md, cl, cll);
		} else if (ns) {
			dd_media_send(d, md, ns, nl);
		}
	}
	if (seq && ns && dd_hist_add(&d->hist, seq, ns, nl) < 0)
		qb_log(LOG_WARNING, "WARN: seq %" PRIu64 " not kept for retransmission", seq);
}

static bool has_serial(const struct dd *d)
{
	for (size_t i = 0; i < d->nmedia; i++)
		if (d->media[i].cfg->kind == HB_MEDIA_SERIAL)
			return true;
	return false;
}

static void wire_out(struct dd *d, const struct hb_msg *m, uint64_t seq)
{
	static char nfix[2048], cfix[2048];
	bool serial = has_serial(d);
	long nl, cl = 0;
	char *nbuf, *cbuf = NULL;

	/* the netstring form is also what retransmission keeps */
	nbuf = encode(d, m, HB_FMT_NETSTRING, nfix, sizeof(nfix), &nl);
	if (serial)
		cbuf = encode(d, m, HB_FMT_CLASSIC, cfix, sizeof(cfix), &cl);
	if (!nbuf || (serial && !cbuf))
		qb_log(LOG_ERR, "ERROR: cannot encode a %s message (%ld/%ld)",
		       hb_msg_str(m, "t") ? hb_msg_str(m, "t") : "?", nl, cl);
	wire_send(d, seq, nbuf, nbuf ? (size_t)nl : 0, cbuf, cbuf ? (size_t)cl : 0);
	if (nbuf != nfix)
		free(nbuf);
	if (cbuf != cfix)
		free(cbuf);
}

/* the kernel computes /proc/loadavg every 5 s: read it as often */
static void refresh_ld(struct dd *d)
{
	if (!d->ld_at || dd_now_ms() - d->ld_at >= DD_LOADAVG_MS) {
		dd_loadavg(d->ld, sizeof(d->ld));
		d->ld_at = dd_now_ms();
	}
}

int dd_cluster_send(struct dd *d, struct hb_msg *m, const char *dest)
{
	const char *t = hb_msg_str(m, "t");
	bool noseq = hb_type_is_noseq(t);

	struct hb_ctl c = {
		.src = d->localname,
		.srcuuid = d->uuid,
		.hg = d->gen,
		.ts = (uint64_t)time(NULL),
		.ttl = hb_conf_ttl(&d->conf),
	};
	int rc;

	if (dest) {
		int p = hb_live_node(&d->live, dest);

		if (hb_msg_set_str(m, "dest", dest) != HB_OK)
			return -1;
		if (p >= 0 && d->peers[p].has_uuid)
			c.destuuid = d->peers[p].uuid;
		else if (strcasecmp(dest, d->localname) == 0)
			c.destuuid = d->uuid;
	}
	refresh_ld(d);
	c.ld = d->ld;
	c.seq = noseq ? 0 : d->seq + 1;
	rc = hb_msg_add_control(m, &c);
	if (rc == HB_OK)
		rc = hb_auth_sign_fields(m, &d->keys);
	if (rc != HB_OK) {
		qb_log(LOG_ERR, "ERROR: cannot build a %s message: %s", t ? t : "?",
		       hb_strerror(rc));
		return -1;
	}
	if (!noseq)
		d->seq++;
	wire_out(d, m, noseq ? 0 : d->seq);
	if (t && strcmp(t, "shutdone") == 0)
		d->shutdone_sent = true;
	return 0;
}

static uint32_t advertised_dt(struct dd *d)
{
	uint32_t dt = d->conf.deadtime_ms;

	if (dd_now_ms() - d->start_ms < DD_STARTUP_DT_MS)
		dt += DD_STARTUP_DT_EXTRA;
	return dt;
}

/*
 * The usual heartbeat: the images of the last one (hb_beat.h) with the
 * new seq, ts and ld, signed again. false when they cannot serve (st or
 * dt changed, a value changed length): send_status builds the message.
 */
static bool send_kept_beat(struct dd *d, const char *dt)
{
	char seq[HB_FMT_U64_MAX], ts[HB_FMT_U64_MAX];
	const char *val[HB_BEAT_NVAR];

	if (!d->beat.valid || !d->beat_st || strcmp(d->beat_st, d->status) != 0 ||
	    strcmp(d->beat_dt, dt) != 0)
		return false;
	refresh_ld(d);
	hb_fmt_u64(seq, d->seq + 1, 16);
	hb_fmt_u64(ts, (uint64_t)time(NULL), 16);
	val[HB_BEAT_SEQ] = seq;
	val[HB_BEAT_TS] = ts;
	val[HB_BEAT_LD] = d->ld;
	if (hb_beat_update(&d->beat, val, &d->keys) != HB_OK)
		return false;
	d->seq++;
	wire_send(d, d->seq, d->beat.ns.b, d->beat.ns.len, d->beat.classic ? d->beat.cl.b : NULL,
		  d->beat.cl.len);
	return true;
}

/*
 * Our heartbeat. The first builds the message (t, st, dt, protocol, then
 * dd_cluster_send's control fields and auth, in 3.0.6's order) and keeps
 * its wire images; the next ones are sent from those images with the new
 * seq, ts and ld (send_kept_beat). When st or dt change, or a value
 * changes length, the kept message is rewritten in place (hb_msg_set)
 * and the images built again.
 */
static void send_status(struct dd *d)
{
	struct hb_msg *m = &d->status_msg;
	char dt[HB_FMT_U64_MAX];

	hb_fmt_u64(dt, advertised_dt(d), 16);
	if (!send_kept_beat(d, dt) &&
	    hb_msg_set_str(m, "t", "status") == HB_OK &&
	    hb_msg_set_str(m, "st", d->status) == HB_OK &&
	    hb_msg_set_str(m, "dt", dt) == HB_OK &&
	    hb_msg_set_str(m, "protocol", "1") == HB_OK &&
	    dd_cluster_send(d, m, NULL) == 0 &&
	    hb_beat_build(&d->beat, m, &d->keys, has_serial(d)) == HB_OK) {
		d->beat_st = d->status;
		snprintf(d->beat_dt, sizeof(d->beat_dt), "%s", dt);
	}
	d->next_status_ms = dd_now_ms() + d->conf.keepalive_ms;
	if (strcmp(d->status, "init") == 0) {
		d->status = "up";
		qb_log(LOG_INFO, "Local status now set to: 'up'");
	}
}

static void send_simple(struct dd *d, const char *t, const char *dest,
			const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct hb_msg m;

	hb_msg_init(&m);
	if (hb_msg_add_str(&m, "t", t) == HB_OK &&
	    (!k1 || hb_msg_add_str(&m, k1, v1) == HB_OK) &&
	    (!k2 || hb_msg_add_str(&m, k2, v2) == HB_OK))
		dd_cluster_send(d, &m, dest);
	hb_msg_free(&m);
}

static void send_reqnodes(struct dd *d, const char *dest)
{
	send_simple(d, "reqnodes", dest, NULL, NULL, NULL, NULL);
}

static void send_repnodes(struct dd *d, const char *dest)
{
	char list[1024] = "";
	size_t len = 0;

	for (size_t i = 0; i < d->conf.nnodes && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s ", d->conf.nodes[i]);
	/* 3.0.6 sends this field order: dest, t, nodelist, delnodelist */
	struct hb_msg m;

	hb_msg_init(&m);
	if (hb_msg_add_str(&m, "dest", dest) == HB_OK &&
	    hb_msg_add_str(&m, "t", "repnodes") == HB_OK &&
	    hb_msg_add_str(&m, "nodelist", list) == HB_OK &&
	    hb_msg_add_str(&m, "delnodelist", " ") == HB_OK)
		dd_cluster_send(d, &m, dest);
	hb_msg_free(&m);
}

/* NS_rexmit from a peer: resend what we still have, NAK the rest. */
static void retransmit(struct dd *d, const struct hb_hdr *h)
{
	uint64_t first = h->firstseq, last = h->lastseq;
	unsigned sent = 0;

	if (!h->has_firstseq)
		return;
	if (!h->has_lastseq || last < first)
		last = first;
	for (uint64_t s = first; s <= last && sent < DD_REXMIT_MAX; s++, sent++) {
		const struct dd_hist_ent *old = dd_hist_find(&d->hist, s);
		struct hb_msg om;
		struct hb_wire w;

		hb_msg_init(&om);
		if (old && hb_msg_decode(&om, old->wire, old->len, &w) == HB_OK) {
			qb_log(LOG_DEBUG, "retransmitting seq %" PRIu64 " to %s", s, h->src);
			wire_out(d, &om, 0);
			hb_msg_free(&om);
		} else {
			char hex[24];
			struct hb_msg m;

			snprintf(hex, sizeof(hex), "%" PRIx64, s);
			hb_msg_init(&m);
			if (hb_msg_add_str(&m, "t", "NS_nak_rexmit") == HB_OK &&
			    hb_msg_add_str(&m, "firstseq", hex) == HB_OK &&
			    hb_msg_add_str(&m, "info", "seqno not in history") == HB_OK)
				dd_cluster_send(d, &m, h->src);
			hb_msg_free(&m);
		}
	}
}

/* ---- membership events --------------------------------------------------- */

static void comm_up(struct dd *d)
{
	qb_log(LOG_INFO, "Comm_now_up(): updating status to active");
	d->status = "active";
	dd_event(d, LOG_INFO, "daemon", "Local status now set to: 'active'");
	send_status(d);
	/* the node list exchange 3.0.6 does once its comm is up */
	for (size_t i = 0; i < d->npeers; i++)
		if (d->live.nodes[i].state == HB_LIVE_ALIVE) {
			send_reqnodes(d, d->peer_names[i]);
			break;
		}
	dd_fo_comm_up(d);
	dd_respawn_start(d);
}

static void handle_events(struct dd *d, struct hb_live_evq *q)
{
	for (size_t i = 0; i < q->n; i++) {
		const struct hb_live_ev *e = &q->ev[i];
		const char *node = e->node >= 0 ? d->peer_names[e->node] : "";
		const char *link = e->medium >= 0 && (size_t)e->medium < d->nmedia ?
				   d->media[e->medium].name : "?";
		char a[24], b[24];

		snprintf(a, sizeof(a), "%" PRIu64, e->a);
		snprintf(b, sizeof(b), "%" PRIu64, e->b);
		switch (e->type) {
		case HB_LIVE_EV_NODE_UP:
			qb_log(LOG_INFO, "node %s: is up%s", node, e->b ? " again" : "");
			dd_fo_node_up(d, e->node);
			dd_hook_run(d, "up", node);
			break;
		case HB_LIVE_EV_NODE_DEAD:
			snprintf(d->peers[e->node].last_status, sizeof(d->peers[e->node].last_status),
				 "dead");
			dd_event(d, LOG_WARNING, "node", "node %s: is dead", node);
			dd_hook_run(d, "dead", node);
			dd_fo_node_dead(d, e->node);
			break;
		case HB_LIVE_EV_LINK_UP:
			dd_event(d, LOG_INFO, "link", "Link %s:%s up.", node, link);
			break;
		case HB_LIVE_EV_LINK_DEAD:
			dd_event(d, LOG_INFO, "link", "Link %s:%s dead.", node, link);
			break;
		case HB_LIVE_EV_LATE:
			dd_event(d, e->a > d->live.nodes[e->node].dead_ms ? LOG_CRIT : LOG_WARNING,
				 "node", "Late heartbeat: Node %s: interval %" PRIu64 " ms",
				 node, e->a);
			break;
		case HB_LIVE_EV_RESTART:
			dd_event(d, LOG_INFO, "node", "node %s restarted (generation %" PRIx64
				 " -> %" PRIx64 ")", node, e->a, e->b);
			dd_fo_node_up(d, e->node);
			break;
		case HB_LIVE_EV_PARTITION:
			dd_event(d, LOG_CRIT, "node", "Cluster node %s returning after partition.",
				 node);
			qb_log(LOG_WARNING, "WARN: Deadtime value may be too small.");
			dd_fo_partition(d, e->node);
			break;
		case HB_LIVE_EV_LOST:
			qb_log(LOG_INFO, "%" PRIu64 " lost packet(s) for [%s] [%s:%s]",
			       e->b - e->a + 1, node, a, b);
			break;
		case HB_LIVE_EV_LOST_MANY:
			qb_log(LOG_WARNING, "WARN: lost a lot of packets (%s) from %s; "
			       "starting over", a, node);
			break;
		case HB_LIVE_EV_RECOVERED:
			qb_log(LOG_INFO, "No pkts missing from %s!", node);
			break;
		case HB_LIVE_EV_SEND_ACK: {
			char hex[24];

			snprintf(hex, sizeof(hex), "%" PRIx64, e->a);
			send_simple(d, "NS_ackmsg", node, "ackseq", hex, NULL, NULL);
			break;
		}
		case HB_LIVE_EV_SEND_REXMIT:
			qb_log(LOG_INFO, "asking %s to retransmit %s..%s", node, a, b);
			send_simple(d, "NS_rexmit", node, "firstseq", a, "lastseq", b);
			break;
		case HB_LIVE_EV_COMM_UP:
			comm_up(d);
			break;
		}
	}
	if (q->dropped)
		qb_log(LOG_WARNING, "WARN: %zu membership events lost", q->dropped);
	q->n = q->dropped = 0;
}

static void live_tick(struct dd *d, uint64_t now)
{
	struct hb_live_evq q = { .n = 0 };

	if (now > d->live_clock_ms)
		d->live_clock_ms = now;
	d->live_next_ms = hb_live_tick(&d->live, now, &q);
	handle_events(d, &q);
}

/* ---- receiving ----------------------------------------------------------- */

static void status_update(struct dd *d, int idx, const struct hb_hdr *h)
{
	struct dd_peer *p = &d->peers[idx];

	if (!h->st || strcmp(p->last_status, h->st) == 0)
		return;
	snprintf(p->last_status, sizeof(p->last_status), "%s", h->st);
	dd_event(d, LOG_INFO, "node", "Status update for node %s: status %s",
		 d->peer_names[idx], h->st);
}

static void dispatch(struct dd *d, const struct hb_msg *m, const struct hb_hdr *h,
		     int idx, bool to_us)
{
	const char *t = h->t;

	if (strcmp(t, "status") == 0) {
		status_update(d, idx, h);
		dd_fo_msg(d, m, h, idx);
	} else if (strcmp(t, "NS_ackmsg") == 0) {
		/* history is a fixed ring: nothing to free */
	} else if (strcmp(t, "NS_rexmit") == 0) {
		if (to_us)
			retransmit(d, h);
	} else if (strcmp(t, "NS_nak_rexmit") == 0) {
		struct hb_live_evq q = { .n = 0 };

		if (to_us && h->has_firstseq) {
			qb_log(LOG_INFO, "%s cannot retransmit seq %" PRIu64 " (%s)", h->src,
			       h->firstseq, h->info ? h->info : "");
			hb_live_nak(&d->live, idx, h->firstseq, &q);
			handle_events(d, &q);
		}
	} else if (strcmp(t, "reqnodes") == 0) {
		if (to_us)
			send_repnodes(d, h->src);
	} else if (strcmp(t, "repnodes") == 0) {
		qb_log(LOG_DEBUG, "node list from %s: %s", h->src,
		       hb_msg_str(m, "nodelist") ? hb_msg_str(m, "nodelist") : "");
	} else if (strcmp(t, "shutdone") == 0) {
		struct hb_live_evq q = { .n = 0 };

		dd_event(d, LOG_INFO, "node", "Received shutdown notice from '%s'.", h->src);
		d->peers[idx].left = true;
		d->peers[idx].left_gen = h->has_hg ? h->hg : 0;
		/* resources first learn it is leaving, then that it is gone */
		dd_fo_msg(d, m, h, idx);
		hb_live_leave(&d->live, idx, dd_now_ms(), &q);
		handle_events(d, &q);
	} else if (to_us) {
		dd_fo_msg(d, m, h, idx);
	}
}

/* where a packet came from, formatted only for a drop (fb: 64 bytes) */
static const char *src_str(char *fb, const char *from, const struct sockaddr_in *src)
{
	char ip[INET_ADDRSTRLEN];

	if (from || !src)
		return from;
	if (!inet_ntop(AF_INET, &src->sin_addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(fb, 64, "%s:%u", ip, ntohs(src->sin_port));
	return fb;
}

void dd_cluster_rx(struct dd *d, struct dd_medium *m, const void *buf, size_t len,
		   const char *from)
{
	dd_cluster_rx_at(d, m, buf, len, from, NULL, dd_now_ms());
	dd_cluster_settle(d);
}

void dd_cluster_rx_at(struct dd *d, struct dd_medium *m, const void *buf, size_t len,
		      const char *from, const struct sockaddr_in *src, uint64_t at_ms)
{
	char fb[64];
	struct hb_live_evq q = { .n = 0 };
	enum hb_live_verdict v;
	struct hb_msg msg;
	struct hb_wire w;
	struct hb_hdr h;
	uint64_t now = dd_now_ms();
	bool to_us;
	int idx, rc;

	/*
	 * A heartbeat read on the tick counts from when it arrived, but the
	 * liveness core never sees time go backwards: not before what it was
	 * last told (it may have ticked since the datagram came).
	 */
	if (at_ms < now)
		now = at_ms > d->live_clock_ms ? at_ms : d->live_clock_ms;

	if (len > HB_MSG_MAX_WIRE) {
		dd_cluster_drop(d, m, DD_DROP_OVERSIZED, src_str(fb, from, src), "over 256 KiB");
		return;
	}
	hb_msg_init(&msg);
	rc = hb_auth_decode(&d->keys, buf, len, &msg, &w);
	if (rc != HB_OK) {
		dd_cluster_drop(d, m, drop_reason(rc), src_str(fb, from, src), hb_strerror(rc));
		return;
	}
	rc = hb_msg_hdr(&msg, &h);
	if (rc != HB_OK || !h.t || !h.src) {
		char why[128];

		snprintf(why, sizeof(why), "%s", rc != HB_OK && h.bad ? h.bad :
			 !h.t ? "no type" : "no source");
		if (rc != HB_OK)
			snprintf(why, sizeof(why), "bad field %s", h.bad ? h.bad : "?");
		dd_cluster_drop(d, m, DD_DROP_MALFORMED, src_str(fb, from, src), why);
		goto out;
	}
	if (strcasecmp(h.src, d->localname) == 0)
		goto out;	/* our own, looped back by bcast/mcast or a self-ucast */
	idx = hb_live_node(&d->live, h.src);
	if (idx < 0) {
		dd_cluster_drop(d, m, DD_DROP_UNKNOWN_NODE, src_str(fb, from, src), h.src);
		goto out;
	}
	m->rx++;
	if (d->peers[idx].left) {
		/* copies of its shutdone on the other media, its last words */
		if (!h.has_hg || h.hg <= d->peers[idx].left_gen)
			goto out;
		d->peers[idx].left = false;
	}
	if (h.has_srcuuid) {
		memcpy(d->peers[idx].uuid, h.srcuuid, HB_UUID_LEN);
		d->peers[idx].has_uuid = true;
	}
	to_us = !h.dest || strcasecmp(h.dest, d->localname) == 0;
	d->live_clock_ms = now;
	v = hb_live_rx(&d->live, now, idx, m->index, &h, to_us, &q);
	handle_events(d, &q);
	switch (v) {
	case HB_LIVE_ACCEPT:
		dispatch(d, &msg, &h, idx, true);
		break;
	case HB_LIVE_NOT_FOR_US:
		dd_cluster_drop(d, m, DD_DROP_NOT_FOR_US, src_str(fb, from, src), NULL);
		if (hb_type_is_noseq(h.t))
			break;
		/* sequenced messages to another node still say something */
		if (strcmp(h.t, "status") == 0)
			status_update(d, idx, &h);
		break;
	case HB_LIVE_REPLAY:
		dd_cluster_drop(d, m, DD_DROP_REPLAY, src_str(fb, from, src), "older generation");
		break;
	case HB_LIVE_BAD:
		dd_cluster_drop(d, m, DD_DROP_MALFORMED, src_str(fb, from, src), "no valid seq");
		break;
	case HB_LIVE_DUPLICATE:
	case HB_LIVE_OLD:
		break;
	}
out:
	hb_msg_free(&msg);
}

void dd_cluster_settle(struct dd *d)
{
	live_tick(d, dd_now_ms());
	dd_cluster_reschedule(d);
}

/* ---- time ----------------------------------------------------------------- */

/*
 * The one timer is a source created once whose prepare and check compare
 * the monotonic clock (that of dd_now_ms) with d->timer_at, the deadline
 * it is armed for: it never fires before that deadline (a relative
 * g_timeout counts from the loop's cached time and fired a little early,
 * costing a second pass through the loop on every tick), and re-arming
 * it is a store, not a new source or a wake-up of the loop.
 */
struct dd_tick_source {
	GSource src;
	struct dd *d;
};

static gboolean tick_prepare(GSource *src, gint *timeout)
{
	const struct dd *d = ((struct dd_tick_source *)src)->d;
	gint64 now, at;

	*timeout = -1;
	if (!d->timer_at)
		return FALSE;
	now = g_get_monotonic_time();
	at = (gint64)d->timer_at * 1000;
	if (now >= at)
		return TRUE;
	/* rounded up: poll() must not return before the deadline */
	*timeout = (gint)((at - now + 999) / 1000);
	return FALSE;
}

static gboolean tick_check(GSource *src)
{
	const struct dd *d = ((struct dd_tick_source *)src)->d;

	return d->timer_at && g_get_monotonic_time() >= (gint64)d->timer_at * 1000;
}

static gboolean tick_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	((struct dd_tick_source *)src)->d->timer_at = 0;
	return cb(data);
}

static GSourceFuncs tick_funcs = {
	.prepare = tick_prepare,
	.check = tick_check,
	.dispatch = tick_dispatch,
};

/*
 * The heartbeat tick, run by the pulse thread (dd_pulse.h) with the
 * daemon lock held.
 */
static void pulse_tick(void *arg)
{
	struct dd *d = arg;
	uint64_t now = dd_now_ms();
	/*
	 * The peers' plain heartbeats wait in the kernel (dd_beat.h) until a
	 * liveness deadline is near (a node or link would be dead, a
	 * retransmission is to be asked for): on the last tick before it
	 * they are read, with their arrival times, and the deadlines are
	 * judged. While a node or a link is down they are read on every tick,
	 * so its return is seen within a keepalive, and so they are for a
	 * while after a read found far more than heartbeats queued (a flood
	 * must not push real heartbeats out of the socket's buffer). Every
	 * other message, an IPC request and a serial frame read them first
	 * too, so order and what clients see stay right. A tick far from any
	 * deadline only sends our heartbeat: no receive call, and the
	 * liveness core is not told a time later than the heartbeats still
	 * queued (it would take them for late).
	 */
	bool due = now + d->conf.keepalive_ms > d->live_next_ms || !hb_live_all_up(&d->live) ||
		   now < d->beats_eager_until;

	if (due) {
		dd_media_drain_beats(d);
		now = dd_now_ms();
	}
	/* heartbeats go on during a graceful stop: the peer must not take
	 * the groups before they are stopped here */
	if (now >= d->next_status_ms)
		send_status(d);
	if (due)
		live_tick(d, now);
	dd_cluster_reschedule(d);
}

/* the loop's timer: the resource state machine's */
static gboolean on_timer(gpointer data)
{
	dd_cluster_reschedule(data);
	return G_SOURCE_CONTINUE;
}

void dd_cluster_reschedule(struct dd *d)
{
	uint64_t now = dd_now_ms();
	uint64_t beat = d->next_status_ms;
	uint64_t pnext = dd_ping_tick(d, now);
	uint64_t next = dd_fo_tick(d, now);

	/*
	 * The heartbeat, liveness and ping deadlines are the pulse thread's:
	 * a ping goes out on the tick that sends the heartbeat, one wake-up
	 * for both.
	 */
	if (d->live_next_ms < beat)
		beat = d->live_next_ms;
	if (pnext < beat)
		beat = pnext;
	dd_pulse_arm(&d->pulse, beat);
	/*
	 * Keep an armed timer that fires no later than needed: most packets
	 * only push deadlines further out, and an early wake-up just ticks
	 * and re-arms.
	 */
	if (next == UINT64_MAX || (d->timer_at && d->timer_at <= next))
		return;
	if (!d->tick) {
		d->tick = g_source_new(&tick_funcs, sizeof(struct dd_tick_source));
		((struct dd_tick_source *)d->tick)->d = d;
		g_source_set_priority(d->tick, G_PRIORITY_HIGH);
		g_source_set_can_recurse(d->tick, TRUE);
		g_source_set_callback(d->tick, on_timer, d, NULL);
		g_source_attach(d->tick, NULL);
	}
	d->timer_at = next ? next : 1;
	/* the loop sleeps in poll() with the old timeout */
	if (dd_pulse_is_self(&d->pulse))
		g_main_context_wakeup(NULL);
}

int dd_cluster_start(struct dd *d)
{
	struct hb_live_cfg lc = {
		.deadtime_ms = d->conf.deadtime_ms,
		.warntime_ms = d->conf.warntime_ms,
		.initdead_ms = d->conf.initdead_ms,
		.max_rexmit_delay_ms = d->conf.max_rexmit_delay_ms,
		.nmedia = d->nmedia,
		.seed = (uint32_t)(g_random_int() | 1),
	};

	if (dd_pulse_init(&d->pulse, pulse_tick, d) < 0) {
		qb_log(LOG_ERR, "ERROR: cannot set up the heartbeat thread: %s", strerror(errno));
		return -1;
	}
	d->peer_names = calloc(d->conf.nnodes + 1, sizeof(char *));
	if (!d->peer_names)
		goto fail;
	for (size_t i = 0; i < d->conf.nnodes; i++)
		if (strcasecmp(d->conf.nodes[i], d->localname) != 0)
			d->peer_names[d->npeers++] = d->conf.nodes[i];
	d->start_ms = dd_now_ms();
	d->start_wall_ms = dd_wall_ms();
	if (hb_live_init(&d->live, &lc, d->peer_names, d->npeers, d->start_ms) < 0) {
		qb_log(LOG_ERR, "ERROR: too many nodes or media for the membership tracker");
		goto fail;
	}
	d->status = "init";
	dd_event(d, LOG_INFO, "daemon", "duetd %s starting: node %s, generation %" PRIu64
		 ", %zu medi%s, keepalive %u ms, deadtime %u ms", DD_VERSION, d->localname,
		 d->gen, d->nmedia, d->nmedia == 1 ? "um" : "a", d->conf.keepalive_ms,
		 d->conf.deadtime_ms);
	send_status(d);	/* st=init, then up */
	live_tick(d, d->start_ms);
	dd_cluster_reschedule(d);
	/* it waits for the daemon lock until the loop first polls */
	if (dd_pulse_start(&d->pulse) < 0) {
		qb_log(LOG_ERR, "ERROR: cannot start the heartbeat thread: %s", strerror(errno));
		goto fail;
	}
	return 0;
fail:
	dd_pulse_fini(&d->pulse);
	free(d->peer_names);
	d->peer_names = NULL;
	return -1;
}

void dd_cluster_stop(struct dd *d)
{
	struct hb_msg m;

	dd_pulse_stop(&d->pulse);
	/* tell the peers we are gone, so they need not wait for deadtime */
	hb_msg_init(&m);
	if (!d->shutdone_sent && hb_msg_add_str(&m, "t", "shutdone") == HB_OK &&
	    hb_msg_add_str(&m, "st", "dead") == HB_OK)
		dd_cluster_send(d, &m, NULL);
	hb_msg_free(&m);
	if (d->tick) {
		g_source_destroy(d->tick);
		g_source_unref(d->tick);
	}
	d->tick = NULL;
	d->timer_at = 0;
	hb_msg_free(&d->status_msg);
	d->beat.valid = false;
	free(d->peer_names);
	d->peer_names = NULL;
	dd_pulse_fini(&d->pulse);
}
