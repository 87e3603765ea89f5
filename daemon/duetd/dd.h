/*
 * dd: the duetd daemon's shared state. One process, one GLib main loop
 * and the heartbeat thread, which take turns under the daemon lock
 * (dd_pulse.h); every concern has its own dd_*.c file working on this
 * context.
 */
#ifndef DUET_DD_H
#define DUET_DD_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include <glib.h>

#include "daemon/hb/hb_authkeys.h"
#include "daemon/hb/hb_beat.h"
#include "daemon/hb/hb_conf.h"
#include "daemon/hb/hb_haresources.h"
#include "daemon/hb/hb_live.h"
#include "daemon/hb/hb_msg.h"
#include "daemon/duetd/dd_events.h"
#include "daemon/duetd/dd_hist.h"
#include "daemon/duetd/dd_pulse.h"

#define DD_VERSION "1.0"
#define DD_HB_VERSION "3.0.6"	/* the Heartbeat version we speak to */

/* Why a received packet was dropped (the "dropped" object of IPC.md). */
enum dd_drop {
	DD_DROP_BAD_SIGNATURE,	/* missing, unparsable or wrong signature */
	DD_DROP_WRONG_KEY,	/* key number we do not have */
	DD_DROP_MALFORMED,
	DD_DROP_TRUNCATED,
	DD_DROP_OVERSIZED,
	DD_DROP_NOT_FOR_US,	/* addressed to another node */
	DD_DROP_REPLAY,		/* older generation, old seq */
	DD_DROP_UNKNOWN_NODE,	/* src is not a configured node */
	DD_DROP_COUNT,
};

struct dd;

struct dd_medium {
	struct dd *dd;
	int index;
	const struct hb_medium *cfg;
	char name[128];		/* link name as Heartbeat shows it: eth1, /dev/ttyS1 */
	char spec[160];		/* "eth1 10.78.0.2" */
	int fd;
	bool fd_owner;		/* several UDP media may share one socket */
	int beat_fd;		/* the owner's unwatched socket of plain heartbeats, or -1 */
	int tx_fd;		/* ucast: a socket connected to the peer, or -1 (dd_media.c) */
	guint watch;
	struct sockaddr_in dst;	/* where we send (UDP) */
	uint64_t tx, rx, dropped;
	uint64_t rx_beats;	/* of rx, heartbeats read on the tick (beat_fd) */
	uint64_t last_drop_log_ms;
	uint64_t drops_since_log;
	/* serial */
	char *lockfile;
	char *rxbuf;
	size_t rxlen, rxcap;
	bool in_frame, skipping;
	GByteArray *rxline;
	GByteArray *txq;
	guint txwatch;
	bool tx_error_logged;
};

struct dd_ping_node {
	const struct hb_ping *cfg;
	struct in_addr addr[8];
	size_t naddr;
	uint64_t last_ms;	/* last echo reply, 0 never */
	bool up;
};

struct dd_peer {
	uint8_t uuid[HB_UUID_LEN];
	bool has_uuid;
	char last_status[16];	/* for "Status update" lines */
	bool left;		/* sent shutdone: ignore it until it restarts */
	uint64_t left_gen;
};

struct dd {
	/* options */
	char *confdir;
	char *pidfile;
	char *statedir;		/* hb_generation, hb_uuid */
	char *lockdir;		/* UUCP lock files */
	char *hookdir;		/* notify hooks */
	bool foreground, debug;

	/* configuration */
	struct hb_conf conf;
	struct hb_authkeys keys;
	struct hb_haresources hares;
	char *cf_path, *keys_path, *hares_path;
	char localname[HB_NODENAME_MAX + 1];

	/* identity */
	uint8_t uuid[HB_UUID_LEN];
	uint64_t gen;
	uint64_t seq;		/* last sequence number used */

	/* membership */
	struct hb_live live;
	char **peer_names;	/* the nodes of ha.cf without us, index = hb_live index */
	size_t npeers;
	struct dd_peer peers[HB_LIVE_MAX_NODES];
	const char *status;	/* our own: init, up, active */
	bool sent_init;
	bool reqnodes_sent;
	uint64_t start_ms;	/* monotonic */
	int64_t start_wall_ms;
	uint64_t next_status_ms;
	struct hb_msg status_msg;	/* our heartbeat, kept and rewritten */
	struct hb_beat beat;	/* its wire images (send_status) */
	const char *beat_st;	/* the st and dt they were built with */
	char beat_dt[24];
	char ld[64];		/* cached /proc/loadavg */
	uint64_t ld_at;
	uint64_t live_next_ms;
	uint64_t live_clock_ms;	/* latest time handed to the liveness core */
	uint64_t beats_eager_until;	/* read the heartbeat sockets every tick until */
	struct dd_pulse pulse;	/* the heartbeat thread, the daemon lock */
	GSource *tick;		/* the loop's timer (dd_cluster_reschedule) */
	uint64_t timer_at;	/* its deadline, 0 when not armed */

	struct dd_medium *media;
	size_t nmedia;

	struct dd_ping_node *pings;
	size_t npings;
	int ping_fd;
	guint ping_watch;
	uint16_t ping_id, ping_seq;
	uint16_t ping_confirm_seq;	/* dd_ping_confirm's echo request */
	bool ping_confirming;		/* its answer not heard yet */
	uint64_t next_ping_ms;

	struct dd_hist hist;
	uint64_t drops[DD_DROP_COUNT];
	uint64_t last_drop_log_ms;
	uint64_t drops_unlogged;
	struct dd_events events;

	GMainLoop *loop;
	bool stopping;
	bool shutdone_sent;
	int exit_code;
	bool restart;		/* re-exec after the loop (partition heal) */
	char **argv;
	void *ipc;		/* dd_ipc's state */
	void *rsc;		/* dd_rsc glue state, NULL without resources */
};

/*
 * Marks a source "can recurse": GLib then does not block and unblock its
 * poll records around every dispatch, which costs an eventfd write and
 * one more loop iteration per packet. duetd never runs a nested loop.
 */
guint dd_source_fast(guint id);

/* monotonic milliseconds */
uint64_t dd_now_ms(void);
int64_t dd_wall_ms(void);

/* dd_cluster.c: membership and messages */
int dd_cluster_start(struct dd *d);
void dd_cluster_stop(struct dd *d);
/* A datagram or a serial frame came in on medium m. */
void dd_cluster_rx(struct dd *d, struct dd_medium *m, const void *buf, size_t len,
		   const char *from);
/*
 * The same for one that arrived at monotonic time at_ms (it may have been
 * read late), from src when from is NULL, without judging deadlines: the caller calls
 * dd_cluster_settle() once it has read everything queued.
 */
void dd_cluster_rx_at(struct dd *d, struct dd_medium *m, const void *buf, size_t len,
		      const char *from, const struct sockaddr_in *src, uint64_t at_ms);
void dd_cluster_settle(struct dd *d);
/*
 * Sends a message to the cluster: control fields, seq (unless NS_), signed
 * with the active key, on every medium. m's fields are replaced in place.
 * dest may be NULL. Returns 0 or -1.
 */
int dd_cluster_send(struct dd *d, struct hb_msg *m, const char *dest);
/* Re-arms the single timer at the next deadline. */
void dd_cluster_reschedule(struct dd *d);
/* Node name of a peer index; status text of a peer. */
const char *dd_peer_status(const struct dd *d, size_t i);

/* dd_media.c: sockets and ttys */
int dd_media_open(struct dd *d);
void dd_media_close(struct dd *d);
/*
 * Reads the plain heartbeats queued on the unwatched sockets (dd_beat.h),
 * in arrival order and with their arrival times. Called before anything
 * else a wake-up handles, so messages are seen in the order they came.
 */
void dd_media_drain_beats(struct dd *d);
/* Sends wire bytes on one medium (netstring for UDP, classic for serial). */
void dd_media_send(struct dd *d, struct dd_medium *m, const void *buf, size_t len);
const char *dd_media_kind(const struct dd_medium *m);

/* dd_serial.c */
int dd_serial_open(struct dd *d, struct dd_medium *m);
void dd_serial_close(struct dd_medium *m);
void dd_serial_send(struct dd *d, struct dd_medium *m, const void *buf, size_t len);

/* dd_ping.c */
int dd_ping_open(struct dd *d);
void dd_ping_close(struct dd *d);
/* sends echoes when due, marks ping nodes dead; returns the next deadline */
uint64_t dd_ping_tick(struct dd *d, uint64_t now);
/* a ping at once; its answer (or a later one's) calls dd_fo_ping_answer */
void dd_ping_confirm(struct dd *d);

/*
 * Logs a line at prio and records it as an event of kind (node, link,
 * group, rsc, daemon) for the snapshot and the subscribers.
 */
void dd_event(struct dd *d, int prio, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Counts and (rate-limited) logs a dropped packet. */
void dd_cluster_drop(struct dd *d, struct dd_medium *m, enum dd_drop why,
		     const char *from, const char *detail);
const char *dd_drop_name(enum dd_drop why);

/*
 * dd_failover.c: the resource layer's glue (hb_rsc + dd_rsc when built
 * with them). The cluster calls these; each is a no-op without groups.
 */
int dd_fo_start(struct dd *d);
void dd_fo_stop(struct dd *d);
void dd_fo_comm_up(struct dd *d);
void dd_fo_node_dead(struct dd *d, int peer);
void dd_fo_node_up(struct dd *d, int peer);
void dd_fo_partition(struct dd *d, int peer);	/* it returns after a partition */
/* a message from a peer (or our own, delivered locally) for the resource layer */
void dd_fo_msg(struct dd *d, const struct hb_msg *m, const struct hb_hdr *h, int peer);
void dd_fo_ping(struct dd *d);
void dd_fo_ping_answer(struct dd *d);
/* a message from Heartbeat's FIFO: true when the resource layer took it */
bool dd_fo_fifo(struct dd *d, const struct hb_msg *m, const struct hb_hdr *h);		/* ping reachability changed */
/* graceful shutdown: true when it may exit now, else it calls dd_quit() later */
bool dd_fo_shutdown(struct dd *d);
/* IPC: standby / takeover "all|local|foreign"; 0 or -errno with why */
int dd_fo_request(struct dd *d, bool takeover, const char *what, char *why, size_t cap);
/* the groups and rsc state for the snapshot */
struct dd_json;
void dd_fo_json(struct dd *d, struct dd_json *j);
uint64_t dd_fo_tick(struct dd *d, uint64_t now);

/* dd_main.c: leave the main loop */
void dd_quit(struct dd *d, int code);

/* dd_fifo.c: STATEDIR/fifo for Heartbeat's shell tools */
int dd_fifo_open(struct dd *d);
void dd_fifo_close(struct dd *d);

/* dd_ipc.c */
int dd_ipc_start(struct dd *d);
void dd_ipc_stop(struct dd *d);
void dd_ipc_broadcast(struct dd *d, const struct dd_event *ev);

/* dd_status.c: the snapshot of IPC.md */
char *dd_status_json(struct dd *d);

/* dd_hooks.c: tells other components about membership changes */
void dd_hook_run(struct dd *d, const char *event, const char *node);

#endif
