/*
 * dd_log: libqb logging for duetd: syslog/journal with ha.cf's
 * logfacility, logfile and debugfile in Heartbeat's line format, stderr in
 * the foreground, and a blackbox ring (dumped on SIGTRAP and at a crash).
 */
#ifndef DUET_DD_LOG_H
#define DUET_DD_LOG_H

#include <stdbool.h>

#include "daemon/duetd/dd.h"

/* Before the configuration is read: stderr only (and syslog daemon). */
void dd_log_early(bool to_stderr, bool debug);
/* After: the targets ha.cf asks for. */
void dd_log_configure(struct dd *d);
/* Writes the blackbox to STATEDIR/duetd-blackbox-PID; logs where. */
void dd_log_blackbox_dump(struct dd *d);
void dd_log_fini(void);

#endif
