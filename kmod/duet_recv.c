// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the receiving side of replication, the thread duet_r_<res>.
 *
 * It reads the data socket: the peer's writes (DATA), which go to our
 * backing disk at once, several in flight; the epoch boundaries
 * (BARRIER), at which it waits for the epoch's writes, flushes the disk
 * once and acknowledges the epoch; and state reports. Answers go on the
 * meta socket: RECV_ACK (protocol B) before the write is submitted,
 * WRITE_ACK or NEG_ACK (protocol C) from a work item once it completed.
 *
 * Everything a packet says is checked before it is used: the volume must
 * exist, the range must lie inside the device, the epoch must be the one
 * being received (core/tl.c), the lengths are core/wire.c's.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/slab.h>

#include "duet.h"

/* A write of the peer at our disk. */
struct duet_peer_req {
	struct list_head list;		/* on link->acks once done */
	struct duet_link *link;
	struct duet_device *dev;
	struct duet_req req;
	u64 id;
	u32 seq;			/* echoed in the ack */
	bool rs;			/* RS_DATA: resync, no epoch */
	unsigned int act;		/* the answer to send */
	unsigned int nr_pages;
	struct page *pages[];
};

static void duet_peer_req_free(struct duet_peer_req *pr)
{
	unsigned int i;

	for (i = 0; i < pr->nr_pages; i++)
		if (pr->pages[i])
			__free_page(pr->pages[i]);
	kfree(pr);
}

static __printf(2, 3) int duet_recv_bad(struct duet_link *c,
					const char *fmt, ...)
{
	char what[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	c->proto_errors++;
	pr_err("duet: %s: protocol error from %s: %s\n", c->res->name,
	       c->peer_str, what);
	return -EPROTO;
}

static int duet_recv_send_block(struct duet_link *c, u16 type,
				struct duet_peer_req *pr)
{
	struct duet_wire_pkt pkt = { };

	pkt.hdr.type = type;
	pkt.hdr.volume = pr->dev->volume;
	pkt.u.block.sector = pr->req.sector;
	pkt.u.block.id = pr->id;
	pkt.u.block.size = pr->req.size;
	pkt.u.block.seq = pr->seq;
	return duet_sock_send(c, c->meta, &pkt, NULL, 0);
}

/* Under meta_mu: send every answer owed for completed peer writes. */
static void duet_recv_send_acks(struct duet_link *c)
{
	struct duet_peer_req *pr;
	unsigned long flags;
	u16 type;
	int rv;

	lockdep_assert_held(&c->meta_mu);
	for (;;) {
		spin_lock_irqsave(&c->lock, flags);
		pr = list_first_entry_or_null(&c->acks, struct duet_peer_req,
					      list);
		if (pr)
			list_del(&pr->list);
		spin_unlock_irqrestore(&c->lock, flags);
		if (!pr)
			return;
		/*
		 * A and B owe no answer once the write is done, but a write
		 * that failed here is reported all the same: the peer marks
		 * it out of sync.
		 */
		if (pr->req.proto != 'C' &&
		    (pr->req.state & DUET_RQ_LOCAL_FAILED)) {
			rv = duet_recv_send_block(c, DUET_P_NEG_ACK, pr);
			if (rv)
				duet_link_lost(c, DUET_WHY_NETWORK,
					       "sending an ack failed (%d)", rv);
		}
		if (pr->act & (DUET_REQ_ACT_SEND_WRITE_ACK |
			       DUET_REQ_ACT_SEND_NEG_ACK)) {
			if (pr->rs)
				type = pr->act & DUET_REQ_ACT_SEND_NEG_ACK ?
					DUET_P_NEG_RS_ACK : DUET_P_RS_WRITE_ACK;
			else
				type = pr->act & DUET_REQ_ACT_SEND_NEG_ACK ?
					DUET_P_NEG_ACK : DUET_P_WRITE_ACK;
			rv = duet_recv_send_block(c, type, pr);
			if (rv)
				duet_link_lost(c, DUET_WHY_NETWORK,
					       "sending an ack failed (%d)", rv);
			/* sent or never to be: the answer is no longer owed */
			spin_lock_irqsave(&pr->dev->state_lock, flags);
			duet_peer_answer_sent(&pr->dev->ctr, &pr->req, pr->act);
			spin_unlock_irqrestore(&pr->dev->state_lock, flags);
		}
		duet_peer_req_free(pr);
	}
}

void duet_recv_ack_work(struct work_struct *w)
{
	struct duet_link *c = container_of(w, struct duet_link, ack_work);

	mutex_lock(&c->meta_mu);
	duet_recv_send_acks(c);
	mutex_unlock(&c->meta_mu);
}

/* Teardown: the answers still owed are dropped (counters kept right). */
void duet_recv_drain(struct duet_link *c)
{
	flush_work(&c->ack_work);
	mutex_lock(&c->meta_mu);
	duet_recv_send_acks(c);
	mutex_unlock(&c->meta_mu);
}

/* A peer write is done at our disk (or could not go there): answer. */
static void duet_recv_done(struct duet_peer_req *pr, bool ok)
{
	struct duet_device *dev = pr->dev;
	struct duet_link *c = pr->link;
	unsigned long flags;

	spin_lock_irqsave(&dev->state_lock, flags);
	pr->act = duet_peer_write_done(&dev->ctr, &pr->req, ok);
	/* our copy of these blocks is bad: the peer's is the good one */
	if (!ok && dev->bm_valid && pr->req.size)
		duet_bm_set_range(&dev->bm, pr->req.sector, pr->req.size >> 9);
	else if (ok && pr->rs)
		duet_resync_written(dev, pr->req.sector, pr->req.size);
	spin_unlock_irqrestore(&dev->state_lock, flags);

	spin_lock_irqsave(&c->lock, flags);
	list_add_tail(&pr->list, &c->acks);
	spin_unlock_irqrestore(&c->lock, flags);
	queue_work(c->wq, &c->ack_work);
	/* after the queueing: teardown waits for this count, then flushes */
	if (atomic_dec_and_test(&c->peer_inflight))
		wake_up(&c->wait);
}

static void duet_recv_endio(struct bio *bio)
{
	struct duet_peer_req *pr = bio->bi_private;
	struct duet_device *dev = pr->dev;
	blk_status_t st = bio->bi_status;

	if (st)
		duet_io_error(dev, true, blk_status_to_errno(st),
			      pr->req.sector);
	bio_put(bio);
	duet_recv_done(pr, !st);
	duet_io_put(dev);
}

/* Once per epoch: the backing disk's volatile cache to stable storage. */
static void duet_recv_flush(struct duet_device *dev)
{
	struct block_device *bdev;
	int err;

	spin_lock_irq(&dev->state_lock);
	bdev = dev->io_failed || dev->ctr.wo != 'f' ? NULL : dev->backing.bdev;
	if (bdev)
		atomic_inc(&dev->in_flight);
	spin_unlock_irq(&dev->state_lock);
	if (!bdev)
		return;
	err = blkdev_issue_flush(bdev);
	if (err)
		duet_io_error(dev, true, err, 0);
	duet_io_put(dev);
}

static blk_opf_t duet_recv_opf(u32 dpf)
{
	blk_opf_t opf = REQ_OP_WRITE;

	if (dpf & DUET_DP_DISCARD)
		opf = REQ_OP_DISCARD;
	else if (dpf & DUET_DP_ZEROES)
		opf = REQ_OP_WRITE_ZEROES;
	if (dpf & DUET_DP_FUA)
		opf |= REQ_FUA;
	if (dpf & DUET_DP_FLUSH)
		opf |= REQ_PREFLUSH;
	return opf;
}

static int duet_recv_data(struct duet_link *c, const struct duet_wire_pkt *pkt)
{
	const struct duet_wire_data *d = &pkt->u.data;
	struct duet_device *dev = duet_link_dev(c, pkt->hdr.volume);
	bool rs = pkt->hdr.type == DUET_P_RS_DATA;
	struct block_device *backing;
	struct duet_peer_req *pr;
	unsigned int nr, i, act;
	struct bio *bio;
	char proto;
	u32 left;
	int rv;

	if (!dev)
		return duet_recv_bad(c, "write to volume %u, which we do not have",
				     pkt->hdr.volume);
	if (d->sector + (d->size >> 9) > get_capacity(dev->disk))
		return duet_recv_bad(c, "write of %u bytes at sector %llu, past the end of the device (%llu sectors)",
				     d->size, (unsigned long long)d->sector,
				     (unsigned long long)get_capacity(dev->disk));
	if (rs) {
		/* resync writes stand outside the epochs; always acked */
		if (dev->state.conn != DUET_C_SYNC_TARGET &&
		    dev->state.conn != DUET_C_PAUSED_SYNC_T)
			return duet_recv_bad(c, "resync data while %s",
					     duet_conn_str(dev->state.conn));
		proto = 'C';
	} else {
		rv = duet_tl_rx_data(&c->rx, d->epoch);
		if (rv)
			return duet_recv_bad(c, "write of epoch %u while receiving epoch %u",
					     d->epoch, c->rx.epoch);
		proto = d->flags & DUET_DP_WRITE_ACK ? 'C' :
			d->flags & DUET_DP_RECV_ACK ? 'B' : 'A';
	}

	nr = DIV_ROUND_UP(pkt->data_len, PAGE_SIZE);
	pr = kzalloc(struct_size(pr, pages, nr), GFP_NOIO);
	if (!pr)
		return -ENOMEM;
	pr->link = c;
	pr->dev = dev;
	pr->id = d->id;
	pr->seq = d->seq;
	pr->rs = rs;
	pr->nr_pages = nr;
	duet_req_init(&pr->req, d->sector, d->size, DUET_WRITE, 0);
	for (i = 0; i < nr; i++) {
		pr->pages[i] = alloc_page(GFP_NOIO);
		if (!pr->pages[i]) {
			duet_peer_req_free(pr);
			return -ENOMEM;
		}
	}
	rv = duet_sock_recv_pages(c->data, pr->pages, pkt->data_len);
	if (rv) {
		duet_peer_req_free(pr);
		return rv;
	}

	spin_lock_irq(&dev->state_lock);
	backing = dev->io_failed ? NULL : dev->backing.bdev;
	if (backing)
		atomic_inc(&dev->in_flight);
	act = duet_peer_write_received(&dev->ctr, &pr->req, proto);
	spin_unlock_irq(&dev->state_lock);

	/* protocol B: received is all the peer waits for */
	if (act & DUET_REQ_ACT_SEND_RECV_ACK) {
		mutex_lock(&c->meta_mu);
		rv = duet_recv_send_block(c, DUET_P_RECV_ACK, pr);
		mutex_unlock(&c->meta_mu);
		spin_lock_irq(&dev->state_lock);
		duet_peer_answer_sent(&dev->ctr, &pr->req, act);
		spin_unlock_irq(&dev->state_lock);
		if (rv) {
			if (backing)
				duet_io_put(dev);
			backing = NULL;
		}
	}
	atomic_inc(&c->peer_inflight);
	if (!backing) {
		/* no disk to write to: answered as a failed write */
		duet_recv_done(pr, false);
		return rv;
	}
	bio = bio_alloc(backing, nr, duet_recv_opf(d->flags), GFP_NOIO);
	bio->bi_iter.bi_sector = d->sector;
	bio->bi_private = pr;
	bio->bi_end_io = duet_recv_endio;
	for (i = 0, left = pkt->data_len; i < nr; i++) {
		u32 n = min_t(u32, left, PAGE_SIZE);

		__bio_add_page(bio, pr->pages[i], n, 0);
		left -= n;
	}
	if (!pkt->data_len)
		bio->bi_iter.bi_size = d->size;	/* discard, zeroes, flush */
	submit_bio_noacct(bio);
	return 0;
}

/* End of an epoch: its writes on disk, one flush, then the ack. */
static int duet_recv_barrier(struct duet_link *c,
			     const struct duet_wire_pkt *pkt)
{
	struct duet_wire_pkt ack = { };
	struct duet_device *dev;
	u32 set_size;
	int rv;

	rv = duet_tl_rx_barrier(&c->rx, pkt->u.barrier.epoch, &set_size);
	if (rv)
		return duet_recv_bad(c, "barrier %u while receiving epoch %u%s",
				     pkt->u.barrier.epoch, c->rx.epoch,
				     c->rx.writes ? "" : " (no write)");
	wait_event(c->wait, !atomic_read(&c->peer_inflight));
	list_for_each_entry(dev, &c->res->devices, res_list)
		duet_recv_flush(dev);

	ack.hdr.type = DUET_P_BARRIER_ACK;
	ack.u.barrier.epoch = pkt->u.barrier.epoch;
	ack.u.barrier.set_size = set_size;
	mutex_lock(&c->meta_mu);
	/* the epoch's write acks go first: the peer checks that */
	duet_recv_send_acks(c);
	rv = duet_sock_send(c, c->meta, &ack, NULL, 0);
	mutex_unlock(&c->meta_mu);
	return rv;
}

int duet_recv_thread(void *arg)
{
	struct duet_link *c = arg;
	struct duet_wire_pkt pkt;
	u8 *buf;
	int rv;

	buf = kmalloc(DUET_WIRE_MAX_BM + DUET_WIRE_CTRL_MAX, GFP_KERNEL);
	rv = buf ? 0 : -ENOMEM;
	while (!rv && !kthread_should_stop()) {
		rv = duet_sock_recv_pkt(c, c->data, DUET_SOCK_DATA, buf,
					DUET_WIRE_MAX_BM + DUET_WIRE_CTRL_MAX,
					&pkt);
		if (rv)
			break;
		if (!duet_wire_expected(DUET_PH_LIVE, pkt.hdr.type)) {
			rv = duet_recv_bad(c, "%s not expected while connected",
					   duet_wire_type_str(pkt.hdr.type));
			break;
		}
		switch (pkt.hdr.type) {
		case DUET_P_DATA:
		case DUET_P_RS_DATA:
			rv = duet_recv_data(c, &pkt);
			break;
		case DUET_P_BARRIER:
			rv = duet_recv_barrier(c, &pkt);
			break;
		case DUET_P_STATE:
			rv = duet_link_peer_state(c, &pkt);
			break;
		case DUET_P_UUIDS:
			rv = duet_hs_peer_uuids(c, &pkt);
			break;
		default:
			rv = duet_recv_bad(c, "%s not handled by this version",
					   duet_wire_type_str(pkt.hdr.type));
			break;
		}
	}
	kfree(buf);
	if (!kthread_should_stop())
		duet_link_lost(c, duet_link_why(rv), "receiving: %d", rv);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}
