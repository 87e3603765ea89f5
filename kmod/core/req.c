// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: request bookkeeping and /proc counters (see req.h).
 */
#include "req.h"

void duet_ctr_init(struct duet_counters *c)
{
	memset(c, 0, sizeof(*c));
	c->epochs = 1;
	c->wo = 'f';
}

static void duet_ctr_dec(struct duet_counters *c, u32 *v)
{
	if (*v)
		(*v)--;
	else
		c->underflows++;
}

void duet_ctr_al_written(struct duet_counters *c)
{
	if (c)
		c->al_writes++;
}

void duet_ctr_bm_written(struct duet_counters *c)
{
	if (c)
		c->bm_writes++;
}

void duet_ctr_epoch_opened(struct duet_counters *c)
{
	c->epochs++;
}

void duet_ctr_epoch_closed(struct duet_counters *c)
{
	duet_ctr_dec(c, &c->epochs);
}

int duet_req_init(struct duet_req *r, u64 sector, u32 size,
		  enum duet_req_dir dir, u16 flags)
{
	memset(r, 0, sizeof(*r));
	if (size & 511)
		return -1;
	if (sector > ~(u64)0 - (size >> 9))
		return -1;
	if (dir != DUET_READ && dir != DUET_WRITE)
		return -1;
	if (flags & ~DUET_REQ_FLAGS_KNOWN)
		return -1;
	if (dir == DUET_READ && flags)
		return -1;
	r->sector = sector;
	r->size = size;
	r->dir = (u8)dir;
	r->flags = flags;
	return 0;
}

static bool duet_req_is_write(const struct duet_req *r)
{
	return r->dir == DUET_WRITE;
}

/* Complete upward once neither part is outstanding. */
static unsigned int duet_req_try_complete(struct duet_counters *c,
					  struct duet_req *r)
{
	unsigned int act = DUET_REQ_ACT_COMPLETE;

	if (r->state & (DUET_RQ_LOCAL_PENDING | DUET_RQ_NET_PENDING |
			DUET_RQ_COMPLETED))
		return 0;
	r->state |= DUET_RQ_COMPLETED;
	duet_ctr_dec(c, &c->app);
	/* one good copy is enough (drbd.md §2.1) */
	if (!(r->state & (DUET_RQ_LOCAL_OK | DUET_RQ_NET_OK)))
		act |= DUET_REQ_ACT_ERROR;
	return act;
}

unsigned int duet_req_start(struct duet_counters *c, struct duet_req *r,
			    bool local, bool remote, char proto)
{
	c->app++;
	r->state = 0;
	r->proto = remote ? proto : 0;
	if (local) {
		r->state |= DUET_RQ_LOCAL_PENDING;
		c->local++;
	}
	if (remote) {
		r->state |= DUET_RQ_NET_PENDING;
		c->pending++;
	}
	/* a write the peer does not get must be resynced later */
	if (duet_req_is_write(r) && r->size && local && !remote)
		return DUET_REQ_ACT_OOS;
	if (!local && !remote)
		return duet_req_try_complete(c, r);	/* nowhere to go */
	return 0;
}

unsigned int duet_req_local_done(struct duet_counters *c, struct duet_req *r,
				 bool ok)
{
	unsigned int act = 0;

	if (!(r->state & DUET_RQ_LOCAL_PENDING))
		return DUET_REQ_ACT_BAD;
	r->state &= ~DUET_RQ_LOCAL_PENDING;
	duet_ctr_dec(c, &c->local);
	if (ok) {
		r->state |= DUET_RQ_LOCAL_OK;
		if (duet_req_is_write(r))
			c->writ_sect += r->size >> 9;
		else
			c->read_sect += r->size >> 9;
	} else {
		r->state |= DUET_RQ_LOCAL_FAILED;
		/* our copy is bad; the peer's (if any) is the good one */
		if (duet_req_is_write(r) && r->size)
			act |= DUET_REQ_ACT_OOS;
	}
	return act | duet_req_try_complete(c, r);
}

unsigned int duet_req_net_sent(struct duet_counters *c, struct duet_req *r)
{
	if (!(r->state & DUET_RQ_NET_PENDING) || (r->state & DUET_RQ_NET_SENT))
		return DUET_REQ_ACT_BAD;
	r->state |= DUET_RQ_NET_SENT;
	if (!duet_req_is_write(r))
		return 0;
	c->send_sect += r->size >> 9;
	if (r->proto != 'A')
		return 0;
	/* protocol A: in the send buffer is as far as we wait */
	r->state &= ~DUET_RQ_NET_PENDING;
	r->state |= DUET_RQ_NET_OK;
	duet_ctr_dec(c, &c->pending);
	return duet_req_try_complete(c, r);
}

unsigned int duet_req_net_ack(struct duet_counters *c, struct duet_req *r,
			      enum duet_ack ack)
{
	bool wanted;

	if (!duet_req_is_write(r) || !r->proto)
		return DUET_REQ_ACT_BAD;
	if (ack == DUET_ACK_WRITE)
		r->state |= DUET_RQ_NET_ON_DISK;
	wanted = (ack == DUET_ACK_RECV && r->proto == 'B') ||
		 (ack == DUET_ACK_WRITE && r->proto == 'C');
	if (!wanted)
		return 0;	/* an extra ack (e.g. requested during resync) */
	if (!(r->state & DUET_RQ_NET_PENDING))
		return DUET_REQ_ACT_BAD;
	r->state &= ~DUET_RQ_NET_PENDING;
	r->state |= DUET_RQ_NET_OK;
	duet_ctr_dec(c, &c->pending);
	return duet_req_try_complete(c, r);
}

unsigned int duet_req_net_data(struct duet_counters *c, struct duet_req *r)
{
	if (duet_req_is_write(r) || !(r->state & DUET_RQ_NET_PENDING))
		return DUET_REQ_ACT_BAD;
	r->state &= ~DUET_RQ_NET_PENDING;
	r->state |= DUET_RQ_NET_OK;
	duet_ctr_dec(c, &c->pending);
	c->recv_sect += r->size >> 9;
	return duet_req_try_complete(c, r);
}

unsigned int duet_req_net_failed(struct duet_counters *c,
				 struct duet_req *r)
{
	unsigned int act = 0;

	if (!(r->state & DUET_RQ_NET_PENDING))
		return DUET_REQ_ACT_BAD;
	r->state &= ~DUET_RQ_NET_PENDING;
	r->state |= DUET_RQ_NET_FAILED;
	duet_ctr_dec(c, &c->pending);
	if (duet_req_is_write(r) && r->size)
		act |= DUET_REQ_ACT_OOS;
	return act | duet_req_try_complete(c, r);
}

unsigned int duet_req_conn_lost(struct duet_counters *c, struct duet_req *r)
{
	unsigned int act = 0;

	if (!r->proto && !(r->state & DUET_RQ_NET_PENDING))
		return 0;	/* never went to the peer */
	if (r->state & DUET_RQ_NET_PENDING) {
		r->state &= ~DUET_RQ_NET_PENDING;
		r->state |= DUET_RQ_NET_FAILED;
		duet_ctr_dec(c, &c->pending);
	}
	/* until the peer says it is on its disk, it may be lost there */
	if (duet_req_is_write(r) && r->size &&
	    !(r->state & DUET_RQ_NET_ON_DISK))
		act |= DUET_REQ_ACT_OOS;
	return act | duet_req_try_complete(c, r);
}

/* ---- the peer's requests ---------------------------------------------- */

static void duet_peer_owe(struct duet_counters *c, struct duet_req *r)
{
	r->state |= DUET_RQ_ANSWER_OWED;
	c->unacked++;
}

unsigned int duet_peer_write_received(struct duet_counters *c,
				      struct duet_req *r, char proto)
{
	r->state = DUET_RQ_LOCAL_PENDING;
	r->proto = proto;
	c->recv_sect += r->size >> 9;
	c->local++;
	if (proto == 'B') {
		duet_peer_owe(c, r);
		return DUET_REQ_ACT_SEND_RECV_ACK;
	}
	if (proto == 'C')
		duet_peer_owe(c, r);
	return 0;
}

unsigned int duet_peer_write_done(struct duet_counters *c, struct duet_req *r,
				  bool ok)
{
	if (!(r->state & DUET_RQ_LOCAL_PENDING))
		return DUET_REQ_ACT_BAD;
	r->state &= ~DUET_RQ_LOCAL_PENDING;
	duet_ctr_dec(c, &c->local);
	if (ok) {
		r->state |= DUET_RQ_LOCAL_OK;
		c->writ_sect += r->size >> 9;
	} else {
		r->state |= DUET_RQ_LOCAL_FAILED;
	}
	if (r->proto != 'C')
		return 0;
	return ok ? DUET_REQ_ACT_SEND_WRITE_ACK : DUET_REQ_ACT_SEND_NEG_ACK;
}

unsigned int duet_peer_read_received(struct duet_counters *c,
				     struct duet_req *r)
{
	r->state = DUET_RQ_LOCAL_PENDING;
	r->proto = 0;
	c->local++;
	duet_peer_owe(c, r);
	return 0;
}

unsigned int duet_peer_read_done(struct duet_counters *c, struct duet_req *r,
				 bool ok)
{
	if (!(r->state & DUET_RQ_LOCAL_PENDING))
		return DUET_REQ_ACT_BAD;
	r->state &= ~DUET_RQ_LOCAL_PENDING;
	duet_ctr_dec(c, &c->local);
	if (!ok) {
		r->state |= DUET_RQ_LOCAL_FAILED;
		return DUET_REQ_ACT_SEND_NEG_ACK;
	}
	r->state |= DUET_RQ_LOCAL_OK;
	c->read_sect += r->size >> 9;
	return DUET_REQ_ACT_SEND_DATA;
}

void duet_peer_answer_sent(struct duet_counters *c, struct duet_req *r,
			   unsigned int what)
{
	if (!(r->state & DUET_RQ_ANSWER_OWED)) {
		c->underflows++;
		return;
	}
	r->state &= ~DUET_RQ_ANSWER_OWED;
	duet_ctr_dec(c, &c->unacked);
	if (what & DUET_REQ_ACT_SEND_DATA)
		c->send_sect += r->size >> 9;
}
