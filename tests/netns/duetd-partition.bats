#!/usr/bin/env bats
# shellcheck disable=SC2016  # eval strings are expanded when wait_until runs them
#
# Partition heal under duetd, as Heartbeat 3.0.6 does it (heartbeat.md
# §5.7): nodea and nodeb with ONE medium (ucast on eth0) and no ping node,
# so cutting it is a real split brain: both run the group. When the cable
# comes back, both log "returning after partition", give the group up and
# restart; afterwards exactly one node runs it. (With two media or a ping
# node duetd avoids the split brain in the first place: duetd.bats,
# duetd-ping.bats.)

load lib/duetd

bats_load_library bats-support
bats_load_library bats-assert

# setup_file (builds the cluster with _make_cluster), teardown_file, setup, teardown
dd_bats_hooks duetd-partition

GROUP="nodea hbdummy::r1"

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb &&
		bed_add_lan eth0 10.99.9 nodea nodeb || return 1
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" --ucast eth0 \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 2 \
			--auto-failback off --resources "$GROUP" || return 1
		hb_install_resource "$n" hbdummy || return 1
	done
	dd_start nodea nodeb
}

# running: how many nodes run r1
running() {
	local n c=0
	for n in nodea nodeb; do
		if hbdummy_running "$n" r1; then c=$((c + 1)); fi
	done
	echo "$c"
}

@test "the group runs on nodea only" {
	run dd_wait_nodestatus nodea nodeb active 20
	assert_success
	run wait_until 30 hbdummy_running nodea r1
	assert_success
	run running
	assert_output 1
}

@test "cutting the only medium: both declare the other dead and both run the group" {
	link_down nodeb eth0
	run dd_wait_nodestatus nodea nodeb dead 10
	assert_success
	run dd_wait_nodestatus nodeb nodea dead 10
	assert_success
	run wait_until 15 hbdummy_running nodeb r1
	assert_success
	run running
	assert_output 2
}

@test "when the medium returns: 'returning after partition', then one owner" {
	link_up nodeb eth0
	run wait_until 15 eval 'grep -q "returning after partition" "$(hb_log_path nodea)" &&
		grep -q "returning after partition" "$(hb_log_path nodeb)"'
	assert_success
	# both restart and the normal start-up picks one owner
	run wait_until 40 eval '[[ $(running) == 1 ]] && dd_running nodea && dd_running nodeb &&
		[[ $(dd_nodestatus nodea nodeb) == active && $(dd_nodestatus nodeb nodea) == active ]]'
	assert_success
	sleep 3
	run running
	assert_output 1
	run dd_jq nodea '.groups[0].owner'
	owner_a=$output
	run dd_jq nodeb '.groups[0].owner'
	assert_output "$owner_a"
}
