/*
 * check_model.c - permission matching and effective permissions (README.md):
 * inheritance, restrictions (not passed down), master list, cycles and
 * missing roles.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "rbac_model.h"

/* ---- matching ---- */

/* clang-format off */
static const struct {
	const char *pattern, *perm;
	bool match;
} matches[] = {
	{ "host.login", "host.login", true },
	{ "*", "host.login", true },
	{ "*", "x", true },
	{ "host.*", "host.login", true },
	{ "host.*", "host.a.b", true },
	{ "host.*", "host.", true },
	{ "host.*", "host", false },
	{ "host.*", "hostx.login", false },
	{ "host.*", "hos.login", false },
	{ "host*", "host.login", false },    /* only ".*" at the end is a wildcard */
	{ "host.log*", "host.login", false },
	{ "*.login", "host.login", false },
	{ "host.*.x", "host.a.x", false },
	{ "host.login", "host.logins", false },
	{ "host.login", "host.log", false },
	{ "host.login", "Host.Login", false }, /* case-exact, like the schema */
	{ "HOST.*", "host.login", false },
	{ "rbac.*", "rbac.roles.manage", true },
	{ "rbac.roles.*", "rbac.users.manage", false },
	{ "", "host.login", false },
	{ ".*", ".x", true },
};
/* clang-format on */

START_TEST(test_perm_match)
{
	ck_assert_msg(rbac_perm_match(matches[_i].pattern, matches[_i].perm) ==
			  matches[_i].match,
		      "match(\"%s\", \"%s\") should be %d", matches[_i].pattern,
		      matches[_i].perm, matches[_i].match);
}
END_TEST

START_TEST(test_perm_match_null)
{
	ck_assert(!rbac_perm_match(NULL, "host.login"));
	ck_assert(!rbac_perm_match("*", NULL));
}
END_TEST

START_TEST(test_perm_list_match_reports_pattern)
{
	struct rbac_strlist l = RBAC_STRLIST_INIT;
	const char *which = NULL;

	rbac_strlist_add(&l, "app.deploy");
	rbac_strlist_add(&l, "host.*");
	ck_assert(rbac_perm_list_match(&l, "host.sudo", &which));
	ck_assert_str_eq(which, "host.*");
	ck_assert(!rbac_perm_list_match(&l, "db.admin", NULL));
	rbac_strlist_free(&l);
	ck_assert(!rbac_perm_list_match(&l, "db.admin", NULL));
}
END_TEST

/* ---- account fields ---- */

START_TEST(test_status_parse)
{
	ck_assert_int_eq(rbac_status_parse(NULL), RBAC_STATUS_ACTIVE);
	ck_assert_int_eq(rbac_status_parse("active"), RBAC_STATUS_ACTIVE);
	ck_assert_int_eq(rbac_status_parse("ACTIVE"), RBAC_STATUS_ACTIVE);
	ck_assert_int_eq(rbac_status_parse("Suspended"), RBAC_STATUS_SUSPENDED);
	ck_assert_int_eq(rbac_status_parse("disabled"), RBAC_STATUS_DISABLED);
	ck_assert_int_eq(rbac_status_parse("deleted"), RBAC_STATUS_DELETED);
	ck_assert_int_eq(rbac_status_parse(""), RBAC_STATUS_INVALID);
	ck_assert_int_eq(rbac_status_parse("locked"), RBAC_STATUS_INVALID);
	ck_assert_int_eq(rbac_status_parse(" active"), RBAC_STATUS_INVALID);
	ck_assert_int_eq(rbac_status_parse("activ"), RBAC_STATUS_INVALID);
	ck_assert_str_eq(rbac_status_name(RBAC_STATUS_SUSPENDED), "suspended");
	ck_assert_str_eq(rbac_status_name(RBAC_STATUS_INVALID), "invalid");
	ck_assert_str_eq(rbac_status_name((enum rbac_status)99), "invalid");
}
END_TEST

START_TEST(test_time_bound)
{
	struct rbac_account a;

	rbac_account_init(&a);
	ck_assert_int_eq(rbac_time_bound_set(&a.valid_from, "20261231235959Z"), 0);
	ck_assert(a.valid_from.present && a.valid_from.valid);
	ck_assert_int_eq(a.valid_from.t, 1798761599);
	ck_assert_int_eq(rbac_time_bound_set(&a.valid_until, "tomorrow"), 0);
	ck_assert(a.valid_until.present && !a.valid_until.valid);
	ck_assert_str_eq(a.valid_until.raw, "tomorrow");
	ck_assert_int_eq(rbac_time_bound_set(&a.valid_until, NULL), 0);
	ck_assert(!a.valid_until.present);
	ck_assert_ptr_null(a.valid_until.raw);
	rbac_account_free(&a);
}
END_TEST

/* ---- effective permissions on the example chain ---- */

static struct rbac_namespace eng;

static void eng_setup(void)
{
	fx_example_eng(&eng);
}

static void eng_teardown(void)
{
	rbac_namespace_free(&eng);
}

static bool grants(const char *role, const char *perm)
{
	const struct rbac_role *r = rbac_namespace_find_role(&eng, role);

	ck_assert_msg(r != NULL, "no role %s", role);
	return rbac_role_grants(&eng, r, perm);
}

START_TEST(test_chain_inheritance)
{
	ck_assert(grants("user", "host.login"));
	ck_assert(!grants("user", "host.sudo"));
	ck_assert(!grants("user", "app.deploy"));
	ck_assert(grants("manager", "host.login"));
	ck_assert(grants("manager", "app.deploy"));
	ck_assert(!grants("manager", "host.sudo"));
	ck_assert(grants("admin", "host.login"));
	ck_assert(grants("admin", "app.logs.read"));
	ck_assert(grants("admin", "host.sudo"));
	ck_assert(!grants("admin", "rbac.roles.manage"));
	ck_assert(grants("super-admin", "rbac.roles.manage"));
	ck_assert(grants("super-admin", "host.su"));
}
END_TEST

START_TEST(test_grant_source_names_origin)
{
	const struct rbac_role *admin = rbac_namespace_find_role(&eng, "super-admin");
	const struct rbac_role *src;
	const char *pattern = NULL;

	src = rbac_role_grant_source(&eng, admin, "host.login", &pattern);
	ck_assert_ptr_nonnull(src);
	ck_assert_str_eq(src->name, "user");
	ck_assert_str_eq(pattern, "host.login");
	src = rbac_role_grant_source(&eng, admin, "host.sudo", &pattern);
	ck_assert_str_eq(src->name, "admin");
	/* the nearest grant wins: super-admin's own rbac.* before admin's */
	src = rbac_role_grant_source(&eng, admin, "rbac.users.manage", &pattern);
	ck_assert_str_eq(src->name, "super-admin");
	src = rbac_role_grant_source(&eng, admin, "rbac.roles.manage", &pattern);
	ck_assert_str_eq(src->name, "super-admin");
	ck_assert_str_eq(pattern, "rbac.*");
}
END_TEST

START_TEST(test_custom_role_base_plus_extra_minus_restrictions)
{
	ck_assert(grants("deployer", "host.login")); /* from the base chain */
	ck_assert(grants("deployer", "app.deploy"));
	ck_assert(grants("deployer", "app.restart")); /* extra */
	ck_assert(!grants("deployer", "host.sudo"));  /* restricted */
	ck_assert(!grants("deployer", "host.su"));
	ck_assert(grants("admin", "host.sudo")); /* the base role is unchanged */
}
END_TEST

START_TEST(test_master_list_limits_grants)
{
	ck_assert(!grants("deployer", "db.admin")); /* granted, but outside the list */
	ck_assert(!grants("super-admin", "rbac.audit.read"));
}
END_TEST

START_TEST(test_restriction_not_passed_down)
{
	struct rbac_role *lead, *both;

	/* lead inherits deployer and grants host.sudo itself: deployer's
	 * restriction does not reach lead's own grant */
	lead = fx_role(&eng, "lead", "host.sudo", NULL, "deployer", NULL);
	both = fx_role(&eng, "ops", NULL, NULL, "deployer admin", NULL);
	ck_assert_int_eq(fx_resolve(&eng), 0);
	ck_assert(rbac_role_grants(&eng, lead, "host.sudo"));
	ck_assert(!rbac_role_grants(&eng, lead, "host.su"));
	ck_assert(rbac_role_grants(&eng, lead, "app.restart"));
	/* through admin directly, the grant deployer hides is still there */
	both = rbac_namespace_find_role(&eng, "ops");
	ck_assert(rbac_role_grants(&eng, both, "host.su"));
}
END_TEST

START_TEST(test_restriction_wildcard_and_own_grant)
{
	struct rbac_namespace ns;
	struct rbac_role *r, *s;

	fx_namespace(&ns, "t", NULL);
	fx_role(&ns, "base", "host.login host.sudo app.deploy", NULL, NULL, NULL);
	r = fx_role(&ns, "nohost", "host.su", "host.*", "base", NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	r = rbac_namespace_find_role(&ns, "nohost");
	ck_assert(!rbac_role_grants(&ns, r, "host.login"));
	ck_assert(!rbac_role_grants(&ns, r, "host.su")); /* own grant, own restriction */
	ck_assert(rbac_role_grants(&ns, r, "app.deploy"));
	s = fx_role(&ns, "nothing", "*", "*", NULL, NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	s = rbac_namespace_find_role(&ns, "nothing");
	ck_assert(!rbac_role_grants(&ns, s, "host.login"));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_master_list_patterns)
{
	struct rbac_namespace ns;
	struct rbac_role *all;

	fx_namespace(&ns, "t", "host.login host.sudo");
	all = fx_role(&ns, "all", "*", NULL, NULL, NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	ck_assert(rbac_role_grants(&ns, all, "host.login"));
	ck_assert(rbac_role_grants(&ns, all, "host.sudo"));
	ck_assert(!rbac_role_grants(&ns, all, "host.su"));
	rbac_namespace_free(&ns);

	fx_namespace(&ns, "t", "host.*");
	all = fx_role(&ns, "all", "*", NULL, NULL, NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	ck_assert(rbac_role_grants(&ns, all, "host.su"));
	ck_assert(!rbac_role_grants(&ns, all, "app.deploy"));
	rbac_namespace_free(&ns);

	fx_namespace(&ns, "t", "*");
	all = fx_role(&ns, "some", "db.admin", NULL, NULL, NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	ck_assert(rbac_role_grants(&ns, all, "db.admin"));
	ck_assert(!rbac_role_grants(&ns, all, "db.read"));
	rbac_namespace_free(&ns);

	fx_namespace(&ns, "t", NULL); /* no master list: every grant counts */
	all = fx_role(&ns, "some", "db.admin", NULL, NULL, NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	ck_assert(rbac_role_grants(&ns, all, "db.admin"));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_cycle_grants_nothing_through_it)
{
	struct rbac_namespace ns;
	struct rbac_role *a, *b, *c, *ok;

	fx_namespace(&ns, "t", NULL);
	fx_role(&ns, "a", "p.a", NULL, "b", NULL);
	fx_role(&ns, "b", "p.b", NULL, "a", NULL);
	fx_role(&ns, "c", "p.c", NULL, "a ok", NULL);
	fx_role(&ns, "ok", "p.ok", NULL, NULL, NULL);
	ck_assert_int_eq(fx_resolve(&ns), 2);
	ck_assert_ptr_nonnull(strstr(fx_log, "cn=a,cn=t,ou=rbac,dc=example,dc=org is on an "
					     "inheritance cycle"));
	ck_assert_ptr_nonnull(strstr(fx_log, "cn=b,cn=t,ou=rbac,dc=example,dc=org is on an "
					     "inheritance cycle"));
	a = rbac_namespace_find_role(&ns, "a");
	b = rbac_namespace_find_role(&ns, "b");
	c = rbac_namespace_find_role(&ns, "c");
	ok = rbac_namespace_find_role(&ns, "ok");
	ck_assert(a->on_cycle && b->on_cycle && !c->on_cycle && !ok->on_cycle);
	ck_assert(rbac_role_grants(&ns, a, "p.a")); /* own grants stay */
	ck_assert(!rbac_role_grants(&ns, a, "p.b"));
	ck_assert(!rbac_role_grants(&ns, b, "p.a"));
	ck_assert(rbac_role_grants(&ns, c, "p.c"));
	ck_assert(!rbac_role_grants(&ns, c, "p.a")); /* the broken path grants nothing */
	ck_assert(rbac_role_grants(&ns, c, "p.ok")); /* the sound one still does */
	ck_assert(!rbac_role_inherits(&ns, c, a));
	ck_assert(rbac_role_inherits(&ns, c, ok));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_self_inheritance_is_a_cycle)
{
	struct rbac_namespace ns;
	struct rbac_role *s;

	fx_namespace(&ns, "t", NULL);
	fx_role(&ns, "self", "p.s", NULL, "SELF", NULL);
	ck_assert_int_eq(fx_resolve(&ns), 1);
	s = rbac_namespace_find_role(&ns, "self");
	ck_assert(s->on_cycle);
	ck_assert_int_eq(s->n_parents, 0);
	ck_assert(rbac_role_grants(&ns, s, "p.s"));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_missing_inherited_role)
{
	struct rbac_namespace ns;
	struct rbac_role *x;

	fx_namespace(&ns, "t", NULL);
	fx_role(&ns, "base", "p.base", NULL, NULL, NULL);
	fx_role(&ns, "x", "p.x", NULL, "ghost base", NULL);
	ck_assert_int_eq(fx_resolve(&ns), 1);
	ck_assert_ptr_nonnull(strstr(fx_log, "directory error: cn=x,cn=t,ou=rbac,dc=example,"
					     "dc=org inherits \"ghost\", which is not a role"));
	x = rbac_namespace_find_role(&ns, "x");
	ck_assert(rbac_role_grants(&ns, x, "p.x"));
	ck_assert(rbac_role_grants(&ns, x, "p.base"));
	ck_assert_int_eq(x->n_parents, 1);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_inherits_is_case_insensitive_like_cn)
{
	struct rbac_namespace ns;
	struct rbac_role *x;

	fx_namespace(&ns, "t", NULL);
	fx_role(&ns, "user", "host.login", NULL, NULL, NULL);
	fx_role(&ns, "x", NULL, NULL, "User", NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	x = rbac_namespace_find_role(&ns, "X");
	ck_assert_ptr_nonnull(x);
	ck_assert(rbac_role_grants(&ns, x, "host.login"));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_unresolved_namespace_grants_nothing)
{
	struct rbac_namespace ns;
	struct rbac_role *r;

	fx_namespace(&ns, "t", NULL);
	r = fx_role(&ns, "r", "*", NULL, NULL, NULL);
	ck_assert(!rbac_role_grants(&ns, r, "host.login"));
	ck_assert_int_eq(fx_resolve(&ns), 0);
	ck_assert(rbac_role_grants(&ns, r, "host.login"));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_foreign_role_pointer_grants_nothing)
{
	struct rbac_namespace other;
	struct rbac_role *r;

	fx_namespace(&other, "o", NULL);
	r = fx_role(&other, "r", "*", NULL, NULL, NULL);
	fx_resolve(&other);
	ck_assert(!rbac_role_grants(&eng, r, "host.login"));
	rbac_namespace_free(&other);
}
END_TEST

/* 40 layers of diamonds: 2^40 paths, one visit per role. */
START_TEST(test_diamond_hierarchy_is_linear)
{
	struct rbac_namespace ns;
	char name[32], inh[64];
	struct rbac_role *top;

	fx_namespace(&ns, "t", NULL);
	fx_role(&ns, "l0", "p.root", NULL, NULL, NULL);
	for (int i = 1; i <= 40; i++) {
		snprintf(inh, sizeof(inh), "l%d", i - 1);
		snprintf(name, sizeof(name), "a%d", i);
		fx_role(&ns, name, NULL, NULL, inh, NULL);
		snprintf(name, sizeof(name), "b%d", i);
		fx_role(&ns, name, NULL, NULL, inh, NULL);
		snprintf(inh, sizeof(inh), "a%d b%d", i, i);
		snprintf(name, sizeof(name), "l%d", i);
		fx_role(&ns, name, NULL, NULL, inh, NULL);
	}
	ck_assert_int_eq(fx_resolve(&ns), 0);
	top = rbac_namespace_find_role(&ns, "l40");
	ck_assert(rbac_role_grants(&ns, top, "p.root"));
	ck_assert(!rbac_role_grants(&ns, top, "p.none"));
	ck_assert(rbac_role_inherits(&ns, top, rbac_namespace_find_role(&ns, "l0")));
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_inherits_relation)
{
	const struct rbac_role *user = rbac_namespace_find_role(&eng, "user");
	const struct rbac_role *super = rbac_namespace_find_role(&eng, "super-admin");
	const struct rbac_role *contractor = rbac_namespace_find_role(&eng, "contractor");

	ck_assert(rbac_role_inherits(&eng, super, user));
	ck_assert(!rbac_role_inherits(&eng, user, super));
	ck_assert(!rbac_role_inherits(&eng, user, user));
	ck_assert(!rbac_role_inherits(&eng, contractor, user));
}
END_TEST

START_TEST(test_membership_is_exact)
{
	const struct rbac_role *admin = rbac_namespace_find_role(&eng, "admin");

	ck_assert(rbac_role_has_member(admin, "alice"));
	ck_assert(!rbac_role_has_member(admin, "Alice"));
	ck_assert(!rbac_role_has_member(admin, "alice "));
	ck_assert(!rbac_role_has_member(admin, "alic"));
	ck_assert(!rbac_role_has_member(admin, ""));
}
END_TEST

START_TEST(test_find_role)
{
	ck_assert_ptr_nonnull(rbac_namespace_find_role(&eng, "Super-Admin"));
	ck_assert_ptr_null(rbac_namespace_find_role(&eng, "super"));
	ck_assert_ptr_null(rbac_namespace_find_role(&eng, ""));
}
END_TEST

/* ---- explanations: why a role does (not) grant a permission ---- */

static enum rbac_denial explain(const char *role, const char *perm, struct rbac_denial_info *d)
{
	const struct rbac_role *r = rbac_namespace_find_role(&eng, role);

	ck_assert_msg(r != NULL, "no role %s", role);
	return rbac_role_explain(&eng, r, perm, d);
}

START_TEST(test_explain_granted_names_source)
{
	struct rbac_denial_info d;

	ck_assert_int_eq(explain("super-admin", "host.sudo", &d), RBAC_DENIAL_NONE);
	ck_assert_int_eq(d.why, RBAC_DENIAL_NONE);
	ck_assert_str_eq(d.source->name, "admin");
	ck_assert_str_eq(d.pattern, "host.sudo");
	ck_assert_ptr_null(d.restricted_by);
}
END_TEST

START_TEST(test_explain_restriction_names_role_and_hidden_grant)
{
	struct rbac_denial_info d;

	ck_assert_int_eq(explain("deployer", "host.sudo", &d), RBAC_DENIAL_RESTRICTION);
	ck_assert_str_eq(d.restricted_by->name, "deployer");
	ck_assert_str_eq(d.restriction, "host.sudo");
	ck_assert_str_eq(d.source->name, "admin");
	ck_assert_str_eq(d.pattern, "host.sudo");
	ck_assert_ptr_null(d.broken);
}
END_TEST

START_TEST(test_explain_restriction_of_an_inherited_role)
{
	struct rbac_denial_info d;
	struct rbac_role *r;

	/* team inherits deployer: deployer's restriction hides admin's grant
	 * on team's only path to it */
	fx_role(&eng, "team", "app.logs.read", NULL, "deployer", NULL);
	ck_assert_int_eq(fx_resolve(&eng), 0);
	r = rbac_namespace_find_role(&eng, "team");
	ck_assert_int_eq(rbac_role_explain(&eng, r, "host.su", &d), RBAC_DENIAL_RESTRICTION);
	ck_assert_str_eq(d.restricted_by->name, "deployer");
	ck_assert_str_eq(d.restriction, "host.su");
	ck_assert_str_eq(d.source->name, "admin");
}
END_TEST

START_TEST(test_explain_master_list_first)
{
	struct rbac_denial_info d;

	/* deployer grants db.admin itself; the master list does not admit it */
	ck_assert_int_eq(explain("deployer", "db.admin", &d), RBAC_DENIAL_MASTER);
	ck_assert_str_eq(d.source->name, "deployer");
	ck_assert_str_eq(d.pattern, "db.admin");
	ck_assert_ptr_null(d.restricted_by);
	/* nobody grants it and the list does not admit it: still the list */
	ck_assert_int_eq(explain("user", "db.read", &d), RBAC_DENIAL_MASTER);
	ck_assert_ptr_null(d.source);
}
END_TEST

START_TEST(test_explain_missing)
{
	struct rbac_denial_info d;

	ck_assert_int_eq(explain("manager", "host.sudo", &d), RBAC_DENIAL_MISSING);
	ck_assert_ptr_null(d.source);
	ck_assert_ptr_null(d.pattern);
	ck_assert_ptr_null(d.restricted_by);
	ck_assert_ptr_null(d.broken);
}
END_TEST

START_TEST(test_explain_restriction_without_grant_is_missing)
{
	struct rbac_namespace ns;
	struct rbac_role *r;
	struct rbac_denial_info d;

	fx_namespace(&ns, "t", NULL);
	r = fx_role(&ns, "r", "host.login", "host.sudo", NULL, NULL);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	ck_assert_int_eq(rbac_role_explain(&ns, r, "host.sudo", &d), RBAC_DENIAL_MISSING);
	ck_assert_ptr_null(d.restricted_by);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_explain_notes_broken_inheritance)
{
	struct rbac_namespace ns;
	struct rbac_role *r;
	struct rbac_denial_info d;

	fx_namespace(&ns, "t", NULL);
	fx_role(&ns, "base", "host.login", NULL, "ghost", NULL);
	fx_role(&ns, "top", NULL, NULL, "base", NULL);
	ck_assert_int_eq(fx_resolve(&ns), 1);
	r = rbac_namespace_find_role(&ns, "top");
	ck_assert_int_eq(rbac_role_explain(&ns, r, "host.sudo", &d), RBAC_DENIAL_MISSING);
	ck_assert_ptr_nonnull(d.broken);
	ck_assert_str_eq(d.broken->name, "base");
	ck_assert_int_eq(rbac_role_explain(&ns, r, "host.login", &d), RBAC_DENIAL_NONE);
	ck_assert_ptr_null(d.broken);
	rbac_namespace_free(&ns);
}
END_TEST

START_TEST(test_explain_unresolved_or_foreign)
{
	struct rbac_namespace ns;
	struct rbac_role *r;
	struct rbac_denial_info d;

	fx_namespace(&ns, "t", NULL);
	r = fx_role(&ns, "r", "host.login", NULL, NULL, NULL);
	ck_assert_int_eq(rbac_role_explain(&ns, r, "host.login", &d), RBAC_DENIAL_MISSING);
	ck_assert_int_eq(fx_resolve(&ns), 0);
	ck_assert_int_eq(rbac_role_explain(&eng, r, "host.login", &d), RBAC_DENIAL_MISSING);
	ck_assert_int_eq(rbac_role_explain(&ns, r, NULL, &d), RBAC_DENIAL_MISSING);
	rbac_namespace_free(&ns);
}
END_TEST

/* Resolving puts a role's assignments in one order, whatever the order
 * they were read in: by uid, then start (absent first, unreadable last),
 * then end, then DN (DESIGN.md §11; the snapshot writer relies on it). */
START_TEST(test_assignments_sorted_by_resolve)
{
	static const char *const in[][4] = {
	    {"zoe", "20270101000000Z", NULL, "d1"},
	    {"amy", "x", NULL, "d2"},
	    {"amy", "20270102000000Z", NULL, "d3"},
	    {"amy", NULL, "20270101000000Z", "d4"},
	    {"amy", "20270101000000Z", "20270105000000Z", "d5"},
	    {"amy", "20270101000000Z", "20270103000000Z", "d6"}};
	static const char *const want[] = {"d4", "d6", "d5", "d3", "d2", "d1"};
	struct rbac_namespace ns;
	struct rbac_role *r;

	fx_namespace(&ns, "eng", NULL);
	r = fx_role(&ns, "admin", "host.sudo", NULL, NULL, NULL);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct rbac_assignment *a = rbac_role_add_assignment(r, in[i][0], in[i][3]);

		ck_assert_ptr_nonnull(a);
		ck_assert_int_eq(rbac_time_bound_set(&a->valid_from, in[i][1]), 0);
		ck_assert_int_eq(rbac_time_bound_set(&a->valid_until, in[i][2]), 0);
	}
	ck_assert_int_eq(fx_resolve(&ns), 0);
	r = rbac_namespace_find_role(&ns, "admin");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_str_eq(r->assignments[i].dn, want[i]);
	rbac_namespace_free(&ns);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("match");

	tcase_add_loop_test(tc, test_perm_match, 0, sizeof(matches) / sizeof(matches[0]));
	tcase_add_test(tc, test_perm_match_null);
	tcase_add_test(tc, test_perm_list_match_reports_pattern);
	tcase_add_test(tc, test_status_parse);
	tcase_add_test(tc, test_time_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("effective");
	tcase_add_checked_fixture(tc, eng_setup, eng_teardown);
	tcase_add_test(tc, test_chain_inheritance);
	tcase_add_test(tc, test_grant_source_names_origin);
	tcase_add_test(tc, test_custom_role_base_plus_extra_minus_restrictions);
	tcase_add_test(tc, test_master_list_limits_grants);
	tcase_add_test(tc, test_restriction_not_passed_down);
	tcase_add_test(tc, test_restriction_wildcard_and_own_grant);
	tcase_add_test(tc, test_master_list_patterns);
	tcase_add_test(tc, test_cycle_grants_nothing_through_it);
	tcase_add_test(tc, test_self_inheritance_is_a_cycle);
	tcase_add_test(tc, test_missing_inherited_role);
	tcase_add_test(tc, test_inherits_is_case_insensitive_like_cn);
	tcase_add_test(tc, test_unresolved_namespace_grants_nothing);
	tcase_add_test(tc, test_foreign_role_pointer_grants_nothing);
	tcase_add_test(tc, test_diamond_hierarchy_is_linear);
	tcase_add_test(tc, test_inherits_relation);
	tcase_add_test(tc, test_membership_is_exact);
	tcase_add_test(tc, test_find_role);
	tcase_add_test(tc, test_explain_granted_names_source);
	tcase_add_test(tc, test_explain_restriction_names_role_and_hidden_grant);
	tcase_add_test(tc, test_explain_restriction_of_an_inherited_role);
	tcase_add_test(tc, test_explain_master_list_first);
	tcase_add_test(tc, test_explain_missing);
	tcase_add_test(tc, test_explain_restriction_without_grant_is_missing);
	tcase_add_test(tc, test_explain_notes_broken_inheritance);
	tcase_add_test(tc, test_explain_unresolved_or_foreign);
	tcase_add_test(tc, test_assignments_sorted_by_resolve);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(model_suite());
}
