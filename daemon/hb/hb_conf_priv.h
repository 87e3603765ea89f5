/*
 * hb_conf_priv: what the ha.cf parser's files share (hb_conf.c, the
 * keyword table and whole-file checks; hb_conf_media.c, the media and
 * ping-node directives). Not for use outside daemon/hb/hb_conf*.c.
 */
#ifndef DUET_HB_CONF_PRIV_H
#define DUET_HB_CONF_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/hb/hb_conf.h"

enum kw_kind {
	KW_OPT,		/* "name v1 v2 ...": the handler runs once per value */
	KW_LINE,	/* "name rest of line": the handler gets the rest */
};

struct cctx {
	struct hb_conf *c;
	const char *file;
	struct hb_diag *d;
	unsigned line;

	bool udp_media_yet;	/* a bcast/ucast line was seen */
	bool serial_yet;	/* a serial line was seen */
	bool baud_set;
	bool pacemaker_seen;
	bool oom;

	unsigned keepalive_line, deadtime_line, initdead_line;
	unsigned warntime_line, deadping_line, failback_line;
	unsigned use_logd_line, autojoin_line;
	bool deadping_set, initdead_set, warntime_set, use_logd_set;
	int autojoin;		/* 0 none, 1 other, 2 any */
};

struct kw {
	const char *name;
	enum kw_kind kind;
	int (*fn)(struct cctx *x, const char *v);
	bool record;		/* Heartbeat keeps the value for HA_<name> */
	bool multi;		/* several values are normal (node a b) */
};

void hb_cf_err(struct cctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hb_cf_warn(struct cctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* strdup that reports ENOMEM once */
char *hb_cf_dup(struct cctx *x, const char *s);
/* realloc of an n-element array to n + 1 elements; reports ENOMEM once */
void *hb_cf_grow(struct cctx *x, void *arr, size_t n, size_t sz);

/* media and ping-node handlers (hb_conf_media.c) */
int hb_cf_bcast(struct cctx *x, const char *v);
int hb_cf_serial(struct cctx *x, const char *v);
int hb_cf_ucast(struct cctx *x, const char *v);
int hb_cf_ucast6(struct cctx *x, const char *v);
int hb_cf_mcast(struct cctx *x, const char *v);
int hb_cf_mcast6(struct cctx *x, const char *v);
int hb_cf_ping(struct cctx *x, const char *v);
int hb_cf_ping6(struct cctx *x, const char *v);
int hb_cf_ping_group(struct cctx *x, const char *v);

#endif
