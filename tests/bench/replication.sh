#!/bin/bash
# Replication benchmark in the two-node QEMU bed (TCG): for every
# implementation in DUET_BENCH_IMPLS (adapters in lib/impl-<name>.bash;
# default "drbd duet" when DUET_KO names a built duet.ko, else "drbd"),
# on fresh disks, alice the first Primary:
#   - initial full sync of the data disk after primary --force (time and
#     throughput)
#   - a Primary crash with 36 KiB dirty: 12 KiB written with O_DIRECT
#     into each of three 4 MiB extents, the Primary (alice) powered off,
#     bob promoted, alice booted again: what she resyncs and how long it
#     takes
#   - a Primary crash right after mkfs.ext4 (bob now), alice promoted, bob
#     booted again: the same figures
#   - sequential write of 128 MiB with oflag=direct and 4 KiB write
#     latency with oflag=direct,dsync, protocols C, B, A, both backing
#     disks flushed before each
#   - a Secondary outage: bob powered off, DUET_BENCH_OUTAGE_MB written on
#     alice, bob booted again: the same figures; DUET_BENCH_LOSS_REPS times
#     with each implementation's default ping settings, as many times with
#     those of DUET_BENCH_PING (set on both nodes, on a fresh link; by
#     default duet's own defaults, as duetadm dump -v prints them)
#   - peer-loss detection at every power-off: from the power-off until
#     the survivor's status file no longer shows cs:Connected (polled in
#     the guest every 50 ms; the guest's clock is mapped onto the host's
#     by the quickest of three round trips, so the figure is good to
#     about half of that, well under 0.1 s here)
#   - sequential write and latency StandAlone (no peer), then on the raw
#     data disk /dev/vda in the same guest (the local limit)
# After every resync both backing disks must be identical (md5); a
# difference stops the benchmark. The kernel log lines of duet and DRBD of
# every node that rejoined go to RESULTS.log. In the first bed, the replication
# link's TCP throughput (iperf3) and its round-trip time (ping): the
# physical limit of replication. A resync's amount is what the SyncTarget
# announced in its kernel log (DRBD "Began resync as SyncTarget (will sync
# N KB", duet "resync as SyncTarget: N KiB to copy"), beside what it
# received (nr in its status file, counted from its boot).
#
#   tests/bench/replication.sh [RESULTS.tsv]
#
# Environment: DUET_BENCH_IMPLS, DUET_BENCH_REPS (3), DUET_BENCH_LOSS_REPS
# (DUET_BENCH_REPS), DUET_BENCH_LAT_COUNT (4 KiB writes per latency run,
# 500), DUET_BENCH_DATA_MB (data disk, 256), DUET_BENCH_OUTAGE_MB (32),
# DUET_BENCH_PING (net options in drbd.conf syntax; default duet's
# ping-int and ping-timeout, "ping-int 1; ping-timeout 5;" when duet is
# not benchmarked), DUET_KO, DUET_BUILDDIR (for duetadm) and the bed's
# DUET_VM_* variables. Figures are min/median/max over the repetitions;
# nothing passes or fails on a time. Exit status 1 only when the bed or an
# implementation broke (a step failed, or disks differ after a resync).
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
default_impls=drbd
if [ -n "${DUET_KO:-}" ] && [ -f "$DUET_KO" ]; then default_impls="drbd duet"; fi
impls=${DUET_BENCH_IMPLS:-$default_impls}
reps=${DUET_BENCH_REPS:-3}
loss_reps=${DUET_BENCH_LOSS_REPS:-$reps}
latn=${DUET_BENCH_LAT_COUNT:-500}
outage_mb=${DUET_BENCH_OUTAGE_MB:-32}
builddir=${DUET_BUILDDIR:-$here/../..}
export DUET_VM_DATA_MB=${DUET_BENCH_DATA_MB:-256}
[ "$DUET_VM_DATA_MB" -ge 128 ] || { echo "${0##*/}: DUET_BENCH_DATA_MB must be at least 128" >&2; exit 2; }
# the net options the adapters configure (lib/conf.bash)
export BENCH_NET=

# shellcheck source=lib/measure.bash
source "$here/lib/measure.bash"

bench_results_init "$results"
# the kernel log of every node that rejoined, for the why of a figure
klog=${results%.tsv}.log
: > "$klog"
trap 'bed_stop >/dev/null 2>&1 || true' EXIT

adds=(--add "$(command -v iperf3)")
if [[ " $impls " == *" duet "* ]]; then
	if [ -z "${DUET_KO:-}" ] || [ ! -f "$DUET_KO" ]; then die "duet: DUET_KO does not name a built duet.ko"; fi
	[ -x "$builddir/daemon/duetadm" ] || die "duet: $builddir/daemon/duetadm is not built"
	adds+=(--add "$builddir/daemon/duetadm:/usr/sbin/duetadm")
fi

# duet_ping_defaults: duet's default ping-int and ping-timeout (drbd.conf
# syntax), as duetadm dump -v prints them for r0 without net options
duet_ping_defaults() {
	local tmp out=
	tmp=$(mktemp)
	if bash -c "$(bench_conf "$tmp" '/dev/duet0 minor 0'; echo true)"; then
		out=$("$builddir/daemon/duetadm" -c "$tmp" --hostname alice dump -v r0) || out=
	fi
	rm -f "$tmp"
	echo "$out" | sed -n 's/^[[:space:]]*\(ping-int\|ping-timeout\) \([0-9]*\); # default$/\1 \2;/p' | tr '\n' ' '
}
ping2=${DUET_BENCH_PING:-}
ping2_label=
if [ -z "$ping2" ] && [[ " $impls " == *" duet "* ]]; then
	ping2=$(duet_ping_defaults)
	[ -n "$ping2" ] || die "duet: duetadm dump -v shows no default ping-int and ping-timeout"
	ping2_label="duet's defaults: "
fi
ping2=${ping2:-ping-int 1; ping-timeout 5;}
ping2=${ping2% }
p=${ping2%;}
ping2_label=$ping2_label${p//;/,}

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

# adapter WHAT [ARG]: the current implementation's command (or value) WHAT
adapter() {
	local what=$1
	shift
	"impl_${impl}_$what" "$@"
}

# guest NODE WHAT [ARG]: runs the adapter's command WHAT on NODE
guest() {
	local node=$1
	shift
	on "$node" "$(adapter "$@")"
}

# guest_clock NODE: the guest's clock minus the host's, in seconds, from
# the quickest of three round trips
guest_clock() {
	local i h0 g h1
	for i in 1 2 3; do
		h0=$(date +%s.%N)
		g=$(on "$1" 'gdate +%s.%N') || return 1
		h1=$(date +%s.%N)
		echo "$h0 $g $h1"
	done | awk '{ r = $3 - $1; if (NR == 1 || r < best) { best = r; off = $2 - ($1 + $3) / 2 } }
		END { if (NR) printf "%.6f\n", off }'
}

# power_off_timed NODE SURVIVOR LABEL: powers NODE off and records the
# seconds until SURVIVOR's status file no longer shows cs:Connected as
# "peer-loss detection, LABEL"
power_off_timed() {
	local node=$1 surv=$2 label=$3 proc off t0 lost
	proc=$(adapter proc)
	on "$surv" "rm -f /tmp/lost; grep -q cs:Connected $proc || exit 1
( while grep -q cs:Connected $proc; do sleep 0.05; done; gdate +%s.%N > /tmp/lost ) </dev/null >/dev/null 2>&1 &" ||
		die "$impl: $surv is not Connected before the power-off of $node"
	off=$(guest_clock "$surv") || die "$impl: cannot read $surv's clock"
	t0=$(date +%s.%N)
	power_off "$node" || die "$impl: cannot power off $node"
	wait_until "$surv" 'test -s /tmp/lost' 120 >/dev/null || die "$impl: $surv did not notice that $node is gone"
	lost=$(on "$surv" 'cat /tmp/lost') || die "$impl: $surv: no time of the loss"
	bench_record "$impl" "peer-loss detection, $label" s \
		"$(awk -v t0="$t0" -v t="$lost" -v off="$off" 'BEGIN { printf "%.3f\n", t - off - t0 }')"
}

# rejoin NODE LABEL: NODE, booted again, brings r0 up and resyncs. Records
# "resync after LABEL: ..." the KiB NODE announced to copy as SyncTarget
# and received (nr), the seconds from the moment the link is up (the
# status file shows a connected state) until both disks are UpToDate, and
# from up until then
rejoin() {
	local node=$1 label=$2 proc out s c e kib nr
	local up='cs:(Connected|WFBitMap|WFSync|SyncSource|SyncTarget|PausedSync)'
	proc=$(adapter proc)
	out=$(on -t 1800 "$node" "s=\$(gdate +%s.%N)
$(adapter start) >/dev/null || exit 1
c=
until $(adapter synced_cond); do
	[ -n \"\$c\" ] || ! grep -qE '$up' $proc || c=\$(gdate +%s.%N)
	sleep 0.05
done
e=\$(gdate +%s.%N)
echo \$s \${c:-\$e} \$e \$($(adapter resync_kib)) \$(sed -n 's/.* nr:\\([0-9]*\\).*/\\1/p' $proc)") ||
		die "$impl: $node did not come back UpToDate: $out"
	read -r s c e kib nr <<<"$out"
	bench_record "$impl" "resync after $label: announced by the SyncTarget" KiB "$kib"
	bench_record "$impl" "resync after $label: received by the SyncTarget (nr)" KiB "$nr"
	bench_record "$impl" "resync after $label: link up -> UpToDate/UpToDate" s \
		"$(awk -v c="$c" -v e="$e" 'BEGIN { printf "%.2f\n", e - c }')"
	bench_record "$impl" "resync after $label: up -> UpToDate/UpToDate" s \
		"$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", e - s }')"
	log "$impl: $node resynced $kib KiB (received $nr KiB) after $label"
	{
		echo "== $impl: $node's kernel log after $label"
		on "$node" 'dmesg | grep -E "duet|drbd"' 2>&1 || true
	} >> "$klog"
	disks_identical "after $label"
}

# disks_identical WHEN: both backing disks must hold the same data
disks_identical() {
	local tmp sums n
	tmp=$(mktemp -d)
	for n in alice bob; do
		on "$n" "echo 3 > /proc/sys/vm/drop_caches; gdd if=/dev/vda bs=1M iflag=direct status=none | md5sum | cut -d' ' -f1" \
			> "$tmp/$n" 2>&1 &
	done
	wait
	sums=$(cat "$tmp/alice" "$tmp/bob")
	rm -rf "$tmp"
	if [ "$(echo "$sums" | sort -u | wc -l)" -ne 1 ] || [ "${#sums}" -lt 65 ]; then
		die "$impl: the backing disks differ $1 (md5 alice, bob): $(echo "$sums" | tr '\n' ' ')"
	fi
}

# primary_crash NODE PEER LABEL: NODE, the Primary, loses power; PEER is
# promoted; NODE boots and rejoins
primary_crash() {
	power_off_timed "$1" "$2" "Primary powered off, default ping settings"
	guest "$2" primary >/dev/null || die "$impl: $2 cannot be promoted"
	boot "$1" >&2 || die "$1 does not boot again"
	rejoin "$1" "$3"
}

# outage LABEL: the Secondary (bob) is powered off, the Primary (alice)
# writes outage_mb MiB, bob boots and rejoins
outage() {
	local dev oos
	dev=$(adapter device)
	power_off_timed bob alice "Secondary powered off, $1"
	on alice "gdd if=/dev/urandom of=$dev bs=1M count=$outage_mb seek=$((DUET_VM_DATA_MB / 4)) oflag=direct status=none" ||
		die "$impl: cannot write on alice with bob away"
	oos=$(on alice "sed -n 's/.* oos:\\([0-9]*\\).*/\\1/p' $(adapter proc)")
	bench_record "$impl" "Secondary outage, $outage_mb MiB written: out of sync on the Primary (oos)" KiB "$oos"
	boot bob >&2 || die "bob does not boot again"
	rejoin bob "a Secondary outage ($outage_mb MiB written)"
}

run_impl() {
	local impl=$1 out p dev version i
	log "$impl: fresh disks, boot both nodes"
	BENCH_NET=
	bed_start_both "${adds[@]}" >&2 || die "the bed did not start"
	[ "$impl" != "$first_impl" ] || measure_link

	log "$impl: up on both, initial full sync"
	guest bob up >/dev/null || die "$impl: up on bob failed"
	guest alice up >/dev/null || die "$impl: up on alice failed"
	version=$(guest alice version) || die "$impl: no version"
	versions+=("$impl: $version")
	wait_until alice "$(adapter connected_cond)" 120 >/dev/null || die "$impl: not connected"
	# timed in the guest: primary --force until both disks are UpToDate
	out=$(on -t 1800 alice "s=\$(gdate +%s.%N); $(adapter primary_force) >/dev/null || exit 1
until $(adapter synced_cond); do sleep 0.1; done
echo \$s \$(gdate +%s.%N)") || die "$impl: initial sync failed: $out"
	bench_record "$impl" "initial full sync, $DUET_VM_DATA_MB MiB" s \
		"$(echo "$out" | awk '{ printf "%.2f\n", $2 - $1 }')"
	bench_record "$impl" "initial full sync throughput" MiB/s \
		"$(echo "$out" | awk -v mb="$DUET_VM_DATA_MB" '{ printf "%.2f\n", mb / ($2 - $1) }')"
	wait_until bob "$(adapter synced_cond)" 60 >/dev/null || die "$impl: bob not UpToDate"
	dev=$(adapter device)

	# The activity log holds nothing yet (the initial sync writes none):
	# these three extents are its whole hot set.
	log "$impl: Primary crash with 36 KiB dirty in three 4 MiB extents"
	on alice "for mib in 8 40 72; do gdd if=/dev/urandom of=$dev bs=4k count=3 seek=\$((mib * 256)) oflag=direct status=none || exit 1; done" ||
		die "$impl: cannot write the 36 KiB"
	primary_crash alice bob "a Primary crash with 36 KiB dirty in 3 extents"

	log "$impl: Primary crash right after mkfs.ext4"
	on -t 600 bob "mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 $dev" >/dev/null ||
		die "$impl: mkfs.ext4 on bob failed"
	primary_crash bob alice "a Primary crash right after mkfs.ext4"

	log "$impl: warm-up pass"
	seq_write alice "$dev" >/dev/null
	# before every timed dd both backing disks are flushed (no data): the
	# guest disks are files in the host's page cache, and the first flush
	# after a sequential write would otherwise make the host write all of
	# it back inside the first latency run (lib/measure.bash)
	local BENCH_SETTLE="gdd if=/dev/null of=/dev/vda conv=fsync,notrunc 2>/dev/null" BENCH_SETTLE_PEER=bob
	for p in C B A; do
		guest alice protocol "$p" >/dev/null || die "$impl: cannot switch to protocol $p"
		log "$impl: protocol $p"
		measure_dev "$impl" "protocol $p" alice "$dev"
	done
	guest alice protocol C >/dev/null || die "$impl: cannot switch back to protocol C"
	BENCH_SETTLE_PEER=

	for i in $(seq "$loss_reps"); do
		log "$impl: Secondary outage $i of $loss_reps, default ping settings"
		outage "default ping settings"
	done
	BENCH_NET=$ping2
	for p in alice bob; do
		guest "$p" net_options >/dev/null || die "$impl: $p: cannot set $ping2"
	done
	guest alice reconnect >/dev/null || die "$impl: cannot reconnect"
	wait_until alice "$(adapter synced_cond)" 120 >/dev/null || die "$impl: not back after the reconnect"
	for i in $(seq "$loss_reps"); do
		log "$impl: Secondary outage $i of $loss_reps, $ping2_label"
		outage "$ping2_label"
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
	declare -F "impl_${impl}_start" >/dev/null || die "no replication adapter lib/impl-$impl.bash for '$impl'"
done
for impl in $impls; do
	run_impl "$impl"
done
versions+=("source: $(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)")
versions+=("data disk $DUET_VM_DATA_MB MiB, $reps repetitions, $loss_reps Secondary outages per ping setting (defaults; $ping2_label), $latn writes per latency run")
printf '%s\n' "${versions[@]}" > "${results%.tsv}.versions"
echo "$results"
