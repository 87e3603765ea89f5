// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: activity log (see al.h).
 */
#include "al.h"
#include "bytes.h"
#include "crc32c.h"
#include "req.h"

static const u8 duet_al_magic[4] = { 'D', 'U', 'A', 'L' };

#define TX_MAGIC	0
#define TX_VERSION	4
#define TX_TYPE		6
#define TX_SEQ		8
#define TX_LOG_ID	16
#define TX_CRC		24
#define TX_EXTENTS	28
#define TX_CTX_START	32
#define TX_N_UPDATES	36
#define TX_N_CONTEXT	38
#define TX_UPDATES	40
#define TX_CONTEXT	(TX_UPDATES + 8 * DUET_AL_TX_UPDATES)
#define TX_VERSION_1	1

/* a slot whose content recovery has not seen (never stored on disk) */
#define AL_UNKNOWN	0xfffffffeU

static const char *const duet_al_errors[] = {
	[0] = "OK",
	[-DUET_AL_E_SHORT] = "activity-log block truncated",
	[-DUET_AL_E_BLANK] = "activity log never written (all zero)",
	[-DUET_AL_E_MAGIC] = "not an activity-log transaction (bad magic)",
	[-DUET_AL_E_VERSION] = "unknown activity-log format version",
	[-DUET_AL_E_CHECKSUM] =
		"activity-log transaction corrupt or torn (checksum mismatch)",
	[-DUET_AL_E_TYPE] = "unknown activity-log transaction type",
	[-DUET_AL_E_COUNT] = "activity-log transaction has too many entries",
	[-DUET_AL_E_SLOT] = "activity-log slot number out of range",
	[-DUET_AL_E_EXTENTS] = "al-extents out of range (7..65534)",
	[-DUET_AL_E_RESERVED] = "activity-log unused entries are not zero",
	[-DUET_AL_E_SEQ] = "activity-log transaction number invalid",
	[-DUET_AL_E_EXTENT] = "activity-log extent number out of range",
	[-DUET_AL_E_INCOMPLETE] =
		"activity log has too few intact transactions to rebuild the hot set: full resync needed",
	[-DUET_AL_E_CORRUPT] =
		"activity log holds no valid transaction: full resync needed",
	[-DUET_AL_E_STATE] = "activity-log call out of order",
	[-DUET_AL_E_RANGE] = "request range not valid for the activity log",
	[-DUET_AL_E_MEMORY] = "activity-log work memory too small",
};

const char *duet_al_strerror(int err)
{
	if (err <= 0 && err >= DUET_AL_E_LAST)
		return duet_al_errors[-err];
	return "unknown activity-log error";
}

u32 duet_al_max_extents(u32 ring_tx)
{
	u64 n;

	if (ring_tx < 2)
		return 0;
	n = (u64)DUET_AL_TX_CONTEXT * (ring_tx - 1);
	return n > DUET_AL_MAX_EXTENTS ? DUET_AL_MAX_EXTENTS : (u32)n;
}

/*
 * @n modulo @d without a 64-bit divide instruction (32-bit kernels have
 * none and the core must not call libgcc); used only off the fast path.
 */
static u32 duet_mod64(u64 n, u32 d)
{
	u64 r = 0;
	int bit;

	for (bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d)
			r -= d;
	}
	return (u32)r;
}

/* ---- transaction codec ------------------------------------------------ */

static u32 duet_al_block_crc(const u8 *block)
{
	static const u8 zero[4];
	u32 crc;

	crc = duet_crc32c(0, block, TX_CRC);
	crc = duet_crc32c(crc, zero, sizeof(zero));
	return duet_crc32c(crc, block + TX_CRC + 4,
			   DUET_AL_TX_SIZE - TX_CRC - 4);
}

static bool duet_al_extent_ok(u32 e)
{
	return e < DUET_AL_EXTENT_LIMIT || e == DUET_AL_NONE;
}

int duet_al_tx_decode(const u8 *block, size_t len, struct duet_al_tx_hdr *out)
{
	struct duet_al_tx_hdr h;
	unsigned int i;
	u32 slot, e;

	if (!block || len < DUET_AL_TX_SIZE)
		return DUET_AL_E_SHORT;
	if (memcmp(block, duet_al_magic, sizeof(duet_al_magic)) != 0)
		return duet_all_zero(block, DUET_AL_TX_SIZE) ?
			DUET_AL_E_BLANK : DUET_AL_E_MAGIC;
	if (duet_get_le16(block + TX_VERSION) != TX_VERSION_1)
		return DUET_AL_E_VERSION;
	if (duet_get_le32(block + TX_CRC) != duet_al_block_crc(block))
		return DUET_AL_E_CHECKSUM;

	h.type = duet_get_le16(block + TX_TYPE);
	h.seq = duet_get_le64(block + TX_SEQ);
	h.log_id = duet_get_le64(block + TX_LOG_ID);
	h.al_extents = duet_get_le32(block + TX_EXTENTS);
	h.ctx_start = duet_get_le32(block + TX_CTX_START);
	h.n_updates = duet_get_le16(block + TX_N_UPDATES);
	h.n_context = duet_get_le16(block + TX_N_CONTEXT);

	if (h.type != DUET_AL_TX_UPDATE && h.type != DUET_AL_TX_INIT)
		return DUET_AL_E_TYPE;
	if (h.seq == 0 || h.seq == ~(u64)0)
		return DUET_AL_E_SEQ;
	if (h.al_extents < DUET_AL_MIN_EXTENTS ||
	    h.al_extents > DUET_AL_MAX_EXTENTS)
		return DUET_AL_E_EXTENTS;
	if (h.n_updates > DUET_AL_TX_UPDATES ||
	    h.n_context > DUET_AL_TX_CONTEXT || h.n_context > h.al_extents)
		return DUET_AL_E_COUNT;
	if (h.ctx_start >= h.al_extents)
		return DUET_AL_E_SLOT;
	for (i = 0; i < h.n_updates; i++) {
		duet_al_tx_update(block, i, &slot, &e);
		if (slot >= h.al_extents)
			return DUET_AL_E_SLOT;
		if (!duet_al_extent_ok(e))
			return DUET_AL_E_EXTENT;
	}
	for (i = 0; i < h.n_context; i++)
		if (!duet_al_extent_ok(duet_al_tx_context(block, i)))
			return DUET_AL_E_EXTENT;
	if (!duet_all_zero(block + TX_UPDATES + 8 * h.n_updates,
			   8 * (DUET_AL_TX_UPDATES - h.n_updates)) ||
	    !duet_all_zero(block + TX_CONTEXT + 4 * h.n_context,
			   4 * (DUET_AL_TX_CONTEXT - h.n_context)))
		return DUET_AL_E_RESERVED;
	*out = h;
	return DUET_AL_OK;
}

void duet_al_tx_update(const u8 *block, unsigned int i, u32 *slot,
		       u32 *extent)
{
	if (i >= DUET_AL_TX_UPDATES) {
		*slot = DUET_AL_NONE;
		*extent = DUET_AL_NONE;
		return;
	}
	*slot = duet_get_le32(block + TX_UPDATES + 8 * i);
	*extent = duet_get_le32(block + TX_UPDATES + 8 * i + 4);
}

u32 duet_al_tx_context(const u8 *block, unsigned int i)
{
	if (i >= DUET_AL_TX_CONTEXT)
		return DUET_AL_NONE;
	return duet_get_le32(block + TX_CONTEXT + 4 * i);
}

/* ---- slot table: hash and LRU ----------------------------------------- */

u32 duet_al_hash_size(u32 nr_slots)
{
	u32 n = 1;

	while (n < nr_slots && n < 0x80000000U)
		n <<= 1;
	return n;
}

static u32 duet_al_bucket(const struct duet_al *al, u32 extent)
{
	return (extent * 0x9e3779b1U) & al->hash_mask;
}

static u32 duet_al_find(const struct duet_al *al, u32 extent)
{
	u32 i = al->hash[duet_al_bucket(al, extent)];

	while (i != DUET_AL_NONE && al->slots[i].extent != extent)
		i = al->slots[i].hnext;
	return i;
}

static void duet_al_hash_add(struct duet_al *al, u32 i)
{
	u32 b = duet_al_bucket(al, al->slots[i].extent);

	al->slots[i].hnext = al->hash[b];
	al->hash[b] = i;
}

static void duet_al_hash_del(struct duet_al *al, u32 i)
{
	u32 *p = &al->hash[duet_al_bucket(al, al->slots[i].extent)];

	while (*p != DUET_AL_NONE) {
		if (*p == i) {
			*p = al->slots[i].hnext;
			break;
		}
		p = &al->slots[*p].hnext;
	}
	al->slots[i].hnext = DUET_AL_NONE;
}

static bool duet_al_on_lru(const struct duet_al *al, u32 i)
{
	return al->slots[i].prev != DUET_AL_NONE || al->lru_head == i;
}

static void duet_al_lru_del(struct duet_al *al, u32 i)
{
	struct duet_al_slot *s = &al->slots[i];

	if (!duet_al_on_lru(al, i))
		return;
	if (s->prev != DUET_AL_NONE)
		al->slots[s->prev].next = s->next;
	else
		al->lru_head = s->next;
	if (s->next != DUET_AL_NONE)
		al->slots[s->next].prev = s->prev;
	else
		al->lru_tail = s->prev;
	s->prev = DUET_AL_NONE;
	s->next = DUET_AL_NONE;
}

/* Append as most recently used (or, @oldest, as first to be reused). */
static void duet_al_lru_add(struct duet_al *al, u32 i, bool oldest)
{
	struct duet_al_slot *s = &al->slots[i];

	if (oldest) {
		s->prev = DUET_AL_NONE;
		s->next = al->lru_head;
		if (al->lru_head != DUET_AL_NONE)
			al->slots[al->lru_head].prev = i;
		else
			al->lru_tail = i;
		al->lru_head = i;
	} else {
		s->next = DUET_AL_NONE;
		s->prev = al->lru_tail;
		if (al->lru_tail != DUET_AL_NONE)
			al->slots[al->lru_tail].next = i;
		else
			al->lru_head = i;
		al->lru_tail = i;
	}
}

int duet_al_init(struct duet_al *al, struct duet_al_slot *slots,
		 u32 nr_slots, u32 *hash, u32 nr_hash, u32 ring_tx,
		 u64 next_seq, u64 log_id, struct duet_counters *ctr)
{
	u32 i;

	memset(al, 0, sizeof(*al));
	if (nr_slots < DUET_AL_MIN_EXTENTS || nr_slots > DUET_AL_MAX_EXTENTS ||
	    ring_tx < DUET_AL_RING_TX_MIN || ring_tx > DUET_AL_RING_TX_MAX ||
	    nr_slots > duet_al_max_extents(ring_tx))
		return DUET_AL_E_EXTENTS;
	if (!slots || !hash || nr_hash < duet_al_hash_size(nr_slots) ||
	    (nr_hash & (nr_hash - 1)))
		return DUET_AL_E_MEMORY;
	al->slots = slots;
	al->nr_slots = nr_slots;
	al->hash = hash;
	al->hash_mask = nr_hash - 1;
	al->lru_head = DUET_AL_NONE;
	al->lru_tail = DUET_AL_NONE;
	al->ring_tx = ring_tx;
	al->seq = next_seq ? next_seq : 1;
	al->log_id = log_id;
	al->need_init = true;
	al->ctr = ctr;
	for (i = 0; i < nr_hash; i++)
		hash[i] = DUET_AL_NONE;
	for (i = 0; i < nr_slots; i++) {
		slots[i].extent = DUET_AL_NONE;
		slots[i].old = DUET_AL_NONE;
		slots[i].refs = 0;
		slots[i].hnext = DUET_AL_NONE;
		slots[i].state = DUET_AL_SLOT_HOT;
		slots[i].prev = DUET_AL_NONE;
		slots[i].next = DUET_AL_NONE;
		duet_al_lru_add(al, i, false);
	}
	return DUET_AL_OK;
}

/* ---- the write path --------------------------------------------------- */

/* Extents of a range; false when the range is empty or unusable. */
static int duet_al_span(u64 sector, u32 nr_sect, u32 *first, u32 *last)
{
	u64 f, l;

	if (nr_sect == 0)
		return 0;
	if (sector > ~(u64)0 - nr_sect)
		return DUET_AL_E_RANGE;
	f = duet_al_sector_extent(sector);
	l = duet_al_sector_extent(sector + nr_sect - 1);
	if (l >= DUET_AL_EXTENT_LIMIT || l - f >= DUET_AL_MAX_SPAN)
		return DUET_AL_E_RANGE;
	*first = (u32)f;
	*last = (u32)l;
	return 1;
}

static void duet_al_get(struct duet_al *al, u32 i)
{
	if (al->slots[i].refs++ == 0)
		duet_al_lru_del(al, i);
}

static void duet_al_put(struct duet_al *al, u32 i)
{
	struct duet_al_slot *s = &al->slots[i];

	if (--s->refs == 0 && s->state == DUET_AL_SLOT_HOT)
		duet_al_lru_add(al, i, false);
}

int duet_al_begin_io(struct duet_al *al, u64 sector, u32 nr_sect)
{
	u32 first, last, e, i, missing = 0, idle = 0;
	bool wait = false;
	int rv;

	rv = duet_al_span(sector, nr_sect, &first, &last);
	if (rv <= 0)
		return rv;

	/* Pin what is already in the log, so it cannot be chosen below. */
	for (e = first; e <= last; e++) {
		i = duet_al_find(al, e);
		if (i == DUET_AL_NONE)
			missing++;
		else
			duet_al_get(al, i);
	}
	for (i = al->lru_head; i != DUET_AL_NONE && idle < missing;
	     i = al->slots[i].next)
		idle++;
	/* all changes not yet on disk must fit into one transaction */
	if (idle < missing ||
	    al->nr_pend + al->nr_commit + missing > DUET_AL_TX_UPDATES) {
		for (e = first; e <= last; e++) {
			i = duet_al_find(al, e);
			if (i != DUET_AL_NONE)
				duet_al_put(al, i);
		}
		al->stats.starving++;
		return DUET_AL_BUSY;
	}

	for (e = first; e <= last; e++) {
		i = duet_al_find(al, e);
		if (i == DUET_AL_NONE) {
			/* reuse the least recently used idle slot */
			i = al->lru_head;
			duet_al_lru_del(al, i);
			if (al->slots[i].extent != DUET_AL_NONE)
				duet_al_hash_del(al, i);
			al->slots[i].old = al->slots[i].extent;
			al->slots[i].extent = e;
			al->slots[i].state = DUET_AL_SLOT_PENDING;
			al->slots[i].refs = 1;
			duet_al_hash_add(al, i);
			al->pend[al->nr_pend++] = i;
		}
		if (al->slots[i].state != DUET_AL_SLOT_HOT)
			wait = true;
	}
	if (wait || al->need_init) {
		al->stats.misses++;
		return DUET_AL_WAIT_TX;
	}
	al->stats.hits++;
	return DUET_AL_GO;
}

bool duet_al_io_ready(const struct duet_al *al, u64 sector, u32 nr_sect)
{
	u32 first, last, e, i;
	int rv;

	rv = duet_al_span(sector, nr_sect, &first, &last);
	if (rv <= 0)
		return rv == 0;
	if (al->need_init || (al->tx_in_flight && al->tx_is_init))
		return false;
	for (e = first; e <= last; e++) {
		i = duet_al_find(al, e);
		if (i == DUET_AL_NONE || al->slots[i].state != DUET_AL_SLOT_HOT)
			return false;
	}
	return true;
}

int duet_al_complete_io(struct duet_al *al, u64 sector, u32 nr_sect)
{
	u32 first, last, e, i;
	int rv, bad = 0;

	rv = duet_al_span(sector, nr_sect, &first, &last);
	if (rv <= 0)
		return rv;
	for (e = first; e <= last; e++) {
		i = duet_al_find(al, e);
		/* a completion without a begin: a bug in the caller */
		if (i == DUET_AL_NONE || al->slots[i].refs == 0) {
			bad = DUET_AL_E_STATE;
			continue;
		}
		duet_al_put(al, i);
	}
	return bad;
}

/* ---- transactions ----------------------------------------------------- */

bool duet_al_tx_wanted(const struct duet_al *al)
{
	return !al->tx_in_flight && (al->need_init || al->nr_pend);
}

static void duet_al_encode(const struct duet_al *al, u8 *block, u16 type,
			   u32 ctx_start, u32 n_context)
{
	u32 k, i, slot;

	memset(block, 0, DUET_AL_TX_SIZE);
	memcpy(block + TX_MAGIC, duet_al_magic, sizeof(duet_al_magic));
	duet_put_le16(block + TX_VERSION, TX_VERSION_1);
	duet_put_le16(block + TX_TYPE, type);
	duet_put_le64(block + TX_SEQ, al->seq);
	duet_put_le64(block + TX_LOG_ID, al->log_id);
	duet_put_le32(block + TX_EXTENTS, al->nr_slots);
	duet_put_le32(block + TX_CTX_START, ctx_start);
	duet_put_le16(block + TX_N_CONTEXT, (u16)n_context);
	if (type == DUET_AL_TX_UPDATE) {
		duet_put_le16(block + TX_N_UPDATES, (u16)al->nr_commit);
		for (k = 0; k < al->nr_commit; k++) {
			i = al->commit[k];
			duet_put_le32(block + TX_UPDATES + 8 * k, i);
			duet_put_le32(block + TX_UPDATES + 8 * k + 4,
				      al->slots[i].extent);
		}
	}
	/* the slots as they are once this transaction is on disk */
	for (k = 0; k < n_context; k++) {
		slot = ctx_start + k;
		if (slot >= al->nr_slots)
			slot -= al->nr_slots;
		duet_put_le32(block + TX_CONTEXT + 4 * k,
			      type == DUET_AL_TX_INIT ? DUET_AL_NONE :
			      al->slots[slot].extent);
	}
	duet_put_le32(block + TX_CRC, duet_al_block_crc(block));
}

int duet_al_tx_prepare(struct duet_al *al, u8 *block,
		       struct duet_al_tx_info *info)
{
	u32 k, i, n_context;

	if (al->tx_in_flight)
		return DUET_AL_E_STATE;
	memset(info, 0, sizeof(*info));
	n_context = al->nr_slots < DUET_AL_TX_CONTEXT ?
		    al->nr_slots : DUET_AL_TX_CONTEXT;
	if (al->need_init) {
		/* every slot empty on disk; pending changes come next */
		duet_al_encode(al, block, DUET_AL_TX_INIT, 0, n_context);
		al->tx_is_init = true;
	} else {
		if (!al->nr_pend)
			return 0;
		for (k = 0; k < al->nr_pend; k++) {
			i = al->pend[k];
			al->commit[k] = i;
			al->slots[i].state = DUET_AL_SLOT_COMMITTING;
			if (al->slots[i].old != DUET_AL_NONE)
				info->evicted[info->nr_evicted++] =
					al->slots[i].old;
		}
		al->nr_commit = al->nr_pend;
		al->nr_pend = 0;
		duet_al_encode(al, block, DUET_AL_TX_UPDATE, al->ctx_next,
			       n_context);
		al->ctx_prev = al->ctx_next;
		al->ctx_next += n_context;
		if (al->ctx_next >= al->nr_slots)
			al->ctx_next -= al->nr_slots;
		al->tx_is_init = false;
		info->nr_updates = al->nr_commit;
	}
	al->tx_in_flight = true;
	info->seq = al->seq;
	info->ring_index = duet_mod64(al->seq, al->ring_tx);
	info->al_sector = (u64)info->ring_index * (DUET_AL_TX_SIZE >> 9);
	return 1;
}

int duet_al_tx_done(struct duet_al *al, bool ok)
{
	u32 k, i;

	if (!al->tx_in_flight)
		return DUET_AL_E_STATE;
	al->tx_in_flight = false;
	if (al->tx_is_init) {
		if (ok) {
			al->need_init = false;
			al->seq++;
			al->stats.tx_written++;
			duet_ctr_al_written(al->ctr);
		}
		return DUET_AL_OK;
	}
	if (!ok) {
		/*
		 * Keep the changes for the next attempt, which reuses the
		 * number. begin_io() kept committed + pending within one
		 * transaction, so both fit into pend[].
		 */
		for (k = 0; k < al->nr_commit; k++) {
			i = al->commit[k];
			al->slots[i].state = DUET_AL_SLOT_PENDING;
		}
		for (k = 0; k < al->nr_pend; k++)
			al->commit[al->nr_commit + k] = al->pend[k];
		al->nr_pend += al->nr_commit;
		for (k = 0; k < al->nr_pend; k++)
			al->pend[k] = al->commit[k];
		al->nr_commit = 0;
		al->ctx_next = al->ctx_prev;
		return DUET_AL_OK;
	}
	for (k = 0; k < al->nr_commit; k++) {
		i = al->commit[k];
		al->slots[i].state = DUET_AL_SLOT_HOT;
		al->slots[i].old = DUET_AL_NONE;
		if (al->slots[i].refs == 0)
			duet_al_lru_add(al, i, al->slots[i].extent ==
					DUET_AL_NONE);
	}
	al->stats.changed += al->nr_commit;
	al->nr_commit = 0;
	al->seq++;
	al->stats.tx_written++;
	duet_ctr_al_written(al->ctr);
	return DUET_AL_OK;
}

bool duet_al_is_hot(const struct duet_al *al, u32 extent)
{
	u32 i;

	if (extent == DUET_AL_NONE)
		return false;
	i = duet_al_find(al, extent);
	return i != DUET_AL_NONE && al->slots[i].state == DUET_AL_SLOT_HOT;
}

/* ---- sorting (heapsort: no recursion, no allocation) ------------------ */

static void duet_sift_down(u32 *a, u32 root, u32 n)
{
	u32 child, t;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Sort a[0..n) ascending and drop duplicates; returns the new length. */
static u32 duet_sort_unique(u32 *a, u32 n)
{
	u32 i, t, m;

	if (n < 2)
		return n;
	for (i = n / 2; i-- > 0;)
		duet_sift_down(a, i, n);
	for (i = n - 1; i > 0; i--) {
		t = a[0];
		a[0] = a[i];
		a[i] = t;
		duet_sift_down(a, 0, i);
	}
	for (i = 1, m = 1; i < n; i++)
		if (a[i] != a[m - 1])
			a[m++] = a[i];
	return m;
}

u32 duet_al_hot_extents(const struct duet_al *al, u32 *out, u32 cap)
{
	u32 i, n = 0, e;

	for (i = 0; i < al->nr_slots; i++) {
		/* on disk: a pending slot still holds its old extent there */
		if (al->slots[i].state == DUET_AL_SLOT_HOT)
			e = al->slots[i].extent;
		else
			e = al->slots[i].old;
		if (e == DUET_AL_NONE)
			continue;
		if (n < cap)
			out[n] = e;
		n++;
	}
	return n <= cap ? duet_sort_unique(out, n) : n;
}

/* ---- recovery --------------------------------------------------------- */

/* The block for transaction @seq, if it is intact and belongs to us. */
static bool duet_al_ring_tx(const u8 *ring, u32 ring_tx, u64 log_id,
			    u64 seq, struct duet_al_tx_hdr *h)
{
	const u8 *b = ring + (size_t)duet_mod64(seq, ring_tx) * DUET_AL_TX_SIZE;

	return duet_al_tx_decode(b, DUET_AL_TX_SIZE, h) == DUET_AL_OK &&
	       h->seq == seq && h->log_id == log_id;
}

static void duet_al_replay_one(const u8 *b, const struct duet_al_tx_hdr *h,
			       u32 *slots)
{
	u32 k, slot, e;

	if (h->type == DUET_AL_TX_INIT)
		for (k = 0; k < h->al_extents; k++)
			slots[k] = DUET_AL_NONE;
	slot = h->ctx_start;
	for (k = 0; k < h->n_context; k++) {
		slots[slot] = duet_al_tx_context(b, k);
		if (++slot == h->al_extents)
			slot = 0;
	}
	for (k = 0; k < h->n_updates; k++) {
		duet_al_tx_update(b, k, &slot, &e);
		slots[slot] = e;
	}
}

int duet_al_recover(const u8 *ring, size_t len, u32 ring_tx, u64 log_id,
		    u32 *work, u32 work_len, struct duet_al_recovery *r)
{
	struct duet_al_tx_hdr h, newest;
	u64 first, s;
	u32 i, n;
	bool garbage = false;
	int err;

	memset(r, 0, sizeof(*r));
	memset(&newest, 0, sizeof(newest));
	if (ring_tx < DUET_AL_RING_TX_MIN || ring_tx > DUET_AL_RING_TX_MAX)
		return DUET_AL_E_COUNT;
	if (!ring || len / DUET_AL_TX_SIZE < ring_tx)
		return DUET_AL_E_SHORT;

	/* the newest intact transaction in its proper place */
	for (i = 0; i < ring_tx; i++) {
		const u8 *b = ring + (size_t)i * DUET_AL_TX_SIZE;

		err = duet_al_tx_decode(b, DUET_AL_TX_SIZE, &h);
		if (err == DUET_AL_E_BLANK)
			continue;
		if (err || h.log_id != log_id ||
		    duet_mod64(h.seq, ring_tx) != i) {
			garbage = true;
			continue;
		}
		r->nr_valid++;
		if (h.seq > r->newest_seq) {
			r->newest_seq = h.seq;
			newest = h;
		}
	}
	if (!r->nr_valid)
		return garbage ? DUET_AL_E_CORRUPT : DUET_AL_E_BLANK;
	r->next_seq = r->newest_seq + 1;
	r->al_extents = newest.al_extents;
	if (work_len < newest.al_extents)
		return DUET_AL_E_MEMORY;

	/*
	 * The run to replay: back from the newest through consecutive
	 * intact transactions of the same log size, stopping at an init
	 * transaction (nothing before it matters).
	 */
	first = newest.seq;
	h = newest;
	while (h.type != DUET_AL_TX_INIT && first > 1 &&
	       newest.seq - (first - 1) < ring_tx) {
		if (!duet_al_ring_tx(ring, ring_tx, log_id, first - 1, &h) ||
		    h.al_extents != newest.al_extents)
			break;
		first--;
	}

	for (i = 0; i < newest.al_extents; i++)
		work[i] = AL_UNKNOWN;
	for (s = first; s <= newest.seq; s++) {
		const u8 *b = ring +
			(size_t)duet_mod64(s, ring_tx) * DUET_AL_TX_SIZE;

		if (!duet_al_ring_tx(ring, ring_tx, log_id, s, &h))
			return DUET_AL_E_CORRUPT;	/* cannot happen */
		duet_al_replay_one(b, &h, work);
		r->nr_replayed++;
	}

	for (i = 0, n = 0; i < newest.al_extents; i++) {
		if (work[i] == AL_UNKNOWN)
			return DUET_AL_E_INCOMPLETE;
		if (work[i] != DUET_AL_NONE)
			work[n++] = work[i];
	}
	r->nr_hot = duet_sort_unique(work, n);
	return DUET_AL_OK;
}
