# Fuzz targets. Each target is tests/fuzz/fuzz_<name>.c defining
# LLVMFuzzerTestOneInput, with its seed corpus in tests/fuzz/corpus/<name>/.
# Normally the replay driver tests/fuzz/replay.c is compiled into the target
# (it must see the target's DUET_FUZZ_CORPUS), and the unit tier runs it:
# it replays the corpus under ASan/UBSan. With ./configure --enable-fuzzing
# CC=clang the target links libFuzzer instead:
#   tests/fuzz/fuzz_<name> tests/fuzz/corpus/<name>/
# Libraries the target links need $(DUET_FUZZ_LIB_CFLAGS) so that libFuzzer
# gets coverage from them.
#
# A subsystem adds a target in its own local.mk like this:
#   check_PROGRAMS += tests/fuzz/fuzz_foo
#   tests_fuzz_fuzz_foo_SOURCES = tests/fuzz/fuzz_foo.c
#   if !ENABLE_FUZZING
#   tests_fuzz_fuzz_foo_SOURCES += tests/fuzz/replay.c
#   endif
#   tests_fuzz_fuzz_foo_CFLAGS = $(DUET_FUZZ_CFLAGS) -DDUET_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/foo"'
#   tests_fuzz_fuzz_foo_LDFLAGS = $(DUET_FUZZ_LINK_FLAGS)
#   tests_fuzz_fuzz_foo_LDADD = libfoo.a
if ENABLE_FUZZING
DUET_FUZZ_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined
DUET_FUZZ_LIB_CFLAGS = -fsanitize=fuzzer-no-link,address,undefined
DUET_FUZZ_LINK_FLAGS = -fsanitize=fuzzer,address,undefined
else
DUET_FUZZ_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)
DUET_FUZZ_LIB_CFLAGS = $(DUET_SAN_CFLAGS)
DUET_FUZZ_LINK_FLAGS = $(DUET_SAN_CFLAGS)
endif

EXTRA_DIST += tests/fuzz/corpus
