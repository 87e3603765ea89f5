/*
 * dconf: a bump allocator. Everything a parsed configuration owns lives in
 * one arena and is released at once with dconf_arena_free(); no object of
 * the model is freed on its own.
 */
#ifndef DCONF_ARENA_H
#define DCONF_ARENA_H

#include <stddef.h>

struct dconf_arena;

struct dconf_arena *dconf_arena_new(void);
void dconf_arena_free(struct dconf_arena *a);

/*
 * Zeroed memory, aligned for any object. Like GLib's g_malloc (which the
 * daemon uses anyway) an exhausted heap aborts the program with a message:
 * no caller has to handle NULL.
 */
void *dconf_arena_zalloc(struct dconf_arena *a, size_t size);
char *dconf_arena_strndup(struct dconf_arena *a, const char *s, size_t n);
char *dconf_arena_strdup(struct dconf_arena *a, const char *s);
char *dconf_arena_printf(struct dconf_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Grows an array of *n elements of ELEM bytes by one zeroed element and
 * returns a pointer to it; *arr may move. Capacity doubles, so the old
 * copies the arena keeps cost at most as much as the array itself.
 */
void *dconf_arena_push(struct dconf_arena *a, void **arr, size_t *n,
		       size_t *cap, size_t elem);

#endif /* DCONF_ARENA_H */
