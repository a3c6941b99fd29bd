/*
 * rbac_time.c - LDAP GeneralizedTime to time_t.
 *
 * strptime(3) accepts fields of varying width and ignores trailing data, and
 * slapd's GeneralizedTime syntax allows optional minutes, seconds, a fraction
 * and an offset; so the fields are read strictly here and converted with
 * timegm(3), and the result is checked by converting it back (Feb 30 fails).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rbac_time.h"

/* Reads exactly n decimal digits at *p. */
static int read_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* The optional [MM[SS]] after the hour, then an optional fraction. */
static int read_minutes_seconds(const char **p, struct tm *tm)
{
	if (**p >= '0' && **p <= '9') {
		if (read_digits(p, 2, &tm->tm_min) != 0)
			return -1;
		if (**p >= '0' && **p <= '9' && read_digits(p, 2, &tm->tm_sec) != 0)
			return -1;
	}
	if (**p == '.' || **p == ',') {
		(*p)++;
		if (**p < '0' || **p > '9')
			return -1;
		while (**p >= '0' && **p <= '9')
			(*p)++;
	}
	return 0;
}

/* "Z" or +hh[mm] / -hh[mm]; *offset is seconds east of UTC. */
static int read_zone(const char **p, long *offset)
{
	int sign, hh, mm = 0;

	if (**p == 'Z') {
		(*p)++;
		*offset = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (read_digits(p, 2, &hh) != 0 || hh > 23)
		return -1;
	if (**p != '\0' && (read_digits(p, 2, &mm) != 0 || mm > 59))
		return -1;
	*offset = sign * (hh * 3600L + mm * 60L);
	return 0;
}

static int fields_in_range(const struct tm *tm)
{
	return tm->tm_year >= 1970 && tm->tm_mon >= 1 && tm->tm_mon <= 12 && tm->tm_mday >= 1 &&
	       tm->tm_mday <= 31 && tm->tm_hour <= 23 && tm->tm_min <= 59 && tm->tm_sec <= 60;
}

int rbac_time_parse(const char *s, time_t *out)
{
	struct tm tm, check;
	const char *p = s;
	long offset;
	time_t t;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (read_digits(&p, 4, &tm.tm_year) != 0 || read_digits(&p, 2, &tm.tm_mon) != 0 ||
	    read_digits(&p, 2, &tm.tm_mday) != 0 || read_digits(&p, 2, &tm.tm_hour) != 0)
		return -1;
	if (read_minutes_seconds(&p, &tm) != 0 || read_zone(&p, &offset) != 0 || *p != '\0')
		return -1;
	if (!fields_in_range(&tm))
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	/* A leap second is read as the last second of its minute. */
	if (tm.tm_sec == 60)
		tm.tm_sec = 59;
	check = tm;
	t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != check.tm_mday || tm.tm_mon != check.tm_mon)
		return -1;
	*out = t - offset;
	return 0;
}

char *rbac_time_format(time_t t, char *buf, size_t bufsz)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, bufsz, "%Y%m%d%H%M%SZ", &tm) == 0) {
		if (bufsz > 0)
			buf[0] = '\0';
	}
	return buf;
}
