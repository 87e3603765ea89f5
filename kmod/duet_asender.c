// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the ack receiver, the thread duet_a_<res>.
 *
 * It reads the meta socket: acknowledgements of our writes and of our
 * barriers (duet_repl.c acts on them), and pings. It also keeps the link
 * alive: when the meta socket has been silent for ping-int seconds it
 * sends a PING, and when no PING_ACK follows within ping-timeout the peer
 * is taken for dead ("PingAck did not arrive in time", as DRBD says) and
 * the link is torn down. Acks are small and never queue behind data: the
 * meta socket carries nothing else.
 */
#include <linux/net.h>
#include <linux/slab.h>

#include "duet.h"

static long duet_asender_ping_int(struct duet_link *c)
{
	return max_t(long, READ_ONCE(c->nc.ping_int) * HZ, HZ / 10);
}

static long duet_asender_ping_timeout(struct duet_link *c)
{
	return max_t(long, READ_ONCE(c->nc.ping_timeout) * HZ / 10, 1);
}

static int duet_asender_send(struct duet_link *c, u16 type)
{
	struct duet_wire_pkt pkt = { };
	int rv;

	pkt.hdr.type = type;
	mutex_lock(&c->meta_mu);
	rv = duet_sock_send(c, c->meta, &pkt, NULL, 0);
	mutex_unlock(&c->meta_mu);
	return rv;
}

int duet_asender_thread(void *arg)
{
	struct duet_link *c = arg;
	u8 buf[DUET_WIRE_CTRL_MAX];
	struct duet_wire_pkt pkt;
	bool ping_sent = false;
	enum duet_link_why why = DUET_WHY_NONE;
	int rv = 0;

	duet_sock_set_rcvtimeo(c->meta, duet_asender_ping_int(c));
	while (!kthread_should_stop()) {
		rv = duet_sock_recv_pkt(c, c->meta, DUET_SOCK_META, buf,
					sizeof(buf), &pkt);
		if (rv == -EAGAIN) {
			if (ping_sent) {
				pr_err("duet: %s: PingAck did not arrive in time from %s\n",
				       c->res->name, c->peer_str);
				why = DUET_WHY_TIMEOUT;
				break;
			}
			rv = duet_asender_send(c, DUET_P_PING);
			if (rv)
				break;
			ping_sent = true;
			duet_sock_set_rcvtimeo(c->meta,
					       duet_asender_ping_timeout(c));
			continue;
		}
		if (rv)
			break;
		WRITE_ONCE(c->last_rx, jiffies);
		switch (pkt.hdr.type) {
		case DUET_P_PING:
			rv = duet_asender_send(c, DUET_P_PING_ACK);
			break;
		case DUET_P_PING_ACK:
			break;
		case DUET_P_RECV_ACK:
		case DUET_P_WRITE_ACK:
		case DUET_P_NEG_ACK:
			rv = duet_repl_ack(c, &pkt);
			break;
		case DUET_P_BARRIER_ACK:
			rv = duet_repl_barrier_ack(c, &pkt);
			break;
		case DUET_P_RS_WRITE_ACK:
		case DUET_P_NEG_RS_ACK:
			rv = duet_resync_ack(c, &pkt);
			break;
		default:
			c->proto_errors++;
			pr_err("duet: %s: protocol error from %s: %s not handled on the meta socket\n",
			       c->res->name, c->peer_str,
			       duet_wire_type_str(pkt.hdr.type));
			rv = -EPROTO;
			break;
		}
		if (rv)
			break;
		/* any packet shows the peer alive: back to the idle timer */
		if (ping_sent) {
			ping_sent = false;
			duet_sock_set_rcvtimeo(c->meta,
					       duet_asender_ping_int(c));
		}
	}
	if (!kthread_should_stop())
		duet_link_lost(c, why ? why : duet_link_why(rv),
			       "meta socket: %d", rv);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}
