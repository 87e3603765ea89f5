#!/bin/bash
# StandAlone benchmark in one QEMU guest (alice, TCG): the replicated
# device as a Primary with no peer against the raw data disk it sits on,
# for every implementation in DUET_BENCH_STANDALONE_IMPLS (adapters in
# lib/impl-<name>.bash providing standalone_up, down, version, device;
# default "drbd duet", duet only when DUET_KO names a built duet.ko).
#   - sequential write of SEQ_MB MiB (256) with oflag=direct
#   - 4 KiB write latency with oflag=direct,dsync
# While an implementation is up, every measurement is taken on its device
# and on the raw disk back to back (alternating which goes first), so
# host load that comes and goes falls on both; its ratios (the issue's
# targets: >= 97 % of raw speed, <= 1.05 x raw latency) are medians of
# its samples over the medians of the raw samples taken beside them
# ("raw /dev/vda beside IMPL"), all from this run; tests/bench/run also
# prints the median of the per-pair ratios (each sample against the raw
# sample taken right next to it), which host load bursts shorter than a
# repetition disturb less.
#
# The guest disks get a 1024-entry virtqueue (DUET_VM_DISK_QUEUE): with
# QEMU's 256 a request holds 254 segments, and whether a 1 MiB write of
# dd's buffer (256 pages, contiguous or not as the guest's allocator had
# them) went to the disk as one request or two changed from one dd
# process to the next, for the raw disk and the devices alike.
#
#   tests/bench/standalone.sh [RESULTS.tsv]
#
# Environment: DUET_BENCH_STANDALONE_IMPLS, DUET_BENCH_REPS (15),
# DUET_BENCH_LAT_COUNT (500), SEQ_MB (256; the data disk is made at
# least that large), DUET_KO, DUET_BUILDDIR (for duetadm) and the bed's
# DUET_VM_* variables. Nothing passes or fails on a time; exit status 1
# only when the bed or an implementation broke.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../vm/lib/bed.bash
source "$here/../vm/lib/bed.bash"
# shellcheck source=lib/stats.bash
source "$here/lib/stats.bash"
SEQ_MB=${SEQ_MB:-256}
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
reps=${DUET_BENCH_REPS:-15}
latn=${DUET_BENCH_LAT_COUNT:-500}
builddir=${DUET_BUILDDIR:-$here/../..}
export DUET_VM_DATA_MB=${DUET_VM_DATA_MB:-$((SEQ_MB > 128 ? SEQ_MB : 128))}
export DUET_VM_DISK_QUEUE=${DUET_VM_DISK_QUEUE-1024}
[ "$DUET_VM_DATA_MB" -ge "$SEQ_MB" ] ||
	die "SEQ_MB=$SEQ_MB does not fit on a data disk of DUET_VM_DATA_MB=$DUET_VM_DATA_MB"

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

host_load() { echo "host load ($1): $(uptime | sed 's/.*load average/load average/')"; }
loads=("$(host_load start)")
log "boot alice"
bed_start alice -- "${adds[@]}" >&2 || die "the bed did not start"
log "raw data disk /dev/vda: first write (allocates the disk image)"
seq_write alice /dev/vda >/dev/null

versions=()
for impl in $impls; do
	log "$impl: clear the meta disk, StandAlone Primary"
	on alice 'gdd if=/dev/zero of=/dev/vdb bs=1M count=128 oflag=direct 2>/dev/null' ||
		die "cannot clear /dev/vdb"
	out=$(on alice "$("impl_${impl}_standalone_up")" 2>&1) || die "$impl: standalone_up failed: $out"
	versions+=("$impl: $(on alice "$("impl_${impl}_version")")")
	dev=$("impl_${impl}_device")
	log "$impl: warm-up pass, then $reps repetitions beside the raw disk"
	seq_write alice "$dev" >/dev/null
	measure_beside "$impl" "StandAlone (no peer)" alice "$dev" /dev/vda
	out=$(on alice "$("impl_${impl}_down")" 2>&1) || die "$impl: down failed: $out"
	loads+=("$(host_load "after $impl")")
done

printf '%s\n' "${versions[@]}" "${loads[@]}" > "${results%.tsv}.versions"
echo "$results"
