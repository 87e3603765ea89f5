/*
 * dd_log: see dd_log.h.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "daemon/duetd/dd_log.h"

#define DD_LOG_FORMAT "%t %H duetd: [%P]: %p: %b"
#define DD_BLACKBOX_SIZE (64 * 1024)

static bool log_debug;

void dd_log_early(bool to_stderr, bool debug)
{
	log_debug = debug;
	qb_log_init("duetd", LOG_DAEMON, debug ? LOG_DEBUG : LOG_INFO);
	/* syslog comes on only once ha.cf says which facility */
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_FALSE);
	qb_log_format_set(QB_LOG_STDERR, "%p: %b");
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
			  debug ? LOG_DEBUG : LOG_INFO);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, to_stderr ? QB_TRUE : QB_FALSE);

	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_SIZE, DD_BLACKBOX_SIZE);
	qb_log_filter_ctl(QB_LOG_BLACKBOX, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
			  LOG_DEBUG);
	qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_TRUE);
}

static void file_target(const char *path, int prio)
{
	int t;

	if (!path || !*path || strcmp(path, "/dev/null") == 0)
		return;
	t = qb_log_file_open(path);
	if (t < 0) {
		qb_log(LOG_WARNING, "WARN: cannot open log file %s: %s", path, strerror(-t));
		return;
	}
	qb_log_format_set(t, DD_LOG_FORMAT);
	qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", prio);
	qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE);
}

void dd_log_configure(struct dd *d)
{
	const struct hb_conf *c = &d->conf;
	bool debug = log_debug || c->debug > 0;
	int prio = debug ? LOG_DEBUG : LOG_INFO;

	if (c->log_facility >= 0) {
		qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_FACILITY, c->log_facility);
		qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  prio);
		qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_TRUE);
	} else if (!c->logfile && !c->debugfile && !c->logfacility) {
		/* Heartbeat's default with no log directive: the system log */
		qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  prio);
		qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_TRUE);
	}
	/* logfile: everything but debug; debugfile: everything */
	file_target(c->logfile, LOG_INFO);
	file_target(c->debugfile, LOG_DEBUG);
	if (c->use_logd)
		qb_log(LOG_INFO, "use_logd: duetd logs through syslog/journal itself");
}

void dd_log_blackbox_dump(struct dd *d)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/duetd-blackbox-%ld", d->statedir, (long)getpid());
	if (qb_log_blackbox_write_to_file(path) < 0)
		qb_log(LOG_WARNING, "WARN: cannot write the blackbox to %s", path);
	else
		qb_log(LOG_INFO, "blackbox written to %s (read it with qb-blackbox)", path);
}

void dd_log_fini(void)
{
	qb_log_fini();
}
