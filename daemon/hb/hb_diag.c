/* hb_diag: "file:line: message" diagnostics for the ha.d parsers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hb/hb_diag.h"

void hb_diag_init(struct hb_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void hb_diag_free(struct hb_diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void hb_diag_add(struct hb_diag *d, enum hb_sev sev, const char *file,
		 unsigned line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	char *text;
	int n;

	if (sev == HB_SEV_ERR)
		d->nerr++;
	else
		d->nwarn++;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	n = snprintf(NULL, 0, "%s:%u: %s", file ? file : "?", line, msg);
	if (n < 0 || !(text = malloc((size_t)n + 1))) {
		d->oom++;
		return;
	}
	snprintf(text, (size_t)n + 1, "%s:%u: %s", file ? file : "?", line, msg);

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct hb_diag_entry *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			free(text);
			d->oom++;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n].sev = sev;
	d->v[d->n].line = line;
	d->v[d->n].text = text;
	d->n++;
}

const char *hb_diag_first(const struct hb_diag *d, enum hb_sev sev)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev >= sev)
			return d->v[i].text;
	return NULL;
}
