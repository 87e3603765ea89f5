# kmod/core: the replication engine as pure C. The same sources are built
# into duet.ko (kmod/Kbuild.in) and, here, into a userspace library that
# the unit tests, fuzz targets and simulator link.
DUET_CORE_SOURCES = \
	kmod/core/types.h \
	kmod/core/state.h kmod/core/state.c

noinst_LIBRARIES += kmod/core/libduetcore.a
kmod_core_libduetcore_a_SOURCES = $(DUET_CORE_SOURCES)
kmod_core_libduetcore_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)
