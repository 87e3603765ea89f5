/*
 * dconf: duet's reader of /etc/duet.conf, in DRBD's drbd.conf syntax.
 * One header for users of the library:
 *
 *   struct dconf_config *cfg = dconf_config_new();
 *   dconf_load_file(cfg, "/etc/duet.conf");      (or dconf_parse())
 *   dconf_validate(cfg, &(struct dconf_local){ .hostname = "alice" });
 *   if (cfg->nerrors) dconf_diags_print(cfg, stderr);
 *   ... dconf_find_resource(), dconf_local_host(), dconf_res_num() ...
 *   dconf_config_free(cfg);
 */
#ifndef DCONF_H
#define DCONF_H

#include "daemon/dconf/dump.h"
#include "daemon/dconf/load.h"
#include "daemon/dconf/model.h"
#include "daemon/dconf/options.h"
#include "daemon/dconf/parse.h"
#include "daemon/dconf/validate.h"

#endif /* DCONF_H */
