/*
 * fw_sys: the system facts duet-firewall's configuration adapter needs.
 */
#ifndef DUET_FW_SYS_H
#define DUET_FW_SYS_H

#include <stddef.h>

#include "firewall/fw_config.h"

/* This machine's IPv4 and IPv6 addresses (malloc'd array). 0 / -1. */
int fw_sys_addrs(struct fw_ifaddr **out, size_t *n);

/* getaddrinfo() of NAME: up to MAX distinct addresses; count or -1. */
int fw_sys_resolve(void *ctx, const char *name, struct fw_net *out, size_t max);

#endif /* DUET_FW_SYS_H */
