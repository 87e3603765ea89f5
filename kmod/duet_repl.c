// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the sending side of replication (this node is Primary).
 *
 * An application write that goes to the peer gets a transfer-log record
 * (core/tl.c) and is sent on the data socket by the context that
 * submitted it, under the socket's mutex, right after its clone went to
 * the local disk: both run in parallel. A BARRIER goes before the first
 * write of each new epoch. The request completes upward when its local
 * part is done and its network part reached what the protocol asks for
 * (core/req.c): handed to the socket (A), received (B), written (C).
 *
 * The record stays until the peer acknowledges its epoch's barrier; the
 * activity-log reference of the write is held as long, so that after a
 * crash of this node every write the peer may lack lies in a hot extent.
 * When the link breaks, every record left is marked out of sync.
 */
#include <linux/bio.h>
#include <linux/slab.h>

#include "duet.h"

/*
 * Under dev->state_lock: the resource's link, with a reference, unless
 * there is none or it is going away. duet_link_stop() sets stopping, then
 * passes through every device's state_lock, then waits for the users.
 */
struct duet_link *duet_repl_get(struct duet_device *dev)
{
	struct duet_link *c = dev->res->link;

	if (!c || READ_ONCE(c->stopping))
		return NULL;
	atomic_inc(&c->users);
	return c;
}

void duet_repl_put(struct duet_link *c)
{
	unsigned long flags;

	/* under the lock: the stopper frees @c once it got the lock after 0 */
	spin_lock_irqsave(&c->lock, flags);
	if (atomic_dec_and_test(&c->users))
		wake_up(&c->wait);
	spin_unlock_irqrestore(&c->lock, flags);
}

/* Under dev->state_lock: does a new write go to the peer? */
bool duet_repl_want(struct duet_device *dev, struct duet_link *c)
{
	return c && dev->state.conn >= DUET_C_CONNECTED &&
	       dev->state.pdsk >= DUET_D_INCONSISTENT;
}

char duet_repl_proto(struct duet_link *c)
{
	return 'A' + READ_ONCE(c->nc.protocol) - 1;
}

static u32 duet_repl_dp_flags(struct duet_kreq *kr)
{
	u32 f = 0;

	if (kr->orig->bi_opf & REQ_FUA)
		f |= DUET_DP_FUA;
	if (kr->orig->bi_opf & REQ_PREFLUSH)
		f |= DUET_DP_FLUSH;
	if (bio_op(kr->orig) == REQ_OP_DISCARD)
		f |= DUET_DP_DISCARD;
	if (bio_op(kr->orig) == REQ_OP_WRITE_ZEROES)
		f |= DUET_DP_ZEROES;
	if (kr->req.proto == 'B')
		f |= DUET_DP_RECV_ACK;
	if (kr->req.proto == 'C')
		f |= DUET_DP_WRITE_ACK;
	return f;
}

/* Mark a range out of sync. */
static void duet_repl_oos(struct duet_device *dev, u64 sector, u32 size)
{
	unsigned long flags;

	if (!size)
		return;
	spin_lock_irqsave(&dev->state_lock, flags);
	if (dev->bm_valid)
		duet_bm_set_range(&dev->bm, sector, size >> 9);
	spin_unlock_irqrestore(&dev->state_lock, flags);
}

/* The network part of @kr ended with the core's answer from @fn. */
static void duet_repl_net_end(struct duet_kreq *kr,
			      unsigned int (*fn)(struct duet_counters *c,
						 struct duet_req *r))
{
	struct duet_device *dev = kr->dev;
	unsigned long flags;
	unsigned int act;

	spin_lock_irqsave(&dev->state_lock, flags);
	act = fn(&dev->ctr, &kr->req);
	if (act & DUET_REQ_ACT_OOS && dev->bm_valid)
		duet_bm_set_range(&dev->bm, kr->req.sector, kr->req.size >> 9);
	spin_unlock_irqrestore(&dev->state_lock, flags);
	duet_io_act_kreq(kr, act);
	duet_io_put_kreq(kr);
}

/* A write meant for the peer that never got a record: it is out of sync. */
void duet_repl_unsent(struct duet_device *dev, struct duet_kreq *kr)
{
	duet_repl_net_end(kr, duet_req_conn_lost);
}

static int duet_repl_send_barrier(struct duet_link *c, u32 epoch)
{
	struct duet_wire_pkt pkt = { };

	pkt.hdr.type = DUET_P_BARRIER;
	pkt.u.barrier.epoch = epoch;
	return duet_sock_send(c, c->data, &pkt, NULL, 0);
}

/* Wait for room in the transfer log; data_mu is held and given back. */
static bool duet_repl_wait_room(struct duet_link *c)
{
	unsigned long flags;
	bool idle, live;
	u32 epoch = 0;

	spin_lock_irqsave(&c->lock, flags);
	idle = c->live && duet_tl_close_idle(&c->tl, &epoch);
	spin_unlock_irqrestore(&c->lock, flags);
	/* the peer acks only epochs whose barrier it has seen */
	if (idle && duet_repl_send_barrier(c, epoch))
		duet_link_lost(c, DUET_WHY_NETWORK, "sending a barrier failed");
	mutex_unlock(&c->data_mu);
	wait_event_timeout(c->wait, duet_tl_count(&c->tl) < c->tl.cap ||
			   !READ_ONCE(c->live), HZ / 10);
	mutex_lock(&c->data_mu);
	spin_lock_irqsave(&c->lock, flags);
	live = c->live;
	spin_unlock_irqrestore(&c->lock, flags);
	return live;
}

void duet_repl_write(struct duet_device *dev, struct duet_kreq *kr)
{
	struct duet_link *c = kr->link;
	struct duet_wire_pkt pkt = { };
	struct duet_tl_add add;
	unsigned long flags;
	bool has_data;
	u32 want = 0;
	int rv;

	if (kr->req.proto == 'B')
		want = DUET_TL_WANT_RECV;
	else if (kr->req.proto == 'C')
		want = DUET_TL_WANT_WRITE;

	mutex_lock(&c->data_mu);
	for (;;) {
		spin_lock_irqsave(&c->lock, flags);
		rv = c->live ? duet_tl_add(&c->tl, kr->req.sector,
					   kr->req.size, want, kr, &add) :
			       DUET_TL_E_ID;
		if (!rv) {
			kr->in_tl = true;
			kr->epoch = add.epoch;
			/* the record's reference, dropped on its release */
			atomic_inc(&kr->refs);
			c->tl_kr[(u32)add.id & (c->tl.cap - 1)] = kr;
		}
		spin_unlock_irqrestore(&c->lock, flags);
		if (!rv)
			break;
		if (rv != DUET_TL_E_FULL || !duet_repl_wait_room(c)) {
			mutex_unlock(&c->data_mu);
			duet_repl_unsent(dev, kr);
			return;
		}
	}

	if (add.barrier && duet_repl_send_barrier(c, add.barrier_epoch))
		goto failed;
	pkt.hdr.type = DUET_P_DATA;
	pkt.hdr.volume = dev->volume;
	pkt.u.data.sector = kr->req.sector;
	pkt.u.data.id = add.id;
	pkt.u.data.size = kr->req.size;
	pkt.u.data.flags = duet_repl_dp_flags(kr);
	pkt.u.data.epoch = add.epoch;
	pkt.u.data.seq = ++c->seq;
	has_data = kr->req.size &&
		   !(pkt.u.data.flags & (DUET_DP_DISCARD | DUET_DP_ZEROES));

	/*
	 * Protocols B and C: count it as sent before it is, since the ack
	 * may complete the request (and free it) before the send returns.
	 */
	if (want) {
		spin_lock_irqsave(&dev->state_lock, flags);
		duet_req_net_sent(&dev->ctr, &kr->req);
		spin_unlock_irqrestore(&dev->state_lock, flags);
	}
	rv = duet_sock_send_data(c, &pkt, has_data ? kr->orig : NULL);
	if (rv)
		goto failed;
	mutex_unlock(&c->data_mu);
	if (!want)	/* protocol A: in the send buffer, done */
		duet_repl_net_end(kr, duet_req_net_sent);
	return;

failed:
	mutex_unlock(&c->data_mu);
	duet_link_lost(c, DUET_WHY_NETWORK, "sending a write failed (%d)", rv);
	/* B and C: the transfer log hands it back when the link is torn down */
	if (!want)
		duet_repl_net_end(kr, duet_req_conn_lost);
}

/*
 * An empty flush: nothing to send, but the writes before it must reach
 * stable storage on the peer too. Their epoch is closed now, so its
 * barrier goes out (and the peer flushes) without waiting for the next
 * write.
 */
void duet_repl_flush(struct duet_link *c)
{
	unsigned long flags;
	bool close;

	spin_lock_irqsave(&c->lock, flags);
	close = c->live && c->tl.cur_writes;
	if (close)
		duet_tl_completed(&c->tl, c->tl.cur_epoch);
	spin_unlock_irqrestore(&c->lock, flags);
	if (close)
		queue_work(c->wq, &c->idle_work);
}

/* The request completed upward: its epoch is closed. */
void duet_repl_completed(struct duet_device *dev, struct duet_kreq *kr)
{
	struct duet_link *c = kr->link;
	unsigned long flags;
	bool closed;

	spin_lock_irqsave(&c->lock, flags);
	duet_tl_completed(&c->tl, kr->epoch);
	closed = c->live && c->tl.cur_closed;
	spin_unlock_irqrestore(&c->lock, flags);
	if (closed)
		queue_work(c->wq, &c->idle_work);
}

/* No write followed the closed epoch: send its barrier now. */
void duet_repl_idle_work(struct work_struct *w)
{
	struct duet_link *c = container_of(w, struct duet_link, idle_work);
	unsigned long flags;
	bool send;
	u32 epoch;

	mutex_lock(&c->data_mu);
	spin_lock_irqsave(&c->lock, flags);
	send = c->live && duet_tl_close_idle(&c->tl, &epoch);
	spin_unlock_irqrestore(&c->lock, flags);
	if (send && duet_repl_send_barrier(c, epoch))
		duet_link_lost(c, DUET_WHY_NETWORK, "sending a barrier failed");
	mutex_unlock(&c->data_mu);
}

/* Under c->lock: the request of a record leaving the ring, onto @list. */
static struct duet_kreq *duet_repl_ent_take(struct duet_link *c,
					    const struct duet_tl_ent *e,
					    struct list_head *list)
{
	struct duet_kreq *kr = c->tl_kr[e - c->tl.ent];

	c->tl_kr[e - c->tl.ent] = NULL;
	if (kr)
		list_add_tail(&kr->rel_list, list);
	return kr;
}

/* Outside c->lock: drop the references of released records. */
static void duet_repl_put_released(struct list_head *list)
{
	struct duet_kreq *kr, *tmp;

	list_for_each_entry_safe(kr, tmp, list, rel_list) {
		list_del(&kr->rel_list);
		duet_io_put_kreq(kr);
	}
}

static unsigned int duet_req_net_ack_write(struct duet_counters *c,
					   struct duet_req *r)
{
	return duet_req_net_ack(c, r, DUET_ACK_WRITE);
}

static unsigned int duet_req_net_ack_recv(struct duet_counters *c,
					  struct duet_req *r)
{
	return duet_req_net_ack(c, r, DUET_ACK_RECV);
}

/* RECV_ACK, WRITE_ACK, NEG_ACK from the peer (ack receiver thread). */
int duet_repl_ack(struct duet_link *c, const struct duet_wire_pkt *pkt)
{
	const struct duet_wire_block *b = &pkt->u.block;
	bool neg = pkt->hdr.type == DUET_P_NEG_ACK;
	u32 what = pkt->hdr.type == DUET_P_RECV_ACK ? DUET_TL_WANT_RECV :
						      DUET_TL_WANT_WRITE;
	struct duet_kreq *kr;
	unsigned long flags;
	bool failed;
	void *ctx;
	int rv;

	spin_lock_irqsave(&c->lock, flags);
	rv = duet_tl_ack(&c->tl, b->id, b->sector, b->size, what, neg, &ctx,
			 &failed);
	spin_unlock_irqrestore(&c->lock, flags);
	if (rv) {
		c->proto_errors++;
		pr_err("duet: %s: %s from %s for sector %llu: %s\n",
		       c->res->name, duet_wire_type_str(pkt->hdr.type),
		       c->peer_str, (unsigned long long)b->sector,
		       duet_tl_strerror(rv));
		return -EPROTO;
	}
	if (!ctx)
		return 0;
	kr = ctx;
	if (neg)
		duet_repl_net_end(kr, duet_req_net_failed);
	else if (what == DUET_TL_WANT_WRITE)
		duet_repl_net_end(kr, duet_req_net_ack_write);
	else
		duet_repl_net_end(kr, duet_req_net_ack_recv);
	return 0;
}

struct duet_repl_clear {
	struct duet_link *c;
	struct list_head lost;		/* acks still awaited: conn lost */
	struct list_head released;	/* records gone: drop their refs */
};

/* Released by the barrier ack: the write is on the peer's disk. */
static void duet_repl_release(void *arg, const struct duet_tl_ent *e)
{
	struct duet_repl_clear *rc = arg;
	struct duet_kreq *kr = duet_repl_ent_take(rc->c, e, &rc->released);

	if (kr && e->failed)
		duet_repl_oos(kr->dev, e->sector, e->size);
}

int duet_repl_barrier_ack(struct duet_link *c,
			  const struct duet_wire_pkt *pkt)
{
	struct duet_repl_clear rc = { .c = c };
	unsigned long flags;
	int rv;

	INIT_LIST_HEAD(&rc.released);
	spin_lock_irqsave(&c->lock, flags);
	rv = duet_tl_barrier_ack(&c->tl, pkt->u.barrier.epoch,
				 pkt->u.barrier.set_size, duet_repl_release,
				 &rc);
	spin_unlock_irqrestore(&c->lock, flags);
	duet_repl_put_released(&rc.released);
	wake_up(&c->wait);
	if (rv) {
		c->proto_errors++;
		pr_err("duet: %s: BARRIER_ACK %u (%u writes) from %s: %s\n",
		       c->res->name, pkt->u.barrier.epoch,
		       pkt->u.barrier.set_size, c->peer_str,
		       duet_tl_strerror(rv));
		return -EPROTO;
	}
	return 0;
}

/* The link broke: the peer may lack this write. */
static void duet_repl_clear_one(void *arg, const struct duet_tl_ent *e)
{
	struct duet_repl_clear *rc = arg;
	struct duet_kreq *kr = duet_repl_ent_take(rc->c, e, &rc->released);

	if (kr)
		duet_repl_oos(kr->dev, e->sector, e->size);
	if (e->ctx)
		list_add_tail(&((struct duet_kreq *)e->ctx)->tl_list, &rc->lost);
}

/* Called by the worker once no thread uses the link's sockets any more. */
void duet_repl_link_lost(struct duet_link *c)
{
	struct duet_repl_clear rc = { .c = c };
	struct duet_kreq *kr, *tmp;
	unsigned long flags;

	INIT_LIST_HEAD(&rc.lost);
	INIT_LIST_HEAD(&rc.released);
	spin_lock_irqsave(&c->lock, flags);
	duet_tl_clear(&c->tl, duet_repl_clear_one, &rc);
	spin_unlock_irqrestore(&c->lock, flags);
	wake_up(&c->wait);
	list_for_each_entry_safe(kr, tmp, &rc.lost, tl_list) {
		list_del(&kr->tl_list);
		duet_repl_net_end(kr, duet_req_conn_lost);
	}
	/* after the lost ones: their record's reference keeps them alive */
	duet_repl_put_released(&rc.released);
}
