/*
 * hb_rsc: the haresources resource layer of Heartbeat 3.0.6 between two
 * nodes (heartbeat.md §2, §4.4, §5.3-5.8), sans I/O: no sockets, no
 * processes, no clock. The caller (duetd's glue) feeds it events and the
 * time in ms of a monotonic clock, and executes the actions it queues:
 *
 *   SEND        broadcast msg (t= and the message's own fields, built with
 *               hb_msg); the glue adds the control fields
 *               (hb_msg_add_control) and signs. hb_rsc never sends to itself:
 *               the glue must not feed our own messages back.
 *   START_GROUP run the group's resources' start left to right (skipping
 *               those whose status says running), then hb_rsc_group_done()
 *   STOP_GROUP  run stop right to left (with retries), then group_done()
 *   EXIT        shutdown handed over: the daemon may exit (restart: re-exec
 *               itself, as 3.0.6 does after a partition heals)
 *   LOG         a line for the log; event: also for ha_status subscribers
 *
 * Protocol (what a stock 3.0.6 peer sees):
 *  - auto_failback on/off ("nice_failback"): at comm up send `starting`;
 *    states init -> starting -> (bothstarting) -> rscrcvd -> stable. A
 *    `starting` from the peer is answered with `resource rsc_hold=<held>
 *    rtype=full isstable=0|1`. When the peer says isstable=1, or when
 *    RQSTDELAY (10 s) has passed since comm up, we take the groups we
 *    prefer that the peer does not hold (each announced, as 3.0.6 does,
 *    by `ip-request-resp dest=<us> ipaddr=KEY weown=yes ok=OK`), and
 *    broadcast `resource ... isstable=1 info=req_our_resources()`. A node
 *    alone at comm up takes every group at once.
 *  - legacy: at comm up, for every group we prefer, `ip-request
 *    ipaddr=KEY` (peer alive) or start it (alone). An `ip-request` from the
 *    peer: stop the group if we run it, reply `ip-request-resp dest=peer
 *    ipaddr=KEY weown=yes|no ok=OK`; an `ip-request-resp` for us: start it.
 *    Standby/takeover are refused (ENOTSUP) as in 3.0.6.
 *  - peer death (mach_down): `stonith node=P result=n_stnth` (or
 *    result=unneeded when it held nothing), then start every group not
 *    running here, then `resource rsc_hold=foreign info=mach_down`.
 *  - split brain rule (duet, beyond 3.0.6): with ping nodes configured
 *    (cfg.have_ping), if the peer is declared dead while the ping nodes are
 *    unreachable too (hb_rsc_ping(false), the initial state), we may be the
 *    isolated node: the peer's groups are NOT taken, nor anything else not
 *    already running here (logged); they are taken when the ping nodes
 *    become reachable while the peer is still dead, and never if the peer
 *    comes back first. The same holds at comm up when the peer was never
 *    heard: report the ping nodes before initdead expires. Reachable is
 *    not enough: a ping sent after the peer's death must be answered
 *    (hb_rsc_ping_answer), since a node cut off from everything at once
 *    can hear the peer's silence before the ping nodes' dead time ends.
 *  - auto_failback on: when the peer has (re)started, and once it is
 *    stable and holds none of its own groups while we run some of them, we
 *    start a standby of "foreign" (once per peer start, so a group that
 *    failed on its home node and was offered to us does not bounce).
 *  - standby (3-phase, both roles): initiator sends `ask_resources
 *    rsc_hold=SET info=me`; the responder, if stable and not in flux,
 *    answers `info=other`; the initiator broadcasts `resource rsc_hold=<what
 *    it keeps> rtype=full isstable=0 info=standby`, stops SET right to
 *    left, sends `info=done`; the responder starts SET, sends `info=done`;
 *    both broadcast `resource rtype=full isstable=1`. No `other` within
 *    10 s cancels the request. A second request while one is in flux is
 *    refused (EBUSY). `hb_takeover rsc_hold=SET` makes the peer run a
 *    standby of the mirrored set (all->all, local->foreign,
 *    foreign->local).
 *  - shutdown: delayed while groups are starting/stopping; then `resource
 *    rsc_hold=none rtype=full isstable=0 info=shutdown`, STOP_GROUP for
 *    every running group (queued last group first; the runner may run them
 *    in parallel), `shutdone st=dead` once all are stopped, EXIT. The peer
 *    takes everything at once on `shutdone` ("Received shutdown notice").
 *  - partition heal (hb_rsc_peer_partition): as 3.0.6, stop everything,
 *    send `shutdone`, EXIT with restart; the fresh start decides again.
 *  - messages not from the peer, addressed to another node, or out of
 *    place in the handshake are ignored (logged at debug/info).
 *
 * Failure policy:
 *  - a group whose start fails is stopped again right to left (STOP_GROUP)
 *    and marked failed: never left half-running. If the peer is alive (and
 *    nice_failback), after failed_standby_ms (Heartbeat: 30 s) we run a
 *    standby of the group's class (local or foreign), as ResourceManager's
 *    background `hb_standby` does, so the peer may try it. A failed group is
 *    not started again here until it comes back by a standby/takeover
 *    handshake, the peer dies or shuts down (one new attempt), or restart.
 *  - stop retries are the runner's job (dd_rsc: 10 tries 1 s apart, as
 *    HA_STOPRETRYMAX). A stop that still fails marks the group failed and
 *    unmanaged: it counts as held by us and is never given to the peer: a
 *    standby in progress is aborted (no `done`, the groups already stopped
 *    are started here again and a `resource ... isstable=1
 *    info=standby_failed` tells the peer), a shutdown does not send
 *    `shutdone` and does not exit (CRIT log; calling hb_rsc_shutdown()
 *    again retries the stops). 3.0.6 reboots the node instead.
 */
#ifndef DUET_HB_RSC_H
#define DUET_HB_RSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/hb/hb_conf.h"		/* enum hb_failback */
#include "daemon/hb/hb_haresources.h"
#include "daemon/hb/hb_msg.h"

#define HB_RSC_RQSTDELAY_MS		10000u
#define HB_RSC_STANDBY_TIMEOUT_MS	10000u
#define HB_RSC_FAILED_STANDBY_MS	30000u
#define HB_RSC_TEXT			240

/* Resource sets, numbered as Heartbeat's HB_*_RSC. */
enum hb_rset {
	HB_RSET_NONE = 0,
	HB_RSET_LOCAL = 1,
	HB_RSET_FOREIGN = 2,
	HB_RSET_ALL = 3,
};

/* Resource-layer state (3.0.6's resourcestate), for status. */
enum hb_rsc_state {
	HB_RSC_INIT,		/* comm not up yet */
	HB_RSC_STARTING,	/* sent `starting` */
	HB_RSC_BOTHSTARTING,	/* ... and got the peer's */
	HB_RSC_RSCRCVD,		/* got the peer's `resource` */
	HB_RSC_STABLE,
	HB_RSC_SHUTDOWN,	/* shutting down (or restarting after a partition) */
};

enum hb_rsc_owner {
	HB_OWNER_NONE,
	HB_OWNER_LOCAL,
	HB_OWNER_PEER,
};

enum hb_rsc_gstate {
	HB_G_STOPPED,
	HB_G_STARTING,
	HB_G_RUNNING,
	HB_G_STOPPING,
	HB_G_FAILED,
};

enum hb_rsc_op {
	HB_RSC_OP_START,
	HB_RSC_OP_STOP,
};

/* The standby handshake, as 3.0.6's going_standby. */
enum hb_rsc_sb {
	HB_SB_NOT,
	HB_SB_ME,		/* initiator: sent info=me, waiting for other */
	HB_SB_GIVING,		/* initiator: stopping the set */
	HB_SB_GAVE,		/* initiator: sent done, waiting for the peer's */
	HB_SB_OTHER,		/* responder: sent info=other, waiting for done */
	HB_SB_TAKING,		/* responder: starting the set */
};

struct hb_rsc_cfg {
	const char *local;		/* our node name */
	const char *peer;		/* the other node, NULL if ha.cf has one node */
	enum hb_failback failback;
	bool have_ping;			/* ping / ping_group configured */
	const struct hb_haresources *hr; /* borrowed: must outlive the hb_rsc */
	uint32_t rqstdelay_ms;		/* 0: HB_RSC_RQSTDELAY_MS */
	uint32_t standby_timeout_ms;	/* 0: HB_RSC_STANDBY_TIMEOUT_MS */
	uint32_t failed_standby_ms;	/* 0: HB_RSC_FAILED_STANDBY_MS */
};

enum hb_rsc_act_type {
	HB_RSC_ACT_SEND,
	HB_RSC_ACT_START_GROUP,
	HB_RSC_ACT_STOP_GROUP,
	HB_RSC_ACT_EXIT,
	HB_RSC_ACT_LOG,
};

/* Log priorities, with syslog's numbers. */
enum hb_rsc_prio {
	HB_RSC_CRIT = 2,
	HB_RSC_ERR = 3,
	HB_RSC_WARN = 4,
	HB_RSC_INFO = 6,
	HB_RSC_DEBUG = 7,
};

enum hb_rsc_kind {
	HB_RSC_KIND_RSC,	/* ha_status event kind "rsc" */
	HB_RSC_KIND_GROUP,	/* "group" */
};

struct hb_rsc_act {
	enum hb_rsc_act_type type;
	struct hb_msg msg;	/* SEND: owned by the queue until taken */
	size_t group;		/* START_GROUP / STOP_GROUP: index in hr->groups */
	bool restart;		/* EXIT: re-exec instead of exiting */
	enum hb_rsc_prio prio;	/* LOG */
	enum hb_rsc_kind kind;	/* LOG */
	bool event;		/* LOG: worth an ha_status event */
	char text[HB_RSC_TEXT];	/* LOG */
};

struct hb_rsc_actq {
	struct hb_rsc_act *v;
	size_t n, cap;
	size_t dropped;		/* actions lost to ENOMEM */
};

void hb_rsc_actq_init(struct hb_rsc_actq *q);
/* Frees every action (and its message) and empties the queue. */
void hb_rsc_actq_reset(struct hb_rsc_actq *q);
void hb_rsc_actq_free(struct hb_rsc_actq *q);

struct hb_rsc_group {
	enum hb_rsc_gstate state;
	bool local_class;	/* preferred node is us */
	bool unmanaged;		/* stop failed: may still run, never given away */
	bool failed_start;	/* failed state came from a start */
	bool give_after;	/* legacy: reply to an ip-request when stopped */
	bool in_standby;	/* part of the running standby handshake */
	bool cleanup;		/* stopping after a failed start */
	bool restart_after;	/* start again once stopped (aborted standby) */
};

struct hb_rsc {
	struct hb_rsc_cfg cfg;
	char local[100], peer[100];
	bool has_peer;
	size_t ng;
	struct hb_rsc_group *g;

	enum hb_rsc_state state;
	bool comm_up;
	bool peer_alive;		/* as far as the resource layer knows */
	bool peer_shutdown;		/* it sent shutdone */
	bool ping_ok;
	bool ping_fresh;		/* a ping sent since the peer died was answered */
	bool takeover_pending;		/* peer dead, no fresh ping answer: waiting */
	unsigned other_holds;		/* enum hb_rset, from the peer's view */
	bool other_stable;
	bool other_holds_known;

	uint64_t rqst_at;		/* RQSTDELAY deadline, 0 none */
	bool startup_taking;		/* req_our_resources() in progress */
	bool mach_down_taking;		/* mach_down in progress */

	enum hb_rsc_sb sb;
	unsigned sb_set;		/* our view (local = our preferred groups) */
	unsigned sb_wire;		/* rsc_hold as on the wire */
	uint64_t sb_deadline;
	bool sb_failed;			/* a stop failed while giving */
	unsigned standby_given;		/* what we gave by standby, for status */
	uint64_t failed_sb_at;		/* failed start: standby of this class */
	unsigned failed_sb_set;

	uint64_t tk_deadline;		/* hb_takeover sent: reply window */
	bool fb_armed;			/* auto_failback: the peer (re)started */
	bool peer_starting;		/* its `starting` came before our comm up */

	bool shutdown_req;		/* asked, maybe delayed */
	bool shutdown_delayed_logged;
	bool shutdown_stuck;		/* a stop failed: not handing over */
	bool shutdown_restart;		/* partition heal */
	bool shutdown_sent;		/* resource info=shutdown sent */
	bool exited;

	char why[HB_RSC_TEXT];		/* reason of the last refusal */
};

/* 0, or -1 (bad config: no local name, or ENOMEM). */
int hb_rsc_init(struct hb_rsc *r, const struct hb_rsc_cfg *cfg);
void hb_rsc_free(struct hb_rsc *r);

/*
 * Comm is up (hb_live's COMM_UP): the resource layer starts. Report a peer
 * already declared dead with hb_rsc_peer_dead() before or after; a peer
 * declared dead before comm up is handled at comm up.
 */
void hb_rsc_comm_up(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q);

/* Peer heard (again): hb_live NODE_UP / RESTART. */
void hb_rsc_peer_up(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q);
/* Peer declared dead: mach_down. */
void hb_rsc_peer_dead(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q);
/* hb_live PARTITION: the peer returns after a partition (3.0.6 restarts). */
void hb_rsc_peer_partition(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q);
/* Ping nodes: reachable = at least one answers. Initially unreachable. */
void hb_rsc_ping(struct hb_rsc *r, uint64_t now, bool reachable,
		 struct hb_rsc_actq *q);
/*
 * A ping node answered a ping sent after takeover_pending was set (the
 * caller sends one at once when it sees takeover_pending && !ping_fresh).
 */
void hb_rsc_ping_answer(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q);

/*
 * A resource-layer message delivered to us (authenticated, accepted by
 * hb_live): starting, resource, ask_resources, hb_takeover, ip-request,
 * ip-request-resp, shutdone, stonith. h = hb_msg_hdr(m). Other types
 * and messages not from the peer are ignored. Returns true if the type
 * was one of the resource layer's.
 */
bool hb_rsc_rx(struct hb_rsc *r, uint64_t now, const struct hb_msg *m,
	       const struct hb_hdr *h, struct hb_rsc_actq *q);

/*
 * A message a local script wrote into the FIFO (3.0.6's hb_standby,
 * hb_takeover): `ask_resources info=me` becomes hb_rsc_standby() and
 * `hb_takeover` hb_rsc_takeover(); returns true when consumed (the glue
 * must then not broadcast it), false when the glue should broadcast it as
 * is.
 */
bool hb_rsc_rx_fifo(struct hb_rsc *r, uint64_t now, const struct hb_msg *m,
		    const struct hb_hdr *h, struct hb_rsc_actq *q);

/*
 * Local commands. 0 when started; -ENOTSUP (legacy), -EBUSY (in flux,
 * in transition, not stable, shutting down), -EHOSTDOWN (peer dead),
 * -EINVAL. hb_rsc_why() says why in words.
 */
int hb_rsc_standby(struct hb_rsc *r, uint64_t now, enum hb_rset set,
		   struct hb_rsc_actq *q);
int hb_rsc_takeover(struct hb_rsc *r, uint64_t now, enum hb_rset set,
		    struct hb_rsc_actq *q);
/* Graceful shutdown (SIGTERM). Calling it again retries failed stops. */
void hb_rsc_shutdown(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q);
const char *hb_rsc_why(const struct hb_rsc *r);

/* The runner finished START_GROUP / STOP_GROUP of group gi. */
void hb_rsc_group_done(struct hb_rsc *r, uint64_t now, size_t gi,
		       enum hb_rsc_op op, bool ok, struct hb_rsc_actq *q);

/* Timers. Returns when to call again (UINT64_MAX: nothing pending). */
uint64_t hb_rsc_tick(struct hb_rsc *r, uint64_t now, struct hb_rsc_actq *q);

/* Status. */
struct hb_rsc_gstatus {
	const char *key;		/* first resource as written */
	const char *preferred;		/* node */
	enum hb_rsc_owner owner;
	enum hb_rsc_gstate state;	/* our side's; running when the peer owns it */
	bool unmanaged;
};

void hb_rsc_group_status(const struct hb_rsc *r, size_t gi,
			 struct hb_rsc_gstatus *st);
enum hb_rsc_state hb_rsc_state(const struct hb_rsc *r);
/* Local node in standby: it gave groups away by standby and holds none of them. */
bool hb_rsc_in_standby(const struct hb_rsc *r);
/* Something moves: a group starting/stopping, a handshake, a shutdown. */
bool hb_rsc_in_transition(const struct hb_rsc *r);
/* What we hold (enum hb_rset, our view), as sent in rsc_hold. */
unsigned hb_rsc_held(const struct hb_rsc *r);
bool hb_rsc_group_is_local(const struct hb_rsc *r, size_t gi);	/* running/starting/stopping/unmanaged here */

const char *hb_rsc_state_str(enum hb_rsc_state s);	/* init starting bothstarting rscrcvd stable shutdown */
const char *hb_rsc_gstate_str(enum hb_rsc_gstate s);	/* stopped starting running stopping failed */
const char *hb_rsc_owner_str(enum hb_rsc_owner o);	/* local peer none */
const char *hb_rset_str(enum hb_rset s);		/* none local foreign all */
/* "none" "local" "foreign" "all" (case-insensitive) -> set; -1 otherwise. */
int hb_rset_parse(const char *s);
/* all->all, local->foreign, foreign->local: the other node's view. */
unsigned hb_rset_mirror(unsigned set);

#endif
