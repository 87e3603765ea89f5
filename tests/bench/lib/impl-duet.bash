# shellcheck shell=bash
# Benchmark adapter for duet (duet.ko + duetadm), same functions as
# impl-drbd.bash. duet.ko does not replicate yet (issue "part 2"), so only
# the StandAlone functions are provided; replication.sh skips an
# implementation without impl_<name>_up.
#   standalone_up      load, configure, create meta-data, attach r0 and
#                      make it Primary with no peer
#   down, version, device as in impl-drbd.bash
# The guest needs duet.ko (DUET_KO) and /usr/sbin/duetadm.

IMPL_DUET_CONF='resource r0 {
  device    /dev/duet0 minor 0;
  disk      /dev/vda;
  meta-disk /dev/vdb [0];
  on alice { address 10.77.0.1:7788; }
  on bob   { address 10.77.0.2:7788; }
}'

impl_duet_standalone_up() {
	printf '%s\n' "modprobe duet && cat > /etc/duet.conf <<'EOF'" "$IMPL_DUET_CONF" EOF \
		'duetadm create-md --force r0 </dev/null >/dev/null' \
		'duetadm up r0 >/dev/null 2>&1; grep -q "cs:StandAlone" /proc/duet' \
		'duetadm primary --force r0 && grep -q "ro:Primary" /proc/duet'
}
impl_duet_down() { echo 'duetadm down r0 && rmmod duet'; }
impl_duet_version() { echo "echo duet \$(head -n 1 /proc/duet | cut -d' ' -f2)"; }
impl_duet_device() { echo /dev/duet0; }
