/*
 * duetd: Heartbeat 3.0.6-compatible membership and haresources failover
 * daemon, one process per node. See duetd(8).
 *
 * This file: options, -t / -k, daemonizing, the pid file, signals and the
 * order in which the other dd_* parts start and stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib-unix.h>
#include <qb/qblog.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_respawn.h"
#include "daemon/duetd/dd_config.h"
#include "daemon/duetd/dd_log.h"
#include "daemon/duetd/dd_notify.h"
#include "daemon/duetd/dd_sys.h"

#ifndef DUET_SYSCONFDIR
#define DUET_SYSCONFDIR "/etc"
#endif

#define DD_STOP_WAIT_S 120	/* -k waits this long for the daemon to go */

static struct dd dd;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: duetd [OPTION]...\n"
		"Heartbeat 3.0.6-compatible membership and haresources failover daemon.\n"
		"\n"
		"  -c, --confdir DIR   configuration directory [%s/ha.d]\n"
		"  -t, --test          check ha.cf, authkeys and haresources and exit\n"
		"  -f, --foreground    stay in the foreground, log to stderr too\n"
		"  -k, --kill          stop the running daemon gracefully (groups are\n"
		"                      handed to the peer) and wait until it is gone\n"
		"  -s, --status        say whether duetd runs (exit 0) or not (exit 3)\n"
		"  -d, --debug         debug messages\n"
		"      --pidfile FILE  pid file [/run/duetd.pid]\n"
		"      --statedir DIR  hb_generation and hb_uuid [/var/lib/heartbeat]\n"
		"      --lockdir DIR   UUCP lock files of serial lines [/var/lock]\n"
		"      --hookdir DIR   notification hooks [%s/duet/notify.d]\n"
		"  -h, --help          this text\n"
		"  -V, --version       version\n"
		"\n"
		"Exit status: 0 success, 1 configuration or start-up error (or -k: no\n"
		"daemon to stop / it did not stop), 2 usage, 3 -s: not running.\n",
		DUET_SYSCONFDIR, DUET_SYSCONFDIR);
}

void dd_quit(struct dd *d, int code)
{
	d->exit_code = code;
	if (d->loop)
		g_main_loop_quit(d->loop);
}

static gboolean on_term(gpointer data)
{
	struct dd *d = data;

	if (d->stopping) {
		qb_log(LOG_INFO, "shutdown already in progress");
		return G_SOURCE_CONTINUE;
	}
	d->stopping = true;
	dd_notify("STOPPING=1\nSTATUS=shutting down: stopping the resource groups");
	dd_event(d, LOG_INFO, "daemon", "duetd shutdown in progress.");
	dd_respawn_stop(d);
	if (dd_fo_shutdown(d))
		dd_quit(d, 0);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hup(gpointer data)
{
	(void)data;
	qb_log(LOG_WARNING, "WARN: SIGHUP: duetd does not reload its configuration; "
	       "restart it (duetd -k, then duetd) to apply changes");
	return G_SOURCE_CONTINUE;
}

static gboolean on_usr(gpointer data)
{
	static bool debug;

	(void)data;
	debug = !debug;
	qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
			  debug ? LOG_DEBUG : LOG_INFO);
	qb_log(LOG_INFO, "debug messages %s", debug ? "on" : "off");
	return G_SOURCE_CONTINUE;
}

static void on_trap(int sig)
{
	(void)sig;
	dd_log_blackbox_dump(&dd);
}

static int do_kill(const char *pidfile)
{
	pid_t pid = dd_pidfile_running(pidfile);

	if (!pid) {
		fprintf(stderr, "duetd: not running (no live process in %s)\n", pidfile);
		return 1;
	}
	if (kill(pid, SIGTERM) < 0) {
		fprintf(stderr, "duetd: cannot signal process %ld: %s\n", (long)pid,
			strerror(errno));
		return 1;
	}
	for (int i = 0; i < DD_STOP_WAIT_S * 10; i++) {
		if (kill(pid, 0) < 0 && errno == ESRCH)
			return 0;
		usleep(100000);
	}
	fprintf(stderr, "duetd: process %ld did not stop within %d s\n", (long)pid,
		DD_STOP_WAIT_S);
	return 1;
}

static gboolean on_watchdog(gpointer data)
{
	(void)data;
	dd_notify("WATCHDOG=1");
	return G_SOURCE_CONTINUE;
}

/*
 * Under systemd (Type=notify): ready once media and IPC are up; the
 * watchdog is pinged from the main loop, so a hung loop is caught. As
 * when daemonized, stderr logging ends here (the journal has syslog).
 */
static void notify_ready(void)
{
	uint64_t wd = dd_notify_watchdog_usec();

	if (dd_notify("READY=1\nSTATUS=running") <= 0)
		return;
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_FALSE);
	if (wd)
		g_timeout_add(wd / 2000 ? (guint)(wd / 2000) : 1, on_watchdog, NULL);
}

/* fork; the parent waits for the child's verdict on the start-up */
static int daemonize(int *report_fd)
{
	int p[2];
	pid_t pid;
	char c = '1';

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			c = '1';
		_exit(c == '0' ? 0 : 1);
	}
	close(p[0]);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	umask(022);
	if (chdir("/") < 0)
		_exit(1);
	*report_fd = p[1];
	return 0;
}

/* tells the waiting parent how the start went; detaches stdio */
static void report(int *fd, char c)
{
	int nul;

	if (*fd < 0)
		return;
	(void)!write(*fd, &c, 1);
	close(*fd);
	*fd = -1;
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_FALSE);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		if (nul > 2)
			close(nul);
	}
}

int main(int argc, char **argv)
{
	enum { OPT_PIDFILE = 256, OPT_STATEDIR, OPT_LOCKDIR, OPT_HOOKDIR };
	static const struct option opts[] = {
		{ "confdir", required_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "kill", no_argument, NULL, 'k' },
		{ "status", no_argument, NULL, 's' },
		{ "debug", no_argument, NULL, 'd' },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "statedir", required_argument, NULL, OPT_STATEDIR },
		{ "lockdir", required_argument, NULL, OPT_LOCKDIR },
		{ "hookdir", required_argument, NULL, OPT_HOOKDIR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct dd *d = &dd;
	bool test = false, kill_ = false, status = false;
	int report_fd = -1, c, rc = 1;

	/*
	 * One malloc arena: GLib's worker thread (signals, child watches)
	 * would otherwise get its own, 64 MB of address space that counts
	 * against RLIMIT_MEMLOCK and a few resident pages, for a thread that
	 * hardly allocates.
	 */
	mallopt(M_ARENA_MAX, 1);
	d->argv = argv;
	d->confdir = DUET_SYSCONFDIR "/ha.d";
	d->pidfile = "/run/duetd.pid";
	d->statedir = "/var/lib/heartbeat";
	d->lockdir = "/var/lock";
	d->hookdir = DUET_SYSCONFDIR "/duet/notify.d";
	while ((c = getopt_long(argc, argv, "c:tfksdhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': d->confdir = optarg; break;
		case 't': test = true; break;
		case 'f': d->foreground = true; break;
		case 'k': kill_ = true; break;
		case 's': status = true; break;
		case 'd': d->debug = true; break;
		case OPT_PIDFILE: d->pidfile = optarg; break;
		case OPT_STATEDIR: d->statedir = optarg; break;
		case OPT_LOCKDIR: d->lockdir = optarg; break;
		case OPT_HOOKDIR: d->hookdir = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("duetd %s (Heartbeat %s wire and configuration)\n",
				 DD_VERSION, DD_HB_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "duetd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (kill_)
		return do_kill(d->pidfile);
	if (status) {
		pid_t pid = dd_pidfile_running(d->pidfile);

		if (pid)
			printf("duetd is running (pid %ld)\n", (long)pid);
		else
			printf("duetd is stopped\n");
		return pid ? 0 : 3;
	}

	dd_log_early(!test, d->debug);
	if (test) {
		rc = dd_config_load(d, stderr, 0);
		if (rc == 0)
			printf("%s, %s and %s are valid\n", d->cf_path, d->keys_path,
			       d->hares_path);
		dd_config_free(d);
		dd_log_fini();
		return rc == 0 ? 0 : 1;
	}
	if (dd_config_load(d, stderr, 0) < 0) {
		fprintf(stderr, "duetd: configuration error, not started\n");
		return 1;
	}
	if (dd_pidfile_running(d->pidfile)) {
		fprintf(stderr, "duetd: already running (pid %ld, %s)\n",
			(long)dd_pidfile_running(d->pidfile), d->pidfile);
		return 1;
	}
	if (!d->foreground && daemonize(&report_fd) < 0) {
		fprintf(stderr, "duetd: cannot daemonize: %s\n", strerror(errno));
		return 1;
	}
	dd_log_configure(d);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTRAP, on_trap);
	d->loop = g_main_loop_new(NULL, FALSE);
	dd_events_init(&d->events);
	dd_hist_init(&d->hist);
	if (dd_pidfile_write(d->pidfile) < 0)
		goto out;
	if (dd_uuid(d->statedir, d->uuid) < 0 ||
	    dd_generation(d->statedir, d->conf.hbgen_time, &d->gen) < 0)
		goto out_pid;
	dd_realtime(d->conf.realtime, d->conf.rtprio);
	if (dd_media_open(d) < 0 || dd_ping_open(d) < 0)
		goto out_media;
	if (dd_ipc_start(d) < 0)
		goto out_media;
	if (dd_cluster_start(d) < 0)
		goto out_ipc;
	if (dd_fo_start(d) < 0) {
		dd_cluster_stop(d);
		goto out_ipc;
	}
	dd_fifo_open(d);
	g_unix_signal_add(SIGTERM, on_term, d);
	g_unix_signal_add(SIGINT, on_term, d);
	g_unix_signal_add(SIGHUP, on_hup, d);
	g_unix_signal_add(SIGUSR1, on_usr, d);
	report(&report_fd, '0');
	notify_ready();
	dd_memory_settle(d->conf.realtime);
	g_main_loop_run(d->loop);
	rc = d->exit_code;
	dd_respawn_stop(d);
	dd_fifo_close(d);
	dd_fo_stop(d);
	dd_cluster_stop(d);
	dd_event(d, LOG_INFO, "daemon", "duetd stopped.");
out_ipc:
	dd_ipc_stop(d);
out_media:
	dd_ping_close(d);
	dd_media_close(d);
out_pid:
	dd_pidfile_remove(d->pidfile);
out:
	report(&report_fd, '1');
	dd_hist_free(&d->hist);
	g_main_loop_unref(d->loop);
	dd_config_free(d);
	dd_log_fini();
	if (d->restart) {
		/* 3.0.6 re-execs after a partition heals; the fresh start decides */
		execv("/proc/self/exe", d->argv);
		fprintf(stderr, "duetd: cannot re-exec: %s\n", strerror(errno));
		return 1;
	}
	return rc;
}
