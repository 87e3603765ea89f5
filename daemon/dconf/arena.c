/* dconf: bump allocator, see arena.h. */
#include "daemon/dconf/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 16384
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct dconf_arena {
	struct arena_chunk *head;
};

_Noreturn static void arena_oom(void)
{
	fputs("dconf: out of memory\n", stderr);
	abort();
}

struct dconf_arena *dconf_arena_new(void)
{
	struct dconf_arena *a = calloc(1, sizeof(struct dconf_arena));

	if (!a)
		arena_oom();
	return a;
}

void dconf_arena_free(struct dconf_arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *dconf_arena_zalloc(struct dconf_arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (size > SIZE_MAX / 2)
		arena_oom();
	if (need == 0)
		need = ARENA_ALIGN;
	if (!c || c->size - c->used < need) {
		size_t csize = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = malloc(sizeof(*c) + csize);
		if (!c)
			arena_oom();
		c->size = csize;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, need);
	return p;
}

char *dconf_arena_strndup(struct dconf_arena *a, const char *s, size_t n)
{
	char *p = dconf_arena_zalloc(a, n + 1);

	if (n)
		memcpy(p, s, n);
	return p;
}

char *dconf_arena_strdup(struct dconf_arena *a, const char *s)
{
	return dconf_arena_strndup(a, s, strlen(s));
}

char *dconf_arena_printf(struct dconf_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		arena_oom();
	p = dconf_arena_zalloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void *dconf_arena_push(struct dconf_arena *a, void **arr, size_t *n,
		       size_t *cap, size_t elem)
{
	unsigned char *p;

	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		void *na;

		if (ncap > SIZE_MAX / 2 / elem)
			arena_oom();
		na = dconf_arena_zalloc(a, ncap * elem);
		if (*n)
			memcpy(na, *arr, *n * elem);
		*arr = na;
		*cap = ncap;
	}
	p = (unsigned char *)*arr + *n * elem;
	memset(p, 0, elem);
	(*n)++;
	return p;
}
