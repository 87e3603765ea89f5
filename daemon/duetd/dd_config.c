/*
 * dd_config: see dd_config.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "daemon/duetd/dd_config.h"
#include "daemon/duetd/dd_respawn.h"
#include "daemon/hb/hb_str.h"

#define DD_CONF_MAX (1024 * 1024)

/* Reads a whole file; NULL with errno set. *st gets its stat. */
static char *read_file(const char *path, size_t *len, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char *buf = NULL;
	size_t n = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size > DD_CONF_MAX) {
		int e = errno ? errno : EINVAL;

		if (S_ISREG(st->st_mode) && st->st_size > DD_CONF_MAX)
			e = EFBIG;
		else if (!S_ISREG(st->st_mode))
			e = EINVAL;
		close(fd);
		errno = e;
		return NULL;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (n < (size_t)st->st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st->st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int dd_local_name(const char *confdir, char *out, size_t cap)
{
	char path[4096];
	struct stat st;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/nodeinfo", confdir);
	buf = read_file(path, &len, &st);
	if (buf) {
		char *w = strtok(buf, HB_WHITESPACE);

		if (w && strlen(w) < cap) {
			snprintf(out, cap, "%s", w);
			hb_strlower(out);
			free(buf);
			return 0;
		}
		free(buf);
	}
	struct utsname u;

	if (uname(&u) < 0 || strlen(u.nodename) >= cap)
		return -1;
	snprintf(out, cap, "%s", u.nodename);
	hb_strlower(out);
	return 0;
}

static void emit(struct hb_diag *dg, FILE *out, int log)
{
	for (size_t i = 0; i < dg->n; i++) {
		const struct hb_diag_entry *e = &dg->v[i];
		bool err = e->sev == HB_SEV_ERR;

		if (out)
			fprintf(out, "%s%s\n", e->text, err ? "" : " (warning)");
		if (log)
			qb_log(err ? LOG_ERR : LOG_WARNING, "%s", e->text);
	}
	if (dg->oom && out)
		fprintf(out, "duetd: out of memory while checking the configuration\n");
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

int dd_config_load(struct dd *d, FILE *out, int log)
{
	struct hb_diag dg;
	struct stat st;
	size_t len;
	char *buf;
	int rc = 0;

	hb_diag_init(&dg);
	d->cf_path = join(d->confdir, "ha.cf");
	d->keys_path = join(d->confdir, "authkeys");
	d->hares_path = join(d->confdir, "haresources");
	if (!d->cf_path || !d->keys_path || !d->hares_path)
		return -1;

	/* ha.cf */
	buf = read_file(d->cf_path, &len, &st);
	if (!buf) {
		hb_diag_add(&dg, HB_SEV_ERR, d->cf_path, 0, "cannot read: %s", strerror(errno));
		rc = -1;
	} else {
		if (hb_conf_parse(&d->conf, buf, len, d->cf_path, &dg) < 0)
			rc = -1;
		free(buf);
		if (rc == 0) {
			if (dd_local_name(d->confdir, d->localname, sizeof(d->localname)) < 0) {
				hb_diag_add(&dg, HB_SEV_ERR, d->cf_path, 0,
					    "cannot determine the local node name");
				rc = -1;
			} else if (hb_conf_check_local(&d->conf, d->localname, d->cf_path, &dg) < 0) {
				rc = -1;
			}
			if (dd_respawn_check(d, &dg) < 0)
				rc = -1;
			if (d->conf.nnodes > HB_LIVE_MAX_NODES) {
				hb_diag_add(&dg, HB_SEV_ERR, d->cf_path, 0, "too many nodes");
				rc = -1;
			}
		}
	}

	/* authkeys: Heartbeat refuses a key file others may read */
	buf = read_file(d->keys_path, &len, &st);
	if (!buf) {
		hb_diag_add(&dg, HB_SEV_ERR, d->keys_path, 0, "cannot read: %s", strerror(errno));
		rc = -1;
	} else {
		char msg[512];
		const char *merr = hb_authkeys_mode_error(st.st_mode, d->keys_path,
							  msg, sizeof(msg));

		if (merr) {
			hb_diag_add(&dg, HB_SEV_ERR, d->keys_path, 1, "%s (mode %03o)", merr,
				    (unsigned)(st.st_mode & 0777));
			rc = -1;
		}
		if (hb_authkeys_parse(&d->keys, buf, len, d->keys_path, &dg) < 0)
			rc = -1;
		explicit_bzero(buf, len);
		free(buf);
	}

	/* haresources: optional, as in Heartbeat (no resources then) */
	buf = read_file(d->hares_path, &len, &st);
	if (!buf) {
		if (errno != ENOENT) {
			hb_diag_add(&dg, HB_SEV_ERR, d->hares_path, 0, "cannot read: %s",
				    strerror(errno));
			rc = -1;
		}
	} else {
		if (hb_haresources_parse(&d->hares, buf, len, d->hares_path, &dg) < 0)
			rc = -1;
		else if (d->conf.nnodes &&
			 hb_haresources_check_nodes(&d->hares, d->conf.nodes, d->conf.nnodes,
						    d->hares_path, &dg) < 0)
			rc = -1;
		free(buf);
	}
	emit(&dg, out, log);
	hb_diag_free(&dg);
	return rc;
}

void dd_config_free(struct dd *d)
{
	hb_conf_free(&d->conf);
	hb_authkeys_free(&d->keys);
	hb_haresources_free(&d->hares);
	free(d->cf_path);
	free(d->keys_path);
	free(d->hares_path);
	d->cf_path = d->keys_path = d->hares_path = NULL;
}
