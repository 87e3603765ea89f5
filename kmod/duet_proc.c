// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: /proc/duet, in the text format of DRBD 8.4's /proc/drbd so that
 * users and their scripts read it the same way; the device lines are
 * rendered by core/status.c. The same text is at /proc/drbd while no
 * other module owns that name (module parameter proc_drbd, below).
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "duet.h"
#include "core/status.h"

static void duet_proc_dev(struct duet_device *dev, void *arg)
{
	struct seq_file *m = arg;
	struct duet_dev_status st = { };
	struct duet_counters ctr;
	struct duet_state s;
	char buf[256];

	spin_lock_irq(&dev->state_lock);
	s = dev->state;
	ctr = dev->ctr;
	st.oos_kib = dev->bm_valid ? duet_bm_oos_kib(&dev->bm) : 0;
	spin_unlock_irq(&dev->state_lock);

	st.minor = dev->minor;
	st.configured = true;
	st.st = &s;
	/* protocol letter while a link is configured (duet_conf_lock held) */
	st.protocol = dev->res->link ?
		'A' + READ_ONCE(dev->res->link->nc.protocol) - 1 : 0;
	st.blocked = '-';
	st.ctr = &ctr;
	duet_status_format_dev(&st, buf, sizeof(buf));
	seq_puts(m, buf);
	if (duet_resync_proc(dev, buf, sizeof(buf)))
		seq_puts(m, buf);
}

static int duet_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "version: %s (api:%d/proto:%d-%d)\n",
		   DUET_VERSION, DUET_API_VERSION, DUET_PROTO_MIN,
		   DUET_PROTO_MAX);
	seq_printf(m, "srcversion: %s\n", THIS_MODULE->srcversion);
	mutex_lock(&duet_conf_lock);
	duet_dev_for_each(duet_proc_dev, m);
	mutex_unlock(&duet_conf_lock);
	return 0;
}

int duet_proc_init(void)
{
	if (!proc_create_single(DUET_PROC_NAME, 0444, NULL, duet_proc_show)) {
		pr_err("duet: cannot create /proc/%s\n", DUET_PROC_NAME);
		return -ENOMEM;
	}
	return 0;
}

void duet_proc_exit(void)
{
	remove_proc_entry(DUET_PROC_NAME, NULL);
}

/*
 * /proc/drbd. Module parameter proc_drbd:
 *   auto (default)  provide it when nobody else does; when drbd.ko loads,
 *                   hand it over before drbd.ko's init runs (it creates its
 *                   own and would fail, with a kernel warning, if the name
 *                   were taken); take it back when drbd.ko is unloaded
 *   1               the same, but loading duet.ko fails if /proc/drbd is
 *                   already there (drbd.ko loaded)
 *   0               never
 * Whether the name is taken is looked up by path (proc_create() warns on a
 * duplicate instead of failing quietly), so it needs /proc mounted where
 * duet.ko is loaded; drbd.ko loading at the same instant as duet.ko is not
 * covered (the module notifier only sees modules that arrive after it).
 */
static char *duet_proc_drbd_param = "auto";
module_param_named(proc_drbd, duet_proc_drbd_param, charp, 0444);
MODULE_PARM_DESC(proc_drbd,
		 "provide /proc/drbd (same text as /proc/duet): auto (when drbd.ko does not have it; the default), 1 (required), 0 (never)");

#define DUET_PROC_DRBD "drbd"
static DEFINE_MUTEX(duet_proc_drbd_lock);
static bool duet_proc_drbd_mine;	/* under duet_proc_drbd_lock */
static bool duet_proc_drbd_wanted;

static bool duet_proc_drbd_taken(void)
{
	struct path path;

	if (kern_path("/proc/" DUET_PROC_DRBD, 0, &path))
		return false;
	path_put(&path);
	return true;
}

/* Called with duet_proc_drbd_lock held. */
static int duet_proc_drbd_add(void)
{
	if (duet_proc_drbd_mine)
		return 0;
	if (duet_proc_drbd_taken())
		return -EEXIST;
	if (!proc_create_single(DUET_PROC_DRBD, 0444, NULL, duet_proc_show))
		return -ENOMEM;
	duet_proc_drbd_mine = true;
	return 0;
}

/* Called with duet_proc_drbd_lock held. */
static void duet_proc_drbd_remove(void)
{
	if (!duet_proc_drbd_mine)
		return;
	remove_proc_entry(DUET_PROC_DRBD, NULL);
	duet_proc_drbd_mine = false;
}

static int duet_proc_drbd_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, "drbd"))
		return NOTIFY_DONE;
	mutex_lock(&duet_proc_drbd_lock);
	if (action == MODULE_STATE_COMING && duet_proc_drbd_mine) {
		duet_proc_drbd_remove();
		pr_info("duet: drbd.ko is loading: /proc/drbd is now drbd's (duet's status stays in /proc/duet)\n");
	} else if (action == MODULE_STATE_GOING && duet_proc_drbd_wanted &&
		   !duet_proc_drbd_add()) {
		pr_info("duet: drbd.ko is gone: /proc/drbd shows duet's status again\n");
	}
	mutex_unlock(&duet_proc_drbd_lock);
	return NOTIFY_OK;
}

static struct notifier_block duet_proc_drbd_nb = {
	.notifier_call = duet_proc_drbd_notify,
};

int duet_proc_drbd_init(void)
{
	bool required;
	int err;

	if (!strcmp(duet_proc_drbd_param, "0"))
		return 0;
	required = !strcmp(duet_proc_drbd_param, "1");
	if (!required && strcmp(duet_proc_drbd_param, "auto")) {
		pr_err("duet: proc_drbd=%s: use auto, 1 or 0\n",
		       duet_proc_drbd_param);
		return -EINVAL;
	}
	/* first the notifier, so that a drbd.ko arriving later is seen */
	err = register_module_notifier(&duet_proc_drbd_nb);
	if (err)
		return err;
	mutex_lock(&duet_proc_drbd_lock);
	duet_proc_drbd_wanted = true;
	err = duet_proc_drbd_add();
	mutex_unlock(&duet_proc_drbd_lock);
	if (err == -EEXIST && !required) {
		pr_info("duet: /proc/drbd belongs to another module (drbd.ko): duet's status is in /proc/duet only\n");
		err = 0;
	} else if (err) {
		pr_err("duet: cannot create /proc/drbd (proc_drbd=1): %s\n",
		       err == -EEXIST ? "it exists (drbd.ko loaded?)" : "out of memory");
		unregister_module_notifier(&duet_proc_drbd_nb);
	}
	return err;
}

void duet_proc_drbd_exit(void)
{
	if (!strcmp(duet_proc_drbd_param, "0"))
		return;
	unregister_module_notifier(&duet_proc_drbd_nb);
	mutex_lock(&duet_proc_drbd_lock);
	duet_proc_drbd_wanted = false;
	duet_proc_drbd_remove();
	mutex_unlock(&duet_proc_drbd_lock);
}
