/*
 * Unit tests for meta-data placement (daemon/md_io.c) and the signature
 * probe (daemon/md_probe.c) that create-md relies on.
 */
#include "tests/unit/dconf_test.h"

#include <unistd.h>

#include "daemon/md_format.h"
#include "daemon/md_io.h"
#include "daemon/md_probe.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

static void test_indexed(void **state)
{
	struct md_layout l;
	char err[400];

	(void)state;
	/* the paper: meta-disk /dev/hda[5] needs 768 MiB, slot at 640 MiB */
	assert_int_equal(md_layout_compute(MD_INDEXED, 5, 10 * GiB, 768 * MiB, &l, err,
					   sizeof(err)), 0);
	assert_int_equal(l.md_offset, 640 * MiB);
	assert_int_equal(l.md_bytes, 128 * MiB);
	assert_int_equal(l.sb_offset, 640 * MiB);
	assert_int_equal(l.al_offset, 640 * MiB + 4096);
	assert_int_equal(l.al_bytes, 80 * 4096);
	assert_int_equal(l.bm_offset, 640 * MiB + 4096 + 80 * 4096);
	assert_int_equal(l.bm_used_bytes, 10 * 32 * 1024);	/* 32 KiB per GiB */
	assert_int_equal(l.data_bytes, 10 * GiB);
	assert_int_equal(l.core.md_index, 5);
	assert_int_equal(md_layout_compute(MD_INDEXED, 5, 10 * GiB, 768 * MiB - 512, &l, err,
					   sizeof(err)), -1);
	assert_int_equal(l.need_bytes, 768 * MiB);
	assert_string_equal(err, "meta-data device too small: meta-disk index 5 needs at least "
				 "768 MiB (1572864 sectors), the device has 768 MiB (1572863 sectors)");
	/* the test bed's pitfall 11: a 16 MiB device for slot 0 */
	assert_int_equal(md_layout_compute(MD_INDEXED, 0, GiB, 16 * MiB, &l, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "meta-data device too small: meta-disk index 0 needs at least "
				 "128 MiB (262144 sectors), the device has 16 MiB (32768 sectors)");
	assert_int_equal(md_layout_compute(MD_INDEXED, 0, GiB, 128 * MiB, &l, err,
					   sizeof(err)), 0);
	/* a slot's bitmap covers about 4 TiB */
	assert_int_equal(md_layout_compute(MD_INDEXED, 0, 5 * 1024 * GiB, 128 * MiB, &l, err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "backing device too big for meta-disk index 0"));
}

static void test_flexible(void **state)
{
	struct md_layout l;
	char err[400];

	(void)state;
	assert_int_equal(md_layout_compute(MD_FLEXIBLE, -1, 100 * GiB, 4 * MiB, &l, err,
					   sizeof(err)), 0);
	assert_int_equal(l.md_offset, 0);
	assert_int_equal(l.sb_offset, 0);
	assert_int_equal(l.md_bytes, 4096 + 80 * 4096 + 3200 * 1024);
	assert_int_equal(l.data_bytes, 100 * GiB);
	assert_int_equal(md_layout_compute(MD_FLEXIBLE, -1, 100 * GiB, 2 * MiB, &l, err,
					   sizeof(err)), -1);
	assert_int_equal(l.need_bytes, 4096 + 80 * 4096 + 3200 * 1024);
	assert_non_null(strstr(err, "flexible external meta data needs at least"));
}

static void test_internal(void **state)
{
	struct md_layout l;
	char err[400];

	(void)state;
	assert_int_equal(md_layout_compute(MD_INTERNAL, -1, GiB, 0, &l, err,
					   sizeof(err)), 0);
	assert_int_equal(l.md_bytes, 4096 + 80 * 4096 + 32 * 1024);
	assert_int_equal(l.sb_offset, GiB - 4096);
	assert_int_equal(l.md_offset, GiB - l.md_bytes);
	assert_int_equal(l.bm_offset, l.md_offset);
	assert_int_equal(l.al_offset, GiB - 4096 - 80 * 4096);
	assert_int_equal(l.data_bytes, GiB - l.md_bytes);
	/* an unaligned end: the superblock is the last aligned 4 KiB */
	assert_int_equal(md_layout_compute(MD_INTERNAL, -1, GiB + 1000, 0, &l, err,
					   sizeof(err)), 0);
	assert_int_equal(l.sb_offset, GiB - 4096);
	assert_int_equal(md_layout_compute(MD_INTERNAL, -1, 40 * 1024, 0, &l, err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "backing device too small: internal meta data needs at least"));
}

static void test_fmt_bytes(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(md_fmt_bytes(128 * MiB, b, sizeof(b)), "128 MiB");
	assert_string_equal(md_fmt_bytes(3 * GiB, b, sizeof(b)), "3 GiB");
	assert_string_equal(md_fmt_bytes(2048 * GiB, b, sizeof(b)), "2 TiB");
	assert_string_equal(md_fmt_bytes(36 * 1024, b, sizeof(b)), "36 KiB");
	assert_string_equal(md_fmt_bytes(1000, b, sizeof(b)), "1000 bytes");
	assert_string_equal(md_fmt_bytes(0, b, sizeof(b)), "0");
}

static uint8_t img[MD_PROBE_BYTES];

static const char *probe(size_t len, uint64_t *size)
{
	struct md_found f;

	if (!md_probe(img, len, &f))
		return NULL;
	if (size)
		*size = f.size;
	return f.what;
}

static void test_probe(void **state)
{
	uint64_t size = 0;

	(void)state;
	memset(img, 0, sizeof(img));
	assert_null(probe(sizeof(img), NULL));
	/* ext4: magic at 1080, 4 KiB blocks (log 2), 262144 blocks, extents */
	img[1080] = 0x53;
	img[1081] = 0xef;
	img[1024 + 24] = 2;
	img[1024 + 4 + 2] = 0x04;	/* 0x40000 blocks */
	img[1024 + 0x60] = 0x40;
	assert_string_equal(probe(sizeof(img), &size), "an ext4 file system");
	assert_int_equal(size, GiB);
	img[1024 + 0x60] = 0;
	img[1024 + 0x5c] = 4;
	assert_string_equal(probe(sizeof(img), NULL), "an ext3 file system");
	assert_null(probe(1024, NULL));	/* too short to tell */
	memset(img, 0, sizeof(img));
	/* XFS: 4096-byte blocks, 1000 of them */
	memcpy(img, "XFSB\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x03\xe8", 16);
	assert_string_equal(probe(sizeof(img), &size), "an XFS file system");
	assert_int_equal(size, 4096000);
	memset(img, 0, sizeof(img));
	memcpy(img + 4086, "SWAPSPACE2", 10);
	assert_string_equal(probe(sizeof(img), NULL), "swap space");
	memset(img, 0, sizeof(img));
	memcpy(img, "LUKS\xba\xbe", 6);
	assert_string_equal(probe(sizeof(img), NULL), "a LUKS encrypted volume");
	memset(img, 0, sizeof(img));
	memcpy(img + 512, "LABELONE", 8);
	assert_string_equal(probe(sizeof(img), NULL), "an LVM physical volume");
	memset(img, 0, sizeof(img));
	memcpy(img + 65536 + 64, "_BHRfS_M", 8);
	assert_string_equal(probe(sizeof(img), NULL), "a btrfs file system");
	memset(img, 0, sizeof(img));
	img[510] = 0x55;
	img[511] = 0xaa;
	assert_string_equal(probe(sizeof(img), NULL), "a partition table or boot sector");
	memset(img, 0, sizeof(img));
	memcpy(img + 60, "\x83\x74\x02\x6b", 4);
	assert_string_equal(probe(sizeof(img), NULL), "DRBD 8 meta-data");
	assert_string_equal(md_probe_drbd_sb(img, 4096), "DRBD 8 meta-data");
	assert_null(md_probe_drbd_sb(img, 63));
	assert_false(md_format_probe(img, 4096));
}

static void test_device_io(void **state)
{
	char path[] = "/tmp/duet-md-test-XXXXXX";
	int fd = mkstemp(path);
	uint64_t size;
	char buf[16];

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, 8192), 0);
	assert_int_equal(pwrite(fd, "hello", 5, 8190), 5);
	assert_int_equal(md_dev_size(fd, &size), 0);
	assert_int_equal(size, 8195);
	assert_int_equal(md_read_at(fd, 8190, buf, sizeof(buf)), 5);	/* short at the end */
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(md_read_at(fd, 100000, buf, sizeof(buf)), 0);
	close(fd);
	assert_int_equal(md_read_at(fd, 0, buf, 1), -1);
}

/* create-md's format on a file: superblock, probe, dump. */
static void test_format(void **state)
{
	char path[] = "/tmp/duet-md-test-XXXXXX";
	int fd = mkstemp(path);
	struct md_layout l;
	char err[400], *text = NULL;
	size_t tlen = 0;
	uint8_t sb[4096];
	FILE *out;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, 256 * MiB), 0);
	assert_int_equal(md_layout_compute(MD_INDEXED, 1, GiB, 256 * MiB, &l, err,
					   sizeof(err)), 0);
	assert_int_equal(md_write_at(fd, l.al_offset, "junk", 4), 0);	/* zeroed */
	assert_int_equal(md_format_create(fd, &l, 1237, 7, err, sizeof(err)), 0);
	assert_int_equal(md_read_at(fd, l.sb_offset, sb, sizeof(sb)), (long)sizeof(sb));
	assert_true(md_format_probe(sb, sizeof(sb)));
	assert_memory_equal(sb, "DUETMETA", 8);
	assert_int_equal(md_read_at(fd, 0, sb, sizeof(sb)), (long)sizeof(sb));
	assert_false(md_format_probe(sb, sizeof(sb)));	/* slot 0 untouched */
	out = open_memstream(&text, &tlen);
	assert_int_equal(md_format_dump(fd, &l, out, err, sizeof(err)), 0);
	fclose(out);
	assert_non_null(strstr(text, "flags 0x001;\t# clean\n"));
	assert_non_null(strstr(text, "uuid { current 0x0000000000000004;"));
	assert_non_null(strstr(text, "la-size-sect 2097152;\n"));
	assert_non_null(strstr(text, "md-index 1; minor 7;\n"));
	assert_non_null(strstr(text, "extents 1237; }\t# activity log never written"));
	assert_non_null(strstr(text, "bits 262144; set 0; }"));
	free(text);
	/* slot 0 has nothing: the core's reason */
	assert_int_equal(md_layout_compute(MD_INDEXED, 0, GiB, 256 * MiB, &l, err,
					   sizeof(err)), 0);
	out = open_memstream(&text, &tlen);
	assert_int_equal(md_format_dump(fd, &l, out, err, sizeof(err)), -1);
	fclose(out);
	free(text);
	assert_string_equal(err, "no meta data found (the block is all zero): run create-md");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_indexed),
		cmocka_unit_test(test_flexible),
		cmocka_unit_test(test_internal),
		cmocka_unit_test(test_fmt_bytes),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_device_io),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests_name("dconf_md", tests, NULL, NULL);
}
