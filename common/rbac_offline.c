/*
 * rbac_offline.c - an accounts.db record as the inputs of rbac_decide().
 *
 * Kept apart from the reader (rbac_snapshot.c) so that the reader alone
 * still builds without the model, as the fuzzer builds it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
			      bad, rec->valid_from, INT64_MIN) < 0)
		return -1;
	return bound_from_record(&a->valid_until,
				 (rec->flags & RBAC_SNAPSHOT_ACCOUNT_UNTIL) != 0, bad,
				 rec->valid_until, INT64_MAX);
}

/* One role that grants exactly what the refresh found granted. */
static int grants_as_role(const struct rbac_snapshot *s,
			  const struct rbac_snapshot_account *rec, struct rbac_namespace *ns)
{
	struct rbac_role *role;

	ns->name = strdup(s->namespace_name);
	role = ns->name != NULL ? rbac_namespace_add_role(ns, RBAC_OFFLINE_ROLE, NULL) : NULL;
	if (role == NULL)
		return -1;
	for (uint32_t j = 0; j < rec->n_perms; j++)
		if (rbac_strlist_add(&role->permissions,
				     rbac_snapshot_account_perm(s, rec, j)) < 0)
			return -1;
	if (rec->n_roles > 0 && rbac_strlist_add(&role->members, rec->uid) < 0)
		return -1;
	return rbac_namespace_resolve(ns, NULL) < 0 ? -1 : 0;
}

int rbac_snapshot_account_to_model(const struct rbac_snapshot *s,
				   const struct rbac_snapshot_account *rec,
				   struct rbac_account *account, struct rbac_namespace *ns)
{
	if (account_from_record(rec, account) < 0)
		return -1;
	return grants_as_role(s, rec, ns);
}
