#!/usr/bin/env bats
#
# duet-firewall with the nft backend (the automatic choice when firewalld
# does not run), on real netfilter in the netns bed: alice, her peer bob
# and a stranger on one LAN; alice already has an administrator's ruleset
# (an nftables table, iptables and ip6tables) that accepts ssh and 8080.
# table inet duet guards both families at once: bob reaches 7788/tcp
# (IPv4), 7789/tcp (IPv6) and 694/udp, the stranger none of them (TCP
# times out, UDP is counted by the drop rule's counter), both reach 8080;
# remove leaves the ruleset byte for byte as it was.

load lib/fw

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	fw_have_binary || return 1
	if ! { fw_make_bed && fw_write_config && fw_admin_ruleset alice && fw_listen alice; }; then
		[[ -z ${BED_DIR:-} ]] || bed_save_logs setup_file-nft
		return 1
	fi
	fw_ruleset alice >"$BED_DIR/ruleset.before"
}

teardown_file() {
	bed_cleanup
}

teardown() {
	fw_teardown_test
}

@test "before apply: everyone reaches every port" {
	fw_expect_all_open 4
	fw_expect_all_open 6
}

@test "apply picks nft by itself (firewalld does not run) and loads table inet duet" {
	run fw alice apply
	assert_success
	run node_exec alice nft list tables
	assert_line "table inet duet"
	assert_line "table inet admin"
	run fw alice status
	assert_success
	assert_output --partial "nft: loaded, as configured (table inet duet"
}

@test "IPv4: bob reaches 7788/tcp and 694/udp, the stranger neither, both reach 8080" {
	fw_expect_peer_only 4
	run fw_drops_nft alice udp 694
	assert_output --regexp '^[1-9][0-9]*$'
	run fw_drops_nft alice tcp 7788
	assert_output --regexp '^[1-9][0-9]*$'
}

@test "IPv6: bob reaches 7789/tcp and 694/udp, the stranger neither, both reach 8080" {
	local before
	before=$(fw_drops_nft alice udp 694)
	fw_expect_peer_only 6
	run fw_drops_nft alice udp 694
	(( output > before ))
	# r1's peer is bob's IPv6 address: his IPv4 address is not let in
	fw_expect_closed bob "$(fw_ip alice)" 7789
}

@test "the administrator's table and iptables rules stay exactly as they were" {
	local before after
	before=$(grep -v -e '^=== ' "$BED_DIR/ruleset.before")
	# everything but table inet duet (counters stripped)
	after=$(fw_ruleset alice | grep -v -e '^=== ' |
		awk '/^table inet duet \{/ { skip = 1 } !skip { print } skip && /^\}/ { skip = 0 }')
	assert_equal "$after" "$before"
}

@test "apply twice: one table, same rules, status still as configured" {
	local rules
	rules=$(node_exec alice nft list table inet duet | strip_counters)
	run fw alice apply
	assert_success
	run fw alice apply --backend nft
	assert_success
	assert_equal "$(node_exec alice nft list tables | grep -c 'table inet duet')" 1
	assert_equal "$(node_exec alice nft list table inet duet | strip_counters)" "$rules"
	run fw alice status --backend nft
	assert_success
}

@test "status: a rule added by hand shows as a difference, apply replaces the table" {
	node_exec alice nft add rule inet duet input tcp dport 9999 drop
	run fw alice status
	assert_failure 4
	assert_output --partial "not in the configuration: tcp dport 9999 drop"
	run fw alice apply
	assert_success
	run fw alice status
	assert_success
}

@test "a changed configuration is applied as a whole new table" {
	local conf
	conf=$(fw_standard_duet_conf | sed 's/:7788;/:7790;/')
	printf '%s\n' "$conf" >"$FW_CONF"
	run fw alice status
	assert_failure 4
	assert_output --partial "missing: ip saddr 10.99.7.2 tcp dport 7790 accept"
	run fw alice apply
	assert_success
	run fw alice status
	assert_success
	run node_exec alice nft list table inet duet
	refute_output --partial "dport 7788"
	fw_write_config
	run fw alice apply
	assert_success
}

@test "remove twice: no errors, the ruleset is byte for byte as before apply" {
	run fw alice remove
	assert_success
	run fw alice remove
	assert_success
	run fw alice remove --backend nft
	assert_success
	fw_ruleset alice >"$BED_DIR/ruleset.after"
	run diff -u "$BED_DIR/ruleset.before" "$BED_DIR/ruleset.after"
	assert_success
	run fw alice status
	assert_failure 3
	assert_output "nft: not loaded (no table inet duet)"
}

@test "after remove everyone reaches the ports again" {
	fw_expect_all_open 4
	fw_expect_all_open 6
}
