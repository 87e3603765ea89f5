/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the state machine of one replicated device.
 *
 * A full state is this node's role, the peer's role, the connection state,
 * both disk states and a few flags (drbd.md §1.4). A state change is
 * requested by copying the current state, editing fields and calling
 * duet_sm_check(): it first "sanitizes" the wanted state (implications
 * that always hold, such as "below Connected the peer is Unknown"), then
 * validates it against the transition tables and the rules of drbd.md
 * §1.5, and returns DUET_SS_SUCCESS or the reason for the refusal.
 * duet_sm_rv_str() is the sentence a user reads.
 *
 * Nothing here sleeps or talks to the peer: a change that needs the peer's
 * consent (duet_sm_cluster_wide()) is validated here, sent by the glue,
 * and committed when the peer agrees.
 */
#ifndef DUET_CORE_SM_H
#define DUET_CORE_SM_H

#include "types.h"
#include "state.h"

struct duet_state {
	enum duet_role role;	/* this node */
	enum duet_role peer;	/* the peer, Unknown below Connected */
	enum duet_conn conn;
	enum duet_disk disk;	/* local backing device; never DUnknown */
	enum duet_disk pdsk;	/* the peer's backing device */
	bool susp;		/* I/O suspended by the administrator */
	bool susp_nod;		/* I/O frozen: no UpToDate data reachable */
	bool susp_fen;		/* I/O frozen while the peer is fenced */
	bool aftr_isp;		/* resync paused: resync-after dependency */
	bool peer_isp;		/* resync paused by the peer */
	bool user_isp;		/* resync paused by the local administrator */
};

/* The state of a configured, detached, disconnected device. */
void duet_state_init(struct duet_state *s);
bool duet_state_equal(const struct duet_state *a, const struct duet_state *b);
/* Every field holds a value of its enum, and local role/disk are real. */
bool duet_state_in_range(const struct duet_state *s);

/* Fencing policy of the disk section (drbd.conf "fencing"). */
enum duet_fencing {
	DUET_FENCING_DONT_CARE = 0,
	DUET_FENCING_RESOURCE_ONLY,
	DUET_FENCING_RESOURCE_AND_STONITH,
};

/* What the validation needs to know besides the two states. */
struct duet_sm_env {
	bool allow_two_primaries;	/* net { allow-two-primaries; } */
	enum duet_fencing fencing;
	bool suspend_on_no_data;	/* on-no-data-accessible suspend-io */
	bool net_configured;		/* a net section is loaded */
	bool verify_alg;		/* net { verify-alg ...; } is set */
	bool device_open;		/* someone holds the device open */
	/*
	 * Disk state the meta data gives (duet_md_disk_state()); a disk
	 * still Negotiating when the connection breaks falls back to it.
	 */
	enum duet_disk md_disk;
};

/*
 * Result of a requested change. Positive: accepted; negative: refused,
 * with a reason. The numbers are ours and may appear in tool output.
 */
enum duet_sm_rv {
	DUET_SS_NOTHING_TO_DO = 2,
	DUET_SS_SUCCESS = 1,
	DUET_SS_TWO_PRIMARIES = -1,
	DUET_SS_NO_UP_TO_DATE_DISK = -2,
	DUET_SS_PRIMARY_NOP = -3,
	DUET_SS_DEVICE_IN_USE = -4,
	DUET_SS_CONNECTED_OUTDATES = -5,
	DUET_SS_NO_LOCAL_DISK = -6,
	DUET_SS_NO_REMOTE_DISK = -7,
	DUET_SS_RESYNC_RUNNING = -8,
	DUET_SS_NEED_CONNECTION = -9,
	DUET_SS_NO_SOCKET = -10,
	DUET_SS_ALREADY_STANDALONE = -11,
	DUET_SS_IN_TRANSIENT_STATE = -12,
	DUET_SS_IS_DISKLESS = -13,
	DUET_SS_LOWER_THAN_OUTDATED = -14,
	DUET_SS_NO_NET_CONFIG = -15,
	DUET_SS_NO_VERIFY_ALG = -16,
	DUET_SS_BAD_CONN_TRANSITION = -17,
	DUET_SS_BAD_DISK_TRANSITION = -18,
	DUET_SS_INVALID = -19,
	DUET_SS_REFUSED_BY_PEER = -20,
	DUET_SS_NOT_PRIMARY = -21,
	DUET_SS_LAST = -21
};

/* The sentence for a result code ("?" never: unknown codes get one too). */
const char *duet_sm_rv_str(enum duet_sm_rv rv);

/* Flags for duet_sm_check(). */
#define DUET_CS_HARD	0x1	/* skip the soft rules: the change happened */

/* Warnings from sanitizing; the glue logs them. */
#define DUET_SW_RESYNC_ABORTED		0x01	/* a disk failed during resync */
#define DUET_SW_VERIFY_ABORTED		0x02	/* ... during online verify */
#define DUET_SW_DISK_UPGRADED		0x04	/* clamp raised the local disk */
#define DUET_SW_PDSK_UPGRADED		0x08	/* clamp raised the peer disk */
#define DUET_SW_FORCED_UP_TO_DATE	0x10	/* promote --force */
#define DUET_SW_FORCED_SPLIT_BRAIN	0x20	/* promote --force, peer unknown */
#define DUET_SW_NEGOTIATION_LOST	0x40	/* Negotiating fell back */

/*
 * Apply the implications that hold in every state to @ns (given the old
 * state @os); ORs DUET_SW_* into *@warn (may be NULL). susp_nod is derived
 * here from the state and the policy; susp_fen is raised here when a
 * Primary loses an unfenced peer and cleared once that no longer holds.
 */
void duet_sm_sanitize(const struct duet_state *os, struct duet_state *ns,
		      const struct duet_sm_env *env, unsigned int *warn);

/* Rules a single state must satisfy (after sanitizing). */
enum duet_sm_rv duet_sm_valid_state(const struct duet_state *s,
				    const struct duet_sm_env *env);

/* The transition tables; these hold even for DUET_CS_HARD changes. */
bool duet_sm_conn_allowed(enum duet_conn from, enum duet_conn to);
bool duet_sm_disk_allowed(enum duet_disk from, enum duet_disk to);

/*
 * Validate the change @os -> @ns. @ns is sanitized in place. Returns
 * DUET_SS_SUCCESS, DUET_SS_NOTHING_TO_DO (the sanitized @ns equals @os) or
 * a refusal; *@warn (may be NULL) gets DUET_SW_* bits on success.
 */
enum duet_sm_rv duet_sm_check(const struct duet_state *os,
			      struct duet_state *ns,
			      const struct duet_sm_env *env,
			      unsigned int flags, unsigned int *warn);

/*
 * "primary" (and "primary --force"): fills @ns with the state to commit.
 * With @force a disk that is Inconsistent, Outdated or Consistent is
 * declared UpToDate when that is the only obstacle, and a peer that could
 * not be fenced is recorded as Outdated (DUET_SW_FORCED_*).
 */
enum duet_sm_rv duet_sm_promote(const struct duet_state *os,
				const struct duet_sm_env *env, bool force,
				struct duet_state *ns, unsigned int *warn);

/* Whether an application may open the device (for writing if @write). */
enum duet_sm_rv duet_sm_may_open(const struct duet_state *s, bool write);

/* A change the peer must agree to before it is committed. */
bool duet_sm_cluster_wide(const struct duet_state *os,
			  const struct duet_state *ns);

/*
 * The 32-bit state word of the wire: role:2 peer:2 conn:5 disk:4 pdsk:4,
 * then susp, aftr_isp, peer_isp, user_isp, susp_nod, susp_fen, from bit 0
 * up. Unpacking a peer's word validates it (DUET_SS_INVALID when a field
 * is out of range or a padding bit is set).
 */
u32 duet_state_pack(const struct duet_state *s);
enum duet_sm_rv duet_state_unpack(u32 word, struct duet_state *s);

/*
 * Text for logs, bounded like snprintf (returns the full length):
 *   duet_state_format: "{ cs:Connected ro:Primary/Secondary
 *                        ds:UpToDate/UpToDate r---- }"
 *   duet_state_format_change: "role( Secondary -> Primary ) disk(
 *                        Inconsistent -> UpToDate )", "" if equal
 */
size_t duet_state_format(const struct duet_state *s, char *buf,
			 size_t size);
size_t duet_state_format_change(const struct duet_state *os,
				const struct duet_state *ns, char *buf,
				size_t size);

#endif /* DUET_CORE_SM_H */
