/*
 * import.h - `rbacctl import FILE.csv`: the bulk format
 * Email,Name,Role,Groups,Status[,Uid] (DESIGN §12) read with libcsv
 * (RFC 4180 quoting), every row validated before anything is written, and
 * the LDIF that would apply it. Pure: the directory is asked through
 * struct imp_dir, so the whole of it is unit-tested and fuzzed.
 */
#ifndef RBACCTL_IMPORT_H
#define RBACCTL_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What the import needs to know of the directory. */
struct imp_dir {
	void *data;
	/* The DN of role ref ("ROLE" in the default namespace or "NS/ROLE"),
	 * NULL when there is no such role. *canon is set to "NS/ROLE". */
	const char *(*role_dn)(void *data, const char *ref, const char **canon);
	/* The user already holds the role by memberUid. */
	int (*holds)(void *data, const char *role_canon, const char *uid);
	/* The DN of the rbacAccount whose uid is uid, NULL when none; *status
	 * its rbacAccountStatus as read (NULL when absent). */
	const char *(*account_dn)(void *data, const char *uid, const char **status);
};

/* A message tied to a place of the file (line and column count from 1,
 * the column in bytes); printed as "FILE:LINE:COL: TEXT". */
struct imp_msg {
	unsigned line, col;
	char *text;
};

struct imp_grant {
	char *canon;	    /* "NS/ROLE" */
	char *role_dn;	    /* where memberUid is added */
	int held;	    /* already a memberUid: nothing to write */
	unsigned line, col; /* where the file names the role */
};

struct imp_row {
	unsigned line;	     /* where the row starts */
	unsigned status_col; /* where its Status field starts */
	char *email, *name, *uid;
	const char *status; /* rbacAccountStatus: active, disabled, suspended */
	char *account_dn;   /* the existing account, NULL when added */
	bool unchanged;	    /* it exists with this status already: nothing to write */
	struct imp_grant *grants;
	size_t n_grants;
};

struct imp_file {
	const char *path; /* as given: the FILE of the messages */
	struct imp_row *rows;
	size_t n_rows, cap_rows;
	struct imp_msg *errors; /* sorted by place once imp_parse returns */
	size_t n_errors, cap_errors;
	struct imp_msg *warnings;
	size_t n_warnings, cap_warnings;
};

/* Reads and validates the whole of data (the file's bytes) against dir.
 * Returns 0 when every row is good (warnings allowed), 1 when any error
 * was found (f->errors, by place), -1 when out of memory. Always call
 * imp_file_free(). */
int imp_parse(struct imp_file *f, const char *path, const char *data, size_t len,
	      const struct imp_dir *dir);
void imp_file_free(struct imp_file *f);

/* The grants of a validated file not yet held, one entry per role in the
 * order the file first names it: its memberUid values to add. */
struct imp_role_adds {
	const char *canon, *role_dn;
	const char **uids; /* the rows' uids, in file order */
	size_t n;
};
/* 0, or -1 when out of memory; free with imp_role_adds_free(). */
int imp_role_adds(const struct imp_file *f, struct imp_role_adds **out, size_t *n);
void imp_role_adds_free(struct imp_role_adds *a, size_t n);

/* Writes the LDIF that applies a validated file: each new account added
 * as uid=UID,user_base (inetOrgPerson + rbacAccount), each existing one's
 * rbacAccountStatus replaced, then per role one modify adding the
 * memberUid values not yet there. Returns the number of changes written,
 * -1 on a write error or out of memory. */
long imp_write_ldif(const struct imp_file *f, const char *user_base, FILE *out);

/* "FILE:LINE:COL: TEXT" for each message, one a line. */
void imp_print_msgs(const struct imp_file *f, const struct imp_msg *m, size_t n,
		    const char *prefix, FILE *out);

#endif
