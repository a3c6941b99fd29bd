/*
 * rbac_decision.h - the decision of pam_rbac(8), DECISION, as one pure function.
 *
 * Input: what the caller found (exempt list, config and directory health,
 * namespace, global namespace, account) plus the required permission and
 * the time; output: the first matching reason of the table and its PAM code.
 * No I/O: PAM, rbacctl and the tests all call exactly this.
 */
#ifndef RBAC_DECISION_H
#define RBAC_DECISION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rbac_model.h"

enum rbac_reason {
	RBAC_REASON_EXEMPT,
	RBAC_REASON_CONFIG_ERROR,
	RBAC_REASON_DIRECTORY_UNAVAILABLE,
	RBAC_REASON_NO_NAMESPACE,
	RBAC_REASON_UNKNOWN_USER,
	RBAC_REASON_DELETED,
	RBAC_REASON_DISABLED,
	RBAC_REASON_SUSPENDED,
	RBAC_REASON_LOCKED,
	RBAC_REASON_NOT_YET_VALID,
	RBAC_REASON_EXPIRED,
	RBAC_REASON_NO_ROLES,
	RBAC_REASON_NO_PERMISSION,
	RBAC_REASON_GRANTED,
	RBAC_REASON_INVALID_ENTRY,
	RBAC_REASON_NO_USER, /* rule 0: the application gave no user name */
	/* before every rule: rbac.conf sets none of namespace, ldap.uri and
	 * ldap.base (RBAC_CONFIG_NOT_CONFIGURED): the module steps aside */
	RBAC_REASON_NOT_CONFIGURED,
};
#define RBAC_REASON_COUNT (RBAC_REASON_NOT_CONFIGURED + 1)

struct rbac_decision_input {
	bool not_configured;		     /* nothing to ask: PAM_IGNORE for anyone */
	bool no_user;			     /* no user name: nothing else can be asked */
	bool exempt;			     /* user is in pam.exempt_users */
	bool config_error;		     /* config unreadable or invalid */
	bool directory_unavailable;	     /* no server answered */
	const struct rbac_namespace *ns;     /* NULL: namespace entry not found */
	const struct rbac_namespace *global; /* NULL: none configured or found */
	const struct rbac_account *account;  /* NULL: no rbacAccount for the user */
	bool account_ambiguous;		     /* several rbacAccount entries claim the
					      * uid: a directory error, never a guess */
	const char *permission;		     /* the service's required permission */
	time_t now;
	bool unknown_user_ignore; /* pam.unknown_user = "ignore" */
};

struct rbac_decision {
	enum rbac_reason reason;
	int pam_code;
	const char *permission; /* in->permission */
	size_t roles_held;	/* in ns and global together */
	/* granted: the held role that gives the permission, its namespace, the
	 * role whose own rbacPermission matched (itself or an inherited one)
	 * and that pattern. */
	const struct rbac_namespace *grant_ns;
	const struct rbac_role *grant_role;
	const struct rbac_role *grant_source;
	const char *grant_pattern;
	/* granted through an rbacAssignment in force (not memberUid): that one. */
	const struct rbac_assignment *grant_assignment;
	/* invalid_entry: the attribute that could not be read, and the
	 * assignment it belongs to when it is one (else the account's). */
	const char *invalid_attribute;
	const struct rbac_assignment *invalid_assignment;
};

void rbac_decide(const struct rbac_decision_input *in, struct rbac_decision *out);

/* Rules 5-11 of the table for one account at now, the part of the decision
 * that needs no role: GRANTED for an account that may hold roles now, else
 * the reason (unknown_user for NULL, deleted, disabled, suspended, locked,
 * not_yet_valid, expired, or invalid_entry with *invalid_attribute set;
 * NULL otherwise). rbac_decide() asks it before it looks at any role;
 * rbacctl shows it as the account's state. */
enum rbac_reason rbac_account_state(const struct rbac_account *account, time_t now,
				    const char **invalid_attribute);

/* Rules 5-9 of the table for one account, plus the readability of its
 * validity window, without comparing the window to any time: GRANTED when
 * only rules 10-11 (the window) remain to be checked, else the reason the
 * account can hold nothing (unknown_user, deleted, disabled, suspended,
 * locked, invalid_entry with *invalid_attribute set). The snapshot writer
 * uses it and stores the window, which the reader checks at lookup time. */
enum rbac_reason rbac_account_standing(const struct rbac_account *account,
				       const char **invalid_attribute);

/* The reason keyword used in logs, rbacctl, man pages and tests. */
const char *rbac_reason_name(enum rbac_reason reason);
/* The PAM result of a reason (pam_rbac(8), RETURN VALUES). */
int rbac_reason_pam_code(enum rbac_reason reason, bool unknown_user_ignore);
/* The word of pam_rbac's log line and of `rbacctl check` for a PAM result
 * (decision=allow|ignore|deny): the stack goes on, skips the module, or
 * refuses. */
const char *rbac_decision_word(int pam_code);
/* A sentence for the user who was denied, e.g. "Access denied: your account
 * is suspended (password reset pending)."; the status reason from the
 * directory is length-limited and reduced to printable characters. Returns
 * buf, or NULL for reasons the user is not told about (exempt, granted). */
const char *rbac_decision_message(const struct rbac_decision *d,
				  const struct rbac_account *account, char *buf, size_t bufsz);

#endif
