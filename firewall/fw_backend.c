/*
 * fw_backend: apply, remove, status and check for iptables, ip6tables,
 * nft and firewalld (see fw_backend.h).
 */
#include "firewall/fw_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firewall/fw_exec.h"

/* ---- command lists ------------------------------------------------------ */

enum cond { C_ALWAYS, C_IF, C_UNLESS, C_WHILE };

struct step {
	enum cond cond;
	char **test;		/* C_IF, C_UNLESS, C_WHILE: run quietly first */
	char **cmd;
	char *input;		/* standard input of cmd, or NULL */
};

struct steps {
	struct step *v;
	size_t n, cap;
	bool oom;
};

static void argv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* A NULL-terminated copy of the strings FIRST, ... (up to NULL). */
static char **argv_dup(const char *first, ...)
{
	const char *a[FW_ARGV_MAX + 1];
	char **v;
	va_list ap;
	size_t n = 0, i;

	va_start(ap, first);
	for (const char *s = first; s && n < FW_ARGV_MAX; s = va_arg(ap, const char *))
		a[n++] = s;
	va_end(ap);
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i] = strdup(a[i]);
		if (!v[i]) {
			argv_free(v);
			return NULL;
		}
	}
	return v;
}

/* A NULL-terminated copy of A[0..N-1]. */
static char **argv_copy(const char *const *a, size_t n)
{
	char **v = calloc(n + 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i] = strdup(a[i]);
		if (!v[i]) {
			argv_free(v);
			return NULL;
		}
	}
	return v;
}

static void steps_add(struct steps *s, enum cond cond, char **test, char **cmd,
		      const char *input)
{
	struct step *nv;
	char *in = NULL;

	if (input && !(in = strdup(input)))
		goto oom;
	if (!cmd || (cond != C_ALWAYS && !test))
		goto oom;
	if (s->n == s->cap) {
		nv = realloc(s->v, (s->cap ? s->cap * 2 : 8) * sizeof(*nv));
		if (!nv)
			goto oom;
		s->v = nv;
		s->cap = s->cap ? s->cap * 2 : 8;
	}
	s->v[s->n++] = (struct step){ .cond = cond, .test = test, .cmd = cmd,
				      .input = in };
	return;
oom:
	s->oom = true;
	free(in);
	argv_free(test);
	argv_free(cmd);
}

static void steps_free(struct steps *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		argv_free(s->v[i].test);
		argv_free(s->v[i].cmd);
		free(s->v[i].input);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void print_step(FILE *f, const struct step *st)
{
	struct fw_buf b;
	size_t len;

	fw_buf_init(&b);
	switch (st->cond) {
	case C_ALWAYS:
		break;
	case C_IF:
	case C_UNLESS:
		fw_shell_argv(&b, (const char *const *)st->test);
		fw_buf_puts(&b, st->cond == C_IF ? " >/dev/null 2>&1 && "
						 : " >/dev/null 2>&1 || ");
		break;
	case C_WHILE:
		fw_buf_puts(&b, "while ");
		fw_shell_argv(&b, (const char *const *)st->test);
		fw_buf_puts(&b, " >/dev/null 2>&1; do ");
		break;
	}
	fw_shell_argv(&b, (const char *const *)st->cmd);
	if (st->input) {
		len = strlen(st->input);
		fw_buf_printf(&b, " <<'DUET_EOF'\n%s%sDUET_EOF", st->input,
			      len && st->input[len - 1] == '\n' ? "" : "\n");
	}
	if (st->cond == C_WHILE)
		fw_buf_puts(&b, "; done");
	fprintf(f, "%s\n", fw_buf_str(&b));
	fw_buf_free(&b);
}

static void print_indented(FILE *f, const char *text)
{
	const char *line = text, *end;

	while (*line) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		fprintf(f, "  %.*s\n", (int)(end - line), line);
		line = *end ? end + 1 : end;
	}
}

/* Says that tool ARGV0 could not be run. An FW_EXIT_ code. */
static int cannot_run(const char *argv0, int e, const struct fw_opts *o)
{
	if (e == ENOENT) {
		fprintf(o->err, "duet-firewall: %s: command not found; install the Debian package %s\n",
			argv0, fw_tool_package(argv0));
		return FW_EXIT_NO_TOOL;
	}
	fprintf(o->err, "duet-firewall: cannot run %s: %s\n", argv0, strerror(e));
	return FW_EXIT_ERROR;
}

/*
 * Runs ARGV with INPUT; its output into OUT (may be NULL). *STATUS gets
 * the exit status. Returns FW_EXIT_OK when it ran (whatever its status).
 */
static int run(char *const *argv, const char *input, struct fw_buf *out,
	       struct fw_buf *err, int *status, const struct fw_opts *o)
{
	struct fw_buf cmd;

	if (o->verbose) {
		fw_buf_init(&cmd);
		fw_shell_argv(&cmd, (const char *const *)argv);
		fprintf(o->err, "+ %s\n", fw_buf_str(&cmd));
		fw_buf_free(&cmd);
	}
	if (fw_run((const char *const *)argv, input, out, err, status) < 0)
		return cannot_run(argv[0], errno, o);
	return FW_EXIT_OK;
}

/* Runs CMD and reports a failure with its error output. */
static int run_checked(char *const *argv, const char *input,
		       const struct fw_opts *o)
{
	struct fw_buf out, err, cmd;
	int st, r;

	fw_buf_init(&out);
	fw_buf_init(&err);
	r = run(argv, input, &out, &err, &st, o);
	if (r == FW_EXIT_OK && st != 0) {
		fw_buf_init(&cmd);
		fw_shell_argv(&cmd, (const char *const *)argv);
		fprintf(o->err, "duet-firewall: %s failed (exit status %d)%s\n",
			fw_buf_str(&cmd), st, err.len || out.len ? ":" : "");
		print_indented(o->err, fw_buf_str(&err));
		print_indented(o->err, fw_buf_str(&out));
		fw_buf_free(&cmd);
		r = FW_EXIT_ERROR;
	}
	fw_buf_free(&out);
	fw_buf_free(&err);
	return r;
}

/* Runs TEST quietly: *OK = it exited 0. */
static int run_test(char *const *argv, bool *ok, const struct fw_opts *o)
{
	int st, r;

	r = run(argv, NULL, NULL, NULL, &st, o);
	*ok = r == FW_EXIT_OK && st == 0;
	return r;
}

static int steps_run(const struct steps *s, const struct fw_opts *o)
{
	const struct step *st;
	bool ok;
	size_t i;
	int r, guard;

	if (s->oom) {
		fprintf(o->err, "duet-firewall: out of memory\n");
		return FW_EXIT_ERROR;
	}
	for (i = 0; i < s->n; i++) {
		st = &s->v[i];
		if (o->dry_run) {
			print_step(o->out, st);
			continue;
		}
		for (guard = 0; guard < 100; guard++) {
			if (st->cond != C_ALWAYS) {
				r = run_test(st->test, &ok, o);
				if (r != FW_EXIT_OK)
					return r;
				if ((st->cond == C_UNLESS) == ok)
					break;
			}
			r = run_checked(st->cmd, st->input, o);
			if (r != FW_EXIT_OK)
				return r;
			if (st->cond != C_WHILE)
				break;
		}
	}
	return FW_EXIT_OK;
}

/* Runs a read-only query (also under --dry-run): its output in OUT. */
static int query(struct fw_buf *out, int *status, const struct fw_opts *o,
		 const char *first, ...)
{
	const char *a[FW_ARGV_MAX + 1];
	va_list ap;
	size_t n = 0;
	struct fw_buf err;
	int r;

	va_start(ap, first);
	for (const char *s = first; s && n < FW_ARGV_MAX; s = va_arg(ap, const char *))
		a[n++] = s;
	va_end(ap);
	a[n] = NULL;
	fw_buf_init(&err);
	r = run((char *const *)a, NULL, out, &err, status, o);
	fw_buf_free(&err);
	return r;
}

/* ---- comparing rule lists ------------------------------------------------- */

static bool has_line(const char *text, const char *line, size_t len)
{
	const char *p = text, *e;

	while (*p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && strncmp(p, line, len) == 0)
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* How many lines of TEXT are LINE. */
static size_t count_line(const char *text, const char *line)
{
	const char *p = text, *e;
	size_t n = 0, len = strlen(line);

	while (*p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && strncmp(p, line, len) == 0)
			n++;
		p = *e ? e + 1 : e;
	}
	return n;
}

/* Prints the lines of A missing from B with PREFIX. Returns how many. */
static size_t lines_missing(FILE *f, const char *a, const char *b,
			    const char *prefix)
{
	const char *p = a, *e;
	size_t n = 0;

	while (*p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (e > p && !has_line(b, p, (size_t)(e - p))) {
			fprintf(f, "  %s%.*s\n", prefix, (int)(e - p), p);
			n++;
		}
		p = *e ? e + 1 : e;
	}
	return n;
}

/*
 * Compares the loaded rule lines with the wanted ones; prints the
 * differences. FW_EXIT_OK when equal (same order), else FW_EXIT_DIFFERS.
 */
static int compare(const char *name, const char *wanted, const char *loaded,
		   const struct fw_opts *o)
{
	size_t miss, extra;

	if (strcmp(wanted, loaded) == 0)
		return FW_EXIT_OK;
	fprintf(o->out, "%s: loaded, but differs from the configuration:\n", name);
	miss = lines_missing(o->out, wanted, loaded, "missing: ");
	extra = lines_missing(o->out, loaded, wanted, "not in the configuration: ");
	if (!miss && !extra)
		fprintf(o->out, "  the rules are there, but in another order or more than once\n");
	return FW_EXIT_DIFFERS;
}

/* ---- state files ---------------------------------------------------------- */

static void state_path(const struct fw_opts *o, const char *name, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s/%s", o->state_dir ? o->state_dir : FW_STATE_DIR,
		 name);
}

/* Reads state file NAME into B; false when it does not exist. */
static bool state_read(const struct fw_opts *o, const char *name, struct fw_buf *b)
{
	char path[4096], chunk[4096];
	size_t n;
	FILE *f;

	state_path(o, name, path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return false;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fw_buf_printf(b, "%.*s", (int)n, chunk);
	fclose(f);
	return true;
}

/* Writes (or with TEXT NULL removes) state file NAME. An FW_EXIT_ code. */
static int state_write(const struct fw_opts *o, const char *name, const char *text)
{
	char path[4096], tmp[4200];
	const char *dir = o->state_dir ? o->state_dir : FW_STATE_DIR;
	FILE *f;

	if (o->dry_run)
		return FW_EXIT_OK;
	state_path(o, name, path, sizeof(path));
	if (!text) {
		if (unlink(path) < 0 && errno != ENOENT) {
			fprintf(o->err, "duet-firewall: cannot remove %s: %s\n", path, strerror(errno));
			return FW_EXIT_ERROR;
		}
		return FW_EXIT_OK;
	}
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(o->err, "duet-firewall: cannot create %s: %s\n", dir, strerror(errno));
		return FW_EXIT_ERROR;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		fprintf(o->err, "duet-firewall: cannot write %s: %s\n", path, strerror(errno));
		return FW_EXIT_ERROR;
	}
	return FW_EXIT_OK;
}

int fw_state_record(const enum fw_backend *be, size_t n, const struct fw_opts *o)
{
	struct fw_buf b;
	size_t i;
	int r;

	if (n == 0)
		return state_write(o, "backend", NULL);
	fw_buf_init(&b);
	for (i = 0; i < n; i++)
		fw_buf_printf(&b, "%s%s", i ? "," : "", fw_backend_name(be[i]));
	fw_buf_puts(&b, "\n");
	r = state_write(o, "backend", fw_buf_str(&b));
	fw_buf_free(&b);
	return r;
}

/* ---- detection -------------------------------------------------------------- */

static bool firewalld_running(const struct fw_opts *o)
{
	int st;

	if (!fw_have_tool("firewall-cmd"))
		return false;
	return query(NULL, &st, o, "firewall-cmd", "--state", NULL) == FW_EXIT_OK &&
	       st == 0;
}

static const char *const *tools_of(enum fw_backend be)
{
	static const char *const ipt[] = { "iptables", "iptables-restore", NULL };
	static const char *const ip6t[] = { "ip6tables", "ip6tables-restore", NULL };
	static const char *const nft[] = { "nft", NULL };
	static const char *const fwd[] = { "firewall-cmd", "firewall-offline-cmd", NULL };

	switch (be) {
	case FW_BE_IPTABLES:
		return ipt;
	case FW_BE_IP6TABLES:
		return ip6t;
	case FW_BE_NFT:
		return nft;
	default:
		return fwd;
	}
}

bool fw_be_installed(enum fw_backend be)
{
	const char *const *t;

	for (t = tools_of(be); *t; t++)
		if (!fw_have_tool(*t))
			return false;
	return true;
}

int fw_be_require(enum fw_backend be, bool need_running, const struct fw_opts *o)
{
	const char *const *t;

	for (t = tools_of(be); *t; t++) {
		if (!fw_have_tool(*t)) {
			fprintf(o->err, "duet-firewall: %s: command not found; install the Debian package %s\n",
				*t, fw_tool_package(*t));
			return FW_EXIT_NO_TOOL;
		}
	}
	if (be == FW_BE_FIREWALLD && need_running && !firewalld_running(o)) {
		fprintf(o->err, "duet-firewall: firewalld is not running (systemctl start firewalld, "
				"or choose another backend with --backend)\n");
		return FW_EXIT_NO_TOOL;
	}
	return FW_EXIT_OK;
}

void fw_state_backends(enum fw_backend *be, size_t *n, const struct fw_opts *o)
{
	struct fw_buf b;
	char *save, *tok;
	enum fw_backend x;
	size_t i;

	*n = 0;
	fw_buf_init(&b);
	if (state_read(o, "backend", &b) && b.s) {
		for (tok = strtok_r(b.s, ",\n", &save); tok && *n < FW_BE_NR;
		     tok = strtok_r(NULL, ",\n", &save)) {
			if (fw_backend_parse(tok, &x) < 0)
				continue;
			for (i = 0; i < *n && be[i] != x; i++)
				;
			if (i == *n)
				be[(*n)++] = x;
		}
	}
	fw_buf_free(&b);
}

int fw_detect(enum fw_backend *be, size_t *n, bool use_state,
	      const struct fw_opts *o)
{
	*n = 0;
	if (use_state) {
		fw_state_backends(be, n, o);
		if (*n)
			return FW_EXIT_OK;
	}
	if (firewalld_running(o)) {
		be[(*n)++] = FW_BE_FIREWALLD;
	} else if (fw_have_tool("nft")) {
		be[(*n)++] = FW_BE_NFT;
	} else if (fw_have_tool("iptables-restore") && fw_have_tool("iptables")) {
		be[(*n)++] = FW_BE_IPTABLES;
		if (fw_have_tool("ip6tables-restore") && fw_have_tool("ip6tables"))
			be[(*n)++] = FW_BE_IP6TABLES;
		else
			fprintf(o->err, "duet-firewall: warning: ip6tables is missing: IPv6 stays unfiltered\n");
	} else {
		fprintf(o->err, "duet-firewall: no firewall tool found: install the Debian package "
				"nftables (or iptables, or firewalld)\n");
		return FW_EXIT_NO_TOOL;
	}
	return FW_EXIT_OK;
}

/* ---- iptables / ip6tables ---------------------------------------------------- */

static const char *ipt_tool(enum fw_backend be)
{
	return be == FW_BE_IP6TABLES ? "ip6tables" : "iptables";
}

static const char *ipt_restore(enum fw_backend be)
{
	return be == FW_BE_IP6TABLES ? "ip6tables-restore" : "iptables-restore";
}

static int ipt_apply(enum fw_backend be, const struct fw_plan *p,
		     const struct fw_opts *o)
{
	const char *t = ipt_tool(be);
	struct fw_buf text;
	struct steps s = { 0 };
	int r;

	fw_buf_init(&text);
	if (fw_render(p, be, &text) < 0) {
		fw_buf_free(&text);
		return FW_EXIT_ERROR;
	}
	/* the chain line empties DUET-IN (or creates it); nothing else changes */
	steps_add(&s, C_ALWAYS, NULL, argv_dup(ipt_restore(be), "-w", "--noflush", NULL),
		  fw_buf_str(&text));
	steps_add(&s, C_UNLESS, argv_dup(t, "-w", "-C", "INPUT", "-j", FW_CHAIN, NULL),
		  argv_dup(t, "-w", "-I", "INPUT", "1", "-j", FW_CHAIN, NULL), NULL);
	r = steps_run(&s, o);
	steps_free(&s);
	fw_buf_free(&text);
	return r;
}

static int ipt_remove(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)p;
	const char *t = ipt_tool(be);
	struct steps s = { 0 };
	int r;

	steps_add(&s, C_WHILE, argv_dup(t, "-w", "-C", "INPUT", "-j", FW_CHAIN, NULL),
		  argv_dup(t, "-w", "-D", "INPUT", "-j", FW_CHAIN, NULL), NULL);
	steps_add(&s, C_IF, argv_dup(t, "-w", "-S", FW_CHAIN, NULL),
		  argv_dup(t, "-w", "-F", FW_CHAIN, NULL), NULL);
	steps_add(&s, C_IF, argv_dup(t, "-w", "-S", FW_CHAIN, NULL),
		  argv_dup(t, "-w", "-X", FW_CHAIN, NULL), NULL);
	r = steps_run(&s, o);
	steps_free(&s);
	return r;
}

/* The lines of TEXT that start with PREFIX, into OUT. */
static size_t grep_prefix(const char *text, const char *prefix, struct fw_buf *out)
{
	const char *p = text, *e;
	size_t n = 0, plen = strlen(prefix);

	while (*p) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) >= plen && strncmp(p, prefix, plen) == 0) {
			if (out)
				fw_buf_printf(out, "%.*s\n", (int)(e - p), p);
			n++;
		}
		p = *e ? e + 1 : e;
	}
	return n;
}

static int ipt_status(enum fw_backend be, const struct fw_plan *p,
		      const struct fw_opts *o)
{
	const char *t = ipt_tool(be);
	struct fw_buf out, loaded, wanted;
	size_t jumps;
	int st, r;

	fw_buf_init(&out);
	fw_buf_init(&loaded);
	fw_buf_init(&wanted);
	r = query(&out, &st, o, t, "-w", "-S", FW_CHAIN, NULL);
	if (r != FW_EXIT_OK)
		goto done;
	if (st != 0) {
		fprintf(o->out, "%s: not loaded (no chain %s)\n", t, FW_CHAIN);
		r = FW_EXIT_NOT_LOADED;
		goto done;
	}
	grep_prefix(fw_buf_str(&out), "-A " FW_CHAIN " ", &loaded);
	fw_buf_reset(&out);
	r = query(&out, &st, o, t, "-w", "-S", "INPUT", NULL);
	if (r != FW_EXIT_OK)
		goto done;
	jumps = count_line(fw_buf_str(&out), "-A INPUT -j " FW_CHAIN);
	if (fw_render_iptables_rules(p, be == FW_BE_IP6TABLES ? FW_IPV6 : FW_IPV4,
				     &wanted) < 0) {
		r = FW_EXIT_ERROR;
		goto done;
	}
	r = compare(t, fw_buf_str(&wanted), fw_buf_str(&loaded), o);
	if (jumps != 1) {
		if (r == FW_EXIT_OK)
			fprintf(o->out, "%s: loaded, but differs from the configuration:\n", t);
		fprintf(o->out, "  the jump from INPUT to %s is there %zu times, not once\n",
			FW_CHAIN, jumps);
		r = FW_EXIT_DIFFERS;
	}
	if (r == FW_EXIT_OK)
		fprintf(o->out, "%s: loaded, as configured (%zu rules in %s, jump from INPUT)\n",
			t, grep_prefix(fw_buf_str(&loaded), "-A ", NULL), FW_CHAIN);
done:
	fw_buf_free(&out);
	fw_buf_free(&loaded);
	fw_buf_free(&wanted);
	return r;
}

static int ipt_check(enum fw_backend be, const struct fw_plan *p,
		     const struct fw_opts *o)
{
	struct fw_buf text;
	char **argv;
	int r;

	fw_buf_init(&text);
	if (fw_render(p, be, &text) < 0) {
		fw_buf_free(&text);
		return FW_EXIT_ERROR;
	}
	argv = argv_dup(ipt_restore(be), "-w", "--test", "--noflush", NULL);
	r = argv ? run_checked(argv, fw_buf_str(&text), o) : FW_EXIT_ERROR;
	argv_free(argv);
	fw_buf_free(&text);
	return r;
}

/* ---- nft ---------------------------------------------------------------------- */

static const char nft_drop_table[] =
	"table " FW_NFT_FAMILY " " FW_NFT_TABLE "\n"
	"delete table " FW_NFT_FAMILY " " FW_NFT_TABLE "\n";

static int nft_apply(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	struct fw_buf text;
	struct steps s = { 0 };
	int r;

	fw_buf_init(&text);
	if (fw_render(p, FW_BE_NFT, &text) < 0) {
		fw_buf_free(&text);
		return FW_EXIT_ERROR;
	}
	/* one transaction: the old table goes, the new one comes */
	steps_add(&s, C_ALWAYS, NULL, argv_dup("nft", "-f", "-", NULL), fw_buf_str(&text));
	r = steps_run(&s, o);
	steps_free(&s);
	fw_buf_free(&text);
	return r;
}

static int nft_remove(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	(void)p;
	struct steps s = { 0 };
	int r;

	/* creating it first makes the delete succeed when it is not there */
	steps_add(&s, C_ALWAYS, NULL, argv_dup("nft", "-f", "-", NULL), nft_drop_table);
	r = steps_run(&s, o);
	steps_free(&s);
	return r;
}

static int nft_status(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	struct fw_buf out, loaded, wanted;
	int st, r;

	fw_buf_init(&out);
	fw_buf_init(&loaded);
	fw_buf_init(&wanted);
	r = query(&out, &st, o, "nft", "list", "table", FW_NFT_FAMILY, FW_NFT_TABLE, NULL);
	if (r != FW_EXIT_OK)
		goto done;
	if (st != 0) {
		fprintf(o->out, "nft: not loaded (no table %s %s)\n", FW_NFT_FAMILY, FW_NFT_TABLE);
		r = FW_EXIT_NOT_LOADED;
		goto done;
	}
	if (fw_nft_normalize(fw_buf_str(&out), &loaded) < 0 ||
	    fw_render_nft_chain(p, &wanted) < 0) {
		r = FW_EXIT_ERROR;
		goto done;
	}
	r = compare("nft", fw_buf_str(&wanted), fw_buf_str(&loaded), o);
	if (r == FW_EXIT_OK)
		fprintf(o->out, "nft: loaded, as configured (table %s %s, %zu rules)\n",
			FW_NFT_FAMILY, FW_NFT_TABLE,
			grep_prefix(fw_buf_str(&loaded), "", NULL) - 1);
done:
	fw_buf_free(&out);
	fw_buf_free(&loaded);
	fw_buf_free(&wanted);
	return r;
}

static int nft_check(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	struct fw_buf text;
	char **argv;
	int r;

	fw_buf_init(&text);
	if (fw_render(p, FW_BE_NFT, &text) < 0) {
		fw_buf_free(&text);
		return FW_EXIT_ERROR;
	}
	argv = argv_dup("nft", "-c", "-f", "-", NULL);
	r = argv ? run_checked(argv, fw_buf_str(&text), o) : FW_EXIT_ERROR;
	argv_free(argv);
	fw_buf_free(&text);
	return r;
}

/* ---- firewalld ------------------------------------------------------------------ */

/* (zone, rich rule) pairs; zone "" = firewall-cmd's default zone */
struct zr {
	char *zone;
	char *rule;
};

struct zrlist {
	struct zr *v;
	size_t n, cap;
	bool oom;
};

static void zr_free(struct zrlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].zone);
		free(l->v[i].rule);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool zr_has(const struct zrlist *l, const char *zone, const char *rule)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].zone, zone) == 0 && strcmp(l->v[i].rule, rule) == 0)
			return true;
	return false;
}

static void zr_add(struct zrlist *l, const char *zone, size_t zl,
		   const char *rule, size_t rl)
{
	struct zr e, *nv;

	e.zone = strndup(zone, zl);
	e.rule = strndup(rule, rl);
	if (!e.zone || !e.rule)
		goto oom;
	if (zr_has(l, e.zone, e.rule)) {
		free(e.zone);
		free(e.rule);
		return;
	}
	if (l->n == l->cap) {
		nv = realloc(l->v, (l->cap ? l->cap * 2 : 16) * sizeof(*nv));
		if (!nv)
			goto oom;
		l->v = nv;
		l->cap = l->cap ? l->cap * 2 : 16;
	}
	l->v[l->n++] = e;
	return;
oom:
	free(e.zone);
	free(e.rule);
	l->oom = true;
}

/* Adds the "zone\trule" lines of TEXT. */
static void zr_parse(struct zrlist *l, const char *text)
{
	const char *p, *e, *t;

	for (p = text; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		t = memchr(p, '\t', (size_t)(e - p));
		if (t && e > t + 1)
			zr_add(l, p, (size_t)(t - p), t + 1, (size_t)(e - t - 1));
	}
}

static void zr_format(const struct zrlist *l, struct fw_buf *b)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		fw_buf_printf(b, "%s\t%s\n", l->v[i].zone, l->v[i].rule);
}

/*
 * The zones to use, one per line, into Z: the --zone ones, else the
 * default zone and every active zone. Without a running firewalld (only
 * under --dry-run) Z stays empty: firewall-cmd's default zone.
 */
static int fwd_zones(struct fw_buf *z, bool running, const struct fw_opts *o)
{
	struct fw_buf out;
	const char *p, *e;
	size_t i;
	int st, r;

	if (o->nzones) {
		for (i = 0; i < o->nzones; i++)
			if (!has_line(fw_buf_str(z), o->zones[i], strlen(o->zones[i])))
				fw_buf_printf(z, "%s\n", o->zones[i]);
		return FW_EXIT_OK;
	}
	if (!running)
		return FW_EXIT_OK;
	fw_buf_init(&out);
	r = query(&out, &st, o, "firewall-cmd", "--get-default-zone", NULL);
	if (r == FW_EXIT_OK && st == 0 && out.len)
		fw_buf_printf(z, "%.*s\n", (int)strcspn(out.s, "\n"), out.s);
	fw_buf_reset(&out);
	if (r == FW_EXIT_OK)
		r = query(&out, &st, o, "firewall-cmd", "--get-active-zones", NULL);
	/* zone names start a line; their interfaces and sources are indented */
	for (p = fw_buf_str(&out); r == FW_EXIT_OK && *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (e > p && *p != ' ' && *p != '\t' &&
		    !has_line(fw_buf_str(z), p, (size_t)(e - p)))
			fw_buf_printf(z, "%.*s\n", (int)(e - p), p);
	}
	fw_buf_free(&out);
	if (r == FW_EXIT_OK && z->len == 0) {
		fprintf(o->err, "duet-firewall: firewalld names no default zone\n");
		r = FW_EXIT_ERROR;
	}
	return r;
}

/* ZONES (lines; "" = the default zone) x the rendered rich rules into L. */
static int fwd_wanted(const struct fw_plan *p, const char *zones, struct zrlist *l)
{
	struct fw_buf rules;
	const char *z, *ze, *q, *qe;

	fw_buf_init(&rules);
	if (fw_render_rich_rules(p, &rules) < 0) {
		fw_buf_free(&rules);
		return -1;
	}
	z = zones;
	do {
		ze = strchr(z, '\n');
		if (!ze)
			ze = z + strlen(z);
		for (q = fw_buf_str(&rules); *q; q = *qe ? qe + 1 : qe) {
			qe = strchr(q, '\n');
			if (!qe)
				qe = q + strlen(q);
			zr_add(l, z, (size_t)(ze - z), q, (size_t)(qe - q));
		}
		z = *ze ? ze + 1 : ze;
	} while (*z);
	fw_buf_free(&rules);
	return l->oom ? -1 : 0;
}

/*
 * Commands "firewall-cmd [--zone=Z] OP=RULE OP=RULE ..." for the entries
 * of L that are not in SKIP (may be NULL), one command per zone (more
 * when the rules do not fit FW_ARGV_MAX arguments).
 */
static void fwd_cmds(struct steps *s, const struct zrlist *l,
		     const struct zrlist *skip, const char *op)
{
	const char *a[FW_ARGV_MAX + 1];
	char *owned[FW_ARGV_MAX];
	size_t i, j, k, n, no, base, obase;
	bool seen;

	for (i = 0; i < l->n; i++) {
		seen = false;
		for (j = 0; j < i && !seen; j++)
			seen = strcmp(l->v[j].zone, l->v[i].zone) == 0;
		if (seen)
			continue;	/* that zone is done */
		n = no = 0;
		a[n++] = "firewall-cmd";
		if (l->v[i].zone[0]) {
			if (asprintf(&owned[no], "--zone=%s", l->v[i].zone) < 0) {
				s->oom = true;
				return;
			}
			a[n++] = owned[no++];
		}
		base = n;
		obase = no;
		for (j = i; j < l->n; j++) {
			if (strcmp(l->v[j].zone, l->v[i].zone) != 0 ||
			    (skip && zr_has(skip, l->v[j].zone, l->v[j].rule)))
				continue;
			if (asprintf(&owned[no], "%s=%s", op, l->v[j].rule) < 0) {
				s->oom = true;
				break;
			}
			a[n++] = owned[no++];
			if (n == FW_ARGV_MAX) {
				steps_add(s, C_ALWAYS, NULL, argv_copy(a, n), NULL);
				for (k = obase; k < no; k++)
					free(owned[k]);
				no = obase;
				n = base;
			}
		}
		if (n > base)
			steps_add(s, C_ALWAYS, NULL, argv_copy(a, n), NULL);
		for (k = 0; k < no; k++)
			free(owned[k]);
	}
}

static int fwd_apply(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	struct fw_buf zones, text;
	struct zrlist wanted = { 0 }, old = { 0 };
	struct steps s = { 0 };
	bool running = !o->dry_run || firewalld_running(o);
	int r;

	fw_buf_init(&zones);
	fw_buf_init(&text);
	r = fwd_zones(&zones, running, o);
	if (r != FW_EXIT_OK)
		goto done;
	if (fwd_wanted(p, fw_buf_str(&zones), &wanted) < 0) {
		r = FW_EXIT_ERROR;
		goto done;
	}
	if (state_read(o, "firewalld.rules", &text))
		zr_parse(&old, fw_buf_str(&text));
	/* rules of an earlier apply that the configuration no longer has */
	fwd_cmds(&s, &old, &wanted, "--remove-rich-rule");
	/* adding a rule that is there already is a warning, not an error */
	fwd_cmds(&s, &wanted, NULL, "--add-rich-rule");
	r = steps_run(&s, o);
	if (r == FW_EXIT_OK) {
		fw_buf_reset(&text);
		zr_format(&wanted, &text);
		r = state_write(o, "firewalld.rules", fw_buf_str(&text));
	}
done:
	steps_free(&s);
	zr_free(&wanted);
	zr_free(&old);
	fw_buf_free(&zones);
	fw_buf_free(&text);
	return r;
}

static int fwd_remove(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	struct fw_buf zones, text;
	struct zrlist all = { 0 };
	struct steps s = { 0 };
	int r = FW_EXIT_OK;

	fw_buf_init(&zones);
	fw_buf_init(&text);
	if (!firewalld_running(o)) {
		/* its runtime rules went with it */
		if (!o->dry_run)
			fprintf(o->err, "duet-firewall: firewalld is not running: no rich rules to remove\n");
		r = state_write(o, "firewalld.rules", NULL);
		goto done;
	}
	if (state_read(o, "firewalld.rules", &text))
		zr_parse(&all, fw_buf_str(&text));
	if (p) {
		r = fwd_zones(&zones, true, o);
		if (r == FW_EXIT_OK && fwd_wanted(p, fw_buf_str(&zones), &all) < 0)
			r = FW_EXIT_ERROR;
		if (r != FW_EXIT_OK)
			goto done;
	}
	/* removing a rule that is not there is a warning, not an error */
	fwd_cmds(&s, &all, NULL, "--remove-rich-rule");
	r = steps_run(&s, o);
	if (r == FW_EXIT_OK)
		r = state_write(o, "firewalld.rules", NULL);
done:
	steps_free(&s);
	zr_free(&all);
	fw_buf_free(&zones);
	fw_buf_free(&text);
	return r;
}

static int fwd_status(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	struct fw_buf zones, out, text;
	struct zrlist wanted = { 0 }, old = { 0 }, loaded = { 0 };
	const char *z, *ze, *q, *qe;
	size_t present = 0, missing = 0, stale = 0, i;
	char *zarg;
	int st, r;

	fw_buf_init(&zones);
	fw_buf_init(&out);
	fw_buf_init(&text);
	r = fwd_zones(&zones, true, o);
	if (r != FW_EXIT_OK)
		goto done;
	for (z = fw_buf_str(&zones); *z; z = *ze ? ze + 1 : ze) {
		ze = strchr(z, '\n');
		if (!ze)
			ze = z + strlen(z);
		if (asprintf(&zarg, "--zone=%.*s", (int)(ze - z), z) < 0) {
			r = FW_EXIT_ERROR;
			goto done;
		}
		fw_buf_reset(&out);
		r = query(&out, &st, o, "firewall-cmd", zarg, "--list-rich-rules", NULL);
		free(zarg);
		if (r != FW_EXIT_OK)
			goto done;
		for (q = fw_buf_str(&out); *q; q = *qe ? qe + 1 : qe) {
			qe = strchr(q, '\n');
			if (!qe)
				qe = q + strlen(q);
			if (qe > q)
				zr_add(&loaded, z, (size_t)(ze - z), q, (size_t)(qe - q));
		}
	}
	if (fwd_wanted(p, fw_buf_str(&zones), &wanted) < 0) {
		r = FW_EXIT_ERROR;
		goto done;
	}
	if (state_read(o, "firewalld.rules", &text))
		zr_parse(&old, fw_buf_str(&text));
	for (i = 0; i < wanted.n; i++) {
		if (zr_has(&loaded, wanted.v[i].zone, wanted.v[i].rule))
			present++;
		else
			missing++;
	}
	for (i = 0; i < old.n; i++)
		if (!zr_has(&wanted, old.v[i].zone, old.v[i].rule) &&
		    zr_has(&loaded, old.v[i].zone, old.v[i].rule))
			stale++;
	if (!present && !stale) {
		fprintf(o->out, "firewalld: not loaded (none of duet's rich rules is there)\n");
		r = FW_EXIT_NOT_LOADED;
	} else if (missing || stale) {
		fprintf(o->out, "firewalld: loaded, but differs from the configuration:\n");
		for (i = 0; i < wanted.n; i++)
			if (!zr_has(&loaded, wanted.v[i].zone, wanted.v[i].rule))
				fprintf(o->out, "  missing in zone %s: %s\n",
					wanted.v[i].zone, wanted.v[i].rule);
		for (i = 0; i < old.n; i++)
			if (!zr_has(&wanted, old.v[i].zone, old.v[i].rule) &&
			    zr_has(&loaded, old.v[i].zone, old.v[i].rule))
				fprintf(o->out, "  not in the configuration, in zone %s: %s\n",
					old.v[i].zone, old.v[i].rule);
		r = FW_EXIT_DIFFERS;
	} else {
		fprintf(o->out, "firewalld: loaded, as configured (%zu rich rules)\n", present);
		r = FW_EXIT_OK;
	}
done:
	zr_free(&wanted);
	zr_free(&old);
	zr_free(&loaded);
	fw_buf_free(&zones);
	fw_buf_free(&out);
	fw_buf_free(&text);
	return r;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

/*
 * Rich-rule syntax needs firewalld's own parser: firewall-offline-cmd adds
 * the rules to zone "public" of a throw-away configuration directory.
 */
static int fwd_check(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	(void)be;
	char dir[] = "/tmp/duet-firewall.XXXXXX";
	char path[sizeof(dir) + 32], chunk[4096], *arg = NULL;
	struct zrlist rules = { 0 };
	struct steps s = { 0 };
	struct fw_opts q = *o;
	FILE *f, *w;
	size_t n;
	int r = FW_EXIT_ERROR;

	if (!mkdtemp(dir)) {
		fprintf(o->err, "duet-firewall: cannot create a directory in /tmp: %s\n",
			strerror(errno));
		return FW_EXIT_ERROR;
	}
	/* a copy of firewalld.conf, else firewall-offline-cmd complains */
	f = fopen("/etc/firewalld/firewalld.conf", "re");
	if (f) {
		snprintf(path, sizeof(path), "%s/firewalld.conf", dir);
		w = fopen(path, "we");
		while (w && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, w);
		if (w)
			fclose(w);
		fclose(f);
	}
	if (asprintf(&arg, "--system-config=%s", dir) < 0)
		goto out;
	if (fwd_wanted(p, "public", &rules) < 0)
		goto out;
	fwd_cmds(&s, &rules, NULL, "--add-rich-rule");
	/* turn "firewall-cmd --zone=public ..." into the offline command */
	for (n = 0; n < s.n; n++) {
		char **v = s.v[n].cmd, **nv;
		size_t c = 0, i;

		while (v[c])
			c++;
		nv = calloc(c + 2, sizeof(*nv));
		if (!nv || !(nv[0] = strdup("firewall-offline-cmd")) || !(nv[1] = strdup(arg))) {
			argv_free(nv);
			s.oom = true;
			break;
		}
		for (i = 1; i < c; i++)
			nv[i + 1] = v[i];
		free(v[0]);
		free(v);
		s.v[n].cmd = nv;
	}
	q.dry_run = false;
	r = steps_run(&s, &q);
out:
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(arg);
	steps_free(&s);
	zr_free(&rules);
	return r;
}

/* ---- dispatch ------------------------------------------------------------------------ */

typedef int (*fw_be_op)(enum fw_backend, const struct fw_plan *, const struct fw_opts *);

enum { OP_APPLY, OP_REMOVE, OP_STATUS, OP_CHECK, OP_COUNT };

/* one row per backend, one column per operation */
static const struct {
	enum fw_backend be;
	fw_be_op op[OP_COUNT];
} be_ops[] = {
	{ FW_BE_IPTABLES, { ipt_apply, ipt_remove, ipt_status, ipt_check } },
	{ FW_BE_IP6TABLES, { ipt_apply, ipt_remove, ipt_status, ipt_check } },
	{ FW_BE_NFT, { nft_apply, nft_remove, nft_status, nft_check } },
	{ FW_BE_FIREWALLD, { fwd_apply, fwd_remove, fwd_status, fwd_check } },
};

static int be_run(int op, enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	for (size_t i = 0; i < sizeof(be_ops) / sizeof(be_ops[0]); i++)
		if (be_ops[i].be == be)
			return be_ops[i].op[op](be, p, o);
	return FW_EXIT_ERROR;
}

int fw_be_apply(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	return be_run(OP_APPLY, be, p, o);
}

int fw_be_remove(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	return be_run(OP_REMOVE, be, p, o);
}

int fw_be_status(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	return be_run(OP_STATUS, be, p, o);
}

int fw_be_check(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o)
{
	return be_run(OP_CHECK, be, p, o);
}
