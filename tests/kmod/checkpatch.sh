#!/bin/sh
# Runs the kernel's checkpatch.pl (--no-tree, on whole files) over duet.ko's
# sources. checkpatch comes from Debian's linux-source-6.1 tarball and is
# extracted once into a cache directory; nothing of it enters our tree.
#
#   tests/kmod/checkpatch.sh [FILE...]    default: kmod/*.[ch] kmod/core/*.[ch]
#
# Exit status: 0 clean, 1 checkpatch found errors or warnings, 2 no checkpatch.
set -eu
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$tarball" ]; then
	echo "checkpatch.sh: /usr/src/linux-source-6.1.tar.* missing: install the Debian package linux-source-6.1" >&2
	exit 2
fi
cache=${DUET_CACHE_DIR:-/var/cache/duet}/checkpatch
if [ ! -f "$cache/scripts/checkpatch.pl" ] || [ "$tarball" -nt "$cache/scripts/checkpatch.pl" ]; then
	mkdir -p "$cache"
	tar -xf "$tarball" -C "$cache" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch "$cache/scripts/checkpatch.pl"
fi
cd "$srcdir"
if [ $# -eq 0 ]; then
	set -- $(ls kmod/*.c kmod/*.h kmod/core/*.c kmod/core/*.h kmod/uapi/*.h 2>/dev/null | grep -v -e 'compat_config\.h$' -e '\.mod\.c$')
fi
perl "$cache/scripts/checkpatch.pl" --no-tree --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "$@"
