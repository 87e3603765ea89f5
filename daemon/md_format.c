/*
 * duetadm: the meta-data format. STUB until kmod/core/md.h is merged: see
 * md_format.h. It writes nothing, so no device is ever left with a format
 * that the kernel module would not read.
 */
#include "daemon/md_format.h"

#define MISSING "writing and reading duet meta-data needs the on-disk format of kmod/core/md.h, which is not in this build yet"

bool md_format_available(void)
{
	return false;
}

bool md_format_probe(const uint8_t *sb, size_t len)
{
	(void)sb;
	(void)len;
	return false;
}

int md_format_create(int fd, const struct md_layout *l, char *err, size_t errlen)
{
	(void)fd;
	(void)l;
	snprintf(err, errlen, MISSING);
	return -1;
}

int md_format_dump(int fd, const struct md_layout *l, FILE *out, char *err,
		   size_t errlen)
{
	(void)fd;
	(void)l;
	(void)out;
	snprintf(err, errlen, MISSING);
	return -1;
}
