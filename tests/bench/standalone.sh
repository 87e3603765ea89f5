#!/bin/bash
# StandAlone benchmark in one QEMU guest (alice, TCG): the replicated
# device as a Primary with no peer against the raw data disk it sits on,
# for every implementation in DUET_BENCH_STANDALONE_IMPLS (adapters in
# lib/impl-<name>.bash providing standalone_up, down, version, device;
# default "drbd duet", duet only when DUET_KO names a built duet.ko).
#   - sequential write of 128 MiB with oflag=direct
#   - 4 KiB write latency with oflag=direct,dsync
# The raw disk is measured before and after the devices, in the same
# guest, and its samples are pooled: its median is the local limit the
# ratios are taken against (the issue's targets: >= 97 % of raw speed,
# <= 1.05 x raw latency).
#
#   tests/bench/standalone.sh [RESULTS.tsv]
#
# Environment: DUET_BENCH_STANDALONE_IMPLS, DUET_BENCH_REPS (5),
# DUET_BENCH_LAT_COUNT (500), DUET_KO, DUET_BUILDDIR (for duetadm) and
# the bed's DUET_VM_* variables. Nothing passes or fails on a time; exit
# status 1 only when the bed or an implementation broke.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/lib/bed.bash
source "$here/../vm/lib/bed.bash"
# shellcheck source=lib/stats.bash
source "$here/lib/stats.bash"
# shellcheck source=lib/measure.bash
source "$here/lib/measure.bash"
for f in "$here"/lib/impl-*.bash; do
	# shellcheck disable=SC1090
	source "$f"
done

results=${1:-$here/results/standalone-$(date -u +%Y%m%d-%H%M%S).tsv}
default_impls=drbd
[ -n "${DUET_KO:-}" ] && [ -f "${DUET_KO:-}" ] && default_impls="drbd duet"
impls=${DUET_BENCH_STANDALONE_IMPLS:-$default_impls}
reps=${DUET_BENCH_REPS:-5}
latn=${DUET_BENCH_LAT_COUNT:-500}
builddir=${DUET_BUILDDIR:-$here/../..}

bench_results_init "$results"
trap 'bed_stop >/dev/null 2>&1 || true' EXIT

adds=()
if [[ " $impls " == *" duet "* ]]; then
	[ -n "${DUET_KO:-}" ] && [ -f "$DUET_KO" ] || die "duet: DUET_KO does not name a built duet.ko"
	[ -x "$builddir/daemon/duetadm" ] || die "duet: $builddir/daemon/duetadm is not built"
	adds+=(--add "$builddir/daemon/duetadm:/usr/sbin/duetadm")
fi
for impl in $impls; do
	declare -F "impl_${impl}_standalone_up" >/dev/null ||
		die "no StandAlone adapter impl_${impl}_standalone_up for '$impl'"
done

log "boot alice"
bed_start alice -- "${adds[@]}" >&2 || die "the bed did not start"
log "raw data disk /dev/vda, before"
seq_write alice /dev/vda >/dev/null
measure_dev "raw disk" "raw /dev/vda" alice /dev/vda

versions=()
for impl in $impls; do
	log "$impl: clear the meta disk, StandAlone Primary"
	on alice 'gdd if=/dev/zero of=/dev/vdb bs=1M count=128 oflag=direct 2>/dev/null' ||
		die "cannot clear /dev/vdb"
	out=$(on alice "$("impl_${impl}_standalone_up")" 2>&1) || die "$impl: standalone_up failed: $out"
	versions+=("$impl: $(on alice "$("impl_${impl}_version")")")
	dev=$("impl_${impl}_device")
	seq_write alice "$dev" >/dev/null
	measure_dev "$impl" "StandAlone (no peer)" alice "$dev"
	out=$(on alice "$("impl_${impl}_down")" 2>&1) || die "$impl: down failed: $out"
done

log "raw data disk /dev/vda, after"
measure_dev "raw disk" "raw /dev/vda" alice /dev/vda
printf '%s\n' "${versions[@]}" > "${results%.tsv}.versions"
echo "$results"
