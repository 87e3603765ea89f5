/*
 * duetadm: the verbs that talk to the kernel (or, with --dry-run, print
 * what they would say), and dump.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/adm_nl.h"
#include "daemon/adm_status.h"
#include "daemon/duetadm.h"
#include "kmod/uapi/duet_genl.h"

static void print_sb(struct dconf_sb *sb)
{
	if (sb->buf)
		fputs(sb->buf, stdout);
	dconf_sb_free(sb);
}

static int open_nl(struct adm_nl **nl)
{
	char err[256];

	switch (adm_nl_open(nl, err, sizeof(err))) {
	case ADM_NL_OK:
		return ADM_EXIT_OK;
	case ADM_NL_NO_FAMILY:
		adm_err("%s", err);
		return ADM_EXIT_NO_MODULE;
	default:
		adm_err("%s", err);
		return ADM_EXIT_NETLINK;
	}
}

/* Which resource a message is about, for messages. */
static const char *msg_res(const struct adm_msg *m)
{
	const struct adm_attr *a = adm_find(adm_msg_find(m, DUET_A_CTX),
					    DUET_CTX_A_RES_NAME);
	return a && a->str ? a->str : NULL;
}

/*
 * Sends the plan in order and stops at the first failure. Replies of the
 * last message are left in *last when LAST is not NULL.
 */
static int send_plan(const struct adm_plan *p, struct adm_nl_result *last)
{
	struct adm_nl *nl;
	int rc = open_nl(&nl);

	if (rc != ADM_EXIT_OK)
		return rc;
	for (size_t i = 0; i < p->n && rc == ADM_EXIT_OK; i++) {
		const struct adm_msg *m = &p->msgs[i];
		struct adm_nl_result res;
		char err[512];
		enum adm_nl_status st = adm_nl_request(nl, m, &res, err, sizeof(err));

		if (st == ADM_NL_REFUSED) {
			adm_err("%s%s%s", msg_res(m) ? msg_res(m) : "",
				msg_res(m) ? ": " : "", err);
			rc = ADM_EXIT_FAILED;
		} else if (st != ADM_NL_OK) {
			adm_err("%s", err);
			rc = ADM_EXIT_NETLINK;
		} else if (m->cmd == DUET_CMD_DOWN && res.retcode == DUET_RET_NO_RESOURCE) {
			/* down is idempotent: a resource that is not there is down */
		} else if (res.retcode != DUET_RET_OK) {
			const char *text = res.info[0] ? res.info : adm_retcode_str(res.retcode);

			adm_err("%s: %s failed: %s (%u)",
				m->comment ? m->comment : adm_cmd_name(m->cmd),
				adm_cmd_name(m->cmd), text ? text : "unknown error",
				res.retcode);
			rc = ADM_EXIT_FAILED;
		}
		if (last && i + 1 == p->n && rc == ADM_EXIT_OK)
			*last = res;
		else
			adm_nl_result_free(&res);
	}
	adm_nl_close(nl);
	return rc;
}

static int run_plan(struct adm_ctx *c, struct adm_plan *p)
{
	int rc = ADM_EXIT_OK;

	if (c->dry_run) {
		struct dconf_sb sb = { 0 };

		adm_plan_print(p, &sb);
		print_sb(&sb);
	} else {
		rc = send_plan(p, NULL);
	}
	adm_plan_free(p);
	return rc;
}

int adm_verb_netlink(struct adm_ctx *c, const char *verb)
{
	struct adm_plan p = { 0 };
	struct adm_flags f = {
		.force = c->opts & ADM_OPT_FORCE,
		.discard_my_data = c->opts & ADM_OPT_DISCARD,
		.clear_bitmap = c->opts & ADM_OPT_CLEAR_BM,
	};
	/* the resync-control verbs: one request per local volume */
	static const struct { const char *verb; int cmd; } per_volume[] = {
		{ "invalidate", DUET_CMD_INVALIDATE },
		{ "invalidate-remote", DUET_CMD_INVALIDATE_REMOTE },
		{ "outdate", DUET_CMD_OUTDATE },
		{ "pause-sync", DUET_CMD_PAUSE_SYNC },
		{ "resume-sync", DUET_CMD_RESUME_SYNC },
		{ "new-current-uuid", DUET_CMD_NEW_C_UUID },
	};
	int rc, lrc = ADM_EXIT_OK;

	for (size_t i = 0; i < c->nres; i++) {
		const struct dconf_resource *r = c->res[i];

		if (strcmp(verb, "up") == 0)
			adm_plan_up(&p, c->cfg, r, &f);
		else if (strcmp(verb, "down") == 0)
			adm_plan_down(&p, r);
		else if (strcmp(verb, "attach") == 0)
			adm_plan_attach(&p, c->cfg, r);
		else if (strcmp(verb, "detach") == 0)
			adm_plan_detach(&p, r, &f);
		else if (strcmp(verb, "connect") == 0)
			adm_plan_connect(&p, c->cfg, r, &f);
		else if (strcmp(verb, "disconnect") == 0)
			adm_plan_disconnect(&p, r, &f);
		else if (strcmp(verb, "primary") == 0)
			adm_plan_primary(&p, r, &f);
		else if (strcmp(verb, "secondary") == 0)
			adm_plan_secondary(&p, r);
		else if (strcmp(verb, "net-options") == 0)
			adm_plan_net_options(&p, c->cfg, r);
		else if (strcmp(verb, "peer-dead") == 0)
			adm_plan_peer_dead(&p, r);
		for (size_t k = 0; k < sizeof(per_volume) / sizeof(per_volume[0]); k++)
			if (strcmp(verb, per_volume[k].verb) == 0)
				adm_plan_volumes(&p, per_volume[k].cmd, r, &f);
	}
	rc = run_plan(c, &p);
	/*
	 * The device links: after up and attach even when a later step failed
	 * (up's connect, while replication does not exist), as long as the
	 * minors are there; after down once they are gone.
	 */
	if (strcmp(verb, "up") == 0 || strcmp(verb, "attach") == 0)
		lrc = adm_device_links(c, true);
	else if (strcmp(verb, "down") == 0 && rc == ADM_EXIT_OK)
		lrc = adm_device_links(c, false);
	return rc != ADM_EXIT_OK ? rc : lrc;
}

/* GET_STATUS for the selection: one dump, or one per named resource. */
static void status_plan(struct adm_ctx *c, struct adm_plan *p, int cmd)
{
	if (c->all) {
		adm_plan_get(p, cmd, NULL);
		return;
	}
	for (size_t i = 0; i < c->nres; i++)
		adm_plan_get(p, cmd, c->res[i]->name);
}

/* Sends the GET_* plan and gathers every reply message. */
static int collect(const struct adm_plan *p, struct adm_msg **out, size_t *n)
{
	struct adm_nl *nl = NULL;
	int rc = open_nl(&nl);

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < p->n && rc == ADM_EXIT_OK; i++) {
		struct adm_nl_result res;
		char err[512];
		enum adm_nl_status st = adm_nl_request(nl, &p->msgs[i], &res, err,
						       sizeof(err));

		if (st != ADM_NL_OK) {
			adm_err("%s", err);
			rc = st == ADM_NL_REFUSED ? ADM_EXIT_FAILED : ADM_EXIT_NETLINK;
			break;
		}
		if (res.retcode != DUET_RET_OK && res.retcode != DUET_RET_NO_RESOURCE) {
			adm_err("%s failed: %s (%u)", adm_cmd_name(p->msgs[i].cmd),
				res.info[0] ? res.info : adm_retcode_str(res.retcode),
				res.retcode);
			rc = ADM_EXIT_FAILED;
		}
		if (res.n) {
			struct adm_msg *nm = realloc(*out, (*n + res.n) * sizeof(*nm));

			if (!nm)
				abort();
			*out = nm;
			memcpy(nm + *n, res.msgs, res.n * sizeof(*nm));
			*n += res.n;
			free(res.msgs);
		}
	}
	adm_nl_close(nl);
	return rc;
}

static void free_msgs(struct adm_msg *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		adm_msg_free(&m[i]);
	free(m);
}

int adm_verb_show(struct adm_ctx *c, const char *verb)
{
	struct adm_plan p = { 0 };
	struct adm_msg *rep;
	size_t n;
	struct dconf_sb sb = { 0 };
	int rc;

	status_plan(c, &p, DUET_CMD_GET_STATUS);
	if (c->dry_run)
		return run_plan(c, &p);
	rc = collect(&p, &rep, &n);
	adm_plan_free(&p);
	if (rc != ADM_EXIT_OK)
		return rc;
	if (strcmp(verb, "status") == 0 && (c->opts & ADM_OPT_JSON)) {
		const char **names = calloc(c->nres + 1, sizeof(*names));

		if (!names)
			abort();
		for (size_t i = 0; i < c->nres; i++)
			names[i] = c->res[i]->name;
		adm_print_status_json(&sb, rep, n, names, c->nres);
		free(names);
	} else {
		for (size_t i = 0; i < c->nres; i++) {
			const char *name = c->res[i]->name;

			if (strcmp(verb, "status") == 0) {
				adm_print_status(&sb, rep, n, name, c->opts & ADM_OPT_STATS);
				continue;
			}
			if (c->nres > 1)
				dconf_sb_addf(&sb, "%s: ", name);
			if (strcmp(verb, "role") == 0)
				adm_print_role(&sb, rep, n, name);
			else if (strcmp(verb, "cstate") == 0)
				adm_print_cstate(&sb, rep, n, name);
			else
				adm_print_dstate(&sb, rep, n, name);
		}
	}
	print_sb(&sb);
	free_msgs(rep, n);
	return ADM_EXIT_OK;
}

struct event_ctx {
	struct adm_ctx *c;
};

static bool selected(const struct adm_ctx *c, const char *res)
{
	if (c->all)
		return true;
	for (size_t i = 0; i < c->nres; i++)
		if (res && strcmp(c->res[i]->name, res) == 0)
			return true;
	return false;
}

static int on_event(void *ctx, const struct adm_msg *m)
{
	struct event_ctx *e = ctx;
	struct dconf_sb sb = { 0 };

	if (m->cmd != DUET_CMD_STATE_EVENT || !selected(e->c, msg_res(m)))
		return 0;
	adm_print_event(&sb, m);
	print_sb(&sb);
	fflush(stdout);
	return 0;
}

int adm_verb_events(struct adm_ctx *c)
{
	struct adm_plan p = { 0 };
	struct adm_nl *ev;
	struct adm_msg *rep;
	struct event_ctx ectx = { c };
	size_t n;
	char err[256];
	int rc;

	status_plan(c, &p, DUET_CMD_GET_STATUS);
	if (c->dry_run) {
		printf("# join multicast group \"%s\" of generic netlink family \"%s\"\n\n",
		       DUET_GENL_MCGRP_EVENTS, DUET_GENL_NAME);
		return run_plan(c, &p);
	}
	/* subscribe first, so nothing between the dump and the events is lost */
	rc = open_nl(&ev);
	if (rc != ADM_EXIT_OK) {
		adm_plan_free(&p);
		return rc;
	}
	if (adm_nl_subscribe(ev, err, sizeof(err)) != ADM_NL_OK) {
		adm_err("%s", err);
		adm_nl_close(ev);
		adm_plan_free(&p);
		return ADM_EXIT_NETLINK;
	}
	rc = collect(&p, &rep, &n);
	adm_plan_free(&p);
	if (rc == ADM_EXIT_OK) {
		for (size_t i = 0; i < n; i++) {
			struct dconf_sb sb = { 0 };

			if (!selected(c, msg_res(&rep[i])))
				continue;
			adm_print_event(&sb, &rep[i]);
			print_sb(&sb);
		}
		free_msgs(rep, n);
		fflush(stdout);
		if (adm_nl_listen(ev, on_event, &ectx, err, sizeof(err)) != ADM_NL_OK) {
			adm_err("%s", err);
			rc = ADM_EXIT_NETLINK;
		}
	}
	adm_nl_close(ev);
	return rc;
}

/* Is duet.ko there to ask? Quietly: a dry run works without it. */
static bool module_loaded(void)
{
	struct adm_nl *nl;
	char err[256];

	if (adm_nl_open(&nl, err, sizeof(err)) != ADM_NL_OK)
		return false;
	adm_nl_close(nl);
	return true;
}

/*
 * adjust reads the running configuration (GET_CONFIG) and sends what
 * differs; a dry run prints that instead, and when duet.ko is not loaded
 * it prints what adjust of an unconfigured resource would send.
 */
int adm_verb_adjust(struct adm_ctx *c)
{
	struct adm_plan get = { 0 }, p = { 0 };
	struct adm_flags f = { .discard_my_data = c->opts & ADM_OPT_DISCARD };
	struct adm_msg *run = NULL;
	size_t n = 0;
	int rc;

	status_plan(c, &get, DUET_CMD_GET_CONFIG);
	if (c->dry_run && !module_loaded()) {
		struct dconf_sb sb = { 0 };

		adm_plan_print(&get, &sb);
		dconf_sb_add(&sb, "\n# dry run: the running configuration is not read; "
			     "the requests below assume the resource is not configured\n\n");
		print_sb(&sb);
		adm_plan_free(&get);
		for (size_t i = 0; i < c->nres; i++)
			adm_plan_adjust(&p, c->cfg, c->res[i], NULL, 0, &f);
		return run_plan(c, &p);
	}
	rc = collect(&get, &run, &n);
	adm_plan_free(&get);
	if (rc != ADM_EXIT_OK)
		return rc;
	for (size_t i = 0; i < c->nres; i++)
		adm_plan_adjust(&p, c->cfg, c->res[i], run, n, &f);
	free_msgs(run, n);
	if (p.n == 0) {
		adm_plan_free(&p);
		return ADM_EXIT_OK;
	}
	return run_plan(c, &p);
}

int adm_verb_dump(struct adm_ctx *c)
{
	unsigned flags = (c->opts & ADM_OPT_VERBOSE) ?
			 DCONF_DUMP_DEFAULTS | DCONF_DUMP_ORIGINS : 0;
	char *text;

	printf("# %s, normalised by duetadm dump\n", c->config_path);
	text = c->all ? dconf_dump(c->cfg, flags) :
		dconf_dump_some(c->cfg, c->res, c->nres, flags);
	fputs(text, stdout);
	free(text);
	return ADM_EXIT_OK;
}
