// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the generic netlink family "duet" (uapi/duet_genl.h): every
 * control operation, and the "events" multicast group that announces each
 * state change so that tools react instead of polling.
 *
 * Attributes are validated by the policies below before a handler runs;
 * a malformed request gets a netlink error, a well-formed one that cannot
 * be carried out gets a reply with DUET_A_REPLY (retcode and a sentence).
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "duet.h"
#include "uapi/duet_genl.h"

static const struct nla_policy duet_ctx_policy[DUET_CTX_A_MAX + 1] = {
	[DUET_CTX_A_RES_NAME] = { .type = NLA_NUL_STRING, .len = DUET_NAME_MAX },
	[DUET_CTX_A_VOLUME] = { .type = NLA_U32 },
	[DUET_CTX_A_MINOR] = { .type = NLA_U32 },	/* range checked on use */
};

static const struct nla_policy duet_res_policy[DUET_RES_A_MAX + 1] = {
	[DUET_RES_A_CPU_MASK] = { .type = NLA_NUL_STRING, .len = DUET_CPU_MASK_MAX },
	[DUET_RES_A_ON_NO_DATA] = NLA_POLICY_MAX(NLA_U32, DUET_OND_SUSPEND_IO),
};

static const struct nla_policy duet_dev_policy[DUET_DEV_A_MAX + 1] = {
	[DUET_DEV_A_PATH] = { .type = NLA_NUL_STRING, .len = DUET_PATH_MAX },
};

/*
 * Ranges beyond s16 need a range structure (the inline bounds are s16);
 * not const, as 6.1's policy macros take a plain pointer.
 */
static struct netlink_range_validation_signed duet_md_idx_range = {
	.min = DUET_MD_IDX_FLEX_EXT, .max = DUET_MD_INDEX_MAX,
};

static struct netlink_range_validation duet_al_extents_range = {
	.min = 7, .max = 65534,
};

static const struct nla_policy duet_disk_policy[DUET_DISK_A_MAX + 1] = {
	[DUET_DISK_A_BACKING_DEV] = { .type = NLA_NUL_STRING, .len = DUET_PATH_MAX },
	[DUET_DISK_A_META_DEV] = { .type = NLA_NUL_STRING, .len = DUET_PATH_MAX },
	[DUET_DISK_A_META_IDX] = NLA_POLICY_FULL_RANGE_SIGNED(NLA_S32,
							      &duet_md_idx_range),
	[DUET_DISK_A_ON_IO_ERROR] = NLA_POLICY_MAX(NLA_U32, DUET_IOERR_DETACH),
	[DUET_DISK_A_FENCING] = NLA_POLICY_MAX(NLA_U32,
					       DUET_FEN_RESOURCE_AND_STONITH),
	[DUET_DISK_A_SIZE] = { .type = NLA_U64 },
	[DUET_DISK_A_RESYNC_RATE] = { .type = NLA_U32 },
	[DUET_DISK_A_RESYNC_AFTER] = { .type = NLA_S32 },
	[DUET_DISK_A_AL_EXTENTS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &duet_al_extents_range),
	[DUET_DISK_A_AL_UPDATES] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_DISK_A_C_PLAN_AHEAD] = { .type = NLA_U32 },
	[DUET_DISK_A_C_DELAY_TARGET] = { .type = NLA_U32 },
	[DUET_DISK_A_C_FILL_TARGET] = { .type = NLA_U32 },
	[DUET_DISK_A_C_MAX_RATE] = { .type = NLA_U32 },
	[DUET_DISK_A_C_MIN_RATE] = { .type = NLA_U32 },
	[DUET_DISK_A_DISK_BARRIER] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_DISK_A_DISK_FLUSHES] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_DISK_A_DISK_DRAIN] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_DISK_A_MD_FLUSHES] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_DISK_A_DISK_TIMEOUT] = { .type = NLA_U32 },
	[DUET_DISK_A_READ_BALANCING] = NLA_POLICY_MAX(NLA_U32, DUET_RB_1M_STRIPING),
	[DUET_DISK_A_MAX_BIO_BVECS] = { .type = NLA_U32 },
};

static const struct nla_policy duet_flag_policy[DUET_FLAG_A_MAX + 1] = {
	[DUET_FLAG_A_FORCE] = { .type = NLA_FLAG },
	[DUET_FLAG_A_DISCARD_MY_DATA] = { .type = NLA_FLAG },
	[DUET_FLAG_A_CLEAR_BITMAP] = { .type = NLA_FLAG },
};

/* Top level: each object is a nest, validated by its own policy. */
static const struct nla_policy duet_policy[DUET_A_MAX + 1] = {
	[DUET_A_CTX] = NLA_POLICY_NESTED(duet_ctx_policy),
	[DUET_A_RES_OPTS] = NLA_POLICY_NESTED(duet_res_policy),
	[DUET_A_DEVICE_CONF] = NLA_POLICY_NESTED(duet_dev_policy),
	[DUET_A_DISK_CONF] = NLA_POLICY_NESTED(duet_disk_policy),
	[DUET_A_NET_CONF] = { .type = NLA_NESTED },
	[DUET_A_FLAGS] = NLA_POLICY_NESTED(duet_flag_policy),
};

static struct genl_family duet_genl_family;

static const struct genl_multicast_group duet_mcgrps[] = {
	{ .name = DUET_GENL_MCGRP_EVENTS, },
};

static atomic_t duet_event_seq = ATOMIC_INIT(0);

/* A request, parsed: the nests that came with it. */
struct duet_req_ctx {
	struct genl_info *info;
	struct nlattr *ctx[DUET_CTX_A_MAX + 1];
	struct nlattr *res_opts[DUET_RES_A_MAX + 1];
	struct nlattr *dev_conf[DUET_DEV_A_MAX + 1];
	struct nlattr *disk[DUET_DISK_A_MAX + 1];
	struct nlattr *flags[DUET_FLAG_A_MAX + 1];
	char text[DUET_INFO_MAX + 1];
	struct duet_resource *res;	/* the command's resource, if any */
	struct duet_device *dev;	/* the command's minor, if any */
};

static int duet_nl_parse(struct duet_req_ctx *r, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->info = info;
	if (a[DUET_A_CTX])
		err = nla_parse_nested(r->ctx, DUET_CTX_A_MAX, a[DUET_A_CTX],
				       duet_ctx_policy, info->extack);
	if (!err && a[DUET_A_RES_OPTS])
		err = nla_parse_nested(r->res_opts, DUET_RES_A_MAX,
				       a[DUET_A_RES_OPTS], duet_res_policy,
				       info->extack);
	if (!err && a[DUET_A_DEVICE_CONF])
		err = nla_parse_nested(r->dev_conf, DUET_DEV_A_MAX,
				       a[DUET_A_DEVICE_CONF], duet_dev_policy,
				       info->extack);
	if (!err && a[DUET_A_DISK_CONF])
		err = nla_parse_nested(r->disk, DUET_DISK_A_MAX,
				       a[DUET_A_DISK_CONF], duet_disk_policy,
				       info->extack);
	if (!err && a[DUET_A_FLAGS])
		err = nla_parse_nested(r->flags, DUET_FLAG_A_MAX, a[DUET_A_FLAGS],
				       duet_flag_policy, info->extack);
	return err;
}

static int duet_nl_put_state(struct sk_buff *skb, struct duet_device *dev)
{
	struct duet_state s;
	struct duet_counters c;
	u64 oos;
	struct nlattr *n;

	spin_lock_irq(&dev->state_lock);
	s = dev->state;
	c = dev->ctr;
	oos = dev->bm_valid ? duet_bm_oos_kib(&dev->bm) : 0;
	spin_unlock_irq(&dev->state_lock);

	n = nla_nest_start(skb, DUET_A_CTX);
	if (!n || nla_put_string(skb, DUET_CTX_A_RES_NAME, dev->res->name) ||
	    nla_put_u32(skb, DUET_CTX_A_VOLUME, dev->volume) ||
	    nla_put_u32(skb, DUET_CTX_A_MINOR, dev->minor))
		return -EMSGSIZE;
	nla_nest_end(skb, n);

	n = nla_nest_start(skb, DUET_A_STATE);
	if (!n || nla_put_u32(skb, DUET_STATE_A_ROLE, s.role) ||
	    nla_put_u32(skb, DUET_STATE_A_PEER_ROLE, s.peer) ||
	    nla_put_u32(skb, DUET_STATE_A_CONN, s.conn) ||
	    nla_put_u32(skb, DUET_STATE_A_DISK, s.disk) ||
	    nla_put_u32(skb, DUET_STATE_A_PEER_DISK, s.pdsk) ||
	    nla_put_u8(skb, DUET_STATE_A_SUSP, s.susp) ||
	    nla_put_u8(skb, DUET_STATE_A_SUSP_NOD, s.susp_nod) ||
	    nla_put_u8(skb, DUET_STATE_A_SUSP_FEN, s.susp_fen) ||
	    nla_put_u8(skb, DUET_STATE_A_AFTR_ISP, s.aftr_isp) ||
	    nla_put_u8(skb, DUET_STATE_A_PEER_ISP, s.peer_isp) ||
	    nla_put_u8(skb, DUET_STATE_A_USER_ISP, s.user_isp))
		return -EMSGSIZE;
	nla_nest_end(skb, n);

	n = nla_nest_start(skb, DUET_A_STATS);
	if (!n ||
	    nla_put_u64_64bit(skb, DUET_STATS_A_NS, c.send_sect >> 1, 0) ||
	    nla_put_u64_64bit(skb, DUET_STATS_A_NR, c.recv_sect >> 1, 0) ||
	    nla_put_u64_64bit(skb, DUET_STATS_A_DW, c.writ_sect >> 1, 0) ||
	    nla_put_u64_64bit(skb, DUET_STATS_A_DR, c.read_sect >> 1, 0) ||
	    nla_put_u64_64bit(skb, DUET_STATS_A_AL, c.al_writes, 0) ||
	    nla_put_u64_64bit(skb, DUET_STATS_A_BM, c.bm_writes, 0) ||
	    nla_put_u32(skb, DUET_STATS_A_LO, c.local) ||
	    nla_put_u32(skb, DUET_STATS_A_PE, c.pending) ||
	    nla_put_u32(skb, DUET_STATS_A_UA, c.unacked) ||
	    nla_put_u32(skb, DUET_STATS_A_AP, c.app) ||
	    nla_put_u32(skb, DUET_STATS_A_EP, c.epochs) ||
	    nla_put_u32(skb, DUET_STATS_A_WO, c.wo) ||
	    nla_put_u64_64bit(skb, DUET_STATS_A_OOS, oos, 0))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

static int duet_nl_put_reply(struct sk_buff *skb, u32 retcode,
			     const char *text)
{
	struct nlattr *n = nla_nest_start(skb, DUET_A_REPLY);

	if (!n || nla_put_u32(skb, DUET_REPLY_A_RETCODE, retcode) ||
	    (text && text[0] && nla_put_string(skb, DUET_REPLY_A_INFO, text)))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

static int duet_nl_put_disk_conf(struct sk_buff *skb, struct duet_device *dev)
{
	struct nlattr *n = nla_nest_start(skb, DUET_A_DISK_CONF);
	int t, err = 0;

	if (!n || nla_put_u32(skb, DUET_DISK_A_ON_IO_ERROR, dev->on_io_error) ||
	    nla_put_u32(skb, DUET_DISK_A_FENCING, dev->fencing))
		return -EMSGSIZE;
	if (dev->backing.bdev &&
	    (nla_put_string(skb, DUET_DISK_A_BACKING_DEV, dev->backing_path) ||
	     nla_put_string(skb, DUET_DISK_A_META_DEV, dev->meta_path) ||
	     nla_put_s32(skb, DUET_DISK_A_META_IDX, dev->meta_idx) ||
	     nla_put_u32(skb, DUET_DISK_A_AL_EXTENTS, dev->sb.al_extents)))
		return -EMSGSIZE;
	for (t = 0; t <= DUET_DISK_A_MAX && !err; t++) {
		u64 v = dev->disk_opt[t];

		if (!(dev->disk_opt_set & BIT(t)))
			continue;
		switch (duet_disk_policy[t].type) {
		case NLA_U8:
			err = nla_put_u8(skb, t, v);
			break;
		case NLA_S32:
			err = nla_put_s32(skb, t, (s32)v);
			break;
		case NLA_U64:
			err = nla_put_u64_64bit(skb, t, v, DUET_DISK_A_UNSPEC);
			break;
		default:
			err = nla_put_u32(skb, t, v);
			break;
		}
	}
	if (err)
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

/*
 * GET_CONFIG of one minor (CTX, STATE, STATS, RES_OPTS, DEVICE_CONF,
 * DISK_CONF), or of a resource without minors (CTX, RES_OPTS); NET_CONF
 * when the resource has a link.
 */
static int duet_nl_put_config(struct sk_buff *skb, struct duet_resource *res,
			      struct duet_device *dev)
{
	struct nlattr *n;
	int err = 0;

	if (dev) {
		err = duet_nl_put_state(skb, dev);
	} else {
		n = nla_nest_start(skb, DUET_A_CTX);
		if (!n || nla_put_string(skb, DUET_CTX_A_RES_NAME, res->name))
			return -EMSGSIZE;
		nla_nest_end(skb, n);
	}
	if (err)
		return err;
	n = nla_nest_start(skb, DUET_A_RES_OPTS);
	if (!n || nla_put_string(skb, DUET_RES_A_CPU_MASK, res->cpu_mask) ||
	    nla_put_u32(skb, DUET_RES_A_ON_NO_DATA, res->on_no_data))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	if (res->link && duet_nl_net_put(skb, &res->link->nc))
		return -EMSGSIZE;
	if (!dev)
		return 0;
	if (dev->path[0]) {
		n = nla_nest_start(skb, DUET_A_DEVICE_CONF);
		if (!n || nla_put_string(skb, DUET_DEV_A_PATH, dev->path))
			return -EMSGSIZE;
		nla_nest_end(skb, n);
	}
	mutex_lock(&dev->conf_lock);
	err = duet_nl_put_disk_conf(skb, dev);
	mutex_unlock(&dev->conf_lock);
	return err;
}

/* Answer a GET_CONFIG request for @res's minor @dev (or @res alone). */
static int duet_nl_reply_config(struct duet_req_ctx *r, u32 retcode,
				struct duet_resource *res,
				struct duet_device *dev)
{
	struct genl_info *info = r->info;
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &duet_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr || duet_nl_put_reply(skb, retcode, r->text) ||
	    (res && duet_nl_put_config(skb, res, dev))) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

/* Answer a request with its retcode, and the device's state if given. */
static int duet_nl_reply(struct duet_req_ctx *r, u32 retcode,
			 struct duet_device *dev)
{
	struct genl_info *info = r->info;
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, &duet_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr || duet_nl_put_reply(skb, retcode, r->text) ||
	    (dev && duet_nl_put_state(skb, dev))) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

static u32 duet_nl_sm_retcode(enum duet_sm_rv rv)
{
	switch (rv) {
	case DUET_SS_TWO_PRIMARIES:
		return DUET_RET_TWO_PRIMARIES;
	case DUET_SS_NO_UP_TO_DATE_DISK:
		return DUET_RET_NEED_UP_TO_DATE;
	case DUET_SS_PRIMARY_NOP:
		return DUET_RET_PRIMARY_NOP;
	case DUET_SS_DEVICE_IN_USE:
		return DUET_RET_DEVICE_IN_USE;
	case DUET_SS_IS_DISKLESS:
	case DUET_SS_NO_LOCAL_DISK:
		return DUET_RET_NOT_ATTACHED;
	case DUET_SS_REFUSED_BY_PEER:
		return DUET_RET_PEER_REFUSED;
	default:
		return DUET_RET_INVALID;
	}
}

static struct duet_resource *duet_nl_res(struct duet_req_ctx *r)
{
	struct duet_resource *res = NULL;

	if (r->ctx[DUET_CTX_A_RES_NAME])
		res = duet_res_find(nla_data(r->ctx[DUET_CTX_A_RES_NAME]));
	if (!res)
		snprintf(r->text, sizeof(r->text), "unknown resource%s%s",
			 r->ctx[DUET_CTX_A_RES_NAME] ? " " : "",
			 r->ctx[DUET_CTX_A_RES_NAME] ?
			 (char *)nla_data(r->ctx[DUET_CTX_A_RES_NAME]) : "");
	return res;
}

static struct duet_device *duet_nl_dev(struct duet_req_ctx *r)
{
	struct duet_device *dev = NULL;

	if (r->ctx[DUET_CTX_A_MINOR])
		dev = duet_dev_find(nla_get_u32(r->ctx[DUET_CTX_A_MINOR]));
	if (!dev)
		snprintf(r->text, sizeof(r->text), "unknown minor");
	return dev;
}

/* ---- commands ------------------------------------------------------- */

static int duet_nl_check_res_name(struct duet_req_ctx *r)
{
	if (r->ctx[DUET_CTX_A_RES_NAME])
		return 0;
	NL_SET_ERR_MSG(r->info->extack, "resource name missing");
	return -EINVAL;
}

static int duet_nl_check_minor(struct duet_req_ctx *r)
{
	if (r->ctx[DUET_CTX_A_MINOR])
		return 0;
	NL_SET_ERR_MSG(r->info->extack, "minor missing");
	return -EINVAL;
}

static int duet_nl_check_attach(struct duet_req_ctx *r)
{
	if (!r->disk[DUET_DISK_A_BACKING_DEV] || !r->disk[DUET_DISK_A_META_IDX] ||
	    (!r->disk[DUET_DISK_A_META_DEV] &&
	     nla_get_s32(r->disk[DUET_DISK_A_META_IDX]) != DUET_MD_IDX_INTERNAL)) {
		NL_SET_ERR_MSG(r->info->extack,
			       "backing-dev, meta-dev or meta-idx missing");
		return -EINVAL;
	}
	return 0;
}

/*
 * Resource options: kept and reported by GET_CONFIG; this version has no
 * use for them yet (no peer to lose, no worker threads to pin).
 */
static void duet_nl_store_res_opts(struct duet_resource *res,
				   struct duet_req_ctx *r)
{
	if (r->res_opts[DUET_RES_A_CPU_MASK])
		nla_strscpy(res->cpu_mask, r->res_opts[DUET_RES_A_CPU_MASK],
			    sizeof(res->cpu_mask));
	if (r->res_opts[DUET_RES_A_ON_NO_DATA])
		res->on_no_data = nla_get_u32(r->res_opts[DUET_RES_A_ON_NO_DATA]);
}

static u32 duet_nl_new_resource(struct duet_req_ctx *r)
{
	struct duet_resource *res;
	int err = duet_res_create(nla_data(r->ctx[DUET_CTX_A_RES_NAME]), &res);

	if (err == -EEXIST)
		return DUET_RET_RESOURCE_EXISTS;
	if (err)
		return err == -ENOMEM ? DUET_RET_NOMEM : DUET_RET_INVALID;
	duet_nl_store_res_opts(res, r);
	return DUET_RET_OK;
}

static u32 duet_nl_res_opts(struct duet_req_ctx *r)
{
	duet_nl_store_res_opts(r->res, r);
	return DUET_RET_OK;
}

/*
 * The disk options without an effect yet, kept by attribute number as
 * their policy types them; on-io-error, fencing and al-extents live in
 * the device and are not kept here.
 */
static bool duet_nl_disk_opt_kept(int type)
{
	return type >= DUET_DISK_A_ON_IO_ERROR && type <= DUET_DISK_A_MAX &&
	       type != DUET_DISK_A_ON_IO_ERROR && type != DUET_DISK_A_FENCING &&
	       type != DUET_DISK_A_AL_EXTENTS;
}

static void duet_nl_store_disk_opts(struct duet_device *dev,
				    struct duet_req_ctx *r)
{
	int t;

	lockdep_assert_held(&dev->conf_lock);
	for (t = 0; t <= DUET_DISK_A_MAX; t++) {
		const struct nlattr *a = r->disk[t];
		u64 v;

		if (!a || !duet_nl_disk_opt_kept(t))
			continue;
		switch (duet_disk_policy[t].type) {
		case NLA_U8:
			v = nla_get_u8(a);
			break;
		case NLA_S32:
			v = (u64)(s64)nla_get_s32(a);
			break;
		case NLA_U64:
			v = nla_get_u64(a);
			break;
		default:
			v = nla_get_u32(a);
			break;
		}
		dev->disk_opt[t] = v;
		dev->disk_opt_set |= BIT(t);
	}
}

static u32 duet_nl_del_resource(struct duet_req_ctx *r)
{
	return duet_res_destroy(r->res) ? DUET_RET_RESOURCE_IN_USE : DUET_RET_OK;
}

static u32 duet_nl_new_minor(struct duet_req_ctx *r)
{
	int err;

	if (r->res->link) {
		snprintf(r->text, sizeof(r->text),
			 "%s: volumes are added while disconnected: disconnect first",
			 r->res->name);
		return DUET_RET_NET_CONFIGURED;
	}
	err = duet_dev_create(r->res,
			      r->ctx[DUET_CTX_A_VOLUME] ?
			      nla_get_u32(r->ctx[DUET_CTX_A_VOLUME]) : 0,
			      nla_get_u32(r->ctx[DUET_CTX_A_MINOR]),
			      r->dev_conf[DUET_DEV_A_PATH] ?
			      nla_data(r->dev_conf[DUET_DEV_A_PATH]) : NULL,
			      NULL);
	if (err == -EEXIST)
		return DUET_RET_MINOR_EXISTS;
	if (err == -EINVAL) {
		snprintf(r->text, sizeof(r->text), "minor out of range (0..%d)",
			 DUET_MAX_MINORS - 1);
		return DUET_RET_INVALID;
	}
	return err ? DUET_RET_NOMEM : DUET_RET_OK;
}

static u32 duet_nl_del_minor(struct duet_req_ctx *r)
{
	if (r->dev->res->link) {
		snprintf(r->text, sizeof(r->text),
			 "%s: disconnect first", r->dev->res->name);
		return DUET_RET_NET_CONFIGURED;
	}
	if (r->dev->backing.bdev)
		return DUET_RET_ATTACHED;
	return duet_dev_destroy(r->dev) ? DUET_RET_DEVICE_IN_USE : DUET_RET_OK;
}

static u32 duet_nl_attach(struct duet_req_ctx *r)
{
	struct duet_device *dev = r->dev;
	struct duet_attach_conf c = { };
	int err;

	c.backing = nla_data(r->disk[DUET_DISK_A_BACKING_DEV]);
	c.meta = r->disk[DUET_DISK_A_META_DEV] ?
		nla_data(r->disk[DUET_DISK_A_META_DEV]) : c.backing;
	c.meta_idx = nla_get_s32(r->disk[DUET_DISK_A_META_IDX]);
	c.on_io_error = r->disk[DUET_DISK_A_ON_IO_ERROR] ?
		nla_get_u32(r->disk[DUET_DISK_A_ON_IO_ERROR]) : DUET_IOERR_DETACH;
	c.fencing = r->disk[DUET_DISK_A_FENCING] ?
		nla_get_u32(r->disk[DUET_DISK_A_FENCING]) : DUET_FENCING_DONT_CARE;
	c.al_extents = r->disk[DUET_DISK_A_AL_EXTENTS] ?
		nla_get_u32(r->disk[DUET_DISK_A_AL_EXTENTS]) : 0;

	mutex_lock(&dev->conf_lock);
	err = duet_md_attach(dev, &c, r->text, sizeof(r->text));
	if (!err)
		duet_nl_store_disk_opts(dev, r);
	mutex_unlock(&dev->conf_lock);
	switch (err) {
	case 0:
		return DUET_RET_OK;
	case -EBUSY:
		return dev->backing.bdev ? DUET_RET_ATTACHED : DUET_RET_DISK_IN_USE;
	case -ENOSPC:
		return DUET_RET_MD_TOO_SMALL;
	case -EINVAL:
		return DUET_RET_MD_INVALID;
	case -ENOMEM:
		return DUET_RET_NOMEM;
	default:
		return DUET_RET_OPEN_DISK;
	}
}

static u32 duet_nl_detach(struct duet_req_ctx *r)
{
	struct duet_device *dev = r->dev;
	u32 ret = DUET_RET_OK;

	mutex_lock(&dev->conf_lock);
	if (!dev->backing.bdev) {
		ret = DUET_RET_NOT_ATTACHED;
	} else if (dev->open_cnt && dev->state.role == DUET_ROLE_PRIMARY) {
		/* no peer to read from yet: the data would vanish */
		snprintf(r->text, sizeof(r->text),
			 "the device is open and there is no peer to serve it");
		ret = DUET_RET_DEVICE_IN_USE;
	} else {
		duet_md_detach(dev, false);
	}
	mutex_unlock(&dev->conf_lock);
	return ret;
}

static const char * const duet_nl_ioerr_names[] = {
	[DUET_IOERR_PASS_ON] = "pass_on",
	[DUET_IOERR_CALL_HANDLER] = "call-local-io-error",
	[DUET_IOERR_DETACH] = "detach",
};

/*
 * Disk options of an attached or diskless minor. This version applies
 * on-io-error and fencing (at once, to the next error); al-extents is
 * sized at attach, so a different value is refused while attached. The
 * other disk options are kept and reported back, and have no effect
 * until resync and the activity log's tuning exist.
 */
static u32 duet_nl_disk_opts(struct duet_req_ctx *r)
{
	struct duet_device *dev = r->dev;
	unsigned long flags;
	u32 old_ioerr;

	mutex_lock(&dev->conf_lock);
	if (r->disk[DUET_DISK_A_AL_EXTENTS] && dev->backing.bdev &&
	    nla_get_u32(r->disk[DUET_DISK_A_AL_EXTENTS]) != dev->sb.al_extents) {
		snprintf(r->text, sizeof(r->text),
			 "%s: al-extents %u is in force until the next attach (asked for %u): detach, then attach",
			 dev->disk->disk_name, dev->sb.al_extents,
			 nla_get_u32(r->disk[DUET_DISK_A_AL_EXTENTS]));
		mutex_unlock(&dev->conf_lock);
		return DUET_RET_INVALID;
	}
	spin_lock_irqsave(&dev->state_lock, flags);
	old_ioerr = dev->on_io_error;
	if (r->disk[DUET_DISK_A_ON_IO_ERROR])
		dev->on_io_error = nla_get_u32(r->disk[DUET_DISK_A_ON_IO_ERROR]);
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (r->disk[DUET_DISK_A_FENCING])
		dev->fencing = nla_get_u32(r->disk[DUET_DISK_A_FENCING]);
	duet_nl_store_disk_opts(dev, r);
	if (old_ioerr != dev->on_io_error)
		pr_info("%s: on-io-error %s (was %s)\n", dev->disk->disk_name,
			duet_nl_ioerr_names[dev->on_io_error],
			duet_nl_ioerr_names[old_ioerr]);
	mutex_unlock(&dev->conf_lock);
	return DUET_RET_OK;
}

/* A role change of one volume; the refusal goes into r->text. */
static u32 duet_nl_set_role(struct duet_req_ctx *r, struct duet_device *dev,
			    enum duet_role role, bool force)
{
	enum duet_sm_rv rv;

	mutex_lock(&dev->conf_lock);
	rv = duet_dev_set_role(dev, role, force);
	mutex_unlock(&dev->conf_lock);
	if (rv >= 0) {
		duet_link_role_changed(dev, rv);
		return DUET_RET_OK;
	}
	snprintf(r->text, sizeof(r->text), "%s: %s", dev->disk->disk_name,
		 duet_sm_rv_str(rv));
	return duet_nl_sm_retcode(rv);
}

/* Roles apply to every volume of the resource. */
static u32 duet_nl_role(struct duet_req_ctx *r, enum duet_role role)
{
	bool force = r->flags[DUET_FLAG_A_FORCE] != NULL;
	struct duet_device *dev;
	u32 ret = DUET_RET_OK;

	list_for_each_entry(dev, &r->res->devices, res_list) {
		ret = duet_nl_set_role(r, dev, role, force);
		if (ret != DUET_RET_OK)
			break;
	}
	return ret;
}

static u32 duet_nl_primary(struct duet_req_ctx *r)
{
	return duet_nl_role(r, DUET_ROLE_PRIMARY);
}

static u32 duet_nl_secondary(struct duet_req_ctx *r)
{
	return duet_nl_role(r, DUET_ROLE_SECONDARY);
}

/* connect: the link starts; WFConnection until the peer answers. */
static u32 duet_nl_connect(struct duet_req_ctx *r)
{
	struct duet_net_conf nc;
	u32 ret;
	int err;

	if (r->res->link && !READ_ONCE(r->res->link->refused)) {
		snprintf(r->text, sizeof(r->text),
			 "%s: already connecting or connected (disconnect first)",
			 r->res->name);
		return DUET_RET_NET_CONFIGURED;
	}
	ret = duet_nl_net_conf(r->info->attrs[DUET_A_NET_CONF], &nc,
			       r->info->extack, r->text, sizeof(r->text));
	if (ret != DUET_RET_OK)
		return ret;
	nc.discard_my_data = r->flags[DUET_FLAG_A_DISCARD_MY_DATA] != NULL;
	/* a link left StandAlone by a refusal is replaced */
	duet_link_stop(r->res, false);
	r->res->allow_two_primaries = nc.two_primaries;
	err = duet_link_start(r->res, &nc, r->text, sizeof(r->text));
	switch (err) {
	case 0:
		return DUET_RET_OK;
	case -EADDRINUSE:
		return DUET_RET_ADDR_IN_USE;
	case -EADDRNOTAVAIL:
	case -EINVAL:
		return DUET_RET_BAD_ADDR;
	case -ENOENT:
		return DUET_RET_BAD_ALG;
	case -ENOMEM:
		return DUET_RET_NOMEM;
	default:
		return DUET_RET_INTERNAL;
	}
}

static u32 duet_nl_disconnect(struct duet_req_ctx *r)
{
	duet_link_stop(r->res, r->flags[DUET_FLAG_A_FORCE] != NULL);
	return DUET_RET_OK;
}

static u32 duet_nl_net_opts(struct duet_req_ctx *r)
{
	if (!r->res->link) {
		snprintf(r->text, sizeof(r->text),
			 "%s: no network configuration (connect first)",
			 r->res->name);
		return DUET_RET_NOT_CONNECTED;
	}
	return duet_nl_net_opts_change(r->res->link,
				       r->info->attrs[DUET_A_NET_CONF],
				       r->info->extack, r->text,
				       sizeof(r->text));
}

/*
 * PEER_DEAD, from the membership daemon (duetd) or a fencing script
 * through duetadm peer-dead: the peer is known dead, the link is torn
 * down at once (Timeout) and the worker goes on trying to reconnect.
 */
static u32 duet_nl_peer_dead(struct duet_req_ctx *r)
{
	struct duet_link *c = r->res->link;

	if (!c || READ_ONCE(c->refused)) {
		snprintf(r->text, sizeof(r->text),
			 "%s: StandAlone: there is no connection to drop",
			 r->res->name);
		return DUET_RET_NOT_CONNECTED;
	}
	if (!duet_link_peer_dead(r->res))
		pr_info("duet: %s: the peer was declared dead; not connected, nothing to drop\n",
			r->res->name);
	return DUET_RET_OK;
}

/* ---- resync control, one volume (minor) each ------------------------ */

static u32 duet_nl_invalidate(struct duet_req_ctx *r)
{
	return duet_resync_invalidate(r->dev, r->text, sizeof(r->text));
}

static u32 duet_nl_invalidate_remote(struct duet_req_ctx *r)
{
	return duet_resync_invalidate_remote(r->dev, r->text,
					     sizeof(r->text));
}

static u32 duet_nl_pause_sync(struct duet_req_ctx *r)
{
	return duet_resync_pause(r->dev, true, r->text, sizeof(r->text));
}

static u32 duet_nl_resume_sync(struct duet_req_ctx *r)
{
	return duet_resync_pause(r->dev, false, r->text, sizeof(r->text));
}

static u32 duet_nl_new_c_uuid(struct duet_req_ctx *r)
{
	return duet_hs_new_current_uuid(r->dev,
					r->flags[DUET_FLAG_A_CLEAR_BITMAP] != NULL,
					r->text, sizeof(r->text));
}

/*
 * outdate (drbd.md §8): consistent data marked known stale, in the state
 * and the meta data (DUET_MDF_OUTDATED), so that it is not promoted
 * without --force. Refused while Connected (core/sm.c:
 * DUET_SS_CONNECTED_OUTDATES), as in DRBD: the peer would serve the
 * same data; and while connecting, since the handshake has reported
 * the disk state already.
 */
static u32 duet_nl_outdate(struct duet_req_ctx *r)
{
	struct duet_device *dev = r->dev;
	struct duet_state ns;
	enum duet_sm_rv rv;
	u32 ret = DUET_RET_OK;

	mutex_lock(&dev->conf_lock);
	if (!dev->backing.bdev) {
		snprintf(r->text, sizeof(r->text), "%s: no local disk to outdate",
			 dev->disk->disk_name);
		ret = DUET_RET_NOT_ATTACHED;
	} else if (dev->state.conn >= DUET_C_WF_REPORT_PARAMS) {
		/* connecting counts: the handshake reported our disk already */
		snprintf(r->text, sizeof(r->text), "%s: %s (%s)",
			 dev->disk->disk_name,
			 duet_sm_rv_str(DUET_SS_CONNECTED_OUTDATES),
			 duet_conn_str(dev->state.conn));
		ret = DUET_RET_INVALID;
	} else {
		ns = dev->state;
		ns.disk = DUET_D_OUTDATED;
		rv = duet_dev_change_state(dev, &ns, 0);
		if (rv < 0) {
			snprintf(r->text, sizeof(r->text), "%s: %s",
				 dev->disk->disk_name, duet_sm_rv_str(rv));
			ret = duet_nl_sm_retcode(rv);
		} else if (rv == DUET_SS_SUCCESS && duet_md_write_sb(dev)) {
			snprintf(r->text, sizeof(r->text),
				 "%s: writing the meta data failed",
				 dev->disk->disk_name);
			ret = DUET_RET_INTERNAL;
		}
	}
	mutex_unlock(&dev->conf_lock);
	return ret;
}

/* down: demote, detach and delete every minor, then the resource. */
static u32 duet_nl_down(struct duet_req_ctx *r)
{
	struct duet_device *dev, *tmp;
	u32 ret;

	duet_link_stop(r->res, false);
	list_for_each_entry_safe(dev, tmp, &r->res->devices, res_list) {
		ret = duet_nl_set_role(r, dev, DUET_ROLE_SECONDARY, false);
		if (ret != DUET_RET_OK)
			return ret;
		if (duet_dev_destroy(dev))
			return DUET_RET_DEVICE_IN_USE;
	}
	duet_res_destroy(r->res);
	return DUET_RET_OK;
}

/* Operations of later stages: a clear answer instead of a silent no-op. */
static u32 duet_nl_not_yet(struct duet_req_ctx *r)
{
	snprintf(r->text, sizeof(r->text),
		 "not implemented by this duet.ko (%s) yet",
		 DUET_VERSION);
	return DUET_RET_INVALID;
}

/*
 * Every command runs the same way: parse the nests, check the attributes
 * it needs, take the configuration lock, find the resource or minor it is
 * about, run it, answer with its retcode.
 */
enum duet_nl_need { DUET_NEED_NONE, DUET_NEED_RES, DUET_NEED_MINOR };

struct duet_nl_cmd {
	u8 cmd;
	enum duet_nl_need need;
	int (*check)(struct duet_req_ctx *r);
	u32 (*run)(struct duet_req_ctx *r);
};

static const struct duet_nl_cmd duet_nl_cmds[] = {
	{ DUET_CMD_NEW_RESOURCE, DUET_NEED_NONE, duet_nl_check_res_name,
	  duet_nl_new_resource },
	{ DUET_CMD_DEL_RESOURCE, DUET_NEED_RES, NULL, duet_nl_del_resource },
	{ DUET_CMD_NEW_MINOR, DUET_NEED_RES, duet_nl_check_minor,
	  duet_nl_new_minor },
	{ DUET_CMD_DEL_MINOR, DUET_NEED_MINOR, NULL, duet_nl_del_minor },
	{ DUET_CMD_DOWN, DUET_NEED_RES, NULL, duet_nl_down },
	{ DUET_CMD_ATTACH, DUET_NEED_MINOR, duet_nl_check_attach,
	  duet_nl_attach },
	{ DUET_CMD_DETACH, DUET_NEED_MINOR, NULL, duet_nl_detach },
	{ DUET_CMD_DISK_OPTS, DUET_NEED_MINOR, duet_nl_check_minor,
	  duet_nl_disk_opts },
	{ DUET_CMD_PRIMARY, DUET_NEED_RES, NULL, duet_nl_primary },
	{ DUET_CMD_SECONDARY, DUET_NEED_RES, NULL, duet_nl_secondary },
	{ DUET_CMD_RES_OPTS, DUET_NEED_RES, NULL, duet_nl_res_opts },
	{ DUET_CMD_CONNECT, DUET_NEED_RES, NULL, duet_nl_connect },
	{ DUET_CMD_DISCONNECT, DUET_NEED_RES, NULL, duet_nl_disconnect },
	{ DUET_CMD_NET_OPTS, DUET_NEED_RES, NULL, duet_nl_net_opts },
	{ DUET_CMD_PEER_DEAD, DUET_NEED_RES, NULL, duet_nl_peer_dead },
	{ DUET_CMD_INVALIDATE, DUET_NEED_MINOR, NULL, duet_nl_invalidate },
	{ DUET_CMD_INVALIDATE_REMOTE, DUET_NEED_MINOR, NULL,
	  duet_nl_invalidate_remote },
	{ DUET_CMD_OUTDATE, DUET_NEED_MINOR, NULL, duet_nl_outdate },
	{ DUET_CMD_PAUSE_SYNC, DUET_NEED_MINOR, NULL, duet_nl_pause_sync },
	{ DUET_CMD_RESUME_SYNC, DUET_NEED_MINOR, NULL, duet_nl_resume_sync },
	{ DUET_CMD_NEW_C_UUID, DUET_NEED_MINOR, NULL, duet_nl_new_c_uuid },
};

static int duet_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct duet_nl_cmd *c = NULL;
	struct duet_req_ctx r;
	u32 ret = DUET_RET_OK;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(duet_nl_cmds); i++)
		if (duet_nl_cmds[i].cmd == info->genlhdr->cmd)
			c = &duet_nl_cmds[i];
	err = duet_nl_parse(&r, info);
	if (err)
		return err;
	if (!c) {
		ret = duet_nl_not_yet(&r);
		return duet_nl_reply(&r, ret, NULL);
	}
	if (c->check) {
		err = c->check(&r);
		if (err)
			return err;
	}
	mutex_lock(&duet_conf_lock);
	if (c->need == DUET_NEED_RES) {
		r.res = duet_nl_res(&r);
		if (!r.res)
			ret = DUET_RET_NO_RESOURCE;
	} else if (c->need == DUET_NEED_MINOR) {
		r.dev = duet_nl_dev(&r);
		if (!r.dev)
			ret = DUET_RET_NO_MINOR;
	}
	if (ret == DUET_RET_OK)
		ret = c->run(&r);
	mutex_unlock(&duet_conf_lock);
	return duet_nl_reply(&r, ret, NULL);
}

struct duet_status_walk {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	unsigned int next;	/* first minor not yet sent */
	int err;
};

static void duet_nl_status_one(struct duet_device *dev, void *arg)
{
	struct duet_status_walk *w = arg;
	void *hdr;

	if (w->err || dev->minor < w->next)
		return;
	hdr = genlmsg_put(w->skb, NETLINK_CB(w->cb->skb).portid,
			  w->cb->nlh->nlmsg_seq, &duet_genl_family, NLM_F_MULTI,
			  DUET_CMD_GET_STATUS);
	if (!hdr || duet_nl_put_state(w->skb, dev)) {
		if (hdr)
			genlmsg_cancel(w->skb, hdr);
		w->err = -EMSGSIZE;
		return;
	}
	genlmsg_end(w->skb, hdr);
	w->next = dev->minor + 1;
}

static int duet_nl_status_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct duet_status_walk w = { .skb = skb, .cb = cb, .next = cb->args[0] };

	mutex_lock(&duet_conf_lock);
	duet_dev_for_each(duet_nl_status_one, &w);
	mutex_unlock(&duet_conf_lock);
	cb->args[0] = w.next;
	return skb->len;
}

/*
 * GET_CONFIG of every resource, a message per minor (and one for a
 * resource without minors): cb->args[0] is the resource to go on with,
 * cb->args[1] how many of its messages went out already.
 */
static int duet_nl_config_one(struct sk_buff *skb, struct netlink_callback *cb,
			      struct duet_resource *res, struct duet_device *dev)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &duet_genl_family, NLM_F_MULTI, DUET_CMD_GET_CONFIG);
	if (!hdr)
		return -EMSGSIZE;
	if (duet_nl_put_config(skb, res, dev)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int duet_nl_config_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct duet_resource *res;
	struct duet_device *dev;
	unsigned long i;
	int err = 0;

	mutex_lock(&duet_conf_lock);
	while (!err && (res = duet_res_nth(cb->args[0]))) {
		i = 0;
		if (list_empty(&res->devices) && !cb->args[1]) {
			err = duet_nl_config_one(skb, cb, res, NULL);
			if (!err)
				cb->args[1]++;
		}
		list_for_each_entry(dev, &res->devices, res_list) {
			if (i++ < cb->args[1])
				continue;
			err = duet_nl_config_one(skb, cb, res, dev);
			if (err)
				break;
			cb->args[1]++;
		}
		if (!err) {
			cb->args[0]++;
			cb->args[1] = 0;
		}
	}
	mutex_unlock(&duet_conf_lock);
	return skb->len;
}

/*
 * GET_STATUS and GET_CONFIG for one minor or one resource: a message per
 * volume.
 */
static int duet_nl_status(struct sk_buff *skb, struct genl_info *info)
{
	struct duet_resource *res = NULL;
	struct duet_device *dev = NULL;
	struct duet_req_ctx r;
	u32 ret = DUET_RET_OK;
	int err = duet_nl_parse(&r, info);

	if (err)
		return err;
	mutex_lock(&duet_conf_lock);
	if (r.ctx[DUET_CTX_A_MINOR]) {
		dev = duet_nl_dev(&r);
		if (!dev)
			ret = DUET_RET_NO_MINOR;
	} else {
		res = duet_nl_res(&r);
		if (!res)
			ret = DUET_RET_NO_RESOURCE;
	}
	if (info->genlhdr->cmd == DUET_CMD_GET_CONFIG) {
		if (dev)
			res = dev->res;
		if (res && !dev && !list_empty(&res->devices)) {
			list_for_each_entry(dev, &res->devices, res_list) {
				err = duet_nl_reply_config(&r, ret, res, dev);
				if (err)
					break;
			}
		} else {
			err = duet_nl_reply_config(&r, ret, res, dev);
		}
	} else if (res && !list_empty(&res->devices)) {
		list_for_each_entry(dev, &res->devices, res_list) {
			err = duet_nl_reply(&r, ret, dev);
			if (err)
				break;
		}
	} else {
		err = duet_nl_reply(&r, ret, dev);
	}
	mutex_unlock(&duet_conf_lock);
	return err;
}

static const struct genl_ops duet_genl_ops[] = {
	{ .cmd = DUET_CMD_GET_STATUS, .doit = duet_nl_status,
	  .dumpit = duet_nl_status_dump },
	{ .cmd = DUET_CMD_NEW_RESOURCE, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_DEL_RESOURCE, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_NEW_MINOR, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_DEL_MINOR, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_DOWN, .doit = duet_nl_doit, .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_ATTACH, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_DETACH, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_PRIMARY, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_SECONDARY, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_GET_CONFIG, .doit = duet_nl_status,
	  .dumpit = duet_nl_config_dump },
	{ .cmd = DUET_CMD_DISK_OPTS, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_CONNECT, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_DISCONNECT, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_NET_OPTS, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_RES_OPTS, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_INVALIDATE, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_INVALIDATE_REMOTE, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_OUTDATE, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_PAUSE_SYNC, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_RESUME_SYNC, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_NEW_C_UUID, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
	{ .cmd = DUET_CMD_PEER_DEAD, .doit = duet_nl_doit,
	  .flags = GENL_ADMIN_PERM },
};

static struct genl_family duet_genl_family __ro_after_init = {
	.name = DUET_GENL_NAME,
	.version = DUET_GENL_VERSION,
	.maxattr = DUET_A_MAX,
	.policy = duet_policy,
	.module = THIS_MODULE,
	.ops = duet_genl_ops,
	.n_ops = ARRAY_SIZE(duet_genl_ops),
	.resv_start_op = DUET_CMD_STATE_EVENT + 1,
	.mcgrps = duet_mcgrps,
	.n_mcgrps = ARRAY_SIZE(duet_mcgrps),
};

/* Announce a change of @dev to the "events" group (if anyone listens). */
void duet_nl_state_event(struct duet_device *dev, u32 type)
{
	struct sk_buff *skb;
	struct nlattr *n;
	void *hdr;

	if (!genl_has_listeners(&duet_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &duet_genl_family, 0,
			  DUET_CMD_STATE_EVENT);
	if (!hdr)
		goto fail;
	n = nla_nest_start(skb, DUET_A_EVENT);
	if (!n || nla_put_u32(skb, DUET_EVENT_A_TYPE, type) ||
	    nla_put_u32(skb, DUET_EVENT_A_SEQ,
			atomic_inc_return(&duet_event_seq)))
		goto fail;
	nla_nest_end(skb, n);
	if (duet_nl_put_state(skb, dev))
		goto fail;
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&duet_genl_family, skb, 0, 0, GFP_KERNEL);
	return;
fail:
	nlmsg_free(skb);
}

int duet_nl_init(void)
{
	/* the wire's fencing values are the core's */
	BUILD_BUG_ON((int)DUET_FEN_DONT_CARE != (int)DUET_FENCING_DONT_CARE);
	BUILD_BUG_ON((int)DUET_FEN_RESOURCE_ONLY !=
		     (int)DUET_FENCING_RESOURCE_ONLY);
	BUILD_BUG_ON((int)DUET_FEN_RESOURCE_AND_STONITH !=
		     (int)DUET_FENCING_RESOURCE_AND_STONITH);
	BUILD_BUG_ON(DUET_DISK_A_MAX >= DUET_DISK_OPTS_NR);
	return genl_register_family(&duet_genl_family);
}

void duet_nl_exit(void)
{
	genl_unregister_family(&duet_genl_family);
}
