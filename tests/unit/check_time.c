/*
 * check_time.c - GeneralizedTime parsing: every form slapd accepts, and
 * everything else refused.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "rbac_time.h"

/* clang-format off */
static const struct {
	const char *text;
	time_t expect;
} good[] = {
	{ "20261231235959Z", 1798761599 },
	{ "2026123123Z", 1798758000 },        /* hour only */
	{ "202612312359Z", 1798761540 },      /* no seconds */
	{ "20261231235959.5Z", 1798761599 },  /* fraction dropped */
	{ "20261231235959,123Z", 1798761599 },
	{ "20261231235959+0100", 1798757999 }, /* east of UTC: earlier instant */
	{ "20261231235959+01", 1798757999 },
	{ "20261231235959-0530", 1798781399 },
	{ "20261231235960Z", 1798761599 },    /* leap second: last second */
	{ "20280229120000Z", 1835438400 },    /* leap year */
	{ "19700101000000Z", 0 },
	{ "20991231235959Z", 4102444799 },
};

static const char *const bad[] = {
	"", "2026", "20261231", "20261231235959", "20261231235959z", "20261231235959ZZ",
	"20261231235959Z ", " 20261231235959Z", "2026-12-31T23:59:59Z", "20261301000000Z",
	"20260001000000Z", "20260100000000Z", "20260230000000Z", "20260229000000Z",
	"20261231240000Z", "20261231236000Z", "20261231235961Z", "19691231235959Z",
	"20261231235959.Z", "20261231235959+2400", "20261231235959+0160", "20261231235959+1",
	"2026123123595Z", "abcdefghijklmnZ", "20261231235959+01001",
};

START_TEST(test_parse_good)
{
	time_t t = 0;

	ck_assert_msg(rbac_time_parse(good[_i].text, &t) == 0, "%s refused", good[_i].text);
	ck_assert_msg(t == good[_i].expect, "%s -> %lld, want %lld", good[_i].text,
		      (long long)t, (long long)good[_i].expect);
}
END_TEST

START_TEST(test_parse_bad)
{
	time_t t = 12345;

	ck_assert_msg(rbac_time_parse(bad[_i], &t) == -1, "\"%s\" accepted", bad[_i]);
	ck_assert_int_eq(t, 12345);
}
END_TEST

START_TEST(test_parse_null)
{
	time_t t;

	ck_assert_int_eq(rbac_time_parse(NULL, &t), -1);
}
END_TEST

START_TEST(test_format_roundtrip)
{
	char buf[16];
	time_t t;

	ck_assert_str_eq(rbac_time_format(1798761599, buf, sizeof(buf)), "20261231235959Z");
	ck_assert_int_eq(rbac_time_parse(buf, &t), 0);
	ck_assert_int_eq(t, 1798761599);
	ck_assert_str_eq(rbac_time_format(0, buf, sizeof(buf)), "19700101000000Z");
	/* too small a buffer gives an empty string, never a cut time */
	ck_assert_str_eq(rbac_time_format(0, buf, 10), "");
}
END_TEST

static Suite *time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_parse_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_parse_null);
	tcase_add_test(tc, test_format_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(time_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
