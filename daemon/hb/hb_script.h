/*
 * hb_script: how to run one haresources resource the way Heartbeat 3.0.6's
 * ResourceManager does (heartbeat.md §2.2, §2.3, §2.5). Pure: the caller
 * injects the "is there an executable file" test and runs the command.
 *
 *  - lookup: <resource_d>/NAME, then <init_d>/NAME (regular executable
 *    files). argv = { path, arg1, ..., argN, OP } with OP start/stop/status;
 *    a bare IP address is IPaddr::<addr> (the parser already says so).
 *  - OCF: when neither exists but <ocf_root>/resource.d/heartbeat/NAME
 *    does, the agent is run directly (argv = { path, OP }, status becomes
 *    monitor) with what 3.0.6's wrappers set: OCF_ROOT,
 *    OCF_RA_VERSION_MAJOR=1, OCF_RA_VERSION_MINOR=0, OCF_RESOURCE_TYPE and
 *    OCF_TYPE=NAME, OCF_RESOURCE_INSTANCE=NAME_<first arg>, and
 *    OCF_RESKEY_* from the "::" arguments for the agents we know:
 *      IPaddr, IPaddr2: ip, cidr_netmask, nic, iflabel, broadcast (from the
 *                       IP[/NETMASK[/NIC[:LABEL][/BROADCAST]]] argument)
 *      Filesystem:      device, directory, fstype, options
 *    Any other agent is accepted only without arguments.
 *  - environment: the caller's base (hb_script_env_build), plus the OCF
 *    variables above for an agent.
 *  - judging `status`: ResourceManager looks only at stdout: "not running"
 *    (any case) -> not running; "[Rr]unning" or "OK" -> running; anything
 *    else -> not running; the exit code is ignored. An OCF monitor: rc 0
 *    running, 7 stopped, anything else an error.
 */
#ifndef DUET_HB_SCRIPT_H
#define DUET_HB_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon/hb/hb_conf.h"
#include "daemon/hb/hb_haresources.h"
#include "daemon/hb/hb_msg.h"

#define HB_RESOURCE_D	"/etc/ha.d/resource.d"
#define HB_INIT_D	"/etc/init.d"
#define HB_OCF_ROOT	"/usr/lib/ocf"

struct hb_script_dirs {
	const char *resource_d;		/* NULL: HB_RESOURCE_D */
	const char *init_d;		/* NULL: HB_INIT_D */
	const char *ocf_root;		/* NULL: HB_OCF_ROOT */
};

/* True if path is a regular executable file. */
typedef bool (*hb_script_exists_fn)(const char *path, void *arg);

enum hb_script_kind {
	HB_SCRIPT_HA,		/* resource.d */
	HB_SCRIPT_INIT,		/* init.d */
	HB_SCRIPT_OCF,		/* OCF agent run directly */
};

enum hb_script_op {
	HB_SCRIPT_START,
	HB_SCRIPT_STOP,
	HB_SCRIPT_STATUS,
};

struct hb_script_cmd {
	enum hb_script_kind kind;
	char *path;
	char **argv;		/* NULL-terminated, argv[0] = path */
	char **envp;		/* NULL-terminated */
	size_t argc, envc;
};

/*
 * Builds the command for op on res. base_env: NULL-terminated
 * "NAME=VALUE" list (may be NULL), copied first. 0, or -1 with err
 * filled ("no script for resource X in ...", ENOMEM, arguments an OCF
 * agent cannot take); cmd is then empty. Free with hb_script_cmd_free().
 */
int hb_script_build(const struct hb_resource *res, enum hb_script_op op,
		    const struct hb_script_dirs *dirs,
		    hb_script_exists_fn exists, void *exists_arg,
		    char *const *base_env, struct hb_script_cmd *cmd,
		    char *err, size_t errlen);
void hb_script_cmd_free(struct hb_script_cmd *cmd);

/* What the base environment of every script run contains (§2.3). */
struct hb_script_envcfg {
	const struct hb_conf *conf;	/* HA_<directive> for every recorded one; may be NULL */
	const char *curhost;		/* HA_CURHOST */
	bool nice_failback;		/* HA_NICEFAILBACK=yes */
	bool dontask;			/* HA_DONTASK=yes (alone) */
	const char *ostatus;		/* HA_OSTATUS, NULL to omit */
	const struct hb_msg *msg;	/* HA_<field> for its string fields, may be NULL */
	const struct hb_script_dirs *dirs;	/* may be NULL */
	char *const *extra;		/* more NAME=VALUE, may be NULL (PATH, ...) */
};

/*
 * NULL-terminated, malloc'ed "NAME=VALUE" list: extra, HA_<directive>,
 * HA_DIR=/etc/ha.d HA_RCDIR HA_RESOURCEDIR HA_FUNCS HA_FIFO HA_BIN
 * HA_LOGFILE HA_DEBUGLOG HA_LOGFACILITY HA_LOGD HA_DATEFMT, HA_CURHOST,
 * HA_NICEFAILBACK, HA_DONTASK, HA_OSTATUS, OCF_ROOT, OCF_AGENTS,
 * HA_<msg field>. A later entry of the same NAME replaces an earlier one.
 * NULL on ENOMEM. Free with hb_script_strv_free().
 */
char **hb_script_env_build(const struct hb_script_envcfg *c);
void hb_script_strv_free(char **v);

enum hb_script_status {
	HB_STATUS_NOT_RUNNING,
	HB_STATUS_RUNNING,
	HB_STATUS_ERROR,	/* OCF monitor said neither 0 nor 7 */
};

/* Judges a status (monitor) run: kind of script, exit code, its stdout. */
enum hb_script_status hb_script_judge(enum hb_script_kind kind, int exit_code,
				      const char *out, size_t outlen);

const char *hb_script_op_str(enum hb_script_op op);	/* start stop status */

#endif
