/*
 * duetadm: create-md and dump-md, which work on the meta-data device
 * directly (no kernel module involved). The placement rules are in
 * md_io.c, the signature checks in md_probe.c; the format itself is
 * behind md_format.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/duetadm.h"
#include "daemon/md_format.h"
#include "daemon/md_io.h"
#include "daemon/md_probe.h"

struct md_vol {
	const struct dconf_resource *r;
	const struct dconf_volume *v;
	const char *dev;		/* device holding the meta-data */
	enum md_kind kind;
	int fd_backing, fd_md;		/* fd_md == fd_backing when internal */
	struct md_layout l;
};

static void md_close(struct md_vol *m)
{
	if (m->fd_md >= 0 && m->fd_md != m->fd_backing)
		close(m->fd_md);
	if (m->fd_backing >= 0)
		close(m->fd_backing);
}

static const char *where(const struct md_vol *m, char *buf, size_t len)
{
	if (m->kind == MD_INDEXED)
		snprintf(buf, len, "%s volume %u: meta-disk %s[%d]", m->r->name,
			 m->v->vnr, m->dev, m->v->meta_index);
	else if (m->kind == MD_FLEXIBLE)
		snprintf(buf, len, "%s volume %u: meta-disk %s", m->r->name,
			 m->v->vnr, m->dev);
	else
		snprintf(buf, len, "%s volume %u: internal meta-data on %s",
			 m->r->name, m->v->vnr, m->dev);
	return buf;
}

/* Opens both devices and computes the layout; an exit code. */
static int md_open(struct md_vol *m, bool write)
{
	char w[400], err[400];
	uint64_t bsize, msize;
	int flags = (write ? O_RDWR : O_RDONLY) | O_CLOEXEC;
	struct stat st;

	m->fd_backing = m->fd_md = -1;
	m->kind = m->v->md_kind == DCONF_MD_INTERNAL ? MD_INTERNAL :
		  m->v->md_kind == DCONF_MD_FLEXIBLE ? MD_FLEXIBLE : MD_INDEXED;
	m->dev = m->kind == MD_INTERNAL ? m->v->disk : m->v->meta_disk;
	/* a block device that is mounted or in use is not written to */
	if (write && stat(m->dev, &st) == 0 && S_ISBLK(st.st_mode))
		flags |= O_EXCL;
	m->fd_backing = open(m->v->disk, m->kind == MD_INTERNAL ? flags : O_RDONLY | O_CLOEXEC);
	if (m->fd_backing < 0) {
		adm_err("%s: cannot open disk %s: %s", where(m, w, sizeof(w)),
			m->v->disk, errno == EBUSY ?
			"device is busy (mounted, or in use by duet or another driver)" :
			strerror(errno));
		return ADM_EXIT_FAILED;
	}
	if (md_dev_size(m->fd_backing, &bsize) != 0) {
		adm_err("%s: cannot get the size of %s: %s", where(m, w, sizeof(w)),
			m->v->disk, strerror(errno));
		return ADM_EXIT_FAILED;
	}
	if (m->kind == MD_INTERNAL) {
		m->fd_md = m->fd_backing;
		msize = bsize;
	} else {
		m->fd_md = open(m->dev, flags);
		if (m->fd_md < 0) {
			adm_err("%s: cannot open %s: %s", where(m, w, sizeof(w)), m->dev,
				errno == EBUSY ?
				"device is busy (mounted, or in use by duet or another driver)" :
				strerror(errno));
			return ADM_EXIT_FAILED;
		}
		if (md_dev_size(m->fd_md, &msize) != 0) {
			adm_err("%s: cannot get the size of %s: %s", where(m, w, sizeof(w)),
				m->dev, strerror(errno));
			return ADM_EXIT_FAILED;
		}
	}
	if (md_layout_compute(m->kind, m->v->meta_index, bsize, msize, &m->l, err,
			      sizeof(err)) != 0) {
		adm_err("%s: %s", where(m, w, sizeof(w)), err);
		return ADM_EXIT_FAILED;
	}
	return ADM_EXIT_OK;
}

static void print_layout(const struct md_vol *m)
{
	char a[32], b[32], c[32], d[32];

	printf("%s volume %u (minor %d): meta-data on %s", m->r->name, m->v->vnr,
	       m->v->minor, m->dev);
	if (m->kind == MD_INDEXED)
		printf(", slot [%d]", m->l.index);
	else if (m->kind == MD_INTERNAL)
		printf(" (internal)");
	printf(": %s at offset %s of %s; replicated size %s\n",
	       md_fmt_bytes(m->l.md_bytes, a, sizeof(a)),
	       md_fmt_bytes(m->l.md_offset, b, sizeof(b)),
	       md_fmt_bytes(m->l.dev_bytes, c, sizeof(c)),
	       md_fmt_bytes(m->l.data_bytes, d, sizeof(d)));
}

/* What create-md would destroy; the number of reasons found. */
static int find_data(const struct md_vol *m, char reasons[][400], int max)
{
	uint8_t *buf = malloc(MD_PROBE_BYTES);
	struct md_found f;
	char a[32], b[32];
	long got;
	int n = 0;

	if (!buf)
		abort();
	/* the start of the device: a file system, swap, LUKS, a table ... */
	got = md_read_at(m->kind == MD_INTERNAL ? m->fd_backing : m->fd_md, 0, buf,
			 MD_PROBE_BYTES);
	if (got > 0 && md_probe(buf, (size_t)got, &f)) {
		if (m->kind == MD_INTERNAL && f.size && f.size <= m->l.data_bytes)
			printf("%s volume %u: %s on %s (%s) ends before the meta-data area; it is kept\n",
			       m->r->name, m->v->vnr, f.what, m->dev,
			       md_fmt_bytes(f.size, a, sizeof(a)));
		else if (m->kind == MD_INTERNAL)
			snprintf(reasons[n++], 400,
				 "%s holds %s%s%s%s that reaches into the meta-data area at the end of the disk (data may only use %s): shrink it first",
				 m->dev, f.what, f.size ? " of " : "",
				 f.size ? md_fmt_bytes(f.size, a, sizeof(a)) : "",
				 f.size ? "" : " of unknown size",
				 md_fmt_bytes(m->l.data_bytes, b, sizeof(b)));
		else
			snprintf(reasons[n++], 400, "%s holds %s", m->dev, f.what);
	}
	/* meta-data at the superblock position (or in the slot) */
	got = md_read_at(m->fd_md, m->l.sb_offset, buf, 4096);
	if (got > 0 && n < max) {
		const char *drbd = md_probe_drbd_sb(buf, (size_t)got);

		if (md_format_probe(buf, (size_t)got))
			snprintf(reasons[n++], 400,
				 "%s has duet meta-data there already (overwriting it forgets which blocks are in sync)",
				 m->dev);
		else if (drbd && !(n && strstr(reasons[n - 1], drbd)))
			snprintf(reasons[n++], 400, "%s has %s there", m->dev, drbd);
	}
	free(buf);
	return n;
}

static int create_one(struct adm_ctx *c, struct md_vol *m)
{
	char reasons[4][400], err[400], w[400];
	int rc = md_open(m, !c->dry_run);
	uint32_t al_extents;
	int n;

	if (rc != ADM_EXIT_OK)
		return rc;
	print_layout(m);
	n = find_data(m, reasons, 4);
	for (int i = 0; i < n; i++) {
		if (c->opts & ADM_OPT_FORCE)
			printf("%s volume %u: overwriting (--force): %s\n", m->r->name,
			       m->v->vnr, reasons[i]);
		else
			adm_err("%s: refusing: %s", where(m, w, sizeof(w)), reasons[i]);
	}
	if (n && !(c->opts & ADM_OPT_FORCE)) {
		adm_err("%s: use --force to overwrite", m->r->name);
		return ADM_EXIT_REFUSED;
	}
	if (c->dry_run) {
		printf("%s volume %u: dry run: nothing written\n", m->r->name, m->v->vnr);
		return ADM_EXIT_OK;
	}
	al_extents = (uint32_t)dconf_vol_num(c->cfg, m->r, dconf_local_host(m->r), m->v,
					     DCONF_O_AL_EXTENTS);
	if (md_format_create(m->fd_md, &m->l, al_extents, (uint32_t)m->v->minor, err,
			     sizeof(err)) != 0) {
		adm_err("%s: %s", where(m, w, sizeof(w)), err);
		return ADM_EXIT_FAILED;
	}
	printf("%s volume %u: new duet meta-data written\n", m->r->name, m->v->vnr);
	return ADM_EXIT_OK;
}

static int dump_one(struct adm_ctx *c, struct md_vol *m)
{
	char err[400], w[400];
	int rc = md_open(m, false);

	(void)c;
	if (rc != ADM_EXIT_OK)
		return rc;
	printf("# ");
	print_layout(m);
	if (md_format_dump(m->fd_md, &m->l, stdout, err, sizeof(err)) != 0) {
		adm_err("%s: %s", where(m, w, sizeof(w)), err);
		return ADM_EXIT_FAILED;
	}
	return ADM_EXIT_OK;
}

static int each_volume(struct adm_ctx *c, int (*fn)(struct adm_ctx *, struct md_vol *))
{
	for (size_t i = 0; i < c->nres; i++) {
		const struct dconf_volume *vols[1024];
		size_t n = adm_local_volumes(c->res[i], vols, 1024);

		for (size_t k = 0; k < n; k++) {
			struct md_vol m = { .r = c->res[i], .v = vols[k] };
			int rc = fn(c, &m);

			md_close(&m);
			if (rc != ADM_EXIT_OK)
				return rc;
		}
	}
	return ADM_EXIT_OK;
}

int adm_verb_create_md(struct adm_ctx *c)
{
	return each_volume(c, create_one);
}

int adm_verb_dump_md(struct adm_ctx *c)
{
	return each_volume(c, dump_one);
}
