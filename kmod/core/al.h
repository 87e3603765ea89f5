/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the activity log (drbd.md §3.6).
 *
 * The device is cut into 4 MiB extents. At most al-extents of them are
 * "hot"; a write may only start once its extent is hot and that fact is on
 * disk, so after a crash of a Primary only the hot extents can differ from
 * the peer and only they are resynced. Hot extents live in "slots"; the
 * least recently used idle slot is reused for a new extent.
 *
 * The core does no I/O. A write calls duet_al_begin_io():
 *   DUET_AL_GO        the extents are hot: submit the write;
 *   DUET_AL_WAIT_TX   references are held, but a slot change must reach
 *                     the disk first: when duet_al_tx_wanted(), call
 *                     duet_al_tx_prepare() for a 4 KiB block and where to
 *                     write it, write the bitmap pages of the evicted
 *                     extents, then the block, then duet_al_tx_done();
 *                     the write proceeds once duet_al_io_ready();
 *   DUET_AL_BUSY      every slot is busy: nothing was taken; retry after
 *                     some duet_al_complete_io().
 * One transaction is in flight at a time.
 *
 * On disk the log is a ring of ring_tx transaction blocks; transaction
 * number s goes to block s % ring_tx. Each block is checksummed and
 * carries its slot updates plus a window of "context" slots that walks
 * round the whole slot table, so the newest ceil(al-extents / 886) blocks
 * describe every slot. The ring holds at least one block more than that,
 * so a torn write of the newest block still leaves a complete picture.
 * duet_al_recover() rebuilds the hot set from the ring after a crash.
 *
 * Transaction block v1 (little-endian; byte offset, size, field):
 *     0  4  magic "DUAL"
 *     4  2  format version (1)
 *     6  2  type: 1 update, 2 init (every slot empty)
 *     8  8  transaction number (>= 1)
 *    16  8  log id (the superblock's device UUID: stale blocks of an
 *           earlier create-md are ignored)
 *    24  4  CRC-32C of the 4096 bytes with this field zero
 *    28  4  al-extents (number of slots)
 *    32  4  first context slot
 *    36  2  number of updates (<= 64)
 *    38  2  number of context slots (<= 886)
 *    40 512 updates: 64 x { u32 slot, u32 extent }
 *   552 3544 context: 886 x u32 extent (0xffffffff: empty)
 * Unused update and context entries are zero.
 */
#ifndef DUET_CORE_AL_H
#define DUET_CORE_AL_H

#include "types.h"

struct duet_counters;

#define DUET_AL_EXTENT_SHIFT	22		/* 4 MiB */
#define DUET_AL_EXTENT_SECT_SHIFT (DUET_AL_EXTENT_SHIFT - 9)
#define DUET_AL_MIN_EXTENTS	7
#define DUET_AL_MAX_EXTENTS	65534
#define DUET_AL_DEFAULT_EXTENTS	1237
#define DUET_AL_TX_SIZE		4096
#define DUET_AL_TX_UPDATES	64
#define DUET_AL_TX_CONTEXT	886
#define DUET_AL_RING_TX_MIN	4
#define DUET_AL_RING_TX_MAX	1024
/* 80 blocks (320 KiB) cover the largest al-extents with one to spare */
#define DUET_AL_RING_TX_DEFAULT	80
/* one request may touch at most this many extents (64 MiB) */
#define DUET_AL_MAX_SPAN	16

#define DUET_AL_NONE		0xffffffffU	/* empty slot */
/* extent numbers must stay below this (4 MiB x 2^32: 16 PiB) */
#define DUET_AL_EXTENT_LIMIT	0xfffffff0U

#define DUET_AL_TX_UPDATE	1
#define DUET_AL_TX_INIT		2

/* Largest al-extents a ring of @ring_tx blocks can describe. */
u32 duet_al_max_extents(u32 ring_tx);

/* ---- transaction blocks ----------------------------------------------- */

enum duet_al_err {
	DUET_AL_OK = 0,
	DUET_AL_E_SHORT = -1,
	DUET_AL_E_BLANK = -2,
	DUET_AL_E_MAGIC = -3,
	DUET_AL_E_VERSION = -4,
	DUET_AL_E_CHECKSUM = -5,
	DUET_AL_E_TYPE = -6,
	DUET_AL_E_COUNT = -7,
	DUET_AL_E_SLOT = -8,
	DUET_AL_E_EXTENTS = -9,
	DUET_AL_E_RESERVED = -10,
	DUET_AL_E_SEQ = -11,
	DUET_AL_E_EXTENT = -12,
	DUET_AL_E_INCOMPLETE = -13,
	DUET_AL_E_CORRUPT = -14,
	DUET_AL_E_STATE = -15,
	DUET_AL_E_RANGE = -16,
	DUET_AL_E_MEMORY = -17,
	DUET_AL_E_LAST = -17
};

const char *duet_al_strerror(int err);

struct duet_al_tx_hdr {
	u64 seq;
	u64 log_id;
	u16 type;
	u32 al_extents;
	u32 ctx_start;
	u16 n_updates;
	u16 n_context;
};

/*
 * Validate one transaction block (reads at most 4096 bytes, never past
 * @len) and fill @h. Entries are then read with the two accessors.
 */
int duet_al_tx_decode(const u8 *block, size_t len, struct duet_al_tx_hdr *h);
void duet_al_tx_update(const u8 *block, unsigned int i, u32 *slot,
		       u32 *extent);
u32 duet_al_tx_context(const u8 *block, unsigned int i);

/* ---- the in-memory log ------------------------------------------------ */

struct duet_al_slot {
	u32 extent;	/* extent held (the new one while pending), or NONE */
	u32 old;	/* extent this slot held before a pending change */
	u32 refs;	/* writes in flight in the extent */
	u32 prev, next;	/* idle-slot LRU list */
	u32 hnext;	/* hash chain */
	u8 state;	/* DUET_AL_SLOT_* */
};

#define DUET_AL_SLOT_HOT	0	/* on disk (or empty) */
#define DUET_AL_SLOT_PENDING	1	/* changed, not yet in a transaction */
#define DUET_AL_SLOT_COMMITTING	2	/* in the transaction being written */

struct duet_al_stats {
	u64 hits;	/* begin_io found every extent hot */
	u64 misses;	/* begin_io needed a transaction */
	u64 starving;	/* begin_io found no idle slot */
	u64 changed;	/* slot changes committed */
	u64 tx_written;	/* transactions committed */
};

struct duet_al {
	struct duet_al_slot *slots;	/* caller's, nr_slots entries */
	u32 nr_slots;			/* al-extents */
	u32 *hash;			/* caller's, hash_mask + 1 buckets */
	u32 hash_mask;
	u32 lru_head, lru_tail;		/* idle slots, oldest first */
	u32 pend[DUET_AL_TX_UPDATES];	/* slots changed since the last tx */
	u32 nr_pend;
	u32 commit[DUET_AL_TX_UPDATES];	/* slots in the tx being written */
	u32 nr_commit;
	u32 ring_tx;
	u64 seq;			/* number of the next transaction */
	u64 log_id;
	u32 ctx_next;			/* first slot of the next context */
	u32 ctx_prev;			/* ... before the tx in flight */
	bool tx_in_flight;
	bool tx_is_init;
	bool need_init;			/* write an init transaction first */
	struct duet_counters *ctr;	/* "al:" of /proc, may be NULL */
	struct duet_al_stats stats;
};

/* Hash buckets duet_al_init() wants for @nr_slots (a power of two). */
u32 duet_al_hash_size(u32 nr_slots);

/*
 * Set up an empty log of @nr_slots slots over the caller's arrays
 * (@nr_hash must be a power of two, at least duet_al_hash_size()). The
 * first transaction will be an init transaction numbered @next_seq (the
 * recovery's next_seq, or 1 on a fresh log) that empties the on-disk set.
 * Returns 0, DUET_AL_E_EXTENTS or DUET_AL_E_MEMORY.
 */
int duet_al_init(struct duet_al *al, struct duet_al_slot *slots,
		 u32 nr_slots, u32 *hash, u32 nr_hash, u32 ring_tx,
		 u64 next_seq, u64 log_id, struct duet_counters *ctr);

#define DUET_AL_GO	0
#define DUET_AL_WAIT_TX	1
#define DUET_AL_BUSY	2

/* A write to [sector, sector + nr_sect): see the top of this file. */
int duet_al_begin_io(struct duet_al *al, u64 sector, u32 nr_sect);
/* All extents of a range that holds references are on disk. */
bool duet_al_io_ready(const struct duet_al *al, u64 sector, u32 nr_sect);
/* The write finished (and was acknowledged): drop its references. */
int duet_al_complete_io(struct duet_al *al, u64 sector, u32 nr_sect);

struct duet_al_tx_info {
	u64 seq;
	u32 ring_index;		/* block within the ring */
	u64 al_sector;		/* sector offset within the AL area */
	u32 nr_updates;
	u32 nr_evicted;
	/* extents that left the log: write their bitmap pages first */
	u32 evicted[DUET_AL_TX_UPDATES];
};

bool duet_al_tx_wanted(const struct duet_al *al);
/*
 * Build the next transaction into @block (4096 bytes). Returns 1 with
 * @info filled, 0 when there is nothing to write, DUET_AL_E_STATE when a
 * transaction is already in flight.
 */
int duet_al_tx_prepare(struct duet_al *al, u8 *block,
		       struct duet_al_tx_info *info);
/*
 * The block of the transaction in flight is on disk (@ok) or its write
 * failed (the changes are kept and go into the next attempt).
 */
int duet_al_tx_done(struct duet_al *al, bool ok);

bool duet_al_is_hot(const struct duet_al *al, u32 extent);
/* The committed hot set, ascending; returns how many (<= @cap written). */
u32 duet_al_hot_extents(const struct duet_al *al, u32 *out, u32 cap);

/* ---- recovery --------------------------------------------------------- */

struct duet_al_recovery {
	u64 newest_seq;		/* 0 when the ring holds no transaction */
	u64 next_seq;		/* continue numbering here */
	u32 al_extents;		/* of the newest transaction */
	u32 nr_valid;		/* valid blocks found in the ring */
	u32 nr_replayed;	/* blocks of the replayed run */
	u32 nr_hot;		/* extents in the result */
};

/*
 * Rebuild the hot set from the @ring_tx blocks at @ring (@len bytes)
 * written with @log_id. @work is the caller's array of @work_len entries
 * (at least the al-extents the log was written with). On success
 * work[0 .. r->nr_hot) holds the hot extents, ascending, no duplicates:
 * after an unclean shutdown of a Primary these must be marked dirty in
 * the bitmap before anything else is written.
 * Errors: DUET_AL_E_BLANK (nothing was ever written: no valid and no
 * garbage block), DUET_AL_E_CORRUPT (no valid block), DUET_AL_E_INCOMPLETE
 * (too few intact blocks to know every slot), DUET_AL_E_MEMORY (@work too
 * small). On any error the caller cannot know the hot set: it must treat
 * the whole device as dirty.
 */
int duet_al_recover(const u8 *ring, size_t len, u32 ring_tx, u64 log_id,
		    u32 *work, u32 work_len, struct duet_al_recovery *r);

/* First sector of extent @e and the extent of a sector. */
static inline u64 duet_al_extent_sector(u32 e)
{
	return (u64)e << DUET_AL_EXTENT_SECT_SHIFT;
}

static inline u64 duet_al_sector_extent(u64 sector)
{
	return sector >> DUET_AL_EXTENT_SECT_SHIFT;
}

#endif /* DUET_CORE_AL_H */
