/*
 * dd_failover: the resource layer's glue. hb_rsc (pure state machine)
 * decides; this file feeds it membership, messages, ping reachability,
 * time and operator requests, and carries out its actions: SEND (signed
 * cluster message through dd_cluster_send), START_GROUP / STOP_GROUP
 * (dd_rsc runs the scripts; its verdict goes back to hb_rsc), EXIT
 * (graceful shutdown finished, or re-exec after a partition) and LOG.
 *
 * Resource scripts get Heartbeat's environment (hb_script_env_build) plus
 * the cluster state at the time of the operation:
 *	HA_PEER, HA_PEER_STATUS (init|up|active|dead), HA_LOCAL_STATUS,
 *	HA_RSC_STATE (init|starting|...|stable|shutdown), HA_PING (up|down|none)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_json.h"
#include "daemon/duetd/dd_rsc.h"
#include "daemon/hb/hb_rsc.h"
#include "daemon/hb/hb_script.h"

struct fo {
	bool ready;
	struct hb_rsc r;
	struct hb_rsc_actq q;
	struct dd_rsc *run;
	bool running_actions;
};

static struct fo fo;

static const char *peer_name(struct dd *d)
{
	return d->npeers ? d->peer_names[0] : NULL;
}

static bool ping_reachable(struct dd *d)
{
	for (size_t i = 0; i < d->npings; i++)
		if (d->pings[i].up)
			return true;
	return false;
}

static void set_env(struct dd *d)
{
	char peer[160], pst[64], lst[64], rst[64], png[32];
	char *extra[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		peer, pst, lst, rst, png, NULL,
	};
	struct hb_script_envcfg ec = {
		.conf = &d->conf,
		.curhost = d->localname,
		.nice_failback = d->conf.auto_failback != HB_FAILBACK_LEGACY,
		.dontask = d->npeers == 0 || d->live.nodes[0].state == HB_LIVE_DEAD,
		.extra = extra,
	};
	char **env;

	snprintf(peer, sizeof(peer), "HA_PEER=%s", peer_name(d) ? peer_name(d) : "");
	snprintf(pst, sizeof(pst), "HA_PEER_STATUS=%s",
		 d->npeers ? dd_peer_status(d, 0) : "none");
	snprintf(lst, sizeof(lst), "HA_LOCAL_STATUS=%s", d->status);
	snprintf(rst, sizeof(rst), "HA_RSC_STATE=%s", hb_rsc_state_str(hb_rsc_state(&fo.r)));
	snprintf(png, sizeof(png), "HA_PING=%s",
		 d->npings == 0 ? "none" : ping_reachable(d) ? "up" : "down");
	env = hb_script_env_build(&ec);
	if (!env) {
		qb_log(LOG_ERR, "ERROR: out of memory building the scripts' environment");
		return;
	}
	if (dd_rsc_set_env(fo.run, env) < 0)
		qb_log(LOG_ERR, "ERROR: out of memory setting the scripts' environment");
	hb_script_strv_free(env);
}

static void run_actions(struct dd *d)
{
	if (fo.running_actions)
		return;	/* the outer loop picks up what was queued */
	fo.running_actions = true;
	while (fo.q.n) {
		struct hb_rsc_actq q = fo.q;

		hb_rsc_actq_init(&fo.q);
		for (size_t i = 0; i < q.n; i++) {
			struct hb_rsc_act *a = &q.v[i];
			int rc;

			switch (a->type) {
			case HB_RSC_ACT_SEND:
				dd_cluster_send(d, &a->msg, hb_msg_str(&a->msg, "dest"));
				break;
			case HB_RSC_ACT_START_GROUP:
			case HB_RSC_ACT_STOP_GROUP:
				set_env(d);
				rc = a->type == HB_RSC_ACT_START_GROUP ?
				     dd_rsc_start_group(fo.run, a->group, NULL) :
				     dd_rsc_stop_group(fo.run, a->group, NULL);
				if (rc < 0) {
					qb_log(LOG_ERR, "ERROR: cannot %s group %zu: %s",
					       a->type == HB_RSC_ACT_START_GROUP ? "start" : "stop",
					       a->group, strerror(-rc));
					hb_rsc_group_done(&fo.r, dd_now_ms(), a->group,
							  a->type == HB_RSC_ACT_START_GROUP ?
							  HB_RSC_OP_START : HB_RSC_OP_STOP, false, &fo.q);
				}
				break;
			case HB_RSC_ACT_EXIT:
				d->restart = a->restart;
				dd_quit(d, 0);
				break;
			case HB_RSC_ACT_LOG:
				if (a->event)
					dd_event(d, (int)a->prio,
						 a->kind == HB_RSC_KIND_GROUP ? "group" : "rsc",
						 "%s", a->text);
				else
					qb_log((int)a->prio, "%s", a->text);
				break;
			}
		}
		if (q.dropped)
			qb_log(LOG_ERR, "ERROR: %zu resource actions lost (out of memory)", q.dropped);
		hb_rsc_actq_free(&q);
	}
	fo.running_actions = false;
	/* a takeover waits for a ping node to answer a ping sent now */
	if (fo.r.takeover_pending && !fo.r.ping_fresh)
		dd_ping_confirm(d);
}

static void on_done(size_t group, enum hb_rsc_op op, bool ok, void *arg)
{
	struct dd *d = arg;

	if (!fo.ready)
		return;
	hb_rsc_group_done(&fo.r, dd_now_ms(), group, op, ok, &fo.q);
	run_actions(d);
	dd_cluster_reschedule(d);
}

static void on_log(int prio, const char *text, void *arg)
{
	(void)arg;
	qb_log(prio, "%s", text);
}

int dd_fo_start(struct dd *d)
{
	struct hb_rsc_cfg rc = {
		.local = d->localname,
		.peer = peer_name(d),
		.failback = d->conf.auto_failback,
		.have_ping = d->npings > 0,
		.hr = &d->hares,
	};
	struct dd_rsc_cfg cfg = {
		.hr = &d->hares,
		.done = on_done,
		.log = on_log,
		.arg = d,
	};

	hb_rsc_actq_init(&fo.q);
	if (hb_rsc_init(&fo.r, &rc) < 0) {
		qb_log(LOG_ERR, "ERROR: cannot set up the resource layer");
		return -1;
	}
	fo.run = dd_rsc_new(&cfg);
	if (!fo.run) {
		hb_rsc_free(&fo.r);
		return -1;
	}
	fo.ready = true;
	set_env(d);
	qb_log(LOG_INFO, "resource layer: %zu group(s), auto_failback %s%s", d->hares.ngroups,
	       hb_failback_str(d->conf.auto_failback),
	       d->npings ? ", ping nodes guard takeovers" : "");
	return 0;
}

void dd_fo_stop(struct dd *d)
{
	(void)d;
	if (!fo.ready)
		return;
	fo.ready = false;
	dd_rsc_free(fo.run);
	fo.run = NULL;
	hb_rsc_actq_free(&fo.q);
	hb_rsc_free(&fo.r);
}

void dd_fo_comm_up(struct dd *d)
{
	if (!fo.ready)
		return;
	hb_rsc_comm_up(&fo.r, dd_now_ms(), &fo.q);
	run_actions(d);
}

void dd_fo_node_dead(struct dd *d, int peer)
{
	(void)peer;
	if (!fo.ready)
		return;
	/* answers to pings sent before this death do not count */
	d->ping_confirming = false;
	hb_rsc_peer_dead(&fo.r, dd_now_ms(), &fo.q);
	run_actions(d);
}

void dd_fo_node_up(struct dd *d, int peer)
{
	(void)peer;
	if (!fo.ready)
		return;
	hb_rsc_peer_up(&fo.r, dd_now_ms(), &fo.q);
	run_actions(d);
}

void dd_fo_partition(struct dd *d, int peer)
{
	(void)peer;
	if (!fo.ready)
		return;
	hb_rsc_peer_partition(&fo.r, dd_now_ms(), &fo.q);
	run_actions(d);
}

void dd_fo_msg(struct dd *d, const struct hb_msg *m, const struct hb_hdr *h, int peer)
{
	(void)peer;
	if (!fo.ready)
		return;
	hb_rsc_rx(&fo.r, dd_now_ms(), m, h, &fo.q);
	run_actions(d);
}

bool dd_fo_fifo(struct dd *d, const struct hb_msg *m, const struct hb_hdr *h)
{
	bool taken;

	if (!fo.ready)
		return false;
	taken = hb_rsc_rx_fifo(&fo.r, dd_now_ms(), m, h, &fo.q);
	run_actions(d);
	dd_cluster_reschedule(d);
	return taken;
}

void dd_fo_ping(struct dd *d)
{
	if (!fo.ready)
		return;
	hb_rsc_ping(&fo.r, dd_now_ms(), ping_reachable(d), &fo.q);
	run_actions(d);
}

void dd_fo_ping_answer(struct dd *d)
{
	if (!fo.ready)
		return;
	hb_rsc_ping_answer(&fo.r, dd_now_ms(), &fo.q);
	run_actions(d);
	dd_cluster_reschedule(d);
}

bool dd_fo_shutdown(struct dd *d)
{
	if (!fo.ready)
		return true;
	hb_rsc_shutdown(&fo.r, dd_now_ms(), &fo.q);
	run_actions(d);
	dd_cluster_reschedule(d);
	return false;	/* hb_rsc's EXIT action ends the loop */
}

uint64_t dd_fo_tick(struct dd *d, uint64_t now)
{
	uint64_t next;

	if (!fo.ready)
		return UINT64_MAX;
	next = hb_rsc_tick(&fo.r, now, &fo.q);
	run_actions(d);
	return next;
}

int dd_fo_request(struct dd *d, bool takeover, const char *what, char *why, size_t cap)
{
	int set = hb_rset_parse(what);
	int rc;

	if (!fo.ready) {
		snprintf(why, cap, "the resource layer is not running");
		return -EBUSY;
	}
	if (set < 0) {
		snprintf(why, cap, "expected all, local or foreign");
		return -EINVAL;
	}
	rc = takeover ? hb_rsc_takeover(&fo.r, dd_now_ms(), (enum hb_rset)set, &fo.q)
		      : hb_rsc_standby(&fo.r, dd_now_ms(), (enum hb_rset)set, &fo.q);
	if (rc == 0)
		snprintf(why, cap, "%s of %s resources started", takeover ? "takeover" : "standby",
			 what);
	else
		snprintf(why, cap, "%s", hb_rsc_why(&fo.r));
	dd_event(d, rc == 0 ? LOG_INFO : LOG_WARNING, "rsc", "%s %s requested: %s",
		 takeover ? "takeover" : "standby", what, rc == 0 ? "accepted" : why);
	run_actions(d);
	dd_cluster_reschedule(d);
	return rc;
}

void dd_fo_json(struct dd *d, struct dd_json *j)
{
	dd_json_kstr(j, "rsc_state", fo.ready ? hb_rsc_state_str(hb_rsc_state(&fo.r)) : "init");
	dd_json_kbool(j, "standby", fo.ready && hb_rsc_in_standby(&fo.r));
	dd_json_key(j, "groups");
	dd_json_arr_begin(j);
	for (size_t i = 0; i < d->hares.ngroups; i++) {
		const struct hb_rgroup *g = &d->hares.groups[i];
		struct hb_rsc_gstatus st = { .owner = HB_OWNER_NONE, .state = HB_G_STOPPED };
		const char *owner = "none";

		if (fo.ready)
			hb_rsc_group_status(&fo.r, i, &st);
		if (st.owner == HB_OWNER_LOCAL)
			owner = d->localname;
		else if (st.owner == HB_OWNER_PEER && peer_name(d))
			owner = peer_name(d);
		dd_json_obj_begin(j);
		dd_json_kstr(j, "key", g->res[0].spec);
		dd_json_kstr(j, "preferred", g->node);
		dd_json_key(j, "resources");
		dd_json_arr_begin(j);
		for (size_t r = 0; r < g->nres; r++)
			dd_json_str(j, g->res[r].spec);
		dd_json_arr_end(j);
		dd_json_kstr(j, "owner", owner);
		dd_json_kstr(j, "state", hb_rsc_gstate_str(st.state));
		if (st.unmanaged)
			dd_json_kbool(j, "unmanaged", true);
		dd_json_obj_end(j);
	}
	dd_json_arr_end(j);
}
