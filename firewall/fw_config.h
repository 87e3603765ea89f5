/*
 * fw_config: the plan from duet's configuration. A thin adapter over the
 * two parsers duet already has: daemon/dconf (duet.conf, drbd.conf syntax)
 * and daemon/hb (ha.cf). It reads no other file and touches no system
 * state: this machine's addresses come in through struct fw_config_in.
 *
 * What goes into the plan:
 *   duet.conf  for every resource, the port of this node's "address"
 *              (TCP, guarded) and the peer's address as the only source
 *              allowed to reach it; two resources on one port are an error
 *   ha.cf      for every network medium the UDP port (udpport in effect
 *              for bcast/ucast, the line's own port for mcast/mcast6):
 *                ucast/ucast6  the peer address (ours are skipped: both
 *                              nodes may share one ha.cf)
 *                mcast/mcast6  the peer's addresses on that interface,
 *                              to the group
 *                bcast         the peer's addresses on that interface
 *              where the peer's address on an interface is not known (from
 *              a ucast line or a duet.conf address inside the interface's
 *              subnet), the interface's subnet, with a warning
 * Errors and warnings name file and line.
 */
#ifndef DUET_FW_CONFIG_H
#define DUET_FW_CONFIG_H

#include <stddef.h>

#include "firewall/fw_plan.h"

/* One address of this machine with its prefix length. */
struct fw_ifaddr {
	char ifname[FW_IFNAME_MAX + 1];
	struct fw_net addr;	/* the address itself (not masked) */
	unsigned prefix;	/* the subnet's prefix length */
};

struct fw_config_in {
	const char *duet_conf;		/* e.g. /etc/duet.conf */
	const char *ha_cf;		/* e.g. /etc/ha.d/ha.cf */
	const char *hostname;		/* this node: uname -n */
	const struct fw_ifaddr *ifs;	/* this machine's addresses */
	size_t nifs;
	/*
	 * Resolves a host name of a ucast line into up to MAX addresses;
	 * returns how many, or -1. NULL: only numeric addresses are accepted.
	 */
	int (*resolve)(void *ctx, const char *name, struct fw_net *out, size_t max);
	void *ctx;
};

/*
 * Builds PLAN (initialised by the caller) from the two files. Returns 0
 * when PLAN has no errors; errors and warnings are in PLAN.
 */
int fw_config_plan(const struct fw_config_in *in, struct fw_plan *plan);

#endif /* DUET_FW_CONFIG_H */
