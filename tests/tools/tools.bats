#!/usr/bin/env bats
# duetctl and ha_status against dd_fakesrv, a stand-in for duetd's IPC
# service with the same service name and request ids (dd_ipc_proto.h), so
# these tests also hold the tools to the contract of daemon/duetd/IPC.md.
#
#   bats tests/tools/            (root; run by the unit tier)
#
# libqb's IPC sockets are abstract unix sockets, and that namespace is one
# per network namespace: each test runs its server and tools inside a
# private network namespace (unshare -n, held by a sleeping process and
# entered with nsenter), so parallel runs, and a real duetd on the host,
# never meet. Without root there is no private namespace: the tests skip.
# (A host with /etc/libqb/force-filesystem-sockets puts the sockets in the
# file system instead; the tests skip there too.)

# shellcheck disable=SC2016,SC2154 # wait_for evaluates its argument; bats sets $stderr
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	export SRC="${DUET_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
	export BUILD="${DUET_BUILDDIR:-$SRC}"
	export DUETCTL="$BUILD/daemon/duetd/duetctl"
	export HA_STATUS="$BUILD/daemon/duetd/ha_status"
	export FAKESRV="$BUILD/tests/tools/dd_fakesrv"
	export DATA="$SRC/tests/tools/data"
}

setup() {
	local p
	for p in "$DUETCTL" "$HA_STATUS" "$FAKESRV"; do
		[ -x "$p" ] || fail "$p is not built (make check-unit builds it)"
	done
	[ "$(id -u)" = 0 ] || skip "needs root for a private network namespace"
	[ ! -e /etc/libqb/force-filesystem-sockets ] || skip "libqb forced to file-system sockets"
	T=$BATS_TEST_TMPDIR
	cp "$DATA/snap-sample.json" "$T/snap.json"
	cp "$DATA/events.txt" "$T/events.txt"
	: >"$T/log"
	SRV="" HA=""
	unshare -n sleep 600 3>&- &
	NSPID=$!
	wait_for '[ "$(readlink /proc/$NSPID/ns/net)" != "$(readlink /proc/self/ns/net)" ]' ||
		fail "no private network namespace"
	export NO_COLOR=
}

teardown() {
	[ -z "${HA:-}" ] || kill "$HA" 2>/dev/null || true
	[ -z "${SRV:-}" ] || kill "$SRV" 2>/dev/null || true
	[ -z "${NSPID:-}" ] || kill "$NSPID" 2>/dev/null || true
	wait 2>/dev/null || true
	if [ -n "${BATS_TEST_COMPLETED:-}" ] || [ -z "${T:-}" ]; then return; fi
	echo "# server log:"; sed 's/^/#   /' "$T/log" 2>/dev/null || true
	[ ! -f "$T/screen" ] || { echo "# screen:"; cat -v "$T/screen" | sed 's/^/#   /'; }
}

# wait_for CONDITION [TENTHS]: true once the shell condition holds
wait_for() {
	local i
	for ((i = 0; i < ${2:-50}; i++)); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}

# ns CMD...: CMD inside the test's network namespace
ns() { nsenter -t "$NSPID" -n -- "$@"; }

# start_server [ARGS...]: dd_fakesrv serving $T/snap.json, ready to answer
start_server() {
	rm -f "$T/pid"
	# nsenter execs the server: $! is its pid
	nsenter -t "$NSPID" -n -- "$FAKESRV" --snapshot "$T/snap.json" --events "$T/events.txt" \
		--log "$T/log" --pidfile "$T/pid" "$@" 3>&- 2>>"$T/server.err" &
	SRV=$!
	wait_for '[ -s "$T/pid" ]' || fail "dd_fakesrv did not start: $(cat "$T/server.err")"
	[ "$(cat "$T/pid")" = "$SRV" ] || fail "dd_fakesrv's pid is not \$!"
}

stop_server() {
	kill "$SRV"
	wait "$SRV" || true
	SRV=""
}

# ha_pid: the ha_status process (script's child, through the shell's exec)
ha_pid() { ps -o pid= --ppid "$HA" | tr -d ' ' | head -n 1; }

# frames: how many times ha_status cleared the screen
frames() { grep -o $'\e\[H\e\[2J' "$T/screen" | wc -l; }

# start_ha_status: ha_status on a pseudo-terminal (90x40), keys from $T/keys
start_ha_status() {
	mkfifo "$T/keys"
	nsenter -t "$NSPID" -n -- script -qfc "stty cols 90 rows 40; exec $HA_STATUS" "$T/screen" \
		<"$T/keys" >/dev/null 2>&1 3>&- &
	HA=$!
	exec 5>"$T/keys"
}

@test "duetctl status, nodes, links: cl_status-like text" {
	start_server
	run -0 ns "$DUETCTL" status
	diff -u "$DATA/duetctl-status.txt" <(printf '%s\n' "$output")
	run -0 ns "$DUETCTL" nodes
	assert_output $'alice: active\nbob: active\n10.78.0.254: ping'
	run -0 ns "$DUETCTL" links
	assert_output $'bob eth1 up\nbob /dev/ttyS1 dead'
	[ "$(grep -c '^STATUS$' "$T/log")" -eq 3 ]
}

@test "duetctl --json: the snapshot as received, nodes and links as arrays" {
	start_server
	run -0 ns "$DUETCTL" --json status
	[ "$output" = "$(cat "$T/snap.json")" ]
	run -0 ns "$DUETCTL" nodes -j
	[ "$(jq -r '.[] | "\(.name)=\(.status)"' <<<"$output" | paste -sd,)" = \
		"alice=active,bob=active,10.78.0.254=ping" ]
	run -0 ns "$DUETCTL" -j links
	[ "$(jq -r '.[] | "\(.node) \(.link) \(.status) \(.last_heard_ms)"' <<<"$output" | paste -sd,)" = \
		"bob eth1 up 120,bob /dev/ttyS1 dead 5230" ]
}

@test "no duetd: exit 3 and 'duetd is not running on this node'" {
	local cmd
	for cmd in "status" "nodes" "links --json" "standby" "takeover local"; do
		# shellcheck disable=SC2086
		run -3 --separate-stderr ns "$DUETCTL" $cmd
		[ "$stderr" = "duetd is not running on this node" ]
		[ -z "$output" ]
	done
	run -3 --separate-stderr ns "$HA_STATUS" --once
	[ "$stderr" = "duetd is not running on this node" ]
	run -3 ns "$HA_STATUS" --json
}

@test "duetctl standby/takeover pass the set and print duetd's message" {
	start_server
	run -0 ns "$DUETCTL" standby local
	assert_output "Going standby [local]."
	run -0 ns "$DUETCTL" takeover foreign
	assert_output "Taking over [foreign]."
	run -0 ns "$DUETCTL" standby
	assert_output "Going standby [all]."
	run cat "$T/log"
	assert_output $'STANDBY local\nTAKEOVER foreign\nSTANDBY all'
}

@test "duetctl standby refused by duetd: its message, exit 1" {
	start_server --refuse "resources are in transition"
	run -1 --separate-stderr ns "$DUETCTL" standby all
	[ "$stderr" = "duetctl: standby all: resources are in transition" ]
	run -1 ns "$DUETCTL" takeover
	assert_output --partial "resources are in transition"
	grep -qx 'STANDBY all' "$T/log"
}

@test "duetctl usage errors: exit 2, nothing sent" {
	start_server
	run -2 ns "$DUETCTL" standby everything
	assert_output --partial "'everything': expected all, local or foreign"
	run -2 ns "$DUETCTL" frobnicate
	run -2 ns "$DUETCTL"
	run -2 ns "$DUETCTL" status extra
	run -2 ns "$DUETCTL" --json standby
	run -2 ns "$DUETCTL" --bogus status
	[ ! -s "$T/log" ]
	run -0 "$DUETCTL" --help
	assert_output --partial "standby [all|local|foreign]"
	run -0 "$HA_STATUS" --help
	assert_output --partial "--once"
	run -2 "$HA_STATUS" --once --json
	run -2 "$HA_STATUS" extra
}

@test "ha_status --once prints one frame; --json the snapshot as received" {
	start_server
	run -0 ns "$HA_STATUS" --once -w 80
	assert_line --index 0 --regexp '^duetd on alice: active +as of [0-9]{2}:[0-9]{2}:[0-9]{2}$'
	assert_line --regexp '^  bob +active +heard 120ms ago$'
	assert_line --regexp '^  1  serial /dev/ttyS1 +bob +dead +last heard [0-9:]{8} \(5\.2s before\)$'
	assert_line --regexp '^  10\.78\.0\.100 +running on alice  \(preferred alice\)$'
	[[ "$output" != *$'\e'* ]]
	# at 120 columns the counters share the link's line
	run -0 ns env COLUMNS=120 "$HA_STATUS" --once
	assert_line --regexp '^  0  ucast  eth1 10\.78\.0\.2 +bob +up +heard 120ms ago +tx 410  rx 405  dropped 0$'
	run -0 ns "$HA_STATUS" --json
	[ "$output" = "$(cat "$T/snap.json")" ]
}

@test "ha_status --once refuses a snapshot of the wrong shape: exit 1, the path named" {
	start_server
	sed 's/"last_heard_ms":5230/"last_heard_ms":"5230"/' "$DATA/snap-sample.json" >"$T/snap.json"
	run -1 ns "$HA_STATUS" --once
	assert_output "ha_status: duetd's snapshot: nodes[1].links[1].last_heard_ms: expected an integer, got a string"
	run -1 ns "$DUETCTL" status
	head -c 300 "$DATA/snap-sample.json" >"$T/snap.json"
	run -1 ns "$HA_STATUS" --json
	assert_output --partial "not valid JSON"
	# duetd answers STATUS with an error and a result object: its message
	rm "$T/snap.json"
	run -1 --separate-stderr ns "$DUETCTL" status
	[[ "$stderr" == "duetctl: status: refused by duetd: Failed to open file"*"snap.json"* ]]
	run -1 --separate-stderr ns "$HA_STATUS" --once
	[[ "$stderr" == "ha_status: status: refused by duetd: Failed to open file"* ]]
}

@test "ha_status into a pipe: no screen clearing, no colour, frames one blank line apart" {
	start_server
	nsenter -t "$NSPID" -n -- env COLUMNS=120 "$HA_STATUS" </dev/null >"$T/out" 2>&1 3>&- &
	HA=$!
	wait_for 'grep -q "^SUBSCRIBE$" "$T/log" && grep -q "Status update for node bob" "$T/out"' ||
		fail "no first frame"
	kill -USR1 "$SRV"
	wait_for '[ "$(grep -c "^duetd on alice: " "$T/out")" -eq 2 ]' || fail "no second frame"
	kill "$HA"
	wait "$HA"
	HA=""
	[ "$(head -c 9 "$T/out")" = "duetd on " ]
	# the second frame follows an empty line
	awk '/^duetd on alice: / && ++n == 2 { exit prev != "" } { prev = $0 }' "$T/out"
	run -1 grep -q $'\e' "$T/out"
	# at 120 columns the counters share the link's line
	grep -q "heard 120ms ago *tx 410  rx 405  dropped 0$" "$T/out"
}

@test "ha_status redraws on an event, on SIGWINCH, and quits on q" {
	start_server
	start_ha_status
	wait_for 'grep -q "^SUBSCRIBE$" "$T/log" && [ "$(frames)" -ge 1 ]' || fail "no first frame"
	grep -q 'Status update for node bob: status active' "$T/screen"
	# no timer: nothing is redrawn while nothing happens
	sleep 1.5
	[ "$(frames)" -eq 1 ]
	cp "$DATA/snap-dead-peer.json" "$T/snap.json"
	kill -USR1 "$SRV"
	wait_for 'grep -q "Node bob: is dead" "$T/screen"' || fail "no redraw after the event"
	grep -qx 'EVENTS 1 to 1' "$T/log"
	[ "$(frames)" -eq 2 ]
	# a wider terminal: a new frame with the counters beside the links
	local pid
	pid=$(ha_pid)
	[ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$HA_STATUS")" ] || fail "ha_status not found"
	stty -F "$(readlink "/proc/$pid/fd/1")" cols 130
	kill -WINCH "$pid"
	wait_for '[ "$(frames)" -ge 3 ]' || fail "no redraw on SIGWINCH"
	wait_for 'grep -q "last heard .* (1m05s before) *tx 18000  rx 17500  dropped 3" "$T/screen"' ||
		fail "not redrawn at 130 columns"
	echo q >&5
	wait_for '! kill -0 "$HA" 2>/dev/null' || fail "ha_status did not quit on q"
	HA=""
}

@test "ha_status waits for duetd and reconnects when it comes back" {
	start_ha_status
	wait_for 'grep -q "waiting for duetd" "$T/screen"' || fail "no waiting frame"
	grep -q "duetd is not running on this node" "$T/screen"
	start_server
	wait_for 'grep -q "^SUBSCRIBE$" "$T/log"' 30 || fail "did not connect within 3 s"
	wait_for 'grep -q "duetd on alice: " "$T/screen"' || fail "no frame after connecting"
	# duetd restarts: the view says so, then comes back by itself
	stop_server
	: >"$T/log"
	wait_for '[ "$(grep -c "waiting for duetd" "$T/screen")" -ge 2 ]' || fail "loss not shown"
	cp "$DATA/snap-failed-group.json" "$T/snap.json"
	start_server
	wait_for 'grep -q "duetd on bob: " "$T/screen"' 30 || fail "did not reconnect"
	grep -q "^SUBSCRIBE$" "$T/log"
}
