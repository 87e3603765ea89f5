/*
 * duetadm: the text that role, cstate, dstate, status and events print,
 * made from the kernel's GET_STATUS replies and STATE_EVENT messages
 * (decoded into struct adm_msg). Pure, for the unit tests.
 *
 *   role     Primary/Secondary               (one line per resource)
 *   cstate   Connected                       (one line per volume)
 *   dstate   UpToDate/UpToDate               (one line per volume)
 *   status   r0 role:Primary
 *              volume:0 minor:0 disk:UpToDate
 *              peer role:Secondary connection:Connected
 *                volume:0 replication:SyncSource peer-disk:Inconsistent done:33.5
 *   events   exists|change|create|destroy resource:r0 volume:0 minor:0 role:...
 *
 * A resource the kernel does not know prints "Unconfigured" (as
 * /proc/drbd calls an unused minor).
 */
#ifndef DUET_ADM_STATUS_H
#define DUET_ADM_STATUS_H

#include <stdbool.h>

#include "daemon/adm_req.h"
#include "daemon/dconf/strbuf.h"

/* The replies (any resources) that belong to resource RES, in minor order. */
size_t adm_status_select(const struct adm_msg *replies, size_t n,
			 const char *res, const struct adm_msg **out, size_t max);

void adm_print_role(struct dconf_sb *sb, const struct adm_msg *replies, size_t n,
		    const char *res);
void adm_print_cstate(struct dconf_sb *sb, const struct adm_msg *replies,
		      size_t n, const char *res);
void adm_print_dstate(struct dconf_sb *sb, const struct adm_msg *replies,
		      size_t n, const char *res);
void adm_print_status(struct dconf_sb *sb, const struct adm_msg *replies,
		      size_t n, const char *res, bool stats);

/* JSON: {"resources":[...]} for the resources RES[0..nres). */
void adm_print_status_json(struct dconf_sb *sb, const struct adm_msg *replies,
			   size_t n, const char *const *res, size_t nres);

/* One line of "events" for an event or status message ("exists"). */
void adm_print_event(struct dconf_sb *sb, const struct adm_msg *m);

#endif /* DUET_ADM_STATUS_H */
