/*
 * rbac_file_read.c - a whole trusted file into memory (the config file,
 * the bind password file).
 *
 * Apart from rbac_file.c because the snapshot reader, and so
 * libnss_rbac.so.2, needs the trusted open but never this: the module
 * links rbac_file.c alone (common/local.mk).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbac_file.h"

/* Reads start with this much room when the size is unknown (st_size 0). */
#define READ_CHUNK 4096

/* Grows buf to hold at least `need` bytes plus the terminating NUL. */
static char *grow(char *buf, size_t *cap, size_t need)
{
	size_t n = *cap;
	char *p;

	while (n < need + 1)
		n = n > SIZE_MAX / 2 ? need + 1 : n * 2;
	p = realloc(buf, n);
	if (p != NULL)
		*cap = n;
	return p;
}

/*
 * Reads until EOF, or stops as soon as more than max bytes have arrived: the
 * size fstat() gave may be 0 (/proc) or stale, so it only sizes the buffer.
 * Returns -1 with errno set on a read error, -2 when the file holds more
 * than max bytes.
 */
static int read_bounded(int fd, size_t max, char **bufp, size_t *cap, size_t *len)
{
	ssize_t n;

	for (;;) {
		if (*len == *cap - 1) {
			char *p = grow(*bufp, cap, *len + 1);

			if (p == NULL)
				return -1;
			*bufp = p;
		}
		n = read(fd, *bufp + *len, *cap - 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len > max)
			return -2;
	}
}

static size_t initial_capacity(const struct stat *st, size_t max)
{
	size_t want = st->st_size > 0 ? (size_t)st->st_size : READ_CHUNK;

	if (want > max)
		want = max;
	return want + 2;
}

char *rbac_file_read_trusted(const char *path, uid_t owner, mode_t forbidden, size_t max,
			     size_t *len, char *err, size_t errlen)
{
	return rbac_file_read_trusted_id(path, owner, forbidden, max, len, NULL, err, errlen);
}

char *rbac_file_read_trusted_id(const char *path, uid_t owner, mode_t forbidden, size_t max,
				size_t *len, struct rbac_file_id *id, char *err, size_t errlen)
{
	char problem[128];
	struct stat st;
	size_t cap, used = 0;
	char *buf = NULL;
	int fd, rc;

	fd = rbac_file_open_trusted(path, owner, forbidden, &st, err, errlen);
	if (fd < 0)
		return NULL;
	if (st.st_size > 0 && (uintmax_t)st.st_size > max) {
		snprintf(problem, sizeof(problem), "too large (%ju bytes, at most %zu)",
			 (uintmax_t)st.st_size, max);
		goto fail;
	}
	cap = initial_capacity(&st, max);
	buf = malloc(cap);
	rc = buf == NULL ? -1 : read_bounded(fd, max, &buf, &cap, &used);
	if (rc == -2) {
		snprintf(problem, sizeof(problem), "too large (more than %zu bytes)", max);
		goto fail;
	}
	if (rc < 0) {
		snprintf(problem, sizeof(problem), "cannot read: %s", strerror(errno));
		goto fail;
	}
	close(fd);
	buf[used] = '\0';
	if (len != NULL)
		*len = used;
	if (id != NULL)
		rbac_file_id_set(id, &st);
	return buf;
fail:
	close(fd);
	free(buf);
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, problem);
	return NULL;
}
