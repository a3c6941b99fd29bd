/*
 * snapshot_exercise.h - what the snapshot fuzz targets do with an image
 * that parsed: every lookup libnss_rbac and pam_rbac make, and the
 * invariants the checks promise.
 */
#ifndef FUZZ_SNAPSHOT_EXERCISE_H
#define FUZZ_SNAPSHOT_EXERCISE_H

#include <stddef.h>
#include <stdint.h>

/* A broken invariant stops the fuzzer with the input that broke it. */
#define FUZZ_CHECK(cond)                                                                       \
	do {                                                                                   \
		if (!(cond))                                                                   \
			__builtin_trap();                                                      \
	} while (0)

/* Parses data as groups.db and, when it parses, looks up every group by
 * name and gid, every member and every user's groups (getgrnam, getgrgid,
 * getgrent, initgroups), plus names and gids taken from the input. */
void fuzz_groups_db(const uint8_t *data, size_t size);

/* Parses data as accounts.db and, when it parses, looks every account up,
 * decides for it as pam_rbac's offline mode does (rbac_offline_lookup(),
 * rbac_snapshot_account_to_model(), rbac_offline_decide()). */
void fuzz_accounts_db(const uint8_t *data, size_t size);

/* An exact-size copy of data with the header checksum made right, so that
 * mutations reach the checks behind it; NULL when too short or out of
 * memory. The caller frees it. */
uint8_t *fuzz_fix_checksum(const uint8_t *data, size_t size);

#endif
