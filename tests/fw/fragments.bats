#!/usr/bin/env bats
#
# The static fragments in firewall/ for administrators who edit their rules
# by hand: each one test-loads (iptables-restore --test, ip6tables-restore
# --test, nft -c -f), loads next to an existing ruleset without touching it,
# and marks its peer addresses as placeholders; the firewalld services are
# well-formed XML that firewalld itself accepts (firewall-offline-cmd on a
# scratch configuration). Runs in a node of the netns bed, never on the
# host's netfilter.

load lib/fw

bats_load_library bats-support
bats_load_library bats-assert

FRAG=$FW_SRCDIR/firewall

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	if ! { bed_init && bed_add_node alice && node_boot alice; }; then
		[[ -z ${BED_DIR:-} ]] || bed_save_logs setup_file-fragments
		return 1
	fi
}

teardown_file() {
	bed_cleanup
}

teardown() {
	fw_teardown_test
}

@test "duet.rules.v4 passes iptables-restore --test" {
	run node_exec alice iptables-restore --test --noflush "$FRAG/duet.rules.v4"
	assert_success
	run node_exec alice iptables-restore --test "$FRAG/duet.rules.v4"
	assert_success
}

@test "duet.rules.v6 passes ip6tables-restore --test" {
	run node_exec alice ip6tables-restore --test --noflush "$FRAG/duet.rules.v6"
	assert_success
}

@test "duet.nft passes nft -c -f" {
	run node_exec alice nft -c -f "$FRAG/duet.nft"
	assert_success
}

@test "the fragments name their peer addresses as placeholders" {
	local f
	for f in duet.rules.v4 duet.nft duet-replication.xml duet-heartbeat.xml; do
		run grep -c 'PLACEHOLDER' "$FRAG/$f"
		assert_success
		run grep -q '192\.0\.2\.2' "$FRAG/$f"
		assert_success
	done
	run grep -c 'PLACEHOLDER' "$FRAG/duet.rules.v6"
	assert_success
	# no address outside the documentation ranges (RFC 5737, RFC 3849)
	run grep -nE '\b(10|172|192\.168)\.[0-9]+\.[0-9]+' "$FRAG/duet.rules.v4" "$FRAG/duet.rules.v6" "$FRAG/duet.nft"
	assert_failure
}

@test "the iptables fragments load next to a ruleset and change nothing else" {
	local before after
	fw_admin_ruleset alice
	before=$(node_exec alice iptables-save | strip_counters)
	run node_exec alice iptables-restore --noflush "$FRAG/duet.rules.v4"
	assert_success
	run node_exec alice ip6tables-restore --noflush "$FRAG/duet.rules.v6"
	assert_success
	# loading twice leaves one copy (the chain line empties DUET-IN)
	run node_exec alice iptables-restore --noflush "$FRAG/duet.rules.v4"
	assert_success
	run node_exec alice iptables -S DUET-IN
	assert_success
	assert_equal "$(grep -c '^-A DUET-IN' <<<"$output")" 4
	after=$(node_exec alice iptables-save | strip_counters | grep -v 'DUET-IN')
	assert_equal "$after" "$before"
	node_exec alice iptables -F DUET-IN
	node_exec alice iptables -X DUET-IN
	node_exec alice ip6tables -F DUET-IN
	node_exec alice ip6tables -X DUET-IN
}

@test "duet.nft loads twice as one table inet duet and leaves other tables alone" {
	local before after
	before=$(node_exec alice nft list table inet admin | strip_counters)
	run node_exec alice nft -f "$FRAG/duet.nft"
	assert_success
	run node_exec alice nft -f "$FRAG/duet.nft"
	assert_success
	run node_exec alice nft list tables
	assert_output --partial "table inet duet"
	assert_equal "$(node_exec alice nft list table inet duet | grep -c 'dport 7788')" 3
	after=$(node_exec alice nft list table inet admin | strip_counters)
	assert_equal "$after" "$before"
	node_exec alice nft delete table inet duet
}

@test "the firewalld services are well-formed XML with the right ports" {
	run xmllint --noout "$FRAG/duet-replication.xml" "$FRAG/duet-heartbeat.xml"
	assert_success
	run xmllint --xpath 'string(/service/port/@port)' "$FRAG/duet-replication.xml"
	assert_output 7788
	run xmllint --xpath 'string(/service/port/@protocol)' "$FRAG/duet-replication.xml"
	assert_output tcp
	run xmllint --xpath 'string(/service/port/@port)' "$FRAG/duet-heartbeat.xml"
	assert_output 694
	run xmllint --xpath 'string(/service/port/@protocol)' "$FRAG/duet-heartbeat.xml"
	assert_output udp
}

@test "firewalld accepts the services and a peer-only rich rule for each (offline)" {
	local cfg=$BATS_TEST_TMPDIR/firewalld s
	command -v firewall-offline-cmd >/dev/null || skip "firewalld is not installed"
	mkdir -p "$cfg"
	cp /etc/firewalld/firewalld.conf "$cfg/" 2>/dev/null || true
	for s in duet-replication duet-heartbeat; do
		run firewall-offline-cmd --system-config="$cfg" --new-service-from-file="$FRAG/$s.xml" --name="$s"
		assert_success
		run firewall-offline-cmd --system-config="$cfg" --zone=public \
			--add-rich-rule="rule family=\"ipv4\" source address=\"192.0.2.2\" service name=\"$s\" accept"
		assert_success
	done
	run firewall-offline-cmd --system-config="$cfg" --info-service=duet-replication
	assert_output --partial "ports: 7788/tcp"
	run firewall-offline-cmd --system-config="$cfg" --info-service=duet-heartbeat
	assert_output --partial "ports: 694/udp"
	run firewall-offline-cmd --system-config="$cfg" --check-config
	assert_success
}

@test "the systemd unit applies before duet's services and removes on stop" {
	local u=$FRAG/duet-firewall.service
	run grep -E '^(Type|RemainAfterExit|ExecStart|ExecStop|Before)=' "$u"
	assert_line "Type=oneshot"
	assert_line "RemainAfterExit=yes"
	assert_line "ExecStart=/usr/sbin/duet-firewall apply"
	assert_line "ExecStop=/usr/sbin/duet-firewall remove"
	assert_line --partial "Before=duetd.service"
	if command -v systemd-analyze >/dev/null; then
		# unknown units named in Before=/After= only give warnings
		run systemd-analyze verify "$u"
		refute_output --partial "Unknown key"
		refute_output --partial "Invalid"
	fi
}

@test "README's figure-4 layout with duet's chain loads, DUET-IN before eth0's ACCEPT and the REJECT" {
	local f=$BATS_TEST_TMPDIR/sysconfig-iptables
	awk '/^# \/etc\/sysconfig\/iptables on sslab1/ { on = 1 } on { print } on && /^COMMIT$/ { exit }' \
		"$FW_SRCDIR/README.md" >"$f"
	run grep -c '^-A ' "$f"
	assert_output 24
	run node_exec alice iptables-restore --test "$f"
	assert_success
	# the DUET-IN lines are the fragment's with the placeholder replaced
	run diff <(grep '^-A DUET-IN' "$f") <(grep '^-A DUET-IN' "$FRAG/duet.rules.v4" | sed 's/192\.0\.2\.2/192.168.0.11/')
	assert_success
	run node_exec alice iptables-restore "$f"
	assert_success
	run node_exec alice iptables -S RH-Firewall-1-INPUT
	assert_equal "${lines[2]}" "-A RH-Firewall-1-INPUT -j DUET-IN"
	assert_equal "${lines[3]}" "-A RH-Firewall-1-INPUT -i eth0 -j ACCEPT"
	assert_equal "${lines[-1]}" "-A RH-Firewall-1-INPUT -j REJECT --reject-with icmp-host-prohibited"
	# figure 4's world-open lines for 694 and 7788 are gone
	run grep -E 'RH-Firewall-1-INPUT .*--dport (694|7788)' "$f"
	assert_failure
	node_exec alice iptables -F
	node_exec alice iptables -X
}
