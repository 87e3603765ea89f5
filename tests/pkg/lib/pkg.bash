# shellcheck shell=bash
#
# Tier pkg: the packages that tests/run-tier built from the make dist
# tarball with installer/pkg-build.sh, in $DUET_PKG_OUT, for version
# $DUET_PKG_VERSION (configure.ac's). To run one file by hand:
#
#   make dist && installer/pkg-build.sh duet-VERSION.tar.gz /tmp/pkg
#   DUET_PKG_OUT=/tmp/pkg DUET_PKG_VERSION=VERSION bats tests/pkg/deb.bats

PKG_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # used by the test files
PKG_SRCDIR=${DUET_SRCDIR:-$(cd "$PKG_LIB_DIR/../../.." && pwd)}
PKG_OUT=${DUET_PKG_OUT:-}
PKG_VERSION=${DUET_PKG_VERSION:-}
PKG_DEB=$PKG_OUT/duet_$PKG_VERSION-1_$(dpkg --print-architecture).deb
PKG_DEB_DKMS=$PKG_OUT/duet-dkms_$PKG_VERSION-1_all.deb
PKG_RPM=$PKG_OUT/duet-$PKG_VERSION-1.$(uname -m).rpm
PKG_RPM_DKMS=$PKG_OUT/duet-dkms-$PKG_VERSION-1.noarch.rpm

# pkg_require: the four packages are there, or say how to make them
pkg_require() {
	local f
	if [[ -z $PKG_OUT || -z $PKG_VERSION ]]; then
		echo "DUET_PKG_OUT and DUET_PKG_VERSION are not set (tests/pkg/lib/pkg.bash says how)" >&2
		return 1
	fi
	for f in "$PKG_DEB" "$PKG_DEB_DKMS" "$PKG_RPM" "$PKG_RPM_DKMS"; do
		[[ -f $f ]] || { echo "missing package $f" >&2; return 1; }
	done
}

# pkg_extract_deb DEB DIR: the deb's files under DIR, as dpkg would put them
pkg_extract_deb() {
	mkdir -p "$2" && dpkg-deb -x "$1" "$2"
}

# pkg_deb_files DEB: the paths of a deb's regular files and symlinks, one a
# line, "/"-rooted; pkg_deb_dirs DEB: its directories
pkg_deb_files() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort
}
pkg_deb_dirs() {
	dpkg-deb -c "$1" | awk '$1 ~ /^d/ { sub(/^\./, "", $6); sub(/\/$/, "", $6); if ($6 != "") print $6 }' | sort
}

# pkg_rpm_files RPM / pkg_rpm_dirs RPM: the same for an rpm (rpm -qplv)
pkg_rpm_files() {
	rpm -qplv "$1" 2>/dev/null | awk '$1 !~ /^d/ { print $9 }' | sort
}
pkg_rpm_dirs() {
	rpm -qplv "$1" 2>/dev/null | awk '$1 ~ /^d/ { print $9 }' | sort
}

# pkg_setup_root: setup_file of the files that look at the deb's files
# as installed: they are unpacked under $ROOT
pkg_setup_root() {
	pkg_require || return 1
	export ROOT=$BATS_FILE_TMPDIR/root
	pkg_extract_deb "$PKG_DEB" "$ROOT"
}

# pkg_unpacks_authkeys_private FINAL CMD...: runs CMD (dpkg or rpm
# unpacking duet) under strace; every file it creates for authkeys starts
# without permissions for others, and FINAL (where authkeys landed) is
# root's, 0600
pkg_unpacks_authkeys_private() {
	local final=$1
	shift
	[[ $EUID -eq 0 ]] || skip "needs root (a package manager's --root)"
	command -v strace >/dev/null || skip "strace is not installed"
	run strace -f -e trace=open,openat,creat -o "$BATS_TEST_TMPDIR/strace" "$@"
	assert_success
	run grep -E 'authkeys[^"]*", O_[A-Z_|]*O_CREAT' "$BATS_TEST_TMPDIR/strace"
	assert_success
	refute_output --regexp 'O_CREAT[A-Z_|]*, 0[0-7]*[1-7]\)'
	run stat -c '%a %U' "$final"
	assert_output "600 root"
}

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
