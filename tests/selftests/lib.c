// SPDX-License-Identifier: GPL-2.0
/* The selftests' shared helpers: see lib.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "lib.h"

char self_dir[PATH_MAX];

const char *mnt(void)
{
	const char *m = getenv("WAMP_MNT");

	return m && *m ? m : "/tmp";
}

/*
 * WAMP_LIGHT (the debug kernel's run, where every syscall costs many
 * times more): skip the long I/O and timing runs, which check-kernels
 * covers; the code paths they reach are reached by the other tests too.
 */
bool light(void)
{
	const char *l = getenv("WAMP_LIGHT");

	return l && *l;
}

/*
 * How big a run is: the environment's @env if set (the kernel matrix sets
 * smaller sizes on the kernels other than the reference one), else @small
 * under WAMP_LIGHT, else @full.
 */
unsigned long size_of_run(const char *env, unsigned long full,
			  unsigned long small)
{
	const char *v = getenv(env);

	if (v && *v)
		return strtoul(v, NULL, 10);
	return light() ? small : full;
}

int read_report(struct wampp_report *r)
{
	char err[256];
	char *text = wampp_read_file(WAMP_PROC_PATH);
	int ret;

	if (!text) {
		fprintf(stderr, "cannot read %s: %s\n", WAMP_PROC_PATH,
			strerror(errno));
		return -1;
	}
	ret = wampp_parse(text, r, err, sizeof(err));
	if (ret)
		fprintf(stderr, "parse: %s\n---\n%s---\n", err, text);
	free(text);
	return ret;
}

int write_str(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int control(const char *cmd)
{
	return write_str(WAMP_PROC_PATH, cmd, strlen(cmd));
}

int read_blkstat(const char *disk, struct blkstat *st)
{
	unsigned long long f[7];
	char path[128];
	FILE *fp;
	int n;

	snprintf(path, sizeof(path), "/sys/block/%s/stat", disk);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	n = fscanf(fp, "%llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
		   &f[2], &f[3], &f[4], &f[5], &f[6]);
	fclose(fp);
	if (n != 7)
		return -1;
	st->wios = f[4];
	st->wsect = f[6];
	return 0;
}

bool blkstat_eq(const struct blkstat *a, const struct blkstat *b)
{
	return a->wios == b->wios && a->wsect == b->wsect;
}

/*
 * Reset at a moment when @disk completes no write, and return its stat
 * then: the window that wamp's device totals must match.
 */
int reset_quiet(const char *disk, struct blkstat *st)
{
	struct blkstat a;

	sync();
	for (int i = 0; i < 50; i++) {
		if (read_blkstat(disk, &a) || control("reset") ||
		    read_blkstat(disk, st))
			return -1;
		if (blkstat_eq(&a, st))
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

/* Read the report at a moment when @disk's write stats hold still. */
int read_quiet(struct wampp_report *r, const char *disk, struct blkstat *st)
{
	struct blkstat a;

	for (int i = 0; i < 50; i++) {
		if (read_blkstat(disk, &a) || read_report(r))
			return -1;
		if (read_blkstat(disk, st))
			break;
		if (blkstat_eq(&a, st))
			return 0;
		wampp_free(r);
		usleep(100 * 1000);
	}
	return -1;
}

/* The header's slots=USED/CAP; the number of fields found (2 if fine). */
int read_slots(const struct wampp_report *r, unsigned long long *used,
	       unsigned long long *cap)
{
	for (size_t i = 0; i < r->nkv; i++)
		if (!strcmp(r->kv[i].key, WAMP_KEY_SLOTS))
			return sscanf(r->kv[i].val, "%llu/%llu", used, cap);
	return 0;
}

unsigned int read_param(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	(void)!read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return (unsigned int)strtoul(buf, NULL, 10);
}

/* Run @fn(@arg) in a child named @comm, which then exits: its pid. */
pid_t spawn(void (*fn)(void *), void *arg, const char *comm)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		fn(arg);
		_exit(0);
	}
	return pid;
}

/*
 * Run @fn(@arg) in a child named @comm, which then stops itself.  Returns
 * the stopped child's pid: its row can be read while it is still alive.
 */
pid_t spawn_stopped(void (*fn)(void *), void *arg, const char *comm)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		fn(arg);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
		return -1;
	return pid;
}

void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * Drop CAP_SYS_ADMIN and CAP_SYS_MODULE (either lets a task change the
 * parameters), keeping uid 0 and so the files' DAC permissions.
 */
int drop_admin_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	static const int caps[] = { CAP_SYS_ADMIN, CAP_SYS_MODULE };

	if (syscall(SYS_capget, &h, d))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++) {
		d[CAP_TO_INDEX(caps[i])].effective &= ~CAP_TO_MASK(caps[i]);
		d[CAP_TO_INDEX(caps[i])].permitted &= ~CAP_TO_MASK(caps[i]);
	}
	return (int)syscall(SYS_capset, &h, d);
}

/* ---------------------------------------------------------------- */

/*
 * Unload wamp if it is loaded and load $WAMP_KO with @params: 0 or -1.
 * The syscalls insmod and rmmod make, without their exec (which costs
 * seconds under KASAN in TCG, where kmod's libraries come over 9p).
 */
int reload(const char *params)
{
	const char *ko = getenv("WAMP_KO");
	int fd, ret;

	if (!ko)
		return -1;
	if (!access(WAMP_PROC_PATH, F_OK) &&
	    syscall(SYS_delete_module, "wamp", O_NONBLOCK))
		return -1;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return ret ? -1 : 0;
}

void ten_writes(void *p)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	for (int i = 0; i < 10; i++)
		(void)!write(fd, "0123456789", 10);
}

void write_forever(void *p)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	for (;;)
		(void)!write(fd, "w", 1);
}

void blk_forever(int which)
{
	char path[PATH_MAX];
	void *buf;
	int fd;

	if (posix_memalign(&buf, 4096, 65536))
		_exit(1);
	memset(buf, 0, 65536);
	if (which == 0) {
		fd = open("/dev/nullb0", O_WRONLY | O_DIRECT);
		for (off_t off = 0; fd >= 0; off = (off + 65536) % (1 << 30))
			(void)!pwrite(fd, buf, 65536, off);
	}
	snprintf(path, sizeof(path), "%s/wamp_rmmod.%d", mnt(), getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	for (int i = 0; fd >= 0; i++) {
		(void)!pwrite(fd, buf, 4096, (off_t)(i % 1024) * 4096);
		fsync(fd);
	}
	_exit(1);
}

int write_sysctl(const char *path, const char *val)
{
	return write_str(path, val, strlen(val));
}

const char *wampstat_path(void)
{
	static char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/../tools/wampstat", self_dir);
	return path;
}

/* Run a shell command, its stdout into @out (NUL-terminated). */
int capture(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;
	int st;

	if (!f)
		return -1;
	while (n + 1 < len && !feof(f))
		n += fread(out + n, 1, len - 1 - n, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The number after "key": in @json, from @from on. */
long long json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

#define NOBODY	65534

/* Read /proc/wamp as @uid (capabilities dropped) into @buf; -errno. */
int read_as(uid_t uid, bool keep_uid0_caps, char *buf, size_t len)
{
	int st, fd;
	pid_t pid;

	memset(buf, 0, len);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		size_t got = 0;
		ssize_t n = 0;

		if (keep_uid0_caps ? drop_admin_caps() :
		    (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(100);
		fd = open(WAMP_PROC_PATH, O_RDONLY);
		if (fd < 0)
			_exit(errno);
		while (got < len - 1 &&
		       (n = read(fd, buf + got, len - 1 - got)) > 0)
			got += n;
		_exit(n < 0 ? errno : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -ECHILD;
	return -WEXITSTATUS(st);
}

void *shared_buf(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int cpu_online(int cpu, int on)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return write_str(path, on ? "1" : "0", 1);
}

static void __attribute__((constructor)) find_self(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		snprintf(self_dir, sizeof(self_dir), "%s", dirname(buf));
	}
}

unsigned long read_taint(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/kernel/tainted", O_RDONLY);

	if (fd >= 0) {
		(void)!read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	return strtoul(buf, NULL, 10);
}

long long meminfo_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return v;
}

/*
 * Free pages held in the per-CPU page lists: the "count:" lines of the
 * pagesets in /proc/zoneinfo, in KiB.  MemFree leaves them out, and since
 * 6.7 the lists grow with the frees they see (pcp high auto-tuning), by
 * megabytes: a reader's freed snapshot would look held.
 */
static long long pcp_free_kb(void)
{
	char line[256], *p;
	long long pages = 0;
	FILE *f = fopen("/proc/zoneinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		for (p = line; *p == ' '; p++)
			;
		if (!strncmp(p, "count:", 6))
			pages += strtoll(p + 6, NULL, 10);
	}
	if (f)
		fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) >> 10);
}

/*
 * The machine's memory in use, page cache left out (it comes and goes
 * with the guest's 9p reads, by megabytes): total - free (with the
 * per-CPU lists) - buffers - cache - reclaimable slab.  What a reader
 * makes the kernel hold, charged or not, is in it.
 */
long long mem_used_kb(void)
{
	return meminfo_kb("MemTotal") - meminfo_kb("MemFree") -
	       pcp_free_kb() - meminfo_kb("Buffers") - meminfo_kb("Cached") -
	       meminfo_kb("SReclaimable");
}

/* /proc/wamp as read by @uid (see read_as()), parsed: 0 or -errno. */
int read_report_as(uid_t uid, bool keep_uid0_caps, struct wampp_report *r)
{
	const size_t len = 4 << 20;
	char *buf = shared_buf(len), err[256];
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = read_as(uid, keep_uid0_caps, buf, len);
	if (!ret && wampp_parse(buf, r, err, sizeof(err))) {
		fprintf(stderr, "parse: %s\n---\n%s---\n", err, buf);
		ret = -EBADMSG;
	}
	munmap(buf, len);
	return ret;
}

/* The flusher's knobs, and waiting for it (the attribution tests). */
#define VM	"/proc/sys/vm/"

/* No periodic writeback: dirty data stays until somebody writes it. */
void flusher_off(void)
{
	write_sysctl(VM "dirty_writeback_centisecs", "0");
	write_sysctl(VM "dirty_expire_centisecs", "360000");
}

/* The flusher writes back everything dirty for more than 10 ms, now. */
void flusher_now(void)
{
	write_sysctl(VM "dirty_expire_centisecs", "1");
	write_sysctl(VM "dirty_writeback_centisecs", "10");
}

void flusher_default(void)
{
	write_sysctl(VM "dirty_expire_centisecs", "3000");
	write_sysctl(VM "dirty_writeback_centisecs", "500");
}

/* Wait until nothing is dirty or under writeback (60 s at most). */
int wait_clean(void)
{
	for (int i = 0; i < 600; i++) {
		if (!meminfo_kb("Dirty") && !meminfo_kb("Writeback"))
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

#define WAMP_BT_READY "wamp: bpftrace probes attached"

/*
 * Start bpftrace with @prog, its output to @out (a mkstemp() template,
 * filled in), and wait until its probes are attached: its pid then, or -1
 * if it exited first, with the first ERROR line it printed in @why (the
 * case wamp exists for: a kernel bpftrace can't use).
 *
 * bpftrace prints "Attaching N probes..." before it attaches them, and on
 * a slow guest the attaching can take longer than any fixed sleep: a
 * workload started then goes partly uncounted, and a SIGINT sent then
 * waits for the attaching to end.  So one more probe goes after @prog,
 * on getppid() from this process only, which bpftrace attaches last: we
 * call getppid() until its line comes out, which also says bpftrace's
 * output loop runs.  However long that takes on a loaded machine, the
 * test's own timeout is the bound.
 */
pid_t bpftrace_start(const char *prog, char *out, char *why, size_t len)
{
	bool ready = false;
	char line[512];
	char *full;
	pid_t bt;
	FILE *f;
	int st, ofd;

	why[0] = '\0';
	if (asprintf(&full, "%s %s /pid == %d/ { printf(\"%s\\n\"); }",
		     prog, "tracepoint:syscalls:sys_enter_getppid", getpid(),
		     WAMP_BT_READY) < 0)
		return -1;
	ofd = mkstemp(out);
	if (ofd < 0) {
		free(full);
		return -1;
	}
	bt = fork();
	if (bt < 0) {
		close(ofd);
		free(full);
		return -1;
	}
	if (bt == 0) {
		dup2(ofd, 1);
		dup2(ofd, 2);
		execlp("bpftrace", "bpftrace", "-B", "none", "-e", full,
		       (char *)NULL);
		_exit(127);
	}
	close(ofd);
	free(full);
	while (!ready) {
		bool gone = waitpid(bt, &st, WNOHANG) == bt;

		syscall(SYS_getppid);
		usleep(100 * 1000);
		f = fopen(out, "r");
		while (f && fgets(line, sizeof(line), f)) {
			ready |= !strncmp(line, WAMP_BT_READY,
					  strlen(WAMP_BT_READY));
			if (strstr(line, "ERROR") && !why[0])
				snprintf(why, len, "%s", line);
		}
		if (f)
			fclose(f);
		/* Reaped: attached or not, it is no longer there to stop. */
		if (gone)
			return -1;
	}
	return bt;
}

/* @cmd's output to stderr as TAP comments. */
static void bt_dump(const char *cmd)
{
	char line[512];
	FILE *p = popen(cmd, "r");

	while (p && fgets(line, sizeof(line), p))
		fprintf(stderr, "# %s", line);
	if (p)
		pclose(p);
}

/*
 * Stop bpftrace started by bpftrace_start(): SIGINT makes it print its
 * maps and exit; 0 once it did, -1 if it failed or had to be killed
 * (60 s).  bpftrace 0.17 (Debian 12) can miss one: its handler only sets
 * a flag, which its output loop reads after an interrupted epoll_wait()
 * or an event, so a SIGINT that lands between two 100 ms epoll_wait()s
 * of a program with no printf() is never acted on (seen on 6.1-rt: 3 of
 * 8 runs, asleep in epoll_wait() with nothing pending).  So SIGINT again
 * every second until it exits.  On failure, what it printed to @out and how it ended go to
 * stderr as TAP comments: the only trace of it a guest run keeps.
 */
int bpftrace_stop(pid_t bt, const char *out)
{
	char line[512];
	FILE *f;
	int st, i;

	for (i = 0; i < 600; i++) {
		if (!(i % 10))
			kill(bt, SIGINT);
		if (waitpid(bt, &st, WNOHANG) == bt)
			break;
		usleep(100 * 1000);
	}
	if (i == 600) {
		fprintf(stderr, "# bpftrace did not exit 60 s after SIGINT\n");
		snprintf(line, sizeof(line),
			 "cd /proc/%d && grep -E '^(State|Sig|ShdPnd|Threads)' status; for t in task/*; do echo \"$t $(cut -d' ' -f3 $t/stat) $(cat $t/wchan) $(cat $t/syscall)\"; cat $t/stack; done",
			 bt);
		bt_dump(line);
		kill(bt, SIGKILL);
		waitpid(bt, &st, 0);
	} else if (WIFEXITED(st) && !WEXITSTATUS(st)) {
		if (i >= 10)
			fprintf(stderr, "# bpftrace exited after %d SIGINTs\n",
				i / 10 + 1);
		return 0;
	} else if (WIFEXITED(st)) {
		fprintf(stderr, "# bpftrace exited with status %d\n",
			WEXITSTATUS(st));
	} else {
		fprintf(stderr, "# bpftrace killed by signal %d\n",
			WTERMSIG(st));
	}
	f = fopen(out, "r");
	while (f && fgets(line, sizeof(line), f))
		fprintf(stderr, "# bpftrace: %s", line);
	if (f)
		fclose(f);
	return -1;
}
