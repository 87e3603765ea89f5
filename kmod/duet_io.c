// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the bio path.
 *
 * duet is a bio-based driver, like DRBD, md and device-mapper, not blk-mq:
 * it has to see every write as the application issued it, to mirror it to
 * the peer and to keep the order of writes (epochs) on the Secondary; the
 * backing device's own queue already merges and schedules. A blk-mq layer
 * of our own would add a second queue and a request-to-bio translation and
 * gain nothing. Each bio is cloned (zero copy: the clone shares the pages)
 * onto the backing device and completed when the clone completes; the
 * core's request bookkeeping (core/req.c) keeps the counters and says what
 * to do at each step.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>

#include "duet.h"

static struct bio_set duet_bio_set;
static struct bio_set duet_split_set;

int duet_io_init(void)
{
	int err;

	err = bioset_init(&duet_bio_set, BIO_POOL_SIZE,
			  offsetof(struct duet_kreq, clone), 0);
	if (err)
		return err;
	err = bioset_init(&duet_split_set, BIO_POOL_SIZE, 0, 0);
	if (err)
		bioset_exit(&duet_bio_set);
	return err;
}

void duet_io_exit(void)
{
	bioset_exit(&duet_split_set);
	bioset_exit(&duet_bio_set);
}

/*
 * A write must fit into the activity log and into one DATA packet of the
 * wire (1 MiB): split off its first sectors, the rest goes round again.
 * Nothing else is split here: the clone goes to the backing disk, whose
 * own queue splits by its limits (segments, sizes) once, as for a write
 * to it directly. Splitting to those limits here too would walk every
 * bio's vectors twice and clone each piece.
 */
unsigned int duet_io_max_sect(void)
{
	return min(duet_al_io_max_sect(),
		   (unsigned int)(DUET_WIRE_MAX_DATA >> 9));
}

static struct bio *duet_io_split(struct bio *bio)
{
	unsigned int max = duet_io_max_sect();
	struct bio *split;

	if (!op_is_write(bio_op(bio)) || bio_sectors(bio) <= max)
		return bio;
	split = bio_split(bio, max, GFP_NOIO, &duet_split_set);
	if (IS_ERR_OR_NULL(split)) {
		bio_io_error(bio);
		return NULL;
	}
	bio_chain(split, bio);
	submit_bio_noacct(bio);
	return split;
}

void duet_io_put(struct duet_device *dev)
{
	/* the barrier of atomic_dec_and_test() pairs with wait_event()'s */
	if (atomic_dec_and_test(&dev->in_flight) &&
	    wq_has_sleeper(&dev->io_wait))
		wake_up(&dev->io_wait);
}

/* Under state_lock: act on what the core asked for after an event. */
static void duet_io_act(struct duet_device *dev, const struct duet_req *req,
			unsigned int act)
{
	if (act & DUET_REQ_ACT_OOS && dev->bm_valid)
		duet_bm_set_range(&dev->bm, req->sector, req->size >> 9);
}

/* Outside the lock: complete the request upward when the core says so. */
void duet_io_act_kreq(struct duet_kreq *kr, unsigned int act)
{
	if (!(act & DUET_REQ_ACT_COMPLETE))
		return;
	if (kr->in_tl)
		duet_repl_completed(kr->dev, kr);
	kr->orig->bi_status = act & DUET_REQ_ACT_ERROR ? BLK_STS_IOERR :
							 BLK_STS_OK;
	bio_endio(kr->orig);
}

void duet_io_put_kreq(struct duet_kreq *kr)
{
	struct duet_device *dev = kr->dev;

	struct duet_link *link = kr->link;

	if (!atomic_dec_and_test(&kr->refs))
		return;
	if (kr->al_by_tl && kr->req.size)
		duet_al_write_end(dev, kr->req.sector, kr->req.size >> 9);
	bio_put(&kr->clone);
	if (link)
		duet_repl_put(link);
	duet_io_put(dev);
}

static void duet_clone_endio(struct bio *clone)
{
	struct duet_kreq *kr = container_of(clone, struct duet_kreq, clone);
	struct duet_device *dev = kr->dev;
	blk_status_t status = clone->bi_status;
	unsigned long flags;
	unsigned int act;

	/* the policy (duet_ioerr.c) acts before the request leaves in_flight */
	if (status)
		duet_io_error(dev, kr->req.dir == DUET_WRITE,
			      blk_status_to_errno(status), kr->req.sector);
	spin_lock_irqsave(&dev->state_lock, flags);
	act = duet_req_local_done(&dev->ctr, &kr->req, !status);
	duet_io_act(dev, &kr->req, act);
	if (kr->tracked)
		list_del(&kr->write_list);
	spin_unlock_irqrestore(&dev->state_lock, flags);
	/* a replicated write keeps its extent hot until the peer has it */
	if (kr->req.dir == DUET_WRITE && !kr->al_by_tl)
		duet_al_write_end(dev, kr->req.sector, kr->req.size >> 9);
	duet_io_act_kreq(kr, act);
	duet_io_put_kreq(kr);
}

static u16 duet_io_flags(struct bio *bio)
{
	u16 f = 0;

	if (bio->bi_opf & REQ_FUA)
		f |= DUET_REQ_FUA;
	if (bio->bi_opf & REQ_PREFLUSH)
		f |= DUET_REQ_FLUSH;
	if (bio_op(bio) == REQ_OP_DISCARD)
		f |= DUET_REQ_DISCARD;
	return f;
}

/* Writes the peer can be sent: data, discards, zeroes, flushes. */
static bool duet_io_replicable(struct bio *bio)
{
	switch (bio_op(bio)) {
	case REQ_OP_WRITE:
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		return true;
	default:
		return false;
	}
}

/* The activity log could not take the write: it fails, on both sides. */
void duet_io_fail(struct bio *clone)
{
	struct duet_kreq *kr = container_of(clone, struct duet_kreq, clone);

	if (kr->remote)
		duet_repl_unsent(kr->dev, kr);
	clone->bi_status = BLK_STS_IOERR;
	bio_endio(clone);
}

void duet_io_go(struct bio *clone)
{
	struct duet_kreq *kr = container_of(clone, struct duet_kreq, clone);

	/* local write and network send run in parallel */
	submit_bio_noacct(clone);
	if (kr->remote)
		duet_repl_write(kr->dev, kr);
}

void duet_submit_bio(struct bio *bio)
{
	struct duet_device *dev = bio->bi_bdev->bd_disk->private_data;
	bool write = op_is_write(bio_op(bio));
	struct block_device *backing;
	struct duet_kreq *kr;
	struct duet_req req;
	struct bio *clone;
	unsigned int act;
	bool remote = false, track, flush_only;
	struct duet_link *link;
	const char *why = NULL;

	bio = duet_io_split(bio);
	if (!bio)
		return;
	if (duet_req_init(&req, bio->bi_iter.bi_sector, bio->bi_iter.bi_size,
			  write ? DUET_WRITE : DUET_READ,
			  write ? duet_io_flags(bio) : 0)) {
		/* the block layer never sends such a bio; refuse, not crash */
		bio_io_error(bio);
		return;
	}

	/* one state_lock section on the way down: checks and bookkeeping */
	spin_lock_irq(&dev->state_lock);
	backing = dev->backing.bdev;
	if (!backing)
		why = "no backing disk (Diskless)";
	else if (dev->io_failed)
		why = "the backing disk failed (detaching)";
	else if (write && dev->state.role != DUET_ROLE_PRIMARY)
		why = "not Primary";
	if (why) {
		spin_unlock_irq(&dev->state_lock);
		pr_err_ratelimited("%s: %s refused: %s\n", dev->disk->disk_name,
				   write ? "write" : "read", why);
		bio_io_error(bio);
		return;
	}
	/* detach waits for in_flight to drop to zero after clearing bdev */
	atomic_inc(&dev->in_flight);
	/* writes hold the link while they live: remote, tracked, flushes */
	link = write ? duet_repl_get(dev) : NULL;
	if (req.size && duet_io_replicable(bio))
		remote = duet_repl_want(dev, link);
	/* an empty flush ends the epoch: the peer flushes at its barrier */
	flush_only = link && !req.size;
	track = link && req.size;
	act = duet_req_start(&dev->ctr, &req, true, remote,
			     remote ? duet_repl_proto(link) : 0);
	duet_io_act(dev, &req, act);
	spin_unlock_irq(&dev->state_lock);

	/* from a mempool with GFP_NOIO: waits rather than fails */
	clone = bio_alloc_clone(backing, bio, GFP_NOIO, &duet_bio_set);
	if (!clone) {
		/* as if both parts had failed */
		spin_lock_irq(&dev->state_lock);
		act = duet_req_local_done(&dev->ctr, &req, false);
		if (remote)
			act |= duet_req_conn_lost(&dev->ctr, &req);
		duet_io_act(dev, &req, act);
		spin_unlock_irq(&dev->state_lock);
		bio_io_error(bio);
		if (link)
			duet_repl_put(link);
		duet_io_put(dev);
		return;
	}
	kr = container_of(clone, struct duet_kreq, clone);
	kr->dev = dev;
	kr->orig = bio;
	kr->req = req;
	kr->link = link;
	kr->remote = remote;
	kr->al_by_tl = remote;
	kr->in_tl = false;
	kr->epoch = 0;
	atomic_set(&kr->refs, remote ? 2 : 1);
	kr->tracked = false;
	clone->bi_private = kr;
	clone->bi_end_io = duet_clone_endio;
	if (track) {
		/* a resync must not read what this write is about to change */
		spin_lock_irq(&dev->state_lock);
		list_add_tail(&kr->write_list, &dev->writes);
		kr->tracked = true;
		duet_resync_app_write(dev, req.sector, req.size);
		spin_unlock_irq(&dev->state_lock);
	}

	if (flush_only)
		duet_repl_flush(link);
	/* a write to a cold extent is submitted once its AL tx is on disk */
	if (write && !duet_al_write_begin(dev, clone))
		return;
	duet_io_go(clone);
}
