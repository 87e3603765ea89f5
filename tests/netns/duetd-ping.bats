#!/usr/bin/env bats
# shellcheck disable=SC2016  # eval strings are expanded when wait_until runs them
#
# The ping split-brain rule: nodea and nodeb run duetd with a direct cable
# (eth1) and a serial line as cluster media, and nodec as a `ping` node on
# a LAN (eth0). A node that loses every cluster medium AND cannot reach the
# ping node never takes the group; the node that still reaches the ping
# node keeps it (or takes it).
#
# The tests run in order and share the nodes (setup_file).

load lib/duetd

bats_load_library bats-support
bats_load_library bats-assert

# setup_file (builds the cluster with _make_cluster), teardown_file, setup, teardown
dd_bats_hooks duetd-ping

GROUP="nodea hbdummy::r1 hbdummy::r2"

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb && bed_add_node nodec &&
		bed_add_lan eth0 10.99.4 nodea nodeb nodec &&
		bed_add_link eth1 10.99.5 nodea nodeb &&
		bed_add_serial ser0 nodea nodeb || return 1
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" --ucast eth1 --serial ser0 \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 3 \
			--auto-failback off --resources "$GROUP" \
			--extra "ping $(node_ip nodec eth0)" || return 1
		hb_install_resource "$n" hbdummy || return 1
	done
	node_boot nodec || return 1
	dd_start nodea nodeb
}

_ping_status() {
	dd_jq "$1" ".nodes[] | select(.type == \"ping\") | .status"
}

@test "both nodes reach the ping node and run the group on nodea" {
	run dd_wait_nodestatus nodea nodeb active 20
	assert_success
	run wait_until 10 eval '[[ $(_ping_status nodea) == ping && $(_ping_status nodeb) == ping ]]'
	assert_success
	run wait_until 30 hbdummy_running nodea r2
	assert_success
}

@test "an isolated node (no cluster medium, no ping node) does not take the group" {
	# the cluster media first, the ping node's LAN 0.3 s later: nodeb
	# hears the peer's silence end its dead time while the ping node's
	# last answer is still younger than deadtime, and must not take that
	# for "the ping node is reachable"
	serial_down ser0
	link_down nodeb eth1
	sleep 0.3
	link_down nodeb eth0
	run wait_until 5 eval '[[ $(dd_nodestatus nodeb nodea) == dead ]]'
	assert_success
	run wait_until 5 eval '[[ $(_ping_status nodeb) == dead ]]'
	assert_success
	run wait_until 5 eval '[[ $(dd_nodestatus nodea nodeb) == dead ]]'
	assert_success
	sleep 2
	# nodeb never started anything; nodea (reaching the ping node) kept it
	run hbdummy_events nodeb
	assert_output ""
	hb_log_grep nodeb "acquiring its resources once a ping node answers"
	run hbdummy_running nodea r2
	assert_success
	run _ping_status nodea
	assert_output ping
}

@test "the isolated node takes the group once it reaches the ping node while the peer is dead" {
	# nodea dies for real, nodeb's LAN comes back (the cable stays cut)
	node_kill nodea
	link_up nodeb eth0
	run wait_until 10 eval '[[ $(_ping_status nodeb) == ping ]]'
	assert_success
	run wait_until 15 hbdummy_running nodeb r2
	assert_success
}
