/*
 * dd_pulse: the heartbeat thread and the daemon lock.
 *
 * An idle duetd does one thing five times a second: it sends its
 * heartbeat (and, on every fourth tick or so, reads the peers' queued
 * ones). Done by the GLib loop, each of those wake-ups polls every
 * descriptor the loop watches and walks its sources; done by a thread
 * that sleeps on a futex until the next deadline, it costs that wake-up
 * and the tick itself.
 *
 * The thread does not run beside the loop: both run the daemon's code
 * only while holding one lock (the daemon lock). The loop holds it except
 * while it sleeps in poll() (dd_pulse_poll is its poll function); the
 * thread takes it for a tick and lets it go while it sleeps. So the code
 * stays single-threaded in effect, and a loop that is stuck holds the lock
 * and stops the heartbeats, as a stuck single-threaded daemon did: the
 * peer sees us dead instead of hearing a thread that cannot do anything.
 *
 * Generic (a callback, no struct dd) so that tests/unit can drive it.
 */
#ifndef DUET_DD_PULSE_H
#define DUET_DD_PULSE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#define DD_PULSE_STACK (256 * 1024)	/* resident only as far as it is used */

struct dd_pulse {
	pthread_mutex_t lock;	/* the daemon lock */
	uint32_t wake_seq;	/* futex: changed when armed earlier or stopped */
	pthread_t thread;
	void (*tick)(void *arg);	/* called with the lock held at the deadline */
	void *arg;
	uint64_t at_ms;		/* deadline on dd_now_ms()'s clock; 0: none */
	uint64_t ticks;		/* ticks run (tests) */
	bool started, stop;
};

/* the lock, which the caller then holds */
int dd_pulse_init(struct dd_pulse *p, void (*tick)(void *arg), void *arg);

/*
 * starts the thread (DD_PULSE_STACK of stack, the caller's scheduling
 * policy and signal mask), and makes dd_pulse_poll the poll function
 * of GLib's default context; -1 with errno when the thread cannot start
 */
int dd_pulse_start(struct dd_pulse *p);

/*
 * with the lock held: tick at at_ms (dd_now_ms clock) unless a deadline
 * at least as early is armed; wakes the thread when it must move earlier
 */
void dd_pulse_arm(struct dd_pulse *p, uint64_t at_ms);

/* whether the caller is the pulse thread */
bool dd_pulse_is_self(const struct dd_pulse *p);

/* with the lock held: ends the thread and returns with the lock held */
void dd_pulse_stop(struct dd_pulse *p);

/* unlocks and frees; the thread must be stopped */
void dd_pulse_fini(struct dd_pulse *p);

/* GLib's poll without the daemon lock (GPollFunc) */
gint dd_pulse_poll(GPollFD *fds, guint nfds, gint timeout);

#endif
