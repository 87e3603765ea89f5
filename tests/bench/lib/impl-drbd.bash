# shellcheck shell=bash
# Benchmark adapter for stock DRBD 8.4 (Debian's kernel module) with
# drbd-utils. Every replication implementation the benchmark compares
# provides the same functions, impl_<name>_*, each printing a guest shell
# command (or condition) that the benchmark runs on a node:
#   up                 load, configure, create meta-data, bring up r0
#   primary_force      make this node Primary, starting the initial sync
#   synced_cond        true once both disks are UpToDate
#   connected_cond     true once connected
#   protocol P         switch r0 to protocol A, B or C (on the Primary)
#   standalone         disconnect from the peer
#   down               take r0 down
#   version            print the implementation's version
#   device             (not a command) the block device applications use
# A node's backing data disk is /dev/vda and its meta disk /dev/vdb.

IMPL_DRBD_CONF='global { usage-count no; }
common { protocol C; }
resource r0 {
  device    /dev/drbd0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}'

impl_drbd_up() {
	printf '%s\n' "modprobe drbd && cat > /etc/drbd.conf <<'EOF'" "$IMPL_DRBD_CONF" EOF \
		'drbdadm create-md r0 </dev/null >/dev/null && drbdadm up r0'
}
impl_drbd_primary_force() { echo 'drbdadm primary --force r0'; }
impl_drbd_synced_cond() { echo 'grep -q "ds:UpToDate/UpToDate" /proc/drbd'; }
impl_drbd_connected_cond() { echo 'grep -q "cs:Connected" /proc/drbd'; }
impl_drbd_protocol() { echo "drbdadm net-options --protocol=$1 r0 && grep -q ' $1 r' /proc/drbd"; }
impl_drbd_standalone() { echo 'drbdadm disconnect r0 && grep -q cs:StandAlone /proc/drbd'; }
impl_drbd_down() { echo 'drbdadm down r0'; }
impl_drbd_version() { echo "echo stock DRBD \$(head -n 1 /proc/drbd | cut -d' ' -f2)"; }
impl_drbd_device() { echo /dev/drbd0; }

# StandAlone Primary with no peer at all (the standalone suite): up, cut
# the connection attempt, promote.
impl_drbd_standalone_up() {
	impl_drbd_up
	echo 'drbdadm disconnect r0 && drbdadm primary --force r0 && grep -q "cs:StandAlone ro:Primary" /proc/drbd'
}
