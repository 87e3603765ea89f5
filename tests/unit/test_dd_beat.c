/*
 * duetd's heartbeat steering (daemon/duetd/dd_beat.[ch]): the C rule on
 * sample payloads, and the classic BPF programs run by this machine's
 * kernel on loopback sockets: the SO_REUSEPORT group program sends plain
 * heartbeats to the second socket and everything else to the first, and
 * the per-socket filters keep each socket's share (as dd_media.c uses
 * them). The payload offsets the programs assume (0 for the group
 * program, 8 for a socket filter) are what this checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "daemon/duetd/dd_beat.h"

#define BEAT DD_BEAT_PREFIX "9:(0)dt=3e8,13:(0)protocol=1,12:(0)src=nodeb,"

struct sample {
	const char *what;
	const char *payload;
	size_t len;		/* 0: strlen */
	bool beat;
};

static const struct sample samples[] = {
	{ "heartbeat of an active node", BEAT, 0, true },
	{ "exactly the prefix", DD_BEAT_PREFIX, 0, true },
	{ "the prefix less its last byte", DD_BEAT_PREFIX, DD_BEAT_PREFIX_LEN - 1, false },
	{ "status of a starting node", "###\n11:(0)t=status,10:(0)st=init,9:(0)dt=bb8,", 0, false },
	{ "status of a node going down", "###\n11:(0)t=status,10:(0)st=dead,8:(0)seq=9,", 0, false },
	{ "last byte differs", "###\n11:(0)t=status,12:(0)st=active;9:(0)dt=3e8,", 0, false },
	{ "first byte differs", "##!\n11:(0)t=status,12:(0)st=active,9:(0)dt=3e8,", 0, false },
	{ "a byte in a middle word differs", "###\n11:(0)t=statuS,12:(0)st=active,9:(0)dt=3e8", 0,
	  false },
	{ "an acknowledgement", "###\n14:(0)t=NS_ackmsg,12:(0)ackseq=1f,12:(0)src=nodeb,", 0,
	  true },
	{ "exactly the ack prefix", DD_ACK_PREFIX, 0, true },
	{ "the ack prefix less its last byte", DD_ACK_PREFIX, sizeof(DD_ACK_PREFIX) - 2, false },
	{ "almost an ack", "###\n14:(0)t=NS_ackmsX,12:(0)ackseq=1f,12:(0)src=nodeb,", 0, false },
	{ "a retransmission request", "###\n14:(0)t=NS_rexmit,13:(0)firstseq=1,", 0, false },
	{ "a resource message", "###\n13:(0)t=resource,16:(0)rsc_hold=all,", 0, false },
	{ "classic format", ">>>\nt=status\nst=active\nsrc=nodeb\n<<<\n", 0, false },
	{ "short garbage", "###\n", 0, false },
	{ "one byte", "#", 0, false },
};

static size_t sample_len(const struct sample *s)
{
	return s->len ? s->len : strlen(s->payload);
}

static void c_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];

		if (dd_beat_match(s->payload, sample_len(s)) != s->beat)
			fail_msg("%s: dd_beat_match says %d", s->what, !s->beat);
	}
	assert_false(dd_beat_match("", 0));
}

static void prog_shape(void **state)
{
	struct sock_filter prog[DD_BEAT_PROG_MAX];
	size_t n;

	(void)state;
	assert_int_equal(dd_beat_prog(prog, DD_BEAT_PROG_MAX - 1, 0, 1, 0), 0);
	n = dd_beat_prog(prog, DD_BEAT_PROG_MAX, 8, 7, 9);
	assert_true(n > 4 && n <= DD_BEAT_PROG_MAX);
	/* one "ret hit" per prefix, "ret miss" last; a jump that fails
	 * lands on the next prefix's length check or on "ret miss" */
	assert_int_equal(prog[n - 1].code, BPF_RET | BPF_K);
	assert_int_equal(prog[n - 1].k, 9);
	size_t hits = 0;

	for (size_t i = 0; i < n; i++) {
		size_t to;

		if (prog[i].code == (BPF_RET | BPF_K) && prog[i].k == 7)
			hits++;
		if (BPF_CLASS(prog[i].code) != BPF_JMP)
			continue;
		assert_int_equal(prog[i].jt, 0);
		to = i + 1 + prog[i].jf;
		assert_true(to < n);
		assert_true(to == n - 1 || prog[to].code == (BPF_LD | BPF_W | BPF_LEN));
	}
	assert_int_equal(hits, 2);
}

/* a UDP socket on 127.0.0.1:port (0: any), SO_REUSEPORT if asked */
static int udp_bound(uint16_t port, bool reuse, uint16_t *bound)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (reuse)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	if (bound)
		*bound = ntohs(sa.sin_port);
	return fd;
}

static void attach(int fd, int opt, uint32_t base, uint32_t hit, uint32_t miss)
{
	struct sock_filter prog[DD_BEAT_PROG_MAX];
	struct sock_fprog fp = { .filter = prog };

	fp.len = (unsigned short)dd_beat_prog(prog, DD_BEAT_PROG_MAX, base, hit, miss);
	assert_true(fp.len > 0);
	if (setsockopt(fd, SOL_SOCKET, opt, &fp, sizeof(fp)) != 0)
		fail_msg("setsockopt(%d): %s", opt, strerror(errno));
}

static void send_to(uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)),
			 (ssize_t)len);
	close(fd);
}

/* the length of the one datagram queued on fd, -1 if none (after a
 * short wait: loopback delivery is synchronous, the wait is a margin) */
static ssize_t take(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[2048];

	if (poll(&p, 1, 50) != 1)
		return -1;
	return recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
}

static void kernel_steering(void **state)
{
	uint16_t port;
	int main_fd, beat_fd;

	(void)state;
	main_fd = udp_bound(0, true, &port);
	beat_fd = udp_bound(port, true, NULL);
	attach(main_fd, SO_ATTACH_REUSEPORT_CBPF, 0, 1, 0);
	attach(beat_fd, SO_ATTACH_FILTER, 8, 0xffffffffu, 0);
	attach(main_fd, SO_ATTACH_FILTER, 8, 0, 0xffffffffu);
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		ssize_t len = (ssize_t)sample_len(s);
		ssize_t on_main, on_beat;

		send_to(port, s->payload, (size_t)len);
		on_main = take(main_fd);
		on_beat = take(beat_fd);
		if (s->beat && (on_beat != len || on_main != -1))
			fail_msg("%s: main socket %zd, beat socket %zd bytes (expected the beat socket)",
				 s->what, on_main, on_beat);
		if (!s->beat && (on_main != len || on_beat != -1))
			fail_msg("%s: main socket %zd, beat socket %zd bytes (expected the main socket)",
				 s->what, on_main, on_beat);
	}
	/* an empty datagram is not a heartbeat either */
	send_to(port, "", 0);
	assert_int_equal(take(main_fd), 0);
	assert_int_equal(take(beat_fd), -1);
	close(beat_fd);
	close(main_fd);
}

/* each socket filter alone, on its own socket */
static void kernel_filters(void **state)
{
	uint16_t p1, p2;
	int keep_beats, drop_beats;

	(void)state;
	keep_beats = udp_bound(0, false, &p1);
	drop_beats = udp_bound(0, false, &p2);
	attach(keep_beats, SO_ATTACH_FILTER, 8, 0xffffffffu, 0);
	attach(drop_beats, SO_ATTACH_FILTER, 8, 0, 0xffffffffu);
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		ssize_t len = (ssize_t)sample_len(s);

		send_to(p1, s->payload, (size_t)len);
		send_to(p2, s->payload, (size_t)len);
		if (take(keep_beats) != (s->beat ? len : -1))
			fail_msg("%s: the beats-only filter got it wrong", s->what);
		if (take(drop_beats) != (s->beat ? -1 : len))
			fail_msg("%s: the no-beats filter got it wrong", s->what);
	}
	close(keep_beats);
	close(drop_beats);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(c_rule),
		cmocka_unit_test(prog_shape),
		cmocka_unit_test(kernel_steering),
		cmocka_unit_test(kernel_filters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
