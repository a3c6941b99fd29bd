/*
 * check_entry.c - directory values into the model (rbac_entry.c): status,
 * reason, validity window and lock of an account, the lists and gidNumber
 * of a role, with the values a directory could really return (several
 * where one is expected, NUL bytes, odd numbers).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "rbac_entry.h"

static char logged[4096];

static void capture(void *ctx, int priority, const char *message)
{
	(void)ctx;
	(void)priority;
	strncat(logged, message, sizeof(logged) - strlen(logged) - 2);
	strcat(logged, "\n");
}

static const struct rbac_logger lg = {capture, NULL, true};

#define V(s)                                                                                   \
	{                                                                                      \
		(s), sizeof(s) - 1                                                             \
	}
#define ATTR(n, arr)                                                                           \
	{                                                                                      \
		(n), (arr), sizeof(arr) / sizeof((arr)[0])                                     \
	}
#define ENTRY(arr)                                                                             \
	{                                                                                      \
		"uid=x,ou=people", (arr), sizeof(arr) / sizeof((arr)[0])                       \
	}

static void load_account(const struct rbac_entry *e, struct rbac_account *a)
{
	rbac_account_init(a);
	ck_assert_int_eq(rbac_entry_account(e, "x", a), 0);
	ck_assert_str_eq(a->uid, "x");
	ck_assert_str_eq(a->dn, "uid=x,ou=people");
}

START_TEST(test_account_plain)
{
	static const struct rbac_bytes st[] = {V("Suspended")}, why[] = {V("reset")},
				       from[] = {V("20260101000000Z")},
				       lock[] = {V("000001010000Z")};
	static const struct rbac_entry_attr at[] = {
	    ATTR("rbacaccountstatus", st), ATTR("rbacStatusReason", why),
	    ATTR("rbacValidFrom", from), ATTR("pwdAccountLockedTime", lock)};
	static const struct rbac_entry e = ENTRY(at);
	struct rbac_account a;

	load_account(&e, &a);
	ck_assert_int_eq(a.status, RBAC_STATUS_SUSPENDED);
	ck_assert_str_eq(a.status_reason, "reset");
	ck_assert(a.valid_from.present && a.valid_from.valid);
	ck_assert(!a.valid_until.present);
	ck_assert(a.locked);
	rbac_account_free(&a);
}
END_TEST

START_TEST(test_account_absent_is_active)
{
	static const struct rbac_entry e = {"uid=x,ou=people", NULL, 0};
	struct rbac_account a;

	load_account(&e, &a);
	ck_assert_int_eq(a.status, RBAC_STATUS_ACTIVE);
	ck_assert_ptr_null(a.status_raw);
	ck_assert(!a.locked);
	rbac_account_free(&a);
}
END_TEST

/* Never the first of several, never a value cut at a NUL byte. */
START_TEST(test_account_ambiguous_values)
{
	static const struct rbac_bytes two[] = {V("active"), V("deleted")},
				       nul[] = {{"active\0x", 8}},
				       times[] = {V("20260101000000Z"), V("20270101000000Z")};
	static const struct rbac_entry_attr at1[] = {ATTR("rbacAccountStatus", two),
						     ATTR("rbacValidUntil", times)};
	static const struct rbac_entry_attr at2[] = {ATTR("rbacAccountStatus", nul)};
	static const struct rbac_entry e1 = ENTRY(at1), e2 = ENTRY(at2);
	struct rbac_account a;

	load_account(&e1, &a);
	ck_assert_int_eq(a.status, RBAC_STATUS_INVALID);
	ck_assert(a.valid_until.present && !a.valid_until.valid);
	rbac_account_free(&a);
	load_account(&e2, &a);
	ck_assert_int_eq(a.status, RBAC_STATUS_INVALID);
	ck_assert_str_eq(a.status_raw, "active?x");
	rbac_account_free(&a);
}
END_TEST

static void load_role(const struct rbac_entry *e, const char *only, struct rbac_role *r)
{
	memset(r, 0, sizeof(*r));
	logged[0] = '\0';
	ck_assert_int_eq(rbac_entry_role(e, only, &lg, r), 0);
}

static void free_role(struct rbac_role *r)
{
	rbac_strlist_free(&r->permissions);
	rbac_strlist_free(&r->restrictions);
	rbac_strlist_free(&r->inherits);
	rbac_strlist_free(&r->members);
}

START_TEST(test_role_lists)
{
	static const struct rbac_bytes perm[] = {V("host.login"), {"host.sudo\0", 10}},
				       members[] = {V("alice"), V("Alice"), {"alice\0x", 7}},
				       gid[] = {V("900010")};
	static const struct rbac_entry_attr at[] = {
	    ATTR("rbacPermission", perm), ATTR("memberUid", members), ATTR("gidNumber", gid)};
	static const struct rbac_entry e = ENTRY(at);
	struct rbac_role r;

	load_role(&e, NULL, &r);
	ck_assert_uint_eq(r.permissions.n, 1);
	ck_assert_str_eq(r.permissions.v[0], "host.login");
	ck_assert_uint_eq(r.members.n, 2);
	ck_assert(strstr(logged, "a value of rbacPermission contains a NUL byte") != NULL);
	ck_assert(r.has_gid);
	ck_assert_uint_eq(r.gid, 900010);
	free_role(&r);
	/* one member's decision: that value only, byte for byte */
	load_role(&e, "alice", &r);
	ck_assert_uint_eq(r.members.n, 1);
	ck_assert_str_eq(r.members.v[0], "alice");
	free_role(&r);
}
END_TEST

START_TEST(test_role_bad_gid)
{
	static const struct rbac_bytes bad[][1] = {
	    {V("")},	{V("-1")},  {V("+5")},	   {V("4294967296")},
	    {V("12a")}, {V(" 12")}, {{"12\0", 3}}, {V("99999999999")}};
	static const struct rbac_bytes two[] = {V("1"), V("2")};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct rbac_entry_attr at[] = {{"gidNumber", bad[i], 1}};
		const struct rbac_entry e = ENTRY(at);
		struct rbac_role r;

		load_role(&e, NULL, &r);
		ck_assert_msg(!r.has_gid, "case %zu", i);
		ck_assert(strstr(logged, "is not a number 0..4294967295") != NULL);
		free_role(&r);
	}
	{
		const struct rbac_entry_attr at[] = {ATTR("gidNumber", two)};
		const struct rbac_entry e = ENTRY(at);
		struct rbac_role r;

		load_role(&e, NULL, &r);
		ck_assert(!r.has_gid); /* which one would we believe? */
		free_role(&r);
	}
}
END_TEST

START_TEST(test_gid_limits)
{
	static const struct rbac_bytes zero = V("0"), top = V("4294967295");
	unsigned long gid = 7;

	ck_assert(rbac_entry_parse_gid(&zero, &gid));
	ck_assert_uint_eq(gid, 0);
	ck_assert(rbac_entry_parse_gid(&top, &gid));
	ck_assert_uint_eq(gid, 4294967295UL);
}
END_TEST

START_TEST(test_has_value)
{
	static const struct rbac_bytes oc[] = {V("top"), V("RBACROLE"), {"rbacRole\0", 9}};
	static const struct rbac_entry_attr at[] = {ATTR("objectClass", oc)};
	static const struct rbac_entry e = ENTRY(at);

	ck_assert(rbac_entry_has_value(&e, "objectclass", "rbacRole", true));
	ck_assert(!rbac_entry_has_value(&e, "objectClass", "rbacRole", false));
	ck_assert(!rbac_entry_has_value(&e, "objectClass", "rbacNamespace", true));
	ck_assert(!rbac_entry_has_value(&e, "cn", "rbacRole", true));
}
END_TEST

static Suite *entry_suite(void)
{
	Suite *s = suite_create("entry");
	TCase *tc = tcase_create("values");

	tcase_add_test(tc, test_account_plain);
	tcase_add_test(tc, test_account_absent_is_active);
	tcase_add_test(tc, test_account_ambiguous_values);
	tcase_add_test(tc, test_role_lists);
	tcase_add_test(tc, test_role_bad_gid);
	tcase_add_test(tc, test_gid_limits);
	tcase_add_test(tc, test_has_value);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(entry_suite());
}
