/*
 * rbac_offline.h - pam_rbac's offline decision from accounts.db (pam_rbac(8),
 * Offline mode): an accounts.db record as the inputs of rbac_decide().
 *
 * The snapshot stores, per account, its state, its validity window, whether
 * it held any role, and which of the permissions the writer was given (the
 * values of pam.permissions and its default) its roles granted at refresh
 * time. That is enough for the one decision function: the account becomes
 * a struct rbac_account, and the grant becomes one synthetic role, so the
 * rules are never written twice.
 */
#ifndef RBAC_OFFLINE_H
#define RBAC_OFFLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rbac_decision.h"
#include "rbac_model.h"
#include "rbac_snapshot.h"

/* The name of the synthetic role that carries an account's stored grant. */
#define RBAC_OFFLINE_ROLE "snapshot"
/* The second synthetic role, when the permission is granted only for a
 * while (roles held through rbacAssignment entries, DESIGN.md §11): it
 * holds the permission, through one assignment per stored window. */
#define RBAC_OFFLINE_TIMED_ROLE "snapshot-timed"

enum rbac_offline_result {
	RBAC_OFFLINE_ANSWERED,	/* account and ns hold the snapshot's facts */
	RBAC_OFFLINE_NO_ANSWER, /* the snapshot knows nothing of this permission */
	RBAC_OFFLINE_NOMEM,
	RBAC_OFFLINE_DAMAGED, /* a record on the way to uid fails its check */
};

/* Fills account (initialised by the caller) from rec, and ns (initialised
 * and empty) with a resolved namespace named after the snapshot's, without
 * a master list, holding one role RBAC_OFFLINE_ROLE whose only member is
 * rec's uid when rec held at least one role always (no member otherwise:
 * no_roles; a role held only for a while gives the synthetic role an
 * rbacAssignment per stored window instead, and a permission granted only
 * for a while goes to a second role RBAC_OFFLINE_TIMED_ROLE the same way,
 * so that rbac_decide() checks the windows at its time). The role's one rbacPermission value is
 * `permission` when rec's stored grants hold exactly that string, and it has none otherwise. A
 * window value the writer marked unreadable stays present but not valid; a
 * valid one gets a GeneralizedTime raw value for the log. Returns 0, or -1
 * when out of memory (the caller frees both either way). */
int rbac_snapshot_account_to_model(const struct rbac_snapshot *s,
				   const struct rbac_snapshot_account *rec,
				   const char *permission, struct rbac_account *account,
				   struct rbac_namespace *ns);

/* What accounts.db says for uid and permission. `evaluated` lists the
 * permissions whose grants the writer stored (rbacctl refresh passes the
 * values of pam.permissions and its default: rbac_config_pam_permission_
 * values()); a permission outside it is NO_ANSWER, a search that meets a
 * record failing its check DAMAGED (never "no such account"). Otherwise
 * ANSWERED: ns
 * holds the snapshot's namespace and, when the snapshot has uid, the
 * synthetic role of rbac_snapshot_account_to_model(); account holds the
 * account (uid NULL when the snapshot has none). account and ns are
 * initialised by the caller, who frees them whatever the result. */
enum rbac_offline_result rbac_offline_lookup(const struct rbac_snapshot *s,
					     const char *const *evaluated, size_t n_evaluated,
					     const char *uid, const char *permission,
					     struct rbac_account *account,
					     struct rbac_namespace *ns);

/* Whether pam_rbac may decide from snapshot s at all, beyond the reader's
 * own checks: it must be of this host's namespace (a cn, so compared
 * case-insensitively), at most max_age seconds old, and not dated after
 * now. The reader tolerates RBAC_SNAPSHOT_MAX_SKEW seconds of a clock set
 * back for the groups; an offline grant does not: counting max_age from a
 * future date would extend it, so any future date is refused here. */
enum rbac_offline_usability {
	RBAC_OFFLINE_USABLE,
	RBAC_OFFLINE_OTHER_NAMESPACE,
	RBAC_OFFLINE_TOO_OLD,
	RBAC_OFFLINE_FUTURE,
};
enum rbac_offline_usability rbac_offline_usable(const struct rbac_snapshot *s,
						const char *namespace_name, long max_age,
						time_t now);

/* rbac_decide() on what rbac_offline_lookup() answered. */
void rbac_offline_decide(const struct rbac_namespace *ns, const struct rbac_account *account,
			 const char *permission, time_t now, bool unknown_user_ignore,
			 struct rbac_decision *d);

#endif
