// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: device lifecycle (/dev/duetN), state changes, roles and opens.
 * Which state changes are allowed is decided by core/sm.c.
 */
#include <linux/blkdev.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "duet.h"
#include "uapi/duet_genl.h"

static int duet_major;
static DEFINE_IDR(duet_minors);	/* under duet_conf_lock */

void duet_dev_sm_env(struct duet_device *dev, struct duet_sm_env *env)
{
	memset(env, 0, sizeof(*env));
	env->allow_two_primaries = dev->res && dev->res->allow_two_primaries;
	env->fencing = dev->fencing;
	env->device_open = dev->open_cnt > 0;
	env->md_disk = dev->backing.bdev ?
		duet_md_disk_state(dev->sb.flags, dev->fencing) : DUET_D_DISKLESS;
}

/*
 * Validate @ns against the current state and commit it. Logs the change
 * as DRBD does ("role( Secondary -> Primary )") and announces it.
 */
enum duet_sm_rv duet_dev_change_state(struct duet_device *dev,
				      struct duet_state *ns,
				      unsigned int flags)
{
	struct duet_sm_env env;
	struct duet_state os;
	unsigned int warn = 0;
	enum duet_sm_rv rv;
	char buf[160];

	lockdep_assert_held(&dev->conf_lock);
	duet_dev_sm_env(dev, &env);
	os = dev->state;
	rv = duet_sm_check(&os, ns, &env, flags, &warn);
	if (rv != DUET_SS_SUCCESS)
		return rv;
	spin_lock_irq(&dev->state_lock);
	dev->state = *ns;
	duet_resync_pause_changed(dev, os.conn, ns->conn);
	spin_unlock_irq(&dev->state_lock);
	duet_state_format_change(&os, ns, buf, sizeof(buf));
	pr_info("%s: %s\n", dev->disk->disk_name, buf);
	duet_nl_state_event(dev, DUET_EV_CHANGE);
	return rv;
}

/*
 * Roles: promotion needs UpToDate data or --force; demotion fails while
 * the device is open. The new role is recorded in the meta data.
 */
enum duet_sm_rv duet_dev_set_role(struct duet_device *dev,
				  enum duet_role role, bool force)
{
	struct duet_sm_env env;
	struct duet_state ns;
	unsigned int warn = 0;
	enum duet_sm_rv rv;

	lockdep_assert_held(&dev->conf_lock);
	if (role == DUET_ROLE_PRIMARY) {
		duet_dev_sm_env(dev, &env);
		rv = duet_sm_promote(&dev->state, &env, force, &ns, &warn);
		if (rv < 0)
			return rv;
		if (warn & DUET_SW_FORCED_UP_TO_DATE)
			pr_warn("%s: forced to consider local data as UpToDate\n",
				dev->disk->disk_name);
	} else {
		ns = dev->state;
		ns.role = role;
	}
	rv = duet_dev_change_state(dev, &ns, 0);
	if (rv > 0 && rv != DUET_SS_NOTHING_TO_DO && dev->backing.bdev) {
		/* the generation UUIDs follow the role (duet_hs.c) */
		duet_hs_role_changed(dev, warn & DUET_SW_FORCED_UP_TO_DATE);
		duet_md_write_sb(dev);
	}
	return rv;
}

/*
 * Only a Primary may be opened for writing. A Secondary refuses read-only
 * opens too, as DRBD does: its data may change under the reader at any
 * moment, so nothing should mount or even probe it.
 */
int duet_open(struct gendisk *disk, bool write)
{
	struct duet_device *dev = disk->private_data;
	enum duet_sm_rv rv;
	int err = 0;

	mutex_lock(&dev->conf_lock);
	rv = duet_sm_may_open(&dev->state, write);
	if (rv < 0) {
		err = write ? -EROFS : -EMEDIUMTYPE;
		pr_info_ratelimited("%s: open%s refused: %s (the device is %s)\n",
				    disk->disk_name, write ? " for writing" : "",
				    duet_sm_rv_str(rv),
				    duet_role_str(dev->state.role));
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
	idr_destroy(&duet_minors);
	unregister_blkdev(duet_major, "duet");
}

/* Called with duet_conf_lock held. */
int duet_dev_create(struct duet_resource *res, unsigned int volume,
		    unsigned int minor, const char *path,
		    struct duet_device **out)
{
	struct duet_device *dev;
	struct gendisk *disk;
	int err;

	lockdep_assert_held(&duet_conf_lock);
	if (minor >= DUET_MAX_MINORS)
		return -EINVAL;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->minor = minor;
	dev->volume = volume;
	dev->res = res;
	strscpy(dev->path, path ? path : "", sizeof(dev->path));
	duet_state_init(&dev->state);
	duet_ctr_init(&dev->ctr);
	mutex_init(&dev->conf_lock);
	spin_lock_init(&dev->state_lock);
	init_waitqueue_head(&dev->io_wait);
	INIT_LIST_HEAD(&dev->writes);
	duet_ioerr_init(dev);

	err = idr_alloc(&duet_minors, dev, minor, minor + 1, GFP_KERNEL);
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
	list_add_tail(&dev->res_list, &res->devices);
	if (out)
		*out = dev;
	duet_nl_state_event(dev, DUET_EV_CREATE);
	return 0;

out_disk:
	put_disk(disk);
out_idr:
	idr_remove(&duet_minors, minor);
	kfree(dev);
	return err;
}

/* Called with duet_conf_lock held. */
struct duet_device *duet_dev_find(unsigned int minor)
{
	lockdep_assert_held(&duet_conf_lock);
	return idr_find(&duet_minors, minor);
}

/*
 * A device goes only when nobody has it open; its disk is detached
 * first. Called with duet_conf_lock held.
 */
int duet_dev_destroy(struct duet_device *dev)
{
	lockdep_assert_held(&duet_conf_lock);
	mutex_lock(&dev->conf_lock);
	if (dev->open_cnt) {
		mutex_unlock(&dev->conf_lock);
		return -EBUSY;
	}
	if (dev->backing.bdev)
		duet_md_detach(dev, false);
	mutex_unlock(&dev->conf_lock);
	/* detached: no request is left that could queue it again */
	duet_ioerr_stop(dev);

	duet_nl_state_event(dev, DUET_EV_DESTROY);
	idr_remove(&duet_minors, dev->minor);
	list_del(&dev->res_list);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	kfree(dev);
	return 0;
}

/* Called with duet_conf_lock held. */
void duet_dev_for_each(void (*fn)(struct duet_device *dev, void *arg),
		       void *arg)
{
	struct duet_device *dev;
	int minor;

	lockdep_assert_held(&duet_conf_lock);
	idr_for_each_entry(&duet_minors, dev, minor)
		fn(dev, arg);
}
