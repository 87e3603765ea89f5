/*
 * ha_status: a console view of duetd that a person leaves open.
 *
 * It subscribes to duetd's events and, on each one, asks for a new
 * snapshot and redraws. There is no redraw timer: the frame says when its
 * snapshot was taken and shows clock times, not growing ages, for what is
 * dead (dd_view.h). A resize (SIGWINCH) or the key 'r' also fetch a new
 * snapshot and redraw; 'q' or Ctrl-C quit. When duetd goes away the view
 * says "waiting for duetd" and tries to reconnect once a second (that
 * retry is the only timer, and it draws nothing until the state changes).
 *
 *   ha_status [--once | --json] [-w COLUMNS]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

#include "daemon/duetd/dd_client.h"
#include "daemon/duetd/dd_ipc_proto.h"
#include "daemon/duetd/dd_snap.h"
#include "daemon/duetd/dd_view.h"

#define RETRY_MS 1000

static const char usage_text[] =
	"Usage: ha_status [--once | --json] [-w COLUMNS]\n"
	"Show duetd's view of the cluster: nodes, heartbeat media with the time each\n"
	"peer was last heard, resource groups and where they run, recent events.\n"
	"Redraws whenever duetd reports an event (never on a timer); 'r' redraws with\n"
	"a fresh snapshot, 'q' or Ctrl-C quits.\n"
	"\n"
	"  -1, --once          print one frame and exit\n"
	"  -j, --json          print duetd's snapshot exactly as received (compact JSON,\n"
	"                      one line) and exit\n"
	"  -w, --width COLS    render for COLS columns (default: the terminal's width,\n"
	"                      else $COLUMNS, else 80)\n"
	"  -h, --help          this text\n"
	"\n"
	"Colours only when standard output is a terminal and NO_COLOR is not set.\n"
	"Exit status: 0 ok, 1 failed, 2 usage error, 3 duetd is not running (--once,\n"
	"--json).\n";

struct app {
	GMainLoop *loop;
	struct dd_client *c;
	guint ev_watch;
	guint retry_src;
	struct dd_snap *snap;
	int64_t snap_ms;	/* wall clock when snap arrived */
	char *waiting_why;	/* what the waiting frame says, NULL when connected */
	bool tty;		/* stdout is a terminal: clear before each frame */
	bool colour;
	int width_opt;
	bool raw;		/* stdin in non-canonical mode, to be restored */
	struct termios saved;
	unsigned long frames;	/* drawn so far */
};

static int64_t now_ms(void)
{
	return g_get_real_time() / 1000;
}

static void view_size(const struct app *a, int *width, int *height)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	*width = 80;
	*height = 0;
	if (a->tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		*width = ws.ws_col;
		*height = ws.ws_row;
	} else if (cols && atoi(cols) > 0) {
		*width = atoi(cols);
	}
	if (a->width_opt > 0)
		*width = a->width_opt;
}

static void emit(struct app *a, const char *frame)
{
	if (a->tty)
		fputs("\033[H\033[2J", stdout);
	else if (a->frames)
		fputc('\n', stdout);	/* frames in a pipe: one blank line apart */
	a->frames++;
	fputs(frame, stdout);
	fflush(stdout);
}

static void draw(struct app *a)
{
	struct dd_view_opts o = { .colour = a->colour };
	g_autofree char *frame = NULL;

	view_size(a, &o.width, &o.height);
	if (a->snap) {
		o.now_ms = a->snap_ms;
		frame = dd_view_frame(a->snap, &o);
	} else {
		o.now_ms = now_ms();
		frame = dd_view_waiting(&o, a->waiting_why);
	}
	emit(a, frame);
}

static void start_retry(struct app *a);

/* the connection is gone or unusable: say so once, then retry */
static void lost(struct app *a, const char *why)
{
	if (a->ev_watch) {
		g_source_remove(a->ev_watch);
		a->ev_watch = 0;
	}
	dd_client_close(a->c);
	a->c = NULL;
	dd_snap_free(a->snap);
	a->snap = NULL;
	if (!a->waiting_why || strcmp(a->waiting_why, why) != 0) {
		g_free(a->waiting_why);
		a->waiting_why = g_strdup(why);
		draw(a);
	}
	start_retry(a);
}

/* fetches a snapshot and redraws; false when the connection failed */
static bool refresh(struct app *a)
{
	g_autofree char *reply = NULL;
	g_autoptr(GError) err = NULL;
	struct dd_snap *s;
	size_t len;
	int32_t error;
	int rc = dd_client_request(a->c, DUETD_IPC_STATUS, NULL, DD_CLIENT_TIMEOUT_MS,
				   &reply, &len, &error);

	if (rc) {
		lost(a, dd_client_strerror(rc));
		return false;
	}
	if (error) {
		g_autofree char *r = dd_client_refusal(error, reply, len);
		g_autofree char *why = g_strdup_printf("duetd refused the status request: %s", r);

		lost(a, why);
		return false;
	}
	s = dd_snap_parse(reply, len, &err);
	if (!s) {
		g_autofree char *why = g_strdup_printf("duetd's snapshot: %s", err->message);

		lost(a, why);
		return false;
	}
	dd_snap_free(a->snap);
	a->snap = s;
	a->snap_ms = now_ms();
	g_clear_pointer(&a->waiting_why, g_free);
	draw(a);
	return true;
}

static gboolean on_event(gint fd, GIOCondition cond, gpointer data)
{
	struct app *a = data;
	int got = 0, rc;
	char *body;

	(void)fd;
	while ((rc = dd_client_event_take(a->c, &body)) > 0) {
		got++;
		g_free(body);
	}
	if (rc < 0 && rc != -EPROTO) {
		a->ev_watch = 0;
		lost(a, dd_client_strerror(rc));
		return G_SOURCE_REMOVE;
	}
	if (!got && (cond & (G_IO_HUP | G_IO_ERR))) {
		a->ev_watch = 0;
		lost(a, "duetd closed the connection");
		return G_SOURCE_REMOVE;
	}
	/* a malformed event (-EPROTO) still says something changed */
	if (got || rc == -EPROTO) {
		guint watch = a->ev_watch;

		if (!refresh(a))
			return watch == a->ev_watch ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

/* connects and subscribes; on failure shows the waiting frame */
static bool attach(struct app *a)
{
	g_autofree char *reply = NULL;
	g_autoptr(GError) err = NULL;
	struct dd_result res;
	size_t len;
	int32_t error;
	int fd, rc = dd_client_connect(&a->c);

	if (rc) {
		lost(a, dd_client_strerror(rc));
		return false;
	}
	rc = dd_client_request(a->c, DUETD_IPC_SUBSCRIBE, NULL, DD_CLIENT_TIMEOUT_MS,
			       &reply, &len, &error);
	if (rc) {
		lost(a, dd_client_strerror(rc));
		return false;
	}
	if (!dd_result_parse(reply, len, &res, &err)) {
		g_autofree char *why = g_strdup_printf("duetd's answer to subscribe: %s", err->message);

		lost(a, why);
		return false;
	}
	if (!res.ok || error) {
		g_autofree char *why = g_strdup_printf("duetd refused the subscription: %s",
						       res.message);

		dd_result_clear(&res);
		lost(a, why);
		return false;
	}
	dd_result_clear(&res);
	fd = dd_client_event_fd(a->c);
	if (fd < 0) {
		lost(a, "no event descriptor on the IPC connection");
		return false;
	}
	a->ev_watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_event, a);
	return refresh(a);
}

static gboolean on_retry(gpointer data)
{
	struct app *a = data;

	a->retry_src = 0;
	attach(a);
	return G_SOURCE_REMOVE;
}

static void start_retry(struct app *a)
{
	if (!a->retry_src)
		a->retry_src = g_timeout_add(RETRY_MS, on_retry, a);
}

static gboolean on_quit(gpointer data)
{
	struct app *a = data;

	g_main_loop_quit(a->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean on_winch(gpointer data)
{
	struct app *a = data;

	if (a->c)
		refresh(a);
	else
		draw(a);
	return G_SOURCE_CONTINUE;
}

static gboolean on_key(gint fd, GIOCondition cond, gpointer data)
{
	struct app *a = data;
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)cond;
	if (n <= 0)
		return G_SOURCE_REMOVE;	/* stdin closed: keep running on events */
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == 'q' || buf[i] == 'Q' || buf[i] == 3 /* ^C when ISIG is off */) {
			g_main_loop_quit(a->loop);
			return G_SOURCE_REMOVE;
		}
		if ((buf[i] == 'r' || buf[i] == 'R' || buf[i] == 12 /* ^L */) && a->c) {
			refresh(a);
			return G_SOURCE_CONTINUE;
		}
	}
	return G_SOURCE_CONTINUE;
}

static void keys_raw(struct app *a)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &a->saved) != 0)
		return;
	t = a->saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0)
		a->raw = true;
}

static int live(struct app *a)
{
	a->loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGINT, on_quit, a);
	g_unix_signal_add(SIGTERM, on_quit, a);
	g_unix_signal_add(SIGHUP, on_quit, a);
	g_unix_signal_add(SIGWINCH, on_winch, a);
	keys_raw(a);
	g_unix_fd_add(STDIN_FILENO, G_IO_IN | G_IO_HUP, on_key, a);
	if (a->tty)
		fputs("\033[?25l", stdout);	/* hide the cursor */
	attach(a);
	g_main_loop_run(a->loop);
	if (a->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &a->saved);
	if (a->tty)
		fputs("\033[?25h", stdout);
	fflush(stdout);
	dd_client_close(a->c);
	dd_snap_free(a->snap);
	g_free(a->waiting_why);
	g_main_loop_unref(a->loop);
	return DD_EXIT_OK;
}

/* --once and --json: one snapshot, printed */
static int one_shot(struct app *a, bool json)
{
	g_autofree char *reply = NULL;
	g_autofree char *frame = NULL;
	g_autoptr(GError) err = NULL;
	struct dd_view_opts o = { .colour = a->colour };
	struct dd_snap *s;
	size_t len;
	int32_t error;
	int rc = dd_client_connect(&a->c);

	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		fprintf(stderr, "%s\n", DD_CLIENT_NOT_RUNNING);
		return DD_EXIT_NO_DAEMON;
	}
	if (rc) {
		fprintf(stderr, "ha_status: cannot connect to duetd: %s\n", dd_client_strerror(rc));
		return DD_EXIT_REFUSED;
	}
	rc = dd_client_request(a->c, DUETD_IPC_STATUS, NULL, DD_CLIENT_TIMEOUT_MS, &reply, &len, &error);
	dd_client_close(a->c);
	a->c = NULL;
	if (rc) {
		fprintf(stderr, "ha_status: status: %s\n", dd_client_strerror(rc));
		return DD_EXIT_REFUSED;
	}
	if (error) {
		g_autofree char *why = dd_client_refusal(error, reply, len);

		fprintf(stderr, "ha_status: status: refused by duetd: %s\n", why);
		return DD_EXIT_REFUSED;
	}
	s = dd_snap_parse(reply, len, &err);
	if (!s) {
		fprintf(stderr, "ha_status: duetd's snapshot: %s\n", err->message);
		return DD_EXIT_REFUSED;
	}
	if (json) {
		printf("%s\n", reply);
	} else {
		o.now_ms = now_ms();
		view_size(a, &o.width, &o.height);
		o.height = 0;	/* one frame for a script or a log: every event */
		frame = dd_view_frame(s, &o);
		fputs(frame, stdout);
	}
	dd_snap_free(s);
	return fflush(stdout) == 0 ? DD_EXIT_OK : DD_EXIT_REFUSED;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "json", no_argument, NULL, 'j' },
		{ "width", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct app a = { .frames = 0 };
	const char *no_colour = getenv("NO_COLOR");
	bool once = false, json = false;
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "1jw:h", opts, NULL)) != -1) {
		switch (ch) {
		case '1':
			once = true;
			break;
		case 'j':
			json = true;
			break;
		case 'w':
			a.width_opt = (int)strtol(optarg, &end, 10);
			if (*end || a.width_opt < 20 || a.width_opt > 1000) {
				fprintf(stderr, "ha_status: --width '%s': expected 20 to 1000 columns\n",
					optarg);
				return DD_EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return DD_EXIT_OK;
		default:
			fprintf(stderr, "Try 'ha_status --help'.\n");
			return DD_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ha_status: unexpected argument '%s'\nTry 'ha_status --help'.\n",
			argv[optind]);
		return DD_EXIT_USAGE;
	}
	if (once && json) {
		fprintf(stderr, "ha_status: --once and --json exclude each other\n");
		return DD_EXIT_USAGE;
	}
	a.tty = isatty(STDOUT_FILENO);
	a.colour = a.tty && !(no_colour && *no_colour);
	if (once || json)
		return one_shot(&a, json);
	return live(&a);
}
