/* duetadm: meta-data placement and device I/O, see md_io.h. */
#include "daemon/md_io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#define KIB ((uint64_t)1024)
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)
#define TIB (1024 * GIB)

const char *md_fmt_bytes(uint64_t v, char *buf, size_t len)
{
	if (v == 0)
		snprintf(buf, len, "0");
	else if (v % TIB == 0)
		snprintf(buf, len, "%" PRIu64 " TiB", v / TIB);
	else if (v % GIB == 0)
		snprintf(buf, len, "%" PRIu64 " GiB", v / GIB);
	else if (v % MIB == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", v / MIB);
	else if (v % KIB == 0)
		snprintf(buf, len, "%" PRIu64 " KiB", v / KIB);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", v);
	return buf;
}

int md_layout_compute(enum md_kind kind, int index, uint64_t backing_bytes,
		      uint64_t dev_bytes, struct md_layout *l, char *err,
		      size_t errlen)
{
	s32 idx = kind == MD_INTERNAL ? DUET_MD_INDEX_INTERNAL :
		  kind == MD_FLEXIBLE ? DUET_MD_INDEX_FLEXIBLE : index;
	struct duet_md_layout *c = &l->core;
	u64 sb;
	int rc;

	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->index = index;
	l->backing_bytes = backing_bytes;
	l->dev_bytes = kind == MD_INTERNAL ? backing_bytes : dev_bytes;
	rc = duet_md_layout(idx, backing_bytes / 512, l->dev_bytes / 512, 0, c);
	l->need_bytes = c->needed_sect * 512;
	if (rc != DUET_MD_OK) {
		duet_md_layout_explain(rc, c, err, errlen);
		return -1;
	}
	sb = c->md_offset_sect;
	l->sb_offset = sb * 512;
	l->al_offset = (uint64_t)((s64)sb + c->al_offset) * 512;
	l->al_bytes = (uint64_t)c->al_size_sect * 512;
	l->bm_offset = (uint64_t)((s64)sb + c->bm_offset) * 512;
	l->bm_bytes = c->bm_size_sect * 512;
	l->bm_used_bytes = duet_md_bm_sect(c->data_sect) * 512;
	if (l->bm_used_bytes > l->bm_bytes)
		l->bm_used_bytes = l->bm_bytes;
	l->md_offset = kind == MD_INTERNAL ? l->bm_offset : l->sb_offset;
	l->md_bytes = c->md_size_sect * 512;
	l->data_bytes = c->data_sect * 512;
	return 0;
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

int md_write_at(int fd, uint64_t off, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pwrite(fd, (const char *)buf + done, len - done,
				   (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = ENOSPC;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int md_zero_at(int fd, uint64_t off, uint64_t len)
{
	static const size_t chunk = 1 << 20;
	char *zero = calloc(1, chunk);
	int rc = 0;

	if (!zero)
		return -1;
	while (len && rc == 0) {
		size_t n = len < chunk ? (size_t)len : chunk;

		rc = md_write_at(fd, off, zero, n);
		off += n;
		len -= n;
	}
	free(zero);
	return rc;
}
