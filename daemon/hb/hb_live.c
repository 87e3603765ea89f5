/*
 * hb_live: liveness and sequence tracking, from the rules of heartbeat.md
 * §4.5 and §5.2 (3.0.6 behaviour as measured there). Time is whatever the
 * caller says it is, so tests drive it with a simulated clock.
 */
#include <string.h>
#include <strings.h>

#include "daemon/hb/hb_live.h"

static void emit(struct hb_live_evq *q, enum hb_live_ev_type t, int node,
		 int medium, uint64_t a, uint64_t b)
{
	if (!q)
		return;
	if (q->n == HB_LIVE_EVQ) {
		q->dropped++;
		return;
	}
	q->ev[q->n++] = (struct hb_live_ev){ t, node, medium, a, b };
}

static uint32_t rnd(struct hb_live *l)
{
	uint32_t x = l->rnd;	/* xorshift32 */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return l->rnd = x;
}

static uint64_t rexmit_delay(struct hb_live *l)
{
	uint32_t max = l->cfg.max_rexmit_delay_ms;

	if (max <= HB_LIVE_REXMIT_MIN_MS)
		return HB_LIVE_REXMIT_MIN_MS;
	return HB_LIVE_REXMIT_MIN_MS + rnd(l) % (max - HB_LIVE_REXMIT_MIN_MS + 1);
}

int hb_live_init(struct hb_live *l, const struct hb_live_cfg *cfg,
		 char *const *nodes, size_t nnodes, uint64_t now_ms)
{
	memset(l, 0, sizeof(*l));
	if (nnodes > HB_LIVE_MAX_NODES || cfg->nmedia > HB_LIVE_MAX_MEDIA)
		return -1;
	l->cfg = *cfg;
	if (!l->cfg.max_rexmit_delay_ms)
		l->cfg.max_rexmit_delay_ms = 250;
	l->nnodes = nnodes;
	l->start_ms = now_ms;
	l->rnd = cfg->seed ? cfg->seed : 0x9e3779b9u;
	for (size_t i = 0; i < nnodes; i++) {
		struct hb_live_node *n = &l->nodes[i];
		size_t len = strlen(nodes[i]);

		if (len >= sizeof(n->name))
			return -1;
		memcpy(n->name, nodes[i], len + 1);
		strcpy(n->status, "init");
		n->dead_ms = cfg->deadtime_ms;
		n->protocol = -1;
		n->ack_trigger = rnd(l) % HB_LIVE_ACK_DIV;
	}
	return 0;
}

int hb_live_node(const struct hb_live *l, const char *name)
{
	for (size_t i = 0; i < l->nnodes; i++)
		if (strcasecmp(l->nodes[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool take_missing(struct hb_live_node *n, uint64_t seq)
{
	for (size_t i = 0; i < n->nmissing; i++) {
		if (n->missing[i] == seq) {
			n->missing[i] = n->missing[--n->nmissing];
			return true;
		}
	}
	return false;
}

static void add_missing(struct hb_live_node *n, uint64_t seq)
{
	size_t low = 0;

	if (n->nmissing < HB_LIVE_MAX_MISSING) {
		n->missing[n->nmissing++] = seq;
		return;
	}
	/* full: the oldest missing packet is the least likely to come */
	for (size_t i = 1; i < n->nmissing; i++)
		if (n->missing[i] < n->missing[low])
			low = i;
	n->missing[low] = seq;
}

static void reset_tracking(struct hb_live_node *n)
{
	n->has_seq = false;
	n->nmissing = 0;
	n->rexmit_at = 0;
}

/* Sequence/generation processing; the verdict before "to us" is applied. */
static enum hb_live_verdict track(struct hb_live *l, uint64_t now, int idx,
				  const struct hb_hdr *h, bool was_dead,
				  struct hb_live_evq *q)
{
	struct hb_live_node *n = &l->nodes[idx];
	bool is_status = h->t && strcmp(h->t, "status") == 0;
	uint64_t gen = h->has_hg ? h->hg : 0;
	uint64_t seq = h->seq;

	if (!h->has_seq || seq == 0)
		return HB_LIVE_BAD;
	if (n->has_gen && gen < n->gen)
		return HB_LIVE_REPLAY;
	if (!n->has_gen || gen > n->gen) {
		if (n->has_gen)
			emit(q, HB_LIVE_EV_RESTART, idx, -1, n->gen, gen);
		reset_tracking(n);
		n->partition_pending = false;
		n->gen = gen;
		n->has_gen = true;
	} else if (was_dead) {
		/*
		 * Back from the dead without a restart: what it sent while we
		 * could not hear it is gone, do not ask for it again.
		 */
		n->partition_pending = gen > 0;
		reset_tracking(n);
	}
	/*
	 * The partition is told on its first status message, as Heartbeat
	 * judges a node's return by status: another message that came first
	 * (a resource message on its way out) must not hide it.
	 */
	if (n->partition_pending && is_status) {
		n->partition_pending = false;
		emit(q, HB_LIVE_EV_PARTITION, idx, -1, gen, 0);
	}

	if (!n->has_seq || seq == n->last_seq + 1) {
		n->has_seq = true;
		n->last_seq = seq;
		return HB_LIVE_ACCEPT;
	}
	if (seq == n->last_seq)
		return HB_LIVE_DUPLICATE;
	if (seq > n->last_seq) {
		uint64_t nlost = seq - n->last_seq - 1;

		if (nlost > HB_LIVE_SEQGAP) {
			emit(q, HB_LIVE_EV_LOST_MANY, idx, -1, nlost, 0);
			n->nmissing = 0;
		} else {
			emit(q, HB_LIVE_EV_LOST, idx, -1, n->last_seq + 1, seq - 1);
			for (uint64_t s = n->last_seq + 1; s < seq; s++)
				add_missing(n, s);
			if (!n->rexmit_at)
				n->rexmit_at = now + rexmit_delay(l);
		}
		n->last_seq = seq;
		return HB_LIVE_ACCEPT;
	}
	if (take_missing(n, seq)) {
		if (n->nmissing == 0) {
			n->rexmit_at = 0;
			emit(q, HB_LIVE_EV_RECOVERED, idx, -1, 0, 0);
		}
		return HB_LIVE_ACCEPT;
	}
	return HB_LIVE_OLD;
}

static void heard(struct hb_live *l, uint64_t now, int idx, int medium,
		  bool was_dead, struct hb_live_evq *q)
{
	struct hb_live_node *n = &l->nodes[idx];

	if (n->state != HB_LIVE_ALIVE)
		emit(q, HB_LIVE_EV_NODE_UP, idx, -1, 0, was_dead);
	n->state = HB_LIVE_ALIVE;
	n->last_ms = now;
	if (medium >= 0 && (size_t)medium < l->cfg.nmedia) {
		struct hb_live_link *k = &n->links[medium];

		if (!k->up)
			emit(q, HB_LIVE_EV_LINK_UP, idx, medium, 0, 0);
		k->up = k->heard = true;
		k->last_ms = now;
	}
}

enum hb_live_verdict hb_live_rx(struct hb_live *l, uint64_t now_ms, int node,
				int medium, const struct hb_hdr *h, bool to_us,
				struct hb_live_evq *q)
{
	struct hb_live_node *n;
	enum hb_live_verdict v;
	bool was_dead, is_status;

	if (node < 0 || (size_t)node >= l->nnodes)
		return HB_LIVE_BAD;
	n = &l->nodes[node];
	was_dead = n->state == HB_LIVE_DEAD;
	is_status = h->t && strcmp(h->t, "status") == 0;

	if (hb_type_is_noseq(h->t)) {
		/*
		 * An acknowledgement or a retransmission request does not
		 * bring a dead node back: as in Heartbeat, whose node status
		 * changes on status messages only, the node returns with its
		 * next sequenced message, which track() then sees come back
		 * from the dead (so a partition is still told on its first
		 * status, and its sequence gap is not taken for losses).
		 */
		if (was_dead)
			return to_us ? HB_LIVE_ACCEPT : HB_LIVE_NOT_FOR_US;
		v = HB_LIVE_ACCEPT;
	} else {
		v = track(l, now_ms, node, h, was_dead, q);
	}
	if (v == HB_LIVE_BAD || v == HB_LIVE_REPLAY)
		return v;

	heard(l, now_ms, node, medium, was_dead, q);
	if (v != HB_LIVE_ACCEPT)
		return v;

	if (is_status) {
		if (n->heard_status && now_ms - n->last_status_ms > l->cfg.warntime_ms)
			emit(q, HB_LIVE_EV_LATE, node, medium, now_ms - n->last_status_ms, 0);
		n->heard_status = true;
		n->last_status_ms = now_ms;
		if (h->has_dt && h->dt > 0 && h->dt <= 24u * 3600 * 1000)
			n->dead_ms = (uint32_t)h->dt;
		if (h->protocol >= 0)
			n->protocol = h->protocol;
		if (h->st) {
			strncpy(n->status, h->st, sizeof(n->status) - 1);
			n->status[sizeof(n->status) - 1] = '\0';
		}
	}
	if (!hb_type_is_noseq(h->t) && n->protocol >= 1 && n->nmissing == 0 &&
	    h->seq % HB_LIVE_ACK_DIV == n->ack_trigger)
		emit(q, HB_LIVE_EV_SEND_ACK, node, -1, h->seq, 0);
	return to_us ? HB_LIVE_ACCEPT : HB_LIVE_NOT_FOR_US;
}

void hb_live_nak(struct hb_live *l, int node, uint64_t seq, struct hb_live_evq *q)
{
	struct hb_live_node *n;

	if (node < 0 || (size_t)node >= l->nnodes)
		return;
	n = &l->nodes[node];
	if (take_missing(n, seq) && n->nmissing == 0) {
		n->rexmit_at = 0;
		emit(q, HB_LIVE_EV_RECOVERED, node, -1, 0, 0);
	}
}

void hb_live_leave(struct hb_live *l, int node, uint64_t now_ms, struct hb_live_evq *q)
{
	struct hb_live_node *n;

	if (node < 0 || (size_t)node >= l->nnodes)
		return;
	n = &l->nodes[node];
	for (size_t m = 0; m < l->cfg.nmedia; m++) {
		if (n->links[m].up) {
			n->links[m].up = false;
			emit(q, HB_LIVE_EV_LINK_DEAD, node, (int)m, now_ms - n->links[m].last_ms, 0);
		}
	}
	if (n->state != HB_LIVE_DEAD) {
		n->state = HB_LIVE_DEAD;
		strcpy(n->status, "dead");
		n->nmissing = 0;
		n->rexmit_at = 0;
		emit(q, HB_LIVE_EV_NODE_DEAD, node, -1, 0, 0);
	}
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

bool hb_live_all_up(const struct hb_live *l)
{
	if (!l->comm_up)
		return false;
	for (size_t i = 0; i < l->nnodes; i++) {
		const struct hb_live_node *n = &l->nodes[i];

		if (n->state != HB_LIVE_ALIVE)
			return false;
		for (size_t m = 0; m < l->cfg.nmedia; m++)
			if (!n->links[m].up)
				return false;
	}
	return true;
}

uint64_t hb_live_tick(struct hb_live *l, uint64_t now_ms, struct hb_live_evq *q)
{
	uint64_t next = UINT64_MAX;
	bool all_known = true;

	for (size_t i = 0; i < l->nnodes; i++) {
		struct hb_live_node *n = &l->nodes[i];
		int idx = (int)i;

		/* links time out on their own, with the node's dead time */
		for (size_t m = 0; m < l->cfg.nmedia; m++) {
			struct hb_live_link *k = &n->links[m];
			uint64_t dl = k->last_ms + n->dead_ms;

			if (!k->up)
				continue;
			if (now_ms > dl) {
				k->up = false;
				emit(q, HB_LIVE_EV_LINK_DEAD, idx, (int)m, now_ms - k->last_ms, 0);
			} else {
				next = min64(next, dl + 1);
			}
		}

		if (n->state == HB_LIVE_INIT) {
			uint64_t dl = l->start_ms + l->cfg.initdead_ms;

			if (now_ms > dl) {
				n->state = HB_LIVE_DEAD;
				emit(q, HB_LIVE_EV_NODE_DEAD, idx, -1, now_ms - l->start_ms, 0);
			} else {
				next = min64(next, dl + 1);
				all_known = false;
			}
		} else if (n->state == HB_LIVE_ALIVE) {
			uint64_t dl = n->last_ms + n->dead_ms;

			if (now_ms > dl) {
				n->state = HB_LIVE_DEAD;
				strcpy(n->status, "dead");
				n->nmissing = 0;
				n->rexmit_at = 0;
				emit(q, HB_LIVE_EV_NODE_DEAD, idx, -1, now_ms - n->last_ms, 0);
			} else {
				next = min64(next, dl + 1);
			}
		}

		if (n->state == HB_LIVE_ALIVE && n->nmissing) {
			if (now_ms >= n->rexmit_at) {
				/* ask for the missing packets, lowest first */
				uint64_t s[HB_LIVE_MAX_MISSING];
				size_t cnt = n->nmissing;

				memcpy(s, n->missing, cnt * sizeof(s[0]));
				for (size_t a = 1; a < cnt; a++)
					for (size_t b = a; b > 0 && s[b - 1] > s[b]; b--) {
						uint64_t t = s[b];

						s[b] = s[b - 1];
						s[b - 1] = t;
					}
				/* one request per run of consecutive numbers */
				for (size_t a = 0; a < cnt;) {
					size_t b = a;

					while (b + 1 < cnt && s[b + 1] == s[b] + 1)
						b++;
					emit(q, HB_LIVE_EV_SEND_REXMIT, idx, -1, s[a], s[b]);
					a = b + 1;
				}
				n->rexmit_at = now_ms + l->cfg.max_rexmit_delay_ms;
			}
			next = min64(next, n->rexmit_at);
		}
	}
	if (!l->comm_up && all_known) {
		l->comm_up = true;
		emit(q, HB_LIVE_EV_COMM_UP, -1, -1, 0, 0);
	}
	return next;
}

const char *hb_live_ev_str(enum hb_live_ev_type t)
{
	switch (t) {
	case HB_LIVE_EV_NODE_UP: return "node-up";
	case HB_LIVE_EV_NODE_DEAD: return "node-dead";
	case HB_LIVE_EV_LINK_UP: return "link-up";
	case HB_LIVE_EV_LINK_DEAD: return "link-dead";
	case HB_LIVE_EV_LATE: return "late";
	case HB_LIVE_EV_RESTART: return "restart";
	case HB_LIVE_EV_PARTITION: return "partition";
	case HB_LIVE_EV_LOST: return "lost";
	case HB_LIVE_EV_LOST_MANY: return "lost-many";
	case HB_LIVE_EV_RECOVERED: return "recovered";
	case HB_LIVE_EV_SEND_ACK: return "send-ack";
	case HB_LIVE_EV_SEND_REXMIT: return "send-rexmit";
	case HB_LIVE_EV_COMM_UP: return "comm-up";
	}
	return "?";
}

const char *hb_live_verdict_str(enum hb_live_verdict v)
{
	switch (v) {
	case HB_LIVE_ACCEPT: return "accept";
	case HB_LIVE_NOT_FOR_US: return "not-for-us";
	case HB_LIVE_DUPLICATE: return "duplicate";
	case HB_LIVE_OLD: return "old";
	case HB_LIVE_REPLAY: return "replay";
	case HB_LIVE_BAD: return "bad";
	}
	return "?";
}
