/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: generation UUIDs and the sync decision on connect
 * (drbd.md §3.4, §3.5, §4.6).
 *
 * Every node keeps a tuple of four 64-bit UUIDs (md.h, DUET_UI_*):
 *
 *   current   the data generation this node holds now
 *   bitmap    the generation the dirty bitmap counts changes against;
 *             0 while the node is in sync with its peer
 *   history0  older generations this node went through, newest first
 *   history1
 *
 * Bit 0 of a UUID is not part of its identity: on the current UUID it
 * says "this node is (or, after a crash, was) Primary in this
 * generation", and it stays on a UUID that moves on into the bitmap or
 * history slots. It is masked off in every comparison (duet_uuid_id()).
 * Fresh meta data has current = DUET_UUID_JUST_CREATED and zeroes
 * elsewhere; a UUID of 0 or DUET_UUID_JUST_CREATED names no data and is
 * called "empty" below. Empty UUIDs never match anything in the history
 * comparisons.
 *
 * Nothing here allocates, sleeps, does I/O or draws random numbers: the
 * caller passes the random value a new UUID is made from, so the same
 * inputs always give the same result. The glue writes the changed tuple
 * to the meta data itself.
 *
 * ---- what a node does to its tuple ------------------------------------
 *
 * new data generation   duet_uuid_new_current(): a Primary that loses its
 *                       peer, a node promoted while disconnected, or the
 *                       new-current-uuid command. The old current UUID
 *                       goes to the bitmap slot, so the bitmap (which
 *                       from now on records every write) describes the
 *                       difference to any node still at that generation.
 * resync start          the source calls duet_uuid_resync_start_source(),
 *                       which picks a fresh bitmap UUID (the "sync UUID")
 *                       and returns it; the source sends it and the
 *                       target calls duet_uuid_resync_start_target().
 * resync end            source: duet_uuid_resync_end_source(); target:
 *                       duet_uuid_resync_end_target() with the tuple the
 *                       source reported at connect. Both end up holding
 *                       the same tuple (up to bit 0 of the current UUID).
 * skip initial sync     new-current-uuid --clear-bitmap on just-created
 *                       meta data: duet_uuid_skip_initial_sync() on the
 *                       node where it runs, duet_uuid_adopt_skip() on the
 *                       peer that receives the new UUID.
 *
 * ---- the decision on connect ------------------------------------------
 *
 * duet_uuid_compare() looks only at the two tuples, the two "crashed
 * Primary" flags and the two current roles, and returns a verdict and
 * the number of the rule that gave it. The rules are tried in the order
 * of the table and the first that holds decides, except that 50/70,
 * 51/71 and 60/80 are tried as mirror pairs (50 with 70, then 51 with
 * 71, then 60 with 80): a pair decides when exactly one of its rules
 * holds; both holding means the tuples contradict each other (no real
 * history produces that) and the pair is passed over. "me"/"peer" are the two
 * tuples with bit 0 masked; cur, bm, h0, h1 are the four slots; STEP is
 * DUET_UUID_SYNC_STEP. The numbers are DRBD 8.4's where a rule means the
 * same, so that a user who knows DRBD's log lines recognises them.
 *
 *  rule  condition                                 verdict
 *  ----  ----------------------------------------  ----------------------
 *   10   both cur empty (0 or just created)        no sync (both stay
 *                                                  Inconsistent until one
 *                                                  side is forced Primary)
 *   20   my cur empty, peer's not                  full sync, I am target
 *   30   peer's cur empty, mine not                full sync, I am source
 *   34   cur equal; my bm set, peer's bm 0; my bm  bitmap resync, source;
 *        == peer h0 and my h0 == peer h1: I was    fix: I finish my
 *        source and missed the end of the resync   resync (FINISH_RESYNC)
 *        the peer recorded
 *   35   mirror of 34 (I was target)               bitmap resync, target;
 *                                                  fix: peer finishes
 *   36   cur equal; my bm set, peer's bm 0, no     bitmap resync, source
 *        history match: the target never stored
 *        the sync UUID of a resync I started
 *   37   mirror of 36                              bitmap resync, target
 *   40   cur equal, neither node Primary now       no sync, unless a node
 *                                                  crashed as Primary: it
 *                                                  is bitmap source (its
 *                                                  activity log extents
 *                                                  are in its bitmap);
 *                                                  both crashed: the
 *                                                  tie-breaker holder is
 *                                                  source
 *   41   cur equal, a node is Primary now (its     the Primary is bitmap
 *        I/O was frozen, it never bumped)          source; both Primary:
 *                                                  split brain (common
 *                                                  ancestor: cur)
 *   50   my cur == peer bm                         bitmap resync, target
 *   51   my cur == peer h0 and peer bm == peer     bitmap resync, target;
 *        h0 + STEP: the peer started a resync      fix: undo the peer's
 *        whose sync UUID I never stored            sync start
 *                                                  (UNDO_SYNC_START)
 *   60   my cur == peer h0 or h1                   full sync, target
 *   70   my bm == peer cur                         bitmap resync, source
 *   71   my h0 == peer cur and my bm == my h0 +    bitmap resync, source;
 *        STEP (mirror of 51)                       fix: undo my sync start
 *   80   peer cur == my h0 or h1                   full sync, source
 *   90   my bm == peer bm, not 0 (the currents     split brain with a
 *        differ: both wrote since that             common ancestor; the
 *        generation)                               after-sb policies apply
 *  100   any non-empty UUID of my bm, h0, h1       split brain without a
 *        equals one of the peer's bm, h0, h1       usable ancestor
 *  110   nothing above                             unrelated data
 *
 * Where duet differs from DRBD 8.4: rules 10-30 treat a current UUID of
 * 0 like a just-created one (either names no data); rule 41 with both
 * nodes Primary is an ordinary split brain (the shared current UUID is
 * the ancestor, so the bitmaps describe all changes and the after-sb-2pri
 * policy applies); rule 100 also compares bitmap UUIDs; "nothing
 * matched" has its own number, 110. The tie-breaker holder wins every
 * tie: it becomes source.
 *
 * Every rule is mirror-symmetric: the peer, evaluating the same inputs
 * the other way round, reaches duet_uuid_verdict_mirror() of my verdict
 * by rule duet_uuid_rule_mirror() of mine (the tie-breaker is held by
 * exactly one of the two nodes).
 *
 * ---- from verdict to action -------------------------------------------
 *
 * duet_uuid_resolve() turns the verdict into what the connection does,
 * in these steps (drbd.md §3.5, "what the handshake then does"):
 *
 *  1. unrelated data: StandAlone.
 *  2. disk states: when exactly one node is Inconsistent and the other
 *     is better, the better one becomes source; a full sync if the
 *     verdict was a full sync or a split brain without ancestor. (Where
 *     the verdict already makes the better node source, it stands.)
 *  3. split brain: --discard-my-data of exactly one node makes that
 *     node target (an explicit choice beats the automatic policies); on
 *     both nodes it is refused (StandAlone). Otherwise the after-sb
 *     policy for the number of nodes that are Primary now (after-sb-0pri,
 *     -1pri, -2pri) may pick a loser; for a split brain without ancestor
 *     only with always-asbp. Unresolved: StandAlone, split-brain handler.
 *     A split brain without ancestor that is resolved always means a
 *     full sync. Without a split brain --discard-my-data is ignored.
 *  4. the node that would be source is Inconsistent (or worse): refused.
 *  5. a Primary with Consistent or UpToDate data would become target:
 *     rr-conflict (disconnect, call-pri-lost, violently).
 *  6. a full-sync verdict sets every bit before the bitmap exchange.
 *
 * A split brain is never resolved silently: the action says which
 * policy (or flag, or disk state) resolved it and who lost, and
 * duet_uuid_action_str() says it in words.
 */
#ifndef DUET_CORE_UUID_H
#define DUET_CORE_UUID_H

#include "types.h"
#include "md.h"
#include "state.h"

#define DUET_UUID_PRIMARY_BIT	1ULL
/* A new bitmap UUID at resync start is the old one plus this. */
#define DUET_UUID_SYNC_STEP	(1ULL << 48)

/* The identity of a UUID: bit 0 masked. */
static inline u64 duet_uuid_id(u64 v)
{
	return v & ~DUET_UUID_PRIMARY_BIT;
}

/* 0 or just created: names no data. */
static inline bool duet_uuid_is_empty(u64 v)
{
	u64 id = duet_uuid_id(v);

	return id == 0 || id == DUET_UUID_JUST_CREATED;
}

/* Errors of the tuple operations (0 and positive values are success). */
enum duet_uuid_err {
	DUET_UUID_OK = 0,
	/*
	 * The random value is unusable: empty, or equal to a UUID the tuple
	 * already holds. Nothing was changed; draw another and retry.
	 */
	DUET_UUID_E_RANDOM = -1,
	/* The tuple is not just-created meta data (skip of initial sync). */
	DUET_UUID_E_NOT_NEW = -2,
};

/* ---- tuple operations ------------------------------------------------- */

/* Fresh meta data (create-md): just created, everything else 0. */
void duet_uuid_init(u64 u[DUET_UI_NR]);
/* Is @u the tuple of duet_uuid_init() (bit 0 of current aside)? */
bool duet_uuid_just_created(const u64 u[DUET_UI_NR]);

/* Results of duet_uuid_new_current() (besides DUET_UUID_E_RANDOM). */
enum duet_uuid_nc {
	/* the old current moved to the empty bitmap slot */
	DUET_UUID_NC_MOVED = 0,
	/*
	 * The bitmap slot was already set: the bitmap already counts every
	 * change since an older generation, a superset of the changes since
	 * the old current one. The bitmap UUID stays (a peer still at that
	 * generation syncs incrementally), the old current UUID goes to
	 * history0 (history0 to history1) so it is still recognised (full
	 * sync). Happens on new-current-uuid while disconnected, or when a
	 * Primary loses its peer in the middle of a resync.
	 */
	DUET_UUID_NC_BITMAP_KEPT = 1,
	/*
	 * The old current was empty (a just-created disk forced Primary):
	 * there is no generation to count changes against, the bitmap slot
	 * stays as it was.
	 */
	DUET_UUID_NC_FRESH = 2,
};

/*
 * Start a new data generation: current := @rnd with bit 0 masked, then
 * bit 0 set when @primary. Returns an enum duet_uuid_nc value, or
 * DUET_UUID_E_RANDOM (tuple unchanged).
 *
 * A node promoted while disconnected calls this with @primary true
 * (not duet_uuid_set_primary() first: the old current must move on with
 * the bit it had, since the after-sb policies discard-younger-primary
 * and discard-older-primary read it from the bitmap slot).
 */
int duet_uuid_new_current(u64 u[DUET_UI_NR], u64 rnd, bool primary);

/* Set or clear bit 0 of the current UUID (promote / demote). */
void duet_uuid_set_primary(u64 u[DUET_UI_NR], bool primary);

/*
 * Resync start on the source. The old bitmap UUID, when set, goes to
 * history0 (history0 to history1) and the new bitmap UUID is the old one
 * plus DUET_UUID_SYNC_STEP (rules 51/71 recognise that), or @rnd when the
 * old one was 0 or the sum collides with the tuple. *@sync_uuid gets the
 * new bitmap UUID (bit 0 clear), to be sent to the target. Returns 0, or
 * DUET_UUID_E_RANDOM when @rnd was needed and is unusable (tuple
 * unchanged).
 */
int duet_uuid_resync_start_source(u64 u[DUET_UI_NR], u64 rnd,
				  u64 *sync_uuid);

/*
 * Resync start on the target: current := @sync_uuid with bit 0 clear (a
 * crashed Primary that comes back as target is no longer Primary; a
 * Primary target under rr-conflict violently sets the bit again with
 * duet_uuid_set_primary()), bitmap := 0, history unchanged.
 */
void duet_uuid_resync_start_target(u64 u[DUET_UI_NR], u64 sync_uuid);

/* Resync end on the source: bitmap -> history0 -> history1; bitmap 0. */
void duet_uuid_resync_end_source(u64 u[DUET_UI_NR]);

/*
 * Resync end on the target. @source is the tuple the source reported at
 * connect (with any duet_uuid_cmp.peer_fix applied); this node's current
 * UUID is the sync UUID. The target takes the tuple the source has after
 * duet_uuid_resync_start_source() and duet_uuid_resync_end_source():
 * the source's current UUID (bit 0: this node's own, as it is during the
 * resync), bitmap 0, and the source's history with the sync UUID on top.
 */
void duet_uuid_resync_end_target(u64 u[DUET_UI_NR],
				 const u64 source[DUET_UI_NR]);

/*
 * new-current-uuid --clear-bitmap on just-created meta data (current
 * just created, the rest 0), to skip the initial sync of a device whose
 * data nobody needs yet (before mkfs): current := @rnd (bit 0 masked),
 * bitmap stays 0. The glue clears the bitmap, sends the new UUID and
 * marks the disk UpToDate. Returns 0, DUET_UUID_E_NOT_NEW or
 * DUET_UUID_E_RANDOM (tuple unchanged on error).
 */
int duet_uuid_skip_initial_sync(u64 u[DUET_UI_NR], u64 rnd);

/*
 * The peer's half of the skip: just-created meta data takes @cur
 * (bit 0 masked) as its current UUID. Returns 0, DUET_UUID_E_NOT_NEW or
 * DUET_UUID_E_RANDOM (@cur is empty).
 */
int duet_uuid_adopt_skip(u64 u[DUET_UI_NR], u64 cur);

/* Corrections a rule asks for (applied by the caller, never silently). */
enum duet_uuid_fix {
	DUET_UUID_FIX_NONE = 0,
	/* the source missed the end of a resync: duet_uuid_resync_end_source */
	DUET_UUID_FIX_FINISH_RESYNC,
	/*
	 * The sync UUID of a resync start never reached the target: the
	 * start is undone (bitmap := history0, history0 := history1,
	 * history1 := 0).
	 */
	DUET_UUID_FIX_UNDO_SYNC_START,
};

void duet_uuid_apply_fix(u64 u[DUET_UI_NR], enum duet_uuid_fix fix);

/*
 * The tuple for logs, as drbdadm show-gi prints it: four UUIDs of 16
 * upper-case hex digits, current:bitmap:history0:history1, bit 0
 * included. Bounded like snprintf: returns the full length (67).
 */
#define DUET_UUID_FORMAT_LEN	(4 * 16 + 3)
size_t duet_uuid_format(const u64 u[DUET_UI_NR], char *buf, size_t size);

/* ---- the decision on connect ------------------------------------------ */

enum duet_uuid_verdict {
	DUET_UUID_V_NO_SYNC = 0,
	DUET_UUID_V_BITMAP_SOURCE,	/* DRBD hg 1 */
	DUET_UUID_V_BITMAP_TARGET,	/* -1 */
	DUET_UUID_V_FULL_SOURCE,	/* 2 */
	DUET_UUID_V_FULL_TARGET,	/* -2 */
	DUET_UUID_V_SPLIT_BRAIN,	/* 100: common ancestor, after-sb */
	DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR,	/* -100: manual only */
	DUET_UUID_V_UNRELATED,		/* -1000 */
	DUET_UUID_V_NR
};

/* One node, as the handshake sees it. */
struct duet_uuid_node {
	u64 uuid[DUET_UI_NR];
	bool primary;		/* role is Primary now */
	/* DUET_MDF_CRASHED_PRIMARY: was Primary at a crash */
	bool crashed_primary;
	/* below: used by duet_uuid_resolve() only */
	/* as the meta data gives it (md_disk): not Negotiating, DUnknown */
	enum duet_disk disk;
	bool discard_my_data;	/* connect --discard-my-data */
	u64 bm_weight;		/* bits set in the node's bitmap */
};

struct duet_uuid_cmp {
	enum duet_uuid_verdict verdict;
	unsigned int rule;		/* the table above */
	/*
	 * Corrections to this node's tuple and to its copy of the peer's
	 * (which the peer makes to its own tuple, by the mirror rule).
	 * They put right what a lost packet or a crash left unrecorded, so
	 * the caller applies them (duet_uuid_apply_fix()), logs them and
	 * writes the meta data, whatever action duet_uuid_resolve() gives.
	 */
	enum duet_uuid_fix self_fix;
	enum duet_uuid_fix peer_fix;
	u64 self_current;		/* as compared (bit 0 masked) */
	u64 peer_current;
	/*
	 * The generation the rule found in common (bit 0 masked): the
	 * bitmap UUID a bitmap resync counts from (50, 70), the shared
	 * current UUID (34-41), the split-brain ancestor (90, 41) or the
	 * matching older UUID (51, 60, 71, 80, 100). 0 when there is none.
	 */
	u64 common;
};

/*
 * The decision. @tie_breaker: this node resolves conflicts (exactly one
 * of the two nodes holds it). Fills @out completely.
 */
void duet_uuid_compare(const struct duet_uuid_node *self,
		       const struct duet_uuid_node *peer, bool tie_breaker,
		       struct duet_uuid_cmp *out);

/* The peer's verdict for my @v, and the peer's rule for my @rule. */
enum duet_uuid_verdict duet_uuid_verdict_mirror(enum duet_uuid_verdict v);
unsigned int duet_uuid_rule_mirror(unsigned int rule);

/* ---- policies --------------------------------------------------------- */

/*
 * after-sb-0pri/-1pri/-2pri. The values are those of enum duet_after_sb
 * in kmod/uapi/duet_genl.h (the core cannot include it; the unit test
 * checks that they agree).
 */
enum duet_uuid_asb {
	DUET_UUID_ASB_DISCONNECT = 0,
	DUET_UUID_ASB_DISCARD_YOUNGER_PRI = 1,
	DUET_UUID_ASB_DISCARD_OLDER_PRI = 2,
	DUET_UUID_ASB_DISCARD_ZERO_CHG = 3,
	DUET_UUID_ASB_DISCARD_LEAST_CHG = 4,
	DUET_UUID_ASB_DISCARD_LOCAL = 5,
	DUET_UUID_ASB_DISCARD_REMOTE = 6,
	DUET_UUID_ASB_CONSENSUS = 7,
	DUET_UUID_ASB_DISCARD_SECONDARY = 8,
	DUET_UUID_ASB_CALL_HELPER = 9,	/* call-pri-lost-after-sb */
	DUET_UUID_ASB_VIOLENTLY = 10,	/* violently-as0p */
	DUET_UUID_ASB_NR
};

/* rr-conflict; the values are those of enum duet_rr_conflict (uapi). */
enum duet_uuid_rr {
	DUET_UUID_RR_DISCONNECT = 0,
	DUET_UUID_RR_CALL_HELPER = 1,	/* call-pri-lost */
	DUET_UUID_RR_VIOLENTLY = 2,
	DUET_UUID_RR_NR
};

/*
 * Policy semantics (the loser becomes target; the tie-breaker holder
 * wins ties):
 *
 * after-sb-0pri (also the base verdict of consensus, call-pri-lost-
 * after-sb and violently-as0p):
 *   disconnect               no automatic resolution
 *   discard-younger-primary  the node promoted after the split loses: bit
 *                            0 of the bitmap UUIDs tells which node was
 *                            Primary when the split began (the older
 *                            one). Undecided (both or neither bit set):
 *                            discard-least-changes decides instead.
 *   discard-older-primary    the node that was Primary at the split
 *                            loses; undecided as above
 *   discard-zero-changes     a node that wrote nothing (empty bitmap)
 *                            loses against one that wrote; neither wrote:
 *                            tie; both wrote: no resolution
 *   discard-least-changes    fewer bits set loses; equal: tie
 *   discard-local / -remote  this node / the peer loses (on the peer the
 *                            configuration must say the opposite)
 * after-sb-1pri:
 *   disconnect               no automatic resolution
 *   consensus                the 0pri result, only if the Secondary loses
 *   discard-secondary        the Secondary loses
 *   call-pri-lost-after-sb   the 0pri result; a losing Primary must be
 *                            demoted first (duet_uuid_action.demote_self)
 *   violently-as0p           the 0pri result, even against the Primary
 *                            (rr-conflict then decides whether a Primary
 *                            may be synced into)
 * after-sb-2pri: disconnect, call-pri-lost-after-sb, violently-as0p as
 *   for 1pri.
 * A value that is not valid for its row (duet_uuid_asb_valid()) counts
 * as disconnect.
 */
struct duet_uuid_policy {
	enum duet_uuid_asb after_sb_0pri;
	enum duet_uuid_asb after_sb_1pri;
	enum duet_uuid_asb after_sb_2pri;
	enum duet_uuid_rr rr_conflict;
	bool always_asbp;	/* policies also without an ancestor */
};

/* The drbd.conf defaults: every policy disconnect. */
void duet_uuid_policy_default(struct duet_uuid_policy *p);
/* Whether @p is accepted for after-sb-@npri (0, 1 or 2). */
bool duet_uuid_asb_valid(unsigned int npri, enum duet_uuid_asb p);
/*
 * Whether two nodes' policies let both reach mirror-image decisions:
 * the same values, except that discard-local on one side must be
 * discard-remote on the other.
 */
bool duet_uuid_policies_compatible(const struct duet_uuid_policy *a,
				   const struct duet_uuid_policy *b);

/* ---- the action ------------------------------------------------------- */

enum duet_uuid_act {
	DUET_UUID_A_CONNECTED = 0,	/* no resync */
	DUET_UUID_A_WF_BITMAP_S,	/* become SyncSource: WFBitMapS */
	DUET_UUID_A_WF_BITMAP_T,	/* become SyncTarget: WFBitMapT */
	DUET_UUID_A_STANDALONE,		/* drop the connection: reason */
	DUET_UUID_A_NR
};

/* Why the connection is dropped (DUET_UUID_A_STANDALONE). */
enum duet_uuid_reason {
	DUET_UUID_R_NONE = 0,
	DUET_UUID_R_UNRELATED,		/* no generation in common */
	DUET_UUID_R_SPLIT_BRAIN,	/* split brain, not resolved */
	DUET_UUID_R_BOTH_DISCARD,	/* discard-my-data on both nodes */
	DUET_UUID_R_SELF_INCONSISTENT,	/* Inconsistent but source */
	DUET_UUID_R_PEER_INCONSISTENT,	/* the same for the peer */
	DUET_UUID_R_RR_CONFLICT,	/* Primary, would be target */
	DUET_UUID_R_PEER_RR_CONFLICT,	/* the same for the peer */
	DUET_UUID_R_PRI_LOST_AFTER_SB,	/* lost, and could not demote */
	DUET_UUID_R_NR
};

/* What decided the direction. */
enum duet_uuid_how {
	DUET_UUID_HOW_UUIDS = 0,	/* the verdict as it was */
	DUET_UUID_HOW_DISK_STATES,	/* one node Inconsistent */
	DUET_UUID_HOW_AFTER_SB,		/* an after-sb policy */
	DUET_UUID_HOW_DISCARD_MY_DATA,	/* --discard-my-data */
};

enum duet_uuid_side {
	DUET_UUID_SIDE_NONE = 0,
	DUET_UUID_SIDE_SELF,
	DUET_UUID_SIDE_PEER,
};

/* Handlers (drbd.conf handlers section) this node should run. */
/* initial-split-brain: any split brain found */
#define DUET_UUID_H_INITIAL_SPLIT_BRAIN	0x1
/* split-brain: ... and not resolved */
#define DUET_UUID_H_SPLIT_BRAIN		0x2
/* pri-lost: rr-conflict call-pri-lost */
#define DUET_UUID_H_PRI_LOST		0x4
/* pri-lost-after-sb: duet_uuid_demote_failed() */
#define DUET_UUID_H_PRI_LOST_AFTER_SB	0x8

struct duet_uuid_action {
	enum duet_uuid_act act;
	bool full_sync;		/* set every bit first (FULL_SYNC) */
	enum duet_uuid_reason reason;	/* R_NONE unless StandAlone */
	enum duet_uuid_how how;
	unsigned int handlers;	/* DUET_UUID_H_* */
	bool split_brain;	/* the verdict was a split brain */
	/* a resolved split brain: whose changes are discarded */
	enum duet_uuid_side loser;
	/*
	 * after-sb: the row that applied (after-sb-<primaries>pri), the
	 * policy configured there, and the policy whose rule decided
	 * (differs on a fallback: undecided younger/older primary, or the
	 * 0pri policy under consensus, call-pri-lost-after-sb, violently).
	 */
	unsigned int primaries;
	enum duet_uuid_asb asb_policy;
	enum duet_uuid_asb asb_decided;
	/*
	 * call-pri-lost-after-sb and this Primary lost: demote it before
	 * the resync starts; if that fails call duet_uuid_demote_failed().
	 */
	bool demote_self;
	bool peer_demotes;	/* the peer Primary lost and must demote */
	/* rr-conflict violently: the target is Primary (self or peer) */
	bool rr_violently;
	enum duet_uuid_rr rr_conflict;	/* as configured, for the text */
	/* copies for duet_uuid_action_str() */
	struct duet_uuid_cmp cmp;
	enum duet_disk self_disk;
	enum duet_disk peer_disk;
	bool self_primary;
	bool peer_primary;
	bool self_crashed;
	bool peer_crashed;
	bool tie_breaker;
	bool asb_tried;		/* after-sb policies were consulted */
	u64 self_changes;	/* bm_weight */
	u64 peer_changes;
};

/*
 * Post-process @cmp (from duet_uuid_compare() on the same nodes) into
 * the action, steps 1-6 above, with this node's policies @pol. Fills
 * @act completely. Given compatible policies, the peer's action is the
 * mirror image (source <-> target, self <-> peer).
 */
void duet_uuid_resolve(const struct duet_uuid_node *self,
		       const struct duet_uuid_node *peer,
		       const struct duet_uuid_cmp *cmp,
		       const struct duet_uuid_policy *pol, bool tie_breaker,
		       struct duet_uuid_action *act);

/*
 * The demotion asked for by demote_self failed: the connection is
 * dropped instead and the pri-lost-after-sb handler runs.
 */
void duet_uuid_demote_failed(struct duet_uuid_action *act);

/* ---- text ------------------------------------------------------------- */

/* drbd.conf words ("discard-younger-primary", "call-pri-lost", ...). */
const char *duet_uuid_asb_str(enum duet_uuid_asb p);
const char *duet_uuid_rr_str(enum duet_uuid_rr r);
/* Short names for tools and logs ("bitmap resync as target", ...). */
const char *duet_uuid_verdict_str(enum duet_uuid_verdict v);
const char *duet_uuid_reason_str(enum duet_uuid_reason r);

/*
 * One sentence for the kernel log, bounded like snprintf (returns the
 * full length), e.g. "split brain detected, both nodes changed data
 * since 0x5F0A1B2C3D4E5F60; dropping connection (after-sb-0pri
 * disconnect)".
 */
size_t duet_uuid_action_str(const struct duet_uuid_action *act, char *buf,
			    size_t size);

#endif /* DUET_CORE_UUID_H */
