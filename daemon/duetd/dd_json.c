/*
 * dd_json: see dd_json.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/duetd/dd_json.h"

void dd_json_init(struct dd_json *j)
{
	memset(j, 0, sizeof(*j));
}

void dd_json_free(struct dd_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

const char *dd_json_text(const struct dd_json *j)
{
	if (j->oom || j->depth != 0 || !j->buf)
		return NULL;
	return j->buf;
}

static void put(struct dd_json *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		char *nb;

		while (cap < j->len + n + 1)
			cap *= 2;
		nb = realloc(j->buf, cap);
		if (!nb) {
			j->oom = true;
			return;
		}
		j->buf = nb;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void puts_(struct dd_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* the separator before a value (or key) at the current level */
static void sep(struct dd_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0 && j->depth <= DD_JSON_MAX_DEPTH) {
		if (j->need_comma[j->depth - 1])
			put(j, ",", 1);
		j->need_comma[j->depth - 1] = true;
	}
}

static void open_(struct dd_json *j, char c)
{
	sep(j);
	put(j, &c, 1);
	if (j->depth < DD_JSON_MAX_DEPTH)
		j->need_comma[j->depth] = false;
	else
		j->oom = true;	/* too deep: refuse to produce text */
	j->depth++;
}

static void close_(struct dd_json *j, char c)
{
	if (j->depth <= 0) {
		j->oom = true;
		return;
	}
	j->depth--;
	put(j, &c, 1);
}

void dd_json_obj_begin(struct dd_json *j) { open_(j, '{'); }
void dd_json_obj_end(struct dd_json *j) { close_(j, '}'); }
void dd_json_arr_begin(struct dd_json *j) { open_(j, '['); }
void dd_json_arr_end(struct dd_json *j) { close_(j, ']'); }

/* length of a valid UTF-8 sequence at s (at most n bytes), 0 if invalid */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void str_raw(struct dd_json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	put(j, "\"", 1);
	while (n > 0) {
		char esc[8];
		size_t l;

		switch (*p) {
		case '"': puts_(j, "\\\""); p++; n--; continue;
		case '\\': puts_(j, "\\\\"); p++; n--; continue;
		case '\n': puts_(j, "\\n"); p++; n--; continue;
		case '\r': puts_(j, "\\r"); p++; n--; continue;
		case '\t': puts_(j, "\\t"); p++; n--; continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			puts_(j, esc);
			p++;
			n--;
			continue;
		}
		l = utf8_len(p, n);
		if (l == 0) {
			puts_(j, "\\ufffd");
			p++;
			n--;
			continue;
		}
		put(j, (const char *)p, l);
		p += l;
		n -= l;
	}
	put(j, "\"", 1);
}

void dd_json_key(struct dd_json *j, const char *key)
{
	sep(j);
	str_raw(j, key);
	put(j, ":", 1);
	j->after_key = true;
}

void dd_json_str(struct dd_json *j, const char *s)
{
	if (!s) {
		dd_json_null(j);
		return;
	}
	sep(j);
	str_raw(j, s);
}

void dd_json_int(struct dd_json *j, int64_t v)
{
	char b[32];

	sep(j);
	snprintf(b, sizeof(b), "%" PRId64, v);
	puts_(j, b);
}

void dd_json_uint(struct dd_json *j, uint64_t v)
{
	char b[32];

	sep(j);
	snprintf(b, sizeof(b), "%" PRIu64, v);
	puts_(j, b);
}

void dd_json_bool(struct dd_json *j, bool v)
{
	sep(j);
	puts_(j, v ? "true" : "false");
}

void dd_json_null(struct dd_json *j)
{
	sep(j);
	puts_(j, "null");
}

void dd_json_kstr(struct dd_json *j, const char *key, const char *s)
{
	dd_json_key(j, key);
	dd_json_str(j, s);
}

void dd_json_kint(struct dd_json *j, const char *key, int64_t v)
{
	dd_json_key(j, key);
	dd_json_int(j, v);
}

void dd_json_kuint(struct dd_json *j, const char *key, uint64_t v)
{
	dd_json_key(j, key);
	dd_json_uint(j, v);
}

void dd_json_kbool(struct dd_json *j, const char *key, bool v)
{
	dd_json_key(j, key);
	dd_json_bool(j, v);
}
