# shellcheck shell=bash
# Failover-benchmark adapter for stock Heartbeat 3.0.6 (Debian's package)
# on the netns bed. Every membership implementation the benchmark compares
# provides the same functions, ha_<name>_*:
#   start NODE...        start the daemon on each (booted) node, return
#                        once each runs (the cluster may still be forming)
#   peer_active NODE PEER   true once NODE sees PEER active
#   exe                  the executable whose processes are the
#                        implementation's footprint (forked children share it)
#   version              one line naming the implementation and version
# Configuration files are written by hb_write_config (both read them).

ha_heartbeat_start() { hb_start "$@"; }
ha_heartbeat_peer_active() { _hb_nodestatus_is "$1" "$2" active >/dev/null 2>&1; }
ha_heartbeat_exe() { echo "$HB_DAEMON"; }
ha_heartbeat_version() {
	echo "stock Heartbeat $(dpkg-query -W -f '${Version}' heartbeat 2>/dev/null || echo '?')"
}
