// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the activity log in the write path, and the bitmap on disk.
 *
 * The log itself (hot extents, transactions, recovery) is core/al.c and
 * the bitmap core/bm.c; this file moves their blocks to and from the
 * meta-data area and holds back writes until their extents are hot on
 * disk:
 *
 * - duet_al_write_begin() takes the extents of a write. When they are hot
 *   (the common case) the caller submits at once: one spinlock, no
 *   allocation. A write to a cold extent is parked on a list (through
 *   bi_next of its clone: no allocation either) and the device's ordered
 *   work queue writes one transaction for every write that waits (writes
 *   that arrive meanwhile go into the next one), then submits the writes
 *   whose extents are now on disk. Before a transaction that evicts an
 *   extent, the dirty bitmap page of that extent is written, so a crash
 *   never loses the out-of-sync bits of an extent that left the log.
 * - duet_al_write_end() drops the references when the write completed.
 * - Attach reads the on-disk bitmap into memory; after an unclean
 *   shutdown it rebuilds the hot set from the ring and sets the bits of
 *   every hot extent (they may differ from the peer), writes the bitmap,
 *   then starts a new log with an init transaction. Detach writes every
 *   dirty bitmap page.
 *
 * Meta-data blocks are written with FUA: a transaction is stable before
 * any write it covers is submitted.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "duet.h"
#include "core/al.h"

/*
 * Largest write the log is given, 3 extents: duet_io.c splits larger
 * writes (and /dev/duetN's max_hw_sectors says so).
 */
#define DUET_AL_IO_MAX_SECT	(8U << 11)

struct duet_alog {
	struct duet_device *dev;
	spinlock_t lock;		/* al, wait, busy */
	struct duet_al al;
	struct duet_al_slot *slots;
	u32 *hash;
	struct bio_list wait;		/* hold references, wait for a tx */
	struct bio_list busy;		/* no idle slot: hold nothing */
	struct workqueue_struct *wq;
	struct work_struct work;

	/*
	 * The meta-data area. tx_buf belongs to the worker; bm_buf to
	 * whoever holds bm_mu (the worker, or a command that writes the
	 * whole bitmap: duet_al_write_bitmap()).
	 */
	struct mutex bm_mu;
	struct block_device *md_bdev;
	sector_t al_start;		/* first sector of the ring */
	sector_t bm_start;		/* first sector of the bitmap */
	u32 ring_tx;
	u8 *tx_buf;			/* one page */
	u8 *bm_buf;			/* one page */
};

unsigned int duet_al_io_max_sect(void)
{
	return DUET_AL_IO_MAX_SECT;
}

/* One synchronous 4 KiB meta-data I/O from or to @buf (lowmem page). */
static int duet_al_md_io(struct duet_alog *a, sector_t sector, u8 *buf,
			 blk_opf_t opf)
{
	struct bio *bio;
	int err;

	bio = bio_alloc(a->md_bdev, 1, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	if (bio_add_page(bio, virt_to_page(buf), PAGE_SIZE, 0) != PAGE_SIZE) {
		bio_put(bio);
		return -EIO;
	}
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

#define DUET_AL_MD_WRITE	(REQ_OP_WRITE | REQ_SYNC | REQ_META | REQ_FUA)

/* Write bitmap page @page if it is dirty; false when the write failed. */
static bool duet_al_write_bm_page(struct duet_alog *a, u64 page)
{
	struct duet_device *dev = a->dev;
	bool dirty;
	int err;

	mutex_lock(&a->bm_mu);
	spin_lock_irq(&dev->state_lock);
	dirty = duet_bm_page_dirty(&dev->bm, page) &&
		duet_bm_page_begin_write(&dev->bm, page, a->bm_buf) == 0;
	spin_unlock_irq(&dev->state_lock);
	if (!dirty) {
		mutex_unlock(&a->bm_mu);
		return true;
	}
	err = duet_al_md_io(a, a->bm_start + page * (DUET_BM_PAGE_SIZE >> 9),
			    a->bm_buf, DUET_AL_MD_WRITE);
	spin_lock_irq(&dev->state_lock);
	duet_bm_page_end_write(&dev->bm, page, !err);
	spin_unlock_irq(&dev->state_lock);
	mutex_unlock(&a->bm_mu);
	if (err)
		pr_err("%s: writing bitmap page %llu to the meta data failed: %d\n",
		       dev->disk->disk_name, (unsigned long long)page, err);
	return !err;
}

/* Every dirty bitmap page; returns how many writes failed. */
static unsigned int duet_al_write_dirty_bm(struct duet_alog *a)
{
	struct duet_device *dev = a->dev;
	unsigned int failed = 0;
	u64 page = 0;

	for (;;) {
		spin_lock_irq(&dev->state_lock);
		page = duet_bm_next_dirty_page(&dev->bm, page);
		spin_unlock_irq(&dev->state_lock);
		if (page == DUET_BM_NONE)
			break;
		if (!duet_al_write_bm_page(a, page))
			failed++;
		page++;
	}
	return failed;
}

/* Write the transaction in tx_buf, after the pages of evicted extents. */
static bool duet_al_write_tx(struct duet_alog *a,
			     const struct duet_al_tx_info *info)
{
	u64 pages[DUET_AL_TX_UPDATES];
	unsigned int k, j, n = 0;
	u64 page;
	int err;

	for (k = 0; k < info->nr_evicted; k++) {
		page = duet_bm_extent_page(info->evicted[k]);
		for (j = 0; j < n && pages[j] != page; j++)
			;
		if (j < n)
			continue;
		pages[n++] = page;
		if (!duet_al_write_bm_page(a, page))
			return false;
	}
	err = duet_al_md_io(a, a->al_start + info->al_sector, a->tx_buf,
			    DUET_AL_MD_WRITE);
	if (err)
		pr_err("%s: writing activity-log transaction %llu failed: %d\n",
		       a->dev->disk->disk_name, (unsigned long long)info->seq,
		       err);
	return !err;
}

static sector_t duet_al_sect(struct bio *clone)
{
	return clone->bi_iter.bi_sector;
}

static u32 duet_al_nr_sect(struct bio *clone)
{
	return clone->bi_iter.bi_size >> 9;
}

/*
 * Under a->lock: move the writes whose extents are on disk to @go; the
 * writes that found no idle slot try again, in order.
 */
static void duet_al_collect(struct duet_alog *a, struct bio_list *go)
{
	struct bio_list keep = BIO_EMPTY_LIST;
	struct bio *clone;
	int rv;

	while ((clone = bio_list_pop(&a->wait))) {
		if (duet_al_io_ready(&a->al, duet_al_sect(clone),
				     duet_al_nr_sect(clone)))
			bio_list_add(go, clone);
		else
			bio_list_add(&keep, clone);
	}
	a->wait = keep;
	while ((clone = bio_list_peek(&a->busy))) {
		rv = duet_al_begin_io(&a->al, duet_al_sect(clone),
				      duet_al_nr_sect(clone));
		if (rv == DUET_AL_BUSY)
			break;
		bio_list_pop(&a->busy);
		/* GO or WAIT_TX: a range error would have come the first time */
		if (rv == DUET_AL_WAIT_TX)
			bio_list_add(&a->wait, clone);
		else
			bio_list_add(go, clone);
	}
}

static void duet_al_submit_list(struct bio_list *l)
{
	struct bio *clone;

	while ((clone = bio_list_pop(l)))
		duet_io_go(clone);
}

/* The transaction of these writes failed: they fail (and drop refs). */
static void duet_al_fail_list(struct bio_list *l)
{
	struct bio *clone;

	while ((clone = bio_list_pop(l)))
		duet_io_fail(clone);
}

static void duet_al_work(struct work_struct *w)
{
	struct duet_alog *a = container_of(w, struct duet_alog, work);
	struct bio_list go = BIO_EMPTY_LIST, fail = BIO_EMPTY_LIST;
	struct duet_al_tx_info info;
	bool ok;
	int rv;

	for (;;) {
		spin_lock_irq(&a->lock);
		duet_al_collect(a, &go);
		rv = 0;
		if (duet_al_tx_wanted(&a->al))
			rv = duet_al_tx_prepare(&a->al, a->tx_buf, &info);
		spin_unlock_irq(&a->lock);
		duet_al_submit_list(&go);
		if (rv <= 0)
			return;

		ok = duet_al_write_tx(a, &info);

		spin_lock_irq(&a->lock);
		duet_al_tx_done(&a->al, ok);
		if (!ok) {
			fail = a->wait;
			bio_list_init(&a->wait);
		}
		spin_unlock_irq(&a->lock);
		if (!ok) {
			/* a meta-data write: detach, whatever on-io-error says */
			duet_md_error(a->dev, -EIO);
			duet_al_fail_list(&fail);
			return;
		}
	}
}

bool duet_al_write_begin(struct duet_device *dev, struct bio *clone)
{
	struct duet_alog *a = dev->alog;
	sector_t sector = duet_al_sect(clone);
	u32 nr = duet_al_nr_sect(clone);
	unsigned long flags;
	int rv;

	spin_lock_irqsave(&a->lock, flags);
	if (!bio_list_empty(&a->busy)) {
		/* behind the writes that already wait for a slot */
		bio_list_add(&a->busy, clone);
		spin_unlock_irqrestore(&a->lock, flags);
		return false;
	}
	rv = duet_al_begin_io(&a->al, sector, nr);
	if (rv == DUET_AL_GO) {
		spin_unlock_irqrestore(&a->lock, flags);
		return true;
	}
	if (rv == DUET_AL_WAIT_TX)
		bio_list_add(&a->wait, clone);
	else if (rv == DUET_AL_BUSY)
		bio_list_add(&a->busy, clone);
	spin_unlock_irqrestore(&a->lock, flags);
	if (rv == DUET_AL_WAIT_TX) {
		queue_work(a->wq, &a->work);
		return false;
	}
	if (rv == DUET_AL_BUSY)
		return false;	/* a completion makes room */

	/*
	 * A range the log cannot hold (duet_io.c's split prevents it): no
	 * reference is taken, so its blocks are marked out of sync instead
	 * of trusting the log after a crash.
	 */
	pr_err_ratelimited("%s: write of %u sectors at %llu: %s\n",
			   dev->disk->disk_name, nr, (unsigned long long)sector,
			   duet_al_strerror(rv));
	spin_lock_irqsave(&dev->state_lock, flags);
	if (dev->bm_valid)
		duet_bm_set_range(&dev->bm, sector, nr);
	spin_unlock_irqrestore(&dev->state_lock, flags);
	return true;
}

void duet_al_write_end(struct duet_device *dev, sector_t sector,
		       unsigned int nr_sect)
{
	struct duet_alog *a = dev->alog;
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&a->lock, flags);
	duet_al_complete_io(&a->al, sector, nr_sect);
	kick = !bio_list_empty(&a->busy);
	spin_unlock_irqrestore(&a->lock, flags);
	if (kick)
		queue_work(a->wq, &a->work);
}

static void duet_al_free(struct duet_alog *a)
{
	if (a->wq)
		destroy_workqueue(a->wq);
	kvfree(a->slots);
	kvfree(a->hash);
	free_page((unsigned long)a->tx_buf);
	free_page((unsigned long)a->bm_buf);
	kfree(a);
}

/* The on-disk bitmap into memory; false when it cannot be read. */
static bool duet_al_read_bm(struct duet_alog *a)
{
	struct duet_device *dev = a->dev;
	u64 page, nr = dev->bm.nr_pages;
	s64 surplus;
	int err;

	for (page = 0; page < nr; page++) {
		err = duet_al_md_io(a, a->bm_start +
				    page * (DUET_BM_PAGE_SIZE >> 9),
				    a->bm_buf, REQ_OP_READ);
		if (err) {
			pr_err("%s: reading bitmap page %llu failed: %d\n",
			       dev->disk->disk_name, (unsigned long long)page,
			       err);
			return false;
		}
		spin_lock_irq(&dev->state_lock);
		surplus = duet_bm_decode_page(&dev->bm, page, a->bm_buf);
		spin_unlock_irq(&dev->state_lock);
		if (surplus > 0)
			pr_warn("%s: bitmap page %llu has %lld bits past the end of the device; ignored\n",
				dev->disk->disk_name, (unsigned long long)page,
				(long long)surplus);
	}
	return true;
}

/*
 * Rebuild the hot set from the ring. Returns the core's result; @r gets
 * the numbers, @hot (vmalloc'ed, freed by the caller) the hot extents.
 */
static int duet_al_read_ring(struct duet_alog *a, u32 **hot,
			     struct duet_al_recovery *r)
{
	struct duet_device *dev = a->dev;
	size_t len = (size_t)a->ring_tx * DUET_AL_TX_SIZE;
	u8 *ring;
	u32 i;
	int err;

	*hot = NULL;
	memset(r, 0, sizeof(*r));
	ring = kvmalloc(len, GFP_KERNEL);
	*hot = kvmalloc_array(DUET_AL_MAX_EXTENTS, sizeof(u32), GFP_KERNEL);
	if (!ring || !*hot) {
		kvfree(ring);
		kvfree(*hot);
		*hot = NULL;
		return DUET_AL_E_MEMORY;
	}
	for (i = 0; i < a->ring_tx; i++) {
		err = duet_al_md_io(a, a->al_start +
				    i * (DUET_AL_TX_SIZE >> 9), a->tx_buf,
				    REQ_OP_READ);
		if (err) {
			pr_err("%s: reading activity-log block %u failed: %d\n",
			       dev->disk->disk_name, i, err);
			/* an unreadable block counts as damaged */
			memset(a->tx_buf, 0xff, DUET_AL_TX_SIZE);
		}
		memcpy(ring + (size_t)i * DUET_AL_TX_SIZE, a->tx_buf,
		       DUET_AL_TX_SIZE);
	}
	err = duet_al_recover(ring, len, a->ring_tx, dev->sb.device_uuid,
			      *hot, DUET_AL_MAX_EXTENTS, r);
	kvfree(ring);
	return err;
}

/*
 * After an unclean shutdown, every extent the log held hot may differ
 * from the peer: set its bits. When the log cannot say which extents
 * were hot, the whole device is out of sync.
 */
static void duet_al_mark_hot(struct duet_alog *a, int rv, const u32 *hot,
			     const struct duet_al_recovery *r)
{
	struct duet_device *dev = a->dev;
	u64 changed = 0;

	spin_lock_irq(&dev->state_lock);
	if (rv == DUET_AL_OK)
		changed = duet_bm_set_extents(&dev->bm, hot, r->nr_hot);
	else if (rv != DUET_AL_E_BLANK)
		duet_bm_set_all(&dev->bm);
	spin_unlock_irq(&dev->state_lock);

	if (rv == DUET_AL_OK || rv == DUET_AL_E_BLANK)
		pr_warn("%s: %u extents of the activity log marked out of sync after unclean shutdown (%llu KiB newly set, %u transactions replayed)\n",
			dev->disk->disk_name, rv == DUET_AL_OK ? r->nr_hot : 0,
			(unsigned long long)changed << 2, r->nr_replayed);
	else
		pr_warn("%s: unclean shutdown and %s: the whole device is marked out of sync\n",
			dev->disk->disk_name, duet_al_strerror(rv));
}

/* The first transaction of the new log: every slot empty. */
static int duet_al_start_log(struct duet_alog *a)
{
	struct duet_al_tx_info info;
	bool ok;
	int rv;

	rv = duet_al_tx_prepare(&a->al, a->tx_buf, &info);
	if (rv != 1)
		return -EINVAL;
	ok = duet_al_write_tx(a, &info);
	duet_al_tx_done(&a->al, ok);
	return ok ? 0 : -EIO;
}

int duet_al_attach(struct duet_device *dev, struct block_device *md_bdev,
		   u32 al_extents, char *info, size_t info_size)
{
	struct duet_md_sb *sb = &dev->sb;
	struct duet_al_recovery r;
	struct duet_alog *a;
	u32 nr_hash, *hot = NULL;
	int rv, err = -ENOMEM;

	lockdep_assert_held(&dev->conf_lock);
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->dev = dev;
	spin_lock_init(&a->lock);
	mutex_init(&a->bm_mu);
	bio_list_init(&a->wait);
	bio_list_init(&a->busy);
	INIT_WORK(&a->work, duet_al_work);
	a->md_bdev = md_bdev;
	a->al_start = sb->md_offset_sect + sb->al_offset;
	a->bm_start = sb->md_offset_sect + sb->bm_offset;
	a->ring_tx = sb->al_size_sect / (DUET_AL_TX_SIZE >> 9);

	if (!al_extents)
		al_extents = sb->al_extents;
	if (al_extents > duet_al_max_extents(a->ring_tx)) {
		snprintf(info, info_size,
			 "al-extents %u: the activity log of the meta data holds at most %u",
			 al_extents, duet_al_max_extents(a->ring_tx));
		err = -EINVAL;
		goto out;
	}
	if (dev->bm.nr_pages > sb->bm_size_sect / (DUET_BM_PAGE_SIZE >> 9)) {
		snprintf(info, info_size,
			 "the bitmap area of the meta data (%llu sectors) is too small for %llu sectors of data",
			 (unsigned long long)sb->bm_size_sect,
			 (unsigned long long)dev->bm.nr_sect);
		err = -EINVAL;
		goto out;
	}
	nr_hash = duet_al_hash_size(al_extents);
	a->tx_buf = (u8 *)__get_free_page(GFP_KERNEL);
	a->bm_buf = (u8 *)__get_free_page(GFP_KERNEL);
	a->slots = kvcalloc(al_extents, sizeof(*a->slots), GFP_KERNEL);
	a->hash = kvcalloc(nr_hash, sizeof(*a->hash), GFP_KERNEL);
	a->wq = alloc_ordered_workqueue("duet%u_al", WQ_MEM_RECLAIM,
					dev->minor);
	if (!a->tx_buf || !a->bm_buf || !a->slots || !a->hash || !a->wq)
		goto out;

	err = -EIO;
	if (!duet_al_read_bm(a)) {
		snprintf(info, info_size, "reading the bitmap from the meta data failed");
		goto out;
	}
	rv = duet_al_read_ring(a, &hot, &r);
	if (!hot) {
		err = -ENOMEM;
		goto out;
	}
	if (!(sb->flags & DUET_MDF_CLEAN))
		duet_al_mark_hot(a, rv, hot, &r);
	else if (rv != DUET_AL_OK && rv != DUET_AL_E_BLANK)
		pr_info("%s: clean shutdown; the old activity log is not needed (%s)\n",
			dev->disk->disk_name, duet_al_strerror(rv));
	kvfree(hot);
	if (duet_al_write_dirty_bm(a)) {
		snprintf(info, info_size, "writing the bitmap to the meta data failed");
		goto out;
	}

	/* numbering goes on after the newest block of the old log */
	rv = duet_al_init(&a->al, a->slots, al_extents, a->hash, nr_hash,
			  a->ring_tx, r.next_seq, sb->device_uuid, &dev->ctr);
	if (rv) {
		snprintf(info, info_size, "activity log: %s", duet_al_strerror(rv));
		err = -EINVAL;
		goto out;
	}
	err = duet_al_start_log(a);
	if (err) {
		snprintf(info, info_size, "writing the activity log failed: error %d", err);
		goto out;
	}
	sb->al_extents = al_extents;
	dev->alog = a;
	return 0;
out:
	duet_al_free(a);
	return err;
}

/*
 * Every dirty page of the bitmap to the meta data now (conf_lock held):
 * after a command changed many bits at once (invalidate, new-current-uuid
 * --clear-bitmap), so that a crash does not bring the old bits back.
 * Returns -EIO when a page could not be written.
 */
int duet_al_write_bitmap(struct duet_device *dev)
{
	struct duet_alog *a = dev->alog;
	unsigned int failed;

	lockdep_assert_held(&dev->conf_lock);
	if (!a)
		return -ENODEV;
	failed = duet_al_write_dirty_bm(a);
	if (failed) {
		pr_err("%s: %u bitmap pages could not be written\n",
		       dev->disk->disk_name, failed);
		duet_md_error(dev, -EIO);
		return -EIO;
	}
	return 0;
}

/*
 * No write is in flight any more (detach waited for them): write what
 * the bitmap has dirty and free the log. -EIO when a page could not be
 * written: the superblock must then not say "clean", so that the next
 * attach marks the hot extents again.
 */
int duet_al_detach(struct duet_device *dev)
{
	struct duet_alog *a = dev->alog;
	unsigned int failed;

	lockdep_assert_held(&dev->conf_lock);
	if (!a)
		return 0;
	flush_workqueue(a->wq);
	failed = duet_al_write_dirty_bm(a);
	if (failed)
		pr_err("%s: %u bitmap pages could not be written\n",
		       dev->disk->disk_name, failed);
	dev->alog = NULL;
	duet_al_free(a);
	return failed ? -EIO : 0;
}
