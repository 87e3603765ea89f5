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
	node_exec "$node" "$DUET_FIREWALL" -c "$FW_CONF" "$@"
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
		echo "## iptables-save"
		node_exec "$1" iptables-save
		echo "## ip6tables-save"
		node_exec "$1" ip6tables-save
		echo "## nft list ruleset"
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
	node_exec "$1" "${FW_IPT:-iptables}" -w -L DUET-IN -v -x -n |
		awk -v p="$2" -v port="dpt:$3" '$3 == "DROP" && $4 == p && $0 ~ port { print $1; exit }'
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
