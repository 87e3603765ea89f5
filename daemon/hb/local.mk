# daemon/hb: automake fragment, included from the top-level Makefile.am.
# libhb.a is the I/O-free core of duetd's Heartbeat compatibility: the
# ha.cf / authkeys / haresources parsers, the message codec, signatures
# and node/link liveness. It takes buffers and a clock and returns results.
noinst_LIBRARIES += daemon/hb/libhb.a
daemon_hb_libhb_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS) $(NETTLE_CFLAGS)
if ENABLE_FUZZING
# libFuzzer needs coverage feedback from the code under test, not only
# from the target's own file
daemon_hb_libhb_a_CFLAGS += -fsanitize=fuzzer-no-link
endif
daemon_hb_libhb_a_SOURCES = \
	daemon/hb/hb_diag.c daemon/hb/hb_diag.h \
	daemon/hb/hb_str.c daemon/hb/hb_str.h \
	daemon/hb/hb_conf.c daemon/hb/hb_conf.h \
	daemon/hb/hb_conf_media.c daemon/hb/hb_conf_priv.h \
	daemon/hb/hb_authkeys.c daemon/hb/hb_authkeys.h \
	daemon/hb/hb_haresources.c daemon/hb/hb_haresources.h \
	daemon/hb/hb_base64.c daemon/hb/hb_base64.h \
	daemon/hb/hb_msg.c daemon/hb/hb_msg.h \
	daemon/hb/hb_auth.c daemon/hb/hb_auth.h \
	daemon/hb/hb_beat.c daemon/hb/hb_beat.h \
	daemon/hb/hb_live.c daemon/hb/hb_live.h \
	daemon/hb/hb_rsc.c daemon/hb/hb_rsc.h \
	daemon/hb/hb_script.c daemon/hb/hb_script.h

HB_UNIT_LDADD = daemon/hb/libhb.a $(NETTLE_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_hb_conf
tests_unit_test_hb_conf_SOURCES = tests/unit/test_hb_conf.c
tests_unit_test_hb_conf_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS) -DHB_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_hb_conf_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_conf_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_authkeys
tests_unit_test_hb_authkeys_SOURCES = tests/unit/test_hb_authkeys.c
tests_unit_test_hb_authkeys_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS) -DHB_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_hb_authkeys_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_authkeys_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_haresources
tests_unit_test_hb_haresources_SOURCES = tests/unit/test_hb_haresources.c
tests_unit_test_hb_haresources_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS) -DHB_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_hb_haresources_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_haresources_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_msg
tests_unit_test_hb_msg_SOURCES = tests/unit/test_hb_msg.c tests/unit/hb_wire_samples.h
tests_unit_test_hb_msg_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_hb_msg_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_msg_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_beat
tests_unit_test_hb_beat_SOURCES = tests/unit/test_hb_beat.c tests/unit/hb_test_keys.h
tests_unit_test_hb_beat_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_hb_beat_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_beat_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_auth
tests_unit_test_hb_auth_SOURCES = tests/unit/test_hb_auth.c tests/unit/hb_wire_samples.h \
	tests/unit/hb_test_keys.h
tests_unit_test_hb_auth_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_hb_auth_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_auth_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_live
tests_unit_test_hb_live_SOURCES = tests/unit/test_hb_live.c
tests_unit_test_hb_live_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_hb_live_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_live_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_rsc
tests_unit_test_hb_rsc_SOURCES = tests/unit/test_hb_rsc.c
tests_unit_test_hb_rsc_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_hb_rsc_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_rsc_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_rsc_wire
tests_unit_test_hb_rsc_wire_SOURCES = tests/unit/test_hb_rsc_wire.c tests/unit/hb_wire_samples.h
tests_unit_test_hb_rsc_wire_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_hb_rsc_wire_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_rsc_wire_LDADD = $(HB_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_hb_script
tests_unit_test_hb_script_SOURCES = tests/unit/test_hb_script.c
tests_unit_test_hb_script_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_hb_script_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_hb_script_LDADD = $(HB_UNIT_LDADD)

# Fuzz targets: the decoder with signature checks, and the three parsers.
# Without --enable-fuzzing the replay driver is compiled into each target
# so that its main() sees DUET_FUZZ_CORPUS (tests/fuzz/local.mk).
check_PROGRAMS += tests/fuzz/fuzz_hb_msg
tests_fuzz_fuzz_hb_msg_SOURCES = tests/fuzz/fuzz_hb_msg.c
tests_fuzz_fuzz_hb_msg_CFLAGS = $(DUET_FUZZ_CFLAGS) $(NETTLE_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/hb_msg"'
tests_fuzz_fuzz_hb_msg_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_hb_msg_LDADD = daemon/hb/libhb.a $(NETTLE_LIBS)

check_PROGRAMS += tests/fuzz/fuzz_hb_rsc
tests_fuzz_fuzz_hb_rsc_SOURCES = tests/fuzz/fuzz_hb_rsc.c
tests_fuzz_fuzz_hb_rsc_CFLAGS = $(DUET_FUZZ_CFLAGS) $(NETTLE_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/hb_rsc"'
tests_fuzz_fuzz_hb_rsc_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_hb_rsc_LDADD = daemon/hb/libhb.a $(NETTLE_LIBS)

check_PROGRAMS += tests/fuzz/fuzz_hb_conf
tests_fuzz_fuzz_hb_conf_SOURCES = tests/fuzz/fuzz_hb_conf.c
if !ENABLE_FUZZING
tests_fuzz_fuzz_hb_msg_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_hb_conf_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_hb_rsc_SOURCES += tests/fuzz/replay.c
endif
tests_fuzz_fuzz_hb_conf_CFLAGS = $(DUET_FUZZ_CFLAGS) $(NETTLE_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/hb_conf"'
tests_fuzz_fuzz_hb_conf_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_hb_conf_LDADD = daemon/hb/libhb.a $(NETTLE_LIBS)

# Sample configuration for the paper's two nodes, and the generator of
# the wire-sample header.
EXTRA_DIST += ha.d/ha.cf ha.d/haresources ha.d/authkeys daemon/hb/RESOURCES.md \
	tests/unit/hb_wire_samples_gen.py

# The same core without the sanitizers, for the installed programs (duetd,
# duet-firewall).
noinst_LIBRARIES += daemon/hb/libhb-plain.a
daemon_hb_libhb_plain_a_SOURCES = $(daemon_hb_libhb_a_SOURCES)
daemon_hb_libhb_plain_a_CFLAGS = $(AM_CFLAGS) $(NETTLE_CFLAGS)
