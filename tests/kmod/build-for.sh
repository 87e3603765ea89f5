#!/bin/sh
# Builds duet.ko for one installed kernel in a separate build directory,
# with that kernel's own configure probes, and prints the module's path.
#
#   tests/kmod/build-for.sh KERNEL-RELEASE|BUILD-TREE OUTDIR
#
# Used by the kmod tier (compile against 6.1 and 6.12) and the vm tier
# (duet.ko for the guest kernel). Needs ./configure in the source tree
# (./autogen.sh makes it). Exit status 1 when configure or Kbuild fails;
# their output is on stderr.
set -eu
if [ $# -ne 2 ]; then
	sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
case "$1" in
/*) obj=$1 ;;
*) obj=/lib/modules/$1/build ;;
esac
out=$2
if [ ! -f "$obj/Makefile" ]; then
	echo "build-for.sh: no kernel build tree at $obj (install its linux-headers package)" >&2
	exit 1
fi
if [ ! -x "$srcdir/configure" ]; then
	echo "build-for.sh: $srcdir/configure missing: run ./autogen.sh first" >&2
	exit 1
fi
mkdir -p "$out"
# The source tree may itself be configured (autotools then refuse a VPATH
# build), so the module's sources are copied into OUTDIR and configured
# there, kernel part only. Only changed files are copied, so make stays
# incremental.
(cd "$srcdir" && tar cf - configure Makefile.in config.h.in build-aux \
	kmod/Makefile.in kmod/Kbuild.in \
	$(find kmod -name '*.[ch]' ! -name compat_config.h ! -name '*.mod.c' ! -path 'kmod/probes/*')) |
	(cd "$out" && tar xf - --keep-newer-files 2>/dev/null || true)
cd "$out"
# Configure again when the tree or the configure script changed.
if [ ! -f config.status ] || [ configure -nt config.status ] ||
	! grep -qx "LINUX_OBJ = $(cd "$obj" && pwd -P)" kmod/Makefile 2>/dev/null; then
	./configure --with-config=kernel --with-linux-obj="$obj" >&2
else
	./config.status kmod/Makefile kmod/Kbuild >&2
fi
make -C kmod modules >&2
echo "$PWD/kmod/duet.ko"
