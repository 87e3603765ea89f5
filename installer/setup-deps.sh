#!/bin/sh
# Installs, idempotently, every Debian 12 package that duet's build, its tests
# and its test beds need. Safe to run again: packages already present are
# skipped by apt. Run as root (CI and the development machines are root).
#
#   installer/setup-deps.sh            install everything
#   installer/setup-deps.sh --list     print the package list and exit
#   installer/setup-deps.sh --help
set -eu

# build: autotools, compilers' helpers and the -dev libraries the daemon uses
PKGS_BUILD="autoconf automake libtool pkg-config make gcc libc6-dev
 libglib2.0-dev libqb-dev libnl-3-dev libnl-genl-3-dev libcmocka-dev nettle-dev
 libjson-glib-dev"
# kernel: headers for both kernels Debian 12 carries, and their images to
# boot in the VM bed
PKGS_KERNEL="linux-headers-amd64 linux-headers-6.12-amd64
 linux-image-amd64 linux-image-6.12-amd64 kmod linux-source-6.1"
# tests: bats and its helper libraries
PKGS_TEST="bats bats-support bats-assert bats-file parallel"
# VM bed: QEMU (TCG), initramfs ingredients, stock DRBD userland
PKGS_VM="qemu-system-x86 qemu-utils busybox-static e2fsprogs cpio socat iperf3 xz-utils zstd
 drbd-utils coreutils"
# netns bed: namespaces, stock Heartbeat 3.0.6 as the comparison peer
PKGS_NETNS="iproute2 iputils-ping procps util-linux socat shellcheck heartbeat cluster-glue
 jq python3 bc"
# firewall: the backends duet-firewall drives and its tests load rules into
PKGS_FIREWALL="iptables nftables firewalld libxml2-utils"
# packaging (tier pkg): the deb with debhelper and dh-dkms, lintian, the
# rpm with Debian's rpmbuild and rpmlint, man for "man --warnings",
# strace to watch dpkg and rpm create authkeys
PKGS_PKG="debhelper dh-dkms dkms lintian rpm rpmlint man-db strace"

ALL="$PKGS_BUILD $PKGS_KERNEL $PKGS_TEST $PKGS_VM $PKGS_NETNS $PKGS_FIREWALL $PKGS_PKG"

case "${1:-}" in
--help|-h)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 0 ;;
--list)
	for p in $ALL; do echo "$p"; done
	exit 0 ;;
"") ;;
*)
	echo "setup-deps.sh: unknown option '$1' (try --help)" >&2
	exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
	echo "setup-deps.sh: must run as root to install packages" >&2
	exit 1
fi

missing=""
for p in $ALL; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "setup-deps.sh: all packages present"
	exit 0
fi

echo "setup-deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Packages such as heartbeat ship services; on a build machine they must not
# start. A policy-rc.d that we create is removed again afterwards.
policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	made_policy=yes
fi
cleanup() { [ "$made_policy" = yes ] && rm -f "$policy"; return 0; }
trap cleanup EXIT

# apt-get update once if the lists are empty or older than a day
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
	apt-get update -q
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "setup-deps.sh: done"
