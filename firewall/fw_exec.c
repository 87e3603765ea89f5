/*
 * fw_exec: fork/exec of the backend tools (see fw_exec.h).
 */
#include "firewall/fw_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

bool fw_have_tool(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char full[PATH_MAX];
	struct stat st;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		if (e > p && snprintf(full, sizeof(full), "%.*s/%s", (int)(e - p), p,
				      name) < (int)sizeof(full) &&
		    stat(full, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(full, X_OK) == 0)
			return true;
		if (!*e)
			return false;
	}
}

const char *fw_tool_package(const char *name)
{
	static const struct { const char *tool, *pkg; } map[] = {
		{ "iptables", "iptables" },
		{ "iptables-restore", "iptables" },
		{ "iptables-save", "iptables" },
		{ "ip6tables", "iptables" },
		{ "ip6tables-restore", "iptables" },
		{ "ip6tables-save", "iptables" },
		{ "nft", "nftables" },
		{ "firewall-cmd", "firewalld" },
		{ "firewall-offline-cmd", "firewalld" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].tool, name) == 0)
			return map[i].pkg;
	return name;
}

/* Reads what is there from FD into B. Returns what read(2) returned. */
static ssize_t drain(int fd, struct fw_buf *b)
{
	char chunk[4096];
	ssize_t n;

	do {
		n = read(fd, chunk, sizeof(chunk));
	} while (n < 0 && errno == EINTR);
	if (n > 0 && b)
		fw_buf_printf(b, "%.*s", (int)n, chunk);
	return n;
}

int fw_run(const char *const argv[], const char *input, struct fw_buf *out,
	   struct fw_buf *err, int *status)
{
	int in_p[2] = { -1, -1 }, out_p[2] = { -1, -1 }, err_p[2] = { -1, -1 };
	int exec_p[2] = { -1, -1 }, wst, e = 0, devnull;
	size_t in_len = input ? strlen(input) : 0, in_off = 0;
	struct pollfd pfd[3];
	ssize_t n;
	pid_t pid;
	int nfds, i;

	*status = -1;
	if (pipe2(in_p, O_CLOEXEC) < 0 || pipe2(out_p, O_CLOEXEC) < 0 ||
	    pipe2(err_p, O_CLOEXEC) < 0 || pipe2(exec_p, O_CLOEXEC) < 0) {
		e = errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		goto fail;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (dup2(in_p[0], 0) < 0 ||
		    dup2(out ? out_p[1] : devnull, 1) < 0 ||
		    dup2(err ? err_p[1] : devnull, 2) < 0)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		e = errno;
		if (write(exec_p[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(in_p[0]);
	close(out_p[1]);
	close(err_p[1]);
	close(exec_p[1]);
	in_p[0] = out_p[1] = err_p[1] = exec_p[1] = -1;
	if (in_len == 0) {
		close(in_p[1]);
		in_p[1] = -1;
	} else {
		fcntl(in_p[1], F_SETFL, O_NONBLOCK);
	}
	/* feed the input and collect the output together: either may block */
	for (;;) {
		nfds = 0;
		if (in_p[1] >= 0)
			pfd[nfds++] = (struct pollfd){ .fd = in_p[1], .events = POLLOUT };
		if (out_p[0] >= 0)
			pfd[nfds++] = (struct pollfd){ .fd = out_p[0], .events = POLLIN };
		if (err_p[0] >= 0)
			pfd[nfds++] = (struct pollfd){ .fd = err_p[0], .events = POLLIN };
		if (nfds == 0)
			break;
		if (poll(pfd, (nfds_t)nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < nfds; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == in_p[1]) {
				n = write(in_p[1], input + in_off, in_len - in_off);
				if (n > 0)
					in_off += (size_t)n;
				if (n < 0 && errno == EAGAIN)
					continue;
				if (n <= 0 || in_off == in_len) {
					close(in_p[1]);
					in_p[1] = -1;
				}
			} else {
				int fd = pfd[i].fd;

				/* end of file (or an error): done with it */
				if (drain(fd, fd == out_p[0] ? out : err) <= 0) {
					close(fd);
					if (fd == out_p[0])
						out_p[0] = -1;
					else
						err_p[0] = -1;
				}
			}
		}
	}
	while (waitpid(pid, &wst, 0) < 0) {
		if (errno != EINTR) {
			e = errno;
			goto fail;
		}
	}
	/* did exec fail? the child wrote errno into the pipe */
	if (read(exec_p[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		close(exec_p[0]);
		errno = e;
		return -1;
	}
	close(exec_p[0]);
	*status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	return 0;
fail:
	for (i = 0; i < 2; i++) {
		if (in_p[i] >= 0)
			close(in_p[i]);
		if (out_p[i] >= 0)
			close(out_p[i]);
		if (err_p[i] >= 0)
			close(err_p[i]);
		if (exec_p[i] >= 0)
			close(exec_p[i]);
	}
	errno = e;
	return -1;
}

void fw_shell_quote(struct fw_buf *b, const char *arg)
{
	const char *p;
	bool plain = *arg != '\0';

	for (p = arg; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-_./=:,+@%", *p))) {
			plain = false;
			break;
		}
	}
	if (plain) {
		fw_buf_puts(b, arg);
		return;
	}
	fw_buf_puts(b, "'");
	for (p = arg; *p; p++) {
		if (*p == '\'')
			fw_buf_puts(b, "'\\''");
		else
			fw_buf_printf(b, "%c", *p);
	}
	fw_buf_puts(b, "'");
}

void fw_shell_argv(struct fw_buf *b, const char *const argv[])
{
	size_t i;

	for (i = 0; argv[i]; i++) {
		if (i)
			fw_buf_puts(b, " ");
		fw_shell_quote(b, argv[i]);
	}
}
