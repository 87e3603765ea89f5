/*
 * duetadm: shared declarations of the tool's files (duetadm.c: command
 * line and dispatch; adm_verbs.c: the netlink verbs; adm_md.c: create-md
 * and dump-md).
 */
#ifndef DUET_DUETADM_H
#define DUET_DUETADM_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/adm_plan.h"
#include "daemon/dconf/dconf.h"

/* Exit codes (documented in duetadm(8) and daemon/README.md). */
enum adm_exit {
	ADM_EXIT_OK = 0,	/* success */
	ADM_EXIT_FAILED = 1,	/* the kernel refused, or an I/O error */
	ADM_EXIT_USAGE = 2,	/* bad command line */
	ADM_EXIT_CONFIG = 3,	/* config unreadable/invalid, unknown resource */
	ADM_EXIT_REFUSED = 4,	/* create-md would destroy data: --force */
	ADM_EXIT_NO_MODULE = 10, /* generic netlink family "duet" missing */
	ADM_EXIT_NETLINK = 11,	/* netlink trouble: no socket, no answer */
};

/* Per-verb options (also what a verb accepts). */
enum {
	ADM_OPT_FORCE = 1 << 0,
	ADM_OPT_JSON = 1 << 1,
	ADM_OPT_DISCARD = 1 << 2,
	ADM_OPT_VERBOSE = 1 << 3,
	ADM_OPT_STATS = 1 << 4,
	ADM_OPT_CLEAR_BM = 1 << 5,
	ADM_OPT_LAST = ADM_OPT_CLEAR_BM,
};

struct adm_ctx {
	const char *config_path;
	const char *hostname;
	bool dry_run;
	unsigned opts;			/* ADM_OPT_* given */
	struct dconf_config *cfg;
	const struct dconf_resource **res;	/* the selected resources */
	size_t nres;
	bool all;			/* "all" or nothing was given */
};

int adm_verb_netlink(struct adm_ctx *c, const char *verb);
int adm_verb_show(struct adm_ctx *c, const char *verb);
int adm_verb_events(struct adm_ctx *c);
int adm_verb_adjust(struct adm_ctx *c);
int adm_verb_dump(struct adm_ctx *c);
int adm_verb_create_md(struct adm_ctx *c);
int adm_verb_dump_md(struct adm_ctx *c);
int adm_verb_handler(struct adm_ctx *c, const char *verb);
/* up/attach: CREATE the configured device links; down: remove them. */
int adm_device_links(struct adm_ctx *c, bool create);

/* "duetadm: " + message on stderr. */
void adm_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* DUET_DUETADM_H */
