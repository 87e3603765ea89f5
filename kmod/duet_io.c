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
 * onto the backing device and completed when the clone completes.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>

#include "duet.h"

static struct bio_set duet_bio_set;

int duet_io_init(void)
{
	return bioset_init(&duet_bio_set, BIO_POOL_SIZE, 0, 0);
}

void duet_io_exit(void)
{
	bioset_exit(&duet_bio_set);
}

static void duet_clone_endio(struct bio *clone)
{
	struct bio *orig = clone->bi_private;
	struct duet_device *dev = orig->bi_bdev->bd_disk->private_data;

	if (clone->bi_status)
		pr_err_ratelimited("%s: I/O error %d on the backing disk at sector %llu\n",
				   dev->disk->disk_name,
				   blk_status_to_errno(clone->bi_status),
				   (unsigned long long)clone->bi_iter.bi_sector);
	orig->bi_status = clone->bi_status;
	bio_put(clone);
	bio_endio(orig);
	if (atomic_dec_and_test(&dev->in_flight))
		wake_up(&dev->io_wait);
}

void duet_submit_bio(struct bio *bio)
{
	struct duet_device *dev = bio->bi_bdev->bd_disk->private_data;
	bool write = op_is_write(bio_op(bio));
	struct block_device *backing;
	struct bio *clone;

	spin_lock_irq(&dev->state_lock);
	backing = dev->backing.bdev;
	if (!backing || (write && dev->role != DUET_ROLE_PRIMARY)) {
		spin_unlock_irq(&dev->state_lock);
		pr_err_ratelimited("%s: %s refused: %s\n", dev->disk->disk_name,
				   write ? "write" : "read",
				   backing ? "not Primary" : "no backing disk (Diskless)");
		bio_io_error(bio);
		return;
	}
	/* detach waits for in_flight to drop to zero after clearing bdev */
	atomic_inc(&dev->in_flight);
	spin_unlock_irq(&dev->state_lock);

	clone = bio_alloc_clone(backing, bio, GFP_NOIO, &duet_bio_set);
	if (!clone) {
		bio_io_error(bio);
		if (atomic_dec_and_test(&dev->in_flight))
			wake_up(&dev->io_wait);
		return;
	}
	clone->bi_private = bio;
	clone->bi_end_io = duet_clone_endio;

	if (bio_op(bio) == REQ_OP_WRITE || bio_op(bio) == REQ_OP_WRITE_ZEROES)
		atomic64_add(bio_sectors(bio) >> 1, &dev->dw_kib);
	else if (bio_op(bio) == REQ_OP_READ)
		atomic64_add(bio_sectors(bio) >> 1, &dev->dr_kib);

	submit_bio_noacct(clone);
}
