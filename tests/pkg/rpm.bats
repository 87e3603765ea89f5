#!/usr/bin/env bats
#
# The RPMs built with rpmbuild -ta from the make dist tarball: the version
# of configure.ac, authkeys 0600 and never readable by others while rpm
# installs it, %config(noreplace) files, the DKMS scriptlets, and no
# rpmlint error beyond the findings installer/rpm/duet.rpmlintrc explains.

load lib/pkg

setup_file() {
	pkg_require
}

@test "the rpms have configure.ac's version; duet-dkms is noarch and needs dkms" {
	run rpm -qp --qf '%{VERSION}-%{RELEASE} %{ARCH}\n' "$PKG_RPM" "$PKG_RPM_DKMS"
	assert_line --index 0 "$PKG_VERSION-1 $(uname -m)"
	assert_line --index 1 "$PKG_VERSION-1 noarch"
	run rpm -qpR "$PKG_RPM_DKMS"
	assert_line dkms
}

@test "authkeys is root's, mode 0600 (rpm -qplv)" {
	run rpm -qplv "$PKG_RPM"
	assert_line --regexp '^-rw------- +1 root +root .* /etc/ha\.d/authkeys$'
	assert_line --regexp '^-rw-r--r-- +1 root +root .* /etc/ha\.d/ha\.cf$'
}

@test "rpm never lets others read authkeys while it installs it" {
	local root=$BATS_TEST_TMPDIR/root
	mkdir -p "$root"
	[[ $EUID -ne 0 ]] || rpm --root "$root" --initdb
	pkg_unpacks_authkeys_private "$root/etc/ha.d/authkeys" \
		rpm --root "$root" --nodeps --noscripts -i "$PKG_RPM"
}

@test "the configuration files are %config(noreplace): duet.conf and the ha.d samples" {
	run rpm -qpc "$PKG_RPM"
	assert_equal "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" \
		"/etc/duet.conf /etc/ha.d/authkeys /etc/ha.d/ha.cf /etc/ha.d/haresources "
	# noreplace: a changed file stays, the package's goes to .rpmnew
	run rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$PKG_RPM"
	assert_line 'cn /etc/ha.d/authkeys'
	assert_line 'cn /etc/duet.conf'
}

@test "duet-dkms's %post adds, builds and installs the module with dkms, %preun removes it" {
	run rpm -qp --scripts "$PKG_RPM_DKMS"
	assert_line --partial "dkms add -m duet -v $PKG_VERSION"
	assert_line --partial "dkms build -m duet -v $PKG_VERSION"
	assert_line --partial "dkms install -m duet -v $PKG_VERSION"
	assert_line --partial "dkms remove -m duet -v $PKG_VERSION --all"
}

@test "the units are not enabled on installation; duetd is restarted on upgrade" {
	run rpm -qp --scripts "$PKG_RPM"
	refute_line --regexp 'systemctl .*(enable|preset)'
	assert_line --partial 'systemctl try-restart duetd.service'
	refute_line --regexp 'systemctl (try-)?(re)?start duet(-firewall)?\.service'
}

@test "rpmlint: no error beyond what duet.rpmlintrc explains" {
	command -v rpmlint >/dev/null || skip "rpmlint is not installed"
	run cat "$PKG_OUT/rpmlint.log"
	assert_output --partial 'rpmlint session starts'
	refute_line --regexp ': E: '
}
