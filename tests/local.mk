# Test entry points. "make check" runs every tier in $(DUET_CHECK_TIERS)
# and ends with the line "N passed, N failed"; check-<tier> runs one.
DUET_RUN_TIER = DUET_UNIT_TESTS="$(check_PROGRAMS)" \
	$(SHELL) $(top_srcdir)/tests/run-tier --srcdir $(top_srcdir) --builddir $(top_builddir)

check-local:
	$(DUET_RUN_TIER) $(DUET_CHECK_TIERS)

check-unit: $(check_PROGRAMS) $(DUET_UNIT_NEEDS)
	$(DUET_RUN_TIER) unit

check-kmod:
	$(DUET_RUN_TIER) kmod

check-dconf: all
	$(DUET_RUN_TIER) dconf

check-netns:
	$(DUET_RUN_TIER) netns

check-fw: all
	$(DUET_RUN_TIER) fw

check-vm:
	$(DUET_RUN_TIER) vm

# the deb and rpm packages from the make dist tarball (installer/pkg-build.sh)
check-pkg:
	$(DUET_RUN_TIER) pkg

# Benchmarks print tables and write results files; they never pass or
# fail on a time.
bench: all
	$(SHELL) $(top_srcdir)/tests/bench/run --srcdir $(top_srcdir) --builddir $(top_builddir)

.PHONY: check-unit check-kmod check-dconf check-netns check-fw check-vm check-pkg bench kmod-modules kmod-clean

EXTRA_DIST += tests/run-tier tests/dconf tests/kmod tests/netns tests/fw tests/vm tests/bench tests/pkg

# Runtime leftovers never go into a tarball.
dist-hook:
	rm -rf $(distdir)/tests/netns/logs $(distdir)/tests/vm/logs
	rm -rf $(distdir)/tests/netns/tools/dd_probe $(distdir)/tests/netns/tools/*.o \
		$(distdir)/tests/netns/tools/.deps $(distdir)/tests/netns/tools/.dirstamp
