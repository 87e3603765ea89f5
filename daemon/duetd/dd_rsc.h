/*
 * dd_rsc: runs haresources groups for duetd (the thin I/O side of
 * hb_rsc's START_GROUP / STOP_GROUP actions).
 *
 *  start: left to right; for each resource run `status` and skip it when
 *         it says running (hb_script_judge), else `start`; a non-zero exit
 *         (or timeout) stops the operation and reports failure (hb_rsc then
 *         asks for a stop of the whole group).
 *  stop:  right to left; `stop`, retried every stop_retry_ms up to
 *         stop_retries times on failure; if it still fails, `status`: when
 *         that says not running the failure is only a warning (the script
 *         is not LSB compliant, as ResourceManager says), otherwise the
 *         operation stops there and reports failure.
 *
 * Scripts run with g_spawn_async_with_pipes (argv and environment from
 * hb_script_build), stdout is collected (for status), stderr is logged
 * line by line, each run has timeout_ms (then SIGKILL, counted as a
 * failure). One operation at a time per group. Everything happens on the
 * caller's GMainContext; done() is called from it, never from inside
 * dd_rsc_start_group()/dd_rsc_stop_group().
 */
#ifndef DUET_DD_RSC_H
#define DUET_DD_RSC_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "daemon/hb/hb_haresources.h"
#include "daemon/hb/hb_rsc.h"
#include "daemon/hb/hb_script.h"

#define DD_RSC_TIMEOUT_MS	120000u
#define DD_RSC_STOP_RETRIES	10u	/* HA_STOPRETRYMAX */
#define DD_RSC_STOP_RETRY_MS	1000u
/* added when the environment has no PATH */
#define DD_RSC_PATH		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

typedef void (*dd_rsc_done_fn)(size_t group, enum hb_rsc_op op, bool ok,
			       void *arg);
/* prio: syslog numbers (enum hb_rsc_prio). */
typedef void (*dd_rsc_log_fn)(int prio, const char *text, void *arg);

struct dd_rsc_cfg {
	GMainContext *ctx;		/* NULL: the default context */
	const struct hb_haresources *hr;	/* borrowed */
	struct hb_script_dirs dirs;	/* NULLs: the standard places */
	char *const *env;		/* base environment (hb_script_env_build), copied */
	unsigned timeout_ms;		/* 0: DD_RSC_TIMEOUT_MS */
	unsigned stop_retries;		/* 0: DD_RSC_STOP_RETRIES */
	unsigned stop_retry_ms;		/* 0: DD_RSC_STOP_RETRY_MS */
	dd_rsc_done_fn done;
	dd_rsc_log_fn log;		/* may be NULL */
	void *arg;			/* for done and log */
};

struct dd_rsc;

struct dd_rsc *dd_rsc_new(const struct dd_rsc_cfg *cfg);
/* Kills (SIGKILL) the scripts still running; no done() calls after. */
void dd_rsc_free(struct dd_rsc *d);

/* Replaces the base environment for the next runs. 0 / -ENOMEM. */
int dd_rsc_set_env(struct dd_rsc *d, char *const *env);

/*
 * Starts the operation. extra_env: NAME=VALUE added for this operation
 * (e.g. the HA_<field>s of the message that caused it), may be NULL.
 * 0, -EBUSY (an operation of that group runs), -EINVAL (no such group).
 */
int dd_rsc_start_group(struct dd_rsc *d, size_t group, char *const *extra_env);
int dd_rsc_stop_group(struct dd_rsc *d, size_t group, char *const *extra_env);
bool dd_rsc_busy(const struct dd_rsc *d, size_t group);

#endif
