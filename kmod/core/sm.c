// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: state machine of one replicated device (see sm.h).
 *
 * The order of the checks is the order in which a user is told what is
 * wrong: the most fundamental reason first. Rules follow drbd.md §1.5;
 * tables and wording are ours.
 */
#include "sm.h"
#include "fmt.h"

#define B(x) (1u << (x))

/* ---- classification helpers ------------------------------------------ */

/* transient states after a network error: they lead to Unconnected */
static bool duet_conn_is_error(enum duet_conn c)
{
	return c >= DUET_C_TIMEOUT && c <= DUET_C_TEAR_DOWN;
}

/* any state after Connected: a resync, verify or congestion mode */
static bool duet_conn_is_busy(enum duet_conn c)
{
	return c > DUET_C_CONNECTED && c < DUET_C_NR;
}

static bool duet_conn_is_verify(enum duet_conn c)
{
	return c == DUET_C_VERIFY_S || c == DUET_C_VERIFY_T;
}

static bool duet_conn_is_starting_sync(enum duet_conn c)
{
	return c == DUET_C_STARTING_SYNC_S || c == DUET_C_STARTING_SYNC_T;
}

/* connected states in which this node is (or will be) the data source */
static bool duet_conn_is_source_side(enum duet_conn c)
{
	return c == DUET_C_CONNECTED || c == DUET_C_STARTING_SYNC_S ||
	       c == DUET_C_WF_BITMAP_S || c == DUET_C_SYNC_SOURCE ||
	       c == DUET_C_PAUSED_SYNC_S || c == DUET_C_AHEAD;
}

/* ---- the state itself ------------------------------------------------- */

void duet_state_init(struct duet_state *s)
{
	memset(s, 0, sizeof(*s));
	s->role = DUET_ROLE_SECONDARY;
	s->peer = DUET_ROLE_UNKNOWN;
	s->conn = DUET_C_STANDALONE;
	s->disk = DUET_D_DISKLESS;
	s->pdsk = DUET_D_UNKNOWN;
}

bool duet_state_equal(const struct duet_state *a, const struct duet_state *b)
{
	return a->role == b->role && a->peer == b->peer &&
	       a->conn == b->conn && a->disk == b->disk &&
	       a->pdsk == b->pdsk && a->susp == b->susp &&
	       a->susp_nod == b->susp_nod && a->susp_fen == b->susp_fen &&
	       a->aftr_isp == b->aftr_isp && a->peer_isp == b->peer_isp &&
	       a->user_isp == b->user_isp;
}

bool duet_state_in_range(const struct duet_state *s)
{
	return (s->role == DUET_ROLE_PRIMARY ||
		s->role == DUET_ROLE_SECONDARY) &&
	       (unsigned int)s->peer < DUET_ROLE_NR &&
	       (unsigned int)s->conn < DUET_C_NR &&
	       (unsigned int)s->disk < DUET_D_NR &&
	       s->disk != DUET_D_UNKNOWN &&
	       (unsigned int)s->pdsk < DUET_D_NR;
}

/* ---- reasons ---------------------------------------------------------- */

static const char *const duet_sm_reasons[] = {
	[-DUET_SS_TWO_PRIMARIES] =
		"Refusing to be Primary while the peer is Primary (allow-two-primaries is not set)",
	[-DUET_SS_NO_UP_TO_DATE_DISK] =
		"Refusing: no UpToDate data reachable (neither the local disk nor a connected peer's disk is UpToDate)",
	[-DUET_SS_PRIMARY_NOP] =
		"Refusing to be Primary while the peer is not known to be Outdated (fencing is configured)",
	[-DUET_SS_DEVICE_IN_USE] =
		"Device is held open (mounted or in use); close it before demoting",
	[-DUET_SS_CONNECTED_OUTDATES] =
		"Refusing to mark the disk Outdated while connected to the peer",
	[-DUET_SS_NO_LOCAL_DISK] =
		"A resync or verify needs a local disk",
	[-DUET_SS_NO_REMOTE_DISK] =
		"A resync or verify needs a disk on the peer",
	[-DUET_SS_RESYNC_RUNNING] =
		"A resync or online verify is already running",
	[-DUET_SS_NEED_CONNECTION] =
		"Needs an established connection to the peer (Connected)",
	[-DUET_SS_NO_SOCKET] =
		"Cannot reach a connected state without a socket to the peer",
	[-DUET_SS_ALREADY_STANDALONE] =
		"Already StandAlone: there is no connection to drop",
	[-DUET_SS_IN_TRANSIENT_STATE] =
		"The connection is in a transient state; try again",
	[-DUET_SS_IS_DISKLESS] =
		"Device is Diskless; attach a backing disk first",
	[-DUET_SS_LOWER_THAN_OUTDATED] =
		"Only a disk with consistent data can be marked Outdated",
	[-DUET_SS_NO_NET_CONFIG] =
		"No network configuration: configure the net section first",
	[-DUET_SS_NO_VERIFY_ALG] =
		"Online verify needs verify-alg in the net section",
	[-DUET_SS_BAD_CONN_TRANSITION] =
		"The connection state cannot change that way",
	[-DUET_SS_BAD_DISK_TRANSITION] =
		"The disk state cannot change that way",
	[-DUET_SS_INVALID] =
		"Invalid state value",
	[-DUET_SS_REFUSED_BY_PEER] =
		"The peer refused the state change",
	[-DUET_SS_NOT_PRIMARY] =
		"Device is Secondary: only a Primary can be opened (run \"primary\" first)",
};

const char *duet_sm_rv_str(enum duet_sm_rv rv)
{
	if (rv == DUET_SS_SUCCESS)
		return "State change accepted";
	if (rv == DUET_SS_NOTHING_TO_DO)
		return "Nothing to do: already in that state";
	if (rv < 0 && rv >= DUET_SS_LAST && duet_sm_reasons[-rv])
		return duet_sm_reasons[-rv];
	return "Unknown state change result";
}

/* ---- transition tables ------------------------------------------------ */

#define CONN_ERRORS (B(DUET_C_TIMEOUT) | B(DUET_C_BROKEN_PIPE) | \
		     B(DUET_C_NETWORK_FAILURE) | B(DUET_C_PROTOCOL_ERROR) | \
		     B(DUET_C_TEAR_DOWN))
/* a connection with a socket can always break or be dropped */
#define CONN_LOSS (CONN_ERRORS | B(DUET_C_DISCONNECTING))

/*
 * Connection states reachable in one step from each state (the state
 * itself always is). Below WFReportParams there is no socket, so nothing
 * there leads straight to Connected or beyond.
 */
static const u32 duet_conn_next[DUET_C_NR] = {
	[DUET_C_STANDALONE] = B(DUET_C_UNCONNECTED),
	[DUET_C_DISCONNECTING] = B(DUET_C_STANDALONE),
	[DUET_C_UNCONNECTED] = B(DUET_C_WF_CONNECTION) |
		B(DUET_C_DISCONNECTING),
	[DUET_C_TIMEOUT] = B(DUET_C_UNCONNECTED) | B(DUET_C_DISCONNECTING),
	[DUET_C_BROKEN_PIPE] = B(DUET_C_UNCONNECTED) | B(DUET_C_DISCONNECTING),
	[DUET_C_NETWORK_FAILURE] = B(DUET_C_UNCONNECTED) |
		B(DUET_C_DISCONNECTING),
	[DUET_C_PROTOCOL_ERROR] = B(DUET_C_UNCONNECTED) |
		B(DUET_C_DISCONNECTING),
	[DUET_C_TEAR_DOWN] = B(DUET_C_UNCONNECTED) | B(DUET_C_DISCONNECTING),
	[DUET_C_WF_CONNECTION] = B(DUET_C_WF_REPORT_PARAMS) |
		B(DUET_C_UNCONNECTED) | B(DUET_C_DISCONNECTING),
	/* the handshake decides: in sync, or which side sends the bitmap */
	[DUET_C_WF_REPORT_PARAMS] = B(DUET_C_CONNECTED) |
		B(DUET_C_WF_BITMAP_S) | B(DUET_C_WF_BITMAP_T) | CONN_LOSS,
	[DUET_C_CONNECTED] = B(DUET_C_STARTING_SYNC_S) |
		B(DUET_C_STARTING_SYNC_T) | B(DUET_C_WF_BITMAP_S) |
		B(DUET_C_WF_BITMAP_T) | B(DUET_C_VERIFY_S) |
		B(DUET_C_VERIFY_T) | B(DUET_C_AHEAD) | B(DUET_C_BEHIND) |
		CONN_LOSS,
	[DUET_C_STARTING_SYNC_S] = B(DUET_C_WF_BITMAP_S) |
		B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_STARTING_SYNC_T] = B(DUET_C_WF_BITMAP_T) |
		B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_WF_BITMAP_S] = B(DUET_C_SYNC_SOURCE) |
		B(DUET_C_PAUSED_SYNC_S) | B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_WF_BITMAP_T] = B(DUET_C_WF_SYNC_UUID) |
		B(DUET_C_SYNC_TARGET) | B(DUET_C_PAUSED_SYNC_T) |
		B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_WF_SYNC_UUID] = B(DUET_C_SYNC_TARGET) |
		B(DUET_C_PAUSED_SYNC_T) | B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_SYNC_SOURCE] = B(DUET_C_PAUSED_SYNC_S) | B(DUET_C_CONNECTED) |
		CONN_LOSS,
	[DUET_C_SYNC_TARGET] = B(DUET_C_PAUSED_SYNC_T) | B(DUET_C_CONNECTED) |
		CONN_LOSS,
	[DUET_C_VERIFY_S] = B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_VERIFY_T] = B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_PAUSED_SYNC_S] = B(DUET_C_SYNC_SOURCE) | B(DUET_C_CONNECTED) |
		CONN_LOSS,
	[DUET_C_PAUSED_SYNC_T] = B(DUET_C_SYNC_TARGET) | B(DUET_C_CONNECTED) |
		CONN_LOSS,
	/* congestion over: the marked blocks are resynced */
	[DUET_C_AHEAD] = B(DUET_C_SYNC_SOURCE) | B(DUET_C_PAUSED_SYNC_S) |
		B(DUET_C_CONNECTED) | CONN_LOSS,
	[DUET_C_BEHIND] = B(DUET_C_SYNC_TARGET) | B(DUET_C_PAUSED_SYNC_T) |
		B(DUET_C_CONNECTED) | CONN_LOSS,
};

#define DISK_DATA (B(DUET_D_INCONSISTENT) | B(DUET_D_OUTDATED) | \
		   B(DUET_D_CONSISTENT) | B(DUET_D_UP_TO_DATE))
/* an attached disk can always fail or be detached */
#define DISK_GONE (B(DUET_D_DISKLESS) | B(DUET_D_FAILED))

/* Local disk states reachable in one step (the state itself always is). */
static const u16 duet_disk_next[DUET_D_NR] = {
	[DUET_D_DISKLESS] = B(DUET_D_ATTACHING),
	[DUET_D_ATTACHING] = DISK_GONE | B(DUET_D_NEGOTIATING) | DISK_DATA,
	[DUET_D_FAILED] = B(DUET_D_DISKLESS),
	[DUET_D_NEGOTIATING] = DISK_GONE | DISK_DATA,
	/* unusable data only gets better by a resync (or --force) */
	[DUET_D_INCONSISTENT] = DISK_GONE | B(DUET_D_UP_TO_DATE),
	[DUET_D_OUTDATED] = DISK_GONE | B(DUET_D_INCONSISTENT) |
		B(DUET_D_UP_TO_DATE),
	[DUET_D_UNKNOWN] = 0,	/* never a local disk state */
	[DUET_D_CONSISTENT] = DISK_GONE | B(DUET_D_INCONSISTENT) |
		B(DUET_D_OUTDATED) | B(DUET_D_UP_TO_DATE),
	[DUET_D_UP_TO_DATE] = DISK_GONE | B(DUET_D_INCONSISTENT) |
		B(DUET_D_OUTDATED) | B(DUET_D_CONSISTENT),
};

bool duet_sm_conn_allowed(enum duet_conn from, enum duet_conn to)
{
	if ((unsigned int)from >= DUET_C_NR || (unsigned int)to >= DUET_C_NR)
		return false;
	return from == to || (duet_conn_next[from] & B(to));
}

bool duet_sm_disk_allowed(enum duet_disk from, enum duet_disk to)
{
	if ((unsigned int)from >= DUET_D_NR || (unsigned int)to >= DUET_D_NR ||
	    from == DUET_D_UNKNOWN || to == DUET_D_UNKNOWN)
		return false;
	return from == to || (duet_disk_next[from] & B(to));
}

/* Why a connection transition is not in the table, as precisely as we can. */
static enum duet_sm_rv duet_conn_refusal(enum duet_conn from,
					 enum duet_conn to)
{
	if (from == DUET_C_STANDALONE && to == DUET_C_DISCONNECTING)
		return DUET_SS_ALREADY_STANDALONE;
	/* invalidate, invalidate-remote, verify */
	if (duet_conn_is_starting_sync(to) || duet_conn_is_verify(to)) {
		if (from < DUET_C_CONNECTED)
			return DUET_SS_NEED_CONNECTION;
		if (duet_conn_is_busy(from))
			return DUET_SS_RESYNC_RUNNING;
	}
	if (from == DUET_C_STANDALONE)
		return DUET_SS_NEED_CONNECTION;
	if (from < DUET_C_WF_REPORT_PARAMS && to >= DUET_C_CONNECTED)
		return DUET_SS_NO_SOCKET;
	if (duet_conn_is_error(from) || from == DUET_C_DISCONNECTING)
		return DUET_SS_IN_TRANSIENT_STATE;
	return DUET_SS_BAD_CONN_TRANSITION;
}

static enum duet_sm_rv duet_disk_refusal(enum duet_disk from,
					 enum duet_disk to)
{
	if (from == DUET_D_DISKLESS)
		return DUET_SS_IS_DISKLESS;
	if (to == DUET_D_OUTDATED && from < DUET_D_OUTDATED)
		return DUET_SS_LOWER_THAN_OUTDATED;
	return DUET_SS_BAD_DISK_TRANSITION;
}

/* ---- sanitizing ------------------------------------------------------- */

struct duet_clamp {
	u8 disk_min, disk_max, pdsk_min, pdsk_max;
};

#define CLAMP(a, b, c, d) { DUET_D_##a, DUET_D_##b, DUET_D_##c, DUET_D_##d }

/*
 * Disk states each connection state implies. Source side: our data is
 * current, the peer's is being overwritten; target side the reverse;
 * verify compares two current copies. States without an entry: no limit.
 */
static const struct duet_clamp duet_conn_clamp[DUET_C_NR] = {
	[DUET_C_STARTING_SYNC_S] = CLAMP(UP_TO_DATE, UP_TO_DATE,
					 INCONSISTENT, CONSISTENT),
	[DUET_C_WF_BITMAP_S] = CLAMP(UP_TO_DATE, UP_TO_DATE,
				     INCONSISTENT, CONSISTENT),
	[DUET_C_PAUSED_SYNC_S] = CLAMP(UP_TO_DATE, UP_TO_DATE,
				       INCONSISTENT, CONSISTENT),
	[DUET_C_AHEAD] = CLAMP(UP_TO_DATE, UP_TO_DATE,
			       INCONSISTENT, CONSISTENT),
	[DUET_C_SYNC_SOURCE] = CLAMP(UP_TO_DATE, UP_TO_DATE,
				     INCONSISTENT, INCONSISTENT),
	[DUET_C_STARTING_SYNC_T] = CLAMP(INCONSISTENT, OUTDATED,
					 UP_TO_DATE, UP_TO_DATE),
	[DUET_C_WF_BITMAP_T] = CLAMP(INCONSISTENT, OUTDATED,
				     UP_TO_DATE, UP_TO_DATE),
	[DUET_C_WF_SYNC_UUID] = CLAMP(INCONSISTENT, OUTDATED,
				      UP_TO_DATE, UP_TO_DATE),
	[DUET_C_PAUSED_SYNC_T] = CLAMP(INCONSISTENT, OUTDATED,
				       UP_TO_DATE, UP_TO_DATE),
	[DUET_C_BEHIND] = CLAMP(INCONSISTENT, OUTDATED,
				UP_TO_DATE, UP_TO_DATE),
	[DUET_C_SYNC_TARGET] = CLAMP(INCONSISTENT, INCONSISTENT,
				     UP_TO_DATE, UP_TO_DATE),
	[DUET_C_VERIFY_S] = CLAMP(UP_TO_DATE, UP_TO_DATE,
				  UP_TO_DATE, UP_TO_DATE),
	[DUET_C_VERIFY_T] = CLAMP(UP_TO_DATE, UP_TO_DATE,
				  UP_TO_DATE, UP_TO_DATE),
};

/* Primary without a current copy of the data anywhere reachable. */
static bool duet_no_data(const struct duet_state *s)
{
	return s->disk < DUET_D_UP_TO_DATE &&
	       (s->conn < DUET_C_CONNECTED || s->pdsk < DUET_D_UP_TO_DATE);
}

/* Primary that lost the peer, which may still be writing: fence it. */
static bool duet_needs_fencing(const struct duet_state *s)
{
	return s->role == DUET_ROLE_PRIMARY && s->conn < DUET_C_CONNECTED &&
	       s->pdsk > DUET_D_OUTDATED;
}

void duet_sm_sanitize(const struct duet_state *os, struct duet_state *ns,
		      const struct duet_sm_env *env, unsigned int *warn)
{
	const struct duet_clamp *cl;
	unsigned int w = 0;

	if ((unsigned int)ns->conn >= DUET_C_NR)
		return;		/* duet_sm_check() refuses it as invalid */

	/* Without a connection we know nothing current about the peer... */
	if (ns->conn < DUET_C_CONNECTED) {
		ns->peer = DUET_ROLE_UNKNOWN;
		ns->peer_isp = false;
		/* ...except that its data is stale (fenced or mid-resync). */
		if (ns->pdsk != DUET_D_INCONSISTENT &&
		    ns->pdsk != DUET_D_OUTDATED)
			ns->pdsk = DUET_D_UNKNOWN;
	}

	/* Connection lost before the handshake settled the disk state. */
	if (ns->disk == DUET_D_NEGOTIATING && ns->conn < DUET_C_CONNECTED) {
		if (env->md_disk >= DUET_D_INCONSISTENT &&
		    env->md_disk <= DUET_D_UP_TO_DATE &&
		    env->md_disk != DUET_D_UNKNOWN)
			ns->disk = env->md_disk;
		else
			ns->disk = DUET_D_DISKLESS;
		w |= DUET_SW_NEGOTIATION_LOST;
	}

	/* A disk that fails or goes away ends a resync or verify. */
	if (duet_conn_is_busy(ns->conn) &&
	    (ns->disk <= DUET_D_FAILED || ns->pdsk <= DUET_D_FAILED)) {
		if (duet_conn_is_verify(os->conn))
			w |= DUET_SW_VERIFY_ABORTED;
		else if (duet_conn_is_busy(os->conn))
			w |= DUET_SW_RESYNC_ABORTED;
		ns->conn = DUET_C_CONNECTED;
	}

	/* Pause flags select the Paused variants of the sync states. */
	if (ns->aftr_isp || ns->peer_isp || ns->user_isp) {
		if (ns->conn == DUET_C_SYNC_SOURCE)
			ns->conn = DUET_C_PAUSED_SYNC_S;
		else if (ns->conn == DUET_C_SYNC_TARGET)
			ns->conn = DUET_C_PAUSED_SYNC_T;
	} else {
		if (ns->conn == DUET_C_PAUSED_SYNC_S)
			ns->conn = DUET_C_SYNC_SOURCE;
		else if (ns->conn == DUET_C_PAUSED_SYNC_T)
			ns->conn = DUET_C_SYNC_TARGET;
	}

	/*
	 * Disk states implied by the connection state. Only disks that hold
	 * data are clamped; one still attaching is refused by
	 * duet_sm_valid_state() instead of being made up.
	 */
	cl = &duet_conn_clamp[ns->conn];
	if (cl->disk_max && ns->disk >= DUET_D_INCONSISTENT) {
		if (ns->disk > cl->disk_max)
			ns->disk = cl->disk_max;
		if (ns->disk < cl->disk_min) {
			ns->disk = cl->disk_min;
			w |= DUET_SW_DISK_UPGRADED;
		}
	}
	if (cl->disk_max && ns->pdsk >= DUET_D_INCONSISTENT) {
		if (ns->pdsk > cl->pdsk_max)
			ns->pdsk = cl->pdsk_max;
		if (ns->pdsk < cl->pdsk_min) {
			ns->pdsk = cl->pdsk_min;
			w |= DUET_SW_PDSK_UPGRADED;
		}
	}

	/* A consistent disk whose peer is known stale holds the newest data. */
	if (ns->disk == DUET_D_CONSISTENT && ns->conn < DUET_C_CONNECTED &&
	    ns->pdsk == DUET_D_OUTDATED)
		ns->disk = DUET_D_UP_TO_DATE;

	/* Freeze I/O while a lost peer is being fenced (stonith policy). */
	if (env->fencing == DUET_FENCING_RESOURCE_AND_STONITH &&
	    duet_needs_fencing(ns)) {
		if (!duet_needs_fencing(os))
			ns->susp_fen = true;
	} else {
		ns->susp_fen = false;
	}

	/* on-no-data-accessible suspend-io */
	ns->susp_nod = env->suspend_on_no_data &&
		       ns->role == DUET_ROLE_PRIMARY && duet_no_data(ns);

	if (warn)
		*warn |= w;
}

/* ---- validation ------------------------------------------------------- */

enum duet_sm_rv duet_sm_valid_state(const struct duet_state *s,
				    const struct duet_sm_env *env)
{
	if (!duet_state_in_range(s))
		return DUET_SS_INVALID;
	if (s->role == DUET_ROLE_PRIMARY) {
		if (s->peer == DUET_ROLE_PRIMARY && !env->allow_two_primaries)
			return DUET_SS_TWO_PRIMARIES;
		if (duet_no_data(s))
			return DUET_SS_NO_UP_TO_DATE_DISK;
		if (env->fencing != DUET_FENCING_DONT_CARE &&
		    duet_needs_fencing(s))
			return DUET_SS_PRIMARY_NOP;
	}
	if (duet_conn_is_busy(s->conn)) {
		if (s->disk < DUET_D_INCONSISTENT)
			return DUET_SS_NO_LOCAL_DISK;
		if (s->pdsk < DUET_D_INCONSISTENT)
			return DUET_SS_NO_REMOTE_DISK;
		if (s->disk < DUET_D_UP_TO_DATE && s->pdsk < DUET_D_UP_TO_DATE)
			return DUET_SS_NO_UP_TO_DATE_DISK;
	}
	if (duet_conn_is_source_side(s->conn) && s->disk == DUET_D_OUTDATED)
		return DUET_SS_CONNECTED_OUTDATES;
	if (duet_conn_is_verify(s->conn) && !env->verify_alg)
		return DUET_SS_NO_VERIFY_ALG;
	return DUET_SS_SUCCESS;
}

/* Rules about the step itself that an administrator's request must obey. */
static enum duet_sm_rv duet_sm_soft_transition(const struct duet_state *os,
					       const struct duet_state *ns,
					       const struct duet_sm_env *env)
{
	if (os->role == DUET_ROLE_PRIMARY && ns->role != DUET_ROLE_PRIMARY &&
	    env->device_open)
		return DUET_SS_DEVICE_IN_USE;
	if (os->conn == DUET_C_STANDALONE && ns->conn != DUET_C_STANDALONE &&
	    !env->net_configured)
		return DUET_SS_NO_NET_CONFIG;
	if ((duet_conn_is_starting_sync(ns->conn) ||
	     duet_conn_is_verify(ns->conn)) && ns->conn != os->conn) {
		if (os->conn < DUET_C_CONNECTED)
			return DUET_SS_NEED_CONNECTION;
		if (duet_conn_is_busy(os->conn))
			return DUET_SS_RESYNC_RUNNING;
	}
	if (ns->disk == DUET_D_OUTDATED && os->disk < DUET_D_OUTDATED &&
	    os->disk != DUET_D_ATTACHING && os->disk != DUET_D_NEGOTIATING)
		return DUET_SS_LOWER_THAN_OUTDATED;
	return DUET_SS_SUCCESS;
}

enum duet_sm_rv duet_sm_check(const struct duet_state *os,
			      struct duet_state *ns,
			      const struct duet_sm_env *env,
			      unsigned int flags, unsigned int *warn)
{
	enum duet_sm_rv rv;
	unsigned int w = 0;

	if (!duet_state_in_range(os) || !duet_state_in_range(ns))
		return DUET_SS_INVALID;
	duet_sm_sanitize(os, ns, env, &w);
	if (duet_state_equal(os, ns))
		return DUET_SS_NOTHING_TO_DO;

	/* The tables hold for every change, requested or observed. */
	if (!duet_sm_conn_allowed(os->conn, ns->conn))
		return duet_conn_refusal(os->conn, ns->conn);
	if (!duet_sm_disk_allowed(os->disk, ns->disk))
		return duet_disk_refusal(os->disk, ns->disk);

	if (!(flags & DUET_CS_HARD)) {
		/*
		 * A request never promotes data implicitly: entering a sync
		 * state needs the source's disk to be UpToDate already.
		 */
		if (w & (DUET_SW_DISK_UPGRADED | DUET_SW_PDSK_UPGRADED))
			return DUET_SS_NO_UP_TO_DATE_DISK;
		rv = duet_sm_valid_state(ns, env);
		/* tolerated if the old state was already invalid that way */
		if (rv < 0 && duet_sm_valid_state(os, env) != rv)
			return rv;
		rv = duet_sm_soft_transition(os, ns, env);
		if (rv < 0)
			return rv;
	}
	if (warn)
		*warn |= w;
	return DUET_SS_SUCCESS;
}

enum duet_sm_rv duet_sm_promote(const struct duet_state *os,
				const struct duet_sm_env *env, bool force,
				struct duet_state *ns, unsigned int *warn)
{
	enum duet_sm_rv rv;
	unsigned int w = 0;

	*ns = *os;
	ns->role = DUET_ROLE_PRIMARY;
	rv = duet_sm_check(os, ns, env, 0, &w);
	if (rv == DUET_SS_NO_UP_TO_DATE_DISK && force &&
	    (os->disk == DUET_D_INCONSISTENT || os->disk == DUET_D_OUTDATED ||
	     os->disk == DUET_D_CONSISTENT)) {
		*ns = *os;
		ns->role = DUET_ROLE_PRIMARY;
		ns->disk = DUET_D_UP_TO_DATE;
		w = DUET_SW_FORCED_UP_TO_DATE;
		rv = duet_sm_check(os, ns, env, 0, &w);
	}
	if (rv == DUET_SS_PRIMARY_NOP && force) {
		/* the fence-peer handler failed; the admin takes the risk */
		ns->pdsk = DUET_D_OUTDATED;
		w |= DUET_SW_FORCED_SPLIT_BRAIN;
		rv = duet_sm_check(os, ns, env, 0, &w);
	}
	if (rv > 0 && warn)
		*warn |= w;
	return rv;
}

enum duet_sm_rv duet_sm_may_open(const struct duet_state *s, bool write)
{
	/*
	 * A Secondary is not opened at all, not even for reading: its
	 * contents change under any reader as the peer's writes arrive.
	 */
	(void)write;
	if (!duet_state_in_range(s))
		return DUET_SS_INVALID;
	if (s->role != DUET_ROLE_PRIMARY)
		return DUET_SS_NOT_PRIMARY;
	if (duet_no_data(s))
		return DUET_SS_NO_UP_TO_DATE_DISK;
	return DUET_SS_SUCCESS;
}

bool duet_sm_cluster_wide(const struct duet_state *os,
			  const struct duet_state *ns)
{
	if (os->conn < DUET_C_CONNECTED)
		return false;
	if (ns->conn == DUET_C_DISCONNECTING)
		return true;
	if (ns->conn < DUET_C_CONNECTED)
		return false;	/* the connection broke: nobody to ask */
	if (ns->role == DUET_ROLE_PRIMARY && os->role != DUET_ROLE_PRIMARY)
		return true;
	if ((duet_conn_is_starting_sync(ns->conn) ||
	     duet_conn_is_verify(ns->conn)) && ns->conn != os->conn)
		return true;
	if (ns->disk == DUET_D_FAILED && os->disk != DUET_D_FAILED)
		return true;
	return false;
}

/* ---- the wire word ---------------------------------------------------- */

#define SW_ROLE_SHIFT	0
#define SW_PEER_SHIFT	2
#define SW_CONN_SHIFT	4
#define SW_DISK_SHIFT	9
#define SW_PDSK_SHIFT	13
#define SW_SUSP		B(17)
#define SW_AFTR_ISP	B(18)
#define SW_PEER_ISP	B(19)
#define SW_USER_ISP	B(20)
#define SW_SUSP_NOD	B(21)
#define SW_SUSP_FEN	B(22)
#define SW_USED_MASK	(B(23) - 1)

u32 duet_state_pack(const struct duet_state *s)
{
	u32 w;

	w = ((u32)s->role & 3) << SW_ROLE_SHIFT |
	    ((u32)s->peer & 3) << SW_PEER_SHIFT |
	    ((u32)s->conn & 31) << SW_CONN_SHIFT |
	    ((u32)s->disk & 15) << SW_DISK_SHIFT |
	    ((u32)s->pdsk & 15) << SW_PDSK_SHIFT;
	if (s->susp)
		w |= SW_SUSP;
	if (s->aftr_isp)
		w |= SW_AFTR_ISP;
	if (s->peer_isp)
		w |= SW_PEER_ISP;
	if (s->user_isp)
		w |= SW_USER_ISP;
	if (s->susp_nod)
		w |= SW_SUSP_NOD;
	if (s->susp_fen)
		w |= SW_SUSP_FEN;
	return w;
}

enum duet_sm_rv duet_state_unpack(u32 w, struct duet_state *s)
{
	struct duet_state t;

	if (w & ~SW_USED_MASK)
		return DUET_SS_INVALID;
	t.role = (enum duet_role)((w >> SW_ROLE_SHIFT) & 3);
	t.peer = (enum duet_role)((w >> SW_PEER_SHIFT) & 3);
	t.conn = (enum duet_conn)((w >> SW_CONN_SHIFT) & 31);
	t.disk = (enum duet_disk)((w >> SW_DISK_SHIFT) & 15);
	t.pdsk = (enum duet_disk)((w >> SW_PDSK_SHIFT) & 15);
	t.susp = w & SW_SUSP;
	t.aftr_isp = w & SW_AFTR_ISP;
	t.peer_isp = w & SW_PEER_ISP;
	t.user_isp = w & SW_USER_ISP;
	t.susp_nod = w & SW_SUSP_NOD;
	t.susp_fen = w & SW_SUSP_FEN;
	if (!duet_state_in_range(&t))
		return DUET_SS_INVALID;
	*s = t;
	return DUET_SS_SUCCESS;
}

/* ---- text ------------------------------------------------------------- */

size_t duet_state_format(const struct duet_state *s, char *buf, size_t size)
{
	struct duet_fmt f;

	duet_fmt_init(&f, buf, size);
	duet_fmt_puts(&f, "{ cs:");
	duet_fmt_puts(&f, duet_conn_str(s->conn));
	duet_fmt_puts(&f, " ro:");
	duet_fmt_puts(&f, duet_role_str(s->role));
	duet_fmt_putc(&f, '/');
	duet_fmt_puts(&f, duet_role_str(s->peer));
	duet_fmt_puts(&f, " ds:");
	duet_fmt_puts(&f, duet_disk_str(s->disk));
	duet_fmt_putc(&f, '/');
	duet_fmt_puts(&f, duet_disk_str(s->pdsk));
	duet_fmt_putc(&f, ' ');
	duet_fmt_putc(&f, s->susp || s->susp_nod || s->susp_fen ? 's' : 'r');
	duet_fmt_putc(&f, s->aftr_isp ? 'a' : '-');
	duet_fmt_putc(&f, s->peer_isp ? 'p' : '-');
	duet_fmt_putc(&f, s->user_isp ? 'u' : '-');
	duet_fmt_puts(&f, " }");
	return duet_fmt_len(&f);
}

static void duet_change_names(struct duet_fmt *f, const char *field,
			      const char *from, const char *to)
{
	if (duet_fmt_len(f))
		duet_fmt_putc(f, ' ');
	duet_fmt_puts(f, field);
	duet_fmt_puts(f, "( ");
	duet_fmt_puts(f, from);
	duet_fmt_puts(f, " -> ");
	duet_fmt_puts(f, to);
	duet_fmt_puts(f, " )");
}

static void duet_change_flag(struct duet_fmt *f, const char *field,
			     bool from, bool to)
{
	if (from != to)
		duet_change_names(f, field, from ? "1" : "0", to ? "1" : "0");
}

size_t duet_state_format_change(const struct duet_state *os,
				const struct duet_state *ns, char *buf,
				size_t size)
{
	struct duet_fmt f;

	duet_fmt_init(&f, buf, size);
	if (os->role != ns->role)
		duet_change_names(&f, "role", duet_role_str(os->role),
				  duet_role_str(ns->role));
	if (os->peer != ns->peer)
		duet_change_names(&f, "peer", duet_role_str(os->peer),
				  duet_role_str(ns->peer));
	if (os->conn != ns->conn)
		duet_change_names(&f, "conn", duet_conn_str(os->conn),
				  duet_conn_str(ns->conn));
	if (os->disk != ns->disk)
		duet_change_names(&f, "disk", duet_disk_str(os->disk),
				  duet_disk_str(ns->disk));
	if (os->pdsk != ns->pdsk)
		duet_change_names(&f, "pdsk", duet_disk_str(os->pdsk),
				  duet_disk_str(ns->pdsk));
	duet_change_flag(&f, "susp", os->susp, ns->susp);
	duet_change_flag(&f, "susp_nod", os->susp_nod, ns->susp_nod);
	duet_change_flag(&f, "susp_fen", os->susp_fen, ns->susp_fen);
	duet_change_flag(&f, "aftr_isp", os->aftr_isp, ns->aftr_isp);
	duet_change_flag(&f, "peer_isp", os->peer_isp, ns->peer_isp);
	duet_change_flag(&f, "user_isp", os->user_isp, ns->user_isp);
	return duet_fmt_len(&f);
}
