# shellcheck shell=bash
#
# duet network-namespace test bed: nodes, links, serial lines, cleanup.
#
# Source this file from bats (`load lib/netns`) or from plain bash. It never
# changes the caller's shell options; every function returns non-zero with a
# message on stderr ("netns: ...") when something goes wrong, so it works
# both with and without `set -e`.
#
# A *bed* is one run directory ($BED_DIR, /tmp/duet-netns.XXXXXX) whose
# suffix is the bed id ($BED_ID). Everything the bed creates is recorded in
# files under $BED_DIR, never only in shell variables, so that any process
# (a bats test, teardown_file, `netns.bash cleanup DIR`) can tear it down:
#
#   $BED_DIR/owner            "PID STARTTIME" of the shell that made the bed
#   $BED_DIR/netns            network namespaces created, one per line
#   $BED_DIR/pids             host processes started: "PID STARTTIME ROLE"
#   $BED_DIR/nodelist         node names in creation order
#   $BED_DIR/nodes/NODE/      one directory per node:
#       netns hostname        its network namespace name and host name
#       addrs                 "IFACE ADDRESS KIND" per interface
#       binds                 absolute paths bind-mounted from root/PATH
#       root/...              the node's private /etc/ha.d, /var/lib/heartbeat,
#                             /var/log (and whatever node_bind added)
#       init.pid ready        host "PID STARTTIME" of the node's PID 1; boot done
#       init.log console.log  PID 1's output; output of node_start daemons
#   $BED_DIR/serial/NAME.NODE the pty end of serial line NAME on NODE
#
# A *node* is a network namespace plus, once booted, a PID 1
# (lib/node-init.bash) in new pid+mount+UTS+IPC namespaces: own hostname,
# /proc, /sys, tmpfs /run and /dev/shm, and bind mounts of root/PATH for every
# PATH in binds. Killing that PID 1 kills every process of the node at once,
# which is how node_kill models a crash. Nothing is mounted in the host's
# mount namespace, and no interface or address appears in the host's
# network namespace.
#
# Names: network namespaces are duet-$BED_ID-NODE (switches:
# duet-$BED_ID-sw-IFACE), so parallel beds never clash. Interface names only
# exist inside the namespaces.

BED_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# ---------------------------------------------------------------------------
# small internals

_bed_err() { echo "netns: $*" >&2; return 1; }

# _bed_need_bed: fails unless a bed has been created in this environment
_bed_need_bed() {
	[[ -n ${BED_DIR:-} && -d ${BED_DIR:-} && -f $BED_DIR/netns ]] ||
		_bed_err "no test bed (call bed_init first; BED_DIR='${BED_DIR:-}')"
}

# _bed_node_dir NODE: prints the node's directory, fails for unknown nodes
_bed_node_dir() {
	_bed_need_bed || return 1
	[[ -n ${1:-} && -f $BED_DIR/nodes/${1:-}/netns ]] ||
		_bed_err "unknown node '${1:-}' (nodes: $(bed_nodes | tr '\n' ' '))"
	echo "$BED_DIR/nodes/$1"
}

# _bed_proc_start PID: prints the process start time (field 22 of
# /proc/PID/stat); fails if the process does not exist or is a zombie
_bed_proc_start() {
	local stat rest
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	rest=${stat##*) }
	# shellcheck disable=SC2086
	set -- $rest
	[[ $1 != Z && $1 != X ]] || return 1
	echo "${20}"
}

# _bed_alive PID STARTTIME: the very process we recorded is still running
_bed_alive() {
	local now
	now=$(_bed_proc_start "$1") || return 1
	[[ $now == "$2" ]]
}

# _bed_record_pid PID ROLE: remember a host process we started
_bed_record_pid() {
	local start
	start=$(_bed_proc_start "$1") || start=gone
	echo "$1 $start $2" >>"$BED_DIR/pids"
}

_bed_now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }

# _bed_deadline SECONDS: print the time (ms) SECONDS from now;
# _bed_before DEADLINE: that time has not come yet
_bed_deadline() { echo $(($(_bed_now_ms) + $1 * 1000)); }
_bed_before() { (($(_bed_now_ms) < $1)); }

# _bed_secs_to_ms SECONDS (integer or decimal, e.g. 2 or 0.5)
_bed_secs_to_ms() {
	[[ $1 =~ ^([0-9]+)(\.([0-9]{1,3}))?$ ]] || { _bed_err "bad time value '$1' (seconds)"; return 1; }
	local frac=${BASH_REMATCH[3]}000
	echo $((10#${BASH_REMATCH[1]} * 1000 + 10#${frac:0:3}))
}

# _bed_spawn LOG CMD...: start CMD in the background, stdin from /dev/null,
# output appended to LOG, with fds 3-9 closed (bats waits on fd 3 otherwise).
# Sets BED_SPAWNED_PID.
# The process is started from a subshell, so it is not a job of the caller's
# shell (no "Killed" notices, no zombies left for the caller to reap), and in
# a session of its own (setsid), so that a Ctrl-C meant for the test run
# does not kill the bed's processes before the cleanup does. Job control is
# off in the subshell, so the child is no group leader and setsid does not
# fork: $! is the process itself.
_bed_spawn() {
	local log=$1
	shift
	BED_SPAWNED_PID=$(
		set +m
		setsid "$@" </dev/null >>"$log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
		echo $!
	)
	[[ -n $BED_SPAWNED_PID ]] || _bed_err "cannot start $1"
}

# ---------------------------------------------------------------------------
# the bed

# bed_init: create a new bed (run directory, id) and export BED_DIR/BED_ID.
# Outside bats it also installs an EXIT trap that calls bed_cleanup (set
# BED_NO_TRAP=1 to manage cleanup yourself).
bed_init() {
	local t base=${BED_TMPDIR:-${TMPDIR:-/tmp}}
	((EUID == 0)) || { _bed_err "the netns bed needs root"; return 1; }
	for t in ip nsenter unshare socat mount umount; do
		command -v "$t" >/dev/null ||
			{ _bed_err "missing tool '$t' (run installer/setup-deps.sh)"; return 1; }
	done
	BED_DIR=$(mktemp -d "$base/duet-netns.XXXXXX") || { _bed_err "cannot create run dir in $base"; return 1; }
	BED_ID=${BED_DIR##*.}
	export BED_DIR BED_ID
	mkdir -p "$BED_DIR/nodes" "$BED_DIR/serial" || return 1
	: >"$BED_DIR/netns"
	: >"$BED_DIR/pids"
	: >"$BED_DIR/nodelist"
	echo "$$ $(_bed_proc_start $$)" >"$BED_DIR/owner"
	if [[ -z ${BATS_TEST_FILENAME:-} && -z ${BED_NO_TRAP:-} ]]; then
		trap 'bed_cleanup' EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
	fi
}

# bed_nodes: print the bed's node names, one per line
bed_nodes() {
	[[ -n ${BED_DIR:-} && -f $BED_DIR/nodelist ]] && cat "$BED_DIR/nodelist"
	return 0
}

# bed_add_node NODE [HOSTNAME]: create a node (its network namespace with lo
# up and IPv6 off, and its private directories, seeded from the host's
# /etc/ha.d and /var/lib/heartbeat; /var/log starts empty). The host name
# defaults to NODE. The node is booted later by node_boot/node_start.
bed_add_node() {
	local node=${1:-} host=${2:-${1:-}} nd ns
	_bed_need_bed || return 1
	[[ $node =~ ^[a-z][a-z0-9-]{0,30}$ ]] ||
		{ _bed_err "bad node name '$node' (lower case letters, digits, '-')"; return 1; }
	nd=$BED_DIR/nodes/$node
	[[ ! -e $nd ]] || { _bed_err "node '$node' exists already"; return 1; }
	ns=duet-$BED_ID-$node
	ip netns add "$ns" || { _bed_err "ip netns add $ns failed"; return 1; }
	echo "$ns" >>"$BED_DIR/netns"
	ip -n "$ns" link set lo up || return 1
	nsenter --net="/run/netns/$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
	mkdir -p "$nd/root" || return 1
	echo "$ns" >"$nd/netns"
	echo "$host" >"$nd/hostname"
	: >"$nd/addrs"
	: >"$nd/binds"
	: >"$nd/console.log"
	echo "$node" >>"$BED_DIR/nodelist"
	node_bind "$node" /etc/ha.d copy &&
		node_bind "$node" /var/lib/heartbeat copy &&
		node_bind "$node" /var/log empty
}

# node_bind NODE PATH [copy|empty]: give the node a private directory at the
# absolute PATH (bind mount of $BED_DIR/nodes/NODE/root/PATH). "copy" seeds
# it with the host's PATH, "empty" (default) starts empty. Before boot only.
node_bind() {
	local node=${1:-} path=${2:-} mode=${3:-empty} nd
	nd=$(_bed_node_dir "$node") || return 1
	[[ $path == /* && $path != *..* ]] || { _bed_err "node_bind: '$path' is not an absolute path"; return 1; }
	[[ ! -e $nd/ready ]] || { _bed_err "node_bind: node '$node' is already booted"; return 1; }
	path=${path%/}
	grep -qxF "$path" "$nd/binds" && return 0
	mkdir -p "$nd/root$path" || return 1
	case $mode in
	copy) if [[ -d $path ]]; then cp -a "$path/." "$nd/root$path/" || return 1; fi ;;
	empty) ;;
	*) _bed_err "node_bind: mode must be copy or empty, not '$mode'"; return 1 ;;
	esac
	echo "$path" >>"$nd/binds"
}

# node_path NODE PATH: print where the node's PATH lives on the host (only
# for paths under a node_bind directory; /run and /dev/shm are tmpfs inside
# the node and not visible from the host)
node_path() {
	local nd
	nd=$(_bed_node_dir "${1:-}") || return 1
	echo "$nd/root${2:-}"
}

# node_ip NODE IFACE: print the node's IPv4 address on IFACE (no prefix)
node_ip() {
	local nd ip
	nd=$(_bed_node_dir "${1:-}") || return 1
	ip=$(awk -v i="${2:-}" '$1 == i { sub(/\/.*/, "", $2); print $2; exit }' "$nd/addrs")
	[[ -n $ip ]] || { _bed_err "node '$1' has no address on '${2:-}'"; return 1; }
	echo "$ip"
}

# node_netns NODE: print the node's network namespace name
node_netns() {
	local nd
	nd=$(_bed_node_dir "${1:-}") || return 1
	cat "$nd/netns"
}

_bed_check_ifname() {
	[[ $1 =~ ^[a-z][a-z0-9]{0,11}$ ]] ||
		_bed_err "bad interface name '$1' (lower case letters and digits, at most 12)"
}

_bed_check_prefix() {
	[[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] ||
		_bed_err "bad prefix '$1' (three octets, e.g. 10.99.1; nodes get .1, .2, ...)"
}

# bed_add_lan IFACE PREFIX NODE NODE [NODE...]: one LAN segment. A bridge in
# its own switch namespace (duet-$BED_ID-sw-IFACE) with one veth port per
# node; in each node the interface IFACE gets PREFIX.N/24, N = position in
# the list (first node .1). Use it for two nodes, or three when a third node
# must share the segment (ping node, stranger).
bed_add_lan() {
	local ifc=${1:-} prefix=${2:-} sw node ns i=0
	shift 2 || { _bed_err "usage: bed_add_lan IFACE PREFIX NODE NODE..."; return 1; }
	{ _bed_need_bed && _bed_check_ifname "$ifc" && _bed_check_prefix "$prefix"; } || return 1
	(($# >= 2)) || { _bed_err "bed_add_lan: need at least two nodes"; return 1; }
	for node in "$@"; do _bed_node_dir "$node" >/dev/null || return 1; done
	sw=duet-$BED_ID-sw-$ifc
	ip netns add "$sw" || { _bed_err "ip netns add $sw failed"; return 1; }
	echo "$sw" >>"$BED_DIR/netns"
	if ! { ip -n "$sw" link set lo up &&
		ip -n "$sw" link add br0 type bridge stp_state 0 forward_delay 0 &&
		ip -n "$sw" link set br0 up; }; then
		_bed_err "cannot create the bridge in $sw"
		return 1
	fi
	for node in "$@"; do
		i=$((i + 1))
		ns=$(node_netns "$node") || return 1
		if ! { ip -n "$sw" link add "p$i" type veth peer name "$ifc" netns "$ns" &&
			ip -n "$sw" link set "p$i" master br0 &&
			ip -n "$sw" link set "p$i" up &&
			ip -n "$ns" addr add "$prefix.$i/24" dev "$ifc" &&
			ip -n "$ns" link set "$ifc" up; }; then
			_bed_err "cannot attach node '$node' to lan '$ifc'"
			return 1
		fi
		echo "$ifc $prefix.$i/24 lan" >>"$BED_DIR/nodes/$node/addrs"
	done
}

# bed_add_link IFACE PREFIX NODE1 NODE2: a direct veth cable between two
# nodes (e.g. a second, independent heartbeat medium); NODE1 gets PREFIX.1,
# NODE2 PREFIX.2, both /24, interface IFACE on both sides.
bed_add_link() {
	local ifc=${1:-} prefix=${2:-} n1=${3:-} n2=${4:-} ns1 ns2
	{ _bed_need_bed && _bed_check_ifname "$ifc" && _bed_check_prefix "$prefix"; } || return 1
	ns1=$(node_netns "$n1") || return 1
	ns2=$(node_netns "$n2") || return 1
	[[ $n1 != "$n2" ]] || { _bed_err "bed_add_link: a link needs two different nodes"; return 1; }
	if ! { ip -n "$ns1" link add "$ifc" type veth peer name "$ifc" netns "$ns2" &&
		ip -n "$ns1" addr add "$prefix.1/24" dev "$ifc" &&
		ip -n "$ns2" addr add "$prefix.2/24" dev "$ifc" &&
		ip -n "$ns1" link set "$ifc" up &&
		ip -n "$ns2" link set "$ifc" up; }; then
		_bed_err "cannot create link '$ifc' between '$n1' and '$n2'"
		return 1
	fi
	echo "$ifc $prefix.1/24 link" >>"$BED_DIR/nodes/$n1/addrs"
	echo "$ifc $prefix.2/24 link" >>"$BED_DIR/nodes/$n2/addrs"
}

# link_down NODE IFACE / link_up NODE IFACE: cut / restore the node's
# interface (ip link set down/up inside the node's namespace). IPv4
# addresses and routes come back with link_up.
link_down() {
	local ns
	ns=$(node_netns "${1:-}") || return 1
	ip -n "$ns" link set "${2:-}" down || _bed_err "link_down: cannot set '${2:-}' down on '$1'"
}

link_up() {
	local ns
	ns=$(node_netns "${1:-}") || return 1
	ip -n "$ns" link set "${2:-}" up || _bed_err "link_up: cannot set '${2:-}' up on '$1'"
}

# bed_add_serial NAME NODE1 NODE2: a null-modem serial line: a socat pty
# pair (raw, no echo) whose ends are $BED_DIR/serial/NAME.NODE1 and
# NAME.NODE2 (symlinks to /dev/pts/N, usable inside the nodes, e.g. as a
# heartbeat `serial` device).
bed_add_serial() {
	local name=${1:-} n1=${2:-} n2=${3:-} a b log dl
	_bed_need_bed || return 1
	[[ $name =~ ^[a-z][a-z0-9]{0,15}$ ]] || { _bed_err "bad serial line name '$name'"; return 1; }
	_bed_node_dir "$n1" >/dev/null || return 1
	_bed_node_dir "$n2" >/dev/null || return 1
	[[ ! -e $BED_DIR/serial/$name.pid ]] || { _bed_err "serial line '$name' exists already"; return 1; }
	a=$BED_DIR/serial/$name.$n1 b=$BED_DIR/serial/$name.$n2 log=$BED_DIR/serial/$name.log
	_bed_spawn "$log" socat -d -d "pty,raw,echo=0,link=$a" "pty,raw,echo=0,link=$b"
	_bed_record_pid "$BED_SPAWNED_PID" "serial:$name"
	echo "$BED_SPAWNED_PID $(_bed_proc_start "$BED_SPAWNED_PID")" >"$BED_DIR/serial/$name.pid"
	dl=$(_bed_deadline 10)
	while _bed_before "$dl"; do
		[[ -e $a && -e $b ]] && return 0
		kill -0 "$BED_SPAWNED_PID" 2>/dev/null || break
		sleep 0.05
	done
	_bed_err "socat did not create the pty pair for '$name':"
	cat "$log" >&2
	return 1
}

# serial_path NAME NODE: print the device path of NODE's end of serial line NAME
serial_path() {
	_bed_need_bed || return 1
	[[ -e $BED_DIR/serial/${1:-}.${2:-} ]] || { _bed_err "no serial line '${1:-}' on node '${2:-}'"; return 1; }
	echo "$BED_DIR/serial/$1.$2"
}

# serial_is_open NAME NODE: a process inside NODE has its end of serial line
# NAME open (bytes that reach an end nobody has open may be dropped when it
# is opened, so a reader should be there before a writer writes)
serial_is_open() {
	local path dev pid
	local -a fddirs=()
	path=$(serial_path "${1:-}" "${2:-}") || return 1
	dev=$(readlink -f "$path") || return 1
	while read -r pid; do
		fddirs+=("/proc/$pid/fd")
	done < <(node_pids "$2")
	((${#fddirs[@]} > 0)) || return 1
	[[ -n $(find "${fddirs[@]}" -maxdepth 1 -lname "$dev" -print -quit 2>/dev/null) ]]
}

_bed_serial_signal() {
	local pid start
	_bed_need_bed || return 1
	read -r pid start <"$BED_DIR/serial/$2.pid" 2>/dev/null || { _bed_err "no serial line '$2'"; return 1; }
	_bed_alive "$pid" "$start" || { _bed_err "serial line '$2': socat is not running"; return 1; }
	kill "-$1" "$pid"
}

# serial_down NAME / serial_up NAME: pause / resume the serial line (SIGSTOP /
# SIGCONT to its socat). Bytes written while it is down stay queued in the
# pty and are delivered after serial_up, as on a line with flow control.
serial_down() { _bed_serial_signal STOP "${1:-}"; }
serial_up() { _bed_serial_signal CONT "${1:-}"; }

# ---------------------------------------------------------------------------
# nodes: boot, exec, daemons, crash

# _node_init NODE: print "PID STARTTIME" of the node's PID 1 (host PID) if
# the node is running, fail otherwise
_node_init() {
	local nd pid start
	nd=$(_bed_node_dir "${1:-}") || return 1
	read -r pid start <"$nd/init.pid" 2>/dev/null || return 1
	_bed_alive "$pid" "$start" || return 1
	echo "$pid $start"
}

# node_is_up NODE: true if the node is booted and its PID 1 runs
node_is_up() {
	local nd
	nd=$(_bed_node_dir "${1:-}") || return 1
	[[ -e $nd/ready ]] && _node_init "$1" >/dev/null
}

# node_boot NODE...: start the node's PID 1 (lib/node-init.bash) in new
# pid+mount+UTS+IPC namespaces inside its network namespace; wait until its
# mounts and hostname are set; after a node_kill, bring its links up again.
# A node that is already up is left alone.
node_boot() {
	local node nd ns upid dl
	for node in "$@"; do
		nd=$(_bed_node_dir "$node") || return 1
		node_is_up "$node" && continue
		ns=$(cat "$nd/netns")
		rm -f "$nd/ready" "$nd/init.pid"
		echo "=== $(date '+%F %T') boot" >>"$nd/init.log"
		_bed_spawn "$nd/init.log" nsenter --net="/run/netns/$ns" -- \
			unshare --pid --mount --uts --ipc --fork --kill-child --propagation private -- \
			bash "$BED_LIB_DIR/node-init.bash" "$nd"
		upid=$BED_SPAWNED_PID
		_bed_record_pid "$upid" "unshare:$node"
		dl=$(_bed_deadline "${BED_BOOT_TIMEOUT:-30}")
		while _bed_before "$dl"; do
			[[ -e $nd/ready && -s $nd/init.pid ]] && break
			kill -0 "$upid" 2>/dev/null || break
			sleep 0.05
		done
		if [[ ! -e $nd/ready ]]; then
			_bed_err "node '$node' did not boot; its init log:"
			cat "$nd/init.log" >&2
			return 1
		fi
		echo "$(cat "$nd/init.pid") init:$node" >>"$BED_DIR/pids"
		_node_links_on "$node" "$nd" || return 1
	done
}

# node_exec NODE CMD...: run CMD inside the node (its network, mount, UTS,
# IPC and pid namespaces), in the foreground, with the caller's environment;
# the working directory is the node's /. Returns CMD's status.
node_exec() {
	local node=${1:-} pid
	shift || true
	(($# > 0)) || { _bed_err "usage: node_exec NODE CMD..."; return 1; }
	read -r pid _ < <(_node_init "$node") || { _bed_err "node '$node' is not running"; return 1; }
	nsenter -t "$pid" -n -m -u -i -p -- "$@"
}

# node_start NODE CMD...: run CMD inside the node in the background (a
# daemon, foreground or self-daemonizing); its output is appended to
# $BED_DIR/nodes/NODE/console.log. Boots the node first if needed. Sets
# BED_LAST_PID to the host PID of the nsenter wrapper (the parent of CMD).
node_start() {
	local node=${1:-} nd pid
	shift || true
	(($# > 0)) || { _bed_err "usage: node_start NODE CMD..."; return 1; }
	nd=$(_bed_node_dir "$node") || return 1
	node_boot "$node" || return 1
	read -r pid _ < <(_node_init "$node") || { _bed_err "node '$node' is not running"; return 1; }
	echo "=== $(date '+%F %T') start: $*" >>"$nd/console.log"
	_bed_spawn "$nd/console.log" nsenter -t "$pid" -n -m -u -i -p -- "$@"
	BED_LAST_PID=$BED_SPAWNED_PID
	_bed_record_pid "$BED_LAST_PID" "start:$node:$1"
}

# node_kill NODE...: crash the node (power off): SIGKILL to its PID 1, which
# makes the kernel kill every process in the node's pid namespace; waits
# until they are gone, then sets the node's interfaces down. The node's
# directories (disk) stay; node_boot brings it back with those links up.
node_kill() {
	local node nd pid start dl
	for node in "$@"; do
		nd=$(_bed_node_dir "$node") || return 1
		rm -f "$nd/ready"
		if ! read -r pid start <"$nd/init.pid" 2>/dev/null; then
			# never booted (or already down): only the power goes
			_node_links_off "$node" "$nd" || return 1
			continue
		fi
		if _bed_alive "$pid" "$start"; then kill -KILL "$pid" 2>/dev/null || true; fi
		dl=$(_bed_deadline 20)
		while _bed_before "$dl"; do
			_bed_alive "$pid" "$start" || break
			sleep 0.05
		done
		_bed_alive "$pid" "$start" && { _bed_err "node '$node': PID 1 ($pid) did not die"; return 1; }
		# the node's other processes die with it; wait for the pid namespace
		# to be empty (children are killed asynchronously)
		dl=$(_bed_deadline 20)
		while _bed_before "$dl"; do
			_node_has_procs "$nd" || break
			sleep 0.05
		done
		rm -f "$nd/init.pid"
		# power is off: its interfaces go down (a dead machine answers no
		# ARP or ping); node_boot brings exactly these up again
		_node_links_off "$node" "$nd" || return 1
	done
}

# _node_links_off NODE NODEDIR: set the node's up interfaces down and list
# them in NODEDIR/links-off
_node_links_off() {
	local ns ifc
	ns=$(cat "$2/netns")
	while read -r ifc _; do
		[[ -n $ifc ]] || continue
		if ip -n "$ns" -o link show "$ifc" 2>/dev/null | grep -q '[<,]UP[,>]'; then
			ip -n "$ns" link set "$ifc" down || { _bed_err "node '$1': cannot set '$ifc' down"; return 1; }
			echo "$ifc" >>"$2/links-off"
		fi
	done <"$2/addrs"
}

# _node_links_on NODE NODEDIR: bring up what _node_links_off took down
_node_links_on() {
	local ns ifc
	[[ -f $2/links-off ]] || return 0
	ns=$(cat "$2/netns")
	while read -r ifc; do
		ip -n "$ns" link set "$ifc" up || { _bed_err "node '$1': cannot set '$ifc' up"; return 1; }
	done <"$2/links-off"
	rm -f "$2/links-off"
}

# _node_has_procs NODEDIR: some host process still runs in the node's
# network namespace (besides our nsenter wrappers, which die with it)
_node_has_procs() {
	local nsf p
	nsf=/run/netns/$(cat "$1/netns")
	[[ -e $nsf ]] || return 1
	for p in /proc/[0-9]*; do
		[[ $p/ns/net -ef $nsf ]] && return 0
	done
	return 1
}

# node_pids NODE: print the host PIDs of all processes that run inside the
# node's network namespace (empty when the node is down)
node_pids() {
	local nd nsf p
	nd=$(_bed_node_dir "${1:-}") || return 1
	nsf=/run/netns/$(cat "$nd/netns")
	[[ -e $nsf ]] || return 0
	for p in /proc/[0-9]*; do
		if [[ $p/ns/net -ef $nsf ]]; then echo "${p#/proc/}"; fi
	done
	return 0
}

# ---------------------------------------------------------------------------
# waiting

# wait_until TIMEOUT CMD...: run CMD (quietly) every $BED_POLL seconds (0.1)
# until it succeeds; after TIMEOUT seconds (decimal allowed) print what was
# awaited and CMD's last output on stderr, and fail.
wait_until() {
	local timeout=${1:-} deadline out
	shift || true
	(($# > 0)) || { _bed_err "usage: wait_until TIMEOUT CMD..."; return 1; }
	deadline=$(_bed_secs_to_ms "$timeout") || return 1
	deadline=$(($(_bed_now_ms) + deadline))
	while :; do
		if out=$("$@" 2>&1); then
			return 0
		fi
		if (($(_bed_now_ms) >= deadline)); then
			echo "netns: wait_until: timed out after ${timeout}s waiting for: $*" >&2
			[[ -z $out ]] || printf 'netns: last output: %s\n' "$out" >&2
			return 1
		fi
		sleep "${BED_POLL:-0.1}"
	done
}

# ---------------------------------------------------------------------------
# logs

# bed_save_logs LABEL: copy every node's /var/log, console and init logs,
# the serial logs and a state snapshot of running nodes to
# $DUET_TEST_LOGDIR/<date>-<bed id>-<label>/ (default tests/netns/logs/) and
# print them (the last $BED_LOG_LINES lines of each file, default 150).
bed_save_logs() {
	local label=${1:-logs} base dest node nd f
	_bed_need_bed || return 1
	base=${DUET_TEST_LOGDIR:-$BED_LIB_DIR/../logs}
	label=$(printf '%s' "$label" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-80)
	dest=$base/$(date +%Y%m%d-%H%M%S)-$BED_ID-$label
	mkdir -p "$dest" || { _bed_err "cannot create log dir $dest"; return 1; }
	dest=$(cd "$dest" && pwd)
	while read -r node; do
		nd=$BED_DIR/nodes/$node
		mkdir -p "$dest/$node"
		cp -a "$nd/root/var/log/." "$dest/$node/" 2>/dev/null || true
		cp "$nd/console.log" "$nd/init.log" "$dest/$node/" 2>/dev/null || true
		if node_is_up "$node"; then
			{
				echo "## ps"
				node_exec "$node" ps -eo pid,ppid,stat,etime,args || true
			} >"$dest/$node/state.txt" 2>&1
		else
			echo "## node is down" >"$dest/$node/state.txt"
		fi
		{
			echo "## ip addr"
			ip -n "$(cat "$nd/netns")" -br addr || true
		} >>"$dest/$node/state.txt" 2>&1
	done < <(bed_nodes)
	cp "$BED_DIR"/serial/*.log "$BED_DIR/pids" "$BED_DIR/netns" "$dest/" 2>/dev/null || true
	echo "netns: logs of bed $BED_ID saved in $dest"
	while IFS= read -r f; do
		[[ -s $f ]] || continue
		echo "----- ${f#"$dest"/} (last ${BED_LOG_LINES:-150} lines) -----"
		tail -n "${BED_LOG_LINES:-150}" "$f"
	done < <(find "$dest" -type f | sort)
	return 0
}

# ---------------------------------------------------------------------------
# cleanup

# bed_leftovers [DIR]: print what of the bed in DIR (default $BED_DIR) still
# exists: its network namespaces, recorded processes, processes whose
# command line mentions DIR, mounts under DIR. Fails if anything is left.
bed_leftovers() {
	local dir=${1:-${BED_DIR:-}} left=0 ns pid start role
	[[ -n $dir && -d $dir ]] || return 0
	if [[ -f $dir/netns ]]; then
		while read -r ns; do
			[[ -n $ns ]] || continue
			if [[ -e /run/netns/$ns ]] || ip netns list | grep -qE "^$ns( |$)"; then
				echo "network namespace $ns"
				left=1
			fi
		done <"$dir/netns"
	fi
	if [[ -f $dir/pids ]]; then
		while read -r pid start role; do
			if [[ $start != gone ]] && _bed_alive "$pid" "$start"; then
				echo "process $pid ($role)"
				left=1
			fi
		done <"$dir/pids"
	fi
	if awk -v d="$dir/" 'index($5, d) == 1 { print "mount " $5; found = 1 } END { exit !found }' \
		/proc/self/mountinfo; then
		left=1
	fi
	# any process that mentions the run dir (node PID 1, socat, daemons
	# started with a path in the bed); the pattern comes from a file so
	# that grep does not find itself
	while read -r pid; do
		pid=${pid#/proc/}
		pid=${pid%/cmdline}
		_bed_proc_start "$pid" >/dev/null || continue
		echo "process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
		left=1
	done < <(grep -laF -f <(echo "$dir/") /proc/[0-9]*/cmdline 2>/dev/null)
	return $left
}

# _bed_signal_recorded PIDFILE SIG: send SIG (0 = just test) to every
# recorded process that still runs; fails if none does
_bed_signal_recorded() {
	local pid start role found=1
	while read -r pid start role; do
		[[ $start != gone ]] || continue
		_bed_alive "$pid" "$start" || continue
		found=0
		[[ $2 == 0 ]] && continue
		kill "-$2" "$pid" 2>/dev/null || true
		# a stopped socat (serial_down) must be continued to see TERM
		if [[ $role == serial:* ]]; then kill -CONT "$pid" 2>/dev/null || true; fi
	done <"$1"
	return $found
}

# bed_cleanup [DIR]: tear the bed down: kill every node (its whole pid
# namespace), the processes we started (socat, wrappers), delete the network
# namespaces, unmount anything under DIR, check that nothing is left and
# remove DIR (kept when BED_KEEP=1). Idempotent; safe after any failure.
bed_cleanup() {
	local dir=${1:-${BED_DIR:-}} rc=0 f pid start i ns
	[[ -n $dir && -d $dir ]] || return 0
	case ${dir##*/} in
	duet-netns.*) ;;
	*) _bed_err "bed_cleanup: '$dir' is not a bed directory"; return 1 ;;
	esac
	# 1. nodes: SIGKILL their PID 1, which takes the whole node down
	for f in "$dir"/nodes/*/init.pid; do
		[[ -f $f ]] || continue
		read -r pid start <"$f" || continue
		if _bed_alive "$pid" "$start"; then kill -KILL "$pid" 2>/dev/null || true; fi
	done
	# 2. other recorded processes: TERM, then KILL after 2 s
	if [[ -f $dir/pids ]]; then
		_bed_signal_recorded "$dir/pids" TERM
		for ((i = 0; i < 40; i++)); do
			_bed_signal_recorded "$dir/pids" 0 || break
			((i != 20)) || _bed_signal_recorded "$dir/pids" KILL || true
			sleep 0.1
		done
	fi
	# 3. processes still inside a node's network namespace (should be none)
	for f in "$dir"/nodes/*/netns; do
		[[ -f $f ]] || continue
		for ((i = 0; i < 40; i++)); do
			_node_has_procs "${f%/netns}" || break
			sleep 0.05
		done
	done
	# 4. network namespaces
	if [[ -f $dir/netns ]]; then
		while read -r ns; do
			[[ -n $ns && -e /run/netns/$ns ]] || continue
			ip netns del "$ns" 2>/dev/null || { _bed_err "cannot delete network namespace $ns"; rc=1; }
		done <"$dir/netns"
	fi
	# 5. mounts under the run dir (nothing is mounted in the host namespace
	#    by design; this is a safety net)
	while read -r f; do
		umount -l "$f" 2>/dev/null || true
	done < <(awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
	# 6. verify
	if ! bed_leftovers "$dir" >"$dir/leftovers" 2>&1; then
		_bed_err "bed_cleanup: left behind in $dir:"
		sed 's/^/  /' "$dir/leftovers" >&2
		rc=1
	fi
	if ((rc == 0)) && [[ -z ${BED_KEEP:-} ]]; then
		rm -rf "$dir"
	else
		echo "netns: run directory kept: $dir" >&2
	fi
	return $rc
}

# bed_gc: clean up stale beds in $BED_TMPDIR/$TMPDIR//tmp whose creating
# process is gone (e.g. after a bats run was killed with SIGKILL)
bed_gc() {
	local base=${BED_TMPDIR:-${TMPDIR:-/tmp}} d pid start rc=0
	for d in "$base"/duet-netns.*; do
		[[ -d $d ]] || continue
		if read -r pid start <"$d/owner" 2>/dev/null && _bed_alive "$pid" "$start"; then
			continue
		fi
		echo "netns: cleaning stale bed $d"
		bed_cleanup "$d" || rc=1
	done
	return $rc
}

# ---------------------------------------------------------------------------
# command-line use: netns.bash cleanup DIR | gc | leftovers DIR
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	case ${1:-} in
	cleanup) [[ -n ${2:-} ]] && bed_cleanup "$2" ;;
	leftovers) [[ -n ${2:-} ]] && bed_leftovers "$2" ;;
	gc) bed_gc ;;
	*)
		echo "usage: $0 cleanup DIR | leftovers DIR | gc" >&2
		exit 2
		;;
	esac
fi
