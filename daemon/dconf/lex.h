/*
 * dconf: the drbd.conf tokenizer (drbd.md §6.1).
 *
 *   word    a run of printable ASCII characters other than white space and
 *           { } ; [ ] " #  (names, numbers, paths, addresses)
 *   string  "..." on one line; a backslash takes the next character
 *           literally (\" and \\)
 *   { } ; [ ]
 *   # starts a comment up to the end of the line (outside strings).
 *
 * [ and ] are tokens of their own so that "meta-disk /dev/hda[5];" and
 * "meta-disk /dev/hda [5];" read the same, and IPv6 addresses can be
 * written "[fd00::1]:7788". Every token remembers its line and whether
 * white space preceded it.
 */
#ifndef DCONF_LEX_H
#define DCONF_LEX_H

#include <stdbool.h>
#include <stddef.h>

struct dconf_config;

enum dconf_tok {
	DCONF_TOK_EOF = 0,
	DCONF_TOK_WORD,
	DCONF_TOK_STRING,
	DCONF_TOK_LBRACE,
	DCONF_TOK_RBRACE,
	DCONF_TOK_SEMI,
	DCONF_TOK_LBRACKET,
	DCONF_TOK_RBRACKET,
	DCONF_TOK_ERROR,	/* a diagnostic has been recorded */
};

struct dconf_token {
	enum dconf_tok type;
	const char *text;	/* WORD/STRING (unescaped), NUL-terminated */
	unsigned line;
	bool space_before;	/* white space or a comment before it */
};

struct dconf_lexer {
	const char *buf, *end, *p;
	const char *file;	/* for diagnostics (interned) */
	unsigned line;
	struct dconf_config *cfg; /* arena and diagnostics */
	struct dconf_token peeked;
	bool has_peeked;
};

void dconf_lex_init(struct dconf_lexer *lx, struct dconf_config *cfg,
		    const char *file, const char *buf, size_t len);
/* Returns the next token (consumed). */
struct dconf_token dconf_lex_next(struct dconf_lexer *lx);
/* Returns the next token without consuming it. */
struct dconf_token dconf_lex_peek(struct dconf_lexer *lx);

/* How a token is named in messages: 'word', "string", '{', end of file. */
const char *dconf_tok_describe(struct dconf_lexer *lx,
			       const struct dconf_token *t);

#endif /* DCONF_LEX_H */
