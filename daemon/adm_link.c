/*
 * duetadm: the configured device path ("device /dev/drbd0;" in the
 * paper's figure 3) as a symbolic link to the kernel's /dev/duetN, made by
 * up and attach, removed by down. Only links are ever touched: a path
 * that exists as anything else (drbd.ko's own /dev/drbd0, a file) is left
 * alone with a warning, and down removes only a link that points at the
 * volume's /dev/duetN.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/duetadm.h"

#define MAX_VOLS 64

/* The kernel's name of minor N; false when no link is needed. */
static bool link_target(const struct dconf_volume *v, char *buf, size_t len)
{
	if (!v->device || v->minor < 0)
		return false;
	snprintf(buf, len, "/dev/duet%d", v->minor);
	return strcmp(v->device, buf) != 0;
}

static int make_link(const char *res, const char *path, const char *target)
{
	struct stat st;
	char cur[PATH_MAX];
	ssize_t n;

	if (lstat(path, &st) == 0) {
		if (!S_ISLNK(st.st_mode)) {
			adm_err("%s: %s exists and is not a symbolic link: left as it is "
				"(use %s)", res, path, target);
			return -1;
		}
		n = readlink(path, cur, sizeof(cur) - 1);
		if (n >= 0) {
			cur[n] = '\0';
			if (strcmp(cur, target) == 0)
				return 0;
		}
		if (unlink(path) != 0) {
			adm_err("%s: cannot replace the link %s: %s", res, path,
				strerror(errno));
			return -1;
		}
	}
	if (symlink(target, path) != 0) {
		adm_err("%s: cannot create the link %s -> %s: %s", res, path, target,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int remove_link(const char *res, const char *path, const char *target)
{
	char cur[PATH_MAX];
	ssize_t n = readlink(path, cur, sizeof(cur) - 1);

	if (n < 0)
		return 0;	/* not there, or not a link: not ours */
	cur[n] = '\0';
	if (strcmp(cur, target) != 0)
		return 0;
	if (unlink(path) != 0) {
		adm_err("%s: cannot remove the link %s: %s", res, path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * For each local volume of each selected resource: CREATE makes the
 * links, otherwise they are removed. With --dry-run the action is printed.
 * Returns ADM_EXIT_OK or ADM_EXIT_FAILED (a link could not be made).
 */
int adm_device_links(struct adm_ctx *c, bool create)
{
	int rc = ADM_EXIT_OK;

	for (size_t i = 0; i < c->nres; i++) {
		const struct dconf_resource *r = c->res[i];
		const struct dconf_volume *vols[MAX_VOLS];
		size_t n = adm_local_volumes(r, vols, MAX_VOLS);

		for (size_t k = 0; k < n && k < MAX_VOLS; k++) {
			char target[32];
			struct stat st;

			if (!link_target(vols[k], target, sizeof(target)))
				continue;
			if (c->dry_run) {
				printf("\n# %s: %s link %s -> %s\n", r->name,
				       create ? "create" : "remove", vols[k]->device,
				       target);
				continue;
			}
			/* a minor that was not created gets no dangling link */
			if (create && (stat(target, &st) != 0 || !S_ISBLK(st.st_mode)))
				continue;
			if ((create ? make_link(r->name, vols[k]->device, target) :
			     remove_link(r->name, vols[k]->device, target)) != 0)
				rc = ADM_EXIT_FAILED;
		}
	}
	return rc;
}
