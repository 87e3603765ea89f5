/*
 * dd_media: the UDP media of ha.cf (bcast, mcast, ucast) as non-blocking
 * sockets watched by the GLib loop; serial lines are in dd_serial.c.
 *
 * bcast and ucast media on the same interface and port share one socket
 * bound to INADDR_ANY:port and to the device (SO_BINDTODEVICE), as
 * Heartbeat binds its readers; a datagram is charged to the ucast medium
 * whose peer sent it, else to the first medium of that socket. mcast media
 * have their own socket joined to the group.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib-unix.h>
#include <qb/qblog.h>

#include "daemon/duetd/dd.h"
#include "daemon/duetd/dd_beat.h"

#define DD_RX_BUF 65536
#define DD_RX_BURST 64	/* datagrams taken per wake-up at most */
#define DD_BEAT_BURST 4096	/* from the heartbeat socket: all it holds */
#define DD_BEAT_FLOOD 64	/* more in one read: somebody floods, read each tick */
#define DD_BEAT_EAGER_MS 30000	/* ...for this long */
#define DD_BEAT_RCVBUF (4 << 20)	/* what may wait there (SO_RCVBUFFORCE) */
#define DD_RX_BATCH 8	/* datagrams per recvmmsg(): a second of heartbeats at 200 ms */

const char *dd_media_kind(const struct dd_medium *m)
{
	return hb_media_kind_str(m->cfg->kind);
}

static bool is_shared_kind(enum hb_media_kind k)
{
	return k == HB_MEDIA_BCAST || k == HB_MEDIA_UCAST;
}

/* the medium of a shared socket a datagram from src belongs to */
static struct dd_medium *rx_medium(struct dd *d, struct dd_medium *owner,
				   const struct sockaddr_in *src)
{
	if (!is_shared_kind(owner->cfg->kind))
		return owner;
	for (size_t i = 0; i < d->nmedia; i++) {
		struct dd_medium *m = &d->media[i];

		if (m->fd == owner->fd && m->cfg->kind == HB_MEDIA_UCAST &&
		    m->dst.sin_addr.s_addr == src->sin_addr.s_addr)
			return m;
	}
	return owner;
}

/* monotonic milliseconds of a kernel receive time stamp (CLOCK_REALTIME) */
static uint64_t arrival_ms(const struct msghdr *mh, uint64_t now_ms, int64_t now_wall_ms)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR((struct msghdr *)mh, c)) {
		struct timespec ts;
		int64_t ago;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS ||
		    c->cmsg_len < CMSG_LEN(sizeof(ts)))
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		ago = now_wall_ms - ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
		/* a wall clock step: the read time is the best we have */
		if (ago < 0 || (uint64_t)ago > now_ms)
			return now_ms;
		return now_ms - (uint64_t)ago;
	}
	return now_ms;
}

/*
 * One recvmmsg() takes every datagram queued (up to DD_RX_BATCH): the
 * usual wake-up for one heartbeat costs one receive call, where a
 * recvfrom() loop needed a second one to see EAGAIN. The buffers are
 * static; only the pages a datagram touches become resident. Datagrams
 * carry their kernel arrival time (SO_TIMESTAMPNS), which is what the
 * liveness core is told for heartbeats read late from beat_fd.
 */
static void udp_drain(struct dd_medium *owner, int fd, bool beats)
{
	struct dd *d = owner->dd;
	static unsigned char buf[DD_RX_BATCH][DD_RX_BUF];
	static union {
		char b[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl[DD_RX_BATCH];
	struct sockaddr_in src[DD_RX_BATCH];
	struct iovec iov[DD_RX_BATCH];
	struct mmsghdr mm[DD_RX_BATCH];

	int got = 0;

	while (got < (beats ? DD_BEAT_BURST : DD_RX_BURST)) {
		uint64_t now;
		int64_t wall;
		int n;

		memset(mm, 0, sizeof(mm));
		memset(src, 0, sizeof(src));
		for (int i = 0; i < DD_RX_BATCH; i++) {
			iov[i].iov_base = buf[i];
			iov[i].iov_len = sizeof(buf[i]);
			mm[i].msg_hdr.msg_name = &src[i];
			mm[i].msg_hdr.msg_namelen = sizeof(src[i]);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_control = ctl[i].b;
			mm[i].msg_hdr.msg_controllen = sizeof(ctl[i].b);
		}
		n = recvmmsg(fd, mm, DD_RX_BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				qb_log(LOG_WARNING, "WARN: %s: receive error: %s", owner->spec,
				       strerror(errno));
			break;
		}
		now = dd_now_ms();
		wall = dd_wall_ms();
		for (int i = 0; i < n; i++) {
			size_t len = mm[i].msg_len;
			struct dd_medium *m = rx_medium(d, owner, &src[i]);
			uint64_t rx0;

			/* MSG_TRUNC: msg_len is the real length */
			if (len > sizeof(buf[i]) || (mm[i].msg_hdr.msg_flags & MSG_TRUNC))
				len = sizeof(buf[i]) + 1;
			rx0 = m->rx;
			dd_cluster_rx_at(d, m, buf[i], len, NULL, &src[i],
					 arrival_ms(&mm[i].msg_hdr, now, wall));
			/* counted as rx: from a peer (not our own broadcast) */
			if (beats && m->rx > rx0)
				m->rx_beats++;
		}
		got += n;
		if (n < DD_RX_BATCH)
			break;	/* the queue is empty */
	}
	if (beats && got > DD_BEAT_FLOOD) {
		/* far more than heartbeats: keep the queue short from now on */
		if (!d->beats_eager_until)
			qb_log(LOG_WARNING, "WARN: %s: %d datagrams queued on the heartbeat socket: "
			       "reading it on every tick for %d s", owner->spec, got,
			       DD_BEAT_EAGER_MS / 1000);
		d->beats_eager_until = dd_now_ms() + DD_BEAT_EAGER_MS;
	}
}

void dd_media_drain_beats(struct dd *d)
{
	for (size_t i = 0; i < d->nmedia; i++) {
		struct dd_medium *m = &d->media[i];

		if (m->fd_owner && m->beat_fd >= 0)
			udp_drain(m, m->beat_fd, true);
	}
}

static gboolean udp_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dd_medium *owner = data;

	(void)cond;
	/* heartbeats that came before this datagram are seen before it */
	dd_media_drain_beats(owner->dd);
	udp_drain(owner, fd, false);
	dd_cluster_settle(owner->dd);
	return G_SOURCE_CONTINUE;
}

static int resolve4(const char *host, struct in_addr *out)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res = NULL;
	int rc;

	if (inet_pton(AF_INET, host, out) == 1)
		return 0;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || !res)
		return -1;
	*out = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

static int iface_broadcast(const char *ifname, struct in_addr *out)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCGIFBRDADDR, &ifr);
	if (rc == 0)
		*out = ((struct sockaddr_in *)&ifr.ifr_broadaddr)->sin_addr;
	if (rc == 0 && out->s_addr == htonl(INADDR_ANY)) {
		/* no broadcast address set ("ip addr add" without brd): derive it */
		struct in_addr a, m;

		rc = ioctl(fd, SIOCGIFADDR, &ifr);
		a = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
		if (rc == 0)
			rc = ioctl(fd, SIOCGIFNETMASK, &ifr);
		m = ((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr;
		if (rc == 0)
			out->s_addr = a.s_addr | ~m.s_addr;
	}
	close(fd);
	return rc < 0 ? -1 : 0;
}

/* reuse_port: join a SO_REUSEPORT group (the bcast/ucast socket and its
 * heartbeat companion) */
static int udp_socket(const struct dd_medium *m, unsigned port, bool reuse_port)
{
	const char *ifname = m->cfg->ifname;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, tos = IPTOS_LOWDELAY;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		qb_log(LOG_ERR, "ERROR: %s: socket: %s", m->spec, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuse_port)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				 (socklen_t)strlen(ifname) + 1) < 0) {
		qb_log(LOG_ERR, "ERROR: %s: cannot bind to device %s: %s", m->spec, ifname,
		       strerror(errno));
		close(fd);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		qb_log(LOG_ERR, "ERROR: %s: cannot bind UDP port %u: %s", m->spec, port,
		       strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int attach_prog(int fd, int opt, uint32_t base, uint32_t hit, uint32_t miss)
{
	struct sock_filter prog[DD_BEAT_PROG_MAX];
	struct sock_fprog fp = { .filter = prog };

	fp.len = (unsigned short)dd_beat_prog(prog, DD_BEAT_PROG_MAX, base, hit, miss);
	return setsockopt(fd, SOL_SOCKET, opt, &fp, sizeof(fp));
}

/*
 * The heartbeat companion of a bcast/ucast socket (dd_beat.h): a second
 * socket in the same SO_REUSEPORT group (index 1: it was bound second),
 * to which a group program steers unicast plain heartbeats; broadcast
 * datagrams reach every socket of the group, so each socket also filters
 * out what belongs to the other. Without the kernel's support (no
 * SO_ATTACH_REUSEPORT_CBPF) the companion is closed and every datagram
 * wakes the loop as before.
 */
static void beat_companion(struct dd_medium *m)
{
	int fd = udp_socket(m, m->cfg->port, true);
	int rcvbuf = DD_BEAT_RCVBUF;

	m->beat_fd = -1;
	if (fd < 0)
		return;
	/* room for a flood until the next read (root; else the default) */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (attach_prog(m->fd, SO_ATTACH_REUSEPORT_CBPF, 0, 1, 0) < 0 ||
	    attach_prog(fd, SO_ATTACH_FILTER, 8, 0xffffffffu, 0) < 0) {
		qb_log(LOG_INFO, "%s: heartbeats wake the loop (no steering: %s)", m->spec,
		       strerror(errno));
		close(fd);
		return;
	}
	/* without this the main socket also sees broadcast heartbeats: harmless */
	if (attach_prog(m->fd, SO_ATTACH_FILTER, 8, 0, 0xffffffffu) < 0)
		qb_log(LOG_DEBUG, "%s: no filter on the main socket: %s", m->spec,
		       strerror(errno));
	m->beat_fd = fd;
}

/*
 * The send socket of a ucast medium: bound to the device, connected to the
 * peer, from an ephemeral port as Heartbeat's own send socket. A send then
 * skips the route and neighbour lookup an unconnected sendto() makes each
 * time. -1 if it cannot be had: the medium sends from its shared socket.
 */
static int ucast_tx_socket(struct dd_medium *m)
{
	const char *ifname = m->cfg->ifname;
	int tos = IPTOS_LOWDELAY, small = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	/* nothing is read from it: keep what may queue there small */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if ((ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
				  (socklen_t)strlen(ifname) + 1) < 0) ||
	    connect(fd, (const struct sockaddr *)&m->dst, sizeof(m->dst)) < 0) {
		qb_log(LOG_DEBUG, "%s: no connected send socket (%s): sending with sendto()",
		       m->spec, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * An error the kernel keeps on a connected UDP socket from an ICMP message
 * (port or host unreachable) is returned by the next send, which then does
 * not go out. Anyone on the path can forge such a message, so a send that
 * fails with one is made again at once: the error was consumed by the
 * first attempt, and a heartbeat is never lost to it.
 */
static bool icmp_error(int err)
{
	return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH ||
	       err == EHOSTDOWN || err == ENONET || err == EPROTO || err == ENOPROTOOPT ||
	       err == EACCES || err == EOPNOTSUPP || err == EMSGSIZE;
}

static ssize_t medium_tx(const struct dd_medium *m, const void *buf, size_t len)
{
	ssize_t n;

	if (m->tx_fd < 0)
		return sendto(m->fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)&m->dst,
			      sizeof(m->dst));
	n = send(m->tx_fd, buf, len, MSG_DONTWAIT);
	if (n < 0 && icmp_error(errno))
		n = send(m->tx_fd, buf, len, MSG_DONTWAIT);
	return n;
}

static int mcast_setup(struct dd_medium *m)
{
	struct ip_mreqn mr;
	unsigned ifindex = if_nametoindex(m->cfg->ifname);
	int ttl = (int)m->cfg->ttl, loop = m->cfg->loop ? 1 : 0;

	if (!ifindex) {
		qb_log(LOG_ERR, "ERROR: %s: no interface %s", m->spec, m->cfg->ifname);
		return -1;
	}
	memset(&mr, 0, sizeof(mr));
	mr.imr_multiaddr = m->dst.sin_addr;
	mr.imr_ifindex = (int)ifindex;
	if (setsockopt(m->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0 ||
	    setsockopt(m->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
	    setsockopt(m->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(m->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) < 0) {
		qb_log(LOG_ERR, "ERROR: %s: cannot join multicast group: %s", m->spec,
		       strerror(errno));
		return -1;
	}
	return 0;
}

static int udp_open(struct dd *d, struct dd_medium *m)
{
	const struct hb_medium *c = m->cfg;
	struct in_addr a;

	m->dst.sin_family = AF_INET;
	m->dst.sin_port = htons((uint16_t)c->port);
	switch (c->kind) {
	case HB_MEDIA_UCAST:
		if (resolve4(c->addr, &a) < 0) {
			qb_log(LOG_ERR, "ERROR: %s:%u: cannot resolve ucast peer %s", d->cf_path,
			       c->line, c->addr);
			return -1;
		}
		break;
	case HB_MEDIA_BCAST:
		if (iface_broadcast(c->ifname, &a) < 0) {
			qb_log(LOG_ERR, "ERROR: %s:%u: no broadcast address on %s: %s",
			       d->cf_path, c->line, c->ifname, strerror(errno));
			return -1;
		}
		break;
	case HB_MEDIA_MCAST:
		if (inet_pton(AF_INET, c->addr, &a) != 1) {
			qb_log(LOG_ERR, "ERROR: %s:%u: bad multicast group %s", d->cf_path,
			       c->line, c->addr);
			return -1;
		}
		break;
	default:
		qb_log(LOG_ERR, "ERROR: %s:%u: %s media are not supported by duetd",
		       d->cf_path, c->line, hb_media_kind_str(c->kind));
		return -1;
	}
	m->dst.sin_addr = a;

	if (is_shared_kind(c->kind)) {
		for (size_t i = 0; i < (size_t)m->index; i++) {
			struct dd_medium *o = &d->media[i];

			if (o->fd >= 0 && is_shared_kind(o->cfg->kind) &&
			    o->cfg->port == c->port && strcmp(o->cfg->ifname, c->ifname) == 0) {
				m->fd = o->fd;
				m->fd_owner = false;
				return 0;
			}
		}
	}
	m->fd = udp_socket(m, c->port, is_shared_kind(c->kind));
	if (m->fd < 0)
		return -1;
	m->fd_owner = true;
	if (c->kind == HB_MEDIA_MCAST && mcast_setup(m) < 0) {
		close(m->fd);
		m->fd = -1;
		return -1;
	}
	/* (mcast media have their own socket and are not steered yet) */
	if (is_shared_kind(c->kind))
		beat_companion(m);
	if (c->kind == HB_MEDIA_UCAST)
		m->tx_fd = ucast_tx_socket(m);
	m->watch = dd_source_fast(g_unix_fd_add_full(G_PRIORITY_HIGH, m->fd, G_IO_IN,
						    udp_readable, m, NULL));
	return 0;
}

int dd_media_open(struct dd *d)
{
	d->nmedia = d->conf.nmedia;
	d->media = calloc(d->nmedia ? d->nmedia : 1, sizeof(*d->media));
	if (!d->media)
		return -1;
	for (size_t i = 0; i < d->nmedia; i++) {
		struct dd_medium *m = &d->media[i];
		const struct hb_medium *c = &d->conf.media[i];

		m->dd = d;
		m->index = (int)i;
		m->cfg = c;
		m->fd = -1;
		m->beat_fd = -1;
		m->tx_fd = -1;
		switch (c->kind) {
		case HB_MEDIA_SERIAL:
			snprintf(m->name, sizeof(m->name), "%s", c->dev);
			snprintf(m->spec, sizeof(m->spec), "%s", c->dev);
			break;
		case HB_MEDIA_MCAST:
			snprintf(m->name, sizeof(m->name), "%s", c->ifname);
			snprintf(m->spec, sizeof(m->spec), "%s %s %u %u %d", c->ifname, c->addr,
				 c->port, c->ttl, c->loop);
			break;
		case HB_MEDIA_UCAST:
		case HB_MEDIA_UCAST6:
			snprintf(m->name, sizeof(m->name), "%s", c->ifname);
			snprintf(m->spec, sizeof(m->spec), "%s %s", c->ifname, c->addr);
			break;
		default:
			snprintf(m->name, sizeof(m->name), "%s", c->ifname ? c->ifname : "?");
			snprintf(m->spec, sizeof(m->spec), "%s", m->name);
			break;
		}
	}
	for (size_t i = 0; i < d->nmedia; i++) {
		struct dd_medium *m = &d->media[i];
		int rc = m->cfg->kind == HB_MEDIA_SERIAL ? dd_serial_open(d, m) : udp_open(d, m);

		if (rc < 0)
			return -1;
		if (m->cfg->kind == HB_MEDIA_SERIAL) {
			qb_log(LOG_INFO, "serial medium %s started (%u baud)", m->spec,
			       m->cfg->baud);
		} else {
			char ip[INET_ADDRSTRLEN] = "?";

			inet_ntop(AF_INET, &m->dst.sin_addr, ip, sizeof(ip));
			qb_log(LOG_INFO, "%s medium %s started (to %s:%u)", dd_media_kind(m),
			       m->spec, ip, m->cfg->port);
		}
	}
	return 0;
}

void dd_media_close(struct dd *d)
{
	for (size_t i = 0; i < d->nmedia; i++) {
		struct dd_medium *m = &d->media[i];

		if (m->cfg->kind == HB_MEDIA_SERIAL) {
			dd_serial_close(m);
			continue;
		}
		if (m->watch)
			g_source_remove(m->watch);
		m->watch = 0;
		if (m->fd >= 0 && m->fd_owner)
			close(m->fd);
		if (m->beat_fd >= 0 && m->fd_owner)
			close(m->beat_fd);
		if (m->tx_fd >= 0)
			close(m->tx_fd);
		m->fd = -1;
		m->beat_fd = -1;
		m->tx_fd = -1;
	}
	free(d->media);
	d->media = NULL;
	d->nmedia = 0;
}

void dd_media_send(struct dd *d, struct dd_medium *m, const void *buf, size_t len)
{
	if (m->cfg->kind == HB_MEDIA_SERIAL) {
		dd_serial_send(d, m, buf, len);
		return;
	}
	if (m->fd < 0)
		return;
	if (medium_tx(m, buf, len) < 0) {
		/* a down link: the peer's view of it will say so; log once */
		if (!m->tx_error_logged)
			qb_log(LOG_WARNING, "WARN: %s: send failed: %s", m->spec, strerror(errno));
		m->tx_error_logged = true;
		return;
	}
	if (m->tx_error_logged)
		qb_log(LOG_INFO, "%s: sending again", m->spec);
	m->tx_error_logged = false;
	m->tx++;
}
