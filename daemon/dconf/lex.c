/* dconf: the drbd.conf tokenizer, see lex.h. */
#include "daemon/dconf/lex.h"

#include <stdio.h>
#include <string.h>

#include "daemon/dconf/model.h"

void dconf_lex_init(struct dconf_lexer *lx, struct dconf_config *cfg,
		    const char *file, const char *buf, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->buf = buf;
	lx->p = buf;
	lx->end = buf + len;
	lx->file = file;
	lx->line = 1;
	lx->cfg = cfg;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool is_word_char(char c)
{
	unsigned char u = (unsigned char)c;

	if (u <= ' ' || u >= 0x7f)
		return false;
	return !strchr("{};[]\"#", c);
}

static struct dconf_token lex_error(struct dconf_lexer *lx, unsigned line,
				    const char *msg)
{
	struct dconf_token t = { .type = DCONF_TOK_ERROR, .line = line };
	struct dconf_loc loc = { lx->file, line };

	dconf_error(lx->cfg, loc, "%s", msg);
	lx->p = lx->end;	/* a lexical error ends the file */
	return t;
}

static struct dconf_token lex_string(struct dconf_lexer *lx, bool space)
{
	struct dconf_token t = { .type = DCONF_TOK_STRING, .line = lx->line,
				 .space_before = space };
	const char *s = ++lx->p;	/* past the opening quote */
	size_t n = 0;
	char *out, *o;

	/* first pass: find the end and the unescaped length */
	for (;;) {
		if (lx->p < lx->end && *lx->p == '\\')
			lx->p++;
		else if (lx->p < lx->end && *lx->p == '"')
			break;
		if (lx->p >= lx->end || *lx->p == '\n')
			return lex_error(lx, t.line,
					 "unterminated string: missing '\"' before the end of the line");
		if ((unsigned char)*lx->p < ' ' && *lx->p != '\t') {
			char msg[64];

			snprintf(msg, sizeof(msg),
				 "control character 0x%02x inside a string",
				 (unsigned char)*lx->p);
			return lex_error(lx, t.line, msg);
		}
		lx->p++;
		n++;
	}
	out = dconf_arena_zalloc(lx->cfg->arena, n + 1);
	for (o = out; s < lx->p; s++) {
		if (*s == '\\')
			s++;
		*o++ = *s;
	}
	lx->p++;		/* closing quote */
	t.text = out;
	return t;
}

static struct dconf_token lex_scan(struct dconf_lexer *lx)
{
	struct dconf_token t = { 0 };
	bool space = false;
	const char *start;

	for (;;) {
		while (lx->p < lx->end && is_space(*lx->p)) {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
			space = true;
		}
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			space = true;
			continue;
		}
		break;
	}
	t.line = lx->line;
	t.space_before = space;
	if (lx->p >= lx->end) {
		t.type = DCONF_TOK_EOF;
		return t;
	}
	switch (*lx->p) {
	case '{': t.type = DCONF_TOK_LBRACE; lx->p++; return t;
	case '}': t.type = DCONF_TOK_RBRACE; lx->p++; return t;
	case ';': t.type = DCONF_TOK_SEMI; lx->p++; return t;
	case '[': t.type = DCONF_TOK_LBRACKET; lx->p++; return t;
	case ']': t.type = DCONF_TOK_RBRACKET; lx->p++; return t;
	case '"': return lex_string(lx, space);
	default:
		break;
	}
	if (!is_word_char(*lx->p)) {
		unsigned char c = (unsigned char)*lx->p;
		char msg[64];

		if (c > ' ' && c < 0x7f)
			snprintf(msg, sizeof(msg), "unexpected character '%c'", c);
		else
			snprintf(msg, sizeof(msg), "unexpected character 0x%02x", c);
		return lex_error(lx, lx->line, msg);
	}
	start = lx->p;
	while (lx->p < lx->end && is_word_char(*lx->p))
		lx->p++;
	t.type = DCONF_TOK_WORD;
	t.text = dconf_arena_strndup(lx->cfg->arena, start, (size_t)(lx->p - start));
	return t;
}

struct dconf_token dconf_lex_next(struct dconf_lexer *lx)
{
	if (lx->has_peeked) {
		lx->has_peeked = false;
		return lx->peeked;
	}
	return lex_scan(lx);
}

struct dconf_token dconf_lex_peek(struct dconf_lexer *lx)
{
	if (!lx->has_peeked) {
		lx->peeked = lex_scan(lx);
		lx->has_peeked = true;
	}
	return lx->peeked;
}

const char *dconf_tok_describe(struct dconf_lexer *lx,
			       const struct dconf_token *t)
{
	switch (t->type) {
	case DCONF_TOK_EOF: return "end of file";
	case DCONF_TOK_WORD:
		return dconf_arena_printf(lx->cfg->arena, "'%.60s'", t->text);
	case DCONF_TOK_STRING:
		return dconf_arena_printf(lx->cfg->arena, "\"%.60s\"", t->text);
	case DCONF_TOK_LBRACE: return "'{'";
	case DCONF_TOK_RBRACE: return "'}'";
	case DCONF_TOK_SEMI: return "';'";
	case DCONF_TOK_LBRACKET: return "'['";
	case DCONF_TOK_RBRACKET: return "']'";
	case DCONF_TOK_ERROR: return "an invalid token";
	}
	return "?";
}
