#!/bin/sh
# The main job: on a fresh Debian 12 machine, installs every package duet
# needs (installer/setup-deps.sh), generates the build system and builds the
# whole bundle: duet.ko for the newest installed kernel headers and the
# userspace programs.
#
#   installer/build.sh [CONFIGURE-OPTION...]
#
# Options are passed to ./configure (e.g. --with-linux-obj=DIR). Exit status
# is that of the first step that failed.
set -eu
case "${1:-}" in
-h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/installer/setup-deps.sh"
./autogen.sh
if [ ! -f config.status ] || [ configure -nt config.status ] || [ $# -gt 0 ]; then
	./configure "$@"
fi
make -j"$(nproc)"
