/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the transfer log and the epochs of replicated writes
 * (drbd.md §2.2 describes the mechanism; the ring below is our own).
 *
 * Sending side (Primary). Every replicated write gets a record in a ring,
 * in the order the writes go on the wire, and keeps it until the peer
 * acknowledges the barrier of its epoch: only then is the write known to
 * be on the peer's disk for every protocol. When the connection breaks,
 * every record still in the ring is a write the peer may lack; the glue
 * marks it out of sync. Records leave the ring in the order they entered,
 * so a ring of fixed size works, and a full ring is back pressure: the
 * writer waits for a barrier ack.
 *
 * Writes are grouped into epochs. An epoch is closed as soon as one of
 * its writes completes to the application (a later write may depend on
 * it), or when it holds max-epoch-size writes; the next write then goes
 * into the next epoch, and a BARRIER naming the closed epoch goes on the
 * wire before it. An idle device's last epoch is closed by the glue with
 * duet_tl_close_idle(), so that the peer flushes it without waiting for
 * the next write.
 *
 * The id a DATA packet carries names its record: the slot in the low 32
 * bits and a generation in the high 32 bits. The peer echoes it in its
 * acks; an id that names no record awaiting that ack, or whose sector or
 * size differ, is refused: nothing from the network is trusted.
 *
 * Receiving side (Secondary): duet_tl_rx checks that DATA and BARRIER
 * packets follow the epoch sequence and counts the writes of each epoch
 * for the BARRIER_ACK.
 */
#ifndef DUET_CORE_TL_H
#define DUET_CORE_TL_H

#include "types.h"

/* What a record still waits for. */
#define DUET_TL_WANT_RECV	0x1	/* RECV_ACK (protocol B) */
#define DUET_TL_WANT_WRITE	0x2	/* WRITE_ACK (protocol C) */

struct duet_tl_ent {
	u64 sector;
	u32 size;
	u32 epoch;
	u32 gen;		/* generation of the slot, in the id */
	u32 want;		/* DUET_TL_WANT_* still outstanding */
	bool failed;		/* the peer answered NEG_ACK */
	void *ctx;		/* the glue's request, while it wants an ack */
};

struct duet_tl {
	struct duet_tl_ent *ent;	/* caller's array */
	u32 cap;			/* a power of two */
	u32 head;			/* oldest record (free running) */
	u32 tail;			/* next record (free running) */
	u32 gen;			/* next generation */
	u32 max_epoch_size;
	u32 cur_epoch;			/* epoch new writes go into */
	u32 cur_writes;			/* writes in it so far */
	bool cur_closed;		/* a write of it completed */
	u32 acked_epoch;		/* last epoch the peer acknowledged */
};

/* Errors (0 is success). */
enum duet_tl_err {
	DUET_TL_OK = 0,
	DUET_TL_E_FULL = -1,		/* wait for a barrier ack */
	DUET_TL_E_ID = -2,		/* no such record */
	DUET_TL_E_MISMATCH = -3,	/* sector or size differ */
	DUET_TL_E_UNEXPECTED = -4,	/* that ack is not awaited */
	DUET_TL_E_EPOCH = -5,		/* barrier ack of the wrong epoch */
	DUET_TL_E_SET_SIZE = -6,	/* its write count differs */
	DUET_TL_E_PENDING = -7,		/* an ack of the epoch is missing */
	DUET_TL_E_LAST = -7
};

const char *duet_tl_strerror(int err);

/*
 * A ring over @ent (@cap records, a power of two, at least 2) whose first
 * epoch is @first_epoch. @max_epoch_size >= 1 (writes per epoch).
 * Returns 0, or -1 for a bad capacity or a zero @max_epoch_size.
 */
int duet_tl_init(struct duet_tl *tl, struct duet_tl_ent *ent, u32 cap,
		 u32 first_epoch, u32 max_epoch_size);

/* Records in the ring (not yet barrier-acknowledged). */
static inline u32 duet_tl_count(const struct duet_tl *tl)
{
	return tl->tail - tl->head;
}

/* What duet_tl_add() tells the glue. */
struct duet_tl_add {
	u64 id;			/* for the DATA packet */
	u32 epoch;		/* for the DATA packet */
	bool barrier;		/* send BARRIER(barrier_epoch) first */
	u32 barrier_epoch;
};

/*
 * A write of @size bytes at @sector goes to the peer, waiting for the
 * acks in @want (DUET_TL_WANT_*, 0 for protocol A); @ctx is returned by
 * duet_tl_ack() when the last of them arrives. Returns 0 and fills @out,
 * or DUET_TL_E_FULL (nothing changes). A full ring may hold only the
 * current epoch, whose barrier has not been sent: a writer waiting for
 * room calls duet_tl_close_idle() too, or no barrier ack ever comes.
 */
int duet_tl_add(struct duet_tl *tl, u64 sector, u32 size, u32 want,
		void *ctx, struct duet_tl_add *out);

/* A write of @epoch completed to the application: close the epoch. */
void duet_tl_completed(struct duet_tl *tl, u32 epoch);

/*
 * The glue is idle: if the current epoch is closed and holds writes,
 * it ends here. Returns true and sets *@epoch when a BARRIER must be
 * sent for it.
 */
bool duet_tl_close_idle(struct duet_tl *tl, u32 *epoch);

/*
 * An acknowledgement of record @id for @sector/@size: @what is
 * DUET_TL_WANT_RECV or DUET_TL_WANT_WRITE (anything else is
 * DUET_TL_E_UNEXPECTED), @neg true for NEG_ACK (which
 * ends every wait of the record, and is accepted for a protocol A write
 * too: the peer could not write it). On success *@ctx is the record's
 * context when nothing more is awaited (the glue completes its network
 * part), NULL otherwise; *@failed tells a NEG_ACK.
 */
int duet_tl_ack(struct duet_tl *tl, u64 id, u64 sector, u32 size, u32 what,
		bool neg, void **ctx, bool *failed);

/*
 * BARRIER_ACK of @epoch with @set_size writes: it must be the oldest
 * epoch in the ring, hold exactly @set_size records, none of which still
 * awaits an ack. On success @fn is called for each of its records,
 * oldest first, and they leave the ring. On error nothing changes.
 */
int duet_tl_barrier_ack(struct duet_tl *tl, u32 epoch, u32 set_size,
			void (*fn)(void *arg, const struct duet_tl_ent *e),
			void *arg);

/*
 * The connection is gone: @fn is called for every record, oldest first
 * (its ctx is non-NULL when an ack was still awaited), and the ring is
 * emptied. Epoch numbers go on from where they were.
 */
void duet_tl_clear(struct duet_tl *tl,
		   void (*fn)(void *arg, const struct duet_tl_ent *e),
		   void *arg);

/* ---- receiving side ----------------------------------------------- */

struct duet_tl_rx {
	bool started;		/* the first DATA fixed the epoch */
	u32 epoch;		/* the epoch being received */
	u32 writes;		/* its writes so far */
};

void duet_tl_rx_init(struct duet_tl_rx *rx);
/* A DATA packet of @epoch: it must be the current one (or the first). */
int duet_tl_rx_data(struct duet_tl_rx *rx, u32 epoch);
/*
 * BARRIER of @epoch: it must be the current epoch and hold writes.
 * Fills *@set_size for the BARRIER_ACK and moves to the next epoch.
 */
int duet_tl_rx_barrier(struct duet_tl_rx *rx, u32 epoch, u32 *set_size);

#endif /* DUET_CORE_TL_H */
