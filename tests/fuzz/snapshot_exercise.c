/*
 * snapshot_exercise.c - the lookups and invariants shared by the snapshot
 * fuzz targets (see snapshot_exercise.h).
 *
 * rbac_snapshot_parse() promises safety at a cost independent of the
 * image's size: whatever it accepts can be looked up without reading
 * outside the image; a record that fails its own check (its bounds, its
 * checksum) is refused by the lookup that would use it, which then hands
 * out an empty record. rbac_snapshot_verify_full() promises every record
 * passes and consistency on top (a record found by its own key, the
 * pre-packed member names equal to a walk of the members), which every
 * file the writer produced has kept. So the lookups run on everything that
 * parses (AddressSanitizer watches them), a refused record is one the full
 * verification refuses too, and the consistency checks run where it
 * passed.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_decision.h"
#include "rbac_offline.h"
#include "rbac_snapshot.h"
#include "snapshot_exercise.h"

/* The seeds are written at this time; the parse must find them fresh. */
#define FUZZ_NOW ((time_t)1700000000)

static time_t clamp_time(int64_t t, int64_t delta)
{
	if (delta < 0 && t < INT64_MIN - delta)
		return (time_t)INT64_MIN;
	if (delta > 0 && t > INT64_MAX - delta)
		return (time_t)INT64_MAX;
	return (time_t)(t + delta);
}

/* A NUL-terminated key made of the last bytes of the input, to look up
 * names the image does not hold. */
static void key_from(const uint8_t *data, size_t size, char *key, size_t keysz)
{
	size_t n = size < keysz - 1 ? size : keysz - 1;

	memcpy(key, data + size - n, n);
	key[n] = '\0';
}

/* ---------------------------------------------------------------- groups */

/* The members current at now, as libnss_rbac walks them, must be exactly
 * the pre-packed names whenever those are valid at now. */
static void check_packed_equals_walk(const struct rbac_snapshot *s,
				     const struct rbac_snapshot_group *g, char **mem,
				     time_t now)
{
	struct rbac_snapshot_user u;
	uint32_t k = 0;

	if (!rbac_snapshot_group_packed_at(g, now))
		return;
	for (uint32_t j = 0; j < g->n_members; j++) {
		FUZZ_CHECK(rbac_snapshot_member_at(s, g, j, &u));
		if (!rbac_snapshot_user_current(&u, now) ||
		    !rbac_snapshot_membership_current(s, g, j, now))
			continue;
		FUZZ_CHECK(k < g->n_packed && strcmp(mem[k], u.name) == 0);
		k++;
	}
	FUZZ_CHECK(k == g->n_packed);
}

/* The pre-packed names, copied into a buffer of exactly their size (as
 * libnss_rbac copies them into the caller's): each lies inside it. */
static void exercise_packed(const struct rbac_snapshot *s, const struct rbac_snapshot_group *g,
			    bool verified)
{
	char *names = malloc(g->packed_size ? g->packed_size : 1);
	char **mem = calloc((size_t)g->n_packed + 1, sizeof(char *));

	if (names != NULL && mem != NULL && !rbac_snapshot_group_unpack(s, g, names, mem)) {
		FUZZ_CHECK(!verified && mem[0] == NULL);
	} else if (names != NULL && mem != NULL) {
		for (uint32_t k = 0; k < g->n_packed; k++)
			FUZZ_CHECK(mem[k] >= names &&
				   (size_t)(mem[k] - names) + strlen(mem[k]) < g->packed_size);
		FUZZ_CHECK(mem[g->n_packed] == NULL);
		if (verified) {
			FUZZ_CHECK(g->n_packed <= g->n_members && g->since < g->until);
			check_packed_equals_walk(s, g, mem, (time_t)g->since);
			check_packed_equals_walk(s, g, mem, clamp_time(g->until, -1));
			check_packed_equals_walk(s, g, mem, FUZZ_NOW);
		}
	}
	free(mem);
	free(names);
}

/* initgroups: the user's groups; each lists the user among its members. */
static void exercise_user(const struct rbac_snapshot *s, const struct rbac_snapshot_user *u,
			  uint32_t group, bool verified)
{
	struct rbac_snapshot_user again;
	struct rbac_snapshot_group g;
	bool listed = false;

	if (rbac_snapshot_user_by_name(s, u->name, &again) && verified)
		FUZZ_CHECK(again.index == u->index);
	(void)rbac_snapshot_user_current(u, FUZZ_NOW);
	(void)rbac_snapshot_user_current(u, clamp_time(u->valid_from, -1));
	(void)rbac_snapshot_user_current(u, clamp_time(u->valid_until, 1));
	for (uint32_t k = 0; k < u->n_groups; k++) {
		bool ok = rbac_snapshot_user_group_at(s, u, k, &g);

		FUZZ_CHECK(g.name != NULL && (ok || (!verified && g.name[0] == '\0')));
		listed = listed || (ok && g.index == group);
	}
	if (verified)
		FUZZ_CHECK(listed);
}

/* getgrnam, getgrgid and getgrent of group i, then its members. */
static void exercise_group(const struct rbac_snapshot *s, uint32_t i, bool verified)
{
	struct rbac_snapshot_group g, again;
	struct rbac_snapshot_user u;
	bool by_name, by_gid;

	if (!rbac_snapshot_group_at(s, i, &g)) {
		FUZZ_CHECK(!verified && g.name != NULL && g.name[0] == '\0' &&
			   g.n_members == 0);
		FUZZ_CHECK(!rbac_snapshot_member_at(s, &g, 0, &u));
		return;
	}
	FUZZ_CHECK(g.name != NULL && strlen(g.name) <= g.name_len);
	FUZZ_CHECK(!verified || strlen(g.name) == g.name_len);
	by_name = rbac_snapshot_group_by_name(s, g.name, &again);
	FUZZ_CHECK(!verified || (by_name && again.index == i));
	by_gid = rbac_snapshot_group_by_gid(s, g.gid, &again);
	FUZZ_CHECK(!verified || (by_gid && again.index == i));
	exercise_packed(s, &g, verified);
	for (uint32_t j = 0; j < g.n_members; j++) {
		if (!rbac_snapshot_member_at(s, &g, j, &u)) {
			FUZZ_CHECK(!verified && u.name != NULL && u.name[0] == '\0');
			FUZZ_CHECK(rbac_snapshot_member_current(s, &g, j, FUZZ_NOW) == -1);
			continue;
		}
		FUZZ_CHECK(rbac_snapshot_member_current(s, &g, j, FUZZ_NOW) ==
			   (rbac_snapshot_user_current(&u, FUZZ_NOW) &&
			    rbac_snapshot_membership_current(s, &g, j, FUZZ_NOW)));
		/* initgroups finds the same membership window by a search */
		FUZZ_CHECK(!verified ||
			   rbac_snapshot_user_in_group_current(s, &u, &g, FUZZ_NOW) ==
			       (int)rbac_snapshot_membership_current(s, &g, j, FUZZ_NOW));
		exercise_user(s, &u, i, verified);
	}
	FUZZ_CHECK(rbac_snapshot_member_current(s, &g, g.n_members, FUZZ_NOW) == -1);
}

void fuzz_groups_db(const uint8_t *data, size_t size)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_group g;
	struct rbac_snapshot_user u;
	bool verified;
	char key[40];
	uint32_t gid = 0;

	if (rbac_snapshot_parse(&s, data, size, RBAC_SNAPSHOT_GROUPS, FUZZ_NOW) !=
	    RBAC_SNAPSHOT_OK)
		return;
	FUZZ_CHECK(s.namespace_name != NULL && s.namespace_name[0] != '\0');
	verified = rbac_snapshot_verify_full(&s, NULL, 0) == RBAC_SNAPSHOT_OK;
	for (uint32_t i = 0; i < rbac_snapshot_group_count(&s); i++)
		exercise_group(&s, i, verified);
	key_from(data, size, key, sizeof(key));
	memcpy(&gid, data + size - (size < 4 ? size : 4), size < 4 ? size : 4);
	(void)rbac_snapshot_group_by_name(&s, key, &g);
	(void)rbac_snapshot_group_by_gid(&s, gid, &g);
	(void)rbac_snapshot_user_by_name(&s, key, &u);
	(void)rbac_snapshot_group_by_name(&s, "", &g);
	(void)rbac_snapshot_user_by_name(&s, "", &u);
}

/* -------------------------------------------------------------- accounts */

/* Offline mode grants only what the refresh stored as granted: an active,
 * unlocked account with a role, a readable window that holds now, and the
 * very permission asked for among its stored grants. A window value the
 * writer could not read is stored as "none" (INT64_MIN, INT64_MAX) with
 * RBAC_SNAPSHOT_ACCOUNT_BAD_TIME. */
static void check_offline_grant(const struct rbac_snapshot *s,
				const struct rbac_snapshot_account *a, const char *permission,
				const struct rbac_decision *d, time_t now)
{
	bool stored = false;

	if (d->reason != RBAC_REASON_GRANTED)
		return;
	FUZZ_CHECK(a->status == RBAC_STATUS_ACTIVE);
	FUZZ_CHECK(!(a->flags & RBAC_SNAPSHOT_ACCOUNT_LOCKED));
	if (a->flags & RBAC_SNAPSHOT_ACCOUNT_BAD_TIME) {
		FUZZ_CHECK(!(a->flags & RBAC_SNAPSHOT_ACCOUNT_FROM) ||
			   a->valid_from != INT64_MIN);
		FUZZ_CHECK(!(a->flags & RBAC_SNAPSHOT_ACCOUNT_UNTIL) ||
			   a->valid_until != INT64_MAX);
	}
	FUZZ_CHECK(a->n_roles > 0);
	FUZZ_CHECK(!(a->flags & RBAC_SNAPSHOT_ACCOUNT_FROM) || a->valid_from <= (int64_t)now);
	FUZZ_CHECK(!(a->flags & RBAC_SNAPSHOT_ACCOUNT_UNTIL) || (int64_t)now <= a->valid_until);
	/* ... stored with a window that holds now (DESIGN.md §11) */
	for (uint32_t j = 0; j < a->n_perms; j++) {
		int64_t from, until;

		rbac_snapshot_account_perm_window(s, a, j, &from, &until);
		stored =
		    stored || (strcmp(rbac_snapshot_account_perm(s, a, j), permission) == 0 &&
			       from <= (int64_t)now && (int64_t)now <= until);
	}
	FUZZ_CHECK(stored);
}

/* The image being exercised passed the full verification: its uids are
 * sorted and unique, so a's uid finds a and no other record. */
static bool accounts_verified;

/* pam_rbac's offline path for a's uid and one permission, at now. */
static void decide_offline(const struct rbac_snapshot *s, const struct rbac_snapshot_account *a,
			   const char *permission, time_t now)
{
	const char *evaluated[] = {"host.login", "host.sudo", permission};
	struct rbac_account account;
	struct rbac_namespace ns;
	struct rbac_decision d;

	rbac_account_init(&account);
	rbac_namespace_init(&ns);
	if (rbac_offline_lookup(s, evaluated, 3, a->uid, permission, &account, &ns) ==
	    RBAC_OFFLINE_ANSWERED) {
		/* No account: the search missed it in an image whose uids are
		 * out of order (the full verification refuses those). */
		FUZZ_CHECK(account.uid == NULL || strcmp(account.uid, a->uid) == 0);
		rbac_offline_decide(&ns, &account, permission, now, false, &d);
		FUZZ_CHECK(d.reason < RBAC_REASON_COUNT);
		FUZZ_CHECK(d.pam_code == rbac_reason_pam_code(d.reason, false));
		if (accounts_verified)
			check_offline_grant(s, a, permission, &d, now);
	}
	rbac_account_free(&account);
	rbac_namespace_free(&ns);
}

/* Each account at the edges of its window, for the permission of its
 * first stored grant (or one it may not hold). */
static void decide_account(const struct rbac_snapshot *s, const struct rbac_snapshot_account *a)
{
	const char *perm = a->n_perms > 0 ? rbac_snapshot_account_perm(s, a, 0) : "host.login";

	decide_offline(s, a, perm, FUZZ_NOW);
	decide_offline(s, a, perm, clamp_time(a->valid_from, -1));
	decide_offline(s, a, perm, clamp_time(a->valid_until, 1));
	decide_offline(s, a, "host.sudo", FUZZ_NOW);
}

/* Held roles and granted permissions are never empty strings. */
static bool nonempty(const char *s)
{
	return s != NULL && s[0] != '\0';
}

static void exercise_account(const struct rbac_snapshot *s, uint32_t i, bool verified)
{
	struct rbac_snapshot_account a, again;

	if (!rbac_snapshot_account_at(s, i, &a)) {
		FUZZ_CHECK(!verified && a.uid != NULL && a.uid[0] == '\0' && a.n_roles == 0);
		return;
	}
	FUZZ_CHECK(a.uid != NULL);
	/* The full verification checked the uids sorted and unique. */
	if (rbac_snapshot_account_by_uid(s, a.uid, &again))
		FUZZ_CHECK(strcmp(again.uid, a.uid) == 0);
	else
		FUZZ_CHECK(!verified);
	for (uint32_t j = 0; j < a.n_roles; j++)
		FUZZ_CHECK(nonempty(rbac_snapshot_account_role(s, &a, j)) || !verified);
	for (uint32_t j = 0; j < a.n_perms; j++)
		FUZZ_CHECK(nonempty(rbac_snapshot_account_perm(s, &a, j)) || !verified);
	if (a.reason != NULL)
		(void)strlen(a.reason);
	decide_account(s, &a);
}

void fuzz_accounts_db(const uint8_t *data, size_t size)
{
	struct rbac_snapshot s;
	struct rbac_snapshot_account a;
	bool verified;
	char key[40];

	if (rbac_snapshot_parse(&s, data, size, RBAC_SNAPSHOT_ACCOUNTS, FUZZ_NOW) !=
	    RBAC_SNAPSHOT_OK)
		return;
	FUZZ_CHECK(s.namespace_name != NULL && s.namespace_name[0] != '\0');
	verified = rbac_snapshot_verify_full(&s, NULL, 0) == RBAC_SNAPSHOT_OK;
	accounts_verified = verified;
	for (uint32_t i = 0; i < rbac_snapshot_account_count(&s); i++)
		exercise_account(&s, i, verified);
	key_from(data, size, key, sizeof(key));
	(void)rbac_snapshot_account_by_uid(&s, key, &a);
	(void)rbac_snapshot_account_by_uid(&s, "", &a);
}

/* ------------------------------------------------------------- checksum */

uint8_t *fuzz_fix_checksum(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	if (size < 40)
		return NULL;
	copy = malloc(size);
	if (copy == NULL)
		return NULL;
	memcpy(copy, data, size);
	rbac_snapshot_seal(copy, size);
	return copy;
}
