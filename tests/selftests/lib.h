/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every wamp selftest binary shares: reading /proc/wamp with the
 * tools' own parser, the kernel's ground truth (/sys/block/<disk>/stat),
 * control and parameter writes, children that run a workload and stop,
 * reloading the module, and running as another user.
 *
 * The selftests run in a guest with wamp.ko loaded, as root.  Environment:
 * WAMP_KO (the module, for the tests that reload it), WAMP_MNT (a
 * directory on ext4 over virtio-blk; default /tmp), WAMP_LIGHT (the debug
 * kernel's run: skip the long I/O and timing runs).
 */
#ifndef WAMP_SELFTEST_LIB_H
#define WAMP_SELFTEST_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "wamp.h"
#include "wampparse.h"

#define PARAMS		"/sys/module/wamp/parameters/"
#define DEBUGFS_DIR	"/sys/kernel/debug/wamp"
#define DEBUGFS_RESET	DEBUGFS_DIR "/reset"
#define DEBUGFS_CPUS	DEBUGFS_DIR "/cpus"
#define NOBODY		65534

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* The directory of the running test binary (wamp_writer32 is there). */
extern char self_dir[];

const char *mnt(void);
bool light(void);
unsigned long size_of_run(const char *env, unsigned long full,
			  unsigned long small);
int read_report(struct wampp_report *r);
int write_str(const char *path, const char *s, size_t len);
int run(const char *cmd);
int capture(const char *cmd, char *out, size_t len);
int control(const char *cmd);
unsigned int read_param(const char *name);
int write_sysctl(const char *path, const char *val);

/* /sys/block/<disk>/stat: the kernel's own count of completed writes. */
struct blkstat {
	unsigned long long wios;
	unsigned long long wsect;
};

int read_blkstat(const char *disk, struct blkstat *st);
bool blkstat_eq(const struct blkstat *a, const struct blkstat *b);
int reset_quiet(const char *disk, struct blkstat *st);
int read_quiet(struct wampp_report *r, const char *disk, struct blkstat *st);
int read_slots(const struct wampp_report *r, unsigned long long *used,
	       unsigned long long *cap);

pid_t spawn(void (*fn)(void *), void *arg, const char *comm);
pid_t spawn_stopped(void (*fn)(void *), void *arg, const char *comm);
void reap(pid_t pid);
void ten_writes(void *p);
void write_forever(void *p);
void blk_forever(int which);

int reload(const char *params);
int drop_admin_caps(void);
int read_as(uid_t uid, bool keep_uid0_caps, char *buf, size_t len);
int read_report_as(uid_t uid, bool keep_uid0_caps, struct wampp_report *r);
void *shared_buf(size_t len);
int cpu_online(int cpu, int on);

/* /proc/sys/kernel/tainted: an oops or a warning sets a bit. */
unsigned long read_taint(void);
long long meminfo_kb(const char *key);
long long mem_used_kb(void);

/* vm.dirty_*: no periodic writeback, write back now, the defaults. */
void flusher_off(void);
void flusher_now(void);
void flusher_default(void);
/* Wait until nothing is dirty or under writeback (60 s at most). */
int wait_clean(void);

pid_t bpftrace_start(const char *prog, char *out, char *why, size_t len);
int bpftrace_stop(pid_t bt, const char *out);

const char *wampstat_path(void);
long long json_num(const char *json, const char *key);

#endif /* WAMP_SELFTEST_LIB_H */
