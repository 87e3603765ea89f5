/*
 * duetadm: the handlers of the "handlers" section. duet.ko runs
 * "duetadm local-io-error RES" as a usermode helper (as DRBD runs
 * "drbdadm local-io-error RES"); duetadm finds the handler's command in
 * the configuration and runs it with /bin/sh -c, with the environment
 * DRBD's handlers know (DRBD_RESOURCE, DRBD_MINOR, DRBD_CONF; the same as
 * DUET_*). The exit status is the handler's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/duetadm.h"

#define MAX_VOLS 64

static const struct {
	const char *verb;
	enum dconf_opt opt;
} handlers[] = {
	{ "local-io-error", DCONF_O_H_LOCAL_IO_ERROR },
};

static void set_env(const char *name, const char *value)
{
	if (setenv(name, value, 1) != 0)
		adm_err("cannot set %s: %s", name, strerror(errno));
}

/* DRBD_MINOR: the local minors, space-separated (DRBD 8.4 does the same). */
static void minors_env(const struct dconf_resource *r)
{
	const struct dconf_volume *vols[MAX_VOLS];
	size_t n = adm_local_volumes(r, vols, MAX_VOLS);
	char buf[MAX_VOLS * 12] = "";
	size_t len = 0;

	if (getenv("DRBD_MINOR") && getenv("DUET_MINOR"))
		return;		/* the kernel said which one failed */
	for (size_t i = 0; i < n && i < MAX_VOLS; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					len ? " " : "", vols[i]->minor);
	set_env("DRBD_MINOR", buf);
	set_env("DUET_MINOR", buf);
}

static int run_one(struct adm_ctx *c, const struct dconf_resource *r,
		   const char *verb, const char *cmd)
{
	pid_t pid;
	int status;

	if (c->dry_run) {
		printf("# %s: %s handler\n/bin/sh -c '%s'\n\n", r->name, verb, cmd);
		return ADM_EXIT_OK;
	}
	set_env("DRBD_RESOURCE", r->name);
	set_env("DUET_RESOURCE", r->name);
	set_env("DRBD_CONF", c->config_path);
	set_env("DUET_CONF", c->config_path);
	minors_env(r);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		adm_err("%s: cannot run the %s handler: fork: %s", r->name, verb,
			strerror(errno));
		return ADM_EXIT_FAILED;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			adm_err("%s: %s handler: waitpid: %s", r->name, verb,
				strerror(errno));
			return ADM_EXIT_FAILED;
		}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	adm_err("%s: %s handler killed by signal %d", r->name, verb,
		WTERMSIG(status));
	return ADM_EXIT_FAILED;
}

int adm_verb_handler(struct adm_ctx *c, const char *verb)
{
	enum dconf_opt opt = DCONF_O_NR;
	int rc = ADM_EXIT_OK;

	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].verb, verb) == 0)
			opt = handlers[i].opt;
	if (opt == DCONF_O_NR)
		return ADM_EXIT_USAGE;
	for (size_t i = 0; i < c->nres; i++) {
		const char *cmd = dconf_res_str(c->cfg, c->res[i], opt);
		int one;

		if (!cmd || !cmd[0]) {
			fprintf(stderr, "duetadm: %s: no %s handler configured\n",
				c->res[i]->name, verb);
			continue;
		}
		one = run_one(c, c->res[i], verb, cmd);
		if (one != ADM_EXIT_OK && rc == ADM_EXIT_OK)
			rc = one;
	}
	return rc;
}
