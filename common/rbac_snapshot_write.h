/*
 * rbac_snapshot_write.h - build groups.db and accounts.db from the model
 * and write them atomically (nss_rbac(8), GROUPS and THE SNAPSHOT). Used by `rbacctl refresh`.
 *
 * Groups: every role of the host namespace, named by group_format, then
 * every role of the global namespace, named by global_group_format; within
 * a namespace the roles are taken in name order (strcmp), so the result is
 * the same for the same directory. The first role to claim a name or a gid
 * keeps it; a later one is skipped and logged.
 *
 * Group names, member names and the gid: the rules of rbac_names.h.
 *
 * Members: the holders of the role (with expand_inherited, also the holders
 * of every role that inherits it) whose rbacAccount entry passes rules 5-9
 * of pam_rbac(8)'s DECISION table and whose window is readable
 * (rbac_account_standing); the window itself is stored and checked by the
 * reader at lookup time.
 */
#ifndef RBAC_SNAPSHOT_WRITE_H
#define RBAC_SNAPSHOT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "rbac_log.h"
#include "rbac_model.h"
#include "rbac_snapshot.h"

struct rbac_snapshot_options {
	const char *group_format;	 /* nss.group_format, e.g. "rbac-%r" */
	const char *global_group_format; /* nss.global_group_format */
	unsigned long gid_min, gid_max;	 /* nss.gid_min, nss.gid_max */
	bool expand_inherited;		 /* nss.expand_inherited */
	long stale_after;		 /* cache.stale_after, seconds > 0 */
	uint64_t generation;
	time_t now; /* stored as "written at" */
	/* accounts.db: the permissions whose grant is stored per account
	 * (the values of pam.permissions and its default). */
	const char *const *permissions;
	size_t n_permissions;
};

struct rbac_snapshot_model {
	const struct rbac_namespace *ns;     /* the host's namespace, resolved */
	const struct rbac_namespace *global; /* resolved, or NULL */
	const struct rbac_account *accounts; /* every rbacAccount entry */
	size_t n_accounts;
};

/* A built image, ready for rbac_snapshot_write_file(). */
struct rbac_snapshot_image {
	unsigned char *data;
	size_t len;
	/* What went in, for rbacctl's summary. */
	size_t groups, skipped_roles, users, memberships;
};

void rbac_snapshot_image_free(struct rbac_snapshot_image *img);

/* Build the images. Skipped roles and members are logged through lg (roles
 * at LOG_WARNING with their DN, inactive members at LOG_DEBUG). Return 0,
 * or -1 when out of memory or a count does not fit the format (logged). */
int rbac_snapshot_build_groups(const struct rbac_snapshot_model *m,
			       const struct rbac_snapshot_options *o,
			       const struct rbac_logger *lg, struct rbac_snapshot_image *out);
int rbac_snapshot_build_accounts(const struct rbac_snapshot_model *m,
				 const struct rbac_snapshot_options *o,
				 const struct rbac_logger *lg, struct rbac_snapshot_image *out);

/* Writes len bytes to DIR/NAME atomically: a temporary file in DIR,
 * fchmod(mode), write, fsync, rename over NAME, fsync of DIR. On error the
 * old file is untouched, the temporary removed, and err says what failed.
 * After the rename, the replaced file (when it was a snapshot of this
 * format owned by the caller) gets its superseded word set, so readers that
 * still map it look again at once. */
int rbac_snapshot_write_file(const char *dir, const char *name, mode_t mode, const void *data,
			     size_t len, char *err, size_t errlen);

/* The generation of the snapshot at path, 0 when there is none or it cannot
 * be trusted (its age is not held against it). */
uint64_t rbac_snapshot_previous_generation(const char *path, enum rbac_snapshot_kind kind);

#endif
