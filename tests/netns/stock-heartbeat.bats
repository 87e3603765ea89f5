#!/usr/bin/env bats
#
# Stock Heartbeat 3.0.6 (Debian 12 package) on two netns nodes, nodea and
# nodeb: ucast over a LAN (eth0, 10.99.1.0/24) AND a serial line (socat pty
# pair), keepalive 200ms, deadtime 1, warntime 500ms, initdead 3, crm off,
# auto_failback off, authkeys sha1 (0600), haresources
# "nodea hbdummy::r1 hbdummy::r2". Proves the bed with the real thing: both
# nodes become active over both media, the group starts on its preferred
# node, and after a hard kill of that node the survivor takes the group.
#
# The tests run in order and share the two nodes (setup_file).

load lib/heartbeat

bats_load_library bats-support
bats_load_library bats-assert

GROUP="nodea hbdummy::r1 hbdummy::r2"

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb &&
		bed_add_lan eth0 10.99.1 nodea nodeb &&
		bed_add_serial ser0 nodea nodeb || return 1
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" --ucast eth0 --serial ser0 \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 3 \
			--auto-failback off --resources "$GROUP" || return 1
		hb_install_resource "$n" hbdummy || return 1
	done
	hb_start nodea nodeb
}

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! _make_cluster; then
		[[ -z ${BED_DIR:-} ]] || bed_save_logs setup_file-stock-heartbeat
		return 1
	fi
}

teardown_file() {
	bed_cleanup
}

teardown() {
	if [[ -z ${BATS_TEST_COMPLETED:-} && -d ${BED_DIR:-/nonexistent} ]]; then
		bed_save_logs "stock-heartbeat-$BATS_TEST_NAME"
	fi
}

# note TEXT: a TAP comment in the test output
note() {
	echo "# $*" >&3
}

@test "the generated configuration is what heartbeat gets" {
	local etc
	etc=$(node_path nodea /etc/ha.d)
	run cat "$etc/ha.cf"
	assert_line "ucast eth0 10.99.1.2"
	assert_line "serial $(serial_path ser0 nodea)"
	assert_line "node nodea nodeb"
	assert_line "crm off"
	assert_line "deadtime 1"
	run stat -c %a "$etc/authkeys"
	assert_output 600
	run grep -vE '^#' "$etc/haresources"
	assert_output "$GROUP"
	# both nodes share authkeys and haresources
	cmp "$etc/authkeys" "$(node_path nodeb /etc/ha.d/authkeys)"
	cmp "$etc/haresources" "$(node_path nodeb /etc/ha.d/haresources)"
}

@test "both nodes become active and hear each other over ucast and serial" {
	run hb_wait_nodestatus nodea nodeb active 20
	assert_success
	run hb_wait_nodestatus nodeb nodea active 20
	assert_success
	run hb_nodestatus nodea nodea
	assert_output active
	local n peer
	for n in nodea nodeb; do
		if [[ $n == nodea ]]; then peer=nodeb; else peer=nodea; fi
		run wait_until 5 hb_linkstatus "$n" "$peer" eth0
		assert_success
		run hb_linkstatus "$n" "$peer" eth0
		assert_output up
		run hb_linkstatus "$n" "$peer" "$(serial_path ser0 "$n")"
		assert_output up
	done
	# each node runs its own heartbeat: a read and a write process per
	# medium (ucast eth0, serial), one FIFO reader (short-lived children
	# forked for resource work keep the master's title, so count these)
	local title
	for n in nodea nodeb; do
		run node_exec "$n" ps -eo args=
		for title in "read: ucast eth0" "write: ucast eth0" "FIFO reader" \
			"read: serial $(serial_path ser0 "$n")" "write: serial $(serial_path ser0 "$n")"; do
			assert_line "heartbeat: $title"
		done
		assert_equal "$(grep -c '^heartbeat: \(read\|write\): ' <<<"$output")" 4
	done
	run hb_log_grep nodeb "Link nodea:eth0 up"
	assert_success
}

@test "the resource group starts on its preferred node nodea, r1 before r2" {
	run wait_until 30 hbdummy_running nodea r2
	assert_success
	run hbdummy_running nodea r1
	assert_success
	run hbdummy_running nodeb r1
	assert_failure
	run hbdummy_running nodeb r2
	assert_failure
	run node_exec nodea cat /run/hbdummy/r1
	assert_line node=nodea
	# order of the starts in nodea's event log; nothing ran on nodeb
	run awk '{print $2, $3, $4, $5}' "$(node_path nodea /var/log/hbdummy.log)"
	assert_output "nodea r1 start 0
nodea r2 start 0"
	run hbdummy_events nodeb
	assert_output ""
	run wait_until 10 _rscstatus_is nodea local
	assert_success
}

_rscstatus_is() {
	[[ $(hb_rscstatus "$1") == "$2" ]]
}

@test "hard kill of nodea: nodeb declares it dead and takes the group" {
	# precondition: the group runs on nodea
	hbdummy_running nodea r1
	hbdummy_running nodea r2
	local t0 t1
	t0=$(date +%s%N)
	node_kill nodea
	run node_pids nodea
	assert_output ""
	# deadtime 1 s + the resource scripts; generous for loaded machines
	run wait_until 20 hbdummy_running nodeb r2
	assert_success
	t1=$(date +%s%N)
	note "kill -> r2 started on nodeb: $(((t1 - t0) / 1000000)) ms (deadtime 1 s)"
	run hbdummy_running nodeb r1
	assert_success
	run node_exec nodeb cat /run/hbdummy/r2
	assert_line node=nodeb
	run hb_nodestatus nodeb nodea
	assert_output dead
	run hb_log_grep nodeb "node nodea: is dead"
	assert_success
	run wait_until 5 hb_log_grep nodeb "mach_down takeover complete"
	assert_success
	run wait_until 10 _rscstatus_is nodeb all
	assert_success
	# starts in group order on the survivor
	run awk '{print $2, $3, $4, $5}' "$(node_path nodeb /var/log/hbdummy.log)"
	assert_output "nodeb r1 start 0
nodeb r2 start 0"
}

@test "graceful stop of the survivor stops the group right to left" {
	hbdummy_running nodeb r1
	run hb_stop nodeb
	assert_success
	run hbdummy_running nodeb r1
	assert_failure
	run hbdummy_running nodeb r2
	assert_failure
	run awk '{print $2, $3, $4, $5}' "$(node_path nodeb /var/log/hbdummy.log)"
	assert_output "nodeb r1 start 0
nodeb r2 start 0
nodeb r2 stop 0
nodeb r1 stop 0"
	run hb_log_grep nodeb "Heartbeat shutdown complete"
	assert_success
}

@test "heartbeat refuses authkeys readable by others, starts with mode 0600" {
	# a node whose only peer (ghost) never runs heartbeat
	bed_add_node lonely
	bed_add_node ghost
	bed_add_link eth0 10.99.9 lonely ghost
	hb_write_config lonely --nodes "lonely ghost" --ucast eth0 --authkeys-mode 0644
	run hb_start lonely
	assert_failure
	assert_output --partial "exited with status"
	run hb_log_grep lonely "Bad permissions on keyfile"
	assert_success
	run hb_running lonely
	assert_failure

	chmod 0600 "$(node_path lonely /etc/ha.d/authkeys)"
	run hb_start lonely
	assert_success
	run hb_running lonely
	assert_success
	# alone: it declares the silent peer dead after initdead (3 s)
	run hb_wait_nodestatus lonely ghost dead 10
	assert_success
}
