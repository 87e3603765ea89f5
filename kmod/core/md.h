/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the meta-data superblock and where the meta data lives.
 *
 * The on-disk format is duet's own ("duet meta data v1"), not DRBD's:
 * one 4096-byte superblock, all integers little-endian, a CRC-32C over
 * the whole block. Meta-data placement follows DRBD's configuration
 * words (drbd.md §3.1): internal (end of the backing disk), external
 * indexed (fixed 128 MiB slots, "meta-disk /dev/vdb[N]") and external
 * flexible (a whole device). Offsets and sizes are in 512-byte sectors;
 * area offsets are relative to the superblock and negative for internal
 * meta data:
 *
 *   internal:  [data ...][bitmap][activity log][superblock 4 KiB][pad]
 *   external:  [superblock 4 KiB][activity log][bitmap ...]
 *
 * Superblock v1 layout (byte offset, size, field):
 *     0  8  magic "DUETMETA"
 *     8  2  format major version (1); another major is refused
 *    10  2  format minor version (0); a newer minor only adds fields
 *           in the reserved area and is read by older code
 *    12  4  CRC-32C of the 4096 bytes with this field zero
 *    16  4  flags (DUET_MDF_*)
 *    20  4  bytes per bitmap bit (4096)
 *    24  8  data size: the last agreed size of the device, sectors
 *    32  8  size of the whole meta-data area, sectors
 *    40  8  sector of this superblock on the meta-data device
 *    48  8  activity log offset (signed, relative to the superblock)
 *    56  4  activity log size, sectors (8 per transaction block)
 *    60  4  al-extents the activity log was written with
 *    64  8  bitmap offset (signed, relative to the superblock)
 *    72  8  bitmap size, sectors
 *    80  4  meta-disk index (signed: -1 internal, -2 flexible, N >= 0)
 *    84  4  device minor
 *    88 32  generation UUIDs: current, bitmap, history[0], history[1]
 *   120  8  device UUID
 *   128     reserved, zero (format minor 0)
 */
#ifndef DUET_CORE_MD_H
#define DUET_CORE_MD_H

#include "types.h"
#include "sm.h"

#define DUET_MD_BLOCK_SIZE	4096
#define DUET_MD_SB_SECT		8	/* superblock: 4 KiB */
#define DUET_MD_VERSION_MAJOR	1
#define DUET_MD_VERSION_MINOR	0
#define DUET_MD_BM_BYTES_PER_BIT 4096

/* meta-disk index values (>= 0: slot of an indexed external device) */
#define DUET_MD_INDEX_INTERNAL	(-1)
#define DUET_MD_INDEX_FLEXIBLE	(-2)
#define DUET_MD_INDEX_MAX	65535
/* an indexed slot is 128 MiB */
#define DUET_MD_SLOT_SECT	((u64)128 << 11)

/* flags */
#define DUET_MDF_CLEAN		0x001	/* shut down cleanly: no AL replay */
#define DUET_MDF_PRIMARY	0x002	/* was Primary */
#define DUET_MDF_CONSISTENT	0x004	/* disk above Inconsistent */
#define DUET_MDF_UP_TO_DATE	0x008	/* was UpToDate (or Consistent) */
#define DUET_MDF_OUTDATED	0x010	/* consistent but known stale */
#define DUET_MDF_PEER_OUTDATED	0x020	/* the peer was marked Outdated */
#define DUET_MDF_FULL_SYNC	0x040	/* a full sync is pending */
#define DUET_MDF_CONNECTED	0x080	/* was connected */
#define DUET_MDF_CRASHED_PRIMARY 0x100	/* attached after a Primary crash */
#define DUET_MDF_KNOWN		0x1ff

/* generation UUID slots */
enum duet_uuid_index {
	DUET_UI_CURRENT = 0,
	DUET_UI_BITMAP,
	DUET_UI_HISTORY0,
	DUET_UI_HISTORY1,
	DUET_UI_NR
};
#define DUET_UUID_JUST_CREATED	4ULL

/* The superblock, decoded. */
struct duet_md_sb {
	u16 version_minor;	/* as read; encode writes ours */
	u32 flags;
	u32 bm_bytes_per_bit;
	u64 la_size_sect;	/* data size last agreed with the peer */
	u64 md_size_sect;	/* whole meta-data area */
	u64 md_offset_sect;	/* superblock position on the md device */
	s64 al_offset;		/* relative to the superblock */
	u32 al_size_sect;
	u32 al_extents;
	s64 bm_offset;		/* relative to the superblock */
	u64 bm_size_sect;
	s32 md_index;
	u32 minor;
	u64 uuid[DUET_UI_NR];
	u64 device_uuid;
};

/* Errors of the codec and the layout calculator (0 is success). */
enum duet_md_err {
	DUET_MD_OK = 0,
	DUET_MD_E_SHORT = -1,
	DUET_MD_E_BLANK = -2,
	DUET_MD_E_FOREIGN = -3,
	DUET_MD_E_MAGIC = -4,
	DUET_MD_E_VERSION = -5,
	DUET_MD_E_CHECKSUM = -6,
	DUET_MD_E_RESERVED = -7,
	DUET_MD_E_FLAGS = -8,
	DUET_MD_E_GEOMETRY = -9,
	DUET_MD_E_AL = -10,
	DUET_MD_E_BITMAP = -11,
	DUET_MD_E_LAYOUT = -12,
	DUET_MD_E_INDEX = -13,
	DUET_MD_E_TOO_SMALL = -14,
	DUET_MD_E_TOO_BIG = -15,
	DUET_MD_E_LAST = -15
};

const char *duet_md_strerror(int err);

/*
 * Decode and validate a superblock. Reads only the first 4096 bytes of
 * @buf and never beyond @len. On error @sb is left untouched.
 */
int duet_md_decode(const u8 *buf, size_t len, struct duet_md_sb *sb);
/*
 * Validate @sb and encode it into @block (4096 bytes, fully written,
 * reserved bytes zero). Returns an error and writes nothing if @sb would
 * not decode.
 */
int duet_md_encode(const struct duet_md_sb *sb, u8 *block);
/* The semantic checks of duet_md_decode(), on a decoded superblock. */
int duet_md_validate(const struct duet_md_sb *sb);

/* ---- layout ----------------------------------------------------------- */

struct duet_md_layout {
	s32 md_index;
	u64 md_offset_sect;	/* superblock sector on the md device */
	u64 md_size_sect;	/* whole meta-data area */
	s64 al_offset;		/* relative to the superblock */
	u32 al_size_sect;
	s64 bm_offset;		/* relative to the superblock */
	u64 bm_size_sect;
	u64 data_sect;		/* usable size of the replicated device */
	u64 max_data_sect;	/* largest data size this placement covers */
	/*
	 * Smallest device that works: the meta-data device for external
	 * placements, the backing device for internal meta data. Filled in
	 * on DUET_MD_E_TOO_SMALL as well, so the user is told what to get.
	 */
	u64 needed_sect;
	u64 have_sect;		/* the size that was offered */
};

/* Bitmap sectors that cover @data_sect (whole 4 KiB pages). */
u64 duet_md_bm_sect(u64 data_sect);

/*
 * Compute where everything goes. @backing_sect is the size of the
 * backing (data) device, @md_dev_sect the size of the external meta-data
 * device (ignored for internal), @al_ring_tx the number of activity-log
 * transaction blocks (0: DUET_AL_RING_TX_DEFAULT). Returns 0 or
 * DUET_MD_E_INDEX, DUET_MD_E_AL, DUET_MD_E_TOO_SMALL (needed_sect tells
 * how much is needed) or DUET_MD_E_TOO_BIG (indexed slot; max_data_sect
 * tells the limit).
 */
int duet_md_layout(s32 md_index, u64 backing_sect, u64 md_dev_sect,
		   u32 al_ring_tx, struct duet_md_layout *l);

/*
 * A sentence for a layout error, with the numbers: "meta-data device too
 * small: index 5 needs at least 768 MiB (1572864 sectors), the device has
 * 512 MiB (1048576 sectors)". Bounded like snprintf.
 */
size_t duet_md_layout_explain(int err, const struct duet_md_layout *l,
			      char *buf, size_t size);

/* A fresh superblock for create-md: Inconsistent, clean, just created. */
void duet_md_init_sb(struct duet_md_sb *sb, const struct duet_md_layout *l,
		     u32 al_extents, u32 minor, u64 device_uuid);

/* ---- flags and disk states -------------------------------------------- */

/* Disk state at attach time (drbd.md §1.3) from the stored flags. */
enum duet_disk duet_md_disk_state(u32 flags, enum duet_fencing fencing);
/* The flags to store for state @s (CLEAN, FULL_SYNC, CRASHED kept). */
u32 duet_md_flags_for_state(u32 flags, const struct duet_state *s);
/* Was Primary and did not shut down cleanly: replay the activity log. */
bool duet_md_crashed_primary(u32 flags);

#endif /* DUET_CORE_MD_H */
