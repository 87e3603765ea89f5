/*
 * Unit tests for duetadm's netlink encoding (daemon/adm_nl.c): every
 * message of a plan survives encode -> decode through libnl unchanged,
 * and decoding garbage or wrongly sized attributes never crashes and
 * keeps nothing it cannot trust.
 */
#include "tests/unit/dconf_test.h"

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "daemon/adm_nl.h"
#include "daemon/adm_plan.h"
#include "kmod/uapi/duet_genl.h"

static struct adm_msg roundtrip(const struct adm_msg *m)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct genlmsghdr *g;
	struct adm_msg out;

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 1, 1, 0x20, 0, 0, (uint8_t)m->cmd, DUET_GENL_VERSION));
	assert_int_equal(adm_nl_encode(msg, m), 0);
	g = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(g->cmd, m->cmd);
	adm_msg_init(&out, g->cmd);
	adm_nl_decode_attrs(&out.top, genlmsg_attrdata(g, 0), (size_t)genlmsg_attrlen(g, 0));
	nlmsg_free(msg);
	return out;
}

static void test_roundtrip(void **state)
{
	struct dconf_config *cfg = parse_as("t.conf",
		"resource r0 {\n"
		"  net { shared-secret \"x y\"; cram-hmac-alg sha1; }\n"
		"  on a { device /dev/drbd3; disk /dev/sda; meta-disk /dev/sdb[1]; address ipv6 [fd00::1]:7788; }\n"
		"  on b { device /dev/drbd3; disk /dev/sda; meta-disk /dev/sdb[1]; address ipv6 [fd00::2]:7788; }\n"
		"}\n", "a");
	struct adm_plan p = { 0 };
	struct adm_flags f = { .force = true, .discard_my_data = true };

	(void)state;
	assert_int_equal(cfg->nerrors, 0);
	adm_plan_up(&p, cfg, &cfg->res[0], &f);
	adm_plan_primary(&p, &cfg->res[0], &f);
	adm_plan_get(&p, DUET_CMD_GET_STATUS, "r0");
	for (size_t i = 0; i < p.n; i++) {
		struct adm_msg back = roundtrip(&p.msgs[i]);

		assert_true(adm_attr_subset(&p.msgs[i].top, &back.top));
		assert_true(adm_attr_subset(&back.top, &p.msgs[i].top));
		adm_msg_free(&back);
	}
	adm_plan_free(&p);
	dconf_config_free(cfg);
}

/* Attributes of the wrong size or unknown type are dropped. */
static void test_wrong_sizes(void **state)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;
	struct adm_msg out;
	char longname[400];

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	nest = nla_nest_start(msg, DUET_A_CTX);
	nla_put_u8(msg, DUET_CTX_A_MINOR, 7);		/* u32 expected */
	nla_put_string(msg, DUET_CTX_A_RES_NAME, longname);	/* too long */
	nla_put_u32(msg, 99, 1);			/* unknown */
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, DUET_A_STATE);
	nla_put_u32(msg, DUET_STATE_A_ROLE, 1);
	nla_nest_end(msg, nest);
	nla_put_u32(msg, 200, 5);			/* unknown top level */
	adm_msg_init(&out, DUET_CMD_GET_STATUS);
	adm_nl_decode_attrs(&out.top, nlmsg_data(nlmsg_hdr(msg)),
			    (size_t)nlmsg_datalen(nlmsg_hdr(msg)));
	assert_null(adm_find(adm_msg_find(&out, DUET_A_CTX), DUET_CTX_A_MINOR));
	assert_int_equal(strlen(adm_find(adm_msg_find(&out, DUET_A_CTX),
					 DUET_CTX_A_RES_NAME)->str), DUET_NAME_MAX);
	assert_int_equal(adm_find(adm_msg_find(&out, DUET_A_STATE), DUET_STATE_A_ROLE)->num, 1);
	assert_int_equal(out.top.nkids, 2);
	adm_msg_free(&out);
	nlmsg_free(msg);
}

/* Random bytes as attributes: no crash, no sanitizer report. */
static void test_garbage(void **state)
{
	uint8_t buf[512];
	uint32_t x = 12345;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		struct adm_msg out;
		size_t len = (size_t)(x % sizeof(buf));

		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (uint8_t)(x >> 16);
			/* small lengths and types now and then, so nests are tried */
			if (i % 4 == 1 && (x & 1))
				buf[i] = 0;
			if (i % 4 == 2 && (x & 2))
				buf[i] = (uint8_t)(x % 11);
		}
		adm_msg_init(&out, DUET_CMD_GET_STATUS);
		adm_nl_decode_attrs(&out.top, buf, len);
		adm_msg_free(&out);
		x = x * 1103515245 + 12345;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_wrong_sizes),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests_name("dconf_nl", tests, NULL, NULL);
}
