/*
 * duetadm: duet's replication admin tool, the counterpart of drbdadm.
 * Reads /etc/duet.conf (drbd.conf syntax), works out what a verb means for
 * the resources on this host and sends it to duet.ko over generic
 * netlink; with --dry-run it prints the requests instead.
 *
 * This file: command line, help, loading the configuration, dispatch.
 */
#include "daemon/duetadm.h"

#include <getopt.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "config.h"
#include "kmod/uapi/duet_genl.h"

/* configure makes sysconfdir /etc unless --sysconfdir says otherwise */
#ifndef DUET_SYSCONFDIR
#define DUET_SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG DUET_SYSCONFDIR "/duet.conf"

enum { V_RES = 1, V_OPTRES = 2 };	/* resource argument: needed / optional */

struct verb {
	const char *name;
	unsigned args;
	unsigned opts;			/* ADM_OPT_* it accepts */
	int (*run)(struct adm_ctx *c, const char *verb);
	const char *summary;
	const char *help;
};

static int run_events(struct adm_ctx *c, const char *v) { (void)v; return adm_verb_events(c); }
static int run_adjust(struct adm_ctx *c, const char *v) { (void)v; return adm_verb_adjust(c); }
static int run_dump(struct adm_ctx *c, const char *v) { (void)v; return adm_verb_dump(c); }
static int run_create_md(struct adm_ctx *c, const char *v) { (void)v; return adm_verb_create_md(c); }
static int run_dump_md(struct adm_ctx *c, const char *v) { (void)v; return adm_verb_dump_md(c); }

static const struct verb verbs[] = {
	{ "create-md", V_RES, ADM_OPT_FORCE, run_create_md,
	  "write fresh meta-data for the local volumes",
	  "Initialises the meta-data area of each local volume: an indexed slot\n"
	  "(meta-disk DEV[N]: 128 MiB at N x 128 MiB), a whole external device\n"
	  "(meta-disk DEV) or the end of the backing disk (meta-disk internal).\n"
	  "Refuses, with the size needed, when the device is too small (exit 1).\n"
	  "Refuses when the area or the device holds a file system, swap, LUKS,\n"
	  "LVM, RAID, a partition table or meta-data (exit 4) unless --force.\n"
	  "With --dry-run it checks all of that and writes nothing.\n" },
	{ "dump-md", V_RES, 0, run_dump_md,
	  "print the meta-data of the local volumes",
	  "Prints where each local volume's meta-data is and its contents\n"
	  "(superblock, activity log, bitmap summary).\n" },
	{ "up", V_RES, ADM_OPT_DISCARD, adm_verb_netlink,
	  "create the resource, attach its disks, connect to the peer",
	  "Sends NEW_RESOURCE, NEW_MINOR and ATTACH for each local volume, and\n"
	  "CONNECT with both addresses and the net options.\n" },
	{ "down", V_RES, 0, adm_verb_netlink,
	  "disconnect, detach and delete the resource",
	  "Sends DOWN: the kernel disconnects, detaches every volume and deletes\n"
	  "the minors and the resource. Fails while the device is in use.\n" },
	{ "attach", V_RES, 0, adm_verb_netlink,
	  "attach the local backing disks and meta-data",
	  "Sends ATTACH with the disk, the meta-data location and the disk options\n"
	  "for each local volume.\n" },
	{ "detach", V_RES, ADM_OPT_FORCE, adm_verb_netlink,
	  "detach the local backing disks (Diskless)",
	  "Sends DETACH for each local volume; --force detaches a hung disk.\n" },
	{ "connect", V_RES, ADM_OPT_DISCARD, adm_verb_netlink,
	  "configure the network and connect to the peer",
	  "Sends CONNECT with both addresses and the net options.\n"
	  "--discard-my-data makes this node the victim of a split brain.\n" },
	{ "disconnect", V_RES, ADM_OPT_FORCE, adm_verb_netlink,
	  "drop the network configuration (StandAlone)",
	  "Sends DISCONNECT.\n" },
	{ "primary", V_RES, ADM_OPT_FORCE, adm_verb_netlink,
	  "promote the resource to Primary",
	  "Sends PRIMARY. --force makes local data count as UpToDate when no\n"
	  "UpToDate data is reachable (the first promotion of a new pair, or\n"
	  "a deliberate decision after a failure).\n" },
	{ "secondary", V_RES, 0, adm_verb_netlink,
	  "demote the resource to Secondary",
	  "Sends SECONDARY. Fails while the device is open.\n" },
	{ "invalidate", V_RES, 0, adm_verb_netlink,
	  "replace the local data with the peer's (full resync)",
	  "Sends INVALIDATE for each local volume. Connected to a peer whose disk\n"
	  "is UpToDate: the local disk becomes Inconsistent with every block out of\n"
	  "sync (written to the meta-data), the connection is made again at once,\n"
	  "and this node becomes SyncTarget of a resync that copies everything.\n"
	  "StandAlone (and Secondary), the disk is only marked so and the copy\n"
	  "starts at the next connect (DRBD 8.4's behaviour). Refused on a Primary\n"
	  "(a Primary in use keeps its data; demote first), while waiting for the\n"
	  "peer (WFConnection), during a resync, and when the peer's disk is not\n"
	  "UpToDate.\n" },
	{ "invalidate-remote", V_RES, 0, adm_verb_netlink,
	  "replace the peer's data with the local data (full resync)",
	  "Sends INVALIDATE_REMOTE for each local volume. Needs Connected and an\n"
	  "UpToDate local disk: a new current UUID here, every block out of sync\n"
	  "(written to the meta-data), the connection made again at once; this\n"
	  "node becomes SyncSource of a resync that copies everything. Refused\n"
	  "while not Connected, during a resync, when the local disk is not\n"
	  "UpToDate, and when the peer is Primary (demote it first).\n" },
	{ "outdate", V_RES, 0, adm_verb_netlink,
	  "mark the local data Outdated",
	  "Sends OUTDATE for each local volume: the disk state becomes Outdated, in\n"
	  "the meta-data too, so that primary needs --force to use it. Refused\n"
	  "while Connected (the peer would serve the same data), on a Primary, and\n"
	  "for a disk without consistent data (Inconsistent).\n" },
	{ "pause-sync", V_RES, 0, adm_verb_netlink,
	  "pause the resync (PausedSyncS/PausedSyncT)",
	  "Sends PAUSE_SYNC for each local volume: the user_isp flag ('u' in\n"
	  "/proc/duet). The SyncSource sends nothing while either node has paused;\n"
	  "both show PausedSyncS/PausedSyncT. The flag stays, across reconnects,\n"
	  "until resume-sync: a resync that begins while it is set begins paused.\n"
	  "Refused when this node has paused already.\n" },
	{ "resume-sync", V_RES, 0, adm_verb_netlink,
	  "resume the resync paused by pause-sync",
	  "Sends RESUME_SYNC for each local volume: the resync goes on where it\n"
	  "stopped. Refused when this node has not paused it (a pause of the peer\n"
	  "ends with resume-sync on the peer).\n" },
	{ "new-current-uuid", V_RES, ADM_OPT_CLEAR_BM, adm_verb_netlink,
	  "new data generation; --clear-bitmap skips the initial sync",
	  "Sends NEW_C_UUID for each local volume. StandAlone: the current UUID in\n"
	  "the meta-data becomes a new random one and the old one moves to the\n"
	  "bitmap slot (a peer still at it resyncs what the bitmap records);\n"
	  "--clear-bitmap first moves the bitmap UUID to the history and clears the\n"
	  "bitmap: the administrator says the peer holds the same data.\n"
	  "On a new pair (just-created meta-data on both nodes, Connected,\n"
	  "Inconsistent/Inconsistent), --clear-bitmap skips the initial sync: this\n"
	  "node becomes UpToDate with an empty bitmap, the peer adopts the new UUID\n"
	  "and becomes UpToDate too, nothing is copied. Run it on one node, before\n"
	  "mkfs. Refused otherwise while a network configuration exists\n"
	  "(disconnect first).\n" },
	{ "net-options", V_RES, 0, adm_verb_netlink,
	  "change the net options of a connected resource to the file's",
	  "Sends NET_OPTS with the net section of the configuration file (every\n"
	  "option, defaults included), as adjust does when only net options\n"
	  "differ. protocol applies to the next write; timeout, connect-int,\n"
	  "ping-int, ping-timeout and ko-count at once; the after-sb and\n"
	  "rr-conflict policies at the next handshake (change them on both nodes:\n"
	  "the handshake refuses policies that do not match). cram-hmac-alg,\n"
	  "shared-secret and data-integrity-alg change only with disconnect and\n"
	  "connect. Refused when the resource has no network configuration.\n" },
	{ "peer-dead", V_RES, 0, adm_verb_netlink,
	  "drop the connection now: the peer is known to be dead",
	  "Sends PEER_DEAD: the kernel drops the connection at once (Timeout), as\n"
	  "if ping-timeout had expired, and goes on trying to connect (the peer\n"
	  "may come back). The membership daemon duetd and fencing scripts run\n"
	  "this when they know that the peer is dead, so that nothing waits for\n"
	  "the ping timeout. Refused when the resource is StandAlone.\n" },
	{ "role", V_RES, 0, adm_verb_show,
	  "print local/peer role (Primary/Secondary)", NULL },
	{ "cstate", V_RES, 0, adm_verb_show,
	  "print the connection state of each volume (Connected)", NULL },
	{ "dstate", V_RES, 0, adm_verb_show,
	  "print local/peer disk state of each volume (UpToDate/UpToDate)", NULL },
	{ "status", V_OPTRES, ADM_OPT_JSON | ADM_OPT_STATS, adm_verb_show,
	  "print roles, connection and disk states (all resources by default)",
	  "--statistics adds the /proc/drbd counters, --json prints JSON.\n" },
	{ "events", V_OPTRES, 0, run_events,
	  "print state changes as they happen",
	  "Prints one \"exists\" line per volume, then a line per state change\n"
	  "from the module's \"events\" multicast group, until interrupted.\n" },
	{ "dump", V_OPTRES, ADM_OPT_VERBOSE, run_dump,
	  "check the configuration and print it normalised",
	  "Prints the effective configuration in canonical drbd.conf syntax:\n"
	  "common folded into each resource, volumes into each host. The output\n"
	  "reads back to the same configuration. --verbose adds every default\n"
	  "and, after each value, the file and line it came from.\n" },
	{ "local-io-error", V_RES, 0, adm_verb_handler,
	  "run the local-io-error handler (duet.ko calls this)",
	  "Runs the command of the local-io-error handler of the handlers section\n"
	  "with /bin/sh -c and DRBD_RESOURCE, DRBD_MINOR and DRBD_CONF (and the\n"
	  "same as DUET_*) in its environment; exits with the handler's status.\n"
	  "duet.ko runs it when a backing disk fails under\n"
	  "\"on-io-error call-local-io-error;\" (module parameter usermode_helper).\n" },
	{ "adjust", V_RES, ADM_OPT_DISCARD, run_adjust,
	  "make the running configuration match the file",
	  "Reads the running configuration (GET_CONFIG) and sends only what\n"
	  "differs: a resource that is down is brought up, changed disk options\n"
	  "are sent with DISK_OPTS, nothing is sent when nothing differs. With\n"
	  "--dry-run it prints those requests; when duet.ko is not loaded the\n"
	  "running configuration cannot be read and the resource is taken to\n"
	  "be down.\n" },
};

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

void adm_err(const char *fmt, ...)
{
	va_list ap;

	fputs("duetadm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < NVERBS; i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

static const char *const exit_text =
	"Exit status:\n"
	"  0   success\n"
	"  1   the operation failed (the kernel refused it, or a device I/O error)\n"
	"  2   usage error\n"
	"  3   configuration error (unreadable, invalid, or no such resource)\n"
	"  4   create-md refused to overwrite data (use --force)\n"
	"  10  duet kernel module not loaded (modprobe duet)\n"
	"  11  netlink communication error (no answer from the module)\n";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: duetadm [-c FILE] [-d|--dry-run] [--hostname NAME] VERB [RESOURCE...|all]\n"
		"\n"
		"duet's replication admin tool: reads the configuration (drbd.conf syntax)\n"
		"and configures duet.ko over generic netlink.\n"
		"\n"
		"Verbs:\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(out, "  %-17s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  -c, --config FILE      configuration file (default %s)\n"
		"  -d, --dry-run          print the netlink requests instead of sending\n"
		"                         them; needs no kernel module\n"
		"      --hostname NAME    act as host NAME (default: uname -n)\n"
		"      --force            create-md, detach, disconnect, primary\n"
		"      --discard-my-data  up, connect, adjust: be the split-brain victim\n"
		"      --clear-bitmap     new-current-uuid: clear the bitmap too\n"
		"  -s, --statistics       status: with the counters\n"
		"      --json             status: as JSON\n"
		"  -v, --verbose          dump: with defaults and where each value is from\n"
		"  -h, --help             this text; \"duetadm help VERB\" for one verb\n"
		"  -V, --version          print the version\n"
		"\n"
		"RESOURCE is a resource name of the configuration or \"all\".\n"
		"\n%s", DEFAULT_CONFIG, exit_text);
}

static void verb_usage(FILE *out, const struct verb *v)
{
	fprintf(out, "usage: duetadm [-c FILE] [-d] [--hostname NAME] %s%s%s%s%s%s%s %s\n\n",
		v->name,
		v->opts & ADM_OPT_FORCE ? " [--force]" : "",
		v->opts & ADM_OPT_CLEAR_BM ? " [--clear-bitmap]" : "",
		v->opts & ADM_OPT_DISCARD ? " [--discard-my-data]" : "",
		v->opts & ADM_OPT_STATS ? " [--statistics]" : "",
		v->opts & ADM_OPT_JSON ? " [--json]" : "",
		v->opts & ADM_OPT_VERBOSE ? " [--verbose]" : "",
		v->args == V_RES ? "RESOURCE...|all" : "[RESOURCE...|all]");
	fprintf(out, "%s: %s.\n", v->name, v->summary);
	if (v->help)
		fprintf(out, "\n%s", v->help);
	fprintf(out, "\n%s", exit_text);
}

static const char *local_hostname(void)
{
	static struct utsname u;

	if (uname(&u) != 0)
		return NULL;
	return u.nodename;
}

/* "floating ADDR" sections: is ADDR configured on an interface here? */
static bool is_local_addr(void *ctx, const struct dconf_addr *a)
{
	struct ifaddrs *ifs, *i;
	bool found = false;

	(void)ctx;
	if (getifaddrs(&ifs) != 0)
		return false;
	for (i = ifs; i && !found; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa)
			continue;
		if (sa->sa_family == AF_INET && a->af == DCONF_AF_IPV4)
			found = memcmp(&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				       a->bin, 4) == 0;
		else if (sa->sa_family == AF_INET6 && a->af == DCONF_AF_IPV6)
			found = memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
				       a->bin, 16) == 0;
	}
	freeifaddrs(ifs);
	return found;
}

/* Loads and validates the configuration; ADM_EXIT_OK or ADM_EXIT_CONFIG. */
static int load_config(struct adm_ctx *c)
{
	struct dconf_local local = {
		.hostname = c->hostname,
		.is_local_addr = is_local_addr,
	};

	c->cfg = dconf_config_new();
	dconf_load_file(c->cfg, c->config_path);
	if (c->cfg->nerrors == 0)
		dconf_validate(c->cfg, &local);
	dconf_diags_print(c->cfg, stderr);
	if (c->cfg->nerrors) {
		adm_err("%s: %u error%s in the configuration", c->config_path,
			c->cfg->nerrors, c->cfg->nerrors == 1 ? "" : "s");
		return ADM_EXIT_CONFIG;
	}
	return ADM_EXIT_OK;
}

static int select_resources(struct adm_ctx *c, char **names, int n)
{
	c->res = calloc(c->cfg->nres + (size_t)n + 1, sizeof(*c->res));
	if (!c->res)
		abort();
	if (n == 0 || (n == 1 && strcmp(names[0], "all") == 0)) {
		c->all = true;
		for (size_t i = 0; i < c->cfg->nres; i++)
			c->res[c->nres++] = &c->cfg->res[i];
		return ADM_EXIT_OK;
	}
	for (int i = 0; i < n; i++) {
		const struct dconf_resource *r = dconf_find_resource(c->cfg, names[i]);

		if (strcmp(names[i], "all") == 0) {
			adm_err("\"all\" cannot be combined with resource names");
			return ADM_EXIT_USAGE;
		}
		if (!r) {
			struct dconf_sb sb = { 0 };

			for (size_t k = 0; k < c->cfg->nres; k++)
				dconf_sb_addf(&sb, "%s%s", k ? ", " : "", c->cfg->res[k].name);
			adm_err("'%s' is not a resource of %s (it has: %s)", names[i],
				c->config_path, sb.buf ? sb.buf : "none");
			dconf_sb_free(&sb);
			return ADM_EXIT_CONFIG;
		}
		c->res[c->nres++] = r;
	}
	return ADM_EXIT_OK;
}

static const char *opt_name(unsigned o)
{
	switch (o) {
	case ADM_OPT_FORCE: return "--force";
	case ADM_OPT_JSON: return "--json";
	case ADM_OPT_DISCARD: return "--discard-my-data";
	case ADM_OPT_VERBOSE: return "--verbose";
	case ADM_OPT_STATS: return "--statistics";
	case ADM_OPT_CLEAR_BM: return "--clear-bitmap";
	default: return "?";
	}
}

int main(int argc, char **argv)
{
	enum { O_HOSTNAME = 256, O_FORCE, O_JSON, O_DISCARD, O_CLEAR_BM };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "hostname", required_argument, NULL, O_HOSTNAME },
		{ "force", no_argument, NULL, O_FORCE },
		{ "json", no_argument, NULL, O_JSON },
		{ "discard-my-data", no_argument, NULL, O_DISCARD },
		{ "clear-bitmap", no_argument, NULL, O_CLEAR_BM },
		{ "statistics", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct adm_ctx c = { .config_path = DEFAULT_CONFIG };
	const struct verb *v;
	bool help = false;
	int opt, rc;

	if (getenv("DUET_CONF") && *getenv("DUET_CONF"))
		c.config_path = getenv("DUET_CONF");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "c:dsvhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': c.config_path = optarg; break;
		case 'd': c.dry_run = true; break;
		case O_HOSTNAME: c.hostname = optarg; break;
		case O_FORCE: c.opts |= ADM_OPT_FORCE; break;
		case O_JSON: c.opts |= ADM_OPT_JSON; break;
		case O_DISCARD: c.opts |= ADM_OPT_DISCARD; break;
		case O_CLEAR_BM: c.opts |= ADM_OPT_CLEAR_BM; break;
		case 's': c.opts |= ADM_OPT_STATS; break;
		case 'v': c.opts |= ADM_OPT_VERBOSE; break;
		case 'h': help = true; break;
		case 'V':
			printf("duetadm %s (generic netlink family \"%s\" version %d)\n",
			       PACKAGE_VERSION, DUET_GENL_NAME, DUET_GENL_VERSION);
			return ADM_EXIT_OK;
		default:
			if (optopt && optopt < 256)
				adm_err("unknown option '-%c' (duetadm --help)", optopt);
			else
				adm_err("unknown option '%s' (duetadm --help)", argv[optind - 1]);
			return ADM_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		if (help) {
			usage(stdout);
			return ADM_EXIT_OK;
		}
		usage(stderr);
		return ADM_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 1 >= argc) {
			usage(stdout);
			return ADM_EXIT_OK;
		}
		v = find_verb(argv[optind + 1]);
		if (!v) {
			adm_err("unknown verb '%s' (duetadm --help)", argv[optind + 1]);
			return ADM_EXIT_USAGE;
		}
		verb_usage(stdout, v);
		return ADM_EXIT_OK;
	}
	v = find_verb(argv[optind]);
	if (!v) {
		adm_err("unknown verb '%s' (duetadm --help)", argv[optind]);
		return ADM_EXIT_USAGE;
	}
	if (help) {
		verb_usage(stdout, v);
		return ADM_EXIT_OK;
	}
	for (unsigned o = 1; o <= ADM_OPT_LAST; o <<= 1)
		if ((c.opts & o) && !(v->opts & o)) {
			adm_err("%s does not take %s (duetadm help %s)", v->name,
				opt_name(o), v->name);
			return ADM_EXIT_USAGE;
		}
	if (v->args == V_RES && optind + 1 >= argc) {
		adm_err("%s needs a resource name or \"all\" (duetadm help %s)", v->name,
			v->name);
		return ADM_EXIT_USAGE;
	}
	if (!c.hostname)
		c.hostname = local_hostname();
	if (!c.hostname) {
		adm_err("cannot find the host name (uname): use --hostname");
		return ADM_EXIT_USAGE;
	}
	rc = load_config(&c);
	if (rc == ADM_EXIT_OK)
		rc = select_resources(&c, argv + optind + 1, argc - optind - 1);
	if (rc == ADM_EXIT_OK)
		rc = v->run(&c, v->name);
	free(c.res);
	dconf_config_free(c.cfg);
	return rc;
}
