/*
 * hb_conf: ha.cf parser. A keyword table in the manner of keepalived's
 * install_keyword(): each directive has a handler, a kind (one value per
 * token, or the rest of the line) and whether Heartbeat records its value
 * for HA_<name>. The rules and messages follow heartbeat.md §1 and
 * Heartbeat 3.0.6's behaviour as measured there (§11.2); no Heartbeat code
 * is used.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "daemon/hb/hb_conf.h"
#include "daemon/hb/hb_conf_priv.h"
#include "daemon/hb/hb_str.h"

#define HB_CONF_MAX_LINE	4096

void hb_cf_err(struct cctx *x, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hb_diag_add(x->d, HB_SEV_ERR, x->file, x->line, "%s", msg);
}

void hb_cf_warn(struct cctx *x, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hb_diag_add(x->d, HB_SEV_WARN, x->file, x->line, "%s", msg);
}

char *hb_cf_dup(struct cctx *x, const char *s)
{
	char *r = hb_strndup(s, strlen(s));

	if (!r && !x->oom) {
		x->oom = true;
		hb_cf_err(x, "out of memory");
	}
	return r;
}

/* Grows an array of n elements of size sz by one; NULL on ENOMEM. */
void *hb_cf_grow(struct cctx *x, void *arr, size_t n, size_t sz)
{
	void *r = realloc(arr, (n + 1) * sz);

	if (!r && !x->oom) {
		x->oom = true;
		hb_cf_err(x, "out of memory");
	}
	return r;
}

/* ---- recorded values (HA_<name>) --------------------------------------- */

static int set_param(struct hb_conf *c, const char *name, const char *value)
{
	char *v;

	for (size_t i = 0; i < c->nparams; i++) {
		if (strcmp(c->params[i].name, name) == 0) {
			if (!(v = hb_strndup(value, strlen(value))))
				return -1;
			free(c->params[i].value);
			c->params[i].value = v;
			return 0;
		}
	}
	struct hb_param *p = realloc(c->params, (c->nparams + 1) * sizeof(*p));

	if (!p)
		return -1;
	c->params = p;
	p[c->nparams].name = hb_strndup(name, strlen(name));
	p[c->nparams].value = hb_strndup(value, strlen(value));
	if (!p[c->nparams].name || !p[c->nparams].value) {
		free(p[c->nparams].name);
		free(p[c->nparams].value);
		return -1;
	}
	c->nparams++;
	return 0;
}

const char *hb_conf_param(const struct hb_conf *c, const char *name)
{
	for (size_t i = 0; i < c->nparams; i++)
		if (strcmp(c->params[i].name, name) == 0)
			return c->params[i].value;
	return NULL;
}

/* ---- values ------------------------------------------------------------ */

int hb_conf_parse_time(const char *s, uint32_t *ms)
{
	/* value = ip.frac; frac kept as 9 decimal digits */
	uint64_t ip = 0, frac = 0, scale = 100000000ULL;
	uint64_t nano, div, r;
	bool digits = false;
	const char *u;

	for (; *s >= '0' && *s <= '9'; s++) {
		if (ip > 10000000ULL)
			return -1;
		ip = ip * 10 + (uint64_t)(*s - '0');
		digits = true;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			frac += (uint64_t)(*s - '0') * scale;
			scale /= 10;
			digits = true;
		}
	}
	if (!digits)
		return -1;
	u = s;
	nano = ip * 1000000000ULL + frac;	/* in 1e-9 of the unit */
	if (*u == '\0' || strcasecmp(u, "s") == 0 || strcasecmp(u, "sec") == 0)
		div = 1000000ULL;		/* seconds -> ms */
	else if (strcasecmp(u, "ms") == 0 || strcasecmp(u, "msec") == 0)
		div = 1000000000ULL;
	else if (strcasecmp(u, "us") == 0 || strcasecmp(u, "usec") == 0)
		div = 1000000000000ULL;
	else
		return -1;
	r = (nano + div / 2) / div;		/* round half up, as Heartbeat */
	if (r > INT32_MAX)
		return -1;
	*ms = (uint32_t)r;
	return 0;
}

/* ---- handlers ---------------------------------------------------------- */

static int set_strp(struct cctx *x, char **dst, const char *v)
{
	char *s = hb_cf_dup(x, v);

	if (!s)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static int kw_cluster(struct cctx *x, const char *v)
{
	return set_strp(x, &x->c->cluster, v);
}

static int kw_node(struct cctx *x, const char *v)
{
	struct hb_conf *c = x->c;
	char **n;
	char *name;

	if (strlen(v) > HB_NODENAME_MAX) {
		hb_cf_err(x, "node name [%s] is too long (more than %d characters)",
		    v, HB_NODENAME_MAX);
		return -1;
	}
	if (!(name = hb_cf_dup(x, v)))
		return -1;
	hb_strlower(name);
	if (hb_conf_node_index(c, name) >= 0) {
		hb_cf_warn(x, "node [%s] listed more than once", name);
		free(name);
		return 0;
	}
	if (!(n = hb_cf_grow(x, c->nodes, c->nnodes, sizeof(*n)))) {
		free(name);
		return -1;
	}
	c->nodes = n;
	n[c->nnodes++] = name;
	return 0;
}

static int kw_ulong(struct cctx *x, const char *v, unsigned long lo,
		    unsigned long hi, unsigned *dst, const char *what)
{
	unsigned long n;

	if (hb_parse_ulong(v, hi, &n) != 0 || n < lo) {
		hb_cf_err(x, "Invalid %s [%s] (expected %lu to %lu)", what, v, lo, hi);
		return -1;
	}
	*dst = (unsigned)n;
	return 0;
}

static int kw_hopfudge(struct cctx *x, const char *v)
{
	return kw_ulong(x, v, 0, 255, &x->c->hopfudge, "hopfudge");
}

static int kw_time(struct cctx *x, const char *v, const char *what,
		   uint32_t *dst, bool zero_ok)
{
	uint32_t ms;

	if (hb_conf_parse_time(v, &ms) != 0 || (!zero_ok && ms == 0)) {
		hb_cf_err(x, "Invalid %s time [%s]", what, v);
		return -1;
	}
	*dst = ms;
	return 0;
}

static int kw_keepalive(struct cctx *x, const char *v)
{
	x->keepalive_line = x->line;
	return kw_time(x, v, "keepalive", &x->c->keepalive_ms, false);
}

static int kw_deadtime(struct cctx *x, const char *v)
{
	x->deadtime_line = x->line;
	return kw_time(x, v, "deadtime", &x->c->deadtime_ms, true);
}

static int kw_deadping(struct cctx *x, const char *v)
{
	x->deadping_line = x->line;
	x->deadping_set = true;
	return kw_time(x, v, "deadping", &x->c->deadping_ms, true);
}

static int kw_initdead(struct cctx *x, const char *v)
{
	x->initdead_line = x->line;
	x->initdead_set = true;
	return kw_time(x, v, "initdead", &x->c->initdead_ms, true);
}

static int kw_warntime(struct cctx *x, const char *v)
{
	uint32_t ms;

	x->warntime_line = x->line;
	if (hb_conf_parse_time(v, &ms) != 0 || ms == 0) {
		hb_cf_err(x, "Warn time [%s] is invalid.", v);
		return -1;
	}
	x->warntime_set = true;
	x->c->warntime_ms = ms;
	return 0;
}

static int kw_watchdog(struct cctx *x, const char *v)
{
	if (x->c->watchdog) {
		hb_cf_err(x, "Watchdog device multiply specified.");
		return -1;
	}
	return set_strp(x, &x->c->watchdog, v);
}

static int kw_baud(struct cctx *x, const char *v)
{
	static const unsigned long rates[] = {
		9600, 19200, 38400, 57600, 115200, 230400, 460800,
	};
	unsigned long b;
	size_t i;

	if (x->baud_set) {
		hb_cf_err(x, "Baudrate multiply specified.");
		return -1;
	}
	x->baud_set = true;
	if (hb_parse_ulong(v, 10000000, &b) != 0)
		b = 0;
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (rates[i] == b)
			break;
	if (i == sizeof(rates) / sizeof(rates[0])) {
		hb_cf_err(x, "invalid baudrate [%s] specified.", v);
		return -1;
	}
	if (x->serial_yet)
		hb_cf_warn(x, "baudrate setting must precede media statements");
	x->c->baud = (unsigned)b;
	return 0;
}

static int kw_udpport(struct cctx *x, const char *v)
{
	unsigned long p;

	if (hb_parse_ulong(v, 65535, &p) != 0 || p == 0) {
		hb_cf_err(x, "invalid port [%s] specified.", v);
		return -1;
	}
	if (x->udp_media_yet)
		hb_cf_warn(x, "udpport setting must precede media statements");
	x->c->udpport = (unsigned)p;
	return 0;
}

static int facility_code(const char *name)
{
	static const struct {
		const char *name;
		int code;
	} fac[] = {
		{ "auth", LOG_AUTH }, { "security", LOG_AUTH },
		{ "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
		{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
		{ "kern", LOG_KERN }, { "lpr", LOG_LPR },
		{ "mail", LOG_MAIL }, { "news", LOG_NEWS },
		{ "syslog", LOG_SYSLOG }, { "user", LOG_USER },
		{ "uucp", LOG_UUCP },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; i < sizeof(fac) / sizeof(fac[0]); i++)
		if (strcmp(name, fac[i].name) == 0)
			return fac[i].code;
	return -2;
}

static int kw_logfacility(struct cctx *x, const char *v)
{
	int code = strcmp(v, "none") == 0 ? -1 : facility_code(v);

	if (code == -2) {
		hb_cf_err(x, "Log facility(%s) not valid", v);
		return -1;
	}
	x->c->log_facility = code;
	return set_strp(x, &x->c->logfacility, v);
}

static int kw_logfile(struct cctx *x, const char *v)
{
	return set_strp(x, &x->c->logfile, v);
}

static int kw_debugfile(struct cctx *x, const char *v)
{
	return set_strp(x, &x->c->debugfile, v);
}

static int kw_auto_failback(struct cctx *x, const char *v)
{
	bool b;

	x->failback_line = x->line;
	if (hb_parse_bool(v, &b) == 0) {
		x->c->auto_failback = b ? HB_FAILBACK_ON : HB_FAILBACK_OFF;
		return 0;
	}
	if (strcasecmp(v, "legacy") == 0) {
		x->c->auto_failback = HB_FAILBACK_LEGACY;
		return 0;
	}
	hb_cf_err(x, "Invalid auto_failback value [%s] (expected on, off or legacy)", v);
	return -1;
}

/*
 * Obsolete. Heartbeat 3.0.6 means "on -> auto_failback off, off -> legacy"
 * but tests the mode in force instead of the value (heartbeat.md §1.2):
 * the result is "off" only if an earlier auto_failback on/off line set
 * nice_failback already. We do what it does, and say so.
 */
static int kw_nice_failback(struct cctx *x, const char *v)
{
	bool b;

	if (hb_parse_bool(v, &b) != 0) {
		hb_cf_err(x, "Invalid nice_failback value [%s]", v);
		return -1;
	}
	if (x->c->auto_failback != HB_FAILBACK_LEGACY) {
		hb_cf_warn(x, "nice_failback flag is obsolete.. Use auto_failback {on, off, legacy} instead. "
		     "'nice_failback %s' has been changed to 'auto_failback off'", v);
		x->c->auto_failback = HB_FAILBACK_OFF;
	} else {
		hb_cf_warn(x, "nice_failback flag is obsolete.. Use auto_failback {on, off, legacy} instead. "
		     "nice_failback %s has been strictly interpreted as 'auto_failback legacy'", v);
	}
	x->failback_line = x->line;
	return set_param(x->c, "auto_failback",
			 hb_failback_str(x->c->auto_failback)) ? -1 : 0;
}

static int kw_rtprio(struct cctx *x, const char *v)
{
	unsigned long p;

	if (hb_parse_ulong(v, 99, &p) != 0 || p < 1) {
		hb_cf_err(x, "Illegal realtime priority [%s]", v);
		return -1;
	}
	x->c->rtprio = (int)p;
	return 0;
}

static int kw_hbgenmethod(struct cctx *x, const char *v)
{
	if (strcmp(v, "file") == 0 || strcmp(v, "time") == 0) {
		x->c->hbgen_time = v[0] == 't';
		return 0;
	}
	hb_cf_err(x, "Illegal hb generation method [%s]", v);
	return -1;
}

static int kw_bool(struct cctx *x, const char *v, bool *dst)
{
	bool b;

	if (hb_parse_bool(v, &b) != 0) {
		hb_cf_err(x, "Invalid boolean value [%s] (expected on or off)", v);
		return -1;
	}
	if (dst)
		*dst = b;
	return 0;
}

static int kw_realtime(struct cctx *x, const char *v)
{
	return kw_bool(x, v, &x->c->realtime);
}

static int kw_plain_bool(struct cctx *x, const char *v)
{
	return kw_bool(x, v, NULL);
}

static int kw_debug(struct cctx *x, const char *v)
{
	return kw_ulong(x, v, 0, 255, &x->c->debug, "debug level");
}

static int kw_msgfmt(struct cctx *x, const char *v)
{
	if (strcmp(v, "classic") == 0 || strcmp(v, "netstring") == 0) {
		x->c->msgfmt_netstring = v[0] == 'n';
		return 0;
	}
	hb_cf_err(x, "Invalid msgfmt [%s] (expected classic or netstring)", v);
	return -1;
}

static int kw_use_logd(struct cctx *x, const char *v)
{
	x->use_logd_line = x->line;
	x->use_logd_set = true;
	return kw_bool(x, v, &x->c->use_logd);
}

static int kw_conn_logd_time(struct cctx *x, const char *v)
{
	return kw_time(x, v, "conn_logd_time", &x->c->conn_logd_ms, false);
}

static int kw_coredumps(struct cctx *x, const char *v)
{
	return kw_bool(x, v, &x->c->coredumps);
}

static int kw_coreroot(struct cctx *x, const char *v)
{
	return set_strp(x, &x->c->coreroot, v);
}

/* Pacemaker-only knobs must precede the pacemaker/crm line (as Heartbeat). */
static int kw_pcmk_knob(struct cctx *x, const char *v)
{
	if (x->pacemaker_seen) {
		hb_cf_err(x, "If you specify %s, it must come before the pacemaker directive", v);
		return -1;
	}
	return 0;
}

static int kw_pcmk_bool(struct cctx *x, const char *v)
{
	if (kw_pcmk_knob(x, v) != 0)
		return -1;
	return kw_bool(x, v, NULL);
}

static int kw_pacemaker(struct cctx *x, const char *v)
{
	bool on;

	if (x->pacemaker_seen) {
		hb_cf_err(x, "pacemaker/crm directive used multiple times!");
		return -1;
	}
	x->pacemaker_seen = true;
	if (hb_parse_bool(v, &on) == 0 && !on)
		return 0;
	if (hb_parse_bool(v, &on) == 0 || strcasecmp(v, "respawn") == 0 ||
	    strcasecmp(v, "minimal") == 0 || strcasecmp(v, "manual") == 0 ||
	    strcasecmp(v, "ccm-only") == 0 || strcasecmp(v, "valgrind") == 0) {
		hb_cf_err(x, "not supported by duet: pacemaker/crm mode [%s]; duet runs "
		    "haresources groups itself (use 'crm off', or run Pacemaker "
		    "with duet's OCF agent)", v);
		return -1;
	}
	hb_cf_err(x, "Invalid pacemaker/crm value [%s]", v);
	return -1;
}

static int kw_autojoin(struct cctx *x, const char *v)
{
	x->autojoin_line = x->line;
	if (strcasecmp(v, "none") == 0)
		x->autojoin = 0;
	else if (strcasecmp(v, "other") == 0)
		x->autojoin = 1;
	else if (strcasecmp(v, "any") == 0)
		x->autojoin = 2;
	else {
		hb_cf_err(x, "Invalid autojoin directive [%s]", v);
		return -1;
	}
	return 0;
}

static int kw_uuidfrom(struct cctx *x, const char *v)
{
	if (strcmp(v, "file") == 0 || strcmp(v, "nodename") == 0) {
		x->c->uuid_from_name = v[0] == 'n';
		return 0;
	}
	hb_cf_err(x, "Invalid uuidfrom directive [%s]", v);
	return -1;
}

static int kw_compression(struct cctx *x, const char *v)
{
	if (strcmp(v, "zlib") != 0 && strcmp(v, "bz2") != 0) {
		hb_cf_err(x, "Invalid compression [%s] (expected zlib or bz2)", v);
		return -1;
	}
	return set_strp(x, &x->c->compression, v);
}

static int kw_compression_threshold(struct cctx *x, const char *v)
{
	unsigned long n;

	if (hb_parse_ulong(v, 1024 * 1024, &n) != 0 || n == 0) {
		hb_cf_err(x, "compress_threshhold(%s) invalid", v);
		return -1;
	}
	x->c->compression_threshold_kb = (unsigned)n;
	return 0;
}

static int kw_traditional_compression(struct cctx *x, const char *v)
{
	return kw_bool(x, v, &x->c->traditional_compression);
}

static int kw_env(struct cctx *x, const char *v)
{
	struct hb_conf *c = x->c;
	const char *eq = strchr(v, '=');
	char **e;
	char *s;

	if (!eq || eq == v) {
		hb_cf_err(x, "invalid nvpair(%s)", v);
		return -1;
	}
	if (!(s = hb_cf_dup(x, v)))
		return -1;
	if (!(e = hb_cf_grow(x, c->env, c->nenv, sizeof(*e)))) {
		free(s);
		return -1;
	}
	c->env = e;
	e[c->nenv++] = s;
	return 0;
}

static int kw_max_rexmit_delay(struct cctx *x, const char *v)
{
	unsigned long n;

	if (hb_parse_ulong(v, 3600000, &n) != 0 || n == 0) {
		hb_cf_err(x, "Invalid max_rexmit_delay time(%s)", v);
		return -1;
	}
	x->c->max_rexmit_delay_ms = (unsigned)n;
	return 0;
}

static int kw_memreserve(struct cctx *x, const char *v)
{
	return kw_ulong(x, v, 1, 1024 * 1024, &x->c->memreserve_kb, "memreserve");
}

static int kw_string(struct cctx *x, const char *v)
{
	(void)x;
	(void)v;
	return 0;
}

/* stonith TYPE CONFIGFILE */
static int add_stonith(struct cctx *x, bool per_host, const char *host,
		       const char *type, size_t tlen, const char *params)
{
	struct hb_conf *c = x->c;
	struct hb_stonith *s;

	if (!(s = hb_cf_grow(x, c->stoniths, c->nstoniths, sizeof(*s))))
		return -1;
	c->stoniths = s;
	s += c->nstoniths;
	memset(s, 0, sizeof(*s));
	s->per_host = per_host;
	s->line = x->line;
	s->host = host ? hb_cf_dup(x, host) : NULL;
	s->type = hb_strndup(type, tlen);
	s->params = hb_cf_dup(x, params);
	c->nstoniths++;
	if ((host && !s->host) || !s->type || !s->params)
		return -1;
	if (s->host)
		hb_strlower(s->host);
	return 0;
}

static int kw_stonith(struct cctx *x, const char *v)
{
	size_t tlen = strcspn(v, HB_WHITESPACE);
	const char *rest = v + tlen;

	if (tlen == 0) {
		hb_cf_err(x, "No Stonith type given");
		return -1;
	}
	rest += strspn(rest, HB_WHITESPACE);
	return add_stonith(x, false, NULL, v, tlen, rest);
}

static int kw_stonith_host(struct cctx *x, const char *v)
{
	size_t hlen = strcspn(v, HB_WHITESPACE), tlen;
	const char *t = v + hlen;
	char host[HB_NODENAME_MAX + 1];

	if (hlen > HB_NODENAME_MAX) {
		hb_cf_err(x, "Stonith hostname too long");
		return -1;
	}
	memcpy(host, v, hlen);
	host[hlen] = '\0';
	t += strspn(t, HB_WHITESPACE);
	tlen = strcspn(t, HB_WHITESPACE);
	if (tlen == 0) {
		hb_cf_err(x, "No Stonith type given");
		return -1;
	}
	return add_stonith(x, true, host, t, tlen, t + tlen + strspn(t + tlen, HB_WHITESPACE));
}

static int apiauth_bad(struct cctx *x, const char *v, const char *why)
{
	if (why)
		hb_cf_err(x, "Invalid apiauth directive [%s]: %s", v, why);
	else
		hb_cf_err(x, "Invalid apiauth directive [%s]: syntax is apiauth client [uid=uidlist] [gid=gidlist]", v);
	return -1;
}

static int kw_apiauth(struct cctx *x, const char *v)
{
	struct hb_conf *c = x->c;
	const char *p = v, *uids = NULL, *gids = NULL;
	size_t clen, ulen = 0, glen = 0;
	struct hb_apiauth *a;

	clen = strcspn(p, HB_WHITESPACE);
	if (clen == 0)
		return apiauth_bad(x, v, NULL);
	if (clen >= 64)
		return apiauth_bad(x, v, "client name too long");
	p += clen;
	for (;;) {
		p += strspn(p, HB_WHITESPACE);
		if (!*p)
			break;
		if (strncmp(p, "uid=", 4) == 0) {
			if (uids)
				return apiauth_bad(x, v, "Duplicate uid list in apiauth");
			uids = p + 4;
			ulen = strcspn(uids, HB_WHITESPACE);
			p = uids + ulen;
		} else if (strncmp(p, "gid=", 4) == 0) {
			if (gids)
				return apiauth_bad(x, v, "Duplicate gid list in apiauth");
			gids = p + 4;
			glen = strcspn(gids, HB_WHITESPACE);
			p = gids + glen;
		} else {
			return apiauth_bad(x, v, "Missing uid or gid in apiauth");
		}
	}
	if ((!uids || !ulen) && (!gids || !glen))
		return apiauth_bad(x, v, NULL);
	for (size_t i = 0; i < c->napiauths; i++) {
		if (strlen(c->apiauths[i].client) == clen &&
		    strncmp(c->apiauths[i].client, v, clen) == 0) {
			hb_cf_err(x, "Duplicate apiauth directive for API client %.*s: [%s]",
			    (int)clen, v, v);
			return -1;
		}
	}
	if (!(a = hb_cf_grow(x, c->apiauths, c->napiauths, sizeof(*a))))
		return -1;
	c->apiauths = a;
	a += c->napiauths++;
	memset(a, 0, sizeof(*a));
	a->line = x->line;
	a->client = hb_strndup(v, clen);
	a->uids = uids && ulen ? hb_strndup(uids, ulen) : NULL;
	a->gids = gids && glen ? hb_strndup(gids, glen) : NULL;
	return a->client ? 0 : -1;
}

static int respawn_common(struct cctx *x, const char *v, bool failfast)
{
	struct hb_conf *c = x->c;
	size_t ulen = strcspn(v, HB_WHITESPACE);
	const char *cmd = v + ulen;
	struct hb_respawn *r;

	cmd += strspn(cmd, HB_WHITESPACE);
	if (ulen == 0 || ulen >= 64) {
		hb_cf_err(x, "UID specified for client child is too long");
		return -1;
	}
	if (*cmd != '/') {
		hb_cf_err(x, "Client child command [%s] is not full pathname", cmd);
		return -1;
	}
	if (!(r = hb_cf_grow(x, c->respawns, c->nrespawns, sizeof(*r))))
		return -1;
	c->respawns = r;
	r += c->nrespawns++;
	memset(r, 0, sizeof(*r));
	r->failfast = failfast;
	r->line = x->line;
	r->user = hb_strndup(v, ulen);
	r->command = hb_cf_dup(x, cmd);
	r->path = hb_strndup(cmd, strcspn(cmd, HB_WHITESPACE));
	return r->user && r->command && r->path ? 0 : -1;
}

static int kw_respawn(struct cctx *x, const char *v)
{
	return respawn_common(x, v, false);
}

static int kw_failfast(struct cctx *x, const char *v)
{
	return respawn_common(x, v, true);
}

static const struct kw keywords[] = {
	{ "cluster", KW_OPT, kw_cluster, true, false },
	{ "node", KW_OPT, kw_node, false, true },
	{ "hopfudge", KW_OPT, kw_hopfudge, true, false },
	{ "keepalive", KW_OPT, kw_keepalive, true, false },
	{ "deadtime", KW_OPT, kw_deadtime, true, false },
	{ "deadping", KW_OPT, kw_deadping, true, false },
	{ "initdead", KW_OPT, kw_initdead, true, false },
	{ "warntime", KW_OPT, kw_warntime, true, false },
	{ "watchdog", KW_OPT, kw_watchdog, true, false },
	{ "baud", KW_OPT, kw_baud, true, false },
	{ "udpport", KW_OPT, kw_udpport, true, false },
	{ "logfacility", KW_OPT, kw_logfacility, true, false },
	{ "logfile", KW_OPT, kw_logfile, true, false },
	{ "debugfile", KW_OPT, kw_debugfile, true, false },
	{ "nice_failback", KW_OPT, kw_nice_failback, false, false },
	{ "auto_failback", KW_OPT, kw_auto_failback, true, false },
	{ "rtprio", KW_OPT, kw_rtprio, true, false },
	{ "hbgenmethod", KW_OPT, kw_hbgenmethod, true, false },
	{ "realtime", KW_OPT, kw_realtime, true, false },
	{ "debug", KW_OPT, kw_debug, true, false },
	{ "msgfmt", KW_OPT, kw_msgfmt, true, false },
	{ "use_logd", KW_OPT, kw_use_logd, true, false },
	{ "conn_logd_time", KW_OPT, kw_conn_logd_time, true, false },
	{ "use_apphbd", KW_OPT, kw_plain_bool, false, false },
	{ "log_badpack", KW_OPT, kw_plain_bool, true, false },
	{ "syslogmsgfmt", KW_OPT, kw_plain_bool, true, false },
	{ "coredumps", KW_OPT, kw_coredumps, true, false },
	{ "coreroot", KW_OPT, kw_coreroot, true, false },
	{ "crm_daemon_dir", KW_OPT, kw_pcmk_knob, true, false },
	{ "crmd_spawns_pengine", KW_OPT, kw_pcmk_bool, true, false },
	{ "crm", KW_OPT, kw_pacemaker, true, false },	/* recorded as "pacemaker" */
	{ "pacemaker", KW_OPT, kw_pacemaker, true, false },
	{ "autojoin", KW_OPT, kw_autojoin, true, false },
	{ "uuidfrom", KW_OPT, kw_uuidfrom, true, false },
	{ "compression", KW_OPT, kw_compression, true, false },
	{ "compression_threshold", KW_OPT, kw_compression_threshold, true, false },
	{ "traditional_compression", KW_OPT, kw_traditional_compression, true, false },
	{ "env", KW_OPT, kw_env, false, true },
	{ "max_rexmit_delay", KW_OPT, kw_max_rexmit_delay, true, false },
	{ "record_config_changes", KW_OPT, kw_plain_bool, true, false },
	{ "record_pengine_inputs", KW_OPT, kw_plain_bool, true, false },
	{ "enable_config_writes", KW_OPT, kw_plain_bool, true, false },
	{ "memreserve", KW_OPT, kw_memreserve, true, false },
	{ "quorum_server", KW_OPT, kw_string, true, false },
	/* whole-line directives */
	{ "stonith", KW_LINE, kw_stonith, false, false },
	{ "stonith_host", KW_LINE, kw_stonith_host, false, false },
	{ "apiauth", KW_LINE, kw_apiauth, false, false },
	{ "respawn", KW_LINE, kw_respawn, false, false },
	{ "failfast", KW_LINE, kw_failfast, false, false },
	/* media (Heartbeat's HBcomm plugins shipped by Debian) */
	{ "bcast", KW_OPT, hb_cf_bcast, false, true },
	{ "serial", KW_OPT, hb_cf_serial, false, true },
	{ "ping", KW_OPT, hb_cf_ping, false, true },
	{ "ping6", KW_OPT, hb_cf_ping6, false, true },
	{ "mcast", KW_LINE, hb_cf_mcast, false, false },
	{ "mcast6", KW_LINE, hb_cf_mcast6, false, false },
	{ "ucast", KW_LINE, hb_cf_ucast, false, false },
	{ "ucast6", KW_LINE, hb_cf_ucast6, false, false },
	{ "ping_group", KW_LINE, hb_cf_ping_group, false, false },
};

/* Built-in values Heartbeat records for directives not in the file. */
static const struct {
	const char *name, *value;
} defaults[] = {
	{ "cluster", "linux-ha" }, { "hopfudge", "1" },
	{ "keepalive", "1000ms" }, { "deadtime", "30000ms" },
	{ "baud", "19200" }, { "auto_failback", "legacy" },
	{ "hbgenmethod", "file" }, { "realtime", "true" },
	{ "debug", "0" }, { "msgfmt", "classic" },
	{ "conn_logd_time", "60" }, { "log_badpack", "true" },
	{ "syslogmsgfmt", "true" }, { "coredumps", "true" },
	{ "pacemaker", "false" }, { "autojoin", "none" },
	{ "uuidfrom", "file" }, { "compression", "zlib" },
	{ "compression_threshold", "2" },
	{ "traditional_compression", "no" },
	{ "max_rexmit_delay", "250" },
	{ "record_config_changes", "on" },
	{ "record_pengine_inputs", "on" },
	{ "enable_config_writes", "on" }, { "memreserve", "6500" },
};

static const struct kw *find_kw(const char *name)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

static void do_line(struct cctx *x, char *s)
{
	const struct kw *k;
	char *cp, *dir, *rest;
	size_t dlen;

	if ((cp = strchr(s, '#')))
		*cp = '\0';
	if ((cp = strpbrk(s, "\r\n")))
		*cp = '\0';
	s += strspn(s, HB_WHITESPACE);
	if (!*s)
		return;

	dlen = strcspn(s, HB_WHITESPACE);
	dir = s;
	rest = s + dlen;
	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, HB_DELIMS);

	if (strcmp(dir, "udp") == 0) {
		hb_cf_warn(x, "directive 'udp' replaced by 'bcast'");
		dir = "bcast";
	}
	if (!(k = find_kw(dir))) {
		hb_cf_err(x, "Illegal directive [%s]", dir);
		return;
	}
	if (!*rest) {
		hb_cf_warn(x, "directive [%s] has no value; ignored", dir);
		return;
	}

	if (k->kind == KW_LINE) {
		size_t l = strlen(rest);

		while (l && strchr(HB_WHITESPACE, rest[l - 1]))
			rest[--l] = '\0';
		k->fn(x, rest);
		return;
	}

	unsigned nvals = 0;
	const char *last = NULL;

	while (*rest) {
		size_t l = strcspn(rest, HB_DELIMS);
		char *val = rest;

		rest += l;
		if (*rest)
			*rest++ = '\0';
		rest += strspn(rest, HB_DELIMS);
		nvals++;
		last = val;
		if (k->fn(x, val) == 0 && k->record) {
			const char *pname = strcmp(k->name, "crm") == 0 ? "pacemaker" : k->name;

			if (set_param(x->c, pname, val) != 0 && !x->oom) {
				x->oom = true;
				hb_cf_err(x, "out of memory");
			}
		}
	}
	if (nvals > 1 && !k->multi)
		hb_cf_warn(x, "directive [%s] has more than one value; the last one [%s] is used",
		     k->name, last);
}

static void record_default(struct cctx *x, const char *name, const char *value)
{
	if (!hb_conf_param(x->c, name) && set_param(x->c, name, value) != 0 && !x->oom) {
		x->oom = true;
		hb_cf_err(x, "out of memory");
	}
}

static void record_ms(struct cctx *x, const char *name, uint32_t ms)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%lums", (unsigned long)ms);
	record_default(x, name, tmp);
}

/* The whole-file checks, in the order Heartbeat makes them. */
static void finish(struct cctx *x)
{
	struct hb_conf *c = x->c;
	unsigned eof = c->nlines;
	char tmp[32];

	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		record_default(x, defaults[i].name, defaults[i].value);

	if (c->nmedia == 0) {
		x->line = eof;
		hb_cf_err(x, "No heartbeat media defined");
	}
	if (!x->warntime_set) {
		c->warntime_ms = c->deadtime_ms / 2;
		record_ms(x, "warntime", c->warntime_ms);
	}
	if (c->nnodes == 0) {
		x->line = eof;
		hb_cf_err(x, "no nodes defined");
	}
	if (c->nnodes > HB_CONF_MAX_NODES) {
		x->line = eof;
		hb_cf_err(x, "not supported by duet: %zu cluster nodes (duet is a two-node product)",
		    c->nnodes);
	}
	if ((uint64_t)c->deadtime_ms <= 2 * (uint64_t)c->keepalive_ms) {
		x->line = x->deadtime_line ? x->deadtime_line :
			  x->keepalive_line ? x->keepalive_line : eof;
		hb_cf_err(x, "Dead time [%lu] is too small compared to keeplive [%lu]",
		    (unsigned long)c->deadtime_ms, (unsigned long)c->keepalive_ms);
	}
	if (!x->initdead_set) {
		if (c->deadtime_ms > 10000)
			c->initdead_ms = c->deadtime_ms;
		else if (c->deadtime_ms < 6000)
			c->initdead_ms = 12000;
		else
			c->initdead_ms = 2 * c->deadtime_ms;
		record_ms(x, "initdead", c->initdead_ms);
	}
	x->line = x->initdead_line ? x->initdead_line :
		  x->deadtime_line ? x->deadtime_line : eof;
	if (c->initdead_ms < c->deadtime_ms) {
		hb_cf_err(x, "Initial dead time [%lu] is smaller than deadtime [%lu]",
		    (unsigned long)c->initdead_ms, (unsigned long)c->deadtime_ms);
	} else if (c->initdead_ms < 10000) {
		hb_cf_warn(x, "Initial dead time [%lu ms] may be too small! "
		     "It should be >= deadtime and >= 10 seconds",
		     (unsigned long)c->initdead_ms);
	}
	if (!x->deadping_set) {
		c->deadping_ms = c->deadtime_ms;
		record_ms(x, "deadping", c->deadping_ms);
	} else if ((uint64_t)c->deadping_ms <= 2 * (uint64_t)c->keepalive_ms) {
		x->line = x->deadping_line;
		hb_cf_err(x, "Ping dead time [%lu] is too small compared to keeplive [%lu]",
		    (unsigned long)c->deadping_ms, (unsigned long)c->keepalive_ms);
	}
	snprintf(tmp, sizeof(tmp), "%u", c->udpport);
	record_default(x, "udpport", tmp);

	if (c->auto_failback == HB_FAILBACK_LEGACY) {
		x->line = x->failback_line ? x->failback_line : eof;
		hb_cf_warn(x, "Deprecated 'legacy' auto_failback option selected. "
		     "Please convert to 'auto_failback on'.");
	}

	/* logging, as Heartbeat's check_logd_usage() */
	if (!c->logfile && !c->debugfile && c->log_facility <= 0) {
		if (!x->use_logd_set) {
			c->use_logd = true;
			record_default(x, "use_logd", "yes");
		} else if (!c->use_logd) {
			x->line = x->use_logd_line;
			hb_cf_err(x, "No log entry found in ha.cf and use_logd is set to off");
		}
	}
	if (c->log_facility > 0) {
		record_default(x, "logfile", "/dev/null");
		record_default(x, "debugfile", "/dev/null");
	}

	if (x->autojoin != 0) {
		x->line = x->autojoin_line;
		hb_cf_err(x, "R1 style resource management conflicts with autojoin set; "
		    "not supported by duet: autojoin %s (dynamic membership)",
		    x->autojoin == 1 ? "other" : "any");
	}
}

int hb_conf_parse(struct hb_conf *c, const char *buf, size_t len,
		  const char *file, struct hb_diag *d)
{
	struct cctx x;
	struct hb_lines it;
	const char *line;
	size_t llen;
	size_t nerr0 = d->nerr;

	memset(c, 0, sizeof(*c));
	c->keepalive_ms = 1000;
	c->deadtime_ms = 30000;
	c->udpport = HB_DEFAULT_UDPPORT;
	c->baud = HB_DEFAULT_BAUD;
	c->auto_failback = HB_FAILBACK_LEGACY;
	c->log_facility = -1;
	c->conn_logd_ms = 60000;
	c->realtime = true;
	c->rtprio = -1;
	c->memreserve_kb = 6500;
	c->hopfudge = 1;
	c->max_rexmit_delay_ms = 250;
	c->compression_threshold_kb = 2;
	c->coredumps = true;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.file = file;
	x.d = d;

	hb_lines_init(&it, buf, len);
	while (hb_lines_next(&it, &line, &llen)) {
		char *s;

		x.line = it.lineno;
		if (memchr(line, '\0', llen)) {
			hb_cf_err(&x, "NUL byte in line");
			continue;
		}
		if (llen > HB_CONF_MAX_LINE) {
			hb_cf_err(&x, "line too long (more than %d bytes)", HB_CONF_MAX_LINE);
			continue;
		}
		if (!(s = hb_strndup(line, llen))) {
			hb_cf_err(&x, "out of memory");
			continue;
		}
		do_line(&x, s);
		free(s);
	}
	c->nlines = it.lineno;
	if (!c->compression)
		c->compression = hb_strndup("zlib", 4);
	if (!c->cluster)
		c->cluster = hb_strndup("linux-ha", 8);
	finish(&x);
	return d->nerr > nerr0 ? -1 : 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void hb_conf_free(struct hb_conf *c)
{
	free_strv(c->nodes, c->nnodes);
	for (size_t i = 0; i < c->nmedia; i++) {
		free(c->media[i].ifname);
		free(c->media[i].addr);
		free(c->media[i].dev);
	}
	free(c->media);
	for (size_t i = 0; i < c->npings; i++) {
		free(c->pings[i].name);
		free_strv(c->pings[i].addrs, c->pings[i].naddrs);
	}
	free(c->pings);
	for (size_t i = 0; i < c->nrespawns; i++) {
		free(c->respawns[i].user);
		free(c->respawns[i].command);
		free(c->respawns[i].path);
	}
	free(c->respawns);
	for (size_t i = 0; i < c->napiauths; i++) {
		free(c->apiauths[i].client);
		free(c->apiauths[i].uids);
		free(c->apiauths[i].gids);
	}
	free(c->apiauths);
	for (size_t i = 0; i < c->nstoniths; i++) {
		free(c->stoniths[i].host);
		free(c->stoniths[i].type);
		free(c->stoniths[i].params);
	}
	free(c->stoniths);
	free_strv(c->env, c->nenv);
	for (size_t i = 0; i < c->nparams; i++) {
		free(c->params[i].name);
		free(c->params[i].value);
	}
	free(c->params);
	free(c->logfacility);
	free(c->logfile);
	free(c->debugfile);
	free(c->compression);
	free(c->coreroot);
	free(c->cluster);
	free(c->watchdog);
	memset(c, 0, sizeof(*c));
}

int hb_conf_node_index(const struct hb_conf *c, const char *name)
{
	for (size_t i = 0; i < c->nnodes; i++)
		if (strcasecmp(c->nodes[i], name) == 0)
			return (int)i;
	return -1;
}

int hb_conf_check_local(const struct hb_conf *c, const char *localname,
			const char *file, struct hb_diag *d)
{
	if (hb_conf_node_index(c, localname) >= 0)
		return 0;
	hb_diag_add(d, HB_SEV_ERR, file, c->nlines,
		    "Current node [%s] not in configuration! By default, cluster "
		    "nodes are named by `uname -n` and must be declared with a "
		    "'node' directive in the ha.cf file.", localname);
	return -1;
}

unsigned hb_conf_ttl(const struct hb_conf *c)
{
	return c->hopfudge + (unsigned)c->nnodes + (unsigned)c->npings;
}

const char *hb_media_kind_str(enum hb_media_kind k)
{
	switch (k) {
	case HB_MEDIA_BCAST: return "bcast";
	case HB_MEDIA_MCAST: return "mcast";
	case HB_MEDIA_MCAST6: return "mcast6";
	case HB_MEDIA_UCAST: return "ucast";
	case HB_MEDIA_UCAST6: return "ucast6";
	case HB_MEDIA_SERIAL: return "serial";
	}
	return "?";
}

const char *hb_failback_str(enum hb_failback f)
{
	switch (f) {
	case HB_FAILBACK_LEGACY: return "legacy";
	case HB_FAILBACK_ON: return "on";
	case HB_FAILBACK_OFF: return "off";
	}
	return "?";
}
