/*
 * dconf: "did you mean" for unknown keywords. The candidate closest to the
 * misspelt word by edit distance (insert, delete, substitute, transpose
 * two neighbours), if it is close enough to be a plausible typo.
 */
#ifndef DCONF_SUGGEST_H
#define DCONF_SUGGEST_H

#include <stddef.h>

/* Edit distance of A and B, capped at CAP (returns CAP when larger). */
size_t dconf_edit_distance(const char *a, const char *b, size_t cap);

/*
 * The best of the NULL-terminated CANDS for WORD, or NULL when none is
 * close: one edit for words up to four letters, else max(2, length / 3).
 */
const char *dconf_suggest(const char *word, const char *const *cands);

#endif /* DCONF_SUGGEST_H */
