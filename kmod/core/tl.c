// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: the transfer log and the epochs of replicated writes.
 */
#include "tl.h"

static const char *const duet_tl_errs[] = {
	[0] = "success",
	[1] = "transfer log full",
	[2] = "acknowledgement names no write in flight",
	[3] = "acknowledgement does not match its write's sector and size",
	[4] = "acknowledgement not expected for that write",
	[5] = "barrier acknowledgement for an epoch not awaited",
	[6] = "barrier acknowledgement counts another number of writes",
	[7] = "barrier acknowledgement while a write of the epoch awaits its ack",
};

const char *duet_tl_strerror(int err)
{
	if (err > 0 || err < DUET_TL_E_LAST)
		return "unknown transfer log error";
	return duet_tl_errs[-err];
}

int duet_tl_init(struct duet_tl *tl, struct duet_tl_ent *ent, u32 cap,
		 u32 first_epoch, u32 max_epoch_size)
{
	if (cap < 2 || (cap & (cap - 1)) || !max_epoch_size)
		return -1;
	memset(tl, 0, sizeof(*tl));
	tl->ent = ent;
	tl->cap = cap;
	tl->max_epoch_size = max_epoch_size;
	tl->cur_epoch = first_epoch;
	tl->acked_epoch = first_epoch - 1;
	tl->gen = 1;
	return 0;
}

static struct duet_tl_ent *duet_tl_at(const struct duet_tl *tl, u32 pos)
{
	return &tl->ent[pos & (tl->cap - 1)];
}

/* End the current epoch: the next write goes into a new one. */
static void duet_tl_next_epoch(struct duet_tl *tl)
{
	tl->cur_epoch++;
	tl->cur_writes = 0;
	tl->cur_closed = false;
}

int duet_tl_add(struct duet_tl *tl, u64 sector, u32 size, u32 want,
		void *ctx, struct duet_tl_add *out)
{
	struct duet_tl_ent *e;

	if (duet_tl_count(tl) >= tl->cap)
		return DUET_TL_E_FULL;
	out->barrier = false;
	if (tl->cur_writes &&
	    (tl->cur_closed || tl->cur_writes >= tl->max_epoch_size)) {
		out->barrier = true;
		out->barrier_epoch = tl->cur_epoch;
		duet_tl_next_epoch(tl);
	}
	e = duet_tl_at(tl, tl->tail);
	e->sector = sector;
	e->size = size;
	e->epoch = tl->cur_epoch;
	e->gen = tl->gen++;
	if (!tl->gen)
		tl->gen = 1;
	e->want = want & (DUET_TL_WANT_RECV | DUET_TL_WANT_WRITE);
	e->failed = false;
	e->ctx = e->want ? ctx : NULL;
	out->id = (u64)e->gen << 32 | (tl->tail & (tl->cap - 1));
	out->epoch = e->epoch;
	tl->tail++;
	tl->cur_writes++;
	return DUET_TL_OK;
}

void duet_tl_completed(struct duet_tl *tl, u32 epoch)
{
	if (epoch == tl->cur_epoch && tl->cur_writes)
		tl->cur_closed = true;
}

bool duet_tl_close_idle(struct duet_tl *tl, u32 *epoch)
{
	if (!tl->cur_writes || !tl->cur_closed)
		return false;
	*epoch = tl->cur_epoch;
	duet_tl_next_epoch(tl);
	return true;
}

/* The record an id names, if it is in the ring. */
static struct duet_tl_ent *duet_tl_find(const struct duet_tl *tl, u64 id)
{
	u32 slot = (u32)id, gen = (u32)(id >> 32);
	struct duet_tl_ent *e;

	if (slot >= tl->cap || !gen)
		return NULL;
	/* the slot must lie between head and tail */
	if (((slot - tl->head) & (tl->cap - 1)) >= duet_tl_count(tl))
		return NULL;
	e = &tl->ent[slot];
	return e->gen == gen ? e : NULL;
}

int duet_tl_ack(struct duet_tl *tl, u64 id, u64 sector, u32 size, u32 what,
		bool neg, void **ctx, bool *failed)
{
	struct duet_tl_ent *e = duet_tl_find(tl, id);

	*ctx = NULL;
	*failed = false;
	if (!e)
		return DUET_TL_E_ID;
	if (e->sector != sector || e->size != size)
		return DUET_TL_E_MISMATCH;
	if (neg) {
		/* also for protocol A, which awaits nothing: mark it failed */
		e->want = 0;
		e->failed = true;
	} else {
		/* one kind per ack, and one the record still awaits */
		if ((what != DUET_TL_WANT_RECV && what != DUET_TL_WANT_WRITE) ||
		    !(e->want & what))
			return DUET_TL_E_UNEXPECTED;
		e->want &= ~what;
	}
	*failed = e->failed;
	if (!e->want) {
		*ctx = e->ctx;
		e->ctx = NULL;
	}
	return DUET_TL_OK;
}

int duet_tl_barrier_ack(struct duet_tl *tl, u32 epoch, u32 set_size,
			void (*fn)(void *arg, const struct duet_tl_ent *e),
			void *arg)
{
	u32 n = 0, pos;
	struct duet_tl_ent *e;

	/* only a closed epoch has had its barrier sent */
	if (!duet_tl_count(tl) || epoch == tl->cur_epoch ||
	    duet_tl_at(tl, tl->head)->epoch != epoch)
		return DUET_TL_E_EPOCH;
	for (pos = tl->head; pos != tl->tail; pos++) {
		e = duet_tl_at(tl, pos);
		if (e->epoch != epoch)
			break;
		if (e->want)
			return DUET_TL_E_PENDING;
		n++;
	}
	if (n != set_size)
		return DUET_TL_E_SET_SIZE;
	for (; n; n--) {
		e = duet_tl_at(tl, tl->head);
		if (fn)
			fn(arg, e);
		e->gen = 0;
		tl->head++;
	}
	tl->acked_epoch = epoch;
	return DUET_TL_OK;
}

void duet_tl_clear(struct duet_tl *tl,
		   void (*fn)(void *arg, const struct duet_tl_ent *e),
		   void *arg)
{
	struct duet_tl_ent *e;

	while (tl->head != tl->tail) {
		e = duet_tl_at(tl, tl->head);
		if (fn)
			fn(arg, e);
		e->gen = 0;
		e->ctx = NULL;
		tl->head++;
	}
	if (tl->cur_writes)
		duet_tl_next_epoch(tl);
}

void duet_tl_rx_init(struct duet_tl_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

int duet_tl_rx_data(struct duet_tl_rx *rx, u32 epoch)
{
	if (!rx->started) {
		rx->started = true;
		rx->epoch = epoch;
	} else if (epoch != rx->epoch) {
		return DUET_TL_E_EPOCH;
	}
	rx->writes++;
	return DUET_TL_OK;
}

int duet_tl_rx_barrier(struct duet_tl_rx *rx, u32 epoch, u32 *set_size)
{
	if (!rx->started || epoch != rx->epoch || !rx->writes)
		return DUET_TL_E_EPOCH;
	*set_size = rx->writes;
	rx->epoch++;
	rx->writes = 0;
	return DUET_TL_OK;
}
