/*
 * dd_view: duetd's snapshot rendered as text. No I/O and no clock: the
 * caller says how wide the terminal is, whether to colour, and when the
 * snapshot was received. Every function returns a g_malloc'd string.
 *
 * Time since last heard: duetd reports ages (last_heard_ms) as of the
 * moment it built the snapshot, and ha_status redraws on events, not on a
 * timer, so an age on screen would grow stale. The frame therefore says
 * "as of HH:MM:SS" (when the snapshot was received) in its header, shows
 * ages only for things that are alive (an up link that falls silent is an
 * event, hence a new frame), and shows the clock time of the last packet
 * for anything dead or silent, which stays true however long the frame
 * sits on the screen.
 */
#ifndef DUET_DD_VIEW_H
#define DUET_DD_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/duetd/dd_snap.h"

struct dd_view_opts {
	int width;		/* terminal columns; lines are cut to fit */
	int height;		/* terminal rows; 0: no limit. Only the list of
				 * recent events shrinks to fit */
	bool colour;		/* ANSI colours */
	int64_t now_ms;		/* wall clock (Unix ms) when the snapshot arrived */
};

/* ha_status's frame (ends with a newline) */
char *dd_view_frame(const struct dd_snap *s, const struct dd_view_opts *o);
/* the frame shown while duetd cannot be reached; why may be NULL */
char *dd_view_waiting(const struct dd_view_opts *o, const char *why);

/* duetctl's outputs */
char *dd_view_status(const struct dd_snap *s);	/* cl_status hbstatus -v style */
char *dd_view_nodes(const struct dd_snap *s);	/* "bob: active" lines */
char *dd_view_links(const struct dd_snap *s);	/* "bob eth1 up" lines */
char *dd_view_nodes_json(const struct dd_snap *s);
char *dd_view_links_json(const struct dd_snap *s);

/* "120ms", "5.2s", "3m05s", "2h03m", "4d07h" */
char *dd_view_duration(int64_t ms);

#endif
