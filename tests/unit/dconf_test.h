/*
 * Helpers shared by the dconf/duetadm unit tests: parse a configuration
 * from a string, run the validator, and look at the diagnostics as the
 * "file:line: message" text users see.
 */
#ifndef DUET_TEST_DCONF_TEST_H
#define DUET_TEST_DCONF_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/dconf/dconf.h"

/* The paper's figure 3, byte for byte (trailing blank line included). */
#define PAPER_FIG3 \
	"global {\n" \
	"    usage-count yes;\n" \
	"}\n" \
	"common {\n" \
	"    protocol C;\n" \
	"}\n" \
	"resource r0 {\n" \
	"    on sslab1 {\n" \
	"        device /dev/drbd0;\n" \
	"        disk /dev/hdc6;\n" \
	"        address 192.168.0.10:7788;\n" \
	"        meta-disk /dev/hdc5[0];\n" \
	"    }\n" \
	"    on sslab2 {\n" \
	"        device /dev/drbd0;\n" \
	"        disk /dev/hda6;\n" \
	"        address 192.168.0.11:7788;\n" \
	"        meta-disk /dev/hda[5];\n" \
	"    }\n" \
	"}\n" \
	"    \n"

/* The stock-DRBD VM bed's drbd.conf (volumes at resource level). */
#define VM_BED_CONF \
	"global { usage-count no; }\n" \
	"common { }\n" \
	"resource r0 {\n" \
	"  protocol C;\n" \
	"  device    /dev/drbd0;\n" \
	"  disk      /dev/vda;\n" \
	"  meta-disk /dev/vdb [0];\n" \
	"  on alice { address 10.77.0.1:7788; }\n" \
	"  on bob   { address 10.77.0.2:7788; }\n" \
	"}\n"

/* Parses TEXT as file NAME; validates for HOST unless HOST is NULL. */
static inline struct dconf_config *parse_as(const char *name, const char *text,
					    const char *host)
{
	struct dconf_config *cfg = dconf_config_new();

	dconf_parse_string(cfg, name, text);
	if (host && cfg->nerrors == 0) {
		struct dconf_local l = { .hostname = host };

		dconf_validate(cfg, &l);
	}
	return cfg;
}

/* All diagnostics, one per line, as printed. Caller frees. */
static inline char *diag_text(const struct dconf_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	dconf_diags_print(cfg, f);
	fclose(f);
	return buf;
}

/* Asserts that some diagnostic line equals LINE exactly. */
#define assert_diag(cfg, line) do { \
	char *_t = diag_text(cfg); \
	char *_want = NULL; \
	if (asprintf(&_want, "%s\n", line) < 0) fail(); \
	if (!strstr(_t, _want)) \
		fail_msg("diagnostic \"%s\" not in:\n%s", line, _t); \
	free(_want); \
	free(_t); \
} while (0)

/* Asserts that the diagnostics contain SUBSTR. */
#define assert_diag_has(cfg, substr) do { \
	char *_t = diag_text(cfg); \
	if (!strstr(_t, substr)) \
		fail_msg("\"%s\" not in:\n%s", substr, _t); \
	free(_t); \
} while (0)

#define assert_no_diags(cfg) do { \
	char *_t = diag_text(cfg); \
	if ((cfg)->ndiags) \
		fail_msg("unexpected diagnostics:\n%s", _t); \
	free(_t); \
} while (0)

#endif /* DUET_TEST_DCONF_TEST_H */
