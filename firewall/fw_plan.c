/*
 * fw_plan: the plan of accept rules and guarded ports (see fw_plan.h).
 */
#include "firewall/fw_plan.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fw_plan_init(struct fw_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void fw_plan_free(struct fw_plan *p)
{
	size_t i;

	for (i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	for (i = 0; i < p->nerrors; i++)
		free(p->errors[i]);
	for (i = 0; i < p->nsources; i++)
		free(p->sources[i]);
	free(p->warnings);
	free(p->errors);
	free(p->sources);
	free(p->ports);
	free(p->acc);
	memset(p, 0, sizeof(*p));
}

/* Makes room for one more element of SIZE bytes in *V. 0 / -1. */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
	void *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

void fw_plan_set_node(struct fw_plan *p, const char *node)
{
	copy_str(p->node, sizeof(p->node), node);
}

static int push_str(struct fw_plan *p, char ***v, size_t *n, size_t *cap,
		    char *s)
{
	if (!s || grow((void **)v, *n, cap, sizeof(**v)) < 0) {
		free(s);
		p->oom = true;
		return -1;
	}
	(*v)[(*n)++] = s;
	return 0;
}

int fw_plan_add_source(struct fw_plan *p, const char *path)
{
	return push_str(p, &p->sources, &p->nsources, &p->csources,
			strdup(path));
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

int fw_plan_warn(struct fw_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vfmt(fmt, ap);
	va_end(ap);
	return push_str(p, &p->warnings, &p->nwarnings, &p->cwarnings, s);
}

int fw_plan_error(struct fw_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vfmt(fmt, ap);
	va_end(ap);
	return push_str(p, &p->errors, &p->nerrors, &p->cerrors, s);
}

const struct fw_port *fw_plan_find_port(const struct fw_plan *p,
					enum fw_proto proto, uint16_t port)
{
	size_t i;

	for (i = 0; i < p->nports; i++)
		if (p->ports[i].proto == proto && p->ports[i].port == port)
			return &p->ports[i];
	return NULL;
}

int fw_plan_guard(struct fw_plan *p, enum fw_proto proto, uint16_t port,
		  const char *what)
{
	struct fw_port *fp;

	if (port == 0 || (proto != FW_TCP && proto != FW_UDP))
		return -1;
	if (fw_plan_find_port(p, proto, port))
		return 0;
	if (grow((void **)&p->ports, p->nports, &p->cports, sizeof(*p->ports)) < 0) {
		p->oom = true;
		return -1;
	}
	fp = &p->ports[p->nports++];
	memset(fp, 0, sizeof(*fp));
	fp->proto = proto;
	fp->port = port;
	copy_str(fp->what, sizeof(fp->what), what);
	return 1;
}

static bool valid_net(const struct fw_net *n)
{
	if (n->family == FW_IPV4)
		return n->prefix <= 32;
	if (n->family == FW_IPV6)
		return n->prefix <= 128;
	return false;
}

static bool same_rule(const struct fw_accept *a, const struct fw_accept *b)
{
	return a->proto == b->proto && a->port == b->port &&
	       fw_net_equal(&a->src, &b->src) && a->has_dst == b->has_dst &&
	       (!a->has_dst || fw_net_equal(&a->dst, &b->dst)) &&
	       strcmp(a->iface, b->iface) == 0;
}

int fw_plan_accept(struct fw_plan *p, const struct fw_accept *a)
{
	struct fw_accept r;
	size_t i;

	if (a->port == 0 || (a->proto != FW_TCP && a->proto != FW_UDP) ||
	    !valid_net(&a->src) ||
	    (a->has_dst && (!valid_net(&a->dst) ||
			    a->dst.family != a->src.family)))
		return -1;
	r = *a;
	r.iface[sizeof(r.iface) - 1] = '\0';
	r.what[sizeof(r.what) - 1] = '\0';
	fw_net_mask(&r.src);
	if (r.has_dst)
		fw_net_mask(&r.dst);
	else
		memset(&r.dst, 0, sizeof(r.dst));
	for (i = 0; i < p->nacc; i++)
		if (same_rule(&p->acc[i], &r))
			return 0;
	if (fw_plan_guard(p, r.proto, r.port, r.what) < 0)
		return -1;
	if (grow((void **)&p->acc, p->nacc, &p->cacc, sizeof(*p->acc)) < 0) {
		p->oom = true;
		return -1;
	}
	p->acc[p->nacc++] = r;
	return 1;
}

size_t fw_plan_count_family(const struct fw_plan *p, enum fw_family family)
{
	size_t i, n = 0;

	for (i = 0; i < p->nacc; i++)
		if (p->acc[i].src.family == family)
			n++;
	return n;
}

static int port_cmp(const struct fw_port *a, const struct fw_port *b)
{
	if (a->proto != b->proto)
		return a->proto == FW_TCP ? -1 : 1;
	return (a->port > b->port) - (a->port < b->port);
}

void fw_plan_port_order(const struct fw_plan *p, size_t *idx)
{
	size_t i, j, t;

	for (i = 0; i < p->nports; i++)
		idx[i] = i;
	/* insertion sort: a handful of ports */
	for (i = 1; i < p->nports; i++) {
		t = idx[i];
		for (j = i; j > 0 && port_cmp(&p->ports[idx[j - 1]], &p->ports[t]) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = t;
	}
}

/* ---- addresses ------------------------------------------------------- */

int fw_net_from_bytes(struct fw_net *n, enum fw_family family,
		      const uint8_t *bytes, unsigned prefix)
{
	memset(n, 0, sizeof(*n));
	if (family != FW_IPV4 && family != FW_IPV6)
		return -1;
	n->family = family;
	memcpy(n->addr, bytes, family == FW_IPV4 ? 4 : 16);
	n->prefix = prefix;
	if (!valid_net(n))
		return -1;
	fw_net_mask(n);
	return 0;
}

static bool parse_prefix(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

int fw_net_parse(const char *s, struct fw_net *n, char zone[FW_IFNAME_MAX + 1])
{
	char buf[128];
	char *slash, *pct, *a;
	size_t len;
	unsigned prefix;
	bool have_prefix = false;

	memset(n, 0, sizeof(*n));
	if (zone)
		zone[0] = '\0';
	if (!s)
		return -1;
	len = strlen(s);
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	a = buf;
	slash = strchr(a, '/');
	if (slash) {
		*slash = '\0';
		have_prefix = true;
	}
	if (a[0] == '[') {
		len = strlen(a);
		if (len < 3 || a[len - 1] != ']')
			return -1;
		a[len - 1] = '\0';
		a++;
	}
	pct = strchr(a, '%');
	if (pct) {
		*pct = '\0';
		if (!pct[1] || strlen(pct + 1) > FW_IFNAME_MAX)
			return -1;
		if (zone)
			snprintf(zone, FW_IFNAME_MAX + 1, "%s", pct + 1);
	}
	if (inet_pton(AF_INET, a, n->addr) == 1 && !pct && a == buf) {
		n->family = FW_IPV4;
		prefix = 32;
	} else if (inet_pton(AF_INET6, a, n->addr) == 1) {
		n->family = FW_IPV6;
		prefix = 128;
	} else {
		return -1;
	}
	if (have_prefix && !parse_prefix(slash + 1, prefix, &prefix))
		return -1;
	n->prefix = prefix;
	fw_net_mask(n);
	return 0;
}

void fw_net_mask(struct fw_net *n)
{
	unsigned bytes = n->family == FW_IPV4 ? 4 : 16, i, bits;

	for (i = 0; i < bytes; i++) {
		bits = n->prefix > i * 8 ? n->prefix - i * 8 : 0;
		if (bits >= 8)
			continue;
		n->addr[i] &= (uint8_t)(0xff00u >> bits);
	}
	for (i = bytes; i < 16; i++)
		n->addr[i] = 0;
}

bool fw_net_is_host(const struct fw_net *n)
{
	return n->prefix == (n->family == FW_IPV4 ? 32u : 128u);
}

bool fw_net_equal(const struct fw_net *a, const struct fw_net *b)
{
	return a->family == b->family && a->prefix == b->prefix &&
	       memcmp(a->addr, b->addr, a->family == FW_IPV4 ? 4 : 16) == 0;
}

bool fw_net_contains(const struct fw_net *net, const struct fw_net *addr)
{
	struct fw_net t;

	if (net->family != addr->family || addr->prefix < net->prefix)
		return false;
	t = *addr;
	t.prefix = net->prefix;
	fw_net_mask(&t);
	return fw_net_equal(net, &t);
}

bool fw_net_is_multicast(const struct fw_net *n)
{
	if (n->family == FW_IPV4)
		return (n->addr[0] & 0xf0) == 0xe0;
	return n->addr[0] == 0xff;
}

void fw_net_format(const struct fw_net *n, bool always_prefix, char *buf,
		   size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(n->family == FW_IPV4 ? AF_INET : AF_INET6, n->addr, a,
		       sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (always_prefix || !fw_net_is_host(n))
		snprintf(buf, len, "%s/%u", a, n->prefix);
	else
		snprintf(buf, len, "%s", a);
}

const char *fw_proto_name(enum fw_proto proto)
{
	return proto == FW_TCP ? "tcp" : "udp";
}
