#!/bin/bash
# Command-line front end of duet's two-node QEMU test bed (tests/vm/lib/bed.bash).
#
#   eval "$(tests/vm/vm.sh start)"       build, boot alice and bob; prints
#                                        export DUET_VM_WORKDIR=...
#   tests/vm/vm.sh on alice 'cat /proc/drbd'
#   tests/vm/vm.sh power-off alice       hard power cut (QMP quit)
#   tests/vm/vm.sh boot alice            boot again, disks intact
#   tests/vm/vm.sh stop                  kill both, remove the work dir
#
# Commands (NODE is alice or bob, LINK repl, hb or serial, DISK vda or vdb):
#   start [mkinitrd args]   bed_init + fresh disks + boot both
#   init [mkinitrd args]    work dir, ports, initramfs only (no boot)
#   boot NODE               boot NODE (blank disks if it has none yet)
#   on [-t SECS] NODE CMD...   run CMD in NODE, exit with its status
#   wait NODE COND [SECS]   poll COND in NODE until it succeeds
#   power-off NODE          QMP quit (the guest loses its RAM)
#   kill NODE               SIGKILL the node's QEMU
#   freeze NODE | thaw NODE QMP stop / cont
#   cut LINK [NODE]         link down (both ends without NODE)
#   restore LINK [NODE]     link up again
#   disk-fail NODE DISK [rw|read|write]   I/O errors (EIO) from now on
#   disk-heal NODE DISK     I/O works again
#   qmp NODE JSON           raw QMP command, prints the reply
#   status                  work dir, ports, which nodes run
#   console NODE            print the node's console log
#   logs DIR                copy consoles, QEMU logs, dmesg to DIR
#   stop                    kill both QEMUs, remove the work dir
#
# Every command but start/init needs DUET_VM_WORKDIR (start prints it).
# See tests/vm/README.md for the environment variables.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/bed.bash
. "$here/lib/bed.bash"

usage() { sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; }

[ $# -gt 0 ] || { usage >&2; exit 2; }
cmd=$1
shift
case "$cmd" in
start)
	bed_start_both "$@"
	echo "export DUET_VM_WORKDIR=$DUET_VM_WORKDIR"
	;;
init)
	bed_init "$@"
	echo "export DUET_VM_WORKDIR=$DUET_VM_WORKDIR"
	;;
boot) boot "${1:?vm.sh boot NODE}" ;;
on) on "$@" ;;
wait) wait_until "$@" ;;
power-off|poweroff) power_off "${1:?vm.sh power-off NODE}" ;;
kill) kill_node "${1:?vm.sh kill NODE}" ;;
freeze) freeze "${1:?vm.sh freeze NODE}" ;;
thaw) thaw "${1:?vm.sh thaw NODE}" ;;
cut) cut_link "$@" ;;
restore) restore_link "$@" ;;
disk-fail) disk_fail "$@" ;;
disk-heal) disk_heal "$@" ;;
qmp) qmp "$@" ;;
console) cat "$(console_log "${1:?vm.sh console NODE}")" ;;
logs) bed_collect_logs "${1:?vm.sh logs DIR}" ;;
status)
	_bed_require_workdir
	echo "work dir:  $DUET_VM_WORKDIR"
	echo "kernel:    $BED_KERNEL"
	echo "initramfs: $BED_INITRD"
	echo "ports:     $BED_PORT_BASE..$((BED_PORT_BASE + 4)) (127.0.0.1)"
	for n in $DUET_VM_NODES; do
		if pid=$(node_pid "$n"); then echo "$n: running, pid $pid"; else echo "$n: off"; fi
	done
	;;
stop) bed_stop ;;
-h|--help|help) usage ;;
*) echo "vm.sh: unknown command '$cmd' (try --help)" >&2; exit 2 ;;
esac
