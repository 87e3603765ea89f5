// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: what a failing backing disk does, the "on-io-error" policy of
 * the disk section (as DRBD 8.4):
 *
 *   pass_on             the error goes to the caller; the disk stays
 *                       attached; a failed write is marked out of sync
 *                       and counted (dmesg, io_errors)
 *   call-local-io-error the "local-io-error" handler runs (usermode helper
 *                       "duetadm local-io-error RES", which runs the
 *                       handler command of the configuration), then the
 *                       disk is detached as below
 *   detach (default)    the disk goes Failed, then Diskless: new I/O fails
 *                       with EIO at once, in-flight requests complete (with
 *                       their own status), the backing device is released
 *
 * A failed meta-data write detaches whatever the policy: the meta data can
 * no longer record what the bitmap and the activity log say.
 *
 * The completion runs in interrupt context: it only sets io_failed (which
 * stops new I/O) and queues ioerr_work; the state changes, the event, the
 * helper and the detach happen there, in process context.
 */
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "duet.h"
#include "uapi/duet_genl.h"

char *duet_usermode_helper = "/usr/sbin/duetadm";
module_param_named(usermode_helper, duet_usermode_helper, charp, 0644);
MODULE_PARM_DESC(usermode_helper,
		 "program run for handlers: HELPER local-io-error RESOURCE (default /usr/sbin/duetadm)");

/* Runs HELPER @handler RES and waits for it, as DRBD runs drbdadm. */
static int duet_call_helper(struct duet_device *dev, const char *handler)
{
	char res_env[20 + DUET_RES_NAME_MAX], drbd_res_env[20 + DUET_RES_NAME_MAX];
	char minor_env[32], drbd_minor_env[32];
	char *envp[8], *argv[4];
	int ret;

	argv[0] = duet_usermode_helper;
	argv[1] = (char *)handler;
	argv[2] = dev->res->name;
	argv[3] = NULL;
	envp[0] = "HOME=/";
	envp[1] = "TERM=linux";
	envp[2] = "PATH=/sbin:/usr/sbin:/bin:/usr/bin";
	envp[3] = res_env;
	envp[4] = minor_env;
	envp[5] = drbd_res_env;
	envp[6] = drbd_minor_env;
	envp[7] = NULL;
	snprintf(res_env, sizeof(res_env), "DUET_RESOURCE=%s", dev->res->name);
	snprintf(drbd_res_env, sizeof(drbd_res_env), "DRBD_RESOURCE=%s",
		 dev->res->name);
	snprintf(minor_env, sizeof(minor_env), "DUET_MINOR=%u", dev->minor);
	snprintf(drbd_minor_env, sizeof(drbd_minor_env), "DRBD_MINOR=%u",
		 dev->minor);
	pr_info("%s: calling helper: %s %s %s\n", dev->disk->disk_name,
		duet_usermode_helper, handler, dev->res->name);
	ret = call_usermodehelper(duet_usermode_helper, argv, envp,
				  UMH_WAIT_PROC);
	if (ret < 0)
		pr_warn("%s: helper %s %s %s could not run: error %d\n",
			dev->disk->disk_name, duet_usermode_helper, handler,
			dev->res->name, ret);
	else
		pr_info("%s: helper %s %s %s returned %d (exit code %d)\n",
			dev->disk->disk_name, duet_usermode_helper, handler,
			dev->res->name, ret, (ret >> 8) & 0xff);
	return ret;
}

static void duet_ioerr_work(struct work_struct *w)
{
	struct duet_device *dev = container_of(w, struct duet_device,
					       ioerr_work);
	struct duet_state ns;
	bool call_handler;

	mutex_lock(&dev->conf_lock);
	if (!dev->backing.bdev) {
		mutex_unlock(&dev->conf_lock);
		return;
	}
	call_handler = dev->on_io_error == DUET_IOERR_CALL_HANDLER;
	if (dev->state.disk != DUET_D_FAILED) {
		ns = dev->state;
		ns.disk = DUET_D_FAILED;
		duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	}
	mutex_unlock(&dev->conf_lock);

	/* without the lock: the handler may well run duetadm */
	if (call_handler)
		duet_call_helper(dev, "local-io-error");

	mutex_lock(&dev->conf_lock);
	if (dev->backing.bdev)
		duet_md_detach(dev, true);
	mutex_unlock(&dev->conf_lock);
}

void duet_ioerr_init(struct duet_device *dev)
{
	INIT_WORK(&dev->ioerr_work, duet_ioerr_work);
}

/* Before the device is freed; not with dev->conf_lock held. */
void duet_ioerr_stop(struct duet_device *dev)
{
	cancel_work_sync(&dev->ioerr_work);
}

/* Takes dev->state_lock: any context. */
static void duet_ioerr_fail(struct duet_device *dev, bool md)
{
	unsigned long flags;
	bool queue = false;

	spin_lock_irqsave(&dev->state_lock, flags);
	if (md)
		dev->md_failed = true;
	if (dev->backing.bdev && !dev->io_failed &&
	    (md || dev->on_io_error != DUET_IOERR_PASS_ON)) {
		dev->io_failed = true;
		queue = true;
	}
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (queue)
		queue_work(system_long_wq, &dev->ioerr_work);
}

/*
 * A request to the backing disk failed (called from its completion, any
 * context, before the request leaves in_flight).
 */
void duet_io_error(struct duet_device *dev, bool write, int err,
		   sector_t sector)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&dev->state_lock, flags);
	n = ++dev->io_errors;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	pr_err_ratelimited("%s: %s error %d on the backing disk at sector %llu (error %llu, on-io-error %s)\n",
			   dev->disk->disk_name, write ? "write" : "read", err,
			   (unsigned long long)sector, n,
			   dev->on_io_error == DUET_IOERR_PASS_ON ? "pass_on" :
			   dev->on_io_error == DUET_IOERR_CALL_HANDLER ?
			   "call-local-io-error" : "detach");
	duet_ioerr_fail(dev, false);
}

/* A meta-data write failed: detach whatever the policy. */
void duet_md_error(struct duet_device *dev, int err)
{
	pr_err("%s: meta-data I/O error %d: detaching\n",
	       dev->disk->disk_name, err);
	duet_ioerr_fail(dev, true);
}
