/*
 * dconf: the normalised dump ("duetadm dump"): the effective
 * configuration in canonical drbd.conf syntax. Common options are folded
 * into each resource, resource-level volume statements into each host, the
 * protocol goes into the net section, sizes get their largest exact
 * suffix, and devices always carry their minor. The output parses back to
 * the same configuration: dump, parse, dump gives the same text.
 */
#ifndef DCONF_DUMP_H
#define DCONF_DUMP_H

#include "daemon/dconf/model.h"

enum {
	DCONF_DUMP_DEFAULTS = 1 << 0,	/* also options left at their default */
	DCONF_DUMP_ORIGINS = 1 << 1,	/* "# file:line" after each value */
};

/* The dump of CFG (all resources); free() the result. */
char *dconf_dump(const struct dconf_config *cfg, unsigned flags);

/* The global section and the resources RES[0..n) only; free() it. */
char *dconf_dump_some(const struct dconf_config *cfg,
		      const struct dconf_resource *const *res, size_t n,
		      unsigned flags);

#endif /* DCONF_DUMP_H */
