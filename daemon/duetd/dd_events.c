/*
 * dd_events: see dd_events.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/duetd/dd_events.h"

void dd_events_init(struct dd_events *e)
{
	memset(e, 0, sizeof(*e));
}

const struct dd_event *dd_events_add(struct dd_events *e, int64_t wall_ms,
				     const char *kind, const char *text)
{
	struct dd_event *ev;

	if (e->n == DD_EVENTS_MAX) {
		ev = &e->ev[e->head];
		e->head = (e->head + 1) % DD_EVENTS_MAX;
	} else {
		ev = &e->ev[(e->head + e->n) % DD_EVENTS_MAX];
		e->n++;
	}
	ev->wall_ms = wall_ms;
	snprintf(ev->kind, sizeof(ev->kind), "%s", kind);
	snprintf(ev->text, sizeof(ev->text), "%s", text);
	return ev;
}

const struct dd_event *dd_events_get(const struct dd_events *e, size_t i)
{
	if (i >= e->n)
		return NULL;
	return &e->ev[(e->head + i) % DD_EVENTS_MAX];
}

void dd_event_time(int64_t wall_ms, char out[32])
{
	time_t t = (time_t)(wall_ms / 1000);
	struct tm tm;

	if (wall_ms < 0 || !gmtime_r(&t, &tm)) {
		snprintf(out, 32, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
		 (unsigned)(tm.tm_year + 1900) % 10000, (unsigned)(tm.tm_mon + 1) % 100,
		 (unsigned)tm.tm_mday % 100, (unsigned)tm.tm_hour % 100,
		 (unsigned)tm.tm_min % 100, (unsigned)tm.tm_sec % 100,
		 (unsigned)(wall_ms % 1000));
}

void dd_event_json(struct dd_json *j, const struct dd_event *ev)
{
	char ts[32];

	dd_event_time(ev->wall_ms, ts);
	dd_json_obj_begin(j);
	dd_json_kstr(j, "time", ts);
	dd_json_kstr(j, "kind", ev->kind);
	dd_json_kstr(j, "text", ev->text);
	dd_json_obj_end(j);
}
