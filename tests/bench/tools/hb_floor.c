/*
 * hb_floor: the least a heartbeat daemon can do, as a reference for the
 * idle CPU figure of the failover benchmark: sleep in poll() for the
 * keepalive, send one datagram of a heartbeat's size to the peer, never
 * read what the peer sends (the kernel queues it, then drops it).
 *
 *   hb_floor PEER_IP PORT INTERVAL_MS SIZE
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in peer = { .sin_family = AF_INET };
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	char buf[1500];
	int fd, interval;
	size_t size;
	struct pollfd p;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &peer.sin_addr) != 1) {
		fprintf(stderr, "usage: hb_floor PEER_IP PORT INTERVAL_MS SIZE\n");
		return 2;
	}
	peer.sin_port = htons((unsigned short)atoi(argv[2]));
	me.sin_port = peer.sin_port;
	interval = atoi(argv[3]);
	size = (size_t)atoi(argv[4]);
	if (size > sizeof(buf))
		size = sizeof(buf);
	memset(buf, 'x', size);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("hb_floor: socket");
		return 1;
	}
	/* a descriptor in the poll set that never becomes ready */
	p.fd = -1;
	p.events = 0;
	for (;;) {
		poll(&p, 1, interval);
		sendto(fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)&peer, sizeof(peer));
	}
}
