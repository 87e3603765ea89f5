#!/usr/bin/env bats
#
# The netns test bed itself: three nodes on one LAN (eth0, 10.99.1.0/24,
# a bridge in a switch namespace), a second direct link between a and b
# (eth1, 10.99.2.0/24), a serial line ser0 between a and b. Checks that the
# links and the serial line carry traffic, that nodes are isolated from each
# other and from the host, that killing a node kills all of it, and that
# cleanup leaves nothing behind, also when the script using the bed fails.

load lib/netns

bats_load_library bats-support
bats_load_library bats-assert

_make_bed() {
	bed_init &&
		bed_add_node a && bed_add_node b && bed_add_node c &&
		bed_add_lan eth0 10.99.1 a b c &&
		bed_add_link eth1 10.99.2 a b &&
		bed_add_serial ser0 a b &&
		node_boot a b c
}

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! _make_bed; then
		[[ -z ${BED_DIR:-} ]] || bed_save_logs setup_file-bed
		return 1
	fi
}

teardown_file() {
	bed_cleanup
}

teardown() {
	if [[ -z ${BATS_TEST_COMPLETED:-} && -d ${BED_DIR:-/nonexistent} ]]; then
		bed_save_logs "bed-$BATS_TEST_NAME"
	fi
}

# pings FROM-NODE ADDRESS: one echo request, answered within 2 s
pings() {
	node_exec "$1" ping -n -q -c 1 -W 2 "$2" >/dev/null
}

# procs_mentioning DIR: host processes whose command line contains DIR
procs_mentioning() {
	grep -laF -f <(echo "$1") /proc/[0-9]*/cmdline 2>/dev/null || true
}

@test "every node reaches every other node over the shared LAN" {
	local from to
	for from in a b c; do
		for to in a b c; do
			[[ $from != "$to" ]] || continue
			run pings "$from" "$(node_ip "$to" eth0)"
			assert_success
		done
	done
	# the switch namespace forwards, the host takes no part
	run ip -br addr
	refute_output --partial "10.99.1."
}

@test "the second link joins only a and b, independently of the LAN" {
	run pings a 10.99.2.2
	assert_success
	run pings b 10.99.2.1
	assert_success
	# c has no interface on that link
	run pings c 10.99.2.1
	assert_failure
	run node_exec c ip -br link show eth1
	assert_failure
}

@test "link_down cuts one medium, link_up restores it" {
	link_down a eth1
	run pings a 10.99.2.2
	assert_failure
	run pings a 10.99.1.2
	assert_success
	link_up a eth1
	run wait_until 5 pings a 10.99.2.2
	assert_success
}

@test "the serial line carries bytes both ways" {
	local from to rx
	run serial_is_open ser0 a # nobody has an end open yet
	assert_failure
	for from in a b; do
		if [[ $from == a ]]; then to=b; else to=a; fi
		rx=$BATS_TEST_TMPDIR/rx.$to
		# the reader in the background, output to a file, fd 3 closed for
		# bats; it must have its end open before the writer writes
		node_exec "$to" timeout 30 head -c 12 "$(serial_path ser0 "$to")" >"$rx" 2>&1 3>&- &
		wait_until 10 serial_is_open ser0 "$to"
		node_exec "$from" sh -c "printf 'hello-from-%s' $from > $(serial_path ser0 "$from")"
		wait $!
		run cat "$rx"
		assert_output "hello-from-$from"
	done
}

@test "serial_down holds the bytes back until serial_up" {
	local rx=$BATS_TEST_TMPDIR/rx.held
	node_exec b timeout 30 head -c 4 "$(serial_path ser0 b)" >"$rx" 2>&1 3>&- &
	local reader=$!
	wait_until 10 serial_is_open ser0 b
	serial_down ser0
	node_exec a sh -c "printf 'held' > $(serial_path ser0 a)"
	sleep 1
	run cat "$rx"
	assert_output ""
	serial_up ser0
	wait "$reader"
	run cat "$rx"
	assert_output "held"
}

@test "each node has its own hostname, /etc/ha.d, /var/log, /run and pids" {
	local n probe=probe-$BED_ID
	for n in a b c; do
		run node_exec "$n" hostname
		assert_output "$n"
	done
	run hostname
	refute_output a

	node_exec a sh -c "echo from-a > /etc/ha.d/$probe; echo from-a > /var/log/$probe; echo from-a > /run/$probe"
	run cat "$(node_path a /etc/ha.d/"$probe")"
	assert_output from-a
	run cat "$(node_path a /var/log/"$probe")"
	assert_output from-a
	for n in b c; do
		run node_exec "$n" ls /etc/ha.d/"$probe" /var/log/"$probe" /run/"$probe"
		assert_failure
	done
	[[ ! -e /etc/ha.d/$probe && ! -e /var/log/$probe && ! -e /run/$probe ]]
	# the node starts with the host's /etc/ha.d (heartbeat's harc, rc.d, ...)
	node_exec b test -x /etc/ha.d/harc

	# own pid namespace: PID 1 is the node's init, few processes
	run node_exec b cat /proc/1/cmdline
	assert_output --partial node-init.bash
	run node_exec b sh -c 'ps -e --no-headers | wc -l'
	assert [ "$output" -lt 10 ]
	# nothing of the bed is mounted in the host's mount namespace
	run grep -F "$BED_DIR" /proc/self/mountinfo
	assert_failure
}

@test "node_start runs a daemon inside the node; node_kill takes the whole node down" {
	node_start c sleep 1000
	run wait_until 5 node_exec c pgrep -x sleep
	assert_success
	run node_exec c sh -c 'pgrep -x sleep | wc -l'
	assert [ "$output" -ge 2 ] # the init's own sleep and ours
	run node_pids c
	assert [ "${#lines[@]}" -ge 4 ]

	node_kill c
	run node_is_up c
	assert_failure
	run node_pids c
	assert_output ""
	run node_exec c true
	assert_failure
	assert_output --partial "node 'c' is not running"
	# a crashed node is powered off: it does not even answer ping
	run pings a 10.99.1.3
	assert_failure

	# it boots again, with the same name and network
	node_boot c
	run node_exec c hostname
	assert_output c
	run wait_until 5 pings a 10.99.1.3
	assert_success
}

@test "wait_until returns as soon as the condition holds and fails after its timeout" {
	run wait_until 2 true
	assert_success
	local t0=$SECONDS
	run wait_until 1 false
	assert_failure
	assert_output --partial "timed out after 1s waiting for: false"
	assert [ $((SECONDS - t0)) -le 5 ]
	run wait_until 0.5 sh -c 'echo not yet; exit 1'
	assert_failure
	assert_output --partial "last output: not yet"
}

@test "a script that fails half-way leaves nothing behind (EXIT trap cleanup)" {
	run bash -c "
		set -eu
		source '$BATS_TEST_DIRNAME/lib/netns.bash'
		unset BATS_TEST_FILENAME   # behave like a plain script: install the trap
		bed_init
		echo \"BED=\$BED_DIR ID=\$BED_ID\"
		bed_add_node x; bed_add_node y
		bed_add_lan eth0 10.99.3 x y
		bed_add_link eth1 10.99.4 x y
		bed_add_serial s0 x y
		node_start x sleep 1000
		node_start y sleep 1000
		node_exec x ping -c1 -W2 10.99.3.2 >/dev/null
		echo \"PIDS=\$(node_pids x | tr '\n' ' ')\"
		false
		echo not reached"
	assert_failure
	refute_output --partial "not reached"
	refute_output --partial "left behind"
	local dir id pids p
	dir=$(sed -n 's/^BED=\([^ ]*\) .*/\1/p' <<<"$output")
	id=$(sed -n 's/.* ID=\(.*\)$/\1/p' <<<"$output")
	pids=$(sed -n 's/^PIDS=//p' <<<"$output")
	[[ -n $dir && -n $id && -n $pids ]]
	[[ ! -e $dir ]]
	run ip netns list
	refute_output --partial "duet-$id-"
	for p in $pids; do
		run _bed_proc_start "$p" # fails for a process that is gone (or a zombie)
		assert_failure
	done
	run procs_mentioning "$dir"
	assert_output ""
	run grep -F "$dir" /proc/self/mountinfo
	assert_failure
	# and this file's bed was not touched
	run node_exec a hostname
	assert_output a
}

@test "a failed test's node logs are kept in DUET_TEST_LOGDIR and printed" {
	local logdir=$BATS_TEST_TMPDIR/logs info=$BATS_TEST_TMPDIR/fixture-bed dir id saved
	run env DUET_TEST_LOGDIR="$logdir" FIXTURE_BED_FILE="$info" \
		bats --formatter tap "$BATS_TEST_DIRNAME/fixtures/fails-on-purpose.bats"
	assert_failure
	assert_line "not ok 1 fails on purpose after writing a log inside the node"
	# printed into the TAP output of the failed test
	assert_output --partial "marker-in-ha-log solo"
	assert_output --partial "marker-on-console"
	read -r dir id <"$info"
	# kept on disk, one directory per failed test, one per node inside
	saved=$(find "$logdir" -mindepth 1 -maxdepth 1 -type d -name "*-$id-fixture-*")
	[[ -n $saved ]]
	run cat "$saved/solo/ha-log"
	assert_output "marker-in-ha-log solo"
	run cat "$saved/solo/console.log"
	assert_output --partial marker-on-console
	# and the failing file's bed is gone
	[[ ! -e $dir ]]
	run ip netns list
	refute_output --partial "duet-$id-"
	run procs_mentioning "$dir"
	assert_output ""
}

@test "bed_cleanup removes this bed completely and is idempotent" {
	local dir=$BED_DIR id=$BED_ID
	run bed_cleanup
	assert_success
	[[ ! -e $dir ]]
	run ip netns list
	refute_output --partial "duet-$id-"
	run procs_mentioning "$dir"
	assert_output ""
	run grep -F "$dir" /proc/self/mountinfo
	assert_failure
	run bed_cleanup
	assert_success
}
