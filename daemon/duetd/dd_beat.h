/*
 * dd_beat: which datagrams can wait, as classic BPF programs the kernel
 * runs for us (pure: builds instruction arrays, no sockets).
 *
 * The bulk of the traffic of an idle cluster is plain heartbeats, the
 * netstring status messages of an active node (DD_BEAT_PREFIX), and the
 * acknowledgements of sequence numbers (DD_ACK_PREFIX), which only trim a
 * history; Heartbeat 3.0.6 and duetd both write them so. duetd steers
 * those datagrams into a second socket that the main loop does not watch
 * and reads them, with their kernel arrival times, when a liveness
 * deadline is near or before anything else it handles, so they do not
 * wake the daemon; every other message (control, resources,
 * retransmission, status changes, anything malformed) stays on the
 * watched socket and is handled at once. See dd_media.c, dd_cluster.c.
 */
#ifndef DUET_DD_BEAT_H
#define DUET_DD_BEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

#define DD_BEAT_PREFIX "###\n11:(0)t=status,12:(0)st=active,"
#define DD_BEAT_PREFIX_LEN (sizeof(DD_BEAT_PREFIX) - 1)
#define DD_ACK_PREFIX "###\n14:(0)t=NS_ackmsg,"
#define DD_BEAT_PROG_MAX 64	/* instructions of one program, at most */

/*
 * dd_beat_prog: a program that returns `hit` for a packet whose bytes at
 * offset `base` begin with DD_BEAT_PREFIX or DD_ACK_PREFIX and `miss` for
 * any other (shorter packets included). base is where the UDP payload starts in
 * what the kernel hands the program: 0 for SO_ATTACH_REUSEPORT_CBPF (the
 * UDP header is pulled), 8 for SO_ATTACH_FILTER on a UDP socket (data
 * starts at the UDP header). Returns the instruction count, 0 if out has
 * fewer than DD_BEAT_PROG_MAX slots.
 */
size_t dd_beat_prog(struct sock_filter *out, size_t cap, uint32_t base, uint32_t hit,
		    uint32_t miss);

/* the same rule in C, on a UDP payload */
bool dd_beat_match(const void *payload, size_t len);

#endif
