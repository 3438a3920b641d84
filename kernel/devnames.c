// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing of the devices= module parameter: a comma-separated list of misc
 * device names, one ipckit context each.
 *
 * Pure logic (no locks, no allocation) so that KUnit can cover it.
 */
#include <linux/errno.h>
#include <linux/string.h>

#include "internal.h"

/* Names become /dev/<name> and /sys/class/misc/<name>: keep them plain. */
static bool ipckit_devname_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static int ipckit_devname_check(const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return -EINVAL;
	if (len >= IPCKIT_DEVNAME_MAX)
		return -ENAMETOOLONG;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!ipckit_devname_char_ok(name[i]))
			return -EINVAL;
	return 0;
}

/**
 * ipckit_devnames_parse() - split and validate a devices= value
 * @param:   the parameter string, e.g. "binder,hwbinder"
 * @out:     receives the names; @out->count is 0 on error
 * @bad:     on error, set to the offending entry (not NUL-terminated)
 * @bad_len: on error, set to the length of *@bad
 *
 * Return: 0, or -EINVAL (empty list, empty name, bad character),
 * -ENAMETOOLONG, -E2BIG (more than IPCKIT_MAX_DEVICES) or -EEXIST (a name
 * given twice).
 */
int ipckit_devnames_parse(const char *param, struct ipckit_devnames *out,
			  const char **bad, size_t *bad_len)
{
	const char *p = param ? param : "";
	unsigned int i;
	int err;

	out->count = 0;
	*bad = p;
	*bad_len = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		*bad = p;
		*bad_len = len;
		err = ipckit_devname_check(p, len);
		if (err)
			goto fail;
		if (out->count == IPCKIT_MAX_DEVICES) {
			err = -E2BIG;
			goto fail;
		}
		for (i = 0; i < out->count; i++) {
			if (strlen(out->name[i]) == len &&
			    !memcmp(out->name[i], p, len)) {
				err = -EEXIST;
				goto fail;
			}
		}
		memcpy(out->name[out->count], p, len);
		out->name[out->count][len] = '\0';
		out->count++;
		if (!comma)
			return 0;
		p = comma + 1;
	}
fail:
	out->count = 0;
	return err;
}
