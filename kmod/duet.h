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
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "core/bm.h"
#include "core/md.h"
#include "core/req.h"
#include "core/sm.h"
#include "core/state.h"
#include "core/uuid.h"
#include "core/wire.h"
#include "duet_net.h"

#define DUET_PROC_NAME "duet"
#define DUET_MAX_MINORS 256
#define DUET_RES_NAME_MAX 63
#define DUET_DEV_PATH_MAX 255
#define DUET_CPU_MASK_LEN 255
/* Disk options kept by attribute number (uapi enum duet_disk_attr). */
#define DUET_DISK_OPTS_NR 32

struct duet_device;
struct duet_alog;
struct duet_resync;

/* A resource: a name and its volumes (one minor each). */
struct duet_resource {
	struct list_head list;		/* duet_resources, under duet_conf_lock */
	char name[DUET_RES_NAME_MAX + 1];
	struct list_head devices;	/* duet_device.res_list */
	bool allow_two_primaries;
	/* resource options, kept and reported back (GET_CONFIG) */
	char cpu_mask[DUET_CPU_MASK_LEN + 1];
	u32 on_no_data;
	/* the replication link, NULL while StandAlone (duet_link.c) */
	struct duet_link *link;
};

/* One replicated device (a DRBD "minor"). */
struct duet_device {
	unsigned int minor;
	unsigned int volume;
	struct duet_resource *res;
	struct list_head res_list;
	struct gendisk *disk;
	char path[DUET_DEV_PATH_MAX + 1];	/* "device" of the config */

	/* serialises configuration changes (attach, detach, role) */
	struct mutex conf_lock;

	/*
	 * state_lock protects state, ctr, bm and backing.bdev for the I/O
	 * path; changes also hold conf_lock.
	 */
	spinlock_t state_lock;
	struct duet_state state;
	struct duet_counters ctr;
	struct duet_bm bm;
	bool bm_valid;
	struct duet_bdev backing;

	/* meta data, under conf_lock */
	struct duet_bdev meta;		/* bdev NULL when internal */
	struct duet_md_sb sb;
	struct duet_md_layout layout;
	struct page *md_page;
	struct duet_alog *alog;		/* activity log (duet_al.c) */
	enum duet_fencing fencing;
	u32 on_io_error;		/* enum duet_on_io_error */
	/* what ATTACH named, under conf_lock; valid while attached */
	char backing_path[DUET_DEV_PATH_MAX + 1];
	char meta_path[DUET_DEV_PATH_MAX + 1];
	s32 meta_idx;
	/*
	 * Disk options without an effect in this version, under conf_lock:
	 * kept as given (bit N of disk_opt_set: attribute N) so that
	 * GET_CONFIG reports what the tools set.
	 */
	u64 disk_opt[DUET_DISK_OPTS_NR];
	u32 disk_opt_set;

	int open_cnt;		/* under conf_lock: opens of /dev/duetN */
	atomic_t in_flight;	/* bios submitted to the backing disk */
	wait_queue_head_t io_wait;

	/*
	 * Backing-disk errors (duet_ioerr.c), under state_lock: io_failed
	 * stops new I/O at once when the policy detaches; ioerr_work then
	 * takes the disk Failed -> Diskless in process context.
	 */
	bool io_failed;
	bool md_failed;		/* a meta-data write failed: detach */
	/*
	 * What the peer reported in the handshake and what was decided
	 * (duet_hs.c); written by the link's worker before it goes live.
	 */
	struct duet_wire_sizes peer_sizes;
	struct duet_wire_uuids peer_uuids;
	struct duet_state peer_state;
	bool peer_reported;
	struct duet_uuid_action hs_act;
	struct duet_resync *rs;		/* resync running (duet_resync.c) */
	/*
	 * Writes at the local disk while a link exists (state_lock): a
	 * resync never reads a range one of them is about to change.
	 */
	struct list_head writes;
	u64 io_errors;		/* failed backing-disk requests, all policies */
	struct work_struct ioerr_work;
};

/* The configuration lock: resources and minors change under it. */
extern struct mutex duet_conf_lock;

/* duet_proc.c */
int duet_proc_init(void);
void duet_proc_exit(void);

/* duet_dev.c: device lifecycle, roles, opens */
int duet_dev_init(void);
void duet_dev_exit(void);
int duet_dev_create(struct duet_resource *res, unsigned int volume,
		    unsigned int minor, const char *path,
		    struct duet_device **out);
int duet_dev_destroy(struct duet_device *dev);
struct duet_device *duet_dev_find(unsigned int minor);
void duet_dev_for_each(void (*fn)(struct duet_device *dev, void *arg),
		       void *arg);
/* A state change through the core's rules; @info gets the refusal. */
enum duet_sm_rv duet_dev_change_state(struct duet_device *dev,
				      struct duet_state *ns,
				      unsigned int flags);
enum duet_sm_rv duet_dev_set_role(struct duet_device *dev,
				  enum duet_role role, bool force);
void duet_dev_sm_env(struct duet_device *dev, struct duet_sm_env *env);

/* duet_md.c: meta data and attach/detach */
struct duet_attach_conf {
	const char *backing;
	const char *meta;
	s32 meta_idx;
	u32 on_io_error;
	enum duet_fencing fencing;
	u32 al_extents;		/* 0: as the meta data says */
};

int duet_md_attach(struct duet_device *dev, const struct duet_attach_conf *c,
		   char *info, size_t info_size);
int duet_md_detach(struct duet_device *dev, bool failed);
int duet_md_write_sb(struct duet_device *dev);

/* duet_al.c: the activity log in the write path, the bitmap on disk */
int duet_al_attach(struct duet_device *dev, struct block_device *md_bdev,
		   u32 al_extents, char *info, size_t info_size);
int duet_al_detach(struct duet_device *dev);
int duet_al_write_bitmap(struct duet_device *dev);
unsigned int duet_al_io_max_sect(void);
/* A write's extents: true when it may be submitted now. */
bool duet_al_write_begin(struct duet_device *dev, struct bio *clone);
void duet_al_write_end(struct duet_device *dev, sector_t sector,
		       unsigned int nr_sect);

/*
 * duet_io.c: the bio path. A request in flight: the core's descriptor in
 * front of the clone that goes to the backing disk. It lives until its
 * local part (the clone) and its network part (duet_repl.c) are both
 * over, and, for a replicated write, until its transfer-log record is
 * released by the peer's barrier ack (or the link's loss): refs counts
 * them. A replicated write's activity-log extents stay hot until then,
 * so that after a crash of this node they cover every write the peer
 * may lack or may have alone.
 */
struct duet_kreq {
	struct duet_device *dev;
	struct bio *orig;
	struct duet_req req;
	struct duet_link *link;	/* held (users) while the request lives */
	atomic_t refs;
	bool remote;		/* goes to the peer too */
	bool al_by_tl;		/* the transfer log drops its AL reference */
	bool in_tl;		/* has a transfer-log record (epoch valid) */
	u32 epoch;
	struct list_head tl_list;	/* on the lost list of a torn link */
	struct list_head rel_list;	/* its record released, ref to drop */
	struct list_head write_list;	/* on dev->writes while tracked */
	bool tracked;
	struct bio clone;	/* last: allocated by the bio_set */
};

int duet_io_init(void);
void duet_io_exit(void);
void duet_submit_bio(struct bio *bio);
/* Act on the core's answer @act for @kr (under no lock). */
void duet_io_act_kreq(struct duet_kreq *kr, unsigned int act);
/* A request of @dev's backing disk ended (pairs with in_flight++). */
void duet_io_put(struct duet_device *dev);
/* Drop one of the request's parts. */
void duet_io_put_kreq(struct duet_kreq *kr);
/* A clone whose activity-log extents are hot: submit it, and replicate. */
void duet_io_go(struct bio *clone);
void duet_io_fail(struct bio *clone);
/* Largest request /dev/duetN takes: activity log and wire allow it. */
unsigned int duet_io_max_sect(void);

/* duet_ioerr.c: the on-io-error policies */
void duet_ioerr_init(struct duet_device *dev);
void duet_ioerr_stop(struct duet_device *dev);
void duet_io_error(struct duet_device *dev, bool write, int err,
		   sector_t sector);
void duet_md_error(struct duet_device *dev, int err);
extern char *duet_usermode_helper;

/* duet_proc.c: /proc/drbd, when nobody else has it */
int duet_proc_drbd_init(void);
void duet_proc_drbd_exit(void);

/* duet_res.c: resources */
struct duet_resource *duet_res_find(const char *name);
int duet_res_create(const char *name, struct duet_resource **out);
int duet_res_destroy(struct duet_resource *res);
/* The resource after the @skip first ones, NULL past the end. */
struct duet_resource *duet_res_nth(unsigned long skip);
void duet_res_destroy_all(void);

/* duet_nl.c: generic netlink control and events */
int duet_nl_init(void);
void duet_nl_exit(void);
void duet_nl_state_event(struct duet_device *dev, u32 type);

#endif /* DUET_H */
