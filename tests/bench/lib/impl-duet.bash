# shellcheck shell=bash
# Benchmark adapter for duet (duet.ko + duetadm), the functions of
# impl-drbd.bash (which lists them). duetadm has no net-options verb: protocol and net_options edit the
# configuration file and run duetadm adjust, which sends the changed
# options (NET_OPTS) to the running link.
# The guest needs duet.ko (DUET_KO) and /usr/sbin/duetadm.

# shellcheck source-path=SCRIPTDIR source=conf.bash
source "$(dirname "${BASH_SOURCE[0]}")/conf.bash"

impl_duet_conf() { bench_conf /etc/duet.conf '/dev/duet0 minor 0'; }

bench_adm_adapter duet duet duetadm /proc/duet
impl_duet_up() { impl_duet_start 'duetadm create-md --force r0 </dev/null >/dev/null && '; }
# kmod/duet_resync.c
impl_duet_resync_kib() { bench_log_kib '.*duet0: resync as SyncTarget: \([0-9]*\) KiB to copy.*'; }
impl_duet_protocol() {
	echo "sed -i 's/^  protocol [ABC];/  protocol $1;/' /etc/duet.conf && duetadm adjust r0 && grep -q ' $1 r' /proc/duet"
}
impl_duet_net_options() {
	echo "sed -i 's/^  net {.*/  net { ${BENCH_NET:-} }/' /etc/duet.conf && duetadm adjust r0"
}
impl_duet_down() { echo 'duetadm down r0 && rmmod duet'; }
impl_duet_version() { echo "echo duet \$(head -n 1 /proc/duet | cut -d' ' -f2)"; }
impl_duet_device() { echo /dev/duet0; }
