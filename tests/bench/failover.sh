#!/bin/bash
# Membership benchmark on the netns bed (host namespaces, no QEMU): for
# every implementation in DUET_BENCH_HA_IMPLS (adapters lib/ha-<name>.bash;
# default "heartbeat", plus "duetd" when it is built), a two-node cluster
# nodea/nodeb with ucast on one veth cable (bench_net below), keepalive
# 200 ms, deadtime 1 s, warntime 500 ms, initdead 2 s, auto_failback on, haresources
# "nodea hbdummy::r1 hbdummy::r2":
#   - failover: kill -9 of nodea's whole node (its pid namespace, like a
#     crash) -> r1 started on nodeb (the dummy script's own timestamp),
#     DUET_BENCH_FAILOVER_REPS runs (5), each on a freshly started cluster;
#   - idle footprint of nodea with the group running on it: processes,
#     RSS and PSS summed over them, and the CPU time they used in each of
#     DUET_BENCH_IDLE_REPS (3) windows of DUET_BENCH_IDLE_S seconds (60),
#     as a share of one core;
#   - as a reference ("floor"), the idle CPU of tools/hb_floor.c on the same
#     bed: a loop that only sleeps a keepalive and sends one heartbeat-sized
#     datagram to the peer, what any daemon at these timers pays here at
#     least (the sender's CPU also carries the bridge and the peer's
#     receive path in the netns bed).
# Targets of the issue (duetd against stock Heartbeat in the same run):
# failover <= 0.85 x, one process, RSS <= 4 MB, idle CPU <= 0.1 %.
#
#   tests/bench/failover.sh [RESULTS.tsv]
#
# Needs root. Nothing passes or fails on a time; exit status 1 only when
# the bed or an implementation broke.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export BED_NO_TRAP=1
# shellcheck source=../netns/lib/heartbeat.bash
source "$here/../netns/lib/heartbeat.bash"
# shellcheck source=lib/stats.bash
source "$here/lib/stats.bash"
for f in "$here"/lib/ha-*.bash; do
	# shellcheck disable=SC1090
	source "$f"
done

log() { echo "# $(date -u +%H:%M:%S) $*" >&2; }
die() { echo "failover.sh: $*" >&2; exit 1; }

results=${1:-$here/results/failover-$(date -u +%Y%m%d-%H%M%S).tsv}
default_impls=heartbeat
[ -x "${DUETD_BIN:-}" ] && default_impls="heartbeat duetd"
impls=${DUET_BENCH_HA_IMPLS:-$default_impls}
reps=${DUET_BENCH_FAILOVER_REPS:-5}
idle_s=${DUET_BENCH_IDLE_S:-60}
idle_reps=${DUET_BENCH_IDLE_REPS:-3}
GROUP="nodea hbdummy::r1 hbdummy::r2"

bench_results_init "$results"
trap 'bed_cleanup >/dev/null 2>&1 || true' EXIT

# bench_net: the nodes' network. By default (DUET_BENCH_NET=link) one veth
# cable between nodea and nodeb, the setup of the stock Heartbeat figures
# in heartbeat.md §11 (0.43 % idle CPU there); DUET_BENCH_NET=lan puts them
# on a bridged LAN as the netns tests do, where every datagram's sender
# also pays for the bridge (and br_netfilter's hooks where that module is
# loaded), about 0.02 % more for a 200 ms heartbeat here.
bench_net() {
	case "${DUET_BENCH_NET:-link}" in
	link) bed_add_link eth0 10.99.1 nodea nodeb ;;
	lan) bed_add_lan eth0 10.99.1 nodea nodeb ;;
	*) die "DUET_BENCH_NET must be link or lan, not '$DUET_BENCH_NET'" ;;
	esac
}

# (everything that builds a bed runs in this shell, never in $(...): the
# bed's state lives in BED_DIR, which bed_cleanup needs)

# cluster IMPL: a fresh bed with both nodes started; returns once nodea
# runs r1 and each node sees the other active
cluster() {
	local impl=$1 n
	bed_cleanup >/dev/null 2>&1 || true
	bed_init && bed_add_node nodea && bed_add_node nodeb &&
		bench_net || die "cannot build the bed"
	for n in nodea nodeb; do
		hb_write_config "$n" --nodes "nodea nodeb" --ucast eth0 \
			--keepalive 200ms --deadtime 1 --warntime 500ms --initdead 2 \
			--auto-failback on --resources "$GROUP" || die "hb_write_config $n"
		hb_install_resource "$n" hbdummy || die "hb_install_resource $n"
		hb_prepare "$n" || die "cannot boot $n"
	done
	"ha_${impl}_start" nodea nodeb || die "$impl: did not start"
	wait_until 40 hbdummy_running nodea r1 || die "$impl: r1 never started on nodea"
	wait_until 20 "ha_${impl}_peer_active" nodea nodeb || die "$impl: nodea does not see nodeb active ($(hb_nodestatus nodea nodeb 2>&1))"
	wait_until 20 "ha_${impl}_peer_active" nodeb nodea || die "$impl: nodeb does not see nodea active"
}

# impl_pids IMPL NODE: the implementation's processes in the node
impl_pids() {
	local exe p
	exe=$("ha_${1}_exe")
	for p in $(node_pids "$2"); do
		[ "$(readlink -f "/proc/$p/exe" 2>/dev/null)" = "$exe" ] && echo "$p"
	done
	return 0
}

# cpu_ns PID...: CPU time the processes' threads have run, in nanoseconds
# (/proc/PID/task/TID/schedstat, the scheduler's own count: utime and
# stime in /proc/PID/stat are 10 ms ticks, too coarse for an idle daemon)
cpu_ns() {
	local p t=0 f ns
	for p in "$@"; do
		for f in /proc/"$p"/task/*/schedstat; do
			{ read -r ns _ <"$f"; } 2>/dev/null || continue
			t=$((t + ns))
		done
	done
	echo "$t"
}

# kb_sum FIELD FILE PID...: sum of "FIELD: N kB" over /proc/PID/FILE
kb_sum() {
	local field=$1 file=$2 p
	shift 2
	for p in "$@"; do cat "/proc/$p/$file" 2>/dev/null; done |
		awk -v f="$field:" '$1 == f { s += $2 } END { print s + 0 }'
}

failover_once() {
	local impl=$1 t0 t1
	cluster "$impl"
	sleep 2
	t0=$(date +%s.%N)
	node_kill nodea || die "cannot kill nodea"
	wait_until 30 hbdummy_running nodeb r1 || die "$impl: nodeb never started r1"
	t1=$(hbdummy_events nodeb | awk '$3 == "r1" && $4 == "start" && $5 == 0 { print $1; exit }')
	[ -n "$t1" ] || die "$impl: no r1 start in nodeb's hbdummy log"
	bench_record "$impl" "failover: kill -9 nodea -> r1 started on nodeb" s \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }')"
}

# idle_cpu IMPL PID...: DUET_BENCH_IDLE_REPS windows of DUET_BENCH_IDLE_S
# seconds, one after the other; each records the CPU time the processes
# used in it as a share of one core
idle_cpu() {
	local impl=$1 c0 c1 t0 t1 i
	shift
	for i in $(seq "$idle_reps"); do
		c0=$(cpu_ns "$@")
		t0=$(date +%s%N)
		sleep "$idle_s"
		c1=$(cpu_ns "$@")
		t1=$(date +%s%N)
		bench_record "$impl" "idle nodea: CPU over ${idle_s} s" "% of a core" \
			"$(awk -v d=$((c1 - c0)) -v w=$((t1 - t0)) 'BEGIN { printf "%.3f\n", 100 * d / w }')"
	done
}

footprint() {
	local impl=$1 pids
	cluster "$impl"
	sleep 3
	mapfile -t pids < <(impl_pids "$impl" nodea)
	[ "${#pids[@]}" -gt 0 ] || die "$impl: no process of $(ha_${impl}_exe) on nodea"
	bench_record "$impl" "idle nodea: processes" count "${#pids[@]}"
	idle_cpu "$impl" "${pids[@]}"
	bench_record "$impl" "idle nodea: RSS, sum" MB \
		"$(awk -v k="$(kb_sum VmRSS status "${pids[@]}")" 'BEGIN { printf "%.2f\n", k / 1024 }')"
	bench_record "$impl" "idle nodea: PSS, sum" MB \
		"$(awk -v k="$(kb_sum Pss smaps_rollup "${pids[@]}")" 'BEGIN { printf "%.2f\n", k / 1024 }')"
}

# floor_footprint: hb_floor on nodea and nodeb, each sending 300 bytes to
# the other every 200 ms; nodea's CPU over the same window as the daemons
floor_footprint() {
	local floor p n pid=
	floor=$(mktemp -d)/hb_floor
	"${CC:-cc}" -O2 -o "$floor" "$here/tools/hb_floor.c" || { log "floor: cannot build hb_floor"; return 0; }
	bed_cleanup >/dev/null 2>&1 || true
	bed_init && bed_add_node nodea && bed_add_node nodeb &&
		bench_net || die "cannot build the bed"
	for n in nodea nodeb; do
		node_start "$n" "$floor" "$(node_ip "$([ "$n" = nodea ] && echo nodeb || echo nodea)" eth0)" \
			694 200 300 || die "floor: cannot start on $n"
	done
	sleep 3
	for p in $(node_pids nodea); do
		[ "$(readlink -f "/proc/$p/exe" 2>/dev/null)" = "$floor" ] && pid=$p
	done
	[ -n "$pid" ] || die "floor: hb_floor does not run on nodea"
	idle_cpu floor "$pid"
	bed_cleanup >/dev/null 2>&1 || true
	rm -rf "$(dirname "$floor")"
}

versions=("bed: DUET_BENCH_NET=${DUET_BENCH_NET:-link} (nodea-nodeb $([ "${DUET_BENCH_NET:-link}" = link ] && echo "veth cable" || echo "bridged LAN"))")
for impl in $impls; do
	declare -F "ha_${impl}_start" >/dev/null || die "no adapter lib/ha-$impl.bash for '$impl'"
	versions+=("$impl: $("ha_${impl}_version")")
	for i in $(seq "$reps"); do
		log "$impl: failover run $i/$reps"
		failover_once "$impl"
	done
	log "$impl: idle footprint over ${idle_s} s"
	footprint "$impl"
done
if [ "${DUET_BENCH_FLOOR:-1}" = 1 ]; then
	log "floor: a loop that only sleeps 200 ms and sends 300 bytes, over ${idle_s} s"
	floor_footprint
	versions+=("floor: tests/bench/tools/hb_floor.c (reference, not a daemon)")
fi
bed_cleanup >/dev/null 2>&1 || true
printf '%s\n' "${versions[@]}" > "${results%.tsv}.versions"
echo "$results"
