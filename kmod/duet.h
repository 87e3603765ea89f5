/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet.ko: shared declarations of the module's glue files. The logic with
 * state lives in core/ (pure C); these files turn bios, block devices,
 * netlink messages and /proc reads into calls of it.
 */
#ifndef DUET_H
#define DUET_H

#include <linux/atomic.h>
#include <linux/blkdev.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "compat.h"
#include "core/state.h"

#define DUET_PROC_NAME "duet"
#define DUET_MAX_MINORS 256

/* One replicated device (a DRBD "minor"). */
struct duet_device {
	unsigned int minor;
	struct gendisk *disk;

	/* serialises configuration changes (attach, detach, role) */
	struct mutex conf_lock;

	/* protects role, disk_state and backing.bdev for the I/O path */
	spinlock_t state_lock;
	enum duet_role role;
	enum duet_disk disk_state;
	struct duet_bdev backing;

	int open_cnt;		/* under conf_lock: opens of /dev/duetN */
	atomic_t in_flight;	/* bios submitted to the backing disk */
	wait_queue_head_t io_wait;

	/* counters of /proc/duet, in KiB as /proc/drbd prints them */
	atomic64_t dw_kib;
	atomic64_t dr_kib;
};

/* duet_proc.c */
int duet_proc_init(void);
void duet_proc_exit(void);

/* duet_dev.c: device lifecycle, roles, opens */
int duet_dev_init(void);
void duet_dev_exit(void);
int duet_dev_create(unsigned int minor, struct duet_device **out);
int duet_dev_destroy(unsigned int minor);
struct duet_device *duet_dev_get(unsigned int minor);
int duet_dev_attach(struct duet_device *dev, const char *disk_path);
int duet_dev_detach(struct duet_device *dev);
int duet_dev_set_role(struct duet_device *dev, enum duet_role role,
		      bool force);
void duet_dev_for_each(void (*fn)(struct duet_device *dev, void *arg),
		       void *arg);

/* duet_io.c: the bio path */
int duet_io_init(void);
void duet_io_exit(void);
void duet_submit_bio(struct bio *bio);

#endif /* DUET_H */
