/*
 * dd_hist: the last messages we sent with a sequence number, kept for
 * NS_rexmit (heartbeat.md §4.5: Heartbeat keeps 500). Pure: a ring of the
 * signed netstring encodings (about 300 bytes each), indexed by seq; a
 * retransmission decodes one again.
 */
#ifndef DUET_DD_HIST_H
#define DUET_DD_HIST_H

#include <stddef.h>
#include <stdint.h>

#define DD_HIST_MAX 500

struct dd_hist_ent {
	uint64_t seq;		/* 0: slot empty */
	uint8_t *wire;
	size_t len;
	size_t cap;		/* room at wire, reused by the next message of the slot */
};

struct dd_hist {
	struct dd_hist_ent e[DD_HIST_MAX];
};

void dd_hist_init(struct dd_hist *h);
void dd_hist_free(struct dd_hist *h);
/* Keeps a copy of the wire bytes of seq. 0, or -1 (ENOMEM, seq 0). */
int dd_hist_add(struct dd_hist *h, uint64_t seq, const void *wire, size_t len);
/* The bytes sent with seq, or NULL if they are gone (or never were). */
const struct dd_hist_ent *dd_hist_find(const struct dd_hist *h, uint64_t seq);

#endif
