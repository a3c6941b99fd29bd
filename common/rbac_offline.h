/*
 * rbac_offline.h - an accounts.db record as the inputs of rbac_decide(), for
 * pam_rbac's offline mode (DESIGN.md §8).
 *
 * The snapshot stores, per account, its state, its validity window, whether
 * it held any role, and which of the configured PAM permissions its roles
 * granted at refresh time. That is enough for the one decision function:
 * the account becomes a struct rbac_account, and the grants become one
 * synthetic role that holds exactly the stored permissions, so the rules
 * are never written twice.
 */
#ifndef RBAC_OFFLINE_H
#define RBAC_OFFLINE_H

#include "rbac_model.h"
#include "rbac_snapshot.h"

/* The name of the synthetic role that carries an account's stored grants. */
#define RBAC_OFFLINE_ROLE "snapshot"

/* Fills account (initialised by the caller) from rec, and ns (initialised
 * and empty) with a resolved namespace named after the snapshot's, without
 * a master list, holding one role RBAC_OFFLINE_ROLE whose rbacPermission
 * values are rec's granted permissions and whose only member is rec's uid
 * when rec held at least one role (no member otherwise: no_roles). A window
 * value the writer marked unreadable stays present but not valid; a valid
 * one gets a GeneralizedTime raw value for the log. Returns 0, or -1 when
 * out of memory (the caller frees both either way). */
int rbac_snapshot_account_to_model(const struct rbac_snapshot *s,
				   const struct rbac_snapshot_account *rec,
				   struct rbac_account *account, struct rbac_namespace *ns);

#endif
