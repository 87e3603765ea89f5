/*
 * Unit tests of duetd's pure parts: the JSON writer (escaping, nesting,
 * invalid UTF-8), the event ring (50 newest, oldest first) and the
 * retransmission history (seq lookup, overwrite after 500) and the
 * respawn rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/duetd/dd_events.h"
#include "daemon/duetd/dd_hist.h"
#include "daemon/duetd/dd_json.h"
#include "daemon/duetd/dd_respawn.h"

static void json_escapes(void **state)
{
	struct dd_json j;

	(void)state;
	dd_json_init(&j);
	dd_json_obj_begin(&j);
	dd_json_kstr(&j, "a", "q\"b\\s\n\t\x01 \xc3\xa9");
	dd_json_kint(&j, "n", -5);
	dd_json_kuint(&j, "u", 18446744073709551615ull);
	dd_json_kbool(&j, "t", true);
	dd_json_key(&j, "l");
	dd_json_arr_begin(&j);
	dd_json_str(&j, "x");
	dd_json_null(&j);
	dd_json_obj_begin(&j);
	dd_json_obj_end(&j);
	dd_json_arr_end(&j);
	dd_json_kstr(&j, "bad", "a\xff\xc3(z\xed\xa0\x80");
	dd_json_kstr(&j, "nul", NULL);
	dd_json_obj_end(&j);
	assert_string_equal(dd_json_text(&j),
			    "{\"a\":\"q\\\"b\\\\s\\n\\t\\u0001 \xc3\xa9\",\"n\":-5,"
			    "\"u\":18446744073709551615,\"t\":true,\"l\":[\"x\",null,{}],"
			    "\"bad\":\"a\\ufffd\\ufffd(z\\ufffd\\ufffd\\ufffd\",\"nul\":null}");
	dd_json_free(&j);
}

static void json_unbalanced(void **state)
{
	struct dd_json j;

	(void)state;
	dd_json_init(&j);
	dd_json_obj_begin(&j);
	dd_json_kint(&j, "a", 1);
	assert_null(dd_json_text(&j));	/* still open */
	dd_json_obj_end(&j);
	assert_string_equal(dd_json_text(&j), "{\"a\":1}");
	dd_json_obj_end(&j);		/* one too many */
	assert_null(dd_json_text(&j));
	dd_json_free(&j);

	dd_json_init(&j);
	for (int i = 0; i < DD_JSON_MAX_DEPTH + 2; i++)
		dd_json_arr_begin(&j);
	for (int i = 0; i < DD_JSON_MAX_DEPTH + 2; i++)
		dd_json_arr_end(&j);
	assert_null(dd_json_text(&j));	/* too deep is refused */
	dd_json_free(&j);
}

static void events_ring(void **state)
{
	struct dd_events e;
	char text[32];

	(void)state;
	dd_events_init(&e);
	assert_null(dd_events_get(&e, 0));
	for (int i = 0; i < DD_EVENTS_MAX + 7; i++) {
		snprintf(text, sizeof(text), "ev %d", i);
		dd_events_add(&e, 1764079387120 + i, "node", text);
	}
	assert_int_equal(e.n, DD_EVENTS_MAX);
	assert_string_equal(dd_events_get(&e, 0)->text, "ev 7");
	snprintf(text, sizeof(text), "ev %d", DD_EVENTS_MAX + 6);
	assert_string_equal(dd_events_get(&e, DD_EVENTS_MAX - 1)->text, text);
	assert_null(dd_events_get(&e, DD_EVENTS_MAX));

	struct dd_json j;

	dd_json_init(&j);
	dd_event_json(&j, dd_events_get(&e, 0));
	assert_string_equal(dd_json_text(&j), "{\"time\":\"2025-11-25T14:03:07.127Z\","
			    "\"kind\":\"node\",\"text\":\"ev 7\"}");
	dd_json_free(&j);
}

static void hist_lookup(void **state)
{
	struct dd_hist *h = malloc(sizeof(*h));
	char v[32];

	(void)state;
	assert_non_null(h);
	dd_hist_init(h);
	for (uint64_t s = 1; s <= DD_HIST_MAX + 20; s++) {
		snprintf(v, sizeof(v), "msg %llx", (unsigned long long)s);
		assert_int_equal(dd_hist_add(h, s, v, strlen(v)), 0);
	}
	assert_null(dd_hist_find(h, 0));
	assert_null(dd_hist_find(h, 20));		/* overwritten */
	assert_null(dd_hist_find(h, DD_HIST_MAX + 21));	/* never sent */
	assert_non_null(dd_hist_find(h, 21));
	assert_int_equal(dd_hist_find(h, DD_HIST_MAX + 20)->len, 7);
	assert_memory_equal(dd_hist_find(h, DD_HIST_MAX + 20)->wire, "msg 208", 7);
	assert_memory_equal(dd_hist_find(h, 21)->wire, "msg 15", 6);
	assert_int_equal(dd_hist_add(h, 0, "x", 1), -1);
	dd_hist_free(h);
	free(h);
}

/* a slot keeps its buffer for the next message when it fits, and grows when not */
static void hist_reuse(void **state)
{
	struct dd_hist *h = malloc(sizeof(*h));
	char big[600];
	const uint8_t *kept;

	(void)state;
	assert_non_null(h);
	memset(big, 'b', sizeof(big));
	dd_hist_init(h);
	assert_int_equal(dd_hist_add(h, 7, "seven", 5), 0);
	kept = dd_hist_find(h, 7)->wire;
	assert_int_equal(dd_hist_add(h, 7 + DD_HIST_MAX, "later", 5), 0);
	assert_ptr_equal(dd_hist_find(h, 7 + DD_HIST_MAX)->wire, kept);
	assert_null(dd_hist_find(h, 7));
	assert_int_equal(dd_hist_add(h, 7 + 2 * DD_HIST_MAX, big, sizeof(big)), 0);
	assert_int_equal(dd_hist_find(h, 7 + 2 * DD_HIST_MAX)->len, sizeof(big));
	assert_memory_equal(dd_hist_find(h, 7 + 2 * DD_HIST_MAX)->wire, big, sizeof(big));
	assert_int_equal(dd_hist_add(h, 7 + 3 * DD_HIST_MAX, "short", 5), 0);
	assert_int_equal(dd_hist_find(h, 7 + 3 * DD_HIST_MAX)->len, 5);
	assert_memory_equal(dd_hist_find(h, 7 + 3 * DD_HIST_MAX)->wire, "short", 5);
	dd_hist_free(h);
	free(h);
}

/* the respawn rule: stop, status 100, failfast, too fast, and a long run resetting the count */
static void respawn_rule(void **state)
{
	struct dd_rsp_state st = { 0 };

	(void)state;
	assert_int_equal(dd_rsp_decide(&st, true, false, true, 1, 5), DD_RSP_DONE);
	assert_int_equal(dd_rsp_decide(&st, false, false, true, DD_RSP_NO_RESPAWN, 5), DD_RSP_ASKED);
	/* killed by signal 100 is not "exit status 100" */
	assert_int_equal(dd_rsp_decide(&st, false, false, false, 100, 50000), DD_RSP_RESTART);
	assert_int_equal(dd_rsp_decide(&st, false, true, true, 0, 50000), DD_RSP_FAILFAST);
	assert_int_equal(dd_rsp_decide(&st, false, true, true, DD_RSP_NO_RESPAWN, 5), DD_RSP_ASKED);
	for (unsigned i = 1; i < DD_RSP_MAX_FAST; i++) {
		assert_int_equal(dd_rsp_decide(&st, false, false, true, 1, DD_RSP_FAST_MS - 1),
				 DD_RSP_RESTART);
		assert_int_equal(st.fast, i);
	}
	assert_int_equal(dd_rsp_decide(&st, false, false, true, 1, 0), DD_RSP_TOO_FAST);
	/* a long run starts the count over */
	st.fast = DD_RSP_MAX_FAST - 1;
	assert_int_equal(dd_rsp_decide(&st, false, false, true, 1, DD_RSP_FAST_MS), DD_RSP_RESTART);
	assert_int_equal(st.fast, 0);
	assert_int_equal(dd_rsp_decide(&st, false, false, true, 1, 10), DD_RSP_RESTART);
	assert_int_equal(st.fast, 1);
	assert_string_equal(dd_rsp_verdict_str(DD_RSP_TOO_FAST), "respawning too fast");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_escapes),
		cmocka_unit_test(json_unbalanced),
		cmocka_unit_test(events_ring),
		cmocka_unit_test(hist_lookup),
		cmocka_unit_test(hist_reuse),
		cmocka_unit_test(respawn_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
