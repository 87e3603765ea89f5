// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet.ko: the handshake on a fresh link (kmod/PROTOCOL.md): the peer's
 * authentication, the network parameters both sides must share, then per
 * volume the sizes, generation UUIDs and states, and the sync decision of
 * core/uuid.c. Also what a link going up or down does to the generation
 * UUIDs.
 */
#include <crypto/hash.h>
#include <crypto/algapi.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "duet.h"
#include "uapi/duet_genl.h"
#include "core/uuid.h"

/* ---- authentication --------------------------------------------------- */

int duet_hs_init(struct duet_link *c, char *info, size_t info_size)
{
	char name[DUET_NET_ALG_MAX + 8];
	struct crypto_shash *tfm;
	int rv;

	if (!c->nc.cram_hmac_alg[0])
		return 0;
	snprintf(name, sizeof(name), "hmac(%s)", c->nc.cram_hmac_alg);
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm)) {
		snprintf(info, info_size,
			 "cram-hmac-alg %s: this kernel has no %s",
			 c->nc.cram_hmac_alg, name);
		return -ENOENT;
	}
	if (crypto_shash_digestsize(tfm) > DUET_WIRE_MAX_DIGEST) {
		snprintf(info, info_size,
			 "cram-hmac-alg %s: digest longer than %d bytes",
			 c->nc.cram_hmac_alg, DUET_WIRE_MAX_DIGEST);
		crypto_free_shash(tfm);
		return -ENOENT;
	}
	rv = crypto_shash_setkey(tfm, c->nc.shared_secret,
				 strlen(c->nc.shared_secret));
	if (rv) {
		snprintf(info, info_size, "cram-hmac-alg %s: bad shared-secret",
			 c->nc.cram_hmac_alg);
		crypto_free_shash(tfm);
		return rv;
	}
	c->hmac = tfm;
	return 0;
}

void duet_hs_free(struct duet_link *c)
{
	if (c->hmac)
		crypto_free_shash(c->hmac);
	c->hmac = NULL;
}

static int duet_hs_hmac(struct duet_link *c, const u8 *chal, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, c->hmac);
	int rv;

	desc->tfm = c->hmac;
	rv = crypto_shash_digest(desc, chal, DUET_WIRE_CHALLENGE_LEN, out);
	shash_desc_zero(desc);
	return rv;
}

/* Receive the next handshake packet, which must be of @type. */
static int duet_hs_recv(struct duet_link *c, u16 type, u8 *buf, size_t cap,
			struct duet_wire_pkt *pkt)
{
	int rv = duet_sock_recv_pkt(c, c->data, DUET_SOCK_DATA, buf, cap, pkt);

	if (rv)
		return rv;
	if (pkt->hdr.type != type) {
		c->proto_errors++;
		pr_err("duet: %s: %s sent %s during the handshake, %s expected\n",
		       c->res->name, c->peer_str,
		       duet_wire_type_str(pkt->hdr.type),
		       duet_wire_type_str(type));
		return -EPROTO;
	}
	return 0;
}

/*
 * Each side challenges the other with random bytes and checks the answer
 * against HMAC(shared-secret, challenge). A challenge equal to our own is
 * a reflection of it: refused.
 */
static int duet_hs_auth(struct duet_link *c, u8 *buf, size_t cap)
{
	u8 mine[DUET_WIRE_CHALLENGE_LEN], want[DUET_WIRE_MAX_DIGEST];
	unsigned int dlen = crypto_shash_digestsize(c->hmac);
	struct duet_wire_pkt pkt = { };
	int rv;

	get_random_bytes(mine, sizeof(mine));
	pkt.hdr.type = DUET_P_AUTH_CHALLENGE;
	pkt.u.auth.len = sizeof(mine);
	memcpy(pkt.u.auth.bytes, mine, sizeof(mine));
	rv = duet_sock_send(c, c->data, &pkt, NULL, 0);
	if (!rv)
		rv = duet_hs_recv(c, DUET_P_AUTH_CHALLENGE, buf, cap, &pkt);
	if (rv)
		return rv;
	if (!memcmp(pkt.u.auth.bytes, mine, sizeof(mine))) {
		pr_err("duet: %s: %s sent back our own challenge: refused\n",
		       c->res->name, c->peer_str);
		return -EACCES;
	}
	rv = duet_hs_hmac(c, pkt.u.auth.bytes, want);
	if (rv)
		return rv;
	memset(&pkt, 0, sizeof(pkt));
	pkt.hdr.type = DUET_P_AUTH_RESPONSE;
	pkt.u.auth.len = dlen;
	memcpy(pkt.u.auth.bytes, want, dlen);
	rv = duet_sock_send(c, c->data, &pkt, NULL, 0);
	if (!rv)
		rv = duet_hs_recv(c, DUET_P_AUTH_RESPONSE, buf, cap, &pkt);
	if (!rv)
		rv = duet_hs_hmac(c, mine, want);
	if (rv)
		return rv;
	if (pkt.u.auth.len != dlen ||
	    crypto_memneq(pkt.u.auth.bytes, want, dlen)) {
		pr_err("duet: %s: authentication of %s failed (wrong shared-secret?)\n",
		       c->res->name, c->peer_str);
		return -EACCES;
	}
	pr_info("duet: %s: peer %s authenticated using %u bytes of HMAC\n",
		c->res->name, c->peer_str, dlen);
	return 0;
}

/* ---- parameters --------------------------------------------------------- */

static void duet_hs_policy(const struct duet_net_conf *nc,
			   struct duet_uuid_policy *p)
{
	p->after_sb_0pri = nc->after_sb[0];
	p->after_sb_1pri = nc->after_sb[1];
	p->after_sb_2pri = nc->after_sb[2];
	p->rr_conflict = nc->rr_conflict;
	p->always_asbp = nc->always_asbp;
}

static int duet_hs_refuse(struct duet_link *c, const char *what)
{
	pr_err("duet: %s: %s: %s; not connecting (StandAlone)\n",
	       c->res->name, c->peer_str, what);
	return -EACCES;
}

static int duet_hs_params(struct duet_link *c, u8 *buf, size_t cap)
{
	const struct duet_net_conf *nc = &c->nc;
	struct duet_wire_pkt pkt = { };
	struct duet_wire_params *p = &pkt.u.params, mine;
	const char *why;
	int rv;

	pkt.hdr.type = DUET_P_PARAMS;
	p->protocol = nc->protocol;
	p->after_sb_0p = nc->after_sb[0];
	p->after_sb_1p = nc->after_sb[1];
	p->after_sb_2p = nc->after_sb[2];
	p->rr_conflict = nc->rr_conflict;
	p->flags = (nc->two_primaries ? DUET_PF_TWO_PRIMARIES : 0) |
		   (nc->discard_my_data ? DUET_PF_DISCARD_MY_DATA : 0) |
		   (nc->always_asbp ? DUET_PF_ALWAYS_ASBP : 0);
	strscpy(p->integrity_alg, nc->integrity_alg, sizeof(p->integrity_alg));
	mine = *p;
	rv = duet_sock_send(c, c->data, &pkt, NULL, 0);
	if (!rv)
		rv = duet_hs_recv(c, DUET_P_PARAMS, buf, cap, &pkt);
	if (rv)
		return rv;

	why = duet_wire_params_mismatch(&mine, p);
	if (why)
		return duet_hs_refuse(c, why);
	c->peer_discard = p->flags & DUET_PF_DISCARD_MY_DATA;
	return 0;
}

/* ---- sizes, UUIDs, states ---------------------------------------------- */

static int duet_hs_send_report(struct duet_link *c, struct duet_device *dev)
{
	struct duet_wire_pkt pkt = { };
	struct duet_state s;
	u64 weight;
	int rv;

	spin_lock_irq(&dev->state_lock);
	s = dev->state;
	weight = dev->bm_valid ? duet_bm_weight(&dev->bm) : 0;
	spin_unlock_irq(&dev->state_lock);

	pkt.hdr.type = DUET_P_SIZES;
	pkt.hdr.volume = dev->volume;
	if (dev->backing.bdev) {
		pkt.u.sizes.backing_sect = dev->layout.data_sect;
		pkt.u.sizes.current_sect = get_capacity(dev->disk);
	}
	pkt.u.sizes.max_bio_bytes = DUET_WIRE_MAX_DATA;
	rv = duet_sock_send(c, c->data, &pkt, NULL, 0);
	if (rv)
		return rv;

	memset(&pkt.u, 0, sizeof(pkt.u));
	pkt.hdr.type = DUET_P_UUIDS;
	if (dev->backing.bdev) {
		memcpy(pkt.u.uuids.uuid, dev->sb.uuid, sizeof(dev->sb.uuid));
		pkt.u.uuids.bits_set = weight;
		if (c->nc.discard_my_data)
			pkt.u.uuids.flags |= DUET_UF_DISCARD_MY_DATA;
		if (duet_md_crashed_primary(dev->sb.flags) ||
		    (dev->sb.flags & DUET_MDF_CRASHED_PRIMARY))
			pkt.u.uuids.flags |= DUET_UF_CRASHED_PRIMARY;
		if (s.disk == DUET_D_INCONSISTENT)
			pkt.u.uuids.flags |= DUET_UF_INCONSISTENT;
	}
	rv = duet_sock_send(c, c->data, &pkt, NULL, 0);
	if (rv)
		return rv;

	memset(&pkt.u, 0, sizeof(pkt.u));
	pkt.hdr.type = DUET_P_STATE;
	pkt.u.state = duet_state_pack(&s);
	return duet_sock_send(c, c->data, &pkt, NULL, 0);
}

/* One volume's SIZES, UUIDS and STATE from the peer. */
static int duet_hs_recv_report(struct duet_link *c, u8 *buf, size_t cap)
{
	struct duet_wire_pkt pkt;
	struct duet_device *dev;
	struct duet_state ps;
	int rv;

	rv = duet_hs_recv(c, DUET_P_SIZES, buf, cap, &pkt);
	if (rv)
		return rv;
	dev = duet_link_dev(c, pkt.hdr.volume);
	if (!dev)
		return duet_hs_refuse(c, "the peer has a volume we do not have");
	dev->peer_sizes = pkt.u.sizes;
	rv = duet_hs_recv(c, DUET_P_UUIDS, buf, cap, &pkt);
	if (!rv && pkt.hdr.volume != dev->volume)
		rv = -EPROTO;
	if (rv)
		return rv;
	dev->peer_uuids = pkt.u.uuids;
	rv = duet_hs_recv(c, DUET_P_STATE, buf, cap, &pkt);
	if (!rv && pkt.hdr.volume != dev->volume)
		rv = -EPROTO;
	if (rv)
		return rv;
	if (duet_state_unpack(pkt.u.state, &ps) != DUET_SS_SUCCESS) {
		c->proto_errors++;
		pr_err("duet: %s: %s reported an invalid state word 0x%08x\n",
		       c->res->name, c->peer_str, pkt.u.state);
		return -EPROTO;
	}
	dev->peer_state = ps;
	dev->peer_reported = true;
	return 0;
}

/* Write the tuple to the meta data (conf_lock held). */
static void duet_hs_store_uuids(struct duet_device *dev, const u64 *u)
{
	lockdep_assert_held(&dev->conf_lock);
	if (!memcmp(dev->sb.uuid, u, sizeof(dev->sb.uuid)))
		return;
	memcpy(dev->sb.uuid, u, sizeof(dev->sb.uuid));
	if (dev->backing.bdev)
		duet_md_write_sb(dev);
}

static void duet_hs_node(struct duet_device *dev, bool discard,
			 struct duet_uuid_node *n)
{
	memset(n, 0, sizeof(*n));
	memcpy(n->uuid, dev->sb.uuid, sizeof(n->uuid));
	n->primary = dev->state.role == DUET_ROLE_PRIMARY;
	n->crashed_primary = dev->sb.flags & DUET_MDF_CRASHED_PRIMARY;
	n->disk = dev->state.disk;
	n->discard_my_data = discard;
	n->bm_weight = dev->bm_valid ? duet_bm_weight(&dev->bm) : 0;
}

/*
 * The sync decision for one volume; conf_lock held. Returns 0 with the
 * action in dev->hs_act, or -EACCES to stay StandAlone.
 */
static int duet_hs_decide(struct duet_link *c, struct duet_device *dev)
{
	struct duet_uuid_node self, peer;
	struct duet_uuid_policy pol;
	struct duet_uuid_cmp cmp;
	struct duet_uuid_action *act = &dev->hs_act;
	char mine[DUET_UUID_FORMAT_LEN + 1], theirs[DUET_UUID_FORMAT_LEN + 1];
	char text[256];
	u64 u[DUET_UI_NR];

	duet_hs_node(dev, c->nc.discard_my_data, &self);
	memcpy(peer.uuid, dev->peer_uuids.uuid, sizeof(peer.uuid));
	peer.primary = dev->peer_state.role == DUET_ROLE_PRIMARY;
	peer.crashed_primary = dev->peer_uuids.flags & DUET_UF_CRASHED_PRIMARY;
	peer.disk = dev->peer_state.disk;
	peer.discard_my_data = c->peer_discard;
	peer.bm_weight = dev->peer_uuids.bits_set;

	duet_uuid_compare(&self, &peer, c->initiator, &cmp);
	duet_uuid_format(self.uuid, mine, sizeof(mine));
	duet_uuid_format(peer.uuid, theirs, sizeof(theirs));
	pr_info("%s: uuids: self %s peer %s: rule %u, %s\n",
		dev->disk->disk_name, mine, theirs, cmp.rule,
		duet_uuid_verdict_str(cmp.verdict));
	if (cmp.self_fix) {
		memcpy(u, dev->sb.uuid, sizeof(u));
		duet_uuid_apply_fix(u, cmp.self_fix);
		duet_hs_store_uuids(dev, u);
	}
	if (cmp.peer_fix)
		duet_uuid_apply_fix(dev->peer_uuids.uuid, cmp.peer_fix);

	duet_hs_policy(&c->nc, &pol);
	duet_uuid_resolve(&self, &peer, &cmp, &pol, c->initiator, act);
	duet_uuid_action_str(act, text, sizeof(text));
	pr_info("%s: %s\n", dev->disk->disk_name, text);
	if (act->act == DUET_UUID_A_STANDALONE)
		return -EACCES;
	return 0;
}

/* Sizes: both use the smaller disk; a Primary's device never shrinks. */
static int duet_hs_sizes(struct duet_link *c, struct duet_device *dev)
{
	u64 mine = dev->layout.data_sect, peer = dev->peer_sizes.backing_sect;
	u64 cur = get_capacity(dev->disk);

	if (!dev->backing.bdev || !peer)
		return 0;
	if (min(mine, peer) >= cur)
		return 0;
	if (dev->state.role == DUET_ROLE_PRIMARY) {
		pr_err("%s: the peer's disk (%llu KiB) is smaller than this Primary's device (%llu KiB)\n",
		       dev->disk->disk_name, (unsigned long long)peer / 2,
		       (unsigned long long)cur / 2);
		return -EACCES;
	}
	pr_info("%s: size %llu KiB, the peer's disk is smaller\n",
		dev->disk->disk_name, (unsigned long long)min(mine, peer) / 2);
	set_capacity(dev->disk, min(mine, peer));
	return 0;
}

/*
 * Connected without a resync, both sides hold the same data: a disk that
 * was Outdated or Consistent (outdate, fencing) is UpToDate again, as
 * DRBD's "Consistent and Outdated vanish when we get connected".
 */
static enum duet_disk duet_hs_same_data(enum duet_disk d)
{
	return d == DUET_D_OUTDATED || d == DUET_D_CONSISTENT ?
	       DUET_D_UP_TO_DATE : d;
}

static int duet_hs_connect_dev(struct duet_link *c, struct duet_device *dev)
{
	enum duet_disk od;
	struct duet_state ns;
	enum duet_sm_rv rv;
	int err;

	mutex_lock(&dev->conf_lock);
	err = duet_hs_sizes(c, dev);
	if (!err && dev->backing.bdev && dev->peer_sizes.backing_sect)
		err = duet_hs_decide(c, dev);
	else
		dev->hs_act.act = DUET_UUID_A_CONNECTED;
	if (!err) {
		ns = dev->state;
		od = ns.disk;
		ns.conn = dev->hs_act.act == DUET_UUID_A_WF_BITMAP_S ?
				DUET_C_WF_BITMAP_S :
			  dev->hs_act.act == DUET_UUID_A_WF_BITMAP_T ?
				DUET_C_WF_BITMAP_T : DUET_C_CONNECTED;
		ns.peer = dev->peer_state.role;
		ns.pdsk = dev->peer_state.disk;
		/* the peer's pause-sync (or resync-after) pauses us too */
		ns.peer_isp = dev->peer_state.user_isp ||
			      dev->peer_state.aftr_isp;
		if (dev->hs_act.act == DUET_UUID_A_CONNECTED &&
		    dev->backing.bdev && dev->peer_sizes.backing_sect) {
			ns.disk = duet_hs_same_data(ns.disk);
			ns.pdsk = duet_hs_same_data(ns.pdsk);
		}
		rv = duet_dev_change_state(dev, &ns, DUET_CS_HARD);
		if (rv < 0) {
			pr_err("%s: connecting refused: %s\n",
			       dev->disk->disk_name, duet_sm_rv_str(rv));
			err = -EACCES;
		} else if (ns.disk != od && dev->backing.bdev) {
			duet_md_write_sb(dev);	/* no longer Outdated */
		}
	}
	mutex_unlock(&dev->conf_lock);
	return err;
}

int duet_hs_run(struct duet_link *c)
{
	struct duet_device *dev;
	size_t cap = DUET_WIRE_CTRL_MAX;
	u8 *buf;
	int n = 0, rv;

	buf = kmalloc(cap, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	duet_sock_set_rcvtimeo(c->data, max_t(long,
			       c->nc.ping_timeout * 4 * HZ / 10, HZ));
	c->peer_discard = false;
	rv = c->hmac ? duet_hs_auth(c, buf, cap) : 0;
	if (!rv)
		rv = duet_hs_params(c, buf, cap);
	list_for_each_entry(dev, &c->res->devices, res_list) {
		dev->peer_reported = false;
		if (!rv)
			rv = duet_hs_send_report(c, dev);
		n++;
	}
	while (!rv && n--)
		rv = duet_hs_recv_report(c, buf, cap);
	kfree(buf);
	list_for_each_entry(dev, &c->res->devices, res_list) {
		if (!rv && !dev->peer_reported)
			rv = duet_hs_refuse(c, "the peer lacks one of our volumes");
		if (!rv)
			rv = duet_hs_connect_dev(c, dev);
		if (!rv && dev->hs_act.act != DUET_UUID_A_CONNECTED)
			rv = duet_resync_prepare(c, dev);
	}
	return rv;
}

/* ---- the link up and down ---------------------------------------------- */

/* A fresh random UUID the tuple does not hold yet (conf_lock held). */
void duet_hs_new_current(struct duet_device *dev, bool primary)
{
	u64 u[DUET_UI_NR];
	int i;

	memcpy(u, dev->sb.uuid, sizeof(u));
	for (i = 0; i < 8; i++)
		if (duet_uuid_new_current(u, get_random_u64(), primary) >= 0)
			break;
	duet_hs_store_uuids(dev, u);
}

/*
 * The link went down. A Primary starts a new data generation: from here
 * on its bitmap counts what the peer misses, and the peer, when it
 * returns with the old current UUID, finds it in our bitmap slot.
 */
void duet_hs_link_down(struct duet_link *c)
{
	struct duet_device *dev;

	list_for_each_entry(dev, &c->res->devices, res_list) {
		mutex_lock(&dev->conf_lock);
		if (dev->backing.bdev && dev->state.role == DUET_ROLE_PRIMARY &&
		    dev->state.conn >= DUET_C_CONNECTED &&
		    dev->state.disk == DUET_D_UP_TO_DATE &&
		    !dev->sb.uuid[DUET_UI_BITMAP])
			duet_hs_new_current(dev, true);
		mutex_unlock(&dev->conf_lock);
	}
}

/*
 * Role changes and the UUIDs (conf_lock held): promoted without the peer
 * (or forced), a new data generation; otherwise only bit 0 says Primary.
 */
void duet_hs_role_changed(struct duet_device *dev, bool forced)
{
	u64 u[DUET_UI_NR];

	lockdep_assert_held(&dev->conf_lock);
	if (!dev->backing.bdev)
		return;
	if (dev->state.role == DUET_ROLE_PRIMARY &&
	    (forced || dev->state.conn < DUET_C_CONNECTED)) {
		duet_hs_new_current(dev, true);
		return;
	}
	memcpy(u, dev->sb.uuid, sizeof(u));
	duet_uuid_set_primary(u, dev->state.role == DUET_ROLE_PRIMARY);
	duet_hs_store_uuids(dev, u);
}

/* ---- new-current-uuid ------------------------------------------------- */

/* The bitmap cleared, in memory and in the meta data (conf_lock held). */
static int duet_hs_clear_bitmap(struct duet_device *dev)
{
	spin_lock_irq(&dev->state_lock);
	duet_bm_clear_all(&dev->bm);
	spin_unlock_irq(&dev->state_lock);
	dev->sb.flags &= ~DUET_MDF_FULL_SYNC;
	return duet_al_write_bitmap(dev);
}

/* Our new current UUID to the peer, flagged "skip the initial sync". */
static int duet_hs_send_skip(struct duet_link *c, struct duet_device *dev,
			     const u64 *u)
{
	struct duet_wire_pkt pkt = { };
	int rv = -ENOTCONN;

	pkt.hdr.type = DUET_P_UUIDS;
	pkt.hdr.volume = dev->volume;
	memcpy(pkt.u.uuids.uuid, u, sizeof(pkt.u.uuids.uuid));
	pkt.u.uuids.flags = DUET_UF_SKIP_INITIAL_SYNC;
	mutex_lock(&c->data_mu);
	if (READ_ONCE(c->live))
		rv = duet_sock_send(c, c->data, &pkt, NULL, 0);
	mutex_unlock(&c->data_mu);
	return rv;
}

/*
 * Can the initial sync of this connected pair be skipped (conf_lock
 * held)? Both sides just created and Inconsistent, the link live.
 */
static bool duet_hs_may_skip(struct duet_device *dev, struct duet_link *c)
{
	const struct duet_state *s = &dev->state;

	return READ_ONCE(c->live) && s->conn == DUET_C_CONNECTED &&
	       s->disk == DUET_D_INCONSISTENT &&
	       s->pdsk == DUET_D_INCONSISTENT &&
	       duet_uuid_just_created(dev->sb.uuid) &&
	       duet_uuid_just_created(dev->peer_uuids.uuid);
}

/* The skip on this node (conf_lock held): UpToDate, nothing out of sync. */
static u32 duet_hs_skip(struct duet_device *dev, u64 *u, char *text,
			size_t size)
{
	const char *name = dev->disk->disk_name;
	struct duet_state ns;
	enum duet_sm_rv rv;
	int i, err = DUET_UUID_E_RANDOM;

	memcpy(u, dev->sb.uuid, DUET_UI_NR * sizeof(*u));
	for (i = 0; i < 8 && err == DUET_UUID_E_RANDOM; i++)
		err = duet_uuid_skip_initial_sync(u, get_random_u64());
	if (err) {
		snprintf(text, size, "%s: no new UUID could be made (%d)", name,
			 err);
		return DUET_RET_INTERNAL;
	}
	ns = dev->state;
	ns.disk = DUET_D_UP_TO_DATE;
	ns.pdsk = DUET_D_UP_TO_DATE;
	rv = duet_dev_change_state(dev, &ns, 0);
	if (rv < 0) {
		snprintf(text, size, "%s: %s", name, duet_sm_rv_str(rv));
		return DUET_RET_INVALID;
	}
	memcpy(dev->sb.uuid, u, sizeof(dev->sb.uuid));
	if (duet_hs_clear_bitmap(dev) || duet_md_write_sb(dev)) {
		snprintf(text, size,
			 "%s: writing the bitmap or the superblock to the meta data failed",
			 name);
		return DUET_RET_INTERNAL;
	}
	return DUET_RET_OK;
}

/*
 * new-current-uuid (drbd.md §8), DRBD 8.4's rules. StandAlone: a new
 * current UUID (duet_uuid_new_current()); with @clear_bitmap the bitmap
 * UUID first goes to the history and the bitmap is cleared, so the old
 * generation counts as identical to the new one (the administrator says
 * the peer holds the same data). Connected, only with @clear_bitmap on
 * just-created meta data of an Inconsistent/Inconsistent pair: the
 * initial sync is skipped (duet_uuid_skip_initial_sync()), this node is
 * UpToDate with an empty bitmap and sends its UUIDS flagged
 * SKIP_INITIAL_SYNC on the live link; the peer adopts the UUID
 * (duet_hs_peer_uuids()). Refused in every other state.
 */
u32 duet_hs_new_current_uuid(struct duet_device *dev, bool clear_bitmap,
			     char *text, size_t size)
{
	struct duet_link *c = dev->res->link;
	bool standalone = !c || READ_ONCE(c->refused);
	const char *name = dev->disk->disk_name;
	char str[DUET_UUID_FORMAT_LEN + 1];
	u64 u[DUET_UI_NR];
	u32 ret = DUET_RET_OK;
	int i, err = DUET_UUID_E_RANDOM;

	mutex_lock(&dev->conf_lock);
	if (!dev->backing.bdev) {
		snprintf(text, size, "%s: no local disk (its meta data holds the UUIDs)",
			 name);
		ret = DUET_RET_NOT_ATTACHED;
	} else if (!standalone && !clear_bitmap) {
		snprintf(text, size,
			 "%s: the resource has a network configuration (%s): disconnect first, or use --clear-bitmap on a new Connected pair to skip its initial sync",
			 name, duet_conn_str(dev->state.conn));
		ret = DUET_RET_NET_CONFIGURED;
	} else if (!standalone && !duet_hs_may_skip(dev, c)) {
		snprintf(text, size,
			 "%s: the initial sync can be skipped only on just-created meta data of a Connected Inconsistent/Inconsistent pair (here %s %s/%s%s); otherwise disconnect first",
			 name, duet_conn_str(dev->state.conn),
			 duet_disk_str(dev->state.disk),
			 duet_disk_str(dev->state.pdsk),
			 duet_uuid_just_created(dev->sb.uuid) ? "" :
			 ", meta data not new");
		ret = DUET_RET_NET_CONFIGURED;
	} else if (!standalone) {
		ret = duet_hs_skip(dev, u, text, size);
	} else {
		memcpy(u, dev->sb.uuid, sizeof(u));
		if (clear_bitmap)
			duet_uuid_resync_end_source(u);
		for (i = 0; i < 8 && err == DUET_UUID_E_RANDOM; i++)
			err = duet_uuid_new_current(u, get_random_u64(),
					dev->state.role == DUET_ROLE_PRIMARY);
		if (err < 0) {
			snprintf(text, size, "%s: no new UUID could be made (%d)",
				 name, err);
			ret = DUET_RET_INTERNAL;
		} else {
			memcpy(dev->sb.uuid, u, sizeof(dev->sb.uuid));
			if ((clear_bitmap && duet_hs_clear_bitmap(dev)) ||
			    duet_md_write_sb(dev)) {
				snprintf(text, size,
					 "%s: writing the meta data failed", name);
				ret = DUET_RET_INTERNAL;
			}
		}
	}
	mutex_unlock(&dev->conf_lock);
	if (ret != DUET_RET_OK)
		return ret;
	duet_uuid_format(u, str, sizeof(str));
	if (standalone) {
		pr_info("%s: new current UUID: %s%s\n", name, str,
			clear_bitmap ? ", bitmap cleared" : "");
		return DUET_RET_OK;
	}
	pr_info("%s: initial sync skipped: new current UUID %s, bitmap cleared, UpToDate; the peer adopts the UUID\n",
		name, str);
	if (duet_hs_send_skip(c, dev, u))
		duet_link_lost(c, DUET_WHY_NETWORK,
			       "sending the skip of the initial sync failed");
	return DUET_RET_OK;
}

/*
 * UUIDS on a live link (receiver thread): the peer skipped the initial
 * sync (new-current-uuid --clear-bitmap). Our meta data is just created
 * too and Inconsistent: take its current UUID (duet_uuid_adopt_skip()),
 * clear the bitmap, UpToDate without a sync. Anything else cannot be
 * adopted: the link is made again and the handshake decides.
 */
int duet_hs_peer_uuids(struct duet_link *c, const struct duet_wire_pkt *pkt)
{
	struct duet_device *dev = duet_link_dev(c, pkt->hdr.volume);
	const struct duet_wire_uuids *pu = &pkt->u.uuids;
	char str[DUET_UUID_FORMAT_LEN + 1];
	u64 u[DUET_UI_NR];
	struct duet_state ns;
	bool ok = false;
	int err = 0;

	if (!dev || !(pu->flags & DUET_UF_SKIP_INITIAL_SYNC)) {
		c->proto_errors++;
		pr_err("duet: %s: %s sent UUIDS (flags 0x%x) on the live link, which only a skip of the initial sync may\n",
		       c->res->name, c->peer_str, pu->flags);
		return -EPROTO;
	}
	mutex_lock(&dev->conf_lock);
	memcpy(u, dev->sb.uuid, sizeof(u));
	if (dev->backing.bdev && dev->state.conn == DUET_C_CONNECTED &&
	    dev->state.disk == DUET_D_INCONSISTENT &&
	    !duet_uuid_adopt_skip(u, pu->uuid[DUET_UI_CURRENT])) {
		ns = dev->state;
		ns.disk = DUET_D_UP_TO_DATE;
		ns.pdsk = DUET_D_UP_TO_DATE;
		ok = duet_dev_change_state(dev, &ns, DUET_CS_HARD) > 0;
	}
	if (ok) {
		memcpy(dev->sb.uuid, u, sizeof(dev->sb.uuid));
		memcpy(dev->peer_uuids.uuid, pu->uuid,
		       sizeof(dev->peer_uuids.uuid));
		dev->peer_uuids.bits_set = 0;
		err = duet_hs_clear_bitmap(dev);
		if (!err)
			err = duet_md_write_sb(dev);
	}
	mutex_unlock(&dev->conf_lock);
	if (!ok) {
		pr_warn("%s: the peer skipped the initial sync, but this node's meta data is not new and Inconsistent: reconnecting to decide\n",
			dev->disk->disk_name);
		duet_link_lost(c, DUET_WHY_RESYNC,
			       "the skip of the initial sync cannot be adopted");
		return 0;
	}
	duet_uuid_format(u, str, sizeof(str));
	pr_info("%s: initial sync skipped by the peer: adopted its current UUID %s, bitmap cleared, UpToDate%s\n",
		dev->disk->disk_name, str, err ? " (meta data not written!)" : "");
	return 0;
}
