/*
 * dd_sys: the system side of duetd: pid file, realtime scheduling and
 * locked memory, the persistent generation number and node UUID,
 * /proc/loadavg.
 */
#ifndef DUET_DD_SYS_H
#define DUET_DD_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The pid recorded in path if that process runs, else 0. */
pid_t dd_pidfile_running(const char *path);
/* Writes our pid; -1 (logged) if another duetd runs or on error. */
int dd_pidfile_write(const char *path);
void dd_pidfile_remove(const char *path);

/* SCHED_RR (prio, 1 if < 1); a warning when refused. */
void dd_realtime(bool on, int prio);
/*
 * Once started: unmap the start-up's library text (it stays cached) and,
 * with lock (realtime on), lock memory on fault: mlockall(MCL_CURRENT|
 * MCL_ONFAULT), or without CAP_IPC_LOCK the mappings in use that fit in
 * RLIMIT_MEMLOCK. Says what was locked.
 */
void dd_memory_settle(bool lock);

/*
 * STATEDIR/hb_generation: 16-byte right-aligned decimal, read, incremented
 * and written back (Heartbeat's hbgenmethod file); time() if missing or
 * with hbgenmethod time. 0 / -1.
 */
int dd_generation(const char *statedir, bool use_time, uint64_t *gen);
/* STATEDIR/hb_uuid: 16 raw bytes, created at random if missing. */
int dd_uuid(const char *statedir, uint8_t uuid[16]);
/* first line of /proc/loadavg, without the newline */
void dd_loadavg(char *out, size_t cap);

#endif
