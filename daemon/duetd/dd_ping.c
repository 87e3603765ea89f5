/*
 * dd_ping: ha.cf's ping and ping_group nodes. An ICMP echo goes to every
 * address each keepalive; a ping node is up while one of its addresses
 * answered within deadping. Uses a raw ICMP socket (root), else an
 * unprivileged ICMP datagram socket. Reachability feeds the resource
 * layer's split-brain rule (dd_fo_ping).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <qb/qblog.h>

#include "daemon/duetd/dd.h"

static bool ping_raw;

static uint16_t icmp_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)(b[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static void ping_state(struct dd *d, struct dd_ping_node *p, bool up)
{
	if (p->up == up)
		return;
	p->up = up;
	if (up)
		dd_event(d, LOG_INFO, "node", "Status update for node %s: status ping",
			 p->cfg->name);
	else
		dd_event(d, LOG_WARNING, "node", "node %s: is dead", p->cfg->name);
	dd_fo_ping(d);
}

/* one echo request, the next sequence number, to every ping address */
static void send_pings(struct dd *d)
{
	unsigned char pkt[16];
	uint16_t sum;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = ICMP_ECHO;
	d->ping_seq++;
	pkt[4] = (uint8_t)(d->ping_id >> 8);
	pkt[5] = (uint8_t)d->ping_id;
	pkt[6] = (uint8_t)(d->ping_seq >> 8);
	pkt[7] = (uint8_t)d->ping_seq;
	memcpy(pkt + 8, "duetd\0\0\0", 8);
	sum = icmp_sum(pkt, sizeof(pkt));
	memcpy(pkt + 2, &sum, 2);
	for (size_t i = 0; i < d->npings; i++)
		for (size_t a = 0; a < d->pings[i].naddr; a++) {
			struct sockaddr_in to = { .sin_family = AF_INET,
						  .sin_addr = d->pings[i].addr[a] };

			(void)sendto(d->ping_fd, pkt, sizeof(pkt), MSG_DONTWAIT,
				     (struct sockaddr *)&to, sizeof(to));
		}
}

void dd_ping_confirm(struct dd *d)
{
	if (d->npings == 0 || d->ping_fd < 0 || d->ping_confirming)
		return;
	send_pings(d);
	d->ping_confirm_seq = d->ping_seq;
	d->ping_confirming = true;
}

static gboolean ping_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dd *d = data;
	unsigned char buf[1500];

	(void)cond;
	for (int k = 0; k < 32; k++) {
		struct sockaddr_in src;
		socklen_t sl = sizeof(src);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&src, &sl);
		const unsigned char *ic = buf;
		size_t off = 0;
		uint16_t seq;

		if (n <= 0)
			break;
		if (ping_raw) {
			if ((size_t)n < sizeof(struct ip))
				continue;
			off = (size_t)(buf[0] & 0x0f) * 4;
		}
		if ((size_t)n < off + 8)
			continue;
		ic = buf + off;
		if (ic[0] != ICMP_ECHOREPLY)
			continue;
		if (ping_raw && (uint16_t)(ic[4] << 8 | ic[5]) != d->ping_id)
			continue;
		seq = (uint16_t)(ic[6] << 8 | ic[7]);
		for (size_t i = 0; i < d->npings; i++) {
			struct dd_ping_node *p = &d->pings[i];

			for (size_t a = 0; a < p->naddr; a++)
				if (p->addr[a].s_addr == src.sin_addr.s_addr) {
					p->last_ms = dd_now_ms();
					ping_state(d, p, true);
					/* an answer to dd_ping_confirm's ping, or a later one */
					if (d->ping_confirming &&
					    (int16_t)(uint16_t)(seq - d->ping_confirm_seq) >= 0) {
						d->ping_confirming = false;
						dd_fo_ping_answer(d);
					}
				}
		}
	}
	return G_SOURCE_CONTINUE;
}

int dd_ping_open(struct dd *d)
{
	size_t n = d->conf.npings;

	d->ping_fd = -1;
	if (n == 0)
		return 0;
	d->pings = calloc(n, sizeof(*d->pings));
	if (!d->pings)
		return -1;
	d->npings = n;
	for (size_t i = 0; i < n; i++) {
		struct dd_ping_node *p = &d->pings[i];

		p->cfg = &d->conf.pings[i];
		if (p->cfg->v6) {
			qb_log(LOG_WARNING, "WARN: %s:%u: ping6 is not supported by duetd; "
			       "%s stays dead", d->cf_path, p->cfg->line, p->cfg->name);
			continue;
		}
		for (size_t a = 0; a < p->cfg->naddrs && p->naddr < 8; a++)
			if (inet_pton(AF_INET, p->cfg->addrs[a], &p->addr[p->naddr]) == 1)
				p->naddr++;
	}
	d->ping_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	ping_raw = d->ping_fd >= 0;
	if (d->ping_fd < 0)
		d->ping_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				    IPPROTO_ICMP);
	if (d->ping_fd < 0) {
		qb_log(LOG_ERR, "ERROR: cannot open an ICMP socket for the ping nodes: %s",
		       strerror(errno));
		return -1;
	}
	d->ping_id = (uint16_t)(getpid() & 0xffff);
	d->ping_watch = g_unix_fd_add(d->ping_fd, G_IO_IN, ping_readable, d);
	d->next_ping_ms = dd_now_ms();
	return 0;
}

void dd_ping_close(struct dd *d)
{
	if (d->ping_watch)
		g_source_remove(d->ping_watch);
	d->ping_watch = 0;
	if (d->ping_fd >= 0)
		close(d->ping_fd);
	d->ping_fd = -1;
	free(d->pings);
	d->pings = NULL;
	d->npings = 0;
}

uint64_t dd_ping_tick(struct dd *d, uint64_t now)
{
	uint32_t dead = d->conf.deadping_ms ? d->conf.deadping_ms : d->conf.deadtime_ms;
	uint64_t next = UINT64_MAX;

	if (d->npings == 0 || d->ping_fd < 0)
		return UINT64_MAX;
	if (now >= d->next_ping_ms) {
		send_pings(d);
		d->next_ping_ms = now + d->conf.keepalive_ms;
	}
	next = d->next_ping_ms;
	for (size_t i = 0; i < d->npings; i++) {
		struct dd_ping_node *p = &d->pings[i];

		if (!p->up)
			continue;
		if (now > p->last_ms + dead)
			ping_state(d, p, false);
		else if (p->last_ms + dead + 1 < next)
			next = p->last_ms + dead + 1;
	}
	return next;
}
