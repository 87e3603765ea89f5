# daemon/duetd/tools.mk: duetctl and ha_status, the tools that talk to duetd
# over its libqb IPC service (daemon/duetd/IPC.md). Included from the
# top-level Makefile.am; kept apart from daemon/duetd/local.mk (the daemon).
#
# libddtools.a     the parts without I/O: the snapshot parser (dd_snap) and
#                  the renderings (dd_view); the unit tests link the -san copy
# dd_client.c      the IPC client glue (libqb qb_ipcc_*)
DD_TOOLS_CORE_SOURCES = \
	daemon/duetd/dd_ipc_proto.h \
	daemon/duetd/dd_snap.h daemon/duetd/dd_snap.c \
	daemon/duetd/dd_view.h daemon/duetd/dd_view.c

noinst_LIBRARIES += daemon/duetd/libddtools.a
daemon_duetd_libddtools_a_SOURCES = $(DD_TOOLS_CORE_SOURCES)
daemon_duetd_libddtools_a_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS)

noinst_LIBRARIES += daemon/duetd/libddtools-san.a
daemon_duetd_libddtools_san_a_SOURCES = $(DD_TOOLS_CORE_SOURCES)
daemon_duetd_libddtools_san_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS) $(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS)
if ENABLE_FUZZING
# libFuzzer needs coverage feedback from the code under test
daemon_duetd_libddtools_san_a_CFLAGS += -fsanitize=fuzzer-no-link
endif

DD_TOOLS_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS) $(LIBQB_CFLAGS)
DD_TOOLS_LIBS = daemon/duetd/libddtools.a $(JSON_GLIB_LIBS) $(LIBQB_LIBS) $(GLIB_LIBS)

sbin_PROGRAMS += daemon/duetd/duetctl
daemon_duetd_duetctl_SOURCES = daemon/duetd/duetctl.c \
	daemon/duetd/dd_client.h daemon/duetd/dd_client.c
daemon_duetd_duetctl_CFLAGS = $(DD_TOOLS_CFLAGS)
daemon_duetd_duetctl_LDADD = $(DD_TOOLS_LIBS)

bin_PROGRAMS += daemon/duetd/ha_status
daemon_duetd_ha_status_SOURCES = daemon/duetd/ha_status.c \
	daemon/duetd/dd_client.h daemon/duetd/dd_client.c
daemon_duetd_ha_status_CFLAGS = $(DD_TOOLS_CFLAGS)
daemon_duetd_ha_status_LDADD = $(DD_TOOLS_LIBS)

dist_man_MANS += daemon/duetd/duetctl.8 daemon/duetd/ha_status.8
EXTRA_DIST += daemon/duetd/IPC.md

# ---- tests -----------------------------------------------------------------
DD_TOOLS_UNIT_CFLAGS = $(DUET_UNIT_CFLAGS) $(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS) \
	-DDD_TEST_DATA='"$(abs_top_srcdir)/tests/tools/data"'
DD_TOOLS_UNIT_LDADD = daemon/duetd/libddtools-san.a $(JSON_GLIB_LIBS) $(GLIB_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_dd_snap
tests_unit_test_dd_snap_SOURCES = tests/unit/test_dd_snap.c
tests_unit_test_dd_snap_CFLAGS = $(DD_TOOLS_UNIT_CFLAGS)
tests_unit_test_dd_snap_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dd_snap_LDADD = $(DD_TOOLS_UNIT_LDADD)

check_PROGRAMS += tests/unit/test_dd_view
tests_unit_test_dd_view_SOURCES = tests/unit/test_dd_view.c
tests_unit_test_dd_view_CFLAGS = $(DD_TOOLS_UNIT_CFLAGS)
tests_unit_test_dd_view_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dd_view_LDADD = $(DD_TOOLS_UNIT_LDADD)

# A stand-in for duetd's IPC service: tests/tools/*.bats (run by the unit
# tier) drive duetctl and ha_status against it. Not a check program (the
# unit tier runs those), built with the tools.
noinst_PROGRAMS += tests/tools/dd_fakesrv
tests_tools_dd_fakesrv_SOURCES = tests/tools/dd_fakesrv.c
tests_tools_dd_fakesrv_CFLAGS = $(DD_TOOLS_CFLAGS)
tests_tools_dd_fakesrv_LDADD = $(JSON_GLIB_LIBS) $(LIBQB_LIBS) $(GLIB_LIBS)

# the unit tier's bats files need the tools and the stand-in
DUET_UNIT_NEEDS += daemon/duetd/duetctl daemon/duetd/ha_status tests/tools/dd_fakesrv

EXTRA_DIST += tests/tools/data tests/tools/tools.bats

# Fuzz target: the bodies and every rendering; its corpus replays in the
# unit tier (tests/fuzz/local.mk)
check_PROGRAMS += tests/fuzz/fuzz_dd_snap
tests_fuzz_fuzz_dd_snap_SOURCES = tests/fuzz/fuzz_dd_snap.c
if !ENABLE_FUZZING
tests_fuzz_fuzz_dd_snap_SOURCES += tests/fuzz/replay.c
endif
tests_fuzz_fuzz_dd_snap_CFLAGS = $(DUET_FUZZ_CFLAGS) $(GLIB_CFLAGS) $(JSON_GLIB_CFLAGS) \
	-DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/dd_snap"'
tests_fuzz_fuzz_dd_snap_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)
tests_fuzz_fuzz_dd_snap_LDADD = daemon/duetd/libddtools-san.a $(JSON_GLIB_LIBS) $(GLIB_LIBS)
