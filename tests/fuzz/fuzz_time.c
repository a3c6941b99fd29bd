/*
 * fuzz_time.c - libFuzzer target: the GeneralizedTime parser on arbitrary
 * bytes (a value of rbacValidFrom, rbacValidUntil or pwdAccountLockedTime
 * as the directory hands it over).
 *
 * What it accepts must be the instant the text names. Checked here against
 * glibc, independently of the parser: the instant lies within a day or two
 * of the text's date (the hour, the fraction and the offset cannot move it
 * further), it formats and parses back to itself, and for the plain form
 * YYYYMMDDHHMMSS followed by Z or +hhmm/-hhmm, gmtime_r() of the instant
 * shifted by the offset gives back exactly the fields written.
 *
 *   make fuzz FUZZ_TARGETS=fuzz_time         (see tests/fuzz/local.mk)
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rbac_time.h"
#include "snapshot_exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Midnight UTC of the text's YYYYMMDD, from glibc. */
static void check_near_date(const char *text, time_t t)
{
	struct tm tm = {0};
	time_t midnight;

	FUZZ_CHECK(digits(text, 10));
	tm.tm_year = num(text, 4) - 1900;
	tm.tm_mon = num(text + 4, 2) - 1;
	tm.tm_mday = num(text + 6, 2);
	midnight = timegm(&tm);
	FUZZ_CHECK(tm.tm_mday == num(text + 6, 2)); /* no Feb 30 was accepted */
	FUZZ_CHECK(t > midnight - 86400 && t < midnight + 2 * 86400);
}

static void check_round_trip(time_t t)
{
	char buf[16];
	time_t again;

	FUZZ_CHECK(strlen(rbac_time_format(t, buf, sizeof(buf))) == 15);
	FUZZ_CHECK(rbac_time_parse(buf, &again) == 0 && again == t);
}

/* YYYYMMDDHHMMSS then Z, +hhmm or -hhmm: exact fields. */
static void check_plain_form(const char *text, size_t len, time_t t)
{
	long offset = 0;
	struct tm tm;
	time_t local;

	if (!digits(text, 14))
		return;
	if (len == 19 && (text[14] == '+' || text[14] == '-') && digits(text + 15, 4))
		offset = (text[14] == '-' ? -1 : 1) *
			 (num(text + 15, 2) * 3600L + num(text + 17, 2) * 60L);
	else if (len != 15 || text[14] != 'Z')
		return;
	local = t + offset;
	FUZZ_CHECK(gmtime_r(&local, &tm) != NULL);
	FUZZ_CHECK(tm.tm_year + 1900 == num(text, 4) && tm.tm_mon + 1 == num(text + 4, 2) &&
		   tm.tm_mday == num(text + 6, 2) && tm.tm_hour == num(text + 8, 2) &&
		   tm.tm_min == num(text + 10, 2) && tm.tm_sec == num(text + 12, 2));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	time_t t = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (rbac_time_parse(text, &t) == 0) {
		check_near_date(text, t);
		check_round_trip(t);
		check_plain_form(text, strlen(text), t);
	}
	free(text);
	return 0;
}
