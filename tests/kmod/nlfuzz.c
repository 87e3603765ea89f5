/*
 * nlfuzz: malformed requests to duet.ko's generic netlink family "duet",
 * over a raw netlink socket (no libnl: every byte is ours to get wrong).
 *
 *   nlfuzz [--random N] [--seed S]
 *
 * First a list of hand-made bad requests (wrong attribute types, missing
 * required attributes, oversized and unterminated strings, unknown
 * commands, out-of-range minors, truncated headers and attributes), each
 * of which must be refused: a netlink error, or a reply whose retcode is
 * not OK. Then N random messages (random command, random attribute bytes)
 * that must each get an answer. One line per case; exit 0 when every case
 * behaved, 1 when one was accepted or got no answer, 2 on a usage or
 * socket error. Used by tests/vm/duet-faults.bats inside a guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kmod/uapi/duet_genl.h"

#define BUF_SIZE 16384

static int sock = -1;
static uint32_t seq = 1;
static uint16_t family;
static int failures;

struct msg {
	unsigned char b[BUF_SIZE];
	size_t len;
	size_t nest[8];
	int depth;
};

static void msg_init(struct msg *m, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->b;
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);

	memset(m, 0, sizeof(*m));
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = seq++;
	g->cmd = cmd;
	g->version = DUET_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

/* An attribute with LEN bytes of DATA; HDR_LEN overrides nla_len if != 0. */
static void put_raw(struct msg *m, uint16_t type, const void *data, size_t len,
		    uint16_t hdr_len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->b))
		abort();
	a->nla_type = type;
	a->nla_len = hdr_len ? hdr_len : (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(m->b + m->len + NLA_HDRLEN, data, len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
}

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put_raw(m, type, &v, 4, 0);
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put_raw(m, type, s, strlen(s) + 1, 0);
}

static void nest_start(struct msg *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	put_raw(m, type | NLA_F_NESTED, NULL, 0, 0);
}

static void nest_end(struct msg *m)
{
	size_t at = m->nest[--m->depth];
	struct nlattr *a = (struct nlattr *)(m->b + at);

	a->nla_len = (uint16_t)(m->len - at);
}

static void finish(struct msg *m)
{
	((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
}

/*
 * Sends M (nlmsg_len as set, unless FIX) and waits for the answer to its
 * sequence number: returns the netlink error (<0), 0 for an ACK, or the
 * retcode (>0) of a reply, in *RET; -1000 when nothing came within 10 s.
 */
static int exchange(struct msg *m, bool fix, long *ret)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	uint32_t want = ((struct nlmsghdr *)m->b)->nlmsg_seq;
	static unsigned char rb[65536];
	long retcode = 0;
	bool got_reply = false;

	if (fix)
		finish(m);
	if (sendto(sock, m->b, m->len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		*ret = -errno;
		return 0;	/* the kernel refused it at the socket: fine */
	}
	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 10000) <= 0) {
			*ret = -1000;
			return -1;
		}
		n = recv(sock, rb, sizeof(rb), 0);
		if (n < 0) {
			*ret = -errno;
			return 0;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)rb; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != want)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				*ret = e->error ? e->error : (got_reply ? retcode : 0);
				return 0;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				*ret = got_reply ? retcode : 0;
				return 0;
			}
			if (h->nlmsg_type == family) {
				/* find DUET_A_REPLY / DUET_REPLY_A_RETCODE */
				unsigned char *p = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
				unsigned char *end = (unsigned char *)h + h->nlmsg_len;

				while (p + NLA_HDRLEN <= end) {
					struct nlattr *a = (struct nlattr *)p;

					if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
						break;
					if ((a->nla_type & NLA_TYPE_MASK) == DUET_A_REPLY) {
						unsigned char *q = p + NLA_HDRLEN;

						while (q + NLA_HDRLEN <= p + a->nla_len) {
							struct nlattr *b = (struct nlattr *)q;

							if (b->nla_len < NLA_HDRLEN)
								break;
							if (b->nla_type == DUET_REPLY_A_RETCODE &&
							    b->nla_len >= NLA_HDRLEN + 4) {
								uint32_t rc;

								memcpy(&rc, q + NLA_HDRLEN, 4);
								retcode = rc;
							}
							q += NLA_ALIGN(b->nla_len);
						}
						got_reply = true;
					}
					p += NLA_ALIGN(a->nla_len);
				}
			}
		}
	}
}

/* A case that must be refused: error < 0, or retcode != DUET_RET_OK. */
static void expect_refused(const char *name, struct msg *m, bool fix)
{
	long ret = 0;

	if (exchange(m, fix, &ret) < 0) {
		printf("FAIL %-44s no answer within 10 s\n", name);
		failures++;
	} else if (ret == 0) {
		printf("FAIL %-44s accepted\n", name);
		failures++;
	} else if (ret < 0) {
		printf("ok   %-44s error %ld (%s)\n", name, ret, strerror((int)-ret));
	} else {
		printf("ok   %-44s retcode %ld\n", name, ret);
	}
}

/* A setup step that must succeed. */
static void expect_ok(const char *name, struct msg *m)
{
	long ret = 0;

	if (exchange(m, true, &ret) < 0 || ret != 0) {
		printf("FAIL %-44s %ld\n", name, ret);
		failures++;
	} else {
		printf("ok   %-44s done\n", name);
	}
}

static uint16_t resolve_family(void)
{
	struct msg m;
	static unsigned char rb[8192];
	ssize_t n;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->version = 1;
	put_str(&m, CTRL_ATTR_FAMILY_NAME, DUET_GENL_NAME);
	finish(&m);
	if (send(sock, m.b, m.len, 0) < 0)
		return 0;
	n = recv(sock, rb, sizeof(rb), 0);
	for (struct nlmsghdr *h = (struct nlmsghdr *)rb; n > 0 && NLMSG_OK(h, (size_t)n);
	     h = NLMSG_NEXT(h, n)) {
		unsigned char *p = (unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN;
		unsigned char *end = (unsigned char *)h + h->nlmsg_len;

		if (h->nlmsg_type != GENL_ID_CTRL)
			continue;
		while (p + NLA_HDRLEN <= end) {
			struct nlattr *a = (struct nlattr *)p;
			uint16_t id;

			if (a->nla_len < NLA_HDRLEN)
				break;
			if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
				memcpy(&id, p + NLA_HDRLEN, 2);
				return id;
			}
			p += NLA_ALIGN(a->nla_len);
		}
	}
	return 0;
}

static void with_res(struct msg *m, const char *name)
{
	nest_start(m, DUET_A_CTX);
	put_str(m, DUET_CTX_A_RES_NAME, name);
	nest_end(m);
}

static void with_minor(struct msg *m, uint32_t minor)
{
	nest_start(m, DUET_A_CTX);
	put_u32(m, DUET_CTX_A_MINOR, minor);
	nest_end(m);
}

static void handmade(void)
{
	struct msg m;
	char big[600];
	uint8_t b1 = 1;
	uint64_t u64 = 1;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	msg_init(&m, family, 200);
	expect_refused("unknown command 200", &m, true);
	msg_init(&m, family, DUET_CMD_UNSPEC);
	expect_refused("command 0 (UNSPEC)", &m, true);
	msg_init(&m, family, DUET_CMD_STATE_EVENT);
	expect_refused("STATE_EVENT sent as a request", &m, true);
	msg_init(&m, family, __DUET_CMD_MAX);
	expect_refused("command past the last one", &m, true);

	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	expect_refused("NEW_RESOURCE without CTX", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	nest_start(&m, DUET_A_CTX);
	nest_end(&m);
	expect_refused("NEW_RESOURCE with an empty CTX", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	put_u32(&m, DUET_A_CTX, 7);
	expect_refused("CTX not a nest (u32)", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	nest_start(&m, DUET_A_CTX);
	put_u32(&m, DUET_CTX_A_RES_NAME, 0x41414141);
	nest_end(&m);
	expect_refused("resource name unterminated (u32)", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	with_res(&m, big);
	expect_refused("resource name of 599 bytes", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	with_res(&m, "");
	expect_refused("empty resource name", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	nest_start(&m, DUET_A_CTX);
	put_raw(&m, DUET_CTX_A_RES_NAME, "abc", 3, 0);
	nest_end(&m);
	expect_refused("resource name without its NUL", &m, true);

	/* a resource of our own for the minor and attach cases */
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	with_res(&m, "fz");
	expect_ok("NEW_RESOURCE fz", &m);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	with_res(&m, "fz");
	expect_refused("NEW_RESOURCE fz twice", &m, true);

	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	with_res(&m, "fz");
	expect_refused("NEW_MINOR without a minor", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	nest_start(&m, DUET_A_CTX);
	put_str(&m, DUET_CTX_A_RES_NAME, "fz");
	put_u32(&m, DUET_CTX_A_MINOR, 256);
	nest_end(&m);
	expect_refused("NEW_MINOR minor 256 (out of range)", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	nest_start(&m, DUET_A_CTX);
	put_str(&m, DUET_CTX_A_RES_NAME, "fz");
	put_u32(&m, DUET_CTX_A_MINOR, 0xffffffffu);
	nest_end(&m);
	expect_refused("NEW_MINOR minor 0xffffffff", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	nest_start(&m, DUET_A_CTX);
	put_str(&m, DUET_CTX_A_RES_NAME, "fz");
	put_raw(&m, DUET_CTX_A_MINOR, &b1, 1, 0);
	nest_end(&m);
	expect_refused("NEW_MINOR minor as one byte", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	nest_start(&m, DUET_A_CTX);
	put_str(&m, DUET_CTX_A_RES_NAME, "fz");
	put_raw(&m, DUET_CTX_A_MINOR, &u64, 8, 0);
	nest_end(&m);
	expect_refused("NEW_MINOR minor as u64", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	nest_start(&m, DUET_A_CTX);
	put_str(&m, DUET_CTX_A_RES_NAME, "nosuchres");
	put_u32(&m, DUET_CTX_A_MINOR, 5);
	nest_end(&m);
	expect_refused("NEW_MINOR in an unknown resource", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	nest_start(&m, DUET_A_CTX);
	put_str(&m, DUET_CTX_A_RES_NAME, "fz");
	put_u32(&m, DUET_CTX_A_MINOR, 7);
	nest_end(&m);
	nest_start(&m, DUET_A_DEVICE_CONF);
	put_str(&m, DUET_DEV_A_PATH, big);
	nest_end(&m);
	expect_refused("NEW_MINOR with a 599-byte device path", &m, true);

	msg_init(&m, family, DUET_CMD_NEW_MINOR);
	nest_start(&m, DUET_A_CTX);
	put_str(&m, DUET_CTX_A_RES_NAME, "fz");
	put_u32(&m, DUET_CTX_A_MINOR, 7);
	nest_end(&m);
	expect_ok("NEW_MINOR fz minor 7", &m);

	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	expect_refused("ATTACH without DISK_CONF", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	nest_end(&m);
	expect_refused("ATTACH without a backing disk", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/vdb");
	put_u32(&m, DUET_DISK_A_META_IDX, 3);
	nest_end(&m);
	expect_refused("ATTACH indexed without a meta device", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/vdb");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-7);
	nest_end(&m);
	expect_refused("ATTACH meta-idx -7", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/vdb");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	put_u32(&m, DUET_DISK_A_ON_IO_ERROR, 99);
	nest_end(&m);
	expect_refused("ATTACH on-io-error 99", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/vdb");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	put_raw(&m, DUET_DISK_A_ON_IO_ERROR, &b1, 1, 0);
	nest_end(&m);
	expect_refused("ATTACH on-io-error as one byte", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/vdb");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	put_u32(&m, DUET_DISK_A_AL_EXTENTS, 3);
	nest_end(&m);
	expect_refused("ATTACH al-extents 3", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, big);
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	nest_end(&m);
	expect_refused("ATTACH with a 599-byte backing path", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/nonexistent/disk");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	nest_end(&m);
	expect_refused("ATTACH to a path that does not exist", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/null");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	nest_end(&m);
	expect_refused("ATTACH to a character device", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/vdb");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	nest_end(&m);
	expect_refused("ATTACH to a disk without meta data", &m, true);
	msg_init(&m, family, DUET_CMD_ATTACH);
	with_minor(&m, 4242);
	nest_start(&m, DUET_A_DISK_CONF);
	put_str(&m, DUET_DISK_A_BACKING_DEV, "/dev/vdb");
	put_u32(&m, DUET_DISK_A_META_IDX, (uint32_t)-1);
	nest_end(&m);
	expect_refused("ATTACH to an unknown minor", &m, true);

	msg_init(&m, family, DUET_CMD_DETACH);
	with_minor(&m, 7);
	expect_refused("DETACH a diskless minor", &m, true);
	msg_init(&m, family, DUET_CMD_DETACH);
	with_minor(&m, 0xffffffffu);
	expect_refused("DETACH minor 0xffffffff", &m, true);
	msg_init(&m, family, DUET_CMD_DISK_OPTS);
	with_minor(&m, 7);
	nest_start(&m, DUET_A_DISK_CONF);
	put_u32(&m, DUET_DISK_A_ON_IO_ERROR, 3);
	nest_end(&m);
	expect_refused("DISK_OPTS on-io-error 3", &m, true);
	msg_init(&m, family, DUET_CMD_DISK_OPTS);
	expect_refused("DISK_OPTS without a minor", &m, true);
	msg_init(&m, family, DUET_CMD_GET_STATUS);
	with_minor(&m, 9999);
	expect_refused("GET_STATUS of an unknown minor", &m, true);
	msg_init(&m, family, DUET_CMD_GET_CONFIG);
	with_minor(&m, 9999);
	expect_refused("GET_CONFIG of an unknown minor", &m, true);
	msg_init(&m, family, DUET_CMD_GET_CONFIG);
	with_res(&m, "nosuchres");
	expect_refused("GET_CONFIG of an unknown resource", &m, true);
	msg_init(&m, family, DUET_CMD_RES_OPTS);
	with_res(&m, "fz");
	nest_start(&m, DUET_A_RES_OPTS);
	put_u32(&m, DUET_RES_A_ON_NO_DATA, 5);
	nest_end(&m);
	expect_refused("RES_OPTS on-no-data-accessible 5", &m, true);
	msg_init(&m, family, DUET_CMD_RES_OPTS);
	with_res(&m, "fz");
	nest_start(&m, DUET_A_RES_OPTS);
	put_raw(&m, DUET_RES_A_CPU_MASK, "ff", 2, 0);
	nest_end(&m);
	expect_refused("RES_OPTS cpu-mask without its NUL", &m, true);
	msg_init(&m, family, DUET_CMD_PRIMARY);
	with_res(&m, "fz");
	expect_refused("PRIMARY of a diskless resource", &m, true);
	msg_init(&m, family, DUET_CMD_PRIMARY);
	with_res(&m, "fz");
	nest_start(&m, DUET_A_FLAGS);
	put_u32(&m, DUET_FLAG_A_FORCE, 1);
	nest_end(&m);
	expect_refused("PRIMARY with a FORCE flag that carries data", &m, true);
	msg_init(&m, family, DUET_CMD_DEL_RESOURCE);
	with_res(&m, "fz");
	expect_refused("DEL_RESOURCE while it has a minor", &m, true);
	msg_init(&m, family, DUET_CMD_CONNECT);
	with_res(&m, "fz");
	expect_refused("CONNECT (not implemented)", &m, true);

	/* framing */
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	nest_start(&m, DUET_A_CTX);
	put_raw(&m, DUET_CTX_A_RES_NAME, "abcdefgh", 8, 200);
	nest_end(&m);
	expect_refused("attribute longer than its nest", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	nest_start(&m, DUET_A_CTX);
	put_raw(&m, DUET_CTX_A_RES_NAME, "abcdefgh", 8, 2);
	nest_end(&m);
	expect_refused("attribute length 2 (below its header)", &m, true);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	with_res(&m, "trunc");
	finish(&m);
	((struct nlmsghdr *)m.b)->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + 6;
	m.len = NLMSG_HDRLEN + GENL_HDRLEN + 6;
	expect_refused("message cut inside an attribute", &m, false);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	m.len = NLMSG_HDRLEN + 2;
	finish(&m);
	expect_refused("message shorter than the genl header", &m, false);
	msg_init(&m, family, DUET_CMD_NEW_RESOURCE);
	((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->version = 99;
	with_res(&m, "");
	expect_refused("version 99, empty name", &m, true);

	/* clean up our resource */
	msg_init(&m, family, DUET_CMD_DOWN);
	with_res(&m, "fz");
	expect_ok("DOWN fz", &m);
}

/* Random commands, random attribute bytes: each must get an answer. */
static void random_msgs(unsigned int n)
{
	struct msg m;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int nattr = (unsigned int)rand() % 6;
		char name[40];
		long ret;

		msg_init(&m, family, (uint8_t)(rand() % (__DUET_CMD_MAX + 3)));
		for (unsigned int k = 0; k < nattr; k++) {
			unsigned char data[300];
			size_t len = (size_t)rand() % sizeof(data);
			uint16_t type = (uint16_t)(rand() % (DUET_A_MAX + 3));

			for (size_t j = 0; j < len; j++)
				data[j] = (unsigned char)rand();
			if (rand() % 2) {
				/* a nest of random inner attributes */
				nest_start(&m, type);
				for (unsigned int j = 0; j < 4; j++) {
					size_t l = (size_t)rand() % 20;

					put_raw(&m, (uint16_t)(rand() % 26), data, l,
						rand() % 8 ? 0 : (uint16_t)(rand() % 64));
				}
				nest_end(&m);
			} else {
				put_raw(&m, type, data, len,
					rand() % 8 ? 0 : (uint16_t)(rand() % 400));
			}
		}
		if (rand() % 10 == 0)
			m.len -= (size_t)rand() % (m.len - NLMSG_HDRLEN + 1);
		finish(&m);
		snprintf(name, sizeof(name), "random %u", i);
		if (exchange(&m, false, &ret) < 0) {
			printf("FAIL %-44s no answer within 10 s\n", name);
			failures++;
		}
	}
	printf("ok   %u random messages answered\n", n);
}

int main(int argc, char **argv)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	unsigned int nrandom = 0, s = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--random") == 0 && i + 1 < argc)
			nrandom = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			s = (unsigned int)strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: nlfuzz [--random N] [--seed S]\n");
			return 2;
		}
	}
	srand(s);
	sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (sock < 0 || bind(sock, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("nlfuzz: netlink socket");
		return 2;
	}
	family = resolve_family();
	if (!family) {
		fprintf(stderr, "nlfuzz: generic netlink family \"%s\" not found (modprobe duet)\n",
			DUET_GENL_NAME);
		return 2;
	}
	handmade();
	if (nrandom)
		random_msgs(nrandom);
	printf("%d failure%s\n", failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
