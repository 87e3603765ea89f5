/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: roles, connection states and disk states, with the names
 * DRBD 8.4 prints in /proc/drbd and drbdadm output. The numbering follows
 * the order the state machine compares on (below WFReportParams there is
 * no socket; a disk above Inconsistent holds consistent data).
 */
#ifndef DUET_CORE_STATE_H
#define DUET_CORE_STATE_H

#include "types.h"

enum duet_role {
	DUET_ROLE_UNKNOWN = 0,
	DUET_ROLE_PRIMARY,
	DUET_ROLE_SECONDARY,
	DUET_ROLE_NR
};

enum duet_conn {
	DUET_C_STANDALONE = 0,
	DUET_C_DISCONNECTING,
	DUET_C_UNCONNECTED,
	DUET_C_TIMEOUT,
	DUET_C_BROKEN_PIPE,
	DUET_C_NETWORK_FAILURE,
	DUET_C_PROTOCOL_ERROR,
	DUET_C_TEAR_DOWN,
	DUET_C_WF_CONNECTION,
	DUET_C_WF_REPORT_PARAMS,
	DUET_C_CONNECTED,
	DUET_C_STARTING_SYNC_S,
	DUET_C_STARTING_SYNC_T,
	DUET_C_WF_BITMAP_S,
	DUET_C_WF_BITMAP_T,
	DUET_C_WF_SYNC_UUID,
	DUET_C_SYNC_SOURCE,
	DUET_C_SYNC_TARGET,
	DUET_C_VERIFY_S,
	DUET_C_VERIFY_T,
	DUET_C_PAUSED_SYNC_S,
	DUET_C_PAUSED_SYNC_T,
	DUET_C_AHEAD,		/* replication paused by congestion (source) */
	DUET_C_BEHIND,		/* peer of an Ahead node (target) */
	DUET_C_NR
};

enum duet_disk {
	DUET_D_DISKLESS = 0,
	DUET_D_ATTACHING,
	DUET_D_FAILED,
	DUET_D_NEGOTIATING,
	DUET_D_INCONSISTENT,
	DUET_D_OUTDATED,
	DUET_D_UNKNOWN,
	DUET_D_CONSISTENT,
	DUET_D_UP_TO_DATE,
	DUET_D_NR
};

/* Names as DRBD prints them; "?" for a value out of range. */
const char *duet_role_str(enum duet_role r);
const char *duet_conn_str(enum duet_conn c);
const char *duet_disk_str(enum duet_disk d);

/* Reverse lookups for parsers and tests; -1 when the name is unknown. */
int duet_role_from_str(const char *s);
int duet_conn_from_str(const char *s);
int duet_disk_from_str(const char *s);

#endif /* DUET_CORE_STATE_H */
