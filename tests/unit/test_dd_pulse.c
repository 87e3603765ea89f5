/*
 * Unit tests of dd_pulse, duetd's heartbeat thread and daemon lock: the
 * tick runs with the lock held and never before its deadline, never while
 * the loop holds the lock, at once when a deadline moves earlier, again
 * when the tick re-arms itself; GLib's poll lets the lock go; stop ends a
 * thread that sleeps far into the future. No assertion is on how fast:
 * the bounds (seconds) only catch a thread that never wakes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "daemon/duetd/dd_pulse.h"

#define BOUND_MS 20000	/* "never": a tick this late is a hang */

struct rec {
	struct dd_pulse *p;
	uint64_t armed_for;	/* the deadline of the tick to come */
	uint64_t ran_at[8];
	unsigned n;
	unsigned rearm;		/* re-arm this many more times, 20 ms apart */
	bool self, locked_by_us;
};

static uint64_t now_ms(void)
{
	return (uint64_t)(g_get_monotonic_time() / 1000);
}

static void on_tick(void *arg)
{
	struct rec *r = arg;

	if (r->n < 8)
		r->ran_at[r->n] = now_ms();
	r->n++;
	r->self = dd_pulse_is_self(r->p);
	/* the lock is held here, by this thread */
	r->locked_by_us = pthread_mutex_trylock(&r->p->lock) == EBUSY;
	if (r->rearm) {
		r->rearm--;
		r->armed_for = now_ms() + 20;
		dd_pulse_arm(r->p, r->armed_for);
	}
}

/* lets the lock go, as the loop's poll does, until n ticks or the bound */
static void let_run(struct rec *r, unsigned n)
{
	uint64_t until = now_ms() + BOUND_MS;

	while (r->n < n && now_ms() < until)
		dd_pulse_poll(NULL, 0, 10);
}

static void start(struct dd_pulse *p, struct rec *r)
{
	r->p = p;
	assert_int_equal(dd_pulse_init(p, on_tick, r), 0);
	assert_int_equal(dd_pulse_start(p), 0);
	assert_ptr_equal(g_main_context_get_poll_func(NULL), dd_pulse_poll);
}

/* started, with a deadline 10 min ahead that the thread now sleeps for */
static void start_asleep(struct dd_pulse *p, struct rec *r)
{
	start(p, r);
	dd_pulse_arm(p, now_ms() + 600000);
	dd_pulse_poll(NULL, 0, 50);
}

static void finish(struct dd_pulse *p)
{
	dd_pulse_stop(p);
	assert_false(p->started);
	assert_ptr_equal(g_main_context_get_poll_func(NULL), g_poll);
	dd_pulse_fini(p);
}

static void tick_at_deadline(void **state)
{
	struct dd_pulse p;
	struct rec r = { .n = 0 };
	char name[16];

	(void)state;
	start(&p, &r);
	r.armed_for = now_ms() + 50;
	dd_pulse_arm(&p, r.armed_for);
	let_run(&r, 1);
	assert_int_equal(r.n, 1);
	assert_true(r.ran_at[0] >= r.armed_for);
	assert_true(r.self);
	assert_true(r.locked_by_us);
	assert_false(dd_pulse_is_self(&p));
	assert_int_equal(p.ticks, 1);
	/* named, for ps -L and top -H */
	assert_int_equal(pthread_getname_np(p.thread, name, sizeof(name)), 0);
	assert_string_equal(name, "duetd-pulse");
	finish(&p);
}

static void lock_holds_ticks_back(void **state)
{
	struct dd_pulse p;
	struct rec r = { .n = 0 };
	struct timespec pause = { .tv_nsec = 300 * 1000000L };

	(void)state;
	start(&p, &r);
	dd_pulse_arm(&p, now_ms());
	/* due, but this thread holds the lock: the tick cannot run */
	nanosleep(&pause, NULL);
	assert_int_equal(r.n, 0);
	let_run(&r, 1);
	assert_int_equal(r.n, 1);
	finish(&p);
}

static void earlier_deadline_wakes(void **state)
{
	struct dd_pulse p;
	struct rec r = { .n = 0 };
	uint64_t t0;

	(void)state;
	start_asleep(&p, &r);
	/* a later deadline does not replace an earlier one */
	dd_pulse_arm(&p, now_ms() + 900000);
	assert_true(p.at_ms <= now_ms() + 600000);
	t0 = now_ms();
	r.armed_for = t0 + 10;
	dd_pulse_arm(&p, r.armed_for);
	let_run(&r, 1);
	assert_int_equal(r.n, 1);
	assert_true(r.ran_at[0] >= r.armed_for);
	assert_true(r.ran_at[0] < t0 + BOUND_MS);
	finish(&p);
}

static void tick_rearms_itself(void **state)
{
	struct dd_pulse p;
	struct rec r = { .n = 0, .rearm = 3 };

	(void)state;
	start(&p, &r);
	r.armed_for = now_ms();
	dd_pulse_arm(&p, r.armed_for);
	let_run(&r, 4);
	assert_int_equal(r.n, 4);
	for (unsigned i = 1; i < 4; i++)
		assert_true(r.ran_at[i] >= r.ran_at[i - 1] + 20);
	/* nothing armed after the last: no more ticks */
	dd_pulse_poll(NULL, 0, 100);
	assert_int_equal(r.n, 4);
	assert_int_equal(p.at_ms, 0);
	finish(&p);
}

static void stop_ends_a_sleeping_thread(void **state)
{
	struct dd_pulse p;
	struct rec r = { .n = 0 };
	uint64_t t0;

	(void)state;
	start_asleep(&p, &r);
	t0 = now_ms();
	finish(&p);
	assert_true(now_ms() < t0 + BOUND_MS);
	assert_int_equal(r.n, 0);
}

/* GLib's own loop, polling with the lock let go, runs the ticks */
struct quit_when {
	GMainLoop *loop;
	struct rec *r;
	uint64_t until;
};

static gboolean quit_when_done(gpointer data)
{
	struct quit_when *q = data;

	if (q->r->n < 3 && now_ms() < q->until)
		return G_SOURCE_CONTINUE;
	g_main_loop_quit(q->loop);
	return G_SOURCE_REMOVE;
}

static void glib_loop_lets_ticks_run(void **state)
{
	struct dd_pulse p;
	struct rec r = { .n = 0, .rearm = 2 };
	struct quit_when q = { g_main_loop_new(NULL, FALSE), &r, now_ms() + BOUND_MS };

	(void)state;
	start(&p, &r);
	dd_pulse_arm(&p, now_ms());
	g_timeout_add(10, quit_when_done, &q);
	g_main_loop_run(q.loop);
	assert_int_equal(r.n, 3);
	finish(&p);
	g_main_loop_unref(q.loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tick_at_deadline),
		cmocka_unit_test(lock_holds_ticks_back),
		cmocka_unit_test(earlier_deadline_wakes),
		cmocka_unit_test(tick_rearms_itself),
		cmocka_unit_test(stop_ends_a_sleeping_thread),
		cmocka_unit_test(glib_loop_lets_ticks_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
