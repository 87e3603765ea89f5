/*
 * dconf: a growable text buffer (for dump and for duetadm's printers).
 * Allocation failure aborts, as in the arena.
 */
#ifndef DCONF_STRBUF_H
#define DCONF_STRBUF_H

#include <stddef.h>

struct dconf_sb {
	char *buf;	/* NUL-terminated once anything was added */
	size_t len, cap;
};

void dconf_sb_addf(struct dconf_sb *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dconf_sb_add(struct dconf_sb *sb, const char *s);
void dconf_sb_addn(struct dconf_sb *sb, const char *s, size_t n);
/* Appends S as a drbd.conf string: quoted, with \" and \\ escaped. */
void dconf_sb_add_quoted(struct dconf_sb *sb, const char *s);
/* Appends S bare when it reads back as one word, else quoted. */
void dconf_sb_add_word(struct dconf_sb *sb, const char *s);
/* Hands the text to the caller (free() it); never NULL. */
char *dconf_sb_steal(struct dconf_sb *sb);
void dconf_sb_free(struct dconf_sb *sb);

#endif /* DCONF_STRBUF_H */
