/*
 * dd_ipc: the libqb IPC service "duetd" of IPC.md, run inside the GLib
 * loop through qb_ipcs_poll_handlers (libqb asks to watch fds; we wrap each
 * in a GLib fd source). Requests: STATUS (the snapshot), STANDBY and
 * TAKEOVER (to the resource layer), SUBSCRIBE (events afterwards).
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcs.h>
#include <qb/qblog.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_ipc_proto.h"
#include "daemon/duetd/dd_json.h"

struct fdw {
	int fd;
	int events;
	guint id;
	void *data;
	qb_ipcs_dispatch_fn_t fn;
};

struct ipc {
	struct dd *d;
	qb_ipcs_service_t *srv;
	GHashTable *fds;	/* fd -> struct fdw */
	GList *subs;		/* subscribed connections */
	gid_t haclient;
	bool has_haclient;
};

static struct ipc *g_ipc;

/* ---- GLib <-> libqb poll bridge ----------------------------------------------- */

static gboolean fd_ready(gint fd, GIOCondition cond, gpointer data)
{
	struct fdw *w = data;
	int32_t rc = w->fn(fd, (int32_t)cond, w->data);

	if (rc < 0) {
		/* libqb is done with it; it calls dispatch_del itself or we do */
		if (g_ipc && g_hash_table_lookup(g_ipc->fds, GINT_TO_POINTER(fd)) == w) {
			w->id = 0;
			g_hash_table_remove(g_ipc->fds, GINT_TO_POINTER(fd));
		}
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void fdw_free(gpointer p)
{
	struct fdw *w = p;

	if (w->id)
		g_source_remove(w->id);
	g_free(w);
}

static int32_t dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	struct fdw *w = g_new0(struct fdw, 1);

	(void)p;
	w->fd = fd;
	w->events = events;
	w->data = data;
	w->fn = fn;
	w->id = g_unix_fd_add(fd, (GIOCondition)events, fd_ready, w);
	g_hash_table_replace(g_ipc->fds, GINT_TO_POINTER(fd), w);
	return 0;
}

static int32_t dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events,
			    void *data, qb_ipcs_dispatch_fn_t fn)
{
	return dispatch_add(p, fd, events, data, fn);
}

static int32_t dispatch_del(int32_t fd)
{
	g_hash_table_remove(g_ipc->fds, GINT_TO_POINTER(fd));
	return 0;
}

struct job {
	void *data;
	qb_loop_job_dispatch_fn fn;
};

static gboolean job_run(gpointer p)
{
	struct job *j = p;

	j->fn(j->data);
	g_free(j);
	return G_SOURCE_REMOVE;
}

static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	struct job *j = g_new0(struct job, 1);

	(void)p;
	j->data = data;
	j->fn = fn;
	g_idle_add(job_run, j);
	return 0;
}

static struct qb_ipcs_poll_handlers poll_handlers = {
	.job_add = job_add,
	.dispatch_add = dispatch_add,
	.dispatch_mod = dispatch_mod,
	.dispatch_del = dispatch_del,
};

/* ---- service -------------------------------------------------------------- */

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	(void)c;
	if (uid == 0 || (g_ipc->has_haclient && gid == g_ipc->haclient))
		return 0;
	qb_log(LOG_NOTICE, "refused an IPC client with uid %ld gid %ld", (long)uid, (long)gid);
	return -EACCES;
}

static void on_created(qb_ipcs_connection_t *c)
{
	(void)c;
}

static int32_t on_closed(qb_ipcs_connection_t *c)
{
	g_ipc->subs = g_list_remove(g_ipc->subs, c);
	return 0;
}

static void on_destroyed(qb_ipcs_connection_t *c)
{
	g_ipc->subs = g_list_remove(g_ipc->subs, c);
}

static void respond(qb_ipcs_connection_t *c, int32_t id, int32_t error, const char *body)
{
	size_t blen = strlen(body) + 1;
	size_t len = sizeof(struct qb_ipc_response_header) + blen;
	char *buf = malloc(len);
	struct qb_ipc_response_header *h = (void *)buf;
	ssize_t rc;

	if (!buf)
		return;
	h->id = id;
	h->size = (int32_t)len;
	h->error = error;
	memcpy(buf + sizeof(*h), body, blen);
	rc = qb_ipcs_response_send(c, buf, len);
	if (rc < 0)
		qb_log(LOG_DEBUG, "IPC response not sent: %s", strerror((int)-rc));
	free(buf);
}

static void respond_result(qb_ipcs_connection_t *c, int32_t id, int32_t error, bool ok,
			   const char *msg)
{
	struct dd_json j;

	dd_json_init(&j);
	dd_json_obj_begin(&j);
	dd_json_kbool(&j, "ok", ok);
	dd_json_kstr(&j, "message", msg);
	dd_json_obj_end(&j);
	respond(c, id, error, dd_json_text(&j) ? dd_json_text(&j) : "{}");
	dd_json_free(&j);
}

static int32_t on_msg(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct dd *d = g_ipc->d;
	const struct qb_ipc_request_header *h = data;
	char body[256] = "";
	char why[256];
	int rc;

	if (size < sizeof(*h)) {
		respond_result(c, 0, -EINVAL, false, "request too short");
		return 0;
	}
	if (size > sizeof(*h)) {
		size_t n = size - sizeof(*h);

		if (n >= sizeof(body))
			n = sizeof(body) - 1;
		memcpy(body, (const char *)data + sizeof(*h), n);
		body[n] = '\0';
	}
	/* the peers' heartbeats queued since the last look (dd_beat.h):
	 * what a client sees is as fresh as the kernel's queue */
	dd_media_drain_beats(d);
	dd_cluster_settle(d);
	switch (h->id) {
	case DUETD_IPC_STATUS: {
		char *snap = dd_status_json(d);

		if (snap)
			respond(c, h->id, 0, snap);
		else
			respond_result(c, h->id, -ENOMEM, false, "out of memory");
		free(snap);
		break;
	}
	case DUETD_IPC_STANDBY:
	case DUETD_IPC_TAKEOVER:
		if (strcmp(body, "all") && strcmp(body, "local") && strcmp(body, "foreign")) {
			respond_result(c, h->id, -EINVAL, false,
				       "expected all, local or foreign");
			break;
		}
		why[0] = '\0';
		rc = dd_fo_request(d, h->id == DUETD_IPC_TAKEOVER, body, why, sizeof(why));
		respond_result(c, h->id, rc, rc == 0, why);
		break;
	case DUETD_IPC_SUBSCRIBE:
		if (!g_list_find(g_ipc->subs, c))
			g_ipc->subs = g_list_append(g_ipc->subs, c);
		respond_result(c, h->id, 0, true, "subscribed");
		break;
	default:
		respond_result(c, h->id, -EINVAL, false, "unknown request");
		break;
	}
	return 0;
}

static struct qb_ipcs_service_handlers service_handlers = {
	.connection_accept = on_accept,
	.connection_created = on_created,
	.msg_process = on_msg,
	.connection_closed = on_closed,
	.connection_destroyed = on_destroyed,
};

int dd_ipc_start(struct dd *d)
{
	struct group *gr;
	int rc;

	g_ipc = g_new0(struct ipc, 1);
	g_ipc->d = d;
	g_ipc->fds = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, fdw_free);
	gr = getgrnam("haclient");
	if (gr) {
		g_ipc->haclient = gr->gr_gid;
		g_ipc->has_haclient = true;
	}
	g_ipc->srv = qb_ipcs_create(DUETD_IPC_NAME, 0, QB_IPC_NATIVE, &service_handlers);
	if (!g_ipc->srv) {
		qb_log(LOG_ERR, "ERROR: cannot create the IPC service %s", DUETD_IPC_NAME);
		return -1;
	}
	qb_ipcs_poll_handlers_set(g_ipc->srv, &poll_handlers);
	qb_ipcs_enforce_buffer_size(g_ipc->srv, DUETD_IPC_MAX_MSG);
	rc = qb_ipcs_run(g_ipc->srv);
	if (rc != 0) {
		qb_log(LOG_ERR, "ERROR: cannot start the IPC service %s: %s", DUETD_IPC_NAME,
		       strerror(-rc));
		qb_ipcs_destroy(g_ipc->srv);
		g_ipc->srv = NULL;
		return -1;
	}
	d->ipc = g_ipc;
	return 0;
}

void dd_ipc_stop(struct dd *d)
{
	if (!g_ipc)
		return;
	if (g_ipc->srv)
		qb_ipcs_destroy(g_ipc->srv);
	g_list_free(g_ipc->subs);
	g_hash_table_destroy(g_ipc->fds);
	g_free(g_ipc);
	g_ipc = NULL;
	d->ipc = NULL;
}

void dd_ipc_broadcast(struct dd *d, const struct dd_event *ev)
{
	struct dd_json j;
	const char *text;

	(void)d;
	if (!g_ipc || !g_ipc->subs)
		return;
	dd_json_init(&j);
	dd_event_json(&j, ev);
	text = dd_json_text(&j);
	if (text) {
		size_t blen = strlen(text) + 1;
		size_t len = sizeof(struct qb_ipc_response_header) + blen;
		char *buf = malloc(len);

		if (buf) {
			struct qb_ipc_response_header *h = (void *)buf;

			h->id = DUETD_IPC_EVENT;
			h->size = (int32_t)len;
			h->error = 0;
			memcpy(buf + sizeof(*h), text, blen);
			for (GList *l = g_ipc->subs; l; l = l->next)
				(void)qb_ipcs_event_send(l->data, buf, len);
			free(buf);
		}
	}
	dd_json_free(&j);
}
