/*
 * duetadm: the on-disk meta-data format, seen from userspace. This is the
 * only place that has to know the superblock, activity log and bitmap
 * layout of kmod/core/md.h.
 *
 * NOT DONE YET: kmod/core/md.{h,c} (the format) is being written on another
 * branch. Until it is merged, md_format.c is a stub: md_format_available()
 * is false, create and dump report that the format is missing, and probe
 * finds nothing. Wiring it up means implementing the four functions below
 * on top of kmod/core/md.h; nothing else in duetadm changes.
 */
#ifndef DUET_MD_FORMAT_H
#define DUET_MD_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/md_io.h"

/* Whether this build can read and write duet meta-data. */
bool md_format_available(void);

/* Is the 4 KiB at a superblock position duet meta-data? */
bool md_format_probe(const uint8_t *sb, size_t len);

/*
 * Writes fresh meta-data into the area of L on FD (superblock with a new
 * generation, empty activity log, clear bitmap). Returns 0, or -1 with
 * ERR set.
 */
int md_format_create(int fd, const struct md_layout *l, char *err, size_t errlen);

/* Prints the meta-data of L on FD as text. Returns 0, or -1 with ERR. */
int md_format_dump(int fd, const struct md_layout *l, FILE *out, char *err,
		   size_t errlen);

#endif /* DUET_MD_FORMAT_H */
