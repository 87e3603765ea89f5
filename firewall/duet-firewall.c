/*
 * duet-firewall: firewall rules that let the peer, and nobody else, reach
 * duet's replication ports (TCP, from duet.conf) and heartbeat ports (UDP,
 * from ha.cf). Verbs: render, apply, remove, status, check. See
 * duet-firewall(8).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "config.h"
#include "firewall/fw_backend.h"
#include "firewall/fw_config.h"
#include "firewall/fw_render.h"
#include "firewall/fw_sys.h"

#ifndef DUET_SYSCONFDIR
#define DUET_SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG DUET_SYSCONFDIR "/duet.conf"
#define DEFAULT_HA_DIR DUET_SYSCONFDIR "/ha.d"
#define MAX_ZONES 16

struct verb {
	const char *name;
	const char *summary;
	const char *help;
};

static const struct verb verbs[] = {
	{ "render", "print the rules for this node",
	  "Prints the rules for this node, computed from duet.conf and ha.cf, in\n"
	  "the backend's own format: an iptables-restore or ip6tables-restore\n"
	  "fragment (chain DUET-IN, for --noflush), an nft -f file (table inet\n"
	  "duet), or firewalld rich rules, one per line. Warnings go to standard\n"
	  "error and into the output as comments. Changes nothing.\n" },
	{ "apply", "load the rules (again: one set)",
	  "Loads the rules. iptables/ip6tables: iptables-restore --noflush fills\n"
	  "chain DUET-IN (emptying it first) and one jump from the top of INPUT\n"
	  "is added unless iptables -C finds it. nft: table inet duet is replaced\n"
	  "in one transaction. firewalld: runtime rich rules in the default zone\n"
	  "and every active zone (or the --zone ones); rules of an earlier apply\n"
	  "that the configuration no longer has are taken out. Nothing outside\n"
	  "duet's chain, table or rich rules changes. Running it twice leaves one\n"
	  "set of rules. With --dry-run it prints the commands instead.\n" },
	{ "remove", "take the rules out again",
	  "Takes duet's rules out: the jump from INPUT and chain DUET-IN, table\n"
	  "inet duet, or duet's rich rules. Running it twice is fine. Works when\n"
	  "the configuration can no longer be read. Without --backend it uses the\n"
	  "backends the last apply used. With --dry-run it prints the commands.\n" },
	{ "status", "compare what is loaded with the configuration",
	  "Says whether duet's rules are loaded and whether they are what the\n"
	  "configuration renders now; lists missing and extra rules. Exit status\n"
	  "0 loaded as configured, 3 not loaded, 4 loaded but different.\n" },
	{ "check", "validate the configuration and test-load the rules",
	  "Reads the configuration (errors name file and line) and test-loads the\n"
	  "rendered rules without changing anything: iptables-restore --test,\n"
	  "nft -c, firewall-offline-cmd on a scratch copy of the configuration.\n" },
	{ "help", "help on a verb", "duet-firewall help [VERB]\n" },
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static const char exit_text[] =
	"Exit status:\n"
	"  0  success; status: loaded as configured\n"
	"  1  error: a configuration error (file:line), a command failed\n"
	"  2  usage error\n"
	"  3  status: duet's rules are not loaded\n"
	"  4  status: loaded, but not what the configuration renders\n"
	"  5  a backend tool is missing (the message names the Debian package),\n"
	"     or firewalld does not run\n";

static const char options_text[] =
	"Options:\n"
	"  -c, --config FILE    duet.conf to read (default " DEFAULT_CONFIG ")\n"
	"      --ha-dir DIR     directory of ha.cf (default " DEFAULT_HA_DIR ")\n"
	"  -b, --backend LIST   iptables, ip6tables, nft or firewalld; several\n"
	"                       separated by commas (default: firewalld if it runs,\n"
	"                       else nft, else iptables,ip6tables)\n"
	"      --hostname NAME  act as node NAME (default: uname -n)\n"
	"      --zone ZONE      firewalld zone; repeatable (default: the default\n"
	"                       zone and every active zone)\n"
	"  -d, --dry-run        print the commands instead of running them\n"
	"  -v, --verbose        print every command before running it\n"
	"  -h, --help           this help; \"duet-firewall VERB --help\" for a verb\n"
	"  -V, --version        print the version\n";

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: duet-firewall [OPTIONS] VERB\n\n"
		"Firewall rules that let the peer, and nobody else, reach duet's replication\n"
		"ports (TCP, from duet.conf) and heartbeat ports (UDP, from ha.cf).\n\n"
		"Verbs:\n");
	for (i = 0; i < NVERBS; i++)
		fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(out, "\n%s\n%s", options_text, exit_text);
}

static void verb_usage(const struct verb *v, FILE *out)
{
	fprintf(out, "usage: duet-firewall [OPTIONS] %s\n\n%s\n%s\n%s", v->name,
		v->help, options_text, exit_text);
}

static const struct verb *find_verb(const char *name)
{
	size_t i;

	for (i = 0; i < NVERBS; i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

struct cmdline {
	const char *config;
	const char *ha_dir;
	const char *hostname;
	const char *backends;
	const char *zones[MAX_ZONES];
	size_t nzones;
	bool dry_run, verbose, help;
	const struct verb *verb;
	const char *help_on;	/* help VERB */
};

static const char *local_hostname(void)
{
	static struct utsname u;

	if (uname(&u) != 0)
		return NULL;
	return u.nodename;
}

/* Parses LIST ("iptables,ip6tables") into BE. 0 / -1 (message printed). */
static int parse_backends(const char *list, enum fw_backend *be, size_t *n)
{
	char buf[256], *save, *tok;
	enum fw_backend x;
	size_t i;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (fw_backend_parse(tok, &x) < 0) {
			fprintf(stderr, "duet-firewall: unknown backend '%s' (iptables, ip6tables, nft, firewalld)\n",
				tok);
			return -1;
		}
		for (i = 0; i < *n; i++)
			if (be[i] == x)
				break;
		if (i == *n)
			be[(*n)++] = x;
	}
	if (*n == 0) {
		fprintf(stderr, "duet-firewall: --backend needs a backend name\n");
		return -1;
	}
	return 0;
}

/*
 * Reads the configuration into PLAN. Prints errors and warnings (unless
 * QUIET_ERRORS, for remove). FW_EXIT_OK or FW_EXIT_ERROR.
 */
static int load_plan(const struct cmdline *c, struct fw_plan *plan, bool quiet_errors)
{
	struct fw_config_in in = { 0 };
	struct fw_ifaddr *ifs = NULL;
	char ha_cf[4096];
	size_t nifs = 0, i;
	int r;

	snprintf(ha_cf, sizeof(ha_cf), "%s/ha.cf", c->ha_dir);
	if (fw_sys_addrs(&ifs, &nifs) < 0) {
		fprintf(stderr, "duet-firewall: cannot list this machine's addresses: %s\n",
			strerror(errno));
		return FW_EXIT_ERROR;
	}
	in.duet_conf = c->config;
	in.ha_cf = ha_cf;
	in.hostname = c->hostname;
	in.ifs = ifs;
	in.nifs = nifs;
	in.resolve = fw_sys_resolve;
	r = fw_config_plan(&in, plan);
	free(ifs);
	if (!quiet_errors) {
		for (i = 0; i < plan->nerrors; i++)
			fprintf(stderr, "duet-firewall: %s\n", plan->errors[i]);
	}
	if (r == 0 || !quiet_errors) {
		for (i = 0; i < plan->nwarnings; i++)
			fprintf(stderr, "duet-firewall: warning: %s\n", plan->warnings[i]);
	}
	if (plan->oom) {
		fprintf(stderr, "duet-firewall: out of memory\n");
		return FW_EXIT_ERROR;
	}
	return r == 0 && plan->nerrors == 0 ? FW_EXIT_OK : FW_EXIT_ERROR;
}

static int do_render(const struct fw_plan *plan, const enum fw_backend *be, size_t n)
{
	struct fw_buf b;
	size_t i;

	fw_buf_init(&b);
	for (i = 0; i < n; i++) {
		if (i)
			fw_buf_puts(&b, "\n");
		if (fw_render(plan, be[i], &b) < 0) {
			fw_buf_free(&b);
			fprintf(stderr, "duet-firewall: out of memory\n");
			return FW_EXIT_ERROR;
		}
	}
	fputs(fw_buf_str(&b), stdout);
	fw_buf_free(&b);
	return fflush(stdout) == 0 ? FW_EXIT_OK : FW_EXIT_ERROR;
}

static bool in_list(const enum fw_backend *be, size_t n, enum fw_backend x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (be[i] == x)
			return true;
	return false;
}

/*
 * Two backends that filter the same address family: loading duet's rules
 * with one takes them out of the other. iptables and ip6tables go together.
 */
static bool conflicts(enum fw_backend a, enum fw_backend b)
{
	if (a == b)
		return false;
	return !((a == FW_BE_IPTABLES && b == FW_BE_IP6TABLES) ||
		 (a == FW_BE_IP6TABLES && b == FW_BE_IPTABLES));
}

static int do_apply(const struct fw_plan *plan, const enum fw_backend *be, size_t n,
		    const struct fw_opts *o)
{
	enum fw_backend old[FW_BE_NR], now[FW_BE_NR];
	size_t nold = 0, nnow = 0, i, j;
	bool clash;
	int r;

	for (i = 0; i < n; i++) {
		r = fw_be_require(be[i], !o->dry_run, o);
		if (r != FW_EXIT_OK)
			return r;
	}
	/* rules an earlier apply loaded with a conflicting backend go first */
	fw_state_backends(old, &nold, o);
	for (i = 0; i < nold; i++) {
		for (clash = false, j = 0; j < n && !clash; j++)
			clash = conflicts(old[i], be[j]);
		if (!clash) {
			if (!in_list(be, n, old[i]))
				now[nnow++] = old[i];
			continue;
		}
		if (!fw_be_installed(old[i]))
			continue;
		r = fw_be_remove(old[i], NULL, o);
		if (r != FW_EXIT_OK)
			return r;
	}
	for (i = 0; i < n; i++) {
		r = fw_be_apply(be[i], plan, o);
		if (r != FW_EXIT_OK)
			return r;
		now[nnow++] = be[i];
	}
	return o->dry_run ? FW_EXIT_OK : fw_state_record(now, nnow, o);
}

static int do_remove(const struct fw_plan *plan, const enum fw_backend *be, size_t n,
		     const struct fw_opts *o)
{
	enum fw_backend old[FW_BE_NR], now[FW_BE_NR];
	size_t nold = 0, nnow = 0, i;
	int r;

	for (i = 0; i < n; i++) {
		r = fw_be_require(be[i], false, o);
		if (r != FW_EXIT_OK)
			return r;
	}
	for (i = 0; i < n; i++) {
		r = fw_be_remove(be[i], plan, o);
		if (r != FW_EXIT_OK)
			return r;
	}
	if (o->dry_run)
		return FW_EXIT_OK;
	/* the backends that still hold duet's rules */
	fw_state_backends(old, &nold, o);
	for (i = 0; i < nold; i++)
		if (!in_list(be, n, old[i]))
			now[nnow++] = old[i];
	return fw_state_record(now, nnow, o);
}

static int do_status(const struct fw_plan *plan, const enum fw_backend *be, size_t n,
		     const struct fw_opts *o)
{
	size_t i, ok = 0, absent = 0;
	int r, worst = FW_EXIT_OK;

	for (i = 0; i < n; i++) {
		r = fw_be_require(be[i], true, o);
		if (r == FW_EXIT_OK)
			r = fw_be_status(be[i], plan, o);
		if (r == FW_EXIT_OK)
			ok++;
		else if (r == FW_EXIT_NOT_LOADED)
			absent++;
		else if (r != FW_EXIT_DIFFERS)
			return r;
	}
	if (ok == n)
		worst = FW_EXIT_OK;
	else if (absent == n)
		worst = FW_EXIT_NOT_LOADED;
	else
		worst = FW_EXIT_DIFFERS;
	return worst;
}

static int do_check(const struct fw_plan *plan, const enum fw_backend *be, size_t n,
		    const struct fw_opts *o)
{
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		r = fw_be_require(be[i], false, o);
		if (r == FW_EXIT_OK)
			r = fw_be_check(be[i], plan, o);
		if (r != FW_EXIT_OK)
			return r;
		fprintf(stdout, "%s: the rules load\n", fw_backend_name(be[i]));
	}
	return FW_EXIT_OK;
}

static int parse_cmdline(int argc, char **argv, struct cmdline *c)
{
	enum { O_HA_DIR = 256, O_HOSTNAME, O_ZONE };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "ha-dir", required_argument, NULL, O_HA_DIR },
		{ "backend", required_argument, NULL, 'b' },
		{ "hostname", required_argument, NULL, O_HOSTNAME },
		{ "zone", required_argument, NULL, O_ZONE },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:b:dvhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': c->config = optarg; break;
		case O_HA_DIR: c->ha_dir = optarg; break;
		case 'b': c->backends = optarg; break;
		case O_HOSTNAME: c->hostname = optarg; break;
		case O_ZONE:
			if (c->nzones == MAX_ZONES) {
				fprintf(stderr, "duet-firewall: at most %d --zone options\n", MAX_ZONES);
				return FW_EXIT_USAGE;
			}
			c->zones[c->nzones++] = optarg;
			break;
		case 'd': c->dry_run = true; break;
		case 'v': c->verbose = true; break;
		case 'h': c->help = true; break;
		case 'V':
			printf("duet-firewall (duet) %s\n", PACKAGE_VERSION);
			exit(FW_EXIT_OK);
		case ':':
			fprintf(stderr, "duet-firewall: option '%s' needs a value\n", argv[optind - 1]);
			return FW_EXIT_USAGE;
		default:
			fprintf(stderr, "duet-firewall: unknown option '%s' (try --help)\n",
				argv[optind - 1]);
			return FW_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		c->verb = find_verb(argv[optind]);
		if (!c->verb) {
			fprintf(stderr, "duet-firewall: unknown verb '%s' (try --help)\n", argv[optind]);
			return FW_EXIT_USAGE;
		}
		optind++;
		if (strcmp(c->verb->name, "help") == 0 && optind < argc)
			c->help_on = argv[optind++];
	}
	if (optind < argc) {
		fprintf(stderr, "duet-firewall: unexpected argument '%s' (try --help)\n", argv[optind]);
		return FW_EXIT_USAGE;
	}
	return FW_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cmdline c = { .config = DEFAULT_CONFIG, .ha_dir = DEFAULT_HA_DIR };
	enum fw_backend be[FW_BE_NR];
	struct fw_plan plan;
	struct fw_opts o = { 0 };
	const char *verb;
	size_t n = 0;
	int r;

	/* a tool that stops reading its input must not kill us */
	signal(SIGPIPE, SIG_IGN);
	r = parse_cmdline(argc, argv, &c);
	if (r != FW_EXIT_OK)
		return r;
	if (c.help || !c.verb || strcmp(c.verb->name, "help") == 0) {
		const struct verb *v = c.help_on ? find_verb(c.help_on) :
				       c.verb && strcmp(c.verb->name, "help") != 0 ? c.verb : NULL;

		if (c.help_on && !v) {
			fprintf(stderr, "duet-firewall: unknown verb '%s' (try --help)\n", c.help_on);
			return FW_EXIT_USAGE;
		}
		if (v)
			verb_usage(v, stdout);
		else if (c.verb || c.help)
			usage(stdout);
		else {
			usage(stderr);
			return FW_EXIT_USAGE;
		}
		return FW_EXIT_OK;
	}
	verb = c.verb->name;
	if (!c.hostname && !(c.hostname = local_hostname())) {
		fprintf(stderr, "duet-firewall: uname: %s\n", strerror(errno));
		return FW_EXIT_ERROR;
	}
	o.dry_run = c.dry_run;
	o.verbose = c.verbose;
	o.zones = c.zones;
	o.nzones = c.nzones;
	o.state_dir = FW_STATE_DIR;
	o.out = stdout;
	o.err = stderr;
	if (c.backends && parse_backends(c.backends, be, &n) < 0)
		return FW_EXIT_USAGE;

	fw_plan_init(&plan);
	r = load_plan(&c, &plan, strcmp(verb, "remove") == 0);
	if (r != FW_EXIT_OK && strcmp(verb, "remove") != 0)
		goto out;
	if (!c.backends) {
		/* remove and status look at what apply used first */
		r = fw_detect(be, &n, strcmp(verb, "remove") == 0 ||
				      strcmp(verb, "status") == 0, &o);
		if (r != FW_EXIT_OK)
			goto out;
	}
	if (strcmp(verb, "render") == 0)
		r = do_render(&plan, be, n);
	else if (strcmp(verb, "apply") == 0)
		r = do_apply(&plan, be, n, &o);
	else if (strcmp(verb, "remove") == 0) {
		if (plan.nerrors)
			fprintf(stderr, "duet-firewall: warning: the configuration has errors; "
					"removing duet's rules anyway\n");
		r = do_remove(plan.nerrors ? NULL : &plan, be, n, &o);
	} else if (strcmp(verb, "status") == 0)
		r = do_status(&plan, be, n, &o);
	else
		r = do_check(&plan, be, n, &o);
out:
	fw_plan_free(&plan);
	return r;
}
