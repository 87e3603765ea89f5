#!/usr/bin/env bats
#
# duetd as duetd.service runs it (duetd -f, Type=notify), the binary from
# the deb: READY=1 once its media and IPC are up, WATCHDOG=1 every half
# WATCHDOG_USEC, STOPPING=1 on SIGTERM, all on the datagram socket of
# NOTIFY_SOCKET (a stand-in for systemd, tests/pkg/lib/notify.py). In a
# network namespace of its own (root), one medium on the loopback.

load lib/pkg

setup_file() {
	pkg_setup_root
}

setup() {
	[[ $EUID -eq 0 ]] || skip "needs root (a network namespace, duetd's port)"
	command -v python3 >/dev/null || skip "python3 is not installed"
	D=$BATS_TEST_TMPDIR
	mkdir -p "$D/ha.d" "$D/state" "$D/hooks"
	cat >"$D/ha.d/ha.cf" <<EOC
logfacility daemon
keepalive 200ms
deadtime 2
warntime 1
initdead 10
udpport 16940
ucast lo 127.0.0.2
node $(uname -n)
node ghost
auto_failback off
EOC
	printf 'auth 1\n1 sha1 notify-test\n' >"$D/ha.d/authkeys"
	chmod 600 "$D/ha.d/authkeys"
	: >"$D/ha.d/haresources"
}

# run_notified [WATCHDOG_USEC]: duetd -f under the stand-in; its lines
notified() {
	unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
		python3 "$PKG_LIB_DIR/notify.py" "$D/notify" ${1:+--watchdog-usec "$1"} -- \
		"$ROOT/usr/sbin/duetd" -f -c "$D/ha.d" --pidfile "$D/duetd.pid" \
		--statedir "$D/state" --lockdir "$D/state" --hookdir "$D/hooks"
}

@test "READY=1 once started, STOPPING=1 on SIGTERM, exit 0" {
	run --separate-stderr notified
	assert_success
	assert_line --index 0 'READY=1|STATUS=running'
	assert_line 'STOPPING=1|STATUS=shutting down: stopping the resource groups'
	assert_line 'exit 0'
	refute_line 'WATCHDOG=1'
	# start-up messages on stderr, none after READY=1 (the journal has syslog)
	[[ $stderr == *"duetd 1.0 starting"* ]] || fail "no start-up message on stderr: $stderr"
}

@test "WATCHDOG=1 every half WATCHDOG_USEC from the main loop" {
	run --separate-stderr notified 400000
	assert_success
	assert_line --index 0 'READY=1|STATUS=running'
	assert_line --index 1 'WATCHDOG=1'
	assert_line --index 2 'WATCHDOG=1'
	assert_line --index 3 'WATCHDOG=1'
	assert_line 'exit 0'
}

@test "no NOTIFY_SOCKET: duetd -f runs as before and says nothing" {
	run --separate-stderr unshare -n sh -c 'ip link set lo up && "$@" & p=$!; sleep 1; kill -TERM $p; wait $p' sh \
		"$ROOT/usr/sbin/duetd" -f -c "$D/ha.d" --pidfile "$D/duetd.pid" \
		--statedir "$D/state" --lockdir "$D/state" --hookdir "$D/hooks"
	assert_success
	[[ $stderr == *"duetd 1.0 starting"* ]] || fail "no start-up message: $stderr"
	[[ $stderr == *"duetd stopped"* ]] || fail "stderr logging ended early without systemd: $stderr"
}
