/*
 * dd_status: the snapshot of IPC.md, written with dd_json.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_json.h"

static void config_json(struct dd *d, struct dd_json *j)
{
	const struct hb_conf *c = &d->conf;

	dd_json_key(j, "config");
	dd_json_obj_begin(j);
	dd_json_kuint(j, "keepalive_ms", c->keepalive_ms);
	dd_json_kuint(j, "warntime_ms", c->warntime_ms);
	dd_json_kuint(j, "deadtime_ms", c->deadtime_ms);
	dd_json_kuint(j, "initdead_ms", c->initdead_ms);
	dd_json_kstr(j, "auto_failback", hb_failback_str(c->auto_failback));
	dd_json_kuint(j, "udpport", c->udpport);
	dd_json_obj_end(j);
}

static void nodes_json(struct dd *d, struct dd_json *j, uint64_t now)
{
	dd_json_key(j, "nodes");
	dd_json_arr_begin(j);
	for (size_t i = 0; i < d->conf.nnodes; i++) {
		const char *name = d->conf.nodes[i];
		int p = hb_live_node(&d->live, name);

		dd_json_obj_begin(j);
		dd_json_kstr(j, "name", name);
		dd_json_kbool(j, "local", p < 0);
		dd_json_kstr(j, "type", "normal");
		if (p < 0) {
			dd_json_kstr(j, "status", d->status);
		} else {
			const struct hb_live_node *n = &d->live.nodes[p];

			dd_json_kstr(j, "status", dd_peer_status(d, (size_t)p));
			if (n->state != HB_LIVE_INIT)
				dd_json_kuint(j, "last_heard_ms", now - n->last_ms);
			dd_json_key(j, "links");
			dd_json_arr_begin(j);
			for (size_t m = 0; m < d->nmedia; m++) {
				const struct hb_live_link *k = &n->links[m];

				dd_json_obj_begin(j);
				dd_json_kuint(j, "medium", m);
				dd_json_kstr(j, "name", d->media[m].name);
				dd_json_kstr(j, "status", k->up ? "up" : "dead");
				if (k->heard)
					dd_json_kuint(j, "last_heard_ms", now - k->last_ms);
				dd_json_obj_end(j);
			}
			dd_json_arr_end(j);
		}
		dd_json_obj_end(j);
	}
	for (size_t i = 0; i < d->npings; i++) {
		const struct dd_ping_node *p = &d->pings[i];

		dd_json_obj_begin(j);
		dd_json_kstr(j, "name", p->cfg->name);
		dd_json_kbool(j, "local", false);
		dd_json_kstr(j, "type", "ping");
		dd_json_kstr(j, "status", p->up ? "ping" : "dead");
		if (p->last_ms)
			dd_json_kuint(j, "last_heard_ms", now - p->last_ms);
		dd_json_obj_end(j);
	}
	dd_json_arr_end(j);
}

static void media_json(struct dd *d, struct dd_json *j)
{
	dd_json_key(j, "media");
	dd_json_arr_begin(j);
	for (size_t i = 0; i < d->nmedia; i++) {
		const struct dd_medium *m = &d->media[i];

		dd_json_obj_begin(j);
		dd_json_kuint(j, "index", i);
		dd_json_kstr(j, "type", dd_media_kind(m));
		dd_json_kstr(j, "spec", m->spec);
		dd_json_kstr(j, "name", m->name);
		dd_json_kuint(j, "tx", m->tx);
		dd_json_kuint(j, "rx", m->rx);
		dd_json_kuint(j, "rx_beats", m->rx_beats);
		dd_json_kuint(j, "dropped", m->dropped);
		dd_json_obj_end(j);
	}
	dd_json_arr_end(j);
}

char *dd_status_json(struct dd *d)
{
	struct dd_json j;
	uint64_t now = dd_now_ms();
	char *out = NULL;

	dd_json_init(&j);
	dd_json_obj_begin(&j);
	dd_json_kint(&j, "version", 1);
	dd_json_kstr(&j, "node", d->localname);
	dd_json_kstr(&j, "status", d->status);
	dd_json_kint(&j, "pid", (int64_t)getpid());
	dd_json_kuint(&j, "uptime_ms", now - d->start_ms);
	dd_json_kuint(&j, "generation", d->gen);
	dd_json_kuint(&j, "seq", d->seq);
	config_json(d, &j);
	nodes_json(d, &j, now);
	media_json(d, &j);
	dd_fo_json(d, &j);
	dd_json_key(&j, "dropped");
	dd_json_obj_begin(&j);
	for (int i = 0; i < DD_DROP_COUNT; i++)
		dd_json_kuint(&j, dd_drop_name((enum dd_drop)i), d->drops[i]);
	dd_json_obj_end(&j);
	dd_json_key(&j, "events");
	dd_json_arr_begin(&j);
	for (size_t i = 0; i < d->events.n; i++)
		dd_event_json(&j, dd_events_get(&d->events, i));
	dd_json_arr_end(&j);
	dd_json_obj_end(&j);
	if (dd_json_text(&j))
		out = strdup(dd_json_text(&j));
	dd_json_free(&j);
	return out;
}
