# shellcheck shell=bash source-path=SCRIPTDIR
#
# Stock Heartbeat 3.0.6 on netns test-bed nodes: configuration files,
# start/stop, status queries. Sources lib/netns.bash (the generic bed).
#
# Typical use (two nodes on a LAN plus a serial line):
#
#   hb_write_config nodea --nodes "nodea nodeb" --ucast eth0 --serial ser0 \
#       --resources "nodea hbdummy::r1 hbdummy::r2"
#   hb_install_resource nodea "$BED_LIB_DIR/../resources/hbdummy"
#   ... the same for nodeb ...
#   hb_start nodea nodeb
#   hb_wait_nodestatus nodea nodeb active 20
#
# Heartbeat logs to the node's /var/log/ha-log and /var/log/ha-debug
# (hb_log_path NODE), which bed_save_logs collects.

# shellcheck source=netns.bash
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/netns.bash"

HB_DAEMON=${HB_DAEMON:-/usr/libexec/heartbeat/heartbeat}
HB_RESOURCES_DIR=$(cd "$BED_LIB_DIR/../resources" && pwd)

# hb_write_config NODE [OPTION...]: write the node's /etc/ha.d/ha.cf,
# authkeys and haresources. Options (defaults in brackets):
#   --nodes "N1 N2"        cluster members [every node of the bed]
#   --keepalive T          [200ms]    --deadtime T   [1]
#   --warntime T           [500ms]    --initdead T   [3]
#   --udpport P            [694]      --baud B       [19200]
#   --ucast IFACE          one "ucast IFACE PEER-IP" per other member that
#                          has an address on IFACE (repeatable)
#   --serial NAME          "serial <this node's end of serial line NAME>"
#                          (repeatable)
#   --auto-failback V      on|off|legacy [off]
#   --realtime V           on|off [on]   --debug N [0]
#   --auth-method M        sha1|md5|crc [sha1]
#   --key SECRET           [duet-test-$BED_ID]
#   --authkeys-mode MODE   [0600] (other modes make heartbeat refuse to start)
#   --resources LINE       one haresources line (repeatable) [none]
#   --extra LINE           a verbatim ha.cf line (repeatable)
# Write the same options on every member: haresources and authkeys must match.
hb_write_config() {
	local node=${1:-} nd members keepalive=200ms deadtime=1 warntime=500ms initdead=3
	local udpport=694 baud=19200 afb=off realtime=on debug=0 method=sha1 key mode=0600
	local -a ucast=() serial=() resources=() extra=()
	local m ifc peer ip name dir
	nd=$(_bed_node_dir "$node") || return 1
	shift
	members=$(bed_nodes | tr '\n' ' ')
	key=duet-test-$BED_ID
	while (($# > 0)); do
		(($# >= 2)) || { _bed_err "hb_write_config: option '$1' needs a value"; return 1; }
		case $1 in
		--nodes) members=$2 ;;
		--keepalive) keepalive=$2 ;;
		--deadtime) deadtime=$2 ;;
		--warntime) warntime=$2 ;;
		--initdead) initdead=$2 ;;
		--udpport) udpport=$2 ;;
		--baud) baud=$2 ;;
		--ucast) ucast+=("$2") ;;
		--serial) serial+=("$2") ;;
		--auto-failback) afb=$2 ;;
		--realtime) realtime=$2 ;;
		--debug) debug=$2 ;;
		--auth-method) method=$2 ;;
		--key) key=$2 ;;
		--authkeys-mode) mode=$2 ;;
		--resources) resources+=("$2") ;;
		--extra) extra+=("$2") ;;
		*) _bed_err "hb_write_config: unknown option '$1'"; return 1 ;;
		esac
		shift 2
	done
	# shellcheck disable=SC2086
	set -- $members
	for m in "$@"; do _bed_node_dir "$m" >/dev/null || return 1; done
	[[ " $members " == *" $node "* ]] ||
		{ _bed_err "hb_write_config: node '$node' is not in --nodes '$members'"; return 1; }
	((${#ucast[@]} + ${#serial[@]} + ${#extra[@]} > 0)) ||
		{ _bed_err "hb_write_config: no medium (--ucast IFACE or --serial NAME)"; return 1; }
	dir=$nd/root/etc/ha.d
	{
		echo "# ha.cf for $node, written by tests/netns/lib/heartbeat.bash (bed $BED_ID)"
		echo "logfile /var/log/ha-log"
		echo "debugfile /var/log/ha-debug"
		echo "use_logd no"
		echo "keepalive $keepalive"
		echo "deadtime $deadtime"
		echo "warntime $warntime"
		echo "initdead $initdead"
		echo "udpport $udpport"
		echo "baud $baud"
		for name in "${serial[@]}"; do
			ip=$(serial_path "$name" "$node") || return 1
			echo "serial $ip"
		done
		for ifc in "${ucast[@]}"; do
			peer=0
			for m in "$@"; do
				[[ $m != "$node" ]] || continue
				ip=$(node_ip "$m" "$ifc" 2>/dev/null) || continue
				echo "ucast $ifc $ip"
				peer=1
			done
			((peer)) || { _bed_err "hb_write_config: no other member has an address on '$ifc'"; return 1; }
		done
		echo "auto_failback $afb"
		echo "crm off"
		echo "realtime $realtime"
		((debug == 0)) || echo "debug $debug"
		echo "node $members"
		for m in "${extra[@]}"; do echo "$m"; done
	} >"$dir/ha.cf.tmp" || return 1
	mv "$dir/ha.cf.tmp" "$dir/ha.cf" || return 1
	{
		echo "# haresources written by tests/netns/lib/heartbeat.bash"
		for m in "${resources[@]}"; do echo "$m"; done
	} >"$dir/haresources" || return 1
	rm -f "$dir/authkeys"
	(
		umask 077
		if [[ $method == crc ]]; then
			printf 'auth 1\n1 crc\n' >"$dir/authkeys"
		else
			printf 'auth 1\n1 %s %s\n' "$method" "$key" >"$dir/authkeys"
		fi
	) || return 1
	chmod "$mode" "$dir/authkeys"
}

# hb_install_resource NODE SCRIPT [NAME]: install SCRIPT as the node's
# /etc/ha.d/resource.d/NAME (default: basename of SCRIPT; a bare name is
# looked up in tests/netns/resources/)
hb_install_resource() {
	local node=${1:-} src=${2:-} name nd
	nd=$(_bed_node_dir "$node") || return 1
	[[ $src == */* ]] || src=$HB_RESOURCES_DIR/$src
	[[ -f $src ]] || { _bed_err "hb_install_resource: no such script '$src'"; return 1; }
	name=${3:-$(basename "$src")}
	install -m 0755 "$src" "$nd/root/etc/ha.d/resource.d/$name"
}

# hb_prepare NODE: what the init script and tmpfiles.d do on a real host:
# on the first start a fresh heartbeat state (no uuid/generation copied from
# the host; later restarts keep the node's own, like a rebooted machine) and,
# inside the node (booted if needed), the /run directories heartbeat expects
# _hb_one_write_clustermsg SHELLFUNCS: make the node's ha_clustermsg write
# each message into Heartbeat's FIFO with one write().
#
# 3.0.6's version, `(echo ">>>"; cat -; echo "<<<") | cat - >> $HA_FIFO`,
# writes a message in pieces. When a stock node takes its own group back
# from a dead peer (auto_failback off), mach_down and req_resource send at
# the same moment, their pieces interleave, the FIFO reader drops the
# mixture ("NV failure (msgfromsteam): [>>>"), and the lost message is the
# ip-request-resp that would have started the group: the node never starts
# it. That is a race of stock Heartbeat alone (a stock pair hits it the
# same way), seen in 5 runs of 33 of duetd-interop.bats test 6; with
# one write() per message (under PIPE_BUF, so atomic) it cannot happen.
# The later definition, appended, wins; the rest of the file is stock.
_hb_one_write_clustermsg() {
	local f=${1:-}
	[[ -f $f ]] || { _bed_err "no $f to fix ha_clustermsg in"; return 1; }
	grep -q '^# duet test bed: ha_clustermsg in one write' "$f" && return 0
	cat >>"$f" <<-'EOF'

		# duet test bed: ha_clustermsg in one write (tests/netns/lib/heartbeat.bash)
		ha_clustermsg() {
			_ha_msg=$(cat -)
			cat >>"$HA_FIFO" <<-!HA_MSG
			>>>
			$_ha_msg
			<<<
			!HA_MSG
		}
	EOF
}

hb_prepare() {
	local node=${1:-} nd f
	nd=$(_bed_node_dir "$node") || return 1
	for f in hb_uuid hb_generation hostcache delhostcache fifo; do
		if [[ -e $nd/root/var/lib/heartbeat/$f && ! -e $nd/hb-prepared ]]; then
			rm -f "$nd/root/var/lib/heartbeat/$f"
		fi
	done
	touch "$nd/hb-prepared"
	_hb_one_write_clustermsg "$nd/root/etc/ha.d/shellfuncs" || return 1
	node_boot "$node" || return 1
	# shellcheck disable=SC2016
	node_exec "$node" sh -ec '
		for d in /run/heartbeat /run/heartbeat/ccm /run/heartbeat/crm \
			/run/heartbeat/dopd /run/crm; do
			mkdir -p "$d"; chmod 0750 "$d"; chown hacluster:haclient "$d"
		done
		mkdir -p /run/resource-agents; chmod 1755 /run/resource-agents
		mkdir -p /var/lock/subsys'
}

# hb_start NODE...: boot each node if needed and start heartbeat in it (it
# daemonizes itself), all nodes first, then wait until each one's master
# process runs (`heartbeat -s`, $HB_START_TIMEOUT s, default 30). Heartbeat
# serves cl_status only once its comm is up (peers heard or initdead over),
# so wait for that with hb_wait_nodestatus. On failure print its logs.
# Extra heartbeat options can be given in $HB_ARGS (e.g. "-l" no realtime).
hb_start() {
	local node nd rc
	(($# > 0)) || { _bed_err "usage: hb_start NODE..."; return 1; }
	for node in "$@"; do
		nd=$(_bed_node_dir "$node") || return 1
		[[ -s $nd/root/etc/ha.d/ha.cf ]] || { _bed_err "hb_start: no ha.cf on '$node' (hb_write_config)"; return 1; }
		hb_prepare "$node" || return 1
	done
	for node in "$@"; do
		nd=$BED_DIR/nodes/$node
		echo "=== $(date '+%F %T') heartbeat ${HB_ARGS:-}" >>"$nd/console.log"
		rc=0
		# a clean environment, as at boot (resource scripts inherit it)
		# shellcheck disable=SC2086
		node_exec "$node" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			LANG=C.UTF-8 HOME=/root "$HB_DAEMON" ${HB_ARGS:-} </dev/null >>"$nd/console.log" 2>&1 \
			3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- || rc=$?
		if ((rc != 0)); then
			_bed_err "heartbeat on '$node' exited with status $rc; end of its logs:"
			tail -n 20 "$nd/console.log" "$nd/root/var/log/ha-log" >&2 2>/dev/null || true
			return 1
		fi
	done
	for node in "$@"; do
		nd=$BED_DIR/nodes/$node
		if ! wait_until "${HB_START_TIMEOUT:-30}" hb_running "$node"; then
			_bed_err "heartbeat on '$node' is not running; end of ha-log:"
			tail -n 20 "$nd/root/var/log/ha-log" >&2 2>/dev/null || true
			return 1
		fi
	done
}

# hb_running NODE: heartbeat's master process runs on the node
# (`heartbeat -s`: pid file + process; works before comm is up)
hb_running() {
	node_is_up "${1:-}" && node_exec "$1" "$HB_DAEMON" -s >/dev/null 2>&1
}

# hb_stop NODE: graceful stop (heartbeat -k: gives up resources, tells the
# peer, exits); heartbeat delays it while a resource transition runs (up to
# ~10 s after start). Fails if it is not gone after $HB_STOP_TIMEOUT s (30).
hb_stop() {
	local node=${1:-} t=${HB_STOP_TIMEOUT:-30}
	node_is_up "$node" || { _bed_err "hb_stop: node '$node' is not running"; return 1; }
	node_exec "$node" timeout "$t" "$HB_DAEMON" -k </dev/null >/dev/null 2>&1 3>&- || true
	wait_until 2 _hb_not_running "$node" ||
		{ _bed_err "hb_stop: heartbeat on '$node' did not stop within ${t}s"; return 1; }
}

_hb_not_running() { ! hb_running "$1"; }

# hb_nodestatus NODE PEER: print PEER's status as NODE sees it
# (init|up|active|dead, from cl_status nodestatus)
hb_nodestatus() {
	node_exec "${1:-}" cl_status nodestatus "${2:-}"
}

_hb_nodestatus_is() {
	local s
	s=$(hb_nodestatus "$1" "$2" 2>&1) || true
	[[ $s == "$3" ]] || { echo "$1 sees $2 as '$s', not '$3'"; return 1; }
}

# hb_wait_nodestatus NODE PEER STATUS [TIMEOUT=20]: wait until NODE sees
# PEER in STATUS
hb_wait_nodestatus() {
	wait_until "${4:-20}" _hb_nodestatus_is "${1:-}" "${2:-}" "${3:-}"
}

# hb_linkstatus NODE PEER LINK: print the status (up|dead) of medium LINK
# (interface name, or serial device path) towards PEER as NODE sees it
hb_linkstatus() {
	node_exec "${1:-}" cl_status hblinkstatus "${2:-}" "${3:-}"
}

# hb_rscstatus NODE: print what NODE holds (none|local|foreign|all|transition)
hb_rscstatus() {
	node_exec "${1:-}" cl_status rscstatus
}

# hb_log_path NODE: host path of the node's ha-log
hb_log_path() {
	node_path "${1:-}" /var/log/ha-log
}

# hb_log_grep NODE ERE: the node's ha-log has a line matching ERE
hb_log_grep() {
	local f
	f=$(hb_log_path "${1:-}") || return 1
	grep -qE -- "${2:-}" "$f" 2>/dev/null
}

# hbdummy_running NODE INSTANCE: the hbdummy resource INSTANCE runs on NODE
# (its status action says so)
hbdummy_running() {
	node_exec "${1:-}" /etc/ha.d/resource.d/hbdummy "${2:-}" status >/dev/null 2>&1
}

# hbdummy_events NODE: print the node's hbdummy event log (see
# resources/hbdummy): "<time> <node> <instance> <operation> <status>"
hbdummy_events() {
	local f
	f=$(node_path "${1:-}" /var/log/hbdummy.log) || return 1
	[[ ! -f $f ]] || cat "$f"
}
