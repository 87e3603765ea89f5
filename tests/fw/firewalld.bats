#!/usr/bin/env bats
#
# duet-firewall with the firewalld backend. firewalld runs inside alice's
# node of the netns bed, with a D-Bus system bus of its own (the node's
# /run is private) and a private copy of /etc/firewalld; the default zone
# (public) rejects what it does not allow, and the administrator has
# opened 8080/tcp. duet's rich rules let bob reach 7788/tcp (IPv4),
# 7789/tcp (IPv6) and 694/udp and drop everything else to those ports;
# remove leaves firewalld's configuration and the ruleset as they were.
# (Without a running daemon, "check" validates the rich rules with
# firewall-offline-cmd: see command.bats and fragments.bats.)

load lib/fw

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	fw_have_binary || return 1
	command -v firewalld >/dev/null || { echo "firewalld is not installed" >&2; return 1; }
	if ! { fw_make_bed --firewalld && fw_write_config && fw_listen alice &&
		fw_firewalld_start alice &&
		node_exec alice firewall-cmd --add-port="$FW_OPEN_PORT/tcp" >/dev/null; }; then
		[[ -z ${BED_DIR:-} ]] || bed_save_logs setup_file-firewalld
		return 1
	fi
	fw_snapshot >"$BED_DIR/before"
}

teardown_file() {
	bed_cleanup
}

teardown() {
	fw_teardown_test
}

# fw_snapshot: firewalld's view of the default zone and the whole ruleset
fw_snapshot() {
	node_exec alice firewall-cmd --list-all
	node_exec alice firewall-cmd --list-rich-rules
	fw_ruleset alice
}

rich_count() {
	node_exec alice firewall-cmd --list-rich-rules | grep -c . || true
}

@test "firewalld runs in alice's node; 8080 is open, the guarded ports are open to no one yet" {
	run node_exec alice firewall-cmd --state
	assert_output running
	fw_expect_open stranger "$(fw_ip alice)" "$FW_OPEN_PORT"
	# the zone rejects what it does not allow: bob cannot reach 7788 either
	fw_expect_closed bob "$(fw_ip alice)" 7788
}

@test "apply picks firewalld by itself (it runs) and adds the rich rules" {
	run fw alice render
	assert_success
	assert_output --partial '# duet-firewall: firewalld rich rules for node alice'
	run fw alice apply
	assert_success
	run node_exec alice firewall-cmd --list-rich-rules
	assert_line 'rule priority="-1001" family="ipv4" source address="10.99.7.2" port port="7788" protocol="tcp" accept'
	assert_line 'rule priority="-1000" port port="694" protocol="udp" drop'
	assert_equal "$(rich_count)" 7
	run fw alice status
	assert_success
	assert_output "firewalld: loaded, as configured (7 rich rules)"
}

@test "IPv4 and IPv6: bob reaches his ports and 694/udp, the stranger none, both reach 8080" {
	fw_expect_peer_only 4
	fw_expect_peer_only 6
	fw_expect_closed bob "$(fw_ip alice)" 7789
}

@test "apply twice: no duplicates, status as configured" {
	run fw alice apply
	assert_success
	run fw alice apply --backend firewalld
	assert_success
	assert_equal "$(rich_count)" 7
	run fw alice status
	assert_success
}

@test "status: a missing rich rule shows, apply adds it back" {
	node_exec alice firewall-cmd --remove-rich-rule='rule priority="-1000" port port="7788" protocol="tcp" drop'
	run fw alice status
	assert_failure 4
	assert_output --partial 'missing in zone public: rule priority="-1000" port port="7788" protocol="tcp" drop'
	run fw alice apply
	assert_success
	run fw alice status
	assert_success
}

@test "a changed configuration: apply takes out the rules it no longer renders" {
	printf '%s\n' "$(fw_standard_duet_conf | sed 's/:7788;/:7790;/')" >"$FW_CONF"
	run fw alice apply
	assert_success
	run node_exec alice firewall-cmd --list-rich-rules
	refute_output --partial 'port="7788"'
	assert_output --partial 'port="7790"'
	assert_equal "$(rich_count)" 7
	fw_write_config
	run fw alice apply
	assert_success
	run fw alice status
	assert_success
}

@test "remove twice: no errors, firewalld and the ruleset are as before apply" {
	run fw alice remove
	assert_success
	run fw alice remove --backend firewalld
	assert_success
	assert_equal "$(rich_count)" 0
	fw_snapshot >"$BED_DIR/after"
	run diff -u "$BED_DIR/before" "$BED_DIR/after"
	assert_success
	run fw alice status --backend firewalld
	assert_failure 3
}

@test "--zone puts the rules in the zones named, --dry-run only prints them" {
	run fw alice -d apply --zone trusted
	assert_success
	assert_output --partial "firewall-cmd --zone=trusted '--add-rich-rule=rule priority=\"-1001\" family=\"ipv4\" source address=\"10.99.7.2\""
	assert_equal "$(node_exec alice firewall-cmd --zone=trusted --list-rich-rules | grep -c . || true)" 0
	run fw alice apply --zone trusted
	assert_success
	assert_equal "$(node_exec alice firewall-cmd --zone=trusted --list-rich-rules | grep -c .)" 7
	assert_equal "$(rich_count)" 0
	run fw alice remove --zone trusted
	assert_success
	assert_equal "$(node_exec alice firewall-cmd --zone=trusted --list-rich-rules | grep -c . || true)" 0
}
