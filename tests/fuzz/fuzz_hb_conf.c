/*
 * Fuzz target: the three ha.d parsers (daemon/hb/hb_conf*.c,
 * hb_authkeys.c, hb_haresources.c) on the same bytes. Every diagnostic
 * must carry the file name and a line number within the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hb/hb_authkeys.h"
#include "daemon/hb/hb_conf.h"
#include "daemon/hb/hb_haresources.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diag(const struct hb_diag *d, const char *file, size_t size)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t fl = strlen(file);

		if (strncmp(d->v[i].text, file, fl) != 0 || d->v[i].text[fl] != ':')
			abort();
		if (d->v[i].line > size + 1)
			abort();
	}
	if (d->nerr + d->nwarn < d->n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct hb_conf c;
	struct hb_authkeys k;
	struct hb_haresources h;
	struct hb_diag d;

	hb_diag_init(&d);
	hb_conf_parse(&c, buf, size, "ha.cf", &d);
	check_diag(&d, "ha.cf", size);
	if (c.nnodes)
		hb_conf_check_local(&c, c.nodes[0], "ha.cf", &d);
	for (size_t i = 0; i < c.nmedia; i++)
		(void)hb_media_kind_str(c.media[i].kind);
	hb_diag_free(&d);

	hb_diag_init(&d);
	hb_authkeys_parse(&k, buf, size, "authkeys", &d);
	check_diag(&d, "authkeys", size);
	if (k.active >= 0 && !hb_authkeys_get(&k, k.active))
		abort();
	hb_authkeys_free(&k);
	hb_diag_free(&d);

	hb_diag_init(&d);
	hb_haresources_parse(&h, buf, size, "haresources", &d);
	check_diag(&d, "haresources", size);
	for (size_t g = 0; g < h.ngroups; g++) {
		struct hb_ipaddr_arg a;

		if (h.groups[g].nres == 0 || hb_haresources_find(&h, h.groups[g].res[0].spec) != &h.groups[g])
			abort();
		for (size_t r = 0; r < h.groups[g].nres; r++)
			if (h.groups[g].res[r].implicit_ip && h.groups[g].res[r].nargs)
				(void)hb_ipaddr_arg_parse(h.groups[g].res[r].args[0], &a);
	}
	hb_haresources_check_nodes(&h, c.nodes, c.nnodes, "haresources", &d);
	hb_haresources_free(&h);
	hb_diag_free(&d);
	hb_conf_free(&c);
	return 0;
}
