/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet.ko: the replication link of a resource (kmod/PROTOCOL.md).
 *
 * One connection per resource, two TCP sockets: data (writes, barriers,
 * the handshake) and meta (acknowledgements, pings). Threads, named after
 * the resource as DRBD names its own:
 *   duet_w_<res>  the worker: listens, connects, runs the handshake, and
 *                 tears the link down when it breaks, then starts over
 *   duet_r_<res>  the receiver: reads the data socket (the peer's writes
 *                 and barriers, state reports)
 *   duet_a_<res>  the ack receiver: reads the meta socket (acks, pings)
 * The application's writes are sent from the context that submits them,
 * under the data socket's mutex, so that a 4 KiB write costs no thread
 * switch on the sending side. The logic with state lives in core/: the
 * wire codec (core/wire.c), the transfer log and epochs (core/tl.c), the
 * request counters (core/req.c), the state rules (core/sm.c).
 */
#ifndef DUET_NET_H
#define DUET_NET_H

#include <linux/kthread.h>
#include <linux/socket.h>
#include <linux/in6.h>

#include "core/tl.h"
#include "core/wire.h"

struct duet_resource;
struct duet_device;
struct duet_kreq;
struct socket;
struct crypto_shash;

#define DUET_NET_SECRET_MAX	64
#define DUET_NET_ALG_MAX	64
#define DUET_NET_PEER_STR	64
#define DUET_NET_RAW_NR		40	/* > DUET_NET_A_MAX (uapi) */

/* The "net" section and both addresses, as CONNECT gave them. */
struct duet_net_conf {
	struct sockaddr_storage my_addr;
	struct sockaddr_storage peer_addr;
	u32 protocol;			/* 1 A, 2 B, 3 C */
	char cram_hmac_alg[DUET_NET_ALG_MAX];
	char shared_secret[DUET_NET_SECRET_MAX + 1];
	char integrity_alg[DUET_NET_ALG_MAX];
	u32 after_sb[3];		/* 0, 1, 2 primaries */
	u32 rr_conflict;
	bool always_asbp;
	bool two_primaries;
	bool discard_my_data;		/* this connect only */
	u32 timeout;			/* 0.1 s */
	u32 connect_int;		/* s */
	u32 ping_int;			/* s */
	u32 ping_timeout;		/* 0.1 s */
	u32 ko_count;
	u32 max_buffers;
	u32 max_epoch_size;
	u32 sndbuf_size;
	u32 rcvbuf_size;
	bool tcp_cork;
	char verify_alg[DUET_NET_ALG_MAX];
	char csums_alg[DUET_NET_ALG_MAX];
	/* every option as CONNECT/NET_OPTS gave it, by attribute number */
	u32 raw[DUET_NET_RAW_NR];
	u64 raw_set;
};

/* Why a link went down; the connection state it leaves behind. */
enum duet_link_why {
	DUET_WHY_NONE = 0,
	DUET_WHY_NETWORK,	/* NetworkFailure: a socket error */
	DUET_WHY_BROKEN_PIPE,	/* BrokenPipe: the peer closed */
	DUET_WHY_TIMEOUT,	/* Timeout: ping or ack timed out */
	DUET_WHY_PROTOCOL,	/* ProtocolError: the peer broke the rules */
	DUET_WHY_PEER_DEAD,	/* the membership daemon said so */
	DUET_WHY_DISCONNECT,	/* the administrator: StandAlone */
	DUET_WHY_REFUSE,	/* the handshake refused: StandAlone */
	DUET_WHY_RESYNC,	/* reconnect at once to resync */
};

struct duet_link {
	struct duet_resource *res;
	struct duet_net_conf nc;	/* set at CONNECT, NET_OPTS under lock */
	char peer_str[DUET_NET_PEER_STR];	/* "10.77.0.2:7788" */
	bool initiator;			/* our address is the greater */

	struct task_struct *worker;
	struct task_struct *receiver;
	struct task_struct *asender;
	struct socket *listen;
	struct socket *data;
	struct socket *meta;
	struct mutex data_mu;		/* one sender at a time: data */
	struct mutex meta_mu;		/* one sender at a time: meta */
	u32 version;			/* agreed wire protocol version */
	u64 session;

	/*
	 * lock: the transfer log, the ack list, live and why. Taken from
	 * bio completions: irq-safe.
	 */
	spinlock_t lock;
	bool live;			/* replicating: writes go to the peer */
	enum duet_link_why why;		/* set once when the link breaks */
	struct duet_tl tl;
	struct duet_tl_ent *tl_ent;
	/*
	 * The request of each record, by slot: a record holds a reference
	 * on its request (and so on the write's activity-log extents)
	 * until the barrier ack or the link's loss releases it.
	 */
	struct duet_kreq **tl_kr;
	/*
	 * Write requests holding the link (duet_repl_get/put): a link is
	 * freed only when none is left, and none comes once it is stopping.
	 */
	atomic_t users;
	bool stopping;
	u32 seq;			/* DATA packets sent (data_mu) */
	wait_queue_head_t wait;		/* tl room, peer writes drained */
	struct list_head acks;		/* peer requests with an answer owed */
	atomic_t peer_inflight;		/* peer writes at our disk */
	struct duet_tl_rx rx;		/* receiving side's epochs */
	unsigned long last_rx;		/* jiffies of the last meta packet */

	struct workqueue_struct *wq;
	struct work_struct ack_work;	/* send the answers owed */
	struct work_struct idle_work;	/* close an idle epoch */
	wait_queue_head_t worker_wait;	/* wakes the worker: link broke */
	u64 proto_errors;		/* packets refused (PROTOCOL.md) */
	struct crypto_shash *hmac;	/* cram-hmac-alg, keyed */
	bool peer_discard;		/* the peer connects --discard-my-data */
	bool refused;			/* StandAlone after a refusal */
};

/* duet_link.c */
int duet_link_start(struct duet_resource *res, const struct duet_net_conf *nc,
		    char *info, size_t info_size);
int duet_link_stop(struct duet_resource *res, bool force);
void duet_link_lost(struct duet_link *c, enum duet_link_why why,
		    const char *fmt, ...) __printf(3, 4);
/* The peer is dead (membership daemon): break a live link at once. */
bool duet_link_peer_dead(struct duet_resource *res);
struct duet_device *duet_link_dev(struct duet_link *c, u16 volume);
void duet_link_set_cstate(struct duet_link *c, enum duet_conn cs);
/* The connection state a broken link leaves, from a socket error. */
enum duet_link_why duet_link_why(int err);
/* A STATE packet of the peer while connected. */
int duet_link_peer_state(struct duet_link *c, const struct duet_wire_pkt *pkt);
/* Tell the peer our state (after a local change while connected). */
void duet_link_send_state(struct duet_device *dev);
/* After a role change (no lock held): tell the peer, or resync. */
void duet_link_role_changed(struct duet_device *dev, enum duet_sm_rv rv);

/* duet_sock.c: whole packets over a socket */
int duet_sock_send(struct duet_link *c, struct socket *s,
		   const struct duet_wire_pkt *pkt, const void *tail,
		   u32 tail_len);
int duet_sock_recv_all(struct socket *s, void *buf, size_t len);
int duet_sock_recv_pages(struct socket *s, struct page **pages, u32 len);
int duet_sock_recv_pkt(struct duet_link *c, struct socket *s,
		       enum duet_wire_sock which, u8 *buf, size_t cap,
		       struct duet_wire_pkt *pkt);
void duet_sock_tune(struct socket *s, const struct duet_net_conf *nc,
		    bool meta);
int duet_sock_send_data(struct duet_link *c, const struct duet_wire_pkt *pkt,
			struct bio *bio);
int duet_sock_send_pages(struct duet_link *c, const struct duet_wire_pkt *pkt,
			 struct page **pages, u32 len);
void duet_sock_set_rcvtimeo(struct socket *s, long jiffies);

/* duet_repl.c: the sending side (Primary) */
struct duet_link *duet_repl_get(struct duet_device *dev);
void duet_repl_put(struct duet_link *c);
bool duet_repl_want(struct duet_device *dev, struct duet_link *c);
char duet_repl_proto(struct duet_link *c);
void duet_repl_unsent(struct duet_device *dev, struct duet_kreq *kr);
void duet_repl_write(struct duet_device *dev, struct duet_kreq *kr);
void duet_repl_completed(struct duet_device *dev, struct duet_kreq *kr);
void duet_repl_flush(struct duet_link *c);
void duet_repl_idle_work(struct work_struct *w);
int duet_repl_ack(struct duet_link *c, const struct duet_wire_pkt *pkt);
int duet_repl_barrier_ack(struct duet_link *c,
			  const struct duet_wire_pkt *pkt);
void duet_repl_link_lost(struct duet_link *c);

/* duet_hs.c: the handshake */
int duet_hs_init(struct duet_link *c, char *info, size_t info_size);
void duet_hs_free(struct duet_link *c);
int duet_hs_run(struct duet_link *c);
void duet_hs_link_down(struct duet_link *c);
void duet_hs_role_changed(struct duet_device *dev, bool forced);
void duet_hs_new_current(struct duet_device *dev, bool primary);
/* new-current-uuid [--clear-bitmap]; a DUET_RET_* code, @text says why */
u32 duet_hs_new_current_uuid(struct duet_device *dev, bool clear_bitmap,
			     char *text, size_t size);
/* UUIDS on a live link: the peer skipped the initial sync (receiver) */
int duet_hs_peer_uuids(struct duet_link *c, const struct duet_wire_pkt *pkt);

/* duet_nl_net.c */
struct nlattr;
struct sk_buff;
struct netlink_ext_ack;
u32 duet_nl_net_conf(struct nlattr *nest, struct duet_net_conf *nc,
		     struct netlink_ext_ack *extack, char *text, size_t size);
u32 duet_nl_net_opts_change(struct duet_link *c, struct nlattr *nest,
			    struct netlink_ext_ack *extack, char *text,
			    size_t size);
int duet_nl_net_put(struct sk_buff *skb, const struct duet_net_conf *nc);

/* duet_recv.c: the receiving side (Secondary) */
int duet_recv_thread(void *arg);
void duet_recv_ack_work(struct work_struct *w);
void duet_recv_drain(struct duet_link *c);

/* duet_resync.c */
int duet_resync_prepare(struct duet_link *c, struct duet_device *dev);
void duet_resync_begin(struct duet_link *c, struct duet_device *dev);
void duet_resync_app_write(struct duet_device *dev, u64 sector, u32 size);
int duet_resync_ack(struct duet_link *c, const struct duet_wire_pkt *pkt);
void duet_resync_written(struct duet_device *dev, u64 sector, u32 size);
void duet_resync_finish_target(struct duet_device *dev);
void duet_resync_stop(struct duet_device *dev);
size_t duet_resync_proc(struct duet_device *dev, char *buf, size_t size);
void duet_resync_pause_changed(struct duet_device *dev, enum duet_conn os,
			       enum duet_conn ns);
/* The administrator's commands: DUET_RET_* codes, @text says why */
u32 duet_resync_pause(struct duet_device *dev, bool pause, char *text,
		      size_t size);
u32 duet_resync_invalidate(struct duet_device *dev, char *text, size_t size);
u32 duet_resync_invalidate_remote(struct duet_device *dev, char *text,
				  size_t size);

/* duet_asender.c */
int duet_asender_thread(void *arg);

#endif /* DUET_NET_H */
