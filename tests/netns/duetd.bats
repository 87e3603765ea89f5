#!/usr/bin/env bats
# shellcheck disable=SC2016  # eval strings are expanded when wait_until runs them
#
# duetd on two netns nodes, nodea and nodeb: ucast over a LAN (eth0,
# 10.99.2.0/24) AND a serial line (socat pty pair), keepalive 200ms,
# deadtime 1, warntime 500ms, initdead 3, auto_failback off, sha1 authkeys
# 0600, haresources "nodea hbdummy::r1 hbdummy::r2" - the same files stock
# Heartbeat reads (lib/heartbeat.bash writes them). A third node, nodec, on
# the LAN plays the stranger that sends forged packets.
#
# The tests run in order and share the nodes (setup_file).

load lib/duetd

bats_load_library bats-support
bats_load_library bats-assert

# setup_file (builds the cluster with _make_cluster), teardown_file, setup, teardown
dd_bats_hooks duetd

GROUP="nodea hbdummy::r1 hbdummy::r2"

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb && bed_add_node nodec &&
		bed_add_lan eth0 10.99.2 nodea nodeb nodec &&
		bed_add_serial ser0 nodea nodeb || return 1
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" --ucast eth0 --serial ser0 \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 3 \
			--auto-failback off --resources "$GROUP" || return 1
		hb_install_resource "$n" hbdummy || return 1
	done
	node_boot nodec || return 1
	dd_start nodea nodeb
}

note() {
	echo "# $*" >&3
}

# dd_forge KIND [COUNT]: nodec sends KIND packets, claiming to be nodeb, to nodea
dd_forge() {
	node_exec nodec /usr/bin/python3 "$BED_LIB_DIR/../tools/hb_forge.py" \
		--to "$(node_ip nodea eth0):694" --src nodeb --key "duet-test-$BED_ID" \
		--kind "$1" --count "${2:-1}" --seq 1000000
}

_log_lines() {
	grep -cE -- "$2" "$(hb_log_path "$1")" 2>/dev/null || true
}

@test "duetd -t accepts the configuration stock Heartbeat reads" {
	run node_exec nodea "$DUETD" -t
	assert_success
	assert_output --partial "/etc/ha.d/ha.cf, /etc/ha.d/authkeys and /etc/ha.d/haresources are valid"
}

@test "duetd -t names file:line for bad timing, authkeys mode and haresources" {
	local dir
	dir=$(mktemp -d)
	cp "$(node_path nodea /etc/ha.d)"/{ha.cf,authkeys,haresources} "$dir/"
	echo nodea >"$dir/nodeinfo"
	run "$DUETD" -t -c "$dir"
	assert_success

	sed -i 's/^deadtime .*/deadtime 400ms/' "$dir/ha.cf"
	run "$DUETD" -t -c "$dir"
	assert_failure 1
	assert_line --regexp "^$dir/ha.cf:[0-9]+: Dead time \[400\] is too small compared to keeplive \[200\]"
	sed -i 's/^deadtime .*/deadtime 1/' "$dir/ha.cf"

	chmod 0644 "$dir/authkeys"
	run "$DUETD" -t -c "$dir"
	assert_failure 1
	assert_output --partial "$dir/authkeys:1: Bad permissions on keyfile [$dir/authkeys], 600 recommended."
	chmod 0600 "$dir/authkeys"

	echo "nodez hbdummy::r9" >>"$dir/haresources"
	run "$DUETD" -t -c "$dir"
	assert_failure 1
	assert_line --regexp "^$dir/haresources:[0-9]+: Bad nodename in $dir/haresources \[nodez\]"

	sed -i 's/^crm off$/crm on/' "$dir/ha.cf"
	run "$DUETD" -t -c "$dir"
	assert_failure 1
	assert_line --regexp "^$dir/ha.cf:[0-9]+: not supported by duet: pacemaker/crm mode"
	rm -rf "$dir"
}

@test "both nodes become active and hear each other over ucast and serial" {
	run dd_wait_nodestatus nodea nodeb active 20
	assert_success
	run dd_wait_nodestatus nodeb nodea active 20
	assert_success
	run dd_jq nodea .status
	assert_output active
	run dd_linkstatus nodea nodeb eth0
	assert_output up
	run dd_linkstatus nodea nodeb "$(serial_path ser0 nodea)"
	assert_output up
	run dd_linkstatus nodeb nodea "$(serial_path ser0 nodeb)"
	assert_output up
	# one process per node
	run node_exec nodea pgrep -c -x duetd
	assert_output 1
	hb_log_grep nodea "Link nodeb:eth0 up\." 
	hb_log_grep nodea "Status update for node nodeb: status active"
}

@test "the peer's plain heartbeats over ucast do not wake the daemon; it reads them late" {
	local b0 b1 r0 r1
	run wait_until 10 eval '(( $(dd_jq nodea ".media[] | select(.type == \"ucast\") | .rx_beats") > 5 ))'
	assert_success
	# (both counters from one snapshot)
	read -r r0 b0 < <(dd_jq nodea '.media[] | select(.type == "ucast") | "\(.rx) \(.rx_beats)"')
	sleep 2
	read -r r1 b1 < <(dd_jq nodea '.media[] | select(.type == "ucast") | "\(.rx) \(.rx_beats)"')
	note "ucast on nodea over 2 s: rx $r0 -> $r1, of them read late from the heartbeat socket $b0 -> $b1"
	# keepalive 200 ms: about 10 heartbeats in 2 s, all through the tick
	(( b1 - b0 >= 5 ))
	(( r1 - r0 >= b1 - b0 ))
	# the serial line is not steered
	run dd_jq nodea '.media[] | select(.type == "serial") | .rx_beats'
	assert_output 0
	# and the link is up, its last heartbeat heard within a keepalive or so
	run dd_jq nodea '.nodes[] | select(.name == "nodeb") | .links[] | select(.medium == 0) | .last_heard_ms'
	assert_success
	(( output < 600 ))
}

@test "duetctl and ha_status read duetd's IPC service" {
	local bin=${DUET_BUILDDIR:-$_DD_TOP}/daemon/duetd
	[[ -x $bin/duetctl && -x $bin/ha_status ]] || skip "duetctl/ha_status not built"
	run node_exec nodea "$bin/duetctl" nodes
	assert_success
	assert_line "nodea: active"
	assert_line "nodeb: active"
	run node_exec nodea "$bin/duetctl" links
	assert_success
	assert_line "nodeb eth0 up"
	run node_exec nodea "$bin/ha_status" --once
	assert_success
	assert_output --partial "duetd on nodea: active"
	run node_exec nodea "$bin/ha_status" --json
	assert_success
	run jq -r .node <<<"$output"
	assert_output nodea
}

@test "the group starts once, on its preferred node, left to right" {
	run wait_until 30 hbdummy_running nodea r2
	assert_success
	sleep 1
	run hbdummy_events nodea
	assert_line --index 0 --regexp " nodea r1 start 0$"
	assert_line --index 1 --regexp " nodea r2 start 0$"
	assert_equal "${#lines[@]}" 2
	run hbdummy_events nodeb
	assert_output ""
	run dd_group nodeb hbdummy::r1 owner
	assert_output nodea
	run dd_group nodea hbdummy::r1 state
	assert_output running
}

@test "forged, wrong-key, truncated and garbage packets are dropped and counted" {
	local kind reason before after dead_before
	dead_before=$(_log_lines nodea "node nodeb: is dead")
	for kind in badsig:bad_signature nosig:bad_signature wrongkey:wrong_key \
		truncated:truncated garbage:malformed oversized:oversized; do
		reason=${kind#*:}
		before=$(dd_dropped nodea "$reason")
		dd_forge "${kind%%:*}" 20
		wait_until 5 eval '(( $(dd_dropped nodea '"$reason"') >= before + 20 ))'
		after=$(dd_dropped nodea "$reason")
		note "${kind%%:*}: dropped.$reason $before -> $after"
	done
	# named in the log, from the stranger's address, rate-limited
	hb_log_grep nodea "dropped packet from $(node_ip nodec eth0):[0-9]+ on eth0 10.99.2.2: bad_signature"
	(($(_log_lines nodea "dropped packet from $(node_ip nodec eth0)") < 20))
	# nothing of it reached the membership
	run dd_nodestatus nodea nodeb
	assert_output active
	assert_equal "$(_log_lines nodea "node nodeb: is dead")" "$dead_before"
	run node_exec nodea pgrep -c -x duetd
	assert_output 1
}

@test "a flood of forged heartbeats is read and dropped; the peer stays alive" {
	local before dead_before
	dead_before=$(_log_lines nodea "node nodeb: is dead")
	before=$(dd_dropped nodea bad_signature)
	# 3000 datagrams that look like heartbeats to the kernel's steering
	# (they wait on the heartbeat socket) but carry a wrong signature
	dd_forge badsig 3000
	run wait_until 10 eval '(( $(dd_dropped nodea bad_signature) >= before + 3000 ))'
	assert_success
	note "flood: dropped.bad_signature $before -> $(dd_dropped nodea bad_signature)"
	# the heartbeat socket is then read on every tick for a while
	run wait_until 5 hb_log_grep nodea "datagrams queued on the heartbeat socket: reading it on every tick"
	assert_success
	run dd_nodestatus nodea nodeb
	assert_output active
	run dd_linkstatus nodea nodeb eth0
	assert_output up
	assert_equal "$(_log_lines nodea "node nodeb: is dead")" "$dead_before"
}

@test "cutting the LAN never declares the peer dead; the link state says so" {
	local dead_before
	dead_before=$(_log_lines nodeb "node nodea: is dead")
	link_down nodea eth0
	run wait_until 5 eval '[[ $(dd_linkstatus nodeb nodea eth0) == dead ]]'
	assert_success
	sleep 2
	run dd_nodestatus nodeb nodea
	assert_output active
	run dd_linkstatus nodeb nodea "$(serial_path ser0 nodeb)"
	assert_output up
	link_up nodea eth0
	run wait_until 5 eval '[[ $(dd_linkstatus nodeb nodea eth0) == up ]]'
	assert_success
	hb_log_grep nodeb "Link nodea:eth0 dead\."
	assert_equal "$(_log_lines nodeb "node nodea: is dead")" "$dead_before"
	# the group never moved
	run hbdummy_events nodeb
	assert_output ""
}

@test "pausing the serial line never declares the peer dead either" {
	local ser
	ser=$(serial_path ser0 nodeb)
	serial_down ser0
	run wait_until 5 eval '[[ $(dd_linkstatus nodeb nodea '"$ser"') == dead ]]'
	assert_success
	sleep 1
	run dd_nodestatus nodeb nodea
	assert_output active
	serial_up ser0
	run wait_until 5 eval '[[ $(dd_linkstatus nodeb nodea '"$ser"') == up ]]'
	assert_success
	run hbdummy_events nodeb
	assert_output ""
}

@test "graceful stop (duetd -k) hands the group over at once" {
	local t0 t1
	t0=$(date +%s.%N)
	run dd_stop nodea
	assert_success
	run wait_until 10 hbdummy_running nodeb r2
	assert_success
	t1=$(date +%s.%N)
	note "duetd -k on nodea -> r2 running on nodeb: $(echo "$t1 - $t0" | bc) s"
	hb_log_grep nodeb "Received shutdown notice from 'nodea'"
	run hbdummy_events nodea
	assert_line --index 2 --regexp " nodea r2 stop 0$"
	assert_line --index 3 --regexp " nodea r1 stop 0$"
	run dd_nodestatus nodeb nodea
	assert_output dead
}

# _icmp_unreach_in NODE: ICMP destination unreachables NODE received
_icmp_unreach_in() {
	node_exec "$1" awk '/^Icmp:/ && $1 == p { print $5 } { p = $1 }' /proc/net/snmp
}

# _seq_ucast_tx NODE: "SEQ TX", duetd's last seq and its ucast medium's tx
_seq_ucast_tx() {
	dd_jq "$1" '"\(.seq) \([.media[] | select(.type == "ucast") | .tx][0])"'
}

@test "a peer that answers port unreachable loses none of our heartbeats" {
	local q0 t0 q1 t1 i0 i1
	# nodea's duetd is stopped, its node is up: each heartbeat nodeb sends
	# it over ucast comes back as an ICMP port unreachable, which the
	# kernel keeps on nodeb's connected send socket and returns from the
	# next send (that send does not go out); duetd sends it again at once
	run node_exec nodeb ss -Hun state established dst "$(node_ip nodea eth0):694"
	assert_success
	assert_output --partial "$(node_ip nodea eth0):694"
	i0=$(_icmp_unreach_in nodeb)
	read -r q0 t0 < <(_seq_ucast_tx nodeb)
	sleep 3
	read -r q1 t1 < <(_seq_ucast_tx nodeb)
	i1=$(_icmp_unreach_in nodeb)
	note "nodeb over 3 s: seq $q0 -> $q1, ucast tx $t0 -> $t1, ICMP unreachables in $i0 -> $i1"
	(( i1 > i0 ))
	(( q1 - q0 >= 10 ))
	# every message went out (with the dead peer, all have a seq)
	(( t1 - t0 == q1 - q0 ))
	run hb_log_grep nodeb "send failed"
	assert_failure
}

@test "a restarted node joins; with auto_failback off the group stays" {
	dd_start nodea
	run dd_wait_nodestatus nodeb nodea active 20
	assert_success
	run dd_wait_nodestatus nodea nodeb active 20
	assert_success
	sleep 2
	run hbdummy_running nodea r1
	assert_failure
	run hbdummy_running nodeb r2
	assert_success
	run wait_until 15 eval '[[ $(dd_jq nodea .rsc_state) == stable ]]'
	assert_success
	run dd_group nodea hbdummy::r1 owner
	assert_output nodeb
}

@test "standby and takeover over IPC move the group" {
	run node_exec nodeb "$DD_PROBE" standby all
	assert_success
	assert_output --partial '"ok":true'
	run wait_until 15 hbdummy_running nodea r2
	assert_success
	run wait_until 5 eval '! hbdummy_running nodeb r1'
	assert_success
	run wait_until 15 eval '[[ $(dd_jq nodeb .rsc_state) == stable && $(dd_jq nodea .rsc_state) == stable ]]'
	assert_success
	run node_exec nodeb "$DD_PROBE" takeover all
	assert_success
	run wait_until 15 hbdummy_running nodeb r2
	assert_success
	run wait_until 5 eval '! hbdummy_running nodea r1'
	assert_success
	run node_exec nodea "$DD_PROBE" standby bogus
	assert_failure 1
	assert_output --partial '"ok":false'
}

@test "Heartbeat's hb_standby and hb_takeover reach duetd through its FIFO" {
	run node_exec nodeb test -p /var/lib/heartbeat/fifo
	assert_success
	run wait_until 15 eval '[[ $(dd_jq nodeb .rsc_state) == stable && $(dd_jq nodea .rsc_state) == stable ]]'
	assert_success
	run node_exec nodeb /usr/share/heartbeat/hb_standby all
	assert_success
	run wait_until 15 hbdummy_running nodea r2
	assert_success
	run wait_until 5 eval '! hbdummy_running nodeb r1'
	assert_success
	hb_log_grep nodeb "FIFO message: t=ask_resources rsc_hold=all"
	run wait_until 15 eval '[[ $(dd_jq nodeb .rsc_state) == stable && $(dd_jq nodea .rsc_state) == stable ]]'
	assert_success
	run node_exec nodeb /usr/share/heartbeat/hb_takeover all
	assert_success
	run wait_until 15 hbdummy_running nodeb r2
	assert_success
	run wait_until 5 eval '! hbdummy_running nodea r1'
	assert_success
}

@test "kill -9 of the active node: the survivor starts the group" {
	local t0 t1
	run wait_until 15 eval '[[ $(dd_jq nodea .rsc_state) == stable ]]'
	t0=$(date +%s.%N)
	node_kill nodeb
	run wait_until 15 hbdummy_running nodea r2
	assert_success
	t1=$(date +%s.%N)
	note "kill -9 of nodeb -> r2 running on nodea: $(echo "$t1 - $t0" | bc) s"
	hb_log_grep nodea "node nodeb: is dead"
	run dd_nodestatus nodea nodeb
	assert_output dead
	run dd_group nodea hbdummy::r1 owner
	assert_output nodea
	# no signal blocked in the scripts, so none in a service they start
	# (the takeover is decided on duetd's heartbeat thread)
	run node_exec nodea sed -n 's/^sigblk=//p' /run/hbdummy/r1 /run/hbdummy/r2
	assert_output "$(printf '%s\n' 0000000000000000 0000000000000000)"
}
