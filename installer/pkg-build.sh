#!/bin/sh
# Builds duet's Debian and RPM packages from a release tarball (make dist)
# and checks them with lintian and rpmlint.
#
#   installer/pkg-build.sh [--deb-only|--rpm-only] TARBALL OUTDIR
#
# OUTDIR gets duet_VERSION-1_ARCH.deb, duet-dkms_VERSION-1_all.deb, the
# source package, duet-VERSION-1.ARCH.rpm, duet-dkms-VERSION-1.noarch.rpm,
# duet-VERSION-1.src.rpm, lintian.log and rpmlint.log. The Debian build
# runs in OUTDIR/deb (the tarball as duet_VERSION.orig.tar.gz, installer/
# debian copied to debian/), the RPM build with rpmbuild -ta in OUTDIR/rpm
# (BuildRequires are Debian's -dev packages here: --nodeps). Neither
# builds duet.ko: DKMS builds it on the nodes. Exit status 1 when a build
# fails or lintian reports an error or a warning (the overrides in
# installer/debian/*.lintian-overrides give their reasons); rpmlint's
# report is kept, not judged (its Fedora checks misfire on a Debian host).
set -eu
mode=both
case "${1:-}" in
--deb-only) mode=deb; shift ;;
--rpm-only) mode=rpm; shift ;;
-h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
if [ $# -ne 2 ]; then
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
out=$(cd "$2" && pwd)
base=$(basename "$tarball" .tar.gz)	# duet-VERSION
version=${base#duet-}
jobs=$(nproc 2>/dev/null || echo 1)

build_deb() {
	rm -rf "$out/deb"
	mkdir -p "$out/deb"
	cp "$tarball" "$out/deb/duet_$version.orig.tar.gz"
	tar -C "$out/deb" -xzf "$tarball"
	cp -a "$out/deb/$base/installer/debian" "$out/deb/$base/debian"
	(cd "$out/deb/$base" && DEB_BUILD_OPTIONS="nocheck parallel=$jobs" \
		dpkg-buildpackage -us -uc) >"$out/deb/build.log" 2>&1 || {
		tail -n 40 "$out/deb/build.log" >&2
		echo "pkg-build.sh: dpkg-buildpackage failed (log: $out/deb/build.log)" >&2
		return 1
	}
	cp "$out"/deb/*.deb "$out"/deb/*.dsc "$out"/deb/*.changes "$out/"
	# the build tree goes (a copy of the sources), the log stays
	rm -rf "${out:?}/deb/$base"
	# lintian on the source and binary packages; overrides carry reasons
	lintian --display-info --fail-on error,warning \
		"$out"/deb/duet_*.changes >"$out/lintian.log" 2>&1 || {
		cat "$out/lintian.log" >&2
		echo "pkg-build.sh: lintian reports errors" >&2
		return 1
	}
}

build_rpm() {
	rm -rf "$out/rpm"
	mkdir -p "$out/rpm"
	rpmbuild -ta --nodeps --define "_topdir $out/rpm" \
		--define "_smp_mflags -j$jobs" "$tarball" >"$out/rpm/build.log" 2>&1 || {
		tail -n 40 "$out/rpm/build.log" >&2
		echo "pkg-build.sh: rpmbuild failed (log: $out/rpm/build.log)" >&2
		return 1
	}
	find "$out/rpm/RPMS" "$out/rpm/SRPMS" -name '*.rpm' -exec cp {} "$out/" \;
	rm -rf "${out:?}/rpm/BUILD" "${out:?}/rpm/BUILDROOT"
	if command -v rpmlint >/dev/null; then
		# the filters, with their reasons, come with the tarball
		tar -xzOf "$tarball" "$base/installer/rpm/duet.rpmlintrc" >"$out/rpm/duet.rpmlintrc"
		rpmlint -r "$out/rpm/duet.rpmlintrc" \
			"$out"/*.rpm >"$out/rpmlint.log" 2>&1 || true
	fi
}

case $mode in
deb) build_deb ;;
rpm) build_rpm ;;
both) build_deb && build_rpm ;;
esac
