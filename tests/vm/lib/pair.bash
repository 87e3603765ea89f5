# shellcheck shell=bash
# Helpers of the test files that run duet.ko on both nodes
# (tests/vm/duet-repl*.bats); load after lib/bed. Commands in single quotes
# are expanded in the guest.
# shellcheck disable=SC2016

# Why the pair cannot run here (empty when it can): duet.ko and duetadm.
pair_missing() { duet_missing duetadm; }

# setup_file: both nodes booted with duetadm in /usr/sbin
pair_setup_file() {
	[ -z "$(pair_missing)" ] || return 0
	local adm=${DUET_BUILDDIR:-$BATS_TEST_DIRNAME/../..}/daemon/duetadm
	bed_setup_file alice bob -- --add "$adm:/usr/sbin/duetadm"
}

# setup: skipped (never passed) without duet.ko; steps build on each other
pair_setup() {
	local why
	why=$(pair_missing)
	[ -z "$why" ] || skip "$why"
	bed_setup --steps
}

# adm NODE ARGS...: duetadm with /etc/duet.conf on NODE
adm() { local n=$1; shift; on "$n" "duetadm -c /etc/duet.conf $*"; }

# in_sync NODE [SECS]: Connected, UpToDate/UpToDate, any roles
in_sync() {
	wait_until "$1" 'grep -q "cs:Connected ro:[A-Za-z]*/[A-Za-z]* ds:UpToDate/UpToDate" /proc/duet' "${2:-120}"
}

# disk_md5 NODE MIB: md5 of the first MIB MiB of the backing disk, read
# past the page cache
disk_md5() {
	on "$1" "echo 3 > /proc/sys/vm/drop_caches; gdd if=/dev/vda bs=1M count=$2 iflag=direct status=none | md5sum | cut -d' ' -f1"
}

# assert_same_disks MIB: both backing disks hold the same first MIB MiB
assert_same_disks() {
	local a b
	a=$(disk_md5 alice "$1")
	b=$(disk_md5 bob "$1")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		fail "backing disks differ: alice $a, bob $b"
	fi
}

# assert_clean_dmesg NODE: no oops, BUG or WARN in its kernel log
assert_clean_dmesg() {
	run on "$1" 'dmesg | grep -E "BUG|WARNING|Oops|Call Trace|general protection" || true'
	assert_output ''
}

# assert_down_unloaded: down r0 on bob, then on alice; duet.ko unloads on
# both and /proc/duet is gone
assert_down_unloaded() {
	local n
	for n in bob alice; do
		run adm "$n" down r0
		assert_success
		run on "$n" 'rmmod duet && ! test -e /proc/duet'
		assert_success
	done
}
