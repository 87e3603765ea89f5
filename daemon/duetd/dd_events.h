/*
 * dd_events: the ring of the last DD_EVENTS_MAX daemon events shown in the
 * IPC snapshot and sent to subscribers (IPC.md). Pure.
 */
#ifndef DUET_DD_EVENTS_H
#define DUET_DD_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/duetd/dd_json.h"

#define DD_EVENTS_MAX 50
#define DD_EVENT_TEXT 240

struct dd_event {
	int64_t wall_ms;	/* ms since the epoch (UTC) */
	char kind[8];		/* node, link, group, rsc, daemon */
	char text[DD_EVENT_TEXT];
};

struct dd_events {
	struct dd_event ev[DD_EVENTS_MAX];
	size_t head;		/* index of the oldest */
	size_t n;
};

void dd_events_init(struct dd_events *e);
/* Adds an event (the oldest goes when full); returns the stored copy. */
const struct dd_event *dd_events_add(struct dd_events *e, int64_t wall_ms,
				     const char *kind, const char *text);
/* i-th event, oldest first, or NULL. */
const struct dd_event *dd_events_get(const struct dd_events *e, size_t i);

/* "2026-11-25T14:03:07.120Z" */
void dd_event_time(int64_t wall_ms, char out[32]);
/* The event as the JSON object of IPC.md. */
void dd_event_json(struct dd_json *j, const struct dd_event *ev);

#endif
