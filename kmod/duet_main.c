// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: module entry points.
 *
 * The replicated block device arrives with the next stage; for now the
 * module registers /proc/duet with the version lines that users of
 * /proc/drbd know.
 */
#include <linux/module.h>
#include <linux/init.h>

#include "compat.h"
#include "duet.h"

static int __init duet_init(void)
{
	int err;

	err = duet_io_init();
	if (err)
		return err;
	err = duet_dev_init();
	if (err)
		goto out_io;
	err = duet_proc_init();
	if (err)
		goto out_dev;
	err = duet_proc_drbd_init();
	if (err)
		goto out_proc;
	err = duet_nl_init();
	if (err)
		goto out_proc_drbd;
	pr_info("duet: version %s (api:%d/proto:%d-%d) loaded\n",
		DUET_VERSION, DUET_API_VERSION, DUET_PROTO_MIN, DUET_PROTO_MAX);
	return 0;

out_proc_drbd:
	duet_proc_drbd_exit();
out_proc:
	duet_proc_exit();
out_dev:
	duet_dev_exit();
out_io:
	duet_io_exit();
	return err;
}

static void __exit duet_exit(void)
{
	duet_nl_exit();
	duet_res_destroy_all();
	duet_proc_drbd_exit();
	duet_proc_exit();
	duet_dev_exit();
	duet_io_exit();
	pr_info("duet: unloaded\n");
}

module_init(duet_init);
module_exit(duet_exit);

MODULE_AUTHOR("duet developers");
MODULE_DESCRIPTION("duet: replicated block device for two-node HA clusters");
MODULE_LICENSE("GPL");
MODULE_VERSION(DUET_VERSION);
