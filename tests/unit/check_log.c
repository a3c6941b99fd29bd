/*
 * check_log.c - the logging interface: level filtering, and untrusted
 * strings made safe and short for a log line.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "rbac_log.h"

START_TEST(test_quote_plain)
{
	char buf[RBAC_LOG_QUOTE_BUFSZ];

	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), "alice"), "alice");
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), "cn=admin,cn=eng"),
			 "cn=admin,cn=eng");
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), ""), "");
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), NULL), "(null)");
}
END_TEST

START_TEST(test_quote_escapes)
{
	char buf[RBAC_LOG_QUOTE_BUFSZ];

	/* a forged second field or line must not survive */
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), "bob\" decision=allow"),
			 "bob\\x22 decision=allow");
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), "a\nb\rc\td"), "a\\x0ab\\x0dc\\x09d");
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), "back\\slash"), "back\\x5cslash");
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), "\xc3\xa9\x7f"), "\\xc3\\xa9\\x7f");
}
END_TEST

START_TEST(test_quote_cuts_long_strings)
{
	char buf[RBAC_LOG_QUOTE_BUFSZ], want[RBAC_LOG_UNTRUSTED_MAX + 4];
	char *big = malloc(10001);

	memset(big, 'u', 10000);
	big[10000] = '\0';
	memset(want, 'u', RBAC_LOG_UNTRUSTED_MAX);
	strcpy(want + RBAC_LOG_UNTRUSTED_MAX, "...");
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), big), want);
	/* all bytes escaped: the worst case still fits the buffer */
	memset(big, '\n', 10000);
	rbac_log_quote(buf, sizeof(buf), big);
	ck_assert_uint_eq(strlen(buf), RBAC_LOG_UNTRUSTED_MAX * 4 + 3);
	/* exactly the limit: not cut */
	memset(big, 'u', 10000);
	big[RBAC_LOG_UNTRUSTED_MAX] = '\0';
	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), big), big);
	free(big);
}
END_TEST

START_TEST(test_quote_small_buffer)
{
	char buf[16] = "untouched";

	ck_assert_str_eq(rbac_log_quote(buf, sizeof(buf), "alice"), "");
}
END_TEST

START_TEST(test_log_levels)
{
	struct rbac_logger quiet = fx_logger;

	fx_log_clear();
	rbac_log(&fx_logger, LOG_ERR, "error %d", 1);
	rbac_log(&fx_logger, LOG_DEBUG, "debug %s", "on");
	ck_assert_str_eq(fx_log, "error 1\ndebug on\n");
	fx_log_clear();
	quiet.debug = false;
	rbac_log(&quiet, LOG_DEBUG, "hidden");
	rbac_log(&quiet, LOG_INFO, "shown");
	ck_assert_str_eq(fx_log, "shown\n");
	/* no logger, no sink: nothing happens, nothing crashes */
	rbac_log(NULL, LOG_ERR, "nowhere");
	quiet.fn = NULL;
	rbac_log(&quiet, LOG_ERR, "nowhere");
	ck_assert_str_eq(fx_log, "shown\n");
}
END_TEST

START_TEST(test_log_long_line_is_cut)
{
	char *big = malloc(5001);

	memset(big, 'x', 5000);
	big[5000] = '\0';
	fx_log_clear();
	rbac_log(&fx_logger, LOG_ERR, "%s", big);
	ck_assert_uint_eq(strlen(fx_log), 2047 + 1);
	free(big);
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_add_test(tc, test_quote_plain);
	tcase_add_test(tc, test_quote_escapes);
	tcase_add_test(tc, test_quote_cuts_long_strings);
	tcase_add_test(tc, test_quote_small_buffer);
	tcase_add_test(tc, test_log_levels);
	tcase_add_test(tc, test_log_long_line_is_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(log_suite());
}
