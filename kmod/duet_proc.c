// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: /proc/duet, in the text format of DRBD 8.4's /proc/drbd so that
 * users and their scripts read it the same way.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "compat.h"
#include "duet.h"

static int duet_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "version: %s (api:%d/proto:%d-%d)\n",
		   DUET_VERSION, DUET_API_VERSION, DUET_PROTO_MIN,
		   DUET_PROTO_MAX);
	seq_printf(m, "srcversion: %s\n", THIS_MODULE->srcversion);
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
