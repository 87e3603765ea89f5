// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: attaching a backing disk with its meta data, and writing the
 * superblock. Layout, codec and flag rules are in core/md.c; this file
 * opens the devices and moves the 4 KiB superblock block.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/vmalloc.h>

#include "duet.h"

/* Holder of meta-data devices: several minors may share one (indexed). */
static char duet_md_holder;

static int duet_md_rw(struct block_device *bdev, sector_t sector,
		      struct page *page, blk_opf_t opf)
{
	struct bio *bio;
	int err;

	bio = bio_alloc(bdev, 1, opf, GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	if (bio_add_page(bio, page, DUET_MD_BLOCK_SIZE, 0) != DUET_MD_BLOCK_SIZE) {
		bio_put(bio);
		return -EIO;
	}
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

static struct block_device *duet_md_bdev(struct duet_device *dev)
{
	return dev->meta.bdev ? dev->meta.bdev : dev->backing.bdev;
}

/* Writes dev->sb, with the flags for the current state, FUA. */
static int duet_md_write_sb_to(struct duet_device *dev,
			       struct block_device *bdev)
{
	u8 *block;
	int err;

	lockdep_assert_held(&dev->conf_lock);
	dev->sb.flags = duet_md_flags_for_state(dev->sb.flags, &dev->state);
	block = kmap_local_page(dev->md_page);
	err = duet_md_encode(&dev->sb, block);
	kunmap_local(block);
	if (err) {
		pr_err("%s: cannot encode meta data: %s\n",
		       dev->disk->disk_name, duet_md_strerror(err));
		return -EINVAL;
	}
	err = duet_md_rw(bdev, dev->sb.md_offset_sect, dev->md_page,
			 REQ_OP_WRITE | REQ_SYNC | REQ_FUA);
	if (err)
		pr_err("%s: writing the meta-data superblock failed: %d\n",
		       dev->disk->disk_name, err);
	return err;
}

int duet_md_write_sb(struct duet_device *dev)
{
	int err = duet_md_write_sb_to(dev, duet_md_bdev(dev));

	if (err == -EIO)
		duet_md_error(dev, err);
	return err;
}

static void duet_md_release(struct duet_device *dev, struct duet_bdev *b,
			    struct duet_bdev *m)
{
	duet_bdev_close(m);
	duet_bdev_close(b);
	if (dev->md_page) {
		__free_page(dev->md_page);
		dev->md_page = NULL;
	}
}

static int duet_md_bitmap_alloc(struct duet_device *dev, u64 data_sect)
{
	u64 bits = duet_bm_bits(data_sect);
	u64 nwords = duet_bm_words(bits);
	u64 npages = duet_bm_pages(bits);
	u64 ndirty = duet_bm_dirty_words(npages);
	u64 *words, *dirty;

	words = vzalloc(array_size(nwords, sizeof(u64)));
	dirty = vzalloc(array_size(ndirty, sizeof(u64)));
	if (!words || !dirty ||
	    duet_bm_init(&dev->bm, words, nwords, dirty, ndirty, data_sect,
			 &dev->ctr)) {
		vfree(words);
		vfree(dirty);
		return -ENOMEM;
	}
	return 0;
}

static void duet_md_bitmap_free(struct duet_device *dev)
{
	vfree(dev->bm.words);
	vfree(dev->bm.dirty);
	memset(&dev->bm, 0, sizeof(dev->bm));
}

/*
 * Attach: open both devices, compute the layout, read and check the
 * superblock, take the disk state from its flags, record that the device
 * is in use (an unclean shutdown is then visible at the next attach).
 * On failure @info holds a sentence for the user.
 */
static int duet_md_attach_disk(struct duet_device *dev,
			       const struct duet_attach_conf *c, char *info,
			       size_t info_size)
{
	struct duet_bdev b = { }, m = { };
	struct duet_md_layout l;
	struct duet_md_sb sb;
	struct duet_state ns;
	enum duet_sm_rv rv;
	u64 md_dev_sect = 0;
	u8 *block;
	int err;

	lockdep_assert_held(&dev->conf_lock);
	if (dev->backing.bdev) {
		snprintf(info, info_size, "minor %u already has a disk", dev->minor);
		return -EBUSY;
	}
	err = duet_bdev_open(&b, c->backing, DUET_OPEN_READ | DUET_OPEN_WRITE, dev);
	if (err) {
		snprintf(info, info_size, "cannot open backing disk %s: error %d%s",
			 c->backing, err, err == -EBUSY ? " (in use)" : "");
		return err;
	}
	if (c->meta_idx != DUET_MD_INDEX_INTERNAL) {
		err = duet_bdev_open(&m, c->meta, DUET_OPEN_READ | DUET_OPEN_WRITE,
				     &duet_md_holder);
		if (err) {
			snprintf(info, info_size, "cannot open meta-data device %s: error %d",
				 c->meta, err);
			duet_bdev_close(&b);
			return err;
		}
		md_dev_sect = bdev_nr_sectors(m.bdev);
	}
	err = duet_md_layout(c->meta_idx, bdev_nr_sectors(b.bdev), md_dev_sect,
			     0, &l);
	if (err) {
		duet_md_layout_explain(err, &l, info, info_size);
		duet_md_release(dev, &b, &m);
		return -ENOSPC;
	}
	dev->md_page = alloc_page(GFP_KERNEL);
	if (!dev->md_page) {
		duet_md_release(dev, &b, &m);
		return -ENOMEM;
	}
	err = duet_md_rw(m.bdev ? m.bdev : b.bdev, l.md_offset_sect,
			 dev->md_page, REQ_OP_READ);
	if (err) {
		snprintf(info, info_size, "reading the meta data failed: error %d", err);
		duet_md_release(dev, &b, &m);
		return err;
	}
	block = kmap_local_page(dev->md_page);
	err = duet_md_decode(block, DUET_MD_BLOCK_SIZE, &sb);
	kunmap_local(block);
	if (!err && (sb.md_offset_sect != l.md_offset_sect ||
		     sb.md_index != c->meta_idx))
		err = DUET_MD_E_LAYOUT;
	if (err) {
		snprintf(info, info_size,
			 "no valid duet meta data on %s: %s; run 'duetadm create-md' first",
			 m.bdev ? c->meta : c->backing, duet_md_strerror(err));
		duet_md_release(dev, &b, &m);
		return -EINVAL;
	}
	err = duet_md_bitmap_alloc(dev, l.data_sect);
	if (err) {
		duet_md_release(dev, &b, &m);
		return err;
	}
	err = duet_stack_limits(dev->disk, b.bdev, duet_io_max_sect());
	if (err) {
		duet_md_bitmap_free(dev);
		duet_md_release(dev, &b, &m);
		return err;
	}

	if (!(sb.flags & DUET_MDF_CLEAN) && (sb.flags & DUET_MDF_PRIMARY))
		pr_warn("%s: the meta data records an unclean shutdown of a Primary\n",
			dev->disk->disk_name);
	dev->sb = sb;
	dev->layout = l;
	/* the bitmap from disk; after a crash the hot extents set dirty */
	err = duet_al_attach(dev, m.bdev ? m.bdev : b.bdev, c->al_extents,
			     info, info_size);
	if (err) {
		duet_md_bitmap_free(dev);
		duet_md_release(dev, &b, &m);
		return err;
	}
	dev->meta = m;
	dev->fencing = c->fencing;
	dev->on_io_error = c->on_io_error;
	strscpy(dev->backing_path, c->backing, sizeof(dev->backing_path));
	strscpy(dev->meta_path, c->meta, sizeof(dev->meta_path));
	dev->meta_idx = c->meta_idx;

	ns = dev->state;
	ns.disk = duet_md_disk_state(sb.flags, c->fencing);
	spin_lock_irq(&dev->state_lock);
	dev->backing = b;
	dev->bm_valid = true;
	dev->io_failed = false;
	dev->md_failed = false;
	spin_unlock_irq(&dev->state_lock);
	rv = duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	if (rv < 0)
		pr_warn("%s: attach: %s\n", dev->disk->disk_name, duet_sm_rv_str(rv));
	set_capacity(dev->disk, l.data_sect);

	/* in use from now on: a crash leaves CLEAN unset */
	dev->sb.flags &= ~DUET_MDF_CLEAN;
	err = duet_md_write_sb(dev);
	if (err) {
		duet_md_detach(dev, true);
		set_capacity(dev->disk, 0);	/* it never was attached */
		snprintf(info, info_size, "writing the meta data failed: error %d", err);
		return err;
	}
	pr_info("%s: attached to %s (meta data %s, index %d), %llu KiB, disk %s\n",
		dev->disk->disk_name, c->backing, m.bdev ? c->meta : "internal",
		c->meta_idx, (unsigned long long)l.data_sect / 2,
		duet_disk_str(dev->state.disk));
	return 0;
}

/* The disk state goes Diskless -> Attaching -> what the meta data says. */
int duet_md_attach(struct duet_device *dev, const struct duet_attach_conf *c,
		   char *info, size_t info_size)
{
	struct duet_state ns;
	enum duet_sm_rv rv;
	int err;

	lockdep_assert_held(&dev->conf_lock);
	if (dev->backing.bdev) {
		snprintf(info, info_size, "minor %u already has a disk", dev->minor);
		return -EBUSY;
	}
	ns = dev->state;
	ns.disk = DUET_D_ATTACHING;
	rv = duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	if (rv < 0) {
		snprintf(info, info_size, "%s", duet_sm_rv_str(rv));
		return -EINVAL;
	}
	err = duet_md_attach_disk(dev, c, info, info_size);
	if (err && !dev->backing.bdev) {
		ns = dev->state;
		ns.disk = DUET_D_DISKLESS;
		duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	}
	return err;
}

/*
 * Detach: stop new I/O, wait for what is in flight, write a clean sb.
 * After a disk failure (@failed) the superblock is not written: it keeps
 * saying "in use", so the next attach treats the data as after a crash.
 */
int duet_md_detach(struct duet_device *dev, bool failed)
{
	struct duet_bdev b;
	struct duet_state ns;

	lockdep_assert_held(&dev->conf_lock);
	if (!dev->backing.bdev)
		return -ENODEV;
	spin_lock_irq(&dev->state_lock);
	b = dev->backing;
	dev->backing.bdev = NULL;
	dev->bm_valid = false;
	spin_unlock_irq(&dev->state_lock);
	wait_event(dev->io_wait, atomic_read(&dev->in_flight) == 0);

	/*
	 * The bitmap to disk, then a clean superblock, through the devices
	 * that are still open. Without the whole bitmap on disk the next
	 * attach must treat the shutdown as unclean. After a disk failure
	 * (@failed) the bitmap is still tried (the meta data may be on
	 * another disk) but the superblock is left as it is.
	 */
	if (!duet_al_detach(dev) && !failed)
		dev->sb.flags |= DUET_MDF_CLEAN;
	if (!failed)
		duet_md_write_sb_to(dev, dev->meta.bdev ? dev->meta.bdev : b.bdev);

	duet_md_release(dev, &b, &dev->meta);
	duet_md_bitmap_free(dev);
	/*
	 * After a failure the size stays, so that a mounted file system
	 * gets EIO from duet_submit_bio (not "beyond end of device") and
	 * can be unmounted; an attach sets it again.
	 */
	if (!failed)
		set_capacity(dev->disk, 0);

	ns = dev->state;
	ns.disk = DUET_D_DISKLESS;
	duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	if (failed)
		pr_err("%s: detached from the failed backing disk, disk state Diskless\n",
		       dev->disk->disk_name);
	else
		pr_info("%s: detached, disk state Diskless\n", dev->disk->disk_name);
	return 0;
}
