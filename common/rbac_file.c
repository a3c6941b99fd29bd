/*
 * rbac_file.c - open a file only when its owner and mode can be trusted.
 *
 * Every check runs on the opened descriptor, never on the path: a path
 * checked with stat() and then opened can be swapped in between.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbac_file.h"

static void set_error(char *err, size_t errlen, const char *path, const char *problem)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, problem);
}

static void describe_open_error(int saved_errno, char *buf, size_t buflen)
{
	switch (saved_errno) {
	case ENOENT:
		snprintf(buf, buflen, "no such file");
		break;
	case ELOOP:
		/* O_NOFOLLOW: the last component is a symbolic link. */
		snprintf(buf, buflen, "is a symbolic link (refusing to follow it)");
		break;
	case EACCES:
		snprintf(buf, buflen, "permission denied");
		break;
	default:
		snprintf(buf, buflen, "cannot open: %s", strerror(saved_errno));
		break;
	}
}

static void describe_mode(mode_t bad, mode_t mode, char *buf, size_t buflen)
{
	const char *what = "has forbidden mode bits";

	if (bad & (S_IWGRP | S_IWOTH))
		what = "writable by group or others";
	else if (bad & (S_IRGRP | S_IROTH))
		what = "readable by group or others";
	else if (bad & (S_IXGRP | S_IXOTH))
		what = "executable by group or others";
	snprintf(buf, buflen, "%s (mode %04o)", what, (unsigned)(mode & 07777));
}

static void describe_owner(uid_t owner, uid_t actual, char *buf, size_t buflen)
{
	if (owner == 0)
		snprintf(buf, buflen, "not owned by root (owner uid %lu)",
			 (unsigned long)actual);
	else
		snprintf(buf, buflen, "not owned by uid %lu (owner uid %lu)",
			 (unsigned long)owner, (unsigned long)actual);
}

/* Returns 0 when st is trustworthy, else an errno value and the reason. */
static int check_stat(const struct stat *st, uid_t owner, mode_t forbidden, char *buf,
		      size_t buflen)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(buf, buflen, "not a regular file");
		return S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
	}
	if (st->st_uid != owner) {
		describe_owner(owner, st->st_uid, buf, buflen);
		return EPERM;
	}
	if (st->st_mode & forbidden) {
		describe_mode(st->st_mode & forbidden, st->st_mode, buf, buflen);
		return EPERM;
	}
	return 0;
}

/*
 * O_NONBLOCK keeps a FIFO planted at the path from hanging the caller (sshd,
 * sudo) in open(); it is cleared again once the descriptor is known to be a
 * regular file.
 */
static int open_nofollow(int dirfd, const char *name)
{
	return openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
}

static int clear_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

/* name in dirfd, shown as path in err. */
static int open_trusted_at(int dirfd, const char *name, const char *path, uid_t owner,
			   mode_t forbidden, struct stat *st, char *err, size_t errlen)
{
	struct stat local;
	char problem[128];
	int saved;
	int fd;

	if (st == NULL)
		st = &local;
	fd = open_nofollow(dirfd, name);
	if (fd < 0) {
		saved = errno;
		describe_open_error(saved, problem, sizeof(problem));
		goto fail;
	}
	if (fstat(fd, st) < 0) {
		saved = errno;
		snprintf(problem, sizeof(problem), "cannot stat: %s", strerror(saved));
		goto fail;
	}
	saved = check_stat(st, owner, forbidden, problem, sizeof(problem));
	if (saved != 0)
		goto fail;
	if (clear_nonblock(fd) < 0) {
		saved = errno;
		snprintf(problem, sizeof(problem), "cannot open: %s", strerror(saved));
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	set_error(err, errlen, path, problem);
	errno = saved;
	return -1;
}

int rbac_file_open_trusted(const char *path, uid_t owner, mode_t forbidden, struct stat *st,
			   char *err, size_t errlen)
{
	return open_trusted_at(AT_FDCWD, path, path, owner, forbidden, st, err, errlen);
}

/* Why the directory open on fd cannot be trusted, or 0. `last`: it is
 * the directory that holds the file, where sticky does not help (the
 * files in it must be replaceable by root alone). */
static int check_dir(int fd, uid_t owner, bool last, char *buf, size_t buflen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		snprintf(buf, buflen, "cannot stat: %s", strerror(errno));
		return errno;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(buf, buflen, "not a directory");
		return ENOTDIR;
	}
	if (st.st_uid != 0 && st.st_uid != owner) {
		snprintf(buf, buflen, "directory not owned by root (owner uid %lu)",
			 (unsigned long)st.st_uid);
		return EPERM;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (last || !(st.st_mode & S_ISVTX))) {
		snprintf(buf, buflen, "directory writable by group or others (mode %04o)",
			 (unsigned)(st.st_mode & 07777));
		return EPERM;
	}
	return 0;
}

/* Subdirectory name of the directory open on fd, which is closed; -1
 * with errno set when it cannot be opened. */
static int open_subdir(int fd, const char *name)
{
	int next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int saved = errno;

	close(fd);
	errno = saved;
	return next;
}

/* Walks the absolute, resolved path real from /, one O_PATH descriptor
 * per directory (no symbolic link followed), checking each. Returns the
 * last one, or -1 with real cut back to the directory that failed. */
static int walk_dirs(char *real, uid_t owner, char *problem, size_t plen)
{
	char *end = real + 1; /* real[0, end) names the directory open on fd */
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (;;) {
		char *name = end == real + 1 ? end : end + 1, *slash;
		bool last = *end == '\0';

		if (fd < 0) {
			snprintf(problem, plen, "cannot open: %s", strerror(errno));
			*end = '\0';
			return -1;
		}
		if (check_dir(fd, owner, last, problem, plen) != 0) {
			*end = '\0';
			break;
		}
		if (last)
			return fd;
		slash = strchr(name, '/');
		if (slash != NULL)
			*slash = '\0';
		fd = open_subdir(fd, name);
		end = slash != NULL ? slash : name + strlen(name);
		if (fd >= 0 && slash != NULL)
			*slash = '/';
	}
	close(fd);
	return -1;
}

int rbac_file_open_dir_trusted(const char *dir, uid_t owner, char *err, size_t errlen)
{
	char problem[128];
	char *real = realpath(dir, NULL);
	int fd;

	if (real == NULL) {
		snprintf(problem, sizeof(problem), "cannot resolve: %s", strerror(errno));
		set_error(err, errlen, dir, problem);
		return -1;
	}
	fd = walk_dirs(real, owner, problem, sizeof(problem));
	if (fd < 0)
		set_error(err, errlen, real, problem);
	free(real);
	return fd;
}

int rbac_file_open_trusted_in_dir(const char *path, uid_t owner, mode_t forbidden,
				  struct stat *st, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int dfd, fd;

	if (slash == NULL)
		dir = strdup(".");
	else
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL) {
		set_error(err, errlen, path, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	dfd = rbac_file_open_dir_trusted(dir, owner, err, errlen);
	free(dir);
	if (dfd < 0) {
		errno = EPERM;
		return -1;
	}
	fd = open_trusted_at(dfd, slash == NULL ? path : slash + 1, path, owner, forbidden, st,
			     err, errlen);
	close(dfd);
	return fd;
}

void rbac_file_id_set(struct rbac_file_id *id, const struct stat *st)
{
	id->valid = true;
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
	id->ctime = st->st_ctim;
}

void rbac_file_id_of(struct rbac_file_id *id, const char *path)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (lstat(path, &st) == 0)
		rbac_file_id_set(id, &st);
}

static bool id_matches(const struct rbac_file_id *id, const struct stat *st)
{
	return st->st_dev == id->dev && st->st_ino == id->ino && st->st_size == id->size &&
	       st->st_mtim.tv_sec == id->mtime.tv_sec &&
	       st->st_mtim.tv_nsec == id->mtime.tv_nsec &&
	       st->st_ctim.tv_sec == id->ctime.tv_sec &&
	       st->st_ctim.tv_nsec == id->ctime.tv_nsec;
}

bool rbac_file_fd_same(const struct rbac_file_id *id, int fd)
{
	struct stat st;

	return id->valid && fstat(fd, &st) == 0 && id_matches(id, &st);
}

bool rbac_file_same(const struct rbac_file_id *id, const char *path)
{
	struct stat st;

	if (!id->valid || lstat(path, &st) != 0)
		return false;
	return id_matches(id, &st);
}

bool rbac_file_same_trusted(const struct rbac_file_id *id, const char *path, uid_t owner,
			    mode_t forbidden)
{
	char problem[128];
	struct stat st;

	if (!id->valid || lstat(path, &st) != 0)
		return false;
	return id_matches(id, &st) &&
	       check_stat(&st, owner, forbidden, problem, sizeof(problem)) == 0;
}
