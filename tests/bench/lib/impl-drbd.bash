# shellcheck shell=bash
# Benchmark adapter for stock DRBD 8.4 (Debian's kernel module) with
# drbd-utils. Every replication implementation the benchmark compares
# provides the same functions, impl_<name>_*, each printing a guest shell
# command (or condition) that the benchmark runs on a node:
#   up                 load, configure, create meta-data, bring up r0
#   start              load, configure, bring up r0 on the meta-data the
#                      disks already hold (a node booted again)
#   primary_force      make this node Primary, starting the initial sync
#   primary            make this node Primary (the peer is gone)
#   synced_cond        true once Connected and both disks are UpToDate
#   connected_cond     true once connected
#   resync_kib         print the KiB this node announced to copy as
#                      SyncTarget since it booted (0 if it announced none)
#   protocol P         switch r0 to protocol A, B or C (on the Primary)
#   net_options        apply the net options of $BENCH_NET (drbd.conf
#                      syntax, e.g. "ping-int 1; ping-timeout 5;") to the
#                      running r0 and to its configuration file (protocol
#                      C there)
#   reconnect          disconnect and connect again (a new link, so that
#                      the options in force are the ones it starts with)
#   standalone         disconnect from the peer
#   down               take r0 down
#   version            print the implementation's version
#   device, proc       (not commands) the block device applications use,
#                      and the status file (DRBD 8.4's /proc/drbd format)
#   standalone_up      (the standalone suite) up, disconnect, primary
#                      --force: a StandAlone Primary with no peer at all
# A node's backing data disk is /dev/vda and its meta disk /dev/vdb. The
# configuration written by up and start carries $BENCH_NET in a net
# section (empty: every net option at its default). What is the same for
# every admin tool with drbdadm's verbs (start, primary_force, primary,
# synced_cond, connected_cond, reconnect, standalone, proc, standalone_up)
# is defined by bench_adm_adapter (conf.bash).

# shellcheck source-path=SCRIPTDIR source=conf.bash
source "$(dirname "${BASH_SOURCE[0]}")/conf.bash"

impl_drbd_conf() { bench_conf /etc/drbd.conf /dev/drbd0 'global { usage-count no; }'; }

bench_adm_adapter drbd drbd drbdadm /proc/drbd
impl_drbd_up() { impl_drbd_start 'drbdadm create-md r0 </dev/null >/dev/null && '; }
impl_drbd_resync_kib() { bench_log_kib '.*Began resync as SyncTarget (will sync \([0-9]*\) KB.*'; }
impl_drbd_protocol() { echo "drbdadm net-options --protocol=$1 r0 && grep -q ' $1 r' /proc/drbd"; }
impl_drbd_net_options() {
	local opts o args=()
	IFS=';' read -ra opts <<<"${BENCH_NET:-}"
	for o in "${opts[@]}"; do
		read -r o <<<"$o"	# trimmed
		[ -z "$o" ] || args+=("--${o/ /=}")
	done
	# drbdadm connect sends the file's options: it must have them too
	impl_drbd_conf
	echo "drbdadm net-options ${args[*]} r0"
}
impl_drbd_down() { echo 'drbdadm down r0'; }
impl_drbd_version() { echo "echo stock DRBD \$(head -n 1 /proc/drbd | cut -d' ' -f2)"; }
impl_drbd_device() { echo /dev/drbd0; }

# StandAlone Primary with no peer at all (the standalone suite): up, cut
# the connection attempt, promote.
