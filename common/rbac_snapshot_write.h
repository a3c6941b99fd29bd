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
 * reader at lookup time. Also the users an rbacAssignment below the role
 * names (readable window, not over at the write), with the assignment's
 * window as the membership's (groups.v3.db section 11), checked at lookup
 * time too.
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

/* The sync state a writer stores in the header (rbac_snapshot.h). */
struct rbac_snapshot_sync {
	enum rbac_snapshot_source source;
	int64_t synced_at;	 /* INT64_MIN: never proven (goes in the proof block) */
	uint32_t probe_interval; /* seconds, 0 for refresh */
	const char *applied_csn; /* CSN vector text "csn;csn;..." (max per SID) or NULL */
	const char *context_csn; /* the last probe's contextCSN vector text, or NULL */
	const char *server;	 /* URI the state came from, or NULL */
};

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
	/* NULL: written by rbacctl refresh, never proven current. */
	const struct rbac_snapshot_sync *sync;
	/* Groups without the memberships of role assignments (DESIGN.md §11):
	 * the content of the version 2 files, whose readers know no
	 * membership window. */
	bool without_assignments;
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
/* Both, byte for byte and log line for line as the two calls above, with
 * the accounts sorted and indexed once for both. On failure both images
 * are freed by the caller as usual (either may be empty). */
int rbac_snapshot_build(const struct rbac_snapshot_model *m,
			const struct rbac_snapshot_options *o, const struct rbac_logger *lg,
			struct rbac_snapshot_image *groups,
			struct rbac_snapshot_image *accounts);

/* The version 2 image (the previous major version, groups.db/accounts.db)
 * of a version 3 image of this kind that the builders above made: the same
 * sections and records under the old header, the same generation and
 * times, no sync state. Returns 0, or -1 when out of memory or img is not
 * a version 3 image of this kind. The counts of img are copied. */
int rbac_snapshot_image_v2(const struct rbac_snapshot_image *img, enum rbac_snapshot_kind kind,
			   struct rbac_snapshot_image *out);
/* v2, made by rbac_snapshot_image_v2 from v3 (an image that passed
 * rbac_snapshot_verify_full), is that image's content under a well-formed
 * version 2 header: it parses as version 2, its whole-file checksum
 * matches, its generation, times and namespace are v3's, and each of its
 * sections is v3's byte for byte. That is all a complete check of v2 would
 * find, at the cost of a comparison. Returns 0, or -1. */
int rbac_snapshot_image_v2_check(const struct rbac_snapshot_image *v3,
				 const struct rbac_snapshot_image *v2,
				 enum rbac_snapshot_kind kind);

/* The image parses (any age) and passes rbac_snapshot_verify_full as a
 * snapshot of kind; else -1 and err says what, naming the file name. */
int rbac_snapshot_image_check(const void *data, size_t len, enum rbac_snapshot_kind kind,
			      const char *name, char *err, size_t errlen);

/* Writes len bytes to DIR/NAME atomically: a temporary file in DIR,
 * fchmod(mode), write, fsync, rename over NAME, fsync of DIR. On error the
 * old file is untouched, the temporary removed, and err says what failed.
 * After the rename, the replaced file (when it was a snapshot of this
 * format owned by the caller) gets its superseded word set, so readers that
 * still map it look again at once. */
int rbac_snapshot_write_file(const char *dir, const char *name, mode_t mode, const void *data,
			     size_t len, char *err, size_t errlen);
/* The same, with the image checked completely as a snapshot of kind
 * verify_kind (enum rbac_snapshot_kind, of either version;
 * rbac_snapshot_verify_full) before anything is written, and the temporary
 * file read back before the rename and compared byte for byte with it: an
 * image that fails is never written, a file that differs is removed and
 * never installed. -1: no check, as rbac_snapshot_write_file. */
int rbac_snapshot_write_verified(const char *dir, const char *name, mode_t mode,
				 const void *data, size_t len, int verify_kind, char *err,
				 size_t errlen);
/* The same read back and comparison, for an image the caller checked
 * otherwise (rbac_snapshot_image_v2_check). */
int rbac_snapshot_write_compared(const char *dir, const char *name, mode_t mode,
				 const void *data, size_t len, char *err, size_t errlen);

/* The two halves of the calls above, for a writer that installs several
 * files in order and lets the disk write one while it checks and writes
 * the next (rbac_publish): begin checks the image (VERIFIED: completely,
 * as verify_kind), writes the temporary file, asks the disk to start on it
 * and (COMPARED, VERIFIED) reads it back and compares it with the image;
 * commit waits for it (fsync), renames it over NAME and syncs DIR. After a
 * successful begin, call commit or abort (which removes the temporary
 * file) exactly once; dir and name must stay valid until then. */
enum rbac_snapshot_write_check {
	RBAC_SNAPSHOT_WRITE_PLAIN,
	RBAC_SNAPSHOT_WRITE_COMPARED,
	RBAC_SNAPSHOT_WRITE_VERIFIED,
};

struct rbac_snapshot_pending {
	int fd; /* the temporary file, -1 when none */
	const char *dir, *name;
	char tmp[4096], final[4096];
};

int rbac_snapshot_write_begin(const char *dir, const char *name, mode_t mode, const void *data,
			      size_t len, enum rbac_snapshot_write_check check, int verify_kind,
			      struct rbac_snapshot_pending *p, char *err, size_t errlen);
int rbac_snapshot_write_commit(struct rbac_snapshot_pending *p, char *err, size_t errlen);
void rbac_snapshot_write_abort(struct rbac_snapshot_pending *p);

/* Stores synced_at in the proof block of the version 3 snapshot at path,
 * in place (rbac_snapshot.h). Returns 0, or -1 with err. */
int rbac_snapshot_write_proof(const char *path, int64_t synced_at, char *err, size_t errlen);

/* The generation of the snapshot at path (either version), 0 when there is
 * none or it cannot be trusted (its age is not held against it). */
uint64_t rbac_snapshot_previous_generation(const char *path, enum rbac_snapshot_kind kind);

#endif
