/*
 * dd_fifo: Heartbeat's FIFO, STATEDIR/fifo (/var/lib/heartbeat/fifo).
 * 3.0.6's shell tools (hb_standby, hb_takeover, the rc.d scripts'
 * ha_clustermsg) write classic ">>>" .. "<<<" messages into it; duetd
 * reads them like Heartbeat's FIFO reader: the resource layer takes
 * ask_resources/hb_takeover (dd_fo_fifo), anything else is broadcast with
 * our control fields and signature. The FIFO is created mode 0600 if it
 * is missing and opened read-write, so writers never see it closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <qb/qblog.h>

#include "daemon/duetd/dd.h"

#define DD_FIFO_MAX (64 * 1024)

static int fifo_fd = -1;
static guint fifo_watch;
static GByteArray *fifo_buf;

static void fifo_message(struct dd *d, const char *frame, size_t len)
{
	struct hb_msg m;
	struct hb_wire w;
	struct hb_hdr h;
	int rc;

	hb_msg_init(&m);
	rc = hb_msg_decode(&m, frame, len, &w);
	if (rc != HB_OK || hb_msg_hdr(&m, &h) != HB_OK || !h.t) {
		qb_log(LOG_WARNING, "WARN: FIFO: ignoring a malformed message: %s",
		       rc != HB_OK ? hb_strerror(rc) : "no type");
		hb_msg_free(&m);
		return;
	}
	qb_log(LOG_INFO, "FIFO message: t=%s%s%s", h.t, h.rsc_hold ? " rsc_hold=" : "",
	       h.rsc_hold ? h.rsc_hold : "");
	/* whatever the writer put there, these are ours to set */
	hb_msg_remove(&m, "auth");
	if (!dd_fo_fifo(d, &m, &h))
		dd_cluster_send(d, &m, hb_msg_str(&m, "dest"));
	hb_msg_free(&m);
}

static gboolean fifo_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dd *d = data;
	unsigned char buf[4096];
	ssize_t n;

	(void)cond;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return G_SOURCE_CONTINUE;
	g_byte_array_append(fifo_buf, buf, (guint)n);
	for (;;) {
		const char *p = (const char *)fifo_buf->data;
		size_t len = fifo_buf->len;
		const char *start = g_strstr_len(p, (gssize)len, ">>>\n");
		const char *end;

		if (!start) {
			/* keep a possible partial marker */
			if (len > 3)
				g_byte_array_remove_range(fifo_buf, 0, (guint)(len - 3));
			break;
		}
		end = g_strstr_len(start, (gssize)(len - (size_t)(start - p)), "<<<\n");
		if (!end) {
			if (len > DD_FIFO_MAX) {
				qb_log(LOG_WARNING, "WARN: FIFO: message too long, discarded");
				g_byte_array_set_size(fifo_buf, 0);
			}
			break;
		}
		fifo_message(d, start, (size_t)(end + 4 - start));
		g_byte_array_remove_range(fifo_buf, 0, (guint)(end + 4 - p));
	}
	return G_SOURCE_CONTINUE;
}

int dd_fifo_open(struct dd *d)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/fifo", d->statedir);
	if (lstat(path, &st) == 0 && !S_ISFIFO(st.st_mode)) {
		qb_log(LOG_WARNING, "WARN: %s is not a FIFO; Heartbeat's shell tools "
		       "(hb_standby, hb_takeover) will not reach duetd", path);
		return 0;
	}
	if (lstat(path, &st) < 0 && mkfifo(path, 0600) < 0) {
		qb_log(LOG_WARNING, "WARN: cannot create %s: %s", path, strerror(errno));
		return 0;
	}
	fifo_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fifo_fd < 0) {
		qb_log(LOG_WARNING, "WARN: cannot open %s: %s", path, strerror(errno));
		return 0;
	}
	fifo_buf = g_byte_array_new();
	fifo_watch = g_unix_fd_add(fifo_fd, G_IO_IN, fifo_readable, d);
	return 0;
}

void dd_fifo_close(struct dd *d)
{
	(void)d;
	if (fifo_watch)
		g_source_remove(fifo_watch);
	fifo_watch = 0;
	if (fifo_fd >= 0)
		close(fifo_fd);
	fifo_fd = -1;
	if (fifo_buf)
		g_byte_array_free(fifo_buf, TRUE);
	fifo_buf = NULL;
}
