/*
 * fw_plan: what duet-firewall lets through, and for whom.
 *
 * A plan is computed from the configuration (fw_config.c: /etc/duet.conf
 * and /etc/ha.d/ha.cf) and rendered for one backend (fw_render.c). This
 * file is pure C: no I/O, no system calls, so that the unit tests can
 * build any plan by hand.
 *
 * A plan holds
 *   - guarded ports (protocol, port): every packet to a guarded port is
 *     dropped, in both address families, unless an accept rule matches;
 *   - accept rules (protocol, port, source network, optionally a
 *     destination network such as a multicast group, optionally the input
 *     interface): the peer's addresses;
 *   - warnings ("file:line: ..."), printed by the command and copied into
 *     the rendered rules as comments;
 *   - errors ("file:line: ..."): a plan with errors is not rendered;
 *   - the node's name and the files it was computed from (for headers).
 *
 * Rules keep the order they were added in; ports are rendered sorted by
 * protocol and number (fw_plan_port_order()).
 */
#ifndef DUET_FW_PLAN_H
#define DUET_FW_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_IFNAME_MAX	15		/* IFNAMSIZ - 1 */
#define FW_WHAT_MAX	160		/* "replication r0: peer bob (duet.conf:12)" */
#define FW_NAME_MAX	128
/* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128" plus NUL */
#define FW_NET_STRLEN	52

enum fw_family { FW_IPV4 = 4, FW_IPV6 = 6 };
enum fw_proto { FW_TCP = 6, FW_UDP = 17 };

/* An address (prefix = 32 or 128) or a network (host bits zero). */
struct fw_net {
	enum fw_family family;
	uint8_t addr[16];	/* network order; 4 bytes used for IPv4 */
	unsigned prefix;
};

struct fw_port {
	enum fw_proto proto;
	uint16_t port;
	char what[FW_WHAT_MAX];	/* why it is guarded, for comments */
};

struct fw_accept {
	enum fw_proto proto;
	uint16_t port;
	struct fw_net src;
	bool has_dst;
	struct fw_net dst;	/* e.g. the multicast group */
	char iface[FW_IFNAME_MAX + 1];	/* "" = any input interface */
	char what[FW_WHAT_MAX];	/* whose address this is, for comments */
};

struct fw_plan {
	char node[FW_NAME_MAX];	/* this node ("" = unknown) */
	struct fw_port *ports;
	size_t nports, cports;
	struct fw_accept *acc;
	size_t nacc, cacc;
	char **warnings;
	size_t nwarnings, cwarnings;
	char **errors;
	size_t nerrors, cerrors;
	char **sources;		/* configuration files read */
	size_t nsources, csources;
	bool oom;		/* an allocation failed; the plan is incomplete */
};

void fw_plan_init(struct fw_plan *p);
void fw_plan_free(struct fw_plan *p);

/* Records this node's name (truncated to FW_NAME_MAX - 1). */
void fw_plan_set_node(struct fw_plan *p, const char *node);
/* Records a configuration file the plan was computed from. 0 / -1. */
int fw_plan_add_source(struct fw_plan *p, const char *path);
/* Appends a warning (printf-style). 0 / -1 on ENOMEM (p->oom is set). */
int fw_plan_warn(struct fw_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends an error (printf-style). 0 / -1 on ENOMEM (p->oom is set). */
int fw_plan_error(struct fw_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The guarded port (proto, port), or NULL. */
const struct fw_port *fw_plan_find_port(const struct fw_plan *p,
					enum fw_proto proto, uint16_t port);
/*
 * Guards (proto, port). Returns 1 when it was new, 0 when it was guarded
 * already (WHAT is then ignored), -1 on ENOMEM or port 0.
 */
int fw_plan_guard(struct fw_plan *p, enum fw_proto proto, uint16_t port,
		  const char *what);
/*
 * Adds an accept rule and guards its port (with the rule's WHAT if the
 * port was not guarded yet). A rule equal to an earlier one (same
 * protocol, port, source, destination and interface) is not added twice.
 * The source and destination are normalised (host bits cleared). Returns 1
 * when added, 0 for a duplicate, -1 on ENOMEM or an invalid rule (port 0,
 * source and destination of different families, bad prefix).
 */
int fw_plan_accept(struct fw_plan *p, const struct fw_accept *a);

/* Number of accept rules of FAMILY. */
size_t fw_plan_count_family(const struct fw_plan *p, enum fw_family family);

/*
 * Indices of the guarded ports in rendering order (TCP before UDP, then by
 * port number), into IDX (p->nports entries).
 */
void fw_plan_port_order(const struct fw_plan *p, size_t *idx);

/* ---- addresses ------------------------------------------------------- */

/*
 * Parses an address or a network: "10.0.0.1", "10.0.0.0/24", "fd00::1",
 * "[fd00::1]", "fd00::/64", "fe80::1%eth0" (the zone is dropped; it is
 * stored in ZONE when ZONE is not NULL, "" when there is none). Without a
 * prefix the result is a host (/32, /128). Host bits of a network are
 * cleared. Returns 0, or -1 when S is not an address.
 */
int fw_net_parse(const char *s, struct fw_net *n, char zone[FW_IFNAME_MAX + 1]);
/* A host or network from raw bytes (network order). 0 / -1 (bad prefix). */
int fw_net_from_bytes(struct fw_net *n, enum fw_family family,
		      const uint8_t *bytes, unsigned prefix);
/* Clears the host bits. */
void fw_net_mask(struct fw_net *n);
/* Full-length prefix: a single address. */
bool fw_net_is_host(const struct fw_net *n);
bool fw_net_equal(const struct fw_net *a, const struct fw_net *b);
/* ADDR (any prefix) lies inside NET. */
bool fw_net_contains(const struct fw_net *net, const struct fw_net *addr);
/* Multicast address (224.0.0.0/4, ff00::/8). */
bool fw_net_is_multicast(const struct fw_net *n);
/*
 * Text form: "10.0.0.1", "fd00::1" for hosts (with "/32", "/128" when
 * ALWAYS_PREFIX), "10.0.0.0/24" for networks. BUF should hold
 * FW_NET_STRLEN bytes.
 */
void fw_net_format(const struct fw_net *n, bool always_prefix, char *buf,
		   size_t len);

const char *fw_proto_name(enum fw_proto proto);	/* "tcp", "udp" */

#endif /* DUET_FW_PLAN_H */
