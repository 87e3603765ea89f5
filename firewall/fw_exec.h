/*
 * fw_exec: running the backend tools (iptables-restore, nft, firewall-cmd,
 * ...) with fork/exec, never through a shell, and printing commands as
 * shell text for --dry-run.
 */
#ifndef DUET_FW_EXEC_H
#define DUET_FW_EXEC_H

#include <stdbool.h>

#include "firewall/fw_render.h"

#define FW_ARGV_MAX 64

/*
 * Runs ARGV[0] (looked up in $PATH) with ARGV, INPUT (may be NULL) on its
 * standard input. Its standard output goes to OUT and its standard error
 * to ERR when they are not NULL, to /dev/null otherwise. *STATUS is the
 * exit status (128 + signal number when killed). Returns 0 when the
 * program ran, -1 when it could not be started (errno set; ENOENT when it
 * is not installed). The caller ignores SIGPIPE (a tool that exits
 * before reading all of INPUT must not kill us).
 */
int fw_run(const char *const argv[], const char *input, struct fw_buf *out,
	   struct fw_buf *err, int *status);

/* NAME is an executable file in one of $PATH's directories. */
bool fw_have_tool(const char *name);

/* The Debian package that ships tool NAME ("nft" -> "nftables"). */
const char *fw_tool_package(const char *name);

/* Appends ARG quoted for a POSIX shell (only when it needs quoting). */
void fw_shell_quote(struct fw_buf *b, const char *arg);
/* Appends ARGV as one shell command line. */
void fw_shell_argv(struct fw_buf *b, const char *const argv[]);

#endif /* DUET_FW_EXEC_H */
