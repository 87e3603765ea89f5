#!/bin/bash
#
# PID 1 of a duet netns test node (started by node_boot in lib/netns.bash):
#
#   nsenter --net=NETNS unshare --pid --mount --uts --ipc --fork --kill-child \
#       --propagation private bash node-init.bash NODEDIR
#
# It records its host PID, sets the host name, gives the node its own /proc,
# /sys (for its network namespace), tmpfs /run (so /var/run, /var/lock) and
# /dev/shm, bind-mounts NODEDIR/root/PATH on PATH for every PATH listed in
# NODEDIR/binds, writes NODEDIR/ready, and then only reaps orphans. All mounts
# live in the node's private mount namespace and vanish with it; a SIGKILL
# to this process (from the host) kills every process of the node.
set -eu

nd=${1:?usage: node-init.bash NODEDIR}

# Before /proc is replaced it is still the host's procfs, so /proc/self/stat
# of this shell (read by a builtin, no fork) shows our host PID and start
# time: pid is field 1, starttime field 22.
read -r -a st </proc/self/stat
echo "${st[0]} ${st[21]}" >"$nd/init.pid.tmp"
mv "$nd/init.pid.tmp" "$nd/init.pid"

hostname "$(cat "$nd/hostname")"

# The mount table was copied from the host: drop the copies of the host's
# /run/netns bind mounts (they would keep other namespaces alive).
umount -R -l /run/netns 2>/dev/null || true

mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -m 1777 /run/lock
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm

while read -r path; do
	[ -n "$path" ] || continue
	mkdir -p "$path"
	mount --bind "$nd/root$path" "$path"
done <"$nd/binds"

touch "$nd/ready"
echo "node $(hostname) up: host pid ${st[0]}"

# PID 1 gets no default signal actions; only SIGKILL from the host ends it.
# bash reaps every child, including orphans re-parented to us.
trap '' HUP INT QUIT TERM USR1 USR2 PIPE
while :; do
	sleep 86400 &
	wait $! || true
done
