#!/usr/bin/env bats
#
# duet-firewall with the iptables and ip6tables backends, on real netfilter
# in the netns bed: alice (the node with the rules), bob (her peer) and a
# stranger on one LAN. alice already has an administrator's ruleset
# (iptables, ip6tables and an nftables table) that accepts ssh and 8080.
# With duet's rules applied, bob reaches 7788/tcp (IPv4), 7789/tcp (IPv6)
# and 694/udp, the stranger reaches none of them (TCP times out, UDP is
# counted by the DROP rule), and both still reach 8080; remove leaves the
# ruleset byte for byte as it was.

load lib/fw

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	fw_have_binary || return 1
	if ! { fw_make_bed && fw_write_config && fw_admin_ruleset alice && fw_listen alice; }; then
		[[ -z ${BED_DIR:-} ]] || bed_save_logs setup_file-iptables
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

# jumps FAMILY-TOOL: how many "-j DUET-IN" INPUT has
jumps() {
	node_exec alice "$1" -w -S INPUT | grep -c -- '-j DUET-IN$' || true
}

@test "before apply: everyone reaches every port over IPv4 and IPv6" {
	fw_expect_all_open 4
	fw_expect_all_open 6
}

@test "apply --backend iptables: IPv4 ports answer bob and nobody else" {
	run fw alice apply --backend iptables
	assert_success
	fw_expect_peer_only 4
	# the stranger's datagram was dropped by duet's rule, and counted
	run fw_drops_ipt alice udp 694
	assert_output --regexp '^[1-9][0-9]*$'
	# IPv6 is another backend: untouched so far
	run node_exec alice ip6tables -w -S DUET-IN
	assert_failure
}

@test "the administrator's rules stay exactly as they were" {
	local before after
	before=$(sed -n '/^=== iptables-save/,/^=== ip6tables-save/p' "$BED_DIR/ruleset.before")
	after=$(fw_ruleset alice | sed -n '/^=== iptables-save/,/^=== ip6tables-save/p' |
		grep -v -e 'DUET-IN')
	assert_equal "$after" "$before"
	# the jump is the first rule of INPUT, the admin's follow in their order
	run node_exec alice iptables -w -S INPUT
	assert_equal "${lines[1]}" "-A INPUT -j DUET-IN"
	assert_equal "${lines[2]}" "-A INPUT -i lo -j ACCEPT"
	assert_equal "${lines[3]}" "-A INPUT -j ADMIN-IN"
}

@test "apply twice: one set of rules, one jump, status says loaded" {
	local rules
	rules=$(node_exec alice iptables -w -S DUET-IN)
	run fw alice apply --backend iptables
	assert_success
	assert_equal "$(jumps iptables)" 1
	assert_equal "$(node_exec alice iptables -w -S DUET-IN)" "$rules"
	run fw alice status --backend iptables
	assert_success
	assert_output --partial "iptables: loaded, as configured"
}

@test "apply --backend ip6tables: IPv6 ports answer bob and nobody else" {
	run fw alice apply --backend ip6tables
	assert_success
	run fw alice apply --backend ip6tables
	assert_success
	assert_equal "$(jumps ip6tables)" 1
	fw_expect_peer_only 6
	FW_IPT=ip6tables run fw_drops_ipt alice udp 694
	assert_output --regexp '^[1-9][0-9]*$'
	# bob's IPv4 address is not r1's peer: 7789 stays closed over IPv4
	fw_expect_closed bob "$(fw_ip alice)" 7789
	run fw alice status --backend iptables,ip6tables
	assert_success
}

@test "status: a rule added to DUET-IN by hand shows, apply puts it right" {
	node_exec alice iptables -w -A DUET-IN -p tcp --dport 9999 -j DROP
	run fw alice status --backend iptables
	assert_failure 4
	assert_output --partial "not in the configuration: -A DUET-IN -p tcp -m tcp --dport 9999 -j DROP"
	node_exec alice iptables -w -I INPUT 3 -j DUET-IN
	run fw alice status --backend iptables
	assert_failure 4
	assert_output --partial "the jump from INPUT to DUET-IN is there 2 times"
	node_exec alice iptables -w -D INPUT 3
	run fw alice apply --backend iptables
	assert_success
	run fw alice status --backend iptables
	assert_success
}

@test "remove twice: no errors, the ruleset is byte for byte as before apply" {
	run fw alice remove --backend iptables,ip6tables
	assert_success
	run fw alice remove --backend iptables,ip6tables
	assert_success
	fw_ruleset alice >"$BED_DIR/ruleset.after"
	run diff -u "$BED_DIR/ruleset.before" "$BED_DIR/ruleset.after"
	assert_success
	run fw alice status --backend iptables,ip6tables
	assert_failure 3
	assert_output --partial "iptables: not loaded"
	assert_output --partial "ip6tables: not loaded"
}

@test "after remove everyone reaches the ports again" {
	fw_expect_all_open 4
	fw_expect_all_open 6
}

@test "automatic choice without nft: iptables and ip6tables; remove uses what apply used" {
	local bin=$BED_DIR/bin-ipt t
	mkdir -p "$bin"
	for t in iptables iptables-restore ip6tables ip6tables-restore; do
		ln -sf "$(command -v "$t")" "$bin/$t"
	done
	run node_exec alice env PATH="$bin" "$DUET_FIREWALL" -c "$FW_CONF" --ha-dir /etc/ha.d apply
	assert_success
	assert_equal "$(jumps iptables)" 1
	assert_equal "$(jumps ip6tables)" 1
	run node_exec alice nft list table inet duet
	assert_failure
	# with nft in the PATH again, remove takes the backends apply recorded
	run fw alice remove
	assert_success
	assert_equal "$(jumps iptables)" 0
	assert_equal "$(jumps ip6tables)" 0
	fw_ruleset alice >"$BED_DIR/ruleset.after"
	run diff -u "$BED_DIR/ruleset.before" "$BED_DIR/ruleset.after"
	assert_success
}
