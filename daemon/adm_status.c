/* duetadm: status printers, see adm_status.h. */
#include "daemon/adm_status.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kmod/core/state.h"
#include "kmod/uapi/duet_genl.h"

#define MAX_SEL 4096

static int64_t get(const struct adm_msg *m, int set, int attr, int64_t def)
{
	const struct adm_attr *a = adm_find(adm_msg_find(m, set), attr);

	return a ? a->num : def;
}

static const char *res_of(const struct adm_msg *m)
{
	const struct adm_attr *a = adm_find(adm_msg_find(m, DUET_A_CTX),
					    DUET_CTX_A_RES_NAME);

	return a && a->str ? a->str : "";
}

static int cmp_minor(const void *a, const void *b)
{
	int64_t x = get(*(const struct adm_msg *const *)a, DUET_A_CTX, DUET_CTX_A_MINOR, -1);
	int64_t y = get(*(const struct adm_msg *const *)b, DUET_A_CTX, DUET_CTX_A_MINOR, -1);

	return (x > y) - (x < y);
}

size_t adm_status_select(const struct adm_msg *replies, size_t n,
			 const char *res, const struct adm_msg **out, size_t max)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < max; i++)
		if (strcmp(res_of(&replies[i]), res) == 0 &&
		    adm_find(adm_msg_find(&replies[i], DUET_A_CTX), DUET_CTX_A_MINOR))
			out[k++] = &replies[i];
	qsort(out, k, sizeof(*out), cmp_minor);
	return k;
}

static const char *role_s(const struct adm_msg *m, int attr)
{
	return duet_role_str((enum duet_role)get(m, DUET_A_STATE, attr, DUET_ROLE_UNKNOWN));
}

static const char *conn_s(const struct adm_msg *m)
{
	return duet_conn_str((enum duet_conn)get(m, DUET_A_STATE, DUET_STATE_A_CONN,
						  DUET_C_STANDALONE));
}

static const char *disk_s(const struct adm_msg *m, int attr)
{
	return duet_disk_str((enum duet_disk)get(m, DUET_A_STATE, attr, DUET_D_DISKLESS));
}

void adm_print_role(struct dconf_sb *sb, const struct adm_msg *replies, size_t n,
		    const char *res)
{
	const struct adm_msg *sel[MAX_SEL];
	size_t k = adm_status_select(replies, n, res, sel, MAX_SEL);

	if (k == 0) {
		dconf_sb_add(sb, "Unconfigured\n");
		return;
	}
	dconf_sb_addf(sb, "%s/%s\n", role_s(sel[0], DUET_STATE_A_ROLE),
		      role_s(sel[0], DUET_STATE_A_PEER_ROLE));
}

void adm_print_cstate(struct dconf_sb *sb, const struct adm_msg *replies,
		      size_t n, const char *res)
{
	const struct adm_msg *sel[MAX_SEL];
	size_t k = adm_status_select(replies, n, res, sel, MAX_SEL);

	if (k == 0)
		dconf_sb_add(sb, "Unconfigured\n");
	for (size_t i = 0; i < k; i++)
		dconf_sb_addf(sb, "%s\n", conn_s(sel[i]));
}

void adm_print_dstate(struct dconf_sb *sb, const struct adm_msg *replies,
		      size_t n, const char *res)
{
	const struct adm_msg *sel[MAX_SEL];
	size_t k = adm_status_select(replies, n, res, sel, MAX_SEL);

	if (k == 0)
		dconf_sb_add(sb, "Unconfigured\n");
	for (size_t i = 0; i < k; i++)
		dconf_sb_addf(sb, "%s/%s\n", disk_s(sel[i], DUET_STATE_A_DISK),
			      disk_s(sel[i], DUET_STATE_A_PEER_DISK));
}

static bool syncing(int64_t conn)
{
	return conn >= DUET_C_STARTING_SYNC_S && conn < DUET_C_NR;
}

/* Per mille of the resync done, or -1 if there is no resync. */
static int64_t done_permille(const struct adm_msg *m)
{
	int64_t total = get(m, DUET_A_STATS, DUET_STATS_A_RS_TOTAL, 0);
	int64_t left = get(m, DUET_A_STATS, DUET_STATS_A_RS_LEFT, 0);

	if (!syncing(get(m, DUET_A_STATE, DUET_STATE_A_CONN, 0)) || total <= 0)
		return -1;
	if (left > total)
		left = total;
	return (total - left) * 1000 / total;
}

static void stats_text(struct dconf_sb *sb, const struct adm_msg *m)
{
	static const struct { int attr; const char *name; } s[] = {
		{ DUET_STATS_A_NS, "ns" }, { DUET_STATS_A_NR, "nr" },
		{ DUET_STATS_A_DW, "dw" }, { DUET_STATS_A_DR, "dr" },
		{ DUET_STATS_A_AL, "al" }, { DUET_STATS_A_BM, "bm" },
		{ DUET_STATS_A_LO, "lo" }, { DUET_STATS_A_PE, "pe" },
		{ DUET_STATS_A_UA, "ua" }, { DUET_STATS_A_AP, "ap" },
		{ DUET_STATS_A_EP, "ep" }, { DUET_STATS_A_OOS, "oos" },
	};

	if (!adm_msg_find(m, DUET_A_STATS))
		return;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		dconf_sb_addf(sb, " %s:%" PRIu64, s[i].name,
			      (uint64_t)get(m, DUET_A_STATS, s[i].attr, 0));
}

void adm_print_status(struct dconf_sb *sb, const struct adm_msg *replies,
		      size_t n, const char *res, bool stats)
{
	const struct adm_msg *sel[MAX_SEL];
	size_t k = adm_status_select(replies, n, res, sel, MAX_SEL);

	if (k == 0) {
		dconf_sb_addf(sb, "%s role:Unconfigured\n", res);
		return;
	}
	dconf_sb_addf(sb, "%s role:%s\n", res, role_s(sel[0], DUET_STATE_A_ROLE));
	for (size_t i = 0; i < k; i++) {
		dconf_sb_addf(sb, "  volume:%" PRId64 " minor:%" PRId64 " disk:%s",
			      get(sel[i], DUET_A_CTX, DUET_CTX_A_VOLUME, 0),
			      get(sel[i], DUET_A_CTX, DUET_CTX_A_MINOR, 0),
			      disk_s(sel[i], DUET_STATE_A_DISK));
		if (stats)
			stats_text(sb, sel[i]);
		dconf_sb_add(sb, "\n");
	}
	dconf_sb_addf(sb, "  peer role:%s connection:%s\n",
		      role_s(sel[0], DUET_STATE_A_PEER_ROLE),
		      get(sel[0], DUET_A_STATE, DUET_STATE_A_CONN, 0) >= DUET_C_CONNECTED ?
		      "Connected" : conn_s(sel[0]));
	for (size_t i = 0; i < k; i++) {
		int64_t conn = get(sel[i], DUET_A_STATE, DUET_STATE_A_CONN, 0);
		int64_t pm = done_permille(sel[i]);

		if (conn < DUET_C_CONNECTED)
			continue;
		dconf_sb_addf(sb, "    volume:%" PRId64 " replication:%s peer-disk:%s",
			      get(sel[i], DUET_A_CTX, DUET_CTX_A_VOLUME, 0),
			      conn == DUET_C_CONNECTED ? "Established" : conn_s(sel[i]),
			      disk_s(sel[i], DUET_STATE_A_PEER_DISK));
		if (pm >= 0)
			dconf_sb_addf(sb, " done:%" PRId64 ".%" PRId64, pm / 10, pm % 10);
		dconf_sb_add(sb, "\n");
	}
}

/* ---- JSON ------------------------------------------------------------- */

static void json_str(struct dconf_sb *sb, const char *s)
{
	dconf_sb_add(sb, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			dconf_sb_addf(sb, "\\%c", *p);
		else if (*p < 0x20)
			dconf_sb_addf(sb, "\\u%04x", *p);
		else
			dconf_sb_addn(sb, (const char *)p, 1);
	}
	dconf_sb_add(sb, "\"");
}

static void json_kv(struct dconf_sb *sb, const char *k, const char *v, bool comma)
{
	json_str(sb, k);
	dconf_sb_add(sb, ":");
	json_str(sb, v);
	if (comma)
		dconf_sb_add(sb, ",");
}

static void json_volume(struct dconf_sb *sb, const struct adm_msg *m)
{
	static const struct { int attr; const char *name; } s[] = {
		{ DUET_STATS_A_NS, "ns" }, { DUET_STATS_A_NR, "nr" },
		{ DUET_STATS_A_DW, "dw" }, { DUET_STATS_A_DR, "dr" },
		{ DUET_STATS_A_AL, "al" }, { DUET_STATS_A_BM, "bm" },
		{ DUET_STATS_A_LO, "lo" }, { DUET_STATS_A_PE, "pe" },
		{ DUET_STATS_A_UA, "ua" }, { DUET_STATS_A_AP, "ap" },
		{ DUET_STATS_A_EP, "ep" }, { DUET_STATS_A_OOS, "oos" },
	};
	int64_t pm = done_permille(m);

	dconf_sb_addf(sb, "{\"volume\":%" PRId64 ",\"minor\":%" PRId64 ",",
		      get(m, DUET_A_CTX, DUET_CTX_A_VOLUME, 0),
		      get(m, DUET_A_CTX, DUET_CTX_A_MINOR, 0));
	json_kv(sb, "connection", conn_s(m), true);
	json_kv(sb, "disk", disk_s(m, DUET_STATE_A_DISK), true);
	json_kv(sb, "peer-disk", disk_s(m, DUET_STATE_A_PEER_DISK), true);
	dconf_sb_addf(sb, "\"suspended\":%s,",
		      get(m, DUET_A_STATE, DUET_STATE_A_SUSP, 0) ||
		      get(m, DUET_A_STATE, DUET_STATE_A_SUSP_NOD, 0) ||
		      get(m, DUET_A_STATE, DUET_STATE_A_SUSP_FEN, 0) ? "true" : "false");
	dconf_sb_add(sb, "\"stats\":{");
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		dconf_sb_addf(sb, "%s\"%s\":%" PRIu64, i ? "," : "", s[i].name,
			      (uint64_t)get(m, DUET_A_STATS, s[i].attr, 0));
	dconf_sb_add(sb, "}");
	if (pm >= 0)
		dconf_sb_addf(sb, ",\"resync\":{\"total-kib\":%" PRIu64 ",\"left-kib\":%" PRIu64
			      ",\"done\":%" PRId64 ".%" PRId64 ",\"speed-kib\":%" PRIu64
			      ",\"eta-s\":%" PRIu64 "}",
			      (uint64_t)get(m, DUET_A_STATS, DUET_STATS_A_RS_TOTAL, 0),
			      (uint64_t)get(m, DUET_A_STATS, DUET_STATS_A_RS_LEFT, 0),
			      pm / 10, pm % 10,
			      (uint64_t)get(m, DUET_A_STATS, DUET_STATS_A_RS_SPEED, 0),
			      (uint64_t)get(m, DUET_A_STATS, DUET_STATS_A_RS_ETA, 0));
	dconf_sb_add(sb, "}");
}

void adm_print_status_json(struct dconf_sb *sb, const struct adm_msg *replies,
			   size_t n, const char *const *res, size_t nres)
{
	const struct adm_msg *sel[MAX_SEL];

	dconf_sb_add(sb, "{\"resources\":[");
	for (size_t r = 0; r < nres; r++) {
		size_t k = adm_status_select(replies, n, res[r], sel, MAX_SEL);

		if (r)
			dconf_sb_add(sb, ",");
		dconf_sb_add(sb, "{");
		json_kv(sb, "name", res[r], true);
		if (k == 0) {
			dconf_sb_add(sb, "\"configured\":false}");
			continue;
		}
		dconf_sb_add(sb, "\"configured\":true,");
		json_kv(sb, "role", role_s(sel[0], DUET_STATE_A_ROLE), true);
		json_kv(sb, "peer-role", role_s(sel[0], DUET_STATE_A_PEER_ROLE), true);
		dconf_sb_add(sb, "\"volumes\":[");
		for (size_t i = 0; i < k; i++) {
			if (i)
				dconf_sb_add(sb, ",");
			json_volume(sb, sel[i]);
		}
		dconf_sb_add(sb, "]}");
	}
	dconf_sb_add(sb, "]}\n");
}

void adm_print_event(struct dconf_sb *sb, const struct adm_msg *m)
{
	const struct adm_attr *ev = adm_msg_find(m, DUET_A_EVENT);
	int64_t type = get(m, DUET_A_EVENT, DUET_EVENT_A_TYPE, DUET_EV_CHANGE);
	const char *what = !ev ? "exists" : type == DUET_EV_CREATE ? "create" :
			   type == DUET_EV_DESTROY ? "destroy" : "change";

	dconf_sb_addf(sb, "%s resource:%s volume:%" PRId64 " minor:%" PRId64, what,
		      res_of(m), get(m, DUET_A_CTX, DUET_CTX_A_VOLUME, 0),
		      get(m, DUET_A_CTX, DUET_CTX_A_MINOR, 0));
	if (adm_msg_find(m, DUET_A_STATE))
		dconf_sb_addf(sb, " role:%s peer-role:%s connection:%s disk:%s peer-disk:%s",
			      role_s(m, DUET_STATE_A_ROLE), role_s(m, DUET_STATE_A_PEER_ROLE),
			      conn_s(m), disk_s(m, DUET_STATE_A_DISK),
			      disk_s(m, DUET_STATE_A_PEER_DISK));
	dconf_sb_add(sb, "\n");
}
