# installer: automake fragment, included from the top-level Makefile.am.
# The packaging (installer/README.md): Debian (installer/debian, copied to
# debian/ by installer/pkg-build.sh), RPM (installer/rpm), DKMS
# (installer/dkms), systemd units and LSB init scripts. The version comes
# from configure.ac alone: "make dist" puts the spec, the Debian changelog
# and dkms.conf, made from their .in files with $(PACKAGE_VERSION) and the
# date (SOURCE_DATE_EPOCH if set), into the release tarball, which is the
# source of both packagings.
DUET_PKG_GENERATED = installer/rpm/duet.spec installer/debian/changelog \
	installer/dkms/dkms.conf
DUET_PKG_SUBST = $(SED) -e 's|[@]PACKAGE_VERSION[@]|$(PACKAGE_VERSION)|g' \
	-e "s|[@]RPM_DATE[@]|$$(LC_ALL=C date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} '+%a %b %d %Y')|g" \
	-e "s|[@]DEB_DATE[@]|$$(LC_ALL=C date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} -R)|g"

installer/rpm/duet.spec: $(top_srcdir)/installer/rpm/duet.spec.in $(top_srcdir)/configure.ac
installer/debian/changelog: $(top_srcdir)/installer/debian/changelog.in $(top_srcdir)/configure.ac
installer/dkms/dkms.conf: $(top_srcdir)/installer/dkms/dkms.conf.in $(top_srcdir)/configure.ac
$(DUET_PKG_GENERATED):
	$(AM_V_GEN)$(MKDIR_P) $(@D) && $(DUET_PKG_SUBST) $(top_srcdir)/$@.in > $@.tmp && mv $@.tmp $@

# They are part of the tarball (a package build runs make distclean).
MAINTAINERCLEANFILES = $(DUET_PKG_GENERATED)

EXTRA_DIST += $(DUET_PKG_GENERATED) \
	installer/README.md installer/build.sh installer/test.sh installer/pkg-build.sh \
	installer/rpm/duet.spec.in installer/rpm/duet.rpmlintrc installer/dkms/dkms.conf.in installer/dkms/install-source.sh \
	installer/debian/changelog.in installer/debian/control installer/debian/copyright \
	installer/debian/rules installer/debian/source/format installer/debian/duet.install \
	installer/debian/duet.docs installer/debian/duet.postrm \
	installer/debian/duet.lintian-overrides installer/debian/duet-dkms.lintian-overrides \
	installer/debian/watch \
	installer/systemd/duetd.service installer/systemd/duet.service \
	installer/systemd/check-heartbeat installer/lsb/duet installer/lsb/duetd \
	resource.d/README

# Debian and RPM packages from the release tarball (tier pkg runs this and
# checks the packages): DUET_PKG_OUT=DIR, default installer/pkg-out/.
pkg: dist
	$(SHELL) $(top_srcdir)/installer/pkg-build.sh $(distdir).tar.gz $${DUET_PKG_OUT:-installer/pkg-out}

.PHONY: pkg
