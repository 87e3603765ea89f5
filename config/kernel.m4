dnl Locating the kernel build tree and probing its API (OpenZFS style):
dnl every probe is a tiny module source declared with DUET_LINUX_TEST_SRC;
dnl DUET_LINUX_TEST_COMPILE_ALL builds all of them in one parallel Kbuild
dnl run; DUET_LINUX_TEST_RESULT turns "its object file exists" into a
dnl HAVE_* define in kmod/compat_config.h, which only kmod/compat.h reads.

AC_DEFUN([DUET_AC_KERNEL], [
	AC_ARG_WITH([linux],
		AS_HELP_STRING([--with-linux=DIR], [kernel source tree (headers)]),
		[LINUX="$withval"])
	AC_ARG_WITH([linux-obj],
		AS_HELP_STRING([--with-linux-obj=DIR], [kernel build tree (default: newest /lib/modules/*/build)]),
		[LINUX_OBJ="$withval"])

	AC_MSG_CHECKING([kernel build tree])
	AS_IF([test -z "$LINUX_OBJ" && test -n "$LINUX"], [LINUX_OBJ="$LINUX"])
	AS_IF([test -z "$LINUX_OBJ"], [
		for d in $(ls -d /lib/modules/*/build 2>/dev/null | sort -V); do
			test -f "$d/Makefile" && LINUX_OBJ="$d"
		done
	])
	AS_IF([test -z "$LINUX_OBJ" || test ! -f "$LINUX_OBJ/Makefile"], [
		AC_MSG_RESULT([not found])
		AC_MSG_ERROR([no kernel build tree${LINUX_OBJ:+ at $LINUX_OBJ}: install the Debian package linux-headers-amd64 (or linux-headers-6.12-amd64), or pass --with-linux-obj=DIR, or build only userspace with --with-config=user])
	])
	LINUX_OBJ=$(cd "$LINUX_OBJ" && pwd -P)
	AC_MSG_RESULT([$LINUX_OBJ])

	AC_MSG_CHECKING([kernel source tree])
	AS_IF([test -z "$LINUX"], [
		AS_IF([test -e "$LINUX_OBJ/../source" && test "$(basename "$LINUX_OBJ")" = build],
			[LINUX=$(cd "$LINUX_OBJ/../source" && pwd -P)],
			[LINUX=$(sed -n 's|^include[[ \t]]*\(/.*\)/Makefile$|\1|p' "$LINUX_OBJ/Makefile" | head -n 1)])
		AS_IF([test -z "$LINUX"], [LINUX="$LINUX_OBJ"])
	])
	AS_IF([test ! -d "$LINUX/include/linux"], [
		AC_MSG_RESULT([not found])
		AC_MSG_ERROR([kernel source tree $LINUX has no include/linux: pass --with-linux=DIR])
	])
	AC_MSG_RESULT([$LINUX])

	AC_MSG_CHECKING([kernel release])
	LINUX_VERSION=""
	AS_IF([test -r "$LINUX_OBJ/include/config/kernel.release"],
		[LINUX_VERSION=$(cat "$LINUX_OBJ/include/config/kernel.release")],
		[LINUX_VERSION=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$LINUX_OBJ/include/generated/utsrelease.h" 2>/dev/null)])
	AS_IF([test -z "$LINUX_VERSION"], [AC_MSG_ERROR([cannot tell the release of $LINUX_OBJ])])
	AC_MSG_RESULT([$LINUX_VERSION])

	AC_ARG_WITH([kmoddir],
		AS_HELP_STRING([--with-kmoddir=DIR],
			[install duet.ko here @<:@default=/lib/modules/RELEASE/updates/duet@:>@]),
		[kmoddir="$withval"], [kmoddir="/lib/modules/$LINUX_VERSION/updates/duet"])
	AC_SUBST([kmoddir])

	AC_SUBST([LINUX])
	AC_SUBST([LINUX_OBJ])
	AC_SUBST([LINUX_VERSION])

	DUET_KERNEL_PROBES
])

dnl DUET_LINUX_TEST_SRC(name, includes, body)
AC_DEFUN([DUET_LINUX_TEST_SRC], [
	duet_probe_names="$duet_probe_names $1"
	$MKDIR_P "$duet_probe_dir/$1"
	printf 'obj-m := %s.o\nccflags-y := -Werror\n' "$1" > "$duet_probe_dir/$1/Kbuild"
	printf 'obj-m += %s/\n' "$1" >> "$duet_probe_dir/Kbuild"
	cat > "$duet_probe_dir/$1/$1.c" <<'_DUET_PROBE_EOF'
#include <linux/module.h>
$2
void duet_probe(void);
void duet_probe(void)
{
$3
}
MODULE_LICENSE("GPL");
_DUET_PROBE_EOF
])

AC_DEFUN([DUET_LINUX_TEST_COMPILE_ALL], [
	AC_MSG_CHECKING([kernel API probes (one Kbuild run)])
	duet_jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
	make -k -j"$duet_jobs" -C "$LINUX_OBJ" M="$(cd "$duet_probe_dir" && pwd)" modules \
		>"$duet_probe_dir/build.log" 2>&1
	AC_MSG_RESULT([done, log in $duet_probe_dir/build.log])
	AS_IF([test ! -f "$duet_probe_dir/always_ok/always_ok.o"], [
		cat "$duet_probe_dir/build.log" >&AS_MESSAGE_LOG_FD
		AC_MSG_ERROR([the kernel build tree $LINUX_OBJ cannot compile even an empty module; see $duet_probe_dir/build.log])
	])
])

dnl DUET_LINUX_TEST_RESULT(name, define, description)
AC_DEFUN([DUET_LINUX_TEST_RESULT], [
	AC_MSG_CHECKING([$3])
	AS_IF([test -f "$duet_probe_dir/$1/$1.o"], [
		AC_MSG_RESULT([yes])
		printf '/* %s */\n#define %s 1\n' "$3" "$2" >> "$duet_compat_h.tmp"
	], [
		AC_MSG_RESULT([no])
		printf '/* %s */\n/* #undef %s */\n' "$3" "$2" >> "$duet_compat_h.tmp"
	])
])
