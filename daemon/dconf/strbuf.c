/* dconf: growable text buffer, see strbuf.h. */
#include "daemon/dconf/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sb_reserve(struct dconf_sb *sb, size_t more)
{
	size_t need = sb->len + more + 1, ncap;
	char *nb;

	if (need <= sb->cap)
		return;
	ncap = sb->cap ? sb->cap : 256;
	while (ncap < need)
		ncap *= 2;
	nb = realloc(sb->buf, ncap);
	if (!nb) {
		fputs("dconf: out of memory\n", stderr);
		abort();
	}
	sb->buf = nb;
	sb->cap = ncap;
}

void dconf_sb_addn(struct dconf_sb *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void dconf_sb_add(struct dconf_sb *sb, const char *s)
{
	dconf_sb_addn(sb, s, strlen(s));
}

void dconf_sb_addf(struct dconf_sb *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void dconf_sb_add_quoted(struct dconf_sb *sb, const char *s)
{
	dconf_sb_add(sb, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			dconf_sb_add(sb, "\\");
		dconf_sb_addn(sb, s, 1);
	}
	dconf_sb_add(sb, "\"");
}

void dconf_sb_add_word(struct dconf_sb *sb, const char *s)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f || strchr("{};[]\"#", c)) {
			dconf_sb_add_quoted(sb, s);
			return;
		}
	}
	if (!*s) {
		dconf_sb_add_quoted(sb, s);
		return;
	}
	dconf_sb_add(sb, s);
}

char *dconf_sb_steal(struct dconf_sb *sb)
{
	char *r;

	if (!sb->buf)
		sb_reserve(sb, 0), sb->buf[0] = '\0';
	r = sb->buf;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return r;
}

void dconf_sb_free(struct dconf_sb *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
