#!/usr/bin/env bats
# duet.ko between two nodes when things go wrong: the peers authenticate
# with a shared secret; protocol C waits for a frozen peer while protocol A
# does not; a replication link cut during writes heals with a resync of the
# written blocks only; a deliberate split brain is detected, leaves both
# nodes StandAlone with their data, and is resolved with
# --discard-my-data; a wrong secret, random bytes and a stock DRBD 8.4 peer
# on port 7788 are refused with a clear log line and no oops.
# Needs DUET_KO (tests/run-tier vm sets it) and duetadm from the build;
# skipped, never passed, without them. The steps build on each other.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed
load lib/pair

# $1: the protocol, $2: the shared secret
duet_conf() {
	cat <<EOF
global { usage-count no; }
resource r0 {
  protocol $1;
  net { cram-hmac-alg sha256; shared-secret "$2"; ping-int 10; ping-timeout 5; connect-int 1; }
  device    /dev/drbd0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}
EOF
}

setup_file() {
	export DUET_VM_DATA_MB=64
	pair_setup_file
}
teardown_file() { bed_teardown_file; }
setup() { pair_setup; }
teardown() { bed_teardown; }

# set_conf NODE PROTOCOL SECRET
set_conf() { duet_conf "$2" "$3" | on_stdin "$1" 'cat > /etc/duet.conf'; }





# the md5 of 1 MiB at MiB offset $2 of NODE's duet0, read past the cache
dev_md5() {
	on "$1" "gdd if=/dev/duet0 bs=1M skip=$2 count=1 iflag=direct status=none | md5sum | cut -d' ' -f1"
}

@test "step 1: both nodes authenticate with the shared secret, connect and sync" {
	for n in alice bob; do
		run on "$n" 'modprobe duet'
		assert_success
		run set_conf "$n" C 'the secret'
		assert_success
		run adm "$n" create-md r0 '</dev/null'
		assert_success
		run adm "$n" up r0
		assert_success
	done
	run wait_until alice 'grep -q "cs:Connected" /proc/duet' 60
	assert_success
	run adm alice primary --force r0
	assert_success
	run in_sync bob
	assert_success
	run on alice 'dmesg | grep "authenticated using"'
	assert_output --partial 'peer 10.77.0.2:7788 authenticated using 32 bytes of HMAC'
	assert_same_disks 64
}

@test "step 2: protocol C: a write waits while the peer is frozen and completes when it thaws" {
	on alice 'gdd if=/dev/urandom of=/tmp/w bs=1M count=1 status=none'
	# an acked write just before: the meta socket's idle timer starts anew,
	# so bob is not pinged (and declared dead) for 10 s
	on alice 'gdd if=/dev/zero of=/dev/duet0 bs=4k count=1 oflag=direct status=none'
	freeze bob
	on alice 'gdd if=/tmp/w of=/dev/duet0 bs=1M seek=2 oflag=direct status=none & echo $! > /tmp/wpid'
	sleep 1
	# still waiting for bob's WRITE_ACK (ping-int 10 s: not yet declared dead)
	run on alice 'kill -0 $(cat /tmp/wpid) && echo waiting'
	thaw bob
	assert_output 'waiting'
	run wait_until alice '! kill -0 $(cat /tmp/wpid) 2>/dev/null' 30
	assert_success
	run in_sync alice 30
	assert_success
	assert_equal "$(dev_md5 alice 2)" "$(on alice 'md5sum < /tmp/w | cut -d" " -f1')"
}

@test "step 3: protocol A: a write completes at once while the peer is frozen" {
	for n in alice bob; do
		run set_conf "$n" A 'the secret'
		assert_success
		run adm "$n" adjust r0
		assert_success
	done
	run on alice 'grep -c " C r-----" /proc/duet; grep -c " A r-----" /proc/duet'
	assert_output $'0\n1'
	freeze bob
	run on -t 20 alice 'gdd if=/tmp/w of=/dev/duet0 bs=1M seek=3 oflag=direct status=none && echo done'
	thaw bob
	assert_output 'done'
	run in_sync alice 60
	assert_success
	for n in alice bob; do
		run set_conf "$n" C 'the secret'
		run adm "$n" adjust r0
		assert_success
	done
}

@test "step 4: link cut during writes: reconnect and resync of only the written blocks" {
	cut_link repl
	run on alice 'gdd if=/dev/urandom of=/dev/duet0 bs=1M count=4 seek=8 oflag=direct status=none'
	assert_success
	run wait_until alice 'grep -q "cs:WFConnection" /proc/duet' 30
	assert_success
	run on alice 'sed -n "s/.* oos:\([0-9]*\)$/\1/p" /proc/duet'
	[ "$output" -ge 4096 ] || fail "oos after 4 MiB written without the peer: $output"
	on alice 'dmesg -c >/dev/null'
	restore_link repl
	run in_sync bob 120
	assert_success
	run on alice 'dmesg | grep "resync as SyncSource"'
	kib=$(sed -n 's/.*: \([0-9]*\) KiB to copy.*/\1/p' <<<"$output")
	# the 4 MiB and what was in flight when the link went, not 64 MiB
	[ -n "$kib" ] && [ "$kib" -ge 4096 ] && [ "$kib" -lt 8192 ] || fail "resync of $kib KiB"
	assert_same_disks 64
}

@test "step 5: split brain: detected on reconnect, both StandAlone, nothing overwritten" {
	cut_link repl
	run wait_until bob 'grep -q "cs:WFConnection" /proc/duet' 30
	assert_success
	run adm bob primary r0
	assert_success
	on alice 'gdd if=/dev/urandom of=/tmp/a bs=1M count=1 status=none; gdd if=/tmp/a of=/dev/duet0 bs=1M seek=20 oflag=direct status=none'
	on bob 'gdd if=/dev/urandom of=/tmp/b bs=1M count=1 status=none; gdd if=/tmp/b of=/dev/duet0 bs=1M seek=21 oflag=direct status=none'
	restore_link repl
	for n in alice bob; do
		run wait_until "$n" 'grep -q "cs:StandAlone" /proc/duet' 60
		assert_success
		run on "$n" 'dmesg | grep -i "split brain"'
		assert_success
	done
	# each kept its own write
	assert_equal "$(dev_md5 alice 20)" "$(on alice 'md5sum < /tmp/a | cut -d" " -f1')"
	assert_equal "$(dev_md5 bob 21)" "$(on bob 'md5sum < /tmp/b | cut -d" " -f1')"
}

@test "step 6: split brain resolved with connect --discard-my-data on bob: alice's data wins" {
	run adm bob secondary r0
	assert_success
	run adm bob connect --discard-my-data r0
	assert_success
	run adm alice connect r0
	assert_success
	run in_sync bob 120
	assert_success
	run on bob 'dmesg | grep -E "duet0: (uuids|.*discard)"'
	assert_output --partial 'rule 90'
	assert_same_disks 64
	assert_equal "$(on bob 'echo 3 > /proc/sys/vm/drop_caches; gdd if=/dev/vda bs=1M skip=20 count=1 iflag=direct status=none | md5sum | cut -d" " -f1')" \
		"$(on alice 'md5sum < /tmp/a | cut -d" " -f1')"
}

@test "step 7: a wrong shared secret is refused on both sides, StandAlone" {
	run adm bob down r0
	assert_success
	run set_conf bob C 'not the secret'
	assert_success
	on alice 'dmesg -c >/dev/null'
	run adm bob up r0
	assert_success
	for n in alice bob; do
		run wait_until "$n" 'grep -q "cs:StandAlone" /proc/duet' 60
		assert_success
	done
	run on alice 'dmesg | grep "authentication of"'
	assert_output --partial 'authentication of 10.77.0.2:7788 failed'
	assert_clean_dmesg alice
	assert_clean_dmesg bob
}

@test "step 8: random bytes and a stock DRBD 8.4 peer on port 7788 are refused, no oops" {
	run adm bob down r0
	assert_success
	run adm alice connect r0
	assert_success
	on alice 'dmesg -c >/dev/null'
	run on bob 'head -c 4096 /dev/urandom | nc -w 2 10.77.0.1 7788; true'
	run wait_until alice 'dmesg | grep -q "protocol error from 10.77.0.2"' 20
	assert_success
	# stock DRBD on bob, the same disks and addresses
	run on_stdin bob 'modprobe drbd && cat > /etc/drbd.conf && drbdadm -- --force create-md r0 >/dev/null 2>&1 && drbdadm up r0 2>&1' <<'EOF'
global { usage-count no; }
resource r0 {
  protocol C;
  device /dev/drbd0; disk /dev/vda; meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}
EOF
	assert_success
	run wait_until alice 'dmesg | grep -q "speaks DRBD"' 60
	assert_success
	run on alice 'grep -c "cs:WFConnection" /proc/duet'
	assert_output 1
	run on bob 'drbdadm down r0; rmmod drbd'
	assert_clean_dmesg alice
	assert_clean_dmesg bob
}
