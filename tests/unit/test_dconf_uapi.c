/*
 * kmod/uapi/duet_genl.h next to kmod/core/: the module's glue includes
 * both, so no name may clash, and where both define a value set the
 * values must agree. Mostly compile-time checks; the run checks that the
 * schema duetadm uses covers the header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kmod/core/al.h"
#include "kmod/core/md.h"
#include "kmod/core/sm.h"
#include "kmod/core/state.h"
#include "kmod/uapi/duet_genl.h"

#include "daemon/adm_schema.h"
#include "daemon/dconf/options.h"

_Static_assert(DUET_FEN_DONT_CARE == (int)DUET_FENCING_DONT_CARE, "fencing");
_Static_assert(DUET_FEN_RESOURCE_ONLY == (int)DUET_FENCING_RESOURCE_ONLY, "fencing");
_Static_assert(DUET_FEN_RESOURCE_AND_STONITH == (int)DUET_FENCING_RESOURCE_AND_STONITH,
	       "fencing");
_Static_assert(DUET_MD_IDX_INTERNAL == DUET_MD_INDEX_INTERNAL, "md index");
_Static_assert(DUET_MD_IDX_FLEX_EXT == DUET_MD_INDEX_FLEXIBLE, "md index");
_Static_assert(DUET_MD_SLOT_BYTES == DUET_MD_SLOT_SECT * 512, "slot size");
_Static_assert(DUET_MD_INDEX_MAX == 65535, "dconf accepts indices 0..65535");

static void test_values(void **state)
{
	(void)state;
	/* the option table's ranges fit what the core accepts */
	assert_true(dconf_optdefs[DCONF_O_AL_EXTENTS].min >= DUET_AL_MIN_EXTENTS);
	assert_true(dconf_optdefs[DCONF_O_AL_EXTENTS].max <= DUET_AL_MAX_EXTENTS);
	assert_int_equal(dconf_optdefs[DCONF_O_AL_EXTENTS].def, DUET_AL_DEFAULT_EXTENTS);
	/* state attributes carry kmod/core/state.h values: names exist */
	assert_string_equal(duet_conn_str(DUET_C_CONNECTED), "Connected");
}

/* Every command and attribute of the header has a name in the schema. */
static void test_schema_covers_header(void **state)
{
	(void)state;
	for (int cmd = 1; cmd <= DUET_CMD_MAX; cmd++)
		assert_non_null(adm_cmd_name(cmd));
	for (int top = 1; top <= DUET_A_MAX; top++) {
		const struct adm_set *set = adm_set_of(top);

		assert_non_null(set);
		for (int a = 1; a <= set->max; a++) {
			const struct adm_attrdef *d = adm_attrdef(set, a);

			assert_non_null(d);
			if (d->kind == ADM_K_NEST)
				for (int b = 1; b <= d->nest->max; b++)
					assert_non_null(adm_attrdef(d->nest, b));
		}
	}
	for (uint32_t rc = 0; rc < __DUET_RET_MAX; rc++)
		assert_non_null(adm_retcode_str(rc));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_schema_covers_header),
	};

	return cmocka_run_group_tests_name("dconf_uapi", tests, NULL, NULL);
}
