// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: state names.
 */
#include "state.h"

static const char *const duet_role_names[DUET_ROLE_NR] = {
	[DUET_ROLE_UNKNOWN] = "Unknown",
	[DUET_ROLE_PRIMARY] = "Primary",
	[DUET_ROLE_SECONDARY] = "Secondary",
};

static const char *const duet_conn_names[DUET_C_NR] = {
	[DUET_C_STANDALONE] = "StandAlone",
	[DUET_C_DISCONNECTING] = "Disconnecting",
	[DUET_C_UNCONNECTED] = "Unconnected",
	[DUET_C_TIMEOUT] = "Timeout",
	[DUET_C_BROKEN_PIPE] = "BrokenPipe",
	[DUET_C_NETWORK_FAILURE] = "NetworkFailure",
	[DUET_C_PROTOCOL_ERROR] = "ProtocolError",
	[DUET_C_TEAR_DOWN] = "TearDown",
	[DUET_C_WF_CONNECTION] = "WFConnection",
	[DUET_C_WF_REPORT_PARAMS] = "WFReportParams",
	[DUET_C_CONNECTED] = "Connected",
	[DUET_C_STARTING_SYNC_S] = "StartingSyncS",
	[DUET_C_STARTING_SYNC_T] = "StartingSyncT",
	[DUET_C_WF_BITMAP_S] = "WFBitMapS",
	[DUET_C_WF_BITMAP_T] = "WFBitMapT",
	[DUET_C_WF_SYNC_UUID] = "WFSyncUUID",
	[DUET_C_SYNC_SOURCE] = "SyncSource",
	[DUET_C_SYNC_TARGET] = "SyncTarget",
	[DUET_C_VERIFY_S] = "VerifyS",
	[DUET_C_VERIFY_T] = "VerifyT",
	[DUET_C_PAUSED_SYNC_S] = "PausedSyncS",
	[DUET_C_PAUSED_SYNC_T] = "PausedSyncT",
	[DUET_C_AHEAD] = "Ahead",
	[DUET_C_BEHIND] = "Behind",
};

static const char *const duet_disk_names[DUET_D_NR] = {
	[DUET_D_DISKLESS] = "Diskless",
	[DUET_D_ATTACHING] = "Attaching",
	[DUET_D_FAILED] = "Failed",
	[DUET_D_NEGOTIATING] = "Negotiating",
	[DUET_D_INCONSISTENT] = "Inconsistent",
	[DUET_D_OUTDATED] = "Outdated",
	[DUET_D_UNKNOWN] = "DUnknown",
	[DUET_D_CONSISTENT] = "Consistent",
	[DUET_D_UP_TO_DATE] = "UpToDate",
};

static const char *duet_name(const char *const *names, size_t n,
			     unsigned int v)
{
	return v < n ? names[v] : "?";
}

static int duet_lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *duet_role_str(enum duet_role r)
{
	return duet_name(duet_role_names, ARRAY_SIZE(duet_role_names), r);
}

const char *duet_conn_str(enum duet_conn c)
{
	return duet_name(duet_conn_names, ARRAY_SIZE(duet_conn_names), c);
}

const char *duet_disk_str(enum duet_disk d)
{
	return duet_name(duet_disk_names, ARRAY_SIZE(duet_disk_names), d);
}

int duet_role_from_str(const char *s)
{
	return duet_lookup(duet_role_names, ARRAY_SIZE(duet_role_names), s);
}

int duet_conn_from_str(const char *s)
{
	return duet_lookup(duet_conn_names, ARRAY_SIZE(duet_conn_names), s);
}

int duet_disk_from_str(const char *s)
{
	return duet_lookup(duet_disk_names, ARRAY_SIZE(duet_disk_names), s);
}
