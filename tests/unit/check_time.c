/*
 * check_time.c - GeneralizedTime parsing (RFC 4517 3.3.13): every form the
 * syntax allows, each read as the very instant it names, and everything
 * else refused -- never read as a different instant.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fixture.h"
#include "rbac_time.h"

/* 2026-12-31T23:00:00Z, the base of the fraction cases. */
#define H23 1798758000

/* clang-format off */
static const struct {
	const char *text;
	long long expect;
} good[] = {
	{ "20261231235959Z", 1798761599 },
	{ "2026123123Z", H23 },                 /* hour only */
	{ "202612312359Z", 1798761540 },        /* no seconds */
	/* a fraction applies to the last unit written */
	{ "2026123123.5Z", H23 + 1800 },        /* half an hour: 23:30 */
	{ "2026123123,5Z", H23 + 1800 },
	{ "2026123123.25Z", H23 + 900 },
	{ "2026123123.125Z", H23 + 450 },
	{ "202612312359.5Z", 1798761570 },      /* half a minute: 23:59:30 */
	{ "202612312359.05Z", 1798761543 },
	{ "202612312359,75Z", 1798761585 },
	{ "20261231235959.0Z", 1798761599 },    /* Active Directory writes .0Z */
	{ "20261231235959,000Z", 1798761599 },
	{ "20261231235959.000000000Z", 1798761599 }, /* nine digits */
	{ "2026123123.0Z", H23 },
	/* offsets: east of UTC is an earlier instant */
	{ "20261231235959+0100", 1798757999 },
	{ "20261231235959+01", 1798757999 },
	{ "20261231235959-0530", 1798781399 },
	{ "20261231235959+2359", 1798761599 - 86340 },
	{ "20261231235959-0000", 1798761599 },
	{ "2026123123.5+0100", H23 + 1800 - 3600 },
	{ "20270101000000+0100", 1798758000 },  /* the offset crosses the year */
	/* leap years of the Gregorian calendar */
	{ "20280229120000Z", 1835438400 },
	{ "20000229120000Z", 951825600 },
	{ "16000229000000Z", -11670998400 },
	/* before 1970: negative, exactly */
	{ "19700101000000Z", 0 },
	{ "19691231235959Z", -1 },
	{ "19700101005959+0100", -1 },
	{ "19690720201740Z", -14182940 },
	{ "19000301000000Z", -2203891200 },
	{ "19000228235959Z", -2203891201 },
	{ "00010101000000Z", -62135596800 },
	{ "00000101000000Z", -62167219200 },    /* year 0: proleptic, a leap year */
	{ "00000229000000Z", -62162121600 },
	{ "000001010000Z", -62167219200 },      /* ppolicy's "locked for good" */
	{ "20991231235959Z", 4102444799 },
	{ "99991231235959Z", 253402300799 },
};

static const char *const bad[] = {
	/* not the syntax */
	"", "2026", "20261231", "202612312", "20261231235959", "20261231235959z",
	"20261231235959ZZ", "20261231235959Z ", " 20261231235959Z", "2026-12-31T23:59:59Z",
	"2026123123595Z", "abcdefghijklmnZ", "+0261231235959Z", "2026123123 Z",
	"20261231235959\tZ", "20261231235959Z\n",
	/* fields out of range */
	"20261301000000Z", "20260001000000Z", "20260100000000Z", "20261232000000Z",
	"20260431000000Z", "20260230000000Z", "20260229000000Z", "21000229000000Z",
	"19000229000000Z", "20261231240000Z", "20261231236000Z", "20261231235960Z",
	"20261231235961Z", "2026123124Z", "202612312360Z",
	/* the fraction: empty, overlong, misplaced, or less than a second */
	"20261231235959.Z", "20261231235959,Z", "2026123123.Z", "20261231235959..0Z",
	"20261231235959.0000000000Z", "20261231235959.5Z", "20261231235959,123Z",
	"20261231235959.000000001Z", "2026123123.0001Z", "202612312359.001Z",
	"20261231235959.0.0Z", "20261231235959.0", "2026123123.5.5Z", ".5Z",
	/* the offset */
	"20261231235959+2400", "20261231235959+0160", "20261231235959+1", "20261231235959+",
	"20261231235959-", "20261231235959+01001", "20261231235959+010", "20261231235959+01Z",
	"20261231235959Z+0100", "20261231235959+01:00", "20261231235959 +0100",
	/* outside 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
	"00000101000000+0001", "99991231235959-0001",
};
/* clang-format on */

START_TEST(test_parse_good)
{
	time_t t = 0;

	ck_assert_msg(rbac_time_parse(good[_i].text, &t) == 0, "%s refused", good[_i].text);
	ck_assert_msg((long long)t == good[_i].expect, "%s -> %lld, want %lld", good[_i].text,
		      (long long)t, good[_i].expect);
}
END_TEST

START_TEST(test_parse_bad)
{
	time_t t = 12345;

	ck_assert_msg(rbac_time_parse(bad[_i], &t) == -1, "\"%s\" accepted (%lld)", bad[_i],
		      (long long)t);
	ck_assert_int_eq(t, 12345);
}
END_TEST

START_TEST(test_parse_null)
{
	time_t t;

	ck_assert_int_eq(rbac_time_parse(NULL, &t), -1);
}
END_TEST

/* The window of rbac_decide() is [from, until] in whole seconds: an
 * instant that is not a whole second could only be rounded into a window
 * that opens early or closes late, so it is refused, and .0 is not. */
START_TEST(test_fraction_never_moves_an_instant)
{
	time_t t;

	ck_assert_int_eq(rbac_time_parse("20261231235959.5Z", &t), -1);
	ck_assert_int_eq(rbac_time_parse("20261231235959.0Z", &t), 0);
	ck_assert_int_eq(t, 1798761599);
	/* 23.5 is 23:30, not 23:00 */
	ck_assert_int_eq(rbac_time_parse("2026123123.5Z", &t), 0);
	ck_assert_int_eq(t, 1798759800);
}
END_TEST

/* Instants from `from` on, every day and an hour, a minute and a second
 * more, so every hour, minute and second comes up too: written as glibc's
 * gmtime_r() sees them, they must parse back to themselves. */
static void check_days(long long from, int days)
{
	char text[64];
	struct tm tm;
	time_t t, want = (time_t)from;

	for (int i = 0; i < days; i++, want += 86400 + 3661) {
		ck_assert_ptr_nonnull(gmtime_r(&want, &tm));
		snprintf(text, sizeof(text), "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		ck_assert_msg(rbac_time_parse(text, &t) == 0 && t == want, "%s", text);
	}
}

/* The calendar's edges (leap days of centuries, the epoch, year 0 and
 * 9999) day by day, and the whole range in steps of about 400 days. */
START_TEST(test_calendar_against_gmtime)
{
	static const long long starts[] = {
	    -62167219200, /* 0000-01-01 */
	    -11676096000, /* 1600-01-01 */
	    -2240524800,  /* 1899-01-01 */
	    -94694400,	  /* 1967-01-01 */
	    915148800,	  /* 1999-01-01 */
	    4070908800,	  /* 2099-01-01 */
	    253302422400, /* 9996-11-01 */
	};

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		check_days(starts[i], 3 * 366);
	for (long long t = -62167219200; t < 253402300800 - 402 * 86400;
	     t += 401 * 86400 + 3661)
		check_days(t, 1);
}
END_TEST

START_TEST(test_format_roundtrip)
{
	static const long long times[] = {1798761599, 0, -1, -62167219200, 253402300799};
	char buf[16];
	time_t t;

	ck_assert_str_eq(rbac_time_format(1798761599, buf, sizeof(buf)), "20261231235959Z");
	ck_assert_str_eq(rbac_time_format(0, buf, sizeof(buf)), "19700101000000Z");
	ck_assert_str_eq(rbac_time_format(-62135596800, buf, sizeof(buf)), "00010101000000Z");
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		rbac_time_format((time_t)times[i], buf, sizeof(buf));
		ck_assert_int_eq(rbac_time_parse(buf, &t), 0);
		ck_assert_int_eq(t, times[i]);
	}
	/* too small a buffer, or a year GeneralizedTime cannot write, gives
	 * an empty string, never a cut or a wrong time */
	ck_assert_str_eq(rbac_time_format(0, buf, 15), "");
	ck_assert_str_eq(rbac_time_format(-62167219201, buf, sizeof(buf)), "");
	ck_assert_str_eq(rbac_time_format(253402300800, buf, sizeof(buf)), "");
}
END_TEST

static Suite *time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_loop_test(tc, test_parse_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_parse_null);
	tcase_add_test(tc, test_fraction_never_moves_an_instant);
	tcase_add_test(tc, test_calendar_against_gmtime);
	tcase_add_test(tc, test_format_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return fx_run(time_suite());
}
