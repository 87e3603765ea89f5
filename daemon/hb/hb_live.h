/*
 * hb_live: node and link liveness, sequence tracking and the ACK/rexmit
 * decisions of Heartbeat 3 (heartbeat.md §4.5, §5.1-5.2), sans I/O.
 *
 * The caller feeds it authenticated messages (hb_live_rx) and the time
 * (hb_live_tick), in milliseconds of a monotonic clock of its choice, and
 * gets back a verdict per message and events: a node or link came up or
 * died, a heartbeat was late, a peer restarted or returned after a
 * partition, packets were lost, and what to send (NS_ackmsg, NS_rexmit).
 *
 * Rules:
 *  - a node is dead when every medium has been silent for its dead time:
 *    the dt it advertises in its status messages, else our deadtime; a
 *    node never heard from is dead initdead after hb_live_init();
 *  - "comm up" once every node has been heard from or declared dead;
 *  - a status message more than warntime after the previous one is late;
 *  - per node: a lower generation (hg) is a replay and dropped, a higher
 *    one a restart (tracking starts over); seq == last+1 is in order,
 *    seq == last a duplicate (several media), a gap is recorded and asked
 *    for again after a random 50..max_rexmit_delay ms, then every
 *    max_rexmit_delay ms until it comes or is NAKed; a gap over 250
 *    starts tracking over, and so does a node coming back from the dead;
 *  - any authenticated packet (duplicates, NS_ messages) counts as a sign
 *    of life for the node and its medium; only status messages count for
 *    "late heartbeat". A packet that arrives after the dead time but
 *    before the tick that would have declared the node dead keeps it
 *    alive (3.0.6 would declare it dead all the same); LATE reports the
 *    interval, so the caller can log it as critical;
 *  - a peer that said protocol=1 gets an ACK for seq % 10 == a per-peer
 *    random trigger, when nothing is missing.
 */
#ifndef DUET_HB_LIVE_H
#define DUET_HB_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/hb/hb_msg.h"

#define HB_LIVE_MAX_NODES	8
#define HB_LIVE_MAX_MEDIA	64
#define HB_LIVE_MAX_MISSING	500	/* Heartbeat's MAXMISSING */
#define HB_LIVE_SEQGAP		250	/* a bigger gap starts tracking over */
#define HB_LIVE_ACK_DIV		10
#define HB_LIVE_REXMIT_MIN_MS	50
#define HB_LIVE_EVQ		64

struct hb_live_cfg {
	uint32_t deadtime_ms;
	uint32_t warntime_ms;
	uint32_t initdead_ms;
	uint32_t max_rexmit_delay_ms;	/* ha.cf max_rexmit_delay, 250 */
	size_t nmedia;
	uint32_t seed;			/* ACK triggers and rexmit delays */
};

enum hb_live_state {
	HB_LIVE_INIT,		/* never heard from */
	HB_LIVE_ALIVE,
	HB_LIVE_DEAD,
};

struct hb_live_link {
	uint64_t last_ms;
	bool heard;
	bool up;
};

struct hb_live_node {
	char name[100];
	enum hb_live_state state;
	char status[16];		/* last st= it reported */
	uint64_t last_ms;		/* last packet on any medium */
	uint64_t last_status_ms;	/* last status message */
	bool heard_status;
	uint32_t dead_ms;		/* its advertised dt, else our deadtime */
	int protocol;			/* from its status messages, -1 unknown */
	struct hb_live_link links[HB_LIVE_MAX_MEDIA];

	/* sequence tracking */
	bool has_gen, has_seq;
	bool partition_pending;		/* back from the dead, no status yet */
	uint64_t gen, last_seq;
	unsigned ack_trigger;
	uint64_t missing[HB_LIVE_MAX_MISSING];
	size_t nmissing;
	uint64_t rexmit_at;		/* when to ask for missing packets */
};

struct hb_live {
	struct hb_live_cfg cfg;
	struct hb_live_node nodes[HB_LIVE_MAX_NODES];
	size_t nnodes;
	uint64_t start_ms;
	bool comm_up;
	uint32_t rnd;
};

enum hb_live_ev_type {
	HB_LIVE_EV_NODE_UP,	/* heard (again); b = 1 if it had been declared dead */
	HB_LIVE_EV_NODE_DEAD,	/* a = ms since last heard */
	HB_LIVE_EV_LINK_UP,
	HB_LIVE_EV_LINK_DEAD,
	HB_LIVE_EV_LATE,	/* "Late heartbeat": a = interval in ms */
	HB_LIVE_EV_RESTART,	/* higher generation: a = old, b = new */
	HB_LIVE_EV_PARTITION,	/* same generation from a dead node: "returning after partition" */
	HB_LIVE_EV_LOST,	/* packets a..b missing */
	HB_LIVE_EV_LOST_MANY,	/* gap of a packets: tracking starts over */
	HB_LIVE_EV_RECOVERED,	/* "No pkts missing" */
	HB_LIVE_EV_SEND_ACK,	/* send NS_ackmsg dest=node ackseq=a */
	HB_LIVE_EV_SEND_REXMIT,	/* send NS_rexmit dest=node firstseq=a lastseq=b (one run of missing numbers) */
	HB_LIVE_EV_COMM_UP,	/* every node heard from or dead (node = -1) */
};

struct hb_live_ev {
	enum hb_live_ev_type type;
	int node;
	int medium;		/* links, -1 otherwise */
	uint64_t a, b;
};

struct hb_live_evq {
	struct hb_live_ev ev[HB_LIVE_EVQ];
	size_t n;
	size_t dropped;		/* events that did not fit */
};

enum hb_live_verdict {
	HB_LIVE_ACCEPT,		/* deliver it */
	HB_LIVE_NOT_FOR_US,	/* tracked, but addressed to another node */
	HB_LIVE_DUPLICATE,	/* the same message again (another medium) */
	HB_LIVE_OLD,		/* older than tracked and not missing */
	HB_LIVE_REPLAY,		/* an older generation */
	HB_LIVE_BAD,		/* a sequenced type without a valid seq */
};

/* nodes: the peers to watch (not the local node). 0, or -1 if too many. */
int hb_live_init(struct hb_live *l, const struct hb_live_cfg *cfg,
		 char *const *nodes, size_t nnodes, uint64_t now_ms);

/* Index of a node (case-insensitive), or -1. */
int hb_live_node(const struct hb_live *l, const char *name);

/*
 * An authenticated message from node on medium at now_ms. to_us: it has
 * no dest, or dest is the local node. Events go to q. A message without
 * a seq (NS_ackmsg, NS_rexmit) from a node declared dead is delivered but
 * does not bring it back: its next sequenced message does.
 */
enum hb_live_verdict hb_live_rx(struct hb_live *l, uint64_t now_ms, int node,
				int medium, const struct hb_hdr *h, bool to_us,
				struct hb_live_evq *q);

/* NS_nak_rexmit from node: seq will never come; stop asking. */
void hb_live_nak(struct hb_live *l, int node, uint64_t seq, struct hb_live_evq *q);

/*
 * The node said it is leaving (shutdone): it is dead now, its links too
 * (NODE_DEAD with a = 0, LINK_DEAD for each link that was up).
 */
void hb_live_leave(struct hb_live *l, int node, uint64_t now_ms, struct hb_live_evq *q);

/*
 * Time passes: deaths, comm up, rexmit requests. Returns the time at which
 * the next tick has something to do (UINT64_MAX if nothing is pending).
 */
uint64_t hb_live_tick(struct hb_live *l, uint64_t now_ms, struct hb_live_evq *q);
/*
 * Communication is up and every node is alive on every medium: the only
 * news the next heartbeats can bring is that they came, so a caller may
 * read them late (at the deadline hb_live_tick returns). Otherwise a
 * returning node or link must be noticed at once.
 */
bool hb_live_all_up(const struct hb_live *l);

const char *hb_live_ev_str(enum hb_live_ev_type t);
const char *hb_live_verdict_str(enum hb_live_verdict v);

#endif
