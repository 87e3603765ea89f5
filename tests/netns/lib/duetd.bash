# shellcheck shell=bash source-path=SCRIPTDIR
#
# duetd on netns test-bed nodes. duetd reads Heartbeat's files, so the
# configuration is written with hb_write_config (lib/heartbeat.bash, which
# this file sources); the node then runs duetd instead of heartbeat, or a
# stock heartbeat beside a duetd node (interop).
#
#   hb_write_config nodea --ucast eth0 --serial ser0 --resources "..."
#   dd_start nodea nodeb
#   dd_wait_nodestatus nodea nodeb active 20
#
# duetd logs to the node's /var/log/ha-log (logfile in ha.cf), like
# Heartbeat, so hb_log_path / hb_log_grep work for both. Its state is read
# through its IPC service with tests/netns/tools/dd_probe (a snapshot in
# JSON, parsed with jq).

# shellcheck source=heartbeat.bash
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/heartbeat.bash"

_DD_TOP=$(cd "$BED_LIB_DIR/../../.." && pwd)
DUETD=${DUETD:-${DUET_BUILDDIR:-$_DD_TOP}/daemon/duetd/duetd}
DD_PROBE=${DD_PROBE:-${DUET_BUILDDIR:-$_DD_TOP}/tests/netns/tools/dd_probe}

# dd_have_binaries: duetd and the probe are built
dd_have_binaries() {
	[[ -x $DUETD && -x $DD_PROBE ]]
}

# dd_start NODE...: boot each node if needed and start duetd in it (it
# daemonizes once its media and IPC are up, so a zero exit means it runs).
# Extra options in $DD_ARGS. On failure print its logs.
dd_start() {
	local node nd rc
	(($# > 0)) || { _bed_err "usage: dd_start NODE..."; return 1; }
	for node in "$@"; do
		nd=$(_bed_node_dir "$node") || return 1
		[[ -s $nd/root/etc/ha.d/ha.cf ]] || { _bed_err "dd_start: no ha.cf on '$node' (hb_write_config)"; return 1; }
		hb_prepare "$node" || return 1
	done
	for node in "$@"; do
		nd=$BED_DIR/nodes/$node
		echo "=== $(date '+%F %T') duetd ${DD_ARGS:-}" >>"$nd/console.log"
		rc=0
		# shellcheck disable=SC2086
		node_exec "$node" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			LANG=C.UTF-8 HOME=/root "$DUETD" ${DD_ARGS:-} </dev/null >>"$nd/console.log" 2>&1 \
			3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- || rc=$?
		if ((rc != 0)); then
			_bed_err "duetd on '$node' exited with status $rc; end of its logs:"
			tail -n 20 "$nd/console.log" "$nd/root/var/log/ha-log" >&2 2>/dev/null || true
			return 1
		fi
	done
}

# dd_running NODE: duetd runs on the node (pid file + process)
dd_running() {
	node_is_up "${1:-}" && node_exec "$1" "$DUETD" -s >/dev/null 2>&1
}

_dd_not_running() { ! dd_running "$1"; }

# dd_pid NODE: duetd's pid inside the node
dd_pid() {
	node_exec "${1:-}" cat /run/duetd.pid
}

# dd_stop NODE: graceful stop (duetd -k: hands the groups over, tells the
# peer, exits), waits until it is gone
dd_stop() {
	local node=${1:-}
	node_is_up "$node" || { _bed_err "dd_stop: node '$node' is not running"; return 1; }
	node_exec "$node" timeout 60 "$DUETD" -k </dev/null >/dev/null 2>&1 3>&- || true
	wait_until 5 _dd_not_running "$node" ||
		{ _bed_err "dd_stop: duetd on '$node' did not stop"; return 1; }
}

# dd_snapshot NODE: the IPC snapshot (JSON)
dd_snapshot() {
	node_exec "${1:-}" "$DD_PROBE" status
}

# dd_jq NODE FILTER: run a jq filter (-r) over NODE's snapshot
dd_jq() {
	local s
	s=$(dd_snapshot "${1:-}") || return 1
	jq -r "${2:-.}" <<<"$s"
}

# dd_nodestatus NODE PEER: PEER's status as duetd on NODE sees it
dd_nodestatus() {
	dd_jq "${1:-}" ".nodes[] | select(.name == \"${2:-}\") | .status"
}

_dd_nodestatus_is() {
	local s
	s=$(dd_nodestatus "$1" "$2" 2>&1) || true
	[[ $s == "$3" ]] || { echo "$1 sees $2 as '$s', not '$3'"; return 1; }
}

# dd_wait_nodestatus NODE PEER STATUS [TIMEOUT=20]
dd_wait_nodestatus() {
	wait_until "${4:-20}" _dd_nodestatus_is "${1:-}" "${2:-}" "${3:-}"
}

# dd_linkstatus NODE PEER LINK: up|dead of medium LINK (interface name or
# serial device path) towards PEER as duetd on NODE sees it
dd_linkstatus() {
	dd_jq "${1:-}" ".nodes[] | select(.name == \"${2:-}\") | .links[] | select(.name == \"${3:-}\") | .status"
}

# dd_dropped NODE REASON: the snapshot's dropped.REASON counter
dd_dropped() {
	dd_jq "${1:-}" ".dropped.${2:-}"
}

# dd_group NODE KEY FIELD: owner/state of a resource group
dd_group() {
	dd_jq "${1:-}" ".groups[] | select(.key == \"${2:-}\") | .${3:-owner}"
}

# dd_bats_hooks NAME: the bats hooks every duetd test file shares:
# setup_file builds the file's cluster with its _make_cluster (once, tests
# in order) unless duetd is not built; teardown_file removes the bed;
# setup skips without duetd; teardown keeps a failed test's logs as
# NAME-<test> (setup_file-NAME when the cluster could not be built).
dd_bats_hooks() {
	DD_BATS_NAME=${1:?dd_bats_hooks NAME}
	setup_file() {
		export BATS_NO_PARALLELIZE_WITHIN_FILE=true
		dd_have_binaries || return 0
		if ! _make_cluster; then
			[[ -z ${BED_DIR:-} ]] || bed_save_logs "setup_file-$DD_BATS_NAME"
			return 1
		fi
	}
	teardown_file() {
		[[ -z ${BED_DIR:-} ]] || bed_cleanup
	}
	setup() {
		dd_have_binaries || skip "duetd is not built ($DUETD)"
	}
	teardown() {
		if [[ -z ${BATS_TEST_COMPLETED:-} && -d ${BED_DIR:-/nonexistent} ]]; then
			bed_save_logs "$DD_BATS_NAME-$BATS_TEST_NAME"
		fi
	}
}
