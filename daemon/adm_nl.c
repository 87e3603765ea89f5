/* duetadm: generic netlink transport over libnl, see adm_nl.h. */
#include "daemon/adm_nl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "kmod/uapi/duet_genl.h"

struct adm_nl {
	struct nl_sock *sk;
	int family;
};

enum adm_nl_status adm_nl_open(struct adm_nl **out, char *err, size_t errlen)
{
	struct adm_nl *nl = calloc(1, sizeof(*nl));
	struct timeval tv = { .tv_sec = ADM_NL_TIMEOUT };
	int rc;

	*out = NULL;
	if (!nl || !(nl->sk = nl_socket_alloc())) {
		free(nl);
		snprintf(err, errlen, "out of memory");
		return ADM_NL_ERROR;
	}
	rc = genl_connect(nl->sk);
	if (rc < 0) {
		snprintf(err, errlen, "cannot open a generic netlink socket: %s",
			 nl_geterror(rc));
		adm_nl_close(nl);
		return ADM_NL_ERROR;
	}
	setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->family = genl_ctrl_resolve(nl->sk, DUET_GENL_NAME);
	if (nl->family < 0) {
		if (nl->family == -NLE_OBJ_NOTFOUND)
			snprintf(err, errlen, "duet kernel module not loaded (modprobe duet)");
		else
			snprintf(err, errlen, "cannot look up the generic netlink family \"%s\": %s",
				 DUET_GENL_NAME, nl_geterror(nl->family));
		rc = nl->family;
		adm_nl_close(nl);
		return rc == -NLE_OBJ_NOTFOUND ? ADM_NL_NO_FAMILY : ADM_NL_ERROR;
	}
	*out = nl;
	return ADM_NL_OK;
}

void adm_nl_close(struct adm_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

/* ---- encoding --------------------------------------------------------- */

static int encode(struct nl_msg *msg, const struct adm_attr *n)
{
	for (size_t i = 0; i < n->nkids; i++) {
		const struct adm_attr *a = n->kids[i];
		struct nlattr *nest;
		int rc = 0;

		switch (a->def->kind) {
		case ADM_K_U8: rc = nla_put_u8(msg, a->type, (uint8_t)a->num); break;
		case ADM_K_U16: rc = nla_put_u16(msg, a->type, (uint16_t)a->num); break;
		case ADM_K_U32: rc = nla_put_u32(msg, a->type, (uint32_t)a->num); break;
		case ADM_K_S32: rc = nla_put_s32(msg, a->type, (int32_t)a->num); break;
		case ADM_K_U64: rc = nla_put_u64(msg, a->type, (uint64_t)a->num); break;
		case ADM_K_STR: rc = nla_put_string(msg, a->type, a->str ? a->str : ""); break;
		case ADM_K_BIN: rc = nla_put(msg, a->type, (int)a->binlen, a->bin); break;
		case ADM_K_FLAG: rc = nla_put_flag(msg, a->type); break;
		case ADM_K_NEST:
			nest = nla_nest_start(msg, a->type);
			if (!nest)
				return -NLE_NOMEM;
			rc = encode(msg, a);
			if (rc == 0)
				nla_nest_end(msg, nest);
			break;
		default:
			break;
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int adm_nl_encode(struct nl_msg *msg, const struct adm_msg *m)
{
	return encode(msg, &m->top);
}

/* ---- decoding --------------------------------------------------------- */

void adm_nl_decode_attrs(struct adm_attr *into, const void *data, size_t len)
{
	const struct nlattr *nla;
	int rem;

	if (len > INT32_MAX)
		return;
	nla_for_each_attr(nla, (struct nlattr *)data, (int)len, rem) {
		int type = nla_type(nla);
		const struct adm_attrdef *d = adm_attrdef(into->set, type);
		size_t l = (size_t)nla_len(nla);
		const void *p = nla_data(nla);

		if (!d)
			continue;	/* newer kernel, or garbage */
		switch (d->kind) {
		case ADM_K_U8:
			if (l >= 1)
				adm_put_num(into, type, *(const uint8_t *)p);
			break;
		case ADM_K_U16:
			if (l >= 2)
				adm_put_num(into, type, nla_get_u16((struct nlattr *)nla));
			break;
		case ADM_K_U32:
			if (l >= 4)
				adm_put_num(into, type, nla_get_u32((struct nlattr *)nla));
			break;
		case ADM_K_S32:
			if (l >= 4)
				adm_put_num(into, type, (int32_t)nla_get_u32((struct nlattr *)nla));
			break;
		case ADM_K_U64:
			if (l >= 8) {
				uint64_t v;

				memcpy(&v, p, sizeof(v));
				adm_put_num(into, type, (int64_t)v);
			}
			break;
		case ADM_K_STR: {
			char buf[DUET_PATH_MAX + 1];
			size_t n = l > d->maxlen ? d->maxlen : l;

			if (n >= sizeof(buf))
				n = sizeof(buf) - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';	/* also cuts at an embedded NUL */
			adm_put_str(into, type, buf);
			break;
		}
		case ADM_K_BIN:
			if (l <= d->maxlen)
				adm_put_bin(into, type, p, l);
			break;
		case ADM_K_FLAG:
			adm_put_flag(into, type);
			break;
		case ADM_K_NEST:
			adm_nl_decode_attrs(adm_nest(into, type), p, l);
			break;
		default:
			break;
		}
	}
}

struct collect {
	struct adm_nl_result *res;
	int (*fn)(void *ctx, const struct adm_msg *m);
	void *ctx;
	int stop;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct collect *c = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g;
	struct adm_msg m;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	g = nlmsg_data(nlh);
	adm_msg_init(&m, g->cmd);
	adm_nl_decode_attrs(&m.top, genlmsg_attrdata(g, 0), (size_t)genlmsg_attrlen(g, 0));
	if (c->fn) {
		c->stop = c->fn(c->ctx, &m);
		adm_msg_free(&m);
		return c->stop ? NL_STOP : NL_OK;
	}
	{
		struct adm_nl_result *r = c->res;
		struct adm_msg *nm = realloc(r->msgs, (r->n + 1) * sizeof(*nm));
		const struct adm_attr *rep = adm_msg_find(&m, DUET_A_REPLY);
		const struct adm_attr *a;

		if (!nm) {
			adm_msg_free(&m);
			return NL_STOP;
		}
		r->msgs = nm;
		if ((a = adm_find(rep, DUET_REPLY_A_RETCODE)))
			r->retcode = (uint32_t)a->num;
		if ((a = adm_find(rep, DUET_REPLY_A_INFO)) && a->str)
			snprintf(r->info, sizeof(r->info), "%s", a->str);
		r->msgs[r->n++] = m;
	}
	return NL_OK;
}

static const char *nl_err_text(int rc)
{
	if (rc == -NLE_AGAIN)
		return "no answer from the duet kernel module (timed out)";
	return nl_geterror(rc);
}

enum adm_nl_status adm_nl_request(struct adm_nl *nl, const struct adm_msg *m,
				  struct adm_nl_result *res, char *err, size_t errlen)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct collect c = { .res = res };
	int rc;

	memset(res, 0, sizeof(*res));
	if (!msg) {
		snprintf(err, errlen, "out of memory");
		return ADM_NL_ERROR;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 m->dump ? NLM_F_DUMP : 0, (uint8_t)m->cmd, DUET_GENL_VERSION) ||
	    adm_nl_encode(msg, m) < 0) {
		nlmsg_free(msg);
		snprintf(err, errlen, "cannot build the %s request", adm_cmd_name(m->cmd));
		return ADM_NL_ERROR;
	}
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &c);
	rc = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		snprintf(err, errlen, "cannot send %s: %s", adm_cmd_name(m->cmd),
			 nl_geterror(rc));
		return ADM_NL_ERROR;
	}
	rc = nl_recvmsgs_default(nl->sk);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", adm_cmd_name(m->cmd), nl_err_text(rc));
		/* errors of the socket itself, not the kernel's answer */
		if (rc == -NLE_AGAIN || rc == -NLE_BAD_SOCK || rc == -NLE_NOMEM ||
		    rc == -NLE_MSG_TRUNC || rc == -NLE_MSG_OVERFLOW ||
		    rc == -NLE_SEQ_MISMATCH || rc == -NLE_INTR)
			return ADM_NL_ERROR;
		return ADM_NL_REFUSED;
	}
	return ADM_NL_OK;
}

void adm_nl_result_free(struct adm_nl_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		adm_msg_free(&res->msgs[i]);
	free(res->msgs);
	memset(res, 0, sizeof(*res));
}

enum adm_nl_status adm_nl_subscribe(struct adm_nl *nl, char *err, size_t errlen)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, DUET_GENL_NAME, DUET_GENL_MCGRP_EVENTS);
	struct timeval tv = { 0 };
	int rc;

	if (grp < 0) {
		snprintf(err, errlen, "no multicast group \"%s\" in family \"%s\": %s",
			 DUET_GENL_MCGRP_EVENTS, DUET_GENL_NAME, nl_geterror(grp));
		return ADM_NL_ERROR;
	}
	nl_socket_disable_seq_check(nl->sk);
	rc = nl_socket_add_membership(nl->sk, grp);
	if (rc < 0) {
		snprintf(err, errlen, "cannot join \"%s\": %s", DUET_GENL_MCGRP_EVENTS,
			 nl_geterror(rc));
		return ADM_NL_ERROR;
	}
	/* events may be far apart: no receive timeout on this socket */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return ADM_NL_OK;
}

enum adm_nl_status adm_nl_listen(struct adm_nl *nl,
				 int (*fn)(void *ctx, const struct adm_msg *m),
				 void *ctx, char *err, size_t errlen)
{
	struct collect c = { .fn = fn, .ctx = ctx };

	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &c);
	while (!c.stop) {
		int rc = nl_recvmsgs_default(nl->sk);

		if (rc < 0 && rc != -NLE_INTR) {
			snprintf(err, errlen, "receiving events: %s", nl_geterror(rc));
			return ADM_NL_ERROR;
		}
	}
	return ADM_NL_OK;
}
