dnl Userspace dependencies. A missing one names the Debian package.
AC_DEFUN([DUET_PKG_REQUIRE], [
	PKG_CHECK_MODULES([$1], [$2], [],
		[AC_MSG_ERROR([$2 not found: install the Debian package $3 (installer/setup-deps.sh installs everything)])])
])

AC_DEFUN([DUET_AC_USER], [
	DUET_PKG_REQUIRE([GLIB], [glib-2.0 >= 2.74], [libglib2.0-dev])
	DUET_PKG_REQUIRE([LIBQB], [libqb >= 2.0], [libqb-dev])
	DUET_PKG_REQUIRE([LIBNL_GENL], [libnl-genl-3.0 >= 3.7], [libnl-genl-3-dev])
	DUET_PKG_REQUIRE([CMOCKA], [cmocka >= 1.1], [libcmocka-dev])
	dnl hashes and HMACs (Heartbeat's sha1/md5 auth, digests): pure
	dnl computation, usable from the I/O-free cores
	DUET_PKG_REQUIRE([NETTLE], [nettle >= 3.8], [nettle-dev])
	dnl duetd's IPC snapshot (JSON) read by duetctl and ha_status
	DUET_PKG_REQUIRE([JSON_GLIB], [json-glib-1.0 >= 1.6], [libjson-glib-dev])

	dnl Warnings are errors in userspace (C11).
	DUET_USER_CFLAGS="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror"
	AC_SUBST([DUET_USER_CFLAGS])

	dnl Unit tests run under AddressSanitizer and UBSan where the
	dnl compiler has the runtimes.
	AC_ARG_ENABLE([sanitizers],
		AS_HELP_STRING([--disable-sanitizers],
			[build unit tests without ASan/UBSan]),
		[], [enable_sanitizers=auto])
	DUET_SAN_CFLAGS=""
	AS_IF([test "$enable_sanitizers" != no], [
		AC_MSG_CHECKING([whether $CC links -fsanitize=address,undefined])
		save_CFLAGS="$CFLAGS"; save_LDFLAGS="$LDFLAGS"
		CFLAGS="$CFLAGS -fsanitize=address,undefined"
		LDFLAGS="$LDFLAGS -fsanitize=address,undefined"
		AC_LINK_IFELSE([AC_LANG_PROGRAM([], [return 0;])],
			[AC_MSG_RESULT([yes])
			 DUET_SAN_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"],
			[AC_MSG_RESULT([no])
			 AS_IF([test "$enable_sanitizers" = yes],
				[AC_MSG_ERROR([sanitizers requested but $CC cannot link them])])])
		CFLAGS="$save_CFLAGS"; LDFLAGS="$save_LDFLAGS"
	])
	AC_SUBST([DUET_SAN_CFLAGS])

	dnl libFuzzer builds of the fuzz targets (clang only).
	AC_ARG_ENABLE([fuzzing],
		AS_HELP_STRING([--enable-fuzzing],
			[link fuzz targets with libFuzzer (needs CC=clang)]),
		[], [enable_fuzzing=no])
	AS_IF([test "$enable_fuzzing" = yes], [
		AC_MSG_CHECKING([whether $CC links -fsanitize=fuzzer])
		save_LDFLAGS="$LDFLAGS"; LDFLAGS="$LDFLAGS -fsanitize=fuzzer"
		AC_LINK_IFELSE([AC_LANG_SOURCE([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
]])], [AC_MSG_RESULT([yes])],
			[AC_MSG_RESULT([no])
			 AC_MSG_ERROR([--enable-fuzzing needs clang with libFuzzer: ./configure --enable-fuzzing CC=clang])])
		LDFLAGS="$save_LDFLAGS"
	])
])
