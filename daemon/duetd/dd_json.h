/*
 * dd_json: a small JSON writer for the IPC snapshot and events. Values are
 * appended to a growing buffer; strings are escaped (control characters,
 * quotes, backslash; bytes that are not valid UTF-8 become U+FFFD). Commas
 * between members are inserted automatically. Pure, no I/O.
 */
#ifndef DUET_DD_JSON_H
#define DUET_DD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DD_JSON_MAX_DEPTH 16

struct dd_json {
	char *buf;
	size_t len, cap;
	int depth;
	bool need_comma[DD_JSON_MAX_DEPTH];
	bool after_key;
	bool oom;		/* an allocation failed: the text is incomplete */
};

void dd_json_init(struct dd_json *j);
void dd_json_free(struct dd_json *j);
/* The text (NUL-terminated), or NULL after an allocation failure or while
 * an object or array is still open. */
const char *dd_json_text(const struct dd_json *j);

void dd_json_obj_begin(struct dd_json *j);
void dd_json_obj_end(struct dd_json *j);
void dd_json_arr_begin(struct dd_json *j);
void dd_json_arr_end(struct dd_json *j);
void dd_json_key(struct dd_json *j, const char *key);

void dd_json_str(struct dd_json *j, const char *s);	/* NULL -> null */
void dd_json_int(struct dd_json *j, int64_t v);
void dd_json_uint(struct dd_json *j, uint64_t v);
void dd_json_bool(struct dd_json *j, bool v);
void dd_json_null(struct dd_json *j);

/* key + value shorthands */
void dd_json_kstr(struct dd_json *j, const char *key, const char *s);
void dd_json_kint(struct dd_json *j, const char *key, int64_t v);
void dd_json_kuint(struct dd_json *j, const char *key, uint64_t v);
void dd_json_kbool(struct dd_json *j, const char *key, bool v);

#endif
