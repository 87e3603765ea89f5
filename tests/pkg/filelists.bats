#!/usr/bin/env bats
#
# The deb and the rpm of each package ship the same files. The lists
# (dpkg -c, rpm -qpl) are compared after these normalisations, each one a
# path that must differ between the distributions:
#
#   /lib/systemd/system -> /usr/lib/systemd/system  Debian 12's unit
#       directory is still /lib (systemd.pc, debhelper); Fedora's /usr/lib
#   .gz dropped from man pages and docs  dpkg compresses them (dh_compress),
#       Debian's rpm does not (no brp-compress; Fedora's does)
#   deb only: /etc/init.d/duet, /etc/init.d/duetd  Fedora's and RHEL's
#       guidelines forbid SysV scripts next to systemd units ("service duet
#       start" goes to systemctl there)
#   deb only: /usr/share/doc/PKG/copyright, changelog.Debian  Debian policy
#       (12.5, 12.7): rpm keeps the changelog in its header
#   deb only: /usr/share/lintian/overrides/*  lintian is Debian's
#   rpm only: /usr/lib/.build-id/*  rpm's build-id links
#
# Directories: every directory an rpm owns (%dir) is in the deb too (dpkg
# lists every parent directory, rpm only those it owns).

load lib/pkg

setup_file() {
	pkg_require
}

# normalise: the path rules above, on stdin
normalise() {
	sed -e 's|^/lib/systemd/system/|/usr/lib/systemd/system/|' \
		-e 's|^\(/usr/share/man/.*\)\.gz$|\1|' \
		-e 's|^\(/usr/share/doc/.*\)\.gz$|\1|' |
		grep -v -E '^/etc/init\.d/duetd?$|^/usr/share/doc/[^/]+/(copyright|changelog\.Debian)$|^/usr/share/lintian/overrides/|^/usr/lib/\.build-id(/|$)' |
		sort
}

# same_files DEB RPM
same_files() {
	diff -u <(pkg_deb_files "$1" | normalise) <(pkg_rpm_files "$2" | normalise)
}

@test "duet: the deb and the rpm ship the same files" {
	run same_files "$PKG_DEB" "$PKG_RPM"
	assert_success
}

@test "duet-dkms: the deb and the rpm ship the same files" {
	run same_files "$PKG_DEB_DKMS" "$PKG_RPM_DKMS"
	assert_success
}

@test "every directory the rpms own is in the debs too" {
	local d
	for d in $(pkg_rpm_dirs "$PKG_RPM" | normalise); do
		pkg_deb_dirs "$PKG_DEB" | normalise | grep -qx -- "$d" || fail "duet.deb lacks directory $d"
	done
	for d in $(pkg_rpm_dirs "$PKG_RPM_DKMS" | normalise); do
		pkg_deb_dirs "$PKG_DEB_DKMS" | normalise | grep -qx -- "$d" || fail "duet-dkms.deb lacks directory $d"
	done
}

@test "the exceptions are really there: the deb has what the rules drop" {
	run pkg_deb_files "$PKG_DEB"
	assert_line /etc/init.d/duet
	assert_line /etc/init.d/duetd
	assert_line /lib/systemd/system/duetd.service
	run pkg_rpm_files "$PKG_RPM"
	assert_line /usr/lib/systemd/system/duetd.service
	refute_line --regexp '^/etc/(rc\.d/)?init\.d/'
}

@test "the files the issue names are in both packagings" {
	local f
	for f in /usr/sbin/duetd /usr/sbin/duetadm /usr/sbin/duetctl /usr/sbin/duet-firewall \
		/usr/bin/ha_status /etc/duet.conf /etc/ha.d/ha.cf /etc/ha.d/haresources \
		/etc/ha.d/authkeys /usr/share/duet/firewall/duet.nft \
		/usr/share/duet/firewall/duet.rules.v4 /usr/share/duet/firewall/duet.rules.v6 \
		/usr/share/duet/firewall/duet-replication.xml /usr/share/duet/firewall/duet-heartbeat.xml \
		/usr/lib/systemd/system/duetd.service /usr/lib/systemd/system/duet.service \
		/usr/lib/systemd/system/duet-firewall.service /usr/libexec/duet/check-heartbeat; do
		pkg_rpm_files "$PKG_RPM" | grep -qx -- "$f" || fail "duet.rpm lacks $f"
		pkg_deb_files "$PKG_DEB" | normalise | grep -qx -- "$f" || fail "duet.deb lacks $f"
	done
	pkg_rpm_dirs "$PKG_RPM" | grep -qx /etc/ha.d/resource.d || fail "duet.rpm lacks /etc/ha.d/resource.d"
	pkg_deb_dirs "$PKG_DEB" | grep -qx /etc/ha.d/resource.d || fail "duet.deb lacks /etc/ha.d/resource.d"
}
