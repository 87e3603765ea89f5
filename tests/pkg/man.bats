#!/usr/bin/env bats
#
# Man pages as the deb ships them: every command in /usr/sbin and /usr/bin
# has one, and man --warnings finds nothing to say about any page.

load lib/pkg

setup_file() {
	pkg_setup_root
}

@test "every installed command has a man page" {
	local cmd n=0
	for cmd in "$ROOT"/usr/sbin/* "$ROOT"/usr/bin/*; do
		n=$((n + 1))
		ls "$ROOT/usr/share/man/man"[18]/"$(basename "$cmd")".[18].gz >/dev/null 2>&1 ||
			fail "no man page for $(basename "$cmd")"
	done
	assert [ "$n" -ge 5 ]
	assert [ -f "$ROOT/usr/share/man/man5/duet.conf.5.gz" ]
}

@test "man --warnings -l is silent on every page" {
	command -v man >/dev/null || skip "man (man-db) is not installed"
	local page n=0
	for page in "$ROOT"/usr/share/man/man*/*; do
		n=$((n + 1))
		run --separate-stderr env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page"
		assert_success
		[[ -z $stderr ]] || fail "$(basename "$page"): $stderr"
		assert [ -n "$output" ]
	done
	assert [ "$n" -ge 6 ]
}
