/* dconf: whole-configuration checks, see validate.h. */
#include "daemon/dconf/validate.h"

#include <stdio.h>
#include <string.h>

#include "kmod/uapi/duet_genl.h"

static struct dconf_loc loc_or(struct dconf_loc a, struct dconf_loc b)
{
	return a.file ? a : b;
}

static void check_host(struct dconf_config *cfg, const struct dconf_resource *r,
		       const struct dconf_host *h)
{
	if (h->addr.af == DCONF_AF_NONE)
		dconf_error(cfg, h->loc, "resource '%s', host '%s': no 'address'",
			    r->name, h->name);
	if (h->nvols == 0) {
		dconf_error(cfg, h->loc,
			    "resource '%s', host '%s': no 'device', 'disk' and 'meta-disk'",
			    r->name, h->name);
		return;
	}
	for (size_t i = 0; i < h->nvols; i++) {
		const struct dconf_volume *v = &h->vols[i];
		const char *miss[3];
		size_t n = 0;

		if (!v->has_device)
			miss[n++] = "device";
		if (!v->disk)
			miss[n++] = "disk";
		if (v->md_kind == DCONF_MD_UNSET)
			miss[n++] = "meta-disk";
		for (size_t k = 0; k < n; k++)
			dconf_error(cfg, loc_or(v->loc, h->loc),
				    "resource '%s', host '%s', volume %u: no '%s'",
				    r->name, h->name, v->vnr, miss[k]);
	}
}

static bool host_has_volume(const struct dconf_host *h, unsigned vnr)
{
	for (size_t i = 0; i < h->nvols; i++)
		if (h->vols[i].vnr == vnr)
			return true;
	return false;
}

static void check_pair(struct dconf_config *cfg, const struct dconf_resource *r)
{
	const struct dconf_host *a = &r->hosts[0], *b = &r->hosts[1];

	for (int side = 0; side < 2 && a->nvols && b->nvols; side++) {
		const struct dconf_host *x = side ? b : a, *y = side ? a : b;

		for (size_t i = 0; i < x->nvols; i++)
			if (!host_has_volume(y, x->vols[i].vnr))
				dconf_error(cfg, loc_or(x->vols[i].loc, x->loc),
					    "resource '%s': volume %u is defined for host '%s' but not for '%s'",
					    r->name, x->vols[i].vnr, x->name, y->name);
	}
	if (a->addr.af != DCONF_AF_NONE && b->addr.af != DCONF_AF_NONE &&
	    a->addr.af != b->addr.af)
		dconf_error(cfg, b->addr.loc,
			    "resource '%s': host '%s' has an %s address but '%s' an %s one",
			    r->name, b->name, b->addr.af == DCONF_AF_IPV4 ? "IPv4" : "IPv6",
			    a->name, a->addr.af == DCONF_AF_IPV4 ? "IPv4" : "IPv6");
}

static void find_local(struct dconf_config *cfg, struct dconf_resource *r,
		       const struct dconf_local *local)
{
	int found = -1;

	for (size_t i = 0; i < r->nhosts; i++) {
		const struct dconf_host *h = &r->hosts[i];
		bool me;

		if (h->floating)
			me = local->is_local_addr && h->addr.af != DCONF_AF_NONE &&
			     local->is_local_addr(local->ctx, &h->addr);
		else
			me = local->hostname && strcmp(h->name, local->hostname) == 0;
		if (!me)
			continue;
		if (found >= 0) {
			dconf_error(cfg, h->loc,
				    "resource '%s': both '%s' and '%s' are this host",
				    r->name, r->hosts[found].name, h->name);
			return;
		}
		found = (int)i;
	}
	if (found < 0) {
		if (r->nhosts == 2)
			dconf_error(cfg, r->loc,
				    "resource '%s' has no 'on' section for this host ('%s'); its hosts are '%s' and '%s'",
				    r->name, local->hostname ? local->hostname : "?",
				    r->hosts[0].name, r->hosts[1].name);
		else
			dconf_error(cfg, r->loc,
				    "resource '%s' has no 'on' section for this host ('%s')",
				    r->name, local->hostname ? local->hostname : "?");
		return;
	}
	r->local = found;
	if (r->nhosts == 2)
		r->peer = 1 - found;
}

/*
 * Who an option problem belongs to: an option inherited from common is
 * reported once for common (identical diagnostics are merged), not once
 * per resource.
 */
static const char *owner(const struct dconf_config *cfg,
			 const struct dconf_resource *r, const struct dconf_value *v)
{
	if (v >= cfg->common.v && v < cfg->common.v + DCONF_O_NR)
		return "common";
	return dconf_arena_printf(cfg->arena, "resource '%s'", r->name);
}

static void check_options(struct dconf_config *cfg, const struct dconf_resource *r)
{
	const struct dconf_value *v;

	v = dconf_res_opt(cfg, r, DCONF_O_BECOME_PRIMARY_ON);
	if (v && strcmp(v->str, "both") != 0) {
		bool ok = false;

		for (size_t i = 0; i < r->nhosts; i++)
			ok |= strcmp(r->hosts[i].name, v->str) == 0;
		if (!ok)
			dconf_error(cfg, v->loc,
				    "resource '%s': become-primary-on '%s' is neither one of its hosts nor 'both'",
				    r->name, v->str);
	}
	v = dconf_res_opt(cfg, r, DCONF_O_RESYNC_AFTER);
	if (v) {
		if (strcmp(v->str, r->name) == 0)
			dconf_error(cfg, v->loc,
				    "resource '%s': resync-after names the resource itself",
				    r->name);
		else if (!dconf_find_resource(cfg, v->str))
			dconf_error(cfg, v->loc,
				    "%s: resync-after names '%s', which is not defined",
				    owner(cfg, r, v), v->str);
	}
	v = dconf_res_opt(cfg, r, DCONF_O_SHARED_SECRET);
	if (v && !dconf_res_opt(cfg, r, DCONF_O_CRAM_HMAC_ALG))
		dconf_warn(cfg, v->loc,
			   "%s: shared-secret without cram-hmac-alg: peers are not authenticated",
			   owner(cfg, r, v));
	v = dconf_res_opt(cfg, r, DCONF_O_CRAM_HMAC_ALG);
	if (v && !dconf_res_opt(cfg, r, DCONF_O_SHARED_SECRET))
		dconf_error(cfg, v->loc, "%s: cram-hmac-alg needs a shared-secret",
			    owner(cfg, r, v));
	v = dconf_res_opt(cfg, r, DCONF_O_ALLOW_TWO_PRIMARIES);
	if (v && v->num && dconf_res_num(cfg, r, DCONF_O_PROTOCOL) != DUET_PROT_C)
		dconf_error(cfg, v->loc, "%s: allow-two-primaries needs protocol C",
			    owner(cfg, r, v));
	v = dconf_res_opt(cfg, r, DCONF_O_FENCING);
	if (v && v->num != DUET_FEN_DONT_CARE &&
	    !dconf_res_opt(cfg, r, DCONF_O_H_FENCE_PEER))
		dconf_warn(cfg, v->loc,
			   "%s: fencing %s without a fence-peer handler: a node that loses its peer cannot be promoted",
			   owner(cfg, r, v), dconf_enum_name(DCONF_O_FENCING, v->num));
	v = dconf_res_opt(cfg, r, DCONF_O_PING_TIMEOUT);
	if (v && v->num >= dconf_res_num(cfg, r, DCONF_O_PING_INT) * 10)
		dconf_warn(cfg, v->loc,
			   "%s: ping-timeout (0.1 s units) is not shorter than ping-int (seconds)",
			   owner(cfg, r, v));
}

/* ---- things that must be unique --------------------------------------- */

enum claim_kind { CL_MINOR, CL_DEVICE, CL_DISK, CL_META, CL_ADDR, CL_NR };

struct claim {
	enum claim_kind kind;
	const char *host;	/* per host, except addresses (global) */
	char key[300];
	const char *res;
	unsigned vnr;
	struct dconf_loc loc;
};

struct claims {
	struct claim *v;
	size_t n, cap;
};

static const char *claim_what(enum claim_kind k)
{
	switch (k) {
	case CL_MINOR: return "minor";
	case CL_DEVICE: return "device";
	case CL_DISK: return "disk";
	case CL_META: return "meta-data area";
	case CL_ADDR: return "address";
	default: return "?";
	}
}

static void claim(struct dconf_config *cfg, struct claims *cl, enum claim_kind kind,
		  const char *host, const char *key, const char *res, unsigned vnr,
		  struct dconf_loc loc)
{
	struct claim *c;

	for (size_t i = 0; i < cl->n; i++) {
		const struct claim *o = &cl->v[i];

		if (o->kind != kind || strcmp(o->key, key) != 0)
			continue;
		if (kind != CL_ADDR && strcmp(o->host, host) != 0)
			continue;
		if (kind == CL_ADDR)
			dconf_error(cfg, loc,
				    "address %s is used twice: resource '%s' host '%s' and resource '%s' host '%s' (%s:%u)",
				    key, res, host, o->res, o->host, o->loc.file,
				    o->loc.line);
		else
			dconf_error(cfg, loc,
				    "%s %s is used twice on host '%s': resource '%s' volume %u and resource '%s' volume %u (%s:%u)",
				    claim_what(kind), key, host, res, vnr, o->res,
				    o->vnr, o->loc.file, o->loc.line);
		return;
	}
	c = dconf_arena_push(cfg->arena, (void **)&cl->v, &cl->n, &cl->cap,
			     sizeof(*c));
	c->kind = kind;
	c->host = host;
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->res = res;
	c->vnr = vnr;
	c->loc = loc;
}

static void claim_volume(struct dconf_config *cfg, struct claims *cl,
			 const struct dconf_resource *r, const struct dconf_host *h,
			 const struct dconf_volume *v)
{
	char key[300];

	if (v->has_device) {
		snprintf(key, sizeof(key), "%d", v->minor);
		claim(cfg, cl, CL_MINOR, h->name, key, r->name, v->vnr, v->device_loc);
		if (v->device)
			claim(cfg, cl, CL_DEVICE, h->name, v->device, r->name,
			      v->vnr, v->device_loc);
	}
	if (v->disk)
		claim(cfg, cl, CL_DISK, h->name, v->disk, r->name, v->vnr,
		      v->disk_loc);
	switch (v->md_kind) {
	case DCONF_MD_FLEXIBLE:
		/* the whole device: it conflicts with any use of it */
		claim(cfg, cl, CL_DISK, h->name, v->meta_disk, r->name, v->vnr,
		      v->md_loc);
		break;
	case DCONF_MD_INDEXED:
		/* slots share a device; the device is no backing disk */
		snprintf(key, sizeof(key), "%s[%d]", v->meta_disk, v->meta_index);
		claim(cfg, cl, CL_META, h->name, key, r->name, v->vnr, v->md_loc);
		break;
	default:
		break;
	}
}

/* An indexed meta device must not be a backing disk or flexible meta disk. */
static void check_meta_devices(struct dconf_config *cfg, const struct claims *cl)
{
	for (size_t i = 0; i < cl->n; i++) {
		const struct claim *m = &cl->v[i];
		char dev[300];
		char *br;

		if (m->kind != CL_META)
			continue;
		snprintf(dev, sizeof(dev), "%s", m->key);
		br = strrchr(dev, '[');
		if (br)
			*br = '\0';
		for (size_t j = 0; j < cl->n; j++) {
			const struct claim *d = &cl->v[j];

			if (d->kind == CL_DISK && strcmp(d->host, m->host) == 0 &&
			    strcmp(d->key, dev) == 0)
				dconf_error(cfg, m->loc,
					    "meta-disk %s of resource '%s' volume %u on host '%s' is also used whole by resource '%s' volume %u (%s:%u)",
					    dev, m->res, m->vnr, m->host, d->res, d->vnr,
					    d->loc.file, d->loc.line);
		}
	}
}

unsigned dconf_validate(struct dconf_config *cfg, const struct dconf_local *local)
{
	struct claims cl = { 0 };
	char key[300];

	for (size_t i = 0; i < cfg->nres; i++) {
		struct dconf_resource *r = &cfg->res[i];

		r->local = r->peer = -1;
		if (!*r->name)
			continue;	/* already reported */
		if (r->nhosts < 2)
			dconf_error(cfg, r->loc,
				    "resource '%s' has %zu host section%s; duet replicates between exactly two hosts",
				    r->name, r->nhosts, r->nhosts == 1 ? "" : "s");
		for (size_t h = 2; h < r->nhosts; h++)
			dconf_error(cfg, r->hosts[h].loc,
				    "resource '%s': a third host '%s'; duet replicates between exactly two hosts",
				    r->name, r->hosts[h].name);
		for (size_t h = 0; h < r->nhosts; h++)
			check_host(cfg, r, &r->hosts[h]);
		if (r->nhosts == 2)
			check_pair(cfg, r);
		find_local(cfg, r, local);
		check_options(cfg, r);
		for (size_t h = 0; h < r->nhosts; h++) {
			const struct dconf_host *host = &r->hosts[h];

			for (size_t v = 0; v < host->nvols; v++)
				claim_volume(cfg, &cl, r, host, &host->vols[v]);
			if (host->addr.af != DCONF_AF_NONE) {
				dconf_addr_format(&host->addr, key, sizeof(key));
				claim(cfg, &cl, CL_ADDR, host->name, key, r->name, 0,
				      host->addr.loc);
			}
		}
	}
	check_meta_devices(cfg, &cl);
	return cfg->nerrors;
}
