/*
 * dd_rsc: the group runner (see dd_rsc.h). One state machine per group:
 * which resource, which phase (status before start, start, stop, status
 * after a failed stop), the running child, the retry timer.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "daemon/duetd/dd_rsc.h"

#define OUT_MAX		65536

enum phase {
	PH_STATUS,		/* start: is it running already? */
	PH_START,
	PH_STOP,
	PH_STATUS_AFTER,	/* stop failed: does it still run? */
};

struct run {
	GPid pid;
	int out_fd, err_fd;
	GSource *out_src, *err_src, *child_src, *timeout_src;
	GString *out, *err;
	bool timed_out;
	enum hb_script_kind kind;
};

struct gop {
	bool active;
	enum hb_rsc_op op;
	size_t idx;		/* resource being handled */
	enum phase phase;
	unsigned tries;
	char **env;		/* base + extra for this operation */
	struct run *run;
	GSource *retry_src;
	GSource *done_src;
	bool ok;
	enum hb_script_kind kind;	/* of the last script run */
};

struct dd_rsc {
	struct dd_rsc_cfg cfg;
	char **env;
	size_t ng;
	struct gop *ops;
};

struct cb {
	struct dd_rsc *d;
	size_t g;
};

static void next_step(struct dd_rsc *d, size_t g);

__attribute__((format(printf, 3, 4)))
static void dlog(struct dd_rsc *d, int prio, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!d->cfg.log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	d->cfg.log(prio, buf, d->cfg.arg);
}

static char **strv_concat(char *const *a, char *const *b)
{
	size_t na = 0, nb = 0;
	char **v;

	while (a && a[na])
		na++;
	while (b && b[nb])
		nb++;
	v = calloc(na + nb + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < na; i++)
		if (!(v[i] = strdup(a[i])))
			goto fail;
	for (size_t i = 0; i < nb; i++)
		if (!(v[na + i] = strdup(b[i])))
			goto fail;
	return v;
fail:
	hb_script_strv_free(v);
	return NULL;
}

static bool file_exists(const char *path, void *arg)
{
	struct stat st;

	(void)arg;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

struct dd_rsc *dd_rsc_new(const struct dd_rsc_cfg *cfg)
{
	struct dd_rsc *d;

	if (!cfg->hr || !cfg->done)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->cfg = *cfg;
	if (!d->cfg.timeout_ms)
		d->cfg.timeout_ms = DD_RSC_TIMEOUT_MS;
	if (!d->cfg.stop_retries)
		d->cfg.stop_retries = DD_RSC_STOP_RETRIES;
	if (!d->cfg.stop_retry_ms)
		d->cfg.stop_retry_ms = DD_RSC_STOP_RETRY_MS;
	d->ng = cfg->hr->ngroups;
	d->ops = calloc(d->ng ? d->ng : 1, sizeof(*d->ops));
	d->env = strv_concat(cfg->env, NULL);
	if (!d->ops || !d->env) {
		free(d->ops);
		hb_script_strv_free(d->env);
		free(d);
		return NULL;
	}
	d->cfg.env = NULL;
	return d;
}

int dd_rsc_set_env(struct dd_rsc *d, char *const *env)
{
	char **v = strv_concat(env, NULL);

	if (!v)
		return -ENOMEM;
	hb_script_strv_free(d->env);
	d->env = v;
	return 0;
}

static void kill_run(GPid pid);

static void destroy_source(GSource **s)
{
	if (*s) {
		g_source_destroy(*s);
		g_source_unref(*s);
		*s = NULL;
	}
}

static void run_free(struct run *r, bool kill_it)
{
	if (!r)
		return;
	destroy_source(&r->out_src);
	destroy_source(&r->err_src);
	destroy_source(&r->child_src);
	destroy_source(&r->timeout_src);
	if (r->out_fd >= 0)
		close(r->out_fd);
	if (r->err_fd >= 0)
		close(r->err_fd);
	if (kill_it && r->pid > 0) {
		kill_run(r->pid);
		waitpid(r->pid, NULL, 0);
	}
	if (r->pid > 0)
		g_spawn_close_pid(r->pid);
	if (r->out)
		g_string_free(r->out, TRUE);
	if (r->err)
		g_string_free(r->err, TRUE);
	free(r);
}

static void gop_clear(struct gop *o, bool kill_it)
{
	run_free(o->run, kill_it);
	o->run = NULL;
	destroy_source(&o->retry_src);
	destroy_source(&o->done_src);
	hb_script_strv_free(o->env);
	o->env = NULL;
	o->active = false;
}

void dd_rsc_free(struct dd_rsc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ng; i++)
		gop_clear(&d->ops[i], true);
	free(d->ops);
	hb_script_strv_free(d->env);
	free(d);
}

bool dd_rsc_busy(const struct dd_rsc *d, size_t group)
{
	return group < d->ng && d->ops[group].active;
}

static const char *gkey(const struct dd_rsc *d, size_t g)
{
	return d->cfg.hr->groups[g].res[0].spec;
}

static gboolean done_cb(gpointer data)
{
	struct cb *c = data;
	struct dd_rsc *d = c->d;
	struct gop *o = &d->ops[c->g];
	enum hb_rsc_op op = o->op;
	bool ok = o->ok;

	g_source_unref(o->done_src);
	o->done_src = NULL;
	gop_clear(o, false);
	d->cfg.done(c->g, op, ok, d->cfg.arg);
	return G_SOURCE_REMOVE;
}

/* Reports the end of the operation from the main loop. */
static void finish(struct dd_rsc *d, size_t g, bool ok)
{
	struct gop *o = &d->ops[g];
	struct cb *c = malloc(sizeof(*c));

	o->ok = ok;
	dlog(d, ok ? 6 : 3, "%s of group %s %s", o->op == HB_RSC_OP_START ? "start" : "stop",
	     gkey(d, g), ok ? "done" : "FAILED");
	o->done_src = g_idle_source_new();
	if (!c) {
		/* cannot even say it: report at once rather than never */
		g_source_unref(o->done_src);
		o->done_src = NULL;
		enum hb_rsc_op op = o->op;

		gop_clear(o, false);
		d->cfg.done(g, op, false, d->cfg.arg);
		return;
	}
	c->d = d;
	c->g = g;
	g_source_set_callback(o->done_src, done_cb, c, free);
	g_source_attach(o->done_src, d->cfg.ctx);
}

static void log_lines(struct dd_rsc *d, const char *what, GString *s, bool all)
{
	char *nl;

	while ((nl = memchr(s->str, '\n', s->len))) {
		*nl = 0;
		if (nl > s->str)
			dlog(d, 6, "%s: %s", what, s->str);
		g_string_erase(s, 0, (gssize)(nl - s->str + 1));
	}
	if (all && s->len) {
		dlog(d, 6, "%s: %s", what, s->str);
		g_string_truncate(s, 0);
	}
}

static const struct hb_resource *cur_res(struct dd_rsc *d, size_t g)
{
	return &d->cfg.hr->groups[g].res[d->ops[g].idx];
}

/* Reads what is there; false at EOF or error. */
static bool drain(int fd, GString *s, size_t max)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			if (s->len < max)
				g_string_append_len(s, buf, n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

static gboolean out_cb(gint fd, GIOCondition cond, gpointer data)
{
	struct cb *c = data;
	struct run *r = c->d->ops[c->g].run;
	bool is_out = fd == r->out_fd;
	bool more;

	(void)cond;
	more = drain(fd, is_out ? r->out : r->err, OUT_MAX);
	if (!is_out) {
		char what[300];

		snprintf(what, sizeof(what), "%s stderr", cur_res(c->d, c->g)->spec);
		log_lines(c->d, what, r->err, false);
	}
	if (more)
		return G_SOURCE_CONTINUE;
	/* EOF: the source goes, the fd is closed with the run */
	if (is_out) {
		g_source_unref(r->out_src);
		r->out_src = NULL;
	} else {
		g_source_unref(r->err_src);
		r->err_src = NULL;
	}
	return G_SOURCE_REMOVE;
}

static gboolean timeout_cb(gpointer data)
{
	struct cb *c = data;
	struct run *r = c->d->ops[c->g].run;

	dlog(c->d, 3, "resource %s: script timed out after %u ms, killed",
	     cur_res(c->d, c->g)->spec, c->d->cfg.timeout_ms);
	r->timed_out = true;
	kill_run(r->pid);
	g_source_unref(r->timeout_src);
	r->timeout_src = NULL;
	return G_SOURCE_REMOVE;
}

static void script_done(struct dd_rsc *d, size_t g, int rc, const char *out, size_t outlen);

static void child_cb(GPid pid, gint status, gpointer data)
{
	struct cb *c = data;
	struct dd_rsc *d = c->d;
	size_t g = c->g;
	struct gop *o = &d->ops[g];
	struct run *r = o->run;
	int rc;
	char what[300];

	(void)pid;
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else
		rc = -1;
	if (r->timed_out)
		rc = -1;
	/* what is in the pipes now; a daemon child may keep them open */
	if (r->out_fd >= 0)
		drain(r->out_fd, r->out, OUT_MAX);
	if (r->err_fd >= 0)
		drain(r->err_fd, r->err, OUT_MAX);
	snprintf(what, sizeof(what), "%s stderr", cur_res(d, g)->spec);
	log_lines(d, what, r->err, true);
	g_source_unref(r->child_src);
	r->child_src = NULL;
	g_spawn_close_pid(r->pid);
	r->pid = 0;

	GString *out = r->out;

	r->out = NULL;
	run_free(r, false);
	o->run = NULL;
	script_done(d, g, rc, out->str, out->len);
	g_string_free(out, TRUE);
}

static GSource *attach(struct dd_rsc *d, GSource *s, gpointer fn, size_t g)
{
	struct cb *c = malloc(sizeof(*c));

	if (!c) {
		g_source_unref(s);
		return NULL;
	}
	c->d = d;
	c->g = g;
	g_source_set_callback(s, (GSourceFunc)fn, c, free);
	g_source_attach(s, d->cfg.ctx);
	return s;
}

/* In the child: its own process group, so a timeout kills what it started. */
static void child_setup(gpointer data)
{
	(void)data;
	setpgid(0, 0);
}

static void kill_run(GPid pid)
{
	if (pid <= 0)
		return;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

/* Starts one script run. 0, or -1 (logged). */
static int spawn(struct dd_rsc *d, size_t g, enum hb_script_op op)
{
	struct gop *o = &d->ops[g];
	const struct hb_resource *res = cur_res(d, g);
	struct hb_script_cmd cmd;
	char err[300];
	GError *ge = NULL;
	struct run *r;
	gchar *line;

	if (hb_script_build(res, op, &d->cfg.dirs, file_exists, NULL, o->env, &cmd,
			    err, sizeof(err)) < 0) {
		dlog(d, 3, "%s", err);
		return -1;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		hb_script_cmd_free(&cmd);
		return -1;
	}
	r->out_fd = r->err_fd = -1;
	r->kind = cmd.kind;
	r->out = g_string_new(NULL);
	r->err = g_string_new(NULL);
	line = g_strjoinv(" ", cmd.argv);
	dlog(d, op == HB_SCRIPT_STATUS ? 7 : 6, "Running %s", line);
	g_free(line);
	if (!g_spawn_async_with_pipes("/", cmd.argv, cmd.envp,
				      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
				      child_setup, NULL, &r->pid, NULL, &r->out_fd, &r->err_fd, &ge)) {
		dlog(d, 3, "resource %s: cannot run %s: %s", res->spec, cmd.path,
		     ge ? ge->message : "?");
		g_clear_error(&ge);
		hb_script_cmd_free(&cmd);
		r->pid = 0;
		run_free(r, false);
		return -1;
	}
	hb_script_cmd_free(&cmd);
	o->run = r;
	o->kind = r->kind;
	g_unix_set_fd_nonblocking(r->out_fd, TRUE, NULL);
	g_unix_set_fd_nonblocking(r->err_fd, TRUE, NULL);
	r->out_src = attach(d, g_unix_fd_source_new(r->out_fd, G_IO_IN | G_IO_HUP | G_IO_ERR),
			    out_cb, g);
	r->err_src = attach(d, g_unix_fd_source_new(r->err_fd, G_IO_IN | G_IO_HUP | G_IO_ERR),
			    out_cb, g);
	r->timeout_src = attach(d, g_timeout_source_new(d->cfg.timeout_ms), timeout_cb, g);
	r->child_src = attach(d, g_child_watch_source_new(r->pid), child_cb, g);
	if (!r->child_src) {
		run_free(r, true);
		o->run = NULL;
		return -1;
	}
	return 0;
}

static gboolean retry_cb(gpointer data)
{
	struct cb *c = data;
	struct gop *o = &c->d->ops[c->g];

	g_source_unref(o->retry_src);
	o->retry_src = NULL;
	next_step(c->d, c->g);
	return G_SOURCE_REMOVE;
}

/* Moves to the next resource, or finishes. */
static void advance(struct dd_rsc *d, size_t g)
{
	struct gop *o = &d->ops[g];
	size_t nres = d->cfg.hr->groups[g].nres;

	o->tries = 0;
	if (o->op == HB_RSC_OP_START) {
		if (++o->idx >= nres) {
			finish(d, g, true);
			return;
		}
		o->phase = PH_STATUS;
	} else {
		if (o->idx == 0) {
			finish(d, g, true);
			return;
		}
		o->idx--;
		o->phase = PH_STOP;
	}
	next_step(d, g);
}

static void script_done(struct dd_rsc *d, size_t g, int rc, const char *out, size_t outlen)
{
	struct gop *o = &d->ops[g];
	const struct hb_resource *res = cur_res(d, g);
	enum hb_script_kind kind = o->kind;	/* decides how status is judged */
	switch (o->phase) {
	case PH_STATUS:
		if (hb_script_judge(kind, rc, out, outlen) == HB_STATUS_RUNNING) {
			dlog(d, 6, "Resource %s is already running", res->spec);
			advance(d, g);
			return;
		}
		o->phase = PH_START;
		next_step(d, g);
		return;
	case PH_START:
		if (rc == 0) {
			advance(d, g);
			return;
		}
		dlog(d, 3, "Giving up resources due to failure of %s (start exit %d)",
		     res->spec, rc);
		finish(d, g, false);
		return;
	case PH_STOP:
		if (rc == 0) {
			advance(d, g);
			return;
		}
		if (++o->tries < d->cfg.stop_retries) {
			dlog(d, 4, "Resource %s: stop failed (exit %d), retry %u of %u",
			     res->spec, rc, o->tries, d->cfg.stop_retries - 1);
			o->retry_src = g_timeout_source_new(d->cfg.stop_retry_ms);
			if (attach(d, o->retry_src, retry_cb, g))
				return;
			o->retry_src = NULL;
		}
		o->phase = PH_STATUS_AFTER;
		next_step(d, g);
		return;
	case PH_STATUS_AFTER:
		if (hb_script_judge(kind, rc, out, outlen) == HB_STATUS_NOT_RUNNING) {
			dlog(d, 4, "Resource %s: stop failed but status says it is not running (the script is not LSB compliant)",
			     res->spec);
			advance(d, g);
			return;
		}
		dlog(d, 2, "Resource STOP failure: %s still runs", res->spec);
		finish(d, g, false);
		return;
	}
}

static void next_step(struct dd_rsc *d, size_t g)
{
	struct gop *o = &d->ops[g];
	enum hb_script_op op;

	switch (o->phase) {
	case PH_STATUS:
	case PH_STATUS_AFTER:
		op = HB_SCRIPT_STATUS;
		break;
	case PH_START:
		op = HB_SCRIPT_START;
		break;
	default:
		op = HB_SCRIPT_STOP;
	}
	if (spawn(d, g, op) == 0)
		return;
	/* could not run it at all */
	if (o->phase == PH_STOP) {
		o->phase = PH_STATUS_AFTER;
		if (spawn(d, g, HB_SCRIPT_STATUS) == 0)
			return;
	}
	if (o->phase == PH_STATUS_AFTER && o->op == HB_RSC_OP_STOP) {
		/* no script at all: it cannot be running anything */
		struct hb_script_cmd cmd;
		char err[8];

		if (hb_script_build(cur_res(d, g), HB_SCRIPT_STOP, &d->cfg.dirs, file_exists,
				    NULL, NULL, &cmd, err, sizeof(err)) < 0) {
			dlog(d, 4, "Resource %s has no script: nothing to stop",
			     cur_res(d, g)->spec);
			advance(d, g);
			return;
		}
		hb_script_cmd_free(&cmd);
	}
	finish(d, g, false);
}

static bool has_path(char *const *env)
{
	for (size_t i = 0; env[i]; i++)
		if (strncmp(env[i], "PATH=", 5) == 0)
			return true;
	return false;
}

static int begin(struct dd_rsc *d, size_t group, enum hb_rsc_op op, char *const *extra)
{
	struct gop *o;

	if (group >= d->ng)
		return -EINVAL;
	o = &d->ops[group];
	if (o->active)
		return -EBUSY;
	o->env = strv_concat(d->env, extra);
	if (!o->env)
		return -ENOMEM;
	if (!has_path(o->env)) {
		char *path[] = { DD_RSC_PATH, NULL };
		char **v = strv_concat(path, o->env);

		hb_script_strv_free(o->env);
		o->env = v;
		if (!v)
			return -ENOMEM;
	}
	o->active = true;
	o->op = op;
	o->tries = 0;
	o->ok = false;
	if (op == HB_RSC_OP_START) {
		o->idx = 0;
		o->phase = PH_STATUS;
	} else {
		o->idx = d->cfg.hr->groups[group].nres - 1;
		o->phase = PH_STOP;
	}
	dlog(d, 6, "%s group %s", op == HB_RSC_OP_START ? "Acquiring" : "Releasing",
	     gkey(d, group));
	next_step(d, group);
	return 0;
}

int dd_rsc_start_group(struct dd_rsc *d, size_t group, char *const *extra_env)
{
	return begin(d, group, HB_RSC_OP_START, extra_env);
}

int dd_rsc_stop_group(struct dd_rsc *d, size_t group, char *const *extra_env)
{
	return begin(d, group, HB_RSC_OP_STOP, extra_env);
}
