/*
 * dd_hist: the last messages we sent with a sequence number, kept for
 * NS_rexmit (heartbeat.md §4.5: Heartbeat keeps 500). Pure: a ring of
 * message copies indexed by seq.
 */
#ifndef DUET_DD_HIST_H
#define DUET_DD_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/hb/hb_msg.h"

#define DD_HIST_MAX 500

struct dd_hist {
	struct hb_msg msgs[DD_HIST_MAX];
	uint64_t seqs[DD_HIST_MAX];	/* 0: slot empty */
};

void dd_hist_init(struct dd_hist *h);
void dd_hist_free(struct dd_hist *h);
/* Keeps a copy of m (signed, with its seq). 0, or an hb_err. */
int dd_hist_add(struct dd_hist *h, uint64_t seq, const struct hb_msg *m);
/* The message sent with seq, or NULL if it is gone (or never was). */
const struct hb_msg *dd_hist_find(const struct dd_hist *h, uint64_t seq);
/* Deep copy of a message; HB_OK or an hb_err (dst left empty). */
int dd_msg_copy(struct hb_msg *dst, const struct hb_msg *src);

#endif
