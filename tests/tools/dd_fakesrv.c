/*
 * dd_fakesrv: a stand-in for duetd's IPC service, for testing duetctl and
 * ha_status without the daemon. It serves DUETD_IPC_NAME with the ids of
 * dd_ipc_proto.h, so a tool that works against it speaks the contract of
 * daemon/duetd/IPC.md.
 *
 *   dd_fakesrv --snapshot FILE [--events FILE] [--log FILE] [--pidfile FILE]
 *              [--refuse MESSAGE]
 *
 * STATUS answers FILE's content (read again for every request, trailing
 * white space dropped). STANDBY / TAKEOVER answer {"ok":true,...} for
 * all|local|foreign, -EINVAL for anything else, and -EBUSY with MESSAGE
 * when --refuse is given. SUBSCRIBE answers ok and registers the client.
 * SIGUSR1 sends every non-empty line of the --events file as one event
 * to every subscriber. Every request is logged to --log, one line each
 * ("STATUS", "STANDBY all", "SUBSCRIBE", "EVENTS 2 to 1"). The pid file
 * is written once the service listens. SIGTERM / SIGINT stop it.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#include "daemon/duetd/dd_ipc_proto.h"

static struct {
	const char *snapshot, *events, *log, *pidfile, *refuse;
	qb_loop_t *loop;
	qb_ipcs_service_t *svc;
} fk;

static void logf_line(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void logf_line(const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	if (!fk.log)
		return;
	f = fopen(fk.log, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

static void respond(qb_ipcs_connection_t *c, int32_t id, int32_t error, const char *body)
{
	struct qb_ipc_response_header hdr;
	size_t len = strlen(body) + 1;
	struct iovec iov[2];

	hdr.id = id;
	hdr.size = (int32_t)(sizeof(hdr) + len);
	hdr.error = error;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)body;
	iov[1].iov_len = len;
	if (qb_ipcs_response_sendv(c, iov, 2) < 0)
		fprintf(stderr, "dd_fakesrv: response to request %d not sent\n", id);
}

static char *result(bool ok, const char *message)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) g = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "ok");
	json_builder_add_boolean_value(b, ok);
	json_builder_set_member_name(b, "message");
	json_builder_add_string_value(b, message);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(g, root);
	return json_generator_to_data(g, NULL);
}

static void do_status(qb_ipcs_connection_t *c)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) err = NULL;

	if (!g_file_get_contents(fk.snapshot, &text, NULL, &err)) {
		g_autofree char *r = result(false, err->message);

		respond(c, DUETD_IPC_STATUS, -EIO, r);
		return;
	}
	g_strchomp(text);
	respond(c, DUETD_IPC_STATUS, 0, text);
}

static void do_action(qb_ipcs_connection_t *c, int32_t id, const char *body)
{
	const char *verb = id == DUETD_IPC_STANDBY ? "STANDBY" : "TAKEOVER";
	g_autofree char *r = NULL;
	g_autofree char *msg = NULL;

	logf_line("%s %s", verb, body);
	if (strcmp(body, "all") != 0 && strcmp(body, "local") != 0 && strcmp(body, "foreign") != 0) {
		msg = g_strdup_printf("bad resource set '%s' (all, local or foreign)", body);
		r = result(false, msg);
		respond(c, id, -EINVAL, r);
		return;
	}
	if (fk.refuse) {
		r = result(false, fk.refuse);
		respond(c, id, -EBUSY, r);
		return;
	}
	msg = g_strdup_printf(id == DUETD_IPC_STANDBY ? "Going standby [%s]." : "Taking over [%s].", body);
	r = result(true, msg);
	respond(c, id, 0, r);
}

static int32_t msg_process(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct qb_ipc_request_header hdr;
	g_autofree char *body = NULL;
	g_autofree char *r = NULL;

	if (size < sizeof(hdr)) {
		fprintf(stderr, "dd_fakesrv: short request (%zu bytes)\n", size);
		return 0;
	}
	memcpy(&hdr, data, sizeof(hdr));
	body = g_strndup((const char *)data + sizeof(hdr), size - sizeof(hdr));
	switch (hdr.id) {
	case DUETD_IPC_STATUS:
		logf_line("STATUS");
		do_status(c);
		break;
	case DUETD_IPC_STANDBY:
	case DUETD_IPC_TAKEOVER:
		do_action(c, hdr.id, body);
		break;
	case DUETD_IPC_SUBSCRIBE:
		logf_line("SUBSCRIBE");
		qb_ipcs_context_set(c, (void *)1);
		r = result(true, "subscribed");
		respond(c, hdr.id, 0, r);
		break;
	default:
		logf_line("UNKNOWN %d", hdr.id);
		r = result(false, "unknown request");
		respond(c, hdr.id, -EINVAL, r);
		break;
	}
	return 0;
}

static int32_t accept_all(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	(void)c;
	(void)uid;
	(void)gid;
	return 0;
}

static int32_t closed(qb_ipcs_connection_t *c)
{
	(void)c;
	return 0;
}

static int32_t send_events(int32_t sig, void *data)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	int sent_lines = 0, subscribers = 0;
	qb_ipcs_connection_t *c, *next;

	(void)sig;
	(void)data;
	if (!fk.events || !g_file_get_contents(fk.events, &text, NULL, NULL)) {
		logf_line("EVENTS none");
		return 0;
	}
	lines = g_strsplit(text, "\n", -1);
	for (c = qb_ipcs_connection_first_get(fk.svc); c; c = next) {
		if (qb_ipcs_context_get(c)) {
			subscribers++;
			sent_lines = 0;
			for (int i = 0; lines[i]; i++) {
				struct qb_ipc_response_header hdr;
				struct iovec iov[2];

				if (!*g_strstrip(lines[i]))
					continue;
				hdr.id = DUETD_IPC_EVENT;
				hdr.size = (int32_t)(sizeof(hdr) + strlen(lines[i]) + 1);
				hdr.error = 0;
				iov[0].iov_base = &hdr;
				iov[0].iov_len = sizeof(hdr);
				iov[1].iov_base = lines[i];
				iov[1].iov_len = strlen(lines[i]) + 1;
				if (qb_ipcs_event_sendv(c, iov, 2) >= 0)
					sent_lines++;
			}
		}
		next = qb_ipcs_connection_next_get(fk.svc, c);
		qb_ipcs_connection_unref(c);
	}
	logf_line("EVENTS %d to %d", sent_lines, subscribers);
	return 0;
}

static int32_t stop(int32_t sig, void *data)
{
	(void)sig;
	(void)data;
	qb_loop_stop(fk.loop);
	return 0;
}

/* libqb's IPC server on libqb's own loop */
static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(fk.loop, p, data, fn);
}

static int32_t poll_add(enum qb_loop_priority p, int32_t fd, int32_t ev, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(fk.loop, p, fd, ev, data, fn);
}

static int32_t poll_mod(enum qb_loop_priority p, int32_t fd, int32_t ev, void *data,
			qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(fk.loop, p, fd, ev, data, fn);
}

static int32_t poll_del(int32_t fd)
{
	return qb_loop_poll_del(fk.loop, fd);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "snapshot", required_argument, NULL, 's' },
		{ "events", required_argument, NULL, 'e' },
		{ "log", required_argument, NULL, 'l' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "refuse", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct qb_ipcs_service_handlers sh = {
		.connection_accept = accept_all,
		.msg_process = msg_process,
		.connection_closed = closed,
	};
	struct qb_ipcs_poll_handlers ph = {
		.job_add = job_add, .dispatch_add = poll_add,
		.dispatch_mod = poll_mod, .dispatch_del = poll_del,
	};
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's': fk.snapshot = optarg; break;
		case 'e': fk.events = optarg; break;
		case 'l': fk.log = optarg; break;
		case 'p': fk.pidfile = optarg; break;
		case 'r': fk.refuse = optarg; break;
		default:
			return 2;
		}
	}
	if (!fk.snapshot || optind < argc) {
		fprintf(stderr, "usage: dd_fakesrv --snapshot FILE [--events FILE] [--log FILE] "
				"[--pidfile FILE] [--refuse MESSAGE]\n");
		return 2;
	}
	fk.loop = qb_loop_create();
	fk.svc = qb_ipcs_create(DUETD_IPC_NAME, 0, QB_IPC_NATIVE, &sh);
	if (!fk.loop || !fk.svc) {
		fprintf(stderr, "dd_fakesrv: cannot create the IPC service\n");
		return 1;
	}
	qb_ipcs_poll_handlers_set(fk.svc, &ph);
	rc = qb_ipcs_run(fk.svc);
	if (rc != 0) {
		fprintf(stderr, "dd_fakesrv: IPC service '%s': %s\n", DUETD_IPC_NAME, strerror(-rc));
		return 1;
	}
	qb_loop_signal_add(fk.loop, QB_LOOP_HIGH, SIGUSR1, NULL, send_events, NULL);
	qb_loop_signal_add(fk.loop, QB_LOOP_HIGH, SIGTERM, NULL, stop, NULL);
	qb_loop_signal_add(fk.loop, QB_LOOP_HIGH, SIGINT, NULL, stop, NULL);
	if (fk.pidfile) {
		g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());

		if (!g_file_set_contents(fk.pidfile, pid, -1, NULL)) {
			fprintf(stderr, "dd_fakesrv: cannot write %s\n", fk.pidfile);
			return 1;
		}
	}
	qb_loop_run(fk.loop);
	qb_ipcs_destroy(fk.svc);
	qb_loop_destroy(fk.loop);
	return 0;
}
