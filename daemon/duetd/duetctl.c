/*
 * duetctl: ask duetd for its status, or to go standby / take over.
 *
 *   duetctl [-j] status | nodes | links
 *   duetctl standby [all|local|foreign]
 *   duetctl takeover [all|local|foreign]
 *
 * Exit codes (dd_ipc_proto.h): 0 ok, 1 refused or failed, 2 usage,
 * 3 duetd not running.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "daemon/duetd/dd_client.h"
#include "daemon/duetd/dd_ipc_proto.h"
#include "daemon/duetd/dd_snap.h"
#include "daemon/duetd/dd_view.h"

static const char usage_text[] =
	"Usage: duetctl [-j|--json] COMMAND [ARG]\n"
	"Talk to duetd, the membership daemon, on this node.\n"
	"\n"
	"Commands:\n"
	"  status                  the daemon, every node and its links, the resource groups\n"
	"  nodes                   one line per node: \"bob: active\"\n"
	"  links                   one line per peer link: \"bob eth1 up\"\n"
	"  standby [all|local|foreign]\n"
	"                          give resources to the peer (default all), like hb_standby\n"
	"  takeover [all|local|foreign]\n"
	"                          take resources from the peer (default all), like hb_takeover\n"
	"\n"
	"Options:\n"
	"  -j, --json              status, nodes, links: JSON for scripts (status prints\n"
	"                          duetd's snapshot exactly as received)\n"
	"  -h, --help              this text\n"
	"\n"
	"Exit status: 0 ok, 1 refused by duetd or failed, 2 usage error,\n"
	"3 duetd is not running on this node.\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "duetctl: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'duetctl --help'.\n");
	return DD_EXIT_USAGE;
}

/* connects or explains why not; returns an exit code, 0 when connected */
static int connect_or_say(struct dd_client **c)
{
	int rc = dd_client_connect(c);

	if (rc == 0)
		return DD_EXIT_OK;
	if (rc == -ENOENT || rc == -ECONNREFUSED) {
		fprintf(stderr, "%s\n", DD_CLIENT_NOT_RUNNING);
		return DD_EXIT_NO_DAEMON;
	}
	fprintf(stderr, "duetctl: cannot connect to duetd: %s\n", dd_client_strerror(rc));
	return DD_EXIT_REFUSED;
}

static int show(const char *cmd, bool json)
{
	struct dd_client *c;
	g_autofree char *reply = NULL;
	g_autofree char *out = NULL;
	g_autoptr(GError) err = NULL;
	struct dd_snap *s;
	size_t len;
	int32_t error;
	int rc = connect_or_say(&c);

	if (rc)
		return rc;
	rc = dd_client_request(c, DUETD_IPC_STATUS, NULL, DD_CLIENT_TIMEOUT_MS, &reply, &len, &error);
	dd_client_close(c);
	if (rc) {
		fprintf(stderr, "duetctl: status: %s\n", dd_client_strerror(rc));
		return DD_EXIT_REFUSED;
	}
	if (error) {
		g_autofree char *why = dd_client_refusal(error, reply, len);

		fprintf(stderr, "duetctl: status: refused by duetd: %s\n", why);
		return DD_EXIT_REFUSED;
	}
	s = dd_snap_parse(reply, len, &err);
	if (!s) {
		fprintf(stderr, "duetctl: status: duetd's snapshot: %s\n", err->message);
		return DD_EXIT_REFUSED;
	}
	if (strcmp(cmd, "status") == 0)
		out = json ? g_strdup_printf("%s\n", reply) : dd_view_status(s);
	else if (strcmp(cmd, "nodes") == 0)
		out = json ? dd_view_nodes_json(s) : dd_view_nodes(s);
	else
		out = json ? dd_view_links_json(s) : dd_view_links(s);
	dd_snap_free(s);
	fputs(out, stdout);
	if (json && strcmp(cmd, "status") != 0)
		fputc('\n', stdout);
	return fflush(stdout) == 0 ? DD_EXIT_OK : DD_EXIT_REFUSED;
}

static int act(const char *cmd, enum dd_ipc_id id, const char *set)
{
	struct dd_client *c;
	g_autofree char *reply = NULL;
	g_autoptr(GError) err = NULL;
	struct dd_result res;
	size_t len;
	int32_t error;
	int rc = connect_or_say(&c);

	if (rc)
		return rc;
	rc = dd_client_request(c, id, set, DD_CLIENT_TIMEOUT_MS, &reply, &len, &error);
	dd_client_close(c);
	if (rc) {
		fprintf(stderr, "duetctl: %s %s: %s\n", cmd, set, dd_client_strerror(rc));
		return DD_EXIT_REFUSED;
	}
	if (!dd_result_parse(reply, len, &res, &err)) {
		fprintf(stderr, "duetctl: %s %s: duetd's answer: %s\n", cmd, set, err->message);
		return DD_EXIT_REFUSED;
	}
	if (res.ok && error == 0) {
		printf("%s\n", res.message);
		rc = DD_EXIT_OK;
	} else {
		if (res.message[0])
			fprintf(stderr, "duetctl: %s %s: %s\n", cmd, set, res.message);
		else
			fprintf(stderr, "duetctl: %s %s: refused (%s)\n", cmd, set,
				error ? g_strerror(-error) : "no reason given");
		rc = DD_EXIT_REFUSED;
	}
	dd_result_clear(&res);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	const char *cmd, *set = "all";
	int ch;

	while ((ch = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return DD_EXIT_OK;
		default:
			fprintf(stderr, "Try 'duetctl --help'.\n");
			return DD_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("%s", "a command is needed (status, nodes, links, standby, takeover)");
	cmd = argv[optind++];
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "nodes") == 0 || strcmp(cmd, "links") == 0) {
		if (optind < argc)
			return usage_error("unexpected argument '%s'", argv[optind]);
		return show(cmd, json);
	}
	if (strcmp(cmd, "standby") == 0 || strcmp(cmd, "takeover") == 0) {
		if (json)
			return usage_error("--json applies to status, nodes and links, not %s", cmd);
		if (optind < argc)
			set = argv[optind++];
		if (optind < argc)
			return usage_error("unexpected argument '%s'", argv[optind]);
		if (strcmp(set, "all") != 0 && strcmp(set, "local") != 0 && strcmp(set, "foreign") != 0)
			return usage_error("'%s': expected all, local or foreign", set);
		return act(cmd, strcmp(cmd, "standby") == 0 ? DUETD_IPC_STANDBY : DUETD_IPC_TAKEOVER, set);
	}
	return usage_error("unknown command '%s'", cmd);
}
