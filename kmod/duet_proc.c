// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: /proc/duet, in the text format of DRBD 8.4's /proc/drbd so that
 * users and their scripts read it the same way; the device lines are
 * rendered by core/status.c.
 */
#include <linux/module.h>
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
	st.protocol = 0;	/* no network configuration yet */
	st.blocked = '-';
	st.ctr = &ctr;
	duet_status_format_dev(&st, buf, sizeof(buf));
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
