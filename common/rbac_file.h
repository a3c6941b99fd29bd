/*
 * rbac_file.h - open a file only when its owner and mode can be trusted.
 *
 * The config file, the bind password file and the snapshot are all read by
 * programs running as root (sshd, sudo, su, rbacctl); a file that another
 * user could have written is refused rather than believed.
 */
#ifndef RBAC_FILE_H
#define RBAC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/types.h>

/* Mode bits that make a file untrustworthy. */
#define RBAC_FILE_NO_WRITE_OTHERS (S_IWGRP | S_IWOTH) /* config, snapshot */
#define RBAC_FILE_PRIVATE	  (S_IRWXG | S_IRWXO) /* secrets */

/* Opens path read-only with O_CLOEXEC | O_NOFOLLOW | O_NOCTTY and checks,
 * on the opened descriptor, that it is a regular file owned by `owner` with
 * none of the `forbidden` mode bits. Returns the descriptor, or -1 with a
 * message naming the path and the problem in err (and errno set). */
int rbac_file_open_trusted(const char *path, uid_t owner, mode_t forbidden, struct stat *st,
			   char *err, size_t errlen);

/* The directory dir, opened O_PATH, after checking it and every directory
 * above it (symbolic links in dir resolved first): each is owned by root
 * or `owner`; dir itself is writable by nobody else, sticky or not; one
 * above it may be writable by others only when it is sticky (/tmp), where
 * nobody but an entry's owner may rename or remove it. A directory that
 * others may write would let them swap the files in it. Returns the
 * descriptor, or -1 with a message naming the directory in err. */
int rbac_file_open_dir_trusted(const char *dir, uid_t owner, char *err, size_t errlen);

/* rbac_file_open_trusted, with the directory holding path (and those
 * above it) checked by rbac_file_open_dir_trusted, and the file opened
 * in the directory that was checked. */
int rbac_file_open_trusted_in_dir(const char *path, uid_t owner, mode_t forbidden,
				  struct stat *st, char *err, size_t errlen);

/* Reads a whole trusted file of at most `max` bytes into a NUL-terminated
 * malloc()ed buffer. Returns it (length in *len if len != NULL), or NULL with
 * a message in err. In rbac_file_read.c: the core has it, the snapshot
 * reader (and libnss_rbac) does not. */
char *rbac_file_read_trusted(const char *path, uid_t owner, mode_t forbidden, size_t max,
			     size_t *len, char *err, size_t errlen);

struct rbac_file_id;
/* The same, and the identity of the file read in *id, taken when it was
 * opened, before it was read: a change made while it is read shows as
 * another identity next time (never the reverse). */
char *rbac_file_read_trusted_id(const char *path, uid_t owner, mode_t forbidden, size_t max,
				size_t *len, struct rbac_file_id *id, char *err, size_t errlen);

/* The identity of a file, to notice one replaced or changed since (a
 * rename, a rewrite, chmod and chown each change one of these). */
struct rbac_file_id {
	bool valid;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

void rbac_file_id_set(struct rbac_file_id *id, const struct stat *st);
/* Takes the identity of path (not followed if it is a symbolic link); an
 * id that is not valid when path cannot be looked at. One lstat(2). */
void rbac_file_id_of(struct rbac_file_id *id, const char *path);
/* True when path (not followed) still names the very file of id,
 * unchanged: same device, inode, size, mtime and ctime. One lstat(2). */
bool rbac_file_same(const struct rbac_file_id *id, const char *path);
/* rbac_file_same(), and the owner and mode checks of rbac_file_open_trusted()
 * on the same lstat(2): a chmod or chown is seen even when the clock has
 * not moved on since id was taken (coarse timestamps keep the ctime). */
bool rbac_file_same_trusted(const struct rbac_file_id *id, const char *path, uid_t owner,
			    mode_t forbidden);
/* The same for the file open on fd. One fstat(2). */
bool rbac_file_fd_same(const struct rbac_file_id *id, int fd);

#endif
