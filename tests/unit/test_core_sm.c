/*
 * Unit tests for kmod/core/sm.c: the state machine of a replicated device.
 * Table-driven cases for every refusal and sanitize rule, the transition
 * tables against an independent listing, and an exhaustive sweep over
 * every state and every single-field change checking the invariants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/sm.h"

#define P DUET_ROLE_PRIMARY
#define S DUET_ROLE_SECONDARY
#define U DUET_ROLE_UNKNOWN

static struct duet_state st(enum duet_role role, enum duet_role peer,
			    enum duet_conn conn, enum duet_disk disk,
			    enum duet_disk pdsk)
{
	struct duet_state s;

	duet_state_init(&s);
	s.role = role;
	s.peer = peer;
	s.conn = conn;
	s.disk = disk;
	s.pdsk = pdsk;
	return s;
}

static struct duet_sm_env env_default(void)
{
	struct duet_sm_env e;

	memset(&e, 0, sizeof(e));
	e.fencing = DUET_FENCING_DONT_CARE;
	e.net_configured = true;
	e.verify_alg = true;
	e.md_disk = DUET_D_CONSISTENT;
	return e;
}

/* ---- transition tables against an independent listing ---------------- */

/* Every allowed connection step, written out as a user would read it. */
static const char *const conn_steps[] = {
	"StandAlone Unconnected",
	"Disconnecting StandAlone",
	"Unconnected WFConnection", "Unconnected Disconnecting",
	"Timeout Unconnected", "Timeout Disconnecting",
	"BrokenPipe Unconnected", "BrokenPipe Disconnecting",
	"NetworkFailure Unconnected", "NetworkFailure Disconnecting",
	"ProtocolError Unconnected", "ProtocolError Disconnecting",
	"TearDown Unconnected", "TearDown Disconnecting",
	"WFConnection WFReportParams", "WFConnection Unconnected",
	"WFConnection Disconnecting",
	"WFReportParams Connected", "WFReportParams WFBitMapS",
	"WFReportParams WFBitMapT",
	"Connected StartingSyncS", "Connected StartingSyncT",
	"Connected WFBitMapS", "Connected WFBitMapT", "Connected VerifyS",
	"Connected VerifyT", "Connected Ahead", "Connected Behind",
	"StartingSyncS WFBitMapS", "StartingSyncS Connected",
	"StartingSyncT WFBitMapT", "StartingSyncT Connected",
	"WFBitMapS SyncSource", "WFBitMapS PausedSyncS", "WFBitMapS Connected",
	"WFBitMapT WFSyncUUID", "WFBitMapT SyncTarget", "WFBitMapT PausedSyncT",
	"WFBitMapT Connected",
	"WFSyncUUID SyncTarget", "WFSyncUUID PausedSyncT",
	"WFSyncUUID Connected",
	"SyncSource PausedSyncS", "SyncSource Connected",
	"SyncTarget PausedSyncT", "SyncTarget Connected",
	"VerifyS Connected", "VerifyT Connected",
	"PausedSyncS SyncSource", "PausedSyncS Connected",
	"PausedSyncT SyncTarget", "PausedSyncT Connected",
	"Ahead SyncSource", "Ahead PausedSyncS", "Ahead Connected",
	"Behind SyncTarget", "Behind PausedSyncT", "Behind Connected",
};

/* every state with a socket can also break or be dropped */
static bool conn_has_socket(int c)
{
	return c >= DUET_C_WF_REPORT_PARAMS;
}

static bool conn_listed(int from, int to)
{
	char buf[64];

	if (from == to)
		return true;
	if (conn_has_socket(from) &&
	    ((to >= DUET_C_TIMEOUT && to <= DUET_C_TEAR_DOWN) ||
	     to == DUET_C_DISCONNECTING))
		return true;
	snprintf(buf, sizeof(buf), "%s %s", duet_conn_str(from),
		 duet_conn_str(to));
	for (size_t i = 0; i < sizeof(conn_steps) / sizeof(conn_steps[0]); i++)
		if (strcmp(conn_steps[i], buf) == 0)
			return true;
	return false;
}

static void test_conn_table(void **state)
{
	(void)state;
	for (int from = 0; from < DUET_C_NR; from++)
		for (int to = 0; to < DUET_C_NR; to++) {
			bool want = conn_listed(from, to);

			if (duet_sm_conn_allowed(from, to) != want)
				fail_msg("%s -> %s: table says %d, spec %d",
					 duet_conn_str(from), duet_conn_str(to),
					 !want, want);
		}
	assert_false(duet_sm_conn_allowed(DUET_C_NR, DUET_C_CONNECTED));
	assert_false(duet_sm_conn_allowed(DUET_C_CONNECTED, 99));
}

static const char *const disk_steps[] = {
	"Diskless Attaching",
	"Attaching Diskless", "Attaching Failed", "Attaching Negotiating",
	"Attaching Inconsistent", "Attaching Outdated", "Attaching Consistent",
	"Attaching UpToDate",
	"Failed Diskless",
	"Negotiating Diskless", "Negotiating Failed",
	"Negotiating Inconsistent", "Negotiating Outdated",
	"Negotiating Consistent", "Negotiating UpToDate",
	"Inconsistent Diskless", "Inconsistent Failed", "Inconsistent UpToDate",
	"Outdated Diskless", "Outdated Failed", "Outdated Inconsistent",
	"Outdated UpToDate",
	"Consistent Diskless", "Consistent Failed", "Consistent Inconsistent",
	"Consistent Outdated", "Consistent UpToDate",
	"UpToDate Diskless", "UpToDate Failed", "UpToDate Inconsistent",
	"UpToDate Outdated", "UpToDate Consistent",
};

static void test_disk_table(void **state)
{
	char buf[64];

	(void)state;
	for (int from = 0; from < DUET_D_NR; from++)
		for (int to = 0; to < DUET_D_NR; to++) {
			bool want = false;

			snprintf(buf, sizeof(buf), "%s %s", duet_disk_str(from),
				 duet_disk_str(to));
			for (size_t i = 0; i < sizeof(disk_steps) /
			     sizeof(disk_steps[0]); i++)
				if (strcmp(disk_steps[i], buf) == 0)
					want = true;
			if (from == to && from != DUET_D_UNKNOWN)
				want = true;
			if (duet_sm_disk_allowed(from, to) != want)
				fail_msg("disk %s: table %d, spec %d", buf, !want,
					 want);
		}
}

/* ---- table-driven cases ---------------------------------------------- */

enum field { F_ROLE, F_PEER, F_CONN, F_DISK, F_PDSK, F_USER_ISP, F_NONE };

struct sm_case {
	const char *name;
	struct duet_state os;
	enum field field;
	int value;
	unsigned int flags;
	/* environment changes */
	bool two_primaries, open, no_net, no_verify;
	enum duet_fencing fencing;
	bool suspend_nod;
	enum duet_sm_rv rv;
	/* expected result on success (checked when set) */
	int want_conn, want_disk, want_pdsk, want_peer;
	unsigned int want_warn;
};

/* expected values are stored plus one: 0 means "not checked" */
#define W(x) ((x) + 1)
#define ST(r, p, c, d, pd) { .role = (r), .peer = (p), .conn = (c), \
	.disk = (d), .pdsk = (pd) }
#define CASE(n, o, f, v, fl, r) .name = n, .os = o, .field = f, .value = v, \
	.flags = fl, .rv = r

static const struct sm_case cases[] = {
	/* roles */
	{ CASE("two primaries refused",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_ROLE, P, 0, DUET_SS_TWO_PRIMARIES) },
	{ CASE("two primaries with allow-two-primaries",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_ROLE, P, 0, DUET_SS_SUCCESS), .two_primaries = true },
	{ CASE("promote alone without UpToDate data",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_CONSISTENT,
		  DUET_D_UNKNOWN),
	       F_ROLE, P, 0, DUET_SS_NO_UP_TO_DATE_DISK) },
	{ CASE("promote Inconsistent with a connected UpToDate peer",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_INCONSISTENT,
		  DUET_D_UP_TO_DATE),
	       F_ROLE, P, 0, DUET_SS_SUCCESS) },
	{ CASE("promote Diskless with a connected UpToDate peer",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_DISKLESS, DUET_D_UP_TO_DATE),
	       F_ROLE, P, 0, DUET_SS_SUCCESS) },
	{ CASE("promote, both Inconsistent",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_INCONSISTENT,
		  DUET_D_INCONSISTENT),
	       F_ROLE, P, 0, DUET_SS_NO_UP_TO_DATE_DISK) },
	{ CASE("promote alone, peer not known outdated, fencing",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_ROLE, P, 0, DUET_SS_PRIMARY_NOP),
	  .fencing = DUET_FENCING_RESOURCE_ONLY },
	{ CASE("promote alone, peer outdated, fencing",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_OUTDATED),
	       F_ROLE, P, 0, DUET_SS_SUCCESS),
	  .fencing = DUET_FENCING_RESOURCE_ONLY },
	{ CASE("promote alone without fencing",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_ROLE, P, 0, DUET_SS_SUCCESS) },
	{ CASE("demote while open",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_ROLE, S, 0, DUET_SS_DEVICE_IN_USE), .open = true },
	{ CASE("demote when closed",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_ROLE, S, 0, DUET_SS_SUCCESS) },
	{ CASE("demote while open, hard (e.g. forced by the peer)",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_ROLE, S, DUET_CS_HARD, DUET_SS_SUCCESS), .open = true },
	{ CASE("nothing to do",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_ROLE, P, 0, DUET_SS_NOTHING_TO_DO) },
	{ CASE("local role Unknown is invalid",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_ROLE, U, DUET_CS_HARD, DUET_SS_INVALID) },
	{ CASE("local disk DUnknown is invalid",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_DISK, DUET_D_UNKNOWN, DUET_CS_HARD, DUET_SS_INVALID) },
	{ CASE("conn out of range is invalid",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_NR, DUET_CS_HARD, DUET_SS_INVALID) },

	/* outdating */
	{ CASE("outdate while connected",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_DISK, DUET_D_OUTDATED, 0, DUET_SS_CONNECTED_OUTDATES) },
	{ CASE("outdate while disconnected",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_DISK, DUET_D_OUTDATED, 0, DUET_SS_SUCCESS) },
	{ CASE("outdate an Inconsistent disk",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_INCONSISTENT, DUET_D_UNKNOWN),
	       F_DISK, DUET_D_OUTDATED, 0, DUET_SS_LOWER_THAN_OUTDATED) },
	{ CASE("outdate the Primary's own disk",
	       ST(P, U, DUET_C_STANDALONE, DUET_D_UP_TO_DATE, DUET_D_UNKNOWN),
	       F_DISK, DUET_D_OUTDATED, 0, DUET_SS_NO_UP_TO_DATE_DISK) },

	/* connection */
	{ CASE("disconnect StandAlone",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_UP_TO_DATE, DUET_D_UNKNOWN),
	       F_CONN, DUET_C_DISCONNECTING, 0, DUET_SS_ALREADY_STANDALONE) },
	{ CASE("connect without a net section",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_UP_TO_DATE, DUET_D_UNKNOWN),
	       F_CONN, DUET_C_UNCONNECTED, 0, DUET_SS_NO_NET_CONFIG),
	  .no_net = true },
	{ CASE("connect",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_UP_TO_DATE, DUET_D_UNKNOWN),
	       F_CONN, DUET_C_UNCONNECTED, 0, DUET_SS_SUCCESS) },
	{ CASE("StandAlone straight to WFConnection",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_UP_TO_DATE, DUET_D_UNKNOWN),
	       F_CONN, DUET_C_WF_CONNECTION, DUET_CS_HARD,
	       DUET_SS_NEED_CONNECTION) },
	{ CASE("after a network error only Unconnected",
	       ST(S, U, DUET_C_NETWORK_FAILURE, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_WF_CONNECTION, DUET_CS_HARD,
	       DUET_SS_IN_TRANSIENT_STATE) },
	{ CASE("Disconnecting only to StandAlone",
	       ST(S, U, DUET_C_DISCONNECTING, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_UNCONNECTED, DUET_CS_HARD,
	       DUET_SS_IN_TRANSIENT_STATE) },
	{ CASE("Connected without the handshake",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_CONNECTED, DUET_CS_HARD, DUET_SS_NO_SOCKET) },
	{ CASE("sync without a socket",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_SYNC_SOURCE, DUET_CS_HARD, DUET_SS_NO_SOCKET) },
	{ CASE("invalidate while disconnected",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_STARTING_SYNC_T, 0, DUET_SS_NEED_CONNECTION) },
	{ CASE("invalidate-remote before the handshake ended",
	       ST(S, U, DUET_C_WF_REPORT_PARAMS, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_STARTING_SYNC_S, 0, DUET_SS_NEED_CONNECTION) },
	{ CASE("invalidate during a resync",
	       ST(S, P, DUET_C_SYNC_TARGET, DUET_D_INCONSISTENT,
		  DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_STARTING_SYNC_T, 0, DUET_SS_RESYNC_RUNNING) },
	{ CASE("verify during a resync",
	       ST(P, S, DUET_C_SYNC_SOURCE, DUET_D_UP_TO_DATE,
		  DUET_D_INCONSISTENT),
	       F_CONN, DUET_C_VERIFY_S, 0, DUET_SS_RESYNC_RUNNING) },
	{ CASE("verify without verify-alg",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_VERIFY_S, 0, DUET_SS_NO_VERIFY_ALG),
	  .no_verify = true },
	{ CASE("verify",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_VERIFY_S, 0, DUET_SS_SUCCESS) },
	{ CASE("verify while disconnected",
	       ST(P, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_VERIFY_S, 0, DUET_SS_NEED_CONNECTION) },
	{ CASE("invalidate-remote from an Inconsistent disk",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_INCONSISTENT,
		  DUET_D_INCONSISTENT),
	       F_CONN, DUET_C_STARTING_SYNC_S, 0, DUET_SS_NO_UP_TO_DATE_DISK) },
	{ CASE("invalidate-remote",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_STARTING_SYNC_S, 0, DUET_SS_SUCCESS),
	  .want_pdsk = W(DUET_D_CONSISTENT) },
	{ CASE("invalidate: the peer must have UpToDate data",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE,
		  DUET_D_INCONSISTENT),
	       F_CONN, DUET_C_STARTING_SYNC_T, 0, DUET_SS_NO_UP_TO_DATE_DISK) },
	{ CASE("invalidate",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_STARTING_SYNC_T, 0, DUET_SS_SUCCESS),
	  .want_disk = W(DUET_D_OUTDATED) },
	{ CASE("a disk still attaching ends any resync",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_ATTACHING, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_WF_BITMAP_T, DUET_CS_HARD,
	       DUET_SS_NOTHING_TO_DO) },
	{ CASE("resync needs a local disk, hard: not made up",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_NEGOTIATING,
		  DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_WF_BITMAP_T, DUET_CS_HARD, DUET_SS_SUCCESS),
	  .want_disk = W(DUET_D_NEGOTIATING) },
	{ CASE("resync needs a local disk",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_NEGOTIATING,
		  DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_WF_BITMAP_T, 0, DUET_SS_NO_LOCAL_DISK) },
	{ CASE("resync needs a remote disk",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE,
		  DUET_D_NEGOTIATING),
	       F_CONN, DUET_C_WF_BITMAP_S, 0, DUET_SS_NO_REMOTE_DISK) },

	/* disks */
	{ CASE("Diskless straight to UpToDate",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_DISKLESS, DUET_D_UNKNOWN),
	       F_DISK, DUET_D_UP_TO_DATE, DUET_CS_HARD, DUET_SS_IS_DISKLESS) },
	{ CASE("attach",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_DISKLESS, DUET_D_UNKNOWN),
	       F_DISK, DUET_D_ATTACHING, 0, DUET_SS_SUCCESS) },
	{ CASE("Failed straight to UpToDate",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_FAILED, DUET_D_UNKNOWN),
	       F_DISK, DUET_D_UP_TO_DATE, DUET_CS_HARD,
	       DUET_SS_BAD_DISK_TRANSITION) },
	{ CASE("Inconsistent to Consistent",
	       ST(S, U, DUET_C_STANDALONE, DUET_D_INCONSISTENT, DUET_D_UNKNOWN),
	       F_DISK, DUET_D_CONSISTENT, DUET_CS_HARD,
	       DUET_SS_BAD_DISK_TRANSITION) },

	/* sanitize */
	{ CASE("connection loss forgets the peer",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_NETWORK_FAILURE, DUET_CS_HARD, DUET_SS_SUCCESS),
	  .want_peer = W(U), .want_pdsk = W(DUET_D_UNKNOWN) },
	{ CASE("connection loss keeps a known Outdated peer disk",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_OUTDATED),
	       F_CONN, DUET_C_NETWORK_FAILURE, DUET_CS_HARD, DUET_SS_SUCCESS),
	  .want_peer = W(U), .want_pdsk = W(DUET_D_OUTDATED) },
	{ CASE("disk fails during resync",
	       ST(S, P, DUET_C_SYNC_TARGET, DUET_D_INCONSISTENT,
		  DUET_D_UP_TO_DATE),
	       F_DISK, DUET_D_FAILED, DUET_CS_HARD, DUET_SS_SUCCESS),
	  .want_conn = W(DUET_C_CONNECTED), .want_warn = DUET_SW_RESYNC_ABORTED },
	{ CASE("peer disk goes away during verify",
	       ST(P, S, DUET_C_VERIFY_S, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_PDSK, DUET_D_DISKLESS, DUET_CS_HARD, DUET_SS_SUCCESS),
	  .want_conn = W(DUET_C_CONNECTED), .want_warn = DUET_SW_VERIFY_ABORTED },
	{ CASE("pause-sync",
	       ST(P, S, DUET_C_SYNC_SOURCE, DUET_D_UP_TO_DATE,
		  DUET_D_INCONSISTENT),
	       F_USER_ISP, 1, 0, DUET_SS_SUCCESS),
	  .want_conn = W(DUET_C_PAUSED_SYNC_S) },
	{ CASE("resume-sync",
	       ST(S, P, DUET_C_PAUSED_SYNC_T, DUET_D_INCONSISTENT,
		  DUET_D_UP_TO_DATE),
	       F_USER_ISP, 0, 0, DUET_SS_SUCCESS),
	  .want_conn = W(DUET_C_SYNC_TARGET) },
	{ CASE("becoming sync target lowers an UpToDate disk",
	       ST(S, P, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_WF_BITMAP_T, 0, DUET_SS_SUCCESS),
	  .want_disk = W(DUET_D_OUTDATED) },
	{ CASE("SyncTarget makes the disk Inconsistent",
	       ST(S, P, DUET_C_WF_SYNC_UUID, DUET_D_OUTDATED,
		  DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_SYNC_TARGET, 0, DUET_SS_SUCCESS),
	  .want_disk = W(DUET_D_INCONSISTENT) },
	{ CASE("SyncSource makes the peer disk Inconsistent",
	       ST(P, S, DUET_C_WF_BITMAP_S, DUET_D_UP_TO_DATE,
		  DUET_D_CONSISTENT),
	       F_CONN, DUET_C_SYNC_SOURCE, 0, DUET_SS_SUCCESS),
	  .want_pdsk = W(DUET_D_INCONSISTENT) },
	{ CASE("connection lost while Negotiating",
	       ST(S, S, DUET_C_CONNECTED, DUET_D_NEGOTIATING,
		  DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_BROKEN_PIPE, DUET_CS_HARD, DUET_SS_SUCCESS),
	  .want_disk = W(DUET_D_CONSISTENT),
	  .want_warn = DUET_SW_NEGOTIATION_LOST },
	{ CASE("fenced peer makes a Consistent disk UpToDate",
	       ST(S, U, DUET_C_WF_CONNECTION, DUET_D_CONSISTENT,
		  DUET_D_UNKNOWN),
	       F_PDSK, DUET_D_OUTDATED, 0, DUET_SS_SUCCESS),
	  .want_disk = W(DUET_D_UP_TO_DATE) },
	{ CASE("Primary loses a connected-only data source",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_INCONSISTENT,
		  DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_NETWORK_FAILURE, DUET_CS_HARD, DUET_SS_SUCCESS),
	  .want_pdsk = W(DUET_D_UNKNOWN) },
	{ CASE("Primary loses a connected-only data source (soft)",
	       ST(P, S, DUET_C_CONNECTED, DUET_D_INCONSISTENT,
		  DUET_D_UP_TO_DATE),
	       F_CONN, DUET_C_DISCONNECTING, 0, DUET_SS_NO_UP_TO_DATE_DISK) },
	{ CASE("already-invalid state tolerated for unrelated changes",
	       ST(P, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE,
		  DUET_D_UNKNOWN),
	       F_CONN, DUET_C_DISCONNECTING, 0, DUET_SS_SUCCESS),
	  .fencing = DUET_FENCING_RESOURCE_ONLY },
};

static void apply(struct duet_state *s, enum field f, int v)
{
	switch (f) {
	case F_ROLE: s->role = v; break;
	case F_PEER: s->peer = v; break;
	case F_CONN: s->conn = v; break;
	case F_DISK: s->disk = v; break;
	case F_PDSK: s->pdsk = v; break;
	case F_USER_ISP: s->user_isp = v; break;
	case F_NONE: break;
	}
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sm_case *c = &cases[i];
		struct duet_sm_env env = env_default();
		struct duet_state ns = c->os;
		unsigned int warn = 0;
		enum duet_sm_rv rv;

		env.allow_two_primaries = c->two_primaries;
		env.device_open = c->open;
		env.net_configured = !c->no_net;
		env.verify_alg = !c->no_verify;
		env.fencing = c->fencing;
		env.suspend_on_no_data = c->suspend_nod;
		apply(&ns, c->field, c->value);
		rv = duet_sm_check(&c->os, &ns, &env, c->flags, &warn);
		if (rv != c->rv)
			fail_msg("%s: got %d (%s), want %d (%s)", c->name, rv,
				 duet_sm_rv_str(rv), c->rv,
				 duet_sm_rv_str(c->rv));
		if (rv <= 0)
			continue;
		if (c->want_conn && (int)ns.conn + 1 != c->want_conn)
			fail_msg("%s: conn %s", c->name, duet_conn_str(ns.conn));
		if (c->want_disk && (int)ns.disk + 1 != c->want_disk)
			fail_msg("%s: disk %s", c->name, duet_disk_str(ns.disk));
		if (c->want_pdsk && (int)ns.pdsk + 1 != c->want_pdsk)
			fail_msg("%s: pdsk %s", c->name, duet_disk_str(ns.pdsk));
		if (c->want_peer && (int)ns.peer + 1 != c->want_peer)
			fail_msg("%s: peer %s", c->name, duet_role_str(ns.peer));
		if ((warn & c->want_warn) != c->want_warn)
			fail_msg("%s: warnings %#x, want %#x", c->name, warn,
				 c->want_warn);
	}
}

/* ---- promote / --force ------------------------------------------------ */

static void test_promote_force(void **state)
{
	struct duet_sm_env env = env_default();
	struct duet_state os, ns;
	unsigned int warn;

	(void)state;
	/* Inconsistent, alone: refused, then forced */
	os = st(S, U, DUET_C_STANDALONE, DUET_D_INCONSISTENT, DUET_D_UNKNOWN);
	warn = 0;
	assert_int_equal(duet_sm_promote(&os, &env, false, &ns, &warn),
			 DUET_SS_NO_UP_TO_DATE_DISK);
	warn = 0;
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, &warn),
			 DUET_SS_SUCCESS);
	assert_int_equal(ns.role, P);
	assert_int_equal(ns.disk, DUET_D_UP_TO_DATE);
	assert_true(warn & DUET_SW_FORCED_UP_TO_DATE);

	/* the initial sync: both Inconsistent, connected */
	os = st(S, S, DUET_C_CONNECTED, DUET_D_INCONSISTENT,
		DUET_D_INCONSISTENT);
	warn = 0;
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, &warn),
			 DUET_SS_SUCCESS);
	assert_int_equal(ns.disk, DUET_D_UP_TO_DATE);
	assert_int_equal(ns.pdsk, DUET_D_INCONSISTENT);

	/* Outdated and Consistent are forced too; Diskless cannot be */
	os = st(S, U, DUET_C_WF_CONNECTION, DUET_D_OUTDATED, DUET_D_UNKNOWN);
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, NULL),
			 DUET_SS_SUCCESS);
	os.disk = DUET_D_DISKLESS;
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, NULL),
			 DUET_SS_NO_UP_TO_DATE_DISK);
	os.disk = DUET_D_FAILED;
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, NULL),
			 DUET_SS_NO_UP_TO_DATE_DISK);

	/* fencing: the peer could not be outdated, the admin forces */
	env.fencing = DUET_FENCING_RESOURCE_ONLY;
	os = st(S, U, DUET_C_WF_CONNECTION, DUET_D_UP_TO_DATE, DUET_D_UNKNOWN);
	assert_int_equal(duet_sm_promote(&os, &env, false, &ns, NULL),
			 DUET_SS_PRIMARY_NOP);
	warn = 0;
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, &warn),
			 DUET_SS_SUCCESS);
	assert_int_equal(ns.pdsk, DUET_D_OUTDATED);
	assert_true(warn & DUET_SW_FORCED_SPLIT_BRAIN);

	/* both obstacles at once */
	os.disk = DUET_D_CONSISTENT;
	warn = 0;
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, &warn),
			 DUET_SS_SUCCESS);
	assert_true(warn & DUET_SW_FORCED_UP_TO_DATE);
	assert_true(warn & DUET_SW_FORCED_SPLIT_BRAIN);

	/* --force does not override two primaries */
	env.fencing = DUET_FENCING_DONT_CARE;
	os = st(S, P, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE);
	assert_int_equal(duet_sm_promote(&os, &env, true, &ns, NULL),
			 DUET_SS_TWO_PRIMARIES);
}

static void test_suspend_flags(void **state)
{
	struct duet_sm_env env = env_default();
	struct duet_state os, ns;

	(void)state;
	env.fencing = DUET_FENCING_RESOURCE_AND_STONITH;
	os = st(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE);
	ns = os;
	ns.conn = DUET_C_NETWORK_FAILURE;
	assert_int_equal(duet_sm_check(&os, &ns, &env, DUET_CS_HARD, NULL),
			 DUET_SS_SUCCESS);
	assert_true(ns.susp_fen);
	/* fencing succeeded: the peer is Outdated, I/O resumes */
	os = ns;
	ns.pdsk = DUET_D_OUTDATED;
	assert_int_equal(duet_sm_check(&os, &ns, &env, 0, NULL),
			 DUET_SS_SUCCESS);
	assert_false(ns.susp_fen);

	/* no UpToDate data reachable: freeze with suspend-io */
	env = env_default();
	env.suspend_on_no_data = true;
	os = st(P, S, DUET_C_CONNECTED, DUET_D_INCONSISTENT, DUET_D_UP_TO_DATE);
	ns = os;
	ns.conn = DUET_C_NETWORK_FAILURE;
	assert_int_equal(duet_sm_check(&os, &ns, &env, DUET_CS_HARD, NULL),
			 DUET_SS_SUCCESS);
	assert_true(ns.susp_nod);
}

static void test_may_open_and_cluster_wide(void **state)
{
	struct duet_state os, ns;

	(void)state;
	os = st(S, P, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE);
	assert_int_equal(duet_sm_may_open(&os, true), DUET_SS_NOT_PRIMARY);
	assert_int_equal(duet_sm_may_open(&os, false), DUET_SS_NOT_PRIMARY);
	os.role = P;
	os.peer = S;
	assert_int_equal(duet_sm_may_open(&os, true), DUET_SS_SUCCESS);
	os.role = 7;
	assert_int_equal(duet_sm_may_open(&os, true), DUET_SS_INVALID);

	os = st(S, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE);
	ns = os;
	ns.role = P;
	assert_true(duet_sm_cluster_wide(&os, &ns));
	ns = os;
	ns.conn = DUET_C_STARTING_SYNC_T;
	assert_true(duet_sm_cluster_wide(&os, &ns));
	ns = os;
	ns.conn = DUET_C_DISCONNECTING;
	assert_true(duet_sm_cluster_wide(&os, &ns));
	ns = os;
	ns.disk = DUET_D_FAILED;
	assert_true(duet_sm_cluster_wide(&os, &ns));
	ns = os;
	ns.conn = DUET_C_NETWORK_FAILURE;
	assert_false(duet_sm_cluster_wide(&os, &ns));
	ns = os;
	ns.user_isp = true;
	assert_false(duet_sm_cluster_wide(&os, &ns));
	os.conn = DUET_C_WF_CONNECTION;
	ns = os;
	ns.role = P;
	assert_false(duet_sm_cluster_wide(&os, &ns));
}

/* ---- reasons ---------------------------------------------------------- */

static void test_reasons(void **state)
{
	(void)state;
	for (int rv = DUET_SS_LAST; rv < 0; rv++) {
		const char *s = duet_sm_rv_str(rv);

		assert_non_null(s);
		assert_null(strstr(s, "Unknown state change"));
		for (int other = DUET_SS_LAST; other < rv; other++)
			assert_string_not_equal(s, duet_sm_rv_str(other));
	}
	assert_string_equal(duet_sm_rv_str(DUET_SS_TWO_PRIMARIES),
			    "Refusing to be Primary while the peer is Primary (allow-two-primaries is not set)");
	assert_string_equal(duet_sm_rv_str(DUET_SS_PRIMARY_NOP),
			    "Refusing to be Primary while the peer is not known to be Outdated (fencing is configured)");
	assert_string_equal(duet_sm_rv_str(DUET_SS_DEVICE_IN_USE),
			    "Device is held open (mounted or in use); close it before demoting");
	assert_string_equal(duet_sm_rv_str(-1000), "Unknown state change result");
	assert_string_equal(duet_sm_rv_str(1000), "Unknown state change result");
	assert_string_equal(duet_sm_rv_str(DUET_SS_SUCCESS),
			    "State change accepted");
}

/* ---- text ------------------------------------------------------------- */

static void test_format(void **state)
{
	struct duet_state a, b;
	char buf[256];
	size_t n;

	(void)state;
	a = st(P, S, DUET_C_CONNECTED, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE);
	n = duet_state_format(&a, buf, sizeof(buf));
	assert_string_equal(buf,
		"{ cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate r--- }");
	assert_int_equal(n, strlen(buf));
	/* cut, but the length is the full one */
	assert_int_equal(duet_state_format(&a, buf, 10), n);
	assert_string_equal(buf, "{ cs:Conn");

	a = st(S, U, DUET_C_WF_CONNECTION, DUET_D_INCONSISTENT, DUET_D_UNKNOWN);
	b = a;
	b.role = P;
	b.disk = DUET_D_UP_TO_DATE;
	b.susp_fen = true;
	duet_state_format_change(&a, &b, buf, sizeof(buf));
	assert_string_equal(buf,
		"role( Secondary -> Primary ) disk( Inconsistent -> UpToDate ) susp_fen( 0 -> 1 )");
	duet_state_format_change(&a, &a, buf, sizeof(buf));
	assert_string_equal(buf, "");
	b = a;
	b.conn = DUET_C_NETWORK_FAILURE;
	duet_state_format_change(&a, &b, buf, sizeof(buf));
	assert_string_equal(buf, "conn( WFConnection -> NetworkFailure )");
}

/* ---- wire word -------------------------------------------------------- */

static void test_pack(void **state)
{
	struct duet_state s, t;

	(void)state;
	for (int r = 1; r <= 2; r++)
		for (int p = 0; p < DUET_ROLE_NR; p++)
			for (int c = 0; c < DUET_C_NR; c++)
				for (int d = 0; d < DUET_D_NR; d++)
					for (int pd = 0; pd < DUET_D_NR; pd++) {
						if (d == DUET_D_UNKNOWN)
							continue;
						s = st(r, p, c, d, pd);
						s.susp = (c & 1);
						s.aftr_isp = (d & 1);
						s.peer_isp = (pd & 1);
						s.user_isp = (c & 2);
						s.susp_nod = (d & 2);
						s.susp_fen = (pd & 2);
						assert_int_equal(duet_state_unpack(duet_state_pack(&s), &t),
								 DUET_SS_SUCCESS);
						assert_true(duet_state_equal(&s, &t));
					}
	/* invalid words from a peer */
	assert_int_equal(duet_state_unpack(3, &t), DUET_SS_INVALID);	/* role 3 */
	assert_int_equal(duet_state_unpack(0, &t), DUET_SS_INVALID);	/* role Unknown */
	assert_int_equal(duet_state_unpack(2 | (31u << 4), &t), DUET_SS_INVALID);
	assert_int_equal(duet_state_unpack(2 | (15u << 9), &t), DUET_SS_INVALID);
	assert_int_equal(duet_state_unpack(2 | (6u << 9), &t), DUET_SS_INVALID);
	assert_int_equal(duet_state_unpack(2 | (15u << 13), &t), DUET_SS_INVALID);
	assert_int_equal(duet_state_unpack(2 | (1u << 23), &t), DUET_SS_INVALID);
	assert_int_equal(duet_state_unpack(2 | (1u << 31), &t), DUET_SS_INVALID);
	/* and a good one */
	assert_int_equal(duet_state_unpack(2 | (10u << 4) | (8u << 9) | (8u << 13) | (2u << 2), &t),
			 DUET_SS_SUCCESS);
	assert_int_equal(t.conn, DUET_C_CONNECTED);
	assert_int_equal(t.disk, DUET_D_UP_TO_DATE);
	assert_int_equal(t.peer, S);
}

/* ---- exhaustive sweep: invariants of every accepted change ----------- */

static const struct duet_clampx {
	int conn, dmin, dmax, pmin, pmax;
} clamps[] = {
	{ DUET_C_SYNC_SOURCE, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE,
	  DUET_D_INCONSISTENT, DUET_D_INCONSISTENT },
	{ DUET_C_SYNC_TARGET, DUET_D_INCONSISTENT, DUET_D_INCONSISTENT,
	  DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE },
	{ DUET_C_VERIFY_S, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE,
	  DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE },
	{ DUET_C_VERIFY_T, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE,
	  DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE },
	{ DUET_C_WF_BITMAP_T, DUET_D_INCONSISTENT, DUET_D_OUTDATED,
	  DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE },
	{ DUET_C_WF_BITMAP_S, DUET_D_UP_TO_DATE, DUET_D_UP_TO_DATE,
	  DUET_D_INCONSISTENT, DUET_D_CONSISTENT },
};

static void check_invariants(const struct duet_state *os,
			     const struct duet_state *ns,
			     const struct duet_sm_env *env, bool hard)
{
	char a[128], b[128];

	duet_state_format(os, a, sizeof(a));
	duet_state_format(ns, b, sizeof(b));
	if (!duet_state_in_range(ns))
		fail_msg("%s -> %s: out of range", a, b);
	if (ns->conn < DUET_C_CONNECTED &&
	    (ns->peer != U || (ns->pdsk != DUET_D_UNKNOWN &&
			       ns->pdsk != DUET_D_OUTDATED &&
			       ns->pdsk != DUET_D_INCONSISTENT)))
		fail_msg("%s -> %s: knows the peer without a connection", a, b);
	if (!duet_sm_conn_allowed(os->conn, ns->conn))
		fail_msg("%s -> %s: conn step not in table", a, b);
	if (!duet_sm_disk_allowed(os->disk, ns->disk))
		fail_msg("%s -> %s: disk step not in table", a, b);
	if (ns->conn > DUET_C_CONNECTED &&
	    (ns->disk <= DUET_D_FAILED || ns->pdsk <= DUET_D_FAILED))
		fail_msg("%s -> %s: resync without disks", a, b);
	for (size_t i = 0; i < sizeof(clamps) / sizeof(clamps[0]); i++) {
		const struct duet_clampx *c = &clamps[i];

		if ((int)ns->conn != c->conn)
			continue;
		if (ns->disk >= DUET_D_INCONSISTENT &&
		    ((int)ns->disk < c->dmin || (int)ns->disk > c->dmax))
			fail_msg("%s -> %s: disk outside clamp", a, b);
		if (ns->pdsk >= DUET_D_INCONSISTENT &&
		    ((int)ns->pdsk < c->pmin || (int)ns->pdsk > c->pmax))
			fail_msg("%s -> %s: pdsk outside clamp", a, b);
	}
	if (!hard) {
		enum duet_sm_rv v = duet_sm_valid_state(ns, env);

		if (v < 0 && duet_sm_valid_state(os, env) != v)
			fail_msg("%s -> %s: soft change to invalid state (%s)",
				 a, b, duet_sm_rv_str(v));
		if (os->role == P && ns->role == S && env->device_open)
			fail_msg("%s -> %s: demoted while open", a, b);
	}
}

static void test_exhaustive(void **state)
{
	static const struct {
		enum field f;
		int n;
	} fields[] = {
		{ F_ROLE, DUET_ROLE_NR }, { F_PEER, DUET_ROLE_NR },
		{ F_CONN, DUET_C_NR }, { F_DISK, DUET_D_NR },
		{ F_PDSK, DUET_D_NR },
	};
	unsigned long accepted = 0, refused = 0, checked = 0;
	int counts[64] = { 0 };

	(void)state;
	for (int e = 0; e < 3; e++) {
		struct duet_sm_env env = env_default();

		if (e == 1) {
			env.fencing = DUET_FENCING_RESOURCE_AND_STONITH;
			env.device_open = true;
			env.suspend_on_no_data = true;
		} else if (e == 2) {
			env.allow_two_primaries = true;
			env.verify_alg = false;
			env.md_disk = DUET_D_OUTDATED;
		}
		for (int r = 1; r <= 2; r++)
		for (int p = 0; p < DUET_ROLE_NR; p++)
		for (int c = 0; c < DUET_C_NR; c++)
		for (int d = 0; d < DUET_D_NR; d++)
		for (int pd = 0; pd < DUET_D_NR; pd++) {
			struct duet_state os;

			if (d == DUET_D_UNKNOWN)
				continue;
			os = st(r, p, c, d, pd);
			for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			for (int v = 0; v < fields[f].n; v++) {
				struct duet_state soft = os, hard = os;
				enum duet_sm_rv rs, rh;

				apply(&soft, fields[f].f, v);
				apply(&hard, fields[f].f, v);
				rs = duet_sm_check(&os, &soft, &env, 0, NULL);
				rh = duet_sm_check(&os, &hard, &env,
						   DUET_CS_HARD, NULL);
				checked++;
				if (rs > 0) {
					accepted++;
					/* soft acceptance implies hard */
					assert_true(rh > 0);
					assert_true(duet_state_equal(&soft, &hard));
				} else {
					refused++;
					assert_true(rs >= DUET_SS_LAST);
					counts[-rs]++;
				}
				if (rs == DUET_SS_SUCCESS)
					check_invariants(&os, &soft, &env, false);
				if (rh == DUET_SS_SUCCESS)
					check_invariants(&os, &hard, &env, true);
				if (rs == DUET_SS_NOTHING_TO_DO)
					assert_true(duet_state_equal(&os, &soft));
			}
		}
	}
	print_message("# %lu changes checked: %lu accepted, %lu refused\n",
		      checked, accepted, refused);
	/* each refusal reason the sweep can produce did occur */
	for (int rv = DUET_SS_LAST; rv < 0; rv++) {
		if (rv == DUET_SS_REFUSED_BY_PEER || rv == DUET_SS_NOT_PRIMARY ||
		    rv == DUET_SS_NO_NET_CONFIG)
			continue;	/* not produced by a single-field change here */
		if (!counts[-rv])
			fail_msg("reason %d (%s) never produced", rv,
				 duet_sm_rv_str(rv));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn_table),
		cmocka_unit_test(test_disk_table),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_promote_force),
		cmocka_unit_test(test_suspend_flags),
		cmocka_unit_test(test_may_open_and_cluster_wide),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_exhaustive),
	};

	return cmocka_run_group_tests_name("core_sm", tests, NULL, NULL);
}
