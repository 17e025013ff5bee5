// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/wamp: the report (format in include/wamp.h) and the control file.
 * Each open takes one snapshot, so a read is consistent across rows however
 * many read() calls it takes, and never blocks a probe.
 *
 * Who sees what (README, "Security", and view.c): the file is
 * world-readable unless root_only is set.  A reader without CAP_SYS_ADMIN
 * gets the rows of its own tasks and the totals; a reader whose /proc
 * belongs to a child pid namespace gets the tasks of that namespace only,
 * numbered as it numbers them.  Tasks it may not see count in the totals
 * and nowhere else.
 *
 * The lines are written from the lists of include/wamp.h, with
 * seq_put_decimal_*() rather than seq_printf(): no format string to parse,
 * per row and per number (BENCHMARKS.md, /proc/wamp).
 */
#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "kunit.h"
#include "params.h"
#include "procfs.h"
#include "snapshot.h"
#include "table.h"
#include "view.h"

#define WAMP_CMD_MAX	32

static struct proc_dir_entry *wamp_proc;

/* A task's or a disk's name, at most @len bytes, escaped (wamp.h). */
void wamp_seq_name(struct seq_file *m, const char *name, size_t len)
{
	size_t i;

	if (!name[0]) {
		seq_puts(m, "\\000");
		return;
	}
	for (i = 0; i < len && name[i]; i++) {
		unsigned char ch = name[i];

		if (ch > ' ' && ch < 0x7f && ch != '\\')
			seq_putc(m, ch);
		else
			seq_printf(m, "\\%03o", ch);
	}
}

static void wamp_seq_flags(struct seq_file *m, unsigned int flags)
{
	static const struct wamp_flag_name names[] = WAMP_FLAG_NAMES;
	const char *sep = "";
	size_t i;

	if (!flags) {
		seq_puts(m, "-");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(flags & names[i].bit))
			continue;
		seq_puts(m, sep);
		seq_puts(m, names[i].name);
		sep = ",";
	}
}

static void wamp_seq_centi(struct seq_file *m, u64 centi)
{
	u32 frac = do_div(centi, 100);	/* centi becomes the quotient */

	seq_put_decimal_ull(m, "", centi);
	seq_putc(m, '.');
	seq_putc(m, '0' + frac / 10);
	seq_putc(m, '0' + frac % 10);
}

static void wamp_seq_amp(struct seq_file *m, u64 write_bytes, u64 blk_bytes)
{
	if (write_bytes)
		wamp_seq_centi(m, wamp_amp_centi(write_bytes, blk_bytes));
	else
		seq_puts(m, "-");
}

/* The derived columns of WAMP_TASK_COLUMNS, each after a blank. */
static void wamp_seq_col_avg_write(struct seq_file *m,
				   const struct wamp_counts *c)
{
	if (c->writes)
		seq_put_decimal_ull(m, " ", div64_u64(c->write_bytes, c->writes));
	else
		seq_puts(m, " -");
}

static void wamp_seq_col_amp(struct seq_file *m, const struct wamp_counts *c)
{
	seq_putc(m, ' ');
	wamp_seq_amp(m, c->write_bytes, c->blk_bytes);
}

#define WAMP_SEQ_COUNTER(name, ...)	seq_put_decimal_ull(m, " ", c->name);
#define WAMP_SEQ_DERIVED(name, ...)	wamp_seq_col_##name(m, c);
#define WAMP_SEQ_KEY(name, ...)	seq_put_decimal_ull(m, " " #name "=", c->name);

/* The columns from the first counter to the last derived one, and a blank. */
static void wamp_seq_counts(struct seq_file *m, const struct wamp_counts *c)
{
	WAMP_TASK_COLUMNS(WAMP_NOTHING, WAMP_SEQ_COUNTER, WAMP_SEQ_DERIVED,
			  WAMP_NOTHING)
	seq_putc(m, ' ');
}

/* " name=value" for each task counter: totals, the exited line. */
static void wamp_seq_keys(struct seq_file *m, const struct wamp_counts *c)
{
	WAMP_TASK_COUNTERS(WAMP_SEQ_KEY)
}

WAMP_VISIBLE_IF_KUNIT void wamp_seq_header(struct seq_file *m,
					   const struct wamp_snapshot *s)
{
	seq_printf(m, WAMP_MAGIC " %d.%d", WAMP_FORMAT_MAJOR, WAMP_FORMAT_MINOR);
	wamp_seq_keys(m, &s->total);
	seq_printf(m, " " WAMP_KEY_ROWS "=%zu " WAMP_KEY_SLOTS "=%u/%u "
		   WAMP_KEY_OVERFLOW "=%llu " WAMP_KEY_NESTED "=%llu "
		   WAMP_KEY_IOV_FAULT "=%llu " WAMP_KEY_DEV_OVERFLOW "=%llu",
		   s->nr_rows, s->slots_used, s->slots_cap, s->overflow,
		   s->nested, s->iov_fault, s->dev_overflow);
	seq_printf(m, " " WAMP_KEY_OWNERS "=%u/%u " WAMP_KEY_OWNER_EVICTED "=%llu "
		   WAMP_KEY_WB_UNOWNED "=%llu " WAMP_KEY_WB_UNOWNED_BYTES "=%llu "
		   WAMP_KEY_JRNL_KEPT_BYTES "=%llu",
		   s->owners_used, s->owners_cap, s->owner_evicted,
		   s->wb_unowned, s->wb_unowned_bytes, s->jrnl_kept_bytes);
	seq_printf(m, " " WAMP_KEY_MIN_WRITES "=%u " WAMP_KEY_SMALL_BYTES "=%u "
		   WAMP_KEY_SYNC_RATIO "=%u " WAMP_KEY_AMP_RATIO "=",
		   s->th.min_writes, s->th.small_write_bytes, s->th.sync_ratio);
	wamp_seq_centi(m, s->th.amp_ratio);
	seq_putc(m, '\n');
	seq_puts(m, WAMP_TASK_HEADER + 1);
	seq_putc(m, '\n');
}

/* One task's row, with @flags. */
WAMP_VISIBLE_IF_KUNIT void wamp_seq_row(struct seq_file *m,
					const struct wamp_row *r,
					unsigned int flags)
{
	seq_put_decimal_ll(m, "", r->pid);
	seq_put_decimal_ll(m, " ", r->tgid);
	seq_putc(m, ' ');
	wamp_seq_name(m, r->comm, sizeof(r->comm));
	wamp_seq_counts(m, &r->c);
	if (r->cgid)
		seq_put_decimal_ull(m, "", r->cgid);
	else
		seq_putc(m, '-');
	seq_putc(m, ' ');
	wamp_seq_flags(m, flags);
	seq_putc(m, '\n');
}

/* The (other) row, the exited line, the device section, the system line. */
WAMP_VISIBLE_IF_KUNIT void wamp_seq_tail(struct seq_file *m,
					 const struct wamp_snapshot *s)
{
	const struct wamp_dev_row *d;
	u64 dev_bytes = 0;
	size_t i;
	int k;

	seq_puts(m, "- - " WAMP_OTHER_COMM);
	wamp_seq_counts(m, &s->other);
	seq_puts(m, "- -\n");
	seq_puts(m, WAMP_EXITED_MAGIC);
	seq_put_decimal_ull(m, " " WAMP_KEY_ROWS "=", s->folded);
	wamp_seq_keys(m, &s->exited);
	seq_putc(m, '\n');
	seq_puts(m, WAMP_DEV_MAGIC WAMP_DEV_HEADER "\n");
	for (i = 0; i < s->nr_devs; i++) {
		d = &s->devs[i];
		dev_bytes += d->write_bytes;
		seq_put_decimal_ull(m, "", MAJOR(d->devt));
		seq_put_decimal_ull(m, ":", MINOR(d->devt));
		seq_putc(m, ' ');
		wamp_seq_name(m, d->name, sizeof(d->name));
		for (k = 0; k < WAMP_DC_NR; k++)
			seq_put_decimal_ull(m, " ", d->dc[k]);
		seq_putc(m, '\n');
	}
	seq_puts(m, WAMP_SYSTEM_MAGIC);
	seq_put_decimal_ull(m, " " WAMP_KEY_WRITE_BYTES "=", s->total.write_bytes);
	seq_put_decimal_ull(m, " " WAMP_KEY_DEV_WRITE_BYTES "=", dev_bytes);
	seq_puts(m, " " WAMP_KEY_AMP "=");
	wamp_seq_amp(m, s->total.write_bytes, dev_bytes);
	seq_putc(m, '\n');
}

/* The counters of a cgroup row, as a task row has them. */
static void wamp_seq_cg_counts(struct seq_file *m,
			       const struct wamp_cg_counts *cc)
{
	struct wamp_counts t = {};
	struct wamp_counts *c = &t;

	memcpy(t.tc, cc->cc, sizeof(cc->cc));
	WAMP_CG_COLUMNS(WAMP_NOTHING, WAMP_SEQ_COUNTER, WAMP_SEQ_DERIVED,
			WAMP_NOTHING)
	seq_putc(m, ' ');
}

/* The cgroup section's line and header (the rows follow). */
WAMP_VISIBLE_IF_KUNIT void wamp_seq_cg_header(struct seq_file *m,
					      const struct wamp_snapshot *s)
{
	seq_puts(m, WAMP_CGROUP_MAGIC " " WAMP_KEY_IO "=");
	seq_puts(m, s->cg_io);
	seq_put_decimal_ull(m, " " WAMP_KEY_ROWS "=", s->nr_cgs);
	seq_put_decimal_ull(m, " " WAMP_KEY_SLOTS "=", s->cg_used);
	seq_put_decimal_ull(m, "/", s->cg_cap);
	seq_put_decimal_ull(m, " " WAMP_KEY_OVERFLOW "=", s->cg_overflow);
	seq_put_decimal_ull(m, " " WAMP_KEY_RECLAIMED "=", s->cg_reclaimed);
	seq_putc(m, '\n');
	seq_puts(m, WAMP_CG_HEADER + 1);
	seq_putc(m, '\n');
}

/* One cgroup's row, with @flags; the (other) row for NULL. */
WAMP_VISIBLE_IF_KUNIT void wamp_seq_cg_row(struct seq_file *m,
					   const struct wamp_snapshot *s,
					   const struct wamp_cg_row *r,
					   unsigned int flags)
{
	const char *path;

	if (!r) {
		seq_putc(m, '-');
		wamp_seq_cg_counts(m, &s->cg_other);
		seq_puts(m, "- " WAMP_OTHER_COMM "\n");
		return;
	}
	seq_put_decimal_ull(m, "", r->id);
	wamp_seq_cg_counts(m, &r->c);
	wamp_seq_flags(m, flags);
	seq_putc(m, ' ');
	path = s->cg_paths + r->path;
	wamp_seq_name(m, path, strlen(path));
	seq_putc(m, '\n');
}

/* The sizes section's line and header (the rows follow). */
WAMP_VISIBLE_IF_KUNIT void wamp_seq_sizes_header(struct seq_file *m,
						 const struct wamp_snapshot *s)
{
	size_t i, n = 0;
	unsigned int k;

	for (i = 0; i < s->nr_rows; i++)
		n += !!s->rows[i].c.writes;
	seq_puts(m, WAMP_SIZES_MAGIC);
	seq_put_decimal_ull(m, " " WAMP_KEY_ROWS "=", n);
	seq_puts(m, "\npid tgid comm");
	for (k = 0; k < WAMP_HIST_NR; k++)
		seq_put_decimal_ull(m, " ", wamp_hist_lower(k));
	seq_putc(m, '\n');
}

/*
 * " N" for each bucket and the newline, made in a buffer and written at
 * once: most buckets are 0, and seq_put_decimal_ull()'s checks per number
 * would double the cost of a row (BENCHMARKS.md, /proc/wamp per row).
 */
static void wamp_seq_hist(struct seq_file *m, const struct wamp_counts *c)
{
	char buf[WAMP_HIST_NR * 21 + 1], *p = buf, digits[20];
	unsigned int k, n;
	u64 v;

	for (k = 0; k < WAMP_HIST_NR; k++) {
		*p++ = ' ';
		v = c->hist[k];
		n = 0;
		do {
			digits[n++] = '0' + do_div(v, 10);
		} while (v);
		while (n)
			*p++ = digits[--n];
	}
	*p++ = '\n';
	seq_write(m, buf, p - buf);
}

/*
 * A task's row of the sizes section (none if it wrote nothing); for NULL,
 * the (other) and (exited) rows.
 */
WAMP_VISIBLE_IF_KUNIT void wamp_seq_sizes_row(struct seq_file *m,
					      const struct wamp_snapshot *s,
					      const struct wamp_row *r)
{
	if (!r) {
		seq_puts(m, "- - " WAMP_OTHER_COMM);
		wamp_seq_hist(m, &s->other);
		seq_puts(m, "- - " WAMP_EXITED_COMM);
		wamp_seq_hist(m, &s->exited);
		return;
	}
	if (!r->c.writes)
		return;
	seq_put_decimal_ll(m, "", r->pid);
	seq_put_decimal_ll(m, " ", r->tgid);
	seq_putc(m, ' ');
	wamp_seq_name(m, r->comm, sizeof(r->comm));
	wamp_seq_hist(m, &r->c);
}

/*
 * Positions: 0 the header, 1..nr_rows the tasks, nr_rows + 1 (other) and
 * what follows it up to the system line, nr_rows + 2 the cgroup section's
 * header, then its nr_cgs rows and its (other) row, then the sizes
 * section's header, a position per task and one for the (other) and
 * (exited) rows.  A file opened for
 * writing only has no snapshot, and nothing to show (the VFS refuses it
 * read(), but lseek() still walks the records).
 */
static void *wamp_seq_start(struct seq_file *m, loff_t *pos)
{
	const struct wamp_snapshot *s = m->private;

	if (!s || *pos < 0 ||
	    *pos > 2 * (loff_t)s->nr_rows + 5 + (loff_t)s->nr_cgs)
		return NULL;
	return (void *)(uintptr_t)(*pos + 1);
}

static void *wamp_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return wamp_seq_start(m, pos);
}

static void wamp_seq_stop(struct seq_file *m, void *v)
{
}

static int wamp_seq_show(struct seq_file *m, void *v)
{
	const struct wamp_snapshot *s = m->private;
	size_t idx = (uintptr_t)v - 1;
	size_t sizes = s->nr_rows + 4 + s->nr_cgs;

	if (idx == sizes)
		wamp_seq_sizes_header(m, s);
	else if (idx > sizes)
		wamp_seq_sizes_row(m, s, idx - sizes <= s->nr_rows ?
				   &s->rows[idx - sizes - 1] : NULL);
	else if (idx == 0)
		wamp_seq_header(m, s);
	else if (idx == s->nr_rows + 1)
		wamp_seq_tail(m, s);
	else if (idx == s->nr_rows + 2)
		wamp_seq_cg_header(m, s);
	else if (idx == s->nr_rows + 3 + s->nr_cgs)
		wamp_seq_cg_row(m, s, NULL, 0);
	else if (idx > s->nr_rows)
		wamp_seq_cg_row(m, s, &s->cgs[idx - s->nr_rows - 3],
				wamp_view_cg_flags(&s->cgs[idx - s->nr_rows - 3],
						   &s->th));
	else
		wamp_seq_row(m, &s->rows[idx - 1],
			     wamp_view_flags(&s->rows[idx - 1], &s->th));
	return 0;
}

static const struct seq_operations wamp_seq_ops = {
	.start = wamp_seq_start,
	.next = wamp_seq_next,
	.stop = wamp_seq_stop,
	.show = wamp_seq_show,
};

/*
 * Every open gets a seq_file, so that every file operation finds what it
 * expects whatever the open mode; a reader's also gets the snapshot (the
 * rows it may see, charged to its memory cgroup).
 */
static int wamp_proc_open(struct inode *inode, struct file *file)
{
	struct wamp_snapshot *snap = NULL;
	struct wamp_view view;
	int ret;

	if (file->f_mode & FMODE_READ) {
		/* Not audited: a reader without the capability is no denial. */
		view.all_uids = ns_capable_noaudit(&init_user_ns, CAP_SYS_ADMIN);
		view.uid = file->f_cred->fsuid;
		view.ns = proc_pid_ns(file_inode(file)->i_sb);
		view.cgns = current->nsproxy->cgroup_ns;
		if (READ_ONCE(wamp_root_only) && !view.all_uids)
			return -EACCES;
		snap = wamp_snapshot_take(&view);
		if (IS_ERR(snap))
			return PTR_ERR(snap);
	}
	ret = seq_open(file, &wamp_seq_ops);
	if (ret) {
		wamp_snapshot_free(snap);
		return ret;
	}
	/* seq_open() takes pwrite() away; a control writer may keep it. */
	if (!snap)
		file->f_mode |= FMODE_PWRITE;
	((struct seq_file *)file->private_data)->private = snap;
	return 0;
}

static int wamp_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	wamp_snapshot_free(m->private);
	return seq_release(inode, file);
}

/*
 * A control write's bytes (@len of them, not NUL-terminated): exactly one
 * known command, with or without one trailing newline.  0 for reset,
 * -EINVAL for anything else.
 */
WAMP_VISIBLE_IF_KUNIT int wamp_control_parse(const char *buf, size_t len)
{
	size_t n = sizeof(WAMP_CMD_RESET) - 1;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len != n || memcmp(buf, WAMP_CMD_RESET, n))
		return -EINVAL;
	return 0;
}

/*
 * The one control path, shared by /proc/wamp and debugfs: CAP_SYS_ADMIN in
 * the opener and the writer (so a privileged program handed an fd cannot be
 * made to reset), then wamp_control_parse().  Anything else: an error,
 * nothing changed.
 */
static int wamp_control(struct file *file, const char __user *ubuf,
			size_t len)
{
	char buf[WAMP_CMD_MAX];
	int ret;

	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len == 0 || len > sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	ret = wamp_control_parse(buf, len);
	if (ret)
		return ret;
	wamp_store_reset();
	return 0;
}

/* The write handler of every control file (also debugfs wamp/reset). */
ssize_t wamp_control_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	int ret = wamp_control(file, ubuf, len);

	return ret ? ret : len;
}

static const struct proc_ops wamp_proc_ops = {
	.proc_open = wamp_proc_open,
	.proc_read_iter = seq_read_iter,	/* also splice(), sendfile() */
	.proc_lseek = seq_lseek,
	.proc_write = wamp_control_write,
	.proc_release = wamp_proc_release,
};

int wamp_procfs_init(void)
{
	wamp_proc = proc_create(WAMP_PROC_NAME, 0644, NULL, &wamp_proc_ops);
	return wamp_proc ? 0 : -ENOMEM;
}

/* Waits for every open file to be released. */
void wamp_procfs_exit(void)
{
	proc_remove(wamp_proc);
}
