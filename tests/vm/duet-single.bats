#!/usr/bin/env bats
# duet.ko on one node (the single-node half of the device): create-md on
# the paper's separate meta-data disk (meta-disk /dev/vdb[0]), attach,
# roles and the open rules, ext4 on the device, /proc/duet, down, unload,
# and the data and the meta data still there after reloading.
# Needs DUET_KO (tests/run-tier vm sets it) and duetadm from the build
# (DUET_BUILDDIR, or the source tree); skipped, never passed, without them.
# The steps build on each other; once one fails the rest are skipped.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed

DUET_CONF='global { usage-count no; }
resource r0 {
  protocol C;
  device    /dev/drbd0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}'

missing() { duet_missing duetadm; }

setup_file() {
	[ -z "$(missing)" ] || return 0
	local adm=${DUET_BUILDDIR:-$BATS_TEST_DIRNAME/../..}/daemon/duetadm
	bed_setup_file alice -- --add "$adm:/usr/sbin/duetadm"
}
teardown_file() { bed_teardown_file; }
setup() {
	local why
	why=$(missing)
	[ -z "$why" ] || skip "$why"
	bed_setup --steps
}
teardown() { bed_teardown; }

adm() { on alice "duetadm -c /etc/duet.conf $*"; }

@test "step 1: modprobe duet, duet.conf, create-md on /dev/vdb[0]" {
	run on_stdin alice 'modprobe duet && cat > /etc/duet.conf && head -n 1 /proc/duet' <<<"$DUET_CONF"
	assert_success
	assert_output --regexp '^version: [0-9.]+ \(api:1/proto:1-1\)$'
	run adm create-md r0 '</dev/null'
	assert_success
	assert_output --partial 'new duet meta-data written'
	run adm dump-md r0
	assert_success
	assert_output --partial 'md-index 0'
}

@test "step 2: up: the minor exists, disk Inconsistent, Secondary waiting for the peer (WFConnection)" {
	# up creates the resource and the minor, attaches and connects: alone
	# in this bed, the node waits for its peer
	run adm up r0
	run on alice 'cat /proc/duet'
	assert_line --regexp '^ 0: cs:WFConnection ro:Secondary/Unknown ds:Inconsistent/DUnknown C r-----$'
	assert_line --regexp '^    ns:0 nr:0 dw:0 dr:0 al:[0-9]+ bm:[0-9]+ lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0$'
	run on alice 'test -b /dev/duet0'
	assert_success
}

@test "step 3: a Secondary refuses to be opened, even read-only" {
	run on alice 'dd if=/dev/duet0 of=/dev/null bs=4k count=1'
	assert_failure
	run on alice 'dd if=/dev/zero of=/dev/duet0 bs=4k count=1'
	assert_failure
	run on alice 'dmesg | grep "duet0: open"'
	assert_output --partial 'refused'
}

@test "step 4: primary needs UpToDate data; primary --force promotes" {
	run adm primary r0
	assert_failure
	assert_output --partial 'UpToDate'
	run adm primary --force r0
	assert_success
	run on alice 'grep "^ 0:" /proc/duet'
	assert_output ' 0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----'
}

@test "step 5: mkfs.ext4, mount /drbd, write 'drbd test'; counters move" {
	run on alice 'mkfs.ext4 -q -F /dev/duet0 && mkdir -p /drbd && mount -t ext4 /dev/duet0 /drbd && echo "drbd test" > /drbd/test && sync && cat /drbd/test'
	assert_success
	assert_output 'drbd test'
	run on alice 'sed -n "s/.* dw:\([0-9]*\) .*/\1/p" /proc/duet'
	assert_success
	[ "$output" -gt 0 ] || fail "dw did not count the writes: $output"
	# not connected: every written block is out of sync with the absent peer
	run on alice 'sed -n "s/.* oos:\([0-9]*\)$/\1/p" /proc/duet'
	[ "$output" -gt 0 ] || fail "oos did not count: $output"
}

@test "step 6: demotion fails while mounted, works after umount; Secondary cannot be mounted" {
	run adm secondary r0
	assert_failure
	assert_output --partial 'held open'
	run on alice 'umount /drbd'
	assert_success
	run adm secondary r0
	assert_success
	run on alice 'mount -t ext4 /dev/duet0 /drbd'
	assert_failure
}

@test "step 7: down and rmmod leave nothing; reload, attach: UpToDate from the meta data, data intact" {
	run adm down r0
	assert_success
	run on alice 'rmmod duet && ! test -e /proc/duet && ! test -e /dev/duet0'
	assert_success
	run on alice 'modprobe duet'
	assert_success
	run adm up r0
	run on alice 'grep "^ 0:" /proc/duet'
	assert_output ' 0: cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown C r-----'
	run adm primary r0
	assert_success
	run on alice 'mount -t ext4 /dev/duet0 /drbd && cat /drbd/test && umount /drbd'
	assert_success
	assert_output 'drbd test'
}

@test "step 7b: one 24 MiB O_DIRECT write (bios past the 8 MiB activity-log cap are split) lands intact on the backing disk" {
	# compacted memory gives dd's buffer long runs of contiguous pages,
	# so the block layer builds bios of several MiB; the write starts
	# 3 MiB into an extent, so its pieces span three extents
	run on alice 'echo 1 > /proc/sys/vm/compact_memory
		gdd if=/dev/urandom of=/tmp/pat bs=1M count=24 2>/dev/null &&
		dw0=$(sed -n "s/.* dw:\([0-9]*\) .*/\1/p" /proc/duet) &&
		gdd if=/tmp/pat of=/dev/duet0 bs=24M count=1 seek=3145728 oflag=direct,seek_bytes 2>/dev/null &&
		dw1=$(sed -n "s/.* dw:\([0-9]*\) .*/\1/p" /proc/duet) &&
		echo "dw $((dw1 - dw0))" &&
		for d in duet0 vda; do
			gdd if=/dev/$d bs=1M count=24 skip=3 iflag=direct 2>/dev/null | md5sum | cut -d" " -f1
		done
		md5sum < /tmp/pat | cut -d" " -f1'
	assert_success
	assert_line --index 0 'dw 24576'
	[ "${#lines[@]}" -eq 4 ] || fail "unexpected output: $output"
	[ "${lines[1]}" = "${lines[3]}" ] || fail "read back through duet0 differs: $output"
	[ "${lines[2]}" = "${lines[3]}" ] || fail "the backing disk differs: $output"
	run on alice 'dmesg | grep -E "duet0: write of|BUG|Oops|WARNING"'
	assert_failure
}

@test "step 8: load/unload cycles with configure/unconfigure leave nothing behind" {
	run adm down r0
	assert_success
	run on alice 'for i in 1 2 3 4 5; do
		modprobe duet || exit 1
		duetadm -c /etc/duet.conf up r0 >/dev/null 2>&1
		grep -q "ds:UpToDate" /proc/duet || exit 2
		duetadm -c /etc/duet.conf down r0 || exit 3
		rmmod duet || exit 4
	done
	! grep -q duet /proc/modules && ! ls /sys/block | grep -q duet'
	assert_success
	run on alice 'dmesg | grep -E "BUG|Oops|WARNING|general protection"'
	assert_failure
}
