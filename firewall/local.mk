# firewall: automake fragment, included from the top-level Makefile.am.
#
# libfw.a        the pure-C core: the plan (peer addresses per port) and its
#                rendering for iptables, ip6tables, nft and firewalld
# duet-firewall  the command: reads /etc/duet.conf and /etc/ha.d/ha.cf,
#                renders, applies, removes, checks the rules
# The static fragments for administrators who edit their rules by hand,
# the firewalld services and the systemd unit are shipped as they are.
FW_CORE_SOURCES = \
	firewall/fw_plan.h firewall/fw_plan.c \
	firewall/fw_render.h firewall/fw_render.c

noinst_LIBRARIES += firewall/libfw.a
firewall_libfw_a_SOURCES = $(FW_CORE_SOURCES)

# The same sources with the sanitizers, for the unit tests.
noinst_LIBRARIES += firewall/libfw-san.a
firewall_libfw_san_a_SOURCES = $(FW_CORE_SOURCES)
firewall_libfw_san_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)

# ---- duet-firewall ------------------------------------------------------------
# The configuration is read with duet's own parsers: daemon/dconf for
# duet.conf, daemon/hb for ha.cf (its plain, non-sanitizer build).
sbin_PROGRAMS += firewall/duet-firewall
firewall_duet_firewall_SOURCES = \
	firewall/duet-firewall.c \
	firewall/fw_config.h firewall/fw_config.c \
	firewall/fw_sys.h firewall/fw_sys.c \
	firewall/fw_exec.h firewall/fw_exec.c \
	firewall/fw_backend.h firewall/fw_backend.c
firewall_duet_firewall_CPPFLAGS = $(AM_CPPFLAGS) -DDUET_SYSCONFDIR='"$(sysconfdir)"'
firewall_duet_firewall_LDADD = firewall/libfw.a daemon/dconf/libdconf.a daemon/hb/libhb-plain.a
dist_man_MANS += firewall/duet-firewall.8

# ---- unit tests ---------------------------------------------------------------
check_PROGRAMS += tests/unit/test_fw_plan
tests_unit_test_fw_plan_SOURCES = tests/unit/test_fw_plan.c
tests_unit_test_fw_plan_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_fw_plan_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_fw_plan_LDADD = firewall/libfw-san.a $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_fw_render
tests_unit_test_fw_render_SOURCES = tests/unit/test_fw_render.c
tests_unit_test_fw_render_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_fw_render_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_fw_render_LDADD = firewall/libfw-san.a $(CMOCKA_LIBS)

# fw_config against the real parsers (their sanitizer builds)
check_PROGRAMS += tests/unit/test_fw_config
tests_unit_test_fw_config_SOURCES = tests/unit/test_fw_config.c firewall/fw_config.c
tests_unit_test_fw_config_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_fw_config_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_fw_config_LDADD = firewall/libfw-san.a daemon/dconf/libdconf-san.a \
	daemon/hb/libhb.a $(NETTLE_LIBS) $(CMOCKA_LIBS)

# ---- shipped as they are ------------------------------------------------------
# Fragments for administrators who write their rules by hand (peer addresses
# are marked placeholders), firewalld services, the systemd unit (installed
# by the packaging).
FW_FRAGMENTS = \
	firewall/duet.rules.v4 firewall/duet.rules.v6 firewall/duet.nft \
	firewall/duet-replication.xml firewall/duet-heartbeat.xml
EXTRA_DIST += $(FW_FRAGMENTS) firewall/duet-firewall.service
