#!/usr/bin/env bats
# Self-tests of the two-node QEMU bed: links, serial line, command channel
# and every fault hook, each observed from inside the guests.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed

setup_file() { bed_setup_file; }
teardown_file() { bed_teardown_file; }
setup() { bed_setup; }
teardown() { bed_teardown; }

# serial_listen NODE: (re)starts one reader of ttyS1 that appends to
# /tmp/serial.in (two readers would split the bytes between them)
serial_listen() {
	on "$1" 'kill $(cat /tmp/serial.pid 2>/dev/null) 2>/dev/null; rm -f /tmp/serial.in
		cat /dev/ttyS1 > /tmp/serial.in 2>&1 < /dev/null &
		echo $! > /tmp/serial.pid'
}
serial_stop() {
	on "$1" 'kill $(cat /tmp/serial.pid 2>/dev/null) 2>/dev/null; rm -f /tmp/serial.pid; true'
}

@test "command channel: stdout, stderr and exit status come back separately" {
	run on alice 'echo "to stdout"; echo "to stderr" >&2; exit 7'
	assert_failure 7
	assert_line "to stdout"
	assert_line "to stderr"
	out=$(on alice 'echo "to stdout"; echo "to stderr" >&2' 2>/dev/null)
	assert_equal "$out" "to stdout"
	err=$(on alice 'echo "to stdout"; echo "to stderr" >&2' 2>&1 >/dev/null)
	assert_equal "$err" "to stderr"
	run on bob 'hostname; true'
	assert_success
	assert_output bob
}

@test "command channel: binary stdin round trip, guest-side timeout" {
	head -c 100000 /dev/urandom > "$BATS_TEST_TMPDIR/blob"
	want=$(md5sum < "$BATS_TEST_TMPDIR/blob" | cut -d' ' -f1)
	run on_stdin alice 'md5sum | cut -d" " -f1' < "$BATS_TEST_TMPDIR/blob"
	assert_success
	assert_output "$want"
	put bob "$BATS_TEST_TMPDIR/blob" /tmp/blob
	run on bob 'md5sum < /tmp/blob | cut -d" " -f1'
	assert_output "$want"
	# a command that outlives its timeout is killed in the guest
	SECONDS=0
	run on -t 2 alice 'sleep 30'
	assert_failure 137
	[ "$SECONDS" -lt 20 ]
	# and the channel works afterwards
	run on alice 'echo still here'
	assert_output "still here"
}

@test "replication link 10.77.0.0/24: ping in both directions" {
	run on alice 'ping -c 3 -W 2 10.77.0.2'
	assert_success
	assert_output --partial '3 packets received'
	run on bob 'ping -c 3 -W 2 10.77.0.1'
	assert_success
	assert_output --partial '3 packets received'
	run on alice 'cat /sys/class/net/$(cat /run/duet/if-77)/address'
	assert_output 52:54:00:77:00:01
}

@test "heartbeat LAN 10.78.0.0/24: ping in both directions" {
	run on alice 'ping -c 3 -W 2 10.78.0.2'
	assert_success
	assert_output --partial '3 packets received'
	run on bob 'ping -c 3 -W 2 10.78.0.1'
	assert_success
	assert_output --partial '3 packets received'
}

@test "serial line ttyS1<->ttyS1: bytes in both directions, raw and without echo" {
	run on alice 'stty -F /dev/ttyS1 -a 2>/dev/null'
	assert_output --partial '-echo '
	assert_output --partial '-icanon'
	serial_listen bob
	on alice 'printf "from-alice-%s\n" 1 2 3 > /dev/ttyS1'
	wait_until bob 'grep -q from-alice-3 /tmp/serial.in' 10
	run on bob 'cat /tmp/serial.in'
	assert_output "$(printf 'from-alice-%s\n' 1 2 3)"
	serial_stop bob
	serial_listen alice
	on bob 'printf "from-bob\n" > /dev/ttyS1'
	wait_until alice 'grep -q from-bob /tmp/serial.in' 10
	run on alice 'cat /tmp/serial.in'
	# exactly what bob sent: nothing echoed back and forth
	assert_output from-bob
	serial_stop alice
}

@test "freeze: a frozen node answers nothing; thaw: it answers again" {
	freeze bob
	run qmp bob '{"execute":"query-status"}'
	assert_output --partial '"paused"'
	run on alice 'ping -c 3 -W 1 10.77.0.2'
	assert_failure
	assert_output --partial '0 packets received'
	thaw bob
	run qmp bob '{"execute":"query-status"}'
	assert_output --partial '"running"'
	run on alice 'ping -c 3 -W 2 10.77.0.2'
	assert_success
}

@test "cut_link repl alice: NO-CARRIER on alice, no traffic, heartbeat LAN unaffected; restore_link" {
	cut_link repl alice
	run on alice 'ip link show $(cat /run/duet/if-77)'
	assert_output --partial NO-CARRIER
	run on alice 'ping -c 2 -W 1 10.77.0.2'
	assert_failure
	run on bob 'ping -c 2 -W 1 10.77.0.1'
	assert_failure
	run on alice 'ping -c 2 -W 2 10.78.0.2'
	assert_success
	restore_link repl alice
	run on alice 'ip link show $(cat /run/duet/if-77)'
	refute_output --partial NO-CARRIER
	wait_until alice 'ping -c 1 -W 1 10.77.0.2' 20
	run on bob 'ping -c 2 -W 2 10.77.0.1'
	assert_success
}

@test "cut_link hb (both ends): no traffic on the LAN, replication link unaffected; restore_link" {
	cut_link hb
	run on alice 'ip link show $(cat /run/duet/if-78)'
	assert_output --partial NO-CARRIER
	run on bob 'ip link show $(cat /run/duet/if-78)'
	assert_output --partial NO-CARRIER
	run on bob 'ping -c 2 -W 1 10.78.0.1'
	assert_failure
	run on bob 'ping -c 2 -W 2 10.77.0.1'
	assert_success
	restore_link hb
	wait_until bob 'ping -c 1 -W 1 10.78.0.1' 20
}

@test "cut_link serial: bytes are lost while cut, flow again after restore_link" {
	serial_listen bob
	cut_link serial alice
	on alice 'echo lost-while-cut > /dev/ttyS1'
	sleep 1
	run on bob 'cat /tmp/serial.in'
	assert_output ""
	restore_link serial alice
	# bob's end reconnects by itself within about a second
	on alice 'i=0; while [ $i -lt 20 ]; do echo after-restore > /dev/ttyS1; sleep 0.5; i=$((i+1)); done' &
	wait_until bob 'grep -q after-restore /tmp/serial.in' 20
	wait
	run on bob 'cat /tmp/serial.in'
	refute_output --partial lost-while-cut
	serial_stop bob
}

@test "disk_fail vda: reads and writes fail with EIO, meta disk unaffected; disk_heal" {
	run on alice 'echo marker | gdd of=/dev/vda bs=4096 conv=sync oflag=direct'
	assert_success
	disk_fail alice vda
	run on alice 'gdd if=/dev/vda of=/dev/null bs=4096 count=1 iflag=direct'
	assert_failure
	assert_output --partial 'Input/output error'
	run on alice 'gdd if=/dev/zero of=/dev/vda bs=4096 count=1 oflag=direct'
	assert_failure
	assert_output --partial 'Input/output error'
	run on alice 'dmesg | grep "I/O error, dev vda"'
	assert_success
	run on alice 'gdd if=/dev/zero of=/dev/vdb bs=4096 count=1 oflag=direct && gdd if=/dev/vdb of=/dev/null bs=4096 count=1 iflag=direct'
	assert_success
	disk_heal alice vda
	run on alice 'gdd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | head -c 6'
	assert_success
	assert_output marker
}

@test "disk_fail vdb write: writes fail, reads still work; disk_heal" {
	disk_fail bob vdb write
	run on bob 'gdd if=/dev/vdb of=/dev/null bs=4096 count=1 iflag=direct'
	assert_success
	run on bob 'gdd if=/dev/zero of=/dev/vdb bs=4096 count=1 oflag=direct'
	assert_failure
	assert_output --partial 'Input/output error'
	disk_heal bob vdb
	run on bob 'gdd if=/dev/zero of=/dev/vdb bs=4096 count=1 oflag=direct'
	assert_success
}

@test "power_off loses RAM, not the disk; boot brings the node back with its disks" {
	on alice 'echo "on-disk-$(cat /proc/sys/kernel/random/boot_id)" | gdd of=/dev/vda bs=4096 conv=sync,fsync oflag=direct 2>/dev/null
		echo in-ram > /tmp/ram-only'
	want=$(on alice 'gdd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | head -n 1')
	[[ "$want" == on-disk-* ]]
	power_off alice
	run node_running alice
	assert_failure
	run on alice true
	assert_failure 255
	run on bob 'ping -c 2 -W 1 10.77.0.1'
	assert_failure
	boot alice
	run on alice 'gdd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | head -n 1'
	assert_output "$want"
	run on alice 'cat /tmp/ram-only'
	assert_failure
	run on bob 'ping -c 2 -W 2 10.77.0.1'
	assert_success
	grep -q 'boot 2 of alice' "$(console_log alice)"
}

@test "kill_node (SIGKILL) and boot again" {
	on bob 'echo killed-marker | gdd of=/dev/vdb bs=4096 conv=sync oflag=direct,dsync 2>/dev/null'
	pid=$(node_pid bob)
	kill_node bob
	# gone (a zombie not yet reaped by its parent counts as gone)
	run _bed_alive "$pid"
	assert_failure
	run node_running bob
	assert_failure
	boot bob
	run on bob 'gdd if=/dev/vdb bs=4096 count=1 iflag=direct 2>/dev/null | head -n 1'
	assert_output killed-marker
	run on alice 'ping -c 2 -W 2 10.77.0.2'
	assert_success
}

@test "guest kernel 6.12 is selectable (DUET_VM_KERNEL=6.12)" {
	ls /boot/vmlinuz-6.12.* >/dev/null 2>&1 || skip "no 6.12 kernel image in /boot"
	(
		# duet.ko, if set, is built for the default kernel, not for this one
		unset DUET_KO
		export DUET_VM_WORKDIR="" DUET_VM_KERNEL=6.12 DUET_VM_DATA_MB=16
		trap bed_stop EXIT
		bed_init || exit 1
		bed_start alice || exit 1
		on alice 'uname -r; modprobe drbd && head -n 1 /proc/drbd'
	) > "$BATS_TEST_TMPDIR/k612" 2>&1 || { cat "$BATS_TEST_TMPDIR/k612"; false; }
	run cat "$BATS_TEST_TMPDIR/k612"
	assert_line --regexp '^6\.12\.'
	assert_line --regexp '^version: 8\.4\.'
}
