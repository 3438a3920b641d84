// SPDX-License-Identifier: GPL-2.0
/*
 * ipckit-binderfs-add CONTROL NAME...: BINDER_CTL_ADD each NAME on the
 * binder-control file CONTROL, printing "NAME MAJOR:MINOR" per device.
 * A helper for run_vm.sh's binderfs checks (no _test: run_suite skips it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/ipckit_binderfs.h>

int main(int argc, char **argv)
{
	struct binderfs_device dev;
	int fd, i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s CONTROL NAME...\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 2; i < argc; i++) {
		memset(&dev, 0, sizeof(dev));
		strncpy(dev.name, argv[i], BINDERFS_MAX_NAME);
		if (ioctl(fd, BINDER_CTL_ADD, &dev) < 0) {
			fprintf(stderr, "BINDER_CTL_ADD %s: %s\n", argv[i],
				strerror(errno));
			close(fd);
			return 1;
		}
		printf("%s %u:%u\n", argv[i], dev.major, dev.minor);
	}
	close(fd);
	return 0;
}
