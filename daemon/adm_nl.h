/*
 * duetadm: talking to duet.ko over generic netlink (libnl-genl-3).
 * Encodes struct adm_msg into netlink messages and decodes the kernel's
 * messages back, both by the schema; anything the schema does not know or
 * that has the wrong size is dropped, never trusted.
 */
#ifndef DUET_ADM_NL_H
#define DUET_ADM_NL_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/adm_req.h"

struct adm_nl;

enum adm_nl_status {
	ADM_NL_OK = 0,
	ADM_NL_NO_FAMILY,	/* the "duet" family is not registered */
	ADM_NL_REFUSED,		/* the kernel answered with a netlink error */
	ADM_NL_ERROR,		/* socket trouble, or no answer */
};

/* Seconds to wait for a reply before giving up. */
#define ADM_NL_TIMEOUT 120

/* Connects and resolves the family; ERR says what went wrong. */
enum adm_nl_status adm_nl_open(struct adm_nl **out, char *err, size_t errlen);
void adm_nl_close(struct adm_nl *nl);

struct adm_nl_result {
	struct adm_msg *msgs;	/* decoded replies (dump: all of them) */
	size_t n;
	uint32_t retcode;	/* DUET_RET_*, from the last reply with one */
	char info[256];		/* the kernel's text, "" if none */
};

/*
 * Sends M and collects its replies. Returns ADM_NL_OK when the kernel
 * answered (look at res->retcode), ADM_NL_REFUSED with ERR set when it
 * rejected the message itself (a netlink error such as EINVAL), and
 * ADM_NL_ERROR when the socket failed or no answer came.
 */
enum adm_nl_status adm_nl_request(struct adm_nl *nl, const struct adm_msg *m,
				  struct adm_nl_result *res, char *err, size_t errlen);
void adm_nl_result_free(struct adm_nl_result *res);

/* Joins the "events" multicast group. */
enum adm_nl_status adm_nl_subscribe(struct adm_nl *nl, char *err, size_t errlen);

/*
 * Waits for multicast messages and calls FN for each decoded one until FN
 * returns nonzero or an error occurs (returned).
 */
enum adm_nl_status adm_nl_listen(struct adm_nl *nl,
				 int (*fn)(void *ctx, const struct adm_msg *m),
				 void *ctx, char *err, size_t errlen);

struct nl_msg;

/* Appends the attributes of M to MSG (after its genetlink header). */
int adm_nl_encode(struct nl_msg *msg, const struct adm_msg *m);

/*
 * Decodes LEN bytes of netlink attributes into the nest INTO (by the
 * schema of INTO->set): unknown types and wrong sizes are dropped.
 */
void adm_nl_decode_attrs(struct adm_attr *into, const void *data, size_t len);

#endif /* DUET_ADM_NL_H */
