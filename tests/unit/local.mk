# C unit tests (cmocka), built with ASan/UBSan where available. Each
# program prints TAP when CMOCKA_MESSAGE_OUTPUT=TAP (tests/run-tier sets it).
DUET_UNIT_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS) $(CMOCKA_CFLAGS)
DUET_UNIT_LINK_FLAGS = $(DUET_SAN_CFLAGS)
DUET_UNIT_CORE_LIBS = kmod/core/libduetcore.a $(CMOCKA_LIBS)

check_PROGRAMS += tests/unit/test_state
tests_unit_test_state_SOURCES = tests/unit/test_state.c
tests_unit_test_state_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_state_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_state_LDADD = $(DUET_UNIT_CORE_LIBS)
