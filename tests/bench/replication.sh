#!/bin/bash
# Replication benchmark in the two-node QEMU bed (TCG): for every
# implementation in DUET_BENCH_IMPLS (adapters in lib/impl-<name>.bash;
# default "drbd", stock DRBD 8.4), on fresh disks:
#   - initial full sync of the data disk (time and throughput)
#   - sequential write of 128 MiB with oflag=direct, protocols C, B, A
#   - 4 KiB write latency with oflag=direct,dsync, protocols C, B, A
#   - the same two on the device StandAlone (no peer)
# and, in the same guests, the same two on the raw data disk /dev/vda (the
# local limit), the replication link's TCP throughput (iperf3) and its
# round-trip time (ping): the physical limit of replication.
#
#   tests/bench/replication.sh [RESULTS.tsv]
#
# Environment: DUET_BENCH_IMPLS ("drbd"), DUET_BENCH_REPS (3),
# DUET_BENCH_LAT_COUNT (4 KiB writes per latency run, 500),
# DUET_BENCH_DATA_MB (data disk, 256), and the bed's DUET_VM_* variables.
# Figures are min/median/max over the repetitions; nothing passes or fails
# on a time. Exit status 1 only when the bed or an implementation broke.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/lib/bed.bash
source "$here/../vm/lib/bed.bash"
# shellcheck source=lib/stats.bash
source "$here/lib/stats.bash"
for f in "$here"/lib/impl-*.bash; do
	# shellcheck disable=SC1090
	source "$f"
done

results=${1:-$here/results/replication-$(date -u +%Y%m%d-%H%M%S).tsv}
impls=${DUET_BENCH_IMPLS:-drbd}
reps=${DUET_BENCH_REPS:-3}
latn=${DUET_BENCH_LAT_COUNT:-500}
export DUET_VM_DATA_MB=${DUET_BENCH_DATA_MB:-256}


# shellcheck source=lib/measure.bash
source "$here/lib/measure.bash"

bench_results_init "$results"
trap 'bed_stop >/dev/null 2>&1 || true' EXIT

measure_link() {
	local i out
	on bob 'iperf3 -s -D -1 >/dev/null 2>&1 || true' >/dev/null
	for i in $(seq "$reps"); do
		on bob 'iperf3 -s -D -1 >/dev/null 2>&1' || die "bob: cannot start iperf3 -s"
		sleep 1
		out=$(on alice 'iperf3 -c 10.77.0.2 -t 4 -f m 2>&1 | grep sender') ||
			die "alice: iperf3 to bob failed: $out"
		bench_record link "TCP throughput alice->bob (iperf3)" MiB/s \
			"$(echo "$out" | awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") printf "%.2f\n", $i * 1e6 / 8 / 1048576 }')"
		out=$(on alice 'ping -c 10 -i 0.2 10.77.0.2 | tail -n 1') || die "alice: ping failed: $out"
		bench_record link "round-trip time alice->bob (ping, avg of 10)" ms \
			"$(echo "$out" | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')"
	done
}

# guest NODE WHAT [ARG]: runs the adapter's command WHAT on NODE
guest() {
	local node=$1 what=$2
	shift 2
	on "$node" "$("impl_${impl}_${what}" "$@")"
}

run_impl() {
	local impl=$1 out p dev version
	log "$impl: fresh disks, boot both nodes"
	bed_start_both --add "$(command -v iperf3)" >&2 || die "the bed did not start"
	[ "$impl" != "$first_impl" ] || measure_link

	log "$impl: up on both, initial full sync"
	guest bob up >/dev/null || die "$impl: up on bob failed"
	guest alice up >/dev/null || die "$impl: up on alice failed"
	version=$(guest alice version) || die "$impl: no version"
	versions+=("$impl: $version")
	wait_until alice "$(impl_${impl}_connected_cond)" 120 || die "$impl: not connected"
	# timed in the guest: primary --force until both disks are UpToDate
	out=$(on -t 900 alice "s=\$(gdate +%s.%N); $(impl_${impl}_primary_force) >/dev/null || exit 1
until $(impl_${impl}_synced_cond); do sleep 0.1; done
echo \$s \$(gdate +%s.%N)") || die "$impl: initial sync failed: $out"
	bench_record "$impl" "initial full sync, $DUET_VM_DATA_MB MiB" s \
		"$(echo "$out" | awk '{ printf "%.2f\n", $2 - $1 }')"
	bench_record "$impl" "initial full sync throughput" MiB/s \
		"$(echo "$out" | awk -v mb="$DUET_VM_DATA_MB" '{ printf "%.2f\n", mb / ($2 - $1) }')"
	wait_until bob "$(impl_${impl}_synced_cond)" 60 || die "$impl: bob not UpToDate"

	dev=$(impl_${impl}_device)
	log "$impl: warm-up pass"
	seq_write alice "$dev" >/dev/null
	for p in C B A; do
		guest alice protocol "$p" >/dev/null || die "$impl: cannot switch to protocol $p"
		log "$impl: protocol $p"
		measure_dev "$impl" "protocol $p" alice "$dev"
	done
	guest alice standalone >/dev/null || die "$impl: disconnect failed"
	log "$impl: StandAlone"
	measure_dev "$impl" "StandAlone (no peer)" alice "$dev"
	guest alice down >/dev/null || die "$impl: down on alice failed"
	guest bob down >/dev/null || true

	log "raw data disk /dev/vda (same guest)"
	seq_write alice /dev/vda >/dev/null
	measure_dev "raw disk" "raw /dev/vda" alice /dev/vda
	bed_stop >/dev/null 2>&1 || true
	unset DUET_VM_WORKDIR
}

versions=()
first_impl=${impls%% *}
for impl in $impls; do
	declare -F "impl_${impl}_up" >/dev/null || die "no adapter lib/impl-$impl.bash for '$impl'"
	run_impl "$impl"
done
printf '%s\n' "${versions[@]}" > "${results%.tsv}.versions"
echo "$results"
