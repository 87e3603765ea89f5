/*
 * dd_client: the tools' side of duetd's libqb IPC service (IPC.md).
 * Thin glue: connect, one request and its reply, events after SUBSCRIBE.
 * Parsing the bodies is dd_snap's job.
 */
#ifndef DUET_DD_CLIENT_H
#define DUET_DD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/duetd/dd_ipc_proto.h"

struct dd_client;

/* the message every tool prints when it cannot connect (exit 3) */
#define DD_CLIENT_NOT_RUNNING "duetd is not running on this node"

/* milliseconds a tool waits for an answer */
#define DD_CLIENT_TIMEOUT_MS 5000

/*
 * Connects to DUETD_IPC_NAME. Returns 0, or a negative errno: -ENOENT /
 * -ECONNREFUSED when no duetd listens, -EACCES when it refused us.
 */
int dd_client_connect(struct dd_client **out);
void dd_client_close(struct dd_client *c);

/*
 * Sends request id with a text body (NULL: empty) and waits up to
 * timeout_ms for the reply. On 0, *reply is the reply body (g_malloc'd,
 * NUL-terminated, *reply_len bytes without the NUL) and *error the
 * response header's error (0 or a negative errno from duetd). Returns a
 * negative errno when the exchange itself failed (-ETIMEDOUT, -ENOTCONN,
 * -EPROTO for a reply that does not match the request).
 */
int dd_client_request(struct dd_client *c, enum dd_ipc_id id, const char *body,
		      int timeout_ms, char **reply, size_t *reply_len, int32_t *error);

/* the descriptor that becomes readable when an event is queued */
int dd_client_event_fd(struct dd_client *c);

/*
 * Takes one queued event without waiting. Returns 1 with *body set
 * (g_malloc'd), 0 when none is queued, a negative errno when the
 * connection is gone (-ENOTCONN) or the event is malformed (-EPROTO;
 * the event is dropped, the connection stays usable).
 */
int dd_client_event_take(struct dd_client *c, char **body);

/*
 * The text of a refusal: the result object's message when the body is
 * one, else the errno's text. g_malloc'd.
 */
char *dd_client_refusal(int32_t error, const char *body, size_t body_len);

/* a person's text for a dd_client_* error */
const char *dd_client_strerror(int err);

#endif
