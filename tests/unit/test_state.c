/* Unit tests for kmod/core/state.c: the state names users read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kmod/core/state.h"

/* The exact spellings of DRBD 8.4 (drbd_strings.c order). */
static const char *const conn_expected[] = {
	"StandAlone", "Disconnecting", "Unconnected", "Timeout", "BrokenPipe",
	"NetworkFailure", "ProtocolError", "TearDown", "WFConnection",
	"WFReportParams", "Connected", "StartingSyncS", "StartingSyncT",
	"WFBitMapS", "WFBitMapT", "WFSyncUUID", "SyncSource", "SyncTarget",
	"VerifyS", "VerifyT", "PausedSyncS", "PausedSyncT", "Ahead", "Behind",
};

static const char *const disk_expected[] = {
	"Diskless", "Attaching", "Failed", "Negotiating", "Inconsistent",
	"Outdated", "DUnknown", "Consistent", "UpToDate",
};

static void test_conn_names(void **state)
{
	(void)state;
	assert_int_equal(DUET_C_NR, sizeof(conn_expected) / sizeof(conn_expected[0]));
	for (int i = 0; i < DUET_C_NR; i++) {
		assert_string_equal(duet_conn_str((enum duet_conn)i), conn_expected[i]);
		assert_int_equal(duet_conn_from_str(conn_expected[i]), i);
	}
}

static void test_disk_names(void **state)
{
	(void)state;
	assert_int_equal(DUET_D_NR, sizeof(disk_expected) / sizeof(disk_expected[0]));
	for (int i = 0; i < DUET_D_NR; i++) {
		assert_string_equal(duet_disk_str((enum duet_disk)i), disk_expected[i]);
		assert_int_equal(duet_disk_from_str(disk_expected[i]), i);
	}
}

static void test_role_names(void **state)
{
	(void)state;
	assert_string_equal(duet_role_str(DUET_ROLE_PRIMARY), "Primary");
	assert_string_equal(duet_role_str(DUET_ROLE_SECONDARY), "Secondary");
	assert_string_equal(duet_role_str(DUET_ROLE_UNKNOWN), "Unknown");
	assert_int_equal(duet_role_from_str("Secondary"), DUET_ROLE_SECONDARY);
}

static void test_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(duet_conn_str((enum duet_conn)DUET_C_NR), "?");
	assert_string_equal(duet_disk_str((enum duet_disk)255), "?");
	assert_string_equal(duet_role_str((enum duet_role)-1), "?");
	assert_int_equal(duet_conn_from_str("connected"), -1); /* case matters */
	assert_int_equal(duet_disk_from_str(""), -1);
	assert_int_equal(duet_role_from_str(NULL), -1);
}

/* The comparisons the state machine relies on. */
static void test_ordering(void **state)
{
	(void)state;
	assert_true(DUET_C_WF_CONNECTION < DUET_C_WF_REPORT_PARAMS);
	assert_true(DUET_C_CONNECTED > DUET_C_WF_REPORT_PARAMS);
	assert_true(DUET_D_UP_TO_DATE > DUET_D_CONSISTENT);
	assert_true(DUET_D_OUTDATED > DUET_D_INCONSISTENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn_names),
		cmocka_unit_test(test_disk_names),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_ordering),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
