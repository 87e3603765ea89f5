#!/usr/bin/env bats
# duet.ko's activity log and bitmap on disk (alice alone): writes to cold
# extents write AL transactions ("al:"), evictions write bitmap pages
# ("bm:"), the bitmap survives down/up, and after a power cut during
# writes the extents the activity log held hot are out of sync, the file
# system is intact.
# Needs DUET_KO (tests/run-tier vm sets it) and duetadm from the build;
# skipped, never passed, without them. The steps build on each other.
#
# The data disk is 512 MiB: 128 extents of 4 MiB, more than the smallest
# al-extents the configuration accepts (67), so extents get evicted.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed

DUET_CONF='global { usage-count no; }
resource r0 {
  protocol C;
  disk { al-extents 67; }
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
	export DUET_VM_DATA_MB=512
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

# counter NAME: its value in /proc/duet
counter() {
	on alice "sed -n 's/.* $1:\\([0-9]*\\).*/\\1/p' /proc/duet"
}

# load the module and the configuration (again after a power cut)
load_conf() {
	on_stdin alice 'modprobe duet && cat > /etc/duet.conf' <<<"$DUET_CONF"
}

# dump-md through a fresh page cache: the module writes past it
dump_md() {
	on alice 'echo 3 > /proc/sys/vm/drop_caches; duetadm -c /etc/duet.conf dump-md r0'
}

@test "step 1: create-md, up, primary: the log starts with one transaction" {
	run load_conf
	assert_success
	run adm create-md r0 '</dev/null'
	assert_success
	run adm up r0
	run on alice 'grep "^ 0:" /proc/duet'
	assert_output --partial 'ds:Inconsistent'
	run adm primary --force r0
	assert_success
	run counter al
	assert_output 1
	run counter oos
	assert_output 0
	# no request larger than 8 MiB: at most 3 extents of the log each
	run on alice 'cat /sys/block/duet0/queue/max_sectors_kb /sys/block/duet0/queue/discard_max_bytes'
	assert_success
	[ "${lines[0]}" -le 8192 ] && [ "${lines[1]}" -le $((8 << 20)) ] ||
		fail "limits: max_sectors_kb ${lines[0]}, discard_max_bytes ${lines[1]}"
}

@test "step 2: writes to cold extents write transactions, hot ones none; evictions write the bitmap" {
	# 4 KiB at the start of extents 0..79, one synchronous write each
	run on alice 'for i in $(seq 0 79); do
		gdd if=/dev/urandom of=/dev/duet0 bs=4k count=1 seek=$((i * 1024)) oflag=direct status=none || exit 1
	done'
	assert_success
	run counter al
	assert_output 81
	# extents 13..79 are hot now: no transaction
	run on alice 'for i in 20 30 79; do
		gdd if=/dev/urandom of=/dev/duet0 bs=4k count=1 seek=$((i * 1024 + 5)) oflag=direct status=none || exit 1
	done'
	assert_success
	run counter al
	assert_output 81
	# a read does not touch the log
	run on alice 'gdd if=/dev/duet0 of=/dev/null bs=4k count=1 skip=$((100 * 1024)) iflag=direct status=none'
	assert_success
	run counter al
	assert_output 81
	# 67 slots, 80 extents: 13 evictions, the first wrote bitmap page 0
	run counter bm
	[ "$output" -ge 1 ] || fail "no bitmap page written on eviction: bm:$output"
	# not connected: every written block is out of sync, 83 of them
	run counter oos
	assert_output $((83 * 4))
	run on alice 'grep -A1 "^ 0:" /proc/duet'
	printf '# %s\n' "${lines[@]}" >&3
}

@test "step 2b: 8 writers in parallel over all 128 extents: no write lost or stuck" {
	local al0
	al0=$(counter al)
	# writer j: 4 KiB of the digit j into extents j, j+8, ... j+120
	run on -t 600 alice 'pids=; for j in 0 1 2 3 4 5 6 7; do
		yes $j | tr -d "\n" | head -c 4096 > /tmp/p$j
		( for i in $(seq 0 15); do
			gdd if=/tmp/p$j of=/dev/duet0 bs=4k seek=$(( (i * 8 + j) * 1024 + 100 )) oflag=direct status=none || exit 1
		done ) &
		pids="$pids $!"
	done
	fail=0; for p in $pids; do wait $p || fail=1; done
	[ $fail = 0 ] || exit 1
	for e in $(seq 0 127); do
		gdd if=/dev/duet0 bs=4k count=1 skip=$((e * 1024 + 100)) iflag=direct status=none | cmp -s - /tmp/p$((e % 8)) || { echo "extent $e wrong"; exit 1; }
	done'
	assert_success
	run counter al
	[ "$output" -gt "$al0" ] && [ "$output" -le $((al0 + 128)) ] ||
		fail "al:$output after al:$al0 and 128 writes"
	echo "# 128 parallel writes: al:$al0 -> al:$output" >&3
	run counter oos
	assert_output $(((83 + 128) * 4))
}

@test "step 3: clean down/up: the bitmap is read back, no extent added" {
	run adm down r0
	assert_success
	run dump_md
	assert_success
	assert_output --partial 'set 211; }'
	assert_output --partial '# clean'
	assert_output --regexp 'hot-extents 67;'
	run adm up r0
	run counter oos
	assert_output $((211 * 4))
	run on alice 'dmesg | grep "unclean shutdown"'
	assert_failure
	assert_output ''
}

@test "step 4: power cut while ext4 is written: hot extents out of sync, fsck clean" {
	run adm primary r0
	assert_success
	run on -t 600 alice 'mkfs.ext4 -q -F -E nodiscard /dev/duet0 && mkdir -p /drbd && mount -t ext4 /dev/duet0 /drbd'
	assert_success
	# a writer that never stops: files rewritten with fsync
	run on alice 'setsid sh -c "i=0; while :; do gdd if=/dev/urandom of=/drbd/f\$((i % 6)) bs=64k count=32 conv=fsync status=none; i=\$((i + 1)); done" </dev/null >/dev/null 2>&1 &
		sleep 4'
	assert_success
	local dw1 dw2
	dw1=$(counter dw)
	sleep 2
	dw2=$(counter dw)
	[ "$dw2" -gt "$dw1" ] || fail "the writer does not write: dw $dw1 -> $dw2"
	run power_off alice
	assert_success
	run boot alice
	assert_success

	run load_conf
	assert_success
	# what the meta data holds before attach: the hot set, the bitmap
	run dump_md
	assert_success
	echo "$output"
	local hot set
	hot=$(sed -n 's/.*hot-extents \([0-9]*\);.*/\1/p' <<<"$output")
	set=$(sed -n 's/.*bits [0-9]*; set \([0-9]*\);.*/\1/p' <<<"$output")
	# was Primary, not shut down cleanly
	assert_output --regexp 'flags 0x[0-9a-f]+;.# primary'
	[ -n "$hot" ] && [ "$hot" -ge 1 ] && [ "$hot" -le 67 ] || fail "hot extents: '$hot'"
	[ -n "$set" ] || fail "no bitmap in dump-md"

	run adm up r0
	run on alice 'dmesg | grep "unclean shutdown"'
	assert_success
	assert_output --regexp "duet0: $hot extents of the activity log marked out of sync after unclean shutdown"
	# oos is the old bitmap plus every block of the hot extents
	local oos lo hi
	oos=$(counter oos)
	lo=$((hot * 4096)); [ $((set * 4)) -gt $lo ] && lo=$((set * 4))
	hi=$((hot * 4096 + set * 4))
	[ "$oos" -ge "$lo" ] && [ "$oos" -le "$hi" ] ||
		fail "oos:$oos not within [$lo, $hi] (hot extents $hot, bits on disk $set)"
	echo "# after the power cut: hot extents $hot, bits on disk $set, oos:$oos in [$lo, $hi]" >&3
	# ... and it is on disk already
	run dump_md
	assert_success
	assert_output --partial "set $((oos / 4)); }"

	# journal replay, then a clean file system
	run adm primary r0
	assert_success
	run on -t 600 alice 'mount -t ext4 /dev/duet0 /drbd && umount /drbd && e2fsck -fn /dev/duet0'
	assert_success
}

@test "step 5: the bitmap persists across down/up after the crash; nothing broke" {
	local oos
	oos=$(counter oos)
	run adm down r0
	assert_success
	run adm up r0
	run counter oos
	assert_output "$oos"
	run on alice 'dmesg | grep -c "marked out of sync after unclean shutdown"'
	assert_output 1
	# a 64 MiB discard is split for the log and marks its range
	run adm primary r0
	assert_success
	local al0
	al0=$(counter al)
	run on alice 'blkdiscard -o 0 -l $((64 << 20)) /dev/duet0'
	assert_success
	run counter al
	[ "$output" -gt "$al0" ] || fail "a discard over 16 extents wrote no transaction: al:$output"
	run counter oos
	[ "$output" -ge $((64 << 10)) ] || fail "the discarded range is not out of sync: oos:$output"
	run adm down r0
	assert_success
	run on alice 'rmmod duet && dmesg | grep -E "BUG|Oops|WARNING|general protection"'
	assert_failure
}
