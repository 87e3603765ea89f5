// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: generation UUIDs and the sync decision on connect (see
 * uuid.h for the rule table and the policy semantics).
 */
#include "uuid.h"
#include "fmt.h"

/* ---- tuple operations ------------------------------------------------- */

/* Some slot of @u holds the identity @id (which is not empty). */
static bool duet_uuid_holds(const u64 u[DUET_UI_NR], u64 id)
{
	int i;

	for (i = 0; i < DUET_UI_NR; i++)
		if (duet_uuid_id(u[i]) == id)
			return true;
	return false;
}

/* @rnd may become a new UUID of @u. */
static bool duet_uuid_fresh(const u64 u[DUET_UI_NR], u64 rnd)
{
	return !duet_uuid_is_empty(rnd) &&
	       !duet_uuid_holds(u, duet_uuid_id(rnd));
}

/* Push @v on top of the history. */
static void duet_uuid_push(u64 u[DUET_UI_NR], u64 v)
{
	u[DUET_UI_HISTORY1] = u[DUET_UI_HISTORY0];
	u[DUET_UI_HISTORY0] = v;
}

void duet_uuid_init(u64 u[DUET_UI_NR])
{
	u[DUET_UI_CURRENT] = DUET_UUID_JUST_CREATED;
	u[DUET_UI_BITMAP] = 0;
	u[DUET_UI_HISTORY0] = 0;
	u[DUET_UI_HISTORY1] = 0;
}

int duet_uuid_new_current(u64 u[DUET_UI_NR], u64 rnd, bool primary)
{
	int rv;

	if (!duet_uuid_fresh(u, rnd))
		return DUET_UUID_E_RANDOM;
	if (duet_uuid_is_empty(u[DUET_UI_CURRENT])) {
		rv = DUET_UUID_NC_FRESH;
	} else if (!duet_uuid_id(u[DUET_UI_BITMAP])) {
		u[DUET_UI_BITMAP] = u[DUET_UI_CURRENT];
		rv = DUET_UUID_NC_MOVED;
	} else {
		duet_uuid_push(u, u[DUET_UI_CURRENT]);
		rv = DUET_UUID_NC_BITMAP_KEPT;
	}
	u[DUET_UI_CURRENT] = duet_uuid_id(rnd) |
			     (primary ? DUET_UUID_PRIMARY_BIT : 0);
	return rv;
}

void duet_uuid_set_primary(u64 u[DUET_UI_NR], bool primary)
{
	if (primary)
		u[DUET_UI_CURRENT] |= DUET_UUID_PRIMARY_BIT;
	else
		u[DUET_UI_CURRENT] &= ~DUET_UUID_PRIMARY_BIT;
}

int duet_uuid_resync_start_source(u64 u[DUET_UI_NR], u64 rnd,
				  u64 *sync_uuid)
{
	u64 old = duet_uuid_id(u[DUET_UI_BITMAP]);
	u64 next = 0;

	if (old) {
		next = old + DUET_UUID_SYNC_STEP;
		if (duet_uuid_is_empty(next) || duet_uuid_holds(u, next))
			next = 0;
	}
	if (!next) {
		if (!duet_uuid_fresh(u, rnd))
			return DUET_UUID_E_RANDOM;
		next = duet_uuid_id(rnd);
	}
	if (old)
		duet_uuid_push(u, u[DUET_UI_BITMAP]);
	u[DUET_UI_BITMAP] = next;
	*sync_uuid = next;
	return DUET_UUID_OK;
}

void duet_uuid_resync_start_target(u64 u[DUET_UI_NR], u64 sync_uuid)
{
	u[DUET_UI_CURRENT] = duet_uuid_id(sync_uuid);
	u[DUET_UI_BITMAP] = 0;
}

void duet_uuid_resync_end_source(u64 u[DUET_UI_NR])
{
	if (duet_uuid_id(u[DUET_UI_BITMAP]))
		duet_uuid_push(u, u[DUET_UI_BITMAP]);
	u[DUET_UI_BITMAP] = 0;
}

void duet_uuid_resync_end_target(u64 u[DUET_UI_NR],
				 const u64 source[DUET_UI_NR])
{
	u64 t[DUET_UI_NR];
	int i;

	for (i = 0; i < DUET_UI_NR; i++)
		t[i] = source[i];
	/* what the source did at the start ... */
	if (duet_uuid_id(t[DUET_UI_BITMAP]))
		duet_uuid_push(t, t[DUET_UI_BITMAP]);
	t[DUET_UI_BITMAP] = duet_uuid_id(u[DUET_UI_CURRENT]);
	/* ... and at the end */
	duet_uuid_resync_end_source(t);
	u[DUET_UI_CURRENT] = duet_uuid_id(t[DUET_UI_CURRENT]) |
			     (u[DUET_UI_CURRENT] & DUET_UUID_PRIMARY_BIT);
	u[DUET_UI_BITMAP] = 0;
	u[DUET_UI_HISTORY0] = t[DUET_UI_HISTORY0];
	u[DUET_UI_HISTORY1] = t[DUET_UI_HISTORY1];
}

bool duet_uuid_just_created(const u64 u[DUET_UI_NR])
{
	return duet_uuid_id(u[DUET_UI_CURRENT]) == DUET_UUID_JUST_CREATED &&
	       !u[DUET_UI_BITMAP] && !u[DUET_UI_HISTORY0] &&
	       !u[DUET_UI_HISTORY1];
}

int duet_uuid_skip_initial_sync(u64 u[DUET_UI_NR], u64 rnd)
{
	if (!duet_uuid_just_created(u))
		return DUET_UUID_E_NOT_NEW;
	if (duet_uuid_is_empty(rnd))
		return DUET_UUID_E_RANDOM;
	u[DUET_UI_CURRENT] = duet_uuid_id(rnd);
	return DUET_UUID_OK;
}

int duet_uuid_adopt_skip(u64 u[DUET_UI_NR], u64 cur)
{
	return duet_uuid_skip_initial_sync(u, cur);
}

void duet_uuid_apply_fix(u64 u[DUET_UI_NR], enum duet_uuid_fix fix)
{
	switch (fix) {
	case DUET_UUID_FIX_FINISH_RESYNC:
		duet_uuid_resync_end_source(u);
		break;
	case DUET_UUID_FIX_UNDO_SYNC_START:
		u[DUET_UI_BITMAP] = u[DUET_UI_HISTORY0];
		u[DUET_UI_HISTORY0] = u[DUET_UI_HISTORY1];
		u[DUET_UI_HISTORY1] = 0;
		break;
	default:
		break;
	}
}

/* 16 upper-case hex digits */
static void duet_uuid_put_hex(struct duet_fmt *f, u64 v)
{
	static const char digits[] = "0123456789ABCDEF";
	int shift;

	for (shift = 60; shift >= 0; shift -= 4)
		duet_fmt_putc(f, digits[(v >> shift) & 0xf]);
}

size_t duet_uuid_format(const u64 u[DUET_UI_NR], char *buf, size_t size)
{
	struct duet_fmt f;
	int i;

	duet_fmt_init(&f, buf, size);
	for (i = 0; i < DUET_UI_NR; i++) {
		if (i)
			duet_fmt_putc(&f, ':');
		duet_uuid_put_hex(&f, u[i]);
	}
	return duet_fmt_len(&f);
}

/* ---- the decision on connect ------------------------------------------ */

static void duet_uuid_verdict_set(struct duet_uuid_cmp *out, unsigned int rule,
				  enum duet_uuid_verdict v, u64 common)
{
	out->rule = rule;
	out->verdict = v;
	out->common = common;
}

/*
 * A pair of mirror rules (50/70, 51/71, 60/80): exactly one must hold.
 * Both holding means the tuples contradict each other (no real history
 * gets there); the pair is then skipped, on both nodes alike.
 */
static bool duet_uuid_pair(struct duet_uuid_cmp *out, bool mine,
			   bool theirs, unsigned int rule, unsigned int mirror,
			   enum duet_uuid_verdict v, u64 common)
{
	if (mine == theirs)
		return false;
	if (mine)
		duet_uuid_verdict_set(out, rule, v, common);
	else
		duet_uuid_verdict_set(out, mirror, duet_uuid_verdict_mirror(v),
				      common);
	return true;
}

/* Rules 34 to 41: both nodes are at the same current generation. */
static void duet_uuid_same_current(const struct duet_uuid_node *self,
				   const struct duet_uuid_node *peer,
				   bool tie_breaker, struct duet_uuid_cmp *out)
{
	const u64 *a = self->uuid, *b = peer->uuid;
	u64 c = out->self_current;
	u64 mb = duet_uuid_id(a[DUET_UI_BITMAP]);
	u64 pb = duet_uuid_id(b[DUET_UI_BITMAP]);
	enum duet_uuid_verdict v;
	unsigned int rule;

	if (mb && !pb) {
		/* I was source: did the target record the end? */
		if (mb == duet_uuid_id(b[DUET_UI_HISTORY0]) &&
		    duet_uuid_id(a[DUET_UI_HISTORY0]) ==
		    duet_uuid_id(b[DUET_UI_HISTORY1])) {
			out->self_fix = DUET_UUID_FIX_FINISH_RESYNC;
			rule = 34;
		} else {
			rule = 36;
		}
		v = DUET_UUID_V_BITMAP_SOURCE;
	} else if (!mb && pb) {
		if (pb == duet_uuid_id(a[DUET_UI_HISTORY0]) &&
		    duet_uuid_id(b[DUET_UI_HISTORY0]) ==
		    duet_uuid_id(a[DUET_UI_HISTORY1])) {
			out->peer_fix = DUET_UUID_FIX_FINISH_RESYNC;
			rule = 35;
		} else {
			rule = 37;
		}
		v = DUET_UUID_V_BITMAP_TARGET;
	} else if (!self->primary && !peer->primary) {
		rule = 40;
		if (self->crashed_primary && peer->crashed_primary)
			v = tie_breaker ? DUET_UUID_V_BITMAP_SOURCE :
			    DUET_UUID_V_BITMAP_TARGET;
		else if (self->crashed_primary)
			v = DUET_UUID_V_BITMAP_SOURCE;
		else if (peer->crashed_primary)
			v = DUET_UUID_V_BITMAP_TARGET;
		else
			v = DUET_UUID_V_NO_SYNC;
	} else {
		rule = 41;
		if (self->primary && peer->primary)
			v = DUET_UUID_V_SPLIT_BRAIN;
		else if (self->primary)
			v = DUET_UUID_V_BITMAP_SOURCE;
		else
			v = DUET_UUID_V_BITMAP_TARGET;
	}
	duet_uuid_verdict_set(out, rule, v, c);
}

/* Rule 100: a non-empty UUID of my bitmap/history among the peer's. */
static u64 duet_uuid_old_match(const u64 a[DUET_UI_NR],
			       const u64 b[DUET_UI_NR])
{
	int i, j;

	for (i = DUET_UI_BITMAP; i < DUET_UI_NR; i++) {
		if (duet_uuid_is_empty(a[i]))
			continue;
		for (j = DUET_UI_BITMAP; j < DUET_UI_NR; j++)
			if (duet_uuid_id(a[i]) == duet_uuid_id(b[j]))
				return duet_uuid_id(a[i]);
	}
	return 0;
}

/* Rules 50 to 80, in mirror pairs; false when none applies. */
static bool duet_uuid_descends(const u64 a[DUET_UI_NR],
			       const u64 b[DUET_UI_NR],
			       struct duet_uuid_cmp *out)
{
	u64 mc = out->self_current, pc = out->peer_current;
	u64 mb = duet_uuid_id(a[DUET_UI_BITMAP]);
	u64 pb = duet_uuid_id(b[DUET_UI_BITMAP]);
	u64 mh0 = duet_uuid_id(a[DUET_UI_HISTORY0]);
	u64 ph0 = duet_uuid_id(b[DUET_UI_HISTORY0]);
	u64 mh1 = duet_uuid_id(a[DUET_UI_HISTORY1]);
	u64 ph1 = duet_uuid_id(b[DUET_UI_HISTORY1]);
	bool mine, theirs;

	mine = mc == pb;
	theirs = pc == mb;
	if (duet_uuid_pair(out, mine, theirs, 50, 70,
			   DUET_UUID_V_BITMAP_TARGET, mine ? mc : pc))
		return true;

	mine = mc == ph0 && pb == ph0 + DUET_UUID_SYNC_STEP;
	theirs = pc == mh0 && mb == mh0 + DUET_UUID_SYNC_STEP;
	if (duet_uuid_pair(out, mine, theirs, 51, 71,
			   DUET_UUID_V_BITMAP_TARGET, mine ? mc : pc)) {
		if (mine)
			out->peer_fix = DUET_UUID_FIX_UNDO_SYNC_START;
		else
			out->self_fix = DUET_UUID_FIX_UNDO_SYNC_START;
		return true;
	}

	mine = mc == ph0 || mc == ph1;
	theirs = pc == mh0 || pc == mh1;
	return duet_uuid_pair(out, mine, theirs, 60, 80,
			      DUET_UUID_V_FULL_TARGET, mine ? mc : pc);
}

/* Rules 90 to 110: neither node's data descends from the other's. */
static void duet_uuid_diverged(const u64 a[DUET_UI_NR],
			       const u64 b[DUET_UI_NR],
			       struct duet_uuid_cmp *out)
{
	u64 mb = duet_uuid_id(a[DUET_UI_BITMAP]);
	u64 pb = duet_uuid_id(b[DUET_UI_BITMAP]);
	u64 common;

	if (!duet_uuid_is_empty(mb) && mb == pb) {
		duet_uuid_verdict_set(out, 90, DUET_UUID_V_SPLIT_BRAIN, mb);
		return;
	}
	common = duet_uuid_old_match(a, b);
	if (common)
		duet_uuid_verdict_set(out, 100,
				      DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR,
				      common);
	else
		duet_uuid_verdict_set(out, 110, DUET_UUID_V_UNRELATED, 0);
}

void duet_uuid_compare(const struct duet_uuid_node *self,
		       const struct duet_uuid_node *peer, bool tie_breaker,
		       struct duet_uuid_cmp *out)
{
	const u64 *a = self->uuid, *b = peer->uuid;
	u64 mc = duet_uuid_id(a[DUET_UI_CURRENT]);
	u64 pc = duet_uuid_id(b[DUET_UI_CURRENT]);
	bool me_empty = duet_uuid_is_empty(mc);
	bool peer_empty = duet_uuid_is_empty(pc);

	memset(out, 0, sizeof(*out));
	out->self_current = mc;
	out->peer_current = pc;

	if (me_empty && peer_empty)
		duet_uuid_verdict_set(out, 10, DUET_UUID_V_NO_SYNC, 0);
	else if (me_empty)
		duet_uuid_verdict_set(out, 20, DUET_UUID_V_FULL_TARGET, 0);
	else if (peer_empty)
		duet_uuid_verdict_set(out, 30, DUET_UUID_V_FULL_SOURCE, 0);
	else if (mc == pc)
		duet_uuid_same_current(self, peer, tie_breaker, out);
	else if (!duet_uuid_descends(a, b, out))
		duet_uuid_diverged(a, b, out);
}

enum duet_uuid_verdict duet_uuid_verdict_mirror(enum duet_uuid_verdict v)
{
	switch (v) {
	case DUET_UUID_V_BITMAP_SOURCE:
		return DUET_UUID_V_BITMAP_TARGET;
	case DUET_UUID_V_BITMAP_TARGET:
		return DUET_UUID_V_BITMAP_SOURCE;
	case DUET_UUID_V_FULL_SOURCE:
		return DUET_UUID_V_FULL_TARGET;
	case DUET_UUID_V_FULL_TARGET:
		return DUET_UUID_V_FULL_SOURCE;
	default:
		return v;
	}
}

unsigned int duet_uuid_rule_mirror(unsigned int rule)
{
	switch (rule) {
	case 20: return 30;
	case 30: return 20;
	case 34: return 35;
	case 35: return 34;
	case 36: return 37;
	case 37: return 36;
	case 50: return 70;
	case 70: return 50;
	case 51: return 71;
	case 71: return 51;
	case 60: return 80;
	case 80: return 60;
	default: return rule;
	}
}

/* ---- policies --------------------------------------------------------- */

void duet_uuid_policy_default(struct duet_uuid_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->after_sb_0pri = DUET_UUID_ASB_DISCONNECT;
	p->after_sb_1pri = DUET_UUID_ASB_DISCONNECT;
	p->after_sb_2pri = DUET_UUID_ASB_DISCONNECT;
	p->rr_conflict = DUET_UUID_RR_DISCONNECT;
}

bool duet_uuid_asb_valid(unsigned int npri, enum duet_uuid_asb p)
{
	if (p == DUET_UUID_ASB_DISCONNECT)
		return npri <= 2;
	switch (npri) {
	case 0:
		return p >= DUET_UUID_ASB_DISCARD_YOUNGER_PRI &&
		       p <= DUET_UUID_ASB_DISCARD_REMOTE;
	case 1:
		return p >= DUET_UUID_ASB_CONSENSUS &&
		       p <= DUET_UUID_ASB_VIOLENTLY;
	case 2:
		return p == DUET_UUID_ASB_CALL_HELPER ||
		       p == DUET_UUID_ASB_VIOLENTLY;
	default:
		return false;
	}
}

static enum duet_uuid_asb duet_uuid_asb_swap(enum duet_uuid_asb p)
{
	if (p == DUET_UUID_ASB_DISCARD_LOCAL)
		return DUET_UUID_ASB_DISCARD_REMOTE;
	if (p == DUET_UUID_ASB_DISCARD_REMOTE)
		return DUET_UUID_ASB_DISCARD_LOCAL;
	return p;
}

bool duet_uuid_policies_compatible(const struct duet_uuid_policy *a,
				   const struct duet_uuid_policy *b)
{
	return a->after_sb_0pri == duet_uuid_asb_swap(b->after_sb_0pri) &&
	       a->after_sb_1pri == duet_uuid_asb_swap(b->after_sb_1pri) &&
	       a->after_sb_2pri == duet_uuid_asb_swap(b->after_sb_2pri) &&
	       a->rr_conflict == b->rr_conflict &&
	       a->always_asbp == b->always_asbp;
}

static enum duet_uuid_side duet_uuid_other(enum duet_uuid_side s)
{
	if (s == DUET_UUID_SIDE_SELF)
		return DUET_UUID_SIDE_PEER;
	if (s == DUET_UUID_SIDE_PEER)
		return DUET_UUID_SIDE_SELF;
	return DUET_UUID_SIDE_NONE;
}

/* The fewer changes lose; the tie-breaker holder wins a tie. */
static enum duet_uuid_side duet_uuid_least(const struct duet_uuid_node *self,
					   const struct duet_uuid_node *peer,
					   bool tie_breaker)
{
	if (self->bm_weight < peer->bm_weight)
		return DUET_UUID_SIDE_SELF;
	if (self->bm_weight > peer->bm_weight)
		return DUET_UUID_SIDE_PEER;
	return tie_breaker ? DUET_UUID_SIDE_PEER : DUET_UUID_SIDE_SELF;
}

/*
 * The after-sb-0pri rule: who loses, SIDE_NONE when the policy decides
 * nothing. *@decided gets the policy that decided (a fallback may
 * differ from @p).
 */
static enum duet_uuid_side duet_uuid_asb_0p(const struct duet_uuid_node *self,
					    const struct duet_uuid_node *peer,
					    enum duet_uuid_asb p,
					    bool tie_breaker,
					    enum duet_uuid_asb *decided)
{
	bool mine = self->uuid[DUET_UI_BITMAP] & DUET_UUID_PRIMARY_BIT;
	bool theirs = peer->uuid[DUET_UI_BITMAP] & DUET_UUID_PRIMARY_BIT;
	enum duet_uuid_side older;

	*decided = p;
	if (!duet_uuid_asb_valid(0, p))
		return DUET_UUID_SIDE_NONE;
	switch (p) {
	case DUET_UUID_ASB_DISCARD_YOUNGER_PRI:
	case DUET_UUID_ASB_DISCARD_OLDER_PRI:
		if (mine != theirs) {
			older = mine ? DUET_UUID_SIDE_SELF :
				DUET_UUID_SIDE_PEER;
			return p == DUET_UUID_ASB_DISCARD_OLDER_PRI ? older :
			       duet_uuid_other(older);
		}
		*decided = DUET_UUID_ASB_DISCARD_LEAST_CHG;
		return duet_uuid_least(self, peer, tie_breaker);
	case DUET_UUID_ASB_DISCARD_ZERO_CHG:
		if (!self->bm_weight && !peer->bm_weight)
			return tie_breaker ? DUET_UUID_SIDE_PEER :
			       DUET_UUID_SIDE_SELF;
		if (!self->bm_weight)
			return DUET_UUID_SIDE_SELF;
		if (!peer->bm_weight)
			return DUET_UUID_SIDE_PEER;
		return DUET_UUID_SIDE_NONE;
	case DUET_UUID_ASB_DISCARD_LEAST_CHG:
		return duet_uuid_least(self, peer, tie_breaker);
	case DUET_UUID_ASB_DISCARD_LOCAL:
		return DUET_UUID_SIDE_SELF;
	case DUET_UUID_ASB_DISCARD_REMOTE:
		return DUET_UUID_SIDE_PEER;
	default:
		return DUET_UUID_SIDE_NONE;
	}
}

/* The after-sb policy for the current number of Primaries. */
static enum duet_uuid_side duet_uuid_asb(const struct duet_uuid_node *self,
					 const struct duet_uuid_node *peer,
					 const struct duet_uuid_policy *pol,
					 bool tie_breaker,
					 struct duet_uuid_action *act)
{
	unsigned int n = act->primaries;
	enum duet_uuid_asb p = n == 0 ? pol->after_sb_0pri :
			       n == 1 ? pol->after_sb_1pri :
			       pol->after_sb_2pri;
	enum duet_uuid_side pri = self->primary ? DUET_UUID_SIDE_SELF :
				  DUET_UUID_SIDE_PEER;
	enum duet_uuid_side loser;

	act->asb_policy = p;
	act->asb_decided = p;
	if (!duet_uuid_asb_valid(n, p))
		return DUET_UUID_SIDE_NONE;
	if (n == 0)
		return duet_uuid_asb_0p(self, peer, p, tie_breaker,
					&act->asb_decided);
	if (p == DUET_UUID_ASB_DISCARD_SECONDARY)
		return duet_uuid_other(pri);
	if (p == DUET_UUID_ASB_DISCONNECT)
		return DUET_UUID_SIDE_NONE;
	/* consensus, call-pri-lost-after-sb, violently: the 0pri verdict */
	loser = duet_uuid_asb_0p(self, peer, pol->after_sb_0pri, tie_breaker,
				 &act->asb_decided);
	if (p == DUET_UUID_ASB_CONSENSUS && n == 1 && loser == pri)
		return DUET_UUID_SIDE_NONE;
	if (p == DUET_UUID_ASB_CALL_HELPER) {
		if (loser == DUET_UUID_SIDE_SELF && self->primary)
			act->demote_self = true;
		if (loser == DUET_UUID_SIDE_PEER && peer->primary)
			act->peer_demotes = true;
	}
	return loser;
}

static void duet_uuid_standalone(struct duet_uuid_action *act,
				 enum duet_uuid_reason reason)
{
	act->act = DUET_UUID_A_STANDALONE;
	act->reason = reason;
	act->full_sync = false;
	act->demote_self = false;
	act->peer_demotes = false;
	act->rr_violently = false;
}

static bool duet_uuid_verdict_full(enum duet_uuid_verdict v)
{
	return v == DUET_UUID_V_FULL_SOURCE || v == DUET_UUID_V_FULL_TARGET;
}

/* Step 5: @target is Primary with good data and stays Primary. */
static bool duet_uuid_rr_hit(const struct duet_uuid_node *target,
			     bool demotes)
{
	return target->primary && target->disk >= DUET_D_CONSISTENT &&
	       !demotes;
}

/*
 * Steps 2 to 5 of uuid.h. *@dir: 1 this node is source, -1 target, 0 no
 * sync. Returns why the connection must be dropped, or R_NONE.
 */
static enum duet_uuid_reason duet_uuid_steps(const struct duet_uuid_node *self,
					     const struct duet_uuid_node *peer,
					     const struct duet_uuid_policy *pol,
					     bool tie_breaker,
					     struct duet_uuid_action *act,
					     int *dir, bool *full)
{
	enum duet_uuid_verdict v = act->cmp.verdict;
	enum duet_uuid_side loser = DUET_UUID_SIDE_NONE;
	int better = 0;

	/* 2. disk states (they decide only where they disagree) */
	if ((self->disk == DUET_D_INCONSISTENT) !=
	    (peer->disk == DUET_D_INCONSISTENT) &&
	    self->disk >= DUET_D_INCONSISTENT &&
	    peer->disk >= DUET_D_INCONSISTENT)
		better = self->disk == DUET_D_INCONSISTENT ? -1 : 1;
	if (better && better != *dir) {
		*dir = better;
		act->how = DUET_UUID_HOW_DISK_STATES;
		*full = *full || v == DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR;
		if (act->split_brain)
			act->loser = *dir < 0 ? DUET_UUID_SIDE_SELF :
				     DUET_UUID_SIDE_PEER;
	} else if (act->split_brain) {
		/* 3. split brain */
		if (self->discard_my_data && peer->discard_my_data) {
			act->handlers |= DUET_UUID_H_SPLIT_BRAIN;
			return DUET_UUID_R_BOTH_DISCARD;
		}
		if (self->discard_my_data || peer->discard_my_data) {
			act->how = DUET_UUID_HOW_DISCARD_MY_DATA;
			loser = self->discard_my_data ? DUET_UUID_SIDE_SELF :
				DUET_UUID_SIDE_PEER;
		} else if (v == DUET_UUID_V_SPLIT_BRAIN || pol->always_asbp) {
			act->asb_tried = true;
			act->how = DUET_UUID_HOW_AFTER_SB;
			loser = duet_uuid_asb(self, peer, pol, tie_breaker,
					      act);
		}
		if (loser == DUET_UUID_SIDE_NONE) {
			act->handlers |= DUET_UUID_H_SPLIT_BRAIN;
			return DUET_UUID_R_SPLIT_BRAIN;
		}
		act->loser = loser;
		*dir = loser == DUET_UUID_SIDE_SELF ? -1 : 1;
		*full = v == DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR;
	}

	/* 4. the source must hold consistent data */
	if (*dir > 0 && self->disk <= DUET_D_INCONSISTENT)
		return DUET_UUID_R_SELF_INCONSISTENT;
	if (*dir < 0 && peer->disk <= DUET_D_INCONSISTENT)
		return DUET_UUID_R_PEER_INCONSISTENT;

	/* 5. rr-conflict: a Primary with good data would become target */
	if (*dir < 0 && duet_uuid_rr_hit(self, act->demote_self)) {
		if (pol->rr_conflict == DUET_UUID_RR_CALL_HELPER)
			act->handlers |= DUET_UUID_H_PRI_LOST;
		if (pol->rr_conflict != DUET_UUID_RR_VIOLENTLY)
			return DUET_UUID_R_RR_CONFLICT;
		act->rr_violently = true;
	}
	if (*dir > 0 && duet_uuid_rr_hit(peer, act->peer_demotes)) {
		if (pol->rr_conflict != DUET_UUID_RR_VIOLENTLY)
			return DUET_UUID_R_PEER_RR_CONFLICT;
		act->rr_violently = true;
	}
	return DUET_UUID_R_NONE;
}

void duet_uuid_resolve(const struct duet_uuid_node *self,
		       const struct duet_uuid_node *peer,
		       const struct duet_uuid_cmp *cmp,
		       const struct duet_uuid_policy *pol, bool tie_breaker,
		       struct duet_uuid_action *act)
{
	enum duet_uuid_verdict v = cmp->verdict;
	enum duet_uuid_reason reason = DUET_UUID_R_UNRELATED;
	bool full = duet_uuid_verdict_full(v);
	int dir = 0;

	memset(act, 0, sizeof(*act));
	act->cmp = *cmp;
	act->how = DUET_UUID_HOW_UUIDS;
	act->primaries = (self->primary ? 1 : 0) + (peer->primary ? 1 : 0);
	act->asb_policy = DUET_UUID_ASB_DISCONNECT;
	act->asb_decided = DUET_UUID_ASB_DISCONNECT;
	act->rr_conflict = pol->rr_conflict;
	act->self_disk = self->disk;
	act->peer_disk = peer->disk;
	act->self_primary = self->primary;
	act->peer_primary = peer->primary;
	act->self_crashed = self->crashed_primary;
	act->peer_crashed = peer->crashed_primary;
	act->tie_breaker = tie_breaker;
	act->self_changes = self->bm_weight;
	act->peer_changes = peer->bm_weight;
	if (v == DUET_UUID_V_SPLIT_BRAIN ||
	    v == DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR) {
		act->split_brain = true;
		act->handlers |= DUET_UUID_H_INITIAL_SPLIT_BRAIN;
	}
	if (v == DUET_UUID_V_BITMAP_SOURCE || v == DUET_UUID_V_FULL_SOURCE)
		dir = 1;
	else if (v == DUET_UUID_V_BITMAP_TARGET || v == DUET_UUID_V_FULL_TARGET)
		dir = -1;

	/* 1. unrelated data; then the other steps */
	if (v != DUET_UUID_V_UNRELATED)
		reason = duet_uuid_steps(self, peer, pol, tie_breaker, act,
					 &dir, &full);
	if (reason != DUET_UUID_R_NONE) {
		duet_uuid_standalone(act, reason);
		return;
	}

	/* 6. the action */
	if (dir > 0)
		act->act = DUET_UUID_A_WF_BITMAP_S;
	else if (dir < 0)
		act->act = DUET_UUID_A_WF_BITMAP_T;
	else
		act->act = DUET_UUID_A_CONNECTED;
	act->full_sync = dir && full;
}

void duet_uuid_demote_failed(struct duet_uuid_action *act)
{
	if (!act->demote_self)
		return;
	act->handlers |= DUET_UUID_H_PRI_LOST_AFTER_SB;
	duet_uuid_standalone(act, DUET_UUID_R_PRI_LOST_AFTER_SB);
}

/* ---- text ------------------------------------------------------------- */

static const char *const duet_uuid_asb_names[DUET_UUID_ASB_NR] = {
	[DUET_UUID_ASB_DISCONNECT] = "disconnect",
	[DUET_UUID_ASB_DISCARD_YOUNGER_PRI] = "discard-younger-primary",
	[DUET_UUID_ASB_DISCARD_OLDER_PRI] = "discard-older-primary",
	[DUET_UUID_ASB_DISCARD_ZERO_CHG] = "discard-zero-changes",
	[DUET_UUID_ASB_DISCARD_LEAST_CHG] = "discard-least-changes",
	[DUET_UUID_ASB_DISCARD_LOCAL] = "discard-local",
	[DUET_UUID_ASB_DISCARD_REMOTE] = "discard-remote",
	[DUET_UUID_ASB_CONSENSUS] = "consensus",
	[DUET_UUID_ASB_DISCARD_SECONDARY] = "discard-secondary",
	[DUET_UUID_ASB_CALL_HELPER] = "call-pri-lost-after-sb",
	[DUET_UUID_ASB_VIOLENTLY] = "violently-as0p",
};

static const char *const duet_uuid_rr_names[DUET_UUID_RR_NR] = {
	[DUET_UUID_RR_DISCONNECT] = "disconnect",
	[DUET_UUID_RR_CALL_HELPER] = "call-pri-lost",
	[DUET_UUID_RR_VIOLENTLY] = "violently",
};

static const char *const duet_uuid_verdict_names[DUET_UUID_V_NR] = {
	[DUET_UUID_V_NO_SYNC] = "no sync",
	[DUET_UUID_V_BITMAP_SOURCE] = "bitmap resync as source",
	[DUET_UUID_V_BITMAP_TARGET] = "bitmap resync as target",
	[DUET_UUID_V_FULL_SOURCE] = "full sync as source",
	[DUET_UUID_V_FULL_TARGET] = "full sync as target",
	[DUET_UUID_V_SPLIT_BRAIN] = "split brain with a common ancestor",
	[DUET_UUID_V_SPLIT_BRAIN_NO_ANCESTOR] =
		"split brain without a usable ancestor",
	[DUET_UUID_V_UNRELATED] = "unrelated data",
};

static const char *const duet_uuid_reason_names[DUET_UUID_R_NR] = {
	[DUET_UUID_R_NONE] = "none",
	[DUET_UUID_R_UNRELATED] = "unrelated data",
	[DUET_UUID_R_SPLIT_BRAIN] = "split brain not resolved",
	[DUET_UUID_R_BOTH_DISCARD] = "discard-my-data on both nodes",
	[DUET_UUID_R_SELF_INCONSISTENT] = "SyncSource would be Inconsistent",
	[DUET_UUID_R_PEER_INCONSISTENT] =
		"peer SyncSource would be Inconsistent",
	[DUET_UUID_R_RR_CONFLICT] = "Primary would become SyncTarget",
	[DUET_UUID_R_PEER_RR_CONFLICT] =
		"peer Primary would become SyncTarget",
	[DUET_UUID_R_PRI_LOST_AFTER_SB] =
		"split-brain loser could not give up Primary",
};

const char *duet_uuid_asb_str(enum duet_uuid_asb p)
{
	if ((unsigned int)p < DUET_UUID_ASB_NR)
		return duet_uuid_asb_names[p];
	return "unknown after-sb policy";
}

const char *duet_uuid_rr_str(enum duet_uuid_rr r)
{
	if ((unsigned int)r < DUET_UUID_RR_NR)
		return duet_uuid_rr_names[r];
	return "unknown rr-conflict policy";
}

const char *duet_uuid_verdict_str(enum duet_uuid_verdict v)
{
	if ((unsigned int)v < DUET_UUID_V_NR)
		return duet_uuid_verdict_names[v];
	return "unknown verdict";
}

const char *duet_uuid_reason_str(enum duet_uuid_reason r)
{
	if ((unsigned int)r < DUET_UUID_R_NR)
		return duet_uuid_reason_names[r];
	return "unknown reason";
}

static void duet_uuid_put_uuid(struct duet_fmt *f, u64 v)
{
	duet_fmt_puts(f, "0x");
	duet_uuid_put_hex(f, v);
}

static const char *duet_uuid_who(enum duet_uuid_side s)
{
	return s == DUET_UUID_SIDE_SELF ? "this node" : "the peer";
}

/* "split brain detected, ..." for a split-brain verdict */
static void duet_uuid_put_sb(struct duet_fmt *f,
			     const struct duet_uuid_action *a)
{
	duet_fmt_puts(f, "split brain detected, ");
	if (a->cmp.rule == 41) {
		duet_fmt_puts(f, "both nodes are Primary on generation ");
		duet_uuid_put_uuid(f, a->cmp.common);
	} else if (a->cmp.verdict == DUET_UUID_V_SPLIT_BRAIN) {
		duet_fmt_puts(f, "both nodes changed data since ");
		duet_uuid_put_uuid(f, a->cmp.common);
	} else {
		duet_fmt_puts(f, "the data of both nodes descends from ");
		duet_uuid_put_uuid(f, a->cmp.common);
		duet_fmt_puts(f, " but neither bitmap reaches back to it");
	}
	duet_fmt_puts(f, " (rule ");
	duet_fmt_u64(f, a->cmp.rule);
	duet_fmt_puts(f, ")");
}

/* "after-sb-1pri consensus" */
static void duet_uuid_put_asb(struct duet_fmt *f,
			      const struct duet_uuid_action *a)
{
	duet_fmt_puts(f, "after-sb-");
	duet_fmt_u64(f, a->primaries);
	duet_fmt_puts(f, "pri ");
	duet_fmt_puts(f, duet_uuid_asb_str(a->asb_policy));
}

/* Which UUID a rule's explanation names. */
enum duet_uuid_show {
	DUET_UUID_SHOW_NONE,
	DUET_UUID_SHOW_SELF,
	DUET_UUID_SHOW_PEER,
	DUET_UUID_SHOW_COMMON,
};

/* Why a rule gave its verdict, from this node's point of view. */
static const struct {
	unsigned int rule;
	unsigned char show;
	const char *pre;
	const char *post;
} duet_uuid_rule_text[] = {
	{ 10, DUET_UUID_SHOW_NONE,
	  "both nodes have just-created meta data", "" },
	{ 20, DUET_UUID_SHOW_PEER,
	  "this node has no data yet, the peer has generation ", "" },
	{ 30, DUET_UUID_SHOW_SELF,
	  "the peer has no data yet, this node has generation ", "" },
	{ 34, DUET_UUID_SHOW_NONE,
	  "this node missed the end of its last resync as SyncSource; its UUIDs are corrected",
	  "" },
	{ 35, DUET_UUID_SHOW_NONE,
	  "the peer missed the end of its last resync as SyncSource; its UUIDs are corrected",
	  "" },
	{ 36, DUET_UUID_SHOW_NONE,
	  "the peer never stored the sync UUID of this node's last resync",
	  "" },
	{ 37, DUET_UUID_SHOW_NONE,
	  "this node never stored the sync UUID of the peer's last resync",
	  "" },
	{ 50, DUET_UUID_SHOW_COMMON,
	  "the peer's bitmap counts its changes since this node's generation ",
	  "" },
	{ 70, DUET_UUID_SHOW_COMMON,
	  "this node's bitmap counts its changes since the peer's generation ",
	  "" },
	{ 51, DUET_UUID_SHOW_COMMON,
	  "the peer started a resync from this node's generation ",
	  " that never reached this node; the peer's UUIDs are corrected" },
	{ 71, DUET_UUID_SHOW_COMMON,
	  "this node started a resync from the peer's generation ",
	  " that never reached the peer; this node's UUIDs are corrected" },
	{ 60, DUET_UUID_SHOW_COMMON,
	  "the peer went on from this node's generation ",
	  " but its bitmap does not reach back to it" },
	{ 80, DUET_UUID_SHOW_COMMON,
	  "this node went on from the peer's generation ",
	  " but its bitmap does not reach back to it" },
};

/* Rule 40: who crashed as Primary */
static void duet_uuid_put_crash(struct duet_fmt *f,
				const struct duet_uuid_action *a)
{
	if (a->self_crashed && a->peer_crashed) {
		duet_fmt_puts(f, "both nodes crashed as Primary, ");
		duet_fmt_puts(f, a->tie_breaker ? "this node" : "the peer");
		duet_fmt_puts(f, " holds the tie-breaker, generation ");
	} else if (a->self_crashed) {
		duet_fmt_puts(f, "this node crashed as Primary in generation ");
	} else if (a->peer_crashed) {
		duet_fmt_puts(f, "the peer crashed as Primary in generation ");
	} else {
		duet_fmt_puts(f, "both nodes hold generation ");
	}
	duet_uuid_put_uuid(f, a->cmp.common);
}

static void duet_uuid_put_rule(struct duet_fmt *f,
			       const struct duet_uuid_action *a)
{
	const struct duet_uuid_cmp *c = &a->cmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(duet_uuid_rule_text); i++)
		if (duet_uuid_rule_text[i].rule == c->rule)
			break;
	if (i < ARRAY_SIZE(duet_uuid_rule_text)) {
		duet_fmt_puts(f, duet_uuid_rule_text[i].pre);
		if (duet_uuid_rule_text[i].show == DUET_UUID_SHOW_SELF)
			duet_uuid_put_uuid(f, c->self_current);
		else if (duet_uuid_rule_text[i].show == DUET_UUID_SHOW_PEER)
			duet_uuid_put_uuid(f, c->peer_current);
		else if (duet_uuid_rule_text[i].show == DUET_UUID_SHOW_COMMON)
			duet_uuid_put_uuid(f, c->common);
		duet_fmt_puts(f, duet_uuid_rule_text[i].post);
	} else if (c->rule == 40) {
		duet_uuid_put_crash(f, a);
	} else if (c->rule == 41) {
		duet_fmt_puts(f, a->self_primary ? "this node" : "the peer");
		duet_fmt_puts(f, " is Primary on the shared generation ");
		duet_uuid_put_uuid(f, c->common);
	} else {
		duet_fmt_puts(f, duet_uuid_verdict_str(c->verdict));
	}
	duet_fmt_puts(f, " (rule ");
	duet_fmt_u64(f, c->rule);
	duet_fmt_puts(f, ")");
}

/* What decided the direction, in brackets after "should become ..." */
static void duet_uuid_put_how(struct duet_fmt *f,
			      const struct duet_uuid_action *a)
{
	switch (a->how) {
	case DUET_UUID_HOW_DISK_STATES:
		duet_fmt_puts(f, "disk states");
		break;
	case DUET_UUID_HOW_AFTER_SB:
		duet_uuid_put_asb(f, a);
		break;
	case DUET_UUID_HOW_DISCARD_MY_DATA:
		duet_fmt_puts(f, "discard-my-data");
		break;
	default:
		duet_fmt_puts(f, "rule ");
		duet_fmt_u64(f, a->cmp.rule);
		break;
	}
}

static void duet_uuid_put_changes(struct duet_fmt *f, u64 bits)
{
	duet_fmt_puts(f, " (");
	duet_fmt_u64(f, bits << 2);
	duet_fmt_puts(f, " KiB changed)");
}

/* "becoming SyncSource, incremental resync" and what follows it */
static void duet_uuid_put_sync(struct duet_fmt *f,
			       const struct duet_uuid_action *a)
{
	bool src = a->act == DUET_UUID_A_WF_BITMAP_S;

	duet_fmt_puts(f, src ? "becoming SyncSource, " :
		      "becoming SyncTarget, ");
	duet_fmt_puts(f, a->full_sync ? "full sync" :
		      "incremental resync from the bitmap");
	if (a->demote_self)
		duet_fmt_puts(f, "; this node gives up Primary first");
	if (a->peer_demotes)
		duet_fmt_puts(f, "; the peer gives up Primary first");
	if (a->rr_violently) {
		duet_fmt_puts(f, "; rr-conflict violently: ");
		duet_fmt_puts(f, src ? "the peer's" : "this node's");
		duet_fmt_puts(f, " data changes under its Primary");
	}
}

/* The sentence for a split brain that was resolved */
static void duet_uuid_put_resolved(struct duet_fmt *f,
				   const struct duet_uuid_action *a)
{
	duet_uuid_put_sb(f, a);
	duet_fmt_puts(f, "; resolved by ");
	if (a->how == DUET_UUID_HOW_AFTER_SB) {
		duet_uuid_put_asb(f, a);
		if (a->asb_decided != a->asb_policy) {
			duet_fmt_puts(f, " (decided by ");
			duet_fmt_puts(f, duet_uuid_asb_str(a->asb_decided));
			duet_fmt_puts(f, ")");
		}
	} else if (a->how == DUET_UUID_HOW_DISCARD_MY_DATA) {
		duet_fmt_puts(f, "discard-my-data on ");
		duet_fmt_puts(f, duet_uuid_who(a->loser));
	} else {
		duet_fmt_puts(f, "disk states: ");
		duet_fmt_puts(f, duet_uuid_who(a->loser));
		duet_fmt_puts(f, " is Inconsistent");
	}
	duet_fmt_puts(f, ": ");
	duet_fmt_puts(f, duet_uuid_who(a->loser));
	duet_uuid_put_changes(f, a->loser == DUET_UUID_SIDE_SELF ?
			      a->self_changes : a->peer_changes);
	duet_fmt_puts(f, " loses its changes, ");
	duet_uuid_put_sync(f, a);
}

static void duet_uuid_put_standalone(struct duet_fmt *f,
				     const struct duet_uuid_action *a)
{
	switch (a->reason) {
	case DUET_UUID_R_UNRELATED:
		duet_fmt_puts(f, "unrelated data: this node's generation ");
		duet_uuid_put_uuid(f, a->cmp.self_current);
		duet_fmt_puts(f, " and the peer's ");
		duet_uuid_put_uuid(f, a->cmp.peer_current);
		duet_fmt_puts(f, " share no history; dropping connection");
		return;
	case DUET_UUID_R_SPLIT_BRAIN:
		duet_uuid_put_sb(f, a);
		duet_fmt_puts(f, "; dropping connection (");
		if (a->asb_tried) {
			duet_uuid_put_asb(f, a);
			if (a->asb_policy != DUET_UUID_ASB_DISCONNECT)
				duet_fmt_puts(f, ": no decision");
		} else {
			duet_fmt_puts(f,
				      "after-sb policies need a common bitmap generation");
		}
		duet_fmt_puts(f,
			      "); resolve it by connecting the node whose changes are to be lost with --discard-my-data");
		return;
	case DUET_UUID_R_BOTH_DISCARD:
		duet_uuid_put_sb(f, a);
		duet_fmt_puts(f,
			      "; both nodes were connected with --discard-my-data, refusing to choose; dropping connection");
		return;
	case DUET_UUID_R_SELF_INCONSISTENT:
	case DUET_UUID_R_PEER_INCONSISTENT:
		duet_fmt_puts(f, a->reason == DUET_UUID_R_SELF_INCONSISTENT ?
			      "this node" : "the peer");
		duet_fmt_puts(f, " should become SyncSource (");
		duet_uuid_put_how(f, a);
		duet_fmt_puts(f, "), but its disk is ");
		duet_fmt_puts(f, duet_disk_str(a->reason ==
					       DUET_UUID_R_SELF_INCONSISTENT ?
					       a->self_disk : a->peer_disk));
		duet_fmt_puts(f, "; dropping connection");
		return;
	case DUET_UUID_R_RR_CONFLICT:
	case DUET_UUID_R_PEER_RR_CONFLICT:
		duet_fmt_puts(f, a->reason == DUET_UUID_R_RR_CONFLICT ?
			      "this node" : "the peer");
		duet_fmt_puts(f, " should become SyncTarget (");
		duet_uuid_put_how(f, a);
		duet_fmt_puts(f, "), but it is Primary with ");
		duet_fmt_puts(f, duet_disk_str(a->reason ==
					       DUET_UUID_R_RR_CONFLICT ?
					       a->self_disk : a->peer_disk));
		duet_fmt_puts(f, " data; dropping connection (rr-conflict ");
		duet_fmt_puts(f, duet_uuid_rr_str(a->rr_conflict));
		if (a->handlers & DUET_UUID_H_PRI_LOST)
			duet_fmt_puts(f, ": running the pri-lost handler");
		duet_fmt_puts(f, ")");
		return;
	case DUET_UUID_R_PRI_LOST_AFTER_SB:
		duet_uuid_put_sb(f, a);
		duet_fmt_puts(f, "; this Primary lost (");
		duet_uuid_put_asb(f, a);
		duet_fmt_puts(f,
			      ") and could not give up Primary; dropping connection, running the pri-lost-after-sb handler");
		return;
	default:
		duet_fmt_puts(f, "dropping connection: ");
		duet_fmt_puts(f, duet_uuid_reason_str(a->reason));
		return;
	}
}

size_t duet_uuid_action_str(const struct duet_uuid_action *a, char *buf,
			    size_t size)
{
	struct duet_fmt f;

	duet_fmt_init(&f, buf, size);
	if (a->act == DUET_UUID_A_STANDALONE) {
		duet_uuid_put_standalone(&f, a);
	} else if (a->act == DUET_UUID_A_CONNECTED) {
		duet_fmt_puts(&f, "no resync needed: ");
		duet_uuid_put_rule(&f, a);
		if (a->cmp.rule == 10)
			duet_fmt_puts(&f,
				      "; the initial sync starts when one node is made Primary with --force");
	} else if (a->split_brain) {
		duet_uuid_put_resolved(&f, a);
	} else {
		duet_uuid_put_sync(&f, a);
		duet_fmt_puts(&f, ": ");
		if (a->how == DUET_UUID_HOW_DISK_STATES) {
			duet_fmt_puts(&f, a->self_disk == DUET_D_INCONSISTENT ?
				      "this node's" : "the peer's");
			duet_fmt_puts(&f,
				      " disk is Inconsistent (the UUIDs said ");
			duet_fmt_puts(&f,
				      duet_uuid_verdict_str(a->cmp.verdict));
			duet_fmt_puts(&f, ", rule ");
			duet_fmt_u64(&f, a->cmp.rule);
			duet_fmt_puts(&f, ")");
		} else {
			duet_uuid_put_rule(&f, a);
		}
	}
	return duet_fmt_len(&f);
}
