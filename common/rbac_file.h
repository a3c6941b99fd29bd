/*
 * rbac_file.h - open a file only when its owner and mode can be trusted.
 *
 * The config file, the bind password file and the snapshot are all read by
 * programs running as root (sshd, sudo, su, rbacctl); a file that another
 * user could have written is refused rather than believed.
 */
#ifndef RBAC_FILE_H
#define RBAC_FILE_H

#include <stddef.h>
#include <sys/stat.h>
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

/* Reads a whole trusted file of at most `max` bytes into a NUL-terminated
 * malloc()ed buffer. Returns it (length in *len if len != NULL), or NULL with
 * a message in err. */
char *rbac_file_read_trusted(const char *path, uid_t owner, mode_t forbidden, size_t max,
			     size_t *len, char *err, size_t errlen);

#endif
