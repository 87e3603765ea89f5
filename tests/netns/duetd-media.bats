#!/usr/bin/env bats
# shellcheck disable=SC2016  # eval strings are expanded when wait_until runs them
#
# duetd's other UDP media: nodea and nodeb with `bcast eth0` on a LAN and
# `mcast eth1 239.77.0.1 5694 1 0` on a direct cable, nothing else. Both
# become active over both, each link's state is reported, and one cut
# medium is only a dead link.

load lib/duetd

bats_load_library bats-support
bats_load_library bats-assert

# setup_file (builds the cluster with _make_cluster), teardown_file, setup, teardown
dd_bats_hooks duetd-media

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb &&
		bed_add_lan eth0 10.99.6 nodea nodeb &&
		bed_add_link eth1 10.99.7 nodea nodeb || return 1
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 3 \
			--auto-failback off \
			--extra "bcast eth0" --extra "mcast eth1 239.77.0.1 5694 1 0" || return 1
	done
	dd_start nodea nodeb
}

@test "bcast and mcast: both nodes active, both links up" {
	run dd_wait_nodestatus nodea nodeb active 20
	assert_success
	run dd_wait_nodestatus nodeb nodea active 20
	assert_success
	run wait_until 5 eval '[[ $(dd_linkstatus nodea nodeb eth0) == up && $(dd_linkstatus nodea nodeb eth1) == up ]]'
	assert_success
	run dd_jq nodea '.media[] | select(.type == "mcast") | .spec'
	assert_output "eth1 239.77.0.1 5694 1 0"
	# our own broadcasts come back to us and are ignored, not counted as drops
	run dd_jq nodea '[.dropped[]] | add'
	assert_output 0
}

@test "bcast: heartbeats reach only the late-read socket, never twice" {
	local b0 b1 r0 r1
	# (both counters from one snapshot)
	read -r r0 b0 < <(dd_jq nodea '.media[] | select(.type == "bcast") | "\(.rx) \(.rx_beats)"')
	sleep 2
	read -r r1 b1 < <(dd_jq nodea '.media[] | select(.type == "bcast") | "\(.rx) \(.rx_beats)"')
	echo "# bcast on nodea over 2 s: rx $r0 -> $r1, read late from the heartbeat socket $b0 -> $b1" >&3
	(( b1 - b0 >= 5 ))
	# a broadcast reaches every socket bound to the port: each socket's
	# filter keeps its share. rx counts every datagram from the peer, so
	# heartbeats taken by both sockets would make it twice rx_beats
	(( r1 - r0 >= b1 - b0 ))
	(( r1 - r0 < 2 * (b1 - b0) - 2 ))
	run dd_jq nodea '.media[] | select(.type == "mcast") | .rx_beats'
	assert_output 0
}

@test "cutting the multicast cable is a dead link, not a dead node" {
	link_down nodeb eth1
	run wait_until 5 eval '[[ $(dd_linkstatus nodea nodeb eth1) == dead ]]'
	assert_success
	sleep 1
	run dd_nodestatus nodea nodeb
	assert_output active
	link_up nodeb eth1
	run wait_until 5 eval '[[ $(dd_linkstatus nodea nodeb eth1) == up ]]'
	assert_success
}
