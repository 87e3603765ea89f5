#!/usr/bin/env bats
#
# The Debian packages built from the make dist tarball: lintian clean
# (overrides give their reasons), the version of configure.ac, authkeys
# 0600 in the archive and never readable by others while dpkg unpacks it,
# the conffiles, the maintainer scripts (units and init scripts neither
# enabled nor started on installation; DKMS in duet-dkms), dkms.conf and
# the module source it builds from.

load lib/pkg

setup_file() {
	pkg_require
}

@test "lintian reports no error and no warning (overrides carry their reasons)" {
	run cat "$PKG_OUT/lintian.log"
	refute_line --regexp '^[EW]: '
	# every override is used: none hides a tag that is no longer there
	refute_line --regexp '(unused|mismatched)-override'
}

@test "the packages have configure.ac's version, duet-dkms is for all architectures" {
	run dpkg-deb -f "$PKG_DEB" Version
	assert_output "$PKG_VERSION-1"
	run dpkg-deb -f "$PKG_DEB_DKMS" Version Architecture Depends
	assert_line "Version: $PKG_VERSION-1"
	assert_line "Architecture: all"
	assert_line --regexp '^Depends: .*dkms'
}

@test "authkeys is root's, mode 0600, in the archive; the other samples 0644" {
	run dpkg-deb -c "$PKG_DEB"
	assert_line --regexp '^-rw------- root/root +[0-9]+ .* \./etc/ha\.d/authkeys$'
	assert_line --regexp '^-rw-r--r-- root/root +[0-9]+ .* \./etc/ha\.d/ha\.cf$'
	assert_line --regexp '^-rw-r--r-- root/root +[0-9]+ .* \./etc/ha\.d/haresources$'
	assert_line --regexp '^-rw-r--r-- root/root +[0-9]+ .* \./etc/duet\.conf$'
}

@test "dpkg never lets others read authkeys while it unpacks it" {
	local root=$BATS_TEST_TMPDIR/root
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
	pkg_unpacks_authkeys_private "$root/etc/ha.d/authkeys.dpkg-new" \
		dpkg --root="$root" --force-all --unpack "$PKG_DEB"
}

@test "the conffiles are duet.conf, the ha.d samples and the init scripts" {
	run dpkg-deb -I "$PKG_DEB" conffiles
	assert_success
	assert_equal "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" \
		"/etc/duet.conf /etc/ha.d/authkeys /etc/ha.d/ha.cf /etc/ha.d/haresources /etc/init.d/duet /etc/init.d/duetd "
}

@test "installation neither enables nor starts a unit or an init script" {
	local post=$BATS_TEST_TMPDIR/postinst
	dpkg-deb -I "$PKG_DEB" postinst >"$post"
	# units are enabled only when the admin had them enabled (an upgrade)
	run awk '/was-enabled/ { guarded = 1 } /^[[:space:]]*fi$/ { guarded = 0 }
		/deb-systemd-helper enable/ { n++; if (!guarded) print "unconditional: " $0 }
		END { print n " enable lines" }' "$post"
	assert_output "3 enable lines"
	# init scripts are registered disabled
	run grep -E 'update-rc\.d duetd? ' "$post"
	assert_line --partial 'update-rc.d duet defaults-disabled'
	assert_line --partial 'update-rc.d duetd defaults-disabled'
	refute_line --regexp 'update-rc\.d duetd? defaults '
	# duetd alone is (re)started, and deb-systemd-invoke starts enabled
	# units only; duet and duet-firewall are never started by dpkg
	run grep -E 'deb-systemd-invoke|invoke-rc\.d' "$post"
	assert_output "		deb-systemd-invoke \$_dh_action 'duetd.service' >/dev/null || true"
}

@test "duet-dkms registers the module with DKMS and removes it again" {
	run dpkg-deb -I "$PKG_DEB_DKMS" postinst
	assert_output --partial 'dkms'
	run dpkg-deb -I "$PKG_DEB_DKMS" prerm
	assert_output --regexp 'dkms.*remove'
}

@test "dkms.conf names duet, its version and the module kmod/duet.ko" {
	local src=$BATS_TEST_TMPDIR/dkms
	pkg_extract_deb "$PKG_DEB_DKMS" "$src"
	local conf=$src/usr/src/duet-$PKG_VERSION/dkms.conf
	assert [ -f "$conf" ]
	run bash -c "source '$conf' && printf '%s\n' \"\$PACKAGE_NAME\" \"\$PACKAGE_VERSION\" \
		\"\${BUILT_MODULE_NAME[0]}\" \"\${BUILT_MODULE_LOCATION[0]}\" \"\${DEST_MODULE_LOCATION[0]}\" \
		\"\$AUTOINSTALL\" \"\${MAKE[0]}\""
	assert_success
	assert_line --index 0 duet
	assert_line --index 1 "$PKG_VERSION"
	assert_line --index 2 duet
	assert_line --index 3 kmod/
	assert_line --index 4 --regexp '^/(kernel|updates|extra)'
	assert_line --index 5 yes
	assert_line --index 6 --partial './configure --with-config=kernel'
}

@test "the module source builds duet.ko from every object Kbuild names" {
	local src=$BATS_TEST_TMPDIR/dkms top
	pkg_extract_deb "$PKG_DEB_DKMS" "$src"
	top=$src/usr/src/duet-$PKG_VERSION
	local f
	for f in configure Makefile.in config.h.in kmod/Makefile.in kmod/Kbuild.in build-aux/install-sh; do
		assert [ -f "$top/$f" ]
	done
	assert [ -x "$top/configure" ]
	# the objects of duet-y in Kbuild.in, each from its .c
	local objs
	objs=$(sed -n '/^duet-y/,/^$/p' "$top/kmod/Kbuild.in" | grep -o '[^[:space:]]*\.o')
	assert [ -n "$objs" ]
	for f in $objs; do
		assert [ -f "$top/kmod/${f%.o}.c" ]
	done
	# and the same files as the tree's own Kbuild.in
	run diff "$PKG_SRCDIR/kmod/Kbuild.in" "$top/kmod/Kbuild.in"
	assert_success
}
