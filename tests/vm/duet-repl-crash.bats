#!/usr/bin/env bats
# Protocol C keeps every acknowledged write through a Primary's power
# loss: the Primary writes tagged 4 KiB blocks (O_DIRECT|O_DSYNC, one at a
# time; the host records each write that returned), is powered off at a
# random moment, the Secondary is promoted and must hold every recorded
# block; the crashed node boots, rejoins as SyncTarget and the two backing
# disks end identical. DUET_CRASH_ITERATIONS rounds (default 20), the roles
# alternating. Needs DUET_KO and duetadm (else skipped).

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed
load lib/pair

DUET_CONF='global { usage-count no; }
resource r0 {
  protocol C;
  net { ping-int 1; ping-timeout 5; connect-int 1; }
  device    /dev/drbd0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}'

setup_file() {
	export DUET_VM_DATA_MB=64
	pair_setup_file
}
teardown_file() { bed_teardown_file; }
setup() { pair_setup; }
teardown() { bed_teardown; }

up_node() { # NODE: module, configuration, up
	on_stdin "$1" 'modprobe duet && cat > /etc/duet.conf' <<<"$DUET_CONF" &&
		adm "$1" up r0
}



# writer NODE ROUND: in NODE, tagged synchronous writes to blocks 0, 1,
# 2, ... until it loses power; after each write returned, its tag goes to
# the console, which QEMU writes to the host's console log as it comes
# (the command channel would only answer at the end).
writer() {
	on -t 600 "$1" "i=0
		while [ \$i -lt 4096 ]; do
			tag=\$(printf 'k%02di%04d' $2 \$i)
			yes \$tag | tr -d '\\n' | head -c 4096 |
				gdd of=/dev/duet0 bs=4k seek=\$i count=1 oflag=direct,dsync status=none || exit 1
			echo DUETACK \$tag > /dev/console
			i=\$((i + 1))
		done" >/dev/null 2>&1
}

# acked NODE ROUND: the tags NODE's console reported, in order
acked() {
	grep -a -o "DUETACK k$(printf %02d "$2")i[0-9][0-9][0-9][0-9]" "$(console_log "$1")" |
		sed 's/^DUETACK //'
}

@test "step 1: both nodes up, alice Primary, in sync" {
	for n in alice bob; do
		run on_stdin "$n" 'modprobe duet && cat > /etc/duet.conf' <<<"$DUET_CONF"
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
}

@test "step 2: power off the Primary at random moments: every acknowledged write is on the promoted node" {
	local rounds=${DUET_CRASH_ITERATIONS:-20} k p s log wpid want got a b
	p=alice
	s=bob
	for k in $(seq 1 "$rounds"); do
		log=$BATS_TEST_TMPDIR/acked-$k
		writer "$p" "$k" &
		wpid=$!
		# a random moment, 0.0 to 3.9 s after the first write returned
		# (on a loaded host the writer may take seconds to start)
		local t0=$SECONDS
		until [ -n "$(acked "$p" "$k" | head -n 1)" ]; do
			[ $((SECONDS - t0)) -lt 120 ] || fail "round $k: $p acknowledged no write in 120 s"
			sleep 0.2
		done
		sleep "$((RANDOM % 4)).$((RANDOM % 10))"
		power_off "$p"
		wait "$wpid" || true
		acked "$p" "$k" > "$log"
		[ -s "$log" ] || fail "round $k: no write was acknowledged before the power-off"
		run wait_until "$s" 'grep -q "cs:WFConnection" /proc/duet' 30
		assert_success
		run adm "$s" primary r0
		assert_success
		want=$(cat "$log")
		got=$(on "$s" "gdd if=/dev/duet0 bs=4k count=$(wc -l < "$log") iflag=direct status=none | fold -w 4096 | cut -c1-8")
		[ "$got" = "$want" ] ||
			fail "round $k ($p powered off after $(wc -l < "$log") writes): $s lacks acknowledged writes: $(diff <(echo "$want") <(echo "$got") | head -n 5)"
		# the crashed node comes back as Secondary and catches up
		boot "$p"
		run up_node "$p"
		assert_success
		run in_sync "$p" 180
		assert_success
		run in_sync "$s" 60
		assert_success
		a=$(disk_md5 "$p" 64)
		b=$(disk_md5 "$s" 64)
		[ -n "$a" ] && [ "$a" = "$b" ] || fail "round $k: backing disks differ after the resync ($a, $b)"
		echo "# round $k: $p powered off after $(wc -l < "$log") acknowledged writes; $s had all of them" >&3
		# the roles turn: the survivor stays Primary
		local t=$p
		p=$s
		s=$t
	done
	assert_clean_dmesg alice
	assert_clean_dmesg bob
}
