/*
 * Unit tests for daemon/duetd/dd_view.c: ha_status's frame against golden
 * files (tests/tools/data/frame-*.txt) for the sample snapshot at 80 and
 * 120 columns, a dead peer, a failed group and a snapshot with members
 * unknown to this version; the width limit at every width; colour only
 * when asked; duetctl's nodes/links/status text.
 *
 * The frames are drawn with TZ=UTC and the snapshot received at
 * 2026-11-25 14:03:07.300 UTC. DD_UPDATE_GOLDEN=1 rewrites the golden
 * files instead of comparing (then read the diff before committing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <json-glib/json-glib.h>

#include "daemon/duetd/dd_view.h"

/* 2026-11-25T14:03:07.300Z */
#define NOW_MS INT64_C(1795615387300)

static struct dd_snap *load(const char *name)
{
	g_autofree char *path = g_build_filename(DD_TEST_DATA, name, NULL);
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	struct dd_snap *s;
	size_t len;

	if (!g_file_get_contents(path, &text, &len, &err))
		fail_msg("%s: %s", path, err->message);
	s = dd_snap_parse(text, len, &err);
	if (!s)
		fail_msg("%s: %s", path, err->message);
	return s;
}

static void check_golden(const char *got, const char *golden)
{
	g_autofree char *path = g_build_filename(DD_TEST_DATA, golden, NULL);
	g_autofree char *want = NULL;
	g_autoptr(GError) err = NULL;

	if (getenv("DD_UPDATE_GOLDEN")) {
		if (!g_file_set_contents(path, got, -1, &err))
			fail_msg("%s: %s", path, err->message);
		return;
	}
	if (!g_file_get_contents(path, &want, NULL, &err))
		fail_msg("%s: %s", path, err->message);
	if (strcmp(got, want) != 0)
		fail_msg("%s differs; got:\n%s", path, got);
}

static char *frame(const char *snap, int width, int height, bool colour)
{
	struct dd_snap *s = load(snap);
	struct dd_view_opts o = { .width = width, .height = height, .colour = colour,
				  .now_ms = NOW_MS };
	char *f = dd_view_frame(s, &o);

	dd_snap_free(s);
	return f;
}

static void test_golden_sample_80(void **state)
{
	g_autofree char *f = frame("snap-sample.json", 80, 0, false);

	(void)state;
	check_golden(f, "frame-sample-80.txt");
	/* what a person looks for, whatever the golden file says */
	assert_non_null(strstr(f, "duetd on alice: active"));
	assert_non_null(strstr(f, "as of 14:03:07\n"));
	assert_non_null(strstr(f, "heard 120ms ago"));
	/* the dead serial link: the clock time of its last packet */
	assert_non_null(strstr(f, "dead  last heard 14:03:02 (5.2s before)"));
	assert_non_null(strstr(f, "running on alice"));
	assert_non_null(strstr(f, "14:03:07  node   Status update for node bob: status active"));
}

static void test_golden_sample_120(void **state)
{
	g_autofree char *f = frame("snap-sample.json", 120, 0, false);

	(void)state;
	check_golden(f, "frame-sample-120.txt");
	/* wide: the counters share the link's line */
	assert_non_null(strstr(f, "heard 120ms ago"));
	assert_non_null(g_regex_match_simple("ucast .* up .* tx 410  rx 405  dropped 0\n", f, 0, 0));
}

static void test_golden_dead_peer(void **state)
{
	g_autofree char *f = frame("snap-dead-peer.json", 80, 0, false);

	(void)state;
	check_golden(f, "frame-dead-peer-80.txt");
	assert_non_null(g_regex_match_simple("\n  bob +dead +last heard 14:02:01 \\(1m05s before\\)\n",
					     f, 0, 0));
	assert_false(g_regex_match_simple(" bob +up ", f, 0, 0));
}

static void test_golden_failed_group(void **state)
{
	g_autofree char *f = frame("snap-failed-group.json", 80, 0, false);

	(void)state;
	check_golden(f, "frame-failed-group-80.txt");
	assert_non_null(g_regex_match_simple("\n  10.78.0.200 +failed on bob", f, 0, 0));
	assert_non_null(g_regex_match_simple("\n  10.78.0.100 +stopped  \\(preferred alice\\)\n", f, 0, 0));
}

static void test_golden_unknown_fields(void **state)
{
	g_autofree char *f = frame("snap-unknown-fields.json", 80, 0, false);

	(void)state;
	check_golden(f, "frame-unknown-fields-80.txt");
	assert_non_null(strstr(f, "never heard"));
	/* the hook for replicated devices */
	assert_non_null(strstr(f, "Replicated devices"));
}

/* no line is wider than asked, with or without colour, at any width */
static void test_width_limit(void **state)
{
	static const char *const snaps[] = { "snap-sample.json", "snap-dead-peer.json",
					     "snap-failed-group.json", "snap-unknown-fields.json" };

	(void)state;
	for (size_t i = 0; i < G_N_ELEMENTS(snaps); i++) {
		for (int w = 20; w <= 160; w++) {
			g_autofree char *f = frame(snaps[i], w, 0, w % 2);
			g_autoptr(GRegex) esc = g_regex_new("\033\\[[0-9;]*[A-Za-z]", 0, 0, NULL);
			g_autofree char *plain = g_regex_replace(esc, f, -1, 0, "", 0, NULL);
			g_auto(GStrv) lines = g_strsplit(plain, "\n", -1);

			for (size_t j = 0; lines[j]; j++)
				if (g_utf8_strlen(lines[j], -1) > w)
					fail_msg("%s at width %d: line %zu has %ld columns: '%s'",
						 snaps[i], w, j, g_utf8_strlen(lines[j], -1), lines[j]);
		}
	}
}

static void test_colour(void **state)
{
	g_autofree char *plain = frame("snap-sample.json", 80, 0, false);
	g_autofree char *col = frame("snap-sample.json", 80, 0, true);

	(void)state;
	assert_null(strchr(plain, '\033'));
	assert_non_null(strstr(col, "\033[1;31mdead\033[0m"));
	assert_non_null(strstr(col, "\033[32mup\033[0m"));
	assert_non_null(strstr(col, "\033[1mNodes\033[0m"));
}

/* on a short terminal only the list of events shrinks, newest kept */
static void test_height(void **state)
{
	g_autofree char *all = frame("snap-dead-peer.json", 80, 0, false);
	g_autofree char *f = frame("snap-dead-peer.json", 80, 20, false);

	(void)state;
	assert_non_null(strstr(all, "Link bob:eth1 dead."));
	assert_null(strstr(f, "Link bob:eth1 dead."));
	assert_non_null(strstr(f, "Resource group 10.78.0.100 running on alice"));
	assert_non_null(strstr(f, "Resource groups"));
}

static void test_waiting(void **state)
{
	struct dd_view_opts o = { .width = 80, .now_ms = NOW_MS };
	g_autofree char *f = dd_view_waiting(&o, "duetd is not running on this node");

	(void)state;
	assert_string_equal(f, "waiting for duetd (since 14:03:07)\n"
			       "  duetd is not running on this node\n");
}

static void test_duetctl_text(void **state)
{
	struct dd_snap *s = load("snap-sample.json");
	g_autofree char *nodes = dd_view_nodes(s);
	g_autofree char *links = dd_view_links(s);
	g_autofree char *status = dd_view_status(s);
	g_autofree char *lj = dd_view_links_json(s);
	g_autoptr(JsonParser) p = json_parser_new();
	g_autoptr(GError) err = NULL;

	(void)state;
	assert_string_equal(nodes, "alice: active\nbob: active\n10.78.0.254: ping\n");
	assert_string_equal(links, "bob eth1 up\nbob /dev/ttyS1 dead\n");
	check_golden(status, "duetctl-status.txt");
	assert_non_null(strstr(status, "\nbob\tactive\t(nodetype: normal)\n\teth1\tup\n"));
	assert_true(json_parser_load_from_data(p, lj, -1, &err));
	assert_int_equal(json_array_get_length(json_node_get_array(json_parser_get_root(p))), 2);
	dd_snap_free(s);
}

static void test_duration(void **state)
{
	static const struct {
		int64_t ms;
		const char *text;
	} cases[] = {
		{ 0, "0ms" }, { 999, "999ms" }, { 1000, "1.0s" }, { 5230, "5.2s" },
		{ 59999, "59.9s" }, { 60000, "1m00s" }, { 65400, "1m05s" },
		{ 3599999, "59m59s" }, { 3600000, "1h00m" }, { 86400000, "1d00h" },
		{ -5, "0ms" },
	};

	(void)state;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *d = dd_view_duration(cases[i].ms);

		assert_string_equal(d, cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_sample_80),
		cmocka_unit_test(test_golden_sample_120),
		cmocka_unit_test(test_golden_dead_peer),
		cmocka_unit_test(test_golden_failed_group),
		cmocka_unit_test(test_golden_unknown_fields),
		cmocka_unit_test(test_width_limit),
		cmocka_unit_test(test_colour),
		cmocka_unit_test(test_height),
		cmocka_unit_test(test_waiting),
		cmocka_unit_test(test_duetctl_text),
		cmocka_unit_test(test_duration),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
