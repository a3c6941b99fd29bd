/*
 * rbac_publish.h - the one way both snapshot writers (rbacctl refresh and
 * rbac-syncd) install a snapshot: under the writer lock, the current
 * version's groups and accounts files (and the previous version's beside
 * them while cache.previous_versions says so), each image checked
 * completely (rbac_snapshot_verify_full) and each file read back and
 * compared with it before its rename, all of them with one generation.
 */
#ifndef RBAC_PUBLISH_H
#define RBAC_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "rbac_log.h"
#include "rbac_snapshot_write.h"

/* The lock file in the cache directory that every writer holds (flock). */
#define RBAC_WRITER_LOCK_FILE "writer.lock"

/* What a publish wrote, for the writer's summary and its log. */
struct rbac_publish_result {
	uint64_t generation;
	size_t groups, skipped_roles, users, memberships; /* groups.v3.db */
	size_t accounts;				  /* accounts.v3.db */
	double build_ms;				  /* both images built, in memory */
	double write_ms; /* written, read back, checked, renamed, synced */
};

/* Takes the writer lock of cache_dir (creating the directory, mode 0755,
 * and the lock file, 0600, when missing): flock(LOCK_EX | LOCK_NB) on
 * CACHE_DIR/writer.lock, opened O_CLOEXEC, with the holder's pid and
 * program name written into it. Returns the descriptor (the lock lasts
 * until it is closed), or -1 with err naming the holder, e.g.
 * "rbac-syncd (pid 812) holds /var/cache/rbac/writer.lock and keeps the
 * snapshot current; stop it first". */
int rbac_writer_lock(const char *cache_dir, char *err, size_t errlen);

/* Builds groups and accounts from m and o and installs them in cache_dir:
 * groups.v3.db (0644) and accounts.v3.db (0600), and with
 * previous_versions = 1 also groups.db and accounts.db in version 2 (with
 * 0, those are removed, so a process still reading version 2 stops using
 * them instead of serving them until they go stale). o->generation is set
 * here: the current groups file's generation + 1 (the version 2 file's
 * when there is no version 3 one yet), the same in every file. Holds the
 * writer lock for the write: lock_fd when the caller holds it already
 * (rbac-syncd, for its whole life), else it takes it and releases it.
 * Returns 0, or -1 with err saying what failed (a build failure is also
 * logged through lg); on failure, files already renamed stay (each is a
 * complete snapshot) and the others are untouched. */
int rbac_publish(const char *cache_dir, int lock_fd, const struct rbac_snapshot_model *m,
		 struct rbac_snapshot_options *o, int previous_versions,
		 const struct rbac_logger *lg, struct rbac_publish_result *out, char *err,
		 size_t errlen);

/* Stores synced_at in the proof block of both version 3 files in place
 * (two aligned 8-byte stores each, through a shared mapping of the
 * header; no rename, no new generation): the
 * agent's proof that the snapshot was current at that time. The caller
 * holds the writer lock. Returns 0, or -1 with err when either file is
 * missing, not a version 3 snapshot of ours, or the write fails. */
int rbac_publish_proof(const char *cache_dir, int64_t synced_at, char *err, size_t errlen);

#endif
