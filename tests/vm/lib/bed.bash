# shellcheck shell=bash
# duet's two-node QEMU test bed: a bash library for bats tests, benchmarks
# and plain scripts (tests/vm/vm.sh is its command-line front end).
#
#   source tests/vm/lib/bed.bash
#   bed_start_both                 # build initramfs, fresh disks, boot both
#   on alice 'cat /proc/drbd'      # run a shell command in a guest
#   power_off alice; boot alice    # hard power cut, boot with disks intact
#   bed_stop                       # kill the guests, remove the work dir
#
# Two nodes: alice (id 1) and bob (id 2). Each has a data disk vda and a
# meta-data disk vdb (raw sparse files), a replication NIC (10.77.0.N/24,
# eth0) and a heartbeat-LAN NIC (10.78.0.N/24, eth1), both QEMU UDP socket
# links on 127.0.0.1, a serial line ttyS1<->ttyS1 (TCP chardev, nodelay),
# the console on ttyS0 (logged to a file), a QMP socket, and the command
# agent on a virtio-serial port. All state lives in the work dir, so every
# function also works from a new shell that has only DUET_VM_WORKDIR set.
#
# Environment (read by bed_init, then saved in $DUET_VM_WORKDIR/bed.env):
#   DUET_VM_WORKDIR     work dir (default: a new mktemp -d /tmp/duet-vm.XXXXXX)
#   DUET_VM_KERNEL      guest kernel release or prefix (default newest 6.1.*)
#   DUET_VM_INITRD      use this initramfs instead of building one
#   DUET_VM_PORT_BASE   first of 5 consecutive 127.0.0.1 ports (default: a
#                       random free block)
#   DUET_VM_MEM         guest RAM in MiB (512)
#   DUET_VM_DATA_MB     data disk size (128), DUET_VM_META_MB meta disk (128)
#   DUET_VM_DISK_QUEUE  virtqueue size of both disks (QEMU's default 256:
#                       254 segments a request, so a 1 MiB O_DIRECT write
#                       from 256 scattered pages is split in two)
#   DUET_VM_APPEND      extra kernel command line
#   DUET_VM_BOOT_TIMEOUT seconds from QEMU start to agent answer (300)
#   DUET_VM_PVH=0       boot the compressed /boot/vmlinuz (default: its
#                       vmlinux through QEMU's PVH entry, seconds faster)
#   DUET_VM_CMD_TIMEOUT default timeout of `on` in seconds (300)
#   DUET_VM_KEEP=1      bed_stop leaves the work dir in place
#   DUET_KO             duet.ko to put in the image (see mkinitrd.sh)

DUET_VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DUET_VM_NODES="alice bob"

# ---- small helpers --------------------------------------------------------

_bed_err() { echo "bed: $*" >&2; }

_bed_require_workdir() {
	if [ -z "${DUET_VM_WORKDIR:-}" ] || [ ! -f "$DUET_VM_WORKDIR/bed.env" ]; then
		_bed_err "no bed: run bed_init (or set DUET_VM_WORKDIR to a bed's work dir)"
		return 1
	fi
	# shellcheck disable=SC1091
	. "$DUET_VM_WORKDIR/bed.env"
}

_bed_node_id() {
	case "$1" in
	alice) echo 1 ;;
	bob) echo 2 ;;
	*) _bed_err "unknown node '$1' (alice or bob)"; return 1 ;;
	esac
}

_bed_peer() {
	case "$1" in
	alice) echo bob ;;
	bob) echo alice ;;
	*) _bed_err "unknown node '$1' (alice or bob)"; return 1 ;;
	esac
}

# node_dir NODE: the node's runtime directory (disks, sockets, logs)
node_dir() {
	if [ -z "${DUET_VM_WORKDIR:-}" ] || [ ! -f "$DUET_VM_WORKDIR/bed.env" ]; then
		_bed_err "no bed: run bed_init (or set DUET_VM_WORKDIR to a bed's work dir)"
		return 1
	fi
	_bed_node_id "$1" >/dev/null || return 1
	echo "$DUET_VM_WORKDIR/$1"
}

# node_ip NODE [repl|hb]: the node's address on a link
node_ip() {
	local id
	id=$(_bed_node_id "$1") || return 1
	case "${2:-repl}" in
	repl) echo "10.77.0.$id" ;;
	hb) echo "10.78.0.$id" ;;
	*) _bed_err "unknown link '${2:-}' (repl or hb)"; return 1 ;;
	esac
}

# node_pid NODE: PID of the node's QEMU (status 1 if it is not running)
node_pid() {
	local d pid
	d=$(node_dir "$1") || return 1
	[ -s "$d/qemu.pid" ] || return 1
	pid=$(cat "$d/qemu.pid")
	[ -n "$pid" ] && _bed_alive "$pid" || return 1
	# the pid file of a dead QEMU may name a reused PID
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$(command -v qemu-system-x86_64)")" ] || return 1
	echo "$pid"
}

# node_running NODE: status 0 while the node's QEMU runs
node_running() { node_pid "$1" >/dev/null 2>&1; }

# console_log NODE: path of the node's console log (all boots, appended)
console_log() {
	local d
	d=$(node_dir "$1") || return 1
	echo "$d/console.log"
}

_bed_free_ports() { # BASE COUNT: status 0 if no socket uses BASE..BASE+COUNT-1
	local used
	used=$(ss -Htuan 2>/dev/null | awk '{ n = split($5, a, ":"); print a[n] }')
	local p
	for ((p = $1; p < $1 + $2; p++)); do
		if grep -qx "$p" <<<"$used"; then return 1; fi
	done
}

# ---- set-up ---------------------------------------------------------------

# bed_init: creates the work dir, picks ports, builds (or reuses) the
# initramfs. Extra arguments go to mkinitrd.sh (e.g. --add FILE:/path).
bed_init() {
	command -v qemu-system-x86_64 >/dev/null || { _bed_err "qemu-system-x86_64 missing (installer/setup-deps.sh)"; return 1; }
	command -v socat >/dev/null || { _bed_err "socat missing (installer/setup-deps.sh)"; return 1; }
	if [ -z "${DUET_VM_WORKDIR:-}" ]; then
		DUET_VM_WORKDIR=$(mktemp -d /tmp/duet-vm.XXXXXX) || return 1
	fi
	mkdir -p "$DUET_VM_WORKDIR" || return 1
	DUET_VM_WORKDIR=$(cd "$DUET_VM_WORKDIR" && pwd)
	export DUET_VM_WORKDIR
	if [ -f "$DUET_VM_WORKDIR/bed.env" ]; then
		_bed_require_workdir
		return
	fi
	# unix sockets: sun_path is 108 bytes
	if [ ${#DUET_VM_WORKDIR} -gt 80 ]; then
		_bed_err "DUET_VM_WORKDIR path too long for unix sockets: $DUET_VM_WORKDIR"
		return 1
	fi
	local kernel image initrd base tries=0
	kernel=$("$DUET_VM_DIR/mkinitrd.sh" --print-kernel ${DUET_VM_KERNEL:+--kernel "$DUET_VM_KERNEL"}) || return 1
	[ -r "/boot/vmlinuz-$kernel" ] || { _bed_err "/boot/vmlinuz-$kernel not readable"; return 1; }
	image=$("$DUET_VM_DIR/mkinitrd.sh" --kernel "$kernel" --kernel-image) || return 1
	if [ -n "${DUET_VM_INITRD:-}" ]; then
		initrd=$DUET_VM_INITRD
	else
		initrd=$("$DUET_VM_DIR/mkinitrd.sh" --kernel "$kernel" "$@") || { _bed_err "mkinitrd.sh failed"; return 1; }
	fi
	[ -s "$initrd" ] || { _bed_err "initramfs $initrd missing"; return 1; }
	if [ -n "${DUET_VM_PORT_BASE:-}" ]; then
		base=$DUET_VM_PORT_BASE
		_bed_free_ports "$base" 5 || { _bed_err "ports $base..$((base + 4)) are in use (DUET_VM_PORT_BASE)"; return 1; }
	else
		while :; do
			base=$((20000 + (RANDOM * 32768 + RANDOM) % 4000 * 10))
			_bed_free_ports "$base" 5 && break
			tries=$((tries + 1))
			[ $tries -lt 50 ] || { _bed_err "found no free port block"; return 1; }
		done
	fi
	mkdir -p "$DUET_VM_WORKDIR/alice" "$DUET_VM_WORKDIR/bob"
	cat > "$DUET_VM_WORKDIR/bed.env" <<-EOF
		BED_KERNEL='$kernel'
		BED_KERNEL_IMAGE='$image'
		BED_INITRD='$initrd'
		BED_PORT_BASE=$base
		BED_MEM=${DUET_VM_MEM:-512}
		BED_DATA_MB=${DUET_VM_DATA_MB:-128}
		BED_META_MB=${DUET_VM_META_MB:-128}
		BED_DISK_QUEUE='${DUET_VM_DISK_QUEUE:-}'
		BED_APPEND='${DUET_VM_APPEND:-}'
		BED_BOOT_TIMEOUT=${DUET_VM_BOOT_TIMEOUT:-300}
	EOF
	_bed_require_workdir
}

# bed_disks_create NODE: new blank sparse disks (data vda, meta vdb)
bed_disks_create() {
	local d
	_bed_require_workdir || return 1
	d=$(node_dir "$1") || return 1
	rm -f "$d/vda.img" "$d/vdb.img"
	truncate -s "${BED_DATA_MB}M" "$d/vda.img" &&
		truncate -s "${BED_META_MB}M" "$d/vdb.img"
}

_bed_qemu_args() { # NODE: prints QEMU's arguments, one per line
	local node=$1 id peer d peerid base ser
	_bed_require_workdir || return 1
	id=$(_bed_node_id "$node") || return 1
	peer=$(_bed_peer "$node") || return 1
	peerid=$(_bed_node_id "$peer") || return 1
	ser=$(_bed_serial_backend "$node") || return 1
	d=$DUET_VM_WORKDIR/$node
	base=$BED_PORT_BASE
	printf '%s\n' \
		-name "duet-$node,process=duet-$node" \
		-accel tcg -machine pc -cpu qemu64 -smp 1 -m "$BED_MEM" \
		-nodefaults -no-user-config -display none -no-reboot \
		-pidfile "$d/qemu.pid" \
		-kernel "$BED_KERNEL_IMAGE" -initrd "$BED_INITRD" \
		-append "console=ttyS0,115200 panic=-1 no_timer_check duet.node=$node duet.id=$id $BED_APPEND" \
		-chardev "file,id=con0,path=$d/console.log,append=on" -serial chardev:con0 \
		-chardev "$ser" -serial chardev:ser1 \
		-chardev "socket,id=qmp,path=$d/qmp.sock,server=on,wait=off" -mon chardev=qmp,mode=control \
		-device virtio-serial-pci,id=vser0,addr=0x8 \
		-chardev "socket,id=agent,path=$d/agent.sock,server=on,wait=off" \
		-device virtserialport,bus=vser0.0,chardev=agent,name=org.duet.agent \
		-netdev "socket,id=repl,udp=127.0.0.1:$((base + peerid - 1)),localaddr=127.0.0.1:$((base + id - 1))" \
		-device "virtio-net-pci,netdev=repl,id=repl-nic,mac=52:54:00:77:00:0$id,addr=0x4" \
		-netdev "socket,id=hb,udp=127.0.0.1:$((base + 2 + peerid - 1)),localaddr=127.0.0.1:$((base + 2 + id - 1))" \
		-device "virtio-net-pci,netdev=hb,id=hb-nic,mac=52:54:00:78:00:0$id,addr=0x5"
	local disk addr serial
	for disk in vda vdb; do
		if [ $disk = vda ]; then addr=0x6 serial=duet-data; else addr=0x7 serial=duet-meta; fi
		printf '%s\n' \
			-blockdev "driver=file,node-name=$disk-file,filename=$d/$disk.img" \
			-blockdev "driver=raw,node-name=$disk,file=$disk-file" \
			-device "virtio-blk-pci,drive=$disk,id=$disk-dev,serial=$serial,addr=$addr,werror=report,rerror=report${BED_DISK_QUEUE:+,queue-size=$BED_DISK_QUEUE}"
	done
	printf '%s\n' -device virtio-rng-pci,addr=0x9
}

# the serial line: alice listens, bob connects (and reconnects every second)
_bed_serial_backend() { # NODE [qmp]: chardev options, or the QMP backend JSON
	_bed_require_workdir || return 1
	local port=$((BED_PORT_BASE + 4))
	if [ "${2:-}" = qmp ]; then
		if [ "$1" = alice ]; then
			printf '{"type":"socket","data":{"addr":{"type":"inet","data":{"host":"127.0.0.1","port":"%s"}},"server":true,"wait":false,"nodelay":true}}' "$port"
		else
			printf '{"type":"socket","data":{"addr":{"type":"inet","data":{"host":"127.0.0.1","port":"%s"}},"server":false,"reconnect":1,"nodelay":true}}' "$port"
		fi
		return
	fi
	if [ "$1" = alice ]; then
		echo "socket,id=ser1,host=127.0.0.1,port=$port,server=on,wait=off,nodelay=on"
	else
		echo "socket,id=ser1,host=127.0.0.1,port=$port,reconnect=1,nodelay=on"
	fi
}

# boot NODE: starts the node's QEMU with its existing disks (blank disks if
# there are none yet) and waits until the agent answers.
boot() {
	boot_start "$1" && boot_wait "$1"
}

# boot_start NODE: starts QEMU, does not wait for the guest
boot_start() {
	local node=$1 d args=()
	_bed_require_workdir || return 1
	d=$(node_dir "$node") || return 1
	if node_running "$node"; then
		_bed_err "$node is already running (pid $(node_pid "$node"))"
		return 1
	fi
	[ -f "$d/vda.img" ] && [ -f "$d/vdb.img" ] || bed_disks_create "$node" || return 1
	rm -f "$d/qmp.sock" "$d/agent.sock" "$d/qemu.pid" "$d/serial-cut" "$d/frozen"
	_bed_qemu_args "$node" > "$d/qemu.args" || { _bed_err "cannot build QEMU arguments for $node"; return 1; }
	mapfile -t args < "$d/qemu.args"
	local n
	n=$(( $(cat "$d/boots" 2>/dev/null || echo 0) + 1 ))
	echo "$n" > "$d/boots"
	printf '\n===== duet bed: boot %s of %s at %s =====\n' "$n" "$node" "$(date -u +%FT%T.%3NZ)" >> "$d/console.log"
	printf '%q ' qemu-system-x86_64 "${args[@]}" > "$d/qemu.cmdline"
	echo >> "$d/qemu.cmdline"
	echo "=== boot $n $(date -u +%FT%TZ)" >> "$d/qemu.log"
	# no fd of the caller (bats' fd 3 included) may stay open in QEMU,
	# or bats would wait for it
	(
		for f in /proc/self/fd/*; do
			f=${f##*/}
			if [ "$f" -gt 2 ] 2>/dev/null; then eval "exec $f>&-"; fi
		done
		exec qemu-system-x86_64 "${args[@]}"
	) </dev/null >>"$d/qemu.log" 2>&1 &
	local starter=$! i
	# no job table entry: bash would report "Killed" when bed_stop kills it
	disown "$starter" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		[ -S "$d/qmp.sock" ] && [ -S "$d/agent.sock" ] && [ -s "$d/qemu.pid" ] && break
		if ! kill -0 "$starter" 2>/dev/null; then
			_bed_err "QEMU for $node exited at start:"
			tail -n 20 "$d/qemu.log" >&2
			return 1
		fi
		sleep 0.1
	done
	node_running "$node" || { _bed_err "QEMU for $node did not come up"; tail -n 20 "$d/qemu.log" >&2; return 1; }
	date +%s > "$d/boot-started"
}

# boot_wait NODE [TIMEOUT]: waits until the node's agent answers
boot_wait() {
	_bed_require_workdir || return 1
	local node=$1 tmo=${2:-$BED_BOOT_TIMEOUT} d out
	d=$(node_dir "$node") || return 1
	if out=$(_BED_MARGIN=1 _bed_agent "$node" "$tmo" - 'cat /run/duet/ready 2>/dev/null; uname -r' 2>&1); then
		return 0
	fi
	if node_running "$node"; then
		_bed_err "$node did not answer within ${tmo}s of boot: $out"
	else
		_bed_err "$node: QEMU exited during boot (kernel panic? see the console): $out"
	fi
	_bed_err "last console lines of $node:"
	tail -n 30 "$d/console.log" | sed "s/^/  [$node] /" >&2
	return 1
}

# bed_start NODE... [-- mkinitrd args]: bed_init, fresh disks for the
# nodes, boot them in parallel. A DUET_VM_WORKDIR that is set is set up
# afresh; status 3 (and nothing touched) if guests of it still run.
bed_start() {
	local nodes=() n
	while [ $# -gt 0 ] && [ "$1" != -- ]; do nodes+=("$1"); shift; done
	[ "${1:-}" != -- ] || shift
	if [ -n "${DUET_VM_WORKDIR:-}" ] && [ -f "$DUET_VM_WORKDIR/bed.env" ]; then
		for n in $DUET_VM_NODES; do
			if node_running "$n"; then
				_bed_err "DUET_VM_WORKDIR=$DUET_VM_WORKDIR is in use ($n runs): bed_stop it or use another work dir"
				return 3
			fi
		done
		rm -f "$DUET_VM_WORKDIR/bed.env"
	fi
	bed_init "$@" || return 1
	for n in "${nodes[@]}"; do
		bed_disks_create "$n" || return 1
	done
	for n in "${nodes[@]}"; do
		boot_start "$n" || return 1
	done
	for n in "${nodes[@]}"; do
		boot_wait "$n" || return 1
	done
}

# bed_start_both [mkinitrd args]: bed_start alice bob
bed_start_both() { bed_start alice bob -- "$@"; }

# ---- the command channel --------------------------------------------------

# _bed_agent NODE TIMEOUT STDIN-B64|- SCRIPT: runs SCRIPT in the guest;
# guest stdout/stderr to ours, returns the guest's exit status; 255 when the
# channel failed (guest down, timeout)
_bed_agent() {
	local node=$1 tmo=$2 in=$3 script=$4 d sock seq line state=none rc=255 outfile errfile
	d=$(node_dir "$node") || return 255
	sock=$d/agent.sock
	if [ ! -S "$sock" ] || ! node_running "$node"; then
		_bed_err "$node is not running"
		return 255
	fi
	seq=$$-$RANDOM$RANDOM
	outfile=$(mktemp "$d/.out.XXXXXX") errfile=$(mktemp "$d/.err.XXXXXX")
	# the guest kills the command after tmo s; we give up a bit later
	local end=$((SECONDS + tmo + ${_BED_MARGIN:-15})) left
	# one connection per command; the coprocess is killed when we are done
	local -a ag
	# -t 1: end soon after QEMU closes the socket (it died)
	coproc _BED_AG { exec socat -t 1 - "UNIX-CONNECT:$sock" 2>/dev/null 3>&-; }
	local agpid=$_BED_AG_PID
	ag=("${_BED_AG[@]}")
	printf 'DUETREQ %s %s\n%s\n%s\n' "$seq" "$tmo" "$(printf '%s' "$script" | base64 -w0)" "$in" >&"${ag[1]}"
	local st part=
	while :; do
		left=$((end - SECONDS))
		[ $left -gt 0 ] || { _bed_err "$node: no answer within ${tmo}s: $script"; break; }
		[ $left -le 5 ] || left=5
		st=0
		IFS= read -r -t "$left" -u "${ag[0]}" line || st=$?
		if [ $st -gt 128 ]; then
			# read timed out (keeping what it got of a line): go on
			# waiting while QEMU lives
			part+=$line
			if ! node_running "$node"; then
				_bed_err "$node: QEMU exited while running: $script"
				break
			fi
			continue
		elif [ $st -ne 0 ]; then
			if node_running "$node"; then
				_bed_err "$node: command channel closed: $script"
			else
				_bed_err "$node: QEMU exited (powered off, crashed, panicked?) while running: $script"
			fi
			break
		fi
		line=$part$line part=
		case "$line" in
		"DUETREP $seq OUT") state=out ;;
		"DUETREP $seq ERR") state=err ;;
		"DUETREP $seq END "*) rc=${line##* }; state=finished; break ;;
		DUETREP*) state=none ;;  # a reply to an abandoned request
		*)
			case $state in
			out) printf '%s\n' "$line" >> "$outfile" ;;
			err) printf '%s\n' "$line" >> "$errfile" ;;
			esac
			;;
		esac
	done
	kill "$agpid" 2>/dev/null || true
	wait "$agpid" 2>/dev/null || true
	if [ $state = finished ]; then
		base64 -d < "$outfile"
		base64 -d < "$errfile" >&2
	fi
	rm -f "$outfile" "$errfile"
	return "$rc"
}

# on [-t SECS] NODE CMD...: runs CMD (joined by spaces, a busybox ash
# script) in the guest as root; prints its stdout and stderr, returns its
# exit status (255 if the guest could not be reached or the command timed
# out; 137 if the guest-side timeout killed it)
on() {
	local tmo=${DUET_VM_CMD_TIMEOUT:-300}
	if [ "${1:-}" = -t ]; then tmo=$2; shift 2; fi
	local node=$1
	shift
	_bed_agent "$node" "$tmo" - "$*"
}

# on_stdin [-t SECS] NODE CMD...: as on, with our stdin as the command's
# stdin (e.g. on_stdin alice 'cat > /etc/drbd.conf' < drbd.conf)
on_stdin() {
	local tmo=${DUET_VM_CMD_TIMEOUT:-300}
	if [ "${1:-}" = -t ]; then tmo=$2; shift 2; fi
	local node=$1 in
	shift
	in=$(base64 -w0)
	[ -n "$in" ] || in=-
	_bed_agent "$node" "$tmo" "$in" "$*"
}

# put NODE HOSTFILE GUESTPATH: copies a (small) file into the guest
put() {
	on_stdin "$1" "mkdir -p \"\$(dirname '$3')\" && cat > '$3'" < "$2"
}

# wait_until NODE COND [TIMEOUT=60]: polls the shell condition COND in the
# guest (5 times a second, in the guest) until it succeeds; on timeout
# prints COND's last output and returns 1
wait_until() {
	local node=$1 cond=$2 tmo=${3:-60} rc=0
	on -t "$((tmo + 30))" "$node" "end=\$((\$(cut -d. -f1 /proc/uptime) + $tmo))
while :; do
	if out=\$( { $cond
} 2>&1 ); then exit 0; fi
	[ \$(cut -d. -f1 /proc/uptime) -lt \$end ] || break
	sleep 0.2
done
[ -z \"\$out\" ] || printf 'last output: %s\\n' \"\$out\"
exit 1" || rc=$?
	[ $rc -eq 0 ] || _bed_err "wait_until $node: '$cond' still not true after ${tmo}s (status $rc)"
	return $rc
}

# ---- QMP --------------------------------------------------------------------

# qmp NODE JSON: sends one QMP command, prints the reply line; status 1 on
# an error reply
qmp() {
	local node=$1 cmd=$2 d line rc=1
	d=$(node_dir "$node") || return 1
	[ -S "$d/qmp.sock" ] || { _bed_err "$node: no QMP socket (not running?)"; return 1; }
	local -a q
	coproc _BED_QMP { exec socat -t 30 - "UNIX-CONNECT:$d/qmp.sock" 2>/dev/null 3>&-; }
	local qpid=$_BED_QMP_PID
	q=("${_BED_QMP[@]}")
	printf '%s\n%s\n' '{"execute":"qmp_capabilities"}' "$cmd" >&"${q[1]}"
	local n=0
	while IFS= read -r -t 30 -u "${q[0]}" line; do
		case "$line" in
		*'"QMP"'*|*'"event"'*) continue ;;
		*'"return"'*)
			n=$((n + 1))
			if [ $n -eq 2 ]; then echo "$line"; rc=0; break; fi ;;
		*'"error"'*)
			n=$((n + 1))
			if [ $n -eq 2 ]; then echo "$line"; _bed_err "$node: QMP $cmd: $line"; break; fi ;;
		esac
	done
	kill "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
	[ $n -ge 2 ] || _bed_err "$node: no QMP reply to $cmd"
	return $rc
}

# ---- fault hooks ----------------------------------------------------------

# _bed_alive PID: the process exists and is not a zombie
_bed_alive() {
	local st
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

# _bed_wait_gone NODE PID SECS: waits for a QEMU process to end
_bed_wait_gone() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		_bed_alive "$2" || return 0
		sleep 0.1
	done
	return 1
}

# power_off NODE: hard power cut (QMP quit: the guest loses its RAM, what
# QEMU already wrote to the disk files stays); SIGKILL if QEMU hangs
power_off() {
	local node=$1 pid d
	d=$(node_dir "$node") || return 1
	pid=$(node_pid "$node") || { _bed_err "$node is not running"; return 1; }
	qmp "$node" '{"execute":"quit"}' >/dev/null 2>&1 || true
	if ! _bed_wait_gone "$node" "$pid" 10; then
		kill -KILL "$pid" 2>/dev/null
		_bed_wait_gone "$node" "$pid" 10 || { _bed_err "QEMU $pid of $node does not die"; return 1; }
	fi
	rm -f "$d/qmp.sock" "$d/agent.sock" "$d/qemu.pid"
	echo "===== duet bed: power off of $node at $(date -u +%FT%T.%3NZ) =====" >> "$d/console.log"
}

# kill_node NODE: SIGKILL of the node's QEMU (harder than power_off: QEMU
# gets no chance to finish anything)
kill_node() {
	local node=$1 pid d
	d=$(node_dir "$node") || return 1
	pid=$(node_pid "$node") || { _bed_err "$node is not running"; return 1; }
	kill -KILL "$pid"
	_bed_wait_gone "$node" "$pid" 10 || { _bed_err "QEMU $pid of $node does not die"; return 1; }
	rm -f "$d/qmp.sock" "$d/agent.sock" "$d/qemu.pid"
	echo "===== duet bed: SIGKILL of $node at $(date -u +%FT%T.%3NZ) =====" >> "$d/console.log"
}

# freeze NODE / thaw NODE: stop / continue the node's vCPU (QMP stop/cont);
# a frozen node answers nothing, its timers stand still
freeze() {
	qmp "$1" '{"execute":"stop"}' >/dev/null || return 1
	touch "$(node_dir "$1")/frozen"
}
thaw() {
	qmp "$1" '{"execute":"cont"}' >/dev/null || return 1
	rm -f "$(node_dir "$1")/frozen"
}

# cut_link LINK [NODE] / restore_link LINK [NODE]:
#   LINK repl or hb: the NIC's link goes down (QMP set_link): NODE's guest
#     sees NO-CARRIER, frames neither leave nor arrive. Without NODE on both
#     nodes (a pulled cable).
#   LINK serial: NODE's end of the serial line is switched to a null
#     backend (QMP chardev-change); restore plugs the socket back in.
cut_link() { _bed_link "$1" off "${2:-}"; }
restore_link() { _bed_link "$1" on "${2:-}"; }

_bed_link() {
	local link=$1 state=$2 targets=${3:-$DUET_VM_NODES} n d
	for n in $targets; do
		d=$(node_dir "$n") || return 1
		case "$link" in
		repl|hb)
			qmp "$n" "{\"execute\":\"set_link\",\"arguments\":{\"name\":\"$link-nic\",\"up\":$([ "$state" = on ] && echo true || echo false)}}" >/dev/null || return 1
			;;
		serial)
			if [ "$state" = off ]; then
				qmp "$n" '{"execute":"chardev-change","arguments":{"id":"ser1","backend":{"type":"null","data":{}}}}' >/dev/null || return 1
				touch "$d/serial-cut"
			else
				_bed_require_workdir || return 1
				qmp "$n" "{\"execute\":\"chardev-change\",\"arguments\":{\"id\":\"ser1\",\"backend\":$(_bed_serial_backend "$n" qmp)}}" >/dev/null || return 1
				rm -f "$d/serial-cut"
			fi
			;;
		*) _bed_err "unknown link '$link' (repl, hb or serial)"; return 1 ;;
		esac
	done
}

# disk_fail NODE DISK [rw|read|write]: from now on DISK (vda = data, vdb =
# meta) of NODE fails reads and/or writes (incl. discard, write-zeroes)
# with EIO; default rw. A blkdebug node is put between the disk and its
# file (blockdev-add + blockdev-reopen). Flushes are not failed: the
# reopen of disk_heal flushes, and would fail then.
# disk_heal NODE DISK: I/O works again
disk_fail() {
	local node=$1 disk=$2 mode=${3:-rw} types
	disk=$(_bed_disk "$disk") || return 1
	case "$mode" in
	rw) types='"read","write","write-zeroes","discard"' ;;
	read) types='"read"' ;;
	write) types='"write","write-zeroes","discard"' ;;
	*) _bed_err "disk_fail: mode '$mode' (rw, read or write)"; return 1 ;;
	esac
	local rules="" t
	for t in ${types//,/ }; do
		rules="$rules${rules:+,}{\"event\":\"none\",\"iotype\":$t,\"errno\":5,\"immediately\":false}"
	done
	node_dir "$node" >/dev/null || return 1
	qmp "$node" '{"execute":"blockdev-del","arguments":{"node-name":"'"$disk"'-err"}}' >/dev/null 2>&1 || true
	qmp "$node" "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"blkdebug\",\"node-name\":\"$disk-err\",\"image\":\"$disk-file\",\"inject-error\":[$rules]}}" >/dev/null || return 1
	qmp "$node" "{\"execute\":\"blockdev-reopen\",\"arguments\":{\"options\":[{\"driver\":\"raw\",\"node-name\":\"$disk\",\"file\":\"$disk-err\"}]}}" >/dev/null || return 1
}

disk_heal() {
	local node=$1 disk=$2
	disk=$(_bed_disk "$disk") || return 1
	qmp "$node" "{\"execute\":\"blockdev-reopen\",\"arguments\":{\"options\":[{\"driver\":\"raw\",\"node-name\":\"$disk\",\"file\":\"$disk-file\"}]}}" >/dev/null || return 1
	qmp "$node" "{\"execute\":\"blockdev-del\",\"arguments\":{\"node-name\":\"$disk-err\"}}" >/dev/null
}

_bed_disk() {
	case "$1" in
	vda|data) echo vda ;;
	vdb|meta) echo vdb ;;
	*) _bed_err "unknown disk '$1' (vda/data or vdb/meta)"; return 1 ;;
	esac
}

# ---- logs and teardown ----------------------------------------------------

# bed_collect_logs DIR: copies console and QEMU logs of both nodes to DIR
# and, from nodes that still answer, dmesg and /proc/drbd (and /proc/duet)
bed_collect_logs() {
	local dir=$1 n d
	_bed_require_workdir 2>/dev/null || return 0
	mkdir -p "$dir" || return 1
	for n in $DUET_VM_NODES; do
		d=$DUET_VM_WORKDIR/$n
		[ -d "$d" ] || continue
		[ -f "$d/console.log" ] && cp "$d/console.log" "$dir/$n-console.log"
		[ -f "$d/qemu.log" ] && cp "$d/qemu.log" "$dir/$n-qemu.log"
		[ -f "$d/qemu.cmdline" ] && cp "$d/qemu.cmdline" "$dir/$n-qemu.cmdline"
		if node_running "$n" && [ ! -f "$d/frozen" ]; then
			_BED_MARGIN=5 on -t 15 "$n" 'dmesg' > "$dir/$n-dmesg.txt" 2>&1 || true
			# shellcheck disable=SC2016 # expanded in the guest
			_BED_MARGIN=5 on -t 15 "$n" 'for f in /proc/drbd /proc/duet; do [ -e $f ] && { echo "== $f"; cat $f; }; done; echo "== ip addr"; ip addr; echo "== ps"; ps' \
				> "$dir/$n-state.txt" 2>&1 || true
		fi
	done
}

# bed_stop: kills both QEMUs (by PID) and removes the work dir (unless
# DUET_VM_KEEP=1)
bed_stop() {
	[ -n "${DUET_VM_WORKDIR:-}" ] && [ -d "$DUET_VM_WORKDIR" ] || return 0
	local n pid d
	for n in $DUET_VM_NODES; do
		d=$DUET_VM_WORKDIR/$n
		[ -s "$d/qemu.pid" ] || continue
		pid=$(cat "$d/qemu.pid")
		if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$(command -v qemu-system-x86_64)")" ]; then
			kill -KILL "$pid" 2>/dev/null
			_bed_wait_gone "$n" "$pid" 10 || _bed_err "QEMU $pid of $n survived SIGKILL"
		fi
		rm -f "$d/qemu.pid"
	done
	if [ "${DUET_VM_KEEP:-0}" = 1 ]; then
		echo "bed: kept $DUET_VM_WORKDIR" >&2
	else
		rm -rf "$DUET_VM_WORKDIR"
	fi
}

# ensure_up NODE: boots NODE if it is not running (for tests that need a
# running node whatever an earlier test did)
ensure_up() {
	if node_running "$1"; then
		[ ! -f "$(node_dir "$1")/frozen" ] || thaw "$1"
		return
	fi
	boot "$1"
}

# ---- bats integration ---------------------------------------------------------
#
#   load lib/bed                         # at the top of a .bats file
#   setup_file()    { bed_setup_file; }  # starts both guests
#   teardown_file() { bed_teardown_file; }
#   setup()         { bed_setup; }       # bats-support/-assert; "--steps":
#                                        # skip once an earlier test failed
#   teardown()      { bed_teardown; }    # keeps and prints logs on failure
#
# Logs of a failed test go to $DUET_TEST_LOGDIR/<file>/<NN-test-name>/
# (default tests/vm/logs/): console logs of both nodes (all boots), QEMU
# logs and command lines, and from nodes that still answer dmesg and the
# state of /proc/drbd, /proc/duet, ip addr, ps.

bed_logdir() { # [NAME]: the log directory of the current test (or NAME)
	local base=${DUET_TEST_LOGDIR:-$DUET_VM_DIR/logs} file name
	file=$(basename "${BATS_TEST_FILENAME:-bed}" .bats)
	name=${1:-$(printf '%02d-%s' "${BATS_TEST_NUMBER:-0}" "${BATS_TEST_DESCRIPTION:-test}")}
	name=$(printf '%s' "$name" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-80)
	echo "$base/$file/$name"
}

# bed_dump_failure NAME: collects the logs into bed_logdir NAME and prints
# where they are plus the last lines of each console and dmesg
bed_dump_failure() {
	local dir n f
	dir=$(bed_logdir "${1:-}")
	rm -rf "$dir"
	bed_collect_logs "$dir" || true
	echo "---- bed: logs of this failure are in $dir"
	for n in $DUET_VM_NODES; do
		for f in "$dir/$n-dmesg.txt" "$dir/$n-console.log"; do
			[ -s "$f" ] || continue
			echo "---- last lines of $(basename "$f"):"
			tail -n 25 "$f" | sed 's/^/  /'
			break
		done
		if [ -s "$dir/$n-state.txt" ]; then
			echo "---- $n state:"
			sed -n '1,12p' "$dir/$n-state.txt" | sed 's/^/  /'
		fi
	done
}

bed_setup_file() { # [NODE... --] [mkinitrd args]: default both nodes
	case " $* " in
	*" -- "*) ;;
	*) set -- alice bob -- "$@" ;;
	esac
	local rc=0
	bed_start "$@" || rc=$?
	if [ $rc -eq 3 ]; then
		# someone else's running bed: teardown_file must not touch it
		unset DUET_VM_WORKDIR
		return 1
	elif [ $rc -ne 0 ]; then
		bed_dump_failure setup_file
		return 1
	fi
}

bed_teardown_file() {
	if [ -z "${BATS_SETUP_FILE_COMPLETED:-}" ] && [ -n "${DUET_VM_WORKDIR:-}" ] &&
		[ ! -d "$(bed_logdir setup_file)" ]; then
		bed_dump_failure setup_file
	fi
	bed_stop
}

bed_setup() { # [--steps]
	bats_load_library bats-support
	bats_load_library bats-assert
	if [ "${1:-}" = --steps ] && [ -n "${DUET_VM_WORKDIR:-}" ] && [ -f "$DUET_VM_WORKDIR/step-failed" ]; then
		skip "an earlier step failed: $(cat "$DUET_VM_WORKDIR/step-failed")"
	fi
}

bed_teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		[ -z "${DUET_VM_WORKDIR:-}" ] || [ ! -d "$DUET_VM_WORKDIR" ] ||
			echo "${BATS_TEST_DESCRIPTION:-test $BATS_TEST_NUMBER}" > "$DUET_VM_WORKDIR/step-failed"
		bed_dump_failure
	fi
	return 0
}

# duet_missing [duetadm]: why a test of duet.ko cannot run here, empty when
# it can. DUET_KO must name a built duet.ko (tests/run-tier vm builds it);
# with "duetadm", daemon/duetadm must be built in $DUET_BUILDDIR (default:
# the source tree). Test files skip with this text.
duet_missing() {
	local build
	build=${DUET_BUILDDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
	if [ -z "${DUET_KO:-}" ]; then
		echo "DUET_KO is not set (tests/run-tier vm builds duet.ko and sets it)"
	elif [ ! -f "$DUET_KO" ]; then
		echo "DUET_KO=$DUET_KO does not exist (duet.ko not built yet)"
	elif [ "${1:-}" = duetadm ] && [ ! -x "$build/daemon/duetadm" ]; then
		echo "$build/daemon/duetadm is not built (make)"
	fi
}
