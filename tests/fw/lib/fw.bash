# shellcheck shell=bash source-path=SCRIPTDIR
#
# duet-firewall tests on the netns bed (tests/netns/lib/netns.bash): three
# nodes on one LAN, eth0, IPv4 10.99.7.0/24 and IPv6 fd00:99:7::/64:
#
#   alice     10.99.7.1  fd00:99:7::1   the node whose rules are tested
#   bob       10.99.7.2  fd00:99:7::2   alice's peer
#   stranger  10.99.7.3  fd00:99:7::3   anyone else on the LAN
#
# duet.conf: r0 on TCP 7788 over IPv4, r1 on TCP 7789 over IPv6; ha.cf:
# udpport 694, ucast and ucast6 to bob. On alice, dual-stack listeners
# answer on TCP 7788, 7789 and 8080 (an unrelated open port) and log every
# UDP datagram to 694 in /var/log/udp-694.log. Everything happens inside
# the bed's namespaces; the host's netfilter is never touched.

FW_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../netns/lib/netns.bash
source "$FW_LIB_DIR/../../netns/lib/netns.bash"

FW_SRCDIR=${DUET_SRCDIR:-$(cd "$FW_LIB_DIR/../../.." && pwd)}
DUET_FIREWALL=${DUET_FIREWALL:-${DUET_BUILDDIR:-$FW_SRCDIR}/firewall/duet-firewall}
FW_PREFIX=10.99.7
FW_PREFIX6=fd00:99:7:
# the ports the configuration guards, and one it does not
FW_PORTS_TCP="7788 7789"
FW_OPEN_PORT=8080

# fw_ip NODE / fw_ip6 NODE: the node's address on the LAN
fw_ip() {
	case $1 in alice) echo "$FW_PREFIX.1" ;; bob) echo "$FW_PREFIX.2" ;; stranger) echo "$FW_PREFIX.3" ;; esac
}
fw_ip6() {
	case $1 in alice) echo "$FW_PREFIX6:1" ;; bob) echo "$FW_PREFIX6:2" ;; stranger) echo "$FW_PREFIX6:3" ;; esac
}

# fw_have_binary: duet-firewall has been built
fw_have_binary() {
	[[ -x $DUET_FIREWALL ]] || { echo "duet-firewall not built: $DUET_FIREWALL (make)" >&2; return 1; }
}

# fw_make_bed [--firewalld]: the three nodes on eth0 with IPv4 and IPv6,
# booted. --firewalld gives alice a private /etc/firewalld (a copy of the
# host's) for a firewalld daemon of her own.
fw_make_bed() {
	local n ns i=0
	bed_init && bed_add_node alice && bed_add_node bob && bed_add_node stranger || return 1
	if [[ ${1:-} == --firewalld ]]; then
		node_bind alice /etc/firewalld copy || return 1
	fi
	bed_add_lan eth0 "$FW_PREFIX" alice bob stranger || return 1
	# the bed switches IPv6 off in its nodes; these tests need it
	for n in alice bob stranger; do
		i=$((i + 1))
		ns=$(node_netns "$n") || return 1
		ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 \
			net.ipv6.conf.lo.disable_ipv6=0 >/dev/null || return 1
		ip -n "$ns" addr add "$FW_PREFIX6:$i/64" dev eth0 nodad || return 1
	done
	node_boot alice bob stranger
}

# fw_write_config [duet.conf text] [ha.cf text]: alice's and bob's
# configuration (the same files on both nodes, as in a real cluster):
# duet.conf in $BED_DIR/duet.conf ($FW_CONF), ha.cf in each node's
# /etc/ha.d. Without arguments, the standard pair described above.
fw_write_config() {
	local conf=${1:-} hacf=${2:-} n
	FW_CONF=$BED_DIR/duet.conf
	export FW_CONF
	if [[ -z $conf ]]; then
		conf=$(fw_standard_duet_conf)
	fi
	if [[ -z $hacf ]]; then
		hacf=$(fw_standard_ha_cf)
	fi
	printf '%s\n' "$conf" >"$FW_CONF" || return 1
	for n in alice bob; do
		printf '%s\n' "$hacf" >"$(node_path "$n" /etc/ha.d)/ha.cf" || return 1
	done
}

fw_standard_duet_conf() {
	cat <<EOC
# duet.conf of the firewall tests
resource r0 {
	protocol C;
	on alice {
		device /dev/drbd0;
		disk /dev/fwtest0;
		address $(fw_ip alice):7788;
		meta-disk internal;
	}
	on bob {
		device /dev/drbd0;
		disk /dev/fwtest0;
		address $(fw_ip bob):7788;
		meta-disk internal;
	}
}
resource r1 {
	protocol C;
	on alice {
		device /dev/drbd1;
		disk /dev/fwtest1;
		address ipv6 [$(fw_ip6 alice)]:7789;
		meta-disk internal;
	}
	on bob {
		device /dev/drbd1;
		disk /dev/fwtest1;
		address ipv6 [$(fw_ip6 bob)]:7789;
		meta-disk internal;
	}
}
EOC
}

fw_standard_ha_cf() {
	cat <<EOC
# ha.cf of the firewall tests
keepalive 200ms
deadtime 1
udpport 694
ucast eth0 $(fw_ip bob)
ucast eth0 $(fw_ip alice)
ucast6 eth0 $(fw_ip6 bob)
node alice bob
crm off
EOC
}

# fw NODE ARGS...: duet-firewall inside NODE with the test configuration
fw() {
	local node=$1
	shift
	node_exec "$node" "$DUET_FIREWALL" -c "$FW_CONF" --ha-dir /etc/ha.d "$@"
}

# fw_listen NODE: the listeners (TCP 7788, 7789, 8080; UDP 694 into
# /var/log/udp-694.log), dual stack
fw_listen() {
	local node=$1 p
	for p in $FW_PORTS_TCP $FW_OPEN_PORT; do
		node_start "$node" socat "TCP6-LISTEN:$p,ipv6only=0,reuseaddr,fork" /dev/null || return 1
	done
	node_start "$node" socat -u "UDP6-RECV:694,ipv6only=0,reuseaddr" \
		"OPEN:/var/log/udp-694.log,creat,append" || return 1
	for p in $FW_PORTS_TCP $FW_OPEN_PORT; do
		wait_until 5 node_exec "$node" sh -c "ss -Hltn 'sport = :$p' | grep -q ." || return 1
	done
	wait_until 5 node_exec "$node" sh -c "ss -Hlun 'sport = :694' | grep -q ."
}

# tcp_reaches FROM ADDRESS PORT: a TCP connection from FROM to
# ADDRESS:PORT is accepted within 2 s
tcp_reaches() {
	local addr=$2
	[[ $addr == *:* ]] && addr="[$addr]"
	node_exec "$1" timeout 5 socat -u /dev/null "TCP:$addr:$3,connect-timeout=2" 2>/dev/null
}

# udp_send FROM ADDRESS PORT TOKEN: one datagram "TOKEN\n"
udp_send() {
	local addr=$2
	[[ $addr == *:* ]] && addr="[$addr]"
	echo "$4" | node_exec "$1" socat -u - "UDP-SENDTO:$addr:$3"
}

# udp_received NODE TOKEN [TIMEOUT]: TOKEN arrived at NODE's UDP listener
udp_received() {
	local log
	log=$(node_path "$1" /var/log)/udp-694.log
	wait_until "${3:-2}" grep -qxF "$2" "$log"
}

# udp_not_received NODE TOKEN: TOKEN did not arrive within a second
udp_not_received() {
	local log
	log=$(node_path "$1" /var/log)/udp-694.log
	sleep 1
	! grep -qxF "$2" "$log" 2>/dev/null
}

# strip_counters: ruleset listings without packet/byte counters
strip_counters() {
	sed -E -e '/^#/d' -e 's/\[[0-9]+:[0-9]+\]/[0:0]/g' \
		-e 's/counter packets [0-9]+ bytes [0-9]+/counter/g'
}

# fw_ruleset NODE: everything netfilter holds in NODE, counters stripped:
# iptables-save, ip6tables-save and nft list ruleset
fw_ruleset() {
	{
		echo "=== iptables-save"
		node_exec "$1" iptables-save
		echo "=== ip6tables-save"
		node_exec "$1" ip6tables-save
		echo "=== nft list ruleset"
		node_exec "$1" nft list ruleset
	} | strip_counters
}

# fw_admin_ruleset NODE: an administrator's ruleset loaded before duet's:
# iptables and ip6tables with their own chain, an nftables table; all of
# them accept TCP 8080 and ssh
fw_admin_ruleset() {
	node_exec "$1" iptables-restore <<'EOR' || return 1
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:ADMIN-IN - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -j ADMIN-IN
-A ADMIN-IN -p tcp -m tcp --dport 22 -j ACCEPT
-A ADMIN-IN -p tcp -m tcp --dport 8080 -j ACCEPT
-A ADMIN-IN -p icmp -j ACCEPT
COMMIT
EOR
	node_exec "$1" ip6tables-restore <<'EOR' || return 1
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:ADMIN-IN - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -j ADMIN-IN
-A ADMIN-IN -p tcp -m tcp --dport 22 -j ACCEPT
-A ADMIN-IN -p tcp -m tcp --dport 8080 -j ACCEPT
-A ADMIN-IN -p ipv6-icmp -j ACCEPT
COMMIT
EOR
	node_exec "$1" nft -f - <<'EOR'
table inet admin {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 22 accept
		tcp dport 8080 counter accept
	}
}
EOR
}

# fw_drops NODE PROTO PORT: packets counted by duet's drop rule for PORT
# (iptables: DUET-IN in the family of $FW_IPT, default iptables; nft:
# table inet duet)
fw_drops_ipt() {
	node_exec "$1" "${FW_IPT:-iptables}" -w -v -S DUET-IN |
		sed -nE "s/^-A DUET-IN -p $2 -m $2 --dport $3 -c ([0-9]+) [0-9]+ -j DROP\$/\\1/p"
}
fw_drops_nft() {
	node_exec "$1" nft list table inet duet |
		sed -nE "s/.*$2 dport $3 counter packets ([0-9]+) bytes.*drop.*/\\1/p" | head -n 1
}

# fw_teardown_test: keep the logs of a failed test
fw_teardown_test() {
	if [[ -z ${BATS_TEST_COMPLETED:-} && -d ${BED_DIR:-/nonexistent} ]]; then
		bed_save_logs "fw-$BATS_TEST_NAME"
	fi
}

# ---------------------------------------------------------------------------
# expectations; each fails with a message saying what did not hold

# fw_expect_open FROM ADDRESS PORT / fw_expect_closed FROM ADDRESS PORT
fw_expect_open() {
	tcp_reaches "$1" "$2" "$3" || { echo "expected $1 to reach $2 port $3/tcp, it did not" >&2; return 1; }
}
fw_expect_closed() {
	if tcp_reaches "$1" "$2" "$3"; then
		echo "expected $1 NOT to reach $2 port $3/tcp, it did" >&2
		return 1
	fi
}

FW_TOKEN_N=0
# fw_expect_udp FROM ADDRESS / fw_expect_udp_dropped FROM ADDRESS: a
# datagram to ADDRESS:694 arrives at alice's listener / does not
fw_expect_udp() {
	local tok
	FW_TOKEN_N=$((FW_TOKEN_N + 1))
	tok="$1-$RANDOM-$FW_TOKEN_N"
	udp_send "$1" "$2" 694 "$tok" || return 1
	udp_received alice "$tok" 3 || { echo "datagram from $1 to $2:694 did not arrive" >&2; return 1; }
}
fw_expect_udp_dropped() {
	local tok
	FW_TOKEN_N=$((FW_TOKEN_N + 1))
	tok="$1-$RANDOM-$FW_TOKEN_N"
	udp_send "$1" "$2" 694 "$tok" || return 1
	udp_not_received alice "$tok" || { echo "datagram from $1 to $2:694 arrived" >&2; return 1; }
}

# fw_expect_peer_only FAMILY (4 or 6): bob reaches alice's replication port
# of that family (7788 over IPv4, 7789 over IPv6) and 694/udp, the
# stranger reaches neither; both reach the unrelated open port
fw_expect_peer_only() {
	local a port
	if [[ $1 == 4 ]]; then a=$(fw_ip alice) port=7788; else a=$(fw_ip6 alice) port=7789; fi
	fw_expect_open bob "$a" "$port" &&
		fw_expect_closed stranger "$a" "$port" &&
		fw_expect_udp bob "$a" &&
		fw_expect_udp_dropped stranger "$a" &&
		fw_expect_open bob "$a" "$FW_OPEN_PORT" &&
		fw_expect_open stranger "$a" "$FW_OPEN_PORT"
}

# fw_expect_all_open FAMILY: before apply and after remove, everyone
# reaches everything
fw_expect_all_open() {
	local a port
	if [[ $1 == 4 ]]; then a=$(fw_ip alice) port=7788; else a=$(fw_ip6 alice) port=7789; fi
	fw_expect_open bob "$a" "$port" &&
		fw_expect_open stranger "$a" "$port" &&
		fw_expect_udp bob "$a" &&
		fw_expect_udp stranger "$a" &&
		fw_expect_open stranger "$a" "$FW_OPEN_PORT"
}

# fw_firewalld_start NODE: a D-Bus system bus and firewalld of the node's
# own (its /run is private, /etc/firewalld was given by fw_make_bed
# --firewalld); waits until firewall-cmd --state answers
fw_firewalld_start() {
	node_exec "$1" mkdir -p /run/dbus || return 1
	node_start "$1" dbus-daemon --system --nofork --nopidfile || return 1
	wait_until 20 node_exec "$1" test -S /run/dbus/system_bus_socket || return 1
	node_start "$1" firewalld --nofork --nopid || return 1
	wait_until 90 node_exec "$1" firewall-cmd --state
}
