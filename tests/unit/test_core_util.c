/*
 * Unit tests for the small helpers of kmod/core: CRC-32C (known vectors,
 * chaining), the bounded formatter and the division by ten it uses, and
 * the little-endian byte helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kmod/core/bytes.h"
#include "kmod/core/crc32c.h"
#include "kmod/core/fmt.h"

static void test_crc32c(void **state)
{
	uint8_t b[32];

	(void)state;
	/* the check value of CRC-32C and the iSCSI (RFC 3720) vectors */
	assert_int_equal(duet_crc32c(0, "123456789", 9), 0xe3069283);
	assert_int_equal(duet_crc32c(0, "", 0), 0);
	memset(b, 0, sizeof(b));
	assert_int_equal(duet_crc32c(0, b, 32), 0x8a9136aa);
	memset(b, 0xff, sizeof(b));
	assert_int_equal(duet_crc32c(0, b, 32), 0x62a8ab43);
	for (int i = 0; i < 32; i++)
		b[i] = i;
	assert_int_equal(duet_crc32c(0, b, 32), 0x46dd794e);
	for (int i = 0; i < 32; i++)
		b[i] = 31 - i;
	assert_int_equal(duet_crc32c(0, b, 32), 0x113fdb5c);
	/* chaining equals one pass */
	for (int i = 0; i < 32; i++)
		b[i] = i;
	for (size_t cut = 0; cut <= 32; cut++)
		assert_int_equal(duet_crc32c(duet_crc32c(0, b, cut), b + cut, 32 - cut),
				 0x46dd794e);
}

static void test_div10(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned int r;

	(void)state;
	assert_int_equal(duet_div10(0, &r), 0);
	assert_int_equal(r, 0);
	assert_int_equal(duet_div10(~0ULL, &r), ~0ULL / 10);
	assert_int_equal(r, ~0ULL % 10);
	for (uint64_t v = 0; v < 100000; v++) {
		assert_int_equal(duet_div10(v, &r), v / 10);
		assert_int_equal(r, v % 10);
	}
	for (int i = 0; i < 200000; i++) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (i % 64);
		assert_int_equal(duet_div10(v, &r), v / 10);
		assert_int_equal(r, v % 10);
		assert_int_equal(duet_div10(v, NULL), v / 10);
	}
}

static void test_fmt(void **state)
{
	char buf[64];
	struct duet_fmt f;

	(void)state;
	duet_fmt_init(&f, buf, sizeof(buf));
	duet_fmt_u64(&f, 0);
	duet_fmt_putc(&f, ' ');
	duet_fmt_u64(&f, 18446744073709551615ULL);
	duet_fmt_putc(&f, ' ');
	duet_fmt_s64(&f, -9223372036854775807LL - 1);
	duet_fmt_putc(&f, ' ');
	duet_fmt_s64(&f, 42);
	assert_string_equal(buf, "0 18446744073709551615 -9223372036854775808 42");
	assert_int_equal(duet_fmt_len(&f), strlen(buf));
	assert_false(duet_fmt_overflowed(&f));

	duet_fmt_init(&f, buf, sizeof(buf));
	duet_fmt_u64_grouped(&f, 40480);
	duet_fmt_putc(&f, '|');
	duet_fmt_u64_grouped(&f, 999);
	duet_fmt_putc(&f, '|');
	duet_fmt_u64_grouped(&f, 1000);
	duet_fmt_putc(&f, '|');
	duet_fmt_u64_grouped(&f, 1234567);
	duet_fmt_putc(&f, '|');
	duet_fmt_u64_grouped(&f, 0);
	assert_string_equal(buf, "40,480|999|1,000|1,234,567|0");

	duet_fmt_init(&f, buf, sizeof(buf));
	duet_fmt_u64w(&f, 7, 2);
	duet_fmt_u64w(&f, 123, 2);
	duet_fmt_fill(&f, '.', 3);
	duet_fmt_hex(&f, 0xabc, 4);
	duet_fmt_putc(&f, ' ');
	duet_fmt_hex(&f, ~0ULL, 99);
	duet_fmt_putc(&f, ' ');
	duet_fmt_hex(&f, 5, 0);
	duet_fmt_puts(&f, NULL);
	assert_string_equal(buf, " 7123...0abc ffffffffffffffff 5(null)");

	/* bounded: counts on, writes nothing past the end */
	memset(buf, 'X', sizeof(buf));
	duet_fmt_init(&f, buf, 5);
	duet_fmt_puts(&f, "abcdefgh");
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], 'X');
	assert_int_equal(duet_fmt_len(&f), 8);
	assert_true(duet_fmt_overflowed(&f));
	duet_fmt_init(&f, buf, 1);
	duet_fmt_putc(&f, 'a');
	assert_string_equal(buf, "");
	duet_fmt_init(&f, NULL, 100);
	duet_fmt_puts(&f, "abc");
	assert_int_equal(duet_fmt_len(&f), 3);
}

static void test_bytes(void **state)
{
	uint8_t b[8];

	(void)state;
	duet_put_le16(b, 0x1234);
	assert_int_equal(b[0], 0x34);
	assert_int_equal(duet_get_le16(b), 0x1234);
	duet_put_le32(b, 0x89abcdef);
	assert_int_equal(b[0], 0xef);
	assert_int_equal(b[3], 0x89);
	assert_int_equal(duet_get_le32(b), 0x89abcdef);
	assert_int_equal(duet_get_be32(b), 0xefcdab89);
	duet_put_le64(b, 0x0123456789abcdefULL);
	assert_int_equal(b[0], 0xef);
	assert_int_equal(b[7], 0x01);
	assert_int_equal(duet_get_le64(b), 0x0123456789abcdefULL);
	memset(b, 0, sizeof(b));
	assert_true(duet_all_zero(b, 8));
	assert_true(duet_all_zero(b, 0));
	b[7] = 1;
	assert_false(duet_all_zero(b, 8));
	assert_true(duet_all_zero(b, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_div10),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_bytes),
	};

	return cmocka_run_group_tests_name("core_util", tests, NULL, NULL);
}
