/*
 * check_escape.c - rbac_ldap_escape_filter(): every RFC 4515 special byte is
 * escaped, an embedded NUL never cuts the value short, and the length limit
 * holds exactly.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "rbac_ldap.h"

static void expect_escaped(const char *in, size_t len, const char *want)
{
	char *out = rbac_ldap_escape_filter(in, len);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(test_specials)
{
	expect_escaped("*", 1, "\\2A");
	expect_escaped("(", 1, "\\28");
	expect_escaped(")", 1, "\\29");
	expect_escaped("\\", 1, "\\5C");
	expect_escaped("*)(uid=*", 8, "\\2A\\29\\28uid=\\2A");
	expect_escaped("alice)(objectClass=*", 20, "alice\\29\\28objectClass=\\2A");
	/* an already escaped-looking value is escaped again, not trusted */
	expect_escaped("alice\\00", 8, "alice\\5C00");
}
END_TEST

START_TEST(test_embedded_nul)
{
	static const char in[] = {'a', 'l', '\0', 'i', 'c', 'e'};

	expect_escaped(in, sizeof(in), "al\\00ice");
}
END_TEST

START_TEST(test_trailing_nul_counts)
{
	/* len decides, not the terminator: "bob\0" is four bytes */
	expect_escaped("bob", 4, "bob\\00");
}
END_TEST

START_TEST(test_empty)
{
	expect_escaped("", 0, "");
	/* len 0 of a longer string is still empty */
	expect_escaped("alice", 0, "");
}
END_TEST

START_TEST(test_plain_ascii_unchanged)
{
	const char *s = "alice.smith-2_x@example.org ~!#$%&'+,/:;<=>?[]^`{|}";

	expect_escaped(s, strlen(s), s);
}
END_TEST

START_TEST(test_non_utf8)
{
	static const char in[] = {'a', '\xff', '\xc3', '(', '\x80', 'z'};

	/* bytes that are not valid UTF-8 go through as escapes, never raw */
	expect_escaped(in, sizeof(in), "a\\FF\\C3\\28\\80z");
	expect_escaped("\xc3\xa9", 2, "\\C3\\A9");
}
END_TEST

START_TEST(test_length_limit)
{
	char *buf = malloc(RBAC_LDAP_VALUE_MAX + 2);
	char *out;

	ck_assert_ptr_nonnull(buf);
	memset(buf, 'a', RBAC_LDAP_VALUE_MAX + 1);
	buf[RBAC_LDAP_VALUE_MAX + 1] = '\0';

	out = rbac_ldap_escape_filter(buf, RBAC_LDAP_VALUE_MAX);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), RBAC_LDAP_VALUE_MAX);
	free(out);

	ck_assert_ptr_null(rbac_ldap_escape_filter(buf, RBAC_LDAP_VALUE_MAX + 1));
	free(buf);
}
END_TEST

START_TEST(test_limit_counts_input_bytes)
{
	/* The limit is on the value, not on its (up to 3x longer) escaped
	 * form: RBAC_LDAP_VALUE_MAX stars are accepted. */
	char *buf = malloc(RBAC_LDAP_VALUE_MAX);
	char *out;

	ck_assert_ptr_nonnull(buf);
	memset(buf, '*', RBAC_LDAP_VALUE_MAX);
	out = rbac_ldap_escape_filter(buf, RBAC_LDAP_VALUE_MAX);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(strlen(out), 3 * RBAC_LDAP_VALUE_MAX);
	ck_assert_ptr_null(strchr(out, '*'));
	free(out);
	free(buf);
}
END_TEST

START_TEST(test_null_value)
{
	ck_assert_ptr_null(rbac_ldap_escape_filter(NULL, 0));
}
END_TEST

static Suite *escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, test_specials);
	tcase_add_test(tc, test_embedded_nul);
	tcase_add_test(tc, test_trailing_nul_counts);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_plain_ascii_unchanged);
	tcase_add_test(tc, test_non_utf8);
	tcase_add_test(tc, test_length_limit);
	tcase_add_test(tc, test_limit_counts_input_bytes);
	tcase_add_test(tc, test_null_value);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(escape_suite());
}
