/*
 * duetadm: generic netlink messages of the duet family as plain data. A
 * verb first builds the list of messages it will send (a plan); the plan
 * is then either printed (--dry-run) or sent through libnl (adm_nl.c).
 * Replies are decoded into the same representation. Attribute kinds and
 * names come from the schema (adm_schema.h).
 */
#ifndef DUET_ADM_REQ_H
#define DUET_ADM_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/adm_schema.h"
#include "daemon/dconf/strbuf.h"

struct adm_attr {
	int type;			/* number within its set */
	const struct adm_attrdef *def;
	const struct adm_set *set;	/* NEST: the set of the children */
	int64_t num;			/* U8..U64 (U64 as the same bits), S32 */
	char *str;			/* STR */
	uint8_t bin[16];		/* BIN */
	size_t binlen;
	struct adm_attr **kids;		/* NEST children, in insertion order;
					 * pointers stay valid as kids are added
					 */
	size_t nkids, cap;
};

struct adm_msg {
	int cmd;			/* DUET_CMD_* */
	bool dump;			/* sent with NLM_F_DUMP */
	char *comment;			/* what and why, for the dry run */
	struct adm_attr top;		/* the top-level nests */
};

struct adm_plan {
	struct adm_msg *msgs;
	size_t n, cap;
};

/* Appends a message; COMMENT (printf-style) may be NULL. */
struct adm_msg *adm_plan_add(struct adm_plan *p, int cmd, const char *comment, ...)
	__attribute__((format(printf, 3, 4)));
void adm_plan_free(struct adm_plan *p);
void adm_msg_init(struct adm_msg *m, int cmd);
void adm_msg_free(struct adm_msg *m);

/* The nest TYPE of PARENT, created if missing (PARENT must be a nest). */
struct adm_attr *adm_nest(struct adm_attr *parent, int type);
/* Top-level nest of a message. */
struct adm_attr *adm_msg_nest(struct adm_msg *m, int type);

/*
 * Sets attribute TYPE of nest N (replacing an earlier value). The kind
 * comes from the schema; a number is stored for every integer kind.
 */
void adm_put_num(struct adm_attr *n, int type, int64_t v);
void adm_put_str(struct adm_attr *n, int type, const char *s);	/* NULL: "" */
void adm_put_bin(struct adm_attr *n, int type, const void *p, size_t len);
void adm_put_flag(struct adm_attr *n, int type);

/* Child TYPE of nest N, or NULL. */
const struct adm_attr *adm_find(const struct adm_attr *n, int type);
/* A top-level nest of M, or NULL. */
const struct adm_attr *adm_msg_find(const struct adm_msg *m, int type);

/*
 * True when every attribute of WANT is in HAVE with the same value
 * (nests compared recursively); what HAVE has beyond WANT is ignored.
 */
bool adm_attr_subset(const struct adm_attr *want, const struct adm_attr *have);

/* Deep copy of SRC into DST (DST is overwritten). */
void adm_attr_copy(struct adm_attr *dst, const struct adm_attr *src);

/*
 * The dry-run text of a message:
 *   # comment
 *   genl duet v1 ATTACH
 *     ctx.minor = 0
 *     disk-conf.backing-dev = "/dev/vda"
 */
void adm_msg_print(const struct adm_msg *m, struct dconf_sb *sb);
void adm_plan_print(const struct adm_plan *p, struct dconf_sb *sb);

#endif /* DUET_ADM_REQ_H */
