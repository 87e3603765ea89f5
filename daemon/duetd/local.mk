# daemon/duetd: automake fragment, included from the top-level Makefile.am.
# duetd, the membership and failover daemon: GLib main loop, libqb logging
# and IPC, glue around the pure core of daemon/hb (linked from its plain,
# non-sanitizer build libhb-plain.a).
sbin_PROGRAMS += daemon/duetd/duetd
daemon_duetd_duetd_SOURCES = \
	daemon/duetd/duetd.c daemon/duetd/dd.h \
	daemon/duetd/dd_config.c daemon/duetd/dd_config.h \
	daemon/duetd/dd_log.c daemon/duetd/dd_log.h \
	daemon/duetd/dd_sys.c daemon/duetd/dd_sys.h \
	daemon/duetd/dd_media.c daemon/duetd/dd_beat.c daemon/duetd/dd_beat.h \
	daemon/duetd/dd_serial.c \
	daemon/duetd/dd_cluster.c daemon/duetd/dd_ping.c \
	daemon/duetd/dd_ipc.c daemon/duetd/dd_ipc_proto.h \
	daemon/duetd/dd_status.c daemon/duetd/dd_hooks.c daemon/duetd/dd_fifo.c \
	daemon/duetd/dd_failover.c daemon/duetd/dd_rsc.c daemon/duetd/dd_rsc.h \
	daemon/duetd/dd_json.c daemon/duetd/dd_json.h \
	daemon/duetd/dd_events.c daemon/duetd/dd_events.h \
	daemon/duetd/dd_hist.c daemon/duetd/dd_hist.h \
	daemon/duetd/dd_pulse.c daemon/duetd/dd_pulse.h \
	daemon/duetd/dd_notify.c daemon/duetd/dd_notify.h \
	daemon/duetd/dd_respawn.c daemon/duetd/dd_respawn_rule.c daemon/duetd/dd_respawn.h
daemon_duetd_duetd_CFLAGS = $(AM_CFLAGS) $(GLIB_CFLAGS) $(LIBQB_CFLAGS) $(NETTLE_CFLAGS)
daemon_duetd_duetd_CPPFLAGS = $(AM_CPPFLAGS) -DDUET_SYSCONFDIR='"$(sysconfdir)"'
daemon_duetd_duetd_LDADD = daemon/hb/libhb-plain.a $(GLIB_LIBS) $(LIBQB_LIBS) $(NETTLE_LIBS)
dist_man_MANS += daemon/duetd/duetd.8

# the pure parts of duetd under the sanitizers
check_PROGRAMS += tests/unit/test_dd_pure
tests_unit_test_dd_pure_SOURCES = tests/unit/test_dd_pure.c \
	daemon/duetd/dd_json.c daemon/duetd/dd_events.c daemon/duetd/dd_hist.c \
	daemon/duetd/dd_respawn_rule.c
tests_unit_test_dd_pure_CFLAGS = $(DUET_UNIT_CFLAGS) $(NETTLE_CFLAGS)
tests_unit_test_dd_pure_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dd_pure_LDADD = $(HB_UNIT_LDADD)

# A tiny IPC client for the netns tests (tests/netns/duetd.bats), so they do
# not depend on duetctl; not installed.
noinst_PROGRAMS += tests/netns/tools/dd_probe
tests_netns_tools_dd_probe_SOURCES = tests/netns/tools/dd_probe.c
tests_netns_tools_dd_probe_CFLAGS = $(AM_CFLAGS) $(LIBQB_CFLAGS)
tests_netns_tools_dd_probe_LDADD = $(LIBQB_LIBS)

# the heartbeat steering programs, on this machine's kernel (loopback)
check_PROGRAMS += tests/unit/test_dd_beat
tests_unit_test_dd_beat_SOURCES = tests/unit/test_dd_beat.c daemon/duetd/dd_beat.c
tests_unit_test_dd_beat_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dd_beat_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dd_beat_LDADD = $(CMOCKA_LIBS)

# the heartbeat thread and the daemon lock, under the sanitizers
check_PROGRAMS += tests/unit/test_dd_pulse
tests_unit_test_dd_pulse_SOURCES = tests/unit/test_dd_pulse.c \
	daemon/duetd/dd_pulse.c daemon/duetd/dd_pulse.h
tests_unit_test_dd_pulse_CFLAGS = $(DUET_UNIT_CFLAGS) $(GLIB_CFLAGS)
tests_unit_test_dd_pulse_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dd_pulse_LDADD = $(CMOCKA_LIBS) $(GLIB_LIBS)

# the systemd notification protocol (Type=notify), under the sanitizers
check_PROGRAMS += tests/unit/test_dd_notify
tests_unit_test_dd_notify_SOURCES = tests/unit/test_dd_notify.c \
	daemon/duetd/dd_notify.c daemon/duetd/dd_notify.h
tests_unit_test_dd_notify_CFLAGS = $(DUET_UNIT_CFLAGS)
tests_unit_test_dd_notify_LDFLAGS = $(DUET_UNIT_LINK_FLAGS)
tests_unit_test_dd_notify_LDADD = $(CMOCKA_LIBS)
