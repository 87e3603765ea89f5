/*
 * dd_respawn: the glue of ha.cf's respawn/failfast clients (rules in
 * dd_respawn.h): spawn as the configured user with GLib, watch the exit,
 * restart through dd_rsp_decide, SIGTERM them at shutdown.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_respawn.h"
#include "daemon/hb/hb_diag.h"

struct rsp_client {
	struct dd *dd;
	const struct hb_respawn *cfg;
	uid_t uid;
	gid_t gid;
	GPid pid;		/* 0 when not running */
	uint64_t started_ms;
	struct dd_rsp_state st;
	guint watch, timer;
};

static struct {
	struct rsp_client *c;
	size_t n;
	bool started, stopping;
} rsp;

static int lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return -1;
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 0;
}

int dd_respawn_check(struct dd *d, struct hb_diag *dg)
{
	int rc = 0;

	for (size_t i = 0; i < d->conf.nrespawns; i++) {
		const struct hb_respawn *r = &d->conf.respawns[i];
		const char *kw = r->failfast ? "failfast" : "respawn";
		uid_t uid;
		gid_t gid;

		if (lookup_user(r->user, &uid, &gid) < 0) {
			hb_diag_add(dg, HB_SEV_ERR, d->cf_path, r->line,
				    "%s: no such user '%s'", kw, r->user);
			rc = -1;
		}
		if (access(r->path, X_OK) < 0) {
			hb_diag_add(dg, HB_SEV_ERR, d->cf_path, r->line,
				    "%s: '%s' is not executable: %s", kw, r->path,
				    strerror(errno));
			rc = -1;
		}
	}
	return rc;
}

/* in the child, between fork and exec: become the configured user */
static void become_user(gpointer data)
{
	struct rsp_client *c = data;

	if (setgid(c->gid) < 0 || initgroups(c->cfg->user, c->gid) < 0 ||
	    setuid(c->uid) < 0)
		_exit(127);
}

static void client_spawn(struct rsp_client *c);

static gboolean client_restart(gpointer data)
{
	struct rsp_client *c = data;

	c->timer = 0;
	if (!rsp.stopping)
		client_spawn(c);
	return G_SOURCE_REMOVE;
}

static void client_exited(GPid pid, gint status, gpointer data)
{
	struct rsp_client *c = data;
	struct dd *d = c->dd;
	bool exited = WIFEXITED(status);
	int code = exited ? WEXITSTATUS(status) : WTERMSIG(status);
	uint64_t ran = dd_now_ms() - c->started_ms;
	enum dd_rsp_verdict v;

	g_spawn_close_pid(pid);
	c->pid = 0;
	c->watch = 0;
	v = dd_rsp_decide(&c->st, rsp.stopping, c->cfg->failfast, exited, code, ran);
	qb_log(v == DD_RSP_DONE ? LOG_INFO : LOG_WARNING,
	       "Client \"%s\" (pid %d) %s %d after %llu ms: %s", c->cfg->command, (int)pid,
	       exited ? "exited with return code" : "killed by signal", code,
	       (unsigned long long)ran, dd_rsp_verdict_str(v));
	switch (v) {
	case DD_RSP_RESTART:
		qb_log(LOG_INFO, "Respawning client \"%s\" in %d ms", c->cfg->command,
		       DD_RSP_DELAY_MS);
		c->timer = g_timeout_add(DD_RSP_DELAY_MS, client_restart, c);
		break;
	case DD_RSP_TOO_FAST:
		dd_event(d, LOG_ERR, "daemon", "Client \"%s\" respawning too fast: given up",
			 c->cfg->command);
		break;
	case DD_RSP_FAILFAST:
		dd_event(d, LOG_CRIT, "daemon",
			 "failfast client \"%s\" ended: shutting down so that the peer takes over",
			 c->cfg->command);
		kill(getpid(), SIGTERM);
		break;
	case DD_RSP_ASKED:
		dd_event(d, LOG_INFO, "daemon", "Client \"%s\" asked not to be respawned",
			 c->cfg->command);
		break;
	case DD_RSP_DONE:
		break;
	}
}

static void client_spawn(struct rsp_client *c)
{
	struct dd *d = c->dd;
	gchar **argv = NULL, **env;
	GError *err = NULL;

	if (!g_shell_parse_argv(c->cfg->command, NULL, &argv, &err)) {
		dd_event(d, LOG_ERR, "daemon", "%s:%u: respawn: %s", d->cf_path, c->cfg->line,
			 err->message);
		g_error_free(err);
		return;
	}
	env = g_get_environ();
	for (size_t i = 0; i < d->conf.nenv; i++) {
		const char *eq = strchr(d->conf.env[i], '=');
		char *name;

		if (!eq)
			continue;
		name = g_strndup(d->conf.env[i], (gsize)(eq - d->conf.env[i]));
		env = g_environ_setenv(env, name, eq + 1, TRUE);
		g_free(name);
	}
	env = g_environ_setenv(env, "HA_CURHOST", d->localname, TRUE);
	if (!g_spawn_async(NULL, argv, env, G_SPAWN_DO_NOT_REAP_CHILD, become_user, c,
			   &c->pid, &err)) {
		dd_event(d, LOG_ERR, "daemon", "cannot start client \"%s\": %s",
			 c->cfg->command, err->message);
		g_error_free(err);
		c->pid = 0;
	} else {
		c->started_ms = dd_now_ms();
		c->watch = g_child_watch_add(c->pid, client_exited, c);
		qb_log(LOG_INFO, "Starting \"%s\" as uid %d gid %d (pid %d)", c->cfg->command,
		       (int)c->uid, (int)c->gid, (int)c->pid);
	}
	g_strfreev(env);
	g_strfreev(argv);
}

void dd_respawn_start(struct dd *d)
{
	if (rsp.started || !d->conf.nrespawns)
		return;
	rsp.started = true;
	rsp.c = calloc(d->conf.nrespawns, sizeof(*rsp.c));
	if (!rsp.c) {
		qb_log(LOG_ERR, "respawn: out of memory");
		return;
	}
	rsp.n = d->conf.nrespawns;
	for (size_t i = 0; i < rsp.n; i++) {
		struct rsp_client *c = &rsp.c[i];

		c->dd = d;
		c->cfg = &d->conf.respawns[i];
		if (lookup_user(c->cfg->user, &c->uid, &c->gid) < 0) {
			dd_event(d, LOG_ERR, "daemon", "%s:%u: respawn: no such user '%s'",
				 d->cf_path, c->cfg->line, c->cfg->user);
			continue;
		}
		client_spawn(c);
	}
}

void dd_respawn_stop(struct dd *d)
{
	(void)d;
	rsp.stopping = true;
	for (size_t i = 0; i < rsp.n; i++) {
		struct rsp_client *c = &rsp.c[i];

		if (c->timer) {
			g_source_remove(c->timer);
			c->timer = 0;
		}
		if (c->pid > 0) {
			qb_log(LOG_INFO, "Stopping client \"%s\" (pid %d)", c->cfg->command,
			       (int)c->pid);
			kill(c->pid, SIGTERM);
		}
	}
}
