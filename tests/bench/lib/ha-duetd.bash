# shellcheck shell=bash
# Failover-benchmark adapter for duetd (functions as in ha-heartbeat.bash).
# duetd and duetctl come from the build tree ($DUET_BUILDDIR).

DUETD_BIN=${DUETD_BIN:-${DUET_BUILDDIR:-.}/daemon/duetd/duetd}
DUETCTL_BIN=${DUETCTL_BIN:-${DUET_BUILDDIR:-.}/daemon/duetd/duetctl}

ha_duetd_start() {
	local node
	for node in "$@"; do
		node_boot "$node" || return 1
		node_exec "$node" mkdir -p /var/lib/heartbeat /run || return 1
		node_start "$node" "$DUETD_BIN" -f || return 1
	done
	for node in "$@"; do
		wait_until 20 node_exec "$node" "$DUETCTL_BIN" status || return 1
	done
}
ha_duetd_peer_active() { node_exec "$1" "$DUETCTL_BIN" nodes 2>/dev/null | grep -qx "$2: active"; }
ha_duetd_exe() { readlink -f "$DUETD_BIN"; }
ha_duetd_version() { echo "duet $("$DUETD_BIN" --version 2>/dev/null | head -n 1)"; }
