/*
 * dd_serial: serial media (heartbeat.md §6). The tty is set raw 8N1 at the
 * configured baud rate with CLOCAL|CREAD, a UUCP lock file LCK..<name> is
 * taken in the lock directory, and messages travel as classic ">>>" ..
 * "<<<" text frames. The reader assembles lines, skips noise until ">>>"
 * and hands each complete frame to the cluster; the writer queues frames
 * and writes them when the tty takes them (a full queue drops the oldest
 * bytes' frame, as a stalled line would).
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>
#include <qb/qblog.h>

#include "daemon/duetd/dd.h"

#define DD_SERIAL_TXQ_MAX (64 * 1024)
#define DD_SERIAL_FRAME_MAX (64 * 1024)
#define DD_SERIAL_LINE_MAX 8192

static speed_t baud_speed(unsigned baud)
{
	switch (baud) {
	case 9600: return B9600;
	case 19200: return B19200;
	case 38400: return B38400;
	case 57600: return B57600;
	case 115200: return B115200;
	case 230400: return B230400;
	case 460800: return B460800;
	default: return B0;
	}
}

static int take_lock(struct dd *d, struct dd_medium *m)
{
	const char *base = strrchr(m->cfg->dev, '/');
	char path[4096], buf[32];
	int fd, n;

	base = base ? base + 1 : m->cfg->dev;
	snprintf(path, sizeof(path), "%s/LCK..%s", d->lockdir, base);
	for (int attempt = 0; attempt < 2; attempt++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0)
			break;
		if (errno != EEXIST) {
			qb_log(LOG_ERR, "ERROR: %s: cannot create lock file: %s", path,
			       strerror(errno));
			return -1;
		}
		/* stale lock? */
		FILE *f = fopen(path, "re");
		long pid = 0;

		if (f) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = 0;
			fclose(f);
		}
		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
			qb_log(LOG_ERR, "ERROR: %s is locked by process %ld (%s)", m->cfg->dev,
			       pid, path);
			return -1;
		}
		qb_log(LOG_INFO, "removing stale lock file %s", path);
		unlink(path);
	}
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%10ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	m->lockfile = strdup(path);
	return 0;
}

static void frame_done(struct dd *d, struct dd_medium *m)
{
	dd_cluster_rx(d, m, m->rxbuf, m->rxlen, m->cfg->dev);
	m->rxlen = 0;
	m->in_frame = false;
}

static int rx_append(struct dd_medium *m, const char *s, size_t n)
{
	if (m->rxlen + n > m->rxcap) {
		size_t cap = m->rxcap ? m->rxcap : 1024;
		char *nb;

		while (cap < m->rxlen + n)
			cap *= 2;
		nb = realloc(m->rxbuf, cap);
		if (!nb)
			return -1;
		m->rxbuf = nb;
		m->rxcap = cap;
	}
	memcpy(m->rxbuf + m->rxlen, s, n);
	m->rxlen += n;
	return 0;
}

/* One line (with its '\n') from the tty. */
static void serial_line(struct dd *d, struct dd_medium *m, const char *line, size_t n,
			bool too_long)
{
	size_t l = n;
	bool start, end;

	while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
		l--;
	start = !too_long && l == 3 && memcmp(line, ">>>", 3) == 0;
	end = !too_long && l == 3 && memcmp(line, "<<<", 3) == 0;
	if (start) {
		if (m->in_frame && !m->skipping)	/* a frame that never ended */
			dd_cluster_rx(d, m, m->rxbuf, m->rxlen, m->cfg->dev);
		m->in_frame = true;
		m->skipping = false;
		m->rxlen = 0;
		rx_append(m, ">>>\n", 4);
		return;
	}
	if (!m->in_frame)
		return;	/* noise between frames */
	if (m->skipping) {
		if (end)
			m->in_frame = m->skipping = false;
		return;
	}
	if (too_long || m->rxlen + n > DD_SERIAL_FRAME_MAX || rx_append(m, line, n) < 0) {
		/* oversized: the decoder counts it; skip to the end of the frame */
		dd_cluster_rx(d, m, m->rxbuf, (size_t)HB_MSG_MAX_WIRE + 1, NULL);
		m->skipping = true;
		return;
	}
	if (end)
		frame_done(d, m);
}

static gboolean serial_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dd_medium *m = data;
	struct dd *d = m->dd;
	unsigned char buf[4096];
	ssize_t n;

	/* UDP heartbeats that came before these bytes are seen before them */
	dd_media_drain_beats(d);
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return G_SOURCE_CONTINUE;
		if (errno == EIO) {
			/* pty whose other end is closed: wait for it to come back */
			g_usleep(20000);
			return G_SOURCE_CONTINUE;
		}
		qb_log(LOG_ERR, "ERROR: %s: read error: %s", m->cfg->dev, strerror(errno));
		m->watch = 0;
		return G_SOURCE_REMOVE;
	}
	if (n == 0) {
		if (cond & G_IO_HUP)
			g_usleep(20000);
		return G_SOURCE_CONTINUE;
	}
	for (ssize_t i = 0; i < n; i++) {
		g_byte_array_append(m->rxline, &buf[i], 1);
		if (buf[i] == '\n') {
			serial_line(d, m, (const char *)m->rxline->data, m->rxline->len, false);
			g_byte_array_set_size(m->rxline, 0);
		} else if (m->rxline->len > DD_SERIAL_LINE_MAX) {
			serial_line(d, m, (const char *)m->rxline->data, m->rxline->len, true);
			g_byte_array_set_size(m->rxline, 0);
		}
	}
	return G_SOURCE_CONTINUE;
}

static gboolean serial_writable(gint fd, GIOCondition cond, gpointer data)
{
	struct dd_medium *m = data;
	ssize_t n;

	(void)cond;
	while (m->txq->len > 0) {
		n = write(fd, m->txq->data, m->txq->len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return G_SOURCE_CONTINUE;
			if (!m->tx_error_logged)
				qb_log(LOG_WARNING, "WARN: %s: write error: %s", m->cfg->dev,
				       strerror(errno));
			m->tx_error_logged = true;
			g_byte_array_set_size(m->txq, 0);
			break;
		}
		g_byte_array_remove_range(m->txq, 0, (guint)n);
	}
	m->txwatch = 0;
	return G_SOURCE_REMOVE;
}

void dd_serial_send(struct dd *d, struct dd_medium *m, const void *buf, size_t len)
{
	(void)d;
	if (m->fd < 0)
		return;
	if (m->txq->len + len > DD_SERIAL_TXQ_MAX) {
		/* the line does not drain (no reader, too slow): drop what waits */
		if (!m->tx_error_logged)
			qb_log(LOG_WARNING, "WARN: %s: output queue full, dropping %u bytes",
			       m->cfg->dev, m->txq->len);
		m->tx_error_logged = true;
		g_byte_array_set_size(m->txq, 0);
	}
	g_byte_array_append(m->txq, buf, (guint)len);
	m->tx++;
	if (!m->txwatch) {
		/* try at once; the watch finishes what the tty did not take */
		serial_writable(m->fd, G_IO_OUT, m);
		if (m->txq->len > 0)
			m->txwatch = g_unix_fd_add(m->fd, G_IO_OUT, serial_writable, m);
		else
			m->tx_error_logged = false;
	}
}

int dd_serial_open(struct dd *d, struct dd_medium *m)
{
	struct termios t;
	speed_t sp = baud_speed(m->cfg->baud);

	if (sp == B0) {
		qb_log(LOG_ERR, "ERROR: %s:%u: unsupported baud rate %u", d->cf_path, m->cfg->line,
		       m->cfg->baud);
		return -1;
	}
	if (take_lock(d, m) < 0)
		return -1;
	m->fd = open(m->cfg->dev, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m->fd < 0) {
		qb_log(LOG_ERR, "ERROR: %s:%u: cannot open %s: %s", d->cf_path, m->cfg->line,
		       m->cfg->dev, strerror(errno));
		return -1;
	}
	if (tcgetattr(m->fd, &t) < 0) {
		qb_log(LOG_ERR, "ERROR: %s:%u: %s is not a tty: %s", d->cf_path, m->cfg->line,
		       m->cfg->dev, strerror(errno));
		return -1;
	}
	cfmakeraw(&t);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB);
	t.c_cflag |= CS8 | CREAD | CLOCAL;
	t.c_iflag |= IGNCR;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 1;
	cfsetispeed(&t, sp);
	cfsetospeed(&t, sp);
	if (tcsetattr(m->fd, TCSANOW, &t) < 0) {
		qb_log(LOG_ERR, "ERROR: %s:%u: cannot set up %s: %s", d->cf_path, m->cfg->line,
		       m->cfg->dev, strerror(errno));
		return -1;
	}
	tcflush(m->fd, TCIOFLUSH);
	m->fd_owner = true;
	m->rxline = g_byte_array_new();
	m->txq = g_byte_array_new();
	m->watch = dd_source_fast(g_unix_fd_add_full(G_PRIORITY_HIGH, m->fd, G_IO_IN,
						    serial_readable, m, NULL));
	return 0;
}

void dd_serial_close(struct dd_medium *m)
{
	if (m->watch)
		g_source_remove(m->watch);
	if (m->txwatch)
		g_source_remove(m->txwatch);
	m->watch = m->txwatch = 0;
	if (m->fd >= 0) {
		/* let the last frames (shutdone) reach the line */
		if (m->txq && m->txq->len)
			(void)!write(m->fd, m->txq->data, m->txq->len);
		tcdrain(m->fd);
		close(m->fd);
	}
	m->fd = -1;
	if (m->lockfile) {
		unlink(m->lockfile);
		free(m->lockfile);
		m->lockfile = NULL;
	}
	if (m->rxline)
		g_byte_array_free(m->rxline, TRUE);
	if (m->txq)
		g_byte_array_free(m->txq, TRUE);
	m->rxline = m->txq = NULL;
	free(m->rxbuf);
	m->rxbuf = NULL;
}
