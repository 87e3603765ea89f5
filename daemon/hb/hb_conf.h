/*
 * hb_conf: parser for Heartbeat's /etc/ha.d/ha.cf (heartbeat.md §1).
 *
 * Pure: the caller reads the file and passes its bytes and its name; every
 * error and warning goes to an hb_diag as "file:line: message", worded as
 * Heartbeat 3.0.6 words it where Heartbeat has a message. Directives are
 * applied in file order, so udpport and baud affect only media lines that
 * follow them. Checks that need the system (interfaces exist, the serial
 * device opens, respawn users exist, the local node name) belong to the
 * daemon glue; hb_conf_check_local() takes the local name from it.
 */
#ifndef DUET_HB_CONF_H
#define DUET_HB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/hb/hb_diag.h"

#define HB_CONF_MAX_MEDIA	64	/* Heartbeat's MAXMEDIA */
#define HB_CONF_MAX_NODES	2	/* duet is a two-node product */
#define HB_NODENAME_MAX		99	/* Heartbeat's HOSTLENG - 1 */
#define HB_IFNAME_MAX		15	/* IFNAMSIZ - 1 */
#define HB_DEFAULT_UDPPORT	694
#define HB_DEFAULT_BAUD		19200

enum hb_media_kind {
	HB_MEDIA_BCAST,		/* bcast IF */
	HB_MEDIA_MCAST,		/* mcast IF GROUP PORT TTL LOOP */
	HB_MEDIA_MCAST6,	/* mcast6 IF GROUP PORT HOPS LOOP */
	HB_MEDIA_UCAST,		/* ucast IF PEER */
	HB_MEDIA_UCAST6,	/* ucast6 IF PEER */
	HB_MEDIA_SERIAL,	/* serial DEV */
};

struct hb_medium {
	enum hb_media_kind kind;
	unsigned line;		/* where it was declared */
	char *ifname;		/* network media */
	char *addr;		/* ucast peer (address or host name), mcast group */
	char *dev;		/* serial device path */
	unsigned port;		/* bcast/ucast: udpport in effect; mcast: its own */
	unsigned ttl;		/* mcast TTL (0-4) / mcast6 hops (0-255) */
	bool loop;		/* mcast loopback */
	unsigned baud;		/* serial: baud in effect */
};

enum hb_failback {
	HB_FAILBACK_LEGACY,	/* default; warned about */
	HB_FAILBACK_ON,
	HB_FAILBACK_OFF,
};

/* A ping node (ping IP, ping6 IP) or a ping group (ping_group NAME IP...). */
struct hb_ping {
	char *name;		/* the IP itself for ping/ping6 */
	char **addrs;
	size_t naddrs;
	bool group, v6;
	unsigned line;
};

/* respawn USER COMMAND... / failfast USER COMMAND... */
struct hb_respawn {
	char *user;
	char *command;		/* the whole command line */
	char *path;		/* its first word, a full path */
	bool failfast;
	unsigned line;
};

/* apiauth CLIENT [uid=LIST] [gid=LIST] */
struct hb_apiauth {
	char *client;
	char *uids, *gids;	/* comma-separated, NULL if absent */
	unsigned line;
};

/* stonith TYPE FILE / stonith_host HOST|* TYPE PARAMS... */
struct hb_stonith {
	bool per_host;
	char *host;		/* stonith_host only, lower case, or "*" */
	char *type;
	char *params;		/* config file (stonith) or parameters */
	unsigned line;
};

/* A directive's value as Heartbeat records it for HA_<name> and hbparameter. */
struct hb_param {
	char *name;
	char *value;
};

struct hb_conf {
	/* timing (ms), defaults and derived values filled in */
	uint32_t keepalive_ms;
	uint32_t deadtime_ms;
	uint32_t warntime_ms;
	uint32_t initdead_ms;
	uint32_t deadping_ms;

	unsigned udpport;	/* the last value set, or 694 */
	unsigned baud;		/* the last value set, or 19200 */
	enum hb_failback auto_failback;

	char **nodes;		/* lower case, in file order */
	size_t nnodes;
	struct hb_medium *media;
	size_t nmedia;
	struct hb_ping *pings;
	size_t npings;
	struct hb_respawn *respawns;
	size_t nrespawns;
	struct hb_apiauth *apiauths;
	size_t napiauths;
	struct hb_stonith *stoniths;
	size_t nstoniths;
	char **env;		/* "NAME=VALUE" from env lines */
	size_t nenv;

	/* logging */
	char *logfacility;	/* as written, NULL if unset */
	int log_facility;	/* LOG_* code, -1 for none/unset */
	char *logfile, *debugfile;
	bool use_logd;
	uint32_t conn_logd_ms;

	/* the rest */
	unsigned debug;
	bool realtime;
	int rtprio;		/* -1 unset */
	unsigned memreserve_kb;
	bool hbgen_time;	/* hbgenmethod time */
	unsigned hopfudge;
	unsigned max_rexmit_delay_ms;
	bool msgfmt_netstring;
	char *compression;
	unsigned compression_threshold_kb;
	bool traditional_compression;
	bool uuid_from_name;
	bool coredumps;
	char *coreroot;
	char *cluster;
	char *watchdog;

	struct hb_param *params;
	size_t nparams;
	unsigned nlines;
};

/*
 * Parses ha.cf from buf. Returns 0 when the file is accepted (warnings may
 * have been added), -1 when at least one error was found. Either way *c
 * holds what could be parsed and must be released with hb_conf_free().
 */
int hb_conf_parse(struct hb_conf *c, const char *buf, size_t len,
		  const char *file, struct hb_diag *d);
void hb_conf_free(struct hb_conf *c);

/*
 * The local node (uname -n or /etc/ha.d/nodeinfo) must be a "node": adds
 * "Current node [x] not in configuration!" otherwise. 0 / -1.
 */
int hb_conf_check_local(const struct hb_conf *c, const char *localname,
			const char *file, struct hb_diag *d);

/* Index of a node (case-insensitive), or -1. */
int hb_conf_node_index(const struct hb_conf *c, const char *name);

/* The value of a recorded directive ("keepalive" -> "200ms"), or NULL. */
const char *hb_conf_param(const struct hb_conf *c, const char *name);

/* The ttl field Heartbeat sends: hopfudge + nodes (ping nodes included). */
unsigned hb_conf_ttl(const struct hb_conf *c);

/*
 * Heartbeat's time syntax: a decimal number of seconds ("2", "1.5"), or
 * with a unit "ms"/"msec", "us"/"usec", or (a duet extension) "s"/"sec";
 * units are case-insensitive. Rounded to the nearest ms. 0 / -1.
 */
int hb_conf_parse_time(const char *s, uint32_t *ms);

const char *hb_media_kind_str(enum hb_media_kind k);
const char *hb_failback_str(enum hb_failback f);

#endif
