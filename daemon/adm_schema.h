/*
 * duetadm: a machine-readable description of kmod/uapi/duet_genl.h: the
 * name and type of every attribute of every set, and the command names.
 * The dry-run printer, the netlink encoder/decoder and the tests all
 * work from it, so a new attribute is added in one place.
 */
#ifndef DUET_ADM_SCHEMA_H
#define DUET_ADM_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum adm_kind {
	ADM_K_NONE = 0,		/* unused slot */
	ADM_K_U8,
	ADM_K_U16,
	ADM_K_U32,
	ADM_K_S32,
	ADM_K_U64,
	ADM_K_STR,
	ADM_K_BIN,
	ADM_K_FLAG,
	ADM_K_NEST,
};

struct adm_set;

struct adm_attrdef {
	const char *name;		/* as printed: "backing-dev" */
	enum adm_kind kind;
	const struct adm_set *nest;	/* NEST: the inner set */
	size_t maxlen;			/* STR/BIN */
	/* a name for a numeric value ("C", "Primary"), or NULL */
	const char *(*valname)(int64_t v);
	bool secret;			/* never printed */
};

struct adm_set {
	const char *name;		/* "disk-conf" */
	int max;			/* highest attribute number */
	const struct adm_attrdef *attrs; /* indexed by number, [0] unused */
};

/* The top-level set (DUET_A_*). */
extern const struct adm_set adm_set_top;

/* Sets by the top-level attribute that holds them. */
const struct adm_set *adm_set_of(int top_attr);

/* The definition of attribute TYPE of SET, or NULL. */
const struct adm_attrdef *adm_attrdef(const struct adm_set *set, int type);

/* "NEW_MINOR" for DUET_CMD_NEW_MINOR; NULL for unknown commands. */
const char *adm_cmd_name(int cmd);

/* Text for a DUET_RET_* code, for when the kernel sends no info text. */
const char *adm_retcode_str(uint32_t rc);

#endif /* DUET_ADM_SCHEMA_H */
