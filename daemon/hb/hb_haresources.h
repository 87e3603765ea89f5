/*
 * hb_haresources: parser for Heartbeat's /etc/ha.d/haresources
 * (heartbeat.md §2.1).
 *
 *	alice duetdisk::r0 Filesystem::/dev/drbd0::/drbd::ext4 10.0.0.100 apache
 *
 * One resource group per logical line (a trailing '\' continues it): the
 * preferred node, then resources started left to right. A resource is
 * "script" or "script::arg1::arg2"; a bare dotted quad (with optional
 * /bits/iface/broadcast) means IPaddr::<it>. The first resource of a line
 * is the group key and must be unique. Pure; the caller reads the file.
 */
#ifndef DUET_HB_HARESOURCES_H
#define DUET_HB_HARESOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/hb/hb_diag.h"

struct hb_resource {
	char *spec;		/* as written: "10.0.0.100", "Filesystem::/dev/drbd0::/drbd::ext4" */
	char *name;		/* script: "IPaddr" for a bare address */
	char **args;		/* the "::" arguments, in order */
	size_t nargs;
	bool implicit_ip;	/* written as a bare address */
};

struct hb_rgroup {
	char *node;		/* preferred node, lower case */
	struct hb_resource *res;
	size_t nres;		/* >= 1; res[0].spec is the group key */
	unsigned line;
};

struct hb_haresources {
	struct hb_rgroup *groups;
	size_t ngroups;
};

/* 0 when accepted, -1 on errors (see d). Free it either way. */
int hb_haresources_parse(struct hb_haresources *h, const char *buf, size_t len,
			 const char *file, struct hb_diag *d);
void hb_haresources_free(struct hb_haresources *h);

/*
 * Every group's node must be one of nodes[] (ha.cf's node lines): adds
 * "Bad nodename in <file> [x]" otherwise. 0 / -1.
 */
int hb_haresources_check_nodes(const struct hb_haresources *h,
			       char *const *nodes, size_t nnodes,
			       const char *file, struct hb_diag *d);

/* The group whose key (first resource as written) is key, or NULL. */
const struct hb_rgroup *hb_haresources_find(const struct hb_haresources *h,
					    const char *key);

/* Heartbeat's test for "this resource is an IP address" (ResourceManager). */
bool hb_resource_looks_like_ip(const char *s);

/*
 * IPaddr/IPaddr2 argument: IP[/NETMASK[/NIC[:LABEL][/BROADCAST]]], where a
 * third part starting with a digit is the broadcast address. Empty strings
 * for absent parts. 0, or -1 if IP is not a dotted quad or a part is too long.
 */
struct hb_ipaddr_arg {
	char ip[16];
	char netmask[16];	/* "24" or "255.255.255.0" */
	char nic[16];
	char label[16];
	char broadcast[16];
};

int hb_ipaddr_arg_parse(const char *arg, struct hb_ipaddr_arg *o);

#endif
