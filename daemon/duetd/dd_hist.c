/*
 * dd_hist: see dd_hist.h.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/duetd/dd_hist.h"

#define DD_HIST_SLACK 32	/* bytes a slot keeps beyond its message, for the next one */

void dd_hist_init(struct dd_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void dd_hist_free(struct dd_hist *h)
{
	for (size_t i = 0; i < DD_HIST_MAX; i++)
		free(h->e[i].wire);
	memset(h, 0, sizeof(*h));
}

int dd_hist_add(struct dd_hist *h, uint64_t seq, const void *wire, size_t len)
{
	struct dd_hist_ent *e;

	if (seq == 0 || len == 0)
		return -1;
	e = &h->e[seq % DD_HIST_MAX];
	if (len > e->cap) {
		/* a heartbeat a little longer fits the slot next time round */
		size_t cap = len + DD_HIST_SLACK;
		uint8_t *w = realloc(e->wire, cap);

		if (!w)
			return -1;
		e->wire = w;
		e->cap = cap;
	}
	memcpy(e->wire, wire, len);
	e->seq = seq;
	e->len = len;
	return 0;
}

const struct dd_hist_ent *dd_hist_find(const struct dd_hist *h, uint64_t seq)
{
	const struct dd_hist_ent *e;

	if (seq == 0)
		return NULL;
	e = &h->e[seq % DD_HIST_MAX];
	return e->seq == seq ? e : NULL;
}
