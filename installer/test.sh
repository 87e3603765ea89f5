#!/bin/bash
# The test command: does all set-up (installer/build.sh) and then runs every
# test tier (make check: unit, kmod, dconf, netns, fw, pkg, vm). Its last
# line is "N passed, N failed, N skipped".
#
#   installer/test.sh [TIER...]     tiers: unit kmod dconf netns fw pkg vm (default: all)
#
# Exit status 0 when everything passed.
set -uo pipefail
case "${1:-}" in
-h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! "$top/installer/build.sh"; then
	echo "installer/test.sh: the build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ $# -gt 0 ]; then
	make check DUET_CHECK_TIERS="$*" 2>&1 | tee "$log"
else
	make check 2>&1 | tee "$log"
fi
rc=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
[ -n "$summary" ] || summary="0 passed, 1 failed"
echo "$summary"
exit "$rc"
