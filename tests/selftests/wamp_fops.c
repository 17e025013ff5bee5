// SPDX-License-Identifier: GPL-2.0
/*
 * wamp_fops: the file-operation fuzzer (fops.c) as a program, for the
 * debug kernel's load/unload stress.  Runs OPS operations, or until
 * SIGTERM with -n 0, on the FILEs (default: wamp's files as they are at
 * start), as uid UID if given, and prints what it did.
 *
 * Usage: wamp_fops [-n OPS] [-s SEED] [-u UID] [FILE...]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "fops.h"
#include "lib.h"

static int stop;

static void on_term(int sig)
{
	(void)sig;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
	unsigned long ops = 10000;
	unsigned int seed = 1;
	const char *files[64];
	struct fops_stats st = { 0 };
	size_t n = 0;
	int c, uid = -1;

	while ((c = getopt(argc, argv, "n:s:u:")) != -1) {
		switch (c) {
		case 'n':
			ops = strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'u':
			uid = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: wamp_fops [-n OPS] [-s SEED] [-u UID] [FILE...]\n");
			return 2;
		}
	}
	for (; optind < argc && n < ARRAY_SIZE(files); optind++)
		files[n++] = argv[optind];
	if (!n)
		n = fops_wamp_files(files, ARRAY_SIZE(files));
	if (uid >= 0 && (setresgid(uid, uid, uid) || setresuid(uid, uid, uid))) {
		perror("wamp_fops: setresuid");
		return 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGPIPE, SIG_IGN);
	if (fops_run(files, n, ops, &stop, seed, &st)) {
		perror("wamp_fops");
		return 1;
	}
	printf("fops: uid=%d files=%zu opens=%lu refused=%lu ops=%lu ok=%lu\n",
	       (int)getuid(), n, st.opens, st.open_refused, st.ops, st.ok);
	return 0;
}
