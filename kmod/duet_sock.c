// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: whole packets over the replication sockets.
 *
 * The encoding and every check of what arrives are core/wire.c's; this
 * file only moves bytes. Sockets are set up for I/O under memory
 * pressure: their allocations never recurse into the block layer
 * (GFP_NOIO, no task page fragments), as a block driver's socket must.
 */
#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/tcp.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "duet.h"

void duet_sock_set_rcvtimeo(struct socket *s, long timeo)
{
	lock_sock(s->sk);
	s->sk->sk_rcvtimeo = timeo > 0 ? timeo : MAX_SCHEDULE_TIMEOUT;
	release_sock(s->sk);
}

void duet_sock_tune(struct socket *s, const struct duet_net_conf *nc,
		    bool meta)
{
	struct sock *sk = s->sk;

	tcp_sock_set_nodelay(sk);
	lock_sock(sk);
	sk->sk_allocation = GFP_NOIO;
#ifdef HAVE_SK_USE_TASK_FRAG
	sk->sk_use_task_frag = false;
#endif
	sk->sk_priority = meta ? TC_PRIO_INTERACTIVE : TC_PRIO_INTERACTIVE_BULK;
	if (nc->sndbuf_size) {
		sk->sk_sndbuf = nc->sndbuf_size;
		sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	}
	if (nc->rcvbuf_size) {
		sk->sk_rcvbuf = nc->rcvbuf_size;
		sk->sk_userlocks |= SOCK_RCVBUF_LOCK;
	}
	/* a send that cannot progress for "timeout" fails (ko-count) */
	sk->sk_sndtimeo = nc->timeout ? nc->timeout * HZ / 10 :
					MAX_SCHEDULE_TIMEOUT;
	release_sock(sk);
}

/*
 * Send all of @len bytes. A signal of the submitting process interrupts
 * the wait for buffer space, not the stream: what was sent stays sent and
 * the rest follows, so a packet is never cut in half.
 */
static int duet_sock_send_kvec(struct socket *s, struct kvec *iov,
			       int more)
{
	struct msghdr msg = { };
	unsigned int noio = memalloc_noio_save();
	size_t left = iov->iov_len;
	int rv = 0;

	while (left) {
		msg.msg_flags = MSG_NOSIGNAL | more;
		rv = kernel_sendmsg(s, &msg, iov, 1, left);
		if (rv > 0) {
			iov->iov_base += rv;
			iov->iov_len -= rv;
			left -= rv;
			rv = 0;
			continue;
		}
		if (rv == -EINTR || rv == -ERESTARTSYS) {
			/* a pending signal: wait a tick for room, go on */
			schedule_timeout_uninterruptible(1);
			continue;
		}
		if (!rv)
			rv = -EPIPE;
		break;
	}
	memalloc_noio_restore(noio);
	return rv;
}

static int duet_sock_send_pkt(struct duet_link *c, struct socket *s,
			      const struct duet_wire_pkt *pkt, int more)
{
	u8 buf[DUET_WIRE_CTRL_MAX];
	struct kvec iov;
	u32 n;

	n = duet_wire_encode(pkt, buf, sizeof(buf));
	if (!n) {
		pr_err("duet: %s: refusing to send an invalid %s packet\n",
		       c->res->name, duet_wire_type_str(pkt->hdr.type));
		return -EINVAL;
	}
	iov.iov_base = buf;
	iov.iov_len = n;
	return duet_sock_send_kvec(s, &iov, more);
}

int duet_sock_send(struct duet_link *c, struct socket *s,
		   const struct duet_wire_pkt *pkt, const void *tail,
		   u32 tail_len)
{
	struct kvec iov;
	int rv;

	if (!s)
		return -ENOTCONN;
	rv = duet_sock_send_pkt(c, s, pkt, tail_len ? MSG_MORE : 0);
	if (rv || !tail_len)
		return rv;
	iov.iov_base = (void *)tail;
	iov.iov_len = tail_len;
	return duet_sock_send_kvec(s, &iov, 0);
}

/* A DATA packet on the data socket, then each segment of @bio (if any). */
int duet_sock_send_data(struct duet_link *c, const struct duet_wire_pkt *pkt,
			struct bio *bio)
{
	struct bvec_iter iter;
	struct bio_vec bv;
	struct kvec iov;
	u32 left;
	void *p;
	int rv;

	if (!c->data)
		return -ENOTCONN;
	rv = duet_sock_send_pkt(c, c->data, pkt, bio ? MSG_MORE : 0);
	if (rv || !bio)
		return rv;
	left = bio->bi_iter.bi_size;
	bio_for_each_segment(bv, bio, iter) {
		left -= bv.bv_len;
		p = kmap_local_page(bv.bv_page);
		iov.iov_base = p + bv.bv_offset;
		iov.iov_len = bv.bv_len;
		rv = duet_sock_send_kvec(c->data, &iov, left ? MSG_MORE : 0);
		kunmap_local(p);
		if (rv)
			break;
	}
	return rv;
}

/*
 * Receive exactly @len bytes. A receive timeout (SO_RCVTIMEO) before the
 * first byte returns -EAGAIN: the caller's idle timer. Once a packet has
 * begun, its rest gets a few more timeouts' time, then -ETIMEDOUT.
 */
static int duet_sock_recv(struct socket *s, void *buf, size_t len, bool begun)
{
	struct msghdr msg = { };
	int stalls = 0;
	struct kvec iov;
	int rv;

	while (len) {
		iov.iov_base = buf;
		iov.iov_len = len;
		msg.msg_flags = MSG_NOSIGNAL;
		rv = kernel_recvmsg(s, &msg, &iov, 1, len, MSG_WAITALL);
		if (rv == 0)
			return -ECONNRESET;	/* the peer closed */
		if (rv == -EAGAIN && begun) {
			if (++stalls > 4)
				return -ETIMEDOUT;
			continue;
		}
		if (rv == -EINTR || rv == -ERESTARTSYS) {
			flush_signals(current);
			continue;
		}
		if (rv < 0)
			return rv;
		begun = true;
		buf += rv;
		len -= rv;
	}
	return 0;
}

/* A packet on the data socket followed by @len bytes from @pages. */
int duet_sock_send_pages(struct duet_link *c, const struct duet_wire_pkt *pkt,
			 struct page **pages, u32 len)
{
	struct kvec iov;
	u32 n;
	int rv;

	if (!c->data)
		return -ENOTCONN;
	rv = duet_sock_send_pkt(c, c->data, pkt, len ? MSG_MORE : 0);
	for (; !rv && len; len -= n, pages++) {
		n = min_t(u32, len, PAGE_SIZE);
		iov.iov_base = page_address(*pages);
		iov.iov_len = n;
		rv = duet_sock_send_kvec(c->data, &iov, len > n ? MSG_MORE : 0);
	}
	return rv;
}

int duet_sock_recv_all(struct socket *s, void *buf, size_t len)
{
	return duet_sock_recv(s, buf, len, false);
}

/* The data bytes of a write into @pages (whole pages, the last partly). */
int duet_sock_recv_pages(struct socket *s, struct page **pages, u32 len)
{
	u32 n;
	int rv;

	for (; len; len -= n, pages++) {
		n = min_t(u32, len, PAGE_SIZE);
		rv = duet_sock_recv(s, page_address(*pages), n, true);
		if (rv)
			return rv;
	}
	return 0;
}

/* Log a refused packet once per connection burst; count every one. */
static int duet_sock_refuse(struct duet_link *c, int err, const u8 *raw)
{
	c->proto_errors++;
	if (err == DUET_WIRE_E_DRBD)
		pr_err("duet: %s: peer %s speaks DRBD's protocol, not duet's: refused\n",
		       c->res->name, c->peer_str);
	else
		pr_err_ratelimited("duet: %s: protocol error from %s: %s (header %*phN)\n",
				   c->res->name, c->peer_str,
				   duet_wire_strerror(err), DUET_WIRE_HDR_LEN,
				   raw);
	return -EPROTO;
}

int duet_sock_recv_pkt(struct duet_link *c, struct socket *s,
		       enum duet_wire_sock which, u8 *buf, size_t cap,
		       struct duet_wire_pkt *pkt)
{
	u8 raw[DUET_WIRE_HDR_LEN];
	struct duet_wire_hdr h;
	u32 head;
	int rv;

	rv = duet_sock_recv_all(s, raw, sizeof(raw));
	if (rv)
		return rv;
	rv = duet_wire_hdr_decode(raw, which, &h);
	if (rv)
		return duet_sock_refuse(c, rv, raw);
	head = duet_wire_head_len(&h, 0);
	if (head > cap)
		return duet_sock_refuse(c, DUET_WIRE_E_LEN, raw);
	rv = duet_sock_recv(s, buf, head, true);
	if (rv)
		return rv;
	/* the decoder clears @pkt first: the header goes in from a copy */
	rv = duet_wire_decode(&h, buf, 0, pkt);
	if (rv)
		return duet_sock_refuse(c, rv, raw);
	return 0;
}
