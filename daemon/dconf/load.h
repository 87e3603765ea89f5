/*
 * dconf: the file-system front end of the parser. Reads a configuration
 * file and the files its "include" statements name: a relative pattern is
 * taken relative to the directory of the including file, wildcards are
 * expanded with glob(3) in sorted order, a glob that matches nothing is
 * fine, a plain name that does not exist is an error.
 */
#ifndef DCONF_LOAD_H
#define DCONF_LOAD_H

#include "daemon/dconf/model.h"

/* Files larger than this are refused (a config is a few KiB). */
#define DCONF_MAX_FILE_SIZE (16u << 20)

/*
 * Parses PATH ("-" reads standard input) with its includes into CFG.
 * Returns the number of errors in CFG afterwards.
 */
unsigned dconf_load_file(struct dconf_config *cfg, const char *path);

/*
 * Reads a whole file into a malloc'd buffer (NUL-terminated, *len
 * excludes the NUL). Returns NULL and sets errno on failure; EFBIG when
 * it exceeds DCONF_MAX_FILE_SIZE.
 */
char *dconf_read_file(const char *path, size_t *len);

#endif /* DCONF_LOAD_H */
