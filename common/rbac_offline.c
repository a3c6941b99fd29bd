/*
 * rbac_offline.c - pam_rbac's offline decision: an accounts.db record as
 * the inputs of rbac_decide().
 *
 * Kept apart from the reader (rbac_snapshot.c) so that the reader alone
 * still builds without the model, as the fuzzer builds it.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbac_offline.h"
#include "rbac_time.h"

/* The writer stores an unreadable window value as "none" (INT64_MIN or
 * INT64_MAX) with RBAC_SNAPSHOT_ACCOUNT_BAD_TIME; only a present value
 * that is stored as "none" can be the unreadable one. */
static int bound_from_record(struct rbac_time_bound *b, bool present, bool bad, int64_t t,
			     int64_t none)
{
	char buf[32];

	b->present = present;
	b->valid = present && !(bad && t == none);
	if (!b->valid)
		return 0;
	b->t = (time_t)t;
	b->raw = strdup(rbac_time_format(b->t, buf, sizeof(buf)));
	return b->raw != NULL ? 0 : -1;
}

static int account_from_record(const struct rbac_snapshot_account *rec, struct rbac_account *a)
{
	bool bad = (rec->flags & RBAC_SNAPSHOT_ACCOUNT_BAD_TIME) != 0;

	a->uid = strdup(rec->uid);
	if (a->uid == NULL)
		return -1;
	a->status = (enum rbac_status)rec->status;
	a->locked = (rec->flags & RBAC_SNAPSHOT_ACCOUNT_LOCKED) != 0;
	if (rec->reason != NULL && (a->status_reason = strdup(rec->reason)) == NULL)
		return -1;
	if (bound_from_record(&a->valid_from, (rec->flags & RBAC_SNAPSHOT_ACCOUNT_FROM) != 0,
			      bad, rec->valid_from, INT64_MIN) < 0 ||
	    bound_from_record(&a->valid_until, (rec->flags & RBAC_SNAPSHOT_ACCOUNT_UNTIL) != 0,
			      bad, rec->valid_until, INT64_MAX) < 0)
		return -1;
	/* A record that says a window value was unreadable but marks neither
	 * bound so is not one the writer makes: it is still unreadable, and
	 * never a window without bounds (found by fuzz_accounts). */
	if (bad && a->valid_from.valid == a->valid_from.present &&
	    a->valid_until.valid == a->valid_until.present) {
		free(a->valid_until.raw);
		a->valid_until.raw = NULL;
		a->valid_until.present = true;
		a->valid_until.valid = false;
	}
	return 0;
}

/* The stored grants are answers of rbac_role_grants() to one question
 * each -- "does a held role grant this exact string?" -- not patterns: a
 * stored "host.*" says the roles grant the permission "host.*", and
 * nothing about host.sudo, which a restriction may have removed. So only
 * a stored string equal to the one asked for is a grant, compared with
 * strcmp() and never through rbac_perm_match(); the synthetic role then
 * carries that string alone, which rbac_decide() matches (P == R) and
 * nothing else. */
static bool open_window(int64_t from, int64_t until)
{
	return from == INT64_MIN && until == INT64_MAX;
}

/* An assignment of uid with the window [from, until] to role (a stored
 * time-bound holding, DESIGN.md §11): rbac_decide() then checks it at the
 * decision's time, as it does a directory's. */
static int assign(struct rbac_role *role, const char *uid, int64_t from, int64_t until)
{
	struct rbac_assignment *a = rbac_role_add_assignment(role, uid, NULL);

	if (a == NULL)
		return -1;
	a->valid_from.present = a->valid_from.valid = from != INT64_MIN;
	a->valid_from.t = (time_t)from;
	a->valid_until.present = a->valid_until.valid = until != INT64_MAX;
	a->valid_until.t = (time_t)until;
	return 0;
}

/* rec's stored grant of exactly `permission`: always (*always), or in
 * *n_timed windows (given to `timed` as assignments, when not NULL). */
static int stored_grant(const struct rbac_snapshot *s, const struct rbac_snapshot_account *rec,
			const char *permission, struct rbac_role *timed, bool *always,
			size_t *n_timed)
{
	int64_t from, until;

	*always = false;
	*n_timed = 0;
	for (uint32_t j = 0; permission != NULL && j < rec->n_perms; j++) {
		if (strcmp(rbac_snapshot_account_perm(s, rec, j), permission) != 0)
			continue;
		rbac_snapshot_account_perm_window(s, rec, j, &from, &until);
		if (open_window(from, until))
			*always = true;
		else if (++*n_timed > 0 && timed != NULL &&
			 assign(timed, rec->uid, from, until) != 0)
			return -1;
	}
	return 0;
}

/* The holding: memberUid when rec holds a role always, else one assignment
 * per window of its time-bound roles. */
static int stored_holding(const struct rbac_snapshot *s,
			  const struct rbac_snapshot_account *rec, struct rbac_role *role)
{
	int64_t from, until;

	for (uint32_t j = 0; j < rec->n_roles; j++) {
		rbac_snapshot_account_role_window(s, rec, j, &from, &until);
		if (open_window(from, until))
			return rbac_strlist_add(&role->members, rec->uid) < 0 ? -1 : 0;
	}
	for (uint32_t j = 0; j < rec->n_roles; j++) {
		rbac_snapshot_account_role_window(s, rec, j, &from, &until);
		if (assign(role, rec->uid, from, until) != 0)
			return -1;
	}
	return 0;
}

/* One role that grants what the refresh found granted of `permission`,
 * held as rec's roles are; when the permission is granted only for a
 * while (roles held through assignments), a second role holds just that:
 * granted in those windows. */
static int grants_as_role(const struct rbac_snapshot *s,
			  const struct rbac_snapshot_account *rec, const char *permission,
			  struct rbac_namespace *ns)
{
	struct rbac_role *role, *timed;
	size_t n_timed;
	bool always;

	ns->name = strdup(s->namespace_name);
	role = ns->name != NULL ? rbac_namespace_add_role(ns, RBAC_OFFLINE_ROLE, NULL) : NULL;
	if (role == NULL || stored_holding(s, rec, role) != 0 ||
	    stored_grant(s, rec, permission, NULL, &always, &n_timed) != 0)
		return -1;
	if (always && rbac_strlist_add(&role->permissions, permission) < 0)
		return -1;
	/* A permission stored only for a while is granted through the
	 * roles held: no role held (a record the writer never makes, but a
	 * file is not trusted for that), no timed role. */
	if (!always && n_timed > 0 && rec->n_roles > 0) {
		timed = rbac_namespace_add_role(ns, RBAC_OFFLINE_TIMED_ROLE, NULL);
		if (timed == NULL ||
		    stored_grant(s, rec, permission, timed, &always, &n_timed) != 0 ||
		    rbac_strlist_add(&timed->permissions, permission) < 0)
			return -1;
	}
	return rbac_namespace_resolve(ns, NULL) < 0 ? -1 : 0;
}

int rbac_snapshot_account_to_model(const struct rbac_snapshot *s,
				   const struct rbac_snapshot_account *rec,
				   const char *permission, struct rbac_account *account,
				   struct rbac_namespace *ns)
{
	if (account_from_record(rec, account) < 0)
		return -1;
	return grants_as_role(s, rec, permission, ns);
}

static bool evaluated_by_writer(const char *const *evaluated, size_t n, const char *permission)
{
	for (size_t i = 0; permission != NULL && i < n; i++)
		if (strcmp(evaluated[i], permission) == 0)
			return true;
	return false;
}

enum rbac_offline_result rbac_offline_lookup(const struct rbac_snapshot *s,
					     const char *const *evaluated, size_t n_evaluated,
					     const char *uid, const char *permission,
					     struct rbac_account *account,
					     struct rbac_namespace *ns)
{
	struct rbac_snapshot_account rec;
	enum rbac_snapshot_lookup found;

	if (!evaluated_by_writer(evaluated, n_evaluated, permission))
		return RBAC_OFFLINE_NO_ANSWER;
	/* A damaged record on the way cannot say "no such account". */
	found = rbac_snapshot_account_find(s, uid, &rec);
	if (found == RBAC_SNAPSHOT_DAMAGED)
		return RBAC_OFFLINE_DAMAGED;
	if (found == RBAC_SNAPSHOT_FOUND &&
	    rbac_snapshot_account_to_model(s, &rec, permission, account, ns) < 0)
		return RBAC_OFFLINE_NOMEM;
	/* An uid absent from the snapshot is no account at all. */
	if (ns->name == NULL && (ns->name = strdup(s->namespace_name)) == NULL)
		return RBAC_OFFLINE_NOMEM;
	return RBAC_OFFLINE_ANSWERED;
}

enum rbac_offline_usability rbac_offline_usable(const struct rbac_snapshot *s,
						const char *namespace_name, long max_age,
						time_t now)
{
	if (strcasecmp(s->namespace_name, namespace_name) != 0)
		return RBAC_OFFLINE_OTHER_NAMESPACE;
	if (s->written_at > (int64_t)now)
		return RBAC_OFFLINE_FUTURE;
	/* Compared this way round so that no written_at can overflow. */
	return s->written_at < (int64_t)now - max_age ? RBAC_OFFLINE_TOO_OLD
						      : RBAC_OFFLINE_USABLE;
}

void rbac_offline_decide(const struct rbac_namespace *ns, const struct rbac_account *account,
			 const char *permission, time_t now, bool unknown_user_ignore,
			 struct rbac_decision *d)
{
	struct rbac_decision_input in = {
	    .ns = ns,
	    .account = account,
	    .permission = permission,
	    .now = now,
	    .unknown_user_ignore = unknown_user_ignore,
	};

	rbac_decide(&in, d);
}
