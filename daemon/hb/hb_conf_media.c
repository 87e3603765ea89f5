/*
 * hb_conf_media: the ha.cf media directives (bcast, mcast, mcast6, ucast,
 * ucast6, serial) and ping nodes (ping, ping6, ping_group), with the
 * argument checks and messages of Heartbeat's HBcomm plugins
 * (heartbeat.md §1.2, §4.1). Only syntax is checked here; whether an
 * interface or a tty exists is the daemon glue's business.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/hb/hb_conf.h"
#include "daemon/hb/hb_conf_priv.h"
#include "daemon/hb/hb_str.h"

static struct hb_medium *new_medium(struct cctx *x, enum hb_media_kind k)
{
	struct hb_conf *c = x->c;
	struct hb_medium *m;

	if (c->nmedia >= HB_CONF_MAX_MEDIA) {
		hb_cf_err(x, "Too many media specified (> %d)", HB_CONF_MAX_MEDIA);
		return NULL;
	}
	if (!(m = hb_cf_grow(x, c->media, c->nmedia, sizeof(*m))))
		return NULL;
	c->media = m;
	m += c->nmedia++;
	memset(m, 0, sizeof(*m));
	m->kind = k;
	m->line = x->line;
	return m;
}

static int check_ifname(struct cctx *x, const char *kind, const char *ifn,
			size_t len)
{
	if (len == 0 || len > HB_IFNAME_MAX || memchr(ifn, '/', len)) {
		hb_cf_err(x, "%s: invalid interface name [%.*s]", kind, (int)len, ifn);
		return -1;
	}
	return 0;
}

int hb_cf_bcast(struct cctx *x, const char *v)
{
	struct hb_medium *m;

	if (check_ifname(x, "bcast", v, strlen(v)) != 0)
		return -1;
	if (!(m = new_medium(x, HB_MEDIA_BCAST)))
		return -1;
	m->port = x->c->udpport;
	x->udp_media_yet = true;
	return (m->ifname = hb_cf_dup(x, v)) ? 0 : -1;
}

int hb_cf_serial(struct cctx *x, const char *v)
{
	struct hb_medium *m;

	if (v[0] != '/') {
		hb_cf_err(x, "Serial port not full pathname [%s] in config file", v);
		return -1;
	}
	if (!(m = new_medium(x, HB_MEDIA_SERIAL)))
		return -1;
	m->baud = x->c->baud;
	x->serial_yet = true;
	return (m->dev = hb_cf_dup(x, v)) ? 0 : -1;
}

/* Splits the rest of a line into at most max words; returns the count. */
static size_t words(const char *v, const char **w, size_t *wl, size_t max,
		    bool *extra)
{
	size_t n = 0;

	*extra = false;
	for (;;) {
		v += strspn(v, HB_WHITESPACE);
		if (!*v)
			break;
		if (n == max) {
			*extra = true;
			break;
		}
		w[n] = v;
		wl[n] = strcspn(v, HB_WHITESPACE);
		v += wl[n];
		n++;
	}
	return n;
}

static int kw_ucast_any(struct cctx *x, const char *v, bool v6)
{
	const char *name = v6 ? "ucast6" : "ucast";
	const char *w[2];
	size_t wl[2], n;
	struct hb_medium *m;
	bool extra;

	n = words(v, w, wl, 2, &extra);
	if (n == 0)
		return 0;
	if (check_ifname(x, name, w[0], wl[0]) != 0)
		return -1;
	if (n < 2) {
		hb_cf_err(x, "%s: [%.*s] missing target IP address/hostname", name,
		    (int)wl[0], w[0]);
		return -1;
	}
	if (v6) {
		char a[64];
		unsigned char buf[16];
		size_t al = strcspn(w[1], "%");	/* fe80::1%eth0 */

		if (al > wl[1])
			al = wl[1];
		if (al < sizeof(a)) {
			memcpy(a, w[1], al);
			a[al] = '\0';
		} else {
			a[0] = '\0';
		}
		if (inet_pton(AF_INET6, a, buf) != 1) {
			hb_cf_err(x, "ucast6: bad IPv6 address [%.*s]", (int)wl[1], w[1]);
			return -1;
		}
	}
	if (extra)
		hb_cf_warn(x, "%s: extra words after [%.*s] ignored", name, (int)wl[1], w[1]);
	if (!(m = new_medium(x, v6 ? HB_MEDIA_UCAST6 : HB_MEDIA_UCAST)))
		return -1;
	m->port = x->c->udpport;
	x->udp_media_yet = true;
	m->ifname = hb_strndup(w[0], wl[0]);
	m->addr = hb_strndup(w[1], wl[1]);
	return m->ifname && m->addr ? 0 : -1;
}

int hb_cf_ucast(struct cctx *x, const char *v)
{
	return kw_ucast_any(x, v, false);
}

int hb_cf_ucast6(struct cctx *x, const char *v)
{
	return kw_ucast_any(x, v, true);
}

static int kw_mcast_any(struct cctx *x, const char *v, bool v6)
{
	const char *name = v6 ? "mcast6" : "mcast";
	const char *w[5];
	size_t wl[5], n;
	unsigned long port, ttl, loop;
	char tok[64];
	unsigned char buf[16];
	struct hb_medium *m;
	bool extra;

	n = words(v, w, wl, 5, &extra);
	if (n == 0)
		return 0;
	if (check_ifname(x, name, w[0], wl[0]) != 0)
		return -1;
#define TOK(i) (wl[i] < sizeof(tok) ? (memcpy(tok, w[i], wl[i]), tok[wl[i]] = '\0', tok) : "")
	if (n < 2) {
		hb_cf_err(x, "%s [%.*s] missing mcast address", name, (int)wl[0], w[0]);
		return -1;
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, TOK(1), buf) != 1 ||
	    (v6 ? buf[0] != 0xff : (buf[0] < 224 || buf[0] > 239))) {
		hb_cf_err(x, "%s [%.*s] bad addr [%.*s]", name, (int)wl[0], w[0],
		    (int)wl[1], w[1]);
		return -1;
	}
	if (n < 3) {
		hb_cf_err(x, "%s [%.*s] missing port", name, (int)wl[0], w[0]);
		return -1;
	}
	if (hb_parse_ulong(TOK(2), 65535, &port) != 0 || port == 0) {
		hb_cf_err(x, "%s [%.*s] bad port [%.*s]", name, (int)wl[0], w[0],
		    (int)wl[2], w[2]);
		return -1;
	}
	if (n < 4) {
		hb_cf_err(x, "%s [%.*s] missing %s", name, (int)wl[0], w[0], v6 ? "hops" : "ttl");
		return -1;
	}
	/* Heartbeat's mcast takes a TTL of 0 to 4; mcast6 hops up to 255 */
	if (hb_parse_ulong(TOK(3), v6 ? 255 : 4, &ttl) != 0) {
		hb_cf_err(x, "%s [%.*s] bad %s [%.*s]", name, (int)wl[0], w[0],
		    v6 ? "hops" : "ttl", (int)wl[3], w[3]);
		return -1;
	}
	if (n < 5) {
		hb_cf_err(x, "%s [%.*s] missing loop", name, (int)wl[0], w[0]);
		return -1;
	}
	if (hb_parse_ulong(TOK(4), 1, &loop) != 0) {
		hb_cf_err(x, "%s [%.*s] bad loop [%.*s]", name, (int)wl[0], w[0],
		    (int)wl[4], w[4]);
		return -1;
	}
#undef TOK
	if (extra)
		hb_cf_warn(x, "%s: extra words after the loop value ignored", name);
	if (!(m = new_medium(x, v6 ? HB_MEDIA_MCAST6 : HB_MEDIA_MCAST)))
		return -1;
	m->port = (unsigned)port;
	m->ttl = (unsigned)ttl;
	m->loop = loop != 0;
	m->ifname = hb_strndup(w[0], wl[0]);
	m->addr = hb_strndup(w[1], wl[1]);
	return m->ifname && m->addr ? 0 : -1;
}

int hb_cf_mcast(struct cctx *x, const char *v)
{
	return kw_mcast_any(x, v, false);
}

int hb_cf_mcast6(struct cctx *x, const char *v)
{
	return kw_mcast_any(x, v, true);
}

static struct hb_ping *new_ping(struct cctx *x, const char *name, size_t nlen)
{
	struct hb_conf *c = x->c;
	struct hb_ping *p;

	for (size_t i = 0; i < c->npings; i++) {
		if (strlen(c->pings[i].name) == nlen &&
		    strncasecmp(c->pings[i].name, name, nlen) == 0) {
			hb_cf_err(x, "ping node [%.*s] defined more than once", (int)nlen, name);
			return NULL;
		}
	}
	if (!(p = hb_cf_grow(x, c->pings, c->npings, sizeof(*p))))
		return NULL;
	c->pings = p;
	p += c->npings++;
	memset(p, 0, sizeof(*p));
	p->line = x->line;
	if (!(p->name = hb_strndup(name, nlen)))
		return NULL;
	hb_strlower(p->name);
	return p;
}

static int ping_add_addr(struct cctx *x, struct hb_ping *p, const char *a, size_t len)
{
	char **v = hb_cf_grow(x, p->addrs, p->naddrs, sizeof(*v));

	if (!v)
		return -1;
	p->addrs = v;
	if (!(v[p->naddrs] = hb_strndup(a, len)))
		return -1;
	p->naddrs++;
	return 0;
}

static int kw_ping_any(struct cctx *x, const char *v, bool v6)
{
	struct hb_ping *p;

	if (strlen(v) > HB_NODENAME_MAX) {
		hb_cf_err(x, "ping node name [%s] is too long", v);
		return -1;
	}
	if (!(p = new_ping(x, v, strlen(v))))
		return -1;
	p->v6 = v6;
	return ping_add_addr(x, p, v, strlen(v));
}

int hb_cf_ping(struct cctx *x, const char *v)
{
	return kw_ping_any(x, v, false);
}

int hb_cf_ping6(struct cctx *x, const char *v)
{
	return kw_ping_any(x, v, true);
}

int hb_cf_ping_group(struct cctx *x, const char *v)
{
	size_t nlen = strcspn(v, HB_WHITESPACE);
	const char *a = v + nlen;
	struct hb_ping *p;

	if (nlen == 0)
		return 0;
	if (nlen > HB_NODENAME_MAX) {
		hb_cf_err(x, "ping_group name [%.*s] is too long", (int)nlen, v);
		return -1;
	}
	a += strspn(a, HB_WHITESPACE);
	if (!*a) {
		hb_cf_err(x, "ping_group [%.*s] has no addresses", (int)nlen, v);
		return -1;
	}
	if (!(p = new_ping(x, v, nlen)))
		return -1;
	p->group = true;
	while (*a) {
		size_t l = strcspn(a, HB_WHITESPACE);

		if (ping_add_addr(x, p, a, l) != 0)
			return -1;
		a += l;
		a += strspn(a, HB_WHITESPACE);
	}
	return 0;
}

