/*
 * dd_sys: see dd_sys.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <qb/qblog.h>

#include "daemon/duetd/dd_sys.h"

pid_t dd_pidfile_running(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");
	long pid;

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return 0;
	}
	fclose(f);
	pid = strtol(buf, NULL, 10);
	if (pid <= 1 || pid == (long)getpid())
		return 0;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return 0;
	/* a pid reused by another program does not count */
	char exe[64], link[4096];
	ssize_t n;

	snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
	n = readlink(exe, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		if (!strstr(link, "duetd"))
			return 0;
	}
	return (pid_t)pid;
}

int dd_pidfile_write(const char *path)
{
	char tmp[4096];
	pid_t other = dd_pidfile_running(path);
	FILE *f;

	if (other) {
		qb_log(LOG_ERR, "%s: duetd is already running (pid %ld)", path, (long)other);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
		qb_log(LOG_ERR, "%s: cannot write the pid file: %s", tmp, strerror(errno));
		return -1;
	}
	if (rename(tmp, path) < 0) {
		qb_log(LOG_ERR, "%s: cannot write the pid file: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void dd_pidfile_remove(const char *path)
{
	if (dd_pidfile_running(path) == 0)
		unlink(path);
}

/* resident + not-yet-touched mappings: VmSize is what mlockall would lock */
static unsigned long vm_size_kb(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	unsigned long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

void dd_realtime(bool on, int prio)
{
	struct sched_param sp = { 0 };
	struct rlimit rl;
	unsigned long need_kb;

	if (!on)
		return;
	sp.sched_priority = prio < 1 ? 1 : prio;
	if (sp.sched_priority > sched_get_priority_max(SCHED_RR))
		sp.sched_priority = sched_get_priority_max(SCHED_RR);
	if (sched_setscheduler(0, SCHED_RR, &sp) < 0)
		qb_log(LOG_WARNING, "WARN: cannot set SCHED_RR priority %d: %s",
		       sp.sched_priority, strerror(errno));
	else
		qb_log(LOG_INFO, "Realtime scheduling: SCHED_RR priority %d", sp.sched_priority);

	/*
	 * Lock only what we map now (MCL_CURRENT); later growth stays
	 * pageable, so the lock never fails at run time. Check the limit
	 * first: Heartbeat tries and fails under the stock 8 MB limit.
	 */
	need_kb = vm_size_kb();
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		rl.rlim_cur = 0;
	if (rl.rlim_cur != RLIM_INFINITY && need_kb * 1024 > rl.rlim_cur) {
		qb_log(LOG_WARNING,
		       "WARN: not locking memory: %lu kB mapped, RLIMIT_MEMLOCK is %lu kB "
		       "(raise LimitMEMLOCK to lock it)",
		       need_kb, (unsigned long)(rl.rlim_cur / 1024));
		return;
	}
	if (mlockall(MCL_CURRENT) < 0)
		qb_log(LOG_WARNING, "WARN: cannot lock %lu kB into memory: %s", need_kb,
		       strerror(errno));
	else
		qb_log(LOG_INFO, "Locked %lu kB into memory", need_kb);
}

int dd_generation(const char *statedir, bool use_time, uint64_t *gen)
{
	char path[4096], tmp[4200], buf[64] = "";
	uint64_t g = 0;
	FILE *f;
	int fd;

	if (use_time) {
		*gen = (uint64_t)time(NULL);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/hb_generation", statedir);
	f = fopen(path, "re");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			g = strtoull(buf, NULL, 10);
		fclose(f);
	}
	if (g == 0)
		g = (uint64_t)time(NULL);
	else
		g++;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		qb_log(LOG_ERR, "%s: cannot write the generation: %s", tmp, strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%16llu", (unsigned long long)g);
	if (write(fd, buf, 16) != 16 || fsync(fd) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		qb_log(LOG_ERR, "%s: cannot write the generation: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	*gen = g;
	return 0;
}

int dd_uuid(const char *statedir, uint8_t uuid[16])
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/hb_uuid", statedir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, uuid, 16);

		close(fd);
		if (n == 16)
			return 0;
	}
	if (getrandom(uuid, 16, 0) != 16)
		return -1;
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);	/* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, uuid, 16) != 16) {
		qb_log(LOG_ERR, "%s: cannot write the node uuid: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void dd_loadavg(char *out, size_t cap)
{
	/*
	 * Kept open and re-read with pread(): one syscall a second instead
	 * of fopen's four and its buffer allocation (the file is a seq_file,
	 * regenerated on every read at offset 0).
	 */
	static int fd = -1;
	ssize_t n;

	snprintf(out, cap, "0.00 0.00 0.00 1/1 1");
	if (cap < 2)
		return;
	if (fd < 0)
		fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = pread(fd, out, cap - 1, 0);
	if (n <= 0) {
		snprintf(out, cap, "0.00 0.00 0.00 1/1 1");
		close(fd);
		fd = -1;
		return;
	}
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
}
