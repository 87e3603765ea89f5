// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the life of a replication link, the thread duet_w_<res>.
 *
 * CONNECT creates the link: the listening socket (so that a bad address
 * is reported to the command), the transfer log, the worker. The worker
 * then loops: WFConnection until both sockets are up, the handshake
 * (duet_hs.c), Connected with the receiver and the ack receiver running,
 * and when the link breaks, teardown and back to WFConnection. A refusal
 * of the handshake (split brain, wrong secret, unrelated data) leaves the
 * link StandAlone until the administrator says connect again.
 *
 * Who connects is decided by the configured addresses, never by a race
 * (kmod/PROTOCOL.md, "Connection set-up"): the node whose address is the
 * greater is the initiator and opens both sockets; the responder accepts
 * them, and knocks (connects, says KNOCK, closes) so that the initiator
 * connects at once instead of at its next connect-int.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "duet.h"

/* Transfer-log records per link: writes the peer has not yet confirmed. */
#define DUET_LINK_TL_CAP	8192

struct duet_device *duet_link_dev(struct duet_link *c, u16 volume)
{
	struct duet_device *dev;

	list_for_each_entry(dev, &c->res->devices, res_list)
		if (dev->volume == volume)
			return dev;
	return NULL;
}

enum duet_link_why duet_link_why(int err)
{
	switch (err) {
	case -EPROTO:
		return DUET_WHY_PROTOCOL;
	case -ECONNRESET:
	case -EPIPE:
		return DUET_WHY_BROKEN_PIPE;
	case -ETIMEDOUT:
	case -EAGAIN:
		return DUET_WHY_TIMEOUT;
	case -EACCES:
		return DUET_WHY_REFUSE;
	default:
		return DUET_WHY_NETWORK;
	}
}

static enum duet_conn duet_link_why_cstate(enum duet_link_why why)
{
	switch (why) {
	case DUET_WHY_PROTOCOL:
		return DUET_C_PROTOCOL_ERROR;
	case DUET_WHY_BROKEN_PIPE:
		return DUET_C_BROKEN_PIPE;
	case DUET_WHY_TIMEOUT:
	case DUET_WHY_PEER_DEAD:
		return DUET_C_TIMEOUT;
	case DUET_WHY_DISCONNECT:
		return DUET_C_DISCONNECTING;
	case DUET_WHY_RESYNC:
		return DUET_C_TEAR_DOWN;
	default:
		return DUET_C_NETWORK_FAILURE;
	}
}

/* The link broke: the first reason counts; the worker tears it down. */
void duet_link_lost(struct duet_link *c, enum duet_link_why why,
		    const char *fmt, ...)
{
	unsigned long flags;
	bool first;
	char what[96];
	va_list ap;

	spin_lock_irqsave(&c->lock, flags);
	first = c->live && !c->why;
	if (!c->why)
		c->why = why;
	c->live = false;
	spin_unlock_irqrestore(&c->lock, flags);
	if (!first)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	pr_info("duet: %s: connection to %s lost (%s): %s\n", c->res->name,
		c->peer_str, duet_conn_str(duet_link_why_cstate(why)), what);
	wake_up(&c->worker_wait);
	wake_up(&c->wait);
}

/*
 * The membership daemon knows the peer is dead (PEER_DEAD): the link is
 * torn down at once instead of after ping-timeout, and the worker goes on
 * trying to connect (the peer may come back). Without a live link there
 * is nothing to drop: false.
 */
bool duet_link_peer_dead(struct duet_resource *res)
{
	struct duet_link *c = res->link;

	if (!c || !READ_ONCE(c->live))
		return false;
	duet_link_lost(c, DUET_WHY_PEER_DEAD,
		       "the cluster manager declared the peer dead");
	return true;
}

/*
 * Set the connection state of every volume. Below Connected the peer is
 * unknown (core/sm.c's sanitizing says so).
 */
void duet_link_set_cstate(struct duet_link *c, enum duet_conn cs)
{
	struct duet_device *dev;
	struct duet_state ns;
	enum duet_sm_rv rv;

	list_for_each_entry(dev, &c->res->devices, res_list) {
		mutex_lock(&dev->conf_lock);
		ns = dev->state;
		ns.conn = cs;
		rv = duet_dev_change_state(dev, &ns, DUET_CS_HARD);
		if (rv < 0)
			pr_err("%s: connection state %s refused: %s\n",
			       dev->disk->disk_name, duet_conn_str(cs),
			       duet_sm_rv_str(rv));
		mutex_unlock(&dev->conf_lock);
	}
}

/* ---- sockets ------------------------------------------------------------ */

static int duet_link_addr_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					  sizeof(struct sockaddr_in);
}

static int duet_link_socket(struct duet_link *c, struct socket **out)
{
	int err = sock_create_kern(&init_net, c->nc.my_addr.ss_family,
				   SOCK_STREAM, IPPROTO_TCP, out);

	if (!err)
		sock_set_reuseaddr((*out)->sk);
	return err;
}

/* Do the two addresses name the same host (ports aside)? */
static bool duet_link_same_host(const struct sockaddr_storage *a,
				const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6)
		return ipv6_addr_equal(&((struct sockaddr_in6 *)a)->sin6_addr,
				       &((struct sockaddr_in6 *)b)->sin6_addr);
	return ((struct sockaddr_in *)a)->sin_addr.s_addr ==
	       ((struct sockaddr_in *)b)->sin_addr.s_addr;
}

/* The socket's peer, for the check against the configured address. */
static int duet_link_getpeer(struct socket *s, struct sockaddr_storage *ss)
{
	int rv = kernel_getpeername(s, (struct sockaddr *)ss);

	return rv < 0 ? rv : 0;
}

static void duet_link_close(struct socket **s)
{
	if (*s) {
		kernel_sock_shutdown(*s, SHUT_RDWR);
		sock_release(*s);
		*s = NULL;
	}
}

static long duet_link_hs_timeo(struct duet_link *c)
{
	/* four ping-timeouts, as DRBD's handshake; at least a second */
	return max_t(long, c->nc.ping_timeout * 4 * HZ / 10, HZ);
}

static int duet_link_send_hello(struct duet_link *c, struct socket *s,
				u32 kind)
{
	struct duet_wire_pkt pkt = { };

	pkt.hdr.type = DUET_P_HELLO;
	pkt.u.hello.version_min = DUET_WIRE_VERSION_MIN;
	pkt.u.hello.version_max = DUET_WIRE_VERSION_MAX;
	pkt.u.hello.kind = kind;
	/* a knock belongs to no session */
	pkt.u.hello.session = kind == DUET_HELLO_KNOCK ? 0 : c->session;
	return duet_sock_send(c, s, &pkt, NULL, 0);
}

/* Read the first packet of a socket: it must be a HELLO. */
static int duet_link_recv_hello(struct duet_link *c, struct socket *s,
				struct duet_wire_hello *h)
{
	u8 buf[DUET_WIRE_CTRL_MAX];
	struct duet_wire_pkt pkt;
	int rv;

	duet_sock_set_rcvtimeo(s, duet_link_hs_timeo(c));
	rv = duet_sock_recv_pkt(c, s, DUET_SOCK_DATA, buf, sizeof(buf), &pkt);
	if (rv)
		return rv;
	if (pkt.hdr.type != DUET_P_HELLO) {
		c->proto_errors++;
		pr_err("duet: %s: %s sent %s as its first packet, not HELLO\n",
		       c->res->name, c->peer_str,
		       duet_wire_type_str(pkt.hdr.type));
		return -EPROTO;
	}
	*h = pkt.u.hello;
	return 0;
}

/* The peer's HELLO answer: agree on a version. */
static int duet_link_agree(struct duet_link *c, const struct duet_wire_hello *h)
{
	int v = duet_wire_version_agree(DUET_WIRE_VERSION_MIN,
					DUET_WIRE_VERSION_MAX,
					h->version_min, h->version_max);

	if (v < 0) {
		pr_err("duet: %s: incompatible protocol versions: we speak %u-%u, %s speaks %u-%u\n",
		       c->res->name, DUET_WIRE_VERSION_MIN,
		       DUET_WIRE_VERSION_MAX, c->peer_str, h->version_min,
		       h->version_max);
		return -EACCES;
	}
	c->version = v;
	return 0;
}

/* Initiator: open one socket of the session and exchange HELLOs. */
static int duet_link_open(struct duet_link *c, u32 kind, struct socket **out)
{
	struct sockaddr_storage me = c->nc.my_addr;
	struct duet_wire_hello h;
	struct socket *s;
	int rv;

	rv = duet_link_socket(c, &s);
	if (rv)
		return rv;
	/* from the replication address, any port */
	if (me.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&me)->sin6_port = 0;
	else
		((struct sockaddr_in *)&me)->sin_port = 0;
	rv = kernel_bind(s, (struct sockaddr *)&me, duet_link_addr_len(&me));
	if (!rv) {
		s->sk->sk_sndtimeo = duet_link_hs_timeo(c);
		rv = kernel_connect(s, (struct sockaddr *)&c->nc.peer_addr,
				    duet_link_addr_len(&c->nc.peer_addr), 0);
	}
	if (!rv)
		rv = duet_link_send_hello(c, s, kind);
	if (!rv && kind != DUET_HELLO_KNOCK) {
		rv = duet_link_recv_hello(c, s, &h);
		if (!rv && h.kind != kind)
			rv = -EPROTO;
		if (!rv)
			rv = duet_link_agree(c, &h);
	}
	if (rv) {
		duet_link_close(&s);
		return rv;
	}
	*out = s;
	return 0;
}

static int duet_link_connect_pair(struct duet_link *c)
{
	int rv;

	c->session = get_random_u64();
	rv = duet_link_open(c, DUET_HELLO_DATA, &c->data);
	if (!rv)
		rv = duet_link_open(c, DUET_HELLO_META, &c->meta);
	if (rv) {
		duet_link_close(&c->data);
		duet_link_close(&c->meta);
		if (rv == -EACCES || rv == -EPROTO)
			return rv;
		pr_info_ratelimited("duet: %s: connecting to %s failed (%d), retrying every %u s\n",
				    c->res->name, c->peer_str, rv,
				    c->nc.connect_int);
	}
	return rv;
}

/* Responder: connect, say KNOCK, close. */
static void duet_link_knock(struct duet_link *c)
{
	struct socket *s = NULL;

	if (!duet_link_open(c, DUET_HELLO_KNOCK, &s))
		duet_link_close(&s);
}

/*
 * A connection arrived on the listening socket. Returns 1 when the
 * session is complete (responder: data and meta accepted), 0 to go on
 * waiting, a negative error for a refusal that ends the attempt.
 */
static int duet_link_accepted(struct duet_link *c, struct socket *s,
			      bool *knocked)
{
	struct sockaddr_storage from;
	struct duet_wire_hello h;
	int rv;

	rv = duet_link_getpeer(s, &from);
	if (rv || !duet_link_same_host(&from, &c->nc.peer_addr)) {
		pr_warn_ratelimited("duet: %s: connection from %pISp refused: not the peer %s\n",
				    c->res->name, &from, c->peer_str);
		goto drop;
	}
	rv = duet_link_recv_hello(c, s, &h);
	if (rv)
		goto drop;
	if (c->initiator) {
		if (h.kind == DUET_HELLO_KNOCK) {
			*knocked = true;
			goto drop;
		}
		pr_err_ratelimited("duet: %s: %s connects as if it were the initiator: the two 'address' lines must be the same on both nodes\n",
				   c->res->name, c->peer_str);
		goto drop;
	}
	if (h.kind == DUET_HELLO_KNOCK) {
		pr_err_ratelimited("duet: %s: %s knocks as if it were the responder: the two 'address' lines must be the same on both nodes\n",
				   c->res->name, c->peer_str);
		goto drop;
	}
	rv = duet_link_agree(c, &h);
	if (rv) {
		duet_link_close(&s);
		return rv;
	}
	if (h.kind == DUET_HELLO_DATA) {
		duet_link_close(&c->data);
		c->session = h.session;
		if (duet_link_send_hello(c, s, DUET_HELLO_DATA))
			goto drop;
		c->data = s;
		return 0;
	}
	/* META: it must belong to the data socket we hold */
	if (!c->data || h.session != c->session)
		goto drop;
	if (duet_link_send_hello(c, s, DUET_HELLO_META))
		goto drop;
	c->meta = s;
	return 1;
drop:
	duet_link_close(&s);
	return 0;
}

/*
 * WFConnection: until both sockets are up (0), the worker is stopped
 * (-EINTR) or the peer is refused for good (-EACCES).
 */
static int duet_link_establish(struct duet_link *c)
{
	unsigned long next = jiffies;
	bool knocked = false;
	struct socket *s;
	int rv;

	duet_sock_set_rcvtimeo(c->listen, HZ / 10);
	while (!kthread_should_stop()) {
		if (knocked || time_after_eq(jiffies, next)) {
			next = jiffies + max_t(u32, c->nc.connect_int, 1) * HZ;
			knocked = false;
			if (c->initiator) {
				rv = duet_link_connect_pair(c);
				if (!rv || rv == -EACCES)
					return rv;
			} else if (!c->data) {
				duet_link_knock(c);
			}
		}
		rv = kernel_accept(c->listen, &s, 0);
		if (rv == -EAGAIN || rv == -EINTR || rv == -ERESTARTSYS)
			continue;
		if (rv) {
			pr_err_ratelimited("duet: %s: accept failed (%d)\n",
					   c->res->name, rv);
			schedule_timeout_interruptible(HZ / 10);
			continue;
		}
		rv = duet_link_accepted(c, s, &knocked);
		if (rv)
			return rv > 0 ? 0 : rv;
	}
	duet_link_close(&c->data);
	return -EINTR;
}

/* ---- connected ---------------------------------------------------------- */

static int duet_link_go_live(struct duet_link *c)
{
	const char *name = c->res->name;
	unsigned long flags;

	duet_sock_tune(c->data, &c->nc, false);
	duet_sock_tune(c->meta, &c->nc, true);
	duet_sock_set_rcvtimeo(c->data, 0);
	duet_tl_rx_init(&c->rx);
	c->seq = 0;
	c->why = DUET_WHY_NONE;

	c->receiver = kthread_create(duet_recv_thread, c, "duet_r_%s", name);
	if (IS_ERR(c->receiver)) {
		c->receiver = NULL;
		return -ENOMEM;
	}
	c->asender = kthread_create(duet_asender_thread, c, "duet_a_%s", name);
	if (IS_ERR(c->asender)) {
		c->asender = NULL;
		return -ENOMEM;
	}
	spin_lock_irqsave(&c->lock, flags);
	c->live = true;
	spin_unlock_irqrestore(&c->lock, flags);
	wake_up_process(c->receiver);
	wake_up_process(c->asender);
	return 0;
}

/* Stop everything that uses the sockets, then give back what is owed. */
static void duet_link_teardown(struct duet_link *c)
{
	struct duet_device *dev;
	unsigned long flags;
	struct socket *s;

	spin_lock_irqsave(&c->lock, flags);
	c->live = false;
	spin_unlock_irqrestore(&c->lock, flags);
	wake_up(&c->wait);
	if (c->data)
		kernel_sock_shutdown(c->data, SHUT_RDWR);
	if (c->meta)
		kernel_sock_shutdown(c->meta, SHUT_RDWR);
	if (c->receiver)
		kthread_stop(c->receiver);
	if (c->asender)
		kthread_stop(c->asender);
	c->receiver = NULL;
	c->asender = NULL;
	list_for_each_entry(dev, &c->res->devices, res_list)
		duet_resync_stop(dev);
	/* a sender in the middle of a packet has failed and let go */
	mutex_lock(&c->data_mu);
	mutex_unlock(&c->data_mu);
	cancel_work_sync(&c->idle_work);
	/* the peer's writes at our disk finish and their answers are dropped */
	wait_event(c->wait, !atomic_read(&c->peer_inflight));
	duet_recv_drain(c);
	/* our writes the peer did not confirm: out of sync */
	duet_repl_link_lost(c);
	/* no sender finds a socket any more */
	mutex_lock(&c->data_mu);
	s = c->data;
	c->data = NULL;
	mutex_unlock(&c->data_mu);
	duet_link_close(&s);
	mutex_lock(&c->meta_mu);
	s = c->meta;
	c->meta = NULL;
	mutex_unlock(&c->meta_mu);
	duet_link_close(&s);
	duet_hs_link_down(c);
}

static int duet_link_worker(void *arg)
{
	struct duet_link *c = arg;
	struct duet_device *dev;
	enum duet_link_why why;
	int rv;

	duet_link_set_cstate(c, DUET_C_UNCONNECTED);
	while (!kthread_should_stop()) {
		duet_link_set_cstate(c, DUET_C_WF_CONNECTION);
		rv = duet_link_establish(c);
		if (rv == -EINTR)
			break;
		if (!rv) {
			duet_link_set_cstate(c, DUET_C_WF_REPORT_PARAMS);
			rv = duet_hs_run(c);
		}
		if (!rv)
			rv = duet_link_go_live(c);
		if (!rv) {
			list_for_each_entry(dev, &c->res->devices, res_list)
				duet_resync_begin(c, dev);
			wait_event_interruptible(c->worker_wait,
						 READ_ONCE(c->why) ||
						 kthread_should_stop());
		}
		why = READ_ONCE(c->why);
		if (!why)
			why = rv ? duet_link_why(rv) : DUET_WHY_DISCONNECT;
		duet_link_teardown(c);
		if (why == DUET_WHY_REFUSE) {
			WRITE_ONCE(c->refused, true);
			duet_link_set_cstate(c, DUET_C_DISCONNECTING);
			duet_link_set_cstate(c, DUET_C_STANDALONE);
			while (!kthread_should_stop())
				schedule_timeout_interruptible(HZ);
			break;
		}
		if (kthread_should_stop())
			break;
		duet_link_set_cstate(c, duet_link_why_cstate(why));
		duet_link_set_cstate(c, DUET_C_UNCONNECTED);
		c->why = DUET_WHY_NONE;
	}
	return 0;
}

/* Tell the peer a state change of ours (role, disk). */
void duet_link_send_state(struct duet_device *dev)
{
	struct duet_link *c = dev->res->link;
	struct duet_wire_pkt pkt = { };
	struct duet_state s;
	int rv;

	if (!c || !READ_ONCE(c->live))
		return;
	spin_lock_irq(&dev->state_lock);
	s = dev->state;
	spin_unlock_irq(&dev->state_lock);
	pkt.hdr.type = DUET_P_STATE;
	pkt.hdr.volume = dev->volume;
	pkt.u.state = duet_state_pack(&s);
	mutex_lock(&c->data_mu);
	/* under data_mu a live link still has its socket */
	rv = READ_ONCE(c->live) ? duet_sock_send(c, c->data, &pkt, NULL, 0) : 0;
	mutex_unlock(&c->data_mu);
	if (rv)
		duet_link_lost(c, DUET_WHY_NETWORK, "sending our state failed");
}

/*
 * A role changed while connected. Normally the peer only learns it; but a
 * Primary whose data is newer than the peer's (promote --force of one of
 * two Inconsistent disks) must sync the peer: the link is made again at
 * once, and the handshake decides the resync (rule 20/30, full sync).
 */
void duet_link_role_changed(struct duet_device *dev, enum duet_sm_rv rv)
{
	struct duet_link *c = dev->res->link;
	struct duet_state s;

	if (rv == DUET_SS_NOTHING_TO_DO || !c || !READ_ONCE(c->live))
		return;
	spin_lock_irq(&dev->state_lock);
	s = dev->state;
	spin_unlock_irq(&dev->state_lock);
	if (s.conn == DUET_C_CONNECTED && s.role == DUET_ROLE_PRIMARY &&
	    s.disk == DUET_D_UP_TO_DATE && s.pdsk >= DUET_D_INCONSISTENT &&
	    s.pdsk < DUET_D_CONSISTENT && s.pdsk != DUET_D_UNKNOWN) {
		duet_link_lost(c, DUET_WHY_RESYNC,
			       "new data generation on the Primary: reconnecting to sync the peer");
		return;
	}
	duet_link_send_state(dev);
}

/*
 * The peer's STATE while connected (receiver thread): its role, disk and
 * pause flags as we show them; a SyncSource reporting Connected ends our
 * resync.
 */
int duet_link_peer_state(struct duet_link *c, const struct duet_wire_pkt *pkt)
{
	struct duet_device *dev = duet_link_dev(c, pkt->hdr.volume);
	struct duet_state ps, ns;
	enum duet_sm_rv rv;

	if (!dev || duet_state_unpack(pkt->u.state, &ps) != DUET_SS_SUCCESS) {
		c->proto_errors++;
		pr_err("duet: %s: %s reported an invalid state 0x%08x (volume %u)\n",
		       c->res->name, c->peer_str, pkt->u.state,
		       pkt->hdr.volume);
		return -EPROTO;
	}
	if ((dev->state.conn == DUET_C_SYNC_TARGET ||
	     dev->state.conn == DUET_C_PAUSED_SYNC_T) &&
	    ps.conn == DUET_C_CONNECTED && ps.disk == DUET_D_UP_TO_DATE)
		duet_resync_finish_target(dev);
	mutex_lock(&dev->conf_lock);
	if (ps.role == DUET_ROLE_PRIMARY && dev->state.role == DUET_ROLE_PRIMARY &&
	    !c->nc.two_primaries) {
		mutex_unlock(&dev->conf_lock);
		pr_err("%s: the peer %s became Primary too, and allow-two-primaries is not set\n",
		       dev->disk->disk_name, c->peer_str);
		return -EPROTO;
	}
	ns = dev->state;
	ns.peer = ps.role;
	ns.pdsk = ps.disk;
	/* the peer's pause-sync pauses the resync here too */
	ns.peer_isp = ps.user_isp || ps.aftr_isp;
	rv = duet_dev_change_state(dev, &ns, DUET_CS_HARD);
	mutex_unlock(&dev->conf_lock);
	if (rv < 0)
		pr_warn("%s: the peer's state %s/%s not taken: %s\n",
			dev->disk->disk_name, duet_role_str(ps.role),
			duet_disk_str(ps.disk), duet_sm_rv_str(rv));
	return 0;
}

/* ---- configuration ------------------------------------------------------ */

static void duet_link_wire_addr(const struct sockaddr_storage *ss,
				struct duet_wire_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		a->family = DUET_WIRE_AF_INET6;
		a->port = ntohs(s6->sin6_port);
		memcpy(a->ip, &s6->sin6_addr, 16);
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		a->family = DUET_WIRE_AF_INET;
		a->port = ntohs(s4->sin_port);
		memcpy(a->ip, &s4->sin_addr, 4);
	}
}

/* The initiator is the node with the greater address (core/wire.c). */
static bool duet_link_is_initiator(const struct sockaddr_storage *me,
				   const struct sockaddr_storage *peer)
{
	struct duet_wire_addr a, b;

	duet_link_wire_addr(me, &a);
	duet_link_wire_addr(peer, &b);
	return duet_wire_addr_cmp(&a, &b) > 0;
}

static void duet_link_free(struct duet_link *c)
{
	duet_link_close(&c->listen);
	if (c->wq)
		destroy_workqueue(c->wq);
	duet_hs_free(c);
	kvfree(c->tl_ent);
	kvfree(c->tl_kr);
	kfree(c);
}

/* Called with duet_conf_lock held. */
int duet_link_start(struct duet_resource *res, const struct duet_net_conf *nc,
		    char *info, size_t info_size)
{
	struct duet_link *c;
	int rv;

	lockdep_assert_held(&duet_conf_lock);
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->res = res;
	c->nc = *nc;
	snprintf(c->peer_str, sizeof(c->peer_str), "%pISpc", &nc->peer_addr);
	c->initiator = duet_link_is_initiator(&nc->my_addr, &nc->peer_addr);
	mutex_init(&c->data_mu);
	mutex_init(&c->meta_mu);
	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->wait);
	init_waitqueue_head(&c->worker_wait);
	INIT_LIST_HEAD(&c->acks);
	INIT_WORK(&c->ack_work, duet_recv_ack_work);
	INIT_WORK(&c->idle_work, duet_repl_idle_work);
	atomic_set(&c->peer_inflight, 0);
	atomic_set(&c->users, 0);

	rv = -ENOMEM;
	c->tl_ent = kvcalloc(DUET_LINK_TL_CAP, sizeof(*c->tl_ent), GFP_KERNEL);
	c->tl_kr = kvcalloc(DUET_LINK_TL_CAP, sizeof(*c->tl_kr), GFP_KERNEL);
	if (!c->tl_ent || !c->tl_kr)
		goto fail;
	duet_tl_init(&c->tl, c->tl_ent, DUET_LINK_TL_CAP, get_random_u32(),
		     max_t(u32, nc->max_epoch_size, 1));
	c->wq = alloc_ordered_workqueue("duet_%s", WQ_MEM_RECLAIM, res->name);
	if (!c->wq)
		goto fail;
	rv = duet_hs_init(c, info, info_size);
	if (rv)
		goto fail;

	rv = duet_link_socket(c, &c->listen);
	if (!rv)
		rv = kernel_bind(c->listen, (struct sockaddr *)&nc->my_addr,
				 duet_link_addr_len(&nc->my_addr));
	if (!rv)
		rv = kernel_listen(c->listen, 4);
	if (rv) {
		snprintf(info, info_size, "cannot listen on %pISpc: %s",
			 &nc->my_addr, rv == -EADDRINUSE ? "address in use" :
			 rv == -EADDRNOTAVAIL ? "no interface has this address" :
			 "socket error");
		goto fail;
	}

	res->link = c;
	c->worker = kthread_run(duet_link_worker, c, "duet_w_%s", res->name);
	if (IS_ERR(c->worker)) {
		rv = PTR_ERR(c->worker);
		res->link = NULL;
		goto fail;
	}
	pr_info("duet: %s: connecting to %s as %s (protocol %c)\n", res->name,
		c->peer_str, c->initiator ? "initiator" : "responder",
		'A' + nc->protocol - 1);
	return 0;
fail:
	duet_link_free(c);
	return rv;
}

/* Called with duet_conf_lock held: disconnect, StandAlone. */
int duet_link_stop(struct duet_resource *res, bool force)
{
	struct duet_link *c = res->link;

	struct duet_device *dev;

	lockdep_assert_held(&duet_conf_lock);
	if (!c)
		return 0;
	/* no new request takes the link (duet_repl_get) */
	WRITE_ONCE(c->stopping, true);
	list_for_each_entry(dev, &res->devices, res_list) {
		spin_lock_irq(&dev->state_lock);
		spin_unlock_irq(&dev->state_lock);
	}
	spin_lock_irq(&c->lock);
	if (!c->why)
		c->why = DUET_WHY_DISCONNECT;
	c->live = false;
	spin_unlock_irq(&c->lock);
	kthread_stop(c->worker);
	/* requests that hold the link end first */
	wait_event(c->wait, !atomic_read(&c->users));
	spin_lock_irq(&c->lock);
	spin_unlock_irq(&c->lock);
	duet_link_set_cstate(c, DUET_C_DISCONNECTING);
	duet_link_set_cstate(c, DUET_C_STANDALONE);
	res->link = NULL;
	duet_link_free(c);
	pr_info("duet: %s: disconnected%s\n", res->name,
		force ? " (forced)" : "");
	return 0;
}
