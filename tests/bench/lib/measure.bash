# shellcheck shell=bash
# Measurements shared by the benchmarks in the QEMU bed (they need bed.bash,
# stats.bash and the variables SEQ_MB, latn and reps of the caller).
#   seq_write NODE DEV      MiB/s of a SEQ_MB MiB O_DIRECT write
#   sync_latency NODE DEV   microseconds per 4 KiB O_DIRECT|O_DSYNC write
#   measure_dev IMPL LABEL NODE DEV   reps x both, recorded

SEQ_MB=${SEQ_MB:-128}

log() { echo "# $(date -u +%H:%M:%S) $*" >&2; }
die() { echo "${0##*/}: $*" >&2; exit 1; }

# seq_write NODE DEV: MiB/s of a 128 MiB O_DIRECT write (GNU dd's own time)
seq_write() {
	local out secs
	out=$(on "$1" "gdd if=/dev/zero of=$2 bs=1M count=$SEQ_MB oflag=direct 2>&1 | tail -n 1") ||
		die "$1: dd to $2 failed: $out"
	secs=$(echo "$out" | sed -n 's/.* copied, \([0-9.e+-]*\) s,.*/\1/p')
	[ -n "$secs" ] || die "cannot read dd's time from: $out"
	awk -v s="$secs" -v mb="$SEQ_MB" 'BEGIN { printf "%.2f\n", mb / s }'
}

# sync_latency NODE DEV: microseconds per 4 KiB O_DIRECT|O_DSYNC write
sync_latency() {
	local out secs
	out=$(on "$1" "gdd if=/dev/zero of=$2 bs=4k count=$latn oflag=direct,dsync 2>&1 | tail -n 1") ||
		die "$1: dd to $2 failed: $out"
	secs=$(echo "$out" | sed -n 's/.* copied, \([0-9.e+-]*\) s,.*/\1/p')
	[ -n "$secs" ] || die "cannot read dd's time from: $out"
	awk -v s="$secs" -v n="$latn" 'BEGIN { printf "%.0f\n", s * 1e6 / n }'
}

# measure_dev IMPL LABEL NODE DEV: reps x (seq write, latency)
measure_dev() {
	local impl=$1 label=$2 node=$3 dev=$4 i
	for i in $(seq "$reps"); do
		bench_record "$impl" "seq write 128 MiB, $label" MiB/s "$(seq_write "$node" "$dev")"
		bench_record "$impl" "4 KiB direct+dsync write, $label" us "$(sync_latency "$node" "$dev")"
	done
}

