/*
 * dd_failover: the resource layer's glue. (Membership-only build: the
 * groups are listed, nothing is started.)
 */
#include <errno.h>
#include <stdio.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_json.h"

int dd_fo_start(struct dd *d) { (void)d; return 0; }
void dd_fo_stop(struct dd *d) { (void)d; }
void dd_fo_comm_up(struct dd *d) { (void)d; }
void dd_fo_node_dead(struct dd *d, int peer) { (void)d; (void)peer; }
void dd_fo_node_up(struct dd *d, int peer) { (void)d; (void)peer; }
void dd_fo_msg(struct dd *d, const struct hb_msg *m, const struct hb_hdr *h, int peer)
{
	(void)d; (void)m; (void)h; (void)peer;
}
void dd_fo_ping(struct dd *d) { (void)d; }
bool dd_fo_shutdown(struct dd *d) { (void)d; return true; }
uint64_t dd_fo_tick(struct dd *d, uint64_t now) { (void)d; (void)now; return UINT64_MAX; }

int dd_fo_request(struct dd *d, bool takeover, const char *what, char *why, size_t cap)
{
	(void)d; (void)takeover; (void)what;
	snprintf(why, cap, "no resource layer in this build");
	return -ENOTSUP;
}

void dd_fo_json(struct dd *d, struct dd_json *j)
{
	dd_json_kstr(j, "rsc_state", "init");
	dd_json_kbool(j, "standby", false);
	dd_json_key(j, "groups");
	dd_json_arr_begin(j);
	for (size_t i = 0; i < d->hares.ngroups; i++) {
		const struct hb_rgroup *g = &d->hares.groups[i];

		dd_json_obj_begin(j);
		dd_json_kstr(j, "key", g->res[0].spec);
		dd_json_kstr(j, "preferred", g->node);
		dd_json_key(j, "resources");
		dd_json_arr_begin(j);
		for (size_t r = 0; r < g->nres; r++)
			dd_json_str(j, g->res[r].spec);
		dd_json_arr_end(j);
		dd_json_kstr(j, "owner", "none");
		dd_json_kstr(j, "state", "stopped");
		dd_json_obj_end(j);
	}
	dd_json_arr_end(j);
}
