/* duetadm: the schema of kmod/uapi/duet_genl.h, see adm_schema.h. */
#include "daemon/adm_schema.h"

#include <sys/socket.h>

#include "daemon/dconf/options.h"
#include "kmod/core/state.h"
#include "kmod/uapi/duet_genl.h"

#define VN_OPT(fn, opt) \
	static const char *fn(int64_t v) { return dconf_enum_name(opt, v); }

VN_OPT(vn_bool, DCONF_O_TCP_CORK)
VN_OPT(vn_protocol, DCONF_O_PROTOCOL)
VN_OPT(vn_asb0, DCONF_O_AFTER_SB_0PRI)
VN_OPT(vn_asb1, DCONF_O_AFTER_SB_1PRI)
VN_OPT(vn_asb2, DCONF_O_AFTER_SB_2PRI)
VN_OPT(vn_rr, DCONF_O_RR_CONFLICT)
VN_OPT(vn_cong, DCONF_O_ON_CONGESTION)
VN_OPT(vn_ioerr, DCONF_O_ON_IO_ERROR)
VN_OPT(vn_fencing, DCONF_O_FENCING)
VN_OPT(vn_rb, DCONF_O_READ_BALANCING)
VN_OPT(vn_ond, DCONF_O_ON_NO_DATA_ACCESSIBLE)

static const char *vn_role(int64_t v) { return duet_role_str((enum duet_role)v); }
static const char *vn_conn(int64_t v) { return duet_conn_str((enum duet_conn)v); }
static const char *vn_disk(int64_t v) { return duet_disk_str((enum duet_disk)v); }

static const char *vn_family(int64_t v)
{
	return v == AF_INET ? "AF_INET" : v == AF_INET6 ? "AF_INET6" : NULL;
}

static const char *vn_md_idx(int64_t v)
{
	return v == DUET_MD_IDX_INTERNAL ? "internal" :
	       v == DUET_MD_IDX_FLEX_EXT ? "flexible" : NULL;
}

static const char *vn_wo(int64_t v)
{
	switch (v) {
	case 'b': return "b";
	case 'f': return "f";
	case 'd': return "d";
	case 'n': return "n";
	default: return NULL;
	}
}

static const char *vn_event(int64_t v)
{
	switch (v) {
	case DUET_EV_CHANGE: return "change";
	case DUET_EV_CREATE: return "create";
	case DUET_EV_DESTROY: return "destroy";
	default: return NULL;
	}
}

static const char *vn_retcode(int64_t v)
{
	return adm_retcode_str((uint32_t)v);
}

#define A(id, n, k) [id] = { .name = n, .kind = ADM_K_##k }
#define AV(id, n, k, fn) [id] = { .name = n, .kind = ADM_K_##k, .valname = fn }
#define AS(id, n, len) [id] = { .name = n, .kind = ADM_K_STR, .maxlen = len }
#define AN(id, n, set) [id] = { .name = n, .kind = ADM_K_NEST, .nest = &set }
#define SET(var, n, maxv, arr) \
	static const struct adm_set var = { n, maxv, arr }

static const struct adm_attrdef ctx_attrs[] = {
	AS(DUET_CTX_A_RES_NAME, "res-name", DUET_NAME_MAX),
	A(DUET_CTX_A_VOLUME, "volume", U32),
	A(DUET_CTX_A_MINOR, "minor", U32),
};
SET(set_ctx, "ctx", DUET_CTX_A_MAX, ctx_attrs);

static const struct adm_attrdef res_attrs[] = {
	AS(DUET_RES_A_CPU_MASK, "cpu-mask", DUET_CPU_MASK_MAX),
	AV(DUET_RES_A_ON_NO_DATA, "on-no-data-accessible", U32, vn_ond),
};
SET(set_res, "res-opts", DUET_RES_A_MAX, res_attrs);

static const struct adm_attrdef dev_attrs[] = {
	AS(DUET_DEV_A_PATH, "path", DUET_PATH_MAX),
};
SET(set_dev, "device-conf", DUET_DEV_A_MAX, dev_attrs);

static const struct adm_attrdef disk_attrs[] = {
	AS(DUET_DISK_A_BACKING_DEV, "backing-dev", DUET_PATH_MAX),
	AS(DUET_DISK_A_META_DEV, "meta-dev", DUET_PATH_MAX),
	AV(DUET_DISK_A_META_IDX, "meta-idx", S32, vn_md_idx),
	AV(DUET_DISK_A_ON_IO_ERROR, "on-io-error", U32, vn_ioerr),
	AV(DUET_DISK_A_FENCING, "fencing", U32, vn_fencing),
	A(DUET_DISK_A_SIZE, "size", U64),
	A(DUET_DISK_A_RESYNC_RATE, "resync-rate", U32),
	A(DUET_DISK_A_RESYNC_AFTER, "resync-after", S32),
	A(DUET_DISK_A_AL_EXTENTS, "al-extents", U32),
	AV(DUET_DISK_A_AL_UPDATES, "al-updates", U8, vn_bool),
	A(DUET_DISK_A_C_PLAN_AHEAD, "c-plan-ahead", U32),
	A(DUET_DISK_A_C_DELAY_TARGET, "c-delay-target", U32),
	A(DUET_DISK_A_C_FILL_TARGET, "c-fill-target", U32),
	A(DUET_DISK_A_C_MAX_RATE, "c-max-rate", U32),
	A(DUET_DISK_A_C_MIN_RATE, "c-min-rate", U32),
	AV(DUET_DISK_A_DISK_BARRIER, "disk-barrier", U8, vn_bool),
	AV(DUET_DISK_A_DISK_FLUSHES, "disk-flushes", U8, vn_bool),
	AV(DUET_DISK_A_DISK_DRAIN, "disk-drain", U8, vn_bool),
	AV(DUET_DISK_A_MD_FLUSHES, "md-flushes", U8, vn_bool),
	A(DUET_DISK_A_DISK_TIMEOUT, "disk-timeout", U32),
	AV(DUET_DISK_A_READ_BALANCING, "read-balancing", U32, vn_rb),
	A(DUET_DISK_A_MAX_BIO_BVECS, "max-bio-bvecs", U32),
};
SET(set_disk, "disk-conf", DUET_DISK_A_MAX, disk_attrs);

static const struct adm_attrdef addr_attrs[] = {
	AV(DUET_ADDR_A_FAMILY, "family", U16, vn_family),
	[DUET_ADDR_A_IP] = { .name = "ip", .kind = ADM_K_BIN, .maxlen = 16 },
	A(DUET_ADDR_A_PORT, "port", U16),
};
SET(set_addr, "addr", DUET_ADDR_A_MAX, addr_attrs);

static const struct adm_attrdef net_attrs[] = {
	AN(DUET_NET_A_LOCAL_ADDR, "local-addr", set_addr),
	AN(DUET_NET_A_PEER_ADDR, "peer-addr", set_addr),
	AV(DUET_NET_A_PROTOCOL, "protocol", U32, vn_protocol),
	AS(DUET_NET_A_CRAM_HMAC_ALG, "cram-hmac-alg", DUET_ALG_MAX),
	[DUET_NET_A_SHARED_SECRET] = { .name = "shared-secret", .kind = ADM_K_STR,
				       .maxlen = DUET_SECRET_MAX, .secret = true },
	AV(DUET_NET_A_AFTER_SB_0P, "after-sb-0pri", U32, vn_asb0),
	AV(DUET_NET_A_AFTER_SB_1P, "after-sb-1pri", U32, vn_asb1),
	AV(DUET_NET_A_AFTER_SB_2P, "after-sb-2pri", U32, vn_asb2),
	AV(DUET_NET_A_RR_CONFLICT, "rr-conflict", U32, vn_rr),
	AV(DUET_NET_A_ALWAYS_ASBP, "always-asbp", U8, vn_bool),
	AV(DUET_NET_A_TWO_PRIMARIES, "allow-two-primaries", U8, vn_bool),
	A(DUET_NET_A_TIMEOUT, "timeout", U32),
	A(DUET_NET_A_CONNECT_INT, "connect-int", U32),
	A(DUET_NET_A_PING_INT, "ping-int", U32),
	A(DUET_NET_A_PING_TIMEOUT, "ping-timeout", U32),
	A(DUET_NET_A_KO_COUNT, "ko-count", U32),
	A(DUET_NET_A_MAX_BUFFERS, "max-buffers", U32),
	A(DUET_NET_A_MAX_EPOCH_SIZE, "max-epoch-size", U32),
	A(DUET_NET_A_UNPLUG_WATERMARK, "unplug-watermark", U32),
	A(DUET_NET_A_SNDBUF_SIZE, "sndbuf-size", U32),
	A(DUET_NET_A_RCVBUF_SIZE, "rcvbuf-size", U32),
	AV(DUET_NET_A_TCP_CORK, "tcp-cork", U8, vn_bool),
	AS(DUET_NET_A_DATA_INTEGRITY_ALG, "data-integrity-alg", DUET_ALG_MAX),
	AS(DUET_NET_A_VERIFY_ALG, "verify-alg", DUET_ALG_MAX),
	AS(DUET_NET_A_CSUMS_ALG, "csums-alg", DUET_ALG_MAX),
	AV(DUET_NET_A_USE_RLE, "use-rle", U8, vn_bool),
	AV(DUET_NET_A_ON_CONGESTION, "on-congestion", U32, vn_cong),
	A(DUET_NET_A_CONG_FILL, "congestion-fill", U32),
	A(DUET_NET_A_CONG_EXTENTS, "congestion-extents", U32),
};
SET(set_net, "net-conf", DUET_NET_A_MAX, net_attrs);

static const struct adm_attrdef flag_attrs[] = {
	A(DUET_FLAG_A_FORCE, "force", FLAG),
	A(DUET_FLAG_A_DISCARD_MY_DATA, "discard-my-data", FLAG),
	A(DUET_FLAG_A_CLEAR_BITMAP, "clear-bitmap", FLAG),
};
SET(set_flags, "flags", DUET_FLAG_A_MAX, flag_attrs);

static const struct adm_attrdef state_attrs[] = {
	AV(DUET_STATE_A_ROLE, "role", U32, vn_role),
	AV(DUET_STATE_A_PEER_ROLE, "peer-role", U32, vn_role),
	AV(DUET_STATE_A_CONN, "conn", U32, vn_conn),
	AV(DUET_STATE_A_DISK, "disk", U32, vn_disk),
	AV(DUET_STATE_A_PEER_DISK, "peer-disk", U32, vn_disk),
	A(DUET_STATE_A_SUSP, "susp", U8),
	A(DUET_STATE_A_SUSP_NOD, "susp-nod", U8),
	A(DUET_STATE_A_SUSP_FEN, "susp-fen", U8),
	A(DUET_STATE_A_AFTR_ISP, "aftr-isp", U8),
	A(DUET_STATE_A_PEER_ISP, "peer-isp", U8),
	A(DUET_STATE_A_USER_ISP, "user-isp", U8),
	AV(DUET_STATE_A_PROTOCOL, "protocol", U32, vn_protocol),
};
SET(set_state, "state", DUET_STATE_A_MAX, state_attrs);

static const struct adm_attrdef stats_attrs[] = {
	A(DUET_STATS_A_NS, "ns", U64),
	A(DUET_STATS_A_NR, "nr", U64),
	A(DUET_STATS_A_DW, "dw", U64),
	A(DUET_STATS_A_DR, "dr", U64),
	A(DUET_STATS_A_AL, "al", U64),
	A(DUET_STATS_A_BM, "bm", U64),
	A(DUET_STATS_A_LO, "lo", U32),
	A(DUET_STATS_A_PE, "pe", U32),
	A(DUET_STATS_A_UA, "ua", U32),
	A(DUET_STATS_A_AP, "ap", U32),
	A(DUET_STATS_A_EP, "ep", U32),
	AV(DUET_STATS_A_WO, "wo", U32, vn_wo),
	A(DUET_STATS_A_OOS, "oos", U64),
	A(DUET_STATS_A_RS_TOTAL, "rs-total", U64),
	A(DUET_STATS_A_RS_LEFT, "rs-left", U64),
	A(DUET_STATS_A_RS_SPEED, "rs-speed", U32),
	A(DUET_STATS_A_RS_SPEED_AVG, "rs-speed-avg", U32),
	A(DUET_STATS_A_RS_ETA, "rs-eta", U32),
};
SET(set_stats, "stats", DUET_STATS_A_MAX, stats_attrs);

static const struct adm_attrdef reply_attrs[] = {
	AV(DUET_REPLY_A_RETCODE, "retcode", U32, vn_retcode),
	AS(DUET_REPLY_A_INFO, "info", DUET_INFO_MAX),
};
SET(set_reply, "reply", DUET_REPLY_A_MAX, reply_attrs);

static const struct adm_attrdef event_attrs[] = {
	AV(DUET_EVENT_A_TYPE, "type", U32, vn_event),
	A(DUET_EVENT_A_SEQ, "seq", U32),
};
SET(set_event, "event", DUET_EVENT_A_MAX, event_attrs);

static const struct adm_attrdef top_attrs[] = {
	AN(DUET_A_CTX, "ctx", set_ctx),
	AN(DUET_A_RES_OPTS, "res-opts", set_res),
	AN(DUET_A_DEVICE_CONF, "device-conf", set_dev),
	AN(DUET_A_DISK_CONF, "disk-conf", set_disk),
	AN(DUET_A_NET_CONF, "net-conf", set_net),
	AN(DUET_A_FLAGS, "flags", set_flags),
	AN(DUET_A_STATE, "state", set_state),
	AN(DUET_A_STATS, "stats", set_stats),
	AN(DUET_A_REPLY, "reply", set_reply),
	AN(DUET_A_EVENT, "event", set_event),
};
const struct adm_set adm_set_top = { "", DUET_A_MAX, top_attrs };

/* Each set's array must cover every attribute the header defines. */
_Static_assert(sizeof(ctx_attrs) / sizeof(ctx_attrs[0]) == DUET_CTX_A_MAX + 1, "ctx");
_Static_assert(sizeof(res_attrs) / sizeof(res_attrs[0]) == DUET_RES_A_MAX + 1, "res");
_Static_assert(sizeof(dev_attrs) / sizeof(dev_attrs[0]) == DUET_DEV_A_MAX + 1, "dev");
_Static_assert(sizeof(disk_attrs) / sizeof(disk_attrs[0]) == DUET_DISK_A_MAX + 1, "disk");
_Static_assert(sizeof(addr_attrs) / sizeof(addr_attrs[0]) == DUET_ADDR_A_MAX + 1, "addr");
_Static_assert(sizeof(net_attrs) / sizeof(net_attrs[0]) == DUET_NET_A_MAX + 1, "net");
_Static_assert(sizeof(flag_attrs) / sizeof(flag_attrs[0]) == DUET_FLAG_A_MAX + 1, "flags");
_Static_assert(sizeof(state_attrs) / sizeof(state_attrs[0]) == DUET_STATE_A_MAX + 1, "state");
_Static_assert(sizeof(stats_attrs) / sizeof(stats_attrs[0]) == DUET_STATS_A_MAX + 1, "stats");
_Static_assert(sizeof(reply_attrs) / sizeof(reply_attrs[0]) == DUET_REPLY_A_MAX + 1, "reply");
_Static_assert(sizeof(event_attrs) / sizeof(event_attrs[0]) == DUET_EVENT_A_MAX + 1, "event");
_Static_assert(sizeof(top_attrs) / sizeof(top_attrs[0]) == DUET_A_MAX + 1, "top");

const struct adm_set *adm_set_of(int top_attr)
{
	const struct adm_attrdef *d = adm_attrdef(&adm_set_top, top_attr);

	return d ? d->nest : NULL;
}

const struct adm_attrdef *adm_attrdef(const struct adm_set *set, int type)
{
	if (!set || type <= 0 || type > set->max || !set->attrs[type].name)
		return NULL;
	return &set->attrs[type];
}

const char *adm_cmd_name(int cmd)
{
	static const char *const names[] = {
		[DUET_CMD_GET_STATUS] = "GET_STATUS",
		[DUET_CMD_GET_CONFIG] = "GET_CONFIG",
		[DUET_CMD_NEW_RESOURCE] = "NEW_RESOURCE",
		[DUET_CMD_DEL_RESOURCE] = "DEL_RESOURCE",
		[DUET_CMD_NEW_MINOR] = "NEW_MINOR",
		[DUET_CMD_DEL_MINOR] = "DEL_MINOR",
		[DUET_CMD_DOWN] = "DOWN",
		[DUET_CMD_ATTACH] = "ATTACH",
		[DUET_CMD_DETACH] = "DETACH",
		[DUET_CMD_DISK_OPTS] = "DISK_OPTS",
		[DUET_CMD_CONNECT] = "CONNECT",
		[DUET_CMD_DISCONNECT] = "DISCONNECT",
		[DUET_CMD_NET_OPTS] = "NET_OPTS",
		[DUET_CMD_RES_OPTS] = "RES_OPTS",
		[DUET_CMD_PRIMARY] = "PRIMARY",
		[DUET_CMD_SECONDARY] = "SECONDARY",
		[DUET_CMD_INVALIDATE] = "INVALIDATE",
		[DUET_CMD_INVALIDATE_REMOTE] = "INVALIDATE_REMOTE",
		[DUET_CMD_OUTDATE] = "OUTDATE",
		[DUET_CMD_PAUSE_SYNC] = "PAUSE_SYNC",
		[DUET_CMD_RESUME_SYNC] = "RESUME_SYNC",
		[DUET_CMD_STATE_EVENT] = "STATE_EVENT",
		[DUET_CMD_NEW_C_UUID] = "NEW_C_UUID",
		[DUET_CMD_PEER_DEAD] = "PEER_DEAD",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == DUET_CMD_MAX + 1, "cmds");

	if (cmd <= 0 || cmd > DUET_CMD_MAX)
		return NULL;
	return names[cmd];
}

const char *adm_retcode_str(uint32_t rc)
{
	static const char *const text[] = {
		[DUET_RET_OK] = "success",
		[DUET_RET_INVALID] = "invalid or missing parameter",
		[DUET_RET_NOMEM] = "out of memory in the kernel",
		[DUET_RET_NO_RESOURCE] = "unknown resource",
		[DUET_RET_RESOURCE_EXISTS] = "resource exists already",
		[DUET_RET_RESOURCE_IN_USE] = "resource still has minors",
		[DUET_RET_NO_MINOR] = "unknown minor",
		[DUET_RET_MINOR_EXISTS] = "minor exists already",
		[DUET_RET_OPEN_DISK] = "cannot open the backing disk",
		[DUET_RET_OPEN_MD] = "cannot open the meta-data device",
		[DUET_RET_DISK_IN_USE] = "disk is claimed by another minor",
		[DUET_RET_DISK_TOO_SMALL] = "backing disk too small",
		[DUET_RET_MD_TOO_SMALL] = "meta-data device too small",
		[DUET_RET_MD_INVALID] = "no valid meta-data signature found (use 'duetadm create-md')",
		[DUET_RET_MD_UNCLEAN] = "meta-data is unclean: the activity log must be applied",
		[DUET_RET_ATTACHED] = "a disk is attached already",
		[DUET_RET_NOT_ATTACHED] = "no disk attached",
		[DUET_RET_NET_CONFIGURED] = "network is configured already",
		[DUET_RET_NOT_CONNECTED] = "network is not configured",
		[DUET_RET_BAD_ADDR] = "bad address",
		[DUET_RET_ADDR_IN_USE] = "address in use",
		[DUET_RET_BAD_ALG] = "unknown hash algorithm",
		[DUET_RET_NEED_UP_TO_DATE] = "need access to UpToDate data",
		[DUET_RET_TWO_PRIMARIES] = "multiple primaries not allowed by config",
		[DUET_RET_DEVICE_IN_USE] = "device is held open by someone",
		[DUET_RET_PRIMARY_NOP] = "refusing to be primary while the peer is not outdated",
		[DUET_RET_PEER_REFUSED] = "state change was refused by the peer node",
		[DUET_RET_TIMEOUT] = "timeout in a cluster-wide state change",
		[DUET_RET_INTERNAL] = "internal error in the kernel module",
	};
	_Static_assert(sizeof(text) / sizeof(text[0]) == __DUET_RET_MAX, "retcodes");

	return rc < __DUET_RET_MAX ? text[rc] : NULL;
}
