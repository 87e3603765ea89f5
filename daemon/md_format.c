/*
 * duetadm: writing and reading duet meta-data on a device, on top of
 * kmod/core's codecs (md.h superblock, al.h activity log, bm.h bitmap).
 */
#include "daemon/md_format.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "kmod/core/al.h"
#include "kmod/core/md.h"

bool md_format_probe(const uint8_t *sb, size_t len)
{
	struct duet_md_sb s;
	int rc = duet_md_decode(sb, len, &s);

	/* anything but "not ours" means a duet superblock, maybe damaged */
	return rc != DUET_MD_E_SHORT && rc != DUET_MD_E_BLANK &&
	       rc != DUET_MD_E_FOREIGN && rc != DUET_MD_E_MAGIC;
}

static uint64_t new_device_uuid(void)
{
	uint64_t u = 0;

	while (u == 0 || u == DUET_UUID_JUST_CREATED) {
		if (getrandom(&u, sizeof(u), 0) != (ssize_t)sizeof(u)) {
			/* no entropy source: time and pid still differ per run */
			u ^= (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
			u |= 1;
		}
	}
	return u;
}

int md_format_create(int fd, const struct md_layout *l, uint32_t al_extents,
		     uint32_t minor, char *err, size_t errlen)
{
	struct duet_md_sb sb;
	uint8_t block[DUET_MD_BLOCK_SIZE];
	int rc;

	duet_md_init_sb(&sb, &l->core, al_extents, minor, new_device_uuid());
	rc = duet_md_encode(&sb, block);
	if (rc != DUET_MD_OK) {
		snprintf(err, errlen, "cannot encode the superblock: %s",
			 duet_md_strerror(rc));
		return -1;
	}
	/* areas first, the superblock last: an interrupted run leaves none */
	if (md_zero_at(fd, l->al_offset, l->al_bytes) != 0 ||
	    md_zero_at(fd, l->bm_offset, l->bm_used_bytes) != 0 ||
	    md_write_at(fd, l->sb_offset, block, sizeof(block)) != 0) {
		snprintf(err, errlen, "write failed: %s", strerror(errno));
		return -1;
	}
	if (fsync(fd) != 0) {
		snprintf(err, errlen, "sync failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void print_flags(FILE *out, uint32_t f)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ DUET_MDF_CLEAN, "clean" },
		{ DUET_MDF_PRIMARY, "primary" },
		{ DUET_MDF_CONSISTENT, "consistent" },
		{ DUET_MDF_UP_TO_DATE, "up-to-date" },
		{ DUET_MDF_OUTDATED, "outdated" },
		{ DUET_MDF_PEER_OUTDATED, "peer-outdated" },
		{ DUET_MDF_FULL_SYNC, "full-sync" },
		{ DUET_MDF_CONNECTED, "connected" },
		{ DUET_MDF_CRASHED_PRIMARY, "crashed-primary" },
	};
	bool first = true;

	fprintf(out, "flags 0x%03" PRIx32 ";\t# ", f);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit) {
			fprintf(out, "%s%s", first ? "" : ", ", names[i].name);
			first = false;
		}
	fprintf(out, "%s\n", first ? "none" : "");
}

/* The activity log: what a crashed primary would have to resync. */
static void print_al(int fd, const struct md_layout *l, const struct duet_md_sb *sb,
		     FILE *out)
{
	uint8_t *ring = malloc(l->al_bytes ? l->al_bytes : 1);
	uint32_t n = sb->al_extents ? sb->al_extents : 1;
	uint32_t *work = calloc(n, sizeof(*work));
	struct duet_al_recovery r;
	long got;
	int rc;

	if (!ring || !work)
		abort();
	got = md_read_at(fd, l->al_offset, ring, l->al_bytes);
	fprintf(out, "al { offset-sect %" PRId64 "; size-sect %" PRIu32
		"; extents %" PRIu32 "; ", sb->al_offset, sb->al_size_sect,
		sb->al_extents);
	if (got != (long)l->al_bytes) {
		fprintf(out, "}\t# unreadable\n");
	} else {
		rc = duet_al_recover(ring, l->al_bytes, sb->al_size_sect / DUET_MD_SB_SECT,
				     sb->device_uuid, work, n, &r);
		if (rc == DUET_AL_OK)
			fprintf(out, "transactions %" PRIu64 "; hot-extents %" PRIu32
				"; }\n", r.newest_seq, r.nr_hot);
		else
			fprintf(out, "}\t# %s\n", duet_al_strerror(rc));
	}
	free(work);
	free(ring);
}

/* The bitmap: set bits of the part that covers the data. */
static void print_bm(int fd, const struct md_layout *l, const struct duet_md_sb *sb,
		     FILE *out)
{
	uint64_t bits = (sb->la_size_sect + 7) / 8, set = 0, off;
	uint8_t *page = malloc(1 << 20);
	bool bad = false;

	if (!page)
		abort();
	for (off = 0; off * 8 < bits && !bad; off += 1 << 20) {
		size_t n = (size_t)((bits - off * 8 + 7) / 8);
		long got;

		if (n > 1 << 20)
			n = 1 << 20;
		got = md_read_at(fd, l->bm_offset + off, page, n);
		if (got != (long)n) {
			bad = true;
			break;
		}
		for (size_t i = 0; i < n; i++) {
			uint8_t b = page[i];

			if ((off + i) * 8 + 8 > bits)	/* bits past the end */
				b &= (uint8_t)((1u << (bits - (off + i) * 8)) - 1);
			set += (uint64_t)__builtin_popcount(b);
		}
	}
	free(page);
	fprintf(out, "bm { offset-sect %" PRId64 "; size-sect %" PRIu64
		"; bytes-per-bit %" PRIu32 "; ", sb->bm_offset, sb->bm_size_sect,
		sb->bm_bytes_per_bit);
	if (bad)
		fprintf(out, "}\t# unreadable\n");
	else
		fprintf(out, "bits %" PRIu64 "; set %" PRIu64 "; }\t# %" PRIu64
			" KiB out of sync\n", bits, set, set * 4);
}

int md_format_dump(int fd, const struct md_layout *l, FILE *out, char *err,
		   size_t errlen)
{
	uint8_t block[DUET_MD_BLOCK_SIZE];
	struct duet_md_sb sb;
	long got = md_read_at(fd, l->sb_offset, block, sizeof(block));
	int rc;

	if (got < 0) {
		snprintf(err, errlen, "cannot read the superblock: %s", strerror(errno));
		return -1;
	}
	rc = duet_md_decode(block, (size_t)got, &sb);
	if (rc != DUET_MD_OK) {
		snprintf(err, errlen, "%s", duet_md_strerror(rc));
		return -1;
	}
	fprintf(out, "version %d.%u;\n", DUET_MD_VERSION_MAJOR, sb.version_minor);
	print_flags(out, sb.flags);
	fprintf(out, "uuid { current 0x%016" PRIx64 "; bitmap 0x%016" PRIx64
		"; history 0x%016" PRIx64 " 0x%016" PRIx64 "; }\n",
		sb.uuid[DUET_UI_CURRENT], sb.uuid[DUET_UI_BITMAP],
		sb.uuid[DUET_UI_HISTORY0], sb.uuid[DUET_UI_HISTORY1]);
	fprintf(out, "device-uuid 0x%016" PRIx64 ";\n", sb.device_uuid);
	fprintf(out, "la-size-sect %" PRIu64 ";\n", sb.la_size_sect);
	fprintf(out, "md-size-sect %" PRIu64 "; md-offset-sect %" PRIu64
		"; md-index %" PRId32 "; minor %" PRIu32 ";\n", sb.md_size_sect,
		sb.md_offset_sect, sb.md_index, sb.minor);
	if (sb.md_offset_sect != l->core.md_offset_sect ||
	    sb.md_index != l->core.md_index)
		fprintf(out, "# warning: the superblock says it lies elsewhere than the configuration does\n");
	print_al(fd, l, &sb, out);
	print_bm(fd, l, &sb, out);
	return 0;
}
