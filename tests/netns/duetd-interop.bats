#!/usr/bin/env bats
# shellcheck disable=SC2016  # eval strings are expanded when wait_until runs them
#
# Interoperability: nodea runs stock Heartbeat 3.0.6, nodeb runs duetd, on
# the same files (ucast over eth0 + a serial line, keepalive 200ms,
# deadtime 1, initdead 3, auto_failback off, sha1 authkeys, haresources
# "nodea hbdummy::r1 hbdummy::r2"). Each sees the other active, the group
# moves both ways by standby, and each takes the group when the other dies.
#
# The tests run in order and share the nodes (setup_file).

load lib/duetd

bats_load_library bats-support
bats_load_library bats-assert

# setup_file (builds the cluster with _make_cluster), teardown_file, setup, teardown
dd_bats_hooks duetd-interop

GROUP="nodea hbdummy::r1 hbdummy::r2"

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb &&
		bed_add_lan eth0 10.99.3 nodea nodeb &&
		bed_add_serial ser0 nodea nodeb || return 1
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" --ucast eth0 --serial ser0 \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 3 \
			--auto-failback off --resources "$GROUP" || return 1
		hb_install_resource "$n" hbdummy || return 1
	done
	# the reader of each serial end must run before the other side writes
	hb_start nodea && dd_start nodeb
}

note() {
	echo "# $*" >&3
}

@test "stock Heartbeat and duetd see each other active on both media" {
	run hb_wait_nodestatus nodea nodeb active 30
	assert_success
	run dd_wait_nodestatus nodeb nodea active 30
	assert_success
	run hb_linkstatus nodea nodeb eth0
	assert_output up
	run hb_linkstatus nodea nodeb "$(serial_path ser0 nodea)"
	assert_output up
	run dd_linkstatus nodeb nodea eth0
	assert_output up
	run dd_linkstatus nodeb nodea "$(serial_path ser0 nodeb)"
	assert_output up
	# no authentication complaints on either side
	run hb_log_grep nodea "failed authentication|authtoken does not match|authentication failed"
	assert_failure
	run dd_dropped nodeb bad_signature
	assert_output 0
	run dd_dropped nodeb malformed
	assert_output 0
}

@test "the group starts on the stock node, duetd knows where it runs" {
	run wait_until 30 hbdummy_running nodea r2
	assert_success
	run wait_until 10 eval '[[ $(dd_group nodeb hbdummy::r1 owner) == nodea ]]'
	assert_success
	run hbdummy_events nodeb
	assert_output ""
}

@test "hb_standby on the stock node hands the group to duetd" {
	run wait_until 15 eval '[[ $(dd_jq nodeb .rsc_state) == stable ]]'
	assert_success
	node_exec nodea /usr/share/heartbeat/hb_standby all
	run wait_until 20 hbdummy_running nodeb r2
	assert_success
	run wait_until 10 eval '! hbdummy_running nodea r1'
	assert_success
	run dd_group nodeb hbdummy::r1 owner
	assert_output nodeb
}

@test "duetd standby hands the group back to the stock node" {
	run wait_until 15 eval '[[ $(dd_jq nodeb .rsc_state) == stable ]]'
	assert_success
	sleep 2
	run wait_until 20 eval 'node_exec nodeb "$DD_PROBE" standby all'
	assert_success
	run wait_until 20 hbdummy_running nodea r2
	assert_success
	run wait_until 10 eval '! hbdummy_running nodeb r1'
	assert_success
}

@test "kill -9 of the stock node: duetd takes the group" {
	local t0 t1
	# both resource layers settled: a kill during a transition is another test
	run wait_until 20 eval '[[ $(hb_rscstatus nodea) == all && $(dd_jq nodeb .rsc_state) == stable ]]'
	assert_success
	sleep 1
	t0=$(date +%s.%N)
	node_kill nodea
	run wait_until 15 hbdummy_running nodeb r2
	assert_success
	t1=$(date +%s.%N)
	note "kill -9 of stock nodea -> r2 running on duetd nodeb: $(echo "$t1 - $t0" | bc) s"
	run dd_nodestatus nodeb nodea
	assert_output dead
}

@test "the stock node comes back; kill -9 of duetd: the stock node takes the group" {
	local t0 t1
	link_up nodea eth0
	hb_start nodea
	run hb_wait_nodestatus nodea nodeb active 30
	assert_success
	run dd_wait_nodestatus nodeb nodea active 30
	assert_success
	# the restarted stock node has finished its start-up resource exchange
	# (it holds nothing, the group stays on nodeb) before nodeb dies
	run wait_until 20 eval '[[ $(hb_rscstatus nodea) == none && $(dd_jq nodeb .rsc_state) == stable ]]'
	assert_success
	# (its second "Initial resource acquisition complete" since the bed began)
	run wait_until 10 eval '(( $(grep -c "Initial resource acquisition complete" "$(hb_log_path nodea)") >= 2 ))'
	assert_success
	sleep 1
	t0=$(date +%s.%N)
	node_kill nodeb
	run wait_until 20 hbdummy_running nodea r2
	assert_success
	t1=$(date +%s.%N)
	note "kill -9 of duetd nodeb -> r2 running on stock nodea: $(echo "$t1 - $t0" | bc) s"
	run hb_nodestatus nodea nodeb
	assert_output dead
}
