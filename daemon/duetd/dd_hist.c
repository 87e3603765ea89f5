/*
 * dd_hist: see dd_hist.h.
 */
#include <string.h>

#include "daemon/duetd/dd_hist.h"

void dd_hist_init(struct dd_hist *h)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < DD_HIST_MAX; i++)
		hb_msg_init(&h->msgs[i]);
}

void dd_hist_free(struct dd_hist *h)
{
	for (size_t i = 0; i < DD_HIST_MAX; i++)
		hb_msg_free(&h->msgs[i]);
	memset(h->seqs, 0, sizeof(h->seqs));
}

int dd_msg_copy(struct hb_msg *dst, const struct hb_msg *src)
{
	hb_msg_init(dst);
	for (size_t i = 0; i < src->n; i++) {
		const struct hb_field *f = &src->f[i];
		int rc = hb_msg_add(dst, f->type, f->name, f->value, f->vlen);

		if (rc != HB_OK) {
			hb_msg_free(dst);
			return rc;
		}
	}
	return HB_OK;
}

int dd_hist_add(struct dd_hist *h, uint64_t seq, const struct hb_msg *m)
{
	size_t slot;
	struct hb_msg copy;
	int rc;

	if (seq == 0)
		return HB_E_VALUE;
	rc = dd_msg_copy(&copy, m);
	if (rc != HB_OK)
		return rc;
	slot = (size_t)(seq % DD_HIST_MAX);
	hb_msg_free(&h->msgs[slot]);
	h->msgs[slot] = copy;
	h->seqs[slot] = seq;
	return HB_OK;
}

const struct hb_msg *dd_hist_find(const struct dd_hist *h, uint64_t seq)
{
	size_t slot;

	if (seq == 0)
		return NULL;
	slot = (size_t)(seq % DD_HIST_MAX);
	return h->seqs[slot] == seq ? &h->msgs[slot] : NULL;
}
