// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the network part of the netlink configuration: the NET_CONF
 * nest (both "address" lines and the "net" section) checked and turned
 * into a struct duet_net_conf for duet_link.c.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>

#include "duet.h"
#include "uapi/duet_genl.h"

static const struct nla_policy duet_addr_policy[DUET_ADDR_A_MAX + 1] = {
	[DUET_ADDR_A_FAMILY] = { .type = NLA_U16 },
	[DUET_ADDR_A_IP] = { .type = NLA_BINARY, .len = 16 },
	[DUET_ADDR_A_PORT] = { .type = NLA_U16 },
};

const struct nla_policy duet_net_policy[DUET_NET_A_MAX + 1] = {
	[DUET_NET_A_LOCAL_ADDR] = NLA_POLICY_NESTED(duet_addr_policy),
	[DUET_NET_A_PEER_ADDR] = NLA_POLICY_NESTED(duet_addr_policy),
	[DUET_NET_A_PROTOCOL] = NLA_POLICY_RANGE(NLA_U32, DUET_PROT_A,
						 DUET_PROT_C),
	[DUET_NET_A_CRAM_HMAC_ALG] = { .type = NLA_NUL_STRING,
				       .len = DUET_NET_ALG_MAX - 1 },
	[DUET_NET_A_SHARED_SECRET] = { .type = NLA_NUL_STRING,
				       .len = DUET_NET_SECRET_MAX },
	[DUET_NET_A_AFTER_SB_0P] = NLA_POLICY_MAX(NLA_U32, DUET_ASB_VIOLENTLY),
	[DUET_NET_A_AFTER_SB_1P] = NLA_POLICY_MAX(NLA_U32, DUET_ASB_VIOLENTLY),
	[DUET_NET_A_AFTER_SB_2P] = NLA_POLICY_MAX(NLA_U32, DUET_ASB_VIOLENTLY),
	[DUET_NET_A_RR_CONFLICT] = NLA_POLICY_MAX(NLA_U32, DUET_RR_VIOLENTLY),
	[DUET_NET_A_ALWAYS_ASBP] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_NET_A_TWO_PRIMARIES] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_NET_A_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 1, 600),
	[DUET_NET_A_CONNECT_INT] = NLA_POLICY_RANGE(NLA_U32, 1, 120),
	[DUET_NET_A_PING_INT] = NLA_POLICY_RANGE(NLA_U32, 1, 120),
	[DUET_NET_A_PING_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 1, 300),
	[DUET_NET_A_KO_COUNT] = NLA_POLICY_MAX(NLA_U32, 200),
	[DUET_NET_A_MAX_BUFFERS] = { .type = NLA_U32 },
	[DUET_NET_A_MAX_EPOCH_SIZE] = { .type = NLA_U32 },
	[DUET_NET_A_UNPLUG_WATERMARK] = { .type = NLA_U32 },
	[DUET_NET_A_SNDBUF_SIZE] = { .type = NLA_U32 },
	[DUET_NET_A_RCVBUF_SIZE] = { .type = NLA_U32 },
	[DUET_NET_A_TCP_CORK] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_NET_A_DATA_INTEGRITY_ALG] = { .type = NLA_NUL_STRING,
					    .len = DUET_NET_ALG_MAX - 1 },
	[DUET_NET_A_VERIFY_ALG] = { .type = NLA_NUL_STRING,
				    .len = DUET_NET_ALG_MAX - 1 },
	[DUET_NET_A_CSUMS_ALG] = { .type = NLA_NUL_STRING,
				   .len = DUET_NET_ALG_MAX - 1 },
	[DUET_NET_A_USE_RLE] = NLA_POLICY_MAX(NLA_U8, 1),
	[DUET_NET_A_ON_CONGESTION] = NLA_POLICY_MAX(NLA_U32, DUET_OC_DISCONNECT),
	[DUET_NET_A_CONG_FILL] = { .type = NLA_U32 },
	[DUET_NET_A_CONG_EXTENTS] = { .type = NLA_U32 },
};

/* drbd.conf's defaults for what the request leaves out. */
static void duet_nl_net_defaults(struct duet_net_conf *nc)
{
	memset(nc, 0, sizeof(*nc));
	nc->protocol = DUET_PROT_C;
	nc->timeout = 60;
	nc->connect_int = 10;
	nc->ping_int = 1;
	nc->ping_timeout = 5;
	nc->ko_count = 7;
	nc->max_buffers = 2048;
	nc->max_epoch_size = 2048;
	nc->tcp_cork = true;
}

static int duet_nl_addr(struct nlattr *nest, struct sockaddr_storage *ss,
			struct netlink_ext_ack *extack)
{
	struct nlattr *a[DUET_ADDR_A_MAX + 1];
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	u16 family;
	int err;

	err = nla_parse_nested(a, DUET_ADDR_A_MAX, nest, duet_addr_policy,
			       extack);
	if (err)
		return err;
	if (!a[DUET_ADDR_A_FAMILY] || !a[DUET_ADDR_A_IP] || !a[DUET_ADDR_A_PORT])
		return -EINVAL;
	family = nla_get_u16(a[DUET_ADDR_A_FAMILY]);
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET && nla_len(a[DUET_ADDR_A_IP]) == 4) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, nla_data(a[DUET_ADDR_A_IP]), 4);
		s4->sin_port = htons(nla_get_u16(a[DUET_ADDR_A_PORT]));
		return 0;
	}
	if (family == AF_INET6 && nla_len(a[DUET_ADDR_A_IP]) == 16) {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, nla_data(a[DUET_ADDR_A_IP]), 16);
		s6->sin6_port = htons(nla_get_u16(a[DUET_ADDR_A_PORT]));
		return 0;
	}
	return -EINVAL;
}

static void duet_nl_net_str(struct nlattr *a, char *dst, size_t size)
{
	if (a)
		nla_strscpy(dst, a, size);
}

/* The options of @tb into @nc (addresses aside). */
static void duet_nl_net_opts(struct nlattr **tb, struct duet_net_conf *nc)
{
	static const struct { int attr; size_t off; } u32s[] = {
		{ DUET_NET_A_PROTOCOL, offsetof(struct duet_net_conf, protocol) },
		{ DUET_NET_A_AFTER_SB_0P, offsetof(struct duet_net_conf, after_sb[0]) },
		{ DUET_NET_A_AFTER_SB_1P, offsetof(struct duet_net_conf, after_sb[1]) },
		{ DUET_NET_A_AFTER_SB_2P, offsetof(struct duet_net_conf, after_sb[2]) },
		{ DUET_NET_A_RR_CONFLICT, offsetof(struct duet_net_conf, rr_conflict) },
		{ DUET_NET_A_TIMEOUT, offsetof(struct duet_net_conf, timeout) },
		{ DUET_NET_A_CONNECT_INT, offsetof(struct duet_net_conf, connect_int) },
		{ DUET_NET_A_PING_INT, offsetof(struct duet_net_conf, ping_int) },
		{ DUET_NET_A_PING_TIMEOUT, offsetof(struct duet_net_conf, ping_timeout) },
		{ DUET_NET_A_KO_COUNT, offsetof(struct duet_net_conf, ko_count) },
		{ DUET_NET_A_MAX_BUFFERS, offsetof(struct duet_net_conf, max_buffers) },
		{ DUET_NET_A_MAX_EPOCH_SIZE, offsetof(struct duet_net_conf, max_epoch_size) },
		{ DUET_NET_A_SNDBUF_SIZE, offsetof(struct duet_net_conf, sndbuf_size) },
		{ DUET_NET_A_RCVBUF_SIZE, offsetof(struct duet_net_conf, rcvbuf_size) },
	};
	unsigned int i;
	int t;

	/* everything as given, for GET_CONFIG (duetadm adjust compares) */
	for (t = 1; t <= DUET_NET_A_MAX; t++) {
		if (!tb[t] || t == DUET_NET_A_LOCAL_ADDR ||
		    t == DUET_NET_A_PEER_ADDR)
			continue;
		nc->raw_set |= BIT_ULL(t);
		switch (duet_net_policy[t].type) {
		case NLA_U8:
			nc->raw[t] = nla_get_u8(tb[t]);
			break;
		case NLA_U32:
			nc->raw[t] = nla_get_u32(tb[t]);
			break;
		default:
			break;
		}
	}
	for (i = 0; i < ARRAY_SIZE(u32s); i++)
		if (tb[u32s[i].attr])
			*(u32 *)((u8 *)nc + u32s[i].off) =
				nla_get_u32(tb[u32s[i].attr]);
	if (tb[DUET_NET_A_ALWAYS_ASBP])
		nc->always_asbp = nla_get_u8(tb[DUET_NET_A_ALWAYS_ASBP]);
	if (tb[DUET_NET_A_TWO_PRIMARIES])
		nc->two_primaries = nla_get_u8(tb[DUET_NET_A_TWO_PRIMARIES]);
	if (tb[DUET_NET_A_TCP_CORK])
		nc->tcp_cork = nla_get_u8(tb[DUET_NET_A_TCP_CORK]);
	duet_nl_net_str(tb[DUET_NET_A_CRAM_HMAC_ALG], nc->cram_hmac_alg,
			sizeof(nc->cram_hmac_alg));
	duet_nl_net_str(tb[DUET_NET_A_SHARED_SECRET], nc->shared_secret,
			sizeof(nc->shared_secret));
	duet_nl_net_str(tb[DUET_NET_A_DATA_INTEGRITY_ALG], nc->integrity_alg,
			sizeof(nc->integrity_alg));
	duet_nl_net_str(tb[DUET_NET_A_VERIFY_ALG], nc->verify_alg,
			sizeof(nc->verify_alg));
	duet_nl_net_str(tb[DUET_NET_A_CSUMS_ALG], nc->csums_alg,
			sizeof(nc->csums_alg));
	if (!nc->max_epoch_size)
		nc->max_epoch_size = 2048;
}

/*
 * CONNECT's NET_CONF into @nc. Returns a DUET_RET_* code; @text gets the
 * sentence for the user.
 */
u32 duet_nl_net_conf(struct nlattr *nest, struct duet_net_conf *nc,
		     struct netlink_ext_ack *extack, char *text, size_t size)
{
	struct nlattr *tb[DUET_NET_A_MAX + 1];
	int err;

	duet_nl_net_defaults(nc);
	if (!nest) {
		snprintf(text, size, "connect needs the addresses (net conf)");
		return DUET_RET_INVALID;
	}
	err = nla_parse_nested(tb, DUET_NET_A_MAX, nest, duet_net_policy,
			       extack);
	if (err) {
		snprintf(text, size, "malformed network configuration");
		return DUET_RET_INVALID;
	}
	if (!tb[DUET_NET_A_LOCAL_ADDR] || !tb[DUET_NET_A_PEER_ADDR] ||
	    duet_nl_addr(tb[DUET_NET_A_LOCAL_ADDR], &nc->my_addr, extack) ||
	    duet_nl_addr(tb[DUET_NET_A_PEER_ADDR], &nc->peer_addr, extack)) {
		snprintf(text, size,
			 "connect needs this node's and the peer's address (IPv4 or IPv6, with a port)");
		return DUET_RET_BAD_ADDR;
	}
	if (nc->my_addr.ss_family != nc->peer_addr.ss_family) {
		snprintf(text, size,
			 "the two addresses are not of the same family (IPv4 and IPv6)");
		return DUET_RET_BAD_ADDR;
	}
	duet_nl_net_opts(tb, nc);
	if (nc->cram_hmac_alg[0] && !nc->shared_secret[0]) {
		snprintf(text, size, "cram-hmac-alg %s needs a shared-secret",
			 nc->cram_hmac_alg);
		return DUET_RET_INVALID;
	}
	if (nc->integrity_alg[0]) {
		snprintf(text, size,
			 "data-integrity-alg is not supported by this duet.ko yet");
		return DUET_RET_BAD_ALG;
	}
	return DUET_RET_OK;
}

/* NET_OPTS on a live link: the options that may change at once. */
u32 duet_nl_net_opts_change(struct duet_link *c, struct nlattr *nest,
			    struct netlink_ext_ack *extack, char *text,
			    size_t size)
{
	struct nlattr *tb[DUET_NET_A_MAX + 1];
	struct duet_net_conf nc = c->nc;
	int err;

	if (!nest)
		return DUET_RET_OK;
	err = nla_parse_nested(tb, DUET_NET_A_MAX, nest, duet_net_policy,
			       extack);
	if (err) {
		snprintf(text, size, "malformed network configuration");
		return DUET_RET_INVALID;
	}
	duet_nl_net_opts(tb, &nc);
	if (strcmp(nc.cram_hmac_alg, c->nc.cram_hmac_alg) ||
	    strcmp(nc.shared_secret, c->nc.shared_secret) ||
	    strcmp(nc.integrity_alg, c->nc.integrity_alg)) {
		snprintf(text, size,
			 "cram-hmac-alg, shared-secret and data-integrity-alg change only with disconnect and connect");
		return DUET_RET_INVALID;
	}
	memcpy(c->nc.raw, nc.raw, sizeof(nc.raw));
	c->nc.raw_set = nc.raw_set;
	/* read with READ_ONCE where the link uses them; protocol: next write */
	WRITE_ONCE(c->nc.protocol, nc.protocol);
	c->nc.after_sb[0] = nc.after_sb[0];
	c->nc.after_sb[1] = nc.after_sb[1];
	c->nc.after_sb[2] = nc.after_sb[2];
	c->nc.rr_conflict = nc.rr_conflict;
	c->nc.always_asbp = nc.always_asbp;
	WRITE_ONCE(c->nc.timeout, nc.timeout);
	WRITE_ONCE(c->nc.connect_int, nc.connect_int);
	WRITE_ONCE(c->nc.ping_int, nc.ping_int);
	WRITE_ONCE(c->nc.ping_timeout, nc.ping_timeout);
	WRITE_ONCE(c->nc.ko_count, nc.ko_count);
	return DUET_RET_OK;
}

static int duet_nl_put_addr(struct sk_buff *skb, int type,
			    const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	struct nlattr *n = nla_nest_start(skb, type);
	bool v6 = ss->ss_family == AF_INET6;

	if (!n || nla_put_u16(skb, DUET_ADDR_A_FAMILY, ss->ss_family) ||
	    nla_put(skb, DUET_ADDR_A_IP, v6 ? 16 : 4,
		    v6 ? (const void *)&s6->sin6_addr :
			 (const void *)&s4->sin_addr) ||
	    nla_put_u16(skb, DUET_ADDR_A_PORT,
			ntohs(v6 ? s6->sin6_port : s4->sin_port)))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

/* NET_CONF for GET_CONFIG: the addresses and every option as given. */
int duet_nl_net_put(struct sk_buff *skb, const struct duet_net_conf *nc)
{
	struct nlattr *n = nla_nest_start(skb, DUET_A_NET_CONF);
	const char *str;
	int t, err = 0;

	if (!n || duet_nl_put_addr(skb, DUET_NET_A_LOCAL_ADDR, &nc->my_addr) ||
	    duet_nl_put_addr(skb, DUET_NET_A_PEER_ADDR, &nc->peer_addr))
		return -EMSGSIZE;
	for (t = 1; t <= DUET_NET_A_MAX && !err; t++) {
		if (!(nc->raw_set & BIT_ULL(t)))
			continue;
		switch (duet_net_policy[t].type) {
		case NLA_U8:
			err = nla_put_u8(skb, t, nc->raw[t]);
			break;
		case NLA_U32:
			err = nla_put_u32(skb, t, nc->raw[t]);
			break;
		case NLA_NUL_STRING:
			str = t == DUET_NET_A_CRAM_HMAC_ALG ? nc->cram_hmac_alg :
			      t == DUET_NET_A_SHARED_SECRET ? nc->shared_secret :
			      t == DUET_NET_A_DATA_INTEGRITY_ALG ?
				nc->integrity_alg :
			      t == DUET_NET_A_VERIFY_ALG ? nc->verify_alg :
			      nc->csums_alg;
			err = nla_put_string(skb, t, str);
			break;
		default:
			break;
		}
	}
	if (err)
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}
