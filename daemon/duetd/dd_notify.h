/*
 * dd_notify: the systemd notification protocol (sd_notify(3)) without
 * libsystemd: one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET
 * (a path, or an abstract name written with a leading '@'). Without
 * $NOTIFY_SOCKET (not started by systemd with Type=notify) every call
 * does nothing.
 */
#ifndef DUET_DD_NOTIFY_H
#define DUET_DD_NOTIFY_H

#include <stdint.h>

/*
 * Sends state ("READY=1", "STOPPING=1\nSTATUS=...", "WATCHDOG=1") to the
 * service manager. 1 sent, 0 no $NOTIFY_SOCKET, -errno on failure.
 */
int dd_notify(const char *state);

/*
 * The watchdog interval systemd asks for (WatchdogSec=): $WATCHDOG_USEC
 * in microseconds when $WATCHDOG_PID is unset or names this process,
 * else 0 (no watchdog). Ping at half of it (sd_watchdog_enabled(3)).
 */
uint64_t dd_notify_watchdog_usec(void);

#endif
