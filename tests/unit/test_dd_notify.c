/*
 * Unit tests of dd_notify, duetd's sd_notify(3): the datagram reaches a
 * socket named by $NOTIFY_SOCKET as a path or as an abstract name
 * ('@'), nothing is sent without it, a relative or too long name is
 * refused, a missing listener is an error; $WATCHDOG_USEC counts only
 * for this process ($WATCHDOG_PID).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/duetd/dd_notify.h"

struct listener {
	int fd;
	char name[sizeof(((struct sockaddr_un *)0)->sun_path)];	/* as in $NOTIFY_SOCKET */
	char dir[64];
};

/* a datagram socket bound to a fresh path, or to an abstract name */
static void listen_on(struct listener *l, bool abstract)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;

	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(l->fd >= 0);
	if (abstract) {
		l->dir[0] = '\0';
		snprintf(l->name, sizeof(l->name), "@duet-test-notify-%ld", (long)getpid());
		memcpy(sa.sun_path, l->name, strlen(l->name));
		sa.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(l->name));
	} else {
		strcpy(l->dir, "/tmp/dd_notify.XXXXXX");
		assert_non_null(mkdtemp(l->dir));
		snprintf(l->name, sizeof(l->name), "%s/notify", l->dir);
		strcpy(sa.sun_path, l->name);
		len = sizeof(sa);
	}
	assert_int_equal(bind(l->fd, (struct sockaddr *)&sa, len), 0);
	setenv("NOTIFY_SOCKET", l->name, 1);
}

static void listen_end(struct listener *l)
{
	close(l->fd);
	if (l->dir[0]) {
		unlink(l->name);
		rmdir(l->dir);
	}
	unsetenv("NOTIFY_SOCKET");
}

static void assert_received(struct listener *l, const char *want)
{
	char buf[256];
	ssize_t n = recv(l->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_path_socket(void **state)
{
	struct listener l;

	(void)state;
	listen_on(&l, false);
	assert_int_equal(dd_notify("READY=1\nSTATUS=running"), 1);
	assert_received(&l, "READY=1\nSTATUS=running");
	assert_int_equal(dd_notify("STOPPING=1"), 1);
	assert_received(&l, "STOPPING=1");
	listen_end(&l);
}

static void test_abstract_socket(void **state)
{
	struct listener l;

	(void)state;
	listen_on(&l, true);
	assert_int_equal(dd_notify("WATCHDOG=1"), 1);
	assert_received(&l, "WATCHDOG=1");
	listen_end(&l);
}

static void test_no_socket_is_a_no_op(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(dd_notify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(dd_notify("READY=1"), 0);
	unsetenv("NOTIFY_SOCKET");
}

static void test_bad_names_and_no_listener(void **state)
{
	char longname[200];

	(void)state;
	setenv("NOTIFY_SOCKET", "relative/notify", 1);
	assert_int_equal(dd_notify("READY=1"), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(dd_notify("READY=1"), -EINVAL);
	setenv("NOTIFY_SOCKET", "/nonexistent/duet/notify", 1);
	assert_int_equal(dd_notify("READY=1"), -ENOENT);
	unsetenv("NOTIFY_SOCKET");
}

static void test_watchdog_usec(void **state)
{
	char pid[32];

	(void)state;
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	assert_int_equal(dd_notify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "20000000", 1);
	assert_int_equal(dd_notify_watchdog_usec(), 20000000);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(dd_notify_watchdog_usec(), 20000000);
	/* meant for another process (a child inherits the environment) */
	snprintf(pid, sizeof(pid), "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	assert_int_equal(dd_notify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "20s", 1);
	assert_int_equal(dd_notify_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "-5", 1);
	assert_int_equal(dd_notify_watchdog_usec(), 0);
	unsetenv("WATCHDOG_USEC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_no_socket_is_a_no_op),
		cmocka_unit_test(test_bad_names_and_no_listener),
		cmocka_unit_test(test_watchdog_usec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
