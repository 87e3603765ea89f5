/*
 * dd_sys: see dd_sys.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <stdbool.h>
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

/* "Field: N kB" of /proc/self/status */
static unsigned long status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	size_t fl = strlen(field);
	unsigned long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
			kb = strtoul(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

struct used_map {
	unsigned long start, len_kb, rss_kb;
};

/* densest first: resident share of the mapping, descending */
static int by_density(const void *a, const void *b)
{
	const struct used_map *x = a, *y = b;
	unsigned long long l = (unsigned long long)x->rss_kb * y->len_kb;
	unsigned long long r = (unsigned long long)y->rss_kb * x->len_kb;

	return l > r ? -1 : l < r;
}

/*
 * A mapping's header line of /proc/self/smaps ("start-end perms offset dev
 * inode name"): its bounds, permissions and name (blanks skipped, "" for
 * an anonymous one). False for the "Key: value" lines under it.
 */
static bool smaps_header(const char *line, unsigned long *a, unsigned long *b, char perms[8],
			 const char **name)
{
	int pos = 0;

	if (sscanf(line, "%lx-%lx %7s %*s %*s %*s%n", a, b, perms, &pos) != 3)
		return false;
	*name = line + pos + strspn(line + pos, " \t");
	return true;
}

/*
 * Without CAP_IPC_LOCK, mlockall() refuses when everything mapped exceeds
 * RLIMIT_MEMLOCK, and mlock() counts the whole length of a range. Lock,
 * on fault, the mappings this process uses (some page resident: its own
 * image, heap, stack, the blackbox and the libraries), the most densely
 * used first, as long as they fit in the limit: what is left out is
 * library code mapped but hardly touched (libsystemd's compression and
 * crypto dependencies). Returns the kB locked; *skipped_kb gets the size
 * of the mappings left out and *skipped_rss_kb their resident part.
 */
static unsigned long lock_used_mappings(unsigned long limit_kb, unsigned long *skipped_kb,
					unsigned long *skipped_rss_kb)
{
	enum { MAX_MAPS = 512 };
	static struct used_map maps[MAX_MAPS];
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	unsigned long start = 0, len_kb = 0, locked = 0, rss;
	size_t n = 0;
	bool have = false;

	*skipped_kb = *skipped_rss_kb = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char perms[8];
		const char *name;

		if (smaps_header(line, &a, &b, perms, &name)) {
			start = a;
			len_kb = (b - a) / 1024;
			/* the readable mappings, not the kernel's [vvar] & co */
			have = perms[0] == 'r' && !strstr(name, "[vvar") &&
			       !strstr(name, "[vdso]") && !strstr(name, "[vsyscall]");
			continue;
		}
		if (!have || sscanf(line, "Rss: %lu kB", &rss) != 1)
			continue;
		have = false;
		if (rss == 0 || len_kb == 0)
			continue;
		if (n == MAX_MAPS) {
			*skipped_kb += len_kb;
			*skipped_rss_kb += rss;
			continue;
		}
		maps[n++] = (struct used_map){ start, len_kb, rss };
	}
	fclose(f);
	qsort(maps, n, sizeof(maps[0]), by_density);
	for (size_t i = 0; i < n; i++) {
		if (locked + maps[i].len_kb > limit_kb ||
		    mlock2((void *)maps[i].start, maps[i].len_kb * 1024, MLOCK_ONFAULT) < 0) {
			*skipped_kb += maps[i].len_kb;
			*skipped_rss_kb += maps[i].rss_kb;
			continue;
		}
		locked += maps[i].len_kb;
	}
	return locked;
}

/*
 * Lock memory so that paging never delays a heartbeat, without making the
 * daemon bigger: MCL_ONFAULT locks the pages resident now and each page of
 * the current mappings once it is touched, instead of faulting in every
 * mapped page (MCL_CURRENT alone would make all 10 MB of libraries
 * resident). Later mappings (a thread's stack, a malloc arena) stay
 * pageable, so no allocation can fail on the limit at run time.
 */
static void lock_memory(void)
{
	struct rlimit rl;
	unsigned long mapped_kb = status_kb("VmSize"), limit_kb, locked_kb;
	unsigned long skipped_kb, skipped_rss_kb;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		rl.rlim_cur = 0;
	limit_kb = rl.rlim_cur == RLIM_INFINITY ? ULONG_MAX : (unsigned long)(rl.rlim_cur / 1024);
	if (mlockall(MCL_CURRENT | MCL_ONFAULT) == 0) {
		qb_log(LOG_INFO, "Locked memory: all %lu kB mapped, pages locked as they are "
		       "used (%lu kB resident now)", mapped_kb, status_kb("VmRSS"));
		return;
	}
	if (errno == EINVAL) {
		/* a kernel before 4.4 (no MCL_ONFAULT): everything or nothing */
		if (mapped_kb > limit_kb) {
			qb_log(LOG_WARNING,
			       "WARN: not locking memory: %lu kB mapped, RLIMIT_MEMLOCK is %lu kB "
			       "(raise LimitMEMLOCK to lock it)", mapped_kb, limit_kb);
			return;
		}
		if (mlockall(MCL_CURRENT) < 0)
			qb_log(LOG_WARNING, "WARN: cannot lock %lu kB into memory: %s",
			       mapped_kb, strerror(errno));
		else
			qb_log(LOG_INFO, "Locked %lu kB into memory", mapped_kb);
		return;
	}
	/* ENOMEM/EPERM: more mapped than RLIMIT_MEMLOCK, no CAP_IPC_LOCK */
	locked_kb = lock_used_mappings(limit_kb, &skipped_kb, &skipped_rss_kb);
	if (skipped_rss_kb * 4 <= skipped_kb)
		qb_log(LOG_INFO, "Locked memory: %lu kB of mappings in use, pages locked as "
		       "they are used (%lu kB mapped, RLIMIT_MEMLOCK %lu kB; left pageable: "
		       "%lu kB of hardly used library mappings, %lu kB resident)",
		       locked_kb, mapped_kb, limit_kb, skipped_kb, skipped_rss_kb);
	else
		qb_log(LOG_WARNING, "WARN: memory partly locked: %lu kB of mappings in use "
		       "locked, %lu kB (%lu kB resident) did not fit in RLIMIT_MEMLOCK "
		       "(%lu kB; raise LimitMEMLOCK to lock them)", locked_kb, skipped_kb,
		       skipped_rss_kb, limit_kb);
}

/*
 * Start-up (configuration parsing, name resolution, the first IPC and
 * socket set-up) runs code that the idle loop never runs again, and the
 * kernel maps file pages around each fault (fault-around, 64 kB), so most
 * of libc's and GLib's text and symbol tables end up in our page tables.
 * Drop the page table entries of the read-only file mappings (text,
 * read-only data) once started: the pages stay in the page cache and the
 * loop faults back only what it uses. Only mappings without a private
 * (copy-on-write) page are touched, so relocated data (RELRO) is never
 * discarded.
 */
static unsigned long trim_text(void)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	unsigned long start = 0, end = 0, anon, rss = 0, dropped = 0;
	bool text = false;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		char perms[8];
		const char *name;

		if (smaps_header(line, &a, &b, perms, &name)) {
			start = a;
			end = b;
			rss = 0;
			/* text and read-only data, not writable, file-backed */
			text = (strcmp(perms, "r-xp") == 0 || strcmp(perms, "r--p") == 0) &&
			       name[0] == '/';
			continue;
		}
		if (!text)
			continue;
		if (sscanf(line, "Rss: %lu kB", &rss) == 1)
			continue;
		if (sscanf(line, "Anonymous: %lu kB", &anon) != 1)
			continue;
		text = false;
		if (anon == 0 && rss > 0 &&
		    madvise((void *)start, end - start, MADV_DONTNEED) == 0)
			dropped += rss;
	}
	fclose(f);
	return dropped;
}

void dd_realtime(bool on, int prio)
{
	struct sched_param sp = { 0 };

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
}

void dd_memory_settle(bool lock)
{
	unsigned long dropped = trim_text();

	/* give back the heap the start-up freed (configuration text, IPC) */
	malloc_trim(0);

	qb_log(LOG_DEBUG, "start-up done: %lu kB of read-only file pages unmapped (still cached)",
	       dropped);
	if (lock)
		lock_memory();
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
