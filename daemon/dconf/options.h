/*
 * dconf: the options of drbd.conf's sections (DRBD 8.4 names), their
 * types, ranges, defaults and the netlink attribute each one becomes.
 *
 * Ranges and defaults are DRBD 8.4's (drbd_limits.h, drbd.conf-8.4(5));
 * see the shared reference drbd.md §6.3. An option that does not reach
 * the kernel (startup, handlers, global) has nl_set 0.
 */
#ifndef DCONF_OPTIONS_H
#define DCONF_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dconf_sec {
	DCONF_SEC_GLOBAL = 0,
	DCONF_SEC_NET,
	DCONF_SEC_DISK,
	DCONF_SEC_STARTUP,
	DCONF_SEC_OPTIONS,
	DCONF_SEC_HANDLERS,
	DCONF_SEC_NR
};

enum dconf_type {
	DCONF_T_BOOL,		/* "name;" or "name yes|no;" */
	DCONF_T_INT,		/* decimal, with a unit suffix if unit != NONE */
	DCONF_T_ENUM,		/* one of a fixed set of words */
	DCONF_T_STRING,		/* any text up to maxlen */
	DCONF_T_HANDLER,	/* a shell command */
	DCONF_T_HEX,		/* hex digits and commas (cpu-mask) */
	DCONF_T_NAME,		/* a resource or host name */
};

/* Unit a number is stored in; K/M/G/T suffixes are powers of 1024. */
enum dconf_unit {
	DCONF_U_NONE,		/* plain count, no suffix */
	DCONF_U_BYTES,
	DCONF_U_KIB,		/* plain number = KiB (rates) */
	DCONF_U_SECTORS,	/* plain number = 512-byte sectors; "s" too */
};

struct dconf_enum {
	const char *name;
	int val;		/* the value of kmod/uapi/duet_genl.h */
};

enum dconf_opt {
	/* global */
	DCONF_O_USAGE_COUNT = 0,
	DCONF_O_MINOR_COUNT,
	DCONF_O_DIALOG_REFRESH,
	DCONF_O_DISABLE_IP_VERIFICATION,
	/* net */
	DCONF_O_PROTOCOL,
	DCONF_O_CRAM_HMAC_ALG,
	DCONF_O_SHARED_SECRET,
	DCONF_O_AFTER_SB_0PRI,
	DCONF_O_AFTER_SB_1PRI,
	DCONF_O_AFTER_SB_2PRI,
	DCONF_O_RR_CONFLICT,
	DCONF_O_ALWAYS_ASBP,
	DCONF_O_ALLOW_TWO_PRIMARIES,
	DCONF_O_DISCARD_MY_DATA,
	DCONF_O_TIMEOUT,
	DCONF_O_CONNECT_INT,
	DCONF_O_PING_INT,
	DCONF_O_PING_TIMEOUT,
	DCONF_O_KO_COUNT,
	DCONF_O_MAX_BUFFERS,
	DCONF_O_MAX_EPOCH_SIZE,
	DCONF_O_UNPLUG_WATERMARK,
	DCONF_O_SNDBUF_SIZE,
	DCONF_O_RCVBUF_SIZE,
	DCONF_O_TCP_CORK,
	DCONF_O_DATA_INTEGRITY_ALG,
	DCONF_O_VERIFY_ALG,
	DCONF_O_CSUMS_ALG,
	DCONF_O_USE_RLE,
	DCONF_O_ON_CONGESTION,
	DCONF_O_CONGESTION_FILL,
	DCONF_O_CONGESTION_EXTENTS,
	/* disk */
	DCONF_O_ON_IO_ERROR,
	DCONF_O_FENCING,
	DCONF_O_SIZE,
	DCONF_O_RESYNC_RATE,
	DCONF_O_RESYNC_AFTER,
	DCONF_O_AL_EXTENTS,
	DCONF_O_AL_UPDATES,
	DCONF_O_C_PLAN_AHEAD,
	DCONF_O_C_DELAY_TARGET,
	DCONF_O_C_FILL_TARGET,
	DCONF_O_C_MAX_RATE,
	DCONF_O_C_MIN_RATE,
	DCONF_O_DISK_BARRIER,
	DCONF_O_DISK_FLUSHES,
	DCONF_O_DISK_DRAIN,
	DCONF_O_MD_FLUSHES,
	DCONF_O_DISK_TIMEOUT,
	DCONF_O_READ_BALANCING,
	DCONF_O_MAX_BIO_BVECS,
	/* startup */
	DCONF_O_WFC_TIMEOUT,
	DCONF_O_DEGR_WFC_TIMEOUT,
	DCONF_O_OUTDATED_WFC_TIMEOUT,
	DCONF_O_WAIT_AFTER_SB,
	DCONF_O_BECOME_PRIMARY_ON,
	/* options */
	DCONF_O_CPU_MASK,
	DCONF_O_ON_NO_DATA_ACCESSIBLE,
	/* handlers */
	DCONF_O_H_PRI_ON_INCON_DEGR,
	DCONF_O_H_PRI_LOST_AFTER_SB,
	DCONF_O_H_PRI_LOST,
	DCONF_O_H_FENCE_PEER,
	DCONF_O_H_LOCAL_IO_ERROR,
	DCONF_O_H_INITIAL_SPLIT_BRAIN,
	DCONF_O_H_SPLIT_BRAIN,
	DCONF_O_H_BEFORE_RESYNC_TARGET,
	DCONF_O_H_AFTER_RESYNC_TARGET,
	DCONF_O_H_BEFORE_RESYNC_SOURCE,
	DCONF_O_H_OUT_OF_SYNC,
	DCONF_O_NR
};

struct dconf_optdef {
	const char *name;
	enum dconf_sec sec;
	enum dconf_type type;
	enum dconf_unit unit;
	int64_t min, max;		/* INT, in the stored unit */
	int64_t def;			/* INT/BOOL/ENUM default */
	const struct dconf_enum *enums;	/* ENUM, ends with a NULL name */
	size_t maxlen;			/* STRING/HANDLER/HEX/NAME */
	int nl_set;			/* DUET_A_*_CONF nest, 0 = userspace */
	int nl_attr;			/* attribute inside that nest */
	const char *help;		/* one line for duetadm help */
};

extern const struct dconf_optdef dconf_optdefs[DCONF_O_NR];

const char *dconf_sec_name(enum dconf_sec s);

/* Option NAME in section SEC, or -1. */
int dconf_opt_lookup(enum dconf_sec sec, const char *name);

/*
 * Older spellings accepted in place of the 8.4 ones: the 8.3 "syncer"
 * section ("rate", "after", ...), "no-disk-flushes" style negations and
 * 8.0's "outdate-peer" handler. Returns the option or -1; *negate is set
 * when a bare keyword means "no".
 */
int dconf_opt_alias(enum dconf_sec sec, bool in_syncer, const char *name,
		    bool *negate);

/*
 * Parses TEXT as a value of option OPT. Numbers go to *num (stored unit),
 * enum values to *num (the uapi value), bools to *num (0/1); strings are
 * left in TEXT (the caller keeps it). On error returns -1 and writes a
 * message to ERR ("expected ..."); 0 otherwise.
 */
int dconf_opt_parse(enum dconf_opt opt, const char *text, int64_t *num,
		    char *err, size_t errlen);

/* Parses a size with an optional K/M/G/T (or s) suffix into UNIT. */
int dconf_parse_size(const char *text, enum dconf_unit unit, int64_t *out);

/*
 * Writes NUM in UNIT the way dump prints it: the largest suffix that
 * divides it exactly and stands for at least 1024 stored units.
 */
void dconf_format_size(int64_t num, enum dconf_unit unit, char *buf,
		       size_t len);

/* Enum name for a uapi value, or NULL. */
const char *dconf_enum_name(enum dconf_opt opt, int64_t val);

/* Valid option names of a section, for suggestions; ends with NULL. */
size_t dconf_sec_option_names(enum dconf_sec sec, const char **names,
			      size_t max);

/* The option names of 8.3's syncer section; ends with NULL. */
size_t dconf_syncer_option_names(const char **names, size_t max);

#endif /* DCONF_OPTIONS_H */
