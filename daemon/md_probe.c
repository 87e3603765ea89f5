/*
 * duetadm: signature probing, see md_probe.h. Offsets and magics are the
 * documented on-disk formats (ext2/3/4 superblock at 1024, XFS "XFSB" at
 * 0, swap's signature in the last 10 bytes of the first page, ...).
 */
#include "daemon/md_probe.h"

#include <string.h>

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	       (uint32_t)p[3];
}
static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int has(const uint8_t *buf, size_t len, size_t off, const char *magic,
	       size_t mlen)
{
	return off + mlen <= len && memcmp(buf + off, magic, mlen) == 0;
}

/* ext2/3/4: superblock at 1024, magic 0xEF53 at +56 */
static int probe_ext(const uint8_t *buf, size_t len, struct md_found *f)
{
	const uint8_t *sb = buf + 1024;
	uint64_t blocks;
	uint32_t log_bs, compat, incompat;

	if (len < 1024 + 0x160 || le16(sb + 56) != 0xEF53)
		return 0;
	log_bs = le32(sb + 24);
	compat = le32(sb + 0x5c);
	incompat = le32(sb + 0x60);
	blocks = le32(sb + 4);
	if (incompat & 0x80)	/* 64bit */
		blocks |= (uint64_t)le32(sb + 0x150) << 32;
	f->what = (incompat & 0x2c0) ? "an ext4 file system" :	/* extents, 64bit, flex_bg */
		  (compat & 0x4) ? "an ext3 file system" : "an ext2 file system";
	f->size = log_bs < 7 ? blocks * (1024u << log_bs) : 0;
	return 1;
}

/* XFS: "XFSB" at 0, blocksize (BE32) at 4, data blocks (BE64) at 8 */
static int probe_xfs(const uint8_t *buf, size_t len, struct md_found *f)
{
	if (!has(buf, len, 0, "XFSB", 4) || len < 16)
		return 0;
	f->what = "an XFS file system";
	f->size = be32(buf + 4) * be64(buf + 8);
	if (be32(buf + 4) && f->size / be32(buf + 4) != be64(buf + 8))
		f->size = 0;	/* overflow: unknown */
	return 1;
}

int md_probe(const uint8_t *buf, size_t len, struct md_found *f)
{
	static const struct {
		size_t off;
		const char *magic;
		size_t mlen;
		const char *what;
	} sigs[] = {
		{ 0, "LUKS\xba\xbe", 6, "a LUKS encrypted volume" },
		{ 0, "SKUL\xba\xbe", 6, "a LUKS2 encrypted volume (secondary header)" },
		{ 4086, "SWAPSPACE2", 10, "swap space" },
		{ 4086, "SWAP-SPACE", 10, "swap space" },
		{ 65536 + 64, "_BHRfS_M", 8, "a btrfs file system" },
		{ 512, "LABELONE", 8, "an LVM physical volume" },
		{ 512, "EFI PART", 8, "a GPT partition table" },
		{ 3, "NTFS    ", 8, "an NTFS file system" },
		{ 32769, "CD001", 5, "an ISO 9660 file system" },
		{ 4096, "\xfc\x4e\x2b\xa9", 4, "a Linux RAID member (md 1.2)" },
		{ 0, "\xfc\x4e\x2b\xa9", 4, "a Linux RAID member (md 1.1)" },
		{ 1024, "\x10\x20\xf5\xf2", 4, "an F2FS file system" },
	};

	memset(f, 0, sizeof(*f));
	if (probe_ext(buf, len, f) || probe_xfs(buf, len, f))
		return 1;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (has(buf, len, sigs[i].off, sigs[i].magic, sigs[i].mlen)) {
			f->what = sigs[i].what;
			return 1;
		}
	}
	if (md_probe_drbd_sb(buf, len)) {
		f->what = md_probe_drbd_sb(buf, len);
		return 1;
	}
	/* an MBR (or a FAT/boot sector, which carries the same mark) */
	if (len >= 512 && buf[510] == 0x55 && buf[511] == 0xaa) {
		f->what = "a partition table or boot sector";
		return 1;
	}
	return 0;
}

const char *md_probe_drbd_sb(const uint8_t *sb, size_t len)
{
	if (len < 64)
		return NULL;
	switch (be32(sb + 60)) {
	case 0x8374026a: return "DRBD 0.7 meta-data";
	case 0x8374026b: return "DRBD 8 meta-data";
	case 0x8374026c: return "DRBD 8.4 meta-data (unclean)";
	case 0x8374026d: return "DRBD 9 meta-data";
	default: return NULL;
	}
}
