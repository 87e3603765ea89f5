/*
 * dd_hooks: tells other components about membership changes. Every
 * executable regular file in the hook directory (default
 * SYSCONFDIR/duet/notify.d, option --hookdir) runs, in name order and in
 * the background, as
 *
 *	HOOK EVENT NODE		EVENT: dead, up, (resource layer) ...
 *
 * with DUET_EVENT, DUET_NODE, DUET_LOCAL_NODE, DUET_LOCAL_STATUS and
 * HA_CURHOST in the environment. Its exit status is logged; duetd never
 * waits for it. Heartbeat's own /etc/ha.d/rc.d scripts are not run: they
 * talk to Heartbeat's FIFO and ResourceManager.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "daemon/duetd/dd.h"

struct hook_child {
	char *path;
	char *event;
};

static void hook_done(GPid pid, gint status, gpointer data)
{
	struct hook_child *h = data;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		qb_log(LOG_DEBUG, "hook %s %s: done", h->path, h->event);
	else
		qb_log(LOG_WARNING, "WARN: hook %s %s: exit status %d", h->path, h->event,
		       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	g_spawn_close_pid(pid);
	g_free(h->path);
	g_free(h->event);
	g_free(h);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

void dd_hook_run(struct dd *d, const char *event, const char *node)
{
	struct dirent **ents = NULL;
	int n;

	if (!d->hookdir)
		return;
	n = scandir(d->hookdir, &ents, NULL, by_name);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		const char *name = ents[i]->d_name;

		if (name[0] == '.' || strchr(name, '~'))
			goto next;
		snprintf(path, sizeof(path), "%s/%s", d->hookdir, name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
			goto next;
		{
			gchar *argv[] = { path, (gchar *)event, (gchar *)(node ? node : ""), NULL };
			gchar **env = g_get_environ();
			GError *err = NULL;
			GPid pid;

			env = g_environ_setenv(env, "DUET_EVENT", event, TRUE);
			env = g_environ_setenv(env, "DUET_NODE", node ? node : "", TRUE);
			env = g_environ_setenv(env, "DUET_LOCAL_NODE", d->localname, TRUE);
			env = g_environ_setenv(env, "DUET_LOCAL_STATUS", d->status, TRUE);
			env = g_environ_setenv(env, "HA_CURHOST", d->localname, TRUE);
			if (g_spawn_async(NULL, argv, env, G_SPAWN_DO_NOT_REAP_CHILD |
					  G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, &pid, &err)) {
				struct hook_child *h = g_new0(struct hook_child, 1);

				h->path = g_strdup(path);
				h->event = g_strdup(event);
				g_child_watch_add(pid, hook_done, h);
				qb_log(LOG_INFO, "running hook %s %s %s", path, event,
				       node ? node : "");
			} else {
				qb_log(LOG_WARNING, "WARN: hook %s: %s", path, err->message);
				g_error_free(err);
			}
			g_strfreev(env);
		}
next:
		free(ents[i]);
	}
	free(ents);
}
