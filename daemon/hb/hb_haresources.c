/*
 * hb_haresources: haresources groups. The tokenising follows what
 * Heartbeat's ResourceManager does with sed and awk (heartbeat.md §2.1):
 * comments from '#', '\' at the end of a line joins the next one, blanks
 * collapse, the node name is lower-cased. One deliberate difference: a
 * comment on a continuation line is removed (ResourceManager would keep
 * it as resources), with a warning.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hb/hb_haresources.h"
#include "daemon/hb/hb_str.h"

#define HB_HARES_MAX_LINE	65536
#define HB_HARES_SPACE		" \t\r\f\v"

bool hb_resource_looks_like_ip(const char *s)
{
	/* the shell pattern [0-9]*.[0-9]*.[0-9]*.[0-9]* */
	size_t i = 1;
	int dots = 0;

	if (!isdigit((unsigned char)s[0]))
		return false;
	for (; s[i] && dots < 3; i++) {
		if (s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
			dots++;
			i++;	/* the digit belongs to this part */
		}
	}
	return dots == 3;
}

static void free_res(struct hb_resource *r)
{
	free(r->spec);
	free(r->name);
	for (size_t i = 0; i < r->nargs; i++)
		free(r->args[i]);
	free(r->args);
}

void hb_haresources_free(struct hb_haresources *h)
{
	for (size_t g = 0; g < h->ngroups; g++) {
		for (size_t i = 0; i < h->groups[g].nres; i++)
			free_res(&h->groups[g].res[i]);
		free(h->groups[g].res);
		free(h->groups[g].node);
	}
	free(h->groups);
	memset(h, 0, sizeof(*h));
}

static int add_arg(struct hb_resource *r, const char *s, size_t n)
{
	char **a = realloc(r->args, (r->nargs + 1) * sizeof(*a));

	if (!a)
		return -1;
	r->args = a;
	if (!(a[r->nargs] = hb_strndup(s, n)))
		return -1;
	r->nargs++;
	return 0;
}

/* Fills r from one resource word; 0, or -1 with a diagnostic. */
static int parse_resource(struct hb_resource *r, const char *tok, size_t tlen,
			  const char *file, unsigned line, struct hb_diag *d)
{
	const char *p, *end = tok + tlen, *sep;
	bool dropped = false;

	memset(r, 0, sizeof(*r));
	if (!(r->spec = hb_strndup(tok, tlen)))
		goto oom;
	r->implicit_ip = hb_resource_looks_like_ip(r->spec);

	if (r->implicit_ip) {
		r->name = hb_strndup("IPaddr", 6);
		if (!r->name)
			goto oom;
		p = tok;
	} else {
		sep = strstr(r->spec, "::");
		size_t nlen = sep ? (size_t)(sep - r->spec) : tlen;

		if (nlen == 0) {
			hb_diag_add(d, HB_SEV_ERR, file, line,
				    "resource [%s] has no script name", r->spec);
			return -1;
		}
		if (!(r->name = hb_strndup(tok, nlen)))
			goto oom;
		if (strchr(r->name, '/') || strcmp(r->name, ".") == 0 ||
		    strcmp(r->name, "..") == 0) {
			hb_diag_add(d, HB_SEV_ERR, file, line,
				    "invalid resource script name [%s] in [%s]", r->name, r->spec);
			return -1;
		}
		if (!sep)
			return 0;
		p = tok + nlen + 2;
	}
	/* the arguments: "::"-separated parts of p..end */
	for (;;) {
		const char *q = p;
		size_t alen;

		while (q < end && !(q + 1 < end && q[0] == ':' && q[1] == ':'))
			q++;
		alen = (size_t)(q - p);
		if (alen == 0)
			dropped = true;
		else if (add_arg(r, p, alen) != 0)
			goto oom;
		if (q >= end)
			break;
		p = q + 2;
	}
	if (dropped)
		hb_diag_add(d, HB_SEV_WARN, file, line,
			    "empty argument in resource [%s] ignored", r->spec);
	return 0;
oom:
	hb_diag_add(d, HB_SEV_ERR, file, line, "out of memory");
	return -1;
}

static void do_group(struct hb_haresources *h, char *s, const char *file,
		     unsigned line, struct hb_diag *d)
{
	struct hb_rgroup g;
	const char *p = s;
	size_t nlen;

	p += strspn(p, HB_HARES_SPACE);
	if (!*p)
		return;
	memset(&g, 0, sizeof(g));
	g.line = line;
	nlen = strcspn(p, HB_HARES_SPACE);
	if (!(g.node = hb_strndup(p, nlen)))
		goto oom;
	hb_strlower(g.node);
	p += nlen;

	for (;;) {
		struct hb_resource *r;
		size_t tlen;

		p += strspn(p, HB_HARES_SPACE);
		if (!*p)
			break;
		tlen = strcspn(p, HB_HARES_SPACE);
		if (!(r = realloc(g.res, (g.nres + 1) * sizeof(*r))))
			goto oom;
		g.res = r;
		if (parse_resource(&r[g.nres], p, tlen, file, line, d) != 0) {
			free_res(&r[g.nres]);
			goto fail;
		}
		g.nres++;
		p += tlen;
	}
	if (g.nres == 0) {
		hb_diag_add(d, HB_SEV_ERR, file, line,
			    "resource group for node [%s] has no resources", g.node);
		goto fail;
	}
	for (size_t i = 0; i < h->ngroups; i++) {
		if (strcmp(h->groups[i].res[0].spec, g.res[0].spec) == 0) {
			hb_diag_add(d, HB_SEV_ERR, file, line,
				    "group key [%s] already used at line %u (the first "
				    "resource of a line must be unique)",
				    g.res[0].spec, h->groups[i].line);
			goto fail;
		}
	}
	struct hb_rgroup *ng = realloc(h->groups, (h->ngroups + 1) * sizeof(*ng));

	if (!ng)
		goto oom;
	h->groups = ng;
	ng[h->ngroups++] = g;
	return;
oom:
	hb_diag_add(d, HB_SEV_ERR, file, line, "out of memory");
fail:
	for (size_t i = 0; i < g.nres; i++)
		free_res(&g.res[i]);
	free(g.res);
	free(g.node);
}

int hb_haresources_parse(struct hb_haresources *h, const char *buf, size_t len,
			 const char *file, struct hb_diag *d)
{
	struct hb_lines it;
	const char *line;
	size_t llen, nerr0 = d->nerr;
	char *acc = NULL;	/* the logical line being joined */
	size_t alen = 0;
	unsigned first = 0;

	memset(h, 0, sizeof(*h));
	hb_lines_init(&it, buf, len);
	for (;;) {
		bool more = hb_lines_next(&it, &line, &llen);
		const char *hash;
		bool cont;

		if (!more) {
			if (acc) {
				do_group(h, acc, file, first, d);
				free(acc);
			}
			break;
		}
		if (memchr(line, '\0', llen)) {
			hb_diag_add(d, HB_SEV_ERR, file, it.lineno, "NUL byte in line");
			llen = (size_t)((const char *)memchr(line, '\0', llen) - line);
		}
		if ((hash = memchr(line, '#', llen))) {
			if (acc)
				hb_diag_add(d, HB_SEV_WARN, file, it.lineno,
					    "comment in a continued line: Heartbeat 3.0.6 "
					    "would read it as resources");
			llen = (size_t)(hash - line);
		}
		cont = llen > 0 && line[llen - 1] == '\\';
		if (cont)
			llen--;
		if (alen + llen > HB_HARES_MAX_LINE) {
			hb_diag_add(d, HB_SEV_ERR, file, first ? first : it.lineno,
				    "line too long (more than %d bytes)", HB_HARES_MAX_LINE);
			free(acc);
			acc = NULL;
			alen = 0;
			first = 0;
			continue;
		}
		char *na = realloc(acc, alen + llen + 1);

		if (!na) {
			hb_diag_add(d, HB_SEV_ERR, file, it.lineno, "out of memory");
			break;
		}
		if (!acc)
			first = it.lineno;
		acc = na;
		memcpy(acc + alen, line, llen);
		alen += llen;
		acc[alen] = '\0';
		if (cont)
			continue;
		do_group(h, acc, file, first, d);
		free(acc);
		acc = NULL;
		alen = 0;
		first = 0;
	}
	return d->nerr > nerr0 ? -1 : 0;
}

int hb_haresources_check_nodes(const struct hb_haresources *h,
			       char *const *nodes, size_t nnodes,
			       const char *file, struct hb_diag *d)
{
	int rc = 0;

	for (size_t g = 0; g < h->ngroups; g++) {
		size_t i;

		for (i = 0; i < nnodes; i++)
			if (strcmp(h->groups[g].node, nodes[i]) == 0)
				break;
		if (i == nnodes) {
			hb_diag_add(d, HB_SEV_ERR, file, h->groups[g].line,
				    "Bad nodename in %s [%s]", file, h->groups[g].node);
			rc = -1;
		}
	}
	return rc;
}

const struct hb_rgroup *hb_haresources_find(const struct hb_haresources *h,
					    const char *key)
{
	for (size_t g = 0; g < h->ngroups; g++)
		if (strcmp(h->groups[g].res[0].spec, key) == 0)
			return &h->groups[g];
	return NULL;
}

static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int hb_ipaddr_arg_parse(const char *arg, struct hb_ipaddr_arg *o)
{
	const char *part[4];
	size_t plen[4], n = 0;
	const char *p = arg;
	unsigned char a4[4];

	memset(o, 0, sizeof(*o));
	for (;;) {
		size_t l = strcspn(p, "/");

		if (n == 4)
			return -1;
		part[n] = p;
		plen[n++] = l;
		if (!p[l])
			break;
		p += l + 1;
	}
	if (copy_part(o->ip, sizeof(o->ip), part[0], plen[0]) != 0 ||
	    inet_pton(AF_INET, o->ip, a4) != 1)
		return -1;
	if (n > 1 && copy_part(o->netmask, sizeof(o->netmask), part[1], plen[1]) != 0)
		return -1;
	if (n > 2) {
		if (plen[2] && isdigit((unsigned char)part[2][0])) {
			if (n > 3 || copy_part(o->broadcast, sizeof(o->broadcast),
					       part[2], plen[2]) != 0)
				return -1;
		} else {
			const char *colon = memchr(part[2], ':', plen[2]);
			size_t nl = colon ? (size_t)(colon - part[2]) : plen[2];

			if (copy_part(o->nic, sizeof(o->nic), part[2], nl) != 0)
				return -1;
			if (colon && copy_part(o->label, sizeof(o->label), colon + 1,
					       plen[2] - nl - 1) != 0)
				return -1;
			if (n > 3 && copy_part(o->broadcast, sizeof(o->broadcast),
					       part[3], plen[3]) != 0)
				return -1;
		}
	}
	return 0;
}
