# shellcheck shell=bash
# What the replication adapters (impl-*.bash, which source this) share:
# resource r0 and the guest commands that read a DRBD 8.4 style status
# file and kernel log.
#
#   bench_conf FILE DEVICE [LINE...]  a command, ending in &&, that writes
#                                     FILE: the LINEs, then r0
#   bench_synced_cond PROC            Connected, both disks UpToDate
#   bench_connected_cond PROC         Connected
#   bench_log_kib SED-REGEX           print \1 of the last kernel log line
#                                     the regex matches, or 0
#   bench_adm_adapter NAME MODULE ADM PROC   (below)
#
# r0: DEVICE on the data disk /dev/vda, meta data in slot 0 of /dev/vdb,
# protocol C, the net options of $BENCH_NET (drbd.conf syntax, e.g.
# "ping-int 1; ping-timeout 5;"; empty: all at their defaults), alice and
# bob on the replication link. The protocol and net lines are one line
# each, for sed.

bench_conf() {
	local file=$1 dev=$2
	shift 2
	printf '%s\n' "cat > $file <<'EOF' &&" "$@" \
		'resource r0 {' \
		'  protocol C;' \
		"  net { ${BENCH_NET:-} }" \
		"  device    $dev;" \
		'  disk      /dev/vda;' \
		'  meta-disk /dev/vdb [0];' \
		'  on alice { address 10.77.0.1:7788; }' \
		'  on bob   { address 10.77.0.2:7788; }' \
		'}' EOF
}

bench_synced_cond() { echo "grep -q 'cs:Connected .* ds:UpToDate/UpToDate' $1"; }
bench_connected_cond() { echo "grep -q cs:Connected $1"; }
bench_log_kib() { printf '%s\n' "dmesg | sed -n 's/$1/\\1/p' | tail -n 1 | grep . || echo 0"; }

# bench_adm_adapter NAME MODULE ADM PROC: defines the adapter functions
# that are the same for every admin tool with drbdadm's verbs (ADM) over
# a kernel MODULE with a DRBD 8.4 style status file PROC: start [CMD]
# (with impl_NAME_conf; CMD, ending in &&, runs just before ADM up),
# primary_force, primary, synced_cond, connected_cond, reconnect,
# standalone, proc, and standalone_up (with impl_NAME_up: up, disconnect,
# primary --force: a StandAlone Primary with no peer at all)
bench_adm_adapter() {
	local n=$1 mod=$2 adm=$3 proc=$4
	eval "
impl_${n}_start() { echo 'modprobe $mod &&'; impl_${n}_conf; echo \"\${1:-}$adm up r0\"; }
impl_${n}_primary_force() { echo '$adm primary --force r0'; }
impl_${n}_primary() { echo '$adm primary r0'; }
impl_${n}_synced_cond() { bench_synced_cond $proc; }
impl_${n}_connected_cond() { bench_connected_cond $proc; }
impl_${n}_reconnect() { echo '$adm disconnect r0 && $adm connect r0'; }
impl_${n}_standalone() { echo '$adm disconnect r0 && grep -q cs:StandAlone $proc'; }
impl_${n}_proc() { echo $proc; }
impl_${n}_standalone_up() { impl_${n}_up; echo '$adm disconnect r0 && $adm primary --force r0 && grep -q cs:StandAlone.ro:Primary $proc'; }"
}
