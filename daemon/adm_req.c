/* duetadm: messages as data, see adm_req.h. */
#include "daemon/adm_req.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod/uapi/duet_genl.h"

_Noreturn static void oom(void)
{
	fputs("duetadm: out of memory\n", stderr);
	abort();
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		oom();
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

static void attr_free(struct adm_attr *a)
{
	for (size_t i = 0; i < a->nkids; i++) {
		attr_free(a->kids[i]);
		free(a->kids[i]);
	}
	free(a->kids);
	free(a->str);
	memset(a, 0, sizeof(*a));
}

void adm_msg_init(struct adm_msg *m, int cmd)
{
	memset(m, 0, sizeof(*m));
	m->cmd = cmd;
	m->top.set = &adm_set_top;
	m->top.def = NULL;
}

void adm_msg_free(struct adm_msg *m)
{
	attr_free(&m->top);
	free(m->comment);
	m->comment = NULL;
}

struct adm_msg *adm_plan_add(struct adm_plan *p, int cmd, const char *comment, ...)
{
	struct adm_msg *m;

	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		struct adm_msg *nm = realloc(p->msgs, ncap * sizeof(*nm));

		if (!nm)
			oom();
		p->msgs = nm;
		p->cap = ncap;
	}
	m = &p->msgs[p->n++];
	adm_msg_init(m, cmd);
	if (comment) {
		va_list ap;

		va_start(ap, comment);
		if (vasprintf(&m->comment, comment, ap) < 0)
			oom();
		va_end(ap);
	}
	return m;
}

void adm_plan_free(struct adm_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		adm_msg_free(&p->msgs[i]);
	free(p->msgs);
	memset(p, 0, sizeof(*p));
}

/* The child TYPE of N, created (zeroed, schema attached) if missing. */
static struct adm_attr *child(struct adm_attr *n, int type)
{
	const struct adm_attrdef *d = adm_attrdef(n->set, type);
	struct adm_attr *a;

	if (!d) {
		fprintf(stderr, "duetadm: internal error: attribute %d not in set '%s'\n",
			type, n->set ? n->set->name : "?");
		abort();
	}
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i]->type == type)
			return n->kids[i];
	if (n->nkids == n->cap) {
		size_t ncap = n->cap ? n->cap * 2 : 8;
		struct adm_attr **nk = realloc(n->kids, ncap * sizeof(*nk));

		if (!nk)
			oom();
		n->kids = nk;
		n->cap = ncap;
	}
	a = xcalloc(1, sizeof(*a));
	n->kids[n->nkids++] = a;
	a->type = type;
	a->def = d;
	a->set = d->nest;
	return a;
}

struct adm_attr *adm_nest(struct adm_attr *parent, int type)
{
	return child(parent, type);
}

struct adm_attr *adm_msg_nest(struct adm_msg *m, int type)
{
	return child(&m->top, type);
}

void adm_put_num(struct adm_attr *n, int type, int64_t v)
{
	child(n, type)->num = v;
}

void adm_put_str(struct adm_attr *n, int type, const char *s)
{
	struct adm_attr *a = child(n, type);

	free(a->str);
	a->str = xstrdup(s ? s : "");
}

void adm_put_bin(struct adm_attr *n, int type, const void *p, size_t len)
{
	struct adm_attr *a = child(n, type);

	if (len > sizeof(a->bin))
		len = sizeof(a->bin);
	memcpy(a->bin, p, len);
	a->binlen = len;
}

void adm_put_flag(struct adm_attr *n, int type)
{
	child(n, type)->num = 1;
}

const struct adm_attr *adm_find(const struct adm_attr *n, int type)
{
	if (!n)
		return NULL;
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i]->type == type)
			return n->kids[i];
	return NULL;
}

const struct adm_attr *adm_msg_find(const struct adm_msg *m, int type)
{
	return adm_find(&m->top, type);
}

static bool attr_equal(const struct adm_attr *a, const struct adm_attr *b)
{
	switch (a->def ? a->def->kind : ADM_K_NEST) {
	case ADM_K_STR:
		return a->str && b->str && strcmp(a->str, b->str) == 0;
	case ADM_K_BIN:
		return a->binlen == b->binlen && memcmp(a->bin, b->bin, a->binlen) == 0;
	case ADM_K_NEST:
		return adm_attr_subset(a, b) && adm_attr_subset(b, a);
	default:
		return a->num == b->num;
	}
}

bool adm_attr_subset(const struct adm_attr *want, const struct adm_attr *have)
{
	for (size_t i = 0; i < want->nkids; i++) {
		const struct adm_attr *w = want->kids[i];
		const struct adm_attr *h = adm_find(have, w->type);

		if (!h)
			return false;
		if (w->def && w->def->kind == ADM_K_NEST) {
			if (!adm_attr_subset(w, h))
				return false;
		} else if (!attr_equal(w, h)) {
			return false;
		}
	}
	return true;
}

void adm_attr_copy(struct adm_attr *dst, const struct adm_attr *src)
{
	*dst = *src;
	dst->str = src->str ? xstrdup(src->str) : NULL;
	dst->kids = NULL;
	dst->nkids = dst->cap = 0;
	if (src->nkids) {
		dst->kids = xcalloc(src->nkids, sizeof(*dst->kids));
		dst->cap = dst->nkids = src->nkids;
		for (size_t i = 0; i < src->nkids; i++) {
			dst->kids[i] = xcalloc(1, sizeof(**dst->kids));
			adm_attr_copy(dst->kids[i], src->kids[i]);
		}
	}
}

/* ---- dry-run text ----------------------------------------------------- */

static void print_quoted(struct dconf_sb *sb, const char *s)
{
	dconf_sb_add(sb, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			dconf_sb_addf(sb, "\\%c", *p);
		else if (*p < ' ' || *p == 0x7f)
			dconf_sb_addf(sb, "\\x%02x", *p);
		else
			dconf_sb_addn(sb, (const char *)p, 1);
	}
	dconf_sb_add(sb, "\"");
}

static void print_value(struct dconf_sb *sb, const struct adm_attr *a,
			const struct adm_attr *parent)
{
	const struct adm_attrdef *d = a->def;
	const char *name;

	if (d->secret && a->str && *a->str) {
		dconf_sb_addf(sb, "<secret, %zu characters>", a->str ? strlen(a->str) : 0);
		return;
	}
	switch (d->kind) {
	case ADM_K_STR:
		print_quoted(sb, a->str ? a->str : "");
		return;
	case ADM_K_FLAG:
		dconf_sb_add(sb, "true");
		return;
	case ADM_K_BIN: {
		const struct adm_attr *fam = adm_find(parent, DUET_ADDR_A_FAMILY);
		char buf[INET6_ADDRSTRLEN];

		if (parent->set && strcmp(parent->set->name, "addr") == 0 && fam &&
		    inet_ntop(fam->num == AF_INET6 ? AF_INET6 : AF_INET, a->bin,
			      buf, sizeof(buf)) &&
		    a->binlen == (fam->num == AF_INET6 ? 16u : 4u)) {
			dconf_sb_add(sb, buf);
			return;
		}
		dconf_sb_add(sb, "0x");
		for (size_t i = 0; i < a->binlen; i++)
			dconf_sb_addf(sb, "%02x", a->bin[i]);
		return;
	}
	case ADM_K_U64:
		dconf_sb_addf(sb, "%" PRIu64, (uint64_t)a->num);
		break;
	default:
		dconf_sb_addf(sb, "%" PRId64, a->num);
		break;
	}
	name = d->valname ? d->valname(a->num) : NULL;
	if (name)
		dconf_sb_addf(sb, " (%s)", name);
}

static void print_attrs(struct dconf_sb *sb, const struct adm_attr *n,
			const char *prefix)
{
	for (size_t i = 0; i < n->nkids; i++) {
		const struct adm_attr *a = n->kids[i];
		char path[128];

		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "",
			 a->def->name);
		if (a->def->kind == ADM_K_NEST) {
			print_attrs(sb, a, path);
			continue;
		}
		dconf_sb_addf(sb, "  %s = ", path);
		print_value(sb, a, n);
		dconf_sb_add(sb, "\n");
	}
}

void adm_msg_print(const struct adm_msg *m, struct dconf_sb *sb)
{
	const char *name = adm_cmd_name(m->cmd);

	if (m->comment)
		dconf_sb_addf(sb, "# %s\n", m->comment);
	if (name)
		dconf_sb_addf(sb, "genl %s v%d %s%s\n", DUET_GENL_NAME,
			      DUET_GENL_VERSION, name, m->dump ? " (dump)" : "");
	else
		dconf_sb_addf(sb, "genl %s v%d command %d%s\n", DUET_GENL_NAME,
			      DUET_GENL_VERSION, m->cmd, m->dump ? " (dump)" : "");
	print_attrs(sb, &m->top, "");
}

void adm_plan_print(const struct adm_plan *p, struct dconf_sb *sb)
{
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			dconf_sb_add(sb, "\n");
		adm_msg_print(&p->msgs[i], sb);
	}
}
