/*
 * dd_config: reads /etc/ha.d/{ha.cf,authkeys,haresources} into the
 * context with the hb_ parsers, plus the checks that need the system
 * (file modes, the local node name). Used by `duetd -t` and at start.
 */
#ifndef DUET_DD_CONFIG_H
#define DUET_DD_CONFIG_H

#include <stdio.h>

#include "daemon/duetd/dd.h"

/*
 * Loads and checks the three files. Every diagnostic is printed to out
 * (stderr for -t) as "file:line: message", and also logged when log is
 * true. 0 when usable, -1 otherwise.
 */
int dd_config_load(struct dd *d, FILE *out, int log);
void dd_config_free(struct dd *d);

/* uname -n, or the first word of CONFDIR/nodeinfo, lower case */
int dd_local_name(const char *confdir, char *out, size_t cap);

#endif
