/*
 * fw_backend: loading, removing, comparing and test-loading the rendered
 * rules with the backends' own tools. Every change is a list of commands
 * (fork/exec, no shell); --dry-run prints that list as a shell script
 * instead of running it. What each backend touches:
 *
 *   iptables, ip6tables  chain DUET-IN of the filter table (loaded with
 *                        iptables-restore --noflush, which empties the
 *                        chain first) and one "-j DUET-IN" at the top of
 *                        INPUT, added only when iptables -C does not find it
 *   nft                  table inet duet, replaced atomically by nft -f
 *   firewalld            runtime rich rules in the default zone and every
 *                        active zone (or the --zone ones); the rules added
 *                        are remembered in STATE_DIR/firewalld.rules
 *
 * Nothing else is flushed, replaced or reordered.
 */
#ifndef DUET_FW_BACKEND_H
#define DUET_FW_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "firewall/fw_plan.h"
#include "firewall/fw_render.h"

/* Exit codes of duet-firewall (also in duet-firewall(8)). */
enum fw_exit {
	FW_EXIT_OK = 0,		/* done; status: loaded and as configured */
	FW_EXIT_ERROR = 1,	/* configuration error, a command failed */
	FW_EXIT_USAGE = 2,	/* bad command line */
	FW_EXIT_NOT_LOADED = 3,	/* status: duet's rules are not loaded */
	FW_EXIT_DIFFERS = 4,	/* status: loaded, but not what the config renders */
	FW_EXIT_NO_TOOL = 5,	/* a backend tool is missing or firewalld is not running */
};

#define FW_STATE_DIR "/run/duet-firewall"

struct fw_opts {
	bool dry_run;		/* print the commands, run only read-only queries */
	bool verbose;		/* print each command before running it */
	const char *const *zones;	/* firewalld zones; none: default + active */
	size_t nzones;
	const char *state_dir;	/* FW_STATE_DIR */
	FILE *out;		/* status text, dry-run script */
	FILE *err;		/* messages */
};

/*
 * Checks that BE's tools are installed (and, for firewalld when
 * NEED_RUNNING, that the daemon runs). Prints what is missing with the
 * Debian package to install. FW_EXIT_OK or FW_EXIT_NO_TOOL.
 */
int fw_be_require(enum fw_backend be, bool need_running, const struct fw_opts *o);

/* BE's tools are installed (no message). */
bool fw_be_installed(enum fw_backend be);

/*
 * The automatic choice: firewalld when it runs, else nft, else iptables
 * and ip6tables. With USE_STATE, the backends that "apply" recorded in
 * STATE_DIR/backend come first. Fills BE (room for FW_BE_NR) and *N.
 * FW_EXIT_OK, or FW_EXIT_NO_TOOL when no backend tool is installed.
 */
int fw_detect(enum fw_backend *be, size_t *n, bool use_state,
	      const struct fw_opts *o);
/* The backends the last apply recorded (none: *N = 0). */
void fw_state_backends(enum fw_backend *be, size_t *n, const struct fw_opts *o);
/* Records the backends applied (STATE_DIR/backend); removes it when N = 0. */
int fw_state_record(const enum fw_backend *be, size_t n, const struct fw_opts *o);

/* Loads P's rules; running it again leaves one set. An FW_EXIT_ code. */
int fw_be_apply(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o);
/*
 * Takes duet's rules out again (P may be NULL when the configuration
 * cannot be read: iptables and nft do not need it, firewalld then removes
 * what its state file lists). Idempotent. An FW_EXIT_ code.
 */
int fw_be_remove(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o);
/* Compares what is loaded with P: FW_EXIT_OK, _NOT_LOADED, _DIFFERS or an error. */
int fw_be_status(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o);
/* Test-loads P's rules without changing anything. FW_EXIT_OK or _ERROR. */
int fw_be_check(enum fw_backend be, const struct fw_plan *p, const struct fw_opts *o);

#endif /* DUET_FW_BACKEND_H */
