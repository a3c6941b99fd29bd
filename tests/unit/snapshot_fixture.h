/*
 * snapshot_fixture.h - the example directory (etc/example/directory.ldif)
 * as model structs, and snapshots built from it, for the snapshot and NSS
 * tests.
 */
#ifndef RBAC_TEST_SNAPSHOT_FIXTURE_H
#define RBAC_TEST_SNAPSHOT_FIXTURE_H

#include "rbac_snapshot_write.h"

#define SFX_NOW		 1798761599 /* 2026-12-31 23:59:59 UTC */
#define SFX_MAX_ACCOUNTS 32

struct sfx {
	struct rbac_namespace eng, global;
	struct rbac_account accounts[SFX_MAX_ACCOUNTS];
	size_t n_accounts;
	struct rbac_snapshot_model model;
	struct rbac_snapshot_options opts;
};

/* Fills f with the example directory: namespaces eng and global, every
 * example account, the default nss.* options, written at SFX_NOW. */
void sfx_example(struct sfx *f);
void sfx_free(struct sfx *f);
/* Appends an account: status/from/until NULL = absent. */
struct rbac_account *sfx_account(struct sfx *f, const char *uid, const char *status,
				 const char *from, const char *until, bool locked);
/* Builds groups.db (or accounts.db) from f; asserts success. */
void sfx_build(struct sfx *f, enum rbac_snapshot_kind kind, struct rbac_snapshot_image *img);

#endif
