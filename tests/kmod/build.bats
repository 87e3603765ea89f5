#!/usr/bin/env bats
# duet.ko compiles against both kernels Debian 12 carries (6.1 and 6.12),
# each with its own configure probes.

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	export SRC="${DUET_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
	export OUT="${DUET_BUILDDIR:-$BATS_FILE_TMPDIR}/tests/kmod-build"
	# newest installed build tree of each series
	K61=$(ls -d /lib/modules/6.1.*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
	K612=$(ls -d /lib/modules/6.12.*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4)
	export K61 K612
}

build_for() {
	run "$SRC/tests/kmod/build-for.sh" "$1" "$OUT/$1"
	assert_success
	assert_output --partial "$OUT/$1/kmod/duet.ko"
}

# An unconfigured copy of what configure needs, to run it in isolation.
copy_unconfigured_tree() {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	(cd "$SRC" && tar cf - configure Makefile.in config.h.in build-aux \
		kmod/Makefile.in kmod/Kbuild.in kmod/duet_main.c) |
		(cd "$BATS_TEST_TMPDIR/src" && tar xf -)
	cd "$BATS_TEST_TMPDIR/src"
}

@test "kernel headers for 6.1 and 6.12 are installed" {
	[ -n "$K61" ] || fail "no /lib/modules/6.1.*/build: install linux-headers-amd64"
	[ -n "$K612" ] || fail "no /lib/modules/6.12.*/build: install linux-headers-6.12-amd64"
}

@test "duet.ko builds against Linux 6.1 and carries its vermagic" {
	[ -n "$K61" ] || skip "no 6.1 headers"
	build_for "$K61"
	run modinfo -F vermagic "$OUT/$K61/kmod/duet.ko"
	assert_success
	[[ "$output" == "$K61 "* ]] || fail "vermagic '$output' is not for $K61"
	run modinfo -F version "$OUT/$K61/kmod/duet.ko"
	assert_output "$(sed -n 's/^PACKAGE_VERSION=.\(.*\).$/\1/p' "$SRC/configure")"
}

@test "duet.ko builds against Linux 6.12 and carries its vermagic" {
	[ -n "$K612" ] || skip "no 6.12 headers"
	build_for "$K612"
	run modinfo -F vermagic "$OUT/$K612/kmod/duet.ko"
	assert_success
	[[ "$output" == "$K612 "* ]] || fail "vermagic '$output' is not for $K612"
}

@test "configure probes tell the 6.1 API from the 6.12 API" {
	[ -n "$K61" ] && [ -n "$K612" ] || skip "needs both header sets"
	local c61="$OUT/$K61/kmod/compat_config.h" c612="$OUT/$K612/kmod/compat_config.h"
	[ -f "$c61" ] || build_for "$K61"
	[ -f "$c612" ] || build_for "$K612"
	# blk_mode_t (6.5) and bdev_file_open_by_path (6.9): only 6.12
	run grep -x '#define HAVE_BLK_MODE_T 1' "$c612"; assert_success
	run grep -x '#define HAVE_BLK_MODE_T 1' "$c61"; assert_failure
	run grep -x '#define HAVE_BDEV_FILE_OPEN_BY_PATH 1' "$c612"; assert_success
	run grep -x '#define HAVE_BDEV_FILE_OPEN_BY_PATH 1' "$c61"; assert_failure
	# the 3-argument blkdev_get_by_path is 6.1's way
	run grep -x '#define HAVE_BLKDEV_GET_BY_PATH_3ARG 1' "$c61"; assert_success
	run grep -x '#define HAVE_BLKDEV_GET_BY_PATH_3ARG 1' "$c612"; assert_failure
	# <linux/unaligned.h> appeared in 6.12
	run grep -x '#define HAVE_LINUX_UNALIGNED_H 1' "$c612"; assert_success
	run grep -x '#define HAVE_LINUX_UNALIGNED_H 1' "$c61"; assert_failure
}

@test "configure names the Debian package when kernel headers are missing" {
	copy_unconfigured_tree
	run ./configure --with-config=kernel --with-linux-obj=/nonexistent/build
	assert_failure
	assert_output --partial "linux-headers-amd64"
}

@test "configure rejects an unknown --with-config" {
	copy_unconfigured_tree
	run ./configure --with-config=bogus
	assert_failure
	assert_output --partial "expected all, kernel or user"
}

@test "kernel sources are checkpatch --no-tree clean" {
	run "$SRC/tests/kmod/checkpatch.sh"
	assert_success
}

@test "checkpatch check catches a style error (the check can fail)" {
	printf '// SPDX-License-Identifier: GPL-2.0-only\nint duet_bad(void)\n{\n        return 1 ;\n}\n' > "$BATS_TEST_TMPDIR/bad.c"
	run "$SRC/tests/kmod/checkpatch.sh" "$BATS_TEST_TMPDIR/bad.c"
	assert_failure 1
	assert_output --partial "ERROR"
}
