// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: meta-data superblock codec and layout calculator (see md.h).
 */
#include "md.h"
#include "al.h"
#include "bytes.h"
#include "crc32c.h"
#include "fmt.h"

static const u8 duet_md_magic[8] = { 'D', 'U', 'E', 'T', 'M', 'E', 'T', 'A' };

/* field offsets of format v1 */
#define SB_MAGIC	0
#define SB_MAJOR	8
#define SB_MINOR	10
#define SB_CRC		12
#define SB_FLAGS	16
#define SB_BPB		20
#define SB_LA_SIZE	24
#define SB_MD_SIZE	32
#define SB_MD_OFFSET	40
#define SB_AL_OFFSET	48
#define SB_AL_SIZE	56
#define SB_AL_EXTENTS	60
#define SB_BM_OFFSET	64
#define SB_BM_SIZE	72
#define SB_INDEX	80
#define SB_MINOR_NR	84
#define SB_UUID		88
#define SB_DEV_UUID	120
#define SB_END		128

/*
 * Every size and offset must stay below 2^48 sectors (128 PiB), so that
 * the layout arithmetic below cannot overflow whatever a corrupt (but
 * correctly checksummed) block contains.
 */
#define MD_LIMIT	((u64)1 << 48)

/* DRBD 8.x meta-data magics, big-endian at byte 60 (drbd.md §3.3) */
#define DRBD_MD_MAGIC_08	0x8374026bU
#define DRBD_MD_MAGIC_84_UNCLEAN 0x8374026cU
#define DRBD_MD_MAGIC_09	0x8374026dU

static const char *const duet_md_errors[] = {
	[0] = "OK",
	[-DUET_MD_E_SHORT] =
		"meta-data block truncated: a superblock is 4096 bytes",
	[-DUET_MD_E_BLANK] =
		"no meta data found (the block is all zero): run create-md",
	[-DUET_MD_E_FOREIGN] =
		"found DRBD meta data, not duet's: duet uses its own format, run create-md (this discards the DRBD meta data)",
	[-DUET_MD_E_MAGIC] =
		"no duet meta data here (bad magic)",
	[-DUET_MD_E_VERSION] =
		"meta data written by an incompatible duet version (unknown format major version)",
	[-DUET_MD_E_CHECKSUM] =
		"meta-data superblock is corrupt (checksum mismatch)",
	[-DUET_MD_E_RESERVED] =
		"meta-data superblock is corrupt (reserved bytes are not zero)",
	[-DUET_MD_E_FLAGS] =
		"meta-data superblock is corrupt (unknown or contradictory flags)",
	[-DUET_MD_E_GEOMETRY] =
		"unsupported bitmap granularity (duet uses 4 KiB per bit)",
	[-DUET_MD_E_AL] =
		"activity-log size and al-extents do not fit together",
	[-DUET_MD_E_BITMAP] =
		"bitmap area too small for the device size",
	[-DUET_MD_E_LAYOUT] =
		"meta-data areas overlap, exceed the meta-data area or overlap the data",
	[-DUET_MD_E_INDEX] =
		"bad meta-disk index (internal, flexible or 0..65535)",
	[-DUET_MD_E_TOO_SMALL] =
		"device too small for the meta data",
	[-DUET_MD_E_TOO_BIG] =
		"device too big for an indexed meta-data slot (128 MiB covers about 4 TiB): use flexible external or internal meta data",
};

const char *duet_md_strerror(int err)
{
	if (err <= 0 && err >= DUET_MD_E_LAST)
		return duet_md_errors[-err];
	return "unknown meta-data error";
}

/* ---- validation ------------------------------------------------------- */

static int duet_md_check_flags(u32 f)
{
	if (f & ~(u32)DUET_MDF_KNOWN)
		return DUET_MD_E_FLAGS;
	/* the three disk bits encode one of four disk conditions */
	if ((f & DUET_MDF_UP_TO_DATE) && !(f & DUET_MDF_CONSISTENT))
		return DUET_MD_E_FLAGS;
	if ((f & DUET_MDF_OUTDATED) &&
	    (!(f & DUET_MDF_CONSISTENT) || (f & DUET_MDF_UP_TO_DATE)))
		return DUET_MD_E_FLAGS;
	if ((f & DUET_MDF_CONSISTENT) &&
	    !(f & (DUET_MDF_UP_TO_DATE | DUET_MDF_OUTDATED)))
		return DUET_MD_E_FLAGS;
	return DUET_MD_OK;
}

static bool duet_md_in_limit(s64 v)
{
	return v > -(s64)MD_LIMIT && v < (s64)MD_LIMIT;
}

/* [start, start + len) lies within [lo, hi) */
static bool duet_md_within(s64 start, u64 len, s64 lo, s64 hi)
{
	return start >= lo && start + (s64)len <= hi;
}

static bool duet_md_disjoint(s64 a, u64 alen, s64 b, u64 blen)
{
	return a + (s64)alen <= b || b + (s64)blen <= a;
}

int duet_md_validate(const struct duet_md_sb *sb)
{
	s64 lo, hi;
	u32 ring;
	int err;

	err = duet_md_check_flags(sb->flags);
	if (err)
		return err;
	if (sb->bm_bytes_per_bit != DUET_MD_BM_BYTES_PER_BIT)
		return DUET_MD_E_GEOMETRY;

	if (sb->al_size_sect % DUET_MD_SB_SECT)
		return DUET_MD_E_AL;
	ring = sb->al_size_sect / DUET_MD_SB_SECT;
	if (sb->al_extents < DUET_AL_MIN_EXTENTS ||
	    sb->al_extents > DUET_AL_MAX_EXTENTS ||
	    ring < DUET_AL_RING_TX_MIN || ring > DUET_AL_RING_TX_MAX ||
	    sb->al_extents > duet_al_max_extents(ring))
		return DUET_MD_E_AL;

	if (sb->md_index < DUET_MD_INDEX_FLEXIBLE ||
	    sb->md_index > DUET_MD_INDEX_MAX)
		return DUET_MD_E_INDEX;

	if (sb->la_size_sect >= MD_LIMIT || sb->md_size_sect >= MD_LIMIT ||
	    sb->md_offset_sect >= MD_LIMIT || sb->bm_size_sect >= MD_LIMIT ||
	    !duet_md_in_limit(sb->al_offset) ||
	    !duet_md_in_limit(sb->bm_offset))
		return DUET_MD_E_LAYOUT;
	if (sb->bm_size_sect % DUET_MD_SB_SECT ||
	    sb->bm_size_sect < duet_md_bm_sect(sb->la_size_sect))
		return DUET_MD_E_BITMAP;

	/* the meta-data area, relative to the superblock */
	if (sb->md_index == DUET_MD_INDEX_INTERNAL) {
		if (sb->md_size_sect < DUET_MD_SB_SECT)
			return DUET_MD_E_LAYOUT;
		lo = DUET_MD_SB_SECT - (s64)sb->md_size_sect;
		hi = DUET_MD_SB_SECT;
		/* the data ends where the meta data begins */
		if (sb->md_offset_sect + DUET_MD_SB_SECT <
			sb->md_size_sect + sb->la_size_sect)
			return DUET_MD_E_LAYOUT;
	} else {
		lo = 0;
		hi = (s64)sb->md_size_sect;
		if (sb->md_index == DUET_MD_INDEX_FLEXIBLE &&
		    sb->md_offset_sect != 0)
			return DUET_MD_E_LAYOUT;
		if (sb->md_index >= 0 &&
		    (sb->md_size_sect != DUET_MD_SLOT_SECT ||
		     sb->md_offset_sect !=
			(u64)sb->md_index * DUET_MD_SLOT_SECT))
			return DUET_MD_E_LAYOUT;
	}
	if (!duet_md_within(0, DUET_MD_SB_SECT, lo, hi) ||
	    !duet_md_within(sb->al_offset, sb->al_size_sect, lo, hi) ||
	    !duet_md_within(sb->bm_offset, sb->bm_size_sect, lo, hi) ||
	    !duet_md_disjoint(0, DUET_MD_SB_SECT, sb->al_offset,
			      sb->al_size_sect) ||
	    !duet_md_disjoint(0, DUET_MD_SB_SECT, sb->bm_offset,
			      sb->bm_size_sect) ||
	    !duet_md_disjoint(sb->al_offset, sb->al_size_sect, sb->bm_offset,
			      sb->bm_size_sect))
		return DUET_MD_E_LAYOUT;
	return DUET_MD_OK;
}

/* ---- codec ------------------------------------------------------------ */

static u32 duet_md_block_crc(const u8 *block)
{
	static const u8 zero[4];
	u32 crc;

	crc = duet_crc32c(0, block, SB_CRC);
	crc = duet_crc32c(crc, zero, sizeof(zero));
	return duet_crc32c(crc, block + SB_CRC + 4,
			   DUET_MD_BLOCK_SIZE - SB_CRC - 4);
}

static bool duet_md_is_drbd(const u8 *buf)
{
	u32 m = duet_get_be32(buf + 60);

	return m == DRBD_MD_MAGIC_08 || m == DRBD_MD_MAGIC_84_UNCLEAN ||
	       m == DRBD_MD_MAGIC_09;
}

int duet_md_decode(const u8 *buf, size_t len, struct duet_md_sb *out)
{
	struct duet_md_sb sb;
	int i, err;

	if (!buf || len < DUET_MD_BLOCK_SIZE)
		return DUET_MD_E_SHORT;
	if (memcmp(buf, duet_md_magic, sizeof(duet_md_magic)) != 0) {
		if (duet_all_zero(buf, DUET_MD_BLOCK_SIZE))
			return DUET_MD_E_BLANK;
		if (duet_md_is_drbd(buf))
			return DUET_MD_E_FOREIGN;
		return DUET_MD_E_MAGIC;
	}
	if (duet_get_le16(buf + SB_MAJOR) != DUET_MD_VERSION_MAJOR)
		return DUET_MD_E_VERSION;
	if (duet_get_le32(buf + SB_CRC) != duet_md_block_crc(buf))
		return DUET_MD_E_CHECKSUM;
	sb.version_minor = duet_get_le16(buf + SB_MINOR);
	if (sb.version_minor == 0 &&
	    !duet_all_zero(buf + SB_END, DUET_MD_BLOCK_SIZE - SB_END))
		return DUET_MD_E_RESERVED;

	sb.flags = duet_get_le32(buf + SB_FLAGS);
	sb.bm_bytes_per_bit = duet_get_le32(buf + SB_BPB);
	sb.la_size_sect = duet_get_le64(buf + SB_LA_SIZE);
	sb.md_size_sect = duet_get_le64(buf + SB_MD_SIZE);
	sb.md_offset_sect = duet_get_le64(buf + SB_MD_OFFSET);
	sb.al_offset = (s64)duet_get_le64(buf + SB_AL_OFFSET);
	sb.al_size_sect = duet_get_le32(buf + SB_AL_SIZE);
	sb.al_extents = duet_get_le32(buf + SB_AL_EXTENTS);
	sb.bm_offset = (s64)duet_get_le64(buf + SB_BM_OFFSET);
	sb.bm_size_sect = duet_get_le64(buf + SB_BM_SIZE);
	sb.md_index = (s32)duet_get_le32(buf + SB_INDEX);
	sb.minor = duet_get_le32(buf + SB_MINOR_NR);
	for (i = 0; i < DUET_UI_NR; i++)
		sb.uuid[i] = duet_get_le64(buf + SB_UUID + 8 * i);
	sb.device_uuid = duet_get_le64(buf + SB_DEV_UUID);

	err = duet_md_validate(&sb);
	if (err)
		return err;
	*out = sb;
	return DUET_MD_OK;
}

int duet_md_encode(const struct duet_md_sb *sb, u8 *block)
{
	int i, err;

	err = duet_md_validate(sb);
	if (err)
		return err;
	memset(block, 0, DUET_MD_BLOCK_SIZE);
	memcpy(block + SB_MAGIC, duet_md_magic, sizeof(duet_md_magic));
	duet_put_le16(block + SB_MAJOR, DUET_MD_VERSION_MAJOR);
	duet_put_le16(block + SB_MINOR, DUET_MD_VERSION_MINOR);
	duet_put_le32(block + SB_FLAGS, sb->flags);
	duet_put_le32(block + SB_BPB, sb->bm_bytes_per_bit);
	duet_put_le64(block + SB_LA_SIZE, sb->la_size_sect);
	duet_put_le64(block + SB_MD_SIZE, sb->md_size_sect);
	duet_put_le64(block + SB_MD_OFFSET, sb->md_offset_sect);
	duet_put_le64(block + SB_AL_OFFSET, (u64)sb->al_offset);
	duet_put_le32(block + SB_AL_SIZE, sb->al_size_sect);
	duet_put_le32(block + SB_AL_EXTENTS, sb->al_extents);
	duet_put_le64(block + SB_BM_OFFSET, (u64)sb->bm_offset);
	duet_put_le64(block + SB_BM_SIZE, sb->bm_size_sect);
	duet_put_le32(block + SB_INDEX, (u32)sb->md_index);
	duet_put_le32(block + SB_MINOR_NR, sb->minor);
	for (i = 0; i < DUET_UI_NR; i++)
		duet_put_le64(block + SB_UUID + 8 * i, sb->uuid[i]);
	duet_put_le64(block + SB_DEV_UUID, sb->device_uuid);
	duet_put_le32(block + SB_CRC, duet_md_block_crc(block));
	return DUET_MD_OK;
}

/* ---- layout ----------------------------------------------------------- */

/* one bit per 8 sectors, 32768 bits per 4 KiB page: 2^18 sectors/page */
#define BM_SECT_PER_PAGE_SHIFT	18

u64 duet_md_bm_sect(u64 data_sect)
{
	u64 pages;

	pages = (data_sect >> BM_SECT_PER_PAGE_SHIFT) +
		!!(data_sect & (((u64)1 << BM_SECT_PER_PAGE_SHIFT) - 1));
	return pages * DUET_MD_SB_SECT;
}

int duet_md_layout(s32 md_index, u64 backing_sect, u64 md_dev_sect,
		   u32 al_ring_tx, struct duet_md_layout *l)
{
	u64 b = backing_sect & ~(u64)7;	/* whole 4 KiB blocks */
	u64 al, bm;

	memset(l, 0, sizeof(*l));
	l->md_index = md_index;
	if (!al_ring_tx)
		al_ring_tx = DUET_AL_RING_TX_DEFAULT;
	if (al_ring_tx < DUET_AL_RING_TX_MIN || al_ring_tx > DUET_AL_RING_TX_MAX)
		return DUET_MD_E_AL;
	al = (u64)al_ring_tx * DUET_MD_SB_SECT;
	l->al_size_sect = (u32)al;
	if (b >= MD_LIMIT)
		b = MD_LIMIT - 8;	/* 128 PiB: far beyond any device */

	if (md_index == DUET_MD_INDEX_INTERNAL) {
		bm = duet_md_bm_sect(b);
		l->bm_size_sect = bm;
		l->md_size_sect = DUET_MD_SB_SECT + al + bm;
		l->al_offset = -(s64)al;
		l->bm_offset = -(s64)(al + bm);
		l->max_data_sect = MD_LIMIT;
		/* superblock + AL + one bitmap page + one data block */
		l->needed_sect = DUET_MD_SB_SECT + al + DUET_MD_SB_SECT + 8;
		l->have_sect = backing_sect;
		if (b < l->md_size_sect + 8)
			return DUET_MD_E_TOO_SMALL;
		l->md_offset_sect = b - DUET_MD_SB_SECT;
		l->data_sect = b - l->md_size_sect;
		return DUET_MD_OK;
	}
	if (md_index == DUET_MD_INDEX_FLEXIBLE) {
		bm = duet_md_bm_sect(b);
		l->bm_size_sect = bm;
		l->md_size_sect = DUET_MD_SB_SECT + al + bm;
		l->al_offset = DUET_MD_SB_SECT;
		l->bm_offset = (s64)(DUET_MD_SB_SECT + al);
		l->max_data_sect = MD_LIMIT;
		l->needed_sect = l->md_size_sect;
		l->have_sect = md_dev_sect;
		if (b < 8)
			return DUET_MD_E_TOO_SMALL;	/* no data at all */
		if (md_dev_sect < l->needed_sect)
			return DUET_MD_E_TOO_SMALL;
		l->data_sect = b;
		return DUET_MD_OK;
	}
	if (md_index < 0 || md_index > DUET_MD_INDEX_MAX)
		return DUET_MD_E_INDEX;

	/* indexed: slot N starts at N * 128 MiB and is exactly 128 MiB */
	l->md_offset_sect = (u64)md_index * DUET_MD_SLOT_SECT;
	l->md_size_sect = DUET_MD_SLOT_SECT;
	l->al_offset = DUET_MD_SB_SECT;
	l->bm_offset = (s64)(DUET_MD_SB_SECT + al);
	l->bm_size_sect = DUET_MD_SLOT_SECT - DUET_MD_SB_SECT - al;
	l->bm_size_sect &= ~(u64)7;
	/* each bitmap sector holds 4096 bits of 8 sectors each */
	l->max_data_sect = l->bm_size_sect << 15;
	l->needed_sect = ((u64)md_index + 1) * DUET_MD_SLOT_SECT;
	l->have_sect = md_dev_sect;
	if (md_dev_sect < l->needed_sect)
		return DUET_MD_E_TOO_SMALL;
	if (b > l->max_data_sect) {
		l->have_sect = backing_sect;
		return DUET_MD_E_TOO_BIG;
	}
	if (b < 8)
		return DUET_MD_E_TOO_SMALL;
	l->data_sect = b;
	return DUET_MD_OK;
}

/* "768 MiB (1572864 sectors)"; sizes below 1 MiB in KiB */
static void duet_md_put_size(struct duet_fmt *f, u64 sect)
{
	if (sect >= 2048) {
		duet_fmt_u64(f, (sect + 2047) >> 11);
		duet_fmt_puts(f, " MiB");
	} else {
		duet_fmt_u64(f, (sect + 1) >> 1);
		duet_fmt_puts(f, " KiB");
	}
	duet_fmt_puts(f, " (");
	duet_fmt_u64(f, sect);
	duet_fmt_puts(f, " sectors)");
}

static void duet_md_put_where(struct duet_fmt *f, s32 md_index)
{
	if (md_index == DUET_MD_INDEX_INTERNAL) {
		duet_fmt_puts(f, "internal meta data");
	} else if (md_index == DUET_MD_INDEX_FLEXIBLE) {
		duet_fmt_puts(f, "flexible external meta data");
	} else {
		duet_fmt_puts(f, "meta-disk index ");
		duet_fmt_s64(f, md_index);
	}
}

size_t duet_md_layout_explain(int err, const struct duet_md_layout *l,
			      char *buf, size_t size)
{
	struct duet_fmt f;

	duet_fmt_init(&f, buf, size);
	switch (err) {
	case DUET_MD_E_TOO_SMALL:
		if (l->md_index == DUET_MD_INDEX_INTERNAL)
			duet_fmt_puts(&f, "backing device too small: ");
		else
			duet_fmt_puts(&f, "meta-data device too small: ");
		duet_md_put_where(&f, l->md_index);
		duet_fmt_puts(&f, " needs at least ");
		duet_md_put_size(&f, l->needed_sect);
		duet_fmt_puts(&f, ", the device has ");
		duet_md_put_size(&f, l->have_sect);
		break;
	case DUET_MD_E_TOO_BIG:
		duet_fmt_puts(&f, "backing device too big for ");
		duet_md_put_where(&f, l->md_index);
		duet_fmt_puts(&f, ": a 128 MiB slot covers at most ");
		duet_md_put_size(&f, l->max_data_sect);
		duet_fmt_puts(&f, ", the device has ");
		duet_md_put_size(&f, l->have_sect);
		duet_fmt_puts(&f, "; use flexible external or internal meta data");
		break;
	default:
		duet_fmt_puts(&f, duet_md_strerror(err));
		break;
	}
	return duet_fmt_len(&f);
}

void duet_md_init_sb(struct duet_md_sb *sb, const struct duet_md_layout *l,
		     u32 al_extents, u32 minor, u64 device_uuid)
{
	memset(sb, 0, sizeof(*sb));
	sb->version_minor = DUET_MD_VERSION_MINOR;
	sb->flags = DUET_MDF_CLEAN;
	sb->bm_bytes_per_bit = DUET_MD_BM_BYTES_PER_BIT;
	sb->la_size_sect = l->data_sect;
	sb->md_size_sect = l->md_size_sect;
	sb->md_offset_sect = l->md_offset_sect;
	sb->al_offset = l->al_offset;
	sb->al_size_sect = l->al_size_sect;
	sb->al_extents = al_extents;
	sb->bm_offset = l->bm_offset;
	sb->bm_size_sect = l->bm_size_sect;
	sb->md_index = l->md_index;
	sb->minor = minor;
	sb->uuid[DUET_UI_CURRENT] = DUET_UUID_JUST_CREATED;
	sb->device_uuid = device_uuid;
}

/* ---- flags and disk states -------------------------------------------- */

enum duet_disk duet_md_disk_state(u32 flags, enum duet_fencing fencing)
{
	if (!(flags & DUET_MDF_CONSISTENT))
		return DUET_D_INCONSISTENT;
	if ((flags & DUET_MDF_OUTDATED) || !(flags & DUET_MDF_UP_TO_DATE))
		return DUET_D_OUTDATED;
	/* current unless the peer may have gone on without us */
	if ((flags & DUET_MDF_PEER_OUTDATED) ||
	    fencing == DUET_FENCING_DONT_CARE)
		return DUET_D_UP_TO_DATE;
	return DUET_D_CONSISTENT;
}

u32 duet_md_flags_for_state(u32 flags, const struct duet_state *s)
{
	flags &= ~(u32)(DUET_MDF_PRIMARY | DUET_MDF_CONNECTED |
			DUET_MDF_PEER_OUTDATED);
	if (s->role == DUET_ROLE_PRIMARY)
		flags |= DUET_MDF_PRIMARY;
	if (s->conn > DUET_C_WF_REPORT_PARAMS && s->conn < DUET_C_NR)
		flags |= DUET_MDF_CONNECTED;
	if (s->pdsk == DUET_D_INCONSISTENT || s->pdsk == DUET_D_OUTDATED)
		flags |= DUET_MDF_PEER_OUTDATED;
	/* the disk bits change only while a disk with data is attached */
	if (s->disk >= DUET_D_INCONSISTENT && s->disk <= DUET_D_UP_TO_DATE &&
	    s->disk != DUET_D_UNKNOWN) {
		flags &= ~(u32)(DUET_MDF_CONSISTENT | DUET_MDF_UP_TO_DATE |
				DUET_MDF_OUTDATED);
		if (s->disk >= DUET_D_OUTDATED)
			flags |= DUET_MDF_CONSISTENT;
		if (s->disk == DUET_D_OUTDATED)
			flags |= DUET_MDF_OUTDATED;
		else if (s->disk >= DUET_D_CONSISTENT)
			flags |= DUET_MDF_UP_TO_DATE;
	}
	return flags;
}

bool duet_md_crashed_primary(u32 flags)
{
	return (flags & DUET_MDF_PRIMARY) && !(flags & DUET_MDF_CLEAN);
}
