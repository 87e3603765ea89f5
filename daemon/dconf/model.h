/*
 * dconf: the configuration model. A struct dconf_config holds everything
 * parsed from /etc/duet.conf and the files it includes: the global and
 * common options, the resources with their two hosts and each host's
 * volumes, and the diagnostics. Every value remembers the file and line it
 * came from.
 *
 * Inheritance: an option of a resource that is not set there comes from
 * "common", else it has its default (dconf_res_opt()). Volume statements
 * (device, disk, meta-disk) at resource level apply to each "on" section
 * that does not give them itself; the parser resolves that when a resource
 * ends, so hosts[i].vols are always the effective volumes. Disk options may
 * also be given per host ("on X { disk { } }") and per volume ("volume N
 * { disk { } }"): volume, then host, then resource, then common, then the
 * default (dconf_vol_opt()).
 */
#ifndef DCONF_MODEL_H
#define DCONF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/dconf/arena.h"
#include "daemon/dconf/options.h"

struct dconf_loc {
	const char *file;	/* NULL: no location (e.g. command line) */
	unsigned line;		/* 0: the file as a whole */
};

enum dconf_sev { DCONF_ERROR = 0, DCONF_WARNING };

struct dconf_diag {
	struct dconf_loc loc;
	enum dconf_sev sev;
	const char *msg;
};

struct dconf_value {
	bool set;
	int64_t num;		/* INT (stored unit), BOOL, ENUM (uapi value) */
	const char *str;	/* STRING, HANDLER, HEX, NAME */
	struct dconf_loc loc;
};

struct dconf_optset {
	struct dconf_value v[DCONF_O_NR];
};

enum dconf_md_kind {
	DCONF_MD_UNSET = 0,
	DCONF_MD_INTERNAL,	/* end of the backing disk */
	DCONF_MD_FLEXIBLE,	/* whole external device */
	DCONF_MD_INDEXED,	/* 128 MiB slot [index] of an external device */
};

struct dconf_volume {
	unsigned vnr;
	struct dconf_loc loc;	/* "volume N" or the first statement */
	bool has_device;
	const char *device;	/* NULL with "device minor N" */
	int minor;		/* -1 until known */
	struct dconf_loc device_loc;
	const char *disk;	/* NULL: unset */
	struct dconf_loc disk_loc;
	enum dconf_md_kind md_kind;
	const char *meta_disk;	/* NULL for internal */
	int meta_index;		/* INDEXED only */
	struct dconf_loc md_loc;
	struct dconf_optset *opts; /* "disk { }" of this volume, or NULL */
};

enum dconf_af { DCONF_AF_NONE = 0, DCONF_AF_IPV4, DCONF_AF_IPV6 };

struct dconf_addr {
	enum dconf_af af;
	const char *ip;		/* canonical text, no brackets */
	uint8_t bin[16];	/* network order, 4 or 16 bytes used */
	uint16_t port;
	struct dconf_loc loc;
};

struct dconf_host {
	const char *name;	/* "on NAME"; for floating: the address */
	bool floating;
	struct dconf_loc loc;
	struct dconf_addr addr;
	struct dconf_volume *vols;
	size_t nvols, vcap;
	struct dconf_optset *opts; /* "disk { }" of this host, or NULL */
};

struct dconf_resource {
	const char *name;
	struct dconf_loc loc;
	struct dconf_optset opts;	/* as written in the resource */
	struct dconf_volume *vols;	/* resource-level volume statements */
	size_t nvols, vcap;
	struct dconf_host *hosts;
	size_t nhosts, hcap;
	int local, peer;		/* host indices set by validate, -1 */
};

struct dconf_config {
	struct dconf_arena *arena;
	struct dconf_optset global;
	struct dconf_loc global_loc;	/* file NULL if no global section */
	struct dconf_optset common;
	struct dconf_loc common_loc;
	struct dconf_resource *res;
	size_t nres, rcap;
	struct dconf_diag *diags;
	size_t ndiags, dcap;
	unsigned nerrors, nwarnings;
	bool truncated;			/* stopped after too many errors */
	const char **files;		/* interned file names */
	size_t nfiles, fcap;
};

/* Parsing stops after this many errors. */
#define DCONF_MAX_ERRORS 25

struct dconf_config *dconf_config_new(void);
void dconf_config_free(struct dconf_config *cfg);

/* Records a diagnostic at LOC (printf-style). */
void dconf_diag(struct dconf_config *cfg, enum dconf_sev sev,
		struct dconf_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define dconf_error(cfg, loc, ...) dconf_diag(cfg, DCONF_ERROR, loc, __VA_ARGS__)
#define dconf_warn(cfg, loc, ...) dconf_diag(cfg, DCONF_WARNING, loc, __VA_ARGS__)

/* "file:line: message" (warnings: "file:line: warning: message"). */
void dconf_diags_print(const struct dconf_config *cfg, FILE *out);
/* One diagnostic in that form into BUF. */
void dconf_diag_format(const struct dconf_diag *d, char *buf, size_t len);

/* Interns a file name in the arena (locations point at it). */
const char *dconf_intern(struct dconf_config *cfg, const char *s);

struct dconf_resource *dconf_find_resource(const struct dconf_config *cfg,
					   const char *name);

/*
 * The effective value of option OPT for resource RES (NULL = no resource:
 * global options, or common only): the resource's, else common's, else
 * NULL (the default applies).
 */
const struct dconf_value *dconf_res_opt(const struct dconf_config *cfg,
					const struct dconf_resource *res,
					enum dconf_opt opt);
/* Number/enum/bool value of OPT including the default. */
int64_t dconf_res_num(const struct dconf_config *cfg,
		      const struct dconf_resource *res, enum dconf_opt opt);
/* String value of OPT, or NULL when unset. */
const char *dconf_res_str(const struct dconf_config *cfg,
			  const struct dconf_resource *res, enum dconf_opt opt);

/*
 * The effective value of disk option OPT for volume V of host H (either
 * may be NULL): the volume's, the host's, else as dconf_res_opt().
 */
const struct dconf_value *dconf_vol_opt(const struct dconf_config *cfg,
					const struct dconf_resource *res,
					const struct dconf_host *h,
					const struct dconf_volume *v,
					enum dconf_opt opt);
int64_t dconf_vol_num(const struct dconf_config *cfg,
		      const struct dconf_resource *res, const struct dconf_host *h,
		      const struct dconf_volume *v, enum dconf_opt opt);
const char *dconf_vol_str(const struct dconf_config *cfg,
			  const struct dconf_resource *res,
			  const struct dconf_host *h, const struct dconf_volume *v,
			  enum dconf_opt opt);

/* The local and peer hosts after dconf_validate(); NULL before. */
const struct dconf_host *dconf_local_host(const struct dconf_resource *res);
const struct dconf_host *dconf_peer_host(const struct dconf_resource *res);

/* Text of an address as written in the config: "10.0.0.1:7788", "[::1]:7788". */
void dconf_addr_format(const struct dconf_addr *a, char *buf, size_t len);

/* Names of resources and hosts: [/_.A-Za-z0-9-]+ */
bool dconf_is_name(const char *s);

#endif /* DCONF_MODEL_H */
