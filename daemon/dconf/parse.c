/* dconf: recursive-descent parser for drbd.conf syntax, see parse.h. */
#include "daemon/dconf/parse.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "daemon/dconf/lex.h"
#include "daemon/dconf/suggest.h"
#include "kmod/uapi/duet_genl.h"

struct parser {
	struct dconf_config *cfg;
	struct dconf_lexer *lx;
	const struct dconf_include_ops *inc;
	const char *stack[DCONF_MAX_INCLUDE_DEPTH + 1];	/* include ids */
	size_t depth;
	unsigned last_line;	/* line of the last consumed token */
	const char *last_text;	/* and how to name it */
	bool fatal;		/* structure lost: stop this file */
};

/* Where a block of statements is. */
enum ctx {
	CTX_TOP,
	CTX_GLOBAL,
	CTX_COMMON,
	CTX_RESOURCE,
	CTX_HOST,		/* on NAME */
	CTX_FLOATING,
	CTX_VOLUME,
	CTX_SECTION,		/* net, disk, startup, options, handlers */
};

static const char *const kw_top[] = {
	"global", "common", "resource", "include", "skip", NULL
};
static const char *const kw_common[] = {
	"protocol", "net", "disk", "startup", "handlers", "options", "syncer",
	"skip", NULL
};
static const char *const kw_resource[] = {
	"protocol", "net", "disk", "startup", "handlers", "options", "syncer",
	"on", "floating", "volume", "device", "meta-disk", "flexible-meta-disk",
	"skip", NULL
};
static const char *const kw_host[] = {
	"device", "disk", "meta-disk", "flexible-meta-disk", "address",
	"volume", "skip", NULL
};
static const char *const kw_volume[] = {
	"device", "disk", "meta-disk", "flexible-meta-disk", "skip", NULL
};

static struct dconf_loc loc_at(struct parser *p, unsigned line)
{
	struct dconf_loc l = { p->lx->file, line };

	return l;
}

static struct dconf_token next(struct parser *p)
{
	struct dconf_token t = dconf_lex_next(p->lx);

	if (t.type == DCONF_TOK_ERROR) {
		p->fatal = true;
		return t;
	}
	if (t.type != DCONF_TOK_EOF) {
		p->last_line = t.line;
		p->last_text = dconf_tok_describe(p->lx, &t);
	}
	return t;
}

static struct dconf_token peek(struct parser *p)
{
	struct dconf_token t = dconf_lex_peek(p->lx);

	if (t.type == DCONF_TOK_ERROR)
		p->fatal = true;
	return t;
}

static bool is_word(const struct dconf_token *t, const char *w)
{
	return t->type == DCONF_TOK_WORD && strcmp(t->text, w) == 0;
}

static bool is_value(const struct dconf_token *t)
{
	return t->type == DCONF_TOK_WORD || t->type == DCONF_TOK_STRING;
}

/* A structural error: report it and stop parsing this file. */
__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, unsigned line, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!p->fatal) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
		dconf_error(p->cfg, loc_at(p, line), "%s", buf);
	}
	p->fatal = true;
	return -1;
}

/*
 * Words that open a block at an outer level: meeting one inside a block
 * means that block's '}' is missing. Says so and stops.
 */
static bool opens_outer_block(const char *w, enum ctx ctx)
{
	static const char *const top[] = { "resource", "common", "global", NULL };
	static const char *const hosts[] = {
		"on", "floating", "stacked-on-top-of", NULL
	};
	static const char *const sections[] = {
		"net", "startup", "handlers", "options", "syncer", "volume", NULL
	};
	const char *const *lists[3] = { top, NULL, NULL };

	if (ctx == CTX_HOST || ctx == CTX_FLOATING || ctx == CTX_VOLUME ||
	    ctx == CTX_SECTION)
		lists[1] = hosts;
	/* a host may hold "disk { }" and volumes, nothing else of these */
	if (ctx == CTX_VOLUME || ctx == CTX_SECTION)
		lists[2] = sections;
	for (int l = 0; l < 3; l++)
		for (const char *const *k = lists[l]; k && *k; k++)
			if (strcmp(*k, w) == 0)
				return true;
	return false;
}

static int missing_rbrace(struct parser *p, const struct dconf_token *t,
			  const char *block, unsigned open_line)
{
	return fail(p, t->line,
		    "missing '}' before '%s': %s (line %u) is not closed",
		    t->text, block, open_line);
}

static int unexpected(struct parser *p, const struct dconf_token *t,
		      const char *wanted)
{
	if (t->type == DCONF_TOK_ERROR)
		return -1;
	return fail(p, t->line, "expected %s, found %s", wanted,
		    dconf_tok_describe(p->lx, t));
}

/* The ';' ending a statement; reported on the line of what precedes it. */
static int expect_semi(struct parser *p)
{
	const char *after = p->last_text;
	unsigned line = p->last_line;
	struct dconf_token t = next(p);

	if (t.type == DCONF_TOK_SEMI)
		return 0;
	if (t.type == DCONF_TOK_ERROR)
		return -1;
	return fail(p, line, "missing ';' after %s (found %s)", after,
		    dconf_tok_describe(p->lx, &t));
}

static int expect_lbrace(struct parser *p, const char *what)
{
	struct dconf_token t = next(p);

	if (t.type == DCONF_TOK_LBRACE)
		return 0;
	if (t.type == DCONF_TOK_ERROR)
		return -1;
	return fail(p, t.line, "expected '{' after %s, found %s", what,
		    dconf_tok_describe(p->lx, &t));
}

/*
 * Skips the rest of a statement after an error: up to and including a
 * ';' or a complete { } block, or up to (not including) a '}' that closes
 * the enclosing block.
 */
static int skip_statement(struct parser *p)
{
	unsigned depth = 0, start = p->last_line;

	for (;;) {
		struct dconf_token t = peek(p);

		switch (t.type) {
		case DCONF_TOK_ERROR:
			return -1;
		case DCONF_TOK_EOF:
			return fail(p, start,
				    "missing ';' or '}' after %s before the end of the file",
				    p->last_text);
		case DCONF_TOK_SEMI:
			next(p);
			if (depth == 0)
				return 0;
			break;
		case DCONF_TOK_LBRACE:
			next(p);
			depth++;
			break;
		case DCONF_TOK_RBRACE:
			if (depth == 0)
				return 0;
			next(p);
			if (--depth == 0)
				return 0;
			break;
		default:
			next(p);
			break;
		}
	}
}

/* "skip [anything] { ... }" comments out a block. */
static int parse_skip(struct parser *p)
{
	unsigned depth = 0, start = p->last_line;

	for (;;) {
		struct dconf_token t = next(p);

		switch (t.type) {
		case DCONF_TOK_ERROR:
			return -1;
		case DCONF_TOK_EOF:
			return fail(p, start,
				    "'skip' block is not closed: missing '}' before the end of the file");
		case DCONF_TOK_LBRACE:
			depth++;
			break;
		case DCONF_TOK_RBRACE:
			if (depth == 0)
				return fail(p, t.line, "expected '{' after 'skip', found '}'");
			if (--depth == 0)
				return 0;
			break;
		case DCONF_TOK_SEMI:
			if (depth == 0)
				return fail(p, t.line, "expected '{' after 'skip', found ';'");
			break;
		default:
			break;
		}
	}
}

/* Where else an unknown word would be valid, for a better message. */
static const char *elsewhere(const char *word, enum ctx ctx, int sec)
{
	for (int s = 0; s < DCONF_SEC_NR; s++)
		if ((ctx != CTX_SECTION || s != sec) &&
		    dconf_opt_lookup((enum dconf_sec)s, word) >= 0)
			return dconf_sec_name((enum dconf_sec)s);
	return NULL;
}

static void unknown_keyword(struct parser *p, const struct dconf_token *t,
			    const char *where, const char *const *cands,
			    enum ctx ctx, int sec)
{
	const char *sug = dconf_suggest(t->text, cands);
	const char *other = elsewhere(t->text, ctx, sec);
	struct dconf_loc loc = loc_at(p, t->line);

	if (other)
		dconf_error(p->cfg, loc, "'%s' is not valid %s: it belongs in the %s section",
			    t->text, where, other);
	else if (sug)
		dconf_error(p->cfg, loc, "unknown keyword '%s' %s; did you mean '%s'?",
			    t->text, where, sug);
	else
		dconf_error(p->cfg, loc, "unknown keyword '%s' %s", t->text, where);
}

static void set_twice(struct parser *p, unsigned line, const char *what,
		      struct dconf_loc first)
{
	dconf_error(p->cfg, loc_at(p, line), "%s is set twice (first at %s:%u)",
		    what, first.file ? first.file : "?", first.line);
}

/* ---- options ---------------------------------------------------------- */

static int parse_option(struct parser *p, struct dconf_optset *set,
			enum dconf_sec sec, bool in_syncer,
			const struct dconf_token *kw, const char *where,
			const char *const *cands)
{
	bool negate = false;
	int id = in_syncer ? -1 : dconf_opt_lookup(sec, kw->text);
	const struct dconf_optdef *d;
	struct dconf_value *v;
	struct dconf_token vt = { 0 };
	int64_t num = 0;
	char err[512];

	if (id < 0)
		id = dconf_opt_alias(sec, in_syncer, kw->text, &negate);
	if (id < 0 && in_syncer && elsewhere(kw->text, CTX_TOP, -1)) {
		dconf_error(p->cfg, loc_at(p, kw->line),
			    "'%s' is DRBD 8.4 syntax: write it in the %s section (a syncer section takes the 8.3 names)",
			    kw->text, elsewhere(kw->text, CTX_TOP, -1));
		return skip_statement(p);
	}
	if (id < 0) {
		unknown_keyword(p, kw, where, cands, CTX_SECTION, sec);
		return skip_statement(p);
	}
	d = &dconf_optdefs[id];
	vt = peek(p);
	if (vt.type == DCONF_TOK_ERROR)
		return -1;
	if (vt.type == DCONF_TOK_SEMI && d->type == DCONF_T_BOOL) {
		num = negate ? 0 : 1;
	} else if (negate) {
		dconf_error(p->cfg, loc_at(p, kw->line), "'%s' takes no value",
			    kw->text);
		return skip_statement(p);
	} else if (!is_value(&vt)) {
		dconf_error(p->cfg, loc_at(p, kw->line), "'%s' needs a value",
			    kw->text);
		return skip_statement(p);
	} else {
		next(p);
		if (dconf_opt_parse((enum dconf_opt)id, vt.text, &num, err,
				    sizeof(err)) != 0) {
			dconf_error(p->cfg, loc_at(p, vt.line),
				    "bad value for '%s': %s", kw->text, err);
			return skip_statement(p);
		}
	}
	if (expect_semi(p) != 0)
		return -1;
	v = &set->v[id];
	if (v->set) {
		char what[96];

		snprintf(what, sizeof(what), "'%s'", d->name);
		set_twice(p, kw->line, what, v->loc);
		return 0;
	}
	v->set = true;
	v->num = num;
	v->str = (d->type == DCONF_T_INT || d->type == DCONF_T_BOOL ||
		  d->type == DCONF_T_ENUM) ? NULL : vt.text;
	v->loc = loc_at(p, kw->line);
	return 0;
}

/* "net { ... }", "disk { ... }", ..., and "syncer { ... }" (8.3). */
static int parse_section(struct parser *p, struct dconf_optset *set,
			 enum dconf_sec sec, bool syncer)
{
	const char *names[DCONF_O_NR + 2];
	size_t n = syncer ? dconf_syncer_option_names(names, DCONF_O_NR) :
			    dconf_sec_option_names(sec, names, DCONF_O_NR);
	unsigned open_line = p->last_line;
	const char *sname = syncer ? "syncer" : dconf_sec_name(sec);
	const char *where = dconf_arena_printf(p->cfg->arena, "in the %s section",
					       sname);

	names[n] = "skip";
	names[n + 1] = NULL;
	if (expect_lbrace(p, dconf_arena_printf(p->cfg->arena, "'%s'", sname)) != 0)
		return -1;
	for (;;) {
		struct dconf_token t = next(p);

		if (t.type == DCONF_TOK_RBRACE)
			return 0;
		if (t.type == DCONF_TOK_SEMI)
			continue;
		if (t.type == DCONF_TOK_EOF)
			return fail(p, open_line,
				    "'%s' section is not closed: missing '}' before the end of the file",
				    sname);
		if (t.type != DCONF_TOK_WORD)
			return unexpected(p, &t, "an option name or '}'");
		if ((opens_outer_block(t.text, CTX_SECTION) &&
		     peek(p).type != DCONF_TOK_SEMI) ||
		    (strcmp(t.text, "disk") == 0 && peek(p).type == DCONF_TOK_LBRACE))
			return missing_rbrace(p, &t, dconf_arena_printf(p->cfg->arena,
					      "the '%s' section", sname), open_line);
		if (strcmp(t.text, "skip") == 0) {
			if (parse_skip(p) != 0)
				return -1;
			continue;
		}
		if (parse_option(p, set, sec, syncer, &t, where, names) != 0)
			return -1;
		if (p->cfg->truncated)
			return -1;
	}
}

/* "protocol C;" at resource or common level: the net option. */
static int parse_protocol(struct parser *p, struct dconf_optset *set,
			  const struct dconf_token *kw)
{
	return parse_option(p, set, DCONF_SEC_NET, false, kw, "", NULL);
}

/* ---- volumes ---------------------------------------------------------- */

static bool parse_uint(const char *s, long max, long *out)
{
	long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static const char *check_path(struct parser *p, const struct dconf_token *t,
			      const char *what)
{
	if (!is_value(t)) {
		unexpected(p, t, dconf_arena_printf(p->cfg->arena,
				"the %s path", what));
		return NULL;
	}
	if (t->text[0] != '/' || strlen(t->text) > DUET_PATH_MAX ||
	    strcmp(t->text, "/") == 0) {
		dconf_error(p->cfg, loc_at(p, t->line),
			    "%s '%.80s' is not an absolute device path", what,
			    t->text);
		return "";	/* reported; keep the structure going */
	}
	return t->text;
}

/* The minor of /dev/drbdN or /dev/duetN, or -1. */
static int minor_from_path(const char *path)
{
	static const char *const prefixes[] = { "/dev/drbd", "/dev/duet" };
	long v;

	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(path, prefixes[i], n) == 0 &&
		    (path[n] != '0' || path[n + 1] == '\0') &&
		    parse_uint(path + n, DUET_MINOR_MAX, &v))
			return (int)v;
	}
	return -1;
}

static struct dconf_volume *get_volume(struct parser *p,
				       struct dconf_volume **vols, size_t *n,
				       size_t *cap, unsigned vnr,
				       unsigned line)
{
	struct dconf_volume *v;

	for (size_t i = 0; i < *n; i++)
		if ((*vols)[i].vnr == vnr)
			return &(*vols)[i];
	v = dconf_arena_push(p->cfg->arena, (void **)vols, n, cap, sizeof(*v));
	v->vnr = vnr;
	v->minor = -1;
	v->meta_index = -1;
	v->loc = loc_at(p, line);
	return v;
}

static int parse_device(struct parser *p, struct dconf_volume *v,
			const struct dconf_token *kw)
{
	struct dconf_token t = next(p);
	const char *path = NULL;
	long minor = -1;
	bool bad = false, has_minor = true;

	if (is_word(&t, "minor")) {
		t = next(p);
	} else {
		path = check_path(p, &t, "device");
		if (!path)
			return -1;
		bad = !*path;
		t = peek(p);
		if (is_word(&t, "minor")) {
			next(p);
			t = next(p);
		} else {
			has_minor = false;
		}
	}
	if (t.type == DCONF_TOK_ERROR)
		return -1;
	if (has_minor) {
		if (!is_value(&t))
			return unexpected(p, &t, "a minor number");
		if (!parse_uint(t.text, DUET_MINOR_MAX, &minor)) {
			dconf_error(p->cfg, loc_at(p, t.line),
				    "bad minor number '%.40s': expected 0..%d",
				    t.text, DUET_MINOR_MAX);
			bad = true;
		}
	} else if (!bad) {
		minor = minor_from_path(path);
		if (minor < 0) {
			dconf_error(p->cfg, loc_at(p, kw->line),
				    "cannot tell the minor number of '%.80s': write 'device %.80s minor N;'",
				    path, path);
			bad = true;
		}
	}
	if (expect_semi(p) != 0)
		return -1;
	if (v->has_device) {
		set_twice(p, kw->line, "'device'", v->device_loc);
		return 0;
	}
	if (bad)
		return 0;
	v->has_device = true;
	v->device = path;
	v->minor = (int)minor;
	v->device_loc = loc_at(p, kw->line);
	return 0;
}

static int parse_disk(struct parser *p, struct dconf_volume *v,
		      const struct dconf_token *kw)
{
	struct dconf_token t = next(p);
	const char *path = check_path(p, &t, "disk");

	if (!path || expect_semi(p) != 0)
		return -1;
	if (v->disk) {
		set_twice(p, kw->line, "'disk'", v->disk_loc);
		return 0;
	}
	if (!*path)
		return 0;
	v->disk = path;
	v->disk_loc = loc_at(p, kw->line);
	return 0;
}

/* meta-disk internal | DEV | DEV[IDX] | DEV [IDX]; flexible-: no index */
static int parse_meta_disk(struct parser *p, struct dconf_volume *v,
			   const struct dconf_token *kw, bool flexible)
{
	struct dconf_token t = next(p);
	enum dconf_md_kind kind;
	const char *path = NULL;
	long idx = -1;
	bool bad = false;

	if (is_word(&t, "internal")) {
		kind = DCONF_MD_INTERNAL;
	} else {
		path = check_path(p, &t, "meta-disk");
		if (!path)
			return -1;
		bad = !*path;
		kind = DCONF_MD_FLEXIBLE;
	}
	t = peek(p);
	if (t.type == DCONF_TOK_LBRACKET) {
		next(p);
		t = next(p);
		if (!is_value(&t))
			return unexpected(p, &t, "a meta-data index");
		if (!parse_uint(t.text, 65535, &idx)) {
			dconf_error(p->cfg, loc_at(p, t.line),
				    "bad meta-data index '%.40s': expected 0..65535",
				    t.text);
			bad = true;
		}
		t = next(p);
		if (t.type != DCONF_TOK_RBRACKET)
			return unexpected(p, &t, "']'");
		if (kind == DCONF_MD_INTERNAL || flexible) {
			dconf_error(p->cfg, loc_at(p, kw->line),
				    "%s takes no index",
				    flexible ? "'flexible-meta-disk'" :
				    "'meta-disk internal'");
			bad = true;
		}
		kind = DCONF_MD_INDEXED;
	}
	if (expect_semi(p) != 0)
		return -1;
	if (v->md_kind != DCONF_MD_UNSET) {
		set_twice(p, kw->line, "'meta-disk'", v->md_loc);
		return 0;
	}
	if (bad)
		return 0;
	v->md_kind = kind;
	v->meta_disk = path;
	v->meta_index = kind == DCONF_MD_INDEXED ? (int)idx : -1;
	v->md_loc = loc_at(p, kw->line);
	return 0;
}

static int parse_section(struct parser *p, struct dconf_optset *set,
			 enum dconf_sec sec, bool syncer);

/* "disk { }" inside a host or volume: disk options for it alone. */
static int parse_local_disk_section(struct parser *p, struct dconf_optset **set)
{
	if (!*set)
		*set = dconf_arena_zalloc(p->cfg->arena, sizeof(**set));
	return parse_section(p, *set, DCONF_SEC_DISK, false);
}

/* One statement of a volume; 1 if KW is not a volume statement. */
static int volume_statement(struct parser *p, struct dconf_volume *v,
			    const struct dconf_token *kw)
{
	if (strcmp(kw->text, "disk") == 0 && peek(p).type == DCONF_TOK_LBRACE)
		return parse_local_disk_section(p, &v->opts);
	if (strcmp(kw->text, "device") == 0)
		return parse_device(p, v, kw);
	if (strcmp(kw->text, "disk") == 0)
		return parse_disk(p, v, kw);
	if (strcmp(kw->text, "meta-disk") == 0)
		return parse_meta_disk(p, v, kw, false);
	if (strcmp(kw->text, "flexible-meta-disk") == 0)
		return parse_meta_disk(p, v, kw, true);
	return 1;
}

/* "volume N { ... }" into the list VOLS. */
static int parse_volume(struct parser *p, struct dconf_volume **vols,
			size_t *n, size_t *cap, const struct dconf_token *kw)
{
	struct dconf_token t = next(p);
	struct dconf_volume *v, scratch;
	long vnr;
	bool dup = false;

	if (!is_value(&t))
		return unexpected(p, &t, "a volume number");
	if (!parse_uint(t.text, 65535, &vnr)) {
		dconf_error(p->cfg, loc_at(p, t.line),
			    "bad volume number '%.40s': expected 0..65535", t.text);
		vnr = -1;
	}
	for (size_t i = 0; vnr >= 0 && i < *n; i++)
		if ((*vols)[i].vnr == (unsigned)vnr) {
			dconf_error(p->cfg, loc_at(p, kw->line),
				    "volume %ld is defined twice (first at %s:%u)",
				    vnr, (*vols)[i].loc.file, (*vols)[i].loc.line);
			dup = true;
		}
	if (vnr < 0 || dup) {
		memset(&scratch, 0, sizeof(scratch));	/* parse, then drop */
		v = &scratch;
	} else {
		v = get_volume(p, vols, n, cap, (unsigned)vnr, kw->line);
	}
	if (expect_lbrace(p, "the volume number") != 0)
		return -1;
	for (;;) {
		int r;

		t = next(p);
		if (t.type == DCONF_TOK_RBRACE)
			return 0;
		if (t.type == DCONF_TOK_SEMI)
			continue;
		if (t.type == DCONF_TOK_EOF)
			return fail(p, kw->line,
				    "'volume' is not closed: missing '}' before the end of the file");
		if (t.type != DCONF_TOK_WORD)
			return unexpected(p, &t, "a volume statement or '}'");
		if (opens_outer_block(t.text, CTX_VOLUME))
			return missing_rbrace(p, &t, "the 'volume' block", kw->line);
		if (strcmp(t.text, "skip") == 0) {
			if (parse_skip(p) != 0)
				return -1;
			continue;
		}
		r = volume_statement(p, v, &t);
		if (r < 0)
			return -1;
		if (r > 0) {
			unknown_keyword(p, &t, "in a volume", kw_volume,
					CTX_VOLUME, -1);
			if (skip_statement(p) != 0)
				return -1;
		}
	}
}

/*
 * A volume statement directly in a host or resource applies to volume 0;
 * it must not be mixed with an explicit "volume 0 { }".
 */
static struct dconf_volume *implicit_volume(struct parser *p,
					    struct dconf_volume **vols,
					    size_t *n, size_t *cap,
					    bool *explicit0, unsigned line)
{
	if (*explicit0) {
		dconf_error(p->cfg, loc_at(p, line),
			    "statement outside 'volume 0 { }' although volume 0 is given as a block");
		return NULL;
	}
	return get_volume(p, vols, n, cap, 0, line);
}

/* ---- addresses, hosts ------------------------------------------------- */

/* [ipv4|ipv6] ADDR:PORT, or [ipv6] [ADDR]:PORT; no ';' */
static int parse_address(struct parser *p, struct dconf_addr *a, unsigned kwline)
{
	struct dconf_token t = next(p);
	const char *af_kw = NULL, *ip, *port_s;
	char ipbuf[64];
	long port;
	bool bracket = false, bad = false;
	int af;

	if (t.type == DCONF_TOK_WORD &&
	    (strcmp(t.text, "ipv4") == 0 || strcmp(t.text, "ipv6") == 0 ||
	     strcmp(t.text, "ssocks") == 0 || strcmp(t.text, "sdp") == 0 ||
	     strcmp(t.text, "sci") == 0)) {
		af_kw = t.text;
		if (strcmp(af_kw, "ipv4") != 0 && strcmp(af_kw, "ipv6") != 0) {
			dconf_error(p->cfg, loc_at(p, t.line),
				    "address family '%s' is not supported by duet (use ipv4 or ipv6)",
				    af_kw);
			bad = true;
		}
		t = next(p);
	}
	if (t.type == DCONF_TOK_LBRACKET) {
		bracket = true;
		t = next(p);
		if (t.type != DCONF_TOK_WORD)
			return unexpected(p, &t, "an IPv6 address");
		ip = t.text;
		t = next(p);
		if (t.type != DCONF_TOK_RBRACKET)
			return unexpected(p, &t, "']' after the IPv6 address");
		t = next(p);
		if (t.type != DCONF_TOK_WORD || t.text[0] != ':')
			return unexpected(p, &t, "':PORT' after the address");
		port_s = t.text + 1;
	} else if (is_value(&t)) {
		const char *colon = strrchr(t.text, ':');

		if (!colon)
			return fail(p, t.line,
				    "address '%.60s' has no port: write ADDRESS:PORT (e.g. 10.0.0.1:7788)",
				    t.text);
		if (memchr(t.text, ':', (size_t)(colon - t.text))) {
			dconf_error(p->cfg, loc_at(p, t.line),
				    "IPv6 addresses are written in brackets: ipv6 [ADDRESS]:PORT");
			bad = true;
			ip = "";
		} else {
			ip = dconf_arena_strndup(p->cfg->arena, t.text,
						 (size_t)(colon - t.text));
		}
		port_s = colon + 1;
	} else {
		return unexpected(p, &t, "an address (ADDRESS:PORT)");
	}
	if (bad)
		return 0;
	af = (af_kw ? strcmp(af_kw, "ipv6") == 0 : bracket) ? AF_INET6 : AF_INET;
	if (af == AF_INET6 && !bracket) {
		dconf_error(p->cfg, loc_at(p, t.line),
			    "IPv6 addresses are written in brackets: ipv6 [ADDRESS]:PORT");
		return 0;
	}
	if (af == AF_INET && bracket) {
		dconf_error(p->cfg, loc_at(p, t.line),
			    "brackets are for IPv6 addresses; write 'ipv6 [%.60s]:PORT' or an IPv4 address",
			    ip);
		return 0;
	}
	if (strlen(ip) >= sizeof(ipbuf) ||
	    inet_pton(af, ip, a->bin) != 1) {
		dconf_error(p->cfg, loc_at(p, t.line), "'%.60s' is not an %s address",
			    ip, af == AF_INET ? "IPv4" : "IPv6");
		return 0;
	}
	if (!parse_uint(port_s, 65535, &port) || port == 0) {
		dconf_error(p->cfg, loc_at(p, t.line),
			    "bad port '%.20s': expected 1..65535", port_s);
		return 0;
	}
	inet_ntop(af, a->bin, ipbuf, sizeof(ipbuf));
	a->af = af == AF_INET ? DCONF_AF_IPV4 : DCONF_AF_IPV6;
	a->ip = dconf_arena_strdup(p->cfg->arena, ipbuf);
	a->port = (uint16_t)port;
	a->loc = loc_at(p, kwline);
	return 0;
}

static int section_of(const char *w);

static int parse_host_body(struct parser *p, struct dconf_host *h, bool floating)
{
	bool explicit0 = false;

	if (expect_lbrace(p, floating ? "the floating address" : "the host name") != 0)
		return -1;
	for (;;) {
		struct dconf_token t = next(p);
		struct dconf_volume *v;
		int r;

		if (t.type == DCONF_TOK_RBRACE)
			return 0;
		if (t.type == DCONF_TOK_SEMI)
			continue;
		if (t.type == DCONF_TOK_EOF)
			return fail(p, h->loc.line,
				    "'%s %s' section is not closed: missing '}' before the end of the file",
				    floating ? "floating" : "on", h->name);
		if (t.type != DCONF_TOK_WORD)
			return unexpected(p, &t, "a host statement or '}'");
		if (opens_outer_block(t.text, CTX_HOST))
			return missing_rbrace(p, &t, dconf_arena_printf(p->cfg->arena,
					      "'%s %s'", floating ? "floating" : "on",
					      h->name), h->loc.line);
		if (strcmp(t.text, "skip") == 0) {
			r = parse_skip(p);
		} else if (strcmp(t.text, "volume") == 0) {
			size_t before = h->nvols;

			r = parse_volume(p, &h->vols, &h->nvols, &h->vcap, &t);
			if (h->nvols > before && h->vols[h->nvols - 1].vnr == 0)
				explicit0 = true;
		} else if (strcmp(t.text, "address") == 0) {
			if (floating) {
				dconf_error(p->cfg, loc_at(p, t.line),
					    "a floating section has its address in its header");
				r = skip_statement(p);
			} else {
				struct dconf_addr a = { 0 };

				r = parse_address(p, &a, t.line);
				if (r == 0)
					r = expect_semi(p);
				if (r == 0 && a.af != DCONF_AF_NONE) {
					if (h->addr.af != DCONF_AF_NONE)
						set_twice(p, t.line, "'address'", h->addr.loc);
					else
						h->addr = a;
				}
			}
		} else if (strcmp(t.text, "disk") == 0 &&
			   peek(p).type == DCONF_TOK_LBRACE) {
			r = parse_local_disk_section(p, &h->opts);
		} else if ((section_of(t.text) >= 0 && strcmp(t.text, "disk") != 0) ||
			   strcmp(t.text, "syncer") == 0) {
			dconf_error(p->cfg, loc_at(p, t.line),
				    "a '%s' section belongs in the resource or in common; a host section takes only disk options",
				    t.text);
			r = skip_statement(p);
		} else {
			v = NULL;
			r = 1;
			if (strcmp(t.text, "device") == 0 || strcmp(t.text, "disk") == 0 ||
			    strcmp(t.text, "meta-disk") == 0 ||
			    strcmp(t.text, "flexible-meta-disk") == 0) {
				v = implicit_volume(p, &h->vols, &h->nvols, &h->vcap,
						    &explicit0, t.line);
				if (!v)
					r = skip_statement(p);
				else
					r = volume_statement(p, v, &t);
			}
			if (r > 0) {
				unknown_keyword(p, &t, floating ? "in a floating section" :
						"in an 'on' section", kw_host, CTX_HOST, -1);
				r = skip_statement(p);
			}
		}
		if (r < 0 || p->cfg->truncated)
			return -1;
	}
}

static struct dconf_host *new_host(struct parser *p, struct dconf_resource *r,
				   const char *name, unsigned line)
{
	struct dconf_host *h;

	for (size_t i = 0; i < r->nhosts; i++)
		if (strcmp(r->hosts[i].name, name) == 0)
			dconf_error(p->cfg, loc_at(p, line),
				    "host '%s' appears twice in resource '%s' (first at %s:%u)",
				    name, r->name, r->hosts[i].loc.file,
				    r->hosts[i].loc.line);
	h = dconf_arena_push(p->cfg->arena, (void **)&r->hosts, &r->nhosts,
			     &r->hcap, sizeof(*h));
	h->name = name;
	h->loc = loc_at(p, line);
	return h;
}

static int parse_on(struct parser *p, struct dconf_resource *r,
		    const struct dconf_token *kw)
{
	struct dconf_token t = next(p);
	const char *name = "";

	if (!is_value(&t))
		return unexpected(p, &t, "a host name after 'on'");
	if (!dconf_is_name(t.text) || strlen(t.text) > 255)
		dconf_error(p->cfg, loc_at(p, t.line), "'%.80s' is not a valid host name",
			    t.text);
	else
		name = t.text;
	t = peek(p);
	if (t.type == DCONF_TOK_WORD)
		return fail(p, t.line,
			    "'on' takes one host name, found %s too (duet replicates between exactly two hosts)",
			    dconf_tok_describe(p->lx, &t));
	return parse_host_body(p, new_host(p, r, name, kw->line), false);
}

static int parse_floating(struct parser *p, struct dconf_resource *r,
			  const struct dconf_token *kw)
{
	struct dconf_addr a = { 0 };
	char buf[80];
	struct dconf_host *h;

	if (parse_address(p, &a, kw->line) != 0)
		return -1;
	if (a.af != DCONF_AF_NONE)
		dconf_addr_format(&a, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "(bad address)");
	h = new_host(p, r, dconf_arena_strdup(p->cfg->arena, buf), kw->line);
	h->floating = true;
	h->addr = a;
	return parse_host_body(p, h, true);
}

/* ---- resource, common, global ----------------------------------------- */

static int section_of(const char *w)
{
	static const struct { const char *name; enum dconf_sec sec; } map[] = {
		{ "net", DCONF_SEC_NET }, { "disk", DCONF_SEC_DISK },
		{ "startup", DCONF_SEC_STARTUP }, { "handlers", DCONF_SEC_HANDLERS },
		{ "options", DCONF_SEC_OPTIONS },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, w) == 0)
			return (int)map[i].sec;
	return -1;
}

/*
 * Statements that common and resource share: protocol and the option
 * sections. Returns 1 when KW is not one of them.
 */
static int shared_statement(struct parser *p, struct dconf_optset *set,
			    const struct dconf_token *kw)
{
	int sec;

	if (strcmp(kw->text, "protocol") == 0)
		return parse_protocol(p, set, kw);
	if (strcmp(kw->text, "syncer") == 0)
		return parse_section(p, set, DCONF_SEC_DISK, true);
	if (strcmp(kw->text, "skip") == 0)
		return parse_skip(p);
	sec = section_of(kw->text);
	if (sec < 0)
		return 1;
	if (sec == DCONF_SEC_DISK && peek(p).type != DCONF_TOK_LBRACE)
		return 1;	/* "disk /dev/x;" */
	return parse_section(p, set, (enum dconf_sec)sec, false);
}

/* Volume statements given at resource level fill what hosts leave out. */
static void resolve_volumes(struct parser *p, struct dconf_resource *r)
{
	for (size_t h = 0; h < r->nhosts; h++) {
		struct dconf_host *host = &r->hosts[h];

		for (size_t i = 0; i < r->nvols; i++) {
			const struct dconf_volume *rv = &r->vols[i];
			struct dconf_volume *hv = NULL;

			for (size_t j = 0; j < host->nvols; j++)
				if (host->vols[j].vnr == rv->vnr)
					hv = &host->vols[j];
			if (!hv) {
				hv = get_volume(p, &host->vols, &host->nvols,
						&host->vcap, rv->vnr, rv->loc.line);
				*hv = *rv;
				continue;
			}
			if (!hv->has_device && rv->has_device) {
				hv->has_device = true;
				hv->device = rv->device;
				hv->minor = rv->minor;
				hv->device_loc = rv->device_loc;
			}
			if (!hv->disk && rv->disk) {
				hv->disk = rv->disk;
				hv->disk_loc = rv->disk_loc;
			}
			if (hv->md_kind == DCONF_MD_UNSET && rv->md_kind != DCONF_MD_UNSET) {
				hv->md_kind = rv->md_kind;
				hv->meta_disk = rv->meta_disk;
				hv->meta_index = rv->meta_index;
				hv->md_loc = rv->md_loc;
			}
			if (rv->opts) {
				/* the host's volume wins; options are per volume */
				struct dconf_optset *m = dconf_arena_zalloc(p->cfg->arena,
									    sizeof(*m));

				*m = *rv->opts;
				for (int o = 0; hv->opts && o < DCONF_O_NR; o++)
					if (hv->opts->v[o].set)
						m->v[o] = hv->opts->v[o];
				hv->opts = m;
			}
		}
	}
}

static int parse_resource(struct parser *p, const struct dconf_token *kw)
{
	struct dconf_token t = next(p);
	struct dconf_resource *r;
	const char *name = "";
	bool explicit0 = false;

	if (t.type == DCONF_TOK_LBRACE)
		return fail(p, t.line, "missing resource name after 'resource'");
	if (!is_value(&t))
		return unexpected(p, &t, "a resource name");
	if (!dconf_is_name(t.text) || strlen(t.text) > DUET_NAME_MAX)
		dconf_error(p->cfg, loc_at(p, t.line),
			    "'%.80s' is not a valid resource name (letters, digits, and / _ . -; at most %d)",
			    t.text, DUET_NAME_MAX);
	else if (strcmp(t.text, "all") == 0)
		dconf_error(p->cfg, loc_at(p, t.line),
			    "'all' cannot be a resource name: it means every resource on the command line");
	else
		name = t.text;
	if (*name) {
		const struct dconf_resource *old = dconf_find_resource(p->cfg, name);

		if (old)
			dconf_error(p->cfg, loc_at(p, t.line),
				    "resource '%s' is defined twice (first at %s:%u)",
				    name, old->loc.file, old->loc.line);
	}
	r = dconf_arena_push(p->cfg->arena, (void **)&p->cfg->res, &p->cfg->nres,
			     &p->cfg->rcap, sizeof(*r));
	r->name = name;
	r->loc = loc_at(p, kw->line);
	r->local = r->peer = -1;
	if (expect_lbrace(p, "the resource name") != 0)
		return -1;
	for (;;) {
		int rc;

		t = next(p);
		if (t.type == DCONF_TOK_RBRACE)
			break;
		if (t.type == DCONF_TOK_SEMI)
			continue;
		if (t.type == DCONF_TOK_EOF)
			return fail(p, kw->line,
				    "resource '%s' is not closed: missing '}' before the end of the file",
				    name);
		if (t.type != DCONF_TOK_WORD)
			return unexpected(p, &t, "a resource statement or '}'");
		if (opens_outer_block(t.text, CTX_RESOURCE))
			return missing_rbrace(p, &t, dconf_arena_printf(p->cfg->arena,
					      "resource '%s'", name), kw->line);
		rc = shared_statement(p, &r->opts, &t);
		if (rc > 0) {
			if (strcmp(t.text, "on") == 0) {
				rc = parse_on(p, r, &t);
			} else if (strcmp(t.text, "floating") == 0) {
				rc = parse_floating(p, r, &t);
			} else if (strcmp(t.text, "volume") == 0) {
				size_t before = r->nvols;

				rc = parse_volume(p, &r->vols, &r->nvols, &r->vcap, &t);
				if (r->nvols > before && r->vols[r->nvols - 1].vnr == 0)
					explicit0 = true;
			} else if (strcmp(t.text, "stacked-on-top-of") == 0) {
				dconf_error(p->cfg, loc_at(p, t.line),
					    "stacked resources are not supported by duet");
				rc = skip_statement(p);
			} else if (strcmp(t.text, "address") == 0) {
				dconf_error(p->cfg, loc_at(p, t.line),
					    "'address' belongs in an 'on HOST' section");
				rc = skip_statement(p);
			} else {
				struct dconf_volume *v = NULL;

				if (strcmp(t.text, "device") == 0 ||
				    strcmp(t.text, "disk") == 0 ||
				    strcmp(t.text, "meta-disk") == 0 ||
				    strcmp(t.text, "flexible-meta-disk") == 0)
					v = implicit_volume(p, &r->vols, &r->nvols,
							    &r->vcap, &explicit0, t.line);
				rc = v ? volume_statement(p, v, &t) : 1;
				if (rc > 0) {
					unknown_keyword(p, &t, "in a resource",
							kw_resource, CTX_RESOURCE, -1);
					rc = skip_statement(p);
				}
			}
		}
		if (rc < 0 || p->cfg->truncated)
			return -1;
	}
	resolve_volumes(p, r);
	return 0;
}

static int parse_common(struct parser *p, const struct dconf_token *kw)
{
	if (p->cfg->common_loc.file)
		dconf_error(p->cfg, loc_at(p, kw->line),
			    "second 'common' section (first at %s:%u)",
			    p->cfg->common_loc.file, p->cfg->common_loc.line);
	else
		p->cfg->common_loc = loc_at(p, kw->line);
	if (expect_lbrace(p, "'common'") != 0)
		return -1;
	for (;;) {
		struct dconf_token t = next(p);
		int rc;

		if (t.type == DCONF_TOK_RBRACE)
			return 0;
		if (t.type == DCONF_TOK_SEMI)
			continue;
		if (t.type == DCONF_TOK_EOF)
			return fail(p, kw->line,
				    "'common' section is not closed: missing '}' before the end of the file");
		if (t.type != DCONF_TOK_WORD)
			return unexpected(p, &t, "a section or '}'");
		if (opens_outer_block(t.text, CTX_COMMON))
			return missing_rbrace(p, &t, "the 'common' section", kw->line);
		rc = shared_statement(p, &p->cfg->common, &t);
		if (rc > 0) {
			if (strcmp(t.text, "on") == 0 || strcmp(t.text, "device") == 0 ||
			    strcmp(t.text, "disk") == 0 || strcmp(t.text, "meta-disk") == 0 ||
			    strcmp(t.text, "volume") == 0 || strcmp(t.text, "address") == 0)
				dconf_error(p->cfg, loc_at(p, t.line),
					    "'%s' is not allowed in common: it belongs in a resource",
					    t.text);
			else
				unknown_keyword(p, &t, "in common", kw_common,
						CTX_COMMON, -1);
			rc = skip_statement(p);
		}
		if (rc < 0 || p->cfg->truncated)
			return -1;
	}
}

static int parse_global(struct parser *p, const struct dconf_token *kw)
{
	if (p->cfg->global_loc.file)
		dconf_error(p->cfg, loc_at(p, kw->line),
			    "second 'global' section (first at %s:%u)",
			    p->cfg->global_loc.file, p->cfg->global_loc.line);
	else
		p->cfg->global_loc = loc_at(p, kw->line);
	return parse_section(p, &p->cfg->global, DCONF_SEC_GLOBAL, false);
}

/* ---- files and includes ----------------------------------------------- */

static int parse_file(struct parser *p, const struct dconf_source *src);

static int parse_include(struct parser *p, const struct dconf_token *kw)
{
	struct dconf_token t = next(p);
	struct dconf_source *srcs = NULL;
	size_t n = 0;
	char err[512];
	struct dconf_lexer *saved = p->lx;
	unsigned saved_line;
	const char *saved_text;

	if (!is_value(&t))
		return unexpected(p, &t, "a file name or pattern after 'include'");
	if (expect_semi(p) != 0)
		return -1;
	if (!p->inc || !p->inc->open) {
		dconf_error(p->cfg, loc_at(p, kw->line),
			    "'include' is not available when parsing from memory");
		return 0;
	}
	if (p->inc->open(p->inc->ctx, t.text, p->lx->file, &srcs, &n, err,
			 sizeof(err)) != 0) {
		dconf_error(p->cfg, loc_at(p, kw->line), "include \"%s\": %s",
			    t.text, err);
		return 0;
	}
	for (size_t i = 0; i < n && !p->cfg->truncated; i++) {
		bool loop = false;

		for (size_t d = 0; d < p->depth; d++)
			if (strcmp(p->stack[d], srcs[i].id) == 0)
				loop = true;
		if (loop) {
			dconf_error(p->cfg, loc_at(p, kw->line),
				    "include loop: %s is already being read", srcs[i].name);
			continue;
		}
		if (p->depth >= DCONF_MAX_INCLUDE_DEPTH) {
			dconf_error(p->cfg, loc_at(p, kw->line),
				    "includes nest deeper than %d levels", DCONF_MAX_INCLUDE_DEPTH);
			break;
		}
		saved_line = p->last_line;
		saved_text = p->last_text;
		parse_file(p, &srcs[i]);
		p->lx = saved;
		p->last_line = saved_line;
		p->last_text = saved_text;
		p->fatal = false;	/* an error in the included file ends only it */
	}
	if (p->inc->release)
		p->inc->release(p->inc->ctx, srcs, n);
	return 0;
}

static int parse_top(struct parser *p)
{
	for (;;) {
		struct dconf_token t = next(p);
		int rc;

		if (t.type == DCONF_TOK_EOF)
			return 0;
		if (t.type == DCONF_TOK_ERROR)
			return -1;
		if (t.type == DCONF_TOK_SEMI) {
			dconf_warn(p->cfg, loc_at(p, t.line), "stray ';' ignored");
			continue;
		}
		if (t.type != DCONF_TOK_WORD)
			return unexpected(p, &t, "'global', 'common', 'resource' or 'include'");
		if (strcmp(t.text, "global") == 0)
			rc = parse_global(p, &t);
		else if (strcmp(t.text, "common") == 0)
			rc = parse_common(p, &t);
		else if (strcmp(t.text, "resource") == 0)
			rc = parse_resource(p, &t);
		else if (strcmp(t.text, "include") == 0)
			rc = parse_include(p, &t);
		else if (strcmp(t.text, "skip") == 0)
			rc = parse_skip(p);
		else {
			unknown_keyword(p, &t, "at the top level", kw_top, CTX_TOP, -1);
			rc = skip_statement(p);
		}
		if (rc < 0 || p->cfg->truncated)
			return -1;
	}
}

static int parse_file(struct parser *p, const struct dconf_source *src)
{
	struct dconf_lexer lx;
	const char *file = dconf_intern(p->cfg, src->name);

	dconf_lex_init(&lx, p->cfg, file, src->buf, src->len);
	p->lx = &lx;
	p->stack[p->depth++] = src->id ? src->id : src->name;
	p->fatal = false;
	p->last_line = 1;
	p->last_text = "the start of the file";
	parse_top(p);
	p->depth--;
	return p->fatal ? -1 : 0;
}

unsigned dconf_parse(struct dconf_config *cfg, const struct dconf_source *src,
		     const struct dconf_include_ops *inc)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	p.cfg = cfg;
	p.inc = inc;
	parse_file(&p, src);
	return cfg->nerrors;
}

unsigned dconf_parse_string(struct dconf_config *cfg, const char *name,
			    const char *text)
{
	struct dconf_source src = { name, name, text, strlen(text) };

	return dconf_parse(cfg, &src, NULL);
}
