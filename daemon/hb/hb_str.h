/*
 * hb_str: small string helpers shared by the hb_ parsers (line iteration
 * over a buffer, strict number and boolean parsing in Heartbeat's
 * spelling). Pure functions, no I/O.
 */
#ifndef DUET_HB_STR_H
#define DUET_HB_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB_WHITESPACE	" \t\n\r\f"
#define HB_DELIMS	", \t\n\r\f"	/* ha.cf option separators */

/* Iterates over '\n'-terminated lines of a buffer (the last may lack it). */
struct hb_lines {
	const char *p, *end;
	unsigned lineno;	/* number of the line last returned, from 1 */
};

void hb_lines_init(struct hb_lines *it, const char *buf, size_t len);
/* The next line without its '\n'; false at the end of the buffer. */
bool hb_lines_next(struct hb_lines *it, const char **line, size_t *len);

char *hb_strndup(const char *s, size_t n);
void hb_strlower(char *s);

/*
 * Heartbeat's booleans, case-insensitive: true on yes y 1 / false off no
 * n 0. Returns 0 and sets *out, or -1.
 */
int hb_parse_bool(const char *s, bool *out);

/* Strict decimal: digits only, no sign, no leading junk, <= max. 0 / -1. */
int hb_parse_ulong(const char *s, unsigned long max, unsigned long *out);

/*
 * Lower-case hex as Heartbeat prints it with %lx ("3e8", "6b06677e"); the
 * parser also takes upper case. 1 to 16 digits, nothing else. 0 / -1.
 */
int hb_parse_hex64(const char *s, size_t len, uint64_t *out);

/*
 * v in base 10 or 16 (lower case, as printf's %lu and %lx), NUL-terminated
 * in buf, which holds at least HB_FMT_U64_MAX bytes. Returns the length.
 */
#define HB_FMT_U64_MAX	21
size_t hb_fmt_u64(char *buf, uint64_t v, unsigned base);

/* Constant-time equality of two byte strings of the same length. */
bool hb_memeq_ct(const void *a, const void *b, size_t n);

#endif
