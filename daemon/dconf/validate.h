/*
 * dconf: checks that need the whole configuration, after parsing:
 *
 *   - every resource has exactly two hosts, each with an address and
 *     complete volumes (device, disk, meta-disk), the same volumes on both;
 *   - one of the two hosts is this machine (the "on" name equals the host
 *     name, or a floating address is local): that is the local host;
 *   - no minor, device path, backing disk or meta-data slot is used twice
 *     on one host, no address:port twice anywhere;
 *   - options that depend on each other (shared-secret and cram-hmac-alg,
 *     allow-two-primaries and protocol C, resync-after and
 *     become-primary-on naming something that exists).
 */
#ifndef DCONF_VALIDATE_H
#define DCONF_VALIDATE_H

#include <stdbool.h>

#include "daemon/dconf/model.h"

struct dconf_local {
	const char *hostname;	/* uname -n, or --hostname */
	/* For "floating" sections: is A an address of this machine? */
	bool (*is_local_addr)(void *ctx, const struct dconf_addr *a);
	void *ctx;
};

/*
 * Validates CFG and sets each resource's local and peer host. Returns the
 * number of errors in CFG afterwards (0 = usable).
 */
unsigned dconf_validate(struct dconf_config *cfg,
			const struct dconf_local *local);

#endif /* DCONF_VALIDATE_H */
