# daemon/duetd/rsc.mk: automake fragment for dd_rsc, the runner of
# haresources groups (scripts spawned on a GMainContext). duetd itself
# links daemon/duetd/dd_rsc.c (with GLIB_CFLAGS) next to libhb.
check_PROGRAMS += tests/unit/test_dd_rsc
tests_unit_test_dd_rsc_SOURCES = tests/unit/test_dd_rsc.c \
	daemon/duetd/dd_rsc.c daemon/duetd/dd_rsc.h
tests_unit_test_dd_rsc_CFLAGS = $(DUET_UNIT_CFLAGS) $(GLIB_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_dd_rsc_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dd_rsc_LDADD = daemon/hb/libhb.a $(GLIB_LIBS) $(NETTLE_LIBS) $(CMOCKA_LIBS)
