/*
 * hb_rsc: the resource layer's state machine (see hb_rsc.h for the rules).
 * Written from heartbeat.md §2, §4.4, §5 and the captured 3.0.6 messages
 * of heartbeat-wire-samples.txt, not from Heartbeat's code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/hb/hb_rsc.h"

/* ---- action queue ---------------------------------------------------- */

void hb_rsc_actq_init(struct hb_rsc_actq *q)
{
	memset(q, 0, sizeof(*q));
}

void hb_rsc_actq_reset(struct hb_rsc_actq *q)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i].type == HB_RSC_ACT_SEND)
			hb_msg_free(&q->v[i].msg);
	q->n = 0;
}

void hb_rsc_actq_free(struct hb_rsc_actq *q)
{
	hb_rsc_actq_reset(q);
	free(q->v);
	memset(q, 0, sizeof(*q));
}

static struct hb_rsc_act *push(struct hb_rsc_actq *q, enum hb_rsc_act_type t)
{
	struct hb_rsc_act *a;

	if (!q)
		return NULL;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct hb_rsc_act *v = realloc(q->v, cap * sizeof(*v));

		if (!v) {
			q->dropped++;
			return NULL;
		}
		q->v = v;
		q->cap = cap;
	}
	a = &q->v[q->n++];
	memset(a, 0, sizeof(*a));
	a->type = t;
	hb_msg_init(&a->msg);
	return a;
}

__attribute__((format(printf, 5, 6)))
static void logx(struct hb_rsc_actq *q, enum hb_rsc_prio prio,
		 enum hb_rsc_kind kind, bool event, const char *fmt, ...)
{
	struct hb_rsc_act *a = push(q, HB_RSC_ACT_LOG);
	va_list ap;

	if (!a)
		return;
	a->prio = prio;
	a->kind = kind;
	a->event = event;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

#define LOG_RSC(q, prio, ...)	logx(q, (prio), HB_RSC_KIND_RSC, (prio) <= HB_RSC_INFO, __VA_ARGS__)
#define LOG_DBG(q, ...)		logx(q, HB_RSC_DEBUG, HB_RSC_KIND_RSC, false, __VA_ARGS__)
#define LOG_GRP(q, prio, ...)	logx(q, prio, HB_RSC_KIND_GROUP, true, __VA_ARGS__)

/* Queues t= plus name/value pairs (NULL-terminated). */
static void send(struct hb_rsc_actq *q, const char *t, ...)
{
	struct hb_rsc_act *a = push(q, HB_RSC_ACT_SEND);
	const char *name, *value;
	va_list ap;
	int rc;

	if (!a)
		return;
	rc = hb_msg_add_str(&a->msg, "t", t);
	va_start(ap, t);
	while (rc == HB_OK && (name = va_arg(ap, const char *))) {
		value = va_arg(ap, const char *);
		rc = hb_msg_add_str(&a->msg, name, value);
	}
	va_end(ap);
	if (rc != HB_OK) {
		hb_msg_free(&a->msg);
		q->n--;
		q->dropped++;
	}
}

/* ---- names ----------------------------------------------------------- */

const char *hb_rsc_state_str(enum hb_rsc_state s)
{
	switch (s) {
	case HB_RSC_INIT: return "init";
	case HB_RSC_STARTING: return "starting";
	case HB_RSC_BOTHSTARTING: return "bothstarting";
	case HB_RSC_RSCRCVD: return "rscrcvd";
	case HB_RSC_STABLE: return "stable";
	case HB_RSC_SHUTDOWN: return "shutdown";
	}
	return "?";
}

const char *hb_rsc_gstate_str(enum hb_rsc_gstate s)
{
	switch (s) {
	case HB_G_STOPPED: return "stopped";
	case HB_G_STARTING: return "starting";
	case HB_G_RUNNING: return "running";
	case HB_G_STOPPING: return "stopping";
	case HB_G_FAILED: return "failed";
	}
	return "?";
}

const char *hb_rsc_owner_str(enum hb_rsc_owner o)
{
	switch (o) {
	case HB_OWNER_NONE: return "none";
	case HB_OWNER_LOCAL: return "local";
	case HB_OWNER_PEER: return "peer";
	}
	return "?";
}

static const char *const rset_names[] = { "none", "local", "foreign", "all" };

const char *hb_rset_str(enum hb_rset s)
{
	return (unsigned)s < 4 ? rset_names[s] : "?";
}

int hb_rset_parse(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, rset_names[i]) == 0)
			return i;
	return -1;
}

unsigned hb_rset_mirror(unsigned set)
{
	return ((set & HB_RSET_LOCAL) << 1) | ((set & HB_RSET_FOREIGN) >> 1);
}

/* ---- helpers --------------------------------------------------------- */

static const char *gkey(const struct hb_rsc *r, size_t gi)
{
	return r->cfg.hr->groups[gi].res[0].spec;
}

static unsigned gclass(const struct hb_rsc *r, size_t gi)
{
	return r->g[gi].local_class ? HB_RSET_LOCAL : HB_RSET_FOREIGN;
}

static bool nice(const struct hb_rsc *r)
{
	return r->cfg.failback != HB_FAILBACK_LEGACY;
}

bool hb_rsc_group_is_local(const struct hb_rsc *r, size_t gi)
{
	const struct hb_rsc_group *g = &r->g[gi];

	return g->state == HB_G_STARTING || g->state == HB_G_RUNNING ||
	       g->state == HB_G_STOPPING || g->unmanaged;
}

unsigned hb_rsc_held(const struct hb_rsc *r)
{
	unsigned set = 0;

	for (size_t i = 0; i < r->ng; i++)
		if (hb_rsc_group_is_local(r, i))
			set |= gclass(r, i);
	return set;
}

/* The peer holds the class of group gi (nice_failback bookkeeping). */
static bool peer_holds(const struct hb_rsc *r, size_t gi)
{
	return r->peer_alive && (r->other_holds & hb_rset_mirror(gclass(r, gi)));
}

static bool busy(const struct hb_rsc *r)
{
	for (size_t i = 0; i < r->ng; i++)
		if (r->g[i].state == HB_G_STARTING || r->g[i].state == HB_G_STOPPING)
			return true;
	return false;
}

static bool any_in_standby(const struct hb_rsc *r, enum hb_rsc_gstate st)
{
	for (size_t i = 0; i < r->ng; i++)
		if (r->g[i].in_standby && r->g[i].state == st)
			return true;
	return false;
}

static void send_held(struct hb_rsc_actq *q, unsigned held, bool stable,
		      const char *info)
{
	if (info)
		send(q, "resource", "rsc_hold", hb_rset_str(held), "rtype", "full",
		     "isstable", stable ? "1" : "0", "info", info, NULL);
	else
		send(q, "resource", "rsc_hold", hb_rset_str(held), "rtype", "full",
		     "isstable", stable ? "1" : "0", NULL);
}

static bool start_group(struct hb_rsc *r, size_t gi, struct hb_rsc_actq *q,
			const char *why)
{
	struct hb_rsc_group *g = &r->g[gi];
	struct hb_rsc_act *a;

	if (g->state != HB_G_STOPPED && g->state != HB_G_FAILED)
		return false;
	if (g->unmanaged || r->state == HB_RSC_SHUTDOWN)
		return false;
	if (nice(r) && peer_holds(r, gi)) {
		LOG_GRP(q, HB_RSC_WARN, "Not starting group %s (%s): %s holds it",
			gkey(r, gi), why, r->peer);
		return false;
	}
	a = push(q, HB_RSC_ACT_START_GROUP);
	if (!a)
		return false;
	a->group = gi;
	g->state = HB_G_STARTING;
	g->failed_start = false;
	r->standby_given &= ~gclass(r, gi);
	LOG_GRP(q, HB_RSC_INFO, "Acquiring resource group: %s %s (%s)",
		r->cfg.hr->groups[gi].node, gkey(r, gi), why);
	return true;
}

static bool stop_group(struct hb_rsc *r, size_t gi, struct hb_rsc_actq *q,
		       const char *why)
{
	struct hb_rsc_group *g = &r->g[gi];
	struct hb_rsc_act *a;

	if (g->state != HB_G_RUNNING && !(g->state == HB_G_FAILED && g->unmanaged))
		return false;
	a = push(q, HB_RSC_ACT_STOP_GROUP);
	if (!a)
		return false;
	a->group = gi;
	g->state = HB_G_STOPPING;
	LOG_GRP(q, HB_RSC_INFO, "Releasing resource group: %s %s (%s)",
		r->cfg.hr->groups[gi].node, gkey(r, gi), why);
	return true;
}

static int find_group(const struct hb_rsc *r, const char *key)
{
	if (!key)
		return -1;
	for (size_t i = 0; i < r->ng; i++)
		if (strcmp(gkey(r, i), key) == 0)
			return (int)i;
	return -1;
}

static void refuse(struct hb_rsc *r, struct hb_rsc_actq *q, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void refuse(struct hb_rsc *r, struct hb_rsc_actq *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	LOG_RSC(q, HB_RSC_WARN, "%s", r->why);
}

/* ---- init ------------------------------------------------------------ */

int hb_rsc_init(struct hb_rsc *r, const struct hb_rsc_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	if (!cfg->local || !*cfg->local || !cfg->hr ||
	    strlen(cfg->local) >= sizeof(r->local) ||
	    (cfg->peer && strlen(cfg->peer) >= sizeof(r->peer)))
		return -1;
	r->cfg = *cfg;
	if (!r->cfg.rqstdelay_ms)
		r->cfg.rqstdelay_ms = HB_RSC_RQSTDELAY_MS;
	if (!r->cfg.standby_timeout_ms)
		r->cfg.standby_timeout_ms = HB_RSC_STANDBY_TIMEOUT_MS;
	if (!r->cfg.failed_standby_ms)
		r->cfg.failed_standby_ms = HB_RSC_FAILED_STANDBY_MS;
	strcpy(r->local, cfg->local);
	if (cfg->peer && *cfg->peer) {
		strcpy(r->peer, cfg->peer);
		r->has_peer = true;
	}
	r->ng = cfg->hr->ngroups;
	if (r->ng) {
		r->g = calloc(r->ng, sizeof(*r->g));
		if (!r->g)
			return -1;
	}
	for (size_t i = 0; i < r->ng; i++)
		r->g[i].local_class =
			strcasecmp(cfg->hr->groups[i].node, r->local) == 0;
	r->state = HB_RSC_INIT;
	r->cfg.local = r->local;
	r->cfg.peer = r->has_peer ? r->peer : NULL;
	return 0;
}

void hb_rsc_free(struct hb_rsc *r)
{
	free(r->g);
	r->g = NULL;
	r->ng = 0;
}

/* ---- progress: what follows from the current state ------------------- */

static int standby_internal(struct hb_rsc *r, uint64_t now, unsigned set,
			    struct hb_rsc_actq *q, const char *who);

static void finish_startup(struct hb_rsc *r, struct hb_rsc_actq *q)
{
	r->startup_taking = false;
	r->state = HB_RSC_STABLE;
	r->rqst_at = 0;
	if (nice(r))
		send_held(q, hb_rsc_held(r), true, "req_our_resources()");
	LOG_RSC(q, HB_RSC_INFO, "Initial resource acquisition complete (holding %s)",
		hb_rset_str(hb_rsc_held(r)));
}

static void begin_shutdown(struct hb_rsc *r, struct hb_rsc_actq *q)
{
	r->state = HB_RSC_SHUTDOWN;
	r->rqst_at = 0;
	r->failed_sb_at = 0;
	r->tk_deadline = 0;
	r->startup_taking = r->mach_down_taking = false;
	r->takeover_pending = false;
	if (r->sb != HB_SB_NOT)
		LOG_RSC(q, HB_RSC_INFO, "Standby handshake abandoned: shutting down");
	r->sb = HB_SB_NOT;
	for (size_t i = 0; i < r->ng; i++)
		r->g[i].in_standby = r->g[i].give_after = r->g[i].restart_after = false;
	if (!r->shutdown_restart) {
		LOG_RSC(q, HB_RSC_INFO, "Heartbeat shutdown in progress. Giving up all HA resources.");
		send_held(q, HB_RSET_NONE, false, "shutdown");
		r->shutdown_sent = true;
	}
	for (size_t i = r->ng; i-- > 0;)
		stop_group(r, i, q, "shutdown");
}

static void progress(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	if (r->exited)
		return;

	if (r->state == HB_RSC_SHUTDOWN) {
		if (busy(r))
			return;
		for (size_t i = 0; i < r->ng; i++) {
			if (r->g[i].unmanaged) {
				if (!r->shutdown_stuck)
					LOG_RSC(q, HB_RSC_CRIT,
						"Group %s could not be stopped: not handing over to the peer and not exiting; fix it and shut down again",
						gkey(r, i));
				r->shutdown_stuck = true;
				return;
			}
		}
		LOG_RSC(q, HB_RSC_INFO, "All HA resources relinquished.");
		send(q, "shutdone", "st", "dead", NULL);
		struct hb_rsc_act *a = push(q, HB_RSC_ACT_EXIT);
		if (a)
			a->restart = r->shutdown_restart;
		r->exited = true;
		return;
	}

	/* standby, initiator: the set is stopped */
	if (r->sb == HB_SB_GIVING && !any_in_standby(r, HB_G_STOPPING)) {
		if (r->sb_failed) {
			LOG_RSC(q, HB_RSC_ERR,
				"Standby aborted: a group of the set failed to stop; keeping the set here");
			for (size_t i = 0; i < r->ng; i++) {
				if (!r->g[i].in_standby)
					continue;
				r->g[i].in_standby = false;
				if (r->g[i].state == HB_G_STOPPED)
					start_group(r, i, q, "standby aborted");
			}
			r->sb = HB_SB_NOT;
			r->sb_failed = false;
			send_held(q, hb_rsc_held(r), true, "standby_failed");
		} else {
			for (size_t i = 0; i < r->ng; i++)
				r->g[i].in_standby = false;
			r->standby_given |= r->sb_set;
			send(q, "ask_resources", "rsc_hold", hb_rset_str(r->sb_wire),
			     "info", "done", NULL);
			if (r->peer_alive) {
				r->sb = HB_SB_GAVE;
			} else {
				r->sb = HB_SB_NOT;
			}
			LOG_RSC(q, HB_RSC_INFO, "Standby: gave up %s resources",
				hb_rset_str(r->sb_set));
		}
	}

	/* standby, responder: the set is started */
	if (r->sb == HB_SB_TAKING && !any_in_standby(r, HB_G_STARTING)) {
		for (size_t i = 0; i < r->ng; i++)
			r->g[i].in_standby = false;
		send(q, "ask_resources", "rsc_hold", hb_rset_str(r->sb_wire),
		     "info", "done", NULL);
		send_held(q, hb_rsc_held(r), true, NULL);
		r->sb = HB_SB_NOT;
		LOG_RSC(q, HB_RSC_INFO, "Standby resource acquisition done [%s].",
			hb_rset_str(r->sb_wire));
	}

	if (r->startup_taking && !busy(r))
		finish_startup(r, q);

	/* alone: everything that can run, runs here */
	if (r->comm_up && r->state == HB_RSC_STABLE && !r->peer_alive &&
	    !r->takeover_pending && !r->shutdown_req && r->sb != HB_SB_GIVING) {
		for (size_t i = 0; i < r->ng; i++)
			if (r->g[i].state == HB_G_STOPPED)
				start_group(r, i, q, r->has_peer ? "peer is dead" : "alone");
	}
	if (r->mach_down_taking && !busy(r)) {
		r->mach_down_taking = false;
		send(q, "resource", "rsc_hold", "foreign", "info", "mach_down", NULL);
		LOG_RSC(q, HB_RSC_INFO, "mach_down takeover complete for node %s.", r->peer);
	}

	if (r->shutdown_req) {
		if (busy(r) || r->sb == HB_SB_GIVING || r->sb == HB_SB_TAKING) {
			if (!r->shutdown_delayed_logged)
				LOG_RSC(q, HB_RSC_INFO,
					"Shutdown delayed until current resource activity finishes.");
			r->shutdown_delayed_logged = true;
			return;
		}
		begin_shutdown(r, q);
		progress(r, now, q);
		return;
	}

	/* auto_failback on: give the peer's groups back once it is stable */
	if (r->cfg.failback == HB_FAILBACK_ON && r->fb_armed &&
	    r->state == HB_RSC_STABLE &&
	    r->peer_alive && r->other_stable && r->other_holds_known &&
	    r->sb == HB_SB_NOT && !r->tk_deadline && !busy(r)) {
		bool have = false;

		for (size_t i = 0; i < r->ng; i++)
			if (!r->g[i].local_class && r->g[i].state == HB_G_RUNNING)
				have = true;
		if (!have || (r->other_holds & HB_RSET_LOCAL)) {
			r->fb_armed = false;	/* nothing to give back */
		} else {
			LOG_RSC(q, HB_RSC_INFO,
				"auto_failback: giving foreign resources back to %s", r->peer);
			if (standby_internal(r, now, HB_RSET_FOREIGN, q, "auto_failback") == 0)
				r->fb_armed = false;
		}
	}
}

/* ---- peer life ------------------------------------------------------- */

static void stonith_notice(struct hb_rsc *r, struct hb_rsc_actq *q)
{
	bool had = !r->other_holds_known || r->other_holds != HB_RSET_NONE;

	if (had)
		LOG_RSC(q, HB_RSC_WARN,
			"No STONITH device configured. Shared disks are not protected.");
	send(q, "stonith", "node", r->peer, "result", had ? "n_stnth" : "unneeded", NULL);
}

/* The peer is gone (dead, or said shutdone): its groups come here. */
static void acquire_from_peer(struct hb_rsc *r, struct hb_rsc_actq *q, bool check_ping)
{
	if (check_ping && r->cfg.have_ping && !r->ping_ok) {
		r->takeover_pending = true;
		LOG_RSC(q, HB_RSC_WARN,
			"Node %s is dead but the ping nodes are unreachable too: not acquiring its resources (this node may be the isolated one); waiting for a ping node",
			r->peer);
		return;
	}
	if (check_ping && r->cfg.have_ping && !r->ping_fresh) {
		/*
		 * The ping nodes look reachable, but only from answers heard
		 * before: cut off from everything at once, we would hear the
		 * peer's silence before the ping nodes' (their dead time ends
		 * later when their last answer came later).
		 */
		r->takeover_pending = true;
		LOG_RSC(q, HB_RSC_INFO,
			"Node %s is dead: acquiring its resources once a ping node answers a ping sent now",
			r->peer);
		return;
	}
	r->takeover_pending = false;
	r->other_holds = HB_RSET_NONE;
	r->other_stable = false;
	for (size_t i = 0; i < r->ng; i++)
		if (r->g[i].state == HB_G_FAILED && !r->g[i].unmanaged)
			r->g[i].state = HB_G_STOPPED;	/* one new attempt */
	if (r->state != HB_RSC_STABLE) {
		/* alone now: startup is over */
		r->state = HB_RSC_STABLE;
		r->rqst_at = 0;
		r->startup_taking = false;
	}
	LOG_RSC(q, HB_RSC_INFO, "Resources being acquired from %s.", r->peer);
	r->mach_down_taking = true;
}

static void cancel_handshake(struct hb_rsc *r, struct hb_rsc_actq *q, const char *why)
{
	if (r->sb == HB_SB_ME || r->sb == HB_SB_OTHER || r->sb == HB_SB_GAVE) {
		LOG_RSC(q, HB_RSC_INFO, "Standby handshake cancelled: %s", why);
		r->sb = HB_SB_NOT;
	}
	r->tk_deadline = 0;
}

void hb_rsc_comm_up(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	if (r->comm_up || r->state != HB_RSC_INIT)
		return;
	r->comm_up = true;
	if (!r->has_peer) {
		r->state = HB_RSC_STABLE;
		LOG_RSC(q, HB_RSC_INFO, "Comm up, no other node: acquiring all resources");
		r->startup_taking = true;
		progress(r, now, q);
		return;
	}
	if (nice(r)) {
		send(q, "starting", NULL);
		r->state = HB_RSC_STARTING;
		r->rqst_at = now + r->cfg.rqstdelay_ms;
		if (r->peer_alive && r->peer_starting) {
			r->state = HB_RSC_BOTHSTARTING;
			send_held(q, hb_rsc_held(r), false, NULL);
		}
		r->peer_starting = false;
	} else {
		r->state = HB_RSC_STABLE;
	}
	if (!r->peer_alive) {
		stonith_notice(r, q);
		acquire_from_peer(r, q, true);
	} else if (!nice(r)) {
		for (size_t i = 0; i < r->ng; i++)
			if (r->g[i].local_class && r->g[i].state == HB_G_STOPPED)
				send(q, "ip-request", "ipaddr", gkey(r, i), NULL);
	}
	progress(r, now, q);
}

void hb_rsc_peer_up(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	if (!r->has_peer || r->peer_alive)
		return;
	r->peer_alive = true;
	r->peer_shutdown = false;
	r->other_holds = HB_RSET_NONE;
	r->other_holds_known = false;
	r->other_stable = false;
	if (r->takeover_pending) {
		r->takeover_pending = false;
		LOG_RSC(q, HB_RSC_INFO, "Node %s is back: no takeover of its resources", r->peer);
	}
	if (r->comm_up)
		LOG_RSC(q, HB_RSC_INFO, "Node %s is up again", r->peer);
	progress(r, now, q);
}

void hb_rsc_peer_dead(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	bool was_alive = r->peer_alive;

	if (!r->has_peer)
		return;
	r->peer_alive = false;
	r->peer_starting = false;
	cancel_handshake(r, q, "the peer is dead");
	if (!r->comm_up || r->state == HB_RSC_SHUTDOWN || r->exited)
		return;
	if (r->peer_shutdown || !was_alive) {
		/* it said goodbye, or we already handled its death */
		progress(r, now, q);
		return;
	}
	LOG_RSC(q, HB_RSC_WARN, "Node %s: is dead", r->peer);
	r->ping_fresh = false;
	stonith_notice(r, q);
	acquire_from_peer(r, q, true);
	progress(r, now, q);
}

void hb_rsc_peer_partition(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	if (r->state == HB_RSC_SHUTDOWN || r->exited)
		return;
	LOG_RSC(q, HB_RSC_CRIT, "Cluster node %s returning after partition.", r->peer);
	LOG_RSC(q, HB_RSC_CRIT, "Deadtime value may be too small. Giving up all resources and restarting.");
	r->peer_alive = true;
	r->shutdown_req = true;
	r->shutdown_restart = true;
	/* a partition is no time to wait: abandon handshakes */
	if (r->sb == HB_SB_GIVING || r->sb == HB_SB_TAKING)
		r->sb = HB_SB_NOT;
	cancel_handshake(r, q, "partition");
	progress(r, now, q);
}

/* a takeover that waited for the ping nodes, once one answers a fresh ping */
static void takeover_if_pinged(struct hb_rsc *r, struct hb_rsc_actq *q, const char *why)
{
	if (!r->ping_ok || !r->ping_fresh || !r->takeover_pending || r->peer_alive ||
	    !r->comm_up || r->state == HB_RSC_SHUTDOWN)
		return;
	LOG_RSC(q, HB_RSC_INFO, "%s and %s still dead: taking over", why, r->peer);
	acquire_from_peer(r, q, false);
}

void hb_rsc_ping(struct hb_rsc *r, uint64_t now, bool reachable, struct hb_rsc_actq *q)
{
	if (r->ping_ok == reachable)
		return;
	r->ping_ok = reachable;
	LOG_RSC(q, HB_RSC_INFO, "Ping nodes %s", reachable ? "reachable" : "unreachable");
	takeover_if_pinged(r, q, "Ping node reachable");
	progress(r, now, q);
}

void hb_rsc_ping_answer(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	if (r->ping_fresh)
		return;
	r->ping_fresh = true;
	takeover_if_pinged(r, q, "A ping node answered");
	progress(r, now, q);
}

/* ---- standby / takeover ---------------------------------------------- */

static int may_move(struct hb_rsc *r, struct hb_rsc_actq *q, const char *what)
{
	if (!nice(r)) {
		refuse(r, q, "%s refused: Standby mode only implemented when nice_failback on (auto_failback on|off)", what);
		return -ENOTSUP;
	}
	if (!r->has_peer || !r->peer_alive) {
		refuse(r, q, "%s refused: the other node is dead", what);
		return -EHOSTDOWN;
	}
	if (r->state == HB_RSC_SHUTDOWN || r->shutdown_req) {
		refuse(r, q, "%s refused: shutting down", what);
		return -EBUSY;
	}
	if (r->state != HB_RSC_STABLE) {
		refuse(r, q, "%s refused: resources not stable yet (%s)", what,
		       hb_rsc_state_str(r->state));
		return -EBUSY;
	}
	if (r->sb != HB_SB_NOT || r->tk_deadline) {
		refuse(r, q, "%s refused: a standby/takeover is already in flux", what);
		return -EBUSY;
	}
	if (busy(r)) {
		refuse(r, q, "%s refused: local resources are in transition", what);
		return -EBUSY;
	}
	if (!r->other_stable) {
		refuse(r, q, "%s refused: Other side is in flux", what);
		return -EBUSY;
	}
	return 0;
}

static int standby_internal(struct hb_rsc *r, uint64_t now, unsigned set,
			    struct hb_rsc_actq *q, const char *who)
{
	int rc;

	if (set == HB_RSET_NONE || set > HB_RSET_ALL) {
		refuse(r, q, "standby: bad resource set");
		return -EINVAL;
	}
	rc = may_move(r, q, "Standby");
	if (rc)
		return rc;
	r->sb = HB_SB_ME;
	r->sb_set = set;
	r->sb_wire = set;
	r->sb_failed = false;
	r->sb_deadline = now + r->cfg.standby_timeout_ms;
	r->why[0] = 0;
	LOG_RSC(q, HB_RSC_INFO, "Going standby [%s] (%s).", hb_rset_str(set), who);
	send(q, "ask_resources", "rsc_hold", hb_rset_str(set), "info", "me", NULL);
	return 0;
}

int hb_rsc_standby(struct hb_rsc *r, uint64_t now, enum hb_rset set,
		   struct hb_rsc_actq *q)
{
	int rc = standby_internal(r, now, set, q, "local request");

	progress(r, now, q);
	return rc;
}

int hb_rsc_takeover(struct hb_rsc *r, uint64_t now, enum hb_rset set,
		    struct hb_rsc_actq *q)
{
	int rc;

	if (set == HB_RSET_NONE || set > HB_RSET_ALL) {
		refuse(r, q, "takeover: bad resource set");
		return -EINVAL;
	}
	rc = may_move(r, q, "Takeover");
	if (rc)
		return rc;
	r->why[0] = 0;
	r->tk_deadline = now + r->cfg.standby_timeout_ms;
	LOG_RSC(q, HB_RSC_INFO, "Asking %s to give up its resources [%s].", r->peer,
		hb_rset_str(set));
	send(q, "hb_takeover", "rsc_hold", hb_rset_str(set), NULL);
	progress(r, now, q);
	return 0;
}

void hb_rsc_shutdown(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	if (r->exited)
		return;
	if (r->state == HB_RSC_SHUTDOWN) {
		if (r->shutdown_stuck) {
			r->shutdown_stuck = false;
			LOG_RSC(q, HB_RSC_INFO, "Retrying the stop of failed groups");
			for (size_t i = r->ng; i-- > 0;)
				if (r->g[i].unmanaged)
					stop_group(r, i, q, "shutdown retry");
		}
		progress(r, now, q);
		return;
	}
	r->shutdown_req = true;
	if (!r->comm_up) {
		/* nothing was ever started: nothing to hand over */
		r->state = HB_RSC_SHUTDOWN;
		LOG_RSC(q, HB_RSC_INFO, "Heartbeat shutdown in progress.");
		r->shutdown_sent = true;
	}
	progress(r, now, q);
}

const char *hb_rsc_why(const struct hb_rsc *r)
{
	return r->why;
}

/* ---- messages -------------------------------------------------------- */

static const char *const rsc_types[] = {
	"starting", "resource", "ask_resources", "hb_takeover", "ip-request",
	"ip-request-resp", "shutdone", "stonith",
};

static bool is_rsc_type(const char *t)
{
	for (size_t i = 0; i < sizeof(rsc_types) / sizeof(rsc_types[0]); i++)
		if (strcmp(t, rsc_types[i]) == 0)
			return true;
	return false;
}

static void rx_starting(struct hb_rsc *r, struct hb_rsc_actq *q)
{
	r->other_stable = false;
	r->other_holds = HB_RSET_NONE;
	r->other_holds_known = true;
	LOG_RSC(q, HB_RSC_INFO, "Node %s is starting its resource layer", r->peer);
	if (r->sb == HB_SB_ME || r->sb == HB_SB_OTHER || r->sb == HB_SB_GAVE)
		cancel_handshake(r, q, "the peer restarted");
	r->standby_given = HB_RSET_NONE;
	r->fb_armed = true;
	if (r->state == HB_RSC_INIT) {
		r->peer_starting = true;
		return;
	}
	if (r->state == HB_RSC_STARTING)
		r->state = HB_RSC_BOTHSTARTING;
	send_held(q, hb_rsc_held(r), r->state == HB_RSC_STABLE, NULL);
}

static void req_our_resources(struct hb_rsc *r, struct hb_rsc_actq *q, const char *why)
{
	bool any = false;

	if (r->takeover_pending && !r->peer_alive)
		return;
	for (size_t i = 0; i < r->ng; i++) {
		if (!r->g[i].local_class || r->g[i].state != HB_G_STOPPED)
			continue;
		if (peer_holds(r, i))
			continue;
		if (start_group(r, i, q, why)) {
			any = true;
			if (r->state != HB_RSC_STABLE)
				send(q, "ip-request-resp", "dest", r->local, "ipaddr",
				     gkey(r, i), "weown", "yes", "ok", "OK", NULL);
		}
	}
	if (!any && r->state == HB_RSC_STABLE)
		return;
	if (r->state != HB_RSC_STABLE) {
		if (!any)
			LOG_RSC(q, HB_RSC_INFO, "No local resources to acquire.");
		r->startup_taking = true;
	}
}

static void rx_resource(struct hb_rsc *r, const struct hb_msg *m,
			const struct hb_hdr *h, struct hb_rsc_actq *q)
{
	int set = hb_rset_parse(h->rsc_hold);
	const char *stable = hb_msg_str(m, "isstable");

	if (set < 0) {
		LOG_RSC(q, HB_RSC_WARN, "resource message from %s with bad rsc_hold [%s] ignored",
			r->peer, h->rsc_hold ? h->rsc_hold : "");
		return;
	}
	if (!h->rtype || strcmp(h->rtype, "full") != 0)
		set |= (int)r->other_holds;
	r->other_holds = (unsigned)set;
	r->other_holds_known = true;
	if (stable)
		r->other_stable = strcmp(stable, "1") == 0;
	LOG_DBG(q, "%s holds %s%s", r->peer, hb_rset_str(r->other_holds),
		r->other_stable ? " (stable)" : "");
	if (r->sb == HB_SB_OTHER && stable && strcmp(stable, "1") == 0) {
		LOG_RSC(q, HB_RSC_WARN, "Standby handshake aborted by %s (%s)", r->peer,
			h->info ? h->info : "stable again");
		r->sb = HB_SB_NOT;
	}
	if (r->state == HB_RSC_STARTING || r->state == HB_RSC_BOTHSTARTING)
		r->state = HB_RSC_RSCRCVD;
	if (r->state == HB_RSC_RSCRCVD && r->other_stable && !r->startup_taking) {
		req_our_resources(r, q, "peer is stable");
	} else if (r->state == HB_RSC_STABLE && r->other_stable &&
		   r->sb == HB_SB_NOT && !r->tk_deadline && !busy(r) &&
		   !r->shutdown_req && r->standby_given == HB_RSET_NONE) {
		/* nobody runs our groups (the peer restarted): take them */
		req_our_resources(r, q, "held by nobody");
		if (busy(r))
			r->startup_taking = true;
	}
}

static void rx_ask(struct hb_rsc *r, uint64_t now, const struct hb_hdr *h,
		   struct hb_rsc_actq *q)
{
	int set = hb_rset_parse(h->rsc_hold);
	const char *info = h->info ? h->info : "";

	if (!nice(r)) {
		LOG_RSC(q, HB_RSC_WARN, "ask_resources from %s ignored: Standby mode only implemented when nice_failback on",
			r->peer);
		return;
	}
	if (set <= 0) {
		LOG_RSC(q, HB_RSC_WARN, "ask_resources from %s with bad rsc_hold ignored", r->peer);
		return;
	}
	if (strcmp(info, "me") == 0) {
		if (r->sb != HB_SB_NOT || r->state != HB_RSC_STABLE || busy(r) ||
		    r->shutdown_req) {
			LOG_RSC(q, HB_RSC_INFO,
				"%s wants to go standby [%s]: ignored, local resources in flux",
				r->peer, hb_rset_str((enum hb_rset)set));
			return;
		}
		LOG_RSC(q, HB_RSC_INFO, "%s wants to go standby [%s]", r->peer,
			hb_rset_str((enum hb_rset)set));
		r->tk_deadline = 0;
		r->sb = HB_SB_OTHER;
		r->sb_wire = (unsigned)set;
		r->sb_set = hb_rset_mirror((unsigned)set);
		send(q, "ask_resources", "rsc_hold", hb_rset_str((enum hb_rset)set),
		     "info", "other", NULL);
	} else if (strcmp(info, "other") == 0) {
		if (r->sb != HB_SB_ME || (unsigned)set != r->sb_wire) {
			LOG_RSC(q, HB_RSC_INFO, "ask_resources info=other from %s out of place: ignored",
				r->peer);
			return;
		}
		r->sb = HB_SB_GIVING;
		r->sb_deadline = 0;
		send_held(q, hb_rsc_held(r) & ~r->sb_set, false, "standby");
		for (size_t i = r->ng; i-- > 0;) {
			if (!(gclass(r, i) & r->sb_set))
				continue;
			if (r->g[i].state == HB_G_RUNNING) {
				r->g[i].in_standby = true;
				stop_group(r, i, q, "standby");
			} else if (r->g[i].unmanaged) {
				r->sb_failed = true;
			}
		}
	} else if (strcmp(info, "done") == 0) {
		if (r->sb == HB_SB_OTHER && (unsigned)set == r->sb_wire) {
			r->other_holds &= ~r->sb_wire;
			r->sb = HB_SB_TAKING;
			for (size_t i = 0; i < r->ng; i++) {
				if (!(gclass(r, i) & r->sb_set) ||
				    (r->g[i].state != HB_G_STOPPED &&
				     r->g[i].state != HB_G_FAILED))
					continue;
				if (start_group(r, i, q, "standby of the peer"))
					r->g[i].in_standby = true;
			}
		} else if (r->sb == HB_SB_GAVE) {
			r->sb = HB_SB_NOT;
			send_held(q, hb_rsc_held(r), true, NULL);
			LOG_RSC(q, HB_RSC_INFO, "Standby process finished. /Me secondary [%s]",
				hb_rset_str(r->sb_set));
		} else {
			LOG_RSC(q, HB_RSC_INFO, "ask_resources info=done from %s out of place: ignored",
				r->peer);
		}
	} else {
		LOG_RSC(q, HB_RSC_WARN, "ask_resources from %s with info=%s ignored", r->peer, info);
	}
	(void)now;
}

static void rx_ip_request(struct hb_rsc *r, const struct hb_hdr *h,
			  struct hb_rsc_actq *q)
{
	int gi = find_group(r, h->ipaddr);
	struct hb_rsc_group *g;

	if (gi < 0) {
		LOG_RSC(q, HB_RSC_WARN, "ip-request from %s for unknown group [%s] ignored",
			r->peer, h->ipaddr ? h->ipaddr : "");
		return;
	}
	g = &r->g[gi];
	if (g->unmanaged) {
		LOG_RSC(q, HB_RSC_ERR, "ip-request from %s for %s refused: the group failed to stop here",
			r->peer, h->ipaddr);
		return;
	}
	switch (g->state) {
	case HB_G_RUNNING:
		g->give_after = true;
		stop_group(r, (size_t)gi, q, "ip-request");
		break;
	case HB_G_STARTING:
	case HB_G_STOPPING:
		g->give_after = true;
		break;
	default:
		send(q, "ip-request-resp", "dest", r->peer, "ipaddr", h->ipaddr,
		     "weown", "no", "ok", "OK", NULL);
	}
}

static void rx_ip_resp(struct hb_rsc *r, const struct hb_msg *m,
		       const struct hb_hdr *h, struct hb_rsc_actq *q)
{
	const char *ok = hb_msg_str(m, "ok");
	int gi = find_group(r, h->ipaddr);

	if (!h->dest || strcasecmp(h->dest, r->local) != 0)
		return;
	if (!ok || strcmp(ok, "OK") != 0 || gi < 0) {
		LOG_RSC(q, HB_RSC_WARN, "ip-request-resp from %s for [%s] not OK: ignored",
			r->peer, h->ipaddr ? h->ipaddr : "");
		return;
	}
	start_group(r, (size_t)gi, q, "ip-request-resp");
}

bool hb_rsc_rx(struct hb_rsc *r, uint64_t now, const struct hb_msg *m,
	       const struct hb_hdr *h, struct hb_rsc_actq *q)
{
	if (!h->t || !is_rsc_type(h->t))
		return false;
	if (!r->has_peer || !h->src || strcasecmp(h->src, r->peer) != 0) {
		LOG_DBG(q, "%s from [%s] ignored: not from %s", h->t,
			h->src ? h->src : "", r->has_peer ? r->peer : "a peer");
		return true;
	}
	if (h->dest && strcasecmp(h->dest, r->local) != 0 &&
	    strcmp(h->t, "ip-request-resp") != 0) {
		LOG_DBG(q, "%s for %s ignored", h->t, h->dest);
		return true;
	}
	if (r->exited || r->state == HB_RSC_SHUTDOWN) {
		LOG_DBG(q, "%s from %s ignored: shutting down", h->t, r->peer);
		return true;
	}
	if (strcmp(h->t, "stonith") == 0) {
		bool us = h->node && strcasecmp(h->node, r->local) == 0;

		LOG_RSC(q, us ? HB_RSC_CRIT : HB_RSC_INFO, "%s reports STONITH of %s: %s",
			r->peer, h->node ? h->node : "?", h->result ? h->result : "?");
		return true;
	}
	if (!r->peer_alive) {
		/* a message is a sign of life; hb_live tells the glue the same */
		hb_rsc_peer_up(r, now, q);
	}
	if (strcmp(h->t, "shutdone") == 0) {
		LOG_RSC(q, HB_RSC_INFO, "Received shutdown notice from '%s'.", r->peer);
		r->peer_alive = false;
		r->peer_shutdown = true;
		cancel_handshake(r, q, "the peer shut down");
		if (r->comm_up)
			acquire_from_peer(r, q, false);
	} else if (strcmp(h->t, "starting") == 0) {
		rx_starting(r, q);
	} else if (strcmp(h->t, "resource") == 0) {
		rx_resource(r, m, h, q);
	} else if (strcmp(h->t, "ask_resources") == 0) {
		rx_ask(r, now, h, q);
	} else if (strcmp(h->t, "hb_takeover") == 0) {
		int set = hb_rset_parse(h->rsc_hold);

		LOG_RSC(q, HB_RSC_INFO, "%s asks to take over [%s]", r->peer,
			h->rsc_hold ? h->rsc_hold : "");
		if (set > 0)
			standby_internal(r, now, hb_rset_mirror((unsigned)set), q,
					 "hb_takeover from the peer");
	} else if (strcmp(h->t, "ip-request") == 0) {
		rx_ip_request(r, h, q);
	} else if (strcmp(h->t, "ip-request-resp") == 0) {
		rx_ip_resp(r, m, h, q);
	}
	progress(r, now, q);
	return true;
}

bool hb_rsc_rx_fifo(struct hb_rsc *r, uint64_t now, const struct hb_msg *m,
		    const struct hb_hdr *h, struct hb_rsc_actq *q)
{
	int set;

	(void)m;
	if (!h->t)
		return false;
	set = hb_rset_parse(h->rsc_hold);
	if (strcmp(h->t, "ask_resources") == 0 && h->info && strcmp(h->info, "me") == 0) {
		hb_rsc_standby(r, now, set > 0 ? (enum hb_rset)set : HB_RSET_ALL, q);
		return true;
	}
	if (strcmp(h->t, "hb_takeover") == 0) {
		hb_rsc_takeover(r, now, set > 0 ? (enum hb_rset)set : HB_RSET_ALL, q);
		return true;
	}
	return false;
}

/* ---- runner results and timers --------------------------------------- */

void hb_rsc_group_done(struct hb_rsc *r, uint64_t now, size_t gi,
		       enum hb_rsc_op op, bool ok, struct hb_rsc_actq *q)
{
	struct hb_rsc_group *g;

	if (gi >= r->ng)
		return;
	g = &r->g[gi];
	if (op == HB_RSC_OP_START) {
		if (g->state != HB_G_STARTING)
			return;
		if (ok) {
			g->state = HB_G_RUNNING;
			LOG_GRP(q, HB_RSC_INFO, "Group %s running", gkey(r, gi));
			if (g->give_after) {
				stop_group(r, gi, q, "ip-request");
			}
		} else {
			LOG_GRP(q, HB_RSC_ERR,
				"Giving up resources due to failure of group %s: stopping it again",
				gkey(r, gi));
			g->state = HB_G_RUNNING;	/* partly: stop it all */
			g->cleanup = true;
			stop_group(r, gi, q, "failed start");
		}
	} else {
		if (g->state != HB_G_STOPPING)
			return;
		if (ok) {
			g->unmanaged = false;
			if (g->cleanup) {
				g->cleanup = false;
				g->state = HB_G_FAILED;
				g->failed_start = true;
				LOG_GRP(q, HB_RSC_ERR, "Group %s failed to start here",
					gkey(r, gi));
				if (nice(r) && r->peer_alive && !r->shutdown_req) {
					r->failed_sb_at = now + r->cfg.failed_standby_ms;
					r->failed_sb_set |= gclass(r, gi);
				}
			} else {
				g->state = HB_G_STOPPED;
				LOG_GRP(q, HB_RSC_INFO, "Group %s stopped", gkey(r, gi));
			}
			if (g->give_after) {
				g->give_after = false;
				send(q, "ip-request-resp", "dest", r->peer, "ipaddr",
				     gkey(r, gi), "weown", "yes", "ok", "OK", NULL);
			}
			if (g->restart_after) {
				g->restart_after = false;
				start_group(r, gi, q, "restart");
			}
		} else {
			g->state = HB_G_FAILED;
			g->unmanaged = true;
			g->cleanup = false;
			g->give_after = false;
			LOG_GRP(q, HB_RSC_CRIT,
				"Resource STOP failure for group %s: it may still run here; marked unmanaged, it will not be given to %s",
				gkey(r, gi), r->has_peer ? r->peer : "the peer");
			if (g->in_standby && r->sb == HB_SB_GIVING)
				r->sb_failed = true;
		}
	}
	progress(r, now, q);
}

uint64_t hb_rsc_tick(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q)
{
	uint64_t next = UINT64_MAX;

	if (r->exited)
		return next;
	if (r->rqst_at && now >= r->rqst_at) {
		r->rqst_at = 0;
		if (r->state == HB_RSC_STARTING || r->state == HB_RSC_BOTHSTARTING ||
		    r->state == HB_RSC_RSCRCVD) {
			LOG_RSC(q, HB_RSC_INFO, "No stable answer from %s in %u ms: acquiring our resources",
				r->peer, r->cfg.rqstdelay_ms);
			r->state = HB_RSC_RSCRCVD;
			if (!r->startup_taking)
				req_our_resources(r, q, "request delay expired");
		}
	}
	if (r->sb == HB_SB_ME && r->sb_deadline && now >= r->sb_deadline) {
		LOG_RSC(q, HB_RSC_WARN, "No reply to standby request. Standby request cancelled.");
		r->sb = HB_SB_NOT;
		r->sb_deadline = 0;
	}
	if (r->tk_deadline && now >= r->tk_deadline) {
		LOG_RSC(q, HB_RSC_WARN, "No reply to takeover request from %s.", r->peer);
		r->tk_deadline = 0;
	}
	if (r->failed_sb_at && now >= r->failed_sb_at) {
		unsigned set = r->failed_sb_set;

		r->failed_sb_at = 0;
		r->failed_sb_set = 0;
		if (r->peer_alive && nice(r)) {
			LOG_RSC(q, HB_RSC_INFO, "Offering [%s] to %s after a failed start",
				hb_rset_str(set), r->peer);
			if (standby_internal(r, now, set, q, "failed start") == -EBUSY) {
				/* try again later */
				r->failed_sb_at = now + r->cfg.failed_standby_ms;
				r->failed_sb_set = set;
			}
		}
	}
	progress(r, now, q);
	if (r->exited)
		return UINT64_MAX;
	if (r->rqst_at && r->rqst_at < next)
		next = r->rqst_at;
	if (r->sb == HB_SB_ME && r->sb_deadline && r->sb_deadline < next)
		next = r->sb_deadline;
	if (r->tk_deadline && r->tk_deadline < next)
		next = r->tk_deadline;
	if (r->failed_sb_at && r->failed_sb_at < next)
		next = r->failed_sb_at;
	return next;
}

/* ---- status ---------------------------------------------------------- */

void hb_rsc_group_status(const struct hb_rsc *r, size_t gi, struct hb_rsc_gstatus *st)
{
	const struct hb_rsc_group *g;

	memset(st, 0, sizeof(*st));
	if (gi >= r->ng)
		return;
	g = &r->g[gi];
	st->key = gkey(r, gi);
	st->preferred = r->cfg.hr->groups[gi].node;
	st->state = g->state;
	st->unmanaged = g->unmanaged;
	if (hb_rsc_group_is_local(r, gi)) {
		st->owner = HB_OWNER_LOCAL;
	} else if (nice(r) ? peer_holds(r, gi) && !r->peer_shutdown :
		   r->peer_alive && !g->local_class) {
		st->owner = HB_OWNER_PEER;
		if (g->state == HB_G_STOPPED)
			st->state = HB_G_RUNNING;
	} else {
		st->owner = HB_OWNER_NONE;
	}
}

enum hb_rsc_state hb_rsc_state(const struct hb_rsc *r)
{
	return r->state;
}

bool hb_rsc_in_standby(const struct hb_rsc *r)
{
	return r->standby_given != HB_RSET_NONE &&
	       !(hb_rsc_held(r) & r->standby_given);
}

bool hb_rsc_in_transition(const struct hb_rsc *r)
{
	return busy(r) || r->sb != HB_SB_NOT || r->tk_deadline ||
	       r->state == HB_RSC_SHUTDOWN || r->shutdown_req ||
	       (r->state != HB_RSC_STABLE && r->comm_up);
}
