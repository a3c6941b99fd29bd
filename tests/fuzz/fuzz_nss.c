/*
 * fuzz_nss.c - libFuzzer target: libnss_rbac's public functions on a
 * groups.db made of the input, the way glibc calls them.
 *
 * The input becomes the snapshot file (dated now and fresh, its checksum
 * made right), installed as `rbacctl refresh` installs one: written beside
 * it, renamed over it, and the old file marked superseded, so the module
 * opens it at its next call. Then getgrent, getgrnam, getgrgid and
 * initgroups, each first with a buffer too small (the size taken from the
 * input) and again with a large one, both allocated to their exact size so
 * that AddressSanitizer sees a byte written past them. Whatever the module
 * answers must keep the NSS contract: TRYAGAIN comes with ERANGE, a group
 * handed out lies wholly inside the caller's buffer, a name or gid looked
 * up is the one asked for, and initgroups honours its limit and the group
 * to skip.
 *
 * Needs root: the module trusts only a snapshot owned by root (make fuzz
 * skips this target otherwise).
 *
 *   make fuzz FUZZ_TARGETS=fuzz_nss          (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rbac_snapshot.h"
#include "snapshot_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum nss_status _nss_rbac_setgrent(int stayopen);
enum nss_status _nss_rbac_endgrent(void);
enum nss_status _nss_rbac_getgrent_r(struct group *result, char *buffer, size_t buflen,
				     int *errnop);
enum nss_status _nss_rbac_getgrnam_r(const char *name, struct group *result, char *buffer,
				     size_t buflen, int *errnop);
enum nss_status _nss_rbac_getgrgid_r(gid_t gid, struct group *result, char *buffer,
				     size_t buflen, int *errnop);
enum nss_status _nss_rbac_initgroups_dyn(const char *user, gid_t skipgroup, long *start,
					 long *size, gid_t **groupsp, long limit, int *errnop);

#define BIG_BUFFER    (1024 * 1024)
#define MAX_GROUPS    16
#define SUPERSEDED_AT 32
#define WRITTEN_AT    72
#define STALE_AFTER   80

static char dir[256], path[300], tmp[300];
static int previous = -1; /* the installed file, to mark superseded */

static void cleanup(void)
{
	unlink(path);
	unlink(tmp);
	rmdir(dir);
}

static void setup(void)
{
	const char *t = getenv("TMPDIR");

	if (dir[0] != '\0')
		return;
	snprintf(dir, sizeof(dir), "%s/fuzz_nss.XXXXXX", t != NULL ? t : "/tmp");
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) != 0) {
		perror("fuzz_nss: mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/groups.db", dir);
	snprintf(tmp, sizeof(tmp), "%s/.groups.db.new", dir);
	setenv(RBAC_SNAPSHOT_ENV, path, 1);
	atexit(cleanup);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The input, dated now, fresh for an hour, its checksum right. */
static uint8_t *fresh_image(const uint8_t *data, size_t size)
{
	uint8_t *img;

	if (size < RBAC_SNAPSHOT_HEADER_SIZE || (img = malloc(size)) == NULL)
		return NULL;
	memcpy(img, data, size);
	put64(img + WRITTEN_AT, (uint64_t)time(NULL));
	put64(img + STALE_AFTER, 3600);
	rbac_snapshot_seal(img, size);
	return img;
}

/* Renames the image over the snapshot and marks the old file superseded,
 * as the writer does. */
static void install(const uint8_t *img, size_t size)
{
	uint8_t word[8];
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, img, size) != (ssize_t)size || close(fd) != 0 ||
	    rename(tmp, path) != 0)
		abort();
	if (previous >= 0) {
		put64(word, RBAC_SNAPSHOT_SUPERSEDED);
		if (pwrite(previous, word, sizeof(word), SUPERSEDED_AT) !=
		    (ssize_t)sizeof(word))
			abort();
		close(previous);
	}
	previous = open(path, O_WRONLY | O_CLOEXEC);
}

static bool inside(const char *buf, size_t len, const void *p, size_t n)
{
	const char *c = p;

	return c >= buf && n <= len && (size_t)(c - buf) <= len - n;
}

static bool string_inside(const char *buf, size_t len, const char *s)
{
	return inside(buf, len, s, 1) && memchr(s, '\0', len - (size_t)(s - buf)) != NULL;
}

/* A group handed out lies wholly inside the caller's buffer. */
static void check_group(const struct group *gr, const char *buf, size_t len)
{
	size_t n = 0;

	FUZZ_CHECK(string_inside(buf, len, gr->gr_name) &&
		   string_inside(buf, len, gr->gr_passwd));
	FUZZ_CHECK(gr->gr_mem != NULL);
	for (;; n++) {
		FUZZ_CHECK(inside(buf, len, &gr->gr_mem[n], sizeof(char *)));
		if (gr->gr_mem[n] == NULL)
			break;
		FUZZ_CHECK(string_inside(buf, len, gr->gr_mem[n]));
	}
}

typedef enum nss_status lookup_fn(const void *key, struct group *gr, char *buf, size_t len,
				  int *err);

static enum nss_status by_name(const void *key, struct group *gr, char *buf, size_t len,
			       int *err)
{
	return _nss_rbac_getgrnam_r(key, gr, buf, len, err);
}

static enum nss_status by_gid(const void *key, struct group *gr, char *buf, size_t len,
			      int *err)
{
	return _nss_rbac_getgrgid_r(*(const gid_t *)key, gr, buf, len, err);
}

static enum nss_status next_group(const void *key, struct group *gr, char *buf, size_t len,
				  int *err)
{
	return _nss_rbac_getgrent_r(gr, buf, len, err);
}

/* One lookup with a buffer of `small` bytes, again with a large one when
 * that was too small. *gr and *buf hold the answer on success (the caller
 * frees *buf). */
static enum nss_status lookup(lookup_fn *fn, const void *key, size_t small, struct group *gr,
			      char **buf)
{
	size_t sizes[2] = {small, BIG_BUFFER};
	enum nss_status st = NSS_STATUS_UNAVAIL;

	for (int i = 0; i < 2; i++) {
		int err = 0;

		*buf = malloc(sizes[i] ? sizes[i] : 1);
		if (*buf == NULL)
			abort();
		st = fn(key, gr, *buf, sizes[i], &err);
		if (st == NSS_STATUS_SUCCESS) {
			check_group(gr, *buf, sizes[i]);
			return st;
		}
		free(*buf);
		*buf = NULL;
		if (st != NSS_STATUS_TRYAGAIN)
			return st;
		FUZZ_CHECK(err == ERANGE);
	}
	return st;
}

/* initgroups into an array the module grows, within limit, without skip. */
static void check_initgroups(const char *user, gid_t skip, long limit)
{
	long start = 0, size = 0;
	gid_t *groups = NULL;
	int err = 0;

	if (_nss_rbac_initgroups_dyn(user, skip, &start, &size, &groups, limit, &err) ==
	    NSS_STATUS_SUCCESS) {
		FUZZ_CHECK(start <= size && (limit <= 0 || size <= limit));
		for (long i = 0; i < start; i++)
			FUZZ_CHECK(groups[i] != skip);
	}
	free(groups);
}

struct seen {
	char names[MAX_GROUPS][64];
	gid_t gids[MAX_GROUPS];
	char member[64];
	size_t n;
};

static void enumerate(size_t small, struct seen *seen)
{
	struct group gr;
	char *buf;

	_nss_rbac_setgrent(0);
	while (seen->n < MAX_GROUPS &&
	       lookup(next_group, NULL, small, &gr, &buf) == NSS_STATUS_SUCCESS) {
		snprintf(seen->names[seen->n], sizeof(seen->names[0]), "%s", gr.gr_name);
		seen->gids[seen->n++] = gr.gr_gid;
		if (seen->member[0] == '\0' && gr.gr_mem[0] != NULL)
			snprintf(seen->member, sizeof(seen->member), "%s", gr.gr_mem[0]);
		free(buf);
	}
	_nss_rbac_endgrent();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img = fresh_image(data, size);
	struct seen seen = {0};
	struct group gr;
	size_t small;
	char *buf;

	if (img == NULL)
		return 0;
	setup();
	install(img, size);
	small = img[size - 1] % 97; /* 0 included: glibc may pass no room at all */
	enumerate(small, &seen);
	for (size_t i = 0; i < seen.n; i++) {
		if (lookup(by_name, seen.names[i], small, &gr, &buf) == NSS_STATUS_SUCCESS) {
			FUZZ_CHECK(strcmp(gr.gr_name, seen.names[i]) == 0);
			free(buf);
		}
		if (lookup(by_gid, &seen.gids[i], small, &gr, &buf) == NSS_STATUS_SUCCESS) {
			FUZZ_CHECK(gr.gr_gid == seen.gids[i]);
			free(buf);
		}
	}
	if (seen.member[0] != '\0') {
		check_initgroups(seen.member, seen.n > 0 ? seen.gids[0] : 0, 0);
		check_initgroups(seen.member, (gid_t)-1, 1);
	}
	check_initgroups("", 0, 0);
	if (lookup(by_name, "", small, &gr, &buf) == NSS_STATUS_SUCCESS)
		free(buf);
	free(img);
	return 0;
}
