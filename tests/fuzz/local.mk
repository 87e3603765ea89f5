# Fuzz targets. Each target is tests/fuzz/fuzz_<name>.c defining
# LLVMFuzzerTestOneInput, with its seed corpus in tests/fuzz/corpus/<name>/.
# Normally it links tests/fuzz/replay.c and runs in the unit tier, replaying
# its corpus under ASan/UBSan. With ./configure --enable-fuzzing CC=clang it
# links libFuzzer instead: tests/fuzz/fuzz_<name> tests/fuzz/corpus/<name>/
#
# A subsystem adds a target in its own local.mk like this:
#   check_PROGRAMS += tests/fuzz/fuzz_foo
#   tests_fuzz_fuzz_foo_SOURCES = tests/fuzz/fuzz_foo.c
#   tests_fuzz_fuzz_foo_CFLAGS = $(DUET_FUZZ_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/foo"'
#   tests_fuzz_fuzz_foo_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)
#   tests_fuzz_fuzz_foo_LDADD = libfoo.a $(DUET_FUZZ_LIBS)
if ENABLE_FUZZING
DUET_FUZZ_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined
DUET_FUZZ_LINK_FLAGS = -fsanitize=fuzzer,address,undefined
DUET_FUZZ_LIBS =
else
noinst_LIBRARIES += tests/fuzz/libfuzzreplay.a
tests_fuzz_libfuzzreplay_a_SOURCES = tests/fuzz/replay.c
tests_fuzz_libfuzzreplay_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)
DUET_FUZZ_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)
DUET_FUZZ_LINK_FLAGS = $(DUET_SAN_CFLAGS)
DUET_FUZZ_LIBS = tests/fuzz/libfuzzreplay.a
endif

EXTRA_DIST += tests/fuzz/corpus
