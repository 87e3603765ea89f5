/*
 * hb_script: argv, environment and status judgement of resource scripts,
 * following ResourceManager's conventions as heartbeat.md §2.2-2.5
 * describes them. No I/O: the caller says which files exist.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon/hb/hb_script.h"

const char *hb_script_op_str(enum hb_script_op op)
{
	switch (op) {
	case HB_SCRIPT_START: return "start";
	case HB_SCRIPT_STOP: return "stop";
	case HB_SCRIPT_STATUS: return "status";
	}
	return "?";
}

/* ---- growing NULL-terminated string vectors ---------------------------- */

struct strv {
	char **v;
	size_t n, cap;
	bool oom;
};

static void sv_add_owned(struct strv *s, char *str)
{
	if (!str) {
		s->oom = true;
		return;
	}
	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			free(str);
			s->oom = true;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

__attribute__((format(printf, 2, 3)))
static void sv_addf(struct strv *s, const char *fmt, ...)
{
	va_list ap;
	char *str = NULL;

	va_start(ap, fmt);
	if (vasprintf(&str, fmt, ap) < 0)
		str = NULL;
	va_end(ap);
	sv_add_owned(s, str);
}

/* Adds NAME=VALUE, replacing an earlier NAME. */
static void sv_setenv(struct strv *s, const char *name, const char *value)
{
	size_t nl = strlen(name);
	char *str = NULL;

	if (asprintf(&str, "%s=%s", name, value ? value : "") < 0) {
		s->oom = true;
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (strncmp(s->v[i], name, nl) == 0 && s->v[i][nl] == '=') {
			free(s->v[i]);
			s->v[i] = str;
			return;
		}
	}
	sv_add_owned(s, str);
}

static void sv_putenv(struct strv *s, const char *nv)
{
	const char *eq = strchr(nv, '=');
	char name[256];
	size_t nl;

	if (!eq || eq == nv || (nl = (size_t)(eq - nv)) >= sizeof(name))
		return;
	memcpy(name, nv, nl);
	name[nl] = 0;
	sv_setenv(s, name, eq + 1);
}

void hb_script_strv_free(char **v)
{
	if (!v)
		return;
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static char **sv_finish(struct strv *s)
{
	if (s->oom) {
		if (s->v)
			s->v[s->n] = NULL;
		hb_script_strv_free(s->v);
		return NULL;
	}
	if (!s->v) {
		s->v = calloc(1, sizeof(*s->v));
		if (!s->v)
			return NULL;
	}
	return s->v;
}

/* ---- environment ------------------------------------------------------ */

static const char *dir_or(const char *d, const char *def)
{
	return d && *d ? d : def;
}

char **hb_script_env_build(const struct hb_script_envcfg *c)
{
	struct strv s = { 0 };
	const struct hb_conf *cf = c->conf;
	const char *rd = dir_or(c->dirs ? c->dirs->resource_d : NULL, HB_RESOURCE_D);
	const char *ocf = dir_or(c->dirs ? c->dirs->ocf_root : NULL, HB_OCF_ROOT);

	for (size_t i = 0; c->extra && c->extra[i]; i++)
		sv_putenv(&s, c->extra[i]);
	if (cf)
		for (size_t i = 0; i < cf->nparams; i++) {
			char name[300];

			snprintf(name, sizeof(name), "HA_%s", cf->params[i].name);
			sv_setenv(&s, name, cf->params[i].value);
		}
	sv_setenv(&s, "HA_DIR", "/etc/ha.d");
	sv_setenv(&s, "HA_RCDIR", "/etc/ha.d/rc.d");
	sv_setenv(&s, "HA_RESOURCEDIR", rd);
	sv_setenv(&s, "HA_FUNCS", "/etc/ha.d/shellfuncs");
	sv_setenv(&s, "HA_FIFO", "/var/lib/heartbeat/fifo");
	sv_setenv(&s, "HA_BIN", "/usr/libexec/heartbeat");
	if (cf) {
		sv_setenv(&s, "HA_LOGFILE", cf->logfile ? cf->logfile : "");
		sv_setenv(&s, "HA_DEBUGLOG", cf->debugfile ? cf->debugfile : "");
		sv_setenv(&s, "HA_LOGFACILITY", cf->logfacility ? cf->logfacility : "");
		sv_setenv(&s, "HA_LOGD", cf->use_logd ? "yes" : "no");
	}
	sv_setenv(&s, "HA_DATEFMT", "%Y/%m/%d_%T\t");
	if (c->curhost)
		sv_setenv(&s, "HA_CURHOST", c->curhost);
	if (c->nice_failback)
		sv_setenv(&s, "HA_NICEFAILBACK", "yes");
	if (c->dontask)
		sv_setenv(&s, "HA_DONTASK", "yes");
	if (c->ostatus)
		sv_setenv(&s, "HA_OSTATUS", c->ostatus);
	sv_setenv(&s, "OCF_ROOT", ocf);
	sv_addf(&s, "OCF_AGENTS=%s/resource.d/heartbeat/", ocf);
	if (c->msg)
		for (size_t i = 0; i < c->msg->n; i++) {
			const struct hb_field *f = &c->msg->f[i];
			char name[HB_MSG_MAX_NAME + 4];

			if (f->type != HB_FT_STRING || memchr(f->value, 0, f->vlen))
				continue;
			snprintf(name, sizeof(name), "HA_%s", f->name);
			sv_setenv(&s, name, (const char *)f->value);
		}
	return sv_finish(&s);
}

/* ---- commands --------------------------------------------------------- */

void hb_script_cmd_free(struct hb_script_cmd *cmd)
{
	free(cmd->path);
	hb_script_strv_free(cmd->argv);
	hb_script_strv_free(cmd->envp);
	memset(cmd, 0, sizeof(*cmd));
}

static char *path_join(const char *dir, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

/* OCF_RESKEY_* for the agents 3.0.6's wrappers know. 0, or -1 with err. */
static int ocf_reskeys(const struct hb_resource *res, struct strv *env,
		       char *err, size_t errlen)
{
	const char *n = res->name;

	if (strcmp(n, "IPaddr") == 0 || strcmp(n, "IPaddr2") == 0) {
		struct hb_ipaddr_arg ip;

		if (res->nargs != 1 || hb_ipaddr_arg_parse(res->args[0], &ip) < 0) {
			snprintf(err, errlen, "resource %s: %s takes one IP[/NETMASK[/NIC[:LABEL][/BROADCAST]]] argument",
				 res->spec, n);
			return -1;
		}
		sv_setenv(env, "OCF_RESKEY_ip", ip.ip);
		if (*ip.netmask)
			sv_setenv(env, "OCF_RESKEY_cidr_netmask", ip.netmask);
		if (*ip.nic)
			sv_setenv(env, "OCF_RESKEY_nic", ip.nic);
		if (*ip.label)
			sv_setenv(env, "OCF_RESKEY_iflabel", ip.label);
		if (*ip.broadcast)
			sv_setenv(env, "OCF_RESKEY_broadcast", ip.broadcast);
		return 0;
	}
	if (strcmp(n, "Filesystem") == 0) {
		static const char *const keys[] = { "device", "directory", "fstype", "options" };
		char name[64];

		if (res->nargs < 2 || res->nargs > 4) {
			snprintf(err, errlen, "resource %s: Filesystem takes device::directory[::fstype[::options]]",
				 res->spec);
			return -1;
		}
		for (size_t i = 0; i < res->nargs; i++) {
			snprintf(name, sizeof(name), "OCF_RESKEY_%s", keys[i]);
			sv_setenv(env, name, res->args[i]);
		}
		return 0;
	}
	if (res->nargs) {
		snprintf(err, errlen, "resource %s: the OCF agent %s cannot take positional arguments (no wrapper in resource.d)",
			 res->spec, n);
		return -1;
	}
	return 0;
}

int hb_script_build(const struct hb_resource *res, enum hb_script_op op,
		    const struct hb_script_dirs *dirs,
		    hb_script_exists_fn exists, void *exists_arg,
		    char *const *base_env, struct hb_script_cmd *cmd,
		    char *err, size_t errlen)
{
	const char *rd = dir_or(dirs ? dirs->resource_d : NULL, HB_RESOURCE_D);
	const char *id = dir_or(dirs ? dirs->init_d : NULL, HB_INIT_D);
	const char *ocf = dir_or(dirs ? dirs->ocf_root : NULL, HB_OCF_ROOT);
	struct strv argv = { 0 }, env = { 0 };
	char *path = NULL, *agents = NULL;

	memset(cmd, 0, sizeof(*cmd));
	if (err && errlen)
		err[0] = 0;
	if (!res->name || !*res->name || strchr(res->name, '/') ||
	    strcmp(res->name, "..") == 0 || strcmp(res->name, ".") == 0) {
		snprintf(err, errlen, "resource %s: bad script name", res->spec ? res->spec : "?");
		return -1;
	}
	path = path_join(rd, res->name);
	if (path && exists(path, exists_arg)) {
		cmd->kind = HB_SCRIPT_HA;
	} else {
		free(path);
		path = path_join(id, res->name);
		if (path && exists(path, exists_arg)) {
			cmd->kind = HB_SCRIPT_INIT;
		} else {
			free(path);
			path = NULL;
			if (asprintf(&agents, "%s/resource.d/heartbeat", ocf) < 0)
				goto oom;
			path = path_join(agents, res->name);
			if (!path)
				goto oom;
			if (!exists(path, exists_arg)) {
				snprintf(err, errlen, "resource %s: no script %s in %s, %s or %s",
					 res->spec, res->name, rd, id, agents);
				goto fail;
			}
			cmd->kind = HB_SCRIPT_OCF;
		}
	}
	if (!path)
		goto oom;

	for (size_t i = 0; base_env && base_env[i]; i++)
		sv_putenv(&env, base_env[i]);
	sv_add_owned(&argv, strdup(path));
	if (cmd->kind == HB_SCRIPT_OCF) {
		char *inst = NULL;

		if (ocf_reskeys(res, &env, err, errlen) < 0)
			goto fail;
		sv_setenv(&env, "OCF_ROOT", ocf);
		sv_setenv(&env, "OCF_RA_VERSION_MAJOR", "1");
		sv_setenv(&env, "OCF_RA_VERSION_MINOR", "0");
		sv_setenv(&env, "OCF_RESOURCE_TYPE", res->name);
		sv_setenv(&env, "OCF_TYPE", res->name);
		if (asprintf(&inst, "%s%s%s", res->name, res->nargs ? "_" : "",
			     res->nargs ? res->args[0] : "") < 0)
			goto oom;
		sv_setenv(&env, "OCF_RESOURCE_INSTANCE", inst);
		free(inst);
		sv_add_owned(&argv, strdup(op == HB_SCRIPT_STATUS ? "monitor" :
					   hb_script_op_str(op)));
	} else {
		for (size_t i = 0; i < res->nargs; i++)
			sv_add_owned(&argv, strdup(res->args[i]));
		sv_add_owned(&argv, strdup(hb_script_op_str(op)));
	}
	cmd->envp = sv_finish(&env);
	env.v = NULL;
	cmd->argv = sv_finish(&argv);
	argv.v = NULL;
	if (!cmd->envp || !cmd->argv)
		goto oom;
	cmd->path = path;
	for (cmd->argc = 0; cmd->argv[cmd->argc]; cmd->argc++)
		;
	for (cmd->envc = 0; cmd->envp[cmd->envc]; cmd->envc++)
		;
	free(agents);
	return 0;
oom:
	snprintf(err, errlen, "resource %s: out of memory", res->spec ? res->spec : "?");
fail:
	if (argv.v)
		argv.v[argv.n] = NULL;
	if (env.v)
		env.v[env.n] = NULL;
	hb_script_strv_free(argv.v);
	hb_script_strv_free(env.v);
	free(path);
	free(agents);
	hb_script_cmd_free(cmd);
	return -1;
}

/* ---- status ----------------------------------------------------------- */

static bool contains_ci(const char *s, size_t n, const char *pat)
{
	size_t pl = strlen(pat);

	for (size_t i = 0; i + pl <= n; i++)
		if (strncasecmp(s + i, pat, pl) == 0)
			return true;
	return false;
}

static bool contains(const char *s, size_t n, const char *pat)
{
	size_t pl = strlen(pat);

	for (size_t i = 0; i + pl <= n; i++)
		if (memcmp(s + i, pat, pl) == 0)
			return true;
	return false;
}

enum hb_script_status hb_script_judge(enum hb_script_kind kind, int exit_code,
				      const char *out, size_t outlen)
{
	if (kind == HB_SCRIPT_OCF) {
		if (exit_code == 0)
			return HB_STATUS_RUNNING;
		if (exit_code == 7)
			return HB_STATUS_NOT_RUNNING;
		return HB_STATUS_ERROR;
	}
	if (!out)
		return HB_STATUS_NOT_RUNNING;
	if (contains_ci(out, outlen, "not running"))
		return HB_STATUS_NOT_RUNNING;
	if (contains(out, outlen, "running") || contains(out, outlen, "Running") ||
	    contains(out, outlen, "OK"))
		return HB_STATUS_RUNNING;
	return HB_STATUS_NOT_RUNNING;
}
