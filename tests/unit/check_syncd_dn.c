/*
 * check_syncd_dn.c - the DN questions of rbac-syncd's session (syncd/dn.c):
 * the one search base over ldap.base and ldap.user_base, and whether a
 * naming context holds it. RDNs compare ignoring ASCII case and the
 * spelling of the DN (spaces, escapes), never by string.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <strings.h>

#include "agent.h"
#include "fixture.h"

static void expect_common(const char *a, const char *b, const char *want)
{
	char *got = syncd_dn_common(a, b);

	ck_assert_msg(got != NULL, "common(%s, %s): NULL", a, b);
	ck_assert_msg(strcasecmp(got, want) == 0, "common(%s, %s) = \"%s\", want \"%s\"", a, b,
		      got, want);
	free(got);
}

START_TEST(test_common_siblings)
{
	expect_common("ou=rbac,dc=example,dc=org", "ou=people,dc=example,dc=org",
		      "dc=example,dc=org");
	expect_common("cn=a,ou=x,dc=org", "cn=b,ou=y,dc=org", "dc=org");
}
END_TEST

START_TEST(test_common_nested_and_same)
{
	expect_common("ou=people,ou=rbac,dc=example,dc=org", "ou=rbac,dc=example,dc=org",
		      "ou=rbac,dc=example,dc=org");
	expect_common("ou=rbac,dc=example,dc=org", "ou=rbac,dc=example,dc=org",
		      "ou=rbac,dc=example,dc=org");
}
END_TEST

START_TEST(test_common_case_and_spelling)
{
	expect_common("OU=rbac, DC=Example,dc=ORG", "ou=people,dc=example, dc=org",
		      "dc=example,dc=org");
	/* an escaped comma is part of a value, not a separator */
	expect_common("cn=a\\,dc=org,dc=example,dc=org", "ou=b,dc=example,dc=org",
		      "dc=example,dc=org");
}
END_TEST

START_TEST(test_common_none_or_bad)
{
	char *got = syncd_dn_common("dc=example,dc=org", "dc=example,dc=net");

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "");
	free(got);
	/* the last RDN differs by more than case */
	got = syncd_dn_common("dc=a,dc=org", "dc=a,dc=orgs");
	ck_assert_str_eq(got, "");
	free(got);
	ck_assert_ptr_null(syncd_dn_common("not a dn", "dc=org"));
	ck_assert_ptr_null(syncd_dn_common("dc=org", "=x"));
}
END_TEST

START_TEST(test_common_multivalued_rdn)
{
	expect_common("cn=a+uid=b,dc=org", "cn=a+uid=b,dc=org", "cn=a+uid=b,dc=org");
	expect_common("cn=a+uid=b,dc=org", "cn=a,dc=org", "dc=org");
}
END_TEST

START_TEST(test_within)
{
	ck_assert(syncd_dn_within("uid=x,ou=people,dc=example,dc=org", "dc=example,dc=org"));
	ck_assert(syncd_dn_within("dc=example,dc=org", "DC=Example, DC=Org"));
	ck_assert(syncd_dn_within("dc=example,dc=org", ""));
	ck_assert(!syncd_dn_within("dc=org", "dc=example,dc=org"));
	ck_assert(!syncd_dn_within("cn=a,dc=exampl,dc=org", "dc=example,dc=org"));
	ck_assert(!syncd_dn_within("cn=a,dc=example,dc=org", "not a dn"));
}
END_TEST

static Suite *syncd_dn_suite(void)
{
	Suite *s = suite_create("syncd_dn");
	TCase *tc = tcase_create("dn");

	tcase_add_test(tc, test_common_siblings);
	tcase_add_test(tc, test_common_nested_and_same);
	tcase_add_test(tc, test_common_case_and_spelling);
	tcase_add_test(tc, test_common_none_or_bad);
	tcase_add_test(tc, test_common_multivalued_rdn);
	tcase_add_test(tc, test_within);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(syncd_dn_suite());
}
