#!/bin/sh
# Installs the DKMS source of duet.ko: the kernel part of an unpacked
# release tarball (configure, the kmod/ sources) and dkms.conf, into DEST
# (normally $DESTDIR/usr/src/duet-VERSION). Used by the Debian rules and
# the RPM spec alike, so both packages carry the same files.
#
#   installer/dkms/install-source.sh SRCDIR DEST
set -eu
if [ $# -ne 2 ]; then
	sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
src=$1 dest=$2
[ -f "$src/installer/dkms/dkms.conf" ] || {
	echo "install-source.sh: $src/installer/dkms/dkms.conf missing (made by make dist)" >&2
	exit 1
}
mkdir -p "$dest"
# The set tests/kmod/build-for.sh configures the module from.
(cd "$src" && {
	printf '%s\n' configure Makefile.in config.h.in kmod/Makefile.in kmod/Kbuild.in
	find build-aux -type f
	find kmod -type f -name '*.[ch]' ! -name compat_config.h ! -name '*.mod.c' ! -path 'kmod/probes/*'
}) | sort -u | while read -r f; do
	mode=0644
	[ ! -x "$src/$f" ] || mode=0755
	install -D -m "$mode" "$src/$f" "$dest/$f"
done
install -m 0644 "$src/installer/dkms/dkms.conf" "$dest/dkms.conf"
