/*
 * fw_sys: what fw_config needs from the system: this machine's addresses
 * (getifaddrs) and host-name resolution for ucast lines (getaddrinfo).
 */
#include "firewall/fw_sys.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static unsigned mask_len(const uint8_t *m, size_t len)
{
	unsigned n = 0;
	size_t i;
	uint8_t b;

	for (i = 0; i < len; i++) {
		for (b = m[i]; b & 0x80; b = (uint8_t)(b << 1))
			n++;
		if (m[i] != 0xff)
			break;
	}
	return n;
}

int fw_sys_addrs(struct fw_ifaddr **out, size_t *n)
{
	struct ifaddrs *ifa, *i;
	struct fw_ifaddr *v = NULL, *nv;
	size_t cap = 0;
	const uint8_t *a, *m;
	enum fw_family fam;

	*out = NULL;
	*n = 0;
	if (getifaddrs(&ifa) < 0)
		return -1;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || !i->ifa_netmask)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			fam = FW_IPV4;
			a = (const uint8_t *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			m = (const uint8_t *)&((struct sockaddr_in *)i->ifa_netmask)->sin_addr;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			fam = FW_IPV6;
			a = (const uint8_t *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
			m = (const uint8_t *)&((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr;
		} else {
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				freeifaddrs(ifa);
				return -1;
			}
			v = nv;
		}
		memset(&v[*n], 0, sizeof(v[*n]));
		snprintf(v[*n].ifname, sizeof(v[*n].ifname), "%s", i->ifa_name);
		fw_net_from_bytes(&v[*n].addr, fam, a, fam == FW_IPV4 ? 32 : 128);
		v[*n].prefix = mask_len(m, fam == FW_IPV4 ? 4 : 16);
		(*n)++;
	}
	freeifaddrs(ifa);
	*out = v;
	return 0;
}

int fw_sys_resolve(void *ctx, const char *name, struct fw_net *out, size_t max)
{
	struct addrinfo hints, *res, *r;
	size_t n = 0, j;
	struct fw_net x;
	bool dup;

	(void)ctx;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return -1;
	for (r = res; r && n < max; r = r->ai_next) {
		if (r->ai_family == AF_INET)
			fw_net_from_bytes(&x, FW_IPV4,
					  (const uint8_t *)&((struct sockaddr_in *)r->ai_addr)->sin_addr, 32);
		else if (r->ai_family == AF_INET6)
			fw_net_from_bytes(&x, FW_IPV6,
					  (const uint8_t *)&((struct sockaddr_in6 *)r->ai_addr)->sin6_addr, 128);
		else
			continue;
		dup = false;
		for (j = 0; j < n; j++)
			dup = dup || fw_net_equal(&out[j], &x);
		if (!dup)
			out[n++] = x;
	}
	freeaddrinfo(res);
	return (int)n;
}
