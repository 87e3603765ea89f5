#!/usr/bin/env bats
#
# The units and init scripts as the deb installs them: systemd-analyze
# verify, duetd.service's contract (Type=notify, the Heartbeat check, no
# sandbox that would hide resource scripts' mounts), duet.service around
# duetadm, check-heartbeat refusing while Heartbeat runs, and the LSB init
# scripts' exit codes (run against stand-in programs, never the host's
# services).

load lib/pkg

setup_file() {
	pkg_setup_root
	export UNITS=$ROOT/lib/systemd/system
}

setup() {
	# a stand-in bin directory; /lib/lsb/init-functions must not hand the
	# scripts to systemctl on a host that runs systemd
	export SYSTEMCTL_SKIP_REDIRECT=1
	STUB=$BATS_TEST_TMPDIR/bin
	mkdir -p "$STUB"
}

# stub NAME EXIT [OUTPUT]: a program that logs its call to $STUB/calls,
# prints OUTPUT and exits EXIT
stub() {
	cat >"$STUB/$1" <<EOS
#!/bin/sh
echo "$1 \$*" >>"$STUB/calls"
${3:+echo '$3'}
exit $2
EOS
	chmod 755 "$STUB/$1"
}

# stub_duetd: a duetd that is not running (-s: 3) and starts (0)
stub_duetd() {
	cat >"$STUB/duetd" <<EOS
#!/bin/sh
echo "duetd \$*" >>"$STUB/calls"
case "\$1" in -s) echo "duetd is stopped"; exit 3 ;; esac
exit 0
EOS
	chmod 755 "$STUB/duetd"
}

@test "systemd-analyze verify accepts the three units" {
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
	local d=$BATS_TEST_TMPDIR/units u
	mkdir -p "$d"
	# the programs they run, from the unpacked package
	for u in duetd.service duet.service duet-firewall.service; do
		sed -e "s|=/usr/sbin/|=$ROOT/usr/sbin/|" -e "s|=/usr/libexec/|=$ROOT/usr/libexec/|" \
			"$UNITS/$u" >"$d/$u"
	done
	run --separate-stderr systemd-analyze verify --man=no "$d/duetd.service" "$d/duet.service" \
		"$d/duet-firewall.service"
	assert_success
	assert_equal "$stderr" ""
}

@test "duetd.service: Type=notify, checks for Heartbeat first, stops gracefully" {
	run cat "$UNITS/duetd.service"
	assert_line Type=notify
	assert_line NotifyAccess=main
	assert_line ExecStartPre=/usr/libexec/duet/check-heartbeat
	assert_line 'ExecStart=/usr/sbin/duetd -f'
	assert_line KillMode=process
	assert_line SendSIGKILL=no
	assert_line --regexp '^After=.*duet\.service'
	assert_line --regexp '^After=.*duet-firewall\.service'
	# resource scripts mount /drbd for the whole node: no mount namespace,
	# no inherited limits
	refute_line --regexp '^(ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|ReadOnlyPaths|ReadWritePaths|InaccessiblePaths|ProtectKernel[A-Za-z]*|ProtectControlGroups|SystemCallFilter|CapabilityBoundingSet|NoNewPrivileges|RestrictRealtime|MemoryDenyWriteExecute)='
}

@test "duet.service: duetadm up all / down all before duetd, sandboxed without closing the disks" {
	run cat "$UNITS/duet.service"
	assert_line Type=oneshot
	assert_line RemainAfterExit=yes
	assert_line 'ExecStart=/usr/sbin/duetadm up all'
	assert_line 'ExecStop=/usr/sbin/duetadm down all'
	assert_line 'ExecReload=/usr/sbin/duetadm adjust all'
	assert_line --regexp '^Before=.*duetd\.service'
	assert_line ProtectSystem=full
	refute_line --regexp '^(PrivateDevices|ProtectClock|DeviceAllow|ProtectKernelModules)='
}

@test "duet-firewall.service comes before the two others" {
	run cat "$UNITS/duet-firewall.service"
	assert_line --regexp '^Before=.*duetd\.service'
	assert_line --regexp '^Before=.*duet\.service'
}

@test "check-heartbeat: 0 without Heartbeat, 1 and a message while it runs" {
	local check=$ROOT/usr/libexec/duet/check-heartbeat
	HEARTBEAT_PIDFILE=$BATS_TEST_TMPDIR/none.pid run "$check"
	assert_success
	assert_output ""
	# a pid file naming a live process called heartbeat
	cp /bin/sleep "$BATS_TEST_TMPDIR/heartbeat"
	"$BATS_TEST_TMPDIR/heartbeat" 30 &
	local pid=$!
	echo "$pid" >"$BATS_TEST_TMPDIR/heartbeat.pid"
	HEARTBEAT_PIDFILE=$BATS_TEST_TMPDIR/heartbeat.pid run "$check"
	kill "$pid"
	assert_failure 1
	assert_output --partial "duetd: not started: heartbeat runs as process $pid"
	assert_output --partial "systemctl disable --now heartbeat"
	# a stale pid file (the process is gone, or is something else)
	echo "$$" >"$BATS_TEST_TMPDIR/heartbeat.pid"
	HEARTBEAT_PIDFILE=$BATS_TEST_TMPDIR/heartbeat.pid run "$check"
	assert_success
}

@test "check-heartbeat asks systemd when it runs" {
	grep -q '/run/systemd/system' "$ROOT/usr/libexec/duet/check-heartbeat"
	grep -q 'systemctl is-active heartbeat.service' "$ROOT/usr/libexec/duet/check-heartbeat"
	[[ -d /run/systemd/system ]] || skip "systemd does not run here"
	stub systemctl 0 active
	PATH=$STUB:$PATH HEARTBEAT_PIDFILE=/nonexistent run "$ROOT/usr/libexec/duet/check-heartbeat"
	assert_failure 1
	assert_output --partial "heartbeat.service is active"
}

@test "/etc/init.d/duetd: LSB headers; status 3 when stopped, 0 when running" {
	local s=$ROOT/etc/init.d/duetd
	run sed -n '/^### BEGIN INIT INFO/,/^### END INIT INFO/p' "$s"
	assert_line '# Provides:          duetd'
	assert_line --regexp '^# Default-Start: +2 3 4 5$'
	assert_line --regexp '^# Should-Start: +duet$'
	stub duetd 3 "duetd is stopped"
	DUET_SBIN=$STUB run "$s" status
	assert_failure 3
	assert_output "duetd is stopped"
	stub duetd 0 "duetd is running (pid 42)"
	DUET_SBIN=$STUB run "$s" status
	assert_success
}

@test "/etc/init.d/duetd: start refused while Heartbeat runs; stop of a stopped daemon is success" {
	local s=$ROOT/etc/init.d/duetd
	stub_duetd
	stub check-heartbeat 1 "duetd: not started: heartbeat.service is active on this node."
	DUET_SBIN=$STUB DUET_LIBEXEC=$STUB run "$s" start
	assert_failure 1
	assert_output --partial "heartbeat.service is active"
	run cat "$STUB/calls"
	refute_line 'duetd '	# never started: only "duetd -s" was asked
	DUET_SBIN=$STUB run "$s" stop
	assert_success
	stub check-heartbeat 0
	DUET_SBIN=$STUB DUET_LIBEXEC=$STUB run "$s" start
	assert_success
	run cat "$STUB/calls"
	assert_line 'duetd '
}

@test "/etc/init.d/duetd: reload is not implemented (3), an unknown action is a usage error (2)" {
	stub duetd 0
	DUET_SBIN=$STUB run "$ROOT/etc/init.d/duetd" reload
	assert_failure 3
	DUET_SBIN=$STUB run "$ROOT/etc/init.d/duetd" frobnicate
	assert_failure 2
	assert_output --partial "Usage: /etc/init.d/duetd"
}

@test "/etc/init.d/duet: status 3 without the module, reload is duetadm adjust, 6 on a bad configuration" {
	local s=$ROOT/etc/init.d/duet
	run sed -n '/^### BEGIN INIT INFO/,/^### END INIT INFO/p' "$s"
	assert_line '# Provides:          duet'
	assert_line --regexp '^# X-Start-Before: +duetd$'
	stub duetadm 0
	[[ -d /sys/module/duet ]] || {
		DUET_SBIN=$STUB run "$s" status
		assert_failure 3
		assert_output "duet.ko is not loaded"
	}
	DUET_SBIN=$STUB run "$s" reload
	assert_success
	assert_equal "$(cat "$STUB/calls")" "duetadm adjust all"
	stub duetadm 3 "/etc/duet.conf:3: unknown keyword"
	DUET_SBIN=$STUB run "$s" reload
	assert_failure 6
	DUET_SBIN=$STUB run "$s" frobnicate
	assert_failure 2
}
