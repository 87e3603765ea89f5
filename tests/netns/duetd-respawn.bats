#!/usr/bin/env bats
# shellcheck disable=SC2016  # eval strings are expanded when wait_until runs them
#
# ha.cf's respawn and failfast clients under duetd: nodea and nodeb on one
# LAN; nodea's ha.cf has
#   respawn nobody /etc/ha.d/rsp-client a     (restarted when it dies)
#   respawn nobody /etc/ha.d/rsp-client b     (exits 100: not respawned)
#   failfast nobody /etc/ha.d/rsp-client c    (its death stops duetd)
# The client (resources/rsp-client) logs every start with its pid and uid.

load lib/duetd

bats_load_library bats-support
bats_load_library bats-assert

# setup_file (builds the cluster with _make_cluster), teardown_file, setup, teardown
dd_bats_hooks duetd-respawn

_make_cluster() {
	local n
	bed_init &&
		bed_add_node nodea && bed_add_node nodeb &&
		bed_add_lan eth0 10.99.8 nodea nodeb || return 1
	hb_write_config nodea --nodes "nodea nodeb" --ucast eth0 \
		--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 2 \
		--extra "respawn nobody /etc/ha.d/rsp-client a" \
		--extra "respawn nobody /etc/ha.d/rsp-client b" \
		--extra "failfast nobody /etc/ha.d/rsp-client c" || return 1
	hb_write_config nodeb --nodes "nodea nodeb" --ucast eth0 \
		--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 2 || return 1
	install -m 0755 "$HB_RESOURCES_DIR/rsp-client" "$(node_path nodea /etc/ha.d)/rsp-client" &&
		touch "$(node_path nodea /etc/ha.d)/rsp-exit-100-b" || return 1
	node_boot nodea nodeb && node_exec nodea mkdir -m 1777 -p /run/rsp || return 1
	dd_start nodea nodeb
}

# starts INSTANCE: how many times the client was started
starts() { node_exec nodea sh -c "cat /run/rsp/$1.log 2>/dev/null" | grep -c ' start$' || true; }
# lastpid INSTANCE: pid of its last start
lastpid() { node_exec nodea sh -c "tail -n 1 /run/rsp/$1.log" | cut -d' ' -f2; }

@test "duetd -t: an unknown respawn user and a missing program are file:line errors" {
	run node_exec nodea sh -c 'mkdir -p /run/chk && cp /etc/ha.d/ha.cf /etc/ha.d/authkeys /run/chk/ &&
		chmod 600 /run/chk/authkeys &&
		echo "respawn nosuchuser /etc/ha.d/rsp-client x" >>/run/chk/ha.cf &&
		echo "respawn nobody /nonexistent/prog" >>/run/chk/ha.cf'
	assert_success
	run node_exec nodea "$DUETD" -t -c /run/chk
	assert_failure 1
	assert_output --regexp "/run/chk/ha.cf:[0-9]+: respawn: no such user 'nosuchuser'"
	assert_output --regexp "/run/chk/ha.cf:[0-9]+: respawn: '/nonexistent/prog' is not executable"
}

@test "clients start once comm is up, as the configured user, with HA_CURHOST" {
	run dd_wait_nodestatus nodea nodeb active 20
	assert_success
	run wait_until 10 eval '[[ $(starts a) == 1 && $(starts c) == 1 ]]'
	assert_success
	run node_exec nodea cat /run/rsp/a.log
	assert_output --regexp "^[0-9.]+ [0-9]+ $(id -u nobody) nodea start$"
	run node_exec nodea kill -0 "$(lastpid a)"
	assert_success
}

@test "a client that exits 100 is not respawned" {
	run wait_until 10 eval '[[ $(starts b) == 1 ]]'
	assert_success
	sleep 3
	run starts b
	assert_output 1
	run grep -F 'asked not to be respawned' "$(hb_log_path nodea)"
	assert_success
}

@test "a killed client is started again, as a new process" {
	local old
	old=$(lastpid a)
	run node_exec nodea kill "$old"
	assert_success
	run wait_until 10 eval '[[ $(starts a) == 2 ]]'
	assert_success
	[[ $(lastpid a) != "$old" ]] || fail "the same pid $old"
	run node_exec nodea kill -0 "$(lastpid a)"
	assert_success
	run dd_running nodea
	assert_success
}

@test "duetd -k stops its clients and does not restart them" {
	local pa pc
	pa=$(lastpid a)
	pc=$(lastpid c)
	run dd_stop nodea
	assert_success
	run wait_until 5 eval '! node_exec nodea kill -0 '"$pa"' 2>/dev/null && ! node_exec nodea kill -0 '"$pc"' 2>/dev/null'
	assert_success
	sleep 2
	run starts a
	assert_output 2
}

@test "a failfast client's death stops duetd (the peer sees it leave)" {
	run dd_start nodea
	assert_success
	run wait_until 15 eval '[[ $(starts c) == 2 ]]'
	assert_success
	run node_exec nodea kill -KILL "$(lastpid c)"
	assert_success
	run wait_until 10 _dd_not_running nodea
	assert_success
	run grep -F 'failfast client' "$(hb_log_path nodea)"
	assert_success
	run dd_wait_nodestatus nodeb nodea dead 10
	assert_success
}
