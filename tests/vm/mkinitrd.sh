#!/bin/bash
# Builds (or reuses from the cache) the initramfs of duet's QEMU test guests
# and prints its path on stdout.
#
#   tests/vm/mkinitrd.sh [options]
#
# Options:
#   --kernel VER         guest kernel release (default: $DUET_VM_KERNEL, else
#                        the newest /boot/vmlinuz-6.1.*); a prefix such as
#                        6.12 picks the newest matching image
#   --add HOST[:GUEST]   copy a host file or directory into the image (GUEST
#                        defaults to HOST); ELF files get their shared libs;
#                        repeatable
#   --overlay DIR        copy DIR's tree onto the image root; repeatable
#   --module NAME        put kernel module NAME (and its deps) in the image
#   --out FILE           also copy the result to FILE
#   --no-cache           build even if a cached image matches
#   --print-kernel       print the resolved kernel release and exit
#   --kernel-image       print the image QEMU should boot and exit: the
#                        kernel's uncompressed vmlinux (cached), which QEMU
#                        starts through its PVH entry point without the slow
#                        in-guest decompression, or /boot/vmlinuz-VER when
#                        that is not possible or DUET_VM_PVH=0
#   -h, --help
#
# Environment:
#   DUET_VM_KERNEL       as --kernel
#   DUET_KO              path to duet.ko: installed as
#                        /lib/modules/KVER/extra/duet.ko (depmod'd, not loaded)
#   DUET_VM_CACHE        cache directory (default ~/.cache/duet-vm)
#
# The image holds busybox (standalone shell, applet links), e2fsprogs, GNU dd
# and date as gdd/gdate, bash, drbd-utils with the 8.4 back-ends in
# /lib/drbd, the guest boot files from tests/vm/guest/, and the kernel modules
# of the bed resolved recursively from modules.dep and modules.softdep.
# The cache key covers this script, the guest files, the kernel release and
# the identity (size, mtime, path) of every host file copied in.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=mkinitrd.sh

die() { echo "$prog: $*" >&2; exit 1; }

# Modules the guests need. Loaded at boot, in this order (crc32c_generic
# before libcrc32c: that dependency is only a soft one).
BOOT_MODULES="crc32c_generic libcrc32c virtio_pci virtio_blk virtio_net
 virtio_console virtio_rng jbd2 ext4 loop"
# In the image, loaded on demand by the tests.
EXTRA_MODULES="drbd"

# resolve_kernel [VER-or-prefix]: prints a release with a vmlinuz in /boot
resolve_kernel() {
	local want=${1:-} k
	if [ -z "$want" ]; then
		want=6.1.
	fi
	if [ -f "/boot/vmlinuz-$want" ]; then
		echo "$want"
		return
	fi
	k=$(find /boot -maxdepth 1 -name "vmlinuz-$want*" -printf '%f\n' 2>/dev/null |
		sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	[ -n "$k" ] || die "no guest kernel /boot/vmlinuz-$want* (install linux-image-amd64 or linux-image-6.12-amd64)"
	echo "$k"
}

kernel=${DUET_VM_KERNEL:-}
adds=()
overlays=()
modules=()
out=
use_cache=yes
print_kernel=no
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?--kernel needs a value}; shift 2 ;;
	--add) adds+=("${2:?--add needs HOST[:GUEST]}"); shift 2 ;;
	--overlay) overlays+=("${2:?--overlay needs a directory}"); shift 2 ;;
	--module) modules+=("${2:?--module needs a name}"); shift 2 ;;
	--out) out=${2:?--out needs a file}; shift 2 ;;
	--no-cache) use_cache=no; shift ;;
	--print-kernel) print_kernel=yes; shift ;;
	--kernel-image) print_kernel=image; shift ;;
	-h|--help) sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (try --help)" ;;
	esac
done

# elf_complete FILE: an ELF file whose section headers end at its end (a
# vmlinux decompressed from a bzImage, not cut short)
elf_complete() {
	local shoff shentsize shnum size
	[ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ] || return 1
	shoff=$(od -An -t u8 -j 40 -N 8 "$1" | tr -d ' ')
	shentsize=$(od -An -t u2 -j 58 -N 2 "$1" | tr -d ' ')
	shnum=$(od -An -t u2 -j 60 -N 2 "$1" | tr -d ' ')
	size=$(stat -c %s "$1")
	[ $((shoff + shentsize * shnum)) -le "$size" ] && [ "$shoff" -gt 0 ]
}

# kernel_image KVER: prints the image to boot (see --kernel-image)
kernel_image() {
	local kver=$1 z=/boot/vmlinuz-$1 cache out magic off tool
	cache=${DUET_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/duet-vm}
	if [ "${DUET_VM_PVH:-1}" = 0 ] || ! grep -qx 'CONFIG_PVH=y' "/boot/config-$kver" 2>/dev/null; then
		echo "$z"
		return
	fi
	out=$cache/vmlinux-$kver-$(stat -L -c '%s-%Y' "$z")
	if [ -s "$out" ]; then
		echo "$out"
		return
	fi
	mkdir -p "$cache"
	for magic in xz zstd gzip; do
		case $magic in
		xz) off=$(LC_ALL=C grep -abo $'\xfd7zXZ\x00' "$z" | head -n 1 | cut -d: -f1 || true); tool="xz -dcq" ;;
		zstd) off=$(LC_ALL=C grep -abo $'\x28\xb5\x2f\xfd' "$z" | head -n 1 | cut -d: -f1 || true); tool="zstd -dcq" ;;
		gzip) off=$(LC_ALL=C grep -abo $'\x1f\x8b\x08' "$z" | head -n 1 | cut -d: -f1 || true); tool="gzip -dcq" ;;
		esac
		[ -n "$off" ] || continue
		command -v "${tool%% *}" >/dev/null || continue
		# the compressed kernel is followed by other data: the decompressor
		# complains about it, the check below decides
		tail -c +$((off + 1)) "$z" | $tool > "$out.tmp.$$" 2>/dev/null || true
		if elf_complete "$out.tmp.$$"; then
			mv "$out.tmp.$$" "$out"
			find "$cache" -maxdepth 1 -name "vmlinux-$kver-*" ! -name "${out##*/}" -delete
			echo "$out"
			return
		fi
		rm -f "$out.tmp.$$"
	done
	echo "$prog: note: cannot extract vmlinux from $z, booting the bzImage" >&2
	echo "$z"
}

kver=$(resolve_kernel "$kernel")
if [ "$print_kernel" = yes ]; then
	echo "$kver"
	exit 0
elif [ "$print_kernel" = image ]; then
	kernel_image "$kver"
	exit 0
fi
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || die "no $moddir/modules.dep (kernel $kver not installed?)"

for t in busybox cpio gzip depmod ldd ldconfig; do
	command -v "$t" >/dev/null || die "'$t' not found (run installer/setup-deps.sh)"
done

duet_ko=${DUET_KO:-}
if [ -n "$duet_ko" ]; then
	[ -f "$duet_ko" ] || die "DUET_KO=$duet_ko: no such file"
	vermagic=$(modinfo -F vermagic "$duet_ko" 2>/dev/null | awk '{print $1}')
	if [ -n "$vermagic" ] && [ "$vermagic" != "$kver" ]; then
		die "DUET_KO=$duet_ko is built for $vermagic, the guest kernel is $kver (set DUET_VM_KERNEL)"
	fi
fi

# ---- what goes into the image ------------------------------------------------

# programs: HOSTPATH GUESTPATH (GUESTPATH relative to the image root)
progs=()
addprog() { # HOSTPATH [GUESTPATH]
	local src=$1 dst=${2:-$1}
	[ -e "$src" ] || die "missing host file $src (run installer/setup-deps.sh)"
	progs+=("$src" "${dst#/}")
}
busybox_bin=$(command -v busybox)
addprog "$busybox_bin" /bin/busybox
for p in mke2fs mkfs.ext4 e2fsck fsck.ext4 tune2fs dumpe2fs; do
	addprog "$(command -v "$p" || echo "/sbin/$p")" "/sbin/$p"
done
for p in drbdadm drbdsetup drbdmeta; do
	addprog "$(command -v "$p" || echo "/sbin/$p")" "/sbin/$p"
done
addprog /lib/drbd/drbdadm-84
addprog /lib/drbd/drbdsetup-84
addprog "$(command -v dd)" /usr/bin/gdd
addprog "$(command -v date)" /usr/bin/gdate
addprog "$(command -v bash)" /bin/bash

# shared libraries of every ELF file we copy
is_elf() { [ -f "$1" ] && [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }
libs_of() { # FILE: prints the absolute paths of its shared libs and loader
	ldd "$1" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }' || true
}

# added files and directories: HOST GUEST pairs
addfiles=()
for a in "${adds[@]+"${adds[@]}"}"; do
	src=${a%%:*}
	dst=${a#*:}
	[ "$a" = "$src" ] && dst=$src
	[ -e "$src" ] || die "--add $a: no such file or directory"
	addfiles+=("$(cd "$(dirname "$src")" && pwd)/$(basename "$src")" "${dst#/}")
done
for o in "${overlays[@]+"${overlays[@]}"}"; do
	[ -d "$o" ] || die "--overlay $o: not a directory"
done

# kernel modules, recursively from modules.dep and modules.softdep
declare -A modpath=()   # name -> path relative to $moddir
declare -A builtin=()
while read -r line; do
	f=${line%%:*}
	n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}
	modpath[$n]=$f
done < "$moddir/modules.dep"
if [ -f "$moddir/modules.builtin" ]; then
	while read -r f; do
		n=${f##*/}; n=${n%%.ko*}; n=${n//-/_}
		builtin[$n]=1
	done < "$moddir/modules.builtin"
fi
declare -A want=()
mod_add() { # NAME (module name or alias)
	local n=${1//-/_} f d s
	[ -n "${want[$n]:-}" ] && return 0
	if [ -z "${modpath[$n]:-}" ]; then
		[ -n "${builtin[$n]:-}" ] && return 0
		# an alias such as crc32c or crypto-crc32c
		local m found=no
		# shellcheck disable=SC2013 # one module name per word
		for m in $(awk -v a="$1" '$1 == "alias" && $2 == a { print $3 }' "$moddir/modules.alias"); do
			m=${m//-/_}
			if [ -n "${modpath[$m]:-}" ]; then mod_add "$m"; found=yes; fi
		done
		[ "$found" = yes ] || [ -n "${builtin[$n]:-}" ] || echo "$prog: note: module $1 not found for $kver" >&2
		return 0
	fi
	want[$n]=1
	f=${modpath[$n]}
	# shellcheck disable=SC2013
	for d in $(awk -v f="$f:" '$1 == f { $1 = ""; print }' "$moddir/modules.dep"); do
		d=${d##*/}; d=${d%%.ko*}
		mod_add "$d"
	done
	if [ -f "$moddir/modules.softdep" ]; then
		# shellcheck disable=SC2013
		for s in $(awk -v n="$n" '$1 == "softdep" && $2 == n {
				for (i = 3; i <= NF; i++) if ($i != "pre:" && $i != "post:") print $i }' \
				"$moddir/modules.softdep"); do
			mod_add "$s"
		done
	fi
}
for m in $BOOT_MODULES $EXTRA_MODULES "${modules[@]+"${modules[@]}"}"; do
	mod_add "$m"
done
if [ -n "$duet_ko" ]; then
	for d in $(modinfo -F depends "$duet_ko" 2>/dev/null | tr ',' ' '); do
		mod_add "$d"
	done
fi

# ---- cache key ----------------------------------------------------------------

cache=${DUET_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/duet-vm}
mkdir -p "$cache"
key=$(
	{
		echo "kver $kver"
		sha256sum "$0" "$here"/guest/*
		echo "boot $BOOT_MODULES"
		i=0
		while [ $i -lt ${#progs[@]} ]; do
			stat -L -c '%n %s %Y' "${progs[$i]}"
			echo "-> ${progs[$((i + 1))]}"
			i=$((i + 2))
		done
		for n in "${!want[@]}"; do echo "mod $n"; done | sort
		stat -c '%n %s %Y' "$moddir/modules.dep"
		[ -z "$duet_ko" ] || sha256sum "$duet_ko"
		i=0
		while [ $i -lt ${#addfiles[@]} ]; do
			find "${addfiles[$i]}" -printf '%p %s %T@ %m\n' | sort
			echo "-> ${addfiles[$((i + 1))]}"
			i=$((i + 2))
		done
		for o in "${overlays[@]+"${overlays[@]}"}"; do
			(cd "$o" && find . -printf '%p %s %T@ %m\n' | sort)
		done
	} | sha256sum | cut -c1-16
)
image=$cache/initrd-$kver-$key.cpio.gz

if [ "$use_cache" = yes ] && [ -s "$image" ]; then
	touch "$image"
	[ -z "$out" ] || cp "$image" "$out"
	echo "$image"
	exit 0
fi

# ---- build --------------------------------------------------------------------

stage=$(mktemp -d "$cache/stage.XXXXXX")
trap 'rm -rf "$stage" "$image.tmp.$$"' EXIT
cd "$stage"
mkdir -p usr/bin usr/sbin usr/lib usr/lib64 etc/duet/rc.d etc/init.d proc sys dev \
	run tmp root var/lib var/log mnt drbd "lib/modules/$kver"
# merged /usr as on Debian 12: /bin, /sbin, /lib, /lib64 are links
ln -s usr/bin bin
ln -s usr/sbin sbin
mv lib/modules usr/lib/ && rmdir lib && ln -s usr/lib lib
ln -s usr/lib64 lib64
ln -s ../run var/run
ln -s ../run/lock var/lock
chmod 1777 tmp

# install_file HOST GUEST: copies one file (symlinks resolved); never writes
# through an existing link (busybox applet links)
install_file() {
	local src=$1 dst=$2
	mkdir -p "$(dirname "$dst")"
	rm -f "$dst"
	cp -L --preserve=mode "$src" "$dst"
}
declare -A libs_done=()
install_libs() { # ELF-FILE
	local l
	for l in $(libs_of "$1"); do
		[ -n "${libs_done[$l]:-}" ] && continue
		libs_done[$l]=1
		install_file "$l" "${l#/}"
	done
}

# busybox and its applet links first, real programs replace links after
install_file "$busybox_bin" usr/bin/busybox
"$busybox_bin" --list-full | while read -r a; do
	a=${a#usr/}
	case "$a" in
	bin/busybox) continue ;;
	bin/*|sbin/*) ;;
	*) continue ;;
	esac
	[ -e "usr/$a" ] || [ -L "usr/$a" ] || ln -s /usr/bin/busybox "usr/$a"
done

i=0
while [ $i -lt ${#progs[@]} ]; do
	src=${progs[$i]} dst=${progs[$((i + 1))]}
	case "$dst" in
	bin/*|sbin/*|lib/*|lib64/*) dst=usr/$dst ;;
	esac
	install_file "$src" "$dst"
	is_elf "$src" && install_libs "$src"
	i=$((i + 2))
done

# guest boot files
install_file "$here/guest/init" init
install_file "$here/guest/rcS" etc/init.d/rcS
install_file "$here/guest/inittab" etc/inittab
install_file "$here/guest/duet-agent" usr/sbin/duet-agent
chmod 755 init etc/init.d/rcS usr/sbin/duet-agent
rm -f usr/sbin/init
ln -s /usr/bin/busybox usr/sbin/init
echo "$BOOT_MODULES" | tr ' ' '\n' | sed '/^$/d' > etc/duet/modules.boot
printf 'root:x:0:0:root:/root:/bin/sh\n' > etc/passwd
printf 'root:x:0:\n' > etc/group
printf '127.0.0.1 localhost\n10.77.0.1 alice\n10.77.0.2 bob\n10.78.0.1 alice-hb\n10.78.0.2 bob-hb\n' > etc/hosts
printf '/usr/local/lib\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' > etc/ld.so.conf
: > etc/fstab
: > etc/mtab
echo "kernel=$kver key=$key built=$(date -u +%FT%TZ)" > etc/duet/initrd-info

# kernel modules (decompressed: busybox modprobe needs plain .ko)
for n in "${!want[@]}"; do
	f=${modpath[$n]}
	g=usr/lib/modules/$kver/${f%.xz}
	g=${g%.zst}; g=${g%.gz}
	mkdir -p "$(dirname "$g")"
	case "$f" in
	*.xz) xz -dc "$moddir/$f" > "$g" ;;
	*.zst) zstd -qdc "$moddir/$f" > "$g" ;;
	*.gz) gzip -dc "$moddir/$f" > "$g" ;;
	*) cp "$moddir/$f" "$g" ;;
	esac
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "usr/lib/modules/$kver/"
done
if [ -n "$duet_ko" ]; then
	mkdir -p "usr/lib/modules/$kver/extra"
	cp "$duet_ko" "usr/lib/modules/$kver/extra/duet.ko"
fi
# modules.order refers to .ko.xz names on 6.12; depmod only needs it for
# ordering, so rewrite the suffixes
if [ -f "usr/lib/modules/$kver/modules.order" ]; then
	sed -i 's/\.ko\.\(xz\|zst\|gz\)$/.ko/' "usr/lib/modules/$kver/modules.order"
fi
depmod -b "$stage" "$kver" || die "depmod -b failed"

# added files, overlays
i=0
while [ $i -lt ${#addfiles[@]} ]; do
	src=${addfiles[$i]} dst=${addfiles[$((i + 1))]}
	case "$dst" in
	bin/*|sbin/*|lib/*|lib64/*) dst=usr/$dst ;;
	esac
	if [ -d "$src" ]; then
		mkdir -p "$dst"
		(cd "$src" && find . -type f -o -type l) | while read -r f; do
			install_file "$src/$f" "$dst/$f"
			is_elf "$src/$f" && install_libs "$src/$f"
		done
	else
		install_file "$src" "$dst"
		is_elf "$src" && install_libs "$src"
	fi
	i=$((i + 2))
done
for o in "${overlays[@]+"${overlays[@]}"}"; do
	(cd "$o" && tar cf - .) | tar xf - --no-overwrite-dir -C "$stage"
done

ldconfig -r "$stage" 2>/dev/null || true

find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 > "$image.tmp.$$"
mv "$image.tmp.$$" "$image"

# keep the cache small: the 8 most recently used images
find "$cache" -maxdepth 1 -name 'initrd-*.cpio.gz' -printf '%T@ %p\n' | sort -rn |
	tail -n +9 | cut -d' ' -f2- | xargs -r rm -f
[ -z "$out" ] || cp "$image" "$out"
echo "$image"
