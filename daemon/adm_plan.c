/* duetadm: requests per verb, see adm_plan.h. */
#include "daemon/adm_plan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kmod/uapi/duet_genl.h"

#define MAX_VOLS 4096

static int cmp_vol(const void *a, const void *b)
{
	const struct dconf_volume *x = *(const struct dconf_volume *const *)a;
	const struct dconf_volume *y = *(const struct dconf_volume *const *)b;

	return (x->vnr > y->vnr) - (x->vnr < y->vnr);
}

size_t adm_local_volumes(const struct dconf_resource *r,
			 const struct dconf_volume **out, size_t max)
{
	const struct dconf_host *h = dconf_local_host(r);
	size_t n = 0;

	if (!h)
		return 0;
	for (size_t i = 0; i < h->nvols && n < max; i++)
		out[n++] = &h->vols[i];
	qsort(out, n, sizeof(*out), cmp_vol);
	return n;
}

/* ---- the objects' attribute sets -------------------------------------- */

static void ctx_res(struct adm_msg *m, const struct dconf_resource *r)
{
	adm_put_str(adm_msg_nest(m, DUET_A_CTX), DUET_CTX_A_RES_NAME, r->name);
}

static void ctx_minor(struct adm_msg *m, const struct dconf_volume *v)
{
	adm_put_num(adm_msg_nest(m, DUET_A_CTX), DUET_CTX_A_MINOR, v->minor);
}

/* The minor that "resync-after RES" means: RES's first local volume. */
static int resync_after_minor(const struct dconf_config *cfg, const char *name)
{
	const struct dconf_resource *o = dconf_find_resource(cfg, name);
	const struct dconf_volume *vols[1];

	if (!o || adm_local_volumes(o, vols, 1) == 0)
		return -1;
	return vols[0]->minor;
}

/*
 * The options of CFG/R that live in top-level set SET, into nest N; disk
 * options as they apply to the local volume V (NULL: resource level).
 */
static void options_into(struct adm_attr *n, int set, const struct dconf_config *cfg,
			 const struct dconf_resource *r, const struct dconf_volume *v)
{
	const struct dconf_host *h = v ? dconf_local_host(r) : NULL;

	for (int i = 0; i < DCONF_O_NR; i++) {
		const struct dconf_optdef *d = &dconf_optdefs[i];
		const char *s;

		if (d->nl_set != set)
			continue;
		switch (d->type) {
		case DCONF_T_INT:
		case DCONF_T_BOOL:
		case DCONF_T_ENUM:
			adm_put_num(n, d->nl_attr,
				    dconf_vol_num(cfg, r, h, v, (enum dconf_opt)i));
			break;
		case DCONF_T_NAME:	/* resync-after */
			s = dconf_vol_str(cfg, r, h, v, (enum dconf_opt)i);
			adm_put_num(n, d->nl_attr, s ? resync_after_minor(cfg, s) : -1);
			break;
		default:
			s = dconf_vol_str(cfg, r, h, v, (enum dconf_opt)i);
			adm_put_str(n, d->nl_attr, s ? s : "");
			break;
		}
	}
}

static void res_opts(struct adm_msg *m, const struct dconf_config *cfg,
		     const struct dconf_resource *r)
{
	options_into(adm_msg_nest(m, DUET_A_RES_OPTS), DUET_A_RES_OPTS, cfg, r, NULL);
}

static void disk_paths(struct adm_attr *n, const struct dconf_volume *v)
{
	adm_put_str(n, DUET_DISK_A_BACKING_DEV, v->disk);
	switch (v->md_kind) {
	case DCONF_MD_INTERNAL:
		adm_put_str(n, DUET_DISK_A_META_DEV, v->disk);
		adm_put_num(n, DUET_DISK_A_META_IDX, DUET_MD_IDX_INTERNAL);
		break;
	case DCONF_MD_FLEXIBLE:
		adm_put_str(n, DUET_DISK_A_META_DEV, v->meta_disk);
		adm_put_num(n, DUET_DISK_A_META_IDX, DUET_MD_IDX_FLEX_EXT);
		break;
	default:
		adm_put_str(n, DUET_DISK_A_META_DEV, v->meta_disk ? v->meta_disk : "");
		adm_put_num(n, DUET_DISK_A_META_IDX, v->meta_index);
		break;
	}
}

static void disk_conf(struct adm_msg *m, const struct dconf_config *cfg,
		      const struct dconf_resource *r, const struct dconf_volume *v,
		      bool paths)
{
	struct adm_attr *n = adm_msg_nest(m, DUET_A_DISK_CONF);

	if (paths)
		disk_paths(n, v);
	options_into(n, DUET_A_DISK_CONF, cfg, r, v);
}

static void addr_into(struct adm_attr *n, const struct dconf_addr *a)
{
	bool v6 = a->af == DCONF_AF_IPV6;

	adm_put_num(n, DUET_ADDR_A_FAMILY, v6 ? AF_INET6 : AF_INET);
	adm_put_bin(n, DUET_ADDR_A_IP, a->bin, v6 ? 16 : 4);
	adm_put_num(n, DUET_ADDR_A_PORT, a->port);
}

static void net_conf(struct adm_msg *m, const struct dconf_config *cfg,
		     const struct dconf_resource *r, bool addrs)
{
	struct adm_attr *n = adm_msg_nest(m, DUET_A_NET_CONF);
	const struct dconf_host *me = dconf_local_host(r), *peer = dconf_peer_host(r);

	if (addrs && me && peer) {
		addr_into(adm_nest(n, DUET_NET_A_LOCAL_ADDR), &me->addr);
		addr_into(adm_nest(n, DUET_NET_A_PEER_ADDR), &peer->addr);
	}
	options_into(n, DUET_A_NET_CONF, cfg, r, NULL);
}

/* ---- verbs ------------------------------------------------------------ */

static void new_resource(struct adm_plan *p, const struct dconf_config *cfg,
			 const struct dconf_resource *r)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_NEW_RESOURCE,
					 "%s: create the resource", r->name);

	ctx_res(m, r);
	res_opts(m, cfg, r);
}

static void new_minor(struct adm_plan *p, const struct dconf_resource *r,
		      const struct dconf_volume *v)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_NEW_MINOR,
					 "%s: create minor %d for volume %u",
					 r->name, v->minor, v->vnr);
	struct adm_attr *c = adm_msg_nest(m, DUET_A_CTX);

	adm_put_str(c, DUET_CTX_A_RES_NAME, r->name);
	adm_put_num(c, DUET_CTX_A_VOLUME, v->vnr);
	adm_put_num(c, DUET_CTX_A_MINOR, v->minor);
	if (v->device)
		adm_put_str(adm_msg_nest(m, DUET_A_DEVICE_CONF), DUET_DEV_A_PATH,
			    v->device);
}

static void attach(struct adm_plan *p, const struct dconf_config *cfg,
		   const struct dconf_resource *r, const struct dconf_volume *v)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_ATTACH,
					 "%s: attach minor %d to %s", r->name,
					 v->minor, v->disk);

	ctx_minor(m, v);
	disk_conf(m, cfg, r, v, true);
}

static void detach_minor(struct adm_plan *p, const struct dconf_resource *r,
			 int minor, bool force, const char *why)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_DETACH, "%s: detach minor %d%s%s",
					 r->name, minor, force ? " (forced)" : "",
					 why ? why : "");

	adm_put_num(adm_msg_nest(m, DUET_A_CTX), DUET_CTX_A_MINOR, minor);
	if (force)
		adm_put_flag(adm_msg_nest(m, DUET_A_FLAGS), DUET_FLAG_A_FORCE);
}

static void detach(struct adm_plan *p, const struct dconf_resource *r,
		   const struct dconf_volume *v, bool force)
{
	detach_minor(p, r, v->minor, force, NULL);
}

static void del_minor(struct adm_plan *p, const struct dconf_resource *r, int minor)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_DEL_MINOR,
					 "%s: delete minor %d", r->name, minor);

	adm_put_num(adm_msg_nest(m, DUET_A_CTX), DUET_CTX_A_MINOR, minor);
}

static void connect_(struct adm_plan *p, const struct dconf_config *cfg,
		     const struct dconf_resource *r, const struct adm_flags *f)
{
	const struct dconf_host *peer = dconf_peer_host(r);
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_CONNECT, "%s: connect to %s",
					 r->name, peer ? peer->name : "?");

	ctx_res(m, r);
	net_conf(m, cfg, r, true);
	if ((f && f->discard_my_data) ||
	    dconf_res_num(cfg, r, DCONF_O_DISCARD_MY_DATA))
		adm_put_flag(adm_msg_nest(m, DUET_A_FLAGS), DUET_FLAG_A_DISCARD_MY_DATA);
}

static void disconnect(struct adm_plan *p, const struct dconf_resource *r, bool force)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_DISCONNECT, "%s: disconnect%s",
					 r->name, force ? " (forced)" : "");

	ctx_res(m, r);
	if (force)
		adm_put_flag(adm_msg_nest(m, DUET_A_FLAGS), DUET_FLAG_A_FORCE);
}

void adm_plan_up(struct adm_plan *p, const struct dconf_config *cfg,
		 const struct dconf_resource *r, const struct adm_flags *f)
{
	const struct dconf_volume *vols[MAX_VOLS];
	size_t n = adm_local_volumes(r, vols, MAX_VOLS);

	new_resource(p, cfg, r);
	for (size_t i = 0; i < n; i++)
		new_minor(p, r, vols[i]);
	for (size_t i = 0; i < n; i++)
		attach(p, cfg, r, vols[i]);
	connect_(p, cfg, r, f);
}

void adm_plan_down(struct adm_plan *p, const struct dconf_resource *r)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_DOWN,
					 "%s: disconnect, detach and delete it", r->name);

	ctx_res(m, r);
}

void adm_plan_attach(struct adm_plan *p, const struct dconf_config *cfg,
		     const struct dconf_resource *r)
{
	const struct dconf_volume *vols[MAX_VOLS];
	size_t n = adm_local_volumes(r, vols, MAX_VOLS);

	for (size_t i = 0; i < n; i++)
		attach(p, cfg, r, vols[i]);
}

void adm_plan_detach(struct adm_plan *p, const struct dconf_resource *r,
		     const struct adm_flags *f)
{
	const struct dconf_volume *vols[MAX_VOLS];
	size_t n = adm_local_volumes(r, vols, MAX_VOLS);

	for (size_t i = 0; i < n; i++)
		detach(p, r, vols[i], f && f->force);
}

void adm_plan_connect(struct adm_plan *p, const struct dconf_config *cfg,
		      const struct dconf_resource *r, const struct adm_flags *f)
{
	connect_(p, cfg, r, f);
}

void adm_plan_disconnect(struct adm_plan *p, const struct dconf_resource *r,
			 const struct adm_flags *f)
{
	disconnect(p, r, f && f->force);
}

void adm_plan_primary(struct adm_plan *p, const struct dconf_resource *r,
		      const struct adm_flags *f)
{
	bool force = f && f->force;
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_PRIMARY, "%s: promote%s",
					 r->name,
					 force ? " (forced: local data counts as UpToDate)" : "");

	ctx_res(m, r);
	if (force)
		adm_put_flag(adm_msg_nest(m, DUET_A_FLAGS), DUET_FLAG_A_FORCE);
}

void adm_plan_secondary(struct adm_plan *p, const struct dconf_resource *r)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_SECONDARY, "%s: demote", r->name);

	ctx_res(m, r);
}

void adm_plan_net_options(struct adm_plan *p, const struct dconf_config *cfg,
			  const struct dconf_resource *r)
{
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_NET_OPTS,
					 "%s: change network options", r->name);

	ctx_res(m, r);
	net_conf(m, cfg, r, false);
}

void adm_plan_peer_dead(struct adm_plan *p, const struct dconf_resource *r)
{
	const struct dconf_host *peer = dconf_peer_host(r);
	struct adm_msg *m = adm_plan_add(p, DUET_CMD_PEER_DEAD,
					 "%s: %s is dead: drop the connection now",
					 r->name, peer ? peer->name : "the peer");

	ctx_res(m, r);
}

/* What each per-volume command does, for the dry run's comment. */
static const char *volume_cmd_text(int cmd, const struct adm_flags *f)
{
	switch (cmd) {
	case DUET_CMD_INVALIDATE:
		return "replace the local data with the peer's (full resync as SyncTarget)";
	case DUET_CMD_INVALIDATE_REMOTE:
		return "replace the peer's data with the local data (full resync as SyncSource)";
	case DUET_CMD_OUTDATE:
		return "mark the local data Outdated";
	case DUET_CMD_PAUSE_SYNC:
		return "pause the resync";
	case DUET_CMD_RESUME_SYNC:
		return "resume the resync";
	case DUET_CMD_NEW_C_UUID:
		return f && f->clear_bitmap ?
		       "new current UUID, bitmap cleared (skips the initial sync of a new connected pair)" :
		       "new current UUID";
	default:
		return "?";
	}
}

void adm_plan_volumes(struct adm_plan *p, int cmd, const struct dconf_resource *r,
		      const struct adm_flags *f)
{
	const struct dconf_volume *vols[MAX_VOLS];
	size_t n = adm_local_volumes(r, vols, MAX_VOLS);

	for (size_t i = 0; i < n; i++) {
		struct adm_msg *m = adm_plan_add(p, cmd, "%s: minor %d: %s", r->name,
						 vols[i]->minor, volume_cmd_text(cmd, f));

		ctx_minor(m, vols[i]);
		if (cmd == DUET_CMD_NEW_C_UUID && f && f->clear_bitmap)
			adm_put_flag(adm_msg_nest(m, DUET_A_FLAGS), DUET_FLAG_A_CLEAR_BITMAP);
	}
}

void adm_plan_get(struct adm_plan *p, int cmd, const char *res)
{
	struct adm_msg *m = adm_plan_add(p, cmd, "%s of %s",
					 cmd == DUET_CMD_GET_CONFIG ?
					 "running configuration" : "status",
					 res ? res : "all resources");

	m->dump = true;
	if (res)
		adm_put_str(adm_msg_nest(m, DUET_A_CTX), DUET_CTX_A_RES_NAME, res);
}

/* ---- adjust ----------------------------------------------------------- */

static bool msg_of(const struct adm_msg *m, const char *res)
{
	const struct adm_attr *n = adm_find(adm_msg_find(m, DUET_A_CTX),
					    DUET_CTX_A_RES_NAME);

	return n && n->str && strcmp(n->str, res) == 0;
}

static const struct adm_msg *running_volume(const struct adm_msg *run, size_t n,
					    const char *res, unsigned vnr)
{
	for (size_t i = 0; i < n; i++) {
		const struct adm_attr *c = adm_msg_find(&run[i], DUET_A_CTX);
		const struct adm_attr *vol = adm_find(c, DUET_CTX_A_VOLUME);

		if (msg_of(&run[i], res) && vol && adm_find(c, DUET_CTX_A_MINOR) &&
		    vol->num == vnr)
			return &run[i];
	}
	return NULL;
}

/* Does the nest TYPE of WANT (a built message) match RUNNING's? */
static bool same(const struct adm_msg *want, const struct adm_msg *running, int type)
{
	const struct adm_attr *w = adm_msg_find(want, type);
	const struct adm_attr *h = running ? adm_msg_find(running, type) : NULL;

	if (!w)
		return true;
	return h && adm_attr_subset(w, h);
}

static void adjust_volume(struct adm_plan *p, const struct dconf_config *cfg,
			  const struct dconf_resource *r, const struct dconf_volume *v,
			  const struct adm_msg *run, const struct adm_flags *f)
{
	struct adm_msg want, want_paths;
	const struct adm_attr *minor;

	(void)f;
	if (!run) {
		new_minor(p, r, v);
		attach(p, cfg, r, v);
		return;
	}
	minor = adm_find(adm_msg_find(run, DUET_A_CTX), DUET_CTX_A_MINOR);
	if (minor->num != v->minor) {
		if (adm_msg_find(run, DUET_A_DISK_CONF))
			detach_minor(p, r, (int)minor->num, false,
				     " (the volume has a new minor)");
		del_minor(p, r, (int)minor->num);
		new_minor(p, r, v);
		attach(p, cfg, r, v);
		return;
	}
	adm_msg_init(&want_paths, DUET_CMD_ATTACH);
	disk_paths(adm_msg_nest(&want_paths, DUET_A_DISK_CONF), v);
	adm_msg_init(&want, DUET_CMD_DISK_OPTS);
	disk_conf(&want, cfg, r, v, false);
	if (!adm_msg_find(run, DUET_A_DISK_CONF) ||
	    !adm_find(adm_msg_find(run, DUET_A_DISK_CONF), DUET_DISK_A_BACKING_DEV)) {
		attach(p, cfg, r, v);
	} else if (!same(&want_paths, run, DUET_A_DISK_CONF)) {
		detach(p, r, v, false);
		attach(p, cfg, r, v);
	} else if (!same(&want, run, DUET_A_DISK_CONF)) {
		struct adm_msg *m = adm_plan_add(p, DUET_CMD_DISK_OPTS,
						 "%s: change disk options of minor %d",
						 r->name, v->minor);

		ctx_minor(m, v);
		disk_conf(m, cfg, r, v, false);
	}
	adm_msg_free(&want);
	adm_msg_free(&want_paths);
}

void adm_plan_adjust(struct adm_plan *p, const struct dconf_config *cfg,
		     const struct dconf_resource *r, const struct adm_msg *running,
		     size_t nrunning, const struct adm_flags *f)
{
	const struct dconf_volume *vols[MAX_VOLS];
	size_t n = adm_local_volumes(r, vols, MAX_VOLS);
	const struct adm_msg *any = NULL, *with_net = NULL;
	struct adm_msg want;

	for (size_t i = 0; i < nrunning; i++) {
		if (!msg_of(&running[i], r->name))
			continue;
		if (!any)
			any = &running[i];
		if (!with_net && adm_msg_find(&running[i], DUET_A_NET_CONF))
			with_net = &running[i];
	}
	if (!any) {
		adm_plan_up(p, cfg, r, f);
		return;
	}
	adm_msg_init(&want, DUET_CMD_RES_OPTS);
	res_opts(&want, cfg, r);
	if (!same(&want, any, DUET_A_RES_OPTS)) {
		struct adm_msg *m = adm_plan_add(p, DUET_CMD_RES_OPTS,
						 "%s: change resource options", r->name);

		ctx_res(m, r);
		res_opts(m, cfg, r);
	}
	adm_msg_free(&want);

	/* minors the kernel has but the file no longer names */
	for (size_t i = 0; i < nrunning; i++) {
		const struct adm_attr *c = adm_msg_find(&running[i], DUET_A_CTX);
		const struct adm_attr *vol = adm_find(c, DUET_CTX_A_VOLUME);
		const struct adm_attr *minor = adm_find(c, DUET_CTX_A_MINOR);
		bool known = false;

		if (!msg_of(&running[i], r->name) || !vol || !minor)
			continue;
		for (size_t k = 0; k < n; k++)
			known |= vols[k]->vnr == vol->num;
		if (known)
			continue;
		if (adm_msg_find(&running[i], DUET_A_DISK_CONF))
			detach_minor(p, r, (int)minor->num, false,
				     " (its volume is no longer configured)");
		del_minor(p, r, (int)minor->num);
	}
	for (size_t k = 0; k < n; k++)
		adjust_volume(p, cfg, r, vols[k],
			      running_volume(running, nrunning, r->name, vols[k]->vnr), f);

	/* network */
	adm_msg_init(&want, DUET_CMD_CONNECT);
	net_conf(&want, cfg, r, true);
	if (!with_net) {
		connect_(p, cfg, r, f);
	} else {
		struct adm_msg addrs;
		const struct dconf_host *me = dconf_local_host(r);
		const struct dconf_host *peer = dconf_peer_host(r);
		struct adm_attr *nn;

		adm_msg_init(&addrs, DUET_CMD_CONNECT);
		nn = adm_msg_nest(&addrs, DUET_A_NET_CONF);
		if (me && peer) {
			addr_into(adm_nest(nn, DUET_NET_A_LOCAL_ADDR), &me->addr);
			addr_into(adm_nest(nn, DUET_NET_A_PEER_ADDR), &peer->addr);
		}
		if (!same(&addrs, with_net, DUET_A_NET_CONF)) {
			disconnect(p, r, false);
			connect_(p, cfg, r, f);
		} else if (!same(&want, with_net, DUET_A_NET_CONF)) {
			adm_plan_net_options(p, cfg, r);
		}
		adm_msg_free(&addrs);
	}
	adm_msg_free(&want);
}
