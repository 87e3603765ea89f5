/* duetadm: meta-data placement and device I/O, see md_io.h. */
#include "daemon/md_io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#define KIB ((uint64_t)1024)
#define MIB (1024 * KIB)

uint64_t md_flex_bytes(uint64_t data_bytes)
{
	uint64_t bits = (data_bytes + 4 * KIB - 1) / (4 * KIB);
	uint64_t bm = (bits + 8 * 4 * KIB - 1) / (8 * 4 * KIB) * 4 * KIB;

	return 4 * KIB + 32 * KIB + bm;
}

uint64_t md_indexed_max_data(void)
{
	/* the bitmap gets what the slot leaves after superblock and AL */
	return (MD_SLOT_BYTES - 36 * KIB) * 8 * 4 * KIB;
}

const char *md_fmt_bytes(uint64_t v, char *buf, size_t len)
{
	if (v && v % (1024 * MIB * 1024) == 0)
		snprintf(buf, len, "%" PRIu64 " TiB", v / (1024 * MIB * 1024));
	else if (v && v % (1024 * MIB) == 0)
		snprintf(buf, len, "%" PRIu64 " GiB", v / (1024 * MIB));
	else if (v && v % MIB == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", v / MIB);
	else if (v && v % KIB == 0)
		snprintf(buf, len, "%" PRIu64 " KiB", v / KIB);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", v);
	return buf;
}

int md_layout_compute(enum md_kind kind, int index, uint64_t backing_bytes,
		      uint64_t dev_bytes, struct md_layout *l, char *err,
		      size_t errlen)
{
	char a[32], b[32], c[32];

	*l = (struct md_layout){ .kind = kind, .index = index,
				 .backing_bytes = backing_bytes,
				 .dev_bytes = dev_bytes };
	switch (kind) {
	case MD_INDEXED:
		if (index < 0)
			index = 0;
		l->md_offset = (uint64_t)index * MD_SLOT_BYTES;
		l->md_bytes = MD_SLOT_BYTES;
		l->sb_offset = l->md_offset;
		l->need_bytes = l->md_offset + MD_SLOT_BYTES;
		l->data_bytes = backing_bytes;
		if (backing_bytes > md_indexed_max_data()) {
			snprintf(err, errlen,
				 "the backing disk (%s) is larger than an indexed meta-data slot can track (%s): use 'meta-disk internal' or a whole device",
				 md_fmt_bytes(backing_bytes, a, sizeof(a)),
				 md_fmt_bytes(md_indexed_max_data(), b, sizeof(b)));
			return -1;
		}
		if (dev_bytes < l->need_bytes) {
			snprintf(err, errlen,
				 "too small for slot [%d]: slots are 128 MiB each, so the device needs at least %s; it has %s",
				 index, md_fmt_bytes(l->need_bytes, a, sizeof(a)),
				 md_fmt_bytes(dev_bytes, b, sizeof(b)));
			return -1;
		}
		return 0;
	case MD_FLEXIBLE:
		l->md_offset = 0;
		l->md_bytes = md_flex_bytes(backing_bytes);
		l->sb_offset = 0;
		l->need_bytes = l->md_bytes > MD_MIN_EXTERNAL ? l->md_bytes : MD_MIN_EXTERNAL;
		l->data_bytes = backing_bytes;
		if (dev_bytes < l->need_bytes) {
			snprintf(err, errlen,
				 "too small: meta-data for a %s backing disk needs at least %s; it has %s",
				 md_fmt_bytes(backing_bytes, a, sizeof(a)),
				 md_fmt_bytes(l->need_bytes, b, sizeof(b)),
				 md_fmt_bytes(dev_bytes, c, sizeof(c)));
			return -1;
		}
		return 0;
	case MD_INTERNAL: {
		uint64_t end = backing_bytes & ~(4 * KIB - 1);

		l->md_bytes = md_flex_bytes(backing_bytes);
		l->need_bytes = l->md_bytes + 4 * KIB;
		if (end < l->need_bytes) {
			snprintf(err, errlen,
				 "too small for internal meta-data: it needs %s at the end of the disk, so the disk must have more than that; it has %s",
				 md_fmt_bytes(l->md_bytes, a, sizeof(a)),
				 md_fmt_bytes(backing_bytes, b, sizeof(b)));
			return -1;
		}
		l->md_offset = end - l->md_bytes;
		l->sb_offset = end - 4 * KIB;
		l->data_bytes = l->md_offset;
		return 0;
	}
	}
	snprintf(err, errlen, "unknown meta-data kind");
	return -1;
}

int md_dev_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) == 0 ? 0 : -1;
	if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	errno = ENOTBLK;
	return -1;
}

long md_read_at(int fd, uint64_t off, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = pread(fd, (char *)buf + got, len - got, (off_t)(off + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}
