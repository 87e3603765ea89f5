/*
 * fw_config: the plan from duet.conf (daemon/dconf) and ha.cf (daemon/hb).
 * See fw_config.h. The parsers report syntax errors with file and line;
 * this adapter adds what only the firewall cares about: a resource port
 * used twice, no resource at all, ucast names that do not resolve,
 * bcast/mcast interfaces without an address.
 */
#include "firewall/fw_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/dconf/dconf.h"
#include "daemon/hb/hb_conf.h"
#include "daemon/hb/hb_diag.h"

/* ha.cf is a few KiB; Heartbeat itself reads lines of at most 1 KiB */
#define HA_CF_MAX (1u << 20)
#define MAX_PEER_ADDRS 64

struct peers {
	struct fw_net a[MAX_PEER_ADDRS];
	size_t n;
};

static void peers_add(struct peers *p, const struct fw_net *x)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (fw_net_equal(&p->a[i], x))
			return;
	if (p->n < MAX_PEER_ADDRS)
		p->a[p->n++] = *x;
}

static bool is_local(const struct fw_config_in *in, const struct fw_net *x)
{
	size_t i;

	for (i = 0; i < in->nifs; i++)
		if (fw_net_equal(&in->ifs[i].addr, x))
			return true;
	return false;
}

/* Comment text for a rule (cut to FW_WHAT_MAX). */
static void setwhat(char *dst, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void setwhat(char *dst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, FW_WHAT_MAX, fmt, ap);
	va_end(ap);
}

/* "name:line" with the file's base name, for comments */
static void shortloc(char *buf, size_t len, const char *file, unsigned line)
{
	const char *b = strrchr(file, '/');

	snprintf(buf, len, "%s:%u", b ? b + 1 : file, line);
}

/* "file:line" or "file" for line 0 */
static void where(char *buf, size_t len, const char *file, unsigned line)
{
	if (line)
		snprintf(buf, len, "%s:%u", file, line);
	else
		snprintf(buf, len, "%s", file);
}

/* ---- duet.conf ------------------------------------------------------------ */

static bool dconf_is_local_addr(void *ctx, const struct dconf_addr *a)
{
	const struct fw_config_in *in = ctx;
	struct fw_net x;

	if (fw_net_from_bytes(&x, a->af == DCONF_AF_IPV6 ? FW_IPV6 : FW_IPV4,
			      a->bin, a->af == DCONF_AF_IPV6 ? 128 : 32) < 0)
		return false;
	return is_local(in, &x);
}

static int addr_net(const struct dconf_addr *a, struct fw_net *x)
{
	if (a->af == DCONF_AF_IPV4)
		return fw_net_from_bytes(x, FW_IPV4, a->bin, 32);
	if (a->af == DCONF_AF_IPV6)
		return fw_net_from_bytes(x, FW_IPV6, a->bin, 128);
	return -1;
}

/* The replication ports and peers. Adds every peer address to PEERS. */
static void from_duet_conf(const struct fw_config_in *in, struct fw_plan *plan,
			   struct peers *peers)
{
	struct dconf_local local = { .hostname = in->hostname,
				     .is_local_addr = dconf_is_local_addr,
				     .ctx = (void *)in };
	const struct dconf_host *me, *peer, *other;
	const struct dconf_resource *r;
	struct dconf_config *cfg;
	struct fw_accept a;
	char loc[512], loc2[512], sl[128], what[FW_WHAT_MAX];
	size_t i, j;

	cfg = dconf_config_new();
	if (!cfg) {
		fw_plan_error(plan, "%s: out of memory", in->duet_conf);
		return;
	}
	if (dconf_load_file(cfg, in->duet_conf) == 0)
		dconf_validate(cfg, &local);
	for (i = 0; i < cfg->ndiags; i++) {
		const struct dconf_diag *d = &cfg->diags[i];

		/* warnings about options are duetadm's business */
		if (d->sev != DCONF_ERROR)
			continue;
		where(loc, sizeof(loc), d->loc.file ? d->loc.file : in->duet_conf, d->loc.line);
		fw_plan_error(plan, "%s: %s", loc, d->msg);
	}
	if (cfg->truncated)
		fw_plan_error(plan, "%s: too many errors (%u), giving up", in->duet_conf,
			      cfg->nerrors);
	if (cfg->nerrors)
		goto out;
	if (cfg->nres == 0) {
		fw_plan_error(plan, "%s: no resource, so no peer to let in "
				    "(a resource needs an 'on' section for each node with its 'address')",
			      in->duet_conf);
		goto out;
	}
	for (i = 0; i < cfg->nres; i++) {
		r = &cfg->res[i];
		me = dconf_local_host(r);
		peer = dconf_peer_host(r);
		if (!me || !peer)
			continue;	/* dconf_validate reported it */
		/* one port per resource: DRBD's convention, and the rules need it */
		for (j = 0; j < i; j++) {
			other = dconf_local_host(&cfg->res[j]);
			if (other && other->addr.port == me->addr.port) {
				where(loc, sizeof(loc), me->addr.loc.file, me->addr.loc.line);
				where(loc2, sizeof(loc2), other->addr.loc.file, other->addr.loc.line);
				fw_plan_error(plan, "%s: resource '%s' uses port %u, which resource '%s' "
						    "uses already (%s); every resource needs its own port",
					      loc, r->name, me->addr.port, cfg->res[j].name, loc2);
				break;
			}
		}
		if (j < i)
			continue;
		shortloc(sl, sizeof(sl), me->addr.loc.file, me->addr.loc.line);
		setwhat(what, "replication, resource %s (%s)", r->name, sl);
		fw_plan_guard(plan, FW_TCP, me->addr.port, what);
		memset(&a, 0, sizeof(a));
		a.proto = FW_TCP;
		a.port = me->addr.port;
		if (addr_net(&peer->addr, &a.src) < 0) {
			where(loc, sizeof(loc), peer->addr.loc.file, peer->addr.loc.line);
			fw_plan_error(plan, "%s: resource '%s': the peer's address is not IPv4 or IPv6",
				      loc, r->name);
			continue;
		}
		shortloc(sl, sizeof(sl), peer->addr.loc.file, peer->addr.loc.line);
		setwhat(a.what, "resource %s: peer %s (%s)", r->name, peer->name, sl);
		fw_plan_accept(plan, &a);
		peers_add(peers, &a.src);
	}
out:
	dconf_config_free(cfg);
}

/* ---- ha.cf -------------------------------------------------------------- */

static char *read_file(const char *path, size_t *len, int *err)
{
	char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;
	FILE *f = fopen(path, "re");

	if (!f) {
		*err = errno;
		return NULL;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > HA_CF_MAX + 8192 || !(nb = realloc(buf, cap))) {
				*err = cap > HA_CF_MAX + 8192 ? EFBIG : ENOMEM;
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
		if (r < 4096)
			break;
	}
	if (ferror(f)) {
		*err = errno ? errno : EIO;
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The addresses of interface IF of FAMILY (with their prefix lengths). */
static size_t if_addrs(const struct fw_config_in *in, const char *ifname,
		       enum fw_family fam, const struct fw_ifaddr **out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < in->nifs && n < max; i++)
		if (in->ifs[i].addr.family == fam && strcmp(in->ifs[i].ifname, ifname) == 0)
			out[n++] = &in->ifs[i];
	return n;
}

/*
 * bcast / mcast / mcast6 on IF: the peer's known addresses inside one of
 * IF's subnets; else IF's subnets, with a warning. GROUP is the multicast
 * group (NULL for bcast).
 */
static void shared_medium(const struct fw_config_in *in, struct fw_plan *plan,
			  const struct peers *peers, const struct hb_medium *m,
			  enum fw_family fam, const struct fw_net *group,
			  const char *loc, const char *sloc, const char *kind)
{
	const struct fw_ifaddr *ifa[32];
	struct fw_accept a;
	struct fw_net sub;
	char txt[FW_NET_STRLEN], subs[256] = "";
	size_t nif, i, j, found = 0;

	memset(&a, 0, sizeof(a));
	a.proto = FW_UDP;
	a.port = (uint16_t)m->port;
	if (group) {
		a.has_dst = true;
		a.dst = *group;
	}
	nif = if_addrs(in, m->ifname, fam, ifa, 32);
	for (i = 0; i < peers->n; i++) {
		if (peers->a[i].family != fam)
			continue;
		for (j = 0; j < nif; j++) {
			sub = ifa[j]->addr;
			sub.prefix = ifa[j]->prefix;
			fw_net_mask(&sub);
			if (!fw_net_contains(&sub, &peers->a[i]))
				continue;
			a.src = peers->a[i];
			fw_net_format(&a.src, false, txt, sizeof(txt));
			setwhat(a.what, "%s %s: peer %s (%s)", kind, m->ifname, txt, sloc);
			fw_plan_accept(plan, &a);
			found++;
			break;
		}
	}
	if (found)
		return;
	if (nif == 0) {
		fw_plan_error(plan, "%s: %s %s: no address of the peer is known on %s and %s has no %s "
				    "address here, so there is no subnet to allow either",
			      loc, kind, m->ifname, m->ifname, m->ifname,
			      fam == FW_IPV4 ? "IPv4" : "IPv6");
		return;
	}
	for (j = 0; j < nif; j++) {
		a.src = ifa[j]->addr;
		a.src.prefix = ifa[j]->prefix;
		fw_net_mask(&a.src);
		fw_net_format(&a.src, true, txt, sizeof(txt));
		setwhat(a.what, "%s %s: subnet %s, no peer address known (%s)",
			kind, m->ifname, txt, sloc);
		snprintf(a.iface, sizeof(a.iface), "%s", m->ifname);
		if (fw_plan_accept(plan, &a) > 0)
			snprintf(subs + strlen(subs), sizeof(subs) - strlen(subs), "%s%s",
				 subs[0] ? ", " : "", txt);
	}
	if (subs[0])
		fw_plan_warn(plan, "%s: %s %s: no address of the peer is known on %s (none of its "
				   "duet.conf or ucast addresses is in %s's subnets); heartbeats are "
				   "accepted from the whole subnet %s",
			     loc, kind, m->ifname, m->ifname, m->ifname, subs);
}

static void from_ha_cf(const struct fw_config_in *in, struct fw_plan *plan,
		       struct peers *peers)
{
	struct fw_net addrs[16], group;
	struct fw_accept a;
	struct hb_conf c;
	struct hb_diag d;
	const struct hb_medium *m;
	char loc[512], sloc[128], zone[FW_IFNAME_MAX + 1], txt[FW_NET_STRLEN], what[FW_WHAT_MAX];
	size_t len = 0, i, k;
	char *buf;
	int err = 0, n;
	bool v6;

	buf = read_file(in->ha_cf, &len, &err);
	if (!buf) {
		fw_plan_error(plan, "%s: cannot read: %s", in->ha_cf, strerror(err));
		return;
	}
	memset(&c, 0, sizeof(c));
	hb_diag_init(&d);
	if (hb_conf_parse(&c, buf, len, in->ha_cf, &d) == 0)
		hb_conf_check_local(&c, in->hostname, in->ha_cf, &d);
	free(buf);
	for (i = 0; i < d.n; i++)
		if (d.v[i].sev == HB_SEV_ERR)
			fw_plan_error(plan, "%s", d.v[i].text);
	if (d.oom)
		plan->oom = true;
	if (d.nerr)
		goto out;

	/* first pass: the peer's addresses from the ucast lines */
	for (i = 0; i < c.nmedia; i++) {
		m = &c.media[i];
		if (m->kind != HB_MEDIA_UCAST && m->kind != HB_MEDIA_UCAST6)
			continue;
		v6 = m->kind == HB_MEDIA_UCAST6;
		where(loc, sizeof(loc), in->ha_cf, m->line);
		shortloc(sloc, sizeof(sloc), in->ha_cf, m->line);
		n = 0;
		if (fw_net_parse(m->addr, &addrs[0], zone) == 0) {
			if ((addrs[0].family == FW_IPV6) != v6) {
				fw_plan_error(plan, "%s: %s %s: '%s' is an %s address", loc,
					      hb_media_kind_str(m->kind), m->ifname, m->addr,
					      v6 ? "IPv4" : "IPv6");
				continue;
			}
			n = 1;
		} else if (!v6 && in->resolve) {
			n = in->resolve(in->ctx, m->addr, addrs, 16);
			/* ucast is IPv4: keep the name's IPv4 addresses */
			for (k = 0; n > 0 && k < (size_t)n; ) {
				if (addrs[k].family != FW_IPV4)
					addrs[k] = addrs[--n];
				else
					k++;
			}
		}
		if (n <= 0) {
			fw_plan_error(plan, "%s: %s %s: '%s' is not an address%s", loc,
				      hb_media_kind_str(m->kind), m->ifname, m->addr,
				      !v6 && in->resolve ? " and does not resolve to an IPv4 address" : "");
			continue;
		}
		for (k = 0; k < (size_t)n; k++) {
			/* both nodes may share one ha.cf: our own address is no peer */
			if (is_local(in, &addrs[k]))
				continue;
			memset(&a, 0, sizeof(a));
			a.proto = FW_UDP;
			a.port = (uint16_t)m->port;
			a.src = addrs[k];
			fw_net_format(&a.src, false, txt, sizeof(txt));
			setwhat(a.what, "%s %s %s (%s)",
				hb_media_kind_str(m->kind), m->ifname, txt, sloc);
			setwhat(what, "heartbeat, udpport (%s)", sloc);
			fw_plan_guard(plan, FW_UDP, a.port, what);
			fw_plan_accept(plan, &a);
			peers_add(peers, &a.src);
		}
		/* only our own address: the port is still heartbeat's */
		setwhat(what, "heartbeat, udpport (%s)", sloc);
		fw_plan_guard(plan, FW_UDP, (uint16_t)m->port, what);
	}
	/* second pass: bcast and mcast, which need the peer's addresses */
	for (i = 0; i < c.nmedia; i++) {
		m = &c.media[i];
		where(loc, sizeof(loc), in->ha_cf, m->line);
		shortloc(sloc, sizeof(sloc), in->ha_cf, m->line);
		switch (m->kind) {
		case HB_MEDIA_BCAST:
			setwhat(what, "heartbeat, bcast (%s)", sloc);
			fw_plan_guard(plan, FW_UDP, (uint16_t)m->port, what);
			shared_medium(in, plan, peers, m, FW_IPV4, NULL, loc, sloc, "bcast");
			break;
		case HB_MEDIA_MCAST:
		case HB_MEDIA_MCAST6:
			if (fw_net_parse(m->addr, &group, NULL) < 0) {
				fw_plan_error(plan, "%s: %s: bad group address '%s'", loc,
					      hb_media_kind_str(m->kind), m->addr);
				break;
			}
			setwhat(what, "heartbeat, %s %s (%s)",
				hb_media_kind_str(m->kind), m->addr, sloc);
			fw_plan_guard(plan, FW_UDP, (uint16_t)m->port, what);
			setwhat(what, "%s %s", hb_media_kind_str(m->kind), m->addr);
			shared_medium(in, plan, peers, m,
				      m->kind == HB_MEDIA_MCAST ? FW_IPV4 : FW_IPV6, &group,
				      loc, sloc, what);
			break;
		default:
			break;
		}
	}
out:
	hb_conf_free(&c);
	hb_diag_free(&d);
}

int fw_config_plan(const struct fw_config_in *in, struct fw_plan *plan)
{
	struct peers *peers = calloc(1, sizeof(*peers));
	char host[FW_NAME_MAX];
	size_t i;

	if (!peers) {
		plan->oom = true;
		return -1;
	}
	/* Heartbeat compares node names in lower case */
	snprintf(host, sizeof(host), "%s", in->hostname ? in->hostname : "");
	for (i = 0; host[i]; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	fw_plan_set_node(plan, in->hostname);
	fw_plan_add_source(plan, in->duet_conf);
	fw_plan_add_source(plan, in->ha_cf);
	from_duet_conf(in, plan, peers);
	{
		struct fw_config_in lower = *in;

		lower.hostname = host;
		from_ha_cf(&lower, plan, peers);
	}
	free(peers);
	return plan->nerrors || plan->oom ? -1 : 0;
}
