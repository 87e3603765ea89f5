/* dconf: reading configuration files and their includes, see load.h. */
#include "daemon/dconf/load.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/dconf/parse.h"

char *dconf_read_file(const char *path, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 4096;
	char *buf;
	struct stat st;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return NULL;
	}
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb;

			if (cap >= DCONF_MAX_FILE_SIZE) {
				errno = EFBIG;
				goto fail;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	{
		int e = errno;

		free(buf);
		if (fd != STDIN_FILENO)
			close(fd);
		errno = e;
	}
	return NULL;
}

/* Identity of a file for include-loop detection. */
static char *file_id(const char *path)
{
	char *r = realpath(path, NULL);

	return r ? r : strdup(path);
}

static bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* PATTERN relative to the directory of FROM. */
static char *resolve_pattern(const char *pattern, const char *from)
{
	const char *slash;
	char *r;

	if (pattern[0] == '/' || !from || strcmp(from, "-") == 0 ||
	    !(slash = strrchr(from, '/')))
		return strdup(pattern);
	if (asprintf(&r, "%.*s/%s", (int)(slash - from), from, pattern) < 0)
		return NULL;
	return r;
}

static void release(void *ctx, struct dconf_source *srcs, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		free((char *)srcs[i].name);
		free((char *)srcs[i].id);
		free((char *)srcs[i].buf);
	}
	free(srcs);
}

static int add_file(struct dconf_source **srcs, size_t *n, const char *path,
		    char *err, size_t errlen)
{
	struct dconf_source *ns, *s;
	size_t len;
	char *buf = dconf_read_file(path, &len);

	if (!buf) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	ns = realloc(*srcs, (*n + 1) * sizeof(**srcs));
	if (!ns) {
		free(buf);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*srcs = ns;
	s = &ns[(*n)++];
	s->name = strdup(path);
	s->id = file_id(path);
	s->buf = buf;
	s->len = len;
	if (!s->name || !s->id) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int open_include(void *ctx, const char *pattern, const char *from,
			struct dconf_source **srcs, size_t *n, char *err,
			size_t errlen)
{
	char *full = resolve_pattern(pattern, from);
	glob_t g;
	int rc = 0;

	(void)ctx;
	*srcs = NULL;
	*n = 0;
	if (!full) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!has_glob_chars(full)) {
		rc = add_file(srcs, n, full, err, errlen);
	} else {
		int g_rc = glob(full, GLOB_ERR, NULL, &g);

		if (g_rc == 0) {
			for (size_t i = 0; i < g.gl_pathc && rc == 0; i++) {
				struct stat st;

				if (stat(g.gl_pathv[i], &st) == 0 && S_ISDIR(st.st_mode))
					continue;
				rc = add_file(srcs, n, g.gl_pathv[i], err, errlen);
			}
			globfree(&g);
		} else if (g_rc != GLOB_NOMATCH) {
			snprintf(err, errlen, "cannot expand %s: %s", full,
				 g_rc == GLOB_NOSPACE ? "out of memory" : "read error");
			rc = -1;
		}
	}
	free(full);
	if (rc != 0) {
		release(NULL, *srcs, *n);
		*srcs = NULL;
		*n = 0;
	}
	return rc;
}

unsigned dconf_load_file(struct dconf_config *cfg, const char *path)
{
	struct dconf_include_ops ops = { open_include, release, NULL };
	struct dconf_source src;
	struct dconf_loc loc = { NULL, 0 };
	size_t len;
	char *buf = dconf_read_file(path, &len);
	char *id;

	if (!buf) {
		loc.file = dconf_intern(cfg, path);
		dconf_error(cfg, loc, "cannot read the configuration: %s",
			    errno == EFBIG ? "file too large" : strerror(errno));
		return cfg->nerrors;
	}
	id = strcmp(path, "-") == 0 ? strdup("-") : file_id(path);
	src.name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	src.id = id ? id : path;
	src.buf = buf;
	src.len = len;
	dconf_parse(cfg, &src, &ops);
	free(id);
	free(buf);
	return cfg->nerrors;
}
