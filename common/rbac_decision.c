/*
 * rbac_decision.c - the decision table of pam_rbac(8), DECISION: first match wins.
 *
 * Pure: no I/O, no clock, no logging. Everything the rules look at is in
 * struct rbac_decision_input, so the table is tested row by row.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <security/_pam_types.h>

#include "rbac_decision.h"

static const char *const reason_names[RBAC_REASON_COUNT] = {
    [RBAC_REASON_EXEMPT] = "exempt",
    [RBAC_REASON_CONFIG_ERROR] = "config_error",
    [RBAC_REASON_DIRECTORY_UNAVAILABLE] = "directory_unavailable",
    [RBAC_REASON_NO_NAMESPACE] = "no_namespace",
    [RBAC_REASON_UNKNOWN_USER] = "unknown_user",
    [RBAC_REASON_DELETED] = "deleted",
    [RBAC_REASON_DISABLED] = "disabled",
    [RBAC_REASON_SUSPENDED] = "suspended",
    [RBAC_REASON_LOCKED] = "locked",
    [RBAC_REASON_NOT_YET_VALID] = "not_yet_valid",
    [RBAC_REASON_EXPIRED] = "expired",
    [RBAC_REASON_NO_ROLES] = "no_roles",
    [RBAC_REASON_NO_PERMISSION] = "no_permission",
    [RBAC_REASON_GRANTED] = "granted",
    [RBAC_REASON_INVALID_ENTRY] = "invalid_entry",
    [RBAC_REASON_NO_USER] = "no_user",
    [RBAC_REASON_NOT_CONFIGURED] = "not_configured",
};

static const int reason_pam_codes[RBAC_REASON_COUNT] = {
    [RBAC_REASON_EXEMPT] = PAM_IGNORE,
    [RBAC_REASON_CONFIG_ERROR] = PAM_SERVICE_ERR,
    [RBAC_REASON_DIRECTORY_UNAVAILABLE] = PAM_AUTHINFO_UNAVAIL,
    [RBAC_REASON_NO_NAMESPACE] = PAM_SERVICE_ERR,
    [RBAC_REASON_UNKNOWN_USER] = PAM_USER_UNKNOWN,
    [RBAC_REASON_DELETED] = PAM_USER_UNKNOWN,
    [RBAC_REASON_DISABLED] = PAM_PERM_DENIED,
    [RBAC_REASON_SUSPENDED] = PAM_PERM_DENIED,
    [RBAC_REASON_LOCKED] = PAM_PERM_DENIED,
    [RBAC_REASON_NOT_YET_VALID] = PAM_PERM_DENIED,
    [RBAC_REASON_EXPIRED] = PAM_ACCT_EXPIRED,
    [RBAC_REASON_NO_ROLES] = PAM_PERM_DENIED,
    [RBAC_REASON_NO_PERMISSION] = PAM_PERM_DENIED,
    [RBAC_REASON_GRANTED] = PAM_SUCCESS,
    [RBAC_REASON_INVALID_ENTRY] = PAM_PERM_DENIED,
    [RBAC_REASON_NO_USER] = PAM_SERVICE_ERR,
    [RBAC_REASON_NOT_CONFIGURED] = PAM_IGNORE,
};

const char *rbac_reason_name(enum rbac_reason reason)
{
	if ((unsigned)reason >= RBAC_REASON_COUNT)
		return "invalid_reason";
	return reason_names[reason];
}

int rbac_reason_pam_code(enum rbac_reason reason, bool unknown_user_ignore)
{
	if ((unsigned)reason >= RBAC_REASON_COUNT)
		return PAM_PERM_DENIED;
	if (reason == RBAC_REASON_UNKNOWN_USER && unknown_user_ignore)
		return PAM_IGNORE;
	return reason_pam_codes[reason];
}

const char *rbac_decision_word(int pam_code)
{
	if (pam_code == PAM_SUCCESS)
		return "allow";
	return pam_code == PAM_IGNORE ? "ignore" : "deny";
}

/* Rules 6-9 and the unreadable status value. */
static enum rbac_reason account_state_reason(const struct rbac_account *a,
					     const char **invalid_attribute)
{
	switch (a->status) {
	case RBAC_STATUS_DELETED:
		return RBAC_REASON_DELETED;
	case RBAC_STATUS_DISABLED:
		return RBAC_REASON_DISABLED;
	case RBAC_STATUS_SUSPENDED:
		return RBAC_REASON_SUSPENDED;
	case RBAC_STATUS_ACTIVE:
		return a->locked ? RBAC_REASON_LOCKED : RBAC_REASON_GRANTED;
	default:
		*invalid_attribute = "rbacAccountStatus";
		return RBAC_REASON_INVALID_ENTRY;
	}
}

/* A window value that is present but unreadable never grants. */
static enum rbac_reason window_readable(const struct rbac_account *a,
					const char **invalid_attribute)
{
	if (a->valid_from.present && !a->valid_from.valid) {
		*invalid_attribute = "rbacValidFrom";
		return RBAC_REASON_INVALID_ENTRY;
	}
	if (a->valid_until.present && !a->valid_until.valid) {
		*invalid_attribute = "rbacValidUntil";
		return RBAC_REASON_INVALID_ENTRY;
	}
	return RBAC_REASON_GRANTED;
}

/* Rules 10-11. */
static enum rbac_reason validity_reason(const struct rbac_account *a, time_t now,
					const char **invalid_attribute)
{
	enum rbac_reason r = window_readable(a, invalid_attribute);

	if (r != RBAC_REASON_GRANTED)
		return r;
	if (a->valid_from.present && now < a->valid_from.t)
		return RBAC_REASON_NOT_YET_VALID;
	if (a->valid_until.present && now > a->valid_until.t)
		return RBAC_REASON_EXPIRED;
	return RBAC_REASON_GRANTED;
}

/* Rules 12-13 for one namespace: counts held roles, records a grant and
 * the first assignment whose window cannot be read. */
static void namespace_grant(const struct rbac_namespace *ns, const char *uid, const char *perm,
			    time_t now, struct rbac_decision *out)
{
	if (ns == NULL)
		return;
	for (size_t i = 0; i < ns->n_roles; i++) {
		const struct rbac_role *r = &ns->roles[i];
		const struct rbac_assignment *a;
		const struct rbac_role *src;
		const char *pattern = NULL;
		enum rbac_hold h = rbac_role_holds(r, uid, now, &a);

		if (h == RBAC_HOLD_UNREADABLE && out->invalid_assignment == NULL)
			out->invalid_assignment = a;
		if (h != RBAC_HOLD_MEMBER && h != RBAC_HOLD_ASSIGNED)
			continue;
		out->roles_held++;
		if (out->grant_role != NULL)
			continue;
		src = rbac_role_grant_source(ns, r, perm, &pattern);
		if (src != NULL) {
			out->grant_ns = ns;
			out->grant_role = r;
			out->grant_source = src;
			out->grant_pattern = pattern;
			out->grant_assignment = a;
		}
	}
}

/* Nothing granted while an assignment of the user cannot be read: that is
 * the reason (it might have granted; never guess), not no_roles. */
static bool assignment_unreadable(struct rbac_decision *out)
{
	const struct rbac_assignment *a = out->invalid_assignment;

	if (a == NULL)
		return false;
	out->invalid_attribute =
	    a->valid_from.present && !a->valid_from.valid ? "rbacValidFrom" : "rbacValidUntil";
	return true;
}

enum rbac_reason rbac_account_state(const struct rbac_account *a, time_t now,
				    const char **invalid_attribute)
{
	enum rbac_reason r;

	*invalid_attribute = NULL;
	if (a == NULL || a->uid == NULL)
		return RBAC_REASON_UNKNOWN_USER;
	r = account_state_reason(a, invalid_attribute);
	if (r != RBAC_REASON_GRANTED)
		return r;
	return validity_reason(a, now, invalid_attribute);
}

static enum rbac_reason decide_reason(const struct rbac_decision_input *in,
				      struct rbac_decision *out)
{
	enum rbac_reason r;

	/* A host whose rbac.conf names no directory (the packages' default)
	 * has not been set up: installing the module must lock nobody out,
	 * so it steps aside for anyone, with or without a name. */
	if (in->not_configured)
		return RBAC_REASON_NOT_CONFIGURED;
	/* Before the exempt list, which needs a name: an application that calls
	 * the account phase without one is broken, and its caller must not
	 * take that for an unknown (possibly ignored) user. */
	if (in->no_user)
		return RBAC_REASON_NO_USER;
	if (in->exempt)
		return RBAC_REASON_EXEMPT;
	if (in->config_error)
		return RBAC_REASON_CONFIG_ERROR;
	if (in->directory_unavailable)
		return RBAC_REASON_DIRECTORY_UNAVAILABLE;
	if (in->ns == NULL)
		return RBAC_REASON_NO_NAMESPACE;
	if (in->account_ambiguous) {
		out->invalid_attribute = "uid";
		return RBAC_REASON_INVALID_ENTRY;
	}
	r = rbac_account_state(in->account, in->now, &out->invalid_attribute);
	if (r != RBAC_REASON_GRANTED)
		return r;
	namespace_grant(in->ns, in->account->uid, in->permission, in->now, out);
	namespace_grant(in->global, in->account->uid, in->permission, in->now, out);
	if (out->grant_role == NULL && assignment_unreadable(out))
		return RBAC_REASON_INVALID_ENTRY;
	if (out->roles_held == 0)
		return RBAC_REASON_NO_ROLES;
	if (out->grant_role == NULL)
		return RBAC_REASON_NO_PERMISSION;
	return RBAC_REASON_GRANTED;
}

enum rbac_reason rbac_account_standing(const struct rbac_account *a,
				       const char **invalid_attribute)
{
	enum rbac_reason r;

	if (a == NULL || a->uid == NULL)
		return RBAC_REASON_UNKNOWN_USER;
	r = account_state_reason(a, invalid_attribute);
	if (r != RBAC_REASON_GRANTED)
		return r;
	return window_readable(a, invalid_attribute);
}

void rbac_decide(const struct rbac_decision_input *in, struct rbac_decision *out)
{
	memset(out, 0, sizeof(*out));
	out->permission = in->permission;
	out->reason = decide_reason(in, out);
	out->pam_code = rbac_reason_pam_code(out->reason, in->unknown_user_ignore);
}

static const char *const reason_messages[RBAC_REASON_COUNT] = {
    [RBAC_REASON_CONFIG_ERROR] = "Access denied: the access control configuration of this "
				 "host is broken; contact an administrator.",
    [RBAC_REASON_DIRECTORY_UNAVAILABLE] = "Access denied: the access directory cannot be "
					  "reached; try again later.",
    [RBAC_REASON_NO_NAMESPACE] = "Access denied: this host's namespace is missing from the "
				 "directory; contact an administrator.",
    [RBAC_REASON_UNKNOWN_USER] = "Access denied: you have no account in the access directory.",
    [RBAC_REASON_DELETED] = "Access denied: your account has been deleted.",
    [RBAC_REASON_DISABLED] = "Access denied: your account is disabled.",
    [RBAC_REASON_LOCKED] = "Access denied: your account is locked.",
    [RBAC_REASON_NO_ROLES] = "Access denied: you hold no role on this host.",
    [RBAC_REASON_INVALID_ENTRY] = "Access denied: your directory entry cannot be read; "
				  "contact an administrator.",
    [RBAC_REASON_NO_USER] = "Access denied: the application did not say which user is "
			    "logging in.",
};

/* The sentence of a reason that needs nothing from the entry. */
static const char *fixed_message(enum rbac_reason reason, char *buf, size_t bufsz)
{
	if ((unsigned)reason >= RBAC_REASON_COUNT || reason_messages[reason] == NULL)
		return NULL;
	snprintf(buf, bufsz, "%s", reason_messages[reason]);
	return buf;
}

/* The directory's free text, reduced to printable ASCII and cut, so a
 * status reason cannot draw on the user's terminal. */
#define RBAC_MESSAGE_REASON_MAX 120

static void printable_copy(char *dst, size_t dstsz, const char *src)
{
	size_t n = 0;

	for (; src != NULL && *src != '\0' && n + 1 < dstsz && n < RBAC_MESSAGE_REASON_MAX;
	     src++) {
		unsigned char c = (unsigned char)*src;

		dst[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[n] = '\0';
}

static const char *format_when(const struct rbac_time_bound *b, char *buf, size_t bufsz)
{
	struct tm tm;

	if (!b->valid || gmtime_r(&b->t, &tm) == NULL ||
	    strftime(buf, bufsz, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, bufsz, "an unreadable time");
	return buf;
}

static const char *suspended_message(const struct rbac_account *a, char *buf, size_t bufsz)
{
	char why[RBAC_MESSAGE_REASON_MAX + 1];

	printable_copy(why, sizeof(why), a != NULL ? a->status_reason : NULL);
	if (why[0] == '\0')
		snprintf(buf, bufsz, "Access denied: your account is suspended.");
	else
		snprintf(buf, bufsz, "Access denied: your account is suspended (%s).", why);
	return buf;
}

const char *rbac_decision_message(const struct rbac_decision *d, const struct rbac_account *a,
				  char *buf, size_t bufsz)
{
	char when[64];

	switch (d->reason) {
	case RBAC_REASON_SUSPENDED:
		return suspended_message(a, buf, bufsz);
	case RBAC_REASON_NOT_YET_VALID:
		snprintf(buf, bufsz, "Access denied: your access starts on %s.",
			 format_when(&a->valid_from, when, sizeof(when)));
		return buf;
	case RBAC_REASON_EXPIRED:
		snprintf(buf, bufsz, "Access denied: your access expired on %s.",
			 format_when(&a->valid_until, when, sizeof(when)));
		return buf;
	case RBAC_REASON_NO_PERMISSION:
		snprintf(buf, bufsz, "Access denied: your roles do not grant %s on this host.",
			 d->permission != NULL ? d->permission : "this service");
		return buf;
	default:
		break;
	}
	return fixed_message(d->reason, buf, bufsz);
}
