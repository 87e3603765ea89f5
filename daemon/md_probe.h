/*
 * duetadm: what is already on a device before create-md writes to it.
 * Looks for the signatures of file systems, swap, LUKS, LVM, RAID,
 * partition tables, and DRBD meta-data, in a buffer read from the start
 * of a device (pure: the caller reads).
 */
#ifndef DUET_MD_PROBE_H
#define DUET_MD_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* Bytes from the start of a device that md_probe() looks at. */
#define MD_PROBE_BYTES (68 * 1024)

struct md_found {
	const char *what;	/* "an ext4 file system", "swap space", ... */
	uint64_t size;		/* bytes the thing occupies, 0 = unknown */
};

/*
 * Looks at BUF (LEN bytes from offset 0 of a device, LEN may be short).
 * Returns 1 and fills *f when something is there, 0 when it looks unused.
 */
int md_probe(const uint8_t *buf, size_t len, struct md_found *f);

/*
 * DRBD's meta-data magic in a 4 KiB superblock (big-endian at byte 60):
 * its name ("DRBD 8.x meta-data") or NULL.
 */
const char *md_probe_drbd_sb(const uint8_t *sb, size_t len);

#endif /* DUET_MD_PROBE_H */
