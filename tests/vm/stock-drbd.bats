#!/usr/bin/env bats
# The paper's experiment with stock DRBD 8.4 (Debian's kernel) and
# drbd-utils, step by step on the two-node bed: initial sync, ext4 on
# /drbd, power failure of the Primary, failover to bob, rejoin and
# automatic resync, identical backing disks.
# The steps build on each other; once one fails the rest are skipped.

# Commands in single quotes are expanded in the guest, not here.
# shellcheck disable=SC2016

load lib/bed

# drbd.conf as in the paper (protocol C, indexed external meta data),
# with this bed's hosts and disks
DRBD_CONF='global { usage-count no; }
common { protocol C; }
resource r0 {
  device    /dev/drbd0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}'

setup_file() {
	# small data disk: the initial sync runs at ~10 MiB/s under TCG
	export DUET_VM_DATA_MB=${DUET_VM_DATA_MB:-64}
	bed_setup_file
}
teardown_file() { bed_teardown_file; }
setup() { bed_setup --steps; }
teardown() { bed_teardown; }

# drbd_prepare NODE: loads drbd and writes /etc/drbd.conf (the root file
# system is the initramfs: gone after every boot)
drbd_prepare() {
	on "$1" "modprobe drbd && cat > /etc/drbd.conf <<'EOF'
$DRBD_CONF
EOF
head -n 1 /proc/drbd"
}

# drbd_state NODE: the status line of minor 0 (cs: ro: ds:)
drbd_state() { on "$1" 'grep "^ *0: cs:" /proc/drbd'; }

@test "step 1: drbd.conf, create-md and up on both nodes: Connected Secondary/Secondary Inconsistent" {
	for n in alice bob; do
		run drbd_prepare "$n"
		assert_success
		assert_output --regexp '^version: 8\.4\.'
		run on "$n" 'drbdadm create-md r0 < /dev/null'
		assert_success
		assert_output --partial 'New drbd meta data block successfully created.'
		run on "$n" 'drbdadm up r0'
		assert_success
	done
	wait_until alice 'grep -q "cs:Connected" /proc/drbd' 60
	run drbd_state alice
	assert_output --partial 'cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent C'
	run drbd_state bob
	assert_output --partial 'cs:Connected ro:Secondary/Secondary ds:Inconsistent/Inconsistent C'
}

@test "step 2: primary --force on alice, initial full sync to UpToDate/UpToDate" {
	run on alice 'drbdadm primary --force r0'
	assert_success
	wait_until alice 'grep -q "ds:UpToDate/UpToDate" /proc/drbd' 180
	run drbd_state alice
	assert_output --partial 'cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C'
	wait_until bob 'grep -q "ds:UpToDate/UpToDate" /proc/drbd' 30
	run drbd_state bob
	assert_output --partial 'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C'
	run on alice 'dmesg | grep "Resync done"'
	assert_success
	printf '# %s\n' "${lines[@]}" >&3
}

@test "step 3: mkfs.ext4 on /dev/drbd0, mount /drbd on alice, write 'drbd test'" {
	run on alice 'mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 /dev/drbd0'
	assert_success
	run on alice 'mkdir -p /drbd && mount -t ext4 /dev/drbd0 /drbd && echo "drbd test" > /drbd/test && sync && cat /drbd/test'
	assert_success
	assert_output 'drbd test'
	run on alice 'grep -E "ns:[1-9]" /proc/drbd'
	assert_success
	run on bob 'grep -E "nr:[1-9]" /proc/drbd'
	assert_success
}

@test "step 4: power failure of alice (Primary): bob goes to WFConnection" {
	power_off alice
	wait_until bob 'grep -q "cs:WFConnection" /proc/drbd' 90
	run drbd_state bob
	assert_output --partial 'cs:WFConnection ro:Secondary/Unknown ds:UpToDate/DUnknown'
}

@test "step 5: bob becomes Primary, /drbd/test has the same content, bob writes more" {
	run on bob 'drbdadm primary r0'
	assert_success
	run on bob 'mkdir -p /drbd && mount -t ext4 /dev/drbd0 /drbd && cat /drbd/test'
	assert_success
	assert_output 'drbd test'
	run drbd_state bob
	assert_output --partial 'cs:WFConnection ro:Primary/Unknown ds:UpToDate/DUnknown'
	run on bob 'gdd if=/dev/urandom of=/drbd/while-alice-was-down bs=1M count=4 conv=fsync 2>&1 && md5sum /drbd/while-alice-was-down'
	assert_success
	on bob 'md5sum /drbd/while-alice-was-down' > "$DUET_VM_WORKDIR/bob-file.md5"
	run on bob 'grep -E "oos:[1-9]" /proc/drbd'
	assert_success
}

@test "step 6: alice boots again, drbdadm up: automatic resync to UpToDate/UpToDate" {
	boot alice
	run drbd_prepare alice
	assert_success
	run on alice 'drbdadm up r0'
	assert_success
	wait_until alice 'grep -q "cs:Connected.*ds:UpToDate/UpToDate" /proc/drbd' 180
	run drbd_state alice
	assert_output --partial 'cs:Connected ro:Secondary/Primary ds:UpToDate/UpToDate C'
	wait_until bob 'grep -q "cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate" /proc/drbd' 30
	run on alice 'dmesg | grep -E "Began resync as SyncTarget|Resync done"'
	assert_success
	assert_output --partial 'SyncTarget'
	printf '# %s\n' "${lines[@]}" >&3
	run on alice 'grep -E "oos:0$" /proc/drbd'
	assert_success
}

@test "step 7: after umount both backing disks are identical (md5 of /dev/vda, O_DIRECT)" {
	run on bob 'umount /drbd'
	assert_success
	wait_until bob 'grep -qE "oos:0$" /proc/drbd && grep -qE " lo:0 pe:0 ua:0 ap:0 " /proc/drbd' 30
	wait_until alice 'grep -qE "oos:0$" /proc/drbd && grep -qE " lo:0 pe:0 ua:0 ap:0 " /proc/drbd' 30
	a=$(on alice 'gdd if=/dev/vda bs=1M iflag=direct 2>/dev/null | md5sum | cut -d" " -f1')
	b=$(on bob 'gdd if=/dev/vda bs=1M iflag=direct 2>/dev/null | md5sum | cut -d" " -f1')
	echo "# alice /dev/vda md5 $a, bob /dev/vda md5 $b" >&3
	[ ${#a} -eq 32 ]
	assert_equal "$a" "$b"
	# and not trivially identical: the file system is there
	z=$(on alice 'gdd if=/dev/zero bs=1M count='"${DUET_VM_DATA_MB:-64}"' 2>/dev/null | md5sum | cut -d" " -f1')
	[ "$a" != "$z" ]
}

@test "step 8: roles switched back: alice Primary sees the file bob wrote" {
	run on bob 'drbdadm secondary r0'
	assert_success
	run on alice 'drbdadm primary r0 && mkdir -p /drbd && mount -t ext4 /dev/drbd0 /drbd && cat /drbd/test && md5sum /drbd/while-alice-was-down'
	assert_success
	assert_line 'drbd test'
	assert_line "$(cat "$DUET_VM_WORKDIR/bob-file.md5")"
	run drbd_state alice
	assert_output --partial 'cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C'
	run on alice 'umount /drbd && drbdadm down r0'
	assert_success
	run on bob 'drbdadm down r0'
	assert_success
}
