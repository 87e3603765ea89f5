/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: resynchronisation (drbd.md §4.2-4.3 describe DRBD's; the
 * window, the progress figures and the controller below are our own).
 *
 * duet pushes: the SyncSource walks its bitmap, reads a range, sends it
 * as RS_DATA and waits for the peer's RS_WRITE_ACK (or NEG_RS_ACK). Three
 * independent pieces, no locking, no I/O, no allocation:
 *
 * 1. duet_rs_win: the ranges in flight. An application write that
 *    overlaps one while it is in flight makes it dirty: the data the
 *    source read may be older than what the write put on the peer, so the
 *    ack must not clear the range in the bitmap (it is resynced again).
 * 2. duet_rs_prog: progress, speed and the /proc/duet lines of a resync
 *    or verify, in DRBD 8.4's text (drbd.md §7.3-7.4).
 * 3. duet_rs_ctl: how many sectors the source may put in flight now,
 *    fixed rate or the dynamic controller of drbd.conf's c-* options.
 *
 * Sizes: sector numbers are 512-byte sectors; a range's @size is in
 * bytes, as in RS_DATA and its acks (wire.h) and in tl.h; a size that is
 * not a multiple of 512 covers its last partial sector.
 */
#ifndef DUET_CORE_RS_H
#define DUET_CORE_RS_H

#include "types.h"

/* ---- 1. the window of resync ranges in flight ------------------------ */

#define DUET_RS_SLOTS	64

struct duet_rs_slot {
	u64 sector;
	u32 size;		/* bytes */
	u32 gen;		/* generation, in the id; kept after the free */
	bool used;
	bool dirty;		/* an application write overlapped it */
};

struct duet_rs_win {
	struct duet_rs_slot slot[DUET_RS_SLOTS];
	u32 gen;		/* next generation, never 0 */
	u32 inflight;		/* used slots */
	u64 inflight_sect;	/* their sectors */
};

/* Errors (0 is success). */
enum duet_rs_err {
	DUET_RS_OK = 0,
	DUET_RS_E_FULL = -1,		/* every slot is in use */
	DUET_RS_E_ID = -2,		/* the id names no range in flight */
	DUET_RS_E_STALE = -3,		/* its slot holds a later range now */
	DUET_RS_E_MISMATCH = -4,	/* sector or size differ */
	DUET_RS_E_LAST = -4
};

const char *duet_rs_strerror(int err);

/* An id: the slot in the low 32 bits, the generation in the high 32. */
static inline u32 duet_rs_id_slot(u64 id)
{
	return (u32)id;
}

static inline u32 duet_rs_id_gen(u64 id)
{
	return (u32)(id >> 32);
}

/* Sectors a range of @size bytes covers. */
static inline u64 duet_rs_size_sect(u32 size)
{
	return ((u64)size + 511) >> 9;
}

void duet_rs_win_init(struct duet_rs_win *w);

/*
 * Register a range about to be read and sent: 0 and *@id (slot in the
 * low 32 bits, generation in the high 32), or -1 (DUET_RS_E_FULL) when
 * all slots are used. Generations count up across duet_rs_win_clear(),
 * so an ack from an earlier connection never matches a later range. A
 * zero @size is accepted; it overlaps nothing.
 */
int duet_rs_win_add(struct duet_rs_win *w, u64 sector, u32 size, u64 *id);

/*
 * An application write to [@sector, @sector + @size bytes) while ranges
 * are in flight: every overlapping slot becomes dirty (its data may be
 * stale on the peer). Ranges that only touch it are not. Returns how
 * many in-flight ranges it overlaps (dirty afterwards, whether or not
 * they were before).
 */
u32 duet_rs_win_app_write(struct duet_rs_win *w, u64 sector, u32 size);

/*
 * The peer's RS_WRITE_ACK/NEG_RS_ACK for @id with @sector/@size: 0 and
 * the slot is freed, *@clear true when the range may be cleared in the
 * bitmap (it was not made dirty meanwhile; the glue clears only on
 * RS_WRITE_ACK, never on NEG_RS_ACK). Otherwise a negative enum
 * duet_rs_err and nothing changes: DUET_RS_E_ID for an id whose slot is
 * out of range, free or has generation 0, DUET_RS_E_STALE when the slot
 * holds a range of another generation, DUET_RS_E_MISMATCH when sector or
 * size differ.
 */
int duet_rs_win_ack(struct duet_rs_win *w, u64 id, u64 sector, u32 size,
		    bool *clear);

/* The link broke: forget every range (returns how many there were). */
u32 duet_rs_win_clear(struct duet_rs_win *w);

static inline bool duet_rs_win_full(const struct duet_rs_win *w)
{
	return w->inflight >= DUET_RS_SLOTS;
}

/* ---- 2. progress ------------------------------------------------------ */

/*
 * Times are milliseconds from any monotonic origin. The caller records
 * the bits still left about every second with duet_rs_prog_mark(); a
 * mark less than DUET_RS_MARK_STEP_MS after the previous one is not
 * kept, so the ring of DUET_RS_MARKS marks spans about 7 s and the
 * "current" speed is the slope from its oldest mark to now (DRBD 8.x
 * uses about 18 s, drbd.md §7.3). The average runs from the start,
 * without the time spent paused.
 */
#define DUET_RS_MARKS		8
#define DUET_RS_MARK_STEP_MS	1000
/* " (stalled)" after this long without progress (drbd.md §7.3) */
#define DUET_RS_STALLED_MS	(180 * 1000)
/* (left/total) in MiB instead of KiB above 2^20 bits (4 GiB) */
#define DUET_RS_MIB_BITS	((u64)1 << 20)

struct duet_rs_prog {
	u64 total_bits;		/* 4 KiB blocks to sync when it started
				 * (+ added later)
				 */
	u64 start_ms;
	u64 paused_ms;		/* time spent paused, not counted in the
				 * average
				 */
	u64 mark_bits[DUET_RS_MARKS];	/* bits left at each sample */
	u64 mark_ms[DUET_RS_MARKS];
	u32 mark_next;
	u32 marks;		/* valid marks, up to DUET_RS_MARKS */
	bool paused;
	u64 pause_ms;		/* when the pause began */
	u64 low_bits;		/* fewest bits left seen so far */
	u64 low_ms;		/* when: no progress since is "stalled" */
	bool verify;		/* "verified:" instead of "sync'ed:" */
	bool show_want;		/* " want: want_kib" (controller side) */
	u32 want_kib;
};

/* A resync of @total_bits blocks starts (clears everything else). */
void duet_rs_prog_start(struct duet_rs_prog *p, u64 total_bits, u64 now_ms);
/* The same for a verify: the lines say "verified:" */
void duet_rs_prog_start_verify(struct duet_rs_prog *p, u64 total_bits,
			       u64 now_ms);

/*
 * Record the bits still left (call every ~second; the speed is the
 * slope over the last marks, DRBD-like: "current" over the last ~7 s,
 * "average" since start). Ignored while paused.
 */
void duet_rs_prog_mark(struct duet_rs_prog *p, u64 left_bits, u64 now_ms);

/* @bits more blocks became out of sync during the resync. */
void duet_rs_prog_add(struct duet_rs_prog *p, u64 bits);

/*
 * Pause (PausedSyncS/T) and resume: the time between is not counted in
 * the average; the marks start again at resume (the speed before the
 * pause says nothing about the speed after it).
 */
void duet_rs_prog_pause(struct duet_rs_prog *p, u64 now_ms);
void duet_rs_prog_resume(struct duet_rs_prog *p, u64 left_bits, u64 now_ms);

/* The controller's rate for " want: N" (e.g. duet_rs_ctl_want_kib()). */
static inline void duet_rs_prog_want(struct duet_rs_prog *p, u32 kib)
{
	p->show_want = true;
	p->want_kib = kib;
}

/*
 * The lines of /proc/duet for a resync, in DRBD 8.4's text:
 *
 *	"\t[=====>..............] sync'ed: 31.4% (176200/256816)K\n"
 *	"\tfinish: 0:00:17 speed: 10,240 (9,812) K/sec\n"
 *
 * The bar is 20 characters: with s whole 5 % steps done, s - 1 '=' (none
 * when s is 0), the '>' head, then '.' ("[>...................]" below
 * 10 %, "[===================>]" at 100 %).
 * Percent done has one decimal, rounded up (1000 - left*1000/total, as
 * the 18.6 % of drbd.md §7.4's (776076/952288)M shows). (left/total) is
 * in KiB, or in MiB ("M", rounded down) when total_bits exceeds 2^20.
 * Speeds are KiB/s, current then average, grouped with commas. With
 * p->show_want, " want: N" (grouped too) comes before " K/sec". The
 * finish time is left / current speed, or left / average speed while
 * the current speed is 0; h:mm:ss, "--:--:--" when both are 0. " (stalled)"
 * follows " K/sec" when the bits left have not gone down for
 * DUET_RS_STALLED_MS (never while paused).
 *
 * Bounded like snprintf: returns the full length; the text is cut,
 * NUL-terminated, when @size is too small.
 */
size_t duet_rs_prog_format(const struct duet_rs_prog *p, u64 left_bits,
			   u64 now_ms, char *buf, size_t size);

/*
 * Numbers for netlink/ha_status: percent done in tenths (as the text),
 * KiB total and left, speed (KiB/s, recent and average, at most
 * U32_MAX), seconds left (0 when unknown, at most U32_MAX).
 */
struct duet_rs_figures {
	u32 permille;
	u64 total_kib, left_kib;
	u32 speed_kib, avg_kib;
	u32 eta_s;
};

void duet_rs_prog_figures(const struct duet_rs_prog *p, u64 left_bits,
			  u64 now_ms, struct duet_rs_figures *f);

/* ---- 3. rate control on the SyncSource ------------------------------- */

/*
 * Units as drbd.conf: rates KiB/s, plan-ahead and delay-target 0.1 s,
 * fill-target sectors.
 *
 * What zero means:
 * - a NULL or all-zero conf (no disk options known yet): every field
 *   takes its DUET_RS_DEF_* value below, i.e. the dynamic controller;
 * - resync_rate 0: DUET_RS_DEF_RESYNC_RATE (0 KiB/s would never finish);
 * - c_plan_ahead 0: fixed rate at resync_rate (drbd.conf's meaning);
 * - c_fill_target 0: aim for c_delay_target; both 0 (with plan-ahead):
 *   c_fill_target is DUET_RS_DEF_FILL_TARGET;
 * - c_max_rate 0: DUET_RS_DEF_MAX_RATE;
 * - c_min_rate 0: no brake for application I/O (drbd.conf's meaning).
 *
 * The defaults aim at filling a fast link where DRBD 8.4's do not
 * (drbd.md §4.3, §6.3, §11: resync-rate 250 KiB/s, c-plan-ahead 20,
 * c-fill-target 100 sectors, c-delay-target 10, c-max-rate 100 MiB/s,
 * c-min-rate 250 KiB/s; "why is my resync capped at 100 MB/s on
 * 10 GbE"):
 * - fill target 4 MiB: keeps 10 GbE (~1.2 GB/s) busy up to ~3.5 ms of
 *   round trip plus disk read and write, GbE up to ~35 ms; 50 KiB fills
 *   GbE only while the whole round trip stays under ~0.4 ms;
 * - max rate 1 GiB/s: about 10 GbE; the application brake, not the
 *   ceiling, is what keeps a busy device responsive;
 * - min rate 4 MiB/s (DRBD 8.3's): under steady application I/O,
 *   250 KiB/s would take about five days for 100 GiB;
 * - resync rate 32 MiB/s, the guide's "30 % of the bottleneck" for GbE
 *   (drbd.md §4.3): the fixed rate when plan-ahead is 0 and the first
 *   step's worth of the dynamic controller;
 * - plan-ahead 2 s and delay target 1 s as DRBD 8.4.
 */
#define DUET_RS_DEF_RESYNC_RATE		32768		/* KiB/s */
#define DUET_RS_DEF_PLAN_AHEAD		20		/* 0.1 s */
#define DUET_RS_DEF_DELAY_TARGET	10		/* 0.1 s */
#define DUET_RS_DEF_FILL_TARGET		8192		/* sectors */
#define DUET_RS_DEF_MAX_RATE		1048576		/* KiB/s */
#define DUET_RS_DEF_MIN_RATE		4096		/* KiB/s */

/* The nominal step between two calls (DRBD's 100 ms, drbd.md §4.2). */
#define DUET_RS_STEP_MS		100
/* Budgets are whole 4 KiB blocks (bitmap bits). */
#define DUET_RS_UNIT_SECT	8
/* Fixed rate: at most this long's worth of resync_rate in flight. */
#define DUET_RS_FIXED_INFLIGHT_MS	500
/* The rate bucket holds at most this long's worth of the rate. */
#define DUET_RS_BURST_MS	200
/* Application I/O keeps the c_min_rate brake on this long. */
#define DUET_RS_APP_HOLD_MS	DUET_RS_STEP_MS
/* Longest gap between two calls that counts (a stopped glue, a jump). */
#define DUET_RS_MAX_DT_MS	1000
/* Time constant of the measured rates. */
#define DUET_RS_RATE_TAU_MS	1000
/* c_delay_target: at least this much in flight, to measure the rate. */
#define DUET_RS_MIN_TARGET	64		/* sectors */

struct duet_rs_ctl_conf {
	u32 resync_rate;	/* KiB/s, fixed rate and first step */
	u32 c_plan_ahead;	/* 0.1 s, 0 = fixed rate */
	u32 c_delay_target;	/* 0.1 s */
	u32 c_fill_target;	/* sectors */
	u32 c_max_rate;		/* KiB/s */
	u32 c_min_rate;		/* KiB/s, 0 = no brake */
};

struct duet_rs_ctl {
	u64 last_ms;		/* previous call */
	u64 tokens;		/* rate bucket, 1/1000 sector */
	u64 level;		/* dynamic: in-flight aimed at, 1/1000 sector */
	u64 rate;		/* completions, 1/1000 sector per second */
	u64 grant_rate;		/* budgets, 1/1000 sector per second */
	u64 last_inflight;	/* in flight at the previous call */
	u32 last_grant;		/* the previous budget, less returns */
	u64 app_until_ms;	/* the brake holds until then */
	bool started;		/* the first budget seeds bucket and level */
	bool braking;		/* the last budget was held to c_min_rate */
};

/* The conf with every zero replaced as described above. */
void duet_rs_ctl_conf_eff(const struct duet_rs_ctl_conf *conf,
			  struct duet_rs_ctl_conf *eff);

/* A new resync (or a resumed one after a pause or reconnect). */
void duet_rs_ctl_init(struct duet_rs_ctl *ctl, u64 now_ms);

/*
 * How many sectors the source may put in flight now (a multiple of
 * DUET_RS_UNIT_SECT), called every ~10-100 ms with the sectors currently
 * in flight (sent, not acked) and the application I/O (sectors) the
 * device saw since the last call. The controller assumes the caller
 * sends the whole budget; what it could not send (no more dirty bits,
 * window full) it gives back with duet_rs_ctl_return().
 *
 * - c_plan_ahead == 0: fixed rate resync_rate, a token bucket (at most
 *   DUET_RS_BURST_MS of the rate saved up), with at most
 *   DUET_RS_FIXED_INFLIGHT_MS of the rate in flight.
 * - c_plan_ahead > 0: keep a level of sectors in flight. Its target is
 *   c_fill_target, or, when that is 0, the measured completion rate
 *   times c_delay_target (at least DUET_RS_MIN_TARGET); the level starts
 *   at one DUET_RS_STEP_MS of resync_rate and moves toward the target
 *   with a time constant of c_plan_ahead. The budget is what tops the
 *   in-flight sectors up to the level, through a token bucket at
 *   c_max_rate.
 * - Both: while application I/O was seen in the last DUET_RS_APP_HOLD_MS
 *   and c_min_rate is not 0, the bucket runs at c_min_rate (if lower):
 *   a resync faster than c_min_rate is held down to it, a slower one is
 *   not touched.
 */
u32 duet_rs_ctl_budget(struct duet_rs_ctl *ctl,
		       const struct duet_rs_ctl_conf *conf, u64 now_ms,
		       u64 inflight_sect, u64 app_sect);

/* @sect sectors of the last budget were not put in flight after all. */
void duet_rs_ctl_return(struct duet_rs_ctl *ctl, u32 sect);

/* The measured resync rate (acks), KiB/s. */
u32 duet_rs_ctl_rate_kib(const struct duet_rs_ctl *ctl);
/* The rate the controller grants, KiB/s: /proc's " want:". */
u32 duet_rs_ctl_want_kib(const struct duet_rs_ctl *ctl);

static inline bool duet_rs_ctl_braking(const struct duet_rs_ctl *ctl)
{
	return ctl->braking;
}

#endif /* DUET_CORE_RS_H */
