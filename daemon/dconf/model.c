/* dconf: configuration model, diagnostics and lookups, see model.h. */
#include "daemon/dconf/model.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct dconf_config *dconf_config_new(void)
{
	struct dconf_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg) {
		fputs("dconf: out of memory\n", stderr);
		abort();
	}
	cfg->arena = dconf_arena_new();
	return cfg;
}

void dconf_config_free(struct dconf_config *cfg)
{
	if (!cfg)
		return;
	dconf_arena_free(cfg->arena);
	free(cfg);
}

void dconf_diag(struct dconf_config *cfg, enum dconf_sev sev,
		struct dconf_loc loc, const char *fmt, ...)
{
	struct dconf_diag *d;
	char buf[1024];
	va_list ap;

	if (sev == DCONF_ERROR && cfg->nerrors >= DCONF_MAX_ERRORS) {
		cfg->truncated = true;
		cfg->nerrors++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* the same message at the same place (e.g. from common) once */
	for (size_t i = 0; i < cfg->ndiags; i++)
		if (cfg->diags[i].loc.file == loc.file &&
		    cfg->diags[i].loc.line == loc.line &&
		    cfg->diags[i].sev == sev && strcmp(cfg->diags[i].msg, buf) == 0)
			return;
	d = dconf_arena_push(cfg->arena, (void **)&cfg->diags, &cfg->ndiags,
			     &cfg->dcap, sizeof(*d));
	d->loc = loc;
	d->sev = sev;
	d->msg = dconf_arena_strdup(cfg->arena, buf);
	if (sev == DCONF_ERROR)
		cfg->nerrors++;
	else
		cfg->nwarnings++;
}

void dconf_diag_format(const struct dconf_diag *d, char *buf, size_t len)
{
	const char *sev = d->sev == DCONF_WARNING ? "warning: " : "";

	if (d->loc.file && d->loc.line)
		snprintf(buf, len, "%s:%u: %s%s", d->loc.file, d->loc.line, sev,
			 d->msg);
	else if (d->loc.file)
		snprintf(buf, len, "%s: %s%s", d->loc.file, sev, d->msg);
	else
		snprintf(buf, len, "%s%s", sev, d->msg);
}

void dconf_diags_print(const struct dconf_config *cfg, FILE *out)
{
	char buf[1400];

	for (size_t i = 0; i < cfg->ndiags; i++) {
		dconf_diag_format(&cfg->diags[i], buf, sizeof(buf));
		fprintf(out, "%s\n", buf);
	}
	if (cfg->truncated)
		fprintf(out, "too many errors (%u), giving up\n", cfg->nerrors);
}

/* File names are few: a linear search keeps equal names at one address. */
const char *dconf_intern(struct dconf_config *cfg, const char *s)
{
	const char **slot;

	for (size_t i = 0; i < cfg->nfiles; i++)
		if (strcmp(cfg->files[i], s) == 0)
			return cfg->files[i];
	slot = dconf_arena_push(cfg->arena, (void **)&cfg->files, &cfg->nfiles,
				&cfg->fcap, sizeof(*slot));
	*slot = dconf_arena_strdup(cfg->arena, s);
	return *slot;
}

struct dconf_resource *dconf_find_resource(const struct dconf_config *cfg,
					   const char *name)
{
	for (size_t i = 0; i < cfg->nres; i++)
		if (strcmp(cfg->res[i].name, name) == 0)
			return &cfg->res[i];
	return NULL;
}

const struct dconf_value *dconf_res_opt(const struct dconf_config *cfg,
					const struct dconf_resource *res,
					enum dconf_opt opt)
{
	if ((unsigned)opt >= DCONF_O_NR)
		return NULL;
	if (dconf_optdefs[opt].sec == DCONF_SEC_GLOBAL)
		return cfg->global.v[opt].set ? &cfg->global.v[opt] : NULL;
	if (res && res->opts.v[opt].set)
		return &res->opts.v[opt];
	if (cfg->common.v[opt].set)
		return &cfg->common.v[opt];
	return NULL;
}

int64_t dconf_res_num(const struct dconf_config *cfg,
		      const struct dconf_resource *res, enum dconf_opt opt)
{
	const struct dconf_value *v = dconf_res_opt(cfg, res, opt);

	if (v)
		return v->num;
	return (unsigned)opt < DCONF_O_NR ? dconf_optdefs[opt].def : 0;
}

const char *dconf_res_str(const struct dconf_config *cfg,
			  const struct dconf_resource *res, enum dconf_opt opt)
{
	const struct dconf_value *v = dconf_res_opt(cfg, res, opt);

	return v ? v->str : NULL;
}

const struct dconf_value *dconf_vol_opt(const struct dconf_config *cfg,
					const struct dconf_resource *res,
					const struct dconf_host *h,
					const struct dconf_volume *v,
					enum dconf_opt opt)
{
	if ((unsigned)opt >= DCONF_O_NR)
		return NULL;
	if (v && v->opts && v->opts->v[opt].set)
		return &v->opts->v[opt];
	if (h && h->opts && h->opts->v[opt].set)
		return &h->opts->v[opt];
	return dconf_res_opt(cfg, res, opt);
}

int64_t dconf_vol_num(const struct dconf_config *cfg,
		      const struct dconf_resource *res, const struct dconf_host *h,
		      const struct dconf_volume *v, enum dconf_opt opt)
{
	const struct dconf_value *val = dconf_vol_opt(cfg, res, h, v, opt);

	if (val)
		return val->num;
	return (unsigned)opt < DCONF_O_NR ? dconf_optdefs[opt].def : 0;
}

const char *dconf_vol_str(const struct dconf_config *cfg,
			  const struct dconf_resource *res,
			  const struct dconf_host *h, const struct dconf_volume *v,
			  enum dconf_opt opt)
{
	const struct dconf_value *val = dconf_vol_opt(cfg, res, h, v, opt);

	return val ? val->str : NULL;
}

const struct dconf_host *dconf_local_host(const struct dconf_resource *res)
{
	if (res->local < 0 || (size_t)res->local >= res->nhosts)
		return NULL;
	return &res->hosts[res->local];
}

const struct dconf_host *dconf_peer_host(const struct dconf_resource *res)
{
	if (res->peer < 0 || (size_t)res->peer >= res->nhosts)
		return NULL;
	return &res->hosts[res->peer];
}

void dconf_addr_format(const struct dconf_addr *a, char *buf, size_t len)
{
	if (a->af == DCONF_AF_IPV6)
		snprintf(buf, len, "[%s]:%u", a->ip, a->port);
	else if (a->af == DCONF_AF_IPV4)
		snprintf(buf, len, "%s:%u", a->ip, a->port);
	else
		snprintf(buf, len, "(none)");
}

bool dconf_is_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '/' || *s == '_' ||
		      *s == '.' || *s == '-'))
			return false;
	return true;
}
