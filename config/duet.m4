dnl --with-config=all|kernel|user selects what is built (OpenZFS style).
AC_DEFUN([DUET_AC_CONFIG], [
	AC_ARG_WITH([config],
		AS_HELP_STRING([--with-config=CONFIG],
			[build all, kernel or user components @<:@default=all@:>@]),
		[DUET_CONFIG="$withval"], [DUET_CONFIG=all])
	AS_CASE([$DUET_CONFIG],
		[all|kernel|user], [],
		[AC_MSG_ERROR([--with-config=$DUET_CONFIG: expected all, kernel or user])])
	AC_SUBST([DUET_CONFIG])

	AS_IF([test "$DUET_CONFIG" != user], [DUET_AC_KERNEL])
	AS_IF([test "$DUET_CONFIG" != kernel], [DUET_AC_USER])

	AM_CONDITIONAL([CONFIG_KERNEL], [test "$DUET_CONFIG" != user])
	AM_CONDITIONAL([CONFIG_USER], [test "$DUET_CONFIG" != kernel])
	AM_CONDITIONAL([ENABLE_FUZZING], [test "x$enable_fuzzing" = xyes])
])
