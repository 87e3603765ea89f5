/* dconf: normalised dump, see dump.h. */
#include "daemon/dconf/dump.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/dconf/strbuf.h"

static void indent(struct dconf_sb *sb, int depth)
{
	for (int i = 0; i < depth; i++)
		dconf_sb_add(sb, "\t");
}

static void origin(struct dconf_sb *sb, const struct dconf_loc *loc,
		   unsigned flags)
{
	if (!(flags & DCONF_DUMP_ORIGINS))
		return;
	if (loc && loc->file)
		dconf_sb_addf(sb, " # %s:%u", loc->file, loc->line);
	else if (!loc)
		dconf_sb_add(sb, " # default");
}

static void value(struct dconf_sb *sb, enum dconf_opt opt, int64_t num,
		  const char *str)
{
	const struct dconf_optdef *d = &dconf_optdefs[opt];
	char buf[64];

	switch (d->type) {
	case DCONF_T_BOOL:
	case DCONF_T_ENUM:
		dconf_sb_add(sb, dconf_enum_name(opt, num) ? dconf_enum_name(opt, num) : "?");
		break;
	case DCONF_T_INT:
		dconf_format_size(num, d->unit, buf, sizeof(buf));
		dconf_sb_add(sb, buf);
		break;
	case DCONF_T_STRING:
	case DCONF_T_HANDLER:
		dconf_sb_add_quoted(sb, str ? str : "");
		break;
	case DCONF_T_HEX:
	case DCONF_T_NAME:
		dconf_sb_add_word(sb, str ? str : "");
		break;
	}
}

/* The options of section SEC; nothing if none is to be shown. */
static void section(struct dconf_sb *sb, const struct dconf_config *cfg,
		    const struct dconf_resource *res, enum dconf_sec sec,
		    unsigned flags, int depth)
{
	bool opened = false;

	for (int i = 0; i < DCONF_O_NR; i++) {
		const struct dconf_optdef *d = &dconf_optdefs[i];
		const struct dconf_value *v;

		if (d->sec != sec)
			continue;
		v = dconf_res_opt(cfg, res, (enum dconf_opt)i);
		if (!v && (!(flags & DCONF_DUMP_DEFAULTS) ||
			   d->type == DCONF_T_STRING || d->type == DCONF_T_HANDLER ||
			   d->type == DCONF_T_HEX || d->type == DCONF_T_NAME))
			continue;	/* unset, or a string without default */
		if (!opened) {
			indent(sb, depth);
			dconf_sb_addf(sb, "%s {\n", dconf_sec_name(sec));
			opened = true;
		}
		indent(sb, depth + 1);
		dconf_sb_addf(sb, "%s ", d->name);
		if (v)
			value(sb, (enum dconf_opt)i, v->num, v->str);
		else
			value(sb, (enum dconf_opt)i, d->def, NULL);
		dconf_sb_add(sb, ";");
		origin(sb, v ? &v->loc : NULL, flags);
		dconf_sb_add(sb, "\n");
	}
	if (opened) {
		indent(sb, depth);
		dconf_sb_add(sb, "}\n");
	}
}

/* "disk { }" of a host or volume: only what is set there. */
static void local_disk(struct dconf_sb *sb, const struct dconf_optset *set,
		       unsigned flags, int depth)
{
	bool opened = false;

	for (int i = 0; set && i < DCONF_O_NR; i++) {
		const struct dconf_value *v = &set->v[i];

		if (!v->set || dconf_optdefs[i].sec != DCONF_SEC_DISK)
			continue;
		if (!opened) {
			indent(sb, depth);
			dconf_sb_add(sb, "disk {\n");
			opened = true;
		}
		indent(sb, depth + 1);
		dconf_sb_addf(sb, "%s ", dconf_optdefs[i].name);
		value(sb, (enum dconf_opt)i, v->num, v->str);
		dconf_sb_add(sb, ";");
		origin(sb, &v->loc, flags);
		dconf_sb_add(sb, "\n");
	}
	if (opened) {
		indent(sb, depth);
		dconf_sb_add(sb, "}\n");
	}
}

static bool has_options(const struct dconf_optset *set)
{
	for (int i = 0; set && i < DCONF_O_NR; i++)
		if (set->v[i].set)
			return true;
	return false;
}

static void volume_body(struct dconf_sb *sb, const struct dconf_volume *v,
			unsigned flags, int depth)
{
	if (v->has_device) {
		indent(sb, depth);
		dconf_sb_add(sb, "device ");
		if (v->device) {
			dconf_sb_add_word(sb, v->device);
			dconf_sb_add(sb, " ");
		}
		dconf_sb_addf(sb, "minor %d;", v->minor);
		origin(sb, &v->device_loc, flags);
		dconf_sb_add(sb, "\n");
	}
	if (v->disk) {
		indent(sb, depth);
		dconf_sb_add(sb, "disk ");
		dconf_sb_add_word(sb, v->disk);
		dconf_sb_add(sb, ";");
		origin(sb, &v->disk_loc, flags);
		dconf_sb_add(sb, "\n");
	}
	if (v->md_kind != DCONF_MD_UNSET) {
		indent(sb, depth);
		dconf_sb_add(sb, "meta-disk ");
		if (v->md_kind == DCONF_MD_INTERNAL)
			dconf_sb_add(sb, "internal");
		else
			dconf_sb_add_word(sb, v->meta_disk);
		if (v->md_kind == DCONF_MD_INDEXED)
			dconf_sb_addf(sb, "[%d]", v->meta_index);
		dconf_sb_add(sb, ";");
		origin(sb, &v->md_loc, flags);
		dconf_sb_add(sb, "\n");
	}
	local_disk(sb, v->opts, flags, depth);
}

static int cmp_vnr(const void *a, const void *b)
{
	const struct dconf_volume *x = *(const struct dconf_volume *const *)a;
	const struct dconf_volume *y = *(const struct dconf_volume *const *)b;

	return (x->vnr > y->vnr) - (x->vnr < y->vnr);
}

static void address(struct dconf_sb *sb, const struct dconf_addr *a)
{
	char buf[80];

	dconf_addr_format(a, buf, sizeof(buf));
	dconf_sb_addf(sb, "%s %s", a->af == DCONF_AF_IPV6 ? "ipv6" : "ipv4", buf);
}

static void host(struct dconf_sb *sb, const struct dconf_host *h,
		 unsigned flags, int depth)
{
	const struct dconf_volume **order;

	indent(sb, depth);
	if (h->floating) {
		dconf_sb_add(sb, "floating ");
		address(sb, &h->addr);
		dconf_sb_add(sb, " {");
	} else {
		dconf_sb_addf(sb, "on %s {", h->name);
	}
	origin(sb, &h->loc, flags);
	dconf_sb_add(sb, "\n");
	local_disk(sb, h->opts, flags, depth + 1);
	order = calloc(h->nvols ? h->nvols : 1, sizeof(*order));
	if (!order)
		abort();
	for (size_t i = 0; i < h->nvols; i++)
		order[i] = &h->vols[i];
	qsort(order, h->nvols, sizeof(*order), cmp_vnr);
	/* volume 0 alone is written flat, unless it has its own options */
	if (h->nvols == 1 && order[0]->vnr == 0 && !has_options(order[0]->opts)) {
		volume_body(sb, order[0], flags, depth + 1);
	} else {
		for (size_t i = 0; i < h->nvols; i++) {
			indent(sb, depth + 1);
			dconf_sb_addf(sb, "volume %u {\n", order[i]->vnr);
			volume_body(sb, order[i], flags, depth + 2);
			indent(sb, depth + 1);
			dconf_sb_add(sb, "}\n");
		}
	}
	free(order);
	if (!h->floating && h->addr.af != DCONF_AF_NONE) {
		indent(sb, depth + 1);
		dconf_sb_add(sb, "address ");
		address(sb, &h->addr);
		dconf_sb_add(sb, ";");
		origin(sb, &h->addr.loc, flags);
		dconf_sb_add(sb, "\n");
	}
	indent(sb, depth);
	dconf_sb_add(sb, "}\n");
}

static void resource(struct dconf_sb *sb, const struct dconf_config *cfg,
		     const struct dconf_resource *r, unsigned flags)
{
	static const enum dconf_sec order[] = {
		DCONF_SEC_OPTIONS, DCONF_SEC_NET, DCONF_SEC_DISK,
		DCONF_SEC_STARTUP, DCONF_SEC_HANDLERS,
	};

	if (sb->len)
		dconf_sb_add(sb, "\n");
	dconf_sb_addf(sb, "resource %s {", r->name);
	origin(sb, &r->loc, flags);
	dconf_sb_add(sb, "\n");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		section(sb, cfg, r, order[i], flags, 1);
	for (size_t h = 0; h < r->nhosts; h++)
		host(sb, &r->hosts[h], flags, 1);
	dconf_sb_add(sb, "}\n");
}

static void global(struct dconf_sb *sb, const struct dconf_config *cfg,
		   unsigned flags)
{
	section(sb, cfg, NULL, DCONF_SEC_GLOBAL, flags, 0);
}

char *dconf_dump(const struct dconf_config *cfg, unsigned flags)
{
	struct dconf_sb sb = { 0 };

	global(&sb, cfg, flags);
	for (size_t i = 0; i < cfg->nres; i++)
		resource(&sb, cfg, &cfg->res[i], flags);
	return dconf_sb_steal(&sb);
}

char *dconf_dump_some(const struct dconf_config *cfg,
		      const struct dconf_resource *const *res, size_t n,
		      unsigned flags)
{
	struct dconf_sb sb = { 0 };

	global(&sb, cfg, flags);
	for (size_t i = 0; i < n; i++)
		resource(&sb, cfg, res[i], flags);
	return dconf_sb_steal(&sb);
}
