/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the per-device lines of /proc/duet, in exactly the text of
 * DRBD 8.4's /proc/drbd (drbd.md §7) so that users' eyes and scripts read
 * them unchanged:
 *
 *  0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----
 *     ns:0 nr:0 dw:0 dr:0 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0
 *
 * Without a network configuration (StandAlone) the protocol letter is a
 * blank: "ds:UpToDate/DUnknown   r-----". An unconfigured minor prints
 * " 1: cs:Unconfigured".
 */
#ifndef DUET_CORE_STATUS_H
#define DUET_CORE_STATUS_H

#include "types.h"
#include "sm.h"
#include "req.h"

struct duet_dev_status {
	unsigned int minor;
	bool configured;		/* false: "cs:Unconfigured" only */
	const struct duet_state *st;
	char protocol;			/* 'A', 'B', 'C'; 0: none */
	/* 5th flag: '-', or 'd', 'c', 'b', 'n', 'a' (I/O blocked: why) */
	char blocked;
	bool al_suspended;		/* 6th flag 's' */
	const struct duet_counters *ctr;
	u64 oos_kib;			/* duet_bm_oos_kib() */
};

/*
 * Render the device's lines (each ending in '\n') into @buf, bounded like
 * snprintf: returns the full length; the text is cut, NUL-terminated,
 * when @size is too small.
 */
size_t duet_status_format_dev(const struct duet_dev_status *d, char *buf,
			      size_t size);

/* The six flag letters alone, e.g. "r-----" (@out: 7 bytes). */
void duet_status_flags(const struct duet_dev_status *d, char *out);

#endif /* DUET_CORE_STATUS_H */
