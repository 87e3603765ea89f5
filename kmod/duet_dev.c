// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: device lifecycle (/dev/duetN), backing disk attach and detach,
 * roles and opens.
 */
#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "duet.h"

static int duet_major;
static DEFINE_MUTEX(duet_minors_lock);
static DEFINE_IDR(duet_minors);

/*
 * Only a Primary may be opened for writing. A Secondary refuses read-only
 * opens too, as DRBD does: its data may change under the reader at any
 * moment, so nothing should mount or even probe it.
 */
int duet_open(struct gendisk *disk, bool write)
{
	struct duet_device *dev = disk->private_data;
	int err = 0;

	mutex_lock(&dev->conf_lock);
	if (dev->role != DUET_ROLE_PRIMARY) {
		err = write ? -EROFS : -EMEDIUMTYPE;
		pr_info_ratelimited("%s: open%s refused: the device is %s; make it Primary first\n",
				    disk->disk_name, write ? " for writing" : "",
				    duet_role_str(dev->role));
	} else {
		dev->open_cnt++;
	}
	mutex_unlock(&dev->conf_lock);
	return err;
}

void duet_release(struct gendisk *disk)
{
	struct duet_device *dev = disk->private_data;

	mutex_lock(&dev->conf_lock);
	if (!WARN_ON_ONCE(dev->open_cnt <= 0))
		dev->open_cnt--;
	mutex_unlock(&dev->conf_lock);
}

static const struct block_device_operations duet_fops = {
	.owner = THIS_MODULE,
	.submit_bio = duet_submit_bio,
	.open = duet_fops_open,
	.release = duet_fops_release,
};

int duet_dev_init(void)
{
	duet_major = register_blkdev(0, "duet");
	return duet_major < 0 ? duet_major : 0;
}

void duet_dev_exit(void)
{
	struct duet_device *dev;
	int minor;

	idr_for_each_entry(&duet_minors, dev, minor)
		duet_dev_destroy(minor);
	idr_destroy(&duet_minors);
	unregister_blkdev(duet_major, "duet");
}

int duet_dev_create(unsigned int minor, struct duet_device **out)
{
	struct duet_device *dev;
	struct gendisk *disk;
	int err;

	if (minor >= DUET_MAX_MINORS)
		return -EINVAL;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->minor = minor;
	dev->role = DUET_ROLE_SECONDARY;
	dev->disk_state = DUET_D_DISKLESS;
	mutex_init(&dev->conf_lock);
	spin_lock_init(&dev->state_lock);
	init_waitqueue_head(&dev->io_wait);

	mutex_lock(&duet_minors_lock);
	err = idr_alloc(&duet_minors, dev, minor, minor + 1, GFP_KERNEL);
	mutex_unlock(&duet_minors_lock);
	if (err < 0) {
		kfree(dev);
		return err == -ENOSPC ? -EEXIST : err;
	}

	disk = duet_alloc_disk();
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto out_idr;
	}
	disk->major = duet_major;
	disk->first_minor = minor;
	disk->minors = 1;
	disk->fops = &duet_fops;
	disk->private_data = dev;
	snprintf(disk->disk_name, sizeof(disk->disk_name), "duet%u", minor);
	set_capacity(disk, 0);
	dev->disk = disk;

	err = add_disk(disk);
	if (err)
		goto out_disk;
	if (out)
		*out = dev;
	return 0;

out_disk:
	put_disk(disk);
out_idr:
	mutex_lock(&duet_minors_lock);
	idr_remove(&duet_minors, minor);
	mutex_unlock(&duet_minors_lock);
	kfree(dev);
	return err;
}

struct duet_device *duet_dev_get(unsigned int minor)
{
	struct duet_device *dev;

	mutex_lock(&duet_minors_lock);
	dev = idr_find(&duet_minors, minor);
	mutex_unlock(&duet_minors_lock);
	return dev;
}

/* A device can go only when nobody has it open and it has no disk. */
int duet_dev_destroy(unsigned int minor)
{
	struct duet_device *dev = duet_dev_get(minor);

	if (!dev)
		return -ENODEV;
	mutex_lock(&dev->conf_lock);
	if (dev->open_cnt) {
		mutex_unlock(&dev->conf_lock);
		return -EBUSY;
	}
	mutex_unlock(&dev->conf_lock);
	duet_dev_detach(dev);

	mutex_lock(&duet_minors_lock);
	idr_remove(&duet_minors, minor);
	mutex_unlock(&duet_minors_lock);

	del_gendisk(dev->disk);
	put_disk(dev->disk);
	kfree(dev);
	return 0;
}

int duet_dev_attach(struct duet_device *dev, const char *disk_path)
{
	struct duet_bdev b = { };
	int err;

	mutex_lock(&dev->conf_lock);
	if (dev->backing.bdev) {
		err = -EBUSY;
		goto out;
	}
	err = duet_bdev_open(&b, disk_path, DUET_OPEN_READ | DUET_OPEN_WRITE,
			     dev);
	if (err) {
		pr_err("%s: cannot open backing disk %s: error %d\n",
		       dev->disk->disk_name, disk_path, err);
		goto out;
	}
	err = duet_stack_limits(dev->disk, b.bdev);
	if (err) {
		duet_bdev_close(&b);
		goto out;
	}
	set_capacity(dev->disk, bdev_nr_sectors(b.bdev));
	spin_lock_irq(&dev->state_lock);
	dev->backing = b;
	dev->disk_state = DUET_D_INCONSISTENT;
	spin_unlock_irq(&dev->state_lock);
	pr_info("%s: attached to %s, %llu KiB\n", dev->disk->disk_name,
		disk_path, (unsigned long long)bdev_nr_sectors(b.bdev) / 2);
out:
	mutex_unlock(&dev->conf_lock);
	return err;
}

int duet_dev_detach(struct duet_device *dev)
{
	struct duet_bdev b;

	mutex_lock(&dev->conf_lock);
	if (!dev->backing.bdev) {
		mutex_unlock(&dev->conf_lock);
		return -ENODEV;
	}
	spin_lock_irq(&dev->state_lock);
	b = dev->backing;
	dev->backing.bdev = NULL;
	dev->disk_state = DUET_D_DISKLESS;
	spin_unlock_irq(&dev->state_lock);
	/* new bios now fail; wait for those already on the backing disk */
	wait_event(dev->io_wait, atomic_read(&dev->in_flight) == 0);
	duet_bdev_close(&b);
	set_capacity(dev->disk, 0);
	pr_info("%s: detached, disk state Diskless\n", dev->disk->disk_name);
	mutex_unlock(&dev->conf_lock);
	return 0;
}

int duet_dev_set_role(struct duet_device *dev, enum duet_role role,
		      bool force)
{
	int err = 0;

	mutex_lock(&dev->conf_lock);
	if (role == DUET_ROLE_SECONDARY && dev->open_cnt) {
		pr_info("%s: cannot become Secondary: the device is held open\n",
			dev->disk->disk_name);
		err = -EBUSY;
	} else if (role == DUET_ROLE_PRIMARY &&
		   dev->disk_state != DUET_D_UP_TO_DATE && !force) {
		pr_info("%s: cannot become Primary: local disk is %s (use --force)\n",
			dev->disk->disk_name, duet_disk_str(dev->disk_state));
		err = -EIO;
	} else if (role == DUET_ROLE_PRIMARY && !dev->backing.bdev) {
		err = -ENODEV;
	} else {
		spin_lock_irq(&dev->state_lock);
		if (role == DUET_ROLE_PRIMARY && force)
			dev->disk_state = DUET_D_UP_TO_DATE;
		dev->role = role;
		spin_unlock_irq(&dev->state_lock);
	}
	mutex_unlock(&dev->conf_lock);
	return err;
}

void duet_dev_for_each(void (*fn)(struct duet_device *dev, void *arg),
		       void *arg)
{
	struct duet_device *dev;
	int minor;

	mutex_lock(&duet_minors_lock);
	idr_for_each_entry(&duet_minors, dev, minor)
		fn(dev, arg);
	mutex_unlock(&duet_minors_lock);
}
