#!/usr/bin/env bats
#
# duet-firewall as a command: help and exit codes, render for every
# backend from duet.conf and ha.cf, configuration errors naming file and
# line, warnings, a missing backend tool naming its Debian package,
# --dry-run printing the commands and changing nothing, check. Runs in
# nodes of the netns bed (alice's host name is "alice"; bob and a stranger
# share her LAN), never on the host's netfilter.

load lib/fw

bats_require_minimum_version 1.5.0

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	fw_have_binary || return 1
	if ! { fw_make_bed && fw_write_config; }; then
		[[ -z ${BED_DIR:-} ]] || bed_save_logs setup_file-command
		return 1
	fi
}

teardown_file() {
	bed_cleanup
}

setup() {
	fw_write_config
}

teardown() {
	fw_teardown_test
}

# line_of FILE PATTERN: the number of the first line of FILE matching PATTERN
line_of() {
	grep -n -m 1 -e "$2" "$1" | cut -d: -f1
}

@test "--help lists the verbs, the options and the exit codes" {
	run "$DUET_FIREWALL" --help
	assert_success
	local w
	for w in render apply remove status check "--backend LIST" "--ha-dir DIR" "--dry-run" \
		"-c, --config FILE" "--hostname NAME" "--zone ZONE" "Exit status:" \
		"3  status: duet's rules are not loaded" "5  a backend tool is missing"; do
		assert_output --partial -- "$w"
	done
}

@test "every verb has its own help" {
	local v
	for v in render apply remove status check; do
		run "$DUET_FIREWALL" "$v" --help
		assert_success
		assert_line "usage: duet-firewall [OPTIONS] $v"
		run "$DUET_FIREWALL" help "$v"
		assert_success
		assert_line "usage: duet-firewall [OPTIONS] $v"
	done
	run "$DUET_FIREWALL" help apply
	assert_output --partial "Running it twice leaves one"
}

@test "usage errors exit 2" {
	run "$DUET_FIREWALL"
	assert_failure 2
	run "$DUET_FIREWALL" frobnicate
	assert_failure 2
	assert_output --partial "unknown verb 'frobnicate'"
	run "$DUET_FIREWALL" --frob render
	assert_failure 2
	assert_output --partial "unknown option '--frob'"
	run "$DUET_FIREWALL" render extra
	assert_failure 2
	run "$DUET_FIREWALL" -c
	assert_failure 2
	run fw alice render --backend ipchains
	assert_failure 2
	assert_output --partial "unknown backend 'ipchains'"
	run "$DUET_FIREWALL" help nothing
	assert_failure 2
	run "$DUET_FIREWALL" --version
	assert_success
	assert_output --regexp '^duet-firewall \(duet\) [0-9]'
}

@test "render --backend iptables: bob's IPv4 address on 7788 and 694, a drop after each port" {
	run fw alice render --backend iptables
	assert_success
	assert_line "# duet-firewall: IPv4 rules (iptables-restore) for node alice"
	assert_line "*filter"
	assert_line ":DUET-IN - [0:0]"
	assert_line -- "-A DUET-IN -s 10.99.7.2/32 -p tcp -m tcp --dport 7788 -j ACCEPT"
	assert_line -- "-A DUET-IN -p tcp -m tcp --dport 7788 -j DROP"
	assert_line -- "-A DUET-IN -p tcp -m tcp --dport 7789 -j DROP"
	assert_line -- "-A DUET-IN -s 10.99.7.2/32 -p udp -m udp --dport 694 -j ACCEPT"
	assert_line -- "-A DUET-IN -p udp -m udp --dport 694 -j DROP"
	assert_line "COMMIT"
	refute_output --partial "10.99.7.1/"	# alice's own ucast line is no peer
	refute_output --partial "10.99.7.3"
	# it loads
	run node_exec alice sh -c "'$DUET_FIREWALL' -c '$FW_CONF' --ha-dir /etc/ha.d render --backend iptables | iptables-restore --test --noflush"
	assert_success
}

@test "render --backend ip6tables: bob's IPv6 address on 7789 and 694" {
	run fw alice render --backend ip6tables
	assert_success
	assert_line -- "-A DUET-IN -s fd00:99:7::2/128 -p tcp -m tcp --dport 7789 -j ACCEPT"
	assert_line -- "-A DUET-IN -p tcp -m tcp --dport 7788 -j DROP"
	assert_line -- "-A DUET-IN -s fd00:99:7::2/128 -p udp -m udp --dport 694 -j ACCEPT"
	run node_exec alice sh -c "'$DUET_FIREWALL' -c '$FW_CONF' --ha-dir /etc/ha.d render --backend ip6tables | ip6tables-restore --test --noflush"
	assert_success
}

@test "render --backend nft: one table inet duet for both families; nft -c accepts it" {
	run fw alice render --backend nft
	assert_success
	assert_line "table inet duet"
	assert_line "delete table inet duet"
	assert_line --partial "ip saddr 10.99.7.2 tcp dport 7788 accept"
	assert_line --partial "ip6 saddr fd00:99:7::2 tcp dport 7789 accept"
	assert_line --partial "udp dport 694 counter drop"
	run node_exec alice sh -c "'$DUET_FIREWALL' -c '$FW_CONF' --ha-dir /etc/ha.d render --backend nft | nft -c -f -"
	assert_success
}

@test "render --backend firewalld: rich rules, and several backends at once" {
	run fw alice render --backend firewalld
	assert_success
	assert_line 'rule priority="-1001" family="ipv6" source address="fd00:99:7::2" port port="7789" protocol="tcp" accept'
	assert_line 'rule priority="-1000" port port="7789" protocol="tcp" drop'
	run fw alice render --backend iptables,ip6tables
	assert_success
	assert_equal "$(grep -c '^\*filter$' <<<"$output")" 2
}

@test "this node is the one uname -n names; --hostname and -c, --ha-dir choose others" {
	run fw bob render --backend iptables
	assert_success
	assert_line "# duet-firewall: IPv4 rules (iptables-restore) for node bob"
	assert_line -- "-A DUET-IN -s 10.99.7.1/32 -p tcp -m tcp --dport 7788 -j ACCEPT"
	run fw alice --hostname bob render --backend iptables
	assert_line -- "-A DUET-IN -s 10.99.7.1/32 -p tcp -m tcp --dport 7788 -j ACCEPT"
	local d=$BED_DIR/other-ha.d
	mkdir -p "$d"
	fw_standard_ha_cf | sed 's/^udpport 694/udpport 1694/' >"$d/ha.cf"
	run node_exec alice "$DUET_FIREWALL" -c "$FW_CONF" --ha-dir "$d" render --backend iptables
	assert_success
	assert_line -- "-A DUET-IN -p udp -m udp --dport 1694 -j DROP"
	assert_line --partial "computed from $FW_CONF, $d/ha.cf"
}

@test "a resource with no peer is an error naming file and line" {
	printf '%s\n' 'resource r0 {' \
		'	on alice { device /dev/drbd0; disk /dev/fwtest0; address 10.99.7.1:7788; meta-disk internal; }' \
		'}' >"$FW_CONF"
	run fw alice render --backend nft
	assert_failure 1
	assert_output --partial "$FW_CONF:1: resource 'r0' has 1 host section"
	printf '%s\n' '# nothing' 'global { usage-count no; }' >"$FW_CONF"
	run fw alice check --backend nft
	assert_failure 1
	assert_output --partial "$FW_CONF: no resource, so no peer to let in"
}

@test "an unparsable address is an error naming file and line" {
	fw_standard_duet_conf | sed 's/address 10.99.7.2:7788;/address 10.99.7.256:7788;/' >"$FW_CONF"
	run fw alice render --backend nft
	assert_failure 1
	assert_output --partial "$FW_CONF:$(line_of "$FW_CONF" 10.99.7.256):"
	fw_write_config
	fw_standard_ha_cf | sed 's/^ucast6 eth0 .*/ucast6 eth0 fd00:99:7::zz/' >"$(node_path alice /etc/ha.d)/ha.cf"
	run fw alice apply --backend nft
	assert_failure 1
	assert_output --partial "/etc/ha.d/ha.cf:7: ucast6: bad IPv6 address [fd00:99:7::zz]"
	run node_exec alice nft list table inet duet
	assert_failure
}

@test "a port clash between two resources is an error naming file and line" {
	fw_standard_duet_conf | sed 's/\]:7789;/]:7788;/' >"$FW_CONF"
	run fw alice render --backend iptables
	assert_failure 1
	local l
	l=$(line_of "$FW_CONF" 'address ipv6 \[fd00:99:7::1\]:7788')
	assert_output --partial "$FW_CONF:$l: resource 'r1' uses port 7788, which resource 'r0' uses already ($FW_CONF:7)"
}

@test "bcast: the peer's known address, else the interface's subnet with a warning" {
	local hacf
	hacf=$(node_path alice /etc/ha.d)/ha.cf
	printf '%s\n' 'udpport 694' 'bcast eth0' 'node alice bob' >"$hacf"
	run fw alice render --backend iptables
	assert_success
	assert_line -- "-A DUET-IN -s 10.99.7.2/32 -p udp -m udp --dport 694 -j ACCEPT"
	refute_output --partial "warning"
	# bob's duet.conf address is on another network: nothing known on eth0
	fw_standard_duet_conf | sed 's/10\.99\.7\.2:7788/10.99.50.2:7788/' >"$FW_CONF"
	run --separate-stderr fw alice render --backend iptables
	assert_success
	assert_line -- "-A DUET-IN -s 10.99.7.0/24 -i eth0 -p udp -m udp --dport 694 -j ACCEPT"
	# shellcheck disable=SC2154 # set by run --separate-stderr
	[[ $stderr == *"warning: /etc/ha.d/ha.cf:2: bcast eth0: no address of the peer is known on eth0"*"whole subnet 10.99.7.0/24"* ]]
	assert_line --partial "# warning: /etc/ha.d/ha.cf:2: bcast eth0:"
}

@test "mcast: the group, from the peer's address on that interface" {
	printf '%s\n' 'mcast eth0 225.0.0.1 694 1 0' 'node alice bob' >"$(node_path alice /etc/ha.d)/ha.cf"
	run fw alice render --backend nft
	assert_success
	assert_line --partial "ip saddr 10.99.7.2 ip daddr 225.0.0.1 udp dport 694 accept"
}

@test "a missing backend tool names the Debian package to install" {
	local empty=$BED_DIR/empty-bin
	mkdir -p "$empty"
	run node_exec alice env PATH="$empty" "$DUET_FIREWALL" -c "$FW_CONF" --ha-dir /etc/ha.d apply --backend nft
	assert_failure 5
	assert_output --partial "nft: command not found; install the Debian package nftables"
	run node_exec alice env PATH="$empty" "$DUET_FIREWALL" -c "$FW_CONF" --ha-dir /etc/ha.d apply --backend ip6tables
	assert_failure 5
	assert_output --partial "install the Debian package iptables"
	run node_exec alice env PATH="$empty" "$DUET_FIREWALL" -c "$FW_CONF" --ha-dir /etc/ha.d check --backend firewalld
	assert_failure 5
	assert_output --partial "install the Debian package firewalld"
	run node_exec alice env PATH="$empty" "$DUET_FIREWALL" -c "$FW_CONF" --ha-dir /etc/ha.d apply
	assert_failure 5
	assert_output --partial "no firewall tool found: install the Debian package nftables"
	# firewalld installed but not running here
	run fw alice apply --backend firewalld
	assert_failure 5
	assert_output --partial "firewalld is not running"
}

@test "--dry-run prints the commands, shell-quoted, and changes nothing" {
	local before
	before=$(fw_ruleset alice)
	run fw alice --dry-run apply --backend iptables
	assert_success
	assert_line "iptables-restore -w --noflush <<'DUET_EOF'"
	assert_line -- "-A DUET-IN -s 10.99.7.2/32 -p tcp -m tcp --dport 7788 -j ACCEPT"
	assert_line "DUET_EOF"
	assert_line "iptables -w -C INPUT -j DUET-IN >/dev/null 2>&1 || iptables -w -I INPUT 1 -j DUET-IN"
	run fw alice -d remove --backend iptables
	assert_success
	assert_line "while iptables -w -C INPUT -j DUET-IN >/dev/null 2>&1; do iptables -w -D INPUT -j DUET-IN; done"
	assert_line "iptables -w -S DUET-IN >/dev/null 2>&1 && iptables -w -X DUET-IN"
	run fw alice -d apply --backend nft
	assert_line "nft -f - <<'DUET_EOF'"
	run fw alice -d apply --backend firewalld
	assert_success
	assert_line --partial "firewall-cmd '--add-rich-rule=rule priority=\"-1001\" family=\"ipv4\" source address=\"10.99.7.2\" port port=\"7788\" protocol=\"tcp\" accept'"
	assert_equal "$(fw_ruleset alice)" "$before"
	# the dry-run script does what apply does
	fw alice -d apply --backend iptables,ip6tables >"$BED_DIR/apply.sh"
	run node_exec alice sh "$BED_DIR/apply.sh"
	assert_success
	run fw alice status --backend iptables,ip6tables
	assert_success
	run fw alice remove --backend iptables,ip6tables
	assert_success
}

@test "check validates the configuration and test-loads every backend's rules" {
	local before
	before=$(fw_ruleset alice)
	run fw alice check --backend iptables,ip6tables,nft,firewalld
	assert_success
	assert_line "iptables: the rules load"
	assert_line "ip6tables: the rules load"
	assert_line "nft: the rules load"
	assert_line "firewalld: the rules load"
	assert_equal "$(fw_ruleset alice)" "$before"
	fw_standard_duet_conf | sed 's/:7788;/:77888;/' >"$FW_CONF"
	run fw alice check --backend nft
	assert_failure 1
}

@test "remove works when the configuration no longer parses" {
	run fw alice apply --backend nft
	assert_success
	echo 'resource r0 { on alice {' >"$FW_CONF"
	run fw alice remove
	assert_success
	assert_output --partial "removing duet's rules anyway"
	run node_exec alice nft list table inet duet
	assert_failure
}
