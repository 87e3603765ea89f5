# daemon/dconf: automake fragment, included from the top-level Makefile.am.
#
# libdconf.a  the drbd.conf-syntax parser, validator and dump (no I/O in the
#             core; load.c reads files and includes)
# duetadm     the replication admin tool (daemon/duetadm*.c, daemon/adm_*.c)
DCONF_SOURCES = \
	daemon/dconf/dconf.h \
	daemon/dconf/arena.h daemon/dconf/arena.c \
	daemon/dconf/strbuf.h daemon/dconf/strbuf.c \
	daemon/dconf/options.h daemon/dconf/options.c \
	daemon/dconf/model.h daemon/dconf/model.c \
	daemon/dconf/lex.h daemon/dconf/lex.c \
	daemon/dconf/suggest.h daemon/dconf/suggest.c \
	daemon/dconf/parse.h daemon/dconf/parse.c \
	daemon/dconf/validate.h daemon/dconf/validate.c \
	daemon/dconf/dump.h daemon/dconf/dump.c \
	daemon/dconf/load.h daemon/dconf/load.c \
	kmod/uapi/duet_genl.h

noinst_LIBRARIES += daemon/dconf/libdconf.a
daemon_dconf_libdconf_a_SOURCES = $(DCONF_SOURCES)

# The same sources with the sanitizers, for the unit tests and fuzz target.
noinst_LIBRARIES += daemon/dconf/libdconf-san.a
daemon_dconf_libdconf_san_a_SOURCES = $(DCONF_SOURCES)
daemon_dconf_libdconf_san_a_CFLAGS = $(AM_CFLAGS) $(DUET_SAN_CFLAGS)
