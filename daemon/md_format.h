/*
 * duetadm: the on-disk meta-data, seen from userspace. The format itself
 * (superblock, activity-log transactions, bitmap pages) is kmod/core's
 * (md.h, al.h, bm.h); this file writes and reads it on a device.
 */
#ifndef DUET_MD_FORMAT_H
#define DUET_MD_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/md_io.h"

/* Is the 4 KiB at a superblock position duet meta-data (even damaged)? */
bool md_format_probe(const uint8_t *sb, size_t len);

/*
 * Writes fresh meta-data into the area of L on FD: the activity-log ring
 * and the bitmap zeroed, then a superblock that says "just created,
 * Inconsistent, clean" with a new device UUID, AL_EXTENTS and MINOR;
 * then syncs. Returns 0, or -1 with ERR set.
 */
int md_format_create(int fd, const struct md_layout *l, uint32_t al_extents,
		     uint32_t minor, char *err, size_t errlen);

/*
 * Prints the meta-data of L on FD as text: superblock fields, the state
 * of the activity log, the bitmap's set bits. Returns 0, or -1 with ERR
 * (no or damaged meta-data: the core's reason).
 */
int md_format_dump(int fd, const struct md_layout *l, FILE *out, char *err,
		   size_t errlen);

#endif /* DUET_MD_FORMAT_H */
