/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: request bookkeeping and the /proc counters.
 *
 * A request descriptor carries what the engine needs to know about an I/O:
 * where, how big, which direction, its flags and how far it got locally
 * and on the network. The glue reports events (submitted, local I/O done,
 * sent, acknowledged, failed) and the functions below update the request's
 * state bits and the counters of /proc/drbd 8.4 (drbd.md §2.3), and say
 * what the glue must do next (complete the request upward, mark its range
 * out of sync, send an acknowledgement). Counters are only ever changed
 * here, never by the glue, so they cannot drift from the state.
 *
 * A counter that would go below zero stays at zero and counts an
 * "underflow": that is a bookkeeping bug, reported, not a crash.
 */
#ifndef DUET_CORE_REQ_H
#define DUET_CORE_REQ_H

#include "types.h"

struct duet_counters {
	u64 send_sect;	/* ns: sent to the peer (data), sectors */
	u64 recv_sect;	/* nr: received from the peer (data), sectors */
	u64 writ_sect;	/* dw: written to the local disk, sectors */
	u64 read_sect;	/* dr: read from the local disk, sectors */
	u64 al_writes;	/* al: activity-log transactions written */
	u64 bm_writes;	/* bm: bitmap pages written */
	u32 local;	/* lo: requests open against the local disk */
	u32 pending;	/* pe: sent to the peer, answer outstanding */
	u32 unacked;	/* ua: received from the peer, answer owed */
	u32 app;	/* ap: application requests not yet completed */
	u32 epochs;	/* ep: open epochs on the receiving side */
	char wo;	/* wo: write ordering: 'b', 'f', 'd' or 'n' */
	u32 underflows;	/* bookkeeping errors seen (should stay 0) */
};

/* Zero counters, one open epoch, write ordering 'f' (flush). */
void duet_ctr_init(struct duet_counters *c);
/* Called by the activity log and the bitmap; @c may be NULL. */
void duet_ctr_al_written(struct duet_counters *c);
void duet_ctr_bm_written(struct duet_counters *c);
void duet_ctr_epoch_opened(struct duet_counters *c);
void duet_ctr_epoch_closed(struct duet_counters *c);

enum duet_req_dir {
	DUET_READ = 0,
	DUET_WRITE = 1,
};

/* request flags */
#define DUET_REQ_FUA		0x1	/* forced unit access */
#define DUET_REQ_FLUSH		0x2	/* preflush of the volatile cache */
#define DUET_REQ_DISCARD	0x4	/* discard (trim) the range */
#define DUET_REQ_FLAGS_KNOWN	0x7

/* request state bits */
#define DUET_RQ_LOCAL_PENDING	0x001	/* submitted to the local disk */
#define DUET_RQ_LOCAL_OK	0x002	/* local I/O succeeded */
#define DUET_RQ_LOCAL_FAILED	0x004	/* local I/O failed */
#define DUET_RQ_NET_PENDING	0x008	/* waiting for the network part */
#define DUET_RQ_NET_SENT	0x010	/* handed to the socket */
#define DUET_RQ_NET_OK		0x020	/* acked as the protocol demands */
#define DUET_RQ_NET_FAILED	0x040	/* negative ack or connection lost */
#define DUET_RQ_COMPLETED	0x080	/* completed to the upper layer */
#define DUET_RQ_NET_ON_DISK	0x100	/* peer reported it on its disk */
#define DUET_RQ_ANSWER_OWED	0x200	/* peer request: answer owed (ua) */

struct duet_req {
	u64 sector;
	u32 size;		/* bytes, a multiple of 512 */
	u8 dir;			/* enum duet_req_dir */
	char proto;		/* 'A', 'B', 'C' while replicated */
	u16 flags;		/* DUET_REQ_* */
	u32 state;		/* DUET_RQ_* */
};

/* What the glue must do after an event (bit mask). */
#define DUET_REQ_ACT_COMPLETE	0x1	/* end the request upward */
#define DUET_REQ_ACT_OOS	0x2	/* mark its range out of sync */
#define DUET_REQ_ACT_ERROR	0x4	/* ... with an I/O error */
#define DUET_REQ_ACT_SEND_RECV_ACK  0x10	/* peer request: ack receipt */
#define DUET_REQ_ACT_SEND_WRITE_ACK 0x20	/* peer request: ack write */
#define DUET_REQ_ACT_SEND_NEG_ACK   0x40	/* peer request: nack */
#define DUET_REQ_ACT_SEND_DATA      0x80	/* peer read: send the data */
#define DUET_REQ_ACT_BAD	0x100	/* event not valid in this state */

/* Acknowledgements a Primary receives for a write. */
enum duet_ack {
	DUET_ACK_RECV = 0,	/* peer received it (protocol B) */
	DUET_ACK_WRITE,		/* peer wrote it (protocol C) */
};

/*
 * Fill a descriptor. Returns 0, or -1 for a size that is not a multiple
 * of 512, a range that wraps, unknown flags or a read with write flags.
 */
int duet_req_init(struct duet_req *r, u64 sector, u32 size,
		  enum duet_req_dir dir, u16 flags);

/* ---- application requests (this node is Primary) ---------------------- */

/*
 * An application request enters: ap++. @local: it goes to the local disk
 * (lo++); @remote: it goes to the peer (pe++), replicated with protocol
 * @proto ('A', 'B' or 'C'; a read from the peer ignores it). A write that
 * does not go to the peer returns DUET_REQ_ACT_OOS (mark it now); one
 * that goes nowhere completes at once with an error.
 */
unsigned int duet_req_start(struct duet_counters *c, struct duet_req *r,
			    bool local, bool remote, char proto);
/* Local I/O finished: lo--, dw/dr. */
unsigned int duet_req_local_done(struct duet_counters *c, struct duet_req *r,
				 bool ok);
/* Handed to the socket: ns (writes); completes protocol A. */
unsigned int duet_req_net_sent(struct duet_counters *c, struct duet_req *r);
/* A write acknowledgement; the one the protocol waits for completes. */
unsigned int duet_req_net_ack(struct duet_counters *c, struct duet_req *r,
			      enum duet_ack ack);
/* The data of a read from the peer arrived: nr. */
unsigned int duet_req_net_data(struct duet_counters *c, struct duet_req *r);
/* Negative ack: the peer could not do it. */
unsigned int duet_req_net_failed(struct duet_counters *c,
				 struct duet_req *r);
/*
 * The connection broke: an answer still awaited will not come, and a
 * write not known to be on the peer's disk is marked out of sync.
 */
unsigned int duet_req_conn_lost(struct duet_counters *c, struct duet_req *r);

/* ---- the peer's requests (this node is Secondary) --------------------- */

/* A replicated write arrived with @proto: nr, lo++ (and ua++ if acked). */
unsigned int duet_peer_write_received(struct duet_counters *c,
				      struct duet_req *r, char proto);
/* Its local write finished: lo--, dw; the ack to send (protocol C). */
unsigned int duet_peer_write_done(struct duet_counters *c, struct duet_req *r,
				  bool ok);
/* A read request from the peer: lo++, ua++. */
unsigned int duet_peer_read_received(struct duet_counters *c,
				     struct duet_req *r);
/* Its local read finished: lo--, dr; send the data (or a nack). */
unsigned int duet_peer_read_done(struct duet_counters *c, struct duet_req *r,
				 bool ok);
/* The ack, nack or data reply owed for @r was sent: ua-- (ns for data). */
void duet_peer_answer_sent(struct duet_counters *c, struct duet_req *r,
			   unsigned int what);

#endif /* DUET_CORE_REQ_H */
