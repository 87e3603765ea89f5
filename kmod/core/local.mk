# kmod/core: the replication engine as pure C. The same sources are built
# into duet.ko (kmod/Kbuild.in) and, here, into a userspace library that
# the unit tests, fuzz targets and simulator link.
DUET_CORE_SOURCES = \
	kmod/core/types.h kmod/core/bytes.h \
	kmod/core/state.h kmod/core/state.c \
	kmod/core/crc32c.h kmod/core/crc32c.c \
	kmod/core/fmt.h kmod/core/fmt.c \
	kmod/core/sm.h kmod/core/sm.c \
	kmod/core/md.h kmod/core/md.c \
	kmod/core/al.h kmod/core/al.c \
	kmod/core/bm.h kmod/core/bm.c \
	kmod/core/req.h kmod/core/req.c \
	kmod/core/status.h kmod/core/status.c \
	kmod/core/wire.h kmod/core/wire.c \
	kmod/core/bm_rle.h kmod/core/bm_rle.c \
	kmod/core/tl.h kmod/core/tl.c \
	kmod/core/uuid.h kmod/core/uuid.c \
	kmod/core/rs.h kmod/core/rs.c

noinst_LIBRARIES += kmod/core/libduetcore.a
kmod_core_libduetcore_a_SOURCES = $(DUET_CORE_SOURCES)
kmod_core_libduetcore_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)

# Unit tests of the core (cmocka, tests/unit/local.mk has the flags).
check_PROGRAMS += tests/unit/test_core_sm
tests_unit_test_core_sm_SOURCES = tests/unit/test_core_sm.c
tests_unit_test_core_sm_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_sm_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_sm_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_md
tests_unit_test_core_md_SOURCES = tests/unit/test_core_md.c
tests_unit_test_core_md_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_md_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_md_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_al
tests_unit_test_core_al_SOURCES = tests/unit/test_core_al.c
tests_unit_test_core_al_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_al_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_al_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_bm
tests_unit_test_core_bm_SOURCES = tests/unit/test_core_bm.c
tests_unit_test_core_bm_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_bm_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_bm_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_req
tests_unit_test_core_req_SOURCES = tests/unit/test_core_req.c
tests_unit_test_core_req_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_req_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_req_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_wire
tests_unit_test_core_wire_SOURCES = tests/unit/test_core_wire.c
tests_unit_test_core_wire_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_wire_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_wire_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_bm_rle
tests_unit_test_core_bm_rle_SOURCES = tests/unit/test_core_bm_rle.c
tests_unit_test_core_bm_rle_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_bm_rle_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_bm_rle_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_tl
tests_unit_test_core_tl_SOURCES = tests/unit/test_core_tl.c
tests_unit_test_core_tl_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_tl_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_tl_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_uuid
tests_unit_test_core_uuid_SOURCES = tests/unit/test_core_uuid.c
tests_unit_test_core_uuid_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_uuid_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_uuid_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_rs
tests_unit_test_core_rs_SOURCES = tests/unit/test_core_rs.c
tests_unit_test_core_rs_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_rs_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_rs_LDADD = $(DUET_UNIT_CORE_LIBS)

check_PROGRAMS += tests/unit/test_core_util
tests_unit_test_core_util_SOURCES = tests/unit/test_core_util.c
tests_unit_test_core_util_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_core_util_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_core_util_LDADD = $(DUET_UNIT_CORE_LIBS)

# Fuzz target for the meta-data decoders (tests/fuzz/local.mk explains the
# two builds). The core is compiled into the target itself, so that a
# libFuzzer build instruments it for coverage. In the replay build the
# replay driver is compiled in too, so that DUET_FUZZ_CORPUS reaches its
# main().
check_PROGRAMS += tests/fuzz/fuzz_md
if ENABLE_FUZZING
tests_fuzz_fuzz_md_SOURCES = tests/fuzz/fuzz_md.c $(DUET_CORE_SOURCES)
else
tests_fuzz_fuzz_md_SOURCES = tests/fuzz/fuzz_md.c tests/fuzz/replay.c \
	$(DUET_CORE_SOURCES)
endif
tests_fuzz_fuzz_md_CFLAGS = $(DUET_FUZZ_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/md"'
tests_fuzz_fuzz_md_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)

# Fuzz targets for the wire protocol decoders and the bitmap exchange
# codec, built like fuzz_md.
check_PROGRAMS += tests/fuzz/fuzz_wire
if ENABLE_FUZZING
tests_fuzz_fuzz_wire_SOURCES = tests/fuzz/fuzz_wire.c $(DUET_CORE_SOURCES)
else
tests_fuzz_fuzz_wire_SOURCES = tests/fuzz/fuzz_wire.c tests/fuzz/replay.c \
	$(DUET_CORE_SOURCES)
endif
tests_fuzz_fuzz_wire_CFLAGS = $(DUET_FUZZ_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/wire"'
tests_fuzz_fuzz_wire_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)

check_PROGRAMS += tests/fuzz/fuzz_bm_rle
if ENABLE_FUZZING
tests_fuzz_fuzz_bm_rle_SOURCES = tests/fuzz/fuzz_bm_rle.c $(DUET_CORE_SOURCES)
else
tests_fuzz_fuzz_bm_rle_SOURCES = tests/fuzz/fuzz_bm_rle.c tests/fuzz/replay.c \
	$(DUET_CORE_SOURCES)
endif
tests_fuzz_fuzz_bm_rle_CFLAGS = $(DUET_FUZZ_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/bm_rle"'
tests_fuzz_fuzz_bm_rle_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)
