#!/usr/bin/env bats
# duetadm adjust against the real duet.ko in a guest (alice alone): the
# module answers GET_CONFIG, adjust of an unchanged configuration sends no
# disk request, a changed on-io-error goes out as DISK_OPTS and the module
# takes it, a changed al-extents is refused while attached, a resource that
# is down is brought up. Needs DUET_KO and daemon/duetadm (else skipped).
#
# The module reports its network configuration too (NET_CONF in
# GET_CONFIG): when nothing differs, adjust plans no request at all.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed

missing() { duet_missing duetadm; }

setup_file() {
	local src build
	[ -z "$(missing)" ] || return 0
	src=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	build=${DUET_BUILDDIR:-$src}
	bed_setup_file alice -- --add "$build/daemon/duetadm:/sbin/duetadm" \
		--add "$src/ha.d/duet.conf:/etc/duet.conf"
}
teardown_file() { bed_teardown_file; }
setup() {
	local why
	why=$(missing)
	[ -z "$why" ] || skip "$why"
	bed_setup --steps
}
teardown() { bed_teardown; }

# The requests a dry-run adjust of r0 would send, one command name a line.
planned='duetadm -d adjust r0 | sed -n "s/^genl duet v1 \([A-Z_]*\).*/\1/p"'

@test "adjust: load duet.ko, create-md, up r0" {
	run on alice 'ko=/lib/modules/$(uname -r)/extra/duet.ko
		for d in $(modinfo -F depends $ko | tr , " "); do modprobe $d || exit 1; done
		insmod $ko && duetadm create-md r0 >/dev/null && duetadm up r0; echo "rc=$?"'
	assert_line "rc=0"
	run on alice 'duetadm dstate r0'
	assert_success
	assert_output --regexp '^(UpToDate|Consistent|Inconsistent|Outdated)/'
}

@test "adjust: the same configuration reads GET_CONFIG and plans no disk request" {
	run on alice "$planned"
	assert_success
	# nothing: the disk and the network are as configured
	assert_output ""
	run on alice 'duetadm adjust r0; echo "rc=$?"'
	refute_output --partial "DISK_OPTS"
	refute_output --partial "ATTACH"
	refute_output --partial "NEW_"
	run on alice 'dmesg | grep -c "duet0: attached to /dev/vda"'
	assert_output 1
}

@test "adjust: on-io-error pass_on goes out as DISK_OPTS and the module keeps it" {
	run on alice 'sed -i "/^resource r0 {/a disk { on-io-error pass_on; }" /etc/duet.conf
		duetadm -d adjust r0'
	assert_success
	assert_output --partial "# r0: change disk options of minor 0"
	assert_output --partial "disk-conf.on-io-error = 0 (pass_on)"
	refute_output --partial "disk-conf.backing-dev"
	run on alice 'duetadm adjust r0; echo "rc=$?"; dmesg | grep "duet0: on-io-error"'
	assert_output --partial "duet0: on-io-error pass_on (was detach)"
	refute_output --partial "DISK_OPTS failed"
	# read back: GET_CONFIG now reports pass_on, nothing about the disk left
	run on alice "$planned"
	assert_success
	assert_output ""
}

@test "adjust: al-extents differs: DISK_OPTS refused while attached, with the reason" {
	run on alice 'sed -i "s/on-io-error pass_on;/on-io-error pass_on; al-extents 127;/" /etc/duet.conf
		duetadm -d adjust r0 | grep -e "^genl" -e al-extents'
	assert_line "genl duet v1 DISK_OPTS"
	assert_line "  disk-conf.al-extents = 127"
	run on alice 'duetadm adjust r0; echo "rc=$?"'
	assert_line "rc=1"
	assert_output --partial "al-extents 1237 is in force until the next attach (asked for 127)"
	# detach and adjust: attached again with 127, then nothing differs
	run on alice 'duetadm detach r0 && duetadm adjust r0 >/dev/null 2>&1
		duetadm dstate r0; '"$planned"
	assert_line --index 0 --regexp '^(UpToDate|Consistent|Inconsistent|Outdated)/'
	assert_equal "${#lines[@]}" 1
}

@test "adjust: a resource that is down is brought up" {
	run on alice 'duetadm down r0 && duetadm role r0'
	assert_success
	assert_output "Unconfigured"
	run on alice 'duetadm adjust r0; echo "rc=$?"'
	assert_line "rc=0"
	run on alice 'duetadm role r0; duetadm dstate r0; grep -c "^ 0: cs:" /proc/duet'
	assert_line --index 0 "Secondary/Unknown"
	assert_line --index 1 --regexp '^(UpToDate|Consistent|Inconsistent|Outdated)/'
	assert_line --index 2 "1"
	run on alice "$planned"
	assert_output ""
}

@test "adjust: down, no oops or warning from the module" {
	run on alice 'duetadm down r0 && rmmod duet; dmesg | grep -E -c "BUG|WARNING|Oops|Call Trace"'
	assert_output 0
}
