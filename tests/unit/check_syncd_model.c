/*
 * check_syncd_model.c - rbac-syncd's model (syncd/model.c): every kind of
 * RFC 4533 message, classification by DN, parents by entryUUID (renames
 * and moves that arrive as one message), orphans, present phases, what
 * counts as a change, and the derived snapshot against the one rbacctl
 * refresh's reading of the same directory gives, byte for byte.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixture.h"
#include "model.h"
#include "syncd_fixture.h"

#define BASE  "ou=rbac,dc=example,dc=org"
#define USERS "ou=people,dc=example,dc=org"
#define NS    "objectClass=rbacNamespace"
#define ROLE  "objectClass=rbacRole"
#define ACCT  "objectClass=inetOrgPerson objectClass=rbacAccount"

static struct rbac_config cfg;
static struct syncd_model *m;
static struct rbac_snapshot_model sm;

static void setup(void)
{
	sfx_config(&cfg, "global");
	fx_log_clear();
	m = syncd_model_new(&cfg, &fx_logger);
	ck_assert_ptr_nonnull(m);
	syncd_model_refresh_begin(m, false);
}

static void teardown(void)
{
	syncd_model_free(m);
	rbac_config_free(&cfg);
}

/* eng with roles user (gid 900001) and admin inheriting user, global with
 * one role, accounts alice (admin) and bob (user). Entries 1-7. */
static void small_directory(void)
{
	sfx_put(m, 1, "cn=eng," BASE, NS " cn=eng rbacPermission=host.login");
	sfx_put(m, 2, "cn=user,cn=eng," BASE,
		ROLE " cn=user rbacPermission=host.login gidNumber=900001 memberUid=bob");
	sfx_put(m, 3, "cn=admin,cn=eng," BASE,
		ROLE " cn=admin rbacInherits=user gidNumber=900002 memberUid=alice");
	sfx_put(m, 4, "cn=global," BASE, NS " cn=global");
	sfx_put(m, 5, "cn=ops,cn=global," BASE, ROLE " cn=ops gidNumber=900100 memberUid=bob");
	sfx_put(m, 6, "uid=alice," USERS, ACCT " uid=alice");
	sfx_put(m, 7, "uid=bob," USERS, ACCT " uid=bob rbacAccountStatus=active");
}

static void derive(void)
{
	ck_assert_int_eq(syncd_model_derive(m, &sm), SYNCD_MODEL_OK);
}

static const struct rbac_role *role(const struct rbac_namespace *ns, const char *name)
{
	return ns != NULL ? rbac_namespace_find_role(ns, name) : NULL;
}

static size_t accounts_named(const char *uid)
{
	size_t n = 0;

	for (size_t i = 0; i < sm.n_accounts; i++)
		n += strcmp(sm.accounts[i].uid, uid) == 0;
	return n;
}

static void del(unsigned n)
{
	struct rbac_sync_uuid u = sfx_uuid(n);

	ck_assert_int_eq(syncd_model_apply(m, RBAC_SYNC_DELETE, &u, NULL, NULL),
			 SYNCD_MODEL_OK);
}

static int present(unsigned n)
{
	struct rbac_sync_uuid u = sfx_uuid(n);

	return syncd_model_apply(m, RBAC_SYNC_PRESENT, &u, NULL, NULL);
}

START_TEST(test_add_and_derive)
{
	small_directory();
	derive();
	ck_assert_str_eq(sm.ns->name, "eng");
	ck_assert(sm.ns->has_master);
	ck_assert_uint_eq(sm.ns->n_roles, 2);
	ck_assert(role(sm.ns, "admin")->n_parents == 1);
	ck_assert_str_eq(role(sm.ns, "admin")->dn, "cn=admin,cn=eng," BASE);
	ck_assert_ptr_nonnull(sm.global);
	ck_assert_uint_eq(sm.global->n_roles, 1);
	ck_assert_uint_eq(sm.n_accounts, 2);
	ck_assert_uint_eq(syncd_model_count(m), 7);
}
END_TEST

START_TEST(test_no_namespace)
{
	sfx_put(m, 6, "uid=alice," USERS, ACCT " uid=alice");
	ck_assert_int_eq(syncd_model_derive(m, &sm), SYNCD_MODEL_NO_NAMESPACE);
	ck_assert_ptr_nonnull(strstr(fx_log, "namespace \"eng\" not found"));
	/* An entry at the host's DN that is not an rbacNamespace is none. */
	sfx_put(m, 1, "cn=eng," BASE, ROLE " cn=eng");
	ck_assert_int_eq(syncd_model_derive(m, &sm), SYNCD_MODEL_NO_NAMESPACE);
}
END_TEST

START_TEST(test_global_missing)
{
	small_directory();
	del(5);
	del(4);
	fx_log_clear();
	derive();
	ck_assert_ptr_null(sm.global);
	ck_assert_ptr_nonnull(strstr(fx_log, "global namespace \"global\" not found"));
}
END_TEST

/* DNs as a directory may spell them: case, spaces after commas, escapes. */
START_TEST(test_dn_spelling)
{
	sfx_put(m, 1, "CN=Eng, OU=RBAC, DC=Example,dc=ORG", NS " cn=Eng");
	sfx_put(m, 2, "cn=user,  cn=ENG,ou=rbac,dc=example,dc=org",
		ROLE " cn=user memberUid=bob");
	sfx_put(m, 3, "cn=a\\2cb,cn=eng," BASE, ROLE " memberUid=bob");
	sfx_put(m, 7, "UID=bob, OU=People,DC=example,DC=org", ACCT " uid=bob");
	derive();
	ck_assert_str_eq(sm.ns->name, "Eng");
	ck_assert_ptr_nonnull(role(sm.ns, "user"));
	ck_assert_ptr_nonnull(role(sm.ns, "a,b")); /* the RDN's cn, unescaped */
	ck_assert_uint_eq(sm.n_accounts, 1);
}
END_TEST

/* One message for the namespace: its roles follow by UUID, with their DNs
 * as the directory now has them. */
START_TEST(test_namespace_rename_carries_roles)
{
	small_directory();
	derive();
	ck_assert_str_eq(role(sm.global, "ops")->dn, "cn=ops,cn=global," BASE);
	sfx_put(m, 1, "cn=eng2," BASE, NS " cn=eng2");
	ck_assert_int_eq(syncd_model_derive(m, &sm), SYNCD_MODEL_NO_NAMESPACE);
	/* And back, or another namespace renamed to the host's name. */
	sfx_put(m, 4, "cn=eng," BASE, NS " cn=eng");
	derive();
	ck_assert_uint_eq(sm.ns->n_roles, 1);
	ck_assert_ptr_nonnull(role(sm.ns, "ops"));
	ck_assert_str_eq(role(sm.ns, "ops")->dn, "cn=ops,cn=eng," BASE);
	ck_assert_ptr_null(sm.global);
	sfx_put(m, 4, "cn=global," BASE, NS " cn=global");
	sfx_put(m, 1, "cn=eng," BASE, NS " cn=eng");
	derive();
	ck_assert_uint_eq(sm.ns->n_roles, 2);
	ck_assert_ptr_nonnull(role(sm.global, "ops"));
}
END_TEST

START_TEST(test_role_move_and_rename)
{
	small_directory();
	sfx_put(m, 2, "cn=user,cn=global," BASE,
		ROLE " cn=user rbacPermission=host.login gidNumber=900001 memberUid=bob");
	derive();
	ck_assert_ptr_null(role(sm.ns, "user"));
	ck_assert_ptr_nonnull(role(sm.global, "user"));
	ck_assert(role(sm.ns, "admin")->n_parents == 0); /* its parent is gone */
	sfx_put(m, 2, "cn=staff,cn=eng," BASE,
		ROLE " cn=staff rbacPermission=host.login gidNumber=900001 memberUid=bob");
	derive();
	ck_assert_ptr_nonnull(role(sm.ns, "staff"));
	ck_assert_ptr_null(role(sm.global, "user"));
}
END_TEST

struct find_parent {
	unsigned n, parent;
};

static int find_parent(void *ctx, const struct rbac_sync_uuid *uuid, const char *dn,
		       const struct rbac_sync_uuid *parent, const struct rbac_entry *e)
{
	struct find_parent *f = ctx;
	struct rbac_sync_uuid want = sfx_uuid(f->n);

	(void)dn;
	(void)e;
	if (memcmp(uuid->b, want.b, sizeof(want.b)) == 0)
		f->parent = parent != NULL ? parent->b[15] : 0;
	return 0;
}

/* The number of the entry n is linked to (0: none). */
static unsigned parent_of(unsigned n)
{
	struct find_parent f = {n, 0};

	ck_assert_int_eq(syncd_model_walk(m, find_parent, &f), 0);
	return f.parent;
}

/* A role before its namespace (a refresh in the server's order after a
 * move), an assignment before its role: kept, linked on arrival. */
START_TEST(test_orphans_adopted)
{
	sfx_put(m, 3, "cn=admin,cn=eng," BASE, ROLE " cn=admin memberUid=alice");
	sfx_put(m, 9, "uid=alice,cn=admin,cn=eng," BASE,
		"objectClass=rbacAssignment uid=alice rbacTicket=INC-1");
	sfx_put(m, 6, "uid=alice," USERS, ACCT " uid=alice");
	ck_assert_int_eq(syncd_model_derive(m, &sm), SYNCD_MODEL_NO_NAMESPACE);
	ck_assert_uint_eq(parent_of(9), 0);
	sfx_put(m, 1, "cn=eng," BASE, NS " cn=eng");
	derive();
	ck_assert_ptr_nonnull(role(sm.ns, "admin"));
	ck_assert_uint_eq(syncd_model_count(m), 4);
	ck_assert_uint_eq(parent_of(3), 1);
	ck_assert_uint_eq(parent_of(9), 3);
	/* One waiting for a parent that never comes stays as it is. */
	sfx_put(m, 10, "cn=lost,cn=nowhere," BASE, ROLE " cn=lost");
	sfx_put(m, 11, "cn=eng3," BASE, NS " cn=eng3");
	ck_assert_uint_eq(parent_of(10), 0);
}
END_TEST

/* A namespace that leaves (delete, e.g. out of the filter) leaves its
 * roles waiting; the same entry back brings them back. */
START_TEST(test_namespace_delete_keeps_children)
{
	struct sfx_entry t;
	struct rbac_sync_uuid u = sfx_uuid(1);

	small_directory();
	del(1);
	ck_assert_int_eq(syncd_model_derive(m, &sm), SYNCD_MODEL_NO_NAMESPACE);
	sfx_entry(&t, "cn=eng," BASE, NS " cn=eng");
	ck_assert_int_eq(syncd_model_apply(m, RBAC_SYNC_ADD, &u, t.e.dn, &t.e), SYNCD_MODEL_OK);
	derive();
	ck_assert_uint_eq(sm.ns->n_roles, 2);
}
END_TEST

/* A server reloaded from LDIF: the next full refresh sends every entry
 * under a new entryUUID, while the old ones are still held (they go at
 * its end); the new roles must end below the new namespaces, whichever
 * entry their DN led to when they came. */
START_TEST(test_reload_new_uuids)
{
	struct rbac_sync_uuid u;
	struct sfx_entry t;

	small_directory();
	syncd_model_refresh_done(m);
	syncd_model_refresh_begin(m, false);
	sfx_put(m, 102, "cn=user,cn=eng," BASE, ROLE " cn=user gidNumber=900001 memberUid=bob");
	sfx_put(m, 101, "cn=eng," BASE, NS " cn=eng");
	sfx_put(m, 103, "cn=admin,cn=eng," BASE, ROLE " cn=admin rbacInherits=user");
	sfx_put(m, 104, "cn=global," BASE, NS " cn=global");
	sfx_put(m, 105, "cn=ops,cn=global," BASE, ROLE " cn=ops gidNumber=900100");
	sfx_put(m, 106, "uid=alice," USERS, ACCT " uid=alice");
	syncd_model_refresh_done(m);
	ck_assert_uint_eq(syncd_model_count(m), 6);
	derive();
	ck_assert_uint_eq(sm.ns->n_roles, 2);
	ck_assert_uint_eq(sm.global->n_roles, 1);
	/* And a namespace deleted and added anew (another UUID). */
	del(101);
	u = sfx_uuid(201);
	sfx_entry(&t, "cn=eng," BASE, NS " cn=eng");
	ck_assert_int_eq(syncd_model_apply(m, RBAC_SYNC_ADD, &u, t.e.dn, &t.e), SYNCD_MODEL_OK);
	derive();
	ck_assert_uint_eq(sm.ns->n_roles, 2);
}
END_TEST

START_TEST(test_delete_unknown_and_bad_calls)
{
	struct rbac_sync_uuid u = sfx_uuid(99);

	small_directory();
	del(99);
	ck_assert_uint_eq(syncd_model_count(m), 7);
	ck_assert_int_eq(syncd_model_apply(m, RBAC_SYNC_ADD, &u, "cn=x," BASE, NULL),
			 SYNCD_MODEL_EINVAL);
	/* named present, never sent: state and cookie disagree at refreshDone */
	syncd_model_refresh_begin(m, true);
	ck_assert_int_eq(present(99), SYNCD_MODEL_OK);
	ck_assert_ptr_null(strstr(fx_log, "does not hold"));
	ck_assert_int_eq(syncd_model_refresh_done(m), SYNCD_MODEL_UNKNOWN);
	ck_assert_ptr_nonnull(strstr(fx_log, "does not hold"));
	/* and only in the refresh that named it */
	syncd_model_refresh_begin(m, true);
	ck_assert_int_eq(syncd_model_refresh_done(m), SYNCD_MODEL_OK);
}
END_TEST

START_TEST(test_account_classification)
{
	small_directory();
	/* Moved out of user_base: no longer an account. */
	sfx_put(m, 7, "uid=bob,ou=former,dc=example,dc=org", ACCT " uid=bob");
	derive();
	ck_assert_uint_eq(accounts_named("bob"), 0);
	/* user_base itself counts (a subtree search includes its base). */
	sfx_put(m, 8, USERS, "objectClass=rbacAccount uid=svc");
	/* Two uid values: one account for each. */
	sfx_put(m, 6, "uid=alice," USERS, ACCT " uid=alice uid=al");
	derive();
	ck_assert_uint_eq(accounts_named("svc"), 1);
	ck_assert_uint_eq(accounts_named("al"), 1);
	ck_assert_str_eq(sm.accounts[0].dn, "uid=alice," USERS);
	/* An rbacRole is an account too when it also is an rbacAccount below
	 * user_base (auxiliary class), as the account search finds it. */
	sfx_put(m, 10, "cn=odd," USERS, ROLE " objectClass=rbacAccount uid=odd");
	derive();
	ck_assert_uint_eq(accounts_named("odd"), 1);
	/* No uid at all (or only empty ones): no account, nothing else lost. */
	sfx_put(m, 11, "cn=nouid," USERS, "objectClass=rbacAccount");
	sfx_put(m, 12, "cn=empty," USERS, "objectClass=rbacAccount uid=");
	derive();
	ck_assert_uint_eq(sm.n_accounts, 4); /* al, alice, svc, odd */
	ck_assert_ptr_nonnull(strstr(fx_log, "an empty uid"));
}
END_TEST

/* Two entries claim a uid: the model keeps both, the writer uses neither,
 * as for rbacctl refresh. */
START_TEST(test_uid_claimed_twice)
{
	struct rbac_snapshot_image g, a;
	struct rbac_snapshot s;
	struct rbac_snapshot_group grp;

	small_directory();
	sfx_put(m, 8, "uid=alice2," USERS, ACCT " uid=alice");
	derive();
	ck_assert_uint_eq(accounts_named("alice"), 2);
	sfx_images(&sm, &g, &a);
	ck_assert_int_eq(rbac_snapshot_parse(&s, g.data, g.len, RBAC_SNAPSHOT_GROUPS,
					     RBAC_SNAPSHOT_ANY_TIME),
			 RBAC_SNAPSHOT_OK);
	ck_assert(rbac_snapshot_group_by_name(&s, "rbac-admin", &grp));
	ck_assert_uint_eq(grp.n_members, 0);
	ck_assert_ptr_nonnull(strstr(fx_log, "claimed by"));
	rbac_snapshot_image_free(&g);
	rbac_snapshot_image_free(&a);
}
END_TEST

/* ---- present phases */

START_TEST(test_refresh_without_cookie_is_present_phase)
{
	small_directory();
	syncd_model_refresh_done(m);
	ck_assert_uint_eq(syncd_model_count(m), 7);
	/* The next full refresh sends all but bob and the ops role. */
	syncd_model_refresh_begin(m, false);
	for (unsigned n = 1; n <= 6; n++)
		if (n != 5)
			ck_assert_int_eq(present(n), SYNCD_MODEL_OK);
	sfx_put(m, 8, "uid=carol," USERS, ACCT " uid=carol");
	syncd_model_refresh_done(m);
	ck_assert_uint_eq(syncd_model_count(m), 6);
	derive();
	ck_assert_uint_eq(accounts_named("bob"), 0);
	ck_assert_uint_eq(accounts_named("carol"), 1);
	ck_assert_uint_eq(sm.global->n_roles, 0);
}
END_TEST

START_TEST(test_refresh_with_cookie_deletes_nothing)
{
	small_directory();
	syncd_model_refresh_done(m);
	syncd_model_refresh_begin(m, true);
	sfx_put(m, 7, "uid=bob," USERS, ACCT " uid=bob rbacAccountStatus=suspended");
	syncd_model_refresh_done(m);
	ck_assert_uint_eq(syncd_model_count(m), 7);
}
END_TEST

/* A resumed session without a session log: a present phase of syncIdSets,
 * then refreshPresent. */
START_TEST(test_idset_present_then_present_end)
{
	struct rbac_sync_uuid u[5];

	small_directory();
	syncd_model_refresh_done(m);
	syncd_model_refresh_begin(m, true);
	for (unsigned i = 0; i < 5; i++)
		u[i] = sfx_uuid(i + 1);
	ck_assert_int_eq(syncd_model_idset(m, u, 5, false), SYNCD_MODEL_OK);
	sfx_put(m, 7, "uid=bob," USERS, ACCT " uid=bob rbacAccountStatus=suspended");
	syncd_model_present_end(m);
	ck_assert_uint_eq(syncd_model_count(m), 6); /* alice (6) was not named */
	derive();
	ck_assert_uint_eq(accounts_named("alice"), 0);
	ck_assert_uint_eq(accounts_named("bob"), 1);
	u[0] = sfx_uuid(42);
	ck_assert_int_eq(syncd_model_idset(m, u, 1, false), SYNCD_MODEL_OK);
	ck_assert_int_eq(syncd_model_refresh_done(m), SYNCD_MODEL_UNKNOWN);
}
END_TEST

/* slapd resuming without a session log names an entry added since the
 * cookie present before it sends it: that is no disagreement. */
START_TEST(test_idset_present_before_its_add)
{
	struct rbac_sync_uuid u[6];

	small_directory();
	ck_assert_int_eq(syncd_model_refresh_done(m), SYNCD_MODEL_OK);
	syncd_model_refresh_begin(m, true);
	for (unsigned i = 0; i < 5; i++)
		u[i] = sfx_uuid(i + 1);
	u[5] = sfx_uuid(50);
	ck_assert_int_eq(syncd_model_idset(m, u, 6, false), SYNCD_MODEL_OK);
	sfx_put(m, 50, "uid=carol," USERS, ACCT " uid=carol rbacAccountStatus=active");
	syncd_model_present_end(m);
	ck_assert_int_eq(syncd_model_refresh_done(m), SYNCD_MODEL_OK);
	ck_assert_ptr_null(strstr(fx_log, "does not hold"));
	ck_assert_uint_eq(syncd_model_count(m), 6); /* 1-5 and carol; 6, 7 gone */
	derive();
	ck_assert_uint_eq(accounts_named("carol"), 1);
	ck_assert_uint_eq(accounts_named("alice"), 0);
}
END_TEST

START_TEST(test_idset_deletes)
{
	struct rbac_sync_uuid u[2] = {sfx_uuid(5), sfx_uuid(77)};

	small_directory();
	ck_assert_int_eq(syncd_model_idset(m, u, 2, true), SYNCD_MODEL_OK);
	ck_assert_uint_eq(syncd_model_count(m), 6);
	derive();
	ck_assert_uint_eq(sm.global->n_roles, 0);
}
END_TEST

/* ---- dirty */

START_TEST(test_dirty)
{
	small_directory();
	syncd_model_refresh_done(m);
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	/* The same values again; an objectClass the model does not use; an
	 * attribute an account does not read (cn, a posixAccount's gidNumber). */
	sfx_put(m, 7, "uid=bob," USERS,
		"objectClass=posixAccount " ACCT " uid=bob rbacAccountStatus=active");
	sfx_put(m, 7, "uid=bob," USERS,
		"objectClass=posixAccount " ACCT " uid=bob rbacAccountStatus=active cn=Bob "
		"gidNumber=100");
	ck_assert(!syncd_model_dirty(m));
	/* Another namespace, its roles and an assignment below one. */
	sfx_put(m, 20, "cn=sales," BASE, NS " cn=sales");
	sfx_put(m, 21, "cn=rep,cn=sales," BASE, ROLE " cn=rep memberUid=bob");
	sfx_put(m, 21, "cn=rep,cn=sales," BASE, ROLE " cn=rep memberUid=alice");
	sfx_put(m, 23, "uid=bob,cn=rep,cn=sales," BASE, "objectClass=rbacAssignment uid=bob");
	del(23);
	del(21);
	ck_assert(!syncd_model_dirty(m));
	/* An assignment below a shown role (DESIGN.md §11) is shown. */
	sfx_put(m, 22, "uid=bob,cn=user,cn=eng," BASE, "objectClass=rbacAssignment uid=bob");
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	/* A shown role's member. */
	sfx_put(m, 5, "cn=ops,cn=global," BASE, ROLE " cn=ops gidNumber=900100");
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	/* An account. */
	sfx_put(m, 6, "uid=alice," USERS, ACCT " uid=alice rbacAccountStatus=suspended");
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	/* A role moved in from another namespace, then out again. */
	sfx_put(m, 21, "cn=rep,cn=sales," BASE, ROLE " cn=rep");
	ck_assert(!syncd_model_dirty(m));
	sfx_put(m, 21, "cn=rep,cn=eng," BASE, ROLE " cn=rep");
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	sfx_put(m, 21, "cn=rep,cn=sales," BASE, ROLE " cn=rep");
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	/* The other namespace renamed to the global's name... after the
	 * global one left. */
	del(4);
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	sfx_put(m, 20, "cn=global," BASE, NS " cn=global");
	ck_assert(syncd_model_dirty(m));
	syncd_model_clean(m);
	/* A present phase that deletes a shown entry. */
	syncd_model_refresh_begin(m, true);
	for (unsigned n = 1; n <= 22; n++)
		if (n != 7)
			(void)present(n);
	syncd_model_present_end(m);
	ck_assert(syncd_model_dirty(m));
}
END_TEST

/* Many entries in and out: the slots are compacted and the indexes
 * rebuilt, the order and the links kept. */
START_TEST(test_churn)
{
	char dn[64], spec[64];

	small_directory();
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned n = 100; n < 3100; n++) {
			snprintf(dn, sizeof(dn), "uid=u%u," USERS, n);
			snprintf(spec, sizeof(spec), ACCT " uid=u%u", n);
			sfx_put(m, n, dn, spec);
		}
		for (unsigned n = 100; n < 3100; n++)
			if (n % 7 != 0)
				del(n);
	}
	ck_assert_uint_eq(syncd_model_count(m), 7 + 428);
	sfx_put(m, 1, "cn=eng2," BASE, NS " cn=eng2");
	sfx_put(m, 1, "cn=eng," BASE, NS " cn=eng");
	derive();
	ck_assert_uint_eq(sm.ns->n_roles, 2);
	ck_assert_uint_eq(sm.n_accounts, 2 + 428);
	ck_assert_str_eq(sm.accounts[0].uid, "alice");
	ck_assert_str_eq(sm.accounts[2].uid, "u105");
}
END_TEST

/* Roles named alike but for case: the first in the server's order wins,
 * as in a search. */
START_TEST(test_duplicate_role_names)
{
	small_directory();
	sfx_put(m, 8, "cn=User,cn=eng," BASE, ROLE " cn=User gidNumber=900009");
	derive();
	ck_assert_uint_eq(sm.ns->n_roles, 2);
	ck_assert_uint_eq(role(sm.ns, "user")->gid, 900001);
	ck_assert_ptr_nonnull(strstr(fx_log, "role name already used"));
}
END_TEST

/* ---- the same snapshot as rbacctl refresh
 *
 * The reference reads the records as rbac_ldap.c reads a directory: the
 * namespace entry at cn=NAME,ldap.base, its roles (rbacRole entries one
 * level below it, named by their RDN's cn, first of a name kept), every
 * rbacAccount under ldap.user_base in the directory's order, one account
 * per uid value, each through rbac_entry.c with the attributes
 * rbac_ldap.c asks for.
 */

static const char *const ns_attrs[] = {
    "objectClass",  "cn",	 "rbacPermission", "rbacRestriction",
    "rbacInherits", "memberUid", "gidNumber",	   NULL};
static const char *const account_attrs[] = {"uid",
					    "rbacAccountStatus",
					    "rbacValidFrom",
					    "rbacValidUntil",
					    "rbacStatusReason",
					    "pwdAccountLockedTime",
					    NULL};

struct ref {
	struct rbac_namespace ns, global;
	bool has_global;
	struct rbac_account acc[64];
	size_t n_acc;
};

/* dn is cn=X,parent: X, else NULL. */
static const char *cn_below(const char *dn, const char *parent)
{
	size_t n = strlen(dn), p = strlen(parent);

	if (n <= p + 4 || strncasecmp(dn, "cn=", 3) != 0 || dn[n - p - 1] != ',' ||
	    strcasecmp(dn + n - p, parent) != 0 || memchr(dn, ',', n - p - 1) != NULL)
		return NULL;
	return dn + 3;
}

/* An rbacAssignment uid=X,cn=ROLE,nsdn: given to ROLE, as rbac_ldap.c does. */
static void ref_assignment(const struct sfx_record *r, const char *nsdn,
			   struct rbac_namespace *ns)
{
	struct rbac_entry_attr a[16];
	struct rbac_bytes v[256];
	struct rbac_entry e;
	const char *comma = strchr(r->dn, ',');
	const char *cn = comma != NULL ? cn_below(comma + 1, nsdn) : NULL;
	struct rbac_role *role;
	char *name;

	if (cn == NULL || !sfx_record_has(r, "objectClass", "rbacAssignment"))
		return;
	name = strndup(cn, strcspn(cn, ","));
	role = rbac_namespace_find_role(ns, name);
	free(name);
	if (role == NULL)
		return;
	sfx_record_entry(r, NULL, &e, a, v);
	ck_assert_int_eq(rbac_entry_assignment(&e, &fx_logger, role), 0);
}

static bool ref_namespace(const struct sfx_record *r, size_t n, const char *name,
			  struct rbac_namespace *ns)
{
	struct rbac_entry_attr a[16];
	struct rbac_bytes v[256];
	struct rbac_entry e;
	char dn[256];
	bool found = false;

	snprintf(dn, sizeof(dn), "cn=%s," BASE, name);
	rbac_namespace_init(ns);
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(r[i].dn, dn) == 0 &&
		    sfx_record_has(&r[i], "objectClass", "rbacNamespace")) {
			found = true;
			ns->name = strdup(name);
			ns->dn = strdup(r[i].dn);
			sfx_record_entry(&r[i], ns_attrs, &e, a, v);
			ck_assert_int_eq(rbac_entry_values(&e, "rbacPermission", NULL,
							   &fx_logger, &ns->master),
					 0);
			ns->has_master = ns->master.n > 0;
		}
	}
	for (size_t i = 0; found && i < n; i++) {
		const char *cn = cn_below(r[i].dn, dn);
		char *name_;

		if (cn == NULL || !sfx_record_has(&r[i], "objectClass", "rbacRole"))
			continue;
		name_ = strndup(cn, strcspn(cn, ","));
		if (rbac_namespace_find_role(ns, name_) == NULL) {
			sfx_record_entry(&r[i], ns_attrs, &e, a, v);
			ck_assert_int_eq(
			    rbac_entry_role(&e, NULL, &fx_logger,
					    rbac_namespace_add_role(ns, name_, r[i].dn)),
			    0);
		}
		free(name_);
	}
	for (size_t i = 0; found && i < n; i++)
		ref_assignment(&r[i], dn, ns);
	if (found)
		ck_assert_int_ge(rbac_namespace_resolve(ns, &fx_logger), 0);
	return found;
}

static void ref_accounts(const struct sfx_record *r, size_t n, struct ref *ref)
{
	struct rbac_entry_attr a[16];
	struct rbac_bytes v[256];
	struct rbac_entry e;
	size_t ul = strlen(USERS);

	for (size_t i = 0; i < n; i++) {
		size_t dl = strlen(r[i].dn);

		if (!sfx_record_has(&r[i], "objectClass", "rbacAccount") || dl < ul ||
		    strcasecmp(r[i].dn + dl - ul, USERS) != 0)
			continue;
		sfx_record_entry(&r[i], account_attrs, &e, a, v);
		for (size_t j = 0; j < r[i].n; j++) {
			if (strcasecmp(r[i].attr[j], "uid") != 0)
				continue;
			ck_assert_uint_lt(ref->n_acc, 64);
			rbac_account_init(&ref->acc[ref->n_acc]);
			ck_assert_int_eq(
			    rbac_entry_account(&e, r[i].value[j], &ref->acc[ref->n_acc]), 0);
			ref->n_acc++;
		}
	}
}

static void ref_build(const struct sfx_record *r, size_t n, struct ref *ref)
{
	memset(ref, 0, sizeof(*ref));
	ck_assert(ref_namespace(r, n, "eng", &ref->ns));
	ref->has_global = ref_namespace(r, n, "global", &ref->global);
	ref_accounts(r, n, ref);
}

static void ref_free(struct ref *ref)
{
	rbac_namespace_free(&ref->ns);
	rbac_namespace_free(&ref->global);
	for (size_t i = 0; i < ref->n_acc; i++)
		rbac_account_free(&ref->acc[i]);
}

/* The records into the model as a sync refresh sends them: the entries
 * the filter matches, in the directory's order, UUIDs 1000 + position. */
static void feed(const struct sfx_record *r, size_t n)
{
	struct rbac_entry_attr a[16];
	struct rbac_bytes v[256];
	struct rbac_entry e;

	for (size_t i = 0; i < n; i++) {
		struct rbac_sync_uuid u = sfx_uuid(1000 + (unsigned)i);

		if (!sfx_record_has(&r[i], "objectClass", "rbacNamespace") &&
		    !sfx_record_has(&r[i], "objectClass", "rbacRole") &&
		    !sfx_record_has(&r[i], "objectClass", "rbacAssignment") &&
		    !sfx_record_has(&r[i], "objectClass", "rbacAccount"))
			continue;
		sfx_record_entry(&r[i], syncd_model_attrs, &e, a, v);
		ck_assert_int_eq(syncd_model_apply(m, RBAC_SYNC_ADD, &u, r[i].dn, &e),
				 SYNCD_MODEL_OK);
	}
}

static void assert_same_images(const struct sfx_record *r, size_t n)
{
	struct rbac_snapshot_model rm;
	struct rbac_snapshot_image g1, a1, g2, a2;
	struct ref ref;

	ref_build(r, n, &ref);
	rm = (struct rbac_snapshot_model){&ref.ns, ref.has_global ? &ref.global : NULL, ref.acc,
					  ref.n_acc};
	derive();
	sfx_images(&rm, &g1, &a1);
	sfx_images(&sm, &g2, &a2);
	ck_assert_uint_gt(g1.groups, 5);
	ck_assert_uint_eq(g1.len, g2.len);
	ck_assert(memcmp(g1.data, g2.data, g1.len) == 0);
	ck_assert_uint_eq(a1.len, a2.len);
	ck_assert(memcmp(a1.data, a2.data, a1.len) == 0);
	rbac_snapshot_image_free(&g1);
	rbac_snapshot_image_free(&a1);
	rbac_snapshot_image_free(&g2);
	rbac_snapshot_image_free(&a2);
	ref_free(&ref);
}

static struct sfx_record *record(struct sfx_record *r, size_t n, const char *dn_start)
{
	for (size_t i = 0; i < n; i++)
		if (strncasecmp(r[i].dn, dn_start, strlen(dn_start)) == 0)
			return &r[i];
	ck_abort_msg("no record %s", dn_start);
	return NULL;
}

static void set_value(struct sfx_record *r, const char *attr, const char *value)
{
	for (size_t j = 0; j < r->n; j++)
		if (strcasecmp(r->attr[j], attr) == 0) {
			free(r->value[j]);
			r->value[j] = strdup(value);
			return;
		}
	ck_abort_msg("%s has no %s", r->dn, attr);
}

/* The record's current state sent as a modify of its UUID. */
static void resend(const struct sfx_record *r, size_t n, const struct sfx_record *which)
{
	struct rbac_entry_attr a[16];
	struct rbac_bytes v[256];
	struct rbac_entry e;
	struct rbac_sync_uuid u = sfx_uuid(1000 + (unsigned)(which - r));

	(void)n;
	sfx_record_entry(which, syncd_model_attrs, &e, a, v);
	ck_assert_int_eq(syncd_model_apply(m, RBAC_SYNC_MODIFY, &u, which->dn, &e),
			 SYNCD_MODEL_OK);
}

START_TEST(test_same_snapshot_as_refresh)
{
	struct sfx_record *r, *x;
	size_t n = sfx_example_ldif(&r);

	feed(r, n);
	syncd_model_refresh_done(m);
	assert_same_images(r, n);

	/* Changes, each one message as slapd sends it: a role moved to the
	 * global namespace, an account suspended, a role deleted. */
	x = record(r, n, "cn=contractor,cn=eng,");
	free(x->dn);
	x->dn = strdup("cn=contractor,cn=global," BASE);
	resend(r, n, x);
	x = record(r, n, "uid=alice,");
	set_value(x, "rbacAccountStatus", "suspended");
	resend(r, n, x);
	x = record(r, n, "cn=auditor,cn=eng,");
	del(1000 + (unsigned)(x - r));
	free(x->dn);
	x->dn = strdup("cn=gone,ou=elsewhere,dc=example,dc=org");
	assert_same_images(r, n);
	sfx_records_free(r, n);
}
END_TEST

/* A record appended to *r: dn, then attribute, value pairs up to NULL. */
static void append_record(struct sfx_record **r, size_t *n, const char *dn, ...)
{
	struct sfx_record *x;
	const char *attr;
	va_list ap;

	*r = reallocarray(*r, *n + 1, sizeof(**r));
	ck_assert_ptr_nonnull(*r);
	x = &(*r)[(*n)++];
	memset(x, 0, sizeof(*x));
	x->dn = strdup(dn);
	x->attr = calloc(16, sizeof(*x->attr));
	x->value = calloc(16, sizeof(*x->value));
	va_start(ap, dn);
	while ((attr = va_arg(ap, const char *)) != NULL && x->n < 16) {
		x->attr[x->n] = strdup(attr);
		x->value[x->n++] = strdup(va_arg(ap, const char *));
	}
	va_end(ap);
}

/* Role assignments (DESIGN.md §11) reach the snapshot the same way from
 * the agent's model as from rbacctl refresh's reads: at the start, when
 * one is added, changed, and deleted; a misplaced one nowhere. */
START_TEST(test_same_snapshot_with_assignments)
{
	struct sfx_record *r, *x;
	size_t n = sfx_example_ldif(&r);

	append_record(&r, &n, "uid=grace,cn=admin,cn=eng," BASE, "objectClass",
		      "rbacAssignment", "uid", "grace", "rbacValidUntil", "20991231235959Z",
		      "rbacTicket", "INC-1", NULL);
	append_record(&r, &n, "uid=heidi,cn=eng," BASE, "objectClass", "rbacAssignment", "uid",
		      "heidi", NULL);
	feed(r, n);
	syncd_model_refresh_done(m);
	assert_same_images(r, n);

	append_record(&r, &n, "uid=ivan,cn=platform-admin,cn=global," BASE, "objectClass",
		      "rbacAssignment", "uid", "ivan", "rbacValidFrom", "20200101000000Z",
		      NULL);
	x = &r[n - 1];
	resend(r, n, x); /* a new UUID: an add */
	x = record(r, n, "uid=grace,cn=admin,");
	set_value(x, "rbacValidUntil", "20991231000000Z");
	resend(r, n, x);
	assert_same_images(r, n);

	x = record(r, n, "uid=grace,cn=admin,");
	del(1000 + (unsigned)(x - r));
	free(x->dn);
	x->dn = strdup("cn=gone,ou=elsewhere,dc=example,dc=org");
	assert_same_images(r, n);
	sfx_records_free(r, n);
}
END_TEST

static Suite *syncd_model_suite(void)
{
	Suite *s = suite_create("syncd_model");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_and_derive);
	tcase_add_test(tc, test_same_snapshot_with_assignments);
	tcase_add_test(tc, test_no_namespace);
	tcase_add_test(tc, test_global_missing);
	tcase_add_test(tc, test_dn_spelling);
	tcase_add_test(tc, test_namespace_rename_carries_roles);
	tcase_add_test(tc, test_role_move_and_rename);
	tcase_add_test(tc, test_orphans_adopted);
	tcase_add_test(tc, test_namespace_delete_keeps_children);
	tcase_add_test(tc, test_reload_new_uuids);
	tcase_add_test(tc, test_delete_unknown_and_bad_calls);
	tcase_add_test(tc, test_account_classification);
	tcase_add_test(tc, test_uid_claimed_twice);
	tcase_add_test(tc, test_refresh_without_cookie_is_present_phase);
	tcase_add_test(tc, test_refresh_with_cookie_deletes_nothing);
	tcase_add_test(tc, test_idset_present_then_present_end);
	tcase_add_test(tc, test_idset_present_before_its_add);
	tcase_add_test(tc, test_idset_deletes);
	tcase_add_test(tc, test_dirty);
	tcase_add_test(tc, test_churn);
	tcase_add_test(tc, test_duplicate_role_names);
	tcase_add_test(tc, test_same_snapshot_as_refresh);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(syncd_model_suite());
}
