/*
 * Unit tests for daemon/duetd/dd_snap.c: duetd's snapshot, event and
 * result bodies (IPC.md) parsed into structures; unknown members ignored,
 * wrong types, missing members and truncated text refused with the path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/duetd/dd_snap.h"

static char *load(const char *name, size_t *len)
{
	g_autofree char *path = g_build_filename(DD_TEST_DATA, name, NULL);
	g_autoptr(GError) err = NULL;
	char *text = NULL;

	if (!g_file_get_contents(path, &text, len, &err))
		fail_msg("%s: %s", path, err->message);
	g_strchomp(text);
	*len = strlen(text);
	return text;
}

static void test_sample(void **state)
{
	size_t len;
	g_autofree char *text = load("snap-sample.json", &len);
	g_autoptr(GError) err = NULL;
	struct dd_snap *s = dd_snap_parse(text, len, &err);
	const struct dd_node *bob;
	char name[32];

	(void)state;
	assert_non_null(s);
	assert_null(err);
	assert_int_equal(s->version, 1);
	assert_string_equal(s->node, "alice");
	assert_string_equal(s->status, "active");
	assert_int_equal(s->pid, 1234);
	assert_int_equal(s->uptime_ms, 83412);
	assert_int_equal(s->config.keepalive_ms, 200);
	assert_int_equal(s->config.deadtime_ms, 1000);
	assert_int_equal(s->config.udpport, 694);
	assert_string_equal(s->config.auto_failback, "on");
	assert_int_equal(s->n_nodes, 3);
	assert_true(s->nodes[0].local);
	assert_int_equal(s->nodes[0].n_links, 0);
	assert_false(s->nodes[0].heard);
	bob = dd_snap_find_node(s, "bob");
	assert_non_null(bob);
	assert_false(bob->local);
	assert_true(bob->heard);
	assert_int_equal(bob->last_heard_ms, 120);
	assert_int_equal(bob->n_links, 2);
	assert_int_equal(bob->links[1].medium, 1);
	assert_string_equal(bob->links[1].status, "dead");
	assert_int_equal(bob->links[1].last_heard_ms, 5230);
	assert_string_equal(s->nodes[2].type, "ping");
	assert_int_equal(s->n_media, 2);
	assert_string_equal(s->media[0].spec, "eth1 10.78.0.2");
	assert_int_equal(s->media[0].tx, 410);
	assert_string_equal(dd_snap_link_name(s, 0, name, sizeof(name)), "eth1");
	assert_string_equal(dd_snap_link_name(s, 1, name, sizeof(name)), "/dev/ttyS1");
	assert_string_equal(dd_snap_link_name(s, 7, name, sizeof(name)), "medium7");
	assert_string_equal(s->rsc_state, "stable");
	assert_false(s->standby);
	assert_int_equal(s->n_groups, 1);
	assert_int_equal(s->groups[0].n_resources, 4);
	assert_string_equal(s->groups[0].resources[1], "Filesystem::/dev/drbd0::/drbd::ext4");
	assert_null(s->groups[0].resources[4]);
	assert_string_equal(s->groups[0].owner, "alice");
	assert_string_equal(s->groups[0].state, "running");
	assert_int_equal(s->n_dropped, 7);
	assert_string_equal(s->dropped[0].name, "bad_signature");
	assert_string_equal(s->dropped[6].name, "replay");
	assert_int_equal(s->n_events, 2);
	assert_string_equal(s->events[1].kind, "node");
	assert_string_equal(s->events[1].text, "Status update for node bob: status active");
	assert_false(s->has_devices);
	dd_snap_free(s);
}

/* members the contract does not know yet, and nulls, are ignored */
static void test_unknown_fields(void **state)
{
	size_t len;
	g_autofree char *text = load("snap-unknown-fields.json", &len);
	g_autoptr(GError) err = NULL;
	struct dd_snap *s = dd_snap_parse(text, len, &err);

	(void)state;
	assert_non_null(s);
	assert_int_equal(s->n_nodes, 2);
	assert_string_equal(s->nodes[1].type, "normal");	/* absent: normal */
	assert_false(s->nodes[1].heard);			/* null: never */
	assert_int_equal(s->nodes[1].n_links, 1);
	assert_false(s->nodes[1].links[0].heard);
	assert_int_equal(s->n_groups, 0);
	assert_int_equal(s->uptime_ms, -1);
	assert_int_equal(s->config.keepalive_ms, -1);
	assert_null(s->rsc_state);
	assert_true(s->has_devices);
	dd_snap_free(s);
}

/* a minimal snapshot with one member replaced by the test's text */
#define SNAP(nodes, rest) \
	"{\"version\":1,\"node\":\"alice\",\"status\":\"active\",\"nodes\":" nodes rest "}"
#define NODES "[{\"name\":\"alice\",\"status\":\"active\"}]"

static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "{\"version\":\"1\",\"node\":\"a\",\"status\":\"up\",\"nodes\":[]}",
	  "version: expected an integer, got a string" },
	{ "{\"version\":2,\"node\":\"a\",\"status\":\"up\",\"nodes\":[]}",
	  "version: snapshot version 2 not understood" },
	{ "{\"node\":\"a\",\"status\":\"up\",\"nodes\":[]}", "version: missing" },
	{ "{\"version\":1,\"status\":\"up\",\"nodes\":[]}", "node: missing" },
	{ "{\"version\":1,\"node\":7,\"status\":\"up\",\"nodes\":[]}",
	  "node: expected a string, got an integer" },
	{ SNAP("{}", ""), "nodes: expected an array, got an object" },
	{ SNAP("[1]", ""), "nodes[0]: expected an object, got an integer" },
	{ SNAP("[{\"name\":\"a\"}]", ""), "nodes[0].status: missing" },
	{ SNAP("[{\"name\":\"a\",\"status\":\"up\",\"local\":\"yes\"}]", ""),
	  "nodes[0].local: expected a boolean, got a string" },
	{ SNAP("[{\"name\":\"a\",\"status\":\"up\"},{\"name\":\"b\",\"status\":\"up\","
	       "\"links\":[{\"medium\":0,\"status\":\"up\",\"last_heard_ms\":\"120\"}]}]", ""),
	  "nodes[1].links[0].last_heard_ms: expected an integer, got a string" },
	{ SNAP("[{\"name\":\"a\",\"status\":\"up\",\"last_heard_ms\":1.5}]", ""),
	  "nodes[0].last_heard_ms: expected an integer, got a fractional number" },
	{ SNAP("[{\"name\":\"a\",\"status\":\"up\",\"last_heard_ms\":-4}]", ""),
	  "nodes[0].last_heard_ms: negative value -4" },
	{ SNAP("[{\"name\":\"a\",\"status\":\"up\",\"links\":{}}]", ""),
	  "nodes[0].links: expected an array, got an object" },
	{ SNAP(NODES, ",\"media\":[{\"index\":0}]"), "media[0].type: missing" },
	{ SNAP(NODES, ",\"media\":[{\"index\":0,\"type\":\"ucast\",\"tx\":true}]"),
	  "media[0].tx: expected an integer, got a boolean" },
	{ SNAP(NODES, ",\"standby\":\"no\""), "standby: expected a boolean, got a string" },
	{ SNAP(NODES, ",\"rsc_state\":[]"), "rsc_state: expected a string, got an array" },
	{ SNAP(NODES, ",\"groups\":[{\"key\":\"ip\",\"owner\":\"a\",\"state\":\"running\","
		      "\"resources\":[\"ip\",3]}]"),
	  "groups[0].resources[1]: expected a string, got an integer" },
	{ SNAP(NODES, ",\"groups\":[{\"key\":\"ip\",\"state\":\"running\"}]"),
	  "groups[0].owner: missing" },
	{ SNAP(NODES, ",\"dropped\":{\"malformed\":\"3\"}"),
	  "dropped.malformed: expected an integer, got a string" },
	{ SNAP(NODES, ",\"dropped\":[]"), "dropped: expected an object, got an array" },
	{ SNAP(NODES, ",\"config\":{\"deadtime_ms\":\"1s\"}"),
	  "config.deadtime_ms: expected an integer, got a string" },
	{ SNAP(NODES, ",\"events\":[{\"time\":\"t\",\"kind\":\"node\"}]"), "events[0].text: missing" },
	{ "[]", "snapshot: expected a JSON object, got an array" },
	{ "42", "snapshot: expected a JSON object, got an integer" },
	{ "", "snapshot: expected a JSON object, got nothing" },
	{ "{\"version\":1,", "snapshot: not valid JSON" },
	{ "{\"version\":1} trailing", "snapshot: not valid JSON" },
};

static void test_wrong_types_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;
		struct dd_snap *s = dd_snap_parse(bad[i].text, strlen(bad[i].text), &err);

		if (s || !err || !strstr(err->message, bad[i].error))
			fail_msg("case %zu: %s\n  want error containing: %s\n  got: %s", i,
				 bad[i].text, bad[i].error, err ? err->message : "(accepted)");
		assert_null(s);
	}
}

/* every strict prefix of a valid snapshot is refused, none crashes */
static void test_truncated_refused(void **state)
{
	size_t len;
	g_autofree char *text = load("snap-sample.json", &len);

	(void)state;
	for (size_t cut = 0; cut < len; cut++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *part = g_strndup(text, cut);
		struct dd_snap *s = dd_snap_parse(part, cut, &err);

		if (s)
			fail_msg("prefix of %zu bytes accepted", cut);
		assert_non_null(err);
	}
}

/* nothing from duetd reaches the terminal as a control sequence */
static void test_control_characters(void **state)
{
	static const char text[] =
		"{\"version\":1,\"node\":\"al\\u001b[2Jice\",\"status\":\"active\",\"nodes\":[],"
		"\"events\":[{\"time\":\"t\",\"kind\":\"node\",\"text\":\"a\\r\\nb\\u009bc\\u007f \u00e9\"}]}";
	g_autoptr(GError) err = NULL;
	struct dd_snap *s = dd_snap_parse(text, strlen(text), &err);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s->node, "al?[2Jice");
	assert_string_equal(s->events[0].text, "a??b?c? \u00e9");
	dd_snap_free(s);
}

static void test_event(void **state)
{
	static const char ok[] = "{\"time\":\"2026-11-25T14:03:07.120Z\",\"kind\":\"link\","
				 "\"text\":\"Link bob:eth1 dead\",\"new\":1}";
	static const char wrong[] = "{\"time\":\"t\",\"kind\":3,\"text\":\"x\"}";
	g_autoptr(GError) err = NULL;
	struct dd_event e;

	(void)state;
	assert_true(dd_event_parse(ok, strlen(ok), &e, &err));
	assert_string_equal(e.kind, "link");
	assert_string_equal(e.text, "Link bob:eth1 dead");
	dd_event_clear(&e);
	assert_false(dd_event_parse(wrong, strlen(wrong), &e, &err));
	assert_string_equal(err->message, "kind: expected a string, got an integer");
	assert_null(e.time);
}

static void test_result(void **state)
{
	static const char ok[] = "{\"ok\":true,\"message\":\"Going standby [all].\"}";
	static const char no_msg[] = "{\"ok\":false}";
	static const char wrong[] = "{\"ok\":\"true\",\"message\":\"m\"}";
	g_autoptr(GError) err = NULL;
	struct dd_result r;

	(void)state;
	assert_true(dd_result_parse(ok, strlen(ok), &r, &err));
	assert_true(r.ok);
	assert_string_equal(r.message, "Going standby [all].");
	dd_result_clear(&r);
	assert_true(dd_result_parse(no_msg, strlen(no_msg), &r, &err));
	assert_false(r.ok);
	assert_string_equal(r.message, "");
	dd_result_clear(&r);
	assert_false(dd_result_parse(wrong, strlen(wrong), &r, &err));
	assert_string_equal(err->message, "ok: expected a boolean, got a string");
	assert_null(r.message);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_wrong_types_refused),
		cmocka_unit_test(test_truncated_refused),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
