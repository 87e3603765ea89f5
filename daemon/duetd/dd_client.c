/*
 * dd_client: libqb IPC client of duetd (see dd_client.h and IPC.md).
 */
#include "daemon/duetd/dd_client.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include <glib.h>
#include <qb/qbipcc.h>

#include "daemon/duetd/dd_snap.h"

struct dd_client {
	qb_ipcc_connection_t *conn;
	char *buf;		/* one reply or event */
	size_t buf_len;
};

int dd_client_connect(struct dd_client **out)
{
	struct dd_client *c;
	qb_ipcc_connection_t *conn;
	int32_t size;

	*out = NULL;
	errno = 0;
	conn = qb_ipcc_connect(DUETD_IPC_NAME, DUETD_IPC_MAX_MSG);
	if (!conn)
		return errno ? -errno : -ECONNREFUSED;
	c = g_new0(struct dd_client, 1);
	c->conn = conn;
	size = qb_ipcc_get_buffer_size(conn);
	c->buf_len = size > 0 ? (size_t)size : DUETD_IPC_MAX_MSG;
	c->buf_len = MAX(c->buf_len, (size_t)DUETD_IPC_MAX_MSG);
	c->buf = g_malloc(c->buf_len);
	*out = c;
	return 0;
}

void dd_client_close(struct dd_client *c)
{
	if (!c)
		return;
	qb_ipcc_disconnect(c->conn);
	g_free(c->buf);
	g_free(c);
}

/* checks a received message and copies its body out */
static int take_body(struct dd_client *c, ssize_t got, int32_t want_id,
		     char **body, size_t *body_len, int32_t *error)
{
	struct qb_ipc_response_header hdr;
	size_t len;

	if (got < (ssize_t)sizeof(hdr))
		return -EPROTO;
	memcpy(&hdr, c->buf, sizeof(hdr));
	if (hdr.id != want_id || hdr.size != got)
		return -EPROTO;
	len = (size_t)got - sizeof(hdr);
	/* the body is NUL-terminated text; tolerate a missing NUL */
	if (len && c->buf[sizeof(hdr) + len - 1] == '\0')
		len--;
	if (memchr(c->buf + sizeof(hdr), '\0', len))
		return -EPROTO;
	*body = g_strndup(c->buf + sizeof(hdr), len);
	if (body_len)
		*body_len = len;
	if (error)
		*error = hdr.error;
	return 0;
}

int dd_client_request(struct dd_client *c, enum dd_ipc_id id, const char *body,
		      int timeout_ms, char **reply, size_t *reply_len, int32_t *error)
{
	struct qb_ipc_request_header hdr;
	const char *text = body ? body : "";
	size_t len = strlen(text) + 1;
	struct iovec iov[2];
	ssize_t got;

	*reply = NULL;
	if (sizeof(hdr) + len > (size_t)DUETD_IPC_MAX_MSG)
		return -EMSGSIZE;
	hdr.id = id;
	hdr.size = (int32_t)(sizeof(hdr) + len);
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)text;
	iov[1].iov_len = len;
	got = qb_ipcc_sendv_recv(c->conn, iov, 2, c->buf, c->buf_len, timeout_ms);
	if (got == -EAGAIN || got == -ETIMEDOUT)
		return -ETIMEDOUT;
	if (got < 0)
		return (int)got;
	return take_body(c, got, id, reply, reply_len, error);
}

int dd_client_event_fd(struct dd_client *c)
{
	int32_t fd = -1;

	if (qb_ipcc_fd_get(c->conn, &fd) != 0)
		return -1;
	return fd;
}

int dd_client_event_take(struct dd_client *c, char **body)
{
	ssize_t got = qb_ipcc_event_recv(c->conn, c->buf, c->buf_len, 0);
	int rc;

	*body = NULL;
	if (got == -EAGAIN || got == -ETIMEDOUT)
		return qb_ipcc_is_connected(c->conn) ? 0 : -ENOTCONN;
	if (got < 0)
		return (int)got == -EPROTO ? -ENOTCONN : (int)got;
	rc = take_body(c, got, DUETD_IPC_EVENT, body, NULL, NULL);
	return rc == 0 ? 1 : rc;
}

const char *dd_client_strerror(int err)
{
	switch (-err) {
	case ENOENT:
	case ECONNREFUSED:
		return DD_CLIENT_NOT_RUNNING;
	case EACCES:
	case EPERM:
		return "duetd refused the connection (root or group haclient only)";
	case ETIMEDOUT:
		return "duetd did not answer in time";
	case EPROTO:
		return "duetd's answer does not match the request (IPC.md)";
	case ENOTCONN:
	case ECONNRESET:
	case EPIPE:
	case ESHUTDOWN:
		return "duetd closed the connection";
	default:
		return g_strerror(-err);
	}
}

char *dd_client_refusal(int32_t error, const char *body, size_t body_len)
{
	struct dd_result r;
	char *text;

	if (dd_result_parse(body, body_len, &r, NULL) && r.message[0]) {
		text = g_strdup(r.message);
		dd_result_clear(&r);
		return text;
	}
	return g_strdup(error ? g_strerror(-error) : "no reason given");
}
