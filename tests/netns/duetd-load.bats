#!/usr/bin/env bats
# shellcheck disable=SC2016  # eval strings are expanded when wait_until runs them
#
# A busy machine: duetd on nodea/nodeb (ucast + serial, keepalive 200ms,
# deadtime 1, warntime 500ms) while both nodes burn every CPU and write to
# disk for a minute (DUETD_LOAD_S, default 60). No node may be declared
# dead and the group must not move. duetd runs SCHED_RR (realtime on), as
# Heartbeat does; the load runs at normal priority.

load lib/duetd

bats_load_library bats-support
bats_load_library bats-assert

# setup_file (builds the cluster with _make_cluster), teardown_file, setup, teardown
dd_bats_hooks duetd-load

GROUP="nodea hbdummy::r1"

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb &&
		bed_add_lan eth0 10.99.8 nodea nodeb &&
		bed_add_serial ser0 nodea nodeb || return 1
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" --ucast eth0 --serial ser0 \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 3 \
			--auto-failback off --resources "$GROUP" || return 1
		hb_install_resource "$n" hbdummy || return 1
	done
	dd_start nodea nodeb
}

@test "a minute of CPU and disk load on both nodes: no false failover" {
	local s=${DUETD_LOAD_S:-60} n ncpu late
	run wait_until 30 hbdummy_running nodea r1
	assert_success
	ncpu=$(nproc)
	for n in nodea nodeb; do
		# every CPU busy twice over, plus a writer that syncs (node-private /run)
		node_exec "$n" sh -c "for i in \$(seq $((2 * ncpu))); do timeout $s sh -c 'while :; do :; done' & done
			timeout $s sh -c 'while :; do dd if=/dev/zero of=/run/load.bin bs=1M count=64 conv=fsync 2>/dev/null; done' &
			wait" >/dev/null 2>&1 &
	done
	sleep "$s"
	echo "# load average at the end of the load: $(cut -d' ' -f1-3 /proc/loadavg)" >&3
	wait
	run dd_nodestatus nodea nodeb
	assert_output active
	run dd_nodestatus nodeb nodea
	assert_output active
	run hb_log_grep nodea "is dead"
	assert_failure
	run hb_log_grep nodeb "is dead"
	assert_failure
	run hbdummy_events nodeb
	assert_output ""
	late=$(cat "$(hb_log_path nodea)" "$(hb_log_path nodeb)" | grep -c "Late heartbeat" || true)
	echo "# Late heartbeat warnings during the load: $late" >&3
}
