# daemon/dconf: automake fragment, included from the top-level Makefile.am.
#
# libdconf.a  the drbd.conf-syntax parser, validator and dump (no I/O in the
#             core; load.c reads files and includes)
# duetadm     the replication admin tool (daemon/duetadm*.c, daemon/adm_*.c)
DCONF_SOURCES = \
	daemon/dconf/dconf.h \
	daemon/dconf/arena.h daemon/dconf/arena.c \
	daemon/dconf/strbuf.h daemon/dconf/strbuf.c \
	daemon/dconf/options.h daemon/dconf/options.c \
	daemon/dconf/model.h daemon/dconf/model.c \
	daemon/dconf/lex.h daemon/dconf/lex.c \
	daemon/dconf/suggest.h daemon/dconf/suggest.c \
	daemon/dconf/parse.h daemon/dconf/parse.c \
	daemon/dconf/validate.h daemon/dconf/validate.c \
	daemon/dconf/dump.h daemon/dconf/dump.c \
	daemon/dconf/load.h daemon/dconf/load.c \
	kmod/uapi/duet_genl.h

noinst_LIBRARIES += daemon/dconf/libdconf.a
daemon_dconf_libdconf_a_SOURCES = $(DCONF_SOURCES)

# The same sources with the sanitizers, for the unit tests and fuzz target.
noinst_LIBRARIES += daemon/dconf/libdconf-san.a
daemon_dconf_libdconf_san_a_SOURCES = $(DCONF_SOURCES)
daemon_dconf_libdconf_san_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)

# ---- duetadm ---------------------------------------------------------------
# The parts of duetadm without I/O (schema, messages, plans, status text,
# meta-data placement and probing) are a library the unit tests link too.
# kmod/core supplies the state names and the meta-data format (compiled here
# again because kmod/core/libduetcore.a is built with the sanitizers).
ADM_CORE_SOURCES = \
	daemon/adm_schema.h daemon/adm_schema.c \
	daemon/adm_req.h daemon/adm_req.c \
	daemon/adm_plan.h daemon/adm_plan.c \
	daemon/adm_status.h daemon/adm_status.c \
	daemon/md_io.h daemon/md_io.c \
	daemon/md_probe.h daemon/md_probe.c \
	daemon/md_format.h daemon/md_format.c \
	$(DUET_CORE_SOURCES)

noinst_LIBRARIES += daemon/libadm.a
daemon_libadm_a_SOURCES = $(ADM_CORE_SOURCES)
daemon_libadm_a_CFLAGS = $(AM_CFLAGS)

noinst_LIBRARIES += daemon/libadm-san.a
daemon_libadm_san_a_SOURCES = $(ADM_CORE_SOURCES)
daemon_libadm_san_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)

sbin_PROGRAMS += daemon/duetadm
daemon_duetadm_SOURCES = \
	daemon/duetadm.h daemon/duetadm.c \
	daemon/adm_verbs.c daemon/adm_md.c \
	daemon/adm_link.c daemon/adm_handler.c \
	daemon/adm_nl.h daemon/adm_nl.c
daemon_duetadm_CPPFLAGS = $(AM_CPPFLAGS) -DDUET_SYSCONFDIR='"$(sysconfdir)"'
daemon_duetadm_CFLAGS = $(AM_CFLAGS) $(LIBNL_GENL_CFLAGS)
daemon_duetadm_LDADD = daemon/libadm.a daemon/dconf/libdconf.a $(LIBNL_GENL_LIBS)

# ---- unit tests --------------------------------------------------------------
DCONF_TEST_LIBS = daemon/libadm-san.a daemon/dconf/libdconf-san.a $(CMOCKA_LIBS)
EXTRA_DIST += tests/unit/dconf_test.h

check_PROGRAMS += tests/unit/test_dconf_parse
tests_unit_test_dconf_parse_SOURCES = tests/unit/test_dconf_parse.c
tests_unit_test_dconf_parse_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dconf_parse_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_parse_LDADD = $(DCONF_TEST_LIBS)

check_PROGRAMS += tests/unit/test_dconf_validate
tests_unit_test_dconf_validate_SOURCES = tests/unit/test_dconf_validate.c
tests_unit_test_dconf_validate_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dconf_validate_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_validate_LDADD = $(DCONF_TEST_LIBS)

check_PROGRAMS += tests/unit/test_dconf_dump
tests_unit_test_dconf_dump_SOURCES = tests/unit/test_dconf_dump.c
tests_unit_test_dconf_dump_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dconf_dump_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_dump_LDADD = $(DCONF_TEST_LIBS)

check_PROGRAMS += tests/unit/test_dconf_options
tests_unit_test_dconf_options_SOURCES = tests/unit/test_dconf_options.c
tests_unit_test_dconf_options_CFLAGS = $(DUET_UNIT_CFLAGS) -DDUET_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_dconf_options_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_options_LDADD = $(DCONF_TEST_LIBS)

check_PROGRAMS += tests/unit/test_dconf_adm
tests_unit_test_dconf_adm_SOURCES = tests/unit/test_dconf_adm.c
tests_unit_test_dconf_adm_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dconf_adm_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_adm_LDADD = $(DCONF_TEST_LIBS)

check_PROGRAMS += tests/unit/test_dconf_md
tests_unit_test_dconf_md_SOURCES = tests/unit/test_dconf_md.c
tests_unit_test_dconf_md_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dconf_md_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_md_LDADD = $(DCONF_TEST_LIBS)

check_PROGRAMS += tests/unit/test_dconf_nl
tests_unit_test_dconf_nl_SOURCES = tests/unit/test_dconf_nl.c daemon/adm_nl.c
tests_unit_test_dconf_nl_CFLAGS = $(DUET_UNIT_CFLAGS) $(LIBNL_GENL_CFLAGS)
tests_unit_test_dconf_nl_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_nl_LDADD = $(DCONF_TEST_LIBS) $(LIBNL_GENL_LIBS)

# ---- fuzz target -------------------------------------------------------------
# The sources are compiled into the target itself so that libFuzzer builds
# instrument them (--enable-fuzzing); otherwise it replays the corpus.
# Without libFuzzer, replay.c is compiled into the target so that it sees
# DUET_FUZZ_CORPUS and replays the corpus when run without arguments, as
# the unit tier does (tests/fuzz/local.mk).
check_PROGRAMS += tests/fuzz/fuzz_dconf
tests_fuzz_fuzz_dconf_SOURCES = tests/fuzz/fuzz_dconf.c $(DCONF_SOURCES) $(ADM_CORE_SOURCES)
if !ENABLE_FUZZING
tests_fuzz_fuzz_dconf_SOURCES += tests/fuzz/replay.c
endif
tests_fuzz_fuzz_dconf_CFLAGS = $(DUET_FUZZ_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/dconf"'
tests_fuzz_fuzz_dconf_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)

# ---- documentation and samples -----------------------------------------------
dist_man_MANS += daemon/duetadm.8 daemon/duet.conf.5
EXTRA_DIST += daemon/README.md ha.d/duet.conf tests/dconf tests/fuzz/dconf.dict

check_PROGRAMS += tests/unit/test_dconf_uapi
tests_unit_test_dconf_uapi_SOURCES = tests/unit/test_dconf_uapi.c
tests_unit_test_dconf_uapi_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dconf_uapi_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dconf_uapi_LDADD = $(DCONF_TEST_LIBS)
