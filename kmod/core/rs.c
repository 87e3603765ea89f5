// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: resync window, progress and rate control (see rs.h).
 */
#include "rs.h"
#include "fmt.h"

#define DUET_RS_U32_MAX		((u32)~0U)

static u32 duet_rs_u32(u64 v)
{
	return v > DUET_RS_U32_MAX ? DUET_RS_U32_MAX : (u32)v;
}

/* ---- 1. window -------------------------------------------------------- */

static const char *const duet_rs_errs[] = {
	[0] = "success",
	[1] = "every resync slot is in use",
	[2] = "acknowledgement names no resync range in flight",
	[3] = "acknowledgement of an earlier resync range",
	[4] = "acknowledgement does not match its resync range's sector and size",
};

const char *duet_rs_strerror(int err)
{
	if (err > 0 || err < DUET_RS_E_LAST)
		return "unknown resync error";
	return duet_rs_errs[-err];
}

void duet_rs_win_init(struct duet_rs_win *w)
{
	memset(w, 0, sizeof(*w));
	w->gen = 1;
}

int duet_rs_win_add(struct duet_rs_win *w, u64 sector, u32 size, u64 *id)
{
	struct duet_rs_slot *s;
	u32 i;

	if (w->inflight >= DUET_RS_SLOTS)
		return DUET_RS_E_FULL;
	for (i = 0; i < DUET_RS_SLOTS && w->slot[i].used; i++)
		;
	if (i == DUET_RS_SLOTS)
		return DUET_RS_E_FULL;
	s = &w->slot[i];
	if (!w->gen)
		w->gen = 1;
	s->sector = sector;
	s->size = size;
	s->gen = w->gen++;
	s->used = true;
	s->dirty = false;
	if (!w->gen)
		w->gen = 1;
	w->inflight++;
	w->inflight_sect += duet_rs_size_sect(size);
	*id = (u64)s->gen << 32 | i;
	return DUET_RS_OK;
}

/* [a, a + na) and [b, b + nb) share a sector (no sum that could wrap). */
static bool duet_rs_overlap(u64 a, u64 na, u64 b, u64 nb)
{
	if (!na || !nb)
		return false;
	return a >= b ? a - b < nb : b - a < na;
}

u32 duet_rs_win_app_write(struct duet_rs_win *w, u64 sector, u32 size)
{
	u64 n = duet_rs_size_sect(size);
	u32 i, hit = 0;

	if (!w->inflight)
		return 0;
	for (i = 0; i < DUET_RS_SLOTS; i++) {
		struct duet_rs_slot *s = &w->slot[i];

		if (!s->used ||
		    !duet_rs_overlap(sector, n, s->sector,
				     duet_rs_size_sect(s->size)))
			continue;
		s->dirty = true;
		hit++;
	}
	return hit;
}

int duet_rs_win_ack(struct duet_rs_win *w, u64 id, u64 sector, u32 size,
		    bool *clear)
{
	u32 i = duet_rs_id_slot(id), gen = duet_rs_id_gen(id);
	struct duet_rs_slot *s;

	if (i >= DUET_RS_SLOTS || !gen)
		return DUET_RS_E_ID;
	s = &w->slot[i];
	if (!s->used)
		return DUET_RS_E_ID;
	if (s->gen != gen)
		return DUET_RS_E_STALE;
	if (s->sector != sector || s->size != size)
		return DUET_RS_E_MISMATCH;
	if (clear)
		*clear = !s->dirty;
	s->used = false;
	s->dirty = false;
	w->inflight--;
	w->inflight_sect -= duet_rs_size_sect(s->size);
	return DUET_RS_OK;
}

u32 duet_rs_win_clear(struct duet_rs_win *w)
{
	u32 i, n = w->inflight;

	for (i = 0; i < DUET_RS_SLOTS; i++) {
		w->slot[i].used = false;
		w->slot[i].dirty = false;
	}
	w->inflight = 0;
	w->inflight_sect = 0;
	return n;
}

/* ---- 2. progress ------------------------------------------------------ */

static void duet_rs_marks_reset(struct duet_rs_prog *p, u64 left, u64 now)
{
	p->mark_bits[0] = left;
	p->mark_ms[0] = now;
	p->mark_next = 1;
	p->marks = 1;
	p->low_bits = left;
	p->low_ms = now;
}

void duet_rs_prog_start(struct duet_rs_prog *p, u64 total_bits, u64 now_ms)
{
	memset(p, 0, sizeof(*p));
	p->total_bits = total_bits;
	p->start_ms = now_ms;
	duet_rs_marks_reset(p, total_bits, now_ms);
}

void duet_rs_prog_start_verify(struct duet_rs_prog *p, u64 total_bits,
			       u64 now_ms)
{
	duet_rs_prog_start(p, total_bits, now_ms);
	p->verify = true;
}

void duet_rs_prog_mark(struct duet_rs_prog *p, u64 left_bits, u64 now_ms)
{
	u32 last = (p->mark_next + DUET_RS_MARKS - 1) % DUET_RS_MARKS;

	if (p->paused)
		return;
	if (left_bits < p->low_bits) {
		p->low_bits = left_bits;
		p->low_ms = now_ms;
	}
	if (p->marks && now_ms < p->mark_ms[last] + DUET_RS_MARK_STEP_MS)
		return;
	p->mark_bits[p->mark_next] = left_bits;
	p->mark_ms[p->mark_next] = now_ms;
	p->mark_next = (p->mark_next + 1) % DUET_RS_MARKS;
	if (p->marks < DUET_RS_MARKS)
		p->marks++;
}

void duet_rs_prog_add(struct duet_rs_prog *p, u64 bits)
{
	u32 i;

	p->total_bits += bits;
	p->low_bits += bits;
	/* the marks move too: new work is not negative speed */
	for (i = 0; i < DUET_RS_MARKS; i++)
		p->mark_bits[i] += bits;
}

void duet_rs_prog_pause(struct duet_rs_prog *p, u64 now_ms)
{
	if (p->paused)
		return;
	p->paused = true;
	p->pause_ms = now_ms;
}

void duet_rs_prog_resume(struct duet_rs_prog *p, u64 left_bits, u64 now_ms)
{
	if (!p->paused)
		return;
	if (now_ms > p->pause_ms)
		p->paused_ms += now_ms - p->pause_ms;
	p->paused = false;
	duet_rs_marks_reset(p, left_bits, now_ms);
}

/* The numbers behind both the text and the figures. */
struct duet_rs_calc {
	u32 permille;
	u64 cur_kib;		/* KiB/s */
	u64 avg_kib;
	u64 eta_s;
	bool eta_known;
	bool stalled;
};

static u32 duet_rs_permille(u64 total, u64 left)
{
	if (!total)
		return left ? 0 : 1000;
	if (left >= total)
		return 0;
	/* done, rounded up: 1000 - left rounded down */
	return 1000 - (u32)duet_div64(left * 1000, total);
}

/* Time the resync ran, without pauses (the current one included). */
static u64 duet_rs_active_ms(const struct duet_rs_prog *p, u64 now)
{
	u64 t = now > p->start_ms ? now - p->start_ms : 0;
	u64 paused = p->paused_ms;

	if (p->paused && now > p->pause_ms)
		paused += now - p->pause_ms;
	return t > paused ? t - paused : 0;
}

/* KiB/s from @bits 4 KiB blocks in @ms milliseconds. */
static u64 duet_rs_kib_per_s(u64 bits, u64 ms)
{
	return ms ? duet_div64(bits * 4000, ms) : 0;
}

static void duet_rs_calc(const struct duet_rs_prog *p, u64 left, u64 now,
			 struct duet_rs_calc *c)
{
	u64 total = p->total_bits;
	u64 done = total > left ? total - left : 0;
	u64 speed;

	c->permille = duet_rs_permille(total, left);
	c->avg_kib = duet_rs_kib_per_s(done, duet_rs_active_ms(p, now));
	c->cur_kib = 0;
	if (!p->paused && p->marks) {
		u32 o = (p->mark_next + DUET_RS_MARKS - p->marks) %
			DUET_RS_MARKS;

		if (now > p->mark_ms[o] && p->mark_bits[o] > left)
			c->cur_kib = duet_rs_kib_per_s(p->mark_bits[o] - left,
						       now - p->mark_ms[o]);
	}
	speed = c->cur_kib ? c->cur_kib : c->avg_kib;
	c->eta_known = !left || speed;
	c->eta_s = speed ? duet_div64(left << 2, speed) : 0;
	c->stalled = !p->paused && left && left >= p->low_bits &&
		     now > p->low_ms &&
		     now - p->low_ms > DUET_RS_STALLED_MS;
}

/* Two digits, 00 to 99. */
static void duet_rs_fmt_2d(struct duet_fmt *f, u32 v)
{
	duet_fmt_putc(f, (char)('0' + v / 10 % 10));
	duet_fmt_putc(f, (char)('0' + v % 10));
}

static void duet_rs_fmt_hms(struct duet_fmt *f, u64 s)
{
	u64 h = duet_div64(s, 3600);
	u32 rest = (u32)(s - h * 3600);

	duet_fmt_u64(f, h);
	duet_fmt_putc(f, ':');
	duet_rs_fmt_2d(f, rest / 60);
	duet_fmt_putc(f, ':');
	duet_rs_fmt_2d(f, rest % 60);
}

size_t duet_rs_prog_format(const struct duet_rs_prog *p, u64 left_bits,
			   u64 now_ms, char *buf, size_t size)
{
	struct duet_rs_calc c;
	struct duet_fmt f;
	u32 steps;

	duet_rs_calc(p, left_bits, now_ms, &c);
	duet_fmt_init(&f, buf, size);

	/* "\t[==>.................] sync'ed: 18.6% (776076/952288)M" */
	steps = c.permille / 50;
	duet_fmt_puts(&f, "\t[");
	if (steps > 1)
		duet_fmt_fill(&f, '=', steps - 1);
	duet_fmt_putc(&f, '>');
	duet_fmt_fill(&f, '.', 20 - (steps ? steps : 1));
	duet_fmt_puts(&f, p->verify ? "] verified:" : "] sync'ed:");
	duet_fmt_u64w(&f, c.permille / 10, 3);
	duet_fmt_putc(&f, '.');
	duet_fmt_u64(&f, c.permille % 10);
	duet_fmt_puts(&f, "% (");
	if (p->total_bits > DUET_RS_MIB_BITS) {
		duet_fmt_u64(&f, left_bits >> 8);
		duet_fmt_putc(&f, '/');
		duet_fmt_u64(&f, p->total_bits >> 8);
		duet_fmt_puts(&f, ")M\n");
	} else {
		duet_fmt_u64(&f, left_bits << 2);
		duet_fmt_putc(&f, '/');
		duet_fmt_u64(&f, p->total_bits << 2);
		duet_fmt_puts(&f, ")K\n");
	}

	/* "\tfinish: 5:27:02 speed: 40,480 (39,870) K/sec" */
	duet_fmt_puts(&f, "\tfinish: ");
	if (c.eta_known)
		duet_rs_fmt_hms(&f, c.eta_s);
	else
		duet_fmt_puts(&f, "--:--:--");
	duet_fmt_puts(&f, " speed: ");
	duet_fmt_u64_grouped(&f, c.cur_kib);
	duet_fmt_puts(&f, " (");
	duet_fmt_u64_grouped(&f, c.avg_kib);
	duet_fmt_putc(&f, ')');
	if (p->show_want) {
		duet_fmt_puts(&f, " want: ");
		duet_fmt_u64_grouped(&f, p->want_kib);
	}
	duet_fmt_puts(&f, " K/sec");
	if (c.stalled)
		duet_fmt_puts(&f, " (stalled)");
	duet_fmt_putc(&f, '\n');
	return duet_fmt_len(&f);
}

void duet_rs_prog_figures(const struct duet_rs_prog *p, u64 left_bits,
			  u64 now_ms, struct duet_rs_figures *f)
{
	struct duet_rs_calc c;

	duet_rs_calc(p, left_bits, now_ms, &c);
	f->permille = c.permille;
	f->total_kib = p->total_bits << 2;
	f->left_kib = left_bits << 2;
	f->speed_kib = duet_rs_u32(c.cur_kib);
	f->avg_kib = duet_rs_u32(c.avg_kib);
	f->eta_s = c.eta_known ? duet_rs_u32(c.eta_s) : 0;
}

/* ---- 3. rate control -------------------------------------------------- */

static const struct duet_rs_ctl_conf duet_rs_ctl_def = {
	.resync_rate = DUET_RS_DEF_RESYNC_RATE,
	.c_plan_ahead = DUET_RS_DEF_PLAN_AHEAD,
	.c_delay_target = DUET_RS_DEF_DELAY_TARGET,
	.c_fill_target = DUET_RS_DEF_FILL_TARGET,
	.c_max_rate = DUET_RS_DEF_MAX_RATE,
	.c_min_rate = DUET_RS_DEF_MIN_RATE,
};

void duet_rs_ctl_conf_eff(const struct duet_rs_ctl_conf *conf,
			  struct duet_rs_ctl_conf *eff)
{
	if (!conf || (!conf->resync_rate && !conf->c_plan_ahead &&
		      !conf->c_delay_target && !conf->c_fill_target &&
		      !conf->c_max_rate && !conf->c_min_rate)) {
		*eff = duet_rs_ctl_def;
		return;
	}
	*eff = *conf;
	if (!eff->resync_rate)
		eff->resync_rate = DUET_RS_DEF_RESYNC_RATE;
	if (!eff->c_max_rate)
		eff->c_max_rate = DUET_RS_DEF_MAX_RATE;
	if (eff->c_plan_ahead && !eff->c_fill_target && !eff->c_delay_target)
		eff->c_fill_target = DUET_RS_DEF_FILL_TARGET;
}

void duet_rs_ctl_init(struct duet_rs_ctl *ctl, u64 now_ms)
{
	memset(ctl, 0, sizeof(*ctl));
	ctl->last_ms = now_ms;
}

/* What @kib KiB/s is worth in @ms milliseconds, in 1/1000 sector. */
static u64 duet_rs_worth(u32 kib, u64 ms)
{
	return (u64)kib * 2 * ms;
}

/* A low-pass filter of time constant DUET_RS_RATE_TAU_MS; @dt <= it. */
static u64 duet_rs_ewma(u64 avg, u64 x, u64 dt)
{
	if (x >= avg)
		return avg + duet_div64((x - avg) * dt, DUET_RS_RATE_TAU_MS);
	return avg - duet_div64((avg - x) * dt, DUET_RS_RATE_TAU_MS);
}

/* The in-flight level the dynamic controller aims at, 1/1000 sector. */
static u64 duet_rs_target(const struct duet_rs_ctl *ctl,
			  const struct duet_rs_ctl_conf *c)
{
	u64 t;

	if (c->c_fill_target)
		return (u64)c->c_fill_target * 1000;
	/* rate (1/1000 sector a second) times the delay (0.1 s) */
	t = duet_div64(ctl->rate * c->c_delay_target, 10);
	return t < DUET_RS_MIN_TARGET * 1000 ? DUET_RS_MIN_TARGET * 1000 : t;
}

static void duet_rs_level(struct duet_rs_ctl *ctl,
			  const struct duet_rs_ctl_conf *c, u64 dt)
{
	u64 target = duet_rs_target(ctl, c);
	u64 plan = (u64)c->c_plan_ahead * 100;
	u64 diff;

	if (dt > plan)
		dt = plan;
	diff = target > ctl->level ? target - ctl->level : ctl->level - target;
	/* the last block at once: the filter alone would never get there */
	if (diff < DUET_RS_UNIT_SECT * 1000)
		ctl->level = target;
	else if (target > ctl->level)
		ctl->level += duet_div64(diff * dt, plan);
	else
		ctl->level -= duet_div64(diff * dt, plan);
}

u32 duet_rs_ctl_budget(struct duet_rs_ctl *ctl,
		       const struct duet_rs_ctl_conf *conf, u64 now_ms,
		       u64 inflight_sect, u64 app_sect)
{
	struct duet_rs_ctl_conf c;
	u64 dt = 0, done, depth, want, grant;
	u32 cap;

	duet_rs_ctl_conf_eff(conf, &c);
	if (now_ms > ctl->last_ms) {
		dt = now_ms - ctl->last_ms;
		ctl->last_ms = now_ms;
	}
	if (dt > DUET_RS_MAX_DT_MS)
		dt = DUET_RS_MAX_DT_MS;

	/* completed since the last call: what was in flight or sent, less
	 * what still is
	 */
	done = ctl->last_inflight + ctl->last_grant;
	done = done > inflight_sect ? done - inflight_sect : 0;
	if (done > DUET_RS_U32_MAX)
		done = DUET_RS_U32_MAX;
	if (dt) {
		ctl->rate = duet_rs_ewma(ctl->rate,
					 duet_div64(done * 1000000, dt), dt);
		ctl->grant_rate =
			duet_rs_ewma(ctl->grant_rate,
				     duet_div64((u64)ctl->last_grant * 1000000,
						dt), dt);
	}

	/* the application brake, then the rate the bucket runs at */
	if (app_sect)
		ctl->app_until_ms = now_ms + DUET_RS_APP_HOLD_MS;
	cap = c.c_plan_ahead ? c.c_max_rate : c.resync_rate;
	ctl->braking = c.c_min_rate && now_ms < ctl->app_until_ms &&
		       c.c_min_rate < cap;
	if (ctl->braking)
		cap = c.c_min_rate;

	depth = duet_rs_worth(cap, DUET_RS_BURST_MS);
	if (depth < DUET_RS_UNIT_SECT * 1000)
		depth = DUET_RS_UNIT_SECT * 1000;
	if (!ctl->started) {
		/* a resync starts with one step's worth at once */
		ctl->tokens = duet_rs_worth(cap, DUET_RS_STEP_MS);
		ctl->level = duet_rs_worth(c.resync_rate, DUET_RS_STEP_MS);
		ctl->started = true;
	}
	ctl->tokens += duet_rs_worth(cap, dt);
	if (ctl->tokens > depth)
		ctl->tokens = depth;

	if (c.c_plan_ahead) {
		duet_rs_level(ctl, &c, dt);
		want = duet_div64(ctl->level, 1000);
	} else {
		want = duet_div64(duet_rs_worth(cap,
						DUET_RS_FIXED_INFLIGHT_MS),
				  1000);
		if (want < DUET_RS_UNIT_SECT)
			want = DUET_RS_UNIT_SECT;
	}
	want = want > inflight_sect ? want - inflight_sect : 0;

	grant = duet_div64(ctl->tokens, 1000);
	if (grant > want)
		grant = want;
	if (grant > DUET_RS_U32_MAX)
		grant = DUET_RS_U32_MAX;
	grant &= ~(u64)(DUET_RS_UNIT_SECT - 1);
	ctl->tokens -= grant * 1000;

	if (dt) {
		ctl->last_inflight = inflight_sect;
		ctl->last_grant = (u32)grant;
	} else {
		/* same instant: what was sent before still counts */
		ctl->last_grant = duet_rs_u32((u64)ctl->last_grant + grant);
	}
	return (u32)grant;
}

void duet_rs_ctl_return(struct duet_rs_ctl *ctl, u32 sect)
{
	if (sect > ctl->last_grant)
		sect = ctl->last_grant;
	ctl->last_grant -= sect;
	ctl->tokens += (u64)sect * 1000;
}

u32 duet_rs_ctl_rate_kib(const struct duet_rs_ctl *ctl)
{
	return duet_rs_u32(duet_div64(ctl->rate, 2000));
}

u32 duet_rs_ctl_want_kib(const struct duet_rs_ctl *ctl)
{
	return duet_rs_u32(duet_div64(ctl->grant_rate, 2000));
}
