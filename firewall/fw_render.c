/*
 * fw_render: a plan as iptables-restore, nft or firewalld rich-rule text
 * (see fw_render.h).
 */
#include "firewall/fw_render.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const be_names[FW_BE_NR] = {
	[FW_BE_IPTABLES] = "iptables",
	[FW_BE_IP6TABLES] = "ip6tables",
	[FW_BE_NFT] = "nft",
	[FW_BE_FIREWALLD] = "firewalld",
};

const char *fw_backend_name(enum fw_backend be)
{
	return (unsigned)be < FW_BE_NR ? be_names[be] : "?";
}

int fw_backend_parse(const char *name, enum fw_backend *be)
{
	unsigned i;

	for (i = 0; i < FW_BE_NR; i++) {
		if (strcmp(name, be_names[i]) == 0) {
			*be = (enum fw_backend)i;
			return 0;
		}
	}
	/* the name users know for the nftables backend */
	if (strcmp(name, "nftables") == 0) {
		*be = FW_BE_NFT;
		return 0;
	}
	return -1;
}

/* ---- buffer ------------------------------------------------------------ */

void fw_buf_init(struct fw_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void fw_buf_free(struct fw_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void fw_buf_reset(struct fw_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

static void buf_append(struct fw_buf *b, const char *s, size_t n)
{
	size_t ncap;
	char *ns;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		ns = realloc(b->s, ncap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void fw_buf_puts(struct fw_buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void fw_buf_printf(struct fw_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[512];
	char *big;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_append(b, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&big, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	buf_append(b, big, (size_t)n);
	free(big);
}

const char *fw_buf_str(const struct fw_buf *b)
{
	return b->s ? b->s : "";
}

/* ---- common ------------------------------------------------------------ */

static size_t *port_order(const struct fw_plan *p)
{
	size_t *idx = calloc(p->nports ? p->nports : 1, sizeof(*idx));

	if (idx)
		fw_plan_port_order(p, idx);
	return idx;
}

/* Header comment lines: what, for whom, from where, warnings. */
static void header(const struct fw_plan *p, struct fw_buf *b,
		   const char *what)
{
	size_t i;

	fw_buf_printf(b, "# duet-firewall: %s for node %s\n", what,
		      p->node[0] ? p->node : "(unknown)");
	if (p->nsources) {
		fw_buf_puts(b, "# computed from");
		for (i = 0; i < p->nsources; i++)
			fw_buf_printf(b, "%s %s", i ? "," : "", p->sources[i]);
		fw_buf_puts(b, "\n");
	}
	fw_buf_puts(b, "# Only the peer's addresses reach these ports; everything else to them is dropped.\n");
	for (i = 0; i < p->nwarnings; i++)
		fw_buf_printf(b, "# warning: %s\n", p->warnings[i]);
}

static int finish(struct fw_buf *b)
{
	return b->oom ? -1 : 0;
}

/* ---- iptables / ip6tables ------------------------------------------------ */

static void ipt_rules(const struct fw_plan *p, enum fw_family fam,
		      struct fw_buf *b, bool comments, const size_t *order)
{
	char src[FW_NET_STRLEN], dst[FW_NET_STRLEN];
	const struct fw_port *fp;
	const struct fw_accept *a;
	const char *proto;
	size_t i, j;

	for (i = 0; i < p->nports; i++) {
		fp = &p->ports[order[i]];
		proto = fw_proto_name(fp->proto);
		if (comments)
			fw_buf_printf(b, "# %s %u: %s\n", proto, fp->port, fp->what);
		for (j = 0; j < p->nacc; j++) {
			a = &p->acc[j];
			if (a->proto != fp->proto || a->port != fp->port ||
			    a->src.family != fam)
				continue;
			if (comments)
				fw_buf_printf(b, "#   accept %s\n", a->what);
			fw_net_format(&a->src, true, src, sizeof(src));
			fw_buf_printf(b, "-A %s -s %s", FW_CHAIN, src);
			if (a->has_dst) {
				fw_net_format(&a->dst, true, dst, sizeof(dst));
				fw_buf_printf(b, " -d %s", dst);
			}
			if (a->iface[0])
				fw_buf_printf(b, " -i %s", a->iface);
			fw_buf_printf(b, " -p %s -m %s --dport %u -j ACCEPT\n",
				      proto, proto, a->port);
		}
		fw_buf_printf(b, "-A %s -p %s -m %s --dport %u -j DROP\n",
			      FW_CHAIN, proto, proto, fp->port);
	}
}

int fw_render_iptables_rules(const struct fw_plan *p, enum fw_family family,
			     struct fw_buf *out)
{
	size_t *order = port_order(p);

	if (!order)
		return -1;
	ipt_rules(p, family, out, false, order);
	free(order);
	return finish(out);
}

static int render_ipt(const struct fw_plan *p, enum fw_family fam,
		      struct fw_buf *b)
{
	const char *tool = fam == FW_IPV4 ? "iptables" : "ip6tables";
	size_t *order = port_order(p);

	if (!order)
		return -1;
	header(p, b, fam == FW_IPV4 ? "IPv4 rules (iptables-restore)"
				    : "IPv6 rules (ip6tables-restore)");
	fw_buf_printf(b, "# Load without touching other rules (duet-firewall apply does this):\n"
			 "#   %s-restore --noflush < FILE\n"
			 "#   %s -C INPUT -j %s || %s -I INPUT 1 -j %s\n",
		      tool, tool, FW_CHAIN, tool, FW_CHAIN);
	if (fw_plan_count_family(p, fam) == 0 && p->nports)
		fw_buf_printf(b, "# No peer address of this family: every packet to these ports is dropped.\n");
	fw_buf_printf(b, "*filter\n:%s - [0:0]\n", FW_CHAIN);
	ipt_rules(p, fam, b, true, order);
	fw_buf_puts(b, "COMMIT\n");
	free(order);
	return finish(b);
}

/* ---- nftables ------------------------------------------------------------ */

/* A comment nft accepts in double quotes, at most 100 bytes. */
static void nft_comment(char *dst, size_t len, const char *what)
{
	size_t i, n = 0;
	char c;

	for (i = 0; what[i] && n + 1 < len && n < 100; i++) {
		c = what[i];
		if (c == '"' || c == '\\' || (unsigned char)c < 0x20 ||
		    (unsigned char)c > 0x7e)
			c = '_';
		dst[n++] = c;
	}
	dst[n] = '\0';
}

static void nft_chain(const struct fw_plan *p, struct fw_buf *b,
		      const char *indent, const size_t *order)
{
	char src[FW_NET_STRLEN], dst[FW_NET_STRLEN], cm[FW_WHAT_MAX];
	const struct fw_port *fp;
	const struct fw_accept *a;
	const char *proto, *ipk;
	size_t i, j;

	fw_buf_printf(b, "%stype filter hook input priority %s; policy accept;\n",
		      indent, FW_NFT_PRIORITY);
	for (i = 0; i < p->nports; i++) {
		fp = &p->ports[order[i]];
		proto = fw_proto_name(fp->proto);
		for (j = 0; j < p->nacc; j++) {
			a = &p->acc[j];
			if (a->proto != fp->proto || a->port != fp->port)
				continue;
			ipk = a->src.family == FW_IPV4 ? "ip" : "ip6";
			fw_buf_puts(b, indent);
			if (a->iface[0])
				fw_buf_printf(b, "iifname \"%s\" ", a->iface);
			fw_net_format(&a->src, false, src, sizeof(src));
			fw_buf_printf(b, "%s saddr %s ", ipk, src);
			if (a->has_dst) {
				fw_net_format(&a->dst, false, dst, sizeof(dst));
				fw_buf_printf(b, "%s daddr %s ", ipk, dst);
			}
			nft_comment(cm, sizeof(cm), a->what);
			fw_buf_printf(b, "%s dport %u accept", proto, a->port);
			if (cm[0])
				fw_buf_printf(b, " comment \"%s\"", cm);
			fw_buf_puts(b, "\n");
		}
		nft_comment(cm, sizeof(cm), fp->what);
		fw_buf_printf(b, "%s%s dport %u counter drop", indent, proto,
			      fp->port);
		if (cm[0])
			fw_buf_printf(b, " comment \"%s\"", cm);
		fw_buf_puts(b, "\n");
	}
}

int fw_render_nft_chain(const struct fw_plan *p, struct fw_buf *out)
{
	size_t *order = port_order(p);

	if (!order)
		return -1;
	nft_chain(p, out, "", order);
	free(order);
	return finish(out);
}

static int render_nft(const struct fw_plan *p, struct fw_buf *b)
{
	size_t *order = port_order(p);

	if (!order)
		return -1;
	header(p, b, "nftables rules (nft -f)");
	fw_buf_printf(b,
		"# Replaces table %s %s and touches nothing else. Load with: nft -f FILE\n"
		"table %s %s\n"
		"delete table %s %s\n"
		"table %s %s {\n"
		"\tchain %s {\n",
		FW_NFT_FAMILY, FW_NFT_TABLE, FW_NFT_FAMILY, FW_NFT_TABLE,
		FW_NFT_FAMILY, FW_NFT_TABLE, FW_NFT_FAMILY, FW_NFT_TABLE,
		FW_NFT_CHAIN);
	nft_chain(p, b, "\t\t", order);
	fw_buf_puts(b, "\t}\n}\n");
	free(order);
	return finish(b);
}

/* Does LINE (trimmed, LEN bytes) start with WORD followed by a blank? */
static bool starts_with_word(const char *line, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len > n && strncmp(line, word, n) == 0 &&
	       (line[n] == ' ' || line[n] == '\t');
}

int fw_nft_normalize(const char *listing, struct fw_buf *out)
{
	const char *line = listing, *end, *s, *e, *c;
	bool in_chain = false;
	size_t len;

	while (line && *line) {
		end = strchr(line, '\n');
		e = end ? end : line + strlen(line);
		s = line;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		len = (size_t)(e - s);
		if (starts_with_word(s, len, "chain")) {
			in_chain = len > 6 && strncmp(s + 6, FW_NFT_CHAIN " ",
						      strlen(FW_NFT_CHAIN) + 1) == 0;
		} else if (len == 1 && *s == '}') {
			in_chain = false;
		} else if (in_chain && len > 0 && *s != '#') {
			/* "counter packets N bytes M" -> "counter" */
			while (s < e) {
				c = strstr(s, "counter packets ");
				if (!c || c >= e) {
					fw_buf_printf(out, "%.*s", (int)(e - s), s);
					break;
				}
				fw_buf_printf(out, "%.*scounter", (int)(c - s), s);
				s = c + strlen("counter packets ");
				while (s < e && *s != ' ')
					s++;	/* N */
				if (e - s > 7 && strncmp(s, " bytes ", 7) == 0) {
					s += 7;
					while (s < e && *s != ' ')
						s++;	/* M */
				}
			}
			fw_buf_puts(out, "\n");
		}
		line = end ? end + 1 : NULL;
	}
	return finish(out);
}

/* ---- firewalld ------------------------------------------------------------- */

static void rich_rules(const struct fw_plan *p, struct fw_buf *b,
		       bool comments, const size_t *order)
{
	char src[FW_NET_STRLEN], dst[FW_NET_STRLEN];
	const struct fw_port *fp;
	const struct fw_accept *a;
	const char *proto;
	size_t i, j;

	for (i = 0; i < p->nports; i++) {
		fp = &p->ports[order[i]];
		proto = fw_proto_name(fp->proto);
		if (comments)
			fw_buf_printf(b, "# %s %u: %s\n", proto, fp->port, fp->what);
		for (j = 0; j < p->nacc; j++) {
			a = &p->acc[j];
			if (a->proto != fp->proto || a->port != fp->port)
				continue;
			if (comments) {
				fw_buf_printf(b, "#   accept %s\n", a->what);
				if (a->iface[0])
					fw_buf_printf(b, "#   (firewalld rich rules have no input interface; "
							 "the zone decides: %s)\n", a->iface);
			}
			fw_net_format(&a->src, false, src, sizeof(src));
			fw_buf_printf(b, "rule priority=\"%s\" family=\"%s\" source address=\"%s\"",
				      FW_RICH_PRIO_ACCEPT,
				      a->src.family == FW_IPV4 ? "ipv4" : "ipv6", src);
			if (a->has_dst) {
				fw_net_format(&a->dst, false, dst, sizeof(dst));
				fw_buf_printf(b, " destination address=\"%s\"", dst);
			}
			fw_buf_printf(b, " port port=\"%u\" protocol=\"%s\" accept\n",
				      a->port, proto);
		}
		fw_buf_printf(b, "rule priority=\"%s\" port port=\"%u\" protocol=\"%s\" drop\n",
			      FW_RICH_PRIO_DROP, fp->port, proto);
	}
}

int fw_render_rich_rules(const struct fw_plan *p, struct fw_buf *out)
{
	size_t *order = port_order(p);

	if (!order)
		return -1;
	rich_rules(p, out, false, order);
	free(order);
	return finish(out);
}

static int render_firewalld(const struct fw_plan *p, struct fw_buf *b)
{
	size_t *order = port_order(p);

	if (!order)
		return -1;
	header(p, b, "firewalld rich rules");
	fw_buf_puts(b, "# One rule per line; duet-firewall apply adds each to the default zone and\n"
		       "# every active zone: firewall-cmd --zone=ZONE --add-rich-rule='RULE'\n");
	rich_rules(p, b, true, order);
	free(order);
	return finish(b);
}

int fw_render(const struct fw_plan *p, enum fw_backend be, struct fw_buf *out)
{
	if (p->oom || p->nerrors)
		return -1;
	switch (be) {
	case FW_BE_IPTABLES:
		return render_ipt(p, FW_IPV4, out);
	case FW_BE_IP6TABLES:
		return render_ipt(p, FW_IPV6, out);
	case FW_BE_NFT:
		return render_nft(p, out);
	case FW_BE_FIREWALLD:
		return render_firewalld(p, out);
	default:
		return -1;
	}
}
