#!/usr/bin/env bats
# duet.ko inside a guest: it loads, /proc/duet answers in /proc/drbd's
# format, it unloads. Needs DUET_KO=/path/to/duet.ko built for the guest
# kernel (tests/run-tier vm builds it and sets DUET_KO and DUET_VM_KERNEL);
# without it the test is skipped, never passed.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed

setup_file() {
	[ -z "$(duet_missing)" ] || return 0
	bed_setup_file alice --
}
teardown_file() { bed_teardown_file; }
setup() {
	local why
	why=$(duet_missing)
	[ -z "$why" ] || skip "$why"
	bed_setup
}
teardown() { bed_teardown; }

@test "duet.ko: insmod, /proc/duet starts with 'version:', rmmod" {
	run on alice 'ls /lib/modules/$(uname -r)/extra/duet.ko'
	assert_success
	# its dependencies (if any) first, then the module file itself
	run on alice 'ko=/lib/modules/$(uname -r)/extra/duet.ko
		for d in $(modinfo -F depends $ko | tr , " "); do modprobe $d || exit 1; done
		insmod $ko'
	assert_success
	run on alice 'lsmod | grep "^duet "'
	assert_success
	run on alice 'cat /proc/duet'
	assert_success
	assert_line --index 0 --regexp '^version: '
	printf '# %s\n' "${lines[@]}" >&3
	run on alice 'rmmod duet'
	assert_success
	run on alice 'test -e /proc/duet'
	assert_failure
	# depmod'd in the image: modprobe finds it by name
	run on alice 'modprobe duet && head -n 1 /proc/duet && rmmod duet'
	assert_success
	assert_output --regexp '^version: '
	run on alice 'dmesg | grep -E "Call Trace|BUG:|WARNING:|Oops"'
	assert_failure
}
