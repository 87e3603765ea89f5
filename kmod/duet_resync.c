// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: resynchronisation (kmod/PROTOCOL.md, "Resync").
 *
 * When the handshake decides that a volume needs a resync, both nodes
 * send each other their dirty bitmap (run-length coded, core/bm_rle.c)
 * and OR the peer's into their own: the union is every block that may
 * differ, the writes each side made without the other. The SyncSource
 * sends the SyncTarget a fresh generation (SYNC_UUID), then pushes the
 * blocks: its thread duet_s_<minor> walks the bitmap, reads each run of
 * dirty blocks (up to 1 MiB) and sends it as RS_DATA, keeping a window
 * of ranges in flight (core/rs.c) as wide as the rate controller allows.
 * The target writes them and answers RS_WRITE_ACK; the source clears the
 * range in its bitmap unless an application write touched it meanwhile
 * (then the range goes round again). When the bitmap is empty and
 * nothing is in flight, the source ends the resync, moves its UUIDs on
 * and reports Connected/UpToDate; the target, seeing that report, takes
 * the source's generation and becomes UpToDate.
 *
 * Application writes keep replicating during the resync. A resync read
 * and an application write of the same blocks must never leave the old
 * data on the target: a range is registered before it is read, an
 * application write in flight at that moment or arriving later marks it
 * dirty, and a dirty range is not cleared when its ack comes.
 *
 * The administrator's resync commands are here too: pause-sync and
 * resume-sync (user_isp: the source sends nothing while either node has
 * paused), invalidate and invalidate-remote (every bit set, the link made
 * again at once so that the handshake starts the full copy).
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/jiffies.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "duet.h"
#include "uapi/duet_genl.h"
#include "core/bm_rle.h"
#include "core/rs.h"

#define DUET_RS_MAX_BITS	(DUET_WIRE_MAX_DATA >> 12)	/* 1 MiB */

struct duet_resync {
	struct duet_device *dev;
	struct duet_link *link;
	bool source;
	struct task_struct *thread;	/* source only */
	wait_queue_head_t wait;
	/* under dev->state_lock: */
	struct duet_rs_win win;
	struct duet_rs_prog prog;
	u64 cursor;			/* next bit the source looks at */
	u64 app_sect;			/* application writes since the tick */
	u32 errors;			/* NEG_RS_ACK, read errors */
	bool done;
	/* the source thread's own */
	struct duet_rs_ctl ctl;
	u32 seq;
};

static u64 duet_rs_now_ms(void)
{
	return jiffies64_to_msecs(get_jiffies_64());
}

static bool duet_resync_conn_paused(enum duet_conn cs)
{
	return cs == DUET_C_PAUSED_SYNC_S || cs == DUET_C_PAUSED_SYNC_T;
}

/* Is the resync of @dev paused (pause-sync here or on the peer)? */
static bool duet_resync_is_paused(struct duet_device *dev)
{
	bool paused;

	spin_lock_irq(&dev->state_lock);
	paused = duet_resync_conn_paused(dev->state.conn);
	spin_unlock_irq(&dev->state_lock);
	return paused;
}

/* The rate options of the disk section, as the tools gave them. */
static void duet_resync_conf(struct duet_device *dev,
			     struct duet_rs_ctl_conf *conf)
{
	mutex_lock(&dev->conf_lock);
#define DUET_RS_OPT(a) (dev->disk_opt_set & BIT(a) ? (u32)dev->disk_opt[a] : 0)
	conf->resync_rate = DUET_RS_OPT(DUET_DISK_A_RESYNC_RATE);
	conf->c_plan_ahead = DUET_RS_OPT(DUET_DISK_A_C_PLAN_AHEAD);
	conf->c_delay_target = DUET_RS_OPT(DUET_DISK_A_C_DELAY_TARGET);
	conf->c_fill_target = DUET_RS_OPT(DUET_DISK_A_C_FILL_TARGET);
	conf->c_max_rate = DUET_RS_OPT(DUET_DISK_A_C_MAX_RATE);
	conf->c_min_rate = DUET_RS_OPT(DUET_DISK_A_C_MIN_RATE);
#undef DUET_RS_OPT
	mutex_unlock(&dev->conf_lock);
}

/* ---- bitmap exchange (handshake, worker thread) --------------------- */

struct duet_bm_send {
	struct work_struct work;
	struct duet_link *c;
	struct duet_device *dev;
	int rv;
};

static void duet_resync_send_bm(struct work_struct *w)
{
	struct duet_bm_send *s = container_of(w, struct duet_bm_send, work);
	struct duet_device *dev = s->dev;
	struct duet_wire_pkt pkt = { };
	u64 off = 0, bits;
	u8 *chunk;
	u32 len;

	chunk = kmalloc(DUET_WIRE_MAX_BM, GFP_NOIO);
	if (!chunk) {
		s->rv = -ENOMEM;
		return;
	}
	pkt.hdr.type = DUET_P_BITMAP;
	pkt.hdr.volume = dev->volume;
	for (;;) {
		spin_lock_irq(&dev->state_lock);
		bits = duet_bm_rle_encode(&dev->bm, off, chunk,
					  DUET_WIRE_MAX_BM, &len);
		spin_unlock_irq(&dev->state_lock);
		if (!bits)
			break;
		pkt.u.bitmap.bytes = chunk;
		pkt.u.bitmap.len = len;
		s->rv = duet_sock_send(s->c, s->c->data, &pkt, chunk, len);
		if (s->rv)
			break;
		off += bits;
	}
	kfree(chunk);
}

static int duet_resync_recv_bm(struct duet_link *c, struct duet_device *dev)
{
	struct duet_wire_pkt pkt;
	u64 off = 0, bits;
	u8 *buf;
	int rv = 0;

	buf = kmalloc(DUET_WIRE_MAX_BM + DUET_WIRE_CTRL_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (!rv && off < dev->bm.nr_bits) {
		rv = duet_sock_recv_pkt(c, c->data, DUET_SOCK_DATA, buf,
					DUET_WIRE_MAX_BM + DUET_WIRE_CTRL_MAX,
					&pkt);
		if (rv)
			break;
		if (pkt.hdr.type != DUET_P_BITMAP ||
		    pkt.hdr.volume != dev->volume) {
			pr_err("duet: %s: %s sent %s during the bitmap exchange\n",
			       c->res->name, c->peer_str,
			       duet_wire_type_str(pkt.hdr.type));
			rv = -EPROTO;
			break;
		}
		spin_lock_irq(&dev->state_lock);
		rv = duet_bm_rle_decode(&dev->bm, off, pkt.u.bitmap.bytes,
					pkt.u.bitmap.len, &bits, NULL);
		spin_unlock_irq(&dev->state_lock);
		if (rv) {
			c->proto_errors++;
			pr_err("duet: %s: bad bitmap chunk from %s at bit %llu: %s\n",
			       c->res->name, c->peer_str,
			       (unsigned long long)off,
			       duet_bm_rle_strerror(rv));
			rv = -EPROTO;
			break;
		}
		off += bits;
	}
	kfree(buf);
	return rv;
}

/* Store the UUID tuple @u in the meta data (conf_lock held). */
static void duet_resync_store(struct duet_device *dev, const u64 *u)
{
	memcpy(dev->sb.uuid, u, sizeof(dev->sb.uuid));
	duet_md_write_sb(dev);
}

static int duet_resync_set_conn(struct duet_device *dev, enum duet_conn cs)
{
	struct duet_state ns = dev->state;
	enum duet_sm_rv rv;

	ns.conn = cs;
	rv = duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	if (rv < 0) {
		pr_err("%s: %s refused: %s\n", dev->disk->disk_name,
		       duet_conn_str(cs), duet_sm_rv_str(rv));
		return -EACCES;
	}
	return 0;
}

/* The sync UUID: the source makes and sends it, the target takes it. */
static int duet_resync_sync_uuid(struct duet_link *c, struct duet_device *dev,
				 bool source)
{
	struct duet_wire_pkt pkt = { };
	u64 u[DUET_UI_NR], sync = 0;
	u8 buf[DUET_WIRE_CTRL_MAX];
	int i, rv;

	memcpy(u, dev->sb.uuid, sizeof(u));
	if (source) {
		for (i = 0; i < 8; i++)
			if (!duet_uuid_resync_start_source(u, get_random_u64(),
							   &sync))
				break;
		duet_resync_store(dev, u);
		pkt.hdr.type = DUET_P_SYNC_UUID;
		pkt.hdr.volume = dev->volume;
		pkt.u.sync_uuid = sync;
		return duet_sock_send(c, c->data, &pkt, NULL, 0);
	}
	rv = duet_sock_recv_pkt(c, c->data, DUET_SOCK_DATA, buf, sizeof(buf),
				&pkt);
	if (rv)
		return rv;
	if (pkt.hdr.type != DUET_P_SYNC_UUID || pkt.hdr.volume != dev->volume) {
		pr_err("duet: %s: %s sent %s, SYNC_UUID expected\n",
		       c->res->name, c->peer_str,
		       duet_wire_type_str(pkt.hdr.type));
		return -EPROTO;
	}
	duet_uuid_resync_start_target(u, pkt.u.sync_uuid);
	duet_resync_store(dev, u);
	return 0;
}

/*
 * Handshake, after the decision: the bitmap exchange and the sync UUID,
 * then SyncSource or SyncTarget. Worker thread, the link not yet live.
 */
int duet_resync_prepare(struct duet_link *c, struct duet_device *dev)
{
	const struct duet_uuid_action *act = &dev->hs_act;
	bool source = act->act == DUET_UUID_A_WF_BITMAP_S;
	struct duet_bm_send send = { .c = c, .dev = dev };
	struct duet_resync *rs;
	int rv;

	if (duet_bm_bits(dev->peer_sizes.backing_sect) != dev->bm.nr_bits) {
		pr_err("%s: the disks differ in size (%llu and %llu KiB): resync of such disks is not supported by this version\n",
		       dev->disk->disk_name,
		       (unsigned long long)dev->layout.data_sect / 2,
		       (unsigned long long)dev->peer_sizes.backing_sect / 2);
		return -EACCES;
	}
	if (!source && dev->state.role == DUET_ROLE_PRIMARY) {
		pr_err("%s: a Primary cannot become SyncTarget in this version\n",
		       dev->disk->disk_name);
		return -EACCES;
	}
	rs = kzalloc(sizeof(*rs), GFP_KERNEL);
	if (!rs)
		return -ENOMEM;
	rs->dev = dev;
	rs->link = c;
	rs->source = source;
	init_waitqueue_head(&rs->wait);
	duet_rs_win_init(&rs->win);

	/* FULL_SYNC: invalidate or invalidate-remote marked every block */
	if (act->full_sync || (dev->sb.flags & DUET_MDF_FULL_SYNC)) {
		spin_lock_irq(&dev->state_lock);
		duet_bm_set_all(&dev->bm);
		spin_unlock_irq(&dev->state_lock);
	}
	INIT_WORK_ONSTACK(&send.work, duet_resync_send_bm);
	queue_work(c->wq, &send.work);
	rv = duet_resync_recv_bm(c, dev);
	if (rv)
		kernel_sock_shutdown(c->data, SHUT_RDWR);	/* unblock it */
	flush_work(&send.work);
	destroy_work_on_stack(&send.work);
	if (!rv)
		rv = send.rv;

	mutex_lock(&dev->conf_lock);
	if (!rv)
		rv = duet_resync_sync_uuid(c, dev, source);
	if (!rv)
		rv = duet_resync_set_conn(dev, source ? DUET_C_SYNC_SOURCE :
							DUET_C_SYNC_TARGET);
	if (!rv) {
		spin_lock_irq(&dev->state_lock);
		duet_rs_prog_start(&rs->prog, duet_bm_weight(&dev->bm),
				   duet_rs_now_ms());
		/* paused before it began (pause-sync on either node) */
		if (duet_resync_conn_paused(dev->state.conn))
			duet_rs_prog_pause(&rs->prog, duet_rs_now_ms());
		dev->rs = rs;
		spin_unlock_irq(&dev->state_lock);
		pr_info("%s: resync as %s: %llu KiB to copy\n",
			dev->disk->disk_name,
			source ? "SyncSource" : "SyncTarget",
			(unsigned long long)duet_bm_oos_kib(&dev->bm));
	}
	mutex_unlock(&dev->conf_lock);
	if (rv)
		kfree(rs);
	return rv;
}

/* ---- the source ------------------------------------------------------ */

/*
 * Under state_lock: an application write of @sector/@size is about to go
 * to the local disk. Ranges in flight it touches are sent again later.
 */
void duet_resync_app_write(struct duet_device *dev, u64 sector, u32 size)
{
	struct duet_resync *rs = dev->rs;

	if (rs && rs->source && size) {
		duet_rs_win_app_write(&rs->win, sector, size);
		rs->app_sect += size >> 9;
	}
}

/* Under state_lock: is a write to this range still at the local disk? */
static bool duet_resync_busy(struct duet_device *dev, u64 sector, u32 size)
{
	struct duet_kreq *kr;

	list_for_each_entry(kr, &dev->writes, write_list)
		if (kr->req.sector < sector + (size >> 9) &&
		    sector < kr->req.sector + (kr->req.size >> 9))
			return true;
	return false;
}

/* Read @size bytes at @sector into fresh pages. */
static int duet_resync_read(struct duet_device *dev, u64 sector, u32 size,
			    struct page **pages, unsigned int nr)
{
	struct block_device *bdev;
	struct bio *bio;
	unsigned int i;
	int rv;

	spin_lock_irq(&dev->state_lock);
	bdev = dev->io_failed ? NULL : dev->backing.bdev;
	if (bdev)
		atomic_inc(&dev->in_flight);
	spin_unlock_irq(&dev->state_lock);
	if (!bdev)
		return -EIO;
	bio = bio_alloc(bdev, nr, REQ_OP_READ, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	for (i = 0; i < nr; i++)
		__bio_add_page(bio, pages[i], min_t(u32, size - i * PAGE_SIZE,
						    PAGE_SIZE), 0);
	rv = submit_bio_wait(bio);
	bio_put(bio);
	if (rv)
		duet_io_error(dev, false, rv, sector);
	spin_lock_irq(&dev->state_lock);
	if (!rv)
		dev->ctr.read_sect += size >> 9;
	spin_unlock_irq(&dev->state_lock);
	duet_io_put(dev);
	return rv;
}

/*
 * Pick the next run of dirty blocks (at most @max_bits), register it in
 * the window. Returns 1 with the range, 0 when nothing is to be sent now,
 * -ENODATA when the resync is complete.
 */
static int duet_resync_next(struct duet_resync *rs, u64 max_bits, u64 *sector,
			    u32 *size, u64 *id)
{
	struct duet_device *dev = rs->dev;
	struct duet_bm *bm = &dev->bm;
	u64 b, e, end;
	int rv = 0;

	spin_lock_irq(&dev->state_lock);
	b = duet_bm_find_next(bm, rs->cursor);
	if (b == DUET_BM_NONE) {
		if (!rs->win.inflight) {
			if (!duet_bm_weight(bm))
				rv = -ENODATA;
			rs->cursor = 0;		/* what went dirty again */
		}
		goto out;
	}
	if (rs->win.inflight >= DUET_RS_SLOTS)
		goto out;
	e = duet_bm_find_next_zero(bm, b);
	if (e == DUET_BM_NONE || e > bm->nr_bits)
		e = bm->nr_bits;
	e = min(e, b + max_bits);
	*sector = b << DUET_BM_SECT_SHIFT;
	end = min_t(u64, e << DUET_BM_SECT_SHIFT, bm->nr_sect);
	*size = (end - *sector) << 9;
	if (duet_rs_win_add(&rs->win, *sector, *size, id))
		goto out;
	if (duet_resync_busy(dev, *sector, *size))
		duet_rs_win_app_write(&rs->win, *sector, *size);
	rs->cursor = e;
	dev->ctr.pending++;
	rv = 1;
out:
	spin_unlock_irq(&dev->state_lock);
	return rv;
}

static int duet_resync_send(struct duet_resync *rs, u64 sector, u32 size,
			    u64 id, struct page **pages)
{
	struct duet_link *c = rs->link;
	struct duet_wire_pkt pkt = { };
	int rv;

	pkt.hdr.type = DUET_P_RS_DATA;
	pkt.hdr.volume = rs->dev->volume;
	pkt.u.data.sector = sector;
	pkt.u.data.id = id;
	pkt.u.data.size = size;
	pkt.u.data.seq = ++rs->seq;
	mutex_lock(&c->data_mu);
	rv = READ_ONCE(c->live) ? duet_sock_send_pages(c, &pkt, pages, size) :
				  -ENOTCONN;
	mutex_unlock(&c->data_mu);
	if (!rv) {
		spin_lock_irq(&rs->dev->state_lock);
		rs->dev->ctr.send_sect += size >> 9;
		spin_unlock_irq(&rs->dev->state_lock);
	}
	return rv;
}

/* The source's end: UUIDs moved on, Connected, the peer UpToDate. */
static void duet_resync_finish_source(struct duet_resync *rs)
{
	struct duet_device *dev = rs->dev;
	struct duet_state ns;
	u64 u[DUET_UI_NR];

	mutex_lock(&dev->conf_lock);
	memcpy(u, dev->sb.uuid, sizeof(u));
	duet_uuid_resync_end_source(u);
	dev->sb.flags &= ~(DUET_MDF_CRASHED_PRIMARY | DUET_MDF_FULL_SYNC);
	duet_resync_store(dev, u);
	/* the cleared bits on disk too: an unclean start reads them back */
	duet_al_write_bitmap(dev);
	ns = dev->state;
	ns.conn = DUET_C_CONNECTED;
	ns.pdsk = DUET_D_UP_TO_DATE;
	duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	mutex_unlock(&dev->conf_lock);
	pr_info("%s: resync done (%llu KiB in %llu ms)\n",
		dev->disk->disk_name,
		(unsigned long long)rs->prog.total_bits * 4,
		(unsigned long long)(duet_rs_now_ms() - rs->prog.start_ms));
	duet_link_send_state(dev);
}

static int duet_resync_thread(void *arg)
{
	struct duet_resync *rs = arg;
	struct duet_device *dev = rs->dev;
	struct duet_rs_ctl_conf conf = { };
	struct page **pages;
	unsigned int i, nr;
	u64 sector, id, budget = 0, app;
	bool paused = false;
	u32 size;
	int rv;

	pages = kcalloc(DUET_RS_MAX_BITS, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		goto out;
	for (i = 0; i < DUET_RS_MAX_BITS; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			goto out;
	}
	duet_rs_ctl_init(&rs->ctl, duet_rs_now_ms());
	duet_resync_conf(dev, &conf);
	while (!kthread_should_stop() && READ_ONCE(rs->link->live)) {
		/*
		 * Paused: nothing more is sent (what is in flight is still
		 * acked); on resume the walk goes on at the cursor, with a
		 * controller that starts afresh.
		 */
		if (duet_resync_is_paused(dev)) {
			if (budget)
				duet_rs_ctl_return(&rs->ctl, budget);
			budget = 0;
			paused = true;
			wait_event_interruptible_timeout(rs->wait,
				kthread_should_stop() ||
				!READ_ONCE(rs->link->live) ||
				!duet_resync_is_paused(dev), HZ);
			continue;
		}
		if (paused) {
			paused = false;
			duet_rs_ctl_init(&rs->ctl, duet_rs_now_ms());
			duet_resync_conf(dev, &conf);
		}
		if (!budget) {
			spin_lock_irq(&dev->state_lock);
			app = rs->app_sect;
			rs->app_sect = 0;
			duet_rs_prog_mark(&rs->prog, duet_bm_weight(&dev->bm),
					  duet_rs_now_ms());
			budget = duet_rs_ctl_budget(&rs->ctl, &conf,
						    duet_rs_now_ms(),
						    rs->win.inflight_sect, app);
			spin_unlock_irq(&dev->state_lock);
			if (!budget) {
				wait_event_interruptible_timeout(rs->wait,
					kthread_should_stop(), HZ / 50);
				continue;
			}
		}
		rv = duet_resync_next(rs, min_t(u64, DUET_RS_MAX_BITS,
						max_t(u64, budget >> 3, 1)),
				      &sector, &size, &id);
		if (rv == -ENODATA) {
			rs->done = true;
			break;
		}
		if (!rv) {
			duet_rs_ctl_return(&rs->ctl, budget);
			budget = 0;
			wait_event_interruptible_timeout(rs->wait,
				kthread_should_stop(), HZ / 50);
			continue;
		}
		budget -= min_t(u64, budget, size >> 9);
		nr = DIV_ROUND_UP(size, PAGE_SIZE);
		rv = duet_resync_read(dev, sector, size, pages, nr);
		if (rv) {
			duet_link_lost(rs->link, DUET_WHY_NETWORK,
				       "resync read at sector %llu failed (%d)",
				       (unsigned long long)sector, rv);
			break;
		}
		rv = duet_resync_send(rs, sector, size, id, pages);
		if (rv) {
			duet_link_lost(rs->link, DUET_WHY_NETWORK,
				       "sending resync data failed (%d)", rv);
			break;
		}
	}
	if (rs->done && !kthread_should_stop())
		duet_resync_finish_source(rs);
out:
	for (i = 0; pages && i < DUET_RS_MAX_BITS; i++)
		if (pages[i])
			__free_page(pages[i]);
	kfree(pages);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* Live: the source starts pushing. */
void duet_resync_begin(struct duet_link *c, struct duet_device *dev)
{
	struct duet_resync *rs = dev->rs;

	if (!rs || !rs->source)
		return;
	rs->thread = kthread_run(duet_resync_thread, rs, "duet_s_%u",
				 dev->minor);
	if (IS_ERR(rs->thread)) {
		rs->thread = NULL;
		duet_link_lost(c, DUET_WHY_NETWORK, "no resync thread");
	}
}

/* RS_WRITE_ACK / NEG_RS_ACK (ack receiver thread). */
int duet_resync_ack(struct duet_link *c, const struct duet_wire_pkt *pkt)
{
	const struct duet_wire_block *b = &pkt->u.block;
	struct duet_device *dev = duet_link_dev(c, pkt->hdr.volume);
	struct duet_resync *rs;
	unsigned long flags;
	bool clear = false;
	int rv = -ENOENT;

	if (!dev)
		goto bad;
	spin_lock_irqsave(&dev->state_lock, flags);
	rs = dev->rs;
	if (rs && rs->source)
		rv = duet_rs_win_ack(&rs->win, b->id, b->sector, b->size,
				     &clear);
	if (!rv) {
		if (dev->ctr.pending)
			dev->ctr.pending--;
		if (pkt->hdr.type == DUET_P_NEG_RS_ACK)
			rs->errors++;
		else if (clear)
			duet_bm_clear_range(&dev->bm, b->sector, b->size >> 9);
	}
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (!rv) {
		wake_up(&rs->wait);
		return 0;
	}
bad:
	c->proto_errors++;
	pr_err("duet: %s: %s from %s for sector %llu: %s\n", c->res->name,
	       duet_wire_type_str(pkt->hdr.type), c->peer_str,
	       (unsigned long long)b->sector,
	       rv == -ENOENT ? "no resync running" : duet_rs_strerror(rv));
	return -EPROTO;
}

/* ---- the target ------------------------------------------------------ */

/* A resync write landed (receiver's completion): its blocks are in sync. */
void duet_resync_written(struct duet_device *dev, u64 sector, u32 size)
{
	if (dev->rs && !dev->rs->source)
		duet_bm_clear_range(&dev->bm, sector, size >> 9);
}

/* The source reported Connected: the resync is over (receiver thread). */
void duet_resync_finish_target(struct duet_device *dev)
{
	struct duet_resync *rs;
	struct duet_state ns;
	u64 u[DUET_UI_NR];

	mutex_lock(&dev->conf_lock);
	memcpy(u, dev->sb.uuid, sizeof(u));
	duet_uuid_resync_end_target(u, dev->peer_uuids.uuid);
	dev->sb.flags &= ~(DUET_MDF_CRASHED_PRIMARY | DUET_MDF_FULL_SYNC);
	spin_lock_irq(&dev->state_lock);
	duet_bm_clear_all(&dev->bm);
	rs = dev->rs;
	dev->rs = NULL;
	spin_unlock_irq(&dev->state_lock);
	kfree(rs);
	ns = dev->state;
	ns.conn = DUET_C_CONNECTED;
	ns.disk = DUET_D_UP_TO_DATE;
	ns.pdsk = DUET_D_UP_TO_DATE;
	duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	duet_resync_store(dev, u);
	/* the cleared bitmap on disk too: an unclean start reads it back */
	duet_al_write_bitmap(dev);
	mutex_unlock(&dev->conf_lock);
	pr_info("%s: resync done, the disk is UpToDate\n", dev->disk->disk_name);
}

/* ---- both ------------------------------------------------------------ */

/* Teardown (worker; receiver and ack receiver stopped): end the resync. */
void duet_resync_stop(struct duet_device *dev)
{
	struct duet_resync *rs = dev->rs;
	u32 lost;

	if (!rs)
		return;
	if (rs->thread)
		kthread_stop(rs->thread);
	spin_lock_irq(&dev->state_lock);
	lost = duet_rs_win_clear(&rs->win);
	dev->ctr.pending -= min(dev->ctr.pending, lost);
	dev->rs = NULL;
	spin_unlock_irq(&dev->state_lock);
	kfree(rs);
}

/* The progress lines of /proc/duet, empty when no resync runs. */
size_t duet_resync_proc(struct duet_device *dev, char *buf, size_t size)
{
	struct duet_resync *rs;
	size_t n = 0;
	u64 now = duet_rs_now_ms();

	spin_lock_irq(&dev->state_lock);
	rs = dev->rs;
	if (rs && !rs->done) {
		duet_rs_prog_mark(&rs->prog, duet_bm_weight(&dev->bm), now);
		n = duet_rs_prog_format(&rs->prog, duet_bm_weight(&dev->bm),
					now, buf, size);
	}
	spin_unlock_irq(&dev->state_lock);
	return n;
}

/*
 * Under state_lock, from duet_dev_change_state(): the connection state
 * entered or left PausedSyncS/PausedSyncT. The progress figures leave
 * the paused time out; the source's thread wakes up to stop or go on.
 */
void duet_resync_pause_changed(struct duet_device *dev, enum duet_conn os,
			       enum duet_conn ns)
{
	struct duet_resync *rs = dev->rs;
	bool paused = duet_resync_conn_paused(ns);

	lockdep_assert_held(&dev->state_lock);
	if (!rs || paused == duet_resync_conn_paused(os))
		return;
	if (paused)
		duet_rs_prog_pause(&rs->prog, duet_rs_now_ms());
	else
		duet_rs_prog_resume(&rs->prog, duet_bm_weight(&dev->bm),
				    duet_rs_now_ms());
	wake_up(&rs->wait);
}

/* ---- the administrator's commands (duet_nl.c, duet_conf_lock held) --- */

/*
 * pause-sync (@pause) and resume-sync: the user_isp flag of the state
 * (drbd.md §8). The peer learns it from our STATE and pauses too
 * (peer_isp), so both nodes show PausedSyncS/PausedSyncT; the flag stays
 * across reconnects, so a resync that begins while it is set begins
 * paused. Returns a DUET_RET_* code, @text the sentence for a refusal.
 */
u32 duet_resync_pause(struct duet_device *dev, bool pause, char *text,
		      size_t size)
{
	const char *name = dev->disk->disk_name;
	struct duet_state ns;
	enum duet_sm_rv rv;
	u32 ret = DUET_RET_OK;

	mutex_lock(&dev->conf_lock);
	ns = dev->state;
	ns.user_isp = pause;
	rv = duet_dev_change_state(dev, &ns, 0);
	if (rv == DUET_SS_NOTHING_TO_DO) {
		ret = DUET_RET_INVALID;
		if (pause)
			snprintf(text, size,
				 "%s: the resync is paused already (pause-sync was given before; resume-sync ends it)",
				 name);
		else if (dev->state.peer_isp)
			snprintf(text, size,
				 "%s: resume-sync was not needed here: the peer paused the resync; run resume-sync on the peer",
				 name);
		else if (dev->state.aftr_isp)
			snprintf(text, size,
				 "%s: the resync waits for the resync it comes after (resync-after)",
				 name);
		else
			snprintf(text, size,
				 "%s: the resync is not paused (no pause-sync to end)",
				 name);
	} else if (rv < 0) {
		snprintf(text, size, "%s: %s", name, duet_sm_rv_str(rv));
		ret = DUET_RET_INVALID;
	}
	mutex_unlock(&dev->conf_lock);
	if (ret == DUET_RET_OK) {
		pr_info("%s: resync %s by the administrator\n", name,
			pause ? "paused" : "resumed");
		duet_link_send_state(dev);
	}
	return ret;
}

/*
 * Every block out of sync, and so in the meta data (conf_lock held):
 * the bitmap with every bit set and the superblock with FULL_SYNC, which
 * the handshake honours (duet_resync_prepare()) until a resync ends.
 */
static u32 duet_resync_mark_all(struct duet_device *dev, char *text,
				size_t size)
{
	lockdep_assert_held(&dev->conf_lock);
	spin_lock_irq(&dev->state_lock);
	duet_bm_set_all(&dev->bm);
	spin_unlock_irq(&dev->state_lock);
	dev->sb.flags |= DUET_MDF_FULL_SYNC;
	if (duet_al_write_bitmap(dev) || duet_md_write_sb(dev)) {
		snprintf(text, size,
			 "%s: writing the bitmap or the superblock to the meta data failed",
			 dev->disk->disk_name);
		return DUET_RET_INTERNAL;
	}
	return DUET_RET_OK;
}

/* A resync runs or the handshake is deciding one: not now. */
static bool duet_resync_busy_conn(enum duet_conn cs)
{
	return cs > DUET_C_CONNECTED;
}

/* Why invalidate is refused, or DUET_RET_OK (conf_lock held). */
static u32 duet_resync_may_invalidate(struct duet_device *dev,
				      bool standalone, char *text,
				      size_t size)
{
	const char *name = dev->disk->disk_name;
	const struct duet_state *s = &dev->state;

	if (!dev->backing.bdev) {
		snprintf(text, size, "%s: no local disk to invalidate", name);
		return DUET_RET_NOT_ATTACHED;
	}
	if (s->role == DUET_ROLE_PRIMARY && dev->open_cnt) {
		snprintf(text, size,
			 "%s: Primary and in use (mounted or open): its data cannot be replaced under its user; close it and demote it first",
			 name);
		return DUET_RET_DEVICE_IN_USE;
	}
	if (s->role == DUET_ROLE_PRIMARY) {
		snprintf(text, size,
			 "%s: a Primary cannot become SyncTarget in this version; demote it first (duetadm secondary)",
			 name);
		return DUET_RET_INVALID;
	}
	if (standalone)
		return DUET_RET_OK;
	if (s->conn < DUET_C_CONNECTED) {
		snprintf(text, size,
			 "%s: no peer with UpToDate data is connected (%s): invalidate copies the peer's data; to only mark the disk for the next connect, disconnect first (StandAlone)",
			 name, duet_conn_str(s->conn));
		return DUET_RET_NOT_CONNECTED;
	}
	if (duet_resync_busy_conn(s->conn)) {
		snprintf(text, size,
			 "%s: a resync is running (%s); invalidate when it is over",
			 name, duet_conn_str(s->conn));
		return DUET_RET_INVALID;
	}
	if (s->pdsk != DUET_D_UP_TO_DATE) {
		snprintf(text, size,
			 "%s: the connected peer's disk is %s, not UpToDate: there is no good data to take",
			 name, duet_disk_str(s->pdsk));
		return DUET_RET_NEED_UP_TO_DATE;
	}
	return DUET_RET_OK;
}

/*
 * invalidate (drbd.md §8): this node's data is to be replaced by the
 * peer's. As in DRBD 8.4: Connected to a peer whose disk is UpToDate, the
 * disk becomes Inconsistent with every bit set (in the meta data), and
 * the link is made again at once (TearDown); the handshake then makes
 * this node SyncTarget whatever the UUIDs say (equal UUIDs: the disk
 * states decide, uuid.h step 2; a Primary peer: rule 50) and the whole
 * disk is copied. StandAlone (and Secondary), the disk is only marked so,
 * and the copy starts with the next connect. Refused otherwise.
 */
u32 duet_resync_invalidate(struct duet_device *dev, char *text, size_t size)
{
	struct duet_link *c = dev->res->link;
	bool standalone = !c || READ_ONCE(c->refused);
	const char *name = dev->disk->disk_name;
	struct duet_state ns;
	enum duet_sm_rv rv;
	u32 ret;

	mutex_lock(&dev->conf_lock);
	ret = duet_resync_may_invalidate(dev, standalone, text, size);
	if (ret == DUET_RET_OK) {
		ns = dev->state;
		ns.disk = DUET_D_INCONSISTENT;
		rv = duet_dev_change_state(dev, &ns, 0);
		if (rv < 0) {
			snprintf(text, size, "%s: %s", name,
				 duet_sm_rv_str(rv));
			ret = DUET_RET_INVALID;
		}
	}
	if (ret == DUET_RET_OK)
		ret = duet_resync_mark_all(dev, text, size);
	mutex_unlock(&dev->conf_lock);
	if (ret != DUET_RET_OK)
		return ret;
	if (standalone) {
		pr_info("%s: invalidated: Inconsistent, every block out of sync; the copy from the peer starts at the next connect\n",
			name);
		return DUET_RET_OK;
	}
	pr_info("%s: invalidated: Inconsistent, every block out of sync; reconnecting to take the peer's data\n",
		name);
	duet_link_lost(c, DUET_WHY_RESYNC,
		       "invalidate: %s becomes SyncTarget of a full resync",
		       name);
	return DUET_RET_OK;
}

/*
 * invalidate-remote (drbd.md §8): the peer's data is to be replaced by
 * ours. Connected, our disk UpToDate, the peer not Primary (it could not
 * become SyncTarget in this version): a new data generation here
 * (duet_uuid_new_current()), every bit set (in the meta data), and the
 * link made again at once; the handshake finds the peer at our old
 * generation (rule 70, or 80 when our bitmap slot was taken) and makes us
 * SyncSource of a full resync.
 */
u32 duet_resync_invalidate_remote(struct duet_device *dev, char *text,
				  size_t size)
{
	struct duet_link *c = dev->res->link;
	const char *name = dev->disk->disk_name;
	const struct duet_state *s = &dev->state;
	struct duet_state ns;
	u32 ret = DUET_RET_OK;

	mutex_lock(&dev->conf_lock);
	if (!dev->backing.bdev) {
		snprintf(text, size, "%s: no local disk: nothing to copy to the peer",
			 name);
		ret = DUET_RET_NOT_ATTACHED;
	} else if (!c || READ_ONCE(c->refused) || s->conn < DUET_C_CONNECTED) {
		snprintf(text, size,
			 "%s: not connected (%s): invalidate-remote needs a Connected peer",
			 name, duet_conn_str(s->conn));
		ret = DUET_RET_NOT_CONNECTED;
	} else if (duet_resync_busy_conn(s->conn)) {
		snprintf(text, size,
			 "%s: a resync is running (%s); invalidate-remote when it is over",
			 name, duet_conn_str(s->conn));
		ret = DUET_RET_INVALID;
	} else if (s->disk != DUET_D_UP_TO_DATE) {
		snprintf(text, size,
			 "%s: the local disk is %s: only UpToDate data may replace the peer's",
			 name, duet_disk_str(s->disk));
		ret = DUET_RET_NEED_UP_TO_DATE;
	} else if (s->pdsk < DUET_D_INCONSISTENT || s->pdsk == DUET_D_UNKNOWN) {
		snprintf(text, size, "%s: the peer has no disk (%s)", name,
			 duet_disk_str(s->pdsk));
		ret = DUET_RET_INVALID;
	} else if (s->peer == DUET_ROLE_PRIMARY) {
		snprintf(text, size,
			 "%s: the peer is Primary: a Primary cannot become SyncTarget in this version; demote the peer first",
			 name);
		ret = DUET_RET_INVALID;
	}
	if (ret == DUET_RET_OK) {
		duet_hs_new_current(dev, s->role == DUET_ROLE_PRIMARY);
		ns = dev->state;
		ns.pdsk = DUET_D_INCONSISTENT;
		duet_dev_change_state(dev, &ns, DUET_CS_HARD);
		ret = duet_resync_mark_all(dev, text, size);
	}
	mutex_unlock(&dev->conf_lock);
	if (ret != DUET_RET_OK)
		return ret;
	pr_info("%s: the peer's data invalidated: new data generation, every block out of sync; reconnecting to copy all to the peer\n",
		name);
	duet_link_lost(c, DUET_WHY_RESYNC,
		       "invalidate-remote: %s becomes SyncSource of a full resync",
		       name);
	return DUET_RET_OK;
}
