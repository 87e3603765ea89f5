/* dconf: keyword suggestions, see suggest.h. */
#include "daemon/dconf/suggest.h"

#include <string.h>

#define SUGGEST_MAXLEN 64

size_t dconf_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b);
	/* three rows of the optimal-string-alignment distance */
	size_t rows[3][SUGGEST_MAXLEN + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > SUGGEST_MAXLEN || lb > SUGGEST_MAXLEN)
		return cap;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t best = cur[0] = i;

		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best >= cap)
			return cap;
		size_t *t = pp;

		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] < cap ? prev[lb] : cap;
}

const char *dconf_suggest(const char *word, const char *const *cands)
{
	size_t len = strlen(word), limit = len / 3, best_d;
	const char *best = NULL;

	/* one typo in a short word, two from five letters on */
	if (limit < 1)
		limit = 1;
	if (len >= 5 && limit < 2)
		limit = 2;
	best_d = limit + 1;
	for (; *cands; cands++) {
		size_t d = dconf_edit_distance(word, *cands, best_d);

		if (d < best_d) {
			best_d = d;
			best = *cands;
		}
	}
	return best;
}
