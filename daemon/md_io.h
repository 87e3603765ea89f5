/*
 * duetadm: where the meta-data of a volume lives, and the device I/O of
 * create-md and dump-md.
 *
 * Placement (the rules of drbd.md §3.1/§3.2, which duet keeps):
 *   meta-disk DEV[N]     indexed external: a fixed 128 MiB slot at
 *                        N x 128 MiB of DEV; DEV needs (N + 1) x 128 MiB
 *   meta-disk DEV        flexible external: DEV from offset 0, sized for
 *                        the backing disk
 *   meta-disk internal   at the end of the backing disk, sized for it;
 *                        the replicated device is what lies before it
 *
 * What is written inside the area (superblock, activity log, bitmap) is
 * the on-disk format of kmod/core/md.h and is reached only through
 * md_format.h.
 */
#ifndef DUET_MD_IO_H
#define DUET_MD_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum md_kind { MD_INTERNAL, MD_FLEXIBLE, MD_INDEXED };

#define MD_SLOT_BYTES (128ULL << 20)	/* DUET_MD_SLOT_BYTES */
#define MD_MIN_EXTERNAL (1ULL << 20)	/* a flexible meta device */

struct md_layout {
	enum md_kind kind;
	int index;			/* MD_INDEXED */
	uint64_t backing_bytes;		/* size of the backing disk */
	uint64_t dev_bytes;		/* size of the device with the meta-data */
	uint64_t md_offset;		/* the area on that device ... */
	uint64_t md_bytes;		/* ... and its size */
	uint64_t sb_offset;		/* where the superblock is */
	uint64_t need_bytes;		/* the device must be this large */
	uint64_t data_bytes;		/* size of the replicated device */
};

/*
 * Bytes of flexible meta-data for DATA bytes of data: 4 KiB superblock,
 * 32 KiB activity log, a bitmap of one bit per 4 KiB rounded up to 4 KiB.
 * TEMPORARY: the rule of drbd.md §3.2, to be replaced by the size function
 * of kmod/core/md.h when that is merged.
 */
uint64_t md_flex_bytes(uint64_t data_bytes);

/* Largest backing disk an indexed slot's bitmap can cover. */
uint64_t md_indexed_max_data(void);

/*
 * Computes where the meta-data goes. Returns 0, or -1 with the reason in
 * ERR when the device is too small (the size needed is in l->need_bytes
 * and in the message) or the backing disk too large for a slot.
 */
int md_layout_compute(enum md_kind kind, int index, uint64_t backing_bytes,
		      uint64_t dev_bytes, struct md_layout *l, char *err,
		      size_t errlen);

/* "128 MiB", "36 KiB" or "1234 bytes": exact, for messages. */
const char *md_fmt_bytes(uint64_t v, char *buf, size_t len);

/* Size of an open block device or regular file; -1 with errno. */
int md_dev_size(int fd, uint64_t *bytes);

/* Reads up to LEN bytes at OFF (short at the end of a device); -1 on error. */
long md_read_at(int fd, uint64_t off, void *buf, size_t len);

#endif /* DUET_MD_IO_H */
