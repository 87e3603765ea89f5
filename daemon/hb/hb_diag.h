/*
 * hb_diag: the diagnostics list the ha.d parsers fill. Every entry is one
 * line of text "file:line: message" plus a severity; the daemon glue
 * decides where it goes (stderr for -t, the log at start-up).
 */
#ifndef DUET_HB_DIAG_H
#define DUET_HB_DIAG_H

#include <stddef.h>

enum hb_sev {
	HB_SEV_WARN = 1,	/* accepted, but the user should look at it */
	HB_SEV_ERR = 2,		/* the file is refused */
};

struct hb_diag_entry {
	enum hb_sev sev;
	unsigned line;
	char *text;		/* "file:line: message" */
};

struct hb_diag {
	struct hb_diag_entry *v;
	size_t n, cap;
	size_t nerr, nwarn;
	int oom;		/* an entry could not be stored */
};

void hb_diag_init(struct hb_diag *d);
void hb_diag_free(struct hb_diag *d);

/* Appends "file:line: <fmt...>". Never fails; on ENOMEM it counts. */
void hb_diag_add(struct hb_diag *d, enum hb_sev sev, const char *file,
		 unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The text of the first entry of severity >= sev, or NULL. */
const char *hb_diag_first(const struct hb_diag *d, enum hb_sev sev);

#endif
