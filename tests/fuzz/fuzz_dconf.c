/*
 * Fuzz target for the drbd.conf parser (daemon/dconf) and what duetadm
 * builds from a configuration. For any input: no crash, no sanitizer
 * report; and when the input parses without errors, its dump parses
 * without errors to the same dump (the fixed point "duetadm dump"
 * promises), and every resource valid for host "alice" yields an "up"
 * plan that prints.
 *
 * "include" resolves in memory: "self*" names the input itself (an
 * include loop), anything else a small second file that includes the
 * input back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/adm_plan.h"
#include "daemon/dconf/dconf.h"

static const char *fuzz_buf;
static size_t fuzz_len;

static const char other_conf[] =
	"common { net { ping-int 5; } }\ninclude \"self.conf\";\n";

static int mem_open(void *ctx, const char *pattern, const char *from,
		    struct dconf_source **srcs, size_t *n, char *err, size_t errlen)
{
	struct dconf_source *s = calloc(1, sizeof(*s));

	(void)ctx;
	(void)from;
	(void)err;
	(void)errlen;
	if (!s)
		abort();
	if (strncmp(pattern, "self", 4) == 0) {
		s->name = s->id = "fuzz.conf";
		s->buf = fuzz_buf;
		s->len = fuzz_len;
	} else {
		s->name = s->id = "other.conf";
		s->buf = other_conf;
		s->len = sizeof(other_conf) - 1;
	}
	*srcs = s;
	*n = 1;
	return 0;
}

static void mem_release(void *ctx, struct dconf_source *srcs, size_t n)
{
	(void)ctx;
	(void)n;
	free(srcs);
}

static bool local_addr(void *ctx, const struct dconf_addr *a)
{
	(void)ctx;
	return a->af == DCONF_AF_IPV4 && a->bin[3] == 1;
}

static struct dconf_config *parse(const char *name, const char *buf, size_t len)
{
	struct dconf_include_ops ops = { mem_open, mem_release, NULL };
	struct dconf_config *cfg = dconf_config_new();
	struct dconf_source src = { name, name, buf, len };

	dconf_parse(cfg, &src, &ops);
	return cfg;
}

static void check_dump(struct dconf_config *cfg, unsigned flags)
{
	char *d1 = dconf_dump(cfg, flags), *d2, *d3;
	struct dconf_config *again = parse("dump.conf", d1, strlen(d1));

	if (again->nerrors) {
		fprintf(stderr, "dump does not parse:\n%s\n", d1);
		dconf_diags_print(again, stderr);
		abort();
	}
	d2 = dconf_dump(again, flags);
	d3 = dconf_dump(cfg, flags);
	if (!(flags & DCONF_DUMP_ORIGINS) && strcmp(d1, d2) != 0) {
		fprintf(stderr, "dump is no fixed point:\n%s\n---\n%s\n", d1, d2);
		abort();
	}
	if (strcmp(d1, d3) != 0)
		abort();	/* dump must not change the config */
	free(d1);
	free(d2);
	free(d3);
	dconf_config_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dconf_local local = { .hostname = "alice", .is_local_addr = local_addr };
	struct dconf_config *cfg;

	if (size > 1 << 16)
		return 0;
	fuzz_buf = (const char *)data;
	fuzz_len = size;
	cfg = parse("fuzz.conf", fuzz_buf, fuzz_len);
	if (cfg->nerrors == 0) {
		check_dump(cfg, 0);
		check_dump(cfg, DCONF_DUMP_DEFAULTS | DCONF_DUMP_ORIGINS);
		/* duetadm builds plans only from a valid configuration */
		dconf_validate(cfg, &local);
		for (size_t i = 0; i < cfg->nres && cfg->nerrors == 0; i++) {
			struct adm_plan p = { 0 };
			struct dconf_sb sb = { 0 };

			if (!dconf_local_host(&cfg->res[i]) || !dconf_peer_host(&cfg->res[i]))
				continue;
			adm_plan_up(&p, cfg, &cfg->res[i], NULL);
			adm_plan_adjust(&p, cfg, &cfg->res[i], p.msgs, p.n, NULL);
			adm_plan_print(&p, &sb);
			dconf_sb_free(&sb);
			adm_plan_free(&p);
		}
	}
	{
		char *t = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&t, &len);

		dconf_diags_print(cfg, f);
		fclose(f);
		free(t);
	}
	dconf_config_free(cfg);
	return 0;
}
