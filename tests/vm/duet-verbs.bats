#!/usr/bin/env bats
# duetadm's resync-control verbs against duet.ko on two nodes (64 MiB data
# disks): new-current-uuid --clear-bitmap skips the initial sync of a new
# pair; invalidate makes this node SyncTarget of a full resync that
# repairs a disk changed behind duet's back; invalidate-remote makes it
# SyncSource, and pause-sync/resume-sync stop that full sync on both
# nodes (PausedSyncS/PausedSyncT) and let it go on; peer-dead drops the
# link at once and it reconnects; outdate while disconnected leaves an
# Outdated disk that only primary --force promotes; net-options sends the
# file's net section; each refusal says why.
# Needs DUET_KO (tests/run-tier vm sets it) and duetadm from the build;
# skipped, never passed, without them. The steps build on each other.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed
load lib/pair

# $1: extra lines of the resource (a disk section), $2: ping-int
duet_conf() {
	cat <<EOF
global { usage-count no; }
resource r0 {
  protocol C;
  net { ping-int ${2:-1}; ping-timeout 5; connect-int 1; }
  $1
  device    /dev/drbd0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}
EOF
}

# a resync slow enough to catch: fixed rate, 1 MiB/s
SLOW='disk { c-plan-ahead 0; resync-rate 1M; }'

setup_file() {
	export DUET_VM_DATA_MB=64
	pair_setup_file
}
teardown_file() { bed_teardown_file; }
setup() { pair_setup; }
teardown() { bed_teardown; }

# set_conf NODE [DISK-SECTION [PING-INT]]
set_conf() { duet_conf "${2:-}" "${3:-}" | on_stdin "$1" 'cat > /etc/duet.conf'; }

# wait_state NODE EXTENDED-REGEX [SECS]: the device line of /proc/duet
wait_state() {
	wait_until "$1" "grep -qE '$2' /proc/duet" "${3:-120}"
}

oos() { on "$1" 'sed -n "s/.* oos:\([0-9]*\)$/\1/p" /proc/duet'; }

@test "step 1: new-current-uuid --clear-bitmap on a new pair: UpToDate/UpToDate without a resync" {
	for n in alice bob; do
		run on "$n" 'modprobe duet'
		assert_success
		run set_conf "$n"
		assert_success
		run adm "$n" create-md r0 '</dev/null'
		assert_success
		run adm "$n" up r0
		assert_success
	done
	for n in alice bob; do
		run wait_state $n 'cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent' 60
		assert_success
	done
	# while connected only the skip of the initial sync is allowed
	run adm alice new-current-uuid r0
	assert_failure
	assert_output --partial 'disconnect first, or use --clear-bitmap on a new Connected pair'
	run adm alice new-current-uuid --clear-bitmap r0
	assert_success
	for n in alice bob; do
		run in_sync $n 30
		assert_success
		run oos $n
		assert_output 0
	done
	run on alice 'dmesg | grep "initial sync skipped"'
	assert_output --partial 'the peer adopts the UUID'
	run on bob 'dmesg | grep "initial sync skipped by the peer"'
	assert_success
	for n in alice bob; do
		run on $n 'dmesg | grep "resync as" || echo none'
		assert_output none
	done
	# a second skip is refused: the meta data is not new any more
	run adm alice new-current-uuid --clear-bitmap r0
	assert_failure
	assert_output --partial 'just-created meta data'
}

@test "step 2: invalidate on bob: SyncTarget of a full resync that repairs its disk" {
	run adm alice primary r0
	assert_success
	run on alice 'gdd if=/dev/urandom of=/dev/duet0 bs=1M count=8 seek=4 oflag=direct status=none'
	assert_success
	# 4 MiB of bob's backing disk changed behind duet's back
	run on bob 'gdd if=/dev/urandom of=/dev/vda bs=1M count=4 seek=40 oflag=direct status=none'
	assert_success
	[ "$(disk_md5 alice 64)" != "$(disk_md5 bob 64)" ]
	# a Primary keeps its data
	run adm alice invalidate r0
	assert_failure
	assert_output --partial 'a Primary cannot become SyncTarget'
	on bob 'dmesg -c > /dev/null'
	run adm bob invalidate r0
	assert_success
	run in_sync bob 120
	assert_success
	run on bob 'dmesg | grep -E "invalidated|TearDown|resync as|resync done"'
	assert_output --partial 'invalidated: Inconsistent'
	assert_output --partial 'resync as SyncTarget: 65536 KiB to copy'
	assert_output --partial 'resync done'
	run in_sync alice 30
	assert_success
	assert_same_disks 64
}

@test "step 3: invalidate-remote on alice: SyncSource of a full resync (rule 70), slow enough to catch" {
	# the peer is Primary: bob cannot overwrite it
	run adm bob invalidate-remote r0
	assert_failure
	assert_output --partial 'the peer is Primary'
	run adm alice resume-sync r0
	assert_failure
	assert_output --partial 'the resync is not paused'
	# the source's disk options: a fixed 1 MiB/s (step 4 pauses this sync)
	for n in alice bob; do
		run set_conf $n "$SLOW"
		assert_success
		run adm $n adjust r0
		assert_success
	done
	on alice 'dmesg -c > /dev/null'
	on bob 'dmesg -c > /dev/null'
	run adm alice invalidate-remote r0
	assert_success
	run wait_state alice 'cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent' 60
	assert_success
	run wait_state bob 'cs:SyncTarget' 30
	assert_success
	run on alice 'dmesg | grep -E "duet0: uuids|resync as"'
	assert_output --partial 'rule 70'
	assert_output --partial 'resync as SyncSource: 65536 KiB to copy'
}

@test "step 4: pause-sync/resume-sync during that sync: PausedSyncS/PausedSyncT on both, then it finishes" {
	run adm bob pause-sync r0
	assert_success
	run wait_state bob 'cs:PausedSyncT .* r--u' 30
	assert_success
	run wait_state alice 'cs:PausedSyncS .* r-p-' 30
	assert_success
	run adm bob pause-sync r0
	assert_failure
	assert_output --partial 'paused already'
	# nothing moves while paused
	sleep 1
	left=$(oos alice)
	sleep 3
	run oos alice
	assert_output "$left"
	[ "$left" -gt 0 ]
	# alice did not pause it: her resume cannot end bob's pause
	run adm alice resume-sync r0
	assert_failure
	assert_output --partial 'run resume-sync on the peer'
	# back to full speed for the rest: read again when the resync resumes
	for n in alice bob; do
		run set_conf $n
		assert_success
		run adm $n adjust r0
		assert_success
	done
	run adm bob resume-sync r0
	assert_success
	run in_sync bob 120
	assert_success
	run in_sync alice 30
	assert_success
	run on bob 'dmesg | grep -E "resync (paused|resumed)"'
	assert_output --partial 'resync paused by the administrator'
	assert_output --partial 'resync resumed by the administrator'
	assert_same_disks 64
}

@test "step 5: peer-dead: the link drops at once and comes back" {
	on alice 'dmesg -c > /dev/null'
	run adm alice peer-dead r0
	assert_success
	run on alice 'dmesg | grep "connection to"'
	assert_output --partial 'lost (Timeout): the cluster manager declared the peer dead'
	run in_sync alice 60
	assert_success
	run in_sync bob 30
	assert_success
	run on alice 'dmesg | grep -c "duet0: uuids"'
	assert_output 1
}

@test "step 6: outdate: refused while Connected; disconnected: Outdated, primary refused, primary --force works" {
	run adm bob outdate r0
	assert_failure
	assert_output --partial 'Outdated while connected'
	run adm alice secondary r0
	assert_success
	run adm bob disconnect r0
	assert_success
	run wait_state alice 'cs:WFConnection' 30
	assert_success
	# no peer with UpToDate data: invalidate has nothing to take
	run adm alice invalidate r0
	assert_failure
	assert_output --partial 'no peer with UpToDate data is connected'
	run adm bob outdate r0
	assert_success
	run wait_state bob 'cs:StandAlone ro:Secondary/Unknown ds:Outdated/DUnknown' 10
	assert_success
	run adm bob primary r0
	assert_failure
	assert_output --partial 'UpToDate'
	run adm bob primary --force r0
	assert_success
	run wait_state bob 'cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown' 10
	assert_success
	# back together: bob's new generation is synced to alice (rule 70)
	run adm bob secondary r0
	assert_success
	run adm bob connect r0
	assert_success
	run in_sync alice 120
	assert_success
	run in_sync bob 30
	assert_success
	run on bob 'dmesg | grep "duet0: uuids" | tail -n 1'
	assert_output --partial 'rule 70'
}

@test "step 7: net-options: the file's net section is in force; adjust then has nothing to send" {
	for n in alice bob; do
		run set_conf $n '' 3
		assert_success
	done
	run adm alice -d adjust r0
	assert_output --partial 'NET_OPTS'
	run adm alice net-options r0
	assert_success
	run adm alice -d adjust r0
	refute_output --partial 'NET_OPTS'
	run in_sync alice 10
	assert_success
}

@test "step 8: down on both; the module unloads; no oops" {
	for n in alice bob; do
		assert_clean_dmesg $n
	done
	assert_down_unloaded
}
