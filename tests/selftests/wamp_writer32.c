// SPDX-License-Identifier: GPL-2.0
/*
 * Built with gcc -m32: runs every workload through the ia32 syscall ABI on
 * the file named in argv[1], then stops itself so that the test can read
 * its row.  ia32 numbers must be counted as ia32 numbers.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include "workload.h"

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 2;
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	for (unsigned int i = 0; i < WL_NR; i++)
		wl_all[i].fn(fd);
	raise(SIGSTOP);
	return 0;
}
