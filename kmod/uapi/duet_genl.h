/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * duet generic netlink protocol, shared by duet.ko and the userspace tools
 * (duetadm, duetd, ha_status). Plain C with <linux/types.h> only.
 *
 * Family "duet", version DUET_GENL_VERSION, one multicast group "events".
 *
 * Objects and their attribute sets. Every top-level attribute of a message
 * is a nest that holds the attribute set of one object; the numbers inside
 * a nest are private to that set:
 *
 *   DUET_A_CTX         which object a request is about (resource, volume,
 *                      minor): enum duet_ctx_attr
 *   DUET_A_RES_OPTS    resource options: enum duet_res_attr
 *   DUET_A_DEVICE_CONF the block device of one minor: enum duet_dev_attr
 *   DUET_A_DISK_CONF   backing disk, meta-data and disk options:
 *                      enum duet_disk_attr
 *   DUET_A_NET_CONF    both addresses and the network options:
 *                      enum duet_net_attr (addresses nest enum duet_addr_attr)
 *   DUET_A_FLAGS       one-shot request flags (--force ...): enum duet_flag_attr
 *   DUET_A_STATE       roles, connection and disk states: enum duet_state_attr
 *   DUET_A_STATS       the /proc/drbd counters and resync progress:
 *                      enum duet_stats_attr
 *   DUET_A_REPLY       result of a request: enum duet_reply_attr
 *   DUET_A_EVENT       what a multicast event is about: enum duet_event_attr
 *
 * Names do not clash with kmod/core/: a file may include both (the
 * module's glue does); where a value set exists in both, the values agree
 * (tests/unit/test_dconf_uapi.c checks that at compile time).
 *
 * Types are given as the kernel's nla_policy type next to each attribute:
 * NLA_U8 (booleans, 0 or 1), NLA_U16, NLA_U32, NLA_S32, NLA_U64,
 * NLA_NUL_STRING with a maximum length (excluding the NUL), NLA_BINARY with
 * a maximum length, NLA_FLAG (present = set), NLA_NESTED.
 *
 * Every request is answered with one message of the same command that
 * carries DUET_A_REPLY (and, for GET_STATUS/GET_CONFIG, the requested
 * objects). A malformed message (unknown command, missing or badly typed
 * attribute) is refused with a netlink error (-EINVAL) instead. Userspace
 * sends the complete effective option set it wants; an absent option
 * keeps the kernel's current value (the default when the object is new).
 *
 * Units follow drbd.conf: times in seconds unless noted "0.1 s", rates in
 * KiB/s, sizes in bytes unless noted "sectors" (512 bytes).
 */
#ifndef _UAPI_LINUX_DUET_GENL_H
#define _UAPI_LINUX_DUET_GENL_H

#include <linux/types.h>

#define DUET_GENL_NAME		"duet"
#define DUET_GENL_VERSION	1
#define DUET_GENL_MCGRP_EVENTS	"events"

/* Maximum string lengths, excluding the terminating NUL. */
#define DUET_NAME_MAX		63	/* resource names */
#define DUET_PATH_MAX		255	/* device, disk and meta-disk paths */
#define DUET_ALG_MAX		63	/* crypto hash names */
#define DUET_SECRET_MAX		64	/* shared-secret (DRBD's limit) */
#define DUET_CPU_MASK_MAX	255	/* hex cpu mask */
#define DUET_INFO_MAX		255	/* human-readable reply text */

/* Meta-data index values (DUET_DISK_A_META_IDX) below zero. */
#define DUET_MD_IDX_INTERNAL	(-1)	/* end of the backing disk */
#define DUET_MD_IDX_FLEX_EXT	(-2)	/* whole meta device from offset 0 */
/* Indexed external meta-data slots are this large, index N at N * size. */
#define DUET_MD_SLOT_BYTES	(128ULL << 20)

/* Device minors: 0 .. DUET_MINOR_MAX. */
#define DUET_MINOR_MAX		1048575

enum duet_cmd {
	DUET_CMD_UNSPEC = 0,
	/* status and configuration; doit with CTX or dumpit for all minors */
	DUET_CMD_GET_STATUS,	/* reply: CTX, STATE, STATS per minor */
	DUET_CMD_GET_CONFIG,	/* reply: CTX, RES_OPTS, DEVICE_CONF,
				 * DISK_CONF, NET_CONF per minor
				 */
	/* object life cycle */
	DUET_CMD_NEW_RESOURCE,	/* CTX(res), RES_OPTS */
	DUET_CMD_DEL_RESOURCE,	/* CTX(res); refused while minors exist */
	DUET_CMD_NEW_MINOR,	/* CTX(res, volume, minor), DEVICE_CONF */
	DUET_CMD_DEL_MINOR,	/* CTX(minor); refused while attached */
	DUET_CMD_DOWN,		/* CTX(res): disconnect, detach, delete all */
	/* disk */
	DUET_CMD_ATTACH,	/* CTX(minor), DISK_CONF */
	DUET_CMD_DETACH,	/* CTX(minor), FLAGS(force) */
	DUET_CMD_DISK_OPTS,	/* CTX(minor), DISK_CONF (options only) */
	/* network */
	DUET_CMD_CONNECT,	/* CTX(res), NET_CONF, FLAGS(discard-my-data) */
	DUET_CMD_DISCONNECT,	/* CTX(res), FLAGS(force) */
	DUET_CMD_NET_OPTS,	/* CTX(res), NET_CONF (options only) */
	DUET_CMD_RES_OPTS,	/* CTX(res), RES_OPTS */
	/* roles */
	DUET_CMD_PRIMARY,	/* CTX(res), FLAGS(force) */
	DUET_CMD_SECONDARY,	/* CTX(res) */
	/* resync control */
	DUET_CMD_INVALIDATE,		/* CTX(minor) */
	DUET_CMD_INVALIDATE_REMOTE,	/* CTX(minor) */
	DUET_CMD_OUTDATE,		/* CTX(minor) */
	DUET_CMD_PAUSE_SYNC,		/* CTX(minor) */
	DUET_CMD_RESUME_SYNC,		/* CTX(minor) */
	/* kernel to the "events" group: CTX, EVENT, STATE (and STATS) */
	DUET_CMD_STATE_EVENT,
	/* added later; the numbers above never change */
	DUET_CMD_NEW_C_UUID,		/* CTX(minor), FLAGS(clear-bitmap) */
	DUET_CMD_PEER_DEAD,		/* CTX(res): the membership daemon
					 * knows the peer is dead
					 */
	__DUET_CMD_MAX
};
#define DUET_CMD_MAX (__DUET_CMD_MAX - 1)

/* Top-level attributes: one nest per object. */
enum duet_attr {
	DUET_A_UNSPEC = 0,
	DUET_A_CTX,		/* NLA_NESTED: enum duet_ctx_attr */
	DUET_A_RES_OPTS,	/* NLA_NESTED: enum duet_res_attr */
	DUET_A_DEVICE_CONF,	/* NLA_NESTED: enum duet_dev_attr */
	DUET_A_DISK_CONF,	/* NLA_NESTED: enum duet_disk_attr */
	DUET_A_NET_CONF,	/* NLA_NESTED: enum duet_net_attr */
	DUET_A_FLAGS,		/* NLA_NESTED: enum duet_flag_attr */
	DUET_A_STATE,		/* NLA_NESTED: enum duet_state_attr */
	DUET_A_STATS,		/* NLA_NESTED: enum duet_stats_attr */
	DUET_A_REPLY,		/* NLA_NESTED: enum duet_reply_attr */
	DUET_A_EVENT,		/* NLA_NESTED: enum duet_event_attr */
	__DUET_A_MAX
};
#define DUET_A_MAX (__DUET_A_MAX - 1)

/* DUET_A_CTX: the object selector. */
enum duet_ctx_attr {
	DUET_CTX_A_UNSPEC = 0,
	DUET_CTX_A_RES_NAME,	/* NLA_NUL_STRING, DUET_NAME_MAX */
	DUET_CTX_A_VOLUME,	/* NLA_U32: volume number in the resource */
	DUET_CTX_A_MINOR,	/* NLA_U32: 0 .. DUET_MINOR_MAX */
	__DUET_CTX_A_MAX
};
#define DUET_CTX_A_MAX (__DUET_CTX_A_MAX - 1)

/* DUET_A_RES_OPTS: the "options" section. */
enum duet_res_attr {
	DUET_RES_A_UNSPEC = 0,
	DUET_RES_A_CPU_MASK,	/* NLA_NUL_STRING, DUET_CPU_MASK_MAX: hex */
	DUET_RES_A_ON_NO_DATA,	/* NLA_U32: enum duet_on_no_data */
	__DUET_RES_A_MAX
};
#define DUET_RES_A_MAX (__DUET_RES_A_MAX - 1)

/* DUET_A_DEVICE_CONF: the block device of a minor. */
enum duet_dev_attr {
	DUET_DEV_A_UNSPEC = 0,
	DUET_DEV_A_PATH,	/* NLA_NUL_STRING, DUET_PATH_MAX: "device" */
	__DUET_DEV_A_MAX
};
#define DUET_DEV_A_MAX (__DUET_DEV_A_MAX - 1)

/* DUET_A_DISK_CONF: "disk", "meta-disk" and the "disk" section. */
enum duet_disk_attr {
	DUET_DISK_A_UNSPEC = 0,
	DUET_DISK_A_BACKING_DEV,	/* NLA_NUL_STRING, DUET_PATH_MAX */
	DUET_DISK_A_META_DEV,		/* NLA_NUL_STRING, DUET_PATH_MAX;
					 * equals BACKING_DEV when internal
					 */
	DUET_DISK_A_META_IDX,		/* NLA_S32: slot, DUET_MD_IDX_* */
	DUET_DISK_A_ON_IO_ERROR,	/* NLA_U32: enum duet_on_io_error */
	DUET_DISK_A_FENCING,		/* NLA_U32: enum duet_fencing_policy */
	DUET_DISK_A_SIZE,		/* NLA_U64: sectors, 0 = whole disk */
	DUET_DISK_A_RESYNC_RATE,	/* NLA_U32: KiB/s */
	DUET_DISK_A_RESYNC_AFTER,	/* NLA_S32: minor, -1 = none */
	DUET_DISK_A_AL_EXTENTS,		/* NLA_U32 */
	DUET_DISK_A_AL_UPDATES,		/* NLA_U8 */
	DUET_DISK_A_C_PLAN_AHEAD,	/* NLA_U32: 0.1 s, 0 = fixed rate */
	DUET_DISK_A_C_DELAY_TARGET,	/* NLA_U32: 0.1 s */
	DUET_DISK_A_C_FILL_TARGET,	/* NLA_U32: sectors */
	DUET_DISK_A_C_MAX_RATE,		/* NLA_U32: KiB/s */
	DUET_DISK_A_C_MIN_RATE,		/* NLA_U32: KiB/s */
	DUET_DISK_A_DISK_BARRIER,	/* NLA_U8 */
	DUET_DISK_A_DISK_FLUSHES,	/* NLA_U8 */
	DUET_DISK_A_DISK_DRAIN,		/* NLA_U8 */
	DUET_DISK_A_MD_FLUSHES,		/* NLA_U8 */
	DUET_DISK_A_DISK_TIMEOUT,	/* NLA_U32: 0.1 s, 0 = off */
	DUET_DISK_A_READ_BALANCING,	/* NLA_U32: enum duet_read_balancing */
	DUET_DISK_A_MAX_BIO_BVECS,	/* NLA_U32: 0 = no limit */
	__DUET_DISK_A_MAX
};
#define DUET_DISK_A_MAX (__DUET_DISK_A_MAX - 1)

/* An address, nested in DUET_NET_A_LOCAL_ADDR and DUET_NET_A_PEER_ADDR. */
enum duet_addr_attr {
	DUET_ADDR_A_UNSPEC = 0,
	DUET_ADDR_A_FAMILY,	/* NLA_U16: AF_INET or AF_INET6 */
	DUET_ADDR_A_IP,		/* NLA_BINARY, 4 or 16 bytes, network order */
	DUET_ADDR_A_PORT,	/* NLA_U16: host byte order */
	__DUET_ADDR_A_MAX
};
#define DUET_ADDR_A_MAX (__DUET_ADDR_A_MAX - 1)

/* DUET_A_NET_CONF: both "address" lines and the "net" section. */
enum duet_net_attr {
	DUET_NET_A_UNSPEC = 0,
	DUET_NET_A_LOCAL_ADDR,		/* NLA_NESTED: enum duet_addr_attr */
	DUET_NET_A_PEER_ADDR,		/* NLA_NESTED: enum duet_addr_attr */
	DUET_NET_A_PROTOCOL,		/* NLA_U32: enum duet_protocol */
	DUET_NET_A_CRAM_HMAC_ALG,	/* NLA_NUL_STRING, DUET_ALG_MAX */
	DUET_NET_A_SHARED_SECRET,	/* NLA_NUL_STRING, DUET_SECRET_MAX */
	DUET_NET_A_AFTER_SB_0P,		/* NLA_U32: enum duet_after_sb */
	DUET_NET_A_AFTER_SB_1P,		/* NLA_U32: enum duet_after_sb */
	DUET_NET_A_AFTER_SB_2P,		/* NLA_U32: enum duet_after_sb */
	DUET_NET_A_RR_CONFLICT,		/* NLA_U32: enum duet_rr_conflict */
	DUET_NET_A_ALWAYS_ASBP,		/* NLA_U8 */
	DUET_NET_A_TWO_PRIMARIES,	/* NLA_U8 */
	DUET_NET_A_TIMEOUT,		/* NLA_U32: 0.1 s */
	DUET_NET_A_CONNECT_INT,		/* NLA_U32: s */
	DUET_NET_A_PING_INT,		/* NLA_U32: s */
	DUET_NET_A_PING_TIMEOUT,	/* NLA_U32: 0.1 s */
	DUET_NET_A_KO_COUNT,		/* NLA_U32 */
	DUET_NET_A_MAX_BUFFERS,		/* NLA_U32: pages */
	DUET_NET_A_MAX_EPOCH_SIZE,	/* NLA_U32: writes */
	DUET_NET_A_UNPLUG_WATERMARK,	/* NLA_U32 */
	DUET_NET_A_SNDBUF_SIZE,		/* NLA_U32: bytes, 0 = autotune */
	DUET_NET_A_RCVBUF_SIZE,		/* NLA_U32: bytes, 0 = autotune */
	DUET_NET_A_TCP_CORK,		/* NLA_U8 */
	DUET_NET_A_DATA_INTEGRITY_ALG,	/* NLA_NUL_STRING, DUET_ALG_MAX */
	DUET_NET_A_VERIFY_ALG,		/* NLA_NUL_STRING, DUET_ALG_MAX */
	DUET_NET_A_CSUMS_ALG,		/* NLA_NUL_STRING, DUET_ALG_MAX */
	DUET_NET_A_USE_RLE,		/* NLA_U8 */
	DUET_NET_A_ON_CONGESTION,	/* NLA_U32: enum duet_on_congestion */
	DUET_NET_A_CONG_FILL,		/* NLA_U32: sectors */
	DUET_NET_A_CONG_EXTENTS,	/* NLA_U32 */
	__DUET_NET_A_MAX
};
#define DUET_NET_A_MAX (__DUET_NET_A_MAX - 1)

/* DUET_A_FLAGS: one-shot flags of a request. */
enum duet_flag_attr {
	DUET_FLAG_A_UNSPEC = 0,
	DUET_FLAG_A_FORCE,		/* NLA_FLAG: primary/detach/disconnect */
	DUET_FLAG_A_DISCARD_MY_DATA,	/* NLA_FLAG: connect */
	DUET_FLAG_A_CLEAR_BITMAP,	/* NLA_FLAG: new-current-uuid */
	__DUET_FLAG_A_MAX
};
#define DUET_FLAG_A_MAX (__DUET_FLAG_A_MAX - 1)

/*
 * DUET_A_STATE: enum values are those of kmod/core/state.h (DRBD 8.4's
 * numbering); the names are the ones /proc/duet prints.
 */
enum duet_state_attr {
	DUET_STATE_A_UNSPEC = 0,
	DUET_STATE_A_ROLE,		/* NLA_U32: enum duet_role */
	DUET_STATE_A_PEER_ROLE,		/* NLA_U32: enum duet_role */
	DUET_STATE_A_CONN,		/* NLA_U32: enum duet_conn */
	DUET_STATE_A_DISK,		/* NLA_U32: enum duet_disk */
	DUET_STATE_A_PEER_DISK,		/* NLA_U32: enum duet_disk */
	DUET_STATE_A_SUSP,		/* NLA_U8: I/O suspended by user */
	DUET_STATE_A_SUSP_NOD,		/* NLA_U8: no data accessible */
	DUET_STATE_A_SUSP_FEN,		/* NLA_U8: fence-peer running */
	DUET_STATE_A_AFTR_ISP,		/* NLA_U8: paused, resync-after */
	DUET_STATE_A_PEER_ISP,		/* NLA_U8: paused by the peer */
	DUET_STATE_A_USER_ISP,		/* NLA_U8: paused by pause-sync */
	DUET_STATE_A_PROTOCOL,		/* NLA_U32: enum duet_protocol */
	__DUET_STATE_A_MAX
};
#define DUET_STATE_A_MAX (__DUET_STATE_A_MAX - 1)

/* DUET_A_STATS: /proc/drbd's counters (KiB unless noted) and resync. */
enum duet_stats_attr {
	DUET_STATS_A_UNSPEC = 0,
	DUET_STATS_A_NS,		/* NLA_U64: network send */
	DUET_STATS_A_NR,		/* NLA_U64: network receive */
	DUET_STATS_A_DW,		/* NLA_U64: disk write */
	DUET_STATS_A_DR,		/* NLA_U64: disk read */
	DUET_STATS_A_AL,		/* NLA_U64: activity log updates */
	DUET_STATS_A_BM,		/* NLA_U64: bitmap updates */
	DUET_STATS_A_LO,		/* NLA_U32: local requests open */
	DUET_STATS_A_PE,		/* NLA_U32: pending at the peer */
	DUET_STATS_A_UA,		/* NLA_U32: unacknowledged */
	DUET_STATS_A_AP,		/* NLA_U32: application requests */
	DUET_STATS_A_EP,		/* NLA_U32: epochs */
	DUET_STATS_A_WO,		/* NLA_U32: write ordering 'b' 'f' 'd' 'n' */
	DUET_STATS_A_OOS,		/* NLA_U64: out of sync */
	DUET_STATS_A_RS_TOTAL,		/* NLA_U64: resync total */
	DUET_STATS_A_RS_LEFT,		/* NLA_U64: resync left */
	DUET_STATS_A_RS_SPEED,		/* NLA_U32: KiB/s, recent */
	DUET_STATS_A_RS_SPEED_AVG,	/* NLA_U32: KiB/s, since start */
	DUET_STATS_A_RS_ETA,		/* NLA_U32: seconds left */
	__DUET_STATS_A_MAX
};
#define DUET_STATS_A_MAX (__DUET_STATS_A_MAX - 1)

/* DUET_A_REPLY: the result of a request. */
enum duet_reply_attr {
	DUET_REPLY_A_UNSPEC = 0,
	DUET_REPLY_A_RETCODE,	/* NLA_U32: enum duet_retcode */
	DUET_REPLY_A_INFO,	/* NLA_NUL_STRING, DUET_INFO_MAX: for humans */
	__DUET_REPLY_A_MAX
};
#define DUET_REPLY_A_MAX (__DUET_REPLY_A_MAX - 1)

/* DUET_A_EVENT: carried by DUET_CMD_STATE_EVENT. */
enum duet_event_attr {
	DUET_EVENT_A_UNSPEC = 0,
	DUET_EVENT_A_TYPE,	/* NLA_U32: enum duet_event_type */
	DUET_EVENT_A_SEQ,	/* NLA_U32: increases by one per event */
	__DUET_EVENT_A_MAX
};
#define DUET_EVENT_A_MAX (__DUET_EVENT_A_MAX - 1)

enum duet_event_type {
	DUET_EV_CHANGE = 0,	/* a state changed */
	DUET_EV_CREATE,		/* a minor was created */
	DUET_EV_DESTROY,	/* a minor was deleted */
};

/* Results in DUET_REPLY_A_RETCODE. */
enum duet_retcode {
	DUET_RET_OK = 0,
	DUET_RET_INVALID,		/* bad or missing attribute value */
	DUET_RET_NOMEM,
	DUET_RET_NO_RESOURCE,		/* unknown resource name */
	DUET_RET_RESOURCE_EXISTS,
	DUET_RET_RESOURCE_IN_USE,	/* still has minors */
	DUET_RET_NO_MINOR,		/* unknown minor */
	DUET_RET_MINOR_EXISTS,
	DUET_RET_OPEN_DISK,		/* cannot open the backing disk */
	DUET_RET_OPEN_MD,		/* cannot open the meta device */
	DUET_RET_DISK_IN_USE,		/* claimed by another minor */
	DUET_RET_DISK_TOO_SMALL,
	DUET_RET_MD_TOO_SMALL,
	DUET_RET_MD_INVALID,		/* no valid meta-data: create-md */
	DUET_RET_MD_UNCLEAN,		/* activity log must be applied */
	DUET_RET_ATTACHED,		/* already has a disk */
	DUET_RET_NOT_ATTACHED,
	DUET_RET_NET_CONFIGURED,	/* already connecting/connected */
	DUET_RET_NOT_CONNECTED,
	DUET_RET_BAD_ADDR,
	DUET_RET_ADDR_IN_USE,
	DUET_RET_BAD_ALG,		/* unknown hash algorithm */
	/* refused state changes (DRBD's SS_* family) */
	DUET_RET_NEED_UP_TO_DATE,	/* no access to UpToDate data */
	DUET_RET_TWO_PRIMARIES,
	DUET_RET_DEVICE_IN_USE,		/* open; cannot demote or detach */
	DUET_RET_PRIMARY_NOP,		/* fencing: peer not outdated */
	DUET_RET_PEER_REFUSED,		/* cluster-wide change refused */
	DUET_RET_TIMEOUT,		/* cluster-wide change timed out */
	DUET_RET_INTERNAL,
	__DUET_RET_MAX
};

/* Option values. */
enum duet_protocol {
	DUET_PROT_A = 1,
	DUET_PROT_B = 2,
	DUET_PROT_C = 3,
};

enum duet_on_io_error {
	DUET_IOERR_PASS_ON = 0,
	DUET_IOERR_CALL_HANDLER,	/* call-local-io-error */
	DUET_IOERR_DETACH,
};

/* The same values as enum duet_fencing of kmod/core/sm.h. */
enum duet_fencing_policy {
	DUET_FEN_DONT_CARE = 0,
	DUET_FEN_RESOURCE_ONLY,
	DUET_FEN_RESOURCE_AND_STONITH,
};

enum duet_after_sb {
	DUET_ASB_DISCONNECT = 0,
	DUET_ASB_DISCARD_YOUNGER_PRI,
	DUET_ASB_DISCARD_OLDER_PRI,
	DUET_ASB_DISCARD_ZERO_CHG,
	DUET_ASB_DISCARD_LEAST_CHG,
	DUET_ASB_DISCARD_LOCAL,
	DUET_ASB_DISCARD_REMOTE,
	DUET_ASB_CONSENSUS,
	DUET_ASB_DISCARD_SECONDARY,
	DUET_ASB_CALL_HELPER,		/* call-pri-lost-after-sb */
	DUET_ASB_VIOLENTLY,		/* violently-as0p */
};

enum duet_rr_conflict {
	DUET_RR_DISCONNECT = 0,
	DUET_RR_CALL_HELPER,		/* call-pri-lost */
	DUET_RR_VIOLENTLY,
};

enum duet_on_congestion {
	DUET_OC_BLOCK = 0,
	DUET_OC_PULL_AHEAD,
	DUET_OC_DISCONNECT,
};

enum duet_on_no_data {
	DUET_OND_IO_ERROR = 0,
	DUET_OND_SUSPEND_IO,
};

enum duet_read_balancing {
	DUET_RB_PREFER_LOCAL = 0,
	DUET_RB_PREFER_REMOTE,
	DUET_RB_ROUND_ROBIN,
	DUET_RB_LEAST_PENDING,
	DUET_RB_CONGESTED_REMOTE,	/* when-congested-remote */
	DUET_RB_32K_STRIPING,
	DUET_RB_64K_STRIPING,
	DUET_RB_128K_STRIPING,
	DUET_RB_256K_STRIPING,
	DUET_RB_512K_STRIPING,
	DUET_RB_1M_STRIPING,
};

#endif /* _UAPI_LINUX_DUET_GENL_H */
