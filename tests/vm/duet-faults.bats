#!/usr/bin/env bats
# duet.ko on one node when things go wrong, and what a DRBD user expects
# to find: the /dev/drbd0 link and /proc/drbd (also with drbd.ko loaded
# after duet.ko); flush, FUA, discard and write-zeroes reaching the
# backing disk; backing-disk I/O errors (the bed's disk_fail hook) under
# each on-io-error policy; malformed generic netlink requests (the
# tests/kmod/nlfuzz.c program); and through all of it no oops, no BUG,
# no WARN, and a module that unloads.
# Needs DUET_KO (tests/run-tier vm sets it) and duetadm from the build;
# skipped without them. The steps build on each other (--steps).

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed

# $1: on-io-error policy
duet_conf() {
	cat <<EOF
global { usage-count no; }
resource r0 {
  protocol C;
  device    /dev/drbd0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  disk { on-io-error $1; }
  handlers { local-io-error "echo \"called \$DRBD_RESOURCE \$DRBD_MINOR\" >> /run/local-io-error.log"; }
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}
EOF
}

missing() {
	local why
	why=$(duet_missing duetadm)
	if [ -n "$why" ]; then
		echo "$why"
	elif ! command -v cc >/dev/null; then
		echo "no C compiler for tests/kmod/nlfuzz.c"
	fi
}

setup_file() {
	[ -z "$(missing)" ] || return 0
	local adm=${DUET_BUILDDIR:-$BATS_TEST_DIRNAME/../..}/daemon/duetadm
	local src=$BATS_TEST_DIRNAME/../..
	cc -std=c11 -Wall -Wextra -Werror -O2 -I"$src" \
		-o "$BATS_FILE_TMPDIR/nlfuzz" "$src/tests/kmod/nlfuzz.c" || return 1
	# util-linux's blkdiscard (busybox's has no -z) under its own name
	bed_setup_file alice -- --add "$adm:/usr/sbin/duetadm" \
		--add "$BATS_FILE_TMPDIR/nlfuzz:/usr/bin/nlfuzz" \
		--add "$(command -v blkdiscard):/usr/bin/ul-blkdiscard"
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

# use_policy POLICY: r0 down, duet.conf with that on-io-error, up, primary
use_policy() {
	on alice 'duetadm -c /etc/duet.conf down r0 >/dev/null 2>&1; true'
	duet_conf "$1" | on_stdin alice 'cat > /etc/duet.conf' || return 1
	# up connects: WFConnection, the peer is not booted
	adm up r0 >/dev/null 2>&1
	adm primary --force r0 >/dev/null || return 1
	on alice 'grep -q "ds:UpToDate" /proc/duet'
}

# vda_stat FIELD: a field of /sys/block/vda/stat (1-based)
vda_stat() {
	on alice "awk '{print \$$1}' /sys/block/vda/stat"
}

# no oops, no BUG, no WARN in the kernel log so far
assert_clean_dmesg() {
	run on alice 'dmesg | grep -E "BUG|Oops|WARNING:|general protection|Call Trace"'
	assert_failure
}

@test "step 1: up links /dev/drbd0 to /dev/duet0; /proc/drbd is /proc/duet's text" {
	run on alice 'modprobe duet && grep -q "^duet " /proc/modules'
	assert_success
	run on_stdin alice 'cat > /etc/duet.conf' < <(duet_conf detach)
	assert_success
	run adm create-md r0 '</dev/null'
	assert_success
	run adm up r0
	run on alice 'readlink /dev/drbd0 && test -b /dev/drbd0'
	assert_success
	assert_output '/dev/duet0'
	run on alice 'diff /proc/drbd /proc/duet && grep -c "^ 0: cs:WFConnection" /proc/drbd'
	assert_success
	assert_output '1'
	# down removes the link; attach (after new-minor) makes it again
	run adm down r0
	assert_success
	run on alice 'test -e /dev/drbd0 || test -L /dev/drbd0'
	assert_failure
	run adm up r0
	run adm primary --force r0
	assert_success
	run on alice 'readlink /dev/drbd0'
	assert_output '/dev/duet0'
}

@test "step 2: queue limits, flush, FUA, discard and write-zeroes as on the backing disk" {
	local a v d cap
	for a in logical_block_size physical_block_size discard_granularity write_cache; do
		run on alice "cat /sys/block/vda/queue/$a /sys/block/duet0/queue/$a | uniq | wc -l"
		assert_success
		[ "$output" = 1 ] || fail "queue/$a differs: $(on alice "cat /sys/block/vda/queue/$a /sys/block/duet0/queue/$a")"
	done
	# request sizes: the backing disk's, capped at 1 MiB (one write is one
	# DATA packet of the replication protocol, at most 1 MiB; the activity
	# log alone would allow 8 MiB)
	for a in max_sectors_kb:1024 discard_max_bytes:1048576 write_zeroes_max_bytes:1048576; do
		cap=${a#*:} a=${a%%:*}
		v=$(on alice "cat /sys/block/vda/queue/$a")
		d=$(on alice "cat /sys/block/duet0/queue/$a")
		[ "$v" -gt "$cap" ] && v=$cap
		[ "$d" = "$v" ] || fail "queue/$a of duet0 is $d, expected $v (vda's, at most $cap)"
	done
	run on alice 'cat /sys/block/duet0/queue/discard_max_bytes'
	[ "$output" -gt 0 ] || fail "vda in the bed has no discard: $output"

	# a flush of /dev/duet0 (fsync without data) is a flush of vda
	local before after
	before=$(vda_stat 16)
	run on alice 'gdd if=/dev/zero of=/dev/drbd0 bs=4k count=0 conv=fsync 2>&1'
	assert_success
	after=$(vda_stat 16)
	[ "$after" -gt "$before" ] || fail "no flush reached vda: $before -> $after"

	# FUA writes (O_DIRECT|O_DSYNC) complete with the data on vda
	before=$(vda_stat 16)
	run on alice 'gdd if=/dev/urandom of=/run/blk bs=4k count=16 2>/dev/null &&
		gdd if=/run/blk of=/dev/drbd0 bs=4k count=16 seek=100 oflag=direct,dsync 2>&1 &&
		gdd if=/dev/vda bs=4k count=16 skip=100 iflag=direct 2>/dev/null | cmp - /run/blk'
	assert_success
	after=$(vda_stat 16)
	[ "$after" -gt "$before" ] || fail "FUA writes made no flush (or FUA) on vda: $before -> $after"

	# discard reaches vda (discard requests, field 12)
	before=$(vda_stat 12)
	run on alice 'ul-blkdiscard -o 1048576 -l 1048576 /dev/drbd0'
	assert_success
	after=$(vda_stat 12)
	[ "$after" -gt "$before" ] || fail "no discard reached vda: $before -> $after"

	# write-zeroes: the range reads back as zeros through duet and on vda
	run on alice 'gdd if=/run/blk of=/dev/drbd0 bs=4k count=16 seek=200 oflag=direct 2>/dev/null &&
		ul-blkdiscard -z -o $((200 * 4096)) -l $((16 * 4096)) /dev/drbd0 &&
		gdd if=/dev/zero bs=4k count=16 2>/dev/null > /run/zero &&
		gdd if=/dev/drbd0 bs=4k count=16 skip=200 iflag=direct 2>/dev/null | cmp - /run/zero &&
		gdd if=/dev/vda bs=4k count=16 skip=200 iflag=direct 2>/dev/null | cmp - /run/zero'
	assert_success
	assert_clean_dmesg
}

@test "step 3: on-io-error detach: EIO to the writer, Failed then Diskless (events), backing disk released" {
	# no lazy init: no background writes that would fail before ours
	run on alice 'mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 /dev/drbd0 &&
		mkdir -p /drbd && mount /dev/drbd0 /drbd && echo before > /drbd/a && sync'
	assert_success
	run on alice 'duetadm -c /etc/duet.conf events r0 > /run/events.log 2>&1 & echo $! > /run/events.pid'
	assert_success
	on alice 'dmesg -c > /dev/null'
	disk_fail alice vda write
	run on alice 'gdd if=/dev/urandom of=/drbd/b bs=4k count=64 conv=fsync 2>&1'
	assert_failure
	run wait_until alice 'grep -q "ds:Diskless" /proc/duet' 60
	assert_success
	run on alice 'grep "^ 0:" /proc/duet'
	assert_output ' 0: cs:WFConnection ro:Primary/Unknown ds:Diskless/DUnknown C r-----'
	run on alice 'dmesg'
	assert_output --regexp 'duet0: write error -5 on the backing disk at sector [0-9]+'
	assert_output --partial 'duet0: disk( UpToDate -> Failed )'
	assert_output --partial 'duet0: detached from the failed backing disk'
	# the event stream saw both changes
	run on alice 'kill $(cat /run/events.pid); cat /run/events.log'
	assert_output --regexp 'disk:Failed'
	assert_output --regexp 'disk:Diskless'
	# I/O after the detach fails cleanly; the file system unmounts
	# (O_DIRECT: the write goes to the device now, not to the page cache)
	run on alice 'gdd if=/dev/zero of=/drbd/c bs=4k count=1 oflag=direct 2>&1'
	assert_failure
	run on alice 'umount /drbd'
	assert_success
	run on alice 'gdd if=/dev/drbd0 of=/dev/null bs=4k count=1 iflag=direct'
	assert_failure
	# vda is free again: opened exclusively by nobody
	run on alice 'exec 3<>/dev/vda && echo opened'
	assert_success
	assert_output 'opened'
	assert_clean_dmesg
	# healed, the disk attaches again
	disk_heal alice vda
	run adm attach r0
	assert_success
	run on alice 'grep "^ 0:" /proc/duet'
	refute_output --partial 'Diskless'
}

@test "step 4: on-io-error pass_on: EIO to the writer, the disk stays attached" {
	run use_policy pass_on
	assert_success
	on alice 'dmesg -c >/dev/null'
	disk_fail alice vda write
	run on alice 'gdd if=/dev/urandom of=/dev/drbd0 bs=4k count=4 seek=10 oflag=direct 2>&1'
	assert_failure
	assert_output --partial 'Input/output error'
	sleep 2
	run on alice 'grep "^ 0:" /proc/duet'
	assert_output ' 0: cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown C r-----'
	run on alice 'dmesg'
	assert_output --regexp 'duet0: write error -5 on the backing disk at sector 80 \(error [0-9]+, on-io-error pass_on\)'
	refute_output --partial 'Failed'
	# reads still work, and writes once the disk is healed
	run on alice 'gdd if=/dev/drbd0 of=/dev/null bs=4k count=4 iflag=direct 2>&1'
	assert_success
	disk_heal alice vda
	run on alice 'gdd if=/dev/zero of=/dev/drbd0 bs=4k count=4 seek=10 oflag=direct 2>&1'
	assert_success
	assert_clean_dmesg
}

@test "step 5: on-io-error call-local-io-error: the handler runs (duetadm local-io-error r0), then detach" {
	run use_policy call-local-io-error
	assert_success
	run on alice 'rm -f /run/local-io-error.log; dmesg -c >/dev/null'
	disk_fail alice vda rw
	run on alice 'gdd if=/dev/drbd0 of=/dev/null bs=4k count=4 iflag=direct 2>&1'
	assert_failure
	run wait_until alice 'grep -q "ds:Diskless" /proc/duet' 60
	assert_success
	run on alice 'cat /run/local-io-error.log'
	assert_output 'called r0 0'
	run on alice 'dmesg'
	assert_output --partial 'duet0: calling helper: /usr/sbin/duetadm local-io-error r0'
	assert_output --partial 'returned 0'
	assert_output --partial 'duet0: detached from the failed backing disk'
	disk_heal alice vda
	assert_clean_dmesg
}

@test "step 5b: a failed meta-data write detaches, even under pass_on" {
	run use_policy pass_on
	assert_success
	on alice 'dmesg -c >/dev/null'
	disk_fail alice vdb write
	# demotion records the role in the superblock on /dev/vdb
	run adm secondary r0
	run wait_until alice 'grep -q "ds:Diskless" /proc/duet' 60
	assert_success
	run on alice 'dmesg'
	assert_output --partial 'duet0: writing the meta-data superblock failed: -5'
	assert_output --partial 'duet0: meta-data I/O error -5: detaching'
	assert_output --partial 'duet0: detached from the failed backing disk'
	disk_heal alice vdb
	assert_clean_dmesg
}

@test "step 6: malformed generic netlink requests are refused; the module unloads" {
	run adm down r0
	assert_success
	run on -t 600 alice 'nlfuzz --random 400 --seed 7'
	echo "$output" > "$BATS_FILE_TMPDIR/nlfuzz.out"
	assert_success
	assert_output --partial '0 failures'
	# the refusals are the validation's, not an accident
	assert_output --regexp 'ok +unknown command 200 +error -95'
	assert_output --regexp 'ok +resource name of 599 bytes +error -(34|22)'
	assert_output --regexp 'ok +NEW_MINOR minor 256 \(out of range\) +retcode [0-9]+'
	assert_output --regexp 'ok +ATTACH on-io-error 99 +error -34'
	assert_output --partial '400 random messages answered'
	assert_clean_dmesg
	run on alice 'rmmod duet && ! grep -q "^duet " /proc/modules && ! test -e /proc/duet'
	assert_success
}

@test "step 7: /proc/drbd goes to drbd.ko when it loads and comes back when it leaves" {
	run on alice 'modprobe duet && diff /proc/drbd /proc/duet && modprobe drbd && head -n 1 /proc/drbd'
	assert_success
	assert_output --regexp '^version: 8\.4\.'
	run on alice 'dmesg | grep "duet: drbd.ko is loading"'
	assert_success
	run on alice 'rmmod drbd && diff /proc/drbd /proc/duet && rmmod duet && ! test -e /proc/drbd'
	assert_success
	# drbd.ko first: duet leaves /proc/drbd to it; proc_drbd=1 refuses
	run on alice 'modprobe drbd && modprobe duet && head -n 1 /proc/drbd && rmmod duet'
	assert_success
	assert_output --regexp '^version: 8\.4\.'
	# (busybox modprobe exits 0 even when the module's init fails)
	run on alice 'modprobe duet proc_drbd=1; grep "^duet " /proc/modules'
	assert_failure
	run on alice 'dmesg | grep "cannot create /proc/drbd (proc_drbd=1)"'
	assert_success
	run on alice 'rmmod drbd && modprobe duet proc_drbd=0 && ! test -e /proc/drbd && test -e /proc/duet && rmmod duet'
	assert_success
	assert_clean_dmesg
}
