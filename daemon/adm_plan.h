/*
 * duetadm: what each verb sends. Turns a validated configuration into the
 * list of generic netlink requests (a plan) for one resource, on its
 * local host. Pure: no I/O, so the plans are unit-tested and printed by
 * --dry-run exactly as they would be sent.
 *
 * Every configuration request carries the complete effective option set
 * of its object (defaults included; strings "" when unset), so the kernel
 * ends up with exactly what the file says.
 */
#ifndef DUET_ADM_PLAN_H
#define DUET_ADM_PLAN_H

#include <stdbool.h>

#include "daemon/adm_req.h"
#include "daemon/dconf/dconf.h"

struct adm_flags {
	bool force;		/* primary, detach, disconnect */
	bool discard_my_data;	/* connect (also from the net section) */
	bool clear_bitmap;	/* new-current-uuid */
};

/* new resource, new minors, attach, connect */
void adm_plan_up(struct adm_plan *p, const struct dconf_config *cfg,
		 const struct dconf_resource *r, const struct adm_flags *f);
void adm_plan_down(struct adm_plan *p, const struct dconf_resource *r);
void adm_plan_attach(struct adm_plan *p, const struct dconf_config *cfg,
		     const struct dconf_resource *r);
void adm_plan_detach(struct adm_plan *p, const struct dconf_resource *r,
		     const struct adm_flags *f);
void adm_plan_connect(struct adm_plan *p, const struct dconf_config *cfg,
		      const struct dconf_resource *r, const struct adm_flags *f);
void adm_plan_disconnect(struct adm_plan *p, const struct dconf_resource *r,
			 const struct adm_flags *f);
void adm_plan_primary(struct adm_plan *p, const struct dconf_resource *r,
		      const struct adm_flags *f);
void adm_plan_secondary(struct adm_plan *p, const struct dconf_resource *r);
/* the net options of the file for a connected resource (NET_OPTS) */
void adm_plan_net_options(struct adm_plan *p, const struct dconf_config *cfg,
			  const struct dconf_resource *r);
/* the membership daemon's word: the peer is dead (PEER_DEAD) */
void adm_plan_peer_dead(struct adm_plan *p, const struct dconf_resource *r);

/*
 * Resync control, one request per local volume (its minor):
 * DUET_CMD_INVALIDATE, INVALIDATE_REMOTE, OUTDATE, PAUSE_SYNC,
 * RESUME_SYNC or NEW_C_UUID (F->clear_bitmap: flags.clear-bitmap).
 */
void adm_plan_volumes(struct adm_plan *p, int cmd, const struct dconf_resource *r,
		      const struct adm_flags *f);

/* A GET_STATUS / GET_CONFIG dump request for RES (NULL: everything). */
void adm_plan_get(struct adm_plan *p, int cmd, const char *res);

/*
 * adjust: the requests that bring the running configuration of R (the
 * GET_CONFIG replies in RUNNING, any resource) to what CFG says. Only
 * what differs is sent; nothing when all matches.
 */
void adm_plan_adjust(struct adm_plan *p, const struct dconf_config *cfg,
		     const struct dconf_resource *r, const struct adm_msg *running,
		     size_t nrunning, const struct adm_flags *f);

/* The local volumes of R ordered by volume number (R validated). */
size_t adm_local_volumes(const struct dconf_resource *r,
			 const struct dconf_volume **out, size_t max);

#endif /* DUET_ADM_PLAN_H */
