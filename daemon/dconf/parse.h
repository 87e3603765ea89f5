/*
 * dconf: the drbd.conf parser. It reads from memory; files named by
 * "include" are obtained through struct dconf_include_ops, so the parser
 * itself does no I/O (load.c supplies the file-system version, tests and
 * the fuzzer supply their own).
 *
 * Errors do not stop the parse unless the structure is lost (a missing
 * ';' or '}', an unexpected token): an unknown keyword or a bad value is
 * reported and the statement skipped, so one run reports many mistakes.
 */
#ifndef DCONF_PARSE_H
#define DCONF_PARSE_H

#include <stddef.h>

#include "daemon/dconf/model.h"

struct dconf_source {
	const char *name;	/* as shown in messages */
	const char *id;		/* identity for include loops (realpath) */
	const char *buf;
	size_t len;
};

struct dconf_include_ops {
	/*
	 * Expands PATTERN (as written after "include"), included from the
	 * file named FROM, to the files it matches, in order. A pattern
	 * without wildcards must match; a glob may match nothing. Returns 0
	 * and fills *srcs / *n, or -1 with a message in ERR.
	 */
	int (*open)(void *ctx, const char *pattern, const char *from,
		    struct dconf_source **srcs, size_t *n, char *err,
		    size_t errlen);
	void (*release)(void *ctx, struct dconf_source *srcs, size_t n);
	void *ctx;
};

/* Includes nest at most this deep. */
#define DCONF_MAX_INCLUDE_DEPTH 16

/*
 * Parses SRC into CFG (several sources may be parsed into one config).
 * INC may be NULL: "include" is then an error. Returns the number of
 * errors recorded so far in CFG (0 = success).
 */
unsigned dconf_parse(struct dconf_config *cfg, const struct dconf_source *src,
		     const struct dconf_include_ops *inc);

/* Convenience: parse a NUL-free buffer named NAME without includes. */
unsigned dconf_parse_string(struct dconf_config *cfg, const char *name,
			    const char *text);

#endif /* DCONF_PARSE_H */
