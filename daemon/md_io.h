/*
 * duetadm: where the meta-data of a volume lives, and the device I/O of
 * create-md and dump-md.
 *
 * Placement (drbd.md §3.1/§3.2, computed by kmod/core/md.c so that the
 * tool and the module agree to the sector):
 *   meta-disk DEV[N]     indexed external: a fixed 128 MiB slot at
 *                        N x 128 MiB of DEV; DEV needs (N + 1) x 128 MiB
 *   meta-disk DEV        flexible external: DEV from offset 0, sized for
 *                        the backing disk
 *   meta-disk internal   at the end of the backing disk, sized for it;
 *                        the replicated device is what lies before it
 * External:  [superblock 4 KiB][activity log][bitmap]
 * Internal:  [data ...][bitmap][activity log][superblock 4 KiB][pad]
 */
#ifndef DUET_MD_IO_H
#define DUET_MD_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kmod/core/md.h"

enum md_kind { MD_INTERNAL, MD_FLEXIBLE, MD_INDEXED };

/* All offsets are bytes from the start of the meta-data device. */
struct md_layout {
	enum md_kind kind;
	int index;			/* MD_INDEXED: the slot */
	uint64_t backing_bytes;		/* size of the backing disk */
	uint64_t dev_bytes;		/* size of the device with the meta-data */
	uint64_t md_offset;		/* the whole area ... */
	uint64_t md_bytes;		/* ... and its size */
	uint64_t sb_offset;		/* the superblock (4 KiB) */
	uint64_t al_offset, al_bytes;	/* the activity-log ring */
	uint64_t bm_offset, bm_bytes;	/* the bitmap area */
	uint64_t bm_used_bytes;		/* the part that covers the data */
	uint64_t need_bytes;		/* the device must be this large */
	uint64_t data_bytes;		/* size of the replicated device */
	struct duet_md_layout core;	/* the same in sectors, for md.h */
};

/*
 * Computes where the meta-data goes. Returns 0, or -1 with the reason
 * in ERR (kmod/core's sentence, with the size needed) when the device is
 * too small or the backing disk too large for a slot.
 */
int md_layout_compute(enum md_kind kind, int index, uint64_t backing_bytes,
		      uint64_t dev_bytes, struct md_layout *l, char *err,
		      size_t errlen);

/* "128 MiB", "36 KiB", "0" or "1234 bytes": exact, for messages. */
const char *md_fmt_bytes(uint64_t v, char *buf, size_t len);

/* Size of an open block device or regular file; -1 with errno. */
int md_dev_size(int fd, uint64_t *bytes);

/* Reads up to LEN bytes at OFF (short at the end of a device); -1 on error. */
long md_read_at(int fd, uint64_t off, void *buf, size_t len);

/* Writes all of LEN bytes at OFF; -1 with errno on error. */
int md_write_at(int fd, uint64_t off, const void *buf, size_t len);

/* Writes LEN zero bytes at OFF; -1 with errno on error. */
int md_zero_at(int fd, uint64_t off, uint64_t len);

#endif /* DUET_MD_IO_H */
