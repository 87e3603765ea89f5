/*
 * dd_pulse: the heartbeat thread and the daemon lock (see dd_pulse.h).
 */
#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "daemon/duetd/dd_pulse.h"

/* GPollFunc has no argument: the one pulse whose lock the loop drops */
static struct dd_pulse *poll_pulse;

static uint64_t mono_ms(void)
{
	/* g_get_monotonic_time() is CLOCK_MONOTONIC on Linux, as below */
	return (uint64_t)(g_get_monotonic_time() / 1000);
}

/*
 * The thread sleeps on a futex, not a condition variable: glibc's
 * condition variable takes the mutex back marked contended, so every
 * unlock after a wait was one more system call per tick.
 */
static void pulse_sleep(struct dd_pulse *p)
{
	uint32_t seq = __atomic_load_n(&p->wake_seq, __ATOMIC_ACQUIRE);
	struct timespec ts = {
		.tv_sec = (time_t)(p->at_ms / 1000),
		.tv_nsec = (long)(p->at_ms % 1000) * 1000000L,
	};
	bool timed = p->at_ms != 0;

	pthread_mutex_unlock(&p->lock);
	/* an arm after the unlock changed wake_seq: no sleep (EAGAIN) */
	syscall(SYS_futex, &p->wake_seq, FUTEX_WAIT_BITSET_PRIVATE, seq,
		timed ? &ts : NULL, NULL, FUTEX_BITSET_MATCH_ANY);
	pthread_mutex_lock(&p->lock);
}

static void pulse_wake(struct dd_pulse *p)
{
	__atomic_add_fetch(&p->wake_seq, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &p->wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *pulse_main(void *arg)
{
	struct dd_pulse *p = arg;

	/* so that ps -L and top -H tell it from the loop */
	pthread_setname_np(pthread_self(), "duetd-pulse");
	pthread_mutex_lock(&p->lock);
	while (!p->stop) {
		if (p->at_ms && mono_ms() >= p->at_ms) {
			/* the tick arms the next deadline (dd_pulse_arm) */
			p->at_ms = 0;
			p->ticks++;
			p->tick(p->arg);
			continue;
		}
		pulse_sleep(p);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int dd_pulse_init(struct dd_pulse *p, void (*tick)(void *arg), void *arg)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->tick = tick;
	p->arg = arg;
	rc = pthread_mutex_init(&p->lock, NULL);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	pthread_mutex_lock(&p->lock);
	return 0;
}

int dd_pulse_start(struct dd_pulse *p)
{
	pthread_attr_t at;
	int rc;

	rc = pthread_attr_init(&at);
	if (rc == 0)
		rc = pthread_attr_setstacksize(&at, DD_PULSE_STACK);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	/*
	 * The caller's signal mask: the handlers are GLib's, which only
	 * wake the loop, and SIGTRAP's blackbox dump, fine on either thread.
	 */
	rc = pthread_create(&p->thread, &at, pulse_main, p);
	pthread_attr_destroy(&at);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	p->started = true;
	poll_pulse = p;
	g_main_context_set_poll_func(NULL, dd_pulse_poll);
	return 0;
}

void dd_pulse_arm(struct dd_pulse *p, uint64_t at_ms)
{
	if (!at_ms)
		at_ms = 1;
	if (p->at_ms && p->at_ms <= at_ms)
		return;
	p->at_ms = at_ms;
	/* the thread itself is not waiting: it reads at_ms before it does */
	if (p->started && !dd_pulse_is_self(p))
		pulse_wake(p);
}

bool dd_pulse_is_self(const struct dd_pulse *p)
{
	return p->started && pthread_equal(pthread_self(), p->thread);
}

void dd_pulse_stop(struct dd_pulse *p)
{
	if (!p->started)
		return;
	g_main_context_set_poll_func(NULL, g_poll);
	poll_pulse = NULL;
	p->stop = true;
	pulse_wake(p);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_mutex_lock(&p->lock);
	p->started = false;
}

void dd_pulse_fini(struct dd_pulse *p)
{
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_destroy(&p->lock);
}

gint dd_pulse_poll(GPollFD *fds, guint nfds, gint timeout)
{
	struct dd_pulse *p = poll_pulse;
	int rc, err;

	if (p)
		pthread_mutex_unlock(&p->lock);
	rc = g_poll(fds, nfds, timeout);
	err = errno;
	if (p)
		pthread_mutex_lock(&p->lock);
	errno = err;
	return rc;
}
