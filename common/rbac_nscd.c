/*
 * rbac_nscd.c - drop the name-service cache's group table after a
 * snapshot write, and read how long that cache keeps groups
 * (rbac_nscd.h).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rbac_nscd.h"

/* nscd's socket protocol, version 2: its request type INVALIDATE is 10 in
 * glibc's enumeration (and in unscd, which copies it). */
#define NSCD_VERSION	2
#define NSCD_INVALIDATE 10
#define NSCD_GROUP_KEY	"group"

/* glibc nscd's own defaults for the group table (its dbs[] table). */
#define NSCD_DEFAULT_POSITIVE_TTL 3600
#define NSCD_DEFAULT_NEGATIVE_TTL 60

/* "WHAT PATH: strerror(e)" into err when the caller wants it. */
static void set_err(char *err, size_t errlen, const char *what, const char *path, int e)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(e));
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline: 1 ready, 0 deadline passed,
 * -1 error (errno). */
static int wait_for(int fd, short events, long deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	int rc;

	for (;;) {
		long left = deadline - now_ms();

		if (left <= 0)
			return 0;
		rc = poll(&p, 1, (int)left);
		if (rc >= 0 || errno != EINTR)
			return rc;
	}
}

static const char *socket_or_default(const char *path)
{
	return path != NULL ? path : RBAC_NSCD_SOCKET;
}

/* A non-blocking connection to path: fd >= 0; -1 when nobody listens
 * there (no file, no listener, not a socket); -2 on any other failure
 * (errno). A listener whose backlog is full is waited for until the
 * deadline. */
static int connect_to(const char *path, long deadline)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, e;
	socklen_t len = sizeof(e);

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -2;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -2;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	e = errno;
	if ((e == EAGAIN || e == EINPROGRESS) && wait_for(fd, POLLOUT, deadline) == 1 &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0)
		return fd;
	close(fd);
	errno = e == EAGAIN || e == EINPROGRESS ? ETIMEDOUT : e;
	if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR || e == ENOTSOCK)
		return -1;
	return -2;
}

bool rbac_nscd_running(const char *socket_path)
{
	int fd = connect_to(socket_or_default(socket_path), now_ms() + RBAC_NSCD_TIMEOUT_MS);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int send_all(int fd, const unsigned char *buf, size_t len, long deadline)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (wait_for(fd, POLLOUT, deadline) != 1) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	return 0;
}

/* The request: {version, INVALIDATE, key length} as native int32, then
 * the key with its NUL, in one buffer so it leaves in one write. */
static size_t build_request(unsigned char *buf)
{
	const int32_t head[3] = {NSCD_VERSION, NSCD_INVALIDATE, sizeof(NSCD_GROUP_KEY)};

	memcpy(buf, head, sizeof(head));
	memcpy(buf + sizeof(head), NSCD_GROUP_KEY, sizeof(NSCD_GROUP_KEY));
	return sizeof(head) + sizeof(NSCD_GROUP_KEY);
}

/* An end of stream before any answer: unscd's way of saying done, and
 * glibc nscd's way of ignoring a caller that is not root. */
static enum rbac_nscd_outcome closed_without_answer(const char *path, char *err, size_t errlen)
{
	if (geteuid() == 0)
		return RBAC_NSCD_INVALIDATED;
	set_err(err, errlen, "the cache ignored the invalidation (it obeys only root) on", path,
		EPERM);
	return RBAC_NSCD_FAILED;
}

/* glibc nscd answers with one int32, 0 when done; unscd invalidates and
 * closes without an answer. */
static enum rbac_nscd_outcome read_answer(int fd, const char *path, long deadline, char *err,
					  size_t errlen)
{
	int32_t answer;
	unsigned char *p = (unsigned char *)&answer;
	size_t got = 0;

	while (got < sizeof(answer)) {
		ssize_t n = recv(fd, p + got, sizeof(answer) - got, 0);

		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0 && got == 0)
			return closed_without_answer(path, err, errlen);
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			set_err(err, errlen, "answer cut short from", path,
				n == 0 ? EPIPE : errno);
			return RBAC_NSCD_FAILED;
		}
		if (wait_for(fd, POLLIN, deadline) != 1) {
			set_err(err, errlen, "no answer to the invalidation from", path,
				ETIMEDOUT);
			return RBAC_NSCD_FAILED;
		}
	}
	if (answer == 0)
		return RBAC_NSCD_INVALIDATED;
	if (err != NULL && errlen > 0)
		snprintf(err, errlen,
			 "the cache on %s refused to drop its group table (code %d)", path,
			 (int)answer);
	return RBAC_NSCD_FAILED;
}

enum rbac_nscd_outcome rbac_nscd_invalidate_group(const char *socket_path, int timeout_ms,
						  char *err, size_t errlen)
{
	const char *path = socket_or_default(socket_path);
	long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : RBAC_NSCD_TIMEOUT_MS);
	unsigned char req[64];
	size_t len = build_request(req);
	enum rbac_nscd_outcome out;
	int fd = connect_to(path, deadline);

	if (fd == -1)
		return RBAC_NSCD_NO_CACHE;
	if (fd < 0) {
		set_err(err, errlen, "cannot connect to", path, errno);
		return RBAC_NSCD_FAILED;
	}
	if (send_all(fd, req, len, deadline) != 0) {
		set_err(err, errlen, "cannot send the invalidation to", path, errno);
		out = RBAC_NSCD_FAILED;
	} else {
		out = read_answer(fd, path, deadline, err, errlen);
	}
	close(fd);
	return out;
}

/* ------------------------------------------------------ nscd.conf */

/* "yes"/"no" as nscd reads them; anything else leaves the value alone. */
static void take_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0)
		*out = false;
}

static void take_seconds(const char *v, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno == 0 && end != v && *end == '\0' && n >= 0)
		*out = n;
}

/* One line: "KEY group VALUE", blanks around, '#' to the end is a
 * comment. Lines for other tables, and other keys, are not ours. */
static void take_line(char *line, struct rbac_nscd_group_cache *c)
{
	char *save = NULL, *key, *table, *value;
	char *hash = strchr(line, '#');

	if (hash != NULL)
		*hash = '\0';
	key = strtok_r(line, " \t\r\n", &save);
	table = key != NULL ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	value = table != NULL ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	if (value == NULL || strcmp(table, "group") != 0)
		return;
	if (strcmp(key, "enable-cache") == 0)
		take_bool(value, &c->enabled);
	else if (strcmp(key, "positive-time-to-live") == 0)
		take_seconds(value, &c->positive_ttl);
	else if (strcmp(key, "negative-time-to-live") == 0)
		take_seconds(value, &c->negative_ttl);
}

int rbac_nscd_group_ttl(const char *conf_path, struct rbac_nscd_group_cache *out, char *err,
			size_t errlen)
{
	const char *path = conf_path != NULL ? conf_path : RBAC_NSCD_CONF;
	char line[1024];
	FILE *f;
	int rc = 1;

	*out = (struct rbac_nscd_group_cache){false, NSCD_DEFAULT_POSITIVE_TTL,
					      NSCD_DEFAULT_NEGATIVE_TTL};
	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		set_err(err, errlen, "cannot read", path, errno);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		take_line(line, out);
	if (ferror(f)) {
		set_err(err, errlen, "cannot read", path, EIO);
		rc = -1;
	}
	fclose(f);
	return rc;
}

long rbac_nscd_group_hold(const struct rbac_nscd_group_cache *c)
{
	if (!c->enabled)
		return 0;
	return c->positive_ttl > c->negative_ttl ? c->positive_ttl : c->negative_ttl;
}
