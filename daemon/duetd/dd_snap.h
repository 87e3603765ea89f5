/*
 * dd_snap: duetd's IPC bodies (daemon/duetd/IPC.md) parsed into C
 * structures. No I/O: text in, structures or an error out.
 *
 * Unknown members are ignored (the contract lets duetd add fields). A
 * member of the wrong type, a missing required member or text that is not
 * one complete JSON object is an error that names the member's path
 * ("nodes[1].links[0].last_heard_ms: expected an integer, got a string").
 * JSON null counts as absent for optional members. Strings are kept as
 * valid UTF-8 with control characters replaced by '?': they end up on a
 * terminal, and duetd relays text that came from the network.
 */
#ifndef DUET_DD_SNAP_H
#define DUET_DD_SNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define DD_SNAP_VERSION 1

/* one heartbeat medium as a peer is heard on it */
struct dd_link {
	int64_t medium;		/* index into dd_snap.media */
	char *status;		/* "up" or "dead" */
	bool heard;		/* false: never heard, last_heard_ms meaningless */
	int64_t last_heard_ms;	/* ms before the snapshot was taken */
};

struct dd_node {
	char *name;
	bool local;
	char *type;		/* "normal" or "ping" */
	char *status;		/* init, up, active, dead; ping nodes: ping, dead */
	bool heard;
	int64_t last_heard_ms;
	struct dd_link *links;	/* the peer's links (none for the local node) */
	size_t n_links;
};

struct dd_medium {
	int64_t index;
	char *type;		/* bcast, mcast, ucast, serial */
	char *spec;		/* "eth1 10.78.0.2", "/dev/ttyS1" */
	int64_t tx, rx, dropped;
};

struct dd_group {
	char *key;		/* first resource of the haresources line */
	char *preferred;	/* preferred node, may be NULL */
	char **resources;	/* NULL-terminated */
	size_t n_resources;
	char *owner;		/* node name or "none" */
	char *state;		/* stopped, starting, running, stopping, failed */
};

struct dd_event {
	char *time;		/* ISO 8601 UTC, as duetd wrote it */
	char *kind;		/* node, link, group, rsc, daemon */
	char *text;
};

struct dd_counter {
	char *name;
	int64_t value;
};

struct dd_snap {
	int64_t version;
	char *node;		/* local node name */
	char *status;		/* local node's status */
	int64_t pid;		/* 0 when absent */
	int64_t uptime_ms;	/* -1 when absent */
	struct {
		int64_t keepalive_ms, warntime_ms, deadtime_ms, initdead_ms;
		int64_t udpport;	/* -1 when absent, like the _ms values */
		char *auto_failback;
	} config;
	struct dd_node *nodes;
	size_t n_nodes;
	struct dd_medium *media;
	size_t n_media;
	char *rsc_state;	/* may be NULL */
	bool standby;
	struct dd_group *groups;
	size_t n_groups;
	struct dd_counter *dropped;	/* in the order duetd sent them */
	size_t n_dropped;
	struct dd_event *events;	/* oldest first */
	size_t n_events;
	/*
	 * Replicated devices join the snapshot in the integration issue; until
	 * then only their presence is noted so that the view can say so.
	 */
	bool has_devices;
};

/* result object of STANDBY, TAKEOVER and SUBSCRIBE */
struct dd_result {
	bool ok;
	char *message;
};

#define DD_SNAP_ERROR (dd_snap_error_quark())
GQuark dd_snap_error_quark(void);

/* Each returns NULL / false and sets *err (if err is not NULL) on error. */
struct dd_snap *dd_snap_parse(const char *text, size_t len, GError **err);
void dd_snap_free(struct dd_snap *s);

bool dd_event_parse(const char *text, size_t len, struct dd_event *out, GError **err);
void dd_event_clear(struct dd_event *e);

bool dd_result_parse(const char *text, size_t len, struct dd_result *out, GError **err);
void dd_result_clear(struct dd_result *r);

/* the node called name, or NULL */
const struct dd_node *dd_snap_find_node(const struct dd_snap *s, const char *name);
/* the medium with that index, or NULL */
const struct dd_medium *dd_snap_find_medium(const struct dd_snap *s, int64_t index);
/*
 * Heartbeat's name of a link: the first word of the medium's spec (the
 * interface for bcast/mcast/ucast, the device for serial), written into
 * buf; "medium<N>" when the medium is unknown.
 */
const char *dd_snap_link_name(const struct dd_snap *s, int64_t medium, char *buf, size_t len);

#endif
