# shellcheck shell=bash disable=SC2154 # SEQ_MB, latn and reps are the caller's
# Measurements shared by the benchmarks in the QEMU bed (they need bed.bash,
# stats.bash and the variables SEQ_MB, latn and reps of the caller).
#   seq_write NODE DEV      MiB/s of a SEQ_MB MiB O_DIRECT write
#   sync_latency NODE DEV   microseconds per 4 KiB O_DIRECT|O_DSYNC write
#   measure_dev IMPL LABEL NODE DEV   reps x both, recorded
#   measure_beside IMPL LABEL NODE DEV RAWDEV   reps x both on DEV and on
#                           RAWDEV, interleaved, recorded
# Measurement names: "seq write SEQ_MB MiB, LABEL" and "4 KiB direct+dsync
# write, LABEL"; the raw disk's are "..., raw RAWDEV" (measure_dev) or
# "..., raw RAWDEV beside IMPL" (measure_beside).

SEQ_MB=${SEQ_MB:-128}
# BENCH_SETTLE: a guest command run before each timed dd, in the same
# call (e.g. a flush of the raw disk, see measure_beside); empty: none.
# BENCH_SETTLE_PEER: a node that runs it too, just before (the peer of a
# replicated device, whose disk took the same writes)
BENCH_SETTLE=${BENCH_SETTLE:-}
BENCH_SETTLE_PEER=${BENCH_SETTLE_PEER:-}

# settle_peer: BENCH_SETTLE on BENCH_SETTLE_PEER, if both are set
settle_peer() {
	[ -z "$BENCH_SETTLE" ] || [ -z "$BENCH_SETTLE_PEER" ] ||
		on "$BENCH_SETTLE_PEER" "$BENCH_SETTLE" >/dev/null ||
		die "$BENCH_SETTLE_PEER: $BENCH_SETTLE failed"
}

log() { echo "# $(date -u +%H:%M:%S) $*" >&2; }
die() { echo "${0##*/}: $*" >&2; exit 1; }

# seq_write NODE DEV: MiB/s of a SEQ_MB MiB O_DIRECT write (GNU dd's own time)
seq_write() {
	local out secs
	settle_peer
	out=$(on "$1" "${BENCH_SETTLE:+$BENCH_SETTLE; }gdd if=/dev/zero of=$2 bs=1M count=$SEQ_MB oflag=direct 2>&1 | tail -n 1") ||
		die "$1: dd to $2 failed: $out"
	secs=$(echo "$out" | sed -n 's/.* copied, \([0-9.e+-]*\) s,.*/\1/p')
	[ -n "$secs" ] || die "cannot read dd's time from: $out"
	awk -v s="$secs" -v mb="$SEQ_MB" 'BEGIN { printf "%.2f\n", mb / s }'
}

# sync_latency NODE DEV: microseconds per 4 KiB O_DIRECT|O_DSYNC write
sync_latency() {
	local out secs
	settle_peer
	out=$(on "$1" "${BENCH_SETTLE:+$BENCH_SETTLE; }gdd if=/dev/zero of=$2 bs=4k count=$latn oflag=direct,dsync 2>&1 | tail -n 1") ||
		die "$1: dd to $2 failed: $out"
	secs=$(echo "$out" | sed -n 's/.* copied, \([0-9.e+-]*\) s,.*/\1/p')
	[ -n "$secs" ] || die "cannot read dd's time from: $out"
	awk -v s="$secs" -v n="$latn" 'BEGIN { printf "%.0f\n", s * 1e6 / n }'
}

# measure_dev IMPL LABEL NODE DEV: reps x (seq write, latency)
measure_dev() {
	local impl=$1 label=$2 node=$3 dev=$4 i
	for i in $(seq "$reps"); do
		bench_record "$impl" "seq write $SEQ_MB MiB, $label" MiB/s "$(seq_write "$node" "$dev")"
		bench_record "$impl" "4 KiB direct+dsync write, $label" us "$(sync_latency "$node" "$dev")"
	done
}

# measure_beside IMPL LABEL NODE DEV RAWDEV: reps x (seq write, latency) on
# the device and on the raw disk under it, each measurement taken on both
# back to back, the raw disk first in odd repetitions and second in even
# ones. Host load that comes and goes (the guest is TCG: every cycle is
# host CPU) then falls on both alike, and each device's ratio is taken
# against the raw samples of its own minutes ("raw RAWDEV beside IMPL").
# Writing RAWDEV under the device bypasses it; that is harmless here (no
# peer, no file system). Before every timed dd the raw disk is flushed
# (fsync of the block device, no data): the guest disks are files in the
# host's page cache, and the first flush after a sequential write makes
# the host write back everything it holds of it, which would otherwise
# be charged to whichever latency run comes first.
measure_beside() {
	local impl=$1 label=$2 node=$3 dev=$4 raw=$5 i d
	local BENCH_SETTLE="gdd if=/dev/null of=$raw conv=fsync,notrunc 2>/dev/null"
	local rawlabel="raw $raw beside $impl" order
	for i in $(seq "$reps"); do
		if [ $((i % 2)) -eq 1 ]; then order="$raw $dev"; else order="$dev $raw"; fi
		for d in $order; do
			if [ "$d" = "$raw" ]; then
				bench_record "raw disk" "seq write $SEQ_MB MiB, $rawlabel" MiB/s "$(seq_write "$node" "$d")"
			else
				bench_record "$impl" "seq write $SEQ_MB MiB, $label" MiB/s "$(seq_write "$node" "$d")"
			fi
		done
		for d in $order; do
			if [ "$d" = "$raw" ]; then
				bench_record "raw disk" "4 KiB direct+dsync write, $rawlabel" us "$(sync_latency "$node" "$d")"
			else
				bench_record "$impl" "4 KiB direct+dsync write, $label" us "$(sync_latency "$node" "$d")"
			fi
		done
		log "$impl: repetition $i of $reps done"
	done
}

