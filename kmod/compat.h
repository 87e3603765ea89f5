/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet.ko: the one place where kernel API differences are handled.
 *
 * The module is written against the newest API it supports (6.12); the
 * HAVE_* switches come from configure's probes (config/kernel-probes.m4,
 * results in compat_config.h) and the fallbacks below map older kernels
 * (6.1) onto it. No other file tests a kernel version or a HAVE_* switch.
 */
#ifndef DUET_COMPAT_H
#define DUET_COMPAT_H

#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/timer.h>

#include "compat_config.h"

#ifdef HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#ifndef HAVE_TIMER_SHUTDOWN_SYNC
#define timer_shutdown_sync(t) del_timer_sync(t)
#endif

/* Open mode for a backing device (6.5 turned fmode_t into blk_mode_t). */
#ifdef HAVE_BLK_MODE_T
#define duet_open_mode_t blk_mode_t
#define DUET_OPEN_READ BLK_OPEN_READ
#define DUET_OPEN_WRITE BLK_OPEN_WRITE
#define DUET_OPEN_EXCL 0 /* a holder makes the open exclusive */
#else
#define duet_open_mode_t fmode_t
#define DUET_OPEN_READ FMODE_READ
#define DUET_OPEN_WRITE FMODE_WRITE
#define DUET_OPEN_EXCL FMODE_EXCL
#endif

/*
 * An exclusively opened backing device. 6.9+ hands out a struct file,
 * 6.5-6.8 take holder_ops, older kernels an fmode_t with FMODE_EXCL.
 */
struct duet_bdev {
	struct block_device *bdev;
#ifdef HAVE_BDEV_FILE_OPEN_BY_PATH
	struct file *file;
#else
	void *holder;
	duet_open_mode_t mode;
#endif
};

static inline int duet_bdev_open(struct duet_bdev *b, const char *path,
				 duet_open_mode_t mode, void *holder)
{
#if defined(HAVE_BDEV_FILE_OPEN_BY_PATH)
	struct file *f = bdev_file_open_by_path(path, mode, holder, NULL);

	if (IS_ERR(f))
		return PTR_ERR(f);
	b->file = f;
	b->bdev = file_bdev(f);
#elif defined(HAVE_BLKDEV_GET_BY_PATH_4ARG)
	struct block_device *bd = blkdev_get_by_path(path, mode, holder, NULL);

	if (IS_ERR(bd))
		return PTR_ERR(bd);
	b->bdev = bd;
	b->holder = holder;
	b->mode = mode;
#elif defined(HAVE_BLKDEV_GET_BY_PATH_3ARG)
	struct block_device *bd;

	mode |= DUET_OPEN_EXCL;
	bd = blkdev_get_by_path(path, mode, holder);
	if (IS_ERR(bd))
		return PTR_ERR(bd);
	b->bdev = bd;
	b->holder = holder;
	b->mode = mode;
#else
#error "no known way to open a block device by path on this kernel"
#endif
	return 0;
}

static inline void duet_bdev_close(struct duet_bdev *b)
{
	if (!b->bdev)
		return;
#if defined(HAVE_BDEV_FILE_OPEN_BY_PATH)
	fput(b->file);
	b->file = NULL;
#elif defined(HAVE_BLKDEV_GET_BY_PATH_4ARG)
	blkdev_put(b->bdev, b->holder);
#else
	blkdev_put(b->bdev, b->mode);
#endif
	b->bdev = NULL;
}

/* A bio-based disk: 6.9 passes queue limits and returns an ERR_PTR. */
static inline struct gendisk *duet_alloc_disk(void)
{
#ifdef HAVE_BLK_ALLOC_DISK_LIMITS
	struct queue_limits lim = { };

	return blk_alloc_disk(&lim, NUMA_NO_NODE);
#else
	struct gendisk *d = blk_alloc_disk(NUMA_NO_NODE);

	return d ? d : ERR_PTR(-ENOMEM);
#endif
}

/*
 * Make the disk's limits those of the backing device: block sizes, I/O
 * sizes, discard, and whether it has a volatile write cache and FUA. No
 * request (write, discard, write-zeroes) is larger than @max_sect.
 */
static inline int duet_stack_limits(struct gendisk *disk,
				    struct block_device *backing,
				    unsigned int max_sect)
{
#ifdef HAVE_QUEUE_LIMITS_START_UPDATE
	struct queue_limits lim = queue_limits_start_update(disk->queue);
	int err;

	blk_set_stacking_limits(&lim);
	queue_limits_stack_bdev(&lim, backing, 0, disk->disk_name);
	lim.max_hw_sectors = min(lim.max_hw_sectors, max_sect);
	lim.max_hw_discard_sectors = min(lim.max_hw_discard_sectors, max_sect);
	lim.max_write_zeroes_sectors = min(lim.max_write_zeroes_sectors,
					   max_sect);
#ifdef HAVE_QUEUE_LIMITS_FEATURES
	lim.features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA);
	if (bdev_write_cache(backing))
		lim.features |= BLK_FEAT_WRITE_CACHE;
	if (bdev_fua(backing))
		lim.features |= BLK_FEAT_FUA;
#endif
	err = queue_limits_commit_update(disk->queue, &lim);
	if (err)
		return err;
#ifndef HAVE_QUEUE_LIMITS_FEATURES
	blk_queue_write_cache(disk->queue, bdev_write_cache(backing),
			      bdev_fua(backing));
#endif
	return 0;
#else
	struct request_queue *q = disk->queue;

	blk_set_stacking_limits(&q->limits);
	disk_stack_limits(disk, backing, 0);
	blk_queue_max_hw_sectors(q, min(queue_max_hw_sectors(q), max_sect));
	blk_queue_max_discard_sectors(q, min(q->limits.max_hw_discard_sectors,
					     max_sect));
	blk_queue_max_write_zeroes_sectors(q,
		min(q->limits.max_write_zeroes_sectors, max_sect));
	blk_queue_write_cache(disk->queue, bdev_write_cache(backing),
			      bdev_fua(backing));
	return 0;
#endif
}

/*
 * block_device_operations.open/.release: 6.5 passes the gendisk and a
 * blk_mode_t, and release no longer gets the mode. duet_fops_open and
 * duet_fops_release adapt them to the handlers of duet_dev.c.
 */
int duet_open(struct gendisk *disk, bool write);
void duet_release(struct gendisk *disk);

#ifdef HAVE_FOPS_OPEN_GENDISK
static inline int duet_fops_open(struct gendisk *disk, blk_mode_t mode)
{
	return duet_open(disk, mode & BLK_OPEN_WRITE);
}
#else
static inline int duet_fops_open(struct block_device *bdev, fmode_t mode)
{
	return duet_open(bdev->bd_disk, mode & FMODE_WRITE);
}
#endif

#ifdef HAVE_FOPS_RELEASE_1ARG
static inline void duet_fops_release(struct gendisk *disk)
{
	duet_release(disk);
}
#else
static inline void duet_fops_release(struct gendisk *disk, fmode_t mode)
{
	duet_release(disk);
}
#endif

#endif /* DUET_COMPAT_H */
